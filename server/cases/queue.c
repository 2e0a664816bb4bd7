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

/* `q` for LIKE: % and _ and \ matched literally. */
static const char *like_pattern(arena_t *a, const char *q)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_putc(&sb, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			sb_putc(&sb, '\\');
		sb_putc(&sb, *p);
	}
	sb_putc(&sb, '%');
	return sb.data;
}

static json_t *row_item(const PGresult *r, int i, law_date_t today)
{
	const char *due = PQgetvalue(r, i, 8);
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
	const char *letter = PQgetvalue(r, i, 10);
	if (*letter)
		json_object_set_new(it, "letter",
		                    json_string(!strcmp(letter, "draft") ? "pismo do wystawienia"
		                                                         : "pismo czeka na wysłanie"));
	law_date_t d;
	if (*due && law_date_parse(due, &d)) {
		int left = 0;
		law_working_days_between(today, d, &left, NULL);
		json_object_set_new(it, "due_on", json_string(due));
		json_object_set_new(it, "days_left", json_integer(left));
		json_object_set_new(it, "overdue", json_boolean(law_date_cmp(d, today) < 0));
		json_object_set_new(it, "due_today", json_boolean(law_date_cmp(d, today) == 0));
	} else {
		json_object_set_new(it, "waiting", json_true());
	}
	return it;
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
	sb_puts(&sql,
	        "SELECT r.id, r.case_number, r.subject, r.kind, r.state, r.channel, r.received_on, "
	        "coalesce(u.name, ''), coalesce(r.due_on::text, ''), un.symbol, "
	        /* A step waiting for its letter (cases/pending.h): its draft's state. */
	        "coalesce((SELECT d.status FROM pending_steps ps JOIN documents d "
	        "ON d.id = ps.document_id WHERE ps.request_id = r.id), '') "
	        "FROM requests r LEFT JOIN users u ON u.id = r.assignee_id "
	        "JOIN units un ON un.id = r.unit_id "
	        "WHERE r.org_id = $1 AND " SCOPE_CASES("r", "$1", "$2") " AND r.closed_on IS NULL");
	if (f->unit_id)
		sb_printf(&sql, " AND r.unit_id = $%d", db_param_int(&p, f->unit_id));
	if (f->assignee_id > 0)
		sb_printf(&sql, " AND r.assignee_id = $%d", db_param_int(&p, f->assignee_id));
	else if (f->assignee_id < 0)
		sb_puts(&sql, " AND r.assignee_id IS NULL");
	if (f->state && *f->state)
		sb_printf(&sql, " AND r.state = $%d", db_param(&p, f->state));
	if (f->kind && *f->kind)
		sb_printf(&sql, " AND r.kind = $%d", db_param(&p, f->kind));
	if (f->channel && *f->channel)
		sb_printf(&sql, " AND r.channel = $%d", db_param(&p, f->channel));
	if (f->q && *f->q) {
		int n = db_param(&p, f->q);
		db_param(&p, like_pattern(a, f->q));
		sb_printf(&sql, " AND (r.case_number = $%d OR r.subject ILIKE $%d)", n, n + 1);
	}
	char today[LAW_DATE_STRLEN], limit[LAW_DATE_STRLEN];
	law_date_format(today_d, today);
	if (f->overdue)
		sb_printf(&sql, " AND r.due_on < $%d", db_param(&p, today));
	if (f->due_from_set) {
		char from[LAW_DATE_STRLEN];
		law_date_format(law_nth_working_day(today_d, f->due_from), from);
		sb_printf(&sql, " AND r.due_on >= $%d", db_param(&p, arena_strdup(a, from)));
	}
	if (f->waiting)
		sb_printf(&sql, " AND EXISTS (SELECT 1 FROM terms w WHERE w.request_id = r.id "
		                "AND w.state = 'open' AND w.kind = ANY($%d::text[]))",
		          db_param(&p, QUEUE_WAITING_KINDS));
	if (f->remedy)
		sb_printf(&sql, " AND EXISTS (SELECT 1 FROM terms w WHERE w.request_id = r.id "
		                "AND w.state = 'open' AND w.kind = ANY($%d::text[]))",
		          db_param(&p, QUEUE_REMEDY_KINDS));
	if (f->due_within >= 0) {
		law_date_format(law_nth_working_day(today_d, f->due_within), limit);
		sb_printf(&sql, " AND r.due_on <= $%d", db_param(&p, limit));
	}
	if (f->after_due && !strcmp(f->after_due, "none")) {
		sb_printf(&sql, " AND r.due_on IS NULL AND r.id > $%d", db_param_int(&p, f->after_id));
	} else if (f->after_due) {
		int d = db_param(&p, f->after_due);
		int id = db_param_int(&p, f->after_id);
		sb_printf(&sql, " AND (r.due_on > $%d::date OR (r.due_on = $%d::date AND r.id > $%d) "
		                "OR r.due_on IS NULL)",
		          d, d, id);
	}
	sb_printf(&sql, " ORDER BY r.due_on ASC NULLS LAST, r.id LIMIT %d", QUEUE_PAGE + 1);
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
