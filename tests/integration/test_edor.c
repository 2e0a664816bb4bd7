/* SPDX-License-Identifier: EUPL-1.2 */
/* e-Doręczenia against the stand-in (tests/edor_standin.py, issue 18 §3,
 * docs/edoreczenia.md): the real server and its job "edoreczenia", the real
 * PostgreSQL, and a stand-in service over TLS with client certificates made
 * here with openssl, which checks every request against the User Agent API
 * yaml and the signed assertion against the client's key.
 *
 * A refusal decision the clerk issues is dispatched by the channel the law
 * core chooses (cases/dispatch.c) and delivered (E.1)
 * on the evidence's date; one not collected is deemed delivered 14 days
 * after it became available (the frozen clock moved on); a service down
 * loses nothing and sends once when back; a crash between the POST and its
 * record sends nothing twice; two instances send one message each; A.2 is a
 * rejection with its reason; the hybrid service delivers on H.EPO. The
 * stand-in's violation log stays empty, and the stand-in is shown to catch
 * a malformed request, so that an empty log means something.
 *
 * The yaml is read from JAWNOSC_UAAPI_YAML, by default
 * ../shared/specs/edoreczenia/uaapi_3.0.8.1.yaml from the top of the
 * checkout; without it every test is skipped with a loud message. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/clock.h"
#include "integration/cases_util.h"

#define DIR "build/test-logs/edor"
#define THEIR_ADE "AE:PL-55555-44444-XYZWV-01"
/* A Monday; the evidences of the stand-in are dated from it too. */
#define NOW "2026-03-02T09:00:00Z"

#include "integration/edor_util.h"

static struct u_staff clerk;
static long long org_id;
static char env_url[128], env_token[128], env_search[128], env_fake[64];
static int cases_filed;

/* --- small helpers ------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One value of a one-row query (malloc'd; NULL for SQL NULL or no row). */
static char *sql_vvalue(const char *fmt, va_list ap)
{
	char sql[2048];
	vsnprintf(sql, sizeof sql, fmt, ap);
	PGconn *c = h_db();
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	char *v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	PQfinish(c);
	return v;
}

static char *sql_value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sql_value(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = sql_vvalue(fmt, ap);
	va_end(ap);
	return v;
}

static long long sql_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long sql_int(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = sql_vvalue(fmt, ap);
	va_end(ap);
	long long x = v ? atoll(v) : -1;
	free(v);
	return x;
}

static char *field(long long dispatch, const char *expr)
{
	return sql_value("SELECT (%s)::text FROM dispatches WHERE id = %lld", expr, dispatch);
}

/* Polls until the dispatch is in `state` (at most `seconds`). */
static bool wait_state(long long dispatch, const char *state, double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(100000)) {
		char *s = field(dispatch, "state");
		bool ok = s && !strcmp(s, state);
		free(s);
		if (ok)
			return true;
	}
	char *s = field(dispatch, "state || ' / ' || last_error");
	fprintf(stderr, "dispatch %lld: not %s but %s\n", dispatch, state, s ? s : "(none)");
	free(s);
	return false;
}

static bool wait_attempts(long long dispatch, int at_least, double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(100000)) {
		char *s = field(dispatch, "attempts");
		bool ok = s && atoi(s) >= at_least;
		free(s);
		if (ok)
			return true;
	}
	return false;
}

/* --- the stand-in ------------------------------------------------------------ */

