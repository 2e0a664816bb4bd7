/* SPDX-License-Identifier: EUPL-1.2 */
/* Shared between the files of server/http/ only. */
#ifndef JAWNOSC_HTTP_INTERNAL_H
#define JAWNOSC_HTTP_INTERNAL_H

#include <stdbool.h>
#include <string.h>

#include "http/http.h"

/* RFC 9110 §5.6.2 tchar: what a header name (and a cookie name, RFC 6265
 * §4.1.1) is made of. */
static inline bool http_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* The web layer's error page renderer, set by http_server_start(). */
extern void (*http_error_page_hook)(http_req_t *req, int status, const char *detail);

/* The request's path for a log line: no query, no tracking token
 * (router_redact() over the server's route table). */
const char *http_log_path(http_req_t *req);

#endif
