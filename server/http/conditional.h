/* SPDX-License-Identifier: EUPL-1.2 */
/* Conditional GET (RFC 9110 §8.8, §13): ETag and Last-Modified validators
 * and the 304 answer, for public pages that change rarely and are read
 * often. The date and tag helpers are pure, for unit tests. */
#ifndef JAWNOSC_HTTP_CONDITIONAL_H
#define JAWNOSC_HTTP_CONDITIONAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "http/http.h"

#define HTTP_DATE_LEN 30 /* "Sun, 06 Nov 1994 08:49:37 GMT" and its NUL */

/* IMF-fixdate of `t` (RFC 9110 §5.6.7) into out[HTTP_DATE_LEN]. */
void http_date_format(time_t t, char out[HTTP_DATE_LEN]);
/* Parses an HTTP date: IMF-fixdate, and the obsolete RFC 850 and asctime
 * forms a recipient must accept. False when it is none of them. */
bool http_date_parse(const char *s, time_t *out);
/* Whether an If-None-Match value (a list of entity tags, or "*") matches
 * `etag` by weak comparison (W/ prefixes ignored, §8.8.3.2). */
bool http_etag_matches(const char *if_none_match, const char *etag);

/* Sets ETag (a quoted entity tag, e.g. "\"r-1a2b\"" or "W/\"...\""),
 * Last-Modified (when last_modified > 0) and Cache-Control on the response,
 * then tells whether the client's copy is current: If-None-Match when
 * present, else If-Modified-Since (only for GET and HEAD). When true the
 * caller answers with http_respond_not_modified(). */
bool http_fresh(http_req_t *req, const char *etag, time_t last_modified, const char *cache_control);
/* 304 Not Modified with the validators set by http_fresh(). */
void http_respond_not_modified(http_req_t *req);

#endif
