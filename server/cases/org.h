/* SPDX-License-Identifier: EUPL-1.2 */
/* Organisations (public bodies, the tenants) as the services see them, and
 * the one lookup of a body by the request's Host header, for the services
 * and for the public register. */
#ifndef JAWNOSC_CASES_ORG_H
#define JAWNOSC_CASES_ORG_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/outcome.h"
#include "db/db.h"
#include "law/lifecycle.h"

/* Which columns of a body a lookup reads, and as whom. */
enum org_scope {
	/* Every setting, from organisations, as the server's own role; kept
	 * in memory (see org.c). */
	ORG_SETTINGS,
	/* What the public register may show, from register_organisations,
	 * inside register_begin()'s transaction as jawnosc_public (perhaps on
	 * a replica); kept in memory as the settings are (key "P <host>",
	 * org_public_kept()). The fields marked "settings" stay zero, and so
	 * does `stamp_us` (the register's own, cases/register.c). */
	ORG_PUBLIC,
};

struct org {
	long long id;
	const char *slug;
	const char *name;
	const char *address;
	const char *place;
	const char *email;
	const char *phone;
	const char *bip_url;
	const char *created; /* "DD.MM.YYYY HH:MM", Warsaw: when the body was set up */
	int64_t created_unix;
	/* An organ of public authority (UDIP art. 17 ust. 1): otherwise its
	 * refusals and discontinuances are rozstrzygnięcia (org_no_kpa()). */
	bool public_authority;
	/* The hosts the body lists, in org_hosts' form (lower case, no port)
	 * and its order, separated by one blank; "" when it lists none. The
	 * host of its public addresses comes from them (org_base_url()). */
	const char *hosts;
	/* Settings (ORG_SETTINGS and the joins of ORG_COLUMNS only). */
	long long web_unit_id;
	const char *class_public;
	const char *class_reuse;
	law_policy_t policy;
	/* Staff of a unit see only their unit's cases (cases/scope.h). */
	bool staff_unit_only;
	/* The art. 13 GDPR information (cases/privacy.h): the data protection
	 * officer's contact and the recipients ("" for the defaults), and the
	 * years requesters' data are kept after a case of class_public or
	 * class_reuse closes. */
	const char *dpo_contact;
	const char *privacy_recipients;
	int retention_public, retention_reuse;
	/* The legal note of policy.accepts_unsigned_pleadings: why the body
	 * accepts an unsigned appeal from the tracking page ("" when it does
	 * not). */
	const char *unsigned_note;
	/* The register's pages only (cases/register.c): the register's
	 * stamp, the last change of any of its publications in microseconds
	 * since the epoch (0 when nothing was ever published). */
	int64_t stamp_us;
};

/* A Host header as org_hosts holds host names (migration 0015): blanks
 * and the port dropped, lower case ("Bip.Urzad.gov.pl:8080" ->
 * "bip.urzad.gov.pl", "[::1]:8080" -> "[::1]"). False, with `out` empty,
 * when nothing is left, it is too long to be a host, or it has a byte no
 * host name has (a blank, a control, anything not ASCII). */
#define ORG_HOST_KEY_LEN 256
bool org_host_key(const char *host, char out[ORG_HOST_KEY_LEN]);

/* The next host of a body's list (struct org's `hosts`) from *cursor, a
 * copy in `a`, moving *cursor past it; NULL at the end. */
const char *org_next_host(arena_t *a, const char **cursor);
/* `base` ("scheme://[user@]host[:port][/path]") with its host replaced by
 * `host`; `base` itself when `host` is NULL, empty or not a host name as
 * org_hosts holds them, or `base` has no "://". */
const char *org_url_with_host(arena_t *a, const char *base, const char *host);
/* The public address of body `o` in a deployment at `base` (the
 * deployment's own: JAWNOSC_BASE_URL or what the server derives), for the
 * links its pages, feeds and e-mails carry, so that each body of a
 * deployment for several links to itself: `base` when the body is
 * JAWNOSC_DEFAULT_ORG's, lists the base's host or lists none; else `base`
 * with its host replaced by the first host the body lists that makes an
 * address (org_url_with_host()). */
const char *org_base_url(arena_t *a, const char *base, const struct org *o);

/* The organisation that lists `host` (the Host header, as org_host_key()
 * reads it), else the one whose slug is JAWNOSC_DEFAULT_ORG (a deployment
 * for a single body), else none: DB_OK with *found false. Host names are
 * unique across organisations (org_hosts' primary key), so the answer
 * never depends on which body was created first. Both scopes are answered
 * from memory while the settings have not changed since (see org.c). */
enum db_status org_for_host(PGconn *c, arena_t *a, const char *host, enum org_scope scope,
                            struct org *out, bool *found);
