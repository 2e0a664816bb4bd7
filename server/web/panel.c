/* SPDX-License-Identifier: EUPL-1.2 */
/* The clerk's workspace under /panel: the queue, the case view with every
 * step the law allows, internal notes, and registering a request that came
 * by another channel. web_authorize() has already checked the session, the
 * role and, for POST, the CSRF token. */
#include <stdlib.h>
#include <string.h>

#include "cases/attachments.h"
#include "cases/caseview.h"
#include "cases/clerk.h"
#include "cases/export.h"
#include "cases/filing.h"
#include "cases/queue.h"
#include "cases/replies.h"
#include "cases/scope.h"
#include "core/config.h"
#include "law/channel.h"
#include "law/lifecycle.h"
#include "web/outcome.h"
#include "web/scache.h"
#include "web/web.h"

/* ---- Queue -------------------------------------------------------------- */

struct opt {
	const char *id, *label;
};

static json_t *options_of(const struct opt *t, size_t n, const char *selected)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", t[i].id, "label", t[i].label,
		                                      "selected", selected && !strcmp(selected, t[i].id)));
	return list;
}

#define OPTS(table, sel) options_of(table, sizeof table / sizeof table[0], sel)

/* The state filter: every state of the lifecycle table, in two groups,
 * "otwarte" and "zakończone", each first with the whole group. The first
 * option (no value) is the queue's: open cases, or all of them when
 * something is searched for. */
static json_t *state_groups(const struct queue_filter *f)
{
	const char *sel = f->state ? f->state
	                  : f->states == QUEUE_ALL    ? "wszystkie"
	                  : f->states == QUEUE_CLOSED ? "zakonczone"
	                                              : NULL;
	json_t *groups = json_array();
	for (int closed = 0; closed <= 1; closed++) {
		json_t *list = json_array();
		const char *all = closed ? "zakonczone" : "otwarte";
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", all, "label",
		                                      closed ? "wszystkie zakończone" : "wszystkie otwarte",
		                                      "selected", sel && !strcmp(sel, all)));
		for (int i = 1; i < LAW_STATE_COUNT; i++)
			if (law_states[i].closed == (bool)closed)
				json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", law_states[i].id,
				                                      "label", law_states[i].label, "selected",
				                                      sel && !strcmp(sel, law_states[i].id)));
		json_array_append_new(groups, json_pack("{s:s, s:o}", "label",
		                                        closed ? "zakończone" : "otwarte", "states", list));
	}
	return groups;
}

/* The channels (law/channel.h) as options, by their short names for the
 * queue's filter or their full names for the registration form (only those
 * a clerk registers). */
static json_t *channel_options(bool by_staff, const char *selected)
{
	json_t *list = json_array();
	for (const struct law_channel *c = law_channels; c->id; c++)
		if (!by_staff || c->by_staff)
			json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", c->id, "label",
			                                      by_staff ? c->label : c->short_label, "selected",
			                                      selected && !strcmp(selected, c->id)));
	return list;
}

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
/* Every parameter the queue reads, and only these: queue_param() answers
 * no other. The queue page is kept once for each set of their values
 * (web_panel_queue(), web/scache.h), so a parameter read past this list
 * would let pages that differ in it share one copy. First the filters a
 * next page keeps (the dashboard's narrowing ones among them), then the
 * page's own position. */
static const char *const queue_keys[] = {"stan", "rodzaj", "kanal", "q", "moje", "termin",
                                         "wplynal_od", "wplynal_do",
                                         "prowadzi", "komorka", "oczekuje", "srodki", "od",
                                         "po_terminie", "po_id", "po_trafnosci", "po_dacie"};
#define NQUEUE_KEYS (sizeof queue_keys / sizeof queue_keys[0])
#define NQUEUE_FILTERS 13 /* the filters, the first ones */
/* The dashboard's filters (links from its figures), which the queue's form
 * does not show. */
static const char *const *const dashboard_keys = queue_keys + 8;
#define NDASHBOARD_KEYS 5

