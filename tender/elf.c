/* elf.c: checks an untrusted hvt image (abi.md 1.1-1.6), reads its Solo5 notes and loads it. */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff.h"

#define EHDR_SIZE 64 /* sizeof(Elf64_Ehdr), the only header size the ABI accepts */
#define PHDR_SIZE 56 /* sizeof(Elf64_Phdr) */
#define NHDR_SIZE 12 /* sizeof(Elf64_Nhdr): a PT_NOTE smaller than this rejects the image */
#define MIN_BASE  ((uint64_t)HVT_GUEST_MIN_BASE)
#define HEX       "0x%" PRIx64

/* An image opened with libelf whose ELF header passed every check of abi.md 1.1. */
struct elf_image {
    int fd;
    uint64_t file_size;
    Elf *elf;
    GElf_Ehdr ehdr;
    size_t phnum;
};

/* Records an error prefixed with the program header it is about; returns -1 for the caller. */
__attribute__((format(printf, 2, 3))) static int ph_error(size_t i, const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    skiff_set_error("program header %zu: %s", i, msg);
    return -1;
}

static const char *machine_name(unsigned machine)
{
    if (machine == EM_X86_64)
        return "x86_64";
    if (machine == EM_AARCH64)
        return "aarch64";
    return "unknown";
}

/* True if [off, off + len) lies inside a file of size bytes; never overflows. */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

/* Reads exactly len bytes at off, which the caller has checked to lie inside the file. A short
 * read still fails cleanly: the file may have shrunk since fstat(). */
static int read_at(int fd, void *buf, uint64_t len, uint64_t off, const char *what)
{
    uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            skiff_set_error("%s: read at " HEX " failed: %s", what, off,
                            n < 0 ? strerror(errno) : "unexpected end of file");
            return -1;
        }
        p += n;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return 0;
}

/* e_ident is checked before libelf sees the file so that each failure gets its own message:
 * libelf reports them all as one "invalid file" error, or converts byte order silently. */
static int check_ident(const struct elf_image *im)
{
    unsigned char id[EI_NIDENT];

    if (im->file_size < EHDR_SIZE) {
        skiff_set_error("file is %" PRIu64 " bytes, too short for an ELF64 header", im->file_size);
        return -1;
    }
    if (read_at(im->fd, id, sizeof(id), 0, "ELF header") < 0)
        return -1;
    if (memcmp(id, ELFMAG, SELFMAG) != 0)
        skiff_set_error("not an ELF file (bad magic)");
    else if (id[EI_CLASS] != ELFCLASS64)
        skiff_set_error("ELF class %u is not ELFCLASS64 (64-bit)", id[EI_CLASS]);
    else if (id[EI_DATA] != ELFDATA2LSB)
        skiff_set_error("ELF data encoding %u is not ELFDATA2LSB (little-endian)", id[EI_DATA]);
    else
        return 0;
    return -1;
}

/* The remaining header fields of abi.md 1.1, in the table's order, then the table's extent. */
static int check_ehdr(const struct elf_image *im, unsigned machine)
{
    const GElf_Ehdr *eh = &im->ehdr;

    if (eh->e_version != EV_CURRENT)
        skiff_set_error("ELF header: e_version %u is not EV_CURRENT", (unsigned)eh->e_version);
    else if (eh->e_ehsize != EHDR_SIZE)
        skiff_set_error("ELF header: e_ehsize %u, expected %u", eh->e_ehsize, EHDR_SIZE);
    else if (eh->e_phentsize != PHDR_SIZE)
        skiff_set_error("ELF header: e_phentsize %u, expected %u", eh->e_phentsize, PHDR_SIZE);
    else if (eh->e_phnum < 1)
        skiff_set_error("ELF header: no program headers (e_phnum 0)");
    else if (eh->e_type != ET_EXEC)
        skiff_set_error("ELF header: e_type %u is not ET_EXEC", eh->e_type);
    else if (eh->e_machine != machine)
        skiff_set_error("ELF header: e_machine %u (%s) is not this host's machine %u (%s)",
                        eh->e_machine, machine_name(eh->e_machine), machine, machine_name(machine));
    else if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * PHDR_SIZE, im->file_size))
        skiff_set_error("program header table [" HEX ", +%u * %u) extends beyond the end of the "
                        "file (%" PRIu64 " bytes)",
                        eh->e_phoff, eh->e_phnum, PHDR_SIZE, im->file_size);
    else
        return 0;
    return -1;
}

