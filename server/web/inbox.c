/* SPDX-License-Identifier: EUPL-1.2 */
/* The incoming queue under /panel/poczta (cases/inbox.h): the list of the
 * organisation's messages by status, a message with its text and files,
 * and the clerk's three ways of handling it. web_authorize() has already
 * checked the session, the role and, for POST, the CSRF token. */
#include <stdlib.h>
#include <string.h>

#include "cases/filing.h"
#include "cases/inbox.h"
#include "web/outcome.h"
#include "web/web.h"

/* ---- The list ------------------------------------------------------------------ */

void web_inbox_list(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	/* Nonsense in the query (an old link, a hand-typed address) is
	 * ignored: the first page of the new messages. */
	const struct inbox_status *s = inbox_status_of_param(http_query(req, "stan"));
	if (!s)
		s = &inbox_statuses[0];
	const char *after = http_query(req, "po"), *after_id = http_query(req, "po_id");
	struct inbox_filter f = {.status = s->id, .after_at = after,
	                         .after_id = after_id ? atoll(after_id) : 0};
	json_t *doc = NULL;
	struct problem p;
	if (inbox_list(ctx, &f, &doc, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	json_t *counts = json_object_get(doc, "counts"), *filters = json_array();
	for (const struct inbox_status *t = inbox_statuses; t->id; t++)
		json_array_append_new(
		    filters, json_pack("{s:s, s:s, s:O, s:b}", "label", t->label, "url",
		                       arena_printf(req->arena, "/panel/poczta?stan=%s", t->param), "count",
		                       json_object_get(counts, t->id), "current", t == s));
	json_object_set_new(doc, "filters", filters);
	json_object_set_new(doc, "is_new", json_boolean(s == &inbox_statuses[0]));
	json_object_set_new(doc, "status_label", json_string(s->label));
	json_object_set_new(doc, "empty", json_boolean(!json_array_size(json_object_get(doc, "items"))));
	json_t *next = json_object_get(doc, "next");
	if (next)
		json_object_set_new(doc, "next_url",
		                    json_string(arena_printf(req->arena, "/panel/poczta?stan=%s&po=%s&po_id=%s",
		                                             s->param,
		                                             json_string_value(json_object_get(next, "at")),
		                                             json_string_value(json_object_get(next, "id")))));
	json_object_set_new(doc, "title", json_string("Poczta przychodząca — Jawność"));
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, 200, "panel_inbox", doc);
}

/* ---- A message ------------------------------------------------------------------- */

/* What a form that failed sent, to show it again. */
struct typed {
	const char *form; /* "attach", "dismiss" or NULL */
	const char *case_number, *reason, *note;
};

static const char *done_notice(const char *done)
{
	if (!done)
		return NULL;
	if (!strcmp(done, "dolaczona"))
		return "Wiadomość dołączono do sprawy: jej załączniki są teraz załącznikami sprawy.";
	if (!strcmp(done, "nie-wniosek"))
		return "Wiadomość oznaczono jako niebędącą wnioskiem. Nic nie zostało usunięte.";
	return NULL;
}

/* The message page; after a form that failed (`failed`), at its status
 * with its message, the form open with what was typed. */
static void message_page(http_req_t *req, const struct svc_ctx *ctx, long long id,
                         const struct problem *failed, const struct typed *in)
{
	json_t *doc = NULL;
	struct problem p;
	if (inbox_message(ctx, id, &doc, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	const char *subject = json_string_value(json_object_get(doc, "subject"));
	json_object_set_new(doc, "title",
	                    json_string(arena_printf(req->arena, "Wiadomość: %s — Jawność",
	                                             *subject ? subject : "(bez tematu)")));
	json_t *reasons = json_array();
	for (const struct inbox_reason *r = inbox_reasons; r->id; r++)
		json_array_append_new(reasons,
		                      json_pack("{s:s, s:s, s:b}", "id", r->id, "label", r->label, "checked",
		                                in && in->reason && !strcmp(in->reason, r->id)));
	json_object_set_new(doc, "reasons", reasons);
	int status = 200;
	if (failed) {
		status = web_outcome_status(failed->outcome);
		json_object_set_new(doc, "error", json_string(web_problem_text(failed)));
		web_form_errors(doc, failed);
	}
	if (in && in->form)
		json_object_set_new(doc, "in", json_pack("{s:s, s:s, s:b, s:b}", "case_number",
		                                         in->case_number ? in->case_number : "", "note",
		                                         in->note ? in->note : "", "attach",
		                                         !strcmp(in->form, "attach"), "dismiss",
		                                         !strcmp(in->form, "dismiss")));
	const char *notice = failed ? NULL : done_notice(http_query(req, "wykonano"));
	if (notice)
		json_object_set_new(doc, "notice", json_string(notice));
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, status, "panel_inbox_message", doc);
}

void web_inbox_message(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (ctx)
		message_page(req, ctx, web_id_param(req, "id"), NULL, NULL);
}

/* ---- Downloads ---------------------------------------------------------------------- */

/* The declared type without its parameters when it is a plain
 * type/subtype, else bytes: it is a header we send, and what it says is
 * the sender's. */
static const char *safe_type(http_req_t *req, const char *t)
{
	size_t n = strcspn(t, "; \t");
	const char *slash = memchr(t, '/', n);
	if (!slash || slash == t || (size_t)(slash - t) + 1 == n || n > 100)
		return "application/octet-stream";
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
		      (t[i] >= '0' && t[i] <= '9') || strchr("!#$&^_.+-", t[i]) || t + i == slash))
			return "application/octet-stream";
	return arena_strndup(req->arena, t, n);
}

