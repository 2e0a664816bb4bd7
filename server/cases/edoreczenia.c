/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/edoreczenia.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/dispatch.h"
#include "cases/mailmsg.h"
#include "cases/pending.h"
#include "cases/signature.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "db/changes.h"
#include "db/db.h"
#include "edor/client.h"
#include "edor/proto.h"
#include "law/date.h"
#include "law/dispatch.h"
#include "law/warsaw.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* A claimed dispatch. */
struct row {
	long long id, org_id, document_id, request_id;
	const char *state, *address, *external_id, *task_id; /* "" when NULL */
	int attempts;
	int64_t available_at; /* 0: not yet */
	bool hybrid;
};

void edoreczenia_reference(long long id, const char *sha_hex, char out[48])
{
	snprintf(out, 48, "JAW-%lld-%.8s", id, sha_hex);
}

/* --- writing the row ----------------------------------------------------------- */

static enum db_status set_row(PGconn *c, long long id, const char *sql, const char *a2,
                              const char *a3, const char *a4)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", id);
	const char *p[] = {ids, a2, a3, a4};
	return db_run(c, sql, 4, p);
}

/* A reason as valid UTF-8 (a cut may have split a character; the service's
 * text is not ours): an invalid byte becomes "?". In `buf` (cap bytes). */
static const char *clean(const char *s, char *buf, size_t cap)
{
	size_t n = strlen(s), k = 0;
	for (size_t i = 0; i < n && k + 4 < cap;) {
		unsigned cp;
		size_t len = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (len == 0 || cp < 0x20) {
			buf[k++] = len == 0 ? '?' : ' ';
			i += len ? len : 1;
			continue;
		}
		memcpy(buf + k, s + i, len);
		k += len;
		i += len;
	}
	buf[k] = '\0';
	return buf;
}

/* A failed attempt: the row waits the backoff in `state`, its reason kept. */
static enum db_status wait_retry(PGconn *c, const struct row *r, const char *state,
                                 const char *why)
{
	char secs[24], buf[1400];
	why = clean(why, buf, sizeof buf);
	snprintf(secs, sizeof secs, "%ld",
	         mail_backoff_seconds(r->attempts > 0 ? r->attempts : 1, cfg.edor_retry_base));
	log_warn("edoreczenia: dispatch %lld waits %s s (%s): %s", r->id, secs, state, why);
	return set_row(c, r->id,
	               "UPDATE dispatches SET state = $2, last_error = left($3, 1000), "
	               "next_attempt_at = now() + $4::int * interval '1 second', updated_at = now() "
	               "WHERE id = $1",
	               state, why, secs);
}

/* Asked again after `secs` seconds, nothing else changed. */
static enum db_status again_in(PGconn *c, long long id, long secs)
{
	char s[24];
	snprintf(s, sizeof s, "%ld", secs);
	return set_row(c, id,
	               "UPDATE dispatches SET next_attempt_at = now() + $2::int * interval '1 second', "
	               "last_error = '', updated_at = now() WHERE id = $1 AND $3::text IS NULL "
	               "AND $4::text IS NULL",
	               s, NULL, NULL);
}

static enum db_status rejected(PGconn *c, const struct row *r, const char *why)
{
	char buf[1400];
	why = clean(why, buf, sizeof buf);
	log_warn("edoreczenia: dispatch %lld rejected: %s", r->id, why);
	return set_row(c, r->id,
	               "UPDATE dispatches SET state = 'rejected', last_error = left($2, 1000), "
	               "updated_at = now() WHERE id = $1 AND $3::text IS NULL AND $4::text IS NULL",
	               why, NULL, NULL);
}

static law_date_t warsaw(int64_t t);

/* The message went: the document left the body today, and the step it
 * carries takes effect with that date, or lapses when the law no longer
 * allows it (cases/pending.h; the clerk sees why on the timeline). */
