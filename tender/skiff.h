/* skiff.h: the tender's internal interfaces; each function's contract is documented here. */
#ifndef SKIFF_H
#define SKIFF_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "elf_abi.h"
#include "hvt_abi.h"
#include "mft_abi.h"
#include "memslots.h"

#define SKIFF_VERSION "0.1.0"

/*
 * Exit statuses. A guest that halts passes its own status through (0-255; 255 is the bindings'
 * abort). Everything the tender decides itself has one code per class, so a harness can tell a
 * bad command line from a bad image from a misbehaving guest. Table: docs/exit-codes.md.
 */
enum skiff_exit {
    SKIFF_EXIT_USAGE = 64,        /* bad command line */
    SKIFF_EXIT_IMAGE = 65,        /* image rejected: ELF, ABI note or manifest */
    SKIFF_EXIT_NOINPUT = 66,      /* a file named on the command line cannot be opened */
    SKIFF_EXIT_HOST = 69,         /* host resource unavailable: KVM, memory, tap, ... */
    SKIFF_EXIT_IO = 74,           /* host I/O error while serving the guest */
    SKIFF_EXIT_HYPERCALL = 80,    /* invalid hypercall, port access or guest pointer */
    SKIFF_EXIT_FAULT = 81,        /* guest wrote to read-only memory or outside RAM */
    SKIFF_EXIT_TRIPLE_FAULT = 82, /* guest triple fault (vCPU shutdown) */
    SKIFF_EXIT_VMEXIT = 83,       /* any other unhandled VM exit (HLT, KVM errors) */
    SKIFF_EXIT_SIGNAL_BASE = 128  /* 128 + signal number, like a shell */
};

/* ---- error.c: one error message for the parsers, which never print or exit ---- */

/* Records a message (printf format) for the caller to report; replaces any earlier one. An
 * argument may be skiff_error(), to add context to the message it replaces. */
void skiff_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last message recorded; "" if none. Valid until the next skiff_set_error(). */
const char *skiff_error(void);

/* ---- guest_mem.c: guest memory and the one place guest addresses become host pointers ---- */

#define SKIFF_GUEST_RO_MAX 16 /* read-only ranges: at most one per image segment */

struct skiff_guest {
    uint8_t *mem;        /* host mapping of [0, alloc_size) */
    uint64_t alloc_size; /* bytes mapped and registered with KVM (mem_alloc_size) */
    uint64_t size;       /* bytes the guest may name in hypercalls (guest_mem_size) */
    /* Ranges the host maps read-only (the image's text and rodata): a host write there would
     * fault in the tender, so every write on the guest's behalf is checked against them. */
    size_t nro;
    struct {
        uint64_t start, end;
    } ro[SKIFF_GUEST_RO_MAX];
};

/* What the tender will do with a guest range. */
enum skiff_access { SKIFF_READ = 1, SKIFF_WRITE = 2 };

/*
 * Returns the host address of guest range [gpa, gpa + len) if it lies entirely inside
 * [0, g->size), else NULL. Overflow-safe for any gpa and len; len 0 is valid at any gpa < size.
 * Bounds only: callers that write use skiff_guest_range().
 */
void *skiff_gpa_to_host(const struct skiff_guest *g, uint64_t gpa, uint64_t len);

/*
 * The check every guest address the tender dereferences goes through: sets *host to the host
 * address of [gpa, gpa + len) and returns 0, or sets the error and returns SKIFF_EXIT_HYPERCALL
 * ("invalid guest access: gpa=..., sz=...") if the range is not inside guest memory, or
 * SKIFF_EXIT_FAULT ("... is read-only ...") if access includes SKIFF_WRITE and the range
 * overlaps read-only memory. Checked before any host I/O, so nothing is done for a bad range.
 */
int skiff_guest_range(const struct skiff_guest *g, uint64_t gpa, uint64_t len,
                      enum skiff_access access, void **host);

/* Copies len bytes from guest address gpa into dst (or from src to gpa). Guest structures are
 * copied before they are validated, so the guest cannot change them under the tender. A
 * hypercall that will write its structure back reads it with SKIFF_READ | SKIFF_WRITE, so a
 * read-only structure is refused before the hypercall does anything. Return 0 or the status of
 * skiff_guest_range(). */
int skiff_guest_read(const struct skiff_guest *g, uint64_t gpa, void *dst, size_t len,
                     enum skiff_access access);
int skiff_guest_write(const struct skiff_guest *g, uint64_t gpa, const void *src, size_t len);

