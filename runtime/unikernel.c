/* unikernel.c: decides whether a bundle is a skiff unikernel and what skiff gets to run it.
 *
 * The marker is /skiff.json in the root file system (tools/skiff-image writes it): Docker
 * passes no image labels to the runtime, but the image's files are there. It names the kernel,
 * the guest memory and the devices. A bundle is untrusted: everything in it is bounded and
 * checked, the kernel and the marker are opened beneath the root file system with no symlink
 * followed and no ".." allowed, and skiff's options are built here from checked values only,
 * never copied from process.args or annotations (those become the guest's arguments, after
 * "--"). A urunc-style bundle (annotation com.urunc.unikernel.hypervisor = hvt) is accepted
 * too, with its binary and cmdline annotations.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime.h"

json_object *rt_json_parse(int fd, size_t max, const char *what);

/* Opens PATH (absolute, as the container sees it) beneath rootfd: no "..", no symlink, no
 * other mount. Returns the fd, or -1 with an error naming the problem (errno kept). */
static int open_in_root(int rootfd, const char *path, int flags, const char *what)
{
    struct open_how how = {
        .flags = (uint64_t)flags | O_CLOEXEC | O_NOCTTY,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    const char *rel = path;
    int fd, err;

    if (path[0] != '/' || strlen(path) >= 256) {
        rt_error("%s '%.64s': expected an absolute path of at most 255 bytes", what, path);
        errno = EINVAL;
        return -1;
    }
    for (const char *p = path; (p = strstr(p, "..")); p += 2)
        if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0')) {
            rt_error("%s %s: '..' is not allowed (the path must stay inside the root file "
                     "system)",
                     what, path);
            errno = EINVAL;
            return -1;
        }
    while (*rel == '/')
        rel++;
    fd = (int)syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof(how));
    if (fd >= 0)
        return fd;
    err = errno;
    if (err == ENOENT && strcmp(what, "marker") == 0)
        return -1;
    if (err == ELOOP)
        rt_error("%s %s: is or passes through a symlink, refused (a unikernel's files must be "
                 "regular files inside the root file system)",
                 what, path);
    else if (err == EXDEV)
        rt_error("%s %s: leaves the root file system, refused", what, path);
    else
        rt_error("%s %s: %s", what, path, strerror(err));
    errno = err;
    return -1;
}

static bool name_ok(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]))
            return false;
    return true;
}

/* An interface name as the kernel allows it, and one that cannot read as an option. */
static bool iface_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > 15 || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
            return false;
    return true;
}

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;

    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *annotation(const struct rt_bundle *b, const char *key)
{
    for (int i = 0; i < b->nannot; i++)
        if (strcmp(b->annot_key[i], key) == 0)
            return b->annot_val[i];
    return NULL;
}

/* Block device NAME is the file bind-mounted at PATH (docker run -v FILE:PATH): the engine
 * chose its source, so it is opened where the engine put it, never inside the rootfs. */
static int block_from_mount(const struct rt_bundle *b, struct rt_unikernel *u, const char *name,
                            const char *path)
{
    struct stat st;
    int fd;

    for (int i = 0; i < b->nmounts; i++) {
        if (strcmp(b->mount_dst[i], path) != 0)
            continue;
        if ((fd = open(b->mount_src[i], O_RDWR | O_CLOEXEC | O_NOCTTY)) < 0) {
            rt_error("block device %s: %s (mounted at %s): %s", name, b->mount_src[i], path,
                     strerror(errno));
            return -1;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
            rt_error("block device %s: %s is not a regular file", name, b->mount_src[i]);
            close(fd);
            return -1;
        }
        snprintf(u->block_name[u->nblocks], sizeof(u->block_name[0]), "%s", name);
        u->block_fd[u->nblocks++] = fd;
        return 0;
    }
    rt_error("block device %s: nothing is mounted at %s (docker run -v FILE:%s)", name, path, path);
    return -1;
}

