/* SPDX-License-Identifier: EUPL-1.2 */
#include "render/csv.h"

#include <stdbool.h>
#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits from *s on; true when there was at least one. */
static bool digits(const char **s)
{
	const char *p = *s;
	while (is_digit(**s))
		(*s)++;
	return *s > p;
}

/* [+-]digits[.digits][(e|E)[+-]digits], the whole of s. */
static bool plain_number(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!digits(&s))
		return false;
	if (*s == '.') {
		s++;
		if (!digits(&s))
			return false;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!digits(&s))
			return false;
	}
	return !*s;
}

/* A spreadsheet could take s as a formula, and it is not a plain number. */
static bool formula_like(const char *s)
{
	return s && *s && strchr("=+-@\t\r", *s) && !plain_number(s);
}

static void field(strbuf_t *out, const char *s)
{
	if (!s)
		return;
	bool formula = formula_like(s);
	if (!formula && !s[strcspn(s, ",\"\r\n")]) {
		sb_puts(out, s);
		return;
	}
	sb_putc(out, '"');
	if (formula)
		sb_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			sb_putc(out, '"');
		sb_putc(out, *s);
	}
	sb_putc(out, '"');
}

void csv_row(strbuf_t *out, const char *const *fields, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			sb_putc(out, ',');
		field(out, fields[i]);
	}
	sb_puts(out, "\r\n");
}
