/* SPDX-License-Identifier: EUPL-1.2 */
/* The clerk's queue and the search over all cases of an organisation:
 * open cases nearest statutory due date first (then, where closed cases
 * are asked for too, those without a due date, newest first), with filters
 * and keyset pagination (fast at a million cases). */
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

/* Which cases, by their state, when no one state is asked for. */
enum queue_states {
	QUEUE_OPEN,   /* not closed (closed_on IS NULL): the queue */
	QUEUE_CLOSED, /* closed */
	QUEUE_ALL,
};

/* The organisation is always ctx->who's, and "today" ctx->now's date. */
struct queue_filter {
	long long unit_id;     /* 0: all units */
	long long assignee_id; /* 0: anyone; -1: nobody assigned */
	enum queue_states states;
	const char *state;     /* one state (law_states id), whatever `states`; NULL: any */
	const char *kind;
	const char *channel;
	/* Words, each found in the case number ("1431.14", "28.2026"), the
	 * subject or the content as the public register's search finds them
	 * (any inflected form, accents optional: "gadzety" finds "gadżetów";
	 * docs/register.md, "Search"), or in the requester's name or e-mail
	 * (folded, anywhere in them). Staff only: the requester's data is
	 * never searched for the public. */
	const char *q;
	const char *received_from; /* "YYYY-MM-DD": received on or after; NULL: no limit */
	const char *received_to;   /* "YYYY-MM-DD": received on or before */
	/* An instant as PostgreSQL reads a timestamptz ("2026-11-04T09:00:00Z"):
	 * cases whose state or letters changed at or after it
	 * (requests.updated_at; the staff API's "updated_since"); NULL: any. */
	const char *updated_since;
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
	/* A search's keyset instead (with after_id): its score and date received. */
	bool ranked_after;
	int after_score;
	const char *after_date; /* "YYYY-MM-DD" */
};

/* A page of the cases of ctx->who's organisation that ctx->who sees
 * (cases/scope.h) and `f` selects, ordered by due date (the nearest first),
 * then those with none: by id, or newest first unless f->states is
 * QUEUE_OPEN; a search (f->q) the most relevant first, then the newest
 * (date received, id). {"items": [...], "similar": bool (a search whose
 * words matched nothing shows the cases with words within a letter of
 * them), "next": {"due": ..., "id": ...} (a search: {"score", "date",
 * "id"}) or absent}.
 * Each item: id, case_number, subject, kind, state, state_label, channel,
 * received_on, closed_on (closed cases), unit, assignee, and the due date as
 * caseview_due() gives it, or "waiting" for an open case without one, and
 * "letter" when a step waits for its letter (cases/pending.h): „pismo do
 * wystawienia” or „pismo czeka na wysłanie”.
 * OUT_UNAVAILABLE or OUT_ERROR when it cannot be read. */
enum outcome queue_list(const struct svc_ctx *ctx, const struct queue_filter *f, json_t **out,
                        struct problem *p);

#endif
