/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/org.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/context.h"
#include "cases/service.h"
#include "core/cache.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "db/changes.h"
#include "law/warsaw.h"

static bool is_true(const char *v)
{
	return v && v[0] == 't';
}

/* The columns of ORG_PUBLIC_COLUMNS; the settings are left as they are. */
static void public_from_row(const PGresult *r, int row, int col, arena_t *a, struct org *o)
{
#define V(i) PQgetvalue(r, row, col + (i))
	o->id = atoll(V(0));
	o->slug = arena_strdup(a, V(1));
	o->name = arena_strdup(a, V(2));
	o->address = arena_strdup(a, V(3));
	o->place = arena_strdup(a, V(4));
	o->email = arena_strdup(a, V(5));
	o->phone = arena_strdup(a, V(6));
	o->bip_url = arena_strdup(a, V(7));
	o->created = arena_strdup(a, V(8));
	o->created_unix = atoll(V(9));
	o->public_authority = is_true(V(10));
	o->hosts = arena_strdup(a, V(11));
#undef V
}

bool org_no_kpa(const struct org *o, const char *kind)
{
	return !o->public_authority && kind && !strcmp(kind, "public_information");
}

void org_from_row(const PGresult *r, int row, int col, arena_t *a, struct org *o)
{
	public_from_row(r, row, col, a, o);
	o->stamp_us = 0;
#define V(i) PQgetvalue(r, row, col + ORG_PUBLIC_NCOLUMNS + (i))
	o->web_unit_id = atoll(V(0));
	o->class_public = arena_strdup(a, V(1));
	o->class_reuse = arena_strdup(a, V(2));
	o->policy = law_policy_default();
	o->policy.clarification_restarts_term = is_true(V(3));
	o->policy.remedy = strcmp(V(4), "reconsideration") == 0 ? LAW_REMEDY_RECONSIDERATION
	                                                      : LAW_REMEDY_APPEAL;
	o->policy.clarification_window_days = atoi(V(5));
	o->policy.interest_window_days = atoi(V(6));
	o->policy.interest_call_keeps_term_running = is_true(V(7));
	o->staff_unit_only = is_true(V(8));
	o->dpo_contact = arena_strdup(a, V(9));
	o->privacy_recipients = arena_strdup(a, V(10));
	o->retention_public = atoi(V(11));
	o->retention_reuse = atoi(V(12));
	o->policy.accepts_unsigned_pleadings = is_true(V(13));
	o->unsigned_note = arena_strdup(a, V(14));
#undef V
}

/* ---- What the change listener hears, as the cache's tags ---- */

const char *org_tag(char buf[ORG_TAG_LEN], long long org_id)
{
	snprintf(buf, ORG_TAG_LEN, "org:%lld", org_id);
	return buf;
}

/* The keys the triggers send (migrations 0009, 0013) and the server tells:
 * an organisation's id (anything its pages or its cases' data show),
 * "settings" (organisations and units: what struct org holds), anything
 * else (the listener's "all"): everything. */
static void heard(const char *table, const char *key)
{
	(void)table; /* nothing sends a table yet: the keys say enough */
	char *end;
	errno = 0;
	long long id = key ? strtoll(key, &end, 10) : 0;
	char tag[ORG_TAG_LEN];
	if (key && !errno && end != key && !*end && id > 0)
		cache_invalidate(org_tag(tag, id));
	else if (key && !strcmp(key, "settings"))
		org_settings_changed();
	else
		cache_invalidate_all();
}

void org_changes_wire(void)
{
	changes_set_handler(heard, cache_set_live);
	cache_set_sync(changes_sync);
}

int64_t org_kept_ttl(void)
{
	int64_t now = clock_now();
	int64_t local = now + law_warsaw_offset(now);
	int64_t midnight_local = local - ((local % 86400) + 86400) % 86400 + 86400;
	/* The offset at midnight, which a change of time in the night moves. */
	int64_t midnight = midnight_local - law_warsaw_offset(midnight_local - law_warsaw_offset(now));
	int64_t left = midnight > now ? midnight - now : 1;
	return cfg.page_cache_ttl < left ? cfg.page_cache_ttl : left;
}

json_t *org_kept_json(const char *key)
{
	cache_sync();
	return cache_get_json(key);
}

void org_keep_json(const char *key, long long org_id, uint64_t mark, const json_t *doc)
{
	char tag[ORG_TAG_LEN];
	if (org_id > 0)
		cache_put_json(key, org_tag(tag, org_id), mark, org_kept_ttl(), doc);
}

void org_settings_changed(void)
{
	cache_invalidate(ORG_TAG_SETTINGS);
	/* A host may have just been listed. */
	cache_invalidate(ORG_TAG_UNLISTED);
}

