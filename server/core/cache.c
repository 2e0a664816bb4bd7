/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/cache.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "core/hash.h"

/* Entries and tags share the one table; a tag's node is found by its name
 * with `is_tag` set, and lists its entries. A tag lives until everything
 * is invalidated: its number must outlive its entries, or a copy read
 * before its last invalidation could be put afterwards. */
struct node {
	struct node *hnext; /* hash chain */
	uint64_t hash;
	bool is_tag;
	char *key;
};

struct tag {
	struct node n;
	uint64_t changed; /* the number of its last invalidation */
	struct cache_entry *first;
	long count;
};

struct cache_entry {
	struct node n;
	struct cache_entry *prev, *next;   /* least recently used last */
	struct cache_entry *tprev, *tnext; /* the entries of its tag */
	struct tag *tag;
	atomic_int refs; /* the table's, while linked, and each reader's */
	int64_t expires; /* monotonic seconds */
	size_t size;     /* counted against the limit */
	void *value;
	void (*free_value)(void *);
};

#define NBUCKETS 16384u
/* Past this many tags, everything is invalidated (which frees them). */
#define TAGS_MAX 65536

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct node *buckets[NBUCKETS];
static struct cache_entry *lru_head, *lru_tail;
static size_t total_bytes;
static long long total_entries;
static long ntags;
static size_t limit_bytes;
static atomic_bool live;
static atomic_uint_fast64_t seq = 1;         /* each invalidation takes the next number */
static atomic_uint_fast64_t all_changed = 1; /* that of the last cache_invalidate_all() */
static atomic_llong n_hits, n_misses;
static void (*sync_fn)(void);

static int64_t mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* ---- Read-your-writes through a replica (cache.h) ---- */

/* The points bound to invalidations, oldest first: (mark, lsn) with both
 * rising; a ring of the last LSN_RING. */
#define LSN_RING 256
static struct {
	uint64_t mark, lsn;
} lsn_ring[LSN_RING];
static size_t lsn_first, lsn_count;
static pthread_mutex_t lsn_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ullong lsn_last, lsn_last_mark;
static _Thread_local bool from_replica;
static _Thread_local uint64_t replica_lsn;
static atomic_llong n_replica_behind;

void cache_reading_replica(bool on, uint64_t replayed_lsn)
{
	from_replica = on;
	replica_lsn = replayed_lsn;
}

void cache_changes_reached(uint64_t mark, uint64_t lsn)
{
	pthread_mutex_lock(&lsn_lock);
	if (!lsn_count || (mark > lsn_ring[(lsn_first + lsn_count - 1) % LSN_RING].mark &&
	                   lsn >= lsn_ring[(lsn_first + lsn_count - 1) % LSN_RING].lsn)) {
		if (lsn_count == LSN_RING) {
			lsn_first = (lsn_first + 1) % LSN_RING;
			lsn_count--;
		}
		lsn_ring[(lsn_first + lsn_count) % LSN_RING].mark = mark;
		lsn_ring[(lsn_first + lsn_count) % LSN_RING].lsn = lsn;
		lsn_count++;
		atomic_store(&lsn_last, lsn);
		atomic_store(&lsn_last_mark, mark);
	}
	pthread_mutex_unlock(&lsn_lock);
}

uint64_t cache_changes_lsn(void)
{
	return atomic_load(&lsn_last);
}

uint64_t cache_changes_mark(void)
{
	return atomic_load(&lsn_last_mark);
}

/* The point invalidation `n` was committed before: UINT64_MAX when none
 * is bound to it yet. One older than the ring's first is bound by it. */
static uint64_t lsn_of(uint64_t n)
{
	uint64_t lsn = UINT64_MAX;
	pthread_mutex_lock(&lsn_lock);
	for (size_t i = 0; i < lsn_count; i++)
		if (lsn_ring[(lsn_first + i) % LSN_RING].mark >= n) {
			lsn = lsn_ring[(lsn_first + i) % LSN_RING].lsn;
			break;
		}
	pthread_mutex_unlock(&lsn_lock);
	return lsn;
}

/* A copy read from a replica that had not replayed the last change of
 * its tag (numbered `changed`) or of everything (`all`). */
static bool replica_behind(uint64_t changed, uint64_t all)
{
	if (!from_replica)
		return false;
	uint64_t n = changed > all ? changed : all;
	return n && lsn_of(n) > replica_lsn;
}

static uint64_t hash_of(const char *key, bool is_tag)
{
	uint64_t h = hash_str(key);
	return is_tag ? h ^ 0x9E3779B97F4A7C15ull : h;
}

/* With the lock held. */
static struct node *find(const char *key, bool is_tag)
{
	uint64_t h = hash_of(key, is_tag);
	struct node *n = buckets[h & (NBUCKETS - 1)];
	while (n && (n->hash != h || n->is_tag != is_tag || strcmp(n->key, key) != 0))
		n = n->hnext;
	return n;
}