/* The ORG_PUBLIC body of `host` from memory alone, without a query: true
 * when a copy is kept (*found: a body answers the host, in `out`, strings
 * in `a`); false when org_for_host() must read it. */
bool org_public_kept(arena_t *a, const char *host, struct org *out, bool *found);
/* At start-up: a warning in the log when requests to a body's pages can
 * only get 421 (no organisation, JAWNOSC_DEFAULT_ORG naming none, or no
 * host listed and no default). */
void org_startup_note(PGconn *c);
enum db_status org_by_id(PGconn *c, arena_t *a, long long id, struct org *out, bool *found);

/* ---- Services ---- */
struct svc_ctx;
struct problem;
/* The organisation of a request by its Host header (ORG_SETTINGS, kept in
 * memory): OUT_MISDIRECTED when no organisation lists the host and
 * JAWNOSC_DEFAULT_ORG names none (421: nothing of a body's is shown or
 * stored for it), OUT_UNAVAILABLE when the database cannot be reached. */
enum outcome org_for_request(const struct svc_ctx *ctx, const char *host, struct org *out,
                             struct problem *p);
/* Whether a case of `kind` at body `o` ends by a rozstrzygnięcie rather
 * than a decision: public information at a body that is not an organ of
 * public authority (UDIP art. 16 ust. 1, art. 17 ust. 1; STORE_NO_KPA_SQL
 * says the same in SQL). Re-use keeps the decision. */
bool org_no_kpa(const struct org *o, const char *kind);
/* Organisation `id` (a signed-in user's own): OUT_ERROR when there is none. */
enum outcome org_get(const struct svc_ctx *ctx, long long id, struct org *out, struct problem *p);

/* The columns of a body the public register may see too. */
#define ORG_PUBLIC_COLUMNS                                                                         \
	"o.id, o.slug, o.name, o.address, o.place, o.email, o.phone, o.bip_url, "                  \
	"to_char(o.created_at AT TIME ZONE 'Europe/Warsaw', 'DD.MM.YYYY HH24:MI'), "              \
	"extract(epoch FROM o.created_at)::bigint, o.public_authority, "                          \
	"array_to_string(org_hosts_normal(o.hosts), ' ')"
#define ORG_PUBLIC_NCOLUMNS 12
/* The columns org_from_row() expects, for joins. */
#define ORG_COLUMNS                                                                                \
	ORG_PUBLIC_COLUMNS ", coalesce(o.web_unit_id, 0), o.class_public, o.class_reuse, "        \
	"o.policy_clarification_restarts, o.policy_remedy, "                                        \
	"o.policy_clarification_days, o.policy_interest_days, o.policy_interest_keeps_running, "   \
	"o.staff_unit_only, o.dpo_contact, o.privacy_recipients, "                                  \
	"retention_years_of(o.retention_years, o.class_public), "                                  \
	"retention_years_of(o.retention_years, o.class_reuse), "                                   \
	"o.policy_unsigned_pleadings, o.policy_unsigned_note"
#define ORG_NCOLUMNS 27

void org_from_row(const PGresult *r, int row, int col, arena_t *a, struct org *out);

/* ---- What is kept of organisations (core/cache.h) ---- */

/* The cache tag of everything organisation `id` shows ("org:12"): its
 * register's pages, its tracking pages' and dashboards' data. */
#define ORG_TAG_LEN 32
const char *org_tag(char buf[ORG_TAG_LEN], long long org_id);
/* How long a copy of what an organisation shows may be kept: at most
 * JAWNOSC_PAGE_CACHE_TTL seconds, and never past the end of the Warsaw day
 * (pages count working days from today). */
int64_t org_kept_ttl(void);
/* The data of an organisation's page kept under `key` (a new reference),
 * or NULL; takes in the change notifications that arrived first. */
json_t *org_kept_json(const char *key);
/* Keeps `doc` under `key` with organisation `org_id`'s tag, for
 * org_kept_ttl(); `mark` is cache_mark() taken before it was read. */
void org_keep_json(const char *key, long long org_id, uint64_t mark, const json_t *doc);
/* The tag of the kept settings of every organisation. */
#define ORG_TAG_SETTINGS "settings"
/* The copies for hosts no body lists (cases/org.c: capped). */
#define ORG_TAG_UNLISTED "settings:unlisted"
/* Wires the change listener (db/changes.h) to the cache: an organisation's
 * id heard drops its tag, "settings" the settings, anything else
 * everything; the cache is live while the listener is, and a reader takes
 * in what has arrived (cache_sync()). Before changes_start(). */
void org_changes_wire(void);
/* The settings of an organisation changed (this process's own save, after
 * its commit): its next request reads them again. */
void org_settings_changed(void);

#endif
