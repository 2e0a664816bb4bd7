/* SPDX-License-Identifier: EUPL-1.2 */
/* The data protection officer's work (issue 17 §3; GDPR art. 15 and 17;
 * docs/privacy.md, "Access and erasure on request"): find what the
 * organisation holds about one person, give it to them, erase it where
 * the law allows.
 *
 * Who: ctx->who of role "iod" or "admin" (the routes are ROLE_IOD, and each
 * service checks again: anyone else is OUT_DENIED). What: the
 * organisation's own cases only (ctx->who->org_id), all its units: the
 * officer serves the whole controller, whatever users.unit_id says.
 *
 * The person is given as the officer typed them (`query`): an e-mail
 * address when it holds '@' (the requester's address, equal but for case),
 * else a name, found in any Polish case form and without regard to case or
 * diacritics ("zenobii pioro-kwiatkowskiej" finds "Zenobia
 * Pióro-Kwiatkowska": every word typed must be a form of a word of the
 * requester's name, law/personal.h). A bad query is OUT_INVALID on the
 * field "q". The query itself is never logged nor written to an event. */
#ifndef JAWNOSC_CASES_IOD_H
#define JAWNOSC_CASES_IOD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/context.h"

/* At most this many cases in one answer (the newest first); more sets
 * "truncated" and the officer narrows the query. */
#define IOD_CASES_MAX 200
/* The files of one export together (issued PDFs and attachments): more is
 * refused (OUT_REFUSED, code "export_too_large"), as are more than 1000
 * cases and a name whose first letters more than 5000 requesters share
 * (some might be missing); the archive is built in memory. */
#define IOD_EXPORT_MAX_BYTES (256u * 1024 * 1024)

/* Everything held about the person, case by case, into *out (the caller
 * decrefs): {"kind": "email"|"name", "truncated": bool, "cases": [{id,
 * case_number, state, state_label, received_on, closed_on ("" when open),
 * name, email, events, documents, attachments, mails}], "totals": {cases,
 * events, documents, attachments, mails}}. `mails` counts the outbox's
 * messages to the requester's address about the case; with an e-mail
 * query, "other_mails" counts those to that address about no case of
 * theirs. Reads only. */
enum outcome iod_search(const struct svc_ctx *ctx, const char *query, json_t **out,
                        struct problem *p);

/* One file of the export: where it goes in the archive and its bytes. */
struct iod_file {
	const char *path; /* "dokumenty/COMON.1431.28.2026-1.pdf", "zalaczniki/…" */
	const char *data;
	size_t len;
};

/* An access export (GDPR art. 15 ust. 3: a copy of the data). */
struct iod_export {
	const char *json; /* dane.json: everything held, see docs/privacy.md */
	size_t json_len;
	struct iod_file *files; /* issued documents' PDFs, then attachments */
	size_t nfiles;
	size_t ncases;
};

/* The same person as iod_search() finds, with everything held about them:
 * the requester rows, their cases, the cases' events, terms, documents
 * (metadata; the issued PDFs as files), attachments (metadata; the files),
 * and the mail sent to them. One transaction reads it all and writes the
 * audit event "privacy_access_export" (no case; data: the requester rows'
 * request ids and the counts, never the query), so nothing leaves without
 * its record. Nobody found is OUT_NOT_FOUND and no event. Everything in
 * ctx->arena. */
enum outcome iod_export(const struct svc_ctx *ctx, const char *query, struct iod_export *out,
                        struct problem *p);

/* An erasure on request (GDPR art. 17) of case `request_id`'s requester,
 * through privacy_erase_request() (cases/privacy.h): `reason` required (at
 * most 1000 characters: the officer's record of the request and, with
 * `force_retention`, the other legal ground for erasing before the
 * retention period ends). OUT_OK with the case's number in *case_number;
 * OUT_REFUSED with privacy_refusal_text() as the message and a code
 * ("case_open", "retention_running", "already_erased"); OUT_NOT_FOUND for
 * a case that is not the organisation's; OUT_INVALID on the field
 * "reason". */
struct iod_erasure {
	long long request_id;
	const char *reason;
	bool force_retention;
};
enum outcome iod_erase(const struct svc_ctx *ctx, const struct iod_erasure *in,
                       const char **case_number, struct problem *p);

#endif
