/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/integrations.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/ratelimit.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/config.h"
#include "core/log.h"
#include "core/utf8.h"
#include "db/changes.h"
#include "db/db.h"

/* The limit counts in windows of a minute (cases/ratelimit.h). */
#define INTEGRATION_RATE_WINDOW 60

static const struct {
	unsigned scope;
	const char *name, *label;
} scopes[] = {
    {INTEGRATION_READ, "read", "odczyt spraw i kolejki"},
    {INTEGRATION_REGISTER, "register", "rejestrowanie wniosków"},
    {INTEGRATION_DOCUMENTS, "documents", "dodawanie dokumentów do spraw"},
};
#define NSCOPES (sizeof scopes / sizeof scopes[0])

const char *integration_scope_name(unsigned scope)
{
	for (size_t i = 0; i < NSCOPES; i++)
		if (scopes[i].scope == scope)
			return scopes[i].name;
	return NULL;
}

const char *integration_scope_label(unsigned scope)
{
	for (size_t i = 0; i < NSCOPES; i++)
		if (scopes[i].scope == scope)
			return scopes[i].label;
	return NULL;
}

/* The scopes as a text[] literal ("{read,register}"). */
static const char *scopes_literal(arena_t *a, unsigned set)
{
	const char *s = "{";
	for (size_t i = 0; i < NSCOPES; i++)
		if (set & scopes[i].scope)
			s = arena_printf(a, "%s%s%s", s, s[1] ? "," : "", scopes[i].name);
	return arena_printf(a, "%s}", s);
}

/* The set of a text[] as PostgreSQL prints it. */
static unsigned scopes_parse(const char *lit)
{
	unsigned set = 0;
	for (size_t i = 0; i < NSCOPES; i++) {
		const char *at = strstr(lit, scopes[i].name);
		size_t n = strlen(scopes[i].name);
		if (at && (at[-1] == '{' || at[-1] == ',') && (at[n] == '}' || at[n] == ','))
			set |= scopes[i].scope;
	}
	return set;
}

bool integration_token_well_formed(const char *token)
{
	size_t n = strlen(INTEGRATION_PREFIX);
	return token && !strncmp(token, INTEGRATION_PREFIX, n) && token_well_formed(token + n);
}

static const char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

static bool is_admin(const struct svc_ctx *ctx)
{
	return ctx->who && ctx->who->role && !strcmp(ctx->who->role, "admin");
}

/* ---- The administrator's page ------------------------------------------- */

