/* SPDX-License-Identifier: EUPL-1.2 */
#include "load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql.h"

/* Secondary indexes (those no constraint owns): dropped, their definitions kept. */
static bool drop_indexes(PGconn *c, struct table_state *t, const char *const *p)
{
	PGresult *r = PQexecParams(c,
	                           "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
	                           "FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT EXISTS "
	                           "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
	                           "ORDER BY 1",
	                           1, NULL, p, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "\njawnosc-seed: indexes of %s: %s", t->table, PQresultErrorMessage(r));
	for (int i = 0; ok && i < PQntuples(r) && t->nidx < LOAD_MAX_SAVED; i++) {
		char sql[512];
		snprintf(sql, sizeof sql, "DROP INDEX %s", PQgetvalue(r, i, 0));
		t->idx_def[t->nidx++] = strdup(PQgetvalue(r, i, 1));
		ok = run(c, sql);
	}
	PQclear(r);
	return ok;
}

/* Unique constraints no foreign key depends on: dropped and added again
 * (the index is built by a sort, and checks the rows). */
static bool drop_uniques(PGconn *c, struct table_state *t, const char *const *p)
{
	PGresult *r = PQexecParams(
	    c,
	    "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
	    "WHERE k.conrelid = $1::regclass AND k.contype = 'u' AND NOT EXISTS "
	    "(SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid) "
	    "ORDER BY 1",
	    1, NULL, p, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "\njawnosc-seed: constraints of %s: %s", t->table,
		        PQresultErrorMessage(r));
	for (int i = 0; ok && i < PQntuples(r) && t->nidx < LOAD_MAX_SAVED; i++) {
		char sql[1024];
		snprintf(sql, sizeof sql, "ALTER TABLE %s ADD CONSTRAINT %s %s", t->table,
		         PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
		t->idx_def[t->nidx++] = strdup(sql);
		snprintf(sql, sizeof sql, "ALTER TABLE %s DROP CONSTRAINT %s", t->table,
		         PQgetvalue(r, i, 0));
		ok = run(c, sql);
	}
	PQclear(r);
	return ok;
}

/* The triggers that check the table's foreign keys row by row: off. */
static bool fk_checks_off(PGconn *c, struct table_state *t, const char *const *p)
{
	PGresult *r = PQexecParams(c,
	                           "SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass "
	                           "AND tgisinternal AND tgenabled <> 'D' "
	                           "AND tgfoid = 'pg_catalog.\"RI_FKey_check_ins\"'::regproc",
	                           1, NULL, p, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "\njawnosc-seed: triggers of %s: %s", t->table, PQresultErrorMessage(r));
	for (int i = 0; ok && i < PQntuples(r) && t->nri < LOAD_MAX_SAVED; i++) {
		char sql[512];
		t->ri_name[t->nri++] = strdup(PQgetvalue(r, i, 0));
		snprintf(sql, sizeof sql, "ALTER TABLE %s DISABLE TRIGGER \"%s\"", t->table,
		         PQgetvalue(r, i, 0));
		ok = run(c, sql);
	}
	PQclear(r);
	return ok;
}

bool table_prepare(PGconn *c, bool superuser, struct table_state *t, const char *table)
{
	memset(t, 0, sizeof *t);
	t->table = table;
	/* Without the switch, foreign keys are checked row by row: their plans
	 * need statistics of a freshly loaded table (else a scan per row). */
	t->analyze = !superuser;
	const char *p[1] = {table};
	return drop_indexes(c, t, p) && drop_uniques(c, t, p) && (!superuser || fk_checks_off(c, t, p));
}

bool table_indexes(PGconn *c, struct table_state *t, struct progress *p)
{
	char phase[64], sql[128];
	snprintf(phase, sizeof phase, "%s: indexes", t->table);
	progress_phase(p, phase, t->nidx);
	bool ok = true;
	for (int i = 0; ok && i < t->nidx; i++) {
		ok = run_ticking(c, t->idx_def[i], p);
		p->pdone++;
		progress_show(p, false);
	}
	snprintf(sql, sizeof sql, "ANALYZE %s", t->table);
	return ok && (!t->analyze || run(c, sql));
}

bool table_enable(PGconn *c, struct table_state *t)
{
	bool ok = true;
	for (int i = 0; ok && i < t->nri; i++) {
		char sql[512];
		snprintf(sql, sizeof sql, "ALTER TABLE %s ENABLE TRIGGER \"%s\"", t->table, t->ri_name[i]);
		ok = run(c, sql);
	}
	return ok;
}

void table_free(struct table_state *t)
{
	for (int i = 0; i < t->nidx; i++)
		free(t->idx_def[i]);
	for (int i = 0; i < t->nri; i++)
		free(t->ri_name[i]);
	t->nidx = t->nri = 0;
}

static const char check_foreign_keys_sql[] =
    "DO $$\n"
    "DECLARE r record; n bigint;\n"
    "BEGIN\n"
    "  FOR r IN SELECT k.conname, k.conrelid::regclass AS child, k.confrelid::regclass AS parent,\n"
    "      (SELECT string_agg(format('c.%I IS NOT NULL', a.attname), ' AND ')\n"
    "         FROM unnest(k.conkey) AS u(n) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n) AS present,\n"
    "      (SELECT string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND ')\n"
    "         FROM unnest(k.conkey, k.confkey) AS u(ck, pk)\n"
    "         JOIN pg_attribute ca ON ca.attrelid = k.conrelid AND ca.attnum = u.ck\n"
    "         JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = u.pk) AS joined\n"
    "    FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = ANY ('{@TABLES@}'::regclass[])\n"
    "  LOOP\n"
    "    EXECUTE format('SELECT count(*) FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)',\n"
    "                   r.child, r.present, r.parent, r.joined) INTO n;\n"
    "    IF n > 0 THEN\n"
    "      RAISE EXCEPTION 'seed: % rows of % break the foreign key %', n, r.child, r.conname;\n"
    "    END IF;\n"
    "  END LOOP;\n"
    "END $$";

bool load_check_foreign_keys(PGconn *c, const char *tables, struct progress *p)
{
	static char sql[4096];
	const char *mark = strstr(check_foreign_keys_sql, "@TABLES@");
	int n = snprintf(sql, sizeof sql, "%.*s%s%s", (int)(mark - check_foreign_keys_sql),
	                 check_foreign_keys_sql, tables, mark + strlen("@TABLES@"));
	if (n < 0 || (size_t)n >= sizeof sql) {
		fprintf(stderr, "\njawnosc-seed: too many tables to check\n");
		return false;
	}
	return run_ticking(c, sql, p);
}

/* The big tables and every table that refers to them, as "a, b, ..." into
 * list; false when one of them has a row (or on an error, *ok false). */
static bool all_empty(PGconn *c, char *list, size_t size, bool *ok)
{
	PGresult *r = PQexec(c, "WITH RECURSIVE t(rel) AS ("
	                        " SELECT unnest('{requests,requesters,terms,documents,deliveries,"
	                        "events,publications,publication_versions}'::regclass[])"
	                        " UNION SELECT k.conrelid FROM pg_constraint k JOIN t ON k.confrelid = t.rel"
	                        " WHERE k.contype = 'f')"
	                        " SELECT rel::text FROM t");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "\njawnosc-seed: %s", PQresultErrorMessage(r));
		PQclear(r);
		*ok = false;
		return false;
	}
	size_t n = 0;
	bool empty = true;
	list[0] = '\0';
	for (int i = 0; *ok && empty && i < PQntuples(r); i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 1) x",
		         PQgetvalue(r, i, 0));
		empty = query_ll(c, sql, ok) == 0;
		n += (size_t)snprintf(list + n, size - n, "%s%s", i ? ", " : "", PQgetvalue(r, i, 0));
		if (n >= size - 1)
			empty = false;
	}
	PQclear(r);
	return *ok && empty;
}