static void link_node(struct node *n)
{
	struct node **p = &buckets[n->hash & (NBUCKETS - 1)];
	n->hnext = *p;
	*p = n;
}

static void unlink_node(struct node *n)
{
	struct node **p = &buckets[n->hash & (NBUCKETS - 1)];
	while (*p && *p != n)
		p = &(*p)->hnext;
	if (*p)
		*p = n->hnext;
}

static void entry_free(struct cache_entry *e)
{
	if (e->free_value)
		e->free_value(e->value);
	free(e->n.key);
	free(e);
}

static void unref(struct cache_entry *e)
{
	if (atomic_fetch_sub(&e->refs, 1) == 1)
		entry_free(e);
}

static void lru_remove(struct cache_entry *e)
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

static void lru_front(struct cache_entry *e)
{
	e->prev = NULL;
	e->next = lru_head;
	if (lru_head)
		lru_head->prev = e;
	lru_head = e;
	if (!lru_tail)
		lru_tail = e;
}

/* Takes `e` out of the table (with the lock held); readers keep it until
 * they let go. */
static void drop(struct cache_entry *e)
{
	unlink_node(&e->n);
	lru_remove(e);
	if (e->tag) {
		if (e->tprev)
			e->tprev->tnext = e->tnext;
		else
			e->tag->first = e->tnext;
		if (e->tnext)
			e->tnext->tprev = e->tprev;
		e->tag->count--;
	}
	total_bytes -= e->size;
	total_entries--;
	unref(e);
}

/* Every entry and every tag (with the lock held). */
static void drop_all(void)
{
	while (lru_tail)
		drop(lru_tail);
	for (unsigned i = 0; i < NBUCKETS; i++) {
		for (struct node **p = &buckets[i]; *p;) {
			struct node *n = *p;
			*p = n->hnext;
			free(n->key);
			free(n);
		}
	}
	ntags = 0;
}

/* The tag `name`, made when missing (with the lock held); NULL when out of
 * memory. */
static struct tag *tag_of(const char *name)
{
	struct tag *t = (struct tag *)find(name, true);
	if (t || ntags >= TAGS_MAX)
		return t;
	t = calloc(1, sizeof *t);
	if (!t || !(t->n.key = strdup(name))) {
		free(t);
		return NULL;
	}
	t->n.is_tag = true;
	t->n.hash = hash_of(name, true);
	link_node(&t->n);
	ntags++;
	return t;
}

void cache_configure(size_t max_bytes)
{
	pthread_mutex_lock(&lock);
	limit_bytes = max_bytes;
	pthread_mutex_unlock(&lock);
}

bool cache_on(void)
{
	return atomic_load(&live) && limit_bytes > 0;
}

void cache_set_live(bool on)
{
	if (!on)
		atomic_store(&live, false);
	/* The points bound before are of a connection that is gone (perhaps
	 * to another primary, whose WAL may be behind them): bound anew. */
	pthread_mutex_lock(&lsn_lock);
	lsn_count = 0;
	atomic_store(&lsn_last, 0);
	atomic_store(&lsn_last_mark, 0);
	pthread_mutex_unlock(&lsn_lock);
	cache_invalidate_all();
	if (on)
		atomic_store(&live, true);
}

void cache_set_sync(void (*fn)(void))
{
	sync_fn = fn;
}

void cache_sync(void)
{
	if (sync_fn && cache_on())
		sync_fn();
}

uint64_t cache_mark(void)
{
	return atomic_load(&seq);
}

