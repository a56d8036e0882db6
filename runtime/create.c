/* create.c: `create` for a unikernel bundle (runtime spec "Lifecycle", steps 1-5).
 *
 * The container's process is skiff. It is cloned into a new PID namespace (so it is the
 * container's PID 1 and its exit status is the container's), enters the namespaces config.json
 * asks for, takes the console socket's pty if there is a terminal, then waits on the exec fifo
 * until `start` opens it, and only then becomes skiff. skiff is this runtime's own tender (next
 * to this binary), never a file of the bundle; its options are built by unikernel.c. /dev/kvm,
 * the tap in the container's network namespace (--net-from) and the block files are opened by
 * skiff with the runtime's privileges, so the container asks for no device or capability;
 * skiff's own seccomp filter confines it once the guest runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

struct create_opts {
    const char *bundle, *pid_file, *console_socket, *id;
};

static int parse(int argc, char **argv, struct create_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->bundle = ".";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[i + 1] : NULL);
        const char **dst = NULL;

        if (a[0] != '-') {
            if (o->id) {
                rt_error("create: more than one container id ('%s', '%s')", o->id, a);
                return -1;
            }
            o->id = a;
            continue;
        }
#define IS(name) (n == strlen(name) && strncmp(a, name, n) == 0)
        if (IS("--bundle") || IS("-b"))
            dst = &o->bundle;
        else if (IS("--pid-file"))
            dst = &o->pid_file;
        else if (IS("--console-socket"))
            dst = &o->console_socket;
        else if (IS("--preserve-fds")) {
            if (!eq)
                i++;
            continue;
        } else if (IS("--no-pivot") || IS("--no-new-keyring"))
            continue;
#undef IS
        if (!dst) {
            rt_error("create: unknown option '%s'", a);
            return -1;
        }
        if (!val) {
            rt_error("create: %s needs a value", a);
            return -1;
        }
        *dst = val;
        if (!eq)
            i++;
    }
    if (!o->id) {
        rt_error("create: missing container id");
        return -1;
    }
    return rt_id_check(o->id);
}

/* The child's side of the setup; failures go back to the parent as one line. */
static void child_fail(int sync, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void child_fail(int sync, const char *fmt, ...)
{
    char msg[512];
    int err = errno, n;
    va_list ap;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof(msg))
        snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(err));
    if (write(sync, msg, strlen(msg)) < 0) {
        /* the parent is gone: nothing to tell */
    }
    _exit(1);
}

static void join_or_new(int sync, const struct rt_ns *ns, int flag, const char *what)
{
    int fd;

    if (!ns->want)
        return;
    if (!ns->path) {
        if (unshare(flag) < 0)
            child_fail(sync, "cannot create a %s namespace", what);
        return;
    }
    if ((fd = open(ns->path, O_RDONLY | O_CLOEXEC)) < 0 || setns(fd, flag) < 0)
        child_fail(sync, "cannot join namespace %s", ns->path);
    close(fd);
}

/* Sends the master side of a new pty to the engine (runc's --console-socket contract) and
 * makes the slave this process's controlling terminal and stdio. */
static void take_console(int sync, const char *socket_path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int master, slave, sock;
    char name[64] = "/dev/ptmx";
    struct iovec iov = {.iov_base = name, .iov_len = strlen(name)};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

    if (strlen(socket_path) >= sizeof(sa.sun_path))
        child_fail(sync, "--console-socket %s: path too long", socket_path);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socket_path);
    if (openpty(&master, &slave, NULL, NULL, NULL) < 0)
        child_fail(sync, "cannot open a pty");
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof(int));
    if ((sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0 || sendmsg(sock, &msg, 0) < 0)
        child_fail(sync, "--console-socket %s", socket_path);
    close(sock);
    close(master);
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        child_fail(sync, "cannot take the pty as controlling terminal");
    dup2(slave, 0);
    dup2(slave, 1);
    dup2(slave, 2);
    if (slave > 2)
        close(slave);
}

static int clear_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFD);

    return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
}

