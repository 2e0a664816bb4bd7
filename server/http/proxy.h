/* SPDX-License-Identifier: EUPL-1.2 */
/* The client's address behind a reverse proxy.
 *
 * Behind nginx every connection comes from the proxy, so rate limits and
 * logs would see one address. When JAWNOSC_TRUSTED_PROXY names the proxy
 * (comma-separated addresses or CIDR ranges: "127.0.0.1", "10.0.0.0/8,::1"),
 * a request whose connection comes from one of them is attributed to the
 * last address of its X-Forwarded-For header: the one the proxy itself
 * appended. Earlier entries were written by the client and are ignored, so a
 * client cannot choose its address. From anyone else, and without the
 * setting, the header is ignored and the connection's address is used. */
#ifndef JAWNOSC_HTTP_PROXY_H
#define JAWNOSC_HTTP_PROXY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

struct http_req;

/* The address of the connection's other end (the proxy, when there is
 * one), as text in the request's arena; "" when unknown. */
const char *http_peer_ip(struct http_req *req);

/* The client address for a connection from `peer` carrying
 * X-Forwarded-For `xff` (may be NULL), given the trusted list `trusted`
 * (NULL or "" for none). Returns `peer` itself or a normalised address in
 * `a`. Pure: no I/O. */
const char *proxy_client_ip(arena_t *a, const char *peer, const char *xff, const char *trusted);

/* True when `ip` is inside one entry of the comma-separated list of
 * addresses and CIDR ranges `list`. IPv4-mapped IPv6 addresses
 * (::ffff:a.b.c.d) match their IPv4 form. Malformed entries match nothing. */
bool proxy_addr_in_list(const char *ip, const char *list);

/* True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z. */
bool proxy_is_loopback(const char *ip);

#endif
