/* Times recognition through the C API on a generated store:
 *   bench_recognize <profiles> <lookups>
 * Profiles are created through casebook_call exactly as the Rust baseline
 * (cargo run --release -p casebook-c --example recognize_baseline) creates
 * them, so both time the same call on the same data. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "casebook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *OPTIONS =
    "{\"config\": {\"default_region\": \"GB\"}, \"clock\": {\"start\": \"2026-01-01T00:00:00Z\"}, \"id_seed\": 1}";

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *ns, long n) {
    qsort(ns, (size_t)n, sizeof *ns, by_value);
    printf("%-44s median %7.2f us   p90 %7.2f us   p99 %7.2f us\n", what, ns[n / 2] / 1e3, ns[n * 9 / 10] / 1e3,
           ns[n * 99 / 100] / 1e3);
}

static int call(casebook_t *cb, const char *op, const char *args) {
    char *out = NULL;
    casebook_status status = casebook_call(cb, op, args, &out);
    if (status != CASEBOOK_STATUS_OK) {
        /* Read before any other call: the next successful call clears it. */
        fprintf(stderr, "%s: %s\n", op, casebook_last_error_message());
        return 0;
    }
    casebook_string_free(out);
    return 1;
}

int main(int argc, char **argv) {
    long profiles, lookups, i;
    casebook_t *cb = NULL;
    char args[512], number[32];
    double start, *plain, *screen, *json;

    if (argc != 3 || (profiles = atol(argv[1])) <= 0 || (lookups = atol(argv[2])) <= 0 || profiles > 1000000) {
        fprintf(stderr, "usage: %s <profiles (1..1000000)> <lookups>\n", argv[0]);
        return 2;
    }
    if (casebook_open_memory(OPTIONS, &cb) != CASEBOOK_STATUS_OK) {
        return 1;
    }
    start = now_ns();
    for (i = 0; i < profiles; i++) {
        snprintf(args, sizeof args,
                 "{\"by\": \"bench\", \"allow_duplicates\": true, \"input\": {\"given_name\": \"Caller\","
                 " \"family_name\": \"Number %ld\", \"contact_points\": [{\"kind\": \"phone\", \"value\": \"+44 71%08ld\"}]}}",
                 i, i);
        if (!call(cb, "create_profile", args)) {
            return 1;
        }
        if (i % 10 == 0) {
            snprintf(args, sizeof args,
                     "{\"by\": \"bench\", \"input\": {\"short_description\": \"Case of caller %ld\","
                     " \"links\": [{\"profile\": \"C-%06ld\", \"role\": \"requester\"}]}}",
                     i, i + 1);
            if (!call(cb, "create_case", args)) {
                return 1;
            }
        }
    }
    printf("generated %ld profiles (%ld cases) through casebook_call in %.1f s\n", profiles, (profiles + 9) / 10,
           (now_ns() - start) / 1e9);

    plain = malloc(sizeof(double) * (size_t)lookups);
    screen = malloc(sizeof(double) * (size_t)lookups);
    json = malloc(sizeof(double) * (size_t)lookups);
    if (plain == NULL || screen == NULL || json == NULL) {
        return 1;
    }
    for (i = 0; i < lookups; i++) {
        casebook_recognition_t *rec = NULL;
        casebook_recognition_outcome kind;
        const char *text;
        size_t open;
        double t0, t1, t2;
        snprintf(number, sizeof number, "071%08ld", (i * 7919) % profiles);
        t0 = now_ns();
        if (casebook_recognize(cb, "voice", number, &rec) != CASEBOOK_STATUS_OK) {
            return 1;
        }
        t1 = now_ns();
        casebook_recognition_kind(rec, &kind);
        casebook_recognition_display_name(rec, 0, &text);
        casebook_recognition_open_case_count(rec, 0, &open);
        casebook_recognition_free(rec);
        t2 = now_ns();
        if (kind != CASEBOOK_RECOGNITION_OUTCOME_KNOWN) {
            fprintf(stderr, "%s not recognised\n", number);
            return 1;
        }
        plain[i] = t1 - t0;
        screen[i] = t2 - t0;
    }
    for (i = 0; i < lookups; i++) {
        char *out = NULL;
        double t0;
        snprintf(args, sizeof args, "{\"channel\": \"voice\", \"address\": \"071%08ld\"}", (i * 7919) % profiles);
        t0 = now_ns();
        casebook_call(cb, "recognize", args, &out);
        casebook_string_free(out);
        json[i] = now_ns() - t0;
    }
    printf("%ld lookups over %ld profiles:\n", lookups, profiles);
    report("casebook_recognize", plain, lookups);
    report("casebook_recognize + accessors + free", screen, lookups);
    report("casebook_call(\"recognize\") + string_free", json, lookups);
    free(plain);
    free(screen);
    free(json);
    casebook_free(cb);
    return 0;
}
