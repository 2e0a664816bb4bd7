/* SPDX-License-Identifier: EUPL-1.2 */
/* The public register as BIP pages (UDIP art. 8): the list with filters
 * and search, each item with its versions and documents, the statistics,
 * the page on how to obtain information (art. 8 ust. 4), the Atom feed, the
 * CSV and JSON exports and the sitemap; and the clerk's publication page.
 *
 * Each handler parses the address, calls one service of cases/register.h
 * and renders. Public pages carry ETag and Last-Modified and answer 304 to
 * a client whose copy is current (the service asks client_has() once it
 * knows the stamp). Each GET of a BIP page counts a visit, a 304 too. The
 * list, the items and the Atom feed are kept in memory between requests
 * (web/pcache.c). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/accessibility.h"
#include "cases/context.h"
#include "cases/register.h"
#include "core/config.h"
#include "http/accept.h"
#include "http/conditional.h"
#include "http/static.h"
#include "law/date.h"
#include "law/lifecycle.h"
#include "law/warsaw.h"
#include "render/csv.h"
#include "render/feed.h"
#include "web/outcome.h"
#include "web/pcache.h"
#include "web/web.h"

/* Public pages are the same for everyone, but the visit counter must see
 * each visit: caches may keep a copy, and must ask every time. */
#define PUBLIC_CACHE "public, no-cache"

/* ---- Validators ---------------------------------------------------------------- */

/* A weak tag over what the page shows: the data's stamp, the page's
 * address as the cache knows it (pcache_address(): the route and the
 * parameters it reads) and this build of the program and its stylesheet
 * (templates and styles change with a deployment). */
static const char *etag_of(http_req_t *req, const char *kind, const char *address, int64_t stamp,
                           const char *extra)
{
	crypto_generichash_state h;
	unsigned char out[12];
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	static const char build[] = __DATE__ " " __TIME__;
	const char *parts[] = {build, static_url("style.css"), kind, address, extra ? extra : ""};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		crypto_generichash_update(&h, (const unsigned char *)parts[i],
		                          strlen(parts[i]) + 1);
	crypto_generichash_update(&h, (const unsigned char *)&stamp, sizeof stamp);
	crypto_generichash_final(&h, out, sizeof out);
	char hex[sizeof out * 2 + 1];
	sodium_bin2hex(hex, sizeof hex, out, sizeof out);
	return arena_printf(req->arena, "W/\"%s-%s\"", kind, hex);
}

/* The client's validators, asked by the service with the page's stamp. */
struct client {
	http_req_t *req;
	const char *kind;
	const char *address; /* pcache_address() */
	const char *etag;    /* set once asked: the plain copy's (pcache_keep()) */
};

/* The response's tag is the plain copy's or the gzip copy's, as the
 * client takes (pcache_etag()). */
static bool client_has(void *arg, int64_t stamp_us)
{
	struct client *cl = arg;
	cl->etag = etag_of(cl->req, cl->kind, cl->address, stamp_us, NULL);
	return http_fresh(cl->req, pcache_etag(cl->req, cl->etag),
	                  stamp_us > 0 ? (time_t)(stamp_us / 1000000) : 0, PUBLIC_CACHE);
}

/* What a public page asks: the body by Host, a visit of `visit_path` (GET
 * only), the validators of `cl` (NULL: the handler checks them after). */
static struct register_ask ask_for(http_req_t *req, const char *visit_path, struct client *cl)
{
	return (struct register_ask){
	    .host = http_header(req, "Host"),
	    .visit_path = visit_path && !strcmp(req->method, "GET") ? visit_path : NULL,
	    .fresh = cl ? client_has : NULL,
	    .fresh_arg = cl,
	};
}

/* What every public page starts from: the request's context, the
 * client's validators (kind NULL: the handler checks them after) and the
 * ask; `p` is where the service says why it failed. */
struct public_ask {
	struct svc_ctx sc;
	struct actor who;
	struct client cl;
	struct register_ask ask;
	struct problem p;
};

static void public_begin(http_req_t *req, struct public_ask *q, const char *kind,
                         const char *visit_path, const char *address)
{
	web_ctx(req, &q->sc, &q->who);
	q->cl = (struct client){req, kind, address, NULL};
	q->ask = ask_for(req, visit_path, kind ? &q->cl : NULL);
	q->p = (struct problem){0};
}

/* After the service's answer `o` for page `pg` (NULL: no validators):
 * false once answered, with the failure or 304. */
static bool public_ready(http_req_t *req, const struct public_ask *q, enum outcome o,
                         const struct register_page *pg)
{
	if (o != OUT_OK) {
		if (o == OUT_RATE_LIMITED && pg)
			http_add_header(req, "Retry-After",
			                arena_printf(req->arena, "%d", pg->retry_after));
		web_fail(req, &q->p);
		return false;
	}
	if (pg && pg->fresh) {
		http_respond_not_modified(req);
		return false;
	}
	return true;
}

/* For pages whose tag is known only once read: true after answering 304. */
static bool answered_not_modified(http_req_t *req, const char *etag, int64_t stamp_us)
{
	if (!http_fresh(req, etag, stamp_us > 0 ? (time_t)(stamp_us / 1000000) : 0, PUBLIC_CACHE))
		return false;
	http_respond_not_modified(req);
	return true;
}

/* The count for the page's metadata: the number, or the place for it in a
 * page being kept. */
static json_t *visits_json(bool keep, long long visits)
{
	return keep ? json_string(PCACHE_VISITS) : json_integer(visits);
}

