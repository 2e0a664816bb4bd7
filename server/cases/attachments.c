/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/attachments.h"

#include <ctype.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cases/scope.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "db/changes.h"
#include "db/db.h"
#include "law/personal.h"
#include "render/redact.h"

#define ERRLEN 300

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

static enum outcome not_found(struct problem *p)
{
	return problem_set(p, OUT_NOT_FOUND, "Nie ma takiego załącznika w tej sprawie.", NULL);
}

/* A statement whose result comes in binary (a bytea column as its bytes;
 * text columns are their text either way). */
static PGresult *exec_bin(PGconn *c, enum db_status *st, const char *sql, int n,
                          const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 1);
	*st = db_status_of(c, r);
	return r;
}

static const unsigned char *copy_bytes(arena_t *a, const PGresult *r, int row, int col,
                                       size_t *len)
{
	return (const unsigned char *)db_value_copy(a, r, row, col, len);
}

/* ---- Loading ----------------------------------------------------------------- */

/* An attachment of a case the member may see, with its bytes and the
 * case's requester (the known person of the detector). */
struct att {
	long long request_id, id, size;
	const char *case_number, *filename, *source, *content_type;
	const unsigned char *pdf;
	size_t len;
	unsigned char sha[32];
	law_person_t person;
	json_t *copies;
};

#define ATTACHMENT_SELECT                                                                          \
	"SELECT r.case_number, a.filename, a.source, a.content_type, a.size::text, a.data, "        \
	"a.sha256, coalesce(q.name, ''), coalesce(q.email, ''), coalesce(q.phone, ''), "            \
	"coalesce(q.postal_address, '') "                                                          \
	"FROM attachments a JOIN requests r ON r.id = a.request_id "                               \
	"LEFT JOIN requesters q ON q.request_id = r.id "                                           \
	"WHERE a.id = $1 AND a.request_id = $2 AND r.org_id = $3 AND " SCOPE_CASES("r", "$3", "$4")

static enum db_status load_attachment(PGconn *c, arena_t *a, const struct actor *who,
                                      long long request_id, long long id, struct att *out,
                                      bool *found)
{
	const char *p[4] = {ids(a, id), ids(a, request_id), ids(a, who->org_id),
	                    ids(a, scope_unit(who))};
	enum db_status st;
	PGresult *r = exec_bin(c, &st, ATTACHMENT_SELECT, 4, p);
	*found = st == DB_OK && PQntuples(r) == 1 && PQgetlength(r, 0, 6) == 32;
	if (*found) {
		memset(out, 0, sizeof *out);
		out->request_id = request_id;
		out->id = id;
		out->case_number = arena_strdup(a, PQgetvalue(r, 0, 0));
		out->filename = arena_strdup(a, PQgetvalue(r, 0, 1));
		out->source = arena_strdup(a, PQgetvalue(r, 0, 2));
		out->content_type = arena_strdup(a, PQgetvalue(r, 0, 3));
		out->size = atoll(PQgetvalue(r, 0, 4));
		out->pdf = copy_bytes(a, r, 0, 5, &out->len);
		memcpy(out->sha, PQgetvalue(r, 0, 6), 32);
		out->person = (law_person_t){arena_strdup(a, PQgetvalue(r, 0, 7)),
		                             arena_strdup(a, PQgetvalue(r, 0, 8)),
		                             arena_strdup(a, PQgetvalue(r, 0, 9)),
		                             arena_strdup(a, PQgetvalue(r, 0, 10))};
	}
	PQclear(r);
	return st;
}

static bool is_pdf(const struct att *at)
{
	return !strcmp(at->content_type, "application/pdf");
}

/* The public copies made of the attachment, newest first. */
static enum db_status load_copies(PGconn *c, arena_t *a, struct att *at)
{
	const char *p[1] = {ids(a, at->id)};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT c.id, to_char(c.made_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "
	    "u.name, encode(c.sha256, 'hex'), c.pages "
	    "FROM attachment_public_copies c JOIN users u ON u.id = c.made_by "
	    "WHERE c.attachment_id = $1 ORDER BY c.id DESC",
	    1, p);
	at->copies = json_array();
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++)
		json_array_append_new(at->copies,
		                      json_pack("{s:I, s:s, s:s, s:s, s:i, s:b}", "id",
		                                (json_int_t)atoll(PQgetvalue(r, i, 0)), "made_at",
		                                PQgetvalue(r, i, 1), "made_by", PQgetvalue(r, i, 2),
		                                "sha256", PQgetvalue(r, i, 3), "pages",
		                                atoi(PQgetvalue(r, i, 4)), "newest", i == 0));
	PQclear(r);
	return st;
}

struct load_tx {
	arena_t *a;
	const struct actor *who;
	long long request_id, id;
	bool with_copies;
	struct att at;
	bool found;
};

static enum db_status load_tx(PGconn *c, void *vx)
{
	struct load_tx *x = vx;
	json_decref(x->at.copies);
	x->at.copies = NULL;
	enum db_status st = load_attachment(c, x->a, x->who, x->request_id, x->id, &x->at, &x->found);
	if (st == DB_OK && x->found && x->with_copies)
		st = load_copies(c, x->a, &x->at);
	return st;
}

