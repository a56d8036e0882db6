/* main.c: skiff-runtime's command line: runc's global flags, then one command. Unikernel
 * containers are handled here; every other container goes to runc with the same arguments,
 * so skiff-runtime can be an engine's default runtime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

struct rt_global rt = {.root = "/run/skiff-runtime"};

static void usage(FILE *f)
{
    fprintf(f, "usage: skiff-runtime [--root DIR] [--log FILE] [--log-format text|json] "
               "[--systemd-cgroup] COMMAND [OPTIONS] ID\n"
               "commands: create --bundle DIR [--pid-file FILE] [--console-socket SOCK] ID, "
               "start ID, state ID, kill [--all] ID [SIGNAL], delete [--force] ID, "
               "ps [--format json] ID; anything else, and every bundle that is not a skiff "
               "unikernel, is run by runc\n");
}

/* The last operand that is not an option or an option's value. Commands whose flags take a
 * value are listed so that "--pid-file X ID" yields ID. */
const char *rt_id_arg(int argc, char **argv)
{
    static const char *const valued[] = {
        "--bundle",  "-b", "--pid-file", "--console-socket", "--preserve-fds", "--format",
        "--process", "-p", NULL};
    const char *id = NULL;

    for (int i = 1; i < argc && !id; i++) {
        bool takes = false;

        if (argv[i][0] != '-') {
            id = argv[i];
            continue;
        }
        for (const char *const *v = valued; *v; v++)
            takes |= strcmp(argv[i], *v) == 0;
        /* "-f" is ps's --format but delete's --force. */
        takes |= strcmp(argv[i], "-f") == 0 && strcmp(argv[0], "ps") == 0;
        if (takes)
            i++;
    }
    return id;
}

int main(int argc, char **argv)
{
    int i;

    rt.argc = argc;
    rt.argv = argv;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[i + 1] : NULL);

#define IS(name) (n == strlen(name) && strncmp(a, name, n) == 0)
        if (IS("--version") || IS("-v")) {
            printf("skiff-runtime version %s\nspec: %s\n", RT_VERSION, RT_OCI_VERSION);
            return 0;
        }
        if (IS("--help") || IS("-h")) {
            usage(stdout);
            return 0;
        }
        if (IS("--debug") || IS("--systemd-cgroup"))
            continue;
        if (IS("--root") || IS("--log") || IS("--log-format") || IS("--criu") || IS("--rootless")) {
            if (!val) {
                rt_error("%.*s: missing value", (int)n, a);
                return 1;
            }
            if (IS("--root"))
                rt.root = val;
            else if (IS("--log"))
                rt.log = val;
            else if (IS("--log-format"))
                rt.log_json = strcmp(val, "json") == 0;
            if (!eq)
                i++;
            continue;
        }
#undef IS
        /* An unknown global flag may be one of runc's we do not know: runc decides. */
        rt_exec_runc();
    }
    if (i == argc) {
        usage(stderr);
        return 1;
    }

    const char *cmd = argv[i];
    int cargc = argc - i;
    char **cargv = argv + i;

    if (strcmp(cmd, "create") == 0)
        return rt_cmd_create(cargc, cargv);

    /* Commands on an existing container: ours if our state store has it. */
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } ops[] = {{"start", rt_cmd_start}, {"state", rt_cmd_state},
               {"kill", rt_cmd_kill},   {"delete", rt_cmd_delete},
               {"ps", rt_cmd_ps},       {"run", NULL},
               {"exec", NULL},          {"pause", NULL},
               {"resume", NULL},        {"update", NULL},
               {"checkpoint", NULL},    {"restore", NULL},
               {"events", NULL}};
    for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        const char *id;

        if (strcmp(cmd, ops[k].name) != 0)
            continue;
        id = rt_id_arg(cargc, cargv);
        if (strcmp(cmd, "run") == 0 || strcmp(cmd, "restore") == 0) {
            /* run = create + start in one: only for bundles runc runs. */
            const char *dir = rt_bundle_arg(cargc, cargv);
            struct rt_bundle b;
            struct rt_unikernel u;
            int r;

            if (rt_bundle_load(dir, &b) < 0)
                return 1;
            if ((r = rt_unikernel_detect(&b, &u)) == 0)
                rt_exec_runc();
            if (r > 0)
                rt_error("%s: not supported for unikernel bundles (use create, then start)", cmd);
            return 1;
        }
        if (!id || rt_id_check(id) < 0 || !rt_state_exists(id))
            rt_exec_runc();
        if (!ops[k].fn) {
            rt_error("%s: not supported for unikernel container %s", cmd, id);
            return 1;
        }
        return ops[k].fn(cargc, cargv);
    }
    /* features, list, spec, ...: runc's answers (they describe the containers it runs). */
    rt_exec_runc();
}
