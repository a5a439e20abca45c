/* Robustness check for sip_msg.c: reads a well-formed INVITE (and checks
 * what it finds), then millions of randomly damaged copies of it, each in a
 * buffer of exactly its size so AddressSanitizer catches any read past the
 * end. Build with -fsanitize=address,undefined; argv[1] is the number of
 * damaged copies (default 200000). Exits 1 on a wrong reading. */
#include "sip_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char INVITE[] =
    "INVITE sip:desk@127.0.0.1 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
    "v: SIP/2.0/UDP 10.0.0.1\r\n"
    "From: \"Ada L\" <sip:+442079460958@pbx.example.com>;tag=1\r\n"
    "To: \"Desk <1>\" <sip:desk@127.0.0.1>\r\n"
    "Call-ID: abc\r\n"
    "CSeq: 7 INVITE\r\n"
    "P-Asserted-Identity: <tel:+442079460958;ext=12>\r\n"
    "\t;x=1\r\n"
    "\r\n"
    "v=0\r\n";

static int expect(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "fuzz_sip_msg: %s\n", what);
    }
    return ok;
}

/* The undamaged INVITE reads as it should, and its answer adds a To tag. */
static int check_clean(void) {
    char buf[sizeof INVITE], out[2048];
    struct sip_request req;
    size_t n;
    memcpy(buf, INVITE, sizeof INVITE);
    if (!expect(sip_parse_request(buf, sizeof INVITE - 1, &req) == SIP_REQUEST_OK, "clean INVITE refused")) {
        return 0;
    }
    n = sip_write_response(&req, 200, "OK", "t1", "X-Test: 1\r\n", out, sizeof out - 1);
    out[n] = '\0';
    return expect(req.via_count == 2, "two Via headers expected") &&
           expect(sip_span_is(req.method, "INVITE"), "method") &&
           expect(req.asserted.len == strlen("<tel:+442079460958;ext=12>  \t;x=1") &&
                      memcmp(req.asserted.ptr, "<tel:+442079460958;ext=12>  \t;x=1", req.asserted.len) == 0,
                  "folded P-Asserted-Identity not unfolded") &&
           expect(strstr(out, "To: \"Desk <1>\" <sip:desk@127.0.0.1>;tag=t1\r\n") != NULL, "To tag not added") &&
           expect(strstr(out, "CSeq: 7 INVITE\r\n") != NULL, "CSeq not echoed") &&
           expect(strstr(out, "X-Test: 1\r\nContent-Length: 0\r\n\r\n") != NULL, "response end");
}

int main(int argc, char **argv) {
    static char buf[4096], out[4096];
    const char *noise = "\r\n:; <>\"\\\tA\0";
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 200000, i;
    size_t base = sizeof INVITE - 1;

    if (!check_clean()) {
        return 1;
    }
    srand(21);
    for (i = 0; i < rounds; i++) {
        size_t len = base, k, edits = 1 + (size_t)(rand() % 8);
        struct sip_request req;
        char tag[17], *copy;
        memcpy(buf, INVITE, base);
        for (k = 0; k < edits; k++) {
            size_t pos = (size_t)rand() % len;
            switch (rand() % 3) {
            case 0:
                buf[pos] = (char)(rand() % 256);
                break;
            case 1:
                memmove(buf + pos, buf + pos + 1, len - pos - 1);
                len--;
                break;
            default:
                memmove(buf + pos + 1, buf + pos, len - pos);
                buf[pos] = noise[rand() % 12];
                len++;
            }
        }
        if (rand() % 4 == 0) {
            len = (size_t)rand() % (len + 1);
        }
        copy = malloc(len ? len : 1);
        if (copy == NULL) {
            return 1;
        }
        memcpy(copy, buf, len);
        if (sip_parse_request(copy, len, &req) != SIP_NOT_A_REQUEST) {
            sip_tag_for(req.call_id, tag);
            sip_write_response(&req, 400, "Bad Request", tag, NULL, out, (size_t)rand() % sizeof out);
        }
        free(copy);
    }
    printf("fuzz_sip_msg: the clean INVITE and %ld damaged copies read without fault\n", rounds);
    return 0;
}
