/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/privacy.h"
#include "cases/privacy_notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "cases/caseview.h"
#include "cases/org.h"
#include "cases/store.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/changes.h"
#include "law/date.h"
#include "law/personal.h"

/* ---- The art. 13 information ---------------------------------------------- */

json_t *privacy_notice_json(const struct org *o)
{
	const char *s[] = {o->name, o->address, o->email, o->phone, o->dpo_contact,
	                   o->privacy_recipients, o->class_public, o->class_reuse};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		if (!s[i])
			s[i] = "";
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:i}", "controller", s[0],
	                 "address", s[1], "email", s[2], "phone", s[3], "dpo", s[4], "recipients", s[5],
	                 "class_public", s[6],
	                 "retention_public", o->retention_public > 0 ? o->retention_public : 5,
	                 "class_reuse", s[7],
	                 "retention_reuse", o->retention_reuse > 0 ? o->retention_reuse : 5);
}

/* ---- Refusals --------------------------------------------------------------- */

const char *privacy_refusal_text(privacy_refusal_t r)
{
	switch (r) {
	case PRIVACY_ERASE_OK:
		return "Dane osobowe wnioskodawcy usunięto.";
	case PRIVACY_CASE_OPEN:
		return "Sprawa nie jest zakończona (albo biegnie jeszcze termin na środek zaskarżenia): "
		       "dane są potrzebne do jej załatwienia (art. 17 ust. 3 lit. b RODO).";
	case PRIVACY_RETENTION_RUNNING:
		return "Biegnie okres przechowywania dokumentacji sprawy wynikający z jednolitego "
		       "rzeczowego wykazu akt: do jego upływu przechowywanie jest obowiązkiem prawnym "
		       "administratora (art. 17 ust. 3 lit. b RODO).";
	case PRIVACY_ALREADY_ERASED:
		return "Dane osobowe wnioskodawcy w tej sprawie zostały już usunięte.";
	case PRIVACY_NOT_FOUND:
		return "Nie ma takiej sprawy.";
	}
	return "Nieznana przyczyna odmowy.";
}

/* ---- Erasure ------------------------------------------------------------------ */

/* Where a requester's free text is replaced whole, and what a finding of
 * the detector becomes in a text that is kept (the subject). */
#define PRIVACY_REMOVED "[dane usunięte]"
#define PRIVACY_MAIL_REMOVED                                                                      \
	"[Treść wiadomości usunięta: dane osobowe wnioskodawcy usunięto po upływie okresu "      \
	"przechowywania albo na żądanie (art. 17 RODO).]"

/* `text` with every personal datum the detector finds (the requester as
 * the known person, and anyone's e-mail, phone, address, ID numbers)
 * replaced by PRIVACY_REMOVED, cut to `max` characters; PRIVACY_REMOVED
 * when the detector cannot run. */
static const char *redact(arena_t *a, const char *text, const law_person_t *who, size_t max)
{
	law_personal_finding_t f[64];
	size_t len = strlen(text);
	long n = law_personal_find(text, len, who, 1, f, sizeof f / sizeof f[0]);
	if (n < 0 || n > (long)(sizeof f / sizeof f[0]))
		return PRIVACY_REMOVED;
	strbuf_t out;
	sb_init(&out, a);
	size_t at = 0;
	for (long i = 0; i < n; i++) {
		sb_append(&out, text + at, f[i].start - at);
		sb_puts(&out, PRIVACY_REMOVED);
		at = f[i].end;
	}
	sb_append(&out, text + at, len - at);
	const char *s = out.data ? out.data : "";
	/* Characters, not bytes: cut at a UTF-8 boundary. */
	size_t chars = 0, i = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > max)
			break;
	return s[i] ? arena_strndup(a, s, i) : s;
}

struct erase_case {
	const char *id, *org, *case_number, *subject, *form, *format, *manner, *email;
	long years;
	const char *cls, *ends;
	law_person_t who;
};

