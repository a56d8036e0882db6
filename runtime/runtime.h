/* runtime.h: skiff-runtime, an OCI runtime (runc's command-line contract) that runs hvt
 * unikernel bundles with skiff and hands every other bundle to runc. */
#ifndef SKIFF_RUNTIME_H
#define SKIFF_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RT_VERSION     "0.1.0"
#define RT_OCI_VERSION "1.0.2"
/* Upper bounds on what a bundle may hand us: config.json, /skiff.json, argument counts. */
#define RT_CONFIG_MAX (1 << 20)
#define RT_MARKER_MAX (64 << 10)
#define RT_ARGS_MAX   256
#define RT_NETS_MAX   8
#define RT_BLOCKS_MAX 8
#define RT_HOOKS_MAX  16
#define RT_ANNOT_MAX  64
#define RT_PATH_MAX   4096

/* Global flags (runc's), parsed before the command. */
struct rt_global {
    const char *root; /* --root: state directory (default /run/skiff-runtime) */
    const char *log;  /* --log: where errors go besides stderr */
    bool log_json;    /* --log-format json */
    char **argv;      /* the whole command line, for handing it to runc unchanged */
    int argc;
};
extern struct rt_global rt;

/* log.c: one-line errors to stderr and to --log (as runc's JSON lines when asked). */
void rt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* runc.c: replaces this process with runc, same arguments. */
void rt_exec_runc(void) __attribute__((noreturn));

/* A hook of config.json (runtime spec "POSIX-platform Hooks"). */
struct rt_hook {
    char *path;
    char **args; /* NULL-terminated */
    char **env;  /* NULL-terminated */
    int timeout; /* seconds, 0: none */
};

/* bundle.c: what skiff-runtime reads from config.json. Strings point into owned copies. */
struct rt_ns {
    bool want;
    char *path; /* join this one instead of creating one */
};
struct rt_bundle {
    char bundle[RT_PATH_MAX]; /* absolute bundle directory */
    char rootfs[RT_PATH_MAX]; /* absolute root file system */
    char *args[RT_ARGS_MAX + 1];
    int nargs;
    bool terminal;
    char *hostname;
    struct rt_ns ns_net, ns_mnt, ns_uts, ns_ipc, ns_pid;
    bool ns_user; /* asked for: refused, skiff needs the host's root for /dev/kvm and taps */
    char *cgroups_path;
    int64_t mem_limit; /* linux.resources.memory.limit, 0: none */
    struct rt_hook prestart[RT_HOOKS_MAX], create_runtime[RT_HOOKS_MAX], poststart[RT_HOOKS_MAX],
        poststop[RT_HOOKS_MAX];
    int nprestart, ncreate_runtime, npostart, npoststop;
    char *annot_key[RT_ANNOT_MAX], *annot_val[RT_ANNOT_MAX];
    int nannot;
    char *mount_dst[64], *mount_src[64];
    int nmounts;
    void *json; /* the parsed config (json_object *), kept for the strings above */
};
int rt_bundle_load(const char *dir, struct rt_bundle *b);
/* The bundle directory named on a create/run command line (--bundle/-b, else "."). */
const char *rt_bundle_arg(int argc, char **argv);

/* unikernel.c: is this bundle a unikernel, and how skiff runs it. */
struct rt_unikernel {
    int kernel_fd; /* the kernel, opened inside the root file system */
    char kernel[RT_PATH_MAX];
    unsigned mem_mib;
    char net_name[RT_NETS_MAX][32], net_iface[RT_NETS_MAX][16];
    int nnets;
    char block_name[RT_BLOCKS_MAX][32];
    int block_fd[RT_BLOCKS_MAX];
    int nblocks;
    char *guest_args[RT_ARGS_MAX + 1];
    int nguest;
};
/* 1: a unikernel (u filled), 0: not one (runc's), -1: a broken or hostile bundle (error set). */
int rt_unikernel_detect(const struct rt_bundle *b, struct rt_unikernel *u);
/* The tender's argv (options built here, never taken from the bundle). */
int rt_tender_argv(const struct rt_unikernel *u, char **argv, size_t max, char *buf,
                   size_t bufsize);

/* state.c: the state store, ROOT/ID/skiff.json, written atomically. */
enum rt_status { RT_CREATING, RT_CREATED, RT_RUNNING, RT_STOPPED };
struct rt_state {
    char id[128];
    char bundle[RT_PATH_MAX];
    pid_t pid;
    unsigned long long starttime; /* /proc/PID/stat field 22: a reused PID is not ours */
    char created[40];
    struct rt_bundle *b; /* when loaded with its bundle */
};
int rt_id_check(const char *id);
int rt_state_dir(const char *id, char *buf, size_t size);
bool rt_state_exists(const char *id);
int rt_state_save(const struct rt_state *s);
int rt_state_load(const char *id, struct rt_state *s);
int rt_state_remove(const char *id);
enum rt_status rt_state_status(const struct rt_state *s);
const char *rt_status_name(enum rt_status st);
unsigned long long rt_proc_starttime(pid_t pid);
/* The runtime spec's state JSON on stdout (or into a buffer, for hooks' stdin). */
int rt_state_json(const struct rt_state *s, const struct rt_bundle *b, char *buf, size_t size);

/* hooks.c */
int rt_run_hooks(const char *stage, const struct rt_hook *h, int n, const char *state_json);

/* create.c, ops.c: the commands. */
int rt_cmd_create(int argc, char **argv);
int rt_cmd_start(int argc, char **argv);
int rt_cmd_state(int argc, char **argv);
int rt_cmd_kill(int argc, char **argv);
int rt_cmd_delete(int argc, char **argv);
int rt_cmd_ps(int argc, char **argv);

/* The container ID: the last operand of a command line (after its flags). */
const char *rt_id_arg(int argc, char **argv);

#endif
