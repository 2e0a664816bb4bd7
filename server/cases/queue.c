/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/caseview.h"
#include "cases/scope.h"
#include "cases/service.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "law/lifecycle.h"
#include "law/term.h"

static json_t *row_item(const PGresult *r, int i, law_date_t today)
{
	const char *due = PQgetvalue(r, i, 8), *closed = PQgetvalue(r, i, 10);
	law_state_t s;
	const char *state = PQgetvalue(r, i, 4);
	json_t *it = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
	                       (json_int_t)atoll(PQgetvalue(r, i, 0)), "case_number",
	                       PQgetvalue(r, i, 1), "subject", PQgetvalue(r, i, 2), "kind",
	                       PQgetvalue(r, i, 3), "state", state, "state_label",
	                       law_state_from_id(state, &s) ? law_states[s].label : state, "channel",
	                       PQgetvalue(r, i, 5), "received_on", PQgetvalue(r, i, 6), "assignee",
	                       PQgetvalue(r, i, 7), "unit", PQgetvalue(r, i, 9));
	/* Issue 21 item 1: the case waits for the clerk's letter. */
	const char *letter = PQgetvalue(r, i, 12);
	if (*letter)
		json_object_set_new(it, "letter",
		                    json_string(!strcmp(letter, "draft") ? "pismo do wystawienia"
		                                                         : "pismo czeka na wysłanie"));
	law_date_t d;
	if (*due && law_date_parse(due, &d))
		caseview_due(it, d, today);
	else if (*closed)
		json_object_set_new(it, "closed_on", json_string(closed));
	else
		json_object_set_new(it, "waiting", json_true());
	return it;
}

#define QUEUE_WORDS 6
#define QUEUE_WORDS_SQL "6"

/* The case's own text (number, subject, content) is searched through its
 * search vector (requests.search, migration 0045: the words' basic forms,
 * the case number's parts), by the tsqueries search_query() makes, the
 * engine of the public register (docs/register.md, "Search"); the
 * requester's name and e-mail, folded (register_fold: lower case, no
 * diacritics), by LIKE '%word%' on exactly the expression of its trigram
 * index (migration 0043). */
#define REQUESTER_TEXT "register_fold(rq.name || ' ' || rq.email)"

/* The words of `q` (at most QUEUE_WORDS) as parameters of LIKE patterns:
 * '%', '_' and '\' escaped, so they are text. */
static int search_words(arena_t *a, struct db_params *p, const char *q, int *first)
{
	int n = 0;
	for (const char *s = q; *s && n < QUEUE_WORDS;) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (!*s)
			break;
		strbuf_t w;
		sb_init(&w, a);
		for (; *s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r'; s++) {
			if (*s == '%' || *s == '_' || *s == '\\')
				sb_putc(&w, '\\');
			sb_putc(&w, *s);
		}
		int k = db_param(p, w.data);
		if (!n++)
			*first = k;
	}
	return n;
}

/* The tsqueries of a search: of all its words, and of each word (the same
 * words as search_words(), split alike), as a text[] literal; NULL where
 * a word has no letter or digit. With `typos`, words within a letter of
 * the typed ones too (search_query()). */
struct search_tsq {
	const char *all;
	const char *each;
};

