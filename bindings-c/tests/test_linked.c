/* Linked records through the C API, as a telephony host's agent desktop
 * uses them during a call: a CRM record linked to the caller shows at the
 * screen pop, the customer card of the call, a lead created through the
 * host, the wrap-up asking for the call's details once. Run by test_api.c. */
#include "test_api.h"

/* Linked records on a handle with nothing loaded yet. */
void test_linked(casebook_t *cb) {
    char *out = NULL;
    char contact[64], target[128];
    casebook_recognition_t *rec = NULL;
    size_t count = 99;
    const char *system = NULL, *record_type = NULL, *external_id = NULL, *name = NULL;

    OK(casebook_create_profile(cb, "agent",
                               "{\"given_name\": \"Ada\", \"family_name\": \"Lovelace\","
                               " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"020 7946 0958\"}]}",
                               false, &out));
    casebook_string_free(out);
    OK(casebook_link_external_record(cb, "agent", "{\"profile\": \"C-000001\"}",
                                     "{\"system\": \"salesforce\", \"record_type\": \"contact\","
                                     " \"external_id\": \"003A1\", \"display_name\": \"Ada L.\"}",
                                     &out));
    CHECK(has(out, "\"status\":\"linked\""));
    FAILS(casebook_link_external_record(cb, "agent", "{\"profile\": \"C-000001\"}",
                                        "{\"system\": \"salesforce\", \"record_type\": \"contact\"}", &out),
          CASEBOOK_STATUS_VALIDATION_FAILED);
    FAILS(casebook_link_external_record(cb, "agent", "{\"account\": \"A1\"}",
                                        "{\"system\": \"s\", \"record_type\": \"t\", \"external_id\": \"1\"}", &out),
          CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_link_external_record(cb, "agent", NULL, NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);

    /* The screen pop shows it without JSON parsing. */
    OK(casebook_recognize(cb, "voice", "+44 20 7946 0958", &rec));
    OK(casebook_recognition_external_record_count(rec, &count));
    CHECK(count == 1);
    OK(casebook_recognition_external_record(rec, 0, &system, &record_type, &external_id, &name));
    CHECK(strcmp(system, "salesforce") == 0 && strcmp(record_type, "contact") == 0);
    CHECK(strcmp(external_id, "003A1") == 0 && strcmp(name, "Ada L.") == 0);
    FAILS(casebook_recognition_external_record(rec, 1, &system, NULL, NULL, NULL), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_recognition_free(rec));

    /* The call, a lead created through the host, the card, the wrap-up. */
    OK(casebook_log_contact(cb, "agent",
                            "{\"channel\": \"voice\", \"address\": \"020 7946 0958\", \"profile\": \"C-000001\"}",
                            &out));
    CHECK(grab(out, "id", contact, sizeof contact));
    snprintf(target, sizeof target, "{\"contact\": \"%s\"}", contact);
    snprintf(args, sizeof args, "{\"by\": \"agent\", \"target\": %s, \"system\": \"dynamics\", \"record_type\": \"lead\"}",
             target);
    OK(casebook_call(cb, "request_external_record", args, &out));
    CHECK(has(out, "\"kind\":\"create_record\""));
    OK(casebook_host_requests(cb, 0, 0, &out));
    CHECK(has(out, "\"seq\":1,"));
    OK(casebook_complete_host_request(cb, "crm-connector", 1,
                                      "{\"system\": \"dynamics\", \"record_type\": \"lead\", \"external_id\": \"00Q7\"}",
                                      &out));
    CHECK(has(out, "\"status\":\"done\""));
    FAILS(casebook_complete_host_request(cb, "crm-connector", 1, NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_complete_host_request(cb, "crm-connector", 42, NULL, &out), CASEBOOK_STATUS_NOT_FOUND);
    OK(casebook_customer_card(cb, contact, &out));
    CHECK(strstr(out ? out : "", "\"source\":\"interaction\"") != NULL &&
          strstr(out ? out : "", "\"source\":\"interaction\"") < strstr(out ? out : "", "\"source\":\"customer\""));
    casebook_string_free(out);
    OK(casebook_wrap_up_contact(cb, "agent", contact, NULL, &out));
    CHECK(has(out, "\"ended_at\""));
    OK(casebook_wrap_up_contact(cb, "agent", contact, NULL, &out));
    casebook_string_free(out);
    OK(casebook_host_requests(cb, 1, 10, &out));
    CHECK(strstr(out ? out : "", "\"pass_details\"") != NULL && strstr(out ? out : "", "\"seq\":3") == NULL);
    casebook_string_free(out);
    FAILS(casebook_wrap_up_contact(cb, "agent", contact, "2000-01-01T00:00:00Z", &out), CASEBOOK_STATUS_VALIDATION_FAILED);
    FAILS(casebook_customer_card(cb, "not-an-id", &out), CASEBOOK_STATUS_INVALID_INPUT);
}
