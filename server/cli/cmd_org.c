/* SPDX-License-Identifier: EUPL-1.2 */
/* org add | list | set: the public bodies of a deployment, for its
 * operator (docs/operations.md §2.6, "The organisation"). A body and the
 * unit that receives its online requests are created in one transaction;
 * its settings are then those of /panel/admin/ustawienia, checked by the
 * same code (cases/admin.h) and recorded as the same audit events. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/admin.h"
#include "cases/orgs.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/utf8.h"
#include "db/db.h"

static const char usage_all[] =
    "Usage: jawnosc org COMMAND [OPTIONS]\n\n"
    "The public bodies (organisations) of this deployment. Commands:\n"
    "  add SLUG --name NAME --address ADDRESS --place PLACE --email EMAIL\n"
    "      [--phone PHONE] [--bip-url URL] [--host HOST ...] [--unit SYMBOL --unit-name NAME]\n"
    "  list\n"
    "  set SLUG KEY=VALUE ...\n\n"
    "Run 'jawnosc org COMMAND --help' for the details of one.\n";

static const char usage_add[] =
    "Usage: jawnosc org add SLUG --name NAME --address ADDRESS --place PLACE --email EMAIL\n"
    "                       [--phone PHONE] [--bip-url URL] [--host HOST ...]\n"
    "                       [--unit SYMBOL --unit-name NAME]\n\n"
    "Creates a public body and the unit that receives its online requests, in one\n"
    "transaction, recorded in the audit log (event org_add). SLUG names it on the\n"
    "command line (2-32 of a-z, 0-9 and '-'). --host (repeatable) lists the host\n"
    "names whose requests are this body's (each belongs to one body); a deployment\n"
    "of one body may instead set JAWNOSC_DEFAULT_ORG=SLUG. --unit is the unit's\n"
    "symbol as case numbers show it (default OR, with --unit-name \"Referat\n"
    "Organizacyjny\"). The values are checked as /panel/admin/ustawienia checks them;\n"
    "a refused one is named with the reason, and nothing is written (exit 1).\n";

static const char usage_list[] =
    "Usage: jawnosc org list\n\n"
    "Lists the bodies: slug, name, host names, number of units and of cases.\n";

static const char usage_set_head[] =
    "Usage: jawnosc org set SLUG KEY=VALUE ...\n\n"
    "Changes settings of the body SLUG, as its administrator does in\n"
    "/panel/admin/ustawienia: the same checks (every refused value is named with the\n"
    "reason, and nothing is written: exit 1) and the same audit event\n"
    "(org_settings, listing each change). A value of several lines (address, hosts,\n"
    "retention_years \"CLASS YEARS\" lines) is given with its line breaks, e.g.\n"
    "  jawnosc org set urzad hosts=$'bip.urzad.gov.pl\\nwnioski.urzad.gov.pl'\n"
    "Yes/no settings take true or false; dates RRRR-MM-DD. Keys:\n";

/* ---- Arguments and the database ---- */

static bool clean_arg(const char *cmd, const char *what, const char *s)
{
	if (!s || utf8_valid(s, strlen(s)))
		return true;
	fprintf(stderr, "jawnosc org %s: %s is not valid UTF-8\n", cmd, what);
	return false;
}

/* Says why a service refused (each field with its message, named as the
 * command line names it by `name_of`); the exit code. */
static int report(const char *cmd, enum outcome o, const struct problem *p,
                  const char *(*name_of)(const char *field))
{
	switch (o) {
	case OUT_OK:
		return 0;
	case OUT_INVALID:
	case OUT_CONFLICT:
		for (int i = 0; i < p->nfields; i++)
			fprintf(stderr, "jawnosc org %s: %s: %s\n", cmd, name_of(p->fields[i].field),
			        p->fields[i].message);
		if (!p->nfields)
			fprintf(stderr, "jawnosc org %s: refused\n", cmd);
		break;
	case OUT_UNAVAILABLE:
		fprintf(stderr, "jawnosc org %s: the database cannot be reached\n", cmd);
		break;
	default:
		fprintf(stderr, "jawnosc org %s: database error\n", cmd);
		break;
	}
	return 1;
}

/* ---- add ---- */

/* The option of `org add` that typed a field of orgs_add(). */
static const char *add_option(const char *field)
{
	static const char *const names[][2] = {
	    {"slug", "SLUG"},       {"name", "--name"},   {"address", "--address"},
	    {"place", "--place"},   {"email", "--email"}, {"phone", "--phone"},
	    {"bip_url", "--bip-url"}, {"hosts", "--host"}, {"unit", "--unit"},
	    {"unit_name", "--unit-name"}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(names[i][0], field))
			return names[i][1];
	return field;
}

