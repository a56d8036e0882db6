/* setup.h: set-up steps init runs for a case, before or while skiff runs (see init.c). */
#ifndef SKIFF_VM_SETUP_H
#define SKIFF_VM_SETUP_H

#include <stddef.h>

/* Each takes the text after "+WORD=" (modified in place) and returns NULL on success or a
 * static message saying what went wrong. */

/* "PATH:BYTES" (suffix K or M): creates PATH as a zero-filled sparse file of that size. */
const char *make_file(char *spec);
/* "NAME:A.B.C.D/LEN": creates the persistent tap NAME with that address and brings it up; an
 * existing interface of that name is left alone. */
const char *make_tap(char *spec);
/* "A.B.C.D:COUNT[:SIZE][,...]": sends COUNT ICMP echo requests with SIZE bytes of data
 * (default 56) to each address, one at a time, over a raw socket; each must be answered, with
 * all its data, within 2 s. */
const char *do_ping(const char *spec);
/* The echo requests a +ping spec asks for, all targets together. */
int ping_total(const char *spec);
/* NULL if process pid has at least min_threads threads, each with "Seccomp: 2" (a filter)
 * and "NoNewPrivs: 1" in its status; else what is wrong. */
const char *check_sandbox(int pid, int min_threads);
/* Finds "WALL <seconds>" in the len bytes at out and compares it with time(NULL): NULL if
 * within 2 s, else what is wrong. */
const char *check_wall(const char *out, size_t len);
/* Loads the modules /modules.txt lists, in order: "none", "N loaded" or the first error. */
const char *load_modules(void);
/* Creates the persistent tap name (no packet information header), down and without an
 * address: NULL or what went wrong. */
const char *tap_create(const char *name);
/* Sets IFF_UP on interface name through socket s: 0, or -1 with errno set. */
int if_up(int s, const char *name);

/* The serve mode (init_serve.c, for tests/vm/serve): does the steps and runs skiff with the
 * arguments of the list file, one a line, its output on the console, until it exits or the
 * console says stop; reports on the console and returns (init then powers off). modules is
 * what load_modules() said. */
void init_serve(const char *list, const char *modules);

/* CLOCK_MONOTONIC in seconds. */
double now(void);

#endif /* SKIFF_VM_SETUP_H */
