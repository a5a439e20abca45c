/* What a telephony host reads without JSON parsing (answer and recognition
 * accessors), stale and forged handles, short error messages, and the
 * status enum in a switch that must name every case. Run by test_api.c. */
#include "test_api.h"

/* The values a telephony host needs, read without JSON parsing. */
void test_telephony_accessors(casebook_t *cb) {
    char *out = NULL;
    char *other = NULL;
    casebook_recognition_t *rec = NULL;
    const char *text = NULL;
    const char *number = NULL, *title = NULL, *status = NULL;
    const char *id = NULL, *channel = NULL, *started = NULL, *summary = NULL;
    char customer[32], profile_id[64], case_number[32];
    uint64_t version = 0;
    size_t count = 99;

    OK(casebook_create_profile(cb, "agent",
                               "{\"given_name\": \"Mary\", \"family_name\": \"Somerville\","
                               " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"07400 654321\"}]}",
                               false, &out));
    OK(casebook_answer_customer_id(out, &text));
    CHECK(text != NULL && strncmp(text, "C-", 2) == 0);
    snprintf(customer, sizeof customer, "%s", text ? text : "");
    OK(casebook_answer_id(out, &text));
    CHECK(text != NULL && strlen(text) == 36);
    snprintf(profile_id, sizeof profile_id, "%s", text ? text : "");
    OK(casebook_answer_version(out, &version));
    CHECK(version == 1);
    FAILS(casebook_answer_case_number(out, &text), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_answer_merge_id(out, &text), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_answer_id(out, NULL), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_string_free(out));
    /* A freed or foreign answer is refused. */
    FAILS(casebook_answer_id(out, &text), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_answer_id("not ours", &text), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_answer_version(NULL, &version), CASEBOOK_STATUS_INVALID_INPUT);

    OK(casebook_update_profile(cb, "agent", customer, 1,
                               "{\"given_name\": \"Mary\", \"family_name\": \"Somerville\","
                               " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"07400 654321\"}]}",
                               &out));
    OK(casebook_answer_version(out, &version));
    CHECK(version == 2);
    OK(casebook_answer_customer_id(out, &text));
    CHECK(text != NULL && strcmp(text, customer) == 0);
    OK(casebook_answer_id(out, &text));
    CHECK(text != NULL && strcmp(text, profile_id) == 0);
    OK(casebook_string_free(out));

    snprintf(args, sizeof args,
             "{\"short_description\": \"Line drops calls\", \"links\": [{\"profile\": \"%s\", \"role\": \"requester\"}]}",
             customer);
    OK(casebook_create_case(cb, "agent", args, &out));
    OK(casebook_answer_case_number(out, &text));
    CHECK(text != NULL && strncmp(text, "CS", 2) == 0);
    snprintf(case_number, sizeof case_number, "%s", text ? text : "");
    OK(casebook_answer_case_status(out, &text));
    CHECK(text != NULL && strcmp(text, "new") == 0);
    FAILS(casebook_answer_customer_id(out, &text), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_string_free(out));

    snprintf(args, sizeof args,
             "{\"channel\": \"voice\", \"address\": \"07400 654321\", \"summary\": \"Reported dropped calls\","
             " \"profile\": \"%s\"}",
             customer);
    OK(casebook_log_contact(cb, "agent", args, &out));
    OK(casebook_answer_id(out, &text));
    CHECK(text != NULL && strlen(text) == 36);
    /* The same answer through casebook_call carries the same values. */
    snprintf(args, sizeof args, "{\"ref\": \"%s\"}", customer);
    OK(casebook_call(cb, "profile", args, &other));
    OK(casebook_answer_customer_id(other, &text));
    CHECK(text != NULL && strcmp(text, customer) == 0);
    OK(casebook_string_free(other));

    /* Known caller: recent contacts and the most urgent case. */
    OK(casebook_recognize(cb, "voice", "+447400654321", &rec));
    OK(casebook_recognition_recent_contact_count(rec, &count));
    CHECK(count == 1);
    OK(casebook_recognition_recent_contact(rec, 0, &id, &channel, &started, &summary));
    OK(casebook_answer_id(out, &text));
    CHECK(id != NULL && text != NULL && strcmp(id, text) == 0);
    CHECK(channel != NULL && strcmp(channel, "voice") == 0);
    CHECK(started != NULL && strncmp(started, "2026-", 5) == 0);
    CHECK(summary != NULL && strcmp(summary, "Reported dropped calls") == 0);
    OK(casebook_recognition_recent_contact(rec, 0, NULL, NULL, NULL, NULL));
    FAILS(casebook_recognition_recent_contact(rec, 1, &id, NULL, NULL, NULL), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_string_free(out));
    OK(casebook_recognition_urgent_case(rec, 0, &number, &title, &status));
    CHECK(number != NULL && strcmp(number, case_number) == 0);
    CHECK(title != NULL && strcmp(title, "Line drops calls") == 0);
    CHECK(status != NULL && strcmp(status, "new") == 0);
    FAILS(casebook_recognition_urgent_case(rec, 1, &number, NULL, NULL), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_recognition_open_case_status(rec, 0, &status));
    CHECK(status != NULL && strcmp(status, "new") == 0);
    FAILS(casebook_recognition_key(rec, &text), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_recognition_draft_contact_count(rec, &count));
    CHECK(count == 0);
    OK(casebook_recognition_free(rec));

    /* Unknown caller: the normalised address and the draft's contact point. */
    OK(casebook_recognize(cb, "voice", "07400 777888", &rec));
    OK(casebook_recognition_key(rec, &text));
    CHECK(text != NULL && strcmp(text, "phone:+447400777888") == 0);
    OK(casebook_recognition_draft_contact_count(rec, &count));
    CHECK(count == 1);
    OK(casebook_recognition_draft_contact(rec, 0, &channel, &text));
    CHECK(channel != NULL && strcmp(channel, "phone") == 0);
    CHECK(text != NULL && strstr(text, "777888") != NULL);
    FAILS(casebook_recognition_draft_contact(rec, 1, &channel, &text), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_recognition_recent_contact_count(rec, &count));
    CHECK(count == 0);
    FAILS(casebook_recognition_urgent_case(rec, 0, &number, NULL, NULL), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_recognition_key(rec, NULL), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_recognition_free(rec));
    FAILS(casebook_recognition_key(rec, &text), CASEBOOK_STATUS_INVALID_INPUT);

    /* A switch's identity: the extension comes apart from the number. */
    {
        casebook_recognition_outcome outcome = CASEBOOK_RECOGNITION_OUTCOME_UNKNOWN;
        bool withheld = true;
        OK(casebook_recognize(cb, "voice", "\"Mary S\" <tel:+447400654321;ext=12>;tag=9f1", &rec));
        OK(casebook_recognition_kind(rec, &outcome));
        CHECK(outcome == CASEBOOK_RECOGNITION_OUTCOME_KNOWN);
        OK(casebook_recognition_customer_id(rec, 0, &text));
        CHECK(text != NULL && strcmp(text, customer) == 0);
        OK(casebook_recognition_extension(rec, &text));
        CHECK(text != NULL && strcmp(text, "12") == 0);
        OK(casebook_recognition_withheld(rec, &withheld));
        CHECK(!withheld);
        FAILS(casebook_recognition_extension(rec, NULL), CASEBOOK_STATUS_INVALID_INPUT);
        FAILS(casebook_recognition_withheld(rec, NULL), CASEBOOK_STATUS_INVALID_INPUT);
        OK(casebook_recognition_free(rec));

        /* A withheld caller: never matched, no extension, an empty draft. */
        OK(casebook_recognize(cb, "voice", "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=1", &rec));
        OK(casebook_recognition_kind(rec, &outcome));
        CHECK(outcome == CASEBOOK_RECOGNITION_OUTCOME_UNKNOWN);
        OK(casebook_recognition_withheld(rec, &withheld));
        CHECK(withheld);
        text = "not null";
        OK(casebook_recognition_extension(rec, &text));
        CHECK(text == NULL);
        OK(casebook_recognition_draft_contact_count(rec, &count));
        CHECK(count == 0);
        OK(casebook_recognition_free(rec));
        FAILS(casebook_recognition_withheld(rec, &withheld), CASEBOOK_STATUS_INVALID_INPUT);
    }

    /* A household number: each profile's most urgent open case, if any. */
    {
        char with_case[32], without_case[32];
        size_t i, found = 0;
        casebook_recognition_outcome outcome = CASEBOOK_RECOGNITION_OUTCOME_UNKNOWN;
        OK(casebook_create_profile(cb, "agent",
                                   "{\"given_name\": \"Wren\", \"family_name\": \"Ashby\","
                                   " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"0113 496 0123\"}]}",
                                   true, &out));
        CHECK(grab(out, "customer_id", with_case, sizeof with_case));
        OK(casebook_create_profile(cb, "agent",
                                   "{\"given_name\": \"Tam\", \"family_name\": \"Ashby\","
                                   " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"0113 496 0123\"}]}",
                                   true, &out));
        CHECK(grab(out, "customer_id", without_case, sizeof without_case));
        snprintf(args, sizeof args,
                 "{\"short_description\": \"Boiler visit\", \"links\": [{\"profile\": \"%s\", \"role\": \"requester\"}]}",
                 with_case);
        OK(casebook_create_case(cb, "agent", args, &out));
        OK(casebook_answer_case_number(out, &text));
        snprintf(case_number, sizeof case_number, "%s", text ? text : "");
        OK(casebook_string_free(out));

        OK(casebook_recognize(cb, "voice", "sip:+441134960123@pbx.example.com;user=phone", &rec));
        OK(casebook_recognition_kind(rec, &outcome));
        CHECK(outcome == CASEBOOK_RECOGNITION_OUTCOME_SEVERAL);
        OK(casebook_recognition_count(rec, &count));
        CHECK(count == 2);
        for (i = 0; i < count; i++) {
            OK(casebook_recognition_customer_id(rec, i, &text));
            if (text != NULL && strcmp(text, with_case) == 0) {
                found++;
                number = title = status = NULL;
                OK(casebook_recognition_urgent_case(rec, i, &number, &title, &status));
                CHECK(number != NULL && strcmp(number, case_number) == 0);
                CHECK(title != NULL && strcmp(title, "Boiler visit") == 0);
                CHECK(status != NULL && strcmp(status, "new") == 0);
            } else if (text != NULL && strcmp(text, without_case) == 0) {
                found++;
                FAILS(casebook_recognition_urgent_case(rec, i, &number, NULL, NULL), CASEBOOK_STATUS_NOT_FOUND);
            }
        }
        CHECK(found == 2);
        FAILS(casebook_recognition_urgent_case(rec, 2, &number, NULL, NULL), CASEBOOK_STATUS_INVALID_INPUT);
        OK(casebook_recognition_free(rec));
    }
}

