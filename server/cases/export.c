/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/export.h"

#include <cmark.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/dispatch.h"
#include "cases/export_meta.h"
#include "cases/package.h"
#include "cases/register.h"
#include "cases/scope.h"
#include "cases/service.h"
#include "cases/store.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/zip.h"
#include "db/changes.h"
#include "law/channel.h"
#include "law/lifecycle.h"
#include "render/csv.h"
#include "render/pdf.h"
#include "render/post.h"

#define UTC_SECONDS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

/* Text columns of a result asked for in binary format are their bytes. */
static const char *col(arena_t *a, const PGresult *r, int row, int c)
{
	return arena_strndup(a, PQgetvalue(r, row, c), (size_t)PQgetlength(r, row, c));
}

static PGresult *query(PGconn *c, enum db_status *st, const char *sql, int n, const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 1);
	*st = db_status_of(c, r);
	if (*st == DB_ERROR)
		log_error("export: %s -- %.120s", PQresultErrorMessage(r), sql);
	return r;
}

/* ---- the case ---------------------------------------------------------------- */

struct found {
	long long id, org_id;
	int rows;
};

/* The case by id in the staff member's scope, or by number (and slug). */
static enum db_status find_case(PGconn *c, arena_t *a, const struct actor *who, long long request_id,
                                const char *number, const char *slug, struct found *f)
{
	enum db_status st;
	PGresult *r;
	f->rows = 0;
	if (who) {
		const char *q[3] = {ids(a, request_id), ids(a, who->org_id), ids(a, scope_unit(who))};
		r = query(c, &st,
		          "SELECT r.id::text, r.org_id::text FROM requests r WHERE r.id = $1 AND r.org_id = $2 "
		          "AND " SCOPE_CASES("r", "$2", "$3"),
		          3, q);
	} else {
		const char *q[2] = {number ? number : "", slug ? slug : ""};
		r = query(c, &st,
		          "SELECT r.id::text, r.org_id::text FROM requests r JOIN organisations o ON o.id = r.org_id "
		          "WHERE r.case_number = upper(btrim($1)) AND ($2 = '' OR o.slug = $2) LIMIT 2",
		          2, q);
	}
	if (st == DB_OK) {
		f->rows = PQntuples(r);
		if (f->rows >= 1) {
			f->id = atoll(PQgetvalue(r, 0, 0));
			f->org_id = atoll(PQgetvalue(r, 0, 1));
		}
	}
	PQclear(r);
	return st;
}

struct mark_tx {
	arena_t *a;
	const struct actor *who;
	long long request_id;
	const char *number, *slug, *via;
	struct found f;
};

/* Finds the case and records the export on its timeline. */
static enum db_status mark_tx(PGconn *c, void *vx)
{
	struct mark_tx *x = vx;
	enum db_status st = find_case(c, x->a, x->who, x->request_id, x->number, x->slug, &x->f);
	if (st != DB_OK || x->f.rows != 1)
		return st == DB_OK ? DB_ERROR : st; /* nothing to record: the caller reads f.rows */
	changes_writer(x->f.org_id);
	json_t *data = json_pack("{s:s}", "via", x->via);
	st = store_event(c, x->f.org_id, x->f.id, x->who ? x->who->role : "system",
	                 x->who ? x->who->user_id : 0, EXPORT_EVENT, NULL, NULL, data);
	json_decref(data);
	return st;
}

/* ---- what the package holds ------------------------------------------------- */

struct read_tx {
	arena_t *a;
	int64_t now;
	long long request_id, org_id;
	struct export_case c;
	struct export_party org, requester;
	const char *body, *form, *delivery, *reuse_purpose, *reuse_format, *reuse_manner;
	const char *requester_address, *requester_email, *org_address, *received_at;
	struct export_item *items;
	size_t n, cap;
	json_t *events; /* the event log, built here */
	bool failed;    /* a file could not be made (logged) */
};

