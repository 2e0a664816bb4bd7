/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/action.h"
#include "cases/bae.h"
#include "cases/caseview.h"
#include "cases/outbox.h"
#include "cases/pending.h"
#include "cases/scope.h"
#include "cases/service.h"
#include "cases/signature.h"
#include "cases/store.h"
#include "core/log.h"
#include "db/changes.h"
#include "edor/client.h"
#include "render/post.h"

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

static law_document_t doc_of(const char *type)
{
	for (int i = 1; type && i < LAW_DOC_ROWS; i++)
		if (law_documents[i].id && !strcmp(law_documents[i].id, type))
			return (law_document_t)i;
	return LAW_DOC_NONE;
}

static bool done(const char *state)
{
	return !strcmp(state, "delivered") || !strcmp(state, "deemed");
}

static law_role_t law_role_of(const struct actor *who)
{
	return !strcmp(who->role, "clerk") ? LAW_ROLE_CLERK : LAW_ROLE_MANAGER;
}

/* The body sends through e-Doręczenia: the deployment's connection is
 * configured, or the organisation has its own (`own`, org_edoreczenia).
 * Only the default channel depends on it. */
static bool edoreczenia_configured(bool own)
{
	return own || edor_enabled();
}

/* Whether decision `document_id` may travel now on an electronic channel
 * (KPA art. 107 §1 pkt 8, art. 14 §1a): it has a verified signed version
 * (cases/signature.h). A document being issued cannot be signed yet: its
 * dispatch is written and waits for the signature (the e-Doręczenia job
 * takes only signed decisions: dispatch_awaits_signature()), so only
 * an issued one is asked. */
static enum db_status document_signed(PGconn *c, long long document_id, bool *is_signed)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", document_id);
	const char *q[1] = {id};
	int issued = 0;
	enum db_status st = db_run_rows(
	    c, "SELECT 1 FROM documents WHERE id = $1 AND status = 'issued'", 1, q, &issued);
	if (st != DB_OK)
		return st;
	if (!issued) {
		*is_signed = true;
		return DB_OK;
	}
	return letters_is_signed(c, document_id, is_signed);
}

enum db_status dispatch_awaits_signature(PGconn *c, long long document_id, bool *waits)
{
	*waits = false;
	char id[24];
	snprintf(id, sizeof id, "%lld", document_id);
	const char *q[1] = {id};
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT type FROM documents WHERE id = $1", 1, q);
	law_document_t doc = st == DB_OK && PQntuples(r) == 1 ? doc_of(PQgetvalue(r, 0, 0))
	                                                      : LAW_DOC_NONE;
	PQclear(r);
	if (st != DB_OK || doc == LAW_DOC_NONE || !law_documents[doc].decision)
		return st;
	bool is_signed = false;
	st = letters_is_signed(c, document_id, &is_signed);
	*waits = st == DB_OK && !is_signed;
	return st;
}

const char *dispatch_state_label(const char *channel, const char *state)
{
	bool letter = channel && !strcmp(channel, "registered_letter");
	bool by_hand = channel && !strcmp(channel, "in_person");
	if (!strcmp(state, "queued"))
		return letter ? "do wydrukowania i nadania" : by_hand ? "do odbioru w siedzibie"
		                                                     : "oczekuje na wysłanie";
	if (!strcmp(state, "sending"))
		return "w trakcie wysyłania";
	if (!strcmp(state, "sent"))
		return letter ? "nadane, czeka na potwierdzenie odbioru" : "wysłane";
	if (!strcmp(state, "delivered"))
		return "doręczone";
	if (!strcmp(state, "deemed"))
		return "uznane za doręczone";
	if (!strcmp(state, "rejected"))
		return "odrzucone przez usługę";
	if (!strcmp(state, "failed"))
		return "niedoręczone";
	return state;
}

const char *dispatch_channel_label(const char *channel)
{
	law_dispatch_channel_t ch;
	return law_dispatch_channel_from_id(channel, &ch) ? law_dispatch_channels[ch].label : channel;
}

/* ---- Recording a delivery ------------------------------------------------ */

