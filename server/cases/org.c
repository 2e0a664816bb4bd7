#include "cases/org.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/hash.h"
#include "db/changes.h"

static bool is_true(const char *v)
{
	return v && v[0] == 't';
}

/* The columns of ORG_PUBLIC_COLUMNS; the settings are left as they are. */
static void public_from_row(const PGresult *r, int row, int col, arena_t *a, struct org *o)
{
#define V(i) PQgetvalue(r, row, col + (i))
	o->id = atoll(V(0));
	o->slug = arena_strdup(a, V(1));
	o->name = arena_strdup(a, V(2));
	o->address = arena_strdup(a, V(3));
	o->place = arena_strdup(a, V(4));
	o->email = arena_strdup(a, V(5));
	o->phone = arena_strdup(a, V(6));
	o->bip_url = arena_strdup(a, V(7));
	o->created = arena_strdup(a, V(8));
	o->created_unix = atoll(V(9));
#undef V
}

void org_from_row(const PGresult *r, int row, int col, arena_t *a, struct org *o)
{
	public_from_row(r, row, col, a, o);
	o->stamp_us = 0;
#define V(i) PQgetvalue(r, row, col + ORG_PUBLIC_NCOLUMNS + (i))
	o->web_unit_id = atoll(V(0));
	o->class_public = arena_strdup(a, V(1));
	o->class_reuse = arena_strdup(a, V(2));
	o->policy = law_policy_default();
	o->policy.clarification_restarts_term = is_true(V(3));
	o->policy.remedy = strcmp(V(4), "reconsideration") == 0 ? LAW_REMEDY_RECONSIDERATION
	                                                      : LAW_REMEDY_APPEAL;
	o->policy.reuse_defects_call = is_true(V(5));
	o->policy.clarification_window_days = atoi(V(6));
	o->policy.interest_window_days = atoi(V(7));
	o->policy.interest_call_keeps_term_running = is_true(V(8));
#undef V
}

/* ---- Organisations by host, kept in memory (ORG_SETTINGS) ----
 *
 * Every request starts by finding its organisation from the Host header.
 * Settings change rarely, so what was read is kept: a copy is used while
 * the change listener says no organisation's settings changed since it
 * was read (changes_settings_current(): triggers of migration 0013 on
 * organisations and units; case work does not count) and for at most
 * ORG_CACHE_TTL seconds. Nothing is kept while the listener is off, nor
 * with JAWNOSC_PAGE_CACHE_MB=0 (behind PgBouncer: see cache_on()). The
 * Host header is the client's, so the table is bounded: when full it is
 * emptied. */
#define ORG_CACHE_SLOTS 512
#define ORG_CACHE_MAX 2048
#define ORG_CACHE_TTL 60

struct org_entry {
	struct org_entry *next;
	char *host;
	uint64_t mark;
	int64_t at;
	struct org org; /* strings malloc'd */
};

static enum db_status org_read_for_host(PGconn *c, arena_t *a, const char *host,
                                        enum org_scope scope, struct org *out, bool *found);

static int64_t mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct org_entry *cache[ORG_CACHE_SLOTS];
static int cache_n;

static void org_strings_free(struct org *o)
{
	free((char *)o->slug);
	free((char *)o->name);
	free((char *)o->address);
	free((char *)o->place);
	free((char *)o->email);
	free((char *)o->phone);
	free((char *)o->bip_url);
	free((char *)o->created);
	free((char *)o->class_public);
	free((char *)o->class_reuse);
}

/* A copy of `o` with each string from `dup` (xstrdup or the arena). */
static void org_copy(struct org *dst, const struct org *o, char *(*dup)(void *, const char *),
                     void *ctx)
{
	*dst = *o;
	dst->slug = dup(ctx, o->slug);
	dst->name = dup(ctx, o->name);
	dst->address = dup(ctx, o->address);
	dst->place = dup(ctx, o->place);
	dst->email = dup(ctx, o->email);
	dst->phone = dup(ctx, o->phone);
	dst->bip_url = dup(ctx, o->bip_url);
	dst->created = dup(ctx, o->created);
	dst->class_public = dup(ctx, o->class_public);
	dst->class_reuse = dup(ctx, o->class_reuse);
}

static char *dup_heap(void *ctx, const char *s)
{
	(void)ctx;
	return xstrdup(s);
}

static char *dup_arena(void *ctx, const char *s)
{
	return arena_strdup(ctx, s);
}

static void entry_free(struct org_entry *e)
{
	org_strings_free(&e->org);
	free(e->host);
	free(e);
}

static bool entry_fresh(const struct org_entry *e, int64_t now)
{
	return changes_settings_current(e->mark) && now - e->at < ORG_CACHE_TTL;
}

static bool cache_get(const char *host, arena_t *a, struct org *out)
{
	size_t slot = hash_str(host) % ORG_CACHE_SLOTS;
	int64_t now = mono_now();
	bool hit = false;
	pthread_rwlock_rdlock(&cache_lock);
	for (struct org_entry *e = cache[slot]; e && !hit; e = e->next) {
		if (strcmp(e->host, host) == 0 && entry_fresh(e, now)) {
			org_copy(out, &e->org, dup_arena, a);
			hit = true;
		}
	}
	pthread_rwlock_unlock(&cache_lock);
	return hit;
}

