/* blk-host.c: the host's own pread/pwrite throughput on a file, in the same patterns as the
 * blkbench guest, to compare with. usage: blk-host FILE seq SIZE | FILE rand SIZE COUNT */
#include <err.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint8_t buf[1 << 20] __attribute__((aligned(4096)));

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int fd, random;
    size_t size;
    unsigned long count, slots;
    struct stat st;

    if (argc < 4 || (size = strtoul(argv[3], NULL, 10)) == 0 || size > sizeof(buf))
        errx(2, "usage: blk-host FILE seq SIZE | FILE rand SIZE COUNT");
    random = strcmp(argv[2], "rand") == 0;
    if ((fd = open(argv[1], O_RDWR)) < 0 || fstat(fd, &st) < 0)
        err(1, "%s", argv[1]);
    slots = (unsigned long)st.st_size / size;
    count = random && argc > 4 ? strtoul(argv[4], NULL, 10) : slots;
    memset(buf, 0x5a, size);
    for (int write = 1; write >= 0; write--) {
        uint64_t start = now_ns();

        for (unsigned long i = 0; i < count; i++) {
            off_t off = (off_t)((random ? (i * 2654435761UL) % slots : i) * size);
            ssize_t n = write ? pwrite(fd, buf, size, off) : pread(fd, buf, size, off);

            if (n != (ssize_t)size)
                err(1, "%s at %lld", write ? "pwrite" : "pread", (long long)off);
        }
        printf("blk-host: %s%s bytes=%llu ns=%llu\n", random ? "rand-" : "seq-",
               write ? "write" : "read", (unsigned long long)count * size,
               (unsigned long long)(now_ns() - start));
    }
    return 0;
}
