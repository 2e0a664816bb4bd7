/* SPDX-License-Identifier: EUPL-1.2 */
/* Matching replies and bounces (issue 19 §2, docs/inbound.md), with the
 * clock frozen on Friday 10 March 2090: a call to clarify dated Thursday
 * 2 March goes out by e-mail with the case's reply address (Reply-To, the
 * letter's text) and its Message-ID recorded; parsed messages inserted
 * the way the parse job leaves them are routed by the route job of the
 * running server: a reply to the reply address is attached to the case,
 * shown with its date, and confirmed in one click, which restarts the
 * answer term from the day it arrived (Sunday 5 March: the 14 days end on
 * Sunday the 19th, so on Monday the 20th, KPA art. 57 §4); a wrong tag
 * does not match; References match; the case number in the subject
 * matches only from the requester's address; an auto-reply is put aside;
 * a bounce fails the outbox row and the dispatch and alerts the clerk;
 * two instances route each message once. */
#include <ctype.h>
#include <dirent.h>
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

#define NOW "2090-03-10T09:00:00Z"
#define CALL_DAY "2090-03-02"
#define ARRIVAL "2090-03-05"
#define REQUESTER "jan@example.pl"

static struct u_staff clerk;
static char mail_dir[128];
static const char *env[8];

static int setup(void **state)
{
	(void)state;
	snprintf(mail_dir, sizeof mail_dir, "build/test-mail-route-%d", (int)getpid());
	static char dir_env[200];
	snprintf(dir_env, sizeof dir_env, "JAWNOSC_MAIL_DIR=%s", mail_dir);
	const char *e[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_MAIL_POLL_MS=100",
	                   "JAWNOSC_INBOUND_POLL_MS=100", "JAWNOSC_FAKE_NOW=" NOW, dir_env, NULL};
	memcpy(env, e, sizeof e);
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	return 0;
}

/* Waits up to 10 s for `sql` (a count) to reach `want`. */
static void wait_for(long want, const char *sql)
{
	u_wait_countf(want, "%s", sql);
}

struct kase {
	long long id;
	char number[64];
	char reply_to[256], message_id[256]; /* of a mail to the requester */
	long long outbox_id;
};

static void clerk_step(const struct kase *k, const char *fields)
{
	u_clerk_step(&clerk, k->id, fields);
}

/* Issues the newest draft of `type` by `channel` and sends it. */
static void issue(const struct kase *k, const char *type, const char *channel)
{
	long seq = u_countf("SELECT max(seq) FROM documents WHERE request_id = %lld AND type = '%s'",
	                 k->id, type);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", k->id, seq);
	u_send_letter_by(&clerk, path, channel);
}

/* The mail to REQUESTER of case `k` (with a document or without), once
 * sent: its id, Message-ID and Reply-To into k. */
static void sent_mail(struct kase *k, bool with_document)
{
	const char *doc = with_document ? "IS NOT NULL" : "IS NULL";
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM outbox WHERE request_id = %lld AND attachment_document_id %s "
	         "AND recipient = '" REQUESTER "' AND status = 'sent' AND message_id IS NOT NULL",
	         k->id, doc);
	wait_for(1, sql);
	k->outbox_id = u_countf("SELECT id FROM outbox WHERE request_id = %lld AND "
	                     "attachment_document_id %s AND recipient = '" REQUESTER "'",
	                     k->id, doc);
	u_valuef(k->reply_to, sizeof k->reply_to, "SELECT coalesce(reply_to, '') FROM outbox WHERE id = %lld",
	      k->outbox_id);
	u_valuef(k->message_id, sizeof k->message_id, "SELECT message_id FROM outbox WHERE id = %lld",
	      k->outbox_id);
}

/* A request that came by e-mail on 1 March, registered by the clerk and
 * assigned to them: its acknowledgement mailed to REQUESTER. */