/* The attachment (and its copies); OUT_NOT_FOUND also when it is not a PDF. */
static enum outcome load(const struct svc_ctx *ctx, long long request_id, long long id,
                         bool with_copies, struct att *out, struct problem *p)
{
	if (!ctx->who)
		return problem_set(p, OUT_DENIED, NULL, NULL);
	if (request_id <= 0 || id <= 0)
		return not_found(p);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct load_tx x = {.a = ctx->arena,
	                    .who = ctx->who,
	                    .request_id = request_id,
	                    .id = id,
	                    .with_copies = with_copies};
	enum db_status st = db_read_transaction(c, load_tx, &x);
	if (st != DB_OK) {
		json_decref(x.at.copies);
		return svc_outcome(st, p);
	}
	if (!x.found || !is_pdf(&x.at)) {
		json_decref(x.at.copies);
		return not_found(p);
	}
	*out = x.at;
	return OUT_OK;
}

/* ---- A clerk's PDF ---------------------------------------------------------------- */

static bool ends_with_pdf(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	return n > 4 && !strcasecmp(name + n - 4, ".pdf");
}

struct add_tx {
	arena_t *a;
	const struct actor *who;
	long long request_id;
	const char *filename, *data;
	size_t len;
	unsigned char sha[32];
	long long id;
};

static enum db_status add_tx(PGconn *c, void *vx)
{
	struct add_tx *x = vx;
	arena_t *a = x->a;
	x->id = 0;
	const char *p[8] = {ids(a, x->request_id), ids(a, x->who->org_id),
	                    ids(a, scope_unit(x->who)), x->filename,
	                    ids(a, (long long)x->len), (const char *)x->sha,
	                    x->data, NULL};
	int lens[7] = {0, 0, 0, 0, 0, 32, (int)x->len};
	int fmts[7] = {0, 0, 0, 0, 0, 1, 1};
	enum db_status st;
	PGresult *r = db_exec_binary(
	    c, &st,
	    "INSERT INTO attachments (org_id, request_id, filename, content_type, size, sha256, "
	    "data, source) "
	    "SELECT r.org_id, r.id, $4, 'application/pdf', $5::int, $6, $7, 'clerk' "
	    "FROM requests r WHERE r.id = $1 AND r.org_id = $2 AND " SCOPE_CASES("r", "$2", "$3")
	    " RETURNING id",
	    7, p, lens, fmts);
	if (st == DB_OK && PQntuples(r) == 1)
		x->id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (st != DB_OK || !x->id)
		return st;
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, x->sha, 32);
	/* The audit trail names the file by its id and digest: its name may
	 * name a person. */
	json_t *data = json_pack("{s:s, s:s, s:s}", "attachment_id", ids(a, x->id), "size",
	                         ids(a, (long long)x->len), "sha256", hex);
	st = store_event(c, x->who->org_id, x->request_id, x->who->role, x->who->user_id,
	                 "attachment_add", NULL, NULL, data);
	json_decref(data);
	return st;
}

enum outcome attach_add(const struct svc_ctx *ctx, long long request_id, const char *filename,
                        const char *data, size_t len, size_t max_bytes, long long *id,
                        struct problem *p)
{
	*id = 0;
	if (!ctx->who)
		return problem_set(p, OUT_DENIED, NULL, NULL);
	if (request_id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	problem_set(p, OUT_OK, NULL, NULL);
	char err[ERRLEN] = "";
	if (!filename || !data)
		return problem_field(p, "plik", "Wybierz plik PDF do dodania.");
	if (!ends_with_pdf(filename) || len < 5 || memcmp(data, "%PDF-", 5) != 0)
		return problem_field(p, "plik", "Do sprawy można tu dodać tylko plik PDF.");
	if (len > max_bytes || len > INT32_MAX)
		return problem_fieldf(p, ctx->arena, "plik",
		                      "Plik jest zbyt duży: może mieć najwyżej %zu MB.",
		                      max_bytes / (1024 * 1024));
	if (redact_page_count((const unsigned char *)data, len, err, sizeof err) < 0)
		return problem_fieldf(p, ctx->arena, "plik", "Nie można odczytać tego pliku PDF: %s",
		                      err);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct add_tx x = {.a = ctx->arena,
	                   .who = ctx->who,
	                   .request_id = request_id,
	                   .filename = filename,
	                   .data = data,
	                   .len = len};
	crypto_hash_sha256(x.sha, (const unsigned char *)data, len);
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, add_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!x.id)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	*id = x.id;
	return OUT_OK;
}

/* ---- Page images ---------------------------------------------------------------- */

struct copy_tx {
	arena_t *a;
	const struct actor *who;
	long long request_id, id, copy_id;
	const unsigned char *pdf;
	size_t len;
	bool found;
};

