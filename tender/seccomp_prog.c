/* seccomp_prog.c: turns an allow-list of system calls into a seccomp BPF program. */
/*
 * The program checks the architecture, then tries one block per allowed call:
 *
 *     ld  nr                   ; A = syscall number
 *     jeq #NR, 0, skip         ; not this call: on to the next block
 *     ld  args[i] (low word)   ; per condition: the argument must be one of the values
 *     jeq #v1, next_cond, 0
 *     jeq #v2, next_cond, 0
 *     ret KILL_PROCESS         ; none matched
 *     ...                      ; the next condition
 *     ret ALLOW
 *
 * and ends with ret KILL_PROCESS. Arguments are compared on their low 32 bits, as the kernel
 * reads an int fd or an ioctl request; both architectures are little-endian. A call number
 * with the x32 bit set matches no block and is killed like any other. libseccomp compiled the
 * same list in ~0.5 ms of every start on this project's host (tools/README.md); this takes
 * microseconds, and the tender no longer links libseccomp.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include "seccomp_prog.h"
#include "skiff.h"

#define NR_OFFSET     offsetof(struct seccomp_data, nr)
#define ARCH_OFFSET   offsetof(struct seccomp_data, arch)
#define ARG_OFFSET(i) (offsetof(struct seccomp_data, args) + (i) * sizeof(uint64_t))

struct builder {
    struct sock_filter *insn;
    size_t n, max;
};

static void emit(struct builder *b, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
    if (b->n < b->max)
        b->insn[b->n] = (struct sock_filter){code, jt, jf, k};
    b->n++;
}

/* Instructions a rule's conditions take: a load, one compare per value and a kill each. */
static size_t conds_length(const struct skiff_seccomp_rule *r)
{
    size_t len = 0;

    for (unsigned c = 0; c < r->nconds; c++)
        len += 2 + r->cond[c].nvalues;
    return len;
}

static int emit_rule(struct builder *b, const struct skiff_seccomp_rule *r)
{
    /* Skipping the rule jumps over its conditions and its ret ALLOW. */
    size_t skip = conds_length(r) + 1;

    if (skip > 255 || r->nconds > SKIFF_SECCOMP_MAX_CONDS)
        return -1;
    emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, NR_OFFSET);
    emit(b, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)skip, (uint32_t)r->nr);
    for (unsigned c = 0; c < r->nconds; c++) {
        const struct skiff_seccomp_cond *cond = &r->cond[c];

        if (cond->nvalues == 0 || cond->nvalues > SKIFF_SECCOMP_MAX_VALUES || cond->arg > 5)
            return -1;
        emit(b, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)ARG_OFFSET(cond->arg));
        for (unsigned v = 0; v < cond->nvalues; v++)
            /* A match jumps over the remaining compares and the kill. */
            emit(b, BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)(cond->nvalues - v), 0, cond->values[v]);
        emit(b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
    }
    emit(b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
    return 0;
}

long skiff_seccomp_build(const struct skiff_seccomp_rule *rules, size_t nrules, uint32_t audit_arch,
                         struct sock_filter *prog, size_t max)
{
    struct builder b = {prog, 0, max};

    emit(&b, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARCH_OFFSET);
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, audit_arch);
    emit(&b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
    for (size_t i = 0; i < nrules; i++)
        if (emit_rule(&b, &rules[i]) < 0)
            return -1;
    emit(&b, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
    return b.n <= max && b.n <= BPF_MAXINSNS ? (long)b.n : -1;
}
