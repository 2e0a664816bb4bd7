/* SPDX-License-Identifier: EUPL-1.2 */
/* law_decide(): runs the transition table of lifecycle.c on one case. */
#include "law/lifecycle.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* clang-format off */
const char *const law_refusal_codes[] = {
	"unknown_action",
	"invalid_case",
	"invalid_date",
	"date_out_of_range",
	"sent_after_received",
	"date_before_receipt",
	"not_for_kind",
	"not_allowed_in_state",
	"role_not_allowed",
	"answer_term_not_open",
	"already_extended",
	"extension_too_late",
	"extension_date_missing",
	"extension_not_later",
	"extension_beyond_two_months",
	"fee_notice_too_late",
	"term_not_open",
	"window_not_started",
	"window_not_passed",
	"requester_term_passed",
	"already_delivered",
	"remedy_policy",
	"signature_policy",
	"party_identified",
	"party_unidentified",
	"invalid_policy",
	"invalid_length",
	/* Issue 20 items 9 to 11. */
	"term_passed",
	"remedy_not_final",
	"ponaglenie_premature",
	"restore_not_late",
	"judgment_not_final",
	"standing_access",
	"no_objection",
	NULL,
};
/* clang-format on */

/* The row's own effects and one for each open term when closing. */
_Static_assert(LAW_EFFECTS_MAX >= LAW_ROW_EFFECTS + LAW_OPEN_TERMS_MAX,
	       "an outcome must hold every effect a row can have");

typedef struct ctx {
	const law_case_t *c;
	const law_action_input_t *in;
	law_outcome_t *out;
	law_date_t sent; /* the dispatch date (KPA art. 57 §5) */
	/* Found by the extension guard, used to start the extended term. */
	const law_open_term_t *answer;
	law_date_t cap;
	bool handled[LAW_OPEN_TERMS_MAX];
} ctx_t;

static const char *kind_label(law_kind_t kind)
{
	return kind == LAW_KIND_REUSE ? "ponowne wykorzystywanie informacji"
				      : "udostępnienie informacji publicznej";
}

static const char *fmt_date(law_date_t d, char buf[LAW_DATE_STRLEN])
{
	law_date_format(d, buf);
	return buf;
}

static int find_open(const law_case_t *c, law_term_kind_t kind)
{
	for (int i = 0; i < c->nterms; i++)
		if (c->terms[i].kind == kind)
			return i;
	return -1;
}

static law_term_kind_t answer_term(law_kind_t kind)
{
	return kind == LAW_KIND_REUSE ? LAW_TERM_REUSE_ANSWER : LAW_TERM_ANSWER;
}

static law_term_kind_t extended_term(law_kind_t kind)
{
	return kind == LAW_KIND_REUSE ? LAW_TERM_REUSE_ANSWER_EXTENDED : LAW_TERM_ANSWER_EXTENDED;
}

