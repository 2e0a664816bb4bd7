#include "web/pcache.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cases/register.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/hash.h"
#include "core/log.h"
#include "db/changes.h"
#include "http/cache.h"
#include "law/date.h"
#include "law/warsaw.h"

/* ---- The copies ------------------------------------------------------------ */

struct entry {
	struct entry *hnext;       /* hash chain */
	struct entry *prev, *next; /* least recently used last */
	atomic_int refs;           /* the table's, while linked, and each reader's */
	uint64_t hash;
	char *key;
	long long org;
	uint64_t mark;
	int32_t day;
	int64_t expires; /* monotonic seconds */
	size_t size;     /* counted against the limit */
	char *data;
	size_t len;
	/* A whole response. */
	char *content_type, *etag, *cache_control, *visit_path;
	time_t last_modified;
	bool has_visits; /* the count goes at data + split */
	size_t split;    /* (data: the length before compression) */
	long long visits_base;
	atomic_llong hits;
};

#define NBUCKETS 16384u

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *buckets[NBUCKETS];
static struct entry *lru_head, *lru_tail;
static size_t total_bytes;
static long long total_entries;
static size_t limit_bytes;
static int64_t ttl_seconds = 300;
static atomic_llong n_hits, n_misses;
static atomic_bool running;

static int64_t mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static int32_t today(void)
{
	law_date_t d;
	return law_warsaw_date(clock_now(), &d) ? law_date_to_days(d) : 0;
}

static void entry_free(struct entry *e)
{
	free(e->key);
	free(e->data);
	free(e->content_type);
	free(e->etag);
	free(e->cache_control);
	free(e->visit_path);
	free(e);
}

static void unref(struct entry *e)
{
	if (atomic_fetch_sub(&e->refs, 1) == 1)
		entry_free(e);
}

