/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/letters.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/action.h"
#include "cases/attachment_files.h"
#include "cases/bae.h"
#include "cases/caseview.h"
#include "cases/clerk.h"
#include "cases/dispatch.h"
#include "cases/mailref.h"
#include "cases/pending.h"
#include "cases/scope.h"
#include "cases/service.h"
#include "cases/signature.h"
#include "cases/store.h"
#include "core/config.h"
#include "core/log.h"
#include "db/changes.h"
#include "db/db.h"
#include "law/lifecycle.h"
#include "render/attachlist.h"
#include "render/letter_gaps.h"
#include "render/letter_public.h"
#include "render/redact.h"

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

/* ---- Variables from the case ---------------------------------------------- */

static void set(json_t *o, const char *dotted, const char *value)
{
	/* "org.name" → {"org": {"name": value}} */
	const char *dot = strchr(dotted, '.');
	if (!dot) {
		json_object_set_new(o, dotted, json_string(value ? value : ""));
		return;
	}
	char head[64];
	snprintf(head, sizeof head, "%.*s", (int)(dot - dotted), dotted);
	json_t *sub = json_object_get(o, head);
	if (!sub) {
		sub = json_object();
		json_object_set_new(o, head, sub);
	}
	set(sub, dot + 1, value);
}

/* Like set(), for any JSON value (a reference is stolen). */
static void set_json(json_t *o, const char *dotted, json_t *value)
{
	const char *dot = strchr(dotted, '.');
	if (!dot) {
		json_object_set_new(o, dotted, value);
		return;
	}
	char head[64];
	snprintf(head, sizeof head, "%.*s", (int)(dot - dotted), dotted);
	json_t *sub = json_object_get(o, head);
	if (!sub) {
		sub = json_object();
		json_object_set_new(o, head, sub);
	}
	set_json(sub, dot + 1, value);
}

static bool has(json_t *o, const char *dotted)
{
	const char *dot = strchr(dotted, '.');
	if (!dot)
		return json_object_get(o, dotted) != NULL;
	char head[64];
	snprintf(head, sizeof head, "%.*s", (int)(dot - dotted), dotted);
	json_t *sub = json_object_get(o, head);
	return sub && has(sub, dot + 1);
}

/* What the clerk typed for the step, under the names the templates use. */
static const struct {
	const char *type; /* NULL: any type */
	const char *input, *var;
} input_map[] = {
    {"clarification_call", "text", "clarification"},
    {"interest_call", "text", "reasons"},
    {"completion_call", "text", "completion.missing"},
    {"information_release", "text", "answer"},
    {"reuse_transfer", "text", "answer"},
    {"partial_refusal_decision", "text", "facts"},
    {"refusal_decision", "text", "facts"},
    {"reuse_refusal_decision", "text", "facts"},
    {"discontinuance_decision", "text", "facts"},
    {"fee_notice", "text", "fee.calculation"},
    {"fee_notice", "amount", "fee.amount"},
    {"form_notice", "text", "possible_form"},
    {"other_statute_letter", "text", "other_statute"},
    {"reuse_offer", "text", "offer.conditions"},
    {"reuse_offer", "amount", "offer.fee"},
    {"conditions_decision", "text", "offer.conditions"},
    {"conditions_decision", "amount", "offer.fee"},
    {"appeal_forwarding", "text", "position"},
    {"court_answer", "text", "position"},
    {"reconsideration_decision", "text", "ruling"},
    /* Issue 20 item 9. */
    {"appeal_granted_decision", "text", "answer"},
    {"ponaglenie_forwarding", "text", "position"},
    {"ponaglenie_order", "text", "ruling"},
    {NULL, "text", "reasons"},
    {NULL, "new_due", "new_due"},
    {NULL, "legal_basis", "refusal.basis"},
    {NULL, "persons", "persons"},
    {NULL, "address", "bip_address"},
};

/* What a letter says until the clerk says otherwise. */
static const struct {
	const char *type, *var, *value;
} var_defaults[] = {
    /* PPSA art. 54 §2: the complaint goes to the court with the case's
     * files; the files go as the case package (cases/export.h,
     * docs/export.md), which the panel's "Pobierz akta sprawy" gives. */
    {"court_answer", "attachments",
     "skarga wraz z odpisem\nakta sprawy w postaci elektronicznej – paczka ZIP z dokumentami "
     "sprawy, ich metadanymi (NDAP), wykazem dokumentów z sumami kontrolnymi SHA-256 i rejestrem "
     "zdarzeń sprawy"},
};

static void map_inputs(json_t *vars, const char *type, json_t *inputs)
{
	for (size_t i = 0; i < sizeof var_defaults / sizeof var_defaults[0]; i++)
		if (!strcmp(var_defaults[i].type, type) && !has(vars, var_defaults[i].var))
			set(vars, var_defaults[i].var, var_defaults[i].value);
	for (size_t i = 0; i < sizeof input_map / sizeof input_map[0]; i++) {
		if (input_map[i].type && strcmp(input_map[i].type, type))
			continue;
		json_t *v = json_object_get(inputs, input_map[i].input);
		if (json_is_string(v) && *json_string_value(v) && !has(vars, input_map[i].var))
			set(vars, input_map[i].var, json_string_value(v));
	}
	/* UDIP art. 16 ust. 2 pkt 2: only a refusal for privacy or a business
	 * secret names the persons and the protected parties. */
	json_t *key = json_object_get(inputs, "legal_basis_key");
	if (json_is_string(key))
		set_json(vars, "refusal.names_parties",
		         json_boolean(clerk_basis_names_parties(json_string_value(key))));
	/* Amounts are written as "12,50" in the form; letters say "12,50 zł". */
	json_t *fee = json_object_get(vars, "fee");
	json_t *amount = fee ? json_object_get(fee, "amount") : NULL;
	if (json_is_string(amount) && !strstr(json_string_value(amount), "zł")) {
		char buf[64];
		snprintf(buf, sizeof buf, "%s zł", json_string_value(amount));
		json_object_set_new(fee, "amount", json_string(buf));
	}
}

