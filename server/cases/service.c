/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/service.h"

PGconn *svc_conn(struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	PGconn *c = db_conn();
	if (!c)
		problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	return c;
}

enum outcome svc_outcome(enum db_status st, struct problem *p)
{
	if (st == DB_OK)
		return OUT_OK;
	return problem_set(p, st == DB_UNAVAILABLE ? OUT_UNAVAILABLE : OUT_ERROR, NULL, NULL);
}

enum db_status svc_rows(PGconn *c, const char *sql, int nparams, const char *const *params,
                        json_t **rows)
{
	enum db_status st;
	PGresult *r = db_exec(c, &st, sql, nparams, params);
	*rows = json_array();
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		json_t *row = json_object();
		for (int k = 0; k < PQnfields(r); k++)
			json_object_set_new(row, PQfname(r, k),
			                    PQgetisnull(r, i, k) ? json_null()
			                                         : json_string(PQgetvalue(r, i, k)));
		json_array_append_new(*rows, row);
	}
	PQclear(r);
	return st;
}
