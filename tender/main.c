/* main.c: the skiff command: checks the image, attaches devices, boots the guest, exits. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch.h"
#include "snapshot.h"
#include "skiff.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: skiff [OPTIONS] [--] KERNEL [ARGS...]\n"
            "       skiff [OPTIONS] --restore=FILE\n"
            "Boots KERNEL, a Solo5 hvt unikernel (ELF), on KVM and exits with its status.\n"
            "ARGS become the guest's command line.\n\n"
            "Options:\n"
            "  --mem=N                     guest memory in MiB (default 512, max 4096)\n"
            "  --quiet                     print no warnings of skiff's own\n"
            "  --no-net-ring               no ring I/O: network frames go through hypercalls\n"
            "  --snapshot=FILE             on SIGUSR2, save the running guest to FILE and exit 0\n"
            "  --restore=FILE              run the guest saved in FILE (no KERNEL; attach the\n"
            "                              same devices); see docs/snapshots.md\n"
            "  --json                      at exit, one JSON line on stderr: status, class, guest\n"
            "                              status or error message, VM exits, setup and run time\n"
            "  --help                      print this help and exit\n"
            "  --version                   print the version and exit\n");
    skiff_modules_usage(f);
    fprintf(f, "\nExit status: the guest's own (0-255; 255 = guest abort), or one of\n"
               "  64 bad command line      65 image rejected       66 file cannot be opened\n"
               "  69 host/KVM unavailable  74 host I/O error       80 invalid hypercall\n"
               "  81 guest memory fault    82 guest triple fault   83 unhandled VM exit\n"
               "  128+N stopped by signal N\n"
               "See docs/exit-codes.md.\n");
}

/* Every failure ends here: one line on stderr, then the exit status of its class. */
static void __attribute__((noreturn)) die(struct skiff *s, int status)
{
    fprintf(stderr, "skiff: %s\n", skiff_error());
    skiff_report_exit(s, status);
    if (s)
        skiff_modules_teardown(s);
    exit(status);
}

/* A failure the image is to blame for: its message starts with the image's path. */
static void __attribute__((noreturn)) die_image(struct skiff *s, const char *kernel)
{
    skiff_set_error("%s: %s", kernel, skiff_error());
    die(s, SKIFF_EXIT_IMAGE);
}

static const char *file_kind(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR:
        return "a directory";
    case S_IFIFO:
        return "a FIFO";
    case S_IFCHR:
        return "a character device";
    case S_IFBLK:
        return "a block device";
    case S_IFSOCK:
        return "a socket";
    default:
        return "a special file";
    }
}

/* Opens KERNEL, which must be a regular file; returns its fd, or -1 with the error set.
 * O_NONBLOCK: a FIFO without a writer would block open() forever; it is refused here like
 * everything else that is not a regular file, and reads of a regular file ignore the flag. */
static int open_kernel(const char *path)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    int open_errno = errno;

    /* A socket cannot be opened at all; stat() still says what it is. */
    if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) == 0 && !S_ISREG(st.st_mode))
        skiff_set_error("%s: is %s, not an image file", path, file_kind(st.st_mode));
    else if (fd < 0)
        skiff_set_error("%s: cannot open: %s", path, strerror(open_errno));
    else
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

/* The command line's device options, handed to their modules; then every device the
 * manifest declares must be attached (a cold boot's and a restore's rule alike). */
static void attach_devices(struct skiff *s, const struct skiff_options *o)
{
    int status;

    if ((status = skiff_modules_options(s, o)))
        die(s, status);
    if (skiff_mft_check_attached(s->mft) < 0) {
        skiff_set_error("%s; all declared devices must be attached (see skiff --help)",
                        skiff_error());
        die(s, SKIFF_EXIT_USAGE);
    }
}

/* Reads the notes and applies the device options: everything that can go wrong with the
 * image or the command line is found before any KVM resource exists. */
static void load_manifest(struct skiff *s, const struct skiff_options *o, int fd)
{
    static union {
        struct mft m;
        uint8_t bytes[MFT_MAX_SIZE];
    } mft_buf;

    s->mft = &mft_buf.m;
    if (skiff_elf_read_notes(fd, skiff_arch_elf_machine, s->mft, &s->mft_size) < 0 ||
        skiff_mft_validate(s->mft, s->mft_size) < 0)
        die_image(NULL, o->kernel);
    skiff_snapshot_keep_manifest(s->mft, s->mft_size);
    attach_devices(s, o);
}

/* The guest's memory as --mem asks, rounded; above it, what the modules reserve (the network
 * ring), within the ABI's maximum. */
