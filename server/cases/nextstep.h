/* SPDX-License-Identifier: EUPL-1.2 */
/* "What happens next" on the tracking page (issue 21 item 9): for the
 * state a case is in, one or two sentences in plain Polish saying what
 * the office is doing, by when, and what the requester can do now; and,
 * while the office waits on the requester, the requester's own window
 * (to clarify, to complete, to appeal, ...) with its last day.
 *
 * Pure: reads the case's view as track_load() builds it ("state", "terms"
 * with kind, side, due_on and state, "actions", "court_complaint", "no_kpa":
 * a case of public information at a body that is not an organ of public
 * authority, whose acts are rozstrzygnięcia, UDIP art. 17 ust. 1) and the
 * day; writes nothing but into `a`. */
#ifndef JAWNOSC_CASES_NEXTSTEP_H
#define JAWNOSC_CASES_NEXTSTEP_H

#include <jansson.h>

#include "core/arena.h"
#include "law/date.h"

/* {"text": "...", "requester_window": {"label", "due_on", "due_text"}}:
 * the window only while one of the requester's own terms runs. A state
 * the table does not know gets a plain sentence naming it; never NULL. */
json_t *nextstep_of(arena_t *a, json_t *view, law_date_t today);

/* "9 grudnia 2026 r. (środa)" for "2026-12-09"; the text itself when it is
 * not a date. */
const char *nextstep_date_text(arena_t *a, const char *iso);

#endif
