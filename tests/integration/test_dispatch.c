/* SPDX-License-Identifier: EUPL-1.2 */
/* Lawful dispatch (issue 18, docs/dispatch.md) through the panel, with the
 * clock frozen on 1 March 2090, then on 31 March 2090: a decision by e-mail is refused with the
 * law's reason; a decision by registered letter is printed (address in
 * the envelope's window, the return receipt), posted, and its receipt
 * date starts the appeal term; a letter returned not collected is deemed
 * delivered on the last day of the 14 (KPA art. 44); the book of
 * registered dispatches as CSV (injection-safe) and PDF; the tracking
 * page's channel, state, date and the appeal term's end; a requester with
 * an e-Doręczenia address and the entry point the e-Doręczenia job calls;
 * information released by e-mail as before. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cases/dispatch.h"
#include "integration/cases_util.h"
#include "law/term.h"

#define NOW "2090-03-01T09:00:00Z"
#define LATER "2090-03-31T09:00:00Z"
#define ADE "AE:PL-12345-67890-ABCDE-12"

static struct u_staff clerk;
static char mail_dir[128];

/* The server with its clock frozen at `instant`, and the clerk signed in. */
static void start_at(const char *instant)
{
	snprintf(mail_dir, sizeof mail_dir, "build/test-mail-dispatch-%d", (int)getpid());
	static char dir_env[200], fake[64];
	snprintf(dir_env, sizeof dir_env, "JAWNOSC_MAIL_DIR=%s", mail_dir);
	snprintf(fake, sizeof fake, "JAWNOSC_FAKE_NOW=%s", instant);
	const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_MAIL_POLL_MS=100", fake, dir_env,
	                     NULL};
	setenv("JAWNOSC_FAKE_NOW", instant, 1);
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
}

static int setup(void **state)
{
	(void)state;
	start_at(NOW);
	return 0;
}

/* A case filed through the API by `name` with a postal address (and an
 * e-Doręczenia address when `ade`); its id, number and token. */
struct kase {
	long long id;
	char number[64], token[80];
};

static void file_at(const char *name, const char *postal, const char *ade, struct kase *k)
{
	json_t *who = json_pack("{s:s, s:s, s:s}", "name", name, "email", "wnioskodawca@example.pl",
	                        "postal_address", postal);
	if (ade)
		json_object_set_new(who, "ade_address", json_string(ade));
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:o}", "kind", "public_information", "subject",
	                         "Umowy na sprzątanie", "content",
	                         "Proszę o kopie umów na sprzątanie budynku.", "delivery", "email",
	                         "requester", who);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct hresp r;
	u_post_json("/api/v1/requests", text, &r);
	free(text);
	if (r.status != 201)
		fprintf(stderr, "filing: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	snprintf(k->number, sizeof k->number, "%s", u_str(j, "case_number"));
	snprintf(k->token, sizeof k->token, "%s", u_str(j, "tracking_token"));
	json_decref(j);
	h_free(&r);
	k->id = u_request_id(k->number);
}

static void file(const char *name, const char *ade, struct kase *k)
{
	file_at(name, "ul. Listowa 7\n00-950 Warszawa", ade, k);
}

/* The clerk's step; the number of the draft it leaves of `type`. */
static long act(const struct kase *k, const char *body, const char *type)
{
	char path[128], sql[256];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", k->id);
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	if (r.status != 303)
		fprintf(stderr, "step: %ld %.400s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(sql, sizeof sql,
	         "SELECT max(seq) FROM documents WHERE request_id = %lld AND type = '%s'", k->id, type);
	return u_count(sql);
}

/* Issues draft `seq` with its marks filled, by `channel` ("" to leave the
 * default); the answer in *r (the caller frees it). */
static void issue(const struct kase *k, long seq, const char *channel, struct hresp *r)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", k->id, seq);
	u_staff_get(&clerk, path, r);
	assert_int_equal(r->status, 200);
	char *md = u_markdown_of(r->body);
	h_free(r);
	char *enc = u_filled_and_encoded(md);
	size_t n = strlen(enc) + 64;
	char *form = malloc(n);
	snprintf(form, n, "potwierdzenie=tak&channel=%s&markdown=%s", channel, enc);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wystaw", k->id, seq);
	u_staff_post(&clerk, path, form, r);
	free(form);
	free(enc);
	free(md);
}

