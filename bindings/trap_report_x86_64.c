/* trap_report_x86_64.c: what the trap stubs (trap_x86_64.S) call for a fatal exception: one
 * report line, then the panic. Its own file: the stubs call it, and cpu_x86_64.c calls the
 * stubs' FS-base entry, so with both in one file the two would depend on each other. */
#include "bindings.h"

struct skiff_trap_frame {
    uint64_t cr2, ec, rip, cs, rflags, rsp, ss;
};

void skiff_trap(const struct skiff_trap_frame *f, uint64_t vector) SKIFF_NORETURN;

void skiff_trap(const struct skiff_trap_frame *f, uint64_t vector)
{
    static const char names[][5] = {"#DE", "#DB", "#NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                    "#DF", "#9",  "#TS",  "#NP", "#SS", "#GP", "#PF", "#15",
                                    "#MF", "#AC", "#MC",  "#XM", "#VE", "#CP"};
    char other[8];
    const char *name = other;

    if (vector < sizeof(names) / sizeof(names[0]))
        name = names[vector];
    else
        snprintf(other, sizeof(other), "#%u", (unsigned)vector);
    skiff_log(SKIFF_LOG_INFO, "trap: type=%s ec=0x%llx rip=0x%llx rsp=0x%llx rflags=0x%llx\n", name,
              (unsigned long long)f->ec, (unsigned long long)f->rip, (unsigned long long)f->rsp,
              (unsigned long long)f->rflags);
    if (vector == 14)
        skiff_log(SKIFF_LOG_INFO, "trap: cr2=0x%llx\n", (unsigned long long)f->cr2);
    SKIFF_PANIC("Fatal trap", f);
}
