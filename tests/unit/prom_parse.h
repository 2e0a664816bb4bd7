/* SPDX-License-Identifier: EUPL-1.2 */
/* A strict parser of the Prometheus text exposition format 0.0.4, for the
 * tests of /metrics (promtool is not installed by deploy/deps.sh: the
 * Debian package "prometheus" is about 100 MB). It refuses what the format
 * or Prometheus' own parser refuses, and what promtool's linter flags:
 *   - a line that is not "# HELP name text", "# TYPE name type", another
 *     comment, or "name{label="value",...} value [timestamp]";
 *   - bad metric or label names, label values with escapes other than
 *     \\ \" \n, a duplicate label in one sample, a value that is not a float
 *     (NaN, +Inf, -Inf allowed), a missing final line feed;
 *   - TYPE or HELP twice for a family, TYPE after the family's samples,
 *     an unknown type, a family without HELP, samples of one family not
 *     kept together, the same series twice;
 *   - counters not named *_total or negative; histogram samples other than
 *     _bucket (with le), _sum and _count, buckets not cumulative, no +Inf
 *     bucket or one different from _count.
 * Header-only: static functions, used by tests/unit/test_metrics.c and
 * tests/integration/test_ops.c. */
#ifndef JAWNOSC_TESTS_PROM_PARSE_H
#define JAWNOSC_TESTS_PROM_PARSE_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROM_MAX_SAMPLES 4096
#define PROM_MAX_FAMILIES 256
#define PROM_MAX_LABELS 8

struct prom_sample {
	char name[128];
	char family[128];
	char labels[512]; /* canonical: name="value" pairs sorted by name, comma-separated */
	char le[32];      /* the le label of a histogram bucket, "" otherwise */
	double value;
};

struct prom_family {
	char name[128];
	char type[16]; /* "" until a TYPE line; then counter, gauge, histogram, summary, untyped */
	bool help;
	bool closed; /* another family's samples came after this one's */
	int samples;
};

struct prom_doc {
	struct prom_sample s[PROM_MAX_SAMPLES];
	int n;
	struct prom_family f[PROM_MAX_FAMILIES];
	int nf;
	char err[256];
};

static bool prom_fail(struct prom_doc *d, int line, const char *msg, const char *what)
{
	snprintf(d->err, sizeof d->err, "line %d: %s%s%.80s", line, msg, what ? ": " : "",
	         what ? what : "");
	return false;
}

static bool prom_name_char(char c, bool first, bool colon)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (colon && c == ':')
		return true;
	return !first && c >= '0' && c <= '9';
}

/* Reads a metric (colon allowed) or label name into out; returns its end. */
static const char *prom_name(const char *p, bool colon, char *out, size_t len)
{
	size_t n = 0;
	while (prom_name_char(p[n], n == 0, colon))
		n++;
	if (n == 0 || n >= len)
		return NULL;
	memcpy(out, p, n);
	out[n] = '\0';
	return p + n;
}

static bool prom_float(const char *s, size_t n, double *out)
{
	char buf[64];
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!strcmp(buf, "NaN")) {
		*out = NAN;
		return true;
	}
	if (!strcmp(buf, "+Inf") || !strcmp(buf, "Inf")) {
		*out = INFINITY;
		return true;
	}
	if (!strcmp(buf, "-Inf")) {
		*out = -INFINITY;
		return true;
	}
	/* strtod accepts hex, "inf", "nan(...)": Prometheus' parser does not. */
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789.eE+-", buf[i]))
			return false;
	char *end;
	*out = strtod(buf, &end);
	return *end == '\0';
}

static struct prom_family *prom_family_get(struct prom_doc *d, const char *name)
{
	for (int i = 0; i < d->nf; i++)
		if (!strcmp(d->f[i].name, name))
			return &d->f[i];
	if (d->nf == PROM_MAX_FAMILIES)
		return NULL;
	struct prom_family *f = &d->f[d->nf++];
	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	return f;
}

static bool prom_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* The family a sample belongs to: histogram and summary samples carry a
 * suffix; the family is the one declared by TYPE. */