static enum db_status sent(PGconn *c, const struct row *r, const char *message_id)
{
	log_info("edoreczenia: dispatch %lld sent as message %s", r->id, message_id);
	enum db_status st =
	    set_row(c, r->id,
	            "UPDATE dispatches SET state = 'sent', external_id = $2, task_id = NULL, "
	            "sent_at = coalesce(sent_at, now()), next_attempt_at = now(), last_error = '', "
	            "updated_at = now() WHERE id = $1 AND $3::text IS NULL AND $4::text IS NULL",
	            message_id, NULL, NULL);
	if (st != DB_OK)
		return st;
	changes_writer(r->org_id);
	arena_t *a = arena_new(8192);
	const char *lapsed = NULL;
	st = pending_take_or_lapse(c, a, r->document_id, warsaw(clock_now()), &lapsed);
	arena_free(a);
	return st;
}

/* --- what is sent ---------------------------------------------------------------- */

/* The PDF to send: the signed version when there is one (cases/signature.h). */
static bool document_pdf(PGconn *c, arena_t *a, long long document_id, unsigned char **pdf,
                         size_t *len)
{
	const char *p = NULL;
	enum db_status st = letters_pdf_for_delivery(c, a, document_id, &p, len, NULL);
	*pdf = (unsigned char *)p;
	return st == DB_OK;
}

static char *file_name(arena_t *a, const char *case_number, const char *seq)
{
	char *s = arena_printf(a, "pismo-%s-%s.pdf", case_number, seq);
	for (char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-'))
			*p = '_';
	return s;
}

static char *uuid(arena_t *a);

/* The letter's PDF first, then the files attached to it
 * (cases/attachment_files.h), in *atts (arena); false on a database error.
 * The hybrid service prints PDFs only: a letter with another kind of
 * enclosure cannot go that way (`why`, *atts NULL). */
static bool with_enclosures(PGconn *c, arena_t *a, long long document_id, bool hybrid,
                            const struct edor_attachment *pdf, struct edor_attachment **atts,
                            size_t *n, char *why, size_t whylen)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", document_id);
	const char *p[] = {ids};
	PGresult *r = PQexecParams(c,
	                           "SELECT filename, content_type, data FROM attachments "
	                           "WHERE document_id = $1 AND size > 0 ORDER BY id",
	                           1, NULL, p, NULL, NULL, 1);
	bool ok = db_status_of(c, r) == DB_OK;
	int rows = ok ? PQntuples(r) : 0;
	struct edor_attachment *v = arena_calloc(a, (size_t)rows + 1, sizeof *v);
	v[0] = *pdf;
	*n = 1;
	for (int i = 0; i < rows; i++) {
		const char *type = PQgetvalue(r, i, 1);
		if (hybrid && strcmp(type, "application/pdf") != 0) {
			snprintf(why, whylen, "Usługa hybrydowa drukuje tylko pliki PDF, a do pisma "
			         "załączono „%.200s”: wyślij je przez e-Doręczenia na adres elektroniczny, "
			         "e-mailem albo pocztą z wydrukiem załącznika.",
			         PQgetvalue(r, i, 0));
			PQclear(r);
			*atts = NULL;
			return true;
		}
		size_t len;
		const char *data = db_value_copy(a, r, i, 2, &len);
		v[(*n)++] = (struct edor_attachment){.filename = arena_strdup(a, PQgetvalue(r, i, 0)),
		                                     .content_type = arena_strdup(a, type),
		                                     .data = (const unsigned char *)data,
		                                     .len = len,
		                                     .file_id = uuid(a)};
	}
	PQclear(r);
	*atts = v;
	return ok;
}

static char *uuid(arena_t *a)
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	return arena_printf(a,
	                    "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
	                    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
	                    b[12], b[13], b[14], b[15]);
}

/* The message's JSON, or NULL with `why` (Polish, for the clerk) when this
 * dispatch can never be sent as it is; *db false on a database error. */
