/* SPDX-License-Identifier: EUPL-1.2 */
/* Polish days off (ustawa z 18 stycznia 1951 r. o dniach wolnych od pracy,
 * art. 1) for the years LAW_YEAR_MIN..LAW_YEAR_MAX (1990..2100).
 *
 * Every Sunday is a day off; the other days are the rows of a table, each
 * with the year from which the rule holds, so past cases keep their dates.
 * Saturdays are not days off under this statute, but KPA art. 57 §4 treats
 * them alike for terms (see term.h). */
#ifndef JAWNOSC_LAW_CALENDAR_H
#define JAWNOSC_LAW_CALENDAR_H

#include <stddef.h>

#include "law/date.h"

typedef enum law_holiday_base {
	LAW_HOLIDAY_FIXED,  /* the same month and day every year */
	LAW_HOLIDAY_EASTER, /* a number of days after Easter Sunday */
} law_holiday_base_t;

typedef struct law_holiday_rule {
	const char *id;	  /* stable, snake_case: "epiphany", "christmas_eve" */
	const char *name; /* Polish, as the statute names the day */
	law_holiday_base_t base;
	int month, day; /* LAW_HOLIDAY_FIXED */
	int offset;	/* LAW_HOLIDAY_EASTER: days after Easter Sunday */
	int since_year; /* the first year in which the day is off */
} law_holiday_rule_t;

/* The table, in calendar order of a typical year. */
extern const law_holiday_rule_t law_holiday_rules[];
extern const size_t law_holiday_rule_count;

/* The most holidays any year can have (the table's length). */
#define LAW_HOLIDAYS_MAX 16

typedef struct law_holiday {
	law_date_t date;
	const law_holiday_rule_t *rule;
} law_holiday_t;

/* True for LAW_YEAR_MIN..LAW_YEAR_MAX. */
bool law_calendar_covers(int year);

/* Western (Gregorian) Easter Sunday by the Meeus/Jones/Butcher algorithm;
 * right for every year from 1583. */
law_date_t law_easter(int year);

/* The holidays of `year` in force that year, sorted by date, into `out`;
 * returns how many, or -1 when the calendar does not cover the year.
 * Sundays are days off too but are not listed unless they are holidays. */
int law_holidays(int year, law_holiday_t out[LAW_HOLIDAYS_MAX]);

typedef enum law_day {
	LAW_DAY_UNKNOWN,  /* invalid date or a year the calendar does not cover */
	LAW_DAY_WORKING,  /* Monday..Friday, not a holiday */
	LAW_DAY_SATURDAY, /* not a holiday, but no term ends on it (KPA art. 57 §4) */
	LAW_DAY_SUNDAY,	  /* a Sunday that is not also a named holiday */
	LAW_DAY_HOLIDAY,  /* a named holiday (whatever the weekday) */
} law_day_t;

/* What kind of day `d` is. For LAW_DAY_HOLIDAY, `*rule` (if not NULL) is set
 * to the holiday's rule; otherwise to NULL. */
law_day_t law_day_kind(law_date_t d, const law_holiday_rule_t **rule);

/* A day off under the statute: a Sunday or a holiday in force. False for
 * dates the calendar does not cover. */
bool law_is_day_off(law_date_t d);

/* The rule that would make `d` a holiday if it were in force, whatever its
 * since_year (to explain "24 Dec is a day off only from 2025"); NULL if none.
 * `d` must be valid. */
const law_holiday_rule_t *law_holiday_rule_on(law_date_t d);

#endif
