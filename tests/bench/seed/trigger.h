/* SPDX-License-Identifier: EUPL-1.2 */
/* The work of the two database triggers that are off while COPY loads the
 * tables, done here instead: each a copy of one trigger's logic in one
 * function, computing from the simulated case what the trigger would have
 * written. They stay copies because the triggers run in SQL, row by row,
 * and left on they make the load far slower (measured with 100,000 cases
 * in 50 bodies, 14.7 s for the whole load with both off):
 * - events_chain: every event updates its body's one row of event_chain,
 *   inside the load's one transaction, so each update walks the versions
 *   the earlier ones left: after 14 minutes the COPY of 513,000 events had
 *   reached the 320,000th;
 * - terms_note_answer: an UPDATE of the request for nearly every request
 *   (its answer term ended): 26.1 s, +76 %.
 * (terms_nearer_due stays on: it sets requests.due_on for the open terms
 * only, at no measurable cost; events_touch_publication is off because
 * the publications are loaded after the events, and publish.c writes the
 * changed_at it would keep.) A change to one of these triggers must be made
 * here too: test_seed_scale compares answered_on_time with the terms, and
 * `jawnosc audit verify` recomputes the chain. */
#ifndef SEED_TRIGGER_H
#define SEED_TRIGGER_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/* requests.answered_on_time as terms_note_answer keeps it
 * (requests_note_answer(), migration 0008): from the answer term a step
 * ended last, 1 met, 0 missed, -1 (NULL) otherwise. */
int trigger_answered_on_time(const struct sim *x);

/* An event's columns as event_payload() reads them ("" for NULL). */
struct event_text {
	long long id, org_id, request_id;
	int64_t at_us;
	const char *actor, *user, *action, *from, *to;
	const char *data; /* as jsonb prints it (jsonb.h) */
};

/* The hash events_chain() gives the event (migrations 0002, 0010, 0013):
 * SHA-256 of the body's previous hash (`prev_len` 0 for its first event)
 * followed by event_payload(), the columns joined with '|'. */
void trigger_events_chain(const unsigned char *prev, size_t prev_len, const struct event_text *e,
                          unsigned char hash[32]);

#endif