static enum db_status search_tsqueries(PGconn *c, arena_t *a, const char *q, bool typos,
                                       struct search_tsq *t)
{
	*t = (struct search_tsq){NULL, NULL};
	const char *p[2] = {q, typos ? "t" : "f"};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT 0, search_query($1, false, $2::boolean)::text UNION ALL "
	    "SELECT n, search_query(w, false, $2::boolean)::text "
	    "FROM regexp_split_to_table(btrim($1, E' \\t\\r\\n'), E'[ \\t\\r\\n]+') "
	    "WITH ORDINALITY AS t(w, n) WHERE w <> '' AND n <= " QUEUE_WORDS_SQL " ORDER BY 1",
	    2, p);
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	strbuf_t each;
	sb_init(&each, a);
	sb_putc(&each, '{');
	for (int i = 0; i < PQntuples(r); i++) {
		bool null = PQgetisnull(r, i, 1);
		const char *v = PQgetvalue(r, i, 1);
		if (i == 0) {
			t->all = null ? NULL : arena_strdup(a, v);
			continue;
		}
		if (i > 1)
			sb_putc(&each, ',');
		if (null) {
			sb_puts(&each, "NULL");
			continue;
		}
		/* An element of an array literal: quoted, '"' and '\' escaped. */
		sb_putc(&each, '"');
		for (; *v; v++) {
			if (*v == '"' || *v == '\\')
				sb_putc(&each, '\\');
			sb_putc(&each, *v);
		}
		sb_putc(&each, '"');
	}
	sb_putc(&each, '}');
	t->each = each.data;
	PQclear(r);
	return DB_OK;
}

/* Every word in the case's own text ("AND"), or each in it or the
 * requester's (`or_requester`). */
static void words_in(strbuf_t *sql, int first, int n, int all, int each, bool or_requester)
{
	if (!or_requester) {
		sb_printf(sql, " AND r.search @@ $%d::tsquery", all);
		return;
	}
	for (int i = 0; i < n; i++)
		sb_printf(sql,
		          " AND (r.search @@ ($%d::text[])[%d]::tsquery OR " REQUESTER_TEXT
		          " LIKE '%%' || register_fold($%d::text) || '%%')",
		          each, i + 1, first + i);
}

static void words_any_requester(strbuf_t *sql, int first, int n)
{
	sb_puts(sql, " AND (");
	for (int i = 0; i < n; i++)
		sb_printf(sql, "%s" REQUESTER_TEXT " LIKE '%%' || register_fold($%d::text) || '%%'",
		          i ? " OR " : "", first + i);
	sb_putc(sql, ')');
}

/* The query of a page: the filters, then the words (when `t` is not NULL:
 * a search, ranked, search_score(), the newest first among equals). */
