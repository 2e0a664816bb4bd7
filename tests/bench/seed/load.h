/* SPDX-License-Identifier: EUPL-1.2 */
/* Loading a table fast, and safely, inside the load's one transaction (a
 * failure restores the schema as it was):
 * - its secondary indexes and the unique constraints no foreign key needs
 *   are dropped before the COPY and built again after it (a sort is much
 *   faster than a million insertions, a GIN index especially);
 * - as a superuser, its foreign-key checks are switched off and every
 *   foreign key of the loaded tables is checked at the end with one
 *   anti-join each;
 * - the triggers whose work the seed does itself are off (trigger.h) and
 *   the change notifications too (one for everything at the end);
 * - on an empty database the tables are truncated first, so that COPY may
 *   write frozen rows (no VACUUM pass over them later). */
#ifndef SEED_LOAD_H
#define SEED_LOAD_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "progress.h"

#define LOAD_MAX_SAVED 32

/* One big table: what was dropped, to be made again. */
struct table_state {
	const char *table;
	int nidx;
	char *idx_def[LOAD_MAX_SAVED]; /* CREATE INDEX or ALTER TABLE ... ADD CONSTRAINT */
	int nri;
	char *ri_name[LOAD_MAX_SAVED]; /* foreign-key check triggers switched off */
	bool analyze;                  /* ANALYZE after its indexes (fks checked row by row) */
};

/* Drops the table's indexes and unique constraints and, as a superuser,
 * switches its foreign-key checks off. */
bool table_prepare(PGconn *c, bool superuser, struct table_state *t, const char *table);
/* Builds them again (and statistics when foreign keys are checked row by row). */
bool table_indexes(PGconn *c, struct table_state *t, struct progress *p);
/* The foreign-key checks on again. */
bool table_enable(PGconn *c, struct table_state *t);
void table_free(struct table_state *t);

/* Every foreign key of `tables` (a comma-separated list), checked in bulk;
 * a row without its parent fails the statement. */
bool load_check_foreign_keys(PGconn *c, const char *tables, struct progress *p);

/* TRUNCATE of the big tables when they and every table referring to them
 * are empty (statement triggers that refuse TRUNCATE are off for it): true
 * when done, so COPY may use FREEZE. */
bool load_empty_truncate(PGconn *c, bool *ok);

/* The triggers the seed does the work of, and the change notifications:
 * off (those that exist; `on[i]` remembers which), or on again. */
bool load_own_triggers_off(PGconn *c, bool *on);
bool load_own_triggers_on(PGconn *c, const bool *on);
#define LOAD_OWN_TRIGGERS 15

/* Reserves `n` identifiers of the table's sequence; returns the first. */
long long load_reserve(PGconn *c, const char *table, long long n, bool *ok);
/* Moves the table's sequence past `last` (and past its rows). */
bool load_sequence_past(PGconn *c, const char *table, long long last);

#endif
