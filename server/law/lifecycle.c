/* SPDX-License-Identifier: EUPL-1.2 */
/* The lifecycle tables: states, roles, terms, documents (the one table of
 * the letters' ids, titles, kinds and addressees), actions and the
 * transitions. law_decide() (decide.c) runs them; lifecycle_doc.c prints
 * them. A new legal step is a row here. */
#include "law/lifecycle.h"

#include <string.h>

#define PI LAW_KIND_PUBLIC_INFORMATION
#define RU LAW_KIND_REUSE
#define ANY LAW_KIND_ALL

/* ---- States ------------------------------------------------------------ */

/* clang-format off */
const law_state_info_t law_states[LAW_STATE_COUNT] = {
	[LAW_STATE_NONE] = {"none", "brak (przed rejestracją)", false, ANY},
	[LAW_STATE_RECEIVED] = {"received", "przyjęty", false, ANY},
	[LAW_STATE_IN_PROGRESS] = {"in_progress", "w toku", false, ANY},
	[LAW_STATE_AWAITING_CLARIFICATION] = {"awaiting_clarification",
					      "oczekuje na doprecyzowanie", false, PI},
	[LAW_STATE_AWAITING_COMPLETION] = {"awaiting_completion", "oczekuje na uzupełnienie",
					   false, RU},
	[LAW_STATE_EXTENDED] = {"extended", "termin przedłużony", false, ANY},
	[LAW_STATE_FEE_NOTIFIED] = {"fee_notified", "powiadomiono o opłacie", false, PI},
	[LAW_STATE_FORM_NOTIFIED] = {"form_notified",
				     "powiadomiono o braku możliwości udostępnienia w żądanej formie",
				     false, PI},
	[LAW_STATE_INTEREST_CALLED] = {"interest_called",
				       "wezwano do wykazania interesu publicznego", false, PI},
	[LAW_STATE_OFFER_SENT] = {"offer_sent", "przedstawiono ofertę", false, RU},
	[LAW_STATE_OBJECTION_LODGED] = {"objection_lodged", "wniesiono sprzeciw wobec oferty",
					false, RU},
	[LAW_STATE_PROVIDED] = {"provided", "udostępniono", true, ANY},
	[LAW_STATE_PARTLY_REFUSED] = {"partly_refused",
				      "udostępniono częściowo, w pozostałej części odmówiono",
				      true, PI},
	[LAW_STATE_REFUSED] = {"refused", "odmówiono (decyzja)", true, ANY},
	[LAW_STATE_DISCONTINUED] = {"discontinued", "umorzono (decyzja)", true, PI},
	[LAW_STATE_CONDITIONS_DECIDED] = {"conditions_decided",
					  "ustalono warunki decyzją", true, RU},
	[LAW_STATE_NOT_PUBLIC_INFORMATION] = {"not_public_information",
					      "nie jest informacją publiczną", true, PI},
	[LAW_STATE_NOT_HELD] = {"not_held", "podmiot nie posiada informacji", true, ANY},
	[LAW_STATE_PUBLISHED_ELSEWHERE] = {"published_elsewhere", "opublikowana w BIP", true, PI},
	[LAW_STATE_OTHER_STATUTE] = {"other_statute", "dostęp w trybie innej ustawy", true, PI},
	[LAW_STATE_WITHDRAWN] = {"withdrawn", "wycofany", true, ANY},
	[LAW_STATE_LEFT_UNPROCESSED] = {"left_unprocessed", "pozostawiony bez rozpoznania",
					true, ANY},
	[LAW_STATE_DEEMED_WITHDRAWN] = {"deemed_withdrawn", "uznany za wycofany", true, RU},
	[LAW_STATE_APPEAL_PENDING] = {"appeal_pending",
				      "odwołanie lub wniosek o ponowne rozpatrzenie w toku", false,
				      ANY},
	/* Issue 20 item 11: re-use decisions and inaction go to the court too. */
	[LAW_STATE_AT_COURT] = {"at_court", "skarga w sądzie administracyjnym", false, ANY},
	[LAW_STATE_CLOSED_FINAL] = {"closed_final", "zakończona ostatecznie", true, ANY},
	[LAW_STATE_PLEADING_UNSIGNED] = {"pleading_unsigned",
					 "odwołanie lub wniosek o ponowne rozpatrzenie bez podpisu",
					 false, ANY},
	[LAW_STATE_SIGNATURE_CALLED] = {"signature_called",
					"wezwano do usunięcia braku podpisu", false, ANY},
	[LAW_STATE_AWAITING_IDENTITY] = {"awaiting_identity",
					 "oczekuje na podanie imienia i nazwiska oraz adresu", false,
					 PI},
	/* Issue 20 item 9 (KPA art. 132). */
	[LAW_STATE_APPEAL_GRANTED] = {"appeal_granted",
				      "odwołanie uwzględnione przez organ: nowa decyzja "
				      "i udostępnienie (KPA art. 132)",
				      true, ANY},
	[LAW_STATE_REUSE_NOT_POSSIBLE] = {"reuse_not_possible",
					  "poinformowano o braku możliwości ponownego "
					  "wykorzystywania w sposób lub formacie z wniosku",
					  true, RU},
};
/* clang-format on */

bool law_state_from_id(const char *id, law_state_t *out)
{
	for (int i = 0; id && i < LAW_STATE_COUNT; i++) {
		if (strcmp(law_states[i].id, id) == 0) {
			*out = (law_state_t)i;
			return true;
		}
	}
	return false;
}

/* UDIP art. 17 ust. 1: a body that is not an organ of public authority
 * refuses and discontinues by a rozstrzygnięcie, not by a decision under
 * the KPA (art. 16 ust. 1). Its wording where the tables say „decyzja”. */
static const char *const state_labels_no_kpa[LAW_STATE_COUNT] = {
    [LAW_STATE_REFUSED] = "odmówiono (rozstrzygnięcie)",
    [LAW_STATE_DISCONTINUED] = "umorzono (rozstrzygnięcie)",
};
static const char *const action_labels_no_kpa[LAW_ACT_COUNT] = {
    [LAW_ACT_REFUSE] = "odmowa (rozstrzygnięcie)",
    [LAW_ACT_DISCONTINUE] = "umorzenie postępowania (rozstrzygnięcie)",
};
static const char *const document_titles_no_kpa[LAW_DOC_ROWS] = {
    [LAW_DOC_PARTIAL_REFUSAL_DECISION] =
        "Rozstrzygnięcie o odmowie udostępnienia informacji publicznej w części",
    [LAW_DOC_REFUSAL_DECISION] = "Rozstrzygnięcie o odmowie udostępnienia informacji publicznej",
    [LAW_DOC_DISCONTINUANCE_DECISION] = "Rozstrzygnięcie o umorzeniu postępowania",
};

const char *law_state_label(law_state_t s, bool no_kpa)
{
	return no_kpa && state_labels_no_kpa[s] ? state_labels_no_kpa[s] : law_states[s].label;
}

const char *law_action_label(law_action_t a, bool no_kpa)
{
	return no_kpa && action_labels_no_kpa[a] ? action_labels_no_kpa[a] : law_actions[a].label;
}

const char *law_document_title(law_document_t d, bool no_kpa)
{
	return no_kpa && document_titles_no_kpa[d] ? document_titles_no_kpa[d]
	                                          : law_documents[d].title;
}

/* ---- Roles ------------------------------------------------------------- */

/* clang-format off */
static const struct {
	law_role_t role;
	const char *id, *label;
} roles[] = {
	{LAW_ROLE_REQUESTER, "requester", "wnioskodawca"},
	{LAW_ROLE_CLERK, "clerk", "urzędnik"},
	{LAW_ROLE_MANAGER, "manager", "kierownik"},
	{LAW_ROLE_SYSTEM, "system", "system"},
};
/* clang-format on */

const char *law_role_id(law_role_t role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].id;
	return "?";
}

const char *law_role_label(law_role_t role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].label;
	return "?";
}

/* ---- Terms ------------------------------------------------------------- */

#define BODY LAW_SIDE_BODY
#define REQ LAW_SIDE_REQUESTER