static struct export_item *add_item(struct read_tx *x)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		struct export_item *n = arena_calloc(x->a, cap, sizeof *n);
		if (x->n)
			memcpy(n, x->items, x->n * sizeof *n);
		x->items = n;
		x->cap = cap;
	}
	struct export_item *it = &x->items[x->n++];
	memset(it, 0, sizeof *it);
	return it;
}

static void set_data(struct export_item *it, arena_t *a, const PGresult *r, int row, int c)
{
	if (PQgetisnull(r, row, c) || PQgetlength(r, row, c) == 0)
		return; /* erased */
	size_t len;
	it->data = db_value_copy(a, r, row, c, &len);
	it->len = len;
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)it->data, it->len);
	sodium_bin2hex(it->sha256, sizeof it->sha256, h, 32);
}

static const char *kind_title(const char *kind)
{
	return strcmp(kind, "reuse") == 0
	           ? "Wniosek o ponowne wykorzystywanie informacji sektora publicznego"
	           : "Wniosek o udostępnienie informacji publicznej";
}

static enum db_status read_case(PGconn *c, struct read_tx *x)
{
	arena_t *a = x->a;
	const char *q[1] = {ids(a, x->request_id)};
	enum db_status st;
	PGresult *r = query(
	    c, &st,
	    "SELECT r.case_number, r.subject, r.body, r.kind, r.channel, " UTC_SECONDS("r.received_at")
	    ", r.received_on::text, coalesce(r.closed_on::text, ''), r.state, r.case_class, u.symbol, "
	    "u.name, o.slug, o.name, o.address, r.form, r.delivery, coalesce(r.reuse_purpose, ''), "
	    "coalesce(r.reuse_format, ''), coalesce(r.reuse_manner, ''), coalesce(rq.name, ''), "
	    "coalesce(rq.postal_address, ''), coalesce(rq.email, ''), "
	    "archival_category_of(o.archival_categories, o.retention_years, r.case_class)"
	    " FROM requests r JOIN units u ON u.id = r.unit_id JOIN organisations o ON o.id = r.org_id "
	    "LEFT JOIN requesters rq ON rq.request_id = r.id WHERE r.id = $1",
	    1, q);
	if (st == DB_OK && PQntuples(r) != 1)
		st = DB_ERROR;
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	struct export_case *k = &x->c;
	k->request_id = x->request_id;
	k->case_number = col(a, r, 0, 0);
	k->subject = col(a, r, 0, 1);
	x->body = col(a, r, 0, 2);
	k->kind = col(a, r, 0, 3);
	k->kind_label = kind_title(k->kind);
	k->channel = col(a, r, 0, 4);
	const struct law_channel *ch = law_channel(k->channel);
	k->channel_label = ch ? ch->label : k->channel;
	x->received_at = col(a, r, 0, 5);
	k->received_on = col(a, r, 0, 6);
	k->closed_on = PQgetlength(r, 0, 7) ? col(a, r, 0, 7) : NULL;
	k->state = col(a, r, 0, 8);
	law_state_t s;
	k->state_label = law_state_from_id(k->state, &s) ? law_state_label(s, false) : k->state;
	k->jrwa_class = col(a, r, 0, 9);
	k->unit_symbol = col(a, r, 0, 10);
	k->unit_name = col(a, r, 0, 11);
	k->org_slug = col(a, r, 0, 12);
	k->org_name = col(a, r, 0, 13);
	x->org_address = col(a, r, 0, 14);
	x->form = col(a, r, 0, 15);
	x->delivery = col(a, r, 0, 16);
	x->reuse_purpose = col(a, r, 0, 17);
	x->reuse_format = col(a, r, 0, 18);
	x->reuse_manner = col(a, r, 0, 19);
	x->requester = (struct export_party){.person = true, .name = col(a, r, 0, 20)};
	x->requester_address = col(a, r, 0, 21);
	x->requester_email = col(a, r, 0, 22);
	k->category = col(a, r, 0, 23);
	PQclear(r);
	/* The request's instant (the server's clock, frozen in tests). */
	time_t now = (time_t)x->now;
	struct tm tm;
	gmtime_r(&now, &tm);
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	k->exported_at = arena_strdup(a, when);
	x->org = (struct export_party){.name = k->org_name, .unit = k->unit_name};
	return DB_OK;
}

