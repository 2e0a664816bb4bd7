/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool clock_parse(const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	long long n = strtoll(s, &end, 10);
	if (*end == '\0' && end != s) {
		*out = n;
		return true;
	}
	struct tm tm = {0};
	int used = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 || s[used] != '\0')
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return false;
	*out = (int64_t)t;
	return true;
}

bool clock_frozen(void)
{
	int64_t fake;
	return clock_parse(getenv("JAWNOSC_FAKE_NOW"), &fake);
}

/* Seconds the fake clock has run since the process first looked at it. */
static int64_t fake_run(void)
{
	static _Atomic int64_t start = -1;
	const char *runs = getenv("JAWNOSC_FAKE_CLOCK_RUNS");
	if (!runs || strcmp(runs, "1") != 0)
		return 0;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = (int64_t)ts.tv_sec, first = -1;
	atomic_compare_exchange_strong(&start, &first, now);
	return now - atomic_load(&start);
}

int64_t clock_now(void)
{
	int64_t fake;
	if (clock_parse(getenv("JAWNOSC_FAKE_NOW"), &fake))
		return fake + fake_run();
	return (int64_t)time(NULL);
}