/* clang-format off */
const law_term_info_t law_terms[LAW_TERM_COUNT] = {
	[LAW_TERM_NONE] = {"none", "brak", "", "", BODY, LAW_LENGTH_FIXED, 0, false},
	[LAW_TERM_ANSWER] = {"answer", "termin załatwienia wniosku", "UDIP art. 13 ust. 1",
			     "otrzymania wniosku", BODY, LAW_LENGTH_FIXED, 14, true},
	[LAW_TERM_ANSWER_EXTENDED] = {"answer_extended",
				      "przedłużony termin załatwienia wniosku",
				      "UDIP art. 13 ust. 2", "otrzymania wniosku", BODY,
				      LAW_LENGTH_GIVEN_DATE, 0, true},
	[LAW_TERM_REUSE_ANSWER] = {"reuse_answer",
				   "termin rozpatrzenia wniosku o ponowne wykorzystywanie",
				   "UOD art. 40 ust. 1", "otrzymania wniosku", BODY,
				   LAW_LENGTH_FIXED, 14, true},
	[LAW_TERM_REUSE_ANSWER_EXTENDED] = {"reuse_answer_extended",
					    "przedłużony termin rozpatrzenia wniosku "
					    "o ponowne wykorzystywanie",
					    "UOD art. 40 ust. 2", "otrzymania wniosku", BODY,
					    LAW_LENGTH_GIVEN_DATE, 0, true},
	/* Policy: LAW.md gives no length; 7 days as for formal defects in KPA
	 * art. 64 §2 is the usual practice. */
	[LAW_TERM_CLARIFICATION_WINDOW] = {"clarification_window",
					   "termin na doprecyzowanie wniosku",
					   "polityka organizacji (por. KPA art. 64 §2)",
					   "doręczenia wezwania", REQ, LAW_LENGTH_CLARIFICATION, 0,
					   false},
	[LAW_TERM_INTEREST_WINDOW] = {"interest_window",
				      "termin na wykazanie szczególnej istotności dla interesu "
				      "publicznego",
				      "UDIP art. 3 ust. 1 pkt 1; długość: polityka organizacji",
				      "doręczenia wezwania", REQ, LAW_LENGTH_INTEREST, 0, false},
	[LAW_TERM_COMPLETION_WINDOW] = {"completion_window", "termin na uzupełnienie wniosku",
					"UOD art. 39 ust. 4", "doręczenia wezwania", REQ,
					LAW_LENGTH_FIXED, 7, false},
	[LAW_TERM_FEE_WINDOW] = {"fee_window",
				 "termin na zmianę wniosku lub jego wycofanie po powiadomieniu o "
				 "opłacie",
				 "UDIP art. 15 ust. 2", "doręczenia powiadomienia", REQ,
				 LAW_LENGTH_FIXED, 14, false},
	[LAW_TERM_FORM_WINDOW] = {"form_window",
				  "termin na wniosek o udostępnienie we wskazanej formie",
				  "UDIP art. 14 ust. 2", "doręczenia powiadomienia", REQ,
				  LAW_LENGTH_FIXED, 14, false},
	[LAW_TERM_OFFER_WINDOW] = {"offer_window",
				   "termin na przyjęcie oferty lub wniesienie sprzeciwu",
				   "UOD art. 41 ust. 2", "doręczenia oferty", REQ,
				   LAW_LENGTH_FIXED, 14, false},
	[LAW_TERM_APPEAL_WINDOW] = {"appeal_window", "termin na wniesienie odwołania",
				    "KPA art. 129 §2", "doręczenia decyzji", REQ,
				    LAW_LENGTH_FIXED, 14, false},
	[LAW_TERM_RECONSIDERATION_WINDOW] = {"reconsideration_window",
					     "termin na wniosek o ponowne rozpatrzenie sprawy",
					     "KPA art. 127 §3 w zw. z art. 129 §2",
					     "doręczenia decyzji", REQ, LAW_LENGTH_FIXED, 14,
					     false},
	[LAW_TERM_FORWARD_APPEAL] = {"forward_appeal",
				     "termin przekazania odwołania wraz z aktami",
				     "KPA art. 133", "otrzymania odwołania", BODY,
				     LAW_LENGTH_FIXED, 7, false},
	[LAW_TERM_RECONSIDERATION] = {"reconsideration",
				      "termin rozpatrzenia wniosku o ponowne rozpatrzenie sprawy",
				      "UDIP art. 16 ust. 2 pkt 1 w zw. z KPA art. 127 §3",
				      "otrzymania wniosku o ponowne rozpatrzenie", BODY,
				      LAW_LENGTH_FIXED, 14, false},
	[LAW_TERM_COURT_ANSWER] = {"court_answer",
				   "termin przekazania skargi z aktami i odpowiedzią na skargę",
				   "UDIP art. 21 pkt 1", "otrzymania skargi", BODY,
				   LAW_LENGTH_FIXED, 15, false},
	[LAW_TERM_AFTER_JUDGMENT] = {"after_judgment",
				     "termin rozpatrzenia wniosku po wyroku sądu",
				     "PPSA art. 149 §1 (termin z wyroku, zwykle 14 dni)",
				     "zwrotu akt", BODY, LAW_LENGTH_GIVEN_DAYS, 14, true},
	[LAW_TERM_SIGNATURE_WINDOW] = {"signature_window",
				       "termin na usunięcie braku podpisu", "KPA art. 64 §2",
				       "doręczenia wezwania", REQ, LAW_LENGTH_FIXED, 7, false},
	/* UDIP art. 16 ust. 2 pkt 1 binds only public information; UOD leaves
	 * the remedies against re-use decisions to the KPA. */
	[LAW_TERM_REUSE_RECONSIDERATION] = {"reuse_reconsideration",
					    "termin rozpatrzenia wniosku o ponowne rozpatrzenie "
					    "sprawy (ponowne wykorzystywanie)",
					    "KPA art. 35 §3 w zw. z art. 127 §3 (UOD nie ustanawia "
					    "terminu szczególnego)",
					    "otrzymania wniosku o ponowne rozpatrzenie", BODY,
					    LAW_LENGTH_MONTHS, 1, false},
	/* No KPA for a body that is not an organ of public authority (UDIP art.
	 * 17 ust. 1): no appeal to exhaust (PPSA art. 52 §1), the complaint is
	 * lodged through the body within 30 days of delivery. */
	[LAW_TERM_COURT_COMPLAINT_WINDOW] = {"court_complaint_window",
					     "termin na wniesienie skargi do sądu "
					     "administracyjnego",
					     "PPSA art. 53 §1 w zw. z art. 54 §1; UDIP art. 17 ust. 1",
					     "doręczenia rozstrzygnięcia", REQ, LAW_LENGTH_FIXED, 30,
					     false},
	[LAW_TERM_IDENTITY_WINDOW] = {"identity_window",
				      "termin na podanie imienia i nazwiska oraz adresu",
				      "KPA art. 64 §2 w zw. z art. 63 §2", "doręczenia wezwania", REQ,
				      LAW_LENGTH_FIXED, 7, false, false},
	/* Issue 20 item 9. KPA art. 37 §4: the organ sends the ponaglenie on
	 * with its position whatever becomes of the case meanwhile (the
	 * higher body still rules whether there was inaction, §6 pkt 1), so
	 * closing the case does not end these terms. */
	[LAW_TERM_FORWARD_PONAGLENIE] = {"forward_ponaglenie",
					 "termin przekazania ponaglenia organowi wyższego stopnia",
					 "KPA art. 37 §3 pkt 1 i §4", "otrzymania ponaglenia", BODY,
					 LAW_LENGTH_FIXED, 7, false, true},
	[LAW_TERM_CONSIDER_PONAGLENIE] = {"consider_ponaglenie",
					  "termin rozpatrzenia ponaglenia (brak organu wyższego "
					  "stopnia)",
					  "KPA art. 37 §3 pkt 2 i §5", "otrzymania ponaglenia", BODY,
					  LAW_LENGTH_FIXED, 7, false, true},
	/* Issue 20 item 11: UOD art. 41 sends re-use complaints to the PPSA
	 * with the terms of UDIP art. 21 (15 days for the files and the
	 * answer); the paragraph of art. 41 is to be checked (docs/legal-review.md). */
	[LAW_TERM_REUSE_COURT_ANSWER] = {"reuse_court_answer",
					 "termin przekazania skargi z aktami i odpowiedzią na skargę "
					 "(ponowne wykorzystywanie)",
					 "UOD art. 41 w zw. z PPSA art. 54 §2", "otrzymania skargi",
					 BODY, LAW_LENGTH_FIXED, 15, false},
	/* Issue 20 item 10. UDIP art. 21 pkt 1 shortens only the term to send
	 * the complaint on (art. 54 §2), not the 30 days of art. 54 §3. */
	[LAW_TERM_SELF_REVIEW_WINDOW] = {"self_review_window",
					 "termin na uwzględnienie skargi przez organ",
					 "PPSA art. 54 §3", "otrzymania skargi", REQ,
					 LAW_LENGTH_FIXED, 30, false},
	[LAW_TERM_SELF_REVIEW_ACT] = {"self_review_act",
				      "termin wydania aktu lub podjęcia czynności uwzględniającej "
				      "skargę",
				      "PPSA art. 54 §3", "otrzymania skargi", BODY, LAW_LENGTH_UNTIL,
				      0, true, false, LAW_TERM_SELF_REVIEW_WINDOW},
	[LAW_TERM_CASSATION_WINDOW] = {"cassation_window",
				       "termin na wniesienie skargi kasacyjnej",
				       "PPSA art. 177 §1", "doręczenia wyroku z uzasadnieniem", REQ,
				       LAW_LENGTH_FIXED, 30, false},
	/* Issue 20 item 11. No objection lies against the offer made on a
	 * request for standing access (UOD art. 42 ust. 1 pkt 1): the window
	 * is only for the acceptance; without it the request counts as
	 * withdrawn (ust. 2 with art. 41 ust. 2 second sentence). */
	[LAW_TERM_STANDING_OFFER_WINDOW] = {"standing_offer_window",
					    "termin na zawiadomienie o przyjęciu oferty (bez "
					    "sprzeciwu)",
					    "UOD art. 42 ust. 2", "doręczenia oferty", REQ,
					    LAW_LENGTH_FIXED, 14, false},
	/* After an objection the body sets the conditions or fees by decision
	 * (UOD art. 41 ust. 3); 14 days from the objection's receipt. */
	[LAW_TERM_CONDITIONS_DECISION] = {"conditions_decision",
					  "termin wydania decyzji o warunkach ponownego "
					  "wykorzystywania lub opłatach po sprzeciwie",
					  "UOD art. 41 ust. 3", "otrzymania sprzeciwu", BODY,
					  LAW_LENGTH_FIXED, 14, false},
};
/* clang-format on */

bool law_term_kind_from_id(const char *id, law_term_kind_t *out)
{
	for (int i = 1; id && i < LAW_TERM_COUNT; i++) {
		if (strcmp(law_terms[i].id, id) == 0) {
			*out = (law_term_kind_t)i;
			return true;
		}
	}
	return false;
}

/* ---- Documents --------------------------------------------------------- */

#define REQUESTER LAW_TO_REQUESTER

/* The titles are those the letters carry. Where the statute names the one
 * who answers, the title says "podmiot" as UDIP does (art. 4 ust. 1 and 3:
 * "podmioty obowiązane"; UOD: "podmiot zobowiązany"): a body that is no
 * organ of public authority (LAW.md §4a) answers too. */
/* clang-format off */
const law_document_info_t law_documents[LAW_DOC_ROWS] = {
	[LAW_DOC_NONE] = {NULL, "brak", "", false, 0, REQUESTER},
	[LAW_DOC_CLARIFICATION_CALL] = {"clarification_call",
					"Wezwanie do doprecyzowania wniosku",
					"polityka organizacji", false, PI, REQUESTER},
	[LAW_DOC_COMPLETION_CALL] = {"completion_call", "Wezwanie do uzupełnienia wniosku",
				     "UOD art. 39 ust. 3 i 4", false, RU, REQUESTER},
	[LAW_DOC_INTEREST_CALL] = {"interest_call",
				   "Wezwanie do wykazania szczególnej istotności dla interesu "
				   "publicznego",
				   "UDIP art. 3 ust. 1 pkt 1", false, PI, REQUESTER},
	[LAW_DOC_EXTENSION_NOTICE] = {"extension_notice",
				      "Zawiadomienie o przedłużeniu terminu",
				      "UDIP art. 13 ust. 2; UOD art. 40 ust. 2", false, ANY,
				      REQUESTER},
	[LAW_DOC_FEE_NOTICE] = {"fee_notice", "Powiadomienie o wysokości opłaty",
				"UDIP art. 15 ust. 2", false, PI, REQUESTER},
	[LAW_DOC_FORM_NOTICE] = {"form_notice",
				 "Powiadomienie o braku możliwości udostępnienia informacji "
				 "zgodnie z wnioskiem",
				 "UDIP art. 14 ust. 2", false, PI, REQUESTER},
	[LAW_DOC_INFORMATION_RELEASE] = {"information_release",
					 "Udostępnienie informacji publicznej",
					 "UDIP art. 10, art. 14 ust. 1", false, PI, REQUESTER},
	[LAW_DOC_PARTIAL_REFUSAL_DECISION] = {"partial_refusal_decision",
					      "Decyzja o odmowie udostępnienia informacji "
					      "publicznej w części",
					      "UDIP art. 16 ust. 1; KPA art. 107", true, PI,
					      REQUESTER},
	[LAW_DOC_REFUSAL_DECISION] = {"refusal_decision",
				      "Decyzja o odmowie udostępnienia informacji publicznej",
				      "UDIP art. 16 ust. 1; KPA art. 107", true, PI, REQUESTER},
	[LAW_DOC_DISCONTINUANCE_DECISION] = {"discontinuance_decision",
					     "Decyzja o umorzeniu postępowania",
					     "UDIP art. 16 ust. 1, art. 14 ust. 2; KPA art. 105, "
					     "art. 107",
					     true, PI, REQUESTER},
	[LAW_DOC_NOT_PUBLIC_INFORMATION_LETTER] = {"not_public_information_letter",
						   "Pismo: żądana informacja nie jest "
						   "informacją publiczną",
						   "UDIP art. 1 ust. 1", false, PI, REQUESTER},
	[LAW_DOC_NOT_HELD_LETTER] = {"not_held_letter",
				     "Pismo: podmiot nie posiada żądanej informacji",
				     "UDIP art. 4 ust. 3; UOD art. 41 ust. 1", false, ANY,
				     REQUESTER},
	[LAW_DOC_PUBLISHED_LETTER] = {"published_letter",
				      "Pismo: informacja jest opublikowana w BIP",
				      "UDIP art. 10 ust. 1", false, PI, REQUESTER},
	[LAW_DOC_OTHER_STATUTE_LETTER] = {"other_statute_letter",
					  "Pismo: dostęp do informacji reguluje inna ustawa",
					  "UDIP art. 1 ust. 2", false, PI, REQUESTER},
	[LAW_DOC_UNPROCESSED_LETTER] = {"unprocessed_letter",
					"Pismo o pozostawieniu wniosku bez rozpoznania",
					"polityka organizacji (doprecyzowanie); UOD art. 39 ust. 4",
					false, ANY, REQUESTER},
	[LAW_DOC_REUSE_TRANSFER] = {"reuse_transfer",
				    "Przekazanie informacji do ponownego wykorzystywania",
				    "UOD art. 41 ust. 1", false, RU, REQUESTER},
	[LAW_DOC_REUSE_OFFER] = {"reuse_offer", "Oferta warunków ponownego wykorzystywania",
				 "UOD art. 41 ust. 1 i 2", false, RU, REQUESTER},
	[LAW_DOC_REUSE_REFUSAL_DECISION] = {"reuse_refusal_decision",
					    "Decyzja o odmowie wyrażenia zgody na ponowne "
					    "wykorzystywanie",
					    "UOD art. 41 ust. 1; KPA art. 107", true, RU, REQUESTER},
	/* After an objection the decision sets what the offer proposed:
	 * the conditions, the fees or both (UOD art. 41 ust. 3). */
	[LAW_DOC_CONDITIONS_DECISION] = {"conditions_decision",
					 "Decyzja o warunkach ponownego wykorzystywania lub "
					 "opłatach",
					 "UOD art. 41 ust. 3; KPA art. 107", true, RU, REQUESTER},
	[LAW_DOC_APPEAL_FORWARDING] = {"appeal_forwarding",
				       "Pismo przekazujące odwołanie wraz z aktami sprawy",
				       "KPA art. 133", false, ANY, LAW_TO_APPEAL_BODY},
	[LAW_DOC_RECONSIDERATION_DECISION] = {"reconsideration_decision",
					      "Decyzja po ponownym rozpatrzeniu sprawy",
					      "KPA art. 127 §3, art. 138", true, ANY, REQUESTER},
	[LAW_DOC_COURT_ANSWER] = {"court_answer", "Odpowiedź na skargę",
				  "PPSA art. 54 §2; UDIP art. 21 pkt 1; UOD art. 41", false, ANY,
				  LAW_TO_COURT},
	[LAW_DOC_SIGNATURE_CALL] = {"signature_call",
				    "Wezwanie do usunięcia braku formalnego (podpisu)",
				    "KPA art. 64 §2 w zw. z art. 63 §3", false, ANY, REQUESTER},
	[LAW_DOC_PLEADING_UNPROCESSED] = {"pleading_unprocessed_letter",
					  "Pismo o pozostawieniu podania bez rozpoznania",
					  "KPA art. 64 §2", false, ANY, REQUESTER},
	/* Before a decision, when the requester gave no name or no address: the
	 * decision must name the party and be delivered to it. */
	[LAW_DOC_IDENTITY_CALL] = {"identity_call",
				   "Wezwanie do podania imienia i nazwiska oraz adresu",
				   "KPA art. 64 §2 w zw. z art. 63 §2 i art. 107 §1 pkt 3", false,
				   PI, REQUESTER},
	[LAW_DOC_IDENTITY_UNPROCESSED] = {"identity_unprocessed_letter",
					  "Pismo o pozostawieniu wniosku bez rozpoznania w zakresie "
					  "wymagającym decyzji",
					  "KPA art. 64 §2", false, PI, REQUESTER},
	/* Issue 20 item 9. The new decision cancels the one appealed and, in
	 * the same letter, releases what was asked for: under art. 132 a
	 * decision that only cancels would leave the case unsettled. */
	[LAW_DOC_APPEAL_GRANTED_DECISION] = {"appeal_granted_decision",
					     "Decyzja uchylająca zaskarżoną decyzję w trybie art. 132 "
					     "KPA",
					     "KPA art. 132 §1 i §3; UDIP art. 16 ust. 1; UOD art. 41",
					     true, ANY, REQUESTER},
	[LAW_DOC_PONAGLENIE_FORWARDING] = {"ponaglenie_forwarding",
					   "Pismo przekazujące ponaglenie organowi wyższego stopnia",
					   "KPA art. 37 §4", false, ANY, LAW_TO_APPEAL_BODY},
	/* A postanowienie, not a decision: no remedy term runs from it. */
	[LAW_DOC_PONAGLENIE_ORDER] = {"ponaglenie_order",
					 "Postanowienie w sprawie ponaglenia",
					 "KPA art. 37 §3 pkt 2, §5 i §6", false, ANY, REQUESTER},
	/* Issue 20 item 11: the offer variant of UOD art. 41 ust. 1 pkt 4 (the
	 * reasons and the manner or form that is possible), or for standing
	 * access the information of art. 42 ust. 1 pkt 2. */
	[LAW_DOC_REUSE_FORM_NOTICE] = {"reuse_form_notice",
				       "Informacja o braku możliwości ponownego wykorzystywania w "
				       "sposób lub w formie wskazanych we wniosku",
				       "UOD art. 41 ust. 1 pkt 4 w zw. z art. 10 ust. 4; art. 42 ust. "
				       "1 pkt 2",
				       false, RU, REQUESTER},
	/* No statute asks for it: it tells the requester the case number and
	 * the answer term. */
	[LAW_DOC_ACKNOWLEDGEMENT] = {"acknowledgement", "Potwierdzenie otrzymania wniosku",
				     "UDIP art. 13 ust. 1; UOD art. 40 ust. 1", false, ANY,
				     REQUESTER},
};
/* clang-format on */

