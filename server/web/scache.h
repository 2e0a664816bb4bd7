/* SPDX-License-Identifier: EUPL-1.2 */
/* Staff pages kept in memory: the clerk's queue and the manager's dashboard
 * drawn once for everyone who sees the same, until something of the
 * organisation changes or the Warsaw day turns (issue 22).
 *
 * What is kept is the page's content only (templates/pages/<page>.html,
 * drawn without the signed-in member): the layout around it, with the
 * member's name and the session's CSRF token, is drawn for each request.
 * A copy is found by
 *   - the organisation, and the unit whose cases the page shows (the unit
 *     the member is confined to, cases/scope.h, or the dashboard's scope):
 *     members of different units never share a copy;
 *   - the Warsaw day of the request's instant (due dates count working days
 *     from today), besides the copy living until the end of that day;
 *   - the page's address (pcache_address(): the route and the parameters
 *     the page reads), and the member's id where the page depends on who
 *     asks ("moje sprawy").
 * A copy carries its organisation's tag (cases/org.h): every change of the
 * organisation's cases drops it, in this process before the change's
 * response goes out, so a member always sees their own step at once; in
 * the others as soon as the change listener hears of it. Nothing is kept
 * or used while the listener is off (core/cache.h). A page may leave one
 * hole (SCACHE_HOLE) for a part drawn fresh at every request (the
 * dashboard's incoming mail, which other processes store without telling
 * any cache). */
#ifndef JAWNOSC_WEB_SCACHE_H
#define JAWNOSC_WEB_SCACHE_H

#include <jansson.h>
#include <stdint.h>

#include "cases/context.h"
#include "http/http.h"
#include "web/pcache.h"

/* Stands for the hole in a page being kept (a safe value in its data:
 * tmpl_safe(SCACHE_HOLE)). Escaped data can never contain it ('<'). */
#define SCACHE_HOLE "<!--@jawnosc-hole@-->"

/* What a miss needs to keep the page it draws. */
struct scache_fill {
	const char *key;
	long long org_id;
	uint64_t mark; /* cache_mark() before anything was read */
};

/* The key of the page for `ctx->who`: `unit` is the unit whose cases the
 * page shows (0: the whole organisation), `personal` the member's id where
 * the page depends on who asks (0: it does not), `params` as
 * pcache_address() takes them. In the arena. */
const char *scache_key(http_req_t *req, const struct svc_ctx *ctx, long long unit,
                       long long personal, const struct pcache_param *params, size_t n);

/* Answers GET `req` with the copy under `key`: 200, the layout drawn for
 * this request around it, `hole` (HTML; NULL: "") in place of SCACHE_HOLE.
 * False on a miss; then `fill` is ready for scache_render() (its mark taken
 * now, before the handler reads anything). */
bool scache_serve(http_req_t *req, const char *key, long long org_id, const char *hole,
                  struct scache_fill *fill);

/* As web_render(req, 200, page, ctx) (steals ctx), keeping the content
 * under fill->key: drawn without the signed-in member (so no member's data
 * can be in it), then `hole` in place of SCACHE_HOLE for this request. */
void scache_render(http_req_t *req, const char *page, json_t *ctx, const struct scache_fill *fill,
                   const char *hole);

/* Draws templates/<part>.html with `ctx` (steals it) into the arena: a
 * hole's HTML. NULL when the template fails (logged). */
const char *scache_part(http_req_t *req, const char *part, json_t *ctx);

#endif
