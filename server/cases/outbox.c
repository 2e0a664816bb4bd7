/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/outbox.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cases/mailmsg.h"
#include "cases/mailref.h"
#include "cases/signature.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* What became of one message. */
enum send_result {
	SEND_OK,        /* delivered to the SMTP server or written as .eml */
	SEND_RETRY,     /* a passing failure: try again after the backoff */
	SEND_PERMANENT, /* can never succeed: mark failed now */
	SEND_ABANDONED, /* the server stops (jobs_stopping()): leave the row as it was */
};

/* Set once by mailer_setup(), read-only afterwards. */
static struct {
	bool curl_ready;
	long use_ssl;          /* CURLOPT_USE_SSL */
	char from_addr[MAIL_ADDRESS_MAX + 4]; /* "<addr>" for MAIL FROM */
} m;

bool outbox_enqueue(PGconn *c, long long org_id, long long request_id, const char *to,
                    const char *subject, const char *body, long long document_id)
{
	char org[24], req[24], doc[24];
	snprintf(org, sizeof org, "%lld", org_id);
	snprintf(req, sizeof req, "%lld", request_id);
	snprintf(doc, sizeof doc, "%lld", document_id);
	const char *p[] = {org, request_id ? req : NULL, to, subject, body,
	                   document_id ? doc : NULL};
	enum db_status s = db_run(c,
	                          "INSERT INTO outbox (org_id, request_id, recipient, subject, body, "
	                          "attachment_document_id) VALUES ($1, $2, $3, $4, $5, $6)",
	                          6, p);
	if (s != DB_OK)
		log_warn("outbox: cannot queue a message: %s", PQerrorMessage(c));
	return s == DB_OK;
}

/* --- the two ways out: SMTP and .eml files -------------------------------- */

struct reader {
	const char *data;
	size_t len, pos;
};

static size_t read_message(char *buf, size_t size, size_t nitems, void *userdata)
{
	struct reader *r = userdata;
	size_t n = size * nitems;
	if (n > r->len - r->pos)
		n = r->len - r->pos;
	memcpy(buf, r->data + r->pos, n);
	r->pos += n;
	return n;
}

/* libcurl calls this about once a second: a non-zero answer abandons the
 * transfer, so a stop never waits for a slow SMTP server. */
static int transfer_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                             curl_off_t ultotal, curl_off_t ulnow)
{
	return jobs_stopping() ? 1 : 0;
}

/* RFC 5321 §4.2.2 replies that will not change on a retry: syntax error in
 * the address, mailbox unavailable, user not local, mailbox name refused. */
static bool smtp_permanent(long code)
{
	return code == 501 || code == 550 || code == 551 || code == 553;
}

static enum send_result smtp_send(CURL **handle, const char *to, const strbuf_t *msg, char *err,
                                  size_t errlen)
{
	if (!*handle && !(*handle = curl_easy_init())) {
		snprintf(err, errlen, "SMTP: cannot initialise libcurl");
		return SEND_RETRY;
	}
	CURL *h = *handle;
	curl_easy_reset(h); /* keeps the connection for the next message */
	char rcpt[MAIL_ADDRESS_MAX + 3];
	snprintf(rcpt, sizeof rcpt, "<%s>", to);
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	if (!rcpts)
		oom();
	struct reader rd = {.data = msg->data, .len = msg->len};
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, cfg.smtp_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, m.use_ssl);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, m.from_addr);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(h, CURLOPT_READDATA, &rd);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
	/* A stalled server is dropped after 20 s; a large attachment on a slow
	 * but moving link may take longer. */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 20L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, transfer_progress);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpts);
	if (rc == CURLE_OK)
		return SEND_OK;
	if (rc == CURLE_ABORTED_BY_CALLBACK && jobs_stopping())
		return SEND_ABANDONED;
	const char *why = cerr[0] ? cerr : curl_easy_strerror(rc);
	if (code)
		snprintf(err, errlen, "SMTP: %s (reply %ld)", why, code);
	else
		snprintf(err, errlen, "SMTP: %s", why);
	return smtp_permanent(code) ? SEND_PERMANENT : SEND_RETRY;
}

/* mkdir -p */
static bool make_dirs(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
		snprintf(err, errlen, "path too long");
		return false;
	}
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char was = *p;
		*p = '\0';
		if (mkdir(path, 0750) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%.300s: %s", path, strerror(errno));
			return false;
		}
		*p = was;
		if (!was)
			return true;
	}
}