static long count(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long count(const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return u_count(sql);
}

/* pdftotext of a PDF (malloc'd). */
static char *pdf_text(const struct hresp *r)
{
	char in[160], cmd[400];
	snprintf(in, sizeof in, "build/test-dispatch-%d.pdf", (int)getpid());
	FILE *f = fopen(in, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
	fclose(f);
	snprintf(cmd, sizeof cmd, "pdftotext -layout %s - 2>/dev/null", in);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 20, n = 0;
	char *out = malloc(cap);
	size_t got;
	while ((got = fread(out + n, 1, cap - 1 - n, p)) > 0)
		n += got;
	out[n] = '\0';
	pclose(p);
	unlink(in);
	return out;
}

static void post(const char *path, const char *body, long want, const char *contains)
{
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	if (r.status != want)
		fprintf(stderr, "%s %s: %ld %.600s\n", path, body, r.status, r.body);
	assert_int_equal(r.status, want);
	if (contains && !strstr(r.body, contains))
		fail_msg("%s: no \"%s\" in %.2000s", path, contains, r.body);
	h_free(&r);
}

static struct kase a, b;
static long seq_a, seq_b;

static void test_a_decision_by_email_is_refused_with_the_reason(void **state)
{
	file("Jan Pocztowy", NULL, &a);
	seq_a = act(&a,
	            "action=refuse&version=1&legal_basis=privacy&text=Dane+os%C3%B3b+prywatnych."
	            "&persons=Jan+Nowak%2C+dyrektor",
	            "refusal_decision");
	assert_true(seq_a >= 1);
	/* The page offers the lawful channels, the letter preselected, and
	 * says why e-mail is not one of them. */
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", a.id, seq_a);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<option value=\"registered_letter\" selected>"));
	assert_null(strstr(r.body, "<option value=\"email\""));
	assert_non_null(strstr(r.body, "Niedozwolone: poczta elektroniczna (e-mail) — E-mail nie "
	                                "doręcza decyzji"));
	h_free(&r);
	/* Picked anyway: refused with the law core's reason, nothing issued
	 * nor dispatched. */
	issue(&a, seq_a, "email", &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "E-mail nie doręcza decyzji"));
	assert_non_null(strstr(r.body, "KPA art. 39"));
	h_free(&r);
	assert_int_equal(count("SELECT count(*) FROM documents WHERE request_id = %lld AND seq = %ld "
	                       "AND status = 'draft'", a.id, seq_a), 1);
	assert_int_equal(count("SELECT count(*) FROM dispatches WHERE request_id = %lld", a.id), 0);
	assert_int_equal(count("SELECT count(*) FROM outbox WHERE request_id = %lld AND "
	                       "attachment_document_id IS NOT NULL", a.id), 0);
	/* The tracking page is no way to deliver it either; an unknown
	 * channel is a field error. */
	issue(&a, seq_a, "tracking_page", &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "Strona sprawy nie doręcza decyzji"));
	h_free(&r);
	issue(&a, seq_a, "fax", &r);
	assert_int_equal(r.status, 422);
	h_free(&r);
}

static long did_a, did_b;

static void test_a_decision_by_registered_letter_is_printed_and_posted(void **state)
{
	struct hresp r;
	issue(&a, seq_a, "registered_letter", &r);
	if (r.status != 303)
		fprintf(stderr, "issue: %ld %.600s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	long did = did_a = count("SELECT id FROM dispatches WHERE request_id = %lld AND channel = "
	                         "'registered_letter' AND state = 'queued' AND address LIKE "
	                         "'Jan Pocztowy%%'",
	                         a.id);
	assert_true(did > 0);
	assert_int_equal(count("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'dispatch' AND data->>'channel' = 'registered_letter'", a.id), 1);
	/* The letter to print: the window's address, the decision, the return
	 * receipt. */
	char path[200];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld/list.pdf", a.id, seq_a,
	         did);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	char *text = pdf_text(&r);
	h_free(&r);
	static const char *const want[] = {"Jan Pocztowy", "ul. Listowa 7", "00-950 Warszawa",
	                                   "POLECONY ZA POTWIERDZENIEM ODBIORU", "DECYZJA",
	                                   "POTWIERDZENIE ODBIORU", "Pierwsze zawiadomienie dnia"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(text, want[i]))
			fail_msg("the letter has no \"%s\":\n%.3000s", want[i], text);
	assert_non_null(strstr(text, a.number));
	free(text);
	/* Received before it was posted: no. */
	char base[160];
	snprintf(base, sizeof base, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld", a.id, seq_a, did);
	snprintf(path, sizeof path, "%s/odbior", base);
	post(path, "date=2090-03-01", 409, "najpierw zapisz jego nadanie");
	/* Posted: a bad number, then the label's. */
	snprintf(path, sizeof path, "%s/nadanie", base);
	post(path, "number=%3Cscript%3E&date=2090-03-01", 422, "numer nadawczy");
	post(path, "number=RR123456785PL&date=2090-03-02", 422, "nie późniejszą niż dzisiaj");
	post(path, "number=RR123456785PL&date=2090-03-01", 303, NULL);
	post(path, "number=RR123456785PL&date=2090-03-01", 409, NULL);
	assert_int_equal(count("SELECT count(*) FROM dispatches WHERE id = %ld AND state = 'sent' "
	                       "AND external_id = 'RR123456785PL'", did), 1);
}