#undef REQUESTER

/* ---- Actions ----------------------------------------------------------- */

/* clang-format off */
const law_action_info_t law_actions[LAW_ACT_COUNT] = {
	[LAW_ACT_REGISTER] = {"register", "rejestracja wniosku", "Otrzymanie wniosku"},
	[LAW_ACT_ASSIGN] = {"assign", "przydzielenie sprawy", "Przydzielenie sprawy"},
	[LAW_ACT_CALL_TO_CLARIFY] = {"call_to_clarify", "wezwanie do doprecyzowania wniosku",
				     "Wysłanie wezwania"},
	[LAW_ACT_RECORD_CLARIFICATION] = {"record_clarification",
					  "doprecyzowanie wniosku przez wnioskodawcę",
					  "Otrzymanie doprecyzowania wniosku"},
	[LAW_ACT_CALL_TO_COMPLETE] = {"call_to_complete", "wezwanie do uzupełnienia wniosku",
				      "Wysłanie wezwania"},
	[LAW_ACT_RECORD_COMPLETION] = {"record_completion",
				       "uzupełnienie wniosku przez wnioskodawcę",
				       "Otrzymanie uzupełnienia wniosku"},
	[LAW_ACT_CALL_FOR_INTEREST] = {"call_for_interest",
				       "wezwanie do wykazania szczególnej istotności dla interesu "
				       "publicznego",
				       "Wysłanie wezwania"},
	[LAW_ACT_RECORD_INTEREST] = {"record_interest",
				     "odpowiedź wnioskodawcy na wezwanie do wykazania interesu "
				     "publicznego",
				     "Otrzymanie odpowiedzi na wezwanie"},
	[LAW_ACT_RECORD_DELIVERY] = {"record_delivery",
				     "doręczenie pisma lub decyzji wnioskodawcy", "Doręczenie"},
	[LAW_ACT_EXTEND] = {"extend", "przedłużenie terminu załatwienia wniosku",
			    "Wysłanie zawiadomienia"},
	[LAW_ACT_FEE_NOTICE] = {"fee_notice", "powiadomienie o opłacie",
				"Wysłanie powiadomienia"},
	[LAW_ACT_CHANGE_FORM] = {"change_form",
				 "zmiana sposobu lub formy udostępnienia przez wnioskodawcę",
				 "Otrzymanie zmienionego wniosku"},
	[LAW_ACT_RELEASE_AFTER_FEE] = {"release_after_fee",
				       "udostępnienie informacji po upływie 14 dni od "
				       "powiadomienia o opłacie",
				       "Udostępnienie"},
	[LAW_ACT_FORM_NOTICE] = {"form_notice",
				 "powiadomienie o braku możliwości udostępnienia w żądanej formie",
				 "Wysłanie powiadomienia"},
	[LAW_ACT_REQUEST_POSSIBLE_FORM] = {"request_possible_form",
					   "wniosek o udostępnienie w formie wskazanej przez "
					   "podmiot",
					   "Otrzymanie wniosku o udostępnienie we wskazanej formie"},
	[LAW_ACT_FORM_WINDOW_EXPIRED] = {"form_window_expired",
					 "upływ terminu na wskazanie formy: umorzenie",
					 "Wydanie decyzji"},
	[LAW_ACT_PROVIDE] = {"provide", "udostępnienie informacji", "Udostępnienie"},
	[LAW_ACT_PROVIDE_PARTLY] = {"provide_partly",
				    "udostępnienie w części i odmowa w pozostałym zakresie",
				    "Wydanie decyzji"},
	[LAW_ACT_REFUSE] = {"refuse", "odmowa (decyzja)", "Wydanie decyzji"},
	[LAW_ACT_DISCONTINUE] = {"discontinue", "umorzenie postępowania (decyzja)",
				 "Wydanie decyzji",
				 "UDIP przewiduje decyzję o umorzeniu tylko w art. 14 ust. 2 (brak "
				 "wniosku o formę wskazaną w powiadomieniu w ciągu 14 dni); gdy "
				 "treść nie jest informacją publiczną lub podmiot jej nie ma, "
				 "wysyła się pismo."},
	[LAW_ACT_NOT_PUBLIC_INFORMATION] = {"not_public_information",
					    "pismo: to nie jest informacja publiczna",
					    "Wysłanie pisma"},
	[LAW_ACT_NOT_HELD] = {"not_held", "pismo: podmiot nie posiada informacji",
			      "Wysłanie pisma"},
	[LAW_ACT_PUBLISHED_IN_BIP] = {"published_in_bip",
				      "pismo: informacja opublikowana w BIP", "Wysłanie pisma"},
	[LAW_ACT_OTHER_STATUTE] = {"other_statute", "pismo: tryb innej ustawy",
				   "Wysłanie pisma"},
	[LAW_ACT_LEAVE_UNPROCESSED] = {"leave_unprocessed",
				       "pozostawienie wniosku (podania) bez rozpoznania", "Wysłanie pisma",
				       "Bez rozpoznania pozostawia się wniosek dopiero po bezskutecznym "
				       "upływie terminu z wezwania: do doprecyzowania, do uzupełnienia "
				       "(UOD art. 39 ust. 4) albo do usunięcia braku podpisu (KPA art. "
				       "64 §2)."},
	[LAW_ACT_TRANSFER] = {"transfer", "przekazanie informacji do ponownego wykorzystywania",
			      "Przekazanie informacji"},
	[LAW_ACT_OFFER] = {"offer", "przedstawienie oferty", "Wysłanie oferty"},
	[LAW_ACT_ACCEPT_OFFER] = {"accept_offer", "przyjęcie oferty przez wnioskodawcę",
				  "Otrzymanie przyjęcia oferty"},
	[LAW_ACT_OBJECT_TO_OFFER] = {"object_to_offer", "sprzeciw wobec oferty",
				     "Otrzymanie sprzeciwu"},
	[LAW_ACT_OFFER_WINDOW_EXPIRED] = {"offer_window_expired",
					  "upływ terminu na odpowiedź na ofertę",
					  "Stwierdzenie upływu terminu"},
	[LAW_ACT_DECIDE_CONDITIONS] = {"decide_conditions",
				       "decyzja o warunkach po sprzeciwie", "Wydanie decyzji"},
	[LAW_ACT_WITHDRAW] = {"withdraw", "wycofanie wniosku", "Otrzymanie wycofania"},
	[LAW_ACT_REMEDY_WINDOW_EXPIRED] = {"remedy_window_expired",
					   "upływ terminu na środek zaskarżenia",
					   "Stwierdzenie upływu terminu"},
	[LAW_ACT_APPEAL] = {"appeal", "odwołanie", "Otrzymanie odwołania"},
	[LAW_ACT_REQUEST_RECONSIDERATION] = {"request_reconsideration",
					     "wniosek o ponowne rozpatrzenie sprawy",
					     "Otrzymanie wniosku o ponowne rozpatrzenie"},
	[LAW_ACT_FORWARD_APPEAL] = {"forward_appeal",
				    "przekazanie odwołania organowi odwoławczemu",
				    "Wysłanie odwołania z aktami"},
	[LAW_ACT_APPEAL_DECIDED] = {"appeal_decided",
				    "rozstrzygnięcie organu odwoławczego (utrzymanie lub zmiana "
				    "decyzji)",
				    "Otrzymanie decyzji organu odwoławczego"},
	[LAW_ACT_APPEAL_REFERRED_BACK] = {"appeal_referred_back",
					  "uchylenie decyzji i przekazanie sprawy do ponownego "
					  "rozpatrzenia",
					  "Zwrot akt przez organ odwoławczy"},
	[LAW_ACT_DECIDE_RECONSIDERATION] = {"decide_reconsideration",
					    "decyzja po ponownym rozpatrzeniu sprawy",
					    "Wydanie decyzji"},
	[LAW_ACT_COURT_COMPLAINT] = {"court_complaint", "skarga do sądu administracyjnego",
				     "Otrzymanie skargi"},
	[LAW_ACT_ANSWER_COURT_COMPLAINT] = {"answer_court_complaint",
					    "przekazanie skargi z aktami i odpowiedzią na skargę",
					    "Wysłanie odpowiedzi na skargę"},
	[LAW_ACT_JUDGMENT_OBLIGES] = {"judgment_obliges",
				      "wyrok zobowiązujący do rozpatrzenia wniosku",
				      "Zwrot akt przez sąd"},
	[LAW_ACT_JUDGMENT_DISMISSES] = {"judgment_dismisses",
					"oddalenie lub odrzucenie skargi",
					"Otrzymanie orzeczenia"},
	[LAW_ACT_CALL_TO_SIGN] = {"call_to_sign",
				  "wezwanie do usunięcia braku formalnego (podpisu)",
				  "Wysłanie wezwania"},
	[LAW_ACT_RECORD_SIGNATURE] = {"record_signature",
				      "usunięcie braku podpisu przez wnioskodawcę",
				      "Otrzymanie podpisanego pisma"},
	[LAW_ACT_CALL_TO_IDENTIFY] = {"call_to_identify",
				      "wezwanie do podania imienia i nazwiska oraz adresu",
				      "Wysłanie wezwania"},
	[LAW_ACT_RECORD_IDENTITY] = {"record_identity",
				     "podanie imienia i nazwiska oraz adresu przez wnioskodawcę",
				     "Otrzymanie danych"},
	/* Issue 20 item 9. */
	[LAW_ACT_WAIVE_APPEAL] = {"waive_appeal",
				  "zrzeczenie się prawa do wniesienia odwołania (wniosku o ponowne "
				  "rozpatrzenie)",
				  "Otrzymanie oświadczenia o zrzeczeniu się",
				  "Zrzec się prawa do odwołania (wniosku o ponowne rozpatrzenie) można "
				  "tylko po doręczeniu decyzji, przed upływem terminu na jego wniesienie "
				  "(KPA art. 127a §1, art. 127 §3)."},
	[LAW_ACT_GRANT_APPEAL] = {"grant_appeal",
				  "uwzględnienie odwołania przez organ, który wydał decyzję (nowa "
				  "decyzja)",
				  "Wydanie nowej decyzji",
				  "Nową decyzję w trybie art. 132 KPA wydaje się tylko, gdy odwołanie "
				  "czeka na przekazanie organowi odwoławczemu, w terminie 7 dni od jego "
				  "otrzymania (art. 133)."},
	[LAW_ACT_RECORD_PONAGLENIE] = {"record_ponaglenie",
				       "ponaglenie (bezczynność lub przewlekłość)",
				       "Otrzymanie ponaglenia",
				       "Ponaglenie dotyczy sprawy w toku (KPA art. 37 §1): po jej "
				       "załatwieniu służy skarga do sądu administracyjnego."},
	[LAW_ACT_FORWARD_PONAGLENIE] = {"forward_ponaglenie",
					"przekazanie ponaglenia organowi wyższego stopnia ze "
					"stanowiskiem organu",
					"Wysłanie ponaglenia"},
	[LAW_ACT_DECIDE_PONAGLENIE] = {"decide_ponaglenie",
				       "postanowienie w sprawie ponaglenia (brak organu wyższego "
				       "stopnia)",
				       "Wydanie postanowienia"},
	[LAW_ACT_GRANT_COMPLAINT] = {"grant_complaint",
				     "uwzględnienie skargi przez organ (autokontrola)",
				     "Uwzględnienie skargi",
				     "Organ uwzględnia skargę w ciągu 30 dni od jej otrzymania (PPSA "
				     "art. 54 §3). Gdy skarga dotyczy bezczynności w sprawie w toku, "
				     "uwzględnia się ją, załatwiając wniosek (udostępnienie, decyzja)."},
	[LAW_ACT_JUDGMENT_DELIVERED] = {"judgment_delivered",
					"doręczenie nieprawomocnego wyroku z uzasadnieniem",
					"Doręczenie wyroku z uzasadnieniem"},
	[LAW_ACT_CASSATION_APPEAL] = {"cassation_appeal",
				      "skarga kasacyjna do Naczelnego Sądu Administracyjnego",
				      "Wniesienie skargi kasacyjnej",
				      "Skargę kasacyjną wnosi się w ciągu 30 dni od doręczenia wyroku "
				      "z uzasadnieniem (PPSA art. 177 §1): najpierw zarejestruj "
				      "doręczenie wyroku."},
	[LAW_ACT_JUDGMENT_ANNULS] = {"judgment_annuls",
				     "wyrok uchylający decyzję: sprawa wraca do organu",
				     "Zwrot akt z prawomocnym wyrokiem",
				     "Uchylenie dotyczy decyzji (PPSA art. 145 §1 pkt 1): sprawa musi "
				     "być w sądzie albo zakończona ostatecznie decyzją, którą sąd "
				     "uchylił (art. 135)."},
};
/* clang-format on */

