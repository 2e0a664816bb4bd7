/* SPDX-License-Identifier: EUPL-1.2 */
/* jawnosc-seed --cases N --orgs M: realistic data at scale for the
 * benchmarks (make bench) and test_seed_scale. A bench tool, not part of
 * bin/jawnosc; it links the server's library for the law core, the
 * configuration, password and token hashing and case numbers.
 *
 * The model (model.c, words.c, plan.c) says what the bodies, staff and
 * requests look like; the simulation (sim.c) takes every request through
 * the law core along its plan; the rows are written with COPY FROM STDIN
 * (copy.c; rows.c, events.c, publish.c, bodies.c) in one transaction, so a
 * failure leaves nothing behind, with the tables' indexes, foreign-key
 * checks and some triggers off while they load (load.c, trigger.h).
 * Identifiers are taken from the tables' sequences, which are moved past
 * them at the end; nothing else may write to the database during the load
 * (the tables are locked). Run it on a database of its own: it refuses one
 * where org-0001 exists. */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bodies.h"
#include "cli/opts.h"
#include "copy.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "db/db.h"
#include "events.h"
#include "load.h"
#include "model.h"
#include "publish.h"
#include "rows.h"
#include "sim.h"
#include "sql.h"

enum { T_REQUESTS, T_REQUESTERS, T_TERMS, T_DOCUMENTS, T_DELIVERIES, T_EVENTS, T_PUBLICATIONS,
       T_VERSIONS, T_COUNT };
static const char *const big_tables[T_COUNT] = {"requests",     "requesters", "terms",
                                                "documents",    "deliveries", "events",
                                                "publications", "publication_versions"};

/* The rows that refer to requests wait in these until the requests are in. */
enum { F_REQUESTERS, F_TERMS, F_DOCUMENTS, F_DELIVERIES, F_COUNT };

struct seed {
	long long ncases, norgs, months, seed;
	const char *tokens_path;
	PGconn *c;
	struct model m;
	struct progress prog;
	struct case_rows out;
	FILE *tmp[F_COUNT];
	struct table_state ts[T_COUNT];
	bool superuser, freeze, own_on[LOAD_OWN_TRIGGERS];
};

static void usage(FILE *out)
{
	fputs("Usage: jawnosc-seed --cases N --orgs M [--months K] [--seed S] [--tokens FILE]\n\n"
	      "Loads N requests in M public bodies for benchmarks, in one transaction with COPY,\n"
	      "into the database of DATABASE_URL (migrated): bodies org-0001 ... (Host header\n"
	      "\"org-0001.example\"), each with units and staff (admin@, sekretarz@ (manager of\n"
	      "the whole body), kierownik-<unit>@ and urzednik<n>-<unit>@<host>, password\n"
	      SEED_PASSWORD "), requests received over the last K months (default 24) taken\n"
	      "through the law core along realistic plans, with their terms, events (hash chain\n"
	      "intact), issued letters, deliveries and a share published in the register. Then\n"
	      "VACUUM ANALYZE. Shows a progress bar on a terminal. Nothing else may use the\n"
	      "database meanwhile (its tables are locked). The rows that refer to requests wait\n"
	      "in temporary files in /tmp (about 3 GB for a million).\n\n"
	      "  --tokens FILE   write \"HOST TOKEN STATE\" lines for about 20,000 cases (tracking pages)\n"
	      "  --seed S        random seed (default 1): the same seed on the same day gives the\n"
	      "                  same bodies and cases (tracking tokens are random)\n"
	      "Refuses a database where org-0001 exists. A bench tool (tests/bench/seed/), built\n"
	      "by `make build/rel/tests/bench/jawnosc-seed`.\n",
	      out);
}