static char *build_message(PGconn *c, arena_t *a, const struct row *r, char *reference,
                           char *why, size_t whylen, bool *db)
{
	*db = true;
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", r->document_id);
	const char *p[] = {ids};
	enum db_status st;
	PGresult *res = db_exec(
	    c, &st,
	    "SELECT d.title, d.seq::text, encode(d.sha256, 'hex'), q.case_number, "
	    "coalesce(rq.name, ''), coalesce(rq.postal_address, ''), coalesce(rq.ade_address, ''), "
	    "o.name, o.address FROM documents d JOIN requests q ON q.id = d.request_id "
	    "JOIN organisations o ON o.id = d.org_id LEFT JOIN requesters rq ON rq.request_id = q.id "
	    "WHERE d.id = $1 AND d.status = 'issued'",
	    1, p);
	if (st != DB_OK || PQntuples(res) != 1) {
		*db = st != DB_OK;
		snprintf(why, whylen, "Dokument nie jest wystawiony.");
		PQclear(res);
		return NULL;
	}
	const char *title = arena_strdup(a, PQgetvalue(res, 0, 0));
	const char *seq = arena_strdup(a, PQgetvalue(res, 0, 1));
	const char *sha = arena_strdup(a, PQgetvalue(res, 0, 2));
	const char *case_number = arena_strdup(a, PQgetvalue(res, 0, 3));
	const char *name = arena_strdup(a, PQgetvalue(res, 0, 4));
	const char *postal = arena_strdup(a, PQgetvalue(res, 0, 5));
	const char *ade = arena_strdup(a, PQgetvalue(res, 0, 6));
	const char *org_name = arena_strdup(a, PQgetvalue(res, 0, 7));
	const char *org_address = arena_strdup(a, PQgetvalue(res, 0, 8));
	PQclear(res);
	edoreczenia_reference(r->id, sha, reference);

	struct edor_message m = {.hybrid = r->hybrid, .from_address = edor_address(),
	                         .from_name = org_name, .to_name = name, .case_id = case_number,
	                         .reference = reference};
	struct edor_postal to_postal, from_postal;
	if (r->hybrid) {
		if (!*name || !edor_postal_parse(postal, &to_postal)) {
			snprintf(why, whylen, "Brak imienia i nazwiska albo czytelnego adresu pocztowego "
			         "adresata (ulica z numerem, kod NN-NNN i miejscowość): usługa hybrydowa "
			         "nie wydrukuje przesyłki.");
			return NULL;
		}
		if (!edor_postal_parse(org_address, &from_postal)) {
			snprintf(why, whylen, "Adres urzędu w ustawieniach nie ma postaci „ulica numer, "
			         "NN-NNN miejscowość”: usługa hybrydowa go wymaga.");
			return NULL;
		}
		m.to_postal = &to_postal;
		m.from_postal = &from_postal;
	} else {
		m.to_address = edor_address_valid(r->address) ? r->address : ade;
		if (!edor_address_valid(m.to_address)) {
			snprintf(why, whylen, "Brak adresu do doręczeń elektronicznych adresata "
			         "(AE:PL-NNNNN-NNNNN-XXXXX-NN).");
			return NULL;
		}
	}
	struct edor_attachment att = {.filename = file_name(a, case_number, seq),
	                              .content_type = "application/pdf", .file_id = uuid(a)};
	unsigned char *pdf;
	if (!document_pdf(c, a, r->document_id, &pdf, &att.len)) {
		*db = false;
		return NULL;
	}
	if (!pdf) {
		snprintf(why, whylen, "Dokument nie ma pliku PDF do wysłania.");
		return NULL;
	}
	att.data = pdf;
	struct edor_attachment *atts;
	if (!with_enclosures(c, a, r->document_id, r->hybrid, &att, &atts, &m.natt, why, whylen)) {
		*db = false;
		return NULL;
	}
	if (!atts)
		return NULL;
	m.att = atts;
	m.subject = arena_printf(a, "%s — sprawa %s (wysyłka %s)", title, case_number, reference);
	m.text = arena_printf(a, "%s przesyła w załączeniu: %s, w sprawie %s.", org_name, title,
	                      case_number);
	char err[256];
	char *json = edor_message_json(a, &m, err, sizeof err);
	if (!json)
		snprintf(why, whylen, "Nie można przygotować wiadomości: %s", err);
	return json;
}

