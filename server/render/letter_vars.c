/* SPDX-License-Identifier: EUPL-1.2 */
/* The letter types (the law's documents) and the variables their templates
 * may use, as a table: the loader checks every {{name}} against
 * letter_vars[], the sample case is built from its examples, and
 * docs/letters.md is generated from both. */
#include <stdlib.h>
#include <string.h>

#include "render/letter_internal.h"

/* The types are the law's documents (law_documents[] in
 * server/law/lifecycle.c), LAW_DOC_NONE left out. */
const letter_type_t *const letter_types = &law_documents[LAW_DOC_NONE + 1];
const size_t letter_type_count = LAW_DOC_ROWS - 1;

const letter_type_t *letter_type(const char *type)
{
	for (size_t i = 0; type && i < letter_type_count; i++)
		if (strcmp(letter_types[i].id, type) == 0)
			return &letter_types[i];
	return NULL;
}

const char *letter_title(const char *type)
{
	const letter_type_t *t = letter_type(type);
	return t ? t->title : NULL;
}

/* ---- Variables --------------------------------------------------------- */

#define T LETTER_VAR_TEXT
#define B LETTER_VAR_BLOCK
#define L LETTER_VAR_LIST
#define D LETTER_VAR_DATE
#define N LETTER_VAR_NUMBER
#define F LETTER_VAR_FLAG
#define CASE LETTER_SRC_CASE
#define INPUT LETTER_SRC_INPUT
#define CONST LETTER_SRC_CONSTANT
#define COMPUTED LETTER_SRC_COMPUTED

/* The citations of the statutes, in the genitive ("na podstawie art. 13 ust.
 * 2 ustawy z dnia ..."): the act's title, then its Dz. U. position. The
 * position a letter prints comes from the table `citations` (the
 * consolidated text in force on the letter's date, cases/letters.c:
 * letter_citation()); the one here is used only when the table has none
 * (sample letters, docs/letters.md). */
#define UDIP_TITLE "ustawy z dnia 6 września 2001 r. o dostępie do informacji publicznej"
#define UOD_TITLE                                                                                  \
	"ustawy z dnia 11 sierpnia 2021 r. o otwartych danych i ponownym wykorzystywaniu "         \
	"informacji sektora publicznego"
#define KPA_TITLE "ustawy z dnia 14 czerwca 1960 r. – Kodeks postępowania administracyjnego"
#define PPSA_TITLE                                                                                 \
	"ustawy z dnia 30 sierpnia 2002 r. – Prawo o postępowaniu przed sądami administracyjnymi"
/* Their description in docs/letters.md. */
#define CITED "genitive; the Dz. U. position in force on the letter's date (table `citations`)"
#define UDIP UDIP_TITLE " (Dz. U. z 2022 r. poz. 902)"
#define UOD UOD_TITLE " (Dz. U. z 2023 r. poz. 1524)"
#define KPA KPA_TITLE " (Dz. U. z 2024 r. poz. 572)"
#define PPSA PPSA_TITLE " (Dz. U. z 2024 r. poz. 935)"

bool letter_citation(const char *act, const char *dz_u, strbuf_t *out)
{
	static const char *const titles[][2] = {
	    {"udip", UDIP_TITLE}, {"uod", UOD_TITLE}, {"kpa", KPA_TITLE}, {"ppsa", PPSA_TITLE}};
	for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
		if (!strcmp(act, titles[i][0])) {
			sb_printf(out, "%s (%s)", titles[i][1], dz_u);
			return true;
		}
	return false;
}