/* "DD.MM.YYYY HH:MM" in Warsaw. */
static const char *warsaw_time(http_req_t *req, int64_t unix_seconds)
{
	time_t t = (time_t)(unix_seconds + law_warsaw_offset(unix_seconds));
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return "";
	return arena_printf(req->arena, "%02d.%02d.%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
	                    tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

/* The BIP metadata of a page the system composes from the register (the
 * list, the statistics, the procedure): the body produces and answers for
 * it; no one types it in. Its last change is the register's or its
 * settings' (pg->bip, the change register), whichever is later. */
static json_t *composed_bip(http_req_t *req, const struct register_page *pg, json_t *visits)
{
	json_t *bip = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b}", "publisher", pg->org.name, "producer",
	    pg->org.name, "responsible", "", "entered_by",
	    "zestawienie tworzone automatycznie z publikacji w rejestrze", "produced_at", "",
	    "published_at", pg->org.created, "visits", visits, "has_versions", 0);
	web_bip_changes(bip, &pg->bip);
	if (pg->org.stamp_us > pg->bip.changed_us)
		json_object_set_new(bip, "changed_at",
		                    json_string(warsaw_time(req, pg->org.stamp_us / 1000000)));
	return bip;
}

static void render_public(http_req_t *req, const char *page, json_t *ctx)
{
	json_object_set_new(ctx, "feed_url", json_string("/rejestr.atom"));
	web_render(req, 200, page, ctx);
}

/* ---- Filters ---------------------------------------------------------------------- */

static const char *param(http_req_t *req, const char *name)
{
	const char *v = http_query(req, name);
	return v && *v ? v : NULL;
}

static bool symbol_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 20)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

/* `s` without white space at either end; NULL when nothing is left. */
static const char *trimmed(http_req_t *req, const char *s)
{
	if (!s)
		return NULL;
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
		n--;
	return n ? arena_strndup(req->arena, s, n) : NULL;
}

/* The filters of the address as the page reads them. A malformed filter
 * is ignored, never a 4xx; a search that is too long or has too many
 * words (register_q_check()) is refused: *typed is what was typed, `qp`
 * says why, and the filter has no `q`. */
static void read_filter(http_req_t *req, struct register_filter *f, const char **typed,
                        struct problem *qp)
{
	memset(f, 0, sizeof *f);
	*qp = (struct problem){0};
	*typed = NULL;
	const char *year = param(req, "rok"), *kind = param(req, "rodzaj"),
	           *outcome = param(req, "wynik"), *unit = param(req, "komorka"),
	           *q = trimmed(req, param(req, "q"));
	char *end;
	long y = year ? strtol(year, &end, 10) : 0;
	if (year && !*end && y >= LAW_YEAR_MIN && y <= LAW_YEAR_MAX)
		f->year = (int)y;
	if (kind && (!strcmp(kind, "public_information") || !strcmp(kind, "reuse")))
		f->kind = kind;
	law_state_t s;
	if (outcome &&
	    (!strcmp(outcome, "none") || (law_state_from_id(outcome, &s) && law_states[s].closed &&
	                                  s != LAW_STATE_CLOSED_FINAL)))
		f->outcome = outcome;
	if (unit && symbol_ok(unit))
		f->unit = unit;
	if (q && register_q_check(q, req->arena, qp) == OUT_OK)
		f->q = q;
	else if (q)
		*typed = q;
	const char *after = param(req, "po_dacie"), *after_id = param(req, "po_id");
	law_date_t d;
	long long id = after_id ? strtoll(after_id, &end, 10) : 0;
	if (after && after_id && !*end && id > 0 && law_date_parse(after, &d)) {
		f->after_date = after;
		f->after_id = id;
		/* A search's page goes on from a score (search_score(): an int). */
		const char *score = param(req, "po_trafnosci");
		long sc = score ? strtol(score, &end, 10) : -1;
		if (score && !*end && sc >= 0 && sc <= 100000000) {
			f->ranked_after = true;
			f->after_score = (int)sc;
		}
	}
}

/* The parameters of the filter as the page read them: the filters, then
 * the keyset (FILTER_NPARAMS in all). */
#define FILTER_NPARAMS 8
static void filter_params(http_req_t *req, const struct register_filter *f,
                          struct pcache_param out[FILTER_NPARAMS])
{
	const char *year = f->year ? arena_printf(req->arena, "%d", f->year) : NULL;
	const char *after_id = f->after_date ? arena_printf(req->arena, "%lld", f->after_id) : NULL;
	const char *score = f->after_date && f->ranked_after
	                        ? arena_printf(req->arena, "%d", f->after_score)
	                        : NULL;
	out[0] = (struct pcache_param){"rok", year};
	out[1] = (struct pcache_param){"rodzaj", f->kind};
	out[2] = (struct pcache_param){"wynik", f->outcome};
	out[3] = (struct pcache_param){"komorka", f->unit};
	out[4] = (struct pcache_param){"q", f->q};
	out[5] = (struct pcache_param){"po_dacie", f->after_date};
	out[6] = (struct pcache_param){"po_id", after_id};
	out[7] = (struct pcache_param){"po_trafnosci", score};
}

/* The page's address for the cache and the validators. */
static const char *filter_address(http_req_t *req, const struct register_filter *f)
{
	struct pcache_param ps[FILTER_NPARAMS];
	filter_params(req, f, ps);
	return pcache_address(req, ps, FILTER_NPARAMS);
}

/* The query string of the filters (without the page), for links. */
static const char *filter_query(http_req_t *req, const struct register_filter *f)
{
	strbuf_t q;
	sb_init(&q, req->arena);
	struct pcache_param ps[FILTER_NPARAMS];
	filter_params(req, f, ps);
	for (size_t i = 0; i < 5; i++)
		if (ps[i].value)
			sb_printf(&q, "%s%s=%s", q.len ? "&" : "", ps[i].name,
			          web_url_encode(req, ps[i].value));
	return q.data ? q.data : "";
}

static const char *next_query(http_req_t *req, const struct register_filter *flt, json_t *next)
{
	const char *f = filter_query(req, flt);
	const char *score = json_string_value(json_object_get(next, "score"));
	return arena_printf(req->arena, "%s%spo_dacie=%s&po_id=%s%s%s", f, *f ? "&" : "",
	                    json_string_value(json_object_get(next, "date")),
	                    json_string_value(json_object_get(next, "id")),
	                    score ? "&po_trafnosci=" : "", score ? score : "");
}

/* ---- The register ---------------------------------------------------------------- */

