/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/inbound_route.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cases/mailref.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "cases/outbox.h"
#include "cases/store.h"
#include "core/config.h"
#include "core/jobs.h"
#include "core/log.h"
#include "db/changes.h"
#include "law/casenum.h"

/* Messages routed per round; one transaction each. */
#define ROUTE_BATCH 50
/* How much of the raw message is read for its To/Cc/Delivered-To. */
#define HEADER_BYTES 65536
#define HEADER_BYTES_SQL "65536"
/* Case numbers looked for in one subject. */
#define SUBJECT_NUMBERS 8

enum db_status inbound_attach(PGconn *c, long long org_id, long long id, long long request_id,
                              const char *status, const char *actor, long long user_id,
                              bool *found)
{
	char org[24], mid[24], req[24], user[24];
	snprintf(org, sizeof org, "%lld", org_id);
	snprintf(mid, sizeof mid, "%lld", id);
	snprintf(req, sizeof req, "%lld", request_id);
	snprintf(user, sizeof user, "%lld", user_id);
	const char *p[] = {org, mid, req, status, user_id ? user : NULL};
	enum db_status st;
	*found = false;
	/* The message and the case, both of this organisation; a message
	 * handled already is left as it is. */
	PGresult *r = db_exec(
	    c, &st,
	    "UPDATE inbound_messages m SET status = $4, request_id = $3, handled_by = $5, "
	    "handled_at = now(), version = m.version + 1 "
	    "WHERE m.id = $2 AND m.org_id = $1 AND m.status = 'new' AND EXISTS "
	    "(SELECT 1 FROM requests r WHERE r.id = $3 AND r.org_id = $1 AND r.erased_at IS NULL) "
	    "RETURNING to_char(m.received_on, 'YYYY-MM-DD')",
	    5, p);
	if (st != DB_OK || PQntuples(r) != 1) {
		PQclear(r);
		return st;
	}
	char received_on[16];
	snprintf(received_on, sizeof received_on, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	int n = 0;
	st = db_run_rows(c,
	                 "INSERT INTO attachments (org_id, request_id, filename, content_type, size, "
	                 "sha256, data, source, inbound_part_id) "
	                 "SELECT $1, $3, p.filename, p.content_type, p.size, p.sha256, p.data, 'mail', "
	                 "p.id FROM inbound_parts p WHERE p.message_id = $2 AND p.readable AND "
	                 "NOT p.inline AND p.data IS NOT NULL ORDER BY p.seq RETURNING 1",
	                 3, p, &n);
	if (st != DB_OK)
		return st;
	json_t *data = json_pack("{s:I, s:s, s:s, s:i}", "inbound_id", (json_int_t)id, "status",
	                         status, "received_on", received_on, "attachments", n);
	st = store_event(c, org_id, request_id, actor, user_id, "mail_received", NULL, NULL, data);
	json_decref(data);
	*found = st == DB_OK;
	return st;
}

/* ---- The message as the router sees it ---------------------------------- */

struct msg {
	long long id, org_id; /* org_id 0: none recognised yet */
	const char *status, *kind, *envelope_to, *from, *subject, *in_reply_to, *refs;
	const char *bounce_of, *bounce_recipient, *received_on;
	char *headers; /* the raw header block (malloc'd), at most HEADER_BYTES */
};

static void msg_free(struct msg *m)
{
	free(m->headers);
	m->headers = NULL;
}

/* The value of every header `name` in the block (folded lines joined),
 * each followed by a newline, into `out` (truncated at cap). */
static void header_values(const char *block, const char *name, char *out, size_t cap)
{
	size_t o = 0, nlen = strlen(name);
	out[0] = '\0';
	for (const char *line = block; line && *line;) {
		const char *end = strchr(line, '\n');
		bool match = !strncasecmp(line, name, nlen) && line[nlen] == ':';
		const char *v = line + nlen + 1;
		for (;;) {
			const char *stop = end ? end : line + strlen(line);
			if (match) {
				for (const char *p = v; p < stop && o + 2 < cap; p++)
					out[o++] = *p == '\r' || *p == '\t' ? ' ' : *p;
			}
			if (!end || (end[1] != ' ' && end[1] != '\t'))
				break;
			v = end + 1; /* a folded continuation */
			end = strchr(v, '\n');
		}
		if (match && o + 1 < cap)
			out[o++] = '\n';
		line = end ? end + 1 : NULL;
		if (line && (*line == '\n' || (*line == '\r' && line[1] == '\n')))
			break; /* the end of the header block */
	}
	out[o] = '\0';
}

static enum db_status msg_load(PGconn *c, arena_t *a, long long id, struct msg *m, bool *found)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", id);
	const char *p[] = {ids};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT coalesce(org_id, 0), status, coalesce(kind, ''), envelope_to, from_address, "
	    "subject, in_reply_to, array_to_string(refs, ' '), coalesce(bounce_of, ''), "
	    "coalesce(bounce_recipient, ''), received_on::text, "
	    "substring(raw from 1 for " HEADER_BYTES_SQL ") FROM inbound_messages WHERE id = $1",
	    1, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found) {
		m->id = id;
		m->org_id = atoll(PQgetvalue(r, 0, 0));
		m->status = arena_strdup(a, PQgetvalue(r, 0, 1));
		m->kind = arena_strdup(a, PQgetvalue(r, 0, 2));
		m->envelope_to = arena_strdup(a, PQgetvalue(r, 0, 3));
		m->from = arena_strdup(a, PQgetvalue(r, 0, 4));
		m->subject = arena_strdup(a, PQgetvalue(r, 0, 5));
		m->in_reply_to = arena_strdup(a, PQgetvalue(r, 0, 6));
		m->refs = arena_strdup(a, PQgetvalue(r, 0, 7));
		m->bounce_of = arena_strdup(a, PQgetvalue(r, 0, 8));
		m->bounce_recipient = arena_strdup(a, PQgetvalue(r, 0, 9));
		m->received_on = arena_strdup(a, PQgetvalue(r, 0, 10));
		/* Bytes, any charset: a NUL would end the text early. */
		size_t n = 0;
		unsigned char *raw = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 11), &n);
		if (!raw || !(m->headers = malloc(n + 1)))
			oom();
		for (size_t i = 0; i < n; i++)
			m->headers[i] = raw[i] ? (char)raw[i] : ' ';
		m->headers[n] = '\0';
		PQfreemem(raw);
	}
	PQclear(r);
	return st;
}