/* clang-format off */
const letter_var_t letter_vars[] = {
	/* The case, from the database. */
	{"case.number", T, CASE, true, false, "case number (znak sprawy)",
	 "COMON.1431.15.2026", "COMON.1432.15.2026", NULL,
	 "Znak sprawy", NULL},
	{"case.kind", T, CASE, false, false,
	 "`public_information` or `reuse`: picks `<type>.reuse.md` when there is one",
	 "public_information", "reuse", NULL,
	 "Rodzaj sprawy", NULL},
	{"case.received_on", D, CASE, false, false, "date the request was received", "2026-11-12",
	 NULL, NULL,
	 "Data otrzymania wniosku", NULL},
	{"case.due_on", D, CASE, false, false, "statutory due date of the answer (14 days)",
	 "2026-11-26", NULL, NULL,
	 "Termin załatwienia wniosku", NULL},
	{"case.subject", T, CASE, false, false,
	 "subject of the request, printed as a quoted title after „w sprawie”",
	 "umowy na dostawę łóżek polowych związanych z organizacją ćwiczeń w 2026 r., źródła i "
	 "wysokość środków na ich finansowanie", NULL, NULL,
	 "Przedmiot wniosku", NULL},
	{"case.form", T, CASE, false, false, "manner and form of access asked for in the request",
	 "kopie umów w postaci plików PDF przesłane na adres e-mail wnioskodawcy",
	 "pliki w formacie CSV przesłane na adres e-mail wnioskodawcy", NULL,
	 "Sposób i forma udostępnienia wskazane we wniosku", NULL},
	{"case.reuse_purpose", T, CASE, false, false, "re-use: purpose stated in the request",
	 "cel niekomercyjny – analiza wydatków publicznych publikowana w serwisie internetowym "
	 "fundacji", NULL, NULL,
	 "Cel ponownego wykorzystywania", NULL},
	{"case.reuse_standing", F, CASE, false, false,
	 "re-use: the request asks for standing and direct re-use in real time of information "
	 "kept in the body's IT system (UOD art. 39 ust. 2): the offer allows no objection and "
	 "the form notice closes the request (art. 42)", "false", NULL, NULL,
	 "Dostęp stały i bezpośredni w czasie rzeczywistym", NULL},
	{"requester.name", T, CASE, true, false, "requester's name (nominative)", "Jan Kowalski",
	 NULL, NULL,
	 "Imię i nazwisko albo nazwa wnioskodawcy", NULL},
	{"requester.address", T, CASE, true, false,
	 "requester's postal address; may be empty (lines by newline or „, ” before the postcode)",
	 "ul. Przykładowa 1, 00-001 Warszawa", NULL, NULL,
	 "Adres wnioskodawcy", NULL},
	{"requester.email", T, CASE, true, true,
	 "requester's e-mail; shown in the addressee block when there is no postal address",
	 "jan.kowalski@example.pl", NULL, NULL,
	 "Adres e-mail wnioskodawcy", NULL},
	{"addressee.name", T, CASE, true, true,
	 "addressee when not the requester (appeal body, court); else the requester", NULL, NULL,
	 NULL,
	 "Adresat pisma", "Organ odwoławczy albo sąd, do którego idzie pismo."},
	{"addressee.address", T, CASE, true, true, "address of `addressee.name`", NULL, NULL, NULL,
	 "Adres adresata pisma", NULL},
	{"org.name", T, CASE, true, false, "the body, first line of the letterhead",
	 "Ministerstwo Obrony Narodowej", NULL, NULL,
	 "Nazwa urzędu", NULL},
	{"org.unit", T, CASE, true, true, "unit, second line of the letterhead",
	 "Centrum Operacyjne Ministra Obrony Narodowej", NULL, NULL,
	 "Komórka organizacyjna", NULL},
	{"org.address", T, CASE, true, false, "postal address of the body",
	 "Al. Niepodległości 218, 00-911 Warszawa", NULL, NULL,
	 "Adres urzędu", NULL},
	{"org.place", T, CASE, true, false, "place in the date line („Warszawa, 26 listopada …”)",
	 "Warszawa", NULL, NULL,
	 "Miejscowość w dacie pisma", NULL},
	{"org.email", T, CASE, true, true, "e-mail of the body (letterhead; templates that ask for "
	 "a reply)", "bip@mon.example", NULL, NULL,
	 "Adres e-mail urzędu", NULL},
	{"org.reply_email", T, CASE, false, false,
	 "the body's address for replies in this case: its e-mail with the case's tag "
	 "(docs/inbound.md); mail to it is attached to the case", "bip+15-k3j9x2q7mv@mon.example",
	 NULL, NULL,
	 "Adres e-mail do odpowiedzi w sprawie", NULL},
	{"org.phone", T, CASE, true, true, "phone of the body (letterhead)", "261 000 000", NULL,
	 NULL,
	 "Telefon urzędu", NULL},
	{"org.bip_url", T, CASE, true, true, "address of the body's BIP (letterhead)",
	 "https://bip.mon.example", NULL, NULL,
	 "Adres BIP urzędu", NULL},
	{"org.authority", T, CASE, false, false,
	 "the organ that decides, nominative (KPA art. 107 § 1 pkt 1)",
	 "Minister Obrony Narodowej", NULL, NULL,
	 "Organ wydający decyzję", NULL},
	{"org.public_authority", F, CASE, false, false,
	 "the body is an organ of public authority (organisations.public_authority): its refusal "
	 "and discontinuance are decisions under the KPA; false: rozstrzygnięcia without the KPA "
	 "(UDIP art. 16 ust. 1, art. 17 ust. 1), headed, named and cited as such", "true", NULL,
	 NULL,
	 "Organ władzy publicznej", NULL},
	{"org.appeal_body", T, CASE, false, false,
	 "appeal body, nominative (remedy `appeal`; addressee of appeal_forwarding): the case's "
	 "unit's (units.appeal_body), else the organisation's",
	 "Samorządowe Kolegium Odwoławcze w Warszawie", NULL, NULL,
	 "Organ odwoławczy", "Nazwa w mianowniku, np. Samorządowe Kolegium Odwoławcze w Warszawie. Na stałe ustawia ją administrator w ustawieniach urzędu albo komórki."},
	{"org.appeal_body_gen", T, CASE, false, false,
	 "appeal body, genitive, after „do” (remedy `appeal`); derived from `org.appeal_body` "
	 "by letter_genitive() where its name is a known one",
	 "Samorządowego Kolegium Odwoławczego w Warszawie", NULL, NULL,
	 "Organ odwoławczy w dopełniaczu", "Nazwa po słowie „do”, np. Samorządowego Kolegium Odwoławczego w Warszawie."},
	{"org.appeal_body_address", T, CASE, false, false, "address of the appeal body",
	 "ul. Przykładowa 10, 00-950 Warszawa", NULL, NULL,
	 "Adres organu odwoławczego", NULL},
	{"org.court", T, CASE, false, false,
	 "the competent administrative court, nominative (the organisation's setting `court`)",
	 "Wojewódzki Sąd Administracyjny w Warszawie", NULL, NULL,
	 "Sąd administracyjny", "Nazwa w mianowniku, np. Wojewódzki Sąd Administracyjny w Warszawie. Na stałe ustawia ją administrator w ustawieniach urzędu."},
	{"org.court_gen", T, CASE, false, false,
	 "the competent administrative court, genitive, after „do”; derived from `org.court` "
	 "by letter_genitive()", "Wojewódzkiego Sądu Administracyjnego w Warszawie", NULL, NULL,
	 "Sąd administracyjny w dopełniaczu", "Nazwa po słowie „do”, np. Wojewódzkiego Sądu Administracyjnego w Warszawie."},
	{"org.court_address", T, CASE, false, false, "address of the court",
	 "ul. Jasna 2/4, 00-013 Warszawa", NULL, NULL,
	 "Adres sądu administracyjnego", NULL},
	{"letter.title", T, CASE, true, true,
	 "title of the document (HTML title, PDF metadata); default: its first heading",
	 NULL, NULL, NULL,
	 "Tytuł pisma", NULL},
	{"letter.date", D, CASE, true, false, "date of the letter (date line; PDF creation date)",
	 "2026-11-26", NULL, NULL,
	 "Data pisma", NULL},
	{"signer.name", T, CASE, true, false, "name of the person who signs", "Agnieszka Glapiak",
	 NULL, NULL,
	 "Imię i nazwisko podpisującego", NULL},
	{"signer.position", T, CASE, true, false, "position of the signer",
	 "Dyrektor Centrum Operacyjnego MON", NULL, NULL,
	 "Stanowisko podpisującego", NULL},
	{"signer.authorisation", T, CASE, true, true,
	 "line above the signature for a signer acting on authority", "z upoważnienia Ministra "
	 "Obrony Narodowej", NULL, NULL,
	 "Upoważnienie podpisującego", NULL},
	{"remedy", T, CASE, false, false,
	 "the remedy policy of the case's unit, else of the organisation: `appeal` or "
	 "`reconsideration`; `court_complaint` for a body that is not an organ of public "
	 "authority (UDIP art. 17)", "reconsideration",
	 NULL, NULL,
	 "Środek zaskarżenia", NULL},
	{"pleading", T, CASE, false, false,
	 "the remedy the policy gives, genitive: „odwołania”, „wniosku o ponowne "
	 "rozpatrzenie sprawy” or „skargi”", "wniosku o ponowne rozpatrzenie sprawy", NULL, NULL,
	 "Nazwa środka zaskarżenia w dopełniaczu", NULL},

	/* The clerk's input to the action that produces the letter. */
	{"clarification", B, INPUT, false, false, "clarification_call: what is to be clarified",
	 "Proszę wskazać, czy wniosek dotyczy wyłącznie umów zawartych przez Agencję Uzbrojenia, "
	 "czy także umów zawartych przez jednostki wojskowe.\n\nProszę również określić okres, "
	 "którego mają dotyczyć dane o źródłach finansowania.", NULL, NULL,
	 "Czego dotyczy wezwanie do doprecyzowania", "Co wnioskodawca ma doprecyzować; akapity oddziel pustym wierszem."},
	{"window_days", N, INPUT, false, false, "days given to reply to a call", "7", NULL, NULL,
	 "Termin na odpowiedź w dniach", NULL},
	{"reasons", B, INPUT, false, false,
	 "reasons of a letter (delay, not public information, not held, other statute, …)",
	 "Żądane umowy dotyczą czternastu postępowań prowadzonych przez różne jednostki "
	 "organizacyjne resortu. Zebranie dokumentów oraz ich analiza pod kątem ochrony "
	 "informacji niejawnych i tajemnicy przedsiębiorcy wymagają więcej czasu niż 14 dni.",
	 NULL, NULL,
	 "Uzasadnienie pisma", "Powody, które pismo podaje (np. przyczyny opóźnienia albo dlaczego żądana treść nie jest informacją publiczną); akapity oddziel pustym wierszem."},
	{"new_due", D, INPUT, false, false, "extension_notice: the new due date (≤ 2 months)",
	 "2027-01-11", NULL, NULL,
	 "Nowy termin załatwienia wniosku", "Data w formacie RRRR-MM-DD, najpóźniej 2 miesiące od otrzymania wniosku."},
	{"fee.amount", T, INPUT, false, false, "fee_notice: amount of the fee", "48,60 zł", NULL,
	 NULL,
	 "Wysokość opłaty", "Kwota w złotych, np. 48,60 zł."},
	{"fee.calculation", B, INPUT, false, false, "fee_notice: how the amount was computed",
	 "Skanowanie 162 stron dokumentów przechowywanych wyłącznie w postaci papierowej: "
	 "162 × 0,30 zł = 48,60 zł.", NULL, NULL,
	 "Sposób obliczenia opłaty", "Z czego wynika kwota: dodatkowe koszty przygotowania informacji w żądanej formie (art. 15 ust. 1 UDIP)."},
	{"fee.account", T, INPUT, false, false, "fee_notice: bank account for the payment",
	 "12 1010 1010 0000 0000 0000 0000", NULL, NULL,
	 "Numer rachunku do wpłaty opłaty", "Numer rachunku bankowego urzędu (26 cyfr)."},
	{"possible_form", T, INPUT, false, false,
	 "form_notice: the manner or form in which the information can be provided",
	 "wgląd w dokumenty w siedzibie Ministerstwa albo kopie papierowe przesłane pocztą", NULL,
	 NULL,
	 "Forma, w jakiej można udostępnić informację", "Np. wgląd w dokumenty w siedzibie urzędu albo kopie papierowe przesłane pocztą."},
	{"answer", B, INPUT, false, false, "information_release, reuse_transfer: the information",
	 "W 2026 r. zawarto dwie umowy na dostawę łóżek polowych: umowę nr 17/DI/2026 z dnia "
	 "3 marca 2026 r. na kwotę 1 245 000,00 zł brutto oraz umowę nr 29/DI/2026 z dnia "
	 "14 kwietnia 2026 r. na kwotę 312 480,00 zł brutto.\n\nŹródłem finansowania obu umów "
	 "były środki budżetu państwa w części 29 – Obrona narodowa.", NULL, NULL,
	 "Udostępniana informacja", "Treść odpowiedzi; akapity oddziel pustym wierszem."},
	{"attachments", L, INPUT, false, false, "list of enclosures",
	 "kopia umowy nr 17/DI/2026 (PDF, 24 strony)\nkopia umowy nr 29/DI/2026 (PDF, 18 stron)",
	 NULL, NULL,
	 "Załączniki", "Po jednym w wierszu. Pliki załączone do pisma poniżej są wpisywane na tę listę same."},
	{"refusal.scope", T, INPUT, false, false,
	 "refusals: what is refused, as a phrase after „w zakresie:”",
	 "cen jednostkowych i kalkulacji kosztów zawartych w załączniku nr 3 do umowy "
	 "nr 17/DI/2026", NULL, NULL,
	 "Zakres odmowy", "Czego dotyczy odmowa, jako dalszy ciąg zdania „w zakresie: …”, np. cen jednostkowych z załącznika nr 3 do umowy."},
	{"refusal.basis", T, INPUT, false, false,
	 "refusals: the provisions limiting access, after „w związku z”",
	 "art. 5 ust. 2 ustawy o dostępie do informacji publicznej oraz art. 11 ust. 2 ustawy "
	 "z dnia 16 kwietnia 1993 r. o zwalczaniu nieuczciwej konkurencji", NULL, NULL,
	 "Podstawa prawna odmowy", "Przepisy ograniczające dostęp, po słowach „w związku z”, np. art. 5 ust. 2 ustawy o dostępie do informacji publicznej."},
	{"refusal.names_parties", F, INPUT, false, false,
	 "refusals: the basis is privacy or a business secret (UDIP art. 5 ust. 2), so the "
	 "reasons name those who took a position and whose interests grounded the refusal "
	 "(art. 16 ust. 2 pkt 2); false for any other basis", "true", NULL, NULL,
	 "Odmowa ze względu na prywatność lub tajemnicę przedsiębiorcy", NULL},
	{"discontinuance.basis", T, INPUT, false, false,
	 "discontinuance_decision: the provision, after „w związku z”", "art. 14 ust. 2 tej ustawy",
	 NULL, NULL,
	 "Podstawa prawna umorzenia", "Przepis po słowach „w związku z”, np. art. 14 ust. 2 tej ustawy."},
	{"facts", B, INPUT, false, false, "decisions: statement of reasons, facts (KPA art. 107 § 3)",
	 "Wnioskiem z dnia 12 listopada 2026 r. strona zwróciła się o udostępnienie kopii umów na "
	 "dostawę łóżek polowych zawartych w 2026 r.\n\nZałącznik nr 3 do umowy nr 17/DI/2026 "
	 "zawiera ceny jednostkowe oraz kalkulację kosztów, które wykonawca zastrzegł jako "
	 "tajemnicę przedsiębiorstwa, wskazując podjęte działania w celu utrzymania ich "
	 "poufności.", NULL, NULL,
	 "Uzasadnienie faktyczne", "Fakty, które organ uznał za udowodnione, i dowody, na których się oparł (art. 107 § 3 KPA); akapity oddziel pustym wierszem."},
	{"legal_grounds", B, INPUT, false, false, "decisions: statement of reasons, law",
	 "Zgodnie z art. 5 ust. 2 ustawy o dostępie do informacji publicznej prawo do informacji "
	 "publicznej podlega ograniczeniu ze względu na tajemnicę przedsiębiorcy. Informacje "
	 "zawarte w załączniku nr 3 mają wartość gospodarczą, nie zostały ujawnione do "
	 "wiadomości publicznej, a wykonawca podjął działania w celu utrzymania ich poufności.",
	 NULL, NULL,
	 "Uzasadnienie prawne", "Wyjaśnienie podstawy prawnej decyzji z przytoczeniem przepisów (art. 107 § 3 KPA); akapity oddziel pustym wierszem."},
	{"persons", L, INPUT, false, false,
	 "refusals: names and functions of those who took a position (UDIP art. 16 ust. 2 pkt 2)",
	 "Jan Nowak – główny specjalista w Departamencie Infrastruktury MON (stanowisko z dnia "
	 "18 listopada 2026 r.)\nAnna Wiśniewska – prezes zarządu Przedsiębiorstwa Produkcyjnego "
	 "„Polar” sp. z o.o. (stanowisko z dnia 20 listopada 2026 r.)", NULL, NULL,
	 "Osoby, które zajęły stanowisko", "Imię, nazwisko i funkcja, po jednej osobie w wierszu (art. 16 ust. 2 pkt 2 UDIP)."},
	{"protected_parties", L, INPUT, false, false,
	 "refusals: whose interests grounded the refusal (UDIP art. 16 ust. 2 pkt 2)",
	 "Przedsiębiorstwo Produkcyjne „Polar” sp. z o.o. z siedzibą w Bydgoszczy – wykonawca "
	 "umowy nr 17/DI/2026", NULL, NULL,
	 "Podmioty, których interes uzasadnia odmowę", "Po jednym w wierszu (art. 16 ust. 2 pkt 2 UDIP)."},
	{"completion.missing", L, INPUT, false, false,
	 "completion_call: the missing elements of the request (UOD art. 39 ust. 3)",
	 "wskazanie celu ponownego wykorzystywania wraz z określeniem rodzaju działalności "
	 "(art. 39 ust. 3 pkt 4)\nwskazanie formatu danych (art. 39 ust. 3 pkt 5)", NULL, NULL,
	 "Braki wniosku do uzupełnienia", "Po jednym w wierszu, z przepisem art. 39 ust. 3 UOD, którego dotyczą."},
	{"call_date", D, INPUT, false, false, "unprocessed_letter: date of the call to clarify",
	 "2026-11-16", NULL, NULL,
	 "Data wezwania do doprecyzowania", "Data w formacie RRRR-MM-DD."},
	{"identity_call.date", D, INPUT, false, false,
	 "identity_unprocessed_letter: date of the call for the name and address", "2026-11-16",
	 NULL, NULL,
	 "Data wezwania do podania imienia, nazwiska i adresu", "Data w formacie RRRR-MM-DD."},
	{"signature_call.date", D, INPUT, false, false,
	 "pleading_unprocessed_letter: date of the call to sign the pleading", "2026-11-16", NULL,
	 NULL,
	 "Data wezwania do usunięcia braku podpisu", "Data w formacie RRRR-MM-DD."},
	{"bip_address", T, INPUT, false, false, "published_letter: address of the page in BIP",
	 "https://bip.mon.example/umowy/2026/lozka_polowe", NULL, NULL,
	 "Adres strony w BIP", "Pełny adres strony, na której opublikowano informację (https://…)."},
	{"other_statute", T, INPUT, false, false, "other_statute_letter: the statute that governs",
	 "ustawa z dnia 14 lipca 1983 r. o narodowym zasobie archiwalnym i archiwach", NULL,
	 NULL,
	 "Ustawa określająca odrębny tryb dostępu", "Tytuł ustawy, np. ustawa z dnia 14 lipca 1983 r. o narodowym zasobie archiwalnym i archiwach."},
	{"offer.date", D, INPUT, false, false, "conditions_decision: date of the offer",
	 "2026-11-20", NULL, NULL,
	 "Data oferty", "Data w formacie RRRR-MM-DD."},
	{"offer.conditions", B, INPUT, false, false, "reuse_offer, conditions_decision: conditions",
	 "Informacje mogą być ponownie wykorzystywane pod warunkiem poinformowania o źródle, "
	 "czasie wytworzenia i pozyskania informacji.\n\nUżytkownik nie może przedstawiać "
	 "informacji w sposób sugerujący, że organ popiera sposób ich wykorzystania.", NULL, NULL,
	 "Warunki ponownego wykorzystywania", "Akapity oddziel pustym wierszem."},
	{"offer.fee", T, INPUT, false, false, "reuse_offer, conditions_decision: the fee",
	 "120,00 zł – koszt przygotowania danych w formacie CSV", NULL, NULL,
	 "Opłata za ponowne wykorzystywanie", "Kwota i z czego wynika, np. 120,00 zł – koszt przygotowania danych."},
	{"objection.date", D, INPUT, false, false, "conditions_decision: date of the objection",
	 "2026-11-24", NULL, NULL,
	 "Data sprzeciwu", "Data w formacie RRRR-MM-DD."},
	{"decision.date", D, INPUT, false, false,
	 "appeal_forwarding, reconsideration_decision: date of the decision challenged",
	 "2026-10-29", NULL, NULL,
	 "Data zaskarżonej decyzji", "Data w formacie RRRR-MM-DD."},
	{"appeal.date", D, INPUT, false, false,
	 "date of the appeal or of the request for reconsideration", "2026-11-09", NULL, NULL,
	 "Data odwołania albo wniosku o ponowne rozpatrzenie", "Data w formacie RRRR-MM-DD."},
	{"appeal.received_on", D, INPUT, false, false, "date the body received it", "2026-11-12",
	 NULL, NULL,
	 "Data otrzymania odwołania", "Data w formacie RRRR-MM-DD."},
	/* Issue 20 item 9: an appeal after its term or after a waiver is sent
	 * on all the same (KPA art. 134), with the request to restore the term
	 * when there is one (art. 58, art. 59 §2). */
	{"appeal.late", F, INPUT, false, false,
	 "appeal_forwarding: the appeal came after its term (its step's warning `requester_late`): "
	 "the paragraph on art. 134", "false", NULL, NULL,
	 "Odwołanie wniesione po terminie", NULL},
	{"appeal.window_due", D, INPUT, false, false,
	 "appeal_forwarding: the last day of the term for the appeal", "2026-11-12", NULL, NULL,
	 "Ostatni dzień terminu na odwołanie", "Data w formacie RRRR-MM-DD."},
	{"appeal.restore_request", F, INPUT, false, false,
	 "appeal_forwarding: the requester asked to restore the term (KPA art. 58 §1–2), for the "
	 "appeal body (art. 59 §2)", "false", NULL, NULL,
	 "Prośba o przywrócenie terminu", NULL},
	{"appeal.waived", F, INPUT, false, false,
	 "appeal_forwarding: the appeal came after the requester waived it (KPA art. 127a §2)",
	 "false", NULL, NULL,
	 "Odwołanie po zrzeczeniu się prawa do jego wniesienia", NULL},
	{"appeal.waived_on", D, INPUT, false, false,
	 "appeal_forwarding: the day the waiver reached the body", "2026-11-05", NULL, NULL,
	 "Data doręczenia oświadczenia o zrzeczeniu się", "Data w formacie RRRR-MM-DD."},
	{"ponaglenie.date", D, INPUT, false, false,
	 "ponaglenie_forwarding, ponaglenie_order: date of the ponaglenie (KPA art. 37)",
	 "2026-12-01", NULL, NULL,
	 "Data ponaglenia", "Data w formacie RRRR-MM-DD."},
	{"ponaglenie.received_on", D, INPUT, false, false,
	 "ponaglenie_forwarding, ponaglenie_order: date the body received it", "2026-12-02",
	 NULL, NULL,
	 "Data otrzymania ponaglenia", "Data w formacie RRRR-MM-DD."},
	{"position", B, INPUT, false, false,
	 "appeal_forwarding, court_answer, ponaglenie_forwarding: the body's position",
	 "Organ podtrzymuje stanowisko wyrażone w zaskarżonej decyzji. Ceny jednostkowe "
	 "i kalkulacja kosztów zostały skutecznie zastrzeżone przez wykonawcę jako tajemnica "
	 "przedsiębiorstwa, a ich ujawnienie naraziłoby go na szkodę.", NULL, NULL,
	 "Stanowisko organu", "Ustosunkowanie się organu do zarzutów; akapity oddziel pustym wierszem."},
	{"ruling", B, INPUT, false, false,
	 "reconsideration_decision: the ruling after „orzekam:”; ponaglenie_order: after "
	 "„postanawiam:”",
	 "utrzymać w mocy zaskarżoną decyzję.", NULL, NULL,
	 "Rozstrzygnięcie", "Dalszy ciąg po „orzekam:” albo „postanawiam:”, np. utrzymać w mocy zaskarżoną decyzję."},
	{"complaint.date", D, INPUT, false, false, "court_answer: date of the complaint",
	 "2026-11-16", NULL, NULL,
	 "Data skargi", "Data w formacie RRRR-MM-DD."},
	{"complaint.received_on", D, INPUT, false, false, "court_answer: date it was received",
	 "2026-11-18", NULL, NULL,
	 "Data otrzymania skargi", "Data w formacie RRRR-MM-DD."},
	{"complaint.subject", T, INPUT, false, false,
	 "court_answer: what the complaint is against, after „skargę na”",
	 "bezczynność Ministra Obrony Narodowej w przedmiocie rozpatrzenia wniosku o "
	 "udostępnienie informacji publicznej", NULL, NULL,
	 "Przedmiot skargi", "Dalszy ciąg po „skargę na”, np. bezczynność organu w przedmiocie rozpatrzenia wniosku."},
	{"motion", T, INPUT, false, false, "court_answer: the body's motion, after „wnosi o”",
	 "oddalenie skargi w całości", NULL, NULL,
	 "Wniosek organu do sądu", "Dalszy ciąg po „wnosi o”, np. oddalenie skargi w całości."},

	/* Set by the engine. */
	{"udip", T, CONST, false, false, "citation of UDIP, " CITED, NULL, NULL, UDIP, NULL, NULL},
	{"uod", T, CONST, false, false, "citation of UOD, " CITED, NULL, NULL, UOD, NULL, NULL},
	{"kpa", T, CONST, false, false, "citation of KPA, " CITED, NULL, NULL, KPA, NULL, NULL},
	{"ppsa", T, CONST, false, false, "citation of PPSA, " CITED, NULL, NULL, PPSA, NULL, NULL},
	/* Issue 20 item 10: the letters instruct about complaints against
	 * decisions only; a complaint on inaction costs 100 zł (said on the
	 * procedure page, templates/pages/register_procedure.html). */
	{"court_fee", T, CONST, false, false,
	 "fixed court fee (wpis stały) for a complaint against a decision", NULL, NULL, "200 zł", NULL, NULL},
	{"remedy_instruction", B, COMPUTED, false, false,
	 "instruction on remedies: `_remedy_<remedy>.md` with the same variables", NULL, NULL,
	 NULL, NULL, NULL},
};
/* clang-format on */
const size_t letter_var_count = sizeof letter_vars / sizeof letter_vars[0];