/* A freed handle stays refused while new objects of its kind take its slot. */
void test_stale_handles(void) {
    casebook_t *stale = NULL, *fresh[100];
    casebook_recognition_t *stale_rec = NULL, *recs[100];
    casebook_t *cb = NULL;
    casebook_recognition_outcome kind;
    char *out = NULL;
    int i, same_address = 0;

    OK(casebook_open_memory(NULL, &stale));
    OK(casebook_free(stale));
    for (i = 0; i < 100; i++) {
        fresh[i] = NULL;
        OK(casebook_open_memory(NULL, &fresh[i]));
        same_address += fresh[i] == stale;
        FAILS(casebook_call(stale, "templates", NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
        FAILS(casebook_free(stale), CASEBOOK_STATUS_INVALID_INPUT);
    }
    CHECK(same_address == 0);
    for (i = 0; i < 100; i++) OK(casebook_free(fresh[i]));

    OK(casebook_open_memory(OPTIONS, &cb));
    OK(casebook_recognize(cb, "voice", "07400 123456", &stale_rec));
    OK(casebook_recognition_free(stale_rec));
    for (i = 0; i < 100; i++) {
        recs[i] = NULL;
        OK(casebook_recognize(cb, "voice", "07400 123456", &recs[i]));
        CHECK(recs[i] != stale_rec);
        FAILS(casebook_recognition_kind(stale_rec, &kind), CASEBOOK_STATUS_INVALID_INPUT);
        FAILS(casebook_recognition_free(stale_rec), CASEBOOK_STATUS_INVALID_INPUT);
    }
    for (i = 0; i < 100; i++) OK(casebook_recognition_free(recs[i]));

    /* Forged handles: near a real one, and arbitrary numbers. */
    FAILS(casebook_call((casebook_t *)((uintptr_t)cb + 1), "templates", NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_call((casebook_t *)((uintptr_t)cb ^ ((uintptr_t)1 << 40)), "templates", NULL, &out),
          CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_free((casebook_t *)(uintptr_t)0xdeadbeef), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_recognition_free((casebook_recognition_t *)UINTPTR_MAX), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_free(cb));
}

/* A huge argument yields a short message, quoting only its start. */
void test_short_error_messages(void) {
    const size_t size = 10 * 1024 * 1024;
    char *huge = malloc(size + 1);
    casebook_t *cb = NULL;
    casebook_recognition_t *rec = NULL;
    char *out = NULL;

    CHECK(huge != NULL);
    if (huge == NULL) return;
    memset(huge, 'x', size);
    huge[size] = '\0';
    memcpy(huge, "C-", 2);
    OK(casebook_open_memory(OPTIONS, &cb));
    FAILS(casebook_profile(cb, huge, &out), CASEBOOK_STATUS_NOT_FOUND);
    CHECK(strlen(casebook_last_error_message()) < 400);
    CHECK(strlen(casebook_last_error_json()) < 600);
    CHECK(strstr(casebook_last_error_message(), "(10485760 bytes)") != NULL);
    FAILS(casebook_recognize(cb, huge, "07400 123456", &rec), CASEBOOK_STATUS_INVALID_INPUT);
    CHECK(strlen(casebook_last_error_message()) < 400);
    FAILS(casebook_case(cb, huge, &out), CASEBOOK_STATUS_NOT_FOUND);
    CHECK(strlen(casebook_last_error_message()) < 400);
    /* Inside JSON arguments too (serde quotes unknown names in full). */
    huge[0] = '{';
    huge[1] = '"';
    memcpy(huge + size - 6, "\": 1}", 6);
    FAILS(casebook_create_profile(cb, "agent", huge, false, &out), CASEBOOK_STATUS_INVALID_INPUT);
    CHECK(strlen(casebook_last_error_message()) < 400);
    FAILS(casebook_load_template(cb, "admin", huge, &out), CASEBOOK_STATUS_INVALID_TEMPLATE);
    CHECK(strlen(casebook_last_error_message()) < 400);
    OK(casebook_free(cb));
    free(huge);
}

/* A switch over the status enum: with every case listed it compiles under
 * -Wswitch-enum -Werror; a missing case would not. */
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wswitch-enum"
int status_is_retryable(casebook_status status) {
    switch (status) {
    case CASEBOOK_STATUS_CONFLICT:
    case CASEBOOK_STATUS_STORAGE:
        return 1;
    case CASEBOOK_STATUS_OK:
    case CASEBOOK_STATUS_INVALID_INPUT:
    case CASEBOOK_STATUS_VALIDATION_FAILED:
    case CASEBOOK_STATUS_INVALID_TEMPLATE:
    case CASEBOOK_STATUS_NOT_FOUND:
    case CASEBOOK_STATUS_ILLEGAL_TRANSITION:
    case CASEBOOK_STATUS_ALREADY_EXISTS:
    case CASEBOOK_STATUS_DUPLICATE_SUSPECTED:
    case CASEBOOK_STATUS_UNMERGE_REFUSED:
    case CASEBOOK_STATUS_INCOMPATIBLE_VERSION:
    case CASEBOOK_STATUS_INTERNAL:
    case CASEBOOK_STATUS_INVALID_STATE:
    case CASEBOOK_STATUS_INVALID_DEFINITION:
    case CASEBOOK_STATUS_TASKS_OPEN:
        return 0;
    }
    return 0;
}
#pragma GCC diagnostic pop

