/* SPDX-License-Identifier: EUPL-1.2 */
/* The queries of the public register's pages (register.c), for the page
 * services (register_pages.c) only: each runs inside the page's
 * transaction, opened by register_begin() as jawnosc_public, and returns
 * JSON it owns through `out` (the caller decrefs), strings in `a`.
 * Internal to server/cases/register*.c. */
#ifndef JAWNOSC_CASES_REGISTER_QUERY_H
#define JAWNOSC_CASES_REGISTER_QUERY_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "cases/org.h"
#include "cases/register.h"
#include "core/arena.h"
#include "db/db.h"

/* What the register shows of a body that changes only when something of
 * the body changes: kept in memory under the body's tag (cases/org.h), so
 * a page that is not kept reads none of it again. */
struct register_facts {
	int64_t stamp_us;     /* the register's stamp: its items' last change (0: none) */
	int year_lo, year_hi; /* years of receipt of the items listed (0: none) */
	int nunits;
	const char **unit_symbol, **unit_name; /* the units by symbol, in the arena */
};

/* Finds the body for `host` (org_for_host() with ORG_PUBLIC) and, with
 * `facts` not NULL, its register's facts (org->stamp_us too): each from
 * memory when kept, else read in the public transaction (read only, as
 * jawnosc_public: a replica can answer it), which this opens and leaves
 * open, and kept (`mark`: the page's cache_mark(), taken first). So a
 * page may start with no transaction open: register_open() opens it
 * before the page's own queries. DB_OK with *found false when no
 * organisation lists the host and JAWNOSC_DEFAULT_ORG names none
 * (nothing is left open). */
enum db_status register_begin(PGconn *c, arena_t *a, const char *host, uint64_t mark,
                              struct org *org, struct register_facts *facts, bool *found);
/* The change register of page `page` of body `org` (register_bip_changes()):
 * kept, or read in the public transaction (opened when none is open) and
 * kept (`mark`: the page's cache_mark()). Nothing for BIP_PAGE_NONE. */
enum db_status register_changes_read(PGconn *c, arena_t *a, const struct org *org,
                                     enum bip_page page, uint64_t mark, struct bip_changes *out);
/* Opens the public transaction unless one is open. */
enum db_status register_open(PGconn *c);
/* Reads the count of visits of the page `path` written so far (NULL: not
 * a BIP page, 0) into *visits and commits, in one round trip; rolls back
 * on an error. Nothing when no transaction is open (*visits 0). */
enum db_status register_end(PGconn *c, long long org_id, const char *path, long long *visits);
/* Rolls the public transaction back. */
void register_abort(PGconn *c);
/* The body's remedies against its decisions (struct register_remedies in
 * cases/register.h), in one query. In `a`; out->units a new reference. */
enum db_status register_remedy(PGconn *c, arena_t *a, long long org_id,
                               struct register_remedies *out);

/* The list of body `org`'s register (its state labels as org_no_kpa()
 * says). */
enum db_status register_list(PGconn *c, arena_t *a, const struct org *org,
                             const struct register_filter *f, int limit, json_t **out);
/* The options of the list's filters (register_list_page()), from the
 * body's facts. The caller decrefs. */
json_t *register_filter_options(arena_t *a, const struct register_facts *facts,
                                const struct register_filter *f);
/* An item's page as register_item() reads it. */
struct register_item_read {
	bool found;        /* an item has that case number */
	int64_t stamp_us;  /* its last change (µs since the epoch) */
	long long visits;  /* the visits of the page counted so far (0: none asked) */
	json_t *doc;       /* the page (register_item_page()); NULL when the version
	                      asked for is not one of the item's */
};
/* Reads an item's page in one statement: the item of `case_number`, the
 * version `version` (NULL: the current one), its stamp and the visits of
 * `visit_path` (NULL: none), and commits: one round trip, which opens the
 * public transaction too when none is open (register_begin() found the
 * body in memory). A failure may leave the transaction open
 * (register_abort()). The caller decrefs out->doc. */
enum db_status register_item(PGconn *c, arena_t *a, const struct org *org,
                             const char *case_number, const char *version,
                             const char *visit_path, struct register_item_read *out);
enum db_status register_document(PGconn *c, arena_t *a, long long org_id, const char *case_number,
                                 int seq, const char **pdf, size_t *len, char sha_hex[65],
                                 bool *found);
/* The public copy `copy_id` of an attachment the current version of the
 * item publishes (register_attachments). */
enum db_status register_attachment(PGconn *c, arena_t *a, long long org_id,
                                   const char *case_number, long long copy_id, const char **pdf,
                                   size_t *len, char sha_hex[65], bool *found);
enum db_status register_feed(PGconn *c, arena_t *a, long long org_id, int limit, json_t **out);
/* As register_stats_page() says, plus "stale" (older than
 * REGISTER_STATS_MAX_AGE). */
enum db_status register_stats(PGconn *c, arena_t *a, long long org_id, json_t **out);
/* The refresh itself, in its own transaction, on the primary. */
enum db_status register_stats_refresh(PGconn *c, int max_age);
/* The licence the body chose for its open data (register_catalog_page()). */
enum db_status register_licence(PGconn *c, arena_t *a, long long org_id, const char **out);
/* Items the sitemap lists (not withdrawn), and `limit` of them after the
 * first `offset`, oldest first: [{case_number, lastmod}]. */
enum db_status register_sitemap_size(PGconn *c, long long org_id, long long *count);
enum db_status register_sitemap(PGconn *c, long long org_id, long long offset, int limit,
                                json_t **out);

#endif