#define HOSTS_MAX_ARGS 50

static int org_add(int argc, char **argv)
{
	struct orgs_new in = {0};
	const char *hosts[HOSTS_MAX_ARGS];
	int nhosts = 0;
	struct {
		const char *name;
		const char **value;
	} opts[] = {{"--name", &in.name},   {"--address", &in.address},     {"--place", &in.place},
	            {"--email", &in.email}, {"--phone", &in.phone},         {"--bip-url", &in.bip_url},
	            {"--unit", &in.unit},   {"--unit-name", &in.unit_name}};
	for (int i = 1; i < argc; i++) {
		bool missing = false, known = false;
		const char *v;
		if ((v = cli_opt_value(argc, argv, &i, "--host", &missing))) {
			if (nhosts == HOSTS_MAX_ARGS) {
				fprintf(stderr, "jawnosc org add: at most %d --host\n", HOSTS_MAX_ARGS);
				return 2;
			}
			hosts[nhosts++] = v;
			continue;
		}
		for (size_t k = 0; !missing && !known && k < sizeof opts / sizeof opts[0]; k++)
			if ((v = cli_opt_value(argc, argv, &i, opts[k].name, &missing))) {
				*opts[k].value = v;
				known = true;
			}
		if (missing) {
			fprintf(stderr, "jawnosc org add: %s needs a value\n", argv[i]);
			return 2;
		}
		if (known)
			continue;
		if (argv[i][0] == '-' || in.slug) {
			fprintf(stderr, "jawnosc org add: unexpected argument '%s'\n\n%s", argv[i], usage_add);
			return 2;
		}
		in.slug = argv[i];
	}
	if (!in.slug || !in.name || !in.address || !in.place || !in.email) {
		fprintf(stderr, "jawnosc org add: SLUG, --name, --address, --place and --email are "
		                "needed\n\n%s",
		        usage_add);
		return 2;
	}
	if (!in.unit != !in.unit_name) {
		fprintf(stderr, "jawnosc org add: --unit and --unit-name go together\n");
		return 2;
	}
	if (!in.unit) {
		in.unit = "OR";
		in.unit_name = "Referat Organizacyjny";
	}
	for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
		if (!clean_arg("add", opts[k].name, *opts[k].value))
			return 2;
	arena_t *a = arena_new(16 * 1024);
	char *joined = NULL;
	size_t len = 1;
	for (int k = 0; k < nhosts; k++)
		len += strlen(hosts[k]) + 1;
	joined = arena_alloc(a, len);
	joined[0] = '\0';
	for (int k = 0; k < nhosts; k++) {
		if (!clean_arg("add", "--host", hosts[k])) {
			arena_free(a);
			return 2;
		}
		strcat(joined, hosts[k]);
		if (k + 1 < nhosts)
			strcat(joined, "\n");
	}
	in.hosts = joined;
	struct svc_ctx ctx;
	struct problem p = {0};
	long long id = 0;
	int rc = cli_open_services("org", "add", a, &ctx)
	             ? report("add", orgs_add(&ctx, &in, &id, &p), &p, add_option)
	             : 1;
	db_close();
	if (rc == 0)
		printf("organisation %s added (id %lld); unit %s (%s) receives its online requests\n",
		       in.slug, id, in.unit, in.unit_name);
	arena_free(a);
	return rc;
}

/* ---- list ---- */

/* A field as `org set` (and list) name it: the setting's key itself. */
static const char *set_key(const char *field)
{
	return field;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Pads to `width` characters (not bytes: names are Polish). */
static void cell(const char *s, size_t width, bool last)
{
	fputs(s, stdout);
	if (last) {
		putchar('\n');
		return;
	}
	for (size_t n = utf8_chars(s); n < width + 2; n++)
		putchar(' ');
}

static int org_list(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "jawnosc org list: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	arena_t *a = arena_new(16 * 1024);
	struct svc_ctx ctx;
	struct problem p = {0};
	struct orgs_row *rows = NULL;
	size_t n = 0;
	int rc = cli_open_services("org", "list", a, &ctx)
	             ? report("list", orgs_list(&ctx, &rows, &n, &p), &p, set_key)
	             : 1;
	db_close();
	if (rc == 0) {
		enum { COLS = 5 };
		static const char *const head[COLS] = {"SLUG", "NAME", "HOSTS", "UNITS", "CASES"};
		const char ***v = arena_alloc(a, (n + 1) * sizeof *v);
		size_t w[COLS];
		for (int k = 0; k < COLS; k++)
			w[k] = strlen(head[k]);
		v[0] = (const char **)head;
		for (size_t i = 0; i < n; i++) {
			const char **r = arena_alloc(a, COLS * sizeof *r);
			r[0] = rows[i].slug;
			r[1] = rows[i].name;
			r[2] = *rows[i].hosts ? rows[i].hosts : "-";
			r[3] = arena_printf(a, "%lld", rows[i].units);
			r[4] = arena_printf(a, "%lld", rows[i].cases);
			v[i + 1] = r;
			for (int k = 0; k < COLS; k++)
				if (utf8_chars(r[k]) > w[k])
					w[k] = utf8_chars(r[k]);
		}
		for (size_t i = 0; i <= n; i++)
			for (int k = 0; k < COLS; k++)
				cell(v[i][k], w[k], k == COLS - 1);
	}
	arena_free(a);
	return rc;
}

/* ---- set ---- */

static void print_set_usage(FILE *out)
{
	fputs(usage_set_head, out);
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++) {
		const char *const *choices = admin_setting_choices(admin_settings[i].id);
		fprintf(out, "  %-32s %s", admin_settings[i].id, admin_settings[i].label);
		for (size_t k = 0; choices && choices[k]; k++)
			fprintf(out, "%s%s", k ? ", " : " (", choices[k]);
		fputs(choices ? ")\n" : "\n", out);
	}
}

