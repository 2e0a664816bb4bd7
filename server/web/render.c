/* SPDX-License-Identifier: EUPL-1.2 */
#include <string.h>

#include "cases/auth.h"
#include "cases/ops.h"
#include "core/log.h"
#include "http/static.h"
#include "render/letter.h"
#include "render/tmpl.h"
#include "web/pcache.h"
#include "web/web.h"

static tmpl_set_t *templates;
static letter_set_t *letters;
static const struct migration_set *migrations;

bool web_init(const struct web_config *wc, char *err, size_t errlen)
{
	templates = tmpl_set_new();
	if (!tmpl_load_dir(templates, wc->templates_dir, err, errlen) ||
	    !tmpl_check(templates, err, errlen)) {
		tmpl_set_free(templates);
		templates = NULL;
		return false;
	}
	static const char *required[] = {"pages/layout", "pages/error", "pages/home"};
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
		if (!tmpl_has(templates, required[i])) {
			snprintf(err, errlen, "template %s/%s.html is missing", wc->templates_dir,
			         required[i]);
			tmpl_set_free(templates);
			templates = NULL;
			return false;
		}
	}
	migrations = wc->migrations;
	/* Letters are compiled once too: a broken template stops start-up. */
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/letters", wc->templates_dir);
	if (!letter_load(&letters, dir, err, errlen)) {
		tmpl_set_free(templates);
		templates = NULL;
		return false;
	}
	/* Forms and tracking links are signed with the database's secret. */
	bool ok = ops_load_secret(err, errlen);
	if (!ok) {
		tmpl_set_free(templates);
		templates = NULL;
		letter_free(letters);
		letters = NULL;
	}
	return ok;
}

void web_shutdown(void)
{
	tmpl_set_free(templates);
	templates = NULL;
	letter_free(letters);
	letters = NULL;
	/* Pango's and fontconfig's caches, once no worker thread renders. */
	letter_shutdown();
}

const letter_set_t *web_letters(void)
{
	return letters;
}

const struct migration_set *web_migrations(void)
{
	return migrations;
}

const tmpl_set_t *web_templates(void)
{
	return templates;
}

void web_page_common(json_t *ctx)
{
	json_object_set_new(ctx, "site_name", json_string("Jawność"));
	json_object_set_new(ctx, "css_url", json_string(static_url("style.css")));
	if (!json_object_get(ctx, "title"))
		json_object_set_new(ctx, "title", json_string("Jawność"));
}

void web_page_user(http_req_t *req, json_t *ctx)
{
	/* The signed-in staff member, for the header (panel link, sign-out form).
	 * Templates have no comparisons: the role's reach as booleans. */
	const struct web_user *u = web_user(req);
	if (u && !json_object_get(ctx, "user"))
		json_object_set_new(ctx, "user",
		                    json_pack("{s:s?, s:s?, s:s?, s:s, s:s?, s:b, s:b, s:b, s:b}", "name",
		                              u->member.name, "email", u->member.email, "role",
		                              u->member.role, "role_label", auth_role_label(u->member.role),
		                              "csrf", u->member.csrf, "is_admin",
		                              route_role_allows(ROLE_ADMIN, u->level), "is_manager",
		                              route_role_allows(ROLE_MANAGER, u->level), "is_clerk",
		                              route_role_allows(ROLE_CLERK, u->level), "is_iod",
		                              route_role_allows(ROLE_IOD, u->level)));
}

void web_render_failed(http_req_t *req, const char *page, const char *err)
{
	log_error("rendering pages/%s: %s", page, err);
	if (strcmp(page, "error") != 0)
		web_error_page(req, 500, NULL);
	else
		http_respond(req, 500, "text/plain; charset=utf-8", "Błąd serwera", 13);
}

void web_render(http_req_t *req, int status, const char *page, json_t *ctx)
{
	if (!ctx)
		ctx = json_object();
	web_page_common(ctx);
	web_page_user(req, ctx);
	strbuf_t out;
	sb_init(&out, req->arena);
	char err[256];
	char name[128];
	snprintf(name, sizeof name, "pages/%s", page);
	bool ok = tmpl_render_page(templates, "pages/layout", name, ctx, &out, err, sizeof err);
	json_decref(ctx);
	if (!ok) {
		web_render_failed(req, page, err);
		return;
	}
	/* A page being kept (web/pcache.c) is kept here; others are just sent. */
	pcache_respond(req, status, "text/html; charset=utf-8", out.data, out.len);
}

static const struct {
	int status;
	const char *title;
	const char *text;
} error_texts[] = {
    {400, "Nieprawidłowe żądanie", "Serwer nie może przetworzyć tego żądania."},
    {401, "Wymagane zalogowanie", "Zaloguj się, aby zobaczyć tę stronę."},
    {403, "Brak dostępu", "Nie masz uprawnień do tej strony."},
    {404, "Nie znaleziono strony", "Strona o tym adresie nie istnieje albo została usunięta."},
    {405, "Niedozwolona metoda", "Ta strona nie obsługuje takiego żądania."},
    {413, "Przesłane dane są zbyt duże", "Zmniejsz załączniki lub treść i spróbuj ponownie."},
    {415, "Nieobsługiwany typ danych", "Serwer nie obsługuje przesłanego typu danych."},
    {421, "Nieznany adres urzędu", "Pod tym adresem nie działa żaden urząd."},
    {422, "Nieprawidłowe dane", "Popraw dane w adresie strony i spróbuj ponownie."},
    {429, "Zbyt wiele żądań", "Odczekaj chwilę i spróbuj ponownie."},
    {500, "Błąd serwera", "Wystąpił nieoczekiwany błąd. Zgłosiliśmy go administratorom."},
    {503, "Usługa chwilowo niedostępna", "Spróbuj ponownie za kilka chwil."},
};

void web_error_page(http_req_t *req, int status, const char *detail)
{
	const char *title = "Błąd", *text = "";
	for (size_t i = 0; i < sizeof error_texts / sizeof error_texts[0]; i++) {
		if (error_texts[i].status == status) {
			title = error_texts[i].title;
			text = error_texts[i].text;
		}
	}
	json_t *ctx = json_pack("{s:s, s:s, s:i, s:s}", "title", title, "heading", title,
	                        "status", status, "text", detail ? detail : text);
	web_render(req, status, "error", ctx);
}