/* --- posting ------------------------------------------------------------------- */

static bool begin(PGconn *c)
{
	return db_run(c, "BEGIN", 0, NULL) == DB_OK;
}

static bool commit(PGconn *c)
{
	return db_run(c, "COMMIT", 0, NULL) == DB_OK;
}

/* Records what became of the POST, in a transaction of its own. */
static enum db_status record_post(PGconn *c, struct row *r, enum edor_result res,
                                  const char *task_id, const char *err)
{
	char why[1100];
	switch (res) {
	case EDOR_OK:
		log_info("edoreczenia: dispatch %lld posted, task %s", r->id, task_id);
		return set_row(c, r->id,
		               "UPDATE dispatches SET task_id = $2, next_attempt_at = now() + interval "
		               "'1 second', last_error = '', updated_at = now() WHERE id = $1 AND "
		               "state = 'sending' AND $3::text IS NULL AND $4::text IS NULL",
		               task_id, NULL, NULL);
	case EDOR_REFUSED:
		snprintf(why, sizeof why, "e-Doręczenia odrzuciły wiadomość: %s", err);
		return rejected(c, r, why);
	case EDOR_UNAVAILABLE:
	case EDOR_OFF:
		/* Nothing reached the service: queued again. */
		snprintf(why, sizeof why, "e-Doręczenia niedostępne, ponowna próba później: %s", err);
		return wait_retry(c, r, "queued", why);
	case EDOR_UNKNOWN:
	case EDOR_STOPPED:
	default:
		/* It may have gone: the next attempt looks in the mailbox first. */
		snprintf(why, sizeof why, "Nie wiadomo, czy wiadomość dotarła (sprawdzenie przy "
		         "następnej próbie): %s", err);
		return wait_retry(c, r, "sending", why);
	}
}

/* Inside the claiming transaction: prepares the message, commits the row as
 * `sending`, posts, records the answer. Ends with no transaction open. */
static int post(PGconn *c, arena_t *a, struct row *r)
{
	char reference[48] = "", why[600];
	bool db, waits;
	/* A decision goes only signed: until its signed version is uploaded
	 * the dispatch waits, and the clerk's page says why. */
	if (dispatch_awaits_signature(c, r->document_id, &waits) != DB_OK)
		return -1;
	if (waits)
		return set_row(c, r->id,
		               "UPDATE dispatches SET last_error = $2, next_attempt_at = now() + "
		               "interval '5 minutes', updated_at = now() WHERE id = $1 AND $3::text IS NULL "
		               "AND $4::text IS NULL",
		               "Decyzja czeka na podpis: wgraj podpisaną wersję na stronie pisma "
		               "(KPA art. 107 §1 pkt 8, art. 14 §1a).",
		               NULL, NULL) == DB_OK &&
		               commit(c)
		           ? 1
		           : -1;
	char *json = build_message(c, a, r, reference, why, sizeof why, &db);
	if (!json) {
		if (!db || rejected(c, r, why) != DB_OK)
			return -1;
		return commit(c) ? 1 : -1;
	}
	if (set_row(c, r->id,
	            "UPDATE dispatches SET state = 'sending', task_id = NULL, attempts = attempts + 1, "
	            "next_attempt_at = now() + $2::int * interval '1 second', updated_at = now() "
	            "WHERE id = $1 AND $3::text IS NULL AND $4::text IS NULL",
	            STR(EDOR_LEASE_S), NULL, NULL) != DB_OK ||
	    !commit(c))
		return -1;
	r->attempts++;
	char task_id[EDOR_ID_MAX + 1] = "", err[700] = "";
	enum edor_result res = edor_send(json, task_id, err, sizeof err);
	if (!begin(c))
		return -1;
	if (record_post(c, r, res, task_id, err) != DB_OK)
		return -1;
	return commit(c) ? 1 : -1;
}

/* A `sending` row without a task: the POST's fate is unknown. Looks for
 * our reference among the messages sent before posting again. */
