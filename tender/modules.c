/* modules.c: the list of modules built into the tender, and helpers modules share. */
#include "skiff.h"

const struct skiff_module *const skiff_modules[] = {
    &skiff_module_core,
    &skiff_module_block,
    &skiff_module_net,
    &skiff_module_netsetup, /* --net-from: a container interface as a net device */
    NULL,
};

struct mft_entry *skiff_devopt_entry(struct skiff *s, const struct skiff_devopt *opt, uint32_t type)
{
    struct mft_entry *e = skiff_mft_find(s->mft, opt->name, type);

    if (!e)
        skiff_set_error("%s: resource not declared in manifest: '%s' (no %s device of that "
                        "name in the image)",
                        opt->arg, opt->name, skiff_mft_type_name(type));
    return e;
}
