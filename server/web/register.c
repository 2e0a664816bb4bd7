/* The public register as BIP pages (UDIP art. 8): the list with filters
 * and search, each item with its versions and documents, the statistics,
 * the page on how to obtain information (art. 8 ust. 4), the Atom feed, the
 * CSV and JSON exports and the sitemap; and the clerk's publication page.
 *
 * Public pages are read from the replica when there is one, in one
 * transaction as the database role jawnosc_public (cases/register.h), carry
 * ETag and Last-Modified and answer 304 to a client whose copy is current.
 * Each GET of a BIP page counts a visit, a 304 too. The list, the items and
 * the Atom feed are kept in memory between requests (web/pcache.c). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/register.h"
#include "core/cache.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "http/conditional.h"
#include "http/static.h"
#include "law/date.h"
#include "law/lifecycle.h"
#include "law/warsaw.h"
#include "render/csv.h"
#include "render/feed.h"
#include "web/pcache.h"
#include "web/web.h"

/* Public pages are the same for everyone, but the visit counter must see
 * each visit: caches may keep a copy, and must ask every time. */
#define PUBLIC_CACHE "public, no-cache"

/* ---- The public transaction ---------------------------------------------------- */

struct page {
	PGconn *c;
	struct org org; /* ORG_PUBLIC: stamp_us is the register's */
	bool open;
};

static void fail(http_req_t *req, struct page *pg, enum db_status st)
{
	if (pg->open)
		register_abort(pg->c);
	pg->open = false;
	if (st == DB_UNAVAILABLE)
		http_respond_unavailable(req);
	else
		http_respond_error(req, 500, NULL);
}

static bool page_open(http_req_t *req, struct page *pg)
{
	memset(pg, 0, sizeof *pg);
	pg->c = db_conn_replica();
	if (!pg->c) {
		http_respond_unavailable(req);
		return false;
	}
	bool found = false;
	enum db_status st =
	    register_begin(pg->c, req->arena, http_header(req, "Host"), &pg->org, &found);
	if (st != DB_OK) {
		fail(req, pg, st);
		return false;
	}
	if (!found) {
		log_error("no organisation is configured (run 'jawnosc seed --demo' or add one)");
		http_respond_error(req, 503,
		                   "Żaden urząd nie jest jeszcze skonfigurowany w systemie.");
		return false;
	}
	pg->open = true;
	return true;
}

/* Commits; counts a visit of `path` for a GET of a BIP page (NULL: none)
 * and gives the page's count, this visit included. */
static bool page_close(http_req_t *req, struct page *pg, const char *path, long long *visits)
{
	long long n = 0;
	const char *count = path && !strcmp(req->method, "GET") ? path : NULL;
	enum db_status st = register_end(pg->c, pg->org.id, count, &n);
	pg->open = false;
	if (st != DB_OK) {
		fail(req, pg, st);
		return false;
	}
	if (count)
		n += register_visit(pg->org.id, count);
	if (visits)
		*visits = n;
	return true;
}

/* The count for the page's metadata: the number, or the place for it in a
 * page being kept. */
static json_t *visits_json(bool keep, long long visits)
{
	return keep ? json_string(PCACHE_VISITS) : json_integer(visits);
}

/* ---- Validators ---------------------------------------------------------------- */

/* A weak tag over what the page shows: the data's stamp, the address
 * (filters) and this build of the program and its stylesheet (templates
 * and styles change with a deployment). */
static const char *etag_of(http_req_t *req, const char *kind, int64_t stamp, const char *extra)
{
	crypto_generichash_state h;
	unsigned char out[12];
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	static const char build[] = __DATE__ " " __TIME__;
	const char *parts[] = {build, static_url("style.css"), kind, req->uri, extra ? extra : ""};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		crypto_generichash_update(&h, (const unsigned char *)parts[i],
		                          strlen(parts[i]) + 1);
	crypto_generichash_update(&h, (const unsigned char *)&stamp, sizeof stamp);
	crypto_generichash_final(&h, out, sizeof out);
	char hex[sizeof out * 2 + 1];
	sodium_bin2hex(hex, sizeof hex, out, sizeof out);
	return arena_printf(req->arena, "W/\"%s-%s\"", kind, hex);
}