static bool refuse(ctx_t *x, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool refuse(ctx_t *x, const char *code, const char *fmt, ...)
{
	x->out->refusal.code = code;
	va_list ap;
	va_start(ap, fmt);
	law_vformat(x->out->refusal.message, sizeof x->out->refusal.message, fmt, ap);
	va_end(ap);
	return false;
}

/* ---- Guards ------------------------------------------------------------ */

/* UDIP art. 13 ust. 2, UOD art. 40 ust. 2: a notice sent within the 14 days,
 * naming a date no later than 2 months from receipt. The cap is the
 * statutory date of a 2-month term from receipt, i.e. after KPA art. 57 §3
 * and §4: a term "no longer than 2 months" is a term, and ends where KPA
 * art. 57 makes a 2-month term end. "Receipt" is the start of the open answer
 * term, i.e. the clarification's receipt when a clarification restarted it. */
static bool guard_extension(ctx_t *x)
{
	char a[LAW_DATE_STRLEN], b[LAW_DATE_STRLEN], c3[LAW_DATE_STRLEN];
	const law_case_t *c = x->c;
	int i = find_open(c, answer_term(c->kind));
	if (i < 0) {
		int e = find_open(c, extended_term(c->kind));
		if (e >= 0)
			return refuse(x, "already_extended",
				      "Termin został już przedłużony (do %s); ustawa pozwala "
				      "przedłużyć go tylko raz.",
				      fmt_date(c->terms[e].due, a));
		return refuse(x, "answer_term_not_open",
			      "Przedłużyć można tylko biegnący 14-dniowy termin załatwienia "
			      "wniosku, a w tej sprawie on nie biegnie.");
	}
	const law_open_term_t *t = &c->terms[i];
	if (law_date_cmp(x->in->date, t->due) > 0)
		return refuse(
		    x, "extension_too_late",
		    "Zawiadomienie o przedłużeniu trzeba wysłać przed upływem 14-dniowego "
		    "terminu (do %s); data wysłania %s jest późniejsza.",
		    fmt_date(t->due, a), fmt_date(x->in->date, b));
	if (!law_date_in_range(x->in->new_due))
		return refuse(x, "extension_date_missing",
			      "Podaj nowy termin załatwienia wniosku (datę RRRR-MM-DD).");
	if (law_date_cmp(x->in->new_due, t->due) <= 0)
		return refuse(x, "extension_not_later",
			      "Nowy termin (%s) musi być późniejszy niż obecny (%s).",
			      fmt_date(x->in->new_due, a), fmt_date(t->due, b));
	law_term_calc_t cap;
	law_error_t err;
	if (!law_term_compute(t->start, 2, LAW_UNIT_MONTHS, NULL, &cap, &err))
		return refuse(x, err.code, "%s", err.message);
	if (law_date_cmp(x->in->new_due, cap.due) > 0)
		return refuse(x, "extension_beyond_two_months",
			      "Nowy termin %s jest późniejszy niż 2 miesiące od otrzymania wniosku "
			      "(%s + 2 miesiące = %s, KPA art. 57 §3 i §4).",
			      fmt_date(x->in->new_due, a), fmt_date(t->start, b),
			      fmt_date(cap.due, c3));
	x->answer = t;
	x->cap = cap.due;
	return true;
}

/* UDIP art. 15 ust. 2: the fee notice within 14 days of receipt, whether or
 * not the term was extended meanwhile. */
static bool guard_fee(ctx_t *x)
{
	char a[LAW_DATE_STRLEN], b[LAW_DATE_STRLEN];
	int i = find_open(x->c, LAW_TERM_ANSWER);
	if (i < 0)
		i = find_open(x->c, LAW_TERM_ANSWER_EXTENDED);
	if (i < 0)
		return refuse(x, "answer_term_not_open",
			      "Termin załatwienia wniosku nie biegnie, więc nie można już "
			      "powiadomić o opłacie.");
	law_term_calc_t limit;
	law_error_t err;
	if (!law_term_compute(x->c->terms[i].start, 14, LAW_UNIT_DAYS, NULL, &limit, &err))
		return refuse(x, err.code, "%s", err.message);
	if (law_date_cmp(x->in->date, limit.due) > 0)
		return refuse(x, "fee_notice_too_late",
			      "Powiadomienie o opłacie trzeba wysłać w ciągu 14 dni od otrzymania "
			      "wniosku, tj. do %s (UDIP art. 15 ust. 2); data wysłania: %s.",
			      fmt_date(limit.due, a), fmt_date(x->in->date, b));
	return true;
}

static bool guard_window(ctx_t *x, const law_guard_spec_t *g)
{
	char a[LAW_DATE_STRLEN], b[LAW_DATE_STRLEN];
	const law_term_info_t *info = &law_terms[g->term];
	int i = find_open(x->c, g->term);
	const law_open_term_t *t = i >= 0 ? &x->c->terms[i] : NULL;
	switch (g->guard) {
	case LAW_GUARD_TERM_OPEN:
		if (!t)
			return refuse(
			    x, "term_not_open",
			    "Ta czynność wymaga biegnącego terminu „%s”, a w tej sprawie "
			    "on nie biegnie (został już dotrzymany albo się nie rozpoczął).",
			    info->label);
		return true;
	case LAW_GUARD_WINDOW_PASSED:
		if (!t)
			return refuse(x, "window_not_started",
				      "Termin „%s” jeszcze nie biegnie: najpierw zarejestruj "
				      "doręczenie pisma wnioskodawcy.",
				      info->label);
		if (law_date_cmp(x->in->date, t->due) <= 0)
			return refuse(
			    x, "window_not_passed",
			    "Termin „%s” upływa %s; tę czynność można wykonać najwcześniej "
			    "następnego dnia.",
			    info->label, fmt_date(t->due, a));
		return true;
	case LAW_GUARD_REPLY_IN_TIME:
		if (t && law_date_cmp(x->sent, t->due) > 0)
			return refuse(x, "requester_term_passed",
				      "Wnioskodawca nadał pismo %s, po upływie terminu „%s” (%s); "
				      "skutek upływu terminu następuje z mocy prawa.",
				      fmt_date(x->sent, a), info->label, fmt_date(t->due, b));
		return true;
	case LAW_GUARD_NOT_DELIVERED:
		if (t)
			return refuse(x, "already_delivered",
				      "Doręczenie już zarejestrowano: termin „%s” biegnie do %s.",
				      info->label, fmt_date(t->due, a));
		return true;
	case LAW_GUARD_IN_TERM:
		/* The step's own date, not a dispatch date: a waiver takes effect
		 * on reaching the organ (KPA art. 127a §2), and a new decision
		 * under art. 132 is the organ's act. */
		if (!t && info->side == LAW_SIDE_REQUESTER)
			return refuse(x, "window_not_started",
				      "Termin „%s” jeszcze nie biegnie: najpierw zarejestruj "
				      "doręczenie decyzji wnioskodawcy.",
				      info->label);
		if (!t)
			return refuse(x, "term_not_open",
				      "Ta czynność wymaga biegnącego terminu „%s”, a w tej sprawie "
				      "on nie biegnie.",
				      info->label);
		if (law_date_cmp(x->in->date, t->due) > 0)
			return refuse(x, "term_passed",
				      "Termin „%s” upłynął %s; czynność „%s” z dnia %s jest możliwa "
				      "tylko przed jego upływem.",
				      info->label, fmt_date(t->due, a),
				      law_actions[x->in->action].label, fmt_date(x->in->date, b));
		return true;
	case LAW_GUARD_BEFORE_DUE:
		if (!t)
			return refuse(
			    x, "term_not_open",
			    "Ta czynność wymaga biegnącego terminu „%s”, a w tej sprawie "
			    "on nie biegnie (nie rozpoczął się albo już się zakończył).",
			    info->label);
		if (law_date_cmp(x->sent, t->due) > 0)
			return refuse(x, "term_passed",
				      "Termin „%s” (%s) upłynął %s; czynności z dnia %s nie można "
				      "już w nim wykonać.",
				      info->label, info->basis, fmt_date(t->due, a),
				      fmt_date(x->sent, b));
		return true;
	case LAW_GUARD_JUDGMENT_FINAL:
		/* PPSA art. 168 §1: a judgment is final when no cassation appeal
		 * lies or none was lodged in time; the files come back with it
		 * (art. 286 §2). A lodged appeal stopped the window: the NSA's
		 * judgment is final at once. */
		if (t && law_date_cmp(x->in->date, t->due) <= 0)
			return refuse(x, "judgment_not_final",
				      "Wyrok nie jest jeszcze prawomocny: termin na skargę kasacyjną "
				      "upływa %s (PPSA art. 177 §1). Wynik sprawy zarejestruj z datą "
				      "zwrotu akt z prawomocnym wyrokiem (art. 286 §2), najwcześniej "
				      "następnego dnia, albo zarejestruj skargę kasacyjną.",
				      fmt_date(t->due, a));
		return true;
	default:
		return true;
	}
}

static bool guard_policy(ctx_t *x, law_guard_t g)
{
	const law_policy_t *p = &x->c->policy;
	/* UDIP art. 17 ust. 1: without KPA there is neither remedy. */
	if ((g == LAW_GUARD_REMEDY_APPEAL || g == LAW_GUARD_REMEDY_RECONSIDERATION) &&
	    p->remedy == LAW_REMEDY_COURT_COMPLAINT)
		return refuse(x, "remedy_policy",
			      "Ten podmiot nie jest organem władzy publicznej: do jego "
			      "rozstrzygnięć nie stosuje się KPA (UDIP art. 17 ust. 1), nie "
			      "przysługuje od nich odwołanie ani wniosek o ponowne "
			      "rozpatrzenie, lecz skarga do sądu administracyjnego.");
	switch (g) {
	case LAW_GUARD_REMEDY_APPEAL:
		if (p->remedy != LAW_REMEDY_APPEAL)
			return refuse(x, "remedy_policy",
				      "W tej organizacji od decyzji służy wniosek o ponowne "
				      "rozpatrzenie sprawy (KPA art. 127 §3), nie odwołanie.");
		return true;
	case LAW_GUARD_REMEDY_RECONSIDERATION:
		if (p->remedy != LAW_REMEDY_RECONSIDERATION)
			return refuse(x, "remedy_policy",
				      "W tej organizacji od decyzji służy odwołanie do organu "
				      "wyższego stopnia (KPA art. 127 §1), nie wniosek o ponowne "
				      "rozpatrzenie.");
		return true;
	case LAW_GUARD_REMEDY_COURT:
		if (p->remedy != LAW_REMEDY_COURT_COMPLAINT)
			return refuse(x, "remedy_policy",
				      "Ten podmiot jest organem władzy publicznej: od jego decyzji "
				      "służy najpierw środek z KPA (odwołanie albo wniosek o "
				      "ponowne rozpatrzenie), nie skarga wprost do sądu.");
		return true;
	case LAW_GUARD_PARTY_UNIDENTIFIED:
		if (!x->c->party_unidentified)
			return refuse(x, "party_identified",
				      "Wnioskodawca podał imię i nazwisko oraz adres do "
				      "korespondencji; wezwanie do ich podania jest zbędne.");
		return true;
	case LAW_GUARD_PARTY_IDENTIFIED:
		if (x->c->party_unidentified)
			return refuse(x, "party_unidentified",
				      "Podaj imię i nazwisko oraz adres do korespondencji (pocztowy "
				      "albo do doręczeń elektronicznych).");
		return true;
	case LAW_GUARD_SIGNATURE_REQUIRED:
		if (p->accepts_unsigned_pleadings)
			return refuse(x, "signature_policy",
				      "Zgodnie z ustawieniem organizacji pismo wniesione przez "
				      "stronę sprawy nie wymaga podpisu.");
		return true;
	default:
		return true;
	}
}

/* Issue 20 item 9. KPA art. 134: a remedy lodged after the decision became
 * final is still the appeal body's to rule on, where it became final by
 * the window's passing or by the requester's waiver; after the appeal
 * body's own decision (or any other end) there is nothing to appeal. */
static bool guard_final_unused(ctx_t *x)
{
	if (law_date_is_set(x->c->remedy_lapsed) || law_date_is_set(x->c->remedy_waived))
		return true;
	return refuse(x, "remedy_not_final",
		      "Sprawa zakończyła się inaczej niż upływem terminu na odwołanie albo "
		      "zrzeczeniem się go (np. rozstrzygnięciem organu odwoławczego): w tej "
		      "sprawie nie zapisuje się już odwołania od decyzji pierwszej instancji.");
}

/* KPA art. 37 §3a: a ponaglenie lodged before the term to settle the case
 * passed is left unprocessed, not sent on. */
static bool guard_answer_passed(ctx_t *x)
{
	char a[LAW_DATE_STRLEN];
	for (int i = 0; i < x->c->nterms; i++) {
		const law_open_term_t *t = &x->c->terms[i];
		if (law_terms[t->kind].answer && law_date_cmp(x->in->date, t->due) <= 0)
			return refuse(x, "ponaglenie_premature",
				      "Termin „%s” upływa %s, a ponaglenie wniesiono przed jego "
				      "upływem: organ pozostawia je bez rozpoznania i go nie przekazuje "
				      "(KPA art. 37 §3a).",
				      law_terms[t->kind].label, fmt_date(t->due, a));
	}
	return true;
}

/* Issue 20 item 11: whether the case is a request for standing access
 * (UOD art. 39 ust. 2) picks the row; a re-use request of another kind
 * takes the rows of art. 41. */
static bool fact_holds(const law_guard_spec_t *g, const law_case_t *c)
{
	if (g->guard == LAW_GUARD_STANDING)
		return c->standing;
	if (g->guard == LAW_GUARD_NOT_STANDING)
		return !c->standing;
	return true;
}

/* The body's remedy, a fact of the case too (its policy) for the list of
 * steps; decide() refuses such a row with the remedy's own reason
 * (guard_policy()). */
static bool remedy_holds(const law_guard_spec_t *g, const law_case_t *c)
{
	switch (g->guard) {
	case LAW_GUARD_REMEDY_APPEAL:
		return c->policy.remedy == LAW_REMEDY_APPEAL;
	case LAW_GUARD_REMEDY_RECONSIDERATION:
		return c->policy.remedy == LAW_REMEDY_RECONSIDERATION;
	case LAW_GUARD_REMEDY_COURT:
		return c->policy.remedy == LAW_REMEDY_COURT_COMPLAINT;
	default:
		return true;
	}
}

bool law_row_fits_case(const law_transition_t *t, const law_case_t *c)
{
	for (int g = 0; g < LAW_ROW_GUARDS; g++)
		if (!fact_holds(&t->guards[g], c) || !remedy_holds(&t->guards[g], c))
			return false;
	return true;
}

bool law_case_no_kpa(const law_case_t *c)
{
	return c->policy.remedy == LAW_REMEDY_COURT_COMPLAINT && c->kind == LAW_KIND_PUBLIC_INFORMATION;
}

/* The refusal of a row whose fact guard `g` does not hold. */
static bool refuse_standing(ctx_t *x, const law_guard_spec_t *g)
{
	if (g->guard == LAW_GUARD_NOT_STANDING && x->in->action == LAW_ACT_OBJECT_TO_OFFER)
		return refuse(x, "no_objection",
			      "Od oferty złożonej na wniosek o ponowne wykorzystywanie w sposób stały "
			      "i bezpośredni w czasie rzeczywistym (UOD art. 39 ust. 2) nie "
			      "przysługuje sprzeciw (art. 42 ust. 1 pkt 1); wnioskodawca może ją "
			      "przyjąć w ciągu 14 dni od jej otrzymania (art. 42 ust. 2).");
	if (g->guard == LAW_GUARD_NOT_STANDING)
		return refuse(x, "standing_access",
			      "Ta czynność nie dotyczy wniosku o ponowne wykorzystywanie w sposób "
			      "stały i bezpośredni w czasie rzeczywistym (UOD art. 39 ust. 2, "
			      "art. 42).");
	return refuse(x, "standing_access",
		      "Ta czynność dotyczy tylko wniosku o ponowne wykorzystywanie w sposób stały i "
		      "bezpośredni w czasie rzeczywistym (UOD art. 39 ust. 2, art. 42).");
}

static bool check_guard(ctx_t *x, const law_guard_spec_t *g)
{
	switch (g->guard) {
	case LAW_GUARD_NONE:
		return true;
	case LAW_GUARD_EXTENSION:
		return guard_extension(x);
	case LAW_GUARD_FEE_IN_TIME:
		return guard_fee(x);
	case LAW_GUARD_TERM_OPEN:
	case LAW_GUARD_WINDOW_PASSED:
	case LAW_GUARD_REPLY_IN_TIME:
	case LAW_GUARD_NOT_DELIVERED:
	case LAW_GUARD_IN_TERM:
	case LAW_GUARD_BEFORE_DUE:
	case LAW_GUARD_JUDGMENT_FINAL:
		return guard_window(x, g);
	case LAW_GUARD_FINAL_UNUSED:
		return guard_final_unused(x);
	case LAW_GUARD_ANSWER_PASSED:
		return guard_answer_passed(x);
	case LAW_GUARD_STANDING:
	case LAW_GUARD_NOT_STANDING:
		return true; /* a fact of the case: row_guards() checks it first */
	default:
		return guard_policy(x, g->guard);
	}
}

/* ---- Effects ----------------------------------------------------------- */

static bool cond_holds(const law_policy_t *p, law_cond_t cond)
{
	switch (cond) {
	case LAW_IF_CLARIFICATION_RESTARTS:
		return p->clarification_restarts_term;
	case LAW_IF_INTEREST_PAUSES:
		return !p->interest_call_keeps_term_running;
	default:
		return true;
	}
}

static law_term_effect_t *push(ctx_t *x, law_term_op_t op, law_term_kind_t term)
{
	law_outcome_t *o = x->out;
	law_term_effect_t *e = &o->effects[o->neffects++];
	e->op = op;
	e->term = term;
	e->met = false;
	e->at_risk = false;
	law_term_init(&e->calc, LAW_DATE_NONE);
	return e;
}

/* The extended term: its reasoning says where the date comes from. */
static bool start_extended(ctx_t *x, law_term_effect_t *e)
{
	char a[LAW_DATE_STRLEN], b[LAW_DATE_STRLEN], c3[LAW_DATE_STRLEN];
	const law_term_info_t *info = &law_terms[e->term];
	law_term_init(&e->calc, x->answer->start);
	law_term_add_step(&e->calc,
			  "Otrzymanie wniosku: %s. Zawiadomienie o przedłużeniu wysłano %s, "
			  "przed upływem 14-dniowego terminu (%s) (%s).",
			  fmt_date(x->answer->start, a), fmt_date(x->in->date, b),
			  fmt_date(x->answer->due, c3), info->basis);
	law_term_add_step(&e->calc,
			  "Nowy termin wskazany w zawiadomieniu: %s; nie później niż 2 miesiące "
			  "od otrzymania wniosku, tj. %s (KPA art. 57 §3 i §4).",
			  fmt_date(x->in->new_due, a), fmt_date(x->cap, b));
	law_error_t err;
	if (!law_term_fix(&e->calc, x->in->new_due, &err))
		return refuse(x, err.code, "%s", err.message);
	return true;
}

/* A term that ends with another open term (LAW_LENGTH_UNTIL): the act the
 * body owes after granting a complaint is due within the 30 days of PPSA
 * art. 54 §3 counted from the complaint, not from the grant. */
static bool start_until(ctx_t *x, law_term_effect_t *e)
{
	char a[LAW_DATE_STRLEN], b[LAW_DATE_STRLEN];
	const law_term_info_t *info = &law_terms[e->term];
	const law_term_info_t *until = &law_terms[info->until];
	int i = find_open(x->c, info->until);
	if (i < 0)
		return refuse(x, "term_not_open",
			      "Ta czynność wymaga biegnącego terminu „%s”, a w tej sprawie on nie "
			      "biegnie.",
			      until->label);
	const law_open_term_t *t = &x->c->terms[i];
	law_term_init(&e->calc, t->start);
	law_term_add_step(&e->calc, "Dzień %s: %s (%s).", until->event, fmt_date(t->start, a),
			  until->basis);
	law_term_add_step(&e->calc, "%s: %s; termin „%s” upływa %s i w nim ten termin się kończy.",
			  law_actions[x->in->action].event, fmt_date(x->in->date, a), until->label,
			  fmt_date(t->due, b));
	law_error_t err;
	if (!law_term_fix(&e->calc, t->due, &err))
		return refuse(x, err.code, "%s", err.message);
	return true;
}

static bool term_length(ctx_t *x, const law_term_info_t *info, int *days)
{
	switch (info->source) {
	case LAW_LENGTH_CLARIFICATION:
		*days = x->c->policy.clarification_window_days;
		break;
	case LAW_LENGTH_INTEREST:
		*days = x->c->policy.interest_window_days;
		break;
	case LAW_LENGTH_GIVEN_DAYS:
		*days = x->in->term_days > 0 ? x->in->term_days : info->days;
		break;
	default:
		*days = info->days;
		break;
	}
	if (*days >= 1 && *days <= LAW_TERM_LENGTH_MAX)
		return true;
	if (info->source == LAW_LENGTH_GIVEN_DAYS)
		return refuse(x, "invalid_length", "Termin musi wynosić od 1 do %d dni.",
			      LAW_TERM_LENGTH_MAX);
	return refuse(x, "invalid_policy",
		      "Ustawienie organizacji: długość terminu „%s” musi wynosić od 1 do %d dni.",
		      info->label, LAW_TERM_LENGTH_MAX);
}

static bool start_term(ctx_t *x, law_term_kind_t kind)
{
	const law_term_info_t *info = &law_terms[kind];
	law_term_effect_t *e = push(x, LAW_TERM_START, kind);
	if (info->source == LAW_LENGTH_GIVEN_DATE)
		return start_extended(x, e);
	if (info->source == LAW_LENGTH_UNTIL)
		return start_until(x, e);
	int days;
	if (!term_length(x, info, &days))
		return false;
	law_unit_t unit = info->source == LAW_LENGTH_MONTHS ? LAW_UNIT_MONTHS : LAW_UNIT_DAYS;
	law_error_t err;
	if (!law_term_compute(x->in->date, days, unit, law_actions[x->in->action].event,
			      &e->calc, &err))
		return refuse(x, err.code, "%s", err.message);
	return true;
}

/* Ends open term `i` with `op`; a STOP is met if the act came by the due
 * date (the requester's: by dispatch, KPA art. 57 §5). */
static void end_term(ctx_t *x, int i, law_term_op_t op, bool at_risk)
{
	char a[LAW_DATE_STRLEN], b[LAW_DATE_STRLEN];
	const law_open_term_t *t = &x->c->terms[i];
	const law_term_info_t *info = &law_terms[t->kind];
	law_term_effect_t *e = push(x, op, t->kind);
	e->calc.from = t->start;
	e->calc.due = t->due;
	e->at_risk = at_risk;
	x->handled[i] = true;
	if (op != LAW_TERM_STOP)
		return;
	law_date_t when = info->side == LAW_SIDE_REQUESTER ? x->sent : x->in->date;
	e->met = law_date_cmp(when, t->due) <= 0;
	if (!e->met && info->side == LAW_SIDE_REQUESTER && !x->out->warning.code)
		law_fail(&x->out->warning, "requester_late",
			 "Pismo wnioskodawcy nadano %s, po upływie terminu „%s” (%s).",
			 fmt_date(x->sent, a), info->label, fmt_date(t->due, b));
}

static bool apply_effects(ctx_t *x, const law_transition_t *row)
{
	for (int k = 0; k < LAW_ROW_EFFECTS && row->effects[k].term != LAW_TERM_NONE; k++) {
		const law_effect_spec_t *s = &row->effects[k];
		if (!cond_holds(&x->c->policy, s->cond))
			continue;
		if (s->op == LAW_TERM_START) {
			if (!start_term(x, s->term))
				return false;
			continue;
		}
		int i = find_open(x->c, s->term);
		if (i >= 0 && !x->handled[i])
			end_term(x, i, s->op, s->at_risk);
	}
	return true;
}

/* Closing the case ends every term still open: an answer term is met (or
 * missed) by a closing step that produces a letter or decision; any other
 * term no longer binds. */
static void close_remaining(ctx_t *x, const law_transition_t *row)
{
	for (int i = 0; i < x->c->nterms; i++) {
		if (x->handled[i] || law_terms[x->c->terms[i].kind].survives_close)
			continue;
		bool answered =
		    law_terms[x->c->terms[i].kind].answer && row->document != LAW_DOC_NONE;
		end_term(x, i, answered ? LAW_TERM_STOP : LAW_TERM_CANCEL, false);
	}
}

/* ---- Choosing the row -------------------------------------------------- */

static bool row_matches(const law_transition_t *r, const law_case_t *c, law_action_t a)
{
	return r->action == a && (r->kinds & c->kind) && (r->from & (UINT64_C(1) << c->state));
}

static bool role_allowed(unsigned roles, law_role_t role)
{
	if (role == LAW_ROLE_MANAGER)
		return roles & (LAW_ROLE_CLERK | LAW_ROLE_MANAGER);
	return roles & role;
}

static void roles_text(unsigned roles, char *buf, size_t size)
{
	static const law_role_t all[] = {LAW_ROLE_REQUESTER, LAW_ROLE_CLERK, LAW_ROLE_MANAGER,
					 LAW_ROLE_SYSTEM};
	if (roles & LAW_ROLE_CLERK)
		roles |= LAW_ROLE_MANAGER;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (!(roles & all[i]))
			continue;
		size_t n = strlen(buf);
		snprintf(buf + n, size - n, "%s%s", n ? ", " : "", law_role_label(all[i]));
	}
}

