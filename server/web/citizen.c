/* SPDX-License-Identifier: EUPL-1.2 */
/* The citizen's side: the filing form, the confirmation and the tracking
 * page with the requester's actions. No account: the private link is the key. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cases/filing.h"
#include "cases/org.h"
#include "cases/privacy_notice.h"
#include "cases/register.h"
#include "cases/track.h"
#include "core/clock.h"
#include "core/config.h"
#include "render/attachlist.h"
#include "web/outcome.h"
#include "web/web.h"

static const char *const form_fields[] = {"kind",  "subject", "content", "form",   "delivery",
                                          "name",  "email",   "postal_address", "phone",
                                          "purpose", "format", "manner", "ade_address"};

/* The limits the form states (issue 21 item 11): each file, and all files
 * together. The whole body may be JAWNOSC_MAX_BODY; 1 MB of it is left for
 * the text and the framing, so files within the stated total always fit. */
static size_t files_total_max(void)
{
	size_t body = cfg.max_body, mb = 1024 * 1024;
	return body >= 2 * mb ? body - mb : body / 2;
}

static size_t file_max(void)
{
	size_t each = (size_t)cfg.max_attachment, total = files_total_max();
	return each < total ? each : total;
}

/* "5 MB", "7 MB", "1,5 MB". */
static const char *size_text(http_req_t *req, size_t n)
{
	size_t mb = 1024 * 1024;
	if (n >= mb && n % mb == 0)
		return arena_printf(req->arena, "%zu MB", n / mb);
	return attachlist_size(req->arena, (long long)n);
}

static const char *value_of(const struct filing_input *in, const char *field)
{
	const char *v = NULL;
	if (!strcmp(field, "kind")) v = in->kind;
	else if (!strcmp(field, "subject")) v = in->subject;
	else if (!strcmp(field, "content")) v = in->content;
	else if (!strcmp(field, "form")) v = in->form;
	else if (!strcmp(field, "delivery")) v = in->delivery;
	else if (!strcmp(field, "name")) v = in->name;
	else if (!strcmp(field, "email")) v = in->email;
	else if (!strcmp(field, "postal_address")) v = in->postal_address;
	else if (!strcmp(field, "phone")) v = in->phone;
	else if (!strcmp(field, "purpose")) v = in->purpose;
	else if (!strcmp(field, "format")) v = in->format;
	else if (!strcmp(field, "manner")) v = in->manner;
	else if (!strcmp(field, "ade_address")) v = in->ade_address;
	return v ? v : "";
}

/* Everything the form template needs: values as typed, a message next to
 * each bad field and a summary at the top linking to them. */
static json_t *form_context(http_req_t *req, const struct org *org, const struct filing_input *in,
                            const struct problem *errs, const char *submission_id,
                            const char *general)
{
	json_t *ctx = json_pack("{s:s, s:s, s:s, s:s}", "title", "Złóż wniosek — Jawność", "org_name",
	                        org->name, "csrf", web_csrf_token(req), "submission_id", submission_id);
	json_t *values = json_object();
	for (size_t i = 0; i < sizeof form_fields / sizeof form_fields[0]; i++)
		json_object_set_new(values, form_fields[i], json_string(value_of(in, form_fields[i])));
	json_object_set_new(ctx, "v", values);
	const char *kind = value_of(in, "kind"), *delivery = value_of(in, "delivery");
	json_object_set_new(ctx, "kind_reuse", json_boolean(!strcmp(kind, "reuse")));
	json_object_set_new(ctx, "kind_public", json_boolean(strcmp(kind, "reuse") != 0));
	json_object_set_new(ctx, "standing", json_boolean(in->standing && *in->standing));
	json_object_set_new(ctx, "delivery_email", json_boolean(!strcmp(delivery, "email") || !*delivery));
	json_object_set_new(ctx, "delivery_post", json_boolean(!strcmp(delivery, "post")));
	json_object_set_new(ctx, "delivery_tracking", json_boolean(!strcmp(delivery, "tracking_page")));
	json_object_set_new(ctx, "privacy", privacy_notice_json(org));
	json_object_set_new(ctx, "file_max", json_string(size_text(req, file_max())));
	json_object_set_new(ctx, "files_total_max", json_string(size_text(req, files_total_max())));
	json_object_set_new(ctx, "files_max_count", json_integer(FILING_MAX_ATTACHMENTS));
	/* The form's change register (none shown when it cannot be read: the
	 * form works without it). */
	struct svc_ctx sc = {.arena = req->arena, .org = org, .now = clock_now()};
	struct bip_changes ch;
	struct problem bp;
	if (register_bip_changes(&sc, org, BIP_PAGE_FORM, &ch, &bp) != OUT_OK)
		ch.read = false;
	json_object_set_new(ctx, "bip", web_bip_composed(org, "redakcja BIP", &ch));
	if (web_form_errors(ctx, errs)) {
		json_object_set_new(ctx, "title",
		                    json_string("Błędy w formularzu — Złóż wniosek — Jawność"));
	}
	if (general)
		json_object_set_new(ctx, "general_error", json_string(general));
	return ctx;
}

