/* SPDX-License-Identifier: EUPL-1.2 */
/* The inbound chain end to end (issue 19, "Done when"; docs/inbound.md):
 * nothing is put into the database by hand. Raw RFC 5322 messages are
 * delivered by `jawnosc mailin`, behind the MTA stand-in (tests/mta_pipe.py,
 * piping each message to mailin as Postfix's pipe(8) does) or directly;
 * the server's own jobs `inbound-parse` and `inbound-route` read and route
 * them; the clerk acts over HTTP with a real session. The clock is frozen
 * and moved between the steps by restarting the server (and running mailin)
 * at another instant:
 *
 * - Tuesday 7 March 2090, 00:30 in Warsaw (still the 6th in UTC): a request
 *   mailed to the office in Windows-1250 quoted-printable with a PDF
 *   arrives by SMTP and waits in /panel/poczta; the MTA's second delivery of
 *   it is stored once; binary garbage is kept and its raw text downloads.
 * - Thursday 9 March: the clerk registers the request from the pre-filled
 *   form (filed on the 7th, the PDF the case's), calls to clarify; the
 *   requester's out-of-office answer comes back to the reply address and
 *   completes nothing.
 * - Saturday 11 March, the server down: the requester answers the
 *   acknowledgement (In-Reply-To, the reply address) with an attachment,
 *   stored by mailin alone.
 * - Monday 13 March: the server routes the answer to the case; the clerk
 *   confirms it in one click and the answer term runs again from Saturday
 *   (14 days: Saturday the 25th, so Monday the 27th, KPA art. 57 §4); the
 *   information goes out by e-mail and a Postfix DSN brings it back: the
 *   mail and its dispatch failed, the case says so. */
#include <dirent.h>
#include <iconv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "integration/cases_util.h"
#include "integration/mta_util.h"
#include "law/term.h"

#define CORPUS "tests/mail/corpus/"

/* The instants of the story (UTC; Warsaw is UTC+1 until 26 March 2090). */
#define AT_ARRIVAL "2090-03-06T23:30:00Z"  /* Tuesday the 7th, 00:30 in Warsaw */
#define AT_REGISTER "2090-03-09T09:00:00Z" /* Thursday the 9th, 10:00 */
#define AT_REPLY "2090-03-11T10:20:00Z"    /* Saturday the 11th, 11:20 */
#define AT_MONDAY "2090-03-13T08:00:00Z"   /* Monday the 13th, 9:00 */
#define FILED_ON "2090-03-07"
#define CALL_DAY "2090-03-09"
#define REPLY_ON "2090-03-11"

#define OFFICE "bip@mon.example"
#define REQUESTER "zofia.lagiewska@example.pl"
#define REQUEST_ID "e2e-wniosek-7f3a9c@poczta.example.pl"

static struct u_staff clerk;
static char mail_dir[128], clock_env[64], dir_env[200];
static unsigned mta_port;
static pid_t mta_pid;

/* What the story carries from one step to the next. */
static long long request_msg, garbage_msg, case_id, ack_outbox;
static char case_number[64], reply_to[256], ack_id[256];

/* Two small PDFs of one page (no cross-reference table: readers rebuild it). */
static const char pdf_request[] =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    "trailer<</Root 1 0 R>>\n%%EOF\n";
static const char pdf_reply[] =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]>>endobj\n"
    "trailer<</Root 1 0 R>>\n%%EOF\n";

/* ---- the database, read only ------------------------------------------------------ */

/* Message `id` has been parsed and looked at by the route job. */
static void routed(long long id)
{
	u_wait_countf(1, "SELECT count(*) FROM inbound_messages WHERE id = %lld AND parsed_at IS NOT NULL "
	            "AND routed_at IS NOT NULL", id);
}

/* ---- the server at an instant ------------------------------------------------------- */

/* The clock of this process (so of mailin and the MTA stand-in) and of the
 * server started next. */
static void clock_at(const char *instant)
{
	setenv("JAWNOSC_FAKE_NOW", instant, 1);
	snprintf(clock_env, sizeof clock_env, "JAWNOSC_FAKE_NOW=%s", instant);
}

/* The server at `instant`, the clerk signed in. */
static void server_at(const char *instant)
{
	if (h_server_pid()) /* a step before failed with it running */
		h_server_stop();
	clock_at(instant);
	static const char *env[8];
	const char *e[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_MAIL_POLL_MS=100",
	                   "JAWNOSC_INBOUND_POLL_MS=100", clock_env, dir_env, NULL};
	memcpy(env, e, sizeof e);
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
}

static void server_stop(void)
{
	assert_int_equal(h_server_stop(), 0);
}

static void mta_stop(void)
{
	if (mta_pid) {
		kill(mta_pid, SIGTERM);
		waitpid(mta_pid, NULL, 0);
		mta_pid = 0;
	}
}

/* The MTA stand-in at this process's clock. */
static void mta_at_clock(void)
{
	mta_stop();
	mta_port = mta_free_port();
	mta_pid = mta_start(mta_port, NULL, MTA_LOGS "/mta_pipe_e2e.log");
}