static const char *queue_param(http_req_t *req, const char *name)
{
	for (size_t i = 0; i < NQUEUE_KEYS; i++)
		if (!strcmp(queue_keys[i], name))
			return param(req, name);
	return NULL;
}

static long long positive_id(const char *s)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return s && !*end && v > 0 ? v : 0;
}

static void dashboard_filters(http_req_t *req, struct queue_filter *f)
{
	long long assignee = positive_id(queue_param(req, "prowadzi"));
	if (assignee)
		f->assignee_id = assignee;
	f->unit_id = positive_id(queue_param(req, "komorka"));
	const char *v = queue_param(req, "oczekuje");
	f->waiting = v && !strcmp(v, "1");
	v = queue_param(req, "srodki");
	f->remedy = v && !strcmp(v, "1");
	char *end;
	long from = (v = queue_param(req, "od")) ? strtol(v, &end, 10) : -1;
	if (v && !*end && from >= 0 && from <= 60) {
		f->due_from_set = true;
		f->due_from = (int)from;
	}
}

/* A date of the filter form: "YYYY-MM-DD", else NULL and `*bad` set. */
static const char *date_param(http_req_t *req, const char *name, const char **bad)
{
	const char *v = queue_param(req, name);
	law_date_t d;
	if (v && !(strlen(v) == 10 && law_date_parse(v, &d) && law_date_in_range(d))) {
		*bad = v;
		return NULL;
	}
	return v;
}

/* The state filter: "otwarte", "zakonczone", "wszystkie" or one state of
 * the lifecycle table (then `states` is QUEUE_ALL: the state says it). */
static void states_of(const char *v, struct queue_filter *f)
{
	law_state_t st;
	if (!v || !strcmp(v, "otwarte"))
		f->states = QUEUE_OPEN;
	else if (!strcmp(v, "zakonczone"))
		f->states = QUEUE_CLOSED;
	else if (!strcmp(v, "wszystkie"))
		f->states = QUEUE_ALL;
	else if (law_state_from_id(v, &st) && st != LAW_STATE_NONE) {
		f->state = law_states[st].id;
		f->states = QUEUE_ALL;
	}
}

/* The queue's filters from the query. Nonsense in a filter (a hand-typed
 * address, an old link) is ignored, never an error: the queue is the
 * clerk's home page; a date that is not one is named on the page
 * (`*bad_date`). */
static void queue_filter_of(http_req_t *req, long long user_id, struct queue_filter *f,
                            const char **bad_date)
{
	*f = (struct queue_filter){.due_within = -1};
	*bad_date = NULL;
	f->kind = queue_param(req, "rodzaj");
	f->channel = queue_param(req, "kanal");
	f->q = queue_param(req, "q");
	static const char *const kinds[] = {"public_information", "reuse", NULL};
	if (f->kind && !known(f->kind, kinds))
		f->kind = NULL;
	const char *mine = queue_param(req, "moje"), *within = queue_param(req, "termin");
	if (mine && !strcmp(mine, "1"))
		f->assignee_id = user_id;
	else if (mine && !strcmp(mine, "brak"))
		f->assignee_id = -1;
	if (within && !strcmp(within, "po"))
		f->overdue = true;
	else if (within) {
		char *end;
		long n = strtol(within, &end, 10);
		if (!*end && n >= 0 && n <= 60)
			f->due_within = (int)n;
	}
	if (f->q && strlen(f->q) > 200)
		f->q = NULL;
	f->received_from = date_param(req, "wplynal_od", bad_date);
	f->received_to = date_param(req, "wplynal_do", bad_date);
	/* A search looks at every case, closed ones too (a case is looked
	 * for by its number long after it ended), unless a state is chosen. */
	const char *state = queue_param(req, "stan");
	if (!state && (f->q || f->received_from || f->received_to))
		state = "wszystkie";
	states_of(state, f);
	dashboard_filters(req, f);
	const char *after = queue_param(req, "po_terminie"), *after_id = queue_param(req, "po_id");
	law_date_t d;
	if (after && after_id && (!strcmp(after, "none") || law_date_parse(after, &d))) {
		f->after_due = after;
		f->after_id = atoll(after_id);
	}
	/* A search's pages: by score, then date received (cases/queue.h). */
	const char *score = queue_param(req, "po_trafnosci"), *date = queue_param(req, "po_dacie");
	char *end;
	long sc = score ? strtol(score, &end, 10) : -1;
	if (score && !*end && sc >= 0 && sc <= 100000000 && date && law_date_parse(date, &d) &&
	    after_id) {
		f->ranked_after = true;
		f->after_score = (int)sc;
		f->after_date = date;
		f->after_id = atoll(after_id);
	}
}

