/* The citizen's side: the filing form, the confirmation and the tracking
 * page with the requester's actions. No account: the private link is the key. */
#include <stdlib.h>
#include <string.h>

#include "cases/filing.h"
#include "cases/org.h"
#include "cases/track.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "db/changes.h"
#include "db/db.h"
#include "web/pcache.h"
#include "web/web.h"

static const char *const form_fields[] = {"kind",  "subject", "content", "form",   "delivery",
                                          "name",  "email",   "postal_address", "phone",
                                          "purpose", "format", "manner"};

static bool is_hex32(const char *s)
{
	if (!s || strlen(s) != 32)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
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
	return v ? v : "";
}

/* Everything the form template needs: values as typed, a message next to
 * each bad field and a summary at the top linking to them. */
static json_t *form_context(http_req_t *req, const struct org *org, const struct filing_input *in,
                            const struct filing_errors *errs, const char *submission_id,
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
	json_object_set_new(ctx, "delivery_email", json_boolean(!strcmp(delivery, "email") || !*delivery));
	json_object_set_new(ctx, "delivery_post", json_boolean(!strcmp(delivery, "post")));
	json_object_set_new(ctx, "delivery_tracking", json_boolean(!strcmp(delivery, "tracking_page")));
	json_object_set_new(ctx, "consent_checked", json_boolean(in->consent));
	json_object_set_new(ctx, "max_attachment_mb", json_integer(cfg.max_attachment / (1024 * 1024)));
	if (errs && errs->n) {
		json_t *list = json_array(), *by_field = json_object();
		for (int i = 0; i < errs->n; i++) {
			json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->e[i].field,
			                                      "message", errs->e[i].message));
			if (!json_object_get(by_field, errs->e[i].field))
				json_object_set_new(by_field, errs->e[i].field,
				                    json_string(errs->e[i].message));
		}
		json_object_set_new(ctx, "errors", list);
		json_object_set_new(ctx, "err", by_field);
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

static void read_form(http_req_t *req, const form_t *f, struct filing_input *in)
{
	in->kind = form_get(f, "kind");
	in->subject = form_get(f, "subject");
	in->content = form_get(f, "content");
	in->form = form_get(f, "form");
	in->delivery = form_get(f, "delivery");
	in->name = form_get(f, "name");
	in->email = form_get(f, "email");
	in->postal_address = form_get(f, "postal_address");
	in->phone = form_get(f, "phone");
	in->purpose = form_get(f, "purpose");
	in->format = form_get(f, "format");
	in->manner = form_get(f, "manner");
	in->consent = form_get(f, "consent") != NULL;
	in->require_consent = true;
	in->channel = "web";
	in->ip = http_client_ip(req);
	in->received_at = clock_now();
	in->max_attachment = (size_t)cfg.max_attachment;
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

static void form_again(http_req_t *req, int status, const struct org *org,
                       const struct filing_input *in, const struct filing_errors *errs,
                       const char *submission_id, const char *general)
{
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, status, "request_form",
	           form_context(req, org, in, errs, submission_id, general));
}

void web_request_submit(http_req_t *req)
{
	struct org org;
	if (!web_org(req, &org))
		return;
	const form_t *f;
	enum form_error fe = http_form(req, &f);
	struct filing_input in = {0};
	if (fe != FORM_OK) {
		form_again(req, fe == FORM_UNSUPPORTED_TYPE ? 415 : 400, &org, &in, NULL,
		           web_random_id(req), form_error_text_pl(fe));
		return;
	}
	read_form(req, f, &in);
	const char *sid = form_get(f, "submission_id");
	if (!is_hex32(sid))
		sid = web_random_id(req);
	struct filing_errors errs = {0};
	bool valid = filing_validate(req->arena, &in, &errs);
	if (!web_csrf_ok(req, form_get(f, "csrf"))) {
		form_again(req, 403, &org, &in, NULL, sid,
		           "Formularz wygasł albo został otwarty w innej przeglądarce. Sprawdź dane i "
		           "wyślij go ponownie.");
		return;
	}
	const char *honeypot = form_get(f, "website");
	if (honeypot && *honeypot) {
		form_again(req, 400, &org, &in, NULL, sid,
		           "Nie udało się przyjąć wniosku. Pole „Strona internetowa” musi pozostać puste.");
		return;
	}
	if (!valid) {
		form_again(req, 422, &org, &in, &errs, sid, NULL);
		return;
	}
	in.submission_id = sid;
	struct filing_receipt rc;
	enum filing_result res = filing_create(db_conn(), req->arena, &org, &in, cfg.filing_rate,
	                                       web_base_url(), &rc);
	json_decref(rc.due_steps);
	switch (res) {
	case FILING_OK:
		http_redirect(req, 303, arena_printf(req->arena, "/sprawa/%s/potwierdzenie", rc.token));
		return;
	case FILING_RATE_LIMITED:
		http_add_header(req, "Retry-After", "3600");
		form_again(req, 429, &org, &in, NULL, sid,
		           "Z tego adresu złożono w ostatniej godzinie zbyt wiele wniosków. Spróbuj ponownie "
		           "później albo wyślij wniosek e-mailem lub pocztą.");
		return;
	case FILING_UNAVAILABLE:
		http_add_header(req, "Retry-After", "5");
		form_again(req, 503, &org, &in, NULL, sid,
		           "Chwilowo nie możemy przyjąć wniosku. Twoje dane są zachowane w formularzu: "
		           "wyślij go ponownie za chwilę.");
		return;
	case FILING_ERROR:
	default:
		form_again(req, 500, &org, &in, NULL, sid,
		           "Wystąpił błąd i wniosek nie został przyjęty. Twoje dane są zachowane: spróbuj "
		           "ponownie za chwilę.");
		return;
	}
}

