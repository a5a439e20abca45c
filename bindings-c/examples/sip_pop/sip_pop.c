/* SIP screen pop: a SIP user agent on 127.0.0.1 (UDP) that answers every
 * INVITE at once with who is calling in an X-Casebook-Pop header, as a
 * contact-centre switch would ask a CRM before routing the call.
 *
 * The caller identity is the P-Asserted-Identity header, else From, handed
 * to casebook verbatim: reading SIP and tel URIs, display names and
 * withheld callers is casebook's job, not this program's.
 *
 *   sip_pop [--calls N] [--generate N] PORT
 *
 * PORT 0 picks a free port; the port is printed on the first line. The
 * program stops after answering the BYE of N calls (--calls), or on SIGINT
 * or SIGTERM, and then prints the recognition latency it measured. */
#define _POSIX_C_SOURCE 200809L
#include <casebook.h>

#include "latency.h"
#include "sip_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Largest UDP datagram: anything longer was cut by the kernel anyway. */
#define MAX_DATAGRAM 65535
/* Candidates named in a "several" pop; the count is always complete. */
#define MAX_LISTED 8

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

struct counters {
    unsigned long invites, byes, other, bad, dropped, errors;
};

struct server {
    casebook_t *cb;
    unsigned port;
    struct counters n;
    struct latency recognize; /* casebook_recognize alone */
    struct latency pop;       /* recognize + reading the answer + freeing it */
};

static int check(casebook_status status, const char *what) {
    if (status != CASEBOOK_STATUS_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, casebook_status_name(status), casebook_last_error_message());
        return 0;
    }
    return 1;
}

/* Creates a profile or a case from JSON and frees the answer. */
static int add(casebook_t *cb, int is_case, const char *json) {
    char *out = NULL;
    casebook_status status = is_case ? casebook_create_case(cb, "demo", json, &out)
                                     : casebook_create_profile(cb, "demo", json, true, &out);
    casebook_string_free(out);
    return check(status, is_case ? "create case" : "create profile");
}

/* The screen_pop example's customers: Ada (two open cases) and the Okafor
 * household sharing a landline; `generate` synthetic customers beside them. */
static int seed(casebook_t *cb, long generate) {
    long i;
    char json[256];
    int ok = add(cb, 0,
                 "{\"given_name\": \"Ada\", \"family_name\": \"Lovelace\","
                 " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"+44 20 7946 0958\"}]}") &&
             add(cb, 1,
                 "{\"short_description\": \"Router has no signal\", \"impact\": \"high\", \"urgency\": \"high\","
                 " \"links\": [{\"profile\": \"C-000001\", \"role\": \"requester\"}]}") &&
             add(cb, 1,
                 "{\"short_description\": \"Bill paid twice\","
                 " \"links\": [{\"profile\": \"C-000001\", \"role\": \"requester\"}]}") &&
             add(cb, 0,
                 "{\"given_name\": \"Ann\", \"family_name\": \"Okafor\","
                 " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"0113 496 0000\"}]}") &&
             add(cb, 0,
                 "{\"given_name\": \"Bob\", \"family_name\": \"Okafor\","
                 " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"0113 496 0000\"}]}");
    for (i = 0; ok && i < generate; i++) {
        snprintf(json, sizeof json,
                 "{\"given_name\": \"Caller\", \"family_name\": \"Number %ld\","
                 " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"+44 7911 %06ld\"}]}",
                 i, i % 1000000);
        ok = add(cb, 0, json);
    }
    return ok;
}

/* Appends printf-style text to pop[0..cap), truncating safely. */
static void append(char *pop, size_t cap, const char *fmt, const char *value) {
    size_t len = strlen(pop);
    if (len < cap) {
        snprintf(pop + len, cap - len, fmt, value);
    }
}

/* Appends `; name="value"`, escaping quotes and dropping control characters
 * so a stored name can never break the header. */
static void append_quoted(char *pop, size_t cap, const char *name, const char *value) {
    size_t len;
    append(pop, cap, "; %s=\"", name);
    len = strlen(pop);
    for (; *value != '\0' && len + 3 < cap; value++) {
        unsigned char c = (unsigned char)*value;
        if (c < 0x20 || c == 0x7f) {
            continue;
        }
        if (c == '"' || c == '\\') {
            pop[len++] = '\\';
        }
        pop[len++] = (char)c;
    }
    pop[len] = '\0';
    append(pop, cap, "%s", "\"");
}

/* The extension and withheld flag of a recognition. Only digits and dial
 * characters are copied into the header. */
static void read_extras(const casebook_recognition_t *rec, char *ext, size_t cap, int *withheld) {
    const char *v = NULL;
    bool is_withheld = false;
    size_t n = 0;

    ext[0] = '\0';
    *withheld = casebook_recognition_withheld(rec, &is_withheld) == CASEBOOK_STATUS_OK && is_withheld;
    if (casebook_recognition_extension(rec, &v) == CASEBOOK_STATUS_OK && v != NULL) {
        for (; *v != '\0' && n + 1 < cap; v++) {
            if ((*v >= '0' && *v <= '9') || *v == '*' || *v == '#') {
                ext[n++] = *v;
            }
        }
        ext[n] = '\0';
    }
}

