/* SPDX-License-Identifier: EUPL-1.2 */
/* Content negotiation (RFC 9110 §12.5), only as far as the site needs it:
 * whether a request's Accept header names a media type, whether its
 * Accept-Encoding takes gzip. Pure, for unit tests. */
#ifndef JAWNOSC_HTTP_ACCEPT_H
#define JAWNOSC_HTTP_ACCEPT_H

#include <stdbool.h>

/* True when the Accept value `accept` lists the media type `type`
 * ("text/html") itself, not through a wildcard, with a weight above 0.
 * Type names compare without regard to case; parameters other than q are
 * ignored. False for NULL or an empty or malformed value. */
bool http_accept_names(const char *accept, const char *type);

/* True when the Accept-Encoding value `accept_encoding` (RFC 9110
 * §12.5.3) takes gzip: "gzip" or "x-gzip" with a weight above 0, or "*"
 * with one when gzip is not named. False for NULL (no header: the content
 * is sent as it is) and for an empty or malformed value. */
bool http_accepts_gzip(const char *accept_encoding);

#endif