static void control(const char *json)
{
	const char *hdr[] = {"Content-Type: application/json", NULL};
	struct hresp r;
	h_request_port(ctl_port, "POST", "/control", hdr, json, strlen(json), &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

/* A string of the stand-in's /stats (malloc'd). */
static char *stat_str(const char *name)
{
	struct hresp r;
	h_request_port(ctl_port, "GET", "/stats", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	json_t *j = u_json(&r);
	const char *v = json_string_value(json_object_get(j, name));
	char *out = strdup(v ? v : "");
	json_decref(j);
	h_free(&r);
	return out;
}

/* The stand-in's messages whose subject holds `needle`. */
static int messages_with(const char *needle, json_t **first)
{
	struct hresp r;
	h_request_port(ctl_port, "GET", "/messages", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	json_t *all = u_json(&r);
	h_free(&r);
	int n = 0;
	size_t i;
	json_t *m;
	if (first)
		*first = NULL;
	json_array_foreach(all, i, m)
	{
		const char *s = json_string_value(json_object_get(m, "subject"));
		if (s && strstr(s, needle)) {
			if (n++ == 0 && first)
				*first = json_incref(m);
		}
	}
	json_decref(all);
	return n;
}

/* --- the server ------------------------------------------------------------------ */

static void server_start_at(const char *instant)
{
	snprintf(env_fake, sizeof env_fake, "JAWNOSC_FAKE_NOW=%s", instant);
	setenv("JAWNOSC_FAKE_NOW", instant, 1);
	const char *env[] = {env_fake,
	                     env_url,
	                     env_token,
	                     env_search,
	                     "JAWNOSC_EDORECZENIA_ADDRESS=" OUR_ADE,
	                     "JAWNOSC_EDORECZENIA_SYSTEM_NAME=" SYSTEM,
	                     "JAWNOSC_EDORECZENIA_KEY=" DIR "/client.key",
	                     "JAWNOSC_EDORECZENIA_CERT=" DIR "/client.pem",
	                     "JAWNOSC_EDORECZENIA_CA=" DIR "/ca.pem",
	                     "JAWNOSC_EDORECZENIA_POLL_MS=100",
	                     "JAWNOSC_EDORECZENIA_RETRY_BASE=1",
	                     "JAWNOSC_EDORECZENIA_CHECK_SECONDS=1",
	                     "JAWNOSC_FILING_RATE=100000",
	                     NULL};
	h_server_start(env);
}

static int setup(void **state)
{
	(void)state;
	standin_up("test_edor");
	if (!have_yaml)
		return 0;
	control("{\"now\": \"" NOW "\"}");
	snprintf(env_url, sizeof env_url, "JAWNOSC_EDORECZENIA_URL=https://127.0.0.1:%u/api/v1",
	         api_port);
	snprintf(env_token, sizeof env_token, "JAWNOSC_EDORECZENIA_TOKEN_URL=https://127.0.0.1:%u/token",
	         api_port);
	snprintf(env_search, sizeof env_search,
	         "JAWNOSC_EDORECZENIA_SEARCH_URL=https://127.0.0.1:%u/bae/addresses", api_port);
	server_start_at(NOW);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	org_id = sql_int("SELECT id FROM organisations WHERE slug = 'mon'");
	return 0;
}

static int teardown(void **state)
{
	int rc = have_yaml ? h_stop_server(state) : 0;
	standin_stop();
	return rc;
}

#define NEED_YAML()                                                                        \
	do {                                                                               \
		if (!have_yaml)                                                            \
			skip();                                                            \
	} while (0)

/* --- cases and documents ------------------------------------------------------------- */

/* Whether decision_dispatched() leaves the decision unsigned. */
static bool leave_unsigned;

/* The decision of dispatch `dispatch` gets its signed version as the
 * signing page stores one (test_sign checks the verification itself):
 * the e-Doręczenia job sends a decision only signed. */
static void sign_in_db(long long dispatch)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "INSERT INTO document_signatures (document_id, org_id, signed_pdf, signed_sha256, "
	         "original_sha256, size, signatures, incremental, signer_name, certificate_issuer, "
	         "uploaded_by) SELECT d.id, d.org_id, d.pdf, d.sha256, d.sha256, length(d.pdf), 1, true, "
	         "'Jan Podpisujący', 'CN=Testowe CA', (SELECT id FROM users WHERE email = "
	         "'urzednik@mon.example') FROM documents d JOIN dispatches x ON x.document_id = d.id "
	         "WHERE x.id = %lld",
	         dispatch);
	h_sql(sql);
	/* As storing it does (cases/signature.c): a waiting dispatch goes now. */
	snprintf(sql, sizeof sql,
	         "UPDATE dispatches SET next_attempt_at = now(), last_error = '' WHERE id = %lld "
	         "AND state = 'queued' AND attempts = 0",
	         dispatch);
	h_sql(sql);
}

/* Files a request (the requester's name, postal address and, when given,
 * e-Doręczenia address) and has the clerk refuse it in a decision: the
 * case, and the decision draft's number in *seq. */
static long long refusal_drafted(const char *name, const char *postal, const char *ade, int *seq)
{
	char body[1024], number[64], extra[128] = "";
	if (ade)
		snprintf(extra, sizeof extra, ",\"ade_address\":\"%s\"", ade);
	snprintf(body, sizeof body,
	         "{\"kind\":\"public_information\",\"subject\":\"Rejestr umów %d\","
	         "\"content\":\"Proszę o rejestr umów zawartych w 2025 roku.\",\"delivery\":\"post\","
	         "\"requester\":{\"name\":\"%s\",\"postal_address\":\"%s\"%s}}",
	         ++cases_filed, name, postal, extra);
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	if (r.status != 201)
		fprintf(stderr, "filing: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	const char *cn = u_str(j, "case_number");
	assert_non_null(cn);
	snprintf(number, sizeof number, "%s", cn ? cn : "");
	json_decref(j);
	h_free(&r);
	long long id = u_request_id(number);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	u_staff_post(&clerk, path,
	             "action=refuse&version=1&legal_basis=privacy"
	             "&text=Umowy+zawieraj%C4%85+dane+os%C3%B3b+prywatnych.&persons=",
	             &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	*seq = (int)sql_int("SELECT max(seq) FROM documents WHERE request_id = %lld AND "
	                    "type = 'refusal_decision'",
	                    id);
	assert_true(*seq > 0);
	return id;
}

/* The document page of decision `seq` of case `id` as the clerk sees it
 * (malloc'd). */
static char *document_page(long long id, int seq)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d", id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *page = strdup(r.body);
	h_free(&r);
	return page;
}

/* Issues draft `seq` of case `id` with the channel the law core chooses by
 * default (e-Doręczenia with an address, else the hybrid service: the body
 * sends through e-Doręczenia), as the clerk does from its page; the
 * dispatch the issuing wrote, of `channel_expected`. */
static long long decision_issued(long long id, int seq_no, const char *channel_expected)
{
	char path[128];
	struct hresp r;
	char seq[16];
	snprintf(seq, sizeof seq, "%d", seq_no);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%s", id, seq);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	char *enc = u_filled_and_encoded(md);
	size_t n = strlen(enc) + 64;
	char *form = malloc(n);
	snprintf(form, n, "potwierdzenie=tak&channel=&markdown=%s", enc);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%s/wystaw", id, seq);
	u_staff_post(&clerk, path, form, &r);
	if (r.status != 303)
		fprintf(stderr, "issuing: %ld %.600s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(form);
	free(enc);
	free(md);
	char *d = sql_value("SELECT x.id FROM dispatches x JOIN documents d ON d.id = x.document_id "
	                    "WHERE d.request_id = %lld AND d.seq = %s AND d.status = 'issued' AND "
	                    "d.pdf IS NOT NULL AND x.channel = '%s'",
	                    id, seq, channel_expected);
	if (!d)
		fprintf(stderr, "no %s dispatch of case %lld\n", channel_expected, id);
	assert_non_null(d);
	long long dispatch = atoll(d);
	free(d);
	if (!leave_unsigned)
		sign_in_db(dispatch);
	return dispatch;
}

/* A request filed, refused and issued by the default channel. */
static long long decision_dispatched(const char *name, const char *postal, const char *ade,
                                     const char *channel_expected, long long *request)
{
	int seq;
	*request = refusal_drafted(name, postal, ade, &seq);
	return decision_issued(*request, seq, channel_expected);
}

static long long evidences_of(long long d, const char *type)
{
	char *v = sql_value("SELECT count(*) FROM dispatch_evidences WHERE dispatch_id = %lld AND "
	                    "type = '%s'",
	                    d, type);
	long long n = atoll(v);
	free(v);
	return n;
}

/* --- the tests ------------------------------------------------------------------------ */

/* The stand-in is worth its empty log: a body with a misspelt property, a
 * wrong hash, an undeclared query parameter and no token are all caught. */
static void test_standin_catches_malformed_requests(void **state)
{
	NEED_YAML();
	CURL *h = curl_easy_init();
	char url[256];
	snprintf(url, sizeof url, "https://127.0.0.1:%u/api/v1/" OUR_ADE "/messages?colour=red",
	         api_port);
	const char *body = "{\"messageMetadata\":{\"shippingServise\":\"electronic\"},"
	                   "\"attachments\":[{\"order\":1,\"file\":{\"fileMetadata\":{\"fileId\":\"x\","
	                   "\"alg\":\"SHA-3\",\"hash\":\"AAAA\",\"size\":3},\"file\":\"YWJj\"}}]}";
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_SSLCERT, DIR "/client.pem");
	curl_easy_setopt(h, CURLOPT_SSLKEY, DIR "/client.key");
	curl_easy_setopt(h, CURLOPT_CAINFO, DIR "/ca.pem");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	FILE *sink = fopen("/dev/null", "w");
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
	assert_int_equal(curl_easy_perform(h), CURLE_OK);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	fclose(sink);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	assert_int_equal(code, 401); /* no token */
	char *log = NULL;
	FILE *f = fopen(DIR "/violations.log", "r");
	assert_non_null(f);
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	log = buf;
	assert_non_null(strstr(log, "shippingServise"));
	assert_non_null(strstr(log, "required property 'shippingService' missing"));
	assert_non_null(strstr(log, "'colour'"));
	assert_non_null(strstr(log, "no bearer token"));
	assert_non_null(strstr(log, "hash is not SHA3-256"));
	/* The rest of the tests start from an empty log. */
	assert_int_equal(truncate(DIR "/violations.log", 0), 0);
	assert_int_equal(stat_of("posts"), 0);
}

/* A refusal decision by e-Doręczenia: sent, evidences A.1 and BP.WX kept,
 * then collected (E.1): delivered on the evidence's date by the rule
 * "evidence", with the document and our reference in the one message. */
static void test_decision_delivered_on_the_date_of_the_receipt(void **state)
{
	NEED_YAML();
	long long req;
	long long d = decision_dispatched("Jan Odbiorca", "ul. Lipowa 5/3, 00-950 Warszawa", THEIR_ADE,
	                                  "edoreczenia", &req);
	assert_true(wait_state(d, "sent", 20));
	char *ext = field(d, "external_id");
	assert_non_null(ext);
	for (double end = now_s() + 10; now_s() < end && evidences_of(d, "BP.WX") == 0;)
		usleep(100000);
	assert_int_equal(evidences_of(d, "A.1"), 1);
	assert_int_equal(evidences_of(d, "BP.WX"), 1);
	char *avail = field(d, "to_char(available_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')");
	assert_string_equal(avail, "2026-03-02 09:00");
	free(avail);

	/* The requester opens it half an hour after midnight on Thursday,
	 * Warsaw time: 23:30 UTC on Wednesday (LAW.md §2: the Warsaw date). */
	control("{\"collect\": \"2026-03-04T23:30:00Z\"}");
	assert_true(wait_state(d, "delivered", 20));
	char *on = field(d, "delivered_on || ' ' || delivery_rule");
	assert_string_equal(on, "2026-03-05 evidence");
	free(on);

	assert_int_equal(sql_int("SELECT count(*) FROM deliveries WHERE dispatch_id = %lld AND "
	                         "rule = 'evidence' AND delivered_on = '2026-03-05'",
	                         d),
	                 1);
	/* The appeal window runs from the evidence's date. */
	assert_int_equal(sql_int("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                         "'appeal_window' AND start_on = '2026-03-05'",
	                         req),
	                 1);
	assert_int_equal(sql_int("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                         "'record_delivery' AND actor = 'system'",
	                         req),
	                 1);
	assert_int_equal(evidences_of(d, "E.1"), 1);
	char *xml = sql_value("SELECT content_type || ' ' || (convert_from(body, 'UTF8') LIKE "
	                      "'%%<Dowod typ=\"E.1\">%%')::text || ' ' || (sha256 = "
	                      "sha256(body))::text FROM dispatch_evidences WHERE dispatch_id = %lld "
	                      "AND type = 'E.1'",
	                      d);
	assert_string_equal(xml, "application/xml true true");
	free(xml);

	/* One message, with the document and the reference. */
	char ref[32];
	snprintf(ref, sizeof ref, "JAW-%lld-", d);
	json_t *m;
	assert_int_equal(messages_with(ref, &m), 1);
	assert_string_equal(json_string_value(json_object_get(m, "id")), ext);
	assert_int_equal(json_integer_value(json_object_get(m, "attachments")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "to"),
	                                                      "eDeliveryAddress")),
	                    THEIR_ADE);
	char *number = sql_value("SELECT case_number FROM requests WHERE id = %lld", req);
	assert_string_equal(json_string_value(json_object_get(m, "caseId")), number);
	free(number);
	json_decref(m);
	free(ext);
	assert_no_violations();
}

/* Not collected: still "sent" on the 14th day after it became available;
 * on the day after (available + 15, law_dispatch_deemed_edoreczenia())
 * deemed delivered on that day by the rule "deemed_edoreczenia". */
static void test_not_collected_is_deemed_delivered_after_14_days(void **state)
{
	NEED_YAML();
	long long req;
	long long d = decision_dispatched("Anna Nieobecna", "ul. Krótka 2, 30-001 Kraków", THEIR_ADE,
	                                  "edoreczenia", &req);
	assert_true(wait_state(d, "sent", 20));
	for (double end = now_s() + 10; now_s() < end && evidences_of(d, "A.1") == 0;)
		usleep(100000);
	sleep(2); /* a few looks at the evidences */
	char *s = field(d, "state");
	assert_string_equal(s, "sent");
	free(s);

	/* 16 March: 14 days have passed since 2 March, the fiction not yet. */
	h_server_stop();
	server_start_at("2026-03-16T20:00:00Z");
	h_sql("UPDATE dispatches SET next_attempt_at = now() WHERE state = 'sent'");
	sleep(2);
	s = field(d, "state");
	assert_string_equal(s, "sent");
	free(s);

	/* 17 March: deemed delivered that day. */
	h_server_stop();
	server_start_at("2026-03-17T06:00:00Z");
	h_sql("UPDATE dispatches SET next_attempt_at = now() WHERE state = 'sent'");
	assert_true(wait_state(d, "deemed", 20));
	char *on = field(d, "delivered_on || ' ' || delivery_rule");
	assert_string_equal(on, "2026-03-17 deemed_edoreczenia");
	free(on);
	assert_int_equal(sql_int("SELECT count(*) FROM deliveries WHERE dispatch_id = %lld AND "
	                         "rule = 'deemed_edoreczenia'",
	                         d),
	                 1);
	assert_int_equal(evidences_of(d, "E.1"), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                         "'appeal_window' AND start_on = '2026-03-17'",
	                         req),
	                 1);
	h_server_stop();
	server_start_at(NOW);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	assert_no_violations();
}

