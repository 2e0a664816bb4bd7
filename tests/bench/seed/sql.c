/* SPDX-License-Identifier: EUPL-1.2 */
#include "sql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>

bool run(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "\njawnosc-seed: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

/* Waits for the result, showing the progress every 200 ms. */
static void wait_ticking(PGconn *c, struct progress *p)
{
	while (PQisBusy(c)) {
		int fd = PQsocket(c);
		fd_set rs;
		FD_ZERO(&rs);
		FD_SET(fd, &rs);
		struct timeval tv = {0, 200000};
		if (select(fd + 1, &rs, NULL, NULL, &tv) < 0 && errno != EINTR)
			break;
		if (!PQconsumeInput(c))
			break;
		progress_show(p, false);
	}
}

bool run_ticking(PGconn *c, const char *sql, struct progress *p)
{
	if (!PQsendQuery(c, sql)) {
		fprintf(stderr, "\njawnosc-seed: %s: %s", sql, PQerrorMessage(c));
		return false;
	}
	wait_ticking(c, p);
	bool ok = true;
	PGresult *r;
	while ((r = PQgetResult(c))) {
		ExecStatusType st = PQresultStatus(r);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			fprintf(stderr, "\njawnosc-seed: %.200s: %s", sql, PQresultErrorMessage(r));
			ok = false;
		}
		PQclear(r);
	}
	return ok;
}

long long query_ll(PGconn *c, const char *sql, bool *ok)
{
	PGresult *r = PQexec(c, sql);
	long long v = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		v = atoll(PQgetvalue(r, 0, 0));
	} else {
		fprintf(stderr, "\njawnosc-seed: %s: %s", sql, PQresultErrorMessage(r));
		*ok = false;
	}
	PQclear(r);
	return v;
}
