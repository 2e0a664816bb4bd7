/* SPDX-License-Identifier: EUPL-1.2 */
/* Signed versions of issued documents: see signature.h and
 * docs/signing.md. */
#include "cases/signature.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/scope.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/config.h"
#include "core/log.h"
#include "db/changes.h"
#include "render/pdfsig.h"

/* Set once by signature_setup() before the server serves, read-only after. */
static pdfsig_trust_t *trust;

bool signature_setup(char *err, size_t errlen)
{
	const char *path = cfg.signature_trust;
	if (!path || !*path) {
		log_warn("JAWNOSC_SIGNATURE_TRUST is not set: no signed PDF can be accepted "
		         "(docs/signing.md)");
		return true;
	}
	char why[512];
	pdfsig_trust_t *t = pdfsig_trust_load(path, why, sizeof why);
	if (!t) {
		snprintf(err, errlen, "JAWNOSC_SIGNATURE_TRUST: %s", why);
		return false;
	}
	pdfsig_trust_free(trust);
	trust = t;
	if (pdfsig_trust_count(t) > 0)
		log_info("signature trust store %s: %d certificates", path, pdfsig_trust_count(t));
	else
		log_info("signature trust store %s: a hashed directory", path);
	return true;
}

void signature_shutdown(void)
{
	pdfsig_trust_free(trust);
	trust = NULL;
}

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

enum db_status letters_is_signed(PGconn *c, long long document_id, bool *is_signed)
{
	*is_signed = false;
	char id[24];
	snprintf(id, sizeof id, "%lld", document_id);
	const char *p[1] = {id};
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT 1 FROM document_signatures WHERE document_id = $1", 1, p);
	if (st == DB_OK)
		*is_signed = PQntuples(r) == 1;
	PQclear(r);
	return st;
}

/* Copies column `col` of row 0 of a binary result into the arena. */
static const char *copy_bytes(arena_t *a, PGresult *r, int col, size_t *len)
{
	return db_value_copy(a, r, 0, col, len);
}

enum db_status letters_pdf_for_delivery(PGconn *c, arena_t *a, long long document_id,
                                        const char **pdf, size_t *len, bool *is_signed)
{
	*pdf = NULL;
	*len = 0;
	if (is_signed)
		*is_signed = false;
	char id[24];
	snprintf(id, sizeof id, "%lld", document_id);
	const char *p[1] = {id};
	PGresult *r = PQexecParams(c,
	                           "SELECT coalesce(s.signed_pdf, d.pdf), (s.signed_pdf IS NOT NULL)::text "
	                           "FROM documents d LEFT JOIN document_signatures s ON s.document_id = d.id "
	                           "WHERE d.id = $1 AND coalesce(s.signed_pdf, d.pdf) IS NOT NULL",
	                           1, NULL, p, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	if (st == DB_OK && PQntuples(r) == 1) {
		*pdf = copy_bytes(a, r, 0, len);
		if (is_signed)
			*is_signed = PQgetvalue(r, 0, 1)[0] == 't';
	}
	PQclear(r);
	return st;
}

enum db_status signature_json(PGconn *c, long long document_id, json_t **out)
{
	*out = NULL;
	char id[24];
	snprintf(id, sizeof id, "%lld", document_id);
	const char *p[1] = {id};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT s.signer_name, s.certificate_issuer, "
	    "coalesce(to_char(s.signed_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI:SS'), ''), "
	    "to_char(s.uploaded_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "
	    "coalesce(u.name, ''), s.signatures, s.incremental, encode(s.signed_sha256, 'hex'), "
	    "encode(s.original_sha256, 'hex'), s.signed_pdf IS NOT NULL "
	    "FROM document_signatures s LEFT JOIN users u ON u.id = s.uploaded_by "
	    "WHERE s.document_id = $1",
	    1, p);
	if (st == DB_OK && PQntuples(r) == 1)
		*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:s, s:s, s:b}", "signer",
		                 PQgetvalue(r, 0, 0), "issuer", PQgetvalue(r, 0, 1), "signed_at",
		                 PQgetvalue(r, 0, 2), "uploaded_at", PQgetvalue(r, 0, 3), "uploaded_by",
		                 PQgetvalue(r, 0, 4), "signatures", atoi(PQgetvalue(r, 0, 5)), "incremental",
		                 PQgetvalue(r, 0, 6)[0] == 't', "sha256", PQgetvalue(r, 0, 7),
		                 "original_sha256", PQgetvalue(r, 0, 8), "has_pdf",
		                 PQgetvalue(r, 0, 9)[0] == 't');
	PQclear(r);
	return st;
}

/* ---- upload --------------------------------------------------------------- */

