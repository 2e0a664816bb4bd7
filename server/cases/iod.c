/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/iod.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/caseview.h"
#include "cases/privacy.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "db/changes.h"
#include "db/db.h"
#include "law/personal.h"

#define QUERY_MAX_BYTES 254  /* an e-mail address's limit (RFC 5321 §4.5.3.1) */
#define QUERY_WORDS_MAX 8
#define REASON_MAX_CHARS 1000
/* The candidates a name query reads before each is checked word by word. */
#define NAME_CANDIDATES_MAX 5000
/* The cases of one export: a person with more is exported by the
 * operator (the archive would not hold everything). */
#define EXPORT_CASES_MAX 1000

/* ---- The query ------------------------------------------------------------- */

struct word {
	size_t start, end; /* bytes of the query */
};

struct query {
	const char *text; /* trimmed */
	bool email;
	struct word w[QUERY_WORDS_MAX];
	int nw;
};

/* Letters and digits of the query's words: ASCII, and the Latin letters
 * from U+00C0 on that Polish and its neighbours write. */
static bool word_char(unsigned cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
	       (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

/* The words of `s` of at least two characters (an initial says nothing);
 * false when there are more than QUERY_WORDS_MAX. */
static bool split_words(const char *s, struct query *q)
{
	const unsigned char *b = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	q->nw = 0;
	while (i < n) {
		unsigned cp;
		size_t k = utf8_decode(b + i, n - i, &cp);
		if (!k || !word_char(cp)) {
			i += k ? k : 1;
			continue;
		}
		size_t start = i, chars = 0;
		while (i < n && (k = utf8_decode(b + i, n - i, &cp)) && word_char(cp)) {
			i += k;
			chars++;
		}
		if (chars < 2)
			continue;
		if (q->nw == QUERY_WORDS_MAX)
			return false;
		q->w[q->nw++] = (struct word){start, i};
	}
	return true;
}

static const char *trim(arena_t *a, const char *s)
{
	if (!s)
		return "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

static bool has_controls(const char *s, bool lines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\t'))) || *p == 0x7f)
			return true;
	return false;
}

static enum outcome parse_query(arena_t *a, const char *raw, struct query *q, struct problem *p)
{
	memset(q, 0, sizeof *q);
	q->text = trim(a, raw);
	size_t n = strlen(q->text);
	if (!n)
		return problem_field(p, "q", "Wpisz adres e-mail albo imię i nazwisko osoby.");
	if (!utf8_valid(q->text, n) || has_controls(q->text, false))
		return problem_field(p, "q", "Pole zawiera nieprawidłowe znaki.");
	if (n > QUERY_MAX_BYTES)
		return problem_field(p, "q", "Wpisz najwyżej 254 znaki.");
	q->email = strchr(q->text, '@') != NULL;
	if (q->email) {
		if (strchr(q->text, ' ') || q->text[0] == '@' || q->text[n - 1] == '@')
			return problem_field(p, "q", "Podaj poprawny adres e-mail, np. jan.kowalski@example.pl.");
		return OUT_OK;
	}
	if (!split_words(q->text, q))
		return problem_field(p, "q", "Wpisz najwyżej 8 słów: imię i nazwisko osoby.");
	if (!q->nw)
		return problem_field(p, "q", "Wpisz imię i nazwisko (co najmniej dwie litery) albo adres e-mail.");
	return OUT_OK;
}

/* Whether every word typed is a form of a word of the requester's name
 * `name` (law/personal.h: any case form, any case, with or without
 * diacritics). When the detector cannot tell (no memory) the requester
 * is shown: the officer judges, nothing is hidden from them. */
static bool name_matches(const struct query *q, const char *name)
{
	law_person_t person = {.name = name};
	law_personal_finding_t f[2 * QUERY_WORDS_MAX];
	long n = law_personal_find(q->text, strlen(q->text), &person, 1, f,
	                           sizeof f / sizeof f[0]);
	if (n < 0)
		return true;
	if (n > (long)(sizeof f / sizeof f[0]))
		n = (long)(sizeof f / sizeof f[0]);
	for (int i = 0; i < q->nw; i++) {
		bool covered = false;
		for (long k = 0; k < n && !covered; k++)
			covered = f[k].kind == LAW_PII_NAME && f[k].start <= q->w[i].start &&
			          q->w[i].end <= f[k].end;
		if (!covered)
			return false;
	}
	return true;
}

/* ---- Finding the person ---------------------------------------------------- */

static bool allowed(const struct svc_ctx *ctx)
{
	const struct actor *w = ctx->who;
	return w && w->role && (!strcmp(w->role, "iod") || !strcmp(w->role, "admin"));
}

/* The request ids (the requester rows' keys) of the person's cases, the
 * newest first, into ids[0..*n) (at most `limit`: one more than the caller
 * takes tells it there were more; *capped when a name query's candidates
 * were more than it reads, so that some may be missing). A name query reads the candidates whose
 * folded name holds the first letters of every word typed (a stem that
 * declension leaves alone: "Ewy" gives "ew", "Kwiatkowskiej" "kwi"), then
 * keeps those whose name each word is a form of. */
static enum db_status find_ids(PGconn *c, arena_t *a, long long org, const struct query *q,
                               size_t limit, long long **ids, size_t *n, bool *capped)
{
	*n = 0;
	*capped = false;
	*ids = arena_calloc(a, limit, sizeof **ids);
	struct db_params prm = {0};
	db_param_int(&prm, org);
	strbuf_t sql;
	sb_init(&sql, a);
	/* An erased requester (cases/privacy.c) is nobody: its placeholder
	 * name is no one's. */
	sb_puts(&sql, "SELECT rq.request_id, rq.name FROM requesters rq "
	              "JOIN requests r ON r.id = rq.request_id WHERE rq.org_id = $1 AND r.org_id = $1 "
	              "AND r.erased_at IS NULL ");
	if (q->email) {
		sb_printf(&sql, "AND rq.email <> '' AND lower(rq.email) = lower($%d) ",
		          db_param(&prm, q->text));
	} else {
		sb_puts(&sql, "AND rq.name <> '' ");
		for (int i = 0; i < q->nw; i++) {
			const char *w = arena_strndup(a, q->text + q->w[i].start,
			                              q->w[i].end - q->w[i].start);
			/* Words hold letters and digits only: nothing LIKE reads. */
			int k = db_param(&prm, w);
			sb_printf(&sql,
			          "AND register_fold(rq.name) LIKE ('%%' || left(register_fold($%d::text), "
			          "greatest(1, least(3, length(register_fold($%d::text)) - 1))) || '%%') ",
			          k, k);
		}
	}
	sb_printf(&sql, "ORDER BY r.received_at DESC, r.id DESC LIMIT %zu",
	          q->email ? limit : NAME_CANDIDATES_MAX);
	enum db_status st;
	PGresult *r = db_exec(c, &st, sql.data, prm.n, prm.v);
	for (int i = 0; st == DB_OK && i < PQntuples(r) && *n < limit; i++)
		if (q->email || name_matches(q, PQgetvalue(r, i, 1)))
			(*ids)[(*n)++] = atoll(PQgetvalue(r, i, 0));
	/* Candidates left unread may hold more of the person's cases. */
	*capped = st == DB_OK && !q->email && PQntuples(r) == NAME_CANDIDATES_MAX;
	PQclear(r);
	return st;
}

/* ids as a PostgreSQL array literal: "{3,1,2}". */
static const char *id_array(arena_t *a, const long long *ids, size_t n)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_putc(&sb, '{');
	for (size_t i = 0; i < n; i++)
		sb_printf(&sb, "%s%lld", i ? "," : "", ids[i]);
	sb_putc(&sb, '}');
	return sb.data;
}

static json_t *int_of(const PGresult *r, int row, int col)
{
	return json_integer(atoll(PQgetvalue(r, row, col)));
}

/* Mail to the requester's own address about their case. */
#define MAIL_TO_REQUESTER(o, request_id)                                                           \
	"EXISTS (SELECT 1 FROM requesters mq WHERE mq.request_id = " request_id " AND "            \
	"mq.email <> '' AND lower(mq.email) = lower(" o ".recipient))"

static enum db_status case_rows(PGconn *c, arena_t *a, long long org, const char *ids,
                                json_t *cases, json_t *totals)
{
	const char *prm[2] = {ids, arena_printf(a, "%lld", org)};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT r.id, r.case_number, r.state, r.received_on::text, coalesce(r.closed_on::text, ''), "
	    "rq.name, rq.email, "
	    "(SELECT count(*) FROM events e WHERE e.request_id = r.id), "
	    "(SELECT count(*) FROM documents d WHERE d.request_id = r.id), "
	    "(SELECT count(*) FROM attachments t WHERE t.request_id = r.id), "
	    "(SELECT count(*) FROM outbox o WHERE o.request_id = r.id AND "
	    MAIL_TO_REQUESTER("o", "r.id") "), "
	    STORE_NO_KPA_SQL("og", "r.kind") " "
	    "FROM requests r JOIN requesters rq ON rq.request_id = r.id "
	    "JOIN organisations og ON og.id = r.org_id "
	    "WHERE r.id = ANY ($1::bigint[]) AND r.org_id = $2 "
	    "ORDER BY r.received_at DESC, r.id DESC",
	    2, prm);
	static const char *const count_keys[] = {"events", "documents", "attachments", "mails"};
	long long sum[4] = {0};
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		const char *state = PQgetvalue(r, i, 2);
		json_t *row = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", int_of(r, i, 0),
		                        "case_number", PQgetvalue(r, i, 1), "state", state,
		                        "state_label",
		                        caseview_state_label(state, PQgetvalue(r, i, 11)[0] == 't'),
		                        "received_on",
		                        PQgetvalue(r, i, 3), "closed_on", PQgetvalue(r, i, 4), "name",
		                        PQgetvalue(r, i, 5), "email", PQgetvalue(r, i, 6));
		for (int k = 0; k < 4; k++) {
			json_object_set_new(row, count_keys[k], int_of(r, i, 7 + k));
			sum[k] += atoll(PQgetvalue(r, i, 7 + k));
		}
		json_array_append_new(cases, row);
	}
	PQclear(r);
	json_object_set_new(totals, "cases", json_integer((json_int_t)json_array_size(cases)));
	for (int k = 0; k < 4; k++)
		json_object_set_new(totals, count_keys[k], json_integer(sum[k]));
	return st;
}

