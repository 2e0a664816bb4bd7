/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/inbox.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/clerk.h"
#include "cases/inbound_route.h"
#include "cases/scope.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/strbuf.h"
#include "db/changes.h"
#include "db/db.h"
#include "law/date.h"
#include "law/warsaw.h"
#include "render/attachlist.h"

const struct inbox_status inbox_statuses[] = {
    {"new", "nowe", "nowe", "nowa"},
    {"registered", "zarejestrowane", "zarejestrowane jako wnioski", "zarejestrowana jako wniosek"},
    {"attached", "dolaczone", "dołączone do spraw", "dołączona do sprawy"},
    {"reply", "odpowiedzi", "odpowiedzi w sprawach", "odpowiedź w sprawie"},
    {"not_request", "nie-wnioski", "niebędące wnioskami", "oznaczona jako niebędąca wnioskiem"},
    {"bounce", "zwroty", "zwroty (niedoręczenia)", "zwrot (niedoręczenie)"},
    {"auto_reply", "autoodpowiedzi", "odpowiedzi automatyczne", "odpowiedź automatyczna"},
    {NULL, NULL, NULL, NULL},
};

const struct inbox_reason inbox_reasons[] = {
    {"spam", "spam"},
    {"advertising", "reklama"},
    {"other", "inne"},
    {NULL, NULL},
};

/* The notes of "not a request" are short: the reason, not a letter. */
#define NOTE_MAX 1000

static const struct inbox_status *status_of(const char *id)
{
	for (const struct inbox_status *s = inbox_statuses; id && s->id; s++)
		if (!strcmp(s->id, id))
			return s;
	return NULL;
}

const struct inbox_status *inbox_status_of_param(const char *param)
{
	for (const struct inbox_status *s = inbox_statuses; param && s->id; s++)
		if (!strcmp(s->param, param))
			return s;
	return NULL;
}

static const char *kind_label(const char *kind, bool parsed)
{
	if (!parsed)
		return "jeszcze nieodczytana";
	if (!strcmp(kind, "auto_reply"))
		return "odpowiedź automatyczna";
	if (!strcmp(kind, "bounce"))
		return "zawiadomienie o niedoręczeniu";
	if (!strcmp(kind, "unreadable"))
		return "nieczytelna";
	return "wiadomość";
}

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

/* The messages ctx->who sees, m a row of inbound_messages, $1 the
 * organisation and $2 scope_unit(): the organisation's mailbox, and of
 * the messages that belong to a case now, those of the cases they see. */
#define INBOX_SEES(m)                                                                              \
	m ".org_id = $1 AND (" m ".request_id IS NULL OR " SCOPE_CASE_OF(m ".request_id", "$1",    \
	                                                                 "$2") ")"

/* The columns the list and the message page share, from m (a message), r
 * (its case, left-joined). */
#define INBOX_COLUMNS                                                                              \
	"m.id, m.from_name, m.from_address, m.subject, "                                           \
	"to_char(m.received_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "              \
	"m.received_on::text, (SELECT count(*) FROM inbound_parts ip WHERE ip.message_id = m.id " \
	"AND NOT ip.inline), coalesce(m.kind, ''), m.status, coalesce(m.request_id::text, ''), "   \
	"coalesce(r.case_number, ''), m.parsed_at IS NOT NULL, "                                   \
	"((extract(epoch FROM m.received_at) * 1000000)::bigint)::text"
#define INBOX_NCOLUMNS 13

