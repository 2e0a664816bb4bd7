/* SPDX-License-Identifier: EUPL-1.2 */
/* The clerk's work on a case: the full view (personal data included), the
 * steps the law allows now with the inputs each needs, taking a step with
 * an optimistic version check, internal notes, and registering a request
 * that arrived by e-mail, post, ePUAP, phone or in person. Every query is
 * scoped to the clerk's organisation, and to their unit where the
 * organisation says so (cases/scope.h): any other case is not found. */
#ifndef JAWNOSC_CASES_CLERK_H
#define JAWNOSC_CASES_CLERK_H

#include <jansson.h>
#include <stdint.h>

#include "cases/context.h"
#include "cases/filing.h"
#include "core/arena.h"

/* Every entry point takes the context of a signed-in staff member
 * (ctx->who), gets the thread's connection itself and returns an outcome;
 * the problem says what is wrong for anything but OUT_OK:
 *   OUT_NOT_FOUND   no such case that ctx->who sees (cases/scope.h);
 *   OUT_INVALID     an input is wrong: a field error at the input's name
 *                   ("date", "text", "version", ...), the code of the
 *                   check in problem.code;
 *   OUT_REFUSED     the law core refuses the step now: its reason and code;
 *   OUT_STALE       someone else acted first (code "stale_version"): the
 *                   page must be reloaded;
 *   OUT_UNAVAILABLE, OUT_ERROR. */

/* Everything about the case, and "actions": the steps the lifecycle table
 * offers in this state, each with the fields its form needs; "today" is
 * ctx->now's date in Warsaw. */
enum outcome clerk_case(const struct svc_ctx *ctx, long long id, json_t **out,
                        struct problem *p);

struct clerk_input {
	const char *action;      /* law action id */
	const char *date;        /* the step's legal date, YYYY-MM-DD; empty: today */
	const char *sent;        /* requester's acts: dispatch date (KPA art. 57 §5) */
	const char *sent_channel; /* how it came (law/sent.h ids); required when `sent`
	                            is before `date`: a courier's date does not count */
	const char *new_due;     /* extend */
	const char *text;        /* reasons, answer, what to clarify, ... */
	const char *assignee;    /* assign: user id */
	const char *amount;      /* fee_notice, offer: PLN, e.g. "12.50" */
	const char *legal_basis; /* refuse: a key of the list in clerk.c */
	const char *persons;     /* refuse: names and functions (UDIP art. 16 ust. 2) */
	const char *address;     /* published_in_bip: the BIP address */
	const char *term_days;   /* judgment_obliges */
	const char *name;        /* record_identity: the requester's name (issue 20 item 12) */
	const char *postal_address; /* record_identity: their address for correspondence */
	const char *restore_request; /* appeal, request_reconsideration after the term:
	                                "tak" = with a request to restore it (KPA art. 58) */
	const char *judgment_on; /* the court's steps: the judgment's date, YYYY-MM-DD */
	const char *version;     /* the case's version the form was drawn at, as
	                            typed; NULL or "": no check */
};

/* Takes a step, with the optimistic version check, in one transaction. A
 * step whose lifecycle row needs a letter does not change the case yet: its
 * draft is written and the step waits for the letter to leave the body
 * (cases/pending.h); the draft's number in *letter_seq (may be NULL; 0 for
 * a step without a letter). While another step waits, a step with a letter
 * is OUT_REFUSED, code "letter_pending". */
enum outcome clerk_act(const struct svc_ctx *ctx, long long id, const struct clerk_input *in,
                       int *letter_seq, struct problem *p);

/* An internal note in the timeline (never shown to the requester); field "text". */
enum outcome clerk_note(const struct svc_ctx *ctx, long long id, const char *text,
                        struct problem *p);

/* Registers a request that came by another channel (e-mail, post, ePUAP,
 * phone, in person) as a filing of ctx->who's organisation, recorded as
 * theirs. `in` is validated as filing_validate() does (its strings become
 * trimmed copies), plus "channel" (one a clerk registers: law/channel.h) and
 * "received_on" (YYYY-MM-DD, not after today: terms count from the day the
 * request reached the body, not from data entry). The new case's id in
 * *request_id. The case is the unit's that receives online requests, or,
 * where staff see only their unit's cases, the clerk's own unit. */
enum outcome clerk_register(const struct svc_ctx *ctx, struct filing_input *in,
                            const char *received_on, const char *base_url,
                            long long *request_id, struct problem *p);

/* The same for a request whose instant of receipt the caller knows
 * (in->received_at, Unix seconds, not after ctx->now) and whose channel it
 * sets (a message of the incoming queue: cases/inbox.c); `in` is validated
 * by filing_create(), and in->then, when set, runs in its transaction.
 * For both, `base_url` is the deployment's address (JAWNOSC_BASE_URL): the
 * link the acknowledgement carries goes to the body's own host on it
 * (org_base_url()). */
enum outcome clerk_register_received(const struct svc_ctx *ctx, struct filing_input *in,
                                     const char *base_url, long long *request_id,
                                     struct problem *p);

/* The bases a refusal may cite, for the form's list. */
json_t *clerk_refusal_bases(void);

/* Whether a refusal on basis `key` ("privacy") names those who took a
 * position and the protected parties (UDIP art. 16 ust. 2 pkt 2: privacy and
 * business secrets only); false for any other or unknown key. */
bool clerk_basis_names_parties(const char *key);

#endif