/* What the erasure works from, under the row lock: the refusal, if any. */
static enum db_status erase_check(PGconn *c, arena_t *a, struct erase_case *k, bool force,
                                  privacy_refusal_t *refusal)
{
	char today[LAW_DATE_STRLEN];
	store_date(caseview_today(clock_now()), today);
	const char *p[3] = {k->id, k->org, today};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT r.erased_at IS NOT NULL, r.closed_on IS NULL OR EXISTS (SELECT 1 FROM terms t "
	    "WHERE t.request_id = r.id AND t.state = 'open' AND t.due_on >= $3::date), "
	    "retention_end(r.closed_on, retention_years_of(o.retention_years, r.case_class)) > $3::date, "
	    "retention_years_of(o.retention_years, r.case_class), r.case_class, "
	    "coalesce(retention_end(r.closed_on, retention_years_of(o.retention_years, r.case_class))"
	    "::text, ''), r.case_number, r.subject, r.form, coalesce(r.reuse_format, ''), "
	    "coalesce(r.reuse_manner, ''), coalesce(q.name, ''), coalesce(q.email, ''), "
	    "coalesce(q.phone, ''), coalesce(q.postal_address, '') "
	    "FROM requests r JOIN organisations o ON o.id = r.org_id "
	    "LEFT JOIN requesters q ON q.request_id = r.id "
	    "WHERE r.id = $1 AND r.org_id = $2 FOR UPDATE OF r",
	    3, p);
	if (st != DB_OK || PQntuples(r) != 1) {
		*refusal = PRIVACY_NOT_FOUND;
		PQclear(r);
		return st;
	}
#define V(i) arena_strdup(a, PQgetvalue(r, 0, i))
#define T(i) (PQgetvalue(r, 0, i)[0] == 't')
	*refusal = T(0) ? PRIVACY_ALREADY_ERASED
	           : T(1) ? PRIVACY_CASE_OPEN
	           : T(2) && !force ? PRIVACY_RETENTION_RUNNING
	                           : PRIVACY_ERASE_OK;
	k->years = atol(PQgetvalue(r, 0, 3));
	k->cls = V(4);
	k->ends = V(5);
	k->case_number = V(6);
	k->subject = V(7);
	k->form = V(8);
	k->format = V(9);
	k->manner = V(10);
	k->who = (law_person_t){V(11), V(12), V(13), V(14)};
	k->email = k->who.email;
#undef V
#undef T
	PQclear(r);
	return DB_OK;
}

/* Runs `sql` and adds the rows it touched to `counts` under `key`. */
static enum db_status erase_step(PGconn *c, json_t *counts, const char *key, const char *sql,
                                 int n, const char *const *p)
{
	enum db_status st;
	PGresult *r = db_exec(c, &st, sql, n, p);
	if (st == DB_OK && key)
		json_object_set_new(counts, key, json_integer(atol(PQcmdTuples(r))));
	PQclear(r);
	return st;
}

/* The requester row, the request's free text and the tracking token. */
static enum db_status erase_request(PGconn *c, arena_t *a, const struct erase_case *k)
{
	const char *p1[2] = {k->id, PRIVACY_REMOVED};
	enum db_status st = db_run(c,
	                           "UPDATE requesters SET name = $2, email = '', postal_address = '', "
	                           "phone = '', ip = NULL, ade_address = NULL, ade_source = NULL, "
	                           "bae_checked_at = NULL, bae_failed_at = NULL WHERE request_id = $1",
	                           2, p1);
	if (st != DB_OK)
		return st;
	/* A token nobody holds: the old one finds nothing. */
	unsigned char token[32];
	randombytes_buf(token, sizeof token);
	char when[24];
	snprintf(when, sizeof when, "%lld", (long long)clock_now());
	const char *p2[8] = {k->id,
	                     redact(a, k->subject, &k->who, 300),
	                     PRIVACY_REMOVED,
	                     *k->form ? redact(a, k->form, &k->who, 200) : "",
	                     redact(a, k->format, &k->who, 200),
	                     redact(a, k->manner, &k->who, 500),
	                     (const char *)token,
	                     when};
	int lens[8] = {0, 0, 0, 0, 0, 0, sizeof token, 0}, fmts[8] = {0, 0, 0, 0, 0, 0, 1, 0};
	PQclear(db_exec_binary(c, &st,
	                       "UPDATE requests SET subject = $2, body = $3, form = $4, "
	                       "reuse_purpose = CASE WHEN reuse_purpose IS NULL THEN NULL ELSE $3 END, "
	                       "reuse_format = CASE WHEN reuse_format IS NULL THEN NULL ELSE $5 END, "
	                       "reuse_manner = CASE WHEN reuse_manner IS NULL THEN NULL ELSE $6 END, "
	                       "tracking_hash = $7, erased_at = to_timestamp($8::bigint), "
	                       "version = version + 1, updated_at = now() WHERE id = $1",
	                       8, p2, lens, fmts));
	if (st == DB_OK && strcmp(p2[1], k->subject) != 0) {
		/* Managers' digests list the subjects of several cases. */
		const char *p3[4] = {k->org, k->case_number, k->subject, p2[1]};
		st = db_run(c,
		            "UPDATE outbox SET body = replace(body, $3, $4) WHERE org_id = $1 AND "
		            "request_id IS NULL AND strpos(body, $2) > 0 AND strpos(body, $3) > 0",
		            4, p3);
	}
	return st;
}

