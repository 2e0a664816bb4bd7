/* SPDX-License-Identifier: EUPL-1.2 */
/* The public register's pages, one service each: the connection (the
 * replica when there is one), the body and its register's facts (kept in
 * memory: register_begin()), the client's validators asked once the stamp
 * is known, one read-only transaction as jawnosc_public for the page's own
 * queries (none for a client whose copy is current when the facts were
 * kept), the visit counted, the commit. */
#include <stdio.h>
#include <string.h>

#include "cases/accessibility.h"
#include "cases/ratelimit.h"
#include "cases/register_query.h"
#include "cases/service.h"
#include "core/cache.h"
#include "core/config.h"
#include "core/log.h"

enum outcome register_q_check(const char *q, arena_t *a, struct problem *p)
{
	size_t chars = 0, words = 0;
	bool in_word = false;
	for (const unsigned char *s = (const unsigned char *)(q ? q : ""); *s; s++) {
		if ((*s & 0xC0) != 0x80)
			chars++;
		bool space = *s == ' ' || (*s >= '\t' && *s <= '\r');
		if (!space && !in_word)
			words++;
		in_word = !space;
	}
	if (chars > REGISTER_Q_CHARS)
		return problem_fieldf(p, a, "q",
		                      "Szukany tekst może mieć najwyżej %d znaków (wpisano %zu). "
		                      "Skróć go i spróbuj ponownie.",
		                      REGISTER_Q_CHARS, chars);
	if (words > REGISTER_Q_WORDS)
		return problem_fieldf(p, a, "q",
		                      "Wpisz najwyżej %d słów (wpisano %zu): najlepiej kilka "
		                      "charakterystycznych słów z tematu.",
		                      REGISTER_Q_WORDS, words);
	return OUT_OK;
}

/* A search or an export not kept counts against the address's limit. */
static enum outcome rate_limited(const struct svc_ctx *ctx, const struct register_ask *ask,
                                 struct register_page *pg, struct problem *p)
{
	memset(pg, 0, sizeof *pg);
	if (!ask->client ||
	    ratelimit_take("search", ask->client, cfg.search_rate, REGISTER_RATE_WINDOW, ctx->now,
	                   &pg->retry_after) == OUT_OK)
		return OUT_OK;
	return problem_set(p, OUT_RATE_LIMITED,
	                   "Z tego adresu wysłano w ostatniej minucie zbyt wiele wyszukiwań lub "
	                   "pobrań rejestru. Odczekaj chwilę i spróbuj ponownie.",
	                   "search_rate");
}

/* Finds the body, and its register's facts unless `facts` is NULL (then
 * the page's stamp is its own), and the change register of `bip` (a page
 * composed from the settings: its newest change moves the stamp too); *c
 * is the connection. The transaction may not be open yet: page_begin()
 * before the page's queries. */
static enum outcome page_open(const struct svc_ctx *ctx, const struct register_ask *ask,
                              struct register_page *pg, PGconn **c, struct register_facts *facts,
                              enum bip_page bip, struct problem *p)
{
	memset(pg, 0, sizeof *pg);
	pg->mark = cache_mark();
	*c = db_conn_replica();
	if (!*c)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	bool found = false;
	enum db_status st =
	    register_begin(*c, ctx->arena, ask->host, pg->mark, &pg->org, facts, &found);
	if (st != DB_OK)
		return svc_outcome(st, p);
	/* No body lists this host (org_for_host()): nothing is shown for it. */
	if (!found)
		return problem_set(p, OUT_MISDIRECTED, NULL, NULL);
	pg->stamp_us = pg->org.stamp_us;
	st = register_changes_read(*c, ctx->arena, &pg->org, bip, pg->mark, &pg->bip);
	if (st != DB_OK) {
		register_abort(*c);
		return svc_outcome(st, p);
	}
	if (pg->bip.changed_us > pg->stamp_us)
		pg->stamp_us = pg->bip.changed_us;
	return OUT_OK;
}

/* page_open() of a page whose stamp is the register's. */
static enum outcome page_open_register(const struct svc_ctx *ctx, const struct register_ask *ask,
                                       struct register_page *pg, PGconn **c, enum bip_page bip,
                                       struct problem *p)
{
	struct register_facts facts;
	return page_open(ctx, ask, pg, c, &facts, bip, p);
}

