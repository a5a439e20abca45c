/* Runs the shared test vectors (operations.json, sla.json, callers.json, intake.json, linked.json and validation.json
 * in tests/vectors) through the C API, with the rules of tests/vectors/README.md.
 * The vector files are read with jansson; every operation goes through
 * casebook_call, so the binding adds no behaviour of its own.
 * Usage: test_vectors <vectors directory> */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "casebook.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static int mismatches;

static void mismatch(const char *where, const char *what, const json_t *expected, const json_t *actual) {
    char *e = expected ? json_dumps(expected, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *a = actual ? json_dumps(actual, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    fprintf(stderr, "MISMATCH %s: %s: expected %s, got %s\n", where, what, e ? e : "-", a ? a : "-");
    free(e);
    free(a);
    mismatches++;
}

/* Subset match: expected object keys must be present and match, arrays match
 * element by element with the same length, numbers compare as numbers. */
static int subset_match(const json_t *expected, const json_t *actual) {
    if (json_is_object(expected)) {
        const char *key;
        json_t *value;
        if (!json_is_object(actual)) {
            return 0;
        }
        json_object_foreach((json_t *)expected, key, value) {
            json_t *other = json_object_get(actual, key);
            if (other == NULL || !subset_match(value, other)) {
                return 0;
            }
        }
        return 1;
    }
    if (json_is_array(expected)) {
        size_t i;
        if (!json_is_array(actual) || json_array_size(expected) != json_array_size(actual)) {
            return 0;
        }
        for (i = 0; i < json_array_size(expected); i++) {
            if (!subset_match(json_array_get(expected, i), json_array_get(actual, i))) {
                return 0;
            }
        }
        return 1;
    }
    if (json_is_number(expected) && json_is_number(actual)) {
        return json_number_value(expected) == json_number_value(actual);
    }
    return json_equal((json_t *)expected, (json_t *)actual);
}

/* A copy of `value` with every "${name.path}" string replaced by the saved value. */
static json_t *substitute(const json_t *value, const json_t *saved) {
    if (json_is_string(value)) {
        const char *s = json_string_value(value);
        size_t n = strlen(s);
        if (n >= 3 && strncmp(s, "${", 2) == 0 && s[n - 1] == '}') {
            char path[256];
            char *part, *rest;
            const json_t *current;
            snprintf(path, sizeof path, "%.*s", (int)(n - 3), s + 2);
            part = strtok_r(path, ".", &rest);
            current = part ? json_object_get(saved, part) : NULL;
            while (current != NULL && (part = strtok_r(NULL, ".", &rest)) != NULL) {
                current = json_object_get(current, part);
            }
            return current ? json_deep_copy(current) : json_null();
        }
        return json_deep_copy(value);
    }
    if (json_is_array(value)) {
        json_t *out = json_array();
        size_t i;
        for (i = 0; i < json_array_size(value); i++) {
            json_array_append_new(out, substitute(json_array_get(value, i), saved));
        }
        return out;
    }
    if (json_is_object(value)) {
        json_t *out = json_object();
        const char *key;
        json_t *item;
        json_object_foreach((json_t *)value, key, item) {
            json_object_set_new(out, key, substitute(item, saved));
        }
        return out;
    }
    return json_deep_copy(value);
}

static json_t *load(const char *dir, const char *name) {
    char path[1024];
    json_error_t error;
    json_t *root;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    root = json_load_file(path, 0, &error);
    if (root == NULL) {
        fprintf(stderr, "%s: %s (line %d)\n", path, error.text, error.line);
    }
    return root;
}

/* Runs a file of operation scenarios (operations.json, sla.json), named `file`. */
static void run_operations(const char *file, const json_t *vectors) {
    json_t *scenarios = json_object_get(vectors, "scenarios");
    json_t *templates = json_object_get(vectors, "templates");
    char *options = json_dumps(json_object_get(vectors, "options"), JSON_COMPACT);
    size_t s, t, steps_run = 0;

    for (s = 0; s < json_array_size(scenarios); s++) {
        json_t *scenario = json_array_get(scenarios, s);
        const char *name = json_string_value(json_object_get(scenario, "name"));
        json_t *steps = json_object_get(scenario, "steps");
        json_t *saved = json_object();
        casebook_t *cb = NULL;
        size_t i;

        if (casebook_open_memory(options, &cb) != CASEBOOK_STATUS_OK) {
            mismatch(name, casebook_last_error_message(), NULL, NULL);
            continue;
        }
        for (t = 0; t < json_array_size(templates); t++) {
            json_t *args = json_pack("{s:s, s:O}", "by", "admin", "template", json_array_get(templates, t));
            char *text = json_dumps(args, JSON_COMPACT);
            char *out = NULL;
            if (casebook_call(cb, "load_template", text, &out) != CASEBOOK_STATUS_OK) {
                mismatch(name, "load_template", NULL, NULL);
            }
            casebook_string_free(out);
            free(text);
            json_decref(args);
        }
        for (i = 0; i < json_array_size(steps); i++) {
            json_t *step = json_array_get(steps, i);
            const char *op = json_string_value(json_object_get(step, "op"));
            json_t *args = substitute(json_object_get(step, "args"), saved);
            char *text = json_dumps(args, JSON_COMPACT | JSON_ENCODE_ANY);
            json_t *expect_error = json_object_get(step, "expect_error");
            char where[512];
            char *out = NULL;
            casebook_status status = casebook_call(cb, op ? op : "", text, &out);

            snprintf(where, sizeof where, "%s, step %zu (%s)", name, i, op ? op : "?");
            steps_run++;
            if (status != CASEBOOK_STATUS_OK) {
                json_t *error = json_loads(casebook_last_error_json(), 0, NULL);
                if (expect_error == NULL) {
                    mismatch(where, "unexpected error", NULL, error);
                } else if (!subset_match(expect_error, error)) {
                    mismatch(where, "error", expect_error, error);
                }
                json_decref(error);
            } else {
                json_t *answer = json_loads(out, JSON_DECODE_ANY, NULL);
                json_t *expect = json_object_get(step, "expect");
                json_t *length = json_object_get(step, "expect_length");
                json_t *save = json_object_get(step, "save");
                if (answer == NULL) {
                    mismatch(where, "answer is not JSON", NULL, NULL);
                } else if (expect_error != NULL) {
                    mismatch(where, "expected an error", expect_error, answer);
                } else {
                    if (expect != NULL && !subset_match(expect, answer)) {
                        mismatch(where, "result", expect, answer);
                    }
                    if (length != NULL &&
                        (!json_is_array(answer) || (json_int_t)json_array_size(answer) != json_integer_value(length))) {
                        mismatch(where, "length", length, answer);
                    }
                    if (json_is_string(save)) {
                        json_object_set(saved, json_string_value(save), answer);
                    }
                }
                json_decref(answer);
                casebook_string_free(out);
            }
            free(text);
            json_decref(args);
        }
        json_decref(saved);
        casebook_free(cb);
    }
    free(options);
    if (steps_run == 0) {
        mismatch(file, "no step ran", NULL, NULL);
    }
    printf("%s: %zu scenarios, %zu steps\n", file, json_array_size(scenarios), steps_run);
}

static void run_validation(const json_t *vectors) {
    json_t *cases = json_object_get(vectors, "cases");
    json_t *context = json_pack("{s:O, s:O}", "today", json_object_get(vectors, "today"), "default_region",
                                json_object_get(vectors, "default_region"));
    char *context_text = json_dumps(context, JSON_COMPACT);
    size_t i;

    for (i = 0; i < json_array_size(cases); i++) {
        json_t *item = json_array_get(cases, i);
        const char *name = json_string_value(json_object_get(item, "name"));
        json_t *record = json_object_get(item, "record");
        char *template_text = json_dumps(json_object_get(item, "template"), JSON_COMPACT | JSON_ENCODE_ANY);
        char *record_text = record ? json_dumps(record, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        json_t *expected_error = json_object_get(item, "error");
        char *out = NULL;
        casebook_status status = casebook_validate_with_context(
            template_text, record_text ? record_text : "null", json_is_true(json_object_get(item, "draft")),
            context_text, &out);

        if (expected_error != NULL) {
            json_t *got = status == CASEBOOK_STATUS_OK ? NULL : json_loads(casebook_last_error_json(), 0, NULL);
            if (got == NULL || !json_equal(json_object_get(got, "code"), expected_error)) {
                mismatch(name, "error", expected_error, got);
            }
            json_decref(got);
        } else if (status != CASEBOOK_STATUS_OK) {
            mismatch(name, casebook_last_error_message(), NULL, NULL);
        } else {
            json_t *report = json_loads(out, 0, NULL);
            json_t *expect = json_object_get(item, "expect");
            json_t *errors = json_object_get(expect, "errors");
            json_t *missing = json_object_get(expect, "missing");
            json_t *values = json_object_get(expect, "values");
            if (errors != NULL && !subset_match(errors, json_object_get(report, "errors"))) {
                mismatch(name, "errors", errors, json_object_get(report, "errors"));
            }
            if (missing != NULL) {
                json_t *fields = json_array();
                json_t *list = json_object_get(report, "missing");
                size_t k;
                for (k = 0; k < json_array_size(list); k++) {
                    json_array_append(fields, json_object_get(json_array_get(list, k), "field"));
                }
                if (!subset_match(missing, fields)) {
                    mismatch(name, "missing", missing, fields);
                }
                json_decref(fields);
            }
            if (values != NULL && !subset_match(values, json_object_get(report, "values"))) {
                mismatch(name, "values", values, json_object_get(report, "values"));
            }
            json_decref(report);
        }
        casebook_string_free(out);
        free(template_text);
        free(record_text);
    }
    free(context_text);
    json_decref(context);
    printf("validation.json: %zu cases\n", json_array_size(cases));
}

int main(int argc, char **argv) {
    json_t *operations, *slas, *validation, *callers, *intake, *linked;
    size_t handles = 1, recognitions = 1, strings = 1;
    if (argc != 2) {
        fprintf(stderr, "usage: %s <vectors directory>\n", argv[0]);
        return 2;
    }
    operations = load(argv[1], "operations.json");
    slas = load(argv[1], "sla.json");
    validation = load(argv[1], "validation.json");
    callers = load(argv[1], "callers.json");
    intake = load(argv[1], "intake.json");
    linked = load(argv[1], "linked.json");
    if (operations == NULL || slas == NULL || validation == NULL || callers == NULL || intake == NULL ||
        linked == NULL) {
        return 2;
    }
    run_operations("operations.json", operations);
    run_operations("sla.json", slas);
    run_operations("callers.json", callers);
    run_operations("intake.json", intake);
    run_operations("linked.json", linked);
    run_validation(validation);
    json_decref(operations);
    json_decref(slas);
    json_decref(validation);
    json_decref(callers);
    json_decref(intake);
    json_decref(linked);
    casebook_live_objects(&handles, &recognitions, &strings);
    if (handles || recognitions || strings) {
        fprintf(stderr, "leaked: %zu handles, %zu recognitions, %zu strings\n", handles, recognitions, strings);
        mismatches++;
    }
    printf("test_vectors: %d mismatches\n", mismatches);
    return mismatches == 0 ? 0 : 1;
}