static void prom_family_of(struct prom_doc *d, const char *name, char *out, size_t len)
{
	static const char *const suffixes[] = {"_bucket", "_sum", "_count"};
	char copy[128];
	snprintf(copy, sizeof copy, "%s", name);
	name = copy;
	for (size_t i = 0; i < 3; i++) {
		if (!prom_ends_with(name, suffixes[i]))
			continue;
		size_t n = strlen(name) - strlen(suffixes[i]);
		for (int k = 0; k < d->nf; k++)
			if (strlen(d->f[k].name) == n && !strncmp(d->f[k].name, name, n) &&
			    (!strcmp(d->f[k].type, "histogram") || !strcmp(d->f[k].type, "summary"))) {
				snprintf(out, len, "%s", d->f[k].name);
				return;
			}
	}
	snprintf(out, len, "%s", name);
}

struct prom_label {
	char name[64];
	char value[256];
};

static int prom_label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prom_label *)a)->name, ((const struct prom_label *)b)->name);
}

static bool prom_sample_line(struct prom_doc *d, int ln, const char *p, const char *end,
                             const char **current)
{
	if (d->n == PROM_MAX_SAMPLES)
		return prom_fail(d, ln, "too many samples", NULL);
	struct prom_sample *s = &d->s[d->n];
	memset(s, 0, sizeof *s);
	p = prom_name(p, true, s->name, sizeof s->name);
	if (!p)
		return prom_fail(d, ln, "bad metric name", NULL);
	struct prom_label labels[PROM_MAX_LABELS];
	int nl = 0;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			if (nl == PROM_MAX_LABELS)
				return prom_fail(d, ln, "too many labels", NULL);
			struct prom_label *l = &labels[nl];
			p = prom_name(p, false, l->name, sizeof l->name);
			if (!p || strncmp(l->name, "__", 2) == 0)
				return prom_fail(d, ln, "bad label name", NULL);
			if (p[0] != '=' || p[1] != '"')
				return prom_fail(d, ln, "expected =\" after a label name", l->name);
			p += 2;
			size_t n = 0;
			for (; *p != '"'; p++) {
				if (p >= end || *p == '\n')
					return prom_fail(d, ln, "unterminated label value", NULL);
				char c = *p;
				if (c == '\\') {
					p++;
					if (*p == 'n')
						c = '\n';
					else if (*p == '\\' || *p == '"')
						c = *p;
					else
						return prom_fail(d, ln, "bad escape in a label value", NULL);
				}
				if (n + 1 >= sizeof l->value)
					return prom_fail(d, ln, "label value too long", NULL);
				l->value[n++] = c;
			}
			l->value[n] = '\0';
			p++;
			for (int k = 0; k < nl; k++)
				if (!strcmp(labels[k].name, l->name))
					return prom_fail(d, ln, "duplicate label", l->name);
			nl++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				return prom_fail(d, ln, "expected , or } after a label", NULL);
		}
		p++;
	}
	if (*p != ' ')
		return prom_fail(d, ln, "expected a space before the value", NULL);
	p++;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	if (!prom_float(p, sp ? (size_t)(sp - p) : (size_t)(end - p), &s->value))
		return prom_fail(d, ln, "bad value", NULL);
	if (sp) { /* a timestamp: an integer of milliseconds */
		const char *t = sp + 1;
		if (t == end)
			return prom_fail(d, ln, "trailing space", NULL);
		for (const char *q = t + (*t == '-'); q < end; q++)
			if (*q < '0' || *q > '9')
				return prom_fail(d, ln, "bad timestamp", NULL);
	}
	qsort(labels, (size_t)nl, sizeof labels[0], prom_label_cmp);
	size_t off = 0;
	for (int k = 0; k < nl; k++) {
		int w = snprintf(s->labels + off, sizeof s->labels - off, "%s%s=\"%s\"", k ? "," : "",
		                 labels[k].name, labels[k].value);
		if (w < 0 || (size_t)w >= sizeof s->labels - off)
			return prom_fail(d, ln, "labels too long", NULL);
		off += (size_t)w;
		if (!strcmp(labels[k].name, "le"))
			snprintf(s->le, sizeof s->le, "%s", labels[k].value);
	}
	prom_family_of(d, s->name, s->family, sizeof s->family);
	struct prom_family *f = prom_family_get(d, s->family);
	if (!f)
		return prom_fail(d, ln, "too many families", NULL);
	if (f->closed)
		return prom_fail(d, ln, "samples of a family are not together", s->family);
	if (*current && strcmp(*current, f->name)) {
		struct prom_family *prev = prom_family_get(d, *current);
		if (prev)
			prev->closed = true;
	}
	*current = f->name;
	f->samples++;
	for (int k = 0; k < d->n; k++)
		if (!strcmp(d->s[k].name, s->name) && !strcmp(d->s[k].labels, s->labels))
			return prom_fail(d, ln, "the same series twice", s->name);
	if (!strcmp(f->type, "counter")) {
		if (!prom_ends_with(s->name, "_total"))
			return prom_fail(d, ln, "counter not named *_total", s->name);
		if (!(s->value >= 0))
			return prom_fail(d, ln, "negative counter", s->name);
	}
	if (!strcmp(f->type, "histogram")) {
		bool bucket = prom_ends_with(s->name, "_bucket");
		if (strcmp(s->name, f->name) == 0 ||
		    !(bucket || prom_ends_with(s->name, "_sum") || prom_ends_with(s->name, "_count")))
			return prom_fail(d, ln, "not a histogram sample", s->name);
		if (bucket != (s->le[0] != '\0'))
			return prom_fail(d, ln, "le only and always on _bucket", s->name);
		double le;
		if (bucket && !prom_float(s->le, strlen(s->le), &le))
			return prom_fail(d, ln, "bad le", s->le);
	}
	d->n++;
	return true;
}

