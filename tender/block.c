/* block.c: block devices backed by host files or block devices. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "skiff.h"

#define BLOCK_SIZE_DEFAULT 512

static const char *const block_keys[] = {"block", "block-sector-size", NULL};
/* BLOCK_READ / BLOCK_WRITE, and the flush on the way out: all the sandbox allows on a file. */
static const int block_calls[] = {SYS_pread64, SYS_pwrite64, SYS_fdatasync, -1};

static int attach_file(struct skiff *s, const struct skiff_devopt *opt, struct mft_entry *e)
{
    uint32_t handle = (uint32_t)(e - s->mft->e);
    off_t size;
    int fd;

    if (e->attached) {
        skiff_set_error("%s: block device '%s' is attached twice", opt->arg, opt->name);
        return SKIFF_EXIT_USAGE;
    }
    fd = open(opt->value, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        /* Guests expect to write their disks: a read-only file is refused up front rather
         * than failing on the first write. */
        skiff_set_error("%s: cannot open block device: %s: %s%s", opt->arg, opt->value,
                        strerror(errno),
                        errno == EACCES || errno == EROFS ? " (it must be writable)" : "");
        return SKIFF_EXIT_NOINPUT;
    }
    size = lseek(fd, 0, SEEK_END);
    if (size < 0) {
        skiff_set_error("%s: cannot size %s: %s", opt->arg, opt->value, strerror(errno));
        close(fd);
        return SKIFF_EXIT_NOINPUT;
    }
    e->u.block_basic.capacity = (uint64_t)size;
    e->attached = 1;
    s->dev_fds[handle] = fd;
    skiff_sandbox_allow_fd(fd, block_calls);
    return 0;
}

static int set_sector_size(const struct skiff_devopt *opt, struct mft_entry *e)
{
    char *end;
    unsigned long n = strtoul(opt->value, &end, 10);

    if (*end != '\0' || n < 512 || n > 32768 || (n & (n - 1)) != 0) {
        skiff_set_error("%s: block size must be a power of 2 from 512 to 32768", opt->arg);
        return SKIFF_EXIT_USAGE;
    }
    e->u.block_basic.block_size = (uint16_t)n;
    return 0;
}

static int block_option(struct skiff *s, const struct skiff_devopt *opt)
{
    struct mft_entry *e = skiff_devopt_entry(s, opt, MFT_DEV_BLOCK_BASIC);

    if (!e)
        return SKIFF_EXIT_USAGE;
    if (strcmp(opt->key, "block") == 0)
        return attach_file(s, opt, e);
    return set_sector_size(opt, e);
}

/* Validates a request against the device: whole blocks at block-aligned offsets inside it.
 * The reference tender checks only the bounds (abi.md A7); skiff also enforces what the
 * bindings promise, so a guest cannot issue partial-block I/O by calling the ABI directly. */
static const struct mft_entry *block_request(struct skiff *s, const struct hvt_hc_block_io *r)
{
    const struct mft_entry *e;
    uint64_t bs;

    if (r->handle >= s->mft->entries)
        return NULL;
    e = &s->mft->e[r->handle];
    if (e->type != MFT_DEV_BLOCK_BASIC || !e->attached)
        return NULL;
    bs = e->u.block_basic.block_size;
    if (r->len == 0 || r->len > SSIZE_MAX || r->offset % bs || r->len % bs ||
        r->offset >= e->u.block_basic.capacity || r->len > e->u.block_basic.capacity - r->offset)
        return NULL;
    return e;
}

static int block_io(struct skiff *s, uint64_t gpa, bool write)
{
    struct hvt_hc_block_io r;
    void *buf;
    ssize_t n;
    int status;

    /* Both the structure (written back) and, for a read, the buffer must be writable: checked
     * before the file is touched, so a guest error is never reported as a host I/O error. */
    if ((status = skiff_guest_read(&s->guest, gpa, &r, sizeof(r), SKIFF_READ | SKIFF_WRITE)))
        return status;
    r.ret = HVT_R_EINVAL;
    if (block_request(s, &r)) {
        if ((status = skiff_guest_range(&s->guest, r.data, r.len, write ? SKIFF_READ : SKIFF_WRITE,
                                        &buf)))
            return status;
        do {
            n = write ? pwrite(s->dev_fds[r.handle], buf, r.len, (off_t)r.offset)
                      : pread(s->dev_fds[r.handle], buf, r.len, (off_t)r.offset);
        } while (n < 0 && errno == EINTR);
        if (n < 0 || (uint64_t)n != r.len) {
            skiff_set_error("block '%s': %s of %llu bytes at offset %llu failed: %s",
                            s->mft->e[r.handle].name, write ? "write" : "read",
                            (unsigned long long)r.len, (unsigned long long)r.offset,
                            n < 0 ? strerror(errno) : "short transfer");
            return SKIFF_EXIT_IO;
        }
        r.ret = HVT_R_OK;
    }
    return skiff_guest_write(&s->guest, gpa, &r, sizeof(r));
}

static int hc_block_write(struct skiff *s, uint64_t gpa)
{
    return block_io(s, gpa, true);
}

static int hc_block_read(struct skiff *s, uint64_t gpa)
{
    return block_io(s, gpa, false);
}

static int block_setup(struct skiff *s)
{
    bool any = false;

    for (uint32_t i = 0; i < s->mft->entries; i++) {
        struct mft_block_basic *b = &s->mft->e[i].u.block_basic;

        if (s->mft->e[i].type != MFT_DEV_BLOCK_BASIC || !s->mft->e[i].attached)
            continue;
        any = true;
        if (b->block_size == 0)
            b->block_size = BLOCK_SIZE_DEFAULT;
        if (b->capacity % b->block_size) {
            skiff_set_error("%s: backing storage size must be block aligned (%u bytes)",
                            s->mft->e[i].name, b->block_size);
            return SKIFF_EXIT_NOINPUT;
        }
        if (b->capacity < b->block_size) {
            skiff_set_error("%s: backing storage must be at least 1 block (%u bytes) in size",
                            s->mft->e[i].name, b->block_size);
            return SKIFF_EXIT_NOINPUT;
        }
    }
    if (any) {
        skiff_hypercall_register(s, HVT_HYPERCALL_BLOCK_WRITE, hc_block_write);
        skiff_hypercall_register(s, HVT_HYPERCALL_BLOCK_READ, hc_block_read);
    }
    return 0;
}

/* pwrite() already put every write in the host's page cache, visible to any reader of the
 * file; syncing on the way out also makes it survive a host crash. */
static void block_teardown(struct skiff *s)
{
    for (uint32_t i = 0; i < s->mft->entries; i++)
        if (s->mft->e[i].type == MFT_DEV_BLOCK_BASIC && s->dev_fds[i] >= 0)
            fdatasync(s->dev_fds[i]);
}

const struct skiff_module skiff_module_block = {
    .name = "block",
    .usage = "  --block:NAME=PATH           attach file PATH as block device NAME\n"
             "  --block-sector-size:NAME=N  block size of NAME in bytes (default 512)\n",
    .option_keys = block_keys,
    .option = block_option,
    .setup = block_setup,
    .teardown = block_teardown,
};
