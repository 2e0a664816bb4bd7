/* SPDX-License-Identifier: EUPL-1.2 */
/* Public copies of attachments over real HTTP (issue 17 §1; docs/privacy.md,
 * "Public copies of attachments"): a clerk adds a PDF holding a requester's
 * distinctive name and PESEL to a case, the redaction page suggests both,
 * its preview shows the copy, saving stores it with its SHA-256 and what
 * was removed (never the text), the publication page publishes the copy,
 * and the register serves that copy and nothing else: pdftotext and a byte
 * search find none of the hidden strings, the untouched page keeps its
 * text, the digest is the stored one, the original is never served and its
 * file name never shown. Bad input is answered in place (a term not found,
 * a box off the page, a file that is not a PDF, a broken PDF), and nobody
 * but the case's own staff reaches any of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <cmocka.h>
#include <sodium.h>

#include "db/db.h"
#include "integration/cases_util.h"

static struct u_staff clerk, stranger;

/* The requester's data the public must never see (and a file name that
 * names her). */
#define NAME "Zenobia Pióro-Kwiatkowska"
#define PESEL "44051401359"
#define FILENAME "wniosek-Pioro-Kwiatkowska.pdf"
/* Text of page 2, which nothing hides. */
#define PAGE2 "Zestawienie wydatkow gminy na oswietlenie"
static const char *const SECRETS[] = {"Zenobia", "Pióro-Kwiatkowska", "Kwiatkowsk", PESEL,
                                      "zenobia.pk@example.pl", "Pioro-Kwiatkowska"};
#define NSECRETS (sizeof SECRETS / sizeof SECRETS[0])

static char number[64];
static long long case_id, att_id, copy_id;
static unsigned char *pdf;
static size_t pdf_len;

/* ---- A PDF made here with cairo ------------------------------------------------ */

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct buf *b = closure;
	if (b->n + len > b->cap) {
		b->cap = (b->n + len) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
	return CAIRO_STATUS_SUCCESS;
}

static void line(cairo_t *cr, double y, const char *text)
{
	cairo_move_to(cr, 72, y);
	cairo_show_text(cr, text);
}

/* Two A4 pages: the first with the requester's name and PESEL, the second
 * with nothing personal. */
static void make_pdf(void)
{
	struct buf b = {0};
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(buf_write, &b, 595, 842);
	cairo_t *cr = cairo_create(s);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 12);
	line(cr, 100, "Wniosek o udostepnienie informacji publicznej");
	line(cr, 130, "Wnioskodawca: " NAME);
	line(cr, 160, "PESEL " PESEL);
	line(cr, 190, "Prosze o zestawienie wydatkow gminy.");
	cairo_show_page(cr);
	cairo_set_font_size(cr, 12);
	line(cr, 100, PAGE2);
	line(cr, 130, "Razem: 120 000 zl");
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	pdf = b.p;
	pdf_len = b.n;
}

/* ---- Helpers ---------------------------------------------------------------------- */

static void expect(const struct hresp *r, long status, const char *what)
{
	if (r->status != status)
		fprintf(stderr, "%s: %ld, expected %ld: %.600s\n", what, r->status, status,
		        r->body && strstr(r->body, "<main") ? strstr(r->body, "<main") : r->body);
	assert_int_equal(r->status, status);
}

static void assert_no_secret(const char *where, const char *text, size_t len)
{
	for (size_t i = 0; i < NSECRETS; i++) {
		if (memmem(text, len, SECRETS[i], strlen(SECRETS[i])))
			fprintf(stderr, "%s holds \"%s\"\n", where, SECRETS[i]);
		assert_null(memmem(text, len, SECRETS[i], strlen(SECRETS[i])));
	}
}

static void upload(const struct u_staff *s, long long id, const char *filename, const void *data,
                   size_t len, struct hresp *r)
{
	u_upload(s, id, filename, data, len, r);
}

static const char *redaction_path(void)
{
	static char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/anonimizacja", case_id,
	         att_id);
	return path;
}

/* The text pdftotext finds in `data`. */
static char *pdftotext(const char *data, size_t len)
{
	char tmp[] = "/tmp/jawnosc-attach-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "pdftotext -q -enc UTF-8 %s -", tmp);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t cap = 65536, n = 0;
	char *out = malloc(cap);
	size_t k;
	while ((k = fread(out + n, 1, cap - n - 1, f)) > 0)
		n += k;
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	unlink(tmp);
	return out;
}