/* Mail to the address searched for about no case found for it. */
static enum db_status other_mails(PGconn *c, arena_t *a, long long org, const char *email,
                                  const char *ids, long long *n)
{
	const char *prm[3] = {arena_printf(a, "%lld", org), email, ids};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT count(*) FROM outbox o WHERE o.org_id = $1 "
	                      "AND lower(o.recipient) = lower($2) "
	                      "AND coalesce(o.request_id = ANY ($3::bigint[]), false) = false",
	                      3, prm);
	*n = st == DB_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	return st;
}

struct search_tx {
	const struct svc_ctx *ctx;
	const struct query *q;
	json_t *out;
};

static enum db_status search_tx(PGconn *c, void *v)
{
	struct search_tx *x = v;
	arena_t *a = x->ctx->arena;
	long long org = x->ctx->who->org_id;
	long long *ids;
	size_t n;
	bool capped;
	enum db_status st = find_ids(c, a, org, x->q, IOD_CASES_MAX + 1, &ids, &n, &capped);
	if (st != DB_OK)
		return st;
	bool truncated = n > IOD_CASES_MAX || capped;
	if (truncated)
		n = IOD_CASES_MAX;
	const char *arr = id_array(a, ids, n);
	json_t *cases = json_array(), *totals = json_object();
	x->out = json_pack("{s:s, s:b, s:o, s:o}", "kind", x->q->email ? "email" : "name",
	                   "truncated", truncated, "cases", cases, "totals", totals);
	st = case_rows(c, a, org, arr, cases, totals);
	if (st == DB_OK && x->q->email) {
		long long other = 0;
		st = other_mails(c, a, org, x->q->text, arr, &other);
		json_object_set_new(x->out, "other_mails", json_integer(other));
	}
	return st;
}

