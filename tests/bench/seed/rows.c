/* SPDX-License-Identifier: EUPL-1.2 */
#include "rows.h"

#include "cases/secret.h"
#include "jsonb.h"
#include "trigger.h"
#include "when.h"

const char rows_requesters_sql[] = "COPY requesters (request_id, org_id, name, email, "
                                   "postal_address, phone, ip, created_at) FROM STDIN";
const char rows_terms_sql[] = "COPY terms (id, org_id, request_id, kind, label, basis, side, "
                              "start_on, unshifted_on, due_on, state, at_risk, steps, closed_on, "
                              "created_at) FROM STDIN";
const char rows_documents_sql[] = "COPY documents (id, org_id, request_id, seq, type, title, "
                                  "status, markdown, html, pdf, sha256, author_id, issued_at, "
                                  "created_at, inputs, delivery) FROM STDIN";
const char rows_deliveries_sql[] = "COPY deliveries (id, org_id, document_id, delivered_on, "
                                   "recorded_by, recorded_at) FROM STDIN";

/* requests.due_on is not written: the server's trigger terms_nearer_due
 * sets it as the open terms of the body arrive (few: those of the cases
 * still open), so it stays on during the load. */
void rows_requests_sql(bool has_aot, char *out, size_t n)
{
	snprintf(out, n,
	         "COPY requests (id, org_id, unit_id, case_number, case_class, case_seq, case_year, "
	         "kind, channel, received_at, received_on, subject, body, form, delivery, "
	         "reuse_purpose, reuse_format, reuse_manner, state, closed_on, assignee_id, "
	         "tracking_hash, version, created_at, updated_at%s) FROM STDIN",
	         has_aot ? ", answered_on_time" : "");
}

static void request_row(const struct model *m, struct sink *s, const struct sim *x,
                        const unsigned char hash[32])
{
	const struct scase *c = x->c;
	char subject[300];
	model_subject(c, subject, sizeof subject);
	col_i(s, x->request_id);
	col_i(s, x->o->id);
	col_i(s, x->un->id);
	col_s(s, x->cn);
	col_s(s, model_class(c));
	col_i(s, c->seq);
	col_i(s, x->received.y);
	col_s(s, c->kind ? "reuse" : "public_information");
	col_s(s, channel_ids[c->channel]);
	col_ts(s, c->received_at * 1000000);
	col_day(s, x->rday);
	col_s(s, subject);
	col_fmt(s,
	        "Na podstawie art. 2 ust. 1 ustawy z dnia 6 września 2001 r. o dostępie do informacji "
	        "publicznej wnoszę o udostępnienie informacji: %s.\n\nProszę o przesłanie odpowiedzi "
	        "w formie elektronicznej.",
	        subject);
	col_s(s, x->details.form);
	col_s(s, x->details.delivery);
	col_s(s, c->kind ? "Analiza i publikacja w serwisie z danymi otwartymi." : NULL);
	col_s(s, c->kind ? "plik CSV" : NULL);
	col_s(s, c->kind ? "pobranie ze strony lub e-mail" : NULL);
	col_s(s, law_states[x->state].id);
	col_day(s, x->closed_on);
	col_id(s, c->assignee != NO_USER ? x->o->users[c->assignee].id : 0);
	col_bytea(s, hash, 32);
	col_i(s, 1 + x->steps);
	col_ts(s, c->received_at * 1000000 + 1000);
	col_ts(s, x->last_us);
	if (m->has_aot) {
		int aot = trigger_answered_on_time(x);
		if (aot < 0)
			col_s(s, NULL);
		else
			col_b(s, aot == 1);
	}
	row_end(s);
}

static void requester_row(struct sink *s, const struct sim *x)
{
	const struct details *d = &x->details;
	col_i(s, x->request_id);
	col_i(s, x->o->id);
	col_s(s, d->name);
	col_s(s, d->email);
	col_s(s, d->addr);
	col_s(s, d->phone);
	col_s(s, *d->ip ? d->ip : NULL);
	col_ts(s, x->c->received_at * 1000000 + 1000);
	row_end(s);
}

