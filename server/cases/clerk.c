/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/clerk.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/action.h"
#include "cases/attachment_files.h"
#include "cases/auth.h"
#include "cases/caseview.h"
#include "cases/org.h"
#include "cases/pending.h"
#include "cases/replies.h"
#include "cases/scope.h"
#include "cases/service.h"
#include "cases/steps.h"
#include "cases/store.h"
#include "core/config.h"
#include "core/log.h"
#include "db/changes.h"
#include "db/db.h"
#include "law/channel.h"
#include "law/sent.h"
#include "law/lifecycle.h"
#include "law/warsaw.h"
#include "render/attachlist.h"

/* The inputs a step's form asks for, beyond its date. */
enum {
	F_TEXT = 1,
	F_NEW_DUE = 2,
	F_ASSIGNEE = 4,
	F_AMOUNT = 8,
	F_BASIS = 16,
	F_PERSONS = 32,
	F_ADDRESS = 64,
	F_TERM_DAYS = 128,
	F_SENT = 256, /* a requester's act recorded by the clerk: dispatch date */
	F_IDENTITY = 512, /* the requester's name and postal address (KPA art. 107 §1 pkt 3) */
	F_RESTORE = 1024, /* a late remedy: the request to restore the term (KPA art. 58) */
	F_JUDGMENT_ON = 2048, /* a court's step: the judgment's date, besides the step's */
};

static const struct action_form {
	law_action_t action;
	unsigned fields;
	bool text_required;
	const char *text_label;
} forms[] = {
    {LAW_ACT_ASSIGN, F_ASSIGNEE, false, NULL},
    {LAW_ACT_CALL_TO_CLARIFY, F_TEXT, true, "Czego dotyczy wezwanie do doprecyzowania"},
    {LAW_ACT_RECORD_CLARIFICATION, F_TEXT | F_SENT, true, "Treść wyjaśnień wnioskodawcy"},
    {LAW_ACT_CALL_TO_COMPLETE, F_TEXT, true, "Braki wniosku do uzupełnienia (art. 39 ust. 3 UOD)"},
    {LAW_ACT_RECORD_COMPLETION, F_TEXT | F_SENT, true, "Treść uzupełnienia"},
    {LAW_ACT_CALL_FOR_INTEREST, F_TEXT, true, "Treść wezwania do wykazania interesu publicznego"},
    {LAW_ACT_RECORD_INTEREST, F_TEXT | F_SENT, true, "Uzasadnienie wnioskodawcy"},
    {LAW_ACT_RECORD_DELIVERY, 0, false, NULL},
    {LAW_ACT_EXTEND, F_TEXT | F_NEW_DUE, true, "Powody opóźnienia (art. 13 ust. 2 UDIP)"},
    {LAW_ACT_FEE_NOTICE, F_TEXT | F_AMOUNT, true, "Sposób obliczenia opłaty (art. 15 ust. 1 UDIP)"},
    {LAW_ACT_CHANGE_FORM, F_TEXT | F_SENT, true, "Nowa forma wskazana przez wnioskodawcę"},
    {LAW_ACT_FORM_NOTICE, F_TEXT, true, "Przyczyny i forma, w jakiej informacja może być udostępniona"},
    {LAW_ACT_REQUEST_POSSIBLE_FORM, F_TEXT | F_SENT, true, "Forma wskazana przez wnioskodawcę"},
    {LAW_ACT_PROVIDE, F_TEXT, true, "Udostępniana informacja"},
    {LAW_ACT_PROVIDE_PARTLY, F_TEXT | F_BASIS | F_PERSONS, true, "Udostępniana informacja i uzasadnienie odmowy w pozostałej części"},
    {LAW_ACT_REFUSE, F_TEXT | F_BASIS | F_PERSONS, true, "Uzasadnienie decyzji"},
    {LAW_ACT_DISCONTINUE, F_TEXT, true, "Uzasadnienie decyzji o umorzeniu"},
    {LAW_ACT_NOT_PUBLIC_INFORMATION, F_TEXT, true, "Dlaczego żądana treść nie jest informacją publiczną"},
    {LAW_ACT_NOT_HELD, F_TEXT, false, "Kto posiada informację (jeśli wiadomo)"},
    {LAW_ACT_PUBLISHED_IN_BIP, F_ADDRESS, false, NULL},
    {LAW_ACT_OTHER_STATUTE, F_TEXT, true, "Ustawa, która określa odrębny tryb dostępu (art. 1 ust. 2 UDIP)"},
    {LAW_ACT_LEAVE_UNPROCESSED, F_TEXT, false, "Uwagi"},
    {LAW_ACT_TRANSFER, F_TEXT, false, "Sposób przekazania informacji"},
    {LAW_ACT_OFFER, F_TEXT | F_AMOUNT, true, "Warunki ponownego wykorzystywania"},
    {LAW_ACT_ACCEPT_OFFER, F_SENT, false, NULL},
    {LAW_ACT_OBJECT_TO_OFFER, F_TEXT | F_SENT, true, "Treść sprzeciwu"},
    {LAW_ACT_DECIDE_CONDITIONS, F_TEXT | F_AMOUNT, true, "Warunki określone w decyzji"},
    {LAW_ACT_WITHDRAW, F_TEXT | F_SENT, false, "Treść wycofania"},
    {LAW_ACT_APPEAL, F_TEXT | F_SENT | F_RESTORE, false, "Treść odwołania"},
    {LAW_ACT_REQUEST_RECONSIDERATION, F_TEXT | F_SENT | F_RESTORE, false,
     "Treść wniosku o ponowne rozpatrzenie"},
    {LAW_ACT_FORWARD_APPEAL, F_TEXT, false, "Stanowisko organu"},
    {LAW_ACT_DECIDE_RECONSIDERATION, F_TEXT, true, "Rozstrzygnięcie i uzasadnienie"},
    {LAW_ACT_COURT_COMPLAINT, F_TEXT | F_SENT, false, "Przedmiot skargi"},
    {LAW_ACT_ANSWER_COURT_COMPLAINT, F_TEXT, true, "Odpowiedź na skargę"},
    {LAW_ACT_JUDGMENT_OBLIGES, F_TEXT | F_TERM_DAYS | F_JUDGMENT_ON, false, "Sentencja wyroku"},
    /* Issue 20 item 10: the court's outcomes, each with the judgment's
     * date; the step's own date is the return of the files (PPSA art. 286
     * §2) or the delivery of the judgment with its reasons (art. 177 §1). */
    {LAW_ACT_JUDGMENT_DISMISSES, F_TEXT | F_JUDGMENT_ON, false, "Sentencja wyroku lub postanowienia"},
    {LAW_ACT_JUDGMENT_ANNULS, F_TEXT | F_JUDGMENT_ON, false, "Sentencja wyroku"},
    {LAW_ACT_JUDGMENT_DELIVERED, F_TEXT | F_JUDGMENT_ON, false, "Sentencja wyroku"},
    {LAW_ACT_CASSATION_APPEAL, F_TEXT | F_SENT, false, "Kto wniósł skargę kasacyjną i w jakim zakresie"},
    {LAW_ACT_GRANT_COMPLAINT, F_TEXT, true, "Jak organ uwzględnia skargę (akt lub czynność, PPSA art. 54 § 3)"},
    {LAW_ACT_CALL_TO_SIGN, F_TEXT, false, "Uwagi"},
    {LAW_ACT_CALL_TO_IDENTIFY, F_TEXT, false, "Uwagi"},
    {LAW_ACT_RECORD_IDENTITY, F_IDENTITY | F_SENT, false, NULL},
    {LAW_ACT_RECORD_SIGNATURE, F_TEXT | F_SENT, false,
     "Jak usunięto brak (np. pismo podpisane przez ePUAP, e-Doręczenia, na papierze, podpis w urzędzie)"},
    /* Issue 20 item 9. The waiver takes effect on reaching the organ (KPA
     * art. 127a §2): its date is the step's, no dispatch date. */
    {LAW_ACT_WAIVE_APPEAL, F_TEXT, false, "Treść oświadczenia o zrzeczeniu się"},
    {LAW_ACT_GRANT_APPEAL, F_TEXT, true,
     "Udostępniana informacja (nowa decyzja uchyla zaskarżoną, KPA art. 132 § 1)"},
    {LAW_ACT_RECORD_PONAGLENIE, F_TEXT | F_SENT, false, "Treść i uzasadnienie ponaglenia (KPA art. 37 § 2)"},
    {LAW_ACT_FORWARD_PONAGLENIE, F_TEXT, true, "Stanowisko organu wobec ponaglenia (KPA art. 37 § 4)"},
    {LAW_ACT_DECIDE_PONAGLENIE, F_TEXT, true, "Rozstrzygnięcie postanowienia (KPA art. 37 § 6)"},
};