static void child(int sync, const struct rt_bundle *b, const struct rt_unikernel *u,
                  const struct create_opts *o, const char *fifo, int tender_fd, char **targv)
{
    char *const envp[] = {NULL};
    int fd;

    prctl(PR_SET_PDEATHSIG, 0);
    if (setsid() < 0)
        child_fail(sync, "setsid");
    join_or_new(sync, &b->ns_net, CLONE_NEWNET, "network");
    join_or_new(sync, &b->ns_ipc, CLONE_NEWIPC, "ipc");
    join_or_new(sync, &b->ns_uts, CLONE_NEWUTS, "uts");
    join_or_new(sync, &b->ns_mnt, CLONE_NEWNS, "mount");
    /* Nothing mounted here may reach the host's mount table. */
    if (b->ns_mnt.want && mount("", "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        child_fail(sync, "cannot make the mounts private");
    if (b->ns_uts.want && b->hostname && sethostname(b->hostname, strlen(b->hostname)) < 0)
        child_fail(sync, "sethostname %s", b->hostname);
    if (b->terminal) {
        if (!o->console_socket)
            child_fail(sync, "process.terminal is set but no --console-socket was given");
        take_console(sync, o->console_socket);
    }
    if (clear_cloexec(u->kernel_fd) < 0)
        child_fail(sync, "kernel fd");
    for (int i = 0; i < u->nblocks; i++)
        if (clear_cloexec(u->block_fd[i]) < 0)
            child_fail(sync, "block fd");
    if (write(sync, "ok", 2) != 2)
        _exit(1);
    close(sync);
    /* Blocks until `start` opens the fifo for reading (or `delete` kills us). */
    if ((fd = open(fifo, O_WRONLY | O_CLOEXEC)) < 0 || write(fd, "0", 1) != 1) {
        fprintf(stderr, "skiff-runtime: %s: %s\n", fifo, strerror(errno));
        _exit(127);
    }
    close(fd);
    syscall(SYS_execveat, tender_fd, "", targv, envp, AT_EMPTY_PATH);
    fprintf(stderr, "skiff-runtime: cannot run skiff: %s\n", strerror(errno));
    _exit(127);
}

/* The tender: `skiff` next to this binary (a file of the host, not of the bundle). */
static int open_tender(void)
{
    char self[RT_PATH_MAX], path[RT_PATH_MAX + 8], *slash;
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    int fd;

    if (n <= 0) {
        rt_error("/proc/self/exe: %s", strerror(errno));
        return -1;
    }
    self[n] = '\0';
    slash = strrchr(self, '/');
    *slash = '\0';
    snprintf(path, sizeof(path), "%s/skiff", self);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        rt_error("%s: %s (skiff-runtime runs the skiff installed next to it)", path,
                 strerror(errno));
    return fd;
}

/* Writes the container's PID the way runc does: to a temporary file renamed into place. */
static int write_pid_file(const char *path, pid_t pid)
{
    char tmp[RT_PATH_MAX + 16];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.skiff-tmp", path);
    if (!(f = fopen(tmp, "we")) || fprintf(f, "%d", (int)pid) < 0 || fclose(f) != 0 ||
        rename(tmp, path) < 0) {
        rt_error("--pid-file %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* cgroup v2, cgroupfs layout (dockerd without systemd: "/docker/ID"): the container's
 * process joins it, with the memory limit when one is set. Other layouts are left to the
 * engine's parent cgroup and reported once. */
static void join_cgroup(const struct rt_bundle *b, pid_t pid)
{
    char dir[RT_PATH_MAX], file[RT_PATH_MAX + 32], num[32];
    const char *p = b->cgroups_path;
    int fd;

    if (!p || !*p)
        return;
    if (p[0] != '/' || strstr(p, "..") || access("/sys/fs/cgroup/cgroup.controllers", F_OK)) {
        rt_warn("cgroupsPath %s: only cgroup v2 paths of the cgroupfs driver are joined; the "
                "unikernel stays in the engine's cgroup",
                p);
        return;
    }
    snprintf(dir, sizeof(dir), "/sys/fs/cgroup");
    for (const char *s = p; *s;) {
        const char *e = strchr(s + 1, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);

        /* Enable the memory controller for the children of each level on the way down. */
        snprintf(file, sizeof(file), "%s/cgroup.subtree_control", dir);
        if ((fd = open(file, O_WRONLY | O_CLOEXEC)) >= 0) {
            if (write(fd, "+memory +pids", 13) < 0) {
                /* a controller not available: the limit below then fails and says so */
            }
            close(fd);
        }
        snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "%.*s", (int)len, s);
        mkdir(dir, 0755);
        s += len;
    }
    if (b->mem_limit > 0) {
        snprintf(file, sizeof(file), "%s/memory.max", dir);
        snprintf(num, sizeof(num), "%lld", (long long)b->mem_limit);
        if ((fd = open(file, O_WRONLY | O_CLOEXEC)) < 0 || write(fd, num, strlen(num)) < 0)
            rt_warn("%s: %s", file, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
    snprintf(num, sizeof(num), "%d", (int)pid);
    if ((fd = open(file, O_WRONLY | O_CLOEXEC)) < 0 || write(fd, num, strlen(num)) < 0)
        rt_warn("%s: %s", file, strerror(errno));
    if (fd >= 0)
        close(fd);
}

/* The state root and its parents: containerd's shim passes /run/containerd/runc/NAMESPACE,
 * which does not exist before a namespace's first container. */
static int mkdir_p(const char *path)
{
    char buf[RT_PATH_MAX];

    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0711) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int rt_cmd_create(int argc, char **argv)
{
    static struct rt_bundle b;
    static struct rt_unikernel u;
    struct create_opts o;
    struct rt_state s;
    char dir[RT_PATH_MAX], fifo[RT_PATH_MAX + 16], buf[8192], msg[512], json[65536];
    char *targv[RT_ARGS_MAX + 32];
    int r, sync[2], tender_fd, pidns_fd = -1;
    ssize_t n;
    pid_t pid;
    struct tm tm;
    time_t now;

    if (parse(argc, argv, &o) < 0 || rt_bundle_load(o.bundle, &b) < 0)
        return 1;
    if ((r = rt_unikernel_detect(&b, &u)) == 0)
        rt_exec_runc();
    if (r < 0)
        return 1;
    if (rt_tender_argv(&u, targv, sizeof(targv) / sizeof(targv[0]), buf, sizeof(buf)) < 0) {
        rt_error("too many guest arguments");
        return 1;
    }
    if ((tender_fd = open_tender()) < 0)
        return 1;
    if (b.ns_pid.path && (pidns_fd = open(b.ns_pid.path, O_RDONLY | O_CLOEXEC)) < 0) {
        rt_error("cannot join namespace %s: %s", b.ns_pid.path, strerror(errno));
        return 1;
    }

    if (mkdir_p(rt.root) < 0) {
        rt_error("--root %s: %s", rt.root, strerror(errno));
        return 1;
    }
    if (rt_state_dir(o.id, dir, sizeof(dir)) < 0 || mkdir(dir, 0700) < 0) {
        rt_error("container %s: %s", o.id,
                 errno == EEXIST ? "a container with that id exists" : strerror(errno));
        return 1;
    }
    snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
    if (mkfifo(fifo, 0600) < 0 || pipe2(sync, O_CLOEXEC) < 0) {
        rt_error("%s: %s", fifo, strerror(errno));
        rt_state_remove(o.id);
        return 1;
    }

    /* A new PID namespace for the child only (clone, not unshare: hooks run from here must
     * stay in the runtime's namespace). Joining one instead is for this process and its
     * children alike, which setns allows only that way. */
    if (pidns_fd >= 0 && setns(pidns_fd, CLONE_NEWPID) < 0) {
        rt_error("cannot join namespace %s: %s", b.ns_pid.path, strerror(errno));
        rt_state_remove(o.id);
        return 1;
    }
    pid = (pid_t)syscall(SYS_clone, SIGCHLD | (b.ns_pid.want && pidns_fd < 0 ? CLONE_NEWPID : 0),
                         NULL, NULL, NULL, NULL);
    if (pid < 0) {
        rt_error("cannot start the container's process: %s", strerror(errno));
        rt_state_remove(o.id);
        return 1;
    }
    if (pid == 0) {
        close(sync[0]);
        child(sync[1], &b, &u, &o, fifo, tender_fd, targv);
    }
    close(sync[1]);
    n = read(sync[0], msg, sizeof(msg) - 1);
    close(sync[0]);
    if (n != 2 || memcmp(msg, "ok", 2) != 0) {
        msg[n > 0 ? n : 0] = '\0';
        rt_error("%s", n > 0 ? msg : "the container's process died during create");
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        rt_state_remove(o.id);
        return 1;
    }

    memset(&s, 0, sizeof(s));
    snprintf(s.id, sizeof(s.id), "%s", o.id);
    snprintf(s.bundle, sizeof(s.bundle), "%s", b.bundle);
    s.pid = pid;
    s.starttime = rt_proc_starttime(pid);
    now = time(NULL);
    strftime(s.created, sizeof(s.created), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    join_cgroup(&b, pid);
    if (rt_state_save(&s) < 0 || rt_state_json(&s, &b, json, sizeof(json)) < 0 ||
        rt_run_hooks("prestart", b.prestart, b.nprestart, json) < 0 ||
        rt_run_hooks("createRuntime", b.create_runtime, b.ncreate_runtime, json) < 0 ||
        (o.pid_file && write_pid_file(o.pid_file, pid) < 0)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        rt_state_remove(o.id);
        return 1;
    }
    return 0;
}
