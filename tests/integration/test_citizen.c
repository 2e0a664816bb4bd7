/* SPDX-License-Identifier: EUPL-1.2 */
/* The citizen's pages over real HTTP: the filing form with every
 * validation message and the input kept, CSRF, honeypot, double submit,
 * rate limit, attachments, the confirmation and tracking pages, and the
 * requester's actions through the page forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"

/* Posts url-encoded `fields` (already encoded, without csrf/submission_id). */
static void submit(const struct u_form *fp, const char *fields, struct hresp *r)
{
	char body[8192];
	snprintf(body, sizeof body, "csrf=%s&submission_id=%s&%s", fp->csrf, fp->sid, fields);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp->cookie, NULL};
	h_request("POST", "/wniosek", hdr, body, strlen(body), r);
}

/* Files a request with the subject `subject` (url-encoded) on the form,
 * answered on the tracking page; that page's path into `page`. */
static void file_for_tracking(const struct u_form *fp, const char *subject, char page[256])
{
	char fields[512];
	snprintf(fields, sizeof fields,
	         "kind=public_information&subject=%s&content=Tre%%C5%%9B%%C4%%87+wniosku+ok."
	         "&delivery=tracking_page",
	         subject);
	struct hresp r;
	submit(fp, fields, &r);
	assert_int_equal(r.status, 303);
	snprintf(page, 256, "%s", h_header(&r, "Location"));
	*strstr(page, "/potwierdzenie") = '\0';
	h_free(&r);
}

#define VALID "kind=public_information&subject=Wydatki+na+szkolenia&content=Prosz%C4%99+o+zestawienie+wydatk%C3%B3w.&delivery=email&email=anna%40example.pl"

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=1000", NULL};
	h_server_start(env);
	return 0;
}

static void test_form_page_is_accessible_polish_form_with_csrf_and_honeypot(void **state)
{
	struct hresp r;
	h_get("/wniosek", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<label for=\"subject\">"));
	assert_non_null(strstr(r.body, "name=\"website\""));
	assert_non_null(strstr(r.body, "enctype=\"multipart/form-data\""));
	assert_non_null(strstr(r.body, "Ministerstwo Obrony Narodowej"));
	assert_string_equal(h_header(&r, "Cache-Control"), "no-store");
	h_free(&r);
}

static void test_valid_form_creates_case_and_shows_confirmation(void **state)
{
	struct u_form fp;
	u_open_form(&fp);
	struct hresp r;
	submit(&fp, VALID, &r);
	assert_int_equal(r.status, 303);
	char loc[256];
	snprintf(loc, sizeof loc, "%s", h_header(&r, "Location"));
	assert_non_null(strstr(loc, "/potwierdzenie"));
	h_free(&r);
	h_get(loc, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Wniosek został przyjęty"));
	assert_non_null(strstr(r.body, "COMON.1431."));
	assert_non_null(strstr(r.body, "KPA art. 57"));
	assert_non_null(strstr(r.body, "/sprawa/"));
	assert_non_null(strstr(h_header(&r, "X-Robots-Tag"), "noindex"));
	h_free(&r);
	/* The tracking page behind the link. */
	*strstr(loc, "/potwierdzenie") = '\0';
	h_get(loc, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Wydatki na szkolenia"));
	assert_non_null(strstr(r.body, "termin załatwienia wniosku"));
	assert_non_null(strstr(r.body, "Wycofaj wniosek"));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE subject = 'Wydatki na szkolenia' "
	                         "AND channel = 'web'"),
	                 1);
}

/* RODO art. 13 on the form and the tracking page; the basis is a legal
 * obligation (art. 6 ust. 1 lit. c), so no consent box is asked for. */
