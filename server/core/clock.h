/* SPDX-License-Identifier: EUPL-1.2 */
/* The current time, with one override for tests: JAWNOSC_FAKE_NOW set to
 * Unix seconds or "YYYY-MM-DDTHH:MM:SSZ" freezes the clock, so that due
 * dates and dashboards can be tested on chosen days. With
 * JAWNOSC_FAKE_CLOCK_RUNS=1 too, the clock starts there (at the process's
 * first look) and runs on: a test sees a running server's day turn over. */
#ifndef JAWNOSC_CORE_CLOCK_H
#define JAWNOSC_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds since the epoch (frozen when JAWNOSC_FAKE_NOW is set). */
int64_t clock_now(void);
/* True when JAWNOSC_FAKE_NOW freezes the clock (tests). */
bool clock_frozen(void);
/* Parses "YYYY-MM-DDTHH:MM:SSZ" or a plain number of seconds. */
bool clock_parse(const char *s, int64_t *out);

#endif
