/* SPDX-License-Identifier: EUPL-1.2 */
/* Verification of signed PDFs (render/pdfsig.c). Two one-page decisions
 * are drawn here with cairo; tests/sign_fixture.sh makes a test root, a
 * signer it issued, a signer of another root and one whose certificate had
 * expired, and signs with poppler-utils' `pdfsig -add-signature` (a PAdES
 * signature appended as an incremental update, as Szafir or SimplySign
 * write it). Each check of pdfsig.h is shown failing on the file that
 * breaks it, and passing on a file signed as it should be. */
/* cmocka.h needs these headers first, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <cairo-pdf.h>
#include <cairo.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "render/pdf.h"
#include "render/pdfsig.h"

static char dir[64];
static pdfsig_trust_t *trust;

struct file {
	unsigned char *data;
	size_t len;
};

static char *path(const char *name)
{
	static char buf[4][256];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, 256, "%s/%s", dir, name);
	return b;
}

static struct file slurp(const char *name)
{
	struct file f = {0};
	FILE *fp = fopen(path(name), "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	assert_true(n > 0);
	f.data = malloc((size_t)n);
	assert_non_null(f.data);
	assert_int_equal(fread(f.data, 1, (size_t)n, fp), (size_t)n);
	f.len = (size_t)n;
	fclose(fp);
	return f;
}

static void spill(const char *name, const unsigned char *data, size_t len)
{
	FILE *fp = fopen(path(name), "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Signs `in` as `nick` into `out`. */
static void sign(const char *nick, const char *in, const char *out)
{
	assert_int_equal(sh("tests/sign_fixture.sh sign %s %s %s %s", dir, nick, path(in), path(out)), 0);
}

/* A one-page decision saying `line`. */
static void draw(const char *name, const char *line)
{
	cairo_surface_t *s = cairo_pdf_surface_create(path(name), 595.28, 841.89);
	cairo_t *cr = cairo_create(s);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 14);
	cairo_move_to(cr, 72, 100);
	cairo_show_text(cr, "Urząd Testowy");
	cairo_move_to(cr, 72, 140);
	cairo_show_text(cr, line);
	cairo_move_to(cr, 72, 180);
	cairo_show_text(cr, "Odmawia się udostępnienia informacji publicznej.");
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/jawnosc-pdfsig-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	if (sh("tests/sign_fixture.sh setup %s", dir) != 0)
		return -1;
	draw("a.pdf", "Decyzja nr 1/2025 w sprawie ORG.1431.1.2025");
	draw("b.pdf", "Decyzja nr 2/2025 w sprawie ORG.1431.2.2025");
	char err[256];
	trust = pdfsig_trust_load(path("trust.pem"), err, sizeof err);
	return trust ? 0 : -1;
}

static int teardown(void **state)
{
	pdfsig_trust_free(trust);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	pdf_shutdown();
	return 0;
}

/* pdfsig_verify of file `name` against `issued`, with its message. */
static enum pdfsig_result verify(const char *name, const char *issued, const pdfsig_trust_t *t,
                                 struct pdfsig_info *info, char *err, size_t errlen)
{
	struct file s = slurp(name), i = slurp(issued);
	enum pdfsig_result r =
	    pdfsig_verify(s.data, s.len, i.data, i.len, t, (int64_t)time(NULL), info, err, errlen);
	free(s.data);
	free(i.data);
	return r;
}

static void test_a_pdf_signed_by_a_trusted_signer_as_an_incremental_update_is_accepted(void **state)
{
	sign("signer", "a.pdf", "a-signed.pdf");
	struct pdfsig_info info;
	char err[1024] = "";
	assert_int_equal(verify("a-signed.pdf", "a.pdf", trust, &info, err, sizeof err), PDFSIG_OK);
	assert_string_equal(err, "");
	assert_int_equal(info.signatures, 1);
	assert_string_equal(info.signer, "Jan Kowalski");
	assert_non_null(strstr(info.issuer, "CN=Jawnosc Test Root CA"));
	assert_true(info.incremental);
	/* Signed a moment ago, by the signature's own clock. */
	int64_t now = (int64_t)time(NULL);
	assert_true(info.signed_at > now - 600 && info.signed_at <= now + 60);
}

static void test_a_byte_changed_inside_the_signed_range_is_refused_as_changed_after_signing(void **state)
{
	struct file f = slurp("a-signed.pdf");
	/* Byte 11 is in the binary comment after the header: the file still
	 * reads, only the signature no longer matches. */
	f.data[11] ^= 0x01;
	spill("a-tampered.pdf", f.data, f.len);
	free(f.data);
	struct pdfsig_info info;
	char err[1024] = "";
	assert_int_equal(verify("a-tampered.pdf", "a.pdf", trust, &info, err, sizeof err), PDFSIG_INVALID);
	assert_non_null(strstr(err, "zmieniono po podpisaniu"));
}

