/* SPDX-License-Identifier: EUPL-1.2 */
/* export case | year | category: the case package for an administrative
 * court or an archive (cases/export.h, docs/export.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cases/export.h"
#include "cases/export_meta.h"
#include "cases/service.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/clock.h"
#include "core/config.h"
#include "db/db.h"
#include "render/pdf.h"

static const char usage_all[] =
    "Usage: jawnosc export COMMAND [OPTIONS]\n\n"
    "The case package (akta sprawy) for an administrative court or an archive:\n"
    "a ZIP with the case's documents (dokumenty/), one NDAP metadata file per\n"
    "document (metadane/), the case file with the documents' SHA-256 (sprawy/)\n"
    "and the case's hash-chained event log (zdarzenia/). Commands:\n"
    "  case CASE-NUMBER [--org SLUG] --out FILE.zip\n"
    "  year YYYY [--org SLUG] --out DIR\n"
    "  category [--org SLUG] [CLASS CATEGORY]\n\n"
    "Check a package with 'jawnosc audit verify --package FILE.zip'.\n"
    "Run 'jawnosc export COMMAND --help' for the details of one.\n";

static const char usage_case[] =
    "Usage: jawnosc export case CASE-NUMBER [--org SLUG] --out FILE.zip\n\n"
    "Writes the package of one case to FILE.zip (not overwritten: a new file).\n"
    "--org names the organisation when several have a case of that number.\n"
    "The export is recorded on the case's timeline (event case_export).\n"
    "Exit 0 written, 1 failed (no such case, the database), 2 bad usage.\n";

static const char usage_year[] =
    "Usage: jawnosc export year YYYY [--org SLUG] --out DIR\n\n"
    "For the body's archive: one package per closed case of the year YYYY (the\n"
    "year in the case number), DIR/<case>.zip, and the spis spraw of each JRWA\n"
    "class as DIR/spis-spraw-<class>-YYYY.pdf and .csv. DIR is made when missing;\n"
    "files already there are not overwritten (the command fails). Cases of the\n"
    "year still open are counted, not exported.\n";

static const char usage_category[] =
    "Usage: jawnosc export category [--org SLUG] [CLASS CATEGORY]\n\n"
    "The archival category (kategoria archiwalna) of a JRWA class, which the\n"
    "package's NDAP metadata carry. Without CLASS: lists the classes the body\n"
    "has cases of, with their category. With CLASS CATEGORY (A, B, Bc, B<n>,\n"
    "BE<n>; '-' drops the setting): sets it. A class not set has BE followed by\n"
    "the years requesters' data of that class are kept (BE5 by default).\n";

struct args {
	const char *pos[2];
	int npos;
	const char *org, *out;
};

/* Options --org and --out and up to two positional arguments. False after
 * saying what is wrong. */
static bool parse(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 1; i < argc; i++) {
		bool missing = false;
		const char *v;
		if ((v = cli_opt_value(argc, argv, &i, "--org", &missing)))
			a->org = v;
		else if (!missing && (v = cli_opt_value(argc, argv, &i, "--out", &missing)))
			a->out = v;
		else if (missing) {
			fprintf(stderr, "jawnosc export %s: %s needs a value\n", argv[0], argv[i]);
			return false;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "jawnosc export %s: unknown option '%s'\n", argv[0], argv[i]);
			return false;
		} else if (a->npos < 2) {
			a->pos[a->npos++] = argv[i];
		} else {
			fprintf(stderr, "jawnosc export %s: unexpected argument '%s'\n", argv[0], argv[i]);
			return false;
		}
	}
	return true;
}

static int failed(const char *cmd, const struct problem *p)
{
	fprintf(stderr, "jawnosc export %s: %s (%s)\n", cmd,
	        p->message ? p->message : "the export failed: see the log", outcome_name(p->outcome));
	return 1;
}

/* Writes a new file (never over an existing one). */
static bool write_new(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wbx");
	if (!f) {
		fprintf(stderr, "jawnosc export: cannot create %s: %s\n", path, strerror(errno));
		return false;
	}
	bool ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		fprintf(stderr, "jawnosc export: cannot write %s\n", path);
		unlink(path);
	}
	return ok;
}