static enum db_status copy_tx(PGconn *c, void *vx)
{
	struct copy_tx *x = vx;
	arena_t *a = x->a;
	const char *p[5] = {ids(a, x->copy_id), ids(a, x->id), ids(a, x->request_id),
	                    ids(a, x->who->org_id), ids(a, scope_unit(x->who))};
	enum db_status st;
	PGresult *r = exec_bin(
	    c, &st,
	    "SELECT c.pdf FROM attachment_public_copies c "
	    "JOIN attachments a ON a.id = c.attachment_id JOIN requests r ON r.id = a.request_id "
	    "WHERE c.id = $1 AND a.id = $2 AND a.request_id = $3 AND r.org_id = $4 AND "
	    SCOPE_CASES("r", "$4", "$5"),
	    5, p);
	x->found = st == DB_OK && PQntuples(r) == 1;
	if (x->found)
		x->pdf = copy_bytes(a, r, 0, 0, &x->len);
	PQclear(r);
	return st;
}

enum outcome attach_render_page(arena_t *a, const unsigned char *pdf, size_t len, int page,
                                const char **png, size_t *pnglen, struct problem *p)
{
	char err[ERRLEN] = "";
	int n = redact_page_count(pdf, len, err, sizeof err);
	if (n < 0)
		return problem_set(p, OUT_INVALID,
		                   arena_printf(a, "Nie można odczytać pliku PDF: %s", err), NULL);
	if (page < 1 || page > n)
		return problem_set(p, OUT_NOT_FOUND, "Dokument nie ma strony o takim numerze.", NULL);
	unsigned char *out = NULL;
	size_t outlen = 0;
	if (!redact_page_png(pdf, len, page - 1, ATTACH_PAGE_DPI, &out, &outlen, err, sizeof err))
		return problem_set(p, OUT_INVALID,
		                   arena_printf(a, "Nie można pokazać tej strony: %s", err), NULL);
	char *copy = arena_alloc(a, outlen ? outlen : 1);
	memcpy(copy, out, outlen);
	free(out);
	*png = copy;
	*pnglen = outlen;
	return OUT_OK;
}

enum outcome attach_page_png(const struct svc_ctx *ctx, long long request_id,
                             long long attachment_id, long long copy_id, int page,
                             const char **png, size_t *len, struct problem *p)
{
	*png = NULL;
	*len = 0;
	if (!ctx->who)
		return problem_set(p, OUT_DENIED, NULL, NULL);
	if (copy_id < 0 || page < 1 || page > REDACT_MAX_PAGES)
		return not_found(p);
	if (!copy_id) {
		struct att at;
		enum outcome o = load(ctx, request_id, attachment_id, false, &at, p);
		return o != OUT_OK ? o
		                   : attach_render_page(ctx->arena, at.pdf, at.len, page, png, len, p);
	}
	if (request_id <= 0 || attachment_id <= 0)
		return not_found(p);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct copy_tx x = {.a = ctx->arena,
	                    .who = ctx->who,
	                    .request_id = request_id,
	                    .id = attachment_id,
	                    .copy_id = copy_id};
	enum db_status st = db_read_transaction(c, copy_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!x.found)
		return not_found(p);
	return attach_render_page(ctx->arena, x.pdf, x.len, page, png, len, p);
}

/* ---- Terms and boxes ---------------------------------------------------------- */

static size_t chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* `s` (n bytes) with every run of white space (line breaks and form feeds
 * too) as one space, trimmed. */
static char *squeeze(arena_t *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	bool space = true;
	for (size_t i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i])) {
			if (!space)
				*o++ = ' ';
			space = true;
		} else {
			*o++ = s[i];
			space = false;
		}
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

static bool has_term(const char *const *list, size_t n, const char *t)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(list[i], t))
			return true;
	return false;
}

struct terms {
	const char **v;
	size_t n;
};

/* The textarea's terms, one a line, white space squeezed, repeats once. */
static void parse_terms(arena_t *a, const char *text, struct terms *t, struct problem *e)
{
	t->n = 0;
	t->v = arena_calloc(a, ATTACH_MAX_TERMS, sizeof *t->v);
	bool too_many = false;
	for (const char *s = text ? text : ""; *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		const char *line = squeeze(a, s, n);
		s += n + (nl ? 1 : 0);
		if (!*line || has_term(t->v, t->n, line))
			continue;
		size_t len = strlen(line), k = chars(line, len);
		bool ok = utf8_valid(line, len);
		for (const char *q = line; ok && *q; q++)
			ok = (unsigned char)*q >= 0x20 && *q != 0x7f;
		if (!ok) {
			problem_field(e, "terms", "Wyszukiwany tekst zawiera niedozwolone znaki.");
			continue;
		}
		if (k < ATTACH_TERM_MIN || k > ATTACH_TERM_MAX) {
			problem_fieldf(e, a, "terms",
			               "„%s”: wyszukiwany tekst musi mieć od %d do %d znaków.",
			               k > 40 ? "…" : line, ATTACH_TERM_MIN, ATTACH_TERM_MAX);
			continue;
		}
		if (t->n == ATTACH_MAX_TERMS) {
			too_many = true;
			continue;
		}
		t->v[t->n++] = line;
	}
	if (too_many)
		problem_fieldf(e, a, "terms", "Można podać najwyżej %d wyszukiwanych tekstów.",
		               ATTACH_MAX_TERMS);
}