static void size_memory(struct skiff *s, const struct skiff_options *o)
{
    uint64_t size, reserved;
    bool adjusted;

    if (skiff_mem_size(o->mem_bytes, &size, &adjusted) < 0)
        die(NULL, SKIFF_EXIT_USAGE);
    if (adjusted && !o->quiet)
        fprintf(stderr, "skiff: adjusting memory to %llu bytes\n", (unsigned long long)size);
    reserved = skiff_modules_reserve(s, size);
    s->guest.alloc_size = size + reserved > HVT_MEM_MAX ? HVT_MEM_MAX : size + reserved;
    s->guest.size = s->guest.alloc_size - reserved;
}

/* The image's segment protections on the host mapping: text and rodata read-only, so that
 * neither the guest nor the tender on its behalf can write them. */
static int protect_image(struct skiff *s)
{
    for (size_t i = 0; i < s->image.nsegs; i++) {
        const struct skiff_segment *seg = &s->image.segs[i];
        int status = skiff_guest_protect(&s->guest, seg->start, seg->end, seg->prot);

        if (status)
            return status;
    }
    return 0;
}

/* A cold boot: the image loaded, the vCPU at its entry, the boot info written. */
static void boot(struct skiff *s, struct skiff_options *o)
{
    static char cmdline[HVT_CMDLINE_SIZE];
    int fd, status;

    if ((fd = open_kernel(o->kernel)) < 0)
        die(NULL, SKIFF_EXIT_NOINPUT);
    load_manifest(s, o, fd);
    if (skiff_cmdline_join(o->guest_argc, o->guest_argv, cmdline, sizeof(cmdline)) < 0)
        die(s, SKIFF_EXIT_USAGE);
    if ((status = skiff_modules_cmdline(s, cmdline, sizeof(cmdline))))
        die(s, status);
    size_memory(s, o);

    if ((status = skiff_guest_alloc(&s->guest)))
        die(s, status);
    if (skiff_elf_load(fd, skiff_arch_elf_machine, s->guest.mem, s->guest.alloc_size, &s->image) <
        0)
        die_image(s, o->kernel);
    close(fd);
    if (s->image.kernel_end > s->guest.size) {
        skiff_set_error("%s: image ends at 0x%llx, beyond the guest's %llu bytes of memory",
                        o->kernel, (unsigned long long)s->image.kernel_end,
                        (unsigned long long)s->guest.size);
        die(s, SKIFF_EXIT_IMAGE);
    }
    skiff_arch_setup_memory(s);
    if ((status = skiff_vm_create(s)))
        die(s, status);
    if ((status = skiff_modules_setup(s)))
        die(s, status);
    if ((status = protect_image(s)) || (status = skiff_arch_vcpu_init(s)))
        die(s, status);
    skiff_boot_info_write(s, cmdline);
}

/* A restore (snapshot_restore.c): memory and the vCPU from the file, devices from the command
 * line, checked against it; no ring (a snapshot never has one). */
static void restore(struct skiff *s, struct skiff_options *o)
{
    int status;

    o->no_net_ring = true;
    if ((status = skiff_snapshot_load(s, o->restore)))
        die(NULL, status);
    attach_devices(s, o);
    skiff_snapshot_devices_prepare(s);
    if ((status = skiff_vm_create(s)) || (status = skiff_modules_setup(s)) ||
        (status = protect_image(s)) || (status = skiff_snapshot_resume(s)))
        die(s, status);
}

int main(int argc, char **argv)
{
    static struct skiff_options o;
    static struct skiff s;
    int status;

    skiff_report_start();
    if (skiff_cli_parse(argc, argv, skiff_modules_keys(), &o) < 0) {
        fprintf(stderr, "skiff: %s (see skiff --help)\n", skiff_error());
        return SKIFF_EXIT_USAGE;
    }
    skiff_report_enable(o.json);
    if (o.help) {
        usage(stdout);
        return 0;
    }
    if (o.version) {
        printf("skiff %s (Solo5 hvt ABI version %d)\n", SKIFF_VERSION, HVT_ABI_VERSION);
        return 0;
    }
    if (personality(0xffffffff) & READ_IMPLIES_EXEC) {
        skiff_set_error("refusing to run with personality READ_IMPLIES_EXEC");
        die(NULL, SKIFF_EXIT_HOST);
    }
    s.opts = &o;
    s.quiet = o.quiet;
    for (size_t i = 0; i < MFT_MAX_ENTRIES; i++)
        s.dev_fds[i] = -1;

    if (o.restore)
        restore(&s, &o);
    else
        boot(&s, &o);
    if (o.snapshot && (status = skiff_snapshot_arm(&s, o.snapshot)))
        die(&s, status);

    if ((status = skiff_stop_init(&s)) || (status = skiff_sandbox_enter(&s)))
        die(&s, status);
    skiff_report_running();
    status = skiff_run(&s);
    if (!s.halted)
        die(&s, status);
    skiff_report_exit(&s, status);
    skiff_modules_teardown(&s);
    return status;
}