static bool write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		data += w;
		len -= (size_t)w;
	}
	return true;
}

/* <mail_dir>/<id>-<unix time>.eml, written as a hidden temporary file and
 * renamed, so that whoever watches the folder never reads half a message. */
static enum send_result eml_write(long long id, const strbuf_t *msg, char *err, size_t errlen)
{
	char why[PATH_MAX + 64], tmp[PATH_MAX], path[PATH_MAX];
	if (!make_dirs(cfg.mail_dir, why, sizeof why)) {
		snprintf(err, errlen, "cannot create the mail folder %.400s", why);
		return SEND_RETRY;
	}
	long long now = (long long)clock_now();
	if (snprintf(tmp, sizeof tmp, "%s/.%lld-%lld.eml.tmp", cfg.mail_dir, id, now) >=
	        (int)sizeof tmp ||
	    snprintf(path, sizeof path, "%s/%lld-%lld.eml", cfg.mail_dir, id, now) >=
	        (int)sizeof path) {
		snprintf(err, errlen, "mail folder path too long");
		return SEND_RETRY;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %.300s: %s", tmp, strerror(errno));
		return SEND_RETRY;
	}
	bool ok = write_all(fd, msg->data, msg->len) && fsync(fd) == 0;
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		snprintf(err, errlen, "cannot write %.300s: %s", path, strerror(saved));
		return SEND_RETRY;
	}
	return SEND_OK;
}

/* --- one message ----------------------------------------------------------- */

/* A claimed outbox row. */
struct mail_row {
	long long id;
	const char *to, *subject, *body;
	int attempts;
	const char *document_id; /* NULL: none */
	long long request_id;    /* 0: none */
	const char *message_id;  /* "" until the first attempt */
	const char *reply_to;    /* "" when none */
	const char *org_email;
	bool to_requester; /* the recipient is the case's requester */
	const char *org_name;
	bool several; /* the deployment serves more than one body */
};

/* Who a message is from: JAWNOSC_MAIL_FROM; in a deployment for several
 * bodies, under the name of the body it is sent for (its address stays:
 * the one the mail server sends and signs for), so that a requester of
 * one body never gets mail under another's name. The name is a quoted
 * string, control characters blanked (no header can be slipped in), cut
 * at a character to FROM_NAME_MAX bytes with its escapes and "…" (a body's
 * name may have 300 characters; mail_split_from() takes 255 bytes). The
 * address is the one check_settings() read from JAWNOSC_MAIL_FROM. */
#define FROM_NAME_MAX 200
static const char *from_of(arena_t *a, const struct mail_row *row)
{
	if (!row->several || !row->org_name || !row->org_name[0] || !m.from_addr[0])
		return cfg.mail_from;
	strbuf_t s;
	sb_init(&s, a);
	sb_putc(&s, '"');
	size_t used = 0;
	for (const unsigned char *p = (const unsigned char *)row->org_name; *p;) {
		/* One character: its bytes and the escape it needs. */
		size_t n = 1;
		while ((p[n] & 0xC0) == 0x80)
			n++;
		bool escape = *p == '"' || *p == '\\';
		if (used + n + escape > FROM_NAME_MAX - 3) {
			sb_puts(&s, "\xe2\x80\xa6"); /* … */
			break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			sb_putc(&s, ' ');
		} else {
			if (escape)
				sb_putc(&s, '\\');
			for (size_t i = 0; i < n; i++)
				sb_putc(&s, (char)p[i]);
		}
		used += n + escape;
		p += n;
	}
	sb_printf(&s, "\" %s", m.from_addr);
	return s.data;
}

/* Its thread: In-Reply-To names the latest message the case received by
 * mail (the request itself, a reply); References the first message of
 * the case and the last ones, ours and theirs, oldest first. */
#define THREAD_REFS 10

struct thread_buf {
	struct mail_thread t;
	const char *refs[THREAD_REFS];
	char mid[MAILREF_MAX + 1], reply_to[MAILREF_MAX + 1];
};