enum outcome iod_search(const struct svc_ctx *ctx, const char *query, json_t **out,
                        struct problem *p)
{
	*out = NULL;
	if (!allowed(ctx))
		return problem_set(p, OUT_DENIED, NULL, NULL);
	struct query q;
	if (parse_query(ctx->arena, query, &q, p) != OUT_OK)
		return OUT_INVALID;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct search_tx x = {ctx, &q, NULL};
	enum db_status st = db_read_transaction(c, search_tx, &x);
	if (st != DB_OK) {
		json_decref(x.out);
		return svc_outcome(st, p);
	}
	*out = x.out;
	return OUT_OK;
}

/* ---- The access export ----------------------------------------------------- */

/* Where a file goes in the archive: by case number (unique in the
 * organisation; its format has no '/', translated anyway) and the
 * document's number in the case or the attachment's id, then the name the
 * sender gave it, without control characters or path separators and
 * shortened so the whole stays within a ZIP name's limit. */
#define DOC_PATH "'dokumenty/' || translate(r.case_number, '/\\', '__') || '-' || d.seq || '.pdf'"
#define ATT_PATH                                                                                   \
	"'zalaczniki/' || translate(r.case_number, '/\\', '__') || '-' || t.id || '-' || "         \
	"left(translate(regexp_replace(t.filename, '[[:cntrl:]]', '_', 'g'), '/\\', '__'), 200)"