static bool parse_count(const char *s, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s ? s : "", &end, 10);
	if (errno || !s || !*s || *end || v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

/* Options come in pairs: --name value. Returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, struct seed *sd)
{
	if (cli_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool ok = true;
		if (!strcmp(argv[i], "--cases"))
			ok = parse_count(v, 50000000, &sd->ncases);
		else if (!strcmp(argv[i], "--orgs"))
			ok = parse_count(v, 9999, &sd->norgs);
		else if (!strcmp(argv[i], "--months"))
			ok = parse_count(v, 120, &sd->months);
		else if (!strcmp(argv[i], "--seed"))
			ok = parse_count(v, LLONG_MAX, &sd->seed);
		else if (!strcmp(argv[i], "--tokens"))
			ok = (sd->tokens_path = v) != NULL;
		else
			ok = false;
		if (!ok) {
			fprintf(stderr, "jawnosc-seed: bad or missing value: %s %s\n\n", argv[i],
			        v ? v : "");
			usage(stderr);
			return 2;
		}
	}
	if (!sd->ncases || !sd->norgs) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/* The connection, the temporary files, the token file and the model's
 * clock; exit code 1 on failure, -1 to go on. */
static int seed_open(struct seed *sd)
{
	char err[512];
	if (!config_load(err, sizeof err)) {
		fprintf(stderr, "jawnosc-seed: %s\n", err);
		return 1;
	}
	if (sodium_init() < 0 || !cfg.database_url[0]) {
		fprintf(stderr, "jawnosc-seed: DATABASE_URL is not set\n");
		return 1;
	}
	if (!(sd->c = db_connect(cfg.database_url, err, sizeof err))) {
		fprintf(stderr, "jawnosc-seed: cannot connect to the database: %s\n", err);
		return 1;
	}
	for (int f = 0; f < F_COUNT; f++)
		if (!(sd->tmp[f] = tmpfile())) {
			fprintf(stderr, "jawnosc-seed: cannot create temporary files: %s\n",
			        strerror(errno));
			return 1;
		}
	if (sd->tokens_path && !(sd->out.tokens = fopen(sd->tokens_path, "w"))) {
		fprintf(stderr, "jawnosc-seed: %s: %s\n", sd->tokens_path, strerror(errno));
		return 1;
	}
	if (!model_init(&sd->m, (int)sd->norgs, (size_t)sd->ncases, (int)sd->months, clock_now())) {
		fprintf(stderr, "jawnosc-seed: out of memory hashing the password\n");
		return 1;
	}
	return -1;
}

/* One transaction, the tables locked against other writers; refuses a
 * database with scale data; the triggers off; the tables truncated when
 * that lets COPY freeze the rows. */
static bool seed_begin(struct seed *sd)
{
	PGconn *c = sd->c;
	bool ok = run(c, "BEGIN") && run(c, "SET LOCAL synchronous_commit = off") &&
	          run(c, "SET LOCAL work_mem = '256MB'") &&
	          run(c, "SET LOCAL maintenance_work_mem = '512MB'") &&
	          run(c, "LOCK TABLE organisations, units, users, requests, requesters, terms, "
	                 "events, event_chain, documents, deliveries, case_counters, publications, "
	                 "publication_versions IN SHARE ROW EXCLUSIVE MODE");
	if (!ok)
		return false;
	if (query_ll(c, "SELECT count(*) FROM organisations WHERE slug = 'org-0001'", &ok) && ok) {
		fprintf(stderr, "jawnosc-seed: this database already has scale data (org-0001): use a "
		                "fresh one\n");
		return false;
	}
	sd->superuser =
	    query_ll(c, "SELECT rolsuper::int FROM pg_roles WHERE rolname = current_user", &ok) == 1;
	sd->m.has_aot = query_ll(c,
	                         "SELECT count(*) FROM pg_attribute WHERE attrelid = "
	                         "'requests'::regclass AND attname = 'answered_on_time' "
	                         "AND NOT attisdropped",
	                         &ok) > 0;
	if (!ok || !load_own_triggers_off(c, sd->own_on))
		return false;
	if (!sd->superuser)
		fprintf(stderr, "jawnosc-seed: not a superuser: foreign keys are checked row by row "
		                "(slower)\n");
	if (!(sd->freeze = load_empty_truncate(c, &ok)) && ok)
		fprintf(stderr, "jawnosc-seed: the database has requests already: the new rows are not "
		                "frozen (VACUUM takes longer)\n");
	return ok;
}

/* Bodies, units, staff: identifiers first, so that rows can refer to them. */
static bool seed_bodies(struct seed *sd, uint64_t seedv)
{
	struct model *m = &sd->m;
	bool ok = true;
	m->first_org = load_reserve(sd->c, "organisations", sd->norgs, &ok);
	m->first_unit = load_reserve(sd->c, "units", sd->norgs * MAX_UNITS, &ok);
	m->first_user = load_reserve(sd->c, "users", sd->norgs * 64, &ok);
	if (!ok)
		return false;
	model_build_orgs(m, seedv);
	progress_phase(&sd->prog, "bodies and staff", sd->norgs);
	return bodies_copy(sd->c, m, &sd->prog);
}

/* The requests, their numbers and identifiers, and the big tables ready. */
static bool seed_prepare_cases(struct seed *sd, uint64_t seedv)
{
	struct model *m = &sd->m;
	if (model_build_cases(m, seedv, (int)sd->months) > LAW_CASENUM_NUMBER_MAX) {
		fprintf(stderr, "jawnosc-seed: more than %d requests in one unit, class and year: "
		                "use more bodies or months\n", LAW_CASENUM_NUMBER_MAX);
		return false;
	}
	bool ok = true;
	m->first_request = load_reserve(sd->c, "requests", sd->ncases, &ok);
	/* Reserved for real when their counts are known (setval at the end). */
	m->first_term = load_reserve(sd->c, "terms", 0, &ok);
	m->first_doc = load_reserve(sd->c, "documents", 0, &ok);
	m->first_delivery = load_reserve(sd->c, "deliveries", 0, &ok);
	for (int t = 0; ok && t < T_COUNT; t++)
		ok = table_prepare(sd->c, sd->superuser, &sd->ts[t], big_tables[t]);
	return ok;
}

/* The estimate of the rows left follows what the cases produced so far. */
static void estimate_total(struct seed *sd, size_t simulated, long long done_before)
{
	const struct case_rows *o = &sd->out;
	double per_case = (double)(o->requester.rows + o->terms.rows + o->docs.rows +
	                           o->deliveries.rows + (long long)sd->m.nevents +
	                           (long long)sd->m.npubs * 2) /
	                  (double)simulated;
	sd->prog.total = done_before + (long long)((double)sd->m.ncases * (per_case + 1));
}

/* The requests go to the server while the cases are simulated; the rows
 * that refer to them wait in the temporary files. */
static bool seed_simulate(struct seed *sd)
{
	struct model *m = &sd->m;
	struct case_rows *out = &sd->out;
	long long done_before = sd->prog.done;
	sd->prog.total = done_before + sd->ncases * 11; /* until the simulation tells */
	progress_phase(&sd->prog, "requests (simulating)", sd->ncases);
	char sql[1024];
	rows_requests_sql(m->has_aot, sql, sizeof sql);
	if (!copy_begin(sd->c, sql, sd->freeze))
		return false;
	sk_init(&out->req, sd->c, NULL, &sd->prog);
	sk_init(&out->requester, NULL, sd->tmp[F_REQUESTERS], NULL);
	sk_init(&out->terms, NULL, sd->tmp[F_TERMS], NULL);
	sk_init(&out->docs, NULL, sd->tmp[F_DOCUMENTS], NULL);
	sk_init(&out->deliveries, NULL, sd->tmp[F_DELIVERIES], NULL);
	out->token_every = m->ncases > 20000 ? m->ncases / 20000 : 1;
	struct sim *x = xmalloc(sizeof *x);
	for (size_t i = 0; i < m->ncases && !out->req.failed; i++) {
		if (sim_case(m, i, x))
			rows_case(m, out, x);
		if ((i & 65535) == 65535)
			estimate_total(sd, i + 1, done_before);
	}
	free(x);
	if (!copy_end(&out->req, "requests") || !table_indexes(sd->c, &sd->ts[T_REQUESTS], &sd->prog))
		return false;
	struct sink *files[F_COUNT] = {&out->requester, &out->terms, &out->docs, &out->deliveries};
	for (int f = 0; f < F_COUNT; f++) {
		sk_flush(files[f]);
		if (files[f]->failed || fflush(sd->tmp[f]))
			return false;
	}
	return true;
}

/* The rows that refer to requests, from the temporary files, each table
 * with its indexes after it. */
static bool seed_referring(struct seed *sd)
{
	struct model *m = &sd->m;
	struct case_rows *o = &sd->out;
	sd->prog.total = sd->prog.done + o->requester.rows + o->terms.rows + o->docs.rows +
	                 o->deliveries.rows + (long long)m->nevents + (long long)m->npubs * 2;
	bool ok = true;
	m->first_event = load_reserve(sd->c, "events", (long long)m->nevents, &ok);
	m->first_pub = load_reserve(sd->c, "publications", (long long)m->npubs, &ok);
	m->first_version =
	    load_reserve(sd->c, "publication_versions", (long long)m->npubs * 2, &ok);
	const struct {
		int file, table;
		const char *sql, *phase;
		long long rows;
	} files[] = {
	    {F_REQUESTERS, T_REQUESTERS, rows_requesters_sql, "requesters", o->requester.rows},
	    {F_TERMS, T_TERMS, rows_terms_sql, "terms", o->terms.rows},
	    {F_DOCUMENTS, T_DOCUMENTS, rows_documents_sql, "documents", o->docs.rows},
	    {F_DELIVERIES, T_DELIVERIES, rows_deliveries_sql, "deliveries", o->deliveries.rows},
	};
	for (size_t k = 0; ok && k < sizeof files / sizeof files[0]; k++)
		ok = copy_file(sd->c, files[k].sql, sd->freeze, sd->tmp[files[k].file], files[k].rows,
		               &sd->prog, files[k].phase) &&
		     table_indexes(sd->c, &sd->ts[files[k].table], &sd->prog);
	return ok;
}

/* The event log and the register. The deferred foreign key from
 * publications to their current version is checked before their indexes:
 * CREATE INDEX refuses a table with checks pending. */
static bool seed_log_and_register(struct seed *sd)
{
	PGconn *c = sd->c;
	return events_copy(c, &sd->m, &sd->prog, sd->freeze) &&
	       table_indexes(c, &sd->ts[T_EVENTS], &sd->prog) &&
	       publish_copy(c, &sd->m, &sd->prog, sd->freeze) &&
	       run(c, "SET CONSTRAINTS ALL IMMEDIATE") &&
	       table_indexes(c, &sd->ts[T_PUBLICATIONS], &sd->prog) &&
	       table_indexes(c, &sd->ts[T_VERSIONS], &sd->prog);
}

/* Counters at the last number used; sequences past the last id. */
static bool seed_counters(struct seed *sd)
{
	const struct model *m = &sd->m;
	progress_phase(&sd->prog, "counters and sequences", 0);
	const struct sorg *lo = &m->orgs[m->norgs - 1];
	const struct {
		const char *table;
		long long last;
	} ends[] = {
	    {"terms", m->first_term + m->nterms - 1},
	    {"documents", m->first_doc + m->ndocs - 1},
	    {"deliveries", m->first_delivery + m->ndeliveries - 1},
	    {"users", lo->users[lo->nusers - 1].id},
	    {"units", lo->units[lo->nunits - 1].id},
	    {"publication_versions", m->first_version + m->nversions - 1},
	};
	bool ok = bodies_copy_counters(sd->c, m);
	for (size_t k = 0; ok && k < sizeof ends / sizeof ends[0]; k++)
		ok = load_sequence_past(sd->c, ends[k].table, ends[k].last);
	return ok;
}

/* Foreign keys checked in bulk, every check and trigger on again, one
 * change notification, the commit; then VACUUM ANALYZE. */
static bool seed_finish(struct seed *sd)
{
	PGconn *c = sd->c;
	bool ok = true;
	if (sd->superuser) {
		progress_phase(&sd->prog, "checking foreign keys", 0);
		char list[512] = "";
		size_t n = 0;
		for (int t = 0; t < T_COUNT; t++)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", t ? "," : "", big_tables[t]);
		ok = load_check_foreign_keys(c, list, &sd->prog);
		for (int t = 0; ok && t < T_COUNT; t++)
			ok = table_enable(c, &sd->ts[t]);
	}
	ok = ok && load_own_triggers_on(c, sd->own_on);
	/* Servers running on this database forget every page they keep. */
	ok = ok && run(c, "SELECT pg_notify('jawnosc_changes', 'all')");
	progress_phase(&sd->prog, "commit", 0);
	if (!ok || !run(c, "COMMIT"))
		return false;
	progress_phase(&sd->prog, "vacuum and analyze", 0);
	return run_ticking(c,
	                   "VACUUM (ANALYZE) organisations, units, users, requests, requesters, "
	                   "terms, events, event_chain, documents, deliveries, case_counters, "
	                   "publications, publication_versions",
	                   &sd->prog);
}

static void report(const struct seed *sd)
{
	const struct model *m = &sd->m;
	printf("seed: %zu requests in %d bodies in %.0f s: %lld terms, %zu events, %lld documents, "
	       "%lld deliveries, %zu publications (%lld versions)\n",
	       m->ncases, m->norgs, mono() - sd->prog.t0, m->nterms, m->nevents, m->ndocs,
	       m->ndeliveries, m->npubs, m->nversions);
	if (m->refused_steps) {
		printf("seed: %lld planned steps were refused by the law core (those cases stop "
		       "there):",
		       m->refused_steps);
		for (int a = 0; a < LAW_ACT_COUNT; a++)
			if (m->refused_by_action[a])
				printf(" %s %lld", law_actions[a].id, m->refused_by_action[a]);
		putchar('\n');
	}
	printf("seed: sign in as sekretarz@org-0001.example (manager), urzednik1-or@org-0001.example "
	       "(clerk), admin@org-0001.example; password %s\n",
	       SEED_PASSWORD);
}

static int seed_close(struct seed *sd, int rc)
{
	if (rc != 0 && sd->c) {
		if (sd->prog.tty)
			fputc('\n', stderr);
		PQclear(PQexec(sd->c, "ROLLBACK"));
		fprintf(stderr, "jawnosc-seed: failed; nothing was written\n");
	}
	if (sd->out.tokens && fclose(sd->out.tokens) != 0 && rc == 0) {
		fprintf(stderr, "jawnosc-seed: %s: %s\n", sd->tokens_path, strerror(errno));
		rc = 1;
	}
	for (int f = 0; f < F_COUNT; f++)
		if (sd->tmp[f])
			fclose(sd->tmp[f]);
	for (int t = 0; t < T_COUNT; t++)
		table_free(&sd->ts[t]);
	struct sink *sinks[] = {&sd->out.req, &sd->out.requester, &sd->out.terms, &sd->out.docs,
	                        &sd->out.deliveries};
	for (size_t k = 0; k < sizeof sinks / sizeof sinks[0]; k++)
		sk_free(sinks[k]);
	model_free(&sd->m);
	PQfinish(sd->c);
	return rc;
}

int main(int argc, char **argv)
{
	static struct seed sd = {.months = 24, .seed = 1};
	int rc = parse_options(argc, argv, &sd);
	if (rc >= 0)
		return rc;
	sd.prog = (struct progress){.tty = isatty(2) == 1, .t0 = mono(), .total = sd.ncases * 11};
	if ((rc = seed_open(&sd)) >= 0)
		return seed_close(&sd, rc);
	uint64_t seedv = (uint64_t)sd.seed * 0x2545F4914F6CDD1DULL;
	bool ok = seed_begin(&sd) && seed_bodies(&sd, seedv) && seed_prepare_cases(&sd, seedv) &&
	          seed_simulate(&sd) && seed_referring(&sd) && seed_log_and_register(&sd) &&
	          seed_counters(&sd) && seed_finish(&sd);
	if (ok) {
		progress_end(&sd.prog);
		report(&sd);
	}
	return seed_close(&sd, ok ? 0 : 1);
}
