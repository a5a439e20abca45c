/* What the C API tests share: the check counters and macros, the helpers
 * that read answers, and the test groups kept in other files. */
#ifndef CASEBOOK_TEST_API_H
#define CASEBOOK_TEST_API_H

#include "casebook.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int checks;
extern int failures;
/* Scratch space for building JSON arguments. */
extern char args[1024];
extern const char *OPTIONS;

#define CHECK(cond)                                                          \
    do {                                                                     \
        checks++;                                                            \
        if (!(cond)) {                                                       \
            failures++;                                                      \
            fprintf(stderr, "%s:%d: failed: %s\n  last error: %s\n",         \
                    __FILE__, __LINE__, #cond, casebook_last_error_json());  \
        }                                                                    \
    } while (0)

#define OK(call) CHECK((call) == CASEBOOK_STATUS_OK)
#define FAILS(call, status) CHECK((call) == (status))

/* A string the library handed out contains `needle`; the string is freed. */
int has(char *json, const char *needle);
/* How many times `needle` occurs in `json` (not freed). */
int occurrences(const char *json, const char *needle);
/* The last error's JSON contains `needle`. */
int error_has(const char *needle);

/* Copies the string value of "key" from a JSON answer (freed) into buf. */
int grab(char *json, const char *key, char *buf, size_t size);

/* test_slas.c: calendars, SLAs, clocks and due events, on a handle opened
 * with SLA_OPTIONS and nothing loaded yet. */
extern const char *SLA_OPTIONS;
void test_service_levels(casebook_t *cb);

/* test_intake.c: intake rules, inbound messages taken once, contact
 * points one at a time, on a handle with nothing loaded yet. */
void test_intake(casebook_t *cb);

/* test_linked.c: CRM records at the screen pop, the customer card, host
 * requests and the wrap-up, on a handle with nothing loaded yet. */
void test_linked(casebook_t *cb);

/* test_events.c: the event outbox read by cursor and by consumer, on a
 * handle that may hold events already. */
void test_events(casebook_t *cb);
/* test_events.c: a response template and a case notification. */
void test_notify_case(casebook_t *cb);
void test_profile_dashboard(casebook_t *cb);
void test_reports(casebook_t *cb);
/* test_tasks.c: tasks on a case and an agent's task list. */
void test_tasks(casebook_t *cb);
/* test_routing.c: routing rules and a priority set by hand. */
void test_routing(casebook_t *cb);

/* test_telephony.c: what a telephony host reads without JSON parsing,
 * stale handles, short messages, the status enum in a switch. */
void test_telephony_accessors(casebook_t *cb);
void test_stale_handles(void);
void test_short_error_messages(void);
int status_is_retryable(casebook_status status);

#endif
