/* SPDX-License-Identifier: EUPL-1.2 */
/* The ways a request reaches the body. Any form of request counts (UDIP
 * art. 2 ust. 1; LAW.md §3) and the channel is recorded with the date
 * received. One table: the ids stored in requests.channel, their Polish
 * names (long on case pages and forms, short in charts, statistics and
 * filters) and whether a clerk registers it (everything but the online
 * form and the API, which file themselves). */
#ifndef JAWNOSC_LAW_CHANNEL_H
#define JAWNOSC_LAW_CHANNEL_H

#include <stdbool.h>

struct law_channel {
	const char *id;
	const char *label;       /* "poczta elektroniczna" */
	const char *short_label; /* "e-mail" */
	bool by_staff;
};

/* Ends with a row whose id is NULL. */
extern const struct law_channel law_channels[];
#define LAW_NCHANNELS 7

/* The row of `id`, or NULL. */
const struct law_channel *law_channel(const char *id);

#endif