/* The service is down (connections dropped), then answers 503: the
 * dispatch waits, queued, its reason shown, attempts counted, nothing
 * posted; when the service is back it goes once. */
static void test_service_down_loses_nothing_and_sends_once_when_back(void **state)
{
	NEED_YAML();
	long long req;
	control("{\"mode\": \"down\"}");
	long posts = stat_of("posts");
	long long d = decision_dispatched("Piotr Cierpliwy", "ul. Długa 1, 80-001 Gdańsk", THEIR_ADE,
	                                  "edoreczenia", &req);
	assert_true(wait_attempts(d, 2, 20));
	control("{\"mode\": \"fail\"}");
	assert_true(wait_attempts(d, 3, 20));
	/* The attempt is counted when `sending` is committed, before the post:
	 * its answer puts the row back in the queue. */
	assert_true(wait_state(d, "queued", 20));
	char *s = field(d, "state || ' ' || (last_error LIKE 'e-Doręczenia niedostępne%')::text");
	assert_string_equal(s, "queued true");
	free(s);
	assert_int_equal(stat_of("posts"), posts);
	assert_true(stat_of("refused") >= 1);
	assert_true(h_metric(h_port(), "jawnosc_edoreczenia_dispatches{state=\"queued\"}") >= 1);
	assert_true(h_metric(h_port(), "jawnosc_edoreczenia_oldest_waiting_seconds") > 0);

	/* Back after "an hour": the backoff's wait is over. */
	control("{\"mode\": \"ok\"}");
	h_sql("UPDATE dispatches SET next_attempt_at = now() WHERE state = 'queued'");
	assert_true(wait_state(d, "sent", 20));
	char ref[32];
	snprintf(ref, sizeof ref, "JAW-%lld-", d);
	assert_int_equal(messages_with(ref, NULL), 1);
	assert_int_equal(stat_of("posts"), posts + 1);
	assert_no_violations();
}

