/* SPDX-License-Identifier: EUPL-1.2 */
/* The manager's dashboard: what will be late, who carries what, and how the
 * body has done over the last twelve months. Scoped to one organisation, or
 * to one unit of it (a manager with users.unit_id).
 *
 * Built for a million cases: each figure comes from one aggregate query, one
 * pass over an index of migration 0008 (open cases with their unit and
 * assignee for due dates and workload, the running requester's windows and
 * remedy terms, cases received and closed for the charts, on-time kept on
 * the request by a trigger); no query per case, and only the listed cases
 * are read from the table. Dates of the law ("today", working days) are
 * computed here from the caller's `today`, never from the database's
 * clock. */
#ifndef JAWNOSC_CASES_DASHBOARD_H
#define JAWNOSC_CASES_DASHBOARD_H

#include <jansson.h>
#include <libpq-fe.h>

#include "cases/context.h"
#include "core/arena.h"
#include "db/db.h"
#include "law/date.h"

/* Cases listed under each figure (the count is always complete). */
#define DASH_LIST_MAX 20
/* Months in the charts, the current one included. */
#define DASH_MONTHS 12

struct dash_scope {
	long long org_id;
	long long unit_id; /* 0: the whole organisation */
};

/* Today and the 1st, 3rd and 5th working day after it (KPA art. 57 §4 days
 * off: weekends and holidays do not count). */
struct dash_days {
	law_date_t today, d1, d3, d5;
};
void dashboard_days(law_date_t today, struct dash_days *out);

/* Open cases by their nearest statutory due date of the body (the date the
 * queue sorts by), on the caller's connection (the reminders' digest reads
 * them inside its own round):
 *   {"overdue": {"count", "items"}, "today": {"count", "items"},
 *    "next1": {"count"}, "next3": {"count"}, "next5": {"count"},
 *    "upcoming": {"count", "items"}}
 * next1/3/5 count cases due after today up to the 1st/3rd/5th working day;
 * "upcoming" lists those of next5. Each item: id, case_number, subject,
 * due_on, days_left (working days; negative when overdue), assignee, unit.
 * At most `limit` items per list. */
enum db_status dashboard_deadlines(PGconn *c, arena_t *a, const struct dash_scope *s,
				   law_date_t today, int limit, json_t **out);

/* The scope of a staff member: their organisation, and their unit if they
 * have one. */
struct dash_scope dashboard_scope(const struct actor *who);

/* Sets "scope" in `doc` to the names of s: organisation, unit (its
 * symbol, "" for the whole organisation) and unit_name. */
enum db_status dashboard_scope_names(PGconn *c, arena_t *a, const struct dash_scope *s,
				     json_t *doc);

/* Everything on the dashboard of ctx->who's scope, for ctx->now's date in
 * Warsaw: "scope" (organisation, unit, unit_name),
 * "today", "deadlines" (above), "waiting" and "remedies" ({"count", "items"}
 * of running terms, each item with term, basis, due_on, days_left,
 * overdue; remedies also "appeals" and "court" counts), "workload"
 * ({"clerks": [...], "units": [...]}, each with open, soon (due from today
 * to the 3rd working day), overdue; clerk id 0 is "not assigned"),
 * "months" (DASH_MONTHS rows, oldest first: month "YYYY-MM", received by
 * kind and channel, closed, median_days, p90_days, answered, on_time,
 * on_time_pct; null where nothing closed) and "outcomes" (closing states of
 * the cases closed in those months, with labels and counts) and "drafts"
 * ({"count"}: the drafts not issued yet, cases/pending.h). The incoming
 * queue's figures are not here: they are read fresh at every request
 * (inbox_counts()); the page that shows these is kept (web/scache.h). */
enum outcome dashboard_load(const struct svc_ctx *ctx, json_t **out, struct problem *p);

#endif