/* The labels of a bucket without le, to group a histogram's series. */
static void prom_without_le(const char *labels, char *out, size_t len)
{
	out[0] = '\0';
	size_t off = 0;
	const char *p = labels;
	while (*p) {
		const char *q = p;
		bool in = false;
		while (*q && (in || *q != ',')) { /* values may hold commas */
			if (*q == '"' && q[-1] != '\\')
				in = !in;
			q++;
		}
		if (strncmp(p, "le=\"", 4) != 0) {
			int w = snprintf(out + off, len - off, "%s%.*s", off ? "," : "", (int)(q - p), p);
			if (w > 0)
				off += (size_t)w < len - off ? (size_t)w : len - off - 1;
		}
		p = *q ? q + 1 : q;
	}
}

static bool prom_check_histograms(struct prom_doc *d)
{
	for (int i = 0; i < d->n; i++) {
		struct prom_sample *s = &d->s[i];
		struct prom_family *f = prom_family_get(d, s->family);
		if (!f || strcmp(f->type, "histogram") || !prom_ends_with(s->name, "_count"))
			continue;
		/* For each _count: its buckets, in order, cumulative, ending at +Inf = count. */
		double last = -1, last_le = -INFINITY, inf = -1;
		bool has_sum = false;
		for (int k = 0; k < d->n; k++) {
			struct prom_sample *b = &d->s[k];
			if (strcmp(b->family, s->family))
				continue;
			char group[512];
			prom_without_le(b->labels, group, sizeof group);
			if (strcmp(group, s->labels))
				continue;
			if (prom_ends_with(b->name, "_sum"))
				has_sum = true;
			if (!prom_ends_with(b->name, "_bucket"))
				continue;
			double le;
			prom_float(b->le, strlen(b->le), &le);
			if (le <= last_le)
				return prom_fail(d, 0, "buckets out of order", s->family);
			if (b->value < last)
				return prom_fail(d, 0, "buckets not cumulative", s->family);
			last = b->value, last_le = le;
			if (isinf(le))
				inf = b->value;
		}
		if (inf < 0)
			return prom_fail(d, 0, "histogram without a +Inf bucket", s->family);
		if (inf != s->value)
			return prom_fail(d, 0, "+Inf bucket differs from _count", s->family);
		if (!has_sum)
			return prom_fail(d, 0, "histogram without _sum", s->family);
	}
	return true;
}