/* ---- the request as a PDF ---------------------------------------------------- */

/* Text for the PDF: control characters other than '\n' as spaces. */
static const char *clean(arena_t *a, const char *s)
{
	char *t = arena_strdup(a, s ? s : "");
	for (char *p = t; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f)
			*p = ' ';
	return t;
}

static void add_text(cmark_node *parent, cmark_node_type type, const char *text)
{
	cmark_node *n = cmark_node_new(type);
	cmark_node_set_literal(n, text);
	cmark_node_append_child(parent, n);
}

/* A paragraph: `label` in bold (may be NULL), then `text` with its line
 * breaks kept. */
static void para(cmark_node *doc, const char *label, const char *text)
{
	cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
	if (label) {
		cmark_node *b = cmark_node_new(CMARK_NODE_STRONG);
		add_text(b, CMARK_NODE_TEXT, label);
		cmark_node_append_child(p, b);
		add_text(p, CMARK_NODE_TEXT, " ");
	}
	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t k = nl ? (size_t)(nl - s) : strlen(s);
		char *line = strndup(s, k);
		add_text(p, CMARK_NODE_TEXT, line ? line : "");
		free(line);
		if (!nl)
			break;
		cmark_node_append_child(p, cmark_node_new(CMARK_NODE_LINEBREAK));
		s = nl + 1;
	}
	cmark_node_append_child(doc, p);
}

/* The request as registered, drawn as a letter from the requester to the
 * body: what a web or API filing has no other paper for, and the text a
 * clerk typed in for one that came otherwise (its original is then among
 * the attachments or e-mails). */
static bool request_pdf(struct read_tx *x, struct export_item *it)
{
	arena_t *a = x->a;
	const struct export_case *k = &x->c;
	cmark_node *doc = cmark_node_new(CMARK_NODE_DOCUMENT);
	cmark_node *h = cmark_node_new(CMARK_NODE_HEADING);
	cmark_node_set_heading_level(h, 1);
	add_text(h, CMARK_NODE_TEXT, k->kind_label);
	cmark_node_append_child(doc, h);
	para(doc, "Przedmiot:", clean(a, k->subject));
	para(doc, "Treść wniosku:", "");
	for (const char *s = clean(a, x->body); *s;) {
		const char *e = strstr(s, "\n\n");
		size_t n = e ? (size_t)(e - s) : strlen(s);
		para(doc, NULL, arena_strndup(a, s, n));
		s = e ? e + 2 : s + n;
	}
	if (*x->form)
		para(doc, "Sposób i forma udostępnienia:", clean(a, x->form));
	if (*x->reuse_purpose)
		para(doc, "Cel ponownego wykorzystywania:", clean(a, x->reuse_purpose));
	if (*x->reuse_format)
		para(doc, "Format:", clean(a, x->reuse_format));
	if (*x->reuse_manner)
		para(doc, "Sposób:", clean(a, x->reuse_manner));
	para(doc, "Sposób doręczenia odpowiedzi:", x->delivery);
	cmark_node *note = cmark_node_new(CMARK_NODE_PARAGRAPH);
	cmark_node *em = cmark_node_new(CMARK_NODE_EMPH);
	add_text(em, CMARK_NODE_TEXT,
	         arena_printf(a, "Treść wniosku w postaci, w jakiej zarejestrowano go w sprawie %s (kanał: "
	                         "%s; wpłynął %s). Wniosek złożony pismem lub pocztą elektroniczną jest też "
	                         "w aktach jako załącznik lub wiadomość.",
	                      k->case_number, k->channel_label, k->received_on));
	cmark_node_append_child(note, em);
	cmark_node_append_child(doc, note);
	const char *name = *x->requester.name ? clean(a, x->requester.name) : "Wnioskodawca";
	pdf_letter_t l = {
	    .title = k->kind_label,
	    .author = name,
	    .date = k->received_on,
	    .org_name = name,
	    .org_lines = clean(a, arena_printf(a, "%s%s%s", x->requester_address,
	                                       *x->requester_address && *x->requester_email ? "\n" : "",
	                                       x->requester_email)),
	    .place_date = arena_printf(a, "Wpłynął dnia %s (%s)", k->received_on, k->channel_label),
	    .case_number = k->case_number,
	    .to_name = clean(a, k->org_name),
	    .to_address = clean(a, x->org_address),
	    .sign_name = name,
	};
	strbuf_t sb;
	sb_init(&sb, a);
	char err[200];
	bool ok = pdf_render_letter(&l, doc, &sb, err, sizeof err);
	cmark_node_free(doc);
	if (!ok) {
		log_error("export: the request of case %lld as PDF: %s", x->request_id, err);
		return false;
	}
	it->data = sb.data;
	it->len = sb.len;
	unsigned char hh[32];
	crypto_hash_sha256(hh, (const unsigned char *)it->data, it->len);
	sodium_bin2hex(it->sha256, sizeof it->sha256, hh, 32);
	return true;
}

