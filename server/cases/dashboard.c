/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/dashboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/caseview.h"
#include "cases/queue.h"
#include "cases/service.h"
#include "law/channel.h"
#include "law/lifecycle.h"
#include "law/term.h"

void dashboard_days(law_date_t today, struct dash_days *out)
{
	out->today = today;
	out->d1 = law_nth_working_day(today, 1);
	out->d3 = law_nth_working_day(today, 3);
	out->d5 = law_nth_working_day(today, 5);
}

/* Query parameters as text, kept in the arena. */
struct args {
	const char *v[8];
	int n;
	arena_t *a;
};

static void arg(struct args *p, const char *v)
{
	p->v[p->n++] = v;
}

static void arg_id(struct args *p, long long id)
{
	arg(p, arena_printf(p->a, "%lld", id));
}

static void arg_date(struct args *p, law_date_t d)
{
	char *s = arena_alloc(p->a, LAW_DATE_STRLEN);
	law_date_format(d, s);
	arg(p, s);
}

static long long num(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static json_t *list_new(void)
{
	return json_pack("{s:i, s:[]}", "count", 0, "items");
}

/* A case in a list: columns id, case_number, subject, due_on, assignee,
 * unit from `col` on. */
static json_t *case_item(const PGresult *r, int row, int col, law_date_t today)
{
	const char *due = PQgetvalue(r, row, col + 3);
	json_t *it = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)num(r, row, col),
			       "case_number", PQgetvalue(r, row, col + 1), "subject",
			       PQgetvalue(r, row, col + 2), "due_on", due, "assignee",
			       PQgetvalue(r, row, col + 4), "unit", PQgetvalue(r, row, col + 5));
	law_date_t d;
	if (law_date_parse(due, &d))
		caseview_due(it, d, today);
	return it;
}

static void list_add(json_t *list, json_t *item, int limit)
{
	json_t *items = json_object_get(list, "items");
	if ((int)json_array_size(items) < limit)
		json_array_append_new(items, item);
	else
		json_decref(item);
}

static void count_add(json_t *list, long long n)
{
	json_object_set_new(list, "count",
			    json_integer(json_integer_value(json_object_get(list, "count")) + n));
}

/* ---- Due dates: one pass over the open cases up to the 5th working day --- */

static const char DEADLINES_SQL[] =
    "WITH o AS ("
    "  SELECT r.id, r.due_on,"
    "    CASE WHEN r.due_on < $2 THEN 'overdue' WHEN r.due_on = $2 THEN 'today'"
    "      WHEN r.due_on <= $3 THEN 'next1' WHEN r.due_on <= $4 THEN 'next3'"
    "      ELSE 'next5' END AS band"
    "  FROM requests r"
    "  WHERE r.org_id = $1 AND r.closed_on IS NULL AND r.due_on <= $5"
    "    AND ($6::bigint = 0 OR r.unit_id = $6)"
    "), n AS ("
    "  SELECT o.*, count(*) OVER w AS total, row_number() OVER (w ORDER BY due_on, id) AS rn"
    "  FROM o WINDOW w AS (PARTITION BY band)"
    ") "
    /* Only the listed cases are read from the table. */
    "SELECT n.band, n.total, r.id, r.case_number, r.subject, r.due_on, coalesce(u.name, ''),"
    "  un.symbol "
    "FROM n JOIN requests r ON r.id = n.id LEFT JOIN users u ON u.id = r.assignee_id "
    "JOIN units un ON un.id = r.unit_id "
    "WHERE n.rn <= $7 ORDER BY n.due_on, n.id";

