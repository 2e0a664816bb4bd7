/* SPDX-License-Identifier: EUPL-1.2 */
#include "law/casenum.h"

#include <stdio.h>
#include <string.h>

#include "law/date.h"

static bool is_upper_or_digit(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool law_casenum_unit_valid(const char *unit, law_error_t *err)
{
	size_t n = unit ? strlen(unit) : 0;
	if (n < 1 || n > LAW_CASENUM_UNIT_MAX)
		return law_fail(err, "casenum_unit", "Symbol komórki musi mieć od 1 do %d znaków.",
				LAW_CASENUM_UNIT_MAX);
	for (size_t i = 0; i < n; i++) {
		if (is_upper_or_digit(unit[i]))
			continue;
		/* A hyphen only between two parts: "COMON-WI". */
		if (unit[i] == '-' && i > 0 && i + 1 < n && unit[i + 1] != '-')
			continue;
		return law_fail(
		    err, "casenum_unit",
		    "Symbol komórki może zawierać tylko wielkie litery A–Z i cyfry; "
		    "łącznik tylko wewnątrz, przed symbolem podkomórki (np. COMON-WI).");
	}
	return true;
}

bool law_casenum_class_valid(const char *cls, law_error_t *err)
{
	size_t n = cls ? strlen(cls) : 0;
	bool ok = n >= 1 && n <= LAW_CASENUM_CLASS_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = cls[i] >= '0' && cls[i] <= '9';
	if (!ok)
		return law_fail(err, "casenum_class",
				"Symbol klasyfikacyjny (JRWA) to od 1 do %d cyfr.",
				LAW_CASENUM_CLASS_MAX);
	return true;
}

bool law_casenum_number_valid(int number, law_error_t *err)
{
	if (number < 1 || number > LAW_CASENUM_NUMBER_MAX)
		return law_fail(err, "casenum_number", "Numer sprawy musi być liczbą od 1 do %d.",
				LAW_CASENUM_NUMBER_MAX);
	return true;
}

bool law_casenum_year_valid(int year, law_error_t *err)
{
	if (year < LAW_YEAR_MIN || year > LAW_YEAR_MAX)
		return law_fail(err, "casenum_year", "Rok musi być liczbą od %d do %d.",
				LAW_YEAR_MIN, LAW_YEAR_MAX);
	return true;
}

bool law_casenum_format(const char *unit, const char *cls, int number, int year, char *buf,
			size_t len, law_error_t *err)
{
	if (len > 0)
		buf[0] = '\0';
	if (!law_casenum_unit_valid(unit, err) || !law_casenum_class_valid(cls, err) ||
	    !law_casenum_number_valid(number, err) || !law_casenum_year_valid(year, err))
		return false;
	int n = snprintf(buf, len, "%s.%s.%d.%d", unit, cls, number, year);
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return law_fail(err, "casenum_buffer", "Za mały bufor na znak sprawy.");
	}
	return true;
}

/* A run of decimal digits [s, s+n) as a number; false if empty, not all
 * digits, too long or with a leading zero. */
static bool parse_number(const char *s, size_t n, size_t max_digits, int *out)
{
	if (n < 1 || n > max_digits || s[0] == '0')
		return false;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Copies [start, start+n) into `dst` (`cap` bytes) as a string; a part too
 * long for it becomes "" so that the validator reports its length. */
static void copy_part(const char *start, size_t n, char *dst, size_t cap)
{
	if (n >= cap)
		n = 0;
	memcpy(dst, start, n);
	dst[n] = '\0';
}

bool law_casenum_parse(const char *s, law_casenum_t *out, law_error_t *err)
{
	const char *part[4];
	size_t len[4];
	int np = 0;
	const char *p = s ? s : "";
	part[0] = p;
	for (;; p++) {
		if (*p != '.' && *p != '\0')
			continue;
		if (np < 4)
			len[np] = (size_t)(p - part[np]);
		np++;
		if (*p == '\0' || np > 4)
			break;
		if (np < 4)
			part[np] = p + 1;
	}
	if (np != 4)
		return law_fail(err, "casenum_syntax",
				"Znak sprawy ma postać KOMÓRKA.KLASA.NUMER.ROK, "
				"np. COMON.1431.15.2026.");
	copy_part(part[0], len[0], out->unit, sizeof out->unit);
	if (!law_casenum_unit_valid(out->unit, err))
		return false;
	copy_part(part[1], len[1], out->cls, sizeof out->cls);
	if (!law_casenum_class_valid(out->cls, err))
		return false;
	if (!parse_number(part[2], len[2], 6, &out->number))
		return law_fail(err, "casenum_number",
				"Numer sprawy musi być liczbą od 1 do %d, bez zer na początku.",
				LAW_CASENUM_NUMBER_MAX);
	if (len[3] != 4 || !parse_number(part[3], len[3], 4, &out->year))
		return law_fail(err, "casenum_year", "Rok musi mieć cztery cyfry (%d–%d).",
				LAW_YEAR_MIN, LAW_YEAR_MAX);
	return law_casenum_year_valid(out->year, err);
}
