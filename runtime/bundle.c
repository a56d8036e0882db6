/* bundle.c: reads what skiff-runtime needs from a bundle's config.json (runtime spec
 * "Configuration"), bounded in size, with json-c. Unknown fields are ignored. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

const char *rt_bundle_arg(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--bundle") == 0 || strcmp(argv[i], "-b") == 0) && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], "--bundle=", 9) == 0)
            return argv[i] + 9;
    }
    return ".";
}

/* json-c hands out const strings that live as long as the parsed config; exec and the hook
 * arrays want char *. They are never written through. */
static char *mut(const char *s)
{
    return (char *)(uintptr_t)s;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;

    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static char *str(json_object *o, const char *key)
{
    json_object *v = get(o, key);

    return v && json_object_is_type(v, json_type_string) ? mut(json_object_get_string(v)) : NULL;
}

/* A NULL-terminated array of the strings in o (NULL if o is no array or too long). */
static char **strings(json_object *o, size_t max)
{
    size_t n;
    char **out;

    if (!o || !json_object_is_type(o, json_type_array))
        return NULL;
    n = json_object_array_length(o);
    if (n > max || !(out = calloc(n + 1, sizeof(*out))))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(o, i);

        if (!json_object_is_type(e, json_type_string)) {
            free(out);
            return NULL;
        }
        out[i] = mut(json_object_get_string(e));
    }
    return out;
}

static int hooks(json_object *o, const char *name, struct rt_hook *h, int *n)
{
    json_object *a = get(o, name);

    *n = 0;
    if (!a)
        return 0;
    if (!json_object_is_type(a, json_type_array) || json_object_array_length(a) > RT_HOOKS_MAX) {
        rt_error("config.json: hooks.%s: not an array of at most %d hooks", name, RT_HOOKS_MAX);
        return -1;
    }
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        json_object *e = json_object_array_get_idx(a, i), *t = get(e, "timeout");

        h[i].path = str(e, "path");
        h[i].args = get(e, "args") ? strings(get(e, "args"), RT_ARGS_MAX) : NULL;
        h[i].env = get(e, "env") ? strings(get(e, "env"), RT_ARGS_MAX) : NULL;
        h[i].timeout = t ? json_object_get_int(t) : 0;
        if (!h[i].path || h[i].path[0] != '/' || (get(e, "args") && !h[i].args)) {
            rt_error("config.json: hooks.%s[%zu]: needs an absolute path and string args", name, i);
            return -1;
        }
        (*n)++;
    }
    return 0;
}

static void namespace(struct rt_bundle *b, json_object *e)
{
    const char *type = str(e, "type");
    struct rt_ns *ns = NULL;

    if (!type)
        return;
    if (strcmp(type, "network") == 0)
        ns = &b->ns_net;
    else if (strcmp(type, "mount") == 0)
        ns = &b->ns_mnt;
    else if (strcmp(type, "uts") == 0)
        ns = &b->ns_uts;
    else if (strcmp(type, "ipc") == 0)
        ns = &b->ns_ipc;
    else if (strcmp(type, "pid") == 0)
        ns = &b->ns_pid;
    else if (strcmp(type, "user") == 0)
        b->ns_user = true;
    if (ns) {
        ns->want = true;
        ns->path = str(e, "path");
        if (ns->path && !*ns->path)
            ns->path = NULL;
    }
}

/* Reads at most max bytes of a regular file at fd; NUL-terminated, malloc'ed. */
static char *read_bounded(int fd, size_t max, const char *what, size_t *lenp)
{
    struct stat st;
    char *buf;
    size_t len = 0;
    ssize_t r;

    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        rt_error("%s: not a regular file", what);
        return NULL;
    }
    if ((size_t)st.st_size > max) {
        rt_error("%s: %lld bytes, more than the %zu this runtime reads", what,
                 (long long)st.st_size, max);
        return NULL;
    }
    if (!(buf = malloc(max + 1)))
        return NULL;
    while (len <= max && (r = read(fd, buf + len, max + 1 - len)) > 0)
        len += (size_t)r;
    if (len > max) {
        rt_error("%s: more than %zu bytes", what, max);
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    *lenp = len;
    return buf;
}

