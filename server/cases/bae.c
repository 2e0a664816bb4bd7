/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/bae.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/action.h"
#include "cases/edoreczenia.h"
#include "cases/scope.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/config.h"
#include "core/log.h"
#include "db/changes.h"
#include "edor/client.h"
#include "law/lifecycle.h"

/* Whether organisation `org_id` has a search engine to ask: its own
 * e-Doręczenia settings (org_edoreczenia) or the deployment's, which this
 * thread's calls then use until lookup_done(). -1 on a database error. */
static int lookup_ready(PGconn *c, long long org_id)
{
	char why[900];
	int ready = edoreczenia_use_org(c, org_id, why, sizeof why);
	return ready < 0 ? -1 : ready == 1 && edor_lookup_enabled();
}

static void lookup_done(void)
{
	char why[16];
	edor_use(NULL, why, sizeof why);
}

static bool to_requester(const char *type)
{
	for (int i = 1; type && i < LAW_DOC_ROWS; i++)
		if (law_documents[i].id && !strcmp(law_documents[i].id, type))
			return law_documents[i].addressee == LAW_TO_REQUESTER;
	return true; /* a letter the table does not know goes to the requester */
}

/* The postal address on one line: its lines joined by ", ". */
static char *one_line(arena_t *a, const char *s)
{
	char *out = arena_alloc(a, 2 * strlen(s) + 1), *o = out;
	bool gap = false;
	for (; *s; s++) {
		if (*s == '\r' || *s == '\n') {
			gap = o > out;
			continue;
		}
		if (gap) {
			*o++ = ',';
			*o++ = ' ';
			gap = false;
		}
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* What the lookup needs, read in one statement (no transaction is held
 * while the search engine is asked). */
struct who_to_ask {
	const char *name, *postal, *source;
	long long checked_at, failed_at; /* epoch seconds; 0: never */
	bool pending;                    /* the document is still to be dispatched */
	const char *type;
};

static enum db_status read_requester(PGconn *c, const struct svc_ctx *ctx, long long request_id,
                                     int seq, struct who_to_ask *w, bool *found)
{
	arena_t *a = ctx->arena;
	const char *p[4] = {arena_printf(a, "%lld", request_id),
	                    arena_printf(a, "%lld", ctx->who->org_id),
	                    arena_printf(a, "%lld", scope_unit(ctx->who)),
	                    arena_printf(a, "%d", seq)};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT q.name, q.postal_address, coalesce(q.ade_source, ''), "
	    "coalesce(extract(epoch FROM q.bae_checked_at)::bigint, 0), "
	    "coalesce(extract(epoch FROM q.bae_failed_at)::bigint, 0), d.type, "
	    "d.status = 'draft' OR (d.status = 'issued' AND NOT EXISTS (SELECT 1 FROM dispatches s "
	    "WHERE s.document_id = d.id AND s.state NOT IN ('rejected', 'failed'))) "
	    "FROM requests r JOIN requesters q ON q.request_id = r.id "
	    "JOIN documents d ON d.request_id = r.id AND d.seq = $4::int "
	    "WHERE r.id = $1 AND r.org_id = $2 AND r.erased_at IS NULL AND "
	    SCOPE_CASES("r", "$2", "$3"),
	    4, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found) {
		w->name = arena_strdup(a, PQgetvalue(r, 0, 0));
		w->postal = arena_strdup(a, PQgetvalue(r, 0, 1));
		w->source = arena_strdup(a, PQgetvalue(r, 0, 2));
		w->checked_at = atoll(PQgetvalue(r, 0, 3));
		w->failed_at = atoll(PQgetvalue(r, 0, 4));
		w->type = arena_strdup(a, PQgetvalue(r, 0, 5));
		w->pending = PQgetvalue(r, 0, 6)[0] == 't';
	}
	PQclear(r);
	return st;
}

/* Whether to ask now. */
static bool due(const struct svc_ctx *ctx, const struct who_to_ask *w, bool force)
{
	if (!w->pending || !to_requester(w->type) || !strcmp(w->source, "requester") ||
	    !*w->name || !*w->postal)
		return false;
	if (force)
		return true;
	if (w->failed_at > w->checked_at && ctx->now - w->failed_at < BAE_RETRY_SECONDS)
		return false;
	return !w->checked_at || ctx->now - w->checked_at >= cfg.edor_lookup_ttl;
}

enum bae_answer { BAE_FOUND, BAE_NOT_FOUND, BAE_FAILED };

struct store_tx {
	const struct svc_ctx *ctx;
	long long request_id;
	int seq;
	const struct who_to_ask *w;
	enum bae_answer answer;
	const char *address;
};

static enum db_status store_tx(PGconn *c, void *v)
{
	struct store_tx *x = v;
	arena_t *a = x->ctx->arena;
	struct case_ref f;
	bool found;
	enum db_status st = case_lock_staff(c, a, x->request_id, x->ctx->who, &f, &found);
	if (st != DB_OK || !found)
		return st;
	/* Written only for the name and address that were asked about, and
	 * never over an address the requester gave (or over an erasure). */
	const char *p[5] = {arena_printf(a, "%lld", x->request_id), x->w->name, x->w->postal,
	                    arena_printf(a, "%lld", (long long)x->ctx->now), x->address};
	static const char *const sql[] = {
	    [BAE_FOUND] = "UPDATE requesters SET ade_address = $5, ade_source = 'bae', "
	                  "bae_checked_at = to_timestamp($4::bigint), bae_failed_at = NULL",
	    [BAE_NOT_FOUND] = "UPDATE requesters SET ade_address = NULL, ade_source = NULL, "
	                      "bae_checked_at = to_timestamp($4::bigint), bae_failed_at = NULL",
	    [BAE_FAILED] = "UPDATE requesters SET bae_failed_at = to_timestamp($4::bigint)",
	};
	static const char *const where =
	    " WHERE request_id = $1 AND name = $2 AND postal_address = $3 "
	    "AND ade_source IS DISTINCT FROM 'requester' RETURNING 1";
	int rows = 0;
	st = db_run_rows(c, arena_printf(a, "%s%s", sql[x->answer], where),
	                 x->answer == BAE_FOUND ? 5 : 4, p, &rows);
	if (st != DB_OK || rows != 1)
		return st;
	static const char *const names[] = {"found", "not_found", "failed"};
	/* The event says what was learnt, never the address nor the person. */
	json_t *data = json_pack("{s:s, s:s, s:i}", "result", names[x->answer], "source", "bae",
	                         "seq", x->seq);
	st = store_event(c, x->ctx->who->org_id, x->request_id, x->ctx->who->role,
	                 x->ctx->who->user_id, BAE_EVENT, NULL, NULL, data);
	json_decref(data);
	return st;
}

enum outcome bae_refresh(const struct svc_ctx *ctx, long long request_id, int seq, bool force,
                         struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	if (!ctx->who)
		return OUT_OK;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	/* Pages ask only when the organisation's lookup is configured; the
	 * clerk's button is answered for the cases the clerk may see (else
	 * 404) either way. */
	int on = lookup_ready(c, ctx->who->org_id);
	if (on < 0 || (!on && !force)) {
		lookup_done();
		return on < 0 ? svc_outcome(DB_UNAVAILABLE, p) : OUT_OK;
	}
	struct who_to_ask w;
	bool found;
	enum db_status st = read_requester(c, ctx, request_id, seq, &w, &found);
	if (st != DB_OK || !found || !on || !due(ctx, &w, force)) {
		lookup_done();
		return st != DB_OK ? svc_outcome(st, p)
		       : !found    ? problem_set(p, OUT_NOT_FOUND, NULL, NULL)
		                   : OUT_OK;
	}

	char address[EDOR_ADDRESS_LEN + 1], err[512] = "";
	bool has = false;
	enum edor_result res = edor_lookup("", w.name, one_line(ctx->arena, w.postal), address,
	                                   &has, err, sizeof err);
	lookup_done();
	if (res == EDOR_OFF)
		return OUT_OK;
	struct store_tx x = {.ctx = ctx,
	                     .request_id = request_id,
	                     .seq = seq,
	                     .w = &w,
	                     .answer = res != EDOR_OK ? BAE_FAILED
	                               : has           ? BAE_FOUND
	                                               : BAE_NOT_FOUND,
	                     .address = has ? address : NULL};
	if (res != EDOR_OK)
		log_warn("bae: case %lld: lookup failed (%s): %s", request_id,
		         edor_result_name(res), err);
	else
		log_info("bae: case %lld: %s", request_id, has ? "address found" : "no address");
	changes_writer(ctx->who->org_id);
	st = db_transaction(c, store_tx, &x);
	return st == DB_OK ? OUT_OK : svc_outcome(st, p);
}

/* Which of the page's sentences applies. */
static const char *view_state(bool on, const char *source, bool failed, bool checked, bool data)
{
	if (!strcmp(source, "requester"))
		return "given";
	if (!on)
		return "found"; /* kept from when the lookup was configured */
	if (failed)
		return "unchecked";
	if (!strcmp(source, "bae"))
		return "found";
	if (checked)
		return "not_found";
	return data ? "unchecked" : "no_data";
}

enum db_status bae_view(PGconn *c, long long request_id, json_t *out)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", request_id);
	const char *p[1] = {id};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT coalesce(ade_address, ''), coalesce(ade_source, ''), "
	    "coalesce(to_char(bae_checked_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "
	    "''), coalesce(to_char(bae_failed_at AT TIME ZONE 'Europe/Warsaw', "
	    "'YYYY-MM-DD HH24:MI'), ''), bae_failed_at IS NOT NULL AND "
	    "(bae_checked_at IS NULL OR bae_failed_at > bae_checked_at), "
	    "name <> '' AND postal_address <> '', org_id FROM requesters WHERE request_id = $1",
	    1, p);
	if (st != DB_OK || PQntuples(r) != 1) {
		PQclear(r);
		return st;
	}
	const char *address = PQgetvalue(r, 0, 0), *source = PQgetvalue(r, 0, 1);
	const char *checked = PQgetvalue(r, 0, 2);
	bool failed = PQgetvalue(r, 0, 4)[0] == 't', data = PQgetvalue(r, 0, 5)[0] == 't';
	int on = lookup_ready(c, atoll(PQgetvalue(r, 0, 6)));
	lookup_done();
	if (on < 0) {
		PQclear(r);
		return DB_UNAVAILABLE;
	}
	if (on || *address) {
		bool given = !strcmp(source, "requester");
		const char *state = view_state(on, source, failed, *checked, data);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "state", state, "address",
		                      address, "checked_at", checked, "failed_at",
		                      PQgetvalue(r, 0, 3), "can_check", on && !given && data,
		                      "stale", failed && *address);
		json_object_set_new(o, state, json_true());
		json_object_set_new(out, "bae", o);
	}
	PQclear(r);
	return DB_OK;
}
