/* SPDX-License-Identifier: EUPL-1.2 */
/* Cookies (RFC 6265): reading one from a Cookie header and formatting a
 * Set-Cookie value with the attributes every cookie of ours carries.
 * Strings returned are allocated in the caller's per-request arena. */
#ifndef JAWNOSC_HTTP_COOKIE_H
#define JAWNOSC_HTTP_COOKIE_H

#include <stdbool.h>

#include "core/arena.h"

/* The value of cookie `name` from a Cookie header ("a=1; b=2"), copied into
 * `a`; a quoted value ("\"x\"") is returned without its quotes. NULL when the
 * header or name is NULL, the name is not an RFC 6265 token, the cookie is
 * absent, or its value is malformed (a byte outside cookie-octet, RFC 6265
 * §4.1.1). Names compare case-sensitively; if the name appears more than once
 * the first occurrence decides (browsers send the most specific path first).
 * Other, malformed pairs in the header are skipped, since scripts and other
 * sites' code can set cookies we do not control. An empty value gives "". */
const char *cookie_get(arena_t *a, const char *header, const char *name);

/* A Set-Cookie value: "name=value; Path=/; HttpOnly; SameSite=Lax", then
 * "; Max-Age=N" unless max_age < 0 (0 expires the cookie now), then "; Secure"
 * when secure. NULL if name is not a token or value is not *cookie-octet
 * (RFC 6265 §4.1.1; ';', ',', '"', '\', spaces and controls are refused), or
 * if the name has a __Secure- or __Host- prefix without `secure` (browsers
 * would drop it, RFC 6265bis §4.1.3): all of these are the caller's bug. */
const char *cookie_format(arena_t *a, const char *name, const char *value, long max_age,
			  bool secure);

#endif