static enum db_status record_locked(PGconn *c, arena_t *a, long long dispatch_id, const char *date,
                                    const char *rule, const char *actor, long long user_id,
                                    law_role_t role, json_t *extra)
{
	law_date_t day;
	const law_delivery_rule_t *lr = law_delivery_rule(rule);
	if (!lr || !date || !law_date_parse(date, &day)) {
		log_error("dispatch %lld: delivery on \"%s\" by rule \"%s\" refused", dispatch_id,
		          date ? date : "", rule ? rule : "");
		return DB_ERROR;
	}
	const char *p[1] = {ids(a, dispatch_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT s.request_id, s.org_id, s.channel, d.type, d.seq, d.id, "
	                      "coalesce(to_char(s.sent_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD'), '') "
	                      "FROM dispatches s JOIN documents d ON d.id = s.document_id WHERE s.id = $1",
	                      1, p);
	if (st != DB_OK || PQntuples(r) != 1) {
		PQclear(r);
		if (st == DB_OK)
			log_error("dispatch %lld: no such dispatch", dispatch_id);
		return st == DB_OK ? DB_ERROR : st;
	}
	long long request_id = atoll(PQgetvalue(r, 0, 0)), org_id = atoll(PQgetvalue(r, 0, 1));
	changes_writer(org_id); /* the case pages of its organisation change */
	const char *channel = arena_strdup(a, PQgetvalue(r, 0, 2));
	law_document_t doc = doc_of(PQgetvalue(r, 0, 3));
	int seq = atoi(PQgetvalue(r, 0, 4));
	long long document_id = atoll(PQgetvalue(r, 0, 5));
	/* Delivered, it has left the body: on the day it was sent, or at the
	 * latest the day it was delivered. */
	law_date_t left_on = day;
	law_date_parse(PQgetvalue(r, 0, 6), &left_on);
	PQclear(r);
	/* The case first, then the dispatch: the order every step takes. */
	struct case_ref f;
	bool found;
	if ((st = case_lock(c, a, request_id, org_id, &f, &found)) != DB_OK)
		return st;
	r = db_exec_row(c, &st, "SELECT state FROM dispatches WHERE id = $1 FOR UPDATE", 1, p);
	if (!r)
		return st;
	const char *state = arena_strdup(a, PQgetvalue(r, 0, 0));
	PQclear(r);
	if (done(state))
		return DB_OK; /* told twice: the first date stands */
	if (!strcmp(state, "rejected") || !strcmp(state, "failed")) {
		log_error("dispatch %lld: a delivery reported for a dispatch that is %s", dispatch_id, state);
		return DB_ERROR;
	}
	const char *ins[4] = {p[0], date, user_id ? ids(a, user_id) : NULL, rule};
	if ((st = db_run(c,
	                 "INSERT INTO deliveries (org_id, document_id, delivered_on, recorded_by, "
	                 "dispatch_id, rule) SELECT org_id, document_id, $2, $3, id, $4 FROM dispatches "
	                 "WHERE id = $1",
	                 4, ins)) != DB_OK)
		return st;
	const char *upd[4] = {p[0], date, rule, lr->deemed ? "deemed" : "delivered"};
	if ((st = db_run(c,
	                 "UPDATE dispatches SET state = $4, delivered_on = $2, delivery_rule = $3, "
	                 "updated_at = now() WHERE id = $1",
	                 4, upd)) != DB_OK)
		return st;
	json_t *data = extra ? json_deep_copy(extra) : json_object();
	json_object_set_new(data, "dispatch", json_integer(dispatch_id));
	json_object_set_new(data, "channel", json_string(channel));
	json_object_set_new(data, "seq", json_integer(seq));
	json_object_set_new(data, "date", json_string(date));
	json_object_set_new(data, "rule", json_string(rule));
	json_object_set_new(data, "basis", json_string(lr->basis));
	/* A step still waiting for this letter (one whose sending was not
	 * told) takes effect before the delivery starts the requester's term. */
	const char *lapsed = NULL;
	st = pending_take_or_lapse(c, a, document_id, left_on, &lapsed);
	if (st == DB_OK) /* the case as the step left it */
		st = case_lock(c, a, request_id, org_id, &f, &found);
	if (st == DB_OK)
		st = store_event(c, org_id, request_id, actor, user_id, "dispatch_delivered", f.state,
		                 f.state, data);
	/* The requester's term runs from this date: the lifecycle's own step,
	 * when the document is one whose delivery starts a term. */
	if (st == DB_OK && law_dispatch_starts_term(doc)) {
		law_action_input_t in = {.action = LAW_ACT_RECORD_DELIVERY, .role = role, .date = day};
		law_outcome_t *oc = arena_alloc(a, sizeof *oc);
		bool allowed = false;
		json_t *step = json_pack("{s:I, s:s}", "dispatch", (json_int_t)dispatch_id, "rule", rule);
		st = case_act_locked(c, a, &f, &in, actor, user_id, step, oc, &allowed);
		json_decref(step);
		if (st == DB_OK && !allowed)
			log_info("dispatch %lld: delivery recorded, no term started: %s", dispatch_id,
			         oc->refusal.message);
	}
	json_decref(data);
	return st;
}

enum db_status dispatch_record_delivery(PGconn *c, arena_t *a, long long dispatch_id,
                                        const char *date, const char *rule)
{
	return record_locked(c, a, dispatch_id, date, rule, "system", 0, LAW_ROLE_SYSTEM, NULL);
}

/* ---- Planning and starting ----------------------------------------------- */

enum db_status dispatch_plan(PGconn *c, arena_t *a, long long request_id, long long document_id,
                             const char *doc_type, const char *title, const char *channel,
                             struct dispatch_plan *plan, bool *allowed, law_error_t *why)
{
	*allowed = false;
	law_error_clear(why);
	memset(plan, 0, sizeof *plan);
	const char *p[1] = {ids(a, request_id)};
	enum db_status st;
	PGresult *r = db_exec_row(c, &st,
	                          "SELECT r.delivery, coalesce(q.name, ''), coalesce(q.email, ''), "
	                          "coalesce(q.postal_address, ''), coalesce(q.ade_address, ''), "
	                          "r.case_number, o.name, EXISTS (SELECT 1 FROM org_edoreczenia e "
	                          "WHERE e.org_id = r.org_id) FROM requests r "
	                          "JOIN organisations o ON o.id = r.org_id "
	                          "LEFT JOIN requesters q ON q.request_id = r.id WHERE r.id = $1",
	                          1, p);
	if (!r)
		return st;
	plan->situation.chose = arena_strdup(a, PQgetvalue(r, 0, 0));
	plan->name = arena_strdup(a, PQgetvalue(r, 0, 1));
	plan->email = arena_strdup(a, PQgetvalue(r, 0, 2));
	plan->postal = arena_strdup(a, PQgetvalue(r, 0, 3));
	plan->ade = arena_strdup(a, PQgetvalue(r, 0, 4));
	plan->case_number = arena_strdup(a, PQgetvalue(r, 0, 5));
	plan->org_name = arena_strdup(a, PQgetvalue(r, 0, 6));
	bool own_edoreczenia = PQgetvalue(r, 0, 7)[0] == 't';
	PQclear(r);
	plan->situation.ade = *plan->ade;
	plan->situation.email = *plan->email;
	plan->situation.postal = *plan->postal;
	plan->situation.service = edoreczenia_configured(own_edoreczenia);
	plan->doc = doc_of(doc_type);
	plan->doc_type = doc_type;
	plan->title = title;
	if (plan->doc != LAW_DOC_NONE && law_documents[plan->doc].addressee != LAW_TO_REQUESTER) {
		plan->elsewhere = true;
		*allowed = true;
		return DB_OK;
	}
	if (!channel || !*channel)
		plan->channel = law_dispatch_default(plan->doc, &plan->situation);
	else if (!law_dispatch_channel_from_id(channel, &plan->channel)) {
		law_fail(why, "unknown_channel", "Nieznany sposób doręczenia.");
		return DB_OK;
	}
	if (!law_dispatch_allowed(plan->doc, &plan->situation, plan->channel, why))
		return DB_OK;
	if (plan->doc != LAW_DOC_NONE && law_documents[plan->doc].decision &&
	    law_dispatch_channels[plan->channel].electronic) {
		bool is_signed = false;
		if ((st = document_signed(c, document_id, &is_signed)) != DB_OK)
			return st;
		if (!is_signed) {
			law_fail(why, "decision_unsigned",
			         "Decyzja nie jest podpisana: drogą elektroniczną doręcza się decyzję "
			         "opatrzoną kwalifikowanym podpisem elektronicznym, podpisem zaufanym albo "
			         "osobistym upoważnionego pracownika (KPA art. 107 §1 pkt 8, art. 14 §1a).");
			return DB_OK;
		}
	}
	*allowed = true;
	return DB_OK;
}

/* Where the channel carries the document: the requester's address for it. */
static const char *address_of(arena_t *a, const struct dispatch_plan *plan)
{
	switch (plan->channel) {
	case LAW_DISPATCH_EDORECZENIA:
		return plan->ade;
	case LAW_DISPATCH_HYBRID_POST:
	case LAW_DISPATCH_REGISTERED_LETTER:
		return arena_printf(a, "%s\n%s", *plan->name ? plan->name : "Wnioskodawca", plan->postal);
	case LAW_DISPATCH_EMAIL:
		return plan->email;
	default:
		return "";
	}
}

enum db_status dispatch_start(PGconn *c, arena_t *a, const struct actor *who, long long request_id,
                              long long document_id, int seq, const struct dispatch_plan *plan,
                              int64_t now, long long *dispatch_id)
{
	*dispatch_id = 0;
	if (plan->elsewhere)
		return DB_OK;
	const law_dispatch_channel_info_t *ch = &law_dispatch_channels[plan->channel];
	bool email = plan->channel == LAW_DISPATCH_EMAIL;
	if (email) {
		/* E-mail's transport is the outbox: the message with the PDF. */
		const char *subject = arena_printf(a, "%s — sprawa %s", plan->title, plan->case_number);
		const char *body = arena_printf(a,
		                                "Dzień dobry,\n\nw załączeniu przesyłamy pismo „%s” w sprawie %s.\n\n%s\n",
		                                plan->title, plan->case_number, plan->org_name);
		if (!outbox_enqueue(c, who->org_id, request_id, plan->email, subject, body, document_id))
			return DB_ERROR;
	}
	/* At most 500 characters (the column's check): a name of 200 and an
	 * address of 500 may be longer together; cut at a character. */
	char *addr = arena_strdup(a, address_of(a, plan));
	size_t chars = 0;
	for (char *q = addr; *q; q++) {
		if (((unsigned char)*q & 0xC0) != 0x80 && ++chars > 500) {
			*q = '\0';
			break;
		}
	}
	const char *p[6] = {ids(a, request_id), ids(a, document_id), ch->id, email ? "sent" : "queued",
	                    addr, who && who->user_id ? ids(a, who->user_id) : NULL};
	enum db_status st;
	PGresult *r = db_exec_row(c, &st,
	                          "INSERT INTO dispatches (org_id, request_id, document_id, channel, state, "
	                          "address, sent_at, created_by) SELECT r.org_id, r.id, $2, $3, $4, $5, "
	                          "CASE WHEN $4 = 'sent' THEN now() END, $6 FROM requests r WHERE r.id = $1 "
	                          "RETURNING id",
	                          6, p);
	if (!r)
		return st;
	*dispatch_id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	json_t *data = json_pack("{s:i, s:s, s:I, s:s, s:s}", "seq", seq, "document", plan->doc_type,
	                         "dispatch", (json_int_t)*dispatch_id, "channel", ch->id, "basis",
	                         ch->basis);
	st = store_event(c, who->org_id, request_id, who->role, who->user_id, "dispatch", NULL, NULL,
	                 data);
	json_decref(data);
	/* E-mail and the tracking page: the letter leaves now, and the step
	 * it carries takes effect today (cases/pending.h). The caller checked
	 * with pending_check() that the law allows it. */
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(now), today);
	if (st == DB_OK && law_dispatch_leaves_at_once(plan->channel)) {
		bool taken;
		law_error_t why;
		st = pending_take(c, a, document_id, caseview_today(now), &taken, &why);
		if (st == DB_OK && why.code) {
			log_error("document %lld: its step refused after the check: %s", document_id,
			          why.message);
			st = DB_ERROR;
		}
	}
	/* Listed on the tracking page from now on; a letter that starts a
	 * term and may lawfully go by e-mail (the call for the name and
	 * address of a requester who gave no other address: law/dispatch.c)
	 * is delivered the day it is sent, so its window can run. */
	bool email_starts = email && law_dispatch_starts_term(doc_of(plan->doc_type));
	if (st == DB_OK && (plan->channel == LAW_DISPATCH_TRACKING_PAGE || email_starts)) {
		st = record_locked(c, a, *dispatch_id, today, email ? "email" : "tracking_page",
		                   who->role, who->user_id, law_role_of(who), NULL);
	}
	return st;
}

