/* SPDX-License-Identifier: EUPL-1.2 */
/* holidays, deadline, lifecycle: the legal rules of server/law/ on the
 * command line, for operators and for generating docs/lifecycle.md. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "core/strbuf.h"
#include "law/calendar.h"
#include "law/lifecycle.h"
#include "law/term.h"

/* Prints a JSON value to stdout with a newline and releases it. */
static int print_json(json_t *v)
{
	int rc = v && json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : 1;
	json_decref(v);
	if (rc == 0)
		putchar('\n');
	return rc;
}

/* A whole decimal number in [min, max]; no sign, no spaces. */
static bool parse_int(const char *s, int min, int max, int *out)
{
	if (!s || !*s || strlen(s) > 9)
		return false;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	long v = strtol(s, NULL, 10);
	if (v < min || v > max)
		return false;
	*out = (int)v;
	return true;
}

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
	fprintf(stderr, "jawnosc %s: %s%s%s (see --help)\n", cmd, msg, arg ? ": " : "",
		arg ? arg : "");
	return 2;
}

/* ---- holidays ---------------------------------------------------------- */

static const char holidays_usage[] =
    "Usage: jawnosc holidays YEAR [--json]\n\n"
    "Prints the statutory days off in Poland (ustawa o dniach wolnych od pracy,\n"
    "art. 1) for YEAR (1990-2100), one per line as `YYYY-MM-DD name`. Every\n"
    "Sunday is a day off too; Sundays are listed only when they are holidays.\n"
    "  --json  a JSON array of {\"date\", \"name\"}";

int cmd_holidays(int argc, char **argv)
{
	if (cli_help(argc, argv, holidays_usage))
		return 0;
	bool json = false;
	const char *year_arg = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] == '-' || year_arg)
			return usage_error("holidays", "unexpected argument", argv[i]);
		else
			year_arg = argv[i];
	}
	int year;
	if (!year_arg)
		return usage_error("holidays", "the YEAR is missing", NULL);
	if (!parse_int(year_arg, LAW_YEAR_MIN, LAW_YEAR_MAX, &year))
		return usage_error("holidays", "YEAR must be a number from 1990 to 2100", year_arg);
	law_holiday_t h[LAW_HOLIDAYS_MAX];
	int n = law_holidays(year, h);
	json_t *arr = json ? json_array() : NULL;
	for (int i = 0; i < n; i++) {
		char d[LAW_DATE_STRLEN];
		law_date_format(h[i].date, d);
		if (json)
			json_array_append_new(
			    arr, json_pack("{s:s, s:s}", "date", d, "name", h[i].rule->name));
		else
			printf("%s %s\n", d, h[i].rule->name);
	}
	return json ? print_json(arr) : 0;
}

/* ---- deadline ---------------------------------------------------------- */

static const char deadline_usage[] =
    "Usage: jawnosc deadline --from YYYY-MM-DD (--days N | --weeks N | --months N) [--json]\n\n"
    "Computes a statutory term by KPA art. 57: the day of the event is not counted,\n"
    "months end on the same day-number (or the month's last day), and a term ending\n"
    "on a Saturday or a day off moves to the next working day. Prints the due date,\n"
    "the unshifted date and the reasoning step by step (in Polish).\n"
    "  --from DATE  the day of the event (e.g. receipt of the request)\n"
    "  --days N, --weeks N, --months N  the length (1-9999)\n"
    "  --json       {\"from\", \"unshifted\", \"due\", \"steps\": [...]}";

typedef struct deadline_args {
	const char *from;
	const char *length;
	law_unit_t unit;
	int nunits;
	bool json;
} deadline_args_t;

static int parse_deadline(int argc, char **argv, deadline_args_t *a)
{
	static const struct {
		const char *name;
		law_unit_t unit;
	} units[] = {
	    {"--days", LAW_UNIT_DAYS}, {"--weeks", LAW_UNIT_WEEKS}, {"--months", LAW_UNIT_MONTHS}};
	for (int i = 1; i < argc; i++) {
		bool missing = false, matched = false;
		const char *v;
		if (strcmp(argv[i], "--json") == 0) {
			a->json = matched = true;
		} else if ((v = cli_opt_value(argc, argv, &i, "--from", &missing))) {
			a->from = v;
			matched = true;
		}
		for (size_t u = 0; !matched && !missing && u < sizeof units / sizeof units[0];
		     u++) {
			if ((v = cli_opt_value(argc, argv, &i, units[u].name, &missing))) {
				a->length = v;
				a->unit = units[u].unit;
				a->nunits++;
				matched = true;
			}
		}
		if (missing)
			return usage_error("deadline", "option needs a value", argv[i]);
		if (!matched)
			return usage_error("deadline", "unexpected argument", argv[i]);
	}
	if (!a->from)
		return usage_error("deadline", "--from DATE is required", NULL);
	if (a->nunits != 1)
		return usage_error("deadline", "give exactly one of --days, --weeks, --months",
				   NULL);
	return 0;
}

