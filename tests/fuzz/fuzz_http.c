/* fuzz_http.c: libFuzzer target: arbitrary bytes as what a client sends examples/web, through
 * its request parser (examples/web/http.c) as the server drives it: heads parsed and consumed
 * one after another from a buffer of the server's size, each target decoded into a path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define FUZZ_REQ_MAX 4096 /* examples/web's WEB_REQ_MAX */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

/* The parser's promises to app.c. */
static void check_request(const char *buf, size_t len, const struct http_request *r)
{
    char path[HTTP_PATH_MAX];
    int n;

    check(r->head_len > 0 && r->head_len <= len);
    check(buf[r->head_len - 1] == '\n');
    check(r->status == 0 || r->status == 400 || r->status == 405 || r->status == 501 ||
          r->status == 505);
    check(r->method == HTTP_GET || r->method == HTTP_HEAD || r->method == HTTP_OTHER);
    if (r->status == 0) {
        check(r->method != HTTP_OTHER);
        check(r->target >= buf && r->target + r->target_len <= buf + r->head_len);
        check(r->minor >= 0 && r->minor <= 9);
    }
    if (r->has_body || r->status == 400)
        check(!r->keep_alive);
    if (r->status != 0 || !r->target)
        return;
    n = http_path(r->target, r->target_len, path);
    if (n < 0)
        return;
    check((size_t)n == strlen(path) && n < HTTP_PATH_MAX && path[0] == '/');
    check(strstr(path, "/../") == NULL && strstr(path, "/./") == NULL);
    check(n < 3 || strcmp(path + n - 3, "/..") != 0);
    check(http_content_type(path) != NULL && http_reason(200) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes, so that ASan sees any read past the end. */
    char *buf = malloc(size ? size : 1);
    size_t off = 0;
    char date[30];
    uint64_t t = 0;

    memcpy(buf, data, size);
    for (int rounds = 0; off < size && rounds < 64; rounds++) {
        size_t len = size - off < FUZZ_REQ_MAX ? size - off : FUZZ_REQ_MAX;
        struct http_request r;
        int got = http_parse(buf + off, len, FUZZ_REQ_MAX, &r);

        check(got >= -1 && got <= 1);
        if (got == 0)
            check(len < FUZZ_REQ_MAX);
        if (got == -1)
            check(len == FUZZ_REQ_MAX);
        if (got != 1)
            break;
        check_request(buf + off, len, &r);
        off += r.head_len;
    }
    memcpy(&t, data, size < sizeof(t) ? size : sizeof(t));
    http_date(t % (253402300800ULL), date); /* up to the year 9999 */
    check(strlen(date) == 29 && memcmp(date + 25, " GMT", 4) == 0);
    free(buf);
    return 0;
}
