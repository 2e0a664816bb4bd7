/* SPDX-License-Identifier: EUPL-1.2 */
/* The web layer: route table, page rendering and the handlers of each
 * audience. A handler parses input, calls one service, renders. No SQL. */
#ifndef JAWNOSC_WEB_WEB_H
#define JAWNOSC_WEB_WEB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/auth.h"
#include "http/http.h"
#include "http/router.h"

/* The migrations this binary carries (migrate.h), opaque here: /readyz
 * hands them to its service. */
struct migration_set;

struct web_config {
	const char *templates_dir;
	const struct migration_set *migrations; /* what /readyz compares against */
};

/* Compiles the page templates and loads static files; a template syntax
 * error names file and line. */
bool web_init(const struct web_config *wc, char *err, size_t errlen);
void web_shutdown(void);
/* The letter templates compiled at start-up. */
struct letter_set;
const struct letter_set *web_letters(void);
/* The migrations loaded at start-up, for /readyz. */
const struct migration_set *web_migrations(void);

extern const route_t web_routes[];
extern const size_t web_nroutes;

/* Renders templates/pages/<page>.html inside the layout and answers.
 * Steals `ctx`. Adds the common keys (site name, stylesheet URL). */
void web_render(http_req_t *req, int status, const char *page, json_t *ctx);
/* The parts of web_render(), for pages drawn in two steps (web/scache.h):
 * the compiled templates; the keys every page has (site name, stylesheet
 * URL, a default title); the signed-in member's, for the layout's header
 * (name, role, the session's CSRF token); and the answer when a template
 * fails (logged, then the error page). */
struct tmpl_set;
const struct tmpl_set *web_templates(void);
void web_page_common(json_t *ctx);
void web_page_user(http_req_t *req, json_t *ctx);
void web_render_failed(http_req_t *req, const char *page, const char *err);
/* The error page hook for the HTTP server. */
void web_error_page(http_req_t *req, int status, const char *detail);

/* ---- Shared by the handlers (common.c) ---- */
struct org;
/* The organisation for this request's Host. False after answering (503 when
 * the database is unreachable or no organisation exists). */
bool web_org(http_req_t *req, struct org *out);
/* Base URL for links that leave the site (e-mail): JAWNOSC_BASE_URL, else
 * derived from the listen address. Never from the Host header. */
const char *web_base_url(void);
/* The public address of body `o` (org_base_url() of web_base_url()): the
 * deployment's address on the body's own host. */
const char *web_org_base_url(arena_t *a, const struct org *o);
/* The request's Idempotency-Key header (the IETF httpapi draft): *key
 * NULL when there is none; OUT_MALFORMED (400) when it is not 8 to 64 of
 * A-Z, a-z, 0-9, - and _. */
struct problem;
enum outcome web_idempotency_key(http_req_t *req, const char **key, struct problem *p);
/* CSRF for forms without a session: a random cookie and, in the form, its
 * HMAC. web_csrf_token() sets the cookie when missing and returns the
 * field's value; web_csrf_ok() checks a posted form. */
const char *web_csrf_token(http_req_t *req);
bool web_csrf_ok(http_req_t *req, const char *posted);
/* The organisation `id` (of the signed-in user); false after answering. */
bool web_org_by_id(http_req_t *req, long long id, struct org *out);
/* The service context of this request (cases/context.h): its arena, one
 * instant (clock_now()) and, on staff pages, the signed-in member as the
 * actor, held in `who` (ctx->who NULL otherwise). The organisation is left
 * NULL: the services that need it find it themselves. */
struct svc_ctx;
struct actor;
void web_ctx(http_req_t *req, struct svc_ctx *ctx, struct actor *who);
/* `s` percent-encoded for a query string, in the arena. */
const char *web_url_encode(http_req_t *req, const char *s);
/* The BIP metadata (templates/partials/bip_meta.html) of a page the
 * system composes for body `o` with no register of its own (the home
 * page, the filing form): the body publishes and produces it since it was
 * set up, `entered_by` entered it; its change register `ch`
 * (register_bip_changes(); NULL or not read: none shown). A new
 * reference. */
struct bip_changes;
json_t *web_bip_composed(const struct org *o, const char *entered_by,
                         const struct bip_changes *ch);
/* Sets the change register `ch` on the BIP metadata `bip`: the table
 * ("versions", "has_versions") and "changed_at" (its newest change; left
 * as it is when there is none). Nothing when `ch` was not read. */
void web_bip_changes(json_t *bip, const struct bip_changes *ch);
/* The route's (or query's) parameter `name` as a positive id below 10^12;
 * 0 otherwise (missing, empty, not a number, trailing characters), which
 * the services answer with OUT_NOT_FOUND. */
