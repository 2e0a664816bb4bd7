/* SPDX-License-Identifier: EUPL-1.2 */
/* letter: the letter engine of server/render/ without a database, so that
 * templates can be checked, rendered for a sample case and timed. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "core/config.h"
#include "core/strbuf.h"
#include "render/letter.h"

static const char letter_usage[] =
    "Usage: jawnosc letter COMMAND [OPTIONS]\n\n"
    "Letters and decisions (templates/letters/, docs/letters.md).\n\n"
    "Commands:\n"
    "  types     list the letter types: id, Polish title, kinds (tab-separated)\n"
    "  check     load every template and report the first error\n"
    "  sample    render a template for the built-in sample case\n"
    "  render    render a template (or edited Markdown) with variables from JSON\n"
    "  docs      print docs/letters.md (types and variables)\n"
    "  bench     time rendering one letter to PDF\n\n"
    "Run 'jawnosc letter COMMAND --help' for a command's options.";

static const char types_usage[] =
    "Usage: jawnosc letter types [--json]\n\n"
    "Lists the letter types, one per line: the id (the template's file name without\n"
    "\".md\"), the Polish title and the kinds of request it serves, separated by tabs.\n"
    "--json prints an array of objects.";

static const char check_usage[] =
    "Usage: jawnosc letter check [--templates DIR]\n\n"
    "Loads and compiles every template of DIR (default: $JAWNOSC_TEMPLATES/letters)\n"
    "and prints \"ok\" with the number of types, or the first error as FILE:LINE.";

static const char sample_usage[] =
    "Usage: jawnosc letter sample TYPE [--kind public_information|reuse]\n"
    "                             [--remedy appeal|reconsideration]\n"
    "                             [--format md|html|pdf] [--out FILE] [--templates DIR]\n\n"
    "Renders the template TYPE for the built-in sample case (Ministerstwo Obrony\n"
    "Narodowej, Jan Kowalski, COMON.1431.15.2026): no database needed.\n"
    "  --kind       the kind of request (default public_information)\n"
    "  --remedy     the organisation's remedy policy (default reconsideration)\n"
    "  --format     md (the Markdown body), html (default) or pdf\n"
    "  --out        the output file (default: standard output, not for pdf on a terminal)\n"
    "  --vars       print the sample's variables as JSON instead";

static const char render_usage[] =
    "Usage: jawnosc letter render TYPE --vars FILE.json [--markdown FILE]\n"
    "                             [--format md|html|pdf] [--out FILE] [--templates DIR]\n\n"
    "Renders TYPE with the variables of FILE.json (see docs/letters.md). With\n"
    "--markdown, the body is that file (an edited letter) instead of the template.";

static const char docs_usage[] =
    "Usage: jawnosc letter docs [--templates DIR]\n\n"
    "Prints docs/letters.md: the letter types (with the inputs each template uses)\n"
    "and the variables.";

static const char bench_usage[] =
    "Usage: jawnosc letter bench [TYPE] [--count N] [--kind K] [--remedy R] [--templates DIR]\n\n"
    "Renders TYPE (default refusal_decision) for the sample case to PDF N times\n"
    "(default 200) after one warm-up, and prints the first call's time and the\n"
    "median, p99 and maximum in milliseconds, for the Markdown, HTML and PDF steps.";

struct args {
	const char *type, *kind, *remedy, *format, *out, *templates, *vars, *markdown;
	long count;
	bool json, print_vars;
};

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
	fprintf(stderr, "jawnosc letter %s: %s%s%s (see --help)\n", cmd, msg, arg ? ": " : "",
		arg ? arg : "");
	return 2;
}

static int parse(const char *cmd, int argc, char **argv, struct args *a)
{
	static const struct {
		const char *name;
		size_t offset;
	} opts[] = {
	    {"--kind", offsetof(struct args, kind)},
	    {"--remedy", offsetof(struct args, remedy)},
	    {"--format", offsetof(struct args, format)},
	    {"--out", offsetof(struct args, out)},
	    {"--templates", offsetof(struct args, templates)},
	    {"--vars", offsetof(struct args, vars)},
	    {"--markdown", offsetof(struct args, markdown)},
	};
	const char *count = NULL;
	for (int i = 1; i < argc; i++) {
		bool missing = false, matched = false;
		const char *v;
		if (strcmp(argv[i], "--json") == 0) {
			a->json = matched = true;
		} else if (strcmp(cmd, "sample") == 0 && strcmp(argv[i], "--vars") == 0) {
			a->print_vars = matched = true;
		} else if ((v = cli_opt_value(argc, argv, &i, "--count", &missing))) {
			count = v;
			matched = true;
		}
		for (size_t o = 0; !matched && !missing && o < sizeof opts / sizeof opts[0]; o++) {
			if ((v = cli_opt_value(argc, argv, &i, opts[o].name, &missing))) {
				*(const char **)((char *)a + opts[o].offset) = v;
				matched = true;
			}
		}
		if (missing)
			return usage_error(cmd, "option needs a value", argv[i]);
		if (!matched && argv[i][0] != '-' && !a->type) {
			a->type = argv[i];
			matched = true;
		}
		if (!matched)
			return usage_error(cmd, "unexpected argument", argv[i]);
	}
	if (count) {
		char *end;
		errno = 0;
		a->count = strtol(count, &end, 10);
		if (errno || *end || a->count < 1 || a->count > 100000)
			return usage_error(cmd, "--count must be a number from 1 to 100000", count);
	}
	if (a->format && strcmp(a->format, "md") != 0 && strcmp(a->format, "html") != 0 &&
	    strcmp(a->format, "pdf") != 0)
		return usage_error(cmd, "--format must be md, html or pdf", a->format);
	if (a->kind && strcmp(a->kind, "public_information") != 0 && strcmp(a->kind, "reuse") != 0)
		return usage_error(cmd, "--kind must be public_information or reuse", a->kind);
	if (a->remedy && strcmp(a->remedy, "appeal") != 0 &&
	    strcmp(a->remedy, "reconsideration") != 0 && strcmp(a->remedy, "court_complaint") != 0)
		return usage_error(cmd, "--remedy must be appeal, reconsideration or court_complaint",
		                   a->remedy);
	if (a->type && !letter_type(a->type))
		return usage_error(cmd, "unknown letter type", a->type);
	return 0;
}

static letter_set_t *load(const struct args *a)
{
	char dir[4096], err[512];
	if (a->templates) {
		snprintf(dir, sizeof dir, "%s", a->templates);
	} else {
		if (!config_load(err, sizeof err)) {
			fprintf(stderr, "jawnosc letter: %s\n", err);
			return NULL;
		}
		snprintf(dir, sizeof dir, "%s/letters", cfg.templates_dir);
	}
	letter_set_t *s;
	if (!letter_load(&s, dir, err, sizeof err)) {
		fprintf(stderr, "jawnosc letter: %s\n", err);
		return NULL;
	}
	return s;
}

static int write_output(const char *path, const char *format, const strbuf_t *sb)
{
	bool to_stdout = !path || strcmp(path, "-") == 0;
	if (to_stdout && strcmp(format, "pdf") == 0 && isatty(STDOUT_FILENO)) {
		fputs("jawnosc letter: not writing a PDF to a terminal; use --out FILE\n", stderr);
		return 2;
	}
	FILE *f = to_stdout ? stdout : fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "jawnosc letter: %s: %s\n", path, strerror(errno));
		return 1;
	}
	bool ok = fwrite(sb->data ? sb->data : "", 1, sb->len, f) == sb->len;
	ok = (to_stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
	if (!ok)
		fprintf(stderr, "jawnosc letter: cannot write %s\n", to_stdout ? "output" : path);
	return ok ? 0 : 1;
}

/* Renders `markdown` (or, when NULL, the template) in `format` into out. */
static bool render(const letter_set_t *s, const char *type, json_t *vars, const char *markdown,
		   const char *format, strbuf_t *out, char *err, size_t errlen)
{
	strbuf_t md;
	sb_init(&md, NULL);
	bool ok = true;
	if (markdown)
		sb_puts(&md, markdown);
	else
		ok = letter_markdown(s, type, vars, &md, err, errlen);
	if (ok && strcmp(format, "md") == 0)
		sb_append(out, md.data ? md.data : "", md.len);
	else if (ok && strcmp(format, "html") == 0)
		ok = letter_html(md.data ? md.data : "", vars, out, err, errlen);
	else if (ok)
		ok = letter_pdf(md.data ? md.data : "", vars, out, err, errlen);
	sb_free(&md);
	return ok;
}