/* True after answering 304 (the visit counted). */
static bool not_modified(http_req_t *req, struct page *pg, const char *etag, int64_t stamp_us,
                         const char *visit_path)
{
	time_t lm = stamp_us > 0 ? (time_t)(stamp_us / 1000000) : 0;
	if (!http_fresh(req, etag, lm, PUBLIC_CACHE))
		return false;
	if (page_close(req, pg, visit_path, NULL))
		http_respond_not_modified(req);
	return true;
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
 * it; no one types it in. */
static json_t *composed_bip(http_req_t *req, const struct page *pg, json_t *visits)
{
	json_t *bip = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b}", "publisher", pg->org.name, "producer",
	    pg->org.name, "responsible", "", "entered_by",
	    "zestawienie tworzone automatycznie z publikacji w rejestrze", "produced_at", "",
	    "published_at", pg->org.created, "visits", visits, "has_versions", 0);
	json_object_set_new(
	    bip, "changed_at",
	    json_string(pg->org.stamp_us > 0 ? warsaw_time(req, pg->org.stamp_us / 1000000) : ""));
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

/* The filters of the address; anything malformed is ignored, never a 4xx. */
static void read_filter(http_req_t *req, struct register_filter *f)
{
	memset(f, 0, sizeof *f);
	const char *year = param(req, "rok"), *kind = param(req, "rodzaj"),
	           *outcome = param(req, "wynik"), *unit = param(req, "komorka"),
	           *q = param(req, "q");
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
	if (q && strlen(q) <= 200)
		f->q = q;
	const char *after = param(req, "po_dacie"), *after_id = param(req, "po_id");
	law_date_t d;
	long long id = after_id ? strtoll(after_id, &end, 10) : 0;
	if (after && after_id && !*end && id > 0 && law_date_parse(after, &d)) {
		f->after_date = after;
		f->after_id = id;
	}
}

/* The query string of the filters (without the page), for links. */
static const char *filter_query(http_req_t *req)
{
	strbuf_t q;
	sb_init(&q, req->arena);
	static const char *const keys[] = {"rok", "rodzaj", "wynik", "komorka", "q"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = param(req, keys[i]);
		if (v)
			sb_printf(&q, "%s%s=%s", q.len ? "&" : "", keys[i], web_url_encode(req, v));
	}
	return q.data ? q.data : "";
}

static const char *next_query(http_req_t *req, json_t *next)
{
	const char *f = filter_query(req);
	return arena_printf(req->arena, "%s%spo_dacie=%s&po_id=%s", f, *f ? "&" : "",
	                    json_string_value(json_object_get(next, "date")),
	                    json_string_value(json_object_get(next, "id")));
}

/* ---- The register ---------------------------------------------------------------- */

void web_register_list(http_req_t *req)
{
	if (pcache_serve(req))
		return;
	uint64_t mark = cache_mark();
	struct page pg;
	if (!page_open(req, &pg))
		return;
	struct register_filter f;
	read_filter(req, &f);
	const char *etag = etag_of(req, "rejestr", pg.org.stamp_us, NULL);
	if (not_modified(req, &pg, etag, pg.org.stamp_us, "/rejestr"))
		return;
	json_t *list = NULL, *opts = NULL;
	enum db_status st = register_list(pg.c, req->arena, pg.org.id, &f, REGISTER_PAGE, &list);
	if (st == DB_OK)
		st = register_filter_options(pg.c, req->arena, pg.org.id, &f, &opts);
	long long visits = 0;
	if (st != DB_OK || !page_close(req, &pg, "/rejestr", &visits)) {
		json_decref(list);
		json_decref(opts);
		if (st != DB_OK)
			fail(req, &pg, st);
		return;
	}
	json_t *ctx = json_pack("{s:s, s:o, s:o, s:s, s:b, s:b}", "title",
	                        "Rejestr wniosków o udostępnienie informacji publicznej — Jawność",
	                        "register", list, "options", opts, "q", f.q ? f.q : "", "filtered",
	                        f.year || f.kind || f.outcome || f.unit || f.q, "paged",
	                        f.after_date != NULL);
	json_object_set_new(ctx, "empty",
	                    json_boolean(!json_array_size(json_object_get(list, "items"))));
	json_t *next = json_object_get(list, "next");
	if (next)
		json_object_set_new(
		    ctx, "next_url",
		    json_string(arena_printf(req->arena, "/rejestr?%s", next_query(req, next))));
	const char *fq = filter_query(req);
	json_object_set_new(ctx, "export_query",
	                    json_string(*fq ? arena_printf(req->arena, "?%s", fq) : ""));
	json_object_set_new(ctx, "org_name", json_string(pg.org.name));
	bool keep = pcache_keep(req, pg.org.id, mark, "/rejestr", visits, etag,
	                        (time_t)(pg.org.stamp_us / 1000000), PUBLIC_CACHE);
	json_object_set_new(ctx, "bip", composed_bip(req, &pg, visits_json(keep, visits)));
	render_public(req, "register_list", ctx);
}