static void image_close(struct elf_image *im)
{
    if (im->elf != NULL)
        elf_end(im->elf);
    im->elf = NULL;
}

/* Opens the image on fd and applies abi.md 1.1. On success the caller must image_close(). */
static int image_open(int fd, unsigned machine, struct elf_image *im)
{
    struct stat st;

    memset(im, 0, sizeof(*im));
    im->fd = fd;
    if (fstat(fd, &st) < 0) {
        skiff_set_error("cannot stat the image: %s", strerror(errno));
        return -1;
    }
    im->file_size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
    if (check_ident(im) < 0)
        return -1;
    if (elf_version(EV_CURRENT) == EV_NONE || (im->elf = elf_begin(fd, ELF_C_READ, NULL)) == NULL) {
        skiff_set_error("libelf: %s", elf_errmsg(-1));
        return -1;
    }
    if (elf_kind(im->elf) != ELF_K_ELF) {
        skiff_set_error("not a valid ELF file (libelf rejects its identification bytes)");
    } else if (gelf_getehdr(im->elf, &im->ehdr) == NULL) {
        skiff_set_error("ELF header: %s", elf_errmsg(-1));
    } else if (check_ehdr(im, machine) == 0) {
        /* libelf quietly clamps the count to what it can read; insist on the whole table. */
        if (elf_getphdrnum(im->elf, &im->phnum) == 0 && im->phnum == im->ehdr.e_phnum)
            return 0;
        skiff_set_error("program header table: libelf cannot read its %u entries",
                        im->ehdr.e_phnum);
    }
    image_close(im);
    return -1;
}

static int get_phdr(const struct elf_image *im, size_t i, GElf_Phdr *ph)
{
    if (gelf_getphdr(im->elf, (int)i, ph) == NULL)
        return ph_error(i, "%s", elf_errmsg(-1));
    return 0;
}

/* What to look for: a Solo5 note type, its descriptor limit and its content alignment. */
struct note_spec {
    const char *what;
    uint32_t type, max_descsz, align;
};

static const struct note_spec abi_spec = {"ABI", SOLO5_NOTE_ABI, SOLO5_NOTE_ABI_MAX_DESCSZ,
                                          SOLO5_NOTE_ABI_ALIGN};
static const struct note_spec mft_spec = {
    "manifest", SOLO5_NOTE_MANIFEST, SOLO5_NOTE_MANIFEST_MAX_DESCSZ, SOLO5_NOTE_MANIFEST_ALIGN};

/*
 * Scans the PT_NOTE headers as abi.md 1.4 says: only the first note of each segment counts and
 * the first match ends the scan. Copies the content (descriptor minus alignment padding) into
 * buf, which holds max_descsz bytes. Returns 1 if found, 0 if not, -1 on error.
 */