/* Dates of earlier steps the letters cite: the latest of each action. */
static enum db_status event_dates(PGconn *c, arena_t *a, long long request_id, json_t *vars)
{
	static const struct {
		const char *action, *var;
	} dates[] = {{"call_to_clarify", "call_date"},      {"offer", "offer.date"},
	             {"object_to_offer", "objection.date"}, {"appeal", "appeal.date"},
	             {"request_reconsideration", "appeal.date"}, {"court_complaint", "complaint.date"},
	             {"call_to_sign", "signature_call.date"},
	             {"call_to_identify", "identity_call.date"},
	             {"record_ponaglenie", "ponaglenie.date"}, {"waive_appeal", "appeal.waived_on"}};
	const char *p[1] = {ids(a, request_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT DISTINCT ON (action) action, coalesce(data->>'date', "
	                      "(at AT TIME ZONE 'Europe/Warsaw')::date::text), "
	                      "(at AT TIME ZONE 'Europe/Warsaw')::date::text, "
	                      "coalesce(data->>'warning_code', ''), coalesce(data->>'restore_request', '') "
	                      "FROM events WHERE request_id = $1 ORDER BY action, id DESC",
	                      1, p);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		for (size_t k = 0; k < sizeof dates / sizeof dates[0]; k++) {
			if (strcmp(PQgetvalue(r, i, 0), dates[k].action))
				continue;
			set(vars, dates[k].var, PQgetvalue(r, i, 1));
			if (!strcmp(dates[k].var, "appeal.date"))
				set(vars, "appeal.received_on", PQgetvalue(r, i, 2));
			if (!strcmp(dates[k].var, "complaint.date"))
				set(vars, "complaint.received_on", PQgetvalue(r, i, 2));
			if (!strcmp(dates[k].var, "ponaglenie.date"))
				set(vars, "ponaglenie.received_on", PQgetvalue(r, i, 2));
			/* Issue 20 item 9: an appeal after its term or after a waiver
			 * goes on all the same (KPA art. 134), with the request to
			 * restore the term when there is one (art. 58, 59 §2). */
			if (!strcmp(dates[k].var, "appeal.date")) {
				const char *w = PQgetvalue(r, i, 3);
				set_json(vars, "appeal.late", json_boolean(!strcmp(w, "requester_late")));
				set_json(vars, "appeal.waived", json_boolean(!strcmp(w, "remedy_waived")));
				set_json(vars, "appeal.restore_request",
				         json_boolean(!strcmp(PQgetvalue(r, i, 4), "tak")));
			}
		}
	}
	PQclear(r);
	if (st != DB_OK)
		return st;
	/* The decision an appeal or a reconsideration is about. */
	r = db_exec(c, &st,
	            "SELECT (issued_at AT TIME ZONE 'Europe/Warsaw')::date::text FROM documents "
	            "WHERE request_id = $1 AND status = 'issued' AND type LIKE '%decision' "
	            "ORDER BY seq DESC LIMIT 1",
	            1, p);
	if (st == DB_OK && PQntuples(r) == 1)
		set(vars, "decision.date", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (st != DB_OK)
		return st;
	/* The last day of the remedy window the appeal answers. */
	r = db_exec(c, &st,
	            "SELECT due_on::text FROM terms WHERE request_id = $1 AND kind IN "
	            "('appeal_window', 'reconsideration_window') ORDER BY id DESC LIMIT 1",
	            1, p);
	if (st == DB_OK && PQntuples(r) == 1)
		set(vars, "appeal.window_due", PQgetvalue(r, 0, 0));
	PQclear(r);
	return st;
}

/* The case, the requester, the organisation and who signs. */
static enum db_status case_vars(PGconn *c, arena_t *a, const struct actor *who,
                                long long request_id, json_t *vars)
{
	const char *p[3] = {ids(a, request_id), ids(a, who->org_id), ids(a, who->user_id)};
	enum db_status st;
	PGresult *r = db_exec_row(
	    c, &st,
	    "SELECT r.case_number, r.kind, r.received_on::text, coalesce(t.due_on::text, "
	    "r.received_on::text), r.subject, r.form, coalesce(r.reuse_purpose, ''), "
	    "q.name, q.postal_address, q.email, o.name, un.name, o.address, o.place, o.email, o.phone, "
	    "o.bip_url, " STORE_REMEDY_SQL("o", "un.remedy") ", o.signer_name, o.signer_position, "
	    "u.name, u.position, o.policy_clarification_days, o.letterhead, "
	    /* Issue 20 item 8: the unit's appeal body, else the organisation's. */
	    "coalesce(un.appeal_body, o.appeal_body), "
	    "CASE WHEN un.appeal_body IS NULL THEN o.appeal_body_address "
	    "ELSE coalesce(un.appeal_body_address, '') END, o.court, o.court_address, "
	    "r.reuse_standing, o.public_authority "
	    "FROM requests r JOIN organisations o ON o.id = r.org_id JOIN units un ON un.id = r.unit_id "
	    "LEFT JOIN requesters q ON q.request_id = r.id "
	    "LEFT JOIN LATERAL (SELECT due_on FROM terms WHERE request_id = r.id AND kind IN "
	    "('answer', 'reuse_answer') ORDER BY id LIMIT 1) t ON true "
	    "LEFT JOIN users u ON u.id = $3 "
	    "WHERE r.id = $1 AND r.org_id = $2",
	    3, p);
	if (!r)
		return st;
#define V(i) PQgetvalue(r, 0, i)
	static const char *names[] = {"case.number",     "case.kind",        "case.received_on",
	                              "case.due_on",     "case.subject",     "case.form",
	                              "case.reuse_purpose", "requester.name", "requester.address",
	                              "requester.email", "org.name",         "org.unit",
	                              "org.address",     "org.place",        "org.email",
	                              "org.phone",       "org.bip_url",      "remedy"};
	for (int i = 0; i < 18; i++)
		set(vars, names[i], V(i));
	set(vars, "pleading", letter_pleading(V(17)));
	if (!*V(8) && !*V(9))
		set(vars, "requester.address", "");
	if (!*V(7))
		set(vars, "requester.name", "Wnioskodawca");
	/* The signer: the organisation's default, else the clerk. */
	set(vars, "signer.name", *V(18) ? V(18) : V(20));
	set(vars, "signer.position", *V(18) ? V(19) : V(21));
	set(vars, "org.authority", *V(19) ? V(19) : V(10));
	json_object_set_new(vars, "window_days", json_integer(atoi(V(22))));
	/* Where a reply goes: an address that names the case (cases/mailref.h). */
	char reply[MAILREF_MAX + 1];
	if (mailref_reply_address(V(14), cfg.mail_from, request_id, reply, sizeof reply))
		set(vars, "org.reply_email", reply);
	else if (*V(14))
		set(vars, "org.reply_email", V(14));
	if (!*V(13))
		set(vars, "org.place", "Warszawa");
	/* None set: the letter marks it for the clerk (mark_missing()). */
	if (*V(24)) {
		set(vars, "org.appeal_body", V(24));
		set(vars, "org.appeal_body_address", V(25));
	}
	if (*V(26)) {
		set(vars, "org.court", V(26));
		set(vars, "org.court_address", V(27));
	}
	/* Issue 20 item 11: standing access (UOD art. 39 ust. 2, art. 42). */
	set_json(vars, "case.reuse_standing", json_boolean(V(28)[0] == 't'));
	/* UDIP art. 16 ust. 1, art. 17 ust. 1: the acts of a body that is not
	 * an organ of public authority are rozstrzygnięcia without the KPA. */
	set_json(vars, "org.public_authority", json_boolean(V(29)[0] == 't'));
#undef V
	PQclear(r);
	return DB_OK;
}

/* Whatever the template needs and no step recorded: a visible mark the
 * clerk replaces before issuing, never a silent gap. */
static void mark_missing(json_t *vars, const char *today)
{
	for (size_t i = 0; i < letter_var_count; i++) {
		const letter_var_t *v = &letter_vars[i];
		if (v->source == LETTER_SRC_CONSTANT || v->source == LETTER_SRC_COMPUTED || v->optional ||
		    has(vars, v->name))
			continue;
		/* Named in Polish (render/letter_gaps.h). */
		char mark[256];
		snprintf(mark, sizeof mark, "%s %s]", LETTER_GAP_OPEN, v->label ? v->label : v->name);
		switch (v->type) {
		case LETTER_VAR_DATE:
			set(vars, v->name, today); /* a date must be a date: the clerk checks it */
			break;
		case LETTER_VAR_NUMBER:
			json_object_set_new(vars, v->name, json_integer(0));
			break;
		case LETTER_VAR_FLAG: /* a section the step did not call for */
			set_json(vars, v->name, json_false());
			break;
		case LETTER_VAR_LIST:
			if (!strchr(v->name, '.'))
				json_object_set_new(vars, v->name, json_pack("[s]", mark));
			else
				set(vars, v->name, mark);
			break;
		default:
			set(vars, v->name, mark);
		}
	}
}

struct doc {
	long long id;
	const char *type, *title, *status, *markdown, *issued_at, *author;
	json_t *inputs;
	bool has_pdf;
};

static enum db_status load_doc(PGconn *c, arena_t *a, const struct actor *who, long long request_id,
                               int seq, bool lock, struct doc *d, bool *found)
{
	const char *p[4] = {ids(a, request_id), ids(a, seq), ids(a, who->org_id),
	                    ids(a, scope_unit(who))};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      lock ? "SELECT d.id, d.type, d.title, d.status, d.markdown, "
	                             "coalesce(to_char(d.issued_at AT TIME ZONE 'Europe/Warsaw', "
	                             "'YYYY-MM-DD HH24:MI'), ''), coalesce(u.name, ''), d.inputs::text, "
	                             "d.pdf IS NOT NULL FROM documents d LEFT JOIN users u ON u.id = d.author_id "
	                             "WHERE d.request_id = $1 AND d.seq = $2 AND d.org_id = $3 "
	                             "AND " SCOPE_CASE_OF("d.request_id", "$3", "$4") " FOR UPDATE OF d"
	                           : "SELECT d.id, d.type, d.title, d.status, d.markdown, "
	                             "coalesce(to_char(d.issued_at AT TIME ZONE 'Europe/Warsaw', "
	                             "'YYYY-MM-DD HH24:MI'), ''), coalesce(u.name, ''), d.inputs::text, "
	                             "d.pdf IS NOT NULL FROM documents d LEFT JOIN users u ON u.id = d.author_id "
	                             "WHERE d.request_id = $1 AND d.seq = $2 AND d.org_id = $3 "
	                             "AND " SCOPE_CASE_OF("d.request_id", "$3", "$4"),
	                      4, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found) {
		d->id = atoll(PQgetvalue(r, 0, 0));
		d->type = arena_strdup(a, PQgetvalue(r, 0, 1));
		d->title = arena_strdup(a, PQgetvalue(r, 0, 2));
		d->status = arena_strdup(a, PQgetvalue(r, 0, 3));
		d->markdown = arena_strdup(a, PQgetvalue(r, 0, 4));
		d->issued_at = arena_strdup(a, PQgetvalue(r, 0, 5));
		d->author = arena_strdup(a, PQgetvalue(r, 0, 6));
		d->inputs = json_loads(PQgetvalue(r, 0, 7), 0, NULL);
		d->has_pdf = PQgetvalue(r, 0, 8)[0] == 't';
	}
	PQclear(r);
	return st;
}

/* {{kpa}}, {{udip}}, {{uod}}, {{ppsa}}: per act, the consolidated text in
 * force on the letter's date `day` (the row of `citations` with the
 * greatest applies_from on or before it; issue 20 item 14). An act without
 * such a row keeps the engine's compiled-in citation. */
static enum db_status citations(PGconn *c, arena_t *a, const char *day, json_t *vars)
{
	const char *p[1] = {day};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT DISTINCT ON (act) act, dz_u FROM citations "
	                      "WHERE applies_from <= $1::date ORDER BY act, applies_from DESC",
	                      1, p);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		strbuf_t sb;
		sb_init(&sb, a);
		if (letter_citation(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), &sb))
			set(vars, PQgetvalue(r, i, 0), sb.data);
	}
	PQclear(r);
	return st;
}