/* A crash between the POST and its record leaves the row "sending" without
 * a task: the next attempt finds the message by its reference instead of
 * posting it again. */
static void test_crash_after_posting_does_not_send_twice(void **state)
{
	NEED_YAML();
	long long req;
	long long d = decision_dispatched("Ewa Ostrożna", "ul. Polna 7, 60-001 Poznań", THEIR_ADE,
	                                  "edoreczenia", &req);
	assert_true(wait_state(d, "sent", 20));
	char *ext = field(d, "external_id");
	long posts = stat_of("posts");
	h_sql("UPDATE dispatches SET state = 'sending', task_id = NULL, external_id = NULL, "
	      "next_attempt_at = now() WHERE state = 'sent' AND external_id IS NOT NULL AND "
	      "delivered_on IS NULL AND id = (SELECT max(id) FROM dispatches WHERE "
	      "channel = 'edoreczenia')");
	assert_true(wait_state(d, "sent", 20));
	char *again = field(d, "external_id");
	assert_string_equal(again, ext);
	assert_int_equal(stat_of("posts"), posts);
	free(again);
	free(ext);
	assert_no_violations();
}

/* Two server instances, eight dispatches due at once: each posted once. */
static void test_two_instances_send_each_dispatch_once(void **state)
{
	NEED_YAML();
	long long reqs[8], ds[8];
	/* Issued while the service is down: queued, none posted. */
	control("{\"mode\": \"down\"}");
	for (int i = 0; i < 8; i++) {
		char name[64];
		snprintf(name, sizeof name, "Osoba Numer%c", 'A' + i);
		ds[i] = decision_dispatched(name, "ul. Szeroka 3, 90-001 Łódź", THEIR_ADE, "edoreczenia",
		                            &reqs[i]);
	}
	const char *env[] = {env_fake,
	                     env_url,
	                     env_token,
	                     env_search,
	                     "JAWNOSC_EDORECZENIA_ADDRESS=" OUR_ADE,
	                     "JAWNOSC_EDORECZENIA_SYSTEM_NAME=" SYSTEM,
	                     "JAWNOSC_EDORECZENIA_KEY=" DIR "/client.key",
	                     "JAWNOSC_EDORECZENIA_CERT=" DIR "/client.pem",
	                     "JAWNOSC_EDORECZENIA_CA=" DIR "/ca.pem",
	                     "JAWNOSC_EDORECZENIA_POLL_MS=50",
	                     "JAWNOSC_EDORECZENIA_RETRY_BASE=1",
	                     "JAWNOSC_EDORECZENIA_CHECK_SECONDS=1",
	                     NULL};
	pid_t other = h_server_start_other(env, NULL);
	control("{\"delay\": 1}");
	long posts = stat_of("posts");
	/* The service is back: all due at once, in one statement. */
	h_sql("UPDATE dispatches SET next_attempt_at = now() + interval '1 day' WHERE "
	      "state = 'queued'");
	control("{\"mode\": \"ok\"}");
	h_sql("UPDATE dispatches SET next_attempt_at = now() WHERE state = 'queued' AND "
	      "channel = 'edoreczenia'");
	for (int i = 0; i < 8; i++)
		assert_true(wait_state(ds[i], "sent", 30));
	assert_int_equal(stat_of("posts"), posts + 8);
	for (int i = 0; i < 8; i++) {
		char ref[32];
		snprintf(ref, sizeof ref, "JAW-%lld-", ds[i]);
		assert_int_equal(messages_with(ref, NULL), 1);
	}
	control("{\"delay\": 0}");
	assert_int_equal(h_server_stop_other(other), 0);
	assert_no_violations();
}

/* A.2: the service refuses the message; the dispatch is rejected with the
 * reason the clerk reads. */
