/* SPDX-License-Identifier: EUPL-1.2 */
/* Civil dates of the law: a day in the proleptic Gregorian calendar, with no
 * time and no zone (the legal day is the date in Europe/Warsaw; see warsaw.h).
 *
 * A date is a plain value {y, m, d}. The zero value {0, 0, 0} means "no date"
 * (LAW_DATE_NONE). Functions that compute take valid dates (law_date_valid)
 * and give valid dates as long as the result stays within years 1..9999;
 * callers keep to the law's range, 1990..2100 (LAW_YEAR_MIN..LAW_YEAR_MAX). */
#ifndef JAWNOSC_LAW_DATE_H
#define JAWNOSC_LAW_DATE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct law_date {
	int y, m, d;
} law_date_t;

#define LAW_DATE_NONE ((law_date_t){0, 0, 0})
/* Bytes for "YYYY-MM-DD" and its NUL. */
#define LAW_DATE_STRLEN 11
/* The years the calendar of days off covers (calendar.h). */
#define LAW_YEAR_MIN 1990
#define LAW_YEAR_MAX 2100

bool law_date_is_set(law_date_t d);
bool law_is_leap_year(int y);
/* 28..31, or 0 for a month outside 1..12. */
int law_days_in_month(int y, int m);
/* A real date in years 1..9999. */
bool law_date_valid(law_date_t d);
/* A real date in LAW_YEAR_MIN..LAW_YEAR_MAX. */
bool law_date_in_range(law_date_t d);

/* Strict ISO 8601 calendar date: exactly "YYYY-MM-DD", ASCII digits, a real
 * date. Nothing before or after it (no spaces, no time). On failure `*out` is
 * left unchanged and false is returned. */
bool law_date_parse(const char *s, law_date_t *out);
/* "YYYY-MM-DD"; an invalid date gives "0000-00-00". */
void law_date_format(law_date_t d, char out[LAW_DATE_STRLEN]);

/* Days since 1970-01-01 (negative before it), and back. */
int32_t law_date_to_days(law_date_t d);
law_date_t law_date_from_days(int32_t days);
/* <0, 0, >0 like strcmp. */
int law_date_cmp(law_date_t a, law_date_t b);
/* Difference b - a in days. */
int32_t law_date_diff(law_date_t a, law_date_t b);

/* ISO weekday: 1 Monday .. 7 Sunday. */
int law_weekday(law_date_t d);
/* Polish names: "poniedziałek" .. "niedziela" (ISO 1..7), "luty" (1..12);
 * "?" for a number out of range. */
const char *law_weekday_name(int iso_weekday);
const char *law_month_name(int month);

law_date_t law_date_add_days(law_date_t d, int32_t n);
/* KPA art. 57 §3: the same day-number `n` months later; if that month has
 * no such day, its last day (31 Jan + 1 month = 28/29 Feb). */
law_date_t law_date_add_months(law_date_t d, int n);

#endif