/* ---- The document page --------------------------------------------------- */

enum db_status dispatch_view(PGconn *c, arena_t *a, long long request_id, long long document_id,
                             const char *doc_type, const char *title, json_t *out)
{
	struct dispatch_plan plan;
	bool allowed;
	law_error_t why;
	enum db_status st = dispatch_plan(c, a, request_id, document_id, doc_type, title, NULL, &plan,
	                                  &allowed, &why);
	if (st != DB_OK)
		return st;
	if (plan.elsewhere) {
		/* To the appeal body or the court: sent with the files, outside. */
		json_object_set_new(out, "elsewhere", json_true());
		json_object_set_new(out, "channels", json_array());
		json_object_set_new(out, "dispatches", json_array());
		json_object_set_new(out, "can_dispatch", json_false());
		json_object_set_new(out, "legacy_delivery", json_true());
		return DB_OK;
	}
	law_dispatch_channel_t def = law_dispatch_default(plan.doc, &plan.situation);
	json_t *channels = json_array();
	for (int i = 0; i < LAW_DISPATCH_COUNT; i++) {
		law_error_t w;
		bool ok = law_dispatch_allowed(plan.doc, &plan.situation, (law_dispatch_channel_t)i, &w);
		json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b}", "id", law_dispatch_channels[i].id,
		                      "label", law_dispatch_channels[i].label, "basis",
		                      law_dispatch_channels[i].basis, "allowed", ok, "selected", i == (int)def);
		if (!ok)
			json_object_set_new(o, "reason", json_string(w.message));
		json_array_append_new(channels, o);
	}
	json_object_set_new(out, "channels", channels);
	json_object_set_new(out, "starts_term", json_boolean(law_dispatch_starts_term(plan.doc)));
	if ((st = bae_view(c, request_id, out)) != DB_OK)
		return st;

	const char *p[1] = {ids(a, document_id)};
	PGresult *r = db_exec(c, &st,
	                      "SELECT id, channel, state, address, coalesce(external_id, ''), "
	                      "coalesce(to_char(sent_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD'), ''), "
	                      "coalesce(delivered_on::text, ''), coalesce(delivery_rule, ''), last_error, "
	                      "to_char(created_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI') "
	                      "FROM dispatches WHERE document_id = $1 ORDER BY id",
	                      1, p);
	json_t *items = json_array();
	bool live = false;
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		const char *channel = PQgetvalue(r, i, 1), *state = PQgetvalue(r, i, 2);
		const char *rule = PQgetvalue(r, i, 7);
		bool letter = !strcmp(channel, "registered_letter");
		bool by_hand = !strcmp(channel, "in_person");
		live = live || (strcmp(state, "rejected") && strcmp(state, "failed"));
		json_t *o = json_pack(
		    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "id",
		    PQgetvalue(r, i, 0), "channel", channel, "channel_label", dispatch_channel_label(channel),
		    "state", state, "state_label", dispatch_state_label(channel, state), "address",
		    PQgetvalue(r, i, 3), "number", PQgetvalue(r, i, 4), "sent_on", PQgetvalue(r, i, 5),
		    "delivered_on", PQgetvalue(r, i, 6), "created_at", PQgetvalue(r, i, 9), "letter", letter,
		    "can_post", letter && !strcmp(state, "queued"), "can_receipt",
		    (letter && !strcmp(state, "sent")) || (by_hand && !strcmp(state, "queued")),
		    "can_return", letter && !strcmp(state, "sent"));
		const law_delivery_rule_t *lr = law_delivery_rule(rule);
		if (lr) {
			json_object_set_new(o, "rule_label", json_string(lr->label));
			json_object_set_new(o, "rule_basis", json_string(lr->basis));
		}
		if (PQgetvalue(r, i, 8)[0])
			json_object_set_new(o, "error", json_string(PQgetvalue(r, i, 8)));
		json_array_append_new(items, o);
	}
	PQclear(r);
	json_object_set_new(out, "dispatches", items);
	json_object_set_new(out, "has_dispatches", json_boolean(json_array_size(items) > 0));
	json_object_set_new(out, "can_dispatch", json_boolean(!live));
	json_object_set_new(out, "legacy_delivery", json_boolean(json_array_size(items) == 0));
	return st;
}