void web_request_form(http_req_t *req)
{
	struct org org;
	if (!web_org(req, &org))
		return;
	struct filing_input in = {0};
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, 200, "request_form",
	           form_context(req, &org, &in, NULL, web_random_id(req), NULL));
}

/* The service's context: this request's arena and instant. */
static struct svc_ctx ctx_of(http_req_t *req, const struct org *org)
{
	return (struct svc_ctx){.arena = req->arena, .org = org, .now = clock_now()};
}

/* The message of a problem, for a page that shows it next to a form. */
static const char *message_of(const struct problem *p)
{
	if (p->message)
		return p->message;
	return p->nfields ? p->fields[0].message : web_outcomes[p->outcome].message;
}

void web_filing_fields(const form_t *f, struct filing_input *in)
{
#define SLOT(m) FORM_SLOT(struct filing_input, m)
	static const struct form_slot slots[] = {
	    SLOT(kind),  SLOT(subject), SLOT(content), SLOT(form),    SLOT(delivery), SLOT(name),
	    SLOT(email), SLOT(phone),   SLOT(purpose), SLOT(format),  SLOT(manner),
	    SLOT(postal_address), SLOT(ade_address), SLOT(standing)};
#undef SLOT
	form_fill(f, in, slots, sizeof slots / sizeof slots[0], NULL);
	for (const form_field_t *ff = f->first; ff; ff = ff->next) {
		if (strcmp(ff->name, "attachment") != 0 || !ff->filename)
			continue;
		if (in->nattachments == FILING_MAX_ATTACHMENTS)
			break;
		struct filing_attachment *at = &in->attachments[in->nattachments++];
		at->filename = ff->filename;
		at->data = ff->value;
		at->len = ff->value_len;
	}
}

static void read_form(http_req_t *req, const struct org *org, const form_t *f,
                      struct filing_input *in)
{
	web_filing_fields(f, in);
	in->channel = "web";
	in->ip = http_client_ip(req);
	in->received_at = clock_now();
	in->max_attachment = (size_t)cfg.max_attachment;
	in->base_url = web_org_base_url(req->arena, org);
}

/* The form again with what was typed, at the status of p's outcome: the
 * field messages next to their fields, or p's message at the top (with
 * `note` after it). */
