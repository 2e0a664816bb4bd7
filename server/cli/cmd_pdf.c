/* SPDX-License-Identifier: EUPL-1.2 */
/* pdf: the redaction engine of render/redact.c from the command line, for
 * operators (check a file a clerk could not redact, make a public copy by
 * hand) and tests. Pages are numbered from 1 here, as people count them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "core/strbuf.h"
#include "render/redact.h"

static const char pdf_usage[] =
    "Usage: jawnosc pdf COMMAND [OPTIONS]\n\n"
    "Redaction of PDFs for publication (docs/privacy.md, \"Redaction of PDFs\").\n"
    "Pages are numbered from 1; coordinates are points (1/72 inch) from the\n"
    "page's top left corner.\n\n"
    "Commands:\n"
    "  pages   IN.pdf                       the page count and each page's size\n"
    "  text    IN.pdf                       the text, a form feed between pages\n"
    "  page    IN.pdf N OUT.png [--dpi D]   page N as a PNG image (D 36..300, default 100)\n"
    "  find    IN.pdf --term TEXT ...       where each TEXT is (ignoring case):\n"
    "                                       PAGE:X0,Y0,X1,Y1 per line\n"
    "  redact  IN.pdf OUT.pdf [--term TEXT ...] [--box PAGE:X0,Y0,X1,Y1 ...]\n"
    "          the public copy: every page with a found TEXT or a box becomes an image\n"
    "          with black boxes; the others are copied unchanged; OUT.pdf is written\n"
    "          only if no TEXT is left anywhere in it\n\n"
    "Exit status: 0 done, 1 the PDF was refused (the reason on standard error), 2 bad usage.";

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "jawnosc pdf: %s%s%s (see --help)\n", msg, arg ? ": " : "", arg ? arg : "");
	return 2;
}

static bool read_pdf(const char *path, strbuf_t *sb)
{
	sb_init(sb, NULL);
	if (sb_read_file(sb, path))
		return true;
	fprintf(stderr, "jawnosc pdf: %s: %s\n", path, strerror(errno));
	sb_free(sb);
	return false;
}

static int write_file(const char *path, const unsigned char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "jawnosc pdf: %s: %s\n", path, strerror(errno));
		return 1;
	}
	bool ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (!ok)
		fprintf(stderr, "jawnosc pdf: cannot write %s\n", path);
	return ok ? 0 : 1;
}

static const unsigned char *bytes(const strbuf_t *sb)
{
	return (const unsigned char *)(sb->data ? sb->data : "");
}

/* "PAGE:X0,Y0,X1,Y1", PAGE from 1. */
static bool parse_box(const char *s, redact_box_t *b)
{
	int page, used = 0;
	if (sscanf(s, "%d:%lf,%lf,%lf,%lf%n", &page, &b->x0, &b->y0, &b->x1, &b->y1, &used) != 5 ||
	    s[used] != '\0' || page < 1)
		return false;
	b->page = page - 1;
	return true;
}

static long parse_long(const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || end == s || *end || v < lo || v > hi ? lo - 1 : v;
}

struct args {
	const char *pos[3];
	int npos;
	const char **terms;
	size_t nterms;
	redact_box_t *boxes;
	size_t nboxes;
	long dpi;
};

static void args_free(struct args *a)
{
	free(a->terms);
	free(a->boxes);
}

static int parse(int argc, char **argv, int want, struct args *a)
{
	a->dpi = 100;
	for (int i = 1; i < argc; i++) {
		bool missing = false;
		const char *v;
		if ((v = cli_opt_value(argc, argv, &i, "--term", &missing))) {
			const char **t = realloc(a->terms, (a->nterms + 1) * sizeof *t);
			if (!t)
				return usage_error("out of memory", NULL);
			a->terms = t;
			a->terms[a->nterms++] = v;
		} else if (!missing && (v = cli_opt_value(argc, argv, &i, "--box", &missing))) {
			redact_box_t b;
			if (!parse_box(v, &b))
				return usage_error("--box must be PAGE:X0,Y0,X1,Y1", v);
			redact_box_t *nb = realloc(a->boxes, (a->nboxes + 1) * sizeof *nb);
			if (!nb)
				return usage_error("out of memory", NULL);
			a->boxes = nb;
			a->boxes[a->nboxes++] = b;
		} else if (!missing && (v = cli_opt_value(argc, argv, &i, "--dpi", &missing))) {
			if ((a->dpi = parse_long(v, 36, 300)) < 36)
				return usage_error("--dpi must be a number from 36 to 300", v);
		} else if (missing) {
			return usage_error("option needs a value", argv[i]);
		} else if (argv[i][0] != '-' && a->npos < want) {
			a->pos[a->npos++] = argv[i];
		} else {
			return usage_error("unexpected argument", argv[i]);
		}
	}
	if (a->npos < want)
		return usage_error("missing arguments", argv[0]);
	return 0;
}

