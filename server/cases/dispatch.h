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

#endif
