/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/track.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/action.h"
#include "cases/caseview.h"
#include "cases/filing.h"
#include "cases/nextstep.h"
#include "cases/org.h"
#include "cases/privacy_notice.h"
#include "cases/secret.h"
#include "cases/service.h"
#include "cases/signature.h"
#include "cases/store.h"
#include "core/cache.h"
#include "core/log.h"
#include "db/changes.h"
#include "db/db.h"
#include "law/lifecycle.h"
#include "law/warsaw.h"

/* What the requester is asked for when taking each action. */
static const struct {
	const char *action;
	const char *title;  /* heading of the action's form */
	const char *button; /* what the button says */
	const char *text_label;
	bool text_required;
	const char *help;
	bool identity; /* asks for the name and postal address (issue 20 item 12) */
} requester_actions[] = {
    {"record_clarification", "Odpowiedz na wezwanie do doprecyzowania", "Wyślij wyjaśnienia",
     "Treść wyjaśnień", true, "Organ poprosił o doprecyzowanie wniosku. Napisz, o jaką informację chodzi.", false},
    {"record_completion", "Uzupełnij wniosek", "Wyślij uzupełnienie", "Uzupełnienie wniosku", true,
     "Uzupełnij braki wniosku o ponowne wykorzystywanie (art. 39 ust. 3 ustawy o otwartych danych).", false},
    {"record_interest", "Wykaż interes publiczny", "Wyślij uzasadnienie",
     "Uzasadnienie szczególnej istotności dla interesu publicznego", true,
     "Wykaż, dlaczego informacja przetworzona jest szczególnie istotna dla interesu publicznego "
     "(art. 3 ust. 1 pkt 1 ustawy o dostępie do informacji publicznej).", false},
    {"change_form", "Zmień formę udostępnienia", "Zmień formę", "Nowa forma udostępnienia informacji",
     true, "Po zawiadomieniu o opłacie możesz zmienić formę udostępnienia informacji (art. 15 ust. 2).", false},
    {"request_possible_form", "Wskaż możliwą formę udostępnienia", "Wyślij wniosek o tę formę",
     "Forma, w której chcesz otrzymać informację", true,
     "Organ nie może udostępnić informacji w żądanej formie. Wskaż jedną z form podanych w "
     "powiadomieniu (art. 14 ust. 2).", false},
    {"accept_offer", "Przyjmij ofertę", "Przyjmij ofertę", NULL, false,
     "Przyjmij warunki ponownego wykorzystywania zaproponowane w ofercie.", false},
    {"object_to_offer", "Wnieś sprzeciw wobec oferty", "Wnieś sprzeciw", "Treść sprzeciwu", true,
     "Jeśli nie zgadzasz się z warunkami, wnieś sprzeciw w ciągu 14 dni od otrzymania oferty "
     "(art. 41 ust. 2 ustawy o otwartych danych).", false},
    {"appeal", "Wnieś odwołanie", "Wnieś odwołanie", "Uzasadnienie odwołania", true,
     "Od decyzji przysługuje odwołanie w terminie 14 dni od jej doręczenia (KPA art. 129).", false},
    {"request_reconsideration", "Złóż wniosek o ponowne rozpatrzenie sprawy", "Złóż wniosek",
     "Uzasadnienie wniosku o ponowne rozpatrzenie", true,
     "Od decyzji przysługuje wniosek o ponowne rozpatrzenie sprawy w terminie 14 dni od jej "
     "doręczenia (KPA art. 127 § 3).", false},
    {"record_identity", "Podaj imię i nazwisko oraz adres", "Wyślij dane", NULL, false,
     "Organ może udostępnić informację każdemu, ale odmowę lub umorzenie wydaje w formie decyzji, "
     "która musi wskazywać stronę i zostać jej doręczona (art. 107 § 1 pkt 3 Kodeksu "
     "postępowania administracyjnego). Podaj imię i nazwisko oraz adres do korespondencji w "
     "ciągu 7 dni od otrzymania wezwania; bez nich wniosek pozostanie bez rozpoznania w części "
     "wymagającej decyzji.",
     true},
    {"withdraw", "Wycofaj wniosek", "Wycofaj wniosek", "Powód wycofania (nieobowiązkowo)", false,
     "Jeśli informacja nie jest już potrzebna, możesz wycofać wniosek. Sprawa zostanie zakończona. "
     "Przed wycofaniem poprosimy Cię jeszcze o potwierdzenie.", false},
};

/* The requester's steps that cannot be undone: each is confirmed on a page
 * of its own first (issue 21 item 10). */
