/* Case intake through the C API, as a mail gateway or an IVR uses it:
 * rules loaded once, each inbound message taken exactly once, the decision
 * and the case number read without JSON parsing. Run by test_api.c. */
#include "test_api.h"

static const char *RULES =
    "{\"rules\": ["
    " {\"name\": \"thanks\", \"when\": {\"subject_any\": [\"thank you\"], \"body_max_words\": 10}, \"action\": \"log\"},"
    " {\"name\": \"callers\", \"when\": {\"channels\": [\"voice\"]}, \"action\": \"open\","
    "  \"case\": {\"category\": \"phone\", \"urgency\": \"high\"}}]}";

/* The decision and case number of an intake answer, compared; the answer is freed. */
static int decided(char *answer, const char *decision, const char *number) {
    const char *got_decision = NULL, *got_number = NULL;
    int ok = casebook_answer_decision(answer, &got_decision) == CASEBOOK_STATUS_OK &&
             strcmp(got_decision, decision) == 0;
    if (number != NULL) {
        ok = ok && casebook_answer_case_number(answer, &got_number) == CASEBOOK_STATUS_OK &&
             strcmp(got_number, number) == 0;
    }
    casebook_string_free(answer);
    return ok;
}

/* Intake on a handle with nothing loaded yet. */
void test_intake(casebook_t *cb) {
    char *out = NULL;
    char number[32];
    const char *field = NULL;

    FAILS(casebook_load_intake_rules(cb, "admin", "{\"rules\": [{\"name\": 1}]}", &out),
          CASEBOOK_STATUS_INVALID_DEFINITION);
    OK(casebook_load_intake_rules(cb, "admin", RULES, &out));
    CHECK(has(out, "\"version\":1"));

    /* A call from an unknown number opens a case by the `callers` rule. */
    OK(casebook_intake(cb, "ivr",
                       "{\"channel\": \"voice\", \"from\": \"sip:+447400123456@pbx.example.com\","
                       " \"to\": \"+442079460000\", \"body\": \"Caller pressed 2: broadband fault\","
                       " \"message_id\": \"call-1\"}",
                       &out));
    CHECK(grab(out, "case_number", number, sizeof number));
    OK(casebook_intake(cb, "ivr",
                       "{\"channel\": \"voice\", \"from\": \"sip:+447400123456@pbx.example.com\","
                       " \"message_id\": \"call-1\"}",
                       &out));
    CHECK(has(out, "\"replayed\":true"));
    OK(casebook_case(cb, number, &out));
    CHECK(has(out, "\"urgency\":\"high\""));

    /* The e-mail that follows names the case: it joins it. */
    snprintf(args, sizeof args,
             "{\"channel\": \"email\", \"from\": \"Kim <kim@example.org>\", \"subject\": \"Re: [%s] fault\","
             " \"message_id\": \"<k1@example.org>\"}",
             number);
    OK(casebook_intake(cb, "mail", args, &out));
    CHECK(decided(out, "joined", number));
    OK(casebook_intake(cb, "mail",
                       "{\"channel\": \"email\", \"from\": \"kim@example.org\", \"subject\": \"thank you\","
                       " \"in_reply_to\": \"<k1@example.org>\", \"message_id\": \"<k2@example.org>\"}",
                       &out));
    CHECK(decided(out, "logged", number));

    /* Bad input: a stable status, nothing stored. */
    FAILS(casebook_intake(cb, "mail", "{\"channel\": \"email\"}", &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_intake(cb, "mail", "{\"channel\": \"email\", \"from\": \"\"}", &out),
          CASEBOOK_STATUS_VALIDATION_FAILED);
    FAILS(casebook_intake(cb, "mail", "not json", &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_intake(cb, "mail", NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    CHECK(error_has("inbound_json"));
    FAILS(casebook_answer_decision("not an answer", &field), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_case(cb, number, &out));
    FAILS(casebook_answer_decision(out, &field), CASEBOOK_STATUS_INVALID_INPUT);
    casebook_string_free(out);

    /* One contact point at a time: the caller's new number, nothing else touched. */
    OK(casebook_create_profile(cb, "agent",
                               "{\"given_name\": \"Kim\", \"family_name\": \"Lee\","
                               " \"contact_points\": [{\"kind\": \"email\", \"value\": \"kim@example.org\"}]}",
                               false, &out));
    CHECK(has(out, "\"version\":1"));
    OK(casebook_add_contact_point(cb, "agent", "C-000001", 1,
                                  "{\"kind\": \"phone\", \"value\": \"07400 123457\"}", &out));
    CHECK(has(out, "\"value\":\"+447400123457\""));
    FAILS(casebook_add_contact_point(cb, "agent", "C-000001", 1,
                                     "{\"kind\": \"phone\", \"value\": \"07400 123458\"}", &out),
          CASEBOOK_STATUS_CONFLICT);
    OK(casebook_update_contact_point(cb, "agent", "C-000001", 2, "07400 123457",
                                     "{\"kind\": \"phone\", \"value\": \"07400 123459\"}", &out));
    CHECK(has(out, "\"version\":3"));
    OK(casebook_remove_contact_point(cb, "agent", "C-000001", 3, "kim@example.org", &out));
    CHECK(has(out, "\"contact_points\":[{\"key\":\"phone:+447400123459\""));
    FAILS(casebook_remove_contact_point(cb, "agent", "C-000001", 4, "kim@example.org", &out),
          CASEBOOK_STATUS_NOT_FOUND);
    FAILS(casebook_remove_contact_point(cb, "agent", "C-000001", 4, NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
}