/* ---- The clerk's steps --------------------------------------------------- */

/* An issued document of a case the staff member sees, and (dispatch_id >
 * 0) one of its dispatches, locked after the case. */
struct target {
	struct case_ref f;
	long long document_id;
	const char *type, *title, *issued_on;
	long long dispatch_id;
	const char *channel, *state, *sent_on;
};

static enum db_status load_target(PGconn *c, arena_t *a, const struct actor *who,
                                  long long request_id, int seq, long long dispatch_id,
                                  struct target *t, bool *found)
{
	*found = false;
	enum db_status st = case_lock_staff(c, a, request_id, who, &t->f, found);
	if (st != DB_OK || !*found)
		return st;
	const char *p[3] = {ids(a, request_id), ids(a, seq), ids(a, dispatch_id)};
	PGresult *r = db_exec(c, &st,
	                      "SELECT d.id, d.type, d.title, "
	                      "to_char(d.issued_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD'), "
	                      "coalesce(s.channel, ''), coalesce(s.state, ''), "
	                      "coalesce(to_char(s.sent_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD'), '') "
	                      "FROM documents d LEFT JOIN dispatches s ON s.id = $3::bigint "
	                      "AND s.document_id = d.id WHERE d.request_id = $1 AND d.seq = $2 "
	                      "AND d.status = 'issued' FOR UPDATE OF d",
	                      3, p);
	*found = st == DB_OK && PQntuples(r) == 1 && (dispatch_id <= 0 || PQgetvalue(r, 0, 4)[0]);
	if (*found) {
		t->document_id = atoll(PQgetvalue(r, 0, 0));
		t->type = arena_strdup(a, PQgetvalue(r, 0, 1));
		t->title = arena_strdup(a, PQgetvalue(r, 0, 2));
		t->issued_on = arena_strdup(a, PQgetvalue(r, 0, 3));
		t->dispatch_id = dispatch_id;
		t->channel = arena_strdup(a, PQgetvalue(r, 0, 4));
		t->state = arena_strdup(a, PQgetvalue(r, 0, 5));
		t->sent_on = arena_strdup(a, PQgetvalue(r, 0, 6));
	}
	PQclear(r);
	return st;
}