static void test_art13_information_is_shown_and_no_consent_is_asked(void **state)
{
	static const char *const wanted[] = {
	    "Informacja o przetwarzaniu danych osobowych", "Ministerstwo Obrony Narodowej",
	    "Inspektor ochrony danych", "Art. 6 ust. 1 lit. c RODO",
	    "ustawy z dnia 6 września 2001 r. o dostępie do informacji publicznej",
	    "Przetwarzanie nie opiera się na zgodzie", "Odbiorcy danych", "przez 5 lat",
	    "klasa 1431", "prawo dostępu", "sprostowania", "ograniczenia przetwarzania",
	    "Prawo do przenoszenia danych (art. 20) i prawo sprzeciwu (art. 21) nie przysługują",
	    "Prezesa Urzędu Ochrony Danych Osobowych"};
	struct hresp r;
	h_get("/wniosek", &r);
	assert_int_equal(r.status, 200);
	for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
		if (!strstr(r.body, wanted[i]))
			fail_msg("the form lacks \"%s\"", wanted[i]);
	assert_null(strstr(r.body, "name=\"consent\""));
	assert_null(strstr(r.body, "type=\"checkbox\""));
	h_free(&r);
	/* Filed without any consent field. */
	struct u_form fp;
	u_open_form(&fp);
	submit(&fp, "kind=public_information&subject=Bez+zgody&content=Tre%C5%9B%C4%87+wniosku+ok."
	            "&delivery=tracking_page",
	       &r);
	assert_int_equal(r.status, 303);
	char loc[256];
	snprintf(loc, sizeof loc, "%s", h_header(&r, "Location"));
	h_free(&r);
	*strstr(loc, "/potwierdzenie") = '\0';
	h_get(loc, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Bez zgody"));
	for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
		if (!strstr(r.body, wanted[i]))
			fail_msg("the tracking page lacks \"%s\"", wanted[i]);
	h_free(&r);
}

/* Forms and clients of before still send "consent": it changes nothing. */
static void test_consent_field_of_old_clients_is_ignored(void **state)
{
	static const char *const extra[] = {"&consent=1", "&consent=", "&consent=tak%01"};
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
		struct u_form fp;
		u_open_form(&fp);
		char body[512];
		snprintf(body, sizeof body, "%s%s", VALID, extra[i]);
		struct hresp r;
		submit(&fp, body, &r);
		assert_int_equal(r.status, 303);
		h_free(&r);
	}
}

/* Each mistake, and the message that must stand next to its field. */
static const struct {
	const char *fields;
	const char *error_id;
} mistakes[] = {
    {"subject=Temat+ok&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=email&email=a%40example.pl", "kind-error"},
    {"kind=public_information&subject=T&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=email&email=a%40example.pl", "subject-error"},
    {"kind=public_information&subject=Temat+ok&content=kr%C3%B3tko&delivery=email&email=a%40example.pl", "content-error"},
    {"kind=public_information&subject=Temat+ok&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=email&email=jan%40", "email-error"},
    {"kind=public_information&subject=Temat+ok&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=email", "email-error"},
    {"kind=public_information&subject=Temat+ok&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=post", "postal_address-error"},
    {"kind=public_information&subject=Te%01mat&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=email&email=a%40example.pl", "subject-error"},
    {"kind=reuse&subject=Temat+ok&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=email&email=a%40example.pl", "purpose-error"},
    {"kind=reuse&subject=Temat+ok&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=email&email=a%40example.pl", "name-error"},
    {"kind=reuse&subject=Temat+ok&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=email&email=a%40example.pl", "postal_address-error"},
    {"kind=public_information&subject=Temat+ok&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=teleport", "delivery-error"},
};

static void test_every_mistake_is_shown_at_its_field_with_input_kept(void **state)
{
	long before = u_count("SELECT count(*) FROM requests");
	for (size_t i = 0; i < sizeof mistakes / sizeof mistakes[0]; i++) {
		struct u_form fp;
		u_open_form(&fp);
		struct hresp r;
		submit(&fp, mistakes[i].fields, &r);
		if (r.status != 422 || !strstr(r.body, mistakes[i].error_id))
			fprintf(stderr, "mistake %zu: %ld, %s missing\n", i, r.status, mistakes[i].error_id);
		assert_int_equal(r.status, 422);
		assert_non_null(strstr(r.body, mistakes[i].error_id));
		assert_non_null(strstr(r.body, "Popraw błędy w formularzu"));
		/* What was typed is still there, and the same submission id. */
		if (strstr(mistakes[i].fields, "subject=Temat+ok"))
			assert_non_null(strstr(r.body, "value=\"Temat ok\""));
		if (strstr(mistakes[i].fields, "content=kr"))
			assert_non_null(strstr(r.body, ">krótko</textarea>"));
		else
			assert_non_null(strstr(r.body, ">Treść wniosku ok.</textarea>"));
		assert_non_null(strstr(r.body, fp.sid));
		h_free(&r);
	}
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before);
}

