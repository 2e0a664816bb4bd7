/* SPDX-License-Identifier: EUPL-1.2 */
#include "db/changes.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/cache.h"
#include "core/jobs.h"
#include "core/log.h"
#include "db/db.h"

static changes_heard_fn on_heard;
static changes_live_fn on_live;
/* Connected and listening: notifications are heard. */
static atomic_bool live;

void changes_set_handler(changes_heard_fn heard, changes_live_fn is_live)
{
	on_heard = heard;
	on_live = is_live;
}

static void heard(const char *table, const char *key)
{
	if (on_heard)
		on_heard(table, key);
}

static void set_live(bool on)
{
	atomic_store(&live, on);
	if (on_live)
		on_live(on);
}

/* "table:key" or "key". */
static void heard_payload(const char *payload)
{
	const char *colon = strchr(payload, ':');
	if (!colon) {
		heard(NULL, payload);
		return;
	}
	char table[64];
	snprintf(table, sizeof table, "%.*s", (int)(colon - payload), payload);
	heard(table, colon + 1);
}

/* ---- This process's writes ------------------------------------------------- */

static _Thread_local long long writer_key;

/* Keys to tell the other instances about; `everything` when the list
 * overflowed or a write's key was not known. Kept over a reconnect of the
 * listener. */
#define PENDING_MAX 4096
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static long long pending[PENDING_MAX];
static size_t npending;
static bool pending_all;
static int wake_fd[2] = {-1, -1};
static atomic_bool running;

void changes_writer(long long key)
{
	writer_key = key > 0 || key == CHANGES_QUIET ? key : 0;
}

bool changes_by_app(void)
{
	return atomic_load(&running) && writer_key != CHANGES_QUIET;
}

void changes_committed(void)
{
	long long key = writer_key;
	if (key == CHANGES_QUIET)
		return;
	char text[24];
	snprintf(text, sizeof text, "%lld", key);
	heard(NULL, key ? text : NULL);
	if (!atomic_load(&running))
		return;
	pthread_mutex_lock(&pending_lock);
	bool known = false;
	for (size_t i = 0; i < npending && !known; i++)
		known = pending[i] == key;
	if (!key || npending == PENDING_MAX)
		pending_all = true;
	else if (!known)
		pending[npending++] = key;
	pthread_mutex_unlock(&pending_lock);
	char one = 1;
	if (wake_fd[1] >= 0 && write(wake_fd[1], &one, 1) < 0) {
		/* A full pipe already wakes the listener. */
	}
}

/* ---- The listener ------------------------------------------------------------ */

static bool started;
/* The listener's connection, shared with changes_sync() under conn_lock. */
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static PGconn *conn;
static char *listen_url;

static void take(PGconn *c)
{
	PGnotify *n;
	int self = PQbackendPID(c);
	while ((n = PQnotifies(c))) {
		/* What this process told the others it has applied already. */
		if (n->be_pid == self) {
			PQfreemem(n);
			continue;
		}
		heard_payload(n->extra);
		PQfreemem(n);
	}
}

/* Reads what has arrived on the connection; false when it failed. With
 * conn_lock held. */
static bool consume(PGconn *c)
{
	if (!PQconsumeInput(c))
		return false;
	take(c);
	return PQstatus(c) == CONNECTION_OK;
}

void changes_sync(void)
{
	if (!atomic_load(&live))
		return;
	/* The listener busy with its connection is reading it anyway: never
	 * wait for it. */
	if (pthread_mutex_trylock(&conn_lock) != 0)
		return;
	if (conn) {
		struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
		if (poll(&p, 1, 0) > 0)
			consume(conn);
	}
	pthread_mutex_unlock(&conn_lock);
}

/* Tells the other instances what this process wrote (with conn_lock
 * held); false when the connection failed (the list is kept). */
