/* SPDX-License-Identifier: EUPL-1.2 */
/* Signed versions of issued documents (issue 18 §2, docs/signing.md).
 * The official downloads the issued PDF ("Pobierz do podpisu"), signs it
 * outside the system (a PAdES signature appended as an incremental update)
 * and uploads it ("Wgraj podpisany"). The upload is verified by
 * render/pdfsig.c and kept in `document_signatures` (migration 0026) beside
 * the unsigned original, which never changes; both hashes are kept. From
 * then on the signed PDF is the document dispatched and shown to the
 * requester. */
#ifndef JAWNOSC_CASES_SIGNATURE_H
#define JAWNOSC_CASES_SIGNATURE_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/context.h"
#include "db/db.h"

/* Whether issued document `document_id` (documents.id) has a verified
 * signed version: *is_signed true when it has. One query on `c`, inside
 * whatever transaction the caller holds (a dispatch refuses an unsigned
 * decision on an electronic channel: KPA art. 107 §1 pkt 8, art. 14 §1a).
 * Returns the query's status; *is_signed is false unless DB_OK. */
enum db_status letters_is_signed(PGconn *c, long long document_id, bool *is_signed);

/* The PDF to send or show for issued document `document_id`: the signed
 * version when there is one, else the issued PDF. *pdf is copied into `a`
 * (NULL with *len 0 when the document has no PDF, e.g. after erasure);
 * *is_signed says which one it is (may be NULL). One query on `c`. */
enum db_status letters_pdf_for_delivery(PGconn *c, arena_t *a, long long document_id,
                                        const char **pdf, size_t *len, bool *is_signed);

/* SQL: the PDF to send or show for the document row aliased `doc`: its
 * signed version when there is one, else the issued PDF (NULL when neither:
 * a draft, or erased). Every query that serves or attaches a document's
 * PDF to the requester uses it. */
#define SIGNATURE_PDF_OF(doc)                                                                      \
	"coalesce((SELECT sig.signed_pdf FROM document_signatures sig WHERE sig.document_id = " doc    \
	".id), " doc ".pdf)"

/* The event on the case's timeline when a signed version is stored. */
#define SIGNATURE_EVENT "sign_document"

/* Loads the trust store named by JAWNOSC_SIGNATURE_TRUST once, at start-up
 * (`serve`): false with `err` when it is set but cannot be read (a
 * misconfiguration); unset, it logs that no signed PDF can be accepted. */
bool signature_setup(char *err, size_t errlen);
/* Frees it (the end of `serve`, tests). */
void signature_shutdown(void);

/* Verifies `data` (the uploaded file, `len` bytes) against issued document
 * `seq` of case `request_id` that ctx->who sees (render/pdfsig.h) and
 * stores it as the document's signed version with the signer, the
 * certificate's issuer and the signing time, and an event. Outcomes:
 * OUT_INVALID at "signed_pdf" with the check that failed (in Polish: empty,
 * over JAWNOSC_MAX_ATTACHMENT, not a PDF, unsigned, changed after signing,
 * untrusted, another document, ...); OUT_NOT_FOUND (no such issued
 * document with a PDF); OUT_CONFLICT (it has a signed version already:
 * nothing is replaced); OUT_ERROR (no trust store configured, or a
 * library failure; logged); OUT_UNAVAILABLE. */
enum outcome signature_upload(const struct svc_ctx *ctx, long long request_id, int seq,
                              const char *data, size_t len, struct problem *p);

/* The issued PDF of document `seq` as it was issued, never its signed
 * version: what the official downloads to sign ("Pobierz do podpisu"). */
enum outcome signature_original_pdf(const struct svc_ctx *ctx, long long request_id, int seq,
                                    const char **pdf, size_t *len, struct problem *p);

/* The signed PDF of document `seq` (OUT_NOT_FOUND when it has none). */
enum outcome signature_pdf(const struct svc_ctx *ctx, long long request_id, int seq,
                           const char **pdf, size_t *len, struct problem *p);

/* The signed version of `document_id` for the document page, or NULL when
 * there is none: {signer, issuer, signed_at, uploaded_at, uploaded_by,
 * signatures, incremental, sha256, original_sha256, has_pdf}. One query
 * on `c` in the caller's transaction. */
enum db_status signature_json(PGconn *c, long long document_id, json_t **out);

#endif