/* `jawnosc mailin --from FROM --to TO < path` at this process's clock: its
 * exit status, what it wrote in *out (may be NULL). */
static int mailin(char **out, const char *path, const char *from, const char *to)
{
	char prog[512];
	snprintf(prog, sizeof prog, "bin/jawnosc-asan mailin <'%s'", path);
	const char *args[] = {"--from", from, "--to", to, NULL};
	return h_run(out, prog, args);
}

/* ---- pages -------------------------------------------------------------------------- */

static char *page(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *page(const char *fmt, ...)
{
	char path[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	if (r.status != 200)
		fprintf(stderr, "GET %s: %ld %.400s\n", path, r.status, r.body);
	assert_int_equal(r.status, 200);
	char *body = strdup(r.body ? r.body : "");
	h_free(&r);
	return body;
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("the page lacks \"%s\"", needle);
}

static void clerk_step(const char *fields)
{
	u_clerk_step(&clerk, case_id, fields);
}

/* Issues the newest draft of `type` by `channel`, its marks filled in, and
 * sends it (a registered letter posted today). */
static void issue(const char *type, const char *channel)
{
	long seq = u_countf("SELECT max(seq) FROM documents WHERE request_id = %lld AND type = '%s'",
	                 case_id, type);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", case_id, seq);
	u_send_letter_by(&clerk, path, channel);
}

/* The answer term's due date counted from `from` by the calendar (UDIP
 * art. 13 ust. 1: 14 days; KPA art. 57 §4 moves a Saturday or a holiday). */
static void due_from(const char *from, char due[LAW_DATE_STRLEN])
{
	law_date_t d;
	assert_true(law_date_parse(from, &d));
	law_term_calc_t calc;
	law_error_t err;
	assert_true(law_term_compute(d, 14, LAW_UNIT_DAYS, "x", &calc, &err));
	law_date_format(calc.due, due);
}

/* The mail the mail job wrote for outbox row `id` (malloc'd). */
static char *sent_mail(long long id)
{
	return u_mail_file(mail_dir, id);
}

/* Header `name: value` is in the mail `text` (lines end in CR LF). */
static void assert_header(const char *text, const char *name, const char *value)
{
	char line[512];
	snprintf(line, sizeof line, "\r\n%s: %s\r\n", name, value);
	if (!strstr(text, line))
		fail_msg("the mail lacks \"%s: %s\"", name, value);
}

/* ---- messages as mail programs write them --------------------------------------------- */

/* `utf8` in `charset` (malloc'd, NUL-terminated; the charsets here have
 * no NUL in them). */
static char *in_charset(const char *utf8, const char *charset)
{
	iconv_t cd = iconv_open(charset, "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t inleft = strlen(utf8), outleft = inleft + 1;
	char *out = calloc(1, outleft), *in = (char *)utf8, *o = out;
	assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
	iconv_close(cd);
	return out;
}

/* Quoted-printable (RFC 2045 §6.7) of `utf8` in `charset`, lines of at
 * most 76 characters with soft breaks, LF line ends. */
static char *qp(const char *utf8, const char *charset)
{
	char *bytes = in_charset(utf8, charset);
	char *out = malloc(strlen(bytes) * 4 + 16), *o = out;
	int col = 0;
	for (const unsigned char *p = (const unsigned char *)bytes; *p; p++) {
		char tok[4];
		if (*p == '\n') {
			*o++ = '\n';
			col = 0;
			continue;
		}
		if ((*p >= 33 && *p <= 126 && *p != '=') || (*p == ' ' && p[1] && p[1] != '\n'))
			tok[0] = (char)*p, tok[1] = '\0';
		else
			snprintf(tok, sizeof tok, "=%02X", *p);
		if (col + (int)strlen(tok) > 75) {
			o += sprintf(o, "=\n");
			col = 0;
		}
		o += sprintf(o, "%s", tok);
		col += (int)strlen(tok);
	}
	*o = '\0';
	free(bytes);
	return out;
}

/* An RFC 2047 header value: `utf8` in `charset` as Q encoded words, folded. */
static char *encoded_words(const char *utf8, const char *charset)
{
	char *bytes = in_charset(utf8, charset);
	char *out = malloc(strlen(bytes) * 8 + 64), *o = out;
	int in_word = 0;
	for (const unsigned char *p = (const unsigned char *)bytes; *p; p++) {
		if (!in_word)
			o += sprintf(o, "%s=?%s?Q?", o == out ? "" : "\n ", charset);
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '-')
			*o++ = (char)*p, in_word++;
		else if (*p == ' ')
			*o++ = '_', in_word++;
		else
			o += sprintf(o, "=%02X", *p), in_word += 3;
		if (in_word > 40 || !p[1]) {
			o += sprintf(o, "?=");
			in_word = 0;
		}
	}
	*o = '\0';
	free(bytes);
	return out;
}

/* Base64 in lines of 76, LF line ends. */
static char *base64_lines(const void *data, size_t len)
{
	size_t b64len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(b64len), *out = malloc(b64len + b64len / 76 + 4), *o = out;
	sodium_bin2base64(b64, b64len, data, len, sodium_base64_VARIANT_ORIGINAL);
	for (size_t i = 0; i < b64len - 1; i += 76) {
		size_t k = b64len - 1 - i < 76 ? b64len - 1 - i : 76;
		memcpy(o, b64 + i, k);
		o += k;
		*o++ = '\n';
	}
	*o = '\0';
	free(b64);
	return out;
}

/* Writes `text` to build/test-logs/e2e-NAME.eml with its lines ending in
 * CR LF, as a mail program sends it over SMTP; its path in `path`. */
static void eml(char *path, size_t len, const char *name, const char *text)
{
	mkdir(MTA_LOGS, 0755);
	snprintf(path, len, MTA_LOGS "/e2e-%d-%s.eml", (int)getpid(), name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (const char *p = text; *p; p++)
		assert_true(*p == '\n' ? fputs("\r\n", f) >= 0 : fputc(*p, f) != EOF);
	fclose(f);
}

/* A message with a text part in `charset` (quoted-printable) and a PDF
 * (base64), as Outlook or Thunderbird send them; `headers` come first. */
static char *mail_with_pdf(const char *headers, const char *text, const char *charset,
                           const char *pdf_name, const char *pdf, size_t pdf_len)
{
	char *body = qp(text, charset), *name = encoded_words(pdf_name, charset);
	char *b64 = base64_lines(pdf, pdf_len);
	size_t n = strlen(headers) + strlen(body) + strlen(b64) + 2 * strlen(name) + 1024;
	char *out = malloc(n);
	snprintf(out, n,
	         "%sMIME-Version: 1.0\n"
	         "Content-Type: multipart/mixed; boundary=\"----=_NextPart_000_0012_01DA\"\n\n"
	         "This is a multi-part message in MIME format.\n\n"
	         "------=_NextPart_000_0012_01DA\n"
	         "Content-Type: text/plain; charset=\"%s\"\n"
	         "Content-Transfer-Encoding: quoted-printable\n\n%s\n\n"
	         "------=_NextPart_000_0012_01DA\n"
	         "Content-Type: application/pdf; name=\"%s\"\n"
	         "Content-Disposition: attachment; filename=\"%s\"\n"
	         "Content-Transfer-Encoding: base64\n\n%s\n"
	         "------=_NextPart_000_0012_01DA--\n",
	         headers, charset, body, name, name, b64);
	free(body);
	free(name);
	free(b64);
	return out;
}

/* ---- fixtures ----------------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	snprintf(mail_dir, sizeof mail_dir, "build/test-mail-e2e-%d", (int)getpid());
	snprintf(dir_env, sizeof dir_env, "JAWNOSC_MAIL_DIR=%s", mail_dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mta_stop();
	return h_server_pid() && h_server_stop() != 0 ? -1 : 0;
}

/* ---- 1. a request by e-mail: the queue ------------------------------------------------------ */

static const char request_text[] =
    "Dzień dobry,\n\n"
    "na podstawie art. 2 ust. 1 ustawy o dostępie do informacji publicznej wnoszę o "
    "udostępnienie informacji o wydatkach na oświetlenie ulic w 2089 roku, z podziałem na "
    "miesiące. Wykaz punktów świetlnych, których dotyczy wniosek, przesyłam w załączniku.\n\n"
    "Informację proszę przesłać na adres e-mail, z którego piszę.\n\n"
    "Z poważaniem\nZofia Łągiewska\nul. Źródlana 5, 96-300 Żyrardów\n";

static char request_path[256];

static void test_a_request_mailed_to_the_office_waits_in_the_queue(void **state)
{
	(void)state;
	server_at(AT_ARRIVAL);
	/* Outlook, Windows-1250: ą ś ź sit where ISO-8859-2 has other letters. */
	char *from = encoded_words("Zofia Łągiewska", "windows-1250");
	char *subject = encoded_words("Wniosek o informację publiczną – oświetlenie ulic",
	                              "windows-1250");
	char headers[1024];
	snprintf(headers, sizeof headers,
	         "From: %s <" REQUESTER ">\nTo: =?windows-1250?Q?Urz=B9d?= <" OFFICE ">\n"
	         "Subject: %s\nDate: Tue, 7 Mar 2090 00:29:41 +0100\nMessage-ID: <" REQUEST_ID ">\n"
	         "X-Mailer: Microsoft Outlook 16.0\nContent-Language: pl\n",
	         from, subject);
	free(from);
	free(subject);
	char *msg = mail_with_pdf(headers, request_text, "windows-1250", "wykaz-punktów.pdf",
	                          pdf_request, sizeof pdf_request - 1);
	eml(request_path, sizeof request_path, "request", msg);
	free(msg);
	/* Postfix hands it over by SMTP, the stand-in pipes it to mailin. */
	mta_at_clock();
	assert_int_equal(smtp_send(mta_port, REQUESTER, OFFICE, request_path), 250);
	request_msg = u_countf("SELECT id FROM inbound_messages WHERE message_id = '" REQUEST_ID "'");
	assert_true(request_msg > 0);
	routed(request_msg);
	char v[512];
	u_valuef(v, sizeof v,
	      "SELECT concat_ws('|', m.source, m.envelope_from, m.envelope_to, m.kind, m.status, "
	      "m.received_on, to_char(m.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
	      "o.slug) FROM inbound_messages m JOIN organisations o ON o.id = m.org_id WHERE m.id = %lld",
	      request_msg);
	/* Stored at its arrival; its legal date is Warsaw's, not UTC's. */
	assert_string_equal(v, "mailin|" REQUESTER "|" OFFICE "|message|new|" FILED_ON "|" AT_ARRIVAL
	                       "|mon");
	/* The queue: the subject and the sender's name read from Windows-1250. */
	char *list = page("/panel/poczta");
	assert_contains(list, "Wniosek o informację publiczną – oświetlenie ulic");
	assert_contains(list, FILED_ON " 00:30");
	free(list);
	char *msgpage = page("/panel/poczta/%lld", request_msg);
	assert_contains(msgpage, "Zofia Łągiewska &lt;" REQUESTER "&gt;");
	assert_contains(msgpage, "wnoszę o udostępnienie informacji o wydatkach na oświetlenie ulic w "
	                         "2089 roku, z podziałem na miesiące.");
	assert_contains(msgpage, "ul. Źródlana 5, 96-300 Żyrardów");
	assert_contains(msgpage, "wykaz-punktów.pdf");
	free(msgpage);
	/* Its PDF, as sent. */
	char path[128];
	snprintf(path, sizeof path, "/panel/poczta/%lld/zalaczniki/1", request_msg);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, sizeof pdf_request - 1);
	assert_memory_equal(r.body, pdf_request, r.len);
	h_free(&r);
}

/* ---- 5. the same message twice ---------------------------------------------------------- */

static void test_the_same_message_delivered_twice_is_stored_once(void **state)
{
	(void)state;
	/* The MTA tries again (its 250 was lost), and the message also comes
	 * by a second path, piped directly. */
	assert_int_equal(smtp_send(mta_port, REQUESTER, OFFICE, request_path), 250);
	char *out = NULL;
	assert_int_equal(mailin(&out, request_path, REQUESTER, OFFICE), 0);
	assert_contains(out, "duplicate");
	free(out);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE message_id = '" REQUEST_ID
	                       "' OR subject LIKE 'Wniosek o informację publiczną%%'"),
	                 1);
	/* Listed once. */
	char *list = page("/panel/poczta");
	const char *first = strstr(list, "oświetlenie ulic");
	assert_non_null(first);
	assert_null(strstr(first + 1, "oświetlenie ulic"));
	assert_contains(list, "nowe (1)");
	free(list);
}

