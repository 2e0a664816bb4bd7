/* SPDX-License-Identifier: EUPL-1.2 */
/* The data protection officer's page, /panel/iod (issue 17 §3; GDPR
 * art. 15 and 17; cases/iod.h): who may open it, finding one person by
 * e-mail and by name in a Polish case form without diacritics, the access
 * export as a ZIP whose every file is checked, its audit event without the
 * person's data, and the erasure on request: refused with the reason for a
 * case still open, done for a closed one with the officer's "other legal
 * ground", after which `jawnosc audit verify` still passes.
 *
 * The person: Zenobia Pióro-Kwiatkowska, with two cases in the demo
 * organisation (one open, with an issued letter and an attachment; one
 * withdrawn), a namesake in another organisation and another requester
 * who must never be shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "integration/cases_util.h"
#include "unit/zip_read.h"

#define NOW "2026-11-04T09:00:00Z"
#define PERSON_EMAIL "Zenobia.PK@Example.org"

static struct u_staff clerk, manager, admin, iod;
static char number_a[64], number_b[64], number_c[64];
static long long id_a, id_b;
/* The attachment of case A, as uploaded: binary, with a NUL. */
static const char scan[] = "%PDF-1.4\n\x00\x01\x02 skan wniosku Zenobii\r\n%%EOF\n";

/* POSTs q=`query` (and `more`, already encoded, may be "") as `who`. */
static void post_q(const struct u_staff *who, const char *path, const char *query, const char *more,
                   struct hresp *r)
{
	char *q = u_enc(query);
	size_t n = strlen(q) + strlen(more) + 8;
	char *body = malloc(n);
	snprintf(body, n, "q=%s%s", q, more);
	u_staff_post(who, path, body, r);
	free(body);
	free(q);
}

/* Case A through the citizen's form, with the attachment. */
static void file_case_a(void)
{
	struct u_form fp;
	u_open_form(&fp);
	char body[8192];
	int n = snprintf(body, sizeof body,
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"submission_id\"\r\n\r\n%s\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npublic_information\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nUmowy na od\xc5\x9b" "nie\xc5\xbc" "anie\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nProsz\xc4\x99 o kopie um\xc3\xb3w.\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"delivery\"\r\n\r\nemail\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nZenobia Pi\xc3\xb3ro-Kwiatkowska\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n" PERSON_EMAIL "\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"postal_address\"\r\n\r\nul. Lipowa 12/4, 00-950 Warszawa\r\n"
	                 "--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"skan wniosku.pdf\"\r\n"
	                 "Content-Type: application/pdf\r\n\r\n",
	                 fp.csrf, fp.sid);
	memcpy(body + n, scan, sizeof scan - 1);
	n += (int)sizeof scan - 1;
	n += snprintf(body + n, sizeof body - (size_t)n, "\r\n--XyZ--\r\n");
	const char *hdr[] = {"Content-Type: multipart/form-data; boundary=XyZ", fp.cookie, NULL};
	struct hresp r;
	h_request("POST", "/wniosek", hdr, body, (size_t)n, &r);
	if (r.status != 303)
		fprintf(stderr, "filing A: %ld %.500s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	id_a = u_count("SELECT id FROM requests WHERE subject = 'Umowy na odśnieżanie'");
	PGconn *c = h_db();
	PGresult *q = PQexec(c, "SELECT case_number FROM requests WHERE subject = 'Umowy na odśnieżanie'");
	snprintf(number_a, sizeof number_a, "%s", PQgetvalue(q, 0, 0));
	PQclear(q);
	PQfinish(c);
}

/* Case A gets an issued letter: assigned, a call to clarify, issued. */
static void issue_letter_on_a(void)
{
	char path[160], body[160];
	struct hresp r;
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id_a);
	snprintf(body, sizeof body, "action=assign&assignee=%ld",
	         u_count("SELECT id FROM users WHERE email = 'urzednik@mon.example'"));
	u_staff_post(&clerk, path, body, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	u_staff_post(&clerk, path, "action=call_to_clarify&text=Kt%C3%B3rego+roku+dotyczy+wniosek%3F", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/1", id_a);
	u_issue_letter(&clerk, path);
}

/* Files through the API as `name` <`email`>; the token (malloc'd). */
static char *file_api(const char *subject, const char *name, const char *email, char *number)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "kind", "public_information",
	                      "subject", subject, "content", "Proszę o informację.", "delivery", "email",
	                      "requester", "name", name, "email", email);
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	free(body);
	assert_int_equal(r.status, 201);
	json_t *a = u_json(&r);
	char *token = strdup(u_str(a, "tracking_token"));
	strcpy(number, u_str(a, "case_number"));
	json_decref(a);
	h_free(&r);
	return token;
}