static int refused(const char *err)
{
	fprintf(stderr, "jawnosc pdf: %s\n", err);
	return 1;
}

static int run_pages(const strbuf_t *in)
{
	char err[512];
	int n = redact_page_count(bytes(in), in->len, err, sizeof err);
	if (n < 0)
		return refused(err);
	printf("%d\n", n);
	for (int i = 0; i < n; i++) {
		double w, h;
		if (!redact_page_size(bytes(in), in->len, i, &w, &h, err, sizeof err))
			return refused(err);
		printf("%d\t%.2f\t%.2f\n", i + 1, w, h);
	}
	return 0;
}

static int run_text(const strbuf_t *in)
{
	char err[512];
	char *t = redact_text(bytes(in), in->len, err, sizeof err);
	if (!t)
		return refused(err);
	fputs(t, stdout);
	free(t);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int run_page(const strbuf_t *in, const struct args *a)
{
	long page = parse_long(a->pos[1], 1, REDACT_MAX_PAGES);
	if (page < 1)
		return usage_error("N must be a page number", a->pos[1]);
	unsigned char *png;
	size_t len;
	char err[512];
	if (!redact_page_png(bytes(in), in->len, (int)page - 1, (int)a->dpi, &png, &len, err,
			     sizeof err))
		return refused(err);
	int rc = write_file(a->pos[2], png, len);
	free(png);
	return rc;
}

static int run_find(const strbuf_t *in, const struct args *a)
{
	if (a->nterms == 0)
		return usage_error("--term TEXT is required", NULL);
	redact_box_t *b = NULL;
	size_t n = 0;
	char err[512];
	long k = redact_find(bytes(in), in->len, a->terms, a->nterms, &b, &n, err, sizeof err);
	if (k < 0) {
		free(b);
		return refused(err);
	}
	for (size_t i = 0; i < n; i++)
		printf("%d:%.2f,%.2f,%.2f,%.2f\n", b[i].page + 1, b[i].x0, b[i].y0, b[i].x1, b[i].y1);
	free(b);
	return 0;
}

static int run_redact(const strbuf_t *in, struct args *a)
{
	char err[512];
	if (a->nterms == 0 && a->nboxes == 0)
		return usage_error("nothing to hide: give --term or --box", NULL);
	long found = 0;
	if (a->nterms > 0) {
		found = redact_find(bytes(in), in->len, a->terms, a->nterms, &a->boxes, &a->nboxes,
				    err, sizeof err);
		if (found < 0)
			return refused(err);
	}
	unsigned char *out;
	size_t len;
	if (!redact_pdf(bytes(in), in->len, a->boxes, a->nboxes, a->terms, a->nterms, &out, &len,
			err, sizeof err))
		return refused(err);
	int rc = write_file(a->pos[1], out, len);
	free(out);
	if (rc == 0) {
		int pages = redact_page_count(bytes(in), in->len, err, sizeof err);
		bool *hit = calloc(pages > 0 ? (size_t)pages : 1, sizeof *hit);
		int nred = 0;
		for (size_t i = 0; hit && i < a->nboxes; i++)
			if (!hit[a->boxes[i].page]) {
				hit[a->boxes[i].page] = true;
				nred++;
			}
		free(hit);
		printf("%s: %d pages, %d redacted (%ld found, %zu boxes), %zu bytes\n", a->pos[1],
		       pages, nred, found, a->nboxes, len);
	}
	return rc;
}

int cmd_pdf(int argc, char **argv)
{
	if (argc < 2 || cli_help(argc, argv, pdf_usage)) {
		if (argc < 2)
			fprintf(stderr, "%s\n", pdf_usage);
		return argc < 2 ? 2 : 0;
	}
	static const struct {
		const char *name;
		int want; /* positional arguments after the command */
	} cmds[] = {{"pages", 1}, {"text", 1}, {"page", 3}, {"find", 1}, {"redact", 2}};
	const char *cmd = argv[1];
	int want = -1;
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			want = cmds[i].want;
	if (want < 0)
		return usage_error("unknown command", cmd);
	struct args a = {0};
	int rc = parse(argc - 1, argv + 1, want, &a);
	strbuf_t in;
	if (rc == 0 && !read_pdf(a.pos[0], &in))
		rc = 1;
	else if (rc == 0) {
		if (strcmp(cmd, "pages") == 0)
			rc = run_pages(&in);
		else if (strcmp(cmd, "text") == 0)
			rc = run_text(&in);
		else if (strcmp(cmd, "page") == 0)
			rc = run_page(&in, &a);
		else if (strcmp(cmd, "find") == 0)
			rc = run_find(&in, &a);
		else
			rc = run_redact(&in, &a);
		sb_free(&in);
	}
	args_free(&a);
	return rc;
}
