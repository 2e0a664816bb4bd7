/* SPDX-License-Identifier: EUPL-1.2 */
/* Attachments both ways (cases/attachment_files.h): a clerk's page of one
 * attachment with its preview, the preview's images, the file as a
 * download; the requester's download of a letter's enclosure from the
 * tracking page. A download is never shown by the browser: it is an
 * attachment (RFC 6266), its type is never sniffed, and a sandboxing CSP
 * keeps anything active in it from running should it be opened anyway. */
#include <stdlib.h>
#include <string.h>

#include "cases/attachment_files.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "http/static.h"
#include "web/outcome.h"
#include "web/web.h"

/* RFC 6266 §4.1 with RFC 8187: the name without any directory (empty:
 * "plik"); an ASCII fallback in filename= (letters, digits, ".-_", one
 * '_' for any other character), and, when that is not the name itself,
 * the UTF-8 name percent-encoded in filename*=. Never a path, a quote or a
 * line break. */
static const char *disposition(arena_t *a, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *slash = strrchr(name, '/'), *bslash = strrchr(name, '\\');
	if (slash && (!bslash || slash > bslash))
		name = slash + 1;
	else if (bslash)
		name = bslash + 1;
	if (!*name)
		name = "plik";
	strbuf_t ascii, utf8;
	sb_init(&ascii, a);
	sb_init(&utf8, a);
	bool plain = true;
	for (const unsigned char *c = (const unsigned char *)name; *c && ascii.len < 200; c++) {
		bool keep = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		            (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_';
		plain = plain && keep;
		if (keep || (*c & 0xC0) != 0x80)
			sb_putc(&ascii, keep ? (char)*c : '_');
		if (keep)
			sb_putc(&utf8, (char)*c);
		else
			sb_printf(&utf8, "%%%c%c", hex[*c >> 4], hex[*c & 15]);
	}
	if (plain)
		return arena_printf(a, "attachment; filename=\"%s\"", ascii.data);
	return arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii.data,
	                    utf8.data);
}

void web_send_file(http_req_t *req, const char *filename, const char *content_type,
                   const void *data, size_t len)
{
	http_add_header(req, "Content-Disposition", disposition(req->arena, filename));
	http_add_header(req, "X-Content-Type-Options", "nosniff");
	http_add_header(req, "Content-Security-Policy", "sandbox; default-src 'none'");
	http_add_header(req, "Cache-Control", "private, no-store");
	http_add_header(req, "X-Robots-Tag", "noindex, nofollow");
	http_respond(req, 200, content_type, data, len);
}

void web_send_download(http_req_t *req, const struct attach_file *f)
{
	web_send_file(req, f->filename, f->content_type, f->data, f->len);
}

void web_panel_attachment(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	json_t *page;
	struct problem p;
	if (attach_file_view(ctx, web_id_param(req, "id"), web_id_param(req, "aid"), &page, &p) !=
	    OUT_OK) {
		web_fail(req, &p);
		return;
	}
	json_object_set_new(
	    page, "title",
	    json_string(arena_printf(
	        req->arena, "%s — załącznik — sprawa %s — Jawność",
	        json_string_value(json_object_get(json_object_get(page, "attachment"), "filename")),
	        json_string_value(json_object_get(page, "case_number")))));
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, 200, "panel_attachment", page);
}

void web_panel_attachment_file(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct attach_file f;
	struct problem p;
	if (attach_file_get(ctx, web_id_param(req, "id"), web_id_param(req, "aid"), &f, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	web_send_download(req, &f);
}

void web_panel_attachment_preview(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long n = web_id_param(req, "page");
	const char *png;
	size_t len;
	struct problem p;
	if (attach_file_preview(ctx, web_id_param(req, "id"), web_id_param(req, "aid"),
	                        n > 0 && n <= 100000 ? (int)n : 0, &png, &len, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	/* Our own image, but the same care as for the file. */
	http_add_header(req, "X-Content-Type-Options", "nosniff");
	http_add_header(req, "Content-Security-Policy", "sandbox; default-src 'none'");
	http_add_header(req, "Cache-Control", "private, no-store");
	http_respond(req, 200, "image/png", png, len);
}

void web_case_attachment(http_req_t *req)
{
	struct svc_ctx ctx = {.arena = req->arena, .now = clock_now()};
	long long seq = web_id_param(req, "seq");
	struct attach_file f;
	struct problem p = {0};
	if (attach_for_requester(&ctx, http_param(req, "token"), seq <= 100000 ? (int)seq : 0,
	                         web_id_param(req, "aid"), &f, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	web_send_download(req, &f);
}