static void form_again(http_req_t *req, const struct org *org, const struct filing_input *in,
                       const char *submission_id, const struct problem *p, const char *note)
{
	http_add_header(req, "Cache-Control", "no-store");
	/* As web_fail() would, and a filing over its limit says when. */
	if (p->outcome == OUT_UNAVAILABLE)
		http_add_header(req, "Retry-After", "5");
	else if (p->outcome == OUT_RATE_LIMITED)
		http_add_header(req, "Retry-After", arena_printf(req->arena, "%d", FILING_RATE_WINDOW));
	const char *general =
	    p->nfields ? NULL : arena_printf(req->arena, "%s%s", message_of(p), note ? note : "");
	web_render(req, web_outcome_status(p->outcome), "request_form",
	           form_context(req, org, in, p, submission_id, general));
}

/* What a person filing by hand passes and a forger or a bot does not. */
static enum outcome form_genuine(http_req_t *req, const form_t *f, struct problem *p)
{
	if (!web_csrf_ok(req, form_get(f, "csrf")))
		return problem_set(p, OUT_DENIED,
		                   "Formularz wygasł albo został otwarty w innej przeglądarce. Sprawdź "
		                   "dane i wyślij go ponownie.",
		                   NULL);
	const char *honeypot = form_get(f, "website");
	if (honeypot && *honeypot)
		return problem_set(p, OUT_MALFORMED,
		                   "Nie udało się przyjąć wniosku. Pole „Strona internetowa” musi pozostać "
		                   "puste.",
		                   NULL);
	return OUT_OK;
}

/* The files of a form over the limit, named with their sizes: "a.pdf
 * (4,0 MB), b.pdf (4,0 MB)". */
static const char *files_named(http_req_t *req, const struct upload_scan *over)
{
	strbuf_t sb;
	sb_init(&sb, req->arena);
	for (int i = 0; i < over->nfiles; i++)
		sb_printf(&sb, "%s„%s” (%s)", i ? ", " : "", over->files[i].filename,
		          attachlist_size(req->arena, (long long)over->files[i].size));
	if (over->more_files)
		sb_printf(&sb, " i %d innych", over->more_files);
	return sb.data ? sb.data : "";
}

/* The form came with more than the server takes (issue 21 item 11): it was
 * read without its files (http_upload_over()), so it comes back with what
 * was typed and a message naming the files, at 413. Nothing is filed. */
static void form_over_limit(http_req_t *req, const struct org *org, const form_t *f,
                            const struct upload_scan *over)
{
	struct filing_input in = {0};
	web_filing_fields(f, &in);
	in.nattachments = 0;
	const char *sid = form_get(f, "submission_id");
	if (!web_is_random_id(sid))
		sid = web_random_id(req);
	size_t total = 0;
	for (int i = 0; i < over->nfiles; i++)
		total += over->files[i].size;
	const char *msg;
	if (over->nfiles)
		msg = arena_printf(req->arena,
		                   "Wniosku nie wysłano, bo załączniki są za duże: %s — razem %s. Każdy "
		                   "plik może mieć najwyżej %s, a wszystkie razem najwyżej %s. Zmniejsz "
		                   "pliki (np. zeskanuj w niższej rozdzielczości) albo dołącz mniej "
		                   "plików i wybierz je ponownie; pozostałe dane są zachowane.",
		                   files_named(req, over), attachlist_size(req->arena, (long long)total),
		                   size_text(req, file_max()), size_text(req, files_total_max()));
	else
		msg = arena_printf(req->arena,
		                   "Wniosku nie wysłano, bo przesłane dane są za duże (najwyżej %s). "
		                   "Skróć treść; pozostałe dane są zachowane.",
		                   size_text(req, http_req_body_limit(req)));
	if (over->lost_field)
		msg = arena_printf(req->arena, "%s Część tekstu była zbyt długa i nie została zachowana: "
		                               "sprawdź pola formularza.", msg);
	struct problem p = {0};
	problem_field(&p, "attachment", msg);
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, 413, "request_form", form_context(req, org, &in, &p, sid, NULL));
}

