/* SPDX-License-Identifier: EUPL-1.2 */
/* Signing an issued decision through the panel (issue 18 §2,
 * docs/signing.md): "Pobierz do podpisu" gives the PDF as issued, the test
 * signs it with its own CA and signer (tests/sign_fixture.sh, poppler-utils'
 * pdfsig -add-signature) and "Wgraj podpisany" takes it back. Refused, with
 * the check that failed in Polish and nothing stored: an unsigned file,
 * one changed after signing, one signed by an untrusted certificate, the
 * signed PDF of another document, something that is not a PDF, a file too
 * large, no file, a form without its CSRF token. Accepted: a file signed as
 * it should be; its signer, certificate issuer and signing time are on the
 * document page; the issued PDF stays as it was (both hashes kept); the
 * signed PDF is what the tracking page serves and what an e-mail sent
 * afterwards carries; the signed version is never replaced or changed.
 * Without a trust store the server accepts nothing and says why. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "cases/signature.h"
#include "integration/cases_util.h"

static struct u_staff clerk;
static char dir[128], mail_dir[160];
static char trust_env[200], mail_env[200];

/* The decision of one case: its case number, token, request and document. */
struct decision {
	char number[64], token[64];
	long long req_id, doc_id;
	long seq;
};
static struct decision one, two;

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

static char *path_in(const char *name)
{
	static char buf[4][256];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, 256, "%s/%s", dir, name);
	return b;
}