static bool add_request(struct read_tx *x)
{
	struct export_item *it = add_item(x);
	*it = (struct export_item){.kind = "wniosek",
	                           .key = x->request_id,
	                           .title = x->c.kind_label,
	                           .name = "wniosek.pdf",
	                           .content_type = "application/pdf",
	                           .spec = "PDF (treść wniosku zarejestrowanego w sprawie)",
	                           .date_kind = "otrzymany",
	                           .at = x->received_at,
	                           .rodzaj = "wniosek",
	                           .author = x->requester,
	                           .has_recipient = true,
	                           .recipient = x->org};
	if (!*x->requester.name)
		it->author = (struct export_party){.person = true, .name = "wnioskodawca"};
	return request_pdf(x, it);
}

/* ---- issued documents ---------------------------------------------------------- */

static const law_document_info_t *doc_info(const char *type)
{
	for (int i = 0; i < LAW_DOC_ROWS; i++)
		if (law_documents[i].id && !strcmp(law_documents[i].id, type))
			return &law_documents[i];
	return NULL;
}

static enum db_status read_documents(PGconn *c, struct read_tx *x)
{
	arena_t *a = x->a;
	const char *q[1] = {ids(a, x->request_id)};
	enum db_status st;
	PGresult *r = query(
	    c, &st,
	    "SELECT d.id::text, d.seq::text, d.type, d.title, " UTC_SECONDS("d.issued_at")
	    ", coalesce(au.name, ''), coalesce(au.position, ''), coalesce(sig.signed_pdf, d.pdf), "
	    "encode(coalesce(sig.signed_sha256, d.sha256), 'hex'), coalesce(sig.signer_name, ''), "
	    "(sig.document_id IS NOT NULL)::text, coalesce(d.supersedes_id::text, '') "
	    "FROM documents d LEFT JOIN users au ON au.id = d.author_id "
	    "LEFT JOIN document_signatures sig ON sig.document_id = d.id "
	    "WHERE d.request_id = $1 AND d.status = 'issued' ORDER BY d.issued_at, d.seq",
	    1, q);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		struct export_item *it = add_item(x);
		const char *type = col(a, r, i, 2);
		const law_document_info_t *info = doc_info(type);
		bool is_signed = PQgetvalue(r, i, 10)[0] == 't';
		it->kind = "pismo";
		it->key = atoll(PQgetvalue(r, i, 0));
		it->title = col(a, r, i, 3);
		it->name = arena_printf(a, "%s.pdf", type);
		it->content_type = "application/pdf";
		it->spec = is_signed ? "PDF podpisany elektronicznie (PAdES)" : "PDF";
		it->date_kind = "stworzony";
		it->at = col(a, r, i, 4);
		it->rodzaj = info && info->decision ? "decyzja" : "pismo";
		it->author = x->org;
		it->author.employee = col(a, r, i, 5);
		it->author.position = col(a, r, i, 6);
		it->signer = is_signed ? col(a, r, i, 9) : NULL;
		set_data(it, a, r, i, 7);
		if (!it->data)
			snprintf(it->sha256, sizeof it->sha256, "%s", PQgetvalue(r, i, 8));
		it->has_recipient = true;
		law_addressee_t to = info ? info->addressee : LAW_TO_REQUESTER;
		if (to == LAW_TO_COURT)
			it->recipient = (struct export_party){.name = "Wojewódzki Sąd Administracyjny"};
		else if (to == LAW_TO_APPEAL_BODY)
			it->recipient = (struct export_party){.name = "Organ odwoławczy"};
		else if (*x->requester.name)
			it->recipient = x->requester;
		else
			it->has_recipient = false;
		if (PQgetlength(r, i, 11)) {
			it->rel_kind = "pismo";
			it->rel_key = atoll(PQgetvalue(r, i, 11));
			it->rel_word = "jest wersją";
		}
	}
	PQclear(r);
	return st;
}