static enum db_status thread_of(PGconn *c, arena_t *a, const struct mail_row *row,
                                struct thread_buf *tb)
{
	memset(tb, 0, sizeof *tb);
	tb->t.refs = tb->refs;
	if (row->message_id[0])
		snprintf(tb->mid, sizeof tb->mid, "%s", row->message_id);
	else if (!mailref_message_id(row->id, cfg.mail_from, tb->mid, sizeof tb->mid))
		tb->mid[0] = '\0';
	tb->t.message_id = tb->mid[0] ? tb->mid : NULL;
	if (row->reply_to[0])
		snprintf(tb->reply_to, sizeof tb->reply_to, "%s", row->reply_to);
	else if (row->request_id && row->to_requester)
		mailref_reply_address(row->org_email, cfg.mail_from, row->request_id, tb->reply_to,
		                      sizeof tb->reply_to);
	tb->t.reply_to = tb->reply_to[0] ? tb->reply_to : NULL;
	if (!row->request_id || !row->to_requester)
		return DB_OK;
	char req[24], id[24];
	snprintf(req, sizeof req, "%lld", row->request_id);
	snprintf(id, sizeof id, "%lld", row->id);
	const char *p[] = {req, id, row->to};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "WITH x AS (SELECT m.message_id AS mid, m.received_at AS at, true AS theirs "
	    "FROM inbound_messages m WHERE m.request_id = $1 AND m.message_id IS NOT NULL "
	    "AND m.status IN ('registered', 'reply', 'attached') "
	    "UNION ALL SELECT o.message_id, coalesce(o.sent_at, o.created_at), false FROM outbox o "
	    "WHERE o.request_id = $1 AND o.id < $2::bigint AND o.message_id IS NOT NULL "
	    "AND lower(o.recipient) = lower($3)) "
	    "SELECT mid, theirs, theirs AND at = (SELECT max(at) FROM x WHERE theirs) FROM "
	    "((SELECT * FROM x ORDER BY at, mid LIMIT 1) UNION "
	    "(SELECT * FROM x ORDER BY at DESC, mid DESC LIMIT " STRINGIFY(THREAD_REFS) " - 1)) y "
	    "ORDER BY at, mid",
	    3, p);
	for (int i = 0; st == DB_OK && i < PQntuples(r) && tb->t.nrefs < THREAD_REFS; i++) {
		const char *mid = arena_strdup(a, PQgetvalue(r, i, 0));
		tb->refs[tb->t.nrefs++] = mid;
		if (PQgetvalue(r, i, 2)[0] == 't')
			tb->t.in_reply_to = mid;
	}
	PQclear(r);
	return st;
}

/* The row's Message-ID and Reply-To, written before the first attempt;
 * both are the same at every attempt (cases/mailref.h). */
static enum db_status thread_record(PGconn *c, const struct mail_row *row,
                                    const struct thread_buf *tb)
{
	if (row->message_id[0] || !tb->t.message_id)
		return DB_OK;
	char id[24];
	snprintf(id, sizeof id, "%lld", row->id);
	const char *p[] = {id, tb->t.message_id, tb->t.reply_to};
	return db_run(c, "UPDATE outbox SET message_id = $2, reply_to = $3 WHERE id = $1", 3, p);
}

/* The PDF of the attached document into *pdf (PQfreemem it), or NULL when
 * the document has none. False on a database error: then the message must
 * not go out without its attachment. */
static bool fetch_pdf(PGconn *c, arena_t *a, const char *document_id, char **name,
                      unsigned char **pdf, size_t *len)
{
	enum db_status st;
	const char *p[] = {document_id};
	PGresult *r = db_exec(c, &st,
	                      "SELECT d.title, " SIGNATURE_PDF_OF("d") " FROM documents d "
	                      "WHERE d.id = $1 AND " SIGNATURE_PDF_OF("d") " IS NOT NULL",
	                      1, p);
	*pdf = NULL;
	if (st == DB_OK && PQntuples(r) == 1) {
		*pdf = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 1), len);
		if (!*pdf)
			oom();
		*name = arena_printf(a, "%s.pdf", PQgetvalue(r, 0, 0));
	}
	PQclear(r);
	return st == DB_OK;
}

/* The files attached to the document (cases/attachment_files.h), after
 * its PDF in `parts` (which has room for them: *n in, *n out). False on a
 * database error. */
