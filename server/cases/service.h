/* SPDX-License-Identifier: EUPL-1.2 */
/* What every service does with the database before and after its work:
 * take this thread's connection, and turn a database status into an
 * outcome (docs/design.md, "Where a new thing goes": a service maps
 * database statuses to outcomes). Only services include this; web/ never
 * sees a PGconn. */
#ifndef JAWNOSC_CASES_SERVICE_H
#define JAWNOSC_CASES_SERVICE_H

#include <jansson.h>

#include "core/outcome.h"
#include "db/db.h"

/* This thread's connection with *p set to OUT_OK, or NULL with
 * OUT_UNAVAILABLE in *p. */
PGconn *svc_conn(struct problem *p);

/* The outcome of a database status: OUT_OK for DB_OK (p untouched),
 * OUT_UNAVAILABLE when the database cannot be reached, OUT_ERROR for
 * anything else (logged where it happened). A service that gives a status
 * a meaning of its own (a unique violation as a conflict or a field)
 * checks for it before calling this. */
enum outcome svc_outcome(enum db_status st, struct problem *p);

/* Runs `sql` and sets *rows to an array with an object for each row: its
 * columns' names and text values (SQL NULL: JSON null). An empty array
 * when it failed. */
enum db_status svc_rows(PGconn *c, const char *sql, int nparams, const char *const *params,
                        json_t **rows);

#endif
