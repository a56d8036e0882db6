/* mkbadelf.c: writes deliberately broken variants of a good hvt image, for the integration tests.
 */
/*
 * usage: mkbadelf GOOD.hvt OUTDIR
 *
 * Everything is located by parsing the good image's program headers and Solo5 notes, so the
 * variants follow the image whatever its layout. Each variant breaks exactly one rule of
 * abi.md section 1 or 2; the integration test checks that the tender names that rule.
 */
#include <elf.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_abi.h"

#define MAX_PHDRS 64

/* The good image and what was found in it. */
static uint8_t *good;
static size_t good_len;
static Elf64_Ehdr eh;
static Elf64_Phdr ph[MAX_PHDRS];
static int loads[MAX_PHDRS]; /* indices of PT_LOAD headers with file data, in table order */
static int nloads;
static size_t abi_note, mft_note; /* file offsets of the two Solo5 notes */
static const char *outdir;

static void read_good(const char *path)
{
    struct stat st;
    int fd = open(path, O_RDONLY);

    if (fd < 0 || fstat(fd, &st) < 0)
        err(1, "%s", path);
    good_len = (size_t)st.st_size;
    good = malloc(good_len + 1);
    if (good == NULL)
        err(1, "malloc");
    for (size_t done = 0; done < good_len;) {
        ssize_t n = read(fd, good + done, good_len - done);

        if (n <= 0)
            errx(1, "%s: read failed", path);
        done += (size_t)n;
    }
    close(fd);
}

/* Finds the file offset of the Solo5 note of this type: the first note of a PT_NOTE header. */
static size_t find_note(uint32_t type, const char *what)
{
    for (int i = 0; i < eh.e_phnum; i++) {
        struct solo5_note_hdr nh;

        if (ph[i].p_type != PT_NOTE || ph[i].p_filesz < sizeof(nh) ||
            ph[i].p_offset > good_len - sizeof(nh))
            continue;
        memcpy(&nh, good + ph[i].p_offset, sizeof(nh));
        if (nh.namesz == SOLO5_NOTE_NAMESZ && nh.type == type &&
            memcmp(nh.name, SOLO5_NOTE_NAME, SOLO5_NOTE_NAMESZ) == 0 &&
            ph[i].p_filesz >= sizeof(nh) + nh.descsz &&
            ph[i].p_offset + sizeof(nh) + nh.descsz <= good_len)
            return ph[i].p_offset;
    }
    errx(1, "the good image has no usable Solo5 %s note", what);
}

/* Parses just enough of the good image to find what the variants change. */
static void parse_good(const char *path)
{
    if (good_len < sizeof(eh) || memcmp(good, ELFMAG, SELFMAG) != 0)
        errx(1, "%s: not an ELF file", path);
    memcpy(&eh, good, sizeof(eh));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum < 1 || eh.e_phnum > MAX_PHDRS)
        errx(1, "%s: not a 64-bit little-endian ELF with 1..%d program headers", path, MAX_PHDRS);
    if (eh.e_phoff > good_len || good_len - eh.e_phoff < eh.e_phnum * sizeof(Elf64_Phdr))
        errx(1, "%s: program header table outside the file", path);
    memcpy(ph, good + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
    for (int i = 0; i < eh.e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_filesz != 0)
            loads[nloads++] = i;
    if (nloads < 2)
        errx(1, "%s: need at least two loaded segments, found %d", path, nloads);
    abi_note = find_note(SOLO5_NOTE_ABI, "ABI");
    mft_note = find_note(SOLO5_NOTE_MANIFEST, "manifest");
}

static void emit(const char *name, const uint8_t *b, size_t len)
{
    char path[4096];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", outdir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        err(1, "%s", path);
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, b + done, len - done);

        if (n < 0)
            err(1, "%s", path);
        done += (size_t)n;
    }
    if (close(fd) < 0)
        err(1, "%s", path);
}

/* A fresh copy of the good image to break. */
static uint8_t *copy(void)
{
    static uint8_t *b;

    free(b);
    b = malloc(good_len);
    if (b == NULL)
        err(1, "malloc");
    memcpy(b, good, good_len);
    return b;
}

static void put_phdr(uint8_t *b, int i, const Elf64_Phdr *p)
{
    memcpy(b + eh.e_phoff + (size_t)i * sizeof(*p), p, sizeof(*p));
}

static void put_u32(uint8_t *b, size_t off, uint32_t v)
{
    memcpy(b + off, &v, sizeof(v));
}

