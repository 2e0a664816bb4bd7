/* SPDX-License-Identifier: EUPL-1.2 */
/* How a requester's paper reached the body, and whether its dispatch date
 * meets a term (KPA art. 57 §5; LAW.md §2). Only what §5 names counts by
 * the date sent: posting at the designated operator (Poczta Polska) or at
 * an EU universal-service provider (pkt 2), an electronic filing with an
 * official receipt — UPO, e-Doręczenia (pkt 1), a consul, a soldier's
 * commander, a ship's captain, a prison's administration (pkt 3-6). A
 * courier is none of these: the date the body received it counts. One
 * table: the ids stored in an event's "sent_channel", the Polish names
 * the clerk's form shows, and the rule. */
#ifndef JAWNOSC_LAW_SENT_H
#define JAWNOSC_LAW_SENT_H

#include <stdbool.h>

#include "law/date.h"

struct law_sent_channel {
	const char *id;
	const char *label;  /* Polish, for the form and the timeline */
	bool dispatch_counts; /* the date sent meets a term (KPA art. 57 §5) */
	const char *basis;  /* Polish, why */
};

/* Ends with a row whose id is NULL. */
extern const struct law_sent_channel law_sent_channels[];

/* The row of `id`, or NULL. */
const struct law_sent_channel *law_sent_channel(const char *id);

/* The date that decides whether the requester met a term: `sent` when the
 * channel's dispatch date counts (and `sent` is set), else `received`. */
law_date_t law_sent_effective(const struct law_sent_channel *ch, law_date_t sent,
                              law_date_t received);

#endif