static bool fetch_attachments(PGconn *c, arena_t *a, const char *document_id,
                              struct mail_attachment **parts, size_t *n)
{
	const char *p[] = {document_id};
	PGresult *r = PQexecParams(c,
	                           "SELECT filename, content_type, data FROM attachments "
	                           "WHERE document_id = $1 AND size > 0 ORDER BY id",
	                           1, NULL, p, NULL, NULL, 1);
	bool ok = db_status_of(c, r) == DB_OK;
	int rows = ok ? PQntuples(r) : 0;
	struct mail_attachment *v = arena_calloc(a, *n + (size_t)rows + 1, sizeof *v);
	if (*n)
		memcpy(v, *parts, *n * sizeof *v);
	for (int i = 0; i < rows; i++) {
		size_t len;
		const char *data = db_value_copy(a, r, i, 2, &len);
		v[(*n)++] = (struct mail_attachment){arena_strdup(a, PQgetvalue(r, i, 0)),
		                                     arena_strdup(a, PQgetvalue(r, i, 1)),
		                                     (const unsigned char *)data, len};
	}
	*parts = v;
	PQclear(r);
	return ok;
}

static enum send_result send_row(PGconn *c, const struct mail_row *row, CURL **handle,
                                 char *err, size_t errlen)
{
	arena_t *a = arena_new(16384);
	strbuf_t msg;
	sb_init(&msg, a);
	char *att_name = NULL;
	size_t att_len = 0;
	unsigned char *att = NULL;
	enum send_result res;
	struct thread_buf tb;
	struct mail_attachment one, *parts = &one;
	size_t nparts = 0;
	bool read = !row->document_id || fetch_pdf(c, a, row->document_id, &att_name, &att, &att_len);
	if (read && att) {
		one = (struct mail_attachment){att_name, "application/pdf", att, att_len};
		nparts = 1;
		/* The letter never goes without what it lists as enclosed. */
		read = fetch_attachments(c, a, row->document_id, &parts, &nparts);
	}
	if (thread_of(c, a, row, &tb) != DB_OK || thread_record(c, row, &tb) != DB_OK) {
		snprintf(err, errlen, "cannot read or record the message's thread");
		res = SEND_RETRY;
	} else if (!read) {
		snprintf(err, errlen, "cannot read the attached document %s", row->document_id);
		res = SEND_RETRY;
	} else if (!mail_build_thread(&msg, from_of(a, row), row->to, row->subject, row->body, &tb.t,
	                              parts, nparts, err, errlen)) {
		res = SEND_PERMANENT;
	} else if (cfg.smtp_url[0]) {
		res = smtp_send(handle, row->to, &msg, err, errlen);
	} else {
		res = eml_write(row->id, &msg, err, errlen);
	}
	PQfreemem(att);
	arena_free(a);
	return res;
}

/* Writes a failed attempt on the row (its claim ends: the next attempt is
 * due after the back-off). */
static bool record(PGconn *c, const struct mail_row *row, enum send_result res, const char *err)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", row->id);
	int attempts = row->attempts + 1;
	bool give_up = res == SEND_PERMANENT || attempts >= OUTBOX_MAX_ATTEMPTS;
	long wait = mail_backoff_seconds(attempts, cfg.mail_retry_base);
	char secs[24];
	snprintf(secs, sizeof secs, "%ld", wait);
	if (give_up)
		log_warn("mail %lld failed for good after %d attempt(s): %s", row->id, attempts, err);
	else
		log_warn("mail %lld attempt %d failed, next in %ld s: %s", row->id, attempts, wait, err);
	const char *p[] = {id, err, give_up ? "failed" : "pending", secs};
	return db_run(c,
	              "UPDATE outbox SET attempts = attempts + 1, last_error = $2, status = $3, "
	              "next_attempt_at = now() + $4::int * interval '1 second' WHERE id = $1",
	              4, p) == DB_OK;
}

/* Marks the rows sent (`ids`: a PostgreSQL array literal) in one
 * statement; a row marked already is left as it is. */
static bool record_sent(PGconn *c, const char *ids)
{
	const char *p[] = {ids};
	return db_run(c,
	              "UPDATE outbox SET status = 'sent', sent_at = now(), "
	              "attempts = attempts + 1, last_error = NULL "
	              "WHERE id = ANY ($1::bigint[]) AND status = 'pending'",
	              1, p) == DB_OK;
}

/* --- the job --------------------------------------------------------------- */

/* How long a claim holds its rows: no other round (of this instance or
 * another) sends them meanwhile. Only a server that dies while sending
 * leaves them to be sent again once it has passed. */
#define OUTBOX_CLAIM "10 minutes"

/* What a round could not write because the database went away (as in a
 * failover): the rows this process sent (to mark sent) and the rows it
 * claimed but did not send (to release). The next round writes both
 * before it claims anything, while the claim still holds the rows, so no
 * message is sent twice and none waits for its claim to pass. Array
 * literals, "" when none. */