static void test_markup_typed_into_the_form_comes_back_escaped(void **state)
{
	struct u_form fp;
	u_open_form(&fp);
	struct hresp r;
	submit(&fp, "kind=public_information&subject=%3Cscript%3Ealert(1)%3C%2Fscript%3E&content=x&delivery=email", &r);
	assert_int_equal(r.status, 422);
	assert_null(strstr(r.body, "<script>alert(1)"));
	assert_non_null(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	h_free(&r);
}

static void test_double_submit_creates_one_case(void **state)
{
	struct u_form fp;
	u_open_form(&fp);
	struct hresp a, b;
	submit(&fp, "kind=public_information&subject=Podw%C3%B3jne+klikni%C4%99cie&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=tracking_page", &a);
	submit(&fp, "kind=public_information&subject=Podw%C3%B3jne+klikni%C4%99cie&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=tracking_page", &b);
	assert_int_equal(a.status, 303);
	assert_int_equal(b.status, 303);
	char la[256];
	snprintf(la, sizeof la, "%s", h_header(&a, "Location"));
	assert_string_equal(la, h_header(&b, "Location"));
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE subject = 'Podwójne kliknięcie'"), 1);
	h_free(&a);
	h_free(&b);
}

static void test_forged_post_without_csrf_token_is_refused_and_input_kept(void **state)
{
	struct u_form fp;
	u_open_form(&fp);
	strcpy(fp.csrf, "0000000000000000000000000000000000000000000000000000000000000000");
	struct hresp r;
	submit(&fp, "kind=public_information&subject=Sfa%C5%82szowany&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=tracking_page", &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "value=\"Sfałszowany\""));
	h_free(&r);
	/* No cookie at all. */
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	const char *body = "kind=public_information&subject=Bez+ciasteczka&content=Tre%C5%9B%C4%87+ok+ok.&delivery=tracking_page";
	h_request("POST", "/wniosek", hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 403);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE subject IN ('Sfałszowany', 'Bez ciasteczka')"), 0);
}

static void test_honeypot_filled_by_a_bot_files_nothing(void **state)
{
	struct u_form fp;
	u_open_form(&fp);
	struct hresp r;
	submit(&fp, "kind=public_information&subject=Spam+bota&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=tracking_page&website=http%3A%2F%2Fspam.example", &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE subject = 'Spam bota'"), 0);
}

static void multipart(const struct u_form *fp, const char *filename, const char *content,
                      size_t content_len, struct hresp *r)
{
	char body[16384];
	int n = snprintf(body, sizeof body,
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"submission_id\"\r\n\r\n%s\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npublic_information\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nZ za\xc5\x82\xc4\x85" "cznikiem %s\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nW za\xc5\x82\xc4\x85" "czeniu skan.\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"delivery\"\r\n\r\ntracking_page\r\n"
		                 "--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"%s\"\r\n"
	                 "Content-Type: application/octet-stream\r\n\r\n",
	                 fp->csrf, fp->sid, filename, filename);
	memcpy(body + n, content, content_len);
	n += (int)content_len;
	n += snprintf(body + n, sizeof body - (size_t)n, "\r\n--XyZ--\r\n");
	const char *hdr[] = {"Content-Type: multipart/form-data; boundary=XyZ", fp->cookie, NULL};
	h_request("POST", "/wniosek", hdr, body, (size_t)n, r);
}

static void test_attachments_are_checked_by_content_and_stored_exactly(void **state)
{
	struct u_form fp;
	struct hresp r;
	static const char pdf[] = "%PDF-1.4\n\x00\x01\x02" "binary\r\n%%EOF\n";
	u_open_form(&fp);
	multipart(&fp, "skan.pdf", pdf, sizeof pdf - 1, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM attachments WHERE filename = 'skan.pdf' AND "
	         "content_type = 'application/pdf' AND size = %zu AND length(data) = %zu AND "
	         "sha256 = sha256(data) AND source = 'requester'",
	         sizeof pdf - 1, sizeof pdf - 1);
	assert_int_equal(u_count(sql), 1);
	u_open_form(&fp);
	multipart(&fp, "program.exe", "MZ\x90\x00", 4, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "attachment-error"));
	assert_non_null(strstr(r.body, "value=\"Z załącznikiem program.exe\""));
	h_free(&r);
	u_open_form(&fp);
	multipart(&fp, "udawany.pdf", "<html>nie pdf</html>", 20, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "nie odpowiada"));
	h_free(&r);
}

