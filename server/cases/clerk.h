/* The clerk's work on a case: the full view (personal data included), the
 * steps the law allows now with the inputs each needs, taking a step with
 * an optimistic version check, internal notes, and registering a request
 * that arrived by e-mail, post, ePUAP, phone or in person. Every query is
 * scoped to the clerk's organisation: another body's case is not found. */
#ifndef JAWNOSC_CASES_CLERK_H
#define JAWNOSC_CASES_CLERK_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdint.h>

#include "cases/filing.h"
#include "core/arena.h"
#include "law/error.h"

struct clerk {
	long long user_id;
	long long org_id;
	long long unit_id; /* 0: the whole organisation */
	const char *role;  /* "clerk", "manager", "admin" */
	const char *name;
};

enum clerk_result {
	CLERK_OK,
	CLERK_NOT_FOUND,
	CLERK_REFUSED, /* the law core's reason in *why */
	CLERK_STALE,   /* someone else acted first: the page must be reloaded */
	CLERK_INVALID, /* an input is wrong: message in *why */
	CLERK_UNAVAILABLE,
	CLERK_ERROR,
};

/* Everything about the case, and "actions": the steps the lifecycle table
 * offers in this state, each with the fields its form needs. */
enum clerk_result clerk_case(PGconn *c, arena_t *a, const struct clerk *who, long long id,
                             int64_t now, json_t **out);

struct clerk_input {
	const char *action;      /* law action id */
	const char *date;        /* the step's legal date, YYYY-MM-DD; empty: today */
	const char *sent;        /* requester's acts: dispatch date (KPA art. 57 §5) */
	const char *new_due;     /* extend */
	const char *text;        /* reasons, answer, what to clarify, ... */
	const char *assignee;    /* assign: user id */
	const char *amount;      /* fee_notice, offer: PLN, e.g. "12.50" */
	const char *legal_basis; /* refuse: a key of the list in clerk.c */
	const char *persons;     /* refuse: names and functions (UDIP art. 16 ust. 2) */
	const char *address;     /* published_in_bip: the BIP address */
	const char *term_days;   /* judgment_obliges */
	long version;
};

enum clerk_result clerk_act(PGconn *c, arena_t *a, const struct clerk *who, long long id,
                            const struct clerk_input *in, int64_t now, law_error_t *why);

/* An internal note in the timeline (never shown to the requester). */
enum clerk_result clerk_note(PGconn *c, arena_t *a, const struct clerk *who, long long id,
                             const char *text, law_error_t *why);

/* The bases a refusal may cite, for the form's list. */
json_t *clerk_refusal_bases(void);

#endif
