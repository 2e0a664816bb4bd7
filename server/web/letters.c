/* SPDX-License-Identifier: EUPL-1.2 */
/* Letters in the panel: preview, edit and issue a draft, correct or record
 * the delivery of an issued one, download its PDF, download it to sign and
 * upload its signed version (cases/signature.h), and the register of
 * outgoing letters with its CSV export. */
#include <stdlib.h>
#include <string.h>

#include "cases/attachment_files.h"
#include "cases/bae.h"
#include "cases/dispatch.h"
#include "cases/letters.h"
#include "cases/signature.h"
#include "core/config.h"
#include "core/sniff.h"
#include "http/form.h"
#include "http/static.h"
#include "render/attachlist.h"
#include "render/csv.h"
#include "render/letter.h"
#include "render/letter_gaps.h"
#include "render/tmpl.h"
#include "web/outcome.h"
#include "web/web.h"

static long long num_param(http_req_t *req, const char *name)
{
	const char *s = http_param(req, name);
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return s && !*end && v > 0 && v < 1000000000 ? v : 0;
}

/* What a letter's enclosures may weigh, each file and all together: the
 * upload must also fit in the body the server reads (http/server.h). */
static struct attach_limits attach_limits(void)
{
	size_t body = (size_t)cfg.max_body, file = (size_t)cfg.letter_attachment_max;
	/* Room for the letter's text and the multipart framing. */
	size_t room = body > 512 * 1024 ? body - 256 * 1024 : body / 2;
	return (struct attach_limits){file < room ? file : room,
	                              (size_t)cfg.letter_attachments_total};
}

/* The limits shown on the form before an upload, and the field's error. */
static void attach_limits_json(http_req_t *req, json_t *doc, const struct problem *failed)
{
	struct attach_limits lim = attach_limits();
	long long used = json_integer_value(json_object_get(doc, "attachments_total"));
	long long left = (long long)lim.total_max - used;
	json_object_set_new(
	    doc, "attach",
	    json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:i}", "file_max",
	              attachlist_size(req->arena, (long long)lim.file_max), "total_max",
	              attachlist_size(req->arena, (long long)lim.total_max), "used",
	              attachlist_size(req->arena, used), "left",
	              attachlist_size(req->arena, left > 0 ? left : 0), "file_max_bytes",
	              (json_int_t)lim.file_max, "left_bytes", (json_int_t)(left > 0 ? left : 0),
	              "body_max_bytes", (json_int_t)cfg.max_body, "accept", sniff_accept(),
	              "max_files", ATTACH_OUT_MAX_FILES));
	const char *err = failed ? problem_field_message(failed, "zalacznik") : NULL;
	if (err)
		json_object_set_new(doc, "attach_error", json_string(err));
}

/* ---- The gaps of a draft (issue 21 item 3, render/letter_gaps.h) -------- */

static void page(http_req_t *req, const struct svc_ctx *ctx, const struct problem *failed,
                 const char *markdown, json_t *typed);

/* What the clerk typed in the gaps' fields ("luka-…"), {field: value}. */
static json_t *typed_gaps(const form_t *f)
{
	json_t *o = json_object();
	for (const form_field_t *ff = f ? f->first : NULL; ff; ff = ff->next) {
		json_t *v = !ff->filename && letter_var_by_field(ff->name) ? json_string(ff->value) : NULL;
		if (v)
			json_object_set_new(o, ff->name, v);
	}
	return o;
}

/* `md` with what was typed in place of the gaps' marks (also the marks of
 * drafts written before the gaps had Polish names: the variable's); a text
 * grown too long is refused by letters_markdown_problem()'s rule. */
static const char *filled(arena_t *a, const char *md, json_t *typed)
{
	const char *k;
	json_t *v;
	json_object_foreach(typed, k, v)
	{
		const letter_var_t *var = letter_var_by_field(k);
		if (md)
			md = letter_gap_fill(a, md, var->label, json_string_value(v));
		if (md)
			md = letter_gap_fill(a, md, var->name, json_string_value(v));
	}
	return md; /* NULL: too long */
}

/* The answer when the gaps typed would make the text too long: the page
 * again with what was typed. */
static void too_long(http_req_t *req, const struct svc_ctx *ctx, const char *typed_md,
                     json_t *typed)
{
	struct problem p;
	problem_set(&p, OUT_OK, NULL, NULL);
	problem_field(&p, "markdown",
	              "Treść pisma z uzupełnionymi polami byłaby za długa (najwyżej 200 000 znaków).");
	page(req, ctx, &p, typed_md, typed);
}

