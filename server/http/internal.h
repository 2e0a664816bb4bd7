/* Shared between the files of server/http/ only. */
#ifndef JAWNOSC_HTTP_INTERNAL_H
#define JAWNOSC_HTTP_INTERNAL_H

#include "http/http.h"

/* The web layer's error page renderer, set by http_server_start(). */
extern void (*http_error_page_hook)(http_req_t *req, int status, const char *detail);

/* The request's path for a log line: no query, no tracking token
 * (router_redact() over the server's route table). */
const char *http_log_path(http_req_t *req);

#endif