static enum db_status build_vars(PGconn *c, arena_t *a, const struct actor *who,
                                 long long request_id, const struct doc *d, int64_t now,
                                 json_t **out)
{
	json_t *vars = json_object();
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(now), today);
	enum db_status st = case_vars(c, a, who, request_id, vars);
	if (st == DB_OK)
		st = event_dates(c, a, request_id, vars);
	if (st != DB_OK) {
		json_decref(vars);
		return st;
	}
	map_inputs(vars, d->type, d->inputs);
	if ((st = citations(c, a, today, vars)) != DB_OK) {
		json_decref(vars);
		return st;
	}
	/* "do Samorządowego Kolegium Odwoławczego w ...": the genitive of the
	 * bodies' names, where the name is a known one. */
	static const char *const gen[][2] = {{"appeal_body", "appeal_body_gen"},
	                                     {"court", "court_gen"}};
	json_t *org = json_object_get(vars, "org");
	for (size_t i = 0; org && i < 2; i++) {
		const char *nom = json_string_value(json_object_get(org, gen[i][0]));
		strbuf_t sb;
		sb_init(&sb, a);
		if (nom && !json_object_get(org, gen[i][1]) && letter_genitive(nom, &sb))
			json_object_set_new(org, gen[i][1], json_string(sb.data));
	}
	set(vars, "letter.date", today);
	const letter_type_t *lt = letter_type(d->type);
	/* A body that is not an organ of public authority: a rozstrzygnięcie
	 * in public information (law_document_title()). */
	const char *kind = json_string_value(json_object_get(json_object_get(vars, "case"), "kind"));
	bool no_kpa = json_is_false(json_object_get(org, "public_authority")) && kind &&
	              !strcmp(kind, "public_information");
	set(vars, "letter.title",
	    lt ? law_document_title((law_document_t)(lt - law_documents), no_kpa) : d->title);
	if (lt && lt->addressee != LAW_TO_REQUESTER) {
		const letter_var_t *av = letter_var_by_field("luka-addressee-name");
		char mark[160];
		snprintf(mark, sizeof mark, "%s %s]", LETTER_GAP_OPEN, av ? av->label : "adresat");
		bool court = lt->addressee == LAW_TO_COURT;
		const char *body = json_string_value(json_object_get(org, court ? "court" : "appeal_body"));
		const char *addr = json_string_value(
		    json_object_get(org, court ? "court_address" : "appeal_body_address"));
		set(vars, "addressee.name", body ? body : mark);
		set(vars, "addressee.address", body && addr ? addr : "");
	}
	mark_missing(vars, today);
	*out = vars;
	return DB_OK;
}

/* ---- Viewing, editing, issuing --------------------------------------------- */

/* What a transaction on one document (viewing, issuing) works with. */
struct doc_tx {
	arena_t *a;
	const struct actor *who;
	const letter_set_t *ls;
	long long request_id;
	int seq;
	int64_t now;
	json_t *out;          /* viewing: the document's view */
	bool found;           /* viewing */
	const char *markdown; /* issuing: the text as the clerk last saw it */
	const char *channel;  /* issuing: the dispatch channel the clerk chose (NULL: default) */
	bool dry;             /* issuing: only check and say what would happen, in `out` */
	struct problem *p;    /* issuing: why not */
	enum outcome result;  /* issuing */
};