static void queue_sql(const struct svc_ctx *ctx, const struct queue_filter *f,
                      const struct search_tsq *t, strbuf_t *sql, struct db_params *p)
{
	arena_t *a = ctx->arena;
	law_date_t today_d = caseview_today(ctx->now);
	sb_init(sql, a);
	*p = (struct db_params){.n = 0};
	/* The organisation and the staff member's scope are $1 and $2. */
	db_param_int(p, ctx->who->org_id);
	db_param_int(p, scope_unit(ctx->who));
	strbuf_t where;
	sb_init(&where, a);
	sb_puts(&where, " WHERE r.org_id = $1 AND " SCOPE_CASES("r", "$1", "$2"));
	if (f->states == QUEUE_OPEN)
		sb_puts(&where, " AND r.closed_on IS NULL");
	else if (f->states == QUEUE_CLOSED)
		sb_puts(&where, " AND r.closed_on IS NOT NULL");
	if (f->unit_id)
		sb_printf(&where, " AND r.unit_id = $%d", db_param_int(p, f->unit_id));
	if (f->assignee_id > 0)
		sb_printf(&where, " AND r.assignee_id = $%d", db_param_int(p, f->assignee_id));
	else if (f->assignee_id < 0)
		sb_puts(&where, " AND r.assignee_id IS NULL");
	if (f->state && *f->state)
		sb_printf(&where, " AND r.state = $%d", db_param(p, f->state));
	if (f->kind && *f->kind)
		sb_printf(&where, " AND r.kind = $%d", db_param(p, f->kind));
	if (f->channel && *f->channel)
		sb_printf(&where, " AND r.channel = $%d", db_param(p, f->channel));
	if (f->received_from)
		sb_printf(&where, " AND r.received_on >= $%d::date", db_param(p, f->received_from));
	if (f->received_to)
		sb_printf(&where, " AND r.received_on <= $%d::date", db_param(p, f->received_to));
	if (f->updated_since)
		sb_printf(&where, " AND r.updated_at >= $%d::timestamptz", db_param(p, f->updated_since));
	char today[LAW_DATE_STRLEN];
	law_date_format(today_d, today);
	if (f->overdue)
		sb_printf(&where, " AND r.due_on < $%d", db_param(p, arena_strdup(a, today)));
	if (f->due_from_set) {
		char from[LAW_DATE_STRLEN];
		law_date_format(law_nth_working_day(today_d, f->due_from), from);
		sb_printf(&where, " AND r.due_on >= $%d", db_param(p, arena_strdup(a, from)));
	}
	/* The kinds are constants of ours: literals, which keeps the
	 * parameters within DB_PARAMS_MAX whatever the filters. */
	if (f->waiting)
		sb_puts(&where, " AND EXISTS (SELECT 1 FROM terms w WHERE w.request_id = r.id "
		              "AND w.state = 'open' AND w.kind = ANY('" QUEUE_WAITING_KINDS "'::text[]))");
	if (f->remedy)
		sb_puts(&where, " AND EXISTS (SELECT 1 FROM terms w WHERE w.request_id = r.id "
		              "AND w.state = 'open' AND w.kind = ANY('" QUEUE_REMEDY_KINDS "'::text[]))");
	if (f->due_within >= 0) {
		char limit[LAW_DATE_STRLEN];
		law_date_format(law_nth_working_day(today_d, f->due_within), limit);
		sb_printf(&where, " AND r.due_on <= $%d", db_param(p, arena_strdup(a, limit)));
	}
	/* Cases without a due date: by id in the queue, the newest first
	 * where closed ones are listed too. */
	bool newest = f->states != QUEUE_OPEN;
	const char *later = newest ? "<" : ">";
	if (t) {
		/* A search's keyset is on the score (below). */
	} else if (f->after_due && !strcmp(f->after_due, "none")) {
		sb_printf(&where, " AND r.due_on IS NULL AND r.id %s $%d", later,
		          db_param_int(p, f->after_id));
	} else if (f->after_due) {
		int d = db_param(p, f->after_due);
		int id = db_param_int(p, f->after_id);
		sb_printf(&where, " AND (r.due_on > $%d::date OR (r.due_on = $%d::date AND r.id %s $%d) "
		                "OR r.due_on IS NULL)",
		          d, d, later, id);
	}
	int all = t ? db_param(p, t->all) : 0;
	char score[64] = "0";
	if (t)
		snprintf(score, sizeof score, "coalesce(search_score(r.search, $%d::tsquery), 0)", all);
	strbuf_t select;
	sb_init(&select, a);
	sb_printf(&select,
	          "SELECT r.id, r.case_number, r.subject, r.kind, r.state, r.channel, r.received_on, "
	          "coalesce(u.name, ''), coalesce(r.due_on::text, ''), un.symbol, "
	          "coalesce(r.closed_on::text, ''), r.due_on, "
	          /* A step waiting for its letter (cases/pending.h): its draft's state. */
	          "coalesce((SELECT d.status FROM pending_steps ps JOIN documents d "
	          "ON d.id = ps.document_id WHERE ps.request_id = r.id), ''), "
	          "%s AS score "
	          "FROM requests r LEFT JOIN users u ON u.id = r.assignee_id "
	          "JOIN units un ON un.id = r.unit_id",
	          score);
	if (!t) {
		sb_printf(sql, "%s%s ORDER BY r.due_on ASC NULLS LAST, r.id%s LIMIT %d", select.data,
		          where.data, newest ? " DESC" : "", QUEUE_PAGE + 1);
		return;
	}
	int first = 0, words = search_words(a, p, f->q, &first);
	int each = db_param(p, t->each);
	/* Two disjoint halves, each with its index: the cases whose own text
	 * holds every word (the composite index (org_id, search)), and the
	 * others whose requester's name or e-mail holds one (the requester's
	 * data, for staff only; requesters: one row a request at most) and,
	 * with it, every word. */
	sb_printf(sql, "SELECT * FROM (%s%s", select.data, where.data);
	words_in(sql, first, words, all, each, false);
	sb_printf(sql, " UNION ALL %s JOIN requesters rq ON rq.request_id = r.id%s", select.data,
	          where.data);
	words_any_requester(sql, first, words);
	words_in(sql, first, words, all, each, true);
	sb_printf(sql, " AND NOT coalesce(r.search @@ $%d::tsquery, false)) r", all);
	if (f->after_date && f->ranked_after) {
		int sc = db_param_int(p, f->after_score);
		int d = db_param(p, f->after_date);
		int id = db_param_int(p, f->after_id);
		sb_printf(sql, " WHERE (r.score, r.received_on, r.id) < ($%d, $%d::date, $%d::bigint)",
		          sc, d, id);
	}
	sb_printf(sql, " ORDER BY r.score DESC, r.received_on DESC, r.id DESC LIMIT %d",
	          QUEUE_PAGE + 1);
}

