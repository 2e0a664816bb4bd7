/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/imap.h"

#include <curl/curl.h>
#include <sodium.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cases/inbound.h"
#include "core/config.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "mail/imap_client.h"
#include "mail/imap_proto.h"

#define READ_TIMEOUT 120L   /* seconds without a byte from the server */
#define TOO_LARGE_KEPT 256  /* messages over the limit remembered (logged once) */
#define SEARCH_MAX 20000    /* unseen UIDs one round looks at */

/* The settings, checked and resolved once by imap_poll_setup(); read-only
 * afterwards. */
static struct {
	bool on;
	bool curl_ready;
	char root[1100];      /* imap[s]://host[:port]/ */
	char mailbox[256];    /* the mailbox's name, decoded */
	char quoted[520];     /* the same as an IMAP quoted string */
	char password[1024];
	char envelope_to[256]; /* the user when it is an address, else "" */
} s;

/* The job's own state: one lane runs it (core/jobs.h), so only the
 * counters, which /metrics reads from other threads, are atomic. */
static struct {
	int streak;        /* rounds failed in a row */
	double next_try;   /* monotonic seconds; 0: now */
	uint64_t too_large[TOO_LARGE_KEPT]; /* uidvalidity << 32 | uid, logged already */
	unsigned ntoo_large;
} job;

static _Atomic int up = -1;
static _Atomic unsigned long long n_stored, n_duplicate, n_too_large, n_failures;

bool imap_poll_enabled(void)
{
	return s.on;
}

void imap_poll_counts(struct imap_poll_counts *out)
{
	out->up = atomic_load(&up);
	out->stored = atomic_load(&n_stored);
	out->duplicate = atomic_load(&n_duplicate);
	out->too_large = atomic_load(&n_too_large);
	out->failures = atomic_load(&n_failures);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- the settings ------------------------------------------------------------ */

static bool read_password(char *err, size_t errlen)
{
	bool inline_pw = cfg.imap_password[0] != '\0', file = cfg.imap_password_file[0] != '\0';
	if (inline_pw == file) {
		snprintf(err, errlen, "JAWNOSC_IMAP_URL is set: give exactly one of "
		         "JAWNOSC_IMAP_PASSWORD and JAWNOSC_IMAP_PASSWORD_FILE");
		return false;
	}
	if (inline_pw) {
		if (strlen(cfg.imap_password) >= sizeof s.password) {
			snprintf(err, errlen, "JAWNOSC_IMAP_PASSWORD is too long");
			return false;
		}
		snprintf(s.password, sizeof s.password, "%s", cfg.imap_password);
		return true;
	}
	FILE *f = fopen(cfg.imap_password_file, "r");
	if (!f) {
		snprintf(err, errlen, "JAWNOSC_IMAP_PASSWORD_FILE=\"%s\" cannot be read",
		         cfg.imap_password_file);
		return false;
	}
	bool ok = fgets(s.password, sizeof s.password, f) != NULL;
	fclose(f);
	s.password[strcspn(s.password, "\r\n")] = '\0';
	if (!ok || !s.password[0]) {
		snprintf(err, errlen, "JAWNOSC_IMAP_PASSWORD_FILE=\"%s\": its first line (the password) "
		         "is empty", cfg.imap_password_file);
		return false;
	}
	return true;
}

/* The URL's parts: the server's root and the mailbox. */
static bool parse_url(char *err, size_t errlen)
{
	const char *v = cfg.imap_url;
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *pw = NULL, *query = NULL, *frag = NULL,
	     *path = NULL, *root = NULL;
	bool ok = false;
	if (!u)
		oom();
	if (curl_url_set(u, CURLUPART_URL, v, 0) != CURLUE_OK) {
		snprintf(err, errlen, "JAWNOSC_IMAP_URL=\"%s\" is not a URL: expected "
		         "imaps://host[:port]/MAILBOX", v);
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_PASSWORD, &pw, 0);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0);
	curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE);
	if (!scheme || (strcmp(scheme, "imap") && strcmp(scheme, "imaps"))) {
		snprintf(err, errlen, "JAWNOSC_IMAP_URL=\"%s\" is not valid: the scheme must be imaps:// "
		         "(or imap://)", v);
		goto out;
	}
	if (!host || !*host) {
		snprintf(err, errlen, "JAWNOSC_IMAP_URL=\"%s\" is not valid: no host", v);
		goto out;
	}
	if (user || pw) {
		snprintf(err, errlen, "JAWNOSC_IMAP_URL must not hold credentials: set "
		         "JAWNOSC_IMAP_USER and JAWNOSC_IMAP_PASSWORD_FILE");
		goto out;
	}
	if (query || frag) {
		snprintf(err, errlen, "JAWNOSC_IMAP_URL=\"%s\" is not valid: no query or fragment, only "
		         "imaps://host[:port]/MAILBOX", v);
		goto out;
	}
	const char *mb = path ? path + strspn(path, "/") : "";
	size_t ml = strlen(mb);
	if (ml == 0 || ml >= sizeof s.mailbox || mb[ml - 1] == '/' || strchr(mb, ';') ||
	    !imap_quote(mb, s.quoted, sizeof s.quoted)) {
		snprintf(err, errlen, "JAWNOSC_IMAP_URL=\"%s\" is not valid: the path must name the "
		         "mailbox (INBOX, or a folder in printable ASCII), without IMAP URL parameters",
		         v);
		goto out;
	}
	for (const char *p = mb; *p; p++)
		if ((unsigned char)*p < 32 || (unsigned char)*p > 126) {
			snprintf(err, errlen, "JAWNOSC_IMAP_URL=\"%s\": the mailbox's name must be printable "
			         "ASCII", v);
			goto out;
		}
	snprintf(s.mailbox, sizeof s.mailbox, "%s", mb);
	if (curl_url_set(u, CURLUPART_PATH, "/", 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &root, 0) != CURLUE_OK || strlen(root) >= sizeof s.root) {
		snprintf(err, errlen, "JAWNOSC_IMAP_URL=\"%s\" is not valid", v);
		goto out;
	}
	snprintf(s.root, sizeof s.root, "%s", root);
	ok = true;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(pw);
	curl_free(query);
	curl_free(frag);
	curl_free(path);
	curl_free(root);
	curl_url_cleanup(u);
	return ok;
}