/* Refuses with the reason why no row applies to this kind and state. */
static bool refuse_no_row(ctx_t *x)
{
	const law_case_t *c = x->c;
	law_action_t a = x->in->action;
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (r->action == a && (r->kinds & c->kind))
			return refuse(x, "not_allowed_in_state",
				      "Czynności „%s” nie można wykonać, gdy sprawa jest w stanie "
				      "„%s”.%s%s",
				      law_actions[a].label, law_states[c->state].label,
				      law_actions[a].only ? " " : "",
				      law_actions[a].only ? law_actions[a].only : "");
	}
	return refuse(x, "not_for_kind", "Czynność „%s” nie dotyczy wniosków o %s.",
		      law_actions[a].label, kind_label(c->kind));
}

static bool check_input(ctx_t *x)
{
	const law_case_t *c = x->c;
	const law_action_input_t *in = x->in;
	char a[LAW_DATE_STRLEN], b[LAW_DATE_STRLEN];
	if ((unsigned)in->action >= LAW_ACT_COUNT)
		return refuse(x, "unknown_action", "Nieznana czynność.");
	if ((c->kind != LAW_KIND_PUBLIC_INFORMATION && c->kind != LAW_KIND_REUSE) ||
	    (unsigned)c->state >= LAW_STATE_COUNT || !(law_states[c->state].kinds & c->kind) ||
	    c->nterms < 0 || c->nterms > LAW_OPEN_TERMS_MAX)
		return refuse(x, "invalid_case", "Nieprawidłowe dane sprawy.");
	for (int i = 0; i < c->nterms; i++)
		if ((unsigned)c->terms[i].kind >= LAW_TERM_COUNT ||
		    !law_date_valid(c->terms[i].due) || !law_date_valid(c->terms[i].start))
			return refuse(x, "invalid_case", "Nieprawidłowy termin w danych sprawy.");
	if (!law_date_valid(in->date))
		return refuse(x, "invalid_date", "Brak lub nieprawidłowa data czynności.");
	if (!law_date_in_range(in->date))
		return refuse(x, "date_out_of_range",
			      "Data czynności musi przypadać w latach %d–%d.", LAW_YEAR_MIN,
			      LAW_YEAR_MAX);
	if ((law_date_is_set(c->remedy_lapsed) && !law_date_valid(c->remedy_lapsed)) ||
	    (law_date_is_set(c->remedy_waived) && !law_date_valid(c->remedy_waived)))
		return refuse(x, "invalid_case", "Nieprawidłowe dane sprawy.");
	if (law_date_is_set(in->sent) && !law_date_in_range(in->sent))
		return refuse(x, "invalid_date", "Nieprawidłowa data nadania.");
	if (law_date_is_set(in->sent) && law_date_cmp(in->sent, in->date) > 0)
		return refuse(x, "sent_after_received",
			      "Data nadania (%s) nie może być późniejsza niż data otrzymania (%s).",
			      fmt_date(in->sent, a), fmt_date(in->date, b));
	if (c->state != LAW_STATE_NONE && law_date_is_set(c->received) &&
	    law_date_cmp(in->date, c->received) < 0)
		return refuse(x, "date_before_receipt",
			      "Data czynności (%s) jest wcześniejsza niż data otrzymania wniosku "
			      "(%s).",
			      fmt_date(in->date, a), fmt_date(c->received, b));
	return true;
}