/* "PAGE:x0,y0,x1,y1" (page 1-based, points) into a box; the page is checked
 * against the document later. */
static bool parse_box(const char *s, redact_box_t *b)
{
	int page, used = -1;
	double v[4];
	if (!s || strlen(s) > 100 ||
	    sscanf(s, "%d:%lf,%lf,%lf,%lf%n", &page, &v[0], &v[1], &v[2], &v[3], &used) != 5 ||
	    used < 0 || s[used])
		return false;
	for (int i = 0; i < 4; i++)
		if (!isfinite(v[i]) || v[i] < 0 || v[i] > 14400) /* PDF's largest page, 200 in */
			return false;
	if (page < 1 || page > REDACT_MAX_PAGES || v[0] >= v[2] || v[1] >= v[3])
		return false;
	*b = (redact_box_t){page - 1, v[0], v[1], v[2], v[3]};
	return true;
}

static const char *box_value(arena_t *a, const redact_box_t *b)
{
	return arena_printf(a, "%d:%.1f,%.1f,%.1f,%.1f", b->page + 1, b->x0, b->y0, b->x1, b->y1);
}

struct boxes {
	redact_box_t *v;
	size_t n;
};

static void parse_boxes(arena_t *a, const char *const *in, size_t n, struct boxes *b,
                        struct problem *e)
{
	b->n = 0;
	b->v = arena_calloc(a, ATTACH_MAX_BOXES + 1, sizeof *b->v);
	bool bad = false;
	for (size_t i = 0; i < n; i++) {
		redact_box_t box;
		if (!in[i] || !in[i][strspn(in[i], " ")])
			continue; /* the field to type one in, left empty */
		if (!parse_box(in[i], &box)) {
			bad = true;
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < b->n && !dup; k++)
			dup = !strcmp(box_value(a, &b->v[k]), box_value(a, &box));
		if (dup)
			continue;
		if (b->n == ATTACH_MAX_BOXES) {
			problem_fieldf(e, a, "boxes", "Można zaznaczyć najwyżej %d prostokątów.",
			               ATTACH_MAX_BOXES);
			break;
		}
		b->v[b->n++] = box;
	}
	if (bad)
		problem_field(e, "boxes",
		              "Zaznaczony prostokąt ma nieprawidłowe współrzędne; zaznacz go ponownie.");
}

/* Drops a box whose page the document does not have. */
static void check_box_pages(arena_t *a, struct boxes *b, int npages, struct problem *e)
{
	size_t k = 0;
	bool off = false;
	for (size_t i = 0; i < b->n; i++) {
		if (b->v[i].page < npages)
			b->v[k++] = b->v[i];
		else
			off = true;
	}
	b->n = k;
	if (off)
		problem_fieldf(e, a, "boxes", "Dokument ma %d stron: prostokąt spoza nich pominięto.",
		               npages);
}

/* ---- Suggestions ------------------------------------------------------------------ */

/* The detector's findings in the PDF's text and the requester's own data
 * found there, as terms; *findings counts them by kind. */
static const char *suggest(arena_t *a, const struct att *at, json_t **findings, char *err,
                           size_t errlen)
{
	*findings = json_array();
	char *text = redact_text(at->pdf, at->len, err, errlen);
	if (!text)
		return NULL;
	size_t tlen = strlen(text);
	size_t cap = 256;
	law_personal_finding_t *f = malloc(cap * sizeof *f);
	long n = f ? law_personal_find(text, tlen, &at->person, 1, f, cap) : -1;
	if (n > (long)cap) {
		cap = (size_t)n;
		law_personal_finding_t *g = realloc(f, cap * sizeof *f);
		if (g)
			f = g;
		n = g ? law_personal_find(text, tlen, &at->person, 1, f, cap) : -1;
	}
	const char *list[ATTACH_MAX_TERMS];
	size_t nlist = 0;
	int counts[LAW_PII_KIND_COUNT] = {0};
	for (long i = 0; i < n && nlist < ATTACH_MAX_TERMS; i++) {
		const char *t = squeeze(a, text + f[i].start, f[i].end - f[i].start);
		if (chars(t, strlen(t)) < ATTACH_TERM_MIN || chars(t, strlen(t)) > ATTACH_TERM_MAX)
			continue;
		counts[f[i].kind]++;
		if (!has_term(list, nlist, t))
			list[nlist++] = t;
	}
	free(f);
	/* The requester's data as given, where the text has it as it is. */
	const char *norm = squeeze(a, text, tlen);
	free(text);
	const char *own[] = {at->person.name, at->person.email, at->person.phone};
	for (size_t i = 0; i < sizeof own / sizeof own[0] && nlist < ATTACH_MAX_TERMS; i++) {
		const char *t = own[i] ? squeeze(a, own[i], strlen(own[i])) : "";
		if (chars(t, strlen(t)) >= ATTACH_TERM_MIN && strcasestr(norm, t) &&
		    !has_term(list, nlist, t))
			list[nlist++] = t;
	}
	/* The address's parts with a number: the street, the postcode and town. */
	char *addr = arena_strdup(a, at->person.address ? at->person.address : ""), *rest;
	for (char *part = strtok_r(addr, ",;\n", &rest); part && nlist < ATTACH_MAX_TERMS;
	     part = strtok_r(NULL, ",;\n", &rest)) {
		const char *t = squeeze(a, part, strlen(part));
		if (strpbrk(t, "0123456789") && chars(t, strlen(t)) >= 5 && strcasestr(norm, t) &&
		    !has_term(list, nlist, t))
			list[nlist++] = t;
	}
	if (n < 0)
		snprintf(err, errlen, "%s", "brak pamięci na wyszukanie danych osobowych");
	strbuf_t sb;
	sb_init(&sb, a);
	for (size_t i = 0; i < nlist; i++)
		sb_printf(&sb, "%s\n", list[i]);
	static const char *const labels[LAW_PII_KIND_COUNT] = {
	    [LAW_PII_NAME] = "imiona i nazwiska",       [LAW_PII_EMAIL] = "adresy e-mail",
	    [LAW_PII_PHONE] = "numery telefonów",       [LAW_PII_PESEL] = "numery PESEL",
	    [LAW_PII_NIP] = "numery NIP",               [LAW_PII_REGON] = "numery REGON",
	    [LAW_PII_IDCARD] = "numery dowodów osobistych",
	    [LAW_PII_PASSPORT] = "numery paszportów",   [LAW_PII_ACCOUNT] = "numery rachunków",
	    [LAW_PII_ADDRESS] = "adresy",               [LAW_PII_POSTCODE] = "kody pocztowe z miejscowością",
	};
	for (int k = 0; k < LAW_PII_KIND_COUNT; k++)
		if (counts[k])
			json_array_append_new(*findings,
			                      json_pack("{s:s, s:i}", "label", labels[k], "count", counts[k]));
	return sb.data ? sb.data : "";
}