long long web_id_param(http_req_t *req, const char *name);
/* A fresh random id (hex) for a form's one-time submission id. */
const char *web_random_id(http_req_t *req);
/* True when `s` has the shape web_random_id() gives: 32 lowercase hex digits. */
bool web_is_random_id(const char *s);

/* ---- Staff sessions (auth.c) ---- */
/* The signed-in staff member of a request under /panel, set by
 * web_authorize() in req->user. */
struct web_user {
	struct auth_user member; /* as the session's service found it (cases/auth.h) */
	int level;               /* enum route_role: ROLE_IOD, ROLE_CLERK, ROLE_MANAGER or ROLE_ADMIN */
};
/* The HTTP server's authorize hook: for routes above ROLE_ANY, finds the
 * session (cookie), checks the role and, for POST, the session's CSRF token
 * in the form field `csrf`. Redirects to /panel/logowanie when signed out,
 * 403 for a role too low or a bad token. */
bool web_authorize(http_req_t *req, const route_t *route);
/* The HTTP server's begin hook: a request's writes are for no known
 * organisation until its handler or web_authorize() says which. */
void web_begin(http_req_t *req);
/* req->user, or NULL on public routes. */
const struct web_user *web_user(const http_req_t *req);
/* The context a staff handler passes to its service (cases/context.h): the
 * request's arena, the signed-in member as the actor, clock_now(). NULL
 * after answering 403 when nobody is signed in. */
struct svc_ctx;
const struct svc_ctx *web_staff(http_req_t *req);
/* GET and POST /panel/logowanie (the sign-in form: email, password, csrf,
 * next), POST /panel/wyloguj, GET /panel/konto. */
void web_login_form(http_req_t *req);
void web_login(http_req_t *req);
void web_logout(http_req_t *req);
void web_account(http_req_t *req);

/* Handlers (one file per audience). */
void web_home(http_req_t *req);
void web_healthz(http_req_t *req);
void web_readyz(http_req_t *req);
/* GET /metrics (metrics.c): Prometheus text format, loopback only unless
 * JAWNOSC_METRICS_PUBLIC=1. */
void web_metrics(http_req_t *req);
/* The fields of the filing form (the citizen's and the clerk's
 * registration share them) and its attachments, into `in` (citizen.c). */
struct filing_input;
void web_filing_fields(const form_t *f, struct filing_input *in);
void web_request_form(http_req_t *req);
void web_request_submit(http_req_t *req);
void web_case_show(http_req_t *req);
void web_case_confirmation(http_req_t *req);
void web_case_act(http_req_t *req);
void web_case_document(http_req_t *req);
void web_panel_document(http_req_t *req);
void web_panel_document_save(http_req_t *req);
void web_panel_document_issue(http_req_t *req);
void web_panel_document_correct(http_req_t *req);
void web_panel_document_discard(http_req_t *req);
void web_panel_document_delivered(http_req_t *req);
void web_panel_document_pdf(http_req_t *req);
void web_panel_document_to_sign(http_req_t *req);
void web_panel_document_sign(http_req_t *req);
void web_panel_document_signed(http_req_t *req);
void web_panel_dispatch_send(http_req_t *req);
void web_panel_bae_check(http_req_t *req);
void web_panel_dispatch_posted(http_req_t *req);
void web_panel_dispatch_receipt(http_req_t *req);
void web_panel_dispatch_returned(http_req_t *req);
void web_panel_dispatch_letter(http_req_t *req);
void web_panel_book_csv(http_req_t *req);
void web_panel_book_pdf(http_req_t *req);
void web_panel_outgoing(http_req_t *req);
void web_panel_outgoing_csv(http_req_t *req);
void web_letter_css(http_req_t *req);
void web_panel_queue(http_req_t *req);
void web_panel_case(http_req_t *req);
/* The case package, a ZIP for a court or an archive (cases/export.h). */
void web_panel_case_export(http_req_t *req);
void web_panel_act(http_req_t *req);
void web_panel_note(http_req_t *req);
/* The clerk confirms that a reply by mail is the requester's answer (cases/replies.h). */
void web_panel_reply_confirm(http_req_t *req);
/* A clerk's PDF added to a case (panel.c); the redaction page of an
 * attachment and the images of its pages and of its public copies' pages
 * (attachments.c). */
void web_panel_attachment_add(http_req_t *req);
void web_panel_redaction(http_req_t *req);
void web_panel_redact(http_req_t *req);
void web_panel_attachment_page(http_req_t *req);
/* web/attachment_files.c (cases/attachment_files.h) */
struct attach_file;
/* A file as a download, never shown in the site's origin: Content-
 * Disposition attachment (an ASCII fallback and the UTF-8 name, no path),
 * nosniff, a sandboxing CSP, no-store. `content_type` as given: the
 * caller makes sure it is a plain type/subtype. */
void web_send_file(http_req_t *req, const char *filename, const char *content_type,
                   const void *data, size_t len);
