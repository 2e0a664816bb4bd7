/* The clerk's workspace under /panel: the queue, the case view with every
 * step the law allows, internal notes, and registering a request that came
 * by another channel. web_authorize() has already checked the session, the
 * role and, for POST, the CSRF token. */
#include <stdlib.h>
#include <string.h>

#include "cases/caseview.h"
#include "cases/clerk.h"
#include "cases/filing.h"
#include "cases/org.h"
#include "cases/queue.h"
#include "core/clock.h"
#include "core/config.h"
#include "db/db.h"
#include "law/warsaw.h"
#include "web/outcome.h"
#include "web/web.h"

static bool clerk_of(http_req_t *req, struct clerk *out)
{
	const struct web_user *u = web_user(req);
	if (!u) {
		http_respond_error(req, 403, NULL);
		return false;
	}
	*out = (struct clerk){u->id, u->org_id, u->unit_id, u->role, u->name};
	return true;
}

static PGconn *conn_or_503(http_req_t *req)
{
	PGconn *c = db_conn();
	if (!c)
		http_respond_unavailable(req);
	return c;
}

/* ---- Queue -------------------------------------------------------------- */

struct opt {
	const char *id, *label;
};

static const struct opt open_states[] = {{"received", "przyjęty"},
                   {"in_progress", "w toku"},
                   {"awaiting_clarification", "oczekuje na doprecyzowanie"},
                   {"awaiting_completion", "oczekuje na uzupełnienie"},
                   {"extended", "termin przedłużony"},
                   {"fee_notified", "powiadomiono o opłacie"},
                   {"form_notified", "powiadomiono o formie"},
                   {"interest_called", "wezwano do wykazania interesu"},
                   {"offer_sent", "wysłano ofertę"},
                   {"objection_lodged", "wniesiono sprzeciw"},
                   {"appeal_pending", "odwołanie w toku"},
                   {"at_court", "sprawa w sądzie"}};

static const struct opt channels[] = {{"web", "formularz"}, {"api", "API"}, {"email", "e-mail"}, {"post", "poczta"},
                {"epuap", "ePUAP / e-Doręczenia"}, {"phone", "telefon"}, {"in_person", "osobiście"}};

static json_t *options_of(const struct opt *t, size_t n, const char *selected)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", t[i].id, "label", t[i].label,
		                                      "selected", selected && !strcmp(selected, t[i].id)));
	return list;
}

#define OPTS(table, sel) options_of(table, sizeof table / sizeof table[0], sel)

static const char *param(http_req_t *req, const char *name)
{
	const char *v = http_query(req, name);
	return v && *v ? v : NULL;
}

static bool known(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(v, *list))
			return true;
	return false;
}

/* The filters the manager's dashboard links to (prowadzi=<user id>,
 * komorka=<unit id>, oczekuje=1, srodki=1, od=<working days>), which the
 * filter form does not show: kept in it as hidden fields. */
static const char *const dashboard_keys[] = {"prowadzi", "komorka", "oczekuje", "srodki", "od"};

static long long positive_id(const char *s)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return s && !*end && v > 0 ? v : 0;
}

static json_t *dashboard_filters(http_req_t *req, struct queue_filter *f)
{
	long long assignee = positive_id(param(req, "prowadzi"));
	if (assignee)
		f->assignee_id = assignee;
	f->unit_id = positive_id(param(req, "komorka"));
	const char *v = param(req, "oczekuje");
	f->waiting = v && !strcmp(v, "1");
	v = param(req, "srodki");
	f->remedy = v && !strcmp(v, "1");
	char *end;
	long from = (v = param(req, "od")) ? strtol(v, &end, 10) : -1;
	if (v && !*end && from >= 0 && from <= 60) {
		f->due_from_set = true;
		f->due_from = (int)from;
	}
	json_t *hidden = json_array();
	for (size_t i = 0; i < sizeof dashboard_keys / sizeof dashboard_keys[0]; i++)
		if ((v = param(req, dashboard_keys[i])) && strlen(v) <= 20)
			json_array_append_new(hidden, json_pack("{s:s, s:s}", "name", dashboard_keys[i], "value", v));
	return hidden;
}

