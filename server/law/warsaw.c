/* SPDX-License-Identifier: EUPL-1.2 */
#include "law/warsaw.h"

#define DAY 86400
/* Instants further than this from 1970 are refused before any day count
 * (which is an int32) could overflow; about 8000 years. */
#define LIMIT ((int64_t)DAY * 3000000)

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* 01:00 UTC on the last Sunday of `month` in `year`. */
static int64_t last_sunday_0100_utc(int year, int month)
{
	law_date_t d = {year, month, law_days_in_month(year, month)};
	d = law_date_add_days(d, -(law_weekday(d) % 7)); /* ISO 7 = Sunday → 0 */
	return (int64_t)law_date_to_days(d) * DAY + 3600;
}

int law_warsaw_offset(int64_t t)
{
	if (t < -LIMIT || t > LIMIT)
		return 3600;
	law_date_t utc = law_date_from_days((int32_t)floor_div(t, DAY));
	/* Summer time ended in September until 1995 and in October from 1996. */
	int end_month = utc.y >= 1996 ? 10 : 9;
	int64_t start = last_sunday_0100_utc(utc.y, 3);
	int64_t end = last_sunday_0100_utc(utc.y, end_month);
	return t >= start && t < end ? 7200 : 3600;
}

bool law_warsaw_date(int64_t unix_seconds, law_date_t *out)
{
	if (unix_seconds < -LIMIT || unix_seconds > LIMIT)
		return false;
	int64_t local = unix_seconds + law_warsaw_offset(unix_seconds);
	law_date_t d = law_date_from_days((int32_t)floor_div(local, DAY));
	if (!law_date_in_range(d))
		return false;
	*out = d;
	return true;
}
