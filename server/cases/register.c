/* SPDX-License-Identifier: EUPL-1.2 */
/* The public side of the register: every query here runs as the database
 * role jawnosc_public and reads only the register_* views. */
#include "cases/register_query.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/caseview.h"
#include "cases/register_item.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/cache.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "law/lifecycle.h"

#define RFC3339(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define WARSAW(col) "to_char(" col " AT TIME ZONE 'Europe/Warsaw', 'DD.MM.YYYY HH24:MI')"

/* ---- Labels ---------------------------------------------------------------- */

const char *register_kind_label(const char *kind)
{
	if (kind && !strcmp(kind, "reuse"))
		return "ponowne wykorzystywanie";
	return "informacja publiczna";
}

const char *register_outcome_label(const char *outcome, bool no_kpa)
{
	if (!outcome || !*outcome || !strcmp(outcome, "none"))
		return "brak rozstrzygnięcia";
	return caseview_state_label(outcome, no_kpa);
}

/* ---- The transaction ------------------------------------------------------ */

/* Several statements in one round trip (no parameters). */
static enum db_status simple(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	enum db_status st = db_status_of(c, r);
	PQclear(r);
	return st;
}

void register_abort(PGconn *c)
{
	if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE)
		PQclear(PQexec(c, "ROLLBACK"));
}

/* The public transaction's start: reads only (visits are written by the
 * job "visits", cases/register_visits.c), so a replica can answer it, as
 * jawnosc_public, which may read only the register_* views. */
static const char *const public_begin[] = {"BEGIN READ ONLY", "SET LOCAL ROLE jawnosc_public"};
#define PUBLIC_BEGIN_N 2

static bool tx_open(PGconn *c)
{
	return PQtransactionStatus(c) != PQTRANS_IDLE;
}

enum db_status register_open(PGconn *c)
{
	if (tx_open(c))
		return DB_OK;
	enum db_status st = simple(c, "BEGIN READ ONLY; SET LOCAL ROLE jawnosc_public");
	if (st != DB_OK)
		register_abort(c);
	return st;
}

/* ---- What is kept of a body's register ------------------------------------ */

/* The facts of one statement ($1 the organisation): the stamp, the first
 * and last year of receipt of the items listed (two index look-ups), the
 * units as [[symbol, name], ...]. */
static const char facts_sql[] =
    "SELECT (SELECT coalesce((extract(epoch FROM max(changed_at)) * 1000000)::bigint, 0) "
    "FROM register_items WHERE org_id = $1), y.lo, y.hi, "
    "(SELECT coalesce(json_agg(json_build_array(symbol, name) ORDER BY symbol), '[]') "
    "FROM register_units WHERE org_id = $1) "
    "FROM (SELECT coalesce(extract(year FROM min(received_on))::int, 0) AS lo, "
    "coalesce(extract(year FROM max(received_on))::int, 0) AS hi "
    "FROM register_items WHERE org_id = $1 AND NOT withdrawn) y";

/* The kept facts: the units' symbols and names follow, each
 * NUL-terminated, a symbol then its name. */
struct facts_block {
	int64_t stamp_us;
	int year_lo, year_hi, nunits;
	char strings[];
};

static const char *facts_key(arena_t *a, long long org_id)
{
	return arena_printf(a, "F %lld", org_id);
}

/* `b`'s facts into `f`, the strings in `a`. */
static void facts_from_block(arena_t *a, const struct facts_block *b, struct register_facts *f)
{
	f->stamp_us = b->stamp_us;
	f->year_lo = b->year_lo;
	f->year_hi = b->year_hi;
	f->nunits = b->nunits;
	f->unit_symbol = arena_alloc(a, sizeof *f->unit_symbol * (size_t)(b->nunits + 1));
	f->unit_name = arena_alloc(a, sizeof *f->unit_name * (size_t)(b->nunits + 1));
	const char *s = b->strings;
	for (int i = 0; i < b->nunits; i++) {
		f->unit_symbol[i] = arena_strdup(a, s);
		s += strlen(s) + 1;
		f->unit_name[i] = arena_strdup(a, s);
		s += strlen(s) + 1;
	}
}

/* The facts of the statement's row into `f` (in `a`) and a block to keep
 * (NULL when out of memory), its size in *size. */
static struct facts_block *facts_from_row(arena_t *a, const PGresult *r,
                                          struct register_facts *f, size_t *size)
{
	json_t *units = json_loads(PQgetvalue(r, 0, 3), 0, NULL);
	size_t n = json_array_size(units), len = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < 2; k++)
			len += strlen(item_col(json_array_get(units, i), k)) + 1;
	struct facts_block *b = malloc(sizeof *b + len + 1);
	if (b) {
		b->stamp_us = atoll(PQgetvalue(r, 0, 0));
		b->year_lo = atoi(PQgetvalue(r, 0, 1));
		b->year_hi = atoi(PQgetvalue(r, 0, 2));
		b->nunits = (int)n;
		char *at = b->strings;
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < 2; k++) {
				const char *v = item_col(json_array_get(units, i), k);
				size_t m = strlen(v) + 1;
				memcpy(at, v, m);
				at += m;
			}
		*size = sizeof *b + len;
		facts_from_block(a, b, f);
	}
	json_decref(units);
	return b;
}

/* The body's facts: kept, or read in the public transaction (opened with
 * the statement, in one round trip, when none is open) and kept. */