static const char *trim(arena_t *a, const char *s)
{
	if (!s)
		return "";
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

static size_t chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

static bool printable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

struct create_tx {
	arena_t *a;
	const struct actor *who;
	const char *name, *scopes;
	unsigned char hash[32];
	long long id;
};

static enum db_status create_tx(PGconn *c, void *vx)
{
	struct create_tx *x = vx;
	const char *p[5] = {ids(x->a, x->who->org_id), x->name, x->scopes, (const char *)x->hash,
	                    x->who->user_id ? ids(x->a, x->who->user_id) : NULL};
	int lens[5] = {0, 0, 0, 32, 0}, fmts[5] = {0, 0, 0, 1, 0};
	enum db_status st;
	PGresult *r = db_exec_binary(c, &st,
	                             "INSERT INTO integrations (org_id, name, scopes, token_sha256, "
	                             "created_by) VALUES ($1, $2, $3::text[], $4, $5) RETURNING id",
	                             5, p, lens, fmts);
	x->id = st == DB_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	if (st != DB_OK)
		return st;
	/* The secret is never in the trail: its name and scopes are. */
	json_t *data = json_pack("{s:I, s:s, s:s}", "integration_id", (json_int_t)x->id, "name",
	                         x->name, "scopes", x->scopes);
	st = store_event(c, x->who->org_id, 0, "admin", x->who->user_id, "integration_created", NULL,
	                 NULL, data);
	json_decref(data);
	return st;
}

enum outcome integration_create(const struct svc_ctx *ctx, const char *name, unsigned set,
                                char token[INTEGRATION_TOKEN_LEN + 1], long long *id,
                                struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	token[0] = '\0';
	if (id)
		*id = 0;
	if (!is_admin(ctx))
		return problem_set(p, OUT_DENIED, NULL, NULL);
	struct problem local;
	if (!p)
		p = &local;
	name = trim(ctx->arena, name);
	if (!*name)
		problem_field(p, "name", "Podaj nazwę integracji, np. „EZD RP — sekretariat”.");
	else if (!utf8_valid(name, strlen(name)) || !printable(name))
		problem_field(p, "name", "Nazwa integracji musi być jednym wierszem tekstu.");
	else if (chars(name) > INTEGRATION_NAME_MAX)
		problem_fieldf(p, ctx->arena, "name", "Nazwa integracji może mieć najwyżej %d znaków.",
		               INTEGRATION_NAME_MAX);
	if (!(set & INTEGRATION_SCOPES_ALL) || (set & ~(unsigned)INTEGRATION_SCOPES_ALL))
		problem_field(p, "scopes", "Zaznacz co najmniej jeden zakres uprawnień.");
	if (p->nfields)
		return OUT_INVALID;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	char secret[TOKEN_LEN + 1];
	token_random(secret);
	snprintf(token, INTEGRATION_TOKEN_LEN + 1, "%s%s", INTEGRATION_PREFIX, secret);
	sodium_memzero(secret, sizeof secret);
	struct create_tx x = {.a = ctx->arena,
	                      .who = ctx->who,
	                      .name = name,
	                      .scopes = scopes_literal(ctx->arena, set)};
	token_hash(token, x.hash);
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, create_tx, &x);
	if (st != DB_OK) {
		sodium_memzero(token, INTEGRATION_TOKEN_LEN + 1);
		if (st == DB_CONFLICT)
			return problem_field(p, "name", "Urząd ma już aktywną integrację o tej nazwie.");
		return svc_outcome(st, p);
	}
	log_info("integration %lld \"%s\" of organisation %lld created by user %lld (scopes %s)", x.id,
	         name, ctx->who->org_id, ctx->who->user_id, x.scopes);
	if (id)
		*id = x.id;
	return OUT_OK;
}

#define WARSAW(col) "coalesce(to_char(" col " AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), '')"

