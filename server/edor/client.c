/* SPDX-License-Identifier: EUPL-1.2 */
#include "edor/client.h"

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/strbuf.h"

#define ASSERTION_LIFETIME 120 /* seconds: "exp short" */
#define CALL_TIMEOUT 120L      /* seconds for one call; the job's lease is longer */
#define LOOKUP_TIMEOUT 10L     /* seconds for a lookup: a clerk waits for the page */

/* One system's credentials and its token: the deployment's (from the
 * environment) or an organisation's (org_edoreczenia). Read-only once
 * made, but for the token. */
struct account {
	bool on;
	EVP_PKEY *key;
	char url[1001], token_url[1001], search_url[1001];
	char address[EDOR_ADDRESS_LEN + 1], key_path[1001], cert_path[1001];
	char client_id[160];
	pthread_mutex_t lock; /* guards the token */
	char token[EDOR_TOKEN_MAX + 1];
	time_t token_until; /* real time; 0: none */
};

#define ACCOUNTS_MAX 256 /* organisations' accounts kept (one per set of settings) */

static struct {
	bool curl_ready;
	struct account env;
	pthread_mutex_t lock; /* guards orgs[] */
	struct account *orgs[ACCOUNTS_MAX];
	int norgs;
} e = {.env.lock = PTHREAD_MUTEX_INITIALIZER, .lock = PTHREAD_MUTEX_INITIALIZER};

/* The account this thread's calls use (edor_use()); NULL: the deployment's. */
static _Thread_local struct account *current;

static struct account *in_use(void)
{
	return current ? current : &e.env;
}

const char *edor_result_name(enum edor_result r)
{
	static const char *const names[] = {"ok", "unavailable", "unknown", "refused", "stopped",
	                                    "off"};
	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

bool edor_enabled(void)
{
	return e.env.on;
}

bool edor_lookup_enabled(void)
{
	return in_use()->on && in_use()->search_url[0];
}

const char *edor_address(void)
{
	return in_use()->address;
}

/* --- one HTTPS call ---------------------------------------------------------- */

struct answer {
	long status;
	strbuf_t body;
	size_t max;
	long timeout; /* seconds; 0: CALL_TIMEOUT */
	bool too_large;
	char ctype[128];
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct answer *r = ud;
	size_t len = size * n;
	if (r->body.len + len > r->max) {
		r->too_large = true;
		return 0; /* abandons the transfer */
	}
	sb_append(&r->body, p, len);
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct answer *r = ud;
	size_t len = size * n;
	if (len > 13 && !strncasecmp(p, "Content-Type:", 13)) {
		const char *v = p + 13;
		size_t k = len - 13;
		while (k && (*v == ' ' || *v == '\t'))
			v++, k--;
		while (k && (v[k - 1] == '\r' || v[k - 1] == '\n' || v[k - 1] == ' '))
			k--;
		snprintf(r->ctype, sizeof r->ctype, "%.*s", (int)k, v);
	}
	return len;
}

static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
	return jobs_stopping() ? 1 : 0;
}

/* Errors libcurl gives before anything was sent: the call did not happen. */
static bool not_sent(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	       rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_SSL_CONNECT_ERROR ||
	       rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CERTPROBLEM ||
	       rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_UNSUPPORTED_PROTOCOL ||
	       rc == CURLE_URL_MALFORMAT;
}

/* One request; `bearer` NULL for the token endpoint. The status is in
 * r->status (0 when no answer came). */
