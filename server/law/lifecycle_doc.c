/* SPDX-License-Identifier: EUPL-1.2 */
/* The lifecycle tables as Markdown (docs/lifecycle.md) and Graphviz, so the
 * documentation is printed from the rows the code runs and never disagrees. */
#include "law/lifecycle.h"

#define BIT(s) (UINT64_C(1) << (s))

void law_guard_describe(const law_guard_spec_t *g, strbuf_t *sb)
{
	const char *t = law_terms[g->term].id;
	switch (g->guard) {
	case LAW_GUARD_EXTENSION:
		sb_puts(sb, "biegnie termin 14-dniowy, zawiadomienie wysłane przed jego upływem, "
			    "nowy termin późniejszy i najpóźniej 2 miesiące od otrzymania wniosku");
		break;
	case LAW_GUARD_FEE_IN_TIME:
		sb_puts(sb, "powiadomienie w ciągu 14 dni od otrzymania wniosku");
		break;
	case LAW_GUARD_TERM_OPEN:
		sb_printf(sb, "biegnie `%s`", t);
		break;
	case LAW_GUARD_WINDOW_PASSED:
		sb_printf(sb, "`%s` upłynął", t);
		break;
	case LAW_GUARD_REPLY_IN_TIME:
		sb_printf(sb, "nadane przed upływem `%s`", t);
		break;
	case LAW_GUARD_NOT_DELIVERED:
		sb_printf(sb, "`%s` jeszcze nie biegnie", t);
		break;
	case LAW_GUARD_REMEDY_APPEAL:
		sb_puts(sb, "polityka: odwołanie");
		break;
	case LAW_GUARD_REMEDY_RECONSIDERATION:
		sb_puts(sb, "polityka: wniosek o ponowne rozpatrzenie");
		break;
	case LAW_GUARD_REMEDY_COURT:
		sb_puts(sb, "polityka: podmiot nie jest organem władzy publicznej (skarga do sądu)");
		break;
	case LAW_GUARD_PARTY_UNIDENTIFIED:
		sb_puts(sb, "wnioskodawca nie podał imienia i nazwiska lub adresu");
		break;
	case LAW_GUARD_PARTY_IDENTIFIED:
		sb_puts(sb, "wnioskodawca podał imię i nazwisko oraz adres");
		break;
	case LAW_GUARD_SIGNATURE_REQUIRED:
		sb_puts(sb, "polityka: pismo ze strony sprawy wymaga podpisu");
		break;
	case LAW_GUARD_IN_TERM:
		sb_printf(sb, "biegnie `%s`, data czynności przed jego upływem", t);
		break;
	case LAW_GUARD_FINAL_UNUSED:
		sb_puts(sb, "decyzja ostateczna wskutek upływu terminu na odwołanie albo zrzeczenia "
			    "się go");
		break;
	case LAW_GUARD_ANSWER_PASSED:
		sb_puts(sb, "termin załatwienia sprawy upłynął (KPA art. 37 §3a)");
		break;
	case LAW_GUARD_BEFORE_DUE:
		sb_printf(sb, "biegnie `%s` i czynność przed jego upływem", t);
		break;
	case LAW_GUARD_JUDGMENT_FINAL:
		sb_printf(sb, "wyrok prawomocny: `%s` nie biegnie albo upłynął", t);
		break;
	case LAW_GUARD_STANDING:
		sb_puts(sb, "wniosek o dostęp w sposób stały i bezpośredni w czasie rzeczywistym "
			    "(UOD art. 39 ust. 2)");
		break;
	case LAW_GUARD_NOT_STANDING:
		sb_puts(sb, "wniosek inny niż o dostęp w sposób stały (UOD art. 39 ust. 2)");
		break;
	default:
		break;
	}
}

/* ---- What the selected rows use ---------------------------------------- */

/* The states row `r` applies from for the kinds in `kinds`. */
static uint64_t row_states(const law_transition_t *r, unsigned kinds)
{
	uint64_t set = 0;
	for (int s = 0; s < LAW_STATE_COUNT; s++)
		if ((r->from & BIT(s)) && (law_states[s].kinds & r->kinds & kinds))
			set |= BIT(s);
	return set;
}

