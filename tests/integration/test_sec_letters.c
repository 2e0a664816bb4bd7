/* SPDX-License-Identifier: EUPL-1.2 */
/* Published letters never show the requester (issue 16, LAW.md §7): a
 * letter issued to a requester with a distinctive name, address, e-mail
 * and phone, then published in the register. The register serves the
 * letter's public copy, whose text (as pdftotext reads it) holds none of
 * that but still the case number and the decision's text; the issued PDF
 * the clerk and the requester download still names them; a document
 * without a public copy is neither listed nor served, nor can it be
 * chosen for publication. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cases/register.h"
#include "core/clock.h"
#include "integration/cases_util.h"

#define NOW "2026-11-06T09:00:00Z"

static const char NAME[] = "Bożydar Wścibski-Nieznany";
static const char EMAIL[] = "bozydar.sekret@przyklad.example";
static const char ADDRESS[] = "ul. Ukryta 77/5, 61-234 Poznań";
static const char PHONE[] = "+48 512 345 678";
/* What must never be in the register's copy (the name in any case,
 * the address's parts, the mail, the phone, the list of recipients). */
static const char *const NEVER[] = {"Bożydar", "Wścibsk", "Nieznan", "bozydar.sekret",
                                    "przyklad.example", "Ukryta", "61-234", "345 678",
                                    "Otrzymują"};

static struct u_staff clerk;
static char number[64], token[128];
static long long req_id;
static int seq;

static int setup(void **state)
{
	(void)state;
	setenv("JAWNOSC_FAKE_NOW", NOW, 1); /* this process's services too */
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" NOW, "JAWNOSC_FILING_RATE=100000", NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	return 0;
}

/* The text of a PDF as pdftotext reads it, blanks made single spaces. */
static char *pdf_text(const struct hresp *r)
{
	assert_true(r->len > 5 && !memcmp(r->body, "%PDF-", 5));
	char path[] = "/tmp/test_sec_letters_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r->body, r->len), (ssize_t)r->len);
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t cap = 1 << 16, n = 0;
	char *out = malloc(cap);
	int c, last = ' ';
	while ((c = fgetc(f)) != EOF) {
		bool space = c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
		if (space && last == ' ')
			continue;
		if (n + 2 > cap)
			out = realloc(out, cap *= 2);
		out[n++] = space ? ' ' : (char)c;
		last = space ? ' ' : c;
	}
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	unlink(path);
	return out;
}

static char *get_pdf_text(const struct u_staff *s, const char *path)
{
	struct hresp r;
	if (s)
		u_staff_get(s, path, &r);
	else
		h_get(path, &r);
	if (r.status != 200)
		fprintf(stderr, "%s: %ld\n", path, r.status);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	char *text = pdf_text(&r);
	h_free(&r);
	return text;
}

static char *get_page(const char *path, long want)
{
	struct hresp r;
	h_get(path, &r);
	if (r.status != want)
		fprintf(stderr, "%s: %ld\n", path, r.status);
	assert_int_equal(r.status, want);
	char *body = strdup(r.body ? r.body : "");
	h_free(&r);
	return body;
}

/* Publishes the case with the documents `seqs` (as the clerk's page does,
 * through the service): the outcome, and the message at the field
 * "documents" in `why` ("" when none). */
static enum outcome publish(const int *seqs, int n, long long expected, char why[512])
{
	struct problem pr, *p = &pr;
	struct actor who = {u_count("SELECT id FROM users WHERE email = 'urzednik@mon.example'"),
	                    u_count("SELECT id FROM organisations WHERE slug = 'mon'"), 0, "clerk",
	                    "Urzędnik"};
	arena_t *a = arena_new(4096);
	struct svc_ctx ctx = {a, NULL, &who, clock_now()};
	struct register_draft d;
	assert_int_equal(register_proposal(&ctx, req_id, &d, NULL), OUT_OK);
	/* The proposal takes the clerk's reasons, which name the requester:
	 * publishing refuses them (check_personal_data), so the clerk edits. */
	d.answer = "Odmówiono udostępnienia protokołów: zawierają dane osób prywatnych.";
	for (int i = 0; i < n; i++)
		d.doc_seqs[d.ndocs++] = seqs[i];
	const char *version;
	*p = (struct problem){0};
	enum outcome o = register_publish(&ctx, req_id, &d, expected, &version, p);
	why[0] = '\0';
	for (int i = 0; o != OUT_OK && i < p->nfields; i++)
		if (!strcmp(p->fields[i].field, "documents"))
			snprintf(why, 512, "%s", p->fields[i].message);
		else
			fprintf(stderr, "publish: %s: %s\n", p->fields[i].field, p->fields[i].message);
	arena_free(a);
	return o;
}

