/* SPDX-License-Identifier: EUPL-1.2 */
/* The migrations runner against the real PostgreSQL: order, checksums,
 * concurrent runners, and serve refusing a database that is behind. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/migrate.h"
#include "integration/harness.h"

static char dir[256];

static void write_file(const char *name, const char *content)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* A scratch schema per test keeps the tests independent in one database. */
static PGconn *fresh_schema(const char *schema)
{
	PGconn *c = h_db();
	char sql[512];
	snprintf(sql, sizeof sql,
	         "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s; SET search_path = %s",
	         schema, schema, schema);
	PQclear(PQexec(c, sql));
	return c;
}

static void new_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/jawnosc-mig-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void rm_dir(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static long count(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	long n = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	return n;
}

static void test_migrations_apply_in_name_order_and_once(void **state)
{
	new_dir();
	/* Written out of order; 0002 depends on 0001. */
	write_file("0002_second.sql", "INSERT INTO steps VALUES (2);");
	write_file("0001_first.sql", "CREATE TABLE steps (n int);");
	write_file("README.txt", "not a migration");
	write_file("0003_Bad-Name.sql", "SELECT 1/0;");
	PGconn *c = fresh_schema("m_order");
	struct migration_set set;
	char err[1024];
	assert_true(migrate_load(dir, &set, err, sizeof err));
	assert_int_equal(set.count, 2);
	assert_string_equal(set.items[0].name, "0001_first.sql");
	assert_int_equal(migrate_pending(c, &set, err, sizeof err), 2);
	assert_true(migrate_apply(c, &set, NULL, err, sizeof err));
	assert_int_equal(migrate_pending(c, &set, err, sizeof err), 0);
	assert_true(migrate_apply(c, &set, NULL, err, sizeof err)); /* nothing to do */
	assert_int_equal(count(c, "SELECT count(*) FROM steps"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM schema_migrations WHERE length(sha256) = 64"), 2);
	migrate_free(&set);
	PQfinish(c);
	rm_dir();
}

static void test_changed_applied_migration_is_an_error_naming_the_file(void **state)
{
	new_dir();
	write_file("0001_first.sql", "CREATE TABLE t (n int);");
	PGconn *c = fresh_schema("m_sum");
	struct migration_set set;
	char err[1024];
	assert_true(migrate_load(dir, &set, err, sizeof err));
	assert_true(migrate_apply(c, &set, NULL, err, sizeof err));
	migrate_free(&set);
	write_file("0001_first.sql", "CREATE TABLE t (n bigint);");
	assert_true(migrate_load(dir, &set, err, sizeof err));
	assert_false(migrate_apply(c, &set, NULL, err, sizeof err));
	assert_non_null(strstr(err, "0001_first.sql"));
	assert_non_null(strstr(err, "changed"));
	assert_int_equal(migrate_pending(c, &set, err, sizeof err), -1);
	migrate_free(&set);
	PQfinish(c);
	rm_dir();
}

static void test_failing_migration_rolls_back_and_names_the_file(void **state)
{
	new_dir();
	write_file("0001_ok.sql", "CREATE TABLE ok (n int);");
	write_file("0002_broken.sql", "CREATE TABLE half (n int); SELECT no_such_function();");
	PGconn *c = fresh_schema("m_fail");
	struct migration_set set;
	char err[1024];
	assert_true(migrate_load(dir, &set, err, sizeof err));
	assert_false(migrate_apply(c, &set, NULL, err, sizeof err));
	assert_non_null(strstr(err, "0002_broken.sql"));
	/* 0001 stays applied; 0002 left nothing behind. */
	assert_int_equal(count(c, "SELECT count(*) FROM schema_migrations"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM pg_tables WHERE tablename = 'half'"), 0);
	migrate_free(&set);
	PQfinish(c);
	rm_dir();
}

static void test_two_files_with_one_number_are_refused(void **state)
{
	new_dir();
	write_file("0001_a.sql", "SELECT 1;");
	write_file("0001_b.sql", "SELECT 1;");
	struct migration_set set;
	char err[1024];
	assert_false(migrate_load(dir, &set, err, sizeof err));
	assert_non_null(strstr(err, "same number"));
	rm_dir();
}

struct runner {
	const struct migration_set *set;
	bool ok;
	char err[1024];
};

static void *run_concurrently(void *arg)
{
	struct runner *r = arg;
	PGconn *c = h_db();
	PQclear(PQexec(c, "SET search_path = m_conc"));
	r->ok = migrate_apply(c, r->set, NULL, r->err, sizeof r->err);
	PQfinish(c);
	return NULL;
}

/* Four runners at once: the advisory lock makes them take turns, so each
 * migration runs exactly once (a second CREATE TABLE would fail). */
static void test_concurrent_runners_serialize_on_the_lock(void **state)
{
	new_dir();
	write_file("0001_slow.sql", "CREATE TABLE once (n int); SELECT pg_sleep(0.5);");
	write_file("0002_log.sql", "INSERT INTO once VALUES (1);");
	PGconn *c = fresh_schema("m_conc");
	struct migration_set set;
	char err[1024];
	assert_true(migrate_load(dir, &set, err, sizeof err));
	pthread_t th[4];
	struct runner rs[4];
	for (int i = 0; i < 4; i++) {
		rs[i] = (struct runner){.set = &set};
		pthread_create(&th[i], NULL, run_concurrently, &rs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		if (!rs[i].ok)
			fprintf(stderr, "runner %d: %s\n", i, rs[i].err);
		assert_true(rs[i].ok);
	}
	assert_int_equal(count(c, "SELECT count(*) FROM m_conc.once"), 1);
	assert_int_equal(count(c, "SELECT count(*) FROM m_conc.schema_migrations"), 2);
	migrate_free(&set);
	PQfinish(c);
	rm_dir();
}

static void test_serve_refuses_a_database_that_is_behind(void **state)
{
	new_dir();
	char cmd[512];
	snprintf(cmd, sizeof cmd, "cp migrations/*.sql '%s'/", dir);
	assert_int_equal(system(cmd), 0);
	write_file("9999_future.sql", "SELECT 1;");
	char env[400];
	snprintf(env, sizeof env, "%s", dir);
	setenv("JAWNOSC_MIGRATIONS", env, 1);
	setenv("JAWNOSC_LISTEN", "127.0.0.1:0", 1);
	char *out = NULL;
	const char *args[] = {"serve", NULL};
	int rc = h_cli(&out, args);
	unsetenv("JAWNOSC_MIGRATIONS");
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "jawnosc migrate"));
	free(out);
	rm_dir();
}

static void test_migrate_cli_reports_current_database(void **state)
{
	char *out = NULL;
	const char *args[] = {"migrate", NULL};
	assert_int_equal(h_cli(&out, args), 0);
	assert_non_null(strstr(out, "database is current"));
	free(out);
}


/* ---- 0016: published letters withdrawn ------------------------------------- */

/* Before 0016 the register served the issued PDF of a letter, which names
 * the requester. Three bodies of old data: a publication with such a
 * letter, one without documents, one already withdrawn. */
static const char old_state[] =
    "INSERT INTO organisations (slug, name) VALUES ('stary', 'Urząd Stary');"
    "INSERT INTO units (org_id, symbol, name) SELECT id, 'OR', 'Wydział' FROM organisations;"
    "INSERT INTO users (org_id, email, name, role) "
    "  SELECT id, 'u@stary.example', 'Anna Urzędniczka', 'clerk' FROM organisations;"
    "INSERT INTO requests (org_id, unit_id, case_number, case_class, case_seq, case_year, kind,"
    "  channel, received_at, received_on, subject, body, delivery, state, tracking_hash)"
    "  SELECT o.id, u.id, 'OR.1431.' || n || '.2026', '1431', n, 2026, 'public_information',"
    "  'web', '2026-10-01 10:00+02', '2026-10-01', 'Sprawa ' || n, 'Treść', 'email', 'provided',"
    "  sha256(convert_to('t' || n, 'UTF8'))"
    "  FROM organisations o JOIN units u ON u.org_id = o.id, generate_series(1, 3) n;"
    "INSERT INTO requesters (request_id, org_id, name, email, postal_address)"
    "  SELECT id, org_id, 'Bożydar Wścibski', 'b@przyklad.example', 'ul. Ukryta 7, 61-234 Poznań'"
    "  FROM requests;"
    "INSERT INTO events (org_id, request_id, actor, action, to_state)"
    "  SELECT org_id, id, 'requester', 'register', 'received' FROM requests ORDER BY id;"
    "INSERT INTO documents (org_id, request_id, seq, type, title, status, markdown, pdf, sha256,"
    "  issued_at) SELECT org_id, id, 1, 'information_release', 'Udostępnienie informacji',"
    "  'issued', 'Bożydar Wścibski', convert_to('%PDF-1.4 Bożydar Wścibski', 'UTF8'),"
    "  sha256(convert_to('%PDF-1.4 Bożydar Wścibski', 'UTF8')), now() FROM requests;"
    "INSERT INTO publications (org_id, request_id, case_number, kind, unit_id, received_on,"
    "  published_by, first_published_at, version_published_at, public_subject)"
    "  SELECT r.org_id, r.id, r.case_number, r.kind, r.unit_id, r.received_on, u.id, now(),"
    "  now(), r.subject FROM requests r JOIN users u ON u.org_id = r.org_id;"
    "INSERT INTO publication_versions (publication_id, org_id, major, minor, withdrawn, title,"
    "  public_subject, answer, outcome, legal_basis, document_ids, produced_by, responsible,"
    "  produced_on, entered_by, entered_by_name, published_at)"
    "  SELECT p.id, p.org_id, 1, 0, false, 'Sprawa ' || p.case_number, p.public_subject,"
    "  'Udostępniono.', 'provided', '', CASE WHEN p.case_number LIKE 'OR.1431.2.%' THEN '{}'"
    "  ELSE ARRAY[d.id] END, 'Wydział', 'Wydział', '2026-10-10', u.id, u.name, now()"
    "  FROM publications p JOIN documents d ON d.request_id = p.request_id"
    "  JOIN users u ON u.id = p.published_by;"
    /* The third was withdrawn: a later version that is a withdrawal. */
    "INSERT INTO publication_versions (publication_id, org_id, major, minor, withdrawn, title,"
    "  public_subject, answer, outcome, legal_basis, document_ids, produced_by, responsible,"
    "  produced_on, entered_by, entered_by_name, published_at)"
    "  SELECT v.publication_id, v.org_id, 1, 1, true, 'Wycofanie', v.public_subject, v.answer,"
    "  v.outcome, '', v.document_ids, v.produced_by, v.responsible, v.produced_on, v.entered_by,"
    "  v.entered_by_name, now() FROM publication_versions v"
    "  WHERE v.title LIKE 'Sprawa OR.1431.3.%';"
    "UPDATE publications p SET version_id = v.id, version = v.version, withdrawn = v.withdrawn,"
    "  withdrawn_upto = CASE WHEN v.withdrawn THEN v.id ELSE 0 END"
    "  FROM (SELECT DISTINCT ON (publication_id) * FROM publication_versions"
    "        ORDER BY publication_id, id DESC) v WHERE v.publication_id = p.id;"
    "INSERT INTO events (org_id, request_id, actor, action, data)"
    "  SELECT org_id, request_id, 'clerk', 'publish', '{\"version\": \"1.0\"}' FROM publications"
    "  ORDER BY id;";

static long count_in(PGconn *c, const char *sql)
{
	long n = count(c, sql);
	if (n < 0)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	return n;
}

static void test_0016_withdraws_published_letters_in_a_new_version(void **state)
{
	PGconn *admin = h_db();
	char name[128], sql[256];
	snprintf(name, sizeof name, "%s_0016", PQdb(admin));
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
	PQclear(PQexec(admin, sql));
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	PGresult *r = PQexec(admin, sql);
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	char url[160];
	snprintf(url, sizeof url, "dbname=%s", name);
	PGconn *c = PQconnectdb(url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	/* The database as it was before 0016, with the old data. */
	struct migration_set set;
	char err[1024];
	assert_true(migrate_load("migrations", &set, err, sizeof err));
	size_t all = set.count, before = 0;
	while (before < all && strcmp(set.items[before].name, "0016") < 0)
		before++;
	assert_true(before < all);
	set.count = before;
	assert_true(migrate_apply(c, &set, NULL, err, sizeof err));
	r = PQexec(c, old_state);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fprintf(stderr, "old state: %s", PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	set.count = all;
	if (!migrate_apply(c, &set, NULL, err, sizeof err))
		fprintf(stderr, "%s\n", err);
	assert_true(migrate_apply(c, &set, NULL, err, sizeof err));
	migrate_free(&set);

	/* The first: a new version 1.1, the same text without the letter,
	 * entered by the system with the reason; the publication points at it. */
	assert_int_equal(
	    count_in(c, "SELECT count(*) FROM publication_versions v JOIN publications p ON "
	                "p.id = v.publication_id WHERE p.case_number = 'OR.1431.1.2026'"),
	    2);
	assert_int_equal(
	    count_in(c,
	             "SELECT count(*) FROM publications p JOIN publication_versions v ON "
	             "v.id = p.version_id WHERE p.case_number = 'OR.1431.1.2026' AND "
	             "v.version = '1.1' AND p.version = '1.1' AND NOT p.withdrawn AND "
	             "v.document_ids = '{}' AND v.entered_by IS NULL AND v.answer = 'Udostępniono.' "
	             "AND v.note = 'Wycofano pismo zawierające dane osobowe wnioskodawcy'"),
	    1);
	/* Version 1.0 is kept, and readable, in the change register. */
	assert_int_equal(
	    count_in(c, "SELECT count(*) FROM register_versions WHERE case_number = "
	                "'OR.1431.1.2026' AND version = '1.0' AND readable AND note = ''"),
	    1);
	assert_int_equal(count_in(c, "SELECT count(*) FROM register_documents"), 0);
	/* The others: untouched. */
	assert_int_equal(count_in(c, "SELECT count(*) FROM publication_versions v JOIN publications "
	                             "p ON p.id = v.publication_id WHERE p.case_number <> "
	                             "'OR.1431.1.2026' AND v.note <> ''"),
	                 0);
	assert_int_equal(count_in(c, "SELECT count(*) FROM publications WHERE version = '1.1'"), 2);
	/* One event by the system, chained like any other. */
	assert_int_equal(
	    count_in(c, "SELECT count(*) FROM events e JOIN publications p ON p.request_id = "
	                "e.request_id WHERE e.actor = 'system' AND e.action = 'publish' AND "
	                "p.case_number = 'OR.1431.1.2026' AND e.data->>'version' = '1.1' AND "
	                "e.data->>'text' LIKE 'Wycofano pismo%' AND "
	                "e.data->'withdrawn_documents' = '[1]'"),
	    1);
	assert_int_equal(count_in(c, "SELECT count(*) FROM events WHERE actor = 'system'"), 1);
	PQfinish(c);
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	char *saved = strdup(getenv("DATABASE_URL"));
	setenv("DATABASE_URL", url, 1);
	int rc = h_cli(&out, args);
	setenv("DATABASE_URL", saved, 1);
	free(saved);
	if (rc != 0)
		fprintf(stderr, "audit verify: %s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "7 events in 1 organisations, chain intact"));
	free(out);
	snprintf(sql, sizeof sql, "DROP DATABASE %s", name);
	PQclear(PQexec(admin, sql));
	PQfinish(admin);
}

int main(void)
{
	h_setup_db("migrate");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migrations_apply_in_name_order_and_once),
	    cmocka_unit_test(test_changed_applied_migration_is_an_error_naming_the_file),
	    cmocka_unit_test(test_failing_migration_rolls_back_and_names_the_file),
	    cmocka_unit_test(test_two_files_with_one_number_are_refused),
	    cmocka_unit_test(test_concurrent_runners_serialize_on_the_lock),
	    cmocka_unit_test(test_serve_refuses_a_database_that_is_behind),
	    cmocka_unit_test(test_migrate_cli_reports_current_database),
	    cmocka_unit_test(test_0016_withdraws_published_letters_in_a_new_version),
	};
	int failed = cmocka_run_group_tests_name("migrate", tests, NULL, NULL);
	h_teardown();
	return failed;
}
