/* SPDX-License-Identifier: EUPL-1.2 */
/* Counting a term (KPA art. 57; the same result as Civil Code arts. 111-115).
 *
 *   §1 the day of the event is not counted; the term ends at the end of its
 *      last day.
 *   §2 a term in weeks ends on the same weekday as the event, N weeks later.
 *   §3 a term in months ends on the same day-number; if the month has no such
 *      day, on its last day.
 *   §4 a term ending on a Saturday or a day off ends on the next day that is
 *      neither.
 *
 * law_term_compute() gives the statutory due date, the unshifted date (before
 * §4) and the reasoning, step by step, in Polish sentences that cite the
 * article, for pages and letters. Everything is computed into the caller's
 * struct: no allocation, no I/O. Dates must lie in 1990..2100 (calendar.h). */
#ifndef JAWNOSC_LAW_TERM_H
#define JAWNOSC_LAW_TERM_H

#include <stdbool.h>

#include "law/date.h"
#include "law/error.h"

typedef enum law_unit {
	LAW_UNIT_DAYS,
	LAW_UNIT_WEEKS,
	LAW_UNIT_MONTHS,
} law_unit_t;

/* The longest term accepted, in any unit (longer ones are refused with
 * "invalid_length"; a due date after 2100 with "date_out_of_range"). */
#define LAW_TERM_LENGTH_MAX 9999

/* Room for the reasoning: the event, the addition, one step per day off in a
 * run (the longest in the calendar is five: 24-28 December 2025), the §4
 * conclusion and a note, plus steps a caller may add (law_term_add_step). */
#define LAW_STEPS_MAX 12
#define LAW_STEP_MAX 256

typedef struct law_term_calc {
	law_date_t from;      /* the event; not counted (§1) */
	law_date_t unshifted; /* from + length, with §3 for months */
	law_date_t due;	      /* after §4: the statutory due date */
	int nsteps;
	char steps[LAW_STEPS_MAX][LAW_STEP_MAX]; /* Polish, UTF-8 */
} law_term_calc_t;

/* Computes the term of `length` units from the event on `from`.
 * `event` names the event for the first step ("Otrzymanie wniosku"), or NULL
 * for the generic "Dzień zdarzenia". Errors (codes): invalid_date,
 * date_out_of_range, invalid_length. On failure `*out` is unspecified. */
bool law_term_compute(law_date_t from, int length, law_unit_t unit, const char *event,
		      law_term_calc_t *out, law_error_t *err);

/* For a due date fixed by someone else (an extension to a given day, a
 * court's date), in two calls: law_term_init() sets from = `from` and clears
 * the steps, so the caller can explain where the date comes from with
 * law_term_add_step(); law_term_fix() then sets unshifted = `date`, applies
 * §4 and appends its steps. Errors: invalid_date, date_out_of_range. */
void law_term_init(law_term_calc_t *t, law_date_t from);
bool law_term_fix(law_term_calc_t *t, law_date_t date, law_error_t *err);

/* Appends one step (printf-style); a step that does not fit is cut, extra
 * steps beyond LAW_STEPS_MAX are dropped. */
void law_term_add_step(law_term_calc_t *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A day on which a term can end: not a Saturday, not a Sunday, not a holiday
 * (KPA art. 57 §4). False for dates outside 1990..2100. */
bool law_is_working_day(law_date_t d);

/* The first working day on or after `d`; false if there is none up to
 * 2100-12-31 or `d` is outside the range. */
bool law_next_working_day(law_date_t d, law_date_t *out);

/* The n-th working day after `d` (n = 0: `d` itself); where the calendar
 * ends first, the last working day reached. */
law_date_t law_nth_working_day(law_date_t d, int n);

/* Working days d with from < d <= to (the day of the event not counted, as in
 * §1); negative when `to` is before `from` (the count of from..to reversed).
 * Errors: invalid_date, date_out_of_range. */
bool law_working_days_between(law_date_t from, law_date_t to, int *count, law_error_t *err);

/* How many days a term is overdue on `today`: the calendar days after its
 * last day `due`, up to and including `today` (0 on or before `due`). A
 * term ends at the end of its last day (§1), so a case due on a Friday is
 * 1 day overdue on Saturday and 3 on Monday, whatever days off fall in
 * between: §4 moves a term's end, never the count of days since. The one
 * definition of "dni po terminie" on every staff page and e-mail. */
int law_days_overdue(law_date_t due, law_date_t today);

/* "1 dzień po terminie", "9 dni po terminie" (law_days_overdue's count);
 * "" for 0. */
const char *law_overdue_phrase(int days, char *buf, int size);

/* "1 dzień roboczy", "2 dni robocze", "5 dni roboczych". */
const char *law_working_days_phrase(int n, char *buf, int size);

/* "14 dni", "1 miesiąc", "2 tygodnie": the length with its Polish noun. */
const char *law_unit_phrase(int length, law_unit_t unit, char *buf, int size);

#endif
