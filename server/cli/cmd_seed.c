/* SPDX-License-Identifier: EUPL-1.2 */
/* seed --demo: one ministry modelled on the seed page (the operational
 * centre that runs the BIP), its units and staff, and a few dozen requests
 * in varied states, created through the same services the server uses. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/action.h"
#include "cases/filing.h"
#include "cases/register.h"
#include "cases/secret.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "law/warsaw.h"

#define DEMO_PASSWORD "jawnosc-demo"

static const struct {
	const char *symbol, *name;
} demo_units[] = {
    {"COMON", "Centrum Operacyjne Ministra Obrony Narodowej"},
    {"BDG", "Biuro Dyrektora Generalnego"},
    {"DI", "Departament Infrastruktury"},
    {"DBM", "Departament Budżetowy"},
};

/* unit: NULL for none. The data protection officer reports to the head of
 * the body (GDPR art. 38 ust. 3), not to a unit, and opens no case. */
static const struct {
	const char *email, *name, *position, *role, *unit;
} demo_users[] = {
    {"admin@mon.example", "Magdalena Czerwińska", "Redaktor BIP", "admin", "COMON"},
    {"kierownik@mon.example", "Agnieszka Glapiak", "Dyrektor Centrum Operacyjnego", "manager", "COMON"},
    {"urzednik@mon.example", "Tomasz Zieliński", "Główny specjalista", "clerk", "COMON"},
    {"urzedniczka@mon.example", "Katarzyna Lewandowska", "Starszy specjalista", "clerk", "COMON"},
    {"iod@mon.example", "Beata Sadowska", "Inspektor ochrony danych", "iod", NULL},
};

/* What happens to each demo request after it is filed. */
enum plan { P_NEW, P_WORK, P_EXTEND, P_CLARIFY, P_PROVIDE, P_REFUSE, P_NOT_HELD, P_WITHDRAW,
            P_APPEAL, P_OFFER, P_OVERDUE };

static const struct {
	const char *subject;
	const char *kind;
	const char *channel;
	const char *name;
	int days_ago;
	enum plan plan;
} demo_requests[] = {
    {"Wydatki na kampanie promocyjne resortu w 2025 r.", "public_information", "web", "Anna Nowak", 1, P_NEW},
    {"Umowy na obsługę medialną wydarzeń z udziałem kierownictwa", "public_information", "email", "Piotr Wiśniewski", 2, P_NEW},
    {"Liczba udzielonych patronatów honorowych Ministra", "public_information", "web", "", 3, P_NEW},
    {"Koszty utrzymania stron internetowych resortu", "public_information", "post", "Jan Kowalczyk", 4, P_WORK},
    {"Raporty z badań społecznych dotyczących obronności", "public_information", "web", "Fundacja Przejrzyste Państwo", 6, P_WORK},
    {"Rejestr umów Centrum Operacyjnego za 2025 r.", "public_information", "epuap", "Stowarzyszenie Watchdog Lokalny", 9, P_EXTEND},
    {"Szkolenia z komunikacji strategicznej — programy i koszty", "public_information", "web", "Ewa Mazur", 12, P_CLARIFY},
    {"Kalendarz spotkań kierownictwa w listopadzie", "public_information", "email", "Marek Dąbrowski", 20, P_OVERDUE},
    {"Zasady przyznawania patronatów honorowych", "public_information", "web", "Zofia Kamińska", 25, P_PROVIDE},
    {"Monitoring środowiska informacyjnego — umowy z wykonawcami", "public_information", "web", "Redakcja Gazety Obywatelskiej", 30, P_REFUSE},
    {"Wynagrodzenia doradców społecznych Ministra", "public_information", "post", "Tadeusz Wójcik", 35, P_NOT_HELD},
    {"Skład Rady do Spraw Kobiet w resorcie", "public_information", "web", "Joanna Szymańska", 15, P_WITHDRAW},
    {"Koszty organizacji wydarzeń promocyjnych w 2024 r.", "public_information", "web", "Andrzej Kozłowski", 40, P_APPEAL},
    {"Zbiór danych o frekwencji na wydarzeniach promocyjnych", "reuse", "web", "Dane Otwarte sp. z o.o.", 10, P_OFFER},
    {"Statystyki odwiedzin strony internetowej resortu", "reuse", "email", "Fundacja Analiz Publicznych", 5, P_WORK},
    {"Materiały prasowe z konferencji 2025 r.", "public_information", "in_person", "Krzysztof Jankowski", 8, P_PROVIDE},
    {"Liczba skarg na działalność Centrum", "public_information", "phone", "", 2, P_NEW},
    {"Plan promocji resortu na 2026 r.", "public_information", "web", "Barbara Wojciechowska", 16, P_OVERDUE},
    {"Umowy z agencjami badawczymi", "public_information", "web", "Paweł Kwiatkowski", 18, P_EXTEND},
    {"Koszty obsługi mediów społecznościowych", "public_information", "epuap", "Monika Krawczyk", 22, P_PROVIDE},
    {"Wykaz organizacji pozarządowych współpracujących z resortem", "public_information", "web", "Stowarzyszenie Jawne Finanse", 7, P_WORK},
    {"Dokumenty Koordynatora do Spraw Równego Traktowania", "public_information", "web", "Alicja Piotrowska", 11, P_CLARIFY},
    {"Zestawienie wniosków o informację publiczną w 2025 r.", "public_information", "email", "Grzegorz Grabowski", 28, P_PROVIDE},
    {"Harmonogram modernizacji strony BIP", "public_information", "web", "Irena Pawłowska", 3, P_NEW},
    {"Dane o liczbie obserwujących profile resortu", "reuse", "web", "Open Data Lab", 26, P_PROVIDE},
    {"Umowa licencyjna na zdjęcia wykorzystywane w kampaniach", "public_information", "post", "Henryk Michalski", 45, P_REFUSE},
    {"Wydatki na gadżety promocyjne", "public_information", "web", "Natalia Zając", 13, P_WORK},
    {"Protokoły odbioru prac przy kampanii informacyjnej", "public_information", "web", "Robert Król", 33, P_NOT_HELD},
    {"Budżet Centrum Operacyjnego na 2026 r.", "public_information", "web", "", 1, P_NEW},
    {"Liczba etatów w Centrum Operacyjnym", "public_information", "email", "Lucyna Wieczorek", 19, P_WITHDRAW},
};