const letter_var_t *letter_var_find(const char *name, size_t len)
{
	for (size_t i = 0; i < letter_var_count; i++)
		if (strlen(letter_vars[i].name) == len &&
		    memcmp(letter_vars[i].name, name, len) == 0)
			return &letter_vars[i];
	return NULL;
}

json_t *letter_lookup(json_t *vars, const char *path)
{
	json_t *v = vars;
	const char *p = path;
	while (v && json_is_object(v)) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		v = json_object_getn(v, p, n);
		if (!dot)
			return v;
		p = dot + 1;
	}
	return NULL;
}

/* ---- The sample case --------------------------------------------------- */

/* Sets `value` at dotted `path`, creating the objects on the way. */
static void set_path(json_t *root, const char *path, json_t *value)
{
	json_t *obj = root;
	const char *p = path;
	const char *dot;
	while ((dot = strchr(p, '.'))) {
		json_t *next = json_object_getn(obj, p, (size_t)(dot - p));
		if (!json_is_object(next)) {
			next = json_object();
			json_object_setn_new(obj, p, (size_t)(dot - p), next);
		}
		obj = next;
		p = dot + 1;
	}
	json_object_set_new(obj, p, value);
}

static json_t *example_value(const letter_var_t *v, const char *text)
{
	if (v->type == LETTER_VAR_NUMBER)
		return json_integer(strtol(text, NULL, 10));
	if (v->type == LETTER_VAR_FLAG)
		return json_boolean(strcmp(text, "true") == 0);
	if (v->type != LETTER_VAR_LIST)
		return json_string(text);
	json_t *arr = json_array();
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		json_array_append_new(arr, json_stringn(p, n));
		p += n + (nl ? 1 : 0);
	}
	return arr;
}

