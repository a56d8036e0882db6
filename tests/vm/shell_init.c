/* shell_init.c: /init of the shell VM (tests/vm/shell): puts this host's own root file system
 * under the VM, runs one script there as root, reports its exit status and powers off. */
/*
 * The runner shares the host's "/" read-only (9p tag "hostroot") and some host directories
 * read-write (tags rw0, rw1, ...), and names on the kernel command line:
 *   skiff.run=SCRIPT        the bash script to run (a host path)
 *   skiff.rw=DIR:DIR...     the host directory behind each rw tag, in order
 *   skiff.modules=DIR       a host directory holding lib/modules/VERSION for this kernel
 * The VM's root is an overlay: the host's files below, a tmpfs above, so the script can write
 * anywhere (/var/lib/docker, /etc) without touching the host; only the rw directories reach
 * the host. Built static; the modules that 9p and overlayfs need come from /modules.txt.
 * Prints "SKIFF-SHELL-EXIT <status>" on the console as its last line.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "setup.h"

#define NEWROOT "/newroot"

static char cmdline[4096];

/* A copy of the value of "NAME=" on the kernel command line, or NULL. */
static char *kernel_arg(const char *name)
{
    size_t len = strlen(name);

    for (char *p = cmdline; (p = strstr(p, name)) != NULL; p += len)
        if ((p == cmdline || p[-1] == ' ') && p[len] == '=')
            return strndup(p + len + 1, strcspn(p + len + 1, " \n"));
    return NULL;
}

static void read_cmdline(void)
{
    int fd = open("/proc/cmdline", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);

    if (fd >= 0)
        close(fd);
    cmdline[n > 0 ? n : 0] = '\0';
}

/* mount(2), saying on the console what failed; returns 0 or -1. */
static int mount_or_say(const char *src, const char *dir, const char *type, unsigned long flags,
                        const char *data)
{
    mkdir(dir, 0755);
    if (mount(src, dir, type, flags, data) == 0)
        return 0;
    printf("shell_init: mount %s (%s) on %s: %s\n", src, type, dir, strerror(errno));
    return -1;
}

/* What udev would make and bash's process substitution (/dev/fd/N) needs. */
static int dev_links(void)
{
    static const char *const links[][2] = {{"/proc/self/fd", NEWROOT "/dev/fd"},
                                           {"/proc/self/fd/0", NEWROOT "/dev/stdin"},
                                           {"/proc/self/fd/1", NEWROOT "/dev/stdout"},
                                           {"/proc/self/fd/2", NEWROOT "/dev/stderr"}};

    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (symlink(links[i][0], links[i][1]) < 0 && errno != EEXIST) {
            printf("shell_init: symlink %s: %s\n", links[i][1], strerror(errno));
            return -1;
        }
    return 0;
}

/* The host's root below a tmpfs, the rw shares and the kernel's modules at the host's paths,
 * and the usual pseudo file systems: returns 0 or -1. */
static int build_root(const char *rw_dirs, const char *modules)
{
    /* The host's root does not change under the VM: its pages may be cached. */
    static const char p9[] = "trans=virtio,version=9p2000.L,msize=512000";
    static const char p9_cached[] = "trans=virtio,version=9p2000.L,msize=512000,cache=loose";
    char dir[512], tag[16];
    int i = 0;

    if (mount_or_say("hostroot", "/lower", "9p", MS_RDONLY, p9_cached) < 0 ||
        mount_or_say("tmpfs", "/upper", "tmpfs", 0, "mode=0755") < 0)
        return -1;
    mkdir("/upper/data", 0755);
    mkdir("/upper/work", 0755);
    if (mount_or_say("overlay", NEWROOT, "overlay", 0,
                     "lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work") < 0)
        return -1;
    for (const char *p = rw_dirs; p && *p; i++) {
        size_t len = strcspn(p, ":");

        snprintf(dir, sizeof(dir), NEWROOT "%.*s", (int)len, p);
        snprintf(tag, sizeof(tag), "rw%d", i);
        if (mount_or_say(tag, dir, "9p", 0, p9) < 0)
            return -1;
        p += len + (p[len] == ':');
    }
    if (modules) {
        snprintf(dir, sizeof(dir), NEWROOT "%s/lib/modules", modules);
        if (mount_or_say(dir, NEWROOT "/lib/modules", NULL, MS_BIND, NULL) < 0)
            return -1;
    }
    return mount_or_say("proc", NEWROOT "/proc", "proc", 0, NULL) |
           mount_or_say("sysfs", NEWROOT "/sys", "sysfs", 0, NULL) |
           mount_or_say("cgroup2", NEWROOT "/sys/fs/cgroup", "cgroup2", 0, NULL) |
           mount_or_say("devtmpfs", NEWROOT "/dev", "devtmpfs", 0, NULL) |
           mount_or_say("devpts", NEWROOT "/dev/pts", "devpts", 0, "ptmxmode=0666") |
           mount_or_say("tmpfs", NEWROOT "/dev/shm", "tmpfs", 0, "mode=1777") |
           mount_or_say("tmpfs", NEWROOT "/run", "tmpfs", 0, "mode=0755") | dev_links();
}

static void loopback_up(void)
{
    struct ifreq ifr = {.ifr_name = "lo"};
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags |= IFF_UP;
        ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    if (s >= 0)
        close(s);
}

/* Runs bash SCRIPT (it changes to its directory itself): returns its exit status as a shell
 * would show it. */
static int run_script(const char *script)
{
    int status;
    pid_t pid = fork();

    if (pid == 0) {
        char *argv[] = {"/bin/bash", (char *)script, NULL};
        char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                        "HOME=/root",
                        "TERM=dumb",
                        "LANG=C.UTF-8",
                        "SKIFF_IN_SHELL_VM=1",
                        NULL};

        setsid();
        execve(argv[0], argv, envp);
        printf("shell_init: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void)
{
    const char *modules_loaded, *script, *rw, *modules;
    int status = 127;

    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    mount_or_say("proc", "/proc", "proc", 0, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    read_cmdline();
    modules_loaded = load_modules();
    script = kernel_arg("skiff.run");
    rw = kernel_arg("skiff.rw");
    modules = kernel_arg("skiff.modules");
    printf("SKIFF-SHELL-START modules: %s\n", modules_loaded);
    if (!script)
        printf("shell_init: no skiff.run= on the kernel command line\n");
    else if (build_root(rw, modules) < 0)
        ;
    /* init's own root, not only the script's: the kernel runs /sbin/modprobe for modules it
     * loads on demand (nf_tables for iptables, say) in the file system init shares with it. */
    else if (chroot(NEWROOT) < 0 || chdir("/") < 0)
        printf("shell_init: chroot %s: %s\n", NEWROOT, strerror(errno));
    else {
        loopback_up();
        status = run_script(script);
    }
    sync();
    printf("SKIFF-SHELL-EXIT %d\n", status);
    reboot(RB_POWER_OFF);
    return 0;
}