static bool exec_ok(PGconn *c, const char *sql, int n, const char *const *p, PGresult **out)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, p, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "jawnosc seed: %s", PQresultErrorMessage(r));
	if (out && ok)
		*out = r;
	else
		PQclear(r);
	return ok;
}

static long long create_org(PGconn *c)
{
	PGresult *r;
	const char *listen_host[1] = {cfg.listen};
	if (!exec_ok(c,
	             "INSERT INTO organisations (slug, name, address, place, email, phone, bip_url, hosts) "
	             "VALUES ('mon', 'Ministerstwo Obrony Narodowej', "
	             "'Al. Niepodległości 218, 00-911 Warszawa', 'Warszawa', 'bip@mon.example', "
	             "'+48 261 871 205', 'https://mon.example/bip', "
	             "ARRAY[$1, 'localhost', '127.0.0.1']) RETURNING id",
	             1, listen_host, &r))
		return 0;
	long long id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	char org[24];
	snprintf(org, sizeof org, "%lld", id);
	for (size_t i = 0; i < sizeof demo_units / sizeof demo_units[0]; i++) {
		const char *p[3] = {org, demo_units[i].symbol, demo_units[i].name};
		if (!exec_ok(c, "INSERT INTO units (org_id, symbol, name) VALUES ($1, $2, $3)", 3, p, NULL))
			return 0;
	}
	const char *p[1] = {org};
	if (!exec_ok(c,
	             "UPDATE organisations SET web_unit_id = (SELECT id FROM units WHERE org_id = $1 "
	             "AND symbol = 'COMON') WHERE id = $1",
	             1, p, NULL))
		return 0;
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, DEMO_PASSWORD, strlen(DEMO_PASSWORD),
	                      crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return 0;
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		const char *q[7] = {org, demo_users[i].email, demo_users[i].name, demo_users[i].position,
		                    demo_users[i].role, hash, demo_users[i].unit};
		if (!exec_ok(c,
		             "INSERT INTO users (org_id, unit_id, email, name, position, role, password_hash) "
		             "VALUES ($1, (SELECT id FROM units WHERE org_id = $1 AND symbol = $7), "
		             "$2, $3, $4, $5, $6)",
		             7, q, NULL))
			return 0;
	}
	return id;
}