/* The names of the bodies letters send an appeal or a complaint to, by
 * their nominative head; what follows the head ("w Warszawie", "Obrony
 * Narodowej") is already in the case it keeps. Longest heads first. */
static const struct {
	const char *nom, *gen;
} genitives[] = {
    {"Wojewódzki Sąd Administracyjny", "Wojewódzkiego Sądu Administracyjnego"},
    {"Naczelny Sąd Administracyjny", "Naczelnego Sądu Administracyjnego"},
    {"Samorządowe Kolegium Odwoławcze", "Samorządowego Kolegium Odwoławczego"},
    {"Wojewódzki Inspektor", "Wojewódzkiego Inspektora"},
    {"Główny Inspektor", "Głównego Inspektora"},
    {"Marszałek Województwa", "Marszałka Województwa"},
    {"Prezes Rady Ministrów", "Prezesa Rady Ministrów"},
    {"Minister", "Ministra"},
    {"Wojewoda", "Wojewody"},
    {"Starosta", "Starosty"},
    {"Prezes", "Prezesa"},
    {"Komendant", "Komendanta"},
    {"Dyrektor", "Dyrektora"},
};

static bool known_head(const char *nominative, strbuf_t *out)
{
	for (size_t i = 0; nominative && i < sizeof genitives / sizeof genitives[0]; i++) {
		size_t n = strlen(genitives[i].nom);
		if (strncmp(nominative, genitives[i].nom, n) != 0 ||
		    (nominative[n] != '\0' && nominative[n] != ' '))
			continue;
		sb_puts(out, genitives[i].gen);
		/* One regional adjective after the head ("Wojewoda Mazowiecki")
		 * agrees with it: -ski/-cki/-zki + ego. Anything else that follows
		 * ("Cyfryzacji", "w Warszawie") keeps its case. */
		const char *tail = nominative + n;
		size_t t = strlen(tail);
		bool adjective = t > 4 && tail[0] == ' ' && !strchr(tail + 1, ' ') &&
		                 (!strcmp(tail + t - 3, "ski") || !strcmp(tail + t - 3, "cki") ||
		                  !strcmp(tail + t - 3, "zki"));
		sb_puts(out, tail);
		if (adjective)
			sb_puts(out, "ego");
		return true;
	}
	return false;
}

