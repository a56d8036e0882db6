/* modules.c: the list of modules built into the tender, and the walks over it. */
#include <string.h>

#include "skiff.h"

const struct skiff_module *const skiff_modules[] = {
    &skiff_module_core,
    &skiff_module_block,
    &skiff_module_net,
    &skiff_module_net_ring, /* after net: serves the devices net attached */
    &skiff_module_netsetup, /* --net-from: a container interface as a net device */
    NULL,
};

const char *const *skiff_modules_keys(void)
{
    static const char *keys[32];
    size_t n = 0;

    for (const struct skiff_module *const *m = skiff_modules; *m; m++)
        for (const char *const *k = (*m)->option_keys; k && *k && n < 31; k++)
            keys[n++] = *k;
    return keys;
}

void skiff_modules_usage(FILE *f)
{
    for (const struct skiff_module *const *m = skiff_modules; *m; m++)
        if ((*m)->usage)
            fputs((*m)->usage, f);
}

static const struct skiff_module *module_for(const char *key)
{
    for (const struct skiff_module *const *m = skiff_modules; *m; m++)
        for (const char *const *k = (*m)->option_keys; k && *k; k++)
            if (strcmp(*k, key) == 0)
                return *m;
    return NULL;
}

int skiff_modules_options(struct skiff *s, const struct skiff_options *o)
{
    int status;

    /* cli.c accepted only the keys skiff_modules_keys() listed, so every key has a module. */
    for (size_t i = 0; i < o->ndevopts; i++)
        if ((status = module_for(o->devopts[i].key)->option(s, &o->devopts[i])))
            return status;
    return 0;
}

int skiff_modules_cmdline(struct skiff *s, char *buf, size_t size)
{
    int status;

    for (const struct skiff_module *const *m = skiff_modules; *m; m++)
        if ((*m)->cmdline && (status = (*m)->cmdline(s, buf, size)))
            return status;
    return 0;
}

uint64_t skiff_modules_reserve(struct skiff *s, uint64_t mem_size)
{
    uint64_t bytes = 0;

    for (const struct skiff_module *const *m = skiff_modules; *m; m++)
        if ((*m)->reserve)
            bytes += (*m)->reserve(s, mem_size);
    return bytes;
}

int skiff_modules_setup(struct skiff *s)
{
    int status;

    for (const struct skiff_module *const *m = skiff_modules; *m; m++)
        if ((*m)->setup && (status = (*m)->setup(s)))
            return status;
    return 0;
}

void skiff_modules_teardown(struct skiff *s)
{
    for (const struct skiff_module *const *m = skiff_modules; *m; m++)
        if ((*m)->teardown)
            (*m)->teardown(s);
}