static void test_refusal_to_a_requester_is_issued_with_a_public_copy(void **state)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"kind\":\"public_information\",\"subject\":\"Kontrole sanitarne stołówek\","
	         "\"content\":\"Proszę o protokoły kontroli.\",\"delivery\":\"post\","
	         "\"requester\":{\"name\":\"%s\",\"email\":\"%s\",\"postal_address\":\"%s\","
	         "\"phone\":\"%s\"}}",
	         NAME, EMAIL, ADDRESS, PHONE);
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	snprintf(number, sizeof number, "%s", u_str(j, "case_number"));
	snprintf(token, sizeof token, "%s", u_str(j, "tracking_token"));
	json_decref(j);
	h_free(&r);
	req_id = u_request_id(number);
	/* The clerk's reasons name the requester in another case of the
	 * name, with the e-mail written out. */
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", req_id);
	u_staff_post(&clerk, path,
	             "action=refuse&version=1&legal_basis=privacy"
	             "&text=Wniosek+Bo%C5%BCydara+W%C5%9Bcibskiego-Nieznanego+"
	             "%28bozydar.sekret%40przyklad.example%29+dotyczy+protoko%C5%82%C3%B3w."
	             "+Protoko%C5%82y+zawieraj%C4%85+dane+os%C3%B3b+prywatnych."
	             "&persons=Jan+Nowak%2C+inspektor",
	             &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision'",
	         req_id);
	seq = (int)u_count(sql);
	assert_true(seq >= 1);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d", req_id, seq);
	u_issue_letter(&clerk, path);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM document_public_copies c JOIN documents d ON d.id = "
	         "c.document_id WHERE d.request_id = %lld AND d.seq = %d AND c.sha256 = "
	         "sha256(c.pdf) AND c.pdf <> d.pdf",
	         req_id, seq);
	assert_int_equal(u_count(sql), 1);
}

static void test_issued_letter_still_names_the_requester_for_clerk_and_requester(void **state)
{
	char path[256];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d/pdf", req_id, seq);
	char *clerks = get_pdf_text(&clerk, path);
	snprintf(path, sizeof path, "/sprawa/%s/pismo/%d", token, seq);
	char *requesters = get_pdf_text(NULL, path);
	char *both[] = {clerks, requesters};
	for (int i = 0; i < 2; i++) {
		assert_non_null(strstr(both[i], "Wścibski-Nieznany"));
		assert_non_null(strstr(both[i], "ul. Ukryta 77/5"));
		assert_non_null(strstr(both[i], "Otrzymują"));
		assert_non_null(strstr(both[i], number));
		free(both[i]);
	}
}

static void test_register_serves_only_the_copy_without_personal_data(void **state)
{
	char why[512];
	int seqs[] = {seq};
	assert_int_equal(publish(seqs, 1, 0, why), OUT_OK);
	char path[256];
	snprintf(path, sizeof path, "/rejestr/%s", number);
	char *page = get_page(path, 200);
	char link[256];
	snprintf(link, sizeof link, "href=\"/rejestr/%s/dokument/%d\"", number, seq);
	assert_non_null(strstr(page, link));
	for (size_t k = 0; k < sizeof NEVER / sizeof NEVER[0]; k++)
		if (strstr(page, NEVER[k]))
			fail_msg("the register's page shows \"%s\"", NEVER[k]);
	free(page);
	snprintf(path, sizeof path, "/rejestr/%s/dokument/%d", number, seq);
	char *text = get_pdf_text(NULL, path);
	for (size_t k = 0; k < sizeof NEVER / sizeof NEVER[0]; k++)
		if (strstr(text, NEVER[k]))
			fail_msg("the published letter shows \"%s\": %s", NEVER[k], text);
	/* The case number, the decision and its reasons are there. */
	assert_non_null(strstr(text, number));
	assert_non_null(strstr(text, "DECYZJA"));
	assert_non_null(strstr(text, "Protokoły zawierają dane osób prywatnych."));
	assert_non_null(strstr(text, "Jan Nowak, inspektor"));
	assert_non_null(strstr(text, "[dane osobowe wnioskodawcy usunięte]"));
	free(text);
}