bool letter_genitive(const char *nominative, strbuf_t *out)
{
	if (!nominative)
		return false;
	if (known_head(nominative, out))
		return true;
	/* A regional adjective before a masculine head ("Mazowiecki Wojewódzki
	 * Inspektor", "Podlaski Komendant"): -i + ego, -y → -ego. The
	 * neuter head (Kolegium) never takes one. */
	const char *sp = strchr(nominative, ' ');
	if (!sp || sp == nominative || (sp[-1] != 'i' && sp[-1] != 'y') ||
	    !strncmp(sp + 1, "Samorządowe", strlen("Samorządowe")))
		return false;
	strbuf_t rest;
	sb_init(&rest, out->arena);
	bool known = known_head(sp + 1, &rest);
	if (known) {
		size_t n = (size_t)(sp - nominative) - (sp[-1] == 'y');
		sb_printf(out, "%.*sego %s", (int)n, nominative, rest.data);
	}
	if (!out->arena)
		sb_free(&rest);
	return known;
}

const char *letter_pleading(const char *remedy)
{
	if (remedy && !strcmp(remedy, "court_complaint"))
		return "skargi";
	return remedy && !strcmp(remedy, "appeal") ? "odwołania"
						   : "wniosku o ponowne rozpatrzenie sprawy";
}