/* The terms with how each was computed. */
static void term_rows(struct model *m, struct sink *s, const struct sim *x)
{
	static struct jbuf jb;
	for (int k = 0; k < x->nterms; k++) {
		const struct term_row *t = &x->terms[k];
		const law_term_info_t *ti = &law_terms[t->kind];
		jb_reset(&jb);
		jb_raw(&jb, "[", 1);
		for (int q = 0; q < t->nsteps; q++) {
			if (q)
				jb_raw(&jb, ",", 1);
			jb_str(&jb, t->steps[q]);
		}
		jb_raw(&jb, "]", 1);
		col_i(s, m->first_term + m->nterms++);
		col_i(s, x->o->id);
		col_i(s, x->request_id);
		col_s(s, ti->id);
		col_s(s, ti->label);
		col_s(s, ti->basis);
		col_s(s, ti->side == LAW_SIDE_REQUESTER ? "requester" : "body");
		col_day(s, t->start);
		col_day(s, t->unshifted);
		col_day(s, t->due);
		col_s(s, t->state);
		col_b(s, t->at_risk);
		col_s(s, jb.b);
		col_day(s, t->closed_on);
		col_ts(s, t->at_us);
		row_end(s);
	}
}

/* A letter: its text, and when issued its HTML, the PDF and who signed. */
static void document_row(const struct model *m, struct sink *s, const struct sim *x,
                         const struct doc_row *d)
{
	const struct sorg *o = x->o;
	char date[LAW_DATE_STRLEN];
	fmt_day(d->date, date);
	const char *title = law_documents[d->type].title;
	col_i(s, d->id);
	col_i(s, o->id);
	col_i(s, x->request_id);
	col_i(s, d->seq);
	col_s(s, law_documents[d->type].id);
	col_s(s, title);
	col_s(s, d->issued ? "issued" : "draft");
	col_fmt(s,
	        "%s, dnia %s\n\nZnak sprawy: %s\n\n# %s\n\nW odpowiedzi na wniosek z dnia ... "
	        "uprzejmie informuję, że sprawa została rozpatrzona.\n",
	        o->place, date, x->cn, title);
	if (d->issued) {
		col_fmt(s,
		        "<p>%s, dnia %s</p><p>Znak sprawy: %s</p><h1>%s</h1><p>W odpowiedzi na "
		        "wniosek uprzejmie informuję, że sprawa została rozpatrzona.</p>",
		        o->place, date, x->cn, title);
		col_bytea(s, m->pdf, m->pdf_len);
		col_bytea(s, m->pdf_sha, 32);
		col_id(s, d->author != NO_USER ? o->users[d->author].id : 0);
		col_ts(s, d->at_us + ISSUE_AFTER_US);
	} else {
		for (int i = 0; i < 5; i++)
			col_s(s, NULL);
	}
	col_ts(s, d->at_us);
	struct jpair jp[1] = {{"date", date, 0}};
	struct jbuf jb;
	jb_object(&jb, jp, 1);
	col_s(s, jb.b);
	col_s(s, d->issued ? model_letter_delivery(x->c) : NULL);
	row_end(s);
}

static void delivery_rows(struct sink *s, const struct sim *x)
{
	for (int k = 0; k < x->ndeliveries; k++) {
		const struct delivery_row *d = &x->deliveries[k];
		col_i(s, d->id);
		col_i(s, x->o->id);
		col_i(s, d->doc_id);
		col_day(s, d->day);
		col_id(s, x->o->users[d->by].id);
		col_ts(s, d->at_us);
		row_end(s);
	}
}

void rows_case(struct model *m, struct case_rows *out, const struct sim *x)
{
	/* The tracking token: random, stored as its hash as the server does. */
	char token[TOKEN_LEN + 1];
	unsigned char hash[32];
	token_random(token);
	token_hash(token, hash);
	if (out->tokens && x->i % out->token_every == 0)
		fprintf(out->tokens, "%s %s %s\n", x->o->host, token, law_states[x->state].id);
	delivery_rows(&out->deliveries, x);
	for (int q = 0; q < x->ndocs; q++)
		document_row(m, &out->docs, x, &x->docs[q]);
	request_row(m, &out->req, x, hash);
	requester_row(&out->requester, x);
	term_rows(m, &out->terms, x);
}
