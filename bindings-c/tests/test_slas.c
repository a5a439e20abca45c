/* Service levels through the C API: calendars, SLA definitions, clocks on
 * a case and the due warnings and breaches a poller takes. Run by test_api.c. */
#include "test_api.h"

const char *SLA_OPTIONS =
    "{\"config\": {\"default_region\": \"GB\"},"
    " \"clock\": {\"start\": \"2026-03-06T21:00:00Z\", \"step_ms\": 0}, \"id_seed\": 11}";

static const char *OFFICE_CALENDAR =
    "{\"id\": \"office\", \"name\": \"Office\", \"time_zone\": \"UTC\", \"week\": {"
    " \"monday\": [{\"start\": \"08:00\", \"end\": \"17:00\"}], \"tuesday\": [{\"start\": \"08:00\", \"end\": \"17:00\"}],"
    " \"wednesday\": [{\"start\": \"08:00\", \"end\": \"17:00\"}], \"thursday\": [{\"start\": \"08:00\", \"end\": \"17:00\"}],"
    " \"friday\": [{\"start\": \"08:00\", \"end\": \"17:00\"}]}}";

static const char *RESOLVE_SLA =
    "{\"id\": \"resolve\", \"name\": \"Resolved in 9 business hours\", \"target\": \"resolution\","
    " \"duration\": \"9h\", \"calendar\": \"office\", \"warnings\": [50, 75],"
    " \"escalations\": [{\"at\": 75, \"assign\": \"team-lead\"}]}";

/* Calendars, SLA definitions, a case's clocks and the events due, on a
 * handle opened with SLA_OPTIONS and nothing loaded yet. */