void web_request_submit(http_req_t *req)
{
	struct org org;
	if (!web_org(req, &org))
		return;
	const form_t *f;
	struct filing_input in = {0};
	struct problem p = {0};
	if (http_form_read(req, &f, &p) != OUT_OK) {
		form_again(req, &org, &in, web_random_id(req), &p, NULL);
		return;
	}
	const struct upload_scan *over = http_upload_over(req);
	if (over) {
		form_over_limit(req, &org, f, over);
		return;
	}
	read_form(req, &org, f, &in);
	/* The form's one-time id guards against filing twice (a double click,
	 * a send again after an error): a key of this client's for this
	 * content, never what the tracking token is made of. */
	const char *sid = form_get(f, "submission_id");
	if (!web_is_random_id(sid))
		sid = web_random_id(req);
	in.idempotency_key = arena_printf(req->arena, "form:%s", sid);
	if (form_genuine(req, f, &p) != OUT_OK) {
		form_again(req, &org, &in, sid, &p, NULL);
		return;
	}
	struct svc_ctx ctx = ctx_of(req, &org);
	struct filing_receipt rc;
	if (filing_create(&ctx, &in, &rc, &p) != OUT_OK) {
		/* An id spent on other content: the form comes back with a new
		 * one, so that sending it again files. */
		if (p.code && !strcmp(p.code, "idempotency_key_reused"))
			sid = web_random_id(req);
		form_again(req, &org, &in, sid, &p, " Twoje dane są zachowane w formularzu.");
		return;
	}
	json_decref(rc.due_steps);
	http_redirect(req, 303, arena_printf(req->arena, "/sprawa/%s/potwierdzenie", rc.token));
}

/* The case behind the token, or false when the answer has been given. */
static bool load_case(http_req_t *req, json_t **view)
{
	struct svc_ctx ctx = ctx_of(req, NULL);
	struct problem p = {0};
	if (track_load(&ctx, http_param(req, "token"), view, &p) == OUT_OK)
		return true;
	web_fail(req, &p);
	return false;
}

/* The private pages must not be cached or indexed. */
static void private_headers(http_req_t *req)
{
	http_add_header(req, "Cache-Control", "no-store");
	http_add_header(req, "X-Robots-Tag", "noindex, nofollow");
}

/* The terms the page lists: each kind once (its latest row), those in
 * force or ended met or missed as "terms_shown"; those that no longer
 * apply (cancelled: replaced by another term, or ended by the step that
 * made them moot) as "terms_void", folded under the table, so that a case
 * waiting on the requester shows the requester's window rather than rows
 * saying "nie obowiązuje" (issue 21 item 9). */
static void page_terms(json_t *view)
{
	json_t *terms = json_object_get(view, "terms"), *shown = json_array(), *gone = json_array();
	size_t n = json_array_size(terms);
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(terms, i);
		const char *kind = json_string_value(json_object_get(t, "kind"));
		bool later = false;
		for (size_t k = i + 1; k < n && !later; k++)
			later = !strcmp(kind, json_string_value(json_object_get(json_array_get(terms, k),
			                                                         "kind")));
		const char *st = json_string_value(json_object_get(t, "state"));
		if (!strcmp(st ? st : "", "cancelled"))
			json_array_append(gone, t);
		else if (!later)
			json_array_append(shown, t);
	}
	json_object_set_new(view, "has_terms_shown", json_boolean(json_array_size(shown) > 0));
	json_object_set_new(view, "terms_shown", shown);
	json_object_set_new(view, "has_terms_void", json_boolean(json_array_size(gone) > 0));
	json_object_set_new(view, "terms_void", gone);
}

