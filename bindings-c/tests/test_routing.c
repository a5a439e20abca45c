/* Routing through the C API, as an IVR opening cases uses it: load the
 * routing rules, ask where a call's case would go, open it and find it
 * routed, set a priority by hand. The rules match only this test's
 * category, so the other tests' cases on the same handle stay unrouted.
 * Run by test_api.c. */
#include "test_api.h"

#define ROUTING_RULES                                                                  \
    "{\"rules\": [{\"name\": \"c-vip-voice\", \"when\": {\"categories\": [\"c-routing-vip\"],"  \
    " \"channels\": [\"voice\"]}, \"route\": {\"support_group\": \"vip-desk\","          \
    " \"assignee\": \"c-lee\", \"priority\": 2}},"                                     \
    " {\"name\": \"c-vip\", \"when\": {\"categories\": [\"c-routing-vip\"]},"              \
    " \"route\": {\"support_group\": \"vip-queue\"}}]}"

void test_routing(casebook_t *cb) {
    char *out = NULL;
    char number[32];

    OK(casebook_load_routing_rules(cb, "admin", ROUTING_RULES, &out));
    CHECK(has(out, "\"version\":"));
    FAILS(casebook_load_routing_rules(cb, "admin", "{\"rules\": [{\"name\": \"x\", \"route\": {}}]}",
                                      &out),
          CASEBOOK_STATUS_INVALID_DEFINITION);
    CHECK(error_has("support_group"));
    FAILS(casebook_load_routing_rules(cb, "admin", "{\"rules\": ", &out),
          CASEBOOK_STATUS_INVALID_DEFINITION);
    FAILS(casebook_load_routing_rules(cb, NULL, ROUTING_RULES, &out), CASEBOOK_STATUS_INVALID_INPUT);

    /* Where would the call go? */
    OK(casebook_route_case(cb, "{\"short_description\": \"VIP line down\", \"channel\": \"voice\","
                               " \"category\": \"C-Routing-VIP\"}", &out));
    CHECK(out != NULL && strstr(out, "\"rule\":\"c-vip-voice\"") != NULL
          && strstr(out, "\"assignee\":\"c-lee\"") != NULL);
    casebook_string_free(out);
    OK(casebook_route_case(cb, "{\"short_description\": \"VIP mail\", \"channel\": \"email\","
                               " \"category\": \"c-routing-vip\"}", &out));
    CHECK(has(out, "\"support_group\":\"vip-queue\""));
    OK(casebook_route_case(cb, "{\"short_description\": \"Other\", \"category\": \"none\"}", &out));
    CHECK(out != NULL && strcmp(out, "null") == 0);
    casebook_string_free(out);
    FAILS(casebook_route_case(cb, "{\"short_description\": \"\"}", &out),
          CASEBOOK_STATUS_VALIDATION_FAILED);
    FAILS(casebook_route_case(cb, "{not json", &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_route_case(cb, NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);

    /* Opening the case routes it, and the timeline says why its priority is 2. */
    OK(casebook_create_case(cb, "ivr", "{\"short_description\": \"VIP line down\","
                                       " \"channel\": \"voice\", \"category\": \"c-routing-vip\"}", &out));
    CHECK(out != NULL && strstr(out, "\"support_group\":\"vip-desk\"") != NULL
          && strstr(out, "\"priority\":2") != NULL && strstr(out, "\"routed_by\":{") != NULL
          && strstr(out, "set by routing rule `c-vip-voice`") != NULL);
    CHECK(grab(out, "number", number, sizeof number));

    /* A priority set by hand; out of range is a field error. */
    snprintf(args, sizeof args,
             "{\"short_description\": \"VIP line down\", \"channel\": \"voice\","
             " \"category\": \"c-routing-vip\", \"support_group\": \"vip-desk\", \"priority\": 1}");
    OK(casebook_update_case(cb, "agent", number, 1, args, &out));
    CHECK(out != NULL && strstr(out, "\"priority\":1") != NULL
          && strstr(out, "Priority P1 set by hand") != NULL);
    casebook_string_free(out);
    snprintf(args, sizeof args, "{\"short_description\": \"VIP line down\", \"priority\": 9}");
    FAILS(casebook_update_case(cb, "agent", number, 2, args, &out), CASEBOOK_STATUS_VALIDATION_FAILED);
    CHECK(error_has("out_of_range"));
}
