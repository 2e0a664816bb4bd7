/* SPDX-License-Identifier: EUPL-1.2 */
/* The data protection officer's page, /panel/iod ("Ochrona danych
 * osobowych"; cases/iod.h, docs/privacy.md): find one person's data, give
 * it to them as a ZIP (GDPR art. 15), erase it case by case where the law
 * allows (art. 17). web_authorize() has already checked the session, the
 * role (ROLE_IOD: the officer or the administrator) and, for every POST,
 * the CSRF token.
 *
 * The person searched for is posted, never put in a URL: a name or an
 * address in a query string would reach a proxy's access log and the
 * browser's history. Each form carries it again (a hidden field), so the
 * results come back after an export that failed or an erasure, with the
 * outcome at its case and what was typed kept. */
#include <stdlib.h>
#include <string.h>

#include "cases/iod.h"
#include "core/log.h"
#include "core/zip.h"
#include "web/outcome.h"
#include "web/web.h"

#define TITLE "Ochrona danych osobowych — Jawność"

/* What the page shows besides the search form: the results of `query`
 * (NULL: none yet), and the outcome of a step on one case (case_id > 0)
 * or on the whole search. */
struct iod_view {
	const char *query;
	const struct problem *failed; /* NULL: nothing failed */
	long long case_id;            /* the case the failure or the notice is about */
	const char *notice;
	const char *reason; /* the reason typed for case_id, kept */
	bool force;
};

static const char *field(const form_t *f, const char *name)
{
	const char *v = f ? form_get(f, name) : NULL;
	return v ? v : "";
}

/* Marks the case the view is about: its message and what was typed. Its
 * number, or NULL when the results do not list it. */
static const char *mark_case(json_t *cases, const struct iod_view *v)
{
	size_t i;
	json_t *c;
	const char *number = NULL;
	json_array_foreach(cases, i, c) {
		if (json_integer_value(json_object_get(c, "id")) != v->case_id)
			continue;
		number = json_string_value(json_object_get(c, "case_number"));
		if (v->failed)
			json_object_set_new(c, "erase_error", json_string(web_problem_text(v->failed)));
		if (v->notice)
			json_object_set_new(c, "erase_notice", json_string(v->notice));
		if (v->failed && v->reason)
			json_object_set_new(c, "erase_reason", json_string(v->reason));
		json_object_set_new(c, "erase_force", json_boolean(v->failed && v->force));
	}
	return number;
}

/* The page, with the results of v->query when there is one. A search
 * that fails shows its message at the field; an export or erasure that
 * fails, at its place. Any failure also names the page "Błąd: ..." and
 * stands at the top (WCAG 3.3.1): after the post the page opens at its
 * start, far from the case's form, and an erasure refused for a case the
 * results no longer list would otherwise be said nowhere. `status` is the
 * answer's unless the search itself fails. */
static void iod_page(http_req_t *req, const struct svc_ctx *ctx, int status,
                     const struct iod_view *v)
{
	json_t *page = json_pack("{s:s, s:s}", "title", v->failed ? "Błąd: " TITLE : TITLE, "q",
	                         v->query ? v->query : "");
	const char *marked = NULL; /* the number of the case v->failed is about, listed */
	if (v->query) {
		json_t *found = NULL;
		struct problem p;
		enum outcome o = iod_search(ctx, v->query, &found, &p);
		if (o == OUT_INVALID) {
			web_form_errors(page, &p);
			json_object_set_new(page, "title", json_string("Błąd: " TITLE));
			status = web_outcome_status(o);
		} else if (o != OUT_OK) {
			json_decref(page);
			web_fail(req, &p);
			return;
		} else {
			json_t *cases = json_object_get(found, "cases");
			if (v->case_id)
				marked = mark_case(cases, v);
			json_object_set_new(found, "any", json_boolean(json_array_size(cases) > 0));
			json_object_set_new(found, "by_email",
			                    json_boolean(!strcmp(json_string_value(json_object_get(found, "kind")),
			                                         "email")));
			json_object_set_new(page, "found", found);
		}
	}
	/* A failure at a listed case links to its form; any other (the
	 * export's) stands above the results alone. */
	if (v->failed && marked)
		json_object_set_new(page, "erase_failed",
		                    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)v->case_id, "case_number",
		                              marked, "message", web_problem_text(v->failed)));
	else if (v->failed)
		json_object_set_new(page, "error", json_string(web_problem_text(v->failed)));
	if (v->notice && !v->case_id)
		json_object_set_new(page, "notice", json_string(v->notice));
	web_render(req, status, "panel_iod", page);
}