static int org_set(int argc, char **argv)
{
	if (argc < 3 || argv[1][0] == '-') {
		print_set_usage(stderr);
		return 2;
	}
	const char *slug = argv[1];
	int nkeys = argc - 2;
	arena_t *a = arena_new(16 * 1024);
	const char **keys = arena_alloc(a, (size_t)nkeys * sizeof *keys);
	const char **values = arena_alloc(a, (size_t)nkeys * sizeof *values);
	int rc = 0;
	for (int i = 0; i < nkeys && !rc; i++) {
		const char *arg = argv[i + 2], *eq = strchr(arg, '=');
		if (!eq || eq == arg) {
			fprintf(stderr, "jawnosc org set: '%s' is not KEY=VALUE\n", arg);
			rc = 2;
			break;
		}
		keys[i] = arena_strndup(a, arg, (size_t)(eq - arg));
		values[i] = eq + 1;
		if (admin_setting_index(keys[i]) < 0) {
			fprintf(stderr, "jawnosc org set: unknown setting '%s' (see 'jawnosc org set --help')\n",
			        keys[i]);
			rc = 2;
		} else if (!clean_arg("set", keys[i], values[i])) {
			rc = 2;
		}
	}
	if (rc) {
		arena_free(a);
		return rc;
	}
	struct svc_ctx ctx;
	struct problem p = {0};
	long long id = 0;
	enum outcome o = OUT_ERROR;
	if (!cli_open_services("org", "set", a, &ctx)) {
		arena_free(a);
		return 1;
	}
	o = orgs_find(&ctx, slug, &id, &p);
	if (o == OUT_NOT_FOUND) {
		fprintf(stderr, "jawnosc org set: no organisation with slug '%s'\n", slug);
		rc = 1;
	} else if (o != OUT_OK) {
		rc = report("set", o, &p, set_key);
	} else {
		/* As the body's administrator does it, without an account: the
		 * audit event names no user. */
		struct actor who = {.org_id = id, .role = "admin", .name = "jawnosc org set"};
		ctx.who = &who;
		struct admin_values v;
		o = admin_settings_get(&ctx, &v, &p);
		for (int i = 0; o == OUT_OK && i < nkeys; i++)
			v.v[admin_setting_index(keys[i])] = values[i];
		if (o == OUT_OK)
			o = admin_settings_save(&ctx, &v, &p);
		rc = report("set", o, &p, set_key);
	}
	db_close();
	if (rc == 0) {
		printf("organisation %s: saved", slug);
		for (int i = 0; i < nkeys; i++)
			printf("%s%s", i ? ", " : " ", keys[i]);
		putchar('\n');
	}
	arena_free(a);
	return rc;
}

/* ---- The command ---- */

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage; /* NULL: printed by the command itself (set) */
} subcommands[] = {
    {"add", org_add, usage_add},
    {"list", org_list, usage_list},
    {"set", org_set, NULL},
};

int cmd_org(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		bool help = cli_wants_help(argc, argv);
		fputs(usage_all, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
		if (strcmp(argv[1], subcommands[i].name) != 0)
			continue;
		if (cli_wants_help(argc - 1, argv + 1)) {
			if (subcommands[i].usage)
				fputs(subcommands[i].usage, stdout);
			else
				print_set_usage(stdout);
			return 0;
		}
		if (sodium_init() < 0) {
			fprintf(stderr, "jawnosc org: libsodium cannot be initialised\n");
			return 1;
		}
		return subcommands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "jawnosc org: unknown command '%s'\n\n%s", argv[1], usage_all);
	return 2;
}