static void spill(const char *name, const char *data, size_t len)
{
	FILE *f = fopen(path_in(name), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static char *slurp(const char *name, size_t *len)
{
	FILE *f = fopen(path_in(name), "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void sign(const char *nick, const char *in, const char *out)
{
	assert_int_equal(sh("tests/sign_fixture.sh sign %s %s %s %s", dir, nick, path_in(in), path_in(out)), 0);
}

static void sha_hex(const void *data, size_t len, char hex[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, 65, h, 32);
}

static void start(bool with_trust)
{
	static const char *env[8];
	int n = 0;
	env[n++] = "JAWNOSC_FILING_RATE=100000";
	env[n++] = "JAWNOSC_MAIL_POLL_MS=600000"; /* mail goes at the start only */
	env[n++] = "JAWNOSC_MAX_ATTACHMENT=2M";
	env[n++] = "JAWNOSC_FAKE_NOW=2025-03-03T10:00:00Z";
	env[n++] = mail_env;
	if (with_trust)
		env[n++] = trust_env;
	env[n] = NULL;
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "%s/build/test-sign-%d", getenv("PWD") ? getenv("PWD") : ".", (int)getpid());
	snprintf(mail_dir, sizeof mail_dir, "%s/mail", dir);
	if (sh("rm -rf %s && mkdir -p %s && tests/sign_fixture.sh setup %s", dir, mail_dir, dir) != 0)
		return -1;
	snprintf(trust_env, sizeof trust_env, "JAWNOSC_SIGNATURE_TRUST=%s/trust.pem", dir);
	snprintf(mail_env, sizeof mail_env, "JAWNOSC_MAIL_DIR=%s", mail_dir);
	start(true);
	return 0;
}

static int teardown(void **state)
{
	h_stop_server(state);
	sh("rm -rf %s", dir);
	return 0;
}

/* A request refused and its decision issued through the panel, as
 * test_letters does it. */
static void issue_refusal(struct decision *d)
{
	char *t = u_file("public_information", d->number);
	snprintf(d->token, sizeof d->token, "%s", t);
	free(t);
	d->req_id = u_request_id(d->number);
	char path[160], sql[512];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", d->req_id);
	struct hresp r;
	u_staff_post(&clerk, path,
	             "action=refuse&version=1&legal_basis=privacy&text=Dane+os%C3%B3b+prywatnych."
	             "&persons=Jan+Nowak",
	             &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(sql, sizeof sql,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision'", d->req_id);
	d->seq = u_count(sql);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", d->req_id, d->seq);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	char *enc = u_filled_and_encoded(md);
	size_t bl = strlen(enc) + 48;
	char *form = malloc(bl);
	snprintf(form, bl, "potwierdzenie=tak&markdown=%s", enc);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wystaw", d->req_id, d->seq);
	u_staff_post(&clerk, path, form, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(form);
	free(enc);
	free(md);
	snprintf(sql, sizeof sql, "SELECT id FROM documents WHERE request_id = %lld AND seq = %ld AND status = 'issued'",
	         d->req_id, d->seq);
	d->doc_id = u_count(sql);
	assert_true(d->doc_id > 0);
}

/* "Pobierz do podpisu" into file `name`. */
static void download_to_sign(const struct decision *d, const char *name)
{
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/do-podpisu", d->req_id, d->seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	assert_non_null(strstr(h_header(&r, "Content-Disposition"), "attachment"));
	spill(name, r.body, r.len);
	h_free(&r);
}

/* "Wgraj podpisany" with `data` (NULL: no file part), with or without the
 * session's CSRF token. */
static void upload_raw(const struct decision *d, const char *data, size_t len, bool csrf,
                       struct hresp *r)
{
	size_t cap = len + 4096;
	char *body = malloc(cap);
	assert_non_null(body);
	int n = 0;
	if (csrf)
		n += snprintf(body + n, cap - (size_t)n,
		              "--QqQ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", clerk.csrf);
	if (data) {
		n += snprintf(body + n, cap - (size_t)n,
		              "--QqQ\r\nContent-Disposition: form-data; name=\"signed_pdf\"; "
		              "filename=\"decyzja-podpisana.pdf\"\r\nContent-Type: application/pdf\r\n\r\n");
		memcpy(body + n, data, len);
		n += (int)len;
		n += snprintf(body + n, cap - (size_t)n, "\r\n");
	}
	n += snprintf(body + n, cap - (size_t)n, "--QqQ--\r\n");
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/podpis", d->req_id, d->seq);
	const char *hdr[] = {"Content-Type: multipart/form-data; boundary=QqQ", clerk.cookie, NULL};
	h_request("POST", path, hdr, body, (size_t)n, r);
	free(body);
}

static void upload(const struct decision *d, const char *name, struct hresp *r)
{
	size_t len;
	char *data = slurp(name, &len);
	upload_raw(d, data, len, true, r);
	free(data);
}

static long signatures_of(const struct decision *d)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM document_signatures WHERE document_id = %lld", d->doc_id);
	return u_count(sql);
}

/* The upload is refused with `status` and `message` on the page, and
 * nothing is stored. */
static void refused(const struct decision *d, struct hresp *r, long status, const char *message)
{
	if (r->status != status || !strstr(r->body, message))
		fprintf(stderr, "expected %ld \"%s\", got %ld: %.2000s\n", status, message, r->status,
		        r->body ? r->body : "");
	assert_int_equal(r->status, status);
	assert_non_null(strstr(r->body, message));
	h_free(r);
	assert_int_equal(signatures_of(d), 0);
}

static void test_an_issued_decision_is_offered_to_sign_as_issued(void **state)
{
	issue_refusal(&one);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", one.req_id, one.seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Pobierz do podpisu"));
	assert_non_null(strstr(r.body, "Wgraj podpisany"));
	assert_non_null(strstr(r.body, "enctype=\"multipart/form-data\""));
	h_free(&r);
	download_to_sign(&one, "one.pdf");
	size_t len;
	char *pdf = slurp("one.pdf", &len);
	char hex[65], sql[256];
	sha_hex(pdf, len, hex);
	free(pdf);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM documents WHERE id = %lld AND encode(sha256, 'hex') = '%s'",
	         one.doc_id, hex);
	assert_int_equal(u_count(sql), 1);
	/* Not yet signed, as the dispatch sees it. */
	bool is_signed = true;
	PGconn *c = h_db();
	assert_int_equal(letters_is_signed(c, one.doc_id, &is_signed), DB_OK);
	assert_false(is_signed);
	PQfinish(c);
}

static void test_an_unsigned_file_is_refused(void **state)
{
	struct hresp r;
	upload(&one, "one.pdf", &r);
	refused(&one, &r, 422, "Plik nie jest podpisany");
}

static void test_a_file_changed_after_signing_is_refused(void **state)
{
	sign("signer", "one.pdf", "one-signed.pdf");
	size_t len;
	char *b = slurp("one-signed.pdf", &len);
	b[11] ^= 0x01; /* in the binary comment after the header: still a PDF */
	struct hresp r;
	upload_raw(&one, b, len, true, &r);
	free(b);
	refused(&one, &r, 422, "zmieniono po podpisaniu");
}

static void test_a_signature_by_an_untrusted_certificate_is_refused(void **state)
{
	sign("rogue", "one.pdf", "one-rogue.pdf");
	struct hresp r;
	upload(&one, "one-rogue.pdf", &r);
	refused(&one, &r, 422, "nie jest zaufany");
}

static void test_the_signed_pdf_of_another_document_is_refused(void **state)
{
	issue_refusal(&two);
	download_to_sign(&two, "two.pdf");
	sign("signer", "two.pdf", "two-signed.pdf");
	struct hresp r;
	upload(&one, "two-signed.pdf", &r);
	refused(&one, &r, 422, "nie jest wystawionym dokumentem");
}

static void test_what_is_not_a_signed_pdf_is_refused_with_its_reason(void **state)
{
	struct hresp r;
	upload_raw(&one, "Dzie\xc5\x84 dobry", 11, true, &r);
	refused(&one, &r, 422, "To nie jest plik PDF");
	upload_raw(&one, NULL, 0, true, &r);
	refused(&one, &r, 422, "Wybierz podpisany plik PDF");
	/* Over JAWNOSC_MAX_ATTACHMENT (2 MB here). */
	size_t big = 3 * 1024 * 1024;
	char *b = malloc(big);
	assert_non_null(b);
	memset(b, 'x', big);
	memcpy(b, "%PDF-1.7\n", 9);
	upload_raw(&one, b, big, true, &r);
	free(b);
	refused(&one, &r, 422, "zbyt duży");
	/* A form without its token changes nothing. */
	size_t len;
	char *data = slurp("one-signed.pdf", &len);
	upload_raw(&one, data, len, false, &r);
	free(data);
	assert_int_equal(r.status, 403);
	h_free(&r);
	assert_int_equal(signatures_of(&one), 0);
}

static void test_a_properly_signed_decision_is_kept_beside_the_issued_one(void **state)
{
	struct hresp r;
	upload(&one, "one-signed.pdf", &r);
	if (r.status != 303)
		fprintf(stderr, "upload: %ld %.1500s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(h_header(&r, "Location"), "podpisano=1"));
	h_free(&r);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld?podpisano=1", one.req_id, one.seq);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Podpisany dokument został sprawdzony i zapisany"));
	assert_non_null(strstr(r.body, "Jan Kowalski"));
	assert_non_null(strstr(r.body, "CN=Jawnosc Test Root CA"));
	assert_non_null(strstr(r.body, "Czas podpisu"));
	assert_null(strstr(r.body, "Wgraj podpisany"));
	h_free(&r);
	size_t len, olen;
	char *signed_pdf = slurp("one-signed.pdf", &len), *orig = slurp("one.pdf", &olen);
	char shex[65], ohex[65], sql[1024];
	sha_hex(signed_pdf, len, shex);
	sha_hex(orig, olen, ohex);
	free(signed_pdf);
	free(orig);
	/* Both hashes kept; the issued document unchanged. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM document_signatures s JOIN documents d ON d.id = s.document_id "
	         "WHERE s.document_id = %lld AND encode(s.signed_sha256, 'hex') = '%s' "
	         "AND s.signed_sha256 = sha256(s.signed_pdf) AND encode(s.original_sha256, 'hex') = '%s' "
	         "AND d.sha256 = s.original_sha256 AND d.sha256 = sha256(d.pdf) AND s.signatures = 1 "
	         "AND s.incremental AND s.signer_name = 'Jan Kowalski' "
	         "AND s.certificate_issuer LIKE '%%CN=Jawnosc Test Root CA%%' AND s.signed_at IS NOT NULL "
	         "AND s.uploaded_by IS NOT NULL",
	         one.doc_id, shex, ohex);
	assert_int_equal(u_count(sql), 1);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = 'sign_document' "
	         "AND data->>'sha256' = '%s' AND data->>'original_sha256' = '%s'",
	         one.req_id, shex, ohex);
	assert_int_equal(u_count(sql), 1);
	bool is_signed = false;
	PGconn *c = h_db();
	assert_int_equal(letters_is_signed(c, one.doc_id, &is_signed), DB_OK);
	assert_true(is_signed);
	PQfinish(c);
}

/* The sha256 of what GET `path` answers (as staff when `staff`). */
static void served_hash(const char *path, bool staff, char hex[65])
{
	struct hresp r;
	if (staff)
		u_staff_get(&clerk, path, &r);
	else
		h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	sha_hex(r.body, r.len, hex);
	h_free(&r);
}

static void test_the_signed_pdf_is_what_the_requester_gets(void **state)
{
	size_t len, olen;
	char *s = slurp("one-signed.pdf", &len), *o = slurp("one.pdf", &olen);
	char shex[65], ohex[65], got[65], path[200];
	sha_hex(s, len, shex);
	sha_hex(o, olen, ohex);
	free(s);
	free(o);
	snprintf(path, sizeof path, "/sprawa/%s/pismo/%ld", one.token, one.seq);
	served_hash(path, false, got);
	assert_string_equal(got, shex);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/pdf", one.req_id, one.seq);
	served_hash(path, true, got);
	assert_string_equal(got, shex);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/podpisany", one.req_id, one.seq);
	served_hash(path, true, got);
	assert_string_equal(got, shex);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/do-podpisu", one.req_id, one.seq);
	served_hash(path, true, got);
	assert_string_equal(got, ohex);
	/* The other case is not signed: its own issued PDF. */
	snprintf(path, sizeof path, "/sprawa/%s/pismo/%ld", two.token, two.seq);
	served_hash(path, false, got);
	size_t tl;
	char *t = slurp("two.pdf", &tl);
	sha_hex(t, tl, ohex);
	free(t);
	assert_string_equal(got, ohex);
}

static void test_the_signed_version_is_never_replaced_or_changed(void **state)
{
	struct hresp r;
	sign("signer", "one-signed.pdf", "one-signed-twice.pdf");
	upload(&one, "one-signed-twice.pdf", &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "ma już podpisaną wersję"));
	h_free(&r);
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM document_signatures WHERE document_id = %lld AND signatures = 1",
	         one.doc_id);
	assert_int_equal(u_count(sql), 1);
	PGconn *c = h_db();
	static const char *const changes[] = {
	    "UPDATE document_signatures SET signer_name = 'Ktoś Inny'",
	    "UPDATE document_signatures SET signed_pdf = NULL",
	    "DELETE FROM document_signatures",
	    "TRUNCATE document_signatures",
	};
	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		PGresult *res = PQexec(c, changes[i]);
		assert_int_not_equal(PQresultStatus(res), PGRES_COMMAND_OK);
		PQclear(res);
	}
	/* Only the erasure of the requester's data may empty the file. */
	PGresult *res = PQexec(c, "BEGIN; SELECT set_config('jawnosc.erasure', 'on', true); "
	                          "UPDATE document_signatures SET signed_pdf = NULL; ROLLBACK");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	res = PQexec(c, "BEGIN; SELECT set_config('jawnosc.erasure', 'on', true); "
	                "UPDATE document_signatures SET signed_pdf = NULL, signer_name = 'x'; ROLLBACK");
	assert_int_not_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(c);
	assert_int_equal(signatures_of(&one), 1);
}