bool imap_poll_setup(char *err, size_t errlen)
{
	memset(&s, 0, sizeof s);
	if (!cfg.imap_url[0])
		return true;
	if (!cfg.imap_user[0]) {
		snprintf(err, errlen, "JAWNOSC_IMAP_URL is set: JAWNOSC_IMAP_USER is required");
		return false;
	}
	if (strlen(cfg.imap_user) > 255 || strpbrk(cfg.imap_user, "\r\n")) {
		snprintf(err, errlen, "JAWNOSC_IMAP_USER is not valid");
		return false;
	}
	if (cfg.imap_ca[0] && access(cfg.imap_ca, R_OK) != 0) {
		snprintf(err, errlen, "JAWNOSC_IMAP_CA=\"%s\" cannot be read", cfg.imap_ca);
		return false;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return false;
	}
	s.curl_ready = true;
	if (!parse_url(err, errlen) || !read_password(err, errlen)) {
		imap_poll_cleanup();
		return false;
	}
	if (strchr(cfg.imap_user, '@'))
		snprintf(s.envelope_to, sizeof s.envelope_to, "%s", cfg.imap_user);
	s.on = true;
	log_info("imap: polling %s%s every %ld ms", s.root, s.mailbox, cfg.imap_poll_ms);
	return true;
}

void imap_poll_cleanup(void)
{
	if (s.curl_ready)
		curl_global_cleanup();
	sodium_memzero(s.password, sizeof s.password);
	s.on = false;
	s.curl_ready = false;
}

/* --- failures and the backoff ------------------------------------------------ */

static void mailbox_down(const char *why)
{
	atomic_fetch_add(&n_failures, 1);
	atomic_store(&up, 0);
	long wait = cfg.imap_retry_base;
	for (int i = 0; i < job.streak && wait < IMAP_RETRY_MAX; i++)
		wait *= 2;
	if (wait > IMAP_RETRY_MAX)
		wait = IMAP_RETRY_MAX;
	job.streak++;
	job.next_try = mono() + (double)wait;
	log_warn("imap: %s%s unreachable (attempt %d), next try in %ld s; messages wait unseen: %s",
	         s.root, s.mailbox, job.streak, wait, why);
}

