/* SPDX-License-Identifier: EUPL-1.2 */
#include "mail/imap_client.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/jobs.h"
#include "mail/imap_proto.h"

#define CONNECT_TIMEOUT 20L /* seconds to connect, TLS and log in */

struct imap_conn {
	CURL *h;
	curl_socket_t sock;
	bool broken;      /* after a failure: no LOGOUT */
	unsigned tag;     /* our tags: J1, J2, ... (libcurl's login used A001...) */
	size_t literal_max;
	long timeout_s;
	char *buf;        /* bytes received and not yet handled */
	size_t len, cap;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

enum imap_result imap_open(const struct imap_login *l, struct imap_conn **out, char *err,
                           size_t errlen)
{
	*out = NULL;
	struct imap_conn *c = calloc(1, sizeof *c);
	if (!c || !(c->h = curl_easy_init())) {
		free(c);
		snprintf(err, errlen, "cannot initialise libcurl");
		return IMAP_DOWN;
	}
	c->literal_max = l->literal_max;
	c->timeout_s = l->timeout_s > 0 ? l->timeout_s : 120;
	char cerr[CURL_ERROR_SIZE] = "";
	CURL *h = c->h;
	curl_easy_setopt(h, CURLOPT_URL, l->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(h, CURLOPT_USERNAME, l->user);
	curl_easy_setopt(h, CURLOPT_PASSWORD, l->password);
	/* imap://: STARTTLS when the server offers it (then verified as
	 * imaps:// is); imaps://: TLS from the start. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (l->ca && *l->ca)
		curl_easy_setopt(h, CURLOPT_CAINFO, l->ca);
	curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, CONNECT_TIMEOUT * 2);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s%s%s", curl_easy_strerror(rc), cerr[0] ? ": " : "", cerr);
		c->broken = true;
		imap_close(c);
		return jobs_stopping() ? IMAP_STOPPED : IMAP_DOWN;
	}
	if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &c->sock) != CURLE_OK ||
	    c->sock == CURL_SOCKET_BAD) {
		snprintf(err, errlen, "no connection after logging in");
		c->broken = true;
		imap_close(c);
		return IMAP_DOWN;
	}
	*out = c;
	return IMAP_OK;
}

/* Waits until the socket is readable (or writable), at most `ms`; false on
 * a timeout or the stop. Polls in short slices to notice the stop. */
static bool wait_socket(struct imap_conn *c, short events, double until)
{
	for (;;) {
		if (jobs_stopping())
			return false;
		double left = until - mono();
		if (left <= 0)
			return false;
		struct pollfd p = {.fd = c->sock, .events = events};
		int ms = left > 0.5 ? 500 : (int)(left * 1000) + 1;
		int n = poll(&p, 1, ms);
		if (n > 0)
			return true;
	}
}

static enum imap_result fail(struct imap_conn *c, char *err, size_t errlen, const char *what)
{
	c->broken = true;
	if (jobs_stopping()) {
		snprintf(err, errlen, "stopping");
		return IMAP_STOPPED;
	}
	snprintf(err, errlen, "%s", what);
	return IMAP_DOWN;
}

static enum imap_result send_all(struct imap_conn *c, const char *data, size_t len, char *err,
                                 size_t errlen)
{
	size_t done = 0;
	double until = mono() + (double)c->timeout_s;
	while (done < len) {
		size_t n = 0;
		CURLcode rc = curl_easy_send(c->h, data + done, len - done, &n);
		if (rc == CURLE_AGAIN) {
			if (!wait_socket(c, POLLOUT, until))
				return fail(c, err, errlen, "timeout sending a command");
			continue;
		}
		if (rc != CURLE_OK)
			return fail(c, err, errlen, curl_easy_strerror(rc));
		done += n;
	}
	return IMAP_OK;
}

/* Reads more bytes into the buffer (at least one); the timeout counts
 * from the last byte received. */
static enum imap_result receive(struct imap_conn *c, char *err, size_t errlen)
{
	double until = mono() + (double)c->timeout_s;
	for (;;) {
		if (c->cap - c->len < 65536) {
			size_t want = c->cap ? c->cap * 2 : 131072;
			size_t limit = c->literal_max + 2 * IMAP_LINE_MAX + 65536;
			if (want > limit)
				want = limit;
			if (want - c->len < 4096)
				return fail(c, err, errlen, "response too large");
			char *nb = realloc(c->buf, want);
			if (!nb)
				return fail(c, err, errlen, "out of memory for a response");
			c->buf = nb;
			c->cap = want;
		}
		size_t n = 0;
		CURLcode rc = curl_easy_recv(c->h, c->buf + c->len, c->cap - c->len, &n);
		if (rc == CURLE_AGAIN) {
			if (!wait_socket(c, POLLIN, until))
				return fail(c, err, errlen, "timeout waiting for the server");
			continue;
		}
		if (rc != CURLE_OK)
			return fail(c, err, errlen, curl_easy_strerror(rc));
		if (n == 0)
			return fail(c, err, errlen, "the server closed the connection");
		c->len += n;
		return IMAP_OK;
	}
}

enum imap_result imap_command(struct imap_conn *c, const char *command,
                              void (*on_untagged)(void *ud, const char *resp, size_t len),
                              void *ud, char *err, size_t errlen)
{
	if (c->broken)
		return fail(c, err, errlen, "connection unusable");
	if (strpbrk(command, "\r\n")) {
		snprintf(err, errlen, "command with a line break");
		return IMAP_REFUSED;
	}
	char tag[16];
	snprintf(tag, sizeof tag, "J%u", ++c->tag);
	size_t cl = strlen(command);
	char *line = malloc(strlen(tag) + cl + 4);
	if (!line)
		return fail(c, err, errlen, "out of memory");
	size_t ll = (size_t)sprintf(line, "%s %s\r\n", tag, command);
	enum imap_result res = send_all(c, line, ll, err, errlen);
	free(line);
	if (res != IMAP_OK)
		return res;
	for (;;) {
		long n = imap_frame(c->buf, c->len, c->literal_max);
		if (n < 0)
			return fail(c, err, errlen, "malformed or oversized response");
		if (n == 0) {
			res = receive(c, err, errlen);
			if (res != IMAP_OK)
				return res;
			continue;
		}
		enum imap_status st;
		char text[201];
		bool tagged = imap_is_tagged(c->buf, (size_t)n, tag, &st, text, sizeof text);
		if (!tagged && c->buf[0] == '*' && imap_is_bye(c->buf, (size_t)n)) {
			/* Dovecot says BYE on shutdown: what follows is a closed
			 * connection. */
			char bye[201];
			imap_is_tagged(c->buf, (size_t)n, "*", &st, bye, sizeof bye);
			char why[300];
			snprintf(why, sizeof why, "the server said BYE: %s", bye);
			return fail(c, err, errlen, why);
		}
		if (!tagged && c->buf[0] == '*' && on_untagged)
			on_untagged(ud, c->buf, (size_t)n);
		/* A continuation ("+ ...") is never asked for: ignored. */
		memmove(c->buf, c->buf + n, c->len - (size_t)n);
		c->len -= (size_t)n;
		if (!tagged)
			continue;
		if (st == IMAP_ST_OK)
			return IMAP_OK;
		snprintf(err, errlen, "%s: %s %s", command, st == IMAP_ST_NO ? "NO" : "BAD", text);
		return IMAP_REFUSED;
	}
}

void imap_close(struct imap_conn *c)
{
	if (!c)
		return;
	if (!c->broken && !jobs_stopping()) {
		char err[64];
		long keep = c->timeout_s;
		c->timeout_s = 5;
		imap_command(c, "LOGOUT", NULL, NULL, err, sizeof err);
		c->timeout_s = keep;
	}
	if (c->h)
		curl_easy_cleanup(c->h);
	free(c->buf);
	free(c);
}