typedef struct used {
	uint64_t states;
	bool actions[LAW_ACT_COUNT];
	bool terms[LAW_TERM_COUNT];
	bool documents[LAW_DOC_COUNT];
} used_t;

static void collect(unsigned kinds, used_t *u)
{
	*u = (used_t){0};
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (!(r->kinds & kinds))
			continue;
		u->states |= row_states(r, kinds);
		if (r->next != LAW_STATE_SAME)
			u->states |= BIT(r->next);
		u->actions[r->action] = true;
		u->documents[r->document] = true;
		for (int g = 0; g < LAW_ROW_GUARDS; g++)
			u->terms[r->guards[g].term] = true;
		for (int e = 0; e < LAW_ROW_EFFECTS; e++)
			u->terms[r->effects[e].term] = true;
	}
}

/* ---- Markdown ---------------------------------------------------------- */

static const char *kinds_text(unsigned kinds)
{
	if (kinds == LAW_KIND_ALL)
		return "oba";
	return kinds == LAW_KIND_REUSE ? "`reuse`" : "`public_information`";
}

static void md_states(strbuf_t *sb, const used_t *u)
{
	sb_puts(sb, "## Stany\n\n| id | nazwa | rodzaj | sprawa zamknięta |\n|---|---|---|---|\n");
	for (int s = 0; s < LAW_STATE_COUNT; s++)
		if (u->states & BIT(s))
			sb_printf(sb, "| `%s` | %s | %s | %s |\n", law_states[s].id,
				  law_states[s].label, kinds_text(law_states[s].kinds),
				  law_states[s].closed ? "tak" : "nie");
	sb_puts(sb, "\n");
}

static void md_actions(strbuf_t *sb, const used_t *u)
{
	sb_puts(sb, "## Czynności\n\n| id | nazwa | data czynności (od niej biegną terminy) |\n"
		    "|---|---|---|\n");
	for (int a = 0; a < LAW_ACT_COUNT; a++)
		if (u->actions[a])
			sb_printf(sb, "| `%s` | %s | %s |\n", law_actions[a].id,
				  law_actions[a].label, law_actions[a].event);
	sb_puts(sb, "\n");
}

static void md_length(strbuf_t *sb, const law_term_info_t *t)
{
	switch (t->source) {
	case LAW_LENGTH_CLARIFICATION:
		sb_puts(sb, "`clarification_window_days` dni");
		break;
	case LAW_LENGTH_INTEREST:
		sb_puts(sb, "`interest_window_days` dni");
		break;
	case LAW_LENGTH_GIVEN_DATE:
		sb_puts(sb, "data z zawiadomienia, najpóźniej 2 miesiące");
		break;
	case LAW_LENGTH_MONTHS:
		sb_printf(sb, "%d mies.", t->days);
		break;
	case LAW_LENGTH_GIVEN_DAYS:
		sb_printf(sb, "z wyroku (zwykle %d dni)", t->days);
		break;
	case LAW_LENGTH_UNTIL:
		sb_printf(sb, "do końca `%s`", law_terms[t->until].id);
		break;
	default:
		sb_printf(sb, "%d dni", t->days);
		break;
	}
}

static void md_terms(strbuf_t *sb, const used_t *u)
{
	sb_puts(sb, "## Terminy\n\n| id | nazwa | podstawa | długość | liczony od | czyj |\n"
		    "|---|---|---|---|---|---|\n");
	for (int k = 1; k < LAW_TERM_COUNT; k++) {
		const law_term_info_t *t = &law_terms[k];
		if (!u->terms[k])
			continue;
		sb_printf(sb, "| `%s` | %s | %s | ", t->id, t->label, t->basis);
		md_length(sb, t);
		sb_printf(sb, " | %s | %s |\n", t->event,
			  t->side == LAW_SIDE_REQUESTER ? "wnioskodawcy" : "podmiotu");
	}
	sb_puts(sb, "\n");
}

static void md_documents(strbuf_t *sb, const used_t *u)
{
	sb_puts(sb,
		"## Pisma i decyzje\n\n| id | nazwa | rodzaj | podstawa |\n|---|---|---|---|\n");
	for (int d = 1; d < LAW_DOC_COUNT; d++)
		if (u->documents[d])
			sb_printf(sb, "| `%s` | %s | %s | %s |\n", law_documents[d].id,
				  law_documents[d].title,
				  law_documents[d].decision ? "decyzja" : "pismo",
				  law_documents[d].basis);
	sb_puts(sb, "\n");
}