static enum db_status facts_get(PGconn *c, arena_t *a, long long org_id, uint64_t mark,
                                struct register_facts *f)
{
	memset(f, 0, sizeof *f);
	const char *key = facts_key(a, org_id);
	struct cache_hit hit;
	if (cache_get(key, &hit)) {
		facts_from_block(a, hit.value, f);
		cache_release(&hit);
		return DB_OK;
	}
	struct db_params p = {.n = 0};
	db_param_int(&p, org_id);
	struct db_stmt q = {facts_sql, p.n, p.v, NULL, NULL, NULL};
	enum db_status st =
	    db_pipeline_read(c, public_begin, tx_open(c) ? 0 : PUBLIC_BEGIN_N, &q, 1, false);
	if (st == DB_OK && PQntuples(q.result) == 1) {
		size_t size = 0;
		struct facts_block *b = facts_from_row(a, q.result, f, &size);
		char tag[ORG_TAG_LEN];
		if (!b)
			st = DB_ERROR;
		else
			cache_put(key, org_tag(tag, org_id), mark, org_kept_ttl(), b, size, free);
	} else if (st == DB_OK) {
		st = DB_ERROR;
	}
	PQclear(q.result);
	return st;
}

enum db_status register_begin(PGconn *c, arena_t *a, const char *host, uint64_t mark,
                              struct org *org, struct register_facts *facts, bool *found)
{
	*found = false;
	if (facts)
		memset(facts, 0, sizeof *facts);
	/* What arrived first makes the kept copies stale. */
	cache_sync();
	enum db_status st = DB_OK;
	if (!org_public_kept(a, host, org, found)) {
		st = register_open(c);
		if (st == DB_OK)
			st = org_for_host(c, a, host, ORG_PUBLIC, org, found);
	}
	if (st == DB_OK && *found && facts) {
		st = facts_get(c, a, org->id, mark, facts);
		org->stamp_us = facts->stamp_us;
	}
	if (st != DB_OK || !*found)
		register_abort(c);
	return st;
}

enum db_status register_end(PGconn *c, long long org_id, const char *path, long long *visits)
{
	*visits = 0;
	if (!tx_open(c))
		return DB_OK;
	char org[24];
	snprintf(org, sizeof org, "%lld", org_id);
	const char *p[2] = {org, path};
	struct db_stmt q = {"SELECT count FROM page_visits WHERE org_id = $1 AND path = $2", 2, p,
	                    NULL, NULL, NULL};
	/* The count and the commit in one round trip. */
	enum db_status st = db_pipeline_read(c, NULL, 0, &q, path ? 1 : 0, true);
	if (st == DB_OK && path && PQntuples(q.result) == 1)
		*visits = atoll(PQgetvalue(q.result, 0, 0));
	PQclear(q.result);
	if (st != DB_OK)
		register_abort(c);
	return st;
}

enum db_status register_remedy(PGconn *c, arena_t *a, long long org_id,
                               struct register_remedies *out)
{
	*out = (struct register_remedies){"appeal", "", NULL};
	char org[24];
	snprintf(org, sizeof org, "%lld", org_id);
	const char *p[1] = {org};
	enum db_status st;
	/* Issue 20 item 8: a unit's own remedy and appeal body, where it has
	 * one that differs (NULL is the organisation's, as in the letters:
	 * cases/letters.c); an appeal body matters only under an appeal. A body
	 * that is not an organ of public authority has none (UDIP art. 17). */
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT " STORE_REMEDY_SQL("o", "NULL") ", o.appeal_body, "
	    "coalesce((SELECT json_agg(json_build_object('symbol', u.symbol, 'name', u.name, "
	    "'remedy', " STORE_REMEDY_SQL("o", "u.remedy") ", 'appeal_body', "
	    "coalesce(u.appeal_body, o.appeal_body)) ORDER BY u.symbol) "
	    "FROM register_units u WHERE u.org_id = o.id AND o.public_authority "
	    "AND (u.remedy <> o.policy_remedy OR (coalesce(u.remedy, o.policy_remedy) = 'appeal' "
	    "AND u.appeal_body <> o.appeal_body))), '[]') "
	    "FROM register_organisations o WHERE o.id = $1",
	    1, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		out->remedy = arena_strdup(a, PQgetvalue(r, 0, 0));
		out->appeal_body = arena_strdup(a, PQgetvalue(r, 0, 1));
		out->units = json_loads(PQgetvalue(r, 0, 2), 0, NULL);
	}
	PQclear(r);
	if (!json_is_array(out->units)) {
		json_decref(out->units);
		out->units = json_array();
	}
	return st;
}

/* ---- The list ------------------------------------------------------------- */

static json_t *nullable(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *list_item(const PGresult *r, int i, const struct org *org)
{
#define V(k) PQgetvalue(r, i, k)
	char path[400];
	snprintf(path, sizeof path, "/rejestr/%s", V(1));
	const char *outcome = V(8);
	json_t *it =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "case_number", V(1),
	              "path", path, "received_on", V(2), "kind", V(3), "kind_label",
	              register_kind_label(V(3)), "unit", V(4), "unit_name", V(5), "subject", V(6),
	              "state", V(7), "state_label", caseview_state_label(V(7), org_no_kpa(org, V(3))));
	json_object_set_new(it, "outcome", nullable(outcome));
	json_object_set_new(it, "outcome_label",
	                    json_string(register_outcome_label(outcome, org_no_kpa(org, V(3)))));
	json_object_set_new(it, "closed_on", nullable(V(9)));
	json_object_set_new(it, "legal_basis", json_string(V(10)));
	json_object_set_new(it, "answer", json_string(V(11)));
	json_object_set_new(it, "version", json_string(V(12)));
	json_object_set_new(it, "first_published_at", json_string(V(13)));
	json_object_set_new(it, "updated_at", json_string(V(14)));
#undef V
	return it;
}

