/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/inbound_parse.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/changes.h"
#include "mail/parse.h"

struct parse_tx {
	long long id; /* the message claimed, 0: none */
	int nparts;
	enum mail_kind kind;
};

static enum db_status save_parts(PGconn *c, const char *id, const struct mail *m)
{
	for (size_t i = 0; i < m->nparts; i++) {
		const struct mail_part *pt = &m->parts[i];
		unsigned char sha[32];
		crypto_hash_sha256(sha, pt->data, pt->size);
		char seq[24], size[24];
		snprintf(seq, sizeof seq, "%zu", i + 1);
		snprintf(size, sizeof size, "%zu", pt->size);
		const char *p[] = {id,
		                   seq,
		                   pt->filename,
		                   pt->content_type,
		                   size,
		                   (const char *)sha,
		                   (const char *)pt->data,
		                   pt->inline_image ? "t" : "f",
		                   pt->readable ? "t" : "f",
		                   pt->note};
		const int lengths[] = {0, 0, 0, 0, 0, 32, (int)pt->size, 0, 0, 0};
		const int formats[] = {0, 0, 0, 0, 0, 1, 1, 0, 0, 0};
		enum db_status st;
		PGresult *r = db_exec_binary(
		    c, &st,
		    "INSERT INTO inbound_parts (message_id, seq, filename, content_type, size, sha256, "
		    "data, inline, readable, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
		    10, p, lengths, formats);
		PQclear(r);
		if (st != DB_OK)
			return st;
	}
	return DB_OK;
}

static enum db_status save(PGconn *c, const char *id, const struct mail *m, arena_t *a)
{
	strbuf_t refs;
	sb_init(&refs, a);
	sb_append(&refs, "", 0);
	/* Message identifiers are one line each (mail/parse.h). */
	for (size_t i = 0; i < m->nrefs; i++) {
		if (i)
			sb_putc(&refs, '\n');
		sb_puts(&refs, m->refs[i]);
	}
	char now[24];
	snprintf(now, sizeof now, "%lld", (long long)clock_now());
	const char *error = m->kind == MAIL_UNREADABLE ? m->parse_error : m->note;
	const char *p[] = {id,
	                   now,
	                   mail_kind_name(m->kind),
	                   error,
	                   m->from_address,
	                   m->from_name,
	                   m->subject,
	                   m->text,
	                   m->in_reply_to,
	                   refs.data,
	                   m->bounce_of,
	                   m->bounce_recipient};
	enum db_status st = db_run(
	    c,
	    "UPDATE inbound_messages SET parsed_at = to_timestamp($2::bigint), kind = $3, "
	    "parse_error = $4, from_address = $5, from_name = $6, subject = $7, body_text = $8, "
	    "in_reply_to = $9, refs = string_to_array($10, E'\\n'), bounce_of = $11, "
	    "bounce_recipient = $12, version = version + 1 WHERE id = $1",
	    12, p);
	return st == DB_OK ? save_parts(c, id, m) : st;
}

static enum db_status parse_tx(PGconn *c, void *v)
{
	struct parse_tx *x = v;
	x->id = 0;
	PGresult *r = PQexecParams(c,
	                           "SELECT id::text, raw FROM inbound_messages WHERE parsed_at IS NULL "
	                           "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
	                           0, NULL, NULL, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	if (st != DB_OK || PQntuples(r) == 0) {
		PQclear(r);
		return st;
	}
	char id[24];
	snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
	x->id = atoll(id);
	arena_t *a = arena_new(64 * 1024);
	struct mail m;
	mail_parse(a, (const unsigned char *)PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1), NULL,
	           &m);
	PQclear(r);
	st = save(c, id, &m, a);
	x->nparts = (int)m.nparts;
	x->kind = m.kind;
	arena_free(a);
	return st;
}

/* The result of message `id` could not be written: it is marked
 * unreadable with the reason, so the queue goes on (the raw message is
 * kept; a fixed parser may read it again). */
static enum db_status give_up(PGconn *c, long long id, enum db_status why)
{
	char sid[24], now[24];
	snprintf(sid, sizeof sid, "%lld", id);
	snprintf(now, sizeof now, "%lld", (long long)clock_now());
	const char *p[] = {sid, now};
	log_error("inbound: message %lld: the parse result could not be stored (status %d); "
	          "marked unreadable",
	          id, (int)why);
	return db_run(c,
	              "UPDATE inbound_messages SET parsed_at = to_timestamp($2::bigint), "
	              "kind = 'unreadable', parse_error = 'Nie udało się zapisać wyniku odczytu "
	              "wiadomości (błąd systemu). Oryginał jest zachowany.', "
	              "version = version + 1 WHERE id = $1 AND parsed_at IS NULL",
	              2, p);
}

enum db_status inbound_parse_round(PGconn *c, int max, int *parsed)
{
	*parsed = 0;
	while (*parsed < max && !jobs_stopping()) {
		struct parse_tx x = {0};
		/* Parsing changes nothing a cached page shows. */
		changes_writer(CHANGES_QUIET);
		enum db_status st = db_transaction(c, parse_tx, &x);
		if (x.id && (st == DB_ERROR || st == DB_CONFLICT)) {
			st = give_up(c, x.id, st);
		} else if (st == DB_OK && x.id) {
			log_info("inbound: message %lld parsed: %s, %d part(s)", x.id, mail_kind_name(x.kind),
			         x.nparts);
		}
		if (st != DB_OK)
			return st;
		if (!x.id)
			break;
		(*parsed)++;
	}
	return DB_OK;
}

enum job_result inbound_parse_job(void)
{
	PGconn *c = db_conn();
	if (!c)
		return JOB_FAILED;
	int n;
	if (inbound_parse_round(c, INBOUND_PARSE_BATCH, &n) != DB_OK)
		return JOB_FAILED;
	return n == INBOUND_PARSE_BATCH ? JOB_MORE : JOB_DONE;
}
