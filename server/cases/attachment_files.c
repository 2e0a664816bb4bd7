/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/attachment_files.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/letters.h"
#include "cases/scope.h"
#include "cases/secret.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/sniff.h"
#include "core/utf8.h"
#include "db/changes.h"
#include "render/letter.h"
#include "render/preview.h"
#include "render/redact.h"

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

static enum outcome not_found(struct problem *p)
{
	return problem_set(p, OUT_NOT_FOUND, "Nie ma takiego załącznika w tej sprawie.", NULL);
}

/* What a download is served as: a type of our table, else bytes. A type a
 * message or a browser declared is never trusted (text/html, image/svg+xml). */
static const char *safe_type(const char *declared)
{
	const struct sniff_type *t = sniff_type_by_mime(declared);
	return t ? t->mime : "application/octet-stream";
}

static const char *type_label(const char *declared)
{
	const struct sniff_type *t = sniff_type_by_mime(declared);
	return t ? t->label : "plik";
}

const char *attach_source_label(const char *source)
{
	if (!strcmp(source, "requester"))
		return "od wnioskodawcy (formularz)";
	if (!strcmp(source, "mail"))
		return "z wiadomości e-mail";
	return "dodany przez urzędnika";
}

/* ---- A case's attachment for its staff ----------------------------------------------- */

struct att_row {
	long long id, request_id, size;
	const char *case_number, *filename, *content_type, *source, *sha256, *created_at;
	int document_seq; /* 0: not a letter's */
	bool document_issued;
	const char *data;
	size_t len;
};

struct get_tx {
	arena_t *a;
	const struct actor *who;
	long long request_id, id;
	bool with_data;
	bool found;
	struct att_row row;
};