/* A second letter, posted the same day, for test_..._kpa_44. */
static void test_a_second_decision_by_the_default_channel_is_posted(void **state)
{
	/* A name a spreadsheet would take for a formula (the book's CSV). */
	file("=SUMA(A1) Kowalska", NULL, &b);
	seq_b = act(&b, "action=refuse&version=1&legal_basis=privacy&text=Dane+os%C3%B3b+prywatnych."
	                "&persons=Jan+Nowak%2C+dyrektor",
	            "refusal_decision");
	struct hresp r;
	issue(&b, seq_b, "", &r); /* the default: a registered letter */
	assert_int_equal(r.status, 303);
	h_free(&r);
	did_b = count("SELECT id FROM dispatches WHERE request_id = %lld AND channel = "
	              "'registered_letter'", b.id);
	assert_true(did_b > 0);
	char path[200];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld/nadanie", b.id, seq_b,
	         did_b);
	post(path, "number=RR000000001PL&date=2090-03-01", 303, NULL);
}

static void test_a_month_later(void **state)
{
	assert_int_equal(h_server_stop(), 0);
	start_at(LATER);
}

static void test_the_return_receipt_starts_the_appeal_term(void **state)
{
	long did = did_a;
	char base[160], path[200];
	snprintf(base, sizeof base, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld", a.id, seq_a, did);
	/* The return receipt's date, not before the posting. */
	snprintf(path, sizeof path, "%s/odbior", base);
	post(path, "date=2090-02-28", 422, "nie wcześniejszą niż nadanie");
	post(path, "date=2090-03-04", 303, NULL);
	post(path, "date=2090-03-04", 409, "już zapisane");
	assert_int_equal(count("SELECT count(*) FROM deliveries WHERE dispatch_id = %ld AND rule = "
	                       "'return_receipt' AND delivered_on = '2090-03-04'", did), 1);
	assert_int_equal(count("SELECT count(*) FROM dispatches WHERE id = %ld AND state = 'delivered' "
	                       "AND delivery_rule = 'return_receipt' AND external_id = 'RR123456785PL'",
	                       did), 1);
	/* The appeal term runs from the receipt, as the calendar counts it. */
	law_date_t from;
	assert_true(law_date_parse("2090-03-04", &from));
	law_term_calc_t t;
	law_error_t err;
	assert_true(law_term_compute(from, 14, LAW_UNIT_DAYS, NULL, &t, &err));
	char due[LAW_DATE_STRLEN];
	law_date_format(t.due, due);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'appeal_window' AND state = 'open' AND start_on = '2090-03-04' AND "
	                       "due_on = '%s'", a.id, due), 1);
	assert_int_equal(count("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'dispatch_delivered' AND data->>'rule' = 'return_receipt'", a.id), 1);
	assert_int_equal(count("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'record_delivery'", a.id), 1);
}