/* The kind the detector gives a term ("other" when none): what the copy
 * records of it instead of the term itself. */
static const char *term_kind(const struct att *at, const char *t)
{
	law_personal_finding_t f[4];
	long n = law_personal_find(t, strlen(t), &at->person, 1, f, 4);
	return n > 0 ? law_personal_kind_name(f[0].kind) : "other";
}

/* ---- The copy ------------------------------------------------------------------- */

/* What the preview showed: the original, the terms and the boxes. */
static const char *preview_token(arena_t *a, const struct att *at, const struct terms *t,
                                 const struct boxes *b)
{
	crypto_generichash_state h;
	unsigned char out[16];
	crypto_generichash_init(&h, NULL, 0, sizeof out);
	crypto_generichash_update(&h, at->sha, sizeof at->sha);
	for (size_t i = 0; i < t->n; i++)
		crypto_generichash_update(&h, (const unsigned char *)t->v[i], strlen(t->v[i]) + 1);
	crypto_generichash_update(&h, (const unsigned char *)"\x1e", 1);
	for (size_t i = 0; i < b->n; i++) {
		const char *v = box_value(a, &b->v[i]);
		crypto_generichash_update(&h, (const unsigned char *)v, strlen(v) + 1);
	}
	crypto_generichash_final(&h, out, sizeof out);
	char *hex = arena_alloc(a, sizeof out * 2 + 1);
	sodium_bin2hex(hex, sizeof out * 2 + 1, out, sizeof out);
	return hex;
}

struct copy {
	const unsigned char *pdf;
	size_t len;
	unsigned char sha[32];
	int pages;
	bool *redacted;   /* per page */
	redact_box_t *boxes; /* found, then drawn */
	size_t nboxes, nfound;
};

/* Finds the terms, adds the drawn boxes and makes the copy; false with the
 * errors in `e`. */
static bool make_copy(arena_t *a, const struct att *at, const struct terms *t,
                      const struct boxes *drawn, int npages, struct copy *out,
                      struct problem *e)
{
	char err[ERRLEN] = "";
	redact_box_t *found = NULL;
	size_t nfound = 0;
	bool ok = true;
	for (size_t i = 0; i < t->n; i++) {
		long k = redact_find(at->pdf, at->len, &t->v[i], 1, &found, &nfound, err, sizeof err);
		if (k < 0) {
			problem_set(e, OUT_INVALID,
			            arena_printf(a, "Nie udało się przeszukać dokumentu: %s", err), NULL);
			ok = false;
			break;
		}
		if (k == 0) {
			problem_fieldf(e, a, "terms",
			               "„%s” nie występuje w tekście dokumentu. Usuń ten wiersz albo "
			               "zaznacz to miejsce prostokątem.",
			               t->v[i]);
			ok = false;
		}
	}
	if (ok) {
		out->nfound = nfound;
		out->nboxes = nfound + drawn->n;
		out->boxes = arena_calloc(a, out->nboxes ? out->nboxes : 1, sizeof *out->boxes);
		if (nfound)
			memcpy(out->boxes, found, nfound * sizeof *found);
		if (drawn->n)
			memcpy(out->boxes + nfound, drawn->v, drawn->n * sizeof *drawn->v);
	}
	free(found);
	if (!ok)
		return false;
	unsigned char *pdf = NULL;
	size_t len = 0;
	if (!redact_pdf(at->pdf, at->len, out->boxes, out->nboxes, t->v, t->n, &pdf, &len, err,
	                sizeof err)) {
		problem_set(e, OUT_INVALID,
		            arena_printf(a, "Nie udało się sporządzić kopii publicznej: %s", err), NULL);
		return false;
	}
	unsigned char *copy = arena_alloc(a, len ? len : 1);
	memcpy(copy, pdf, len);
	free(pdf);
	out->pdf = copy;
	out->len = len;
	crypto_hash_sha256(out->sha, copy, len);
	out->pages = npages;
	out->redacted = arena_calloc(a, (size_t)npages, sizeof(bool));
	for (size_t i = 0; i < out->nboxes; i++)
		if (out->boxes[i].page >= 0 && out->boxes[i].page < npages)
			out->redacted[out->boxes[i].page] = true;
	return true;
}

