/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/nextstep.h"

#include <string.h>

#include "cases/caseview.h"
#include "core/strbuf.h"
#include "render/letter.h"

/* One row per state and group of terms. The latest term of the row's kinds
 * decides which sentence is said: `running` while it is open and its last
 * day has not passed, `late` when it is open past that day or ended
 * unmet, `otherwise` when there is none (a requester's window starts only
 * when its letter is delivered). The first row of a state whose kinds have
 * such a term is used, else the state's last row's `otherwise`. In the
 * texts, {termin} is that term's last day ("9 grudnia 2026 r. (środa)").
 * Sources: LAW.md §3, §4, §4a; the terms' lengths are the lifecycle's
 * (law/lifecycle.c). */
struct next_row {
	const char *state;
	const char *kinds; /* space-separated term kinds; NULL: none */
	const char *running;
	const char *late; /* NULL: the general sentence of the term's side */
	const char *otherwise;
};

#define NOTHING_TO_DO " Teraz nie musisz nic robić."
#define OVERDUE                                                                                    \
	"Urząd miał odpowiedzieć do {termin}, a jeszcze tego nie zrobił. Możesz ponaglić urząd "   \
	"albo wnieść skargę na bezczynność do wojewódzkiego sądu administracyjnego za "           \
	"pośrednictwem urzędu."
#define ANSWER_TERMS                                                                               \
	"answer answer_extended reuse_answer reuse_answer_extended after_judgment self_review_act"

/* A request the office is considering, within its answer term. */
#define CONSIDERING(st)                                                                            \
	{st, ANSWER_TERMS,                                                                         \
	 "Urząd rozpatruje Twój wniosek i powinien odpowiedzieć do {termin}." NOTHING_TO_DO        \
	 " Jeśli urząd będzie potrzebować wyjaśnień, napisze do Ciebie.",                          \
	 OVERDUE, "Urząd rozpatruje Twój wniosek." NOTHING_TO_DO}

/* A decision against which the requester has a remedy: appeal, request for
 * reconsideration (no higher body), or a complaint to the court (a body
 * that is not an organ of public authority, UDIP art. 17 ust. 1, whose act
 * is a rozstrzygnięcie: `nk` says so; the court window is that body's
 * only, so its sentences start with `nk`). */
#define DECISION(st, head, nk)                                                                     \
	{st, "appeal_window",                                                                      \
	 head " Jeśli się z nią nie zgadzasz, możesz do {termin} wnieść odwołanie (formularz "     \
	      "niżej).",                                                                           \
	 head " Termin na wniesienie odwołania upłynął {termin}.", NULL},                          \
	    {st, "reconsideration_window",                                                         \
	     head " Jeśli się z nią nie zgadzasz, możesz do {termin} złożyć wniosek o ponowne "    \
		  "rozpatrzenie sprawy (formularz niżej).",                                        \
	     head " Termin na wniosek o ponowne rozpatrzenie sprawy upłynął {termin}.", NULL},     \
	    {st, "court_complaint_window",                                                         \
	     nk " Jeśli się z tym nie zgadzasz, możesz do {termin} wnieść skargę do "              \
		"wojewódzkiego sądu administracyjnego za pośrednictwem urzędu (opis niżej).",      \
	     nk " Termin na wniesienie skargi do sądu upłynął {termin}.", NULL},                   \
	{                                                                                          \
		st, NULL, NULL, NULL,                                                              \
		    head " Jeśli się z nią nie zgadzasz, możesz ją zaskarżyć: termin liczy się od "  \
			 "dnia jej doręczenia, a pouczenie w decyzji mówi, jak i dokąd."           \
	}
/* What such a body's decided states say before any window runs (the
 * `otherwise` of DECISION()). */
#define NO_KPA_OTHERWISE                                                                           \
	" Jeśli się z tym nie zgadzasz, możesz je zaskarżyć: termin liczy się od dnia doręczenia, "\
	"a pouczenie w piśmie mówi, jak i dokąd."
#define NK_REFUSED "Urząd odmówił udostępnienia informacji (rozstrzygnięcie w pismach niżej)."
#define NK_PARTLY_REFUSED                                                                          \
	"Urząd udostępnił część informacji, a w pozostałej części odmówił (rozstrzygnięcie w "     \
	"pismach niżej)."
#define NK_DISCONTINUED "Urząd umorzył postępowanie (rozstrzygnięcie w pismach niżej)."