static void hex_of(const unsigned char *d, size_t n, char out[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, d, n);
	sodium_bin2hex(out, 65, h, 32);
}

/* ---- Setup -------------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_SEARCH_RATE=100000", NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	/* Another organisation's clerk. */
	h_sql("INSERT INTO organisations (slug, name) VALUES ('inny', 'Inny Urząd');"
	      "INSERT INTO units (org_id, symbol, name) SELECT id, 'SEK', 'Sekretariat' FROM "
	      "organisations WHERE slug = 'inny';"
	      "INSERT INTO users (org_id, email, name, role, password_hash) SELECT o.id, "
	      "'obcy@inny.example', 'Obcy', 'clerk', u.password_hash FROM organisations o, users u "
	      "WHERE o.slug = 'inny' AND u.email = 'urzednik@mon.example'");
	u_login("obcy%40inny.example", "jawnosc-demo", &stranger);
	make_pdf();
	/* The case, its requester the woman the PDF names. */
	const char *body =
	    "{\"kind\":\"public_information\",\"subject\":\"Wydatki gminy na oświetlenie\","
	    "\"content\":\"Proszę o zestawienie.\",\"delivery\":\"email\","
	    "\"requester\":{\"name\":\"" NAME "\",\"email\":\"zenobia.pk@example.pl\","
	    "\"phone\":\"+48 601 602 603\",\"postal_address\":\"ul. Lipowa 12/4, 00-950 Warszawa\"}}";
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	const char *cn = u_str(j, "case_number");
	assert_non_null(cn);
	snprintf(number, sizeof number, "%s", cn ? cn : "");
	json_decref(j);
	h_free(&r);
	u_clerk(number, LAW_ACT_ASSIGN);
	u_clerk(number, LAW_ACT_PROVIDE);
	case_id = u_request_id(number);
	return 0;
}

/* ---- Tests ------------------------------------------------------------------------- */

static void test_a_clerk_adds_a_pdf_and_nothing_else(void **state)
{
	struct hresp r;
	upload(&clerk, case_id, "notatka.txt", "tekst", 5, &r);
	expect(&r, 422, "a text file");
	assert_non_null(strstr(r.body, "tylko plik PDF"));
	h_free(&r);
	upload(&clerk, case_id, "udaje.pdf", "to nie jest PDF", 15, &r);
	expect(&r, 422, "a PDF in name only");
	h_free(&r);
	upload(&clerk, case_id, "zepsuty.pdf", "%PDF-1.4\nnic wiecej", 19, &r);
	expect(&r, 422, "a broken PDF");
	assert_non_null(strstr(r.body, "Nie można odczytać"));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM attachments WHERE source = 'clerk'"), 0);

	upload(&clerk, case_id, FILENAME, pdf, pdf_len, &r);
	expect(&r, 303, "the PDF");
	assert_non_null(strstr(h_header(&r, "Location"), "wykonano=zalacznik"));
	h_free(&r);
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT id FROM attachments WHERE request_id = %lld AND source = 'clerk' "
	         "AND content_type = 'application/pdf' AND size = %zu",
	         case_id, pdf_len);
	att_id = u_count(q);
	assert_true(att_id > 0);
	/* The audit trail names the file by id and digest, not by its name. */
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = 'attachment_add' "
	         "AND data->>'attachment_id' = '%lld' AND data::text NOT LIKE '%%Kwiatkowska%%'",
	         case_id, att_id);
	assert_int_equal(u_count(q), 1);
	/* The case page links to its redaction page. */
	char path[64];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", case_id);
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, "the case page");
	assert_non_null(strstr(r.body, redaction_path()));
	h_free(&r);
}