/* Documents, attachments, mail, event details and idempotency keys; the
 * counts of what was removed go to `counts`. Every attachment of the case
 * goes, the requester's and the clerk's alike (a scanned paper request
 * names them); their public copies stay: they hold no personal data. */
static enum db_status erase_related(PGconn *c, const struct erase_case *k, json_t *counts)
{
	const char *p1[1] = {k->id};
	const char *p2[2] = {k->id, PRIVACY_MAIL_REMOVED};
	/* documents_guard() lets an issued document be emptied only so. */
	enum db_status st = db_run(c, "SELECT set_config('jawnosc.erasure', 'on', true)", 0, NULL);
	if (st == DB_OK)
		st = erase_step(c, counts, "documents",
		                "UPDATE documents SET markdown = '', html = NULL, pdf = NULL, inputs = '{}' "
		                "WHERE request_id = $1 AND (markdown <> '' OR html IS NOT NULL OR "
		                "pdf IS NOT NULL OR inputs <> '{}')",
		                1, p1);
	/* Their signed versions too (document_signatures_guard() allows only that). */
	if (st == DB_OK)
		st = erase_step(c, counts, "signed_documents",
		                "UPDATE document_signatures SET signed_pdf = NULL WHERE document_id IN "
		                "(SELECT id FROM documents WHERE request_id = $1) AND signed_pdf IS NOT NULL",
		                1, p1);
	/* The attachments of an issued letter keep their SHA-256, the proof of
	 * what was sent (attachments_of_issued_guard(), migration 0031). */
	if (st == DB_OK)
		st = erase_step(c, counts, "attachments",
		                "UPDATE attachments SET data = '\\x', size = 0, "
		                "sha256 = CASE WHEN document_id IS NULL THEN sha256('\\x') ELSE sha256 END, "
		                "filename = 'usuniety-zalacznik' WHERE request_id = $1 AND "
		                "(size > 0 OR filename <> 'usuniety-zalacznik')",
		                1, p1);
	if (st == DB_OK)
		st = db_run(c, "SELECT set_config('jawnosc.erasure', 'off', true)", 0, NULL);
	/* Staff's own addresses stay (a reminder is theirs); the requester's go. */
	if (st == DB_OK)
		st = erase_step(c, counts, "mails",
		                "UPDATE outbox o SET body = $2, last_error = NULL, "
		                "status = CASE status WHEN 'pending' THEN 'failed' ELSE status END, "
		                "recipient = CASE WHEN EXISTS (SELECT 1 FROM users u WHERE "
		                "lower(u.email) = lower(o.recipient)) THEN recipient ELSE '' END "
		                "WHERE request_id = $1",
		                2, p2);
	/* The mail that came for the case (docs/inbound.md): the message's
	 * bytes, its sender, subject and text, and its parts' contents go; the
	 * rows stay with their SHA-256 (the proof of what arrived and when,
	 * and what keeps the same message from being stored again); the
	 * Message-ID and references go too (a sender's client may build them
	 * from the person's name or address). A part
	 * copied into the case's attachments went with them above. */
	if (st == DB_OK)
		st = erase_step(c, counts, "inbound_parts",
		                "UPDATE inbound_parts SET data = NULL, filename = 'usuniety-zalacznik', "
		                "note = '' WHERE message_id IN (SELECT id FROM inbound_messages WHERE "
		                "request_id = $1) AND (data IS NOT NULL OR filename <> 'usuniety-zalacznik')",
		                1, p1);
	if (st == DB_OK)
		st = erase_step(c, counts, "inbound_messages",
		                "UPDATE inbound_messages SET raw = '\\x', envelope_from = '', "
		                "from_address = '', from_name = '', subject = '', body_text = $2, "
		                "bounce_recipient = NULL, handled_note = '', message_id = NULL, "
		                "in_reply_to = '', refs = '{}', raw_erased_at = now() "
		                "WHERE request_id = $1 AND raw_erased_at IS NULL",
		                2, p2);
	/* Where the documents went (docs/dispatch.md): the address goes, and
	 * a dispatch not yet sent is not sent any more. Evidences stay: they
	 * are the body's proof of delivery and cannot change. */
	if (st == DB_OK)
		st = erase_step(c, counts, "dispatches",
		                "UPDATE dispatches SET address = '', last_error = '', "
		                "state = CASE WHEN state IN ('queued', 'sending') THEN 'failed' ELSE state END, "
		                "updated_at = now() WHERE request_id = $1 AND (address <> '' OR "
		                "last_error <> '' OR state IN ('queued', 'sending'))",
		                1, p1);
	if (st == DB_OK)
		st = erase_step(c, counts, "event_details",
		                "DELETE FROM event_details WHERE request_id = $1", 1, p1);
	if (st == DB_OK)
		st = erase_step(c, NULL, NULL, "DELETE FROM idempotency_keys WHERE request_id = $1", 1,
		                p1);
	/* A step still waiting for its letter keeps the clerk's text
	 * (cases/pending.h): it goes, and will not take effect. */
	if (st == DB_OK)
		st = erase_step(c, NULL, NULL, "DELETE FROM pending_steps WHERE request_id = $1", 1, p1);
	/* Events recorded before migration 0020 hold their text in the
	 * chained payload: they cannot change without breaking the chain. */
	if (st == DB_OK) {
		PGresult *r = db_exec(c, &st,
		                      "SELECT count(*) FROM events WHERE request_id = $1 AND "
		                      "(data ? 'text' OR data ? 'persons')",
		                      1, p1);
		if (st == DB_OK)
			json_object_set_new(counts, "events_with_text_kept",
			                    json_integer(atol(PQgetvalue(r, 0, 0))));
		PQclear(r);
	}
	return st;
}

