/* runc.c: every container that is not a skiff unikernel is runc's: exec it with our argv.
 * SKIFF_RUNC names it; else runc from PATH, skipping this very binary (installed as "runc",
 * e.g. as containerd's runc shim binary, it would otherwise call itself forever). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

void rt_exec_runc(void)
{
    const char *env = getenv("SKIFF_RUNC");
    const char *path = getenv("PATH");
    char cand[RT_PATH_MAX];

    if (!path || !*path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    if (env && *env) {
        snprintf(cand, sizeof(cand), "%s", env);
    } else {
        const char *p = path;

        cand[0] = '\0';
        while (*p) {
            const char *colon = strchr(p, ':');
            size_t n = colon ? (size_t)(colon - p) : strlen(p);

            snprintf(cand, sizeof(cand), "%.*s/runc", (int)n, p);
            if (n && access(cand, X_OK) == 0 && !same_file(cand, "/proc/self/exe"))
                break;
            cand[0] = '\0';
            p += n + (colon != NULL);
        }
    }
    if (!cand[0]) {
        rt_error("not a skiff unikernel, and no runc found in PATH to run it (install runc)");
        exit(1);
    }
    rt.argv[0] = cand;
    execv(cand, rt.argv);
    rt_error("%s: %s", cand, strerror(errno));
    exit(1);
}