/* The item's page, or one of its versions. */
static void item_page(http_req_t *req, const char *version)
{
	const char *number = http_param(req, "number");
	if (pcache_serve(req))
		return;
	uint64_t mark = cache_mark();
	struct page pg;
	if (!page_open(req, &pg))
		return;
	int64_t changed = 0;
	bool found = false;
	enum db_status st = register_item_stamp(pg.c, pg.org.id, number, &changed, &found);
	if (st != DB_OK) {
		fail(req, &pg, st);
		return;
	}
	if (!found) {
		register_abort(pg.c);
		http_respond_error(req, 404, "W rejestrze nie ma sprawy o takim znaku.");
		return;
	}
	const char *path = version
	                       ? arena_printf(req->arena, "/rejestr/%s/wersja/%s", number, version)
	                       : arena_printf(req->arena, "/rejestr/%s", number);
	const char *etag = etag_of(req, "pozycja", changed, NULL);
	if (not_modified(req, &pg, etag, changed, path))
		return;
	json_t *doc = NULL;
	st = register_item(pg.c, req->arena, &pg.org, number, version, &doc, &found);
	if (st != DB_OK) {
		fail(req, &pg, st);
		return;
	}
	if (!found) {
		register_abort(pg.c);
		http_respond_error(req, 404, "Ta sprawa nie ma wersji o takim numerze.");
		return;
	}
	long long visits = 0;
	if (!page_close(req, &pg, path, &visits)) {
		json_decref(doc);
		return;
	}
	bool keep = pcache_keep(req, pg.org.id, mark, path, visits, etag,
	                        (time_t)(changed / 1000000), PUBLIC_CACHE);
	json_object_set_new(json_object_get(doc, "bip"), "visits", visits_json(keep, visits));
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
	struct page pg;
	if (!page_open(req, &pg))
		return;
	const char *pdf = NULL;
	size_t len = 0;
	char sha[65];
	bool found = false;
	enum db_status st =
	    register_document(pg.c, req->arena, pg.org.id, http_param(req, "number"), (int)seq,
	                      &pdf, &len, sha, &found);
	if (st != DB_OK) {
		fail(req, &pg, st);
		return;
	}
	if (!found) {
		register_abort(pg.c);
		http_respond_error(req, 404, "Taki dokument nie jest opublikowany.");
		return;
	}
	/* An issued document never changes: its digest is a strong tag. */
	const char *etag = arena_printf(req->arena, "\"%s\"", sha);
	if (not_modified(req, &pg, etag, 0, NULL) || !page_close(req, &pg, NULL, NULL))
		return;
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "attachment; filename=\"%s-%ld.pdf\"",
	                             http_param(req, "number"), seq));
	http_respond(req, 200, "application/pdf", pdf, len);
}

/* The very first look waits for the first snapshot; later ones ask the
 * job "register-stats" for a refresh and do not wait. */
static void refresh_stats(void)
{
	PGconn *c = db_conn();
	if (!c || register_stats_refresh(c, REGISTER_STATS_MAX_AGE) != DB_OK)
		log_warn("the register's statistics were not refreshed");
}

