/* SPDX-License-Identifier: EUPL-1.2 */
/* The manager's dashboard, statistics and reminders against the real server
 * with a frozen clock (JAWNOSC_FAKE_NOW): each list and figure of the
 * dashboard around a weekend and the 11 November holiday, the links into
 * the queue, organisations and units kept apart, the charts; the statistics
 * of a period as CSV and JSON; reminders before a due date (working days),
 * after a missed term (managers), the morning digest, each exactly once
 * with two instances and after a restart, delivered to a real SMTP server
 * (tests/smtp_sink.py). Cases and terms are written with SQL, so that every
 * due date is exactly what the test needs. */
#include <arpa/inet.h>
#include <dirent.h>
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
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/strbuf.h"
#include "integration/cases_util.h"
#include "integration/harness.h"
#include "integration/mta_util.h"
#include "cases/queue.h"
#include "law/lifecycle.h"

/* Friday 6 November 2026, 10:00 in Warsaw. The 1st, 3rd and 5th working
 * days after it: Monday the 9th, Thursday the 12th (Wednesday the 11th is
 * Independence Day) and Monday the 16th. */
#define DASH_NOW "2026-11-06T09:00:00Z"

static long long org, other_org, rem_org, unit_a, unit_b, unit_x, unit_r, unit_s;
static long long szef, kier_a, ula, ben, m_org, m_unit, m_off, clerk_r;
static int seq;
static char sink_dir[256], smtp_env[64];
static pid_t sink_pid;
static unsigned sink_port;

/* ---- small helpers ---------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *sql_value(const char *sql, int n, const char *const *params)
{
	PGconn *c = h_db();
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	char *v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	PQfinish(c);
	return v;
}

static long long sql_int(const char *sql, int n, const char *const *params)
{
	char *v = sql_value(sql, n, params);
	long long x = v ? atoll(v) : -1;
	free(v);
	return x;
}

static const char *id_s(long long id)
{
	static char buf[8][24];
	static int k;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof buf[k], "%lld", id);
	return buf[k];
}

static long long mk_unit(long long o, const char *symbol)
{
	const char *p[] = {id_s(o), symbol};
	return sql_int("INSERT INTO units (org_id, symbol, name) VALUES ($1, $2, 'Komórka ' || $2) "
		       "RETURNING id",
		       2, p);
}

/* A staff account through the real CLI (Argon2id hash, like production). */
static long long mk_user(const char *email, const char *slug, const char *role, const char *name,
			 const char *unit)
{
	const char *args[] = {"user",	"add", email,	 "--org", slug,
			      "--role", role,  "--name", name,	  unit ? "--unit" : NULL,
			      unit,	NULL};
	char *out = NULL;
	int rc = h_cli_stdin(&out, "jawnosc-demo\n", args);
	if (rc != 0)
		fprintf(stderr, "user add %s: %s\n", email, out);
	free(out);
	assert_int_equal(rc, 0);
	const char *p[] = {email};
	return sql_int("SELECT id FROM users WHERE email = $1", 1, p);
}

/* A case, written directly: number PREFIX.1431.N.2026. */
static long long mk_case(long long o, long long unit, const char *number, long long assignee,
			 const char *kind, const char *channel, const char *received,
			 const char *state, const char *closed)
{
	char seqs[16];
	snprintf(seqs, sizeof seqs, "%d", ++seq);
	const char *p[] = {id_s(o), id_s(unit), number, seqs,	kind,
			   channel, received,	state,	closed, assignee ? id_s(assignee) : NULL};
	return sql_int(
	    "INSERT INTO requests (org_id, unit_id, case_number, case_class, case_seq, "
	    "case_year, kind, channel, received_at, received_on, subject, body, delivery, "
	    "state, closed_on, assignee_id, tracking_hash) VALUES ($1, $2, $3, '1431', "
	    "$4::int, 2026, $5, $6, ($7::date + time '12:00') AT TIME ZONE 'Europe/Warsaw', "
	    "$7, 'Sprawa ' || $3, 'Treść', 'email', $8, $9, $10, "
	    "sha256(random()::text::bytea)) RETURNING id",
	    10, p);
}

/* A term with the law's label and basis. */
static long long mk_term(long long req, const char *kind, const char *start, const char *due,
			 const char *state, const char *closed)
{
	law_term_kind_t k;
	assert_true(law_term_kind_from_id(kind, &k));
	const law_term_info_t *t = &law_terms[k];
	const char *p[] = {
	    id_s(req), kind, t->label, t->basis, t->side == LAW_SIDE_BODY ? "body" : "requester",
	    start,     due,  state,    closed};
	return sql_int(
	    "INSERT INTO terms (org_id, request_id, kind, label, basis, side, start_on, "
	    "unshifted_on, due_on, state, closed_on) SELECT org_id, id, $2, $3, $4, $5, $6, "
	    "$7, $7, $8, $9 FROM requests WHERE id = $1::bigint RETURNING id",
	    9, p);
}

static void mk_event(long long req, const char *action, const char *data)
{
	const char *p[] = {id_s(req), action, data};
	free(
	    sql_value("INSERT INTO events (org_id, request_id, actor, action, data) SELECT org_id, "
		      "id, 'clerk', $2, $3::jsonb FROM requests WHERE id = $1::bigint",
		      3, p));
}

/* The frozen clock, in this process and for the servers it starts. */
static void freeze(const char *instant)
{
	setenv("JAWNOSC_FAKE_NOW", instant, 1);
}

/* ---- pages ------------------------------------------------------------------------ */

static char *get_page(const struct u_staff *s, const char *path, long want)
{
	struct hresp r;
	u_staff_get(s, path, &r);
	if (r.status != want)
		fprintf(stderr, "GET %s: %ld %.400s\n", path, r.status, r.body);
	assert_int_equal(r.status, want);
	char *body = strdup(r.body ? r.body : "");
	h_free(&r);
	return body;
}

/* The part of a page from `id="X"` to the next section (or the end). */
static char *section(const char *html, const char *id)
{
	char key[96];
	snprintf(key, sizeof key, "id=\"%s\"", id);
	const char *p = strstr(html, key);
	if (!p) {
		fail_msg("no element %s on the page", id);
		return strdup("");
	}
	const char *end = strstr(p + 1, "<section");
	return strndup(p, end ? (size_t)(end - p) : strlen(p));
}

/* One chart's block: from its heading to the end of its data table. */
static char *chart(const char *html, const char *id)
{
	char key[96];
	snprintf(key, sizeof key, "id=\"%s-h\"", id);
	const char *p = strstr(html, key);
	if (!p) {
		fail_msg("no chart %s on the page", id);
		return strdup("");
	}
	const char *end = strstr(p, "</table>");
	return strndup(p, end ? (size_t)(end - p) : strlen(p));
}

static void unescape_amp(char *s)
{
	for (char *a; (a = strstr(s, "&amp;"));)
		memmove(a + 1, a + 5, strlen(a + 5) + 1);
}

struct figure {
	long count;
	char url[256];
};

/* <li ... id="fig-KEY"><a href="URL"><span class="figure-count">N</span> */
static struct figure figure_of(const char *html, const char *key)
{
	struct figure f = {-1, ""};
	char id[64];
	snprintf(id, sizeof id, "id=\"fig-%s\"><a href=\"", key);
	const char *p = strstr(html, id);
	if (!p)
		fail_msg("no figure %s", key);
	p += strlen(id);
	const char *q = strchr(p, '"');
	snprintf(f.url, sizeof f.url, "%.*s", (int)(q - p), p);
	unescape_amp(f.url);
	const char *c = strstr(q, "figure-count\">");
	f.count = atol(c + strlen("figure-count\">"));
	return f;
}

/* Rows of the queue at `url` (all pages are short here). */
static long queue_rows(const struct u_staff *s, const char *url)
{
	char *page = get_page(s, url, 200);
	long n = 0;
	for (const char *p = page; (p = strstr(p, "href=\"/panel/sprawy/")); p++)
		n++;
	free(page);
	return n;
}

/* The three linked numbers of a workload row: open, due soon, overdue. */
static void workload_row(const char *html, const char *name, long out[3], char urls[3][256])
{
	char key[128];
	snprintf(key, sizeof key, "<th scope=\"row\">%s</th>", name);
	const char *p = strstr(html, key);
	if (!p)
		fail_msg("no workload row for %s", name);
	for (int k = 0; k < 3; k++) {
		p = strstr(p, "<a href=\"") + strlen("<a href=\"");
		const char *q = strchr(p, '"');
		snprintf(urls[k], 256, "%.*s", (int)(q - p), p);
		unescape_amp(urls[k]);
		out[k] = atol(q + 2);
		p = q;
	}
}

