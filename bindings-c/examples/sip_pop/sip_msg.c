/* SIP request reading and response writing for sip_pop (see sip_msg.h). */
#include "sip_msg.h"

#include <stdio.h>
#include <string.h>

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* RFC 3261 token characters, used by methods and header names. */
static int is_token(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("-.!%*_+`'~", c) != NULL);
}

int sip_span_is(struct sip_span span, const char *word) {
    size_t i, n = strlen(word);
    if (span.len != n) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (lower((unsigned char)span.ptr[i]) != lower((unsigned char)word[i])) {
            return 0;
        }
    }
    return 1;
}

/* End of the line starting at i (index of its '\n', or len). */
static size_t line_end(const char *buf, size_t len, size_t i) {
    const char *nl = memchr(buf + i, '\n', len - i);
    return nl ? (size_t)(nl - buf) : len;
}

/* Length of the line [start, eol) without a trailing '\r'. */
static size_t content_len(const char *buf, size_t start, size_t eol) {
    return eol > start && buf[eol - 1] == '\r' ? eol - start - 1 : eol - start;
}

/* Unfolds continuation lines (a line starting with a space or tab belongs
 * to the header above it: RFC 3261 section 7.3.1) by turning the line break
 * into spaces, up to the blank line that ends the headers. */
static void unfold(char *buf, size_t len, size_t start) {
    size_t i = start;
    while (i < len) {
        size_t eol = line_end(buf, len, i);
        if (content_len(buf, i, eol) == 0 || eol >= len) {
            return;
        }
        if (eol + 1 < len && is_space(buf[eol + 1])) {
            buf[eol] = ' ';
            if (buf[eol - 1] == '\r') {
                buf[eol - 1] = ' ';
            }
        }
        i = eol + 1;
    }
}

/* Reads "METHOD SP Request-URI SP SIP/2.0". */
static int request_line(const char *line, size_t n, struct sip_span *method) {
    size_t i = 0, uri_start;
    while (i < n && is_token(line[i])) {
        i++;
    }
    if (i == 0 || i >= n || line[i] != ' ') {
        return 0;
    }
    method->ptr = line;
    method->len = i;
    uri_start = ++i;
    while (i < n && line[i] != ' ') {
        i++;
    }
    if (i == uri_start || i >= n) {
        return 0;
    }
    i++;
    return n - i == 7 && memcmp(line + i, "SIP/2.0", 7) == 0;
}

/* Sets *slot to value; a second header of a kind that must be single is an error. */
static int set_once(struct sip_span *slot, struct sip_span value) {
    if (slot->ptr != NULL) {
        return 0;
    }
    *slot = value;
    return 1;
}

/* Files one header line; returns 0 if the request is malformed. */
static int header(struct sip_request *req, const char *line, size_t n) {
    struct sip_span name, value;
    size_t i = 0;
    while (i < n && is_token(line[i])) {
        i++;
    }
    name.ptr = line;
    name.len = i;
    while (i < n && is_space(line[i])) {
        i++;
    }
    if (name.len == 0 || i >= n || line[i] != ':') {
        return 0;
    }
    i++;
    while (i < n && is_space(line[i])) {
        i++;
    }
    while (n > i && is_space(line[n - 1])) {
        n--;
    }
    value.ptr = line + i;
    value.len = n - i;
    if (sip_span_is(name, "via") || sip_span_is(name, "v")) {
        if (req->via_count == SIP_MAX_VIA || value.len == 0) {
            return 0;
        }
        req->via[req->via_count++] = value;
        return 1;
    }
    if (sip_span_is(name, "from") || sip_span_is(name, "f")) {
        return set_once(&req->from, value);
    }
    if (sip_span_is(name, "to") || sip_span_is(name, "t")) {
        return set_once(&req->to, value);
    }
    if (sip_span_is(name, "call-id") || sip_span_is(name, "i")) {
        return set_once(&req->call_id, value);
    }
    if (sip_span_is(name, "cseq")) {
        return set_once(&req->cseq, value);
    }
    /* RFC 3325 allows a second one (a tel URI beside a sip URI): keep the first. */
    if (sip_span_is(name, "p-asserted-identity") && req->asserted.ptr == NULL) {
        req->asserted = value;
    }
    return 1;
}

/* CSeq is "number LWS method", the method being the request's. */
static int cseq_matches(struct sip_span cseq, struct sip_span method) {
    size_t i = 0, digits;
    struct sip_span rest;
    while (i < cseq.len && cseq.ptr[i] >= '0' && cseq.ptr[i] <= '9') {
        i++;
    }
    digits = i;
    while (i < cseq.len && is_space(cseq.ptr[i])) {
        i++;
    }
    if (digits == 0 || digits > 10 || i == digits) {
        return 0;
    }
    rest.ptr = cseq.ptr + i;
    rest.len = cseq.len - i;
    return rest.len == method.len && memcmp(rest.ptr, method.ptr, method.len) == 0;
}

