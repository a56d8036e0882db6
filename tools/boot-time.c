/* boot-time.c: times whole commands, interleaved, and prints median and p90 of each. */
/*
 * usage: boot-time [--json] RUNS LABEL 'COMMAND ARGS' [LABEL 'COMMAND ARGS' ...]
 * Each run starts every command once, in turn, so a noisy neighbour slows all of them alike;
 * the ratio of medians is what to read. Commands are split on spaces (no shell); their
 * output goes to /dev/null and a non-zero exit fails the measurement.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8
#define MAX_ARGS 32

struct cmd {
    const char *label;
    char *argv[MAX_ARGS];
    double *samples;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double run_once(struct cmd *c)
{
    double start = now();
    int status;
    pid_t pid = fork();

    if (pid < 0)
        err(1, "fork");
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, 1);
        dup2(null, 2);
        execv(c->argv[0], c->argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0)
        err(1, "waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        errx(1, "%s: %s failed (status 0x%x)", c->label, c->argv[0], status);
    return now() - start;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    struct cmd cmds[MAX_CMDS];
    int json = 0, runs, n = 0;

    if (argc > 1 && strcmp(argv[1], "--json") == 0) {
        json = 1;
        argv++, argc--;
    }
    if (argc < 4 || (argc - 2) % 2 || (argc - 2) / 2 > MAX_CMDS)
        errx(2, "usage: boot-time [--json] RUNS LABEL 'COMMAND ARGS' [LABEL 'COMMAND ARGS']...");
    runs = atoi(argv[1]);
    if (runs < 1)
        errx(2, "RUNS must be positive");
    for (int i = 2; i < argc; i += 2, n++) {
        char *tok, *save = NULL;
        int a = 0;

        cmds[n].label = argv[i];
        for (tok = strtok_r(argv[i + 1], " ", &save); tok && a < MAX_ARGS - 1;
             tok = strtok_r(NULL, " ", &save))
            cmds[n].argv[a++] = tok;
        cmds[n].argv[a] = NULL;
        if (!(cmds[n].samples = calloc((size_t)runs, sizeof(double))))
            err(1, "calloc");
        run_once(&cmds[n]); /* warm the page cache, fail early */
    }
    for (int r = 0; r < runs; r++)
        for (int i = 0; i < n; i++)
            cmds[i].samples[r] = run_once(&cmds[i]);
    for (int i = 0; i < n; i++)
        qsort(cmds[i].samples, (size_t)runs, sizeof(double), cmp);
    if (!json)
        printf("%-24s %10s %10s %8s\n", "command", "median ms", "p90 ms", "ratio");
    else
        printf("{\"runs\": %d, \"results\": [", runs);
    for (int i = 0; i < n; i++) {
        double med = cmds[i].samples[runs / 2] * 1e3, p90 = cmds[i].samples[runs * 9 / 10] * 1e3;
        double ratio = med / (cmds[0].samples[runs / 2] * 1e3);

        if (json)
            printf("%s{\"label\": \"%s\", \"median_ms\": %.3f, \"p90_ms\": %.3f, "
                   "\"ratio_to_first\": %.3f}",
                   i ? ", " : "", cmds[i].label, med, p90, ratio);
        else
            printf("%-24s %10.3f %10.3f %7.2fx\n", cmds[i].label, med, p90, ratio);
    }
    if (json)
        printf("]}\n");
    return 0;
}