static json_t *list_page(http_req_t *req, const struct register_filter *f, json_t *list,
                         json_t *opts, const struct register_page *pg, json_t *visits)
{
	json_t *ctx = json_pack("{s:s, s:o, s:o, s:s, s:b, s:b}", "title",
	                        "Rejestr wniosków o udostępnienie informacji publicznej — Jawność",
	                        "register", list, "options", opts, "q", f->q ? f->q : "", "filtered",
	                        f->year || f->kind || f->outcome || f->unit || f->q, "paged",
	                        f->after_date != NULL);
	json_object_set_new(ctx, "empty",
	                    json_boolean(!json_array_size(json_object_get(list, "items"))));
	json_t *next = json_object_get(list, "next");
	if (next)
		json_object_set_new(
		    ctx, "next_url",
		    json_string(arena_printf(req->arena, "/rejestr?%s", next_query(req, f, next))));
	const char *fq = filter_query(req, f);
	json_object_set_new(ctx, "export_query",
	                    json_string(*fq ? arena_printf(req->arena, "?%s", fq) : ""));
	json_object_set_new(ctx, "org_name", json_string(pg->org.name));
	json_object_set_new(ctx, "bip", composed_bip(req, pg, visits));
	return ctx;
}

/* A search that cannot be run: the register without it, 422, with the
 * reason at the search box and the text as typed. It is drawn from the
 * database and counts against the address's limit as a search does. */
static void list_refused(http_req_t *req, const struct register_filter *f, const char *typed,
                         const struct problem *qp)
{
	struct public_ask q;
	public_begin(req, &q, NULL, "/rejestr", NULL);
	q.ask.client = http_client_ip(req);
	struct register_page pg;
	json_t *list, *opts;
	enum outcome o =
	    register_list_page(&q.sc, &q.ask, f, REGISTER_PAGE, &pg, &list, &opts, &q.p);
	if (!public_ready(req, &q, o, &pg))
		return;
	json_t *ctx = list_page(req, f, list, opts, &pg, json_integer(pg.visits));
	json_object_set_new(ctx, "q", json_string(typed));
	json_object_set_new(ctx, "q_error", json_string(problem_field_message(qp, "q")));
	json_object_set_new(ctx, "filtered", json_true());
	http_add_header(req, "Cache-Control", "no-store");
	json_object_set_new(ctx, "feed_url", json_string("/rejestr.atom"));
	web_render(req, web_outcome_status(qp->outcome), "register_list", ctx);
}

void web_register_list(http_req_t *req)
{
	struct register_filter f;
	const char *typed;
	struct problem qp;
	read_filter(req, &f, &typed, &qp);
	if (typed) {
		list_refused(req, &f, typed, &qp);
		return;
	}
	const char *address = filter_address(req, &f);
	if (pcache_serve(req, address))
		return;
	struct public_ask q;
	public_begin(req, &q, "rejestr", "/rejestr", address);
	/* A search not kept is a query of its own: the address's limit. */
	q.ask.client = f.q ? http_client_ip(req) : NULL;
	struct register_page pg;
	json_t *list, *opts;
	enum outcome o =
	    register_list_page(&q.sc, &q.ask, &f, REGISTER_PAGE, &pg, &list, &opts, &q.p);
	if (!public_ready(req, &q, o, &pg))
		return;
	bool keep = pcache_keep(req, pg.org.id, pg.mark, "/rejestr", pg.visits, q.cl.etag,
	                        (time_t)(pg.stamp_us / 1000000), PUBLIC_CACHE);
	render_public(req, "register_list",
	              list_page(req, &f, list, opts, &pg, visits_json(keep, pg.visits)));
}

/* The item's page, or one of its versions. */
static void item_page(http_req_t *req, const char *version)
{
	const char *number = http_param(req, "number");
	const char *address = pcache_address(req, NULL, 0);
	if (pcache_serve(req, address))
		return;
	const char *path = version
	                       ? arena_printf(req->arena, "/rejestr/%s/wersja/%s", number, version)
	                       : arena_printf(req->arena, "/rejestr/%s", number);
	struct public_ask q;
	public_begin(req, &q, "pozycja", path, address);
	struct register_page pg;
	json_t *doc;
	enum outcome o = register_item_page(&q.sc, &q.ask, number, version, &pg, &doc, &q.p);
	if (!public_ready(req, &q, o, &pg))
		return;
	bool keep = pcache_keep(req, pg.org.id, pg.mark, path, pg.visits, q.cl.etag,
	                        (time_t)(pg.stamp_us / 1000000), PUBLIC_CACHE);
	json_object_set_new(json_object_get(doc, "bip"), "visits", visits_json(keep, pg.visits));
	json_t *item = json_object_get(doc, "item");
	const char *subject = item ? json_string_value(json_object_get(item, "subject")) : NULL;
	json_object_set_new(
	    doc, "title",
	    json_string(arena_printf(req->arena, "%s%s%s — Rejestr — Jawność",
	                             subject ? subject : "Sprawa ", subject ? " — " : "", number)));
	render_public(req, "register_detail", doc);
}

void web_register_item(http_req_t *req)
{
	item_page(req, NULL);
}

static bool version_ok(const char *v)
{
	int major, minor, n = 0;
	return v && strlen(v) <= 12 && sscanf(v, "%d.%d%n", &major, &minor, &n) == 2 && !v[n] &&
	       major >= 1 && minor >= 0;
}

void web_register_version(http_req_t *req)
{
	const char *v = http_param(req, "version");
	if (!version_ok(v)) {
		http_respond_error(req, 404, "Ta sprawa nie ma wersji o takim numerze.");
		return;
	}
	item_page(req, v);
}

void web_register_document(http_req_t *req)
{
	const char *seq_s = http_param(req, "seq");
	char *end;
	long seq = strtol(seq_s ? seq_s : "", &end, 10);
	if (*end || seq <= 0 || seq > 100000) {
		http_respond_error(req, 404, NULL);
		return;
	}
	struct public_ask q;
	public_begin(req, &q, NULL, NULL, NULL);
	struct register_pdf doc;
	enum outcome o =
	    register_document_get(&q.sc, &q.ask, http_param(req, "number"), (int)seq, &doc, &q.p);
	if (!public_ready(req, &q, o, NULL))
		return;
	/* An issued document never changes: its digest is a strong tag. */
	if (answered_not_modified(req, arena_printf(req->arena, "\"%s\"", doc.sha256), 0))
		return;
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "attachment; filename=\"%s-%ld.pdf\"",
	                             http_param(req, "number"), seq));
	http_respond(req, 200, "application/pdf", doc.pdf, doc.len);
}

