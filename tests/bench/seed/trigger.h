/* The work of the database triggers that are off while COPY loads the
 * tables, done here instead: each is a copy of one trigger's logic, in one
 * function, computing from the simulated case what the trigger would have
 * written. They stay copies because the triggers run in SQL, row by row,
 * and the load is COPY with them switched off (main.c lists them): with
 * events_chain on, every event would lock and update its body's row of
 * event_chain, and with the triggers on terms every term would update its
 * request, already written frozen by COPY (tens of millions of row updates
 * for a million cases). A change to one of these triggers must be made here
 * too: tests/integration/test_seed_scale.c compares the results with the
 * definitions, and `jawnosc audit verify` recomputes the chain. */
#ifndef SEED_TRIGGER_H
#define SEED_TRIGGER_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/* requests.due_on as terms_nearer_due and terms_refresh_due keep it
 * (requests_nearer_due(), requests_refresh_due(); migrations 0004, 0010,
 * 0013): the earliest due date of the body's open terms; NO_DAY for none. */
int32_t trigger_due_on(const struct sim *x);

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
