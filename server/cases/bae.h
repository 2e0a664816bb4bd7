/* SPDX-License-Identifier: EUPL-1.2 */
/* The requester's electronic delivery address from the BAE (baza adresów
 * elektronicznych), issue 18 §3, docs/dispatch.md "The BAE lookup".
 *
 * A public body delivers to the address a party has in the BAE (art. 4
 * ustawy o doręczeniach elektronicznych, KPA art. 39¹). So before a
 * document goes to a requester who gave no address, the search engine is
 * asked (edor_lookup(), by name and postal address) and its answer kept on
 * the requester: requesters.ade_address with ade_source 'bae', the time in
 * bae_checked_at, or no address; an attempt without an answer in
 * bae_failed_at ("nie sprawdzono"). The law core's default channel
 * (law/dispatch.h) then picks e-Doręczenia for an address found.
 *
 * The network call is never made inside a transaction: bae_refresh() asks
 * first, then writes the answer in a short transaction of its own, and the
 * caller's transaction (viewing, issuing, dispatching) comes after. An
 * answer counts for JAWNOSC_EDORECZENIA_LOOKUP_TTL seconds; after a failed
 * attempt the next one is made no sooner than BAE_RETRY_SECONDS later,
 * unless the clerk asks (`force`), so a page of a body whose search engine
 * is down does not wait on it each time. Each answer or failure is an
 * event BAE_EVENT on the case's timeline, without the address or the
 * person's data in it. */
#ifndef JAWNOSC_CASES_BAE_H
#define JAWNOSC_CASES_BAE_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "cases/context.h"
#include "core/arena.h"
#include "db/db.h"

#define BAE_EVENT "bae_lookup"
#define BAE_RETRY_SECONDS 300

/* Brings the lookup of case `request_id`'s requester up to date before
 * its document `seq` is dispatched: asks the search engine when it is
 * configured, the document goes to the requester and is not on its way
 * yet (a draft, or issued without a live dispatch), the requester gave no
 * address themselves, their name and postal address are known, and no
 * answer younger than the TTL is kept (`force`: whatever its age, and
 * also right after a failure). A failing search engine is not an error
 * of this call: the failure is recorded and shown. OUT_OK (also when
 * nothing was to be asked), OUT_NOT_FOUND (no such case or document that
 * ctx->who sees), OUT_UNAVAILABLE, OUT_ERROR (the database). */
enum outcome bae_refresh(const struct svc_ctx *ctx, long long request_id, int seq, bool force,
                         struct problem *p);

/* Inside the caller's transaction: adds "bae" to a document's view, what
 * the clerk reads of the requester's address — {"address", "checked_at",
 * "failed_at" (Warsaw "YYYY-MM-DD HH:MI", "" when none), one of the flags
 * "found", "given", "not_found", "unchecked", "no_data", and "can_check"
 * (the button to ask again)}. Nothing when the lookup is not configured
 * and the requester has no address. */
enum db_status bae_view(PGconn *c, long long request_id, json_t *out);

#endif