/* ---- 4. an unreadable message --------------------------------------------------------------- */

static void test_an_unreadable_message_is_kept_and_shown_with_its_raw_text(void **state)
{
	(void)state;
	const char *file = CORPUS "29-broken-binary-garbage.eml";
	size_t len;
	unsigned char *raw = mta_read_file(file, &len);
	assert_int_equal(mailin(NULL, file, "nieznany@example.net", OFFICE), 0);
	char hex[65];
	unsigned char sha[32];
	crypto_hash_sha256(sha, raw, len);
	sodium_bin2hex(hex, sizeof hex, sha, sizeof sha);
	garbage_msg = u_countf("SELECT id FROM inbound_messages WHERE sha256 = decode('%s', 'hex')", hex);
	assert_true(garbage_msg > 0);
	routed(garbage_msg);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND kind = "
	                       "'unreadable' AND status = 'new'", garbage_msg),
	                 1);
	/* In the queue, with its raw text to download. */
	char eml_link[96];
	snprintf(eml_link, sizeof eml_link, "/panel/poczta/%lld/wiadomosc.eml", garbage_msg);
	char *list = page("/panel/poczta");
	assert_contains(list, eml_link);
	assert_contains(list, "nieczytelna");
	assert_contains(list, "nowe (2)");
	free(list);
	char *msgpage = page("/panel/poczta/%lld", garbage_msg);
	assert_contains(msgpage, "nie udało się odczytać tej wiadomości");
	free(msgpage);
	struct hresp r;
	u_staff_get(&clerk, eml_link, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.body, raw, len);
	char cd[96];
	snprintf(cd, sizeof cd, "attachment; filename=\"wiadomosc-%lld.eml\"", garbage_msg);
	assert_string_equal(h_header(&r, "Content-Disposition"), cd);
	assert_string_equal(h_header(&r, "X-Content-Type-Options"), "nosniff");
	h_free(&r);
	free(raw);
	mta_stop();
	server_stop();
}