struct step_tx {
	const struct svc_ctx *ctx;
	long long request_id, dispatch_id;
	int seq;
	const char *channel, *number, *date;
	const char *second; /* returned: the second notice (KPA art. 44 §3) */
	struct problem *p;
	enum outcome result;
};

static enum db_status send_tx(PGconn *c, void *v)
{
	struct step_tx *x = v;
	arena_t *a = x->ctx->arena;
	struct target t;
	bool found;
	enum db_status st = load_target(c, a, x->ctx->who, x->request_id, x->seq, 0, &t, &found);
	if (st != DB_OK)
		return st;
	if (!found) {
		x->result = problem_set(x->p, OUT_NOT_FOUND,
		                        "Wysłać można tylko wystawione pismo.", NULL);
		return DB_OK;
	}
	struct dispatch_plan plan;
	bool allowed;
	law_error_t why;
	st = dispatch_plan(c, a, x->request_id, t.document_id, t.type, t.title, x->channel, &plan,
	                   &allowed, &why);
	if (st != DB_OK)
		return st;
	if (plan.elsewhere) {
		x->result = problem_set(x->p, OUT_REFUSED,
		                        "To pismo jest adresowane do organu odwoławczego albo sądu: "
		                        "przekazuje się je wraz z aktami, nie doręcza wnioskodawcy.",
		                        "not_to_requester");
		return DB_OK;
	}
	if (!allowed) {
		x->result = problem_set(x->p, OUT_REFUSED, arena_strdup(a, why.message), why.code);
		return DB_OK;
	}
	/* The step the letter carries, if it still waits, decided for today
	 * before the letter goes (cases/pending.h). */
	bool waits = false;
	if ((st = pending_check(c, a, t.document_id, caseview_today(x->ctx->now), &waits, &allowed,
	                        &why)) != DB_OK)
		return st;
	if (!allowed) {
		x->result = problem_set(x->p, OUT_REFUSED,
		                        arena_printf(a, "Pisma nie wysłano. %s", why.message), why.code);
		return DB_OK;
	}
	long long id;
	st = dispatch_start(c, a, x->ctx->who, x->request_id, t.document_id, x->seq, &plan, x->ctx->now,
	                    &id);
	if (st == DB_CONFLICT) {
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "To pismo jest już w drodze tym sposobem doręczenia.", "dispatched");
		return st; /* rolled back */
	}
	return st;
}

static enum outcome run(struct step_tx *x, db_tx_fn fn)
{
	PGconn *c = svc_conn(x->p);
	if (!c)
		return OUT_UNAVAILABLE;
	changes_writer(x->ctx->who->org_id);
	x->result = OUT_OK;
	enum db_status st = db_transaction(c, fn, x);
	if (x->result != OUT_OK)
		return x->result;
	return st == DB_OK ? OUT_OK : svc_outcome(st, x->p);
}

enum outcome dispatch_send(const struct svc_ctx *ctx, long long request_id, int seq,
                           const char *channel, struct problem *p)
{
	if (channel && *channel) {
		law_dispatch_channel_t ch;
		if (!law_dispatch_channel_from_id(channel, &ch))
			return problem_field(p, "channel", "Wybierz sposób doręczenia z listy.");
	}
	/* The BAE first, outside the transaction (cases/bae.h): a failing
	 * search engine leaves the other lawful channels. */
	struct problem ignored;
	bae_refresh(ctx, request_id, seq, false, &ignored);
	struct step_tx x = {.ctx = ctx, .request_id = request_id, .seq = seq, .channel = channel, .p = p};
	return run(&x, send_tx);
}

/* The date of a step: YYYY-MM-DD, not after today, not before `after`. */
static bool step_date(const struct svc_ctx *ctx, const char *date, const char *after,
                      law_date_t *out)
{
	law_date_t low;
	return date && law_date_parse(date, out) &&
	       law_date_cmp(*out, caseview_today(ctx->now)) <= 0 &&
	       !(after && *after && law_date_parse(after, &low) && law_date_cmp(*out, low) < 0);
}

/* A step on one dispatch: the target, or the outcome that ends the step. */
static enum db_status step_target(PGconn *c, struct step_tx *x, struct target *t, bool *go)
{
	bool found;
	*go = false;
	enum db_status st = load_target(c, x->ctx->arena, x->ctx->who, x->request_id, x->seq,
	                                x->dispatch_id, t, &found);
	if (st == DB_OK && !found)
		x->result = problem_set(x->p, OUT_NOT_FOUND, "Nie ma takiej wysyłki tego pisma.", NULL);
	if (st == DB_OK && found && done(t->state))
		x->result = problem_set(x->p, OUT_CONFLICT, "Doręczenie tego pisma jest już zapisane.",
		                        "delivered");
	*go = st == DB_OK && x->result == OUT_OK;
	return st;
}

