/* SPDX-License-Identifier: EUPL-1.2 */
/* Routing a parsed inbound message (issue 19 §2, docs/inbound.md): a
 * reply to one of our letters (reply address, In-Reply-To/References, the
 * case number in the subject from the requester's address) is attached to
 * its case; a bounce of our mail marks what it carried as failed; an
 * auto-reply is put aside; anything else stays 'new' in the incoming
 * queue (/panel/poczta).
 *
 * The parse job (cases/inbound_parse.c) fills a message's parsed columns
 * and sets parsed_at; the route job picks messages with parsed_at set and
 * routed_at NULL, calls inbound_route() and sets routed_at, one
 * transaction each (FOR UPDATE SKIP LOCKED: several instances never route
 * one twice). */
#ifndef JAWNOSC_CASES_INBOUND_ROUTE_H
#define JAWNOSC_CASES_INBOUND_ROUTE_H

#include <libpq-fe.h>

#include "cases/jobs.h"
#include "db/db.h"

/* Routes message `id` (parsed, status 'new', row locked by the caller),
 * inside the caller's transaction. DB_OK when it was routed or left in
 * the queue. */
enum db_status inbound_route(PGconn *c, long long id);

/* The route job: up to a batch of parsed, unrouted messages. */
enum job_result inbound_route_job(void);

/* Attaches message `id` (status 'new', of organisation `org_id`) to case
 * `request_id` of the same organisation, inside the caller's transaction:
 * its status becomes `status` ("reply": the matcher or a clerk recognised
 * the requester's answer; "attached": a clerk attached it; "registered":
 * it became this new case), its readable parts (not inline images)
 * become the case's attachments (source 'mail', inbound_part_id), and the
 * case gets a "mail_received" event (actor/user as given; data: inbound
 * id, status, received_on, number of attachments; never the text nor the
 * sender). *found false when the message or the case is not there or the
 * message was handled already. */
enum db_status inbound_attach(PGconn *c, long long org_id, long long id, long long request_id,
                              const char *status, const char *actor, long long user_id,
                              bool *found);

#endif