static void cache_clear_locked(void)
{
	for (int i = 0; i < ORG_CACHE_SLOTS; i++) {
		while (cache[i]) {
			struct org_entry *e = cache[i];
			cache[i] = e->next;
			entry_free(e);
		}
	}
	cache_n = 0;
}

static void cache_put(const char *host, const struct org *o, uint64_t mark)
{
	struct org_entry *e = xmalloc(sizeof *e);
	e->host = xstrdup(host);
	e->mark = mark;
	e->at = mono_now();
	org_copy(&e->org, o, dup_heap, NULL);
	size_t slot = hash_str(host) % ORG_CACHE_SLOTS;
	pthread_rwlock_wrlock(&cache_lock);
	/* The host's older copy, and any copy no longer fresh, go. */
	for (struct org_entry **pp = &cache[slot]; *pp;) {
		if (strcmp((*pp)->host, host) == 0 || !entry_fresh(*pp, e->at)) {
			struct org_entry *old = *pp;
			*pp = old->next;
			entry_free(old);
			cache_n--;
		} else {
			pp = &(*pp)->next;
		}
	}
	if (cache_n >= ORG_CACHE_MAX)
		cache_clear_locked();
	e->next = cache[slot];
	cache[slot] = e;
	cache_n++;
	pthread_rwlock_unlock(&cache_lock);
}

/* Kept only where pages are (JAWNOSC_PAGE_CACHE_MB=0 behind a pooler
 * whose LISTEN cannot be trusted) and while the listener hears changes. */
static bool cache_on(void)
{
	return cfg.page_cache_mb > 0 && changes_live();
}

enum db_status org_for_host(PGconn *c, arena_t *a, const char *host, enum org_scope scope,
                            struct org *out, bool *found)
{
	if (scope != ORG_SETTINGS)
		return org_read_for_host(c, a, host, scope, out, found);
	const char *key = host ? host : "";
	/* No changes_sync() here: settings notifications reach the listener
	 * within moments, and a page cache reader takes them in right after. */
	if (cache_on() && cache_get(key, a, out)) {
		*found = true;
		return DB_OK;
	}
	uint64_t mark = changes_mark();
	enum db_status st = org_read_for_host(c, a, host, scope, out, found);
	if (st == DB_OK && *found && cache_on())
		cache_put(key, out, mark);
	return st;
}

/* The first body (by id) that lists the host ($1, or $2: without its
 * port), else the first body: one look-up in organisations_hosts_idx and
 * one in the primary key, not a sort of every body. "o.id + 0": a generic
 * plan (prepared statements) would otherwise walk the primary key
 * filtering hosts. `rel` is organisations or the public view over it. */
#define BY_HOST(cols, rel)                                                                         \
	"(SELECT " cols ", 0 AS fallback FROM " rel " o "                                          \
	"WHERE o.hosts && ARRAY[$1, $2]::text[] ORDER BY o.id + 0 LIMIT 1) "                       \
	"UNION ALL (SELECT " cols ", 1 FROM " rel " o ORDER BY o.id LIMIT 1) "                     \
	"ORDER BY fallback LIMIT 1"

/* By scope. The public one reads the register's stamp in the same round
 * trip, for the page's validators: its row is ORG_PUBLIC_COLUMNS,
 * "fallback", the stamp. */
static const char *const by_host[] = {
    [ORG_SETTINGS] = BY_HOST(ORG_COLUMNS, "organisations"),
    [ORG_PUBLIC] = "SELECT h.*, (SELECT coalesce((extract(epoch FROM max(i.changed_at)) * "
                   "1000000)::bigint, 0) FROM register_items i WHERE i.org_id = h.id) "
                   "FROM (" BY_HOST(ORG_PUBLIC_COLUMNS, "register_organisations") ") h",
};

static enum db_status org_read_for_host(PGconn *c, arena_t *a, const char *host,
                                        enum org_scope scope, struct org *out, bool *found)
{
	/* "example.gov.pl:8080" matches an entry with or without the port. */
	char bare[256] = "";
	if (host) {
		snprintf(bare, sizeof bare, "%s", host);
		char *colon = strrchr(bare, ':');
		if (colon && !strchr(bare, ']'))
			*colon = '\0';
	}
	const char *p[2] = {host ? host : "", bare};
	enum db_status st;
	PGresult *r = db_exec(c, &st, by_host[scope], 2, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found && scope == ORG_SETTINGS) {
		org_from_row(r, 0, 0, a, out);
	} else if (*found) {
		memset(out, 0, sizeof *out);
		public_from_row(r, 0, 0, a, out);
		out->stamp_us = atoll(PQgetvalue(r, 0, ORG_PUBLIC_NCOLUMNS + 1));
	}
	PQclear(r);
	return st;
}

enum db_status org_by_id(PGconn *c, arena_t *a, long long id, struct org *out, bool *found)
{
	char ids[32];
	snprintf(ids, sizeof ids, "%lld", id);
	const char *p[1] = {ids};
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT " ORG_COLUMNS " FROM organisations o WHERE o.id = $1",
	                      1, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found)
		org_from_row(r, 0, 0, a, out);
	PQclear(r);
	return st;
}