static int export_one(int argc, char **argv)
{
	struct args a;
	if (cli_help(argc, argv, usage_case))
		return 0;
	if (!parse(argc, argv, &a) || a.npos != 1 || !a.out) {
		fputs(usage_case, stderr);
		return 2;
	}
	/* Checked first, so that no export is recorded for nothing; the file
	 * is still created exclusively below. */
	if (access(a.out, F_OK) == 0) {
		fprintf(stderr, "jawnosc export case: %s exists: not overwritten\n", a.out);
		return 1;
	}
	arena_t *ar = arena_new(1 << 20);
	struct svc_ctx ctx;
	int rc = 1;
	if (cli_open_services("export", "case", ar, &ctx)) {
		struct export_package pkg;
		struct problem p = {0};
		if (export_case(&ctx, 0, a.pos[0], a.org, "cli", &pkg, &p) != OUT_OK)
			rc = failed("case", &p);
		else if (write_new(a.out, pkg.zip, pkg.len)) {
			printf("%s: case %s, %d documents (%d erased), %d events, %zu bytes\n", a.out,
			       pkg.case_number, pkg.documents, pkg.erased, pkg.events, pkg.len);
			rc = 0;
		}
	}
	db_close();
	arena_free(ar);
	pdf_shutdown();
	return rc;
}

static int export_year(int argc, char **argv)
{
	struct args a;
	if (cli_help(argc, argv, usage_year))
		return 0;
	char *end = NULL;
	long year = 0;
	if (parse(argc, argv, &a) && a.npos == 1)
		year = strtol(a.pos[0], &end, 10);
	if (a.npos != 1 || !a.out || !end || *end || year < 1990 || year > 2100) {
		fputs(usage_year, stderr);
		return 2;
	}
	if (mkdir(a.out, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "jawnosc export year: cannot make %s: %s\n", a.out, strerror(errno));
		return 1;
	}
	arena_t *ar = arena_new(1 << 16);
	struct svc_ctx ctx;
	int rc = 1;
	struct export_year y;
	struct problem p = {0};
	if (!cli_open_services("export", "year", ar, &ctx))
		goto out;
	if (export_year_cases(&ctx, a.org, (int)year, &y, &p) != OUT_OK) {
		rc = failed("year", &p);
		goto out;
	}
	rc = 0;
	/* One arena a case: a year's packages are not all kept in memory. */
	for (size_t i = 0; i < y.n && rc == 0; i++) {
		arena_t *one = arena_new(1 << 20);
		struct svc_ctx c1 = ctx;
		c1.arena = one;
		struct export_package pkg;
		const char *target =
		    arena_printf(one, "%s/%s.zip", a.out, export_safe_name(one, y.cases[i].case_number));
		if (access(target, F_OK) == 0) {
			fprintf(stderr, "jawnosc export year: %s exists: not overwritten\n", target);
			rc = 1;
		} else if (export_case(&c1, 0, y.cases[i].case_number, y.org_slug, "cli", &pkg, &p) != OUT_OK)
			rc = failed("year", &p);
		else if (!write_new(target, pkg.zip, pkg.len))
			rc = 1;
		else
			printf("%s/%s.zip: case %s, %d documents, %d events\n", a.out, pkg.name,
			       pkg.case_number, pkg.documents, pkg.events);
		arena_free(one);
	}
	for (size_t i = 0; i < y.n && rc == 0; i++) {
		const char *cls = y.cases[i].jrwa_class;
		if (i > 0 && !strcmp(cls, y.cases[i - 1].jrwa_class))
			continue;
		const char *csv, *pdf;
		size_t csv_len, pdf_len;
		if (export_spis(&ctx, &y, cls, &csv, &csv_len, &pdf, &pdf_len, &p) != OUT_OK) {
			rc = failed("year", &p);
			break;
		}
		const char *base = arena_printf(ar, "%s/spis-spraw-%s-%ld", a.out, cls, year);
		if (!write_new(arena_printf(ar, "%s.csv", base), csv, csv_len) ||
		    !write_new(arena_printf(ar, "%s.pdf", base), pdf, pdf_len))
			rc = 1;
		else
			printf("%s.pdf, %s.csv: spis spraw of class %s\n", base, base, cls);
	}
	if (rc == 0)
		printf("export year %ld of %s: %zu closed cases exported, %ld still open (not exported)\n",
		       year, y.org_slug, y.n, y.open);
out:
	db_close();
	arena_free(ar);
	pdf_shutdown();
	return rc;
}