/* ---- Organisations by host, kept in memory (ORG_SETTINGS) ----
 *
 * Every request starts by finding its organisation from the Host header.
 * Settings change rarely, so what was read is kept in the cache under the
 * tag ORG_TAG_SETTINGS: the triggers of migration 0013 on organisations
 * and units send "settings"; case work does not count, so copies outlive
 * it. At most ORG_CACHE_TTL seconds old. A host no body lists is kept too
 * (as no_org), so a stream of made-up hosts costs no query each. The Host
 * header is the client's, so the copies of hosts no body lists (no_org, or
 * the default body's) have a tag of their own, ORG_TAG_UNLISTED, emptied
 * past ORG_CACHE_MAX; the hosts bodies list are as many as org_hosts'
 * rows, so their copies are not capped: tens of thousands of bodies
 * (docs/capacity.md) keep theirs however many made-up hosts come. */
#define ORG_CACHE_MAX 2048
#define ORG_CACHE_TTL 60

static enum db_status org_read_for_host(PGconn *c, arena_t *a, const char *host,
                                        enum org_scope scope, struct org *out, bool *found,
                                        bool *listed);

/* A copy of `o` with each string from `dup` (into a block, or the arena). */
static void org_copy(struct org *dst, const struct org *o, char *(*dup)(void *, const char *),
                     void *ctx)
{
	*dst = *o;
	dst->slug = dup(ctx, o->slug);
	dst->name = dup(ctx, o->name);
	dst->address = dup(ctx, o->address);
	dst->place = dup(ctx, o->place);
	dst->email = dup(ctx, o->email);
	dst->phone = dup(ctx, o->phone);
	dst->bip_url = dup(ctx, o->bip_url);
	dst->created = dup(ctx, o->created);
	dst->hosts = dup(ctx, o->hosts);
	dst->class_public = dup(ctx, o->class_public);
	dst->class_reuse = dup(ctx, o->class_reuse);
	dst->dpo_contact = dup(ctx, o->dpo_contact);
	dst->privacy_recipients = dup(ctx, o->privacy_recipients);
	dst->unsigned_note = dup(ctx, o->unsigned_note);
}

static char *dup_arena(void *ctx, const char *s)
{
	return arena_strdup(ctx, s);
}

/* Counts the bytes of the strings (ctx: a size_t). */
static char *dup_count(void *ctx, const char *s)
{
	*(size_t *)ctx += s ? strlen(s) + 1 : 0;
	return NULL;
}

/* Copies into the block after the struct (ctx: the next free byte). */
static char *dup_block(void *ctx, const char *s)
{
	if (!s)
		return NULL;
	char **at = ctx, *d = *at;
	size_t n = strlen(s) + 1;
	memcpy(d, s, n);
	*at += n;
	return d;
}

static void keep(const char *key, const struct org *o, bool listed, uint64_t mark)
{
	struct org scratch;
	size_t len = 0;
	org_copy(&scratch, o, dup_count, &len);
	struct org *copy = malloc(sizeof *copy + len);
	if (!copy)
		return;
	char *at = (char *)(copy + 1);
	org_copy(copy, o, dup_block, &at);
	const char *tag = listed ? ORG_TAG_SETTINGS : ORG_TAG_UNLISTED;
	if (!listed && cache_tag_entries(tag) >= ORG_CACHE_MAX)
		cache_invalidate(tag);
	cache_put(key, tag, mark, ORG_CACHE_TTL, copy, sizeof *copy + len, free);
}

bool org_host_key(const char *host, char out[ORG_HOST_KEY_LEN])
{
	out[0] = '\0';
	if (!host)
		return false;
	while (*host == ' ' || *host == '\t')
		host++;
	size_t n = strlen(host);
	while (n && (host[n - 1] == ' ' || host[n - 1] == '\t'))
		n--;
	if (host[0] == '[') {
		const char *close = memchr(host, ']', n);
		if (!close)
			return false;
		n = (size_t)(close - host) + 1;
	} else {
		/* The port: the digits after the last colon, as the migration's
		 * org_host_normal() drops them. */
		size_t i = n;
		while (i && host[i - 1] >= '0' && host[i - 1] <= '9')
			i--;
		if (i && host[i - 1] == ':')
			n = i - 1;
	}
	if (n == 0 || n >= ORG_HOST_KEY_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = host[i];
		/* A host name is ASCII (an IDN in its xn-- form): a client's
		 * other bytes (invalid UTF-8 too, which PostgreSQL refuses in a
		 * parameter) name no body. */
		if ((unsigned char)ch <= ' ' || (unsigned char)ch >= 0x7f) {
			out[0] = '\0';
			return false;
		}
		out[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	}
	out[n] = '\0';
	return true;
}

/* ---- A body's own address ---- */

/* The `n` bytes at `host` are a host name as org_hosts holds them, fit
 * for an address: a name or an IPv4 address (a-z, 0-9, '.', '-', '_'),
 * or an IPv6 one in brackets. */
static bool host_ok(const char *host, size_t n)
{
	bool v6 = n && host[0] == '[';
	if (!n || n >= ORG_HOST_KEY_LEN || (v6 && (n < 3 || host[n - 1] != ']')))
		return false;
	for (size_t i = v6; i < n - v6; i++) {
		char c = host[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      (v6 ? c == ':' : c == '_')))
			return false;
	}
	return true;
}

