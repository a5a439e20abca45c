/* A minimal SIP request reader and response writer (RFC 3261, UDP only):
 * just enough of SIP for a user agent server that answers each request at
 * once. It knows nothing of casebook. */
#ifndef SIP_POP_SIP_MSG_H
#define SIP_POP_SIP_MSG_H

#include <stddef.h>

/* Most Via headers a request may carry (a request through this many proxies). */
#define SIP_MAX_VIA 16

/* Part of the received datagram: not NUL-terminated. */
struct sip_span {
    const char *ptr;
    size_t len;
};

struct sip_request {
    struct sip_span method;
    struct sip_span via[SIP_MAX_VIA];
    size_t via_count;
    struct sip_span from;
    struct sip_span to;
    struct sip_span call_id;
    struct sip_span cseq;
    struct sip_span asserted; /* P-Asserted-Identity, first one */
};

enum sip_parse_result {
    SIP_REQUEST_OK = 0,
    /* Not a request (a response, or not SIP at all): drop it silently. */
    SIP_NOT_A_REQUEST,
    /* A request with a Via but a missing or broken mandatory header: 400. */
    SIP_BAD_REQUEST
};

/* Reads the request in buf[0..len) (which it may change: folded header
 * lines are unfolded in place). Spans in *req point into buf. */
enum sip_parse_result sip_parse_request(char *buf, size_t len, struct sip_request *req);

/* Whether span equals the NUL-terminated word, ignoring ASCII case. */
int sip_span_is(struct sip_span span, const char *word);

/* Writes a response to req into out (at most cap bytes) and returns its
 * length, or 0 if it does not fit. A To header without a tag gets
 * ";tag=<to_tag>"; extra_headers (may be NULL) are whole header lines, each
 * ending in CRLF. The body is empty. */
size_t sip_write_response(const struct sip_request *req, int code, const char *reason,
                          const char *to_tag, const char *extra_headers, char *out, size_t cap);

/* A To tag derived from the Call-ID, so a retransmitted INVITE gets the same
 * answer: 16 hex digits and a NUL in out[17]. */
void sip_tag_for(struct sip_span call_id, char out[17]);

#endif