static void test_the_redaction_page_suggests_the_name_and_the_pesel(void **state)
{
	assert_true(att_id > 0);
	struct hresp r;
	u_staff_get(&clerk, redaction_path(), &r);
	expect(&r, 200, "the redaction page");
	char *terms = u_textarea(r.body, "terms");
	assert_non_null(strstr(terms, "Pióro-Kwiatkowska"));
	assert_non_null(strstr(terms, PESEL));
	free(terms);
	/* Each page as an image, at ATTACH_PAGE_DPI. */
	char img[160];
	snprintf(img, sizeof img, "/panel/sprawy/%lld/zalaczniki/%lld/strony/2", case_id, att_id);
	assert_non_null(strstr(r.body, img));
	h_free(&r);
	u_staff_get(&clerk, img, &r);
	expect(&r, 200, "a page image");
	assert_string_equal(h_header(&r, "Content-Type"), "image/png");
	assert_non_null(strstr(h_header(&r, "Cache-Control"), "private"));
	assert_true(r.len > 8 && !memcmp(r.body, "\x89PNG", 4));
	h_free(&r);
	snprintf(img, sizeof img, "/panel/sprawy/%lld/zalaczniki/%lld/strony/3", case_id, att_id);
	u_staff_get(&clerk, img, &r);
	expect(&r, 404, "a page the PDF does not have");
	h_free(&r);
}

static void post_redaction(const char *fields, struct hresp *r)
{
	u_staff_post(&clerk, redaction_path(), fields, r);
}

static void test_bad_input_is_answered_in_place_with_the_input_kept(void **state)
{
	struct hresp r;
	/* A term the document does not have. */
	post_redaction("action=preview&terms=Zenobia%0D%0ANieistniej%C4%85cy+tekst", &r);
	expect(&r, 422, "a term not found");
	assert_non_null(strstr(r.body, "„Nieistniejący tekst” nie występuje"));
	char *t = u_textarea(r.body, "terms");
	assert_non_null(strstr(t, "Nieistniejący tekst"));
	free(t);
	assert_null(strstr(r.body, "name=\"preview_token\""));
	h_free(&r);
	/* A box off the page, one that is not a box, a term too short. */
	post_redaction("action=preview&terms=Zenobia&box=1:10,10,5,5&box=1:x", &r);
	expect(&r, 422, "a bad box");
	assert_non_null(strstr(r.body, "nieprawidłowe współrzędne"));
	h_free(&r);
	post_redaction("action=preview&terms=Ze", &r);
	expect(&r, 422, "a term too short");
	h_free(&r);
	/* Nothing to hide at all. */
	post_redaction("action=preview&terms=", &r);
	expect(&r, 422, "nothing to hide");
	h_free(&r);
	/* Saving without the preview of exactly that. */
	post_redaction("action=save&terms=Zenobia&preview_token=00", &r);
	expect(&r, 409, "a save not previewed");
	h_free(&r);
	char q[128];
	snprintf(q, sizeof q, "SELECT count(*) FROM attachment_public_copies WHERE attachment_id = %lld",
	         att_id);
	assert_int_equal(u_count(q), 0);
}

static void test_preview_then_save_stores_the_copy_and_what_was_removed(void **state)
{
	assert_true(att_id > 0);
	struct hresp r;
	u_staff_get(&clerk, redaction_path(), &r);
	char *terms = u_textarea(r.body, "terms");
	h_free(&r);
	char *e = u_enc(terms);
	size_t n = strlen(e) + 64;
	char *fields = malloc(n);
	snprintf(fields, n, "action=preview&terms=%s", e);
	post_redaction(fields, &r);
	expect(&r, 200, "the preview");
	/* Page 1, redacted, as the copy renders it; page 2 as it was. */
	assert_non_null(strstr(r.body, "src=\"data:image/png;base64,"));
	assert_non_null(strstr(r.body, "Kopia, strona 1 (zaczerniona)"));
	assert_non_null(strstr(r.body, "Kopia, strona 2</figcaption>"));
	char *token = u_input(r.body, "preview_token");
	assert_int_equal(strlen(token), 32);
	h_free(&r);
	free(fields);
	n = strlen(e) + 128;
	fields = malloc(n);
	snprintf(fields, n, "action=save&preview_token=%s&terms=%s", token, e);
	post_redaction(fields, &r);
	expect(&r, 303, "save");
	const char *loc = h_header(&r, "Location");
	assert_non_null(strstr(loc, "?zapisano="));
	copy_id = atoll(strstr(loc, "?zapisano=") + strlen("?zapisano="));
	assert_true(copy_id > 0);
	h_free(&r);
	free(fields);
	free(token);
	free(e);
	free(terms);
	char q[512];
	/* Who and when, the digest of the bytes, what was removed by count
	 * and kind: never the hidden text. */
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM attachment_public_copies c JOIN users u ON u.id = c.made_by "
	         "WHERE c.id = %lld AND c.attachment_id = %lld AND u.email = 'urzednik@mon.example' "
	         "AND c.sha256 = sha256(c.pdf) AND c.pages = 2 AND (c.removed->>'terms')::int >= 2 "
	         "AND c.removed->'kinds' ? 'pesel' AND jsonb_array_length(c.removed->'boxes') >= 2 "
	         "AND c.removed::text NOT LIKE '%%Zenobia%%' AND c.removed::text NOT LIKE '%%%s%%'",
	         copy_id, att_id, PESEL);
	assert_int_equal(u_count(q), 1);
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events WHERE action = 'attachment_redact' AND "
	         "data->>'copy_id' = '%lld' AND data::text NOT LIKE '%%Zenobia%%'",
	         copy_id);
	assert_int_equal(u_count(q), 1);
	/* The original is as it was. */
	snprintf(q, sizeof q, "SELECT count(*) FROM attachments WHERE id = %lld AND size = %zu",
	         att_id, pdf_len);
	assert_int_equal(u_count(q), 1);
	/* The page lists the copy; its pages are images too. */
	u_staff_get(&clerk, loc ? redaction_path() : "", &r);
	expect(&r, 200, "the page after saving");
	h_free(&r);
	char img[192];
	snprintf(img, sizeof img, "/panel/sprawy/%lld/zalaczniki/%lld/kopie/%lld/strony/1", case_id,
	         att_id, copy_id);
	u_staff_get(&clerk, img, &r);
	expect(&r, 200, "a copy's page");
	assert_string_equal(h_header(&r, "Content-Type"), "image/png");
	h_free(&r);
}

