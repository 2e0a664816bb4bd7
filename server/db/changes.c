#include "db/changes.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "core/jobs.h"
#include "core/log.h"

/* The sequence: each change takes the next number. */
static atomic_uint_fast64_t seq = 1;
/* The number of the last change of everything. */
static atomic_uint_fast64_t all_changed = 1;
/* The number of the last change of any organisation's settings. */
static atomic_uint_fast64_t settings_changed = 1;
static atomic_bool live;

/* Organisation id -> number of its last change: open addressing, linear
 * probing, grown at half full. Read far more often than written. */
struct slot {
	long long org;
	uint64_t changed;
};
static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct slot *table;
static size_t table_cap, table_used;

static size_t slot_of(long long org, size_t cap)
{
	uint64_t h = (uint64_t)org * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 17) & (cap - 1);
}

static uint64_t next_number(void)
{
	return atomic_fetch_add(&seq, 1) + 1;
}

/* Called with the write lock held. */
static void put(long long org, uint64_t n)
{
	if ((table_used + 1) * 2 > table_cap) {
		size_t cap = table_cap ? table_cap * 2 : 1024;
		struct slot *t = calloc(cap, sizeof *t);
		if (!t) {
			/* Without room the organisation cannot be told apart:
			 * everything is stale instead. */
			atomic_store(&all_changed, n);
			return;
		}
		for (size_t i = 0; i < table_cap; i++) {
			if (!table[i].org)
				continue;
			size_t j = slot_of(table[i].org, cap);
			while (t[j].org)
				j = (j + 1) & (cap - 1);
			t[j] = table[i];
		}
		free(table);
		table = t;
		table_cap = cap;
	}
	size_t j = slot_of(org, table_cap);
	while (table[j].org && table[j].org != org)
		j = (j + 1) & (table_cap - 1);
	if (!table[j].org) {
		table[j].org = org;
		table_used++;
	}
	table[j].changed = n;
}

void changes_org(long long org_id)
{
	if (org_id <= 0) {
		changes_all();
		return;
	}
	pthread_rwlock_wrlock(&table_lock);
	put(org_id, next_number());
	pthread_rwlock_unlock(&table_lock);
}

void changes_all(void)
{
	atomic_store(&all_changed, next_number());
}

void changes_settings(void)
{
	atomic_store(&settings_changed, next_number());
}

bool changes_settings_current(uint64_t mark)
{
	return atomic_load(&live) && atomic_load(&all_changed) <= mark &&
	       atomic_load(&settings_changed) <= mark;
}

/* ---- This process's writes ------------------------------------------------- */

static _Thread_local long long writer_org;

/* Organisations to tell the other instances about; `everything` when the
 * list overflowed or a write's organisation was not known. Kept over a
 * reconnect of the listener. */
#define PENDING_MAX 4096
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static long long pending[PENDING_MAX];
static size_t npending;
static bool pending_all;
static int wake_fd[2] = {-1, -1};
static atomic_bool running;

bool changes_running(void)
{
	return atomic_load(&running);
}

void changes_writer(long long org_id)
{
	writer_org = org_id > 0 || org_id == CHANGES_QUIET ? org_id : 0;
}

bool changes_by_app(void)
{
	return atomic_load(&running) && writer_org != CHANGES_QUIET;
}

void changes_committed(void)
{
	long long org = writer_org;
	if (org == CHANGES_QUIET)
		return;
	if (org)
		changes_org(org);
	else
		changes_all();
	if (!atomic_load(&running))
		return;
	pthread_mutex_lock(&pending_lock);
	bool known = false;
	for (size_t i = 0; i < npending && !known; i++)
		known = pending[i] == org;
	if (!org || npending == PENDING_MAX)
		pending_all = true;
	else if (!known)
		pending[npending++] = org;
	pthread_mutex_unlock(&pending_lock);
	char one = 1;
	if (wake_fd[1] >= 0 && write(wake_fd[1], &one, 1) < 0) {
		/* A full pipe already wakes the listener. */
	}
}

uint64_t changes_mark(void)
{
	return atomic_load(&seq);
}

bool changes_live(void)
{
	return atomic_load(&live);
}

bool changes_current(long long org_id, uint64_t mark)
{
	if (!atomic_load(&live) || atomic_load(&all_changed) > mark)
		return false;
	uint64_t changed = 0;
	pthread_rwlock_rdlock(&table_lock);
	if (table_cap) {
		size_t j = slot_of(org_id, table_cap);
		while (table[j].org && table[j].org != org_id)
			j = (j + 1) & (table_cap - 1);
		if (table[j].org == org_id)
			changed = table[j].changed;
	}
	pthread_rwlock_unlock(&table_lock);
	return changed <= mark;
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
		char *end;
		errno = 0;
		long long org = strtoll(n->extra, &end, 10);
		if (strcmp(n->extra, "settings") == 0)
			changes_settings();
		else if (errno || end == n->extra || *end || org <= 0)
			changes_all();
		else
			changes_org(org);
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
	changes_all();
	atomic_store(&live, true);
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
		ok = consume(c) && tell(c);
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
	atomic_store(&live, false);
	changes_all();
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
	atomic_store(&live, false);
	changes_all();
	free(listen_url);
	listen_url = NULL;
}