/* A multipart filing with `nfiles` files of `size` bytes each (PDFs), the
 * text fields first as the form orders them; chunked when asked. */
static void big_filing(const struct u_form *fp, const char *subject, int nfiles, size_t size,
                       bool chunked, struct hresp *r)
{
	size_t cap = 8192 + (size_t)nfiles * (size + 512);
	char *body = malloc(cap);
	int n = snprintf(body, 8192,
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"submission_id\"\r\n\r\n%s\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npublic_information\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\n%s\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nProszę o kopie "
	                 "umów.\r\nDruga linia z \"cudzysłowem\" i <znakiem>.\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"delivery\"\r\n\r\nemail\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nola@example.pl\r\n",
	                 fp->csrf, fp->sid, subject);
	for (int i = 0; i < nfiles; i++) {
		n += sprintf(body + n,
		             "--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; "
		             "filename=\"skan %d.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%%PDF-1.4\n",
		             i + 1);
		/* Content that looks like the start of a delimiter now and then. */
		for (size_t k = 0; k < size; k++)
			body[n + (int)k] = k % 4099 == 0 ? '\r' : k % 4099 == 1 ? '\n' : k % 4099 == 2 ? '-' : 'A';
		n += (int)size;
		n += sprintf(body + n, "\r\n");
	}
	n += sprintf(body + n, "--XyZ--\r\n");
	const char *hdr[] = {"Content-Type: multipart/form-data; boundary=XyZ", fp->cookie,
	                     chunked ? "Transfer-Encoding: chunked" : NULL, NULL};
	h_request("POST", "/wniosek", hdr, body, (size_t)n, r);
	free(body);
}

/* Issue 21 item 11: the form states its limits; three 4 MB scans (over
 * JAWNOSC_MAX_BODY, 8 MB) give the form back with everything typed and a
 * message naming each file with its size, not a bare 413 page; nothing is
 * filed, and the server counts it. */
