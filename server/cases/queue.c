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

/* A case's own text and its requester's, folded (register_fold, migration
 * 0007: lower case, no diacritics), each exactly the expression of its
 * trigram index (migration 0043), so that LIKE '%word%' is an index scan. */
#define CASE_TEXT "register_fold(r.case_number || ' ' || r.subject || ' ' || r.body)"
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

/* Every word in `text` ("AND"), or in `text` or the requester's ("OR"
 * per word), or any word in the requester's (`any`). */
static void words_in(strbuf_t *sql, int first, int n, const char *text, bool or_requester)
{
	for (int i = 0; i < n; i++) {
		sb_printf(sql, " AND (%s LIKE '%%' || register_fold($%d::text) || '%%'", text, first + i);
		if (or_requester)
			sb_printf(sql, " OR " REQUESTER_TEXT " LIKE '%%' || register_fold($%d::text) || '%%'",
			          first + i);
		sb_putc(sql, ')');
	}
}

static void words_any_requester(strbuf_t *sql, int first, int n)
{
	sb_puts(sql, " AND (");
	for (int i = 0; i < n; i++)
		sb_printf(sql, "%s" REQUESTER_TEXT " LIKE '%%' || register_fold($%d::text) || '%%'",
		          i ? " OR " : "", first + i);
	sb_putc(sql, ')');
}

enum outcome queue_list(const struct svc_ctx *ctx, const struct queue_filter *f, json_t **out,
                        struct problem *pr)
{
	*out = NULL;
	arena_t *a = ctx->arena;
	law_date_t today_d = caseview_today(ctx->now);
	strbuf_t sql;
	sb_init(&sql, a);
	struct db_params p = {.n = 0};
	/* The organisation and the staff member's scope are $1 and $2. */
	db_param_int(&p, ctx->who->org_id);
	db_param_int(&p, scope_unit(ctx->who));
	strbuf_t where;
	sb_init(&where, a);
	sb_puts(&where, " WHERE r.org_id = $1 AND " SCOPE_CASES("r", "$1", "$2"));
	if (f->states == QUEUE_OPEN)
		sb_puts(&where, " AND r.closed_on IS NULL");
	else if (f->states == QUEUE_CLOSED)
		sb_puts(&where, " AND r.closed_on IS NOT NULL");
	if (f->unit_id)
		sb_printf(&where, " AND r.unit_id = $%d", db_param_int(&p, f->unit_id));
	if (f->assignee_id > 0)
		sb_printf(&where, " AND r.assignee_id = $%d", db_param_int(&p, f->assignee_id));
	else if (f->assignee_id < 0)
		sb_puts(&where, " AND r.assignee_id IS NULL");
	if (f->state && *f->state)
		sb_printf(&where, " AND r.state = $%d", db_param(&p, f->state));
	if (f->kind && *f->kind)
		sb_printf(&where, " AND r.kind = $%d", db_param(&p, f->kind));
	if (f->channel && *f->channel)
		sb_printf(&where, " AND r.channel = $%d", db_param(&p, f->channel));
	if (f->received_from)
		sb_printf(&where, " AND r.received_on >= $%d::date", db_param(&p, f->received_from));
	if (f->received_to)
		sb_printf(&where, " AND r.received_on <= $%d::date", db_param(&p, f->received_to));
	char today[LAW_DATE_STRLEN], limit[LAW_DATE_STRLEN];
	law_date_format(today_d, today);
	if (f->overdue)
		sb_printf(&where, " AND r.due_on < $%d", db_param(&p, today));
	if (f->due_from_set) {
		char from[LAW_DATE_STRLEN];
		law_date_format(law_nth_working_day(today_d, f->due_from), from);
		sb_printf(&where, " AND r.due_on >= $%d", db_param(&p, arena_strdup(a, from)));
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
		law_date_format(law_nth_working_day(today_d, f->due_within), limit);
		sb_printf(&where, " AND r.due_on <= $%d", db_param(&p, limit));
	}
	/* Cases without a due date: by id in the queue, the newest first
	 * where closed ones are listed too. */
	bool newest = f->states != QUEUE_OPEN;
	const char *later = newest ? "<" : ">";
	if (f->after_due && !strcmp(f->after_due, "none")) {
		sb_printf(&where, " AND r.due_on IS NULL AND r.id %s $%d", later,
		          db_param_int(&p, f->after_id));
	} else if (f->after_due) {
		int d = db_param(&p, f->after_due);
		int id = db_param_int(&p, f->after_id);
		sb_printf(&where, " AND (r.due_on > $%d::date OR (r.due_on = $%d::date AND r.id %s $%d) "
		                "OR r.due_on IS NULL)",
		          d, d, later, id);
	}
	static const char select[] =
	    "SELECT r.id, r.case_number, r.subject, r.kind, r.state, r.channel, r.received_on, "
	    "coalesce(u.name, ''), coalesce(r.due_on::text, ''), un.symbol, "
	    "coalesce(r.closed_on::text, ''), r.due_on, "
	    /* A step waiting for its letter (cases/pending.h): its draft's state. */
	    "coalesce((SELECT d.status FROM pending_steps ps JOIN documents d "
	    "ON d.id = ps.document_id WHERE ps.request_id = r.id), '') "
	    "FROM requests r LEFT JOIN users u ON u.id = r.assignee_id "
	    "JOIN units un ON un.id = r.unit_id";
	int first = 0, words = f->q ? search_words(a, &p, f->q, &first) : 0;
	if (!words) {
		sb_printf(&sql, "%s%s", select, where.data);
	} else {
		/* Two disjoint halves, each with its index: the cases whose own
		 * text holds every word, and the others whose requester's name
		 * or e-mail holds one (the requester's data, for staff only;
		 * requesters: one row a request at most) and, with it, every
		 * word. */
		sb_printf(&sql, "SELECT * FROM (%s%s", select, where.data);
		words_in(&sql, first, words, CASE_TEXT, false);
		sb_printf(&sql, " UNION ALL %s JOIN requesters rq ON rq.request_id = r.id%s", select,
		          where.data);
		words_any_requester(&sql, first, words);
		words_in(&sql, first, words, CASE_TEXT, true);
		sb_puts(&sql, " AND NOT (true");
		words_in(&sql, first, words, CASE_TEXT, false);
		sb_puts(&sql, ")) r");
	}
	sb_printf(&sql, " ORDER BY %s ASC NULLS LAST, %s%s LIMIT %d", words ? "12" : "r.due_on",
	          words ? "1" : "r.id", newest ? " DESC" : "", QUEUE_PAGE + 1);
	PGconn *c = db_conn();
	if (!c)
		return problem_set(pr, OUT_UNAVAILABLE, NULL, NULL);
	enum db_status st;
	PGresult *r = db_exec(c, &st, sql.data, p.n, p.v);
	if (st != DB_OK) {
		PQclear(r);
		return svc_outcome(st, pr);
	}
	json_t *items = json_array();
	int rows = PQntuples(r);
	for (int i = 0; i < rows && i < QUEUE_PAGE; i++)
		json_array_append_new(items, row_item(r, i, today_d));
	json_t *doc = json_pack("{s:o}", "items", items);
	if (rows > QUEUE_PAGE) {
		const char *due = PQgetvalue(r, QUEUE_PAGE - 1, 8);
		json_object_set_new(doc, "next",
		                    json_pack("{s:s, s:s}", "due", *due ? due : "none", "id",
		                              PQgetvalue(r, QUEUE_PAGE - 1, 0)));
	}
	PQclear(r);
	*out = doc;
	return OUT_OK;
}