static const struct action_form *form_of(law_action_t act)
{
	static const struct action_form other = {0, F_TEXT, false, "Uwagi"};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
		if (forms[i].action == act)
			return &forms[i];
	return &other;
}

/* names_parties: UDIP art. 16 ust. 2 pkt 2 — a refusal for the privacy of a
 * natural person or a business secret (art. 5 ust. 2) names those who took
 * a position and whose interests grounded it; no other refusal does. */
static const struct {
	const char *key, *label;
	bool names_parties;
} bases[] = {
    {"classified", "art. 5 ust. 1 UDIP — informacja niejawna", false},
    {"statutory_secret", "art. 5 ust. 1 UDIP — inna tajemnica ustawowo chroniona", false},
    {"privacy", "art. 5 ust. 2 UDIP — prywatność osoby fizycznej", true},
    {"business_secret", "art. 5 ust. 2 UDIP — tajemnica przedsiębiorcy", true},
    {"processed_no_interest",
     "art. 3 ust. 1 pkt 1 UDIP — brak szczególnej istotności informacji przetworzonej dla interesu publicznego",
     false},
    {"reuse_uod", "art. 45 ustawy o otwartych danych — przesłanki odmowy ponownego wykorzystywania",
     false},
};

bool clerk_basis_names_parties(const char *key)
{
	for (size_t i = 0; key && i < sizeof bases / sizeof bases[0]; i++)
		if (!strcmp(bases[i].key, key))
			return bases[i].names_parties;
	return false;
}

json_t *clerk_refusal_bases(void)
{
	json_t *list = json_array();
	for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "key", bases[i].key, "label",
		                                      bases[i].label));
	return list;
}

static const char *basis_label(const char *key)
{
	for (size_t i = 0; key && i < sizeof bases / sizeof bases[0]; i++)
		if (!strcmp(bases[i].key, key))
			return bases[i].label;
	return NULL;
}