/* The issued document to sign, as the first transaction read it. */
struct to_sign {
	arena_t *a;
	const struct actor *who;
	long long request_id;
	int seq;
	bool found, signed_already;
	long long id;
	const char *pdf;
	size_t len;
	unsigned char sha256[32];
};

static enum db_status read_tx(PGconn *c, void *vctx)
{
	struct to_sign *x = vctx;
	x->found = x->signed_already = false;
	const char *q[4] = {ids(x->a, x->request_id), ids(x->a, x->seq), ids(x->a, x->who->org_id),
	                    ids(x->a, scope_unit(x->who))};
	PGresult *r = PQexecParams(
	    c,
	    "SELECT d.id::text, d.pdf, d.sha256, "
	    "(EXISTS (SELECT 1 FROM document_signatures s WHERE s.document_id = d.id))::text "
	    "FROM documents d WHERE d.request_id = $1 AND d.seq = $2 AND d.org_id = $3 "
	    "AND d.status = 'issued' AND d.pdf IS NOT NULL AND length(d.sha256) = 32 "
	    "AND " SCOPE_CASE_OF("d.request_id", "$3", "$4"),
	    4, NULL, q, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	if (st == DB_OK && PQntuples(r) == 1) {
		size_t n;
		x->found = true;
		x->id = atoll(copy_bytes(x->a, r, 0, &n));
		x->pdf = copy_bytes(x->a, r, 1, &x->len);
		memcpy(x->sha256, PQgetvalue(r, 0, 2), 32);
		x->signed_already = PQgetvalue(r, 0, 3)[0] == 't';
	}
	PQclear(r);
	return st;
}

struct store_sig {
	const struct to_sign *doc;
	const char *data;
	size_t len;
	const struct pdfsig_info *info;
	bool stored;
};

static enum db_status store_tx(PGconn *c, void *vctx)
{
	struct store_sig *x = vctx;
	const struct to_sign *d = x->doc;
	arena_t *a = d->a;
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)x->data, x->len);
	const char *signed_at = x->info->signed_at ? ids(a, (long long)x->info->signed_at) : NULL;
	/* The document is read again with its hash: the row signed is the row
	 * read (an issued document never changes, but erasure empties it). */
	const char *q[11] = {ids(a, d->id), x->data, (const char *)h, (const char *)d->sha256,
	                     ids(a, (long long)x->len), ids(a, x->info->signatures),
	                     x->info->incremental ? "true" : "false", x->info->signer,
	                     x->info->issuer, signed_at, ids(a, d->who->user_id)};
	int lens[11] = {0, (int)x->len, 32, 32, 0, 0, 0, 0, 0, 0, 0};
	int fmts[11] = {0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
	int rows = 0;
	PGresult *r = PQexecParams(
	    c,
	    "INSERT INTO document_signatures (document_id, org_id, signed_pdf, signed_sha256, "
	    "original_sha256, size, signatures, incremental, signer_name, certificate_issuer, "
	    "signed_at, uploaded_by) "
	    "SELECT d.id, d.org_id, $2, $3, d.sha256, $5, $6, $7, $8, $9, to_timestamp($10::bigint), $11 "
	    "FROM documents d WHERE d.id = $1 AND d.status = 'issued' AND d.pdf IS NOT NULL "
	    "AND d.sha256 = $4 ON CONFLICT (document_id) DO NOTHING RETURNING document_id",
	    11, NULL, q, lens, fmts, 0);
	enum db_status st = db_status_of(c, r);
	if (st == DB_OK)
		rows = PQntuples(r);
	PQclear(r);
	x->stored = rows == 1;
	if (st != DB_OK || !x->stored)
		return st;
	char hex[65], orig[65];
	sodium_bin2hex(hex, sizeof hex, h, 32);
	sodium_bin2hex(orig, sizeof orig, d->sha256, 32);
	json_t *data = json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:b}", "seq", d->seq, "sha256", hex,
	                         "original_sha256", orig, "signer", x->info->signer, "issuer",
	                         x->info->issuer, "signatures", x->info->signatures, "incremental",
	                         x->info->incremental);
	st = store_event(c, d->who->org_id, d->request_id, d->who->role, d->who->user_id,
	                 SIGNATURE_EVENT, NULL, NULL, data);
	json_decref(data);
	/* A dispatch waiting for this signature (cases/edoreczenia.c: queued,
	 * never attempted) goes now. */
	if (st == DB_OK) {
		char id[24];
		snprintf(id, sizeof id, "%lld", d->id);
		const char *wake[1] = {id};
		st = db_run(c,
		            "UPDATE dispatches SET next_attempt_at = now(), last_error = '', "
		            "updated_at = now() WHERE document_id = $1 AND state = 'queued' "
		            "AND attempts = 0",
		            1, wake);
	}
	return st;
}

static enum outcome refuse(struct problem *p, const char *message)
{
	return problem_field(p, "signed_pdf", message);
}