static void case_page(http_req_t *req, int status, json_t *view, const char *error,
                      const struct track_step *step)
{
	page_terms(view);
	const char *action = step ? step->action : NULL;
	const char *token = http_param(req, "token");
	json_object_set_new(view, "title",
	                    json_string(arena_printf(req->arena, "Sprawa %s — Jawność",
	                                             json_string_value(json_object_get(view, "case_number")))));
	json_object_set_new(view, "token", json_string(token));
	json_object_set_new(view, "csrf", json_string(web_csrf_token(req)));
	const char *done = http_query(req, "wykonano");
	if (done && status == 200) {
		law_action_t act;
		json_object_set_new(view, "done_label",
		                    json_string(law_action_from_id(done, &act) ? law_actions[act].label
		                                                               : "czynność"));
	}
	if (error)
		json_object_set_new(view, "action_error", json_string(error));
	/* Keep what the requester typed next to the action it was for. */
	json_t *acts = json_object_get(view, "actions");
	size_t i;
	json_t *a;
	json_array_foreach(acts, i, a)
	{
		if (action && !strcmp(json_string_value(json_object_get(a, "id")), action)) {
			json_object_set_new(a, "text", json_string(step->text ? step->text : ""));
			json_object_set_new(a, "name", json_string(step->name ? step->name : ""));
			json_object_set_new(a, "postal_address",
			                    json_string(step->postal_address ? step->postal_address : ""));
			if (error)
				json_object_set_new(a, "error", json_string(error));
		}
	}
	private_headers(req);
	web_render(req, status, "case", view);
}

void web_case_show(http_req_t *req)
{
	struct svc_ctx ctx = ctx_of(req, NULL);
	struct problem p = {0};
	json_t *view;
	if (track_page(&ctx, http_param(req, "token"), &view, &p) == OUT_OK)
		case_page(req, 200, view, NULL, NULL);
	else
		web_fail(req, &p);
}

void web_case_confirmation(http_req_t *req)
{
	json_t *view;
	if (!load_case(req, &view))
		return;
	json_object_set_new(view, "title", json_string("Wniosek przyjęty — Jawność"));
	json_object_set_new(view, "token", json_string(http_param(req, "token")));
	/* The address to write down: the body's public one, else the one
	 * this browser used. */
	const char *host = http_header(req, "Host");
	const char *base = arena_printf(req->arena, "http://%s", host ? host : "localhost");
	if (cfg.base_url && cfg.base_url[0]) {
		struct org org;
		if (!web_org_by_id(req, (long long)json_integer_value(json_object_get(view, "org_id")),
		                   &org)) {
			json_decref(view);
			return;
		}
		base = web_org_base_url(req->arena, &org);
	}
	json_object_set_new(view, "tracking_url",
	                    json_string(arena_printf(req->arena, "%s/sprawa/%s", base,
	                                             http_param(req, "token"))));
	/* The answer term, first of the terms. */
	json_t *terms = json_object_get(view, "terms");
	if (json_array_size(terms))
		json_object_set(view, "answer_term", json_array_get(terms, 0));
	private_headers(req);
	web_render(req, 200, "confirmation", view);
}

/* The version the page showed: -1 when the form had none. False when it
 * is not a number. */
static bool read_version(const char *s, long *version)
{
	*version = -1;
	if (!s || !*s)
		return true;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno || v < 0 || !isdigit((unsigned char)*s))
		return false;
	*version = v;
	return true;
}

/* The requester's step from the tracking page's form, or the problem that
 * keeps it from being tried. */
static enum outcome read_step(http_req_t *req, const form_t *f, struct track_step *step,
                              struct problem *p)
{
	step->token = http_param(req, "token");
	step->action = form_get(f, "action");
	step->text = form_get(f, "text");
	step->name = form_get(f, "name");
	step->postal_address = form_get(f, "postal_address");
	step->show = TRACK_SHOW_IF_REFUSED;
	if (!web_csrf_ok(req, form_get(f, "csrf")))
		return problem_set(p, OUT_DENIED, "Formularz wygasł. Sprawdź treść i wyślij ponownie.",
		                   NULL);
	if (!read_version(form_get(f, "version"), &step->version))
		return problem_field(p, "version",
		                     "Formularz ma nieprawidłowy numer wersji sprawy. Odśwież stronę i "
		                     "spróbuj ponownie.");
	return OUT_OK;
}