static int read_marker(const struct rt_bundle *b, int rootfd, int fd, struct rt_unikernel *u)
{
    json_object *m = rt_json_parse(fd, RT_MARKER_MAX, "/skiff.json"), *v;
    const char *kernel;
    int r = -1;

    if (!m)
        return -1;
    kernel = (v = member(m, "kernel")) && json_object_is_type(v, json_type_string)
                 ? json_object_get_string(v)
                 : NULL;
    if (!kernel) {
        rt_error("/skiff.json: no \"kernel\" string");
        goto out;
    }
    snprintf(u->kernel, sizeof(u->kernel), "%s", kernel);
    if ((v = member(m, "mem"))) {
        int64_t mib = json_object_get_int64(v);

        if (!json_object_is_type(v, json_type_int) || mib < 1 || mib > 4096) {
            rt_error("/skiff.json: \"mem\": expected MiB, 1 to 4096");
            goto out;
        }
        u->mem_mib = (unsigned)mib;
    }
    if ((v = member(m, "net"))) {
        if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) > RT_NETS_MAX) {
            rt_error("/skiff.json: \"net\": expected at most %d devices", RT_NETS_MAX);
            goto out;
        }
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *d = json_object_array_get_idx(v, i), *n = member(d, "name"),
                        *f = member(d, "iface");
            const char *name = n ? json_object_get_string(n) : NULL;
            const char *iface = f ? json_object_get_string(f) : "eth0";

            if (!n || !json_object_is_type(n, json_type_string) || !name_ok(name, 31) ||
                (f && !json_object_is_type(f, json_type_string)) || !iface_ok(iface)) {
                rt_error("/skiff.json: net[%zu]: needs a \"name\" of letters and digits and an "
                         "\"iface\" name of at most 15 characters",
                         i);
                goto out;
            }
            snprintf(u->net_name[u->nnets], sizeof(u->net_name[0]), "%s", name);
            snprintf(u->net_iface[u->nnets++], sizeof(u->net_iface[0]), "%s", iface);
        }
    }
    if ((v = member(m, "block"))) {
        if (!json_object_is_type(v, json_type_array) ||
            json_object_array_length(v) > RT_BLOCKS_MAX) {
            rt_error("/skiff.json: \"block\": expected at most %d devices", RT_BLOCKS_MAX);
            goto out;
        }
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            json_object *d = json_object_array_get_idx(v, i), *n = member(d, "name"),
                        *p = member(d, "path");
            const char *name = n ? json_object_get_string(n) : NULL;

            if (!n || !p || !json_object_is_type(n, json_type_string) || !name_ok(name, 31) ||
                !json_object_is_type(p, json_type_string)) {
                rt_error("/skiff.json: block[%zu]: needs a \"name\" and a \"path\"", i);
                goto out;
            }
            if (block_from_mount(b, u, name, json_object_get_string(p)) < 0)
                goto out;
        }
    }
    (void)rootfd;
    r = 0;
out:
    json_object_put(m);
    return r;
}

/* Splits a urunc cmdline annotation at spaces into the guest's arguments. */
static int split_cmdline(const char *s, struct rt_unikernel *u)
{
    static char copy[4096];
    char *save = NULL;

    if (strlen(s) >= sizeof(copy)) {
        rt_error("annotation com.urunc.unikernel.cmdline: longer than %zu bytes", sizeof(copy) - 1);
        return -1;
    }
    snprintf(copy, sizeof(copy), "%s", s);
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (u->nguest == RT_ARGS_MAX)
            return -1;
        u->guest_args[u->nguest++] = t;
    }
    return 0;
}