static pthread_mutex_t unrecorded_lock = PTHREAD_MUTEX_INITIALIZER;
static char unrecorded[OUTBOX_BATCH * 22 + 3], unreleased[OUTBOX_BATCH * 22 + 3];

/* Due again at once: rows claimed and not sent. */
static bool release(PGconn *c, const char *ids)
{
	const char *p[] = {ids};
	return db_run(c,
	              "UPDATE outbox SET next_attempt_at = now() "
	              "WHERE id = ANY ($1::bigint[]) AND status = 'pending'",
	              1, p) == DB_OK;
}

/* Writes what an earlier round could not; false while the database still
 * does not take it. */
static bool record_unrecorded(PGconn *c)
{
	pthread_mutex_lock(&unrecorded_lock);
	bool ok = !unrecorded[0] || record_sent(c, unrecorded);
	if (ok && unrecorded[0]) {
		log_info("mail: %s marked sent after the database came back", unrecorded);
		unrecorded[0] = '\0';
	}
	ok = ok && (!unreleased[0] || release(c, unreleased));
	if (ok)
		unreleased[0] = '\0';
	pthread_mutex_unlock(&unrecorded_lock);
	return ok;
}

/* Keeps `sent` and `left` (array literals, "{}" for none) for the next
 * round. */
static void keep_unrecorded(const char *sent, const char *left)
{
	pthread_mutex_lock(&unrecorded_lock);
	snprintf(unrecorded, sizeof unrecorded, "%s", strcmp(sent, "{}") ? sent : "");
	snprintf(unreleased, sizeof unreleased, "%s", strcmp(left, "{}") ? left : "");
	pthread_mutex_unlock(&unrecorded_lock);
	if (strcmp(sent, "{}"))
		log_warn("mail: %s sent, but the database did not take the record: kept to mark", sent);
}

/* Appends `id` to the array literal being built in buf (n: its length). */
static void ids_add(char *buf, size_t size, size_t *n, long long id)
{
	*n += (size_t)snprintf(buf + *n, size - *n, "%s%lld", *n > 1 ? "," : "", id);
}

/* One round: claims up to OUTBOX_BATCH due rows (a committed claim,
 * OUTBOX_CLAIM long), sends them, records each outcome and releases what
 * it did not send. Returns the number of rows claimed, or -1 on a database
 * error. */
static int mailer_round(PGconn *c)
{
	if (!record_unrecorded(c))
		return -1;
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "WITH due AS (SELECT id FROM outbox WHERE status = 'pending' "
	                      "AND next_attempt_at <= now() ORDER BY id "
	                      "LIMIT " STRINGIFY(OUTBOX_BATCH) " FOR UPDATE SKIP LOCKED), "
	                      "o AS (UPDATE outbox x SET next_attempt_at = now() + interval '"
	                      OUTBOX_CLAIM "' FROM due WHERE x.id = due.id RETURNING x.*) "
	                      "SELECT o.id, o.recipient, o.subject, o.body, o.attempts, "
	                      "o.attachment_document_id, coalesce(o.request_id, 0), "
	                      "coalesce(o.message_id, ''), coalesce(o.reply_to, ''), g.email, "
	                      "coalesce(q.email <> '' AND lower(q.email) = lower(o.recipient), false), "
	                      "g.name, (SELECT count(*) > 1 FROM organisations) "
	                      "FROM o JOIN organisations g ON g.id = o.org_id "
	                      "LEFT JOIN requesters q ON q.request_id = o.request_id ORDER BY o.id",
	                      0, NULL);
	int claimed = st == DB_OK ? PQntuples(r) : -1;
	CURL *handle = NULL;
	/* The ids sent, and those claimed but not tried, as array literals. */
	char sent[OUTBOX_BATCH * 22 + 3] = "{", left[OUTBOX_BATCH * 22 + 3] = "{";
	size_t nsent = 1, nleft = 1;
	bool db_ok = true;
	for (int i = 0; i < claimed; i++) {
		struct mail_row row = {
		    .id = strtoll(PQgetvalue(r, i, 0), NULL, 10),
		    .to = PQgetvalue(r, i, 1),
		    .subject = PQgetvalue(r, i, 2),
		    .body = PQgetvalue(r, i, 3),
		    .attempts = atoi(PQgetvalue(r, i, 4)),
		    .document_id = PQgetisnull(r, i, 5) ? NULL : PQgetvalue(r, i, 5),
		    .request_id = strtoll(PQgetvalue(r, i, 6), NULL, 10),
		    .message_id = PQgetvalue(r, i, 7),
		    .reply_to = PQgetvalue(r, i, 8),
		    .org_email = PQgetvalue(r, i, 9),
		    .to_requester = PQgetvalue(r, i, 10)[0] == 't',
		    .org_name = PQgetvalue(r, i, 11),
		    .several = PQgetvalue(r, i, 12)[0] == 't',
		};
		if (!db_ok || jobs_stopping()) {
			ids_add(left, sizeof left, &nleft, row.id);
			continue;
		}
		char err[512] = "";
		enum send_result res = send_row(c, &row, &handle, err, sizeof err);
		if (res == SEND_ABANDONED) {
			ids_add(left, sizeof left, &nleft, row.id);
		} else if (res == SEND_OK) {
			log_info("mail %lld sent (attempt %d)", row.id, row.attempts + 1);
			ids_add(sent, sizeof sent, &nsent, row.id);
		} else if (!record(c, &row, res, err)) {
			/* The database went away: this row and the rest are
			 * released by the next round. */
			ids_add(left, sizeof left, &nleft, row.id);
			db_ok = false;
		}
	}
	if (handle)
		curl_easy_cleanup(handle);
	PQclear(r);
	snprintf(sent + nsent, sizeof sent - nsent, "}");
	snprintf(left + nleft, sizeof left - nleft, "}");
	bool written = (nsent == 1 || record_sent(c, sent)) && (nleft == 1 || release(c, left));
	if (!written)
		keep_unrecorded(sent, left);
	db_ok = db_ok && written;
	return claimed >= 0 && db_ok ? claimed : -1;
}