static json_t *item_of(const PGresult *r, int i)
{
#define V(k) PQgetvalue(r, i, k)
	bool parsed = !strcmp(V(11), "t");
	const struct inbox_status *s = status_of(V(8));
	json_t *it = json_pack(
	    "{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b, s:s, s:s}", "id",
	    (json_int_t)atoll(V(0)), "from_name", V(1), "from_address", V(2), "subject", V(3),
	    "received_at", V(4), "received_on", V(5), "attachments", (json_int_t)atoll(V(6)), "kind",
	    V(7), "kind_label", kind_label(V(7), parsed), "unparsed", !parsed, "status", V(8),
	    "status_label", s ? s->one : V(8));
	if (*V(9)) {
		json_object_set_new(it, "case_id", json_integer(atoll(V(9))));
		json_object_set_new(it, "case_number", json_string(V(10)));
	}
	json_object_set_new(it, "unreadable", json_boolean(!strcmp(V(7), "unreadable")));
	return it;
#undef V
}

/* ---- The list ---------------------------------------------------------------- */

static enum db_status add_counts(PGconn *c, const char *const *scope, json_t *doc)
{
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT m.status, count(*), min(m.received_on)::text "
	                      "FROM inbound_messages m WHERE " INBOX_SEES("m") " GROUP BY m.status",
	                      2, scope);
	json_t *counts = json_object();
	for (const struct inbox_status *s = inbox_statuses; s->id; s++)
		json_object_set_new(counts, s->id, json_integer(0));
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		json_object_set_new(counts, PQgetvalue(r, i, 0), json_integer(atoll(PQgetvalue(r, i, 1))));
		if (!strcmp(PQgetvalue(r, i, 0), "new"))
			json_object_set_new(doc, "oldest_new", json_string(PQgetvalue(r, i, 2)));
	}
	json_object_set_new(doc, "counts", counts);
	PQclear(r);
	return st;
}

/* A keyset position as the list gave it: Unix microseconds. */
static bool micros_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 18)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

enum outcome inbox_list(const struct svc_ctx *ctx, const struct inbox_filter *f, json_t **out,
                        struct problem *p)
{
	*out = NULL;
	arena_t *a = ctx->arena;
	const struct inbox_status *s = status_of(f->status ? f->status : "new");
	if (!s)
		s = &inbox_statuses[0];
	/* New messages oldest first (the order of their terms); handled
	 * ones newest first. */
	bool oldest_first = !strcmp(s->id, "new");
	struct db_params q = {.n = 0};
	db_param_int(&q, ctx->who->org_id);
	db_param_int(&q, scope_unit(ctx->who));
	strbuf_t sql;
	sb_init(&sql, a);
	sb_printf(&sql,
	          "SELECT " INBOX_COLUMNS " FROM inbound_messages m "
	          "LEFT JOIN requests r ON r.id = m.request_id "
	          "WHERE " INBOX_SEES("m") " AND m.status = $%d",
	          db_param(&q, s->id));
	if (micros_valid(f->after_at) && f->after_id > 0) {
		int at = db_param(&q, f->after_at), id = db_param_int(&q, f->after_id);
		sb_printf(&sql,
		          " AND (m.received_at, m.id) %s (timestamptz 'epoch' + $%d::bigint * "
		          "interval '1 microsecond', $%d::bigint)",
		          oldest_first ? ">" : "<", at, id);
	}
	sb_printf(&sql, " ORDER BY m.received_at %s, m.id %s LIMIT %d", oldest_first ? "" : "DESC",
	          oldest_first ? "" : "DESC", INBOX_PAGE + 1);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	enum db_status st;
	PGresult *r = db_exec(c, &st, sql.data, q.n, q.v);
	json_t *doc = json_pack("{s:[], s:s}", "items", "status", s->id);
	int rows = st == DB_OK ? PQntuples(r) : 0;
	for (int i = 0; i < rows && i < INBOX_PAGE; i++)
		json_array_append_new(json_object_get(doc, "items"), item_of(r, i));
	if (rows > INBOX_PAGE)
		json_object_set_new(doc, "next",
		                    json_pack("{s:s, s:s}", "at", PQgetvalue(r, INBOX_PAGE - 1, 12), "id",
		                              PQgetvalue(r, INBOX_PAGE - 1, 0)));
	PQclear(r);
	if (st == DB_OK)
		st = add_counts(c, q.v, doc);
	if (st != DB_OK) {
		json_decref(doc);
		return svc_outcome(st, p);
	}
	*out = doc;
	return OUT_OK;
}