static bool number_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 40)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      *c == '(' || *c == ')' || *c == '-' || *c == ' '))
			return false;
	return true;
}

/* The document left the body on `day`: its waiting step takes effect, or
 * lapses (the letter cannot be called back) and the clerk is told why;
 * the rest of the step is committed either way. */
static enum db_status left(PGconn *c, struct step_tx *x, long long document_id, law_date_t day,
                           enum db_status st)
{
	const char *lapsed = NULL;
	if (st == DB_OK)
		st = pending_take_or_lapse(c, x->ctx->arena, document_id, day, &lapsed);
	if (st == DB_OK && lapsed)
		x->result = problem_set(x->p, OUT_REFUSED, lapsed, "step_lapsed");
	return st;
}

static enum db_status posted_tx(PGconn *c, void *v)
{
	struct step_tx *x = v;
	arena_t *a = x->ctx->arena;
	struct target t;
	bool go;
	enum db_status st = step_target(c, x, &t, &go);
	if (!go)
		return st;
	if (strcmp(t.channel, "registered_letter") || strcmp(t.state, "queued")) {
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "Nadanie zapisuje się tylko dla listu poleconego, który czeka na nadanie.",
		                        "not_queued_letter");
		return DB_OK;
	}
	law_date_t d;
	if (!step_date(x->ctx, x->date, t.issued_on, &d)) {
		x->result = problem_field(x->p, "date",
		                          "Podaj datę nadania (RRRR-MM-DD): nie wcześniejszą niż wystawienie "
		                          "pisma i nie późniejszą niż dzisiaj.");
		return DB_OK;
	}
	const char *p[3] = {ids(a, x->dispatch_id), x->number, x->date};
	if ((st = db_run(c,
	                 "UPDATE dispatches SET state = 'sent', external_id = $2, "
	                 "sent_at = ($3::date + time '12:00') AT TIME ZONE 'Europe/Warsaw', "
	                 "updated_at = now() WHERE id = $1",
	                 3, p)) != DB_OK)
		return st;
	json_t *data = json_pack("{s:I, s:i, s:s, s:s}", "dispatch", (json_int_t)x->dispatch_id, "seq",
	                         x->seq, "number", x->number, "date", x->date);
	st = store_event(c, x->ctx->who->org_id, x->request_id, x->ctx->who->role,
	                 x->ctx->who->user_id, "dispatch_posted", NULL, NULL, data);
	json_decref(data);
	/* The letter left the body the day it was posted: the step it carries
	 * takes effect with that date (law/dispatch.h LAW_LEAVES_AT_POSTING). */
	return left(c, x, t.document_id, d, st);
}

enum outcome dispatch_posted(const struct svc_ctx *ctx, long long request_id, int seq,
                             long long dispatch_id, const char *number, const char *date,
                             struct problem *p)
{
	if (!number_valid(number))
		return problem_field(p, "number",
		                     "Podaj numer nadawczy z nalepki przesyłki (litery, cyfry, nawiasy, "
		                     "myślniki, najwyżej 40 znaków).");
	struct step_tx x = {.ctx = ctx,
	                    .request_id = request_id,
	                    .seq = seq,
	                    .dispatch_id = dispatch_id,
	                    .number = number,
	                    .date = date,
	                    .p = p};
	return run(&x, posted_tx);
}

static enum db_status receipt_tx(PGconn *c, void *v)
{
	struct step_tx *x = v;
	struct target t;
	bool go;
	enum db_status st = step_target(c, x, &t, &go);
	if (!go)
		return st;
	bool letter = !strcmp(t.channel, "registered_letter");
	bool by_hand = !strcmp(t.channel, "in_person");
	if (letter && !strcmp(t.state, "queued")) {
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "List nie został jeszcze nadany: najpierw zapisz jego nadanie i numer "
		                        "nadawczy.",
		                        "not_posted");
		return DB_OK;
	}
	if (!(letter && !strcmp(t.state, "sent")) && !(by_hand && !strcmp(t.state, "queued"))) {
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "Datę odbioru zapisuje się dla listu poleconego albo odbioru "
		                        "osobistego; przy e-Doręczeniach datę daje dowód otrzymania.",
		                        "no_receipt_here");
		return DB_OK;
	}
	law_date_t d;
	if (!step_date(x->ctx, x->date, letter ? t.sent_on : t.issued_on, &d)) {
		x->result = problem_field(x->p, "date",
		                          letter ? "Podaj datę doręczenia z potwierdzenia odbioru "
		                                   "(RRRR-MM-DD): nie wcześniejszą niż nadanie i nie "
		                                   "późniejszą niż dzisiaj."
		                                 : "Podaj datę odbioru pisma (RRRR-MM-DD): nie wcześniejszą "
		                                   "niż jego wystawienie i nie późniejszą niż dzisiaj.");
		return DB_OK;
	}
	const struct actor *who = x->ctx->who;
	/* Handed over: the letter left the body now, and its step takes
	 * effect before the delivery starts the requester's term. */
	if (by_hand && (st = left(c, x, t.document_id, d, DB_OK)) != DB_OK)
		return st;
	return record_locked(c, x->ctx->arena, x->dispatch_id, x->date,
	                     letter ? "return_receipt" : "in_person", who->role, who->user_id,
	                     law_role_of(who), NULL);
}