static const struct next_row rows[] = {
    CONSIDERING("received"),
    CONSIDERING("in_progress"),
    {"extended", ANSWER_TERMS,
     "Urząd przedłużył termin i odpowie najpóźniej do {termin}; przyczyny podał w "
     "zawiadomieniu." NOTHING_TO_DO,
     OVERDUE, "Urząd przedłużył termin odpowiedzi; nowy termin podał w zawiadomieniu." NOTHING_TO_DO},
    {"awaiting_clarification", "clarification_window",
     "Urząd czeka na Twoje wyjaśnienia: odpowiedz na wezwanie do {termin} (formularz niżej). "
     "Bez odpowiedzi wniosek pozostanie bez rozpoznania; po niej urząd ma 14 dni na "
     "odpowiedź.",
     NULL,
     "Urząd wezwał Cię do doprecyzowania wniosku. Termin na odpowiedź liczy się od dnia, w "
     "którym otrzymasz wezwanie; możesz odpowiedzieć już teraz (formularz niżej)."},
    {"awaiting_completion", "completion_window",
     "Urząd czeka na uzupełnienie wniosku: uzupełnij go do {termin} (formularz niżej). Bez "
     "uzupełnienia wniosek pozostanie bez rozpoznania (art. 39 ust. 4 ustawy o otwartych "
     "danych).",
     NULL,
     "Urząd wezwał Cię do uzupełnienia wniosku. Masz na to 7 dni od otrzymania wezwania; "
     "możesz uzupełnić wniosek już teraz (formularz niżej)."},
    {"interest_called", "interest_window",
     "Urząd czeka, aż wykażesz, że informacja jest szczególnie istotna dla interesu "
     "publicznego: napisz uzasadnienie do {termin} (formularz niżej). Bez niego urząd może "
     "odmówić udostępnienia informacji przetworzonej.",
     NULL,
     "Urząd wezwał Cię do wykazania, że informacja jest szczególnie istotna dla interesu "
     "publicznego. Termin liczy się od otrzymania wezwania; możesz odpowiedzieć już teraz "
     "(formularz niżej)."},
    {"awaiting_identity", "identity_window",
     "Urząd czeka na Twoje imię i nazwisko oraz adres do korespondencji: podaj je do {termin} "
     "(formularz niżej). Bez nich wniosek pozostanie bez rozpoznania w części, w której "
     "potrzebna jest decyzja.",
     NULL,
     "Urząd wezwał Cię do podania imienia i nazwiska oraz adresu. Masz na to 7 dni od "
     "otrzymania wezwania; możesz podać je już teraz (formularz niżej)."},
    {"fee_notified", "fee_window",
     "Urząd powiadomił Cię o opłacie. Jeśli do {termin} nie zmienisz formy udostępnienia ani "
     "nie wycofasz wniosku (niżej), urząd udostępni informację po tym dniu, za opłatą z "
     "powiadomienia.",
     "Minęło 14 dni od powiadomienia o opłacie ({termin}): urząd udostępni informację za "
     "opłatą z powiadomienia.",
     "Urząd powiadomił Cię o opłacie. W ciągu 14 dni od otrzymania powiadomienia możesz "
     "zmienić formę udostępnienia albo wycofać wniosek (niżej); potem urząd udostępni "
     "informację za opłatą."},
    {"form_notified", "form_window",
     "Urząd nie może udostępnić informacji w formie, o którą prosisz: do {termin} wskaż jedną "
     "z form podanych w powiadomieniu (formularz niżej). Jeśli tego nie zrobisz, urząd umorzy "
     "postępowanie (art. 14 ust. 2 ustawy o dostępie do informacji publicznej).",
     NULL,
     "Urząd nie może udostępnić informacji w formie, o którą prosisz. W ciągu 14 dni od "
     "otrzymania powiadomienia wskaż jedną z form w nim podanych (formularz niżej); inaczej "
     "urząd umorzy postępowanie."},
    {"offer_sent", "offer_window",
     "Urząd przedstawił ofertę warunków ponownego wykorzystywania: do {termin} przyjmij ją "
     "albo wnieś sprzeciw (niżej). Jeśli nie zrobisz żadnej z tych rzeczy, wniosek uznaje się "
     "za wycofany.",
     NULL, NULL},
    {"offer_sent", "standing_offer_window",
     "Urząd przedstawił ofertę dostępu w sposób stały: przyjmij ją do {termin} (niżej). Od tej "
     "oferty nie przysługuje sprzeciw, a bez przyjęcia wniosek uznaje się za wycofany.",
     NULL,
     "Urząd przedstawił ofertę warunków ponownego wykorzystywania. Masz 14 dni od jej "
     "otrzymania, aby ją przyjąć (albo wnieść sprzeciw, jeśli oferta na to pozwala); bez "
     "odpowiedzi wniosek uznaje się za wycofany."},
    {"objection_lodged", "conditions_decision",
     "Urząd rozpatruje Twój sprzeciw i do {termin} wyda decyzję o warunkach ponownego "
     "wykorzystywania." NOTHING_TO_DO,
     NULL,
     "Urząd rozpatruje Twój sprzeciw i wyda decyzję o warunkach ponownego "
     "wykorzystywania." NOTHING_TO_DO},
    {"provided", NULL, NULL, NULL,
     "Urząd udostępnił informację: znajdziesz ją w pismach niżej albo w wiadomości wysłanej "
     "wybraną przez Ciebie drogą. Sprawa jest zakończona."},
    DECISION("refused", "Urząd odmówił udostępnienia informacji decyzją (w pismach niżej).",
	     NK_REFUSED),
    DECISION("partly_refused", "Urząd udostępnił część informacji, a w pozostałej części "
			       "odmówił decyzją (w pismach niżej).",
	     NK_PARTLY_REFUSED),
    DECISION("discontinued", "Urząd umorzył postępowanie decyzją (w pismach niżej).",
	     NK_DISCONTINUED),
    /* Re-use keeps the decision (docs/legal-review.md, item 7). */
    DECISION("conditions_decided", "Urząd ustalił warunki ponownego wykorzystywania decyzją "
				   "(w pismach niżej).",
	     "Urząd ustalił warunki ponownego wykorzystywania decyzją (w pismach niżej)."),
    {"not_public_information", NULL, NULL, NULL,
     "Urząd uznał, że to, o co prosisz, nie jest informacją publiczną, i zakończył sprawę "
     "pismem. Jeśli się z tym nie zgadzasz, możesz wnieść skargę na bezczynność do "
     "wojewódzkiego sądu administracyjnego za pośrednictwem urzędu."},
    {"not_held", NULL, NULL, NULL,
     "Urząd poinformował, że nie posiada tej informacji (w piśmie może wskazać, kto ją ma), i "
     "zakończył sprawę. Możesz złożyć wniosek tam, gdzie informacja się znajduje."},
    {"published_elsewhere", NULL, NULL, NULL,
     "Urząd wskazał, że informacja jest już opublikowana w Biuletynie Informacji Publicznej "
     "(adres w piśmie niżej), i zakończył sprawę."},
    {"other_statute", NULL, NULL, NULL,
     "Urząd wskazał, że dostęp do tej informacji regulują przepisy innej ustawy, i zakończył "
     "sprawę pismem; o informację możesz wystąpić w trybie tamtej ustawy."},
    {"reuse_not_possible", NULL, NULL, NULL,
     "Urząd poinformował, że ponowne wykorzystywanie w sposobie lub formacie z wniosku nie "
     "jest możliwe, i zakończył sprawę. Możesz złożyć nowy wniosek."},
    {"withdrawn", NULL, NULL, NULL,
     "Wniosek został wycofany, a sprawa zakończona. Jeśli znowu będziesz potrzebować tej "
     "informacji, złóż nowy wniosek."},
    {"deemed_withdrawn", NULL, NULL, NULL,
     "Wniosek uznano za wycofany, bo w terminie oferta nie została przyjęta ani nie wniesiono "
     "sprzeciwu; sprawa jest zakończona. Możesz złożyć nowy wniosek."},
    {"left_unprocessed", NULL, NULL, NULL,
     "Wniosek pozostawiono bez rozpoznania, bo w terminie nie usunięto braku, do którego "
     "wzywał urząd; sprawa jest zakończona. Możesz złożyć nowy wniosek."},
    {"appeal_granted", NULL, NULL, NULL,
     "Urząd sam uwzględnił Twoje odwołanie: wydał nową decyzję i udostępnił informację (art. "
     "132 Kodeksu postępowania administracyjnego). Sprawa jest zakończona."},
    {"appeal_pending", "forward_appeal",
     "Urząd przekaże Twoje odwołanie wraz z aktami organowi odwoławczemu do {termin}; ten je "
     "rozpatrzy i doręczy Ci decyzję." NOTHING_TO_DO,
     NULL, NULL},
    {"appeal_pending", "reconsideration reuse_reconsideration",
     "Urząd ponownie rozpatrzy sprawę na Twój wniosek do {termin}." NOTHING_TO_DO, NULL,
     "Twoje odwołanie (albo wniosek o ponowne rozpatrzenie sprawy) jest rozpatrywane; "
     "rozstrzygnięcie dostaniesz na piśmie." NOTHING_TO_DO},
    {"pleading_unsigned", NULL, NULL, NULL,
     "Twoje pismo wniesione przez tę stronę nie jest podpisane: urząd wezwie Cię do usunięcia "
     "tego braku. Możesz to zrobić już teraz, jak opisano niżej."},
    {"signature_called", "signature_window",
     "Urząd czeka na Twój podpis pod pismem: usuń ten brak do {termin}, jak opisano niżej. "
     "Bez podpisu pismo pozostanie bez rozpoznania.",
     NULL,
     "Urząd wezwał Cię do podpisania pisma. Masz na to 7 dni od otrzymania wezwania; sposoby "
     "opisano niżej."},
    {"at_court", "court_answer reuse_court_answer",
     "Urząd przekaże Twoją skargę z aktami i odpowiedzią na skargę do wojewódzkiego sądu "
     "administracyjnego do {termin}; dalej sprawę prowadzi sąd, który zawiadomi Cię o "
     "rozprawie." NOTHING_TO_DO,
     NULL,
     "Skargę rozpatruje wojewódzki sąd administracyjny; zawiadomi Cię o rozprawie i "
     "wyroku." NOTHING_TO_DO},
    {"closed_final", NULL, NULL, NULL,
     "Sprawa jest zakończona ostatecznie: nie przysługuje już zwykły środek zaskarżenia."},
};