/* A published attachment: only its public copy, the redacted PDF
 * (migration 0022); the original is never served here. */
void web_register_attachment(http_req_t *req)
{
	const char *id_s = http_param(req, "id");
	char *end;
	long long id = strtoll(id_s ? id_s : "", &end, 10);
	if (!id_s || !*id_s || *end || id <= 0) {
		http_respond_error(req, 404, NULL);
		return;
	}
	struct public_ask q;
	public_begin(req, &q, NULL, NULL, NULL);
	struct register_pdf doc;
	enum outcome o =
	    register_attachment_get(&q.sc, &q.ask, http_param(req, "number"), id, &doc, &q.p);
	if (!public_ready(req, &q, o, NULL))
		return;
	/* A public copy never changes: its digest is a strong tag. */
	if (answered_not_modified(req, arena_printf(req->arena, "\"%s\"", doc.sha256), 0))
		return;
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "attachment; filename=\"%s-zalacznik-%lld.pdf\"",
	                             http_param(req, "number"), id));
	http_respond(req, 200, "application/pdf", doc.pdf, doc.len);
}

void web_register_stats(http_req_t *req)
{
	struct public_ask q;
	public_begin(req, &q, NULL, "/rejestr/statystyki", NULL);
	struct register_page pg;
	json_t *stats;
	if (!public_ready(req, &q, register_stats_page(&q.sc, &q.ask, &pg, &stats, &q.p), NULL))
		return;
	/* Every request counts here, published or not: the tag is the
	 * digest of the numbers. */
	char *dump = json_dumps(stats, JSON_COMPACT);
	const char *etag = etag_of(req, "statystyki", pcache_address(req, NULL, 0),
	                           pg.bip.changed_us, dump);
	free(dump);
	if (answered_not_modified(req, etag, 0)) {
		json_decref(stats);
		return;
	}
	json_object_set_new(
	    stats, "title",
	    json_string("Statystyka wniosków o udostępnienie informacji publicznej — Jawność"));
	json_object_set_new(stats, "empty",
	                    json_boolean(!json_array_size(json_object_get(stats, "years"))));
	json_object_set_new(stats, "org_name", json_string(pg.org.name));
	json_object_set_new(stats, "bip", composed_bip(req, &pg, json_integer(pg.visits)));
	render_public(req, "register_stats", stats);
}

/* The statistics as CSV, one row a year of receipt: the counts of the
 * page, then the requests by outcome, a column for each closing state of
 * the lifecycle (law/lifecycle.c) and "pending" for those still open.
 * The columns never depend on the data. */
static void stats_csv_write(json_t *stats, strbuf_t *out)
{
	static const char *const counts[] = {"year", "requests", "closed", "counted_for_term",
	                                     "on_time"};
	static const char *const keys[] = {"year", "requests", "closed", "counted", "on_time"};
	enum { NCOUNTS = sizeof counts / sizeof counts[0], MAXCOLS = NCOUNTS + LAW_STATE_COUNT + 1 };
	const char *head[MAXCOLS];
	int n = 0;
	for (; n < NCOUNTS; n++)
		head[n] = counts[n];
	for (int s = 0; s < LAW_STATE_COUNT; s++)
		if (law_states[s].closed)
			head[n++] = law_states[s].id;
	head[n++] = "pending";
	csv_row(out, head, n);
	size_t i;
	json_t *y;
	json_array_foreach(json_object_get(stats, "years"), i, y)
	{
		const char *row[MAXCOLS];
		for (int k = 0; k < n; k++) {
			json_t *v = NULL;
			if (k < NCOUNTS) {
				v = json_object_get(y, keys[k]);
			} else {
				size_t j;
				json_t *oc;
				json_array_foreach(json_object_get(y, "outcomes"), j, oc)
				    if (!strcmp(json_string_value(json_object_get(oc, "id")), head[k]))
					    v = json_object_get(oc, "count");
			}
			row[k] = arena_printf(out->arena, "%lld",
			                      (long long)(json_is_integer(v) ? json_integer_value(v) : 0));
		}
		csv_row(out, row, n);
	}
}

void web_register_stats_csv(http_req_t *req)
{
	struct public_ask q;
	public_begin(req, &q, NULL, NULL, NULL);
	struct register_page pg;
	json_t *stats;
	if (!public_ready(req, &q, register_stats_page(&q.sc, &q.ask, &pg, &stats, &q.p), NULL))
		return;
	strbuf_t out;
	sb_init(&out, req->arena);
	stats_csv_write(stats, &out);
	json_decref(stats);
	/* As the page's: the digest of the numbers. */
	const char *etag =
	    etag_of(req, "statystyki-csv", pcache_address(req, NULL, 0), 0, out.data);
	if (answered_not_modified(req, etag, 0))
		return;
	http_add_header(req, "Content-Disposition", "inline; filename=\"statystyki.csv\"");
	http_respond(req, 200, "text/csv; charset=utf-8; header=present", out.data, out.len);
}