/* Search (docs/register.md, "Search"). search_query() (migration 0045)
 * turns the words into a tsquery of their basic forms (the Polish
 * dictionary), prefixes for words it does not know and case-number parts;
 * the body's matches come from one scan of the composite index
 * (org_id, words) and are ordered by relevance (search_score()), the
 * newest first among equals, in keyset pages over (score, received_on,
 * id). Only when the words match nothing at all is the search made again
 * with words within a letter of the typed ones (search_query(..., true)).
 * A GIN search over words in most of a big body's entries can take long,
 * so it has SEARCH_TIMEOUT_MS; past it the page ranks only the newest
 * SEARCH_WINDOW rows of the filters and says so (approximate). A text with
 * no letter or digit is looked for literally in the newest rows.
 *
 * The tsquery is made inside the page's statement, and the statement is
 * prepared once per connection (db_exec(): one text per combination of
 * filters), so a search is one round trip with nothing planned
 * (db_exec_limited() sends the time limit with it). Its plan is the
 * generic one: the index (org_id, words) for any words, since the
 * tsquery is not known when it is planned. */
#define SEARCH_WINDOW 2000
#define SEARCH_TIMEOUT_MS 1500

enum page_plan {
	PLAN_PLAIN,
	PLAN_WORDS,
	PLAN_RECENT_WORDS,
	PLAN_RECENT_LITERAL,
};

/* What a ranked plan looks for: the words `q` as search_query() makes
 * them; with `typos`, the words within a letter of them instead, and
 * nothing when that gives `plain` again (the tsquery, as text, of the
 * words as typed). */
struct words {
	const char *q;
	bool typos;
	const char *plain;
};

/* The columns of a page's rows. A ranked plan's statement answers one row
 * with a NULL id when nothing matched, and in it (COL_TSQUERY) the
 * tsquery as text, NULL when the words made none. */
enum { COL_ID = 0, COL_RECEIVED = 2, COL_SCORE = 15, COL_TSQUERY = 16 };

/* The WHERE clause of the filters over register_index i (not the words);
 * the date keyset too unless the page is ranked (`ranked`: the keyset is
 * then on the score, search_keyset()). */
static void filter_sql(strbuf_t *sql, struct db_params *p, const struct register_filter *f,
                       bool ranked)
{
	if (f->year > 0) {
		/* A range of received_on, so the list's index serves it. */
		int y = db_param_int(p, f->year);
		sb_printf(sql,
		          " AND i.received_on >= make_date($%d::int, 1, 1) "
		          "AND i.received_on < make_date($%d::int + 1, 1, 1)",
		          y, y);
	}
	if (f->kind)
		sb_printf(sql, " AND i.kind = $%d", db_param(p, f->kind));
	if (f->outcome)
		sb_printf(sql, " AND i.outcome = $%d",
		          db_param(p, strcmp(f->outcome, "none") ? f->outcome : ""));
	if (f->unit)
		sb_printf(
		    sql,
		    " AND i.unit_id = (SELECT u.id FROM register_units u WHERE u.org_id = $1 AND "
		    "u.symbol = $%d)",
		    db_param(p, f->unit));
	if (f->after_date && !ranked) {
		int d = db_param(p, f->after_date);
		int id = db_param_int(p, f->after_id);
		sb_printf(sql, " AND (i.received_on, i.id) < ($%d::date, $%d::bigint)", d, id);
	}
}

/* The keyset of a ranked page over the rows of `alias`. */
static void search_keyset(strbuf_t *sql, struct db_params *p, const struct register_filter *f,
                          const char *alias)
{
	if (!f->after_date || !f->ranked_after)
		return;
	int s = db_param_int(p, f->after_score);
	int d = db_param(p, f->after_date);
	int id = db_param_int(p, f->after_id);
	sb_printf(sql, " WHERE (%s.score, %s.received_on, %s.id) < ($%d::int, $%d::date, $%d::bigint)",
	          alias, alias, alias, s, d, id);
}

/* The CTE q of a ranked plan: its tsquery, t (NULL: none). */
static void words_sql(strbuf_t *sql, struct db_params *p, const struct words *w)
{
	int q = db_param(p, w->q);
	if (!w->typos) {
		sb_printf(sql, "WITH q AS MATERIALIZED (SELECT search_query($%d, true, false) AS t), ", q);
		return;
	}
	int plain = db_param(p, w->plain);
	sb_printf(sql,
	          "WITH q AS MATERIALIZED (SELECT CASE WHEN x.n::text <> $%d THEN x.n END AS t "
	          "FROM (SELECT search_query($%d, true, true) AS n) x), ",
	          plain, q);
}

/* One query: the page's ids from register_index, then their rows from
 * register_entries. `w`: the words of the ranked plans. With `timed_out`,
 * under SEARCH_TIMEOUT_MS: NULL and *timed_out when it took longer (the
 * transaction goes on). */