static int export_category(int argc, char **argv)
{
	struct args a;
	if (cli_help(argc, argv, usage_category))
		return 0;
	if (!parse(argc, argv, &a) || a.npos == 1 || a.out) {
		fputs(usage_category, stderr);
		return 2;
	}
	char err[512];
	if (!config_load(err, sizeof err) || !cfg.database_url[0]) {
		fprintf(stderr, "jawnosc export category: %s\n",
		        cfg.database_url[0] ? err : "DATABASE_URL is not set");
		return 1;
	}
	PGconn *c = db_connect(cfg.database_url, err, sizeof err);
	if (!c) {
		fprintf(stderr, "jawnosc export category: cannot connect to the database: %s\n", err);
		return 1;
	}
	int rc = 1;
	const char *org = a.org ? a.org : "";
	PGresult *r = NULL;
	if (a.npos == 2) {
		/* An UPDATE of one organisation (or of the only one there is);
		 * the CHECK of migration 0049 refuses a bad class or category. */
		const char *q[3] = {org, a.pos[0], a.pos[1]};
		r = PQexecParams(c,
		                 "UPDATE organisations SET archival_categories = CASE WHEN $3 = '-' "
		                 "THEN archival_categories - $2 ELSE archival_categories || "
		                 "jsonb_build_object($2::text, $3::text) END "
		                 "WHERE ($1 = '' AND (SELECT count(*) FROM organisations) = 1) OR slug = $1",
		                 3, NULL, q, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fprintf(stderr, "jawnosc export category: refused: CLASS is 1-4 digits, CATEGORY one of "
			                "A, B, Bc, B<n>, BE<n>\n");
		else if (strcmp(PQcmdTuples(r), "1") != 0)
			fprintf(stderr, "jawnosc export category: %s\n",
			        *org ? "no organisation with that slug" : "several organisations: name one with --org");
		else
			rc = 0;
		PQclear(r);
	}
	if (a.npos == 0 || rc == 0) {
		const char *q[1] = {org};
		r = PQexecParams(c,
		                 "SELECT o.slug, k.class, archival_category_of(o.archival_categories, "
		                 "o.retention_years, k.class), o.archival_categories ? k.class "
		                 "FROM organisations o CROSS JOIN LATERAL (SELECT o.class_public AS class "
		                 "UNION SELECT o.class_reuse UNION SELECT jsonb_object_keys(o.archival_categories) "
		                 "UNION SELECT DISTINCT case_class FROM requests WHERE org_id = o.id) k "
		                 "WHERE $1 = '' OR o.slug = $1 ORDER BY 1, 2",
		                 1, NULL, q, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "jawnosc export category: %s", PQerrorMessage(c));
			rc = 1;
		} else {
			for (int i = 0; i < PQntuples(r); i++)
				printf("%s\t%s\t%s%s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
				       PQgetvalue(r, i, 3)[0] == 't' ? "" : "\t(default)");
			rc = 0;
		}
		PQclear(r);
	}
	PQfinish(c);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	if (argc < 2 || (cli_wants_help(argc, argv) && argc == 2)) {
		bool help = argc >= 2;
		fputs(usage_all, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	if (!strcmp(argv[1], "case"))
		return export_one(argc - 1, argv + 1);
	if (!strcmp(argv[1], "year"))
		return export_year(argc - 1, argv + 1);
	if (!strcmp(argv[1], "category"))
		return export_category(argc - 1, argv + 1);
	fprintf(stderr, "jawnosc export: unknown command '%s'\n\n%s", argv[1], usage_all);
	return 2;
}
