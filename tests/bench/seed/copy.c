/* SPDX-License-Identifier: EUPL-1.2 */
#include "copy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "when.h"

#define SLACK 65536 /* room past `cap` for one column of a row */

void sk_flush(struct sink *s)
{
	if (!s->len || s->failed)
		return;
	if (s->c) {
		if (PQputCopyData(s->c, s->buf, (int)s->len) != 1) {
			fprintf(stderr, "\njawnosc-seed: COPY: %s", PQerrorMessage(s->c));
			s->failed = true;
		}
	} else if (fwrite(s->buf, 1, s->len, s->f) != s->len) {
		fprintf(stderr, "\njawnosc-seed: temporary file: %s\n", strerror(errno));
		s->failed = true;
	}
	s->len = 0;
}

void sk_init(struct sink *s, PGconn *c, FILE *f, struct progress *prog)
{
	memset(s, 0, sizeof *s);
	s->c = c;
	s->f = f;
	s->cap = 1 << 20;
	s->buf = xmalloc(s->cap + SLACK);
	s->prog = prog;
}

void sk_free(struct sink *s)
{
	free(s->buf);
	s->buf = NULL;
}

static inline void sk_need(struct sink *s, size_t n)
{
	if (s->len + n > s->cap) {
		sk_flush(s);
		if (n > s->cap) {
			s->cap = n;
			s->buf = xrealloc(s->buf, s->cap + SLACK);
		}
	}
}

static inline void sk_raw(struct sink *s, const char *p, size_t n)
{
	sk_need(s, n);
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static inline void sk_sep(struct sink *s)
{
	if (s->col++)
		sk_raw(s, "\t", 1);
}

void col_s(struct sink *s, const char *v)
{
	sk_sep(s);
	if (!v) {
		sk_raw(s, "\\N", 2);
		return;
	}
	size_t n = strlen(v);
	sk_need(s, 2 * n);
	char *o = s->buf + s->len;
	for (const char *p = v; *p; p++) {
		switch (*p) {
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		default: *o++ = *p;
		}
	}
	s->len = (size_t)(o - s->buf);
}

void col_fmt(struct sink *s, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	col_s(s, tmp);
}

void col_i(struct sink *s, long long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%lld", v);
	sk_sep(s);
	sk_raw(s, tmp, (size_t)n);
}

void col_id(struct sink *s, long long v)
{
	if (v)
		col_i(s, v);
	else
		col_s(s, NULL);
}

void col_b(struct sink *s, bool v)
{
	sk_sep(s);
	sk_raw(s, v ? "t" : "f", 1);
}

void col_day(struct sink *s, int32_t days)
{
	if (days == NO_DAY) {
		col_s(s, NULL);
		return;
	}
	char d[LAW_DATE_STRLEN];
	fmt_day(days, d);
	sk_sep(s);
	sk_raw(s, d, 10);
}

void col_ts(struct sink *s, int64_t us)
{
	char t[WHEN_STRLEN];
	int n = fmt_us(us, false, t);
	sk_sep(s);
	sk_raw(s, t, (size_t)n);
}

void col_bytea(struct sink *s, const unsigned char *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	sk_sep(s);
	sk_need(s, 3 + 2 * n);
	char *o = s->buf + s->len;
	*o++ = '\\';
	*o++ = '\\';
	*o++ = 'x';
	for (size_t i = 0; i < n; i++) {
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	s->len = (size_t)(o - s->buf);
}

void row_end(struct sink *s)
{
	sk_raw(s, "\n", 1);
	s->col = 0;
	s->rows++;
	if (s->prog) {
		s->prog->done++;
		s->prog->pdone++;
		if ((s->rows & 4095) == 0)
			progress_show(s->prog, false);
	}
}

bool copy_begin(PGconn *c, const char *sql, bool freeze)
{
	char buf[1024];
	if (freeze) {
		snprintf(buf, sizeof buf, "%s WITH (FREEZE)", sql);
		sql = buf;
	}
	PGresult *r = PQexec(c, sql);
	bool ok = PQresultStatus(r) == PGRES_COPY_IN;
	if (!ok)
		fprintf(stderr, "\njawnosc-seed: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

bool copy_end(struct sink *s, const char *what)
{
	sk_flush(s);
	if (PQputCopyEnd(s->c, s->failed ? "seed failed" : NULL) != 1) {
		fprintf(stderr, "\njawnosc-seed: COPY %s: %s", what, PQerrorMessage(s->c));
		return false;
	}
	bool ok = !s->failed;
	PGresult *r;
	while ((r = PQgetResult(s->c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "\njawnosc-seed: COPY %s: %s", what, PQresultErrorMessage(r));
			ok = false;
		}
		PQclear(r);
	}
	return ok;
}

bool copy_file(PGconn *c, const char *sql, bool freeze, FILE *f, long long rows,
               struct progress *p, const char *phase)
{
	static char buf[1 << 20];
	progress_phase(p, phase, rows);
	if (!copy_begin(c, sql, freeze))
		return false;
	rewind(f);
	size_t n;
	long long sent_rows = 0;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (PQputCopyData(c, buf, (int)n) != 1) {
			fprintf(stderr, "\njawnosc-seed: COPY: %s", PQerrorMessage(c));
			return false;
		}
		for (size_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				sent_rows++;
		long long delta = sent_rows - p->pdone;
		p->pdone += delta;
		p->done += delta;
		progress_show(p, false);
	}
	struct sink s = {.c = c};
	return copy_end(&s, phase);
}
