/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/edor_inbox.h"

#include <ctype.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/edoreczenia.h"
#include "cases/inbound.h"
#include "cases/mailmsg.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "edor/client.h"

#define MAIL_DOMAIN "e-doreczenia.invalid" /* RFC 2606: never a real domain */
#define BOXES_MAX 64                       /* boxes whose failures are remembered */

static _Atomic unsigned long long n_stored, n_duplicate, n_failures;

void edor_inbox_counts(struct edor_inbox_counts *out)
{
	out->stored = atomic_load(&n_stored);
	out->duplicate = atomic_load(&n_duplicate);
	out->failures = atomic_load(&n_failures);
}

/* --- the message as RFC 5322 ---------------------------------------------------- */

static bool plain_ascii(const char *s)
{
	size_t n = strlen(s);
	if (n > 900 || strstr(s, "=?"))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 32 || (unsigned char)*s > 126)
			return false;
	return true;
}

/* A display name and an AE address as an RFC 5322 mailbox. */
static void put_mailbox(strbuf_t *out, const char *name, const char *address)
{
	if (name && *name) {
		if (plain_ascii(name) && !strpbrk(name, "\"\\()<>[]:;@,.")) {
			sb_puts(out, name);
		} else if (plain_ascii(name)) {
			sb_putc(out, '"');
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					sb_putc(out, '\\');
				sb_putc(out, *p);
			}
			sb_putc(out, '"');
		} else {
			mail_encode_header(out, name);
		}
		sb_putc(out, ' ');
	}
	sb_printf(out, "<\"%s\"@" MAIL_DOMAIN ">", *address ? address : "nieznany");
}

/* RFC 2231 value: UTF-8''percent-encoded. */
static void put_2231(strbuf_t *out, const char *s)
{
	sb_puts(out, "UTF-8''");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("!#$&+-.^_`|~", *p))
			sb_putc(out, (char)*p);
		else
			sb_printf(out, "%%%02X", *p);
	}
}

void edor_inbox_rfc5322(strbuf_t *out, const struct edor_received *m, const char *our_address)
{
	unsigned char h[32];
	char boundary[64], hex[17];
	crypto_hash_sha256(h, (const unsigned char *)m->id, strlen(m->id));
	sodium_bin2hex(hex, sizeof hex, h, 8);
	/* '=' and '_' together never occur in base64, the only encoding of the
	 * parts. */
	snprintf(boundary, sizeof boundary, "=_jawnosc-edoreczenia_%s", hex);
	sb_puts(out, "From: ");
	put_mailbox(out, m->from_name, m->from_address);
	sb_puts(out, "\r\nTo: ");
	put_mailbox(out, NULL, our_address);
	sb_puts(out, "\r\nSubject: ");
	mail_encode_header(out, m->subject);
	sb_puts(out, "\r\n");
	if (m->at)
		mail_put_date(out, (time_t)m->at);
	/* The id's characters are [A-Za-z0-9._:-] (edor_id_valid()); ':' is
	 * not an atext, and "=3A" keeps the mapping one to one. */
	sb_puts(out, "Message-ID: <edoreczenia.");
	for (const char *p = m->id; *p; p++)
		sb_puts(out, *p == ':' ? "=3A" : (char[2]){*p, 0});
	sb_puts(out, "@" MAIL_DOMAIN ">\r\n");
	sb_printf(out, "X-Edoreczenia-Message-Id: %s\r\n", m->id);
	if (*m->from_address)
		sb_printf(out, "X-Edoreczenia-From: %s\r\n", m->from_address);
	sb_printf(out, "X-Edoreczenia-To: %s\r\n", our_address);
	if (*m->case_id) {
		sb_puts(out, "X-Edoreczenia-Case-Id: ");
		mail_encode_header(out, m->case_id);
		sb_puts(out, "\r\n");
	}
	sb_printf(out, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n",
	          boundary);
	sb_puts(out, "Wiadomość z e-Doręczeń w formacie MIME.\r\n");
	/* The text, lines ended by CRLF. */
	strbuf_t text;
	sb_init(&text, NULL);
	sb_puts(&text, "");
	for (const char *p = m->text; *p; p++) {
		if (*p == '\n')
			sb_putc(&text, '\r');
		sb_putc(&text, *p);
	}
	sb_printf(out, "\r\n--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	          "Content-Transfer-Encoding: base64\r\n\r\n",
	          boundary);
	mail_base64(out, (const unsigned char *)text.data, text.len, 76);
	sb_free(&text);
	for (size_t i = 0; i < m->natt; i++) {
		const struct edor_received_att *a = &m->att[i];
		sb_printf(out, "\r\n--%s\r\nContent-Type: %s; name*=", boundary, a->content_type);
		put_2231(out, a->filename);
		sb_puts(out, "\r\nContent-Disposition: attachment; filename*=");
		put_2231(out, a->filename);
		sb_puts(out, "\r\nContent-Transfer-Encoding: base64\r\n");
		if (*a->description) {
			sb_puts(out, "Content-Description: ");
			mail_encode_header(out, a->description);
			sb_puts(out, "\r\n");
		}
		sb_printf(out, "X-Edoreczenia-Hash: %s\r\n\r\n",
		          !a->hash_checked ? "absent" : a->hash_ok ? "verified" : "mismatch");
		mail_base64(out, a->data, a->len, 76);
	}
	sb_printf(out, "\r\n--%s--\r\n", boundary);
}

