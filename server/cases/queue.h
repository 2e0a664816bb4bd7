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

/* The requester's windows during which the case waits on them (not the
 * remedy windows after a decision), and the body's remedy terms: forward
 * an appeal (KPA art. 133), decide a reconsideration, answer a court
 * complaint (UDIP art. 21). SQL text[] literals. */
#define QUEUE_WAITING_KINDS                                                                        \
	"{clarification_window,interest_window,completion_window,fee_window,form_window,offer_window}"
#define QUEUE_REMEDY_KINDS "{forward_appeal,reconsideration,court_answer}"

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
	/* From the manager's dashboard (dashboard.h): */
	bool due_from_set;     /* then: due on or after the due_from-th working day from today */
	int due_from;          /* (0: today) */
	bool waiting;          /* a window of the requester is running (QUEUE_WAITING_KINDS) */
	bool remedy;           /* a remedy term of the body is running (QUEUE_REMEDY_KINDS) */
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