static bool has(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

/* ---- the dashboard's cases ------------------------------------------------------- */

static long long a1, a2, a3, a4, a5, b1, b2, b3, b4, b5, b6, x1;

static void dashboard_cases(void)
{
	/* Unit PA */
	a1 = mk_case(org, unit_a, "PA.1431.1.2026", ula, "public_information", "web", "2026-10-15",
		     "in_progress", NULL);
	mk_term(a1, "answer", "2026-10-15", "2026-11-05", "open", NULL); /* overdue */
	a2 = mk_case(org, unit_a, "PA.1431.2.2026", ula, "public_information", "email",
		     "2026-10-23", "in_progress", NULL);
	mk_term(a2, "answer", "2026-10-23", "2026-11-06", "open", NULL); /* today */
	a3 = mk_case(org, unit_a, "PA.1431.3.2026", 0, "public_information", "web", "2026-10-26",
		     "received", NULL);
	mk_term(a3, "answer", "2026-10-26", "2026-11-09", "open", NULL); /* next working day */
	a4 = mk_case(org, unit_a, "PA.1431.4.2026", 0, "public_information", "post", "2026-10-20",
		     "awaiting_clarification", NULL);
	mk_term(a4, "answer", "2026-10-20", "2026-11-03", "cancelled", "2026-10-27");
	mk_term(a4, "clarification_window", "2026-10-27", "2026-11-10", "open", NULL);
	a5 = mk_case(org, unit_a, "PA.1431.5.2026", 0, "public_information", "web", "2026-09-01",
		     "appeal_pending", NULL);
	mk_term(a5, "answer", "2026-09-01", "2026-09-15", "met", "2026-09-10");
	mk_term(a5, "forward_appeal", "2026-11-03", "2026-11-10", "open", NULL);
	/* Unit PB */
	b1 = mk_case(org, unit_b, "PB.1431.1.2026", ben, "public_information", "epuap",
		     "2026-10-29", "in_progress", NULL);
	mk_term(b1, "answer", "2026-10-29", "2026-11-12", "open", NULL); /* 3rd working day */
	b2 = mk_case(org, unit_b, "PB.1431.2.2026", ben, "reuse", "web", "2026-10-30",
		     "in_progress", NULL);
	mk_term(b2, "reuse_answer", "2026-10-30", "2026-11-13", "open", NULL); /* 4th */
	b3 = mk_case(org, unit_b, "PB.1431.3.2026", ben, "public_information", "web", "2026-11-02",
		     "in_progress", NULL);
	mk_term(b3, "answer", "2026-11-02", "2026-11-16", "open", NULL); /* 5th */
	b4 = mk_case(org, unit_b, "PB.1431.4.2026", ben, "public_information", "phone",
		     "2026-11-03", "in_progress", NULL);
	mk_term(b4, "answer", "2026-11-03", "2026-11-17", "open", NULL); /* 6th */
	b5 = mk_case(org, unit_b, "PB.1431.5.2026", ben, "public_information", "web", "2026-08-03",
		     "at_court", NULL);
	mk_term(b5, "answer", "2026-08-03", "2026-08-17", "met", "2026-08-10");
	mk_term(b5, "court_answer", "2026-11-05", "2026-11-20", "open", NULL);
	b6 = mk_case(org, unit_b, "PB.1431.6.2026", ben, "public_information", "web", "2026-10-20",
		     "provided", "2026-11-02");
	mk_term(b6, "answer", "2026-10-20", "2026-11-03", "met", "2026-11-02");
	/* Another body's overdue case never shows. */
	x1 = mk_case(other_org, unit_x, "OBCY.1431.1.2026", 0, "public_information", "web",
		     "2026-10-01", "in_progress", NULL);
	mk_term(x1, "answer", "2026-10-01", "2026-10-15", "open", NULL);
}

static struct u_staff s_szef, s_kier_a;

static int dash_setup(void **state)
{
	freeze(DASH_NOW);
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" DASH_NOW, NULL};
	h_server_start(env);
	u_login("szef%40pulpit.test", "jawnosc-demo", &s_szef);
	u_login("kier.a%40pulpit.test", "jawnosc-demo", &s_kier_a);
	return 0;
}

static int dash_teardown(void **state)
{
	if (h_server_pid())
		assert_int_equal(h_server_stop(), 0);
	return 0;
}

static void test_dashboard_lists_for_the_whole_organisation(void **state)
{
	char *page = get_page(&s_szef, "/panel/pulpit", 200);
	char *overdue = section(page, "lista-po-terminie"), *today = section(page, "lista-dzis");
	char *soon = section(page, "lista-wkrotce"), *waiting = section(page, "lista-oczekuje");
	char *remedies = section(page, "lista-srodki");
	assert_true(has(page, "Stan na piątek, 2026-11-06"));
	/* Overdue: only A1 (its term ended yesterday); another body's never. */
	assert_true(has(overdue, "PA.1431.1.2026"));
	assert_false(has(overdue, "PA.1431.2.2026"));
	assert_false(has(page, "OBCY.1431.1.2026"));
	/* 1 day late: calendar days after the last day (law_days_overdue). */
	assert_true(has(overdue, "<td>2026-11-05</td><td>1 dzień po terminie</td>"));
	/* Today: A2. */
	assert_true(has(today, "PA.1431.2.2026"));
	assert_false(has(today, "PA.1431.1.2026"));
	/* Within 5 working days: A3 (Mon), A5 (Tue, forwarding the appeal), B1
	 * (Thu, after the holiday), B2 (Fri), B3 (Mon the 16th); not B4. */
	const char *in5[] = {"PA.1431.3.2026", "PA.1431.5.2026", "PB.1431.1.2026", "PB.1431.2.2026",
			     "PB.1431.3.2026"};
	for (size_t i = 0; i < sizeof in5 / sizeof in5[0]; i++)
		assert_true(has(soon, in5[i]));
	assert_false(has(soon, "PB.1431.4.2026"));
	assert_true(has(soon, "czwartek 2026-11-12</td><td>3 dni robocze</td>"));
	assert_true(has(soon, "poniedziałek 2026-11-16</td><td>5 dni roboczych</td>"));
	/* Waiting on the requester: A4's clarification window, with its date. */
	assert_true(has(waiting, "PA.1431.4.2026"));
	assert_true(has(waiting, "termin na doprecyzowanie wniosku"));
	assert_true(has(waiting, "wtorek 2026-11-10"));
	assert_false(has(waiting, "PA.1431.5.2026"));
	/* Remedies: forwarding A5's appeal (7 days), answering B5's complaint (15). */
	assert_true(has(remedies, "PA.1431.5.2026"));
	assert_true(has(remedies, "termin przekazania odwołania wraz z aktami"));
	assert_true(has(remedies, "PB.1431.5.2026"));
	assert_true(has(remedies, "UDIP art. 21 pkt 1"));
	assert_true(has(remedies, "odwołania i wnioski o ponowne rozpatrzenie 1, skargi 1"));
	/* Closed cases are in no list. */
	assert_false(has(page, "PB.1431.6.2026"));
	free(overdue), free(today), free(soon), free(waiting), free(remedies), free(page);
}

static void test_dashboard_figures_count_working_days_and_link_to_the_same_cases(void **state)
{
	char *page = get_page(&s_szef, "/panel/pulpit", 200);
	static const struct {
		const char *key;
		long count;
	} want[] = {{"overdue", 1}, {"today", 1},   {"next1", 1},   {"next3", 3},
		    {"next5", 5},   {"waiting", 1}, {"remedies", 2}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct figure f = figure_of(page, want[i].key);
		if (f.count != want[i].count)
			fprintf(stderr, "figure %s: %ld, expected %ld\n", want[i].key, f.count,
				want[i].count);
		assert_int_equal(f.count, want[i].count);
		/* The queue behind the figure holds exactly those cases. */
		long rows = queue_rows(&s_szef, f.url);
		if (rows != f.count)
			fprintf(stderr, "figure %s links to %s with %ld rows\n", want[i].key, f.url,
				rows);
		assert_int_equal(rows, f.count);
	}
	/* Overdue is flagged. */
	assert_true(has(page, "class=\"figure figure-alert\" id=\"fig-overdue\""));
	free(page);
}

static void test_dashboard_workload_per_clerk_and_unit(void **state)
{
	char *page = get_page(&s_szef, "/panel/pulpit", 200);
	char *people = section(page, "obciazenie-osoby"),
	     *units = section(page, "obciazenie-komorki");
	static const struct {
		const char *name;
		long open, soon, overdue;
		bool units;
	} rows[] = {
	    {"Ula Urzędniczka", 2, 1, 1, false},
	    {"Ben Urzędnik", 6, 1, 0, false}, /* B1-B5 and S4 of the statistics, still open */
	    {"nieprzydzielone", 3, 2, 0, false},
	    {"PA — Komórka PA", 5, 3, 1, true},
	    {"PB — Komórka PB", 6, 1, 0, true},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		long got[3];
		char urls[3][256];
		workload_row(rows[i].units ? units : people, rows[i].name, got, urls);
		long expect[3] = {rows[i].open, rows[i].soon, rows[i].overdue};
		for (int k = 0; k < 3; k++) {
			if (got[k] != expect[k] || queue_rows(&s_szef, urls[k]) != expect[k])
				fprintf(stderr, "%s [%d]: %ld (queue %s), expected %ld\n",
					rows[i].name, k, got[k], urls[k], expect[k]);
			assert_int_equal(got[k], expect[k]);
			assert_int_equal(queue_rows(&s_szef, urls[k]), expect[k]);
		}
	}
	free(people), free(units), free(page);
}

static void test_unit_manager_sees_only_the_unit(void **state)
{
	char *page = get_page(&s_kier_a, "/panel/pulpit", 200);
	assert_true(has(page, "komórka PA"));
	assert_false(has(page, "PB.1431."));
	static const struct {
		const char *key;
		long count;
	} want[] = {{"overdue", 1}, {"today", 1},   {"next1", 1},   {"next3", 2},
		    {"next5", 2},   {"waiting", 1}, {"remedies", 1}};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct figure f = figure_of(page, want[i].key);
		assert_int_equal(f.count, want[i].count);
		assert_true(has(f.url, "komorka="));
		assert_int_equal(queue_rows(&s_kier_a, f.url), f.count);
	}
	char *units = section(page, "obciazenie-komorki");
	assert_false(has(units, "Komórka PB"));
	free(units), free(page);
	/* A clerk has no dashboard. */
	struct u_staff clerk;
	u_login("ula%40pulpit.test", "jawnosc-demo", &clerk);
	free(get_page(&clerk, "/panel/pulpit", 403));
	free(get_page(&clerk, "/panel/statystyki.csv", 403));
}

