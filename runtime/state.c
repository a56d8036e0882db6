/* state.c: the state store. One directory per container under --root, holding skiff.json
 * (written to a temporary file, synced, renamed: a reader never sees half of it) and the
 * exec fifo that `start` opens. It outlives the runtime's process, which exits after each
 * command; the container's status is derived from its process, never stored. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

json_object *rt_json_parse(int fd, size_t max, const char *what);

/* runc's rule for IDs: it becomes a directory name, so no '/', no "." or "..". */
int rt_id_check(const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n >= sizeof(((struct rt_state *)0)->id) || strcmp(id, ".") == 0 ||
        strcmp(id, "..") == 0)
        goto bad;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
              (id[i] >= '0' && id[i] <= '9') || strchr("_+-.", id[i])))
            goto bad;
    return 0;
bad:
    rt_error("invalid container id '%.64s' (letters, digits, '_', '+', '-', '.')", id);
    return -1;
}

int rt_state_dir(const char *id, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/%s", rt.root, id);

    return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int state_file(const char *id, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/%s/skiff.json", rt.root, id);

    return n < 0 || (size_t)n >= size ? -1 : 0;
}

bool rt_state_exists(const char *id)
{
    char path[RT_PATH_MAX];

    return state_file(id, path, sizeof(path)) == 0 && access(path, F_OK) == 0;
}

int rt_state_save(const struct rt_state *s)
{
    char path[RT_PATH_MAX], tmp[RT_PATH_MAX + 8];
    json_object *o = json_object_new_object();
    const char *text;
    int fd, ok;

    json_object_object_add(o, "id", json_object_new_string(s->id));
    json_object_object_add(o, "bundle", json_object_new_string(s->bundle));
    json_object_object_add(o, "pid", json_object_new_int(s->pid));
    json_object_object_add(o, "starttime", json_object_new_uint64(s->starttime));
    json_object_object_add(o, "created", json_object_new_string(s->created));
    text =
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    state_file(s->id, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    json_object_put(o);
    if (!ok || rename(tmp, path) < 0) {
        rt_error("%s: cannot write the container's state: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int rt_state_load(const char *id, struct rt_state *s)
{
    char path[RT_PATH_MAX];
    json_object *o, *v;
    int fd;

    memset(s, 0, sizeof(*s));
    if (rt_id_check(id) < 0 || state_file(id, path, sizeof(path)) < 0)
        return -1;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
        rt_error("container %s does not exist", id);
        return -1;
    }
    o = rt_json_parse(fd, 65536, path);
    close(fd);
    if (!o)
        return -1;
    snprintf(s->id, sizeof(s->id), "%s", id);
    if (json_object_object_get_ex(o, "bundle", &v))
        snprintf(s->bundle, sizeof(s->bundle), "%s", json_object_get_string(v));
    if (json_object_object_get_ex(o, "pid", &v))
        s->pid = json_object_get_int(v);
    if (json_object_object_get_ex(o, "starttime", &v))
        s->starttime = json_object_get_uint64(v);
    if (json_object_object_get_ex(o, "created", &v))
        snprintf(s->created, sizeof(s->created), "%s", json_object_get_string(v));
    json_object_put(o);
    return 0;
}

int rt_state_remove(const char *id)
{
    char dir[RT_PATH_MAX], path[RT_PATH_MAX + 16];

    if (rt_state_dir(id, dir, sizeof(dir)) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/exec.fifo", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/skiff.json", dir);
    unlink(path);
    if (rmdir(dir) < 0 && errno != ENOENT) {
        rt_error("%s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Field 22 of /proc/PID/stat (0 if the process is gone); the state letter into *state. */
static unsigned long long stat_of(pid_t pid, char *state)
{
    char path[64], buf[1024], *p;
    unsigned long long start = 0;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* The command name may hold spaces and parentheses: fields start after the last ')'. */
    if (!(p = strrchr(buf, ')')) || p[1] != ' ')
        return 0;
    *state = p[2];
    p += 2;
    for (int field = 3; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    if (p)
        start = strtoull(p + 1, NULL, 10);
    return start;
}

unsigned long long rt_proc_starttime(pid_t pid)
{
    char st;

    return stat_of(pid, &st);
}

enum rt_status rt_state_status(const struct rt_state *s)
{
    char dir[RT_PATH_MAX], fifo[RT_PATH_MAX + 16], st = 0;

    if (s->pid <= 0)
        return RT_STOPPED;
    if (stat_of(s->pid, &st) != s->starttime || st == 'Z' || st == 'X')
        return RT_STOPPED;
    rt_state_dir(s->id, dir, sizeof(dir));
    snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
    return access(fifo, F_OK) == 0 ? RT_CREATED : RT_RUNNING;
}

const char *rt_status_name(enum rt_status st)
{
    static const char *const names[] = {"creating", "created", "running", "stopped"};

    return names[st];
}

int rt_state_json(const struct rt_state *s, const struct rt_bundle *b, char *buf, size_t size)
{
    enum rt_status st = rt_state_status(s);
    json_object *o = json_object_new_object(), *a = json_object_new_object();
    int n;

    json_object_object_add(o, "ociVersion", json_object_new_string(RT_OCI_VERSION));
    json_object_object_add(o, "id", json_object_new_string(s->id));
    json_object_object_add(o, "status", json_object_new_string(rt_status_name(st)));
    json_object_object_add(o, "pid", json_object_new_int(st == RT_STOPPED ? 0 : s->pid));
    json_object_object_add(o, "bundle", json_object_new_string(s->bundle));
    if (b) {
        json_object_object_add(o, "rootfs", json_object_new_string(b->rootfs));
        for (int i = 0; i < b->nannot; i++)
            json_object_object_add(a, b->annot_key[i], json_object_new_string(b->annot_val[i]));
    }
    json_object_object_add(o, "created", json_object_new_string(s->created));
    json_object_object_add(o, "annotations", a);
    n = snprintf(
        buf, size, "%s",
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}
