/* mft.c: validation of the untrusted manifest (abi.md 2.4) and lookups in a validated one. */
#include <stdio.h>
#include <string.h>

#include "skiff.h"

/* Is this all zero bytes? */
static bool zero(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/*
 * Beyond the ABI's own checks (which the reference tender leaves out, abi.md 2.4): every
 * device entry is of a type the tender serves, named once, with the fields the tender fills
 * in left zero. Otherwise an image could declare a device no command line can attach, make
 * an attach ambiguous, or hand the guest a block size the tender never checked.
 */
static int validate_devices(const struct mft *mft)
{
    char name[SKIFF_MFT_PRINTABLE_SIZE];

    for (uint32_t i = 1; i < mft->entries; i++) {
        const struct mft_entry *e = &mft->e[i];

        skiff_mft_printable_name(e, name);
        if (e->type != MFT_DEV_BLOCK_BASIC && e->type != MFT_DEV_NET_BASIC) {
            skiff_set_error("Solo5 manifest is invalid: entry %u ('%s'): unknown device type %u", i,
                            name, e->type);
            return -1;
        }
        if (!zero(&e->u, sizeof(e->u)) || e->tender_private != 0) {
            skiff_set_error("Solo5 manifest is invalid: entry %u ('%s'): fields the tender fills "
                            "in are set in the image",
                            i, name);
            return -1;
        }
        for (uint32_t j = 1; j < i; j++)
            if (strncmp(mft->e[j].name, e->name, MFT_NAME_SIZE) == 0) {
                skiff_set_error("Solo5 manifest is invalid: duplicate device name '%s' "
                                "(entries %u and %u)",
                                name, j, i);
                return -1;
            }
    }
    return 0;
}

int skiff_mft_validate(const struct mft *mft, size_t size)
{
    /* Checked in the ABI's order, so the first failure reported is the reference's. Each step
     * only reads what the previous ones have shown to be inside the buffer. */
    if (size < sizeof(struct mft) || size > MFT_MAX_SIZE) {
        skiff_set_error("Solo5 manifest is invalid: size %zu is outside [%zu, %zu]", size,
                        sizeof(struct mft), MFT_MAX_SIZE);
        return -1;
    }
    if (mft->version != MFT_VERSION) {
        skiff_set_error("Solo5 manifest is invalid: version %u, expected %u", mft->version,
                        MFT_VERSION);
        return -1;
    }
    if (mft->entries > MFT_MAX_ENTRIES) {
        skiff_set_error("Solo5 manifest is invalid: %u entries, at most %u allowed", mft->entries,
                        MFT_MAX_ENTRIES);
        return -1;
    }
    if (size != MFT_SIZE(mft->entries)) {
        skiff_set_error("Solo5 manifest is invalid: size %zu does not match %u entries (%zu)", size,
                        mft->entries, MFT_SIZE(mft->entries));
        return -1;
    }
    if (mft->entries < 1) {
        skiff_set_error("Solo5 manifest is invalid: no entries (the reserved first is missing)");
        return -1;
    }
    if (mft->e[0].type != MFT_RESERVED_FIRST || mft->e[0].name[0] != '\0') {
        skiff_set_error("Solo5 manifest is invalid: entry 0 is not the reserved first entry");
        return -1;
    }
    for (uint32_t i = 0; i < mft->entries; i++) {
        if (mft->e[i].name[MFT_NAME_SIZE - 1] != '\0') {
            skiff_set_error("Solo5 manifest is invalid: entry %u: name is not NUL-terminated", i);
            return -1;
        }
        if (mft->e[i].attached != 0) {
            skiff_set_error("Solo5 manifest is invalid: entry %u: marked attached in the image", i);
            return -1;
        }
    }
    return validate_devices(mft);
}

struct mft_entry *skiff_mft_find(struct mft *mft, const char *name, uint32_t type)
{
    /* Over all MFT_NAME_SIZE bytes: a longer name then never matches, since name[67] == 0. */
    for (uint32_t i = 0; i < mft->entries; i++) {
        if (mft->e[i].type == type && strncmp(mft->e[i].name, name, MFT_NAME_SIZE) == 0)
            return &mft->e[i];
    }
    return NULL;
}

int skiff_mft_check_attached(const struct mft *mft)
{
    for (uint32_t i = 0; i < mft->entries; i++) {
        const struct mft_entry *e = &mft->e[i];

        /* Types from MFT_RESERVED_FIRST up are not devices and have nothing to attach. */
        if (e->type >= MFT_RESERVED_FIRST || e->attached)
            continue;
        char name[SKIFF_MFT_PRINTABLE_SIZE];

        skiff_set_error("device '%s' of type %s declared but not attached",
                        skiff_mft_printable_name(e, name), skiff_mft_type_name(e->type));
        return -1;
    }
    return 0;
}

const char *skiff_mft_type_name(uint32_t type)
{
    switch (type) {
    case MFT_DEV_BLOCK_BASIC:
        return "BLOCK_BASIC";
    case MFT_DEV_NET_BASIC:
        return "NET_BASIC";
    default:
        return "<undefined type>";
    }
}

const char *skiff_mft_printable_name(const struct mft_entry *e, char buf[SKIFF_MFT_PRINTABLE_SIZE])
{
    size_t n = 0;

    /* Names come from the image: anything but printable ASCII would reach the terminal raw. */
    for (size_t i = 0; i < MFT_NAME_SIZE && e->name[i]; i++) {
        unsigned char c = (unsigned char)e->name[i];

        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
            buf[n++] = (char)c;
        else
            n += (size_t)snprintf(buf + n, SKIFF_MFT_PRINTABLE_SIZE - n, "\\x%02x", c);
    }
    buf[n] = '\0';
    return buf;
}

struct mft_entry *skiff_devopt_entry(struct skiff *s, const struct skiff_devopt *opt, uint32_t type)
{
    struct mft_entry *e = skiff_mft_find(s->mft, opt->name, type);

    if (!e)
        skiff_set_error("%s: resource not declared in manifest: '%s' (no %s device of that "
                        "name in the image)",
                        opt->arg, opt->name, skiff_mft_type_name(type));
    return e;
}