void web_register_stats(http_req_t *req)
{
	struct page pg;
	if (!page_open(req, &pg))
		return;
	json_t *stats = NULL;
	enum db_status st = register_stats(pg.c, req->arena, pg.org.id, &stats);
	if (st == DB_OK && json_is_true(json_object_get(stats, "never"))) {
		/* The very first look waits for the first snapshot. */
		json_decref(stats);
		stats = NULL;
		if (!page_close(req, &pg, NULL, NULL))
			return;
		refresh_stats();
		if (!page_open(req, &pg))
			return;
		st = register_stats(pg.c, req->arena, pg.org.id, &stats);
	} else if (st == DB_OK && json_is_true(json_object_get(stats, "stale"))) {
		register_stats_kick();
	}
	if (st != DB_OK) {
		json_decref(stats);
		fail(req, &pg, st);
		return;
	}
	/* Every request counts here, published or not: the tag is the
	 * digest of the numbers. */
	json_object_del(stats, "stale");
	char *dump = json_dumps(stats, JSON_COMPACT);
	const char *etag = etag_of(req, "statystyki", 0, dump);
	free(dump);
	if (not_modified(req, &pg, etag, 0, "/rejestr/statystyki")) {
		json_decref(stats);
		return;
	}
	long long visits = 0;
	if (!page_close(req, &pg, "/rejestr/statystyki", &visits)) {
		json_decref(stats);
		return;
	}
	json_object_set_new(
	    stats, "title",
	    json_string("Statystyka wniosków o udostępnienie informacji publicznej — Jawność"));
	json_object_set_new(stats, "empty",
	                    json_boolean(!json_array_size(json_object_get(stats, "years"))));
	json_object_set_new(stats, "org_name", json_string(pg.org.name));
	json_object_set_new(stats, "bip", composed_bip(req, &pg, json_integer(visits)));
	render_public(req, "register_stats", stats);
}

void web_procedure(http_req_t *req)
{
	struct page pg;
	if (!page_open(req, &pg))
		return;
	const struct org *o = &pg.org;
	const char *about = arena_printf(req->arena, "%s\n%s\n%s\n%s\n%s", o->name, o->address,
	                                 o->email, o->phone, o->bip_url);
	if (not_modified(req, &pg, etag_of(req, "procedura", 0, about), 0,
	                 "/jak-uzyskac-informacje"))
		return;
	long long visits = 0;
	if (!page_close(req, &pg, "/jak-uzyskac-informacje", &visits))
		return;
	json_t *ctx = json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "title",
	                        "Jak uzyskać informację publiczną — Jawność", "org", "name",
	                        o->name, "address", o->address, "email", o->email, "phone",
	                        o->phone, "bip_url", o->bip_url);
	json_t *bip = composed_bip(req, &pg, json_integer(visits));
	json_object_set_new(bip, "entered_by", json_string("redakcja BIP (tekst procedury)"));
	json_object_set_new(bip, "changed_at", json_string(""));
	json_object_set_new(ctx, "bip", bip);
	render_public(req, "register_procedure", ctx);
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