/* The host of URL `base`: *host at its first byte (after "scheme://" and
 * any "user@"), *rest at what follows it (":port", the path); false when
 * `base` has no "://". */
static bool url_host(const char *base, const char **host, const char **rest)
{
	const char *sep = strstr(base, "://");
	if (!sep)
		return false;
	const char *auth = sep + 3, *end = auth + strcspn(auth, "/?#");
	const char *h = auth;
	for (const char *c = auth; c < end; c++)
		if (*c == '@')
			h = c + 1;
	const char *cut = *h == '[' ? memchr(h, ']', (size_t)(end - h)) : NULL;
	if (cut)
		cut++;
	else if (*h != '[')
		cut = memchr(h, ':', (size_t)(end - h));
	*host = h;
	*rest = cut ? cut : end;
	return true;
}

const char *org_next_host(arena_t *a, const char **cursor)
{
	const char *p = *cursor;
	if (!p || !*p)
		return NULL;
	size_t n = strcspn(p, " ");
	*cursor = p + n + (p[n] == ' ');
	return arena_strndup(a, p, n);
}

const char *org_url_with_host(arena_t *a, const char *base, const char *host)
{
	const char *h, *rest;
	if (!host || !host_ok(host, strlen(host)) || !url_host(base, &h, &rest))
		return base;
	return arena_printf(a, "%.*s%s%s", (int)(h - base), base, host, rest);
}

const char *org_base_url(arena_t *a, const char *base, const struct org *o)
{
	if (!o || !o->hosts || !*o->hosts ||
	    (cfg.default_org && *cfg.default_org && o->slug && !strcmp(o->slug, cfg.default_org)))
		return base;
	/* The base's own host, as org_hosts holds hosts. */
	const char *h, *rest;
	char authority[ORG_HOST_KEY_LEN], key[ORG_HOST_KEY_LEN] = "";
	if (url_host(base, &h, &rest) && (size_t)(rest - h) < sizeof authority) {
		memcpy(authority, h, (size_t)(rest - h));
		authority[rest - h] = '\0';
		org_host_key(authority, key);
	}
	const char *first = NULL, *cursor = o->hosts, *host;
	while ((host = org_next_host(a, &cursor))) {
		if (*key && !strcmp(host, key))
			return base;
		if (!first && host_ok(host, strlen(host)))
			first = host;
	}
	/* The first it lists that makes an address (one put in by SQL may
	 * not: the settings form and the command line check them). */
	return first ? org_url_with_host(a, base, first) : base;
}

/* A body that no host leads to, kept so that unknown hosts cost no query
 * either: its id is 0. */
static const struct org no_org;

/* The key of a host's kept body in `scope`, in `a`. */
static const char *kept_key(arena_t *a, const char *bare, enum org_scope scope)
{
	return arena_printf(a, "%c %s", scope == ORG_SETTINGS ? 'O' : 'P', bare);
}

/* The kept body of `bare` in `scope`: true when there is a copy (*found:
 * it is a body's). */
static bool kept_org(arena_t *a, const char *bare, enum org_scope scope, struct org *out,
                     bool *found)
{
	struct cache_hit hit;
	if (!cache_get(kept_key(a, bare, scope), &hit))
		return false;
	org_copy(out, hit.value, dup_arena, a);
	cache_release(&hit);
	*found = out->id != 0;
	return true;
}

bool org_public_kept(arena_t *a, const char *host, struct org *out, bool *found)
{
	char bare[ORG_HOST_KEY_LEN];
	if (!org_host_key(host, bare))
		bare[0] = '\0';
	*found = false;
	return kept_org(a, bare, ORG_PUBLIC, out, found);
}

enum db_status org_for_host(PGconn *c, arena_t *a, const char *host, enum org_scope scope,
                            struct org *out, bool *found)
{
	char bare[ORG_HOST_KEY_LEN];
	if (!org_host_key(host, bare))
		bare[0] = '\0';
	/* No cache_sync() here for the settings: their notifications reach
	 * the listener within moments, and a page reader takes them in right
	 * after. The public body is asked for by a page reader, which took
	 * them in already. */
	if (kept_org(a, bare, scope, out, found))
		return DB_OK;
	bool listed;
	uint64_t mark = cache_mark();
	enum db_status st = org_read_for_host(c, a, bare, scope, out, found, &listed);
	if (st == DB_OK && cache_on())
		keep(kept_key(a, bare, scope), *found ? out : &no_org, listed, mark);
	return st;
}