static void case_registered(struct kase *k)
{
	struct hresp r;
	u_staff_post(&clerk, "/panel/rejestracja",
	             "channel=email&received_on=2090-03-01&kind=public_information"
	             "&subject=Wydatki+na+promocj%C4%99&content=Prosz%C4%99+o+zestawienie+wydatk%C3%B3w."
	             "&delivery=email&email=jan%40example.pl&name=Jan+Nowak"
	             "&postal_address=ul.+Lipowa+1%2C+00-001+Warszawa",
	             &r);
	if (r.status != 303)
		fprintf(stderr, "register: %ld %.600s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	const char *loc = h_header(&r, "Location");
	assert_non_null(loc);
	k->id = atoll(strrchr(loc, '/') + 1);
	h_free(&r);
	u_valuef(k->number, sizeof k->number, "SELECT case_number FROM requests WHERE id = %lld", k->id);
	char fields[256];
	long long uid = u_countf("SELECT id FROM users WHERE email = 'urzednik@mon.example'");
	snprintf(fields, sizeof fields, "action=assign&assignee=%lld", uid);
	clerk_step(k, fields);
	sent_mail(k, false);
}

/* ... and called to clarify on CALL_DAY, the call issued (a registered
 * letter: e-mail does not deliver it, KPA art. 39). */
static void clock_at(const char *instant, const char *env_entry)
{
	assert_int_equal(h_server_stop(), 0);
	env[3] = env_entry;
	setenv("JAWNOSC_FAKE_NOW", instant, 1);
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
}

/* The call takes effect the day its letter is posted (issue 21 item 1):
 * the clock goes back to CALL_DAY for it, then on to NOW. */
static void case_called(struct kase *k)
{
	case_registered(k);
	clock_at(CALL_DAY "T09:00:00Z", "JAWNOSC_FAKE_NOW=" CALL_DAY "T09:00:00Z");
	clerk_step(k, "action=call_to_clarify"
	              "&text=Prosz%C4%99+wskaza%C4%87+rok%2C+kt%C3%B3rego+dotyczy+wniosek.");
	issue(k, "clarification_call", "registered_letter");
	clock_at(NOW, "JAWNOSC_FAKE_NOW=" NOW);
	/* The parse job's first round runs as the server starts: let it pass,
	 * so a message the test holds back is not parsed under it. */
	usleep(500000);
}

/* A message as the parse job leaves it. */
struct in_msg {
	const char *kind, *from, *subject, *envelope_to, *to, *in_reply_to, *refs, *bounce_of;
	const char *received_on;
	bool hold; /* parsed_at left NULL: the test adds parts first */
};

static long long insert_msg(const struct in_msg *m)
{
	static int seq;
	char mid[96], raw[2048], n[16];
	snprintf(mid, sizeof mid, "test-%d-%d@example.pl", (int)getpid(), ++seq);
	snprintf(n, sizeof n, "%d", seq);
	snprintf(raw, sizeof raw,
	         "From: <%s>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n\r\nWiadomość %s.\r\n",
	         m->from, m->to ? m->to : "bip@mon.example", m->subject, mid, n);
	const char *p[] = {raw,
	                   mid,
	                   m->from,
	                   m->envelope_to ? m->envelope_to : "bip@mon.example",
	                   m->received_on ? m->received_on : ARRIVAL,
	                   m->kind ? m->kind : "message",
	                   m->subject,
	                   m->in_reply_to ? m->in_reply_to : "",
	                   m->refs ? m->refs : "{}",
	                   m->bounce_of,
	                   m->hold ? "t" : "f"};
	PGconn *c = h_db();
	PGresult *r = PQexecParams(
	    c,
	    "INSERT INTO inbound_messages (org_id, source, raw, sha256, message_id, envelope_from, "
	    "envelope_to, received_at, received_on, parsed_at, kind, from_address, subject, "
	    "body_text, in_reply_to, refs, bounce_of) SELECT (SELECT min(id) FROM organisations), "
	    "'mailin', convert_to($1, 'UTF8'), sha256(convert_to($1, 'UTF8')), $2, $3, $4, "
	    "($5::date + time '10:00') AT TIME ZONE 'Europe/Warsaw', $5::date, "
	    "CASE WHEN $11::boolean THEN NULL ELSE now() END, $6, $3, $7, "
	    "'Dotyczy roku 2089.', $8, $9::text[], $10 RETURNING id",
	    11, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "insert: %s", PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	long long id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return id;
}

/* The route job has looked at message `id`. */
static void routed(long long id)
{
	char sql[160];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM inbound_messages WHERE id = %lld AND routed_at IS NOT NULL", id);
	wait_for(1, sql);
}

static char *case_page(const struct kase *k)
{
	char path[64];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", k->id);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *body = strdup(r.body);
	h_free(&r);
	return body;
}

/* The .eml the mail job wrote for outbox row `id` (malloc'd). */
static char *eml_of(long long id)
{
	return u_mail_file(mail_dir, id);
}

static void test_mail_to_the_requester_carries_the_reply_address_and_its_message_id(void **state)
{
	struct kase k;
	case_called(&k);
	/* The acknowledgement: bip+<case>-<tag>@mon.example. */
	char want[96];
	snprintf(want, sizeof want, "bip+%lld-", k.id);
	assert_int_equal(strncmp(k.reply_to, want, strlen(want)), 0);
	assert_int_equal((int)strlen(strchr(k.reply_to, '-') + 1), 10 + (int)strlen("@mon.example"));
	assert_non_null(strstr(k.reply_to, "@mon.example"));
	assert_non_null(strstr(k.message_id, "@localhost"));
	char *eml = eml_of(k.outbox_id);
	char hdr[400];
	snprintf(hdr, sizeof hdr, "Reply-To: %s\r\n", k.reply_to);
	assert_non_null(strstr(eml, hdr));
	snprintf(hdr, sizeof hdr, "Message-ID: <%s>\r\n", k.message_id);
	assert_non_null(strstr(eml, hdr));
	free(eml);
	/* The call to clarify tells the requester where to answer. */
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND type = "
	                       "'clarification_call' AND status = 'issued' AND "
	                       "strpos(markdown, '%s') > 0",
	                       k.id, k.reply_to), 1);
}