static const char *page_url(arena_t *a, const struct att *at, long long copy_id, int n)
{
	if (copy_id)
		return arena_printf(a, "/panel/sprawy/%lld/zalaczniki/%lld/kopie/%lld/strony/%d",
		                    at->request_id, at->id, copy_id, n);
	return arena_printf(a, "/panel/sprawy/%lld/zalaczniki/%lld/strony/%d", at->request_id,
	                    at->id, n);
}

/* The copy's pages as the public will see them: a page with a box as the
 * copy renders it (a data: URL), the others are the original's pages byte
 * for byte (render/redact.h), so their image is the original's. */
static json_t *preview_pages(arena_t *a, const struct att *at, const struct copy *cp,
                             struct problem *e)
{
	json_t *list = json_array();
	for (int n = 1; n <= cp->pages; n++) {
		const char *src = page_url(a, at, 0, n);
		if (cp->redacted[n - 1]) {
			unsigned char *png = NULL;
			size_t len = 0;
			char err[ERRLEN] = "";
			if (!redact_page_png(cp->pdf, cp->len, n - 1, ATTACH_PAGE_DPI, &png, &len, err,
			                     sizeof err)) {
				problem_set(e, OUT_INVALID,
				            arena_printf(a, "Nie można pokazać strony %d kopii: %s", n, err),
				            NULL);
				json_decref(list);
				return NULL;
			}
			size_t b64 = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
			char *uri = arena_alloc(a, b64 + 32);
			int k = snprintf(uri, 32, "data:image/png;base64,");
			sodium_bin2base64(uri + k, b64, png, len, sodium_base64_VARIANT_ORIGINAL);
			free(png);
			src = uri;
		}
		json_array_append_new(
		    list, json_pack("{s:i, s:s, s:s, s:b}", "n", n, "src", src, "alt",
		                    arena_printf(a, "Kopia publiczna, strona %d%s", n,
		                                 cp->redacted[n - 1] ? " (z zaczernieniami)" : ""),
		                    "redacted", cp->redacted[n - 1]));
	}
	return list;
}

/* What the copy records of what it hides: counts and kinds of the terms,
 * and the boxes (positions only). */
static json_t *removed_json(const struct att *at, const struct terms *t, const struct copy *cp)
{
	json_t *kinds = json_object();
	for (size_t i = 0; i < t->n; i++) {
		const char *k = term_kind(at, t->v[i]);
		json_object_set_new(kinds, k, json_integer(json_integer_value(json_object_get(kinds, k)) + 1));
	}
	json_t *boxes = json_array();
	for (size_t i = 0; i < cp->nboxes; i++) {
		const redact_box_t *b = &cp->boxes[i];
		json_array_append_new(boxes, json_pack("{s:i, s:f, s:f, s:f, s:f, s:s}", "page",
		                                       b->page + 1, "x0", b->x0, "y0", b->y0, "x1",
		                                       b->x1, "y1", b->y1, "by",
		                                       i < cp->nfound ? "term" : "hand"));
	}
	return json_pack("{s:i, s:o, s:i, s:i, s:o}", "terms", (int)t->n, "kinds", kinds,
	                 "found_boxes", (int)cp->nfound, "drawn_boxes",
	                 (int)(cp->nboxes - cp->nfound), "boxes", boxes);
}

struct save_tx {
	arena_t *a;
	const struct actor *who;
	const struct att *at;
	const struct copy *cp;
	const char *removed;
	size_t nterms;
	long long copy_id;
};