static void test_rejection_a2_shows_its_reason(void **state)
{
	NEED_YAML();
	long long req;
	control("{\"mode\": \"reject\"}");
	long long d = decision_dispatched("Adam Bezadresu", "ul. Ciemna 9, 20-001 Lublin",
	                                  "AE:PL-99999-99999-NOONE-99", "edoreczenia", &req);
	assert_true(wait_state(d, "rejected", 20));
	control("{\"mode\": \"ok\"}");
	char *why = field(d, "last_error");
	assert_non_null(strstr(why, "A.2"));
	assert_non_null(strstr(why, "Adresat nie ma aktywnego adresu"));
	free(why);
	assert_int_equal(evidences_of(d, "A.2"), 1);
	/* The clerk reads it on the document's page. */
	char *seq = sql_value("SELECT d.seq FROM documents d JOIN dispatches x ON x.document_id = d.id "
	                      "WHERE x.id = %lld",
	                      d);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%s", req, seq);
	free(seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Wysyłka odrzucona przez e-Doręczenia (A.2)"));
	assert_non_null(strstr(r.body, "Adresat nie ma aktywnego adresu"));
	h_free(&r);
	assert_no_violations();
}

/* An unsigned decision is not sent: its dispatch waits, saying why, and
 * goes once the signed version is there (KPA art. 107 §1 pkt 8). */
static void test_an_unsigned_decision_waits_for_its_signature(void **state)
{
	NEED_YAML();
	long long req;
	leave_unsigned = true;
	long long d = decision_dispatched("Celina Niepodpisana", "ul. Cicha 3, 20-002 Lublin",
	                                  "AE:PL-12345-67890-ABCDE-12", "edoreczenia", &req);
	leave_unsigned = false;
	bool told = false;
	for (double end = now_s() + 20; !told && now_s() < end; usleep(100000)) {
		char *why = field(d, "last_error");
		told = why && strstr(why, "czeka na podpis");
		free(why);
	}
	assert_true(told);
	char *st = field(d, "state || '/' || attempts");
	assert_string_equal(st, "queued/0");
	free(st);
	sign_in_db(d);
	assert_true(wait_attempts(d, 1, 20));
	assert_true(wait_state(d, "sent", 20) || wait_state(d, "delivered", 1));
	assert_no_violations();
}

/* The hybrid service: a requester without an address gets the decision on
 * paper; the message carries both postal addresses and the shipment's
 * terms, and the operator's return receipt (H.EPO) is the delivery. */
static void test_hybrid_post_is_delivered_on_the_return_receipt(void **state)
{
	NEED_YAML();
	long long req;
	long long d = decision_dispatched("Maria Papierowa", "ul. Ogrodowa 12 m. 4, 31-155 Kraków",
	                                  NULL, "hybrid_post", &req);
	assert_true(wait_state(d, "sent", 20));
	char ref[32];
	snprintf(ref, sizeof ref, "JAW-%lld-", d);
	json_t *m;
	assert_int_equal(messages_with(ref, &m), 1);
	assert_true(json_is_true(json_object_get(m, "hybrid")));
	json_t *addr = json_object_get(json_object_get(m, "to"), "address");
	assert_string_equal(json_string_value(json_object_get(addr, "street")), "ul. Ogrodowa");
	assert_string_equal(json_string_value(json_object_get(addr, "buildingNumber")), "12");
	assert_string_equal(json_string_value(json_object_get(addr, "houseNumber")), "4");
	assert_string_equal(json_string_value(json_object_get(addr, "postalCode")), "31-155");
	assert_string_equal(json_string_value(json_object_get(addr, "city")), "Kraków");
	json_decref(m);
	control("{\"collect\": \"2026-03-06T11:00:00Z\"}");
	assert_true(wait_state(d, "delivered", 20));
	char *on = field(d, "delivered_on || ' ' || delivery_rule");
	assert_string_equal(on, "2026-03-06 evidence");
	free(on);
	assert_int_equal(evidences_of(d, "H.EPO"), 1);
	assert_int_equal(sql_int("SELECT count(*) FROM terms WHERE request_id = %lld AND kind = "
	                         "'appeal_window' AND start_on = '2026-03-06'",
	                         req),
	                 1);
	assert_no_violations();
}

/* The search engine's contract, through the command line. */
static void test_lookup_finds_an_address_in_the_search_engine(void **state)
{
	NEED_YAML();
	control("{\"bae\": [{\"identifier\": \"85010112345\", \"name\": \"Jan Odbiorca\", "
	        "\"eDeliveryAddress\": \"" THEIR_ADE "\"}]}");
	const char *kv[] = {env_url, env_token, env_search};
	for (int i = 0; i < 3; i++) {
		char name[64];
		const char *eq = strchr(kv[i], '=');
		snprintf(name, sizeof name, "%.*s", (int)(eq - kv[i]), kv[i]);
		setenv(name, eq + 1, 1);
	}
	setenv("JAWNOSC_EDORECZENIA_ADDRESS", OUR_ADE, 1);
	setenv("JAWNOSC_EDORECZENIA_SYSTEM_NAME", SYSTEM, 1);
	setenv("JAWNOSC_EDORECZENIA_KEY", DIR "/client.key", 1);
	setenv("JAWNOSC_EDORECZENIA_CERT", DIR "/client.pem", 1);
	setenv("JAWNOSC_EDORECZENIA_CA", DIR "/ca.pem", 1);
	char *out = NULL;
	const char *found[] = {"edoreczenia", "lookup", "85010112345", NULL};
	assert_int_equal(h_cli(&out, found), 0);
	assert_non_null(strstr(out, THEIR_ADE));
	free(out);
	const char *none[] = {"edoreczenia", "lookup", "", "Nikt Taki", NULL};
	assert_int_equal(h_cli(&out, none), 0);
	assert_non_null(strstr(out, "(no address)"));
	free(out);
	/* A wrong system name: the assertion is refused, the command says so. */
	setenv("JAWNOSC_EDORECZENIA_SYSTEM_NAME", "obcy", 1);
	const char *check[] = {"edoreczenia", "check", NULL};
	assert_int_not_equal(h_cli(&out, check), 0);
	assert_non_null(strstr(out, "invalid_client"));
	free(out);
	assert_int_equal(truncate(DIR "/violations.log", 0), 0);
	setenv("JAWNOSC_EDORECZENIA_SYSTEM_NAME", SYSTEM, 1);
	assert_int_equal(h_cli(&out, check), 0);
	free(out);
	assert_no_violations();
}

/* --- the BAE lookup (cases/bae.h) ------------------------------------------------------ */

#define FOUND_THEIRS "znaleziono <code>" THEIR_ADE "</code> w BAE"

/* A clerk's POST of the button „Sprawdź ponownie w BAE”. */
static void bae_check_again(long long id, int seq)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d/bae", id, seq);
	struct hresp r;
	u_staff_post(&clerk, path, "", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

static long long bae_events(long long req, const char *result)
{
	return sql_int("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	               "'bae_lookup' AND data->>'result' = '%s'",
	               req, result);
}

/* The requester gave no address: the draft's page asks the BAE by name and
 * postal address (the namesake at another address is not taken), keeps
 * the address found with its source and time, tells the clerk, puts an
 * event without personal data on the timeline, and preselects
 * e-Doręczenia; the decision goes there. */
static void test_bae_address_found_sends_the_decision_by_edoreczenia(void **state)
{
	NEED_YAML();
	control("{\"bae\": [{\"name\": \"Zofia Znaleziona\", \"address\": \"ul. Inna 1, 00-001 "
	        "Warszawa\", \"eDeliveryAddress\": \"AE:PL-11111-22222-OTHER-01\"}, {\"name\": "
	        "\"Zofia Znaleziona\", \"address\": \"ul. Lipowa 7, 00-950 Warszawa\", "
	        "\"eDeliveryAddress\": \"" THEIR_ADE "\"}]}");
	long asked = stat_of("bae_asked");
	int seq;
	long long req = refusal_drafted("Zofia Znaleziona", "ul. Lipowa 7, 00-950 Warszawa", NULL,
	                                &seq);
	char *page = document_page(req, seq);
	assert_non_null(strstr(page, FOUND_THEIRS " (sprawdzono 2026-03-02 10:00)"));
	assert_non_null(strstr(page, "<option value=\"edoreczenia\" selected>"));
	free(page);
	assert_int_equal(stat_of("bae_asked"), asked + 1);
	char *row = sql_value("SELECT ade_address || ' ' || ade_source || ' ' || "
	                      "to_char(bae_checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
	                      "FROM requesters WHERE request_id = %lld",
	                      req);
	assert_string_equal(row, THEIR_ADE " bae 2026-03-02 09:00");
	free(row);
	assert_int_equal(bae_events(req, "found"), 1);
	assert_int_equal(sql_int("SELECT count(*) FROM events e WHERE request_id = %lld AND action = "
	                         "'bae_lookup' AND (event_data(e)::text LIKE '%%AE:PL%%' OR "
	                         "event_data(e)::text LIKE '%%Zofia%%' OR event_data(e)::text LIKE "
	                         "'%%Lipowa%%')",
	                         req),
	                 0);
	/* Seen again within the answer's time: not asked again. */
	free(document_page(req, seq));
	assert_int_equal(stat_of("bae_asked"), asked + 1);

	long long d = decision_issued(req, seq, "edoreczenia");
	assert_int_equal(stat_of("bae_asked"), asked + 1);
	assert_true(wait_state(d, "sent", 20));
	char ref[32];
	snprintf(ref, sizeof ref, "JAW-%lld-", d);
	json_t *m;
	assert_int_equal(messages_with(ref, &m), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "to"),
	                                                      "eDeliveryAddress")),
	                    THEIR_ADE);
	json_decref(m);
	assert_no_violations();
}