/* The general sentences of a term run past its last day. */
static const char body_late[] =
    "Urząd miał to zrobić do {termin}; jeśli nadal czekasz, możesz ponaglić urząd.";
static const char requester_late[] =
    "Twój termin upłynął {termin}; urząd zdecyduje o dalszym biegu sprawy.";

const char *nextstep_date_text(arena_t *a, const char *iso)
{
	law_date_t d;
	strbuf_t sb;
	sb_init(&sb, a);
	if (!iso || !law_date_parse(iso, &d) || !letter_date_pl(iso, &sb))
		return iso ? iso : "";
	sb_printf(&sb, " (%s)", law_weekday_name(law_weekday(d)));
	return sb.data;
}

static bool has_kind(const char *kinds, const char *kind)
{
	size_t n = strlen(kind);
	for (const char *p = kinds; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, kind, n))
			return true;
		p = end ? end + 1 : p + len;
	}
	return false;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The latest term of the row's kinds (terms are in the order they were
 * started), or NULL. */
static json_t *latest_term(json_t *terms, const char *kinds)
{
	json_t *found = NULL, *t;
	size_t i;
	json_array_foreach(terms, i, t)
	{
		if (kinds && has_kind(kinds, str(t, "kind")))
			found = t;
	}
	return found;
}

