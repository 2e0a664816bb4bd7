/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/accept.h"

#include <string.h>
#include <strings.h>

#define OWS " \t"

/* Whether a qvalue ("0", "0.5", "1.000"; RFC 9110 §12.4.2) is above 0;
 * a malformed one counts as 0. Parsed by hand: strtod() follows the
 * locale's decimal point. */
static bool qvalue_positive(const char *v, size_t n)
{
	if (n == 0 || (v[0] != '0' && v[0] != '1'))
		return false;
	if (n > 1 && (v[1] != '.' || n > 5))
		return false;
	bool nonzero = v[0] == '1';
	for (size_t i = 2; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || (v[0] == '1' && v[i] != '0'))
			return false;
		nonzero |= v[i] != '0';
	}
	return nonzero;
}

/* Whether one media range's parameters ("; q=0.5; level=1", up to `end`)
 * leave it a weight above 0: no q means 1. */
static bool weighs(const char *p, const char *end)
{
	while (p < end) {
		p += strspn(p, OWS ";");
		if (p >= end)
			break;
		size_t n = strcspn(p, ";,");
		if (p + n > end)
			n = (size_t)(end - p);
		if ((p[0] == 'q' || p[0] == 'Q') && n >= 2 && p[1] == '=') {
			size_t vn = n - 2;
			while (vn && strchr(OWS, p[2 + vn - 1]))
				vn--;
			return qvalue_positive(p + 2, vn);
		}
		p += n;
	}
	return true;
}

bool http_accept_names(const char *accept, const char *type)
{
	if (!accept || !type)
		return false;
	size_t tlen = strlen(type);
	const char *p = accept;
	while (*p) {
		p += strspn(p, OWS ",");
		if (!*p)
			break;
		const char *end = p + strcspn(p, ",");
		size_t n = strcspn(p, OWS ";,");
		if (n == tlen && !strncasecmp(p, type, tlen) && weighs(p + n, end))
			return true;
		p = end;
	}
	return false;
}

bool http_accepts_gzip(const char *accept_encoding)
{
	if (!accept_encoding)
		return false;
	/* RFC 9110 §12.5.3: gzip (or x-gzip) named with a weight above 0, or
	 * "*" so when gzip is not named at all. */
	int named = -1, star = -1;
	const char *p = accept_encoding;
	while (*p) {
		p += strspn(p, OWS ",");
		if (!*p)
			break;
		const char *end = p + strcspn(p, ",");
		size_t n = strcspn(p, OWS ";,");
		bool ok = weighs(p + n, end);
		if ((n == 4 && !strncasecmp(p, "gzip", 4)) || (n == 6 && !strncasecmp(p, "x-gzip", 6)))
			named = named > 0 ? 1 : ok;
		else if (n == 1 && *p == '*')
			star = ok;
		p = end;
	}
	return named >= 0 ? named == 1 : star == 1;
}