static int reconcile(PGconn *c, arena_t *a, struct row *r)
{
	char reference[48], why[900], err[700] = "", message_id[EDOR_ID_MAX + 1];
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", r->document_id);
	const char *p[] = {ids};
	enum db_status st;
	PGresult *res = db_exec_row(c, &st, "SELECT encode(sha256, 'hex') FROM documents WHERE id = $1",
	                            1, p);
	if (!res)
		return -1;
	edoreczenia_reference(r->id, PQgetvalue(res, 0, 0), reference);
	PQclear(res);
	bool found = false;
	enum edor_result er = edor_find_sent(reference, message_id, &found, err, sizeof err);
	if (er == EDOR_OK && found) {
		log_info("edoreczenia: dispatch %lld had gone as message %s", r->id, message_id);
		return sent(c, r, message_id) == DB_OK && commit(c) ? 1 : -1;
	}
	if (er == EDOR_OK)
		return post(c, a, r);
	snprintf(why, sizeof why, "Nie można sprawdzić, czy wiadomość dotarła: %s", err);
	return wait_retry(c, r, "sending", why) == DB_OK && commit(c) ? 1 : -1;
}

/* --- following the task ---------------------------------------------------------- */

static int follow_task(PGconn *c, struct row *r)
{
	char err[700] = "", why[1200];
	enum edor_task_state ts;
	enum edor_result er = edor_task_status(r->task_id, &ts, err, sizeof err);
	struct edor_task_result tr;
	if (er == EDOR_OK && ts == EDOR_TASK_PENDING)
		return again_in(c, r->id, 2) == DB_OK && commit(c) ? 1 : -1;
	if (er == EDOR_OK)
		er = edor_task_result(r->task_id, &tr, err, sizeof err);
	enum db_status st;
	if (er != EDOR_OK) {
		snprintf(why, sizeof why, "Nie można sprawdzić stanu wysyłki: %s", err);
		st = wait_retry(c, r, "sending", why);
	} else if (tr.refused) {
		snprintf(why, sizeof why, "e-Doręczenia odrzuciły wiadomość: %s", tr.reason);
		st = rejected(c, r, why);
	} else {
		st = sent(c, r, tr.message_id);
	}
	return st == DB_OK && commit(c) ? 1 : -1;
}

/* --- evidences --------------------------------------------------------------------- */

/* Keeps an evidence not kept yet (its file fetched). False with `err` when
 * the file cannot be had now (the round stops and tries again). */
static bool keep_evidence(PGconn *c, arena_t *a, const struct row *r,
                          const struct edor_evidence *ev, enum db_status *st, char *err,
                          size_t errlen)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", r->id);
	const char *p[] = {ids, ev->type, ev->id};
	PGresult *res = db_exec(c, st,
	                        "SELECT 1 FROM dispatch_evidences WHERE dispatch_id = $1 AND type = $2 "
	                        "AND external_id = $3",
	                        3, p);
	bool have = *st == DB_OK && PQntuples(res) > 0;
	PQclear(res);
	if (*st != DB_OK || have)
		return *st == DB_OK;
	unsigned char *data;
	size_t len;
	const char *ctype;
	if (edor_evidence_file(a, r->hybrid, ev->id, &data, &len, &ctype, err, errlen) != EDOR_OK)
		return false;
	unsigned char sha[32];
	crypto_hash_sha256(sha, data, len);
	char org[24], when[24];
	snprintf(org, sizeof org, "%lld", r->org_id);
	snprintf(when, sizeof when, "%lld", (long long)ev->event_at);
	const char *q[] = {org, ids, ev->type, ev->id, ev->event_at ? when : NULL, ctype,
	                   (const char *)data, (const char *)sha};
	int lens[] = {0, 0, 0, 0, 0, 0, (int)len, 32};
	int fmts[] = {0, 0, 0, 0, 0, 0, 1, 1};
	PQclear(db_exec_binary(c, st,
	                       "INSERT INTO dispatch_evidences (org_id, dispatch_id, type, external_id, "
	                       "occurred_at, content_type, body, sha256) VALUES ($1, $2, $3, $4, "
	                       "coalesce(to_timestamp($5::bigint), now()), $6, $7, $8) "
	                       "ON CONFLICT DO NOTHING",
	                       8, q, lens, fmts));
	log_info("edoreczenia: dispatch %lld evidence %s (%s, %zu bytes)", r->id, ev->type, ev->id,
	         len);
	return *st == DB_OK;
}