/* The publication page's form with the copy ticked, as url-encoded fields. */
static char *publication_fields(const char *page, const char *action, long long cid)
{
	char extra[32];
	snprintf(extra, sizeof extra, "&att=%lld", cid);
	return u_publication_fields(page, action, NULL, NULL, extra);
}

static void test_published_copy_is_all_the_register_serves(void **state)
{
	assert_true(copy_id > 0);
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", case_id);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, "the publication page");
	char box[64];
	snprintf(box, sizeof box, "name=\"att\" value=\"%lld\"", copy_id);
	assert_non_null(strstr(r.body, box));
	/* The original cannot be chosen. */
	snprintf(box, sizeof box, "name=\"att\" value=\"%lld\"", att_id);
	assert_true(att_id == copy_id || !strstr(r.body, box));
	char *page = strdup(r.body);
	h_free(&r);
	char *fields = publication_fields(page, "preview", copy_id);
	u_staff_post(&clerk, path, fields, &r);
	expect(&r, 200, "the publication's preview");
	/* The copy page by page, as the public will see it. */
	char img[192];
	snprintf(img, sizeof img, "/panel/sprawy/%lld/zalaczniki/%lld/kopie/%lld/strony/2", case_id,
	         att_id, copy_id);
	assert_non_null(strstr(r.body, img));
	char *preview = strdup(r.body);
	h_free(&r);
	free(fields);
	free(page);
	/* An id that is not a copy of this case's attachments is refused. */
	fields = publication_fields(preview, "preview", copy_id + 1000);
	u_staff_post(&clerk, path, fields, &r);
	expect(&r, 422, "a copy of nothing");
	h_free(&r);
	free(fields);
	fields = publication_fields(preview, "publish", copy_id);
	u_staff_post(&clerk, path, fields, &r);
	expect(&r, 303, "publish");
	h_free(&r);
	free(fields);
	free(preview);
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM publication_versions v JOIN publications p ON p.id = "
	         "v.publication_id WHERE p.request_id = %lld AND v.attachment_copy_ids = '{%lld}'",
	         case_id, copy_id);
	assert_int_equal(u_count(q), 1);

	/* The public page links the copy, and names no file. */
	snprintf(path, sizeof path, "/rejestr/%s", number);
	h_get(path, &r);
	expect(&r, 200, "the register's item");
	char link[160];
	snprintf(link, sizeof link, "/rejestr/%s/zalacznik/%lld", number, copy_id);
	assert_non_null(strstr(r.body, link));
	assert_non_null(strstr(r.body, "Załącznik nr 1"));
	assert_no_secret("the item page", r.body, r.len);
	h_free(&r);

	h_get(link, &r);
	expect(&r, 200, "the published copy");
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	char got[65], want[65];
	hex_of((const unsigned char *)r.body, r.len, got);
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM attachment_public_copies WHERE id = %lld AND "
	         "encode(sha256, 'hex') = '%s'",
	         copy_id, got);
	assert_int_equal(u_count(q), 1);
	hex_of(pdf, pdf_len, want);
	assert_string_not_equal(got, want);
	/* Neither its text nor its bytes hold anything hidden; page 2 keeps
	 * its text. */
	char *text = pdftotext(r.body, r.len);
	assert_no_secret("pdftotext of the copy", text, strlen(text));
	assert_non_null(strstr(text, PAGE2));
	assert_null(strstr(text, "Wnioskodawca"));
	free(text);
	assert_no_secret("the copy's bytes", r.body, r.len);
	/* A strong tag: the digest. */
	assert_non_null(strstr(h_header(&r, "ETag"), got));
	h_free(&r);
	/* The original is not what the test made it from? It is: check the
	 * secret really was there, so the checks above mean something. */
	text = pdftotext((const char *)pdf, pdf_len);
	assert_non_null(strstr(text, PESEL));
	assert_non_null(strstr(text, "Pióro-Kwiatkowska"));
	free(text);
}

