/* SPDX-License-Identifier: EUPL-1.2 */
/* Verification of a signed PDF against the PDF the system issued (issue
 * 18 §2; docs/signing.md). An official signs an issued decision outside
 * the system (a PAdES signature, appended as an incremental update) and
 * uploads it; it is kept only when every check here passes, in this order:
 *
 *  1. the file is a PDF that poppler-glib and libqpdf both read, not
 *     encrypted, with 1..PDFSIG_MAX_PAGES pages;
 *  2. it holds at least one signature (a signature field with a value),
 *     at most PDFSIG_MAX_SIGNATURES;
 *  3. each signature dictionary is well formed: /SubFilter
 *     adbe.pkcs7.detached or ETSI.CAdES.detached, a /ByteRange of four
 *     integers [0 a b c] with 0 < a < b <= b + c <= file length, and the
 *     gap [a, b) is exactly the /Contents hex string `<...>`;
 *  4. each signature covers the file from its first byte to its own end,
 *     which is the end of a revision (`%%EOF`); the last one covers the
 *     whole file (nothing was appended after it);
 *  5. each signature is valid: its CMS SignedData verifies over the bytes
 *     of its byte range (OpenSSL: message digest and signature, one
 *     signer), and poppler-glib's signature API says VALID for every
 *     signature field (a second, independent reading: the counts must
 *     agree);
 *  6. the signer's certificate of every signature chains to the trust
 *     store (pdfsig_trust_load: a PEM bundle or an OpenSSL hashed
 *     directory of the qualified trust roots), checked at the signing time
 *     the signature states (or `now` when it states none), with key usage
 *     allowing a signature when it says anything; revocation (CRL, OCSP)
 *     is not checked;
 *  7. the signed document is exactly the issued one: the issued PDF's
 *     bytes are a prefix of the file (an incremental update), and in any
 *     case every page rendered from both (poppler + cairo, PDFSIG_DPI) is
 *     the same, except inside the signature fields' widgets (a visible
 *     signature), which may together cover at most a quarter of a page.
 *
 * The input is hostile: a broken or crafted file is refused with a reason,
 * never a crash. Thread-safe (the poppler part is serialised); no
 * database. */
#ifndef JAWNOSC_RENDER_PDFSIG_H
#define JAWNOSC_RENDER_PDFSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PDFSIG_MAX_PAGES 500
#define PDFSIG_MAX_SIGNATURES 16
#define PDFSIG_DPI 72

/* Which check failed (the order above). */
enum pdfsig_result {
	PDFSIG_OK,
	PDFSIG_NOT_PDF,        /* 1: unreadable, damaged, encrypted, no page, too many pages */
	PDFSIG_UNSIGNED,       /* 2: no signature, or too many */
	PDFSIG_MALFORMED,      /* 3: a signature dictionary that cannot be read */
	PDFSIG_NOT_WHOLE,      /* 4: a signature does not cover the file up to its end */
	PDFSIG_INVALID,        /* 5: the bytes were changed after signing, or a broken signature */
	PDFSIG_NO_TRUST,       /* 6: no trust store configured */
	PDFSIG_UNTRUSTED,      /* 6: the certificate does not chain to the trust store */
	PDFSIG_OTHER_DOCUMENT, /* 7: not the issued document */
	PDFSIG_ERROR,          /* out of memory, a library failure */
};

/* What the signature says, for the document page (the last signature: the
 * one that covers the whole file). Strings are valid UTF-8 without control
 * characters, cut at a character boundary. */
struct pdfsig_info {
	int signatures;       /* how many */
	char signer[256];     /* the certificate subject's common name (else the whole subject) */
	char issuer[512];     /* the certificate issuer, RFC 2253 */
	int64_t signed_at;    /* Unix seconds as the signature states it; 0: not stated */
	bool incremental;     /* the issued PDF's bytes are a prefix of the file */
	int differing_page;   /* PDFSIG_OTHER_DOCUMENT: the first page (1-based) that differs; 0: the page count */
};

/* A set of trusted roots (and intermediates), read-only after loading:
 * share it between threads. */
typedef struct pdfsig_trust pdfsig_trust_t;

/* Loads `path`: a file of PEM certificates, or a directory in OpenSSL's
 * hashed format (`openssl rehash`). NULL with `err` (English, for the log)
 * when nothing can be read or it holds no certificate. */
pdfsig_trust_t *pdfsig_trust_load(const char *path, char *err, size_t errlen);
/* Certificates loaded (for the start-up log). */
int pdfsig_trust_count(const pdfsig_trust_t *t);
void pdfsig_trust_free(pdfsig_trust_t *t);

/* Verifies `signed_pdf` against `issued` (the issued PDF) and the trust
 * store `trust` (NULL: not configured, so check 6 fails). `now` (Unix
 * seconds) is the time the chain is checked at when a signature states
 * no signing time. Fills *info (may be partly filled on failure) and, on
 * failure, `err` with a Polish sentence for the official saying which
 * check failed and what to do. */
enum pdfsig_result pdfsig_verify(const unsigned char *signed_pdf, size_t len,
                                 const unsigned char *issued, size_t issued_len,
                                 const pdfsig_trust_t *trust, int64_t now, struct pdfsig_info *info,
                                 char *err, size_t errlen);

/* Check 7 alone: true when `b` shows the same pages as `a` (prefix or not);
 * false with *differing_page and `err` (Polish) otherwise, or when either
 * cannot be read. */
bool pdfsig_same_document(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen,
                          int *differing_page, char *err, size_t errlen);

/* A stable English name of a result ("untrusted", ...), for logs and events. */
const char *pdfsig_result_name(enum pdfsig_result r);

/* True once a page was rendered here: poppler's font cache then holds
 * cairo's faces, and cairo's static data must not be reset at exit
 * (render/pdf.c, pdf_shutdown). */
bool pdfsig_rendered(void);

#endif
