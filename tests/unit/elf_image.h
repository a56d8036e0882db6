/* elf_image.h: an hvt image built in memory for the ELF unit tests (test_elf.c,
 * test_elf_notes.c): a good one, broken by each case, then loaded or its notes read. */
#ifndef SKIFF_TEST_ELF_IMAGE_H
#define SKIFF_TEST_ELF_IMAGE_H

#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "skiff.h"

#define MAX_PH    20
#define FILE_SIZE 0x5000
#define MEM       0x400000ULL /* default guest memory for the loader */
#define CANARY    0x2000      /* bytes after the largest memory that must never be written */
#define FILL      0xAA
#define TEXT_OFF  0x1000
#define DATA_OFF  0x2000
#define BSD_OFF   0x3000 /* OpenBSD note, 24 bytes */
#define ABI_OFF   0x3018 /* ABI note, 36 bytes */
#define MFT_OFF   0x3100 /* manifest note: 24 + MFT_SIZE(2) bytes */
#define MFT_LEN   (24 + MFT_SIZE(2))

/* The image under construction: headers are kept as structs and laid over data when written. */
struct elf_image_headers {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[MAX_PH];
};
extern struct elf_image_headers hdr;
extern uint8_t data[FILE_SIZE];
extern size_t file_len;
extern uint8_t mem[MEM + CANARY];
extern struct skiff_image img;
extern union elf_image_mft {
    struct mft m;
    uint8_t bytes[MFT_MAX_SIZE];
} mft;
extern size_t mft_size;

#define EH hdr.eh
#define PH hdr.ph

void set_u32(size_t off, uint32_t v);
void put_note(size_t off, uint32_t namesz, uint32_t descsz, uint32_t type, const char *n);
void phdr(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr, uint64_t filesz,
          uint64_t memsz, uint64_t align);
/* A good image: text (X), data (RW with a BSS tail), a pure-BSS PT_LOAD and three notes. */
void good(void);
/* Writes the image to an unlinked temporary file and returns its descriptor. */
int image_fd(void);
/* Loads the image into mem (mem_size bytes of it) and checks nothing beyond was written. */
int load(uint64_t mem_size);
/* Reads the image's notes for machine into mft. */
int notes(unsigned machine);
/* rc is -1 and the error, one line, contains needle. */
void expect_error(int rc, const char *needle);

/* A test case; cmocka's state argument is not used. */
#define CASE(name) static void name(void **state __attribute__((unused)))

/* A case: build a good image, break it with the statements given, expect a failure. */
#define REJECT_LOAD(name, needle, ...)                                                             \
    CASE(name)                                                                                     \
    {                                                                                              \
        good();                                                                                    \
        __VA_ARGS__;                                                                               \
        expect_error(load(MEM), needle);                                                           \
    }
#define REJECT_NOTES(name, needle, ...)                                                            \
    CASE(name)                                                                                     \
    {                                                                                              \
        good();                                                                                    \
        __VA_ARGS__;                                                                               \
        expect_error(notes(EM_X86_64), needle);                                                    \
    }
/* Header checks apply to both entry points. */
#define REJECT_BOTH(name, needle, ...)                                                             \
    REJECT_LOAD(name, needle, __VA_ARGS__)                                                         \
    REJECT_NOTES(name##_notes, needle, __VA_ARGS__)

#endif /* SKIFF_TEST_ELF_IMAGE_H */