static PGresult *page_query(PGconn *c, arena_t *a, long long org_id,
                            const struct register_filter *f, int limit, enum page_plan plan,
                            const struct words *w, enum db_status *st, bool *timed_out)
{
	strbuf_t sql;
	sb_init(&sql, a);
	struct db_params p = {.n = 0};
	db_param_int(&p, org_id);
	bool ranked = plan == PLAN_WORDS || plan == PLAN_RECENT_WORDS;
	if (ranked)
		words_sql(&sql, &p, w);
	else
		sb_puts(&sql, "WITH ");
	switch (plan) {
	case PLAN_WORDS:
		/* Every match of the body through the composite GIN index
		 * (org_id, words), unordered (an ORDER BY here would tempt the
		 * planner to walk the date index), ranked, then the page. */
		sb_puts(&sql,
		        "m AS MATERIALIZED (SELECT i.id, i.received_on, "
		        "search_score(i.words, (SELECT q.t FROM q)) AS score FROM register_index i "
		        "WHERE i.org_id = $1 AND i.words @@ (SELECT q.t FROM q)");
		filter_sql(&sql, &p, f, true);
		sb_puts(&sql, "), page AS MATERIALIZED (SELECT m.id, m.received_on, m.score FROM m");
		search_keyset(&sql, &p, f, "m");
		sb_printf(&sql, " ORDER BY m.score DESC, m.received_on DESC, m.id DESC LIMIT %d",
		          limit + 1);
		break;
	case PLAN_RECENT_WORDS:
		sb_puts(&sql,
		        "w AS MATERIALIZED (SELECT i.id, i.received_on, i.words FROM register_index i "
		        "WHERE i.org_id = $1");
		filter_sql(&sql, &p, f, true);
		sb_printf(&sql,
		          " ORDER BY i.received_on DESC, i.id DESC LIMIT %d), "
		          "m AS (SELECT w.id, w.received_on, search_score(w.words, (SELECT q.t FROM q)) "
		          "AS score FROM w WHERE w.words @@ (SELECT q.t FROM q)), "
		          "page AS MATERIALIZED (SELECT m.id, m.received_on, m.score FROM m",
		          SEARCH_WINDOW + limit);
		search_keyset(&sql, &p, f, "m");
		sb_printf(&sql, " ORDER BY m.score DESC, m.received_on DESC, m.id DESC LIMIT %d",
		          limit + 1);
		break;
	case PLAN_RECENT_LITERAL: {
		sb_puts(&sql,
		        "page AS MATERIALIZED (SELECT w.id, w.received_on, 0 AS score FROM ("
		        "SELECT i.id, i.received_on, i.subject_folded FROM register_index i "
		        "WHERE i.org_id = $1");
		filter_sql(&sql, &p, f, false);
		int q = db_param(&p, f->q);
		/* strpos(), not LIKE: '%', '_' and '\' are the text itself. */
		sb_printf(&sql,
		          " ORDER BY i.received_on DESC, i.id DESC LIMIT %d) w "
		          "WHERE strpos(w.subject_folded, register_fold($%d)) > 0 "
		          "ORDER BY w.received_on DESC, w.id DESC LIMIT %d",
		          SEARCH_WINDOW + limit, q, limit + 1);
		break;
	}
	case PLAN_PLAIN:
		sb_puts(&sql,
		        "page AS MATERIALIZED (SELECT i.id, i.received_on, 0 AS score "
		        "FROM register_index i WHERE i.org_id = $1");
		filter_sql(&sql, &p, f, false);
		sb_printf(&sql, " ORDER BY i.received_on DESC, i.id DESC LIMIT %d", limit + 1);
		break;
	}
	sb_puts(
	    &sql,
	    ") SELECT e.id, e.case_number, e.received_on::text, e.kind, e.unit_symbol, "
	    "e.unit_name, "
	    "e.public_subject, e.state, e.outcome, coalesce(e.closed_on::text, ''), e.legal_basis, "
	    "e.answer, e.version, " RFC3339("e.first_published_at") ", " RFC3339(
	        "e.version_published_at") ", page.score");
	/* A ranked plan answers a row even when nothing matched (COL_TSQUERY). */
	sb_puts(&sql, ranked ? ", CASE WHEN page.id IS NULL THEN q.t::text END FROM q LEFT JOIN "
	                       "(page JOIN register_entries e ON e.id = page.id) ON true"
	                     : " FROM page JOIN register_entries e ON e.id = page.id");
	sb_puts(&sql, " ORDER BY page.score DESC, page.received_on DESC, page.id DESC");
	if (timed_out)
		return db_exec_limited(c, st, sql.data, p.n, p.v, SEARCH_TIMEOUT_MS, timed_out);
	return db_exec(c, st, sql.data, p.n, p.v);
}

/* Whether a page's rows are the one row that says nothing matched. */
static bool matchless(const PGresult *r)
{
	return PQntuples(r) == 1 && PQgetisnull(r, 0, COL_ID);
}

/* One ranked search: the whole body under the time limit, else its newest
 * rows (*approximate). */
static PGresult *ranked_query(PGconn *c, arena_t *a, long long org_id,
                              const struct register_filter *f, int limit, const struct words *w,
                              enum db_status *st, bool *approximate)
{
	bool timed_out;
	PGresult *r = page_query(c, a, org_id, f, limit, PLAN_WORDS, w, st, &timed_out);
	if (!timed_out)
		return r;
	if (*st != DB_OK)
		return PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
	*approximate = true;
	return page_query(c, a, org_id, f, limit, PLAN_RECENT_WORDS, w, st, NULL);
}

/* The search's pages: see SEARCH_WINDOW. */
static PGresult *search_query(PGconn *c, arena_t *a, long long org_id,
                              const struct register_filter *f, int limit, enum db_status *st,
                              bool *approximate, bool *literal, bool *similar)
{
	*approximate = *literal = *similar = false;
	struct words typed = {f->q, false, NULL};
	PGresult *r = ranked_query(c, a, org_id, f, limit, &typed, st, approximate);
	if (*st != DB_OK || *approximate || !matchless(r))
		return r;
	/* Nothing matched: the text has no word (no letter or digit), or its
	 * words match nothing on any page (a keyset page of a match has a
	 * row): then try words within a letter of them. */
	const char *tsq =
	    PQgetisnull(r, 0, COL_TSQUERY) ? NULL : arena_strdup(a, PQgetvalue(r, 0, COL_TSQUERY));
	PQclear(r);
	*literal = !tsq;
	if (*literal)
		return page_query(c, a, org_id, f, limit, PLAN_RECENT_LITERAL, NULL, st, NULL);
	struct words near = {f->q, true, tsq};
	r = ranked_query(c, a, org_id, f, limit, &near, st, approximate);
	/* Similar words were looked for unless there were none other than
	 * the typed ones (no tsquery in the row that says nothing matched). */
	*similar = *st == DB_OK && (*approximate || !matchless(r) || !PQgetisnull(r, 0, COL_TSQUERY));
	return r;
}