/* User triggers fired by TRUNCATE (tgtype bit 5) on `list`, off or on. */
static bool truncate_triggers(PGconn *c, PGresult *r, bool on)
{
	for (int i = 0; i < PQntuples(r); i++) {
		char sql[512];
		snprintf(sql, sizeof sql, "ALTER TABLE %s %s TRIGGER %s", PQgetvalue(r, i, 0),
		         on ? "ENABLE" : "DISABLE", PQgetvalue(r, i, 1));
		if (!run(c, sql))
			return false;
	}
	return true;
}

bool load_empty_truncate(PGconn *c, bool *ok)
{
	char list[2048], sql[4096];
	if (!all_empty(c, list, sizeof list, ok))
		return false;
	snprintf(sql, sizeof sql,
	         "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
	         "AND tgenabled <> 'D' AND (tgtype & 32) <> 0 AND tgrelid = ANY ('{%s}'::regclass[])",
	         list);
	PGresult *r = PQexec(c, sql);
	*ok = PQresultStatus(r) == PGRES_TUPLES_OK && truncate_triggers(c, r, false);
	snprintf(sql, sizeof sql, "TRUNCATE %s", list);
	*ok = *ok && run(c, sql) && truncate_triggers(c, r, true);
	PQclear(r);
	return *ok;
}

