/* Pages kept in memory between requests, and the visit counter.
 *
 * Public register pages (for visitors who are not signed in) are kept as
 * the bytes sent, and tracking pages as the data they are drawn from (the
 * form on them carries each visitor's own CSRF token). A copy is used while
 * nothing of its organisation changed since it was read (db/changes.h),
 * on the Warsaw day it was made (pages count working days from today), and
 * for at most JAWNOSC_PAGE_CACHE_TTL seconds; the least recently used go
 * first when the copies pass JAWNOSC_PAGE_CACHE_MB. With the listener not
 * connected nothing is kept or used.
 *
 * A page served from a copy counts its visit (cases/register.h); it shows
 * the count read when it was made plus this process's visits since. */
#ifndef JAWNOSC_WEB_PCACHE_H
#define JAWNOSC_WEB_PCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "http/http.h"

/* Stands for the visit count in a page being kept (PCACHE_VISITS). */
#define PCACHE_VISITS "@@jawnosc-visits@@"

/* Starts the thread that drops stale copies; sets the limits from cfg. */
bool pcache_start(void);
/* Stops the thread; drops every copy. */
void pcache_stop(void);
/* True when copies may be kept and used now. */
bool pcache_on(void);

/* ---- Whole responses (the register) ---- */

/* Answers GET `req` from a copy, counting a visit of the copy's page:
 * 200 with the bytes, or 304 for a client whose copy is current. False
 * when there is no current copy. */
bool pcache_serve(http_req_t *req);
/* The response of this request may be kept: `mark` was taken before the
 * database was read; the page shows `visits` (this one included) where it
 * has PCACHE_VISITS. True when the handler should put PCACHE_VISITS into
 * the page instead of the number. */
bool pcache_keep(http_req_t *req, long long org_id, uint64_t mark, const char *visit_path,
                 long long visits, const char *etag, time_t last_modified,
                 const char *cache_control);
/* Sends the response (http_respond()), keeping a copy of a 200 when
 * pcache_keep() asked for it, with PCACHE_VISITS replaced by the count. */
void pcache_respond(http_req_t *req, int status, const char *content_type, const char *body,
                    size_t len);

/* ---- Data (tracking pages, dashboards) ---- */

/* The document kept under `key` (a new reference), or NULL. */
json_t *pcache_get_json(const char *key);
/* Keeps `doc` under `key` for organisation `org_id` (mark as above). */
void pcache_put_json(const char *key, long long org_id, uint64_t mark, const json_t *doc);

/* For /metrics and tests: copies kept, their bytes, hits and misses. */
struct pcache_stats {
	long long entries, bytes, hits, misses;
};
void pcache_stats(struct pcache_stats *out);

#endif
