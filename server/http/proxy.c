/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/proxy.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

/* An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) and its family
 * after unmapping. */
struct addr {
	unsigned char b[16];
	int family; /* AF_INET or AF_INET6 */
};

static const unsigned char v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool parse_addr(const char *s, size_t n, struct addr *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, sizeof *out);
	struct in_addr v4;
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		memcpy(out->b, v4_prefix, 12);
		memcpy(out->b + 12, &v4, 4);
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, buf, out->b) == 1) {
		out->family = memcmp(out->b, v4_prefix, 12) == 0 ? AF_INET : AF_INET6;
		return true;
	}
	return false;
}

/* Does `ip` fall inside `net`/`bits` (bits counted on the 128-bit form; an
 * IPv4 prefix length is shifted by 96). */
static bool in_prefix(const struct addr *ip, const struct addr *net, int bits)
{
	for (int i = 0; i < 16 && bits > 0; i++, bits -= 8) {
		unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
		if ((ip->b[i] & mask) != (net->b[i] & mask))
			return false;
	}
	return true;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* One entry of the trusted list: "addr" or "addr/len". */
static bool entry_matches(const struct addr *ip, const char *e, size_t n)
{
	trim(&e, &n);
	const char *slash = memchr(e, '/', n);
	struct addr net;
	if (!parse_addr(e, slash ? (size_t)(slash - e) : n, &net))
		return false;
	int max = net.family == AF_INET ? 32 : 128;
	int bits = max;
	if (slash) {
		const char *d = slash + 1;
		size_t dl = n - (size_t)(d - e);
		if (dl == 0 || dl > 3)
			return false;
		bits = 0;
		for (size_t i = 0; i < dl; i++) {
			if (d[i] < '0' || d[i] > '9')
				return false;
			bits = bits * 10 + (d[i] - '0');
		}
		if (bits > max)
			return false;
	}
	if (net.family != ip->family)
		return false;
	return in_prefix(ip, &net, net.family == AF_INET ? bits + 96 : bits);
}

bool proxy_addr_in_list(const char *ip, const char *list)
{
	struct addr a;
	if (!ip || !list || !parse_addr(ip, strlen(ip), &a))
		return false;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (entry_matches(&a, p, n))
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

bool proxy_is_loopback(const char *ip)
{
	return proxy_addr_in_list(ip, "127.0.0.0/8,::1");
}

const char *proxy_client_ip(arena_t *a, const char *peer, const char *xff, const char *trusted)
{
	if (!peer || !xff || !trusted || !*trusted || !proxy_addr_in_list(peer, trusted))
		return peer ? peer : "";
	/* The last entry: what the trusted proxy appended. */
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	size_t n = strlen(last);
	trim(&last, &n);
	struct addr ad;
	if (!parse_addr(last, n, &ad))
		return peer;
	char *out = arena_alloc(a, INET6_ADDRSTRLEN);
	const void *src = ad.family == AF_INET ? (const void *)(ad.b + 12) : (const void *)ad.b;
	if (!inet_ntop(ad.family, src, out, INET6_ADDRSTRLEN))
		return peer;
	return out;
}

const char *http_peer_ip(struct http_req *req)
{
	if (!req->conn)
		return "";
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return "";
	char *buf = arena_alloc(req->arena, INET6_ADDRSTRLEN);
	const struct sockaddr *sa = ci->client_addr;
	const void *addr = sa->sa_family == AF_INET6
	                       ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
	                       : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
	if (!inet_ntop(sa->sa_family, addr, buf, INET6_ADDRSTRLEN))
		return "";
	return buf;
}