static const struct {
	const char *action;
	struct track_confirm confirm;
} confirmations[] = {
    {"withdraw",
     {"Czy na pewno chcesz wycofać wniosek?",
      "Wycofania nie można cofnąć. Urząd zakończy sprawę i nie udostępni informacji, o którą "
      "prosisz. Jeśli później znowu będziesz jej potrzebować, trzeba będzie złożyć nowy wniosek, "
      "a terminy zaczną biec od nowa.",
      "Tak, wycofuję wniosek", "Nie, wróć do sprawy"}},
};

static int requester_action(const char *id)
{
	for (size_t i = 0; i < sizeof requester_actions / sizeof requester_actions[0]; i++)
		if (strcmp(requester_actions[i].action, id) == 0)
			return (int)i;
	return -1;
}

const char *track_text_label(const char *action)
{
	int i = requester_action(action);
	return i < 0 ? NULL : requester_actions[i].text_label;
}

const struct track_confirm *track_confirmation(const char *action)
{
	for (size_t i = 0; action && i < sizeof confirmations / sizeof confirmations[0]; i++)
		if (!strcmp(confirmations[i].action, action))
			return &confirmations[i].confirm;
	return NULL;
}

/* The outcome of a query that should find one row: OUT_OK, OUT_NOT_FOUND,
 * or the database's failure (logged as `what` unless unavailable). */
static enum outcome one_row(PGconn *c, const PGresult *r, const char *what, struct problem *p)
{
	enum db_status st = db_status_of(c, r);
	if (st != DB_OK) {
		if (st != DB_UNAVAILABLE)
			log_error("%s: %s", what, PQresultErrorMessage(r));
		return svc_outcome(st, p);
	}
	return PQntuples(r) == 1 ? OUT_OK : problem_set(p, OUT_NOT_FOUND, NULL, NULL);
}

/* The request of a tracking token ($1, its hash), with its organisation. */
#define BY_TOKEN                                                                                   \
	"SELECT " CASE_REF_COLUMNS ORG_COLUMNS                                                     \
	" FROM requests r JOIN organisations o ON o.id = r.org_id WHERE r.tracking_hash = $1"

/* The request behind a token; `lock` takes the row lock for an action. */
static enum outcome find(PGconn *c, arena_t *a, const char *token, bool lock, struct case_ref *f,
                         struct problem *p)
{
	if (!token_well_formed(token))
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	unsigned char h[32];
	token_hash(token, h);
	const char *v[1] = {(const char *)h};
	int lens[1] = {32}, fmts[1] = {1};
	PGresult *r = PQexecParams(c, lock ? BY_TOKEN " FOR UPDATE OF r" : BY_TOKEN, 1, NULL, v, lens,
	                           fmts, 0);
	enum outcome o = one_row(c, r, "finding a case by token", p);
	if (o == OUT_OK)
		case_ref_from_row(r, 0, a, f);
	PQclear(r);
	return o;
}

/* The requester's actions law_decide() allows today, as forms to offer. */
static json_t *open_actions(const law_case_t *lc, law_date_t day, arena_t *a)
{
	json_t *actions = json_array();
	law_outcome_t *oc = arena_alloc(a, sizeof *oc);
	for (size_t i = 0; i < sizeof requester_actions / sizeof requester_actions[0]; i++) {
		law_action_t act;
		if (!law_action_from_id(requester_actions[i].action, &act))
			continue;
		law_action_input_t in = {.action = act, .role = LAW_ROLE_REQUESTER, .date = day, .sent = day};
		/* The name and address are offered as if given: the step needs them. */
		law_case_t given = *lc;
		if (requester_actions[i].identity)
			given.party_unidentified = false;
		if (!law_decide(&given, &in, oc))
			continue;
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", requester_actions[i].action,
		                      "label", law_actions[act].label, "title", requester_actions[i].title,
		                      "button", requester_actions[i].button, "help",
		                      requester_actions[i].help, "text_required",
		                      requester_actions[i].text_required);
		if (requester_actions[i].text_label)
			json_object_set_new(j, "text_label", json_string(requester_actions[i].text_label));
		if (requester_actions[i].identity)
			json_object_set_new(j, "identity", json_true());
		json_array_append_new(actions, j);
	}
	return actions;
}