/* Opens the transaction of the page's queries (when the body was kept,
 * nothing was read yet). */
static enum outcome page_begin(PGconn *c, struct problem *p)
{
	enum db_status st = register_open(c);
	return st == DB_OK ? OUT_OK : svc_outcome(st, p);
}

/* Commits and counts the visit: `n` is the page's count read before (a
 * BIP page), to which this visit is added. */
static enum outcome page_commit(PGconn *c, const struct register_ask *ask,
                                struct register_page *pg, long long n, struct problem *p)
{
	long long none;
	enum db_status st = register_end(c, pg->org.id, NULL, &none);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (ask->visit_path)
		n += register_visit(pg->org.id, ask->visit_path);
	pg->visits = n;
	return OUT_OK;
}

/* Counts the visit (a BIP page: its count, this visit included) and
 * commits. */
static enum outcome page_close(PGconn *c, const struct register_ask *ask,
                               struct register_page *pg, struct problem *p)
{
	long long n = 0;
	enum db_status st = register_end(c, pg->org.id, ask->visit_path, &n);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (ask->visit_path)
		n += register_visit(pg->org.id, ask->visit_path);
	pg->visits = n;
	return OUT_OK;
}

static enum outcome page_fail(PGconn *c, enum db_status st, struct problem *p)
{
	register_abort(c);
	return svc_outcome(st, p);
}

static enum outcome page_not_found(PGconn *c, const char *message, struct problem *p)
{
	register_abort(c);
	return problem_set(p, OUT_NOT_FOUND, message, NULL);
}

/* True when the client's copy is current: the page is closed then. */
static bool client_fresh(PGconn *c, const struct register_ask *ask, struct register_page *pg,
                         enum outcome *o, struct problem *p)
{
	if (!ask->fresh || !ask->fresh(ask->fresh_arg, pg->stamp_us))
		return false;
	pg->fresh = true;
	*o = page_close(c, ask, pg, p);
	return true;
}

static enum outcome list_page_once(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   const struct register_filter *f, int limit,
                                   struct register_page *pg, json_t **list, json_t **options,
                                   struct problem *p)
{
	*list = NULL;
	if (options)
		*options = NULL;
	PGconn *c;
	struct register_facts facts;
	enum outcome o = page_open(ctx, ask, pg, &c, &facts, BIP_PAGE_REGISTER, p);
	if (o != OUT_OK || client_fresh(c, ask, pg, &o, p) || (o = page_begin(c, p)) != OUT_OK)
		return o;
	enum db_status st = register_list(c, ctx->arena, &pg->org, f, limit, list);
	if (st == DB_OK && options)
		*options = register_filter_options(ctx->arena, &facts, f);
	if (st == DB_OK)
		o = page_close(c, ask, pg, p);
	else
		o = page_fail(c, st, p);
	if (o != OUT_OK) {
		json_decref(*list);
		*list = NULL;
		if (options) {
			json_decref(*options);
			*options = NULL;
		}
	}
	return o;
}

static enum outcome item_page_once(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   const char *case_number, const char *version,
                                   struct register_page *pg, json_t **doc, struct problem *p)
{
	*doc = NULL;
	PGconn *c;
	enum outcome o = page_open(ctx, ask, pg, &c, NULL, BIP_PAGE_NONE, p);
	if (o != OUT_OK)
		return o;
	/* Everything in one statement, the stamp with it, and the commit: a
	 * client whose copy is current costs the same round trip as one who
	 * has none, and a body kept in memory no other. */
	struct register_item_read it;
	enum db_status st =
	    register_item(c, ctx->arena, &pg->org, case_number, version, ask->visit_path, &it);
	if (st != DB_OK)
		return page_fail(c, st, p);
	if (!it.found)
		return page_not_found(c, "W rejestrze nie ma sprawy o takim znaku.", p);
	pg->stamp_us = it.stamp_us;
	if (ask->fresh && ask->fresh(ask->fresh_arg, pg->stamp_us)) {
		json_decref(it.doc);
		pg->fresh = true;
		return page_commit(c, ask, pg, it.visits, p);
	}
	if (!it.doc)
		return page_not_found(c, "Ta sprawa nie ma wersji o takim numerze.", p);
	o = page_commit(c, ask, pg, it.visits, p);
	if (o == OUT_OK)
		*doc = it.doc;
	else
		json_decref(it.doc);
	return o;
}

