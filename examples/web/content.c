/* content.c: loads and indexes the ustar archive examples/web serves (docs/web.md). */
#include "content.h"

#include "skiff_libc.h"
#include "solo5.h"

#define TAR_BLOCK 512

static struct web_file *table; /* open addressing, mask + 1 slots, NULL path: empty */
static size_t mask, nfiles;
static uint64_t nbytes;

/* The archive being loaded: img[0..loaded) read so far, of at most cap bytes. */
static solo5_handle_t dev;
static struct solo5_block_info info;
static uint8_t *img;
static size_t loaded, cap_bytes;

static uint64_t hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

    while (*s)
        h = (h ^ (uint8_t)*s++) * 0x100000001b3ULL;
    return h;
}

/* Reads device blocks until img[0..upto) is in memory. Returns 0, 1 if the device ends
 * first, 2 if the memory does, or -1 on a read error. */
static int need(size_t upto)
{
    uint64_t blocks = info.capacity / info.block_size;

    while (loaded < upto) {
        if (loaded / info.block_size >= blocks)
            return 1;
        if (loaded + info.block_size > cap_bytes)
            return 2;
        if (solo5_block_read(dev, loaded, img + loaded, info.block_size) != SOLO5_R_OK)
            return -1;
        loaded += info.block_size;
    }
    return 0;
}

/* The value of an octal header field f[0..n) (digits, then NUL or space). -1 if malformed. */
static int64_t octal(const uint8_t *f, size_t n)
{
    int64_t v = 0;
    size_t i = 0;

    while (i < n && f[i] == ' ')
        i++;
    if (i == n || f[i] < '0' || f[i] > '7')
        return -1;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
        v = v * 8 + (f[i] - '0');
    for (; i < n; i++)
        if (f[i] != '\0' && f[i] != ' ')
            return -1;
    return v;
}

