/* http.h: the HTTP/1.1 request parser of examples/web, free of lwIP and of the solo5 API so
 * that it also builds on the host (tests/fuzz/fuzz_http.c). */
#ifndef WEB_HTTP_H
#define WEB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_PATH_MAX 256 /* bytes of a decoded path, NUL included (ustar names: 255) */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

/* One request head, as http_parse found it. Pointers point into the caller's buffer. */
struct http_request {
    size_t head_len; /* bytes of the head, the empty line that ends it included */
    enum http_method method;
    const char *target; /* the request target as sent (not NUL-terminated) */
    size_t target_len;
    int minor;      /* HTTP/1.minor: 0 or 1 */
    int keep_alive; /* the connection may stay open after the response */
    int has_body;   /* Content-Length > 0 or Transfer-Encoding: this server reads no
                       body, so the connection closes after the response */
    int status;     /* 0, or the error status to answer: 400, 405, 501, 505 */
};

/* Parses the request head at buf[0..len). Returns 0 if it is not complete yet and len < max
 * (more bytes may complete it), -1 if no head ends within max bytes (answer 413), or 1 with
 * *req filled in; req->status then says whether the request is one to serve. A line may end
 * in CRLF or a bare LF. Never reads outside buf[0..len). */
int http_parse(const char *buf, size_t len, size_t max, struct http_request *req);

/* Decodes an origin-form target (path, an optional query that is dropped, %XX escapes) into
 * out (NUL-terminated, at most HTTP_PATH_MAX bytes with the NUL). Returns the path's length,
 * or -1 for a target that is not an absolute path, is too long, holds a NUL, a control
 * byte, a bad escape or a "." or ".." segment. */
int http_path(const char *target, size_t len, char out[HTTP_PATH_MAX]);

/* The reason phrase of a status code this server sends ("Not Found"). */
const char *http_reason(int status);

/* The Content-Type for a path, from its extension (application/octet-stream if unknown). */
const char *http_content_type(const char *path);

/* Writes the IMF-fixdate of unix time secs ("Sun, 06 Nov 1994 08:49:37 GMT", 29 bytes and a
 * NUL) into out. */
void http_date(uint64_t secs, char out[30]);

#endif /* WEB_HTTP_H */