void web_procedure(http_req_t *req)
{
	struct public_ask q;
	public_begin(req, &q, NULL, "/jak-uzyskac-informacje", NULL);
	struct register_page pg;
	struct register_remedies rm;
	if (!public_ready(req, &q, register_procedure_page(&q.sc, &q.ask, &pg, &rm, &q.p), NULL))
		return;
	const struct org *o = &pg.org;
	/* The remedies are part of the tag: a change of the organisation's or
	 * a unit's setting shows at once (issue 20 items 13 and 8). */
	char *units = json_dumps(rm.units, JSON_COMPACT);
	const char *about = arena_printf(req->arena, "%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s", o->name,
	                                 o->address, o->email, o->phone, o->bip_url, rm.remedy,
	                                 rm.appeal_body, units ? units : "");
	free(units);
	/* So is its change register's newest change. */
	if (answered_not_modified(req, etag_of(req, "procedura", pcache_address(req, NULL, 0),
	                                       pg.bip.changed_us, about),
	                          0)) {
		json_decref(rm.units);
		return;
	}
	/* Each unit's remedy as a flag the template can test. */
	size_t i;
	json_t *u;
	json_array_foreach(rm.units, i, u)
	{
		const char *r = json_string_value(json_object_get(u, "remedy"));
		json_object_set_new(u, "is", json_pack("{s:b}", r ? r : "", true));
	}
	json_t *ctx = json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:{s:b}, s:o, s:b}", "title",
	                        "Jak uzyskać informację publiczną — Jawność", "org", "name",
	                        o->name, "address", o->address, "email", o->email, "phone",
	                        o->phone, "bip_url", o->bip_url, "appeal_body", rm.appeal_body,
	                        "remedy", rm.remedy, true, "units", rm.units, "has_units",
	                        json_array_size(rm.units) > 0);
	json_t *bip = composed_bip(req, &pg, json_integer(pg.visits));
	json_object_set_new(bip, "entered_by", json_string("redakcja BIP (tekst procedury)"));
	/* Its last change is its settings' (the register's does not show). */
	json_object_set_new(bip, "changed_at", json_string(pg.bip.changed_at ? pg.bip.changed_at : ""));
	json_object_set_new(ctx, "bip", bip);
	render_public(req, "register_procedure", ctx);
}

/* "RRRR-MM-DD" as "DD.MM.RRRR", as the BIP metadata shows dates. */
static const char *polish_date(http_req_t *req, const char *iso)
{
	if (!iso || strlen(iso) != 10)
		return "";
	return arena_printf(req->arena, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
}

/* The accessibility declaration (cases/accessibility.h). Its tag covers
 * everything it shows, so a change of the settings shows at once. */
void web_accessibility(http_req_t *req)
{
	struct public_ask q;
	public_begin(req, &q, NULL, "/deklaracja-dostepnosci", NULL);
	struct register_page pg;
	struct a11y_declaration d;
	if (!public_ready(req, &q,
	                  register_accessibility_page(&q.sc, &q.ask, "", &pg, &d, &q.p), NULL))
		return;
	const struct org *o = &pg.org;
	if (!*d.url) /* no address set: the body's own */
		d.url = web_org_base_url(req->arena, o);
	bool compliant = !strcmp(d.status, "zgodna");
	json_t *ctx = json_pack(
	    "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, "
	    "s:s, s:s, s:s, s:s}, s:b, s:b}",
	    "title", "Deklaracja dostępności — Jawność", "org", "name", o->name, "address", o->address,
	    "a11y", "url", d.url, "published_on", d.published_on, "updated_on", d.updated_on,
	    "prepared_on", d.prepared_on, "reviewed_on", d.reviewed_on, "status", d.status,
	    "status_label", d.status_label, "nonaccessible", d.nonaccessible, "exemption",
	    d.exemption, "burden_url", d.burden_url, "third_party", d.third_party, "auditor",
	    d.auditor, "contact_name", d.contact_name, "contact_email", d.contact_email,
	    "contact_phone", d.contact_phone, "architecture", d.architecture, "apps", d.apps,
	    "compliant", compliant, "show_nonaccessible", !compliant || *d.nonaccessible);
	char *shown = json_dumps(ctx, JSON_COMPACT | JSON_SORT_KEYS);
	/* With its change register's newest change. */
	const char *etag = etag_of(req, "deklaracja", pcache_address(req, NULL, 0),
	                           pg.bip.changed_us, shown ? shown : "");
	free(shown);
	if (answered_not_modified(req, etag, 0)) {
		json_decref(ctx);
		return;
	}
	json_t *bip = composed_bip(req, &pg, json_integer(pg.visits));
	json_object_set_new(bip, "responsible", json_string(d.contact_name));
	json_object_set_new(bip, "entered_by",
	                    json_string("redakcja BIP (deklaracja z ustawień urzędu)"));
	/* Produced when it was prepared; published in the BIP since the body
	 * was set up (its change register's first row, composed_bip()), last
	 * changed by the newest change of the settings it shows, as the
	 * register lists it (its review date is the declaration's own text). */
	json_object_set_new(bip, "produced_at", json_string(polish_date(req, d.prepared_on)));
	json_object_set_new(bip, "changed_at", json_string(pg.bip.changed_at ? pg.bip.changed_at : ""));
	json_object_set_new(ctx, "bip", bip);
	render_public(req, "accessibility", ctx);
}

/* ---- Feeds and open data ------------------------------------------------------------ */

/* The host of a URL ("https://bip.example:8443/x" → "bip.example"). */
static const char *host_of(http_req_t *req, const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p)
		return NULL;
	p += 3;
	size_t n = strcspn(p, ":/?#");
	return n ? arena_strndup(req->arena, p, n) : NULL;
}