enum outcome dispatch_receipt(const struct svc_ctx *ctx, long long request_id, int seq,
                              long long dispatch_id, const char *date, struct problem *p)
{
	struct step_tx x = {.ctx = ctx,
	                    .request_id = request_id,
	                    .seq = seq,
	                    .dispatch_id = dispatch_id,
	                    .date = date,
	                    .p = p};
	return run(&x, receipt_tx);
}

static enum db_status returned_tx(PGconn *c, void *v)
{
	struct step_tx *x = v;
	arena_t *a = x->ctx->arena;
	struct target t;
	bool go;
	enum db_status st = step_target(c, x, &t, &go);
	if (!go)
		return st;
	if (strcmp(t.channel, "registered_letter") || strcmp(t.state, "sent")) {
		x->result = problem_set(x->p, OUT_CONFLICT,
		                        "Zwrot zapisuje się tylko dla nadanego listu poleconego.", "not_posted");
		return DB_OK;
	}
	law_date_t notice;
	if (!step_date(x->ctx, x->date, t.sent_on, &notice)) {
		x->result = problem_field(x->p, "date",
		                          "Podaj datę pierwszego zawiadomienia (awizo) z koperty (RRRR-MM-DD): "
		                          "nie wcześniejszą niż nadanie i nie późniejszą niż dzisiaj.");
		return DB_OK;
	}
	law_date_t deemed = law_dispatch_deemed_kpa44(notice);
	char day[LAW_DATE_STRLEN];
	law_date_format(deemed, day);
	if (law_date_cmp(deemed, caseview_today(x->ctx->now)) > 0) {
		x->result = problem_fieldf(x->p, a, "date",
		                           "Pismo będzie uznane za doręczone dopiero %s (KPA art. 44 §4: "
		                           "ostatni dzień 14 dni od pierwszego zawiadomienia). Zapisz zwrot "
		                           "po tym dniu.",
		                           day);
		return DB_OK;
	}
	/* KPA art. 44 §2-3: the second notice is left once the 7 days to
	 * collect after the first have passed, at the latest on the 14th day;
	 * without both notices nothing is deemed delivered (issue 20 item 9). */
	law_date_t second, low = law_date_add_days(notice, 8), high = law_date_add_days(notice, 14);
	char lo[LAW_DATE_STRLEN], hi[LAW_DATE_STRLEN];
	law_date_format(low, lo);
	law_date_format(high, hi);
	if (!x->second || !law_date_parse(x->second, &second) || law_date_cmp(second, low) < 0 ||
	    law_date_cmp(second, high) > 0) {
		x->result = problem_fieldf(x->p, a, "second_notice",
		                           "Podaj datę powtórnego zawiadomienia (awizo) z koperty: "
		                           "pozostawia się je po upływie 7 dni od pierwszego, najpóźniej "
		                           "14. dnia, tj. od %s do %s (KPA art. 44 §2–3). Bez "
		                           "powtórnego zawiadomienia pismo nie jest uznane za doręczone: "
		                           "wyślij je ponownie.",
		                           lo, hi);
		return DB_OK;
	}
	json_t *extra = json_pack("{s:s, s:s}", "notice_on", x->date, "second_notice_on", x->second);
	const struct actor *who = x->ctx->who;
	st = record_locked(c, a, x->dispatch_id, day, "deemed_kpa44", who->role, who->user_id,
	                   law_role_of(who), extra);
	json_decref(extra);
	return st;
}

enum outcome dispatch_returned(const struct svc_ctx *ctx, long long request_id, int seq,
                               long long dispatch_id, const char *notice_date,
                               const char *second_notice, struct problem *p)
{
	struct step_tx x = {.ctx = ctx,
	                    .request_id = request_id,
	                    .seq = seq,
	                    .dispatch_id = dispatch_id,
	                    .date = notice_date,
	                    .second = second_notice,
	                    .p = p};
	return run(&x, returned_tx);
}

/* ---- Paper --------------------------------------------------------------- */

enum outcome dispatch_letter_pdf(const struct svc_ctx *ctx, long long request_id, int seq,
                                 long long dispatch_id, const char **pdf, size_t *len,
                                 struct problem *p)
{
	*pdf = NULL;
	*len = 0;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	const char *q[5] = {ids(a, dispatch_id), ids(a, request_id), ids(a, seq),
	                    ids(a, ctx->who->org_id), ids(a, scope_unit(ctx->who))};
	/* Every column as text, but the PDF: the result is binary. */
	PGresult *r = PQexecParams(
	    c,
	    "SELECT s.address, coalesce(s.external_id, ''), d.pdf, d.title, d.type, r.case_number, "
	    "o.name, concat_ws(E'\\n', nullif(o.address, ''), nullif(o.place, '')), "
	    "to_char(d.issued_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD') "
	    "FROM dispatches s JOIN documents d ON d.id = s.document_id "
	    "JOIN requests r ON r.id = d.request_id JOIN organisations o ON o.id = r.org_id "
	    "WHERE s.id = $1 AND d.request_id = $2 AND d.seq = $3 AND s.org_id = $4 "
	    "AND s.channel = 'registered_letter' AND d.pdf IS NOT NULL "
	    "AND " SCOPE_CASE_OF("d.request_id", "$4", "$5"),
	    5, NULL, q, NULL, NULL, 1);
	enum db_status st = db_status_of(c, r);
	if (st != DB_OK || PQntuples(r) != 1) {
		PQclear(r);
		return st != DB_OK ? svc_outcome(st, p) : problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	}
#define T(i) arena_strndup(a, PQgetvalue(r, 0, i), (size_t)PQgetlength(r, 0, i))
	post_letter_t l = {.to = T(0),
	                   .number = T(1),
	                   .title = T(3),
	                   .case_number = T(5),
	                   .org_name = T(6),
	                   .org_address = T(7),
	                   .date = T(8),
	                   .seq = seq,
	                   .receipt = law_dispatch_starts_term(doc_of(T(4)))};
#undef T
	strbuf_t out;
	sb_init(&out, a);
	char err[256];
	bool ok = post_letter_pdf(&l, PQgetvalue(r, 0, 2), (size_t)PQgetlength(r, 0, 2), &out, err,
	                          sizeof err);
	PQclear(r);
	if (!ok) {
		log_error("dispatch %lld: the letter to print: %s", dispatch_id, err);
		return problem_set(p, OUT_ERROR, NULL, NULL);
	}
	*pdf = out.data;
	*len = out.len;
	return OUT_OK;
}

