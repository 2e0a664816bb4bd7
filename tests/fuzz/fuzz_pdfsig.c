/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: a hostile "signed" PDF given to the verifier
 * (render/pdfsig.c: libqpdf's reading of the signature fields, the byte
 * ranges checked on the raw bytes, OpenSSL's CMS parsing and verification,
 * poppler-glib's signature API and the page comparison).
 *
 * Input: the uploaded file's bytes. The issued PDF is a fixed one-page
 * document; there is no trust store (a forged signature cannot pass the
 * digest check anyway, so nothing gets further). pdfsig_same_document
 * (rendering both: slow) runs for one input in 25, chosen by a hash of
 * its bytes so that a replay does the same, and for every input with
 * "%same" in its first 64 bytes. Properties (abort() when violated): a
 * result of the enum, never OK without a trust store; a refusal has a
 * reason; the count of signatures is 0..PDFSIG_MAX_SIGNATURES; a page
 * reported as differing is one the documents have; the strings of the
 * info are terminated and valid UTF-8 without control characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "render/pdfsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 262144
#define SAME_EVERY 25

/* The issued document: one page saying "Decyzja". */
static const char issued[] =
    "%PDF-1.4\n"
    "1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R"
    "/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    "4 0 obj<</Length 39>>stream\nBT /F1 24 Tf 20 100 Td (Decyzja) Tj ET\nendstream endobj\n"
    "5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    "trailer<</Root 1 0 R/Size 6>>\n%%EOF\n";

static void check(bool ok)
{
	if (!ok)
		abort();
}

static uint32_t hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

static void clean(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	check(n < cap);
	check(utf8_valid(s, n));
	for (size_t i = 0; i < n; i++)
		check((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	struct pdfsig_info info;
	char err[1024] = "";
	enum pdfsig_result r = pdfsig_verify(data, size, (const unsigned char *)issued, sizeof issued - 1,
	                                     NULL, 1700000000, &info, err, sizeof err);
	check(r > PDFSIG_OK && r <= PDFSIG_ERROR);
	check(err[0] != '\0');
	check(info.signatures >= 0 && info.signatures <= PDFSIG_MAX_SIGNATURES);
	clean(info.signer, sizeof info.signer);
	clean(info.issuer, sizeof info.issuer);
	clean(err, sizeof err);
	if (memmem(data, size < 64 ? size : 64, "%same", 5) || hash(data, size) % SAME_EVERY == 0) {
		int page = -1;
		err[0] = '\0';
		bool same = pdfsig_same_document((const unsigned char *)issued, sizeof issued - 1, data, size,
		                                 &page, err, sizeof err);
		check(same ? page == 0 : err[0] != '\0');
		check(page >= 0 && page <= PDFSIG_MAX_PAGES);
	}
	return 0;
}