/* ---- Matching ------------------------------------------------------------- */

/* A reply address of ours among the envelope's recipient and the To, Cc,
 * Delivered-To and X-Original-To headers. */
static bool match_reply_address(const struct msg *m, long long *case_id)
{
	static const char *const names[] = {"To", "Cc", "Delivered-To", "X-Original-To"};
	if (mailref_reply_find(m->envelope_to, case_id))
		return true;
	char *buf = malloc(HEADER_BYTES);
	if (!buf)
		oom();
	bool found = false;
	for (size_t i = 0; !found && i < sizeof names / sizeof names[0]; i++) {
		header_values(m->headers, names[i], buf, HEADER_BYTES);
		found = mailref_reply_find(buf, case_id);
	}
	free(buf);
	return found;
}

/* In-Reply-To and References as a PostgreSQL text[] literal of bare ids
 * (those we may repeat), for the lookup below. */
static const char *ref_array(arena_t *a, const struct msg *m)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_puts(&sb, "{");
	int n = 0;
	const char *lists[] = {m->in_reply_to, m->refs};
	for (size_t l = 0; l < 2; l++) {
		for (const char *p = lists[l]; *p && n < 50;) {
			p += strspn(p, " \t\r\n<>,");
			size_t k = strcspn(p, " \t\r\n<>,");
			if (!k)
				break;
			char one[MAILREF_MAX + 1];
			if (k <= MAILREF_MAX) {
				memcpy(one, p, k);
				one[k] = '\0';
				if (mailref_id_safe(one) && !strpbrk(one, "{}\"\\")) {
					sb_printf(&sb, "%s\"%s\"", n ? "," : "", one);
					n++;
				}
			}
			p += k;
		}
	}
	sb_puts(&sb, "}");
	return n ? sb.data : NULL;
}