static int find_note(const struct elf_image *im, const struct note_spec *ns, void *buf,
                     size_t *size, uint32_t *descsz)
{
    const uint32_t pad =
        (SOLO5_NOTE_HDR_SIZE + ns->align - 1) / ns->align * ns->align - SOLO5_NOTE_HDR_SIZE;
    char what[64];

    for (size_t i = 0; i < im->phnum; i++) {
        struct solo5_note_hdr nh;
        GElf_Phdr ph;

        if (get_phdr(im, i, &ph) < 0)
            return -1;
        if (ph.p_type != PT_NOTE)
            continue;
        if (ph.p_filesz < NHDR_SIZE)
            return ph_error(i, "PT_NOTE of %" PRIu64 " bytes is smaller than a note header",
                            ph.p_filesz);
        if (ph.p_filesz < sizeof(nh))
            continue;
        if (!in_file(ph.p_offset, sizeof(nh), im->file_size))
            return ph_error(i, "note at " HEX " extends beyond the end of the file", ph.p_offset);
        snprintf(what, sizeof(what), "program header %zu: note", i);
        if (read_at(im->fd, &nh, sizeof(nh), ph.p_offset, what) < 0)
            return -1;
        if (nh.namesz != SOLO5_NOTE_NAMESZ || nh.type != ns->type ||
            memcmp(nh.name, SOLO5_NOTE_NAME, SOLO5_NOTE_NAMESZ) != 0)
            continue;
        if (nh.descsz < 1 || nh.descsz > ns->max_descsz || nh.descsz <= pad ||
            ph.p_filesz - sizeof(nh) < nh.descsz)
            return ph_error(i,
                            "Solo5 %s note does not fall within valid size (n_descsz %u, "
                            "p_filesz %" PRIu64 ")",
                            ns->what, nh.descsz, ph.p_filesz);
        *descsz = nh.descsz;
        *size = nh.descsz - pad;
        if (!in_file(ph.p_offset + sizeof(nh) + pad, *size, im->file_size))
            return ph_error(i, "Solo5 %s note extends beyond the end of the file", ns->what);
        if (read_at(im->fd, buf, *size, ph.p_offset + sizeof(nh) + pad, what) < 0)
            return -1;
        return 1;
    }
    return 0;
}

/* abi.md 1.5: the ABI note must exist and name the hvt target at our ABI version. */
static int check_abi_note(const struct elf_image *im)
{
    union {
        struct abi1_info info;
        uint8_t bytes[SOLO5_NOTE_ABI_MAX_DESCSZ];
    } abi;
    uint32_t descsz;
    size_t size;
    int found = find_note(im, &abi_spec, abi.bytes, &size, &descsz);

    if (found < 0)
        return -1;
    if (found == 0)
        skiff_set_error("no Solo5 ABI information found in executable");
    /* The reference reads target and version from a shorter note (abi.md A8); we refuse. */
    else if (descsz < 2 * sizeof(uint32_t))
        skiff_set_error("Solo5 ABI note does not fall within valid size (n_descsz %u < 8)", descsz);
    else if (abi.info.abi_target != SOLO5_ABI_TARGET_HVT)
        skiff_set_error("executable is not for the solo5-hvt target (abi_target %u)",
                        abi.info.abi_target);
    else if (abi.info.abi_version != HVT_ABI_VERSION)
        skiff_set_error("executable requests unsupported ABI version %u", abi.info.abi_version);
    else
        return 0;
    return -1;
}

int skiff_elf_read_notes(int fd, unsigned machine, struct mft *mft, size_t *mft_size)
{
    struct elf_image im;
    uint32_t descsz;
    int found = -1;

    if (image_open(fd, machine, &im) < 0)
        return -1;
    if (check_abi_note(&im) == 0) {
        found = find_note(&im, &mft_spec, mft, mft_size, &descsz);
        if (found == 0)
            skiff_set_error("no Solo5 manifest found in executable");
    }
    image_close(&im);
    return found == 1 ? 0 : -1;
}

/* Host protection for a segment's flags: the host never maps guest memory executable, so
 * execute becomes read (abi.md 9.2). */
static int segment_prot(uint32_t flags)
{
    int prot = PROT_NONE;

    if (flags & (PF_R | PF_X))
        prot |= PROT_READ;
    if (flags & PF_W)
        prot |= PROT_READ | PROT_WRITE;
    return prot;
}

/* Running state of the checks of abi.md 1.3 across segments. */
struct load_state {
    uint64_t e_end, last_vaddr;
};

