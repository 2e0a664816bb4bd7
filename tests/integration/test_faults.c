/* SPDX-License-Identifier: EUPL-1.2 */
/* Faults (issue 9, part 5), against the real server and the real
 * PostgreSQL:
 *  (a) PostgreSQL stopped and restarted under load: requests during the
 *      outage get 503 with Retry-After (never a 500, never a hang), service
 *      resumes by itself, every request answered 201 is in the database,
 *      and a client that retries the rest with its Idempotency-Key ends up
 *      with exactly one case each; numbering stays gap-free.
 *  (b) SMTP down: mail waits in the outbox and goes out once the server is
 *      back. Covered by test_mail.c
 *      (test_killed_smtp_server_delays_mail_without_losing_it), not repeated.
 *  (c) The server killed with SIGKILL while filing: no half-written case
 *      (each has its requester, answer term, register event and outbox
 *      row), numbers per unit, class and year run 1..N without gaps, the
 *      audit chain verifies.
 *  (d) Disk full while storing an attachment. Attachments live in
 *      PostgreSQL (bytea), so a full disk is an error of the INSERT. The test
 *      installs a trigger that raises SQLSTATE 53100 (disk_full), the error
 *      PostgreSQL gives when it cannot extend a file, for a marker file
 *      name (or request subject): no mount rights are needed and the server
 *      sees exactly what a full disk produces. Expected: 503 with
 *      Retry-After and a clear Polish message, the form with what was typed
 *      (problem+json from the API), and nothing half-stored: no request, no
 *      counter increment, no attachment, event, outbox or rate-limit row. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"

static const char *const server_env[] = {"JAWNOSC_FILING_RATE=1000000", NULL};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* h_header() uses a static buffer: this one is for threads. */
static bool has_header(const struct hresp *r, const char *name)
{
	size_t nl = strlen(name);
	for (const char *l = r->headers; l && *l;) {
		if (!strncasecmp(l, name, nl) && l[nl] == ':')
			return true;
		const char *e = strstr(l, "\r\n");
		if (!e)
			break;
		l = e + 2;
	}
	return false;
}