/* A registered case whose information is released by e-mail: k holds
 * that mail. */
static void case_provided(struct kase *k)
{
	case_registered(k);
	clerk_step(k, "action=provide&text=W+za%C5%82%C4%85czeniu+zestawienie+wydatk%C3%B3w.");
	issue(k, "information_release", "email");
	sent_mail(k, true);
}

static void test_a_letter_by_email_continues_the_thread(void **state)
{
	struct kase k;
	case_provided(&k);
	char ack[256], hdr[400];
	u_valuef(ack, sizeof ack,
	      "SELECT message_id FROM outbox WHERE request_id = %lld AND attachment_document_id IS "
	      "NULL AND recipient = '" REQUESTER "'",
	      k.id);
	assert_true(ack[0]);
	assert_string_not_equal(ack, k.message_id);
	char *eml = eml_of(k.outbox_id);
	snprintf(hdr, sizeof hdr, "Reply-To: %s\r\n", k.reply_to);
	assert_non_null(strstr(eml, hdr));
	snprintf(hdr, sizeof hdr, "Message-ID: <%s>\r\n", k.message_id);
	assert_non_null(strstr(eml, hdr));
	snprintf(hdr, sizeof hdr, "References: <%s>\r\n", ack);
	assert_non_null(strstr(eml, hdr));
	free(eml);
}

static void test_a_reply_is_attached_shown_and_confirmed_from_its_arrival(void **state)
{
	struct kase k;
	case_called(&k);
	struct in_msg m = {.from = REQUESTER, .subject = "Re: Wezwanie do doprecyzowania wniosku",
	                   .envelope_to = k.reply_to, .hold = true};
	long long id = insert_msg(&m);
	PGconn *c = h_db();
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", id);
	const char *pp[] = {ids};
	PQclear(PQexecParams(c,
	                     "INSERT INTO inbound_parts (message_id, seq, filename, content_type, "
	                     "size, sha256, data) VALUES ($1, 1, 'wyjasnienie.pdf', "
	                     "'application/pdf', 9, sha256('%PDF-1.4\n'::bytea), '%PDF-1.4\n'::bytea)",
	                     1, NULL, pp, NULL, NULL, 0));
	PQfinish(c);
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE inbound_messages SET parsed_at = now() WHERE id = %lld", id);
	h_sql(sql);
	routed(id);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'reply' AND request_id = %lld", id, k.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events e WHERE request_id = %lld AND action = "
	                       "'mail_received' AND actor = 'requester' AND "
	                       "event_data(e)->>'received_on' = '" ARRIVAL "'", k.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM attachments WHERE request_id = %lld AND "
	                       "source = 'mail' AND filename = 'wyjasnienie.pdf'", k.id), 1);
	/* The case page: the reply with its date, and the one click. */
	char *page = case_page(&k);
	assert_non_null(strstr(page, "Odpowiedź wpłynęła " ARRIVAL));
	assert_non_null(strstr(page, "Korespondencja e-mail"));
	char action[128], version[16];
	snprintf(action, sizeof action, "/panel/sprawy/%lld/poczta/%lld/odpowiedz", k.id, id);
	assert_non_null(strstr(page, action));
	assert_non_null(strstr(page, "value=\"record_clarification\""));
	u_attr(page, "version", version, sizeof version);
	free(page);
	char fields[96];
	snprintf(fields, sizeof fields, "action=record_clarification&version=%s", version);
	struct hresp r;
	u_staff_post(&clerk, action, fields, &r);
	if (r.status != 303)
		fprintf(stderr, "confirm: %ld %.400s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	/* The 14 days run again from the arrival (policy, LAW.md §3). */
	law_date_t arrival;
	assert_true(law_date_parse(ARRIVAL, &arrival));
	law_term_calc_t calc;
	law_error_t err;
	assert_true(law_term_compute(arrival, 14, LAW_UNIT_DAYS, "x", &calc, &err));
	char due[LAW_DATE_STRLEN];
	law_date_format(calc.due, due);
	assert_string_equal(due, "2090-03-20"); /* Sunday the 19th moves to Monday */
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                       "'answer' AND state = 'open' AND start_on = '" ARRIVAL "' AND "
	                       "due_on = '%s'", k.id, due), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'in_progress'", k.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events e WHERE request_id = %lld AND action = "
	                       "'record_clarification' AND event_data(e)->>'date' = '" ARRIVAL "' "
	                       "AND (event_data(e)->>'inbound_id')::bigint = %lld", k.id, id), 1);
	/* Done: the prompt is gone, the message stays. */
	page = case_page(&k);
	assert_null(strstr(page, "Odpowiedź wpłynęła"));
	assert_non_null(strstr(page, "odpowiedź w sprawie"));
	free(page);
	/* A second click is refused, nothing is recorded twice. */
	u_staff_post(&clerk, action, "action=record_clarification", &r);
	assert_true(r.status >= 400 && r.status < 500);
	h_free(&r);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'record_clarification'", k.id), 1);
}