/* Checks, copies and records one PT_LOAD with p_filesz != 0: steps 1-14 in the ABI's order. */
static int load_segment(const struct elf_image *im, size_t i, const GElf_Phdr *ph, uint8_t *mem,
                        uint64_t mem_size, struct load_state *ls, struct skiff_image *img)
{
    const uint64_t vaddr = ph->p_vaddr, filesz = ph->p_filesz, memsz = ph->p_memsz;
    const uint64_t align = ph->p_align;
    uint64_t start, end;
    char what[64];

    if (vaddr < MIN_BASE)
        return ph_error(i, "segment address " HEX " is below " HEX, vaddr, MIN_BASE);
    if (vaddr < ls->last_vaddr)
        return ph_error(i,
                        "segment address " HEX " is below the previous segment's " HEX
                        " (segments must be in ascending order)",
                        vaddr, ls->last_vaddr);
    if (align == 0 || (align & (align - 1)) != 0)
        return ph_error(i, "p_align " HEX " is not a non-zero power of two", align);
    start = vaddr & ~(align - 1);
    if (start < MIN_BASE)
        return ph_error(i, "segment start " HEX " (" HEX " aligned down) is below " HEX, start,
                        vaddr, MIN_BASE);
    if (start < ls->e_end)
        return ph_error(i,
                        "segment starting at " HEX " overlaps the previous segment, which "
                        "ends at " HEX,
                        start, ls->e_end);
    if (vaddr >= mem_size || filesz > mem_size - vaddr)
        return ph_error(i,
                        "segment data [" HEX ", +" HEX ") is outside guest memory (" HEX " bytes)",
                        vaddr, filesz, mem_size);
    if (memsz < filesz)
        return ph_error(i, "p_memsz " HEX " is smaller than p_filesz " HEX, memsz, filesz);
    if (memsz > UINT64_MAX - vaddr || vaddr + memsz > UINT64_MAX - (align - 1))
        return ph_error(i, "segment end " HEX " + " HEX " overflows", vaddr, memsz);
    end = (vaddr + memsz + align - 1) & ~(align - 1);
    if (end > mem_size)
        return ph_error(i, "segment [" HEX ", " HEX ") ends outside guest memory (" HEX " bytes)",
                        start, end, mem_size);
    if (end > ls->e_end)
        ls->e_end = end;

    /* [vaddr, vaddr + memsz) lies inside [start, end), which is inside mem_size by now. */
    if (!in_file(ph->p_offset, filesz, im->file_size))
        return ph_error(i,
                        "segment data [" HEX ", +" HEX ") extends beyond the end of the "
                        "file (%" PRIu64 " bytes)",
                        ph->p_offset, filesz, im->file_size);
    snprintf(what, sizeof(what), "program header %zu: segment data", i);
    if (read_at(im->fd, mem + vaddr, filesz, ph->p_offset, what) < 0)
        return -1;
    memset(mem + vaddr + filesz, 0, memsz - filesz);

    if ((start % HVT_PAGE_SIZE) != 0 || (end % HVT_PAGE_SIZE) != 0)
        return ph_error(i, "segment [" HEX ", " HEX ") is not page aligned", start, end);
    if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return ph_error(i, "segment [" HEX ", " HEX ") requests WRITE and EXEC permissions", start,
                        end);
    if (img->nsegs == SKIFF_MAX_SEGMENTS)
        return ph_error(i, "more than %d loadable segments", SKIFF_MAX_SEGMENTS);
    img->segs[img->nsegs].start = start;
    img->segs[img->nsegs].end = end;
    img->segs[img->nsegs].prot = segment_prot(ph->p_flags);
    img->nsegs++;
    ls->last_vaddr = vaddr;
    return 0;
}

int skiff_elf_load(int fd, unsigned machine, uint8_t *mem, uint64_t mem_size,
                   struct skiff_image *img)
{
    struct load_state ls = {0, 0};
    struct elf_image im;
    int rc = 0;

    memset(img, 0, sizeof(*img));
    if (image_open(fd, machine, &im) < 0)
        return -1;
    if (im.ehdr.e_entry < MIN_BASE || im.ehdr.e_entry >= mem_size) {
        skiff_set_error("entry point " HEX " is outside [" HEX ", " HEX ")", im.ehdr.e_entry,
                        MIN_BASE, mem_size);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < im.phnum; i++) {
        GElf_Phdr ph;

        rc = get_phdr(&im, i, &ph);
        /* PT_LOAD with no file bytes (pure BSS, empty TLS image) is ignored (abi.md 1.3). */
        if (rc == 0 && ph.p_type == PT_LOAD && ph.p_filesz != 0)
            rc = load_segment(&im, i, &ph, mem, mem_size, &ls, img);
    }
    img->entry = im.ehdr.e_entry;
    img->kernel_end = ls.e_end;
    image_close(&im);
    return rc;
}