static void mailbox_up(void)
{
	if (job.streak > 0)
		log_info("imap: %s%s reachable again after %d failed attempts", s.root, s.mailbox,
		         job.streak);
	job.streak = 0;
	job.next_try = 0;
	atomic_store(&up, 1);
}

static bool known_too_large(uint32_t validity, uint32_t uid)
{
	uint64_t key = (uint64_t)validity << 32 | uid;
	for (unsigned i = 0; i < job.ntoo_large && i < TOO_LARGE_KEPT; i++)
		if (job.too_large[i] == key)
			return true;
	return false;
}

/* Logs a message over the limit once per process (and counts it once). */
static void too_large(uint32_t validity, uint32_t uid, uint64_t size)
{
	uint64_t key = (uint64_t)validity << 32 | uid;
	if (known_too_large(validity, uid))
		return;
	job.too_large[job.ntoo_large++ % TOO_LARGE_KEPT] = key;
	atomic_fetch_add(&n_too_large, 1);
	log_warn("imap: message %" PRIu32 ":%" PRIu32 " in %s has %" PRIu64 " bytes, over the limit "
	         "of %d: left unseen in the mailbox for someone to handle there",
	         validity, uid, s.mailbox, size, INBOUND_RAW_MAX);
}

/* --- one round ------------------------------------------------------------------ */

struct round {
	uint32_t validity;
	uint32_t all[SEARCH_MAX]; /* what UID SEARCH UNSEEN answered */
	size_t nall, more;
	/* the message being read */
	uint32_t want_uid;
	bool found;
	uint64_t size;
	strbuf_t body;
	bool has_body;
};

static void on_select(void *ud, const char *resp, size_t len)
{
	struct round *r = ud;
	uint32_t v;
	if (imap_parse_uidvalidity(resp, len, &v))
		r->validity = v;
}

static void on_search(void *ud, const char *resp, size_t len)
{
	struct round *r = ud;
	imap_parse_search(resp, len, r->all, SEARCH_MAX, &r->nall, &r->more);
}

static void on_fetch(void *ud, const char *resp, size_t len)
{
	struct round *r = ud;
	struct imap_fetch f;
	if (!imap_parse_fetch(resp, len, &f) || f.uid != r->want_uid)
		return;
	r->found = true;
	if (f.has_size)
		r->size = f.size;
	if (f.has_body) {
		sb_reset(&r->body);
		sb_append(&r->body, f.body, f.body_len);
		r->has_body = true;
	}
}

/* The organisation of JAWNOSC_IMAP_ORG: 1 found (*id), 0 no such
 * organisation, -1 database error. */
static int org_of_setting(PGconn *c, long long *id)
{
	*id = 0;
	if (!cfg.imap_org[0])
		return 1;
	const char *p[] = {cfg.imap_org};
	enum db_status st;
	PGresult *res = db_exec(c, &st, "SELECT id FROM organisations WHERE slug = $1", 1, p);
	if (st != DB_OK) {
		PQclear(res);
		return -1;
	}
	int n = PQntuples(res);
	if (n == 1)
		*id = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n == 1;
}

/* One message: 1 done (stored, a duplicate, skipped), 0 the mailbox
 * failed (`err`), -1 the database failed. */