static int setup(void **state)
{
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_FAKE_NOW=" NOW, NULL};
	h_server_start(env);
	/* The officer is the demo's (seed --demo). */
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	u_login("kierownik%40mon.example", "jawnosc-demo", &manager);
	u_login("admin%40mon.example", "jawnosc-demo", &admin);
	u_login("iod%40mon.example", "jawnosc-demo", &iod);
	file_case_a();
	issue_letter_on_a();
	/* Case B: the same person (her address in other letters), withdrawn. */
	char *token = file_api("Koszty remontu", "Zenobia Pióro-Kwiatkowska", "zenobia.pk@example.org",
	                       number_b);
	id_b = u_request_id(number_b);
	char path[256];
	snprintf(path, sizeof path, "/api/v1/requests/%s/actions/withdraw", token);
	struct hresp r;
	u_post_json(path, "{\"text\":\"Nieaktualne.\"}", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	free(token);
	/* Somebody else, who is never shown. */
	free(file_api("Inna sprawa", "Jan Nowak", "jan.nowak@example.pl", number_c));
	/* A namesake in another organisation: not this officer's. */
	h_sql("INSERT INTO organisations (slug, name) VALUES ('inny', 'Inny Urząd');"
	      "INSERT INTO units (org_id, symbol, name) SELECT id, 'SEK', 'Sekretariat' FROM organisations WHERE slug = 'inny';"
	      "INSERT INTO requests (org_id, unit_id, case_number, case_class, case_seq, case_year, kind, "
	      "channel, received_at, received_on, subject, body, delivery, state, tracking_hash) "
	      "SELECT o.id, n.id, 'SEK.1431.1.2026', '1431', 1, 2026, 'public_information', 'post', "
	      "now(), '2026-11-02', 'Obca sprawa', 'Treść', 'post', 'received', sha256('inny') "
	      "FROM organisations o JOIN units n ON n.org_id = o.id WHERE o.slug = 'inny';"
	      "INSERT INTO requesters (request_id, org_id, name, email) "
	      "SELECT r.id, r.org_id, 'Zenobia Pióro-Kwiatkowska', 'zenobia.pk@example.org' "
	      "FROM requests r WHERE r.case_number = 'SEK.1431.1.2026'");
	return 0;
}

/* ---- Who may --------------------------------------------------------------- */

static void test_only_the_officer_and_the_administrator_open_the_page(void **state)
{
	struct hresp r;
	h_get("/panel/iod", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(h_header(&r, "Location"), "/panel/logowanie"));
	h_free(&r);
	h_post_form("/panel/iod/eksport", "q=zenobia.pk%40example.org", &r);
	assert_int_equal(r.status, 401);
	h_free(&r);
	const struct u_staff *refused[] = {&clerk, &manager};
	for (size_t i = 0; i < 2; i++) {
		u_staff_get(refused[i], "/panel/iod", &r);
		assert_int_equal(r.status, 403);
		h_free(&r);
		post_q(refused[i], "/panel/iod", PERSON_EMAIL, "", &r);
		assert_int_equal(r.status, 403);
		assert_null(strstr(r.body, number_a));
		h_free(&r);
		post_q(refused[i], "/panel/iod/eksport", PERSON_EMAIL, "", &r);
		assert_int_equal(r.status, 403);
		h_free(&r);
	}
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'privacy_access_export'"), 0);
	const struct u_staff *allowed[] = {&iod, &admin};
	for (size_t i = 0; i < 2; i++) {
		u_staff_get(allowed[i], "/panel/iod", &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body, "<h1>Ochrona danych osobowych</h1>"));
		assert_non_null(strstr(r.body, "href=\"/panel/iod\""));
		h_free(&r);
	}
	/* The officer is no clerk: no queue, no case, no letter. */
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", id_a);
	const char *clerk_pages[] = {"/panel", path, "/panel/pisma", "/panel/pulpit", "/panel/admin"};
	for (size_t i = 0; i < sizeof clerk_pages / sizeof clerk_pages[0]; i++) {
		u_staff_get(&iod, clerk_pages[i], &r);
		assert_int_equal(r.status, 403);
		h_free(&r);
	}
	u_staff_get(&iod, "/panel/konto", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "inspektor ochrony danych"));
	assert_null(strstr(r.body, "href=\"/panel\">")); /* the queue is not offered */
	h_free(&r);
}