bool law_action_from_id(const char *id, law_action_t *out)
{
	for (int i = 0; id && i < LAW_ACT_COUNT; i++) {
		if (strcmp(law_actions[i].id, id) == 0) {
			*out = (law_action_t)i;
			return true;
		}
	}
	return false;
}

/* ---- Policies ---------------------------------------------------------- */

law_policy_t law_policy_default(void)
{
	return (law_policy_t){
	    .clarification_restarts_term = true,
	    .remedy = LAW_REMEDY_APPEAL,
	    .clarification_window_days = 7,
	    .interest_window_days = 7,
	    .interest_call_keeps_term_running = true,
	    .accepts_unsigned_pleadings = false,
	};
}

/* ---- Transitions ------------------------------------------------------- */

#define S(x) (UINT64_C(1) << LAW_STATE_##x)
/* Where the clerk deals with the request on its merits. */
#define WORK (S(RECEIVED) | S(IN_PROGRESS) | S(EXTENDED))
/* Every state in which the request is still being dealt with. */
#define OPEN                                                                                       \
	(WORK | S(AWAITING_CLARIFICATION) | S(AWAITING_COMPLETION) | S(FEE_NOTIFIED) |             \
	 S(FORM_NOTIFIED) | S(INTEREST_CALLED) | S(OFFER_SENT) | S(OBJECTION_LODGED) |           \
	 S(AWAITING_IDENTITY))
/* Closed by a decision, which the requester may challenge. */
#define DECIDED                                                                                    \
	(S(PARTLY_REFUSED) | S(REFUSED) | S(DISCONTINUED) | S(CONDITIONS_DECIDED) |                \
	 S(APPEAL_GRANTED))
/* Closed by a letter (or a final decision): only a court complaint is left. */
#define LETTER_CLOSED                                                                              \
	(S(PROVIDED) | S(NOT_PUBLIC_INFORMATION) | S(NOT_HELD) | S(PUBLISHED_ELSEWHERE) |          \
	 S(OTHER_STATUTE) | S(LEFT_UNPROCESSED) | S(REUSE_NOT_POSSIBLE))

/* Every state but `none`: a term that survives closing (KPA art. 37 §4). */
#define EVERY ((~UINT64_C(0) >> (64 - LAW_STATE_COUNT)) & ~S(NONE))

#define R LAW_ROLE_REQUESTER
#define C LAW_ROLE_CLERK
#define SYS LAW_ROLE_SYSTEM

#define G(g, t)                                                                                    \
	{                                                                                          \
		LAW_GUARD_##g, LAW_TERM_##t                                                        \
	}
#define CHECK(g)                                                                                   \
	{                                                                                          \
		LAW_GUARD_##g, LAW_TERM_NONE                                                       \
	}
#define START(t)                                                                                   \
	{                                                                                          \
		LAW_TERM_START, LAW_TERM_##t, LAW_IF_ALWAYS, false                                 \
	}
#define STOP(t)                                                                                    \
	{                                                                                          \
		LAW_TERM_STOP, LAW_TERM_##t, LAW_IF_ALWAYS, false                                  \
	}
#define CANCEL(t)                                                                                  \
	{                                                                                          \
		LAW_TERM_CANCEL, LAW_TERM_##t, LAW_IF_ALWAYS, false                                \
	}
#define EXPIRE(t)                                                                                  \
	{                                                                                          \
		LAW_TERM_EXPIRE, LAW_TERM_##t, LAW_IF_ALWAYS, false                                \
	}
#define START_IF(t, c)                                                                             \
	{                                                                                          \
		LAW_TERM_START, LAW_TERM_##t, LAW_IF_##c, false                                    \
	}
#define CANCEL_IF(t, c, risk)                                                                      \
	{                                                                                          \
		LAW_TERM_CANCEL, LAW_TERM_##t, LAW_IF_##c, risk                                    \
	}
#define DOC(d) LAW_DOC_##d
#define TO(s) LAW_STATE_##s