/* The first line of a postal address (the name), and the rest on one line. */
static void split_address(arena_t *a, const char *addr, const char **name, const char **rest)
{
	const char *nl = strchr(addr, '\n');
	*name = nl ? arena_strndup(a, addr, (size_t)(nl - addr)) : arena_strdup(a, addr);
	char *r = arena_strdup(a, nl ? nl + 1 : "");
	for (char *c = r; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	*rest = r;
}

enum outcome dispatch_book(const struct svc_ctx *ctx, const char *from, const char *to,
                           json_t **out, struct problem *p)
{
	*out = NULL;
	char today[LAW_DATE_STRLEN];
	law_date_format(caseview_today(ctx->now), today);
	law_date_t d;
	from = from && law_date_parse(from, &d) ? from : today;
	to = to && law_date_parse(to, &d) ? to : today;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	arena_t *a = ctx->arena;
	const char *q[4] = {ids(a, ctx->who->org_id), from, to, ids(a, scope_unit(ctx->who))};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT s.address, coalesce(s.external_id, ''), r.case_number, d.seq::text, d.title, "
	    "to_char(s.sent_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD'), s.state, d.type "
	    "FROM dispatches s JOIN documents d ON d.id = s.document_id "
	    "JOIN requests r ON r.id = s.request_id "
	    "WHERE s.org_id = $1 AND s.channel = 'registered_letter' AND s.sent_at IS NOT NULL "
	    "AND s.sent_at >= ($2::date)::timestamp AT TIME ZONE 'Europe/Warsaw' "
	    "AND s.sent_at < ($3::date + 1)::timestamp AT TIME ZONE 'Europe/Warsaw' "
	    "AND " SCOPE_CASES("r", "$1", "$4") " ORDER BY s.sent_at, s.id LIMIT 5000",
	    4, q);
	if (st != DB_OK) {
		PQclear(r);
		return svc_outcome(st, p);
	}
	json_t *items = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		const char *name, *rest;
		split_address(a, PQgetvalue(r, i, 0), &name, &rest);
		bool zpo = law_dispatch_starts_term(doc_of(PQgetvalue(r, i, 7)));
		json_array_append_new(
		    items, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "no", i + 1,
		                     "name", name, "address", rest, "number", PQgetvalue(r, i, 1),
		                     "case_number", PQgetvalue(r, i, 2), "seq", PQgetvalue(r, i, 3), "title",
		                     PQgetvalue(r, i, 4), "posted_on", PQgetvalue(r, i, 5), "state",
		                     dispatch_state_label("registered_letter", PQgetvalue(r, i, 6)), "note",
		                     zpo ? "polecony ZPO" : "polecony"));
	}
	PQclear(r);
	*out = json_pack("{s:s, s:s, s:o}", "from", from, "to", to, "items", items);
	return OUT_OK;
}

enum outcome dispatch_book_pdf(const struct svc_ctx *ctx, const char *from, const char *to,
                               const char **pdf, size_t *len, struct problem *p)
{
	*pdf = NULL;
	*len = 0;
	json_t *book = NULL;
	enum outcome o = dispatch_book(ctx, from, to, &book, p);
	if (o != OUT_OK)
		return o;
	arena_t *a = ctx->arena;
	PGconn *c = svc_conn(p);
	if (!c) {
		json_decref(book);
		return OUT_UNAVAILABLE;
	}
	const char *q[1] = {ids(a, ctx->who->org_id)};
	enum db_status st;
	PGresult *r = db_exec_row(c, &st,
	                          "SELECT name, concat_ws(' ', nullif(address, ''), nullif(place, '')) "
	                          "FROM organisations WHERE id = $1",
	                          1, q);
	if (!r) {
		json_decref(book);
		return svc_outcome(st, p);
	}
	const char *org_name = arena_strdup(a, PQgetvalue(r, 0, 0));
	const char *org_address = arena_strdup(a, PQgetvalue(r, 0, 1));
	PQclear(r);
	json_t *items = json_object_get(book, "items");
	size_t n = json_array_size(items);
	post_book_row_t *rows = arena_alloc(a, (n ? n : 1) * sizeof *rows);
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(items, i);
#define S(k) arena_strdup(a, json_string_value(json_object_get(it, k)))
		rows[i] = (post_book_row_t){S("name"), S("address"), S("number"), S("case_number"),
		                            S("posted_on"), S("note")};
#undef S
	}
	strbuf_t out;
	sb_init(&out, a);
	char err[256];
	bool ok = post_book_pdf(org_name, org_address, json_string_value(json_object_get(book, "from")),
	                        json_string_value(json_object_get(book, "to")), rows, n, &out, err,
	                        sizeof err);
	json_decref(book);
	if (!ok) {
		log_error("the book of registered dispatches: %s", err);
		return problem_set(p, OUT_ERROR, NULL, NULL);
	}
	*pdf = out.data;
	*len = out.len;
	return OUT_OK;
}