/* ---- Finding the person ------------------------------------------------------ */

static void assert_finds_a_and_b_only(const struct hresp *r)
{
	if (r->status != 200)
		fprintf(stderr, "search: %ld %.600s\n", r->status, r->body);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, number_a));
	assert_non_null(strstr(r->body, number_b));
	assert_null(strstr(r->body, number_c));
	assert_null(strstr(r->body, "SEK.1431.1.2026"));
	assert_null(strstr(r->body, "Jan Nowak"));
	assert_non_null(strstr(r->body, "Spraw: 2;"));
}

static void test_the_person_is_found_by_email_whatever_its_case(void **state)
{
	struct hresp r;
	post_q(&iod, "/panel/iod", "  ZENOBIA.pk@EXAMPLE.ORG ", "", &r);
	assert_finds_a_and_b_only(&r);
	/* Case A's letter, its attachment and the mail about it are counted. */
	assert_non_null(strstr(r.body, "pism: 1;"));
	assert_non_null(strstr(r.body, "załączników: 1;"));
	h_free(&r);
	/* An address is matched exactly, not as a part. */
	post_q(&iod, "/panel/iod", "pk@example.org", "", &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, number_a));
	assert_non_null(strstr(r.body, "Nie znaleziono spraw"));
	h_free(&r);
}

static void test_the_person_is_found_by_name_in_any_case_form(void **state)
{
	/* Genitive without diacritics, lower case; instrumental; the surname
	 * first; the accusative of the surname alone. */
	static const char *const forms[] = {"zenobii pioro-kwiatkowskiej",
	                                    "Zenobią Pióro-Kwiatkowską", "PIÓRO-KWIATKOWSKA Zenobia",
	                                    "Pióro-Kwiatkowską"};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		struct hresp r;
		post_q(&iod, "/panel/iod", forms[i], "", &r);
		if (!r.body || !strstr(r.body, number_a))
			fprintf(stderr, "not found by \"%s\"\n", forms[i]);
		assert_finds_a_and_b_only(&r);
		/* The query is kept in the form, so that the next step has it. */
		assert_non_null(strstr(r.body, "name=\"q\" value=\""));
		h_free(&r);
	}
	/* Another person of the same first name, or a part of a word: nobody. */
	static const char *const nobody[] = {"Zenobia Kowalska", "Kwiat", "Zenobiusz Pióro"};
	for (size_t i = 0; i < sizeof nobody / sizeof nobody[0]; i++) {
		struct hresp r;
		post_q(&iod, "/panel/iod", nobody[i], "", &r);
		assert_int_equal(r.status, 200);
		if (strstr(r.body, number_a))
			fprintf(stderr, "found by \"%s\"\n", nobody[i]);
		assert_null(strstr(r.body, number_a));
		h_free(&r);
	}
}