static void test_tracking_page_shows_channel_state_date_and_the_appeal_end(void **state)
{
	char path[160];
	snprintf(path, sizeof path, "/sprawa/%s", a.token);
	struct hresp r;
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	law_date_t from;
	assert_true(law_date_parse("2090-03-04", &from));
	law_term_calc_t t;
	assert_true(law_term_compute(from, 14, LAW_UNIT_DAYS, NULL, &t, NULL));
	char due[LAW_DATE_STRLEN], want[200];
	law_date_format(t.due, due);
	static const char *const parts[] = {
	    "Doręczenie: list polecony za potwierdzeniem odbioru — doręczone",
	    "Data doręczenia: <strong>2090-03-04</strong>",
	    "zwrotne potwierdzenie odbioru listu poleconego",
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (!strstr(r.body, parts[i]))
			fail_msg("no \"%s\" on the tracking page", parts[i]);
	snprintf(want, sizeof want, "termin na wniesienie odwołania upływa <strong>%s</strong>", due);
	if (!strstr(r.body, want))
		fail_msg("no \"%s\" on the tracking page", want);
	h_free(&r);
}

static void test_a_letter_returned_not_collected_is_deemed_delivered_under_kpa_44(void **state)
{
	long did = did_b;
	struct hresp r;
	char base[160], path[200];
	snprintf(base, sizeof base, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld", b.id, seq_b, did);
	/* Notified on 20 March: not deemed delivered before 3 April. */
	snprintf(path, sizeof path, "%s/zwrot", base);
	post(path, "date=2090-03-20", 422, "dopiero 2090-04-03");
	assert_int_equal(count("SELECT count(*) FROM deliveries WHERE dispatch_id = %ld", did), 0);
	post(path, "date=2090-02-28", 422, "nie wcześniejszą niż nadanie");
	/* KPA art. 44 §3: without the second notice, or with one before the 7
	 * days to collect have passed, nothing is deemed delivered. */
	post(path, "date=2090-03-03", 422, "powtórnego zawiadomienia");
	post(path, "date=2090-03-03&second_notice=2090-03-10", 422, "od 2090-03-11 do 2090-03-17");
	post(path, "date=2090-03-03&second_notice=2090-03-18", 422, "KPA art. 44 §2–3");
	assert_int_equal(count("SELECT count(*) FROM deliveries WHERE dispatch_id = %ld", did), 0);
	/* Notified on 3 March, again on 11 March: the last day of the 14 is 17
	 * March. */
	post(path, "date=2090-03-03&second_notice=2090-03-11", 303, NULL);
	assert_int_equal(count("SELECT count(*) FROM deliveries WHERE dispatch_id = %ld AND rule = "
	                       "'deemed_kpa44' AND delivered_on = '2090-03-17'", did), 1);
	assert_int_equal(count("SELECT count(*) FROM dispatches WHERE id = %ld AND state = 'deemed' "
	                       "AND delivered_on = '2090-03-17'", did), 1);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'appeal_window' AND start_on = '2090-03-17'", b.id), 1);
	assert_int_equal(count("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'dispatch_delivered' AND data->>'notice_on' = '2090-03-03' AND "
	                       "data->>'basis' = 'KPA art. 44 §4' AND "
	                       "data->>'second_notice_on' = '2090-03-11'", b.id), 1);
	snprintf(path, sizeof path, "/sprawa/%s", b.token);
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "uznane za doręczone"));
	assert_non_null(strstr(r.body, "<strong>2090-03-17</strong>"));
	assert_non_null(strstr(r.body, "KPA art. 44 §4"));
	h_free(&r);
}

static void test_the_book_of_registered_dispatches(void **state)
{
	struct hresp r;
	u_staff_get(&clerk, "/panel/pisma/ksiazka-nadawcza.csv?od=2090-03-01&do=2090-03-02", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "text/csv"));
	assert_memory_equal(r.body, "lp,adresat,adres,numer_nadawczy,znak_sprawy,", 44);
	/* In the order posted: a, then b. */
	const char *rb = strstr(r.body, "RR000000001PL"), *ra = strstr(r.body, "RR123456785PL");
	assert_non_null(ra);
	assert_non_null(rb);
	assert_true(ra < rb);
	assert_non_null(strstr(r.body, "2,\"'=SUMA(A1) Kowalska\",ul. Listowa 7 00-950 Warszawa,"));
	assert_non_null(strstr(r.body, "1,Jan Pocztowy,"));
	assert_non_null(strstr(r.body, a.number));
	assert_non_null(strstr(r.body, "polecony ZPO"));
	assert_null(strstr(r.body, "\n=SUMA"));
	assert_null(strstr(r.body, ",=SUMA"));
	h_free(&r);
	/* A day with nothing posted: the head only; a bad date is today. */
	u_staff_get(&clerk, "/panel/pisma/ksiazka-nadawcza.csv?od=2090-03-02&do=2090-03-30", &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "RR"));
	h_free(&r);
	u_staff_get(&clerk, "/panel/pisma/ksiazka-nadawcza.csv?od=%3Cx%3E&do=2999-99-99", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h_header(&r, "Content-Disposition"), "2090-03-31-2090-03-31"));
	h_free(&r);
	u_staff_get(&clerk, "/panel/pisma/ksiazka-nadawcza.pdf?od=2090-03-01&do=2090-03-01", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	char *text = pdf_text(&r);
	h_free(&r);
	assert_non_null(strstr(text, "KSIĄŻKA NADAWCZA"));
	assert_non_null(strstr(text, "RR123456785PL"));
	assert_non_null(strstr(text, "Jan Pocztowy"));
	assert_non_null(strstr(text, "Liczba przesyłek: 2"));
	free(text);
	/* Staff only. */
	h_get("/panel/pisma/ksiazka-nadawcza.csv", &r);
	assert_true(r.status == 303 || r.status == 401 || r.status == 403);
	h_free(&r);
}