static enum db_status save_tx(PGconn *c, void *vx)
{
	struct save_tx *x = vx;
	arena_t *a = x->a;
	x->copy_id = 0;
	const char *p[10] = {ids(a, x->at->id),
	                     ids(a, x->at->request_id),
	                     ids(a, x->who->org_id),
	                     ids(a, scope_unit(x->who)),
	                     (const char *)x->cp->pdf,
	                     (const char *)x->cp->sha,
	                     ids(a, x->cp->pages),
	                     ids(a, x->who->user_id),
	                     x->removed,
	                     (const char *)x->at->sha};
	int lens[10] = {0, 0, 0, 0, (int)x->cp->len, 32, 0, 0, 0, 32};
	int fmts[10] = {0, 0, 0, 0, 1, 1, 0, 0, 0, 1};
	enum db_status st;
	/* The original must still be the one the copy was made of. */
	PGresult *r = db_exec_binary(
	    c, &st,
	    "INSERT INTO attachment_public_copies (attachment_id, org_id, pdf, sha256, pages, "
	    "made_by, removed) "
	    "SELECT a.id, r.org_id, $5, $6, $7::int, $8::bigint, $9::jsonb "
	    "FROM attachments a JOIN requests r ON r.id = a.request_id "
	    "WHERE a.id = $1 AND a.request_id = $2 AND r.org_id = $3 AND a.sha256 = $10 AND "
	    SCOPE_CASES("r", "$3", "$4") " RETURNING id",
	    10, p, lens, fmts);
	if (st == DB_OK && PQntuples(r) == 1)
		x->copy_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	if (st != DB_OK || !x->copy_id)
		return st;
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, x->cp->sha, 32);
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s}", "attachment_id", ids(a, x->at->id),
	                         "copy_id", ids(a, x->copy_id), "sha256", hex, "terms",
	                         ids(a, (long long)x->nterms), "boxes",
	                         ids(a, (long long)x->cp->nboxes));
	st = store_event(c, x->who->org_id, x->at->request_id, x->who->role, x->who->user_id,
	                 "attachment_redact", NULL, NULL, data);
	json_decref(data);
	return st;
}

static enum outcome save(const struct svc_ctx *ctx, const struct att *at, const struct terms *t,
                         const struct copy *cp, long long *copy_id, struct problem *p)
{
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	json_t *removed = removed_json(at, t, cp);
	char *dump = json_dumps(removed, JSON_COMPACT);
	json_decref(removed);
	struct save_tx x = {.a = ctx->arena,
	                    .who = ctx->who,
	                    .at = at,
	                    .cp = cp,
	                    .removed = dump ? arena_strdup(ctx->arena, dump) : "{}",
	                    .nterms = t->n};
	free(dump);
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, save_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!x.copy_id)
		return problem_set(p, OUT_STALE,
		                   "Załącznik zmienił się albo zniknął w międzyczasie. Otwórz go ponownie.",
		                   NULL);
	*copy_id = x.copy_id;
	return OUT_OK;
}

/* ---- The page ----------------------------------------------------------------------- */

static void show_errors(json_t *page, const struct problem *e)
{
	json_t *list = json_array(), *by = json_object();
	for (int i = 0; i < e->nfields; i++) {
		const char *f = e->fields[i].field, *m = e->fields[i].message;
		json_array_append_new(list, json_pack("{s:s, s:s}", "field", f, "message", m));
		if (!json_object_get(by, f))
			json_object_set_new(by, f, json_string(m));
	}
	json_object_set_new(page, "has_errors", json_boolean(e->nfields > 0));
	json_object_set_new(page, "errors", list);
	json_object_set_new(page, "err", by);
	if (e->message && e->outcome != OUT_OK)
		json_object_set_new(page, "general_error", json_string(e->message));
}

static json_t *base_page(arena_t *a, const struct att *at, int npages)
{
	json_t *page = json_pack(
	    "{s:i, s:I, s:s, s:{s:I, s:s, s:I, s:s, s:b}, s:i}", "dpi", ATTACH_PAGE_DPI,
	    "id_case", (json_int_t)at->request_id,
	    "case_number", at->case_number, "attachment", "id", (json_int_t)at->id, "filename",
	    at->filename, "size", (json_int_t)at->size, "source",
	    !strcmp(at->source, "clerk") ? "dodany przez urzędnika" : "od wnioskodawcy", "by_clerk",
	    !strcmp(at->source, "clerk"), "npages", npages < 0 ? 0 : npages);
	json_t *pages = json_array();
	for (int n = 1; n <= npages; n++)
		json_array_append_new(pages, json_pack("{s:i, s:s, s:s}", "n", n, "src",
		                                       page_url(a, at, 0, n), "alt",
		                                       arena_printf(a, "Oryginał, strona %d", n)));
	json_object_set_new(page, "pages", pages);
	size_t i;
	json_t *cp;
	json_array_foreach(at->copies, i, cp)
	{
		long long id = json_integer_value(json_object_get(cp, "id"));
		int n = (int)json_integer_value(json_object_get(cp, "pages"));
		json_t *list = json_array();
		for (int k = 1; k <= n && k <= REDACT_MAX_PAGES; k++)
			json_array_append_new(list, json_pack("{s:i, s:s}", "n", k, "src",
			                                      page_url(a, at, id, k)));
		json_object_set_new(cp, "pages_list", list);
	}
	json_object_set_new(page, "has_copies", json_boolean(json_array_size(at->copies) > 0));
	json_object_set(page, "copies", at->copies);
	return page;
}

static json_t *boxes_json(arena_t *a, const struct boxes *b)
{
	json_t *list = json_array();
	for (size_t i = 0; i < b->n; i++) {
		const redact_box_t *x = &b->v[i];
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:i}", "value", box_value(a, x), "label",
		                    arena_printf(a, "strona %d: od (%.0f, %.0f) do (%.0f, %.0f) pkt",
		                                 x->page + 1, x->x0, x->y0, x->x1, x->y1),
		                    "n", (int)i + 1));
	}
	return list;
}

