/* libc.h: how the skiff glue backs musl (libc.md); internal to libc/, built with musl's headers. */
#ifndef SKIFF_LIBC_GLUE_H
#define SKIFF_LIBC_GLUE_H

#include <stddef.h>
#include <stdint.h>

/* ---- memory.c: brk, mmap and munmap on the heap that solo5_start_info describes ---- */

/* Takes [start, start + size), page aligned, keeping its top for the stack. Once, at start. */
void skiff_libc_heap_init(uintptr_t start, size_t size);
/* The system calls, with Linux's arguments and results (-errno on failure). */
long skiff_libc_brk(uintptr_t end);
long skiff_libc_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, long off);
long skiff_libc_munmap(uintptr_t addr, size_t len);

/* ---- syscall.c ---- */

/* Every system call musl makes (see overlay/syscall_arch.h): n and its arguments as Linux
 * takes them; returns the result or -errno, -ENOSYS for anything a unikernel cannot do. */
long skiff_libc_syscall(long n, long a, long b, long c, long d, long e, long f);

/* ---- the socket module (lwip/sock_syscall.c, docs/sockets.md), linked with the network stack
 * only: weak, so an image without it has neither. ---- */

/* Serves socket system calls (and read, write, close, ... on sockets): the result, or -ENOSYS
 * for what is not its own. a holds the six arguments. */
long skiff_sock_syscall(long n, const long *a) __attribute__((weak));
/* Brings the network up from the command line before main() and takes its options out of
 * argv (*argc shrinks). A bad option ends the unikernel with 64. */
void skiff_sock_start(const char *cmdline, int *argc, char **argv) __attribute__((weak));

/* ---- start.c: musl's hooks that the glue replaces (their musl versions trap into Linux) ---- */

/* Sets the thread pointer; 0 on success (musl's src/thread/ARCH/__set_thread_area.s). */
int __set_thread_area(void *p);
/* Stack protector set-up: the bindings' _start already chose the guard (exit.c). */
void __init_ssp(void *entropy);
/* musl's entry: runs main(argc, argv) with envp and auxv after argv, then exit(). */
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                      void (*init_dummy)(void), void (*fini_dummy)(void), void (*ldso)(void));
/* The application's. */
int main(int argc, char **argv);

#endif /* SKIFF_LIBC_GLUE_H */