struct step_ctx {
	arena_t *a;
	long long request_id;
	const law_action_input_t *in;
	bool allowed;
	law_error_t refusal;
};

static enum db_status step_tx(PGconn *c, void *vctx)
{
	struct step_ctx *x = vctx;
	struct case_ref f;
	bool found;
	enum db_status st = case_lock(c, x->a, x->request_id, 0, &f, &found);
	if (st != DB_OK || !found)
		return st == DB_OK ? DB_ERROR : st;
	law_outcome_t *oc = arena_alloc(x->a, sizeof *oc);
	st = case_act_locked(c, x->a, &f, x->in, "clerk", 0, NULL, oc, &x->allowed);
	if (!x->allowed)
		x->refusal = oc->refusal;
	return st;
}

/* One clerk's step, `days` after receipt. */
static bool step(PGconn *c, arena_t *a, long long id, law_date_t received, law_action_t act,
                 int days, law_role_t role)
{
	law_action_input_t in = {.action = act, .role = role, .date = law_date_add_days(received, days)};
	in.sent = in.date;
	if (act == LAW_ACT_EXTEND)
		in.new_due = law_date_add_months(received, 1);
	struct step_ctx x = {a, id, &in, false, {0}};
	enum db_status st = db_transaction(c, step_tx, &x);
	if (st == DB_OK && x.allowed && act == LAW_ACT_ASSIGN) {
		/* Share the demo cases between the two clerks. */
		char ids[24];
		snprintf(ids, sizeof ids, "%lld", id);
		const char *p[1] = {ids};
		st = db_run(c,
		            "UPDATE requests SET assignee_id = (SELECT id FROM users WHERE email = "
		            "CASE WHEN $1::bigint % 2 = 0 THEN 'urzednik@mon.example' "
		            "ELSE 'urzedniczka@mon.example' END) WHERE id = $1",
		            1, p);
	}
	if (st != DB_OK || !x.allowed) {
		fprintf(stderr, "jawnosc seed: %s refused: %s\n", law_actions[act].id,
		        x.refusal.message[0] ? x.refusal.message : "database error");
		return false;
	}
	return true;
}

static long long request_id_of(PGconn *c, const char *case_number)
{
	const char *p[1] = {case_number};
	PGresult *r;
	if (!exec_ok(c, "SELECT id FROM requests WHERE case_number = $1", 1, p, &r))
		return 0;
	long long id = PQntuples(r) ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	return id;
}

static bool apply_plan(PGconn *c, arena_t *a, long long id, law_date_t rec, enum plan plan,
                       bool reuse)
{
	const law_role_t C = LAW_ROLE_CLERK, R = LAW_ROLE_REQUESTER;
	switch (plan) {
	case P_NEW:
		return true;
	case P_WORK:
	case P_OVERDUE:
		return step(c, a, id, rec, LAW_ACT_ASSIGN, 1, C);
	case P_EXTEND:
		return step(c, a, id, rec, LAW_ACT_ASSIGN, 1, C) && step(c, a, id, rec, LAW_ACT_EXTEND, 5, C);
	case P_CLARIFY:
		return step(c, a, id, rec, LAW_ACT_ASSIGN, 1, C) &&
		       step(c, a, id, rec, LAW_ACT_CALL_TO_CLARIFY, 3, C) &&
		       step(c, a, id, rec, LAW_ACT_RECORD_DELIVERY, 4, C);
	case P_PROVIDE:
		return step(c, a, id, rec, LAW_ACT_ASSIGN, 1, C) &&
		       step(c, a, id, rec, reuse ? LAW_ACT_TRANSFER : LAW_ACT_PROVIDE, 8, C);
	case P_REFUSE:
		return step(c, a, id, rec, LAW_ACT_ASSIGN, 1, C) && step(c, a, id, rec, LAW_ACT_REFUSE, 10, C);
	case P_NOT_HELD:
		return step(c, a, id, rec, LAW_ACT_ASSIGN, 1, C) && step(c, a, id, rec, LAW_ACT_NOT_HELD, 6, C);
	case P_WITHDRAW:
		return step(c, a, id, rec, LAW_ACT_WITHDRAW, 4, R);
	case P_APPEAL:
		return step(c, a, id, rec, LAW_ACT_ASSIGN, 1, C) && step(c, a, id, rec, LAW_ACT_REFUSE, 9, C) &&
		       step(c, a, id, rec, LAW_ACT_RECORD_DELIVERY, 12, C) &&
		       step(c, a, id, rec, LAW_ACT_APPEAL, 20, R);
	case P_OFFER:
		return step(c, a, id, rec, LAW_ACT_ASSIGN, 1, C) && step(c, a, id, rec, LAW_ACT_OFFER, 7, C);
	}
	return false;
}

