/* bindings.h: internal interfaces of the skiff guest bindings (not part of the application API). */
#ifndef SKIFF_BINDINGS_H
#define SKIFF_BINDINGS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvt_abi.h"
#include "mft_abi.h"
#include "solo5.h"
#include "skiff_libc.h"
#include SKIFF_ARCH_H

#define SKIFF_BINDINGS_VERSION "v0.1.0"
/* Every line the bindings print starts with this, so test suites can tell them apart. */
#define SKIFF_LOG_PREFIX "Solo5: "

#define SKIFF_NORETURN __attribute__((noreturn))

/* Non-zero iff some byte of w equals c (word-at-a-time scanning). */
static inline uint64_t skiff_has_byte(uint64_t w, unsigned char c)
{
    w ^= c * 0x0101010101010101ULL;
    return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}

/* The 8 lower-case hex digits of v as they lie in memory (most significant first), computed in
 * registers: store the result with one 8-byte write. */
static inline uint64_t skiff_hex8(uint32_t v)
{
    uint64_t x = v, letters;

    x = (x | (x << 16)) & 0x0000ffff0000ffffULL;
    x = (x | (x << 8)) & 0x00ff00ff00ff00ffULL;
    x = (x | (x << 4)) & 0x0f0f0f0f0f0f0f0fULL; /* nibble i in byte i */
    x = __builtin_bswap64(x);
    letters = ((x + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL; /* 1 where > 9 */
    return x + 0x3030303030303030ULL + letters * ('a' - '0' - 10);
}

/* ---- boot.c ---- */

/* The C entry point, called by _start with the boot info GPA and a 16-byte aligned stack, after
 * the stack-protector guard and the CPU tables are set up. Never returns. */
void skiff_boot(const struct hvt_boot_info *bi) SKIFF_NORETURN;

/* Cycle counter at _start (stored there), for the DEBUG-level boot time. */
extern uint64_t skiff_boot_cycles;

/* The boot info the tender passed (read-only guest memory); valid from skiff_boot() on. */
extern const struct hvt_boot_info *skiff_bi;

/* Image layout, from the linker script. Use the addresses, never the contents. */
extern char _stext[], _etext[], _erodata[], _stdata[], _edata[], _ebss[], _end[];
extern char _ltdata[], _ltbss[]; /* sizes, as absolute symbols */

/* ---- net_ring.c: the network ring (abi.md 6.3) ---- */

/* True if the tender offers ring I/O (checked once, then cached). */
bool skiff_net_ring_active(void);
/* Queues a frame; false if it does not fit a staging buffer (use the hypercall). */
bool skiff_net_ring_write(solo5_handle_t handle, const uint8_t *buf, size_t size);
/* Reads one frame through the ring, waiting for the tender's completion. */
solo5_result_t skiff_net_ring_read(solo5_handle_t handle, uint8_t *buf, size_t size,
                                   size_t *read_size);

/* ---- console.c: output and log levels ---- */

enum skiff_log_level { SKIFF_LOG_ERROR = 0, SKIFF_LOG_WARN, SKIFF_LOG_INFO, SKIFF_LOG_DEBUG };
extern int skiff_log_level;

/* Prints one line: SKIFF_LOG_PREFIX then the formatted message (which should end in '\n'),
 * as one PUTS, if level <= skiff_log_level. Messages are cut at SKIFF_LOG_MAX bytes. The level
 * is tested before the call, so a suppressed line costs no variadic call. */
#define SKIFF_LOG_MAX 320
#define skiff_log(level, ...)                                                                      \
    do {                                                                                           \
        if ((level) <= skiff_log_level)                                                            \
            skiff_log_print(__VA_ARGS__);                                                          \
    } while (0)
void skiff_log_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- printf.c ---- */

/* vsnprintf() whose output goes to flush(ctx, buf, len) in chunks of at most bufsz bytes
 * instead of being cut. Returns the number of bytes produced. */
int skiff_vformat(char *buf, size_t bufsz, void (*flush)(void *ctx, const char *s, size_t len),
                  void *ctx, const char *fmt, va_list ap);

/* ---- exit.c: the ways out ---- */

/* HALT with status and cookie (GPA of HVT_HALT_COOKIE_MAX readable bytes, or NULL). */
void skiff_halt(int status, const void *cookie) SKIFF_NORETURN;
/* Prints "Solo5: ABORT: FILE:LINE: MSG" whatever the log level, then HALT(255, cookie). */
void skiff_panic(const char *file, int line, const char *msg, const void *cookie) SKIFF_NORETURN;
#define SKIFF_PANIC(msg, cookie) skiff_panic(__FILE_NAME__, __LINE__, (msg), (cookie))

/* ---- clock.c ---- */

/* Sets up the monotonic clock for a counter ticking at freq Hz (freq > 0). */
void skiff_clock_init(uint64_t freq);
/* Converts cycle counter ticks to ns (after skiff_clock_init()). */
uint64_t skiff_cycles_to_ns(uint64_t cycles);

/* ---- mft.c: devices declared in the manifest copy the tender placed in guest memory ---- */

/* The entry for handle h if it exists and has the given type, else NULL. */
const struct mft_entry *skiff_mft_get(solo5_handle_t h, uint32_t type);
/* Looks name up among entries of the given type; on success stores its index in *h. */
const struct mft_entry *skiff_mft_find(const char *name, uint32_t type, solo5_handle_t *h);

#endif /* SKIFF_BINDINGS_H */