void web_register_atom(http_req_t *req)
{
	if (pcache_serve(req))
		return;
	uint64_t mark = cache_mark();
	struct page pg;
	if (!page_open(req, &pg))
		return;
	const char *etag = etag_of(req, "atom", pg.org.stamp_us, NULL);
	if (not_modified(req, &pg, etag, pg.org.stamp_us, NULL))
		return;
	json_t *feed = NULL;
	enum db_status st =
	    register_feed(pg.c, req->arena, pg.org.id, REGISTER_FEED_ENTRIES, &feed);
	if (st != DB_OK) {
		fail(req, &pg, st);
		return;
	}
	if (!page_close(req, &pg, NULL, NULL)) {
		json_decref(feed);
		return;
	}
	const char *base = web_base_url();
	/* Entry ids are tag: URIs (RFC 4151) under the body's own domain. */
	const char *authority = host_of(req, pg.org.bip_url);
	if (!authority)
		authority = host_of(req, base);
	if (!authority)
		authority = "localhost";
	char created[LAW_DATE_STRLEN] = "2000-01-01";
	law_date_t cd;
	if (law_warsaw_date(pg.org.created_unix, &cd))
		law_date_format(cd, created);
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
	const char *updated =
	    json_array_size(feed)
	        ? json_string_value(json_object_get(json_array_get(feed, 0), "published_at"))
	        : NULL;
	char now_s[32];
	if (!updated) {
		time_t t = (time_t)pg.org.created_unix;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(now_s, sizeof now_s, "%Y-%m-%dT%H:%M:%SZ", &tm);
		updated = now_s;
	}
	struct feed_atom fa = {
	    .id = arena_printf(req->arena, "tag:%s,%s:rejestr", authority, created),
	    .title = arena_printf(req->arena, "Rejestr wniosków i odpowiedzi — %s", pg.org.name),
	    .subtitle = "Zmiany w rejestrze wniosków o udostępnienie informacji publicznej (BIP)",
	    .self_url = arena_printf(req->arena, "%s/rejestr.atom", base),
	    .html_url = arena_printf(req->arena, "%s/rejestr", base),
	    .author = pg.org.name,
	    .updated = updated,
	};
	strbuf_t out;
	sb_init(&out, req->arena);
	feed_atom(&out, &fa, entries);
	json_decref(entries);
	json_decref(feed);
	pcache_keep(req, pg.org.id, mark, NULL, 0, etag, (time_t)(pg.org.stamp_us / 1000000),
	            PUBLIC_CACHE);
	pcache_respond(req, 200, "application/atom+xml; charset=utf-8", out.data, out.len);
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

static json_t *export_item(http_req_t *req, json_t *it)
{
	json_t *o = json_object();
	for (size_t k = 0; k < NEXPORT; k++) {
		const char *key = export_fields[k];
		json_t *v =
		    !strcmp(key, "url")
		        ? json_string(arena_printf(req->arena, "%s%s", web_base_url(),
		                                   json_string_value(json_object_get(it, "path"))))
		        : json_incref(json_object_get(it, key));
		json_object_set_new(o, key, v ? v : json_null());
	}
	return o;
}

/* One page of the export (REGISTER_EXPORT_PAGE rows), the same filters
 * as the list. False after answering. */
static bool export_page(http_req_t *req, struct page *pg, const char *kind, json_t **items,
                        const char **next_url, const char *ext)
{
	struct register_filter f;
	read_filter(req, &f);
	int64_t stamp = pg->org.stamp_us;
	if (not_modified(req, pg, etag_of(req, kind, stamp, NULL), stamp, NULL))
		return false;
	json_t *list = NULL;
	enum db_status st =
	    register_list(pg->c, req->arena, pg->org.id, &f, REGISTER_EXPORT_PAGE, &list);
	if (st != DB_OK) {
		fail(req, pg, st);
		return false;
	}
	if (!page_close(req, pg, NULL, NULL)) {
		json_decref(list);
		return false;
	}
	*items = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
	    json_array_append_new(*items, export_item(req, it));
	json_t *next = json_object_get(list, "next");
	*next_url = next ? arena_printf(req->arena, "%s/rejestr.%s?%s", web_base_url(), ext,
	                                next_query(req, next))
	                 : NULL;
	if (*next_url)
		http_add_header(req, "Link",
		                arena_printf(req->arena, "<%s>; rel=\"next\"", *next_url));
	json_decref(list);
	return true;
}

void web_register_csv(http_req_t *req)
{
	struct page pg;
	json_t *items;
	const char *next;
	if (!page_open(req, &pg) || !export_page(req, &pg, "csv", &items, &next, "csv"))
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
	http_add_header(req, "Content-Disposition", "inline; filename=\"rejestr.csv\"");
	http_respond(req, 200, "text/csv; charset=utf-8; header=present", out.data, out.len);
}

void web_register_json(http_req_t *req)
{
	struct page pg;
	json_t *items;
	const char *next;
	if (!page_open(req, &pg) || !export_page(req, &pg, "json", &items, &next, "json"))
		return;
	/* The schema: docs/register.md. */
	json_t *doc =
	    json_pack("{s:s, s:s, s:o}", "publisher", pg.org.name, "register",
	              arena_printf(req->arena, "%s/rejestr", web_base_url()), "items", items);
	if (next)
		json_object_set_new(doc, "next", json_string(next));
	http_respond_json(req, 200, doc);
}

void web_sitemap(http_req_t *req)
{
	struct page pg;
	if (!page_open(req, &pg))
		return;
	int64_t stamp = pg.org.stamp_us;
	if (not_modified(req, &pg, etag_of(req, "sitemap", stamp, NULL), stamp, NULL))
		return;
	json_t *items = NULL;
	enum db_status st =
	    register_sitemap(pg.c, req->arena, pg.org.id, REGISTER_SITEMAP_MAX, &items);
	if (st != DB_OK) {
		fail(req, &pg, st);
		return;
	}
	if (!page_close(req, &pg, NULL, NULL)) {
		json_decref(items);
		return;
	}
	const char *base = web_base_url();
	json_t *urls = json_array();
	static const char *const fixed[] = {"/", "/rejestr", "/rejestr/statystyki",
	                                    "/jak-uzyskac-informacje", "/wniosek"};
	for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
		json_array_append_new(
		    urls,
		    json_pack("{s:s}", "loc", arena_printf(req->arena, "%s%s", base, fixed[k])));
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) json_array_append_new(
	    urls, json_pack("{s:s, s:s}", "loc",
	                    arena_printf(req->arena, "%s/rejestr/%s", base,
	                                 json_string_value(json_object_get(it, "case_number"))),
	                    "lastmod", json_string_value(json_object_get(it, "lastmod"))));
	strbuf_t out;
	sb_init(&out, req->arena);
	feed_sitemap(&out, urls);
	json_decref(urls);
	json_decref(items);
	http_respond(req, 200, "application/xml; charset=utf-8", out.data, out.len);
}