/* One section of dane.json: the rows of `select` (over the person's
 * request ids $1 and the organisation $2, and the e-mail searched for $3)
 * as a JSON array, built by PostgreSQL so that numbers stay numbers and
 * dates ISO 8601. */
struct section {
	const char *key;
	const char *select;
	const char *order;
	int nparams; /* 2, or 3 for a section that reads the e-mail searched for */
};

static const struct section sections[] = {
    {"wnioskodawca",
     "SELECT rq.request_id, r.case_number, rq.name, rq.email, rq.postal_address, rq.phone, "
     "host(rq.ip) AS ip, rq.created_at FROM requesters rq JOIN requests r ON r.id = rq.request_id "
     "WHERE rq.request_id = ANY ($1::bigint[]) AND rq.org_id = $2",
     "x.request_id", 2},
    {"sprawy",
     "SELECT r.id, r.case_number, n.symbol AS unit, r.kind, r.channel, r.received_at, "
     "r.received_on, r.subject, r.body, r.form, r.delivery, r.reuse_purpose, r.reuse_format, "
     "r.reuse_manner, r.state, r.due_on, r.closed_on, r.created_at, r.updated_at "
     "FROM requests r JOIN units n ON n.id = r.unit_id "
     "WHERE r.id = ANY ($1::bigint[]) AND r.org_id = $2",
     "x.id", 2},
    {"zdarzenia",
     "SELECT e.id, r.case_number, e.at, e.actor, e.action, e.from_state, e.to_state, "
     "event_data(e) AS data "
     "FROM events e JOIN requests r ON r.id = e.request_id "
     "WHERE e.request_id = ANY ($1::bigint[]) AND e.org_id = $2",
     "x.id", 2},
    {"terminy",
     "SELECT m.id, r.case_number, m.kind, m.label, m.basis, m.side, m.start_on, m.due_on, m.state, "
     "m.closed_on FROM terms m JOIN requests r ON r.id = m.request_id "
     "WHERE m.request_id = ANY ($1::bigint[]) AND m.org_id = $2",
     "x.id", 2},
    {"pisma",
     "SELECT d.id, r.case_number, d.seq, d.type, d.title, d.status, d.issued_at, d.delivery, "
     "encode(d.sha256, 'hex') AS sha256, d.supersedes_id, "
     "(SELECT min(v.delivered_on) FROM deliveries v WHERE v.document_id = d.id) AS delivered_on, "
     "CASE WHEN d.status = 'issued' AND d.pdf IS NOT NULL THEN " DOC_PATH " END AS file "
     "FROM documents d JOIN requests r ON r.id = d.request_id "
     "WHERE d.request_id = ANY ($1::bigint[]) AND d.org_id = $2",
     "x.id", 2},
    {"zalaczniki",
     "SELECT t.id, r.case_number, t.filename, t.content_type, t.size, "
     "encode(t.sha256, 'hex') AS sha256, t.source, t.created_at, " ATT_PATH " AS file "
     "FROM attachments t JOIN requests r ON r.id = t.request_id "
     "WHERE t.request_id = ANY ($1::bigint[]) AND t.org_id = $2",
     "x.id", 2},
    {"korespondencja",
     "SELECT o.id, r.case_number, o.recipient, o.subject, o.body, o.status, o.created_at, "
     "o.sent_at, (SELECT d.seq FROM documents d WHERE d.id = o.attachment_document_id) "
     "AS attached_document_seq FROM outbox o LEFT JOIN requests r ON r.id = o.request_id "
     "WHERE o.org_id = $2 AND ((o.request_id = ANY ($1::bigint[]) AND "
     MAIL_TO_REQUESTER("o", "o.request_id") ") OR ($3 <> '' AND lower(o.recipient) = lower($3)))",
     "x.id", 3},
};

