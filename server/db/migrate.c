/* SPDX-License-Identifier: EUPL-1.2 */
#include "db/migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/strbuf.h"

/* An arbitrary constant: the advisory lock key all runners agree on. */
#define MIGRATE_LOCK_KEY "7401200211"

static bool valid_name(const char *n)
{
	size_t len = strlen(n);
	if (len < 10 || len >= sizeof(((struct migration *)0)->name))
		return false;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)n[i]))
			return false;
	if (n[4] != '_' || strcmp(n + len - 4, ".sql") != 0)
		return false;
	for (size_t i = 5; i < len - 4; i++)
		if (!(islower((unsigned char)n[i]) || isdigit((unsigned char)n[i]) || n[i] == '_'))
			return false;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct migration *)a)->name, ((const struct migration *)b)->name);
}

static char *read_file(const char *path, size_t *len)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	sb_append(&sb, "", 0); /* an empty file is "" */
	if (!sb_read_file(&sb, path)) {
		sb_free(&sb);
		return NULL;
	}
	*len = sb.len;
	return sb.data;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(out, 65, h, sizeof h);
}

bool migrate_load(const char *dir, struct migration_set *set, char *err, size_t errlen)
{
	set->items = NULL;
	set->count = 0;
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "cannot open migrations directory %s", dir);
		return false;
	}
	set->items = xcalloc(MIGRATE_MAX_FILES, sizeof *set->items);
	struct dirent *e;
	bool ok = true;
	while (ok && (e = readdir(d))) {
		if (!valid_name(e->d_name))
			continue;
		if (set->count == MIGRATE_MAX_FILES) {
			snprintf(err, errlen, "more than %d migrations", MIGRATE_MAX_FILES);
			ok = false;
			break;
		}
		struct migration *m = &set->items[set->count];
		memcpy(m->name, e->d_name, strlen(e->d_name) + 1); /* valid_name checked the length */
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		size_t len;
		m->sql = read_file(path, &len);
		if (!m->sql) {
			snprintf(err, errlen, "cannot read %s", path);
			ok = false;
			break;
		}
		sha256_hex(m->sql, len, m->sha256);
		set->count++;
	}
	closedir(d);
	qsort(set->items, set->count, sizeof *set->items, by_name);
	for (size_t i = 1; ok && i < set->count; i++) {
		if (strncmp(set->items[i - 1].name, set->items[i].name, 4) == 0) {
			snprintf(err, errlen, "migrations %s and %s have the same number",
			         set->items[i - 1].name, set->items[i].name);
			ok = false;
		}
	}
	if (!ok)
		migrate_free(set);
	return ok;
}

void migrate_free(struct migration_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->items[i].sql);
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

static bool exec_ok(PGconn *c, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
	if (!ok)
		snprintf(err, errlen, "%s", PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

/* The checksum recorded for `name`, or "" when not applied. */
static bool applied_sha(PGconn *c, const char *name, char out[65], char *err, size_t errlen)
{
	const char *p[1] = {name};
	PGresult *r = PQexecParams(c, "SELECT sha256 FROM schema_migrations WHERE name = $1", 1,
	                           NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "%s", PQresultErrorMessage(r));
		PQclear(r);
		return false;
	}
	snprintf(out, 65, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	return true;
}

static bool apply_one(PGconn *c, const struct migration *m, char *err, size_t errlen)
{
	char e2[1024];
	if (!exec_ok(c, "BEGIN", err, errlen))
		return false;
	if (!exec_ok(c, m->sql, e2, sizeof e2)) {
		snprintf(err, errlen, "%s failed: %s", m->name, e2);
		exec_ok(c, "ROLLBACK", e2, sizeof e2);
		return false;
	}
	const char *p[2] = {m->name, m->sha256};
	PGresult *r = PQexecParams(c, "INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)",
	                           2, NULL, p, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		snprintf(err, errlen, "recording %s: %s", m->name, PQresultErrorMessage(r));
	PQclear(r);
	if (ok)
		ok = exec_ok(c, "COMMIT", err, errlen);
	else
		exec_ok(c, "ROLLBACK", e2, sizeof e2);
	return ok;
}

bool migrate_apply(PGconn *c, const struct migration_set *set, FILE *log, char *err,
                   size_t errlen)
{
	/* Session-level lock: held across the per-file transactions, so a
	 * second runner waits and then finds everything applied. */
	if (!exec_ok(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", err, errlen))
		return false;
	bool ok = exec_ok(c,
	                  "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                  " name text PRIMARY KEY,"
	                  " sha256 text NOT NULL,"
	                  " applied_at timestamptz NOT NULL DEFAULT now())",
	                  err, errlen);
	size_t applied = 0;
	for (size_t i = 0; ok && i < set->count; i++) {
		const struct migration *m = &set->items[i];
		char sha[65];
		ok = applied_sha(c, m->name, sha, err, errlen);
		if (!ok)
			break;
		if (sha[0]) {
			if (strcmp(sha, m->sha256) != 0) {
				snprintf(err, errlen,
				         "%s was changed after it was applied (recorded sha256 %.12s…, file %.12s…): "
				         "write a new migration instead",
				         m->name, sha, m->sha256);
				ok = false;
			}
			continue;
		}
		ok = apply_one(c, m, err, errlen);
		if (ok) {
			applied++;
			if (log)
				fprintf(log, "applied %s\n", m->name);
		}
	}
	char e2[256];
	exec_ok(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", e2, sizeof e2);
	if (ok && log)
		fprintf(log, applied ? "database is current (%zu applied now)\n"
		                     : "database is current (nothing to apply)\n",
		        applied);
	return ok;
}

long migrate_pending(PGconn *c, const struct migration_set *set, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, "SELECT name, sha256 FROM schema_migrations");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		bool missing = state && strcmp(state, "42P01") == 0;
		PQclear(r);
		if (missing)
			return (long)set->count;
		snprintf(err, errlen, "%s", PQerrorMessage(c));
		return -1;
	}
	long pending = 0;
	int rows = PQntuples(r);
	for (size_t i = 0; i < set->count; i++) {
		const struct migration *m = &set->items[i];
		int found = -1;
		for (int j = 0; j < rows; j++)
			if (strcmp(PQgetvalue(r, j, 0), m->name) == 0)
				found = j;
		if (found < 0) {
			pending++;
		} else if (strcmp(PQgetvalue(r, found, 1), m->sha256) != 0) {
			snprintf(err, errlen, "%s was changed after it was applied", m->name);
			PQclear(r);
			return -1;
		}
	}
	PQclear(r);
	return pending;
}