/* The body that lists the host ($1: org_host_key()'s form, as org_hosts
 * holds it), else the one JAWNOSC_DEFAULT_ORG names ($2), else none: two
 * look-ups in unique indexes. `hosts` and `rel` are org_hosts and
 * organisations, or the public views over them. */
#define BY_HOST(cols, hosts, rel)                                                                  \
	"(SELECT " cols ", 0 AS fallback FROM " hosts " h JOIN " rel " o ON o.id = h.org_id "      \
	"WHERE h.host = $1) "                                                                      \
	"UNION ALL (SELECT " cols ", 1 FROM " rel " o WHERE o.slug = $2) "                         \
	"ORDER BY fallback LIMIT 1"

/* By scope: the public one through the views jawnosc_public may read. */
static const char *const by_host[] = {
    [ORG_SETTINGS] = BY_HOST(ORG_COLUMNS, "org_hosts", "organisations"),
    [ORG_PUBLIC] = BY_HOST(ORG_PUBLIC_COLUMNS, "register_org_hosts", "register_organisations"),
};

/* `listed`: the body lists the host (not the default body's fallback). */
static enum db_status org_read_for_host(PGconn *c, arena_t *a, const char *bare,
                                        enum org_scope scope, struct org *out, bool *found,
                                        bool *listed)
{
	const char *p[2] = {bare, cfg.default_org ? cfg.default_org : ""};
	enum db_status st;
	PGresult *r = db_exec(c, &st, by_host[scope], 2, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	*listed = false;
	if (*found && scope == ORG_SETTINGS) {
		org_from_row(r, 0, 0, a, out);
		*listed = !strcmp(PQgetvalue(r, 0, ORG_NCOLUMNS), "0");
	} else if (*found) {
		memset(out, 0, sizeof *out);
		public_from_row(r, 0, 0, a, out);
		*listed = !strcmp(PQgetvalue(r, 0, ORG_PUBLIC_NCOLUMNS), "0");
	}
	PQclear(r);
	return st;
}

enum db_status org_by_id(PGconn *c, arena_t *a, long long id, struct org *out, bool *found)
{
	char ids[32];
	snprintf(ids, sizeof ids, "%lld", id);
	const char *p[1] = {ids};
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT " ORG_COLUMNS " FROM organisations o WHERE o.id = $1",
	                      1, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found)
		org_from_row(r, 0, 0, a, out);
	PQclear(r);
	return st;
}

void org_startup_note(PGconn *c)
{
	const char *p[1] = {cfg.default_org ? cfg.default_org : ""};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT count(*), count(*) FILTER (WHERE slug = $1), "
	                      "(SELECT count(*) FROM org_hosts) FROM organisations",
	                      1, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		long long bodies = atoll(PQgetvalue(r, 0, 0)), named = atoll(PQgetvalue(r, 0, 1));
		long long hosts = atoll(PQgetvalue(r, 0, 2));
		if (!bodies)
			log_warn("no organisation is configured yet: every page of a body answers 421 "
			         "(add one as docs/operations.md says, or run 'jawnosc seed --demo')");
		else if (*p[0] && !named)
			log_warn("JAWNOSC_DEFAULT_ORG=%s names no organisation: a Host no organisation "
			         "lists gets 421",
			         p[0]);
		else if (!*p[0] && !hosts)
			log_warn("no organisation lists a host name and JAWNOSC_DEFAULT_ORG is empty: "
			         "every page of a body answers 421 (set JAWNOSC_DEFAULT_ORG to the "
			         "body's slug, or list its host names in /panel/admin/ustawienia)");
	}
	PQclear(r);
}

/* ---- Services --------------------------------------------------------------- */

enum outcome org_for_request(const struct svc_ctx *ctx, const char *host, struct org *out,
                             struct problem *p)
{
	PGconn *c = db_conn();
	if (!c)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	bool found = false;
	enum db_status st = org_for_host(c, ctx->arena, host, ORG_SETTINGS, out, &found);
	if (st == DB_UNAVAILABLE)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!found)
		return problem_set(p, OUT_MISDIRECTED, NULL, NULL);
	return OUT_OK;
}

enum outcome org_get(const struct svc_ctx *ctx, long long id, struct org *out, struct problem *p)
{
	PGconn *c = db_conn();
	bool found = false;
	enum db_status st = c ? org_by_id(c, ctx->arena, id, out, &found) : DB_UNAVAILABLE;
	if (st == DB_UNAVAILABLE)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	if (st != DB_OK || !found)
		return problem_set(p, OUT_ERROR, NULL, NULL);
	return OUT_OK;
}
