/* SPDX-License-Identifier: EUPL-1.2 */
/* jawnosc edoreczenia: checks the e-Doręczenia settings from the command
 * line (docs/edoreczenia.md): `check` obtains an access token (the
 * certificate, key, system name and token URL work), `lookup` asks the
 * search engine for an address. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/edoreczenia.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/config.h"
#include "db/db.h"
#include "core/log.h"
#include "edor/client.h"

static int usage(FILE *out)
{
	fputs("Usage: jawnosc edoreczenia check [--org SLUG]\n"
	      "       jawnosc edoreczenia lookup [--org SLUG] IDENTIFIER [NAME]\n"
	      "       jawnosc edoreczenia set --org SLUG --address AE:PL-... --system-name NAME\n"
	      "                              --key PATH --cert PATH [--url URL]\n"
	      "                              [--token-url URL] [--search-url URL]\n"
	      "       jawnosc edoreczenia show --org SLUG\n"
	      "       jawnosc edoreczenia unset --org SLUG\n\n"
	      "check   obtains an access token with the JAWNOSC_EDORECZENIA_* settings\n"
	      "        (--org: with that organisation's own settings, else the deployment's)\n"
	      "lookup  asks the BAE search engine for the address of a PESEL, NIP, REGON\n"
	      "        or KRS (IDENTIFIER may be \"\" to search by NAME)\n"
	      "set     gives organisation SLUG settings of its own (a deployment serving\n"
	      "        several bodies); checked like the JAWNOSC_EDORECZENIA_* ones, the\n"
	      "        key and certificate stay files (absolute paths); URLs not given:\n"
	      "        the deployment's\n"
	      "show    prints the organisation's settings (or that it uses the deployment's)\n"
	      "unset   removes them: the organisation sends with the deployment's again\n",
	      out);
	return out == stdout ? 0 : 2;
}

static PGconn *connect_db(void)
{
	char err[512];
	if (!cfg.database_url[0]) {
		fprintf(stderr, "jawnosc: DATABASE_URL is not set\n");
		return NULL;
	}
	PGconn *c = db_connect(cfg.database_url, err, sizeof err);
	if (!c)
		fprintf(stderr, "jawnosc: cannot connect to the database: %s\n", err);
	return c;
}

/* set / show / unset --org SLUG: the org_edoreczenia row. */
static int org_settings(int argc, char **argv)
{
	const char *cmd = argv[1];
	const char *org = NULL, *v[7] = {NULL}; /* address, system, key, cert, url, token, search */
	static const char *const names[] = {"--address", "--system-name", "--key", "--cert",
	                                    "--url", "--token-url", "--search-url"};
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *x = cli_opt_value(argc, argv, &i, "--org", &missing);
		if (x) {
			org = x;
			continue;
		}
		bool known = missing;
		for (int k = 0; k < 7 && !known && !strcmp(cmd, "set"); k++) {
			x = cli_opt_value(argc, argv, &i, names[k], &missing);
			if (x)
				v[k] = x;
			known = x || missing;
		}
		if (!known || missing)
			return usage(stderr);
	}
	bool set = !strcmp(cmd, "set");
	if (!org || (set && (!v[0] || !v[1] || !v[2] || !v[3])))
		return usage(stderr);
	char err[1024];
	if (set) {
		if (v[2][0] != '/' || v[3][0] != '/') {
			fprintf(stderr, "jawnosc: --key and --cert must be absolute paths\n");
			return 2;
		}
		struct edor_settings s = {v[4], v[5], v[6], v[0], v[1], v[2], v[3]};
		edor_settings_defaults(&s);
		if (!edor_settings_check(&s, err, sizeof err)) {
			fprintf(stderr, "jawnosc: e-Doręczenia: %s\n", err);
			return 2;
		}
	}
	PGconn *c = connect_db();
	if (!c)
		return 1;
	const char *p[8] = {org, v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
	PGresult *r;
	if (set)
		r = PQexecParams(c,
		                 "INSERT INTO org_edoreczenia (org_id, address, system_name, key_path, "
		                 "cert_path, url, token_url, search_url) SELECT id, $2, $3, $4, $5, $6, "
		                 "$7, $8 FROM organisations WHERE slug = $1 ON CONFLICT (org_id) DO UPDATE "
		                 "SET address = $2, system_name = $3, key_path = $4, cert_path = $5, "
		                 "url = $6, token_url = $7, search_url = $8, updated_at = now() "
		                 "RETURNING org_id",
		                 8, NULL, p, NULL, NULL, 0);
	else if (!strcmp(cmd, "unset"))
		r = PQexecParams(c,
		                 "DELETE FROM org_edoreczenia e USING organisations o "
		                 "WHERE o.id = e.org_id AND o.slug = $1 RETURNING e.org_id",
		                 1, NULL, p, NULL, NULL, 0);
	else
		r = PQexecParams(c,
		                 "SELECT o.id, e.address, e.system_name, e.key_path, e.cert_path, "
		                 "e.url, e.token_url, e.search_url, e.org_id IS NOT NULL "
		                 "FROM organisations o LEFT JOIN org_edoreczenia e ON e.org_id = o.id "
		                 "WHERE o.slug = $1",
		                 1, NULL, p, NULL, NULL, 0);
	int rc = 1;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "jawnosc: %s", PQerrorMessage(c));
	} else if (PQntuples(r) == 0 && strcmp(cmd, "unset") != 0) {
		fprintf(stderr, "jawnosc: no organisation \"%s\"\n", org);
	} else if (set) {
		printf("ok: %s sends as %s.SYSTEM.%s (the running server takes it at the next "
		       "dispatch)\n", org, v[0], v[1]);
		rc = 0;
	} else if (!strcmp(cmd, "unset")) {
		printf(PQntuples(r) ? "ok: %s uses the deployment's settings again\n"
		                    : "%s had no settings of its own\n", org);
		rc = 0;
	} else if (PQgetvalue(r, 0, 8)[0] != 't') {
		printf("%s: the deployment's settings (JAWNOSC_EDORECZENIA_*)\n", org);
		rc = 0;
	} else {
		static const char *const labels[] = {"address", "system name", "key", "certificate",
		                                     "url", "token url", "search url"};
		for (int k = 0; k < 7; k++)
			printf("%-12s %s\n", labels[k],
			       PQgetisnull(r, 0, k + 1) ? "(the deployment's)" : PQgetvalue(r, 0, k + 1));
		rc = 0;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

/* Makes the calls use organisation `slug`'s settings: 1 ready, 0 not
 * usable (said on stderr), -1 no database or no such organisation. */
static int use_org(const char *slug)
{
	PGconn *c = connect_db();
	if (!c)
		return -1;
	const char *p[] = {slug};
	PGresult *r = PQexecParams(c, "SELECT id FROM organisations WHERE slug = $1", 1, NULL, p,
	                           NULL, NULL, 0);
	int ready = -1;
	char why[900] = "";
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "jawnosc: %s", PQerrorMessage(c));
	else if (PQntuples(r) == 0)
		fprintf(stderr, "jawnosc: no organisation \"%s\"\n", slug);
	else if ((ready = edoreczenia_use_org(c, atoll(PQgetvalue(r, 0, 0)), why, sizeof why)) == 0)
		fprintf(stderr, "jawnosc: e-Doręczenia: %s: %s\n", slug, why);
	else if (ready < 0)
		fprintf(stderr, "jawnosc: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ready;
}

int cmd_edor(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(stdout);
	if (argc >= 2 && (!strcmp(argv[1], "set") || !strcmp(argv[1], "show") ||
	                  !strcmp(argv[1], "unset"))) {
		char err[1024];
		if (!config_load(err, sizeof err)) {
			fprintf(stderr, "jawnosc: %s\n", err);
			return 2;
		}
		log_set_level(cfg.log_level);
		return org_settings(argc, argv);
	}
	/* check|lookup [--org SLUG] [IDENTIFIER [NAME]] */
	const char *org = NULL, *pos[2] = {NULL, NULL};
	int npos = 0;
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *x = cli_opt_value(argc, argv, &i, "--org", &missing);
		if (missing)
			return usage(stderr);
		if (x)
			org = x;
		else if (npos < 2)
			pos[npos++] = argv[i];
		else
			return usage(stderr);
	}
	bool check = argc >= 2 && !strcmp(argv[1], "check") && npos == 0;
	bool lookup = argc >= 2 && !strcmp(argv[1], "lookup") && npos >= 1;
	if (!check && !lookup)
		return usage(stderr);
	char err[1024];
	if (!config_load(err, sizeof err)) {
		fprintf(stderr, "jawnosc: %s\n", err);
		return 2;
	}
	log_set_level(cfg.log_level);
	if (sodium_init() < 0 || !edor_setup(err, sizeof err)) {
		fprintf(stderr, "jawnosc: e-Doręczenia: %s\n", err);
		return 2;
	}
	if (org) {
		/* The organisation's own settings (else the deployment's), as its
		 * dispatches and lookups use them. */
		int ready = use_org(org);
		if (ready != 1) {
			edor_cleanup();
			return ready < 0 ? 1 : 2;
		}
	} else if (!edor_enabled()) {
		fprintf(stderr, "jawnosc: JAWNOSC_EDORECZENIA_URL is not set\n");
		edor_cleanup();
		return 2;
	}
	enum edor_result r;
	err[0] = '\0';
	if (check) {
		r = edor_check(err, sizeof err);
		if (r == EDOR_OK)
			printf("ok: access token obtained for %s\n", edor_address());
	} else {
		char address[EDOR_ADDRESS_LEN + 1];
		bool found = false;
		r = edor_lookup(pos[0], pos[1] ? pos[1] : "", NULL, address, &found, err, sizeof err);
		if (r == EDOR_OK)
			printf("%s\n", found ? address : "(no address)");
	}
	if (r != EDOR_OK)
		fprintf(stderr, "jawnosc: e-Doręczenia: %s: %s\n", edor_result_name(r), err);
	char why[16];
	edor_use(NULL, why, sizeof why);
	edor_cleanup();
	return r == EDOR_OK ? 0 : 1;
}
