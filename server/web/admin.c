/* SPDX-License-Identifier: EUPL-1.2 */
/* The administrator's pages under /panel/admin: staff accounts, units and
 * the organisation's settings. web_authorize() has already checked the
 * session, the admin role and, for POST, the CSRF token. Each form that
 * fails comes back (422) with a message at each bad field and what was
 * typed; each success redirects (303) to its page with "Zapisano.". */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cases/admin.h"
#include "cases/auth.h"
#include "cases/integrations.h"
#include "render/harvester.h"
#include "web/outcome.h"
#include "web/web.h"

static const char *field(const form_t *f, const char *name)
{
	const char *v = f ? form_get(f, name) : NULL;
	return v ? v : "";
}

/* The posted form, or false after answering 400 or 415. */
static bool posted(http_req_t *req, const form_t **f)
{
	enum form_error fe = http_form(req, f);
	if (fe != FORM_OK) {
		struct problem p;
		problem_set(&p, fe == FORM_UNSUPPORTED_TYPE ? OUT_UNSUPPORTED : OUT_MALFORMED,
		            form_error_text_pl(fe), NULL);
		web_fail(req, &p);
	}
	return fe == FORM_OK;
}

static long long id_of(const char *s)
{
	char *end;
	long long id = s && *s ? strtoll(s, &end, 10) : 0;
	return s && *s && !*end && id > 0 ? id : 0;
}

/* After a change that failed: true when its form is to be drawn again
 * with the messages at their fields (the problem names fields); otherwise
 * answers with the problem (an account or unit not found, 503, ...). */
static bool form_again(http_req_t *req, const struct problem *p)
{
	if (p->nfields)
		return true;
	web_fail(req, p);
	return false;
}

static void set_notice(http_req_t *req, json_t *ctx, int status)
{
	if (status == 200 && http_query(req, "zapisano"))
		json_object_set_new(ctx, "notice", json_string("Zapisano."));
}

static void page(http_req_t *req, int status, const char *name, json_t *ctx)
{
	set_notice(req, ctx, status);
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, status, name, ctx);
}

static void saved(http_req_t *req, const char *path)
{
	http_redirect(req, 303, arena_printf(req->arena, "%s?zapisano=1", path));
}

/* ---- Overview ------------------------------------------------------------- */

void web_admin_home(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct admin_overview o;
	struct problem p;
	if (admin_overview(ctx, &o, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	page(req, 200, "admin_home",
	     json_pack("{s:s, s:s, s:i, s:i, s:i}", "title", "Administracja — Jawność", "org_name",
	               o.org_name, "users", (int)o.users, "active", (int)o.active, "units", (int)o.units));
}

/* ---- Staff accounts --------------------------------------------------------- */

static const char *const roles[] = {"clerk", "manager", "admin", "iod"};

static json_t *role_options(const char *selected)
{
	json_t *list = json_array();
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", roles[i], "label",
		                                      auth_role_label(roles[i]), "selected",
		                                      selected && !strcmp(selected, roles[i])));
	return list;
}

/* The units for a select: "" (the whole organisation) first. */
static json_t *unit_options(http_req_t *req, const struct admin_unit *units, size_t n,
                            const char *selected)
{
	json_t *list = json_array();
	json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", "", "label",
	                                      "cały urząd (bez ograniczenia do komórki)", "selected",
	                                      !selected || !*selected));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:b}", "id", units[i].symbol, "label",
		                    arena_printf(req->arena, "%s — %s", units[i].symbol, units[i].name),
		                    "selected", selected && !strcmp(selected, units[i].symbol)));
	return list;
}

static json_t *user_json(const struct admin_user *u, long long self)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)u->id, "email",
	                 u->email, "name", u->name, "position", u->position, "role_label",
	                 auth_role_label(u->role), "unit", u->unit_symbol, "disabled", u->disabled,
	                 "self", u->id == self);
}

/* The list of accounts and the form to add one; after a failed addition
 * (`failed`) with what was typed (`in`, never the password: it is typed
 * again) and the messages. */
