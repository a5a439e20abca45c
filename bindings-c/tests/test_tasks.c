/* Tasks through the C API, as an agent's phone app uses them: add tasks to
 * a case, read "my work" most urgent first, hit the mandatory-task rule on
 * resolution, finish the task and resolve. The handle may hold cases
 * already: the agent's name is its own per run. Run by test_api.c. */
#include "test_api.h"

void test_tasks(casebook_t *cb) {
    static int runs = 0;
    char *out = NULL;
    char agent[48], number[32], task_id[64], urgent_id[64];

    snprintf(agent, sizeof agent, "c-tasks-%d", ++runs);
    snprintf(args, sizeof args,
             "{\"short_description\": \"Line down\", \"assignee\": \"%s\", \"impact\": \"high\","
             " \"urgency\": \"high\"}", agent);
    OK(casebook_create_case(cb, "agent", args, &out));
    CHECK(grab(out, "number", number, sizeof number));

    /* No owner: the case's assignee. */
    OK(casebook_add_task(cb, "agent", number,
                         "{\"title\": \"Engineer visit\", \"mandatory\": true}", &out));
    CHECK(grab(out, "id", task_id, sizeof task_id));
    OK(casebook_add_task(cb, "agent", number,
                         "{\"title\": \"Call back\", \"due_at\": \"2026-01-05T09:00:00Z\"}", &out));
    CHECK(grab(out, "id", urgent_id, sizeof urgent_id));

    /* Dated before undated. */
    OK(casebook_task_list(cb, agent, NULL, 0, &out));
    CHECK(out != NULL && strstr(out, "Call back") != NULL && strstr(out, "Engineer visit") != NULL
          && strstr(out, "Call back") < strstr(out, "Engineer visit"));
    CHECK(has(out, "\"overdue\":"));
    OK(casebook_task_list(cb, agent, NULL, 1, &out));
    CHECK(out != NULL && occurrences(out, "\"case_number\"") == 1);
    CHECK(has(out, urgent_id));

    /* The mandatory task holds the resolution back, and is named. */
    snprintf(args, sizeof args,
             "{\"by\": \"agent\", \"ref\": \"%s\", \"version\": 3, \"status\": \"resolved\","
             " \"resolution\": {\"notes\": \"Fixed\"}}", number);
    FAILS(casebook_call(cb, "set_case_status", args, &out), CASEBOOK_STATUS_TASKS_OPEN);
    CHECK(error_has("Engineer visit"));
    CHECK(error_has(task_id));

    FAILS(casebook_set_task_status(cb, "agent", number, task_id, 7, "done", &out),
          CASEBOOK_STATUS_CONFLICT);
    FAILS(casebook_set_task_status(cb, "agent", number, task_id, 1, "finished", &out),
          CASEBOOK_STATUS_INVALID_INPUT);
    OK(casebook_edit_task(cb, "agent", number, task_id, 1,
                          "{\"title\": \"Engineer visit (van 2)\", \"mandatory\": true}", &out));
    CHECK(has(out, "\"version\":2"));
    OK(casebook_set_task_status(cb, "agent", number, task_id, 2, "done", &out));
    CHECK(has(out, "\"status\":\"done\""));
    snprintf(args, sizeof args,
             "{\"by\": \"agent\", \"ref\": \"%s\", \"version\": 5, \"status\": \"resolved\","
             " \"resolution\": {\"notes\": \"Fixed\"}}", number);
    OK(casebook_call(cb, "set_case_status", args, &out));
    casebook_string_free(out);
    /* A resolved case's work leaves the list. */
    OK(casebook_task_list(cb, agent, NULL, 0, &out));
    CHECK(has(out, "[]"));

    /* Bad input: a clear status, never a crash. */
    FAILS(casebook_add_task(cb, "agent", number, "{\"title\": \"x\", \"kind\": \"follow_up\"}", &out),
          CASEBOOK_STATUS_VALIDATION_FAILED);
    CHECK(error_has("due_at"));
    FAILS(casebook_add_task(cb, "agent", number, "not json", &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_add_task(cb, "agent", "CS9999999", "{\"title\": \"x\"}", &out),
          CASEBOOK_STATUS_NOT_FOUND);
    FAILS(casebook_set_task_status(cb, "agent", number, "not-a-uuid", 1, "done", &out),
          CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_task_list(cb, NULL, NULL, 0, &out), CASEBOOK_STATUS_INVALID_INPUT);
    FAILS(casebook_task_list(cb, agent, NULL, 0, NULL), CASEBOOK_STATUS_INVALID_INPUT);
}
