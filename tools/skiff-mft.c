/* skiff-mft.c: turns a Solo5 manifest (JSON) into the C source of an image's MFT1 note. */
/*
 * usage: skiff-mft gen MANIFEST.json OUT.c
 *        skiff-mft dump IMAGE
 * gen validates the manifest the way solo5-elftool does (abi.md 2.6) and writes a C file that
 * defines the manifest note in section .note.solo5.manifest. dump prints the ABI and manifest
 * notes of a built image as JSON. Errors: one line on stderr naming the file and field, exit 1.
 */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "elf_abi.h"
#include "mft_abi.h"

static const char *prog = "skiff-mft";

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

struct device {
    char name[MFT_NAME_SIZE];
    const char *type; /* enum name, as written to the C file */
};

static const char *device_type(const char *s)
{
    if (strcmp(s, "BLOCK_BASIC") == 0)
        return "MFT_DEV_BLOCK_BASIC";
    if (strcmp(s, "NET_BASIC") == 0)
        return "MFT_DEV_NET_BASIC";
    return NULL;
}

static void parse_device(const char *file, size_t i, json_object *jd, struct device *d)
{
    const char *name = NULL, *type = NULL;

    if (!json_object_is_type(jd, json_type_object))
        die("%s: devices[%zu]: must be an object", file, i);
    json_object_object_foreach(jd, key, val)
    {
        if (strcmp(key, "name") == 0) {
            if (!json_object_is_type(val, json_type_string))
                die("%s: devices[%zu].name: must be a string", file, i);
            name = json_object_get_string(val);
        } else if (strcmp(key, "type") == 0) {
            if (!json_object_is_type(val, json_type_string))
                die("%s: devices[%zu].type: must be a string", file, i);
            type = json_object_get_string(val);
        } else {
            die("%s: devices[%zu]: unknown key '%s'", file, i, key);
        }
    }
    if (!name)
        die("%s: devices[%zu]: missing 'name'", file, i);
    if (!type)
        die("%s: devices[%zu]: missing 'type'", file, i);
    size_t n = strlen(name);
    if (n == 0 || n > MFT_NAME_MAX)
        die("%s: devices[%zu].name: must be 1 to %d characters", file, i, MFT_NAME_MAX);
    for (size_t k = 0; k < n; k++) {
        if (!isascii((unsigned char)name[k]) || !isalnum((unsigned char)name[k]))
            die("%s: devices[%zu].name: '%s' is not alphanumeric", file, i, name);
    }
    d->type = device_type(type);
    if (!d->type)
        die("%s: devices[%zu].type: unknown type '%s' (BLOCK_BASIC or NET_BASIC)", file, i, type);
    memcpy(d->name, name, n + 1);
}

/* Returns the number of devices stored in devs (at most MFT_MAX_ENTRIES - 1). */
static size_t parse_manifest(const char *file, struct device *devs)
{
    enum json_tokener_error jerr;
    json_object *root, *jdevs = NULL;
    FILE *f = fopen(file, "r");
    char *text;
    size_t len, ndev;
    int seen_type = 0, seen_version = 0;

    if (!f)
        die("%s: %s", file, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0 || (long)(len = (size_t)ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
        die("%s: cannot read", file);
    text = calloc(1, len + 1);
    if (!text || fread(text, 1, len, f) != len)
        die("%s: cannot read", file);
    fclose(f);
    root = json_tokener_parse_verbose(text, &jerr);
    if (!root)
        die("%s: invalid JSON: %s", file, json_tokener_error_desc(jerr));
    if (!json_object_is_type(root, json_type_object))
        die("%s: top level must be an object", file);
    json_object_object_foreach(root, key, val)
    {
        if (strcmp(key, "type") == 0) {
            if (!json_object_is_type(val, json_type_string) ||
                strcmp(json_object_get_string(val), "solo5.manifest") != 0)
                die("%s: type: must be \"solo5.manifest\"", file);
            seen_type = 1;
        } else if (strcmp(key, "version") == 0) {
            if (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) != 1)
                die("%s: version: must be %d", file, MFT_VERSION);
            seen_version = 1;
        } else if (strcmp(key, "devices") == 0) {
            if (!json_object_is_type(val, json_type_array))
                die("%s: devices: must be an array", file);
            jdevs = val;
        } else {
            die("%s: unknown key '%s'", file, key);
        }
    }
    if (!seen_type)
        die("%s: missing 'type'", file);
    if (!seen_version)
        die("%s: missing 'version'", file);
    if (!jdevs)
        die("%s: missing 'devices'", file);
    ndev = json_object_array_length(jdevs);
    if (ndev > MFT_MAX_ENTRIES - 1)
        die("%s: devices: too many entries, maximum %d", file, MFT_MAX_ENTRIES - 1);
    for (size_t i = 0; i < ndev; i++) {
        parse_device(file, i, json_object_array_get_idx(jdevs, i), &devs[i]);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(devs[i].name, devs[j].name) == 0)
                die("%s: devices[%zu].name: duplicate name '%s'", file, i, devs[i].name);
        }
    }
    json_object_put(root);
    free(text);
    return ndev;
}