/* Whether [gpa, gpa + len), inside guest memory, overlaps memory the host maps read-only. */
bool skiff_guest_readonly(const struct skiff_guest *g, uint64_t gpa, uint64_t len);
/* Maps guest range [start, end) (page-aligned) with prot on the host, recording it as
 * read-only unless prot has PROT_WRITE. Returns 0, or SKIFF_EXIT_HOST with an error. */
int skiff_guest_protect(struct skiff_guest *g, uint64_t start, uint64_t end, int prot);

/* Maps g->alloc_size bytes of zeroed guest memory at g->mem. Returns 0 or SKIFF_EXIT_HOST. */
int skiff_guest_alloc(struct skiff_guest *g);

/* Rounds requested bytes to the ABI's memory size (2 MiB steps, at least 2 MiB). Returns -1
 * with an error if the result exceeds HVT_MEM_MAX; sets *adjusted if rounding changed it. */
int skiff_mem_size(uint64_t requested, uint64_t *size, bool *adjusted);

/* ---- elf.c: image checks and loading (libelf); never exits, never trusts the file ---- */

#define SKIFF_MAX_SEGMENTS 16

struct skiff_segment {
    uint64_t start, end; /* page-aligned guest range */
    int prot;            /* PROT_READ / PROT_WRITE for the host mapping; never PROT_EXEC */
};

struct skiff_image {
    uint64_t entry;      /* e_entry */
    uint64_t kernel_end; /* highest aligned end of the loaded segments */
    size_t nsegs;
    struct skiff_segment segs[SKIFF_MAX_SEGMENTS];
};

/*
 * Checks the ELF header of the image open on fd (machine: EM_X86_64 or EM_AARCH64), then finds
 * the ABI note (must be hvt, version 2) and copies the manifest note's content into mft, a
 * buffer of MFT_MAX_SIZE bytes, setting *mft_size. The manifest is not validated here.
 * Returns 0, or -1 with an error naming the problem.
 */
int skiff_elf_read_notes(int fd, unsigned machine, struct mft *mft, size_t *mft_size);

/*
 * Loads the PT_LOAD segments of the image into mem[0, mem_size) following abi.md 1.2-1.3 and
 * fills img. Returns 0, or -1 with an error; guest memory may be partly written on failure.
 */
int skiff_elf_load(int fd, unsigned machine, uint8_t *mem, uint64_t mem_size,
                   struct skiff_image *img);

/* ---- mft.c: manifest checks and lookups ---- */

/* Checks the untrusted manifest of size bytes (abi.md 2.4), and that its devices are of known
 * types, uniquely named and without tender-filled fields. Returns 0, or -1 with an error. */
int skiff_mft_validate(const struct mft *mft, size_t size);
/* The entry declared with exactly this name and type, or NULL. mft must be valid. */
struct mft_entry *skiff_mft_find(struct mft *mft, const char *name, uint32_t type);
/* Returns 0 if every device entry is attached, else -1 with an error naming the first that is
 * not (and one line per unattached device written to stderr by the caller from the error). */
int skiff_mft_check_attached(const struct mft *mft);
/* "BLOCK_BASIC", "NET_BASIC", or "<undefined type>". */
const char *skiff_mft_type_name(uint32_t type);
/* e's name as it may be printed: bytes outside printable ASCII, quotes and backslashes as
 * \xNN. Writes buf and returns it. */
#define SKIFF_MFT_PRINTABLE_SIZE (MFT_NAME_SIZE * 4 + 1)
const char *skiff_mft_printable_name(const struct mft_entry *e, char buf[SKIFF_MFT_PRINTABLE_SIZE]);

/* ---- cli.c: the command line; pure parsing, no side effects ---- */

#define SKIFF_MAX_DEVOPTS 256

/* A module option "--KEY:NAME=VALUE", split. */
struct skiff_devopt {
    const char *arg; /* the whole argument, for messages */
    char key[32];    /* "net", "net-mac", "block", "block-sector-size" */
    char name[MFT_NAME_SIZE];
    const char *value;
};

struct skiff_options {
    bool help, version, quiet;
    bool no_net_ring;     /* serve network devices through hypercalls only */
    bool json;            /* --json: one JSON line on stderr at exit */
    uint64_t mem_bytes;   /* requested guest memory, before ABI rounding */
    const char *snapshot; /* --snapshot=FILE: save the guest there on SIGUSR2 (snapshot.c) */
    const char *restore;  /* --restore=FILE: run the saved guest instead of a KERNEL */
    const char *kernel;
    int guest_argc;
    char **guest_argv;
    size_t ndevopts;
    struct skiff_devopt devopts[SKIFF_MAX_DEVOPTS];
};

/*
 * Parses argv (argv[0] is the program). known_keys is a NULL-terminated list of the module
 * option keys the build supports. --help and --version win over any other error. Returns 0,
 * or -1 with an error naming the offending argument.
 */