enum db_status register_list(PGconn *c, arena_t *a, const struct org *org,
                             const struct register_filter *f, int limit, json_t **out)
{
	long long org_id = org->id;
	enum db_status st;
	bool approximate = false, literal = false, similar = false;
	PGresult *r = f->q && *f->q ? search_query(c, a, org_id, f, limit, &st, &approximate,
	                                           &literal, &similar)
	                            : page_query(c, a, org_id, f, limit, PLAN_PLAIN, NULL, &st, NULL);
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	json_t *items = json_array();
	int rows = matchless(r) ? 0 : PQntuples(r);
	for (int i = 0; i < rows && i < limit; i++)
		json_array_append_new(items, list_item(r, i, org));
	json_t *doc = json_pack("{s:o, s:b, s:b, s:b}", "items", items, "approximate", approximate,
	                        "literal", literal, "similar", similar);
	if (rows > limit) {
		json_t *next = json_pack("{s:s, s:s}", "date", PQgetvalue(r, limit - 1, COL_RECEIVED),
		                         "id", PQgetvalue(r, limit - 1, COL_ID));
		/* A ranked page goes on from the last row's score too. */
		if (f->q && *f->q && !literal)
			json_object_set_new(next, "score", json_string(PQgetvalue(r, limit - 1, COL_SCORE)));
		json_object_set_new(doc, "next", next);
	}
	PQclear(r);
	*out = doc;
	return DB_OK;
}

static json_t *option(const char *id, const char *label, const char *selected)
{
	return json_pack("{s:s, s:s, s:b}", "id", id, "label", label, "selected",
	                 selected && !strcmp(selected, id));
}

json_t *register_filter_options(arena_t *a, const struct register_facts *facts,
                                const struct register_filter *f)
{
	json_t *doc = json_object(), *years = json_array();
	int lo = facts->year_lo, hi = facts->year_hi;
	for (int y = hi; lo > 0 && y >= lo && y > hi - 100; y--) {
		char ys[8];
		snprintf(ys, sizeof ys, "%d", y);
		json_array_append_new(years, json_pack("{s:s, s:b}", "id", ys, "selected", f->year == y));
	}
	json_object_set_new(doc, "years", years);
	json_t *units = json_array();
	for (int i = 0; i < facts->nunits; i++)
		json_array_append_new(units, option(facts->unit_symbol[i],
		                                    arena_printf(a, "%s — %s", facts->unit_symbol[i],
		                                                 facts->unit_name[i]),
		                                    f->unit));
	json_object_set_new(doc, "units", units);
	json_t *outcomes = json_array();
	for (int s = 0; s < LAW_STATE_COUNT; s++)
		if (law_states[s].closed && s != LAW_STATE_CLOSED_FINAL)
			json_array_append_new(
			    outcomes, option(law_states[s].id, law_states[s].label, f->outcome));
	json_array_append_new(outcomes, option("none", register_outcome_label("none", false), f->outcome));
	json_object_set_new(doc, "outcomes", outcomes);
	json_t *kinds = json_array();
	json_array_append_new(kinds, option("public_information",
	                                    register_kind_label("public_information"), f->kind));
	json_array_append_new(kinds, option("reuse", register_kind_label("reuse"), f->kind));
	json_object_set_new(doc, "kinds", kinds);
	return doc;
}

/* ---- One item ------------------------------------------------------------- */

/* Columns of a version in the statement's "versions". */
enum {
	V_ID,
	V_VERSION,
	V_WITHDRAWN,
	V_READABLE,
	V_TITLE,
	V_PRODUCED_BY,
	V_RESPONSIBLE,
	V_PRODUCED_ON,
	V_WHO,
	V_AT,
	V_SUBJECT,
	V_ANSWER,
	V_OUTCOME,
	V_BASIS,
	V_NOTE
};

/* The item's page in one statement: $1 the organisation, $2 the case
 * number, $3 the version shown (NULL: the current one), $4 the page whose
 * visits are counted (NULL: none). One row when the item exists: its
 * stamp, the page's visits so far, and one JSON object: "withdrawn",
 * "current" (the current version's id), "shown" (the shown version's id;
 * null when $3 names none), "versions" (each as the V_ columns, newest
 * first) and "item" (ITEM_JSON of the shown version). */
