/* SPDX-License-Identifier: EUPL-1.2 */
/* Days and instants as the seed keeps them: a legal date as a day number
 * (law_date_to_days), an instant as microseconds since the epoch (UTC). */
#ifndef SEED_WHEN_H
#define SEED_WHEN_H

#include <stdbool.h>
#include <stdint.h>

#include "law/date.h"

#define NO_DAY INT32_MIN
#define WHEN_STRLEN 40

static inline int32_t day_of(law_date_t d)
{
	return law_date_to_days(d);
}

/* The instant of `secs_of_day` seconds after midnight in Warsaw on `day`. */
int64_t warsaw_us(int32_t day, int secs_of_day);

/* "YYYY-MM-DD". */
void fmt_day(int32_t days, char out[LAW_DATE_STRLEN]);

/* "YYYY-MM-DD HH:MM:SS.uuuuuu+00" (for COPY), or with `iso` the form of
 * event_payload(), "YYYY-MM-DDTHH:MM:SS.uuuuuuZ"; returns the length. */
int fmt_us(int64_t us, bool iso, char out[WHEN_STRLEN]);

#endif