enum outcome integration_list(const struct svc_ctx *ctx, struct integration **rows, size_t *n,
                              struct problem *p)
{
	*rows = NULL;
	*n = 0;
	if (!is_admin(ctx))
		return problem_set(p, OUT_DENIED, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	const char *q[1] = {ids(ctx->arena, ctx->who->org_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT i.id, i.name, i.scopes::text, coalesce(u.name, ''), "
	                      WARSAW("i.created_at") ", " WARSAW("i.last_used_at") ", "
	                      WARSAW("i.revoked_at") " "
	                      "FROM integrations i LEFT JOIN users u ON u.id = i.created_by "
	                      "WHERE i.org_id = $1 ORDER BY i.revoked_at IS NOT NULL, i.id DESC",
	                      1, q);
	if (st != DB_OK) {
		PQclear(r);
		return svc_outcome(st, p);
	}
	int k = PQntuples(r);
	struct integration *out = arena_calloc(ctx->arena, (size_t)k + 1, sizeof *out);
	for (int i = 0; i < k; i++) {
		arena_t *a = ctx->arena;
		out[i] = (struct integration){
		    .id = atoll(PQgetvalue(r, i, 0)),
		    .org_id = ctx->who->org_id,
		    .name = arena_strdup(a, PQgetvalue(r, i, 1)),
		    .scopes = scopes_parse(PQgetvalue(r, i, 2)),
		    .created_by = arena_strdup(a, PQgetvalue(r, i, 3)),
		    .created_at = arena_strdup(a, PQgetvalue(r, i, 4)),
		    .last_used_at = arena_strdup(a, PQgetvalue(r, i, 5)),
		    .revoked_at = arena_strdup(a, PQgetvalue(r, i, 6)),
		    .revoked = PQgetvalue(r, i, 6)[0] != '\0',
		};
	}
	PQclear(r);
	*rows = out;
	*n = (size_t)k;
	return OUT_OK;
}

struct revoke_tx {
	arena_t *a;
	const struct actor *who;
	long long id;
	bool found;
};

static enum db_status revoke_tx(PGconn *c, void *vx)
{
	struct revoke_tx *x = vx;
	const char *p[3] = {ids(x->a, x->id), ids(x->a, x->who->org_id),
	                    x->who->user_id ? ids(x->a, x->who->user_id) : NULL};
	enum db_status st;
	/* A revoked token stays revoked as it was: the first revocation is the one kept. */
	PGresult *r = db_exec(c, &st,
	                      "WITH u AS (UPDATE integrations SET revoked_at = now(), revoked_by = $3 "
	                      "WHERE id = $1 AND org_id = $2 AND revoked_at IS NULL RETURNING name) "
	                      "SELECT i.name, EXISTS (SELECT 1 FROM u) FROM integrations i "
	                      "WHERE i.id = $1 AND i.org_id = $2",
	                      3, p);
	x->found = st == DB_OK && PQntuples(r) == 1;
	bool changed = x->found && PQgetvalue(r, 0, 1)[0] == 't';
	const char *name = x->found ? arena_strdup(x->a, PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	if (st != DB_OK || !changed)
		return st;
	json_t *data = json_pack("{s:I, s:s}", "integration_id", (json_int_t)x->id, "name", name);
	st = store_event(c, x->who->org_id, 0, "admin", x->who->user_id, "integration_revoked", NULL,
	                 NULL, data);
	json_decref(data);
	if (st == DB_OK)
		log_info("integration %lld \"%s\" of organisation %lld revoked by user %lld", x->id, name,
		         x->who->org_id, x->who->user_id);
	return st;
}

enum outcome integration_revoke(const struct svc_ctx *ctx, long long id, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	if (!is_admin(ctx))
		return problem_set(p, OUT_DENIED, NULL, NULL);
	if (id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct revoke_tx x = {.a = ctx->arena, .who = ctx->who, .id = id};
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, revoke_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	return x.found ? OUT_OK : problem_set(p, OUT_NOT_FOUND, NULL, NULL);
}

/* ---- The calls -------------------------------------------------------------- */

static atomic_ullong counts[INTEGRATION_RESULT_N];

void integration_counts(unsigned long long out[INTEGRATION_RESULT_N])
{
	for (int i = 0; i < INTEGRATION_RESULT_N; i++)
		out[i] = atomic_load(&counts[i]);
}

const char *integration_result_name(enum integration_result r)
{
	static const char *const names[INTEGRATION_RESULT_N] = {
	    "ok", "unauthenticated", "forbidden", "not_found", "refused", "rate_limited", "failed"};
	return (unsigned)r < INTEGRATION_RESULT_N ? names[r] : "failed";
}

static enum integration_result result_of(int status)
{
	return status < 400   ? INTEGRATION_OK
	       : status == 401 ? INTEGRATION_UNAUTHENTICATED
	       : status == 403 ? INTEGRATION_FORBIDDEN
	       : status == 404 ? INTEGRATION_NOT_FOUND
	       : status == 429 ? INTEGRATION_RATE_LIMITED
	       : status < 500  ? INTEGRATION_REFUSED
	                       : INTEGRATION_FAILED;
}

void integration_count_unknown(void)
{
	atomic_fetch_add(&counts[INTEGRATION_UNAUTHENTICATED], 1);
}

void integration_actor(const struct integration *in, struct actor *who)
{
	*who = (struct actor){.user_id = 0,
	                      .org_id = in->org_id,
	                      .unit_id = 0,
	                      .role = "integration",
	                      .name = in->name};
}

enum outcome integration_authenticate(const struct svc_ctx *ctx, const char *token,
                                      struct integration *out, int *retry_after,
                                      struct problem *p)
{
	memset(out, 0, sizeof *out);
	*retry_after = 0;
	problem_set(p, OUT_OK, NULL, NULL);
	if (!integration_token_well_formed(token))
		return problem_set(p, OUT_DENIED, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	unsigned char hash[32];
	token_hash(token, hash);
	const char *q[1] = {(const char *)hash};
	int lens[1] = {32}, fmts[1] = {1};
	enum db_status st;
	PGresult *r = db_exec_binary(c, &st,
	                             "SELECT id, org_id, name, scopes::text, revoked_at IS NOT NULL "
	                             "FROM integrations WHERE token_sha256 = $1",
	                             1, q, lens, fmts);
	if (st != DB_OK) {
		PQclear(r);
		return svc_outcome(st, p);
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		return problem_set(p, OUT_DENIED, NULL, NULL);
	}
	out->id = atoll(PQgetvalue(r, 0, 0));
	out->org_id = atoll(PQgetvalue(r, 0, 1));
	out->name = arena_strdup(ctx->arena, PQgetvalue(r, 0, 2));
	out->scopes = scopes_parse(PQgetvalue(r, 0, 3));
	out->revoked = PQgetvalue(r, 0, 4)[0] == 't';
	PQclear(r);
	if (out->revoked)
		return problem_set(p, OUT_DENIED, NULL, "token_revoked");
	char who[32];
	snprintf(who, sizeof who, "integration-%lld", out->id);
	if (ratelimit_take("integration", who, cfg.integration_rate, INTEGRATION_RATE_WINDOW, ctx->now,
	                   retry_after) != OUT_OK)
		return problem_set(p, OUT_RATE_LIMITED,
		                   arena_printf(ctx->arena,
		                                "Integracja „%s” przekroczyła limit %ld wywołań na minutę. "
		                                "Spróbuj ponownie za %d s.",
		                                out->name, cfg.integration_rate, *retry_after),
		                   "rate_limited");
	return OUT_OK;
}

struct record_tx {
	arena_t *a;
	const struct integration *in;
	json_t *data;
};

static enum db_status record_tx(PGconn *c, void *vx)
{
	struct record_tx *x = vx;
	/* Neither the event (the organisation's, not a case's) nor the last use
	 * changes a page: no notification, from the triggers or from here. */
	enum db_status st = db_run(c, "SET LOCAL jawnosc.app = 'on'", 0, NULL);
	const char *q[1] = {ids(x->a, x->in->id)};
	/* At most once a minute, as a session is marked used: most calls write
	 * only their event. */
	if (st == DB_OK)
		st = db_run(c,
		            "UPDATE integrations SET last_used_at = now() WHERE id = $1 AND "
		            "(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
		            1, q);
	if (st == DB_OK)
		st = store_event(c, x->in->org_id, 0, "integration", 0, "integration_call", NULL, NULL,
		                 x->data);
	return st;
}

enum outcome integration_record(const struct svc_ctx *ctx, const struct integration *in,
                                const char *op, long long case_id, int status,
                                struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	atomic_fetch_add(&counts[result_of(status)], 1);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	json_t *data = json_pack("{s:I, s:s, s:s, s:i}", "integration_id", (json_int_t)in->id,
	                         "integration", in->name, "operation", op, "status", status);
	if (case_id > 0)
		json_object_set_new(data, "case_id", json_integer(case_id));
	struct record_tx x = {.a = ctx->arena, .in = in, .data = data};
	changes_writer(CHANGES_QUIET);
	enum db_status st = db_transaction(c, record_tx, &x);
	json_decref(data);
	if (st != DB_OK)
		log_error("integration %lld \"%s\": the audit event of %s (%d) was not written", in->id,
		          in->name, op, status);
	return svc_outcome(st, p);
}
