/* SPDX-License-Identifier: EUPL-1.2 */
/* The migrations runner: applies migrations/NNNN_name.sql in order, each in
 * its own transaction, and records name and SHA-256 in schema_migrations.
 * Two runners at once serialize on an advisory lock. */
#ifndef JAWNOSC_DB_MIGRATE_H
#define JAWNOSC_DB_MIGRATE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MIGRATE_MAX_FILES 1000

struct migration {
	char name[128];   /* file name, e.g. "0001_init.sql" */
	char sha256[65];  /* hex */
	char *sql;        /* malloc'd content */
};

struct migration_set {
	struct migration *items;
	size_t count;
};

/* Reads every file named NNNN_name.sql (4 digits, lowercase letters, digits
 * and underscores) in `dir`, sorted by name. Other files are ignored; two
 * files with the same number are an error. */
bool migrate_load(const char *dir, struct migration_set *set, char *err, size_t errlen);
void migrate_free(struct migration_set *set);

/* Applies what is missing. Progress lines go to `log` (may be NULL). An
 * applied file whose content changed is an error naming the file. */
bool migrate_apply(PGconn *c, const struct migration_set *set, FILE *log, char *err,
                   size_t errlen);

/* How many of `set` are not yet applied (0: current); -1 on a database error
 * (err filled). A changed applied file also counts as an error. */
long migrate_pending(PGconn *c, const struct migration_set *set, char *err, size_t errlen);

#endif