/* The transaction's context for document `seq` of request `request_id`. */
static struct doc_tx doc_tx(const struct svc_ctx *ctx, const letter_set_t *ls,
                            long long request_id, int seq)
{
	return (struct doc_tx){.a = ctx->arena,
	                       .who = ctx->who,
	                       .ls = ls,
	                       .request_id = request_id,
	                       .seq = seq,
	                       .now = ctx->now};
}

static bool render_markdown(const letter_set_t *ls, const struct doc *d, json_t *vars, strbuf_t *md)
{
	char err[512];
	if (!letter_has(ls, d->type)) {
		log_error("letter %s: no template", d->type);
		return false;
	}
	if (!letter_markdown(ls, d->type, vars, md, err, sizeof err)) {
		log_error("letter %s: %s", d->type, err);
		return false;
	}
	return true;
}

static enum db_status view_tx(PGconn *c, void *vctx)
{
	struct doc_tx *x = vctx;
	json_decref(x->out);
	x->out = NULL;
	struct doc d = {0};
	enum db_status st = load_doc(c, x->a, x->who, x->request_id, x->seq, true, &d, &x->found);
	if (st != DB_OK || !x->found)
		return st;
	json_t *vars = NULL;
	if ((st = build_vars(c, x->a, x->who, x->request_id, &d, x->now, &vars)) != DB_OK) {
		json_decref(d.inputs);
		return st;
	}
	/* A draft's gaps' marks plain, also in one written before they were. */
	const char *md = strcmp(d.status, "draft") ? d.markdown : letter_gaps_plain(x->a, d.markdown);
	if (!strcmp(d.status, "draft") && !*md) {
		/* First view of a draft: write its Markdown from the template. */
		strbuf_t sb;
		sb_init(&sb, x->a);
		if (render_markdown(x->ls, &d, vars, &sb)) {
			/* Its gaps' marks as the clerk reads them, not escaped. */
			md = letter_gaps_plain(x->a, sb.data);
			const char *p[2] = {ids(x->a, d.id), md};
			st = db_run(c, "UPDATE documents SET markdown = $2 WHERE id = $1", 2, p);
		} else {
			md = "";
		}
	}
	strbuf_t html;
	sb_init(&html, x->a);
	letter_html_opts_t opts = {.fragment = true};
	char err[256] = "";
	bool ok = *md && letter_html_ex(md, vars, &opts, &html, err, sizeof err);
	x->out = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:b, s:i}", "type", d.type,
	                   "title", d.title, "status", d.status, "markdown", md, "issued",
	                   !strcmp(d.status, "issued"), "draft", !strcmp(d.status, "draft"),
	                   "issued_at", d.issued_at, "author", d.author, "has_pdf", d.has_pdf, "seq",
	                   x->seq);
	json_object_set_new(x->out, "incomplete", json_boolean(strstr(md, LETTERS_TODO) != NULL));
	/* Its enclosures (cases/attachment_files.h). */
	json_t *atts = NULL;
	long long total = 0;
	struct attachlist_item *items;
	size_t natt = 0;
	if (st == DB_OK)
		st = attach_letter_items(c, x->a, d.id, &items, &natt, &atts, &total);
	json_object_set_new(x->out, "attachments", atts ? atts : json_array());
	json_object_set_new(x->out, "has_attachments", json_boolean(natt > 0));
	json_object_set_new(x->out, "attachments_total", json_integer(total));
	json_t *signature = NULL;
	if (st == DB_OK && !strcmp(d.status, "issued") && (st = signature_json(c, d.id, &signature)) == DB_OK)
		json_object_set_new(x->out, "signature", signature ? signature : json_null());
	if (st == DB_OK)
		st = dispatch_view(c, x->a, x->request_id, d.id, d.type, d.title, x->out);
	/* The step that waits for this letter (cases/pending.h), or for
	 * another of the case's. */
	json_t *waiting = json_object();
	if (st == DB_OK)
		st = pending_view(c, x->request_id, "step", waiting);
	json_t *step = json_object_get(waiting, "step");
	if (step)
		json_object_set(x->out,
		                json_integer_value(json_object_get(step, "seq")) == x->seq ? "pending"
		                                                                           : "pending_other",
		                step);
	json_decref(waiting);
	if (ok)
		json_object_set_new(x->out, "preview", json_string(html.data));
	else if (*err)
		json_object_set_new(x->out, "preview_error", json_string(err));
	json_decref(vars);
	json_decref(d.inputs);
	return st;
}

enum outcome letters_view(const struct svc_ctx *ctx, const letter_set_t *ls, long long request_id,
                          int seq, json_t **out, struct problem *p)
{
	*out = NULL;
	if (request_id <= 0 || seq <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	/* The requester's address in the BAE, asked before the page's
	 * transaction (cases/bae.h); its failure is shown on the page. */
	struct problem ignored;
	bae_refresh(ctx, request_id, seq, false, &ignored);
	/* Writing a draft's first Markdown is the organisation's write. */
	changes_writer(ctx->who->org_id);
	struct doc_tx x = doc_tx(ctx, ls, request_id, seq);
	enum db_status st = db_transaction(c, view_tx, &x);
	if (st != DB_OK) {
		json_decref(x.out);
		return svc_outcome(st, p);
	}
	if (!x.found)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(ctx->now), today);
	json_object_set_new(x.out, "today", json_string(today));
	*out = x.out;
	return OUT_OK;
}

const char *letters_markdown_problem(const char *md)
{
	if (!md || !*md || strlen(md) > 200000)
		return "Treść pisma jest pusta albo za długa (najwyżej 200 000 znaków).";
	for (const unsigned char *c = (const unsigned char *)md; *c; c++)
		if ((*c < 0x20 && *c != '\n' && *c != '\r' && *c != '\t') || *c == 0x7f)
			return "Treść pisma zawiera niedozwolone znaki sterujące.";
	return NULL;
}

enum outcome letters_gaps_problem(arena_t *a, const char *md, struct problem *p)
{
	struct letter_gap gaps[LETTER_GAPS_MAX];
	size_t n = letter_gaps_find(a, md, gaps);
	if (!n && !strstr(md, LETTER_GAP_OPEN))
		return OUT_OK;
	/* The whole message at the text, then each gap at its field. */
	if (!n)
		problem_field(p, "markdown",
		              "W piśmie zostały miejsca oznaczone „" LETTER_GAP_OPEN
		              " …]”. Uzupełnij je przed wystawieniem.");
	else
		problem_fieldf(p, a, "markdown",
		               "W piśmie brakuje: %s. Uzupełnij je przed wystawieniem (pola nad "
		               "treścią pisma albo miejsca „" LETTER_GAP_OPEN " …]” w treści).",
		               letter_gaps_names(a, gaps, n));
	for (size_t i = 0; i < n; i++)
		if (gaps[i].var)
			problem_fieldf(p, a, letter_gap_field(a, gaps[i].var), "Uzupełnij: %s.",
			               gaps[i].label);
	return OUT_INVALID;
}

