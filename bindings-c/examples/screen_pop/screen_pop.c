/* Screen pop: reads caller numbers from stdin, one per line, and prints who
 * is calling, their open cases and the CRM records linked to them, as an
 * agent's desktop would on a ringing phone. The engine starts with a few demo customers; `--generate N` adds N
 * synthetic customers first (to see memory and speed at a realistic size).
 *
 * The customers live in memory, or in a store several processes share:
 * `--sqlite FILE` (one machine) or `--postgres CONNINFO` (several telephony
 * nodes on one database, e.g. "host=db user=ivr password=... dbname=crm").
 * A store that already holds the demo customers is not seeded again. */
#include <casebook.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check(casebook_status status, const char *what) {
    if (status != CASEBOOK_STATUS_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, casebook_status_name(status), casebook_last_error_message());
        return 0;
    }
    return 1;
}

/* Creates a profile or a case from JSON and frees the answer. */
static int add(casebook_t *cb, int is_case, const char *json) {
    char *out = NULL;
    casebook_status status = is_case ? casebook_create_case(cb, "demo", json, &out)
                                     : casebook_create_profile(cb, "demo", json, true, &out);
    casebook_string_free(out);
    return check(status, is_case ? "create case" : "create profile");
}

/* Links a CRM record to a customer and frees the answer. */
static int link_crm(casebook_t *cb, const char *customer_id, const char *external_json) {
    char target[64], *out = NULL;
    casebook_status status;
    snprintf(target, sizeof target, "{\"profile\": \"%s\"}", customer_id);
    status = casebook_link_external_record(cb, "demo", target, external_json, &out);
    casebook_string_free(out);
    return check(status, "link CRM record");
}

static int seed(casebook_t *cb, long generate) {
    long i;
    char json[256];
    int ok = add(cb, 0,
                 "{\"given_name\": \"Ada\", \"family_name\": \"Lovelace\","
                 " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"+44 20 7946 0958\"}]}") &&
             link_crm(cb, "C-000001",
                      "{\"system\": \"salesforce\", \"record_type\": \"contact\","
                      " \"external_id\": \"003A000001\", \"display_name\": \"Ada Lovelace\"}") &&
             add(cb, 1,
                 "{\"short_description\": \"Router has no signal\", \"impact\": \"high\", \"urgency\": \"high\","
                 " \"links\": [{\"profile\": \"C-000001\", \"role\": \"requester\"}]}") &&
             add(cb, 1,
                 "{\"short_description\": \"Bill paid twice\","
                 " \"links\": [{\"profile\": \"C-000001\", \"role\": \"requester\"}]}") &&
             add(cb, 0,
                 "{\"given_name\": \"Ann\", \"family_name\": \"Okafor\","
                 " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"0113 496 0000\"}]}") &&
             add(cb, 0,
                 "{\"given_name\": \"Bob\", \"family_name\": \"Okafor\","
                 " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"0113 496 0000\"}]}");
    for (i = 0; ok && i < generate; i++) {
        snprintf(json, sizeof json,
                 "{\"given_name\": \"Caller\", \"family_name\": \"Number %ld\","
                 " \"contact_points\": [{\"kind\": \"phone\", \"value\": \"+44 7911 %06ld\"}]}",
                 i, i % 1000000);
        ok = add(cb, 0, json);
    }
    return ok;
}

static void pop(casebook_t *cb, const char *number) {
    casebook_recognition_t *rec = NULL;
    casebook_recognition_outcome outcome;
    size_t count = 0, open = 0, records = 0, i;
    const char *id = NULL, *name = NULL, *case_number = NULL, *description = NULL;
    const char *system = NULL, *record_type = NULL, *external_id = NULL;

    if (!check(casebook_recognize(cb, "voice", number, &rec), "recognize")) {
        return;
    }
    casebook_recognition_kind(rec, &outcome);
    casebook_recognition_count(rec, &count);
    if (outcome == CASEBOOK_RECOGNITION_OUTCOME_UNKNOWN) {
        printf("%s: unknown caller, open a new customer form\n", number);
    } else if (outcome == CASEBOOK_RECOGNITION_OUTCOME_KNOWN) {
        casebook_recognition_customer_id(rec, 0, &id);
        casebook_recognition_display_name(rec, 0, &name);
        casebook_recognition_open_case_count(rec, 0, &open);
        printf("%s: %s (%s), %zu open case(s)\n", number, name, id, open);
        for (i = 0; i < open; i++) {
            casebook_recognition_open_case(rec, i, &case_number, &description);
            printf("    %s  %s\n", case_number, description);
        }
        casebook_recognition_external_record_count(rec, &records);
        for (i = 0; i < records; i++) {
            casebook_recognition_external_record(rec, i, &system, &record_type, &external_id, &name);
            printf("    CRM: %s %s %s (%s)\n", system, record_type, external_id, name);
        }
    } else {
        printf("%s: shared number, %zu customers:\n", number, count);
        for (i = 0; i < count; i++) {
            casebook_recognition_customer_id(rec, i, &id);
            casebook_recognition_display_name(rec, i, &name);
            casebook_recognition_open_case_count(rec, i, &open);
            printf("    %s (%s), %zu open case(s)\n", name, id, open);
        }
    }
    casebook_recognition_free(rec);
}

/* Whether the demo customers are there already (a shared store). */
static int seeded(casebook_t *cb) {
    char *out = NULL;
    casebook_status status = casebook_profile(cb, "C-000001", &out);
    casebook_string_free(out);
    return status == CASEBOOK_STATUS_OK;
}

int main(int argc, char **argv) {
    static const char *OPTIONS = "{\"config\": {\"default_region\": \"GB\"}}";
    casebook_t *cb = NULL;
    char line[256];
    long generate = 0;
    const char *sqlite = NULL, *postgres = NULL;
    casebook_status opened;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--generate") == 0 && i + 1 < argc) {
            generate = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--sqlite") == 0 && i + 1 < argc) {
            sqlite = argv[++i];
        } else if (strcmp(argv[i], "--postgres") == 0 && i + 1 < argc) {
            postgres = argv[++i];
        } else {
            fprintf(stderr, "usage: %s [--generate N] [--sqlite FILE | --postgres CONNINFO] < numbers.txt\n",
                    argv[0]);
            return 2;
        }
    }
    if (postgres != NULL) {
        opened = casebook_open_postgres(postgres, OPTIONS, &cb);
    } else if (sqlite != NULL) {
        opened = casebook_open_sqlite(sqlite, OPTIONS, &cb);
    } else {
        opened = casebook_open_memory(OPTIONS, &cb);
    }
    if (!check(opened, "open")) {
        return 1;
    }
    if (!seeded(cb) && !seed(cb, generate)) {
        casebook_free(cb);
        return 1;
    }
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] != '\0') {
            pop(cb, line);
        }
    }
    casebook_free(cb);
    return 0;
}
