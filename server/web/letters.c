/* Letters in the panel: preview, edit and issue a draft, correct or record
 * the delivery of an issued one, download its PDF, and the register of
 * outgoing letters with its CSV export. */
#include <stdlib.h>
#include <string.h>

#include "cases/caseview.h"
#include "cases/clerk.h"
#include "cases/letters.h"
#include "core/clock.h"
#include "db/db.h"
#include "render/csv.h"
#include "render/letter.h"
#include "render/tmpl.h"
#include "web/web.h"

static bool who_of(http_req_t *req, struct clerk *out)
{
	const struct web_user *u = web_user(req);
	if (!u) {
		http_respond_error(req, 403, NULL);
		return false;
	}
	*out = (struct clerk){u->id, u->org_id, u->unit_id, u->role, u->name};
	return true;
}

static long long num_param(http_req_t *req, const char *name)
{
	const char *s = http_param(req, name);
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	return s && !*end && v > 0 && v < 1000000000 ? v : 0;
}

static void fail(http_req_t *req, enum letters_result r)
{
	if (r == LETTERS_UNAVAILABLE)
		http_respond_unavailable(req);
	else
		http_respond_error(req, r == LETTERS_NOT_FOUND ? 404 : 500, NULL);
}

static void page(http_req_t *req, int status, const char *error, const char *markdown)
{
	struct clerk who;
	if (!who_of(req, &who))
		return;
	long long id = num_param(req, "id"), seq = num_param(req, "seq");
	PGconn *c = db_conn();
	json_t *doc = NULL;
	char err[512];
	enum letters_result r = !c ? LETTERS_UNAVAILABLE
	                        : (!id || !seq) ? LETTERS_NOT_FOUND
	                                        : letters_view(c, req->arena, &who, web_letters(), id,
	                                                       (int)seq, clock_now(), &doc, err, sizeof err);
	if (r != LETTERS_OK) {
		fail(req, r);
		return;
	}
	json_t *preview = json_object_get(doc, "preview");
	if (json_is_string(preview))
		json_object_set_new(doc, "preview_html", tmpl_safe(json_string_value(preview)));
	json_object_del(doc, "preview");
	json_object_set_new(doc, "id_case", json_integer(id));
	json_object_set_new(doc, "extra_css", json_string("/panel/pismo.css"));
	json_object_set_new(doc, "title_page", json_string(json_string_value(json_object_get(doc, "title"))));
	json_object_set_new(doc, "title", json_string(arena_printf(req->arena, "%s — pismo — Jawność",
	                                                           json_string_value(json_object_get(doc, "title")))));
	if (error)
		json_object_set_new(doc, "error", json_string(error));
	/* What the clerk typed stays, even when it was refused. */
	if (markdown && json_is_true(json_object_get(doc, "draft")))
		json_object_set_new(doc, "markdown", json_string(markdown));
	else if (markdown && *markdown)
		json_object_set_new(doc, "unsaved", json_string(markdown));
	const char *done = http_query(req, "zapisano");
	if (done && status == 200)
		json_object_set_new(doc, "saved", json_true());
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(clock_now()), today);
	json_object_set_new(doc, "today", json_string(today));
	web_render(req, status, "panel_document", doc);
}

void web_panel_document(http_req_t *req)
{
	page(req, 200, NULL, NULL);
}

static void after(http_req_t *req, enum letters_result r, const char *err, const char *markdown,
                  long long seq_to)
{
	long long id = num_param(req, "id");
	if (r == LETTERS_OK) {
		http_redirect(req, 303, arena_printf(req->arena, "/panel/sprawy/%lld/pisma/%lld?zapisano=1",
		                                     id, seq_to ? seq_to : num_param(req, "seq")));
		return;
	}
	if (r == LETTERS_INVALID || r == LETTERS_ISSUED) {
		page(req, r == LETTERS_INVALID ? 422 : 409, err, markdown);
		return;
	}
	fail(req, r);
}

void web_panel_document_save(http_req_t *req)
{
	struct clerk who;
	if (!who_of(req, &who))
		return;
	const char *md = http_form_get(req, "markdown");
	char err[512] = "";
	PGconn *c = db_conn();
	enum letters_result r = !c ? LETTERS_UNAVAILABLE
	                           : letters_save(c, req->arena, &who, num_param(req, "id"),
	                                          (int)num_param(req, "seq"), md, err, sizeof err);
	after(req, r, err, md, 0);
}

void web_panel_document_issue(http_req_t *req)
{
	struct clerk who;
	if (!who_of(req, &who))
		return;
	const char *md = http_form_get(req, "markdown");
	char err[512] = "";
	PGconn *c = db_conn();
	enum letters_result r = !c ? LETTERS_UNAVAILABLE
	                           : letters_issue(c, req->arena, &who, web_letters(), num_param(req, "id"),
	                                           (int)num_param(req, "seq"), md, clock_now(), err,
	                                           sizeof err);
	after(req, r, err, md, 0);
}