enum outcome letters_save(const struct svc_ctx *ctx, long long request_id, int seq,
                          const char *markdown, struct problem *p)
{
	const char *bad = letters_markdown_problem(markdown);
	if (bad)
		return problem_field(p, "markdown", bad);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	const char *q[5] = {ids(a, request_id), ids(a, seq), ids(a, ctx->who->org_id), markdown,
	                    ids(a, scope_unit(ctx->who))};
	changes_writer(ctx->who->org_id);
	int n;
	enum db_status st =
	    db_run_rows(c,
	                "UPDATE documents d SET markdown = $4 WHERE d.request_id = $1 AND d.seq = $2 "
	                "AND d.org_id = $3 AND d.status = 'draft' "
	                "AND " SCOPE_CASE_OF("d.request_id", "$3", "$5") " RETURNING d.id",
	                5, q, &n);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (n == 0)
		return problem_set(p, OUT_CONFLICT, "Pismo zostało już wystawione i nie można go zmienić.",
		                   "issued");
	return OUT_OK;
}

/* The letter's public copy (render/letter_public.h), the only form the
 * register may publish it in, written in the issuing transaction. None
 * when the requester's data cannot be taken out of it: the register then
 * cannot publish the letter at all. */
/* How many times `needle` stands in `hay`. */
static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static enum db_status store_public_copy(PGconn *c, struct doc_tx *x, long long doc_id,
                                        const char *md, json_t *vars, bool *made)
{
	*made = false;
	const char *p[1] = {ids(x->a, x->request_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT name, email, postal_address, phone FROM requesters "
	                      "WHERE request_id = $1",
	                      1, p);
	letter_personal_t who = {0};
	if (st == DB_OK && PQntuples(r) == 1)
		who = (letter_personal_t){arena_strdup(x->a, PQgetvalue(r, 0, 0)),
		                          arena_strdup(x->a, PQgetvalue(r, 0, 1)),
		                          arena_strdup(x->a, PQgetvalue(r, 0, 2)),
		                          arena_strdup(x->a, PQgetvalue(r, 0, 3))};
	PQclear(r);
	if (st != DB_OK)
		return st;
	strbuf_t pmd, pdf;
	sb_init(&pmd, x->a);
	sb_init(&pdf, x->a);
	char err[256];
	json_t *pvars = NULL;
	bool ok = letter_public_markdown(md, &who, vars, &pmd, err, sizeof err) &&
	          (pvars = letter_public_vars(vars, &who, err, sizeof err)) != NULL &&
	          letter_pdf(pmd.data, pvars, &pdf, err, sizeof err);
	json_decref(pvars);
	if (!ok) {
		log_info("document %lld: no public copy for the register: %s", doc_id, err);
		return DB_OK;
	}
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)pdf.data, pdf.len);
	/* What the copy lost, counted, never quoted (migration 0023): the
	 * placeholders' words (cmark escapes their brackets). */
	char perr[128];
	int pages = redact_page_count((const unsigned char *)pdf.data, pdf.len, perr, sizeof perr);
	json_t *removed = json_pack("{s:b, s:b, s:i, s:i}", "addressee", 1, "distribution",
	                            strstr(md, "Otrzymują") != NULL, "requester_data",
	                            count_of(pmd.data, "dane osobowe wnioskodawcy usunięte"),
	                            "third_party_data", count_of(pmd.data, "dane zanonimizowane"));
	char *removed_s = json_dumps(removed, JSON_COMPACT);
	json_decref(removed);
	const char *q[8] = {ids(x->a, doc_id), ids(x->a, x->who->org_id), pmd.data, pdf.data,
	                    (const char *)h, x->who->user_id ? ids(x->a, x->who->user_id) : NULL,
	                    removed_s ? removed_s : "{}", pages > 0 ? ids(x->a, pages) : NULL};
	int lens[8] = {0, 0, 0, (int)pdf.len, 32, 0, 0, 0};
	int fmts[8] = {0, 0, 0, 1, 1, 0, 0, 0};
	r = PQexecParams(c,
	                 "INSERT INTO document_public_copies (document_id, org_id, markdown, pdf, "
	                 "sha256, made_by, removed, pages) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	                 8, NULL, q, lens, fmts, 0);
	free(removed_s);
	st = db_status_of(c, r);
	PQclear(r);
	*made = st == DB_OK;
	return st;
}

/* What happens to a letter once issued, by the channel it goes by. */
static const char *after_issue(const struct dispatch_plan *plan)
{
	if (plan->elsewhere)
		return "Pisma nie doręcza się wnioskodawcy: przekazuje się je adresatowi wraz z aktami "
		       "sprawy.";
	switch (plan->channel) {
	case LAW_DISPATCH_EMAIL:
		return "Od razu po wystawieniu wiadomość e-mail z pismem w PDF trafia do wysyłki.";
	case LAW_DISPATCH_TRACKING_PAGE:
		return "Od razu po wystawieniu pismo pojawi się na stronie sprawy wnioskodawcy.";
	case LAW_DISPATCH_REGISTERED_LETTER:
		return "Po wystawieniu wydrukuj list polecony (arkusz adresowy, pismo, potwierdzenie "
		       "odbioru), nadaj go i zapisz numer nadawczy.";
	case LAW_DISPATCH_EDORECZENIA:
	case LAW_DISPATCH_HYBRID_POST:
		return "Po wystawieniu pismo wyśle zadanie e-Doręczeń (decyzję — po wgraniu wersji "
		       "podpisanej).";
	case LAW_DISPATCH_IN_PERSON:
		return "Po wystawieniu pismo czeka na odbiór osobisty za pokwitowaniem.";
	default:
		return "";
	}
}

/* The dry run's answer (issue 21 item 4): what issuing would do. */
static json_t *issue_preview(struct doc_tx *x, const struct doc *d, const struct dispatch_plan *plan,
                             const char *md, json_t *vars)
{
	strbuf_t html;
	sb_init(&html, x->a);
	letter_html_opts_t opts = {.fragment = true};
	char err[256] = "";
	bool ok = letter_html_ex(md, vars, &opts, &html, err, sizeof err);
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(x->now), today);
	const char *to =
	    json_string_value(json_object_get(json_object_get(vars, "addressee"), "name"));
	json_t *out = json_pack("{s:i, s:s, s:s, s:s, s:s, s:b, s:s}", "seq", x->seq, "title", d->title,
	                        "type", d->type, "markdown", md, "issue_date", today, "elsewhere",
	                        plan->elsewhere, "after", after_issue(plan));
	json_object_set_new(out, "case_number", json_string(plan->case_number ? plan->case_number : ""));
	if (plan->elsewhere) {
		json_object_set_new(out, "addressee", json_string(to ? to : ""));
	} else {
		const law_dispatch_channel_info_t *ch = &law_dispatch_channels[plan->channel];
		json_object_set_new(out, "channel", json_string(ch->id));
		json_object_set_new(out, "channel_label", json_string(ch->label));
		json_object_set_new(out, "channel_basis", json_string(ch->basis));
	}
	if (ok)
		json_object_set_new(out, "preview", json_string(html.data ? html.data : ""));
	return out;
}