static enum outcome document_get_once(const struct svc_ctx *ctx, const struct register_ask *ask,
                                      const char *case_number, int seq, struct register_pdf *out,
                                      struct problem *p)
{
	memset(out, 0, sizeof *out);
	struct register_page pg;
	PGconn *c;
	enum outcome o = page_open(ctx, ask, &pg, &c, NULL, BIP_PAGE_NONE, p);
	if (o != OUT_OK || (o = page_begin(c, p)) != OUT_OK)
		return o;
	bool found = false;
	enum db_status st = register_document(c, ctx->arena, pg.org.id, case_number, seq, &out->pdf,
	                                      &out->len, out->sha256, &found);
	if (st != DB_OK)
		return page_fail(c, st, p);
	if (!found)
		return page_not_found(c, "Taki dokument nie jest opublikowany.", p);
	return page_close(c, ask, &pg, p);
}

static enum outcome attachment_get_once(const struct svc_ctx *ctx, const struct register_ask *ask,
                                        const char *case_number, long long copy_id,
                                        struct register_pdf *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	struct register_page pg;
	PGconn *c;
	enum outcome o = page_open(ctx, ask, &pg, &c, NULL, BIP_PAGE_NONE, p);
	if (o != OUT_OK || (o = page_begin(c, p)) != OUT_OK)
		return o;
	bool found = false;
	enum db_status st = register_attachment(c, ctx->arena, pg.org.id, case_number, copy_id,
	                                        &out->pdf, &out->len, out->sha256, &found);
	if (st != DB_OK)
		return page_fail(c, st, p);
	if (!found)
		return page_not_found(c, "Taki załącznik nie jest opublikowany.", p);
	return page_close(c, ask, &pg, p);
}

/* A page of one query after the freshness question (feed, sitemap). */
typedef enum db_status (*list_query)(PGconn *c, arena_t *a, long long org_id, int limit,
                                     json_t **out);