static enum db_status get_tx(PGconn *c, void *vx)
{
	struct get_tx *x = vx;
	arena_t *a = x->a;
	const char *p[5] = {ids(a, x->id), ids(a, x->request_id), ids(a, x->who->org_id),
	                    ids(a, scope_unit(x->who)), x->with_data ? "t" : "f"};
	/* Binary results: text columns come as their text, the bytea as its bytes. */
	PGresult *r = PQexecParams(
	    c,
	    "SELECT r.case_number, a.filename, a.content_type, a.source, a.size::text, "
	    "encode(a.sha256, 'hex'), to_char(a.created_at AT TIME ZONE 'Europe/Warsaw', "
	    "'YYYY-MM-DD HH24:MI'), coalesce(d.seq, 0)::text, (d.status = 'issued')::text, "
	    "CASE WHEN $5::boolean THEN a.data END "
	    "FROM attachments a JOIN requests r ON r.id = a.request_id "
	    "LEFT JOIN documents d ON d.id = a.document_id "
	    "WHERE a.id = $1 AND a.request_id = $2 AND r.org_id = $3 AND "
	    SCOPE_CASES("r", "$3", "$4"),
	    5, NULL, p, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	x->found = st == DB_OK && PQntuples(r) == 1;
	if (x->found) {
		struct att_row *w = &x->row;
		w->id = x->id;
		w->request_id = x->request_id;
		w->case_number = arena_strdup(a, PQgetvalue(r, 0, 0));
		w->filename = arena_strdup(a, PQgetvalue(r, 0, 1));
		w->content_type = arena_strdup(a, PQgetvalue(r, 0, 2));
		w->source = arena_strdup(a, PQgetvalue(r, 0, 3));
		w->size = atoll(PQgetvalue(r, 0, 4));
		w->sha256 = arena_strdup(a, PQgetvalue(r, 0, 5));
		w->created_at = arena_strdup(a, PQgetvalue(r, 0, 6));
		w->document_seq = atoi(PQgetvalue(r, 0, 7));
		w->document_issued = !strcmp(PQgetvalue(r, 0, 8), "true");
		if (!PQgetisnull(r, 0, 9))
			w->data = db_value_copy(a, r, 0, 9, &w->len);
	}
	PQclear(r);
	return st;
}

static enum outcome get(const struct svc_ctx *ctx, long long request_id, long long id,
                        bool with_data, struct att_row *out, struct problem *p)
{
	if (!ctx->who)
		return problem_set(p, OUT_DENIED, NULL, NULL);
	if (request_id <= 0 || id <= 0)
		return not_found(p);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct get_tx x = {.a = ctx->arena,
	                   .who = ctx->who,
	                   .request_id = request_id,
	                   .id = id,
	                   .with_data = with_data};
	enum db_status st = db_read_transaction(c, get_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!x.found)
		return not_found(p);
	*out = x.row;
	return OUT_OK;
}

enum outcome attach_file_get(const struct svc_ctx *ctx, long long request_id, long long id,
                             struct attach_file *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	struct att_row w;
	enum outcome o = get(ctx, request_id, id, true, &w, p);
	if (o != OUT_OK)
		return o;
	*out = (struct attach_file){w.filename, safe_type(w.content_type), w.data ? w.data : "",
	                            w.len};
	return OUT_OK;
}

enum outcome attach_file_view(const struct svc_ctx *ctx, long long request_id, long long id,
                              json_t **out, struct problem *p)
{
	*out = NULL;
	struct att_row w;
	enum outcome o = get(ctx, request_id, id, true, &w, p);
	if (o != OUT_OK)
		return o;
	arena_t *a = ctx->arena;
	char err[300] = "";
	int n = w.len ? preview_count((const unsigned char *)w.data, w.len, err, sizeof err) : 0;
	if (!w.len)
		snprintf(err, sizeof err, "Plik jest pusty albo został usunięty.");
	json_t *pages = json_array();
	for (int i = 1; i <= n && i <= ATTACH_PREVIEW_PAGES; i++)
		json_array_append_new(
		    pages, json_pack("{s:i, s:s, s:s}", "n", i, "src",
		                     arena_printf(a, "/panel/sprawy/%lld/zalaczniki/%lld/podglad/%d",
		                                  request_id, id, i),
		                     "alt",
		                     n > 1 ? arena_printf(a, "Podgląd pliku %s, strona %d z %d",
		                                          w.filename, i, n)
		                           : arena_printf(a, "Podgląd pliku %s", w.filename)));
	json_t *att = json_pack(
	    "{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:b}", "id", (json_int_t)id, "filename",
	    w.filename, "size", (json_int_t)w.size, "size_text", attachlist_size(a, w.size),
	    "source_label", attach_source_label(w.source), "type_label", type_label(w.content_type),
	    "sha256", w.sha256, "created_at", w.created_at, "document_seq", w.document_seq,
	    "document_issued", w.document_issued);
	json_object_set_new(att, "letter",
	                    json_string(w.document_seq
	                                    ? arena_printf(a, "załącznik pisma nr %d%s", w.document_seq,
	                                                   w.document_issued ? " (wystawionego)"
	                                                                     : " (projekt)")
	                                    : ""));
	*out = json_pack("{s:I, s:s, s:o, s:o, s:i, s:b, s:b}", "id_case", (json_int_t)request_id,
	                 "case_number", w.case_number, "attachment", att, "pages", pages, "npages", n,
	                 "has_preview", n > 0, "more_pages", n > ATTACH_PREVIEW_PAGES);
	if (n <= 0)
		json_object_set_new(*out, "no_preview", json_string(err));
	return OUT_OK;
}

enum outcome attach_file_preview(const struct svc_ctx *ctx, long long request_id, long long id,
                                 int n, const char **png, size_t *len, struct problem *p)
{
	*png = NULL;
	*len = 0;
	if (n < 1 || n > REDACT_MAX_PAGES)
		return not_found(p);
	struct att_row w;
	enum outcome o = get(ctx, request_id, id, true, &w, p);
	if (o != OUT_OK)
		return o;
	char err[300] = "";
	int count = w.len ? preview_count((const unsigned char *)w.data, w.len, err, sizeof err) : 0;
	if (count <= 0)
		return problem_set(p, OUT_INVALID,
		                   arena_printf(ctx->arena, "Podgląd niedostępny: %s", err), NULL);
	if (n > count)
		return problem_set(p, OUT_NOT_FOUND, "Podgląd nie ma strony o takim numerze.", NULL);
	unsigned char *img = NULL;
	size_t imglen = 0;
	if (!preview_png((const unsigned char *)w.data, w.len, n, &img, &imglen, err, sizeof err))
		return problem_set(p, OUT_INVALID,
		                   arena_printf(ctx->arena, "Podgląd niedostępny: %s", err), NULL);
	char *copy = arena_alloc(ctx->arena, imglen ? imglen : 1);
	memcpy(copy, img, imglen);
	free(img);
	*png = copy;
	*len = imglen;
	return OUT_OK;
}

/* ---- A letter's attachments -------------------------------------------------------- */

enum db_status attach_letter_items(PGconn *c, arena_t *a, long long document_id,
                                   struct attachlist_item **items, size_t *n, json_t **json,
                                   long long *total)
{
	const char *p[1] = {ids(a, document_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT id, filename, content_type, size FROM attachments "
	                      "WHERE document_id = $1 ORDER BY id",
	                      1, p);
	int rows = st == DB_OK ? PQntuples(r) : 0;
	*items = arena_calloc(a, rows ? (size_t)rows : 1, sizeof **items);
	*n = (size_t)rows;
	if (json)
		*json = json_array();
	long long sum = 0;
	for (int i = 0; i < rows; i++) {
		struct attachlist_item *it = &(*items)[i];
		it->filename = arena_strdup(a, PQgetvalue(r, i, 1));
		it->label = type_label(PQgetvalue(r, i, 2));
		it->size = atoll(PQgetvalue(r, i, 3));
		sum += it->size;
		if (json)
			json_array_append_new(
			    *json, json_pack("{s:I, s:s, s:I, s:s, s:s}", "id",
			                     (json_int_t)atoll(PQgetvalue(r, i, 0)), "filename",
			                     it->filename, "size", (json_int_t)it->size, "size_text",
			                     attachlist_size(a, it->size), "type_label", it->label));
	}
	PQclear(r);
	if (total)
		*total = sum;
	return st;
}

enum db_status attach_letter_copy(PGconn *c, long long from, long long to)
{
	char f[24], t[24];
	snprintf(f, sizeof f, "%lld", from);
	snprintf(t, sizeof t, "%lld", to);
	const char *p[2] = {f, t};
	return db_run(c,
	              "INSERT INTO attachments (org_id, request_id, document_id, filename, "
	              "content_type, size, sha256, data, source) "
	              "SELECT org_id, request_id, $2, filename, content_type, size, sha256, data, "
	              "source FROM attachments WHERE document_id = $1 AND size > 0 ORDER BY id",
	              2, p);
}

/* "C:\fakepath\dane.xlsx" → "dane.xlsx": the last part of a path, which
 * must be a file name we can show and send. NULL when it cannot. */
static const char *clean_name(arena_t *a, const char *name, const char **why)
{
	const char *base = name;
	for (const char *s = name; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	size_t n = strlen(base);
	if (!n) {
		*why = "Plik nie ma nazwy.";
		return NULL;
	}
	if (n > 200) {
		*why = "Nazwa pliku jest za długa (najwyżej 200 bajtów): skróć ją.";
		return NULL;
	}
	if (!utf8_valid(base, n)) {
		*why = "Nazwa pliku nie jest poprawnym tekstem UTF-8.";
		return NULL;
	}
	for (const char *s = base; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			*why = "Nazwa pliku zawiera niedozwolone znaki sterujące.";
			return NULL;
		}
	return arena_strdup(a, base);
}

static const char *mb(arena_t *a, size_t bytes)
{
	return attachlist_size(a, (long long)bytes);
}

struct letter_tx {
	arena_t *a;
	const struct actor *who;
	long long request_id;
	int seq;
	/* adding */
	const struct attach_upload *files;
	const struct sniff_type **types;
	const unsigned char (*sha)[32];
	size_t n;
	const struct attach_limits *lim;
	/* taking off */
	long long detach_id;
	const char *markdown;
	struct problem *p;
	enum outcome result;
};

/* The draft, locked; 0 when there is none (x->result says why). */
static enum db_status lock_draft(PGconn *c, struct letter_tx *x, long long *doc_id,
                                 const char **stored_md)
{
	arena_t *a = x->a;
	*doc_id = 0;
	const char *p[4] = {ids(a, x->request_id), ids(a, x->seq), ids(a, x->who->org_id),
	                    ids(a, scope_unit(x->who))};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT d.id, d.status, d.markdown FROM documents d "
	                      "WHERE d.request_id = $1 AND d.seq = $2 AND d.org_id = $3 AND "
	                      SCOPE_CASE_OF("d.request_id", "$3", "$4") " FOR UPDATE OF d",
	                      4, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		if (!strcmp(PQgetvalue(r, 0, 1), "draft")) {
			*doc_id = atoll(PQgetvalue(r, 0, 0));
			*stored_md = arena_strdup(a, PQgetvalue(r, 0, 2));
		} else {
			x->result = problem_set(x->p, OUT_CONFLICT,
			                        "Pismo zostało już wystawione: jego załączników nie można "
			                        "zmienić. Aby to zrobić, przygotuj korektę.",
			                        "issued");
		}
	} else if (st == DB_OK) {
		x->result = problem_set(x->p, OUT_NOT_FOUND, NULL, NULL);
	}
	PQclear(r);
	return st;
}

/* The letter's Markdown with its enclosures listed as they are now. */
static enum db_status relist(PGconn *c, struct letter_tx *x, long long doc_id,
                             const char *stored_md)
{
	struct attachlist_item *items;
	size_t n;
	enum db_status st = attach_letter_items(c, x->a, doc_id, &items, &n, NULL, NULL);
	if (st != DB_OK)
		return st;
	const char *base = x->markdown && *x->markdown ? x->markdown : stored_md;
	const char *md = attachlist_apply(x->a, base, items, n, LETTERS_TODO);
	const char *p[2] = {ids(x->a, doc_id), md};
	return db_run(c, "UPDATE documents SET markdown = $2 WHERE id = $1", 2, p);
}

static enum db_status event(PGconn *c, struct letter_tx *x, const char *action, long long id,
                            long long size, const unsigned char *sha)
{
	char hex[65] = "";
	if (sha)
		sodium_bin2hex(hex, sizeof hex, sha, 32);
	/* By id, size and digest: a file name may name a person. */
	json_t *data = json_pack("{s:s, s:s, s:s, s:s}", "seq", ids(x->a, x->seq), "attachment_id",
	                         ids(x->a, id), "size", ids(x->a, size), "sha256", hex);
	if (!sha)
		json_object_del(data, "sha256");
	enum db_status st = store_event(c, x->who->org_id, x->request_id, x->who->role,
	                                x->who->user_id, action, NULL, NULL, data);
	json_decref(data);
	return st;
}

static enum db_status add_tx(PGconn *c, void *vx)
{
	struct letter_tx *x = vx;
	arena_t *a = x->a;
	x->result = OUT_OK;
	long long doc_id;
	const char *stored_md = "";
	enum db_status st = lock_draft(c, x, &doc_id, &stored_md);
	if (st != DB_OK || !doc_id)
		return st;
	struct attachlist_item *items;
	size_t have;
	long long total;
	if ((st = attach_letter_items(c, a, doc_id, &items, &have, NULL, &total)) != DB_OK)
		return st;
	size_t adding = 0;
	for (size_t i = 0; i < x->n; i++)
		adding += x->files[i].len;
	if (have + x->n > ATTACH_OUT_MAX_FILES) {
		x->result = problem_fieldf(x->p, a, "zalacznik",
		                           "Do jednego pisma można załączyć najwyżej %d plików.",
		                           ATTACH_OUT_MAX_FILES);
		return DB_OK;
	}
	if ((size_t)total + adding > x->lim->total_max) {
		x->result = problem_fieldf(
		    x->p, a, "zalacznik",
		    "Załączniki jednego pisma mogą mieć razem najwyżej %s; już załączono %s, a "
		    "dodawane pliki mają %s. Wyślij większe dane w częściach albo w innej formie.",
		    mb(a, x->lim->total_max), mb(a, (size_t)total), mb(a, adding));
		return DB_OK;
	}
	for (size_t i = 0; i < x->n && st == DB_OK; i++) {
		const struct attach_upload *f = &x->files[i];
		const char *p[7] = {ids(a, doc_id), f->filename, x->types[i]->mime,
		                    ids(a, (long long)f->len), (const char *)x->sha[i], f->data, NULL};
		int lens[6] = {0, 0, 0, 0, 32, (int)f->len};
		int fmts[6] = {0, 0, 0, 0, 1, 1};
		PGresult *r = db_exec_binary(
		    c, &st,
		    "INSERT INTO attachments (org_id, request_id, document_id, filename, content_type, "
		    "size, sha256, data, source) SELECT d.org_id, d.request_id, d.id, $2, $3, $4::int, "
		    "$5, $6, 'clerk' FROM documents d WHERE d.id = $1 RETURNING id",
		    6, p, lens, fmts);
		long long id = st == DB_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
		PQclear(r);
		if (st == DB_OK)
			st = event(c, x, "document_attach", id, (long long)f->len, x->sha[i]);
	}
	if (st == DB_OK)
		st = relist(c, x, doc_id, stored_md);
	return st;
}

static enum db_status detach_tx(PGconn *c, void *vx)
{
	struct letter_tx *x = vx;
	arena_t *a = x->a;
	x->result = OUT_OK;
	long long doc_id;
	const char *stored_md = "";
	enum db_status st = lock_draft(c, x, &doc_id, &stored_md);
	if (st != DB_OK || !doc_id)
		return st;
	const char *p[2] = {ids(a, x->detach_id), ids(a, doc_id)};
	PGresult *r = db_exec(c, &st,
	                      "SELECT size, EXISTS (SELECT 1 FROM attachment_public_copies c "
	                      "WHERE c.attachment_id = a.id) FROM attachments a "
	                      "WHERE a.id = $1 AND a.document_id = $2",
	                      2, p);
	bool found = st == DB_OK && PQntuples(r) == 1;
	bool copied = found && PQgetvalue(r, 0, 1)[0] == 't';
	long long size = found ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	if (st != DB_OK)
		return st;
	if (!found) {
		x->result = problem_set(x->p, OUT_NOT_FOUND, "Tego pliku nie ma wśród załączników pisma.",
		                        NULL);
		return DB_OK;
	}
	if (copied) {
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "Z tego pliku sporządzono kopię publiczną, więc zostaje w "
		                        "aktach sprawy.",
		                        "public_copy");
		return DB_OK;
	}
	st = db_run(c, "DELETE FROM attachments WHERE id = $1 AND document_id = $2", 2, p);
	if (st == DB_OK)
		st = event(c, x, "document_detach", x->detach_id, size, NULL);
	if (st == DB_OK)
		st = relist(c, x, doc_id, stored_md);
	return st;
}

static enum outcome run_letter_tx(const struct svc_ctx *ctx, db_tx_fn fn, struct letter_tx *x)
{
	PGconn *c = svc_conn(x->p);
	if (!c)
		return OUT_UNAVAILABLE;
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, fn, x);
	if (st != DB_OK)
		return svc_outcome(st, x->p);
	return x->result;
}