void web_panel_document_correct(http_req_t *req)
{
	struct clerk who;
	if (!who_of(req, &who))
		return;
	char err[512] = "";
	int new_seq = 0;
	PGconn *c = db_conn();
	enum letters_result r = !c ? LETTERS_UNAVAILABLE
	                           : letters_correct(c, req->arena, &who, num_param(req, "id"),
	                                             (int)num_param(req, "seq"), &new_seq, err, sizeof err);
	after(req, r, err, NULL, new_seq);
}

void web_panel_document_delivered(http_req_t *req)
{
	struct clerk who;
	if (!who_of(req, &who))
		return;
	char err[512] = "";
	PGconn *c = db_conn();
	enum letters_result r = !c ? LETTERS_UNAVAILABLE
	                           : letters_delivered(c, req->arena, &who, num_param(req, "id"),
	                                               (int)num_param(req, "seq"),
	                                               http_form_get(req, "delivered_on"), clock_now(),
	                                               err, sizeof err);
	after(req, r, err, NULL, 0);
}

void web_panel_document_pdf(http_req_t *req)
{
	struct clerk who;
	if (!who_of(req, &who))
		return;
	const char *pdf = NULL;
	size_t len = 0;
	PGconn *c = db_conn();
	enum letters_result r = !c ? LETTERS_UNAVAILABLE
	                           : letters_pdf(c, req->arena, &who, num_param(req, "id"),
	                                         (int)num_param(req, "seq"), &pdf, &len);
	if (r != LETTERS_OK) {
		fail(req, r);
		return;
	}
	http_add_header(req, "Content-Disposition",
	                arena_printf(req->arena, "inline; filename=\"pismo-%lld-%lld.pdf\"",
	                             num_param(req, "id"), num_param(req, "seq")));
	http_respond(req, 200, "application/pdf", pdf, len);
}

void web_letter_css(http_req_t *req)
{
	http_add_header(req, "Cache-Control", "private, max-age=3600");
	http_respond(req, 200, "text/css; charset=utf-8", letter_css, strlen(letter_css));
}

/* Filters of the register, checked: dates and a known type, else ignored. */
static void outgoing_filters(http_req_t *req, const char **from, const char **to, const char **type)
{
	law_date_t d;
	*from = http_query(req, "od");
	*to = http_query(req, "do");
	*type = http_query(req, "rodzaj");
	if (*from && !law_date_parse(*from, &d))
		*from = NULL;
	if (*to && !law_date_parse(*to, &d))
		*to = NULL;
	if (*type && !letter_title(*type))
		*type = NULL;
}

static bool outgoing(http_req_t *req, json_t **out)
{
	struct clerk who;
	if (!who_of(req, &who))
		return false;
	const char *from, *to, *type;
	outgoing_filters(req, &from, &to, &type);
	PGconn *c = db_conn();
	enum letters_result r = c ? letters_outgoing(c, req->arena, &who, from, to, type, out)
	                          : LETTERS_UNAVAILABLE;
	if (r != LETTERS_OK) {
		fail(req, r);
		return false;
	}
	return true;
}

void web_panel_outgoing(http_req_t *req)
{
	json_t *doc;
	if (!outgoing(req, &doc))
		return;
	const char *from, *to, *type;
	outgoing_filters(req, &from, &to, &type);
	json_t *types = json_array();
	for (size_t i = 0; i < letter_type_count; i++)
		json_array_append_new(types, json_pack("{s:s, s:s, s:b}", "id", letter_types[i].id, "label",
		                                       letter_types[i].title,
		                                       "selected", type && !strcmp(type, letter_types[i].id)));
	json_object_set_new(doc, "types", types);
	json_object_set_new(doc, "from", json_string(from ? from : ""));
	json_object_set_new(doc, "to", json_string(to ? to : ""));
	json_object_set_new(doc, "csv_url",
	                    json_string(arena_printf(req->arena, "/panel/pisma.csv?od=%s&do=%s&rodzaj=%s",
	                                             from ? from : "", to ? to : "", type ? type : "")));
	json_object_set_new(doc, "empty", json_boolean(!json_array_size(json_object_get(doc, "items"))));
	json_object_set_new(doc, "title", json_string("Rejestr pism wychodzących — Jawność"));
	web_render(req, 200, "panel_outgoing", doc);
}

void web_panel_outgoing_csv(http_req_t *req)
{
	json_t *doc;
	if (!outgoing(req, &doc))
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
