/* solo5.h: the application-facing API of the skiff bindings (the Solo5 API, hvt target). */
/*
 * A unikernel provides solo5_app_main(); the bindings call it once after boot and pass its
 * return value to solo5_exit(). Everything here is implemented on top of the hvt ABI in
 * hvt_abi.h, so images built against it run on skiff and on solo5-hvt alike.
 */
#ifndef SOLO5_H
#define SOLO5_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SOLO5_R_OK = 0,     /* success */
    SOLO5_R_AGAIN = 1,  /* would block, retry later */
    SOLO5_R_EINVAL = 2, /* invalid argument */
    SOLO5_R_EUNSPEC = 3 /* unspecified error */
} solo5_result_t;

typedef uint64_t solo5_time_t;       /* nanoseconds */
typedef uint64_t solo5_handle_t;     /* a device: its index in the manifest */
typedef uint64_t solo5_handle_set_t; /* bit h set: handle h */
typedef uint64_t solo5_off_t;        /* byte offset on a block device */

#define SOLO5_EXIT_SUCCESS 0
#define SOLO5_EXIT_FAILURE 1
#define SOLO5_EXIT_ABORT   255

#define SOLO5_NET_ALEN 6
#define SOLO5_NET_HLEN 14

struct solo5_start_info {
    const char *cmdline;  /* guest arguments after the bindings' own --solo5: options */
    uintptr_t heap_start; /* first free byte after the image, page aligned */
    size_t heap_size;     /* free memory; the initial stack lives at its top */
};

struct solo5_net_info {
    uint8_t mac_address[SOLO5_NET_ALEN];
    size_t mtu; /* Ethernet header excluded */
};

struct solo5_block_info {
    solo5_off_t capacity;   /* bytes */
    solo5_off_t block_size; /* bytes; every I/O is exactly one block */
};

/* Provided by the application. Its return value becomes the exit status. */
int solo5_app_main(const struct solo5_start_info *si);

/* Ends the unikernel with status (the tender exits with status & 0xff). Never returns. */
void solo5_exit(int status) __attribute__((noreturn));
/* Ends the unikernel with SOLO5_EXIT_ABORT. Never returns. */
void solo5_abort(void) __attribute__((noreturn));

/* Nanoseconds since an unspecified origin; never goes back. No hypercall. */
solo5_time_t solo5_clock_monotonic(void);
/* Nanoseconds since 1970-01-01 UTC, from the host. */
solo5_time_t solo5_clock_wall(void);

/* Sleeps until the monotonic clock reaches deadline or a network device has input. If
 * ready_set is not NULL it receives the handles that have input. */
void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set);

/* Writes size bytes to the console, best effort. */
void solo5_console_write(const char *buf, size_t size);

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
                                 struct solo5_net_info *info);
/* Sends one Ethernet frame (header included, at most mtu + SOLO5_NET_HLEN bytes). */
solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf, size_t size);
/* Receives one frame without blocking; SOLO5_R_AGAIN if none is pending. */
solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size, size_t *read_size);

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
                                   struct solo5_block_info *info);
/* One block at a block-aligned offset; anything else is SOLO5_R_EINVAL. */
solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset, const uint8_t *buf,
                                 size_t size);
solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset, uint8_t *buf,
                                size_t size);

/* Thread-local storage: size of a TLS block, where its thread pointer goes, how to fill it. */
size_t solo5_tls_size(void);
uintptr_t solo5_tls_tp_offset(uintptr_t tls);
solo5_result_t solo5_tls_init(uintptr_t tls);
/* Sets the thread pointer (FS base on x86_64, TPIDR_EL0 on aarch64). */
solo5_result_t solo5_set_tls_base(uintptr_t base);

#endif /* SOLO5_H */