json_t *letter_sample_vars(const char *kind, const char *remedy)
{
	bool reuse;
	if (!kind || strcmp(kind, "public_information") == 0)
		reuse = false;
	else if (strcmp(kind, "reuse") == 0)
		reuse = true;
	else
		return NULL;
	if (remedy && strcmp(remedy, "appeal") != 0 && strcmp(remedy, "reconsideration") != 0 &&
	    strcmp(remedy, "court_complaint") != 0)
		return NULL;
	json_t *vars = json_object();
	for (size_t i = 0; i < letter_var_count; i++) {
		const letter_var_t *v = &letter_vars[i];
		const char *ex = reuse && v->example_reuse ? v->example_reuse : v->example;
		if (ex && (v->source == LETTER_SRC_CASE || v->source == LETTER_SRC_INPUT))
			set_path(vars, v->name, example_value(v, ex));
	}
	if (remedy) {
		set_path(vars, "remedy", json_string(remedy));
		set_path(vars, "pleading", json_string(letter_pleading(remedy)));
		/* The remedy of a body that is not an organ of public authority. */
		if (!strcmp(remedy, "court_complaint"))
			set_path(vars, "org.public_authority", json_false());
	}
	return vars;
}

/* Where one sample case cannot read well for every letter (a decision
 * challenged on appeal is older than the letter forwarding the appeal), the
 * type's own values. */
