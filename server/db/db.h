/* SPDX-License-Identifier: EUPL-1.2 */
/* PostgreSQL access with libpq: one connection per thread, opened lazily,
 * parameterised queries only, transactions retried on serialization failure.
 * Knows nothing of cases. */
#ifndef JAWNOSC_DB_DB_H
#define JAWNOSC_DB_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* Outcome of a database call, mapped to what the caller should tell the user. */
enum db_status {
	DB_OK = 0,
	DB_UNAVAILABLE, /* no connection, it was lost, or the database is out of resources
	                   (disk full): answer 503 + Retry-After */
	DB_CONFLICT,    /* unique or exclusion violation: 409 or a form message */
	DB_RETRY,       /* serialization failure or deadlock: run the transaction again */
	DB_ERROR,       /* anything else: a bug or a schema problem, logged */
};

/* Sets the connection URI used by db_conn() in every thread. */
void db_set_url(const char *url);

/* This thread's connection, opened on first use and re-opened after it was
 * lost; a connection left inside a transaction is rolled back first. NULL
 * when the server cannot be reached (the error is logged). The connection is
 * closed when the thread exits. */
PGconn *db_conn(void);
/* Closes this thread's connection (tests, shutdown). */
void db_close(void);

/* This thread's connection to the read-only replica (DATABASE_URL_REPLICA),
 * opened lazily like db_conn(); when the variable is empty it is db_conn()
 * itself. For pages that may lag the primary by a moment (the public
 * register): never for a page that shows what the same user just wrote.
 * When no replica can be reached (a new connection fails: every replica
 * down, or HAProxy's replica port has none left) it is db_conn(), the
 * primary's, and counted (db_replica_fallbacks()): the caller's reads
 * must be read-only. The outage is logged once; a new replica connection
 * is tried again at most every 5 s. NULL only when the primary cannot be
 * reached either. It tells the cache what the replica had replayed
 * (cache_reading_replica(): what this request reads there is kept only
 * when it shows every change heard of its tag), asking the replica only
 * when a change is bound to a later point than it had replayed when
 * last asked. */
PGconn *db_conn_replica(void);
/* A pg_lsn as text ("16/B374D848") as a number; 0 when it is not one. */
uint64_t db_parse_lsn(const char *s);
/* Reads the primary served because no replica could be reached, since
 * the process started (for /metrics). */
long long db_replica_fallbacks(void);
/* True when DATABASE_URL_REPLICA is set. */
bool db_has_replica(void);
/* Closes this thread's replica connection (db_close() does it too). */
void db_close_replica(void);
/* Per-thread connections open in this process, to the primary or to the
 * replica (for /metrics). */
int db_connections_open(bool replica);

/* A new connection outside the per-thread cache (CLI commands, tests).
 * NULL and `err` filled on failure. */
PGconn *db_connect(const char *url, char *err, size_t errlen);

/* Runs `sql` with text parameters. Returns the result (never NULL; PQclear
 * it) and sets *status. A lost connection is reset so the next call
 * reconnects. */
PGresult *db_exec(PGconn *c, enum db_status *status, const char *sql, int nparams,
                  const char *const *params);
/* The same with lengths and formats per parameter as in PQexecParams()
 * (binary parameters); NULL for both means text. */
PGresult *db_exec_binary(PGconn *c, enum db_status *status, const char *sql, int nparams,
                         const char *const *params, const int *lengths, const int *formats);
/* db_exec() and db_exec_binary() prepare each statement text once per
 * connection (JAWNOSC_DB_PREPARE=1, the default; at most 200 a connection,
 * others run unnamed) and execute the prepared statement afterwards. With
 * 0 every call is unnamed, as PgBouncer's transaction pooling needs. A
 * connection made elsewhere gets its cache here; db_connect() does it. */
void db_prepare_attach(PGconn *c);
/* Statements prepared on this connection (tests, /metrics). */
int db_prepared_count(PGconn *c);
/* Runs `sql` as db_exec() does, inside the transaction open on `c`, under
 * a statement_timeout of `timeout_ms`, within a savepoint: when it runs
 * out of time, *timed_out is set, NULL returned, nothing logged, and the
 * transaction goes on (rolled back to the savepoint, the timeout undone).
 * With prepared statements (JAWNOSC_DB_PREPARE=1) one round trip: the
 * savepoint, the timeout, the statement, the release and the timeout's
 * reset go as one pipeline; otherwise three. Any other failure is logged
 * and returned as by db_exec() (the transaction is then aborted). */
