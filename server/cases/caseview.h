/* SPDX-License-Identifier: EUPL-1.2 */
/* Building the JSON view of a case, shared by the citizen's page (which
 * must never see internal notes, drafts or personal data beyond the
 * requester's own) and the clerk's case view. Each function adds members
 * to `view` and runs read-only queries. */
#ifndef JAWNOSC_CASES_CASEVIEW_H
#define JAWNOSC_CASES_CASEVIEW_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "law/date.h"

enum caseview_audience { CASEVIEW_REQUESTER, CASEVIEW_STAFF };

/* The label of state `id`; `no_kpa`: as a body that is not an organ of
 * public authority names it (org_no_kpa(), law_state_label()). */
const char *caseview_state_label(const char *id, bool no_kpa);
law_date_t caseview_today(int64_t now);

/* A due date as every staff page shows it (issue 21): sets on `item`
 * due_on, weekday, days_left (working days from today; negative when
 * overdue), due_today, overdue, days_overdue (law_days_overdue(): calendar
 * days after the last day) and due_text: "dziś", "2 dni robocze" (to go)
 * or "3 dni po terminie". Nothing for an unset `due`. */
void caseview_due(json_t *item, law_date_t due, law_date_t today);

/* How a requester asked to be answered (requests.delivery,
 * documents.delivery): "e-mail", "poczta", "strona sprawy". */
const char *caseview_delivery_label(const char *id);

/* subject, content, form, delivery, closed_on, purpose, format, manner. */
enum db_status caseview_details(PGconn *c, long long id, json_t *view);
/* "terms": every term with its reasoning, state label, overdue flag. */
enum db_status caseview_terms(PGconn *c, long long id, law_date_t today, json_t *view);
/* "events": the timeline. Staff also see internal notes, who acted and
 * every detail recorded with a step. */
enum db_status caseview_events(PGconn *c, long long id, enum caseview_audience who, json_t *view);
/* "documents" and "has_documents": issued ones; staff also see drafts. */
enum db_status caseview_documents(PGconn *c, long long id, enum caseview_audience who,
                                  json_t *view);
/* "pleading": the requester's latest appeal or request for
 * reconsideration filed through the tracking page (KPA art. 63 §3: it is
 * not signed), when there is one: its label ("odwołanie"), the day filed,
 * "unsigned" while the case waits for its signature (states
 * pleading_unsigned, signature_called), "called" after the call to sign,
 * "signature_due_on" while the 7 days run (KPA art. 64 §2), and for staff
 * "accepted_note": the organisation's legal note when its policy accepted
 * the pleading unsigned (recorded with the step). Nothing when there is
 * none. */
enum db_status caseview_pleading(PGconn *c, long long id, enum caseview_audience who,
                                 json_t *view);

#endif