static const char *fill(arena_t *a, const char *text, const char *date_text)
{
	const char *mark = strstr(text, "{termin}");
	if (!mark)
		return text;
	return arena_printf(a, "%.*s%s%s", (int)(mark - text), text, date_text,
			    mark + strlen("{termin}"));
}

json_t *nextstep_of(arena_t *a, json_t *view, law_date_t today)
{
	const char *state = str(view, "state");
	json_t *terms = json_object_get(view, "terms");
	char day[LAW_DATE_STRLEN];
	law_date_format(today, day);
	const struct next_row *last = NULL;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct next_row *r = &rows[i];
		if (strcmp(r->state, state) != 0)
			continue;
		last = r;
		json_t *t = latest_term(terms, r->kinds);
		const char *tstate = t ? str(t, "state") : "";
		if (!t || !strcmp(tstate, "cancelled"))
			continue;
		const char *due = str(t, "due_on");
		bool open = !strcmp(tstate, "open"), requester = !strcmp(str(t, "side"), "requester");
		const char *date_text = nextstep_date_text(a, due);
		if (open && strcmp(due, day) >= 0) {
			json_t *out = json_pack("{s:s}", "text", fill(a, r->running, date_text));
			if (requester)
				json_object_set_new(out, "requester_window",
						    json_pack("{s:s, s:s, s:s}", "label",
							      str(t, "label"), "due_on", due,
							      "due_text", date_text));
			return out;
		}
		/* Past its last day, or ended without being met. */
		if (open || !strcmp(tstate, "missed")) {
			const char *late = r->late ? r->late : requester ? requester_late : body_late;
			return json_pack("{s:s}", "text", fill(a, late, date_text));
		}
	}
	/* UDIP art. 17 ust. 1: such a body's act is a rozstrzygnięcie. */
	static const struct {
		const char *state, *text;
	} no_kpa[] = {{"refused", NK_REFUSED NO_KPA_OTHERWISE},
		      {"partly_refused", NK_PARTLY_REFUSED NO_KPA_OTHERWISE},
		      {"discontinued", NK_DISCONTINUED NO_KPA_OTHERWISE}};
	for (size_t i = 0; json_is_true(json_object_get(view, "no_kpa")) &&
			   i < sizeof no_kpa / sizeof no_kpa[0]; i++)
		if (!strcmp(no_kpa[i].state, state))
			return json_pack("{s:s}", "text", no_kpa[i].text);
	if (last && last->otherwise)
		return json_pack("{s:s}", "text", last->otherwise);
	return json_pack("{s:s}", "text",
			 arena_printf(a, "Stan sprawy: %s.",
			              caseview_state_label(state, json_is_true(json_object_get(view, "no_kpa")))));
}