/* --- the job ------------------------------------------------------------------------ */

/* A box that failed: told once per run of failures. */
static struct {
	char address[EDOR_ADDRESS_LEN + 1];
	int streak;
} boxes[BOXES_MAX];

static int *streak_of(const char *address)
{
	for (int i = 0; i < BOXES_MAX; i++)
		if (!strcmp(boxes[i].address, address) || !boxes[i].address[0]) {
			snprintf(boxes[i].address, sizeof boxes[i].address, "%s", address);
			return &boxes[i].streak;
		}
	static int spare;
	return &spare;
}

static void box_failed(const char *address, const char *what, const char *err)
{
	atomic_fetch_add(&n_failures, 1);
	int *streak = streak_of(address);
	if ((*streak)++ == 0)
		log_warn("edoreczenia-inbox: %s: %s, asked again every round until it works: %s",
		         address, what, err);
}

static void box_works(const char *address)
{
	int *streak = streak_of(address);
	if (*streak > 0)
		log_info("edoreczenia-inbox: %s: read again after %d failed rounds", address, *streak);
	*streak = 0;
}

/* 1 stored already, 0 not, -1 database error. */
static int known(PGconn *c, const char *id)
{
	const char *p[] = {id};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT 1 FROM inbound_messages WHERE source = 'edoreczenia' AND "
	                      "external_ref = $1 LIMIT 1",
	                      1, p);
	int n = st == DB_OK ? PQntuples(r) > 0 : -1;
	PQclear(r);
	return n;
}

/* The box's cursor (Unix seconds, 0 none); -1 database error. */
static long long cursor_of(PGconn *c, const char *address)
{
	const char *p[] = {address};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT extract(epoch FROM seen_until)::bigint FROM edor_inbox_cursors "
	                      "WHERE address = $1",
	                      1, p);
	long long v = st != DB_OK ? -1 : PQntuples(r) ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	return v;
}

static enum db_status cursor_set(PGconn *c, const char *address, int64_t until)
{
	char t[24];
	snprintf(t, sizeof t, "%lld", (long long)until);
	const char *p[] = {address, t};
	return db_run(c,
	              "INSERT INTO edor_inbox_cursors (address, seen_until) "
	              "VALUES ($1, to_timestamp($2::bigint)) ON CONFLICT (address) DO UPDATE "
	              "SET seen_until = greatest(edor_inbox_cursors.seen_until, excluded.seen_until), "
	              "updated_at = now()",
	              2, p);
}

/* One message: 1 stored (or found stored), 0 the service failed, -1 the
 * database failed. */
static int take(PGconn *c, const char *id, long long org, const char *address)
{
	int k = known(c, id);
	if (k != 0)
		return k;
	arena_t *a = arena_new(65536);
	struct edor_received m;
	char err[1024];
	enum edor_result res = edor_received(a, id, &m, err, sizeof err);
	int out = 0;
	if (res != EDOR_OK) {
		if (res != EDOR_STOPPED)
			box_failed(address, "a message cannot be read", err);
		goto done;
	}
	strbuf_t raw;
	sb_init(&raw, NULL);
	edor_inbox_rfc5322(&raw, &m, address);
	if (raw.len > INBOUND_RAW_MAX) {
		/* Kept anyway would break the limit every other path keeps;
		 * the box's web application still has it. */
		log_error("edoreczenia-inbox: %s: message %s has %zu bytes as MIME, over the limit of "
		          "%d: not stored, handle it in the e-Doręczenia application",
		          address, id, raw.len, INBOUND_RAW_MAX);
		sb_free(&raw);
		out = 1;
		goto done;
	}
	struct inbound_in in = {.raw = (const unsigned char *)raw.data,
	                        .len = raw.len,
	                        .source = "edoreczenia",
	                        .envelope_from = m.from_address,
	                        .envelope_to = address,
	                        .external_ref = m.id,
	                        .org_id = org};
	long long row;
	bool dup;
	enum db_status st = inbound_store(c, &in, &row, &dup);
	sb_free(&raw);
	if (st != DB_OK) {
		log_warn("edoreczenia-inbox: %s: message %s not stored (database %d): asked for again "
		         "next round", address, id, (int)st);
		out = -1;
		goto done;
	}
	atomic_fetch_add(dup ? &n_duplicate : &n_stored, 1);
	log_info("edoreczenia-inbox: %s: message %s %s %lld", address, id,
	         dup ? "was stored before as" : "stored as", row);
	out = 1;
done:
	arena_free(a);
	return out;
}

