/* SPDX-License-Identifier: EUPL-1.2 */
/* The controller's duties under the GDPR for requesters' personal data
 * (issue 17 §3; docs/privacy.md): retention and erasure. Services: each
 * owns its transaction unless it says it runs inside the caller's.
 *
 * Erasure of one case's requester: the requester row's personal fields
 * (name, e-mail, postal address, phone, and anything else identifying
 * them) are replaced by a placeholder, the case's documents' issued PDFs
 * and Markdown and the requester's attachments and mails are removed or
 * anonymised (public copies stay: they hold no personal data), the
 * tracking token stops working, and an event "privacy_erase" records it
 * (payload: the reason and counts, never personal data). The audit chain
 * stays verifiable: no event payload holds personal data (they reference
 * the requester by id), so `jawnosc audit verify` passes afterwards. */
#ifndef JAWNOSC_CASES_PRIVACY_H
#define JAWNOSC_CASES_PRIVACY_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/jobs.h"
#include "db/db.h"

/* Why an erasure cannot happen now (GDPR art. 17 ust. 3 lit. b: the
 * retention the law requires is still running). */
typedef enum privacy_refusal {
	PRIVACY_ERASE_OK = 0,
	PRIVACY_CASE_OPEN,          /* the case is not closed */
	PRIVACY_RETENTION_RUNNING,  /* closed, but its retention period has not ended */
	PRIVACY_ALREADY_ERASED,
	PRIVACY_NOT_FOUND,
} privacy_refusal_t;

/* Erases the personal data of case `request_id` of `org_id`, in the
 * caller's transaction on `c` (the caller holds no lock on the request
 * yet). `actor` is "system" or the user id as text; `reason` is stored in
 * the event. `force_retention` lets the data protection officer erase
 * before the retention period ends where another legal ground applies
 * (the reason must say which); an open case is never erased. Returns
 * DB_OK with *refusal set (PRIVACY_ERASE_OK when erased). An `actor` that
 * is neither "system" nor the id of a user of the organisation: DB_ERROR.
 * The event's actor is the user's role, so a new role (e.g. "iod") needs
 * its place in the events.actor CHECK. */
enum db_status privacy_erase_request(PGconn *c, arena_t *a, long long org_id, long long request_id,
                                     const char *actor, const char *reason, bool force_retention,
                                     privacy_refusal_t *refusal);

/* The refusal's reason in Polish, for the officer's page. */
const char *privacy_refusal_text(privacy_refusal_t r);

/* `reason` is kept in the hash-chained payload of the event for ever: it
 * must name the legal ground, never the person. What an erasure removes
 * and what it keeps: docs/privacy.md, "Retention and erasure". */

/* One round of the job "retention" (cases/jobs.c, every
 * JAWNOSC_RETENTION_POLL_MS): up to 20 closed cases whose retention period
 * has ended by today (the Warsaw date of clock_now(), so JAWNOSC_FAKE_NOW
 * in tests) and whose personal data are still there are erased, each in a
 * transaction of its own, by privacy_erase_request(..., "system", "Upłynął
 * okres przechowywania ...", false, ...). The period of a case: the years
 * organisations.retention_years gives its JRWA class (5 when not listed),
 * counted from 1 January of the year after it closed (migration 0020's
 * retention_end()). JOB_MORE when the batch was full. The first round
 * comes one period after the start (JOB_WAIT_FIRST), and a round does
 * nothing (JOB_FAILED, a warning in the log) while this server's clock and
 * the database's differ by more than a day, unless JAWNOSC_FAKE_NOW
 * freezes it: an erasure cannot be undone. */
enum job_result privacy_retention_job(void);

#endif