static void test_the_original_is_never_served(void **state)
{
	assert_true(copy_id > 0);
	long long max = u_count("SELECT greatest((SELECT max(id) FROM attachments), "
	                        "(SELECT max(id) FROM attachment_public_copies))");
	for (long long id = 1; id <= max + 2; id++) {
		char path[160];
		snprintf(path, sizeof path, "/rejestr/%s/zalacznik/%lld", number, id);
		struct hresp r;
		h_get(path, &r);
		assert_true(r.status == 200 || r.status == 404);
		if (r.status == 200) {
			assert_int_equal(id, copy_id);
			assert_false(r.len == pdf_len && !memcmp(r.body, pdf, pdf_len));
		}
		h_free(&r);
		for (int s = 1; s <= 3; s++) {
			snprintf(path, sizeof path, "/rejestr/%s/dokument/%d", number, s);
			h_get(path, &r);
			assert_false(r.len == pdf_len && r.body && !memcmp(r.body, pdf, pdf_len));
			h_free(&r);
		}
	}
	/* Junk in the address is a 404, never a 500. */
	const char *junk[] = {"0", "-1", "abc", "99999999999999999999999", "1.5"};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		char path[160];
		snprintf(path, sizeof path, "/rejestr/%s/zalacznik/%s", number, junk[i]);
		struct hresp r;
		h_get(path, &r);
		expect(&r, 404, path);
		h_free(&r);
	}
}

static void test_only_the_cases_own_staff_reach_the_panel_routes(void **state)
{
	assert_true(copy_id > 0);
	char paths[3][192];
	snprintf(paths[0], sizeof paths[0], "%s", redaction_path());
	snprintf(paths[1], sizeof paths[1], "/panel/sprawy/%lld/zalaczniki/%lld/strony/1", case_id,
	         att_id);
	snprintf(paths[2], sizeof paths[2], "/panel/sprawy/%lld/zalaczniki/%lld/kopie/%lld/strony/1",
	         case_id, att_id, copy_id);
	for (int i = 0; i < 3; i++) {
		struct hresp r;
		h_get(paths[i], &r);
		expect(&r, 303, "anonymous");
		assert_non_null(strstr(h_header(&r, "Location"), "/panel/logowanie"));
		h_free(&r);
		u_staff_get(&stranger, paths[i], &r);
		expect(&r, 404, "another organisation's clerk");
		assert_no_secret("another organisation's answer", r.body, r.len);
		h_free(&r);
	}
	struct hresp r;
	h_post_form(redaction_path(), "action=preview&terms=Zenobia", &r);
	expect(&r, 401, "an anonymous POST");
	h_free(&r);
	u_staff_post(&stranger, redaction_path(), "action=preview&terms=Zenobia", &r);
	expect(&r, 404, "another organisation's POST");
	h_free(&r);
	upload(&stranger, case_id, "obcy.pdf", pdf, pdf_len, &r);
	expect(&r, 404, "another organisation's upload");
	h_free(&r);
	char q[128];
	snprintf(q, sizeof q, "SELECT count(*) FROM attachments WHERE request_id = %lld", case_id);
	assert_int_equal(u_count(q), 1);
}

