/* SPDX-License-Identifier: EUPL-1.2 */
/* Plain statements of the load (no parameters: every value in them is
 * the seed's own, a table name or a number). Errors are printed. */
#ifndef SEED_SQL_H
#define SEED_SQL_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "progress.h"

bool run(PGconn *c, const char *sql);
/* One long statement (an index build, a check, VACUUM) while the progress
 * line keeps counting the time. */
bool run_ticking(PGconn *c, const char *sql, struct progress *p);
/* The one value of a one-row query; on an error 0 and *ok false. */
long long query_ll(PGconn *c, const char *sql, bool *ok);

#endif