/* With the lock held. */
static void lru_remove(struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		lru_head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		lru_tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_front(struct entry *e)
{
	e->prev = NULL;
	e->next = lru_head;
	if (lru_head)
		lru_head->prev = e;
	lru_head = e;
	if (!lru_tail)
		lru_tail = e;
}

/* Takes `e` out of the table (with the lock held). */
static void drop(struct entry *e)
{
	struct entry **p = &buckets[e->hash & (NBUCKETS - 1)];
	while (*p && *p != e)
		p = &(*p)->hnext;
	if (*p)
		*p = e->hnext;
	lru_remove(e);
	total_bytes -= e->size;
	total_entries--;
	unref(e);
}

static bool valid(const struct entry *e, int64_t now, int32_t day)
{
	return e->expires > now && e->day == day && changes_current(e->org, e->mark);
}

/* The current copy under `key` with a reference taken, or NULL. */
static struct entry *get(const char *key)
{
	if (!pcache_on())
		return NULL;
	changes_sync();
	uint64_t h = hash_str(key);
	int64_t now = mono_seconds();
	int32_t day = today();
	pthread_mutex_lock(&lock);
	struct entry *e = buckets[h & (NBUCKETS - 1)];
	while (e && (e->hash != h || strcmp(e->key, key) != 0))
		e = e->hnext;
	if (e && !valid(e, now, day)) {
		drop(e);
		e = NULL;
	}
	if (e) {
		lru_remove(e);
		lru_front(e);
		atomic_fetch_add(&e->refs, 1);
	}
	pthread_mutex_unlock(&lock);
	atomic_fetch_add(e ? &n_hits : &n_misses, 1);
	return e;
}

/* Links `e` (refs 1) in place of any copy under its key. */
static void put(struct entry *e)
{
	if (!pcache_on() || e->size > limit_bytes / 8 || !changes_current(e->org, e->mark)) {
		entry_free(e);
		return;
	}
	e->hash = hash_str(e->key);
	e->expires = mono_seconds() + ttl_seconds;
	e->day = today();
	atomic_store(&e->refs, 1);
	pthread_mutex_lock(&lock);
	struct entry **p = &buckets[e->hash & (NBUCKETS - 1)];
	for (struct entry *o = *p; o; o = o->hnext) {
		if (o->hash == e->hash && strcmp(o->key, e->key) == 0) {
			drop(o);
			break;
		}
	}
	e->hnext = *p;
	*p = e;
	lru_front(e);
	total_bytes += e->size;
	total_entries++;
	while (total_bytes > limit_bytes && lru_tail && lru_tail != e)
		drop(lru_tail);
	pthread_mutex_unlock(&lock);
}

/* Drops every copy that is no longer current, so memory follows what can
 * still be used (the flusher thread, every second). */
static void sweep(void)
{
	int64_t now = mono_seconds();
	int32_t day = today();
	pthread_mutex_lock(&lock);
	for (struct entry *e = lru_head, *next; e; e = next) {
		next = e->next;
		if (!changes_live() || !valid(e, now, day))
			drop(e);
	}
	pthread_mutex_unlock(&lock);
}

static void drop_all(void)
{
	pthread_mutex_lock(&lock);
	while (lru_tail)
		drop(lru_tail);
	pthread_mutex_unlock(&lock);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

bool pcache_on(void)
{
	return atomic_load(&running) && limit_bytes > 0 && changes_live();
}

void pcache_stats(struct pcache_stats *out)
{
	pthread_mutex_lock(&lock);
	out->entries = total_entries;
	out->bytes = (long long)total_bytes;
	pthread_mutex_unlock(&lock);
	out->hits = atomic_load(&n_hits);
	out->misses = atomic_load(&n_misses);
}

/* ---- Whole responses --------------------------------------------------------- */

struct fill {
	long long org;
	uint64_t mark;
	const char *visit_path, *etag, *cache_control;
	long long visits;
	time_t last_modified;
};

static const char *response_key(http_req_t *req)
{
	const char *host = http_header(req, "Host");
	return arena_printf(req->arena, "R %s %s", host ? host : "", req->uri);
}

/* The page with the count where PCACHE_VISITS was. */
static void send_with_visits(http_req_t *req, int status, const char *ctype, const char *data,
                             size_t len, bool has_visits, size_t split, long long visits)
{
	if (!has_visits) {
		http_respond(req, status, ctype, data, len);
		return;
	}
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", visits);
	char *body = arena_alloc(req->arena, len + (size_t)n + 1);
	memcpy(body, data, split);
	memcpy(body + split, num, (size_t)n);
	memcpy(body + split + (size_t)n, data + split, len - split);
	http_respond(req, status, ctype, body, len + (size_t)n);
}

bool pcache_serve(http_req_t *req)
{
	if (strcmp(req->method, "GET") != 0 || !pcache_on())
		return false;
	struct entry *e = get(response_key(req));
	if (!e)
		return false;
	if (e->visit_path)
		register_visit(e->org, e->visit_path);
	long long visits = e->visits_base + atomic_fetch_add(&e->hits, 1) + 1;
	if (http_fresh(req, e->etag, e->last_modified, e->cache_control))
		http_respond_not_modified(req);
	else
		send_with_visits(req, 200, e->content_type, e->data, e->len, e->has_visits, e->split,
		                 visits);
	unref(e);
	return true;
}

bool pcache_keep(http_req_t *req, long long org_id, uint64_t mark, const char *visit_path,
                 long long visits, const char *etag, time_t last_modified,
                 const char *cache_control)
{
	if (strcmp(req->method, "GET") != 0 || !pcache_on())
		return false;
	struct fill *f = arena_alloc(req->arena, sizeof *f);
	*f = (struct fill){org_id, mark, visit_path, etag, cache_control, visits, last_modified};
	req->keep = f;
	return true;
}

void pcache_respond(http_req_t *req, int status, const char *content_type, const char *body,
                    size_t len)
{
	struct fill *f = req->keep;
	if (!f) {
		http_respond(req, status, content_type, body, len);
		return;
	}
	req->keep = NULL;
	static const char mark[] = PCACHE_VISITS;
	const char *at = body ? memmem(body, len, mark, sizeof mark - 1) : NULL;
	size_t split = at ? (size_t)(at - body) : 0;
	size_t kept = at ? len - (sizeof mark - 1) : len;
	char *data = malloc(kept + 1);
	if (!data) {
		http_respond_error(req, 503, NULL);
		return;
	}
	if (at) {
		memcpy(data, body, split);
		memcpy(data + split, at + sizeof mark - 1, len - split - (sizeof mark - 1));
	} else if (len) {
		memcpy(data, body, len);
	}
	data[kept] = '\0';
	send_with_visits(req, status, content_type, data, kept, at != NULL, split, f->visits);
	struct entry *e = status == 200 ? calloc(1, sizeof *e) : NULL;
	if (!e) {
		free(data);
		return;
	}
	e->key = strdup(response_key(req));
	e->org = f->org;
	e->mark = f->mark;
	e->data = data;
	e->len = kept;
	e->content_type = dup_or_null(content_type);
	e->etag = dup_or_null(f->etag);
	e->cache_control = dup_or_null(f->cache_control);
	e->visit_path = dup_or_null(f->visit_path);
	e->last_modified = f->last_modified;
	e->has_visits = at != NULL;
	e->split = split;
	e->visits_base = f->visits;
	e->size = sizeof *e + kept + strlen(e->key ? e->key : "") + 64;
	if (!e->key || (content_type && !e->content_type)) {
		entry_free(e);
		return;
	}
	put(e);
}

/* ---- Data ------------------------------------------------------------------------ */

/* Data is kept compressed (zlib, fastest level): a tracking page's data
 * shrinks to about a third, so three times as many fit. A 4 kB window and
 * small hash tables: the data is a few kilobytes, and the default state
 * (over 256 kB) is allocated with mmap and faulted in at every call. */
static char *deflate_small(const char *in, size_t len, size_t *outlen)
{
	z_stream z = {0};
	if (deflateInit2(&z, 1, Z_DEFLATED, 12, 5, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	uLong bound = deflateBound(&z, (uLong)len);
	char *out = malloc(bound ? bound : 1);
	int rc = Z_STREAM_ERROR;
	if (out) {
		z.next_in = (Bytef *)in;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)out;
		z.avail_out = (uInt)bound;
		rc = deflate(&z, Z_FINISH);
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	char *fit = realloc(out, *outlen ? *outlen : 1);
	return fit ? fit : out;
}

json_t *pcache_get_json(const char *key)
{
	struct entry *e = get(key);
	if (!e)
		return NULL;
	uLongf n = (uLongf)e->split; /* the length before compression */
	char *text = malloc(n + 1);
	json_t *doc = NULL;
	if (text && uncompress((Bytef *)text, &n, (const Bytef *)e->data, (uLong)e->len) == Z_OK &&
	    n == (uLongf)e->split)
		doc = json_loadb(text, n, 0, NULL);
	free(text);
	unref(e);
	return doc;
}

void pcache_put_json(const char *key, long long org_id, uint64_t mark, const json_t *doc)
{
	if (!pcache_on() || org_id <= 0)
		return;
	char *text = json_dumps(doc, JSON_COMPACT);
	struct entry *e = text ? calloc(1, sizeof *e) : NULL;
	if (!e) {
		free(text);
		return;
	}
	size_t len = strlen(text), n = 0;
	e->key = strdup(key);
	e->data = deflate_small(text, len, &n);
	free(text);
	if (!e->key || !e->data) {
		entry_free(e);
		return;
	}
	e->len = n;
	e->split = len;
	e->org = org_id;
	e->mark = mark;
	e->size = sizeof *e + n + strlen(key) + 32;
	put(e);
}

/* ---- The thread ----------------------------------------------------------------- */

static pthread_t flusher;
static atomic_bool stopping;

static void *flusher_main(void *arg)
{
	(void)arg;
	for (unsigned round = 1; !atomic_load(&stopping); round++) {
		for (int i = 0; i < 10 && !atomic_load(&stopping); i++) {
			struct timespec ts = {0, 100 * 1000000L};
			nanosleep(&ts, NULL);
		}
		sweep();
#ifdef __GLIBC__
		/* Copies come and go in every size: give the freed pages back
		 * now and then, or the arenas keep them (a soak without this
		 * grew 10 % before levelling off). Once a minute, not more: it
		 * walks every arena holding its lock, and after a wave of
		 * invalidations request threads waited up to 231 ms for it. */
		if (round % 60 == 0)
			malloc_trim(0);
#endif
	}
	return NULL;
}

bool pcache_start(void)
{
	limit_bytes = (size_t)cfg.page_cache_mb * 1024 * 1024;
	ttl_seconds = cfg.page_cache_ttl;
	atomic_store(&stopping, false);
	if (pthread_create(&flusher, NULL, flusher_main, NULL) != 0)
		return false;
	atomic_store(&running, true);
	return true;
}

void pcache_stop(void)
{
	if (!atomic_load(&running))
		return;
	atomic_store(&running, false);
	atomic_store(&stopping, true);
	pthread_join(flusher, NULL);
	drop_all();
}
