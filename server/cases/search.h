/* SPDX-License-Identifier: EUPL-1.2 */
/* The search engine's dictionary (migration 0045, docs/register.md,
 * "Search"): whether the database searches with the Polish dictionary made
 * from hunspell-pl (deploy/search-dict.sh) or, without its files (a managed
 * PostgreSQL), with unaccent and the simple dictionary only. The searches
 * themselves are the register's (cases/register.c) and the queue's
 * (cases/queue.c). */
#ifndef JAWNOSC_CASES_SEARCH_H
#define JAWNOSC_CASES_SEARCH_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

/* "polish" or "simple" (the configuration jawnosc_pl now); "unknown" when
 * it cannot be read (a database before migration 0045). */
const char *search_dictionary(PGconn *c);

/* Before `jawnosc migrate` applies anything: the session setting
 * jawnosc.search_dictionary that migration 0045 reads (JAWNOSC_SEARCH_
 * DICTIONARY: "off", else "auto"). */
enum db_status search_migrate_prepare(PGconn *c, const char *want);

/* After the migrations: takes the dictionary when its files are there (or
 * leaves it with "off"); when that changes, every search vector is made
 * again, in this call. Writes a line for the operator to `log`. */
bool search_migrate_finish(PGconn *c, const char *want, FILE *log, char *err, size_t errlen);

/* At `serve` start: a warning in the log when the Polish dictionary is not
 * used. */
void search_startup_note(PGconn *c);

#endif