/* ---- The clerk's publication page -------------------------------------------------------- */

static long long case_id(http_req_t *req)
{
	const char *s = http_param(req, "id");
	char *end;
	long long id = s ? strtoll(s, &end, 10) : 0;
	return s && !*end && id > 0 ? id : 0;
}

static bool clerk_of(http_req_t *req, struct clerk *out)
{
	const struct web_user *u = web_user(req);
	if (!u) {
		http_respond_error(req, 403, NULL);
		return false;
	}
	*out = (struct clerk){u->id, u->org_id, u->unit_id, u->role, u->name};
	return true;
}

static void fail_register(http_req_t *req, enum register_result r)
{
	if (r == REGISTER_UNAVAILABLE)
		http_respond_unavailable(req);
	else
		http_respond_error(req, r == REGISTER_NOT_FOUND ? 404 : 500, NULL);
}

/* What the preview showed, so "publish" publishes only what was seen. */
static const char *draft_token(http_req_t *req, const struct register_draft *d)
{
	crypto_generichash_state h;
	unsigned char out[16];
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	const char *parts[] = {d->public_subject,
	                       d->answer,
	                       d->legal_basis,
	                       d->produced_by,
	                       d->responsible,
	                       d->produced_on,
	                       d->name_may_be_public ? "1" : "0"};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		crypto_generichash_update(&h, (const unsigned char *)(parts[i] ? parts[i] : ""),
		                          strlen(parts[i] ? parts[i] : "") + 1);
	crypto_generichash_update(&h, (const unsigned char *)d->doc_seqs,
	                          sizeof(int) * (size_t)d->ndocs);
	crypto_generichash_final(&h, out, sizeof out);
	char *hex = arena_alloc(req->arena, sizeof out * 2 + 1);
	sodium_bin2hex(hex, sizeof out * 2 + 1, out, sizeof out);
	return hex;
}