static law_role_t law_role_of(const struct actor *who)
{
	return strcmp(who->role, "clerk") == 0 ? LAW_ROLE_CLERK : LAW_ROLE_MANAGER;
}

/* A row that needs a term which survives the case's closing (the
 * ponaglenie's, KPA art. 37 §4) is open in every state: offered only while
 * that term runs, not on every case. */
static bool needs_absent_term(const law_transition_t *t, const bool open[LAW_TERM_COUNT])
{
	for (int g = 0; g < LAW_ROW_GUARDS; g++) {
		const law_guard_spec_t *s = &t->guards[g];
		if (s->guard == LAW_GUARD_TERM_OPEN && law_terms[s->term].survives_close &&
		    !open[s->term])
			return true;
	}
	return false;
}

/* One step's form, as the page draws it. */
static json_t *action_json(const law_transition_t *t, bool no_kpa)
{
	const struct action_form *f = form_of(t->action);
	json_t *a = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
	                      "id", law_actions[t->action].id, "label",
	                      law_action_label(t->action, no_kpa),
	                      "date_label",
	                      law_actions[t->action].event ? law_actions[t->action].event
	                                                   : "Data czynności",
	                      "f_text", (f->fields & F_TEXT) != 0, "text_required", f->text_required,
	                      "f_new_due", (f->fields & F_NEW_DUE) != 0, "f_assignee",
	                      (f->fields & F_ASSIGNEE) != 0, "f_amount", (f->fields & F_AMOUNT) != 0,
	                      "f_basis", (f->fields & F_BASIS) != 0, "f_persons",
	                      (f->fields & F_PERSONS) != 0, "f_address", (f->fields & F_ADDRESS) != 0,
	                      "f_term_days", (f->fields & F_TERM_DAYS) != 0, "f_sent",
	                      (f->fields & F_SENT) != 0, "f_restore", (f->fields & F_RESTORE) != 0);
	json_object_set_new(a, "f_identity", json_boolean((f->fields & F_IDENTITY) != 0));
	json_object_set_new(a, "f_judgment_on", json_boolean(f->fields & F_JUDGMENT_ON));
	if (f->text_label)
		json_object_set_new(a, "text_label", json_string(f->text_label));
	if (t->document != LAW_DOC_NONE)
		json_object_set_new(a, "document", json_string(law_document_title(t->document, no_kpa)));
	/* It waits for its letter (cases/pending.h): no date of its own. */
	json_object_set_new(a, "letter", json_boolean(t->document != LAW_DOC_NONE));
	return a;
}

/* The steps the table offers in this state to this role, for the case's
 * facts (a re-use request for standing access has no objection: issue 20
 * item 11); whether a step really goes through (deadlines, dates) is
 * decided when it is taken, and a refusal then gives the law core's
 * reason. view["actions"] in the order of the page (cases/steps.h), each
 * with its group ("usual", "other", "court"; "group_start" on the first
 * of the two collapsed groups, "group_end" on their last), and
 * view["steps_other"], view["steps_court"]: how many each group holds. */
static void available_actions(const law_case_t *lc, law_role_t role,
                              const bool open[LAW_TERM_COUNT], json_t *view)
{
	const law_transition_t *rows[LAW_ACT_COUNT];
	law_action_t acts[LAW_ACT_COUNT];
	size_t n = 0;
	bool seen[LAW_ACT_COUNT] = {false};
	law_kind_t kind = lc->kind;
	law_state_t state = lc->state;
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *t = &law_transitions[i];
		if (!(t->kinds & kind) || !(t->from & (1ULL << state)) || t->action == LAW_ACT_REGISTER)
			continue;
		if (!law_row_fits_case(t, lc))
			continue;
		if (!(t->roles & (LAW_ROLE_CLERK | role)) || seen[t->action] || needs_absent_term(t, open))
			continue;
		seen[t->action] = true;
		rows[n] = t;
		acts[n++] = t->action;
	}
	enum step_group group[LAW_ACT_COUNT];
	size_t order[LAW_ACT_COUNT];
	steps_place(state, open, acts, n, group, order);
	static const char *const names[] = {"usual", "other", "court"};
	json_t *list = json_array();
	int count[3] = {0};
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		json_t *a = action_json(rows[i], law_case_no_kpa(lc));
		for (int g = 0; g < 3; g++)
			json_object_set_new(a, names[g], json_boolean(group[i] == (enum step_group)g));
		if (group[i] != STEP_USUAL && (k == 0 || group[order[k - 1]] != group[i]))
			json_object_set_new(a, "group_start", json_true());
		if (group[i] != STEP_USUAL && (k + 1 == n || group[order[k + 1]] != group[i]))
			json_object_set_new(a, "group_end", json_true());
		count[group[i]]++;
		json_array_append_new(list, a);
	}
	json_object_set_new(view, "actions", list);
	json_object_set_new(view, "steps_other", json_integer(count[STEP_OTHER]));
	json_object_set_new(view, "steps_court", json_integer(count[STEP_COURT]));
}

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

/* view[key]: the rows of `sql` for the one number `id` ($1). */
static enum db_status add_rows(PGconn *c, arena_t *a, json_t *view, const char *key,
                               const char *sql, long long id)
{
	const char *p[1] = {ids(a, id)};
	json_t *rows;
	enum db_status st = svc_rows(c, sql, 1, p, &rows);
	json_object_set_new(view, key, rows);
	return st;
}

