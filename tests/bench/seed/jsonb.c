/* SPDX-License-Identifier: EUPL-1.2 */
#include "jsonb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jb_reset(struct jbuf *j)
{
	j->n = 0;
	j->b[0] = '\0';
}

void jb_raw(struct jbuf *j, const char *s, size_t n)
{
	if (j->n + n >= sizeof j->b)
		n = sizeof j->b - 1 - j->n;
	memcpy(j->b + j->n, s, n);
	j->n += n;
	j->b[j->n] = '\0';
}

void jb_str(struct jbuf *j, const char *s)
{
	jb_raw(j, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char e[8];
		switch (*p) {
		case '"': jb_raw(j, "\\\"", 2); break;
		case '\\': jb_raw(j, "\\\\", 2); break;
		case '\b': jb_raw(j, "\\b", 2); break;
		case '\f': jb_raw(j, "\\f", 2); break;
		case '\n': jb_raw(j, "\\n", 2); break;
		case '\r': jb_raw(j, "\\r", 2); break;
		case '\t': jb_raw(j, "\\t", 2); break;
		default:
			if (*p < 0x20) {
				snprintf(e, sizeof e, "\\u%04x", *p);
				jb_raw(j, e, 6);
			} else {
				jb_raw(j, (const char *)p, 1);
			}
		}
	}
	jb_raw(j, "\"", 1);
}

/* jsonb keeps an object's keys shorter first, then in byte order. */
static int jpair_cmp(const void *a, const void *b)
{
	const struct jpair *x = a, *y = b;
	size_t lx = strlen(x->key), ly = strlen(y->key);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->key, y->key);
}

void jb_object(struct jbuf *j, struct jpair *p, int n)
{
	qsort(p, (size_t)n, sizeof *p, jpair_cmp);
	jb_reset(j);
	jb_raw(j, "{", 1);
	for (int i = 0; i < n; i++) {
		if (i)
			jb_raw(j, ", ", 2);
		jb_str(j, p[i].key);
		jb_raw(j, ": ", 2);
		if (p[i].str) {
			jb_str(j, p[i].str);
		} else {
			char t[24];
			int k = snprintf(t, sizeof t, "%lld", p[i].num);
			jb_raw(j, t, (size_t)k);
		}
	}
	jb_raw(j, "}", 1);
}
