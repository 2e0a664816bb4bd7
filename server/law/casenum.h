/* SPDX-License-Identifier: EUPL-1.2 */
/* Case numbers (znak sprawy, instrukcja kancelaryjna): UNIT.CLASS.NUMBER.YEAR,
 * e.g. "COMON.1431.15.2026" or "COMON-WI.1431.7.2026".
 *
 *   UNIT   the unit's symbol: ASCII capital letters and digits, 1-20 chars;
 *          a hyphen only inside it, between two parts, for a sub-unit
 *          ("COMON-WI"; deeper levels "A-B-C" are accepted too).
 *   CLASS  the class from the body's filing plan (JRWA): 1-4 digits. Kept as
 *          text: in JRWA "01" and "1" are different classes.
 *   NUMBER the running number in that unit, class and year: 1-999999, no
 *          leading zeros.
 *   YEAR   four digits, 1990..2100.
 * Pure functions; errors carry a code naming the part that is wrong
 * (casenum_syntax, casenum_unit, casenum_class, casenum_number, casenum_year)
 * and a Polish message. */
#ifndef JAWNOSC_LAW_CASENUM_H
#define JAWNOSC_LAW_CASENUM_H

#include <stdbool.h>
#include <stddef.h>

#include "law/error.h"

#define LAW_CASENUM_UNIT_MAX 20
#define LAW_CASENUM_CLASS_MAX 4
#define LAW_CASENUM_NUMBER_MAX 999999
/* The longest case number and its NUL: 20 + 1 + 4 + 1 + 6 + 1 + 4 + 1. */
#define LAW_CASENUM_STRLEN 38

typedef struct law_casenum {
	char unit[LAW_CASENUM_UNIT_MAX + 1];
	char cls[LAW_CASENUM_CLASS_MAX + 1];
	int number;
	int year;
} law_casenum_t;

/* Each part on its own (for configuration forms). */
bool law_casenum_unit_valid(const char *unit, law_error_t *err);
bool law_casenum_class_valid(const char *cls, law_error_t *err);
bool law_casenum_number_valid(int number, law_error_t *err);
bool law_casenum_year_valid(int year, law_error_t *err);

/* Writes "UNIT.CLASS.NUMBER.YEAR" into `buf` (`len` bytes; LAW_CASENUM_STRLEN
 * is always enough). False if a part is invalid or `buf` too small
 * (code casenum_buffer); `buf` then holds "" if len > 0. */
bool law_casenum_format(const char *unit, const char *cls, int number, int year, char *buf,
			size_t len, law_error_t *err);

/* Parses a whole string (nothing before or after it) into `*out`. On failure
 * `*out` is unspecified. */
bool law_casenum_parse(const char *s, law_casenum_t *out, law_error_t *err);

#endif
