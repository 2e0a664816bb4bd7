/* SPDX-License-Identifier: EUPL-1.2 */
#include "law/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Cuts a UTF-8 string that snprintf truncated so that it does not end in the
 * middle of a multi-byte character. */
static void trim_partial_utf8(char *s)
{
	size_t n = strlen(s);
	size_t i = n;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

bool law_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	if (size == 0)
		return false;
	int n = vsnprintf(buf, size, fmt, ap);
	if (n < 0) {
		buf[0] = '\0';
		return false;
	}
	if ((size_t)n >= size) {
		trim_partial_utf8(buf);
		return false;
	}
	return true;
}

bool law_fail(law_error_t *err, const char *code, const char *fmt, ...)
{
	if (!err)
		return false;
	err->code = code;
	va_list ap;
	va_start(ap, fmt);
	law_vformat(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return false;
}

void law_error_clear(law_error_t *err)
{
	if (!err)
		return;
	err->code = NULL;
	err->message[0] = '\0';
}