enum sip_parse_result sip_parse_request(char *buf, size_t len, struct sip_request *req) {
    size_t i, eol, n;
    int well_formed = 1;

    memset(req, 0, sizeof *req);
    eol = line_end(buf, len, 0);
    n = content_len(buf, 0, eol);
    if (n >= 4 && memcmp(buf, "SIP/", 4) == 0) {
        return SIP_NOT_A_REQUEST;
    }
    if (!request_line(buf, n, &req->method)) {
        return SIP_NOT_A_REQUEST;
    }
    unfold(buf, len, eol + 1);
    for (i = eol + 1; i < len; i = eol + 1) {
        eol = line_end(buf, len, i);
        n = content_len(buf, i, eol);
        if (n == 0) {
            break;
        }
        /* A NUL would cut the identity short on its way to casebook. */
        if (memchr(buf + i, '\0', n) != NULL || !header(req, buf + i, n)) {
            well_formed = 0;
        }
    }
    if (req->via_count == 0) {
        return SIP_NOT_A_REQUEST; /* nowhere to send an answer */
    }
    if (!well_formed || req->from.len == 0 || req->to.len == 0 || req->call_id.len == 0 ||
        !cseq_matches(req->cseq, req->method)) {
        return SIP_BAD_REQUEST;
    }
    return SIP_REQUEST_OK;
}

/* Whether a To value already carries a tag parameter. Parameters follow the
 * URI's closing '>' (name-addr) or the URI itself (addr-spec). */
static int has_tag(struct sip_span to) {
    size_t i, params = 0;
    int quoted = 0;
    for (i = 0; i < to.len; i++) {
        char c = to.ptr[i];
        if (quoted) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = 0;
            }
        } else if (c == '"') {
            quoted = 1;
        } else if (c == '<') {
            const char *close = memchr(to.ptr + i, '>', to.len - i);
            params = close ? (size_t)(close - to.ptr) + 1 : to.len;
            break;
        }
    }
    for (i = params; i < to.len; i++) {
        size_t j;
        if (to.ptr[i] != ';') {
            continue;
        }
        j = i + 1;
        while (j < to.len && is_space(to.ptr[j])) {
            j++;
        }
        if (j + 3 <= to.len && lower((unsigned char)to.ptr[j]) == 't' &&
            lower((unsigned char)to.ptr[j + 1]) == 'a' && lower((unsigned char)to.ptr[j + 2]) == 'g') {
            j += 3;
            while (j < to.len && is_space(to.ptr[j])) {
                j++;
            }
            if (j < to.len && to.ptr[j] == '=') {
                return 1;
            }
        }
    }
    return 0;
}

struct writer {
    char *out;
    size_t len;
    size_t cap;
    int full;
};

static void put(struct writer *w, const char *s, size_t n) {
    if (w->full || n > w->cap - w->len) {
        w->full = 1;
        return;
    }
    memcpy(w->out + w->len, s, n);
    w->len += n;
}

static void put_str(struct writer *w, const char *s) { put(w, s, strlen(s)); }

static void put_header(struct writer *w, const char *name, struct sip_span value) {
    if (value.ptr == NULL) {
        return;
    }
    put_str(w, name);
    put_str(w, ": ");
    put(w, value.ptr, value.len);
    put_str(w, "\r\n");
}

size_t sip_write_response(const struct sip_request *req, int code, const char *reason,
                          const char *to_tag, const char *extra_headers, char *out, size_t cap) {
    struct writer w;
    char status[64];
    size_t i;

    w.out = out;
    w.len = 0;
    w.cap = cap;
    w.full = 0;
    snprintf(status, sizeof status, "SIP/2.0 %03d %s\r\n", code, reason);
    put_str(&w, status);
    for (i = 0; i < req->via_count; i++) {
        put_header(&w, "Via", req->via[i]);
    }
    put_header(&w, "From", req->from);
    if (req->to.ptr != NULL) {
        put_str(&w, "To: ");
        put(&w, req->to.ptr, req->to.len);
        if (!has_tag(req->to)) {
            put_str(&w, ";tag=");
            put_str(&w, to_tag);
        }
        put_str(&w, "\r\n");
    }
    put_header(&w, "Call-ID", req->call_id);
    put_header(&w, "CSeq", req->cseq);
    if (extra_headers != NULL) {
        put_str(&w, extra_headers);
    }
    put_str(&w, "Content-Length: 0\r\n\r\n");
    return w.full ? 0 : w.len;
}

void sip_tag_for(struct sip_span call_id, char out[17]) {
    /* FNV-1a: stable across runs, so a retransmission gets the same tag. */
    unsigned long long hash = 14695981039346656037ULL;
    size_t i;
    for (i = 0; i < call_id.len; i++) {
        hash ^= (unsigned char)call_id.ptr[i];
        hash *= 1099511628211ULL;
    }
    snprintf(out, 17, "%016llx", hash);
}
