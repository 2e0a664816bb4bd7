/* SPDX-License-Identifier: EUPL-1.2 */
/* The legal date of an instant: its calendar date in Europe/Warsaw (LAW.md
 * §2: a form submitted at 23:30 UTC on 31 December was received on 1 January).
 *
 * No tzdata and no I/O: the offset comes from the rules Poland has followed
 * since 1988, which tzdata also records:
 *   - standard time CET, UTC+1;
 *   - summer time CEST, UTC+2, from the last Sunday of March, 01:00 UTC,
 *   - to the last Sunday of October, 01:00 UTC, from 1996 (EU rule,
 *     Directive 2000/84/EC and its predecessors),
 *   - to the last Sunday of September, 01:00 UTC, in 1988-1995.
 * The answer is right for every instant whose Warsaw date lies in 1990..2100,
 * provided the EU keeps its summer-time rule; if that changes, this file
 * changes with it. */
#ifndef JAWNOSC_LAW_WARSAW_H
#define JAWNOSC_LAW_WARSAW_H

#include <stdbool.h>
#include <stdint.h>

#include "law/date.h"

/* Seconds east of UTC in Warsaw at `unix_seconds`: 3600 or 7200.
 * Meaningful for instants from 1988 on. */
int law_warsaw_offset(int64_t unix_seconds);

/* The Warsaw date of the instant `unix_seconds` (seconds since 1970-01-01
 * 00:00 UTC). False, with `*out` untouched, when that date is outside
 * 1990..2100. */
bool law_warsaw_date(int64_t unix_seconds, law_date_t *out);

#endif