/* clang-format off */
static const struct {
	const char *type, *name, *value;
} sample_overrides[] = {
	{"interest_call", "reasons",
	 "zestawienia danych z czternastu postępowań prowadzonych przez różne jednostki "
	 "organizacyjne resortu, ich analizy oraz ujednolicenia. Wynik tych czynności nie "
	 "istnieje obecnie w żadnym dokumencie."},
	{"form_notice", "reasons",
	 "Umowy zostały sporządzone wyłącznie w postaci papierowej i obejmują łącznie ponad "
	 "600 stron wraz z dokumentacją techniczną w formacie A1, której organ nie może "
	 "przekształcić do postaci elektronicznej bez specjalistycznego sprzętu."},
	{"discontinuance_decision", "letter.date", "2026-12-10"},
	{"discontinuance_decision", "facts",
	 "Wnioskiem z dnia 12 listopada 2026 r. strona zwróciła się o udostępnienie kopii umów "
	 "na dostawę łóżek polowych w postaci plików PDF przesłanych na adres e-mail.\n\n"
	 "Pismem z dnia 16 listopada 2026 r., doręczonym w dniu 18 listopada 2026 r., organ "
	 "powiadomił stronę o braku możliwości udostępnienia informacji w tej formie i wskazał, "
	 "że informacja może zostać udostępniona w drodze wglądu w dokumenty w siedzibie "
	 "Ministerstwa albo przez przesłanie kopii papierowych pocztą. W terminie 14 dni od dnia "
	 "powiadomienia strona nie złożyła wniosku o udostępnienie informacji w sposób lub "
	 "w formie wskazanych w powiadomieniu."},
	{"discontinuance_decision", "legal_grounds",
	 "Zgodnie z art. 14 ust. 2 ustawy o dostępie do informacji publicznej, jeżeli w terminie "
	 "14 dni od powiadomienia wnioskodawca nie złoży wniosku o udostępnienie informacji "
	 "w sposób lub w formie wskazanych w powiadomieniu, postępowanie o udostępnienie "
	 "informacji umarza się. Umorzenie następuje w drodze decyzji (art. 16 ust. 1 tej "
	 "ustawy), a postępowanie stało się bezprzedmiotowe w rozumieniu art. 105 § 1 Kodeksu "
	 "postępowania administracyjnego."},
	{"not_public_information_letter", "reasons",
	 "Wniosek dotyczy prywatnych opinii żołnierzy uczestniczących w ćwiczeniach o "
	 "przydatności łóżek polowych, wyrażanych w mediach społecznościowych. Opinie te nie "
	 "dotyczą działalności organów władzy publicznej ani gospodarowania mieniem publicznym "
	 "i nie zostały wytworzone ani wykorzystane przez organ w związku z jego zadaniami."},
	{"not_held_letter", "reasons",
	 "Umowy na dostawę łóżek polowych zawiera i przechowuje Agencja Uzbrojenia, która jest "
	 "odrębnym podmiotem obowiązanym do udostępniania informacji publicznej. Wniosek może "
	 "zostać skierowany bezpośrednio do Agencji Uzbrojenia."},
	{"other_statute_letter", "reasons",
	 "Żądane dokumenty zostały przekazane do Wojskowego Biura Historycznego jako materiały "
	 "archiwalne; ich udostępnianie odbywa się na zasadach określonych w ustawie o narodowym "
	 "zasobie archiwalnym i archiwach."},
	{"unprocessed_letter", "reasons",
	 "Pismem z dnia 16 listopada 2026 r., doręczonym w dniu 17 listopada 2026 r., wezwano do "
	 "uzupełnienia wniosku o wskazanie celu ponownego wykorzystywania oraz formatu danych "
	 "w terminie 7 dni od dnia doręczenia wezwania. Wniosek nie został uzupełniony w tym "
	 "terminie."},
	{"reuse_transfer", "answer",
	 "Przekazuję zestawienie umów na dostawę łóżek polowych zawartych w 2026 r. w formacie CSV "
	 "(kodowanie UTF-8, separator: średnik), obejmujące numer i datę umowy, wykonawcę, "
	 "wartość brutto oraz źródło finansowania."},
	{"reuse_transfer", "attachments", "umowy_lozka_polowe_2026.csv (2 wiersze danych)"},
	{"conditions_decision", "facts",
	 "Wnioskiem z dnia 12 listopada 2026 r. strona zwróciła się o ponowne wykorzystywanie "
	 "danych o umowach na dostawę łóżek polowych w celu niekomercyjnym. Pismem z dnia "
	 "20 listopada 2026 r. organ przedstawił ofertę określającą warunki ponownego "
	 "wykorzystywania i opłatę. W dniu 24 listopada 2026 r. strona złożyła sprzeciw, "
	 "kwestionując wysokość opłaty."},
	{"conditions_decision", "legal_grounds",
	 "Zgodnie z art. 41 ust. 3 ustawy o otwartych danych i ponownym wykorzystywaniu "
	 "informacji sektora publicznego po złożeniu sprzeciwu warunki ponownego wykorzystywania "
	 "lub wysokość opłat określa się w drodze decyzji. Opłata odpowiada kosztom przygotowania "
	 "danych w formacie CSV, w tym pracy pracownika przez 4 godziny, i nie przekracza kosztów "
	 "poniesionych przez organ."},
	{"appeal_forwarding", "letter.date", "2026-11-18"},
	{"appeal_forwarding", "case.received_on", "2026-10-15"},
	{"appeal_forwarding", "attachments",
	 "odwołanie z dnia 9 listopada 2026 r.\nakta sprawy (32 karty)"},
	{"reconsideration_decision", "case.received_on", "2026-10-15"},
	{"reconsideration_decision", "facts",
	 "Decyzją z dnia 29 października 2026 r. organ odmówił udostępnienia informacji publicznej "
	 "w zakresie cen jednostkowych i kalkulacji kosztów zawartych w załączniku nr 3 do umowy "
	 "nr 17/DI/2026 ze względu na tajemnicę przedsiębiorcy.\n\nWnioskiem z dnia 9 listopada "
	 "2026 r. strona zwróciła się o ponowne rozpatrzenie sprawy, podnosząc, że wykonawca nie "
	 "wykazał wartości gospodarczej zastrzeżonych informacji."},
	{"reconsideration_decision", "legal_grounds",
	 "Po ponownym rozpatrzeniu sprawy organ podziela ustalenia zaskarżonej decyzji. Wykonawca "
	 "wykazał, że ceny jednostkowe i kalkulacja kosztów mają wartość gospodarczą, nie zostały "
	 "ujawnione do wiadomości publicznej i są chronione przed ujawnieniem, a więc stanowią "
	 "tajemnicę przedsiębiorcy, o której mowa w art. 5 ust. 2 ustawy o dostępie do "
	 "informacji publicznej. Stanowisko w toku postępowania zajęły osoby wskazane "
	 "w uzasadnieniu decyzji z dnia 29 października 2026 r."},
	{"appeal_granted_decision", "case.received_on", "2026-10-15"},
	{"appeal_granted_decision", "legal_grounds",
	 "Po ponownej analizie organ podziela zarzut odwołania: wykonawca nie wykazał, że ceny "
	 "jednostkowe mają wartość gospodarczą ani że podjął działania w celu zachowania ich "
	 "poufności, nie stanowią więc tajemnicy przedsiębiorcy (art. 5 ust. 2 ustawy o dostępie "
	 "do informacji publicznej). Odwołanie zasługuje zatem w całości na uwzględnienie."},
	{"ponaglenie_forwarding", "letter.date", "2026-12-04"},
	{"ponaglenie_forwarding", "case.received_on", "2026-11-02"},
	{"ponaglenie_forwarding", "position",
	 "Termin załatwienia wniosku upłynął w dniu 16 listopada 2026 r. Opóźnienie wynikło z "
	 "konieczności uzyskania stanowiska wykonawcy umowy co do tajemnicy przedsiębiorstwa; "
	 "organ udostępni informację do dnia 11 grudnia 2026 r."},
	{"ponaglenie_forwarding", "attachments",
	 "ponaglenie z dnia 1 grudnia 2026 r.\nodpisy akt sprawy (12 kart)"},
	{"ponaglenie_order", "letter.date", "2026-12-08"},
	{"ponaglenie_order", "case.received_on", "2026-11-02"},
	{"ponaglenie_order", "ruling",
	 "1. stwierdzić, że organ dopuścił się bezczynności, która nie miała miejsca z rażącym "
	 "naruszeniem prawa;\n2. załatwić sprawę w terminie 7 dni od dnia doręczenia "
	 "postanowienia."},
	{"ponaglenie_order", "facts",
	 "Wnioskiem z dnia 2 listopada 2026 r. strona zwróciła się o udostępnienie informacji "
	 "publicznej. Termin załatwienia wniosku upłynął w dniu 16 listopada 2026 r., a "
	 "informacji nie udostępniono ani nie zawiadomiono strony o przedłużeniu terminu."},
	{"ponaglenie_order", "legal_grounds",
	 "Zgodnie z art. 13 ust. 1 ustawy o dostępie do informacji publicznej udostępnienie "
	 "informacji następuje bez zbędnej zwłoki, nie później niż w terminie 14 dni od dnia "
	 "złożenia wniosku. Organ nie ma organu wyższego stopnia, dlatego ponaglenie rozpatruje "
	 "sam (art. 37 § 3 pkt 2 Kodeksu postępowania administracyjnego)."},
	{"court_answer", "case.received_on", "2026-10-01"},
	{"court_answer", "position",
	 "Wniosek z dnia 1 października 2026 r. został rozpatrzony w terminie. Pismem z dnia "
	 "13 października 2026 r. organ zawiadomił wnioskodawcę na podstawie art. 13 ust. 2 "
	 "ustawy o dostępie do informacji publicznej o powodach opóźnienia i o nowym terminie "
	 "udostępnienia informacji – do dnia 30 listopada 2026 r. Termin ten nie upłynął w dniu "
	 "wniesienia skargi, organ nie pozostaje zatem w bezczynności."},
	{"court_answer", "attachments",
	 "skarga z dnia 16 listopada 2026 r. wraz z odpisem\nakta sprawy (18 kart)"},
};
/* clang-format on */