/* The triggers whose work the seed does itself (trigger.h), and the change
 * notifications of migrations 0009 and 0011 (one for everything at the
 * end instead). A trigger added later that is not listed stays on: the
 * load is then correct, only slower. */
static const struct {
	const char *table, *trigger;
} own_triggers[] = {
    {"terms", "terms_note_answer"},
    {"events", "events_chain"},
    {"events", "events_touch_publication"},
    {"organisations", "organisations_notify_ins"},
    {"units", "units_notify_ins"},
    {"users", "users_notify_ins"},
    {"requests", "requests_notify_ins"},
    {"requesters", "requesters_notify_ins"},
    {"terms", "terms_notify_ins"},
    {"events", "events_notify_ins"},
    {"documents", "documents_notify_ins"},
    {"attachments", "attachments_notify_ins"},
    {"deliveries", "deliveries_notify_ins"},
    {"publications", "publications_notify_ins"},
    {"publication_versions", "publication_versions_notify_ins"},
};
_Static_assert(sizeof own_triggers / sizeof own_triggers[0] == LOAD_OWN_TRIGGERS,
               "LOAD_OWN_TRIGGERS is the length of own_triggers");

static bool switch_trigger(PGconn *c, int i, bool on)
{
	char sql[256];
	snprintf(sql, sizeof sql, "ALTER TABLE %s %s TRIGGER %s", own_triggers[i].table,
	         on ? "ENABLE" : "DISABLE", own_triggers[i].trigger);
	return run(c, sql);
}

bool load_own_triggers_off(PGconn *c, bool *on)
{
	bool ok = true;
	for (int i = 0; ok && i < LOAD_OWN_TRIGGERS; i++) {
		char sql[256];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM pg_trigger WHERE tgrelid = '%s'::regclass AND tgname = '%s'",
		         own_triggers[i].table, own_triggers[i].trigger);
		on[i] = query_ll(c, sql, &ok) > 0;
		if (ok && on[i])
			ok = switch_trigger(c, i, false);
	}
	return ok;
}

bool load_own_triggers_on(PGconn *c, const bool *on)
{
	bool ok = true;
	for (int i = 0; ok && i < LOAD_OWN_TRIGGERS; i++)
		if (on[i])
			ok = switch_trigger(c, i, true);
	return ok;
}

long long load_reserve(PGconn *c, const char *table, long long n, bool *ok)
{
	char sql[256];
	long long extra = n > 0 ? n - 1 : 0;
	snprintf(sql, sizeof sql,
	         "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
	         "nextval(pg_get_serial_sequence('%s', 'id')) + %lld) - %lld",
	         table, table, extra, extra);
	return query_ll(c, sql, ok);
}

bool load_sequence_past(PGconn *c, const char *table, long long last)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
	         "greatest(%lld, (SELECT coalesce(max(id), 1) FROM %s)))",
	         table, last, table);
	return run(c, sql);
}