static enum edor_result call(const char *method, const char *url, const char *bearer,
                             const char *ctype, const char *body, struct answer *r, char *err,
                             size_t errlen)
{
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return EDOR_UNAVAILABLE;
	}
	struct curl_slist *hdr = NULL;
	char line[EDOR_TOKEN_MAX + 64];
	hdr = curl_slist_append(hdr, "Accept: application/json, application/octet-stream");
	if (bearer) {
		snprintf(line, sizeof line, "Authorization: Bearer %s", bearer);
		hdr = curl_slist_append(hdr, line);
	}
	if (body) {
		snprintf(line, sizeof line, "Content-Type: %s", ctype);
		hdr = curl_slist_append(hdr, line);
	}
	hdr = curl_slist_append(hdr, "Expect:");
	if (!hdr)
		oom();
	char cerr[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_SSLCERT, in_use()->cert_path);
	curl_easy_setopt(h, CURLOPT_SSLKEY, in_use()->key_path);
	if (cfg.edor_ca[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, cfg.edor_ca);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "Jawnosc");
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	}
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	long timeout = r->timeout > 0 ? r->timeout : CALL_TIMEOUT;
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout < 20L ? timeout : 20L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	if (rc == CURLE_OK)
		return EDOR_OK;
	if (rc == CURLE_ABORTED_BY_CALLBACK && jobs_stopping())
		return EDOR_STOPPED;
	if (r->too_large) {
		snprintf(err, errlen, "%s %s: answer over %zu bytes", method, url, r->max);
		return EDOR_UNKNOWN;
	}
	snprintf(err, errlen, "%s %s: %s", method, url, cerr[0] ? cerr : curl_easy_strerror(rc));
	return not_sent(rc) ? EDOR_UNAVAILABLE : EDOR_UNKNOWN;
}

/* An HTTP status that is not 2xx, as a result with its reason. */
static enum edor_result status_result(const char *what, struct answer *r, char *err,
                                      size_t errlen)
{
	char reason[EDOR_TEXT_MAX + 1];
	edor_parse_error(r->body.data, r->body.len, reason);
	snprintf(err, errlen, "%s: HTTP %ld%s%s", what, r->status, *reason ? ": " : "", reason);
	long s = r->status;
	if (s == 408 || s == 429 || s == 503 || s == 401 || s == 403)
		return EDOR_UNAVAILABLE;
	if (s >= 500 || s < 200)
		return EDOR_UNKNOWN;
	return EDOR_REFUSED;
}

/* --- the token -------------------------------------------------------------- */

static char *form_value(arena_t *a, const char *v)
{
	char *esc = curl_easy_escape(NULL, v, 0);
	if (!esc)
		oom();
	char *copy = arena_strdup(a, esc);
	curl_free(esc);
	return copy;
}