json_t *letter_sample_vars_for(const char *type, const char *kind, const char *remedy)
{
	const letter_type_t *t = letter_type(type);
	json_t *vars = t ? letter_sample_vars(kind, remedy) : NULL;
	if (!vars)
		return NULL;
	const char *name = NULL, *address = NULL;
	if (t->addressee == LAW_TO_APPEAL_BODY) {
		name = "org.appeal_body";
		address = "org.appeal_body_address";
	} else if (t->addressee == LAW_TO_COURT) {
		name = "org.court";
		address = "org.court_address";
	}
	bool no_kpa = remedy && !strcmp(remedy, "court_complaint") &&
	              (!kind || !strcmp(kind, "public_information"));
	set_path(vars, "letter.title",
	         json_string(law_document_title((law_document_t)(t - law_documents), no_kpa)));
	for (size_t i = 0; i < sizeof sample_overrides / sizeof sample_overrides[0]; i++) {
		if (strcmp(sample_overrides[i].type, t->id) != 0)
			continue;
		const letter_var_t *v =
		    letter_var_find(sample_overrides[i].name, strlen(sample_overrides[i].name));
		if (v)
			set_path(vars, v->name, example_value(v, sample_overrides[i].value));
	}
	if (name) {
		set_path(vars, "addressee.name", json_deep_copy(letter_lookup(vars, name)));
		set_path(vars, "addressee.address", json_deep_copy(letter_lookup(vars, address)));
	}
	return vars;
}

/* ---- docs/letters.md --------------------------------------------------- */

/* A table cell: '|' escaped, newlines as " / ". */
static void cell(strbuf_t *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			sb_puts(out, "\\|");
		else if (*s == '\n')
			sb_puts(out, " / ");
		else
			sb_putc(out, *s);
	}
}

static const char *const type_names[] = {
    [LETTER_VAR_TEXT] = "text", [LETTER_VAR_BLOCK] = "paragraphs", [LETTER_VAR_LIST] = "list",
    [LETTER_VAR_DATE] = "date", [LETTER_VAR_NUMBER] = "number",
    [LETTER_VAR_FLAG] = "flag",
};
static const char *const source_names[] = {
    [LETTER_SRC_CASE] = "case",
    [LETTER_SRC_INPUT] = "action input",
    [LETTER_SRC_CONSTANT] = "engine (constant)",
    [LETTER_SRC_COMPUTED] = "engine (computed)",
};

static const char docs_intro[] =
    "# Letters and decisions\n\n"
    "Generated by `bin/jawnosc letter docs` from the table of documents in\n"
    "`server/law/lifecycle.c` (the types) and the table in `server/render/letter_vars.c`\n"
    "(the variables); do not edit by hand (`make docs`).\n\n"
    "Each letter type has a Markdown template `templates/letters/<id>.md` (and, where the\n"
    "re-use text differs, `<id>.reuse.md`, used when `case.kind` is `reuse`). The templates\n"
    "know these tags: `{{name}}` (a variable from the table below), `{{! comment}}`, and\n"
    "`{{#flag}}` … `{{/flag}}` (or `{{^flag}}` … `{{/flag}}`) around whole lines kept only\n"
    "when a variable of type flag is true (false); the variables of a section not kept are\n"
    "not needed.\n"
    "Values are escaped for Markdown before they are substituted, so a value can never\n"
    "open markup; a variable missing from the data is an error that names it and the\n"
    "template line. `{{remedy_instruction}}` is `_remedy_appeal.md`,\n"
    "`_remedy_reconsideration.md` or `_remedy_court_complaint.md` (a body that is not an\n"
    "organ of public authority, UDIP art. 17), chosen by the `remedy` variable.\n\n"
    "The Markdown body (`letter_markdown`) can be edited by a clerk before it is issued;\n"
    "`letter_html` and `letter_pdf` then put it in the letter's frame: letterhead, place\n"
    "and date, case number, addressee, body, signature. `bin/jawnosc letter sample TYPE`\n"
    "renders any template for the built-in sample case.\n\n"
    "A variable of the case or of the step that the data lacks is a gap of the draft\n"
    "(`render/letter_gaps.h`): the draft holds „[DO UZUPEŁNIENIA: <label>]” with the\n"
    "variable's Polish label (the column *label* below), and the letter's page shows each\n"
    "gap as a field of that name, with its hint, above the text; what the clerk types\n"
    "there takes the mark's place, escaped like any value. A draft holding a mark is not\n"
    "issued, and the refusal names the gaps. Issuing is confirmed on a page of its own\n"
    "that says the letter's number, that it cannot change afterwards and how it will be\n"
    "sent.\n\n";

void letter_docs_markdown(const letter_set_t *s, strbuf_t *out)
{
	sb_puts(out, docs_intro);
	sb_puts(out, "## Types\n\nThe last column lists the action inputs each template uses "
		     "besides the case's own variables.\n\n"
		     "| id | title | decision | kinds | addressed to | inputs |\n"
		     "|---|---|---|---|---|---|\n");
	static const char *const kinds[] = {"", "public information", "re-use", "both"};
	static const char *const to[] = {"requester", "appeal body", "court"};
	const letter_var_t **used = xcalloc(letter_var_count, sizeof *used);
	for (size_t i = 0; i < letter_type_count; i++) {
		const letter_type_t *t = &letter_types[i];
		sb_printf(out, "| `%s` | %s | %s | %s | %s |", t->id, t->title,
			  t->decision ? "yes" : "no", kinds[t->kinds & 3], to[t->addressee]);
		size_t n = letter_type_vars(s, t->id, used, letter_var_count);
		const char *sep = " ";
		for (size_t v = 0; v < n && v < letter_var_count; v++) {
			if (used[v]->source != LETTER_SRC_INPUT)
				continue;
			sb_printf(out, "%s`%s`", sep, used[v]->name);
			sep = ", ";
		}
		sb_puts(out, " |\n");
	}
	free(used);
	sb_puts(out, "\n## Variables\n\nDates are given as `YYYY-MM-DD` and printed as "
		     "„26 listopada 2026 r.”. A list is a JSON array of strings (or one string, "
		     "an item per line) and must stand alone on its template line. Variables "
		     "marked *frame* are used by the letter's frame (`letter_html`, `letter_pdf`); "
		     "*optional* ones may be absent there.\n\n"
		     "| variable | value | source | meaning | label (a gap's field) | example |\n"
		     "|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < letter_var_count; i++) {
		const letter_var_t *v = &letter_vars[i];
		sb_printf(out, "| `%s` | %s | %s%s%s | ", v->name, type_names[v->type],
			  source_names[v->source], v->frame ? ", frame" : "",
			  v->optional ? ", optional" : "");
		cell(out, v->meaning);
		sb_puts(out, " | ");
		cell(out, v->label);
		sb_puts(out, " | ");
		cell(out, v->value ? v->value : v->example);
		if (v->example_reuse) {
			sb_puts(out, " (re-use: ");
			cell(out, v->example_reuse);
			sb_puts(out, ")");
		}
		sb_puts(out, " |\n");
	}
}