static void test_a_reply_address_with_a_wrong_tag_does_not_match(void **state)
{
	struct kase k;
	case_called(&k);
	char forged[256];
	snprintf(forged, sizeof forged, "%s", k.reply_to);
	char *at = strchr(forged, '@');
	at[-1] = at[-1] == 'a' ? 'b' : 'a'; /* the tag's last character */
	struct in_msg m = {.from = REQUESTER, .subject = "Odpowiedź", .envelope_to = forged,
	                   .to = forged};
	long long id = insert_msg(&m);
	routed(id);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'new' AND request_id IS NULL", id), 1);
	/* The same address in capitals is ours all the same. */
	char upper[256];
	snprintf(upper, sizeof upper, "%s", k.reply_to);
	for (char *p = upper; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	struct in_msg m2 = {.from = REQUESTER, .subject = "Odpowiedź", .to = upper};
	id = insert_msg(&m2);
	routed(id);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'reply' AND request_id = %lld", id, k.id), 1);
}

static void test_references_naming_our_message_match(void **state)
{
	struct kase k;
	case_called(&k);
	char refs[400];
	snprintf(refs, sizeof refs, "{\"other@example.org\",\"%s\"}", k.message_id);
	struct in_msg m = {.from = "ktos.inny@example.org", .subject = "Re: wezwanie", .refs = refs};
	long long id = insert_msg(&m);
	routed(id);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'reply' AND request_id = %lld", id, k.id), 1);
	/* Not from the requester's address: the system attached it, and the
	 * page says so. */
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'mail_received' AND actor = 'system'", k.id), 1);
	char *page = case_page(&k);
	assert_non_null(strstr(page, "nie z adresu wnioskodawcy"));
	free(page);
}

static void test_the_case_number_matches_only_from_the_requesters_address(void **state)
{
	struct kase k;
	case_called(&k);
	char subject[160];
	snprintf(subject, sizeof subject, "Odp: sprawa %s.", k.number);
	struct in_msg other = {.from = "obcy@example.org", .subject = subject};
	long long id = insert_msg(&other);
	routed(id);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'new' AND request_id IS NULL", id), 1);
	struct in_msg own = {.from = "Jan@Example.PL", .subject = subject};
	id = insert_msg(&own);
	routed(id);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'reply' AND request_id = %lld", id, k.id), 1);
}

static void test_an_auto_reply_is_put_aside_and_completes_nothing(void **state)
{
	struct kase k;
	case_called(&k);
	struct in_msg m = {.kind = "auto_reply", .from = REQUESTER,
	                   .subject = "Automatyczna odpowiedź: jestem na urlopie",
	                   .envelope_to = k.reply_to};
	long long id = insert_msg(&m);
	routed(id);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'auto_reply' AND request_id = %lld", id, k.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'mail_received'", k.id), 0);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'mail_auto_reply'", k.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'awaiting_clarification'", k.id), 1);
	char *page = case_page(&k);
	assert_null(strstr(page, "Odpowiedź wpłynęła"));
	assert_non_null(strstr(page, "nie jest odpowiedzią wnioskodawcy"));
	free(page);
	/* Nor can it be confirmed as the answer. */
	char action[128];
	snprintf(action, sizeof action, "/panel/sprawy/%lld/poczta/%lld/odpowiedz", k.id, id);
	struct hresp r;
	u_staff_post(&clerk, action, "action=record_clarification", &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'awaiting_clarification'", k.id), 1);
}