/* A new token into ac->token; with ac->lock held. */
static enum edor_result fetch_token(struct account *ac, char *err, size_t errlen)
{
	arena_t *a = arena_new(8192);
	unsigned char rnd[16];
	char jti[33];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(jti, sizeof jti, rnd, sizeof rnd);
	time_t now = time(NULL);
	enum edor_result res = EDOR_UNAVAILABLE;
	char *jwt = edor_jwt_assertion(a, ac->key, ac->client_id, ac->token_url, jti, now,
	                               ASSERTION_LIFETIME, err, errlen);
	if (!jwt)
		goto out;
	char *form = arena_printf(
	    a,
	    "grant_type=client_credentials&client_assertion_type=%s&client_assertion=%s&scope=%s",
	    form_value(a, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
	    form_value(a, jwt), form_value(a, "read_messages write_messages"));
	struct answer r = {.max = 64 * 1024};
	sb_init(&r.body, a);
	res = call("POST", ac->token_url, NULL, "application/x-www-form-urlencoded", form, &r,
	           err, errlen);
	if (res != EDOR_OK)
		goto out;
	if (r.status != 200) {
		/* A refused assertion is the credentials' problem, not the
		 * message's: it waits until an operator fixes them. */
		res = status_result("token", &r, err, errlen);
		if (res == EDOR_REFUSED)
			res = EDOR_UNAVAILABLE;
		goto out;
	}
	struct edor_token t;
	if (!edor_parse_token(r.body.data, r.body.len, &t, err, errlen)) {
		res = EDOR_UNAVAILABLE;
		goto out;
	}
	long margin = t.expires_in / 5 < 60 ? t.expires_in / 5 : 60;
	memcpy(ac->token, t.access_token, strlen(t.access_token) + 1);
	ac->token_until = now + t.expires_in - margin;
	log_info("edoreczenia: new access token for %s, valid %ld s", ac->client_id, t.expires_in);
	res = EDOR_OK;
out:
	arena_free(a);
	return res;
}

/* The token into `out`; a new one when `renew` or when the kept one is
 * about to expire. */
static enum edor_result token(bool renew, char out[EDOR_TOKEN_MAX + 1], char *err,
                              size_t errlen)
{
	struct account *ac = in_use();
	pthread_mutex_lock(&ac->lock);
	enum edor_result res = EDOR_OK;
	if (renew || !ac->token_until || time(NULL) >= ac->token_until) {
		ac->token_until = 0;
		res = fetch_token(ac, err, errlen);
	}
	if (res == EDOR_OK)
		memcpy(out, ac->token, strlen(ac->token) + 1);
	pthread_mutex_unlock(&ac->lock);
	return res;
}

/* A call of the API with the token, once more with a new token after a
 * 401 (the kept one was revoked or expired early). */
static enum edor_result api(const char *method, const char *url, const char *json,
                            struct answer *r, char *err, size_t errlen)
{
	char tok[EDOR_TOKEN_MAX + 1];
	for (int attempt = 0; attempt < 2; attempt++) {
		enum edor_result res = token(attempt > 0, tok, err, errlen);
		if (res != EDOR_OK)
			return res;
		sb_reset(&r->body);
		r->status = 0;
		r->too_large = false;
		r->ctype[0] = '\0';
		res = call(method, url, tok, "application/json", json, r, err, errlen);
		if (res != EDOR_OK || r->status != 401)
			return res;
	}
	return status_result(method, r, err, errlen);
}

/* The base URL of our mailbox, with `fmt` appended. */
static char *mailbox_url(arena_t *a, const char *fmt, const char *arg)
{
	char *tail = arena_printf(a, fmt, arg ? arg : "");
	return arena_printf(a, "%s/%s%s", in_use()->url, in_use()->address, tail);
}

/* A GET of JSON into r; EDOR_OK only with a 200. */
static enum edor_result get_json(arena_t *a, const char *url, struct answer *r, char *err,
                                 size_t errlen)
{
	r->max = EDOR_JSON_MAX;
	sb_init(&r->body, a);
	enum edor_result res = api("GET", url, NULL, r, err, errlen);
	if (res == EDOR_OK && r->status != 200) {
		res = status_result(url, r, err, errlen);
		/* A GET changes nothing: refused or not, it may be asked again. */
		if (res == EDOR_UNKNOWN)
			res = EDOR_UNAVAILABLE;
	}
	return res;
}

/* --- the calls -------------------------------------------------------------- */

enum edor_result edor_check(char *err, size_t errlen)
{
	if (!in_use()->on)
		return EDOR_OFF;
	char tok[EDOR_TOKEN_MAX + 1];
	return token(true, tok, err, errlen);
}

enum edor_result edor_send(const char *json, char task_id[EDOR_ID_MAX + 1], char *err,
                           size_t errlen)
{
	if (!in_use()->on)
		return EDOR_OFF;
	arena_t *a = arena_new(4096);
	struct answer r = {.max = EDOR_JSON_MAX};
	sb_init(&r.body, a);
	char *url = mailbox_url(a, "/messages", NULL);
	enum edor_result res = api("POST", url, json, &r, err, errlen);
	if (res == EDOR_OK && r.status != 202 && r.status != 200)
		res = status_result("POST messages", &r, err, errlen);
	else if (res == EDOR_OK && !edor_parse_message_info(r.body.data, r.body.len, task_id, err,
	                                                    errlen))
		res = EDOR_UNKNOWN; /* accepted, but we cannot tell which task */
	arena_free(a);
	return res;
}

enum edor_result edor_task_status(const char *task_id, enum edor_task_state *st, char *err,
                                  size_t errlen)
{
	if (!in_use()->on)
		return EDOR_OFF;
	arena_t *a = arena_new(4096);
	struct answer r = {0};
	enum edor_result res =
	    get_json(a, mailbox_url(a, "/messages/tasks/%s/status", task_id), &r, err, errlen);
	if (res == EDOR_OK && !edor_parse_task_status(r.body.data, r.body.len, st, err, errlen))
		res = EDOR_UNKNOWN;
	arena_free(a);
	return res;
}

enum edor_result edor_task_result(const char *task_id, struct edor_task_result *out, char *err,
                                  size_t errlen)
{
	if (!in_use()->on)
		return EDOR_OFF;
	arena_t *a = arena_new(4096);
	struct answer r = {0};
	enum edor_result res =
	    get_json(a, mailbox_url(a, "/messages/tasks/%s", task_id), &r, err, errlen);
	if (res == EDOR_OK && !edor_parse_task_result(r.body.data, r.body.len, out, err, errlen))
		res = EDOR_UNKNOWN;
	arena_free(a);
	return res;
}

enum edor_result edor_find_sent(const char *reference, char message_id[EDOR_ID_MAX + 1],
                                bool *found, char *err, size_t errlen)
{
	if (!in_use()->on)
		return EDOR_OFF;
	arena_t *a = arena_new(4096);
	struct answer r = {0};
	char *q = arena_printf(a, "/messages?format=metadata&limit=50&subject=%s",
	                       form_value(a, reference));
	enum edor_result res = get_json(a, mailbox_url(a, "%s", q), &r, err, errlen);
	if (res == EDOR_OK) {
		int n = edor_parse_find_message(r.body.data, r.body.len, reference, message_id, err,
		                                errlen);
		*found = n == 1;
		if (n < 0)
			res = EDOR_UNKNOWN;
	}
	arena_free(a);
	return res;
}

enum edor_result edor_evidences(const char *message_id, struct edor_evidence *out, int max,
                                int *n, int *total, char *err, size_t errlen)
{
	*n = *total = 0;
	if (!in_use()->on)
		return EDOR_OFF;
	arena_t *a = arena_new(4096);
	struct answer r = {0};
	enum edor_result res = get_json(
	    a, mailbox_url(a, "/messages/%s/evidences?sortColumn=eventDate&sortDirection=asc",
	                   message_id),
	    &r, err, errlen);
	if (res == EDOR_OK) {
		*n = edor_parse_evidences(r.body.data, r.body.len, out, max, total, err, errlen);
		if (*n < 0) {
			*n = 0;
			res = EDOR_UNKNOWN;
		}
	}
	arena_free(a);
	return res;
}

static const char *guess_type(const unsigned char *d, size_t len, const char *given)
{
	if (len >= 5 && !memcmp(d, "%PDF-", 5))
		return "application/pdf";
	size_t i = 0;
	if (len >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' || d[i] == '\t'))
		i++;
	if (i < len && d[i] == '<')
		return "application/xml";
	(void)given;
	return "application/octet-stream";
}

enum edor_result edor_evidence_file(arena_t *a, bool hybrid, const char *evidence_id,
                                    unsigned char **data, size_t *len, const char **content_type,
                                    char *err, size_t errlen)
{
	*data = NULL;
	*len = 0;
	if (!in_use()->on)
		return EDOR_OFF;
	struct answer r = {.max = EDOR_EVIDENCE_MAX};
	sb_init(&r.body, a);
	char *url = mailbox_url(a, hybrid ? "/evidences/puh/%s" : "/evidences/purde/%s", evidence_id);
	enum edor_result res = api("GET", url, NULL, &r, err, errlen);
	if (res == EDOR_OK && r.status != 200) {
		res = status_result(url, &r, err, errlen);
		if (res == EDOR_UNKNOWN)
			res = EDOR_UNAVAILABLE;
	}
	if (res == EDOR_OK && r.body.len == 0) {
		snprintf(err, errlen, "evidence %s: empty file", evidence_id);
		res = EDOR_UNAVAILABLE;
	}
	if (res != EDOR_OK)
		return res;
	*data = (unsigned char *)r.body.data;
	*len = r.body.len;
	/* Only the types we can show are believed. */
	const char *ct = r.ctype;
	if (!strncasecmp(ct, "application/pdf", 15))
		*content_type = "application/pdf";
	else if (!strncasecmp(ct, "application/xml", 15) || !strncasecmp(ct, "text/xml", 8))
		*content_type = "application/xml";
	else
		*content_type = guess_type(*data, *len, ct);
	return EDOR_OK;
}

/* `err` without the search's query (the person's name and address): it
 * goes to logs and to the clerk's page. */
static void without_query(char *err, size_t errlen, const char *url)
{
	char *at = strstr(err, url);
	if (!at)
		return;
	char tail[512];
	snprintf(tail, sizeof tail, "%s", at + strlen(url));
	snprintf(at, errlen - (size_t)(at - err), "%s?…%s", in_use()->search_url, tail);
}

enum edor_result edor_lookup(const char *identifier, const char *name, const char *address_line,
                             char address[EDOR_ADDRESS_LEN + 1], bool *found, char *err,
                             size_t errlen)
{
	*found = false;
	address[0] = '\0';
	if (!in_use()->on || !in_use()->search_url[0])
		return EDOR_OFF;
	arena_t *a = arena_new(4096);
	struct answer r = {0};
	char *url = arena_printf(a, "%s?identifier=%s&name=%s", in_use()->search_url,
	                         form_value(a, identifier ? identifier : ""),
	                         form_value(a, name ? name : ""));
	if (address_line && *address_line)
		url = arena_printf(a, "%s&address=%s", url, form_value(a, address_line));
	r.timeout = LOOKUP_TIMEOUT;
	enum edor_result res = get_json(a, url, &r, err, errlen);
	if (res == EDOR_REFUSED && r.status == 404)
		res = EDOR_OK; /* nobody with that identifier: no address */
	else if (res == EDOR_OK &&
	         !edor_parse_lookup(r.body.data, r.body.len, address, found, err, errlen))
		res = EDOR_UNAVAILABLE;
	if (res != EDOR_OK)
		without_query(err, errlen, url);
	arena_free(a);
	return res;
}

/* --- settings ---------------------------------------------------------------- */

static bool https(const char *name, const char *url, char *err, size_t errlen)
{
	if (strncmp(url, "https://", 8) != 0 || strlen(url) < 9) {
		snprintf(err, errlen, "%s must be an https:// URL", name);
		return false;
	}
	if (url[strlen(url) - 1] == '/') {
		snprintf(err, errlen, "%s must not end with /", name);
		return false;
	}
	return true;
}

/* Checks `s` (prefix names the settings in messages) and fills `out`
 * (its key loaded). */
static bool load_account(const struct edor_settings *s, const char *prefix, struct account *out,
                         char *err, size_t errlen)
{
	char name[96];
#define NAME(x) (snprintf(name, sizeof name, "%s" x, prefix), name)
	if (!https(NAME("URL"), s->url, err, errlen) ||
	    !https(NAME("TOKEN_URL"), s->token_url, err, errlen) ||
	    (s->search_url[0] && !https(NAME("SEARCH_URL"), s->search_url, err, errlen)))
		return false;
	if (!edor_address_valid(s->address)) {
		snprintf(err, errlen, "%s=\"%.60s\" is not an address AE:PL-NNNNN-NNNNN-XXXXX-NN",
		         NAME("ADDRESS"), s->address);
		return false;
	}
	size_t n = strlen(s->system_name);
	if (n == 0 || n > 64 ||
	    strspn(s->system_name,
	           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") != n) {
		snprintf(err, errlen, "%s must be 1 to 64 letters, digits, _ - or .",
		         NAME("SYSTEM_NAME"));
		return false;
	}
	if (strlen(s->url) > 1000 || strlen(s->token_url) > 1000 || strlen(s->search_url) > 1000 ||
	    strlen(s->key) > 1000 || strlen(s->cert) > 1000) {
		snprintf(err, errlen, "%s*: a URL or path over 1000 characters", prefix);
		return false;
	}
	snprintf(out->client_id, sizeof out->client_id, "%s.SYSTEM.%s", s->address, s->system_name);
	snprintf(out->url, sizeof out->url, "%s", s->url);
	snprintf(out->token_url, sizeof out->token_url, "%s", s->token_url);
	snprintf(out->search_url, sizeof out->search_url, "%s", s->search_url);
	snprintf(out->address, sizeof out->address, "%s", s->address);
	snprintf(out->key_path, sizeof out->key_path, "%s", s->key);
	snprintf(out->cert_path, sizeof out->cert_path, "%s", s->cert);
	FILE *f = s->key[0] ? fopen(s->key, "r") : NULL;
	if (!f) {
		snprintf(err, errlen, "%s: cannot read \"%.300s\"", NAME("KEY"), s->key);
		return false;
	}
	out->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!out->key || EVP_PKEY_base_id(out->key) != EVP_PKEY_RSA) {
		snprintf(err, errlen, "%s: not an unencrypted PEM RSA private key", NAME("KEY"));
		return false;
	}
	f = s->cert[0] ? fopen(s->cert, "r") : NULL;
	X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	bool match = cert && X509_check_private_key(cert, out->key) == 1;
	X509_free(cert);
	if (!match) {
		char kname[96];
		snprintf(kname, sizeof kname, "%sKEY", prefix);
		snprintf(err, errlen, "%s: \"%.300s\" is not a PEM certificate of %s", NAME("CERT"),
		         s->cert, kname);
		return false;
	}
#undef NAME
	return true;
}

static bool curl_ready(char *err, size_t errlen)
{
	if (e.curl_ready)
		return true;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl cannot be initialised");
		return false;
	}
	e.curl_ready = true;
	return true;
}

bool edor_setup(char *err, size_t errlen)
{
	/* libcurl is readied even without the deployment's URL: an
	 * organisation may have settings of its own. */
	if (!curl_ready(err, errlen))
		return false;
	if (!cfg.edor_url || !cfg.edor_url[0])
		return true;
	if (cfg.edor_ca[0] && access(cfg.edor_ca, R_OK) != 0) {
		snprintf(err, errlen, "JAWNOSC_EDORECZENIA_CA: cannot read %.300s", cfg.edor_ca);
		edor_cleanup();
		return false;
	}
	struct edor_settings s = {cfg.edor_url,     cfg.edor_token_url,   cfg.edor_search_url,
	                          cfg.edor_address, cfg.edor_system_name, cfg.edor_key,
	                          cfg.edor_cert};
	if (!load_account(&s, "JAWNOSC_EDORECZENIA_", &e.env, err, errlen)) {
		edor_cleanup();
		return false;
	}
	e.env.on = true;
	log_info("edoreczenia: sending as %s to %s", e.env.client_id, cfg.edor_url);
	return true;
}

void edor_settings_defaults(struct edor_settings *s)
{
	if (!s->url || !s->url[0])
		s->url = cfg.edor_url ? cfg.edor_url : "";
	if (!s->token_url || !s->token_url[0])
		s->token_url = cfg.edor_token_url ? cfg.edor_token_url : "";
	if (!s->search_url || !s->search_url[0])
		s->search_url = cfg.edor_search_url ? cfg.edor_search_url : "";
}

bool edor_settings_check(const struct edor_settings *s, char *err, size_t errlen)
{
	struct account a = {0};
	bool ok = load_account(s, "", &a, err, errlen);
	EVP_PKEY_free(a.key);
	return ok;
}

static bool same(const struct account *a, const struct edor_settings *s)
{
	char id[160];
	snprintf(id, sizeof id, "%s.SYSTEM.%s", s->address, s->system_name);
	return !strcmp(a->client_id, id) && !strcmp(a->url, s->url) &&
	       !strcmp(a->token_url, s->token_url) && !strcmp(a->search_url, s->search_url) &&
	       !strcmp(a->key_path, s->key) && !strcmp(a->cert_path, s->cert);
}

bool edor_use(const struct edor_settings *s, char *err, size_t errlen)
{
	current = NULL;
	if (!s)
		return true;
	if (!e.curl_ready) {
		snprintf(err, errlen, "e-Doręczenia not set up");
		return false;
	}
	pthread_mutex_lock(&e.lock);
	struct account *found = NULL;
	for (int i = 0; i < e.norgs && !found; i++)
		if (same(e.orgs[i], s))
			found = e.orgs[i];
	bool ok = found != NULL;
	if (!found && e.norgs >= ACCOUNTS_MAX) {
		snprintf(err, errlen, "more than %d sets of e-Doręczenia settings", ACCOUNTS_MAX);
	} else if (!found) {
		struct account *a = calloc(1, sizeof *a);
		if (!a)
			oom();
		pthread_mutex_init(&a->lock, NULL);
		ok = load_account(s, "", a, err, errlen);
		if (ok) {
			a->on = true;
			e.orgs[e.norgs++] = found = a;
			log_info("edoreczenia: an organisation sends as %s to %s", a->client_id, a->url);
		} else {
			EVP_PKEY_free(a->key);
			pthread_mutex_destroy(&a->lock);
			free(a);
		}
	}
	pthread_mutex_unlock(&e.lock);
	current = found;
	return ok;
}

void edor_cleanup(void)
{
	current = NULL;
	if (e.curl_ready)
		curl_global_cleanup();
	EVP_PKEY_free(e.env.key);
	e.env.key = NULL;
	e.curl_ready = e.env.on = false;
	pthread_mutex_lock(&e.env.lock);
	sodium_memzero(e.env.token, sizeof e.env.token);
	e.env.token_until = 0;
	pthread_mutex_unlock(&e.env.lock);
	pthread_mutex_lock(&e.lock);
	for (int i = 0; i < e.norgs; i++) {
		EVP_PKEY_free(e.orgs[i]->key);
		sodium_memzero(e.orgs[i]->token, sizeof e.orgs[i]->token);
		pthread_mutex_destroy(&e.orgs[i]->lock);
		free(e.orgs[i]);
	}
	e.norgs = 0;
	pthread_mutex_unlock(&e.lock);
}

/* --- the inbox ------------------------------------------------------------------ */

enum edor_result edor_inbox(int64_t since, int offset, struct edor_listed *out, int max, int *n,
                            int *listed, char *err, size_t errlen)
{
	*n = *listed = 0;
	if (!in_use()->on)
		return EDOR_OFF;
	if (max > EDOR_INBOX_PAGE)
		max = EDOR_INBOX_PAGE;
	arena_t *a = arena_new(4096);
	struct answer r = {0};
	char from[64] = "";
	if (since > 0) {
		time_t t = (time_t)since;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(from, sizeof from, "&submissionDateFrom=%Y-%m-%dT%H%%3A%M%%3A%SZ", &tm);
	}
	char *q = arena_printf(a, "/messages?label=INBOX&format=metadata&limit=%d&offset=%d"
	                       "&sortColumn=submissionDate&sortDirection=asc%s",
	                       max, offset, from);
	enum edor_result res = get_json(a, mailbox_url(a, "%s", q), &r, err, errlen);
	if (res == EDOR_OK) {
		*n = edor_parse_inbox(r.body.data, r.body.len, out, max, listed, err, errlen);
		if (*n < 0) {
			*n = 0;
			res = EDOR_UNAVAILABLE;
		}
	}
	arena_free(a);
	return res;
}

enum edor_result edor_received(arena_t *a, const char *message_id, struct edor_received *out,
                               char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!in_use()->on)
		return EDOR_OFF;
	if (!edor_id_valid(message_id)) {
		snprintf(err, errlen, "invalid message id");
		return EDOR_REFUSED;
	}
	struct answer r = {.max = EDOR_MESSAGE_MAX};
	sb_init(&r.body, a);
	char *url = mailbox_url(a, "/messages/%s?format=fullExtended", message_id);
	enum edor_result res = api("GET", url, NULL, &r, err, errlen);
	if (res == EDOR_OK && r.status == 202) {
		snprintf(err, errlen, "message %s: the service still prepares it (202)", message_id);
		return EDOR_UNAVAILABLE;
	}
	if (res == EDOR_OK && r.status != 200)
		res = status_result(url, &r, err, errlen);
	if (res == EDOR_UNKNOWN)
		res = EDOR_UNAVAILABLE; /* a GET: asked again */
	if (res != EDOR_OK)
		return res;
	if (!edor_parse_received(a, r.body.data, r.body.len, out, err, errlen))
		return EDOR_UNAVAILABLE;
	for (size_t i = 0; i < out->natt; i++) {
		struct edor_received_att *att = &out->att[i];
		if (att->data)
			continue;
		if (!*att->id) {
			snprintf(err, errlen, "message %s: attachment %zu without content or id", message_id,
			         i + 1);
			return EDOR_UNAVAILABLE;
		}
		struct answer ar = {.max = EDOR_MESSAGE_MAX};
		sb_init(&ar.body, a);
		char *aurl = arena_printf(a, "%s/%s/messages/%s/attachments/%s", in_use()->url,
		                          in_use()->address, message_id, att->id);
		res = api("GET", aurl, NULL, &ar, err, errlen);
		if (res == EDOR_OK && ar.status != 200)
			res = status_result(aurl, &ar, err, errlen);
		if (res == EDOR_UNKNOWN)
			res = EDOR_UNAVAILABLE;
		if (res != EDOR_OK)
			return res;
		if (!edor_parse_attachment(a, ar.body.data, ar.body.len, att, err, errlen))
			return EDOR_UNAVAILABLE;
	}
	return EDOR_OK;
}