static law_date_t warsaw(int64_t t)
{
	law_date_t d = LAW_DATE_NONE;
	law_warsaw_date(t, &d);
	return d;
}

/* What the evidences of a message say about its delivery. */
struct verdict {
	const struct edor_evidence *rejection;
	int64_t received;  /* E.1, BP.OX; H.EPO for the hybrid service; 0 none */
	int64_t available; /* A.1, BP.WX: the message reached the address */
};

static struct verdict judge(const struct row *r, const struct edor_evidence *ev, int n)
{
	struct verdict v = {0};
	for (int i = 0; i < n; i++) {
		enum edor_evidence_kind k = edor_evidence_kind_of(ev[i].type);
		int64_t t = ev[i].event_at;
		if (k == EDOR_EV_REJECTED && !v.rejection)
			v.rejection = &ev[i];
		bool receipt = r->hybrid ? k == EDOR_EV_HYBRID_DELIVERED : k == EDOR_EV_RECEIVED;
		if (receipt && t && (!v.received || t < v.received))
			v.received = t;
		if (!r->hybrid && (k == EDOR_EV_ACCEPTED || k == EDOR_EV_SENT) && t &&
		    (!v.available || t < v.available))
			v.available = t;
	}
	if (r->available_at && (!v.available || r->available_at < v.available))
		v.available = r->available_at;
	return v;
}

static enum db_status deliver(PGconn *c, arena_t *a, const struct row *r, law_date_t d,
                              const char *rule)
{
	char date[LAW_DATE_STRLEN];
	law_date_format(d, date);
	log_info("edoreczenia: dispatch %lld delivered on %s (%s)", r->id, date, rule);
	return dispatch_record_delivery(c, a, r->id, date, rule);
}

/* Applies the verdict: rejected, delivered, deemed, or asked again later. */
static enum db_status decide(PGconn *c, arena_t *a, const struct row *r, const struct verdict *v)
{
	char why[1200];
	if (v->rejection) {
		snprintf(why, sizeof why, "Wysyłka odrzucona przez e-Doręczenia (%s): %s",
		         v->rejection->type, *v->rejection->reason ? v->rejection->reason
		                                                   : "bez podanego powodu");
		return rejected(c, r, why);
	}
	law_date_t deemed = LAW_DATE_NONE, today = warsaw(clock_now());
	if (v->available) {
		char when[24];
		snprintf(when, sizeof when, "%lld", (long long)v->available);
		enum db_status st = set_row(c, r->id,
		                            "UPDATE dispatches SET available_at = to_timestamp($2::bigint) "
		                            "WHERE id = $1 AND available_at IS NULL AND $3::text IS NULL "
		                            "AND $4::text IS NULL",
		                            when, NULL, NULL);
		if (st != DB_OK)
			return st;
		deemed = law_dispatch_deemed_edoreczenia(warsaw(v->available));
	}
	/* A receipt before the fiction's day counts; otherwise the fiction does. */
	if (v->received &&
	    (!law_date_is_set(deemed) || law_date_cmp(warsaw(v->received), deemed) < 0))
		return deliver(c, a, r, warsaw(v->received), "evidence");
	if (law_date_is_set(deemed) && law_date_is_set(today) && law_date_cmp(today, deemed) >= 0)
		return deliver(c, a, r, deemed, "deemed_edoreczenia");
	return again_in(c, r->id, cfg.edor_check_s);
}