/* The case one of our messages (or one the case received) named in
 * In-Reply-To or References belongs to: the newest such. */
static enum db_status match_references(PGconn *c, arena_t *a, const struct msg *m,
                                       long long *case_id)
{
	*case_id = 0;
	const char *ids = ref_array(a, m);
	if (!ids)
		return DB_OK;
	char org[24];
	snprintf(org, sizeof org, "%lld", m->org_id);
	const char *p[] = {ids, org};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT request_id FROM ("
	    "SELECT o.request_id, o.created_at AS at FROM outbox o WHERE o.message_id = ANY ($1::text[]) "
	    "AND o.request_id IS NOT NULL AND ($2::bigint = 0 OR o.org_id = $2) "
	    "UNION ALL SELECT i.request_id, i.received_at FROM inbound_messages i "
	    "WHERE i.message_id = ANY ($1::text[]) AND i.request_id IS NOT NULL "
	    "AND i.status IN ('registered', 'reply', 'attached') AND i.org_id = $2) x "
	    "ORDER BY at DESC LIMIT 1",
	    2, p);
	if (st == DB_OK && PQntuples(r) == 1)
		*case_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return st;
}

/* The case numbers written in the subject, as a text[] literal. */
static const char *subject_numbers(arena_t *a, const char *subject)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_puts(&sb, "{");
	int n = 0;
	for (const char *p = subject; *p && n < SUBJECT_NUMBERS;) {
		size_t k = 0;
		while (p[k] && (isalnum((unsigned char)p[k]) || p[k] == '.' || p[k] == '-'))
			k++;
		if (k == 0) {
			p++;
			continue;
		}
		char tok[LAW_CASENUM_STRLEN + 2];
		while (k > 0 && p[k - 1] == '.')
			k--; /* "... sprawy COMON.1431.15.2026." */
		if (k > 0 && k < sizeof tok) {
			for (size_t i = 0; i < k; i++)
				tok[i] = (char)toupper((unsigned char)p[i]);
			tok[k] = '\0';
			law_casenum_t cn;
			law_error_t err;
			if (law_casenum_parse(tok, &cn, &err)) {
				sb_printf(&sb, "%s\"%s\"", n ? "," : "", tok);
				n++;
			}
		}
		p += k ? k : 1;
		while (*p && (isalnum((unsigned char)*p) || *p == '.' || *p == '-'))
			p++;
	}
	sb_puts(&sb, "}");
	return n ? sb.data : NULL;
}

/* A case whose number the subject gives and whose requester wrote from
 * the sender's address: exactly one. */
static enum db_status match_subject(PGconn *c, arena_t *a, const struct msg *m,
                                    long long *case_id)
{
	*case_id = 0;
	const char *numbers = subject_numbers(a, m->subject);
	if (!numbers || !*m->from)
		return DB_OK;
	char org[24];
	snprintf(org, sizeof org, "%lld", m->org_id);
	const char *p[] = {numbers, m->from, org};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT r.id FROM requests r JOIN requesters q ON q.request_id = r.id "
	                      "WHERE r.case_number = ANY ($1::text[]) AND q.email <> '' "
	                      "AND lower(q.email) = lower($2) AND r.erased_at IS NULL "
	                      "AND ($3::bigint = 0 OR r.org_id = $3) LIMIT 2",
	                      3, p);
	if (st == DB_OK && PQntuples(r) == 1)
		*case_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return st;
}

/* The case and its organisation, and whether the sender is its
 * requester. *found false when the case is not there (erased, another
 * organisation's than the message's). */
static enum db_status case_of(PGconn *c, const struct msg *m, long long case_id,
                              long long *org_id, bool *from_requester, bool *found)
{
	char id[24], org[24];
	snprintf(id, sizeof id, "%lld", case_id);
	snprintf(org, sizeof org, "%lld", m->org_id);
	const char *p[] = {id, org, m->from};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT r.org_id, coalesce(q.email <> '' AND lower(q.email) = lower($3), "
	                      "false) FROM requests r LEFT JOIN requesters q ON q.request_id = r.id "
	                      "WHERE r.id = $1 AND r.erased_at IS NULL "
	                      "AND ($2::bigint = 0 OR r.org_id = $2)",
	                      3, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found) {
		*org_id = atoll(PQgetvalue(r, 0, 0));
		*from_requester = PQgetvalue(r, 0, 1)[0] == 't';
	}
	PQclear(r);
	return st;
}