/* Recognises the caller and writes the pop (the X-Casebook-Pop value). */
static void screen_pop(struct server *s, const char *identity, char *pop, size_t cap) {
    casebook_recognition_t *rec = NULL;
    casebook_recognition_outcome outcome = CASEBOOK_RECOGNITION_OUTCOME_UNKNOWN;
    casebook_status status;
    size_t count = 0, open = 0, i;
    const char *id = "", *name = "", *case_number = "", *description = "";
    char ext[32];
    int withheld = 0;
    uint64_t start = latency_now(), recognized;

    status = casebook_recognize(s->cb, "voice", identity, &rec);
    recognized = latency_now();
    pop[0] = '\0';
    if (status != CASEBOOK_STATUS_OK) {
        /* The call still reaches an agent: the pop says why nobody was found. */
        s->n.errors++;
        append(pop, cap, "error; code=%s", casebook_status_name(status));
    } else {
        casebook_recognition_kind(rec, &outcome);
        casebook_recognition_count(rec, &count);
        read_extras(rec, ext, sizeof ext, &withheld);
        if (outcome == CASEBOOK_RECOGNITION_OUTCOME_KNOWN) {
            /* On a failed accessor the string stays "" (out-params are written only on success). */
            casebook_recognition_customer_id(rec, 0, &id);
            casebook_recognition_display_name(rec, 0, &name);
            casebook_recognition_open_case_count(rec, 0, &open);
            append(pop, cap, "known; customer=%s", id);
            append_quoted(pop, cap, "name", name);
            snprintf(pop + strlen(pop), cap - strlen(pop), "; open-cases=%zu", open);
            if (open > 0 && casebook_recognition_open_case(rec, 0, &case_number, &description) ==
                                CASEBOOK_STATUS_OK) {
                append(pop, cap, "; case=%s", case_number);
            }
        } else if (outcome == CASEBOOK_RECOGNITION_OUTCOME_SEVERAL) {
            snprintf(pop, cap, "several; candidates=%zu; customers=", count);
            for (i = 0; i < count && i < MAX_LISTED; i++) {
                id = "";
                casebook_recognition_customer_id(rec, i, &id);
                append(pop, cap, i == 0 ? "%s" : ",%s", id);
            }
        } else {
            append(pop, cap, "%s", withheld ? "withheld" : "unknown");
        }
        if (ext[0] != '\0') {
            append(pop, cap, "; ext=%s", ext);
        }
        casebook_recognition_free(rec);
    }
    latency_add(&s->recognize, recognized - start);
    latency_add(&s->pop, latency_now() - start);
}

/* SIP methods are case-sensitive (RFC 3261 section 7.1). */
static int method_is(struct sip_span method, const char *name) {
    return method.len == strlen(name) && memcmp(method.ptr, name, method.len) == 0;
}

/* Answers one datagram; returns the response length (0: send nothing). */
static size_t handle(struct server *s, char *buf, size_t len, char *out, size_t cap) {
    struct sip_request req;
    struct sip_span identity;
    char tag[17], extra[2048];
    static char identity_text[MAX_DATAGRAM + 1];
    char pop[1024];

    switch (sip_parse_request(buf, len, &req)) {
    case SIP_NOT_A_REQUEST:
        s->n.dropped++;
        return 0;
    case SIP_BAD_REQUEST:
        s->n.bad++;
        sip_tag_for(req.call_id, tag);
        return sip_write_response(&req, 400, "Bad Request", tag, NULL, out, cap);
    case SIP_REQUEST_OK:
        break;
    }
    sip_tag_for(req.call_id, tag);
    if (method_is(req.method, "ACK")) {
        return 0;
    }
    if (method_is(req.method, "BYE")) {
        s->n.byes++;
        return sip_write_response(&req, 200, "OK", tag, NULL, out, cap);
    }
    if (method_is(req.method, "OPTIONS")) {
        s->n.other++;
        return sip_write_response(&req, 200, "OK", tag,
                                  "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\nAccept: application/sdp\r\n", out, cap);
    }
    if (method_is(req.method, "CANCEL")) {
        /* The INVITE was answered at once, so there is nothing left to cancel. */
        s->n.other++;
        return sip_write_response(&req, 200, "OK", tag, NULL, out, cap);
    }
    if (!method_is(req.method, "INVITE")) {
        s->n.other++;
        return sip_write_response(&req, 501, "Not Implemented", tag, NULL, out, cap);
    }

    s->n.invites++;
    identity = req.asserted.len > 0 ? req.asserted : req.from;
    memcpy(identity_text, identity.ptr, identity.len);
    identity_text[identity.len] = '\0';
    screen_pop(s, identity_text, pop, sizeof pop);
    snprintf(extra, sizeof extra,
             "Contact: <sip:pop@127.0.0.1:%u>\r\n"
             "X-Casebook-Pop: %s\r\n",
             s->port, pop);
    return sip_write_response(&req, 200, "OK", tag, extra, out, cap);
}

