/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/reminders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/dashboard.h"
#include "cases/outbox.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/changes.h"
#include "db/db.h"
#include "law/term.h"
#include "law/warsaw.h"

/* Candidates fetched per query; a round goes on while batches come full. */
#define BATCH 100
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define MAX_BATCHES 100
/* A term is reported missed if it ended at most this many days ago: a
 * server started for the first time on old data, or down for weeks, does
 * not flood the managers with every ancient case (the digest and the
 * dashboard list all overdue cases anyway). */
#define MISSED_LOOKBACK_DAYS 30
/* Cases listed per section of a digest (the count is always complete). */
#define DIGEST_LIST 50

struct reminder_settings {
	int remind_days;      /* working days before a due date; 0: no due_soon */
	int digest_hour;      /* 0..23, Warsaw time */
	const char *base_url; /* "https://bip.example.gov.pl", no trailing slash */
};

/* Links in the messages: set once by reminders_setup(). */
static char base_url[512];

/* ---- Words ---------------------------------------------------------------- */

/* "1 dzień roboczy", "2 dni robocze", "5 dni roboczych" (Polish plurals). */
static const char *working_days(arena_t *a, int n)
{
	char *buf = arena_alloc(a, 48);
	return law_working_days_phrase(n, buf, 48);
}

/* "czwartek 2026-11-12" */
static const char *day_text(arena_t *a, const char *iso)
{
	law_date_t d;
	if (!law_date_parse(iso, &d))
		return iso;
	return arena_printf(a, "%s %s", law_weekday_name(law_weekday(d)), iso);
}

static const char *case_link(arena_t *a, const struct reminder_settings *s, const char *request_id)
{
	return arena_printf(a, "%s/panel/sprawy/%s", s->base_url ? s->base_url : "", request_id);
}

static const char FOOTER[] = "\n-- \nWiadomość wysłana automatycznie przez system Jawność; "
			     "prosimy na nią nie odpowiadać.\n";

/* ---- Sending, exactly once ------------------------------------------------------ */

/* What one round knows: the settings and the day. */
struct round {
	const struct reminder_settings *s;
	law_date_t today;
	char day[LAW_DATE_STRLEN];
};

struct one {
	const char *org_id, *kind, *term_id, *user_id;
	long long request_id;
	const char *to, *subject, *body;
};

/* The reminder row decides: inserted here, the message is queued in the
 * same transaction; already there (another instance, an earlier run),
 * nothing happens. A concurrent instance inserting the same row waits on
 * the unique index until this transaction ends. */
static enum db_status send_in_tx(PGconn *c, const struct round *rd, const struct one *o,
				 bool *queued)
{
	*queued = false;
	const char *p[5] = {o->org_id, o->kind, o->term_id, o->user_id, rd->day};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
			      "INSERT INTO reminders (org_id, kind, term_id, user_id, day) "
			      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
			      5, p);
	bool inserted = st == DB_OK && PQntuples(r) == 1;
	PQclear(r);
	if (st != DB_OK || !inserted)
		return st;
	if (!outbox_enqueue(c, strtoll(o->org_id, NULL, 10), o->request_id, o->to, o->subject,
			    o->body, 0))
		return DB_ERROR;
	*queued = true;
	return DB_OK;
}

/* ---- due_soon and missed: terms of the body ------------------------------------ */

/* Columns of both queries. */
enum {
	C_TERM,
	C_ORG,
	C_LABEL,
	C_BASIS,
	C_DUE,
	C_REQ,
	C_NUMBER,
	C_SUBJECT,
	C_ASSIGNEE,
	C_USER,
	C_EMAIL
};

/* Open terms of the body due after today and by the N-th working day, whose
 * assignee has not been reminded. */
