/* The clerk's queue: open cases of an organisation, nearest statutory due
 * date first, with filters and keyset pagination (fast at a million cases). */
#ifndef JAWNOSC_CASES_QUEUE_H
#define JAWNOSC_CASES_QUEUE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "db/db.h"
#include "law/date.h"

#define QUEUE_PAGE 50

struct queue_filter {
	long long org_id;
	long long unit_id;     /* 0: all units */
	long long assignee_id; /* 0: anyone; -1: nobody assigned */
	const char *state;     /* NULL: any open state */
	const char *kind;
	const char *channel;
	const char *q;         /* case number or words of the subject */
	int due_within;        /* working days from today; -1: no limit */
	bool overdue;          /* only cases past their due date */
	law_date_t today;
	/* Keyset: the last row of the previous page. */
	const char *after_due; /* "YYYY-MM-DD", "none" for cases with no body term, NULL: first page */
	long long after_id;
};

/* {"items": [...], "next": {"due": ..., "id": ...} or absent}. Each item:
 * id, case_number, subject, kind, state, state_label, channel, received_on,
 * due_on, days_left (working days, negative when overdue), overdue,
 * assignee, unit. */
enum db_status queue_list(PGconn *c, arena_t *a, const struct queue_filter *f, json_t **out);

#endif