int skiff_cli_parse(int argc, char **argv, const char *const *known_keys, struct skiff_options *o);

/* Joins the guest arguments with single spaces into buf (size bytes, NUL included).
 * Returns 0, or -1 with an error if they do not fit. */
int skiff_cmdline_join(int argc, char **argv, char *buf, size_t size);

/* ---- the running VM ---- */

struct skiff;
/* A hypercall handler: gpa is the argument structure's address. Returns 0 to resume the
 * guest, or a skiff_exit code with an error set to stop it. */
typedef int (*skiff_hypercall_fn)(struct skiff *s, uint64_t gpa);

struct skiff_kvm {
    int kvm_fd, vm_fd, vcpu_fd;
    struct kvm_run *run;
    size_t run_size;
};

struct skiff {
    const struct skiff_options *opts; /* the command line, for modules */
    struct skiff_guest guest;
    struct skiff_memslots slots;
    struct skiff_image image;
    struct skiff_kvm kvm;
    struct mft *mft; /* host copy, validated; attached devices filled in */
    size_t mft_size;
    /* What the modules offer the guest through hvt_boot_info. */
    uint32_t host_features;
    uint64_t net_ring; /* GPA of the active network ring, or 0 */
    uint64_t cpu_cycle_freq;
    skiff_hypercall_fn hypercalls[HVT_HYPERCALL_MAX];
    /* Host fd backing each attached device, by manifest handle; -1 where none. */
    int dev_fds[MFT_MAX_ENTRIES];
    /* Host fds POLL waits on, with the manifest handle each one reports (net devices). */
    size_t npoll;
    int poll_fds[MFT_MAX_ENTRIES];
    uint64_t poll_handles[MFT_MAX_ENTRIES];
    bool quiet; /* --quiet: no warnings of skiff's own */
    bool halted;
    int exit_status; /* the guest's, once halted */
    uint64_t exits;  /* VM exits seen by the run loop */
};

/* ---- modules: console, block, net, ... each in its own file ---- */

/* A module owns one kind of device or service: its options, its hypercalls, its host fds
 * (registered with the sandbox as it opens them) and its state. Adding one is a new file and
 * a line in modules.c. Every hook may be NULL; they run in this order. */
struct skiff_module {
    const char *name;
    const char *usage;              /* lines for --help, or NULL */
    const char *const *option_keys; /* NULL-terminated keys this module takes, or NULL */
    /* Applies one parsed option to the manifest. Returns 0, or a skiff_exit code with an
     * error set. May open host resources. */
    int (*option)(struct skiff *s, const struct skiff_devopt *opt);
    /* Once the guest's arguments are joined: may rewrite the command line in buf (size bytes,
     * NUL included). Returns 0, or a skiff_exit code with an error set. */
    int (*cmdline)(struct skiff *s, char *buf, size_t size);
    /* Before guest memory exists: bytes this module needs above the memory the guest may use
     * (mem_size bytes). The ABI has one such region (the network ring, abi.md 6), so at most
     * one module reserves; it gets [s->guest.size, s->guest.alloc_size). */
    uint64_t (*reserve)(struct skiff *s, uint64_t mem_size);
    /* After guest memory and the VM exist: registers hypercalls, fills manifest entries,
     * starts threads. */
    int (*setup)(struct skiff *s);
    /* On every way out once setup ran: flush and release. */
    void (*teardown)(struct skiff *s);
};

/* NULL-terminated list of the modules built in, in the order their hooks run. */
extern const struct skiff_module *const skiff_modules[];
extern const struct skiff_module skiff_module_core, skiff_module_block, skiff_module_net,
    skiff_module_net_ring, skiff_module_netsetup;

/* modules.c: the walks over the list. */
/* The option keys of every module, NULL-terminated. */
const char *const *skiff_modules_keys(void);
/* Writes every module's --help lines. */
void skiff_modules_usage(FILE *f);
/* Applies each option with the module whose key it is. Returns 0 or the first failure. */
int skiff_modules_options(struct skiff *s, const struct skiff_options *o);
/* Runs each module's cmdline hook. Returns 0 or the first failure. */
int skiff_modules_cmdline(struct skiff *s, char *buf, size_t size);
/* The bytes the modules reserve above mem_size. */
uint64_t skiff_modules_reserve(struct skiff *s, uint64_t mem_size);
/* Runs each module's setup. Returns 0 or the first failure. */
int skiff_modules_setup(struct skiff *s);
/* Runs every module's teardown. */
void skiff_modules_teardown(struct skiff *s);

/* For modules: the manifest entry an option names, which must be declared with this type.
 * Returns NULL with "resource not declared in manifest" set otherwise (mft.c). */