static enum db_status issue_tx(PGconn *c, void *vctx)
{
	struct doc_tx *x = vctx;
	x->result = OUT_OK;
	struct doc d = {0};
	bool found;
	/* The case first, then the document: the order every step takes, so
	 * the step waiting for this letter is decided on a case nobody
	 * changes meanwhile. */
	struct case_ref f;
	enum db_status st = case_lock_staff(c, x->a, x->request_id, x->who, &f, &found);
	if (st == DB_OK && found)
		st = load_doc(c, x->a, x->who, x->request_id, x->seq, !x->dry, &d, &found);
	if (st != DB_OK)
		return st;
	if (!found) {
		x->result = problem_set(x->p, OUT_NOT_FOUND, NULL, NULL);
		return DB_OK;
	}
	if (strcmp(d.status, "draft") != 0) {
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "Pismo zostało już wystawione. Aby je zmienić, wystaw korektę.",
		                        "issued");
		json_decref(d.inputs);
		return DB_OK;
	}
	const char *md = x->markdown && *x->markdown ? x->markdown : d.markdown;
	/* The letter lists what goes with it, whatever its text said. */
	struct attachlist_item *items;
	size_t natt;
	if ((st = attach_letter_items(c, x->a, d.id, &items, &natt, NULL, NULL)) != DB_OK) {
		json_decref(d.inputs);
		return st;
	}
	if (natt)
		md = attachlist_apply(x->a, md, items, natt, LETTERS_TODO);
	const char *bad = letters_markdown_problem(md);
	if (bad) {
		x->result = problem_field(x->p, "markdown", bad);
		json_decref(d.inputs);
		return DB_OK;
	}
	if (letters_gaps_problem(x->a, md, x->p) != OUT_OK) {
		x->result = OUT_INVALID;
		json_decref(d.inputs);
		return DB_OK;
	}
	/* The way it will travel, before anything is written: a channel the
	 * law refuses leaves the document a draft (law/dispatch.h). */
	struct dispatch_plan plan;
	bool lawful;
	law_error_t why;
	st = dispatch_plan(c, x->a, x->request_id, d.id, d.type, d.title, x->channel, &plan, &lawful,
	                   &why);
	if (st != DB_OK || !lawful) {
		json_decref(d.inputs);
		if (st == DB_OK)
			x->result = problem_set(x->p, OUT_REFUSED, arena_strdup(x->a, why.message), why.code);
		return st;
	}
	/* The step this letter carries is decided again for today: what the
	 * law no longer allows (its term passed, someone else acted) is
	 * refused now, and the draft stays (cases/pending.h). */
	bool waits = false, allowed = true;
	law_error_t refused;
	law_date_t today = caseview_today(x->now);
	st = pending_check(c, x->a, d.id, today, &waits, &allowed, &refused);
	if (st != DB_OK || !allowed) {
		json_decref(d.inputs);
		if (st == DB_OK)
			x->result = problem_set(
			    x->p, OUT_REFUSED,
			    arena_printf(x->a,
			                 "Pisma nie wystawiono. %s Projekt pisma pozostaje: możesz go "
			                 "poprawić albo usunąć.",
			                 refused.message),
			    refused.code);
		return st;
	}
	json_t *vars = NULL;
	if ((st = build_vars(c, x->a, x->who, x->request_id, &d, x->now, &vars)) != DB_OK) {
		json_decref(d.inputs);
		return st;
	}
	if (x->dry) {
		x->out = issue_preview(x, &d, &plan, md, vars);
		json_decref(vars);
		json_decref(d.inputs);
		return DB_OK;
	}
	strbuf_t html, pdf;
	sb_init(&html, x->a);
	sb_init(&pdf, x->a);
	char err[256];
	bool ok = letter_html(md, vars, &html, err, sizeof err) && letter_pdf(md, vars, &pdf, err, sizeof err);
	json_decref(d.inputs);
	if (!ok) {
		json_decref(vars);
		log_error("rendering document %lld: %s", d.id, err);
		x->result = problem_field(
		    x->p, "markdown",
		    arena_printf(x->a, "Nie udało się przygotować pisma do wystawienia: %s", err));
		return DB_OK;
	}
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)pdf.data, pdf.len);
	/* One UPDATE: after it the row is issued and the trigger refuses any other.
	 * Issued at the request's instant, the one its letter date and the day
	 * it leaves are taken from (so a posting is never "before the issue"). */
	const char *p[7] = {ids(x->a, d.id), md, html.data, pdf.data, (const char *)h,
	                    ids(x->a, x->who->user_id), ids(x->a, (long long)x->now)};
	int lens[7] = {0, 0, 0, (int)pdf.len, 32, 0, 0};
	int fmts[7] = {0, 0, 0, 1, 1, 0, 0};
	PGresult *r = PQexecParams(c,
	                           "UPDATE documents SET status = 'issued', markdown = $2, html = $3, pdf = $4, "
	                           "sha256 = $5, author_id = $6, issued_at = to_timestamp($7::bigint), "
	                           "delivery = (SELECT delivery FROM requests WHERE id = documents.request_id) "
	                           "WHERE id = $1",
	                           7, NULL, p, lens, fmts, 0);
	st = db_status_of(c, r);
	PQclear(r);
	bool public_copy = false;
	if (st == DB_OK)
		st = store_public_copy(c, x, d.id, md, vars, &public_copy);
	json_decref(vars);
	if (st == DB_OK) {
		char hex[65];
		sodium_bin2hex(hex, sizeof hex, h, 32);
		json_t *data = json_pack("{s:i, s:s, s:s, s:s, s:b}", "seq", x->seq, "document", d.type,
		                         "sha256", hex, "delivery",
		                         plan.elsewhere ? "" : law_dispatch_channels[plan.channel].id,
		                         "public_copy", public_copy);
		st = store_event(c, x->who->org_id, x->request_id, x->who->role, x->who->user_id,
		                 "issue_document", NULL, NULL, data);
		json_decref(data);
	}
	/* Its dispatch, in the same transaction (cases/dispatch.h), which
	 * takes the waiting step when the letter leaves at once. A letter to
	 * the appeal body or the court leaves with the files: its step takes
	 * effect as it is issued. */
	long long dispatch_id;
	if (st == DB_OK)
		st = dispatch_start(c, x->a, x->who, x->request_id, d.id, x->seq, &plan, x->now,
		                    &dispatch_id);
	if (st == DB_OK && waits && plan.elsewhere) {
		bool taken;
		st = pending_take(c, x->a, d.id, today, &taken, &refused);
		if (st == DB_OK && !taken) {
			log_error("document %lld: its step refused after the check: %s", d.id,
			          refused.message);
			st = DB_ERROR;
		}
	}
	return st;
}

static enum outcome issue(const struct svc_ctx *ctx, const letter_set_t *ls, long long request_id,
                          int seq, const char *markdown, const char *channel, json_t **dry,
                          struct problem *p)
{
	law_dispatch_channel_t ch;
	if (channel && *channel && !law_dispatch_channel_from_id(channel, &ch))
		return problem_field(p, "channel", "Wybierz sposób doręczenia z listy.");
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	/* Checked again when its answer is older than the TTL (cases/bae.h),
	 * before the issuing transaction: the default then follows it. */
	struct problem ignored;
	bae_refresh(ctx, request_id, seq, false, &ignored);
	changes_writer(ctx->who->org_id);
	struct doc_tx x = doc_tx(ctx, ls, request_id, seq);
	x.markdown = markdown;
	x.channel = channel;
	x.p = p;
	x.dry = dry != NULL;
	enum db_status st = db_transaction(c, issue_tx, &x);
	if (st != DB_OK || x.result != OUT_OK) {
		json_decref(x.out);
		return st != DB_OK ? svc_outcome(st, p) : x.result;
	}
	if (dry)
		*dry = x.out;
	return OUT_OK;
}