static void test_upload_over_the_limit_gives_the_form_back_with_the_files_named(void **state)
{
	struct hresp r;
	h_get("/wniosek", &r);
	assert_non_null(strstr(r.body, "każdy plik do 5 MB, wszystkie razem do 7 MB"));
	h_free(&r);
	double before = h_metric(h_port(), "jawnosc_http_uploads_over_limit_total");
	for (int chunked = 0; chunked < 2; chunked++) {
		struct u_form fp;
		u_open_form(&fp);
		const char *subject = chunked ? "Skany przesłane kawałkami" : "Trzy skany umów";
		big_filing(&fp, subject, 3, 4 * 1024 * 1024, chunked, &r);
		if (r.status != 413)
			fprintf(stderr, "over the limit%s: %ld %.300s\n", chunked ? " (chunked)" : "",
			        r.status, r.body);
		assert_int_equal(r.status, 413);
		assert_non_null(strstr(r.headers, "text/html"));
		/* The form, with what was typed. */
		assert_non_null(strstr(r.body, "<form method=\"post\" action=\"/wniosek\""));
		char want[200];
		snprintf(want, sizeof want, "value=\"%s\"", subject);
		assert_non_null(strstr(r.body, want));
		assert_non_null(strstr(r.body, ">Proszę o kopie umów.\r\nDruga linia z &quot;cudzysłowem&quot; "
		                               "i &lt;znakiem&gt;.</textarea>"));
		assert_non_null(strstr(r.body, "value=\"ola@example.pl\""));
		/* The message at the field, naming the files. */
		assert_non_null(strstr(r.body, "id=\"attachment-error\""));
		assert_non_null(strstr(r.body, "„skan 1.pdf” (4,0 MB), „skan 2.pdf” (4,0 MB), „skan 3.pdf” "
		                               "(4,0 MB) — razem 12,0 MB"));
		assert_non_null(strstr(r.body, "najwyżej 5 MB, a wszystkie razem najwyżej 7 MB"));
		assert_non_null(strstr(r.body, "<a href=\"#attachment\">"));
		h_free(&r);
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE subject = '%s'", subject);
		assert_int_equal(u_count(sql), 0);
	}
	assert_true(h_metric(h_port(), "jawnosc_http_uploads_over_limit_total") >= before + 2);
	/* Far over the limit (more than four times it): refused unread, as before. */
	char req[512], out[4096];
	snprintf(req, sizeof req,
	         "POST /wniosek HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; "
	         "boundary=XyZ\r\nContent-Length: %d\r\n\r\n",
	         40 * 1024 * 1024);
	h_raw(req, strlen(req), out, sizeof out, 5000);
	assert_non_null(strstr(out, "HTTP/1.1 413"));
	assert_non_null(strcasestr(out, "\r\nConnection: close\r\n"));
	/* Within the limit, one file over the per-file limit: 422, named. */
	struct u_form fp;
	u_open_form(&fp);
	big_filing(&fp, "Jeden duży skan", 1, 6 * 1024 * 1024, false, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Plik „skan 1.pdf” ma 6,0 MB, a każdy załącznik może mieć najwyżej 5,0 MB"));
	assert_non_null(strstr(r.body, "value=\"Jeden duży skan\""));
	h_free(&r);
	/* The server still files a form within its limits. */
	u_open_form(&fp);
	big_filing(&fp, "Dwa małe skany", 2, 1024 * 1024, false, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

static void test_requester_withdraws_on_the_tracking_page(void **state)
{
	struct u_form fp;
	u_open_form(&fp);
	char page[256];
	file_for_tracking(&fp, "Do+wycofania", page);
	struct hresp r;
	char path[300], body[512];
	snprintf(path, sizeof path, "%s/czynnosc", page);
	snprintf(body, sizeof body, "csrf=%s&action=withdraw&version=1&potwierdzam=1&text=Ju%%C5%%BC+niepotrzebne", fp.csrf);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp.cookie, NULL};
	h_request("POST", path, hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(h_header(&r, "Location"), "wykonano=withdraw"));
	h_free(&r);
	h_get(page, &r);
	assert_non_null(strstr(r.body, "wycofany"));
	assert_non_null(strstr(r.body, "Już niepotrzebne"));
	assert_null(strstr(r.body, "name=\"action\" value=\"withdraw\""));
	h_free(&r);
	/* Again, from the stale page: refused with the reason, text kept. */
	snprintf(body, sizeof body, "csrf=%s&action=withdraw&version=2&text=Drugi+raz", fp.csrf);
	h_request("POST", path, hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "nie można wykonać"));
	h_free(&r);
}

/* Issue 21 item 10: the withdrawal form leads to a page that says it
 * cannot be undone and asks again (a plain form: no script needed); only
 * the confirmed form withdraws. The reason typed is kept in between. */
static void test_withdrawal_asks_for_confirmation_first(void **state)
{
	struct u_form fp;
	u_open_form(&fp);
	char page[256];
	file_for_tracking(&fp, "Wycofanie+z+potwierdzeniem", page);
	struct hresp r;
	char path[300], body[512];
	snprintf(path, sizeof path, "%s/czynnosc", page);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp.cookie, NULL};
	long events = u_count("SELECT count(*) FROM events e JOIN requests r ON r.id = e.request_id "
	                      "WHERE r.subject = 'Wycofanie z potwierdzeniem'");
	/* The tracking page's own form: no confirmation in it. */
	h_get(page, &r);
	assert_non_null(strstr(r.body, "name=\"action\" value=\"withdraw\""));
	assert_null(strstr(r.body, "name=\"potwierdzam\""));
	h_free(&r);
	snprintf(body, sizeof body, "csrf=%s&action=withdraw&version=1&text=Mam+ju%%C5%%BC+odpowied%%C5%%BA", fp.csrf);
	h_request("POST", path, hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Czy na pewno chcesz wycofać wniosek?"));
	assert_non_null(strstr(r.body, "Wycofania nie można cofnąć"));
	assert_non_null(strstr(r.body, "name=\"potwierdzam\" value=\"1\""));
	assert_non_null(strstr(r.body, "name=\"version\" value=\"1\""));
	assert_non_null(strstr(r.body, ">Mam już odpowiedź</textarea>"));
	assert_non_null(strstr(r.body, "Tak, wycofuję wniosek"));
	char back[300];
	snprintf(back, sizeof back, "<a href=\"%s\">Nie, wróć do sprawy</a>", page);
	assert_non_null(strstr(r.body, back));
	assert_non_null(strstr(h_header(&r, "Cache-Control"), "no-store"));
	h_free(&r);
	/* Nothing happened yet. */
	assert_int_equal(u_count("SELECT count(*) FROM events e JOIN requests r ON r.id = e.request_id "
	                         "WHERE r.subject = 'Wycofanie z potwierdzeniem'"),
	                 events);
	h_get(page, &r);
	assert_non_null(strstr(r.body, "name=\"action\" value=\"withdraw\""));
	h_free(&r);
	/* Confirmed: withdrawn, with the reason. */
	snprintf(body, sizeof body, "csrf=%s&action=withdraw&version=1&potwierdzam=1&text=Mam+ju%%C5%%BC+odpowied%%C5%%BA", fp.csrf);
	h_request("POST", path, hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	h_get(page, &r);
	assert_non_null(strstr(r.body, "wycofany"));
	assert_non_null(strstr(r.body, "Mam już odpowiedź"));
	h_free(&r);
	/* Another step needs no confirmation page: a stale withdrawal is
	 * refused at once, not confirmed. */
	snprintf(body, sizeof body, "csrf=%s&action=withdraw&version=1&text=Jeszcze+raz", fp.csrf);
	h_request("POST", path, hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 409);
	assert_null(strstr(r.body, "name=\"potwierdzam\""));
	h_free(&r);
}

/* A version that is not a number is a broken form field (422, the page
 * again with the message), not a case that changed (409); a number that
 * is not the case's version is. Nothing is taken either way. */
static void test_malformed_version_is_422_and_another_version_409(void **state)
{
	struct u_form fp;
	u_open_form(&fp);
	char page[256];
	file_for_tracking(&fp, "Wersja+z+formularza", page);
	struct hresp r;
	char path[300], body[512];
	snprintf(path, sizeof path, "%s/czynnosc", page);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp.cookie, NULL};
	static const char *const bad[] = {"abc", "1x", "-1", " 1", "99999999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(body, sizeof body, "csrf=%s&action=withdraw&version=%s&text=Nie", fp.csrf, bad[i]);
		h_request("POST", path, hdr, body, strlen(body), &r);
		if (r.status != 422)
			fprintf(stderr, "version=%s: %ld\n", bad[i], r.status);
		assert_int_equal(r.status, 422);
		assert_non_null(strstr(r.body, "numer wersji sprawy"));
		assert_non_null(strstr(r.body, "name=\"action\" value=\"withdraw\""));
		h_free(&r);
	}
	snprintf(body, sizeof body, "csrf=%s&action=withdraw&version=7&text=Nie", fp.csrf);
	h_request("POST", path, hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "Sprawd\xc5\xba jej aktualny stan"));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM events e JOIN requests r ON r.id = e.request_id "
	                         "WHERE r.subject = 'Wersja z formularza'"),
	                 1);
}

