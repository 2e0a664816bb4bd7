/* The clerk's queue: open cases of an organisation, nearest statutory due
 * date first, with filters and keyset pagination (fast at a million cases). */
#ifndef JAWNOSC_CASES_QUEUE_H
#define JAWNOSC_CASES_QUEUE_H

#include <jansson.h>
#include <stdbool.h>

#include "cases/context.h"

#define QUEUE_PAGE 50

/* The requester's windows during which the case waits on them (not the
 * remedy windows after a decision), and the body's remedy terms: forward
 * an appeal (KPA art. 133), decide a reconsideration, answer a court
 * complaint (UDIP art. 21), forward or consider a ponaglenie (KPA art. 37
 * §4–5; issue 20 item 9). SQL text[] literals. */
#define QUEUE_WAITING_KINDS                                                                        \
	"{clarification_window,interest_window,completion_window,fee_window,form_window," \
	"offer_window,standing_offer_window,identity_window}"
/* reuse_court_answer: issue 20 item 11; the ponaglenie terms: item 9. */
#define QUEUE_REMEDY_KINDS                                                                         \
	"{forward_appeal,reconsideration,reuse_reconsideration,court_answer,reuse_court_answer,"   \
	"forward_ponaglenie,consider_ponaglenie}"

/* The organisation is always ctx->who's, and "today" ctx->now's date. */
struct queue_filter {
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
	/* Keyset: the last row of the previous page. */
	const char *after_due; /* "YYYY-MM-DD", "none" for cases with no body term, NULL: first page */
	long long after_id;
};

/* A page of the open cases of ctx->who's organisation that ctx->who sees
 * (cases/scope.h):
 * {"items": [...], "next": {"due": ..., "id": ...} or absent}. Each item:
 * id, case_number, subject, kind, state, state_label, channel, received_on,
 * due_on, days_left (working days, negative when overdue), overdue,
 * assignee, unit, and "letter" when a step waits for its letter
 * (cases/pending.h): „pismo do wystawienia” or „pismo czeka na wysłanie”. OUT_UNAVAILABLE or OUT_ERROR when it cannot be read. */
enum outcome queue_list(const struct svc_ctx *ctx, const struct queue_filter *f, json_t **out,
                        struct problem *p);

#endif