/* The queue's filters the dashboard links to: another body's unit or user
 * finds nothing, and nonsense is ignored, never a 500. */
static void test_dashboard_filters_of_the_queue_stay_in_the_organisation(void **state)
{
	char path[256];
	snprintf(path, sizeof path, "/panel?komorka=%lld", unit_x);
	assert_int_equal(queue_rows(&s_szef, path), 0);
	snprintf(path, sizeof path, "/panel?prowadzi=%lld", ula);
	assert_int_equal(queue_rows(&s_szef, path), 2);
	snprintf(path, sizeof path, "/panel?komorka=%lld&oczekuje=1", unit_a);
	assert_int_equal(queue_rows(&s_szef, path), 1);
	static const char *const hostile[] = {
	    "/panel?prowadzi=abc&komorka=-1&oczekuje=%27&srodki=2&od=-5",
	    "/panel?od=99999999999999999999&komorka=99999999999999999999",
	    "/panel?prowadzi=1%3BDROP+TABLE+requests&od=1e3",
	    "/panel?oczekuje=1&srodki=1&od=0&termin=po&po_terminie=2026-11-01&po_id=1",
	};
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++)
		free(get_page(&s_szef, hostile[i], 200));
	/* Kept in the filter form as hidden fields, escaped. */
	char *page = get_page(&s_szef, "/panel?oczekuje=%22%3E%3Cscript%3E", 200);
	assert_false(has(page, "\"><script>"));
	assert_true(has(page, "value=\"&quot;&gt;&lt;script&gt;\""));
	free(page);
}

static void test_charts_are_accessible_svg_with_data_tables(void **state)
{
	struct hresp r;
	u_staff_get(&s_szef, "/panel/pulpit", &r);
	assert_int_equal(r.status, 200);
	const char *csp = h_header(&r, "Content-Security-Policy");
	assert_non_null(csp);
	assert_true(has(csp, "style-src 'self'"));
	/* Nothing the CSP would block: no inline style, no script. */
	assert_false(has(r.body, " style=\""));
	assert_false(has(r.body, "<script"));
	static const char *const ids[] = {"wykres-rodzaj", "wykres-kanal", "wykres-czas",
					  "wykres-terminowosc", "wykres-wyniki"};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		char key[160];
		snprintf(key, sizeof key, "role=\"img\" viewBox=");
		assert_true(has(r.body, key));
		snprintf(key, sizeof key, "aria-labelledby=\"%s-title %s-desc\"", ids[i], ids[i]);
		assert_true(has(r.body, key));
		snprintf(key, sizeof key, "<title id=\"%s-title\">", ids[i]);
		assert_true(has(r.body, key));
		snprintf(key, sizeof key, "<desc id=\"%s-desc\">", ids[i]);
		assert_true(has(r.body, key));
	}
	int svgs = 0, tables = 0;
	for (const char *p = r.body; (p = strstr(p, "<svg ")); p++)
		svgs++;
	for (const char *p = r.body; (p = strstr(p, "<table class=\"chart-data\"")); p++)
		tables++;
	assert_int_equal(svgs, 5);
	assert_int_equal(tables, 5);
	/* The data tables: received in November (A-B cases filed on 2-3 Nov:
	 * B3, B4), in October by kind; days to close of B6 (20 Oct - 2 Nov). */
	char *kinds = chart(r.body, "wykres-rodzaj");
	assert_true(has(kinds, "<th scope=\"row\">listopad 2026</th><td><a href=\"/panel?stan="
			       "wszystkie&amp;rodzaj=public_information&amp;wplynal_od=2026-11-01&amp;"
			       "wplynal_do=2026-11-30\">2</a></td><td>0</td>"));
	assert_true(has(kinds, "<th scope=\"row\">październik 2026</th><td><a href=\"/panel?stan="
			       "wszystkie&amp;rodzaj=public_information&amp;wplynal_od=2026-10-01&amp;"
			       "wplynal_do=2026-10-31\">6</a></td><td><a href=\"/panel?stan=wszystkie&amp;"
			       "rodzaj=reuse&amp;wplynal_od=2026-10-01&amp;wplynal_do=2026-10-31\">1</a>"
			       "</td>"));
	char *days = chart(r.body, "wykres-czas");
	assert_true(has(days, "<th scope=\"row\">listopad 2026</th><td>13</td><td>13</td>"));
	assert_true(has(days, "<th scope=\"row\">październik 2026</th><td>—</td><td>—</td>"));
	char *ontime = chart(r.body, "wykres-terminowosc");
	assert_true(has(ontime, "<th scope=\"row\">listopad 2026</th><td>100%</td>"));
	char *outcomes = chart(r.body, "wykres-wyniki");
	assert_true(has(outcomes, "<th scope=\"row\">udostępniono</th><td>1</td>"));
	free(kinds), free(days), free(ontime), free(outcomes);
	h_free(&r);
}

/* Issue 21 item 8: the page is not a wall of tables. Each chart's data
 * table is folded in a <details> right under its chart. */
static void test_chart_tables_are_folded_under_each_chart(void **state)
{
	char *page = get_page(&s_szef, "/panel/pulpit", 200);
	static const char *const ids[] = {"wykres-rodzaj", "wykres-kanal", "wykres-czas",
					  "wykres-terminowosc", "wykres-wyniki"};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		char *block = chart(page, ids[i]);
		const char *svg_end = strstr(block, "</svg>");
		const char *details = strstr(block, "<details");
		const char *table = strstr(block, "<table class=\"chart-data\"");
		assert_non_null(svg_end);
		assert_non_null(details);
		assert_non_null(table);
		/* The chart, then the folded table, with nothing open by default. */
		assert_true(svg_end < details && details < table);
		assert_false(has(details, "<details open"));
		assert_true(has(block, "<summary>Dane wykresu w tabeli"));
		free(block);
	}
	int tables = 0, folded = 0;
	for (const char *p = page; (p = strstr(p, "<table class=\"chart-data\"")); p++)
		tables++;
	for (const char *p = page; (p = strstr(p, "<details class=\"chart-details\">")); p++)
		folded++;
	assert_int_equal(tables, 5);
	assert_int_equal(folded, 5);
	free(page);
}

/* The bars of the charts of requests received link to the queue with the
 * same filter (kind or channel, received in that month, any state, the
 * manager's unit); several series differ by pattern as well as colour. */