enum job_result mailer_job(void)
{
	PGconn *c = db_conn();
	int n = c ? mailer_round(c) : -1;
	if (n < 0)
		return JOB_FAILED;
	/* A full batch means more may be due: go on without waiting. */
	return n == OUTBOX_BATCH ? JOB_MORE : JOB_DONE;
}

/* True when the URL carries a user name (and so, likely, a password). */
static bool url_has_credentials(const char *url)
{
	CURLU *u = curl_url();
	char *user = NULL;
	bool has = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	           curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user && *user;
	curl_free(user);
	curl_url_cleanup(u);
	return has;
}

static bool check_settings(char *err, size_t errlen)
{
	char name[256], addr[MAIL_ADDRESS_MAX + 2], why[PATH_MAX + 64];
	if (!mail_split_from(cfg.mail_from, name, sizeof name, addr, sizeof addr) ||
	    !mail_address_valid(addr, why, sizeof why)) {
		snprintf(err, errlen, "JAWNOSC_MAIL_FROM=\"%s\" holds no valid e-mail address",
		         cfg.mail_from);
		return false;
	}
	snprintf(m.from_addr, sizeof m.from_addr, "<%s>", addr);
	if (!cfg.smtp_url[0]) {
		if (!make_dirs(cfg.mail_dir, why, sizeof why)) {
			snprintf(err, errlen, "JAWNOSC_MAIL_DIR: cannot create %.400s", why);
			return false;
		}
		log_info("mail: no JAWNOSC_SMTP_URL, writing .eml files to %s", cfg.mail_dir);
		return true;
	}
	bool plain = strncmp(cfg.smtp_url, "smtp://", 7) == 0;
	if (!plain && strncmp(cfg.smtp_url, "smtps://", 8) != 0) {
		snprintf(err, errlen, "JAWNOSC_SMTP_URL must start with smtp:// or smtps://");
		return false;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl cannot be initialised");
		return false;
	}
	m.curl_ready = true;
	/* Never send a password in clear: with credentials, STARTTLS or nothing. */
	m.use_ssl = plain && url_has_credentials(cfg.smtp_url) ? (long)CURLUSESSL_ALL
	                                                       : (long)CURLUSESSL_NONE;
	log_info("mail: sending over SMTP%s", m.use_ssl == (long)CURLUSESSL_ALL ? " with STARTTLS" : "");
	return true;
}

bool mailer_setup(char *err, size_t errlen)
{
	if (check_settings(err, errlen))
		return true;
	mailer_cleanup();
	return false;
}

void mailer_cleanup(void)
{
	if (m.curl_ready)
		curl_global_cleanup();
	m.curl_ready = false;
}