static const char *channel_label(const char *ch)
{
	const struct law_channel *c = law_channel(ch);
	return c ? c->label : ch;
}

/* The request's own columns, the requester's data and the assignee. */
static enum db_status add_head(PGconn *c, arena_t *a, const struct actor *who, long long id,
                               law_date_t today, json_t *view, bool *found)
{
	const char *p[3] = {ids(a, id), ids(a, who->org_id), ids(a, scope_unit(who))};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT r.case_number, r.kind, r.state, r.version, r.channel, r.received_on, "
	    "to_char(r.received_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "
	    "coalesce(r.assignee_id::text, ''), coalesce(u.name, ''), un.symbol, un.name, "
	    "q.name, q.email, q.postal_address, q.phone, coalesce(r.due_on::text, ''), r.delivery, "
	    STORE_NO_KPA_SQL("o", "r.kind") ", " STORE_REMEDY_SQL("o", "un.remedy") " "
	    "FROM requests r JOIN units un ON un.id = r.unit_id "
	    "JOIN organisations o ON o.id = r.org_id "
	    "LEFT JOIN users u ON u.id = r.assignee_id "
	    "LEFT JOIN requesters q ON q.request_id = r.id "
	    "WHERE r.id = $1 AND r.org_id = $2 AND " SCOPE_CASES("r", "$2", "$3"),
	    3, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found) {
#define V(i) PQgetvalue(r, 0, i)
		law_state_t s;
		bool closed = law_state_from_id(V(2), &s) && law_states[s].closed;
		json_object_set_new(view, "id", json_integer(id));
		json_object_set_new(view, "id_case", json_integer(id));
		json_object_set_new(view, "case_number", json_string(V(0)));
		json_object_set_new(view, "kind", json_string(V(1)));
		json_object_set_new(view, "reuse", json_boolean(!strcmp(V(1), "reuse")));
		json_object_set_new(view, "state", json_string(V(2)));
		json_object_set_new(view, "state_label",
		                    json_string(caseview_state_label(V(2), V(17)[0] == 't')));
		/* The body's remedy for its unit (the steps offered follow it). */
		json_object_set_new(view, "remedy", json_string(V(18)));
		json_object_set_new(view, "closed", json_boolean(closed));
		json_object_set_new(view, "version", json_integer(atol(V(3))));
		json_object_set_new(view, "channel", json_string(V(4)));
		json_object_set_new(view, "channel_label", json_string(channel_label(V(4))));
		json_object_set_new(view, "received_on", json_string(V(5)));
		json_object_set_new(view, "received_at", json_string(V(6)));
		json_object_set_new(view, "assignee_id", json_string(V(7)));
		json_object_set_new(view, "assignee", json_string(V(8)));
		json_object_set_new(view, "unit", json_pack("{s:s, s:s}", "symbol", V(9), "name", V(10)));
		json_object_set_new(view, "requester",
		                    json_pack("{s:s, s:s, s:s, s:s}", "name", V(11), "email", V(12),
		                              "postal_address", V(13), "phone", V(14)));
		json_object_set_new(view, "delivery_label", json_string(caseview_delivery_label(V(16))));
		law_date_t due;
		if (*V(15) && law_date_parse(V(15), &due))
			caseview_due(view, due, today);
#undef V
	}
	PQclear(r);
	return st;
}