/* Does the header's checksum field match its bytes (the field itself counted as spaces)? */
static int checksum_ok(const uint8_t *h)
{
    int64_t want = octal(h + 148, 8), sum = 0;

    for (int i = 0; i < TAR_BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return want == sum;
}

/* The entry's path: "/" PREFIX "/" NAME (without a leading "./" or a trailing "/") into
 * out[HTTP-sized]. Returns its length, or -1 if it holds a control byte, an empty, "." or
 * ".." segment. */
static int entry_path(const uint8_t *h, char out[257])
{
    size_t o = 0, seg;
    const char *name = (const char *)h, *prefix = (const char *)h + 345;
    size_t nl = strnlen(name, 100), pl = strnlen(prefix, 155);

    out[o++] = '/';
    if (pl) {
        memcpy(out + o, prefix, pl);
        o += pl;
        out[o++] = '/';
    }
    memcpy(out + o, name, nl);
    o += nl;
    out[o] = '\0';
    if (o > 2 && out[1] == '.' && out[2] == '/') { /* "./x" */
        memmove(out + 1, out + 3, o - 2);
        o -= 2;
    }
    while (o > 1 && out[o - 1] == '/')
        out[--o] = '\0';
    seg = 1;
    for (size_t i = 1; i <= o; i++) {
        if (i < o && ((uint8_t)out[i] < 0x20 || out[i] == 0x7f))
            return -1;
        if (i == o || out[i] == '/') {
            size_t n = i - seg;
            if (n == 0 || (n == 1 && out[seg] == '.') ||
                (n == 2 && out[seg] == '.' && out[seg + 1] == '.'))
                return -1;
            seg = i + 1;
        }
    }
    return (int)o;
}

/* Walks the archive in memory (loading it as it goes). With add set, enters each regular file
 * into the table. Returns 0 and sets *end (bytes of archive), *paths (bytes the paths need), or
 * prints the problem and returns an exit status. */
static int walk(int add, size_t *end, size_t *paths, char **arena)
{
    size_t off = 0, files = 0;
    char path[257];

    *paths = 0;
    for (;;) {
        int r = need(off + TAR_BLOCK), plen;
        const uint8_t *h = img + off;
        int64_t size;
        size_t i;

        if (r < 0) {
            printf("web: storage: read error at byte %zu\n", off);
            return WEB_EXIT_IOERR;
        }
        if (r == 1)
            break; /* the device ends: the archive ends with it */
        if (r == 2) {
            printf("web: storage: the archive does not fit in the %zu bytes of memory left "
                   "for content (give the unikernel more --mem)\n",
                   cap_bytes);
            return WEB_EXIT_DATAERR;
        }
        for (i = 0; i < TAR_BLOCK && h[i] == 0; i++)
            ;
        if (i == TAR_BLOCK)
            break; /* a zero block: the end-of-archive marker */
        if (memcmp(h + 257,
                   "ustar\0"
                   "00",
                   8) != 0 ||
            !checksum_ok(h)) {
            printf("web: storage: byte %zu: not a POSIX ustar header (make the image with "
                   "tools/skiff-pack)\n",
                   off);
            return WEB_EXIT_DATAERR;
        }
        plen = entry_path(h, path);
        if (plen < 0) {
            printf("web: storage: byte %zu: entry '%.100s' has an invalid path\n", off,
                   (const char *)h);
            return WEB_EXIT_DATAERR;
        }
        size = octal(h + 124, 12);
        if (size < 0) {
            printf("web: storage: %s: size field is not octal\n", path);
            return WEB_EXIT_DATAERR;
        }
        if (h[156] != '0' && h[156] != '\0' && h[156] != '5') {
            printf("web: storage: %s: entry type '%c' is not supported (regular files and "
                   "directories only)\n",
                   path, h[156] >= 0x20 && h[156] < 0x7f ? h[156] : '?');
            return WEB_EXIT_DATAERR;
        }
        off += TAR_BLOCK;
        if (h[156] == '5')
            continue;
        /* Refused before reading what cannot fit or is not there. */
        r = (uint64_t)size > info.capacity - off ? 1 : (uint64_t)size > cap_bytes - off ? 2 : 0;
        if (r == 0)
            r = need(off + (size_t)size);
        if (r != 0) {
            printf(r < 0    ? "web: storage: %s: read error\n"
                   : r == 2 ? "web: storage: %s: the archive does not fit in the memory left "
                              "for content (give the unikernel more --mem)\n"
                            : "web: storage: %s: data runs past the end of the device\n",
                   path);
            return r < 0 ? WEB_EXIT_IOERR : WEB_EXIT_DATAERR;
        }
        if (add) {
            uint64_t slot = hash(path) & mask;

            while (table[slot].path) {
                if (strcmp(table[slot].path, path) == 0) {
                    printf("web: storage: %s appears twice in the archive\n", path);
                    return WEB_EXIT_DATAERR;
                }
                slot = (slot + 1) & mask;
            }
            memcpy(*arena, path, (size_t)plen + 1);
            table[slot].path = *arena;
            table[slot].data = img + off;
            table[slot].size = (size_t)size;
            *arena += plen + 1;
            nbytes += (uint64_t)size;
        }
        files++;
        *paths += (size_t)plen + 1;
        off += ((size_t)size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
    }
    nfiles = files;
    *end = off;
    return 0;
}

int web_content_load(const char *name, uint8_t *mem, size_t cap, size_t *used)
{
    size_t end, paths, slots = 16, need_bytes;
    char *arena;
    int st;

    if (solo5_block_acquire(name, &dev, &info) != SOLO5_R_OK) {
        printf("web: cannot acquire block device '%s'\n", name);
        return WEB_EXIT_IOERR;
    }
    img = mem;
    cap_bytes = cap;
    loaded = 0;
    st = walk(0, &end, &paths, &arena);
    if (st)
        return st;
    while (slots < 2 * nfiles)
        slots *= 2;
    /* After what was read: the table (aligned), then the paths. */
    end = (loaded + 15) & ~(size_t)15;
    need_bytes = end + slots * sizeof(*table) + paths;
    if (need_bytes > cap) {
        printf("web: storage: the index of %zu files does not fit in memory (give the "
               "unikernel more --mem)\n",
               nfiles);
        return WEB_EXIT_DATAERR;
    }
    table = (struct web_file *)(mem + end);
    memset(table, 0, slots * sizeof(*table));
    mask = slots - 1;
    arena = (char *)(table + slots);
    st = walk(1, &end, &paths, &arena);
    *used = need_bytes;
    return st;
}

const struct web_file *web_content_find(const char *path)
{
    uint64_t slot;

    if (!table)
        return NULL;
    for (slot = hash(path) & mask; table[slot].path; slot = (slot + 1) & mask)
        if (strcmp(table[slot].path, path) == 0)
            return &table[slot];
    return NULL;
}

size_t web_content_files(void)
{
    return nfiles;
}

uint64_t web_content_bytes(void)
{
    return nbytes;
}