/* The link to the next page keeps the filters. */
static const char *next_url(http_req_t *req, json_t *next)
{
	strbuf_t q;
	sb_init(&q, req->arena);
	for (size_t i = 0; i < NQUEUE_FILTERS; i++) {
		const char *v = param(req, queue_keys[i]);
		if (v)
			sb_printf(&q, "%s=%s&", queue_keys[i], web_url_encode(req, v));
	}
	const char *score = json_string_value(json_object_get(next, "score"));
	if (score)
		sb_printf(&q, "po_trafnosci=%s&po_dacie=%s&po_id=%s", score,
		          json_string_value(json_object_get(next, "date")),
		          json_string_value(json_object_get(next, "id")));
	else
		sb_printf(&q, "po_terminie=%s&po_id=%s",
		          json_string_value(json_object_get(next, "due")),
		          json_string_value(json_object_get(next, "id")));
	return arena_printf(req->arena, "/panel?%s", q.data);
}

/* The filter form around a page of the queue. */
static void queue_page(http_req_t *req, const struct queue_filter *f, const char *bad_date,
                       json_t *page, const struct scache_fill *fill)
{
	/* The dashboard's filters, which the form does not show, stay in it as
	 * hidden fields. */
	json_t *narrowed = json_array();
	const char *v;
	for (size_t i = 0; i < NDASHBOARD_KEYS; i++)
		if ((v = param(req, dashboard_keys[i])) && strlen(v) <= 20)
			json_array_append_new(narrowed, json_pack("{s:s, s:s}", "name", dashboard_keys[i], "value", v));
	json_object_set_new(page, "is_narrowed", json_boolean(json_array_size(narrowed) > 0));
	json_object_set_new(page, "narrowed", narrowed);
	json_object_set_new(page, "title", json_string("Kolejka spraw — Jawność"));
	json_object_set_new(page, "state_groups", state_groups(f));
	json_object_set_new(page, "open_only", json_boolean(f->states == QUEUE_OPEN && !f->state));
	json_object_set_new(page, "state_all", json_boolean(f->states == QUEUE_ALL && !f->state));
	json_object_set_new(page, "from", json_string(f->received_from ? f->received_from : ""));
	json_object_set_new(page, "to", json_string(f->received_to ? f->received_to : ""));
	if (bad_date)
		json_object_set_new(page, "bad_date", json_string(bad_date));
	json_object_set_new(page, "channels", channel_options(false, f->channel));
	json_object_set_new(page, "kind_public", json_boolean(f->kind && !strcmp(f->kind, "public_information")));
	json_object_set_new(page, "kind_reuse", json_boolean(f->kind && !strcmp(f->kind, "reuse")));
	json_object_set_new(page, "mine", json_boolean(f->assignee_id > 0));
	json_object_set_new(page, "unassigned", json_boolean(f->assignee_id < 0));
	json_object_set_new(page, "q", json_string(f->q ? f->q : ""));
	static const struct opt within_opts[] = {{"po", "po terminie"}, {"0", "dziś"}, {"1", "1 dzień roboczy"},
	                   {"3", "3 dni robocze"}, {"5", "5 dni roboczych"}, {"10", "10 dni roboczych"}};
	json_object_set_new(page, "within", OPTS(within_opts, queue_param(req, "termin")));
	json_object_set_new(page, "empty", json_boolean(!json_array_size(json_object_get(page, "items"))));
	json_t *next = json_object_get(page, "next");
	if (next)
		json_object_set_new(page, "next_url", json_string(next_url(req, next)));
	scache_render(req, "panel_queue", page, fill, NULL);
}