/* ---- What a match does ------------------------------------------------------ */

/* The message belongs to `org_id` (it reached the system without one
 * recognised, e.g. at the deployment's own address). */
static enum db_status adopt(PGconn *c, struct msg *m, long long org_id)
{
	if (m->org_id == org_id)
		return DB_OK;
	char id[24], org[24];
	snprintf(id, sizeof id, "%lld", m->id);
	snprintf(org, sizeof org, "%lld", org_id);
	const char *p[] = {id, org};
	m->org_id = org_id;
	return db_run(c, "UPDATE inbound_messages SET org_id = $2 WHERE id = $1 AND org_id IS NULL",
	              2, p);
}

/* An auto-reply ("out of office") is put aside: never the requester's
 * answer. When it names a case it is shown there, with an event that says
 * what it is. */
static enum db_status put_aside(PGconn *c, const struct msg *m, const char *status,
                                long long case_id)
{
	char id[24], req[24];
	snprintf(id, sizeof id, "%lld", m->id);
	snprintf(req, sizeof req, "%lld", case_id);
	const char *p[] = {id, status, case_id ? req : NULL};
	return db_run(c,
	              "UPDATE inbound_messages SET status = $2, request_id = $3, handled_at = now(), "
	              "version = version + 1 WHERE id = $1 AND status = 'new'",
	              3, p);
}

static const char *base_url(void)
{
	return cfg.base_url && *cfg.base_url ? cfg.base_url : "";
}

/* The staff to tell: the case's assignee, else the managers who see it. */
static enum db_status alert_staff(PGconn *c, arena_t *a, long long org_id, long long case_id,
                                  const char *what)
{
	char req[24];
	snprintf(req, sizeof req, "%lld", case_id);
	const char *p[] = {req};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT u.email, r.case_number FROM requests r JOIN users u ON u.org_id = r.org_id "
	    "WHERE r.id = $1 AND NOT u.disabled AND u.email <> '' AND (u.id = r.assignee_id OR "
	    "(r.assignee_id IS NULL AND u.role = 'manager' AND (u.unit_id IS NULL OR "
	    "u.unit_id = r.unit_id))) ORDER BY u.id",
	    1, p);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		const char *number = PQgetvalue(r, i, 1);
		const char *subject = arena_printf(a, "Niedoręczona wiadomość w sprawie %s", number);
		const char *body = arena_printf(
		    a,
		    "Dzień dobry,\n\n%s\n\nSprawa %s: %s/panel/sprawy/%lld\n"
		    "Wyślij pismo inną drogą albo sprawdź adres wnioskodawcy.\n\n-- \nWiadomość "
		    "wysłana automatycznie przez system Jawność; prosimy na nią nie odpowiadać.\n",
		    what, number, base_url(), case_id);
		if (!outbox_enqueue(c, org_id, case_id, PQgetvalue(r, i, 0), subject, body, 0))
			st = DB_ERROR;
	}
	PQclear(r);
	return st;
}

/* A delivery status notification of our message `bounce_of`: that
 * outbox row failed, and with it the e-mail dispatch of the document it
 * carried; the case says so and its clerk is told. An unknown or foreign
 * Message-ID: the notification is only put aside. */
