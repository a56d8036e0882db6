/* content.h: the files examples/web serves: a POSIX ustar archive (tools/skiff-pack) read whole
 * from a block device into memory at start-up, and an index of its regular files by path. */
#ifndef WEB_CONTENT_H
#define WEB_CONTENT_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses of a content image that cannot be served (sysexits.h's numbers). */
#define WEB_EXIT_DATAERR 65 /* not a ustar archive skiff-pack could have made, or too large */
#define WEB_EXIT_IOERR   74 /* the block device failed a read */

struct web_file {
    const char *path;    /* "/dir/name.html" */
    const uint8_t *data; /* in memory for the whole run */
    size_t size;
};

/* Reads the archive on block device name into mem[0..cap) (archive, index and paths all
 * live there) and indexes it. Returns 0, or prints one line naming the problem ("web:
 * storage: ...") and returns WEB_EXIT_DATAERR or WEB_EXIT_IOERR. *used receives the bytes of
 * mem taken. */
int web_content_load(const char *name, uint8_t *mem, size_t cap, size_t *used);

/* The file at path (as http_path decodes it), or NULL. */
const struct web_file *web_content_find(const char *path);

/* How many files, and their bytes in all. */
size_t web_content_files(void);
uint64_t web_content_bytes(void);

#endif /* WEB_CONTENT_H */