void web_panel_queue(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	/* The same page for every member confined to the same unit (cases/scope.h)
	 * on the same day; "moje sprawy" is the member's own. */
	struct pcache_param params[NQUEUE_KEYS];
	for (size_t i = 0; i < NQUEUE_KEYS; i++)
		params[i] = (struct pcache_param){queue_keys[i], param(req, queue_keys[i])};
	const char *mine = queue_param(req, "moje");
	long long personal = mine && !strcmp(mine, "1") ? ctx->who->user_id : 0;
	const char *key = scache_key(req, ctx, scope_unit(ctx->who), personal, params, NQUEUE_KEYS);
	struct scache_fill fill;
	if (scache_serve(req, key, ctx->who->org_id, NULL, &fill))
		return;
	struct queue_filter f;
	const char *bad_date;
	queue_filter_of(req, ctx->who->user_id, &f, &bad_date);
	json_t *page = NULL;
	struct problem p;
	if (queue_list(ctx, &f, &page, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	queue_page(req, &f, bad_date, page, &fill);
}

/* ---- Case view and steps ------------------------------------------------ */

static long long case_id(http_req_t *req)
{
	const char *s = http_param(req, "id");
	char *end;
	long long id = s ? strtoll(s, &end, 10) : 0;
	return s && !*end && id > 0 ? id : 0;
}

/* A copy of the options {key, label} with "selected" on `key`. */
static json_t *chosen(json_t *options, const char *key)
{
	json_t *out = json_deep_copy(options);
	size_t i;
	json_t *o;
	json_array_foreach(out, i, o)
		json_object_set_new(o, "selected",
		                    json_boolean(!strcmp(json_string_value(json_object_get(o, "key")), key)));
	return out ? out : json_array();
}

/* The case page; after a step or note that failed (`failed`), with its
 * status and message, the failed form open and what was typed in it. */
static void case_page(http_req_t *req, const struct svc_ctx *ctx, long long id,
                      const struct problem *failed, const char *action, json_t *input)
{
	json_t *view = NULL;
	struct problem p;
	if (clerk_case(ctx, id, &view, &p) != OUT_OK) {
		json_decref(input);
		web_fail(req, &p);
		return;
	}
	int status = failed ? web_outcome_status(failed->outcome) : 200;
	const char *error = failed ? web_problem_text(failed) : NULL;
	json_object_set_new(view, "title",
	                    json_string(arena_printf(req->arena, "Sprawa %s — Jawność",
	                                             json_string_value(json_object_get(view, "case_number")))));
	if (error)
		json_object_set_new(view, "error", json_string(error));
	if (http_query(req, "usunieto_projekt") && status == 200)
		json_object_set_new(view, "discarded", json_true());
	const char *done = http_query(req, "wykonano");
	if (done && status == 200) {
		law_action_t act;
		json_object_set_new(view, "done_label",
		                    json_string(law_action_from_id(done, &act) ? law_actions[act].label
		                                : !strcmp(done, "note")      ? "notatka"
		                                : !strcmp(done, "zalacznik") ? "dodany plik PDF"
		                                                             : "czynność"));
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
			/* And the group it stands in (cases/steps.h). */
			if (json_is_true(json_object_get(a, "other")))
				json_object_set_new(view, "steps_other_open", json_true());
			if (json_is_true(json_object_get(a, "court")))
				json_object_set_new(view, "steps_court_open", json_true());
			if (input)
				json_object_set(a, "in", input);
			/* The channel chosen stays chosen (KPA art. 57 §5). */
			const char *ch = input ? json_string_value(json_object_get(input, "sent_channel"))
			                       : NULL;
			if (ch && *ch)
				json_object_set_new(a, "sent_channels",
				                    chosen(json_object_get(view, "sent_channels"), ch));
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
	const struct svc_ctx *ctx = web_staff(req);
	if (ctx)
		case_page(req, ctx, case_id(req), NULL, NULL, NULL);
}

/* "Akta sprawy (ZIP)": the case package for a court or an archive
 * (cases/export.h), the same as `jawnosc export case` writes. */
void web_panel_case_export(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct export_package pkg;
	struct problem p;
	if (export_case(ctx, case_id(req), NULL, NULL, "panel", &pkg, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "attachment; filename=\"akta-%s.zip\"", pkg.name));
	http_add_header(req, "Cache-Control", "no-store");
	http_respond(req, 200, "application/zip", pkg.zip, pkg.len);
}

static const char *field(http_req_t *req, const char *name)
{
	const char *v = http_form_get(req, name);
	return v ? v : "";
}

void web_panel_act(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long id = case_id(req);
#define SLOT(m) FORM_SLOT(struct clerk_input, m)
	static const struct form_slot slots[] = {
	    SLOT(action),      SLOT(date),    SLOT(sent),    SLOT(new_due),   SLOT(text),
	    SLOT(assignee),    SLOT(amount),  SLOT(persons), SLOT(term_days), SLOT(version),
	    SLOT(legal_basis), SLOT(address), SLOT(sent_channel), SLOT(restore_request), SLOT(name),
	    SLOT(postal_address), SLOT(judgment_on)};
#undef SLOT
	const form_t *f = NULL;
	struct clerk_input in;
	form_fill(http_form(req, &f) == FORM_OK ? f : NULL, &in, slots,
	          sizeof slots / sizeof slots[0], "");
	struct problem p;
	int letter = 0;
	if (clerk_act(ctx, id, &in, &letter, &p) == OUT_OK) {
		/* A step with a letter goes on to its draft: written, issued and
		 * sent from there, it takes effect when it leaves (issue 21 item 1). */
		if (letter)
			http_redirect(req, 303,
			              arena_printf(req->arena, "/panel/sprawy/%lld/pisma/%d?przygotowano=1", id,
			                           letter));
		else
			http_redirect(req, 303,
			              arena_printf(req->arena, "/panel/sprawy/%lld?wykonano=%s", id, in.action));
		return;
	}
	json_t *input = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "date",
	                          in.date, "sent", in.sent, "new_due", in.new_due, "text", in.text,
	                          "amount", in.amount, "persons", in.persons, "address", in.address,
	                          "term_days", in.term_days, "legal_basis", in.legal_basis,
	                          "sent_channel", in.sent_channel, "restore_request",
	                          !strcmp(in.restore_request, "tak"));
	json_object_set_new(input, "name", json_string(in.name));
	json_object_set_new(input, "postal_address", json_string(in.postal_address));
	json_object_set_new(input, "judgment_on", json_string(in.judgment_on));
	case_page(req, ctx, id, &p, in.action, input);
}

void web_panel_note(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long id = case_id(req);
	struct problem p;
	if (clerk_note(ctx, id, field(req, "text"), &p) == OUT_OK)
		http_redirect(req, 303, arena_printf(req->arena, "/panel/sprawy/%lld?wykonano=note", id));
	else
		case_page(req, ctx, id, &p, NULL, NULL);
}

/* The one click under a reply that came by mail: the lifecycle's step
 * (form field "action") dated the message's arrival. */
void web_panel_reply_confirm(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long id = case_id(req);
	const char *m = http_param(req, "mid");
	char *end;
	long long mid = m ? strtoll(m, &end, 10) : 0;
	if (!m || *end)
		mid = 0;
	struct problem p;
	const char *action = field(req, "action");
	if (replies_confirm(ctx, id, mid, action, field(req, "version"), &p) == OUT_OK)
		http_redirect(req, 303,
		              arena_printf(req->arena, "/panel/sprawy/%lld?wykonano=%s#poczta", id, action));
	else if (p.outcome == OUT_NOT_FOUND)
		web_fail(req, &p);
	else
		case_page(req, ctx, id, &p, NULL, NULL);
}

/* A PDF the clerk adds to the case (a signed document, a document to
 * publish): multipart, the file in the field "plik". */
void web_panel_attachment_add(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	long long id = case_id(req), aid;
	const form_t *f;
	struct problem p;
	if (http_form_read(req, &f, &p) != OUT_OK) {
		case_page(req, ctx, id, &p, NULL, NULL);
		return;
	}
	const form_field_t *ff = form_get_field(f, "plik");
	bool file = ff && ff->filename;
	if (attach_add(ctx, id, file ? ff->filename : NULL, file ? ff->value : NULL,
	               file ? ff->value_len : 0, (size_t)cfg.max_attachment, &aid, &p) == OUT_OK)
		http_redirect(req, 303,
		              arena_printf(req->arena, "/panel/sprawy/%lld?wykonano=zalacznik#zalaczniki", id));
	else
		case_page(req, ctx, id, &p, NULL, NULL);
}

/* ---- Registering a request from another channel -------------------------- */

void web_register_page(http_req_t *req, const struct filing_input *in, const char *received_on,
                       const struct problem *failed, json_t *message)
{
	json_t *ctx = json_pack("{s:s, s:s}", "title", "Rejestracja wniosku — Jawność", "received_on",
	                        received_on ? received_on : "");
	if (message)
		json_object_set_new(ctx, "from_message", message);
	json_t *v = json_object();
	const char *names[] = {"subject", "content", "form", "name", "email", "postal_address",
	                       "phone", "purpose", "format", "manner", "ade_address"};
	const char *vals[] = {in->subject, in->content, in->form, in->name, in->email,
	                      in->postal_address, in->phone, in->purpose, in->format, in->manner,
	                      in->ade_address};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		json_object_set_new(v, names[i], json_string(vals[i] ? vals[i] : ""));
	json_object_set_new(ctx, "v", v);
	json_object_set_new(ctx, "channels", channel_options(true, in->channel));
	json_object_set_new(ctx, "kind_reuse", json_boolean(in->kind && !strcmp(in->kind, "reuse")));
	json_object_set_new(ctx, "standing", json_boolean(in->standing && *in->standing));
	json_object_set_new(ctx, "delivery_post", json_boolean(in->delivery && !strcmp(in->delivery, "post")));
	json_object_set_new(ctx, "delivery_tracking",
	                    json_boolean(in->delivery && !strcmp(in->delivery, "tracking_page")));
	if (!web_form_errors(ctx, failed) && failed) {
		/* A failure of ours (5xx): the form is kept, say so, whatever
		 * the service said to the operator. */
		bool ours = web_outcome_status(failed->outcome) >= 500;
		json_object_set_new(ctx, "general_error",
		                    json_string(failed->message && !ours
		                                    ? failed->message
		                                    : "Nie udało się zarejestrować wniosku. Dane są "
		                                      "zachowane: spróbuj ponownie za chwilę."));
	}
	web_render(req, failed ? web_outcome_status(failed->outcome) : 200, "panel_register", ctx);
}

static void register_page(http_req_t *req, const struct filing_input *in,
                          const char *received_on, const struct problem *failed)
{
	web_register_page(req, in, received_on, failed, NULL);
}

void web_panel_register_form(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct filing_input in = {.channel = "email"};
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(ctx->now), today);
	register_page(req, &in, today, NULL);
}

void web_panel_register(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	const form_t *f;
	struct filing_input in = {0};
	struct problem p;
	if (http_form(req, &f) != FORM_OK) {
		problem_set(&p, OUT_MALFORMED, "Przesłany formularz jest uszkodzony.", NULL);
		register_page(req, &in, "", &p);
		return;
	}
	web_filing_fields(f, &in);
	in.channel = form_get(f, "channel");
	const char *received = form_get(f, "received_on");
	long long id;
	if (clerk_register(ctx, &in, received, web_base_url(), &id, &p) == OUT_OK)
		http_redirect(req, 303, arena_printf(req->arena, "/panel/sprawy/%lld?wykonano=register", id));
	else
		register_page(req, &in, received, &p);
}