/* A bad e-Doręczenia address is refused with a clear message; a good one
 * makes e-Doręczenia the way for decisions, and the entry point the
 * e-Doręczenia job calls records the delivery and starts the term. */
static void test_a_requester_with_an_ade_address_and_the_evidence_entry_point(void **state)
{
	struct hresp r;
	u_post_json("/api/v1/requests",
	            "{\"kind\":\"public_information\",\"subject\":\"Umowy\",\"content\":\"Proszę o "
	            "kopie umów.\",\"delivery\":\"email\",\"requester\":{\"email\":\"x@example.pl\","
	            "\"ade_address\":\"AE:PL-123\"}}",
	            &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "requester.ade_address"));
	assert_non_null(strstr(r.body, "AE:PL-12345-67890-ABCDE-12"));
	h_free(&r);

	struct kase c;
	file("Ewa Elektroniczna", ADE, &c);
	long seq = act(&c, "action=refuse&version=1&legal_basis=privacy&text=Dane+os%C3%B3b."
	                   "&persons=Jan+Nowak%2C+dyrektor",
	               "refusal_decision");
	issue(&c, seq, "registered_letter", &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "ma adres do doręczeń elektronicznych"));
	h_free(&r);
	issue(&c, seq, "", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	long did = count("SELECT id FROM dispatches WHERE request_id = %lld AND channel = "
	                 "'edoreczenia' AND state = 'queued' AND address = '" ADE "'", c.id);
	assert_true(did > 0);
	/* What the job does when the evidence arrives, twice (told again). */
	for (int i = 0; i < 2; i++) {
		PGconn *db = h_db();
		PGresult *x = PQexec(db, "BEGIN");
		PQclear(x);
		arena_t *ar = arena_new(4096);
		assert_int_equal(dispatch_record_delivery(db, ar, did, "2090-03-31", "evidence"), DB_OK);
		arena_free(ar);
		x = PQexec(db, "COMMIT");
		PQclear(x);
		PQfinish(db);
	}
	assert_int_equal(count("SELECT count(*) FROM deliveries WHERE dispatch_id = %ld AND rule = "
	                       "'evidence' AND delivered_on = '2090-03-31'", did), 1);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'appeal_window' AND start_on = '2090-03-31'", c.id), 1);
	assert_int_equal(count("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'record_delivery' AND actor = 'system'", c.id), 1);
	/* An unknown rule or dispatch is an error, nothing written. */
	PGconn *db = h_db();
	arena_t *ar = arena_new(4096);
	assert_int_equal(dispatch_record_delivery(db, ar, did, "2090-03-31", "pigeon"), DB_ERROR);
	assert_int_equal(dispatch_record_delivery(db, ar, 987654321, "2090-03-31", "evidence"),
	                 DB_ERROR);
	arena_free(ar);
	PQfinish(db);
}

/* A document to the appeal body goes with the files: no dispatch to the
 * requester, and none may be made. */