/* Whether `q` has a word to search for (anything but white space). */
static bool has_words(const char *q)
{
	for (; q && *q; q++)
		if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
			return true;
	return false;
}

enum outcome queue_list(const struct svc_ctx *ctx, const struct queue_filter *f, json_t **out,
                        struct problem *pr)
{
	*out = NULL;
	law_date_t today_d = caseview_today(ctx->now);
	PGconn *c = db_conn();
	if (!c)
		return problem_set(pr, OUT_UNAVAILABLE, NULL, NULL);
	bool search = has_words(f->q), similar = false;
	struct search_tsq t;
	enum db_status st = search ? search_tsqueries(c, ctx->arena, f->q, false, &t) : DB_OK;
	if (st != DB_OK)
		return svc_outcome(st, pr);
	strbuf_t sql;
	struct db_params p;
	queue_sql(ctx, f, search ? &t : NULL, &sql, &p);
	PGresult *r = db_exec(c, &st, sql.data, p.n, p.v);
	if (st == DB_OK && search && PQntuples(r) == 0) {
		/* Nothing matched the words (on any page: a keyset page of a
		 * match has a row): words within a letter of them. */
		struct search_tsq near;
		st = search_tsqueries(c, ctx->arena, f->q, true, &near);
		if (st == DB_OK && near.all && (!t.all || strcmp(near.all, t.all) != 0)) {
			PQclear(r);
			similar = true;
			queue_sql(ctx, f, &near, &sql, &p);
			r = db_exec(c, &st, sql.data, p.n, p.v);
		}
	}
	if (st != DB_OK) {
		PQclear(r);
		return svc_outcome(st, pr);
	}
	json_t *items = json_array();
	int rows = PQntuples(r);
	for (int i = 0; i < rows && i < QUEUE_PAGE; i++)
		json_array_append_new(items, row_item(r, i, today_d));
	json_t *doc = json_pack("{s:o, s:b}", "items", items, "similar", similar);
	if (rows > QUEUE_PAGE) {
		const char *due = PQgetvalue(r, QUEUE_PAGE - 1, 8);
		const char *id = PQgetvalue(r, QUEUE_PAGE - 1, 0);
		/* A search's pages go on from the last row's score and date. */
		json_t *next = search ? json_pack("{s:s, s:s, s:s}", "score",
		                                  PQgetvalue(r, QUEUE_PAGE - 1, 13), "date",
		                                  PQgetvalue(r, QUEUE_PAGE - 1, 6), "id", id)
		                      : json_pack("{s:s, s:s}", "due", *due ? due : "none", "id", id);
		json_object_set_new(doc, "next", next);
	}
	PQclear(r);
	*out = doc;
	return OUT_OK;
}
