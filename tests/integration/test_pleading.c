/* Unsigned pleadings (issue 18 §5; KPA art. 63 §3, art. 64 §2;
 * docs/dispatch.md, "Unsigned pleadings") over real HTTP, the clock frozen
 * on 1 March 2090, then on 20 March 2090: an appeal filed through the
 * tracking page is recorded unsigned; the clerk's case page says so and
 * offers the call to sign it; the call is a letter, issued and dispatched
 * as one that starts the requester's term, and the 7 days run from its
 * delivery as the calendar counts them; the tracking page tells the
 * requester how to remedy it; the signature recorded ends the term and
 * starts the art. 133 term; with no signature the appeal is left
 * unprocessed by letter; where the organisation's policy accepts unsigned
 * pleadings, nothing of that happens and the case page shows its note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"
#include "law/term.h"

#define NOW "2090-03-01T09:00:00Z"
#define LATER "2090-03-20T09:00:00Z"
#define TODAY "2090-03-01"
#define NOTE "Urząd traktuje stronę sprawy jako kanał, w którym wnoszący jest zidentyfikowany."

static struct u_staff clerk;
static char today[16] = "2090-03-01"; /* the frozen clock's day */

static void start_at(const char *instant)
{
	snprintf(today, sizeof today, "%.10s", instant);
	static char fake[64];
	snprintf(fake, sizeof fake, "JAWNOSC_FAKE_NOW=%s", instant);
	const char *env[] = {"JAWNOSC_FILING_RATE=100000", fake, NULL};
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

struct kase {
	long long id;
	char number[64], token[80];
};

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

static void file(const char *name, struct kase *k)
{
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}}", "kind",
	                         "public_information", "subject", "Umowy na sprzątanie", "content",
	                         "Proszę o kopie umów na sprzątanie budynku.", "delivery", "email",
	                         "requester", "name", name, "email", "wnioskodawca@example.pl",
	                         "postal_address", "ul. Listowa 7\n00-950 Warszawa");
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct hresp r;
	u_post_json("/api/v1/requests", text, &r);
	free(text);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	snprintf(k->number, sizeof k->number, "%s", u_str(j, "case_number"));
	snprintf(k->token, sizeof k->token, "%s", u_str(j, "tracking_token"));
	json_decref(j);
	h_free(&r);
	k->id = u_request_id(k->number);
}

static void post(const char *path, const char *body, long want)
{
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	if (r.status != want)
		fprintf(stderr, "%s %s: %ld %.800s\n", path, body, r.status, r.body);
	assert_int_equal(r.status, want);
	h_free(&r);
}

/* The clerk's step; the number of the draft of `type` it leaves (0: none). */
static long act(const struct kase *k, const char *body, const char *type)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", k->id);
	post(path, body, 303);
	return count("SELECT coalesce(max(seq), 0) FROM documents WHERE request_id = %lld AND "
	             "type = '%s'", k->id, type);
}

static long version_of(const struct kase *k)
{
	return count("SELECT version FROM requests WHERE id = %lld", k->id);
}

/* Issues draft `seq` by the default channel (a registered letter: both
 * the decision and the call start a term of the requester), posts it and
 * records its return receipt, all on the frozen clock's day. */