/* Nobody in the BAE: „brak w BAE”, and the decision goes by the hybrid
 * service. */
static void test_bae_no_address_sends_the_decision_by_hybrid_post(void **state)
{
	NEED_YAML();
	control("{\"bae\": []}");
	int seq;
	long long req = refusal_drafted("Karol Nieobecny", "ul. Wiejska 4, 00-902 Warszawa", NULL,
	                                &seq);
	char *page = document_page(req, seq);
	assert_non_null(strstr(page, "brak w BAE (sprawdzono 2026-03-02 10:00)"));
	assert_non_null(strstr(page, "<option value=\"hybrid_post\" selected>"));
	free(page);
	assert_int_equal(bae_events(req, "not_found"), 1);
	long long d = decision_issued(req, seq, "hybrid_post");
	assert_true(wait_state(d, "sent", 20));
	char ref[32];
	snprintf(ref, sizeof ref, "JAW-%lld-", d);
	json_t *m;
	assert_int_equal(messages_with(ref, &m), 1);
	assert_true(json_is_true(json_object_get(m, "hybrid")));
	json_decref(m);
	char *ade = sql_value("SELECT ade_address FROM requesters WHERE request_id = %lld", req);
	assert_null(ade);
	assert_no_violations();
}

/* An answer counts for JAWNOSC_EDORECZENIA_LOOKUP_TTL (a day by default):
 * 23 hours old it stands; a day and a minute old it is asked again before
 * the decision, and an address gone from the BAE is gone here too. */
static void test_bae_answer_is_asked_again_after_its_time(void **state)
{
	NEED_YAML();
	control("{\"bae\": [{\"name\": \"Tomasz Przeprowadzony\", \"address\": \"ul. Stara 3, "
	        "00-001 Warszawa\", \"eDeliveryAddress\": \"" THEIR_ADE "\"}]}");
	long asked = stat_of("bae_asked");
	int seq;
	long long req = refusal_drafted("Tomasz Przeprowadzony", "ul. Stara 3, 00-001 Warszawa", NULL,
	                                &seq);
	free(document_page(req, seq));
	assert_int_equal(stat_of("bae_asked"), asked + 1);
	control("{\"bae\": []}");
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE requesters SET bae_checked_at = bae_checked_at - interval '23 hours' "
	         "WHERE request_id = %lld",
	         req);
	h_sql(sql);
	char *page = document_page(req, seq);
	assert_non_null(strstr(page, FOUND_THEIRS));
	free(page);
	assert_int_equal(stat_of("bae_asked"), asked + 1);
	snprintf(sql, sizeof sql,
	         "UPDATE requesters SET bae_checked_at = bae_checked_at - "
	         "interval '1 hour 1 minute' WHERE request_id = %lld",
	         req);
	h_sql(sql);
	/* Issued straight away, without the page: issuing asks first. */
	long long d = decision_issued(req, seq, "hybrid_post");
	assert_true(d > 0);
	assert_int_equal(stat_of("bae_asked"), asked + 2);
	char *row = sql_value("SELECT coalesce(ade_address, '-') || ' ' || "
	                      "coalesce(ade_source, '-') FROM requesters WHERE request_id = %lld",
	                      req);
	assert_string_equal(row, "- -");
	free(row);
	assert_int_equal(bae_events(req, "found"), 1);
	assert_int_equal(bae_events(req, "not_found"), 1);
	assert_no_violations();
}

/* The search engine fails: the clerk reads „nie sprawdzono” with a button
 * to ask again, never a 500; the page does not ask it on every view; the
 * decision is still issued, by the hybrid service (a registered letter is
 * offered too), and goes. Once the search engine answers, the button
 * finds the address and the next decision goes by e-Doręczenia. */
static void test_bae_down_clerk_sees_not_checked_and_the_decision_still_goes(void **state)
{
	NEED_YAML();
	control("{\"bae_mode\": \"fail\", \"bae\": [{\"name\": \"Olga Niesprawdzona\", \"address\": "
	        "\"ul. Mokra 8, 00-001 Warszawa\", \"eDeliveryAddress\": \"" THEIR_ADE "\"}]}");
	long asked = stat_of("bae_asked");
	int seq;
	long long req = refusal_drafted("Olga Niesprawdzona", "ul. Mokra 8, 00-001 Warszawa", NULL,
	                                &seq);
	char *page = document_page(req, seq);
	assert_non_null(
	    strstr(page, "nie sprawdzono — wyszukiwarka BAE nie odpowiedziała (2026-03-02 10:00)"));
	assert_non_null(strstr(page, "Sprawdź ponownie w BAE"));
	assert_non_null(strstr(page, "<option value=\"hybrid_post\" selected>"));
	assert_non_null(strstr(page, "<option value=\"registered_letter\">"));
	free(page);
	assert_int_equal(stat_of("bae_asked"), asked + 1);
	free(document_page(req, seq));
	assert_int_equal(stat_of("bae_asked"), asked + 1);
	/* The clerk asks again; still failing. */
	bae_check_again(req, seq);
	assert_int_equal(stat_of("bae_asked"), asked + 2);
	page = document_page(req, seq);
	assert_non_null(strstr(page, "nie sprawdzono"));
	free(page);
	assert_int_equal(bae_events(req, "failed"), 2);
	long long d = decision_issued(req, seq, "hybrid_post");
	assert_true(wait_state(d, "sent", 20));

	/* Another case of hers while the search engine fails; then it answers
	 * and the clerk asks again. */
	int seq2;
	long long req2 = refusal_drafted("Olga Niesprawdzona", "ul. Mokra 8, 00-001 Warszawa", NULL,
	                                 &seq2);
	page = document_page(req2, seq2);
	assert_non_null(strstr(page, "nie sprawdzono"));
	free(page);
	control("{\"bae_mode\": \"ok\"}");
	bae_check_again(req2, seq2);
	page = document_page(req2, seq2);
	assert_non_null(strstr(page, FOUND_THEIRS));
	free(page);
	long long d2 = decision_issued(req2, seq2, "edoreczenia");
	assert_true(wait_state(d2, "sent", 20));
	assert_no_violations();
}