static void users_page(http_req_t *req, const struct svc_ctx *ctx,
                       const struct admin_user_input *in, const struct problem *failed)
{
	struct admin_staff st;
	struct problem p;
	if (admin_staff(ctx, 0, &st, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < st.nusers; i++)
		json_array_append_new(list, user_json(&st.users[i], ctx->who->user_id));
	struct admin_user_input none = {0};
	if (!in)
		in = &none;
	json_t *page_ctx = json_pack("{s:s, s:o, s:{s:s, s:s, s:s}, s:o, s:o}", "title",
	                             failed ? "Błąd: użytkownicy — Jawność" : "Użytkownicy — Jawność",
	                             "accounts", list, "v", "email", in->email ? in->email : "", "name",
	                             in->name ? in->name : "", "position", in->position ? in->position : "",
	                             "roles", role_options(in->role ? in->role : "clerk"), "units",
	                             unit_options(req, st.units, st.nunits, in->unit));
	web_form_errors(page_ctx, failed);
	page(req, failed ? web_outcome_status(failed->outcome) : 200, "admin_users", page_ctx);
}

void web_admin_users(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (ctx)
		users_page(req, ctx, NULL, NULL);
}

static struct admin_user_input user_input(const form_t *f)
{
#define SLOT(m) FORM_SLOT(struct admin_user_input, m)
	static const struct form_slot slots[] = {SLOT(email), SLOT(name), SLOT(position),
	                                         SLOT(role),  SLOT(unit), SLOT(password)};
#undef SLOT
	struct admin_user_input in = {0};
	form_fill(f, &in, slots, sizeof slots / sizeof slots[0], "");
	return in;
}

void web_admin_user_add(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	const form_t *f;
	if (!ctx || !posted(req, &f))
		return;
	struct admin_user_input in = user_input(f);
	struct problem p;
	if (admin_user_add(ctx, &in, NULL, &p) == OUT_OK)
		saved(req, "/panel/admin/uzytkownicy");
	else if (form_again(req, &p))
		users_page(req, ctx, &in, &p);
}

/* One account's page: its details, the form to change them, a new
 * password, disabling or enabling; after a failed change (`failed`) with
 * what was typed (`in`, or NULL: the account as it is) and the messages. */
static void user_page(http_req_t *req, const struct svc_ctx *ctx, long long id,
                      const struct admin_user_input *in, const struct problem *failed)
{
	struct admin_staff st;
	struct problem p;
	if (admin_staff(ctx, id, &st, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	const struct admin_user *u = &st.users[0];
	struct admin_user_input cur = {.name = u->name, .position = u->position, .role = u->role,
	                               .unit = u->unit_symbol};
	if (!in)
		in = &cur;
	json_t *page_ctx = json_pack("{s:s, s:o, s:{s:s, s:s}, s:o, s:o}", "title",
	                             arena_printf(req->arena, "%s%s — Jawność", failed ? "Błąd: " : "",
	                                          u->name),
	                             "account", user_json(u, ctx->who->user_id), "v", "name", in->name,
	                             "position", in->position, "roles", role_options(in->role), "units",
	                             unit_options(req, st.units, st.nunits, in->unit));
	web_form_errors(page_ctx, failed);
	page(req, failed ? web_outcome_status(failed->outcome) : 200, "admin_user", page_ctx);
}

void web_admin_user(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (ctx)
		user_page(req, ctx, id_of(http_param(req, "id")), NULL, NULL);
}

/* op: "update" (name, position, role, unit), "password", "disable" or "enable". */
void web_admin_user_change(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	const form_t *f;
	if (!ctx || !posted(req, &f))
		return;
	long long id = id_of(http_param(req, "id"));
	const char *op = field(f, "op");
	struct admin_user_input in = user_input(f);
	struct problem p;
	if (admin_user_change(ctx, id, op, &in, &p) == OUT_OK)
		saved(req, arena_printf(req->arena, "/panel/admin/uzytkownicy/%lld", id));
	else if (form_again(req, &p))
		user_page(req, ctx, id, !strcmp(op, "update") ? &in : NULL, &p);
}

/* ---- Units ------------------------------------------------------------------ */

/* The units, the form to add one (symbol and name typed, or NULL), and
 * which unit receives online requests. A failed rename keeps its text in
 * the unit's own form. */
struct units_typed {
	const char *symbol, *name;
	long long rename_id;
	const char *rename;
	long long remedy_id; /* op "remedy": the unit and what was typed */
	const char *appeal_body, *appeal_body_address, *remedy;
};

/* The unit's appeal body form (op "remedy"): its values, or what was typed
 * after a failed save with the messages at their fields. */
static void unit_remedy_fields(json_t *u, const struct admin_unit *unit, const struct units_typed *t,
                               const struct problem *failed)
{
	bool typed = t && t->remedy_id == unit->id;
	const char *body = typed ? t->appeal_body : unit->appeal_body;
	const char *addr = typed ? t->appeal_body_address : unit->appeal_body_address;
	const char *remedy = typed ? t->remedy : unit->remedy;
	json_object_set_new(u, "appeal_body", json_string(body ? body : ""));
	json_object_set_new(u, "appeal_body_address", json_string(addr ? addr : ""));
	json_object_set_new(u, "remedy_org", json_boolean(!remedy || !*remedy));
	json_object_set_new(u, "remedy_appeal", json_boolean(remedy && !strcmp(remedy, "appeal")));
	json_object_set_new(u, "remedy_reconsideration",
	                    json_boolean(remedy && !strcmp(remedy, "reconsideration")));
	static const struct {
		const char *field, *key;
	} errs[] = {{"appeal_body", "err_appeal_body"},
	            {"appeal_body_address", "err_appeal_body_address"},
	            {"remedy", "err_remedy"}};
	for (size_t i = 0; typed && i < sizeof errs / sizeof errs[0]; i++) {
		const char *m = failed ? problem_field_message(failed, errs[i].field) : NULL;
		if (m)
			json_object_set_new(u, errs[i].key, json_string(m));
	}
}

static void units_page(http_req_t *req, const struct svc_ctx *ctx, const struct units_typed *t,
                       const struct problem *failed)
{
	struct admin_unit *units;
	size_t n = 0;
	struct problem p;
	if (admin_units(ctx, &units, &n, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	const char *rename_field = t && t->rename_id
	                               ? arena_printf(req->arena, "unit-%lld-name", t->rename_id)
	                               : NULL;
	json_t *list = json_array(), *web = json_array();
	bool any_web = false;
	for (size_t i = 0; i < n; i++) {
		bool renamed = rename_field && units[i].id == t->rename_id;
		json_t *u = json_pack("{s:I, s:s, s:s, s:b, s:i, s:s}", "id", (json_int_t)units[i].id,
		                      "symbol", units[i].symbol, "name", units[i].name, "web",
		                      units[i].web, "users", (int)units[i].users, "typed",
		                      renamed ? t->rename : units[i].name);
		if (renamed && failed && failed->nfields)
			json_object_set_new(u, "error", json_string(failed->fields[0].message));
		unit_remedy_fields(u, &units[i], t, failed);
		json_array_append_new(list, u);
		json_array_append_new(web, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)units[i].id,
		                                     "label",
		                                     arena_printf(req->arena, "%s — %s", units[i].symbol,
		                                                  units[i].name),
		                                     "selected", units[i].web));
		any_web |= units[i].web;
	}
	json_t *page_ctx = json_pack("{s:s, s:o, s:o, s:b, s:b, s:{s:s, s:s}}", "title",
	                             failed ? "Błąd: komórki organizacyjne — Jawność"
	                                    : "Komórki organizacyjne — Jawność",
	                             "units", list, "web_units", web, "no_web_unit", !any_web, "has_units",
	                             n > 0, "v", "symbol", t && t->symbol ? t->symbol : "", "name",
	                             t && t->name ? t->name : "");
	/* The rename form's field has an id of its own on this page. */
	struct problem shown = {0};
	if (failed)
		shown = *failed;
	for (int i = 0; rename_field && i < shown.nfields; i++)
		shown.fields[i].field = rename_field;
	for (int i = 0; t && t->remedy_id && i < shown.nfields; i++)
		shown.fields[i].field = arena_printf(req->arena, "unit-%lld-%s", t->remedy_id,
		                                     shown.fields[i].field);
	web_form_errors(page_ctx, &shown);
	page(req, failed ? web_outcome_status(failed->outcome) : 200, "admin_units", page_ctx);
}

void web_admin_units(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (ctx)
		units_page(req, ctx, NULL, NULL);
}

/* op: "add" (symbol, name), "rename" (id, name), "web" (web_unit: an id) or
 * "remedy" (id, appeal_body, appeal_body_address, remedy). */
void web_admin_units_post(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	const form_t *f;
	if (!ctx || !posted(req, &f))
		return;
	struct admin_unit_input in = {.op = field(f, "op"),
	                              .symbol = field(f, "symbol"),
	                              .name = field(f, "name"),
	                              .appeal_body = field(f, "appeal_body"),
	                              .appeal_body_address = field(f, "appeal_body_address"),
	                              .remedy = field(f, "remedy")};
	in.id = field(f, !strcmp(in.op, "web") ? "web_unit" : "id");
	/* What was typed goes back into the form it was typed in. */
	struct units_typed t = {0};
	if (!strcmp(in.op, "add")) {
		t.symbol = in.symbol;
		t.name = in.name;
	} else if (!strcmp(in.op, "rename")) {
		t.rename_id = id_of(in.id);
		t.rename = in.name;
	} else if (!strcmp(in.op, "remedy")) {
		t.remedy_id = id_of(in.id);
		t.appeal_body = in.appeal_body;
		t.appeal_body_address = in.appeal_body_address;
		t.remedy = in.remedy;
	}
	struct problem p;
	if (admin_unit_change(ctx, &in, &p) == OUT_OK)
		saved(req, "/panel/admin/komorki");
	else if (form_again(req, &p))
		units_page(req, ctx, &t, &p);
}

/* ---- Organisation settings -------------------------------------------------- */

/* Empty rows the retention table offers for classes not listed yet. */
#define RETENTION_BLANK_ROWS 2

/* The retention table's rows from "CLASS YEARS" lines (as stored, or as
 * typed after a failed save: a bad line is shown as it was typed), then
 * the blank rows; each row {n, class, years}. */
static json_t *retention_rows(const char *lines)
{
	json_t *rows = json_array();
	int n = 0;
	for (const char *s = lines ? lines : ""; *s;) {
		const char *end = strchr(s, '\n');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *sp = memchr(s, ' ', len);
		size_t cl = sp ? (size_t)(sp - s) : len;
		size_t yl = sp ? len - cl - 1 : 0;
		/* "?" stands for a cell left empty (retention_typed()). */
		if (cl == 1 && *s == '?')
			cl = 0;
		if (yl == 1 && sp[1] == '?')
			yl = 0;
		if (len)
			json_array_append_new(rows, json_pack("{s:i, s:i, s:s%, s:s%}", "n", n, "row",
			                                      n + 1, "class", s, cl, "years",
			                                      sp ? sp + 1 : "", yl));
		n += len > 0;
		s += len + (end != NULL);
	}
	for (int i = 0; i < RETENTION_BLANK_ROWS; i++, n++)
		json_array_append_new(rows, json_pack("{s:i, s:i, s:s, s:s}", "n", n, "row", n + 1,
		                                      "class", "", "years", ""));
	return rows;
}

/* The retention table of the form as "CLASS YEARS" lines, row by row
 * (rows left empty dropped; half-filled ones kept, for the message). */
static const char *retention_typed(http_req_t *req, const form_t *f)
{
	enum { MAX_ROWS = 110 };
	const char *cls[MAX_ROWS], *yrs[MAX_ROWS];
	size_t nc = f ? form_get_all(f, "retention_class", cls, MAX_ROWS) : 0;
	size_t ny = f ? form_get_all(f, "retention_period", yrs, MAX_ROWS) : 0;
	const char *out = "";
	for (size_t i = 0; i < nc || i < ny; i++) {
		const char *c = i < nc ? cls[i] : "", *y = i < ny ? yrs[i] : "";
		if (strspn(c, " \t") == strlen(c) && strspn(y, " \t") == strlen(y))
			continue;
		/* A line break typed into a cell must not make two rows. */
		if (strpbrk(c, "\r\n") || strpbrk(y, "\r\n"))
			c = "?";
		out = arena_printf(req->arena, "%s%s%s %s", out, *out ? "\n" : "", *c ? c : "?",
		                   *y ? y : "?");
	}
	return out;
}

/* The licences of the dane.gov.pl feed as the form's options, `chosen`
 * selected (none when it is not one of them: refused as typed). */
static json_t *licence_options(const char *chosen)
{
	json_t *opts = json_array();
	for (int i = 0; i < HARVESTER_NLICENCES; i++)
		json_array_append_new(opts, json_pack("{s:s, s:b}", "value", harvester_licences[i],
		                                      "selected", !strcmp(chosen, harvester_licences[i])));
	return opts;
}

/* "v" (each value as typed or stored) and "is" (which radio is checked:
 * "<id>_<value>" for the yes/no policies and the remedy); after a failed
 * save (`failed`) with the messages. */
static void settings_page(http_req_t *req, const struct admin_values *v,
                          const struct problem *failed)
{
	json_t *vals = json_object(), *is = json_object(), *rows = NULL, *licences = NULL;
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++) {
		const struct admin_setting *s = &admin_settings[i];
		const char *val = v->v[i] ? v->v[i] : "";
		json_object_set_new(vals, s->id, json_string(val));
		if (s->kind == ADMIN_BOOL || s->kind == ADMIN_REMEDY || s->kind == ADMIN_CHOICE)
			json_object_set_new(is, arena_printf(req->arena, "%s_%s", s->id, val), json_true());
		if (s->kind == ADMIN_RETENTION && !rows)
			rows = retention_rows(val);
		if (s->kind == ADMIN_LICENCE)
			licences = licence_options(val);
	}
	json_t *ctx = json_pack("{s:s, s:o, s:o, s:o}", "title",
	                        failed ? "Błąd: ustawienia urzędu — Jawność"
	                               : "Ustawienia urzędu — Jawność",
	                        "v", vals, "is", is, "retention", rows ? rows : json_array());
	json_object_set_new(ctx, "licences", licences ? licences : json_array());
	web_form_errors(ctx, failed);
	page(req, failed ? web_outcome_status(failed->outcome) : 200, "admin_settings", ctx);
}

void web_admin_settings_form(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (!ctx)
		return;
	struct admin_values v;
	struct problem p;
	if (admin_settings_get(ctx, &v, &p) != OUT_OK)
		web_fail(req, &p);
	else
		settings_page(req, &v, NULL);
}

void web_admin_settings(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	const form_t *f;
	if (!ctx || !posted(req, &f))
		return;
	struct admin_values v;
	for (size_t i = 0; i < ADMIN_NSETTINGS; i++)
		v.v[i] = admin_settings[i].kind == ADMIN_RETENTION ? retention_typed(req, f)
		                                                   : field(f, admin_settings[i].id);
	struct problem p;
	if (admin_settings_save(ctx, &v, &p) == OUT_OK)
		saved(req, "/panel/admin/ustawienia");
	else if (form_again(req, &p))
		settings_page(req, &v, &p);
}

/* ---- Integrations (EZD systems' tokens) --------------------------------------- */

static const unsigned integration_scopes[] = {INTEGRATION_READ, INTEGRATION_REGISTER,
                                              INTEGRATION_DOCUMENTS};
#define NINTEGRATION_SCOPES (sizeof integration_scopes / sizeof integration_scopes[0])

/* The scopes as checkboxes ({id, label, checked}). */
static json_t *scope_options(unsigned checked)
{
	json_t *list = json_array();
	for (size_t i = 0; i < NINTEGRATION_SCOPES; i++) {
		unsigned s = integration_scopes[i];
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "id", integration_scope_name(s),
		                                      "label", integration_scope_label(s), "checked",
		                                      (checked & s) != 0));
	}
	return list;
}

