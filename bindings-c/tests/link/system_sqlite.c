/* A host that links the system SQLite beside the static casebook library:
 * its own sqlite3_* calls must reach the system library, never the copy
 * bundled inside casebook, and casebook must still work on its own SQLite
 * file. Exit status 0 when both hold. Usage: system_sqlite DIR */
#include <casebook.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    char host_db[4096], casebook_db[4096];
    sqlite3 *db = NULL;
    casebook_t *cb = NULL;
    char *profile = NULL;
    int failures = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    snprintf(host_db, sizeof host_db, "%s/host.sqlite", argv[1]);
    snprintf(casebook_db, sizeof casebook_db, "%s/casebook.sqlite", argv[1]);

    printf("host sqlite3_libversion() = %s, header SQLITE_VERSION = %s\n", sqlite3_libversion(),
           SQLITE_VERSION);
    if (strcmp(sqlite3_libversion(), SQLITE_VERSION) != 0 ||
        sqlite3_libversion_number() != SQLITE_VERSION_NUMBER) {
        fprintf(stderr, "the host's sqlite3 calls reach another SQLite than the system's\n");
        failures++;
    }
    if (sqlite3_open(host_db, &db) != SQLITE_OK ||
        sqlite3_exec(db, "CREATE TABLE calls(n INTEGER); INSERT INTO calls VALUES (1);", NULL,
                     NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "the host's own database failed: %s\n", db ? sqlite3_errmsg(db) : "open");
        failures++;
    }
    sqlite3_close(db);

    if (casebook_open_sqlite(casebook_db, "{\"config\": {\"default_region\": \"GB\"}}", &cb) !=
            CASEBOOK_STATUS_OK ||
        casebook_create_profile(cb, "host", "{\"given_name\": \"Ada\", \"family_name\": \"Lovelace\"}",
                                false, &profile) != CASEBOOK_STATUS_OK) {
        fprintf(stderr, "casebook failed beside the system SQLite: %s\n", casebook_last_error_message());
        failures++;
    }
    casebook_string_free(profile);
    casebook_free(cb);
    printf("casebook %s on its bundled SQLite beside the host's: %s\n", casebook_version(),
           failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