static const char DUE_SOON_SQL[] =
    "SELECT t.id, t.org_id, t.label, t.basis, t.due_on, r.id, r.case_number, r.subject,"
    "  u.name, u.id, u.email "
    "FROM terms t JOIN requests r ON r.id = t.request_id JOIN users u ON u.id = r.assignee_id "
    "WHERE t.state = 'open' AND t.side = 'body' AND t.due_on > $1 AND t.due_on <= $2"
    "  AND NOT u.disabled AND u.email <> ''"
    "  AND NOT EXISTS (SELECT 1 FROM reminders x WHERE x.term_id = t.id"
    "    AND x.kind = 'due_soon' AND x.user_id = u.id) "
    "  AND (t.due_on, t.id, u.id) > ($3::date, $4::bigint, $5::bigint) "
    "ORDER BY t.due_on, t.id, u.id LIMIT " STRINGIFY(BATCH);

/* Open terms of the body past their due date, with each manager of the
 * organisation or of the case's unit who has not been told. */
static const char MISSED_SQL[] =
    "SELECT t.id, t.org_id, t.label, t.basis, t.due_on, r.id, r.case_number, r.subject,"
    "  coalesce(a.name, ''), m.id, m.email "
    "FROM terms t JOIN requests r ON r.id = t.request_id "
    "JOIN users m ON m.org_id = t.org_id AND m.role = 'manager' AND NOT m.disabled"
    "  AND m.email <> '' AND (m.unit_id IS NULL OR m.unit_id = r.unit_id) "
    "LEFT JOIN users a ON a.id = r.assignee_id "
    "WHERE t.state = 'open' AND t.side = 'body' AND t.due_on < $1 AND t.due_on >= $2"
    "  AND NOT EXISTS (SELECT 1 FROM reminders x WHERE x.term_id = t.id"
    "    AND x.kind = 'missed' AND x.user_id = m.id) "
    "  AND (t.due_on, t.id, m.id) > ($3::date, $4::bigint, $5::bigint) "
    "ORDER BY t.due_on, t.id, m.id LIMIT " STRINGIFY(BATCH);

/* The recipient and the case of a term row. */
static void term_row(const PGresult *r, int i, const char *kind, struct one *o)
{
	o->org_id = PQgetvalue(r, i, C_ORG);
	o->kind = kind;
	o->term_id = PQgetvalue(r, i, C_TERM);
	o->user_id = PQgetvalue(r, i, C_USER);
	o->request_id = strtoll(PQgetvalue(r, i, C_REQ), NULL, 10);
	o->to = PQgetvalue(r, i, C_EMAIL);
}

static bool due_soon_text(PGconn *c, arena_t *a, const struct round *rd, const PGresult *r, int i,
			  struct one *o)
{
	const struct reminder_settings *s = rd->s;
	law_date_t today = rd->today;
	term_row(r, i, "due_soon", o);
	const char *due = PQgetvalue(r, i, C_DUE);
	law_date_t d = LAW_DATE_NONE;
	int left = 0;
	law_date_parse(due, &d);
	law_working_days_between(today, d, &left, NULL);
	o->subject =
	    arena_printf(a, "Zbliża się termin w sprawie %s (%s)", PQgetvalue(r, i, C_NUMBER), due);
	strbuf_t b;
	sb_init(&b, a);
	sb_printf(&b,
		  "Dzień dobry,\n\n"
		  "w prowadzonej przez Panią/Pana sprawie %s upływa termin:\n"
		  "%s (%s)\n"
		  "ostatni dzień: %s, za %s.\n\n"
		  "Temat: %s\n"
		  "Sprawa: %s\n",
		  PQgetvalue(r, i, C_NUMBER), PQgetvalue(r, i, C_LABEL), PQgetvalue(r, i, C_BASIS),
		  day_text(a, due), working_days(a, left), PQgetvalue(r, i, C_SUBJECT),
		  case_link(a, s, PQgetvalue(r, i, C_REQ)));
	sb_puts(&b, FOOTER);
	o->body = b.data;
	return true;
}

