/* init.c: /init of the test VM (tests/vm/run): runs each case of /cases.txt under skiff, then
 * powers off; or, when the VM has a /serve.txt (tests/vm/serve), serves (init_serve.c). */
/*
 * A case is one line "NAME|STATUS|EXPECT|ARG..." of the tables in tests/cases (README.md
 * there; tests/vm/run assembles /cases.txt from them): /skiff runs with the space-separated
 * ARGs, must exit with STATUS within CASE_TIMEOUT seconds and its stdout and stderr must match
 * EXPECT: extended regular expressions separated by "&&", matched line by line as grep -E
 * does, each of which must match, or must not if it starts with '!' (empty: anything). Each
 * case yields one line "SKIFF-CASE PASS NAME" or "SKIFF-CASE FAIL NAME reason" on the console,
 * a failure followed by its output as "SKIFF-OUT NAME| line"; the run ends with "SKIFF-DONE".
 * Built static.
 *
 * ARGs starting with '+' are set-up steps for init, not passed to skiff (the VM has no shell
 * and no iproute2, so init does them itself; tests/cases.sh does the same on the host):
 *   +file=PATH:BYTES        create PATH as a zero-filled file of BYTES (suffix K or M)
 *   +tap=NAME:A.B.C.D/LEN   create the persistent tap NAME with that address, up (once)
 *   +ping=A.B.C.D:COUNT[:SIZE][,...]  once skiff prints "SERVING", send COUNT ICMP echo
 *                           requests (SIZE data bytes, default 56) to each address; each
 *                           must be answered within 2 s
 *   +wall                   the output's "WALL <seconds>" must be within 2 s of the VM's clock
 *   +seccomp=N              once skiff prints "SERVING" (and after any pings): it has at least
 *                           N threads, each under a seccomp filter with no_new_privs
 *   +kill=SIG               then send it signal SIG (the case's status says how it must end)
 *   +stall=SIG              skiff's stdout is a pipe nobody reads (stderr is still collected);
 *                           STALL_DELAY seconds after the start, send it signal SIG
 *   +sse                    the guest uses SSE: nothing here (this KVM emulates it at CPL0;
 *                           a host whose KVM cannot skips such a case in kernel mode)
 *   +asan                   run /skiff-asan (the tender built with ASan and UBSan) instead
 * The kernel modules /modules.txt lists (KVM on x86_64, TUN) are loaded first.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "setup.h"

#define CASE_TIMEOUT 20
/* Echo requests go one at a time, a few ms each under emulation (more on a loaded host): a
 * case that pings gets 20 ms more per request, so that its timeout still means a hang. */
#define PING_ALLOW_MS 20
#define STALL_DELAY   3 /* s: time for skiff to boot the guest and fill its stdout pipe */
#define MAX_ARGS      64
#define OUT_MAX       65536

static char out[OUT_MAX + 1];
static char skiff_path[] = "/skiff";
/* The tender built with ASan + UBSan (make asan), if the runner put it in: "+asan" cases. */
static char asan_skiff_path[] = "/skiff-asan";
static char asan_options[] = "ASAN_OPTIONS=abort_on_error=0:detect_leaks=1";
static char ubsan_options[] = "UBSAN_OPTIONS=print_stacktrace=1";
static char *asan_env[] = {asan_options, ubsan_options, NULL};
static int verbose; /* "skiff.verbose=1" on the kernel command line: show every case's output */

static void mount_fs(const char *type, const char *dir)
{
    mkdir(dir, 0755);
    if (mount(type, dir, type, 0, NULL) < 0 && errno != EBUSY)
        printf("init: mount %s on %s: %s\n", type, dir, strerror(errno));
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);

    if (fd < 0 || write(fd, text, strlen(text)) < 0)
        printf("init: %s: %s\n", path, strerror(errno));
    if (fd >= 0)
        close(fd);
}

static int kernel_arg(const char *arg)
{
    static char cmdline[4096];
    int fd = open("/proc/cmdline", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);

    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 0;
    cmdline[n] = '\0';
    return strstr(cmdline, arg) != NULL;
}

/* What init does while skiff runs, once the output says SERVING: pings, a look at the
 * sandbox, a signal. The first failure is left in err. */
struct serving_steps {
    const char *ping;
    int seccomp_threads;
    int kill_signal;
    int stall_signal;
    const char *err;
};