/* doc["gaps"]: a field for each gap of the text shown, with what was
 * typed in it and its error. */
static void gap_fields(arena_t *a, json_t *doc, json_t *typed, const struct problem *failed)
{
	const char *md = json_string_value(json_object_get(doc, "markdown"));
	struct letter_gap gaps[LETTER_GAPS_MAX];
	size_t n = md ? letter_gaps_find(a, md, gaps) : 0;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const letter_var_t *v = gaps[i].var;
		if (!v) /* a mark of the clerk's own: only in the text */
			continue;
		const char *field = letter_gap_field(a, v);
		const char *typed_v = json_string_value(json_object_get(typed, field));
		const char *err = failed ? problem_field_message(failed, field) : NULL;
		json_t *g = json_pack("{s:s, s:s, s:s, s:b, s:s}", "field", field, "label", v->label,
		                      "hint", v->hint ? v->hint : "", "block",
		                      v->type == LETTER_VAR_BLOCK || v->type == LETTER_VAR_LIST, "value",
		                      typed_v ? typed_v : "");
		if (err)
			json_object_set_new(g, "error", json_string(err));
		json_array_append_new(list, g);
	}
	if (json_array_size(list))
		json_object_set_new(json_array_get(list, json_array_size(list) - 1), "last", json_true());
	json_object_set_new(doc, "has_gaps", json_boolean(json_array_size(list) > 0));
	json_object_set_new(doc, "gaps", list);
}

/* The document's page; after a step that failed (`failed`), with its status
 * and message, and what the clerk typed (`markdown`, the gaps' fields in
 * `typed`, which is taken), even when refused. */
static void page(http_req_t *req, const struct svc_ctx *ctx, const struct problem *failed,
                 const char *markdown, json_t *typed)
{
	long long id = num_param(req, "id"), seq = num_param(req, "seq");
	json_t *doc = NULL;
	struct problem p;
	if (letters_view(ctx, web_letters(), id, (int)seq, &doc, &p) != OUT_OK) {
		json_decref(typed);
		web_fail(req, &p);
		return;
	}
	int status = failed ? web_outcome_status(failed->outcome) : 200;
	json_t *preview = json_object_get(doc, "preview");
	if (json_is_string(preview))
		json_object_set_new(doc, "preview_html",
		                    tmpl_safe(letter_gaps_mark_html(req->arena, json_string_value(preview))));
	json_object_del(doc, "preview");
	json_object_set_new(doc, "id_case", json_integer(id));
	json_object_set_new(doc, "extra_css", json_string("/panel/pismo.css"));
	json_object_set_new(doc, "title_page", json_string(json_string_value(json_object_get(doc, "title"))));
	json_object_set_new(doc, "title", json_string(arena_printf(req->arena, "%s — pismo — Jawność",
	                                                           json_string_value(json_object_get(doc, "title")))));
	if (failed)
		json_object_set_new(doc, "error", json_string(web_problem_text(failed)));
	/* What the clerk typed stays, even when it was refused. */
	if (markdown && *markdown && json_is_true(json_object_get(doc, "draft")))
		json_object_set_new(doc, "markdown", json_string(markdown));
	else if (markdown && *markdown)
		json_object_set_new(doc, "unsaved", json_string(markdown));
	if (json_is_true(json_object_get(doc, "draft")))
		gap_fields(req->arena, doc, typed, failed);
	json_decref(typed);
	if (http_query(req, "zapisano") && status == 200)
		json_object_set_new(doc, "saved", json_true());
	if (http_query(req, "wystawiono") && status == 200)
		json_object_set_new(doc, "issued_now", json_true());
	/* "Wystawiono pismo nr … dnia …" (issue 21 item 4). */
	const char *at = json_string_value(json_object_get(doc, "issued_at"));
	if (at && strlen(at) >= 16) {
		json_object_set_new(doc, "issued_on", json_stringn(at, 10));
		json_object_set_new(doc, "issued_time", json_string(at + 11));
	}
	if (http_query(req, "przygotowano") && status == 200)
		json_object_set_new(doc, "prepared_now", json_true());
	if (http_query(req, "zalaczono") && status == 200)
		json_object_set_new(doc, "attached_now", json_true());
	if (http_query(req, "usunieto") && status == 200)
		json_object_set_new(doc, "detached_now", json_true());
	/* Checks the files against the limits before they are sent. */
	if (json_is_true(json_object_get(doc, "draft")))
		json_object_set_new(doc, "script_url", json_string(static_url("attach.js")));
	if (http_query(req, "podpisano") && status == 200 && json_is_object(json_object_get(doc, "signature")))
		json_object_set_new(doc, "signed_now", json_true());
	attach_limits_json(req, doc, failed);
	if (failed && problem_field_message(failed, "signed_pdf"))
		json_object_set_new(doc, "sign_error", json_string(problem_field_message(failed, "signed_pdf")));
	web_render(req, status, "panel_document", doc);
}

