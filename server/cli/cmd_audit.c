/* SPDX-License-Identifier: EUPL-1.2 */
/* audit verify: recomputes the hash chain of every organisation's events
 * and reports the first events that do not match; with --package, checks a
 * case package (cases/package.h) from the package alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/package.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/config.h"
#include "db/db.h"

/* Each event's hash must be SHA-256(previous hash || its own content), and
 * its prev_hash the hash of the organisation's event before it; the chain
 * head must point at the last event. */
static const char *verify_sql =
    "WITH chain AS ("
    "  SELECT e.id, e.org_id, e.hash, e.hash = sha256(e.prev_hash || event_payload(e)) AS self_ok,"
    "         e.prev_hash = coalesce(lag(e.hash) OVER w, '\\x'::bytea) AS link_ok,"
    "         row_number() OVER (PARTITION BY e.org_id ORDER BY e.id DESC) AS from_end"
    "  FROM events e WINDOW w AS (PARTITION BY e.org_id ORDER BY e.id))"
    " SELECT c.id, c.org_id, c.self_ok, c.link_ok,"
    "        c.from_end > 1 OR ch.last_hash = c.hash AS head_ok"
    " FROM chain c LEFT JOIN event_chain ch ON ch.org_id = c.org_id"
    " WHERE NOT c.self_ok OR NOT c.link_ok OR (c.from_end = 1 AND ch.last_hash IS DISTINCT FROM c.hash)"
    " ORDER BY c.org_id, c.id LIMIT 20";

/* audit verify --package FILE: no database. Exit 0 verified, 1 a mismatch,
 * 3 not a package this reader takes. */
static int verify_package(const char *path)
{
	struct package_report r;
	enum package_result res = package_verify_file(path, &r);
	if (res == PACKAGE_UNREADABLE) {
		fprintf(stderr, "audit verify: %s: cannot be verified: %s\n", path, r.why);
		return 3;
	}
	if (res == PACKAGE_FAILED) {
		fputs(r.detail, stdout);
		printf("audit verify: %s: FAILED, case %s: %d problem(s)\n", path, r.case_number, r.problems);
		return 1;
	}
	printf("audit verify: %s: case %s intact: %d documents match their SHA-256 (%d erased, listed "
	       "without a file); %d events match their hashes, %d links checked in the package, %d "
	       "to events of other cases (check those with 'jawnosc audit verify' against the body's "
	       "database)\n",
	       path, r.case_number, r.documents, r.erased, r.events, r.links_inside, r.links_outside);
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc < 2 || strcmp(argv[1], "verify") != 0 ||
	    (argc > 2 && (argc != 4 || strcmp(argv[2], "--package") != 0))) {
		FILE *out = cli_wants_help(argc, argv) ? stdout : stderr;
		fputs("Usage: jawnosc audit verify\n       jawnosc audit verify --package FILE.zip\n\n"
		      "Recomputes the SHA-256 chain of the event log of every organisation and\n"
		      "reports events whose hash or link does not match. Exit 0 when the whole\n"
		      "log verifies, 1 when something was changed or removed.\n\n"
		      "With --package, checks a case package ('jawnosc export case') from the\n"
		      "package alone, without the database: every event of the case's log against\n"
		      "its hash and the links between them, and every listed document against its\n"
		      "SHA-256 and size. Exit 0 intact, 1 something was changed or is missing,\n"
		      "3 not a package (damaged, hostile or another kind of file).\n",
		      out);
		return out == stdout ? 0 : 2;
	}
	if (argc == 4)
		return verify_package(argv[3]);
	char err[512];
	if (!config_load(err, sizeof err) || !cfg.database_url[0]) {
		fprintf(stderr, "jawnosc audit: %s\n", cfg.database_url[0] ? err : "DATABASE_URL is not set");
		return 1;
	}
	PGconn *c = db_connect(cfg.database_url, err, sizeof err);
	if (!c) {
		fprintf(stderr, "jawnosc audit: cannot connect to the database: %s\n", err);
		return 1;
	}
	int rc = 1;
	PGresult *r = PQexec(c, "SELECT count(*), count(DISTINCT org_id) FROM events");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "jawnosc audit: %s", PQerrorMessage(c));
		goto out;
	}
	long events = atol(PQgetvalue(r, 0, 0)), orgs = atol(PQgetvalue(r, 0, 1));
	PQclear(r);
	r = PQexec(c, verify_sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "jawnosc audit: %s", PQerrorMessage(c));
		goto out;
	}
	int bad = PQntuples(r);
	for (int i = 0; i < bad; i++) {
		const char *why = PQgetvalue(r, i, 2)[0] != 't'   ? "its content does not match its hash"
		                  : PQgetvalue(r, i, 3)[0] != 't' ? "it does not follow the event before it"
		                                                  : "the chain head does not point at it";
		printf("event %s (organisation %s): %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), why);
	}
	if (bad == 0) {
		printf("audit verify: %ld events in %ld organisations, chain intact\n", events, orgs);
		rc = 0;
	} else {
		printf("audit verify: FAILED (%d problem(s) shown)\n", bad);
	}
out:
	PQclear(r);
	PQfinish(c);
	return rc;
}