static enum outcome one_query_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   list_query q, int limit, struct register_page *pg,
                                   json_t **out, struct problem *p)
{
	*out = NULL;
	PGconn *c;
	enum outcome o = page_open_register(ctx, ask, pg, &c, BIP_PAGE_NONE, p);
	if (o != OUT_OK || client_fresh(c, ask, pg, &o, p) || (o = page_begin(c, p)) != OUT_OK)
		return o;
	enum db_status st = q(c, ctx->arena, pg->org.id, limit, out);
	o = st == DB_OK ? page_close(c, ask, pg, p) : page_fail(c, st, p);
	if (o != OUT_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return o;
}

static enum outcome feed_page_once(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   int limit, struct register_page *pg, json_t **feed,
                                   struct problem *p)
{
	return one_query_page(ctx, ask, register_feed, limit, pg, feed, p);
}

static enum outcome sitemap_page_once(const struct svc_ctx *ctx, const struct register_ask *ask,
                                      long long offset, int limit, struct register_page *pg,
                                      long long *count, json_t **items, struct problem *p)
{
	*count = 0;
	*items = NULL;
	PGconn *c;
	enum outcome o = page_open_register(ctx, ask, pg, &c, BIP_PAGE_NONE, p);
	if (o != OUT_OK || client_fresh(c, ask, pg, &o, p) || (o = page_begin(c, p)) != OUT_OK)
		return o;
	enum db_status st = register_sitemap_size(c, pg->org.id, count);
	if (st == DB_OK && limit > 0)
		st = register_sitemap(c, pg->org.id, offset, limit, items);
	o = st == DB_OK ? page_close(c, ask, pg, p) : page_fail(c, st, p);
	if (o != OUT_OK) {
		json_decref(*items);
		*items = NULL;
	}
	return o;
}

/* The first snapshot, before the very first look answers. */
static void refresh_stats_now(void)
{
	PGconn *c = db_conn();
	if (!c || register_stats_refresh(c, REGISTER_STATS_MAX_AGE) != DB_OK)
		log_warn("the register's statistics were not refreshed");
}

static enum outcome stats_page_once(const struct svc_ctx *ctx, const struct register_ask *ask,
                                    struct register_page *pg, json_t **stats, struct problem *p)
{
	*stats = NULL;
	PGconn *c;
	enum outcome o = page_open_register(ctx, ask, pg, &c, BIP_PAGE_REGISTER, p);
	if (o != OUT_OK || (o = page_begin(c, p)) != OUT_OK)
		return o;
	enum db_status st = register_stats(c, ctx->arena, pg->org.id, stats);
	if (st == DB_OK && json_is_true(json_object_get(*stats, "never"))) {
		/* The very first look waits for the first snapshot. */
		json_decref(*stats);
		*stats = NULL;
		static const struct register_ask quiet = {0};
		if ((o = page_close(c, &quiet, pg, p)) != OUT_OK)
			return o;
		refresh_stats_now();
		if ((o = page_open_register(ctx, ask, pg, &c, BIP_PAGE_REGISTER, p)) != OUT_OK ||
		    (o = page_begin(c, p)) != OUT_OK)
			return o;
		st = register_stats(c, ctx->arena, pg->org.id, stats);
	} else if (st == DB_OK && json_is_true(json_object_get(*stats, "stale"))) {
		register_stats_kick();
	}
	o = st == DB_OK ? page_close(c, ask, pg, p) : page_fail(c, st, p);
	if (o != OUT_OK) {
		json_decref(*stats);
		*stats = NULL;
		return o;
	}
	json_object_del(*stats, "stale");
	return OUT_OK;
}

static enum outcome catalog_page_once(const struct svc_ctx *ctx, const struct register_ask *ask,
                                      struct register_page *pg, const char **licence,
                                      struct problem *p)
{
	*licence = NULL;
	PGconn *c;
	enum outcome o = page_open_register(ctx, ask, pg, &c, BIP_PAGE_NONE, p);
	if (o != OUT_OK || (o = page_begin(c, p)) != OUT_OK)
		return o;
	enum db_status st = register_licence(c, ctx->arena, pg->org.id, licence);
	return st == DB_OK ? page_close(c, ask, pg, p) : page_fail(c, st, p);
}

static enum outcome procedure_page_once(const struct svc_ctx *ctx, const struct register_ask *ask,
                                        struct register_page *pg, struct register_remedies *out,
                                        struct problem *p)
{
	*out = (struct register_remedies){"appeal", "", NULL};
	PGconn *c;
	/* The page shows no change of the register (its own text); its change
	 * register is that of the settings it shows. */
	enum outcome o = page_open(ctx, ask, pg, &c, NULL, BIP_PAGE_PROCEDURE, p);
	if (o != OUT_OK || (o = page_begin(c, p)) != OUT_OK)
		return o;
	enum db_status st = register_remedy(c, ctx->arena, pg->org.id, out);
	o = st == DB_OK ? page_close(c, ask, pg, p) : page_fail(c, st, p);
	if (o != OUT_OK) {
		json_decref(out->units);
		out->units = NULL;
	}
	return o;
}

static enum outcome accessibility_page_once(const struct svc_ctx *ctx,
                                            const struct register_ask *ask, const char *site,
                                            struct register_page *pg,
                                            struct a11y_declaration *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	PGconn *c;
	/* The page's stamp is its own: the settings it shows are in its tag. */
	enum outcome o = page_open(ctx, ask, pg, &c, NULL, BIP_PAGE_DECLARATION, p);
	if (o != OUT_OK || (o = page_begin(c, p)) != OUT_OK)
		return o;
	bool found;
	enum db_status st = a11y_read(c, ctx->arena, &pg->org, site, out, &found);
	if (st != DB_OK)
		return page_fail(c, st, p);
	if (!found)
		return page_not_found(c, NULL, p);
	return page_close(c, ask, pg, p);
}

/* ---- The pages ----
 *
 * A page that failed for want of the database (503) is read once more
 * from the start when a replica is configured, on a new connection: the
 * replica it read from may have gone while it read (stopped, or promoted
 * and dropped from HAProxy's replica port), and the new connection
 * reaches one still there, or the primary when none can be reached
 * (db_conn_replica()). A page only reads, as jawnosc_public, and counts
 * its visit once it committed, so reading it again changes nothing, and
 * nothing was answered yet. */
static bool page_again(enum outcome o, struct problem *p)
{
	if (o != OUT_UNAVAILABLE || !db_has_replica())
		return false;
	log_info("register: a page the database failed is read again on a new connection");
	db_close_replica();
	problem_set(p, OUT_OK, NULL, NULL);
	return true;
}

enum outcome register_list_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                const struct register_filter *f, int limit,
                                struct register_page *pg, json_t **list, json_t **options,
                                struct problem *p)
{
	*list = NULL;
	if (options)
		*options = NULL;
	/* Counted once, however often the page is read. */
	enum outcome o = rate_limited(ctx, ask, pg, p);
	if (o != OUT_OK)
		return o;
	o = list_page_once(ctx, ask, f, limit, pg, list, options, p);
	if (page_again(o, p))
		o = list_page_once(ctx, ask, f, limit, pg, list, options, p);
	return o;
}

