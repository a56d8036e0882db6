/* http.c: parsing HTTP/1.1 request heads (RFC 9112) for examples/web; no I/O, no allocation. */
#include "http.h"

#include <string.h>

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Is s[0..n) equal to the lower-case word w, ignoring case? */
static int word_is(const char *s, size_t n, const char *w)
{
    size_t i = 0;

    for (; i < n && w[i]; i++)
        if (lower((unsigned char)s[i]) != w[i])
            return 0;
    return i == n && w[i] == '\0';
}

/* RFC 9110's tchar: the bytes of a method or a header name. */
static int is_tchar(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The end of the line starting at p (the index of its LF), or len if there is none yet. */
static size_t line_end(const char *b, size_t p, size_t len)
{
    while (p < len && b[p] != '\n')
        p++;
    return p;
}

/* Parses the request line b[0..n) (its CR, if any, removed) into r. */
static void request_line(const char *b, size_t n, struct http_request *r)
{
    static const char *const known[] = {"post",    "put",   "delete", "connect",
                                        "options", "trace", "patch",  NULL};
    size_t m = 0, t, v;

    while (m < n && is_tchar((unsigned char)b[m]))
        m++;
    if (m == 0 || m == n || b[m] != ' ') {
        r->status = 400;
        return;
    }
    for (t = m + 1; t < n && b[t] != ' '; t++)
        if ((unsigned char)b[t] <= ' ' || b[t] == 0x7f) {
            r->status = 400;
            return;
        }
    r->target = b + m + 1;
    r->target_len = t - m - 1;
    v = t + 1;
    /* Exactly one space each side of the target, then HTTP/D.D. */
    if (t >= n || r->target_len == 0 || n - v != 8 || memcmp(b + v, "HTTP/", 5) != 0 ||
        b[v + 5] < '0' || b[v + 5] > '9' || b[v + 6] != '.' || b[v + 7] < '0' || b[v + 7] > '9') {
        r->status = 400;
        return;
    }
    if (b[v + 5] != '1') {
        r->status = 505;
        return;
    }
    r->minor = b[v + 7] - '0';
    r->keep_alive = r->minor >= 1;
    /* Methods are case-sensitive: "get" is not GET. */
    if (m == 3 && memcmp(b, "GET", 3) == 0)
        r->method = HTTP_GET;
    else if (m == 4 && memcmp(b, "HEAD", 4) == 0)
        r->method = HTTP_HEAD;
    else {
        r->method = HTTP_OTHER;
        r->status = 501;
        for (int i = 0; known[i]; i++)
            if (strlen(known[i]) == m) {
                size_t k = 0;
                while (k < m && b[k] == known[i][k] - 32)
                    k++;
                if (k == m)
                    r->status = 405;
            }
    }
}

/* Applies the Connection header's comma-separated options v[0..n). */
static void connection(const char *v, size_t n, struct http_request *r)
{
    size_t i = 0;

    while (i < n) {
        size_t s, e;

        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        for (s = i; i < n && v[i] != ','; i++)
            ;
        for (e = i; e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'); e--)
            ;
        if (word_is(v + s, e - s, "close"))
            r->keep_alive = 0;
        else if (word_is(v + s, e - s, "keep-alive") && r->minor == 0)
            r->keep_alive = 1;
    }
}

/* Parses one header line b[0..n) into r. Returns 0, or -1 if it is malformed. */
static int header_line(const char *b, size_t n, struct http_request *r, int *host,
                       uint64_t *content_length)
{
    size_t name = 0, s, e;

    while (name < n && is_tchar((unsigned char)b[name]))
        name++;
    /* No space before the colon, and no obsolete line folding (a line starting with space). */
    if (name == 0 || name == n || b[name] != ':')
        return -1;
    for (s = name + 1; s < n && (b[s] == ' ' || b[s] == '\t'); s++)
        ;
    for (e = n; e > s && (b[e - 1] == ' ' || b[e - 1] == '\t'); e--)
        ;
    for (size_t i = s; i < e; i++)
        if (b[i] == '\0' || b[i] == '\r')
            return -1;
    if (word_is(b, name, "host")) {
        if ((*host)++)
            return -1; /* two Host headers */
    } else if (word_is(b, name, "connection")) {
        connection(b + s, e - s, r);
    } else if (word_is(b, name, "transfer-encoding")) {
        r->has_body = 1;
    } else if (word_is(b, name, "content-length")) {
        uint64_t v = 0;

        if (s == e || *content_length != UINT64_MAX)
            return -1; /* empty, or a second one */
        for (size_t i = s; i < e; i++) {
            if (b[i] < '0' || b[i] > '9' || v > UINT64_MAX / 10 - 1)
                return -1;
            v = v * 10 + (uint64_t)(b[i] - '0');
        }
        *content_length = v;
        if (v > 0)
            r->has_body = 1;
    }
    return 0;
}

int http_parse(const char *buf, size_t len, size_t max, struct http_request *req)
{
    size_t p = 0, lines = 0;
    int host = 0;
    uint64_t content_length = UINT64_MAX;

    memset(req, 0, sizeof(*req));
    if (len > max)
        len = max;
    /* RFC 9112 2.2: empty lines before a request line are ignored. */
    while (p < len && (buf[p] == '\n' || (buf[p] == '\r' && p + 1 < len && buf[p + 1] == '\n')))
        p += buf[p] == '\r' ? 2 : 1;
    for (;;) {
        size_t e = line_end(buf, p, len), n = e - p;

        if (e == len)
            return len < max ? 0 : -1;
        if (n > 0 && buf[e - 1] == '\r')
            n--;
        if (lines++ == 0) {
            request_line(buf + p, n, req);
        } else if (n == 0) {
            req->head_len = e + 1;
            break;
        } else if (req->status == 0 && header_line(buf + p, n, req, &host, &content_length)) {
            req->status = 400;
        }
        p = e + 1;
    }
    if (req->status == 0 && req->minor >= 1 && host != 1)
        req->status = 400; /* RFC 9112 3.2: an HTTP/1.1 request must name its Host */
    if (req->status == 400 || req->status == 505 || req->has_body)
        req->keep_alive = 0;
    return 1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int http_path(const char *target, size_t len, char out[HTTP_PATH_MAX])
{
    size_t o = 0, seg = 0;

    if (len == 0 || target[0] != '/')
        return -1;
    for (size_t i = 0; i < len && target[i] != '?' && target[i] != '#'; i++) {
        int c = (unsigned char)target[i];

        if (c == '%') {
            int hi = i + 2 < len ? hexval((unsigned char)target[i + 1]) : -1;
            int lo = hi >= 0 ? hexval((unsigned char)target[i + 2]) : -1;

            if (lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c < 0x20 || c == 0x7f || o + 1 >= HTTP_PATH_MAX)
            return -1;
        if (c == '/') {
            /* The segment just ended must not be "." or "..". */
            if ((o - seg == 1 && out[seg] == '.') ||
                (o - seg == 2 && out[seg] == '.' && out[seg + 1] == '.'))
                return -1;
            seg = o + 1;
        }
        out[o++] = (char)c;
    }
    if ((o - seg == 1 && out[seg] == '.') ||
        (o - seg == 2 && out[seg] == '.' && out[seg + 1] == '.'))
        return -1;
    out[o] = '\0';
    return (int)o;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 301:
        return "Moved Permanently";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

const char *http_content_type(const char *path)
{
    static const char *const types[][2] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"json", "application/json"},
        {"txt", "text/plain; charset=utf-8"},
        {"xml", "application/xml"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"ico", "image/x-icon"},
        {"wasm", "application/wasm"},
        {"pdf", "application/pdf"},
        {"woff2", "font/woff2"},
        {"woff", "font/woff"},
        {"mp4", "video/mp4"},
    };
    const char *dot = NULL;

    for (const char *p = path; *p; p++)
        if (*p == '.')
            dot = p + 1;
        else if (*p == '/')
            dot = NULL;
    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
        if (word_is(dot, strlen(dot), types[i][0]))
            return types[i][1];
    return "application/octet-stream";
}

void http_date(uint64_t secs, char out[30])
{
    static const char days[] = "ThuFriSatSunMonTueWed",
                      months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    uint64_t d = secs / 86400, s = secs % 86400;
    /* Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, inverted). */
    uint64_t z = d + 719468, era = z / 146097, doe = z - era * 146097;
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    uint64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
    uint64_t year = yoe + era * 400 + (month <= 2);
    const char *dn = days + (d % 7) * 3, *mn = months + (month - 1) * 3;
    char *o = out;

    *o++ = dn[0], *o++ = dn[1], *o++ = dn[2], *o++ = ',', *o++ = ' ';
    *o++ = (char)('0' + day / 10), *o++ = (char)('0' + day % 10), *o++ = ' ';
    *o++ = mn[0], *o++ = mn[1], *o++ = mn[2], *o++ = ' ';
    year %= 10000;
    *o++ = (char)('0' + year / 1000), *o++ = (char)('0' + year / 100 % 10);
    *o++ = (char)('0' + year / 10 % 10), *o++ = (char)('0' + year % 10), *o++ = ' ';
    *o++ = (char)('0' + s / 36000), *o++ = (char)('0' + s / 3600 % 10), *o++ = ':';
    *o++ = (char)('0' + s % 3600 / 600), *o++ = (char)('0' + s % 3600 / 60 % 10), *o++ = ':';
    *o++ = (char)('0' + s % 60 / 10), *o++ = (char)('0' + s % 10);
    memcpy(o, " GMT", 5);
}
