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

/* A response template and a notification to a case's customers, as a
 * host's mailer sends it: one message.requested event per reachable
 * customer, the unreachable named. Runs on a handle that may hold
 * records already. */
void test_notify_case(casebook_t *cb) {
    char *out = NULL;
    char with_mail[32], without[32], number[32];

    OK(casebook_load_response_template(cb, "admin",
                                       "{\"id\": \"c_update\", \"name\": \"Update\", \"channel\": \"email\","
                                       " \"subject\": \"Case {{ case.number }}\","
                                       " \"body\": \"<p>Dear {{ profile.given_name }}, {{ case.short_description }}</p>\"}",
                                       &out));
    CHECK(has(out, "\"version\":1"));
    FAILS(casebook_load_response_template(cb, "admin",
                                          "{\"id\": \"c_bad\", \"name\": \"Bad\", \"channel\": \"sms\","
                                          " \"body\": \"{{ case.numbr }}\"}",
                                          &out),
          CASEBOOK_STATUS_INVALID_DEFINITION);
    CHECK(error_has("case.numbr"));
    FAILS(casebook_load_response_template(cb, "admin", NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);

    OK(casebook_create_profile(cb, "agent",
                               "{\"given_name\": \"Hedy\", \"family_name\": \"Lamarr\","
                               " \"contact_points\": [{\"kind\": \"email\", \"value\": \"hedy@example.org\"}]}",
                               true, &out));
    CHECK(grab(out, "customer_id", with_mail, sizeof with_mail));
    OK(casebook_create_profile(cb, "agent", "{\"given_name\": \"Fritz\", \"family_name\": \"Mandl\"}", true, &out));
    CHECK(grab(out, "customer_id", without, sizeof without));
    snprintf(args, sizeof args,
             "{\"short_description\": \"Signal <weak>\", \"links\": [{\"profile\": \"%s\", \"role\": \"requester\"},"
             " {\"profile\": \"%s\", \"role\": \"affected\"}]}",
             with_mail, without);
    OK(casebook_create_case(cb, "agent", args, &out));
    CHECK(grab(out, "number", number, sizeof number));

    OK(casebook_notify_case(cb, "agent-7", number, "c_update", NULL, &out));
    CHECK(out != NULL && occurrences(out, "\"contact\":") == 1);
    CHECK(out != NULL && strstr(out, "\"address\":\"hedy@example.org\"") != NULL);
    CHECK(out != NULL && strstr(out, "Signal &lt;weak&gt;") != NULL);
    CHECK(out != NULL && strstr(out, "\"reason\":\"no email contact point\"") != NULL);
    casebook_string_free(out);
    OK(casebook_notify_case(cb, "agent-7", number, "c_update", "[\"affected\"]", &out));
    CHECK(has(out, "\"sent\":[]"));
    FAILS(casebook_notify_case(cb, "agent-7", number, "c_update", "[\"boss\"]", &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_notify_case(cb, "agent-7", number, "c_update", "not json", &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_notify_case(cb, "agent-7", number, "c_missing", NULL, &out), CASEBOOK_STATUS_NOT_FOUND);
    FAILS(casebook_notify_case(cb, "agent-7", "CS404", "c_update", NULL, &out), CASEBOOK_STATUS_NOT_FOUND);

    /* The message waits in the outbox for the mailer. */
    OK(casebook_events_for(cb, "c-test-notify", 1000, &out));
    CHECK(out != NULL && occurrences(out, "\"kind\":\"message.requested\"") == 1);
    casebook_string_free(out);
    snprintf(args, sizeof args,
             "{\"by\": \"agent\", \"template\": \"c_update\", \"profile\": \"%s\", \"case\": \"%s\"}", with_mail, number);
    OK(casebook_call(cb, "render_response", args, &out));
    CHECK(has(out, "<p>Dear Hedy, Signal &lt;weak&gt;</p>"));

    /* Feedback once the case is resolved, once per customer. */
    snprintf(args, sizeof args, "{\"profile\": \"%s\", \"score\": 5, \"channel\": \"email\"}", with_mail);
    FAILS(casebook_record_feedback(cb, "survey", number, args, &out), CASEBOOK_STATUS_INVALID_STATE);
    snprintf(args, sizeof args,
             "{\"by\": \"agent\", \"ref\": \"%s\", \"version\": 1, \"status\": \"resolved\","
             " \"resolution\": {\"notes\": \"Antenna replaced\"}}", number);
    OK(casebook_call(cb, "set_case_status", args, &out));
    casebook_string_free(out);
    snprintf(args, sizeof args, "{\"profile\": \"%s\", \"score\": 5, \"channel\": \"email\"}", with_mail);
    OK(casebook_record_feedback(cb, "survey", number, args, &out));
    CHECK(has(out, "\"score\":5"));
    FAILS(casebook_record_feedback(cb, "survey", number, args, &out), CASEBOOK_STATUS_ALREADY_EXISTS);
    snprintf(args, sizeof args, "{\"profile\": \"%s\", \"score\": 9}", without);
    FAILS(casebook_record_feedback(cb, "survey", number, args, &out), CASEBOOK_STATUS_VALIDATION_FAILED);
    FAILS(casebook_record_feedback(cb, "survey", number, "{\"score\": 3}", &out), CASEBOOK_STATUS_INVALID_INPUT);
}

void test_profile_dashboard(casebook_t *cb) {
    char *out = NULL;
    char customer[32];

    OK(casebook_create_profile(cb, "agent",
                               "{\"given_name\": \"Lise\", \"family_name\": \"Meitner\", \"preferred_channel\": \"sms\"}",
                               true, &out));
    CHECK(grab(out, "customer_id", customer, sizeof customer));
    snprintf(args, sizeof args,
             "{\"short_description\": \"Meter\", \"campaign\": \"winter\","
             " \"links\": [{\"profile\": \"%s\", \"role\": \"requester\"}]}",
             customer);
    OK(casebook_create_case(cb, "agent", args, &out));
    casebook_string_free(out);
    snprintf(args, sizeof args,
             "{\"channel\": \"voice\", \"address\": \"+44 20 7946 0001\", \"profile\": \"%s\","
             " \"started_at\": \"2020-01-02T10:00:00Z\"}", customer);
    OK(casebook_log_contact(cb, "agent", args, &out));
    casebook_string_free(out);
    snprintf(args, sizeof args,
             "{\"channel\": \"voice\", \"direction\": \"outbound\", \"profile\": \"%s\", \"outcome\": \"busy\","
             " \"campaign\": \"winter\", \"started_at\": \"2020-01-03T10:00:00Z\"}", customer);
    OK(casebook_log_contact(cb, "agent", args, &out));
    CHECK(has(out, "\"outcome\":\"busy\""));

    OK(casebook_profile_dashboard(cb, customer, NULL, NULL, &out));
    CHECK(out != NULL && strstr(out, "\"cases_by_status\":[{\"count\":1,\"status\":\"new\"}]") != NULL);
    CHECK(out != NULL && strstr(out, "\"contacts_by_channel\":[{\"channel\":\"voice\",\"contacts\":2,\"successful\":1}]") != NULL);
    CHECK(out != NULL && strstr(out, "{\"campaign\":\"winter\",\"cases\":1,\"contacts\":1}") != NULL);
    CHECK(out != NULL && strstr(out, "\"preferred_channel\":\"sms\"") != NULL);
    CHECK(has(out, "\"last_successful_at\":\"2020-01-02T10:00:00Z\""));
    /* A period in 2020: the case opened today is outside it. */
    OK(casebook_profile_dashboard(cb, customer, "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z", &out));
    CHECK(out != NULL && strstr(out, "\"cases\":0") != NULL);
    CHECK(has(out, "\"contacts\":2"));
    FAILS(casebook_profile_dashboard(cb, customer, "2021-01-01T00:00:00Z", "2020-01-01T00:00:00Z", &out),
          CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_profile_dashboard(cb, customer, "yesterday", NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_profile_dashboard(cb, NULL, NULL, NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_profile_dashboard(cb, "C-999999", NULL, NULL, &out), CASEBOOK_STATUS_NOT_FOUND);
}