static void test_an_appeal_forwarding_is_not_dispatched_to_the_requester(void **state)
{
	char body[256];
	long v = count("SELECT version FROM requests WHERE id = %lld", a.id);
	snprintf(body, sizeof body, "action=appeal&version=%ld&text=Odwo%%C5%%82uj%%C4%%99+si%%C4%%99.", v);
	act(&a, body, "appeal_forwarding");
	v = count("SELECT version FROM requests WHERE id = %lld", a.id);
	snprintf(body, sizeof body, "action=forward_appeal&version=%ld&text=Stanowisko+organu.", v);
	long seq = act(&a, body, "appeal_forwarding");
	assert_true(seq > 0);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", a.id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Pismo do organu odwoławczego"));
	assert_null(strstr(r.body, "name=\"channel\""));
	h_free(&r);
	issue(&a, seq, "", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(count("SELECT count(*) FROM dispatches s JOIN documents d ON d.id = "
	                       "s.document_id WHERE d.request_id = %lld AND d.seq = %ld", a.id, seq), 0);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wysylka", a.id, seq);
	post(path, "channel=registered_letter", 409, "organu odwoławczego");
}

/* The longest name and address the form takes, in two-byte letters: the
 * dispatch keeps 500 characters of them, cut between characters. */
static void test_the_longest_name_and_address_fit_the_dispatch(void **state)
{
	char name[401 + 1] = "", postal[1000 + 1] = "";
	for (int i = 0; i < 200; i++)
		strcat(name, "Ż");
	for (int i = 0; i < 500; i++)
		strcat(postal, "ą");
	struct kase c;
	file_at(name, postal, NULL, &c);
	long seq = act(&c, "action=refuse&version=1&legal_basis=privacy&text=Dane+os%C3%B3b."
	                   "&persons=Jan+Nowak%2C+dyrektor",
	               "refusal_decision");
	struct hresp r;
	issue(&c, seq, "", &r);
	if (r.status != 303)
		fprintf(stderr, "issue: %ld %.300s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(count("SELECT count(*) FROM dispatches WHERE request_id = %lld AND "
	                       "char_length(address) = 500 AND address LIKE '%%ąą'", c.id), 1);
}

static bool eml_with_pdf(void)
{
	DIR *d = opendir(mail_dir);
	if (!d)
		return false;
	struct dirent *e;
	bool found = false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", mail_dir, e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		static char buf[1 << 20];
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
		found = strstr(buf, "application/pdf") && strstr(buf, "Udost");
	}
	closedir(d);
	return found;
}

static void test_information_is_still_released_by_email(void **state)
{
	struct kase c;
	file("Olga Mailowa", NULL, &c);
	long seq = act(&c, "action=provide&version=1&text=W+za%C5%82%C4%85czeniu+umowy.",
	               "information_release");
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", c.id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<option value=\"email\" selected>"));
	h_free(&r);
	issue(&c, seq, "", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(count("SELECT count(*) FROM dispatches WHERE request_id = %lld AND channel = "
	                       "'email' AND state = 'sent'", c.id), 1);
	assert_int_equal(count("SELECT count(*) FROM outbox o JOIN documents d ON d.id = "
	                       "o.attachment_document_id WHERE o.request_id = %lld AND d.seq = %ld",
	                       c.id, seq), 1);
	bool got = false;
	for (int i = 0; i < 100 && !got; i++) {
		got = eml_with_pdf();
		if (!got)
			usleep(100000);
	}
	assert_true(got);
}

int main(void)
{
	h_setup_db("dispatch");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_decision_by_email_is_refused_with_the_reason),
	    cmocka_unit_test(test_a_decision_by_registered_letter_is_printed_and_posted),
	    cmocka_unit_test(test_a_second_decision_by_the_default_channel_is_posted),
	    cmocka_unit_test(test_a_month_later),
	    cmocka_unit_test(test_the_return_receipt_starts_the_appeal_term),
	    cmocka_unit_test(test_tracking_page_shows_channel_state_date_and_the_appeal_end),
	    cmocka_unit_test(test_a_letter_returned_not_collected_is_deemed_delivered_under_kpa_44),
	    cmocka_unit_test(test_the_book_of_registered_dispatches),
	    cmocka_unit_test(test_a_requester_with_an_ade_address_and_the_evidence_entry_point),
	    cmocka_unit_test(test_an_appeal_forwarding_is_not_dispatched_to_the_requester),
	    cmocka_unit_test(test_the_longest_name_and_address_fit_the_dispatch),
	    cmocka_unit_test(test_information_is_still_released_by_email),
	};
	int failed = cmocka_run_group_tests_name("dispatch", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