static void test_a_bad_query_is_said_at_the_field(void **state)
{
	static const char *const bad[] = {"", "   ", "J", "@", "a b c d e f g h i j"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct hresp r;
		post_q(&iod, "/panel/iod", bad[i], "", &r);
		assert_int_equal(r.status, 422);
		assert_non_null(strstr(r.body, "id=\"q-error\""));
		h_free(&r);
	}
	/* Bytes that are not UTF-8: the form does not parse, 400, no crash. */
	struct hresp r;
	u_staff_post(&iod, "/panel/iod", "q=%FF%FE", &r);
	assert_true(r.status == 400 || r.status == 422);
	h_free(&r);
}

/* ---- The access export -------------------------------------------------------- */

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
}

static char *sql_text(const char *sql)
{
	PGconn *c = h_db();
	PGresult *q = PQexec(c, sql);
	assert_int_equal(PQresultStatus(q), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(q), 1);
	char *v = strdup(PQgetvalue(q, 0, 0));
	PQclear(q);
	PQfinish(c);
	return v;
}

/* The ZIP read by Python's zipfile too: every CRC, every name. */
static void python_tests_zip(const struct hresp *r)
{
	char path[] = "/tmp/test_iod_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r->body, r->len), (ssize_t)r->len);
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "python3 -m zipfile -t %s >/dev/null 2>&1", path);
	int rc = system(cmd);
	unlink(path);
	assert_int_equal(rc, 0);
}

static void test_the_export_is_a_zip_of_everything_held_and_is_audited(void **state)
{
	struct hresp r;
	post_q(&iod, "/panel/iod/eksport", "zenobii pioro-kwiatkowskiej", "", &r);
	if (r.status != 200)
		fprintf(stderr, "export: %ld %.600s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/zip");
	assert_non_null(strstr(h_header(&r, "Content-Disposition"), "attachment;"));
	assert_non_null(strstr(h_header(&r, "Cache-Control"), "no-store"));
	python_tests_zip(&r);
	struct zr_archive z;
	const char *why;
	if (!zr_read(r.body, r.len, &z, &why))
		fail_msg("not a ZIP: %s", why);

	/* dane.json: both cases, the requester rows, the letter, the attachment. */
	const struct zr_entry *dane = zr_find(&z, "dane.json");
	assert_non_null(dane);
	json_error_t je;
	json_t *d = json_loadb((const char *)dane->data, dane->len, 0, &je);
	assert_non_null(d);
	json_t *cases = json_object_get(d, "sprawy");
	assert_int_equal(json_array_size(cases), 2);
	bool seen_a = false, seen_b = false;
	size_t i;
	json_t *v;
	json_array_foreach(cases, i, v) {
		const char *n = json_string_value(json_object_get(v, "case_number"));
		seen_a |= !strcmp(n, number_a);
		seen_b |= !strcmp(n, number_b);
		assert_string_not_equal(n, number_c);
	}
	assert_true(seen_a && seen_b);
	json_t *who = json_object_get(d, "wnioskodawca");
	assert_int_equal(json_array_size(who), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(who, 0), "name")),
	                    "Zenobia Pióro-Kwiatkowska");
	assert_true(json_array_size(json_object_get(d, "zdarzenia")) >= 5);
	assert_true(json_array_size(json_object_get(d, "korespondencja")) >= 1);
	assert_null(strstr((const char *)dane->data, "Jan Nowak"));
	assert_null(strstr((const char *)dane->data, "tracking_hash"));

	/* The issued letter's PDF, byte for byte as the database holds it. */
	json_t *docs = json_object_get(d, "pisma");
	assert_int_equal(json_array_size(docs), 1);
	const char *pdf_path = json_string_value(json_object_get(json_array_get(docs, 0), "file"));
	char want_path[128];
	snprintf(want_path, sizeof want_path, "dokumenty/%s-1.pdf", number_a);
	assert_string_equal(pdf_path, want_path);
	const struct zr_entry *pdf = zr_find(&z, pdf_path);
	assert_non_null(pdf);
	assert_memory_equal(pdf->data, "%PDF-", 5);
	char got[65], q[512];
	sha256_hex(pdf->data, pdf->len, got);
	snprintf(q, sizeof q,
	         "SELECT encode(sha256, 'hex') FROM documents WHERE request_id = %lld AND seq = 1 "
	         "AND sha256 = sha256(pdf)",
	         id_a);
	char *want = sql_text(q);
	assert_string_equal(got, want);
	assert_string_equal(json_string_value(json_object_get(json_array_get(docs, 0), "sha256")), want);
	free(want);

	/* The attachment, exactly as uploaded. */
	json_t *atts = json_object_get(d, "zalaczniki");
	assert_int_equal(json_array_size(atts), 1);
	const char *att_path = json_string_value(json_object_get(json_array_get(atts, 0), "file"));
	assert_non_null(strstr(att_path, "-skan wniosku.pdf"));
	assert_int_equal(strncmp(att_path, "zalaczniki/", 11), 0);
	const struct zr_entry *att = zr_find(&z, att_path);
	assert_non_null(att);
	assert_int_equal(att->len, sizeof scan - 1);
	assert_memory_equal(att->data, scan, sizeof scan - 1);
	sha256_hex(att->data, att->len, got);
	assert_string_equal(json_string_value(json_object_get(json_array_get(atts, 0), "sha256")), got);
	assert_int_equal(z.n, 3); /* dane.json, the letter, the attachment */
	json_decref(d);
	zr_free(&z);
	h_free(&r);

	/* Who exported whose data: the officer, the two requester rows, the
	 * counts; never the name or the address searched for. */
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'privacy_access_export'"), 1);
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events e JOIN users u ON u.id = e.actor_user_id "
	         "WHERE e.action = 'privacy_access_export' AND e.actor = 'iod' AND e.request_id IS NULL "
	         "AND u.email = 'iod@mon.example' AND e.data->'requests' @> '[%lld, %lld]' "
	         "AND (e.data->>'cases')::int = 2 AND (e.data->>'files')::int = 2",
	         id_a, id_b);
	assert_int_equal(u_count(q), 1);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'privacy_access_export' "
	                         "AND (data::text ILIKE '%zenob%' OR data::text ILIKE '%example.org%' "
	                         "OR data::text ILIKE '%kwiatkow%')"),
	                 0);
}