static void md_policies(strbuf_t *sb)
{
	law_policy_t p = law_policy_default();
	sb_puts(sb,
		"## Ustawienia organizacji (polityki)\n\n| ustawienie | domyślnie | znaczenie |\n"
		"|---|---|---|\n");
	sb_printf(sb,
		  "| `clarification_restarts_term` | %s | po wezwaniu do doprecyzowania "
		  "14 dni biegnie od nowa od otrzymania doprecyzowania; pierwotny termin "
		  "pokazuje się jako zagrożony |\n",
		  p.clarification_restarts_term ? "tak" : "nie");
	sb_printf(sb,
		  "| `remedy` | %s | środek zaskarżenia decyzji: `appeal` (odwołanie) albo "
		  "`reconsideration` (wniosek o ponowne rozpatrzenie, gdy nie ma organu "
		  "wyższego stopnia); komórka może mieć własny; `court_complaint`, gdy podmiot "
		  "nie jest organem władzy publicznej (UDIP art. 17 ust. 1: bez KPA, skarga "
		  "wprost do sądu administracyjnego) |\n",
		  p.remedy == LAW_REMEDY_APPEAL ? "`appeal`" : "`reconsideration`");
	sb_printf(sb, "| `clarification_window_days` | %d | termin na doprecyzowanie wniosku |\n",
		  p.clarification_window_days);
	sb_printf(sb,
		  "| `interest_window_days` | %d | termin na wykazanie interesu publicznego |\n",
		  p.interest_window_days);
	sb_printf(sb,
		  "| `interest_call_keeps_term_running` | %s | termin załatwienia biegnie "
		  "dalej po wezwaniu do wykazania interesu publicznego; jeśli nie, biegnie od "
		  "nowa od odpowiedzi |\n",
		  p.interest_call_keeps_term_running ? "tak" : "nie");
	sb_printf(sb,
		  "| `accepts_unsigned_pleadings` | %s | odwołanie lub wniosek o ponowne "
		  "rozpatrzenie wniesione przez stronę sprawy bez podpisu jest przyjmowane "
		  "(z notą prawną organizacji); jeśli nie, wezwanie do usunięcia braku "
		  "(KPA art. 64 §2) |\n\n",
		  p.accepts_unsigned_pleadings ? "tak" : "nie");
}

static void md_rules(strbuf_t *sb)
{
	sb_puts(sb,
		"## Zasady ogólne\n\n"
		"- Czynność jest dozwolona, gdy pasuje wiersz przejścia (rodzaj wniosku, stan, "
		"rola) i spełnione są jego warunki; kierownik (`manager`) może wszystko, co "
		"urzędnik (`clerk`). Pierwszy pasujący wiersz rozstrzyga.\n"
		"- Terminy liczy się według KPA art. 57: dnia zdarzenia nie wlicza się, termin "
		"w miesiącach kończy się tego samego dnia miesiąca (lub ostatniego), termin "
		"kończący się w sobotę lub dzień wolny przechodzi na najbliższy dzień roboczy.\n"
		"- Termin wnioskodawcy dotrzymuje data nadania pisma tylko tam, gdzie wskazuje "
		"ją KPA art. 57 §5: placówka operatora wyznaczonego (Poczta Polska) lub operatora "
		"usług powszechnych w innym państwie UE, wysłanie elektroniczne z urzędowym "
		"poświadczeniem (UPO, e-Doręczenia), konsul, dowódca, kapitan, zakład karny; "
		"przy kurierze i złożeniu osobiście liczy się data wpływu (urzędnik zapisuje "
		"sposób nadania, `server/law/sent.c`); "
		"odpowiedź spóźniona jest przyjmowana z ostrzeżeniem `requester_late`, chyba że "
		"warunek wiersza wymaga nadania w terminie.\n"
		"- Czynność urzędu, która wytwarza pismo lub decyzję (kolumna „pismo”), wchodzi "
		"w życie, gdy pismo wychodzi z urzędu: e-mailem i na stronę sprawy w dniu "
		"wysłania, listem poleconym w dniu nadania, przez e-Doręczenia w dniu wysłania "
		"wiadomości, przy odbiorze osobistym w dniu wydania; pismo do organu odwoławczego "
		"lub sądu – w dniu wystawienia. Ten dzień jest datą czynności (od niego liczy się "
		"dotrzymanie terminu); do tego czasu stan sprawy się nie zmienia, a termin biegnie "
		"(`server/cases/pending.c`, docs/dispatch.md).\n"
		"- Terminy wnioskodawcy biegną od doręczenia pisma (`record_delivery`); "
		"termin na środek zaskarżenia – od doręczenia decyzji.\n"
		"- Gdy czynność zamyka sprawę, biegnące terminy załatwienia wniosku kończą się "
		"(dotrzymane albo nie), jeśli czynność wytwarza pismo lub decyzję; pozostałe "
		"biegnące terminy są anulowane.\n"
		"- Odwołanie lub wniosek o ponowne rozpatrzenie wniesione przez wnioskodawcę "
		"(rola `requester`: strona sprawy, API) nie jest podpisane (KPA art. 63 §3): "
		"sprawa czeka w stanie `pleading_unsigned` na wezwanie do usunięcia braku "
		"(`call_to_sign`, 7 dni od doręczenia wezwania, KPA art. 64 §2), chyba że "
		"polityka `accepts_unsigned_pleadings` przyjmuje takie pisma. Pismo zapisane "
		"przez urzędnika uważa się za podpisane. Szczegóły: docs/dispatch.md.\n"
		"- `=` w kolumnie „do stanu” oznacza, że stan się nie zmienia.\n\n");
}