static void issue_and_deliver(const struct kase *k, long seq)
{
	char path[300];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", k->id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	char *enc = u_filled_and_encoded(md);
	size_t n = strlen(enc) + 64;
	char *form = malloc(n);
	snprintf(form, n, "potwierdzenie=tak&channel=&markdown=%s", enc);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wystaw", k->id, seq);
	post(path, form, 303);
	free(form);
	free(enc);
	free(md);
	long did = count("SELECT id FROM dispatches WHERE request_id = %lld AND document_id = "
	                 "(SELECT id FROM documents WHERE request_id = %lld AND seq = %ld) AND "
	                 "channel = 'registered_letter'", k->id, k->id, seq);
	assert_true(did > 0);
	char base[200];
	snprintf(base, sizeof base, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld", k->id, seq, did);
	char form2[80];
	snprintf(path, sizeof path, "%s/nadanie", base);
	snprintf(form2, sizeof form2, "number=RR123456785PL&date=%s", today);
	post(path, form2, 303);
	snprintf(path, sizeof path, "%s/odbior", base);
	snprintf(form2, sizeof form2, "date=%s", today);
	post(path, form2, 303);
}

/* A refusal, delivered today: the appeal window runs. */
static void refused_and_delivered(const char *name, struct kase *k)
{
	file(name, k);
	long seq = act(k, "action=refuse&version=1&legal_basis=privacy&text=Dane+os%C3%B3b+"
	                  "prywatnych.&persons=Jan+Nowak%2C+dyrektor",
	               "refusal_decision");
	assert_true(seq >= 1);
	issue_and_deliver(k, seq);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'appeal_window' AND state = 'open'", k->id), 1);
}

/* The requester appeals through the tracking page's form. */
static void appeal_on_the_page(const struct kase *k)
{
	struct u_form fp;
	u_open_form(&fp);
	char path[200], body[512];
	snprintf(path, sizeof path, "/sprawa/%s/czynnosc", k->token);
	snprintf(body, sizeof body,
	         "csrf=%s&action=appeal&version=%ld&text=Nie+zgadzam+si%%C4%%99+z+decyzj%%C4%%85.",
	         fp.csrf, version_of(k));
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp.cookie, NULL};
	struct hresp r;
	h_request("POST", path, hdr, body, strlen(body), &r);
	if (r.status != 303)
		fprintf(stderr, "appeal: %ld %.800s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

static char *page_of(const char *path, bool staff)
{
	struct hresp r;
	if (staff)
		u_staff_get(&clerk, path, &r);
	else
		h_get(path, &r);
	assert_int_equal(r.status, 200);
	char *body = strdup(r.body);
	h_free(&r);
	return body;
}

static char *case_page(const struct kase *k)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", k->id);
	return page_of(path, true);
}

static char *tracking_page(const struct kase *k)
{
	char path[160];
	snprintf(path, sizeof path, "/sprawa/%s", k->token);
	return page_of(path, false);
}

static void has(const char *page, const char *needle)
{
	if (!strstr(page, needle))
		fail_msg("no \"%s\" in the page:\n%.4000s", needle, page);
}

static void lacks(const char *page, const char *needle)
{
	if (strstr(page, needle))
		fail_msg("\"%s\" should not be in the page", needle);
}

/* Today + `days` by KPA art. 57, as "YYYY-MM-DD". */
static void due_from(const char *from, int days, char out[LAW_DATE_STRLEN])
{
	law_date_t d;
	assert_true(law_date_parse(from, &d));
	law_term_calc_t t;
	assert_true(law_term_compute(d, days, LAW_UNIT_DAYS, NULL, &t, NULL));
	law_date_format(t.due, out);
}

static struct kase a, b, c;

static void test_an_appeal_from_the_tracking_page_waits_for_a_signature(void **state)
{
	refused_and_delivered("Jan Odwołujący", &a);
	appeal_on_the_page(&a);
	/* Recorded as today, in time, and unsigned. */
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'pleading_unsigned'", a.id), 1);
	assert_int_equal(count("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'appeal' AND actor = 'requester' AND data->>'signed' = 'false' AND "
	                       "data->>'date' = '" TODAY "'", a.id), 1);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'appeal_window' AND state = 'met'", a.id), 1);
	/* Art. 133 runs only once the defect is remedied. */
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'forward_appeal'", a.id), 0);

	char *p = case_page(&a);
	has(p, "Brak podpisu:");
	has(p, "KPA art. 63 § 3");
	has(p, "name=\"action\" value=\"call_to_sign\"");
	has(p, "Wezwanie do usunięcia braku formalnego (podpisu)");
	lacks(p, "name=\"action\" value=\"forward_appeal\"");
	lacks(p, "name=\"action\" value=\"leave_unprocessed\"");
	free(p);
	p = tracking_page(&a);
	has(p, "Potrzebny podpis: odwołanie z dnia " TODAY);
	has(p, "przez e-Doręczenia lub ePUAP");
	has(p, "podpisując pismo w siedzibie urzędu");
	has(p, "art. 64 § 2");
	free(p);
}

static long call_seq;

static void test_the_call_is_a_letter_and_its_delivery_starts_7_days(void **state)
{
	char body[128];
	snprintf(body, sizeof body, "action=call_to_sign&version=%ld", version_of(&a));
	call_seq = act(&a, body, "signature_call");
	assert_true(call_seq >= 1);
	/* The call waits for its letter (issue 21 item 1). */
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'pleading_unsigned'", a.id), 1);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", a.id, call_seq);
	char *p = page_of(path, true);
	has(p, "art. 64 § 2");
	has(p, "terminie 7 dni od dnia doręczenia");
	has(p, "pozostawienie podania bez rozpoznania");
	/* It starts a term: neither e-mail nor the page may carry it. */
	lacks(p, "<option value=\"email\"");
	free(p);
	issue_and_deliver(&a, call_seq);
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'signature_called'", a.id), 1);
	char due[LAW_DATE_STRLEN];
	due_from(TODAY, 7, due);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'signature_window' AND state = 'open' AND start_on = '" TODAY "' "
	                       "AND due_on = '%s' AND basis = 'KPA art. 64 §2'", a.id, due), 1);
	char want[160];
	p = tracking_page(&a);
	snprintf(want, sizeof want, "termin upływa <strong>%s</strong>", due);
	has(p, want);
	has(p, "Urząd wezwał do usunięcia tego braku");
	free(p);
	p = case_page(&a);
	snprintf(want, sizeof want, "termin upływa %s", due);
	has(p, want);
	has(p, "name=\"action\" value=\"record_signature\"");
	free(p);
	/* Too early to leave it unprocessed: the law core's reason. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", a.id);
	snprintf(body, sizeof body, "action=leave_unprocessed&version=%ld", version_of(&a));
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	assert_int_equal(r.status, 409);
	has(r.body, "termin na usunięcie braku podpisu");
	h_free(&r);
}

static void test_the_signature_recorded_ends_the_term(void **state)
{
	char body[256];
	snprintf(body, sizeof body, "action=record_signature&version=%ld&sent=" TODAY
	                            "&text=Pismo+podpisane+przez+ePUAP.", version_of(&a));
	act(&a, body, "signature_call");
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'appeal_pending'", a.id), 1);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'signature_window' AND state = 'met'", a.id), 1);
	char due[LAW_DATE_STRLEN];
	due_from(TODAY, 7, due);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'forward_appeal' AND state = 'open' AND start_on = '" TODAY "' AND "
	                       "due_on = '%s'", a.id, due), 1);
	char *p = case_page(&a);
	lacks(p, "Brak podpisu:");
	has(p, "name=\"action\" value=\"forward_appeal\"");
	free(p);
	p = tracking_page(&a);
	lacks(p, "Potrzebny podpis");
	free(p);
}

/* A second appeal whose call goes unanswered. */
static void test_a_second_unsigned_appeal_is_called_today(void **state)
{
	refused_and_delivered("Anna Milcząca", &b);
	appeal_on_the_page(&b);
	char body[128];
	snprintf(body, sizeof body, "action=call_to_sign&version=%ld", version_of(&b));
	long seq = act(&b, body, "signature_call");
	issue_and_deliver(&b, seq);
}

