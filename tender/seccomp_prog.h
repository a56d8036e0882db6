/* seccomp_prog.h: an allow-list of system calls as a seccomp BPF program (seccomp_prog.c). */
#ifndef SKIFF_SECCOMP_PROG_H
#define SKIFF_SECCOMP_PROG_H

#include <stddef.h>
#include <stdint.h>

#define SKIFF_SECCOMP_MAX_CONDS  2
#define SKIFF_SECCOMP_MAX_VALUES 80

/* Argument arg (0-5) must be one of values, compared on its low 32 bits. */
struct skiff_seccomp_cond {
    unsigned arg;
    unsigned nvalues;
    uint32_t values[SKIFF_SECCOMP_MAX_VALUES];
};

/* System call nr is allowed when every condition holds. One rule per call number. */
struct skiff_seccomp_rule {
    int nr;
    unsigned nconds;
    struct skiff_seccomp_cond cond[SKIFF_SECCOMP_MAX_CONDS];
};

struct sock_filter;
/* Writes into prog (room for max instructions) a program that kills the process for any
 * other architecture than audit_arch and any call no rule allows. Returns its length, or -1
 * if a rule is malformed or the program does not fit. */
long skiff_seccomp_build(const struct skiff_seccomp_rule *rules, size_t nrules, uint32_t audit_arch,
                         struct sock_filter *prog, size_t max);

#endif /* SKIFF_SECCOMP_PROG_H */