static int cmd_types(int argc, char **argv)
{
	struct args a = {0};
	int rc = parse("types", argc, argv, &a);
	if (rc)
		return rc;
	if (a.type)
		return usage_error("types", "unexpected argument", a.type);
	json_t *arr = a.json ? json_array() : NULL;
	for (size_t i = 0; i < letter_type_count; i++) {
		const letter_type_t *t = &letter_types[i];
		const char *kinds = t->kinds == LAW_KIND_REUSE ? "reuse"
				    : t->kinds == LAW_KIND_PUBLIC_INFORMATION
					? "public_information"
					: "public_information,reuse";
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s}", "id", t->id,
							     "title", t->title, "decision",
							     t->decision, "kinds", kinds));
		else
			printf("%s\t%s\t%s\n", t->id, t->title, kinds);
	}
	if (arr) {
		rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : 1;
		putchar('\n');
		json_decref(arr);
	}
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	struct args a = {0};
	int rc = parse("check", argc, argv, &a);
	if (rc)
		return rc;
	letter_set_t *s = load(&a);
	if (!s)
		return 1;
	printf("ok: %zu letter types\n", letter_type_count);
	letter_free(s);
	return 0;
}

static int cmd_sample(int argc, char **argv)
{
	struct args a = {0};
	int rc = parse("sample", argc, argv, &a);
	if (rc)
		return rc;
	if (!a.type)
		return usage_error("sample", "the TYPE is missing", NULL);
	json_t *vars = letter_sample_vars_for(a.type, a.kind, a.remedy);
	if (a.print_vars) {
		rc = json_dumpf(vars, stdout, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 ? 0 : 1;
		putchar('\n');
		json_decref(vars);
		return rc;
	}
	letter_set_t *s = load(&a);
	if (!s) {
		json_decref(vars);
		return 1;
	}
	const char *format = a.format ? a.format : "html";
	strbuf_t out;
	sb_init(&out, NULL);
	char err[512];
	if (render(s, a.type, vars, NULL, format, &out, err, sizeof err)) {
		rc = write_output(a.out, format, &out);
	} else {
		fprintf(stderr, "jawnosc letter sample: %s\n", err);
		rc = 1;
	}
	sb_free(&out);
	letter_free(s);
	json_decref(vars);
	return rc;
}

/* The whole of a file, NUL-terminated, into sb. */
static bool slurp(const char *path, strbuf_t *sb)
{
	if (sb_read_file(sb, path))
		return true;
	fprintf(stderr, "jawnosc letter: %s: %s\n", path, strerror(errno));
	return false;
}

static int cmd_render(int argc, char **argv)
{
	struct args a = {0};
	int rc = parse("render", argc, argv, &a);
	if (rc)
		return rc;
	if (!a.type)
		return usage_error("render", "the TYPE is missing", NULL);
	if (!a.vars)
		return usage_error("render", "--vars FILE.json is required", NULL);
	json_error_t je;
	json_t *vars = json_load_file(a.vars, 0, &je);
	if (!json_is_object(vars)) {
		if (vars)
			fprintf(stderr, "jawnosc letter render: %s: not a JSON object\n", a.vars);
		else if (je.line > 0)
			fprintf(stderr, "jawnosc letter render: %s:%d: %s\n", a.vars, je.line,
				je.text);
		else
			fprintf(stderr, "jawnosc letter render: %s\n", je.text);
		json_decref(vars);
		return 1;
	}
	strbuf_t md, out;
	sb_init(&md, NULL);
	sb_init(&out, NULL);
	letter_set_t *s = NULL;
	/* An edited body needs no template; otherwise the template is loaded. */
	bool ready = a.markdown ? slurp(a.markdown, &md) : (s = load(&a)) != NULL;
	if (!ready) {
		rc = 1;
		goto out;
	}
	const char *format = a.format ? a.format : "html";
	char err[512];
	if (render(s, a.type, vars, a.markdown ? (md.data ? md.data : "") : NULL, format, &out, err,
		   sizeof err)) {
		rc = write_output(a.out, format, &out);
	} else {
		fprintf(stderr, "jawnosc letter render: %s\n", err);
		rc = 1;
	}
out:
	sb_free(&md);
	sb_free(&out);
	letter_free(s);
	json_decref(vars);
	return rc;
}

static int cmd_docs(int argc, char **argv)
{
	struct args a = {0};
	int rc = parse("docs", argc, argv, &a);
	if (rc)
		return rc;
	if (a.type)
		return usage_error("docs", "unexpected argument", a.type);
	letter_set_t *s = load(&a);
	if (!s)
		return 1;
	strbuf_t sb;
	sb_init(&sb, NULL);
	letter_docs_markdown(s, &sb);
	rc = fwrite(sb.data, 1, sb.len, stdout) == sb.len && fflush(stdout) == 0 ? 0 : 1;
	sb_free(&sb);
	letter_free(s);
	return rc;
}

/* ---- bench ------------------------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static double percentile(const double *v, long n, double p)
{
	long rank = (long)(p / 100.0 * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	return v[rank > n ? n - 1 : rank - 1];
}

static void report(const char *what, double *v, long n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	printf("%-9s median %7.2f ms   p99 %7.2f ms   max %7.2f ms\n", what, percentile(v, n, 50),
	       percentile(v, n, 99), v[n - 1]);
}

static int cmd_bench(int argc, char **argv)
{
	struct args a = {0};
	int rc = parse("bench", argc, argv, &a);
	if (rc)
		return rc;
	const char *type = a.type ? a.type : "refusal_decision";
	long n = a.count ? a.count : 200;
	json_t *vars = letter_sample_vars_for(type, a.kind, a.remedy);
	letter_set_t *s = load(&a);
	double *t_md = calloc((size_t)n, sizeof(double)),
	       *t_html = calloc((size_t)n, sizeof(double));
	double *t_pdf = calloc((size_t)n, sizeof(double));
	if (!s || !t_md || !t_html || !t_pdf) {
		rc = 1;
		goto out;
	}
	char err[512];
	strbuf_t md, html, pdf;
	sb_init(&md, NULL);
	sb_init(&html, NULL);
	sb_init(&pdf, NULL);
	size_t pages_bytes = 0;
	double first = 0;
	for (long i = -1; i < n; i++) {
		sb_reset(&md);
		sb_reset(&html);
		sb_reset(&pdf);
		double t0 = now_ms();
		bool ok = letter_markdown(s, type, vars, &md, err, sizeof err);
		double t1 = now_ms();
		ok = ok && letter_html(md.data, vars, &html, err, sizeof err);
		double t2 = now_ms();
		ok = ok && letter_pdf(md.data, vars, &pdf, err, sizeof err);
		double t3 = now_ms();
		if (!ok) {
			fprintf(stderr, "jawnosc letter bench: %s\n", err);
			rc = 1;
			break;
		}
		if (i < 0) { /* the first call loads fonts and fontconfig's cache */
			first = t3 - t2;
			pages_bytes = pdf.len;
			continue;
		}
		t_md[i] = t1 - t0;
		t_html[i] = t2 - t1;
		t_pdf[i] = t3 - t2;
	}
	if (rc == 0) {
		printf("letter %s (%s, %s), %ld renders, PDF of %zu bytes\n", type,
		       a.kind ? a.kind : "public_information",
		       a.remedy ? a.remedy : "reconsideration", n, pages_bytes);
		printf("first PDF (cold fonts) %.2f ms\n", first);
		report("markdown", t_md, n);
		report("html", t_html, n);
		report("pdf", t_pdf, n);
	}
	sb_free(&md);
	sb_free(&html);
	sb_free(&pdf);
out:
	free(t_md);
	free(t_html);
	free(t_pdf);
	letter_free(s);
	json_decref(vars);
	return rc;
}

int cmd_letter(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
		const char *usage;
	} subs[] = {
	    {"types", cmd_types, types_usage},	  {"check", cmd_check, check_usage},
	    {"sample", cmd_sample, sample_usage}, {"render", cmd_render, render_usage},
	    {"docs", cmd_docs, docs_usage},	  {"bench", cmd_bench, bench_usage},
	};
	if (argc < 2) {
		fprintf(stderr, "%s\n", letter_usage);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		puts(letter_usage);
		return 0;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (strcmp(argv[1], subs[i].name) != 0)
			continue;
		if (cli_help(argc - 1, argv + 1, subs[i].usage))
			return 0;
		int rc = subs[i].run(argc - 1, argv + 1);
		letter_shutdown();
		return rc;
	}
	fprintf(stderr, "jawnosc letter: unknown command '%s' (see --help)\n", argv[1]);
	return 2;
}
