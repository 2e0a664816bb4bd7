/* SPDX-License-Identifier: EUPL-1.2 */
#include "law/calendar.h"

/* Ustawa o dniach wolnych od pracy, art. 1. The rules that hold for the
 * whole range the calendar covers carry LAW_YEAR_MIN (1990): they were in
 * force before it (3 May was restored in April 1990, before its first
 * occurrence that year). */
/* clang-format off */
const law_holiday_rule_t law_holiday_rules[] = {
	{"new_year", "Nowy Rok", LAW_HOLIDAY_FIXED, 1, 1, 0, LAW_YEAR_MIN},
	/* Restored by the act of 24 September 2010, in force from 2011. */
	{"epiphany", "Święto Trzech Króli", LAW_HOLIDAY_FIXED, 1, 6, 0, 2011},
	{"easter_sunday", "pierwszy dzień Wielkiej Nocy", LAW_HOLIDAY_EASTER, 0, 0, 0,
	 LAW_YEAR_MIN},
	{"easter_monday", "drugi dzień Wielkiej Nocy", LAW_HOLIDAY_EASTER, 0, 0, 1, LAW_YEAR_MIN},
	{"labour_day", "Święto Państwowe", LAW_HOLIDAY_FIXED, 5, 1, 0, LAW_YEAR_MIN},
	{"constitution_day", "Święto Narodowe Trzeciego Maja", LAW_HOLIDAY_FIXED, 5, 3, 0,
	 LAW_YEAR_MIN},
	{"pentecost", "pierwszy dzień Zielonych Świątek", LAW_HOLIDAY_EASTER, 0, 0, 49,
	 LAW_YEAR_MIN},
	{"corpus_christi", "dzień Bożego Ciała", LAW_HOLIDAY_EASTER, 0, 0, 60, LAW_YEAR_MIN},
	{"assumption", "Wniebowzięcie Najświętszej Maryi Panny", LAW_HOLIDAY_FIXED, 8, 15, 0,
	 LAW_YEAR_MIN},
	{"all_saints", "Wszystkich Świętych", LAW_HOLIDAY_FIXED, 11, 1, 0, LAW_YEAR_MIN},
	{"independence_day", "Narodowe Święto Niepodległości", LAW_HOLIDAY_FIXED, 11, 11, 0,
	 LAW_YEAR_MIN},
	/* Added by the act of 2024 amending the statute, in force from 2025. */
	{"christmas_eve", "Wigilia Bożego Narodzenia", LAW_HOLIDAY_FIXED, 12, 24, 0, 2025},
	{"christmas_day", "pierwszy dzień Bożego Narodzenia", LAW_HOLIDAY_FIXED, 12, 25, 0,
	 LAW_YEAR_MIN},
	{"boxing_day", "drugi dzień Bożego Narodzenia", LAW_HOLIDAY_FIXED, 12, 26, 0,
	 LAW_YEAR_MIN},
};
/* clang-format on */
const size_t law_holiday_rule_count = sizeof law_holiday_rules / sizeof law_holiday_rules[0];

_Static_assert(sizeof law_holiday_rules / sizeof law_holiday_rules[0] <= LAW_HOLIDAYS_MAX,
	       "LAW_HOLIDAYS_MAX must hold every rule");

bool law_calendar_covers(int year)
{
	return year >= LAW_YEAR_MIN && year <= LAW_YEAR_MAX;
}

/* Meeus/Jones/Butcher (Jean Meeus, Astronomical Algorithms, ch. 8). */
law_date_t law_easter(int year)
{
	int a = year % 19;
	int b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4;
	int f = (b + 8) / 25;
	int g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;
	return (law_date_t){year, month, day};
}

static law_date_t rule_date(const law_holiday_rule_t *r, int year, law_date_t easter)
{
	if (r->base == LAW_HOLIDAY_EASTER)
		return law_date_add_days(easter, r->offset);
	return (law_date_t){year, r->month, r->day};
}

int law_holidays(int year, law_holiday_t out[LAW_HOLIDAYS_MAX])
{
	if (!law_calendar_covers(year))
		return -1;
	law_date_t easter = law_easter(year);
	int n = 0;
	for (size_t i = 0; i < law_holiday_rule_count; i++) {
		const law_holiday_rule_t *r = &law_holiday_rules[i];
		if (year < r->since_year)
			continue;
		law_holiday_t h = {rule_date(r, year, easter), r};
		int j = n++;
		/* Insertion sort: Easter-based days move among the fixed ones. */
		while (j > 0 && law_date_cmp(out[j - 1].date, h.date) > 0) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = h;
	}
	return n;
}

/* Asked for every day a working-day count walks: fixed days compare month
 * and day, and Easter is computed only when a fixed day did not match,
 * once, as the distance from it. */
const law_holiday_rule_t *law_holiday_rule_on(law_date_t d)
{
	bool have_easter = false;
	int32_t from_easter = 0;
	for (size_t i = 0; i < law_holiday_rule_count; i++) {
		const law_holiday_rule_t *r = &law_holiday_rules[i];
		if (r->base == LAW_HOLIDAY_FIXED) {
			if (r->month == d.m && r->day == d.d)
				return r;
			continue;
		}
		if (!have_easter) {
			from_easter = law_date_diff(law_easter(d.y), d);
			have_easter = true;
		}
		if (from_easter == r->offset)
			return r;
	}
	return NULL;
}

law_day_t law_day_kind(law_date_t d, const law_holiday_rule_t **rule)
{
	if (rule)
		*rule = NULL;
	if (!law_date_valid(d) || !law_calendar_covers(d.y))
		return LAW_DAY_UNKNOWN;
	const law_holiday_rule_t *r = law_holiday_rule_on(d);
	if (r && d.y >= r->since_year) {
		if (rule)
			*rule = r;
		return LAW_DAY_HOLIDAY;
	}
	switch (law_weekday(d)) {
	case 6:
		return LAW_DAY_SATURDAY;
	case 7:
		return LAW_DAY_SUNDAY;
	default:
		return LAW_DAY_WORKING;
	}
}

bool law_is_day_off(law_date_t d)
{
	law_day_t k = law_day_kind(d, NULL);
	return k == LAW_DAY_SUNDAY || k == LAW_DAY_HOLIDAY;
}