static enum db_status route_bounce(PGconn *c, arena_t *a, struct msg *m)
{
	char oid[MAILREF_MAX + 1];
	const char *b = m->bounce_of + strspn(m->bounce_of, " <");
	size_t k = strcspn(b, " >");
	snprintf(oid, sizeof oid, "%.*s", (int)(k < MAILREF_MAX ? k : MAILREF_MAX), b);
	char org[24];
	snprintf(org, sizeof org, "%lld", m->org_id);
	const char *p[] = {oid, org};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT o.id, coalesce(o.request_id, 0), o.org_id, coalesce(o.attachment_document_id, 0), "
	    "o.reply_to IS NOT NULL OR coalesce(lower(q.email) = lower(o.recipient), false), "
	    "o.subject, coalesce(to_char(o.sent_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD'), '') "
	    "FROM outbox o LEFT JOIN requesters q ON q.request_id = o.request_id "
	    "WHERE o.message_id = $1 AND $1 <> '' AND ($2::bigint = 0 OR o.org_id = $2)",
	    2, p);
	if (st != DB_OK || PQntuples(r) != 1) {
		PQclear(r);
		return st == DB_OK ? put_aside(c, m, "bounce", 0) : st;
	}
	long long outbox_id = atoll(PQgetvalue(r, 0, 0)), case_id = atoll(PQgetvalue(r, 0, 1));
	long long org_id = atoll(PQgetvalue(r, 0, 2)), doc = atoll(PQgetvalue(r, 0, 3));
	bool to_requester = PQgetvalue(r, 0, 4)[0] == 't';
	const char *subject = arena_strdup(a, PQgetvalue(r, 0, 5));
	const char *sent_on = arena_strdup(a, PQgetvalue(r, 0, 6));
	PQclear(r);
	changes_writer(org_id);
	if ((st = adopt(c, m, org_id)) != DB_OK)
		return st;
	/* The case first, then what hangs on it: the order every step takes. */
	if (case_id) {
		char req[24];
		snprintf(req, sizeof req, "%lld", case_id);
		const char *q[] = {req};
		if ((st = db_run(c, "SELECT 1 FROM requests WHERE id = $1 FOR UPDATE", 1, q)) != DB_OK)
			return st;
	}
	const char *why = arena_printf(a, "bounced: delivery status notification received on %s%s%s "
	                                  "(inbound message %lld)",
	                               m->received_on, *m->bounce_recipient ? " for " : "",
	                               m->bounce_recipient, m->id);
	char ob[24], dc[24], req[24];
	snprintf(ob, sizeof ob, "%lld", outbox_id);
	snprintf(dc, sizeof dc, "%lld", doc);
	snprintf(req, sizeof req, "%lld", case_id);
	const char *u[] = {ob, why};
	if ((st = db_run(c, "UPDATE outbox SET status = 'failed', last_error = left($2, 1000) "
	                    "WHERE id = $1", 2, u)) != DB_OK)
		return st;
	long long dispatch_id = 0;
	if (doc && case_id) {
		const char *d[] = {req, dc, why};
		r = db_exec(c, &st,
		            "UPDATE dispatches SET state = 'failed', last_error = left($3, 1000), "
		            "updated_at = now() WHERE request_id = $1 AND document_id = $2 "
		            "AND channel = 'email' AND state IN ('queued', 'sending', 'sent') RETURNING id",
		            3, d);
		if (st == DB_OK && PQntuples(r) > 0)
			dispatch_id = atoll(PQgetvalue(r, 0, 0));
		PQclear(r);
		if (st != DB_OK)
			return st;
	}
	if ((st = put_aside(c, m, "bounce", case_id)) != DB_OK || !case_id)
		return st;
	json_t *data = json_pack("{s:I, s:I, s:s, s:s}", "inbound_id", (json_int_t)m->id, "outbox",
	                         (json_int_t)outbox_id, "received_on", m->received_on, "subject",
	                         subject);
	if (dispatch_id)
		json_object_set_new(data, "dispatch", json_integer(dispatch_id));
	st = store_event(c, org_id, case_id, "system", 0, "mail_bounced", NULL, NULL, data);
	json_decref(data);
	/* Only our mail to the requester: an alert that bounced itself must
	 * not start another. */
	if (st == DB_OK && to_requester)
		st = alert_staff(c, a, org_id, case_id,
		                 arena_printf(a,
		                              "wiadomość „%s” wysłana do wnioskodawcy%s%s nie została "
		                              "doręczona: serwer poczty odesłał ją %s jako niedoręczoną.",
		                              subject, *sent_on ? " dnia " : "", sent_on, m->received_on));
	return st;
}

/* ---- The router ------------------------------------------------------------ */