void web_panel_queue(http_req_t *req)
{
	struct clerk who;
	if (!clerk_of(req, &who))
		return;
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	struct queue_filter f = {.org_id = who.org_id, .due_within = -1};
	f.today = caseview_today(clock_now());
	f.state = param(req, "stan");
	f.kind = param(req, "rodzaj");
	f.channel = param(req, "kanal");
	f.q = param(req, "q");
	static const char *const kinds[] = {"public_information", "reuse", NULL};
	if (f.kind && !known(f.kind, kinds))
		f.kind = NULL;
	const char *mine = param(req, "moje"), *within = param(req, "termin");
	if (mine && !strcmp(mine, "1"))
		f.assignee_id = who.user_id;
	else if (mine && !strcmp(mine, "brak"))
		f.assignee_id = -1;
	if (within && !strcmp(within, "po"))
		f.overdue = true;
	else if (within) {
		char *end;
		long n = strtol(within, &end, 10);
		if (!*end && n >= 0 && n <= 60)
			f.due_within = (int)n;
	}
	if (f.q && strlen(f.q) > 200)
		f.q = NULL;
	json_t *narrowed = dashboard_filters(req, &f);
	const char *after = param(req, "po_terminie"), *after_id = param(req, "po_id");
	law_date_t d;
	if (after && after_id && (!strcmp(after, "none") || law_date_parse(after, &d))) {
		f.after_due = after;
		f.after_id = atoll(after_id);
	}
	json_t *page = NULL;
	enum db_status st = queue_list(c, req->arena, &f, &page);
	if (st != DB_OK) {
		json_decref(narrowed);
		if (st == DB_UNAVAILABLE)
			http_respond_unavailable(req);
		else
			http_respond_error(req, 500, NULL);
		return;
	}
	json_object_set_new(page, "is_narrowed", json_boolean(json_array_size(narrowed) > 0));
	json_object_set_new(page, "narrowed", narrowed);
	json_object_set_new(page, "title", json_string("Kolejka spraw — Jawność"));
	json_object_set_new(page, "states", OPTS(open_states, f.state));
	json_object_set_new(page, "channels", OPTS(channels, f.channel));
	json_object_set_new(page, "kind_public", json_boolean(f.kind && !strcmp(f.kind, "public_information")));
	json_object_set_new(page, "kind_reuse", json_boolean(f.kind && !strcmp(f.kind, "reuse")));
	json_object_set_new(page, "mine", json_boolean(f.assignee_id > 0));
	json_object_set_new(page, "unassigned", json_boolean(f.assignee_id < 0));
	json_object_set_new(page, "q", json_string(f.q ? f.q : ""));
	static const struct opt within_opts[] = {{"po", "po terminie"}, {"0", "dziś"}, {"1", "1 dzień roboczy"},
	                   {"3", "3 dni robocze"}, {"5", "5 dni roboczych"}, {"10", "10 dni roboczych"}};
	json_object_set_new(page, "within", OPTS(within_opts, within));
	json_object_set_new(page, "empty", json_boolean(!json_array_size(json_object_get(page, "items"))));
	/* The next page keeps the filters. */
	json_t *next = json_object_get(page, "next");
	if (next) {
		strbuf_t q;
		sb_init(&q, req->arena);
		const char *keys[] = {"stan", "rodzaj", "kanal", "q", "moje", "termin",
		                      "prowadzi", "komorka", "oczekuje", "srodki", "od"};
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			const char *v = param(req, keys[i]);
			if (v)
				sb_printf(&q, "%s=%s&", keys[i], web_url_encode(req, v));
		}
		sb_printf(&q, "po_terminie=%s&po_id=%s", json_string_value(json_object_get(next, "due")),
		          json_string_value(json_object_get(next, "id")));
		json_object_set_new(page, "next_url", json_string(arena_printf(req->arena, "/panel?%s", q.data)));
	}
	web_render(req, 200, "panel_queue", page);
}

