/* SPDX-License-Identifier: EUPL-1.2 */
#include "law/date.h"

#include <stdio.h>

bool law_date_is_set(law_date_t d)
{
	return d.y != 0 || d.m != 0 || d.d != 0;
}

bool law_is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int law_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && law_is_leap_year(y) ? 29 : days[m - 1];
}

bool law_date_valid(law_date_t d)
{
	return d.y >= 1 && d.y <= 9999 && d.d >= 1 && d.d <= law_days_in_month(d.y, d.m);
}

bool law_date_in_range(law_date_t d)
{
	return law_date_valid(d) && d.y >= LAW_YEAR_MIN && d.y <= LAW_YEAR_MAX;
}

static int digits(const char *s, int n, bool *ok)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*ok = false;
			return 0;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool law_date_parse(const char *s, law_date_t *out)
{
	if (!s)
		return false;
	for (int i = 0; i < 10; i++)
		if (s[i] == '\0')
			return false;
	if (s[10] != '\0' || s[4] != '-' || s[7] != '-')
		return false;
	bool ok = true;
	law_date_t d = {digits(s, 4, &ok), digits(s + 5, 2, &ok), digits(s + 8, 2, &ok)};
	if (!ok || !law_date_valid(d))
		return false;
	*out = d;
	return true;
}

void law_date_format(law_date_t d, char out[LAW_DATE_STRLEN])
{
	if (!law_date_valid(d))
		d = LAW_DATE_NONE;
	/* The remainders tell the compiler what validity already ensures: four
	 * and two digits, so the text always fits. */
	snprintf(out, LAW_DATE_STRLEN, "%04u-%02u-%02u", (unsigned)d.y % 10000u,
		 (unsigned)d.m % 100u, (unsigned)d.d % 100u);
}

/* Days from civil date: count in 400-year eras of 146097 days, with years
 * starting on 1 March so that the leap day is the last day of a year. */
int32_t law_date_to_days(law_date_t d)
{
	int y = d.m <= 2 ? d.y - 1 : d.y;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int mp = (d.m + 9) % 12; /* March = 0 */
	int doy = (153 * mp + 2) / 5 + d.d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

law_date_t law_date_from_days(int32_t days)
{
	int32_t z = days + 719468;
	int32_t era = (z >= 0 ? z : z - 146096) / 146097;
	int32_t doe = z - era * 146097;
	int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int32_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	int y = (int)(yoe + era * 400) + (m <= 2);
	return (law_date_t){y, m, d};
}

int law_date_cmp(law_date_t a, law_date_t b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

int32_t law_date_diff(law_date_t a, law_date_t b)
{
	return law_date_to_days(b) - law_date_to_days(a);
}

int law_weekday(law_date_t d)
{
	/* 1970-01-01 was a Thursday (ISO 4). */
	int32_t w = (law_date_to_days(d) + 3) % 7;
	if (w < 0)
		w += 7;
	return (int)w + 1;
}

const char *law_weekday_name(int iso_weekday)
{
	static const char *names[7] = {"poniedziałek", "wtorek", "środa",    "czwartek",
				       "piątek",       "sobota", "niedziela"};
	return iso_weekday >= 1 && iso_weekday <= 7 ? names[iso_weekday - 1] : "?";
}

const char *law_month_name(int month)
{
	static const char *names[12] = {"styczeń",  "luty",	   "marzec",   "kwiecień",
					"maj",	    "czerwiec",	   "lipiec",   "sierpień",
					"wrzesień", "październik", "listopad", "grudzień"};
	return month >= 1 && month <= 12 ? names[month - 1] : "?";
}

law_date_t law_date_add_days(law_date_t d, int32_t n)
{
	return law_date_from_days(law_date_to_days(d) + n);
}

law_date_t law_date_add_months(law_date_t d, int n)
{
	int64_t index = (int64_t)d.y * 12 + (d.m - 1) + n;
	law_date_t r = {(int)(index / 12), (int)(index % 12) + 1, d.d};
	int last = law_days_in_month(r.y, r.m);
	if (r.d > last)
		r.d = last; /* KPA art. 57 §3 */
	return r;
}