static void test_later(void **state)
{
	assert_int_equal(h_server_stop(), 0);
	start_at(LATER);
}

static void test_with_no_signature_in_time_the_appeal_is_left_unprocessed(void **state)
{
	char body[128];
	snprintf(body, sizeof body, "action=leave_unprocessed&version=%ld", version_of(&b));
	long seq = act(&b, body, "pleading_unprocessed_letter");
	assert_true(seq >= 1);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", b.id, seq);
	char *p = page_of(path, true);
	has(p, "Pismo o pozostawieniu podania bez rozpoznania");
	has(p, "podanie pozostaje bez rozpoznania");
	has(p, "art. 64 § 2");
	free(p);
	/* Sent, the step takes effect (issue 21 item 1). */
	u_send_letter(&clerk, path);
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'closed_final'", b.id), 1);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'signature_window' AND state = 'passed'", b.id), 1);
}

static void test_where_the_policy_accepts_it_nothing_is_called_and_the_note_shows(void **state)
{
	PGconn *db = h_db();
	PGresult *res = PQexec(db, "UPDATE organisations SET policy_unsigned_pleadings = true, "
	                           "policy_unsigned_note = '" NOTE "' WHERE slug = 'mon'");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(db);
	refused_and_delivered("Piotr Przyjęty", &c);
	appeal_on_the_page(&c);
	assert_int_equal(count("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'appeal_pending'", c.id), 1);
	assert_int_equal(count("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'appeal' AND data->>'unsigned_note' = '" NOTE "'", c.id), 1);
	assert_int_equal(count("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'forward_appeal' AND state = 'open' AND start_on = '2090-03-20'",
	                       c.id), 1);
	assert_int_equal(count("SELECT count(*) FROM documents WHERE request_id = %lld AND type = "
	                       "'signature_call'", c.id), 0);
	char *p = case_page(&c);
	lacks(p, "Brak podpisu:");
	lacks(p, "value=\"call_to_sign\"");
	has(p, "przyjęte zgodnie z ustawieniem urzędu");
	has(p, NOTE);
	free(p);
	p = tracking_page(&c);
	lacks(p, "Potrzebny podpis");
	lacks(p, NOTE);
	free(p);
}

int main(void)
{
	h_setup_db("pleading");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_an_appeal_from_the_tracking_page_waits_for_a_signature),
	    cmocka_unit_test(test_the_call_is_a_letter_and_its_delivery_starts_7_days),
	    cmocka_unit_test(test_the_signature_recorded_ends_the_term),
	    cmocka_unit_test(test_a_second_unsigned_appeal_is_called_today),
	    cmocka_unit_test(test_later),
	    cmocka_unit_test(test_with_no_signature_in_time_the_appeal_is_left_unprocessed),
	    cmocka_unit_test(test_where_the_policy_accepts_it_nothing_is_called_and_the_note_shows),
	};
	int failed = cmocka_run_group_tests_name("pleading", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
