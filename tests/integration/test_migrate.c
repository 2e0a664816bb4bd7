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
	};
	int failed = cmocka_run_group_tests_name("migrate", tests, NULL, NULL);
	h_teardown();
	return failed;
}
