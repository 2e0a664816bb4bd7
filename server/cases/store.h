/* SPDX-License-Identifier: EUPL-1.2 */
/* Writing what the law core decided: terms started, stopped, cancelled or
 * passed, and the audit event of each step. Shared by every service that
 * takes an action on a case; each call runs inside the caller's transaction. */
#ifndef JAWNOSC_CASES_STORE_H
#define JAWNOSC_CASES_STORE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "cases/org.h"
#include "db/db.h"
#include "law/lifecycle.h"

/* Appends an event (the hash chain is computed by the database). `data` is
 * borrowed and may be NULL. `user_id` 0 means none. Its members that may
 * be personal ("text", "persons") go to event_details, outside the hash
 * chain (the payload keeps their salted SHA-256, "details_sha256"), so an
 * erasure removes them and `audit verify` still passes; read an event's
 * whole data with the SQL function event_data(e) (migration 0020). */
enum db_status store_event(PGconn *c, long long org_id, long long request_id, const char *actor,
                           long long user_id, const char *action, const char *from_state,
                           const char *to_state, json_t *data);

/* Applies the outcome's term effects; `date` is the action's legal date. */
enum db_status store_apply_effects(PGconn *c, long long org_id, long long request_id,
                                   const law_outcome_t *out, law_date_t date);

/* The state a term takes from an effect that ends it (stopped, expired or
 * cancelled): "met", "missed", "passed" or "cancelled". */
const char *store_term_end_state(const law_term_effect_t *e);

/* How a term's state reads ("biegnie", "dotrzymany", ...): to staff, or
 * (`public`) on the public register, which says a cancelled term does not
 * apply rather than that it no longer runs. An unknown state as it is. */
const char *store_term_state_label(const char *state, bool public);

/* The requester's remedy against the decisions of a case, as SQL text
 * ('appeal', 'reconsideration' or 'court_complaint'): `unit_remedy` (an
 * expression: the case's unit's own, units.remedy, or NULL) else the
 * policy of organisation `o` (an alias of organisations or of a view of
 * it), and 'court_complaint' for a body that is not an organ of public
 * authority (organisations.public_authority, UDIP art. 17 ust. 1). The
 * one rule the lifecycle (store_law_case()), the letters and the public
 * procedure page share. */
#define STORE_REMEDY_SQL(o, unit_remedy)                                                           \
	"CASE WHEN " o ".public_authority THEN coalesce(" unit_remedy ", " o ".policy_remedy) "    \
	"ELSE 'court_complaint' END"

/* A case of kind `kind` (an SQL expression) of organisation `o` whose acts
 * are rozstrzygnięcia, not decisions: public information at a body that is
 * not an organ of public authority (UDIP art. 16 ust. 1, art. 17 ust. 1;
 * law_document_title()). Re-use keeps the decision (docs/legal-review.md). */
#define STORE_NO_KPA_SQL(o, kind)                                                                  \
	"(NOT " o ".public_authority AND " kind " = 'public_information')"

/* The requester's name and postal address, given after the filing (issue 20
 * item 12): kept in the request's requester row (made if there is none). */
enum db_status store_requester_identity(PGconn *c, long long org_id, long long request_id,
                                        const char *name, const char *postal_address);

/* Fills the law core's view of a case: its open terms from the database,
 * kind, state, received date and the organisation's policy, with the
 * remedy of STORE_REMEDY_SQL() for the case's unit, whether the party is
 * identified (issue 20 item 12), and whether a re-use request asks for
 * standing access (requests.reuse_standing). */
enum db_status store_law_case(PGconn *c, long long request_id, const struct org *org,
                              const char *kind, const char *state, law_date_t received,
                              law_case_t *out);

/* The remedy a value of STORE_REMEDY_SQL() names. */
law_remedy_t store_remedy(const char *id); /* NULL: the appeal */

/* "YYYY-MM-DD" of a law date into buf[LAW_DATE_STRLEN]. */
const char *store_date(law_date_t d, char *buf);

#endif