static int print_deadline(const law_term_calc_t *t, bool json)
{
	char from[LAW_DATE_STRLEN], un[LAW_DATE_STRLEN], due[LAW_DATE_STRLEN];
	law_date_format(t->from, from);
	law_date_format(t->unshifted, un);
	law_date_format(t->due, due);
	if (json) {
		json_t *steps = json_array();
		for (int i = 0; i < t->nsteps; i++)
			json_array_append_new(steps, json_string(t->steps[i]));
		return print_json(json_pack("{s:s, s:s, s:s, s:o}", "from", from, "unshifted", un,
					    "due", due, "steps", steps));
	}
	printf("due:       %s (%s)\n", due, law_weekday_name(law_weekday(t->due)));
	printf("unshifted: %s (%s)\n", un, law_weekday_name(law_weekday(t->unshifted)));
	puts("steps:");
	for (int i = 0; i < t->nsteps; i++)
		printf("  %d. %s\n", i + 1, t->steps[i]);
	return 0;
}

int cmd_deadline(int argc, char **argv)
{
	if (cli_help(argc, argv, deadline_usage))
		return 0;
	deadline_args_t a = {0};
	int rc = parse_deadline(argc, argv, &a);
	if (rc)
		return rc;
	law_date_t from;
	int length;
	if (!law_date_parse(a.from, &from))
		return usage_error("deadline", "--from must be a date YYYY-MM-DD", a.from);
	if (!parse_int(a.length, 1, LAW_TERM_LENGTH_MAX, &length))
		return usage_error("deadline", "the length must be a number from 1 to 9999",
				   a.length);
	law_term_calc_t t;
	law_error_t err;
	if (!law_term_compute(from, length, a.unit, NULL, &t, &err)) {
		fprintf(stderr, "jawnosc deadline: %s\n", err.message);
		return 2;
	}
	return print_deadline(&t, a.json);
}

/* ---- lifecycle --------------------------------------------------------- */

static const char lifecycle_usage[] =
    "Usage: jawnosc lifecycle [--dot] [--kind public_information|reuse]\n\n"
    "Prints the lifecycle table of server/law/ (states, actions, terms, documents,\n"
    "policies, transitions) as Markdown; docs/lifecycle.md is this output.\n"
    "  --dot   a Graphviz digraph of the transitions instead\n"
    "  --kind  only the transitions of one kind of request";

int cmd_lifecycle(int argc, char **argv)
{
	if (cli_help(argc, argv, lifecycle_usage))
		return 0;
	bool dot = false;
	unsigned kinds = LAW_KIND_ALL;
	for (int i = 1; i < argc; i++) {
		bool missing = false;
		const char *v;
		if (strcmp(argv[i], "--dot") == 0)
			dot = true;
		else if ((v = cli_opt_value(argc, argv, &i, "--kind", &missing))) {
			if (strcmp(v, "public_information") == 0)
				kinds = LAW_KIND_PUBLIC_INFORMATION;
			else if (strcmp(v, "reuse") == 0)
				kinds = LAW_KIND_REUSE;
			else
				return usage_error("lifecycle",
						   "--kind must be public_information or reuse", v);
		} else if (missing)
			return usage_error("lifecycle", "option needs a value", argv[i]);
		else
			return usage_error("lifecycle", "unexpected argument", argv[i]);
	}
	strbuf_t sb;
	sb_init(&sb, NULL);
	if (dot)
		law_lifecycle_dot(&sb, kinds);
	else
		law_lifecycle_markdown(&sb, kinds);
	int rc = fwrite(sb.data, 1, sb.len, stdout) == sb.len && fflush(stdout) == 0 ? 0 : 1;
	sb_free(&sb);
	return rc;
}
