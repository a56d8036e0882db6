/* syscall_arch.h: replaces musl's arch/ARCH/syscall_arch.h when skiff builds musl (libc.md). */
/*
 * musl reaches the kernel only through __syscall0..6 (src/internal/syscall.h), which its
 * syscall_arch.h defines as the arch's trap instruction. This file is found first (-iquote at
 * musl's build), so every one becomes a call to skiff_libc_syscall() (libc/syscall.c), which
 * serves what a unikernel can with the Solo5 API and fails the rest with -ENOSYS. No vDSO.
 * The same file serves x86_64 and aarch64: both pass 64-bit arguments in one register.
 */
#ifndef SKIFF_MUSL_SYSCALL_ARCH_H
#define SKIFF_MUSL_SYSCALL_ARCH_H

#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)
#define IPC_64            0

long skiff_libc_syscall(long n, long a, long b, long c, long d, long e, long f);

static __inline long __syscall0(long n)
{
    return skiff_libc_syscall(n, 0, 0, 0, 0, 0, 0);
}

static __inline long __syscall1(long n, long a)
{
    return skiff_libc_syscall(n, a, 0, 0, 0, 0, 0);
}

static __inline long __syscall2(long n, long a, long b)
{
    return skiff_libc_syscall(n, a, b, 0, 0, 0, 0);
}

static __inline long __syscall3(long n, long a, long b, long c)
{
    return skiff_libc_syscall(n, a, b, c, 0, 0, 0);
}

static __inline long __syscall4(long n, long a, long b, long c, long d)
{
    return skiff_libc_syscall(n, a, b, c, d, 0, 0);
}

static __inline long __syscall5(long n, long a, long b, long c, long d, long e)
{
    return skiff_libc_syscall(n, a, b, c, d, e, 0);
}

static __inline long __syscall6(long n, long a, long b, long c, long d, long e, long f)
{
    return skiff_libc_syscall(n, a, b, c, d, e, f);
}

#endif /* SKIFF_MUSL_SYSCALL_ARCH_H */