static bool load_case(http_req_t *req, json_t **view)
{
	PGconn *c = db_conn();
	if (!c) {
		http_respond_unavailable(req);
		return false;
	}
	enum track_result r = track_load(c, req->arena, http_param(req, "token"), clock_now(), view);
	if (r == TRACK_OK)
		return true;
	if (r == TRACK_NOT_FOUND)
		http_respond_error(req, 404, NULL);
	else if (r == TRACK_UNAVAILABLE)
		http_respond_unavailable(req);
	else
		http_respond_error(req, 500, NULL);
	return false;
}

/* The private pages must not be cached or indexed. */
static void private_headers(http_req_t *req)
{
	http_add_header(req, "Cache-Control", "no-store");
	http_add_header(req, "X-Robots-Tag", "noindex, nofollow");
}

static void case_page(http_req_t *req, int status, json_t *view, const char *error,
                      const char *action, const char *text)
{
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
			json_object_set_new(a, "text", json_string(text ? text : ""));
			if (error)
				json_object_set_new(a, "error", json_string(error));
		}
	}
	private_headers(req);
	web_render(req, status, "case", view);
}

/* The case as load_case() gives it, from the copy kept in memory while
 * nothing of the organisation changed (web/pcache.c). */
static bool load_case_kept(http_req_t *req, json_t **view)
{
	const char *key = arena_printf(req->arena, "T %s", http_param(req, "token"));
	if ((*view = pcache_get_json(key)))
		return true;
	uint64_t mark = changes_mark();
	if (!load_case(req, view))
		return false;
	pcache_put_json(key, (long long)json_integer_value(json_object_get(*view, "org_id")), mark,
	                *view);
	return true;
}

void web_case_show(http_req_t *req)
{
	json_t *view;
	if (load_case_kept(req, &view))
		case_page(req, 200, view, NULL, NULL, NULL);
}

void web_case_confirmation(http_req_t *req)
{
	json_t *view;
	if (!load_case(req, &view))
		return;
	json_object_set_new(view, "title", json_string("Wniosek przyjęty — Jawność"));
	json_object_set_new(view, "token", json_string(http_param(req, "token")));
	/* The address to write down: the configured public one, else the one
	 * this browser used. */
	const char *host = http_header(req, "Host");
	const char *base = cfg.base_url && cfg.base_url[0]
	                       ? web_base_url()
	                       : arena_printf(req->arena, "http://%s", host ? host : "localhost");
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

void web_case_act(http_req_t *req)
{
	const form_t *f;
	if (http_form(req, &f) != FORM_OK) {
		http_respond_error(req, 400, "Przesłany formularz jest uszkodzony.");
		return;
	}
	const char *action = form_get(f, "action"), *text = form_get(f, "text");
	const char *version_s = form_get(f, "version");
	long version = version_s ? strtol(version_s, NULL, 10) : -1;
	const char *error = NULL;
	int status = 200;
	law_error_t refusal;
	if (!web_csrf_ok(req, form_get(f, "csrf"))) {
		error = "Formularz wygasł. Sprawdź treść i wyślij ponownie.";
		status = 403;
	} else {
		PGconn *c = db_conn();
		enum track_result r = c ? track_act(c, req->arena, http_param(req, "token"), action, text,
		                                    version, clock_now(), &refusal)
		                        : TRACK_UNAVAILABLE;
		switch (r) {
		case TRACK_OK:
			http_redirect(req, 303, arena_printf(req->arena, "/sprawa/%s?wykonano=%s",
			                                     http_param(req, "token"), action));
			return;
		case TRACK_NOT_FOUND:
			http_respond_error(req, 404, NULL);
			return;
		case TRACK_REFUSED:
		case TRACK_INVALID:
			error = arena_strdup(req->arena, refusal.message);
			status = r == TRACK_REFUSED ? 409 : 422;
			break;
		case TRACK_STALE:
			error = "Sprawa zmieniła się, zanim wysłałeś formularz. Sprawdź jej aktualny stan "
			        "poniżej i spróbuj ponownie.";
			status = 409;
			break;
		case TRACK_UNAVAILABLE:
			http_respond_unavailable(req);
			return;
		default:
			http_respond_error(req, 500, NULL);
			return;
		}
	}
	json_t *view;
	if (load_case(req, &view))
		case_page(req, status, view, error, action, text);
}

void web_case_document(http_req_t *req)
{
	const char *seq_s = http_param(req, "seq");
	char *end;
	long seq = strtol(seq_s ? seq_s : "", &end, 10);
	PGconn *c = db_conn();
	const char *pdf = NULL, *title = NULL;
	size_t len = 0;
	enum track_result r = !c ? TRACK_UNAVAILABLE
	                      : (*end || seq <= 0 || seq > 100000)
	                          ? TRACK_NOT_FOUND
	                          : track_document(c, req->arena, http_param(req, "token"), (int)seq, &pdf,
	                                           &len, &title);
	if (r == TRACK_UNAVAILABLE) {
		http_respond_unavailable(req);
		return;
	}
	if (r != TRACK_OK) {
		http_respond_error(req, r == TRACK_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	private_headers(req);
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "attachment; filename=\"pismo-%ld.pdf\"", seq));
	(void)title;
	http_respond(req, 200, "application/pdf", pdf, len);
}