/* ---- Case view and steps ------------------------------------------------ */

static long long case_id(http_req_t *req)
{
	const char *s = http_param(req, "id");
	char *end;
	long long id = s ? strtoll(s, &end, 10) : 0;
	return s && !*end && id > 0 ? id : 0;
}

static void case_page(http_req_t *req, int status, const struct clerk *who, long long id,
                      const char *error, const char *action, json_t *input)
{
	PGconn *c = conn_or_503(req);
	if (!c) {
		json_decref(input);
		return;
	}
	json_t *view = NULL;
	enum clerk_result r = id ? clerk_case(c, req->arena, who, id, clock_now(), &view) : CLERK_NOT_FOUND;
	if (r != CLERK_OK) {
		json_decref(input);
		if (r == CLERK_UNAVAILABLE)
			http_respond_unavailable(req);
		else
			http_respond_error(req, r == CLERK_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	json_object_set_new(view, "title",
	                    json_string(arena_printf(req->arena, "Sprawa %s — Jawność",
	                                             json_string_value(json_object_get(view, "case_number")))));
	if (error)
		json_object_set_new(view, "error", json_string(error));
	const char *done = http_query(req, "wykonano");
	if (done && status == 200) {
		law_action_t act;
		json_object_set_new(view, "done_label",
		                    json_string(law_action_from_id(done, &act) ? law_actions[act].label
		                                : !strcmp(done, "note") ? "notatka" : "czynność"));
	}
	/* The form that failed stays open with what was typed. */
	size_t i;
	json_t *a;
	bool offered = false;
	json_array_foreach(json_object_get(view, "actions"), i, a)
	{
		if (action && !strcmp(json_string_value(json_object_get(a, "id")), action)) {
			offered = true;
			json_object_set_new(a, "open", json_true());
			if (input)
				json_object_set(a, "in", input);
			if (error)
				json_object_set_new(a, "error", json_string(error));
		}
	}
	/* If the step is no longer offered, its text must not be lost either. */
	const char *typed = input ? json_string_value(json_object_get(input, "text")) : NULL;
	if (error && !offered && typed && *typed)
		json_object_set_new(view, "unsaved_text", json_string(typed));
	json_decref(input);
	web_render(req, status, "panel_case", view);
}

void web_panel_case(http_req_t *req)
{
	struct clerk who;
	if (clerk_of(req, &who))
		case_page(req, 200, &who, case_id(req), NULL, NULL, NULL);
}

static const char *field(http_req_t *req, const char *name)
{
	const char *v = http_form_get(req, name);
	return v ? v : "";
}

void web_panel_act(http_req_t *req)
{
	struct clerk who;
	if (!clerk_of(req, &who))
		return;
	long long id = case_id(req);
	const char *version = field(req, "version");
	struct clerk_input in = {
	    .action = field(req, "action"),
	    .date = field(req, "date"),
	    .sent = field(req, "sent"),
	    .new_due = field(req, "new_due"),
	    .text = field(req, "text"),
	    .assignee = field(req, "assignee"),
	    .amount = field(req, "amount"),
	    .legal_basis = field(req, "legal_basis"),
	    .persons = field(req, "persons"),
	    .address = field(req, "address"),
	    .term_days = field(req, "term_days"),
	    .version = *version ? strtol(version, NULL, 10) : -1,
	};
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	law_error_t why;
	enum clerk_result r = id ? clerk_act(c, req->arena, &who, id, &in, clock_now(), &why) : CLERK_NOT_FOUND;
	if (r == CLERK_OK) {
		http_redirect(req, 303, arena_printf(req->arena, "/panel/sprawy/%lld?wykonano=%s", id, in.action));
		return;
	}
	if (r == CLERK_NOT_FOUND || r == CLERK_UNAVAILABLE || r == CLERK_ERROR) {
		if (r == CLERK_UNAVAILABLE)
			http_respond_unavailable(req);
		else
			http_respond_error(req, r == CLERK_NOT_FOUND ? 404 : 500, NULL);
		return;
	}
	json_t *input = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "date", in.date,
	                          "sent", in.sent, "new_due", in.new_due, "text", in.text, "amount",
	                          in.amount, "persons", in.persons, "address", in.address, "term_days",
	                          in.term_days, "legal_basis", in.legal_basis);
	int status = r == CLERK_INVALID ? 422 : 409;
	case_page(req, status, &who, id, arena_strdup(req->arena, why.message), in.action, input);
}

void web_panel_note(http_req_t *req)
{
	struct clerk who;
	if (!clerk_of(req, &who))
		return;
	long long id = case_id(req);
	PGconn *c = conn_or_503(req);
	if (!c)
		return;
	law_error_t why;
	const char *text = field(req, "text");
	enum clerk_result r = id ? clerk_note(c, req->arena, &who, id, text, &why) : CLERK_NOT_FOUND;
	if (r == CLERK_OK)
		http_redirect(req, 303, arena_printf(req->arena, "/panel/sprawy/%lld?wykonano=note", id));
	else if (r == CLERK_INVALID)
		case_page(req, 422, &who, id, arena_strdup(req->arena, why.message), NULL, NULL);
	else if (r == CLERK_UNAVAILABLE)
		http_respond_unavailable(req);
	else
		http_respond_error(req, r == CLERK_NOT_FOUND ? 404 : 500, NULL);
}

/* ---- Registering a request from another channel -------------------------- */

static const struct opt register_channels[] = {{"email", "poczta elektroniczna"}, {"post", "poczta tradycyjna"},
                         {"epuap", "ePUAP / e-Doręczenia"}, {"phone", "telefon"},
                         {"in_person", "osobiście"}};

static json_t *register_context(http_req_t *req, const struct filing_input *in,
                                const char *received_on, const struct filing_errors *errs,
                                const char *general)
{
	json_t *ctx = json_pack("{s:s, s:s}", "title", "Rejestracja wniosku — Jawność", "received_on",
	                        received_on ? received_on : "");
	json_t *v = json_object();
	const char *names[] = {"subject", "content", "form", "name", "email", "postal_address",
	                       "phone", "purpose", "format", "manner"};
	const char *vals[] = {in->subject, in->content, in->form, in->name, in->email,
	                      in->postal_address, in->phone, in->purpose, in->format, in->manner};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		json_object_set_new(v, names[i], json_string(vals[i] ? vals[i] : ""));
	json_object_set_new(ctx, "v", v);
	json_object_set_new(ctx, "channels", OPTS(register_channels, in->channel));
	json_object_set_new(ctx, "kind_reuse", json_boolean(in->kind && !strcmp(in->kind, "reuse")));
	json_object_set_new(ctx, "delivery_post", json_boolean(in->delivery && !strcmp(in->delivery, "post")));
	json_object_set_new(ctx, "delivery_tracking",
	                    json_boolean(in->delivery && !strcmp(in->delivery, "tracking_page")));
	if (errs && errs->n) {
		json_t *list = json_array(), *by = json_object();
		for (int i = 0; i < errs->n; i++) {
			json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->e[i].field,
			                                      "message", errs->e[i].message));
			if (!json_object_get(by, errs->e[i].field))
				json_object_set_new(by, errs->e[i].field, json_string(errs->e[i].message));
		}
		json_object_set_new(ctx, "errors", list);
		json_object_set_new(ctx, "err", by);
	}
	if (general)
		json_object_set_new(ctx, "general_error", json_string(general));
	return ctx;
}

