/* Reports through the C API, as a wallboard or a nightly export uses them:
 * load a definition, run it over a period, export the table as CSV. The
 * handle may hold cases already: the report filters on a support group of
 * its own. Run by test_api.c. */
#include "test_api.h"

void test_reports(casebook_t *cb) {
    static int runs = 0;
    char *out = NULL, *table = NULL;
    char group[48], expected[256];

    snprintf(group, sizeof group, "c-desk-%d", ++runs);
    snprintf(args, sizeof args,
             "{\"id\": \"c-volume-%d\", \"name\": \"Volume by channel\","
             " \"filters\": {\"support_group\": [\"%s\"]},"
             " \"group_by\": [\"support_group\", \"channel\"],"
             " \"measures\": [\"created\", \"open\", \"resolved\", \"first_response_median\"]}",
             runs, group);
    OK(casebook_load_report(cb, "admin", args, &out));
    CHECK(has(out, "\"version\":1"));
    /* The same definition again keeps its version. */
    OK(casebook_load_report(cb, "admin", args, &out));
    CHECK(has(out, "\"version\":1"));

    snprintf(args, sizeof args,
             "{\"short_description\": \"No dial tone\", \"support_group\": \"%s\", \"channel\": \"voice\"}",
             group);
    OK(casebook_create_case(cb, "agent", args, &out));
    casebook_string_free(out);
    snprintf(args, sizeof args,
             "{\"short_description\": \"Bill\", \"support_group\": \"%s\", \"channel\": \"email\"}",
             group);
    OK(casebook_create_case(cb, "agent", args, &out));
    casebook_string_free(out);

    snprintf(args, sizeof args, "c-volume-%d", runs);
    OK(casebook_run_report(cb, args, NULL, NULL, &table));
    snprintf(expected, sizeof expected,
             "\"rows\":[[\"%s\",\"email\",1,1,0,null],[\"%s\",\"voice\",1,1,0,null]]", group, group);
    CHECK(table != NULL && strstr(table, expected) != NULL);
    CHECK(table != NULL && strstr(table, "\"columns\":[\"support_group\",\"channel\",\"created\",\"open\","
                                         "\"resolved\",\"first_response_median\"]") != NULL);
    OK(casebook_report_csv(table, &out));
    snprintf(expected, sizeof expected,
             "support_group,channel,created,open,resolved,first_response_median\r\n"
             "%s,email,1,1,0,\r\n%s,voice,1,1,0,\r\n", group, group);
    CHECK(out != NULL && strcmp(out, expected) == 0);
    casebook_string_free(out);
    casebook_string_free(table);

    /* A period that ends before any of today's cases: no rows. */
    snprintf(args, sizeof args, "c-volume-%d", runs);
    OK(casebook_run_report(cb, args, "2000-01-01T00:00:00Z", "2000-02-01T00:00:00Z", &out));
    CHECK(has(out, "\"rows\":[]"));
    FAILS(casebook_run_report(cb, args, "2000-02-01T00:00:00Z", "2000-01-01T00:00:00Z", &out),
          CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_run_report(cb, "no-such-report", NULL, NULL, &out), CASEBOOK_STATUS_NOT_FOUND);

    /* Unsaved: by month needs both ends of the period. */
    snprintf(args, sizeof args,
             "{\"id\": \"months\", \"filters\": {\"support_group\": [\"%s\"]},"
             " \"group_by\": [\"month\"], \"measures\": [\"created\"]}", group);
    FAILS(casebook_kpi_report(cb, args, NULL, NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_kpi_report(cb, args, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z", &out));
    CHECK(has(out, ",2]]"));

    FAILS(casebook_load_report(cb, "admin", "{\"id\": \"x\", \"measures\": [\"speed\"]}", &out),
          CASEBOOK_STATUS_INVALID_DEFINITION);
    CHECK(error_has("speed"));
    FAILS(casebook_load_report(cb, "admin", "{\"id\": \"x\", \"measures\": [\"created\"], \"time_zone\": \"Nowhere\"}",
                               &out),
          CASEBOOK_STATUS_INVALID_DEFINITION);
    FAILS(casebook_load_report(cb, "admin", NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_report_csv("{\"rows\": 3}", &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_report_csv(NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_report_csv("{}", NULL), CASEBOOK_STATUS_INVALID_INPUT);

    OK(casebook_report_definitions(cb, &out));
    CHECK(has(out, "\"name\":\"Volume by channel\""));
}