void web_send_download(http_req_t *req, const struct attach_file *f);
void web_panel_attachment(http_req_t *req);
void web_panel_attachment_file(http_req_t *req);
void web_panel_attachment_preview(http_req_t *req);
void web_case_attachment(http_req_t *req);
/* web/letters.c: a draft letter's enclosures */
void web_panel_document_attach(http_req_t *req);
void web_panel_document_detach(http_req_t *req);
void web_panel_copy_page(http_req_t *req);
void web_panel_letter_copy_page(http_req_t *req);
void web_panel_register_form(http_req_t *req);
void web_panel_register(http_req_t *req);
/* The registration form (panel.c); after a failure (`failed`) with what
 * was typed and the messages at their fields, or one message above the
 * form. With `message` (stolen; NULL: none), the form registers that
 * message of the incoming queue (inbox.c): its date and channel shown,
 * not asked, and its attachments listed. */
void web_register_page(http_req_t *req, const struct filing_input *in, const char *received_on,
                       const struct problem *failed, json_t *message);
/* The incoming queue (inbox.c), all ROLE_CLERK: the list, a message, its
 * raw text (.eml) and its parts as downloads, and what a clerk does with
 * it: registers it (the form, GET and POST), attaches it to a case, marks
 * it as not a request. */
void web_inbox_list(http_req_t *req);
void web_inbox_message(http_req_t *req);
void web_inbox_raw(http_req_t *req);
void web_inbox_part(http_req_t *req);
void web_inbox_register_form(http_req_t *req);
void web_inbox_register(http_req_t *req);
void web_inbox_attach(http_req_t *req);
void web_inbox_dismiss(http_req_t *req);
/* The manager's pages (dashboard.c), all ROLE_MANAGER: the dashboard and
 * the statistics of a period (?od=&do=) as a page, CSV and JSON. */
void web_dashboard(http_req_t *req);
void web_stats(http_req_t *req);
void web_stats_csv(http_req_t *req);
void web_stats_json(http_req_t *req);
/* The administrator's pages (admin.c), all ROLE_ADMIN. */
void web_admin_home(http_req_t *req);
void web_admin_users(http_req_t *req);
void web_admin_user_add(http_req_t *req);
void web_admin_user(http_req_t *req);
void web_admin_user_change(http_req_t *req);
void web_admin_units(http_req_t *req);
void web_admin_units_post(http_req_t *req);
void web_admin_settings_form(http_req_t *req);
void web_admin_settings(http_req_t *req);
/* The integrations' tokens (admin.c, cases/integrations.h): GET the list
 * and the form; POST op "create" (name, scopes: read, register, documents;
 * the page shows the new secret once) or "revoke" (id). */
void web_admin_integrations(http_req_t *req);
void web_admin_integrations_post(http_req_t *req);
/* The data protection officer's page (iod.c), all ROLE_IOD: GET the search
 * form; POST the search (q), the access export as a ZIP (q) and an erasure
 * (q, sprawa, reason, force). */
void web_iod(http_req_t *req);
void web_iod_search(http_req_t *req);
void web_iod_export(http_req_t *req);
void web_iod_erase(http_req_t *req);
/* The public register (register.c): BIP pages, feeds, open data, and the
 * clerk's publication page (ROLE_CLERK). */
void web_register_list(http_req_t *req);
void web_register_item(http_req_t *req);
void web_register_version(http_req_t *req);
void web_register_document(http_req_t *req);
void web_register_attachment(http_req_t *req);
void web_register_stats(http_req_t *req);
void web_register_atom(http_req_t *req);
void web_register_csv(http_req_t *req);
void web_register_json(http_req_t *req);
void web_sitemap(http_req_t *req);
void web_robots(http_req_t *req);
void web_security_txt(http_req_t *req);
void web_register_stats_csv(http_req_t *req);
/* The dane.gov.pl harvester's feed of the body (opendata.c). */
void web_opendata_catalog(http_req_t *req);
void web_opendata_md5(http_req_t *req);
void web_procedure(http_req_t *req);
void web_accessibility(http_req_t *req);
void web_panel_publication(http_req_t *req);
void web_panel_publish(http_req_t *req);
void api_requests_create(http_req_t *req);
void api_request_show(http_req_t *req);
void api_request_act(http_req_t *req);
void api_openapi(http_req_t *req);
/* The staff API (staff_api.c), by an integration's bearer token: the
 * organisation's cases (GET, ?state, open, kind, channel, received_from,
 * received_to, updated_since, cursor), one case, the queue (?overdue,
 * due_within, cursor), a request received elsewhere registered (POST
 * JSON), a document added to a case (POST JSON). */
void api_staff_cases(http_req_t *req);
void api_staff_case(http_req_t *req);
void api_staff_queue(http_req_t *req);
void api_staff_register(http_req_t *req);
void api_staff_document(http_req_t *req);

#endif
