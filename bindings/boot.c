/* boot.c: the C half of start-up (options, banner, heap) and the image's identification notes. */
#include "bindings.h"

#include "elf_abi.h"

#include <stdbool.h>

/* Makes the host refuse to exec the image as a program (abi.md 1.7). */
__attribute__((section(".interp"), used, aligned(8))) static const char interp[24] =
    "/nonexistent/solo5/";

/* Each note lands in its own PT_NOTE header (see the linker script). */
__attribute__((section(".note.solo5.abi"), used,
               aligned(4))) static const struct solo5_abi_note abi_note = {
    .h = {.namesz = SOLO5_NOTE_NAMESZ,
          .descsz = sizeof(struct abi1_info),
          .type = SOLO5_NOTE_ABI,
          .name = SOLO5_NOTE_NAME},
    .info = {.abi_target = SOLO5_ABI_TARGET_HVT, .abi_version = HVT_ABI_VERSION},
};

struct openbsd_note {
    uint32_t namesz, descsz, type;
    char name[8];
    uint32_t desc;
};
__attribute__((section(".note.openbsd.ident"), used,
               aligned(4))) static const struct openbsd_note openbsd_note = {
    .namesz = 8, .descsz = 4, .type = 1, .name = "OpenBSD"};

const struct hvt_boot_info *skiff_bi;
uint64_t skiff_boot_cycles; /* counter value at _start */

/* Less free memory than this above the image is not worth booting with (abi.md 7.2). */
#define MIN_FREE_MEM 0x80000UL

/*
 * The banner, patched in place with fixed-width hex numbers and written with one PUTS.
 * Formatting it with printf would cost about a millisecond of emulated guest instructions.
 */
#define B_HEAD                                                                                     \
    SKIFF_LOG_PREFIX "skiff bindings " SKIFF_BINDINGS_VERSION "\n" SKIFF_LOG_PREFIX "text 0x"
#define B_DASH   "-0x"
#define B_RODATA " rodata -0x"
#define B_DATA   " data -0x"
#define B_HEAP   " heap -0x"
#define HEX8(f)  char f[8]
#define TEXT(s)  (sizeof(s) - 1)

static struct {
    char head[TEXT(B_HEAD)];
    HEX8(text_start);
    char dash[TEXT(B_DASH)];
    HEX8(text_end);
    char rodata[TEXT(B_RODATA)];
    HEX8(rodata_end);
    char data[TEXT(B_DATA)];
    HEX8(data_end);
    char heap[TEXT(B_HEAP)];
    HEX8(heap_end);
    char nl;
} banner = {B_HEAD, "", B_DASH, "", B_RODATA, "", B_DATA, "", B_HEAP, "", '\n'};

static void put_hex8(char *field, uintptr_t v)
{
    uint64_t w = skiff_hex8((uint32_t)v);

    __builtin_memcpy(field, &w, 8);
}

static void print_banner(uint64_t mem_size)
{
    put_hex8(banner.text_start, (uintptr_t)_stext);
    put_hex8(banner.text_end, (uintptr_t)_etext - 1);
    put_hex8(banner.rodata_end, (uintptr_t)_erodata - 1);
    put_hex8(banner.data_end, (uintptr_t)_end - 1);
    put_hex8(banner.heap_end, (uintptr_t)(mem_size - 1));
    solo5_console_write((const char *)&banner, sizeof(banner));
}

static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static const char *skip_space(const char *p)
{
    while (is_space(*p))
        p++;
    return p;
}

/* The log level named by the option word at t, and its length; -1 if none. */
static int option_level(const char *t, size_t *len)
{
    *len = 5;
    if (__builtin_memcmp(t, "quiet", 5) == 0 || __builtin_memcmp(t, "error", 5) == 0)
        return SKIFF_LOG_ERROR;
    if (__builtin_memcmp(t, "debug", 5) == 0)
        return SKIFF_LOG_DEBUG;
    *len = 4;
    if (__builtin_memcmp(t, "info", 4) == 0)
        return SKIFF_LOG_INFO;
    if (__builtin_memcmp(t, "warn", 4) == 0)
        return SKIFF_LOG_WARN;
    return -1;
}

/* Consumes the leading --solo5:LEVEL tokens (abi.md 7.4); returns the application's part.
 * A token must be followed by whitespace or the end: "--solo5:quietX" stays. */
static const char *parse_options(const char *p)
{
    p = skip_space(p);
    while (p[0] == '-' && p[1] == '-' && __builtin_memcmp(p, "--solo5:", 8) == 0) {
        size_t n;
        int level = option_level(p + 8, &n);

        if (level < 0 || !(p[8 + n] == '\0' || is_space(p[8 + n])))
            break;
        skiff_log_level = level;
        p = skip_space(p + 8 + n);
    }
    return p;
}

void skiff_boot(const struct hvt_boot_info *bi)
{
    struct solo5_start_info si;
    uintptr_t heap = ((uintptr_t)_end + HVT_PAGE_SIZE - 1) & ~(uintptr_t)(HVT_PAGE_SIZE - 1);

    skiff_bi = bi;
    si.cmdline = parse_options((const char *)(uintptr_t)bi->cmdline);
    if (skiff_log_level >= SKIFF_LOG_INFO)
        print_banner(bi->mem_size);
    if (heap + MIN_FREE_MEM > bi->mem_size)
        SKIFF_PANIC("Not enough memory", NULL);
    if (bi->cpu_cycle_freq == 0)
        SKIFF_PANIC("No cycle counter frequency", NULL);
    skiff_clock_init(bi->cpu_cycle_freq);
    si.heap_start = heap;
    si.heap_size = bi->mem_size - heap;
    skiff_log(
        SKIFF_LOG_DEBUG, "boot: %lu us from _start to solo5_app_main\n",
        (unsigned long)((solo5_clock_monotonic() - skiff_cycles_to_ns(skiff_boot_cycles)) / 1000));
    solo5_exit(solo5_app_main(&si));
}