/* `s` cut to at most `max` bytes at a character boundary, with "…". */
static const char *cut(http_req_t *req, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return s;
	while (max && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return arena_printf(req->arena, "%.*s…", (int)max, s);
}

/* The feed's entries; ids are tag: URIs (RFC 4151) under `authority`. */
static json_t *atom_entries(http_req_t *req, json_t *feed, const char *authority,
                            const char *base)
{
	json_t *entries = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(feed, i, e)
	{
#define S(k) json_string_value(json_object_get(e, k))
		const char *number = S("case_number"), *version = S("version");
		const char *answer = S("answer");
		json_array_append_new(
		    entries,
		    json_pack(
		        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
		        arena_printf(req->arena, "tag:%s,%s:rejestr/%s/%s", authority,
		                     S("first_published_on"), number, version),
		        "title", arena_printf(req->arena, "%s (wersja %s)", S("title"), version),
		        "link",
		        arena_printf(req->arena, "%s/rejestr/%s/wersja/%s", base, number, version),
		        "updated", S("published_at"), "published", S("first_published_at"),
		        "author", S("author"), "summary",
		        *answer ? cut(req, answer, 1000) : S("subject")));
#undef S
	}
	return entries;
}

/* The feed as Atom: its id from the body's domain and creation date, its
 * time from the newest entry (the body's creation when there is none). */
static void atom_write(http_req_t *req, const struct org *org, json_t *feed, strbuf_t *out)
{
	/* The links go to the body's own address; the ids keep the
	 * deployment's (an entry's id never changes once a reader saw it). */
	const char *base = web_org_base_url(req->arena, org);
	const char *authority = host_of(req, org->bip_url);
	if (!authority)
		authority = host_of(req, web_base_url());
	if (!authority)
		authority = "localhost";
	char created[LAW_DATE_STRLEN] = "2000-01-01";
	law_date_t cd;
	if (law_warsaw_date(org->created_unix, &cd))
		law_date_format(cd, created);
	const char *updated =
	    json_array_size(feed)
	        ? json_string_value(json_object_get(json_array_get(feed, 0), "published_at"))
	        : NULL;
	char now_s[32];
	if (!updated) {
		time_t t = (time_t)org->created_unix;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(now_s, sizeof now_s, "%Y-%m-%dT%H:%M:%SZ", &tm);
		updated = now_s;
	}
	struct feed_atom fa = {
	    .id = arena_printf(req->arena, "tag:%s,%s:rejestr", authority, created),
	    .title = arena_printf(req->arena, "Rejestr wniosków i odpowiedzi — %s", org->name),
	    .subtitle = "Zmiany w rejestrze wniosków o udostępnienie informacji publicznej (BIP)",
	    .self_url = arena_printf(req->arena, "%s/rejestr.atom", base),
	    .html_url = arena_printf(req->arena, "%s/rejestr", base),
	    .author = org->name,
	    .updated = updated,
	    .stylesheet = static_url("feed.xsl"),
	};
	json_t *entries = atom_entries(req, feed, authority, base);
	feed_atom(out, &fa, entries);
	json_decref(entries);
}

/* The feed. A browser opening it (its Accept names text/html) gets the same
 * document as application/xml, which browsers show through the feed's
 * stylesheet (templates/static/feed.xsl); Chromium shows
 * application/atom+xml as plain text. Feed readers get
 * application/atom+xml. The two are kept apart in the cache (the address
 * and so the ETag differ) and told apart for other caches by Vary. */
void web_register_atom(http_req_t *req)
{
	bool page = http_accept_names(http_header(req, "Accept"), "text/html");
	struct pcache_param view = {"widok", page ? "strona" : NULL};
	const char *address = pcache_address(req, &view, 1);
	if (pcache_serve(req, address))
		return;
	struct public_ask q;
	public_begin(req, &q, "atom", NULL, address);
	struct register_page pg;
	json_t *feed;
	enum outcome o =
	    register_feed_page(&q.sc, &q.ask, REGISTER_FEED_ENTRIES, &pg, &feed, &q.p);
	if (o == OUT_OK && pg.fresh)
		http_add_header(req, "Vary", "Accept");
	if (!public_ready(req, &q, o, &pg))
		return;
	strbuf_t out;
	sb_init(&out, req->arena);
	atom_write(req, &pg.org, feed, &out);
	json_decref(feed);
	pcache_keep(req, pg.org.id, pg.mark, NULL, 0, q.cl.etag, (time_t)(pg.stamp_us / 1000000),
	            PUBLIC_CACHE);
	pcache_header(req, "Vary", "Accept");
	pcache_respond(req, 200,
	               page ? "application/xml; charset=utf-8" : "application/atom+xml; charset=utf-8",
	               out.data, out.len);
}

/* The open-data fields, in order: the CSV header and the JSON members. */
static const char *const export_fields[] = {"case_number",
                                            "url",
                                            "received_on",
                                            "kind",
                                            "unit",
                                            "subject",
                                            "state",
                                            "outcome",
                                            "closed_on",
                                            "legal_basis",
                                            "answer",
                                            "version",
                                            "first_published_at",
                                            "updated_at"};
#define NEXPORT (sizeof export_fields / sizeof export_fields[0])

static json_t *export_item(http_req_t *req, const char *base, json_t *it)
{
	json_t *o = json_object();
	for (size_t k = 0; k < NEXPORT; k++) {
		const char *key = export_fields[k];
		json_t *v =
		    !strcmp(key, "url")
		        ? json_string(arena_printf(req->arena, "%s%s", base,
		                                   json_string_value(json_object_get(it, "path"))))
		        : json_incref(json_object_get(it, key));
		json_object_set_new(o, key, v ? v : json_null());
	}
	return o;
}

/* One page of the export (REGISTER_EXPORT_PAGE rows), the same filters
 * as the list: *items in the open-data fields, *next_url when there are
 * more (also as a Link header). Kept in memory until the register
 * changes; one not kept counts against the address's limit. False after
 * answering (from memory, 304, or the failure). */
static bool export_page(http_req_t *req, const char *ext, struct register_page *pg,
                        json_t **items, const char **next_url)
{
	struct register_filter f;
	const char *typed;
	struct problem qp;
	read_filter(req, &f, &typed, &qp);
	if (typed) {
		const char *why = problem_field_message(&qp, "q");
		if (!strcmp(ext, "json"))
			http_respond_problem(req, 422, "Nieprawidłowe zapytanie", why,
			                     json_pack("{s:s}", "type", "urn:jawnosc:problem:invalid"));
		else
			http_respond_error(req, 422, why);
		return false;
	}
	const char *address = filter_address(req, &f);
	if (pcache_serve(req, address))
		return false;
	struct public_ask q;
	public_begin(req, &q, ext, NULL, address);
	q.ask.client = http_client_ip(req);
	json_t *list;
	enum outcome o =
	    register_list_page(&q.sc, &q.ask, &f, REGISTER_EXPORT_PAGE, pg, &list, NULL, &q.p);
	if (!public_ready(req, &q, o, pg))
		return false;
	pcache_keep(req, pg->org.id, pg->mark, NULL, 0, q.cl.etag, (time_t)(pg->stamp_us / 1000000),
	            PUBLIC_CACHE);
	*items = json_array();
	size_t i;
	json_t *it;
	const char *base = web_org_base_url(req->arena, &pg->org);
	json_array_foreach(json_object_get(list, "items"), i, it)
	    json_array_append_new(*items, export_item(req, base, it));
	json_t *next = json_object_get(list, "next");
	*next_url = next ? arena_printf(req->arena, "%s/rejestr.%s?%s", base, ext,
	                                next_query(req, &f, next))
	                 : NULL;
	if (*next_url)
		pcache_header(req, "Link", arena_printf(req->arena, "<%s>; rel=\"next\"", *next_url));
	json_decref(list);
	return true;
}

void web_register_csv(http_req_t *req)
{
	struct register_page pg;
	json_t *items;
	const char *next;
	if (!export_page(req, "csv", &pg, &items, &next))
		return;
	strbuf_t out;
	sb_init(&out, req->arena);
	csv_row(&out, export_fields, (int)NEXPORT);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *row[NEXPORT];
		for (size_t k = 0; k < NEXPORT; k++) {
			const char *v = json_string_value(json_object_get(it, export_fields[k]));
			row[k] = v ? v : "";
		}
		csv_row(&out, row, (int)NEXPORT);
	}
	json_decref(items);
	pcache_header(req, "Content-Disposition", "inline; filename=\"rejestr.csv\"");
	pcache_respond(req, 200, "text/csv; charset=utf-8; header=present", out.data, out.len);
}