static json_t *integration_json(http_req_t *req, const struct integration *in)
{
	const char *scopes = "";
	for (size_t i = 0; i < NINTEGRATION_SCOPES; i++)
		if (in->scopes & integration_scopes[i])
			scopes = arena_printf(req->arena, "%s%s%s", scopes, *scopes ? ", " : "",
			                      integration_scope_name(integration_scopes[i]));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)in->id, "name",
	                 in->name, "scopes", scopes, "created_by", in->created_by, "created_at",
	                 in->created_at, "last_used_at", in->last_used_at, "revoked", in->revoked,
	                 "revoked_at", in->revoked_at);
}

/* The tokens and the form to create one; after a creation the new secret
 * (`created`, shown this once), after a failed one what was typed and the
 * messages. */
static void integrations_page(http_req_t *req, const struct svc_ctx *ctx, int status,
                              const char *name, unsigned scopes, const char *created_name,
                              const char *created, const struct problem *failed)
{
	struct integration *rows;
	size_t n;
	struct problem p;
	if (integration_list(ctx, &rows, &n, &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, integration_json(req, &rows[i]));
	json_t *page_ctx = json_pack(
	    "{s:s, s:o, s:b, s:o, s:{s:s}, s:s}", "title",
	    failed ? "Błąd: integracje — Jawność" : "Integracje (EZD) — Jawność", "integrations", list,
	    "has_integrations", n > 0, "scopes", scope_options(scopes), "v", "name", name ? name : "",
	    "api_url", arena_printf(req->arena, "%s/api/v1/staff", web_base_url()));
	if (created)
		json_object_set_new(page_ctx, "created",
		                    json_pack("{s:s, s:s}", "name", created_name, "token", created));
	web_form_errors(page_ctx, failed);
	page(req, status, "admin_integrations", page_ctx);
}

void web_admin_integrations(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (ctx)
		integrations_page(req, ctx, 200, NULL, INTEGRATION_READ, NULL, NULL, NULL);
}

/* op "create" (name, scopes) or "revoke" (id). */
void web_admin_integrations_post(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	const form_t *f;
	if (!ctx || !posted(req, &f))
		return;
	const char *op = field(f, "op");
	struct problem p;
	if (!strcmp(op, "revoke")) {
		if (integration_revoke(ctx, id_of(field(f, "id")), &p) == OUT_OK)
			saved(req, "/panel/admin/integracje");
		else
			web_fail(req, &p);
		return;
	}
	if (strcmp(op, "create")) {
		problem_set(&p, OUT_MALFORMED, "Nieznana czynność formularza.", NULL);
		web_fail(req, &p);
		return;
	}
	const char *values[8];
	size_t nv = form_get_all(f, "scopes", values, 8);
	unsigned scopes = 0;
	for (size_t i = 0; i < nv; i++)
		for (size_t k = 0; k < NINTEGRATION_SCOPES; k++)
			if (!strcmp(values[i], integration_scope_name(integration_scopes[k])))
				scopes |= integration_scopes[k];
	const char *name = field(f, "name");
	char token[INTEGRATION_TOKEN_LEN + 1];
	if (integration_create(ctx, name, scopes, token, NULL, &p) != OUT_OK) {
		if (form_again(req, &p))
			integrations_page(req, ctx, web_outcome_status(p.outcome), name, scopes, NULL, NULL,
			                  &p);
		return;
	}
	/* The secret goes into this one page (no-store, as every staff page)
	 * and nowhere else. */
	const char *shown = arena_strdup(req->arena, token);
	sodium_memzero(token, sizeof token);
	integrations_page(req, ctx, 201, NULL, INTEGRATION_READ, name, shown, NULL);
}
