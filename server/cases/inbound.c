/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/inbound.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "db/changes.h"

/* The header block's next logical line (folded lines joined with one
 * space) into `out`; false at the end of the header block. */
static bool header_line(const unsigned char *raw, size_t len, size_t *pos, char *out,
                        size_t cap)
{
	size_t i = *pos, o = 0;
	if (i >= len || raw[i] == '\n' || (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n'))
		return false;
	for (;;) {
		while (i < len && raw[i] != '\n') {
			if (raw[i] != '\r' && o + 1 < cap)
				out[o++] = (char)raw[i];
			i++;
		}
		i += i < len; /* the '\n' */
		if (i < len && (raw[i] == ' ' || raw[i] == '\t')) {
			if (o + 1 < cap)
				out[o++] = ' ';
			continue;
		}
		break;
	}
	out[o] = '\0';
	*pos = i;
	return true;
}

void inbound_message_id(const unsigned char *raw, size_t len, char *out, size_t cap)
{
	static const char name[] = "message-id:";
	char line[1024];
	size_t pos = 0;
	out[0] = '\0';
	if (cap == 0)
		return;
	while (header_line(raw, len, &pos, line, sizeof line)) {
		if (strncasecmp(line, name, sizeof name - 1))
			continue;
		const char *s = strchr(line + sizeof name - 1, '<');
		const char *e = s ? strchr(s + 1, '>') : NULL;
		if (!s || !e || e == s + 1 || (size_t)(e - s - 1) >= cap)
			return;
		for (const char *p = s + 1; p < e; p++)
			if (*p <= ' ' || *p >= 127 || *p == '<')
				return;
		memcpy(out, s + 1, (size_t)(e - s - 1));
		out[e - s - 1] = '\0';
		return;
	}
}

struct store_tx {
	const struct inbound_in *in;
	const unsigned char *sha;
	const char *mid;
	long long id;
	bool duplicate;
};

static enum db_status store_tx(PGconn *c, void *v)
{
	struct store_tx *x = v;
	const struct inbound_in *in = x->in;
	char org[24], now[24];
	snprintf(org, sizeof org, "%lld", in->org_id);
	snprintf(now, sizeof now, "%lld", (long long)clock_now());
	const char *p[] = {org,
	                   (const char *)in->raw,
	                   (const char *)x->sha,
	                   x->mid[0] ? x->mid : NULL,
	                   in->source,
	                   in->envelope_from ? in->envelope_from : "",
	                   in->envelope_to ? in->envelope_to : "",
	                   in->external_ref,
	                   now};
	const int lengths[] = {0, (int)in->len, 32, 0, 0, 0, 0, 0, 0};
	const int formats[] = {0, 1, 1, 0, 0, 0, 0, 0, 0};
	enum db_status st;
	/* The organisation: the caller's, else the one whose address received
	 * it (exactly, or with a +tag, as reply addresses are), else the only
	 * one there is, else none (0). */
	PGresult *r = db_exec_row(
	    c, &st,
	    "SELECT coalesce(nullif($1::bigint, 0), "
	    "(SELECT min(id) FROM organisations WHERE email <> '' AND lower(email) = lower($2)), "
	    "(SELECT min(id) FROM organisations WHERE email LIKE '%_@_%' AND "
	    "lower(split_part(email, '@', 1)) = lower(split_part(split_part($2, '@', 1), '+', 1)) "
	    "AND lower(split_part(email, '@', 2)) = lower(split_part($2, '@', 2))), "
	    "(SELECT min(id) FROM organisations HAVING count(*) = 1), 0)",
	    2, (const char *const[]){org, p[6]});
	if (!r)
		return st;
	snprintf(org, sizeof org, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	r = db_exec_binary(
	    c, &st,
	    "INSERT INTO inbound_messages (org_id, raw, sha256, message_id, source, envelope_from, "
	    "envelope_to, external_ref, received_at, received_on) "
	    "VALUES (nullif($1::bigint, 0), $2, $3, $4, $5, left($6, 998), left($7, 998), "
	    "left($8, 300), to_timestamp($9::bigint), "
	    "(to_timestamp($9::bigint) AT TIME ZONE 'Europe/Warsaw')::date) "
	    "ON CONFLICT DO NOTHING RETURNING id",
	    9, p, lengths, formats);
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	if (PQntuples(r) == 1) {
		x->id = atoll(PQgetvalue(r, 0, 0));
		x->duplicate = false;
		PQclear(r);
		return DB_OK;
	}
	PQclear(r);
	/* Stored before: by its bytes, or by its Message-ID for the same
	 * organisation. */
	const char *q[] = {(const char *)x->sha, x->mid[0] ? x->mid : NULL, org};
	const int ql[] = {32, 0, 0};
	const int qf[] = {1, 0, 0};
	r = db_exec_binary(c, &st,
	                   "SELECT id FROM inbound_messages WHERE sha256 = $1 OR "
	                   "(message_id = $2 AND coalesce(org_id, 0) = $3::bigint) "
	                   "ORDER BY sha256 = $1 DESC, id LIMIT 1",
	                   3, q, ql, qf);
	if (st == DB_OK && PQntuples(r) == 1) {
		x->id = atoll(PQgetvalue(r, 0, 0));
		x->duplicate = true;
	} else if (st == DB_OK) {
		st = DB_RETRY; /* the other row is not visible yet: try again */
	}
	PQclear(r);
	return st;
}

enum db_status inbound_store(PGconn *c, const struct inbound_in *in, long long *id,
                             bool *duplicate)
{
	unsigned char sha[32];
	char mid[999];
	crypto_hash_sha256(sha, in->raw, in->len);
	inbound_message_id(in->raw, in->len, mid, sizeof mid);
	struct store_tx x = {.in = in, .sha = sha, .mid = mid};
	/* No page kept in a cache shows a stored message (the queue and the
	 * dashboard's count are read fresh): nothing goes stale. */
	changes_writer(CHANGES_QUIET);
	enum db_status st = db_transaction(c, store_tx, &x);
	if (st == DB_OK) {
		*id = x.id;
		*duplicate = x.duplicate;
	}
	return st;
}