static void md_state_set(strbuf_t *sb, uint64_t set)
{
	bool first = true;
	for (int s = 0; s < LAW_STATE_COUNT; s++) {
		if (!(set & BIT(s)))
			continue;
		sb_printf(sb, "%s`%s`", first ? "" : ", ", law_states[s].id);
		first = false;
	}
}

static void md_roles(strbuf_t *sb, unsigned roles)
{
	static const law_role_t all[] = {LAW_ROLE_REQUESTER, LAW_ROLE_CLERK, LAW_ROLE_MANAGER,
					 LAW_ROLE_SYSTEM};
	bool first = true;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (!(roles & all[i]))
			continue;
		sb_printf(sb, "%s%s", first ? "" : ", ", law_role_id(all[i]));
		first = false;
	}
}

static void md_guards(strbuf_t *sb, const law_transition_t *r)
{
	bool first = true;
	for (int g = 0; g < LAW_ROW_GUARDS; g++) {
		if (r->guards[g].guard == LAW_GUARD_NONE)
			continue;
		if (!first)
			sb_puts(sb, "; ");
		law_guard_describe(&r->guards[g], sb);
		first = false;
	}
}

static void md_effects(strbuf_t *sb, const law_transition_t *r)
{
	static const char *const ops[] = {[LAW_TERM_START] = "start",
					  [LAW_TERM_STOP] = "koniec",
					  [LAW_TERM_CANCEL] = "anulowanie",
					  [LAW_TERM_EXPIRE] = "upływ"};
	static const char *const conds[] = {
	    [LAW_IF_ALWAYS] = "",
	    [LAW_IF_CLARIFICATION_RESTARTS] = " (gdy `clarification_restarts_term`)",
	    [LAW_IF_INTEREST_PAUSES] = " (gdy nie `interest_call_keeps_term_running`)"};
	for (int e = 0; e < LAW_ROW_EFFECTS && r->effects[e].term != LAW_TERM_NONE; e++) {
		const law_effect_spec_t *s = &r->effects[e];
		sb_printf(sb, "%s%s `%s`%s%s", e ? "; " : "", ops[s->op], law_terms[s->term].id,
			  conds[s->cond], s->at_risk ? ", stary termin zagrożony" : "");
	}
}

/* As law_decide() has it: a row closes the case when it leads from a state
 * in which the request is open to one in which it is closed. */
static bool row_closes(const law_transition_t *r)
{
	if (r->next == LAW_STATE_SAME || !law_states[r->next].closed)
		return false;
	for (int s = 0; s < LAW_STATE_COUNT; s++)
		if ((r->from & BIT(s)) && !law_states[s].closed)
			return true;
	return false;
}