enum outcome letters_issue(const struct svc_ctx *ctx, const letter_set_t *ls,
                           long long request_id, int seq, const char *markdown,
                           const char *channel, struct problem *p)
{
	return issue(ctx, ls, request_id, seq, markdown, channel, NULL, p);
}

enum outcome letters_issue_check(const struct svc_ctx *ctx, const letter_set_t *ls,
                                 long long request_id, int seq, const char *markdown,
                                 const char *channel, json_t **out, struct problem *p)
{
	*out = NULL;
	return issue(ctx, ls, request_id, seq, markdown, channel, out, p);
}

struct correct_tx {
	arena_t *a;
	const struct actor *who;
	long long request_id;
	int seq, new_seq;
};

static enum db_status correct_tx(PGconn *c, void *vx)
{
	struct correct_tx *x = vx;
	arena_t *a = x->a;
	x->new_seq = 0;
	const char *q[4] = {ids(a, x->request_id), ids(a, x->seq), ids(a, x->who->org_id),
	                    ids(a, scope_unit(x->who))};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "INSERT INTO documents (org_id, request_id, seq, type, title, markdown, inputs, "
	                      "supersedes_id) SELECT d.org_id, d.request_id, "
	                      "(SELECT max(seq) + 1 FROM documents WHERE request_id = d.request_id), d.type, "
	                      "'Korekta: ' || d.title, d.markdown, d.inputs, d.id FROM documents d "
	                      "WHERE d.request_id = $1 AND d.seq = $2 AND d.org_id = $3 AND d.status = 'issued' "
	                      "AND " SCOPE_CASE_OF("d.request_id", "$3", "$4") " RETURNING seq, id, supersedes_id",
	                      4, q);
	long long id = 0, from = 0;
	if (st == DB_OK && PQntuples(r) == 1) {
		x->new_seq = atoi(PQgetvalue(r, 0, 0));
		id = atoll(PQgetvalue(r, 0, 1));
		from = atoll(PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	/* The correction goes with the same enclosures, until the clerk
	 * changes them (cases/attachment_files.h). */
	if (st == DB_OK && id)
		st = attach_letter_copy(c, from, id);
	return st;
}

enum outcome letters_correct(const struct svc_ctx *ctx, long long request_id, int seq,
                             int *new_seq, struct problem *p)
{
	*new_seq = 0;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	changes_writer(ctx->who->org_id);
	struct correct_tx x = {.a = ctx->arena, .who = ctx->who, .request_id = request_id, .seq = seq};
	enum db_status st = db_transaction(c, correct_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!x.new_seq)
		return problem_set(p, OUT_NOT_FOUND,
		                   "Korektę można wystawić tylko do pisma już wystawionego.", NULL);
	*new_seq = x.new_seq;
	return OUT_OK;
}

enum outcome letters_delivered(const struct svc_ctx *ctx, long long request_id, int seq,
                               const char *date, struct problem *p)
{
	law_date_t d, today = caseview_today(ctx->now);
	if (!date || !law_date_parse(date, &d) || law_date_cmp(d, today) > 0)
		return problem_field(p, "delivered_on",
		                     "Podaj datę doręczenia (RRRR-MM-DD), nie późniejszą niż dzisiaj.");
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	const struct actor *who = ctx->who;
	const char *q[6] = {ids(a, request_id), ids(a, seq), ids(a, who->org_id), date,
	                    ids(a, who->user_id), ids(a, scope_unit(who))};
	changes_writer(who->org_id);
	int n;
	enum db_status st =
	    db_run_rows(c,
	                "INSERT INTO deliveries (org_id, document_id, delivered_on, recorded_by) "
	                "SELECT d.org_id, d.id, $4, $5 FROM documents d WHERE d.request_id = $1 "
	                "AND d.seq = $2 AND d.org_id = $3 AND d.status = 'issued' "
	                "AND NOT EXISTS (SELECT 1 FROM dispatches s WHERE s.document_id = d.id) "
	                "AND " SCOPE_CASE_OF("d.request_id", "$3", "$6") " RETURNING id",
	                6, q, &n);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (n != 1)
		return problem_set(p, OUT_NOT_FOUND,
		                   "Datę doręczenia można tu zapisać tylko dla wystawionego pisma, które nie "
		                   "ma wysyłki; pismo wysłane zapisuje doręczenie przy swojej wysyłce "
		                   "(potwierdzenie odbioru, zwrot, dowód otrzymania).",
		                   NULL);
	/* For decisions and notices the delivery starts the requester's term:
	 * that is the lifecycle's own step, taken when the law offers it (a
	 * refusal leaves the delivery recorded). */
	struct clerk_input in = {.action = "record_delivery", .date = date};
	struct problem step;
	if (clerk_act(ctx, request_id, &in, NULL, &step) == OUT_UNAVAILABLE)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	return OUT_OK;
}

enum outcome letters_pdf(const struct svc_ctx *ctx, long long request_id, int seq,
                         const char **pdf, size_t *len, struct problem *p)
{
	*pdf = NULL;
	*len = 0;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	const char *q[4] = {ids(a, request_id), ids(a, seq), ids(a, ctx->who->org_id),
	                    ids(a, scope_unit(ctx->who))};
	PGresult *r = PQexecParams(c,
	                           "SELECT " SIGNATURE_PDF_OF("d") " FROM documents d WHERE d.request_id = $1 "
	                           "AND d.seq = $2 AND d.org_id = $3 AND d.status = 'issued' "
	                           "AND " SIGNATURE_PDF_OF("d") " IS NOT NULL "
	                           "AND " SCOPE_CASE_OF("d.request_id", "$3", "$4"),
	                           4, NULL, q, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	enum outcome o = st != DB_OK          ? svc_outcome(st, p)
	                 : PQntuples(r) == 1 ? OUT_OK
	                                     : problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	if (o == OUT_OK) {
		*pdf = db_value_copy(a, r, 0, 0, len);
	}
	PQclear(r);
	return o;
}

struct discard_tx {
	arena_t *a;
	const struct actor *who;
	long long request_id;
	int seq;
	struct problem *p;
	enum outcome result;
};

static enum db_status discard_tx(PGconn *c, void *vx)
{
	struct discard_tx *x = vx;
	arena_t *a = x->a;
	struct case_ref f;
	bool found;
	enum db_status st = case_lock_staff(c, a, x->request_id, x->who, &f, &found);
	if (st != DB_OK)
		return st;
	const char *q[2] = {ids(a, x->request_id), ids(a, x->seq)};
	PGresult *r = NULL;
	if (found)
		r = db_exec(c, &st,
		            "SELECT d.id, d.status, d.type, coalesce(p.action, '') FROM documents d "
		            "LEFT JOIN pending_steps p ON p.document_id = d.id "
		            "WHERE d.request_id = $1 AND d.seq = $2 FOR UPDATE OF d",
		            2, q);
	found = found && st == DB_OK && PQntuples(r) == 1;
	long long doc_id = found ? atoll(PQgetvalue(r, 0, 0)) : 0;
	bool draft = found && !strcmp(PQgetvalue(r, 0, 1), "draft");
	const char *type = found ? arena_strdup(a, PQgetvalue(r, 0, 2)) : "";
	const char *action = found ? arena_strdup(a, PQgetvalue(r, 0, 3)) : "";
	PQclear(r);
	if (st != DB_OK)
		return st;
	if (!found) {
		x->result = problem_set(x->p, OUT_NOT_FOUND, NULL, NULL);
		return DB_OK;
	}
	if (!draft) {
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "Pismo zostało już wystawione: nie można go usunąć. Aby je "
		                        "zmienić, wystaw korektę.",
		                        "issued");
		return DB_OK;
	}
	/* Its enclosures go with it; one with a public copy stays in the
	 * case's files (the copy is the register's). */
	const char *d1[1] = {ids(a, doc_id)};
	if ((st = pending_forget(c, doc_id)) != DB_OK ||
	    (st = db_run(c,
	                 "UPDATE attachments a SET document_id = NULL WHERE a.document_id = $1 AND "
	                 "EXISTS (SELECT 1 FROM attachment_public_copies k WHERE k.attachment_id = a.id)",
	                 1, d1)) != DB_OK ||
	    (st = db_run(c, "DELETE FROM attachments WHERE document_id = $1", 1, d1)) != DB_OK ||
	    (st = db_run(c, "DELETE FROM documents WHERE id = $1", 1, d1)) != DB_OK ||
	    (st = db_run(c, "UPDATE requests SET version = version + 1, updated_at = now() WHERE id = $1",
	                 1, q)) != DB_OK)
		return st;
	json_t *ev = json_pack("{s:i, s:s}", "seq", x->seq, "document", type);
	if (*action)
		json_object_set_new(ev, "step", json_string(action));
	st = store_event(c, f.org.id, f.id, x->who->role, x->who->user_id, "letter_discarded", NULL,
	                 NULL, ev);
	json_decref(ev);
	return st;
}

enum outcome letters_discard(const struct svc_ctx *ctx, long long request_id, int seq,
                             struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	if (request_id <= 0 || seq <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	changes_writer(ctx->who->org_id);
	struct discard_tx x = {ctx->arena, ctx->who, request_id, seq, p, OUT_OK};
	enum db_status st = db_transaction(c, discard_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	return x.result;
}

/* The drafts not issued yet of the cases ctx->who sees (of unit `unit`
 * when not 0), oldest first: the step each waits for, and the case's due
 * date. */
static enum outcome letters_drafts(const struct svc_ctx *ctx, long long unit, json_t **out,
                                   struct problem *p)
{
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(ctx->now), today);
	const char *q[4] = {ids(ctx->arena, ctx->who->org_id), ids(ctx->arena, scope_unit(ctx->who)),
	                    ids(ctx->arena, unit), today};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT r.id, r.case_number, d.seq, d.type, d.title, "
	    "to_char(d.created_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "
	    "coalesce(p.action, ''), coalesce(r.due_on::text, ''), "
	    "r.closed_on IS NULL AND r.due_on < $4::date, coalesce(u.name, '') "
	    "FROM documents d JOIN requests r ON r.id = d.request_id "
	    "LEFT JOIN pending_steps p ON p.document_id = d.id "
	    "LEFT JOIN users u ON u.id = r.assignee_id "
	    "WHERE d.org_id = $1 AND d.status = 'draft' AND " SCOPE_CASES("r", "$1", "$2") " "
	    "AND ($3::bigint = 0 OR r.unit_id = $3) "
	    "ORDER BY d.created_at, d.id LIMIT 1000",
	    4, q);
	if (st != DB_OK) {
		PQclear(r);
		return svc_outcome(st, p);
	}
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		law_action_t act;
		const char *step = law_action_from_id(PQgetvalue(r, i, 6), &act) ? law_actions[act].label
		                                                                 : "";
		json_array_append_new(
		    items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "request_id",
		                     PQgetvalue(r, i, 0), "case_number", PQgetvalue(r, i, 1), "seq",
		                     PQgetvalue(r, i, 2), "type", PQgetvalue(r, i, 3), "title",
		                     PQgetvalue(r, i, 4), "created_at", PQgetvalue(r, i, 5), "step", step,
		                     "due_on", PQgetvalue(r, i, 7), "overdue",
		                     PQgetvalue(r, i, 8)[0] == 't', "assignee", PQgetvalue(r, i, 9)));
	}
	PQclear(r);
	*out = json_pack("{s:o, s:s, s:s, s:s, s:s, s:b}", "items", items, "from", "", "to", "",
	                 "type", "", "state", "projekt", "drafts", 1);
	return OUT_OK;
}

