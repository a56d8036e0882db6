/* start.c: from solo5_app_main() to main(argc, argv) through musl's __libc_start_main(). */
#include "libc.h"

#include <elf.h>
#include <string.h>

#include "solo5.h"

/* The TLS image, from the bindings' linker script: start, sizes (as absolute symbols) and
 * alignment. musl finds it through the program headers, which are not in guest memory, so
 * the glue describes it with one PT_TLS header of its own. */
extern char _stdata[], _ltdata[], _ltbss[], _atls[];

#define SKIFF_LIBC_ARGS_MAX 64
#define SKIFF_LIBC_PAGE     4096

static char cmdline[8192];
/* The command line as the bindings gave it, for the network's options (skiff_sock_start). */
static const char *cmdline_orig;
static Elf64_Phdr tls_phdr;
/* argv (argv[0] and at most SKIFF_LIBC_ARGS_MAX arguments), NULL, an empty envp (NULL), then
 * the auxiliary vector: what musl's __init_libc() reads after argv. */
static uintptr_t vec[1 + SKIFF_LIBC_ARGS_MAX + 1 + 1 + 8 * 2 + 1];

static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Splits a copy of the command line at whitespace into vec[1..]; returns argc. Arguments
 * past SKIFF_LIBC_ARGS_MAX, or bytes past the buffer, are dropped. */
static int split_args(const char *line)
{
    int argc = 1;
    char *p = cmdline;

    strncpy(cmdline, line, sizeof(cmdline) - 1);
    vec[0] = (uintptr_t) "unikernel";
    for (;;) {
        while (is_space(*p))
            *p++ = '\0';
        if (*p == '\0' || argc > SKIFF_LIBC_ARGS_MAX)
            break;
        vec[argc++] = (uintptr_t)p;
        while (*p != '\0' && !is_space(*p))
            p++;
    }
    return argc;
}

static void put_aux(int *i, uintptr_t type, uintptr_t value)
{
    vec[(*i)++] = type;
    vec[(*i)++] = value;
}

/* Runs once musl has set up TLS and stdio (the network's start may print and exit). */
static int call_main(int argc, char **argv, char **envp)
{
    (void)envp;
    if (skiff_sock_start)
        skiff_sock_start(cmdline_orig, &argc, argv);
    return main(argc, argv);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    int argc = split_args(si->cmdline), i = argc + 2;

    cmdline_orig = si->cmdline;
    skiff_libc_heap_init(si->heap_start, si->heap_size);
    tls_phdr.p_type = PT_TLS;
    tls_phdr.p_vaddr = (uintptr_t)_stdata;
    tls_phdr.p_filesz = (uintptr_t)_ltdata;
    tls_phdr.p_memsz = (uintptr_t)_ltdata + (uintptr_t)_ltbss;
    tls_phdr.p_align = (uintptr_t)_atls;
    put_aux(&i, AT_PHDR, (uintptr_t)&tls_phdr);
    put_aux(&i, AT_PHENT, sizeof(tls_phdr));
    put_aux(&i, AT_PHNUM, 1);
    put_aux(&i, AT_PAGESZ, SKIFF_LIBC_PAGE);
    put_aux(&i, AT_EXECFN, vec[0]);
    /* vec[argc], vec[argc + 1] (argv's and envp's ends) and the AT_NULL after i are zero. */
    return __libc_start_main(call_main, argc, (char **)vec, NULL, NULL, NULL);
}

int __set_thread_area(void *p)
{
    return solo5_set_tls_base((uintptr_t)p) == SOLO5_R_OK ? 0 : -1;
}

void __init_ssp(void *entropy)
{
    (void)entropy;
}
