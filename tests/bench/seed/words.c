/* SPDX-License-Identifier: EUPL-1.2 */
#include "words.h"

#include <stdio.h>

#define WORDS(list) const struct words words_##list = {list, sizeof list / sizeof list[0]}

static const char *const places[] = {
    "Zielonka", "Baranów", "Lipnica", "Dębowa Kłoda", "Wólka", "Rudna", "Łomianki", "Kobyłka",
    "Izabelin", "Michałowice", "Jabłonna", "Nieporęt", "Raszyn", "Lesznowola", "Stare Babice",
    "Żabia Wola", "Grodzisk", "Brwinów", "Podkowa", "Milanówek", "Otrębusy", "Radziejowice",
    "Mszczonów", "Tarczyn", "Prażmów", "Góra Kalwaria", "Konstancin", "Piaseczno", "Józefów",
    "Otwock", "Karczew", "Celestynów", "Wiązowna", "Halinów", "Sulejówek", "Dębe Wielkie",
    "Mińsk", "Stanisławów", "Jakubów", "Kałuszyn", "Cegłów", "Latowicz", "Siennica", "Mrozy",
    "Dobre", "Strachówka", "Tłuszcz", "Klembów", "Radzymin", "Wołomin", "Zielonki", "Zabierzów",
    "Wieliczka", "Niepołomice", "Skawina", "Mogilany", "Świątniki", "Kocmyrzów", "Michałowice",
    "Zielona Góra", "Świdnica", "Żary", "Żagań", "Nowa Sól", "Sulechów", "Świebodzin", "Łęknica",
    "Gubin", "Krosno", "Bytom Odrzański", "Kożuchów", "Sława", "Szlichtyngowa", "Wschowa",
    "Głogów", "Polkowice", "Chocianów", "Lubin", "Ścinawa", "Wołów", "Oborniki", "Trzebnica",
    "Żmigród", "Milicz", "Sułów", "Krośnice", "Twardogóra", "Syców", "Międzybórz", "Oleśnica",
    "Bierutów", "Namysłów", "Wołczyn", "Kluczbork", "Byczyna", "Gorzów Śląski", "Olesno",
    "Dobrodzień", "Zawadzkie", "Kolonowskie", "Ozimek", "Turawa", "Łubniany", "Pokój", "Murów",
    "Lubsza", "Brzeg", "Skarbimierz", "Olszanka", "Grodków", "Łosiów", "Lewin Brzeski",
    "Niemodlin", "Tułowice", "Korfantów", "Biała", "Prudnik", "Głogówek", "Strzeleczki",
    "Krapkowice", "Gogolin", "Zdzieszowice", "Leśnica", "Ujazd", "Jemielnica", "Kędzierzyn",
};
WORDS(places);

static const char *const org_types[] = {"Urząd Gminy", "Urząd Miasta", "Urząd Miasta i Gminy"};
WORDS(org_types);

const struct unit_kind unit_kinds[UNIT_KINDS] = {
    {"OR", "Wydział Organizacyjny"},
    {"FN", "Wydział Finansowy"},
    {"GK", "Wydział Gospodarki Komunalnej"},
    {"IN", "Wydział Inwestycji"},
    {"OS", "Wydział Ochrony Środowiska"},
    {"AB", "Wydział Architektury i Budownictwa"},
    {"ED", "Wydział Edukacji"},
    {"SO", "Wydział Spraw Obywatelskich"},
};

static const char *const first_f[] = {"Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka",
                                      "Barbara", "Ewa", "Krystyna", "Elżbieta", "Magdalena",
                                      "Joanna", "Zofia", "Monika", "Natalia", "Aleksandra",
                                      "Dorota", "Beata", "Jadwiga", "Halina", "Łucja"};
static const char *const first_m[] = {"Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł",
                                      "Michał", "Marcin", "Marek", "Grzegorz", "Józef", "Łukasz",
                                      "Adam", "Zbigniew", "Jerzy", "Tadeusz", "Mateusz", "Dariusz",
                                      "Mariusz", "Wojciech"};
/* Surnames: masculine form, and the feminine where it differs. */
static const struct {
	const char *m, *f;
} surnames[] = {
    {"Nowak", "Nowak"},         {"Kowalski", "Kowalska"},   {"Wiśniewski", "Wiśniewska"},
    {"Wójcik", "Wójcik"},       {"Kowalczyk", "Kowalczyk"}, {"Kamiński", "Kamińska"},
    {"Lewandowski", "Lewandowska"}, {"Zieliński", "Zielińska"}, {"Szymański", "Szymańska"},
    {"Woźniak", "Woźniak"},     {"Dąbrowski", "Dąbrowska"}, {"Kozłowski", "Kozłowska"},
    {"Jankowski", "Jankowska"}, {"Mazur", "Mazur"},         {"Kwiatkowski", "Kwiatkowska"},
    {"Krawczyk", "Krawczyk"},   {"Piotrowski", "Piotrowska"}, {"Grabowski", "Grabowska"},
    {"Nowakowski", "Nowakowska"}, {"Pawłowski", "Pawłowska"}, {"Michalski", "Michalska"},
    {"Król", "Król"},           {"Wieczorek", "Wieczorek"}, {"Jabłoński", "Jabłońska"},
    {"Wróbel", "Wróbel"},       {"Majewski", "Majewska"},   {"Olszewski", "Olszewska"},
    {"Stępień", "Stępień"},     {"Malinowski", "Malinowska"}, {"Jaworski", "Jaworska"},
};