static const char item_sql[] =
    "WITH i AS (SELECT id, withdrawn, version_id, changed_at FROM register_items "
    "WHERE org_id = $1 AND case_number = $2), "
    "v AS (SELECT v.* FROM register_versions v JOIN i ON v.publication_id = i.id), "
    "s AS (SELECT CASE WHEN $3::text IS NULL THEN i.version_id "
    "ELSE (SELECT v.id FROM v WHERE v.version = $3::text) END AS id FROM i) "
    "SELECT (extract(epoch FROM i.changed_at) * 1000000)::bigint, "
    "coalesce((SELECT count FROM page_visits WHERE org_id = $1 AND path = $4::text), 0), "
    "json_build_object('withdrawn', i.withdrawn, 'current', i.version_id, 'shown', s.id, "
    "'versions', (SELECT json_agg(json_build_array(v.id, v.version, v.withdrawn, v.readable, "
    "v.title, v.produced_by, v.responsible, to_char(v.produced_on, 'DD.MM.YYYY'), "
    "v.entered_by_name, " WARSAW("v.published_at") ", v.public_subject, v.answer, v.outcome, "
    "v.legal_basis, v.note) ORDER BY v.id DESC) FROM v), "
    "'item', " ITEM_JSON("register", "publication_id", "i.id", "version_id = s.id",
                         "version_id = s.id", "position") ") "
    "FROM i, s";

static json_t *change_register(const json_t *versions, const char *path, size_t shown)
{
	json_t *list = json_array();
	size_t i;
	const json_t *v;
	json_array_foreach(versions, i, v) {
		bool readable = json_is_true(json_array_get(v, V_READABLE));
		bool withdrawal = json_is_true(json_array_get(v, V_WITHDRAWN));
		const char *title = json_is_string(json_array_get(v, V_TITLE))
		                        ? item_col(v, V_TITLE)
		                        : "(treść wycofana z publikacji)";
		json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "title", title, "version",
		                      item_col(v, V_VERSION), "date", item_col(v, V_AT), "who",
		                      item_col(v, V_WHO), "withdrawal", withdrawal, "shown", i == shown);
		char url[512] = "";
		if (readable && i != shown)
			snprintf(url, sizeof url, "%s/wersja/%s", path, item_col(v, V_VERSION));
		json_object_set_new(e, "url", json_string(url));
		json_object_set_new(e, "note", json_string(item_col(v, V_NOTE)));
		json_array_append_new(list, e);
	}
	return list;
}

/* The position in `versions` of the version whose id is `id` (a JSON
 * number; null finds none); -1 when none has it. */
static long version_at(const json_t *versions, const json_t *id)
{
	size_t i;
	const json_t *v;
	json_array_foreach(versions, i, v)
		if (json_is_integer(id) &&
		    json_integer_value(json_array_get(v, V_ID)) == json_integer_value(id))
			return (long)i;
	return -1;
}

/* The page's document from the statement's object `row`; NULL when the
 * version asked for is not one of the item's. */
static json_t *item_doc(arena_t *a, const struct org *org, const char *case_number,
                        const json_t *row)
{
	const json_t *vs = json_object_get(row, "versions");
	long shown = version_at(vs, json_object_get(row, "shown"));
	long ncur = version_at(vs, json_object_get(row, "current"));
	if (shown < 0 || ncur < 0)
		return NULL;
	const json_t *sv = json_array_get(vs, (size_t)shown);
	const json_t *first = json_array_get(vs, json_array_size(vs) - 1);
	const json_t *last = json_array_get(vs, 0);
	bool withdrawn = json_is_true(json_object_get(row, "withdrawn"));
	bool readable = json_is_true(json_array_get(sv, V_READABLE));
	char path[400];
	snprintf(path, sizeof path, "/rejestr/%s", case_number);
	json_t *doc = json_pack("{s:s, s:s, s:b, s:b, s:b, s:s, s:s}", "case_number", case_number,
	                        "path", path, "withdrawn", withdrawn, "hidden",
	                        !withdrawn && !readable, "old", shown != ncur, "current_version",
	                        item_col(json_array_get(vs, (size_t)ncur), V_VERSION),
	                        "shown_version", item_col(sv, V_VERSION));
	/* The BIP metadata (UDIP art. 8 ust. 3; the seed page's footer) of
	 * what is shown; the first publication and the change register are
	 * the item's. */
	json_t *bip = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "publisher", org->name,
	    "producer", item_col(sv, V_PRODUCED_BY), "responsible", item_col(sv, V_RESPONSIBLE),
	    "entered_by", item_col(sv, V_WHO), "produced_at", item_col(sv, V_PRODUCED_ON),
	    "published_at",
	    arena_printf(a, "%s %s", item_col(first, V_AT), item_col(first, V_WHO)), "changed_at",
	    arena_printf(a, "%s %s", item_col(last, V_AT), item_col(last, V_WHO)), "version",
	    item_col(sv, V_VERSION), "title", item_col(sv, V_TITLE), "has_versions", 1);
	json_object_set_new(bip, "versions", change_register(vs, path, (size_t)shown));
	json_object_set_new(doc, "bip", bip);
	if (withdrawn || !readable)
		return doc;
	struct item_content content = {
	    .subject = item_col(sv, V_SUBJECT),
	    .answer = item_col(sv, V_ANSWER),
	    .legal_basis = item_col(sv, V_BASIS),
	    .outcome = item_col(sv, V_OUTCOME),
	    /* The facts' kind (register_item.h). */
	    .no_kpa = org_no_kpa(org, item_col(json_array_get(json_object_get(row, "item"), 0), 1)),
	};
	/* Only the current version's documents can be downloaded; an old
	 * version lists what it published. */
	json_t *item = item_from_rows(json_object_get(row, "item"), &content, shown == ncur);
	if (item)
		json_object_set_new(doc, "item", item);
	return doc;
}

