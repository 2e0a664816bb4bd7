/* SPDX-License-Identifier: EUPL-1.2 */
#include "law/term.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "law/calendar.h"

/* Month names in the locative ("w lutym") for the §3 explanation. */
static const char *const month_locative[12] = {
    "styczniu", "lutym",    "marcu",	"kwietniu",	"maju",	       "czerwcu",
    "lipcu",	"sierpniu", "wrześniu", "październiku", "listopadzie", "grudniu",
};

static const law_date_t range_end = {LAW_YEAR_MAX, 12, 31};

void law_term_add_step(law_term_calc_t *t, const char *fmt, ...)
{
	if (t->nsteps >= LAW_STEPS_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	law_vformat(t->steps[t->nsteps++], LAW_STEP_MAX, fmt, ap);
	va_end(ap);
}

/* Polish plural: 1 → one, 2-4 (not 12-14) → few, else many. */
static const char *plural(int n, const char *one, const char *few, const char *many)
{
	if (n == 1)
		return one;
	int r10 = n % 10, r100 = n % 100;
	if (r10 >= 2 && r10 <= 4 && (r100 < 12 || r100 > 14))
		return few;
	return many;
}

const char *law_unit_phrase(int length, law_unit_t unit, char *buf, int size)
{
	const char *noun;
	switch (unit) {
	case LAW_UNIT_WEEKS:
		noun = plural(length, "tydzień", "tygodnie", "tygodni");
		break;
	case LAW_UNIT_MONTHS:
		noun = plural(length, "miesiąc", "miesiące", "miesięcy");
		break;
	default:
		noun = plural(length, "dzień", "dni", "dni");
		break;
	}
	snprintf(buf, (size_t)size, "%d %s", length, noun);
	return buf;
}

int law_days_overdue(law_date_t due, law_date_t today)
{
	if (!law_date_valid(due) || !law_date_valid(today) || law_date_cmp(today, due) <= 0)
		return 0;
	return (int)law_date_diff(due, today);
}

const char *law_overdue_phrase(int days, char *buf, int size)
{
	if (days <= 0) {
		if (size > 0)
			buf[0] = '\0';
		return buf;
	}
	char phrase[32];
	law_unit_phrase(days, LAW_UNIT_DAYS, phrase, sizeof phrase);
	snprintf(buf, (size_t)size, "%s po terminie", phrase);
	return buf;
}

const char *law_working_days_phrase(int n, char *buf, int size)
{
	snprintf(buf, (size_t)size, "%d %s", n,
	         plural(n, "dzień roboczy", "dni robocze", "dni roboczych"));
	return buf;
}

bool law_is_working_day(law_date_t d)
{
	return law_day_kind(d, NULL) == LAW_DAY_WORKING;
}

bool law_next_working_day(law_date_t d, law_date_t *out)
{
	if (!law_date_in_range(d))
		return false;
	while (!law_is_working_day(d)) {
		if (law_date_cmp(d, range_end) >= 0)
			return false;
		d = law_date_add_days(d, 1);
	}
	*out = d;
	return true;
}

law_date_t law_nth_working_day(law_date_t d, int n)
{
	for (int i = 0; i < n; i++) {
		law_date_t next;
		if (!law_next_working_day(law_date_add_days(d, 1), &next))
			break;
		d = next;
	}
	return d;
}

/* One step per day that pushes the term on (§4), naming the holiday. */
static void explain_day_off(law_term_calc_t *t, law_date_t d)
{
	char s[LAW_DATE_STRLEN];
	law_date_format(d, s);
	const law_holiday_rule_t *rule;
	switch (law_day_kind(d, &rule)) {
	case LAW_DAY_SATURDAY:
		law_term_add_step(t, "%s to sobota.", s);
		break;
	case LAW_DAY_SUNDAY:
		law_term_add_step(t, "%s to niedziela, dzień ustawowo wolny od pracy.", s);
		break;
	case LAW_DAY_HOLIDAY:
		law_term_add_step(t, "%s (%s) to dzień ustawowo wolny od pracy: %s.", s,
				  law_weekday_name(law_weekday(d)), rule->name);
		break;
	default:
		break;
	}
}

/* A rule not yet in force on the day the term ends deserves a word: it is
 * what changed between 2024 and 2025 for 24 December. */
static void explain_rule_not_in_force(law_term_calc_t *t, law_date_t d)
{
	const law_holiday_rule_t *r = law_holiday_rule_on(d);
	if (r && d.y < r->since_year)
		law_term_add_step(t, "%s jest dniem wolnym od pracy dopiero od %d r.", r->name,
				  r->since_year);
}

/* KPA art. 57 §4, from t->unshifted to t->due. */
static bool shift(law_term_calc_t *t, law_error_t *err)
{
	char s[LAW_DATE_STRLEN];
	law_date_t d = t->unshifted;
	while (!law_is_working_day(d)) {
		if (law_date_cmp(d, range_end) >= 0)
			return law_fail(
			    err, "date_out_of_range",
			    "Termin wykracza poza rok %d, którego kalendarz już nie obejmuje.",
			    LAW_YEAR_MAX);
		explain_day_off(t, d);
		d = law_date_add_days(d, 1);
	}
	t->due = d;
	law_date_format(d, s);
	if (law_date_cmp(d, t->unshifted) == 0) {
		law_term_add_step(t,
				  "%s (%s) nie jest sobotą ani dniem ustawowo wolnym od pracy: "
				  "termin upływa z końcem tego dnia (KPA art. 57 §1 i §4).",
				  s, law_weekday_name(law_weekday(d)));
	} else {
		law_term_add_step(
		    t,
		    "Termin upływa w najbliższym dniu, który nie jest sobotą ani dniem "
		    "ustawowo wolnym od pracy (KPA art. 57 §4): %s (%s).",
		    s, law_weekday_name(law_weekday(d)));
	}
	explain_rule_not_in_force(t, d);
	return true;
}

static bool check_from(law_date_t from, law_error_t *err)
{
	if (!law_date_valid(from))
		return law_fail(err, "invalid_date", "Nieprawidłowa data.");
	if (!law_date_in_range(from))
		return law_fail(err, "date_out_of_range",
				"Kalendarz dni wolnych obejmuje lata %d–%d.", LAW_YEAR_MIN,
				LAW_YEAR_MAX);
	return true;
}

/* §1-§3: the date the term ends before §4, with its step. */
static void add_length(law_term_calc_t *t, int length, law_unit_t unit)
{
	char f[LAW_DATE_STRLEN], u[LAW_DATE_STRLEN], phrase[32];
	law_date_format(t->from, f);
	law_unit_phrase(length, unit, phrase, sizeof phrase);
	if (unit == LAW_UNIT_MONTHS) {
		t->unshifted = law_date_add_months(t->from, length);
		law_date_format(t->unshifted, u);
		const char *wd = law_weekday_name(law_weekday(t->unshifted));
		if (t->unshifted.d != t->from.d)
			law_term_add_step(t,
					  "%s + %s: w %s %d r. nie ma dnia %d., więc termin kończy "
					  "się ostatniego dnia miesiąca: %s (%s) (KPA art. 57 §3).",
					  f, phrase, month_locative[t->unshifted.m - 1],
					  t->unshifted.y, t->from.d, u, wd);
		else
			law_term_add_step(t,
					  "%s + %s = %s (%s): ten sam dzień miesiąca "
					  "(KPA art. 57 §3).",
					  f, phrase, u, wd);
		return;
	}
	int32_t days = unit == LAW_UNIT_WEEKS ? (int32_t)length * 7 : length;
	t->unshifted = law_date_add_days(t->from, days);
	law_date_format(t->unshifted, u);
	const char *wd = law_weekday_name(law_weekday(t->unshifted));
	if (unit == LAW_UNIT_WEEKS)
		law_term_add_step(t,
				  "%s + %s = %s (%s): ten sam dzień tygodnia "
				  "(KPA art. 57 §2).",
				  f, phrase, u, wd);
	else
		law_term_add_step(t, "%s + %s = %s (%s) (KPA art. 57 §1).", f, phrase, u, wd);
}

static void start(law_term_calc_t *t, law_date_t from, const char *event)
{
	char f[LAW_DATE_STRLEN];
	law_term_init(t, from);
	law_date_format(from, f);
	law_term_add_step(t,
			  "%s: %s (%s). Dnia, w którym nastąpiło zdarzenie, nie wlicza "
			  "się do terminu (KPA art. 57 §1).",
			  event ? event : "Dzień zdarzenia", f,
			  law_weekday_name(law_weekday(from)));
}

bool law_term_compute(law_date_t from, int length, law_unit_t unit, const char *event,
		      law_term_calc_t *out, law_error_t *err)
{
	if (!check_from(from, err))
		return false;
	if (length < 1 || length > LAW_TERM_LENGTH_MAX)
		return law_fail(err, "invalid_length", "Długość terminu musi wynosić od 1 do %d.",
				LAW_TERM_LENGTH_MAX);
	if (unit != LAW_UNIT_DAYS && unit != LAW_UNIT_WEEKS && unit != LAW_UNIT_MONTHS)
		return law_fail(err, "invalid_length", "Nieznana jednostka terminu.");
	start(out, from, event);
	add_length(out, length, unit);
	if (!law_date_in_range(out->unshifted))
		return law_fail(err, "date_out_of_range",
				"Termin wykracza poza rok %d, którego kalendarz już nie obejmuje.",
				LAW_YEAR_MAX);
	return shift(out, err);
}

void law_term_init(law_term_calc_t *t, law_date_t from)
{
	t->from = from;
	t->unshifted = t->due = LAW_DATE_NONE;
	t->nsteps = 0;
}

bool law_term_fix(law_term_calc_t *t, law_date_t date, law_error_t *err)
{
	if (!check_from(date, err))
		return false;
	t->unshifted = date;
	return shift(t, err);
}

/* Mondays to Fridays among the `n` days from day number `first` on. */
static int32_t weekdays_in(int32_t first, int32_t n)
{
	int32_t count = n / 7 * 5;
	law_date_t d = law_date_from_days(first + n / 7 * 7);
	for (int wd = law_weekday(d), k = 0; k < n % 7; k++, wd = wd % 7 + 1)
		count += wd <= 5;
	return count;
}

/* Not a walk over the days (a case years overdue would cost a thousand
 * calendar look-ups each time its queue is drawn): the Mondays to Fridays
 * of the range, less the holidays in force that fall on one of them. */
bool law_working_days_between(law_date_t from, law_date_t to, int *count, law_error_t *err)
{
	if (!check_from(from, err) || !check_from(to, err))
		return false;
	int sign = 1;
	if (law_date_cmp(to, from) < 0) {
		law_date_t x = from;
		from = to;
		to = x;
		sign = -1;
	}
	int32_t first = law_date_to_days(from) + 1, last = law_date_to_days(to);
	int32_t n = last >= first ? weekdays_in(first, last - first + 1) : 0;
	for (int y = from.y; y <= to.y; y++) {
		law_holiday_t h[LAW_HOLIDAYS_MAX];
		int k = law_holidays(y, h);
		for (int i = 0; i < k; i++) {
			int32_t day = law_date_to_days(h[i].date);
			/* Two rules on one date count once (the list is sorted). */
			if (i > 0 && law_date_cmp(h[i - 1].date, h[i].date) == 0)
				continue;
			if (day >= first && day <= last && law_weekday(h[i].date) <= 5)
				n--;
		}
	}
	*count = sign * (int)n;
	return true;
}