struct mft_entry *skiff_devopt_entry(struct skiff *s, const struct skiff_devopt *opt,
                                     uint32_t type);

/* Registers the handler for hypercall nr (overwrites). */
void skiff_hypercall_register(struct skiff *s, unsigned nr, skiff_hypercall_fn fn);
/* Runs the handler for nr, or fails with SKIFF_EXIT_HYPERCALL for an unknown number. */
int skiff_hypercall_dispatch(struct skiff *s, unsigned nr, uint64_t gpa);

/* ---- sandbox.c ---- */

/* For modules, when they open an fd the guest's hypercalls (or the ring thread) use: allows
 * the system calls in calls (SYS_* numbers, ended by -1) on fd under the sandbox. calls must
 * outlive the run (a static array). */
void skiff_sandbox_allow_fd(int fd, const int *calls);

/* For optional features (snapshot.c): allows one more ioctl request on the vCPU fd, or a
 * system call with any arguments. Call before skiff_sandbox_enter(); a list that overflows
 * makes it fail rather than install a partial one. */
void skiff_sandbox_allow_vcpu_ioctl(unsigned long request);
void skiff_sandbox_allow_call(int nr);

/* Sets no_new_privs and installs the seccomp allow-list for the rest of the run, on every
 * thread: only the calls the run loop, the hypercalls, the ring thread and the exit paths make,
 * on the fds s holds (vCPU, devices, ring kick, stdout, stderr); anything else kills the
 * process with SIGSYS. Call once every resource is open, right before skiff_run(). Returns
 * 0, or SKIFF_EXIT_HOST with an error. A no-op in builds with SKIFF_NO_SANDBOX (make asan). */
int skiff_sandbox_enter(const struct skiff *s);

/* ---- report.c: --json ---- */

/* Records the start time (call first thing in main). */
void skiff_report_start(void);
/* Turns the exit line on or off. */
void skiff_report_enable(bool on);
/* Records the moment the guest starts running. */
void skiff_report_running(void);
/* The class of an exit status: "guest" if the guest halted, else "usage", "image", ... */
const char *skiff_exit_class(int status, bool halted);
/* If enabled, writes the JSON exit line for this status to stderr. s may be NULL. */
void skiff_report_exit(const struct skiff *s, int status);

/* ---- boot_info.c ---- */

/* Writes hvt_boot_info, the manifest copy and cmdline (at most HVT_CMDLINE_SIZE - 1 bytes,
 * already checked by skiff_cmdline_join) into the boot data area at HVT_BOOT_INFO_BASE. */
void skiff_boot_info_write(struct skiff *s, const char *cmdline);

/* ---- stop.c: ending a run from outside the vCPU thread ---- */

/* What the ring thread sends the vCPU thread to interrupt KVM_RUN; its handler does nothing. */
#define SKIFF_STOP_KICK_SIGNAL SIGUSR1

/* Makes SIGINT and SIGTERM stop the run: the vCPU thread leaves KVM_RUN or any host wait and
 * the run ends with 128 + the signal. Call on the vCPU thread once s->kvm.run is mapped.
 * Returns 0, or SKIFF_EXIT_HOST with an error. */
int skiff_stop_init(struct skiff *s);
/* For threads other than the vCPU's: blocks the stop signals, so they reach the vCPU thread. */
void skiff_stop_block_signals(void);
/* From any thread but a signal handler: ends the run with status and the message (printf
 * format), unless a stop was requested already. The vCPU thread is woken wherever it waits. */
void skiff_stop_request(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 0 while the run may go on, else the status it ends with. Every host wait on the guest's
 * behalf checks it, and a hypercall that sees it returns it. */
int skiff_stop_status(void);
/* For the run loop: skiff_stop_status(), with that stop's message set as the error. */
int skiff_stop_report(void);
/* An eventfd that becomes readable, and stays so, once a stop is requested: every host wait on
 * the guest's behalf polls it too. -1 before skiff_stop_init(). */
int skiff_stop_fd(void);

/* ---- kvm.c and run.c: the VM and the run loop, architecture-independent ---- */

/* Opens /dev/kvm, creates the VM and its vCPU, prepares the vCPU (skiff_arch_vcpu_prepare)
 * and registers guest memory (skiff_memslots_init). Returns 0, or SKIFF_EXIT_HOST with an
 * error (no KVM, a missing capability, ...). */
int skiff_vm_create(struct skiff *s);
/* Runs the vCPU until the guest halts, fails or a stop is requested, handling every exit.
 * Returns the process exit status, with the error set unless the guest halted. */
int skiff_run(struct skiff *s);

#endif /* SKIFF_H */