static int one_message(PGconn *c, struct imap_conn *ic, struct round *r, uint32_t uid,
                       long long org, char *err, size_t errlen)
{
	char cmd[96];
	r->want_uid = uid;
	r->found = r->has_body = false;
	r->size = 0;
	snprintf(cmd, sizeof cmd, "UID FETCH %" PRIu32 " (UID RFC822.SIZE)", uid);
	enum imap_result res = imap_command(ic, cmd, on_fetch, r, err, errlen);
	if (res == IMAP_REFUSED)
		return 1; /* gone meanwhile (another client expunged it) */
	if (res != IMAP_OK)
		return 0;
	if (!r->found)
		return 1;
	if (r->size > INBOUND_RAW_MAX) {
		too_large(r->validity, uid, r->size);
		return 1;
	}
	r->found = false;
	snprintf(cmd, sizeof cmd, "UID FETCH %" PRIu32 " (UID BODY.PEEK[])", uid);
	res = imap_command(ic, cmd, on_fetch, r, err, errlen);
	if (res == IMAP_REFUSED)
		return 1;
	if (res != IMAP_OK)
		return 0;
	if (!r->found || !r->has_body)
		return 1;
	if (r->body.len > INBOUND_RAW_MAX) {
		too_large(r->validity, uid, r->body.len);
		return 1;
	}
	char ref[32];
	snprintf(ref, sizeof ref, "%" PRIu32 ":%" PRIu32, r->validity, uid);
	struct inbound_in in = {.raw = (const unsigned char *)r->body.data,
	                        .len = r->body.len,
	                        .source = "imap",
	                        .envelope_from = "",
	                        .envelope_to = s.envelope_to,
	                        .external_ref = ref,
	                        .org_id = org};
	long long id;
	bool dup;
	enum db_status st = inbound_store(c, &in, &id, &dup);
	if (st != DB_OK) {
		log_warn("imap: message %s not stored (database %d): left unseen, fetched again "
		         "next round", ref, (int)st);
		return -1;
	}
	atomic_fetch_add(dup ? &n_duplicate : &n_stored, 1);
	if (dup)
		log_info("imap: message %s was stored before as %lld (a duplicate): marked seen", ref,
		         id);
	else
		log_info("imap: message %s stored as %lld (%zu bytes)", ref, id, r->body.len);
	/* Committed: now, and only now, seen. A failure here leaves it unseen,
	 * and the next round finds it stored (a duplicate). */
	snprintf(cmd, sizeof cmd, "UID STORE %" PRIu32 " +FLAGS.SILENT (\\Seen)", uid);
	res = imap_command(ic, cmd, NULL, NULL, err, errlen);
	if (res == IMAP_REFUSED) {
		log_warn("imap: message %s stored, but not marked seen: %s", ref, err);
		return 1;
	}
	return res == IMAP_OK ? 1 : 0;
}

enum job_result imap_poll_job(void)
{
	if (!s.on || mono() < job.next_try)
		return JOB_DONE;
	PGconn *c = db_conn();
	if (!c)
		return JOB_FAILED;
	long long org;
	int found = org_of_setting(c, &org);
	if (found < 0)
		return JOB_FAILED;
	if (found == 0) {
		char why[160];
		snprintf(why, sizeof why, "JAWNOSC_IMAP_ORG=\"%s\" names no organisation", cfg.imap_org);
		mailbox_down(why);
		return JOB_DONE;
	}
	char err[1024] = "";
	struct imap_login l = {.url = s.root,
	                       .user = cfg.imap_user,
	                       .password = s.password,
	                       .ca = cfg.imap_ca,
	                       .literal_max = (size_t)INBOUND_RAW_MAX + 1024 * 1024,
	                       .timeout_s = READ_TIMEOUT};
	struct imap_conn *ic;
	enum imap_result res = imap_open(&l, &ic, err, sizeof err);
	if (res == IMAP_STOPPED)
		return JOB_DONE;
	if (res != IMAP_OK) {
		mailbox_down(err);
		return JOB_DONE;
	}
	struct round *r = calloc(1, sizeof *r);
	if (!r)
		oom();
	sb_init(&r->body, NULL);
	enum job_result out = JOB_DONE;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "SELECT %s", s.quoted);
	res = imap_command(ic, cmd, on_select, r, err, sizeof err);
	if (res == IMAP_OK && r->validity == 0) {
		snprintf(err, sizeof err, "SELECT %s: no UIDVALIDITY in the answer", s.quoted);
		res = IMAP_REFUSED;
	}
	if (res == IMAP_OK)
		res = imap_command(ic, "UID SEARCH UNSEEN", on_search, r, err, sizeof err);
	if (res == IMAP_STOPPED)
		goto out;
	if (res != IMAP_OK) {
		mailbox_down(err);
		goto out;
	}
	/* Those left unseen for their size are not fetched again. */
	size_t taken = 0, i = 0;
	for (; i < r->nall && taken < IMAP_BATCH && !jobs_stopping(); i++) {
		if (known_too_large(r->validity, r->all[i]))
			continue;
		taken++;
		int n = one_message(c, ic, r, r->all[i], org, err, sizeof err);
		if (n < 0) {
			out = JOB_FAILED;
			goto out;
		}
		if (n == 0) {
			if (!jobs_stopping())
				mailbox_down(err);
			goto out;
		}
	}
	mailbox_up();
	if (i < r->nall || r->more)
		out = JOB_MORE;
out:
	imap_close(ic);
	sb_free(&r->body);
	free(r);
	return out;
}