/* A letter issued before public copies existed (written here as the old
 * code did): the register does not list or serve it, and it cannot be
 * chosen for publication. */
static void test_document_without_public_copy_is_neither_listed_nor_served(void **state)
{
	char sql[768];
	snprintf(sql, sizeof sql,
	         "INSERT INTO documents (org_id, request_id, seq, type, title, status, markdown, "
	         "pdf, sha256, issued_at) SELECT org_id, id, 50, 'information_release', "
	         "'Pismo dawne', 'issued', 'x', d.pdf, d.sha256, now() FROM requests r, "
	         "LATERAL (SELECT pdf, sha256 FROM documents WHERE request_id = r.id AND seq = %d) "
	         "d WHERE r.id = %lld RETURNING 1",
	         seq, req_id);
	assert_int_equal(u_count(sql), 1);
	snprintf(sql, sizeof sql, "SELECT version_id FROM publications WHERE request_id = %lld",
	         req_id);
	long long current = u_count(sql);
	char why[512];
	int seqs[] = {seq, 50};
	assert_int_equal(publish(seqs, 2, current, why), OUT_INVALID);
	assert_non_null(strstr(why, "Pismo nr 50 nie ma wersji do publikacji bez danych osobowych"));
	/* Published anyway by a version written directly, as old data is. */
	snprintf(sql, sizeof sql,
	         "WITH v AS (INSERT INTO publication_versions (publication_id, org_id, major, minor, "
	         "title, public_subject, answer, outcome, legal_basis, document_ids, produced_by, "
	         "responsible, produced_on, entered_by, entered_by_name, published_at) "
	         "SELECT publication_id, org_id, major, minor + 1, title, public_subject, answer, "
	         "outcome, legal_basis, (SELECT array_agg(id) FROM documents WHERE request_id = %lld), "
	         "produced_by, responsible, produced_on, entered_by, entered_by_name, now() "
	         "FROM publication_versions WHERE id = %lld RETURNING id, version, publication_id) "
	         "UPDATE publications p SET version_id = v.id, version = v.version FROM v "
	         "WHERE p.id = v.publication_id RETURNING 1",
	         req_id, current);
	assert_int_equal(u_count(sql), 1);
	char path[256];
	snprintf(path, sizeof path, "/rejestr/%s", number);
	char *page = get_page(path, 200);
	assert_null(strstr(page, "Pismo dawne"));
	assert_non_null(strstr(page, "/dokument/"));
	free(page);
	snprintf(path, sizeof path, "/rejestr/%s/dokument/50", number);
	free(get_page(path, 404));
	/* The public register's role cannot read the copies' table either. */
	PGconn *c = h_db();
	PGresult *r = PQexec(c, "BEGIN; SET LOCAL ROLE jawnosc_public; "
	                        "SELECT count(*) FROM document_public_copies");
	assert_int_not_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	PQclear(r);
	PQfinish(c);
}

int main(void)
{
	h_setup_db("sec_letters");
	u_seed_demo();
	db_set_url(getenv("DATABASE_URL")); /* the services this process calls */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refusal_to_a_requester_is_issued_with_a_public_copy),
	    cmocka_unit_test(test_issued_letter_still_names_the_requester_for_clerk_and_requester),
	    cmocka_unit_test(test_register_serves_only_the_copy_without_personal_data),
	    cmocka_unit_test(test_document_without_public_copy_is_neither_listed_nor_served),
	};
	int failed = cmocka_run_group_tests_name("sec_letters", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