/* The posted form, or false after answering 400 or 415. */
static bool posted(http_req_t *req, const form_t **f)
{
	struct problem p;
	if (http_form_read(req, f, &p) == OUT_OK)
		return true;
	web_fail(req, &p);
	return false;
}

void web_iod(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	if (ctx)
		iod_page(req, ctx, 200, &(struct iod_view){0});
}

void web_iod_search(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	const form_t *f;
	if (!ctx || !posted(req, &f))
		return;
	iod_page(req, ctx, 200, &(struct iod_view){.query = field(f, "q")});
}

/* The archive: dane.json first, then the files under the paths the
 * service gave them. False (logged) when an entry cannot be added. */
static bool build_zip(http_req_t *req, const struct svc_ctx *ctx, const struct iod_export *e,
                      const char **zip, size_t *len)
{
	zip_t z;
	zip_init(&z, req->arena, ctx->now);
	const char *why = NULL;
	if (!zip_add(&z, "dane.json", e->json, e->json_len, &why)) {
		log_error("iod export: dane.json: %s", why);
		return false;
	}
	for (size_t i = 0; i < e->nfiles; i++)
		if (!zip_add(&z, e->files[i].path, e->files[i].data, e->files[i].len, &why)) {
			/* The path is the case's number and a file's name: no
			 * personal data of the person exported, but not logged. */
			log_error("iod export: file %zu of %zu: %s", i + 1, e->nfiles, why);
			return false;
		}
	if (!zip_finish(&z, zip, len)) {
		log_error("iod export: the archive passes 4 GiB");
		return false;
	}
	return true;
}

void web_iod_export(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	const form_t *f;
	if (!ctx || !posted(req, &f))
		return;
	const char *query = field(f, "q");
	struct iod_export e;
	struct problem p;
	enum outcome o = iod_export(ctx, query, &e, &p);
	if (o == OUT_INVALID || o == OUT_NOT_FOUND || o == OUT_REFUSED) {
		iod_page(req, ctx, web_outcome_status(o),
		         &(struct iod_view){.query = *query ? query : NULL, .failed = &p});
		return;
	}
	if (o != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	const char *zip;
	size_t len;
	if (!build_zip(req, ctx, &e, &zip, &len)) {
		problem_set(&p, OUT_ERROR, NULL, NULL);
		web_fail(req, &p);
		return;
	}
	http_add_header(req, "Content-Disposition", "attachment; filename=\"dane-osobowe.zip\"");
	http_respond(req, 200, "application/zip", zip, len);
}

void web_iod_erase(http_req_t *req)
{
	const struct svc_ctx *ctx = web_staff(req);
	const form_t *f;
	if (!ctx || !posted(req, &f))
		return;
	char *end;
	const char *id = field(f, "sprawa");
	long long request_id = strtoll(id, &end, 10);
	if (!*id || *end)
		request_id = 0;
	struct iod_erasure in = {request_id, field(f, "reason"), *field(f, "force") != '\0'};
	const char *case_number = NULL;
	struct problem p;
	enum outcome o = iod_erase(ctx, &in, &case_number, &p);
	const char *query = field(f, "q");
	struct iod_view v = {.query = *query ? query : NULL, .case_id = request_id,
	                     .reason = in.reason, .force = in.force_retention};
	if (o == OUT_OK) {
		/* Above the results: the case is no longer found by the name or
		 * the address that were erased. */
		v.case_id = 0;
		v.notice = arena_printf(req->arena,
		                        "Dane osobowe wnioskodawcy sprawy %s zostały usunięte.", case_number);
		iod_page(req, ctx, 200, &v);
		return;
	}
	if (o == OUT_UNAVAILABLE || o == OUT_ERROR || o == OUT_DENIED) {
		web_fail(req, &p);
		return;
	}
	/* Refused, a reason missing, or a case not found: said in place. */
	if (o == OUT_NOT_FOUND)
		v.case_id = 0;
	v.failed = &p;
	iod_page(req, ctx, web_outcome_status(o), &v);
}