static enum outcome load(PGconn *c, arena_t *a, const char *token, int64_t now, json_t **out,
                         struct problem *p)
{
	*out = NULL;
	struct case_ref f;
	enum outcome o = find(c, a, token, false, &f, p);
	if (o != OUT_OK)
		return o;
	law_date_t received = LAW_DATE_NONE, day = caseview_today(now);
	law_date_parse(f.received_on, &received);
	law_case_t lc;
	law_state_t s;
	bool closed = law_state_from_id(f.state, &s) && law_states[s].closed;
	json_t *view = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:i, s:{s:s, s:s, s:s, s:s, s:s}}", "case_number",
	    f.case_number, "kind", f.kind, "kind_label",
	    strcmp(f.kind, "reuse") == 0 ? "wniosek o ponowne wykorzystywanie informacji sektora publicznego"
	                                 : "wniosek o udostępnienie informacji publicznej",
	    "state", f.state, "state_label", caseview_state_label(f.state, org_no_kpa(&f.org, f.kind)),
	    "closed", closed, "received_on",
	    f.received_on, "version", (int)f.version, "org", "name", f.org.name, "address",
	    f.org.address, "email", f.org.email, "phone", f.org.phone, "bip_url", f.org.bip_url);
	enum db_status st = caseview_details(c, f.id, view);
	if (st == DB_OK)
		st = caseview_terms(c, f.id, day, view);
	if (st == DB_OK)
		st = caseview_events(c, f.id, CASEVIEW_REQUESTER, view);
	if (st == DB_OK)
		st = caseview_documents(c, f.id, CASEVIEW_REQUESTER, view);
	if (st == DB_OK)
		st = caseview_pleading(c, f.id, CASEVIEW_REQUESTER, view);
	if (st == DB_OK)
		st = store_law_case(c, f.id, &f.org, f.kind, f.state, received, &lc);
	if (st != DB_OK) {
		json_decref(view);
		return svc_outcome(st, p);
	}
	json_object_set_new(view, "actions", open_actions(&lc, day, a));
	/* UDIP art. 17 ust. 1: against a body that is not an organ of public
	 * authority there is no appeal; the page says where the remedy lies. */
	if (lc.policy.remedy == LAW_REMEDY_COURT_COMPLAINT &&
	    (s == LAW_STATE_REFUSED || s == LAW_STATE_PARTLY_REFUSED || s == LAW_STATE_DISCONTINUED ||
	     s == LAW_STATE_CONDITIONS_DECIDED))
		json_object_set_new(view, "court_complaint", json_true());
	/* UDIP art. 16 ust. 1, art. 17 ust. 1: such a body refuses and
	 * discontinues by a rozstrzygnięcie, not a decision; the page names
	 * its acts as its letters do (the labels above; nextstep_of() reads
	 * "no_kpa"). */
	if (org_no_kpa(&f.org, f.kind))
		json_object_set_new(view, "no_kpa", json_true());
	/* Issue 21 item 9: what the office does next, by when, and what the
	 * requester can do now. */
	json_object_set_new(view, "next_step", nextstep_of(a, view, day));
	json_object_set_new(view, "org_id", json_integer(f.org.id));
	json_object_set_new(view, "privacy", privacy_notice_json(&f.org));
	*out = view;
	return OUT_OK;
}

enum outcome track_load(const struct svc_ctx *ctx, const char *token, json_t **view,
                        struct problem *p)
{
	*view = NULL;
	PGconn *c = db_conn();
	if (!c)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	return load(c, ctx->arena, token, ctx->now, view, p);
}

enum outcome track_page(const struct svc_ctx *ctx, const char *token, json_t **view,
                        struct problem *p)
{
	const char *key = arena_printf(ctx->arena, "T %s", token ? token : "");
	if ((*view = org_kept_json(key)))
		return problem_set(p, OUT_OK, NULL, NULL);
	uint64_t mark = cache_mark();
	enum outcome o = track_load(ctx, token, view, p);
	if (o == OUT_OK)
		org_keep_json(key, (long long)json_integer_value(json_object_get(*view, "org_id")), mark,
		              *view);
	return o;
}

struct act_ctx {
	arena_t *a;
	const struct track_step *in;
	int64_t now;
	struct problem *p;
	enum outcome result;
};

static enum db_status act_tx(PGconn *c, void *vctx)
{
	struct act_ctx *x = vctx;
	struct case_ref f;
	x->result = find(c, x->a, x->in->token, true, &f, x->p);
	if (x->result != OUT_OK)
		return x->result == OUT_UNAVAILABLE ? DB_UNAVAILABLE : DB_OK;
	changes_writer(f.org.id);
	if (x->in->version >= 0 && x->in->version != f.version) {
		x->result = problem_set(x->p, OUT_STALE, NULL, "stale_version");
		return DB_OK;
	}
	law_action_t act;
	law_action_from_id(x->in->action, &act);
	law_date_t day = caseview_today(x->now);
	/* Filed online: received and sent on the same day (KPA art. 57 §5). */
	law_action_input_t in = {.action = act, .role = LAW_ROLE_REQUESTER, .date = day, .sent = day};
	law_outcome_t *oc = arena_alloc(x->a, sizeof *oc);
	json_t *data = json_object();
	if (x->in->text && *x->in->text)
		json_object_set_new(data, "text", json_string(x->in->text));
	/* KPA art. 63 §3: a pleading from this page carries no signature. Where
	 * the organisation accepts it so, its legal note goes with the step (and
	 * the case page shows it); otherwise the lifecycle waits for the call to
	 * sign it (art. 64 §2). */
	if (act == LAW_ACT_APPEAL || act == LAW_ACT_REQUEST_RECONSIDERATION) {
		json_object_set_new(data, "signed", json_false());
		if (f.org.policy.accepts_unsigned_pleadings)
			json_object_set_new(data, "unsigned_note", json_string(f.org.unsigned_note));
	}
	/* The name and address: the event keeps no copy. */
	bool identity = act == LAW_ACT_RECORD_IDENTITY;
	bool allowed = false;
	enum db_status st = case_act_identity_locked(c, x->a, &f, &in, "requester", 0, data,
	                                             identity ? x->in->name : NULL,
	                                             x->in->postal_address, oc, &allowed);
	json_decref(data);
	if (st == DB_OK && !allowed)
		x->result = problem_set(x->p, OUT_REFUSED, arena_strdup(x->a, oc->refusal.message),
		                        oc->refusal.code);
	return st;
}