PGresult *db_exec_limited(PGconn *c, enum db_status *status, const char *sql, int nparams,
                          const char *const *params, int timeout_ms, bool *timed_out);
/* The same, for statements whose result is not needed. */
enum db_status db_run(PGconn *c, const char *sql, int nparams, const char *const *params);
/* The result of a statement that must return exactly one row; NULL (and
 * nothing to PQclear) when it failed, or with *status DB_ERROR when it
 * returned another number of rows. */
PGresult *db_exec_row(PGconn *c, enum db_status *status, const char *sql, int nparams,
                      const char *const *params);
/* The same, with the number of rows it returned in *rows (0 on failure):
 * an UPDATE … RETURNING that says whether it found its row. */
enum db_status db_run_rows(PGconn *c, const char *sql, int nparams, const char *const *params,
                           int *rows);

/* The parameters of a statement whose text is built piece by piece: each
 * db_param() adds one and returns its number, for "$%d" in the text. A
 * number is copied into `buf`, so the struct must outlive the call that
 * uses `v`. At most DB_PARAMS_MAX, which the caller's SQL stays within. */
#define DB_PARAMS_MAX 24
struct db_params {
	const char *v[DB_PARAMS_MAX];
	int n;
	char buf[DB_PARAMS_MAX][32];
};
int db_param(struct db_params *p, const char *v);
int db_param_int(struct db_params *p, long long v);

/* A copy in `a` of the value at (`row`, `col`) of `r` (a binary column of
 * a result asked for in binary format: a bytea's bytes), NUL-terminated,
 * its length in *len. */
const char *db_value_copy(arena_t *a, const PGresult *r, int row, int col, size_t *len);

/* Maps a result to a status (SQLSTATE classes 08, 23, 40, 57P; class 53,
 * insufficient resources such as a full disk, is DB_UNAVAILABLE). */
enum db_status db_status_of(PGconn *c, const PGresult *r);

/* Runs fn inside BEGIN ... COMMIT, retrying up to 5 times on DB_RETRY.
 * fn returns DB_OK to commit, anything else to roll back. */
typedef enum db_status (*db_tx_fn)(PGconn *c, void *ctx);
enum db_status db_transaction(PGconn *c, db_tx_fn fn, void *ctx);
/* The same as BEGIN READ ONLY, for reads that must see one snapshot; unlike
 * db_transaction() it leaves the page caches alone (db/changes.h). */
enum db_status db_read_transaction(PGconn *c, db_tx_fn fn, void *ctx);

/* One statement of db_pipeline(), with its parameters as for
 * db_exec_binary() (NULL lengths and formats: text). */
struct db_stmt {
	const char *sql;
	int nparams;
	const char *const *params;
	const int *lengths;
	const int *formats;
	PGresult *result; /* set by db_pipeline(): PQclear it; NULL when not run */
};
#define DB_PIPELINE_MAX 8

/* Runs up to DB_PIPELINE_MAX statements as one write transaction in one
 * round trip (libpq's pipeline mode): the statements are sent before any
 * answer is read, in the pipeline's own transaction, which PostgreSQL
 * commits at the pipeline's sync point. When `then` is given, BEGIN goes
 * first, `then` runs after the statements in the same transaction (work
 * that needs their results), and COMMIT follows separately. Otherwise as db_transaction(): rolled back when
 * anything fails (a statement after a failed one has no result), retried
 * on DB_RETRY, the page caches told at commit. With JAWNOSC_DB_PREPARE=0
 * the statements go one by one (a pooler may not follow a pipeline). */
enum db_status db_pipeline(PGconn *c, struct db_stmt *s, int n, db_tx_fn then, void *ctx);

/* A reader's round trip: `head` (at most 3 statements of the caller's
 * own without parameters, such as "BEGIN READ ONLY" and "SET LOCAL ROLE
 * ..."; none: the transaction the caller has open), up to
 * DB_PIPELINE_MAX statements, then COMMIT when `commit`, all sent before
 * any answer is read (libpq's pipeline mode). Nothing is retried and the
 * page caches are not told (a reader changes nothing). A statement after
 * a failed one has no result; on failure a transaction may be left open
 * (failed) for the caller to roll back. With JAWNOSC_DB_PREPARE=0 the
 * statements go one by one. */
enum db_status db_pipeline_read(PGconn *c, const char *const *head, int nhead, struct db_stmt *s,
                                int n, bool commit);

#endif