enum outcome inbox_counts(const struct svc_ctx *ctx, json_t **out, struct problem *p)
{
	*out = NULL;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	const char *q[1] = {ids(ctx->arena, ctx->who->org_id)};
	enum db_status st;
	/* New messages belong to no case yet: every member of the
	 * organisation sees them. */
	PGresult *r = db_exec(c, &st,
	                      "SELECT count(*), min(received_on)::text FROM inbound_messages "
	                      "WHERE org_id = $1 AND status = 'new'",
	                      1, q);
	if (st == DB_OK && PQntuples(r) == 1) {
		*out = json_pack("{s:I}", "count", (json_int_t)atoll(PQgetvalue(r, 0, 0)));
		if (!PQgetisnull(r, 0, 1))
			json_object_set_new(*out, "oldest", json_string(PQgetvalue(r, 0, 1)));
	}
	PQclear(r);
	return st == DB_OK ? OUT_OK : svc_outcome(st, p);
}

/* ---- One message ---------------------------------------------------------------- */

static enum db_status add_parts(PGconn *c, arena_t *a, long long id, json_t *doc)
{
	const char *q[1] = {ids(a, id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT seq, filename, content_type, size, inline, readable, note, "
	                      "data IS NOT NULL FROM inbound_parts WHERE message_id = $1 ORDER BY seq",
	                      1, q);
	json_t *parts = json_array();
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
#define V(k) PQgetvalue(r, i, k)
		long long size = atoll(V(3));
		json_array_append_new(
		    parts, json_pack("{s:i, s:s, s:s, s:I, s:s, s:b, s:b, s:s, s:b}", "seq", atoi(V(0)),
		                     "filename", V(1), "content_type", V(2), "size", (json_int_t)size,
		                     "size_text", attachlist_size(a, size), "inline",
		                     !strcmp(V(4), "t"), "readable", !strcmp(V(5), "t"), "note", V(6),
		                     "data", !strcmp(V(7), "t")));
#undef V
	}
	json_object_set_new(doc, "parts", parts);
	PQclear(r);
	return st;
}

static enum db_status load_message(PGconn *c, const struct svc_ctx *ctx, long long id,
                                   json_t **out)
{
	*out = NULL;
	arena_t *a = ctx->arena;
	const char *q[3] = {ids(a, ctx->who->org_id), ids(a, scope_unit(ctx->who)), ids(a, id)};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT " INBOX_COLUMNS ", m.body_text, m.envelope_from, coalesce(m.message_id, ''), "
	    "coalesce(m.parse_error, ''), m.source, m.version, "
	    "m.raw_erased_at IS NULL AND length(m.raw) > 0, coalesce(u.name, ''), "
	    "coalesce(to_char(m.handled_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), ''), "
	    "m.handled_note, m.envelope_to "
	    "FROM inbound_messages m LEFT JOIN requests r ON r.id = m.request_id "
	    "LEFT JOIN users u ON u.id = m.handled_by "
	    "WHERE m.id = $3 AND " INBOX_SEES("m"),
	    3, q);
	if (st == DB_OK && PQntuples(r) == 1) {
		json_t *doc = item_of(r, 0);
#define V(k) PQgetvalue(r, 0, INBOX_NCOLUMNS + (k))
		json_object_set_new(doc, "body_text", json_string(V(0)));
		json_object_set_new(doc, "envelope_from", json_string(V(1)));
		json_object_set_new(doc, "message_id", json_string(V(2)));
		json_object_set_new(doc, "parse_error", json_string(V(3)));
		json_object_set_new(doc, "source", json_string(V(4)));
		json_object_set_new(doc, "version", json_integer(atol(V(5))));
		json_object_set_new(doc, "raw", json_boolean(!strcmp(V(6), "t")));
		json_object_set_new(doc, "handled_by", json_string(V(7)));
		json_object_set_new(doc, "handled_at", json_string(V(8)));
		json_object_set_new(doc, "handled_note", json_string(V(9)));
		json_object_set_new(doc, "envelope_to", json_string(V(10)));
#undef V
		bool is_new = !strcmp(json_string_value(json_object_get(doc, "status")), "new");
		json_object_set_new(doc, "is_new", json_boolean(is_new));
		json_object_set_new(doc, "open", json_boolean(
		                                     is_new && !json_is_true(json_object_get(doc, "unparsed"))));
		*out = doc;
	}
	PQclear(r);
	if (st == DB_OK && *out && (st = add_parts(c, a, id, *out)) != DB_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return st;
}

