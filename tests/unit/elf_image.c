/* elf_image.c: the image the ELF unit tests build and break (elf_image.h). */
#include "elf_image.h"

struct elf_image_headers hdr;
uint8_t data[FILE_SIZE];
size_t file_len;
uint8_t mem[MEM + CANARY];
struct skiff_image img;
union elf_image_mft mft;
size_t mft_size;

void set_u32(size_t off, uint32_t v)
{
    memcpy(data + off, &v, sizeof(v));
}

void put_note(size_t off, uint32_t namesz, uint32_t descsz, uint32_t type, const char *n)
{
    set_u32(off, namesz);
    set_u32(off + 4, descsz);
    set_u32(off + 8, type);
    memcpy(data + off + 12, n, strlen(n) + 1);
}

void phdr(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr, uint64_t filesz,
          uint64_t memsz, uint64_t align)
{
    PH[i] = (Elf64_Phdr){type, flags, off, vaddr, vaddr, filesz, memsz, align};
}

void good(void)
{
    struct abi1_info abi = {SOLO5_ABI_TARGET_HVT, HVT_ABI_VERSION, 0, 0};
    struct mft_entry e[2] = {{.type = MFT_RESERVED_FIRST}, {.name = "storage", .type = 1}};

    memset(&hdr, 0, sizeof(hdr));
    memset(data, 0, sizeof(data));
    memcpy(EH.e_ident, ELFMAG, SELFMAG);
    EH.e_ident[EI_CLASS] = ELFCLASS64;
    EH.e_ident[EI_DATA] = ELFDATA2LSB;
    EH.e_ident[EI_VERSION] = EV_CURRENT;
    EH.e_type = ET_EXEC;
    EH.e_machine = EM_X86_64;
    EH.e_version = EV_CURRENT;
    EH.e_entry = 0x100020;
    EH.e_phoff = sizeof(Elf64_Ehdr);
    EH.e_ehsize = sizeof(Elf64_Ehdr);
    EH.e_phentsize = sizeof(Elf64_Phdr);
    EH.e_phnum = 6;
    phdr(0, PT_LOAD, PF_X, TEXT_OFF, 0x100000, 0x100, 0x100, 0x1000);
    phdr(1, PT_LOAD, PF_R | PF_W, DATA_OFF, 0x101000, 0x80, 0x1800, 0x1000);
    phdr(2, PT_LOAD, PF_R | PF_W, 0x3000, 0x103000, 0, 0x5000, 0x1000);
    phdr(3, PT_NOTE, PF_R, BSD_OFF, 0, 24, 24, 4);
    phdr(4, PT_NOTE, PF_R, ABI_OFF, 0, 36, 36, 4);
    phdr(5, PT_NOTE, PF_R, MFT_OFF, 0, MFT_LEN, MFT_LEN, 8);
    for (int i = 0; i < 0x100; i++)
        data[TEXT_OFF + i] = (uint8_t)(i * 7 + 1);
    for (int i = 0; i < 0x80; i++)
        data[DATA_OFF + i] = (uint8_t)(i * 3 + 2);
    /* The byte after a segment's file data must not be loaded. */
    data[DATA_OFF + 0x80] = 0x77;
    put_note(BSD_OFF, 8, 4, 1, "OpenBSD");
    put_note(ABI_OFF, SOLO5_NOTE_NAMESZ, sizeof(abi), SOLO5_NOTE_ABI, SOLO5_NOTE_NAME);
    memcpy(data + ABI_OFF + 20, &abi, sizeof(abi));
    put_note(MFT_OFF, SOLO5_NOTE_NAMESZ, 4 + MFT_SIZE(2), SOLO5_NOTE_MANIFEST, SOLO5_NOTE_NAME);
    set_u32(MFT_OFF + 24, MFT_VERSION);
    set_u32(MFT_OFF + 28, 2);
    memcpy(data + MFT_OFF + 32, e, sizeof(e));
    file_len = MFT_OFF + MFT_LEN;
}

int image_fd(void)
{
    static uint8_t out[FILE_SIZE];
    char path[] = "/tmp/skiff-test-elf.XXXXXX";
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    unlink(path);
    memcpy(out, data, sizeof(out));
    memcpy(out, &hdr, sizeof(hdr));
    assert_true(write(fd, out, file_len) == (ssize_t)file_len);
    return fd;
}

int load(uint64_t mem_size)
{
    int fd = image_fd(), rc;

    memset(mem, FILL, MEM + CANARY);
    skiff_set_error("%s", "");
    rc = skiff_elf_load(fd, EM_X86_64, mem, mem_size, &img);
    close(fd);
    /* Whatever the outcome, nothing beyond mem_size was written. */
    for (uint64_t a = mem_size; a < MEM + CANARY; a++)
        if (mem[a] != FILL)
            fail_msg("byte at 0x%llx written beyond mem_size", (unsigned long long)a);
    return rc;
}

int notes(unsigned machine)
{
    int fd = image_fd(), rc;

    skiff_set_error("%s", "");
    rc = skiff_elf_read_notes(fd, machine, &mft.m, &mft_size);
    close(fd);
    return rc;
}

void expect_error(int rc, const char *needle)
{
    assert_int_equal(rc, -1);
    if (strstr(skiff_error(), needle) == NULL)
        fail_msg("error '%s' lacks '%s'", skiff_error(), needle);
    if (strchr(skiff_error(), '\n') != NULL)
        fail_msg("error '%s' is not one line", skiff_error());
}