/* A field of the step is wrong: its message is the problem's too. */
static enum outcome bad_step(struct problem *p, const char *field, const char *code,
                             const char *message)
{
	problem_field(p, field, message);
	if (p) {
		p->message = message;
		p->code = code;
	}
	return OUT_INVALID;
}

static enum outcome check_step(arena_t *a, struct track_step *in, struct problem *p)
{
	int i = requester_action(in->action ? in->action : "");
	if (i < 0)
		return bad_step(p, "action", "unknown_action", "Nieznana czynność.");
	struct filing_errors errs;
	if (requester_actions[i].identity &&
	    !filing_identity_validate(a, &in->name, &in->postal_address, &errs)) {
		for (int k = 1; k < errs.n; k++)
			problem_field(p, errs.e[k].field, errs.e[k].message);
		return bad_step(p, errs.e[0].field, "bad_identity", errs.e[0].message);
	}
	if (in->text && strlen(in->text) > 20000)
		return bad_step(p, "text", "text_too_long", "Tekst może mieć najwyżej 20 000 znaków.");
	if (requester_actions[i].text_required && (!in->text || !*in->text))
		return bad_step(p, "text", "text_required",
		                arena_printf(a, "Wpisz: %s.", requester_actions[i].text_label));
	return OUT_OK;
}

static bool shows(const struct track_step *in, enum outcome o)
{
	if (in->show == TRACK_SHOW_AFTER)
		return o == OUT_OK;
	if (in->show == TRACK_SHOW_IF_REFUSED)
		return o == OUT_INVALID || o == OUT_REFUSED || o == OUT_STALE;
	return false;
}

enum outcome track_act(const struct svc_ctx *ctx, const struct track_step *in, json_t **view,
                       struct problem *p)
{
	if (view)
		*view = NULL;
	PGconn *c = db_conn();
	if (!c)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	struct track_step step = *in;
	enum outcome o = check_step(ctx->arena, &step, p);
	if (o == OUT_OK) {
		struct act_ctx x = {ctx->arena, &step, ctx->now, p, OUT_OK};
		enum db_status st = db_transaction(c, act_tx, &x);
		o = st == DB_OK ? x.result : svc_outcome(st, p);
	}
	if (!view || !shows(in, o))
		return o;
	struct problem lp = {0};
	enum outcome lo = load(c, ctx->arena, in->token, ctx->now, view, &lp);
	if (lo != OUT_OK) {
		if (p)
			*p = lp;
		return lo;
	}
	return o;
}

enum outcome track_document(const struct svc_ctx *ctx, const char *token, int seq,
                            struct track_pdf *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	PGconn *c = db_conn();
	if (!c)
		return problem_set(p, OUT_UNAVAILABLE, NULL, NULL);
	if (!token_well_formed(token) || seq <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	unsigned char h[32];
	token_hash(token, h);
	char seqs[16];
	snprintf(seqs, sizeof seqs, "%d", seq);
	const char *v[2] = {(const char *)h, seqs};
	int lens[2] = {32, 0}, fmts[2] = {1, 0};
	PGresult *r = PQexecParams(c,
	                           "SELECT " SIGNATURE_PDF_OF("d") ", d.title FROM documents d "
	                           "JOIN requests r ON r.id = d.request_id "
	                           "WHERE r.tracking_hash = $1 AND d.seq = $2 AND d.status = 'issued' "
	                           "AND " SIGNATURE_PDF_OF("d") " IS NOT NULL",
	                           2, NULL, v, lens, fmts, 1 /* binary */);
	enum outcome o = one_row(c, r, "reading a document by token", p);
	if (o == OUT_OK) {
		out->data = db_value_copy(ctx->arena, r, 0, 0, &out->len);
		out->title = arena_strndup(ctx->arena, PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1));
	}
	PQclear(r);
	return o;
}