/* One box, with the settings in use (edor_use()). 1 read to its end, 2
 * more pages wait, 0 the service failed, -1 the database failed. */
static int one_box(PGconn *c, long long org)
{
	char address[EDOR_ADDRESS_LEN + 1];
	snprintf(address, sizeof address, "%s", edor_address());
	long long cur = cursor_of(c, address);
	if (cur < 0)
		return -1;
	int64_t since = cur > EDOR_INBOX_OVERLAP ? cur - EDOR_INBOX_OVERLAP : 0;
	int64_t until = cur; /* everything submitted up to here is stored */
	bool contiguous = true;
	int offset = 0, result = 1;
	struct edor_listed page[EDOR_INBOX_PAGE];
	char err[1024];
	for (int pages = 0;; pages++) {
		if (pages == EDOR_INBOX_PAGES) {
			result = 2;
			break;
		}
		int n, listed;
		enum edor_result res = edor_inbox(since, offset, page, EDOR_INBOX_PAGE, &n, &listed, err,
		                                  sizeof err);
		if (res != EDOR_OK) {
			if (res != EDOR_STOPPED)
				box_failed(address, "the inbox cannot be listed", err);
			result = 0;
			break;
		}
		for (int i = 0; i < n && !jobs_stopping(); i++) {
			int k = take(c, page[i].id, org, address);
			if (k < 0)
				return -1;
			if (k == 0)
				contiguous = false;
			else if (contiguous && page[i].submitted > until)
				until = page[i].submitted;
		}
		if (jobs_stopping() || listed < EDOR_INBOX_PAGE)
			break;
		offset += listed;
	}
	if (until > cur && cursor_set(c, address, until) != DB_OK)
		return -1;
	if (result != 0 && contiguous)
		box_works(address);
	return result;
}

enum job_result edor_inbox_job(void)
{
	PGconn *c = db_conn();
	if (!c)
		return JOB_FAILED;
	enum db_status st;
	PGresult *res = db_exec(c, &st,
	                        "SELECT org_id, " EDORECZENIA_ORG_COLUMNS " FROM org_edoreczenia "
	                        "ORDER BY org_id",
	                        0, NULL);
	if (st != DB_OK) {
		PQclear(res);
		return JOB_FAILED;
	}
	enum job_result out = JOB_DONE;
	char err[600];
	/* The deployment's box: for JAWNOSC_DEFAULT_ORG's body, else the one
	 * inbound_store() recognises (the only organisation). */
	if (edor_enabled()) {
		PGresult *d = db_exec(c, &st, "SELECT coalesce(min(id), 0) FROM organisations "
		                      "WHERE slug = $1", 1, (const char *const[]){cfg.default_org});
		long long org = st == DB_OK ? atoll(PQgetvalue(d, 0, 0)) : -1;
		PQclear(d);
		int n = org < 0 ? -1 : (edor_use(NULL, err, sizeof err), one_box(c, org));
		if (n < 0)
			out = JOB_FAILED;
		else if (n == 2)
			out = JOB_MORE;
	}
	for (int i = 0; i < PQntuples(res) && out != JOB_FAILED && !jobs_stopping(); i++) {
		struct edor_settings s;
		edoreczenia_settings_from_row(res, i, 1, &s);
		if (!edor_use(&s, err, sizeof err)) {
			box_failed(s.address, "the organisation's settings are refused", err);
			continue;
		}
		int n = one_box(c, atoll(PQgetvalue(res, i, 0)));
		if (n < 0)
			out = JOB_FAILED;
		else if (n == 2)
			out = JOB_MORE;
	}
	edor_use(NULL, err, sizeof err);
	PQclear(res);
	return out;
}
