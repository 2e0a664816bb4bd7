/* SPDX-License-Identifier: EUPL-1.2 */
/* The event log: every event of the model sorted by time (ids follow time
 * across all bodies, as in a live system), with its data as the services
 * write it and its link in the body's hash chain; then each body's chain
 * head (event_chain). */
#ifndef SEED_EVENTS_H
#define SEED_EVENTS_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "model.h"
#include "progress.h"

/* Ids from m->first_event on; `freeze`: COPY ... WITH (FREEZE). */
bool events_copy(PGconn *c, struct model *m, struct progress *p, bool freeze);

#endif