/* ---- 1. registered from the queue: filed on the arrival's date ------------------------------ */

static void test_the_clerk_registers_it_and_it_is_filed_on_its_arrival(void **state)
{
	(void)state;
	server_at(AT_REGISTER);
	char path[128];
	snprintf(path, sizeof path, "/panel/poczta/%lld/rejestracja", request_msg);
	char *form = page("%s", path);
	/* Pre-filled from the message. */
	char *subject = u_input(form, "subject"), *name = u_input(form, "name");
	char *email = u_input(form, "email"), *ver = u_input(form, "version");
	char *content = u_textarea(form, "content");
	assert_string_equal(subject, "Wniosek o informację publiczną – oświetlenie ulic");
	assert_string_equal(name, "Zofia Łągiewska");
	assert_string_equal(email, REQUESTER);
	assert_contains(content, "wydatkach na oświetlenie ulic w 2089 roku");
	assert_contains(form, "value=\"public_information\" checked");
	assert_contains(form, FILED_ON);
	assert_contains(form, "wykaz-punktów.pdf");
	free(form);
	/* The clerk adds the postal address from the signature. */
	char *es = u_enc(subject), *en = u_enc(name), *ee = u_enc(email), *ec = u_enc(content);
	char *ea = u_enc("ul. Źródlana 5, 96-300 Żyrardów");
	size_t n = strlen(es) + strlen(en) + strlen(ee) + strlen(ec) + strlen(ea) + 256;
	char *fields = malloc(n);
	snprintf(fields, n,
	         "version=%s&kind=public_information&subject=%s&content=%s&delivery=email&name=%s"
	         "&email=%s&postal_address=%s",
	         ver, es, ec, en, ee, ea);
	struct hresp r;
	u_staff_post(&clerk, path, fields, &r);
	if (r.status != 303)
		fprintf(stderr, "register: %ld %.1000s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	case_id = atoll(h_header(&r, "Location") + strlen("/panel/sprawy/"));
	h_free(&r);
	char *all[] = {subject, name, email, ver, content, es, en, ee, ec, ea, fields};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		free(all[i]);
	assert_true(case_id > 0);
	u_valuef(case_number, sizeof case_number, "SELECT case_number FROM requests WHERE id = %lld",
	      case_id);
	/* Filed on the 7th (the arrival in Warsaw), not the 6th (UTC) nor the
	 * 9th (the day it was registered); the answer term counts from it. */
	char v[256], due[LAW_DATE_STRLEN];
	u_valuef(v, sizeof v, "SELECT concat_ws('|', received_on, channel, state) FROM requests WHERE id = %lld",
	      case_id);
	assert_string_equal(v, FILED_ON "|email|received");
	due_from(FILED_ON, due);
	assert_string_equal(due, "2090-03-21");
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = 'answer' "
	                       "AND state = 'open' AND due_on = '%s'", case_id, due),
	                 1);
	/* The message is the case's, and so is its PDF. */
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'registered' AND request_id = %lld", request_msg, case_id),
	                 1);
	long long att = u_countf("SELECT id FROM attachments WHERE request_id = %lld AND source = 'mail' "
	                      "AND filename = 'wykaz-punktów.pdf'", case_id);
	assert_true(att > 0);
	char *casepage = page("/panel/sprawy/%lld", case_id);
	char link[128];
	snprintf(link, sizeof link, "href=\"/panel/sprawy/%lld/zalaczniki/%lld\">wykaz-punktów.pdf</a>",
	         case_id, att);
	assert_contains(casepage, link);
	assert_contains(casepage, "<dd>" FILED_ON " (");
	free(casepage);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/plik", case_id, att);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, sizeof pdf_request - 1);
	assert_memory_equal(r.body, pdf_request, r.len);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	h_free(&r);
	/* It has left the queue; the garbage waits. */
	char *list = page("/panel/poczta");
	assert_null(strstr(list, "oświetlenie ulic"));
	assert_contains(list, "nowe (1)");
	free(list);
}