static bool file_requests(PGconn *c, const struct org *org)
{
	int64_t now = clock_now();
	/* filing_create() files on this thread's connection (db_conn()). */
	db_set_url(cfg.database_url);
	/* File in order of receipt, so case numbers follow the dates. */
	size_t n = sizeof demo_requests / sizeof demo_requests[0], order[64];
	for (size_t k = 0; k < n; k++)
		order[k] = k;
	for (size_t k = 1; k < n; k++)
		for (size_t j = k; j > 0 && demo_requests[order[j]].days_ago > demo_requests[order[j - 1]].days_ago; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		arena_t *a = arena_new(64 * 1024);
		struct filing_input in = {0};
		bool reuse = !strcmp(demo_requests[i].kind, "reuse");
		in.kind = demo_requests[i].kind;
		in.subject = demo_requests[i].subject;
		in.content = arena_printf(a, "Na podstawie art. 2 ust. 1 ustawy o dostępie do informacji "
		                             "publicznej wnoszę o udostępnienie informacji: %s.",
		                          demo_requests[i].subject);
		in.name = demo_requests[i].name;
		in.email = arena_printf(a, "wnioskodawca%zu@example.pl", i + 1);
		in.delivery = i % 5 == 3 ? "post" : (i % 7 == 2 ? "tracking_page" : "email");
		in.postal_address = "ul. Przykładowa 1, 00-001 Warszawa";
		if (reuse) {
			in.purpose = "Analiza i publikacja w serwisie z danymi otwartymi.";
			in.format = "plik CSV";
			in.manner = "pobranie ze strony lub e-mail";
			if (!*in.name)
				in.name = "Dane Otwarte";
		}
		in.channel = demo_requests[i].channel;
		in.received_at = now - (int64_t)demo_requests[i].days_ago * 86400;
		struct filing_errors errs;
		if (!filing_validate(a, &in, &errs)) {
			fprintf(stderr, "jawnosc seed: demo request %zu invalid: %s %s\n", i,
			        errs.e[0].field, errs.e[0].message);
			arena_free(a);
			return false;
		}
		struct filing_receipt rc;
		struct svc_ctx ctx = {.arena = a, .org = org, .now = now};
		bool ok = filing_create(&ctx, &in, &rc, NULL) == OUT_OK;
		json_decref(rc.due_steps);
		law_date_t rec;
		ok = ok && law_warsaw_date(in.received_at, &rec);
		long long id = ok ? request_id_of(c, rc.case_number) : 0;
		ok = id && apply_plan(c, a, id, rec, demo_requests[i].plan, reuse);
		arena_free(a);
		if (!ok)
			return false;
	}
	return true;
}

/* The closed demo cases in the public register, published by the BIP
 * editor through the same service as the clerk's page, so `make run`
 * shows a register with content. */
static bool publish_closed(PGconn *c, const struct org *org)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", org->id);
	const char *p[1] = {oid};
	PGresult *r;
	if (!exec_ok(c,
	             "SELECT u.id, u.name, coalesce(u.unit_id, 0), (SELECT array_agg(id ORDER BY id)::text "
	             "FROM requests WHERE org_id = $1 AND closed_on IS NOT NULL) "
	             "FROM users u WHERE u.org_id = $1 AND u.email = 'admin@mon.example'",
	             1, p, &r))
		return false;
	bool ok = PQntuples(r) == 1;
	arena_t *a = arena_new(16 * 1024);
	struct actor who = {0};
	const char *ids = "";
	if (ok) {
		who = (struct actor){atoll(PQgetvalue(r, 0, 0)), org->id, atoll(PQgetvalue(r, 0, 2)), "admin",
		                     arena_strdup(a, PQgetvalue(r, 0, 1))};
		ids = arena_strdup(a, PQgetvalue(r, 0, 3));
	}
	PQclear(r);
	/* The services take the thread's own connection. */
	db_set_url(cfg.database_url);
	struct svc_ctx ctx = {a, org, &who, clock_now()};
	for (const char *q = ids; ok && *q; q++) {
		if (*q < '0' || *q > '9' || (q > ids && q[-1] >= '0' && q[-1] <= '9'))
			continue;
		long long id = atoll(q);
		struct register_draft d;
		struct problem why = {0};
		const char *version;
		ok = register_proposal(&ctx, id, &d, &why) == OUT_OK &&
		     register_publish(&ctx, id, &d, 0, &version, &why) == OUT_OK;
		if (!ok)
			fprintf(stderr, "jawnosc seed: publishing request %lld failed: %s\n", id,
			        why.nfields ? why.fields[0].message
			        : why.message ? why.message
			                      : "database error");
	}
	db_close();
	arena_free(a);
	return ok;
}

