/* hooks.c: runs config.json's hooks (runtime spec "POSIX-platform Hooks"): the container's
 * state on stdin, the hook's own args and env, its timeout. Docker wires a container's network
 * in a prestart hook (libnetwork-setkey), so unikernels need these too. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

static int run_one(const char *stage, const struct rt_hook *h, const char *state_json)
{
    char *const noargs[] = {h->path, NULL};
    char *const noenv[] = {NULL};
    int pipefd[2], status;
    pid_t pid;
    time_t deadline = h->timeout > 0 ? time(NULL) + h->timeout : 0;

    if (pipe2(pipefd, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
        rt_error("%s hook %s: %s", stage, h->path, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        dup2(pipefd[0], 0);
        execve(h->path, h->args ? h->args : noargs, h->env ? h->env : noenv);
        fprintf(stderr, "skiff-runtime: %s hook %s: %s\n", stage, h->path, strerror(errno));
        _exit(127);
    }
    close(pipefd[0]);
    signal(SIGPIPE, SIG_IGN);
    if (write(pipefd[1], state_json, strlen(state_json)) < 0) {
        /* A hook that does not read its stdin is fine. */
    }
    close(pipefd[1]);
    for (;;) {
        pid_t r = waitpid(pid, &status, deadline ? WNOHANG : 0);

        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            rt_error("%s hook %s: %s", stage, h->path, strerror(errno));
            return -1;
        }
        if (deadline && time(NULL) > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            rt_error("%s hook %s: timed out after %d s", stage, h->path, h->timeout);
            return -1;
        }
        if (r == 0)
            usleep(10000);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rt_error("%s hook %s failed (status %d)", stage, h->path,
                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return -1;
    }
    return 0;
}

int rt_run_hooks(const char *stage, const struct rt_hook *h, int n, const char *state_json)
{
    for (int i = 0; i < n; i++)
        if (run_one(stage, &h[i], state_json) < 0)
            return -1;
    return 0;
}
