/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/ratelimit.h"

#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "db/db.h"

/* The address as counted: an IPv6 address by its first 64 bits. */
static void address_key(const char *address, char *out, size_t len)
{
	unsigned char a6[16];
	if (strchr(address, ':') && inet_pton(AF_INET6, address, a6) == 1) {
		memset(a6 + 8, 0, 8);
		char text[INET6_ADDRSTRLEN];
		if (inet_ntop(AF_INET6, a6, text, sizeof text)) {
			snprintf(out, len, "%s/64", text);
			return;
		}
	}
	snprintf(out, len, "%s", address);
}

static atomic_bool failing;

enum outcome ratelimit_take(const char *purpose, const char *address, long limit, int window,
                            int64_t now, int *retry_after)
{
	*retry_after = 0;
	if (!address || !*address || limit <= 0 || window <= 0)
		return OUT_OK;
	char addr[80], key[128], start[24];
	address_key(address, addr, sizeof addr);
	snprintf(key, sizeof key, "%s:%s", purpose, addr);
	int64_t from = now - (now % window + window) % window;
	snprintf(start, sizeof start, "%lld", (long long)from);
	const char *p[2] = {key, start};
	PGconn *c = db_conn();
	enum db_status st = DB_UNAVAILABLE;
	PGresult *r = c ? db_exec(c, &st,
	                          "INSERT INTO rate_limits (key, window_start, count) "
	                          "VALUES ($1, to_timestamp($2::bigint), 1) "
	                          "ON CONFLICT (key, window_start) "
	                          "DO UPDATE SET count = rate_limits.count + 1 RETURNING count",
	                          2, p)
	                : NULL;
	long count = st == DB_OK && PQntuples(r) == 1 ? atol(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	if (st != DB_OK) {
		if (!atomic_exchange(&failing, true))
			log_warn("rate limit of %s not counted (the database): let through until it is",
			         purpose);
		return OUT_OK;
	}
	if (atomic_exchange(&failing, false))
		log_info("rate limit of %s counted again", purpose);
	if (count <= limit)
		return OUT_OK;
	if (count == limit + 1)
		log_info("rate limit: %s over %ld %s in %d s; refused until the window is over", addr,
		         limit, purpose, window);
	*retry_after = (int)(from + window - now);
	if (*retry_after < 1)
		*retry_after = 1;
	return OUT_RATE_LIMITED;
}