static void test_a_signature_by_a_certificate_of_an_unknown_root_is_refused_as_untrusted(void **state)
{
	sign("rogue", "a.pdf", "a-rogue.pdf");
	struct pdfsig_info info;
	char err[1024] = "";
	assert_int_equal(verify("a-rogue.pdf", "a.pdf", trust, &info, err, sizeof err), PDFSIG_UNTRUSTED);
	assert_non_null(strstr(err, "nie jest zaufany"));
	assert_non_null(strstr(err, "Jan Podrobiony"));
}

static void test_a_certificate_expired_at_the_signing_time_is_refused(void **state)
{
	sign("expired", "a.pdf", "a-expired.pdf");
	struct pdfsig_info info;
	char err[1024] = "";
	assert_int_equal(verify("a-expired.pdf", "a.pdf", trust, &info, err, sizeof err), PDFSIG_UNTRUSTED);
	assert_non_null(strstr(err, "nie był ważny w chwili podpisu"));
}

static void test_without_a_trust_store_nothing_is_accepted(void **state)
{
	struct pdfsig_info info;
	char err[1024] = "";
	assert_int_equal(verify("a-signed.pdf", "a.pdf", NULL, &info, err, sizeof err), PDFSIG_NO_TRUST);
	assert_non_null(strstr(err, "JAWNOSC_SIGNATURE_TRUST"));
}

static void test_the_signed_pdf_of_another_document_is_refused(void **state)
{
	sign("signer", "b.pdf", "b-signed.pdf");
	struct pdfsig_info info;
	char err[1024] = "";
	assert_int_equal(verify("b-signed.pdf", "a.pdf", trust, &info, err, sizeof err),
	                 PDFSIG_OTHER_DOCUMENT);
	assert_int_equal(info.differing_page, 1);
	assert_false(info.incremental);
	assert_non_null(strstr(err, "nie jest wystawionym dokumentem"));
	/* The same file against its own original passes. */
	assert_int_equal(verify("b-signed.pdf", "b.pdf", trust, &info, err, sizeof err), PDFSIG_OK);
}

static void test_two_valid_signatures_each_covering_its_revision_are_accepted(void **state)
{
	sign("signer", "a-signed.pdf", "a-signed-twice.pdf");
	struct pdfsig_info info;
	char err[1024] = "";
	assert_int_equal(verify("a-signed-twice.pdf", "a.pdf", trust, &info, err, sizeof err), PDFSIG_OK);
	assert_int_equal(info.signatures, 2);
	assert_true(info.incremental);
	/* A second signature by an untrusted certificate spoils the whole. */
	sign("rogue", "a-signed.pdf", "a-signed-rogue.pdf");
	assert_int_equal(verify("a-signed-rogue.pdf", "a.pdf", trust, &info, err, sizeof err),
	                 PDFSIG_UNTRUSTED);
	assert_non_null(strstr(err, "podpisu 2 z 2 (Jan Podrobiony"));
}

static void test_bytes_appended_after_the_last_signature_are_refused(void **state)
{
	/* An incremental update nobody signed, after one and after two signatures. */
	static const char tail[] = "\n% dopisane po podpisaniu\n%%EOF\n";
	const char *names[] = {"a-signed.pdf", "a-signed-twice.pdf"};
	for (int i = 0; i < 2; i++) {
		struct file f = slurp(names[i]);
		unsigned char *b = malloc(f.len + sizeof tail);
		assert_non_null(b);
		memcpy(b, f.data, f.len);
		memcpy(b + f.len, tail, sizeof tail - 1);
		spill("appended.pdf", b, f.len + sizeof tail - 1);
		free(b);
		free(f.data);
		struct pdfsig_info info;
		char err[1024] = "";
		assert_int_equal(verify("appended.pdf", "a.pdf", trust, &info, err, sizeof err),
		                 PDFSIG_NOT_WHOLE);
		assert_non_null(strstr(err, "nie obejmuje całego pliku"));
	}
}

static void test_an_unsigned_pdf_is_refused(void **state)
{
	struct pdfsig_info info;
	char err[1024] = "";
	assert_int_equal(verify("a.pdf", "a.pdf", trust, &info, err, sizeof err), PDFSIG_UNSIGNED);
	assert_non_null(strstr(err, "nie jest podpisany"));
	assert_int_equal(info.signatures, 0);
}

static void test_a_rewritten_file_that_shows_the_same_pages_is_accepted(void **state)
{
	/* Rewritten by another program (object streams, new offsets): the
	 * issued bytes are no longer a prefix, but every page looks the same. */
	assert_int_equal(sh("qpdf --object-streams=generate --compress-streams=y %s %s 2>/dev/null",
	                    path("a.pdf"), path("a-rewritten.pdf")),
	                 0);
	struct file x = slurp("a.pdf"), y = slurp("a-rewritten.pdf");
	assert_false(y.len >= x.len && memcmp(x.data, y.data, x.len) == 0);
	free(x.data);
	free(y.data);
	sign("signer", "a-rewritten.pdf", "a-rewritten-signed.pdf");
	struct pdfsig_info info;
	char err[1024] = "";
	assert_int_equal(verify("a-rewritten-signed.pdf", "a.pdf", trust, &info, err, sizeof err),
	                 PDFSIG_OK);
	assert_false(info.incremental);
}