static void gen(const char *in, const char *out)
{
    struct device devs[MFT_MAX_ENTRIES];
    size_t ndev = parse_manifest(in, devs), entries = ndev + 1;
    FILE *f = fopen(out, "w");

    if (!f)
        die("%s: %s", out, strerror(errno));
    fprintf(f,
            "/* Generated by skiff-mft from %s: the image's MFT1 note. Do not edit. */\n"
            "#include \"elf_abi.h\"\n\n"
            "struct skiff_manifest_note {\n"
            "    struct solo5_manifest_note_hdr h;\n"
            "    struct mft m;\n"
            "    struct mft_entry e[%zu];\n"
            "} __attribute__((packed, aligned(4)));\n\n"
            "_Static_assert(sizeof(struct skiff_manifest_note) ==\n"
            "                   SOLO5_NOTE_HDR_SIZE + 4 + MFT_SIZE(%zu),\n"
            "               \"manifest note size\");\n\n"
            "__attribute__((section(\".note.solo5.manifest\"), used, aligned(4)))\n"
            "const struct skiff_manifest_note skiff_manifest_note = {\n"
            "    .h = {.h = {.namesz = SOLO5_NOTE_NAMESZ,\n"
            "                .descsz = 4 + MFT_SIZE(%zu),\n"
            "                .type = SOLO5_NOTE_MANIFEST,\n"
            "                .name = SOLO5_NOTE_NAME}},\n"
            "    .m = {.version = MFT_VERSION, .entries = %zu},\n"
            "    .e = {\n"
            "        {.name = \"\", .type = MFT_RESERVED_FIRST},\n",
            in, entries, entries, entries, entries);
    for (size_t i = 0; i < ndev; i++)
        fprintf(f, "        {.name = \"%s\", .type = %s},\n", devs[i].name, devs[i].type);
    fprintf(f, "    },\n};\n");
    if (fclose(f) != 0) {
        remove(out);
        die("%s: write failed", out);
    }
}

/* Finds the first Solo5 note of the given type, alone at the start of a PT_NOTE header, and
 * returns a malloc'ed copy of its descriptor content (after the type's alignment padding). */
static void *find_note(const char *img, FILE *f, uint32_t type, size_t pad, size_t *len)
{
    Elf64_Ehdr eh;
    Elf64_Phdr ph;
    struct solo5_note_hdr nh;

    if (fseek(f, 0, SEEK_SET) != 0 || fread(&eh, sizeof(eh), 1, f) != 1 ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_phentsize != sizeof(ph))
        die("%s: not an ELF64 image", img);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        if (fseek(f, (long)(eh.e_phoff + i * sizeof(ph)), SEEK_SET) != 0 ||
            fread(&ph, sizeof(ph), 1, f) != 1)
            die("%s: truncated program headers", img);
        if (ph.p_type != PT_NOTE || ph.p_filesz < sizeof(nh))
            continue;
        if (fseek(f, (long)ph.p_offset, SEEK_SET) != 0 || fread(&nh, sizeof(nh), 1, f) != 1)
            die("%s: truncated note", img);
        if (nh.namesz != SOLO5_NOTE_NAMESZ || memcmp(nh.name, SOLO5_NOTE_NAME, 6) != 0 ||
            nh.type != type)
            continue;
        if (nh.descsz <= pad || nh.descsz > SOLO5_NOTE_MANIFEST_MAX_DESCSZ ||
            ph.p_filesz < sizeof(nh) + nh.descsz)
            die("%s: note does not fall within valid size", img);
        *len = nh.descsz - pad;
        void *buf = calloc(1, *len);
        if (!buf || fseek(f, (long)(ph.p_offset + sizeof(nh) + pad), SEEK_SET) != 0 ||
            fread(buf, *len, 1, f) != 1)
            die("%s: truncated note", img);
        return buf;
    }
    return NULL;
}

static int dump(const char *img)
{
    FILE *f = fopen(img, "rb");
    json_object *root = json_object_new_object(), *jdevs = json_object_new_array();
    struct abi1_info *abi;
    struct mft *m;
    size_t len;

    if (!f)
        die("%s: %s", img, strerror(errno));
    abi = find_note(img, f, SOLO5_NOTE_ABI, 0, &len);
    if (abi && len >= 8) {
        json_object *ja = json_object_new_object();
        json_object_object_add(ja, "target", json_object_new_int64(abi->abi_target));
        json_object_object_add(ja, "version", json_object_new_int64(abi->abi_version));
        json_object_object_add(root, "abi", ja);
    }
    m = find_note(img, f, SOLO5_NOTE_MANIFEST, 4, &len);
    fclose(f);
    if (!abi)
        die("%s: no Solo5 ABI note", img);
    if (!m || len < sizeof(*m) || m->entries > MFT_MAX_ENTRIES || len != MFT_SIZE(m->entries))
        die("%s: no valid Solo5 manifest note", img);
    json_object *jm = json_object_new_object();
    json_object_object_add(jm, "type", json_object_new_string("solo5.manifest"));
    json_object_object_add(jm, "version", json_object_new_int64(m->version));
    for (uint32_t i = 1; i < m->entries; i++) {
        json_object *jd = json_object_new_object();
        const char *t = m->e[i].type == MFT_DEV_BLOCK_BASIC ? "BLOCK_BASIC"
                        : m->e[i].type == MFT_DEV_NET_BASIC ? "NET_BASIC"
                                                            : "<undefined type>";

        m->e[i].name[MFT_NAME_MAX] = '\0';
        json_object_object_add(jd, "name", json_object_new_string(m->e[i].name));
        json_object_object_add(jd, "type", json_object_new_string(t));
        json_object_array_add(jdevs, jd);
    }
    json_object_object_add(jm, "devices", jdevs);
    json_object_object_add(root, "manifest", jm);
    puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
    json_object_put(root);
    free(abi);
    free(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "gen") == 0) {
        gen(argv[2], argv[3]);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "dump") == 0)
        return dump(argv[2]);
    fprintf(stderr, "usage: %s gen MANIFEST.json OUT.c\n       %s dump IMAGE\n", prog, prog);
    return 1;
}