/* Who erases: "system", or a user of the organisation by id (their role
 * becomes the event's actor). */
static enum db_status actor_of(PGconn *c, arena_t *a, const char *org, const char *actor,
                               const char **role, long long *user_id)
{
	*role = "system";
	*user_id = 0;
	if (!actor || !strcmp(actor, "system"))
		return DB_OK;
	char *end;
	long long id = strtoll(actor, &end, 10);
	if (*end || id <= 0)
		return DB_ERROR;
	const char *p[2] = {actor, org};
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT role FROM users WHERE id = $1 AND org_id = $2", 2, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		*role = arena_strdup(a, PQgetvalue(r, 0, 0));
		*user_id = id;
	} else if (st == DB_OK) {
		st = DB_ERROR;
	}
	PQclear(r);
	return st;
}

enum db_status privacy_erase_request(PGconn *c, arena_t *a, long long org_id, long long request_id,
                                     const char *actor, const char *reason, bool force_retention,
                                     privacy_refusal_t *refusal)
{
	*refusal = PRIVACY_NOT_FOUND;
	struct erase_case k = {.id = arena_printf(a, "%lld", request_id),
	                       .org = arena_printf(a, "%lld", org_id)};
	const char *role;
	long long user_id;
	enum db_status st = actor_of(c, a, k.org, actor, &role, &user_id);
	if (st == DB_OK)
		st = erase_check(c, a, &k, force_retention, refusal);
	if (st != DB_OK || *refusal != PRIVACY_ERASE_OK)
		return st;
	changes_writer(org_id);
	json_t *data = json_pack("{s:s, s:b, s:s, s:i, s:s}", "reason", reason ? reason : "",
	                         "force_retention", force_retention, "class", k.cls, "retention_years",
	                         (int)k.years, "retention_ends", k.ends);
	st = erase_request(c, a, &k);
	if (st == DB_OK)
		st = erase_related(c, &k, data);
	if (st == DB_OK)
		st = store_event(c, org_id, request_id, role, user_id, "privacy_erase", NULL, NULL, data);
	json_decref(data);
	if (st != DB_OK)
		*refusal = PRIVACY_NOT_FOUND;
	return st;
}

