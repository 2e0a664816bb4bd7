/* SPDX-License-Identifier: EUPL-1.2 */
/* Pages kept in memory between requests (in the one cache, core/cache.h).
 *
 * Public register pages (for visitors who are not signed in) are kept as
 * the bytes sent, compressed (core/gzip.h: about a third of their size, so
 * three times as many fit), and sent as they are kept, gzip, to a client
 * whose Accept-Encoding takes it; decompressed for the others. Every
 * response of such a page says Vary: Accept-Encoding, and the gzip copy
 * has a tag of its own (pcache_etag()). Tracking pages and dashboards keep
 * the data they are drawn from in their services instead (cases/org.h,
 * org_keep_json()). A copy carries its organisation's tag (cases/org.h:
 * dropped when anything of the organisation changes), lives until the end
 * of the Warsaw day it was made on (pages count working days from today)
 * and for at most JAWNOSC_PAGE_CACHE_TTL seconds; the least recently used
 * go first past JAWNOSC_PAGE_CACHE_MB. With the change listener not
 * connected nothing is kept or used (the pages are still sent gzip).
 *
 * A page served from a copy counts its visit (cases/register.h); it shows
 * the count read when it was made plus this process's visits since: the
 * count goes into the compressed copy's gap (core/gzip.h) as it is sent. */
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

/* True when copies may be kept and used now. */
bool pcache_on(void);

/* ---- Whole responses (the register) ---- */

/* A parameter a page reads, with its value as the page understood it
 * (NULL or "": not given, or ignored). */
struct pcache_param {
	const char *name;
	const char *value;
};

/* The page's address as the cache and its validators know it: the
 * route's name and path parameters, then `params` with a value, sorted by
 * name and percent-encoded ("register.item number=A.1.2.2026",
 * "register.list ?q=umowy&rok=2025"). Nothing else of the request is part
 * of it: a parameter the page does not know, or a value it ignores,
 * neither passes the copy by nor changes the page. In the arena. */
const char *pcache_address(http_req_t *req, const struct pcache_param *params, size_t n);

/* Answers GET `req` from the copy of the page at `address` (of
 * pcache_address()), counting a visit of the copy's page: 200 with the
 * bytes (and the headers the copy carries), or 304 for a client whose copy
 * is current. False when there is no current copy; the address is then
 * remembered for pcache_keep(). Every page that may be kept asks this
 * first, for HEAD too: it notes the coding the client takes, for
 * pcache_etag() and pcache_respond(). */
bool pcache_serve(http_req_t *req, const char *address);
/* The tag of the response to `req` for a page whose plain copy has tag
 * `etag`: `etag` itself, or the gzip copy's when the response will be
 * gzip (the page asked pcache_serve() first and the client takes gzip).
 * In the arena. The handler checks the client's validators with it. */
const char *pcache_etag(http_req_t *req, const char *etag);
/* The response of this request may be kept (pcache_serve() was asked
 * first): `mark` was taken before the database was read (the service gives
 * it); the page shows `visits` (this one included) where it has
 * PCACHE_VISITS; `etag` is the plain copy's tag. True when the handler
 * should put PCACHE_VISITS into the page instead of the number. */
bool pcache_keep(http_req_t *req, long long org_id, uint64_t mark, const char *visit_path,
                 long long visits, const char *etag, time_t last_modified,
                 const char *cache_control);
/* Adds a response header that a kept copy carries too (Link,
 * Content-Disposition); after pcache_keep(). */
void pcache_header(http_req_t *req, const char *name, const char *value);
/* Sends the response (http_respond()), keeping a copy of a 200 when
 * pcache_keep() asked for it, with PCACHE_VISITS replaced by the count;
 * a 200 goes gzip to a client that takes it (after pcache_serve()). */
void pcache_respond(http_req_t *req, int status, const char *content_type, const char *body,
                    size_t len);

#endif