void web_panel_document(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (ctx)
		page(req, ctx, NULL, NULL, NULL);
}

/* After a step on a document: its page (the new one's for a correction),
 * or the page again with the problem. */
static void after(http_req_t *req, const struct svc_ctx *ctx, enum outcome o,
                  const struct problem *p, const char *markdown, long long seq_to)
{
	if (o == OUT_OK)
		http_redirect(req, 303, arena_printf(req->arena, "/panel/sprawy/%lld/pisma/%lld?zapisano=1",
		                                     num_param(req, "id"),
		                                     seq_to ? seq_to : num_param(req, "seq")));
	else
		page(req, ctx, p, markdown, NULL);
}

/* The draft's text in form `f` and the gaps typed, the text with them in
 * place (*md). False, after answering, when that text is too long. */
static bool draft_fill(http_req_t *req, const struct svc_ctx *ctx, const form_t *f,
                       const char **typed_md, const char **md, json_t **typed)
{
	*typed_md = f ? form_get(f, "markdown") : NULL;
	*typed = typed_gaps(f);
	*md = *typed_md ? filled(req->arena, *typed_md, *typed) : NULL;
	if (*typed_md && !*md) {
		too_long(req, ctx, *typed_md, *typed);
		return false;
	}
	return true;
}

/* draft_fill() on the request's form (*form, NULL when there is none). */
static bool draft_form(http_req_t *req, const struct svc_ctx *ctx, const form_t **form,
                       const char **typed_md, const char **md, json_t **typed)
{
	const form_t *f = NULL;
	if (http_form(req, &f) != FORM_OK)
		f = NULL;
	*form = f;
	return draft_fill(req, ctx, f, typed_md, md, typed);
}

void web_panel_document_save(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const form_t *f;
	const char *typed_md, *md;
	json_t *typed;
	if (!draft_form(req, ctx, &f, &typed_md, &md, &typed))
		return;
	struct problem p;
	enum outcome o = letters_save(ctx, num_param(req, "id"), (int)num_param(req, "seq"), md, &p);
	if (o == OUT_OK) {
		json_decref(typed);
		after(req, ctx, o, &p, NULL, 0);
	} else {
		page(req, ctx, &p, typed_md, typed);
	}
}

/* „Wystaw pismo”: first a page that says what issuing does and asks to
 * confirm (issue 21 item 4); issued only with "potwierdzenie=tak", which
 * that page's form sends with the text it showed. */
void web_panel_document_issue(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const form_t *f;
	const char *typed_md, *md;
	json_t *typed;
	if (!draft_form(req, ctx, &f, &typed_md, &md, &typed))
		return;
	const char *channel = f ? form_get(f, "channel") : NULL;
	const char *confirmed = f ? form_get(f, "potwierdzenie") : NULL;
	long long id = num_param(req, "id"), seq = num_param(req, "seq");
	struct problem p;
	if (confirmed && !strcmp(confirmed, "tak")) {
		enum outcome o = letters_issue(ctx, web_letters(), id, (int)seq, md, channel, &p);
		if (o == OUT_OK) {
			json_decref(typed);
			http_redirect(req, 303, arena_printf(req->arena,
			                                     "/panel/sprawy/%lld/pisma/%lld?wystawiono=1", id,
			                                     seq));
		} else {
			page(req, ctx, &p, typed_md, typed);
		}
		return;
	}
	json_t *plan = NULL;
	if (letters_issue_check(ctx, web_letters(), id, (int)seq, md, channel, &plan, &p) != OUT_OK) {
		page(req, ctx, &p, typed_md, typed);
		return;
	}
	json_decref(typed);
	json_t *preview = json_object_get(plan, "preview");
	if (json_is_string(preview))
		json_object_set_new(plan, "preview_html", tmpl_safe(json_string_value(preview)));
	json_object_del(plan, "preview");
	json_object_set_new(plan, "id_case", json_integer(id));
	json_object_set_new(plan, "extra_css", json_string("/panel/pismo.css"));
	json_object_set_new(plan, "title_page", json_string(json_string_value(json_object_get(plan, "title"))));
	json_object_set_new(plan, "title",
	                    json_string(arena_printf(req->arena, "Wystawić pismo nr %lld? — Jawność", seq)));
	web_render(req, 200, "panel_issue_confirm", plan);
}