void web_register_json(http_req_t *req)
{
	struct register_page pg;
	json_t *items;
	const char *next;
	if (!export_page(req, "json", &pg, &items, &next))
		return;
	/* The schema: docs/register.md. */
	json_t *doc =
	    json_pack("{s:s, s:s, s:o}", "publisher", pg.org.name, "register",
	              arena_printf(req->arena, "%s/rejestr", web_org_base_url(req->arena, &pg.org)),
	              "items", items);
	if (next)
		json_object_set_new(doc, "next", json_string(next));
	char *body = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!body) {
		http_respond_error(req, 503, NULL);
		return;
	}
	pcache_respond(req, 200, "application/json", body, strlen(body));
	free(body);
}

/* The sitemap (sitemaps.org 0.9) in parts of JAWNOSC_SITEMAP_URLS
 * addresses: /sitemap.xml is the index of the parts, /sitemap.xml?czesc=N
 * the N-th part. The parts stay at the top of the site, because a sitemap
 * may list only addresses under its own directory. The public pages come
 * first, then the items oldest first, so a new item goes into the last
 * part and the parts before stay as they were. Each is kept in memory
 * until the register changes. */
static const char *const sitemap_fixed[] = {"/", "/rejestr", "/rejestr/statystyki",
                                            "/jak-uzyskac-informacje", "/wniosek"};
#define SITEMAP_NFIXED ((long long)(sizeof sitemap_fixed / sizeof sitemap_fixed[0]))

/* The part asked for: 0 for the index, -1 for anything that is not a part
 * number. */
static long long sitemap_part(http_req_t *req)
{
	const char *s = http_query(req, "czesc");
	if (!s || !*s)
		return 0;
	char *end;
	long long n = strtoll(s, &end, 10);
	return *end || n < 1 || n > 1000000 || s[0] == '0' ? -1 : n;
}

static void sitemap_urls(http_req_t *req, const char *base, long long part, long long size,
                         json_t *items, strbuf_t *out)
{
	json_t *urls = json_array();
	for (long long k = 0; part == 1 && k < SITEMAP_NFIXED; k++)
		json_array_append_new(
		    urls, json_pack("{s:s}", "loc",
		                    arena_printf(req->arena, "%s%s", base, sitemap_fixed[k])));
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if ((long long)json_array_size(urls) >= size)
			break;
		json_array_append_new(
		    urls, json_pack("{s:s, s:s}", "loc",
		                    arena_printf(req->arena, "%s/rejestr/%s", base,
		                                 json_string_value(json_object_get(it, "case_number"))),
		                    "lastmod", json_string_value(json_object_get(it, "lastmod"))));
	}
	feed_sitemap(out, urls);
	json_decref(urls);
}

void web_sitemap(http_req_t *req)
{
	long long part = sitemap_part(req);
	if (part < 0) {
		http_respond_error(req, 404, "Mapa witryny nie ma takiej części.");
		return;
	}
	long long size = cfg.sitemap_urls;
	struct pcache_param ps[] = {{"czesc", part ? arena_printf(req->arena, "%lld", part) : NULL}};
	const char *address = pcache_address(req, ps, 1);
	if (pcache_serve(req, address))
		return;
	struct public_ask q;
	public_begin(req, &q, arena_printf(req->arena, "sitemap-%lld", size), NULL, address);
	/* Part N holds the addresses (N-1)*size .. N*size-1, the public pages
	 * first. */
	long long first = (part ? part - 1 : 0) * size;
	long long offset = first > SITEMAP_NFIXED ? first - SITEMAP_NFIXED : 0;
	int limit = part == 0 ? 0 : (int)(part == 1 ? size - SITEMAP_NFIXED : size);
	struct register_page pg;
	long long count;
	json_t *items;
	enum outcome o =
	    register_sitemap_page(&q.sc, &q.ask, offset, limit, &pg, &count, &items, &q.p);
	if (!public_ready(req, &q, o, &pg))
		return;
	long long parts = (SITEMAP_NFIXED + count + size - 1) / size;
	if (part > parts) {
		json_decref(items);
		http_respond_error(req, 404, "Mapa witryny nie ma takiej części.");
		return;
	}
	/* A sitemap lists addresses of its own host only (the protocol). */
	const char *base = web_org_base_url(req->arena, &pg.org);
	strbuf_t out;
	sb_init(&out, req->arena);
	if (part == 0) {
		json_t *locs = json_array();
		for (long long k = 1; k <= parts; k++)
			json_array_append_new(locs, json_string(arena_printf(
			                                req->arena, "%s/sitemap.xml?czesc=%lld", base, k)));
		feed_sitemap_index(&out, locs);
		json_decref(locs);
	} else {
		sitemap_urls(req, base, part, size, items, &out);
	}
	json_decref(items);
	pcache_keep(req, pg.org.id, pg.mark, NULL, 0, q.cl.etag, (time_t)(pg.stamp_us / 1000000),
	            PUBLIC_CACHE);
	pcache_respond(req, 200, "application/xml; charset=utf-8", out.data, out.len);
}