static void when_serving(pid_t pid, struct serving_steps *steps)
{
    if (steps->ping)
        steps->err = do_ping(steps->ping);
    if (!steps->err && steps->seccomp_threads)
        steps->err = check_sandbox(pid, steps->seccomp_threads);
    if (steps->kill_signal)
        kill(pid, steps->kill_signal);
}

/* Seconds a case may take before it counts as hung. */
static int case_timeout(const struct serving_steps *steps)
{
    return CASE_TIMEOUT +
           (steps && steps->ping ? ping_total(steps->ping) * PING_ALLOW_MS / 1000 : 0);
}

/* Runs /skiff with args for at most limit seconds, collecting its stdout and stderr into out;
 * steps (if any) run once the output says SERVING. Returns the exit status, 128 + signal if
 * killed, or -1 on timeout. */
static int run(char **args, struct serving_steps *steps, int limit, size_t *len)
{
    int fds[2], stall[2] = {-1, -1}, status;
    pid_t pid;
    double start = now(), deadline = start + limit;
    int timed_out = 0, stall_signal = steps ? steps->stall_signal : 0;

    *len = 0;
    if (pipe(fds) < 0 || (stall_signal && pipe(stall) < 0))
        return -2;
    pid = fork();
    if (pid < 0)
        return -2;
    if (pid == 0) {
        dup2(stall_signal ? stall[1] : fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (args[0] == asan_skiff_path)
            execve(args[0], args, asan_env);
        else
            execv(args[0], args);
        perror(args[0]);
        _exit(127);
    }
    close(fds[1]);
    if (stall_signal)
        close(stall[1]); /* stall[0] stays open, never read, until skiff is gone */
    for (;;) {
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        double left = deadline - now();
        ssize_t n;

        if (left <= 0) {
            kill(pid, SIGKILL);
            timed_out = 1;
            break;
        }
        if (stall_signal) {
            double wait = start + STALL_DELAY - now();

            if (wait <= 0) {
                kill(pid, stall_signal);
                stall_signal = 0;
            } else if (wait < left) {
                left = wait;
            }
        }
        if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        n = read(fds[0], out + *len, OUT_MAX - *len);
        if (n <= 0)
            break;
        *len += (size_t)n;
        if (*len == OUT_MAX)
            break;
        if (steps && memmem(out, *len, "SERVING", 7)) {
            steps->err = NULL;
            when_serving(pid, steps);
            steps = NULL;
        }
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (stall[0] >= 0)
        close(stall[0]);
    for (size_t i = 0; i < *len; i++)
        if (out[i] == '\0')
            out[i] = ' '; /* a C string, for regexec() and printing */
    out[*len] = '\0';
    if (timed_out)
        return -1;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static void show_output(const char *name)
{
    char *line = out, *nl;
    int lines = 0;

    while (*line && lines++ < 20) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        printf("SKIFF-OUT %s| %s\n", name, line);
        if (!nl)
            break;
        line = nl + 1;
    }
}

/* The first part of want (modified) that the output fails, or NULL (a part that is not a
 * valid regular expression fails). */
static const char *mismatch(char *want)
{
    char *part;

    while ((part = want) != NULL) {
        char *amp = strstr(want, "&&");
        int negate = part[0] == '!';
        regex_t re;
        int found;

        want = amp ? amp + 2 : NULL;
        if (amp)
            *amp = '\0';
        if (!*part)
            continue;
        if (regcomp(&re, part + negate, REG_EXTENDED | REG_NEWLINE | REG_NOSUB) != 0)
            return part;
        found = regexec(&re, out, 0, NULL, 0) == 0;
        regfree(&re);
        if (found == negate)
            return part;
    }
    return NULL;
}

/* Runs one case line (modified in place). Returns 1 if it passed. */
static int run_case(char *line)
{
    char *name = strsep(&line, "|");
    char *status_s = strsep(&line, "|");
    char *want = strsep(&line, "|");
    char *args[MAX_ARGS + 2], *tok;
    struct serving_steps steps = {0};
    const char *err = NULL, *bad;
    size_t nargs = 0, len;
    int expected, got, wall = 0, has_steps, limit;
    struct serving_steps *sp;
    double start = now();

    if (!line || !name || !status_s || !want) {
        printf("SKIFF-CASE FAIL %s malformed case line\n", name ? name : "?");
        return 0;
    }
    expected = atoi(status_s);
    args[nargs++] = skiff_path;
    while ((tok = strsep(&line, " \t")) && nargs < MAX_ARGS + 1 && !err) {
        if (strncmp(tok, "+file=", 6) == 0)
            err = make_file(tok + 6);
        else if (strncmp(tok, "+tap=", 5) == 0)
            err = make_tap(tok + 5);
        else if (strncmp(tok, "+ping=", 6) == 0)
            steps.ping = tok + 6;
        else if (strncmp(tok, "+seccomp=", 9) == 0)
            steps.seccomp_threads = atoi(tok + 9);
        else if (strncmp(tok, "+kill=", 6) == 0)
            steps.kill_signal = atoi(tok + 6);
        else if (strncmp(tok, "+stall=", 7) == 0)
            steps.stall_signal = atoi(tok + 7);
        else if (strcmp(tok, "+wall") == 0)
            wall = 1;
        else if (strcmp(tok, "+sse") == 0)
            continue;
        else if (strcmp(tok, "+asan") == 0)
            args[0] = asan_skiff_path;
        else if (*tok)
            args[nargs++] = tok;
    }
    args[nargs] = NULL;
    if (err) {
        printf("SKIFF-CASE FAIL %s set-up: %s\n", name, err);
        return 0;
    }
    has_steps = steps.ping || steps.seccomp_threads || steps.kill_signal;
    steps.err = "no SERVING line, so init did not act";
    sp = has_steps || steps.stall_signal ? &steps : NULL;
    limit = case_timeout(sp);
    got = run(args, sp, limit, &len);
    if (has_steps)
        err = steps.err;
    if (got == -1) {
        printf("SKIFF-CASE FAIL %s timeout after %d s\n", name, limit);
    } else if (got != expected) {
        printf("SKIFF-CASE FAIL %s status=%d expected=%d\n", name, got, expected);
    } else if ((bad = mismatch(want)) != NULL) {
        printf("SKIFF-CASE FAIL %s output %s '%s'\n", name, *bad == '!' ? "has" : "lacks",
               bad + (*bad == '!'));
    } else if (err) {
        printf("SKIFF-CASE FAIL %s while serving: %s\n", name, err);
    } else if (wall && (err = check_wall(out, len)) != NULL) {
        printf("SKIFF-CASE FAIL %s wall clock: %s\n", name, err);
    } else {
        printf("SKIFF-CASE PASS %s (%.2f s)\n", name, now() - start);
        if (verbose)
            show_output(name);
        return 1;
    }
    show_output(name);
    return 0;
}

/* Runs every case of /cases.txt, one SKIFF-CASE line each, then the SKIFF-DONE line. */
static void run_cases(const char *modules)
{
    static char line[4096];
    FILE *cases;
    int passed = 0, failed = 0;
    double start = now();

    printf("SKIFF-START modules=%s kvm=%s\n", modules,
           access("/dev/kvm", R_OK | W_OK) == 0 ? "yes" : "no");
    cases = fopen("/cases.txt", "r");
    if (!cases) {
        printf("init: /cases.txt: %s\n", strerror(errno));
    } else {
        while (fgets(line, sizeof(line), cases)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0] == '\0' || line[0] == '#')
                continue;
            if (run_case(line))
                passed++;
            else
                failed++;
        }
        fclose(cases);
    }
    printf("SKIFF-DONE passed=%d failed=%d (%.1f s)\n", passed, failed, now() - start);
}

int main(void)
{
    const char *modules;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (chdir("/") < 0)
        printf("init: chdir /: %s\n", strerror(errno));
    mount_fs("devtmpfs", "/dev");
    mount_fs("proc", "/proc");
    mount_fs("sysfs", "/sys");
    /* A 1 GiB VM otherwise refuses large guest memory mappings (FACTS.md). */
    write_file("/proc/sys/vm/overcommit_memory", "1");
    mkdir("/tmp", 01777);
    verbose = kernel_arg("skiff.verbose=1");
    modules = load_modules();
    if (access("/serve.txt", F_OK) == 0)
        init_serve("/serve.txt", modules);
    else
        run_cases(modules);
    sync();
    reboot(RB_POWER_OFF);
    return 0;
}