static bool row_guards(ctx_t *x, const law_transition_t *r)
{
	/* A row for other cases (standing access or not) says so first: its
	 * other guards' refusal would not be the case's (choose_row()). */
	for (int g = 0; g < LAW_ROW_GUARDS; g++)
		if (!fact_holds(&r->guards[g], x->c))
			return refuse_standing(x, &r->guards[g]);
	for (int g = 0; g < LAW_ROW_GUARDS; g++)
		if (!check_guard(x, &r->guards[g]))
			return false;
	return true;
}

/* A refusal that only says the row is for other cases (the
 * organisation's remedy, standing access or not): a later row's own
 * refusal says more. */
static bool says_least(const char *code)
{
	return code && (!strcmp(code, "remedy_policy") || !strcmp(code, "standing_access"));
}

/* The first row for the action, kind and state whose role and guards
 * pass; otherwise the refusal of the first that failed, unless that was
 * only the row's selector (says_least()): then the next row's. */
static const law_transition_t *choose_row(ctx_t *x)
{
	law_error_t first = {0};
	bool any = false;
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (!row_matches(r, x->c, x->in->action))
			continue;
		if (!role_allowed(r->roles, x->in->role)) {
			char who[128];
			roles_text(r->roles, who, sizeof who);
			refuse(x, "role_not_allowed", "Czynność „%s” może wykonać: %s.",
			       law_actions[x->in->action].label, who);
		} else if (row_guards(x, r)) {
			law_error_clear(&x->out->refusal);
			return r;
		}
		/* A row for another remedy says least: a later row's own
		 * refusal (e.g. "already delivered") is the reason. */
		if (!any || says_least(first.code))
			first = x->out->refusal;
		any = true;
	}
	if (!any)
		refuse_no_row(x);
	else
		x->out->refusal = first;
	return NULL;
}

