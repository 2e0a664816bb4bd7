/* SPDX-License-Identifier: EUPL-1.2 */
/* Dispatch of issued documents (issue 18, docs/dispatch.md): the clerk
 * chooses a channel the law core allows (law/dispatch.h), a row of
 * `dispatches` is written with an event on the case's timeline, and the
 * channel's transport moves it on: the outbox for e-mail, the tracking
 * page, a printed registered letter the clerk posts, e-Doręczenia (the
 * job of cases/edoreczenia, which calls dispatch_record_delivery() when
 * the evidence arrives), or handing it over in person. The delivery date
 * that starts the requester's terms comes from the evidence and is written
 * to `deliveries` with the dispatch and the rule applied. */
#ifndef JAWNOSC_CASES_DISPATCH_H
#define JAWNOSC_CASES_DISPATCH_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/context.h"
#include "core/arena.h"
#include "db/db.h"
#include "law/dispatch.h"

/* Records that dispatch `dispatch_id` was delivered on `date`
 * (YYYY-MM-DD, Europe/Warsaw) under `rule` (a delivery_rule of migration
 * 0024: "evidence", "deemed_edoreczenia", "return_receipt", "deemed_kpa44",
 * "email", "tracking_page", "in_person"), inside the caller's transaction:
 * writes the `deliveries` row (dispatch_id, rule), sets the dispatch's
 * state (delivered, or deemed for the deemed_* rules), delivered_on and
 * delivery_rule, appends the event "dispatch_delivered" to the case's
 * timeline, and takes the lifecycle's step record_delivery as the system
 * when the law offers one, so the requester's term starts from `date`.
 * Locks the case row (FOR UPDATE): call it before other locks on the
 * case, or with the case already locked.
 * DB_OK also when the dispatch was already delivered (nothing is written
 * again: the call is idempotent); DB_ERROR for an unknown dispatch, a bad
 * date or an unknown rule (logged); other statuses as db_exec(). */
enum db_status dispatch_record_delivery(PGconn *c, arena_t *a, long long dispatch_id,
                                        const char *date, const char *rule);

/* Whether issued document `document_id` is a decision without its signed
 * version yet (cases/signature.h): then an electronic channel (e-Doręczenia,
 * the hybrid service) must not carry it until it is signed (KPA art. 107
 * §1 pkt 8, art. 14 §1a); its dispatch waits. One or two queries on `c`. */
enum db_status dispatch_awaits_signature(PGconn *c, long long document_id, bool *waits);

/* Polish labels: a channel's (law/dispatch.h), a dispatch's state
 * ("nadane, czeka na potwierdzenie odbioru"). */
const char *dispatch_channel_label(const char *channel);
const char *dispatch_state_label(const char *channel, const char *state);

/* ---- Inside the issuing transaction (cases/letters.c) ------------------- */

/* The channel chosen for a document and what its transport needs. */
struct dispatch_plan {
	law_dispatch_channel_t channel;
	law_document_t doc;
	const char *doc_type, *title;
	const char *case_number, *org_name;
	const char *name, *email, *postal, *ade; /* the requester's, "" when none */
	law_dispatch_situation_t situation;
	/* The document is addressed to an appeal body or a court (law
	 * lifecycle's addressee): it is not dispatched to the requester, and
	 * dispatch_start() writes nothing. */
	bool elsewhere;
};

/* Plans the dispatch of document `document_id` (type `doc_type`, title
 * `title`) of case `request_id` by `channel` as the clerk chose it (NULL
 * or "": the law's default, law_dispatch_default()). *allowed false with
 * `why` when the law refuses it (law_dispatch_allowed(), or a decision
 * not signed for an electronic channel): nothing is written. */
enum db_status dispatch_plan(PGconn *c, arena_t *a, long long request_id, long long document_id,
                             const char *doc_type, const char *title, const char *channel,
                             struct dispatch_plan *plan, bool *allowed, law_error_t *why);