struct export_tx {
	const struct svc_ctx *ctx;
	const struct query *q;
	struct iod_export *out;
	json_t *doc;
	bool found, too_large;
};

static enum db_status add_section(PGconn *c, arena_t *a, const struct section *s,
                                  const char *const prm[3], json_t *doc, size_t *count)
{
	const char *sql = arena_printf(a,
	                               "SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY %s), '[]')::text "
	                               "FROM (%s) x",
	                               s->order, s->select);
	enum db_status st;
	PGresult *r = db_exec_row(c, &st, sql, s->nparams, prm);
	if (!r)
		return st;
	json_t *rows = NULL;
	if (st == DB_OK) {
		json_error_t e;
		rows = json_loads(PQgetvalue(r, 0, 0), 0, &e);
		if (!json_is_array(rows))
			st = DB_ERROR;
	}
	PQclear(r);
	if (st == DB_OK) {
		*count = json_array_size(rows);
		json_object_set_new(doc, s->key, rows);
	} else {
		json_decref(rows);
	}
	return st;
}

/* The files' total size, and the files themselves (binary results). */
static enum db_status files_size(PGconn *c, const char *const prm[3], long long *bytes)
{
	enum db_status st;
	PGresult *r = db_exec_row(
	    c, &st,
	    "SELECT (SELECT coalesce(sum(octet_length(d.pdf)), 0) FROM documents d "
	    "        WHERE d.request_id = ANY ($1::bigint[]) AND d.org_id = $2 AND d.status = 'issued') "
	    "     + (SELECT coalesce(sum(octet_length(t.data)), 0) FROM attachments t "
	    "        WHERE t.request_id = ANY ($1::bigint[]) AND t.org_id = $2) "
	    , 2, prm);
	*bytes = r && st == DB_OK ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	return st;
}