/* ---- attachments, e-mails, evidences -------------------------------------------- */

static enum db_status read_attachments(PGconn *c, struct read_tx *x)
{
	arena_t *a = x->a;
	const char *q[1] = {ids(a, x->request_id)};
	enum db_status st;
	/* The enclosures of drafts are not yet the case's: they come with
	 * their letter. */
	PGresult *r = query(
	    c, &st,
	    "SELECT a.id::text, a.filename, a.content_type, a.data, encode(a.sha256, 'hex'), a.source, "
	    UTC_SECONDS("a.created_at") ", coalesce(a.document_id::text, ''), "
	    "coalesce(ip.message_id::text, '') FROM attachments a "
	    "LEFT JOIN inbound_parts ip ON ip.id = a.inbound_part_id WHERE a.request_id = $1 "
	    "AND (a.document_id IS NULL OR EXISTS (SELECT 1 FROM documents dd WHERE dd.id = a.document_id "
	    "AND dd.status = 'issued')) ORDER BY a.created_at, a.id",
	    1, q);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		struct export_item *it = add_item(x);
		const char *source = PQgetvalue(r, i, 5);
		it->kind = "zalacznik";
		it->key = atoll(PQgetvalue(r, i, 0));
		it->name = col(a, r, i, 1);
		it->title = arena_printf(a, "Załącznik: %s", it->name);
		it->content_type = col(a, r, i, 2);
		it->date_kind = strcmp(source, "clerk") == 0 ? "uzyskany" : "otrzymany";
		it->at = col(a, r, i, 6);
		it->author = strcmp(source, "clerk") == 0 ? x->org : x->requester;
		if (!it->author.name || !*it->author.name)
			it->author = (struct export_party){.person = true, .name = "wnioskodawca"};
		set_data(it, a, r, i, 3);
		if (!it->data)
			snprintf(it->sha256, sizeof it->sha256, "%s", PQgetvalue(r, i, 4));
		if (PQgetlength(r, i, 7)) {
			it->rel_kind = "pismo", it->rel_key = atoll(PQgetvalue(r, i, 7));
			it->author = x->org;
		} else if (PQgetlength(r, i, 8)) {
			it->rel_kind = "poczta", it->rel_key = atoll(PQgetvalue(r, i, 8));
		} else if (strcmp(source, "requester") == 0) {
			it->rel_kind = "wniosek", it->rel_key = x->request_id;
		}
		it->rel_word = "jest częścią";
	}
	PQclear(r);
	return st;
}