static void test_chart_bars_link_to_the_queue_and_series_differ_by_pattern(void **state)
{
	char *page = get_page(&s_szef, "/panel/pulpit", 200);
	char *kinds = chart(page, "wykres-rodzaj");
	/* A chart of links is a group whose links are named by their values. */
	assert_true(has(kinds, "role=\"group\" viewBox="));
	assert_true(has(kinds, "<a href=\"/panel?stan=wszystkie&amp;rodzaj=reuse&amp;wplynal_od="
			       "2026-10-01&amp;wplynal_do=2026-10-31\" aria-label=\"paź 26, ponowne "
			       "wykorzystywanie: 1 — pokaż te sprawy w kolejce\"><rect"));
	/* The two kinds: two patterns, each in the legend too. */
	assert_true(has(kinds, "<pattern id=\"wykres-rodzaj-p0\""));
	assert_true(has(kinds, "<pattern id=\"wykres-rodzaj-p1\""));
	assert_true(has(kinds, "fill=\"url(#wykres-rodzaj-p1)\""));
	char *channels = chart(page, "wykres-kanal");
	/* B1 came by ePUAP on 29 October. */
	assert_true(has(channels, "<a href=\"/panel?stan=wszystkie&amp;kanal=epuap&amp;wplynal_od="
				  "2026-10-01&amp;wplynal_do=2026-10-31\""));
	/* Charts of cases closed in a month have no filter in the queue: no links. */
	char *days = chart(page, "wykres-czas");
	assert_false(has(days, "<a href"));
	assert_true(has(days, "role=\"img\""));
	free(kinds), free(channels), free(days), free(page);
	/* A unit's manager: the links keep to the unit. */
	page = get_page(&s_kier_a, "/panel/pulpit", 200);
	kinds = chart(page, "wykres-rodzaj");
	char want[256];
	snprintf(want, sizeof want,
		 "<a href=\"/panel?stan=wszystkie&amp;rodzaj=public_information&amp;wplynal_od="
		 "2026-10-01&amp;wplynal_do=2026-10-31&amp;komorka=%lld\"",
		 unit_a);
	assert_true(has(kinds, want));
	free(kinds), free(page);
}

/* Where the sign-in form sends each role: a manager to the dashboard,
 * a clerk (and an administrator) to the queue; a `next` still wins. */
static char *sign_in_location(const char *email, const char *next)
{
	struct hresp r;
	h_get("/panel/logowanie", &r);
	assert_int_equal(r.status, 200);
	char form_cookie[160], csrf[96], body[512], hdr_cookie[200];
	u_cookie_pair(h_header(&r, "Set-Cookie"), form_cookie, sizeof form_cookie);
	u_attr(r.body, "csrf", csrf, sizeof csrf);
	h_free(&r);
	snprintf(hdr_cookie, sizeof hdr_cookie, "Cookie: %s", form_cookie);
	snprintf(body, sizeof body, "csrf=%s&next=%s&email=%s&password=jawnosc-demo", csrf, next,
		 email);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", hdr_cookie, NULL};
	h_request("POST", "/panel/logowanie", hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 303);
	char *loc = strdup(h_header(&r, "Location"));
	h_free(&r);
	return loc;
}

static void test_manager_lands_on_the_dashboard_after_sign_in(void **state)
{
	char *loc = sign_in_location("szef%40pulpit.test", "");
	assert_string_equal(loc, "/panel/pulpit");
	free(loc);
	loc = sign_in_location("kier.a%40pulpit.test", "");
	assert_string_equal(loc, "/panel/pulpit");
	free(loc);
	loc = sign_in_location("ula%40pulpit.test", "");
	assert_string_equal(loc, "/panel");
	free(loc);
	loc = sign_in_location("szef%40pulpit.test", "%2Fpanel%3Fmoje%3D1");
	assert_string_equal(loc, "/panel?moje=1");
	free(loc);
}

/* ---- statistics ------------------------------------------------------------------- */

static long long s1, s2, s3, s4, s5;

static void stats_cases(void)
{
	/* March 2025: five requests; one in May outside the period. */
	s1 = mk_case(org, unit_a, "PA.1431.101.2025", ula, "public_information", "web",
		     "2025-03-03", "provided", "2025-03-10");
	mk_term(s1, "answer", "2025-03-03", "2025-03-17", "met", "2025-03-10");
	mk_event(s1, "fee_notice", "{\"amount\": \"10,50\"}");
	s2 = mk_case(org, unit_a, "PA.1431.102.2025", ula, "public_information", "email",
		     "2025-03-04", "refused", "2025-03-25");
	mk_term(s2, "answer", "2025-03-04", "2025-03-18", "missed", "2025-03-25");
	mk_event(s2, "appeal", "{}");
	mk_event(s2, "court_complaint", "{}");
	/* Extended: closed after the first due date, before the extended one. */
	s3 = mk_case(org, unit_b, "PB.1431.103.2025", ben, "reuse", "post", "2025-03-05",
		     "provided", "2025-03-20");
	mk_term(s3, "reuse_answer", "2025-03-05", "2025-03-19", "met", "2025-03-10");
	mk_term(s3, "reuse_answer_extended", "2025-03-10", "2025-03-31", "met", "2025-03-20");
	s4 = mk_case(org, unit_b, "PB.1431.104.2025", ben, "public_information", "web",
		     "2025-03-06", "fee_notified", NULL);
	mk_term(s4, "answer", "2025-03-06", "2025-03-20", "met", "2025-03-07");
	mk_event(s4, "fee_notice", "{\"amount\": \"5\"}");
	mk_event(s4, "fee_notice", "{\"amount\": \"nie wiem\"}"); /* never fails the report */
	s5 = mk_case(org, unit_a, "PA.1431.105.2025", 0, "public_information", "phone",
		     "2025-03-06", "withdrawn", "2025-03-08");
	mk_term(s5, "answer", "2025-03-06", "2025-03-20", "cancelled", "2025-03-08");
	long long s6 = mk_case(org, unit_a, "PA.1431.106.2025", 0, "public_information", "web",
			       "2025-05-01", "provided", "2025-05-02");
	mk_term(s6, "answer", "2025-05-01", "2025-05-15", "met", "2025-05-02");
}

/* RFC 4180: records end with CRLF; quoted fields may hold commas, quotes
 * (doubled) and line breaks. Returns the number of records. */
#define CSV_MAX_ROWS 64
static int csv_parse(const char *s, char *rows[CSV_MAX_ROWS][4])
{
	int n = 0;
	while (*s && n < CSV_MAX_ROWS) {
		for (int f = 0; f < 4; f++) {
			strbuf_t sb;
			sb_init(&sb, NULL);
			sb_puts(&sb, "");
			if (*s == '"') {
				for (s++; *s && !(s[0] == '"' && s[1] != '"'); s++) {
					if (s[0] == '"')
						s++;
					sb_putc(&sb, *s);
				}
				assert_true(*s == '"');
				s++;
			} else {
				while (*s && *s != ',' && *s != '\r')
					sb_putc(&sb, *s++);
			}
			rows[n][f] = sb.data;
			if (f < 3) {
				assert_true(*s == ',');
				s++;
			}
		}
		assert_true(s[0] == '\r' && s[1] == '\n');
		s += 2;
		n++;
	}
	return n;
}

static json_t *list_item(json_t *doc, const char *list, const char *key)
{
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(doc, list), i, it)
	{
		if (!strcmp(json_string_value(json_object_get(it, "key")), key))
			return it;
	}
	return NULL;
}

static long long count_in(json_t *doc, const char *list, const char *key)
{
	json_t *it = list_item(doc, list, key);
	return it ? json_integer_value(json_object_get(it, "count")) : -1;
}

