#include "db/changes.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

/* The sequence: each change takes the next number. */
static atomic_uint_fast64_t seq = 1;
/* The number of the last change of everything. */
static atomic_uint_fast64_t all_changed = 1;
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

void changes_local_write(void)
{
	changes_all();
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

static pthread_t thread;
static bool started;
/* The listener's connection, shared with changes_sync() under conn_lock. */
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static PGconn *conn;
static atomic_bool stopping;
static char *listen_url;

static void nap_ms(long ms)
{
	while (ms > 0 && !atomic_load(&stopping)) {
		long step = ms < 100 ? ms : 100;
		struct timespec ts = {0, step * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

static void take(PGconn *c)
{
	PGnotify *n;
	while ((n = PQnotifies(c))) {
		char *end;
		errno = 0;
		long long org = strtoll(n->extra, &end, 10);
		if (errno || end == n->extra || *end || org <= 0)
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
	pthread_mutex_lock(&conn_lock);
	if (conn) {
		struct pollfd p = {.fd = PQsocket(conn), .events = POLLIN};
		if (poll(&p, 1, 0) > 0)
			consume(conn);
	}
	pthread_mutex_unlock(&conn_lock);
}

/* Listens until the connection fails or the server stops. */
static void listen_on(PGconn *c)
{
	PGresult *r = PQexec(c, "LISTEN jawnosc_changes");
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
	while (!atomic_load(&stopping)) {
		struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
		int n = poll(&p, 1, 200);
		if (n < 0 && errno != EINTR)
			break;
		pthread_mutex_lock(&conn_lock);
		ok = consume(c);
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
	conn = NULL;
	atomic_store(&live, false);
	changes_all();
	pthread_mutex_unlock(&conn_lock);
	if (!atomic_load(&stopping))
		log_warn("page caches off until the database answers again: %s", PQerrorMessage(c));
}

static void *listener_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&stopping)) {
		PGconn *c = PQconnectdb(listen_url);
		if (c && PQstatus(c) == CONNECTION_OK)
			listen_on(c);
		PQfinish(c);
		nap_ms(1000);
	}
	return NULL;
}

bool changes_start(const char *url)
{
	if (started)
		return true;
	listen_url = strdup(url ? url : "");
	if (!listen_url)
		return false;
	atomic_store(&stopping, false);
	if (pthread_create(&thread, NULL, listener_main, NULL) != 0) {
		free(listen_url);
		listen_url = NULL;
		return false;
	}
	started = true;
	return true;
}

void changes_stop(void)
{
	if (!started)
		return;
	atomic_store(&stopping, true);
	pthread_join(thread, NULL);
	started = false;
	atomic_store(&live, false);
	changes_all();
	free(listen_url);
	listen_url = NULL;
}