enum db_status inbound_route(PGconn *c, long long id)
{
	arena_t *a = arena_new(8192);
	struct msg m = {0};
	bool found = false;
	enum db_status st = msg_load(c, a, id, &m, &found);
	if (st != DB_OK || !found || strcmp(m.status, "new") != 0 ||
	    !strcmp(m.kind, "unreadable") || !*m.kind)
		goto out; /* a clerk reads what the parser could not */
	if (!strcmp(m.kind, "bounce")) {
		st = route_bounce(c, a, &m);
		goto out;
	}
	/* The reply address first (it cannot be forged), then the thread,
	 * then the case number from the requester's own address. */
	long long case_id = 0;
	if (!match_reply_address(&m, &case_id) &&
	    (st = match_references(c, a, &m, &case_id)) == DB_OK && !case_id)
		st = match_subject(c, a, &m, &case_id);
	if (st != DB_OK)
		goto out;
	if (!case_id) {
		if (!strcmp(m.kind, "auto_reply"))
			st = put_aside(c, &m, "auto_reply", 0);
		goto out; /* anything else stays in the incoming queue */
	}
	long long org_id = 0;
	bool from_requester = false;
	if ((st = case_of(c, &m, case_id, &org_id, &from_requester, &found)) != DB_OK || !found) {
		if (st == DB_OK && !strcmp(m.kind, "auto_reply"))
			st = put_aside(c, &m, "auto_reply", 0);
		goto out;
	}
	changes_writer(org_id);
	if ((st = adopt(c, &m, org_id)) != DB_OK)
		goto out;
	if (!strcmp(m.kind, "auto_reply")) {
		if ((st = put_aside(c, &m, "auto_reply", case_id)) != DB_OK)
			goto out;
		json_t *data = json_pack("{s:I, s:s}", "inbound_id", (json_int_t)m.id, "received_on",
		                         m.received_on);
		st = store_event(c, org_id, case_id, "system", 0, "mail_auto_reply", NULL, NULL, data);
		json_decref(data);
		goto out;
	}
	st = inbound_attach(c, org_id, m.id, case_id, "reply", from_requester ? "requester" : "system",
	                    0, &found);
	if (st == DB_OK && found)
		log_info("inbound %lld: a reply in case %lld%s", m.id, case_id,
		         from_requester ? "" : " (not from the requester's address)");
out:
	msg_free(&m);
	arena_free(a);
	return st;
}

/* ---- The job ---------------------------------------------------------------- */

struct route_tx {
	long long id; /* 0: nothing left */
};

/* Message `id` has been looked at by the router. */
static enum db_status mark_routed(PGconn *c, long long id)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", id);
	const char *p[] = {ids};
	return db_run(c, "UPDATE inbound_messages SET routed_at = now() WHERE id = $1", 1, p);
}

static enum db_status route_one(PGconn *c, void *v)
{
	struct route_tx *x = v;
	x->id = 0;
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT id FROM inbound_messages WHERE parsed_at IS NOT NULL AND "
	                      "routed_at IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
	                      0, NULL);
	if (st == DB_OK && PQntuples(r) == 1)
		x->id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (st != DB_OK || !x->id)
		return st;
	if ((st = inbound_route(c, x->id)) != DB_OK)
		return st;
	return mark_routed(c, x->id);
}

enum job_result inbound_route_job(void)
{
	PGconn *c = db_conn();
	if (!c)
		return JOB_FAILED;
	for (int n = 0; n < ROUTE_BATCH && !jobs_stopping(); n++) {
		struct route_tx x = {0};
		/* Nothing cached goes stale unless a case changes (route_one()
		 * then names its organisation). */
		changes_writer(CHANGES_QUIET);
		enum db_status st = db_transaction(c, route_one, &x);
		if (st == DB_ERROR && x.id) {
			/* A message the router cannot handle must not hold up the
			 * others: it stays in the queue for a clerk. */
			log_error("inbound %lld: cannot be routed; left in the incoming queue", x.id);
			if (mark_routed(c, x.id) != DB_OK)
				return JOB_FAILED;
			continue;
		}
		if (st != DB_OK)
			return JOB_FAILED;
		if (!x.id)
			return JOB_DONE;
	}
	return JOB_MORE;
}