static void test_the_same_document_is_told_by_its_pages(void **state)
{
	struct file a = slurp("a.pdf"), b = slurp("b.pdf"), as = slurp("a-signed.pdf");
	int page = -1;
	char err[512] = "";
	assert_true(pdfsig_same_document(a.data, a.len, as.data, as.len, &page, err, sizeof err));
	assert_false(pdfsig_same_document(a.data, a.len, b.data, b.len, &page, err, sizeof err));
	assert_int_equal(page, 1);
	assert_false(pdfsig_same_document(a.data, a.len, (const unsigned char *)"x", 1, &page, err,
	                                  sizeof err));
	free(a.data);
	free(b.data);
	free(as.data);
}

/* Rewrites the four numbers of the /ByteRange of `f` in place (pdfsig pads
 * the array with spaces, so the length stays). */
static bool set_range(struct file *f, const char *numbers)
{
	unsigned char *p = memmem(f->data, f->len, "/ByteRange [", 12);
	if (!p)
		return false;
	p += 12;
	unsigned char *end = memchr(p, ']', f->len - (size_t)(p - f->data));
	size_t room = (size_t)(end - p), n = strlen(numbers);
	if (!end || n > room)
		return false;
	memset(p, ' ', room);
	memcpy(p, numbers, n);
	return true;
}

static void test_a_crafted_byte_range_is_refused_without_a_crash(void **state)
{
	static const char *const ranges[] = {
	    "0 -5 10 10",                   /* negative */
	    "0 99999999 99999999 99999999", /* past the end */
	    "1 10 20 30",                   /* not from the first byte */
	    "0 10 5 10",                    /* overlapping */
	    "0 100 9223372036854775807 1",  /* overflowing */
	    "0 100 200 300",                /* a gap that is not /Contents */
	};
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		struct file f = slurp("a-signed.pdf");
		assert_true(set_range(&f, ranges[i]));
		struct pdfsig_info info;
		char err[1024] = "";
		enum pdfsig_result r =
		    pdfsig_verify(f.data, f.len, f.data, f.len, trust, (int64_t)time(NULL), &info, err, sizeof err);
		assert_true(r == PDFSIG_MALFORMED || r == PDFSIG_NOT_WHOLE || r == PDFSIG_NOT_PDF);
		assert_true(err[0] != '\0');
		free(f.data);
	}
}

static void test_what_is_not_a_pdf_is_refused(void **state)
{
	struct pdfsig_info info;
	char err[512];
	static const char *const inputs[] = {"", "hello", "%PDF-1.7\n garbage", "%PDF-1.4\n%%EOF\n"};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		err[0] = '\0';
		enum pdfsig_result r = pdfsig_verify((const unsigned char *)inputs[i], strlen(inputs[i]),
		                                     (const unsigned char *)"x", 1, trust, 0, &info, err,
		                                     sizeof err);
		assert_true(r == PDFSIG_NOT_PDF || r == PDFSIG_UNSIGNED);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(pdfsig_verify(NULL, 0, NULL, 0, NULL, 0, &info, err, sizeof err), PDFSIG_NOT_PDF);
}

static void test_a_trust_store_that_holds_no_certificate_is_not_loaded(void **state)
{
	char err[256] = "";
	spill("empty.pem", (const unsigned char *)"nothing\n", 8);
	assert_null(pdfsig_trust_load(path("empty.pem"), err, sizeof err));
	assert_true(err[0] != '\0');
	assert_null(pdfsig_trust_load("/nonexistent/trust.pem", err, sizeof err));
	pdfsig_trust_t *t = pdfsig_trust_load(path("trust.pem"), err, sizeof err);
	assert_non_null(t);
	assert_int_equal(pdfsig_trust_count(t), 1);
	pdfsig_trust_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_pdf_signed_by_a_trusted_signer_as_an_incremental_update_is_accepted),
	    cmocka_unit_test(test_a_byte_changed_inside_the_signed_range_is_refused_as_changed_after_signing),
	    cmocka_unit_test(test_a_signature_by_a_certificate_of_an_unknown_root_is_refused_as_untrusted),
	    cmocka_unit_test(test_a_certificate_expired_at_the_signing_time_is_refused),
	    cmocka_unit_test(test_without_a_trust_store_nothing_is_accepted),
	    cmocka_unit_test(test_the_signed_pdf_of_another_document_is_refused),
	    cmocka_unit_test(test_two_valid_signatures_each_covering_its_revision_are_accepted),
	    cmocka_unit_test(test_bytes_appended_after_the_last_signature_are_refused),
	    cmocka_unit_test(test_an_unsigned_pdf_is_refused),
	    cmocka_unit_test(test_a_rewritten_file_that_shows_the_same_pages_is_accepted),
	    cmocka_unit_test(test_the_same_document_is_told_by_its_pages),
	    cmocka_unit_test(test_a_crafted_byte_range_is_refused_without_a_crash),
	    cmocka_unit_test(test_what_is_not_a_pdf_is_refused),
	    cmocka_unit_test(test_a_trust_store_that_holds_no_certificate_is_not_loaded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
