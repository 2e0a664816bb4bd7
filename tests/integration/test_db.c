/* SPDX-License-Identifier: EUPL-1.2 */
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

#include "core/config.h"
#include "db/changes.h"
#include "db/db.h"
#include "integration/harness.h"

static char url[256];

static int setup(void **state)
{
	snprintf(url, sizeof url, "%s", getenv("DATABASE_URL"));
	db_set_url(url);
	cfg.db_prepare = 1; /* the server's default (JAWNOSC_DB_PREPARE) */
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
		/* db_transaction() retries a few times itself; a caller that
		 * still gets DB_RETRY may try again (four threads on one row
		 * can lose five times in a row on a busy machine). */
		for (int round = 0; round < 20; round++) {
			w->last = db_transaction(db_conn(), increment, &w->attempts);
			if (w->last != DB_RETRY)
				break;
		}
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
	assert_int_equal(done, 20);   /* every increment, none lost */
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

/* Statements this session has prepared, as the server sees them. */
static int server_prepared(PGconn *c)
{
	PGresult *r = PQexec(c, "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'jw_%'");
	int n = PQresultStatus(r) == PGRES_TUPLES_OK ? atoi(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	return n;
}

static int counter_value(PGconn *c)
{
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT n FROM counter WHERE id = 1", 0, NULL);
	int n = st == DB_OK ? atoi(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	return n;
}

static void test_statement_is_prepared_once_per_connection(void **state)
{
	db_close();
	PGconn *c = db_conn();
	const char *p[1] = {"42"};
	for (int i = 0; i < 3; i++) {
		enum db_status st;
		PGresult *r = db_exec(c, &st, "SELECT $1::int + 1", 1, p);
		assert_int_equal(st, DB_OK);
		assert_string_equal(PQgetvalue(r, 0, 0), "43");
		PQclear(r);
	}
	assert_int_equal(db_prepared_count(c), 1);
	assert_int_equal(server_prepared(c), 1);
	/* Binary parameters go through the same cache. */
	const char raw[2] = {1, 2};
	const char *b[1] = {raw};
	int len[1] = {2}, fmt[1] = {1};
	for (int i = 0; i < 2; i++) {
		enum db_status st;
		PGresult *r = db_exec_binary(c, &st, "SELECT length($1::bytea)", 1, b, len, fmt);
		assert_int_equal(st, DB_OK);
		assert_string_equal(PQgetvalue(r, 0, 0), "2");
		PQclear(r);
	}
	assert_int_equal(db_prepared_count(c), 2);
}

static void test_errors_of_prepared_statements_map_as_before(void **state)
{
	PGconn *c = db_conn();
	for (int i = 0; i < 2; i++) {
		assert_int_equal(db_run(c, "INSERT INTO counter VALUES (1, 0)", 0, NULL), DB_CONFLICT);
		assert_int_equal(db_run(c, "SELECT no_such_column FROM counter", 0, NULL), DB_ERROR);
	}
	/* A statement the server refuses is not kept. */
	assert_int_equal(server_prepared(c), db_prepared_count(c));
	/* Inside an aborted transaction a new statement cannot be prepared:
	 * it runs unnamed and reports the abort. */
	assert_int_equal(db_run(c, "BEGIN", 0, NULL), DB_OK);
	db_run(c, "SELECT 1/0", 0, NULL);
	assert_int_equal(db_run(c, "SELECT 'not yet prepared'", 0, NULL), DB_ERROR);
	db_run(c, "ROLLBACK", 0, NULL);
	assert_int_equal(db_run(c, "SELECT 'not yet prepared'", 0, NULL), DB_OK);
}

static void test_reopened_connection_prepares_again(void **state)
{
	PGconn *c = db_conn();
	assert_true(counter_value(c) >= 0);
	assert_true(db_prepared_count(c) >= 1);
	db_close();
	c = db_conn();
	assert_int_equal(db_prepared_count(c), 0);
	assert_int_equal(server_prepared(c), 0);
	assert_true(counter_value(c) >= 0);
	assert_true(counter_value(c) >= 0);
	assert_int_equal(db_prepared_count(c), 1);
	/* PQreset() gives a new session: the cache starts again. */
	PQreset(c);
	assert_int_equal(db_prepared_count(c), 0);
	assert_true(counter_value(c) >= 0);
	assert_int_equal(server_prepared(c), 1);
}

static void test_statements_the_session_lost_run_again(void **state)
{
	/* What a pooler in transaction mode or DISCARD ALL does to a session:
	 * the statements are gone on the server, not in our cache. */
	PGconn *c = db_conn();
	assert_true(counter_value(c) >= 0);
	PQclear(PQexec(c, "DEALLOCATE ALL"));
	assert_true(counter_value(c) >= 0);
	assert_true(counter_value(c) >= 0);
	assert_int_equal(server_prepared(c), db_prepared_count(c));
	/* Inside a transaction: DB_RETRY, and db_transaction() runs it again. */
	PQclear(PQexec(c, "DEALLOCATE ALL"));
	assert_int_equal(db_run(c, "BEGIN", 0, NULL), DB_OK);
	enum db_status st;
	PQclear(db_exec(c, &st, "SELECT n FROM counter WHERE id = 1", 0, NULL));
	assert_int_equal(st, DB_RETRY);
	db_run(c, "ROLLBACK", 0, NULL);
	assert_true(counter_value(c) >= 0);
	assert_int_equal(server_prepared(c), db_prepared_count(c));
}

static void test_full_cache_runs_further_statements_unnamed(void **state)
{
	db_close();
	PGconn *c = db_conn();
	char sql[64];
	for (int i = 0; i < 230; i++) {
		snprintf(sql, sizeof sql, "SELECT %d + $1::int", i);
		const char *p[1] = {"1"};
		enum db_status st;
		PGresult *r = db_exec(c, &st, sql, 1, p);
		assert_int_equal(st, DB_OK);
		assert_int_equal(atoi(PQgetvalue(r, 0, 0)), i + 1);
		PQclear(r);
	}
	assert_int_equal(db_prepared_count(c), 200);
	assert_int_equal(server_prepared(c), 200);
	/* Both kinds still run: the first ones prepared, the last ones not. */
	const char *p[1] = {"5"};
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT 0 + $1::int", 1, p);
	assert_int_equal(st, DB_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "5");
	PQclear(r);
	r = db_exec(c, &st, "SELECT 229 + $1::int", 1, p);
	assert_int_equal(st, DB_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "234");
	PQclear(r);
	db_close();
}

/* After a test that switched statements off, even one that failed. */
static int prepare_back_on(void **state)
{
	(void)state;
	cfg.db_prepare = 1;
	db_close();
	return 0;
}

static void test_switched_off_nothing_is_prepared(void **state)
{
	cfg.db_prepare = 0;
	PGconn *c = db_conn();
	assert_true(counter_value(c) >= 0);
	assert_true(counter_value(c) >= 0);
	assert_int_equal(db_prepared_count(c), 0);
	assert_int_equal(server_prepared(c), 0);
}

static void test_prepared_statements_survive_a_server_restart(void **state)
{
	if (!h_private_pg())
		skip();
	db_close();
	PGconn *c = db_conn();
	assert_true(counter_value(c) >= 0);
	assert_int_equal(db_prepared_count(c), 1);
	h_pg_stop();
	h_pg_start();
	/* The first use of the old connection may find it dead (as without the
	 * cache); the next db_conn() re-opens it with an empty cache, and the
	 * same statement is prepared again on the new session. */
	enum db_status st = db_run(c, "SELECT n FROM counter WHERE id = 1", 0, NULL);
	assert_true(st == DB_OK || st == DB_UNAVAILABLE);
	c = db_conn();
	assert_non_null(c);
	assert_true(counter_value(c) >= 0);
	assert_true(counter_value(c) >= 0);
	assert_int_equal(server_prepared(c), db_prepared_count(c));
	assert_true(db_prepared_count(c) >= 1);
}

static int teardown(void **state)
{
	db_close();
	return 0;
}

/* ---- db_pipeline ---- */

static long long count_of(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	long long n = PQresultStatus(r) == PGRES_TUPLES_OK ? atoll(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	return n;
}

static void clear_stmts(struct db_stmt *s, int n)
{
	for (int i = 0; i < n; i++) {
		PQclear(s[i].result);
		s[i].result = NULL;
	}
}

/* Two inserts and a read in one pipeline: all committed together, each
 * result in its place, the connection idle and usable afterwards. Then
 * the same with a unique violation in the middle: DB_CONFLICT, nothing
 * kept, the statement after it not run. */
static void pipeline_commits_all_or_nothing(void)
{
	PGconn *c = db_conn();
	assert_int_equal(db_run(c, "CREATE TABLE IF NOT EXISTS piped (k text PRIMARY KEY, v int)", 0,
	                        NULL),
	                 DB_OK);
	assert_int_equal(db_run(c, "TRUNCATE piped", 0, NULL), DB_OK);
	const char *a[2] = {"a", "1"}, *b[2] = {"b", "2"}, *none[1] = {"a"};
	struct db_stmt s[3] = {
	    {"INSERT INTO piped VALUES ($1, $2::int) RETURNING v * 10", 2, a, NULL, NULL, NULL},
	    {"INSERT INTO piped VALUES ($1, $2::int) RETURNING v * 10", 2, b, NULL, NULL, NULL},
	    {"SELECT count(*) FROM piped WHERE k >= $1", 1, none, NULL, NULL, NULL},
	};
	assert_int_equal(db_pipeline(c, s, 3, NULL, NULL), DB_OK);
	assert_string_equal(PQgetvalue(s[0].result, 0, 0), "10");
	assert_string_equal(PQgetvalue(s[1].result, 0, 0), "20");
	assert_string_equal(PQgetvalue(s[2].result, 0, 0), "2"); /* sees the two before it */
	clear_stmts(s, 3);
	assert_int_equal(PQtransactionStatus(c), PQTRANS_IDLE);
	PGconn *other = h_db(); /* committed: another session sees it */
	assert_int_equal(count_of(other, "SELECT count(*) FROM piped"), 2);

	const char *c3[2] = {"c", "3"};
	struct db_stmt bad[3] = {
	    {"INSERT INTO piped VALUES ($1, $2::int) RETURNING v * 10", 2, c3, NULL, NULL, NULL},
	    {"INSERT INTO piped VALUES ($1, $2::int) RETURNING v * 10", 2, a, NULL, NULL, NULL},
	    {"SELECT count(*) FROM piped WHERE k >= $1", 1, none, NULL, NULL, NULL},
	};
	assert_int_equal(db_pipeline(c, bad, 3, NULL, NULL), DB_CONFLICT);
	assert_int_equal(PQresultStatus(bad[1].result), PGRES_FATAL_ERROR);
	assert_true(bad[2].result == NULL || PQresultStatus(bad[2].result) == PGRES_PIPELINE_ABORTED);
	clear_stmts(bad, 3);
	assert_int_equal(PQtransactionStatus(c), PQTRANS_IDLE);
	assert_int_equal(count_of(other, "SELECT count(*) FROM piped"), 2);
	assert_int_equal(count_of(other, "SELECT count(*) FROM piped WHERE k = 'c'"), 0);
	assert_int_equal(db_run(c, "SELECT 1", 0, NULL), DB_OK);
	PQfinish(other);
}

static void test_pipeline_commits_all_or_nothing(void **state)
{
	pipeline_commits_all_or_nothing();
}

static void test_pipeline_without_prepared_statements_does_the_same(void **state)
{
	db_close(); /* a new connection: nothing prepared yet */
	cfg.db_prepare = 0;
	pipeline_commits_all_or_nothing();
	assert_int_equal(db_prepared_count(db_conn()), 0); /* ran unnamed, one by one */
}

/* `then` runs in the same transaction with the statements' results; its
 * failure rolls the statements back too. */
struct then_ctx {
	struct db_stmt *s;
	bool fail;
	int calls;
};

static enum db_status then_copy(PGconn *c, void *vctx)
{
	struct then_ctx *t = vctx;
	t->calls++;
	const char *p[1] = {PQgetvalue(t->s[0].result, 0, 0)};
	enum db_status st = db_run(c, "INSERT INTO piped VALUES ('copy-' || $1, 0)", 1, p);
	return st == DB_OK && t->fail ? DB_ERROR : st;
}

static void test_pipeline_then_runs_in_the_same_transaction(void **state)
{
	PGconn *c = db_conn();
	assert_int_equal(db_run(c, "CREATE TABLE IF NOT EXISTS piped (k text PRIMARY KEY, v int)", 0,
	                        NULL),
	                 DB_OK);
	assert_int_equal(db_run(c, "TRUNCATE piped", 0, NULL), DB_OK);
	const char *x[1] = {"x"};
	struct db_stmt s[1] = {{"INSERT INTO piped VALUES ($1, 5) RETURNING k", 1, x, NULL, NULL, NULL}};
	struct then_ctx t = {s, false, 0};
	assert_int_equal(db_pipeline(c, s, 1, then_copy, &t), DB_OK);
	clear_stmts(s, 1);
	assert_int_equal(t.calls, 1);
	PGconn *other = h_db();
	assert_int_equal(count_of(other, "SELECT count(*) FROM piped WHERE k IN ('x', 'copy-x')"), 2);

	const char *y[1] = {"y"};
	s[0].params = y;
	t.fail = true;
	assert_int_equal(db_pipeline(c, s, 1, then_copy, &t), DB_ERROR);
	clear_stmts(s, 1);
	assert_int_equal(t.calls, 2);
	assert_int_equal(PQtransactionStatus(c), PQTRANS_IDLE);
	assert_int_equal(count_of(other, "SELECT count(*) FROM piped WHERE k LIKE '%y'"), 0);
	PQfinish(other);
}

/* The change triggers (migration 0011) skip a write the server tells of
 * itself: inside a pipelined transaction jawnosc.app is 'on' for the
 * triggers, with or without `then`, and it is gone once the transaction
 * ends (set_config(..., true) lasts until the pipeline's implicit
 * transaction commits at its sync point). */
static enum db_status nothing_more(PGconn *c, void *ctx)
{
	(void)c;
	(void)ctx;
	return DB_OK;
}

static void test_pipeline_marks_its_transaction_as_the_servers(void **state)
{
	assert_true(changes_start(url));
	changes_writer(1);
	assert_true(changes_by_app());
	PGconn *c = db_conn();
	PGresult *setup_r = PQexec(
	    c, "CREATE TABLE IF NOT EXISTS marked (k text, app text);"
	       "CREATE OR REPLACE FUNCTION mark_app() RETURNS trigger LANGUAGE plpgsql "
	       "AS $$ BEGIN NEW.app := coalesce(current_setting('jawnosc.app', true), ''); "
	       "RETURN NEW; END $$;"
	       "DROP TRIGGER IF EXISTS mark_app ON marked;"
	       "CREATE TRIGGER mark_app BEFORE INSERT ON marked FOR EACH ROW "
	       "EXECUTE FUNCTION mark_app()");
	assert_int_equal(PQresultStatus(setup_r), PGRES_COMMAND_OK);
	PQclear(setup_r);
	const char *a[1] = {"piped"}, *b[1] = {"piped-then"};
	struct db_stmt s[1] = {{"INSERT INTO marked (k) VALUES ($1)", 1, a, NULL, NULL, NULL}};
	assert_int_equal(db_pipeline(c, s, 1, NULL, NULL), DB_OK);
	clear_stmts(s, 1);
	s[0].params = b;
	assert_int_equal(db_pipeline(c, s, 1, nothing_more, NULL), DB_OK);
	clear_stmts(s, 1);
	assert_int_equal(db_run(c, "INSERT INTO marked (k) VALUES ('after')", 0, NULL), DB_OK);
	PGconn *other = h_db();
	assert_int_equal(count_of(other, "SELECT count(*) FROM marked WHERE k LIKE 'piped%' AND app = 'on'"), 2);
	assert_int_equal(count_of(other, "SELECT count(*) FROM marked WHERE k = 'after' AND app = ''"), 1);
	PQfinish(other);
	changes_writer(0);
	changes_stop();
}

/* ---- db_exec_limited() ---- */

/* The session's statement_timeout as SHOW gives it. */
static char *timeout_now(PGconn *c, char *buf, size_t len)
{
	PGresult *r = PQexec(c, "SHOW statement_timeout");
	snprintf(buf, len, "%s", PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?");
	PQclear(r);
	return buf;
}

/* A statement under a time limit inside an open transaction: its rows when
 * it is quick, nothing (and no error) when it is not, the transaction
 * usable either way, the timeout gone afterwards, and what the
 * transaction wrote before it kept. */
static void limited_statement_in_a_transaction(void)
{
	PGconn *c = db_conn();
	char before[32], after[32];
	timeout_now(c, before, sizeof before);
	assert_int_equal(db_run(c, "BEGIN", 0, NULL), DB_OK);
	assert_int_equal(db_run(c, "UPDATE counter SET n = n + 1 WHERE id = 1", 0, NULL), DB_OK);
	enum db_status st;
	bool timed_out = true;
	const char *p[1] = {"41"};
	PGresult *r = db_exec_limited(c, &st, "SELECT $1::int + 1, current_setting('statement_timeout')",
	                              1, p, 1500, &timed_out);
	assert_int_equal(st, DB_OK);
	assert_false(timed_out);
	assert_non_null(r);
	assert_string_equal(PQgetvalue(r, 0, 0), "42");
	assert_string_equal(PQgetvalue(r, 0, 1), "1500ms"); /* it ran under the limit */
	PQclear(r);
	assert_string_equal(timeout_now(c, after, sizeof after), before);
	const char *slow[1] = {"2"};
	r = db_exec_limited(c, &st, "SELECT pg_sleep($1::float8)", 1, slow, 100, &timed_out);
	assert_null(r);
	assert_true(timed_out);
	assert_int_equal(st, DB_OK);
	assert_int_equal(PQtransactionStatus(c), PQTRANS_INTRANS);
	assert_string_equal(timeout_now(c, after, sizeof after), before);
	assert_int_equal(db_run(c, "UPDATE counter SET n = n + 1 WHERE id = 1", 0, NULL), DB_OK);
	int n = counter_value(c);
	assert_int_equal(db_run(c, "COMMIT", 0, NULL), DB_OK);
	assert_int_equal(counter_value(c), n); /* both updates committed */
	/* Another failure is one, and aborts the transaction as any other. */
	assert_int_equal(db_run(c, "BEGIN", 0, NULL), DB_OK);
	const char *zero[1] = {"0"};
	r = db_exec_limited(c, &st, "SELECT 1 / $1::int", 1, zero, 1500, &timed_out);
	assert_int_equal(st, DB_ERROR);
	assert_false(timed_out);
	PQclear(r);
	db_run(c, "ROLLBACK", 0, NULL);
}

static void test_limited_statement_in_one_round_trip(void **state)
{
	db_close();
	limited_statement_in_a_transaction();
	PGconn *c = db_conn();
	/* The statements are prepared (the savepoint's commands are not). */
	assert_true(db_prepared_count(c) >= 3);
	assert_int_equal(server_prepared(c), db_prepared_count(c));
}

static void test_limited_statement_without_prepared_statements(void **state)
{
	db_close();
	cfg.db_prepare = 0;
	limited_statement_in_a_transaction();
	assert_int_equal(db_prepared_count(db_conn()), 0);
}

static void test_limited_statement_the_session_lost_runs_again(void **state)
{
	PGconn *c = db_conn();
	enum db_status st;
	bool timed_out;
	const char *p[1] = {"6"};
	const char *sql = "SELECT $1::int * 7";
	assert_int_equal(db_run(c, "BEGIN", 0, NULL), DB_OK);
	PQclear(db_exec_limited(c, &st, sql, 1, p, 1500, &timed_out));
	assert_int_equal(st, DB_OK);
	assert_int_equal(db_run(c, "COMMIT", 0, NULL), DB_OK);
	PQclear(PQexec(c, "DEALLOCATE ALL"));
	assert_int_equal(db_run(c, "BEGIN", 0, NULL), DB_OK);
	PGresult *r = db_exec_limited(c, &st, sql, 1, p, 1500, &timed_out);
	assert_int_equal(st, DB_OK);
	assert_false(timed_out);
	assert_string_equal(PQgetvalue(r, 0, 0), "42");
	PQclear(r);
	/* The transaction goes on (raw commands: the session lost db_run()'s
	 * statements too, and inside a transaction that is DB_RETRY). */
	assert_int_equal(PQtransactionStatus(c), PQTRANS_INTRANS);
	r = PQexec(c, "COMMIT");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
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
	    cmocka_unit_test(test_statement_is_prepared_once_per_connection),
	    cmocka_unit_test(test_errors_of_prepared_statements_map_as_before),
	    cmocka_unit_test(test_reopened_connection_prepares_again),
	    cmocka_unit_test(test_statements_the_session_lost_run_again),
	    cmocka_unit_test(test_full_cache_runs_further_statements_unnamed),
	    cmocka_unit_test_teardown(test_switched_off_nothing_is_prepared, prepare_back_on),
	    cmocka_unit_test(test_prepared_statements_survive_a_server_restart),
	    cmocka_unit_test(test_pipeline_commits_all_or_nothing),
	    cmocka_unit_test_teardown(test_pipeline_without_prepared_statements_does_the_same,
	                              prepare_back_on),
	    cmocka_unit_test(test_pipeline_then_runs_in_the_same_transaction),
	    cmocka_unit_test(test_pipeline_marks_its_transaction_as_the_servers),
	    cmocka_unit_test(test_limited_statement_in_one_round_trip),
	    cmocka_unit_test_teardown(test_limited_statement_without_prepared_statements,
	                              prepare_back_on),
	    cmocka_unit_test(test_limited_statement_the_session_lost_runs_again),
	};
	int failed = cmocka_run_group_tests_name("db", tests, setup, teardown);
	h_teardown();
	return failed;
}
