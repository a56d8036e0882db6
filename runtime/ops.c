/* ops.c: start, state, kill, delete and ps for unikernel containers (runtime spec
 * "Operations"), all read from the state store and the container's process. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

/* The state and, best effort, the bundle it came from (for annotations and hooks). */
static int load(int argc, char **argv, struct rt_state *s, struct rt_bundle *b)
{
    const char *id = rt_id_arg(argc, argv);

    if (!id) {
        rt_error("%s: missing container id", argv[0]);
        return -1;
    }
    if (rt_state_load(id, s) < 0)
        return -1;
    if (rt_bundle_load(s->bundle, b) == 0)
        s->b = b;
    return 0;
}

int rt_cmd_start(int argc, char **argv)
{
    static struct rt_bundle b;
    struct rt_state s;
    char dir[RT_PATH_MAX], fifo[RT_PATH_MAX + 16], c, json[65536];
    struct pollfd p;
    int fd;

    if (load(argc, argv, &s, &b) < 0)
        return 1;
    switch (rt_state_status(&s)) {
    case RT_CREATED:
        break;
    case RT_RUNNING:
        rt_error("container %s is already running", s.id);
        return 1;
    default:
        rt_error("container %s is stopped: it cannot be started", s.id);
        return 1;
    }
    rt_state_dir(s.id, dir, sizeof(dir));
    snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
    /* Non-blocking: a process that died since the check above must not hang us. */
    if ((fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
        rt_error("%s: %s", fifo, strerror(errno));
        return 1;
    }
    p = (struct pollfd){.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 10000) != 1 || read(fd, &c, 1) != 1) {
        rt_error("container %s did not take the start signal", s.id);
        close(fd);
        return 1;
    }
    close(fd);
    unlink(fifo);
    if (s.b && rt_state_json(&s, s.b, json, sizeof(json)) == 0 &&
        rt_run_hooks("poststart", s.b->poststart, s.b->npostart, json) < 0)
        rt_warn("container %s runs, but a poststart hook failed", s.id);
    return 0;
}

int rt_cmd_state(int argc, char **argv)
{
    static struct rt_bundle b;
    struct rt_state s;
    char json[65536];

    if (load(argc, argv, &s, &b) < 0 || rt_state_json(&s, s.b, json, sizeof(json)) < 0)
        return 1;
    printf("%s\n", json);
    return 0;
}

static int parse_signal(const char *a)
{
    static const struct {
        const char *name;
        int sig;
    } names[] = {{"TERM", SIGTERM}, {"KILL", SIGKILL},  {"INT", SIGINT},   {"HUP", SIGHUP},
                 {"QUIT", SIGQUIT}, {"USR1", SIGUSR1},  {"USR2", SIGUSR2}, {"STOP", SIGSTOP},
                 {"CONT", SIGCONT}, {"WINCH", SIGWINCH}};
    char *end;
    long n = strtol(a, &end, 10);

    if (*a && !*end)
        return n > 0 && n < NSIG ? (int)n : -1;
    if (strncmp(a, "SIG", 3) == 0)
        a += 3;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(a, names[i].name) == 0)
            return names[i].sig;
    return -1;
}

int rt_cmd_kill(int argc, char **argv)
{
    static struct rt_bundle b;
    struct rt_state s;
    const char *id = NULL, *sigarg = "SIGTERM";
    int sig;

    /* kill [--all|-a] ID [SIGNAL]: the container is one process, so --all changes nothing. */
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        if (!id)
            id = argv[i];
        else
            sigarg = argv[i];
    }
    if ((sig = parse_signal(sigarg)) < 0) {
        rt_error("kill: unknown signal '%s'", sigarg);
        return 1;
    }
    if (load(argc, argv, &s, &b) < 0)
        return 1;
    if (rt_state_status(&s) == RT_STOPPED) {
        rt_error("container %s is not running", s.id);
        return 1;
    }
    if (kill(s.pid, sig) < 0) {
        rt_error("kill %s: %s", s.id, strerror(errno));
        return 1;
    }
    return 0;
}

int rt_cmd_delete(int argc, char **argv)
{
    static struct rt_bundle b;
    struct rt_state s;
    bool force = false;
    char json[65536];
    enum rt_status st;

    for (int i = 1; i < argc; i++)
        force |= strcmp(argv[i], "--force") == 0 || strcmp(argv[i], "-f") == 0;
    if (load(argc, argv, &s, &b) < 0)
        return 1;
    st = rt_state_status(&s);
    if (st == RT_RUNNING && !force) {
        rt_error("container %s is running: stop it first, or delete --force", s.id);
        return 1;
    }
    if (st != RT_STOPPED) {
        /* A created container (waiting on its fifo) is killed too: it never ran. */
        kill(s.pid, SIGKILL);
        for (int i = 0; i < 200 && rt_state_status(&s) != RT_STOPPED; i++)
            usleep(10000);
    }
    if (s.b && rt_state_json(&s, s.b, json, sizeof(json)) == 0 &&
        rt_run_hooks("poststop", s.b->poststop, s.b->npoststop, json) < 0)
        rt_warn("container %s: a poststop hook failed", s.id);
    return rt_state_remove(s.id) < 0;
}

int rt_cmd_ps(int argc, char **argv)
{
    static struct rt_bundle b;
    struct rt_state s;
    bool json = false;

    for (int i = 1; i + 1 < argc; i++)
        if ((strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "-f") == 0) &&
            strcmp(argv[i + 1], "json") == 0)
            json = true;
    for (int i = 1; i < argc; i++)
        json |= strcmp(argv[i], "--format=json") == 0;
    if (load(argc, argv, &s, &b) < 0)
        return 1;
    if (rt_state_status(&s) == RT_STOPPED)
        printf(json ? "[]\n" : "PID\tCMD\n");
    else if (json)
        printf("[%d]\n", (int)s.pid);
    else
        printf("PID\tCMD\n%d\tskiff\n", (int)s.pid);
    return 0;
}