static void test_an_export_of_nobody_is_said_and_not_audited(void **state)
{
	struct hresp r;
	post_q(&iod, "/panel/iod/eksport", "nikt@example.org", "", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "Nie znaleziono spraw tej osoby"));
	assert_non_null(strstr(r.body, "value=\"nikt@example.org\""));
	h_free(&r);
	post_q(&iod, "/panel/iod/eksport", "", "", &r);
	assert_int_equal(r.status, 422);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'privacy_access_export'"), 1);
}

/* ---- Erasure on request --------------------------------------------------------- */

static void erase(long long id, const char *reason, bool force, struct hresp *r)
{
	char more[512];
	char *e = u_enc(reason);
	snprintf(more, sizeof more, "&sprawa=%lld&reason=%s%s", id, e, force ? "&force=1" : "");
	free(e);
	post_q(&iod, "/panel/iod/usuniecie", PERSON_EMAIL, more, r);
}

#define REASON "Żądanie z 2.11.2026, art. 17 ust. 1 lit. a RODO"

static void test_an_open_case_is_not_erased_and_the_reason_is_shown(void **state)
{
	long before = u_count("SELECT count(*) FROM events WHERE action = 'privacy_erase'");
	struct hresp r;
	erase(id_a, REASON, true, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "Sprawa nie jest zakończona"));
	/* In place: at the case's form, with what was typed, the results kept. */
	char *at = strstr(r.body, "id=\"usun-");
	assert_non_null(at);
	assert_non_null(strstr(r.body, "Żądanie z 2.11.2026, art. 17 ust. 1 lit. a RODO</textarea>"));
	assert_non_null(strstr(r.body, number_b));
	/* And at the top, where the page opens after the post: the title says
	 * it failed, and a summary links to the case's field (WCAG 3.3.1). */
	assert_non_null(strstr(r.body, "<title>Błąd: Ochrona danych osobowych"));
	char link[160];
	snprintf(link, sizeof link, "Nie usunięto danych ze sprawy <a href=\"#reason-%lld\">%s</a>: Sprawa nie",
	         id_a, number_a);
	char *top = strstr(r.body, link);
	assert_non_null(top);
	assert_true(top < at);
	h_free(&r);
	char q[160];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM requesters WHERE request_id = %lld "
	         "AND name = 'Zenobia Pióro-Kwiatkowska' AND email = '" PERSON_EMAIL "'",
	         id_a);
	assert_int_equal(u_count(q), 1);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'privacy_erase'"), before);

	/* A reason is required, and it must not name the person: it stays in
	 * the hash-chained event for ever. */
	erase(id_b, "  ", true, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Podaj podstawę usunięcia"));
	h_free(&r);
	erase(id_b, "Żądanie Zenobii Pióro-Kwiatkowskiej z 2.11.2026", true, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "nie może zawierać danych osobowych"));
	assert_non_null(strstr(r.body, "Żądanie Zenobii Pióro-Kwiatkowskiej z 2.11.2026</textarea>"));
	h_free(&r);
	/* A case of another organisation is not found. */
	erase(u_count("SELECT id FROM requests WHERE case_number = 'SEK.1431.1.2026'"), REASON, true, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'privacy_erase'"), before);
}