static enum db_status read_mails(PGconn *c, struct read_tx *x)
{
	arena_t *a = x->a;
	const char *q[1] = {ids(a, x->request_id)};
	enum db_status st;
	PGresult *r = query(c, &st,
	                    "SELECT m.id::text, m.raw, encode(m.sha256, 'hex'), " UTC_SECONDS("m.received_at")
	                    ", m.subject, m.from_name, m.from_address FROM inbound_messages m "
	                    "WHERE m.request_id = $1 ORDER BY m.received_at, m.id",
	                    1, q);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		struct export_item *it = add_item(x);
		it->kind = "poczta";
		it->key = atoll(PQgetvalue(r, i, 0));
		const char *subject = col(a, r, i, 4);
		it->title = *subject ? arena_printf(a, "Wiadomość e-mail: %s", subject) : "Wiadomość e-mail";
		it->name = "wiadomosc.eml";
		it->content_type = "message/rfc822";
		it->spec = "wiadomość w postaci źródłowej (RFC 5322)";
		it->date_kind = "otrzymany";
		it->at = col(a, r, i, 3);
		it->rodzaj = "wiadomość e-mail";
		const char *from = *PQgetvalue(r, i, 5) ? col(a, r, i, 5) : col(a, r, i, 6);
		it->author = (struct export_party){.person = true, .name = *from ? from : "nadawca nieznany"};
		it->has_recipient = true;
		it->recipient = x->org;
		set_data(it, a, r, i, 1);
		if (!it->data)
			snprintf(it->sha256, sizeof it->sha256, "%s", PQgetvalue(r, i, 2));
	}
	PQclear(r);
	return st;
}

static enum db_status read_evidences(PGconn *c, struct read_tx *x)
{
	arena_t *a = x->a;
	const char *q[1] = {ids(a, x->request_id)};
	enum db_status st;
	PGresult *r = query(c, &st,
	                    "SELECT ev.id::text, ev.type, " UTC_SECONDS("ev.occurred_at")
	                    ", ev.content_type, ev.body, d.id::text, d.seq::text, ds.channel "
	                    "FROM dispatch_evidences ev JOIN dispatches ds ON ds.id = ev.dispatch_id "
	                    "JOIN documents d ON d.id = ds.document_id WHERE ds.request_id = $1 "
	                    "ORDER BY ev.occurred_at, ev.id",
	                    1, q);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		struct export_item *it = add_item(x);
		const char *type = col(a, r, i, 1), *ct = col(a, r, i, 3);
		it->kind = "dowod";
		it->key = atoll(PQgetvalue(r, i, 0));
		it->title = arena_printf(a, "Dowód doręczenia %s pisma nr %s (%s)", type, PQgetvalue(r, i, 6),
		                         dispatch_channel_label(PQgetvalue(r, i, 7)));
		it->name = arena_printf(a, "dowod-%s.%s", type,
		                        strstr(ct, "pdf") ? "pdf" : strstr(ct, "xml") ? "xml" : "bin");
		it->content_type = ct;
		it->date_kind = "uzyskany";
		it->at = col(a, r, i, 2);
		it->rodzaj = "dowód doręczenia";
		it->author = (struct export_party){.name = strcmp(PQgetvalue(r, i, 7), "edoreczenia") == 0 ||
		                                                   strcmp(PQgetvalue(r, i, 7), "hybrid_post") == 0
		                                               ? "Publiczna usługa rejestrowanego doręczenia "
		                                                 "elektronicznego (e-Doręczenia)"
		                                               : "Operator pocztowy"};
		it->rel_kind = "pismo";
		it->rel_key = atoll(PQgetvalue(r, i, 5));
		it->rel_word = "odnosi się do";
		set_data(it, a, r, i, 4);
	}
	PQclear(r);
	return st;
}

/* ---- the event log --------------------------------------------------------------- */

static json_t *nullable(const PGresult *r, int row, int c, bool number)
{
	if (PQgetisnull(r, row, c))
		return json_null();
	return number ? json_integer(atoll(PQgetvalue(r, row, c)))
	              : json_stringn(PQgetvalue(r, row, c), (size_t)PQgetlength(r, row, c));
}

