/* SPDX-License-Identifier: EUPL-1.2 */
/* The bodies' own tables: organisations, units and users (with statistics
 * right after, for the checks of the rows that refer to them), and at the
 * end the case counters at the last number used in each unit, class and
 * year, so that new filings continue the numbers. */
#ifndef SEED_BODIES_H
#define SEED_BODIES_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "model.h"
#include "progress.h"

bool bodies_copy(PGconn *c, const struct model *m, struct progress *p);
bool bodies_copy_counters(PGconn *c, const struct model *m);

#endif