static void test_issued_letters_download_and_drafts_stay_hidden(void **state)
{
	struct u_form fp;
	u_open_form(&fp);
	char page[256];
	file_for_tracking(&fp, "Z+pismem", page);
	struct hresp r;
	PGconn *c = h_db();
	PQclear(PQexec(c, "INSERT INTO documents (org_id, request_id, seq, type, title, status, pdf, issued_at) "
	                  "SELECT org_id, id, 1, 'information_release', 'Udostępnienie informacji', 'issued', "
	                  "'%PDF-1.4 test'::bytea, now() FROM requests WHERE subject = 'Z pismem';"
	                  "INSERT INTO documents (org_id, request_id, seq, type, title, pdf) "
	                  "SELECT org_id, id, 2, 'refusal_decision', 'Projekt decyzji', '%PDF-1.4 draft'::bytea "
	                  "FROM requests WHERE subject = 'Z pismem'"));
	PQfinish(c);
	h_get(page, &r);
	assert_non_null(strstr(r.body, "Udostępnienie informacji"));
	assert_null(strstr(r.body, "Projekt decyzji"));
	h_free(&r);
	char path[300];
	snprintf(path, sizeof path, "%s/pismo/1", page);
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	assert_memory_equal(r.body, "%PDF-1.4 test", 13);
	h_free(&r);
	snprintf(path, sizeof path, "%s/pismo/2", page);
	h_get(path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	h_get("/sprawa/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/pismo/1", &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	snprintf(path, sizeof path, "%s/pismo/x1", page);
	h_get(path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
}

static void test_filing_rate_per_address_is_limited(void **state)
{
	assert_int_equal(h_server_stop(), 0);
	static const char *env[] = {"JAWNOSC_FILING_RATE=2", NULL};
	h_server_start(env);
	/* This address already filed more than 2 this hour in earlier tests. */
	PGconn *c = h_db();
	PQclear(PQexec(c, "DELETE FROM rate_limits"));
	PQfinish(c);
	long statuses[3];
	for (int i = 0; i < 3; i++) {
		struct u_form fp;
		u_open_form(&fp);
		struct hresp r;
		submit(&fp, "kind=public_information&subject=Limit+test&content=Tre%C5%9B%C4%87+wniosku+ok.&delivery=tracking_page", &r);
		statuses[i] = r.status;
		if (i == 2) {
			assert_non_null(strstr(r.body, "value=\"Limit test\""));
			assert_non_null(h_header(&r, "Retry-After"));
		}
		h_free(&r);
	}
	assert_int_equal(statuses[0], 303);
	assert_int_equal(statuses[1], 303);
	assert_int_equal(statuses[2], 429);
	assert_int_equal(h_server_stop(), 0);
	/* Windows that are over are cleared by the reminder job; the current
	 * one stays. */
	c = h_db();
	PQclear(PQexec(c, "INSERT INTO rate_limits VALUES ('filing:192.0.2.9', "
	                  "date_trunc('hour', now()) - interval '2 hours', 7), ('filing:192.0.2.10', "
	                  "date_trunc('hour', now()) + interval '1 hour', 1)"));
	/* So are failed sign-ins older than a day (an attack that never
	 * succeeds would keep them for ever); a recent one stays. */
	PQclear(PQexec(c, "INSERT INTO login_failures (email_lower, ip, at) VALUES "
	                  "('stary@example.pl', '192.0.2.9', '2000-01-01T00:00:00Z'), "
	                  "('nowy@example.pl', '192.0.2.9', now() + interval '1 hour')"));
	PQfinish(c);
	assert_int_equal(u_count("SELECT count(*) FROM rate_limits WHERE window_start < date_trunc('hour', now())"), 1);
	static const char *env2[] = {"JAWNOSC_FILING_RATE=1000", "JAWNOSC_REMIND_POLL_MS=100", NULL};
	h_server_start(env2);
	long old = 1;
	for (int i = 0; i < 50 && old; i++) {
		usleep(100 * 1000);
		old = u_count("SELECT count(*) FROM rate_limits WHERE window_start < date_trunc('hour', now())");
	}
	assert_int_equal(old, 0);
	/* A window not over (one ahead: the test may cross an hour) stays. */
	assert_int_equal(u_count("SELECT count(*) FROM rate_limits WHERE key = 'filing:192.0.2.10'"), 1);
	assert_int_equal(u_count("SELECT count(*) FROM login_failures WHERE email_lower = 'stary@example.pl'"), 0);
	assert_int_equal(u_count("SELECT count(*) FROM login_failures WHERE email_lower = 'nowy@example.pl'"), 1);
	c = h_db();
	PQclear(PQexec(c, "DELETE FROM login_failures"));
	PQfinish(c);
}

/* The logs of this test's server(s): the access log and the server's own. */
static char *access_log_text(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "cat build/test-logs/*_%d-*.log*", (int)getpid());
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (size_t r; (r = fread(buf + n, 1, cap - n - 1, p)) > 0;) {
		n += r;
		if (n + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	pclose(p);
	return buf;
}

/* A tracking link is a secret: the access log names its route's pattern,
 * never the token, whether the path matched (200, 404 of a wrong token),
 * did not (404, 405) or carried the token again in the query or Referer. */
static void test_access_log_never_holds_a_tracking_token(void **state)
{
	char number[64];
	char *token = u_file("public_information", number);
	char referer[256];
	snprintf(referer, sizeof referer, "Referer: http://127.0.0.1/sprawa/%s", token);
	const char *hdr[] = {referer, NULL};
	static const struct {
		const char *method, *fmt;
		long status;
	} visits[] = {
	    {"GET", "/sprawa/%s", 200},
	    {"GET", "/sprawa/%s?token=%s", 200},
	    {"GET", "/api/v1/requests/%s", 200},
	    {"GET", "/sprawa/%s/nie-ma-takiej-strony", 404},
	    {"DELETE", "/sprawa/%s", 405},
	    {"POST", "/api/v1/requests/%s/actions/nieznana", 0},
	    {"GET", "/rejestr?token=%s", 200},
	};
	for (size_t i = 0; i < sizeof visits / sizeof visits[0]; i++) {
		char path[512];
		snprintf(path, sizeof path, visits[i].fmt, token, token);
		struct hresp r;
		h_request(visits[i].method, path, hdr, NULL, 0, &r);
		if (visits[i].status)
			assert_int_equal(r.status, visits[i].status);
		else
			assert_true(r.status >= 400 && r.status < 500);
		h_free(&r);
	}
	char *log = access_log_text();
	const char *leak = strstr(log, token);
	if (leak)
		fprintf(stderr, "the token is in a log:\n%.400s\n",
		        leak - (leak - log > 200 ? 200 : leak - log));
	assert_null(strstr(log, token));
	assert_non_null(
	    strstr(log, "\"path\":\"/sprawa/{token}\",\"route\":\"case.show\",\"status\":200"));
	assert_non_null(
	    strstr(log, "\"path\":\"/api/v1/requests/{token}\",\"route\":\"api.requests.show\""));
	assert_non_null(strstr(
	    log, "\"path\":\"/sprawa/{token}/nie-ma-takiej-strony\",\"route\":\"\",\"status\":404"));
	assert_non_null(strstr(log, "\"path\":\"/sprawa/{token}\",\"route\":\"\",\"status\":405"));
	assert_non_null(strstr(log, "\"path\":\"/api/v1/requests/{token}/actions/nieznana\""));
	assert_non_null(strstr(log, "\"path\":\"/rejestr\",\"route\":\"register.list\""));
	free(log);
	free(token);
}

int main(void)
{
	h_setup_db("citizen");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_form_page_is_accessible_polish_form_with_csrf_and_honeypot),
	    cmocka_unit_test(test_valid_form_creates_case_and_shows_confirmation),
	    cmocka_unit_test(test_art13_information_is_shown_and_no_consent_is_asked),
	    cmocka_unit_test(test_consent_field_of_old_clients_is_ignored),
	    cmocka_unit_test(test_every_mistake_is_shown_at_its_field_with_input_kept),
	    cmocka_unit_test(test_markup_typed_into_the_form_comes_back_escaped),
	    cmocka_unit_test(test_double_submit_creates_one_case),
	    cmocka_unit_test(test_forged_post_without_csrf_token_is_refused_and_input_kept),
	    cmocka_unit_test(test_honeypot_filled_by_a_bot_files_nothing),
	    cmocka_unit_test(test_attachments_are_checked_by_content_and_stored_exactly),
	    cmocka_unit_test(test_upload_over_the_limit_gives_the_form_back_with_the_files_named),
	    cmocka_unit_test(test_requester_withdraws_on_the_tracking_page),
	    cmocka_unit_test(test_withdrawal_asks_for_confirmation_first),
	    cmocka_unit_test(test_malformed_version_is_422_and_another_version_409),
	    cmocka_unit_test(test_issued_letters_download_and_drafts_stay_hidden),
	    cmocka_unit_test(test_filing_rate_per_address_is_limited),
	    cmocka_unit_test(test_access_log_never_holds_a_tracking_token),
	};
	int failed = cmocka_run_group_tests_name("citizen", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