void web_panel_register_form(http_req_t *req)
{
	struct clerk who;
	if (!clerk_of(req, &who))
		return;
	struct filing_input in = {.channel = "email"};
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(clock_now()), today);
	web_render(req, 200, "panel_register", register_context(req, &in, today, NULL, NULL));
}

/* The instant of a received date: now for today, else noon in Warsaw. */
static int64_t received_instant(law_date_t d, int64_t now)
{
	law_date_t today = caseview_today(now);
	if (law_date_cmp(d, today) == 0)
		return now;
	int64_t noon_utc = (int64_t)law_date_to_days(d) * 86400 + 12 * 3600;
	return noon_utc - law_warsaw_offset(noon_utc) + 0;
}

void web_panel_register(http_req_t *req)
{
	struct clerk who;
	if (!clerk_of(req, &who))
		return;
	struct org org;
	if (!web_org_by_id(req, who.org_id, &org))
		return;
	const form_t *f;
	struct filing_input in = {0};
	if (http_form(req, &f) != FORM_OK) {
		web_render(req, 400, "panel_register",
		           register_context(req, &in, "", NULL, "Przesłany formularz jest uszkodzony."));
		return;
	}
	in.kind = form_get(f, "kind");
	in.subject = form_get(f, "subject");
	in.content = form_get(f, "content");
	in.form = form_get(f, "form");
	in.delivery = form_get(f, "delivery");
	in.name = form_get(f, "name");
	in.email = form_get(f, "email");
	in.postal_address = form_get(f, "postal_address");
	in.phone = form_get(f, "phone");
	in.purpose = form_get(f, "purpose");
	in.format = form_get(f, "format");
	in.manner = form_get(f, "manner");
	in.channel = form_get(f, "channel");
	in.actor_user_id = who.user_id;
	in.max_attachment = (size_t)cfg.max_attachment;
	for (const form_field_t *ff = f->first; ff && in.nattachments < FILING_MAX_ATTACHMENTS; ff = ff->next) {
		if (!strcmp(ff->name, "attachment") && ff->filename) {
			struct filing_attachment *at = &in.attachments[in.nattachments++];
			at->filename = ff->filename;
			at->data = ff->value;
			at->len = ff->value_len;
		}
	}
	const char *received = form_get(f, "received_on");
	struct filing_errors errs = {0};
	filing_validate(req->arena, &in, &errs);
	bool channel_ok = false;
	for (size_t i = 0; in.channel && i < sizeof register_channels / sizeof register_channels[0]; i++)
		channel_ok |= !strcmp(in.channel, register_channels[i].id);
	if (!channel_ok && errs.n < FILING_MAX_ERRORS) {
		errs.e[errs.n].field = "channel";
		errs.e[errs.n++].message = "Wybierz, jak wniosek wpłynął.";
	}
	int64_t now = clock_now();
	law_date_t d;
	/* Terms count from the day the request reached the body, not from data entry. */
	if ((!received || !law_date_parse(received, &d) || !law_date_in_range(d) ||
	     law_date_cmp(d, caseview_today(now)) > 0) &&
	    errs.n < FILING_MAX_ERRORS) {
		errs.e[errs.n].field = "received_on";
		errs.e[errs.n++].message = "Podaj datę wpływu (RRRR-MM-DD), nie późniejszą niż dzisiaj.";
	}
	if (errs.n) {
		web_render(req, 422, "panel_register", register_context(req, &in, received, &errs, NULL));
		return;
	}
	in.received_at = received_instant(d, now);
	in.base_url = web_base_url();
	struct svc_ctx ctx = {.arena = req->arena, .org = &org, .now = now};
	struct filing_receipt rc;
	struct problem p = {0};
	enum outcome res = filing_create(&ctx, &in, &rc, &p);
	json_decref(rc.due_steps);
	if (res == OUT_OK) {
		http_redirect(req, 303, arena_printf(req->arena, "/panel/sprawy/%lld?wykonano=register",
		                                     rc.request_id));
		return;
	}
	web_render(req, web_outcome_status(res), "panel_register",
	           register_context(req, &in, received, NULL,
	                            "Nie udało się zarejestrować wniosku. Dane są zachowane: spróbuj "
	                            "ponownie za chwilę."));
}