enum db_status register_item(PGconn *c, arena_t *a, const struct org *org,
                             const char *case_number, const char *version,
                             const char *visit_path, struct register_item_read *out)
{
	memset(out, 0, sizeof *out);
	struct db_params p = {.n = 0};
	db_param_int(&p, org->id);
	db_param(&p, case_number);
	db_param(&p, version);
	db_param(&p, visit_path);
	/* The statement and the commit, with the transaction's start when
	 * none is open: one round trip. */
	struct db_stmt q = {item_sql, p.n, p.v, NULL, NULL, NULL};
	enum db_status st =
	    db_pipeline_read(c, public_begin, tx_open(c) ? 0 : PUBLIC_BEGIN_N, &q, 1, true);
	PGresult *r = q.result;
	if (st != DB_OK || PQntuples(r) != 1) {
		PQclear(r);
		return st;
	}
	out->found = true;
	out->stamp_us = atoll(PQgetvalue(r, 0, 0));
	out->visits = atoll(PQgetvalue(r, 0, 1));
	json_t *row = json_loadb(PQgetvalue(r, 0, 2), (size_t)PQgetlength(r, 0, 2), 0, NULL);
	PQclear(r);
	if (!row)
		return DB_ERROR;
	out->doc = item_doc(a, org, case_number, row);
	json_decref(row);
	return DB_OK;
}

/* The PDF and SHA-256 of the one row `sql` finds ($1 the organisation, $2
 * the case number, $3 the document's or copy's number). */
static enum db_status public_pdf(PGconn *c, arena_t *a, const char *sql, long long org_id,
                                 const char *case_number, long long n, const char **pdf,
                                 size_t *len, char sha_hex[65], bool *found)
{
	*found = false;
	struct db_params p = {.n = 0};
	db_param_int(&p, org_id);
	db_param(&p, case_number);
	db_param_int(&p, n);
	PGresult *r = PQexecParams(c, sql, p.n, NULL, p.v, NULL, NULL, 1 /* binary */);
	enum db_status st = db_status_of(c, r);
	if (st == DB_OK && PQntuples(r) == 1) {
		*found = true;
		*pdf = db_value_copy(a, r, 0, 0, len);
		sha_hex[0] = '\0';
		if (PQgetlength(r, 0, 1) == 32)
			sodium_bin2hex(sha_hex, 65, (const unsigned char *)PQgetvalue(r, 0, 1), 32);
	}
	PQclear(r);
	return st;
}

enum db_status register_document(PGconn *c, arena_t *a, long long org_id, const char *case_number,
                                 int seq, const char **pdf, size_t *len, char sha_hex[65],
                                 bool *found)
{
	return public_pdf(c, a,
	                  "SELECT d.pdf, d.sha256 FROM register_documents d "
	                  "JOIN register_items i ON i.id = d.publication_id "
	                  "WHERE i.org_id = $1 AND i.case_number = $2 AND d.seq = $3 "
	                  "AND d.current AND d.pdf IS NOT NULL",
	                  org_id, case_number, seq, pdf, len, sha_hex, found);
}

enum db_status register_attachment(PGconn *c, arena_t *a, long long org_id,
                                   const char *case_number, long long copy_id, const char **pdf,
                                   size_t *len, char sha_hex[65], bool *found)
{
	/* Only the public copy: register_attachments has no other PDF. */
	return public_pdf(c, a,
	                  "SELECT d.pdf, d.sha256 FROM register_attachments d "
	                  "JOIN register_items i ON i.id = d.publication_id "
	                  "WHERE i.org_id = $1 AND i.case_number = $2 AND d.id = $3 "
	                  "AND d.current",
	                  org_id, case_number, copy_id, pdf, len, sha_hex, found);
}

/* ---- Feed, statistics, sitemap --------------------------------------------- */

/* The body's first `limit` rows of `sql` ($1 the organisation, $2 the
 * limit), as svc_rows() gives them. */
static enum db_status org_rows(PGconn *c, const char *sql, long long org_id, int limit,
                               json_t **out)
{
	struct db_params p = {.n = 0};
	db_param_int(&p, org_id);
	db_param_int(&p, limit);
	return svc_rows(c, sql, p.n, p.v, out);
}

enum db_status register_feed(PGconn *c, arena_t *a, long long org_id, int limit, json_t **out)
{
	(void)a;
	return org_rows(c,
	                "SELECT v.case_number, v.version, v.title, v.public_subject AS subject, "
	                "v.answer, " RFC3339("v.published_at") " AS published_at, "
	                RFC3339("i.first_published_at") " AS first_published_at, "
	                "to_char(i.first_published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') "
	                "AS first_published_on, v.entered_by_name AS author "
	                "FROM register_versions v JOIN register_items i ON i.id = v.publication_id "
	                "WHERE v.org_id = $1 AND v.readable ORDER BY v.id DESC LIMIT $2",
	                org_id, limit, out);
}

struct year_acc {
	int year;
	long long requests, closed, counted, on_time, pending;
	long long by_state[LAW_STATE_COUNT];
};

static json_t *year_json(const struct year_acc *y)
{
	json_t *outcomes = json_array();
	for (int s = 0; s < LAW_STATE_COUNT; s++)
		if (y->by_state[s])
			json_array_append_new(outcomes,
			                      json_pack("{s:s, s:s, s:I}", "id", law_states[s].id,
			                                "label", law_states[s].label, "count",
			                                (json_int_t)y->by_state[s]));
	if (y->pending)
		json_array_append_new(outcomes,
		                      json_pack("{s:s, s:s, s:I}", "id", "pending", "label",
		                                "w toku", "count", (json_int_t)y->pending));
	json_t *j = json_pack("{s:i, s:I, s:I, s:I, s:I, s:o}", "year", y->year, "requests",
	                      (json_int_t)y->requests, "closed", (json_int_t)y->closed, "counted",
	                      (json_int_t)y->counted, "on_time", (json_int_t)y->on_time, "outcomes",
	                      outcomes);
	if (y->counted) {
		char pct[16];
		snprintf(pct, sizeof pct, "%.1f", 100.0 * (double)y->on_time / (double)y->counted);
		for (char *q = pct; *q; q++)
			if (*q == '.')
				*q = ','; /* Polish decimal comma */
		json_object_set_new(j, "on_time_percent", json_string(pct));
	}
	return j;
}