static enum db_status read_files(PGconn *c, arena_t *a, const char *const prm[3],
                                 struct iod_export *out)
{
	PGresult *r = PQexecParams(
	    c,
	    "SELECT path, data FROM ("
	    " SELECT " DOC_PATH " AS path, d.pdf AS data, 1 AS k, d.id FROM documents d "
	    " JOIN requests r ON r.id = d.request_id WHERE d.request_id = ANY ($1::bigint[]) "
	    " AND d.org_id = $2 AND d.status = 'issued' AND d.pdf IS NOT NULL "
	    " UNION ALL "
	    " SELECT " ATT_PATH ", t.data, 2, t.id FROM attachments t "
	    " JOIN requests r ON r.id = t.request_id WHERE t.request_id = ANY ($1::bigint[]) "
	    " AND t.org_id = $2"
	    ") f ORDER BY k, id",
	    2, NULL, prm, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	size_t n = st == DB_OK ? (size_t)PQntuples(r) : 0;
	out->files = arena_calloc(a, n ? n : 1, sizeof *out->files);
	out->nfiles = n;
	for (size_t i = 0; i < n; i++) {
		int row = (int)i;
		struct iod_file *f = &out->files[i];
		f->path = arena_strndup(a, PQgetvalue(r, row, 0), (size_t)PQgetlength(r, row, 0));
		f->data = db_value_copy(a, r, row, 1, &f->len);
	}
	PQclear(r);
	return st;
}

static const char *iso_instant(arena_t *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	char buf[32];
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return arena_strdup(a, buf);
}

static enum db_status export_tx(PGconn *c, void *v)
{
	struct export_tx *x = v;
	arena_t *a = x->ctx->arena;
	const struct actor *who = x->ctx->who;
	x->found = x->too_large = false;
	json_decref(x->doc);
	x->doc = NULL;
	long long *ids;
	size_t n;
	bool capped;
	enum db_status st = find_ids(c, a, who->org_id, x->q, EXPORT_CASES_MAX, &ids, &n, &capped);
	if (st != DB_OK || !n)
		return st;
	x->found = true;
	/* Everything held, or nothing: an archive must not look complete
	 * when it is not. */
	if (n >= EXPORT_CASES_MAX || capped) {
		x->too_large = true;
		return DB_OK;
	}
	const char *arr = id_array(a, ids, n);
	const char *prm[3] = {arr, arena_printf(a, "%lld", who->org_id),
	                      x->q->email ? x->q->text : ""};
	long long bytes = 0;
	st = files_size(c, prm, &bytes);
	if (st != DB_OK)
		return st;
	if (bytes > (long long)IOD_EXPORT_MAX_BYTES) {
		x->too_large = true;
		return DB_OK;
	}
	const char *org_name = "";
	PGresult *r = db_exec_row(c, &st, "SELECT name FROM organisations WHERE id = $1", 1, &prm[1]);
	if (r && st == DB_OK)
		org_name = arena_strdup(a, PQgetvalue(r, 0, 0));
	PQclear(r);
	if (st != DB_OK)
		return st;
	x->doc = json_pack("{s:s, s:s, s:s}", "opis",
	                   "Kopia danych osobowych (art. 15 ust. 3 RODO): wszystko, co administrator "
	                   "przechowuje o osobie w sprawach, w których była wnioskodawcą. Pliki pism i "
	                   "załączników są w folderach dokumenty/ i zalaczniki/ (pole \"file\").",
	                   "administrator", org_name, "wygenerowano", iso_instant(a, x->ctx->now));
	size_t counts[sizeof sections / sizeof sections[0]] = {0};
	for (size_t i = 0; st == DB_OK && i < sizeof sections / sizeof sections[0]; i++)
		st = add_section(c, a, &sections[i], prm, x->doc, &counts[i]);
	if (st == DB_OK)
		st = read_files(c, a, prm, x->out);
	if (st != DB_OK)
		return st;
	json_t *req_ids = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(req_ids, json_integer(ids[i]));
	/* Who exported whose data, and how much: never the query (a name or an
	 * address), so that the audit chain holds no personal data. */
	json_t *data = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "requests", req_ids, "cases",
	                         (json_int_t)counts[1], "events", (json_int_t)counts[2], "documents",
	                         (json_int_t)counts[4], "attachments", (json_int_t)counts[5], "mails",
	                         (json_int_t)counts[6], "files", (json_int_t)x->out->nfiles);
	st = store_event(c, who->org_id, 0, who->role, who->user_id, "privacy_access_export", NULL,
	                 NULL, data);
	json_decref(data);
	x->out->ncases = counts[1];
	return st;
}