static bool tell(PGconn *c)
{
	char buf[PENDING_MAX * 21 + 8];
	size_t n = 0;
	pthread_mutex_lock(&pending_lock);
	if (pending_all) {
		n = (size_t)snprintf(buf, sizeof buf, "{all}");
	} else if (npending) {
		buf[n++] = '{';
		for (size_t i = 0; i < npending; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", i ? "," : "", pending[i]);
		buf[n++] = '}';
		buf[n] = '\0';
	}
	bool all = pending_all;
	size_t taken = npending;
	npending = 0;
	pending_all = false;
	pthread_mutex_unlock(&pending_lock);
	if (!n)
		return true;
	const char *p[1] = {buf};
	PGresult *r = PQexecParams(c,
	                           "SELECT pg_notify('jawnosc_changes', x) FROM unnest($1::text[]) x",
	                           1, NULL, p, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	if (!ok) {
		/* Not sent: everything, next time (the list itself is gone). */
		pthread_mutex_lock(&pending_lock);
		if (all || taken)
			pending_all = true;
		pthread_mutex_unlock(&pending_lock);
	}
	take(c);
	return ok;
}

/* Binds the invalidations so far to the primary's WAL insert position now
 * (cache_changes_reached()): each was committed before, whether heard
 * from another instance (NOTIFY is delivered after the commit) or this
 * process's own (its notification is told after the commit). Only with a
 * replica to compare against, and only when there were invalidations
 * since the last time. False when the connection failed. With conn_lock
 * held. */
static bool bind_changes(PGconn *c)
{
	if (!db_has_replica())
		return true;
	uint64_t mark = cache_mark();
	if (mark == cache_changes_mark())
		return true;
	/* The insert position: a commit that does not wait for the disk
	 * (synchronous_commit off) is seen before its record is written. At
	 * a page's start it points past the page's header (24 bytes, 40 at a
	 * segment's start), where no record ends: a replica that has replayed
	 * everything reports the page boundary. */
	PGresult *r = PQexec(c, "SELECT CASE WHEN o.file_offset = 40 THEN x.l - 40 "
	                        "WHEN o.file_offset % current_setting('wal_block_size')::int = 24 "
	                        "THEN x.l - 24 ELSE x.l END "
	                        "FROM (SELECT pg_current_wal_insert_lsn() AS l) x, "
	                        "pg_walfile_name_offset(x.l) o");
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	uint64_t lsn = ok ? db_parse_lsn(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	if (lsn)
		cache_changes_reached(mark, lsn);
	take(c);
	return ok;
}

static void drain_wake(void)
{
	char b[256];
	while (wake_fd[0] >= 0 && read(wake_fd[0], b, sizeof b) > 0) {
	}
}

/* Listens until the connection fails or the server stops. */
static void listen_on(PGconn *c)
{
	/* Its own notifications need not wait for the disk. */
	PGresult *r = PQexec(c, "SET synchronous_commit = off; LISTEN jawnosc_changes");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		log_warn("page caches off: LISTEN failed: %s", PQerrorMessage(c));
		return;
	}
	/* Whatever happened while nobody listened is unknown. */
	pthread_mutex_lock(&conn_lock);
	conn = c;
	set_live(true);
	pthread_mutex_unlock(&conn_lock);
	log_info("page caches on: listening for changes");
	time_t last_ping = time(NULL);
	while (!jobs_stopping()) {
		struct pollfd p[2] = {{.fd = PQsocket(c), .events = POLLIN},
		                      {.fd = wake_fd[0], .events = POLLIN}};
		int n = poll(p, 2, 200);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (p[1].revents & POLLIN)) {
			/* Writes come in bursts: gather a few milliseconds of them
			 * into one notifying transaction. */
			struct timespec ts = {0, 2 * 1000000L};
			nanosleep(&ts, NULL);
		}
		drain_wake();
		pthread_mutex_lock(&conn_lock);
		ok = consume(c) && tell(c) && bind_changes(c);
		/* A connection that died without a word (a cut network) is
		 * found by asking now and then. */
		if (ok && time(NULL) - last_ping >= 5) {
			r = PQexec(c, "SELECT 1");
			ok = PQresultStatus(r) == PGRES_TUPLES_OK;
			PQclear(r);
			take(c);
			last_ping = time(NULL);
		}
		pthread_mutex_unlock(&conn_lock);
		if (!ok)
			break;
	}
	pthread_mutex_lock(&conn_lock);
	/* At a stop, the last writes are told before the connection goes. */
	if (jobs_stopping() && PQstatus(c) == CONNECTION_OK)
		tell(c);
	conn = NULL;
	set_live(false);
	pthread_mutex_unlock(&conn_lock);
	if (!jobs_stopping())
		log_warn("page caches off until the database answers again: %s", PQerrorMessage(c));
}

bool changes_listen(void)
{
	if (!started)
		return false;
	PGconn *c = PQconnectdb(listen_url);
	if (c && PQstatus(c) == CONNECTION_OK)
		listen_on(c);
	PQfinish(c);
	return jobs_stopping();
}

bool changes_start(const char *url)
{
	if (started)
		return true;
	listen_url = strdup(url ? url : "");
	if (!listen_url)
		return false;
	if (pipe2(wake_fd, O_NONBLOCK | O_CLOEXEC) != 0) {
		free(listen_url);
		listen_url = NULL;
		return false;
	}
	started = true;
	atomic_store(&running, true);
	return true;
}

void changes_stop(void)
{
	if (!started)
		return;
	atomic_store(&running, false);
	started = false;
	close(wake_fd[0]);
	close(wake_fd[1]);
	wake_fd[0] = wake_fd[1] = -1;
	set_live(false);
	free(listen_url);
	listen_url = NULL;
}