static void test_a_broken_requesters_pdf_is_said_so_not_a_500(void **state)
{
	char q[512];
	snprintf(q, sizeof q,
	         "INSERT INTO attachments (org_id, request_id, filename, content_type, size, sha256, "
	         "data, source) SELECT org_id, id, 'zepsuty.pdf', 'application/pdf', 9, "
	         "sha256('%%PDF-1.4\n'::bytea), '%%PDF-1.4\n'::bytea, 'requester' FROM requests "
	         "WHERE id = %lld",
	         case_id);
	h_sql(q);
	snprintf(q, sizeof q, "SELECT max(id) FROM attachments WHERE request_id = %lld", case_id);
	long long broken = u_count(q);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/anonimizacja", case_id,
	         broken);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, "a broken PDF's page");
	assert_non_null(strstr(r.body, "Nie można odczytać tego pliku PDF"));
	h_free(&r);
	u_staff_post(&clerk, path, "action=preview&terms=Zenobia", &r);
	expect(&r, 422, "a broken PDF's preview");
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/strony/1", case_id, broken);
	u_staff_get(&clerk, path, &r);
	expect(&r, 422, "a broken PDF's page image");
	h_free(&r);
}

/* A PDF with a font it does not embed (the standard Helvetica), which the
 * renderer takes from the system: the server draws its page and still
 * stops cleanly (h_stop_server wants exit status 0; it used to abort in
 * cairo's reset of its static data, which poppler's fonts outlived). */
static void test_a_pdf_without_embedded_fonts_is_drawn_and_the_server_stops_cleanly(void **state)
{
	static const char *const objs[] = {
	    "<< /Type /Catalog /Pages 2 0 R >>",
	    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 "
	    "R >> >> /Contents 4 0 R >>",
	    "<< /Length 43 >>\nstream\nBT /F1 12 Tf 72 742 Td (Zenobia Test) Tj ET\nendstream",
	    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"};
	char doc[2048];
	size_t n = (size_t)snprintf(doc, sizeof doc, "%%PDF-1.4\n");
	size_t off[5];
	for (int i = 0; i < 5; i++) {
		off[i] = n;
		n += (size_t)snprintf(doc + n, sizeof doc - n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	size_t xref = n;
	n += (size_t)snprintf(doc + n, sizeof doc - n, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 0; i < 5; i++)
		n += (size_t)snprintf(doc + n, sizeof doc - n, "%010zu 00000 n \n", off[i]);
	n += (size_t)snprintf(doc + n, sizeof doc - n,
	                      "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
	struct hresp r;
	upload(&clerk, case_id, "helvetica.pdf", doc, n, &r);
	expect(&r, 303, "a PDF without embedded fonts");
	h_free(&r);
	char q[160];
	snprintf(q, sizeof q, "SELECT max(id) FROM attachments WHERE filename = 'helvetica.pdf'");
	long long id = u_count(q);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/strony/1", case_id, id);
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, "its page");
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/anonimizacja", case_id, id);
	u_staff_post(&clerk, path, "action=preview&terms=Zenobia", &r);
	expect(&r, 200, "its preview");
	h_free(&r);
}

int main(void)
{
	h_setup_db("attach_publish");
	u_seed_demo();
	db_set_url(getenv("DATABASE_URL"));
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_clerk_adds_a_pdf_and_nothing_else),
	    cmocka_unit_test(test_the_redaction_page_suggests_the_name_and_the_pesel),
	    cmocka_unit_test(test_bad_input_is_answered_in_place_with_the_input_kept),
	    cmocka_unit_test(test_preview_then_save_stores_the_copy_and_what_was_removed),
	    cmocka_unit_test(test_published_copy_is_all_the_register_serves),
	    cmocka_unit_test(test_the_original_is_never_served),
	    cmocka_unit_test(test_only_the_cases_own_staff_reach_the_panel_routes),
	    cmocka_unit_test(test_a_broken_requesters_pdf_is_said_so_not_a_500),
	    cmocka_unit_test(
	        test_a_pdf_without_embedded_fonts_is_drawn_and_the_server_stops_cleanly),
	};
	int failed = cmocka_run_group_tests_name("attach_publish", tests, setup, h_stop_server);
	free(pdf);
	h_teardown();
	return failed;
}