/* Files attached to a draft (multipart: the files in "zalacznik", the
 * letter's text as the clerk has it in "markdown", kept whatever happens). */
void web_panel_document_attach(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const form_t *f;
	struct problem p;
	if (http_form_read(req, &f, &p) != OUT_OK) {
		page(req, ctx, &p, NULL, NULL);
		return;
	}
	struct attach_upload files[ATTACH_OUT_MAX_FILES + 1];
	size_t n = 0;
	for (const form_field_t *ff = f->first; ff; ff = ff->next) {
		/* An empty file input sends a part without a file name. */
		if (strcmp(ff->name, "zalacznik") != 0 || !ff->filename)
			continue;
		if (n == ATTACH_OUT_MAX_FILES + 1)
			break;
		files[n++] = (struct attach_upload){ff->filename, ff->value, ff->value_len};
	}
	const char *typed_md, *md;
	json_t *typed;
	if (!draft_fill(req, ctx, f, &typed_md, &md, &typed))
		return;
	struct attach_limits lim = attach_limits();
	enum outcome o = attach_to_letter(ctx, num_param(req, "id"), (int)num_param(req, "seq"), files,
	                                  n, md, &lim, &p);
	if (o == OUT_OK) {
		json_decref(typed);
		http_redirect(req, 303,
		              arena_printf(req->arena, "/panel/sprawy/%lld/pisma/%lld?zalaczono=%zu#zalaczniki",
		                           num_param(req, "id"), num_param(req, "seq"), n));
	} else {
		page(req, ctx, &p, typed_md, typed);
	}
}

void web_panel_document_detach(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const form_t *f;
	const char *typed_md, *md;
	json_t *typed;
	if (!draft_form(req, ctx, &f, &typed_md, &md, &typed))
		return;
	struct problem p;
	enum outcome o = attach_from_letter(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
	                                    num_param(req, "aid"), md, &p);
	if (o == OUT_OK) {
		json_decref(typed);
		http_redirect(req, 303,
		              arena_printf(req->arena, "/panel/sprawy/%lld/pisma/%lld?usunieto=1#zalaczniki",
		                           num_param(req, "id"), num_param(req, "seq")));
	} else {
		page(req, ctx, &p, typed_md, typed);
	}
}

void web_panel_document_correct(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	int new_seq = 0;
	struct problem p;
	enum outcome o = letters_correct(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
	                                 &new_seq, &p);
	after(req, ctx, o, &p, NULL, new_seq);
}

/* „Usuń projekt”: the draft and the step waiting for it go; back to the
 * case, which is as it was. */
void web_panel_document_discard(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct problem p;
	long long id = num_param(req, "id");
	if (letters_discard(ctx, id, (int)num_param(req, "seq"), &p) == OUT_OK)
		http_redirect(req, 303, arena_printf(req->arena, "/panel/sprawy/%lld?usunieto_projekt=1", id));
	else
		page(req, ctx, &p, NULL, NULL);
}

void web_panel_document_delivered(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct problem p;
	enum outcome o = letters_delivered(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
	                                   http_form_get(req, "delivered_on"), &p);
	after(req, ctx, o, &p, NULL, 0);
}

/* ---- Dispatch (cases/dispatch.h) ---------------------------------------- */

void web_panel_dispatch_send(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct problem p;
	enum outcome o = dispatch_send(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
	                               http_form_get(req, "channel"), &p);
	after(req, ctx, o, &p, NULL, 0);
}

/* „Sprawdź ponownie w BAE”: the lookup now, whatever the age of the last. */
void web_panel_bae_check(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct problem p;
	enum outcome o =
	    bae_refresh(ctx, num_param(req, "id"), (int)num_param(req, "seq"), true, &p);
	after(req, ctx, o, &p, NULL, 0);
}

void web_panel_dispatch_posted(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct problem p;
	enum outcome o = dispatch_posted(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
	                                 num_param(req, "did"), http_form_get(req, "number"),
	                                 http_form_get(req, "date"), &p);
	after(req, ctx, o, &p, NULL, 0);
}