enum outcome attach_to_letter(const struct svc_ctx *ctx, long long request_id, int seq,
                              const struct attach_upload *files, size_t n,
                              const char *markdown, const struct attach_limits *lim,
                              struct problem *p)
{
	if (!ctx->who)
		return problem_set(p, OUT_DENIED, NULL, NULL);
	if (request_id <= 0 || seq <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	problem_set(p, OUT_OK, NULL, NULL);
	arena_t *a = ctx->arena;
	const char *bad = markdown && *markdown ? letters_markdown_problem(markdown) : NULL;
	if (bad)
		return problem_field(p, "markdown", bad);
	if (!n)
		return problem_field(p, "zalacznik", "Wybierz plik do załączenia.");
	if (n > ATTACH_OUT_MAX_FILES)
		return problem_fieldf(p, a, "zalacznik",
		                      "Do jednego pisma można załączyć najwyżej %d plików.",
		                      ATTACH_OUT_MAX_FILES);
	struct attach_upload *clean = arena_calloc(a, n, sizeof *clean);
	const struct sniff_type **types = arena_calloc(a, n, sizeof *types);
	unsigned char(*sha)[32] = arena_calloc(a, n, sizeof *sha);
	for (size_t i = 0; i < n; i++) {
		const char *why = NULL;
		const char *name = clean_name(a, files[i].filename ? files[i].filename : "", &why);
		const char *shown = name ? name : "plik";
		if (name && files[i].len > lim->file_max)
			return problem_fieldf(p, a, "zalacznik",
			                      "„%s”: plik ma %s, a jeden załącznik może mieć najwyżej %s.",
			                      shown, mb(a, files[i].len), mb(a, lim->file_max));
		if (name && files[i].len > INT32_MAX)
			return problem_field(p, "zalacznik", "Plik jest zbyt duży.");
		if (!name || !sniff_outgoing(name, files[i].data, files[i].len, &types[i], &why))
			return problem_fieldf(p, a, "zalacznik", "„%s”: %s", shown, why);
		clean[i] = (struct attach_upload){name, files[i].data, files[i].len};
		crypto_hash_sha256(sha[i], (const unsigned char *)files[i].data, files[i].len);
	}
	struct letter_tx x = {.a = a,
	                      .who = ctx->who,
	                      .request_id = request_id,
	                      .seq = seq,
	                      .files = clean,
	                      .types = types,
	                      .sha = (const unsigned char(*)[32])sha,
	                      .n = n,
	                      .lim = lim,
	                      .markdown = markdown,
	                      .p = p};
	return run_letter_tx(ctx, add_tx, &x);
}

enum outcome attach_from_letter(const struct svc_ctx *ctx, long long request_id, int seq,
                                long long id, const char *markdown, struct problem *p)
{
	if (!ctx->who)
		return problem_set(p, OUT_DENIED, NULL, NULL);
	if (request_id <= 0 || seq <= 0 || id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	problem_set(p, OUT_OK, NULL, NULL);
	const char *bad = markdown && *markdown ? letters_markdown_problem(markdown) : NULL;
	if (bad)
		return problem_field(p, "markdown", bad);
	struct letter_tx x = {.a = ctx->arena,
	                      .who = ctx->who,
	                      .request_id = request_id,
	                      .seq = seq,
	                      .detach_id = id,
	                      .markdown = markdown,
	                      .p = p};
	return run_letter_tx(ctx, detach_tx, &x);
}

/* ---- For the requester ------------------------------------------------------------------ */

enum outcome attach_for_requester(const struct svc_ctx *ctx, const char *token, int seq,
                                  long long id, struct attach_file *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	if (!token_well_formed(token) || seq <= 0 || id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	unsigned char h[32];
	token_hash(token, h);
	arena_t *a = ctx->arena;
	const char *v[3] = {(const char *)h, ids(a, seq), ids(a, id)};
	int lens[3] = {32, 0, 0}, fmts[3] = {1, 0, 0};
	/* Only what was issued, and never an erased file. */
	PGresult *r = PQexecParams(c,
	                           "SELECT a.filename, a.content_type, d.type, a.data "
	                           "FROM attachments a JOIN documents d ON d.id = a.document_id "
	                           "JOIN requests q ON q.id = d.request_id "
	                           "WHERE q.tracking_hash = $1 AND d.seq = $2 AND a.id = $3 "
	                           "AND d.status = 'issued' AND a.size > 0 AND q.erased_at IS NULL",
	                           3, NULL, v, lens, fmts, 1);
	enum db_status st = db_status_of(c, r);
	enum outcome o = st != DB_OK ? svc_outcome(st, p) : OUT_OK;
	if (o == OUT_OK && PQntuples(r) == 1) {
		/* A letter to the appeal body or the court is not the requester's. */
		const letter_type_t *lt = letter_type(PQgetvalue(r, 0, 2));
		if (lt && lt->addressee == LAW_TO_REQUESTER) {
			out->filename = arena_strdup(a, PQgetvalue(r, 0, 0));
			out->content_type = safe_type(PQgetvalue(r, 0, 1));
			out->data = db_value_copy(a, r, 0, 3, &out->len);
		}
	}
	PQclear(r);
	if (o == OUT_OK && !out->data)
		o = problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	return o;
}