/* ---- 2 and 3. the call to clarify, an out-of-office answer -------------------------------- */

static void test_an_out_of_office_answer_to_the_call_completes_nothing(void **state)
{
	(void)state;
	char fields[128];
	long long uid = u_countf("SELECT id FROM users WHERE email = 'urzednik@mon.example'");
	snprintf(fields, sizeof fields, "action=assign&assignee=%lld", uid);
	clerk_step(fields);
	/* The acknowledgement mailed to the requester: the reply address and
	 * our Message-ID recorded on its outbox row. */
	u_wait_countf(1, "SELECT count(*) FROM outbox WHERE request_id = %lld AND recipient = '" REQUESTER
	            "' AND attachment_document_id IS NULL AND status = 'sent' AND message_id IS NOT NULL",
	         case_id);
	ack_outbox = u_countf("SELECT id FROM outbox WHERE request_id = %lld AND recipient = '" REQUESTER
	                   "' AND attachment_document_id IS NULL",
	                   case_id);
	u_valuef(reply_to, sizeof reply_to, "SELECT reply_to FROM outbox WHERE id = %lld", ack_outbox);
	u_valuef(ack_id, sizeof ack_id, "SELECT message_id FROM outbox WHERE id = %lld", ack_outbox);
	char prefix[64];
	snprintf(prefix, sizeof prefix, "bip+%lld-", case_id);
	assert_int_equal(strncmp(reply_to, prefix, strlen(prefix)), 0);
	/* It continues the requester's thread: an answer to their message. */
	char *ack = sent_mail(ack_outbox), angled[300];
	snprintf(angled, sizeof angled, "<%s>", ack_id);
	assert_header(ack, "Message-ID", angled);
	assert_header(ack, "Reply-To", reply_to);
	assert_header(ack, "In-Reply-To", "<" REQUEST_ID ">");
	free(ack);
	/* The call to clarify, by registered letter (e-mail does not deliver
	 * it, KPA art. 39), names the reply address in its text. */
	clerk_step("action=call_to_clarify&date=" CALL_DAY
	           "&text=Prosz%C4%99+wskaza%C4%87%2C+kt%C3%B3rych+dzielnic+dotyczy+wniosek.");
	issue("clarification_call", "registered_letter");
	assert_int_equal(u_countf("SELECT count(*) FROM documents WHERE request_id = %lld AND type = "
	                       "'clarification_call' AND status = 'issued' AND strpos(markdown, '%s') > 0",
	                       case_id, reply_to),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'awaiting_clarification'", case_id),
	                 1);
	/* The requester's mailbox answers by itself, to the reply address. */
	char *subject = encoded_words("Automatyczna odpowiedź: jestem na urlopie", "UTF-8");
	char msg[2048], path[256];
	snprintf(msg, sizeof msg,
	         "From: Zofia =?UTF-8?Q?=C5=81=C4=85giewska?= <" REQUESTER ">\nTo: %s\n"
	         "Subject: %s\nDate: Thu, 9 Mar 2090 10:05:12 +0100\n"
	         "Message-ID: <e2e-urlop-51c2@poczta.example.pl>\nIn-Reply-To: <%s>\nReferences: <%s>\n"
	         "Auto-Submitted: auto-replied\nX-Autoreply: yes\nMIME-Version: 1.0\n"
	         "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
	         "Dziękuję za wiadomość. Jestem na urlopie do 20 marca 2090 r.\n",
	         reply_to, subject, ack_id, ack_id);
	free(subject);
	eml(path, sizeof path, "out-of-office", msg);
	assert_int_equal(mailin(NULL, path, REQUESTER, reply_to), 0);
	long long oof = u_countf("SELECT id FROM inbound_messages WHERE message_id = "
	                      "'e2e-urlop-51c2@poczta.example.pl'");
	routed(oof);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND kind = "
	                       "'auto_reply' AND status = 'auto_reply' AND request_id = %lld",
	                       oof, case_id),
	                 1);
	/* Nothing completed: the case still waits, nothing to confirm. */
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'awaiting_clarification'", case_id),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'record_clarification'", case_id),
	                 0);
	char *casepage = page("/panel/sprawy/%lld", case_id);
	assert_null(strstr(casepage, "Odpowiedź wpłynęła"));
	assert_contains(casepage, "nie jest odpowiedzią wnioskodawcy");
	free(casepage);
	char *list = page("/panel/poczta?stan=autoodpowiedzi");
	assert_contains(list, "Automatyczna odpowiedź: jestem na urlopie");
	free(list);
	server_stop();
}

