/* The database layer against the real PostgreSQL: per-thread connections,
 * error mapping, retried transactions, recovery after a restart. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"
#include "integration/harness.h"

static char url[256];

static int setup(void **state)
{
	snprintf(url, sizeof url, "%s", getenv("DATABASE_URL"));
	db_set_url(url);
	PGconn *c = h_db();
	PQclear(PQexec(c, "CREATE TABLE IF NOT EXISTS counter (id int PRIMARY KEY, n int NOT NULL);"
	                  "INSERT INTO counter VALUES (1, 0) ON CONFLICT DO NOTHING"));
	PQfinish(c);
	return 0;
}

static void test_connection_is_per_thread_and_reused(void **state)
{
	PGconn *a = db_conn();
	assert_non_null(a);
	assert_ptr_equal(db_conn(), a);
	db_close();
}

static void test_parameters_are_never_interpolated(void **state)
{
	PGconn *c = db_conn();
	enum db_status st;
	const char *p[1] = {"'); DROP TABLE counter; --"};
	PGresult *r = db_exec(c, &st, "SELECT $1::text", 1, p);
	assert_int_equal(st, DB_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), p[0]);
	PQclear(r);
	r = db_exec(c, &st, "SELECT count(*) FROM counter", 0, NULL);
	assert_int_equal(st, DB_OK);
	PQclear(r);
}

static void test_unique_violation_maps_to_conflict(void **state)
{
	PGconn *c = db_conn();
	assert_int_equal(db_run(c, "INSERT INTO counter VALUES (1, 0)", 0, NULL), DB_CONFLICT);
	assert_int_equal(db_run(c, "SELECT no_such_column FROM counter", 0, NULL), DB_ERROR);
}

static void test_open_transaction_is_rolled_back_before_reuse(void **state)
{
	PGconn *c = db_conn();
	assert_int_equal(db_run(c, "BEGIN", 0, NULL), DB_OK);
	db_run(c, "SELECT 1/0", 0, NULL); /* leaves the transaction aborted */
	assert_int_equal(PQtransactionStatus(c), PQTRANS_INERROR);
	c = db_conn();
	assert_int_equal(PQtransactionStatus(c), PQTRANS_IDLE);
	assert_int_equal(db_run(c, "SELECT 1", 0, NULL), DB_OK);
}

static enum db_status increment(PGconn *c, void *ctx)
{
	int *attempts = ctx;
	(*attempts)++;
	enum db_status s = db_run(c, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", 0, NULL);
	if (s != DB_OK)
		return s;
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT n FROM counter WHERE id = 1", 0, NULL);
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	char next[32];
	snprintf(next, sizeof next, "%d", atoi(PQgetvalue(r, 0, 0)) + 1);
	PQclear(r);
	usleep(20000); /* widen the window so that the threads collide */
	const char *p[1] = {next};
	return db_run(c, "UPDATE counter SET n = $1::int WHERE id = 1", 1, p);
}

struct worker {
	int attempts;
	int done;
	enum db_status last;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 5; i++) {
		w->last = db_transaction(db_conn(), increment, &w->attempts);
		if (w->last == DB_OK)
			w->done++;
	}
	db_close();
	return NULL;
}

/* Serializable read-modify-write from four threads: conflicts are retried,
 * so no increment is lost. */
static void test_serialization_failures_are_retried_and_nothing_is_lost(void **state)
{
	PGconn *c = db_conn();
	db_run(c, "UPDATE counter SET n = 0 WHERE id = 1", 0, NULL);
	pthread_t th[4];
	struct worker w[4] = {{0}};
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, work, &w[i]);
	int done = 0, attempts = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		done += w[i].done;
		attempts += w[i].attempts;
	}
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT n FROM counter WHERE id = 1", 0, NULL);
	int n = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	assert_int_equal(n, done);
	assert_true(done >= 16); /* at most a few gave up after 5 tries */
	assert_true(attempts > done); /* there were conflicts to retry */
}

static void test_lost_connection_is_reported_then_reopened(void **state)
{
	if (!h_private_pg())
		skip();
	PGconn *c = db_conn();
	assert_int_equal(db_run(c, "SELECT 1", 0, NULL), DB_OK);
	h_pg_stop();
	assert_int_equal(db_run(c, "SELECT 1", 0, NULL), DB_UNAVAILABLE);
	assert_null(db_conn());
	h_pg_start();
	c = db_conn();
	assert_non_null(c);
	assert_int_equal(db_run(c, "SELECT 1", 0, NULL), DB_OK);
}

static int teardown(void **state)
{
	db_close();
	return 0;
}

int main(void)
{
	h_setup_db("db");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_connection_is_per_thread_and_reused),
	    cmocka_unit_test(test_parameters_are_never_interpolated),
	    cmocka_unit_test(test_unique_violation_maps_to_conflict),
	    cmocka_unit_test(test_open_transaction_is_rolled_back_before_reuse),
	    cmocka_unit_test(test_serialization_failures_are_retried_and_nothing_is_lost),
	    cmocka_unit_test(test_lost_connection_is_reported_then_reopened),
	};
	int failed = cmocka_run_group_tests_name("db", tests, setup, teardown);
	h_teardown();
	return failed;
}