enum outcome inbox_message(const struct svc_ctx *ctx, long long id, json_t **out,
                           struct problem *p)
{
	*out = NULL;
	if (id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	enum db_status st = load_message(c, ctx, id, out);
	if (st != DB_OK)
		return svc_outcome(st, p);
	return *out ? OUT_OK : problem_set(p, OUT_NOT_FOUND, "Nie ma takiej wiadomości.", NULL);
}

/* ---- Files ------------------------------------------------------------------------- */

/* `sql`'s one row (filename, content type, bytes) of the message, its
 * result in binary: the bytes as they are. */
static enum outcome load_file(const struct svc_ctx *ctx, const char *sql, long long id, int seq,
                              struct inbox_file *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	if (id <= 0 || seq < 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	const char *q[4] = {ids(a, ctx->who->org_id), ids(a, scope_unit(ctx->who)), ids(a, id),
	                    ids(a, seq)};
	PGresult *r = PQexecParams(c, sql, 4, NULL, q, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	bool found = st == DB_OK && PQntuples(r) == 1;
	if (found) {
		out->filename = arena_strdup(a, PQgetvalue(r, 0, 0));
		out->content_type = arena_strdup(a, PQgetvalue(r, 0, 1));
		out->data = db_value_copy(a, r, 0, 2, &out->len);
	}
	PQclear(r);
	if (st != DB_OK)
		return svc_outcome(st, p);
	return found ? OUT_OK : problem_set(p, OUT_NOT_FOUND, "Nie ma takiego pliku.", NULL);
}

enum outcome inbox_part(const struct svc_ctx *ctx, long long id, int seq, struct inbox_file *out,
                        struct problem *p)
{
	return load_file(ctx,
	                 "SELECT ip.filename, ip.content_type, ip.data FROM inbound_parts ip "
	                 "JOIN inbound_messages m ON m.id = ip.message_id "
	                 "WHERE ip.message_id = $3 AND ip.seq = $4::int AND ip.data IS NOT NULL AND " INBOX_SEES("m"),
	                 id, seq, out, p);
}

enum outcome inbox_raw(const struct svc_ctx *ctx, long long id, struct inbox_file *out,
                       struct problem *p)
{
	enum outcome o = load_file(ctx,
	                           "SELECT 'wiadomosc-' || m.id || '.eml', 'message/rfc822', m.raw "
	                           "FROM inbound_messages m WHERE m.id = $3 AND $4::int = 0 AND "
	                           "m.raw_erased_at IS NULL AND length(m.raw) > 0 AND " INBOX_SEES("m"),
	                           id, 0, out, p);
	return o;
}

/* ---- The registration form's first values ------------------------------------------ */

/* Whether `text` asks for re-use (ustawa o otwartych danych): "ponowne
 * wykorzystywanie" in any of its forms ("ponownego wykorzystania",
 * "ponownym wykorzystywaniu", ...), case aside. */
static bool asks_for_reuse(const char *text)
{
	for (const char *s = text; (s = strstr(s, "ponown")) != NULL; s++) {
		const char *t = s + strlen("ponown");
		while (*t && isalpha((unsigned char)*t))
			t++;
		while (*t == ' ' || *t == '\n' || *t == '\r' || *t == '\t' || *t == '-')
			t++;
		if (!strncmp(t, "wykorzyst", strlen("wykorzyst")))
			return true;
	}
	return false;
}

/* A lower-case copy (ASCII letters; the words looked for have no others). */
static char *lower(arena_t *a, const char *s)
{
	char *out = arena_strdup(a, s);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* `s` fit for a form field: control characters (but tab and line breaks
 * where `multiline`) as spaces, at most `max` characters (*cut says when
 * it was shortened). */
static const char *field_text(arena_t *a, const char *s, size_t max, bool multiline, bool *cut)
{
	char *out = arena_strdup(a, s);
	size_t chars = 0;
	for (char *p = out; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if ((ch < 0x20 || ch == 0x7f) &&
		    !(multiline && (ch == '\t' || ch == '\n' || ch == '\r')))
			*p = ' ';
		if ((ch & 0xC0) != 0x80 && ++chars > max) {
			*p = '\0';
			if (cut)
				*cut = true;
			break;
		}
	}
	return out;
}

enum outcome inbox_prefill(const struct svc_ctx *ctx, long long id, struct filing_input *in,
                           bool *cut, json_t **message, struct problem *p)
{
	*cut = false;
	enum outcome o = inbox_message(ctx, id, message, p);
	if (o != OUT_OK)
		return o;
	arena_t *a = ctx->arena;
	json_t *m = *message;
#define S(k) json_string_value(json_object_get(m, k))
	const char *subject = S("subject"), *body = S("body_text");
	bool reuse = asks_for_reuse(lower(a, subject)) || asks_for_reuse(lower(a, body));
	memset(in, 0, sizeof *in);
	in->kind = reuse ? "reuse" : "public_information";
	in->subject = *subject ? field_text(a, subject, 300, false, NULL) : "Wniosek przesłany e-mailem";
	in->content = *body ? field_text(a, body, 20000, true, cut)
	                    : "Treść wniosku w załącznikach wiadomości e-mail.";
	in->name = field_text(a, S("from_name"), 200, false, NULL);
	in->email = field_text(a, S("from_address"), 254, false, NULL);
	in->delivery = "email";
#undef S
	return OUT_OK;
}

/* ---- Acting on a message ------------------------------------------------------------- */

struct act {
	const struct svc_ctx *ctx;
	long long id;
	long version; /* -1: no check */
	/* What the message was when locked. */
	long long received_at;
	char received_on[LAW_DATE_STRLEN];
	const char *source;
	/* attach: */
	const char *case_number;
	long long request_id;
	/* dismiss: */
	const char *reason, *note;
	enum outcome result;
	struct problem *p;
};

/* The message as it stands, locked for the transaction when `lock`
 * (FOR UPDATE of the message row: two clerks acting on it wait for each
 * other, and the second finds it handled). Sets x->result when it may
 * not be acted on. The lock is taken by a statement of its own, before
 * the message is read: read in the locking statement, a message that
 * became a new case's while it waited would be re-checked against a
 * snapshot without that case and seem not there at all. */
static enum db_status check_message(PGconn *c, struct act *x, bool lock)
{
	arena_t *a = x->ctx->arena;
	const char *q[3] = {ids(a, x->ctx->who->org_id), ids(a, scope_unit(x->ctx->who)), ids(a, x->id)};
	const char *lq[2] = {q[2], q[0]};
	enum db_status st;
	/* The organisation's event chain first, as every writer of events
	 * takes it (the filing of a registration holds it when it comes
	 * here): one order of locks, so registering and dismissing one
	 * message at once never wait on each other in a circle. */
	if (lock && (st = db_run(c, "SELECT 1 FROM event_chain WHERE org_id = $1 FOR UPDATE", 1,
	                         lq + 1)) != DB_OK)
		return st;
	if (lock && (st = db_run(c, "SELECT 1 FROM inbound_messages WHERE id = $1 AND org_id = $2 FOR UPDATE",
	                         2, lq)) != DB_OK)
		return st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT m.status, m.version, m.parsed_at IS NOT NULL, coalesce(r.case_number, ''), "
	    "coalesce(u.name, ''), coalesce(to_char(m.handled_at AT TIME ZONE "
	    "'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), ''), m.source, "
	    "floor(extract(epoch FROM m.received_at))::bigint, m.received_on::text "
	    "FROM inbound_messages m LEFT JOIN requests r ON r.id = m.request_id "
	    "LEFT JOIN users u ON u.id = m.handled_by "
	    "WHERE m.id = $3 AND " INBOX_SEES("m"),
	    3, q);
	x->result = OUT_OK;
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	if (PQntuples(r) != 1) {
		x->result = problem_set(x->p, OUT_NOT_FOUND, "Nie ma takiej wiadomości.", NULL);
		PQclear(r);
		return DB_OK;
	}
#define V(k) PQgetvalue(r, 0, k)
	const struct inbox_status *s = status_of(V(0));
	if (strcmp(V(0), "new") != 0) {
		/* Handled meanwhile: say by whom, when and how, so that the
		 * clerk finds it; nothing they typed is lost (the form stays). */
		const char *by = *V(4) ? V(4) : "system (automatyczne dopasowanie)";
		x->result = problem_set(
		    x->p, OUT_STALE,
		    arena_printf(a,
		                 "Ta wiadomość została już obsłużona: %s%s%s (%s%s%s). Twoja czynność "
		                 "nie została zapisana.",
		                 s ? s->one : V(0), *V(3) ? " " : "", V(3), by, *V(5) ? ", " : "", V(5)),
		    "inbox_handled");
	} else if (x->version >= 0 && atol(V(1)) != x->version) {
		x->result = problem_set(x->p, OUT_STALE,
		                        "Wiadomość zmieniła się od otwarcia tej strony. Sprawdź ją i "
		                        "spróbuj ponownie.",
		                        "stale_version");
	} else if (strcmp(V(2), "t") != 0) {
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "Wiadomość nie została jeszcze odczytana przez system. Spróbuj "
		                        "ponownie za chwilę.",
		                        "inbox_unparsed");
	}
	x->source = arena_strdup(a, V(6));
	x->received_at = atoll(V(7));
	snprintf(x->received_on, sizeof x->received_on, "%s", V(8));
#undef V
	PQclear(r);
	return DB_OK;
}

static bool version_of(const char *s, long *out, struct problem *p)
{
	*out = -1;
	if (!s || !*s)
		return true;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno || v < 0) {
		problem_field(p, "version",
		              "Formularz jest uszkodzony (wersja wiadomości). Odśwież stronę i spróbuj "
		              "ponownie.");
		return false;
	}
	*out = v;
	return true;
}

/* Runs `fn` in a write transaction for ctx->who's organisation. */
static enum outcome run(struct act *x, db_tx_fn fn)
{
	PGconn *c = svc_conn(x->p);
	if (!c)
		return OUT_UNAVAILABLE;
	changes_writer(x->ctx->who->org_id);
	enum db_status st = db_transaction(c, fn, x);
	if (st != DB_OK)
		return svc_outcome(st, x->p);
	return x->result;
}

/* ---- Registering -------------------------------------------------------------------- */

/* In the filing's transaction, once the case is written: the message,
 * still new and unchanged, becomes the case's. */
static enum db_status register_then(PGconn *c, long long request_id, void *arg)
{
	struct act *x = arg;
	enum db_status st = check_message(c, x, true);
	if (st != DB_OK)
		return st;
	if (x->result != OUT_OK)
		return DB_CONFLICT;
	bool found = false;
	const struct actor *who = x->ctx->who;
	st = inbound_attach(c, who->org_id, x->id, request_id, "registered", who->role, who->user_id,
	                    &found);
	if (st == DB_OK && !found) {
		x->result = problem_set(x->p, OUT_STALE,
		                        "Ta wiadomość została już obsłużona. Twoja czynność nie została "
		                        "zapisana.",
		                        "inbox_handled");
		return DB_CONFLICT;
	}
	return st;
}

/* The instant a request registered from the message was received: its
 * arrival, whose Warsaw date is received_on; should the two disagree (a
 * row written by hand), noon of received_on, the date the law counts. */
static int64_t filing_instant(const struct act *x)
{
	law_date_t on, at;
	if (!law_date_parse(x->received_on, &on))
		return x->received_at;
	if (law_warsaw_date(x->received_at, &at) && law_date_cmp(on, at) == 0)
		return x->received_at;
	int64_t noon_utc = (int64_t)law_date_to_days(on) * 86400 + 12 * 3600;
	return noon_utc - law_warsaw_offset(noon_utc);
}

enum outcome inbox_register(const struct svc_ctx *ctx, long long id, const char *version,
                            struct filing_input *in, const char *base_url, long long *request_id,
                            struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	*request_id = 0;
	struct problem mine;
	struct act x = {.ctx = ctx, .id = id, .p = &mine};
	problem_set(&mine, OUT_OK, NULL, NULL);
	if (id <= 0)
		return problem_set(p, OUT_NOT_FOUND, "Nie ma takiej wiadomości.", NULL);
	if (!version_of(version, &x.version, p))
		return OUT_INVALID;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	/* Read first (the date and the channel the filing needs); checked
	 * again under the lock in the filing's transaction. */
	enum db_status st = check_message(c, &x, false);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (x.result != OUT_OK) {
		*p = mine;
		return x.result;
	}
	in->channel = !strcmp(x.source, "edoreczenia") ? "epuap" : "email";
	in->received_at = filing_instant(&x);
	in->nattachments = 0; /* the message's own become the case's */
	in->then = register_then;
	in->then_arg = &x;
	enum outcome o = clerk_register_received(ctx, in, base_url, request_id, p);
	if (o == OUT_CONFLICT && p->code && !strcmp(p->code, "filing_then_refused")) {
		*p = mine;
		return x.result;
	}
	return o;
}

/* ---- Attaching to a case -------------------------------------------------------------- */

static enum db_status attach_tx(PGconn *c, void *vctx)
{
	struct act *x = vctx;
	enum db_status st = check_message(c, x, true);
	if (st != DB_OK || x->result != OUT_OK)
		return st;
	arena_t *a = x->ctx->arena;
	const struct actor *who = x->ctx->who;
	char *upper = arena_strdup(a, x->case_number);
	for (char *s = upper; *s; s++)
		*s = (char)toupper((unsigned char)*s);
	const char *q[4] = {ids(a, who->org_id), x->case_number, ids(a, scope_unit(who)), upper};
	PGresult *r = db_exec(c, &st,
	                      "SELECT r.id FROM requests r WHERE r.org_id = $1 "
	                      "AND r.case_number IN ($2, $4) AND r.erased_at IS NULL AND " SCOPE_CASES("r", "$1", "$3"),
	                      4, q);
	x->request_id = st == DB_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	if (st != DB_OK)
		return st;
	if (!x->request_id) {
		problem_fieldf(x->p, a, "case_number",
		               "Nie ma sprawy o znaku „%s” wśród spraw, które widzisz w tym urzędzie.",
		               x->case_number);
		x->result = OUT_INVALID;
		return DB_OK;
	}
	bool found = false;
	st = inbound_attach(c, who->org_id, x->id, x->request_id, "attached", who->role, who->user_id,
	                    &found);
	if (st == DB_OK && !found)
		x->result = problem_set(x->p, OUT_STALE,
		                        "Ta wiadomość została już obsłużona. Twoja czynność nie została "
		                        "zapisana.",
		                        "inbox_handled");
	return st;
}

/* A trimmed copy. */
static const char *trimmed(arena_t *a, const char *s)
{
	if (!s)
		return "";
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

enum outcome inbox_attach(const struct svc_ctx *ctx, long long id, const char *version,
                          const char *case_number, long long *request_id, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	*request_id = 0;
	struct act x = {.ctx = ctx, .id = id, .p = p};
	if (id <= 0)
		return problem_set(p, OUT_NOT_FOUND, "Nie ma takiej wiadomości.", NULL);
	if (!version_of(version, &x.version, p))
		return OUT_INVALID;
	x.case_number = trimmed(ctx->arena, case_number);
	if (!*x.case_number || strlen(x.case_number) > 100 || strpbrk(x.case_number, "\r\n\t")) {
		problem_field(p, "case_number", "Podaj znak sprawy, np. COMON.1510.12.2026.");
		return OUT_INVALID;
	}
	enum outcome o = run(&x, attach_tx);
	if (o == OUT_OK)
		*request_id = x.request_id;
	return o;
}

/* ---- Not a request -------------------------------------------------------------------- */

static const struct inbox_reason *reason_of(const char *id)
{
	for (const struct inbox_reason *r = inbox_reasons; id && r->id; r++)
		if (!strcmp(r->id, id))
			return r;
	return NULL;
}

static bool note_clean(const char *s)
{
	size_t chars = 0;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0x7f)
			return false;
		if ((ch & 0xC0) != 0x80)
			chars++;
	}
	return chars <= NOTE_MAX;
}