/* ---- 2. the requester's answer ---------------------------------------------------------------- */

static void test_the_answer_is_attached_and_restarts_the_term_from_its_arrival(void **state)
{
	(void)state;
	/* Saturday, the server down: mailin stores it all the same. A reply
	 * to the acknowledgement, ISO-8859-2 this time. */
	clock_at(AT_REPLY);
	char headers[2048], path[256];
	snprintf(headers, sizeof headers,
	         "From: =?iso-8859-2?Q?Zofia_=A3=B1giewska?= <" REQUESTER ">\nTo: %s\n"
	         "Subject: Re: Potwierdzenie wniosku\nDate: Sat, 11 Mar 2090 11:19:58 +0100\n"
	         "Message-ID: <e2e-odpowiedz-88d1@poczta.example.pl>\nIn-Reply-To: <%s>\n"
	         "References: <%s>\nUser-Agent: Thunderbird 128.0\n",
	         reply_to, ack_id, ack_id);
	char *msg = mail_with_pdf(headers,
	                          "Dzień dobry,\n\nwniosek dotyczy wszystkich dzielnic miasta. "
	                          "Uzupełniony wykaz w załączniku.\n\nZofia Łągiewska\n",
	                          "iso-8859-2", "doprecyzowanie.pdf", pdf_reply, sizeof pdf_reply - 1);
	eml(path, sizeof path, "reply", msg);
	free(msg);
	assert_int_equal(mailin(NULL, path, REQUESTER, reply_to), 0);
	long long reply = u_countf("SELECT id FROM inbound_messages WHERE message_id = "
	                        "'e2e-odpowiedz-88d1@poczta.example.pl'");
	assert_true(reply > 0);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND "
	                       "parsed_at IS NULL AND received_on = '" REPLY_ON "'", reply),
	                 1);
	/* Monday: the server reads and routes it. */
	server_at(AT_MONDAY);
	routed(reply);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE id = %lld AND status = "
	                       "'reply' AND request_id = %lld", reply, case_id),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events e WHERE request_id = %lld AND action = "
	                       "'mail_received' AND actor = 'requester' AND "
	                       "(event_data(e)->>'inbound_id')::bigint = %lld AND "
	                       "event_data(e)->>'received_on' = '" REPLY_ON "'", case_id, reply),
	                 1);
	/* Its PDF is the case's, byte for byte. */
	char hex[2 * sizeof pdf_reply + 1];
	sodium_bin2hex(hex, sizeof hex, (const unsigned char *)pdf_reply, sizeof pdf_reply - 1);
	long long att = u_countf("SELECT id FROM attachments WHERE request_id = %lld AND source = 'mail' AND "
	            "filename = 'doprecyzowanie.pdf' AND data = decode('%s', 'hex')", case_id, hex);
	assert_true(att > 0);
	/* The case page: the answer, its date, the one click. */
	char *casepage = page("/panel/sprawy/%lld", case_id);
	assert_contains(casepage, "Odpowiedź wpłynęła " REPLY_ON);
	assert_contains(casepage, "wniosek dotyczy wszystkich dzielnic miasta");
	char link[128], action[128], version[16];
	snprintf(link, sizeof link, "href=\"/panel/sprawy/%lld/zalaczniki/%lld\">doprecyzowanie.pdf</a>",
	         case_id, att);
	assert_contains(casepage, link);
	snprintf(action, sizeof action, "/panel/sprawy/%lld/poczta/%lld/odpowiedz", case_id, reply);
	assert_contains(casepage, action);
	assert_contains(casepage, "value=\"record_clarification\"");
	const char *form = strstr(casepage, action);
	u_attr(form, "version", version, sizeof version);
	free(casepage);
	char fields[96];
	snprintf(fields, sizeof fields, "action=record_clarification&version=%s", version);
	struct hresp r;
	u_staff_post(&clerk, action, fields, &r);
	if (r.status != 303)
		fprintf(stderr, "confirm: %ld %.400s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	/* The 14 days run again from Saturday: the 25th is a Saturday too. */
	char due[LAW_DATE_STRLEN];
	due_from(REPLY_ON, due);
	assert_string_equal(due, "2090-03-27");
	assert_int_equal(u_countf("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = 'answer' "
	                       "AND state = 'open' AND start_on = '" REPLY_ON "' AND due_on = '%s'",
	                       case_id, due),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND state = "
	                       "'in_progress'", case_id),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events e WHERE request_id = %lld AND action = "
	                       "'record_clarification' AND event_data(e)->>'date' = '" REPLY_ON "' "
	                       "AND (event_data(e)->>'inbound_id')::bigint = %lld", case_id, reply),
	                 1);
	casepage = page("/panel/sprawy/%lld", case_id);
	assert_null(strstr(casepage, "Odpowiedź wpłynęła"));
	assert_contains(casepage, due);
	free(casepage);
}