static bool missed_text(PGconn *c, arena_t *a, const struct round *rd, const PGresult *r, int i,
			struct one *o)
{
	const struct reminder_settings *s = rd->s;
	term_row(r, i, "missed", o);
	const char *due = PQgetvalue(r, i, C_DUE), *assignee = PQgetvalue(r, i, C_ASSIGNEE);
	o->subject = arena_printf(a, "Przekroczony termin w sprawie %s (upłynął %s)",
				  PQgetvalue(r, i, C_NUMBER), due);
	strbuf_t b;
	sb_init(&b, a);
	sb_printf(&b,
		  "Dzień dobry,\n\n"
		  "w sprawie %s upłynął termin, a sprawa nie została załatwiona:\n"
		  "%s (%s)\n"
		  "ostatni dzień: %s.\n\n"
		  "Temat: %s\n"
		  "Prowadzi: %s\n"
		  "Sprawa: %s\n",
		  PQgetvalue(r, i, C_NUMBER), PQgetvalue(r, i, C_LABEL), PQgetvalue(r, i, C_BASIS),
		  day_text(a, due), PQgetvalue(r, i, C_SUBJECT),
		  *assignee ? assignee : "nikt (sprawa nie jest przydzielona)",
		  case_link(a, s, PQgetvalue(r, i, C_REQ)));
	sb_puts(&b, FOOTER);
	o->body = b.data;
	return true;
}

/* ---- The morning digest ----------------------------------------------------------- */

/* One section: the count, then the cases due by `until` (all listed ones
 * when `until` is not set). */
static void digest_section(strbuf_t *b, arena_t *a, const struct reminder_settings *s,
			   const char *title, long long total, json_t *list, law_date_t until)
{
	char limit[LAW_DATE_STRLEN] = "9999-12-31";
	if (law_date_is_set(until))
		law_date_format(until, limit);
	sb_printf(b, "%s: %lld\n", title, total);
	long long shown = 0;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
	{
		const char *due = json_string_value(json_object_get(it, "due_on"));
		if (strcmp(due, limit) > 0)
			continue;
		const char *who = json_string_value(json_object_get(it, "assignee"));
		char id[24];
		snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(it, "id")));
		sb_printf(b, "- %s, termin %s — %s (prowadzi: %s)\n  %s\n",
			  json_string_value(json_object_get(it, "case_number")), day_text(a, due),
			  json_string_value(json_object_get(it, "subject")),
			  who && *who ? who : "nikt", case_link(a, s, id));
		shown++;
	}
	if (shown < total)
		sb_printf(b, "  … i %lld więcej: zobacz pulpit.\n", total - shown);
	sb_putc(b, '\n');
}

static long long count_of(json_t *dl, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(dl, key), "count"));
}

static const char MANAGERS_SQL[] =
    "SELECT u.id, u.org_id, coalesce(u.unit_id, 0), u.email, coalesce(un.symbol, '') "
    "FROM users u LEFT JOIN units un ON un.id = u.unit_id "
    "WHERE u.role = 'manager' AND NOT u.disabled AND u.email <> ''"
    "  AND NOT EXISTS (SELECT 1 FROM reminders x WHERE x.kind = 'digest'"
    "    AND x.user_id = u.id AND x.day = $1) "
    "  AND u.id > $2::bigint "
    "ORDER BY u.id LIMIT " STRINGIFY(BATCH);

static bool digest_text(PGconn *c, arena_t *a, const struct round *rd, const PGresult *r, int i,
			struct one *o)
{
	const struct reminder_settings *s = rd->s;
	struct dash_scope scope = {strtoll(PQgetvalue(r, i, 1), NULL, 10),
				   strtoll(PQgetvalue(r, i, 2), NULL, 10)};
	json_t *dl = NULL;
	if (dashboard_deadlines(c, a, &scope, rd->today, DIGEST_LIST, &dl) != DB_OK)
		return false;
	struct dash_days days;
	dashboard_days(rd->today, &days);
	const char *unit = PQgetvalue(r, i, 4);
	strbuf_t b;
	sb_init(&b, a);
	sb_printf(&b, "Dzień dobry,\n\nprzegląd terminów na %s%s%s.\n\n", day_text(a, rd->day),
		  *unit ? " w komórce " : " w całym urzędzie", unit);
	digest_section(&b, a, s, "Po terminie", count_of(dl, "overdue"),
		       json_object_get(dl, "overdue"), LAW_DATE_NONE);
	digest_section(&b, a, s, "Termin dziś", count_of(dl, "today"), json_object_get(dl, "today"),
		       LAW_DATE_NONE);
	digest_section(&b, a, s, "Termin w ciągu 3 dni roboczych", count_of(dl, "next3"),
		       json_object_get(dl, "upcoming"), days.d3);
	sb_printf(&b, "Pulpit: %s/panel/pulpit\n", s->base_url ? s->base_url : "");
	sb_puts(&b, FOOTER);
	json_decref(dl);
	*o = (struct one){.org_id = PQgetvalue(r, i, 1),
			  .kind = "digest",
			  .term_id = NULL,
			  .user_id = PQgetvalue(r, i, 0),
			  .request_id = 0,
			  .to = PQgetvalue(r, i, 3),
			  .subject =
			      arena_printf(a, "Przegląd terminów na %s", day_text(a, rd->day)),
			  .body = b.data};
	return true;
}