json_object *rt_json_parse(int fd, size_t max, const char *what);
json_object *rt_json_parse(int fd, size_t max, const char *what)
{
    size_t len;
    char *text = read_bounded(fd, max, what, &len);
    json_tokener *tok;
    json_object *o;

    if (!text)
        return NULL;
    tok = json_tokener_new_ex(64);
    o = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
    if (!o || json_tokener_get_error(tok) != json_tokener_success ||
        json_tokener_get_parse_end(tok) != len || !json_object_is_type(o, json_type_object)) {
        rt_error("%s: not a JSON object (%s)", what,
                 tok ? json_tokener_error_desc(json_tokener_get_error(tok)) : "out of memory");
        json_object_put(o);
        o = NULL;
    }
    if (tok)
        json_tokener_free(tok);
    free(text);
    return o;
}

int rt_bundle_load(const char *dir, struct rt_bundle *b)
{
    json_object *c, *linux_, *process, *root, *a;
    char path[RT_PATH_MAX + 256];
    const char *rootpath;
    int fd;

    memset(b, 0, sizeof(*b));
    if (!realpath(dir, b->bundle)) {
        rt_error("bundle %s: %s", dir, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof(path), "%s/config.json", b->bundle);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
        rt_error("%s: %s", path, strerror(errno));
        return -1;
    }
    c = rt_json_parse(fd, RT_CONFIG_MAX, path);
    close(fd);
    if (!c)
        return -1;
    b->json = c;

    root = get(c, "root");
    rootpath = str(root, "path");
    if (!rootpath || !*rootpath) {
        rt_error("%s: no root.path", path);
        return -1;
    }
    if (rootpath[0] == '/')
        snprintf(path, sizeof(path), "%s", rootpath);
    else
        snprintf(path, sizeof(path), "%s/%s", b->bundle, rootpath);
    if (!realpath(path, b->rootfs)) {
        rt_error("root.path %s: %s", path, strerror(errno));
        return -1;
    }

    process = get(c, "process");
    a = get(process, "args");
    if (a) {
        char **args = strings(a, RT_ARGS_MAX);

        if (!args) {
            rt_error("config.json: process.args: not an array of at most %d strings", RT_ARGS_MAX);
            return -1;
        }
        for (b->nargs = 0; args[b->nargs]; b->nargs++)
            b->args[b->nargs] = args[b->nargs];
        free(args);
    }
    b->terminal = get(process, "terminal") && json_object_get_boolean(get(process, "terminal"));
    b->hostname = str(c, "hostname");

    linux_ = get(c, "linux");
    a = get(linux_, "namespaces");
    if (a && json_object_is_type(a, json_type_array))
        for (size_t i = 0; i < json_object_array_length(a) && i < 16; i++)
    namespace(b, json_object_array_get_idx(a, i));
    b->cgroups_path = str(linux_, "cgroupsPath");
    a = get(get(get(linux_, "resources"), "memory"), "limit");
    b->mem_limit = a ? json_object_get_int64(a) : 0;

    a = get(c, "mounts");
    if (a && json_object_is_type(a, json_type_array))
        for (size_t i = 0; i < json_object_array_length(a) && b->nmounts < 64; i++) {
            json_object *m = json_object_array_get_idx(a, i);

            if (str(m, "destination") && str(m, "source")) {
                b->mount_dst[b->nmounts] = str(m, "destination");
                b->mount_src[b->nmounts++] = str(m, "source");
            }
        }

    a = get(c, "annotations");
    if (a && json_object_is_type(a, json_type_object)) {
        json_object_object_foreach(a, k, v)
        {
            if (b->nannot == RT_ANNOT_MAX) {
                rt_error("config.json: more than %d annotations", RT_ANNOT_MAX);
                return -1;
            }
            if (!json_object_is_type(v, json_type_string)) {
                rt_error("config.json: annotation %.64s: not a string", k);
                return -1;
            }
            b->annot_key[b->nannot] = k;
            b->annot_val[b->nannot++] = mut(json_object_get_string(v));
        }
    }

    a = get(c, "hooks");
    if (hooks(a, "prestart", b->prestart, &b->nprestart) < 0 ||
        hooks(a, "createRuntime", b->create_runtime, &b->ncreate_runtime) < 0 ||
        hooks(a, "poststart", b->poststart, &b->npostart) < 0 ||
        hooks(a, "poststop", b->poststop, &b->npoststop) < 0)
        return -1;
    return 0;
}