/* Parses `text` into `d`; false with d->err set on the first problem. */
static bool prom_parse(const char *text, struct prom_doc *d)
{
	memset(d, 0, sizeof *d);
	size_t len = strlen(text);
	if (len == 0)
		return prom_fail(d, 0, "empty exposition", NULL);
	if (text[len - 1] != '\n')
		return prom_fail(d, 0, "no line feed at the end", NULL);
	const char *current = NULL;
	int ln = 0;
	for (const char *p = text; *p;) {
		const char *end = strchr(p, '\n');
		ln++;
		if (end == p) {
			p++;
			continue;
		}
		if (*p == '#') {
			char kw[8], name[128];
			const char *q = p + 1;
			if (*q == ' ')
				q++;
			size_t kn = strcspn(q, " \n");
			if ((kn == 4 && !strncmp(q, "HELP", 4)) || (kn == 4 && !strncmp(q, "TYPE", 4))) {
				memcpy(kw, q, 4);
				kw[4] = '\0';
				q += 4;
				if (*q != ' ')
					return prom_fail(d, ln, "expected a name after", kw);
				q = prom_name(q + 1, true, name, sizeof name);
				if (!q)
					return prom_fail(d, ln, "bad metric name in", kw);
				struct prom_family *f = prom_family_get(d, name);
				if (!f)
					return prom_fail(d, ln, "too many families", NULL);
				if (f->closed || (current && strcmp(current, name) && f->samples))
					return prom_fail(d, ln, "metadata after another family's samples", name);
				if (!strcmp(kw, "HELP")) {
					if (f->help)
						return prom_fail(d, ln, "HELP twice", name);
					if (*q != ' ' || q + 1 >= end)
						return prom_fail(d, ln, "empty HELP", name);
					for (const char *h = q + 1; h < end; h++)
						if (*h == '\\' && h[1] != '\\' && h[1] != 'n')
							return prom_fail(d, ln, "bad escape in HELP", name);
						else if (*h == '\\')
							h++;
					f->help = true;
				} else {
					if (f->type[0])
						return prom_fail(d, ln, "TYPE twice", name);
					if (f->samples)
						return prom_fail(d, ln, "TYPE after samples", name);
					if (*q != ' ')
						return prom_fail(d, ln, "TYPE without a type", name);
					size_t tn = (size_t)(end - q - 1);
					const char *types[] = {"counter", "gauge", "histogram", "summary", "untyped"};
					bool ok = false;
					for (size_t t = 0; t < 5; t++)
						if (tn == strlen(types[t]) && !strncmp(q + 1, types[t], tn))
							ok = true, snprintf(f->type, sizeof f->type, "%s", types[t]);
					if (!ok)
						return prom_fail(d, ln, "unknown type", name);
				}
				if (current && strcmp(current, name)) {
					struct prom_family *prev = prom_family_get(d, current);
					if (prev)
						prev->closed = true;
				}
				current = f->name;
			}
			p = end + 1;
			continue;
		}
		if (!prom_sample_line(d, ln, p, end, &current))
			return false;
		p = end + 1;
	}
	for (int i = 0; i < d->nf; i++)
		if (!d->f[i].help)
			return prom_fail(d, 0, "family without HELP", d->f[i].name);
	return prom_check_histograms(d);
}

/* The value of the series `name` with exactly the canonical `labels`
 * (sorted, e.g. "code=\"2xx\",route=\"home\""); NAN when absent. */
static double prom_value(const struct prom_doc *d, const char *name, const char *labels)
{
	for (int i = 0; i < d->n; i++)
		if (!strcmp(d->s[i].name, name) && !strcmp(d->s[i].labels, labels ? labels : ""))
			return d->s[i].value;
	return NAN;
}

#endif