enum outcome clerk_case(const struct svc_ctx *ctx, long long id, json_t **out,
                        struct problem *p)
{
	*out = NULL;
	arena_t *a = ctx->arena;
	const struct actor *who = ctx->who;
	if (id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	json_t *view = json_object();
	bool found = false;
	law_date_t today = caseview_today(ctx->now);
	enum db_status st = add_head(c, a, who, id, today, view, &found);
	if (st == DB_OK && found) {
		st = caseview_details(c, id, view);
		if (st == DB_OK)
			st = caseview_terms(c, id, today, view);
		if (st == DB_OK)
			st = caseview_events(c, id, CASEVIEW_STAFF, view);
		if (st == DB_OK)
			st = caseview_documents(c, id, CASEVIEW_STAFF, view);
		if (st == DB_OK)
			st = caseview_pleading(c, id, CASEVIEW_STAFF, view);
		if (st == DB_OK)
			st = add_rows(c, a, view, "attachments",
			              "SELECT id, filename, size, source, "
			              "CASE WHEN content_type = 'application/pdf' THEN 'pdf' "
			              "ELSE '' END AS pdf, "
			              "CASE WHEN EXISTS (SELECT 1 FROM attachment_public_copies c "
			              "WHERE c.attachment_id = attachments.id) THEN 'tak' "
			              "ELSE '' END AS has_copy, "
			              "coalesce((SELECT d.seq::text FROM documents d "
			              "WHERE d.id = attachments.document_id), '') AS letter_seq "
			              "FROM attachments WHERE request_id = $1 ORDER BY id",
			              id);
		if (st == DB_OK)
			st = add_rows(c, a, view, "users",
			              "SELECT u.id, u.name, u.role FROM requests r "
			              "JOIN organisations o ON o.id = r.org_id "
			              "JOIN users u ON u.org_id = r.org_id AND NOT u.disabled "
			              "WHERE r.id = $1 AND " SCOPE_STAFF_SEES("u", "r", "o") " "
			              "ORDER BY u.name",
			              id);
	}
	if (st != DB_OK || !found) {
		json_decref(view);
		return st != DB_OK ? svc_outcome(st, p) : problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	}
	json_object_set_new(view, "has_attachments",
	                    json_boolean(json_array_size(json_object_get(view, "attachments")) > 0));
	/* Sizes, origins and roles in words, not as stored. */
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(view, "attachments"), i, row)
	{
		const char *size = json_string_value(json_object_get(row, "size"));
		const char *source = json_string_value(json_object_get(row, "source"));
		json_object_set_new(row, "size_text",
		                    json_string(attachlist_size(a, size ? atoll(size) : 0)));
		json_object_set_new(row, "source_label", json_string(attach_source_label(source ? source : "")));
	}
	json_array_foreach(json_object_get(view, "users"), i, row)
	{
		const char *role = json_string_value(json_object_get(row, "role"));
		json_object_set_new(row, "role_label", json_string(auth_role_label(role)));
	}
	law_state_t state = LAW_STATE_NONE;
	law_state_from_id(json_string_value(json_object_get(view, "state")), &state);
	law_kind_t kind = json_is_true(json_object_get(view, "reuse")) ? LAW_KIND_REUSE
	                                                                : LAW_KIND_PUBLIC_INFORMATION;
	bool open[LAW_TERM_COUNT] = {false};
	json_t *t;
	json_array_foreach(json_object_get(view, "terms"), i, t)
	{
		law_term_kind_t k;
		if (json_is_true(json_object_get(t, "open")) &&
		    law_term_kind_from_id(json_string_value(json_object_get(t, "kind")), &k))
			open[k] = true;
	}
	law_case_t facts = {.kind = kind,
	                    .state = state,
	                    .standing = json_is_true(json_object_get(view, "reuse_standing"))};
	facts.policy.remedy = store_remedy(json_string_value(json_object_get(view, "remedy")));
	available_actions(&facts, law_role_of(who), open, view);
	/* Its mail, and an answer it waits for (cases/replies.h); the step
	 * that waits for its letter (cases/pending.h). */
	st = replies_view(c, a, id, kind, state, view);
	if (st == DB_OK)
		st = pending_view(c, id, "pending", view);
	if (st != DB_OK) {
		json_decref(view);
		return svc_outcome(st, p);
	}
	json_object_set_new(view, "bases", clerk_refusal_bases());
	json_t *channels = json_array();
	for (const struct law_sent_channel *ch = law_sent_channels; ch->id; ch++)
		json_array_append_new(channels, json_pack("{s:s, s:s}", "key", ch->id, "label", ch->label));
	json_object_set_new(view, "sent_channels", channels);
	char d[LAW_DATE_STRLEN];
	law_date_format(today, d);
	json_object_set_new(view, "today", json_string(d));
	*out = view;
	return OUT_OK;
}

/* ---- Taking a step ------------------------------------------------------ */

static bool parse_date(const char *s, law_date_t def, law_date_t *out)
{
	if (!s || !*s) {
		*out = def;
		return true;
	}
	return law_date_parse(s, out) && law_date_in_range(*out);
}

static bool clean(const char *s, size_t max)
{
	if (!s)
		return true;
	if (strlen(s) > max)
		return false;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t') || ch == 0x7f)
			return false;
	}
	return true;
}

/* "12", "12.5", "12,50": at most a million złoty, two decimals. */
static bool amount_valid(const char *s)
{
	int digits = 0, decimals = -1;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s)) {
			if (decimals >= 0)
				decimals++;
			else
				digits++;
		} else if ((*s == '.' || *s == ',') && decimals < 0 && digits) {
			decimals = 0;
		} else {
			return false;
		}
	}
	return digits >= 1 && digits <= 7 && decimals != 0 && decimals <= 2;
}

/* An input is wrong: the message at its field, and the check's code. */
static bool bad(struct problem *p, const char *field, const char *code, const char *message)
{
	problem_field(p, field, message);
	if (p)
		p->code = code;
	return false;
}