enum db_status dashboard_deadlines(PGconn *c, arena_t *a, const struct dash_scope *s,
				   law_date_t today, int limit, json_t **out)
{
	struct dash_days days;
	dashboard_days(today, &days);
	struct args p = {.a = a};
	arg_id(&p, s->org_id);
	arg_date(&p, days.today);
	arg_date(&p, days.d1);
	arg_date(&p, days.d3);
	arg_date(&p, days.d5);
	arg_id(&p, s->unit_id);
	arg_id(&p, limit);
	enum db_status st;
	PGresult *r = db_exec(c, &st, DEADLINES_SQL, p.n, p.v);
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	json_t *doc = json_pack("{s:o, s:o, s:{s:i}, s:{s:i}, s:{s:i}, s:o}", "overdue", list_new(),
				"today", list_new(), "next1", "count", 0, "next3", "count", 0,
				"next5", "count", 0, "upcoming", list_new());
	/* Bands are disjoint; the figures for 1, 3 and 5 working days add up:
	 * a case of band "next1" counts in next1, next3 and next5 (the names
	 * sort in that order). */
	static const char *const cumulative[] = {"next1", "next3", "next5"};
	const char *seen_band = NULL;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *band = PQgetvalue(r, i, 0);
		long long total = num(r, i, 1);
		bool first = !seen_band || strcmp(seen_band, band) != 0;
		seen_band = band;
		bool near = strncmp(band, "next", 4) == 0;
		json_t *list = json_object_get(doc, near ? "upcoming" : band);
		if (first) {
			/* Rows come by due date, so each band's rows are together. */
			count_add(list, total);
			for (size_t k = 0; near && k < 3; k++) {
				if (strcmp(cumulative[k], band) >= 0)
					count_add(json_object_get(doc, cumulative[k]), total);
			}
		}
		list_add(list, case_item(r, i, 2, today), limit);
	}
	PQclear(r);
	*out = doc;
	return DB_OK;
}

/* ---- Running terms: one pass over the open terms of the scope ----------- */

static const char TERMS_SQL[] =
    "WITH o AS ("
    "  SELECT t.kind, t.label, t.basis, t.due_on, r.id, r.case_number, r.subject,"
    "    r.assignee_id, r.unit_id,"
    "    CASE WHEN t.kind = ANY($3::text[]) THEN 'waiting' ELSE 'remedies' END AS grp"
    "  FROM terms t JOIN requests r ON r.id = t.request_id"
    "  WHERE t.org_id = $1 AND t.state = 'open'"
    "    AND (t.kind = ANY($3::text[]) OR t.kind = ANY($4::text[]))"
    "    AND ($2::bigint = 0 OR r.unit_id = $2)"
    "), n AS ("
    "  SELECT o.*, count(*) OVER w AS total,"
    "    count(*) FILTER (WHERE kind IN ('court_answer', 'reuse_court_answer')) OVER w AS court,"
    "    row_number() OVER (w ORDER BY due_on, id) AS rn"
    "  FROM o WINDOW w AS (PARTITION BY grp)"
    ") "
    "SELECT n.grp, n.total, n.court, n.label, n.basis, n.id, n.case_number, n.subject, n.due_on,"
    "  coalesce(u.name, ''), un.symbol, n.kind "
    "FROM n LEFT JOIN users u ON u.id = n.assignee_id JOIN units un ON un.id = n.unit_id "
    "WHERE n.rn <= $5 ORDER BY n.grp, n.due_on, n.id";

static enum db_status running_terms(PGconn *c, arena_t *a, const struct dash_scope *s,
				    law_date_t today, json_t *doc)
{
	struct args p = {.a = a};
	arg_id(&p, s->org_id);
	arg_id(&p, s->unit_id);
	arg(&p, QUEUE_WAITING_KINDS);
	arg(&p, QUEUE_REMEDY_KINDS);
	arg_id(&p, DASH_LIST_MAX);
	enum db_status st;
	PGresult *r = db_exec(c, &st, TERMS_SQL, p.n, p.v);
	json_t *waiting = list_new(), *remedies = list_new();
	json_object_set_new(remedies, "appeals", json_integer(0));
	json_object_set_new(remedies, "court", json_integer(0));
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		bool wait = strcmp(PQgetvalue(r, i, 0), "waiting") == 0;
		json_t *list = wait ? waiting : remedies;
		long long total = num(r, i, 1), court = num(r, i, 2);
		json_object_set_new(list, "count", json_integer(total));
		if (!wait) {
			json_object_set_new(list, "court", json_integer(court));
			json_object_set_new(list, "appeals", json_integer(total - court));
		}
		json_t *it = case_item(r, i, 5, today);
		json_object_set_new(it, "term", json_string(PQgetvalue(r, i, 3)));
		json_object_set_new(it, "basis", json_string(PQgetvalue(r, i, 4)));
		json_object_set_new(it, "kind", json_string(PQgetvalue(r, i, 11)));
		list_add(list, it, DASH_LIST_MAX);
	}
	PQclear(r);
	json_object_set_new(doc, "waiting", waiting);
	json_object_set_new(doc, "remedies", remedies);
	return st;
}