static bool row_has_guard(const law_transition_t *r, law_guard_t g)
{
	for (int i = 0; i < LAW_ROW_GUARDS; i++)
		if (r->guards[i].guard == g)
			return true;
	return false;
}

/* Issue 20 item 9: what the organ must know of a remedy lodged after the
 * decision became final (KPA art. 127a §2, art. 134, art. 58–59). */
static void warn_final(ctx_t *x)
{
	char a[LAW_DATE_STRLEN];
	if (law_date_is_set(x->c->remedy_waived))
		law_fail(&x->out->warning, "remedy_waived",
			 "Strona zrzekła się prawa do wniesienia odwołania (oświadczenie doręczone "
			 "organowi %s): decyzja jest ostateczna i prawomocna, a zrzeczenia nie można "
			 "cofnąć (KPA art. 127a §2). Odwołanie przekazuje się organowi odwoławczemu, "
			 "który stwierdza jego niedopuszczalność (art. 134).",
			 fmt_date(x->c->remedy_waived, a));
	else
		law_fail(&x->out->warning, "requester_late",
			 "Odwołanie wniesiono po upływie terminu (upłynął %s). Organ przekazuje je "
			 "organowi odwoławczemu, który stwierdza uchybienie terminu (KPA art. 134) "
			 "albo na prośbę strony przywraca termin (art. 58, art. 59 §2).",
			 fmt_date(x->c->remedy_lapsed, a));
}