/* Variants that cut or replace the whole file. */
static void file_variants(void)
{
    static const char junk[] = "This is not an ELF executable, just some text.\n";
    uint8_t text[4096];
    size_t cut = 0;
    Elf64_Ehdr e = eh;
    uint8_t *b;

    /* Cut in the middle of the loaded segment whose data ends last in the file: the notes
     * and headers before it stay intact, so only the loader can notice. */
    for (int i = 0; i < nloads; i++) {
        const Elf64_Phdr *p = &ph[loads[i]];

        if (p->p_offset + p->p_filesz <= good_len && p->p_offset + p->p_filesz / 2 > cut)
            cut = p->p_offset + p->p_filesz / 2;
    }
    emit("truncated.hvt", good, cut);
    emit("truncated-phdrs.hvt", good, eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr) / 2);

    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (uint8_t)junk[i % (sizeof(junk) - 1)];
    emit("not-elf.hvt", text, sizeof(text));

    b = copy();
    e.e_machine = eh.e_machine == EM_X86_64 ? EM_AARCH64 : EM_X86_64;
    memcpy(b, &e, sizeof(e));
    emit("wrong-machine.hvt", b, good_len);
}

/* Variants that change one program header. */
static void segment_variants(void)
{
    Elf64_Phdr p;
    uint8_t *b;

    /* The last loaded segment moved to the top of the 4 GiB address space and made to end
     * past it, so it is outside any memory size the tender accepts. */
    b = copy();
    p = ph[loads[nloads - 1]];
    p.p_vaddr = p.p_paddr = 0xfffff000;
    if (p.p_memsz <= 0x1000)
        p.p_memsz = 0x2000;
    put_phdr(b, loads[nloads - 1], &p);
    emit("outside-memory.hvt", b, good_len);

    /* The second loaded segment starts where the first does: still ascending, overlapping. */
    b = copy();
    p = ph[loads[1]];
    p.p_vaddr = p.p_paddr = ph[loads[0]].p_vaddr;
    put_phdr(b, loads[1], &p);
    emit("overlapping.hvt", b, good_len);

    b = copy();
    p = ph[loads[0]];
    p.p_flags = PF_R | PF_W | PF_X;
    put_phdr(b, loads[0], &p);
    emit("wx-segment.hvt", b, good_len);
}

/* Variants that change one field of a Solo5 note (offsets per abi.md 1.5 and 1.6). */
static void note_variants(void)
{
    uint8_t *b;

    b = copy();
    put_u32(b, abi_note + 8, SOLO5_NOTE_ABI ^ 0x01000000); /* "ABI0" */
    emit("no-abi-note.hvt", b, good_len);
    b = copy();
    put_u32(b, abi_note + 20, 3); /* abi_target: virtio */
    emit("wrong-abi-target.hvt", b, good_len);
    b = copy();
    put_u32(b, abi_note + 24, 1); /* abi_version */
    emit("wrong-abi-version.hvt", b, good_len);

    b = copy();
    put_u32(b, mft_note + 8, SOLO5_NOTE_MANIFEST ^ 0x01000000); /* "MFT0" */
    emit("no-manifest.hvt", b, good_len);
    b = copy();
    put_u32(b, mft_note + 4, 4); /* n_descsz no larger than the padding */
    emit("bad-note-size.hvt", b, good_len);
    b = copy();
    put_u32(b, mft_note + 24, 2); /* mft.version */
    emit("bad-manifest-version.hvt", b, good_len);
    b = copy();
    put_u32(b, mft_note + 28, MFT_MAX_ENTRIES + 1); /* mft.entries */
    emit("too-many-entries.hvt", b, good_len);
}

/* Variants that change a device entry: only for a good image declaring two devices or more
 * (entries 1 and 2 at mft_note + 32 + 104 * i: name at 0, type at 68, u at 72). */
static void device_variants(void)
{
    size_t e1 = mft_note + 32 + 104, e2 = e1 + 104;
    static const char hostile[] = "st\x1b[31mRED\nFAKE: line";
    uint8_t *b;
    uint32_t entries;

    memcpy(&entries, good + mft_note + 28, sizeof(entries));
    if (entries < 3)
        return;
    b = copy();
    memcpy(b + e2, b + e1, 68); /* entry 2 named as entry 1 */
    emit("duplicate-name.hvt", b, good_len);
    b = copy();
    put_u32(b, e2 + 68, 3); /* a type no tender serves */
    emit("unknown-type.hvt", b, good_len);
    b = copy();
    b[e1 + 72 + 8] = 1; /* u.block_basic.block_size = 1, a field the tender fills in */
    emit("preset-block-size.hvt", b, good_len);
    b = copy();
    memset(b + e1, 0, 68);
    memcpy(b + e1, hostile, sizeof(hostile)); /* control characters in a name */
    emit("control-name.hvt", b, good_len);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GOOD.hvt OUTDIR\n", argv[0]);
        return 2;
    }
    outdir = argv[2];
    if (mkdir(outdir, 0755) < 0 && errno != EEXIST)
        err(1, "%s", outdir);
    read_good(argv[1]);
    parse_good(argv[1]);
    file_variants();
    segment_variants();
    note_variants();
    device_variants();
    return 0;
}