static bool validate(arena_t *a, const struct clerk_input *in, const struct action_form *f,
                     law_date_t today, law_action_input_t *li, struct problem *p)
{
	if (!parse_date(in->date, today, &li->date))
		return bad(p, "date", "bad_date", "Podaj datę w formacie RRRR-MM-DD.");
	if (law_date_cmp(li->date, today) > 0)
		return bad(p, "date", "future_date", "Data czynności nie może być późniejsza niż dzisiaj.");
	if (!parse_date(in->sent, li->date, &li->sent) || law_date_cmp(li->sent, li->date) > 0)
		return bad(p, "sent", "bad_sent_date",
		           "Data nadania musi być datą nie późniejszą niż data otrzymania.");
	/* KPA art. 57 §5: the date sent meets a term only for the channels it
	 * names; a courier's does not, the date received counts then. */
	const struct law_sent_channel *ch = law_sent_channel(in->sent_channel);
	if (in->sent_channel && *in->sent_channel && !ch)
		return bad(p, "sent_channel", "bad_sent_channel",
		           "Wybierz z listy, jak wnioskodawca przesłał pismo.");
	if (!ch && law_date_cmp(li->sent, li->date) < 0)
		return bad(p, "sent_channel", "sent_channel_required",
		           "Wskaż, jak wnioskodawca przesłał pismo: data nadania liczy się tylko przy "
		           "nadaniu u operatora wyznaczonego (Poczta Polska) albo elektronicznie z "
		           "urzędowym poświadczeniem (KPA art. 57 § 5).");
	li->sent = law_sent_effective(ch, li->sent, li->date);
	if ((f->fields & F_NEW_DUE) && !parse_date(in->new_due, LAW_DATE_NONE, &li->new_due))
		return bad(p, "new_due", "bad_new_due",
		           "Podaj nowy termin załatwienia w formacie RRRR-MM-DD.");
	if ((f->fields & F_NEW_DUE) && !law_date_is_set(li->new_due))
		return bad(p, "new_due", "new_due_required", "Podaj nowy termin załatwienia sprawy.");
	if (!clean(in->text, 20000) || !clean(in->persons, 2000) || !clean(in->address, 500))
		return bad(p, !clean(in->text, 20000) ? "text" : !clean(in->persons, 2000) ? "persons" : "address",
		           "bad_text", "Tekst jest za długi albo zawiera niedozwolone znaki.");
	if (f->text_required && (!in->text || !*in->text))
		return bad(p, "text", "text_required",
		           arena_printf(a, "Wypełnij pole: %s.", f->text_label));
	if ((f->fields & F_AMOUNT) && in->amount && *in->amount && !amount_valid(in->amount))
		return bad(p, "amount", "bad_amount", "Kwotę podaj w złotych, np. 12,50.");
	if ((f->fields & F_BASIS) && !basis_label(in->legal_basis))
		return bad(p, "legal_basis", "basis_required", "Wybierz podstawę prawną odmowy.");
	if ((f->fields & F_ADDRESS) &&
	    (!in->address || (strncmp(in->address, "https://", 8) && strncmp(in->address, "http://", 7))))
		return bad(p, "address", "bad_address",
		           "Podaj adres strony BIP zaczynający się od https://.");
	if (f->fields & F_TERM_DAYS) {
		char *end;
		long d = in->term_days && *in->term_days ? strtol(in->term_days, &end, 10) : 14;
		if ((in->term_days && *in->term_days && *end) || d < 1 || d > 365)
			return bad(p, "term_days", "bad_term_days", "Termin z wyroku podaj w dniach (1-365).");
		li->term_days = (int)d;
	}
	/* A checkbox: "tak" when ticked, absent or empty when not. */
	const char *rs = in->restore_request;
	if (rs && *rs && strcmp(rs, "tak"))
		return bad(p, "restore_request", "bad_restore_request",
		           "Pole „prośba o przywrócenie terminu” zaznacza się albo pozostawia puste.");
	li->restore_request = (f->fields & F_RESTORE) && rs && !strcmp(rs, "tak");
	law_date_t judged = LAW_DATE_NONE;
	if ((f->fields & F_JUDGMENT_ON) &&
	    (!parse_date(in->judgment_on, LAW_DATE_NONE, &judged) || !law_date_is_set(judged) ||
	     law_date_cmp(judged, li->date) > 0))
		return bad(p, "judgment_on", "bad_judgment_on",
		           "Podaj datę wyroku (RRRR-MM-DD), nie późniejszą niż data czynności.");
	if ((f->fields & F_ASSIGNEE) && (!in->assignee || !*in->assignee))
		return bad(p, "assignee", "assignee_required",
		           "Wybierz osobę, której przydzielasz sprawę.");
	return true;
}

/* The version the form was drawn at: -1 when none was sent (no check). */
static bool version_of(const char *s, long *out, struct problem *p)
{
	*out = -1;
	if (!s || !*s)
		return true;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end || errno || v < 0)
		return bad(p, "version", "bad_version",
		           "Formularz jest uszkodzony (wersja sprawy). Odśwież stronę i spróbuj ponownie.");
	*out = v;
	return true;
}

/* What the step's inputs say, kept in its event for letters and audit. */
static json_t *event_data(const struct clerk_input *in, const struct action_form *f,
                          const char *assignee_name)
{
	json_t *d = json_object();
	if (in->text && *in->text)
		json_object_set_new(d, "text", json_string(in->text));
	if ((f->fields & F_NEW_DUE) && in->new_due)
		json_object_set_new(d, "new_due", json_string(in->new_due));
	if ((f->fields & F_AMOUNT) && in->amount && *in->amount)
		json_object_set_new(d, "amount", json_string(in->amount));
	if (f->fields & F_BASIS) {
		json_object_set_new(d, "legal_basis", json_string(basis_label(in->legal_basis)));
		json_object_set_new(d, "legal_basis_key", json_string(in->legal_basis));
	}
	/* Kept only where the letter names them (UDIP art. 16 ust. 2 pkt 2). */
	if ((f->fields & F_PERSONS) && in->persons && *in->persons &&
	    (!(f->fields & F_BASIS) || clerk_basis_names_parties(in->legal_basis)))
		json_object_set_new(d, "persons", json_string(in->persons));
	if ((f->fields & F_ADDRESS) && in->address)
		json_object_set_new(d, "address", json_string(in->address));
	if ((f->fields & F_JUDGMENT_ON) && in->judgment_on)
		json_object_set_new(d, "judgment_on", json_string(in->judgment_on));
	if ((f->fields & F_SENT) && in->sent && *in->sent)
		json_object_set_new(d, "sent", json_string(in->sent));
	const struct law_sent_channel *ch = law_sent_channel(in->sent_channel);
	if ((f->fields & F_SENT) && ch) {
		json_object_set_new(d, "sent_channel", json_string(ch->id));
		json_object_set_new(d, "sent_rule", json_string(ch->basis));
	}
	if (assignee_name)
		json_object_set_new(d, "assignee", json_string(assignee_name));
	/* KPA art. 58 §2: the request to restore the term came with the act;
	 * the forwarding letter passes it on (art. 59 §2). */
	if ((f->fields & F_RESTORE) && in->restore_request && !strcmp(in->restore_request, "tak"))
		json_object_set_new(d, "restore_request", json_string("tak"));
	return d;
}