void test_service_levels(casebook_t *cb) {
    char *out = NULL;
    char number[32];

    OK(casebook_load_calendar(cb, "admin", OFFICE_CALENDAR, &out));
    CHECK(strstr(out ? out : "", "\"id\":\"office\"") != NULL);
    CHECK(has(out, "\"version\":1"));
    OK(casebook_load_sla(cb, "admin", RESOLVE_SLA, &out));
    CHECK(strstr(out ? out : "", "\"id\":\"resolve\"") != NULL);
    CHECK(has(out, "\"version\":1"));
    /* Calendar arithmetic on the loaded calendar: Friday 21:00 to Monday 09:30 is 1 h 30 of work. */
    OK(casebook_call(cb, "calendar_business_time",
                     "{\"calendar\": \"office\", \"from\": \"2026-03-06T21:00:00Z\", \"to\": \"2026-03-09T09:30:00Z\"}",
                     &out));
    CHECK(has(out, "\"seconds\":5400"));

    OK(casebook_create_case(cb, "agent", "{\"short_description\": \"No dial tone\"}", &out));
    CHECK(grab(out, "number", number, sizeof number));

    /* Monday 09:30: 1 h 30 of business time used, 60 h 30 of wall-clock time. */
    OK(casebook_case_slas(cb, number, "2026-03-09T09:30:00Z", &out));
    CHECK(out != NULL && occurrences(out, "\"sla\":\"resolve\"") == 1);
    CHECK(strstr(out ? out : "", "\"stage\":\"in_progress\"") != NULL);
    CHECK(strstr(out ? out : "", "\"business_elapsed_s\":5400,") != NULL);
    CHECK(strstr(out ? out : "", "\"actual_elapsed_s\":217800,") != NULL);
    CHECK(strstr(out ? out : "", "\"planned_breach_at\":\"2026-03-09T17:00:00Z\"") != NULL);
    CHECK(has(out, "\"time_left_s\":27000,"));
    /* NULL: now, the moment the case was opened. */
    OK(casebook_case_slas(cb, number, NULL, &out));
    CHECK(strstr(out ? out : "", "\"actual_elapsed_s\":0,") != NULL);
    CHECK(has(out, "\"time_left_s\":32400,"));
    OK(casebook_case(cb, number, &out));
    CHECK(has(out, "\"slas\":[{"));

    /* The two warnings due by Monday 15:00, taken once; the 75 % one assigns the case. */
    OK(casebook_due_sla_events(cb, "sla-poller", "2026-03-09T15:00:00Z", 0, &out));
    CHECK(out != NULL && occurrences(out, "\"kind\":\"warning\"") == 2);
    CHECK(strstr(out ? out : "", "\"threshold\":50,") != NULL);
    CHECK(strstr(out ? out : "", "\"case_number\":\"") != NULL);
    CHECK(has(out, "\"threshold\":75,"));
    OK(casebook_due_sla_events(cb, "sla-poller", "2026-03-09T15:00:00Z", 0, &out));
    CHECK(has(out, "[]"));
    OK(casebook_case(cb, number, &out));
    CHECK(has(out, "\"assignee\":\"team-lead\""));
    /* The breach, with a limit of one; then nothing is left. */
    OK(casebook_due_sla_events(cb, "sla-poller", "2026-03-10T00:00:00Z", 1, &out));
    CHECK(out != NULL && occurrences(out, "\"kind\":\"breach\"") == 1);
    CHECK(has(out, "\"threshold\":100,"));
    OK(casebook_due_sla_events(cb, "sla-poller", "2026-03-10T00:00:00Z", 1, &out));
    CHECK(has(out, "[]"));

    /* Refused definitions: invalid_definition (14), the definition named. */
    FAILS(casebook_load_sla(cb, "admin",
                            "{\"id\": \"night\", \"name\": \"Night\", \"target\": \"resolution\","
                            " \"duration\": \"4h\", \"calendar\": \"missing\"}",
                            &out),
          CASEBOOK_STATUS_INVALID_DEFINITION);
    CHECK(error_has("\"code\":\"invalid_definition\""));
    CHECK(error_has("\"status\":14"));
    CHECK(error_has("SLA definition `night`"));
    CHECK(strstr(casebook_last_error_message(), "`missing`") != NULL);
    FAILS(casebook_load_calendar(cb, "admin",
                                 "{\"id\": \"mars\", \"name\": \"Mars\", \"time_zone\": \"Mars/Olympus_Mons\","
                                 " \"always_open\": true}",
                                 &out),
          CASEBOOK_STATUS_INVALID_DEFINITION);
    CHECK(error_has("calendar `mars`"));
    FAILS(casebook_load_calendar(cb, "admin", "{", &out), CASEBOOK_STATUS_INVALID_DEFINITION);
    OK(casebook_call(cb, "sla_definitions", "{}", &out));
    CHECK(out != NULL && occurrences(out, "\"id\":") == 1);
    CHECK(has(out, "\"id\":\"resolve\""));

    /* Unusable arguments: invalid_input (or not_found), nothing written. */
    out = NULL;
    FAILS(casebook_load_calendar(cb, NULL, OFFICE_CALENDAR, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_load_calendar(cb, "admin", NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    CHECK(strstr(casebook_last_error_message(), "calendar_json") != NULL);
    FAILS(casebook_load_calendar(NULL, "admin", OFFICE_CALENDAR, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_load_calendar(cb, "admin", OFFICE_CALENDAR, NULL), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_load_sla(cb, NULL, RESOLVE_SLA, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_load_sla(cb, "admin", NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    CHECK(strstr(casebook_last_error_message(), "sla_json") != NULL);
    FAILS(casebook_case_slas(cb, NULL, NULL, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_case_slas(cb, number, "next Tuesday", &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_case_slas(cb, number, "\xff", &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_case_slas(cb, "CS404", NULL, &out), CASEBOOK_STATUS_NOT_FOUND);
    FAILS(casebook_case_slas(cb, number, NULL, NULL), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_due_sla_events(cb, NULL, "2026-03-10T00:00:00Z", 0, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_due_sla_events(cb, "sla-poller", NULL, 0, &out), CASEBOOK_STATUS_INVALID_INPUT);
    CHECK(strstr(casebook_last_error_message(), "now") != NULL);
    FAILS(casebook_due_sla_events(NULL, "sla-poller", "2026-03-10T00:00:00Z", 0, &out),
          CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_due_sla_events(cb, "sla-poller", "2026-03-10T00:00:00Z", 0, NULL),
          CASEBOOK_STATUS_INVALID_INPUT);
    CHECK(out == NULL);

    OK(casebook_call(cb, "check_invariants", NULL, &out));
    CHECK(has(out, "[]"));
}

