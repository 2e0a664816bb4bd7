/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/conditional.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const wday[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void http_date_format(time_t t, char out[HTTP_DATE_LEN])
{
	static const char epoch[] = "Thu, 01 Jan 1970 00:00:00 GMT";
	struct tm tm;
	char buf[64];
	int n = gmtime_r(&t, &tm) ? snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	                                     wday[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
	                                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec)
	                          : -1;
	if (n != HTTP_DATE_LEN - 1) /* years outside 1000..9999 */
		memcpy(out, epoch, sizeof epoch);
	else
		memcpy(out, buf, HTTP_DATE_LEN);
}

static int month_of(const char *m)
{
	for (int i = 0; i < 12; i++)
		if (!strncmp(m, mon[i], 3))
			return i;
	return -1;
}

bool http_date_parse(const char *s, time_t *out)
{
	if (!s)
		return false;
	char wd[16], mo[4];
	int d, y, h, mi, sec, n = 0;
	struct tm tm = {0};
	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d GMT%n", wd, &d, mo, &y, &h, &mi, &sec, &n) ==
	        7 &&
	    n && !s[n]) {
	} else if (n = 0, sscanf(s, "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d GMT%n", wd, &d, mo, &y,
	                         &h, &mi, &sec, &n) == 7 &&
	                      n && !s[n]) {
		/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year
		 * more than 50 years ahead is in the past (§5.6.7). */
		y += y < 70 ? 2000 : 1900;
	} else if (n = 0, sscanf(s, "%3s %3s %2d %2d:%2d:%2d %4d%n", wd, mo, &d, &h, &mi, &sec, &y,
	                         &n) == 7 &&
	                      n && !s[n]) {
		/* asctime: "Sun Nov  6 08:49:37 1994" */
	} else {
		return false;
	}
	int m = month_of(mo);
	if (m < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970 || y > 9999)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = m;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return *out != (time_t)-1;
}

/* The opaque part of an entity tag: `"..."` without W/ and quotes. */
static bool opaque(const char *s, size_t n, const char **p, size_t *len)
{
	if (n >= 2 && (s[0] == 'W' || s[0] == 'w') && s[1] == '/') {
		s += 2;
		n -= 2;
	}
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return false;
	*p = s + 1;
	*len = n - 2;
	return true;
}

bool http_etag_matches(const char *inm, const char *etag)
{
	const char *want;
	size_t wantlen;
	if (!inm || !etag || !opaque(etag, strlen(etag), &want, &wantlen))
		return false;
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *start = p;
		if (*p == '*') {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p || *p == ',')
				return true;
			continue;
		}
		/* An entity tag: [W/]"..." (no quote inside). */
		if ((p[0] == 'W' || p[0] == 'w') && p[1] == '/')
			p += 2;
		if (*p != '"')
			return false; /* malformed: no match */
		const char *close = strchr(p + 1, '"');
		if (!close)
			return false;
		p = close + 1;
		const char *got;
		size_t gotlen;
		if (opaque(start, (size_t)(p - start), &got, &gotlen) && gotlen == wantlen &&
		    !memcmp(got, want, wantlen))
			return true;
	}
	return false;
}

bool http_fresh(http_req_t *req, const char *etag, time_t last_modified, const char *cache_control)
{
	if (etag)
		http_add_header(req, "ETag", etag);
	char date[HTTP_DATE_LEN];
	if (last_modified > 0) {
		http_date_format(last_modified, date);
		http_add_header(req, "Last-Modified", date);
	}
	if (cache_control)
		http_add_header(req, "Cache-Control", cache_control);
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		return false;
	/* §13.2.2: If-None-Match wins; If-Modified-Since only without it. */
	const char *inm = http_header(req, "If-None-Match");
	if (inm)
		return etag && http_etag_matches(inm, etag);
	time_t since;
	const char *ims = http_header(req, "If-Modified-Since");
	return last_modified > 0 && ims && http_date_parse(ims, &since) && last_modified <= since;
}

void http_respond_not_modified(http_req_t *req)
{
	http_respond(req, 304, NULL, "", 0);
}