/* The bulk data for benchmarks left this binary for a bench tool. */
static const char moved[] =
    "jawnosc seed: --cases and --orgs are gone from bin/jawnosc: data at scale for benchmarks is\n"
    "loaded by the bench tool build/rel/tests/bench/jawnosc-seed (tests/bench/seed/; build it\n"
    "with 'make build/rel/tests/bench/jawnosc-seed', then 'jawnosc-seed --cases N --orgs M',\n"
    "same options)\n";

int cmd_seed(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--cases") || !strcmp(argv[1], "--orgs"))) {
		fputs(moved, stderr);
		return 2;
	}
	if (cli_wants_help(argc, argv) || argc < 2 || strcmp(argv[1], "--demo") != 0) {
		FILE *out = cli_wants_help(argc, argv) ? stdout : stderr;
		fputs("Usage: jawnosc seed --demo\n\nLoads the demo data once: the Ministerstwo Obrony "
		      "Narodowej with four units\n(COMON receives online requests), four staff users "
		      "(password " DEMO_PASSWORD ")\nand thirty requests in varied states. Does nothing "
		      "when the demo body exists.\nData at scale for benchmarks: the bench tool "
		      "build/rel/tests/bench/jawnosc-seed.\n",
		      out);
		return out == stdout ? 0 : 2;
	}
	char err[512];
	if (!config_load(err, sizeof err)) {
		fprintf(stderr, "jawnosc seed: %s\n", err);
		return 1;
	}
	if (sodium_init() < 0 || !cfg.database_url[0]) {
		fprintf(stderr, "jawnosc seed: DATABASE_URL is not set\n");
		return 1;
	}
	PGconn *c = db_connect(cfg.database_url, err, sizeof err);
	if (!c) {
		fprintf(stderr, "jawnosc seed: cannot connect to the database: %s\n", err);
		return 1;
	}
	PGresult *r;
	int rc = 1;
	if (!secret_load(c, err, sizeof err)) {
		fprintf(stderr, "jawnosc seed: %s (run 'jawnosc migrate' first)\n", err);
		goto out;
	}
	if (!exec_ok(c, "SELECT 1 FROM organisations WHERE slug = 'mon'", 0, NULL, &r))
		goto out;
	bool exists = PQntuples(r) > 0;
	PQclear(r);
	if (exists) {
		puts("demo data already loaded");
		rc = 0;
		goto out;
	}
	exec_ok(c, "BEGIN", 0, NULL, NULL);
	long long org_id = create_org(c);
	if (!org_id || !exec_ok(c, "COMMIT", 0, NULL, NULL)) {
		exec_ok(c, "ROLLBACK", 0, NULL, NULL);
		goto out;
	}
	arena_t *a = arena_new(4096);
	struct org org;
	bool found;
	bool ok = org_by_id(c, a, org_id, &org, &found) == DB_OK && found && file_requests(c, &org) &&
	          publish_closed(c, &org);
	arena_free(a);
	if (!ok)
		goto out;
	printf("demo data loaded: Ministerstwo Obrony Narodowej, %zu requests\n"
	       "demo sign-in (password %s):\n",
	       sizeof demo_requests / sizeof demo_requests[0], DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++)
		printf("  %-26s %s\n", demo_users[i].email, demo_users[i].role);
	rc = 0;
out:
	PQfinish(c);
	db_close(); /* the filings' connection */
	return rc;
}