static enum db_status dismiss_tx(PGconn *c, void *vctx)
{
	struct act *x = vctx;
	enum db_status st = check_message(c, x, true);
	if (st != DB_OK || x->result != OUT_OK)
		return st;
	arena_t *a = x->ctx->arena;
	const struct actor *who = x->ctx->who;
	const struct inbox_reason *why = reason_of(x->reason);
	const char *note = *x->note ? arena_printf(a, "%s: %s", why->label, x->note) : why->label;
	const char *q[3] = {ids(a, x->id), ids(a, who->user_id), note};
	st = db_run(c,
	            "UPDATE inbound_messages SET status = 'not_request', handled_by = $2, "
	            "handled_at = now(), handled_note = $3, version = version + 1 WHERE id = $1",
	            3, q);
	if (st != DB_OK)
		return st;
	/* No case to hold the step: the organisation's audit trail does (an
	 * event without a case, as the administrator's are). The note may
	 * name a person: "text" is kept outside the hash chain. */
	json_t *data = json_pack("{s:I, s:s}", "inbound_id", (json_int_t)x->id, "reason", why->id);
	if (*x->note)
		json_object_set_new(data, "text", json_string(x->note));
	st = store_event(c, who->org_id, 0, who->role, who->user_id, "mail_not_request", NULL, NULL,
	                 data);
	json_decref(data);
	return st;
}

enum outcome inbox_dismiss(const struct svc_ctx *ctx, long long id, const char *version,
                           const char *reason, const char *note, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	struct act x = {.ctx = ctx, .id = id, .p = p};
	if (id <= 0)
		return problem_set(p, OUT_NOT_FOUND, "Nie ma takiej wiadomości.", NULL);
	if (!version_of(version, &x.version, p))
		return OUT_INVALID;
	x.reason = reason;
	x.note = trimmed(ctx->arena, note);
	bool bad = false;
	if (!reason_of(reason)) {
		problem_field(p, "reason", "Wybierz, dlaczego ta wiadomość nie jest wnioskiem.");
		bad = true;
	}
	if (!note_clean(x.note)) {
		problem_field(p, "note",
		              "Uzasadnienie może mieć najwyżej 1000 znaków, bez znaków sterujących.");
		bad = true;
	} else if (reason && !strcmp(reason, "other") && !*x.note) {
		problem_field(p, "note", "Napisz, dlaczego ta wiadomość nie jest wnioskiem.");
		bad = true;
	}
	if (bad)
		return OUT_INVALID;
	return run(&x, dismiss_tx);
}