enum outcome iod_export(const struct svc_ctx *ctx, const char *query, struct iod_export *out,
                        struct problem *p)
{
	memset(out, 0, sizeof *out);
	if (!allowed(ctx))
		return problem_set(p, OUT_DENIED, NULL, NULL);
	struct query q;
	if (parse_query(ctx->arena, query, &q, p) != OUT_OK)
		return OUT_INVALID;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct export_tx x = {ctx, &q, out, NULL, false, false};
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, export_tx, &x);
	enum outcome o = OUT_OK;
	if (st != DB_OK)
		o = svc_outcome(st, p);
	else if (!x.found)
		o = problem_set(p, OUT_NOT_FOUND,
		                "Nie znaleziono spraw tej osoby: nie ma czego wydać.", NULL);
	else if (x.too_large)
		o = problem_set(p, OUT_REFUSED,
		                "Dane tej osoby są zbyt obszerne na jedno archiwum (ponad 256 MB plików "
		                "albo ponad 1000 spraw) albo jej imię i nazwisko pasuje do zbyt wielu osób. "
		                "Wyszukaj ją po adresie e-mail albo poproś administratora systemu o "
		                "wydanie danych.",
		                "export_too_large");
	if (o == OUT_OK) {
		char *json = json_dumps(x.doc, JSON_INDENT(2) | JSON_SORT_KEYS);
		if (!json) {
			o = problem_set(p, OUT_ERROR, NULL, NULL);
		} else {
			out->json_len = strlen(json);
			out->json = arena_strndup(ctx->arena, json, out->json_len);
			free(json);
		}
	}
	json_decref(x.doc);
	if (o != OUT_OK) {
		struct iod_export none = {0};
		*out = none;
	}
	return o;
}

/* ---- Erasure on request ---------------------------------------------------- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *b = (const unsigned char *)s; *b; b++)
		n += (*b & 0xC0) != 0x80;
	return n;
}

struct erase_tx {
	const struct svc_ctx *ctx;
	const struct iod_erasure *in;
	const char *reason;
	const char *case_number;
	privacy_refusal_t refusal;
	const char *reason_holds; /* the kind of personal data found in the reason, or NULL */
};

/* The reason stays in the event's hash-chained payload for ever
 * (cases/privacy.h): it names the legal ground, never the person. The
 * detector looks for the requester's name and address and for anyone's
 * e-mail, phone or numbers; the kind of the first finding, or NULL. */
static const char *personal_in(const char *reason, const law_person_t *who)
{
	law_personal_finding_t f[1];
	long n = law_personal_find(reason, strlen(reason), who, 1, f, 1);
	if (n < 0)
		return "name";
	return n > 0 ? law_personal_kind_name(f[0].kind) : NULL;
}