/* clang-format off */
const law_transition_t law_transitions[] = {
	/* Registration: any channel counts (UDIP art. 2 ust. 2, LAW.md §3). */
	{PI, S(NONE), LAW_ACT_REGISTER, R | C | SYS, TO(RECEIVED), {{0}}, {START(ANSWER)},
	 DOC(NONE), "UDIP art. 13 ust. 1: 14 dni od otrzymania wniosku"},
	{RU, S(NONE), LAW_ACT_REGISTER, R | C | SYS, TO(RECEIVED), {{0}}, {START(REUSE_ANSWER)},
	 DOC(NONE), "UOD art. 40 ust. 1: 14 dni od otrzymania wniosku"},
	{ANY, S(RECEIVED), LAW_ACT_ASSIGN, C, TO(IN_PROGRESS), {{0}}, {{0}}, DOC(NONE),
	 "czynność wewnętrzna: pracownik upoważniony do załatwiania sprawy (KPA art. 268a)"},
	{ANY, OPEN & ~S(RECEIVED), LAW_ACT_ASSIGN, C, LAW_STATE_SAME, {{0}}, {{0}}, DOC(NONE),
	 "zmiana prowadzącego sprawę (KPA art. 268a)"},

	/* Clarification (policy, LAW.md §3). */
	{PI, WORK, LAW_ACT_CALL_TO_CLARIFY, C, TO(AWAITING_CLARIFICATION), {{0}},
	 {CANCEL_IF(ANSWER, CLARIFICATION_RESTARTS, true),
	  CANCEL_IF(ANSWER_EXTENDED, CLARIFICATION_RESTARTS, true)},
	 DOC(CLARIFICATION_CALL),
	 "polityka (por. KPA art. 64 §2): termin na odpowiedź biegnie od doręczenia wezwania"},
	{PI, S(AWAITING_CLARIFICATION), LAW_ACT_RECORD_CLARIFICATION, R | C, TO(IN_PROGRESS),
	 {{0}}, {STOP(CLARIFICATION_WINDOW), START_IF(ANSWER, CLARIFICATION_RESTARTS)},
	 DOC(NONE), "14 dni biegnie od nowa od otrzymania doprecyzowania (polityka)"},
	{PI, S(AWAITING_CLARIFICATION), LAW_ACT_LEAVE_UNPROCESSED, C | SYS,
	 TO(LEFT_UNPROCESSED), {G(WINDOW_PASSED, CLARIFICATION_WINDOW)},
	 {EXPIRE(CLARIFICATION_WINDOW)}, DOC(UNPROCESSED_LETTER),
	 "brak odpowiedzi na wezwanie: sprawa zamknięta pismem (polityka)"},

	/* Re-use: missing elements of the request (UOD art. 39 ust. 3). The call
	 * to complete within 7 days, with the warning, is statutory (ust. 4):
	 * no request is left unprocessed without it. */
	{RU, S(RECEIVED) | S(IN_PROGRESS), LAW_ACT_CALL_TO_COMPLETE, C,
	 TO(AWAITING_COMPLETION), {{0}}, {CANCEL(REUSE_ANSWER)}, DOC(COMPLETION_CALL),
	 "UOD art. 39 ust. 4: wezwanie obowiązkowe, z pouczeniem; 7 dni od doręczenia wezwania"},
	{RU, S(AWAITING_COMPLETION), LAW_ACT_RECORD_COMPLETION, R | C, TO(IN_PROGRESS), {{0}},
	 {STOP(COMPLETION_WINDOW), START(REUSE_ANSWER)}, DOC(NONE),
	 "UOD art. 40 ust. 1: 14 dni biegnie od otrzymania uzupełnienia"},
	{RU, S(AWAITING_COMPLETION), LAW_ACT_LEAVE_UNPROCESSED, C | SYS, TO(LEFT_UNPROCESSED),
	 {G(WINDOW_PASSED, COMPLETION_WINDOW)}, {EXPIRE(COMPLETION_WINDOW)},
	 DOC(UNPROCESSED_LETTER),
	 "UOD art. 39 ust. 4: wniosek nie został uzupełniony w terminie z wezwania"},

	/* Processed information: a call to show the public interest. */
	{PI, WORK, LAW_ACT_CALL_FOR_INTEREST, C, TO(INTEREST_CALLED), {{0}},
	 {CANCEL_IF(ANSWER, INTEREST_PAUSES, true),
	  CANCEL_IF(ANSWER_EXTENDED, INTEREST_PAUSES, true)},
	 DOC(INTEREST_CALL),
	 "UDIP art. 3 ust. 1 pkt 1; termin załatwienia biegnie dalej (polityka)"},
	{PI, S(INTEREST_CALLED), LAW_ACT_RECORD_INTEREST, R | C, TO(IN_PROGRESS), {{0}},
	 {STOP(INTEREST_WINDOW), START_IF(ANSWER, INTEREST_PAUSES)}, DOC(NONE),
	 "UDIP art. 3 ust. 1 pkt 1: wykazanie szczególnej istotności; 14 dni od nowa albo dalej (polityka)"},

	/* Delivery of a letter or decision starts the requester's window. */
	{PI, S(AWAITING_CLARIFICATION), LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, CLARIFICATION_WINDOW)}, {START(CLARIFICATION_WINDOW)}, DOC(NONE),
	 "KPA art. 57 §1 w zw. z art. 39: termin biegnie od doręczenia wezwania"},
	{PI, S(INTEREST_CALLED), LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, INTEREST_WINDOW)}, {START(INTEREST_WINDOW)}, DOC(NONE),
	 "KPA art. 57 §1 w zw. z art. 39: termin biegnie od doręczenia wezwania"},
	{RU, S(AWAITING_COMPLETION), LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, COMPLETION_WINDOW)}, {START(COMPLETION_WINDOW)}, DOC(NONE),
	 "UOD art. 39 ust. 4: 7 dni od doręczenia wezwania"},
	{PI, S(FEE_NOTIFIED), LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, FEE_WINDOW)}, {START(FEE_WINDOW)}, DOC(NONE),
	 "UDIP art. 15 ust. 2: 14 dni od doręczenia powiadomienia"},
	{PI, S(FORM_NOTIFIED), LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, FORM_WINDOW)}, {START(FORM_WINDOW)}, DOC(NONE),
	 "UDIP art. 14 ust. 2: 14 dni od doręczenia powiadomienia"},
	{RU, S(OFFER_SENT), LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, OFFER_WINDOW), CHECK(NOT_STANDING)}, {START(OFFER_WINDOW)}, DOC(NONE),
	 "UOD art. 41 ust. 2: 14 dni od doręczenia oferty"},
	/* Issue 20 item 11: the offer on a request for standing access starts
	 * only the window to accept it. */
	{RU, S(OFFER_SENT), LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, STANDING_OFFER_WINDOW), CHECK(STANDING)},
	 {START(STANDING_OFFER_WINDOW)}, DOC(NONE),
	 "UOD art. 42 ust. 2: 14 dni od otrzymania oferty na zawiadomienie o jej przyjęciu"},
	{ANY, DECIDED, LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {CHECK(REMEDY_APPEAL), G(NOT_DELIVERED, APPEAL_WINDOW)}, {START(APPEAL_WINDOW)},
	 DOC(NONE), "KPA art. 129 §2: 14 dni od doręczenia decyzji"},
	{ANY, DECIDED, LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {CHECK(REMEDY_RECONSIDERATION), G(NOT_DELIVERED, RECONSIDERATION_WINDOW)},
	 {START(RECONSIDERATION_WINDOW)}, DOC(NONE),
	 "KPA art. 127 §3: 14 dni od doręczenia decyzji"},
	/* Not an organ of public authority (UDIP art. 17 ust. 1): no KPA
	 * remedy; the delivery starts the 30 days for the court complaint. */
	{PI, DECIDED, LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {CHECK(REMEDY_COURT), G(NOT_DELIVERED, COURT_COMPLAINT_WINDOW)},
	 {START(COURT_COMPLAINT_WINDOW)}, DOC(NONE),
	 "PPSA art. 53 §1: 30 dni od doręczenia rozstrzygnięcia podmiotu, który nie jest "
	 "organem władzy publicznej (UDIP art. 17 ust. 1)"},

	/* Extension: once, sent within the 14 days, to at most 2 months.
	 * KPA art. 57 §4: a date the body sets itself ends, like any term, on the
	 * next working day when it falls on a Saturday or a day off (the
	 * term's reasoning names the rule; test_lifecycle, panel.test.mjs). */
	{PI, S(RECEIVED) | S(IN_PROGRESS), LAW_ACT_EXTEND, C, TO(EXTENDED),
	 {CHECK(EXTENSION)}, {CANCEL(ANSWER), START(ANSWER_EXTENDED)},
	 DOC(EXTENSION_NOTICE),
	 "UDIP art. 13 ust. 2; nowy termin przypadający na sobotę lub dzień wolny "
	 "kończy się w najbliższym dniu roboczym (KPA art. 57 §4)"},
	{RU, S(RECEIVED) | S(IN_PROGRESS), LAW_ACT_EXTEND, C, TO(EXTENDED),
	 {CHECK(EXTENSION)}, {CANCEL(REUSE_ANSWER), START(REUSE_ANSWER_EXTENDED)},
	 DOC(EXTENSION_NOTICE),
	 "UOD art. 40 ust. 2; nowy termin przypadający na sobotę lub dzień wolny "
	 "kończy się w najbliższym dniu roboczym (KPA art. 57 §4)"},

	/* Fee (UDIP art. 15): release comes 14 days after the notice. */
	{PI, WORK, LAW_ACT_FEE_NOTICE, C, TO(FEE_NOTIFIED), {CHECK(FEE_IN_TIME)},
	 {CANCEL(ANSWER), CANCEL(ANSWER_EXTENDED)}, DOC(FEE_NOTICE),
	 "UDIP art. 15 ust. 2: powiadomienie w 14 dni od otrzymania wniosku; "
	 "udostępnienie po 14 dniach od powiadomienia"},
	{PI, S(FEE_NOTIFIED), LAW_ACT_CHANGE_FORM, R | C, TO(IN_PROGRESS),
	 {G(REPLY_IN_TIME, FEE_WINDOW)}, {STOP(FEE_WINDOW), START(ANSWER)}, DOC(NONE),
	 "UDIP art. 15 ust. 2: zmiana wniosku w terminie"},
	{PI, S(FEE_NOTIFIED), LAW_ACT_RELEASE_AFTER_FEE, C, TO(PROVIDED),
	 {G(WINDOW_PASSED, FEE_WINDOW)}, {EXPIRE(FEE_WINDOW)}, DOC(INFORMATION_RELEASE),
	 "UDIP art. 15 ust. 2"},

	/* Form not possible (UDIP art. 14 ust. 2). */
	{PI, WORK, LAW_ACT_FORM_NOTICE, C, TO(FORM_NOTIFIED), {{0}},
	 {CANCEL(ANSWER), CANCEL(ANSWER_EXTENDED)}, DOC(FORM_NOTICE), "UDIP art. 14 ust. 2"},
	{PI, S(FORM_NOTIFIED), LAW_ACT_REQUEST_POSSIBLE_FORM, R | C, TO(IN_PROGRESS),
	 {G(REPLY_IN_TIME, FORM_WINDOW)}, {STOP(FORM_WINDOW), START(ANSWER)}, DOC(NONE),
	 "UDIP art. 14 ust. 2"},
	/* A decision: a clerk issues and signs it (KPA art. 107 §1 pkt 8), never
	 * the system on its own when the window passes. */
	{PI, S(FORM_NOTIFIED), LAW_ACT_FORM_WINDOW_EXPIRED, C, TO(DISCONTINUED),
	 {G(WINDOW_PASSED, FORM_WINDOW)}, {EXPIRE(FORM_WINDOW)},
	 DOC(DISCONTINUANCE_DECISION), "UDIP art. 14 ust. 2: postępowanie umarza się"},
	/* The clerk's own "discontinue" is the same step, and the only place
	 * it exists: UDIP knows no other discontinuance by decision (not public
	 * information, not held, withdrawal: a letter or no act; a decision
	 * without a statutory basis is void, KPA art. 156 §1 pkt 2). */
	{PI, S(FORM_NOTIFIED), LAW_ACT_DISCONTINUE, C, TO(DISCONTINUED),
	 {G(WINDOW_PASSED, FORM_WINDOW)}, {EXPIRE(FORM_WINDOW)}, DOC(DISCONTINUANCE_DECISION),
	 "UDIP art. 14 ust. 2, art. 16 ust. 1: umorzenie tylko po bezskutecznym upływie 14 dni "
	 "od powiadomienia o formie; w innych stanach brak podstawy do decyzji"},

	/* Anonymous requester (issue 20 item 12): information is released to
	 * anyone, but a decision names the party and is delivered to it (KPA
	 * art. 107 §1 pkt 3). law_decide() refuses every step that produces a
	 * decision while the case's party is unidentified; this call asks for
	 * the name and the address and the body waits for them: a defect of the
	 * request as a podanie (art. 63 §2), so the answer term runs again from
	 * the day it is remedied, as for any call under art. 64 §2. Releasing
	 * the information needs no identity and stays possible meanwhile. */
	{PI, WORK, LAW_ACT_CALL_TO_IDENTIFY, C, TO(AWAITING_IDENTITY), {CHECK(PARTY_UNIDENTIFIED)},
	 {CANCEL(ANSWER), CANCEL(ANSWER_EXTENDED)}, DOC(IDENTITY_CALL),
	 "KPA art. 64 §2 w zw. z art. 63 §2: decyzja musi oznaczać stronę i jej adres "
	 "(art. 107 §1 pkt 3); 7 dni od doręczenia wezwania"},
	{PI, S(AWAITING_IDENTITY), LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, IDENTITY_WINDOW)}, {START(IDENTITY_WINDOW)}, DOC(NONE),
	 "KPA art. 64 §2: 7 dni od doręczenia wezwania"},
	{PI, S(AWAITING_IDENTITY), LAW_ACT_RECORD_IDENTITY, R | C, TO(IN_PROGRESS),
	 {CHECK(PARTY_IDENTIFIED)}, {STOP(IDENTITY_WINDOW), START(ANSWER)}, DOC(NONE),
	 "KPA art. 64 §2: brak usunięty; 14 dni (UDIP art. 13 ust. 1) od jego usunięcia"},
	{PI, S(AWAITING_IDENTITY), LAW_ACT_LEAVE_UNPROCESSED, C | SYS, TO(LEFT_UNPROCESSED),
	 {G(WINDOW_PASSED, IDENTITY_WINDOW)}, {EXPIRE(IDENTITY_WINDOW)},
	 DOC(IDENTITY_UNPROCESSED),
	 "KPA art. 64 §2: dane nie zostały podane w terminie; wniosek bez rozpoznania w zakresie "
	 "wymagającym decyzji"},
	{PI, S(AWAITING_IDENTITY), LAW_ACT_PROVIDE, C, TO(PROVIDED), {{0}},
	 {CANCEL(IDENTITY_WINDOW)}, DOC(INFORMATION_RELEASE),
	 "UDIP art. 2 ust. 1, art. 10: informację udostępnia się każdemu, bez danych wnioskodawcy"},

	/* Closing a request for public information. */
	{PI, WORK, LAW_ACT_PROVIDE, C, TO(PROVIDED), {{0}}, {{0}}, DOC(INFORMATION_RELEASE),
	 "UDIP art. 10, art. 14 ust. 1"},
	{PI, WORK, LAW_ACT_PROVIDE_PARTLY, C, TO(PARTLY_REFUSED), {{0}}, {{0}},
	 DOC(PARTIAL_REFUSAL_DECISION), "UDIP art. 5, art. 16 ust. 1"},
	{PI, WORK, LAW_ACT_REFUSE, C, TO(REFUSED), {{0}}, {{0}}, DOC(REFUSAL_DECISION),
	 "UDIP art. 5, art. 16 ust. 1"},
	{PI, S(INTEREST_CALLED), LAW_ACT_REFUSE, C, TO(REFUSED),
	 {G(WINDOW_PASSED, INTEREST_WINDOW)}, {EXPIRE(INTEREST_WINDOW)},
	 DOC(REFUSAL_DECISION),
	 "UDIP art. 3 ust. 1 pkt 1, art. 16 ust. 1: interes publiczny nie został wykazany"},
	{PI, WORK, LAW_ACT_NOT_PUBLIC_INFORMATION, C, TO(NOT_PUBLIC_INFORMATION), {{0}}, {{0}},
	 DOC(NOT_PUBLIC_INFORMATION_LETTER), "UDIP art. 1 ust. 1: pismo, nie decyzja"},
	{ANY, WORK, LAW_ACT_NOT_HELD, C, TO(NOT_HELD), {{0}}, {{0}}, DOC(NOT_HELD_LETTER),
	 "pismo, nie decyzja; bez przekazania z KPA art. 65"},
	{PI, WORK, LAW_ACT_PUBLISHED_IN_BIP, C, TO(PUBLISHED_ELSEWHERE), {{0}}, {{0}},
	 DOC(PUBLISHED_LETTER), "UDIP art. 10 ust. 1: pismo ze wskazaniem adresu w BIP"},
	{PI, WORK, LAW_ACT_OTHER_STATUTE, C, TO(OTHER_STATUTE), {{0}}, {{0}},
	 DOC(OTHER_STATUTE_LETTER), "UDIP art. 1 ust. 2"},

	/* Closing a request for re-use (UOD art. 41). */
	{RU, WORK, LAW_ACT_TRANSFER, C, TO(PROVIDED), {{0}}, {{0}}, DOC(REUSE_TRANSFER),
	 "UOD art. 41 ust. 1: bez warunków lub po przyjęciu oferty"},
	{RU, WORK, LAW_ACT_OFFER, C, TO(OFFER_SENT), {CHECK(NOT_STANDING)},
	 {STOP(REUSE_ANSWER), STOP(REUSE_ANSWER_EXTENDED)}, DOC(REUSE_OFFER),
	 "UOD art. 41 ust. 1; termin na odpowiedź biegnie od doręczenia oferty"},
	{RU, S(OFFER_SENT), LAW_ACT_ACCEPT_OFFER, R | C, TO(IN_PROGRESS),
	 {G(REPLY_IN_TIME, OFFER_WINDOW), CHECK(NOT_STANDING)}, {STOP(OFFER_WINDOW)}, DOC(NONE),
	 "UOD art. 41 ust. 2; dalej: przekazanie informacji (transfer)"},
	/* Issue 20 item 11: the objection starts the body's 14 days for the
	 * decision on the conditions (UOD art. 41 ust. 3). */
	{RU, S(OFFER_SENT), LAW_ACT_OBJECT_TO_OFFER, R | C, TO(OBJECTION_LODGED),
	 {G(REPLY_IN_TIME, OFFER_WINDOW), CHECK(NOT_STANDING)},
	 {STOP(OFFER_WINDOW), START(CONDITIONS_DECISION)}, DOC(NONE),
	 "UOD art. 41 ust. 2; decyzja o warunkach w 14 dni od otrzymania sprzeciwu (ust. 3)"},
	{RU, S(OFFER_SENT), LAW_ACT_OFFER_WINDOW_EXPIRED, C | SYS, TO(DEEMED_WITHDRAWN),
	 {G(WINDOW_PASSED, OFFER_WINDOW), CHECK(NOT_STANDING)}, {EXPIRE(OFFER_WINDOW)}, DOC(NONE),
	 "UOD art. 41 ust. 2: wniosek uważa się za wycofany"},
	{RU, S(OBJECTION_LODGED), LAW_ACT_DECIDE_CONDITIONS, C, TO(CONDITIONS_DECIDED), {{0}},
	 {STOP(CONDITIONS_DECISION)}, DOC(CONDITIONS_DECISION),
	 "UOD art. 41 ust. 3: decyzja w 14 dni od otrzymania sprzeciwu"},
	/* Issue 20 item 11: a request for standing and direct re-use in real
	 * time of information kept in the body's IT system (UOD art. 39 ust.
	 * 2). Its offer allows no objection (art. 42 ust. 1 pkt 1): the
	 * requester accepts it within 14 days of receipt, or the request
	 * counts as withdrawn (ust. 2 with art. 41 ust. 2 second sentence). */
	{RU, WORK, LAW_ACT_OFFER, C, TO(OFFER_SENT), {CHECK(STANDING)},
	 {STOP(REUSE_ANSWER), STOP(REUSE_ANSWER_EXTENDED)}, DOC(REUSE_OFFER),
	 "UOD art. 42 ust. 1 pkt 1: oferta z informacjami o dostępności; sprzeciw nie przysługuje"},
	{RU, S(OFFER_SENT), LAW_ACT_ACCEPT_OFFER, R | C, TO(IN_PROGRESS),
	 {G(REPLY_IN_TIME, STANDING_OFFER_WINDOW), CHECK(STANDING)},
	 {STOP(STANDING_OFFER_WINDOW)}, DOC(NONE),
	 "UOD art. 42 ust. 2; dalej: przekazanie informacji (transfer)"},
	{RU, S(OFFER_SENT), LAW_ACT_OFFER_WINDOW_EXPIRED, C | SYS, TO(DEEMED_WITHDRAWN),
	 {G(WINDOW_PASSED, STANDING_OFFER_WINDOW), CHECK(STANDING)},
	 {EXPIRE(STANDING_OFFER_WINDOW)}, DOC(NONE),
	 "UOD art. 42 ust. 2 w zw. z art. 41 ust. 2 zdanie drugie: brak zawiadomienia o przyjęciu "
	 "oferty jest równoznaczny z wycofaniem wniosku"},
	/* Issue 20 item 11: re-use in the manner or form the request asks for
	 * is not possible. For a request of art. 41 it is the offer's other
	 * variant (ust. 1 pkt 4 with art. 10 ust. 4: the reasons and the
	 * manner or form that is possible), so the offer's 14 days to accept
	 * or object follow (ust. 2); for standing access it is an answer of
	 * its own (art. 42 ust. 1 pkt 2) and closes the request. */
	{RU, WORK, LAW_ACT_FORM_NOTICE, C, TO(OFFER_SENT), {CHECK(NOT_STANDING)},
	 {STOP(REUSE_ANSWER), STOP(REUSE_ANSWER_EXTENDED)}, DOC(REUSE_FORM_NOTICE),
	 "UOD art. 41 ust. 1 pkt 4 w zw. z art. 10 ust. 4: przyczyny i możliwy sposób lub forma; "
	 "dalej jak po ofercie (art. 41 ust. 2)"},
	{RU, WORK, LAW_ACT_FORM_NOTICE, C, TO(REUSE_NOT_POSSIBLE), {CHECK(STANDING)}, {{0}},
	 DOC(REUSE_FORM_NOTICE),
	 "UOD art. 42 ust. 1 pkt 2: brak możliwości ponownego wykorzystywania w sposób z wniosku "
	 "lub ze względu na format"},
	{RU, WORK, LAW_ACT_REFUSE, C, TO(REFUSED), {{0}}, {{0}},
	 DOC(REUSE_REFUSAL_DECISION), "UOD art. 41 ust. 1"},

	/* Withdrawal, at any time before the request is dealt with. */
	{ANY, OPEN, LAW_ACT_WITHDRAW, R | C, TO(WITHDRAWN), {{0}}, {{0}}, DOC(NONE),
	 "wycofanie wniosku przed jego załatwieniem: sprawa kończy się bez decyzji (UDIP "
	 "przewiduje umorzenie tylko w art. 14 ust. 2)"},

	/* Remedies against a decision. Filed by the requester through the
	 * tracking page they carry no signature (KPA art. 63 §3): unless the
	 * organisation's policy accepts that, the pleading waits for a call to
	 * sign it (art. 64 §2). It was lodged in time all the same: the remedy
	 * window stops; the body's own terms (art. 133, UDIP art. 16 ust. 2
	 * pkt 1) run from the day the defect is remedied. */
	{ANY, DECIDED, LAW_ACT_APPEAL, R, TO(PLEADING_UNSIGNED),
	 {CHECK(REMEDY_APPEAL), CHECK(SIGNATURE_REQUIRED)}, {STOP(APPEAL_WINDOW)}, DOC(NONE),
	 "KPA art. 63 §3: odwołanie ze strony sprawy nie jest podpisane; wezwanie (art. 64 §2)"},
	{ANY, DECIDED, LAW_ACT_REQUEST_RECONSIDERATION, R, TO(PLEADING_UNSIGNED),
	 {CHECK(REMEDY_RECONSIDERATION), CHECK(SIGNATURE_REQUIRED)},
	 {STOP(RECONSIDERATION_WINDOW)}, DOC(NONE),
	 "KPA art. 63 §3: wniosek ze strony sprawy nie jest podpisany; wezwanie (art. 64 §2)"},
	{ANY, S(PLEADING_UNSIGNED), LAW_ACT_CALL_TO_SIGN, C, TO(SIGNATURE_CALLED), {{0}}, {{0}},
	 DOC(SIGNATURE_CALL), "KPA art. 64 §2: termin 7 dni biegnie od doręczenia wezwania"},
	{ANY, S(SIGNATURE_CALLED), LAW_ACT_RECORD_DELIVERY, C | SYS, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, SIGNATURE_WINDOW)}, {START(SIGNATURE_WINDOW)}, DOC(NONE),
	 "KPA art. 64 §2: 7 dni od doręczenia wezwania"},
	{ANY, S(PLEADING_UNSIGNED) | S(SIGNATURE_CALLED), LAW_ACT_RECORD_SIGNATURE, C,
	 TO(APPEAL_PENDING), {CHECK(REMEDY_APPEAL), G(REPLY_IN_TIME, SIGNATURE_WINDOW)},
	 {STOP(SIGNATURE_WINDOW), START(FORWARD_APPEAL)}, DOC(NONE),
	 "KPA art. 64 §2; termin z art. 133 biegnie od usunięcia braku"},
	{PI, S(PLEADING_UNSIGNED) | S(SIGNATURE_CALLED), LAW_ACT_RECORD_SIGNATURE, C,
	 TO(APPEAL_PENDING), {CHECK(REMEDY_RECONSIDERATION), G(REPLY_IN_TIME, SIGNATURE_WINDOW)},
	 {STOP(SIGNATURE_WINDOW), START(RECONSIDERATION)}, DOC(NONE),
	 "KPA art. 64 §2; 14 dni (UDIP art. 16 ust. 2 pkt 1) od usunięcia braku"},
	{RU, S(PLEADING_UNSIGNED) | S(SIGNATURE_CALLED), LAW_ACT_RECORD_SIGNATURE, C,
	 TO(APPEAL_PENDING), {CHECK(REMEDY_RECONSIDERATION), G(REPLY_IN_TIME, SIGNATURE_WINDOW)},
	 {STOP(SIGNATURE_WINDOW), START(REUSE_RECONSIDERATION)}, DOC(NONE),
	 "KPA art. 64 §2; miesiąc (KPA art. 35 §3 w zw. z art. 127 §3) od usunięcia braku"},
	{ANY, S(SIGNATURE_CALLED), LAW_ACT_LEAVE_UNPROCESSED, C, TO(CLOSED_FINAL),
	 {G(WINDOW_PASSED, SIGNATURE_WINDOW)}, {EXPIRE(SIGNATURE_WINDOW)},
	 DOC(PLEADING_UNPROCESSED),
	 "KPA art. 64 §2: brak nieusunięty w terminie, podanie pozostaje bez rozpoznania"},

	{ANY, DECIDED, LAW_ACT_REMEDY_WINDOW_EXPIRED, C | SYS, TO(CLOSED_FINAL),
	 {CHECK(REMEDY_APPEAL), G(WINDOW_PASSED, APPEAL_WINDOW)}, {EXPIRE(APPEAL_WINDOW)},
	 DOC(NONE),
	 "KPA art. 16 §1: decyzja, od której nie służy już odwołanie, jest ostateczna"},
	{ANY, DECIDED, LAW_ACT_REMEDY_WINDOW_EXPIRED, C | SYS, TO(CLOSED_FINAL),
	 {CHECK(REMEDY_RECONSIDERATION), G(WINDOW_PASSED, RECONSIDERATION_WINDOW)},
	 {EXPIRE(RECONSIDERATION_WINDOW)}, DOC(NONE),
	 "KPA art. 16 §1: decyzja, od której nie służy już odwołanie, jest ostateczna"},
	{PI, DECIDED, LAW_ACT_REMEDY_WINDOW_EXPIRED, C | SYS, TO(CLOSED_FINAL),
	 {CHECK(REMEDY_COURT), G(WINDOW_PASSED, COURT_COMPLAINT_WINDOW)},
	 {EXPIRE(COURT_COMPLAINT_WINDOW)}, DOC(NONE),
	 "PPSA art. 53 §1: termin na skargę upłynął; rozstrzygnięcie nie podlega dalszemu "
	 "zaskarżeniu w zwykłym trybie"},
	/* Issue 20 item 9: the requester waives the remedy (KPA art. 127a; for
	 * the request for reconsideration through art. 127 §3, which applies
	 * the appeal's provisions). The decision is final and binding on the
	 * day the statement reaches the organ, which is the step's date; the
	 * window stops there. A waiver cannot be taken back: no step leads
	 * out of closed_final but a remedy lodged after it, which the organ
	 * sends on for the appeal body to declare inadmissible (art. 134). */
	{ANY, DECIDED, LAW_ACT_WAIVE_APPEAL, C, TO(CLOSED_FINAL),
	 {CHECK(REMEDY_APPEAL), G(IN_TERM, APPEAL_WINDOW)}, {CANCEL(APPEAL_WINDOW)}, DOC(NONE),
	 "KPA art. 127a §1 (przed upływem terminu na odwołanie, po doręczeniu decyzji) i §2: "
	 "z dniem doręczenia organowi oświadczenia decyzja staje się ostateczna i prawomocna; "
	 "oświadczenia nie można cofnąć"},
	{ANY, DECIDED, LAW_ACT_WAIVE_APPEAL, C, TO(CLOSED_FINAL),
	 {CHECK(REMEDY_RECONSIDERATION), G(IN_TERM, RECONSIDERATION_WINDOW)},
	 {CANCEL(RECONSIDERATION_WINDOW)}, DOC(NONE),
	 "KPA art. 127a §1–2 w zw. z art. 127 §3 (do wniosku o ponowne rozpatrzenie stosuje się "
	 "przepisy o odwołaniach): decyzja ostateczna i prawomocna z dniem doręczenia "
	 "oświadczenia"},
	{ANY, DECIDED, LAW_ACT_APPEAL, R | C, TO(APPEAL_PENDING), {CHECK(REMEDY_APPEAL)},
	 {STOP(APPEAL_WINDOW), START(FORWARD_APPEAL)}, DOC(NONE),
	 "KPA art. 127 §1, art. 129: wnoszone za pośrednictwem organu"},
	/* Issue 20 item 9: an appeal after the decision became final by the
	 * window's passing (or after a waiver) is recorded and sent on all the
	 * same within the 7 days: only the appeal body declares it late or
	 * inadmissible (KPA art. 134) or restores the term on the requester's
	 * request (art. 58, art. 59 §2). A warning, not a refusal. */
	{ANY, S(CLOSED_FINAL), LAW_ACT_APPEAL, C, TO(APPEAL_PENDING),
	 {CHECK(REMEDY_APPEAL), CHECK(FINAL_UNUSED)}, {START(FORWARD_APPEAL)}, DOC(NONE),
	 "KPA art. 133: odwołanie po terminie lub po zrzeczeniu się też przekazuje się w 7 dni; "
	 "uchybienie terminu albo niedopuszczalność stwierdza organ odwoławczy (art. 134), on "
	 "też postanawia o przywróceniu terminu (art. 58, art. 59 §2)"},
	{PI, DECIDED, LAW_ACT_REQUEST_RECONSIDERATION, R | C, TO(APPEAL_PENDING),
	 {CHECK(REMEDY_RECONSIDERATION)},
	 {STOP(RECONSIDERATION_WINDOW), START(RECONSIDERATION)}, DOC(NONE),
	 "KPA art. 127 §3; rozpatrzenie w 14 dni (UDIP art. 16 ust. 2 pkt 1)"},
	{RU, DECIDED, LAW_ACT_REQUEST_RECONSIDERATION, R | C, TO(APPEAL_PENDING),
	 {CHECK(REMEDY_RECONSIDERATION)},
	 {STOP(RECONSIDERATION_WINDOW), START(REUSE_RECONSIDERATION)}, DOC(NONE),
	 "KPA art. 127 §3; rozpatrzenie w miesiąc (KPA art. 35 §3)"},
	{ANY, S(APPEAL_PENDING), LAW_ACT_FORWARD_APPEAL, C, LAW_STATE_SAME,
	 {CHECK(REMEDY_APPEAL), G(TERM_OPEN, FORWARD_APPEAL)}, {STOP(FORWARD_APPEAL)},
	 DOC(APPEAL_FORWARDING), "KPA art. 133: 7 dni od otrzymania odwołania"},
	/* Issue 20 item 9: instead of sending the appeal on, the organ grants
	 * it in full by a new decision within the same 7 days (KPA art. 132 §1,
	 * art. 133); the requester is the only party. The new decision cancels
	 * the one appealed and releases the information in the same letter, so
	 * the case is settled; it is again open to appeal (§3): its delivery
	 * starts the appeal window as for any decision. */
	{ANY, S(APPEAL_PENDING), LAW_ACT_GRANT_APPEAL, C, TO(APPEAL_GRANTED),
	 {CHECK(REMEDY_APPEAL), G(IN_TERM, FORWARD_APPEAL)}, {STOP(FORWARD_APPEAL)},
	 DOC(APPEAL_GRANTED_DECISION),
	 "KPA art. 132 §1: odwołanie zasługuje w całości na uwzględnienie, jedyną stroną jest "
	 "wnioskodawca; nowa decyzja uchyla zaskarżoną i udostępnia informację, w terminie 7 dni "
	 "od otrzymania odwołania (art. 133); od nowej decyzji służy odwołanie (§3), dlatego stan "
	 "appeal_granted (decyzja, od której doręczenia biegnie termin), a nie provided (pismo)"},
	{PI, S(APPEAL_PENDING), LAW_ACT_APPEAL_DECIDED, C, TO(CLOSED_FINAL),
	 {CHECK(REMEDY_APPEAL)}, {{0}}, DOC(NONE),
	 "KPA art. 138 §1; organ odwoławczy ma 14 dni (UDIP art. 16 ust. 2 pkt 1)"},
	{RU, S(APPEAL_PENDING), LAW_ACT_APPEAL_DECIDED, C, TO(CLOSED_FINAL),
	 {CHECK(REMEDY_APPEAL)}, {{0}}, DOC(NONE),
	 "KPA art. 138 §1; organ odwoławczy ma miesiąc (KPA art. 35 §3)"},
	{PI, S(APPEAL_PENDING), LAW_ACT_APPEAL_REFERRED_BACK, C, TO(IN_PROGRESS),
	 {CHECK(REMEDY_APPEAL)}, {START(ANSWER)}, DOC(NONE),
	 "KPA art. 138 §2: 14 dni liczone od zwrotu akt"},
	{RU, S(APPEAL_PENDING), LAW_ACT_APPEAL_REFERRED_BACK, C, TO(IN_PROGRESS),
	 {CHECK(REMEDY_APPEAL)}, {START(REUSE_ANSWER)}, DOC(NONE),
	 "KPA art. 138 §2: 14 dni liczone od zwrotu akt"},
	/* Issue 20 item 10: after the court annulled the appeal body's decision
	 * (a complaint lodged through that body, PPSA art. 54 §1), the appeal
	 * body decides again and may refer the case back: a case closed_final
	 * returns to work. */
	{PI, S(CLOSED_FINAL), LAW_ACT_APPEAL_REFERRED_BACK, C, TO(IN_PROGRESS),
	 {CHECK(REMEDY_APPEAL)}, {START(ANSWER)}, DOC(NONE),
	 "KPA art. 138 §2 po uchyleniu przez sąd decyzji organu odwoławczego (PPSA art. 145 §1 "
	 "pkt 1, art. 153); 14 dni (UDIP art. 13 ust. 1) liczone od zwrotu akt"},
	{RU, S(CLOSED_FINAL), LAW_ACT_APPEAL_REFERRED_BACK, C, TO(IN_PROGRESS),
	 {CHECK(REMEDY_APPEAL)}, {START(REUSE_ANSWER)}, DOC(NONE),
	 "KPA art. 138 §2 po uchyleniu przez sąd decyzji organu odwoławczego (PPSA art. 145 §1 "
	 "pkt 1, art. 153); 14 dni (UOD art. 40 ust. 1) liczone od zwrotu akt"},
	{ANY, S(APPEAL_PENDING), LAW_ACT_DECIDE_RECONSIDERATION, C, TO(CLOSED_FINAL),
	 {CHECK(REMEDY_RECONSIDERATION)}, {STOP(RECONSIDERATION), STOP(REUSE_RECONSIDERATION)},
	 DOC(RECONSIDERATION_DECISION), "KPA art. 127 §3, art. 138"},

	/* Administrative court (public information; UDIP art. 21). */
	{PI, OPEN, LAW_ACT_COURT_COMPLAINT, C, LAW_STATE_SAME, {{0}},
	 {START(COURT_ANSWER), START(SELF_REVIEW_WINDOW)}, DOC(NONE),
	 "PPSA art. 3 §2 pkt 8, UDIP art. 21: skarga na bezczynność; sprawa biegnie dalej"},
	{PI, LETTER_CLOSED, LAW_ACT_COURT_COMPLAINT, C, TO(AT_COURT), {{0}},
	 {START(COURT_ANSWER), START(SELF_REVIEW_WINDOW)}, DOC(NONE),
	 "PPSA art. 3 §2 pkt 8: skarga na bezczynność po piśmie, które nie załatwia wniosku"},
	{PI, DECIDED | S(APPEAL_PENDING) | S(CLOSED_FINAL), LAW_ACT_COURT_COMPLAINT, C,
	 TO(AT_COURT), {CHECK(REMEDY_RECONSIDERATION)},
	 {CANCEL(RECONSIDERATION_WINDOW), CANCEL(RECONSIDERATION), START(COURT_ANSWER),
	  START(SELF_REVIEW_WINDOW)},
	 DOC(NONE), "PPSA art. 52 §3: skarga bez wniosku o ponowne rozpatrzenie"},
	/* Not an organ of public authority: the complaint against its decision
	 * is lodged through it (PPSA art. 54 §1) and it has 15 days to send it
	 * on with the files and its answer (UDIP art. 21 pkt 1). A complaint
	 * after the 30 days is sent on all the same (the court rejects it,
	 * PPSA art. 58 §1 pkt 2): a warning, not a refusal. */
	{PI, DECIDED | S(CLOSED_FINAL), LAW_ACT_COURT_COMPLAINT, C, TO(AT_COURT),
	 {CHECK(REMEDY_COURT)},
	 {STOP(COURT_COMPLAINT_WINDOW), START(COURT_ANSWER), START(SELF_REVIEW_WINDOW)}, DOC(NONE),
	 "PPSA art. 53 §1, art. 54 §1: skarga na rozstrzygnięcie podmiotu, który nie jest "
	 "organem władzy publicznej (UDIP art. 17 ust. 1), wnoszona za jego pośrednictwem; "
	 "odpowiedź w 15 dni (UDIP art. 21 pkt 1)"},
	{PI, OPEN | S(AT_COURT), LAW_ACT_ANSWER_COURT_COMPLAINT, C, LAW_STATE_SAME,
	 {G(TERM_OPEN, COURT_ANSWER)}, {STOP(COURT_ANSWER)}, DOC(COURT_ANSWER),
	 "UDIP art. 21 pkt 1: 15 dni od otrzymania skargi"},
	/* Issue 20 item 10: a judgment counts when it is final (PPSA art. 168
	 * §1): while the cassation window runs it may not be recorded; its
	 * term runs from the return of the files (art. 286 §2). */
	{PI, S(AT_COURT), LAW_ACT_JUDGMENT_OBLIGES, C, TO(IN_PROGRESS),
	 {G(JUDGMENT_FINAL, CASSATION_WINDOW)},
	 {CANCEL(COURT_ANSWER), EXPIRE(CASSATION_WINDOW), CANCEL(SELF_REVIEW_WINDOW),
	  START(AFTER_JUDGMENT)}, DOC(NONE),
	 "PPSA art. 149 §1; termin od zwrotu akt (art. 286 §2)"},
	{PI, OPEN, LAW_ACT_JUDGMENT_OBLIGES, C, LAW_STATE_SAME, {G(JUDGMENT_FINAL, CASSATION_WINDOW)},
	 {CANCEL(COURT_ANSWER), EXPIRE(CASSATION_WINDOW), CANCEL(SELF_REVIEW_WINDOW),
	  START(AFTER_JUDGMENT)}, DOC(NONE),
	 "PPSA art. 149 §1; termin od zwrotu akt (art. 286 §2)"},
	{PI, S(AT_COURT), LAW_ACT_JUDGMENT_DISMISSES, C, TO(CLOSED_FINAL),
	 {G(JUDGMENT_FINAL, CASSATION_WINDOW)}, {CANCEL(COURT_ANSWER), EXPIRE(CASSATION_WINDOW)},
	 DOC(NONE), "PPSA art. 151, art. 58; wyrok prawomocny (art. 168 §1)"},
	{PI, OPEN, LAW_ACT_JUDGMENT_DISMISSES, C, LAW_STATE_SAME,
	 {G(JUDGMENT_FINAL, CASSATION_WINDOW)},
	 {CANCEL(COURT_ANSWER), EXPIRE(CASSATION_WINDOW), CANCEL(SELF_REVIEW_WINDOW)}, DOC(NONE),
	 "PPSA art. 151, art. 58; wyrok prawomocny (art. 168 §1)"},

	/* Issue 20 item 10: the court annuls the decision (PPSA art. 145 §1
	 * pkt 1); the body deals with the request again, in the statutory term
	 * from the return of the files with the final judgment (art. 286 §2).
	 * From closed_final: the complaint went through the appeal body and the
	 * court annulled this body's decision too (art. 135). */
	{PI, S(AT_COURT) | S(CLOSED_FINAL), LAW_ACT_JUDGMENT_ANNULS, C, TO(IN_PROGRESS),
	 {G(JUDGMENT_FINAL, CASSATION_WINDOW)},
	 {CANCEL(COURT_ANSWER), EXPIRE(CASSATION_WINDOW), CANCEL(SELF_REVIEW_WINDOW), START(ANSWER)},
	 DOC(NONE),
	 "PPSA art. 145 §1 pkt 1, art. 153; 14 dni (UDIP art. 13 ust. 1) od zwrotu akt z "
	 "prawomocnym wyrokiem (art. 286 §2)"},

	/* Issue 20 item 10: the body grants the complaint itself within 30 days
	 * of receiving it (PPSA art. 54 §3): the case returns to work and its act
	 * is due within the same 30 days. It still sends the complaint on with
	 * the files and its answer, which says so (the court discontinues,
	 * art. 161 §1 pkt 3): the answer's term is left running. */
	{ANY, S(AT_COURT), LAW_ACT_GRANT_COMPLAINT, C, TO(IN_PROGRESS),
	 {G(BEFORE_DUE, SELF_REVIEW_WINDOW)},
	 {STOP(SELF_REVIEW_WINDOW), START(SELF_REVIEW_ACT)}, DOC(NONE),
	 "PPSA art. 54 §3: 30 dni od otrzymania skargi; UDIP art. 21 pkt 1 (i UOD art. 41) skraca "
	 "tylko termin przekazania skargi (art. 54 §2)"},

	/* Issue 20 item 10: a judgment of the WSA is delivered with its
	 * reasons; either party may lodge a cassation appeal to the NSA within
	 * 30 days (PPSA art. 173 §1, art. 177 §1); the case stays at court. */
	{ANY, S(AT_COURT) | OPEN, LAW_ACT_JUDGMENT_DELIVERED, C, LAW_STATE_SAME,
	 {G(NOT_DELIVERED, CASSATION_WINDOW)}, {START(CASSATION_WINDOW)}, DOC(NONE),
	 "PPSA art. 177 §1: 30 dni od doręczenia wyroku z uzasadnieniem; bez skargi kasacyjnej "
	 "wyrok staje się prawomocny (art. 168 §1)"},
	{ANY, S(AT_COURT) | OPEN, LAW_ACT_CASSATION_APPEAL, C, LAW_STATE_SAME,
	 {G(BEFORE_DUE, CASSATION_WINDOW)}, {STOP(CASSATION_WINDOW)}, DOC(NONE),
	 "PPSA art. 173 §1, art. 175, art. 177 §1: wnoszona do NSA za pośrednictwem WSA; data "
	 "nadania w placówce operatora wyznaczonego (art. 83 §3)"},

	/* Administrative court, re-use (issue 20 item 11): decisions and
	 * inaction go to the court under UOD art. 41, which applies the PPSA
	 * with 15 days for the files and the answer. */
	{RU, OPEN, LAW_ACT_COURT_COMPLAINT, C, LAW_STATE_SAME, {{0}},
	 {START(REUSE_COURT_ANSWER), START(SELF_REVIEW_WINDOW)}, DOC(NONE),
	 "skarga na bezczynność (PPSA art. 3 §2 pkt 8; UOD art. 41); sprawa biegnie dalej"},
	{RU, LETTER_CLOSED, LAW_ACT_COURT_COMPLAINT, C, TO(AT_COURT), {{0}},
	 {START(REUSE_COURT_ANSWER), START(SELF_REVIEW_WINDOW)}, DOC(NONE),
	 "skarga na bezczynność po piśmie, które nie załatwia wniosku (UOD art. 41)"},
	{RU, DECIDED | S(APPEAL_PENDING) | S(CLOSED_FINAL), LAW_ACT_COURT_COMPLAINT, C,
	 TO(AT_COURT), {CHECK(REMEDY_RECONSIDERATION)},
	 {CANCEL(RECONSIDERATION_WINDOW), CANCEL(REUSE_RECONSIDERATION), START(REUSE_COURT_ANSWER),
	  START(SELF_REVIEW_WINDOW)},
	 DOC(NONE), "PPSA art. 52 §3, UOD art. 41: skarga bez wniosku o ponowne rozpatrzenie"},
	{RU, OPEN | S(AT_COURT), LAW_ACT_ANSWER_COURT_COMPLAINT, C, LAW_STATE_SAME,
	 {G(TERM_OPEN, REUSE_COURT_ANSWER)}, {STOP(REUSE_COURT_ANSWER)}, DOC(COURT_ANSWER),
	 "PPSA art. 54 §2 w zw. z UOD art. 41: 15 dni od otrzymania skargi"},
	{RU, S(AT_COURT), LAW_ACT_JUDGMENT_OBLIGES, C, TO(IN_PROGRESS),
	 {G(JUDGMENT_FINAL, CASSATION_WINDOW)},
	 {CANCEL(REUSE_COURT_ANSWER), EXPIRE(CASSATION_WINDOW), CANCEL(SELF_REVIEW_WINDOW),
	  START(AFTER_JUDGMENT)}, DOC(NONE),
	 "PPSA art. 149 §1; termin od zwrotu akt (art. 286 §2)"},
	{RU, OPEN, LAW_ACT_JUDGMENT_OBLIGES, C, LAW_STATE_SAME, {G(JUDGMENT_FINAL, CASSATION_WINDOW)},
	 {CANCEL(REUSE_COURT_ANSWER), EXPIRE(CASSATION_WINDOW), CANCEL(SELF_REVIEW_WINDOW),
	  START(AFTER_JUDGMENT)}, DOC(NONE),
	 "PPSA art. 149 §1; termin od zwrotu akt (art. 286 §2)"},
	{RU, S(AT_COURT), LAW_ACT_JUDGMENT_DISMISSES, C, TO(CLOSED_FINAL),
	 {G(JUDGMENT_FINAL, CASSATION_WINDOW)},
	 {CANCEL(REUSE_COURT_ANSWER), EXPIRE(CASSATION_WINDOW)}, DOC(NONE),
	 "PPSA art. 151, art. 58; wyrok prawomocny (art. 168 §1)"},
	{RU, OPEN, LAW_ACT_JUDGMENT_DISMISSES, C, LAW_STATE_SAME,
	 {G(JUDGMENT_FINAL, CASSATION_WINDOW)},
	 {CANCEL(REUSE_COURT_ANSWER), EXPIRE(CASSATION_WINDOW), CANCEL(SELF_REVIEW_WINDOW)},
	 DOC(NONE), "PPSA art. 151, art. 58; wyrok prawomocny (art. 168 §1)"},
	{RU, S(AT_COURT) | S(CLOSED_FINAL), LAW_ACT_JUDGMENT_ANNULS, C, TO(IN_PROGRESS),
	 {G(JUDGMENT_FINAL, CASSATION_WINDOW)},
	 {CANCEL(REUSE_COURT_ANSWER), EXPIRE(CASSATION_WINDOW), CANCEL(SELF_REVIEW_WINDOW),
	  START(REUSE_ANSWER)},
	 DOC(NONE),
	 "PPSA art. 145 §1 pkt 1, art. 153; 14 dni (UOD art. 40 ust. 1) od zwrotu akt z "
	 "prawomocnym wyrokiem (art. 286 §2)"},

	/* Issue 20 item 9: the ponaglenie (KPA art. 37) against inaction or
	 * delay, while the case is being dealt with; the case keeps running.
	 * Lodged before the answer term passed it is left unprocessed (§3a),
	 * so the guard refuses it then. Not for a body that is not an organ of
	 * public authority (no KPA, UDIP art. 17 ust. 1). */
	{ANY, OPEN, LAW_ACT_RECORD_PONAGLENIE, C, LAW_STATE_SAME,
	 {CHECK(REMEDY_APPEAL), CHECK(ANSWER_PASSED)}, {START(FORWARD_PONAGLENIE)}, DOC(NONE),
	 "KPA art. 37 §1, §3 pkt 1: ponaglenie do organu wyższego stopnia wnoszone za "
	 "pośrednictwem organu; sprawa biegnie dalej; wniesione przed upływem terminu "
	 "załatwienia pozostaje bez rozpoznania (§3a)"},
	{ANY, OPEN, LAW_ACT_RECORD_PONAGLENIE, C, LAW_STATE_SAME,
	 {CHECK(REMEDY_RECONSIDERATION), CHECK(ANSWER_PASSED)}, {START(CONSIDER_PONAGLENIE)},
	 DOC(NONE),
	 "KPA art. 37 §3 pkt 2: brak organu wyższego stopnia, ponaglenie rozpatruje organ "
	 "prowadzący postępowanie w 7 dni (§5)"},
	{ANY, EVERY, LAW_ACT_FORWARD_PONAGLENIE, C, LAW_STATE_SAME,
	 {G(TERM_OPEN, FORWARD_PONAGLENIE)}, {STOP(FORWARD_PONAGLENIE)},
	 DOC(PONAGLENIE_FORWARDING),
	 "KPA art. 37 §4: w 7 dni, z odpisami akt i ustosunkowaniem się organu; także gdy "
	 "sprawę w tym czasie załatwiono"},
	{ANY, EVERY, LAW_ACT_DECIDE_PONAGLENIE, C, LAW_STATE_SAME,
	 {G(TERM_OPEN, CONSIDER_PONAGLENIE)}, {STOP(CONSIDER_PONAGLENIE)},
	 DOC(PONAGLENIE_ORDER), "KPA art. 37 §5–6: postanowienie w 7 dni"},
};
/* clang-format on */
const size_t law_transition_count = sizeof law_transitions / sizeof law_transitions[0];

_Static_assert(LAW_STATE_COUNT <= 64, "state sets are 64-bit masks");
