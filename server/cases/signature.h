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

#endif
