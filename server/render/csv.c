#include "render/csv.h"

#include <stdbool.h>
#include <string.h>

static void field(strbuf_t *out, const char *s)
{
	if (!s)
		return;
	if (!s[strcspn(s, ",\"\r\n")]) {
		sb_puts(out, s);
		return;
	}
	sb_putc(out, '"');
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
