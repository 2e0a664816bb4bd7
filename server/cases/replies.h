/* SPDX-License-Identifier: EUPL-1.2 */
/* The mail of a case on the clerk's page (issue 19 §2, docs/inbound.md):
 * the messages the route job (cases/inbound_route.h) or a clerk attached
 * to it, with their arrival dates; the bounces of our mail; and, where the
 * case waits on the requester (law/answer.h), the answer that came, which
 * the clerk confirms in one step dated the day it arrived. */
#ifndef JAWNOSC_CASES_REPLIES_H
#define JAWNOSC_CASES_REPLIES_H

#include <jansson.h>
#include <libpq-fe.h>

#include "cases/context.h"
#include "core/arena.h"
#include "db/db.h"
#include "law/lifecycle.h"

/* Adds to the case view `view` of case `id` (kind and state as the view
 * has them): "mail" (each message: id, received_on, received_at, from,
 * subject, text, status, status_label, from_requester, attachments),
 * "has_mail", "bounces" (our messages that came back: subject, sent_on,
 * received_on, dispatch_failed) and "answers" (the replies that came
 * since the case began to wait on the requester, each with the steps
 * its one click may take: "steps" [{action, label}]). */
enum db_status replies_view(PGconn *c, arena_t *a, long long id, law_kind_t kind,
                            law_state_t state, json_t *view);

/* The clerk confirms that message `inbound_id`, a reply attached to case
 * `case_id`, is the requester's answer: the lifecycle's step `action`
 * (one of law_answer_actions() in the case's state) dated the message's
 * arrival (received_on), with the optimistic version check (`version` as
 * typed; NULL or "": none), in one transaction. Outcomes as clerk_act():
 * OUT_NOT_FOUND (no such case or reply there), OUT_INVALID (field
 * "action" or "version"), OUT_REFUSED (the case does not wait for this
 * answer any more, or the law's reason), OUT_STALE, OUT_UNAVAILABLE,
 * OUT_ERROR. */
enum outcome replies_confirm(const struct svc_ctx *ctx, long long case_id, long long inbound_id,
                             const char *action, const char *version, struct problem *p);

#endif
