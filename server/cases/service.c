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