static void test_statistics_of_a_period_as_json(void **state)
{
	char *text = get_page(&s_szef, "/panel/statystyki.json?od=2025-03-01&do=2025-03-31", 200);
	json_error_t e;
	json_t *doc = json_loads(text, 0, &e);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "requests")), 5);
	assert_int_equal(count_in(doc, "by_kind", "public_information"), 4);
	assert_int_equal(count_in(doc, "by_kind", "reuse"), 1);
	assert_int_equal(count_in(doc, "by_channel", "web"), 2);
	assert_int_equal(count_in(doc, "by_channel", "email"), 1);
	assert_int_equal(count_in(doc, "by_channel", "post"), 1);
	assert_int_equal(count_in(doc, "by_channel", "phone"), 1);
	assert_int_equal(count_in(doc, "by_channel", "epuap"), 0);
	assert_int_equal(count_in(doc, "by_outcome", "provided"), 2);
	assert_int_equal(count_in(doc, "by_outcome", "refused"), 1);
	assert_int_equal(count_in(doc, "by_outcome", "withdrawn"), 1);
	assert_int_equal(count_in(doc, "by_outcome", "open"), 1);
	assert_int_equal(count_in(doc, "by_unit", "PA"), 3);
	assert_int_equal(count_in(doc, "by_unit", "PB"), 2);
	assert_int_equal(json_integer_value(json_object_get(doc, "closed")), 4);
	/* Answered: S1 on time, S2 late, S3 on time by its extended date; the
	 * withdrawal answered nothing, S4 is still open. */
	assert_int_equal(json_integer_value(json_object_get(doc, "answered")), 3);
	assert_int_equal(json_integer_value(json_object_get(doc, "on_time")), 2);
	assert_float_equal(json_number_value(json_object_get(doc, "on_time_rate")), 2.0 / 3, 1e-9);
	/* 7, 21, 15 and 2 days: the median is 11. */
	assert_float_equal(json_number_value(json_object_get(doc, "median_days")), 11, 1e-9);
	assert_int_equal(json_integer_value(json_object_get(doc, "fee_notices")), 3);
	assert_string_equal(json_string_value(json_object_get(doc, "fees_total")), "15.50");
	assert_int_equal(json_integer_value(json_object_get(doc, "appeals")), 1);
	assert_int_equal(json_integer_value(json_object_get(doc, "court_complaints")), 1);
	json_decref(doc);
	free(text);
	/* The unit's manager gets the unit's figures only. */
	text = get_page(&s_kier_a, "/panel/statystyki.json?od=2025-03-01&do=2025-03-31", 200);
	doc = json_loads(text, 0, &e);
	assert_int_equal(json_integer_value(json_object_get(doc, "requests")), 3);
	assert_int_equal(count_in(doc, "by_unit", "PB"), -1);
	assert_int_equal(json_integer_value(json_object_get(doc, "court_complaints")), 1);
	assert_string_equal(json_string_value(json_object_get(doc, "fees_total")), "10.50");
	json_decref(doc);
	free(text);
}

static void test_statistics_csv_parses_and_matches_the_json(void **state)
{
	const char *q = "?od=2025-03-01&do=2025-03-31";
	char path[128];
	snprintf(path, sizeof path, "/panel/statystyki.csv%s", q);
	struct hresp r;
	u_staff_get(&s_szef, path, &r);
	assert_int_equal(r.status, 200);
	assert_true(has(h_header(&r, "Content-Type"), "text/csv; charset=utf-8"));
	assert_true(
	    has(h_header(&r, "Content-Disposition"), "statystyki-2025-03-01-2025-03-31.csv"));
	char *rows[CSV_MAX_ROWS][4];
	int n = csv_parse(r.body, rows);
	h_free(&r);
	snprintf(path, sizeof path, "/panel/statystyki.json%s", q);
	char *text = get_page(&s_szef, path, 200);
	json_t *doc = json_loads(text, 0, NULL);
	free(text);
	assert_true(n > 20);
	assert_string_equal(rows[0][0], "section");
	assert_string_equal(rows[0][3], "value");
	static const struct {
		const char *section, *list;
	} lists[] = {{"kind", "by_kind"},
		     {"channel", "by_channel"},
		     {"outcome", "by_outcome"},
		     {"unit", "by_unit"}};
	int checked = 0;
	for (int i = 1; i < n; i++) {
		const char *sec = rows[i][0], *key = rows[i][1], *value = rows[i][3];
		json_t *v = NULL;
		for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
			if (!strcmp(sec, lists[l].section))
				v = json_object_get(list_item(doc, lists[l].list, key), "count");
		if (!strcmp(sec, "period"))
			v = json_object_get(json_object_get(doc, "period"), key);
		else if (!v)
			v = json_object_get(doc, sec);
		if (!v)
			fail_msg("CSV row %s,%s is not in the JSON", sec, key);
		if (json_is_string(v))
			assert_string_equal(value, json_string_value(v));
		else
			assert_float_equal(strtod(value, NULL), json_number_value(v), 1e-9);
		checked++;
	}
	assert_int_equal(checked, n - 1);
	/* Polish labels arrive intact in UTF-8. */
	bool found = false;
	for (int i = 1; i < n; i++)
		found |= !strcmp(rows[i][2], "ePUAP / e-Doręczenia");
	assert_true(found);
	for (int i = 0; i < n; i++)
		for (int f = 0; f < 4; f++)
			free(rows[i][f]);
	json_decref(doc);
}

static void test_statistics_page_and_bad_periods(void **state)
{
	char *page = get_page(&s_szef, "/panel/statystyki?od=2025-03-01&do=2025-03-31", 200);
	assert_true(has(page, "<dt>Wnioski złożone</dt><dd>5</dd>"));
	assert_true(has(page, "2 z 3 (66,7 %)"));
	assert_true(has(page, "/panel/statystyki.csv?od=2025-03-01&amp;do=2025-03-31"));
	free(page);
	page = get_page(&s_szef, "/panel/statystyki?od=2025-04-01&do=2025-03-01", 422);
	assert_true(has(page, "Początek okresu nie może być późniejszy niż jego koniec."));
	assert_true(has(page, "value=\"2025-04-01\""));
	free(page);
	free(get_page(&s_szef, "/panel/statystyki?od=%3Cscript%3E", 422));
	free(get_page(&s_szef, "/panel/statystyki.json?od=2025-02-30", 422));
	free(get_page(&s_szef, "/panel/statystyki.csv?do=1800-01-01", 422));
	free(get_page(&s_szef, "/panel/statystyki.csv?od=1990-01-01&do=2100-12-31", 422));
}

/* ---- reminders ---------------------------------------------------------------------- */

static int b64_value(char ch)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = ch ? strchr(a, ch) : NULL;
	return p ? (int)(p - a) : -1;
}

/* The Subject of a message, its RFC 2047 words decoded (as test_mail.c):
 * the blanks between two encoded words go, others stay. */
static char *subject_of(const char *msg)
{
	const char *line = strstr(msg, "\r\nSubject: ");
	if (!line)
		return NULL;
	strbuf_t out;
	sb_init(&out, NULL);
	sb_puts(&out, "");
	const char *p = line + strlen("\r\nSubject: ");
	bool prev_word = false;
	while (!(p[0] == '\r' && p[1] == '\n' && p[2] != ' ')) {
		if (!strncmp(p, "=?UTF-8?B?", 10)) {
			const char *q = strstr(p + 10, "?=");
			uint32_t acc = 0;
			int bits = 0;
			for (const char *c = p + 10; c < q; c++) {
				int v = b64_value(*c);
				if (v < 0)
					continue;
				acc = acc << 6 | (uint32_t)v;
				bits += 6;
				if (bits >= 8) {
					bits -= 8;
					sb_putc(&out, (char)((acc >> bits) & 0xFF));
				}
			}
			p = q + 2;
			prev_word = true;
		} else if (*p == '\r' || *p == '\n') {
			p++;
		} else if (*p == ' ' && prev_word && strstr(p, "=?") == p + strspn(p, " ")) {
			p++;
		} else {
			sb_putc(&out, *p++);
			prev_word = false;
		}
	}
	return out.data;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	strbuf_t sb;
	sb_init(&sb, NULL);
	sb_puts(&sb, "");
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append(&sb, buf, n);
	fclose(f);
	return sb.data;
}

/* Messages at the SMTP sink whose subject (spaces removed) contains
 * `needle` and whose envelope names `rcpt` (NULL: anyone). */
static int sink_count(const char *needle, const char *rcpt)
{
	DIR *d = opendir(sink_dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".eml"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", sink_dir, e->d_name);
		char *raw = read_all(path);
		char *subject = raw ? subject_of(raw) : NULL;
		snprintf(path, sizeof path, "%s/%.*s.env", sink_dir, (int)(len - 4), e->d_name);
		char *env = read_all(path);
		if (subject && strstr(subject, needle) && (!rcpt || (env && strstr(env, rcpt))))
			n++;
		free(subject), free(raw), free(env);
	}
	closedir(d);
	return n;
}

