/* The event outbox through the C API, as a host's mailer drains it: read
 * after a cursor, acknowledge per consumer, resume after a crash with the
 * same idempotency keys. Runs on a handle that may hold events already.
 * Run by test_api.c. */
#include "test_api.h"

/* The number after "key": in a JSON answer (not freed), or 0. */
static unsigned long long number_after(const char *json, const char *key) {
    char pattern[64];
    const char *at;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    at = json ? strstr(json, pattern) : NULL;
    return at ? strtoull(at + strlen(pattern), NULL, 10) : 0;
}

void test_events(casebook_t *cb) {
    char *out = NULL;
    char customer[32], number[32], second_key[64], again_key[64];
    unsigned long long base, last;

    /* Where the outbox stands before this test adds to it. */
    OK(casebook_call(cb, "event_consumer", "{\"consumer\": \"c-test-mailer\"}", &out));
    base = number_after(out, "last");
    CHECK(number_after(out, "acknowledged") == 0);
    casebook_string_free(out);
    OK(casebook_acknowledge_events(cb, "c-test-mailer", base, &out));
    CHECK(number_after(out, "acknowledged") == base);
    casebook_string_free(out);

    OK(casebook_create_profile(cb, "agent",
                               "{\"given_name\": \"Edith\", \"family_name\": \"Clarke\","
                               " \"contact_points\": [{\"kind\": \"email\", \"value\": \"edith@example.org\", \"primary\": true}]}",
                               true, &out));
    CHECK(grab(out, "customer_id", customer, sizeof customer));
    snprintf(args, sizeof args,
             "{\"short_description\": \"Invoice missing\", \"channel\": \"email\", \"assignee\": \"agent-7\","
             " \"links\": [{\"profile\": \"%s\", \"role\": \"requester\"}]}",
             customer);
    OK(casebook_create_case(cb, "agent", args, &out));
    CHECK(grab(out, "number", number, sizeof number));
    snprintf(args, sizeof args,
             "{\"by\": \"agent-7\", \"ref\": \"%s\", \"kind\": \"comment\", \"text\": \"We are on it.\"}", number);
    OK(casebook_call(cb, "add_case_entry", args, &out));
    casebook_string_free(out);

    /* profile.created, case.created, case.assigned, case.comment_added. */
    OK(casebook_events_after(cb, base, 0, &out));
    CHECK(occurrences(out, "\"seq\":") == 4);
    CHECK(strstr(out ? out : "", "\"kind\":\"profile.created\"") != NULL);
    CHECK(strstr(out ? out : "", "\"kind\":\"case.assigned\"") != NULL);
    CHECK(strstr(out ? out : "", "\"address\":\"edith@example.org\"") != NULL);
    CHECK(strstr(out ? out : "", "\"reason\":\"assignee\",\"user\":\"agent-7\"") != NULL);
    CHECK(strstr(out ? out : "", "\"text\":\"We are on it.\"") != NULL);
    casebook_string_free(out);

    /* The mailer takes two, crashes before acknowledging the second, and
     * gets it again with the same key. */
    OK(casebook_events_for(cb, "c-test-mailer", 2, &out));
    CHECK(occurrences(out, "\"seq\":") == 2);
    casebook_string_free(out);
    OK(casebook_events_after(cb, base + 1, 1, &out));
    CHECK(number_after(out, "seq") == base + 2);
    CHECK(grab(out, "key", second_key, sizeof second_key));
    OK(casebook_acknowledge_events(cb, "c-test-mailer", base + 1, &out));
    casebook_string_free(out);
    OK(casebook_events_for(cb, "c-test-mailer", 1, &out));
    CHECK(number_after(out, "seq") == base + 2);
    CHECK(grab(out, "key", again_key, sizeof again_key));
    CHECK(strcmp(second_key, again_key) == 0);

    /* A late duplicate acknowledgement changes nothing; the future is refused. */
    OK(casebook_acknowledge_events(cb, "c-test-mailer", base + 4, &out));
    last = number_after(out, "last");
    CHECK(last == base + 4);
    casebook_string_free(out);
    OK(casebook_acknowledge_events(cb, "c-test-mailer", base + 2, &out));
    CHECK(number_after(out, "acknowledged") == base + 4);
    casebook_string_free(out);
    OK(casebook_events_for(cb, "c-test-mailer", 10, &out));
    CHECK(has(out, "[]"));
    FAILS(casebook_acknowledge_events(cb, "c-test-mailer", last + 1, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_events_for(cb, NULL, 10, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_events_for(cb, "   ", 10, &out), CASEBOOK_STATUS_INVALID_INPUT);
    /* Another consumer sees everything from the start. */
    OK(casebook_events_for(cb, "c-test-crm", 1000, &out));
    CHECK(occurrences(out, "\"seq\":") == (int)last);
    casebook_string_free(out);
}