/* ---- Batches ------------------------------------------------------------------------- */

/* How one kind of reminder is found (`sql`: candidates not yet sent, at most
 * BATCH, in a fixed order) and written (`compose`: false on a database
 * error). */
struct source {
	/* Its parameters: the round's, then the key of the last candidate of
	 * the previous batch (keyset: a backlog is read once per round). */
	const char *sql;
	int nkey;
	int key[3];	      /* columns of the key in the result */
	const char *first[3]; /* the key before the first candidate */
	bool (*compose)(PGconn *c, arena_t *a, const struct round *rd, const PGresult *r, int i,
			struct one *o);
};

struct batch {
	const struct source *src;
	const struct round *rd;
	const PGresult *rows;
	int queued;
};

/* A batch in one transaction: one commit per BATCH reminders. Candidates
 * come in the same order in every instance, so two instances wait on each
 * other's rows in one direction only (a deadlock, should one happen, is
 * retried by db_transaction). */
static enum db_status batch_tx(PGconn *c, void *ctx)
{
	struct batch *b = ctx;
	b->queued = 0;
	for (int i = 0; i < PQntuples(b->rows); i++) {
		arena_t *a = arena_new(16384);
		struct one o = {0};
		bool queued = false;
		enum db_status st = b->src->compose(c, a, b->rd, b->rows, i, &o)
					? send_in_tx(c, b->rd, &o, &queued)
					: DB_ERROR;
		arena_free(a);
		if (st != DB_OK)
			return st;
		b->queued += queued;
	}
	return DB_OK;
}

/* Every candidate of `src`, batch after batch. */
static int run_source(PGconn *c, const struct source *src, const struct round *rd, int np,
		      const char *const *p)
{
	const char *params[8];
	char key[3][32];
	for (int k = 0; k < np; k++)
		params[k] = p[k];
	for (int k = 0; k < src->nkey; k++)
		params[np + k] = src->first[k];
	int queued = 0;
	for (int n = 0; n < MAX_BATCHES && !jobs_stopping(); n++) {
		enum db_status st;
		PGresult *r = db_exec(c, &st, src->sql, np + src->nkey, params);
		int rows = st == DB_OK ? PQntuples(r) : -1;
		struct batch b = {src, rd, r, 0};
		/* Reminders and their e-mails: nothing any page keeps. */
		changes_writer(CHANGES_QUIET);
		if (rows > 0)
			st = db_transaction(c, batch_tx, &b);
		for (int k = 0; st == DB_OK && rows > 0 && k < src->nkey; k++) {
			snprintf(key[k], sizeof key[k], "%s", PQgetvalue(r, rows - 1, src->key[k]));
			params[np + k] = key[k];
		}
		PQclear(r);
		if (st != DB_OK) {
			log_warn("reminders: a batch failed and waits for the next round: %s",
				 PQerrorMessage(c));
			return -1;
		}
		queued += b.queued;
		if (rows < BATCH)
			break;
	}
	return queued;
}

static const struct source due_soon = {
    DUE_SOON_SQL, 3, {C_DUE, C_TERM, C_USER}, {"1900-01-01", "0", "0"}, due_soon_text};
static const struct source missed = {
    MISSED_SQL, 3, {C_DUE, C_TERM, C_USER}, {"1900-01-01", "0", "0"}, missed_text};