/* ---- 3. a bounce of our mail ------------------------------------------------------------------ */

static void test_a_bounce_of_our_mail_fails_it_and_the_case_shows_it(void **state)
{
	(void)state;
	/* The information, by e-mail. */
	clerk_step("action=provide&text=W+za%C5%82%C4%85czeniu+zestawienie+wydatk%C3%B3w.");
	issue("information_release", "email");
	u_wait_countf(1, "SELECT count(*) FROM outbox WHERE request_id = %lld AND recipient = '" REQUESTER
	            "' AND attachment_document_id IS NOT NULL AND status = 'sent' AND "
	            "message_id IS NOT NULL", case_id);
	long long sent = u_countf("SELECT id FROM outbox WHERE request_id = %lld AND recipient = '"
	                       REQUESTER "' AND attachment_document_id IS NOT NULL", case_id);
	char sent_id[256];
	u_valuef(sent_id, sizeof sent_id, "SELECT message_id FROM outbox WHERE id = %lld", sent);
	/* An answer to the requester's last message, with the letter. */
	char *release = sent_mail(sent);
	assert_header(release, "In-Reply-To", "<e2e-odpowiedz-88d1@poczta.example.pl>");
	assert_header(release, "Reply-To", reply_to);
	free(release);
	/* Postfix's report: the requester's mailbox is full. */
	char msg[4096], path[256];
	snprintf(msg, sizeof msg,
	         "Return-Path: <>\n"
	         "Date: Mon, 13 Mar 2090 09:00:07 +0100 (CET)\n"
	         "From: MAILER-DAEMON@mx.mon.example (Mail Delivery System)\n"
	         "Subject: Undelivered Mail Returned to Sender\n"
	         "To: jawnosc@localhost\n"
	         "Auto-Submitted: auto-replied\n"
	         "MIME-Version: 1.0\n"
	         "Content-Type: multipart/report; report-type=delivery-status;\n"
	         "\tboundary=\"7C1D2E3F4A.1962003607/mx.mon.example\"\n"
	         "Content-Transfer-Encoding: 8bit\n"
	         "Message-Id: <20900313080007.7C1D2E3F4A@mx.mon.example>\n\n"
	         "This is a MIME-encapsulated message.\n\n"
	         "--7C1D2E3F4A.1962003607/mx.mon.example\n"
	         "Content-Description: Notification\n"
	         "Content-Type: text/plain; charset=utf-8\n"
	         "Content-Transfer-Encoding: 8bit\n\n"
	         "This is the mail system at host mx.mon.example.\n\n"
	         "I'm sorry to have to inform you that your message could not\n"
	         "be delivered to one or more recipients. It's attached below.\n\n"
	         "<" REQUESTER ">: host mx.example.pl[192.0.2.25] said: 552 5.2.2\n"
	         "    <" REQUESTER ">: Mailbox full\n\n"
	         "--7C1D2E3F4A.1962003607/mx.mon.example\n"
	         "Content-Description: Delivery report\n"
	         "Content-Type: message/delivery-status\n\n"
	         "Reporting-MTA: dns; mx.mon.example\n"
	         "X-Postfix-Queue-ID: 7C1D2E3F4A\n"
	         "X-Postfix-Sender: rfc822; jawnosc@localhost\n"
	         "Arrival-Date: Mon, 13 Mar 2090 09:00:04 +0100 (CET)\n\n"
	         "Final-Recipient: rfc822; " REQUESTER "\n"
	         "Original-Recipient: rfc822;" REQUESTER "\n"
	         "Action: failed\n"
	         "Status: 5.2.2\n"
	         "Remote-MTA: dns; mx.example.pl\n"
	         "Diagnostic-Code: smtp; 552 5.2.2 <" REQUESTER ">: Mailbox full\n\n"
	         "--7C1D2E3F4A.1962003607/mx.mon.example\n"
	         "Content-Description: Undelivered Message Headers\n"
	         "Content-Type: text/rfc822-headers\n"
	         "Content-Transfer-Encoding: 8bit\n\n"
	         "Received: by mx.mon.example (Postfix, from userid 1000)\n"
	         "\tid 7C1D2E3F4A; Mon, 13 Mar 2090 09:00:04 +0100 (CET)\n"
	         "From: jawnosc@localhost\n"
	         "To: " REQUESTER "\n"
	         "Subject: Informacja w sprawie %s\n"
	         "Message-ID:\n <%s>\n"
	         "Date: Mon, 13 Mar 2090 09:00:04 +0100\n\n"
	         "--7C1D2E3F4A.1962003607/mx.mon.example--\n",
	         case_number, sent_id);
	eml(path, sizeof path, "bounce", msg);
	/* It comes back to our envelope sender, from the null sender. */
	mta_at_clock();
	assert_int_equal(smtp_send(mta_port, "", "jawnosc@localhost", path), 250);
	mta_stop();
	long long bounce = u_countf("SELECT id FROM inbound_messages WHERE message_id = "
	                         "'20900313080007.7C1D2E3F4A@mx.mon.example'");
	routed(bounce);
	char v[512];
	u_valuef(v, sizeof v,
	      "SELECT concat_ws('|', kind, status, request_id, bounce_recipient, envelope_from) "
	      "FROM inbound_messages WHERE id = %lld", bounce);
	char want[512];
	snprintf(want, sizeof want, "bounce|bounce|%lld|" REQUESTER "|MAILER-DAEMON", case_id);
	assert_string_equal(v, want);
	/* Our mail failed, and the dispatch of the letter it carried. */
	assert_int_equal(u_countf("SELECT count(*) FROM outbox WHERE id = %lld AND status = 'failed' AND "
	                       "last_error LIKE 'bounced:%%'", sent),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM dispatches WHERE request_id = %lld AND channel = "
	                       "'email' AND state = 'failed'", case_id),
	                 1);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                       "'mail_bounced'", case_id),
	                 1);
	char *casepage = page("/panel/sprawy/%lld", case_id);
	assert_contains(casepage, "Wiadomość niedoręczona");
	assert_contains(casepage, "wyślij pismo inną drogą");
	free(casepage);
	char *list = page("/panel/poczta?stan=zwroty");
	assert_contains(list, "Undelivered Mail Returned to Sender");
	free(list);
	/* The clerk is told by e-mail. */
	u_wait_countf(1, "SELECT count(*) FROM outbox WHERE request_id = %lld AND recipient = "
	            "'urzednik@mon.example' AND subject = 'Niedoręczona wiadomość w sprawie %s' AND "
	            "status = 'sent'", case_id, case_number);
}

int main(void)
{
	h_setup_db("inbound_e2e");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_request_mailed_to_the_office_waits_in_the_queue),
	    cmocka_unit_test(test_the_same_message_delivered_twice_is_stored_once),
	    cmocka_unit_test(test_an_unreadable_message_is_kept_and_shown_with_its_raw_text),
	    cmocka_unit_test(test_the_clerk_registers_it_and_it_is_filed_on_its_arrival),
	    cmocka_unit_test(test_an_out_of_office_answer_to_the_call_completes_nothing),
	    cmocka_unit_test(test_the_answer_is_attached_and_restarts_the_term_from_its_arrival),
	    cmocka_unit_test(test_a_bounce_of_our_mail_fails_it_and_the_case_shows_it),
	};
	int failed = cmocka_run_group_tests_name("inbound_e2e", tests, setup, teardown);
	h_teardown();
	return failed;
}