static void md_transitions(strbuf_t *sb, unsigned kinds)
{
	sb_puts(sb, "## Przejścia\n\n"
		    "| czynność | rodzaj | ze stanów | kto | do stanu | warunki | terminy | "
		    "pismo | zamyka | uwagi |\n"
		    "|---|---|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (!(r->kinds & kinds))
			continue;
		sb_printf(sb, "| `%s` | %s | ", law_actions[r->action].id, kinds_text(r->kinds));
		md_state_set(sb, row_states(r, kinds));
		sb_puts(sb, " | ");
		md_roles(sb, r->roles);
		if (r->next == LAW_STATE_SAME)
			sb_puts(sb, " | = | ");
		else
			sb_printf(sb, " | `%s` | ", law_states[r->next].id);
		md_guards(sb, r);
		sb_puts(sb, " | ");
		md_effects(sb, r);
		sb_printf(sb, " | %s%s%s | %s | %s |\n", r->document ? "`" : "",
			  r->document ? law_documents[r->document].id : "", r->document ? "`" : "",
			  row_closes(r) ? "tak" : "nie", r->note ? r->note : "");
	}
	sb_puts(sb, "\n");
}

void law_lifecycle_markdown(strbuf_t *sb, unsigned kinds)
{
	used_t u;
	collect(kinds, &u);
	sb_puts(sb,
		"# Cykl życia sprawy\n\n"
		"<!-- Generowane przez `bin/jawnosc lifecycle` (`make docs`) z tabel w "
		"server/law/lifecycle.c. Nie edytuj ręcznie. -->\n\n"
		"Rodzaje wniosków: `public_information` (dostęp do informacji publicznej, "
		"UDIP) i `reuse` (ponowne wykorzystywanie informacji sektora publicznego, "
		"UOD). Identyfikatory (np. `in_progress`) zapisuje baza danych; strony pokazują "
		"polskie nazwy.\n\n");
	md_rules(sb);
	md_states(sb, &u);
	md_actions(sb, &u);
	md_terms(sb, &u);
	md_documents(sb, &u);
	md_policies(sb);
	md_transitions(sb, kinds);
}

/* ---- Graphviz ---------------------------------------------------------- */

typedef struct edge {
	int from, to, action;
} edge_t;

/* Prints each (from, to, action) once, whatever the rows' kinds and guards. */
static void dot_edge(strbuf_t *sb, edge_t *seen, size_t *n, size_t cap, edge_t e)
{
	for (size_t i = 0; i < *n; i++)
		if (seen[i].from == e.from && seen[i].to == e.to && seen[i].action == e.action)
			return;
	if (*n < cap)
		seen[(*n)++] = e;
	sb_printf(sb, "  %s -> %s [label=\"%s\"%s];\n", law_states[e.from].id, law_states[e.to].id,
		  law_actions[e.action].id, e.from == e.to ? ", style=dashed" : "");
}

void law_lifecycle_dot(strbuf_t *sb, unsigned kinds)
{
	used_t u;
	collect(kinds, &u);
	sb_puts(sb, "digraph lifecycle {\n  rankdir=LR;\n"
		    "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
		    "  edge [fontname=\"Helvetica\", fontsize=10];\n");
	for (int s = 0; s < LAW_STATE_COUNT; s++) {
		if (!(u.states & BIT(s)))
			continue;
		if (s == LAW_STATE_NONE)
			sb_puts(sb, "  none [shape=point, label=\"\"];\n");
		else
			sb_printf(sb, "  %s [label=\"%s\\n(%s)\"%s];\n", law_states[s].id,
				  law_states[s].label, law_states[s].id,
				  law_states[s].closed ? ", peripheries=2" : "");
	}
	edge_t seen[1024];
	size_t n = 0;
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (!(r->kinds & kinds))
			continue;
		uint64_t from = row_states(r, kinds);
		for (int s = 0; s < LAW_STATE_COUNT; s++) {
			if (!(from & BIT(s)))
				continue;
			int to = r->next == LAW_STATE_SAME ? s : (int)r->next;
			dot_edge(sb, seen, &n, sizeof seen / sizeof seen[0],
				 (edge_t){s, to, (int)r->action});
		}
	}
	sb_puts(sb, "}\n");
}