/* ---- Workload: one pass over the open cases, grouped two ways ------------ */

static const char WORKLOAD_SQL[] =
    "SELECT g.by_unit, coalesce(g.unit_id, 0), coalesce(g.assignee_id, 0), g.n, g.soon, g.late,"
    "  coalesce(un.symbol, ''), coalesce(un.name, ''), coalesce(u.name, '') "
    "FROM (SELECT GROUPING(r.assignee_id) AS by_unit, r.unit_id, r.assignee_id, count(*) AS n,"
    "        count(*) FILTER (WHERE r.due_on >= $2 AND r.due_on <= $3) AS soon,"
    "        count(*) FILTER (WHERE r.due_on < $2) AS late"
    "      FROM requests r"
    "      WHERE r.org_id = $1 AND r.closed_on IS NULL AND ($4::bigint = 0 OR r.unit_id = $4)"
    "      GROUP BY GROUPING SETS ((r.unit_id), (r.assignee_id))) g "
    "LEFT JOIN units un ON un.id = g.unit_id LEFT JOIN users u ON u.id = g.assignee_id "
    "ORDER BY g.by_unit DESC, un.symbol, g.assignee_id IS NULL, u.name, g.assignee_id";

static enum db_status workload(PGconn *c, arena_t *a, const struct dash_scope *s,
			       const struct dash_days *days, json_t *doc)
{
	struct args p = {.a = a};
	arg_id(&p, s->org_id);
	arg_date(&p, days->today);
	arg_date(&p, days->d3);
	arg_id(&p, s->unit_id);
	enum db_status st;
	PGresult *r = db_exec(c, &st, WORKLOAD_SQL, p.n, p.v);
	json_t *units = json_array(), *clerks = json_array();
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		bool by_unit = num(r, i, 0) == 1;
		json_t *row =
		    json_pack("{s:I, s:I, s:I}", "open", (json_int_t)num(r, i, 3), "soon",
			      (json_int_t)num(r, i, 4), "overdue", (json_int_t)num(r, i, 5));
		if (by_unit) {
			json_object_set_new(row, "id", json_integer(num(r, i, 1)));
			json_object_set_new(row, "symbol", json_string(PQgetvalue(r, i, 6)));
			json_object_set_new(row, "name", json_string(PQgetvalue(r, i, 7)));
			json_array_append_new(units, row);
		} else {
			json_object_set_new(row, "id", json_integer(num(r, i, 2)));
			json_object_set_new(row, "name", json_string(PQgetvalue(r, i, 8)));
			json_array_append_new(clerks, row);
		}
	}
	PQclear(r);
	json_object_set_new(doc, "workload",
			    json_pack("{s:o, s:o}", "clerks", clerks, "units", units));
	return st;
}

/* ---- Twelve months: received (one pass), closed and outcomes (one pass) -- */

static const char *const kinds[] = {"public_information", "reuse"};
#define NKINDS (sizeof kinds / sizeof kinds[0])
#define NCHANNELS LAW_NCHANNELS

static const char RECEIVED_SQL[] =
    "SELECT to_char(received_on, 'YYYY-MM'), kind, channel, count(*) FROM requests "
    "WHERE org_id = $1 AND received_on >= $2 AND received_on <= $3 "
    "  AND ($4::bigint = 0 OR unit_id = $4) "
    "GROUP BY 1, 2, 3";

/* Days to close: from receipt to the closing step's legal date. On time:
 * answered_on_time, kept by a trigger from the last answer term a step
 * ended (migration 0008): no look-up per case. */
