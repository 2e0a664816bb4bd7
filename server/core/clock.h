/* The current time, with one override for tests: JAWNOSC_FAKE_NOW set to
 * Unix seconds or "YYYY-MM-DDTHH:MM:SSZ" freezes the clock, so that due
 * dates and dashboards can be tested on chosen days. */
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