static const struct source digest = {MANAGERS_SQL, 1, {0}, {"0"}, digest_text};

/* ---- A round ------------------------------------------------------------------------- */

static int warsaw_hour(int64_t now)
{
	int64_t local = now + law_warsaw_offset(now);
	return (int)(((local % 86400) + 86400) % 86400 / 3600);
}

/* One round at the instant `now` on connection `c` (outside a transaction):
 * every reminder due and not yet sent, one transaction each. Returns how
 * many this call queued, or -1 on a database error (those queued before it
 * stay queued). */
static int reminders_round(PGconn *c, int64_t now, const struct reminder_settings *s)
{
	struct round rd = {.s = s};
	if (!law_warsaw_date(now, &rd.today))
		return 0;
	law_date_format(rd.today, rd.day);
	const char *day[1] = {rd.day};
	int total = 0, n;
	/* Reminders before a due date go out on working days only: a term
	 * due on Monday is reminded of on Thursday, not on Saturday. */
	bool working = law_is_working_day(rd.today);
	if (working && s->remind_days > 0) {
		struct dash_days d;
		law_date_t limit = rd.today;
		for (int k = 0; k < s->remind_days; k++) {
			dashboard_days(limit, &d);
			limit = d.d1;
		}
		char until[LAW_DATE_STRLEN];
		law_date_format(limit, until);
		const char *p[2] = {rd.day, until};
		if ((n = run_source(c, &due_soon, &rd, 2, p)) < 0)
			return -1;
		total += n;
	}
	char since[LAW_DATE_STRLEN];
	law_date_format(law_date_add_days(rd.today, -MISSED_LOOKBACK_DAYS), since);
	const char *pm[2] = {rd.day, since};
	if ((n = run_source(c, &missed, &rd, 2, pm)) < 0)
		return -1;
	total += n;
	if (working && warsaw_hour(now) >= s->digest_hour) {
		if ((n = run_source(c, &digest, &rd, 1, day)) < 0)
			return -1;
		total += n;
	}
	return total;
}

/* ---- The job ------------------------------------------------------------------------- */

/* Rate-limit windows that are over count nothing any more: the job clears
 * them, or the table would keep a row per address and hour for ever. The
 * filing's windows start at the database's hour, the others' at the
 * server's clock (cases/ratelimit.c): only what is over by both goes, so a
 * frozen clock (tests) never loses a window in use. Failed sign-ins older
 * than a day go too (the longest look back is 15 minutes, cases/auth.h):
 * a sign-in clears only its own address's, and an attack that never
 * succeeds would otherwise grow the table for ever. */
static bool clear_old_windows(PGconn *c, int64_t now)
{
	char at[24];
	snprintf(at, sizeof at, "%lld", (long long)now);
	const char *p[1] = {at};
	if (db_run(c,
	           "DELETE FROM rate_limits WHERE window_start < least(date_trunc('hour', now()), "
	           "date_trunc('hour', to_timestamp($1::bigint)))",
	           1, p) == DB_OK &&
	    db_run(c,
	           "DELETE FROM login_failures "
	           "WHERE at < least(now(), to_timestamp($1::bigint)) - interval '1 day'",
	           1, p) == DB_OK)
		return true;
	log_warn("reminders: old rate-limit windows not cleared: %s", PQerrorMessage(c));
	return false;
}

enum job_result reminders_job(void)
{
	struct reminder_settings s = {(int)cfg.remind_days, (int)cfg.digest_hour, base_url};
	PGconn *c = db_conn();
	if (!c)
		return JOB_FAILED;
	int64_t now = clock_now();
	int n = reminders_round(c, now, &s);
	if (n > 0)
		log_info("reminders: %d queued", n);
	bool cleared = clear_old_windows(c, now);
	return n >= 0 && cleared ? JOB_DONE : JOB_FAILED;
}

void reminders_setup(const char *url)
{
	snprintf(base_url, sizeof base_url, "%s", url ? url : "");
	size_t n = strlen(base_url);
	while (n && base_url[n - 1] == '/')
		base_url[--n] = '\0';
}