static const char CLOSED_SQL[] =
    "SELECT GROUPING(r.state), to_char(r.closed_on, 'YYYY-MM'), r.state, count(*),"
    "  percentile_cont(0.5) WITHIN GROUP (ORDER BY (r.closed_on - r.received_on)::float8),"
    "  percentile_cont(0.9) WITHIN GROUP (ORDER BY (r.closed_on - r.received_on)::float8),"
    "  count(r.answered_on_time), count(*) FILTER (WHERE r.answered_on_time) "
    "FROM requests r "
    "WHERE r.org_id = $1 AND r.closed_on >= $2 AND r.closed_on <= $3"
    "  AND ($4::bigint = 0 OR r.unit_id = $4) "
    "GROUP BY GROUPING SETS ((to_char(r.closed_on, 'YYYY-MM')), (r.state)) "
    "ORDER BY 1, 4 DESC, 3";

static json_t *month_rows(law_date_t first)
{
	json_t *months = json_array();
	for (int i = 0; i < DASH_MONTHS; i++) {
		law_date_t m = law_date_add_months(first, i);
		char key[16];
		snprintf(key, sizeof key, "%04d-%02d", m.y, m.m);
		json_t *row =
		    json_pack("{s:s, s:i, s:i, s:i, s:i, s:n, s:n, s:i, s:i, s:n}", "month", key,
			      "year", m.y, "number", m.m, "received", 0, "closed", 0, "median_days",
			      "p90_days", "answered", 0, "on_time", 0, "on_time_pct");
		for (size_t k = 0; k < NKINDS; k++)
			json_object_set_new(row, kinds[k], json_integer(0));
		for (size_t k = 0; k < NCHANNELS; k++)
			json_object_set_new(row, law_channels[k].id, json_integer(0));
		json_array_append_new(months, row);
	}
	return months;
}

static json_t *month_of(json_t *months, const char *key)
{
	size_t i;
	json_t *row;
	json_array_foreach(months, i, row)
	{
		if (!strcmp(json_string_value(json_object_get(row, "month")), key))
			return row;
	}
	return NULL;
}

static void add_to(json_t *row, const char *key, long long n)
{
	if (json_object_get(row, key))
		json_object_set_new(
		    row, key, json_integer(json_integer_value(json_object_get(row, key)) + n));
}

static enum db_status months(PGconn *c, arena_t *a, const struct dash_scope *s, law_date_t today,
			     json_t *doc)
{
	law_date_t first =
	    law_date_add_months((law_date_t){today.y, today.m, 1}, -(DASH_MONTHS - 1));
	json_t *rows = month_rows(first);
	json_t *outcomes = json_array();
	json_object_set_new(doc, "months", rows);
	json_object_set_new(doc, "outcomes", outcomes);
	struct args p = {.a = a};
	arg_id(&p, s->org_id);
	arg_date(&p, first);
	arg_date(&p, today);
	arg_id(&p, s->unit_id);
	enum db_status st;
	PGresult *r = db_exec(c, &st, RECEIVED_SQL, p.n, p.v);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		json_t *row = month_of(rows, PQgetvalue(r, i, 0));
		long long n = num(r, i, 3);
		add_to(row, "received", n);
		add_to(row, PQgetvalue(r, i, 1), n);
		add_to(row, PQgetvalue(r, i, 2), n);
	}
	PQclear(r);
	if (st != DB_OK)
		return st;
	r = db_exec(c, &st, CLOSED_SQL, p.n, p.v);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		long long n = num(r, i, 3);
		if (num(r, i, 0) == 1) {
			json_t *row = month_of(rows, PQgetvalue(r, i, 1));
			if (!row)
				continue;
			long long answered = num(r, i, 6), met = num(r, i, 7);
			json_object_set_new(row, "closed", json_integer(n));
			json_object_set_new(row, "median_days",
					    json_real(atof(PQgetvalue(r, i, 4))));
			json_object_set_new(row, "p90_days", json_real(atof(PQgetvalue(r, i, 5))));
			json_object_set_new(row, "answered", json_integer(answered));
			json_object_set_new(row, "on_time", json_integer(met));
			if (answered)
				json_object_set_new(
				    row, "on_time_pct",
				    json_real(100.0 * (double)met / (double)answered));
			continue;
		}
		const char *state = PQgetvalue(r, i, 2);
		law_state_t ls;
		json_array_append_new(
		    outcomes,
		    json_pack("{s:s, s:s, s:I}", "state", state, "label",
			      law_state_from_id(state, &ls) ? law_states[ls].label : state, "count",
			      (json_int_t)n));
	}
	PQclear(r);
	return st;
}

