/* cli.c: parses skiff's command line into struct skiff_options; no side effects. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "skiff.h"

static bool is_name(const char *s, size_t len)
{
    if (len == 0 || len > MFT_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]))
            return false;
    return true;
}

static bool key_known(const char *key, const char *const *known_keys)
{
    for (; known_keys && *known_keys; known_keys++)
        if (strcmp(key, *known_keys) == 0)
            return true;
    return false;
}

/* "--mem=N": N MiB, a positive decimal integer. The reference tender ignores trailing junk
 * ("12abc" is 12); skiff refuses it, since a typo should not silently pick a size. */
static int parse_mem(const char *arg, const char *value, struct skiff_options *o)
{
    char *end;
    unsigned long long mib;

    errno = 0;
    mib = strtoull(value, &end, 10);
    if (!isdigit((unsigned char)value[0]) || *end != '\0' || errno || mib == 0 ||
        mib > (HVT_MEM_MAX >> 20) * 2) {
        skiff_set_error("%s: malformed argument to --mem (expected MiB, 1 to 4096)", arg);
        return -1;
    }
    o->mem_bytes = (uint64_t)mib << 20;
    return 0;
}

/* "--KEY:NAME=VALUE" */
static int parse_devopt(const char *arg, const char *const *known_keys, struct skiff_options *o)
{
    const char *colon = strchr(arg, ':');
    const char *eq = colon ? strchr(colon, '=') : NULL;
    struct skiff_devopt *d;
    size_t keylen, namelen;

    keylen = colon ? (size_t)(colon - arg - 2) : 0;
    if (keylen == 0 || keylen >= sizeof(d->key)) {
        skiff_set_error("unknown option '%s'", arg);
        return -1;
    }
    if (o->ndevopts == SKIFF_MAX_DEVOPTS) {
        skiff_set_error("%s: too many device options (max %d)", arg, SKIFF_MAX_DEVOPTS);
        return -1;
    }
    d = &o->devopts[o->ndevopts];
    memcpy(d->key, arg + 2, keylen);
    d->key[keylen] = '\0';
    if (!key_known(d->key, known_keys)) {
        skiff_set_error("unknown option '%s'", arg);
        return -1;
    }
    if (!eq) {
        skiff_set_error("%s: expected --%s:NAME=VALUE", arg, d->key);
        return -1;
    }
    namelen = (size_t)(eq - colon - 1);
    if (!is_name(colon + 1, namelen)) {
        skiff_set_error("%s: device name must be 1 to %d letters or digits", arg, MFT_NAME_MAX);
        return -1;
    }
    memcpy(d->name, colon + 1, namelen);
    d->name[namelen] = '\0';
    if (eq[1] == '\0') {
        skiff_set_error("%s: missing value after '='", arg);
        return -1;
    }
    d->value = eq + 1;
    d->arg = arg;
    o->ndevopts++;
    return 0;
}

static int parse_option(const char *arg, const char *const *known_keys, struct skiff_options *o)
{
    if (strncmp(arg, "--mem=", 6) == 0)
        return parse_mem(arg, arg + 6, o);
    if (strcmp(arg, "--quiet") == 0) {
        o->quiet = true;
        return 0;
    }
    if (strcmp(arg, "--json") == 0) {
        o->json = true;
        return 0;
    }
    if (strcmp(arg, "--no-net-ring") == 0) {
        o->no_net_ring = true;
        return 0;
    }
    /* Snapshots (snapshot.c): the path is opened later, with the other files. */
    if (strncmp(arg, "--snapshot=", 11) == 0 && arg[11]) {
        o->snapshot = arg + 11;
        return 0;
    }
    if (strncmp(arg, "--restore=", 10) == 0 && arg[10]) {
        o->restore = arg + 10;
        return 0;
    }
    if (strncmp(arg, "--", 2) == 0 && strchr(arg, ':'))
        return parse_devopt(arg, known_keys, o);
    skiff_set_error("unknown option '%s'", arg);
    return -1;
}

int skiff_cli_parse(int argc, char **argv, const char *const *known_keys, struct skiff_options *o)
{
    int i, end;

    memset(o, 0, sizeof(*o));
    o->mem_bytes = HVT_MEM_DEFAULT;

    /* Options end at "--" or at the first argument that is not an option (the kernel). */
    for (end = 1; end < argc; end++)
        if (strcmp(argv[end], "--") == 0 || argv[end][0] != '-')
            break;

    /* --help and --version win over anything else before the kernel. */
    for (i = 1; i < end; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            o->help = true;
        else if (strcmp(argv[i], "--version") == 0)
            o->version = true;
    }
    if (o->help || o->version)
        return 0;

    for (i = 1; i < end; i++)
        if (parse_option(argv[i], known_keys, o) < 0)
            return -1;

    if (end < argc && strcmp(argv[end], "--") == 0)
        end++;
    /* A restored guest's image, memory and command line are all in the snapshot. */
    if (o->restore) {
        if (end < argc) {
            skiff_set_error("%s: no KERNEL or guest arguments with --restore", argv[end]);
            return -1;
        }
        o->guest_argv = argv + argc; /* none */
        return 0;
    }
    if (end >= argc) {
        skiff_set_error("missing KERNEL operand");
        return -1;
    }
    o->kernel = argv[end];
    o->guest_argc = argc - end - 1;
    o->guest_argv = argv + end + 1;
    return 0;
}

int skiff_cmdline_join(int argc, char **argv, char *buf, size_t size)
{
    size_t used = 0;

    if (size == 0)
        return -1;
    buf[0] = '\0';
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        size_t need = len + (i > 0);

        if (need >= size - used) {
            skiff_set_error("guest command line too long (max=%zu characters)", size - 1);
            return -1;
        }
        if (i > 0)
            buf[used++] = ' ';
        memcpy(buf + used, argv[i], len);
        used += len;
        buf[used] = '\0';
    }
    return 0;
}