static int evidences(PGconn *c, arena_t *a, struct row *r)
{
	struct edor_evidence *ev = arena_alloc(a, sizeof *ev * EDOR_EVIDENCES_MAX);
	int n = 0, total = 0;
	char err[700] = "", why[900];
	enum edor_result er =
	    edor_evidences(r->external_id, ev, EDOR_EVIDENCES_MAX, &n, &total, err, sizeof err);
	if (total > EDOR_EVIDENCES_MAX)
		log_warn("edoreczenia: dispatch %lld: %d evidences, the first %d read", r->id, total,
		         EDOR_EVIDENCES_MAX);
	enum db_status st = DB_OK;
	for (int i = 0; er == EDOR_OK && i < n; i++)
		if (!keep_evidence(c, a, r, &ev[i], &st, err, sizeof err)) {
			if (st != DB_OK)
				return -1;
			er = EDOR_UNAVAILABLE;
		}
	if (er != EDOR_OK) {
		snprintf(why, sizeof why, "Nie można pobrać dowodów doręczenia: %s", err);
		st = wait_retry(c, r, "sent", why);
	} else {
		struct verdict v = judge(r, ev, n);
		st = decide(c, a, r, &v);
	}
	return st == DB_OK && commit(c) ? 1 : -1;
}

/* --- the round ----------------------------------------------------------------------- */

/* Claims one due dispatch in an open transaction; 0 when none. */
static int claim(PGconn *c, arena_t *a, struct row *r)
{
	enum db_status st;
	PGresult *res = db_exec(
	    c, &st,
	    "SELECT id, org_id, document_id, request_id, state, address, coalesce(external_id, ''), "
	    "coalesce(task_id, ''), attempts, coalesce(extract(epoch FROM available_at)::bigint, 0), "
	    "channel = 'hybrid_post' FROM dispatches "
	    "WHERE channel IN ('edoreczenia', 'hybrid_post') AND state IN ('queued', 'sending', 'sent') "
	    "AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT 1 "
	    "FOR UPDATE SKIP LOCKED",
	    0, NULL);
	int n = st == DB_OK ? PQntuples(res) : -1;
	if (n == 1) {
		r->id = atoll(PQgetvalue(res, 0, 0));
		r->org_id = atoll(PQgetvalue(res, 0, 1));
		r->document_id = atoll(PQgetvalue(res, 0, 2));
		r->request_id = atoll(PQgetvalue(res, 0, 3));
		r->state = arena_strdup(a, PQgetvalue(res, 0, 4));
		r->address = arena_strdup(a, PQgetvalue(res, 0, 5));
		r->external_id = arena_strdup(a, PQgetvalue(res, 0, 6));
		r->task_id = arena_strdup(a, PQgetvalue(res, 0, 7));
		r->attempts = atoi(PQgetvalue(res, 0, 8));
		r->available_at = atoll(PQgetvalue(res, 0, 9));
		r->hybrid = PQgetvalue(res, 0, 10)[0] == 't';
	}
	PQclear(res);
	return n;
}

void edoreczenia_settings_from_row(const PGresult *r, int row, int col, struct edor_settings *s)
{
#define V(i) PQgetvalue(r, row, col + (i))
	*s = (struct edor_settings){.address = V(0), .system_name = V(1), .key = V(2),
	                            .cert = V(3), .url = V(4), .token_url = V(5),
	                            .search_url = V(6)};
#undef V
	edor_settings_defaults(s);
}

/* The e-Doręczenia settings of organisation `org_id` for this thread's
 * calls (edor_use()): its row in org_edoreczenia, else the deployment's.
 * 1 ready, 0 not usable (`why` for the clerk, in Polish), -1 database
 * error. */
int edoreczenia_use_org(PGconn *c, long long org_id, char *why, size_t whylen)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", org_id);
	const char *p[] = {ids};
	enum db_status st;
	PGresult *res = db_exec(c, &st,
	                        "SELECT " EDORECZENIA_ORG_COLUMNS " FROM org_edoreczenia "
	                        "WHERE org_id = $1",
	                        1, p);
	if (st != DB_OK) {
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		edor_use(NULL, why, whylen);
		if (edor_enabled())
			return 1;
		snprintf(why, whylen, "e-Doręczenia nie są skonfigurowane dla tego urzędu "
		         "(jawnosc edoreczenia set --org).");
		return 0;
	}
	struct edor_settings s;
	edoreczenia_settings_from_row(res, 0, 0, &s);
	char err[600];
	bool ok = edor_use(&s, err, sizeof err);
	PQclear(res);
	if (ok)
		return 1;
	log_warn("edoreczenia: organisation %lld: settings refused: %s", org_id, err);
	snprintf(why, whylen, "Ustawienia e-Doręczeń urzędu są błędne (jawnosc edoreczenia set "
	         "--org), wysyłka czeka: %s", err);
	return 0;
}