void web_panel_dispatch_receipt(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct problem p;
	enum outcome o = dispatch_receipt(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
	                                  num_param(req, "did"), http_form_get(req, "date"), &p);
	after(req, ctx, o, &p, NULL, 0);
}

void web_panel_dispatch_returned(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct problem p;
	enum outcome o = dispatch_returned(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
	                                   num_param(req, "did"), http_form_get(req, "date"),
	                                   http_form_get(req, "second_notice"), &p);
	after(req, ctx, o, &p, NULL, 0);
}

void web_panel_dispatch_letter(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const char *pdf = NULL;
	size_t len = 0;
	struct problem p;
	if (dispatch_letter_pdf(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
	                        num_param(req, "did"), &pdf, &len, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "inline; filename=\"list-polecony-%lld-%lld.pdf\"",
	                             num_param(req, "id"), num_param(req, "seq")));
	http_respond(req, 200, "application/pdf", pdf, len);
}

void web_panel_book_csv(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	json_t *book = NULL;
	struct problem p;
	if (dispatch_book(ctx, http_query(req, "od"), http_query(req, "do"), &book, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	strbuf_t csv;
	sb_init(&csv, req->arena);
	static const char *const head[] = {"lp", "adresat", "adres", "numer_nadawczy", "znak_sprawy",
	                                   "nr_pisma", "data_nadania", "uwagi", "stan"};
	static const char *const keys[] = {NULL, "name", "address", "number", "case_number",
	                                   "seq", "posted_on", "note", "state"};
	csv_row(&csv, head, 9);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(book, "items"), i, it)
	{
		const char *row[9];
		row[0] = arena_printf(req->arena, "%zu", i + 1);
		for (int k = 1; k < 9; k++)
			row[k] = json_string_value(json_object_get(it, keys[k]));
		csv_row(&csv, row, 9);
	}
	const char *name = arena_printf(req->arena,
	                                "attachment; filename=\"ksiazka-nadawcza-%s-%s.csv\"",
	                                json_string_value(json_object_get(book, "from")),
	                                json_string_value(json_object_get(book, "to")));
	json_decref(book);
	http_add_header(req, "Content-Disposition", name);
	http_respond(req, 200, "text/csv; charset=utf-8; header=present", csv.data ? csv.data : "",
	             csv.len);
}

void web_panel_book_pdf(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const char *pdf = NULL;
	size_t len = 0;
	struct problem p;
	if (dispatch_book_pdf(ctx, http_query(req, "od"), http_query(req, "do"), &pdf, &len, &p) !=
	    OUT_OK) {
		web_fail(req, &p);
		return;
	}
	http_add_header(req, "Content-Disposition", "inline; filename=\"ksiazka-nadawcza.pdf\"");
	http_respond(req, 200, "application/pdf", pdf, len);
}

void web_panel_document_pdf(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const char *pdf = NULL;
	size_t len = 0;
	struct problem p;
	if (letters_pdf(ctx, num_param(req, "id"), (int)num_param(req, "seq"), &pdf, &len, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "inline; filename=\"pismo-%lld-%lld.pdf\"",
	                             num_param(req, "id"), num_param(req, "seq")));
	http_respond(req, 200, "application/pdf", pdf, len);
}

/* A PDF of document `seq` as a response, with `disposition` and `suffix`
 * in its file name. */
static void send_pdf(http_req_t *req, enum outcome o, const struct problem *p, const char *pdf,
                     size_t len, const char *disposition, const char *suffix)
{
	if (o != OUT_OK) {
		web_fail(req, p);
		return;
	}
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "%s; filename=\"pismo-%lld-%lld%s.pdf\"", disposition,
	                             num_param(req, "id"), num_param(req, "seq"), suffix));
	http_respond(req, 200, "application/pdf", pdf, len);
}

/* "Pobierz do podpisu": the PDF as issued, to be signed outside. */
void web_panel_document_to_sign(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const char *pdf = NULL;
	size_t len = 0;
	struct problem p;
	enum outcome o = signature_original_pdf(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
	                                        &pdf, &len, &p);
	send_pdf(req, o, &p, pdf, len, "attachment", "-do-podpisu");
}

/* "Wgraj podpisany": the signed PDF, verified and kept beside the issued
 * one; on a refusal the page says which check failed. */