static void draft_from_json(json_t *j, json_t *docs, struct register_draft *d)
{
	memset(d, 0, sizeof *d);
#define S(k) json_string_value(json_object_get(j, k))
	d->public_subject = S("public_subject");
	d->answer = S("answer");
	d->legal_basis = S("legal_basis");
	d->produced_by = S("produced_by");
	d->responsible = S("responsible");
	d->produced_on = S("produced_on");
#undef S
	size_t i;
	json_t *doc;
	json_array_foreach(docs, i, doc)
	{
		if (json_is_true(json_object_get(doc, "checked")) && d->ndocs < REGISTER_MAX_DOCS)
			d->doc_seqs[d->ndocs++] =
			    (int)json_integer_value(json_object_get(doc, "seq"));
	}
}

static bool draft_from_form(http_req_t *req, const form_t *f, struct register_draft *d)
{
	memset(d, 0, sizeof *d);
	d->public_subject = form_get(f, "public_subject");
	d->answer = form_get(f, "answer");
	d->legal_basis = form_get(f, "legal_basis");
	d->produced_by = form_get(f, "produced_by");
	d->responsible = form_get(f, "responsible");
	d->produced_on = form_get(f, "produced_on");
	d->name_may_be_public = form_get(f, "name_public") != NULL;
	bool ok = true;
	for (const form_field_t *ff = f->first; ff; ff = ff->next) {
		if (strcmp(ff->name, "doc") != 0)
			continue;
		char *end;
		long seq = strtol(ff->value, &end, 10);
		if (*end || seq <= 0 || seq > 100000 || d->ndocs == REGISTER_MAX_DOCS)
			ok = false;
		else
			d->doc_seqs[d->ndocs++] = (int)seq;
	}
	(void)req;
	return ok;
}

/* The page: the workspace (the case, the change register, the documents),
 * the form with `d` and the preview of `d`. */
static void publication_page(http_req_t *req, int status, const struct clerk *who, long long id,
                             const struct register_draft *d, const char *notice,
                             const char *general_error)
{
	PGconn *c = db_conn();
	if (!c) {
		http_respond_unavailable(req);
		return;
	}
	json_t *ws = NULL;
	int64_t now = clock_now();
	enum register_result r = register_workspace(c, req->arena, who, id, now, &ws);
	if (r != REGISTER_OK) {
		fail_register(req, r);
		return;
	}
	struct register_draft from_ws;
	bool posted = d != NULL;
	if (!d) {
		draft_from_json(json_object_get(ws, "draft"), json_object_get(ws, "documents"),
		                &from_ws);
		d = &from_ws;
	} else {
		/* The form as posted, the documents as ticked. */
		json_object_set_new(ws, "draft",
		                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "public_subject",
		                              d->public_subject ? d->public_subject : "", "answer",
		                              d->answer ? d->answer : "", "legal_basis",
		                              d->legal_basis ? d->legal_basis : "", "produced_by",
		                              d->produced_by ? d->produced_by : "", "responsible",
		                              d->responsible ? d->responsible : "", "produced_on",
		                              d->produced_on ? d->produced_on : ""));
		size_t i;
		json_t *doc;
		json_array_foreach(json_object_get(ws, "documents"), i, doc)
		{
			int seq = (int)json_integer_value(json_object_get(doc, "seq"));
			bool on = false;
			for (int k = 0; k < d->ndocs; k++)
				on |= d->doc_seqs[k] == seq;
			json_object_set_new(doc, "checked", json_boolean(on));
		}
	}
	json_object_set_new(ws, "name_public", json_boolean(d->name_may_be_public));
	json_object_set_new(ws, "has_versions",
	                    json_boolean(json_array_size(json_object_get(ws, "versions")) > 0));
	json_t *item = NULL;
	struct register_errors errs = {0};
	r = register_preview(c, req->arena, who, id, d, now, &item, &errs);
	if (r != REGISTER_OK && r != REGISTER_INVALID) {
		json_decref(ws);
		fail_register(req, r);
		return;
	}
	/* A posted draft that cannot be published is the form's error. */
	if (r == REGISTER_INVALID && posted && status == 200)
		status = 422;
	if (item)
		json_object_set_new(ws, "item", item);
	if (r == REGISTER_OK)
		json_object_set_new(ws, "preview_token", json_string(draft_token(req, d)));
	if (errs.n) {
		json_t *list = json_array(), *by = json_object();
		for (int i = 0; i < errs.n; i++) {
			json_array_append_new(list,
			                      json_pack("{s:s, s:s}", "field", errs.e[i].field,
			                                "message", errs.e[i].message));
			if (*errs.e[i].field && !json_object_get(by, errs.e[i].field))
				json_object_set_new(by, errs.e[i].field,
				                    json_string(errs.e[i].message));
		}
		json_object_set_new(ws, "errors", list);
		json_object_set_new(ws, "err", by);
		json_object_set_new(ws, "has_errors", json_true());
	}
	/* The BIP metadata the publication will carry. */
	json_object_set_new(ws, "meta",
	                    json_pack("{s:s, s:s, s:s, s:s}", "producer",
	                              d->produced_by ? d->produced_by : "", "responsible",
	                              d->responsible ? d->responsible : "", "entered_by", who->name,
	                              "produced_at", d->produced_on ? d->produced_on : ""));
	if (notice)
		json_object_set_new(ws, "notice", json_string(notice));
	if (general_error)
		json_object_set_new(ws, "general_error", json_string(general_error));
	json_object_set_new(
	    ws, "title",
	    json_string(arena_printf(req->arena, "Publikacja w rejestrze — sprawa %s — Jawność",
	                             json_string_value(json_object_get(ws, "case_number")))));
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, status, "register_publish", ws);
}

