/* Stress: threads recognise callers on one handle while others create
 * profiles, merge and unmerge them. Every call must succeed or fail with a
 * domain status, last errors stay per thread, and the store ends consistent. */
#include "casebook.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEEDED 200
#define RECOGNIZERS 4
#define WRITERS 2
#define RECOGNITIONS_PER_THREAD 3000
#define MERGES_PER_WRITER 60

static casebook_t *cb;
static int failures;
static pthread_mutex_t failures_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what, casebook_status status) {
    pthread_mutex_lock(&failures_lock);
    failures++;
    fprintf(stderr, "%s: status %u (%s): %s\n", what, (unsigned)status, casebook_status_name(status),
            casebook_last_error_message());
    pthread_mutex_unlock(&failures_lock);
}

static unsigned next_random(unsigned *state) {
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

/* Mobile numbers 07911 100000 + n, written in varying national formats. */
static void phone(unsigned n, int style, char *buf, size_t size) {
    unsigned number = 100000u + n;
    if (style == 0) {
        snprintf(buf, size, "07911 %06u", number);
    } else if (style == 1) {
        snprintf(buf, size, "+44 7911 %06u", number);
    } else {
        snprintf(buf, size, "(07911) %03u-%03u", number / 1000, number % 1000);
    }
}

static int create(const char *given, const char *family, unsigned n, char *id, size_t size) {
    char input[512], number[32];
    char *out = NULL;
    const char *at;
    casebook_status status;
    phone(n, 0, number, sizeof number);
    snprintf(input, sizeof input,
             "{\"given_name\": \"%s\", \"family_name\": \"%s\", \"date_of_birth\": \"1980-01-01\","
             " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"%s\"}]}",
             given, family, number);
    status = casebook_create_profile(cb, "stress", input, true, &out);
    if (status != CASEBOOK_STATUS_OK) {
        fail("create_profile", status);
        return 0;
    }
    at = strstr(out, "\"customer_id\":\"");
    if (at != NULL && id != NULL) {
        at += 15;
        snprintf(id, size, "%.*s", (int)strcspn(at, "\""), at);
    }
    casebook_string_free(out);
    return 1;
}

static void *recognizer(void *arg) {
    unsigned state = (unsigned)(size_t)arg;
    char number[32];
    int i;
    for (i = 0; i < RECOGNITIONS_PER_THREAD; i++) {
        casebook_recognition_t *rec = NULL;
        casebook_recognition_outcome kind;
        size_t count = 0, k, open = 0;
        const char *text = NULL;
        casebook_status status;
        unsigned n = next_random(&state) % SEEDED;

        phone(n, (int)(next_random(&state) % 3), number, sizeof number);
        status = casebook_recognize(cb, "voice", number, &rec);
        if (status != CASEBOOK_STATUS_OK) {
            fail("recognize", status);
            continue;
        }
        if (casebook_recognition_kind(rec, &kind) != CASEBOOK_STATUS_OK ||
            casebook_recognition_count(rec, &count) != CASEBOOK_STATUS_OK) {
            fail("recognition accessors", CASEBOOK_STATUS_INTERNAL);
        }
        /* Seeded numbers always belong to someone (merges keep them reachable). */
        if (kind == CASEBOOK_RECOGNITION_OUTCOME_UNKNOWN || count == 0) {
            fail(number, CASEBOOK_STATUS_NOT_FOUND);
        }
        for (k = 0; k < count; k++) {
            if (casebook_recognition_customer_id(rec, k, &text) != CASEBOOK_STATUS_OK || text[0] != 'C' ||
                casebook_recognition_display_name(rec, k, &text) != CASEBOOK_STATUS_OK ||
                casebook_recognition_open_case_count(rec, k, &open) != CASEBOOK_STATUS_OK) {
                fail("recognition candidate", CASEBOOK_STATUS_INTERNAL);
            }
        }
        if (casebook_recognition_free(rec) != CASEBOOK_STATUS_OK) {
            fail("recognition_free", CASEBOOK_STATUS_INTERNAL);
        }

        /* Last errors are per thread: this thread's failure stays its own. */
        if (i % 500 == 0) {
            char *out = NULL;
            if (casebook_profile(cb, "C-999999", &out) != CASEBOOK_STATUS_NOT_FOUND ||
                strstr(casebook_last_error_message(), "C-999999") == NULL) {
                fail("per-thread last error", CASEBOOK_STATUS_INTERNAL);
            }
        }
    }
    return NULL;
}

static void *writer(void *arg) {
    unsigned w = (unsigned)(size_t)arg;
    int i;
    for (i = 0; i < MERGES_PER_WRITER; i++) {
        char survivor[32] = "", merged[32] = "", plan[256], merge_id[64] = "";
        char *out = NULL;
        const char *at;
        casebook_status status;
        /* Fresh numbers for this writer, never the seeded ones. */
        unsigned n = 10000u + w * 1000u + (unsigned)i;

        if (!create("Sam", "Writer", n, survivor, sizeof survivor) ||
            !create("Samuel", "Writer", n, merged, sizeof merged)) {
            continue;
        }
        snprintf(plan, sizeof plan, "{\"survivor\": \"%s\", \"merged\": \"%s\"}", survivor, merged);
        status = casebook_merge_preview(cb, plan, &out);
        if (status != CASEBOOK_STATUS_OK) {
            fail("merge_preview", status);
            continue;
        }
        casebook_string_free(out);
        status = casebook_merge(cb, "stress", plan, &out);
        if (status != CASEBOOK_STATUS_OK) {
            fail("merge", status);
            continue;
        }
        at = strstr(out, "\"merge_id\":\"");
        if (at != NULL) {
            at += 12;
            snprintf(merge_id, sizeof merge_id, "%.*s", (int)strcspn(at, "\""), at);
        }
        casebook_string_free(out);
        if (i % 3 == 0) {
            status = casebook_unmerge(cb, "stress", merge_id, &out);
            if (status != CASEBOOK_STATUS_OK) {
                fail("unmerge", status);
                continue;
            }
            casebook_string_free(out);
        }
    }
    return NULL;
}

int main(void) {
    pthread_t threads[RECOGNIZERS + WRITERS];
    char *out = NULL;
    size_t handles = 1, recognitions = 1, strings = 1;
    casebook_status status;
    unsigned i;

    status = casebook_open_memory("{\"config\": {\"default_region\": \"GB\"}}", &cb);
    if (status != CASEBOOK_STATUS_OK) {
        fail("open", status);
        return 1;
    }
    for (i = 0; i < SEEDED; i++) {
        create("Seed", i % 7 == 0 ? "Household" : "Caller", i, NULL, 0);
    }
    /* A few households: a second profile on a seeded number. */
    for (i = 0; i < SEEDED; i += 7) {
        create("Other", "Household", i, NULL, 0);
    }

    for (i = 0; i < RECOGNIZERS; i++) {
        pthread_create(&threads[i], NULL, recognizer, (void *)(size_t)(i + 1));
    }
    for (i = 0; i < WRITERS; i++) {
        pthread_create(&threads[RECOGNIZERS + i], NULL, writer, (void *)(size_t)i);
    }
    for (i = 0; i < RECOGNIZERS + WRITERS; i++) {
        pthread_join(threads[i], NULL);
    }

    status = casebook_call(cb, "check_invariants", NULL, &out);
    if (status != CASEBOOK_STATUS_OK) {
        fail("check_invariants", status);
    } else {
        if (strcmp(out, "[]") != 0) {
            fprintf(stderr, "invariants broken: %s\n", out);
            failures++;
        }
        casebook_string_free(out);
    }
    casebook_free(cb);
    casebook_live_objects(&handles, &recognitions, &strings);
    if (handles || recognitions || strings) {
        fprintf(stderr, "leaked: %zu handles, %zu recognitions, %zu strings\n", handles, recognitions, strings);
        failures++;
    }
    printf("test_threads: %d recognizers x %d recognitions, %d writers x %d merges, %d failures\n", RECOGNIZERS,
           RECOGNITIONS_PER_THREAD, WRITERS, MERGES_PER_WRITER, failures);
    return failures == 0 ? 0 : 1;
}