int rt_unikernel_detect(const struct rt_bundle *b, struct rt_unikernel *u)
{
    const char *hv = annotation(b, "com.urunc.unikernel.hypervisor");
    struct stat st;
    int rootfd, fd, first = 0;

    memset(u, 0, sizeof(*u));
    u->kernel_fd = -1;
    u->mem_mib = 64;
    if ((rootfd = open(b->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        rt_error("root file system %s: %s", b->rootfs, strerror(errno));
        return -1;
    }
    fd = open_in_root(rootfd, "/skiff.json", O_RDONLY, "marker");
    if (fd < 0 && errno != ENOENT) {
        close(rootfd);
        return -1;
    }
    if (fd >= 0) {
        int r = read_marker(b, rootfd, fd, u);

        close(fd);
        if (r < 0) {
            close(rootfd);
            return -1;
        }
        /* process.args is the image's entrypoint and command: the guest's arguments are
         * those after the kernel (skiff-image's ENTRYPOINT ends with it), else all of them. */
        for (int i = 0; i < b->nargs; i++)
            if (strcmp(b->args[i], u->kernel) == 0) {
                first = i + 1;
                break;
            }
        for (int i = first; i < b->nargs; i++)
            u->guest_args[u->nguest++] = b->args[i];
    } else if (hv && strcmp(hv, "hvt") == 0) {
        const char *bin = annotation(b, "com.urunc.unikernel.binary");
        const char *cmd = annotation(b, "com.urunc.unikernel.cmdline");

        if (!bin) {
            rt_error("annotation com.urunc.unikernel.hypervisor=hvt without "
                     "com.urunc.unikernel.binary");
            close(rootfd);
            return -1;
        }
        snprintf(u->kernel, sizeof(u->kernel), "%s", bin);
        if (cmd && split_cmdline(cmd, u) < 0) {
            close(rootfd);
            return -1;
        }
    } else {
        close(rootfd);
        return 0;
    }
    u->kernel_fd = open_in_root(rootfd, u->kernel, O_RDONLY, "kernel");
    close(rootfd);
    if (u->kernel_fd < 0)
        return -1;
    if (fstat(u->kernel_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        rt_error("kernel %s: not a regular file", u->kernel);
        return -1;
    }
    if (b->ns_user) {
        rt_error("user namespaces are not supported for unikernel containers (skiff opens "
                 "/dev/kvm and makes the tap as the runtime's user)");
        return -1;
    }
    if (b->mem_limit > 0 && (uint64_t)b->mem_limit < (uint64_t)u->mem_mib << 20) {
        rt_error("the container's memory limit (%lld MiB) is below the guest's memory (%u "
                 "MiB): raise it (docker run --memory) or lower /skiff.json's \"mem\"",
                 (long long)(b->mem_limit >> 20), u->mem_mib);
        return -1;
    }
    return 1;
}

int rt_tender_argv(const struct rt_unikernel *u, char **argv, size_t max, char *buf, size_t bufsize)
{
    size_t n = 0, used = 0;

#define ADD(...)                                                                                   \
    do {                                                                                           \
        int len = snprintf(buf + used, bufsize - used, __VA_ARGS__);                               \
        if (len < 0 || (size_t)len >= bufsize - used || n + 1 >= max)                              \
            return -1;                                                                             \
        argv[n++] = buf + used;                                                                    \
        used += (size_t)len + 1;                                                                   \
    } while (0)
    ADD("skiff");
    ADD("--mem=%u", u->mem_mib);
    for (int i = 0; i < u->nnets; i++)
        ADD("--net-from:%s=%s", u->net_name[i], u->net_iface[i]);
    for (int i = 0; i < u->nblocks; i++)
        ADD("--block:%s=/proc/self/fd/%d", u->block_name[i], u->block_fd[i]);
    ADD("--");
    ADD("/proc/self/fd/%d", u->kernel_fd);
#undef ADD
    for (int i = 0; i < u->nguest; i++) {
        if (n + 1 >= max)
            return -1;
        argv[n++] = u->guest_args[i];
    }
    argv[n] = NULL;
    return 0;
}