static long count_param(const char *sql, const char *param)
{
	PGconn *c = h_db();
	const char *p[1] = {param};
	PGresult *r = PQexecParams(c, sql, param ? 1 : 0, NULL, param ? p : NULL, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	long n = atol(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return n;
}

/* Case numbers of every unit, class and year run 1..N: no gap, no
 * repeat, and the counter stands at N. */
static void assert_numbering_gap_free(void)
{
	assert_int_equal(u_count("SELECT count(*) FROM requests r WHERE case_seq > (SELECT count(*) "
	                         "FROM requests r2 WHERE r2.unit_id = r.unit_id AND r2.case_class = "
	                         "r.case_class AND r2.case_year = r.case_year)"),
	                 0);
	assert_int_equal(u_count("SELECT count(*) - count(DISTINCT (unit_id, case_class, case_year, "
	                         "case_seq)) FROM requests"),
	                 0);
	assert_int_equal(u_count("SELECT count(*) FROM case_counters k WHERE k.last <> (SELECT "
	                         "count(*) FROM requests r WHERE r.unit_id = k.unit_id AND "
	                         "r.case_class = k.class AND r.case_year = k.year)"),
	                 0);
}

static int setup(void **state)
{
	(void)state;
	h_server_start(server_env);
	return 0;
}

/* ---- filing in threads ------------------------------------------------------ */

enum { MAXREC = 600 };

struct rec {
	char key[64];
	char subject[64];
	long status;
	bool retry_after;
	double t0, t1;
	char number[64];
};

struct filer {
	int id;
	unsigned port; /* 0: the main server */
	const char *tag;
	bool stop_on_failure;
	bool resumed; /* the filer's own: see restarted_us */
	int n;
	struct rec recs[MAXREC];
};

static atomic_bool stop_filing;
/* 201 answers received by every filer so far. */
static atomic_int filings_answered;
/* When the database came back (microseconds of now_s(); 0: not yet), and
 * whether each filer has had a 201 for a request sent after it: written
 * by the filers themselves, read by the test while they run. */
static atomic_llong restarted_us;
static atomic_int filers_resumed;

static void file_one(struct filer *f, struct rec *x)
{
	char body[512], key[96];
	snprintf(body, sizeof body,
	         "{\"kind\":\"public_information\",\"subject\":\"%s\",\"content\":\"Wniosek "
	         "z\xc5\x82o\xc5\xbcony w czasie awarii.\",\"delivery\":\"email\","
	         "\"requester\":{\"email\":\"awaria@example.pl\"}}",
	         x->subject);
	snprintf(key, sizeof key, "Idempotency-Key: %s", x->key);
	const char *hdr[] = {"Content-Type: application/json", key, NULL};
	struct hresp r;
	x->t0 = now_s();
	if (f->port)
		h_request_port(f->port, "POST", "/api/v1/requests", hdr, body, strlen(body), &r);
	else
		h_request("POST", "/api/v1/requests", hdr, body, strlen(body), &r);
	x->t1 = now_s();
	x->status = r.status;
	x->retry_after = has_header(&r, "Retry-After");
	x->number[0] = '\0';
	if (r.status == 201 || r.status == 200) {
		json_t *j = json_loadb(r.body, r.len, 0, NULL);
		const char *n = j ? u_str(j, "case_number") : NULL;
		snprintf(x->number, sizeof x->number, "%s", n ? n : "");
		json_decref(j);
	}
	h_free(&r);
}

static void *filer_main(void *arg)
{
	struct filer *f = arg;
	while (!atomic_load(&stop_filing) && f->n < MAXREC) {
		struct rec *x = &f->recs[f->n++];
		snprintf(x->subject, sizeof x->subject, "%s %d-%d", f->tag, f->id, f->n);
		snprintf(x->key, sizeof x->key, "%s-%d-%d-%d", f->tag, (int)getpid(), f->id, f->n);
		file_one(f, x);
		if (x->status == 201)
			atomic_fetch_add(&filings_answered, 1);
		long long back = atomic_load(&restarted_us);
		if (back && x->status == 201 && x->t0 * 1e6 > (double)back && !f->resumed) {
			f->resumed = true;
			atomic_fetch_add(&filers_resumed, 1);
		}
		if (f->stop_on_failure && x->status < 0)
			break;
		usleep(x->status == 201 ? 5000 : 100000); /* a client backs off after a failure */
	}
	return NULL;
}

/* The cases filed by the threads of one test (subject "<tag> ..."): one
 * query, compared in memory. */
struct filed {
	int n;
	struct {
		char subject[64];
		char number[64];
	} *c;
};

static void load_filed(const char *tag, struct filed *out)
{
	char like[80];
	snprintf(like, sizeof like, "%s %%", tag);
	PGconn *c = h_db();
	const char *p[1] = {like};
	PGresult *r = PQexecParams(c, "SELECT subject, case_number FROM requests WHERE subject LIKE $1",
	                           1, NULL, p, NULL, NULL, 0);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	out->n = PQntuples(r);
	out->c = calloc((size_t)out->n + 1, sizeof *out->c);
	for (int i = 0; i < out->n; i++) {
		snprintf(out->c[i].subject, sizeof out->c[i].subject, "%s", PQgetvalue(r, i, 0));
		snprintf(out->c[i].number, sizeof out->c[i].number, "%s", PQgetvalue(r, i, 1));
	}
	PQclear(r);
	PQfinish(c);
}

/* How many cases have this subject; the number of the last in *number. */
static int filed_as(const struct filed *f, const char *subject, const char **number)
{
	int k = 0;
	for (int i = 0; i < f->n; i++) {
		if (!strcmp(f->c[i].subject, subject)) {
			k++;
			if (number)
				*number = f->c[i].number;
		}
	}
	return k;
}

/* Checks the records of `nf` threads against the database: every 201 is
 * there once, with the number it was answered with; any other answer was
 * filed at most once (in doubt: see the test). Returns how many of those
 * were filed. Then sends those again with their Idempotency-Key through
 * the main server, and up to `fresh` of the ones that were not: 200 with
 * the same case when the first attempt had been filed, 201 when it had
 * not. Afterwards every request answered 2xx has exactly one case, and
 * no other case exists. */
static int check_and_resolve(const char *tag, struct filer *f, int nf, int fresh)
{
	struct filed db;
	load_filed(tag, &db);
	int in_doubt_filed = 0;
	for (int i = 0; i < nf; i++) {
		for (int k = 0; k < f[i].n; k++) {
			struct rec *x = &f[i].recs[k];
			const char *number = NULL;
			int times = filed_as(&db, x->subject, &number);
			if (x->status == 201 && (times != 1 || strcmp(number, x->number) != 0))
				fprintf(stderr, "%s answered 201 %s, stored %d times\n", x->subject, x->number,
				        times);
			if (x->status == 201) {
				assert_int_equal(times, 1);
				assert_string_equal(number, x->number);
				continue;
			}
			assert_true(times == 0 || times == 1);
			in_doubt_filed += times;
			if (!times && fresh-- <= 0)
				continue;
			struct filer main_server = {0};
			struct rec again = *x;
			file_one(&main_server, &again);
			if (again.status != (times ? 200 : 201))
				fprintf(stderr, "retry of %s (filed before: %d): %ld\n", x->subject, times,
				        again.status);
			assert_int_equal(again.status, times ? 200 : 201);
			if (times)
				assert_string_equal(again.number, number);
			*x = again;
		}
	}
	free(db.c);
	load_filed(tag, &db);
	int answered = 0;
	for (int i = 0; i < nf; i++) {
		for (int k = 0; k < f[i].n; k++) {
			struct rec *x = &f[i].recs[k];
			const char *number = NULL;
			bool ok = x->status == 201 || x->status == 200;
			assert_int_equal(filed_as(&db, x->subject, &number), ok ? 1 : 0);
			if (ok)
				assert_string_equal(number, x->number);
			answered += ok;
		}
	}
	assert_int_equal(db.n, answered); /* no case for a request not answered 2xx */
	free(db.c);
	return in_doubt_filed;
}

/* ---- (a) PostgreSQL stopped and restarted under load ------------------------- */

enum { FILERS = 4 };

static void test_postgres_stopped_and_restarted_under_load(void **state)
{
	if (!h_private_pg())
		skip(); /* the harness may stop only a cluster it owns */
	long before = u_count("SELECT count(*) FROM requests");
	static struct filer f[FILERS];
	pthread_t th[FILERS];
	atomic_store(&stop_filing, false);
	atomic_store(&restarted_us, 0);
	atomic_store(&filers_resumed, 0);
	for (int i = 0; i < FILERS; i++) {
		f[i] = (struct filer){.id = i, .tag = "Awaria"};
		pthread_create(&th[i], NULL, filer_main, &f[i]);
	}
	usleep(1000000); /* under load */
	double stop0 = now_s();
	h_pg_stop();
	double stopped = now_s();
	usleep(2000000); /* the outage */
	double start0 = now_s();
	h_pg_start();
	double started = now_s();
	atomic_store(&restarted_us, (long long)(started * 1e6));
	/* Service resumes by itself: every thread gets 201 again. */
	for (int waited = 0; waited < 200 && atomic_load(&filers_resumed) < FILERS; waited++)
		usleep(100000);
	usleep(300000);
	atomic_store(&stop_filing, true);
	for (int i = 0; i < FILERS; i++)
		pthread_join(th[i], NULL);
	fprintf(stderr, "outage: stop took %.1f s, start %.1f s\n", stopped - stop0, started - start0);

	int n201 = 0, n503 = 0, during = 0, resumed = 0, total = 0;
	double slowest = 0;
	for (int i = 0; i < FILERS; i++) {
		for (int k = 0; k < f[i].n; k++) {
			struct rec *x = &f[i].recs[k];
			total++;
			if (x->status != 201 && x->status != 503)
				fprintf(stderr, "%s: %ld\n", x->subject, x->status);
			/* never a 500, never a dropped connection */
			assert_true(x->status == 201 || x->status == 503);
			n201 += x->status == 201;
			n503 += x->status == 503;
			if (x->status == 503)
				assert_true(x->retry_after);
			if (x->t1 - x->t0 > slowest)
				slowest = x->t1 - x->t0;
			/* Sent and answered while the database was down: 503. */
			if (x->t0 > stopped && x->t1 < start0) {
				during++;
				assert_int_equal(x->status, 503);
			}
			if (x->t0 > started && x->status == 201)
				resumed++;
		}
	}
	fprintf(stderr, "outage: %d requests, %d answered 201, %d 503 (%d while down), %d 201 after "
	                "the restart; slowest answer %.2f s\n",
	        total, n201, n503, during, resumed, slowest);
	assert_true(during > 0);
	/* Each filer, not just one of them, had a 201 after the restart. */
	for (int i = 0; i < FILERS; i++) {
		bool back = false;
		for (int k = 0; k < f[i].n && !back; k++)
			back = f[i].recs[k].status == 201 && f[i].recs[k].t0 > started;
		assert_true(back);
	}
	assert_true(resumed >= FILERS);
	assert_true(slowest < 10); /* no hang */

	/* Every 201 is in the database with the number it was answered with.
	 * A 503 is "not filed" except in one window: a COMMIT that reached
	 * PostgreSQL while the connection died is in doubt (committed or
	 * not, the server cannot know). So a 503 may have a case, at most
	 * one, and nothing else may: no case for a request never sent. The
	 * client resolves the doubt by sending again with the same
	 * Idempotency-Key, and then has exactly one case per request. */
	int in_doubt_filed = check_and_resolve("Awaria", f, FILERS, 10);
	fprintf(stderr, "outage: %d of the 503s had been committed\n", in_doubt_filed);
	assert_int_equal(u_count("SELECT count(*) FROM requests") - before,
	                 n201 + in_doubt_filed + (n503 - in_doubt_filed < 10 ? n503 - in_doubt_filed : 10));
	assert_numbering_gap_free();
	struct hresp r;
	h_get("/readyz", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

/* ---- (c) SIGKILL while filing ---------------------------------------------------- */

enum { KILL_FILERS = 8 };

static void test_sigkill_while_filing_leaves_no_half_written_case(void **state)
{
	long before = u_count("SELECT count(*) FROM requests");
	unsigned port = 0;
	pid_t pid = h_server_start_other(server_env, &port);
	static struct filer f[KILL_FILERS];
	pthread_t th[KILL_FILERS];
	atomic_store(&stop_filing, false);
	for (int i = 0; i < KILL_FILERS; i++) {
		f[i] = (struct filer){.id = i, .port = port, .tag = "Zabity", .stop_on_failure = true};
		pthread_create(&th[i], NULL, filer_main, &f[i]);
	}
	/* Kill it once its clients have 20 answers (not 20 commits: a case
	 * can be committed and its answer not yet read), every worker busy. */
	atomic_store(&filings_answered, 0);
	for (int i = 0; i < 400 && atomic_load(&filings_answered) < 20; i++)
		usleep(50000);
	kill(pid, SIGKILL);
	atomic_store(&stop_filing, true);
	for (int i = 0; i < KILL_FILERS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(h_server_stop_other(pid), 128 + SIGKILL);

	int answered = 0, lost = 0;
	for (int i = 0; i < KILL_FILERS; i++) {
		for (int k = 0; k < f[i].n; k++) {
			answered += f[i].recs[k].status == 201;
			lost += f[i].recs[k].status != 201;
			if (f[i].recs[k].status != 201)
				assert_int_equal(f[i].recs[k].status, -1); /* no answer: the server died */
		}
	}
	long filed = count_param("SELECT count(*) FROM requests WHERE subject LIKE 'Zabity %'", NULL);
	fprintf(stderr, "sigkill: %d answered 201, %d without an answer, %ld cases\n", answered, lost,
	        filed);
	assert_true(answered >= 20);
	assert_true(lost >= 1);
	assert_true(filed >= answered && filed <= answered + lost);

	/* No half-written case: each has all of its rows. */
	static const char *const parts[] = {
	    "SELECT count(*) FROM requests r WHERE r.subject LIKE 'Zabity %' AND NOT EXISTS "
	    "(SELECT 1 FROM requesters q WHERE q.request_id = r.id)",
	    "SELECT count(*) FROM requests r WHERE r.subject LIKE 'Zabity %' AND NOT EXISTS "
	    "(SELECT 1 FROM terms t WHERE t.request_id = r.id AND t.kind = 'answer')",
	    "SELECT count(*) FROM requests r WHERE r.subject LIKE 'Zabity %' AND NOT EXISTS "
	    "(SELECT 1 FROM events e WHERE e.request_id = r.id AND e.action = 'register')",
	    "SELECT count(*) FROM requests r WHERE r.subject LIKE 'Zabity %' AND (SELECT count(*) "
	    "FROM outbox o WHERE o.request_id = r.id) <> 1",
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		long bad = u_count(parts[i]);
		if (bad)
			fprintf(stderr, "%ld cases fail: %s\n", bad, parts[i]);
		assert_int_equal(bad, 0);
	}
	/* Numbering goes on without a gap through the other server. */
	char number[64];
	char *token = u_file("public_information", number);
	free(token);
	assert_numbering_gap_free();
	/* The requests without an answer: resolved by sending them again. */
	check_and_resolve("Zabity", f, KILL_FILERS, KILL_FILERS * MAXREC);
	assert_numbering_gap_free();
	assert_int_equal(u_count("SELECT count(*) FROM requests") - before, answered + lost + 1);
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "%s", out);
	assert_int_equal(rc, 0);
	free(out);
}

/* ---- (d) disk full --------------------------------------------------------------- */

/* What a filing writes: none of it may move when a filing fails. */
struct snapshot {
	long requests, counters, rate, attachments, events, outbox, requesters, terms;
};

static void snap(struct snapshot *s)
{
	s->requests = u_count("SELECT count(*) FROM requests");
	s->counters = u_count("SELECT coalesce(sum(last), 0) FROM case_counters");
	s->rate = u_count("SELECT coalesce(sum(count), 0) FROM rate_limits");
	s->attachments = u_count("SELECT count(*) FROM attachments");
	s->events = u_count("SELECT count(*) FROM events");
	s->outbox = u_count("SELECT count(*) FROM outbox");
	s->requesters = u_count("SELECT count(*) FROM requesters");
	s->terms = u_count("SELECT count(*) FROM terms");
}

static void assert_unchanged(const struct snapshot *a, const char *what)
{
	struct snapshot b;
	snap(&b);
	if (memcmp(a, &b, sizeof b) != 0)
		fprintf(stderr, "%s left rows behind: requests %ld->%ld counters %ld->%ld rate %ld->%ld "
		                "attachments %ld->%ld events %ld->%ld outbox %ld->%ld\n",
		        what, a->requests, b.requests, a->counters, b.counters, a->rate, b.rate,
		        a->attachments, b.attachments, a->events, b.events, a->outbox, b.outbox);
	assert_memory_equal(a, &b, sizeof b);
}

static const char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/* A multipart filing (or registration, with `staff`) with one attachment. */
static void post_with_attachment(const char *path, const char *cookie, const char *csrf,
                                 const char *sid, const char *subject, const char *filename,
                                 bool staff, struct hresp *r)
{
	char body[8192];
	int n = snprintf(body, sizeof body,
	                 "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
	                 "--B\r\nContent-Disposition: form-data; name=\"submission_id\"\r\n\r\n%s\r\n"
	                 "--B\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npublic_information\r\n"
	                 "--B\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\n%s\r\n"
	                 "--B\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nTre\xc5\x9b\xc4\x87 "
	                 "wniosku z za\xc5\x82\xc4\x85" "cznikiem.\r\n"
	                 "--B\r\nContent-Disposition: form-data; name=\"delivery\"\r\n\r\ntracking_page\r\n"
	                 "%s"
	                 "--B\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"%s\"\r\n"
	                 "Content-Type: application/pdf\r\n\r\n%s\r\n--B--\r\n",
	                 csrf, sid, subject,
	                 staff ? "--B\r\nContent-Disposition: form-data; name=\"channel\"\r\n\r\npost\r\n"
	                         "--B\r\nContent-Disposition: form-data; name=\"received_on\"\r\n\r\n"
	                         "2026-01-05\r\n"
	                       : "",
	                 filename, pdf);
	const char *hdr[] = {"Content-Type: multipart/form-data; boundary=B", cookie, NULL};
	h_request("POST", path, hdr, body, (size_t)n, r);
}

static void test_disk_full_while_storing_an_attachment_stores_nothing(void **state)
{
	/* SQLSTATE 53100 for a marker file name or subject, as PostgreSQL
	 * raises it when it cannot extend a table's file. */
	h_sql("CREATE FUNCTION jw_test_disk_full_attachment() RETURNS trigger LANGUAGE plpgsql AS $$ "
	    "BEGIN IF NEW.filename LIKE 'pelny-dysk%' THEN "
	    "RAISE EXCEPTION 'could not extend file \"base/16384/16999\": No space left on device' "
	    "USING ERRCODE = 'disk_full', HINT = 'Check free disk space.'; END IF; RETURN NEW; END $$;"
	    "CREATE FUNCTION jw_test_disk_full_request() RETURNS trigger LANGUAGE plpgsql AS $$ "
	    "BEGIN IF NEW.subject LIKE 'PEŁNY DYSK%' THEN "
	    "RAISE EXCEPTION 'could not extend file \"base/16384/16998\": No space left on device' "
	    "USING ERRCODE = 'disk_full', HINT = 'Check free disk space.'; END IF; RETURN NEW; END $$;"
	    "CREATE TRIGGER jw_test_disk_full BEFORE INSERT ON attachments FOR EACH ROW "
	    "EXECUTE FUNCTION jw_test_disk_full_attachment();"
	    "CREATE TRIGGER jw_test_disk_full BEFORE INSERT ON requests FOR EACH ROW "
	    "EXECUTE FUNCTION jw_test_disk_full_request()");
	struct snapshot s0;
	snap(&s0);
	struct hresp r;
	char retry[32];

	/* The filing form: 503, the message, the form with what was typed. */
	struct u_form fp;
	u_open_form(&fp);
	post_with_attachment("/wniosek", fp.cookie, fp.csrf, fp.sid, "Wniosek przy pe\xc5\x82nym dysku",
	                     "pelny-dysk.pdf", false, &r);
	if (r.status != 503)
		fprintf(stderr, "form: %ld %.500s\n", r.status, r.body);
	assert_int_equal(r.status, 503);
	snprintf(retry, sizeof retry, "%s", h_header(&r, "Retry-After") ? h_header(&r, "Retry-After") : "");
	assert_true(atoi(retry) > 0);
	assert_non_null(strstr(r.body, "Chwilowo nie mo\xc5\xbc" "emy przyj\xc4\x85\xc4\x87 wniosku"));
	assert_non_null(strstr(r.body, "value=\"Wniosek przy pe\xc5\x82nym dysku\""));
	assert_non_null(strstr(r.body, "Tre\xc5\x9b\xc4\x87 wniosku z za\xc5\x82\xc4\x85" "cznikiem."));
	h_free(&r);
	assert_unchanged(&s0, "the form");

	/* The same form sent again once there is space: filed, with the
	 * next number (the failed attempt took none). */
	post_with_attachment("/wniosek", fp.cookie, fp.csrf, fp.sid, "Wniosek przy pe\xc5\x82nym dysku",
	                     "skan.pdf", false, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(u_count("SELECT coalesce(sum(last), 0) FROM case_counters"), s0.counters + 1);
	assert_int_equal(count_param("SELECT count(*) FROM requests r JOIN attachments a ON "
	                             "a.request_id = r.id WHERE r.subject = $1 AND a.filename = 'skan.pdf'",
	                             "Wniosek przy pe\xc5\x82nym dysku"),
	                 1);
	assert_numbering_gap_free();
	snap(&s0);

	/* The API (no attachments there): the disk fills while the request
	 * row is written. 503 problem+json with Retry-After. */
	u_post_json("/api/v1/requests",
	            "{\"kind\":\"public_information\",\"subject\":\"PE\xc5\x81NY DYSK w API\","
	            "\"content\":\"Tre\xc5\x9b\xc4\x87 wniosku przez API.\",\"delivery\":\"tracking_page\"}",
	            &r);
	assert_int_equal(r.status, 503);
	assert_string_equal(h_header(&r, "Content-Type"), "application/problem+json");
	assert_non_null(h_header(&r, "Retry-After"));
	assert_non_null(strstr(r.body, "niedost\xc4\x99pna"));
	h_free(&r);
	assert_unchanged(&s0, "the API");

	/* A clerk registering a letter that came by post, with its scan. */
	struct u_staff staff;
	u_login("urzednik@mon.example", "jawnosc-demo", &staff);
	snap(&s0); /* signing in writes a session */
	post_with_attachment("/panel/rejestracja", staff.cookie, staff.csrf, "", "Pismo przy pe\xc5\x82nym dysku",
	                     "pelny-dysk-skan.pdf", true, &r);
	if (r.status != 503)
		fprintf(stderr, "panel: %ld %.500s\n", r.status, r.body);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(r.body, "Dane s\xc4\x85 zachowane"));
	assert_non_null(strstr(r.body, "value=\"Pismo przy pe\xc5\x82nym dysku\""));
	h_free(&r);
	assert_unchanged(&s0, "the panel");

	h_sql("DROP TRIGGER jw_test_disk_full ON attachments; DROP TRIGGER jw_test_disk_full ON requests;"
	    "DROP FUNCTION jw_test_disk_full_attachment(); DROP FUNCTION jw_test_disk_full_request()");
	/* The operator is told why (the server's log). */
	char cmd[256];
	snprintf(cmd, sizeof cmd,
	         "grep -h 'out of resources (SQLSTATE 53100)' build/test-logs/jawnosc_t_faults_%d-*.log "
	         "| wc -l",
	         (int)getpid());
	FILE *p = popen(cmd, "r");
	int lines = 0;
	assert_int_equal(fscanf(p, "%d", &lines), 1);
	pclose(p);
	assert_true(lines >= 3);
	h_get("/healthz", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

int main(void)
{
	h_setup_db("faults");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_postgres_stopped_and_restarted_under_load),
	    cmocka_unit_test(test_sigkill_while_filing_leaves_no_half_written_case),
	    cmocka_unit_test(test_disk_full_while_storing_an_attachment_stores_nothing),
	};
	int failed = cmocka_run_group_tests_name("faults", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
