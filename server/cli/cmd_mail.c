/* SPDX-License-Identifier: EUPL-1.2 */
/* jawnosc mailin: the MTA's delivery of one message (docs/inbound.md);
 * jawnosc mail: what an operator does with inbound mail (unrouted, assign,
 * parse, show).
 *
 * mailin speaks the exit statuses of sysexits.h, which Postfix's pipe(8)
 * (and every other MTA's pipe) understands: 0 only after the commit;
 * EX_TEMPFAIL (75, the MTA keeps the message and tries again) whenever
 * the fault is ours (no database, a bad setting, a bad option in the
 * MTA's configuration), so that no mail is ever bounced or lost because
 * of it; EX_DATAERR (65, the MTA bounces it to its sender) only for a
 * message we will never take: larger than INBOUND_RAW_MAX, or empty. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "cases/inbound.h"
#include "cases/inbound_parse.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "mail/parse.h"

static const char mailin_usage[] =
    "Usage: jawnosc mailin [--org SLUG] [--from SENDER] [--to RECIPIENT] < MESSAGE\n\n"
    "Stores one e-mail message (RFC 5322) read on standard input as it is, for the\n"
    "organisation SLUG or the one whose address RECIPIENT is; it is parsed and\n"
    "routed afterwards. For an MTA's pipe delivery, one recipient a run (Postfix:\n"
    "pipe(8) with argv=... mailin --from ${sender} --to ${original_recipient}).\n"
    "Without the options: SENDER, ORIGINAL_RECIPIENT or RECIPIENT from the\n"
    "environment, then the X-Original-To or Delivered-To header. A leading mbox\n"
    "\"From \" line is not stored.\n\n"
    "Exit status: 0 stored (or stored before: one row per message), 75 try again\n"
    "later (database unreachable, bad setting or option), 65 refused for good\n"
    "(empty, or larger than 40 MB).";

static int tempfail(const char *what, const char *detail)
{
	log_error("mailin: %s%s%s; the MTA should try again later", what, detail ? ": " : "",
	          detail ? detail : "");
	return EX_TEMPFAIL;
}

/* Standard input, at most INBOUND_RAW_MAX + 1 bytes (to see it is more). */
static unsigned char *read_stdin(size_t *len, bool *failed)
{
	size_t cap = 64 * 1024, n = 0;
	unsigned char *buf = xmalloc(cap);
	*failed = false;
	for (;;) {
		if (n == cap) {
			if (cap > INBOUND_RAW_MAX)
				break;
			cap = cap * 2 > (size_t)INBOUND_RAW_MAX + 1 ? (size_t)INBOUND_RAW_MAX + 1 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(STDIN_FILENO, buf + n, cap - n);
		if (r == 0)
			break;
		if (r < 0) {
			*failed = true;
			break;
		}
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

/* The value of header `name` in the header block of raw[0..len), into out
 * (one line, trimmed, at most cap-1 bytes); "" when absent. */
static void header_value(const unsigned char *raw, size_t len, const char *name, char *out,
                         size_t cap)
{
	size_t k = strlen(name), i = 0;
	out[0] = '\0';
	while (i < len && raw[i] != '\n' && raw[i] != '\r') {
		const unsigned char *nl = memchr(raw + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - raw) : len;
		if (end - i > k && !strncasecmp((const char *)raw + i, name, k) && raw[i + k] == ':') {
			size_t s = i + k + 1, o = 0;
			while (s < end && (raw[s] == ' ' || raw[s] == '\t' || raw[s] == '<'))
				s++;
			while (s < end && o + 1 < cap && raw[s] > ' ' && raw[s] < 127 && raw[s] != '>')
				out[o++] = (char)raw[s++];
			out[o] = '\0';
			return;
		}
		i = end + 1;
	}
}

/* The organisation of --org SLUG: 1 found, 0 none such, -1 database
 * failure. */
static int org_by_slug(PGconn *c, const char *slug, long long *id)
{
	enum db_status st;
	const char *p[] = {slug};
	PGresult *r = db_exec(c, &st, "SELECT id FROM organisations WHERE slug = $1", 1, p);
	int found = st != DB_OK ? -1 : PQntuples(r) == 1;
	if (found == 1)
		*id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return found;
}

static int mailin(int argc, char **argv, const unsigned char *raw, size_t len)
{
	const char *org = NULL, *from = NULL, *to = NULL;
	for (int i = 1; i < argc; i++) {
		bool missing = false;
		const char *v;
		if ((v = cli_opt_value(argc, argv, &i, "--org", &missing)))
			org = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--from", &missing)))
			from = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--to", &missing)))
			to = v;
		else
			return tempfail("bad option (check the MTA's pipe command)", argv[i]);
	}
	/* An mbox "From " line (pipe(8) flag F) is not part of the message,
	 * and its date would make every retry a new message. */
	char mbox_sender[256] = "";
	if (len >= 5 && !memcmp(raw, "From ", 5)) {
		const unsigned char *nl = memchr(raw, '\n', len);
		size_t skip = nl ? (size_t)(nl - raw) + 1 : len;
		size_t o = 0;
		for (size_t s = 5; s < skip && raw[s] > ' ' && o + 1 < sizeof mbox_sender; s++)
			mbox_sender[o++] = (char)raw[s];
		mbox_sender[o] = '\0';
		raw += skip;
		len -= skip;
	}
	if (len == 0) {
		log_error("mailin: refused an empty message");
		return EX_DATAERR;
	}
	char hdr_to[999];
	if (!from)
		from = getenv("SENDER");
	if (!from)
		from = mbox_sender;
	if (!to)
		to = getenv("ORIGINAL_RECIPIENT");
	if (!to)
		to = getenv("RECIPIENT");
	if (!to) {
		header_value(raw, len, "X-Original-To", hdr_to, sizeof hdr_to);
		if (!hdr_to[0])
			header_value(raw, len, "Delivered-To", hdr_to, sizeof hdr_to);
		to = hdr_to;
	}
	char err[1024];
	if (!config_load(err, sizeof err))
		return tempfail("bad setting", err);
	log_set_level(cfg.log_level);
	if (!cfg.database_url[0])
		return tempfail("DATABASE_URL is not set", NULL);
	/* A database that does not answer must not hold the MTA for minutes. */
	setenv("PGCONNECT_TIMEOUT", "10", 0);
	PGconn *c = db_connect(cfg.database_url, err, sizeof err);
	if (!c)
		return tempfail("cannot connect to the database", err);
	long long org_id = 0;
	if (org) {
		int found = org_by_slug(c, org, &org_id);
		if (found != 1) {
			PQfinish(c);
			return tempfail(found < 0 ? "cannot read the organisations"
			                          : "no organisation with the slug given by --org",
			                found < 0 ? NULL : org);
		}
	}
	struct inbound_in in = {.raw = raw,
	                        .len = len,
	                        .source = "mailin",
	                        .envelope_from = from,
	                        .envelope_to = to,
	                        .org_id = org_id};
	long long id = 0;
	bool duplicate = false;
	enum db_status st = inbound_store(c, &in, &id, &duplicate);
	PQfinish(c);
	if (st != DB_OK)
		return tempfail("the database did not store the message",
		                st == DB_UNAVAILABLE ? "unavailable" : "error");
	if (duplicate)
		log_info("mailin: duplicate of inbound message %lld (%zu bytes): stored before, "
		         "nothing written", id, len);
	else
		log_info("mailin: stored inbound message %lld (%zu bytes)", id, len);
	return EX_OK;
}

int cmd_mailin(int argc, char **argv)
{
	if (cli_help(argc, argv, mailin_usage))
		return 0;
	if (sodium_init() < 0)
		return tempfail("libsodium cannot be initialised", NULL);
	size_t len;
	bool failed;
	unsigned char *raw = read_stdin(&len, &failed);
	int rc;
	if (failed) {
		rc = tempfail("cannot read the message on standard input", NULL);
	} else if (len > INBOUND_RAW_MAX) {
		log_error("mailin: refused a message larger than %d bytes", INBOUND_RAW_MAX);
		rc = EX_DATAERR;
	} else {
		rc = mailin(argc, argv, raw, len);
	}
	free(raw);
	return rc;
}

/* ---- jawnosc mail ------------------------------------------------------------ */

static const char mail_usage[] =
    "Usage: jawnosc mail unrouted\n"
    "       jawnosc mail assign ID --org SLUG\n"
    "       jawnosc mail parse\n"
    "       jawnosc mail show < MESSAGE\n\n"
    "unrouted  lists the inbound messages no organisation received (its address\n"
    "          was not recognised): id, arrival, envelope recipient, sender,\n"
    "          subject\n"
    "assign    gives such a message to organisation SLUG (it then appears in\n"
    "          its incoming queue, /panel/poczta)\n"
    "parse     parses the messages stored and not parsed yet, now (the server's\n"
    "          job does it every two seconds)\n"
    "show      parses a message read on standard input and prints what the\n"
    "          parser reads in it, as JSON (nothing is stored)";

static PGconn *connect_db(void)
{
	char err[1024];
	if (!config_load(err, sizeof err)) {
		fprintf(stderr, "jawnosc mail: %s\n", err);
		return NULL;
	}
	log_set_level(cfg.log_level);
	if (!cfg.database_url[0]) {
		fprintf(stderr, "jawnosc mail: DATABASE_URL is not set\n");
		return NULL;
	}
	PGconn *c = db_connect(cfg.database_url, err, sizeof err);
	if (!c)
		fprintf(stderr, "jawnosc mail: cannot connect to the database: %s\n", err);
	return c;
}

static int unrouted(void)
{
	PGconn *c = connect_db();
	if (!c)
		return 1;
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT id, to_char(received_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "
	    "envelope_to, coalesce(nullif(from_address, ''), envelope_from), "
	    "CASE WHEN parsed_at IS NULL THEN '(not parsed yet)' ELSE subject END "
	    "FROM inbound_messages WHERE org_id IS NULL ORDER BY id",
	    0, NULL);
	int rc = 1;
	if (st != DB_OK) {
		fprintf(stderr, "jawnosc mail: %s", PQerrorMessage(c));
	} else {
		int n = PQntuples(r);
		for (int i = 0; i < n; i++)
			printf("%s\t%s\tto %s\tfrom %s\t%s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
			       PQgetvalue(r, i, 2)[0] ? PQgetvalue(r, i, 2) : "(unknown)",
			       PQgetvalue(r, i, 3)[0] ? PQgetvalue(r, i, 3) : "(unknown)",
			       PQgetvalue(r, i, 4));
		printf("%d message(s) without an organisation\n", n);
		rc = 0;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

static int assign(int argc, char **argv)
{
	const char *id = NULL, *org = NULL;
	for (int i = 2; i < argc; i++) {
		bool missing = false;
		const char *v = cli_opt_value(argc, argv, &i, "--org", &missing);
		if (v)
			org = v;
		else if (!missing && !id && argv[i][0] != '-')
			id = argv[i];
		else
			return fprintf(stderr, "%s\n", mail_usage), 2;
	}
	if (!id || !org || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18)
		return fprintf(stderr, "%s\n", mail_usage), 2;
	PGconn *c = connect_db();
	if (!c)
		return 1;
	const char *p[] = {id, org};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "UPDATE inbound_messages SET org_id = o.id, version = version + 1 "
	                      "FROM organisations o WHERE inbound_messages.id = $1::bigint "
	                      "AND inbound_messages.org_id IS NULL AND o.slug = $2 "
	                      "RETURNING inbound_messages.id",
	                      2, p);
	int rc = 1;
	if (st == DB_CONFLICT)
		fprintf(stderr, "jawnosc mail: organisation %s has this message already (the same "
		                "Message-ID)\n", org);
	else if (st != DB_OK)
		fprintf(stderr, "jawnosc mail: %s", PQerrorMessage(c));
	else if (PQntuples(r) == 0)
		fprintf(stderr, "jawnosc mail: no message %s without an organisation, or no "
		                "organisation %s\n", id, org);
	else
		printf("message %s: organisation %s\n", id, org), rc = 0;
	PQclear(r);
	PQfinish(c);
	return rc;
}

static int parse_now(void)
{
	PGconn *c = connect_db();
	if (!c)
		return 1;
	int total = 0, n;
	enum db_status st;
	do {
		st = inbound_parse_round(c, INBOUND_PARSE_BATCH, &n);
		total += n;
	} while (st == DB_OK && n == INBOUND_PARSE_BATCH);
	PQfinish(c);
	printf("%d message(s) parsed\n", total);
	if (st != DB_OK)
		fprintf(stderr, "jawnosc mail: the database failed; the rest waits for the next run\n");
	return st == DB_OK ? 0 : 1;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int show(void)
{
	size_t len;
	bool failed;
	unsigned char *raw = read_stdin(&len, &failed);
	if (failed || len > INBOUND_RAW_MAX) {
		fprintf(stderr, "jawnosc mail: %s\n",
		        failed ? "cannot read standard input" : "the message is larger than 40 MB");
		free(raw);
		return 1;
	}
	arena_t *a = arena_new(64 * 1024);
	struct mail m;
	mail_parse(a, raw, len, NULL, &m);
	json_t *refs = json_array(), *parts = json_array();
	for (size_t i = 0; i < m.nrefs; i++)
		json_array_append_new(refs, json_string(m.refs[i]));
	for (size_t i = 0; i < m.nparts; i++)
		json_array_append_new(
		    parts, json_pack("{s:s, s:s, s:I, s:b, s:b, s:s}", "filename", m.parts[i].filename,
		                     "content_type", m.parts[i].content_type, "size",
		                     (json_int_t)m.parts[i].size, "inline", m.parts[i].inline_image,
		                     "readable", m.parts[i].readable, "note", m.parts[i].note));
	json_t *o = json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s}",
	                      "kind", mail_kind_name(m.kind), "parse_error", str_or_null(m.parse_error),
	                      "note", str_or_null(m.note), "from_address", m.from_address,
	                      "from_name", m.from_name, "subject", m.subject, "message_id",
	                      m.message_id, "in_reply_to", m.in_reply_to, "references", refs,
	                      "bounce_of", str_or_null(m.bounce_of), "bounce_recipient",
	                      str_or_null(m.bounce_recipient), "parts", parts, "text", m.text);
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
	arena_free(a);
	free(raw);
	return 0;
}

int cmd_mail(int argc, char **argv)
{
	if (cli_help(argc, argv, mail_usage))
		return 0;
	if (argc == 2 && !strcmp(argv[1], "unrouted"))
		return unrouted();
	if (argc >= 2 && !strcmp(argv[1], "assign"))
		return assign(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "parse"))
		return parse_now();
	if (argc == 2 && !strcmp(argv[1], "show"))
		return show();
	fprintf(stderr, "%s\n", mail_usage);
	return 2;
}