bool cache_get(const char *key, struct cache_hit *hit)
{
	hit->value = NULL;
	hit->entry = NULL;
	if (!cache_on())
		return false;
	int64_t now = mono_seconds();
	pthread_mutex_lock(&lock);
	struct cache_entry *e = (struct cache_entry *)find(key, false);
	if (e && e->expires <= now) {
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
	if (!e)
		return false;
	hit->value = e->value;
	hit->entry = e;
	return true;
}

void cache_release(struct cache_hit *hit)
{
	if (hit->entry)
		unref(hit->entry);
	hit->entry = NULL;
	hit->value = NULL;
}

bool cache_put(const char *key, const char *tag, uint64_t mark, int64_t ttl_seconds, void *value,
               size_t size, void (*free_value)(void *))
{
	struct cache_entry *e = calloc(1, sizeof *e);
	if (!e || !(e->n.key = strdup(key))) {
		free(e);
		if (free_value)
			free_value(value);
		return false;
	}
	e->n.hash = hash_of(key, false);
	e->value = value;
	e->free_value = free_value;
	e->size = sizeof *e + strlen(key) + 1 + size;
	e->expires = mono_seconds() + ttl_seconds;
	atomic_store(&e->refs, 1);
	bool kept = false;
	pthread_mutex_lock(&lock);
	struct tag *t = NULL;
	bool fresh = cache_on() && e->size <= limit_bytes / 8 && atomic_load(&all_changed) <= mark &&
	             (!tag || ((t = tag_of(tag)) && t->changed <= mark));
	if (fresh && replica_behind(t ? t->changed : 0, atomic_load(&all_changed))) {
		fresh = false;
		atomic_fetch_add(&n_replica_behind, 1);
	}
	if (fresh) {
		struct cache_entry *old = (struct cache_entry *)find(key, false);
		if (old)
			drop(old);
		link_node(&e->n);
		lru_front(e);
		if (t) {
			e->tag = t;
			e->tnext = t->first;
			if (t->first)
				t->first->tprev = e;
			t->first = e;
			t->count++;
		}
		total_bytes += e->size;
		total_entries++;
		while (total_bytes > limit_bytes && lru_tail && lru_tail != e)
			drop(lru_tail);
		kept = true;
	}
	pthread_mutex_unlock(&lock);
	if (!kept)
		entry_free(e);
	return kept;
}

void cache_invalidate(const char *tag)
{
	uint64_t n = atomic_fetch_add(&seq, 1) + 1;
	pthread_mutex_lock(&lock);
	struct tag *t = tag_of(tag);
	if (t) {
		t->changed = n;
		while (t->first)
			drop(t->first);
	} else {
		/* Without room for the tag, nothing of it can be told apart:
		 * everything goes. */
		atomic_store(&all_changed, n);
		drop_all();
	}
	pthread_mutex_unlock(&lock);
}

void cache_invalidate_all(void)
{
	uint64_t n = atomic_fetch_add(&seq, 1) + 1;
	pthread_mutex_lock(&lock);
	atomic_store(&all_changed, n);
	drop_all();
	pthread_mutex_unlock(&lock);
}

long cache_tag_entries(const char *tag)
{
	pthread_mutex_lock(&lock);
	struct tag *t = (struct tag *)find(tag, true);
	long n = t ? t->count : 0;
	pthread_mutex_unlock(&lock);
	return n;
}

void cache_sweep(void)
{
	int64_t now = mono_seconds();
	pthread_mutex_lock(&lock);
	for (struct cache_entry *e = lru_head, *next; e; e = next) {
		next = e->next;
		if (e->expires <= now)
			drop(e);
	}
	pthread_mutex_unlock(&lock);
}

void cache_trim(void)
{
#ifdef __GLIBC__
	/* Copies come and go in every size: give the freed pages back now and
	 * then, or the arenas keep them (a soak without this grew 10 % before
	 * levelling off). Once a minute, not more: it walks every arena
	 * holding its lock, and after a wave of invalidations request threads
	 * waited up to 231 ms for it. */
	malloc_trim(0);
#endif
}

void cache_stats(struct cache_stats *out)
{
	pthread_mutex_lock(&lock);
	out->entries = total_entries;
	out->bytes = (long long)total_bytes;
	pthread_mutex_unlock(&lock);
	out->hits = atomic_load(&n_hits);
	out->misses = atomic_load(&n_misses);
	out->replica_behind = atomic_load(&n_replica_behind);
}

/* ---- JSON documents, compressed ------------------------------------------- */

struct packed {
	size_t raw_len, len;
	char data[];
};

/* A 4 kB window and small hash tables: the data is a few kilobytes, and
 * the default state (over 256 kB) is allocated with mmap and faulted in at
 * every call. */
static struct packed *deflate_small(const char *in, size_t len)
{
	z_stream z = {0};
	if (deflateInit2(&z, 1, Z_DEFLATED, 12, 5, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	uLong bound = deflateBound(&z, (uLong)len);
	struct packed *out = malloc(sizeof *out + (bound ? bound : 1));
	int rc = Z_STREAM_ERROR;
	if (out) {
		z.next_in = (Bytef *)in;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)out->data;
		z.avail_out = (uInt)bound;
		rc = deflate(&z, Z_FINISH);
		out->raw_len = len;
		out->len = z.total_out;
	}
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	struct packed *fit = realloc(out, sizeof *out + (out->len ? out->len : 1));
	return fit ? fit : out;
}

json_t *cache_get_json(const char *key)
{
	struct cache_hit hit;
	if (!cache_get(key, &hit))
		return NULL;
	const struct packed *p = hit.value;
	uLongf n = (uLongf)p->raw_len;
	char *text = malloc(n + 1);
	json_t *doc = NULL;
	if (text && uncompress((Bytef *)text, &n, (const Bytef *)p->data, (uLong)p->len) == Z_OK &&
	    n == (uLongf)p->raw_len)
		doc = json_loadb(text, n, 0, NULL);
	free(text);
	cache_release(&hit);
	return doc;
}

bool cache_put_json(const char *key, const char *tag, uint64_t mark, int64_t ttl_seconds,
                    const json_t *doc)
{
	if (!cache_on())
		return false;
	char *text = json_dumps(doc, JSON_COMPACT);
	struct packed *p = text ? deflate_small(text, strlen(text)) : NULL;
	free(text);
	return p && cache_put(key, tag, mark, ttl_seconds, p, sizeof *p + p->len, free);
}