enum outcome letters_outgoing(const struct svc_ctx *ctx, const struct letters_filter *f,
                              json_t **out, struct problem *p)
{
	if (f->state && !strcmp(f->state, "projekt")) {
		*out = NULL;
		return letters_drafts(ctx, f->unit_id, out, p);
	}
	*out = NULL;
	law_date_t d;
	const char *from = f->from && law_date_parse(f->from, &d) ? f->from : NULL;
	const char *to = f->to && law_date_parse(f->to, &d) ? f->to : NULL;
	const char *type = f->type && letter_title(f->type) ? f->type : NULL;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	const char *q[5] = {ids(ctx->arena, ctx->who->org_id), from, to, type,
	                    ids(ctx->arena, scope_unit(ctx->who))};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT r.id, r.case_number, d.seq, d.type, d.title, "
	    "to_char(d.issued_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "
	    "coalesce(u.name, ''), coalesce(d.delivery, ''), "
	    "coalesce((SELECT max(delivered_on)::text FROM deliveries v WHERE v.document_id = d.id), ''), "
	    "encode(d.sha256, 'hex') "
	    "FROM documents d JOIN requests r ON r.id = d.request_id LEFT JOIN users u ON u.id = d.author_id "
	    "WHERE d.org_id = $1 AND d.status = 'issued' AND " SCOPE_CASES("r", "$1", "$5") " "
	    "AND ($2::date IS NULL OR d.issued_at >= ($2::date)::timestamp AT TIME ZONE 'Europe/Warsaw') "
	    "AND ($3::date IS NULL OR d.issued_at < ($3::date + 1)::timestamp AT TIME ZONE 'Europe/Warsaw') "
	    "AND ($4::text IS NULL OR d.type = $4) "
	    "ORDER BY d.issued_at DESC, d.id DESC LIMIT 1000",
	    5, q);
	if (st != DB_OK) {
		PQclear(r);
		return svc_outcome(st, p);
	}
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(
		    items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "request_id",
		                     PQgetvalue(r, i, 0), "case_number", PQgetvalue(r, i, 1), "seq",
		                     PQgetvalue(r, i, 2), "type", PQgetvalue(r, i, 3), "title",
		                     PQgetvalue(r, i, 4), "issued_at", PQgetvalue(r, i, 5), "author",
		                     PQgetvalue(r, i, 6), "delivery", PQgetvalue(r, i, 7), "delivery_label",
		                     caseview_delivery_label(PQgetvalue(r, i, 7)), "delivered_on",
		                     PQgetvalue(r, i, 8), "sha256", PQgetvalue(r, i, 9)));
	PQclear(r);
	*out = json_pack("{s:o, s:s, s:s, s:s}", "items", items, "from", from ? from : "", "to",
	                 to ? to : "", "type", type ? type : "");
	return OUT_OK;
}