static const char *const requester_orgs[] = {
    "Fundacja Przejrzyste Państwo", "Stowarzyszenie Watchdog Lokalny", "Fundacja Dane Otwarte",
    "Redakcja Gazety Obywatelskiej", "Stowarzyszenie Jawne Finanse", "Portal Nasza Gmina",
    "Fundacja Analiz Publicznych", "Open Data Lab sp. z o.o.", "Kancelaria Radcy Prawnego",
    "Stowarzyszenie Mieszkańców Osiedla", "Klub Radnych Niezależnych", "Radio Lokalne FM",
};
WORDS(requester_orgs);

static const char *const topics[] = {
    "Wydatki na promocję gminy",
    "Umowy zawarte na obsługę prawną",
    "Koszty remontu budynku urzędu",
    "Wynagrodzenia kierownictwa urzędu",
    "Liczba etatów w urzędzie",
    "Rejestr umów cywilnoprawnych",
    "Protokoły z sesji rady",
    "Decyzje o warunkach zabudowy",
    "Dotacje dla organizacji pozarządowych",
    "Zamówienia publiczne poniżej progu",
    "Nagrody i premie pracowników",
    "Wyniki kontroli zewnętrznych",
    "Miejscowy plan zagospodarowania przestrzennego",
    "Zezwolenia na wycinkę drzew",
    "Realizacja budżetu obywatelskiego",
    "Zimowe utrzymanie dróg gminnych",
    "Odbiór i zagospodarowanie odpadów komunalnych",
    "Monitoring wizyjny na ulicach",
    "Delegacje służbowe burmistrza",
    "Ekspertyzy i opinie zamówione przez urząd",
    "Użytkowanie samochodów służbowych",
    "Rachunki za telefony służbowe",
    "Umowy najmu lokali komunalnych",
    "Skargi mieszkańców na działalność urzędu",
    "Modernizacja oświetlenia ulicznego",
    "Stypendia sportowe i nagrody dla sportowców",
    "Remont szkoły podstawowej",
    "Inwestycje drogowe i chodniki",
    "Sprzedaż nieruchomości gminnych",
    "Dofinansowanie wymiany pieców",
    "Jakość wody w wodociągu gminnym",
    "Ogłoszenia o naborze pracowników",
    "Koszty obsługi mediów społecznościowych",
    "Wydatki na reprezentację",
    "Zadłużenie gminy i obligacje",
    "Umowy z firmami doradczymi",
    "Schronisko dla bezdomnych zwierząt",
    "Transport zbiorowy i dopłaty do biletów",
    "Żłobki i przedszkola: liczba miejsc",
    "Gospodarka wodno-ściekowa",
    "Pozwolenia na budowę farm wiatrowych",
    "Ochrona zabytków i dotacje konserwatorskie",
    "Rejestr petycji i odpowiedzi",
    "Oświadczenia majątkowe radnych",
    "Kary umowne naliczone wykonawcom",
    "Audyt energetyczny budynków publicznych",
    "Program rewitalizacji centrum",
    "Ścieżki rowerowe: plany i koszty",
};
WORDS(topics);

static const char *const scopes[] = {
    "", "", "", " w urzędzie", " w jednostkach podległych", " w sołectwach", " przy ulicy Lipowej",
    " w dzielnicy północnej", " na osiedlu Słonecznym", " w szkołach", " w gminnej spółce",
};
WORDS(scopes);

static const char *const legal_bases[] = {
    "art. 5 ust. 2 ustawy o dostępie do informacji publicznej (prywatność osoby fizycznej)",
    "art. 5 ust. 2 ustawy o dostępie do informacji publicznej (tajemnica przedsiębiorcy)",
    "art. 5 ust. 1 ustawy o dostępie do informacji publicznej (informacja niejawna)",
    "art. 3 ust. 1 pkt 1 ustawy o dostępie do informacji publicznej (informacja przetworzona)",
};
WORDS(legal_bases);

static const char *const forms[] = {
    "", "", "elektronicznie, skany dokumentów", "kopie dokumentów w formacie PDF",
    "zestawienie w arkuszu kalkulacyjnym", "wgląd w dokumenty w urzędzie",
};
WORDS(forms);

static const char *const streets[] = {"Lipowa", "Polna", "Leśna", "Słoneczna", "Krótka",
                                      "Szkolna", "Ogrodowa", "Długa", "Łąkowa", "Kościuszki"};
WORDS(streets);

void words_person_name(uint64_t *s, char *out, size_t n)
{
	int i = (int)rnd(s, sizeof surnames / sizeof surnames[0]);
	if (rnd(s, 2))
		snprintf(out, n, "%s %s", first_f[rnd(s, sizeof first_f / sizeof first_f[0])], surnames[i].f);
	else
		snprintf(out, n, "%s %s", first_m[rnd(s, sizeof first_m / sizeof first_m[0])], surnames[i].m);
}