static enum db_status erase_tx(PGconn *c, void *v)
{
	struct erase_tx *x = v;
	arena_t *a = x->ctx->arena;
	const struct actor *who = x->ctx->who;
	x->refusal = PRIVACY_NOT_FOUND;
	x->case_number = x->reason_holds = NULL;
	const char *prm[2] = {arena_printf(a, "%lld", x->in->request_id),
	                      arena_printf(a, "%lld", who->org_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT r.case_number, coalesce(q.name, ''), coalesce(q.email, ''), "
	                      "coalesce(q.phone, ''), coalesce(q.postal_address, '') FROM requests r "
	                      "LEFT JOIN requesters q ON q.request_id = r.id "
	                      "WHERE r.id = $1 AND r.org_id = $2",
	                      2, prm);
	if (st == DB_OK && PQntuples(r) == 1) {
		x->case_number = arena_strdup(a, PQgetvalue(r, 0, 0));
		law_person_t person = {PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
		                       PQgetvalue(r, 0, 4)};
		x->reason_holds = personal_in(x->reason, &person);
	}
	PQclear(r);
	if (st != DB_OK || !x->case_number || x->reason_holds)
		return st;
	return privacy_erase_request(c, a, who->org_id, x->in->request_id,
	                             arena_printf(a, "%lld", who->user_id), x->reason,
	                             x->in->force_retention, &x->refusal);
}

/* The detector's kind (law_personal_kind_name()) in Polish. */
static const char *pii_label(const char *kind)
{
	static const struct {
		const char *kind, *label;
	} labels[] = {{"name", "imię lub nazwisko"}, {"email", "adres e-mail"},
	              {"phone", "numer telefonu"},   {"pesel", "PESEL"},
	              {"nip", "NIP"},                {"regon", "REGON"},
	              {"idcard", "numer dowodu osobistego"}, {"passport", "numer paszportu"},
	              {"account", "numer rachunku"}, {"address", "adres"},
	              {"postcode", "kod pocztowy z miejscowością"}};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(kind, labels[i].kind))
			return labels[i].label;
	return kind;
}

static const char *refusal_code(privacy_refusal_t r)
{
	switch (r) {
	case PRIVACY_CASE_OPEN:
		return "case_open";
	case PRIVACY_RETENTION_RUNNING:
		return "retention_running";
	case PRIVACY_ALREADY_ERASED:
		return "already_erased";
	default:
		return NULL;
	}
}

enum outcome iod_erase(const struct svc_ctx *ctx, const struct iod_erasure *in,
                       const char **case_number, struct problem *p)
{
	*case_number = NULL;
	if (!allowed(ctx))
		return problem_set(p, OUT_DENIED, NULL, NULL);
	if (in->request_id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	const char *reason = trim(ctx->arena, in->reason);
	if (!*reason)
		return problem_field(p, "reason",
		                     "Podaj podstawę usunięcia: datę żądania i jego podstawę (art. 17 ust. 1 "
		                     "RODO), a przy usunięciu przed upływem okresu przechowywania — inną "
		                     "podstawę prawną.");
	if (!utf8_valid(reason, strlen(reason)) || has_controls(reason, true))
		return problem_field(p, "reason", "Pole „Podstawa usunięcia” zawiera nieprawidłowe znaki.");
	if (utf8_chars(reason) > REASON_MAX_CHARS)
		return problem_field(p, "reason", "Pole „Podstawa usunięcia” może mieć najwyżej 1000 znaków.");
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct erase_tx x = {ctx, in, reason, NULL, PRIVACY_NOT_FOUND, NULL};
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, erase_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!x.case_number)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	*case_number = x.case_number;
	if (x.reason_holds)
		return problem_fieldf(p, ctx->arena, "reason",
		                      "Uzasadnienie zostaje w dzienniku zdarzeń na zawsze, więc nie może "
		                      "zawierać danych osobowych (znaleziono: %s). Wskaż podstawę prawną "
		                      "i datę żądania bez imienia, nazwiska, adresu ani numerów.",
		                      pii_label(x.reason_holds));
	if (x.refusal == PRIVACY_NOT_FOUND)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	*case_number = x.case_number;
	if (x.refusal != PRIVACY_ERASE_OK)
		return problem_set(p, OUT_REFUSED, privacy_refusal_text(x.refusal), refusal_code(x.refusal));
	return OUT_OK;
}