/* A deployment serving several bodies: an organisation with settings of
 * its own (jawnosc edoreczenia set --org) sends from its own mailbox with
 * its own system's key; without them (unset) it sends with the
 * deployment's again; a row whose key is missing makes only its
 * dispatches wait, with the reason on the clerk's page. */
#define SECOND_ADE "AE:PL-22222-33333-OTHRS-07"
#define SECOND_SYSTEM "urzad-drugi"
static void test_an_organisation_sends_with_its_own_settings(void **state)
{
	NEED_YAML();
	assert_int_equal(
	    run("cd " DIR " && "
	        "openssl req -newkey rsa:2048 -nodes -keyout second.key -out second.csr "
	        "-subj '/CN=" SECOND_ADE ".SYSTEM." SECOND_SYSTEM "' 2>/dev/null && "
	        "openssl x509 -req -in second.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
	        "-out second.pem -days 2 2>/dev/null && chmod 600 second.key"),
	    0);
	char cwd[512], cmd[2048];
	assert_non_null(getcwd(cwd, sizeof cwd));
	char json[1200];
	snprintf(json, sizeof json,
	         "{\"client\": {\"address\": \"" SECOND_ADE "\", \"system_name\": \""
	         SECOND_SYSTEM "\", \"cert\": \"%s/" DIR "/second.pem\"}}",
	         cwd);
	control(json);
	/* The command refuses a key that is not the certificate's. */
	snprintf(cmd, sizeof cmd,
	         "%s bin/jawnosc-asan edoreczenia set --org mon --address " SECOND_ADE
	         " --system-name " SECOND_SYSTEM " --key %s/" DIR "/client.key --cert %s/" DIR
	         "/second.pem >/dev/null 2>&1",
	         env_url, cwd, cwd);
	assert_int_not_equal(run(cmd), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM org_edoreczenia"), 0);
	snprintf(cmd, sizeof cmd,
	         "%s %s bin/jawnosc-asan edoreczenia set --org mon --address " SECOND_ADE
	         " --system-name " SECOND_SYSTEM " --key %s/" DIR "/second.key --cert %s/" DIR
	         "/second.pem >/dev/null",
	         env_url, env_token, cwd, cwd);
	assert_int_equal(run(cmd), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM org_edoreczenia WHERE org_id = %lld AND "
	                         "address = '" SECOND_ADE "' AND url IS NULL",
	                         org_id),
	                 1);

	long long req;
	long long d = decision_dispatched("Anna Druga", "ul. Lipowa 7, 00-950 Warszawa", THEIR_ADE,
	                                  "edoreczenia", &req);
	assert_true(wait_state(d, "sent", 20));
	char ref[32];
	snprintf(ref, sizeof ref, "JAW-%lld-", d);
	json_t *m;
	assert_int_equal(messages_with(ref, &m), 1);
	assert_string_equal(json_string_value(json_object_get(m, "from")), SECOND_ADE);
	assert_string_equal(json_string_value(json_object_get(m, "mailbox")), SECOND_ADE);
	json_decref(m);

	/* Back to the deployment's settings. */
	h_sql("DELETE FROM org_edoreczenia");
	long long d2 = decision_dispatched("Anna Trzecia", "ul. Lipowa 8, 00-950 Warszawa", THEIR_ADE,
	                                   "edoreczenia", &req);
	assert_true(wait_state(d2, "sent", 20));
	snprintf(ref, sizeof ref, "JAW-%lld-", d2);
	assert_int_equal(messages_with(ref, &m), 1);
	assert_string_equal(json_string_value(json_object_get(m, "from")), OUR_ADE);
	assert_string_equal(json_string_value(json_object_get(m, "mailbox")), OUR_ADE);
	json_decref(m);

	/* A row gone wrong (its key removed): the dispatch waits with the reason. */
	char sql[2048];
	snprintf(sql, sizeof sql,
	         "INSERT INTO org_edoreczenia (org_id, address, system_name, key_path, cert_path) "
	         "VALUES (%lld, '" SECOND_ADE "', '" SECOND_SYSTEM "', '%s/" DIR "/gone.key', "
	         "'%s/" DIR "/second.pem')",
	         org_id, cwd, cwd);
	h_sql(sql);
	long long d3 = decision_dispatched("Anna Czwarta", "ul. Lipowa 9, 00-950 Warszawa", THEIR_ADE,
	                                   "edoreczenia", &req);
	bool waits = false;
	for (double end = now_s() + 10; now_s() < end && !waits;) {
		char *e = field(d3, "state || ' ' || (last_error LIKE '%%Ustawienia e-Dorę%%')::text");
		waits = e && !strcmp(e, "queued true");
		free(e);
		usleep(100000);
	}
	assert_true(waits);
	h_sql("DELETE FROM org_edoreczenia");
	assert_no_violations();
}

/* How many times the servers' logs (of every run kept) name organisation
 * mon's settings as wrong at start. */
static long wrong_settings_logged(void)
{
	FILE *f = popen("cat build/test-logs/*.log 2>/dev/null | grep -c 'organisation mon: its "
	                "settings are wrong'",
	                "r");
	assert_non_null(f);
	long n = -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	pclose(f);
	return n;
}

/* The BAE lookup and the command line use the organisation's own settings
 * too: its token (its system's key) asks the search engine, `check
 * --org` and `lookup --org` work with its row, and a server starting with
 * a wrong row says so in its log naming the organisation. */