/* ---- The clerk's publication page -------------------------------------------------------- */

static long long case_id(http_req_t *req)
{
	const char *s = http_param(req, "id");
	char *end;
	long long id = s ? strtoll(s, &end, 10) : 0;
	return s && !*end && id > 0 ? id : 0;
}

/* The answers to the personal data found, as the page posts them: for
 * finding N, "pdN_field" and "pdN_text" (hidden: what was found where),
 * "pdN" (ticked: "to dane publiczne") and "pdN_reason". */
static void accepts_from_form(const form_t *f, struct register_draft *d)
{
	char key[32];
	for (int n = 0; n < REGISTER_MAX_ACCEPTS; n++) {
		snprintf(key, sizeof key, "pd%d_field", n);
		const char *field = form_get(f, key);
		snprintf(key, sizeof key, "pd%d_text", n);
		const char *text = form_get(f, key);
		if (!field || !text)
			continue;
		struct register_accept *acc = &d->accepts[d->naccepts++];
		snprintf(key, sizeof key, "pd%d_reason", n);
		acc->field = field;
		acc->text = text;
		acc->reason = form_get(f, key);
		snprintf(key, sizeof key, "pd%d", n);
		acc->public_data = form_get(f, key) != NULL;
	}
}

static bool draft_from_form(const form_t *f, struct register_draft *d)
{
	memset(d, 0, sizeof *d);
#define SLOT(m) FORM_SLOT(struct register_draft, m)
	static const struct form_slot slots[] = {SLOT(public_subject), SLOT(answer),
	                                         SLOT(legal_basis),    SLOT(produced_by),
	                                         SLOT(responsible),    SLOT(produced_on)};
#undef SLOT
	form_fill(f, d, slots, sizeof slots / sizeof slots[0], NULL);
	d->name_may_be_public = form_get(f, "name_public") != NULL;
	accepts_from_form(f, d);
	bool ok = true;
	for (const form_field_t *ff = f->first; ff; ff = ff->next) {
		if (!strcmp(ff->name, "att")) {
			/* A public copy of an attachment, by its id. */
			char *end;
			long long cid = strtoll(ff->value, &end, 10);
			if (!*ff->value || *end || cid <= 0 || d->ncopies == REGISTER_MAX_DOCS)
				ok = false;
			else
				d->copy_ids[d->ncopies++] = cid;
			continue;
		}
		if (strcmp(ff->name, "doc") != 0)
			continue;
		char *end;
		long seq = strtol(ff->value, &end, 10);
		if (*end || seq <= 0 || seq > 100000 || d->ndocs == REGISTER_MAX_DOCS)
			ok = false;
		else
			d->doc_seqs[d->ndocs++] = (int)seq;
	}
	return ok;
}

/* The page (or, after a publication or withdrawal, the way back to it). */
static void publication_answer(http_req_t *req, long long id, const struct register_post *in,
                               const char *notice)
{
	struct svc_ctx sc;
	struct actor who;
	web_ctx(req, &sc, &who);
	if (!sc.who) {
		http_respond_error(req, 403, NULL);
		return;
	}
	struct register_publication out;
	struct problem p;
	enum outcome o = register_publication(&sc, id, in, &out, &p);
	if (o == OUT_OK && out.version) {
		http_redirect(req, 303,
		              arena_printf(req->arena, "/panel/sprawy/%lld/publikacja?%s=%s", id,
		                           in->action == REGISTER_WITHDRAW ? "wycofano" : "opublikowano",
		                           out.version));
		return;
	}
	if (!out.page) {
		web_fail(req, &p);
		return;
	}
	if (notice)
		json_object_set_new(out.page, "notice", json_string(notice));
	json_object_set_new(
	    out.page, "title",
	    json_string(arena_printf(req->arena, "Publikacja w rejestrze — sprawa %s — Jawność",
	                             json_string_value(json_object_get(out.page, "case_number")))));
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, web_outcome_status(o), "register_publish", out.page);
}

void web_panel_publication(http_req_t *req)
{
	long long id = case_id(req);
	if (!id) {
		http_respond_error(req, 404, NULL);
		return;
	}
	const char *done = http_query(req, "opublikowano"),
	           *withdrawn = http_query(req, "wycofano");
	const char *notice =
	    done && version_ok(done) ? arena_printf(req->arena, "Opublikowano wersję %s.", done)
	    : withdrawn && version_ok(withdrawn)
	        ? arena_printf(req->arena, "Wycofano z publikacji (wersja %s).", withdrawn)
	        : NULL;
	struct register_post in = {.action = REGISTER_VIEW};
	publication_answer(req, id, &in, notice);
}

void web_panel_publish(http_req_t *req)
{
	long long id = case_id(req);
	const form_t *f;
	if (!id) {
		http_respond_error(req, 404, NULL);
		return;
	}
	if (http_form(req, &f) != FORM_OK) {
		http_respond_error(req, 400, "Przesłany formularz jest uszkodzony.");
		return;
	}
	const char *action = form_get(f, "action"), *expected_s = form_get(f, "version_id");
	char *end;
	long long expected = expected_s ? strtoll(expected_s, &end, 10) : -1;
	if (!expected_s || *end)
		expected = -1;
	struct register_draft d;
	struct register_post in = {
	    .action = !action                       ? REGISTER_PREVIEW
	              : !strcmp(action, "withdraw") ? REGISTER_WITHDRAW
	              : !strcmp(action, "publish")  ? REGISTER_PUBLISH
	                                            : REGISTER_PREVIEW, /* "Pokaż podgląd", Enter */
	    .draft = &d,
	    .bad_document = !draft_from_form(f, &d),
	    .preview_token = form_get(f, "preview_token"),
	    .expected_version_id = expected,
	};
	publication_answer(req, id, &in, NULL);
}