enum outcome register_item_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                const char *case_number, const char *version,
                                struct register_page *pg, json_t **doc, struct problem *p)
{
	enum outcome o = item_page_once(ctx, ask, case_number, version, pg, doc, p);
	if (page_again(o, p))
		o = item_page_once(ctx, ask, case_number, version, pg, doc, p);
	return o;
}

enum outcome register_document_get(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   const char *case_number, int seq, struct register_pdf *out,
                                   struct problem *p)
{
	enum outcome o = document_get_once(ctx, ask, case_number, seq, out, p);
	if (page_again(o, p))
		o = document_get_once(ctx, ask, case_number, seq, out, p);
	return o;
}

enum outcome register_attachment_get(const struct svc_ctx *ctx, const struct register_ask *ask,
                                     const char *case_number, long long copy_id,
                                     struct register_pdf *out, struct problem *p)
{
	enum outcome o = attachment_get_once(ctx, ask, case_number, copy_id, out, p);
	if (page_again(o, p))
		o = attachment_get_once(ctx, ask, case_number, copy_id, out, p);
	return o;
}

enum outcome register_feed_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                int limit, struct register_page *pg, json_t **feed,
                                struct problem *p)
{
	enum outcome o = feed_page_once(ctx, ask, limit, pg, feed, p);
	if (page_again(o, p))
		o = feed_page_once(ctx, ask, limit, pg, feed, p);
	return o;
}

enum outcome register_sitemap_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   long long offset, int limit, struct register_page *pg,
                                   long long *count, json_t **items, struct problem *p)
{
	enum outcome o = sitemap_page_once(ctx, ask, offset, limit, pg, count, items, p);
	if (page_again(o, p))
		o = sitemap_page_once(ctx, ask, offset, limit, pg, count, items, p);
	return o;
}

enum outcome register_stats_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                 struct register_page *pg, json_t **stats, struct problem *p)
{
	enum outcome o = stats_page_once(ctx, ask, pg, stats, p);
	if (page_again(o, p))
		o = stats_page_once(ctx, ask, pg, stats, p);
	return o;
}

enum outcome register_catalog_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                   struct register_page *pg, const char **licence,
                                   struct problem *p)
{
	enum outcome o = catalog_page_once(ctx, ask, pg, licence, p);
	if (page_again(o, p))
		o = catalog_page_once(ctx, ask, pg, licence, p);
	return o;
}

enum outcome register_procedure_page(const struct svc_ctx *ctx, const struct register_ask *ask,
                                     struct register_page *pg, struct register_remedies *out,
                                     struct problem *p)
{
	enum outcome o = procedure_page_once(ctx, ask, pg, out, p);
	if (page_again(o, p))
		o = procedure_page_once(ctx, ask, pg, out, p);
	return o;
}

enum outcome register_accessibility_page(const struct svc_ctx *ctx,
                                         const struct register_ask *ask, const char *site,
                                         struct register_page *pg,
                                         struct a11y_declaration *out, struct problem *p)
{
	enum outcome o = accessibility_page_once(ctx, ask, site, pg, out, p);
	if (page_again(o, p))
		o = accessibility_page_once(ctx, ask, site, pg, out, p);
	return o;
}