/* A file from the mailbox: always a download, never shown in the panel's
 * origin (attachment; a sandbox with nothing allowed should a browser
 * open it anyway; nosniff is sent with every response), kept by nobody
 * on the way. */
static void send_file(http_req_t *req, enum outcome o, const struct problem *p,
                      const struct inbox_file *f)
{
	if (o != OUT_OK) {
		web_fail(req, p);
		return;
	}
	web_send_file(req, f->filename, safe_type(req, f->content_type), f->data, f->len);
}

void web_inbox_raw(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct inbox_file f;
	struct problem p;
	enum outcome o = inbox_raw(ctx, web_id_param(req, "id"), &f, &p);
	send_file(req, o, &p, &f);
}

void web_inbox_part(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long seq = web_id_param(req, "seq");
	struct inbox_file f;
	struct problem p;
	enum outcome o = inbox_part(ctx, web_id_param(req, "id"),
	                            seq > 0 && seq < 100000 ? (int)seq : -1, &f, &p);
	send_file(req, o, &p, &f);
}

/* ---- Registering it ------------------------------------------------------------------- */

/* The form of the message: its own date of receipt and, when the text was
 * cut to the form's length, a word about it. */
static void register_form(http_req_t *req, const struct filing_input *in, json_t *message,
                          bool cut, const struct problem *failed)
{
	if (cut)
		json_object_set_new(message, "cut", json_true());
	const char *on = json_string_value(json_object_get(message, "received_on"));
	char *received_on = arena_strdup(req->arena, on ? on : "");
	json_object_set_new(message, "channel_label",
	                    json_string(!strcmp(json_string_value(json_object_get(message, "source")),
	                                        "edoreczenia")
	                                    ? "ePUAP / e-Doręczenia"
	                                    : "poczta elektroniczna"));
	http_add_header(req, "Cache-Control", "no-store");
	web_register_page(req, in, received_on, failed, message);
}

void web_inbox_register_form(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct filing_input in;
	bool cut = false;
	json_t *message = NULL;
	struct problem p;
	if (inbox_prefill(ctx, web_id_param(req, "id"), &in, &cut, &message, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	if (!json_is_true(json_object_get(message, "open"))) {
		/* Handled (or not read yet): its page says how, with no form. */
		json_decref(message);
		http_redirect(req, 303,
		              arena_printf(req->arena, "/panel/poczta/%lld", web_id_param(req, "id")));
		return;
	}
	register_form(req, &in, message, cut, NULL);
}

void web_inbox_register(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long id = web_id_param(req, "id");
	const form_t *f;
	struct filing_input in = {0};
	struct problem p;
	if (http_form_read(req, &f, &p) == OUT_OK) {
		web_filing_fields(f, &in);
		long long rid = 0;
		if (inbox_register(ctx, id, form_get(f, "version"), &in, web_base_url(), &rid, &p) ==
		    OUT_OK) {
			http_redirect(req, 303,
			              arena_printf(req->arena, "/panel/sprawy/%lld?wykonano=register", rid));
			return;
		}
	}
	/* The form again with what was typed: the message's page data, or,
	 * when the message cannot be read now, the error page. */
	json_t *message = NULL;
	struct problem mp;
	if (inbox_message(ctx, id, &message, &mp) != OUT_OK) {
		web_fail(req, p.outcome == OUT_NOT_FOUND ? &mp : &p);
		return;
	}
	register_form(req, &in, message, false, &p);
}

/* ---- Attaching it, or not a request ---------------------------------------------------- */

void web_inbox_attach(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long id = web_id_param(req, "id"), rid = 0;
	const form_t *f;
	struct problem p;
	struct typed in = {.form = "attach"};
	if (http_form_read(req, &f, &p) == OUT_OK) {
		in.case_number = form_get(f, "case_number");
		if (inbox_attach(ctx, id, form_get(f, "version"), in.case_number, &rid, &p) == OUT_OK) {
			http_redirect(req, 303,
			              arena_printf(req->arena, "/panel/poczta/%lld?wykonano=dolaczona", id));
			return;
		}
	}
	message_page(req, ctx, id, &p, &in);
}

void web_inbox_dismiss(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long id = web_id_param(req, "id");
	const form_t *f;
	struct problem p;
	struct typed in = {.form = "dismiss"};
	if (http_form_read(req, &f, &p) == OUT_OK) {
		in.reason = form_get(f, "reason");
		in.note = form_get(f, "note");
		if (inbox_dismiss(ctx, id, form_get(f, "version"), in.reason, in.note, &p) == OUT_OK) {
			http_redirect(req, 303,
			              arena_printf(req->arena, "/panel/poczta/%lld?wykonano=nie-wniosek", id));
			return;
		}
	}
	message_page(req, ctx, id, &p, &in);
}
