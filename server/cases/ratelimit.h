/* SPDX-License-Identifier: EUPL-1.2 */
/* Per-address limits in fixed windows, counted in the table rate_limits
 * (migration 0002; unlogged since 0013: its counters matter for minutes
 * and only on the primary). The filing's limit counts in the same table
 * inside its own one-trip statement (cases/filing.c); this is the same
 * counter for anything else. The reminder job deletes the windows that are
 * over (cases/reminders.c). */
#ifndef JAWNOSC_CASES_RATELIMIT_H
#define JAWNOSC_CASES_RATELIMIT_H

#include <stdint.h>

#include "core/outcome.h"

/* Counts one use of `purpose` ("search", ...) by `address` in the window of
 * `window` seconds that holds `now` (the service's instant: clock_now(),
 * so a frozen clock keeps every request in one window). An IPv6 address
 * counts by its /64 (one subscriber's network); anything else as given.
 * OUT_OK within `limit`; OUT_RATE_LIMITED past it, with *retry_after the
 * seconds until the window is over (at least 1). A database that cannot
 * be asked lets the use through (logged once per run of failures): the
 * limit protects the database, it must not take the public pages down
 * with the primary. An empty or NULL address is not counted. */
enum outcome ratelimit_take(const char *purpose, const char *address, long limit, int window,
                            int64_t now, int *retry_after);

#endif