/* KPA art. 58 §1–2: a request to restore a term goes with an act done after
 * it; with an act in time there is nothing to restore. */
static bool check_restore(ctx_t *x)
{
	const char *w = x->out->warning.code;
	if (!x->in->restore_request || (w && !strcmp(w, "requester_late")))
		return true;
	if (w && !strcmp(w, "remedy_waived"))
		return refuse(x, "restore_not_late",
			      "Strona zrzekła się prawa do odwołania, a nie uchybiła terminowi: nie "
			      "ma terminu do przywrócenia (KPA art. 58 §1, art. 127a §2).");
	return refuse(x, "restore_not_late",
		      "Prośba o przywrócenie terminu dotyczy czynności dokonanej po jego upływie "
		      "(KPA art. 58 §1–2); tę czynność dokonano w terminie.");
}

bool law_decide(const law_case_t *c, const law_action_input_t *in, law_outcome_t *out)
{
	memset(out, 0, sizeof *out);
	out->state = (unsigned)c->state < LAW_STATE_COUNT ? c->state : LAW_STATE_NONE;
	ctx_t x = {.c = c, .in = in, .out = out};
	if (!check_input(&x))
		return false;
	x.sent = law_date_is_set(in->sent) ? in->sent : in->date;
	const law_transition_t *row = choose_row(&x);
	if (!row)
		return false;
	/* KPA art. 107 §1 pkt 3: a decision names the party (and is delivered
	 * to its address); an anonymous requester is called first. */
	if (law_documents[row->document].decision && c->party_unidentified)
		return refuse(&x, "party_unidentified",
			      "Nie można wydać decyzji: wnioskodawca nie podał imienia i nazwiska "
			      "albo adresu do korespondencji (pocztowego lub do doręczeń "
			      "elektronicznych), a decyzja musi oznaczać stronę i zostać jej "
			      "doręczona (KPA art. 107 §1 pkt 3). Wyślij wezwanie do podania imienia "
			      "i nazwiska oraz adresu (KPA art. 64 §2); informację można udostępnić "
			      "każdemu bez tych danych.");
	law_state_t next = row->next == LAW_STATE_SAME ? c->state : row->next;
	bool was_closed = law_states[c->state].closed;
	out->closes = !was_closed && law_states[next].closed;
	out->reopens = was_closed && !law_states[next].closed;
	if (!apply_effects(&x, row)) {
		out->neffects = 0;
		return false;
	}
	if (row_has_guard(row, LAW_GUARD_FINAL_UNUSED))
		warn_final(&x);
	if (!check_restore(&x)) {
		out->neffects = 0;
		law_error_clear(&out->warning);
		return false;
	}
	if (out->closes)
		close_remaining(&x, row);
	out->row = row;
	out->state = next;
	out->document = row->document;
	out->allowed = true;
	return true;
}
