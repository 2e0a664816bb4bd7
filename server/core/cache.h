/* SPDX-License-Identifier: EUPL-1.2 */
/* The one cache (as h2o's h2o_cache_t): everything the server keeps between
 * requests lives here, under one byte limit, with one eviction policy and
 * one way to invalidate.
 *
 * - One hash table of entries by key (a string the user chooses: "R host
 *   uri" for a page, "O host" for an organisation, ...). A value is the
 *   caller's block of memory, freed by its function when the last reader
 *   lets go of it.
 * - Eviction: the least recently used go first when the entries pass the
 *   limit (cache_configure()); an entry over an eighth of the limit is not
 *   kept at all. Each entry also has a time to live.
 * - Invalidation by tag: each entry carries at most one tag (an
 *   organisation's "org:12", "settings", ...); cache_invalidate(tag) drops
 *   that tag's entries at once, cache_invalidate_all() every entry.
 * - Races with a reader: a reader takes cache_mark() before it reads what it
 *   will keep; cache_put() refuses the copy when its tag (or everything)
 *   was invalidated after that mark, so a change committed while a page is
 *   being drawn can never leave a stale copy behind.
 * - On and off: nothing is kept or found while the limit is 0 or while the
 *   cache is not live (cache_set_live(): the change listener is not
 *   connected, so invalidations could be missed); going live or off drops
 *   everything.
 * The module knows nothing of what it keeps nor of the database: the
 * services wire the change listener to cache_invalidate() and
 * cache_set_live() (cases/org.c). Every function is thread-safe. */
#ifndef JAWNOSC_CORE_CACHE_H
#define JAWNOSC_CORE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The limit in bytes of what is kept (0: nothing is). At start-up. */
void cache_configure(size_t max_bytes);
/* Whether invalidations are heard now. Either way everything kept so far
 * is dropped: while off nothing could be kept, and on turning on what was
 * kept before may have missed an invalidation. */
void cache_set_live(bool live);
/* True when entries may be kept and found now. */
bool cache_on(void);
/* A function cache_sync() runs: takes in the invalidations that arrived
 * and were not read yet (the change listener's socket). */
void cache_set_sync(void (*fn)(void));
/* Runs that function: a reader about to use a copy calls it first, so that
 * another process's change committed just before counts. */
void cache_sync(void);

/* The number to put an entry with, taken before reading what it holds. */
uint64_t cache_mark(void);

/* A reader's hold on an entry: `value` stays valid until cache_release(). */
struct cache_hit {
	void *value;
	struct cache_entry *entry;
};
/* The current entry under `key`, held; false on a miss (or when off).
 * Counts a hit or a miss (while on). */
bool cache_get(const char *key, struct cache_hit *hit);
void cache_release(struct cache_hit *hit);

/* Keeps `value` (`size` bytes counted against the limit, besides the key)
 * under `key` in place of any entry there, with `tag` (NULL: none) for at
 * most `ttl_seconds`. Takes `value` in every case: when the entry is
 * refused (off, too large, or invalidated after `mark`) it is freed at
 * once with `free_value`. True when kept. */
bool cache_put(const char *key, const char *tag, uint64_t mark, int64_t ttl_seconds, void *value,
               size_t size, void (*free_value)(void *));

/* A JSON document kept compressed (zlib, fastest level: a tracking page's
 * data shrinks to about a third, so three times as many fit), as
 * cache_put() and cache_get(): the kept document as a new reference, or
 * NULL. */
json_t *cache_get_json(const char *key);
bool cache_put_json(const char *key, const char *tag, uint64_t mark, int64_t ttl_seconds,
                    const json_t *doc);

/* Drops the entries of `tag` now, and refuses copies of it read before. */
void cache_invalidate(const char *tag);
/* The same for every entry. */
void cache_invalidate_all(void);
/* How many entries carry `tag` (a bound for keys a client chooses). */
long cache_tag_entries(const char *tag);

/* Drops the entries past their time (the job "cache-sweep", every second:
 * memory follows what can still be used). */
void cache_sweep(void);
/* Gives freed memory back to the system (the job "memory-trim"). */
void cache_trim(void);

/* For /metrics and tests. */
struct cache_stats {
	long long entries, bytes, hits, misses;
	/* Copies refused because the replica they were read from had not
	 * replayed their tag's last change yet (cache_reading_replica()). */
	long long replica_behind;
};
void cache_stats(struct cache_stats *out);

/* ---- Read-your-writes through a streaming replica ----
 *
 * A change is heard (its tag invalidated) when the primary commits it; a
 * replica replays it a moment later, so a page read there just after may
 * not show it yet, and kept, it would stay behind until the next change
 * or its TTL. So each invalidation is bound to a point of the primary's
 * WAL (a log sequence number) that it committed before: the change
 * listener, after it has heard or told changes, asks the primary where
 * its WAL is and calls cache_changes_reached() with the invalidations'
 * number so far (cache_mark()). A request that reads from a replica says
 * so with the LSN that replica had replayed before the read
 * (cache_reading_replica()); its cache_put() refuses a copy whose tag (or
 * everything) was invalidated at a point the replica had not replayed, or
 * at one not bound yet. The copy is still shown; a later request reads
 * again. cache_reading_replica(false, 0) at the start of each request. */
void cache_reading_replica(bool on, uint64_t replayed_lsn);
/* Every invalidation numbered up to `mark` (cache_mark()) was committed
 * before the primary's WAL reached `lsn`. */
void cache_changes_reached(uint64_t mark, uint64_t lsn);
/* The newest point bound to invalidations (0: none): a replica that has
 * replayed it shows every change bound so far. */
uint64_t cache_changes_lsn(void);
/* The mark cache_changes_reached() was last called with. */
uint64_t cache_changes_mark(void);

#endif