enum db_status register_stats(PGconn *c, arena_t *a, long long org_id, json_t **out)
{
	(void)a;
	struct db_params p = {.n = 0};
	db_param_int(&p, org_id);
	enum db_status st;
	PGresult *r =
	    db_exec(c, &st,
	            "SELECT year, state, requests, closed, on_time FROM register_statistics "
	            "WHERE org_id = $1 ORDER BY year DESC, state",
	            p.n, p.v);
	json_t *years = json_array();
	const char *as_of = "";
	bool stale = false, never = false;
	if (st == DB_OK) {
		char age[16];
		snprintf(age, sizeof age, "%d", REGISTER_STATS_MAX_AGE);
		const char *ap[1] = {age};
		PGresult *t = db_exec(
		    c, &st,
		    "SELECT coalesce(" WARSAW(
		        "refreshed_at") ", ''), "
		                        "refreshed_at < now() - make_interval(secs => $1::int), "
		                        "refreshed_at = '-infinity' FROM "
		                        "register_statistics_refreshed",
		    1, ap);
		if (st == DB_OK && PQntuples(t) == 1) {
			as_of = arena_strdup(a, PQgetvalue(t, 0, 0));
			stale = PQgetvalue(t, 0, 1)[0] == 't';
			never = PQgetvalue(t, 0, 2)[0] == 't';
		}
		PQclear(t);
	}
	struct year_acc y = {0};
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		int year = atoi(PQgetvalue(r, i, 0));
		if (year != y.year) {
			if (y.year)
				json_array_append_new(years, year_json(&y));
			memset(&y, 0, sizeof y);
			y.year = year;
		}
		long long n = atoll(PQgetvalue(r, i, 2)), closed = atoll(PQgetvalue(r, i, 3)),
		          on_time = atoll(PQgetvalue(r, i, 4));
		law_state_t s;
		bool is_closed = law_state_from_id(PQgetvalue(r, i, 1), &s) && law_states[s].closed;
		y.requests += n;
		y.closed += closed;
		if (is_closed)
			y.by_state[s] += n;
		else
			y.pending += n;
		/* A withdrawal is the requester's act, not the body's answer. */
		if (!(is_closed && (s == LAW_STATE_WITHDRAWN || s == LAW_STATE_DEEMED_WITHDRAWN))) {
			y.counted += closed;
			y.on_time += on_time;
		}
	}
	if (y.year)
		json_array_append_new(years, year_json(&y));
	PQclear(r);
	*out = json_pack("{s:o, s:s, s:b, s:b}", "years", years, "as_of", as_of, "stale", stale,
	                 "never", never);
	return st;
}

enum db_status register_stats_refresh(PGconn *c, int max_age)
{
	enum db_status st = simple(c, "BEGIN");
	if (st != DB_OK)
		return st;
	char age[16];
	snprintf(age, sizeof age, "%d", max_age);
	const char *p[1] = {age};
	/* One refresher at a time, in the whole cluster of instances. */
	PGresult *r =
	    db_exec(c, &st,
	            "SELECT pg_try_advisory_xact_lock(hashtext('register_statistics')) AND "
	            "(SELECT refreshed_at < now() - make_interval(secs => $1::int) "
	            " FROM register_statistics_refreshed)",
	            1, p);
	bool due = st == DB_OK && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (st == DB_OK && due)
		st = simple(c, "REFRESH MATERIALIZED VIEW CONCURRENTLY register_statistics; "
		               "UPDATE register_statistics_refreshed SET refreshed_at = now()");
	if (st == DB_OK)
		st = simple(c, "COMMIT");
	if (st != DB_OK)
		register_abort(c);
	return st;
}

enum job_result register_stats_job(void)
{
	PGconn *c = db_conn();
	return c && register_stats_refresh(c, REGISTER_STATS_MAX_AGE) == DB_OK ? JOB_DONE
	                                                                        : JOB_FAILED;
}

void register_stats_kick(void)
{
	jobs_kick(REGISTER_STATS_JOB);
}

enum db_status register_licence(PGconn *c, arena_t *a, long long org_id, const char **out)
{
	struct db_params p = {.n = 0};
	db_param_int(&p, org_id);
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT opendata_licence FROM register_organisations WHERE id = $1",
	                      p.n, p.v);
	*out = st == DB_OK && PQntuples(r) == 1 ? arena_strdup(a, PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	return st;
}

enum db_status register_sitemap_size(PGconn *c, long long org_id, long long *count)
{
	struct db_params p = {.n = 0};
	db_param_int(&p, org_id);
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT count(*) FROM register_index WHERE org_id = $1", p.n,
	                      p.v);
	*count = st == DB_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	return st;
}

enum db_status register_sitemap(PGconn *c, long long org_id, long long offset, int limit,
                                json_t **out)
{
	struct db_params p = {.n = 0};
	db_param_int(&p, org_id);
	db_param_int(&p, limit);
	db_param_int(&p, offset);
	/* Oldest first along the list's index: a new item goes at the end, so
	 * the parts before it stay as they were. */
	return svc_rows(c,
	                "SELECT case_number, to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') "
	                "AS lastmod FROM register_items WHERE org_id = $1 AND NOT withdrawn "
	                "ORDER BY received_on, id LIMIT $2 OFFSET $3",
	                p.n, p.v, out);
}