static enum db_status read_events(PGconn *c, struct read_tx *x)
{
	arena_t *a = x->a;
	const char *q[2] = {ids(a, x->request_id), ids(a, x->org_id)};
	enum db_status st;
	PGresult *r = query(
	    c, &st,
	    "SELECT e.id::text, e.org_id::text, e.request_id::text, "
	    "to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), e.actor, "
	    "e.actor_user_id::text, e.action, e.from_state, e.to_state, e.data::text, "
	    "encode(e.prev_hash, 'hex'), encode(e.hash, 'hex'), "
	    "(SELECT max(p.id) FROM events p WHERE p.org_id = e.org_id AND p.id < e.id)::text "
	    "FROM events e WHERE e.request_id = $1 ORDER BY e.id",
	    1, q);
	json_t *list = json_array();
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++)
		json_array_append_new(
		    list, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
		                    nullable(r, i, 0, true), "org_id", nullable(r, i, 1, true), "request_id",
		                    nullable(r, i, 2, true), "at", nullable(r, i, 3, false), "actor",
		                    nullable(r, i, 4, false), "actor_user_id", nullable(r, i, 5, true), "action",
		                    nullable(r, i, 6, false), "from_state", nullable(r, i, 7, false), "to_state",
		                    nullable(r, i, 8, false), "data", nullable(r, i, 9, false), "prev_id",
		                    nullable(r, i, 12, true), "prev_hash", nullable(r, i, 10, false), "hash",
		                    nullable(r, i, 11, false)));
	PQclear(r);
	json_t *head = json_null();
	if (st == DB_OK) {
		r = query(c, &st, "SELECT last_id, encode(last_hash, 'hex') FROM event_chain WHERE org_id = $1",
		          1, q + 1);
		if (st == DB_OK && PQntuples(r) == 1)
			head = json_pack("{s:I,s:s}", "id", (json_int_t)atoll(PQgetvalue(r, 0, 0)), "hash",
			                 PQgetvalue(r, 0, 1));
		PQclear(r);
	}
	x->events = json_pack(
	    "{s:s,s:s,s:s,s:s,s:o,s:s,s:o}", "format", PACKAGE_EVENTS_FORMAT, "case_number",
	    x->c.case_number, "organisation", x->c.org_slug, "verification",
	    "Each event's hash is SHA-256(prev_hash || payload), prev_hash and hash in hexadecimal "
	    "(prev_hash empty for the first event of the organisation). payload is the UTF-8 text of "
	    "id|org_id|request_id|at|actor|actor_user_id|action|from_state|to_state|data, its fields "
	    "joined by '|', null as empty, `at` in UTC with microseconds, `data` exactly as given "
	    "(PostgreSQL's jsonb text). The chain is the organisation's: prev_id is the event before "
	    "this one in it; when it is an event of this case the link is checked in the package, "
	    "otherwise it belongs to another case and is checked against the body's database "
	    "(jawnosc audit verify). Verify with: jawnosc audit verify --package FILE.zip",
	    "chain_head_at_export", head, "exported_at", x->c.exported_at, "events", list);
	x->c.events = (int)json_array_size(list);
	return st;
}

