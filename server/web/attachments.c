/* SPDX-License-Identifier: EUPL-1.2 */
/* The clerk's side of attachments (cases/attachments.h): the redaction
 * page, which makes an attachment's public copy, and the images of the
 * pages of an attachment and of its copies. web_authorize() has already
 * checked the session, the role and, for POST, the CSRF token. */
#include <stdlib.h>
#include <string.h>

#include "cases/attachments.h"
#include "cases/register.h"
#include "http/static.h"
#include "web/outcome.h"
#include "web/web.h"

static const char *redaction_path(http_req_t *req, long long id, long long aid)
{
	return arena_printf(req->arena, "/panel/sprawy/%lld/zalaczniki/%lld/anonimizacja", id, aid);
}

static void redaction_answer(http_req_t *req, const struct attach_input *in, const char *notice)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long id = web_id_param(req, "id"), aid = web_id_param(req, "aid");
	struct attach_result out;
	struct problem p;
	enum outcome o = attach_redaction(ctx, id, aid, in, &out, &p);
	if (o == OUT_OK && out.copy_id) {
		http_redirect(req, 303,
		              arena_printf(req->arena, "%s?zapisano=%lld", redaction_path(req, id, aid),
		                           out.copy_id));
		return;
	}
	if (!out.page) {
		web_fail(req, &p);
		return;
	}
	if (notice)
		json_object_set_new(out.page, "notice", json_string(notice));
	json_object_set_new(
	    out.page, "title",
	    json_string(arena_printf(req->arena, "Kopia publiczna załącznika — sprawa %s — Jawność",
	                             json_string_value(json_object_get(out.page, "case_number")))));
	/* Drawing boxes on the pages: a small script, the page works without. */
	json_object_set_new(out.page, "script_url", json_string(static_url("redact.js")));
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, web_outcome_status(o), "panel_redact", out.page);
}

void web_panel_redaction(http_req_t *req)
{
	struct attach_input in = {.action = ATTACH_VIEW};
	const char *saved = http_query(req, "zapisano");
	const char *notice = saved && *saved && strspn(saved, "0123456789") == strlen(saved)
	                         ? arena_printf(req->arena,
	                                        "Zapisano kopię publiczną nr %s. Można ją teraz wybrać "
	                                        "na stronie publikacji sprawy.",
	                                        saved)
	                         : NULL;
	redaction_answer(req, &in, notice);
}

#define MAX_POSTED_BOXES 1000

void web_panel_redact(http_req_t *req)
{
	const form_t *f;
	struct problem p;
	if (http_form_read(req, &f, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	const char *action = form_get(f, "action");
	const char **boxes = arena_calloc(req->arena, MAX_POSTED_BOXES, sizeof *boxes);
	size_t nboxes = form_get_all(f, "box", boxes, MAX_POSTED_BOXES);
	struct attach_input in = {
	    .action = action && !strcmp(action, "save") ? ATTACH_SAVE : ATTACH_PREVIEW,
	    .terms = form_get(f, "terms"),
	    .boxes = boxes,
	    .nboxes = nboxes,
	    .preview_token = form_get(f, "preview_token"),
	};
	redaction_answer(req, &in, NULL);
}

static void page_png(http_req_t *req, long long copy_id)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long n = web_id_param(req, "page");
	const char *png;
	size_t len;
	struct problem p;
	if (attach_page_png(ctx, web_id_param(req, "id"), web_id_param(req, "aid"), copy_id,
	                    n > 0 && n <= 100000 ? (int)n : 0, &png, &len, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	/* An attachment and its copies never change; only this member's
	 * browser keeps the image. */
	http_add_header(req, "Cache-Control", "private, max-age=86400");
	http_respond(req, 200, "image/png", png, len);
}

void web_panel_attachment_page(http_req_t *req)
{
	page_png(req, 0);
}

void web_panel_copy_page(http_req_t *req)
{
	long long cid = web_id_param(req, "cid");
	if (!cid) {
		http_respond_error(req, 404, NULL);
		return;
	}
	page_png(req, cid);
}

/* A page of a letter's public copy, for the publication page's preview. */
void web_panel_letter_copy_page(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long n = web_id_param(req, "page"), seq = web_id_param(req, "seq");
	const char *png;
	size_t len;
	struct problem p;
	if (register_letter_copy_png(ctx, web_id_param(req, "id"), seq > 0 && seq <= 100000 ? (int)seq : 0,
	                             n > 0 && n <= 100000 ? (int)n : 0, &png, &len, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	/* A public copy never changes; only this member's browser keeps it. */
	http_add_header(req, "Cache-Control", "private, max-age=86400");
	http_respond(req, 200, "image/png", png, len);
}