struct act_ctx {
	arena_t *a;
	const struct actor *who;
	long long id;
	const struct clerk_input *in;
	const struct action_form *f;
	law_action_input_t li;
	const char *name, *postal_address; /* F_IDENTITY: trimmed and checked */
	long version;
	struct problem *p;
	enum outcome result;
	int letter_seq; /* the draft of a step that waits for its letter */
};

static enum db_status assignee_of(PGconn *c, struct act_ctx *x, const char **name)
{
	*name = NULL;
	char *end;
	long long uid = strtoll(x->in->assignee, &end, 10);
	if (*end || uid <= 0)
		return DB_OK;
	const char *p[2] = {ids(x->a, uid), ids(x->a, x->id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT u.name FROM requests r JOIN organisations o ON o.id = r.org_id "
	                      "JOIN users u ON u.org_id = r.org_id AND NOT u.disabled "
	                      "WHERE u.id = $1 AND r.id = $2 AND " SCOPE_STAFF_SEES("u", "r", "o"),
	                      2, p);
	if (st == DB_OK && PQntuples(r) == 1)
		*name = arena_strdup(x->a, PQgetvalue(r, 0, 0));
	PQclear(r);
	return st;
}

static enum db_status act_tx(PGconn *c, void *vctx)
{
	struct act_ctx *x = vctx;
	x->result = OUT_OK;
	struct case_ref f;
	bool found;
	enum db_status st = case_lock_staff(c, x->a, x->id, x->who, &f, &found);
	if (st != DB_OK)
		return st;
	if (!found) {
		x->result = problem_set(x->p, OUT_NOT_FOUND, NULL, NULL);
		return DB_OK;
	}
	if (x->version >= 0 && x->version != f.version) {
		x->result = problem_set(
		    x->p, OUT_STALE,
		    arena_printf(x->a,
		                 "Ktoś inny zmienił tę sprawę, zanim zapisałeś swoją czynność. Sprawa "
		                 "jest teraz w stanie „%s”. Sprawdź ją i spróbuj ponownie.",
		                 caseview_state_label(f.state, org_no_kpa(&f.org, f.kind))),
		    "stale_version");
		return DB_OK;
	}
	const char *assignee = NULL;
	if (x->f->fields & F_ASSIGNEE) {
		if ((st = assignee_of(c, x, &assignee)) != DB_OK)
			return st;
		if (!assignee) {
			bad(x->p, "assignee", "bad_assignee",
			    "Wybrana osoba nie pracuje w tym urzędzie albo nie widzi spraw tej komórki.");
			x->result = OUT_INVALID;
			return DB_OK;
		}
	}
	/* The name and address (F_IDENTITY) are personal data: the event
	 * records only that they were given. */
	json_t *data = event_data(x->in, x->f, assignee);
	law_outcome_t *oc = arena_alloc(x->a, sizeof *oc);
	bool allowed = false;
	/* The name and address given with the step are stored first: the
	 * step's guards read them. Undone if the step is refused. */
	st = case_identity_store(c, &f, x->name, x->postal_address);
	if (st == DB_OK)
		st = case_decide_locked(c, &f, &x->li, oc, &allowed);
	const char *busy = NULL;
	/* A step that needs a letter waits for it: the state changes when the
	 * letter leaves the body (cases/pending.h, issue 21 item 1). */
	if (st == DB_OK && allowed && oc->document != LAW_DOC_NONE)
		st = pending_prepare(c, x->a, &f, &x->li, oc, x->who->role, x->who->user_id, data,
		                     &x->letter_seq, &busy);
	else if (st == DB_OK && allowed)
		st = case_apply_locked(c, &f, &x->li, oc, x->who->role, x->who->user_id, data, true);
	json_decref(data);
	if (st != DB_OK)
		return st;
	if (!allowed || busy) {
		x->result = busy ? problem_set(x->p, OUT_REFUSED, busy, "letter_pending")
		                 : problem_set(x->p, OUT_REFUSED, arena_strdup(x->a, oc->refusal.message),
		                               oc->refusal.code);
		return case_identity_undo(c, x->name);
	}
	if (assignee) {
		const char *p[2] = {ids(x->a, f.id), x->in->assignee};
		st = db_run(c, "UPDATE requests SET assignee_id = $2 WHERE id = $1", 2, p);
	}
	return st;
}

enum outcome clerk_act(const struct svc_ctx *ctx, long long id, const struct clerk_input *in,
                       int *letter_seq, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	if (letter_seq)
		*letter_seq = 0;
	law_action_t act;
	if (id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	if (!in->action || !law_action_from_id(in->action, &act) || act == LAW_ACT_REGISTER) {
		bad(p, "action", "unknown_action", "Nieznana czynność.");
		return OUT_INVALID;
	}
	struct act_ctx x = {ctx->arena, ctx->who, id, in, form_of(act), {0}, NULL, NULL, -1, p, OUT_OK, 0};
	x.li.action = act;
	x.li.role = law_role_of(ctx->who);
	if (!version_of(in->version, &x.version, p) ||
	    !validate(ctx->arena, in, x.f, caseview_today(ctx->now), &x.li, p))
		return OUT_INVALID;
	if (x.f->fields & F_IDENTITY) {
		struct filing_errors errs;
		x.name = in->name;
		x.postal_address = in->postal_address;
		if (!filing_identity_validate(ctx->arena, &x.name, &x.postal_address, &errs)) {
			for (int i = 0; i < errs.n; i++)
				problem_field(p, errs.e[i].field, errs.e[i].message);
			p->code = "bad_identity";
			return OUT_INVALID;
		}
	}
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	/* Staff write only within their own organisation. */
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, act_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (letter_seq && x.result == OUT_OK)
		*letter_seq = x.letter_seq;
	return x.result;
}

enum outcome clerk_note(const struct svc_ctx *ctx, long long id, const char *text,
                        struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	if (id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	if (!text || !*text || !clean(text, 20000)) {
		bad(p, "text", "bad_note", "Wpisz treść notatki (najwyżej 20 000 znaków).");
		return OUT_INVALID;
	}
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	const struct actor *who = ctx->who;
	const char *q[3] = {ids(ctx->arena, id), ids(ctx->arena, who->org_id),
	                    ids(ctx->arena, scope_unit(who))};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT r.state FROM requests r WHERE r.id = $1 AND r.org_id = $2 "
	                      "AND " SCOPE_CASES("r", "$2", "$3"),
	                      3, q);
	bool found = st == DB_OK && PQntuples(r) == 1;
	PQclear(r);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!found)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	changes_writer(who->org_id);
	json_t *data = json_pack("{s:s}", "text", text);
	st = store_event(c, who->org_id, id, who->role, who->user_id, "note", NULL, NULL, data);
	json_decref(data);
	return st == DB_OK ? OUT_OK : svc_outcome(st, p);
}

/* ---- Registering a request from another channel -------------------------- */


/* The instant of a received date: now for today, else noon in Warsaw. */
static int64_t received_instant(law_date_t d, int64_t now)
{
	law_date_t today = caseview_today(now);
	if (law_date_cmp(d, today) == 0)
		return now;
	int64_t noon_utc = (int64_t)law_date_to_days(d) * 86400 + 12 * 3600;
	return noon_utc - law_warsaw_offset(noon_utc) + 0;
}

enum outcome clerk_register(const struct svc_ctx *ctx, struct filing_input *in,
                            const char *received_on, const char *base_url,
                            long long *request_id, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	*request_id = 0;
	in->actor_user_id = ctx->who->user_id;
	in->max_attachment = (size_t)cfg.max_attachment;
	struct filing_errors errs = {0};
	filing_validate(ctx->arena, in, &errs);
	for (int i = 0; i < errs.n; i++)
		problem_field(p, errs.e[i].field, errs.e[i].message);
	bool invalid = errs.n > 0;
	const struct law_channel *channel = law_channel(in->channel);
	if (!channel || !channel->by_staff) {
		problem_field(p, "channel", "Wybierz, jak wniosek wpłynął.");
		invalid = true;
	}
	/* Terms count from the day the request reached the body, not from data entry. */
	law_date_t d;
	if (!received_on || !law_date_parse(received_on, &d) || !law_date_in_range(d) ||
	    law_date_cmp(d, caseview_today(ctx->now)) > 0) {
		problem_field(p, "received_on",
		              "Podaj datę wpływu (RRRR-MM-DD), nie późniejszą niż dzisiaj.");
		invalid = true;
	}
	if (invalid)
		return OUT_INVALID;
	in->received_at = received_instant(d, ctx->now);
	return clerk_register_received(ctx, in, base_url, request_id, p);
}

enum outcome clerk_register_received(const struct svc_ctx *ctx, struct filing_input *in,
                                     const char *base_url, long long *request_id,
                                     struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	*request_id = 0;
	in->actor_user_id = ctx->who->user_id;
	/* A system registering through the staff API is not a clerk. */
	in->actor = ctx->who->role && !strcmp(ctx->who->role, "integration") ? "integration" : NULL;
	in->max_attachment = (size_t)cfg.max_attachment;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct org org;
	bool found = false;
	enum db_status st = org_by_id(c, ctx->arena, ctx->who->org_id, &org, &found);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!found) {
		log_error("registering a request: user %lld's organisation %lld is gone",
		          ctx->who->user_id, ctx->who->org_id);
		return problem_set(p, OUT_ERROR, NULL, NULL);
	}
	/* Where staff see only their unit's cases, a request a clerk of a
	 * unit registers is that unit's: in the web unit the clerk would lose
	 * sight of the case at once. */
	if (org.staff_unit_only && scope_unit(ctx->who))
		org.web_unit_id = scope_unit(ctx->who);
	struct svc_ctx fctx = *ctx;
	fctx.org = &org;
	/* The acknowledgement's link: the deployment's address on the body's
	 * own host. */
	in->base_url = org_base_url(ctx->arena, base_url, &org);
	struct filing_receipt rc;
	enum outcome res = filing_create(&fctx, in, &rc, p);
	if (res == OUT_OK) {
		json_decref(rc.due_steps);
		*request_id = rc.request_id;
		in->replayed = rc.duplicate;
	}
	return res;
}