enum outcome signature_upload(const struct svc_ctx *ctx, long long request_id, int seq,
                              const char *data, size_t len, struct problem *p)
{
	if (request_id <= 0 || seq <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	if (!data || len == 0)
		return refuse(p, "Wybierz podpisany plik PDF do wgrania.");
	if (len > (size_t)cfg.max_attachment)
		return refuse(p, arena_printf(ctx->arena,
		                              "Plik jest zbyt duży: podpisany dokument może mieć najwyżej %ld MB.",
		                              cfg.max_attachment / (1024 * 1024)));
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct to_sign doc = {.a = ctx->arena, .who = ctx->who, .request_id = request_id, .seq = seq};
	enum db_status st = db_read_transaction(c, read_tx, &doc);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!doc.found)
		return problem_set(p, OUT_NOT_FOUND,
		                   "Podpisaną wersję można wgrać tylko do wystawionego pisma z plikiem PDF.",
		                   NULL);
	if (doc.signed_already)
		return problem_set(p, OUT_CONFLICT,
		                   "To pismo ma już podpisaną wersję; nie można jej zastąpić. Aby to "
		                   "zmienić, wystaw korektę pisma.",
		                   "signed");
	/* The check is slow (every page is drawn): outside any transaction. */
	struct pdfsig_info info;
	char err[1024];
	enum pdfsig_result res =
	    pdfsig_verify((const unsigned char *)data, len, (const unsigned char *)doc.pdf, doc.len,
	                  trust, ctx->now, &info, err, sizeof err);
	if (res != PDFSIG_OK) {
		log_info("document %lld: signed PDF refused: %s", doc.id, pdfsig_result_name(res));
		/* No trust store is the deployment's fault, not the file's: the
		 * service is unavailable (503) until it is configured. */
		if (res == PDFSIG_NO_TRUST)
			return problem_set(p, OUT_UNAVAILABLE, arena_strdup(ctx->arena, err),
			                   pdfsig_result_name(res));
		if (res == PDFSIG_ERROR) {
			log_error("document %lld: verifying a signed PDF failed", doc.id);
			return problem_set(p, OUT_ERROR, arena_strdup(ctx->arena, err), pdfsig_result_name(res));
		}
		return refuse(p, arena_strdup(ctx->arena, err));
	}
	changes_writer(ctx->who->org_id);
	struct store_sig x = {.doc = &doc, .data = data, .len = len, .info = &info};
	st = db_transaction(c, store_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!x.stored)
		return problem_set(p, OUT_CONFLICT,
		                   "To pismo ma już podpisaną wersję albo zmieniło się w międzyczasie; "
		                   "odśwież stronę.",
		                   "signed");
	log_info("document %lld: signed version stored (%d signatures)", doc.id, info.signatures);
	return OUT_OK;
}

/* One PDF column of document `seq` that ctx->who sees, by `sql`. */
static enum outcome one_pdf(const struct svc_ctx *ctx, const char *sql, long long request_id,
                            int seq, const char **pdf, size_t *len, struct problem *p)
{
	*pdf = NULL;
	*len = 0;
	if (request_id <= 0 || seq <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	const char *q[4] = {ids(a, request_id), ids(a, seq), ids(a, ctx->who->org_id),
	                    ids(a, scope_unit(ctx->who))};
	PGresult *r = PQexecParams(c, sql, 4, NULL, q, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	enum outcome o = st != DB_OK          ? svc_outcome(st, p)
	                 : PQntuples(r) == 1 ? OUT_OK
	                                     : problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	if (o == OUT_OK)
		*pdf = copy_bytes(a, r, 0, len);
	PQclear(r);
	return o;
}

enum outcome signature_original_pdf(const struct svc_ctx *ctx, long long request_id, int seq,
                                    const char **pdf, size_t *len, struct problem *p)
{
	return one_pdf(ctx,
	               "SELECT d.pdf FROM documents d WHERE d.request_id = $1 AND d.seq = $2 "
	               "AND d.org_id = $3 AND d.status = 'issued' AND d.pdf IS NOT NULL "
	               "AND " SCOPE_CASE_OF("d.request_id", "$3", "$4"),
	               request_id, seq, pdf, len, p);
}

enum outcome signature_pdf(const struct svc_ctx *ctx, long long request_id, int seq,
                           const char **pdf, size_t *len, struct problem *p)
{
	return one_pdf(ctx,
	               "SELECT s.signed_pdf FROM documents d JOIN document_signatures s "
	               "ON s.document_id = d.id WHERE d.request_id = $1 AND d.seq = $2 "
	               "AND d.org_id = $3 AND s.signed_pdf IS NOT NULL "
	               "AND " SCOPE_CASE_OF("d.request_id", "$3", "$4"),
	               request_id, seq, pdf, len, p);
}