/* Writes the planned dispatch of an issued document and starts its
 * transport, in the caller's transaction: e-mail queues the message with
 * the PDF in the outbox (state sent), the tracking page delivers at once
 * (the document is listed there), a registered letter waits for the clerk
 * to print and post it, e-Doręczenia and the hybrid service wait for their
 * job, in person for the receipt. Appends the event "dispatch". `now` is
 * the request's instant (the tracking page's delivery date). DB_CONFLICT
 * when the document already has a live dispatch by that channel. */
enum db_status dispatch_start(PGconn *c, arena_t *a, const struct actor *who, long long request_id,
                              long long document_id, int seq, const struct dispatch_plan *plan,
                              int64_t now, long long *dispatch_id);
/* Adds to `out` what the document's page shows of dispatch: "dispatches"
 * (each with its state, evidence and the clerk's next steps), "channels"
 * (every channel with whether the law allows it and why not, the default
 * "selected"), "starts_term", "can_dispatch" (no live dispatch yet). */
enum db_status dispatch_view(PGconn *c, arena_t *a, long long request_id, long long document_id,
                             const char *doc_type, const char *title, json_t *out);

/* ---- The clerk's steps (each its own transaction) ----------------------- */

/* Every entry point works on document `seq` of case `request_id` that
 * ctx->who sees (cases/scope.h) and answers OUT_NOT_FOUND (no such issued
 * document or dispatch there), OUT_INVALID (a field: "channel", "number",
 * "date"), OUT_REFUSED (the law's reason and code), OUT_CONFLICT (the
 * dispatch is not in the state the step needs, or already live),
 * OUT_UNAVAILABLE, OUT_ERROR. */

/* Dispatches an issued document by `channel` (NULL or "": the default). */
enum outcome dispatch_send(const struct svc_ctx *ctx, long long request_id, int seq,
                           const char *channel, struct problem *p);
/* A registered letter handed to the post office on `date` with the
 * dispatch number `number` (the label's, e.g. "RR123456789PL"). */
enum outcome dispatch_posted(const struct svc_ctx *ctx, long long request_id, int seq,
                             long long dispatch_id, const char *number, const char *date,
                             struct problem *p);
/* The date on the return receipt of a registered letter, or the date a
 * document was handed over in person (KPA art. 46 §1): recorded with
 * dispatch_record_delivery()'s effects, by the clerk. */
enum outcome dispatch_receipt(const struct svc_ctx *ctx, long long request_id, int seq,
                              long long dispatch_id, const char *date, struct problem *p);
/* A registered letter returned not collected, first notified on
 * `notice_date` and notified again on `second_notice` (KPA art. 44 §3: from
 * the 8th to the 14th day after the first; without it nothing is deemed
 * delivered): deemed delivered on law_dispatch_deemed_kpa44() of the first
 * (KPA art. 44 §4), which must not be after today. */
enum outcome dispatch_returned(const struct svc_ctx *ctx, long long request_id, int seq,
                               long long dispatch_id, const char *notice_date,
                               const char *second_notice, struct problem *p);
/* The registered letter to print: an address sheet with the requester's
 * address at the window of a DL envelope, the issued document, and the
 * return receipt (potwierdzenie odbioru) for a delivery under the KPA. */
enum outcome dispatch_letter_pdf(const struct svc_ctx *ctx, long long request_id, int seq,
                                 long long dispatch_id, const char **pdf, size_t *len,
                                 struct problem *p);

/* The book of registered dispatches (książka nadawcza): registered letters
 * of the organisation's cases that ctx->who sees, posted from `from` to
 * `to` (YYYY-MM-DD, both included; a bad or missing date: today), in the
 * order posted. {"from", "to", "items": [{"no", "name", "address",
 * "number", "case_number", "seq", "title", "posted_on", "state"}]}. */
enum outcome dispatch_book(const struct svc_ctx *ctx, const char *from, const char *to,
                           json_t **out, struct problem *p);
/* The same as a PDF for the post office. */
enum outcome dispatch_book_pdf(const struct svc_ctx *ctx, const char *from, const char *to,
                               const char **pdf, size_t *len, struct problem *p);

#endif
