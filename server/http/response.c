/* SPDX-License-Identifier: EUPL-1.2 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/log.h"
#include "http/cookie.h"
#include "http/http.h"
#include "http/internal.h"
#include "http/proxy.h"

void (*http_error_page_hook)(http_req_t *req, int status, const char *detail);

/* Sent with every response. The CSP allows only our own scripts, styles and
 * images, and no framing; tracking links carry a secret token in the path,
 * so no Referer leaves the site. */
static const struct {
	const char *name, *value;
} security_headers[] = {
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};

static bool handler_sets(const http_req_t *req, const char *name)
{
	for (const http_header_t *h = req->resp_headers; h; h = h->next)
		if (!strcasecmp(h->name, name))
			return true;
	return false;
}

const char *http_header(http_req_t *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(http_req_t *req, const char *name)
{
	if (!req->query_form) {
		req->query_form = arena_calloc(req->arena, 1, sizeof(form_t));
		if (form_parse_urlencoded(req->arena, req->query, strlen(req->query),
		                          &form_default_limits, req->query_form) != FORM_OK)
			memset(req->query_form, 0, sizeof(form_t));
	}
	return form_get(req->query_form, name);
}

enum form_error http_form(http_req_t *req, const form_t **out)
{
	if (!req->form) {
		req->form = arena_calloc(req->arena, 1, sizeof(form_t));
		const char *ct = http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
		/* An empty body is an empty form, whatever its type says. */
		req->form_error = !req->body.len ? FORM_OK : form_parse(req->arena, ct ? ct : "", req->body.data ? req->body.data : "",
		                             req->body.len, &form_default_limits, req->form);
		if (req->form_error != FORM_OK)
			memset(req->form, 0, sizeof(form_t));
	}
	*out = req->form;
	return (enum form_error)req->form_error;
}

const struct upload_scan *http_upload_over(const http_req_t *req)
{
	return req->scan_done ? req->scan : NULL;
}

size_t http_req_body_limit(const http_req_t *req)
{
	return req->body_limit;
}

const char *http_form_get(http_req_t *req, const char *name)
{
	const form_t *f;
	if (http_form(req, &f) != FORM_OK)
		return NULL;
	return form_get(f, name);
}

enum outcome http_form_read(http_req_t *req, const form_t **out, struct problem *p)
{
	enum form_error fe = http_form(req, out);
	if (fe == FORM_OK)
		return OUT_OK;
	return problem_set(p, fe == FORM_UNSUPPORTED_TYPE ? OUT_UNSUPPORTED : OUT_MALFORMED,
	                   form_error_text_pl(fe), NULL);
}

static const char not_json[] = "Treść żądania musi mieć typ application/json.";

static bool is_json_type(http_req_t *req)
{
	const char *ct = http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");
	return ct && strncasecmp(ct, "application/json", n) == 0 && (!ct[n] || ct[n] == ';' || ct[n] == ' ');
}

json_t *http_json_body(http_req_t *req, const char **err)
{
	if (req->json)
		return req->json;
	if (!is_json_type(req)) {
		*err = not_json;
		return NULL;
	}
	if (!req->body.len) {
		*err = "Treść żądania jest pusta.";
		return NULL;
	}
	json_error_t je;
	/* jansson validates UTF-8, rejects NUL in strings unless asked, and
	 * limits nesting depth; duplicate keys are ambiguous, so refused. */
	req->json = json_loadb(req->body.data, req->body.len, HTTP_JSON_FLAGS, &je);
	if (!req->json) {
		*err = arena_printf(req->arena, "Nieprawidłowy JSON (wiersz %d, kolumna %d): %s.",
		                    je.line, je.column, je.text);
		return NULL;
	}
	return req->json;
}

enum outcome http_json_object(http_req_t *req, json_t **out, struct problem *p)
{
	*out = NULL;
	if (!req->json && !is_json_type(req))
		return problem_set(p, OUT_UNSUPPORTED, not_json, NULL);
	const char *err;
	json_t *j = http_json_body(req, &err);
	if (!j)
		return problem_set(p, OUT_MALFORMED, err, NULL);
	if (!json_is_object(j))
		return problem_set(p, OUT_MALFORMED, "Treść musi być obiektem JSON.", NULL);
	*out = j;
	return OUT_OK;
}

const char *http_cookie(http_req_t *req, const char *name)
{
	const char *h = http_header(req, "Cookie");
	return h ? cookie_get(req->arena, h, name) : NULL;
}

const char *http_client_ip(http_req_t *req)
{
	/* Behind a trusted reverse proxy: the address it forwarded
	 * (JAWNOSC_TRUSTED_PROXY, see http/proxy.h); else the connection's. */
	if (!req->conn)
		return "";
	return proxy_client_ip(req->arena, http_peer_ip(req), http_header(req, "X-Forwarded-For"),
	                       cfg.trusted_proxy);
}

const char *http_param(http_req_t *req, const char *name)
{
	return route_param(&req->match, name);
}

void http_add_header(http_req_t *req, const char *name, const char *value)
{
	http_header_t *h = arena_alloc(req->arena, sizeof *h);
	h->name = arena_strdup(req->arena, name);
	h->value = arena_strdup(req->arena, value);
	h->next = req->resp_headers;
	req->resp_headers = h;
}

void http_respond(http_req_t *req, int status, const char *content_type, const char *body,
                  size_t len)
{
	if (req->responded) {
		log_error("second response for %s %s ignored", req->method, http_log_path(req));
		return;
	}
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(len, (void *)(body ? body : ""), MHD_RESPMEM_MUST_COPY);
	if (!r)
		oom();
	if (content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	/* A handler may set a stricter one of its own (a download's sandbox). */
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		if (!handler_sets(req, security_headers[i].name))
			MHD_add_response_header(r, security_headers[i].name, security_headers[i].value);
	MHD_add_response_header(r, "X-Request-Id", req->id);
	for (http_header_t *h = req->resp_headers; h; h = h->next)
		MHD_add_response_header(r, h->name, h->value);
	if (MHD_queue_response(req->conn, (unsigned)status, r) != MHD_YES)
		log_warn("could not queue response %d for %s", status, http_log_path(req));
	MHD_destroy_response(r);
	req->responded = true;
	req->status = status;
	req->resp_bytes = len;
}

void http_respond_html(http_req_t *req, int status, const strbuf_t *html)
{
	http_respond(req, status, "text/html; charset=utf-8", html->data, html->len);
}

void http_respond_json(http_req_t *req, int status, json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!s)
		oom();
	http_respond(req, status, "application/json", s, strlen(s));
	free(s);
}

void http_respond_problem(http_req_t *req, int status, const char *title, const char *detail,
                          json_t *extra)
{
	json_t *doc = json_pack("{s:s, s:s, s:i}", "type", "about:blank", "title",
	                        title ? title : http_status_text(status), "status", status);
	if (detail)
		json_object_set_new(doc, "detail", json_string(detail));
	if (extra) {
		json_object_update(doc, extra);
		json_decref(extra);
	}
	char *s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (!s)
		oom();
	http_respond(req, status, "application/problem+json", s, strlen(s));
	free(s);
}

void http_redirect(http_req_t *req, int status, const char *location)
{
	http_add_header(req, "Location", location);
	http_respond(req, status, "text/plain; charset=utf-8", "", 0);
}

bool http_not_modified(http_req_t *req, const char *etag)
{
	http_add_header(req, "ETag", etag);
	const char *inm = http_header(req, "If-None-Match");
	if (!inm)
		return false;
	/* A list of tags, possibly weak (W/"..."), or "*". */
	if (strcmp(inm, "*") != 0 && !strstr(inm, etag))
		return false;
	http_respond(req, 304, NULL, "", 0);
	return true;
}

bool http_is_api(const http_req_t *req)
{
	return req->path && strncmp(req->path, "/api/", 5) == 0;
}

void http_respond_error(http_req_t *req, int status, const char *detail)
{
	if (http_is_api(req) || !http_error_page_hook) {
		http_respond_problem(req, status, NULL, detail, NULL);
		return;
	}
	http_error_page_hook(req, status, detail);
	if (!req->responded)
		http_respond_problem(req, status, NULL, detail, NULL);
}

void http_respond_unavailable(http_req_t *req)
{
	http_add_header(req, "Retry-After", "5");
	http_respond_error(req, 503, "Usługa jest chwilowo niedostępna. Spróbuj ponownie za chwilę.");
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}