/* The drafts not issued yet (issue 21 item 1): "drafts" {"count"}, the
 * list being /panel/pisma?stan=projekt. A step waiting for its letter
 * changes nothing until the letter is sent. */
static enum db_status drafts(PGconn *c, arena_t *a, const struct dash_scope *s, json_t *doc)
{
	struct args p = {.a = a};
	arg_id(&p, s->org_id);
	arg_id(&p, s->unit_id);
	enum db_status st;
	PGresult *r = db_exec(c, &st,
			      "SELECT count(*) FROM documents d JOIN requests r ON r.id = d.request_id "
			      "WHERE d.org_id = $1 AND d.status = 'draft' "
			      "AND ($2::bigint = 0 OR r.unit_id = $2)",
			      p.n, p.v);
	if (st == DB_OK)
		json_object_set_new(doc, "drafts",
				    json_pack("{s:I}", "count",
					      (json_int_t)atoll(PQgetvalue(r, 0, 0))));
	PQclear(r);
	return st;
}

/* ---- Everything ----------------------------------------------------------- */

enum db_status dashboard_scope_names(PGconn *c, arena_t *a, const struct dash_scope *s,
				    json_t *doc)
{
	struct args p = {.a = a};
	arg_id(&p, s->org_id);
	arg_id(&p, s->unit_id);
	enum db_status st;
	PGresult *r =
	    db_exec(c, &st,
		    "SELECT o.name, coalesce(un.symbol, ''), coalesce(un.name, '') "
		    "FROM organisations o LEFT JOIN units un ON un.id = $2 AND un.org_id = o.id "
		    "WHERE o.id = $1",
		    p.n, p.v);
	if (st == DB_OK && PQntuples(r) == 1)
		json_object_set_new(doc, "scope",
				    json_pack("{s:s, s:s, s:s}", "organisation",
					      PQgetvalue(r, 0, 0), "unit", PQgetvalue(r, 0, 1),
					      "unit_name", PQgetvalue(r, 0, 2)));
	PQclear(r);
	return st;
}

struct dash_scope dashboard_scope(const struct actor *who)
{
	return (struct dash_scope){who->org_id, who->unit_id};
}

/* Not kept here: the page that shows them is (web/scache.h). */
enum outcome dashboard_load(const struct svc_ctx *ctx, json_t **out, struct problem *p)
{
	*out = NULL;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	struct dash_scope scope = dashboard_scope(ctx->who);
	const struct dash_scope *s = &scope;
	law_date_t today = caseview_today(ctx->now);
	struct dash_days days;
	dashboard_days(today, &days);
	json_t *doc = json_object();
	char day[LAW_DATE_STRLEN];
	law_date_format(today, day);
	json_object_set_new(doc, "today", json_string(day));
	json_object_set_new(doc, "today_weekday",
			    json_string(law_weekday_name(law_weekday(today))));
	json_t *deadlines = NULL;
	enum db_status st = dashboard_scope_names(c, a, s, doc);
	json_t *names = json_object_get(doc, "scope");
	if (names)
		json_object_set_new(names, "unit_id", json_integer(s->unit_id));
	if (st == DB_OK)
		st = dashboard_deadlines(c, a, s, today, DASH_LIST_MAX, &deadlines);
	if (deadlines)
		json_object_set_new(doc, "deadlines", deadlines);
	if (st == DB_OK)
		st = running_terms(c, a, s, today, doc);
	if (st == DB_OK)
		st = drafts(c, a, s, doc);
	if (st == DB_OK)
		st = workload(c, a, s, &days, doc);
	if (st == DB_OK)
		st = months(c, a, s, today, doc);
	if (st != DB_OK) {
		json_decref(doc);
		return svc_outcome(st, p);
	}
	*out = doc;
	return OUT_OK;
}