/* The first recognition loads phone metadata (milliseconds), and each form
 * of identity has its own first time: do them before the first call rings,
 * and keep them out of the figures. */
static void warm_up(struct server *s) {
    static const char *forms[] = {"+44 20 7946 0958", "\"Warm Up\" <sip:+442079460958@localhost>;tag=1",
                                  "<tel:+441134960000;ext=1>", "\"Anonymous\" <sip:anonymous@anonymous.invalid>"};
    char pop[256];
    size_t i;
    for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        screen_pop(s, forms[i], pop, sizeof pop);
    }
    latency_free(&s->recognize);
    latency_free(&s->pop);
    s->n.errors = 0;
}

/* CPU seconds this process has used (user + system). */
static double cpu_seconds(void) {
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0) {
        return 0.0;
    }
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_stime.tv_sec +
           ((double)usage.ru_utime.tv_usec + (double)usage.ru_stime.tv_usec) / 1e6;
}

static int parse_count(const char *text, long *out) {
    char *end = NULL;
    long value;
    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0) {
        return 0;
    }
    *out = value;
    return 1;
}

static int usage(const char *self) {
    fprintf(stderr, "usage: %s [--calls N] [--generate N] PORT\n", self);
    return 2;
}

/* Binds a UDP socket on 127.0.0.1:port; a timeout lets a signal be noticed. */
static int open_socket(long port, unsigned *bound) {
    struct sockaddr_in addr;
    socklen_t addr_len = sizeof addr;
    struct timeval timeout;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0) {
        perror("socket");
        return -1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeout.tv_sec = 0;
    timeout.tv_usec = 200000;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &addr_len) != 0) {
        perror("bind");
        close(fd);
        return -1;
    }
    *bound = ntohs(addr.sin_port);
    return fd;
}

static void serve(struct server *s, int fd, long max_calls) {
    static char buf[MAX_DATAGRAM + 1], out[MAX_DATAGRAM];
    struct sockaddr_in peer;

    while (!stop_requested && (max_calls == 0 || s->n.byes < (unsigned long)max_calls)) {
        socklen_t peer_len = sizeof peer;
        size_t reply;
        ssize_t got = recvfrom(fd, buf, MAX_DATAGRAM, 0, (struct sockaddr *)&peer, &peer_len);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
                continue;
            }
            perror("recvfrom");
            return;
        }
        buf[got] = '\0';
        reply = handle(s, buf, (size_t)got, out, sizeof out);
        /* Answer where the request came from (the rport way, RFC 3581). */
        if (reply > 0 && sendto(fd, out, reply, 0, (struct sockaddr *)&peer, peer_len) < 0) {
            perror("sendto");
        }
    }
}

int main(int argc, char **argv) {
    struct server s;
    struct sigaction sa;
    long port = -1, max_calls = 0, generate = 0;
    int i, fd;
    double cpu;

    memset(&s, 0, sizeof s);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--calls") == 0 && i + 1 < argc) {
            if (!parse_count(argv[++i], &max_calls)) {
                return usage(argv[0]);
            }
        } else if (strcmp(argv[i], "--generate") == 0 && i + 1 < argc) {
            if (!parse_count(argv[++i], &generate)) {
                return usage(argv[0]);
            }
        } else if (port < 0 && parse_count(argv[i], &port) && port <= 65535) {
            continue;
        } else {
            return usage(argv[0]);
        }
    }
    if (port < 0) {
        return usage(argv[0]);
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: recvfrom returns on a signal */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (!check(casebook_open_memory("{\"config\": {\"default_region\": \"GB\"}}", &s.cb), "open")) {
        return 1;
    }
    if (!seed(s.cb, generate) || (fd = open_socket(port, &s.port)) < 0) {
        casebook_free(s.cb);
        return 1;
    }
    warm_up(&s);
    printf("sip_pop: listening on 127.0.0.1:%u\n", s.port);
    fflush(stdout);
    cpu = cpu_seconds();

    serve(&s, fd, max_calls);

    printf("sip_pop: %lu INVITE, %lu BYE, %lu other, %lu answered 400, %lu dropped, %lu recognition errors\n",
           s.n.invites, s.n.byes, s.n.other, s.n.bad, s.n.dropped, s.n.errors);
    latency_print(&s.recognize, "sip_pop: recognition", stdout);
    latency_print(&s.pop, "sip_pop: screen pop", stdout);
    cpu = cpu_seconds() - cpu;
    /* With the call count, shows whether this program or its peer limits the rate. */
    printf("sip_pop: cpu %.3f s while serving", cpu);
    if (s.n.invites > 0) {
        printf(", %.1f us per call", cpu * 1e6 / (double)s.n.invites);
    }
    printf("\n");
    close(fd);
    latency_free(&s.recognize);
    latency_free(&s.pop);
    casebook_free(s.cb);
    return 0;
}