void web_panel_document_sign(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const form_t *f;
	struct problem p;
	enum outcome o;
	if (http_form(req, &f) != FORM_OK) {
		o = problem_set(&p, OUT_MALFORMED, "Przesłany formularz jest uszkodzony.", NULL);
	} else {
		const form_field_t *file = form_get_field(f, "signed_pdf");
		o = signature_upload(ctx, num_param(req, "id"), (int)num_param(req, "seq"),
		                     file && file->filename ? file->value : NULL,
		                     file && file->filename ? file->value_len : 0, &p);
	}
	if (o == OUT_OK)
		http_redirect(req, 303, arena_printf(req->arena, "/panel/sprawy/%lld/pisma/%lld?podpisano=1",
		                                     num_param(req, "id"), num_param(req, "seq")));
	else
		page(req, ctx, &p, NULL, NULL);
}

void web_panel_document_signed(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const char *pdf = NULL;
	size_t len = 0;
	struct problem p;
	enum outcome o = signature_pdf(ctx, num_param(req, "id"), (int)num_param(req, "seq"), &pdf,
	                               &len, &p);
	send_pdf(req, o, &p, pdf, len, "inline", "-podpisane");
}

void web_letter_css(http_req_t *req)
{
	http_add_header(req, "Cache-Control", "private, max-age=3600");
	http_respond(req, 200, "text/css; charset=utf-8", letter_css, strlen(letter_css));
}

/* A positive id in the query, 0 when absent or not one. */
static long long query_id(http_req_t *req, const char *name)
{
	const char *s = http_query(req, name);
	char *end;
	long long v = s && *s ? strtoll(s, &end, 10) : 0;
	return s && *s && !*end && v > 0 && v < 1000000000000LL ? v : 0;
}

/* The register of outgoing letters with the filters applied, or NULL
 * after answering. */
static json_t *outgoing(http_req_t *req, bool drafts)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return NULL;
	struct letters_filter f = {http_query(req, "od"), http_query(req, "do"), http_query(req, "rodzaj"),
	                           drafts ? http_query(req, "stan") : NULL,
	                           query_id(req, "komorka")};
	json_t *doc = NULL;
	struct problem p;
	if (letters_outgoing(ctx, &f, &doc, &p) != OUT_OK)
		web_fail(req, &p);
	return doc;
}

void web_panel_outgoing(http_req_t *req)
{
	/* "?stan=projekt": the drafts not issued yet (issue 21 item 1). */
	json_t *doc = outgoing(req, true);
	if (!doc)
		return;
	const char *from = json_string_value(json_object_get(doc, "from"));
	const char *to = json_string_value(json_object_get(doc, "to"));
	const char *type = json_string_value(json_object_get(doc, "type"));
	json_t *types = json_array();
	for (size_t i = 0; i < letter_type_count; i++)
		json_array_append_new(types, json_pack("{s:s, s:s, s:b}", "id", letter_types[i].id, "label",
		                                       letter_types[i].title,
		                                       "selected", !strcmp(type, letter_types[i].id)));
	json_object_set_new(doc, "types", types);
	json_object_set_new(doc, "csv_url",
	                    json_string(arena_printf(req->arena, "/panel/pisma.csv?od=%s&do=%s&rodzaj=%s",
	                                             from, to, type)));
	json_object_set_new(doc, "empty", json_boolean(!json_array_size(json_object_get(doc, "items"))));
	bool drafts = json_is_true(json_object_get(doc, "drafts"));
	json_object_set_new(doc, "title", json_string(drafts ? "Pisma do wystawienia — Jawność"
	                                                     : "Rejestr pism wychodzących — Jawność"));
	web_render(req, 200, "panel_outgoing", doc);
}

void web_panel_outgoing_csv(http_req_t *req)
{
	json_t *doc = outgoing(req, false);
	if (!doc)
		return;
	strbuf_t csv;
	sb_init(&csv, req->arena);
	static const char *const head[] = {"znak_sprawy", "nr_pisma", "rodzaj", "tytul", "data_wystawienia",
	                                   "wystawil", "doreczenie", "data_doreczenia", "sha256"};
	static const char *const keys[] = {"case_number", "seq", "type", "title", "issued_at",
	                                   "author", "delivery", "delivered_on", "sha256"};
	csv_row(&csv, head, 9);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(doc, "items"), i, it)
	{
		const char *row[9];
		for (int k = 0; k < 9; k++)
			row[k] = json_string_value(json_object_get(it, keys[k]));
		csv_row(&csv, row, 9);
	}
	json_decref(doc);
	http_add_header(req, "Content-Disposition", "attachment; filename=\"pisma-wychodzace.csv\"");
	http_respond(req, 200, "text/csv; charset=utf-8; header=present", csv.data ? csv.data : "",
	             csv.len);
}
