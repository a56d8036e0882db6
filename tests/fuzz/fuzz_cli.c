/* fuzz_cli.c: libFuzzer target: arbitrary bytes as a command line (NUL- or newline-separated
 * arguments) through the parser and the guest command line join. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skiff.h"

#define FUZZ_MAX_ARGS 300 /* enough to pass SKIFF_MAX_DEVOPTS */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

static const char *const keys[] = {"net", "net-mac", "block", "block-sector-size", NULL};

/* The parser's promises to main.c: every device option is a known key, a 1-16 character
 * alphanumeric name and a non-empty value. */
static void check_options(const struct skiff_options *o, int argc, char **argv)
{
    check(o->ndevopts <= SKIFF_MAX_DEVOPTS);
    for (size_t i = 0; i < o->ndevopts; i++) {
        const struct skiff_devopt *d = &o->devopts[i];
        bool known = false;

        for (const char *const *k = keys; *k; k++)
            known |= strcmp(*k, d->key) == 0;
        check(known);
        check(strlen(d->name) >= 1 && strlen(d->name) <= MFT_NAME_MAX);
        check(d->value != NULL && d->value[0] != '\0');
    }
    if (!o->help && !o->version) {
        check(o->kernel != NULL || o->restore != NULL); /* --restore takes no KERNEL */
        check(o->guest_argc >= 0 && o->guest_argc < argc);
        check(o->guest_argv + o->guest_argc == argv + argc);
        check(o->mem_bytes > 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct skiff_options o;
    static char cmdline[HVT_CMDLINE_SIZE];
    static char prog[] = "skiff";
    char *argv[FUZZ_MAX_ARGS + 1];
    char *copy = malloc(size + 1);
    int argc = 0;

    if (!copy)
        abort();
    memcpy(copy, data, size);
    copy[size] = '\0';
    argv[argc++] = prog;
    for (char *p = copy; p <= copy + size && argc < FUZZ_MAX_ARGS; argc++) {
        char *end = p + strcspn(p, "\n");

        argv[argc] = p;
        *end = '\0';
        p = end + 1;
    }
    argv[argc] = NULL;

    if (skiff_cli_parse(argc, argv, keys, &o) == 0) {
        check_options(&o, argc, argv);
        if (!o.help && !o.version &&
            skiff_cmdline_join(o.guest_argc, o.guest_argv, cmdline, sizeof(cmdline)) == 0)
            check(strlen(cmdline) < sizeof(cmdline));
    }
    /* A small buffer takes the too-long path for almost every input. */
    if (skiff_cmdline_join(argc, argv, cmdline, 16) == 0)
        check(strlen(cmdline) < 16);
    free(copy);
    return 0;
}