static void test_an_organisation_looks_up_with_its_own_settings(void **state)
{
	NEED_YAML();
	char cwd[512], cmd[2048], json[1200];
	assert_non_null(getcwd(cwd, sizeof cwd));
	/* The second body's system (test_an_organisation_sends_with_its_own_settings
	 * made its certificate). */
	snprintf(json, sizeof json,
	         "{\"client\": {\"address\": \"" SECOND_ADE "\", \"system_name\": \""
	         SECOND_SYSTEM "\", \"cert\": \"%s/" DIR "/second.pem\"}, \"bae\": [{\"name\": "
	         "\"Ewa Szukana\", \"address\": \"ul. Lipowa 11, 00-950 Warszawa\", "
	         "\"eDeliveryAddress\": \"" THEIR_ADE "\"}, {\"identifier\": \"85010112345\", "
	         "\"name\": \"Jan Odbiorca\", \"eDeliveryAddress\": \"" THEIR_ADE "\"}]}",
	         cwd);
	control(json);
	char sql[2048];
	snprintf(sql, sizeof sql,
	         "INSERT INTO org_edoreczenia (org_id, address, system_name, key_path, cert_path) "
	         "VALUES (%lld, '" SECOND_ADE "', '" SECOND_SYSTEM "', '%s/" DIR "/second.key', "
	         "'%s/" DIR "/second.pem')",
	         org_id, cwd, cwd);
	h_sql(sql);

	/* The draft's page asks the search engine with the organisation's token. */
	long asked = stat_of("bae_asked");
	int seq;
	long long req = refusal_drafted("Ewa Szukana", "ul. Lipowa 11, 00-950 Warszawa", NULL, &seq);
	char *page = document_page(req, seq);
	assert_non_null(strstr(page, FOUND_THEIRS));
	free(page);
	assert_int_equal(stat_of("bae_asked"), asked + 1);
	char *by = stat_str("bae_asked_by");
	assert_string_equal(by, SECOND_ADE);
	free(by);
	assert_int_equal(bae_events(req, "found"), 1);

	/* The command line: check and lookup with the organisation's row. */
	snprintf(cmd, sizeof cmd,
	         "%s %s %s bin/jawnosc-asan edoreczenia check --org mon > " DIR "/check.out",
	         env_url, env_token, env_search);
	assert_int_equal(run(cmd), 0);
	assert_int_equal(run("grep -q 'access token obtained for " SECOND_ADE "' " DIR "/check.out"),
	                 0);
	snprintf(cmd, sizeof cmd,
	         "%s %s %s bin/jawnosc-asan edoreczenia lookup --org mon 85010112345 > " DIR
	         "/lookup.out",
	         env_url, env_token, env_search);
	assert_int_equal(run(cmd), 0);
	assert_int_equal(run("grep -qx '" THEIR_ADE "' " DIR "/lookup.out"), 0);
	by = stat_str("bae_asked_by");
	assert_string_equal(by, SECOND_ADE);
	free(by);
	/* No such organisation: refused. */
	snprintf(cmd, sizeof cmd,
	         "%s %s bin/jawnosc-asan edoreczenia check --org nie-ma 2>/dev/null", env_url,
	         env_token);
	assert_int_not_equal(system(cmd), 0);

	/* Without the row: the deployment's token asks again. */
	h_sql("DELETE FROM org_edoreczenia");
	bae_check_again(req, seq);
	by = stat_str("bae_asked_by");
	assert_string_equal(by, OUR_ADE);
	free(by);

	/* A wrong row (its key gone): `check --org` says so, and a server
	 * starting names the organisation in its log. */
	snprintf(sql, sizeof sql,
	         "INSERT INTO org_edoreczenia (org_id, address, system_name, key_path, cert_path) "
	         "VALUES (%lld, '" SECOND_ADE "', '" SECOND_SYSTEM "', '%s/" DIR "/gone.key', "
	         "'%s/" DIR "/second.pem')",
	         org_id, cwd, cwd);
	h_sql(sql);
	snprintf(cmd, sizeof cmd,
	         "%s %s bin/jawnosc-asan edoreczenia check --org mon 2>" DIR "/check.err", env_url,
	         env_token);
	assert_int_not_equal(system(cmd), 0);
	assert_int_equal(run("grep -q 'mon: Ustawienia e-Doręczeń urzędu są błędne' " DIR
	                     "/check.err"),
	                 0);
	const char *env[] = {env_fake,
	                     env_url,
	                     env_token,
	                     env_search,
	                     "JAWNOSC_EDORECZENIA_ADDRESS=" OUR_ADE,
	                     "JAWNOSC_EDORECZENIA_SYSTEM_NAME=" SYSTEM,
	                     "JAWNOSC_EDORECZENIA_KEY=" DIR "/client.key",
	                     "JAWNOSC_EDORECZENIA_CERT=" DIR "/client.pem",
	                     "JAWNOSC_EDORECZENIA_CA=" DIR "/ca.pem",
	                     "JAWNOSC_EDORECZENIA_POLL_MS=100000",
	                     NULL};
	long before = wrong_settings_logged();
	pid_t other = h_server_start_other(env, NULL);
	assert_true(other > 0);
	assert_int_equal(h_server_stop_other(other), 0);
	assert_int_equal(wrong_settings_logged(), before + 1);
	h_sql("DELETE FROM org_edoreczenia");
	assert_no_violations();
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	h_setup_db("edor");
	u_seed_demo();
	db_set_url(getenv("DATABASE_URL"));
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_standin_catches_malformed_requests),
	    cmocka_unit_test(test_decision_delivered_on_the_date_of_the_receipt),
	    cmocka_unit_test(test_not_collected_is_deemed_delivered_after_14_days),
	    cmocka_unit_test(test_service_down_loses_nothing_and_sends_once_when_back),
	    cmocka_unit_test(test_crash_after_posting_does_not_send_twice),
	    cmocka_unit_test(test_two_instances_send_each_dispatch_once),
	    cmocka_unit_test(test_rejection_a2_shows_its_reason),
	    cmocka_unit_test(test_an_unsigned_decision_waits_for_its_signature),
	    cmocka_unit_test(test_hybrid_post_is_delivered_on_the_return_receipt),
	    cmocka_unit_test(test_lookup_finds_an_address_in_the_search_engine),
	    cmocka_unit_test(test_bae_address_found_sends_the_decision_by_edoreczenia),
	    cmocka_unit_test(test_bae_no_address_sends_the_decision_by_hybrid_post),
	    cmocka_unit_test(test_bae_answer_is_asked_again_after_its_time),
	    cmocka_unit_test(test_bae_down_clerk_sees_not_checked_and_the_decision_still_goes),
	    cmocka_unit_test(test_an_organisation_sends_with_its_own_settings),
	    cmocka_unit_test(test_an_organisation_looks_up_with_its_own_settings),
	};
	int failed = cmocka_run_group_tests_name("edor", tests, setup, teardown);
	h_teardown();
	return failed;
}