bool edoreczenia_check_orgs(PGconn *c, int *bad)
{
	*bad = 0;
	enum db_status st;
	PGresult *res = db_exec(c, &st,
	                        "SELECT e.org_id, o.slug FROM org_edoreczenia e "
	                        "JOIN organisations o ON o.id = e.org_id ORDER BY o.slug",
	                        0, NULL);
	for (int i = 0; st == DB_OK && i < PQntuples(res); i++) {
		char why[900];
		int ok = edoreczenia_use_org(c, atoll(PQgetvalue(res, i, 0)), why, sizeof why);
		if (ok < 0) {
			st = DB_UNAVAILABLE;
			break;
		}
		if (ok == 0) {
			log_error("edoreczenia: organisation %s: its settings are wrong, its dispatches "
			          "wait until `jawnosc edoreczenia set --org %s` fixes them: %s",
			          PQgetvalue(res, i, 1), PQgetvalue(res, i, 1), why);
			++*bad;
		}
	}
	char why[16];
	edor_use(NULL, why, sizeof why);
	PQclear(res);
	return st == DB_OK;
}

/* One dispatch, one transaction (two around a POST). 1 done, 0 nothing due,
 * -1 database error. */
static int step(PGconn *c)
{
	if (!begin(c))
		return -1;
	arena_t *a = arena_new(16384);
	struct row r = {0};
	int n = claim(c, a, &r);
	char why[900];
	int ready = n == 1 ? edoreczenia_use_org(c, r.org_id, why, sizeof why) : 1;
	if (ready < 0) {
		n = -1;
	} else if (ready == 0) {
		/* The organisation's settings are wrong or missing: it waits, the
		 * others go on. */
		n = wait_retry(c, &r, r.state, why) == DB_OK && commit(c) ? 1 : -1;
	} else if (n == 1) {
		if (!strcmp(r.state, "queued"))
			n = post(c, a, &r);
		else if (!strcmp(r.state, "sending") && !*r.task_id)
			n = reconcile(c, a, &r);
		else if (!strcmp(r.state, "sending") && edor_id_valid(r.task_id))
			n = follow_task(c, &r);
		else if (!strcmp(r.state, "sent") && edor_id_valid(r.external_id))
			n = evidences(c, a, &r);
		else
			n = rejected(c, &r, "Nieprawidłowy identyfikator wiadomości lub zadania.") == DB_OK &&
			            commit(c)
			        ? 1
			        : -1;
	} else if (n == 0) {
		n = commit(c) ? 0 : -1;
	}
	edor_use(NULL, why, sizeof why);
	arena_free(a);
	if (n < 0 && PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE)
		db_run(c, "ROLLBACK", 0, NULL);
	return n;
}

enum job_result edoreczenia_job(void)
{
	PGconn *c = db_conn();
	if (!c)
		return JOB_FAILED;
	if (!edor_enabled()) {
		/* Without the deployment's settings only organisations with
		 * their own send. */
		enum db_status st;
		PGresult *res = db_exec(c, &st, "SELECT 1 FROM org_edoreczenia LIMIT 1", 0, NULL);
		bool any = st == DB_OK && PQntuples(res) == 1;
		PQclear(res);
		if (st != DB_OK)
			return JOB_FAILED;
		if (!any)
			return JOB_DONE;
	}
	int done = 0;
	for (; done < EDOR_BATCH && !jobs_stopping(); done++) {
		int n = step(c);
		if (n < 0)
			return JOB_FAILED;
		if (n == 0)
			return JOB_DONE;
	}
	return done == EDOR_BATCH ? JOB_MORE : JOB_DONE;
}