/* Whether an e-mail in the mail folder carries `pdf` as its attachment;
 * *mails counts those with any PDF. */
static bool mailed(const char *pdf, size_t len, int *mails)
{
	*mails = 0;
	DIR *d = opendir(mail_dir);
	if (!d)
		return false;
	struct dirent *e;
	bool found = false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char p[512];
		snprintf(p, sizeof p, "%s/%s", mail_dir, e->d_name);
		FILE *f = fopen(p, "r");
		if (!f)
			continue;
		static char buf[8 << 20];
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
		char *part = strstr(buf, "Content-Type: application/pdf");
		char *start = part ? strstr(part, "\r\n\r\n") : NULL;
		char *end = start ? strstr(start + 4, "\r\n--") : NULL;
		if (!end)
			continue;
		(*mails)++;
		unsigned char *out = malloc((size_t)(end - start));
		size_t olen = 0;
		found = out &&
		        sodium_base642bin(out, (size_t)(end - start), start + 4, (size_t)(end - start - 4),
		                          "\r\n", &olen, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
		        olen == len && memcmp(out, pdf, len) == 0;
		free(out);
	}
	closedir(d);
	return found;
}

static void test_a_decision_is_never_mailed_and_without_trust_nothing_is_accepted(void **state)
{
	/* A decision is not delivered by e-mail (law/dispatch.h: its delivery
	 * starts the requester's term): after a new start, whose mail job
	 * empties the outbox, no mail carries a PDF, signed or not. The new
	 * start has no trust store. */
	size_t slen;
	char *s = slurp("one-signed.pdf", &slen);
	int mails;
	assert_int_equal(h_server_stop(), 0);
	start(false);
	long pending = -1;
	for (int i = 0; i < 100 && pending != 0; i++) {
		pending = u_count("SELECT count(*) FROM outbox WHERE status = 'pending'");
		if (pending)
			usleep(100000);
	}
	assert_int_equal(pending, 0);
	assert_false(mailed(s, slen, &mails));
	assert_int_equal(mails, 0);
	/* Not for want of a dispatch: the decisions went, by another channel. */
	assert_true(u_count("SELECT count(*) FROM dispatches x JOIN documents d ON d.id = "
	                    "x.document_id WHERE d.type LIKE '%decision'") >= 1);
	assert_int_equal(u_count("SELECT count(*) FROM dispatches x JOIN documents d ON d.id = "
	                         "x.document_id WHERE d.type LIKE '%decision' AND x.channel = 'email'"),
	                 0);
	free(s);
	struct hresp r;
	upload(&two, "two-signed.pdf", &r);
	refused(&two, &r, 503, "JAWNOSC_SIGNATURE_TRUST");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	h_setup_db("sign");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_an_issued_decision_is_offered_to_sign_as_issued),
	    cmocka_unit_test(test_an_unsigned_file_is_refused),
	    cmocka_unit_test(test_a_file_changed_after_signing_is_refused),
	    cmocka_unit_test(test_a_signature_by_an_untrusted_certificate_is_refused),
	    cmocka_unit_test(test_the_signed_pdf_of_another_document_is_refused),
	    cmocka_unit_test(test_what_is_not_a_signed_pdf_is_refused_with_its_reason),
	    cmocka_unit_test(test_a_properly_signed_decision_is_kept_beside_the_issued_one),
	    cmocka_unit_test(test_the_signed_pdf_is_what_the_requester_gets),
	    cmocka_unit_test(test_the_signed_version_is_never_replaced_or_changed),
	    cmocka_unit_test(test_a_decision_is_never_mailed_and_without_trust_nothing_is_accepted),
	};
	int failed = cmocka_run_group_tests_name("sign", tests, setup, teardown);
	h_teardown();
	return failed;
}