static void sink_start(void)
{
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int logfd = open("build/test-logs/smtp_sink_dashboard.log",
				 O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(pipefd[1], STDOUT_FILENO);
		if (logfd >= 0)
			dup2(logfd, STDERR_FILENO);
		close(pipefd[0]);
		char port[16];
		snprintf(port, sizeof port, "%u", sink_port);
		execl("/usr/bin/python3", "python3", "tests/smtp_sink.py", port, sink_dir,
		      (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	sink_pid = pid;
	char buf[64] = "";
	size_t n = 0;
	struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
	while (n < sizeof buf - 1 && !strstr(buf, "ready\n") && poll(&pfd, 1, 15000) > 0) {
		ssize_t r = read(pipefd[0], buf + n, sizeof buf - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
	close(pipefd[0]);
	if (!strstr(buf, "ready\n"))
		fail_msg("smtp_sink.py did not start: see build/test-logs/smtp_sink_dashboard.log");
}

static void sink_kill(void)
{
	if (!sink_pid)
		return;
	kill(sink_pid, SIGKILL);
	waitpid(sink_pid, NULL, 0);
	sink_pid = 0;
}

/* Reminders of `kind` for term `term` (0: any) to `user` (0: anyone). */
static long reminders_of(const char *kind, long long term, long long user)
{
	const char *p[] = {kind, id_s(term), id_s(user)};
	return (long)sql_int("SELECT count(*) FROM reminders WHERE kind = $1 "
			     "AND ($2::bigint = 0 OR term_id = $2::bigint) "
			     "AND ($3::bigint = 0 OR user_id = $3::bigint)",
			     3, p);
}

static bool wait_reminders(const char *kind, long long term, long long user, long at_least,
			   double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(50000))
		if (reminders_of(kind, term, user) >= at_least)
			return true;
	return false;
}

static long digests_on(long long user, const char *day)
{
	const char *p[] = {id_s(user), day};
	return (long)sql_int("SELECT count(*) FROM reminders WHERE kind = 'digest' "
			     "AND user_id = $1::bigint AND day = $2::date",
			     2, p);
}

/* A server of the reminder tests at `instant`, polling every 100 ms. */
static void reminder_server(const char *instant)
{
	static char fake[64];
	freeze(instant);
	snprintf(fake, sizeof fake, "JAWNOSC_FAKE_NOW=%s", instant);
	const char *env[] = {fake,
			     smtp_env,
			     "JAWNOSC_MAIL_POLL_MS=100",
			     "JAWNOSC_REMIND_POLL_MS=100",
			     "JAWNOSC_REMIND_DAYS=2",
			     "JAWNOSC_DIGEST_HOUR=7",
			     "JAWNOSC_BASE_URL=https://bip.example.test/",
			     NULL};
	h_server_start(env);
}

static void stop_server(void)
{
	assert_int_equal(h_server_stop(), 0);
}

/* A case of unit RA for clerk_r with one open answer term due on `due`. */
static long long term_due(const char *number, const char *due)
{
	long long req = mk_case(rem_org, unit_r, number, clerk_r, "public_information", "web",
				"2026-10-01", "in_progress", NULL);
	return mk_term(req, "answer", "2026-10-01", due, "open", NULL);
}

static int rem_setup(void **state)
{
	sink_start();
	return 0;
}

static int rem_teardown(void **state)
{
	sink_kill();
	if (h_server_pid())
		assert_int_equal(h_server_stop(), 0);
	return 0;
}

static void test_due_soon_reminder_counts_working_days_not_weekends_or_holidays(void **state)
{
	long long t0 = term_due("RA.1431.1.2026", "2026-11-06"); /* Fri: remind Wed 4th */
	long long t1 = term_due("RA.1431.2.2026", "2026-11-09"); /* Mon: remind Thu 5th */
	long long t3 = term_due("RA.1431.3.2026", "2026-11-10"); /* Tue: remind Fri 6th */
	long long t2 =
	    term_due("RA.1431.4.2026", "2026-11-12"); /* Thu after the holiday: Mon 9th */
	long long t4 = term_due("RA.1431.5.2026", "2026-11-17"); /* Tue: Fri 13th, never Sat 14th */
	/* Wednesday the 4th: only T0 (Thu, Fri left). */
	reminder_server("2026-11-04T09:00:00Z");
	assert_true(wait_reminders("due_soon", t0, clerk_r, 1, 15));
	assert_int_equal(reminders_of("due_soon", t1, 0), 0);
	assert_int_equal(reminders_of("due_soon", t2, 0), 0);
	assert_int_equal(reminders_of("due_soon", t3, 0), 0);
	/* The e-mail reaches the assignee through SMTP, with the case's link. */
	for (double end = now_s() + 15;
	     now_s() < end && !sink_count("RA.1431.1.2026", "rafal@przyp.test");)
		usleep(50000);
	assert_int_equal(sink_count("RA.1431.1.2026", "rafal@przyp.test"), 1);
	const char *p[] = {id_s(t0)};
	char *body =
	    sql_value("SELECT o.body FROM outbox o JOIN terms t ON t.request_id = o.request_id "
		      "WHERE t.id = $1::bigint AND o.subject LIKE 'Zbliża się termin%'",
		      1, p);
	assert_non_null(body);
	assert_true(has(body, "termin załatwienia wniosku (UDIP art. 13 ust. 1)"));
	assert_true(has(body, "ostatni dzień: piątek 2026-11-06, za 2 dni robocze."));
	assert_true(has(body, "https://bip.example.test/panel/sprawy/"));
	free(body);
	stop_server();
	/* Thursday the 5th: T1, due Monday (Friday and Monday left). */
	reminder_server("2026-11-05T09:00:00Z");
	assert_true(wait_reminders("due_soon", t1, clerk_r, 1, 15));
	assert_int_equal(reminders_of("due_soon", t2, 0), 0);
	assert_int_equal(reminders_of("due_soon", t3, 0), 0);
	stop_server();
	/* Friday the 6th: T3 (Mon, Tue); not T2: Mon, Tue and Thu are three. */
	reminder_server("2026-11-06T09:00:00Z");
	assert_true(wait_reminders("due_soon", t3, clerk_r, 1, 15));
	assert_int_equal(reminders_of("due_soon", t2, 0), 0);
	stop_server();
	/* Monday the 9th: T2 (Tue, and Thu after the holiday). */
	reminder_server("2026-11-09T09:00:00Z");
	assert_true(wait_reminders("due_soon", t2, clerk_r, 1, 15));
	stop_server();
	/* Saturday the 14th: T4 is two working days away, but nothing is sent
	 * on a day off. The round did run: T0's missed reminder tells. */
	assert_int_equal(reminders_of("missed", t0, 0), 2);	 /* sent on Monday already */
	long long t5 = term_due("RA.1431.6.2026", "2026-11-13"); /* missed by Saturday */
	reminder_server("2026-11-14T09:00:00Z");
	assert_true(wait_reminders("missed", t5, m_org, 1, 15));
	usleep(300000);
	assert_int_equal(reminders_of("due_soon", t4, 0), 0);
	stop_server();
	/* Monday the 16th: sent (late, but before the due date). */
	reminder_server("2026-11-16T09:00:00Z");
	assert_true(wait_reminders("due_soon", t4, clerk_r, 1, 15));
	stop_server();
	/* Each one once. */
	long long terms[] = {t0, t1, t2, t3, t4};
	for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
		assert_int_equal(reminders_of("due_soon", terms[i], 0), 1);
}

static void test_missed_term_is_reported_to_managers_of_the_organisation_and_unit(void **state)
{
	long long tm = term_due("RA.1431.20.2026", "2026-11-19");
	long long other_unit = mk_case(rem_org, unit_s, "SB.1431.21.2026", 0, "public_information",
				       "web", "2026-10-01", "in_progress", NULL);
	long long tn = mk_term(other_unit, "answer", "2026-10-01", "2026-11-19", "open", NULL);
	long long tc = term_due("RA.1431.22.2026", "2026-11-20"); /* control: due_soon */
	/* Thursday the 19th, the last day: not missed yet. */
	reminder_server("2026-11-19T09:00:00Z");
	assert_true(wait_reminders("due_soon", tc, clerk_r, 1, 15));
	usleep(300000);
	assert_int_equal(reminders_of("missed", tm, 0), 0);
	stop_server();
	/* Friday the 20th: the organisation's manager and the unit's. */
	reminder_server("2026-11-20T09:00:00Z");
	assert_true(wait_reminders("missed", tm, 0, 2, 15));
	assert_true(wait_reminders("missed", tn, 0, 1, 15));
	usleep(300000);
	assert_int_equal(reminders_of("missed", tm, m_org), 1);
	assert_int_equal(reminders_of("missed", tm, m_unit), 1);
	assert_int_equal(reminders_of("missed", tm, 0), 2); /* not the disabled one, not clerks */
	assert_int_equal(reminders_of("missed", tn, m_unit), 0); /* another unit's case */
	assert_int_equal(reminders_of("missed", tn, 0), 1);
	for (double end = now_s() + 15; now_s() < end && sink_count("RA.1431.20.2026", NULL) < 2;)
		usleep(50000);
	assert_int_equal(
	    sink_count("Przekroczony termin w sprawie RA.1431.20.2026", "m.org@przyp.test"), 1);
	assert_int_equal(
	    sink_count("Przekroczony termin w sprawie RA.1431.20.2026", "m.ra@przyp.test"), 1);
	assert_int_equal(sink_count("RA.1431.20.2026", "m.off@przyp.test"), 0);
	const char *p[] = {id_s(tm)};
	char *body =
	    sql_value("SELECT o.body FROM outbox o JOIN terms t ON t.request_id = o.request_id "
		      "WHERE t.id = $1::bigint AND o.subject LIKE 'Przekroczony%' LIMIT 1",
		      1, p);
	assert_true(has(body, "ostatni dzień: czwartek 2026-11-19."));
	assert_true(has(body, "Prowadzi: Rafał Referent"));
	free(body);
	stop_server();
}

static void test_digest_once_per_working_day_after_the_hour(void **state)
{
	long long late = term_due("RA.1431.30.2026", "2026-11-20"); /* overdue on the 23rd */
	long long other = mk_case(rem_org, unit_s, "SB.1431.31.2026", 0, "public_information",
				  "web", "2026-10-01", "in_progress", NULL);
	mk_term(other, "answer", "2026-10-01", "2026-11-20", "open", NULL);
	long long due_today = term_due("RA.1431.32.2026", "2026-11-23");
	long long soon = term_due("RA.1431.33.2026", "2026-11-26");  /* 3rd working day */
	long long later = term_due("RA.1431.34.2026", "2026-11-27"); /* 4th */
	(void)due_today, (void)soon, (void)later;
	/* Monday the 23rd at 06:30 in Warsaw: before the hour. The round ran
	 * (the missed reminder of the 20th went out), no digest yet. */
	reminder_server("2026-11-23T05:30:00Z");
	assert_true(wait_reminders("missed", late, m_org, 1, 15));
	usleep(300000);
	assert_int_equal(digests_on(m_org, "2026-11-23"), 0);
	stop_server();
	/* 07:10: one each, for the organisation's manager and the unit's. */
	reminder_server("2026-11-23T06:10:00Z");
	for (double end = now_s() + 15; now_s() < end && (digests_on(m_unit, "2026-11-23") < 1 ||
							  digests_on(m_org, "2026-11-23") < 1);)
		usleep(50000);
	assert_int_equal(digests_on(m_unit, "2026-11-23"), 1);
	assert_int_equal(digests_on(m_org, "2026-11-23"), 1);
	assert_int_equal(reminders_of("digest", 0, m_off), 0);
	assert_int_equal(reminders_of("digest", 0, clerk_r), 0);
	const char *pu[] = {"m.ra@przyp.test"}, *po[] = {"m.org@przyp.test"};
	char *unit_body = sql_value("SELECT body FROM outbox WHERE recipient = $1 AND subject = "
				    "'Przegląd terminów na poniedziałek 2026-11-23'",
				    1, pu);
	char *org_body = sql_value("SELECT body FROM outbox WHERE recipient = $1 AND subject = "
				   "'Przegląd terminów na poniedziałek 2026-11-23'",
				   1, po);
	assert_non_null(unit_body);
	assert_non_null(org_body);
	/* The unit's manager: RA only; the organisation's: both units. */
	assert_true(has(unit_body, "w komórce RA"));
	assert_true(has(unit_body, "RA.1431.30.2026, termin piątek 2026-11-20"));
	assert_false(has(unit_body, "SB.1431.31.2026"));
	assert_true(has(org_body, "SB.1431.31.2026"));
	assert_true(has(org_body, "RA.1431.30.2026"));
	/* Sections: overdue, today, within 3 working days (not the 4th). */
	const char *today = strstr(unit_body, "Termin dziś:"),
		   *three = strstr(unit_body, "Termin w ciągu 3 dni roboczych:");
	assert_non_null(today);
	assert_non_null(three);
	assert_true(has(today, "RA.1431.32.2026"));
	assert_true(has(three, "RA.1431.33.2026, termin czwartek 2026-11-26"));
	assert_false(has(three, "RA.1431.34.2026"));
	assert_true(has(unit_body, "https://bip.example.test/panel/sprawy/"));
	assert_true(has(unit_body, "Pulpit: https://bip.example.test/panel/pulpit"));
	free(unit_body), free(org_body);
	/* Earlier tests left other digests to the same manager in the sink:
	 * wait for this day's one, not for any. */
	for (double end = now_s() + 15;
	     now_s() < end &&
	     sink_count("Przegląd terminów na poniedziałek 2026-11-23", "m.ra@przyp.test") < 1;)
		usleep(50000);
	assert_int_equal(
	    sink_count("Przegląd terminów na poniedziałek 2026-11-23", "m.ra@przyp.test"), 1);
	stop_server();
	/* Later the same day, after a restart: no second digest. */
	reminder_server("2026-11-23T14:00:00Z");
	usleep(1500000);
	assert_int_equal(digests_on(m_org, "2026-11-23"), 1);
	assert_int_equal(digests_on(m_unit, "2026-11-23"), 1);
	stop_server();
	/* Saturday the 28th: none (the missed reminder of Friday's term shows
	 * that the round ran). */
	long long fri = term_due("RA.1431.35.2026", "2026-11-27");
	reminder_server("2026-11-28T09:00:00Z");
	assert_true(wait_reminders("missed", fri, m_org, 1, 15));
	usleep(300000);
	assert_int_equal(digests_on(m_org, "2026-11-28"), 0);
	stop_server();
	/* Monday the 30th: the next one. */
	reminder_server("2026-11-30T07:00:00Z");
	for (double end = now_s() + 15; now_s() < end && digests_on(m_org, "2026-11-30") < 1;)
		usleep(50000);
	assert_int_equal(digests_on(m_org, "2026-11-30"), 1);
	stop_server();
}

/* Cases RA.1431.<first..last>.2026 of clerk_r, each with an answer term due
 * on `due`, in the caller's transaction. */
static void bulk_terms(PGconn *c, int first, int last, const char *due)
{
	char sql[2048];
	snprintf(
	    sql, sizeof sql,
	    "WITH r AS (INSERT INTO requests (org_id, unit_id, case_number, case_class, case_seq, "
	    "case_year, kind, channel, received_at, received_on, subject, body, delivery, state, "
	    "assignee_id, tracking_hash) SELECT %lld, %lld, 'RA.1431.' || g || '.2026', '1431', "
	    "100000 + g, 2026, 'public_information', 'web', '2026-10-01 12:00+02', '2026-10-01', "
	    "'Sprawa ' || g, 'Treść', 'email', 'in_progress', %lld, "
	    "sha256(random()::text::bytea) FROM generate_series(%d, %d) g RETURNING id) "
	    "INSERT INTO terms (org_id, request_id, kind, label, basis, side, start_on, "
	    "unshifted_on, due_on) SELECT %lld, id, 'answer', 'termin załatwienia wniosku', "
	    "'UDIP art. 13 ust. 1', 'body', '2026-10-01', '%s', '%s' FROM r",
	    rem_org, unit_r, clerk_r, first, last, rem_org, due, due);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s", PQerrorMessage(c));
	PQclear(r);
}

static void test_each_reminder_exactly_once_with_two_instances_and_after_a_restart(void **state)
{
	/* Two instances side by side, both polling every 100 ms, on Tuesday
	 * 1 December 2026. */
	static char fake[64];
	const char *instant = "2026-12-01T08:00:00Z";
	freeze(instant);
	snprintf(fake, sizeof fake, "JAWNOSC_FAKE_NOW=%s", instant);
	const char *env[] = {fake,
			     smtp_env,
			     "JAWNOSC_MAIL_POLL_MS=100",
			     "JAWNOSC_REMIND_POLL_MS=100",
			     "JAWNOSC_REMIND_DAYS=2",
			     "JAWNOSC_DIGEST_HOUR=7",
			     "JAWNOSC_BASE_URL=https://bip.example.test",
			     NULL};
	h_server_start(env);
	pid_t other = h_server_start_other(env, NULL);
	usleep(1000000); /* both have done what earlier tests left */
	/* Then, at once (one transaction, as a busy moment would bring them):
	 * 120 terms due on Thursday the 3rd (two working days left: reminded
	 * now; more than one batch of 100) and 5 that ended on Monday the 30th
	 * (missed: two managers). */
	PGconn *c = h_db();
	PQclear(PQexec(c, "BEGIN"));
	bulk_terms(c, 1000, 1119, "2026-12-03");
	bulk_terms(c, 200, 204, "2026-11-30");
	PGresult *r = PQexec(c, "COMMIT");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
	const char *count_sql =
	    "SELECT count(*) FROM reminders x JOIN terms t ON t.id = x.term_id "
	    "JOIN requests r ON r.id = t.request_id "
	    "WHERE r.case_number ~ '^RA\\.1431\\.(1[01][0-9][0-9]|20[0-4])\\.2026$'";
	for (double end = now_s() + 20; now_s() < end && sql_int(count_sql, 0, NULL) < 130;)
		usleep(100000);
	assert_int_equal(sql_int(count_sql, 0, NULL), 130);
	/* Every message reaches the SMTP server, once. */
	const char *outbox_sql =
	    "SELECT count(*) FROM outbox WHERE (subject LIKE '%RA.1431.1___.2026%' "
	    "OR subject LIKE '%RA.1431.20_.2026%')";
	const char *sent_sql =
	    "SELECT count(*) FROM outbox WHERE (subject LIKE '%RA.1431.1___.2026%' "
	    "OR subject LIKE '%RA.1431.20_.2026%') AND status = 'sent'";
	for (double end = now_s() + 20; now_s() < end && sql_int(sent_sql, 0, NULL) < 130;)
		usleep(100000);
	assert_int_equal(sql_int(sent_sql, 0, NULL), 130);
	usleep(500000);
	for (int i = 0; i < 120; i++) {
		char subject[96];
		snprintf(subject, sizeof subject, "Zbliża się termin w sprawie RA.1431.%d.2026",
			 1000 + i);
		assert_int_equal(sink_count(subject, "rafal@przyp.test"), 1);
	}
	for (int i = 0; i < 5; i++) {
		char subject[96];
		snprintf(subject, sizeof subject, "Przekroczony termin w sprawie RA.1431.%d.2026",
			 200 + i);
		assert_int_equal(sink_count(subject, "m.org@przyp.test"), 1);
		assert_int_equal(sink_count(subject, "m.ra@przyp.test"), 1);
	}
	/* One digest each for the day, though both instances were there. */
	assert_int_equal(digests_on(m_org, "2026-12-01"), 1);
	assert_int_equal(digests_on(m_unit, "2026-12-01"), 1);
	assert_int_equal(sink_count("Przegląd terminów na wtorek 2026-12-01", "m.org@przyp.test"),
			 1);
	assert_int_equal(sql_int(outbox_sql, 0, NULL), 130);
	assert_int_equal(h_server_stop_other(other), 0);
	stop_server();
	/* A restart on the same day sends nothing again. */
	h_server_start(env);
	usleep(1500000);
	assert_int_equal(sql_int(count_sql, 0, NULL), 130);
	assert_int_equal(sql_int(outbox_sql, 0, NULL), 130);
	assert_int_equal(digests_on(m_org, "2026-12-01"), 1);
	stop_server();
}

/* ---- fixtures ------------------------------------------------------------------------ */

static void organisations(void)
{
	org = sql_int("INSERT INTO organisations (slug, name) VALUES ('pulpit', 'Urząd Testowy') "
		      "RETURNING id",
		      0, NULL);
	other_org = sql_int("INSERT INTO organisations (slug, name) VALUES ('obcy', 'Urząd Obcy') "
			    "RETURNING id",
			    0, NULL);
	rem_org = sql_int("INSERT INTO organisations (slug, name) VALUES ('przyp', 'Urząd "
			  "Przypomnień') RETURNING id",
			  0, NULL);
	unit_a = mk_unit(org, "PA");
	unit_b = mk_unit(org, "PB");
	unit_x = mk_unit(other_org, "OBCY");
	unit_r = mk_unit(rem_org, "RA");
	unit_s = mk_unit(rem_org, "SB");
	szef = mk_user("szef@pulpit.test", "pulpit", "manager", "Szef Urzędu", NULL);
	kier_a = mk_user("kier.a@pulpit.test", "pulpit", "manager", "Kierownik PA", "PA");
	ula = mk_user("ula@pulpit.test", "pulpit", "clerk", "Ula Urzędniczka", "PA");
	ben = mk_user("ben@pulpit.test", "pulpit", "clerk", "Ben Urzędnik", "PB");
	/* The reminder tests' body: a manager of the whole of it, one of unit
	 * RA, a disabled one, and the clerk who holds the cases. */
	m_org = mk_user("m.org@przyp.test", "przyp", "manager", "Maria Organizacyjna", NULL);
	m_unit = mk_user("m.ra@przyp.test", "przyp", "manager", "Marek Komórkowy", "RA");
	m_off = mk_user("m.off@przyp.test", "przyp", "manager", "Wyłączony Kierownik", NULL);
	clerk_r = mk_user("rafal@przyp.test", "przyp", "clerk", "Rafał Referent", "RA");
	const char *args[] = {"user", "disable", "m.off@przyp.test", NULL};
	char *out = NULL;
	assert_int_equal(h_cli(&out, args), 0);
	free(out);
}

/* The running-windows index (migrations 0008, 0034, 0042) covers every kind
 * the dashboard and the queue ask for: a kind missing from it makes those
 * lists read the whole table. Every kind is also a term of the lifecycle. */
static void test_running_windows_index_covers_the_waiting_and_remedy_kinds(void **state)
{
	char def[4096];
	u_valuef(def, sizeof def,
	         "SELECT indexdef FROM pg_indexes WHERE indexname = 'terms_running_windows_idx'");
	static const char *const lists[] = {QUEUE_WAITING_KINDS, QUEUE_REMEDY_KINDS};
	for (size_t l = 0; l < 2; l++) {
		char buf[512];
		snprintf(buf, sizeof buf, "%s", lists[l] + 1); /* after "{" */
		buf[strcspn(buf, "}")] = '\0';
		for (char *k = strtok(buf, ","); k; k = strtok(NULL, ",")) {
			char quoted[80];
			snprintf(quoted, sizeof quoted, "'%s'", k);
			if (!strstr(def, quoted))
				fail_msg("kind %s is not in the index: %s", k, def);
			law_term_kind_t t;
			assert_true(law_term_kind_from_id(k, &t));
		}
	}
}

int main(void)
{
	h_setup_db("dashboard");
	organisations();
	dashboard_cases();
	stats_cases();

	snprintf(sink_dir, sizeof sink_dir, "/tmp/jawnosc-sink-dash-%d-XXXXXX", (int)getpid());
	if (!mkdtemp(sink_dir))
		return 1;
	sink_port = mta_free_port();
	snprintf(smtp_env, sizeof smtp_env, "JAWNOSC_SMTP_URL=smtp://127.0.0.1:%u", sink_port);

	const struct CMUnitTest dashboard[] = {
	    cmocka_unit_test(test_running_windows_index_covers_the_waiting_and_remedy_kinds),
	    cmocka_unit_test(test_dashboard_lists_for_the_whole_organisation),
	    cmocka_unit_test(test_dashboard_figures_count_working_days_and_link_to_the_same_cases),
	    cmocka_unit_test(test_dashboard_workload_per_clerk_and_unit),
	    cmocka_unit_test(test_unit_manager_sees_only_the_unit),
	    cmocka_unit_test(test_dashboard_filters_of_the_queue_stay_in_the_organisation),
	    cmocka_unit_test(test_charts_are_accessible_svg_with_data_tables),
	    cmocka_unit_test(test_chart_tables_are_folded_under_each_chart),
	    cmocka_unit_test(test_chart_bars_link_to_the_queue_and_series_differ_by_pattern),
	    cmocka_unit_test(test_manager_lands_on_the_dashboard_after_sign_in),
	    cmocka_unit_test(test_statistics_of_a_period_as_json),
	    cmocka_unit_test(test_statistics_csv_parses_and_matches_the_json),
	    cmocka_unit_test(test_statistics_page_and_bad_periods),
	};
	const struct CMUnitTest reminders[] = {
	    cmocka_unit_test_setup_teardown(
		test_due_soon_reminder_counts_working_days_not_weekends_or_holidays, rem_setup,
		rem_teardown),
	    cmocka_unit_test_setup_teardown(
		test_missed_term_is_reported_to_managers_of_the_organisation_and_unit, rem_setup,
		rem_teardown),
	    cmocka_unit_test_setup_teardown(test_digest_once_per_working_day_after_the_hour,
					    rem_setup, rem_teardown),
	    cmocka_unit_test_setup_teardown(
		test_each_reminder_exactly_once_with_two_instances_and_after_a_restart, rem_setup,
		rem_teardown),
	};
	int failed = cmocka_run_group_tests_name("dashboard", dashboard, dash_setup, dash_teardown);
	failed += cmocka_run_group_tests_name("reminders", reminders, NULL, NULL);
	sink_kill();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", sink_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", sink_dir);
	h_teardown();
	return failed;
}