/* ---- The retention job ---------------------------------------------------------- */

#define RETENTION_BATCH 20

struct retention_tx {
	long long org_id, request_id;
	const char *reason;
	privacy_refusal_t refusal;
	arena_t *a;
};

static enum db_status retention_erase_tx(PGconn *c, void *vctx)
{
	struct retention_tx *x = vctx;
	return privacy_erase_request(c, x->a, x->org_id, x->request_id, "system", x->reason, false,
	                             &x->refusal);
}

/* Erasure cannot be undone: a server whose clock runs years ahead (a
 * wrong RTC, a bad NTP answer) must not erase what is still kept. The
 * round runs only when this clock and the database's agree within a day,
 * unless JAWNOSC_FAKE_NOW freezes it on purpose (tests). */
#define RETENTION_MAX_SKEW_S 86400

static bool clock_agrees(PGconn *c)
{
	if (clock_frozen())
		return true;
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT extract(epoch FROM now())::bigint", 0, NULL);
	long long db = st == DB_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	if (st != DB_OK)
		return false;
	long long skew = (long long)clock_now() - db;
	if (skew > RETENTION_MAX_SKEW_S || skew < -RETENTION_MAX_SKEW_S) {
		log_warn("retention: this server's clock and the database's differ by %lld s: "
		         "nothing is erased until they agree", skew);
		return false;
	}
	return true;
}

enum job_result privacy_retention_job(void)
{
	PGconn *c = db_conn();
	if (!c)
		return JOB_FAILED;
	if (!clock_agrees(c))
		return JOB_FAILED;
	char today[LAW_DATE_STRLEN];
	store_date(caseview_today(clock_now()), today);
	char batch[16];
	snprintf(batch, sizeof batch, "%d", RETENTION_BATCH);
	const char *p[2] = {today, batch};
	enum db_status st;
	/* Closed before 1 January of last year at the latest (a period is at
	 * least one year), not erased, its period over, no term still running. */
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT r.org_id, r.id, retention_years_of(o.retention_years, r.case_class), r.case_class "
	    "FROM requests r JOIN organisations o ON o.id = r.org_id "
	    "WHERE r.closed_on IS NOT NULL AND r.erased_at IS NULL "
	    "AND r.closed_on < make_date(extract(year FROM $1::date)::int - 1, 1, 1) "
	    "AND retention_end(r.closed_on, retention_years_of(o.retention_years, r.case_class)) "
	    "<= $1::date "
	    "AND NOT EXISTS (SELECT 1 FROM terms t WHERE t.request_id = r.id AND t.state = 'open' "
	    "AND t.due_on >= $1::date) "
	    "ORDER BY r.closed_on, r.id LIMIT $2::int",
	    2, p);
	if (st != DB_OK) {
		PQclear(r);
		return JOB_FAILED;
	}
	int n = PQntuples(r), erased = 0;
	bool failed = false;
	for (int i = 0; i < n && !jobs_stopping(); i++) {
		arena_t *a = arena_new(4096);
		struct retention_tx x = {
		    atoll(PQgetvalue(r, i, 0)), atoll(PQgetvalue(r, i, 1)),
		    arena_printf(a, "Upłynął okres przechowywania dokumentacji sprawy (%s lat, klasa JRWA "
		                    "%s, liczony od 1 stycznia roku następnego po zakończeniu sprawy).",
		                 PQgetvalue(r, i, 2), PQgetvalue(r, i, 3)),
		    PRIVACY_NOT_FOUND, a};
		if (db_transaction(c, retention_erase_tx, &x) != DB_OK)
			failed = true;
		else if (x.refusal == PRIVACY_ERASE_OK)
			erased++;
		arena_free(a);
	}
	PQclear(r);
	if (erased > 0)
		log_info("retention: personal data of %d closed case(s) erased", erased);
	return failed ? JOB_FAILED : n == RETENTION_BATCH ? JOB_MORE : JOB_DONE;
}