void web_panel_publication(http_req_t *req)
{
	struct clerk who;
	if (!clerk_of(req, &who))
		return;
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
	publication_page(req, 200, &who, id, NULL, notice, NULL);
}

void web_panel_publish(http_req_t *req)
{
	struct clerk who;
	if (!clerk_of(req, &who))
		return;
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
	PGconn *c = db_conn();
	if (!c) {
		http_respond_unavailable(req);
		return;
	}
	struct register_errors errs = {0};
	const char *version = NULL;
	if (action && !strcmp(action, "withdraw")) {
		enum register_result r = register_withdraw(c, req->arena, &who, id, expected,
		                                           clock_now(), &version, &errs);
		if (r == REGISTER_OK) {
			http_redirect(req, 303,
			              arena_printf(req->arena,
			                           "/panel/sprawy/%lld/publikacja?wycofano=%s", id,
			                           version));
			return;
		}
		if (r != REGISTER_STALE && r != REGISTER_INVALID) {
			fail_register(req, r);
			return;
		}
		publication_page(req, 409, &who, id, NULL, NULL, errs.n ? errs.e[0].message : NULL);
		return;
	}
	struct register_draft d;
	if (!draft_from_form(req, f, &d)) {
		publication_page(req, 422, &who, id, &d, NULL, "Wybrano nieistniejące pismo.");
		return;
	}
	bool publish = action && !strcmp(action, "publish");
	if (!publish) {
		/* "Pokaż podgląd" (and Enter in a field) */
		publication_page(req, 200, &who, id, &d, NULL, NULL);
		return;
	}
	const char *token = form_get(f, "preview_token");
	if (!token || strcmp(token, draft_token(req, &d)) != 0) {
		publication_page(
		    req, 409, &who, id, &d, NULL,
		    "Treść zmieniła się od ostatniego podglądu. Sprawdź podgląd poniżej i "
		    "opublikuj ponownie.");
		return;
	}
	enum register_result r =
	    register_publish(c, req->arena, &who, id, &d, expected, clock_now(), &version, &errs);
	switch (r) {
	case REGISTER_OK:
		http_redirect(req, 303,
		              arena_printf(req->arena,
		                           "/panel/sprawy/%lld/publikacja?opublikowano=%s", id,
		                           version));
		return;
	case REGISTER_INVALID:
		publication_page(req, 422, &who, id, &d, NULL, NULL);
		return;
	case REGISTER_STALE:
		publication_page(req, 409, &who, id, &d, NULL, errs.n ? errs.e[0].message : NULL);
		return;
	default:
		fail_register(req, r);
		return;
	}
}