static void test_a_closed_case_is_erased_with_another_legal_ground(void **state)
{
	struct hresp r;
	/* Closed today: its retention period runs. */
	erase(id_b, REASON, false, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "Biegnie okres przechowywania"));
	h_free(&r);
	erase(id_b, REASON, true, &r);
	if (r.status != 200)
		fprintf(stderr, "erase: %ld %.600s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	char notice[160];
	snprintf(notice, sizeof notice, "Dane osobowe wnioskodawcy sprawy %s zostały usunięte.", number_b);
	assert_non_null(strstr(r.body, notice));
	/* The address no longer finds case B; case A is still there. */
	char form_b[48];
	snprintf(form_b, sizeof form_b, "id=\"usun-%lld\"", id_b);
	assert_non_null(strstr(r.body, number_a));
	assert_null(strstr(r.body, form_b));
	h_free(&r);
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM requesters WHERE request_id = %lld AND email = '' "
	         "AND name NOT ILIKE '%%zenob%%'",
	         id_b);
	assert_int_equal(u_count(q), 1);
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = 'privacy_erase' "
	         "AND actor = 'iod' AND (data->>'force_retention')::boolean",
	         id_b);
	assert_int_equal(u_count(q), 1);
	/* An erased requester is nobody: the placeholder finds nothing. */
	post_q(&iod, "/panel/iod", "dane usunięte", "", &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, number_b));
	h_free(&r);
	/* Twice is refused with its reason, said although the address no
	 * longer lists the case. */
	erase(id_b, REASON, true, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "zostały już usunięte"));
	assert_non_null(strstr(r.body, "<title>Błąd: Ochrona danych osobowych"));
	h_free(&r);
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "audit verify: %s\n", out);
	assert_int_equal(rc, 0);
	free(out);
}

int main(void)
{
	h_setup_db("iod");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_only_the_officer_and_the_administrator_open_the_page),
	    cmocka_unit_test(test_the_person_is_found_by_email_whatever_its_case),
	    cmocka_unit_test(test_the_person_is_found_by_name_in_any_case_form),
	    cmocka_unit_test(test_a_bad_query_is_said_at_the_field),
	    cmocka_unit_test(test_the_export_is_a_zip_of_everything_held_and_is_audited),
	    cmocka_unit_test(test_an_export_of_nobody_is_said_and_not_audited),
	    cmocka_unit_test(test_an_open_case_is_not_erased_and_the_reason_is_shown),
	    cmocka_unit_test(test_a_closed_case_is_erased_with_another_legal_ground),
	};
	int failed = cmocka_run_group_tests_name("iod", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