static void test_a_bounce_fails_the_mail_and_the_dispatch_and_alerts_the_clerk(void **state)
{
	struct kase k;
	case_provided(&k);
	struct in_msg m = {.kind = "bounce", .from = "MAILER-DAEMON@mon.example",
	                   .subject = "Undelivered Mail Returned to Sender",
	                   .envelope_to = "jawnosc@localhost", .bounce_of = k.message_id};
	long long id = insert_msg(&m);
	routed(id);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'bounce' AND request_id = %lld", id, k.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM outbox WHERE id = %lld AND status = 'failed' "
	                       "AND last_error LIKE 'bounced:%%'", k.outbox_id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM dispatches WHERE request_id = %lld AND channel "
	                       "= 'email' AND state = 'failed' AND last_error LIKE 'bounced:%%'",
	                       k.id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'mail_bounced'", k.id), 1);
	char *page = case_page(&k);
	assert_non_null(strstr(page, "Wiadomość niedoręczona"));
	assert_non_null(strstr(page, "wyślij pismo inną drogą"));
	free(page);
	/* The assignee is told by mail, with no reply address of the case. */
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM outbox WHERE request_id = %lld AND recipient = "
	         "'urzednik@mon.example' AND subject = 'Niedoręczona wiadomość w sprawie %s' AND "
	         "status = 'sent' AND reply_to IS NULL",
	         k.id, k.number);
	wait_for(1, sql);
}

static void test_two_instances_route_each_message_once(void **state)
{
	struct kase k;
	case_called(&k);
	unsigned port;
	pid_t other = h_server_start_other(env, &port);
	/* Forty replies become visible at once to both route jobs. */
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "INSERT INTO inbound_messages (org_id, source, raw, sha256, message_id, envelope_to, "
	         "received_at, received_on, parsed_at, kind, from_address, subject) "
	         "SELECT (SELECT min(id) FROM organisations), 'mailin', convert_to('m' || g, 'UTF8'), "
	         "sha256(convert_to('m%d-' || g, 'UTF8')), 'par%d-' || g || '@example.pl', '%s', "
	         "now(), '" ARRIVAL "', now(), 'message', '" REQUESTER "', 'Re' "
	         "FROM generate_series(1, 40) g",
	         (int)getpid(), (int)getpid(), k.reply_to);
	h_sql(sql);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM inbound_messages WHERE message_id LIKE 'par%d-%%' AND "
	         "routed_at IS NOT NULL",
	         (int)getpid());
	wait_for(40, sql);
	assert_int_equal(h_server_stop_other(other), 0);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE message_id LIKE "
	                       "'par%d-%%' AND status = 'reply' AND request_id = %lld",
	                       (int)getpid(), k.id), 40);
	assert_int_equal(u_countf("SELECT count(*) FROM events e WHERE request_id = %lld AND action = "
	                       "'mail_received'", k.id), 40);
	assert_int_equal(u_countf("SELECT count(DISTINCT event_data(e)->>'inbound_id') FROM events e "
	                       "WHERE request_id = %lld AND action = 'mail_received'", k.id), 40);
}

int main(void)
{
	h_setup_db("inbound_route");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mail_to_the_requester_carries_the_reply_address_and_its_message_id),
	    cmocka_unit_test(test_a_letter_by_email_continues_the_thread),
	    cmocka_unit_test(test_a_reply_is_attached_shown_and_confirmed_from_its_arrival),
	    cmocka_unit_test(test_a_reply_address_with_a_wrong_tag_does_not_match),
	    cmocka_unit_test(test_references_naming_our_message_match),
	    cmocka_unit_test(test_the_case_number_matches_only_from_the_requesters_address),
	    cmocka_unit_test(test_an_auto_reply_is_put_aside_and_completes_nothing),
	    cmocka_unit_test(test_a_bounce_fails_the_mail_and_the_dispatch_and_alerts_the_clerk),
	    cmocka_unit_test(test_two_instances_route_each_message_once),
	};
	int failed = cmocka_run_group_tests_name("inbound_route", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