static enum db_status read_tx(PGconn *c, void *vx)
{
	struct read_tx *x = vx;
	/* One snapshot for the whole package. */
	enum db_status st = db_run(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", 0, NULL);
	if (st == DB_OK)
		st = read_case(c, x);
	if (st == DB_OK && !add_request(x))
		x->failed = true;
	if (st == DB_OK)
		st = read_documents(c, x);
	if (st == DB_OK)
		st = read_attachments(c, x);
	if (st == DB_OK)
		st = read_mails(c, x);
	if (st == DB_OK)
		st = read_evidences(c, x);
	if (st == DB_OK)
		st = read_events(c, x);
	return st;
}

/* The items in the order they entered the case (their instants, the
 * request first). */
static int by_time(const void *pa, const void *pb)
{
	const struct export_item *a = pa, *b = pb;
	bool ra = !strcmp(a->kind, "wniosek"), rb = !strcmp(b->kind, "wniosek");
	if (ra != rb)
		return ra ? -1 : 1;
	int c = strcmp(a->at ? a->at : "", b->at ? b->at : "");
	if (c)
		return c;
	c = strcmp(a->kind, b->kind);
	return c ? c : (a->key > b->key) - (a->key < b->key);
}

static bool zip_put(zip_t *z, const char *name, const char *data, size_t len)
{
	const char *why = NULL;
	if (zip_add(z, name, data, len, &why))
		return true;
	log_error("export: %s: %s", name, why);
	return false;
}

static bool build_zip(const struct svc_ctx *ctx, struct read_tx *x, struct export_package *out)
{
	arena_t *a = ctx->arena;
	qsort(x->items, x->n, sizeof *x->items, by_time);
	export_number(a, &x->c, x->items, x->n);
	out->name = export_safe_name(a, x->c.case_number);
	char *events = json_dumps(x->events, JSON_INDENT(1) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	if (!events)
		return false;
	size_t elen = strlen(events);
	const char *etext = arena_strndup(a, events, elen);
	free(events);
	unsigned char h[32];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)etext, elen);
	sodium_bin2hex(hex, sizeof hex, h, 32);
	x->c.events_file = arena_printf(a, "zdarzenia/%s.json", out->name);
	x->c.events_sha256 = arena_strdup(a, hex);
	zip_t z;
	zip_init(&z, a, ctx->now);
	size_t len;
	const char *xml = export_case_xml(a, &x->c, x->items, x->n, &len);
	bool ok = zip_put(&z, arena_printf(a, "sprawy/%s.xml", out->name), xml, len) &&
	          zip_put(&z, x->c.events_file, etext, elen);
	for (size_t i = 0; ok && i < x->n; i++) {
		const struct export_item *it = &x->items[i];
		if (it->data)
			ok = zip_put(&z, it->file, it->data, it->len);
		xml = export_ndap_xml(a, &x->c, it, x->items, x->n, &len);
		ok = ok && zip_put(&z, it->meta, xml, len);
		out->documents += it->data != NULL;
		out->erased += it->data == NULL;
	}
	if (ok && !zip_finish(&z, &out->zip, &out->len)) {
		log_error("export: case %lld: the package passes 4 GiB", x->request_id);
		ok = false;
	}
	out->case_number = x->c.case_number;
	out->events = x->c.events;
	return ok;
}

enum outcome export_case(const struct svc_ctx *ctx, long long request_id, const char *case_number,
                         const char *org_slug, const char *via, struct export_package *out,
                         struct problem *p)
{
	memset(out, 0, sizeof *out);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct mark_tx m = {ctx->arena, ctx->who, request_id, case_number, org_slug, via, {0}};
	enum db_status st = db_transaction(c, mark_tx, &m);
	if (m.f.rows == 0 && st != DB_UNAVAILABLE)
		return problem_set(p, OUT_NOT_FOUND, "Nie ma takiej sprawy.", NULL);
	if (m.f.rows > 1)
		return problem_set(p, OUT_CONFLICT,
		                   "Sprawę o tym znaku mają różne organizacje: wskaż organizację.",
		                   "ambiguous_case_number");
	if (st != DB_OK)
		return svc_outcome(st, p);
	struct read_tx x = {.a = ctx->arena, .now = ctx->now, .request_id = m.f.id, .org_id = m.f.org_id};
	st = db_read_transaction(c, read_tx, &x);
	enum outcome o = svc_outcome(st, p);
	if (o == OUT_OK && (x.failed || !build_zip(ctx, &x, out)))
		o = problem_set(p, OUT_ERROR, NULL, NULL);
	json_decref(x.events);
	return o;
}