static const char *terms_text(arena_t *a, const struct terms *t)
{
	strbuf_t sb;
	sb_init(&sb, a);
	for (size_t i = 0; i < t->n; i++)
		sb_printf(&sb, "%s\n", t->v[i]);
	return sb.data ? sb.data : "";
}

enum outcome attach_redaction(const struct svc_ctx *ctx, long long request_id,
                              long long attachment_id, const struct attach_input *in,
                              struct attach_result *out, struct problem *p)
{
	out->copy_id = 0;
	out->page = NULL;
	arena_t *a = ctx->arena;
	struct att at;
	enum outcome o = load(ctx, request_id, attachment_id, true, &at, p);
	if (o != OUT_OK)
		return o;
	char err[ERRLEN] = "";
	int npages = redact_page_count(at.pdf, at.len, err, sizeof err);
	json_t *page = base_page(a, &at, npages);
	json_decref(at.copies);
	struct problem e;
	problem_set(&e, OUT_OK, NULL, NULL);
	if (npages < 0) {
		/* A requester's broken PDF: nothing can be made of it. */
		problem_set(&e, in->action == ATTACH_VIEW ? OUT_OK : OUT_INVALID,
		            arena_printf(a, "Nie można odczytać tego pliku PDF, więc nie można "
		                            "sporządzić jego kopii publicznej: %s", err),
		            NULL);
		json_object_set_new(page, "general_error", json_string(e.message));
		json_object_set_new(page, "terms", json_string(in->terms ? in->terms : ""));
		out->page = page;
		return problem_set(p, e.outcome, e.message, NULL);
	}
	if (in->action == ATTACH_VIEW) {
		json_t *findings;
		const char *terms = suggest(a, &at, &findings, err, sizeof err);
		json_object_set_new(page, "findings", findings);
		json_object_set_new(page, "has_findings", json_boolean(json_array_size(findings) > 0));
		json_object_set_new(page, "terms", json_string(terms ? terms : ""));
		if (!terms)
			json_object_set_new(
			    page, "general_error",
			    json_string(arena_printf(a, "Nie udało się odczytać tekstu dokumentu, więc "
			                                "nic nie zaproponowano: %s. Wpisz wyszukiwane "
			                                "teksty albo zaznacz miejsca prostokątami.",
			                             err)));
		json_object_set_new(page, "boxes", json_array());
		out->page = page;
		return problem_set(p, OUT_OK, NULL, NULL);
	}
	struct terms t;
	struct boxes b;
	parse_terms(a, in->terms, &t, &e);
	parse_boxes(a, in->boxes, in->nboxes, &b, &e);
	check_box_pages(a, &b, npages, &e);
	/* The input as it stands, whatever happens next. */
	json_object_set_new(page, "terms",
	                    json_string(e.nfields ? (in->terms ? in->terms : "") : terms_text(a, &t)));
	json_object_set_new(page, "boxes", boxes_json(a, &b));
	if (!e.nfields && !t.n && !b.n)
		problem_field(&e, "terms",
		              "Nie wskazano niczego do ukrycia: wpisz wyszukiwane teksty albo zaznacz "
		              "miejsca prostokątami.");
	struct copy cp = {0};
	bool made = !e.nfields && make_copy(a, &at, &t, &b, npages, &cp, &e);
	json_t *pv = made ? preview_pages(a, &at, &cp, &e) : NULL;
	const char *token = pv ? preview_token(a, &at, &t, &b) : NULL;
	if (pv && in->action == ATTACH_SAVE) {
		if (in->preview_token && !strcmp(in->preview_token, token)) {
			o = save(ctx, &at, &t, &cp, &out->copy_id, p);
			if (o == OUT_OK) {
				json_decref(pv);
				json_decref(page);
				return OUT_OK;
			}
			if (o != OUT_STALE) {
				json_decref(pv);
				json_decref(page);
				return o;
			}
			problem_set(&e, OUT_STALE, p->message, NULL);
		} else {
			problem_set(&e, OUT_STALE,
			            "Wyszukiwane teksty lub prostokąty zmieniły się od ostatniego "
			            "podglądu. Sprawdź podgląd poniżej i zapisz ponownie.",
			            NULL);
		}
	}
	if (pv) {
		int nred = 0;
		for (int i = 0; i < cp.pages; i++)
			nred += cp.redacted[i];
		char hex[65];
		sodium_bin2hex(hex, sizeof hex, cp.sha, 32);
		json_object_set_new(page, "preview",
		                    json_pack("{s:o, s:i, s:i, s:s}", "pages", pv, "redacted_pages", nred,
		                              "found", (int)cp.nfound, "sha256", hex));
		json_object_set_new(page, "preview_token", json_string(token));
	}
	show_errors(page, &e);
	out->page = page;
	enum outcome result = e.outcome != OUT_OK ? e.outcome : e.nfields ? OUT_INVALID : OUT_OK;
	return problem_set(p, result, e.message, NULL);
}