/* The step was not tried: the page again with why, next to its form. */
static void step_not_tried(http_req_t *req, const struct track_step *step, const struct problem *p)
{
	json_t *view;
	if (load_case(req, &view))
		case_page(req, web_outcome_status(p->outcome), view, message_of(p), step);
}

/* Whether the step can be tried now on the case in `view`: the requester
 * may take it and the page showed the case as it is. A step that cannot is
 * not confirmed first: track_act() says why it is refused. */
static bool step_open(json_t *view, const struct track_step *step)
{
	if (step->version >= 0 && step->version != json_integer_value(json_object_get(view, "version")))
		return false;
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(view, "actions"), i, a)
	{
		if (!strcmp(json_string_value(json_object_get(a, "id")), step->action))
			return true;
	}
	return false;
}

/* A step that cannot be undone and was not confirmed: the page that asks,
 * with what was typed kept in its form (issue 21 item 10; a plain form, no
 * script). False when the step should be tried at once (it cannot be
 * taken now: track_act() refuses it with the reason). */
static bool confirm_page(http_req_t *req, const struct track_step *step,
                         const struct track_confirm *cf)
{
	json_t *view;
	if (!load_case(req, &view))
		return true;
	if (!step_open(view, step)) {
		json_decref(view);
		return false;
	}
	json_t *ctx = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:s, s:s, s:s}", "title",
	                        arena_printf(req->arena, "%s — Jawność", cf->title), "heading", cf->title,
	                        "text", cf->text, "button", cf->button, "back", cf->back, "token",
	                        step->token, "action", step->action, "version",
	                        json_object_get(view, "version"), "case_number",
	                        json_object_get(view, "case_number"), "subject",
	                        json_string_value(json_object_get(view, "subject")), "csrf",
	                        web_csrf_token(req), "reason", step->text ? step->text : "");
	const char *label = track_text_label(step->action);
	if (label)
		json_object_set_new(ctx, "text_label", json_string(label));
	json_decref(view);
	private_headers(req);
	web_render(req, 200, "case_confirm", ctx);
	return true;
}

void web_case_act(http_req_t *req)
{
	const form_t *f;
	struct problem p = {0};
	if (http_form_read(req, &f, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	struct track_step step = {0};
	if (read_step(req, f, &step, &p) != OUT_OK) {
		step_not_tried(req, &step, &p);
		return;
	}
	const struct track_confirm *cf = track_confirmation(step.action);
	const char *confirmed = form_get(f, "potwierdzam");
	if (cf && !(confirmed && !strcmp(confirmed, "1")) && confirm_page(req, &step, cf))
		return;
	struct svc_ctx ctx = ctx_of(req, NULL);
	json_t *view = NULL;
	if (track_act(&ctx, &step, &view, &p) == OUT_OK)
		http_redirect(req, 303, arena_printf(req->arena, "/sprawa/%s?wykonano=%s", step.token,
		                                     step.action));
	else if (view)
		case_page(req, web_outcome_status(p.outcome), view, message_of(&p), &step);
	else
		web_fail(req, &p);
}

/* The document number in the path; 0 (none such) when it is not one. */
static int read_seq(const char *s)
{
	char *end;
	long seq = strtol(s ? s : "", &end, 10);
	return *end || seq <= 0 || seq > 100000 ? 0 : (int)seq;
}

void web_case_document(http_req_t *req)
{
	struct svc_ctx ctx = ctx_of(req, NULL);
	struct problem p = {0};
	struct track_pdf doc;
	int seq = read_seq(http_param(req, "seq"));
	if (track_document(&ctx, http_param(req, "token"), seq, &doc, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	private_headers(req);
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "attachment; filename=\"pismo-%d.pdf\"", seq));
	http_respond(req, 200, "application/pdf", doc.data, doc.len);
}
