/* seed --cases N --orgs M: realistic data at scale for benchmarks.
 *
 * M public bodies (each with units, staff sharing one Argon2id hash computed
 * once, a host name "<slug>.example") and N requests received over the last
 * --months months (default 24), every one taken through the law core
 * (law_decide) along a plan drawn from a realistic mix: most are answered
 * within the term, some extended, clarified, refused and appealed, some
 * withdrawn, a few at court, a few stalled and overdue; recent ones are
 * still open because steps dated after today are not taken. Terms, states,
 * due dates and closing dates are what the service itself would have
 * written; each step that needs a letter gets an issued document (one small
 * fixed PDF for all) and its own event; deliveries are recorded; a share of
 * the closed cases is published in the register (versions 1.0, a few 1.1).
 *
 * Everything is written with COPY FROM STDIN in one transaction, so a
 * failure leaves nothing behind. Two triggers are disabled for the load and
 * enabled again before the commit (ALTER TABLE is transactional):
 * terms_refresh_due (requests.due_on is computed here, as the minimum due
 * date of the open terms of the body, exactly as the trigger would) and the
 * event hash chain (events_chain takes a row lock per event: the chain is
 * computed here with libsodium's SHA-256 over the same text as the
 * database's event_payload(), so `jawnosc audit verify` passes), with
 * events_touch_publication (it only stamps publications.changed_at, which
 * is written here), and the change notifications of migration 0009 (one
 * for everything at the end). Event ids follow time across all bodies, as they would
 * in a live system. Identifiers are taken from the tables' sequences, which
 * are moved past them at the end; nothing else may write to the database
 * during the load (the tables are locked).
 *
 * Run it on a database of its own: it refuses when org-0001 exists. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "cases/auth.h"
#include "cases/secret.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "core/clock.h"
#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"
#include "law/casenum.h"
#include "law/lifecycle.h"
#include "law/term.h"
#include "law/warsaw.h"

#define SCALE_PASSWORD "jawnosc-bench"
#define MAX_UNITS 8
#define MAX_YEARS 12
#define MAX_CASE_TERMS 24
#define NO_USER 0xffff
#define NO_DAY INT32_MIN

/* ---- Random numbers (splitmix64: deterministic for a given --seed) -------- */

static uint64_t sm64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((sm64(s) >> 32) * (uint64_t)n) >> 32);
}

static int rrange(uint64_t *s, int lo, int hi)
{
	return lo + (int)rnd(s, (uint32_t)(hi - lo + 1));
}

static double runit(uint64_t *s)
{
	return (double)(sm64(s) >> 11) * 0x1.0p-53;
}

static const char *pick(uint64_t *s, const char *const *list, size_t n)
{
	return list[rnd(s, (uint32_t)n)];
}
#define PICK(s, list) pick((s), (list), sizeof(list) / sizeof((list)[0]))

/* ---- Text material --------------------------------------------------------- */

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

static const char *const org_types[] = {"Urząd Gminy", "Urząd Miasta", "Urząd Miasta i Gminy"};

static const struct {
	const char *symbol, *name;
} unit_kinds[] = {
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
static const char *const organisations_req[] = {
    "Fundacja Przejrzyste Państwo", "Stowarzyszenie Watchdog Lokalny", "Fundacja Dane Otwarte",
    "Redakcja Gazety Obywatelskiej", "Stowarzyszenie Jawne Finanse", "Portal Nasza Gmina",
    "Fundacja Analiz Publicznych", "Open Data Lab sp. z o.o.", "Kancelaria Radcy Prawnego",
    "Stowarzyszenie Mieszkańców Osiedla", "Klub Radnych Niezależnych", "Radio Lokalne FM",
};

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
static const char *const scopes[] = {
    "", "", "", " w urzędzie", " w jednostkach podległych", " w sołectwach", " przy ulicy Lipowej",
    " w dzielnicy północnej", " na osiedlu Słonecznym", " w szkołach", " w gminnej spółce",
};
static const char *const legal_bases[] = {
    "art. 5 ust. 2 ustawy o dostępie do informacji publicznej (prywatność osoby fizycznej)",
    "art. 5 ust. 2 ustawy o dostępie do informacji publicznej (tajemnica przedsiębiorcy)",
    "art. 5 ust. 1 ustawy o dostępie do informacji publicznej (informacja niejawna)",
    "art. 3 ust. 1 pkt 1 ustawy o dostępie do informacji publicznej (informacja przetworzona)",
};
static const char *const forms[] = {
    "", "", "elektronicznie, skany dokumentów", "kopie dokumentów w formacie PDF",
    "zestawienie w arkuszu kalkulacyjnym", "wgląd w dokumenty w urzędzie",
};
static const char *const streets[] = {"Lipowa", "Polna", "Leśna", "Słoneczna", "Krótka",
                                      "Szkolna", "Ogrodowa", "Długa", "Łąkowa", "Kościuszki"};

/* What the register shows when a case's closing step left no text
 * (the same answers the clerk's proposal starts from). */
static const char *default_answer(law_state_t s)
{
	switch (s) {
	case LAW_STATE_PROVIDED: return "Informację udostępniono wnioskodawcy.";
	case LAW_STATE_PARTLY_REFUSED:
		return "Informację udostępniono w części; w pozostałej części odmówiono jej udostępnienia decyzją.";
	case LAW_STATE_REFUSED: return "Odmówiono udostępnienia informacji decyzją.";
	case LAW_STATE_DISCONTINUED: return "Postępowanie umorzono decyzją.";
	case LAW_STATE_CONDITIONS_DECIDED: return "Warunki ponownego wykorzystywania określono decyzją.";
	case LAW_STATE_NOT_PUBLIC_INFORMATION:
		return "Żądana treść nie jest informacją publiczną; poinformowano o tym wnioskodawcę.";
	case LAW_STATE_NOT_HELD: return "Organ nie posiada żądanej informacji; poinformowano o tym wnioskodawcę.";
	case LAW_STATE_PUBLISHED_ELSEWHERE:
		return "Informacja jest opublikowana w Biuletynie Informacji Publicznej; wskazano jej adres.";
	case LAW_STATE_OTHER_STATUTE:
		return "Dostęp do tej informacji określa odrębna ustawa (art. 1 ust. 2 ustawy o dostępie do "
		       "informacji publicznej).";
	default: return "Sprawa jest w toku.";
	}
}

/* ---- Plans: what happens to a request after it is registered --------------- */

enum who { BY_CLERK, BY_REQUESTER, BY_MANAGER };

struct pstep {
	law_action_t act;
	enum who who;
	short dmin, dmax; /* days after the previous step */
};

struct plan {
	unsigned kinds; /* law_kind_t bits */
	int weight;     /* out of the kind's total */
	struct pstep s[8];
};

#define ST(a, w, lo, hi) {LAW_ACT_##a, w, lo, hi}
#define ASSIGN ST(ASSIGN, BY_MANAGER, 0, 2)
#define DELIVERY ST(RECORD_DELIVERY, BY_CLERK, 1, 6)
#define FINAL ST(REMEDY_WINDOW_EXPIRED, BY_CLERK, 17, 28)
#define PI_ LAW_KIND_PUBLIC_INFORMATION
#define RU_ LAW_KIND_REUSE

static const struct plan plans[] = {
    /* Requests for public information */
    {PI_, 4800, {ASSIGN, ST(PROVIDE, BY_CLERK, 1, 11)}},
    {PI_, 300, {ASSIGN, ST(PROVIDE, BY_CLERK, 12, 24)}}, /* late: the term is missed */
    {PI_, 600, {ASSIGN, ST(EXTEND, BY_CLERK, 2, 9), ST(PROVIDE, BY_CLERK, 8, 35)}},
    {PI_, 400, {ASSIGN, ST(CALL_TO_CLARIFY, BY_CLERK, 1, 5), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(RECORD_CLARIFICATION, BY_REQUESTER, 1, 6), ST(PROVIDE, BY_CLERK, 2, 12)}},
    {PI_, 200, {ASSIGN, ST(CALL_TO_CLARIFY, BY_CLERK, 1, 5), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(LEAVE_UNPROCESSED, BY_CLERK, 11, 20)}},
    {PI_, 600, {ASSIGN, ST(NOT_HELD, BY_CLERK, 1, 10)}},
    {PI_, 400, {ASSIGN, ST(NOT_PUBLIC_INFORMATION, BY_CLERK, 1, 10)}},
    {PI_, 300, {ASSIGN, ST(PUBLISHED_IN_BIP, BY_CLERK, 1, 7)}},
    {PI_, 100, {ASSIGN, ST(OTHER_STATUTE, BY_CLERK, 1, 10)}},
    {PI_, 400, {ASSIGN, ST(REFUSE, BY_CLERK, 3, 12), DELIVERY, FINAL}},
    {PI_, 300, {ASSIGN, ST(PROVIDE_PARTLY, BY_CLERK, 3, 12), DELIVERY, FINAL}},
    {PI_, 150, {ASSIGN, ST(REFUSE, BY_CLERK, 3, 12), DELIVERY, ST(APPEAL, BY_REQUESTER, 2, 12),
                ST(FORWARD_APPEAL, BY_CLERK, 1, 6), ST(APPEAL_DECIDED, BY_CLERK, 20, 60)}},
    {PI_, 300, {ST(WITHDRAW, BY_REQUESTER, 1, 10)}},
    {PI_, 80, {ASSIGN, ST(FEE_NOTICE, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
               ST(CHANGE_FORM, BY_REQUESTER, 2, 10), ST(PROVIDE, BY_CLERK, 2, 10)}},
    {PI_, 80, {ASSIGN, ST(FEE_NOTICE, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
               ST(RELEASE_AFTER_FEE, BY_CLERK, 17, 25)}},
    {PI_, 50, {ASSIGN, ST(DISCONTINUE, BY_CLERK, 3, 12), DELIVERY, FINAL}},
    {PI_, 40, {ASSIGN, ST(NOT_PUBLIC_INFORMATION, BY_CLERK, 1, 10),
               ST(COURT_COMPLAINT, BY_CLERK, 20, 60), ST(ANSWER_COURT_COMPLAINT, BY_CLERK, 3, 14),
               ST(JUDGMENT_DISMISSES, BY_CLERK, 60, 200)}},
    {PI_, 70, {ST(ASSIGN, BY_MANAGER, 0, 3)}}, /* stalled: overdue */
    {PI_, 60, {ASSIGN, ST(CALL_FOR_INTEREST, BY_CLERK, 2, 8), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
               ST(RECORD_INTEREST, BY_REQUESTER, 1, 6), ST(PROVIDE, BY_CLERK, 2, 10)}},
    /* Re-use */
    {RU_, 6000, {ASSIGN, ST(TRANSFER, BY_CLERK, 2, 12)}},
    {RU_, 1000, {ASSIGN, ST(OFFER, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                 ST(ACCEPT_OFFER, BY_REQUESTER, 1, 10), ST(TRANSFER, BY_CLERK, 1, 7)}},
    {RU_, 300, {ASSIGN, ST(OFFER, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(OBJECT_TO_OFFER, BY_REQUESTER, 1, 10), ST(DECIDE_CONDITIONS, BY_CLERK, 3, 14),
                DELIVERY, FINAL}},
    {RU_, 1000, {ASSIGN, ST(NOT_HELD, BY_CLERK, 1, 10)}},
    {RU_, 600, {ASSIGN, ST(REFUSE, BY_CLERK, 3, 12), DELIVERY, FINAL}},
    {RU_, 500, {ASSIGN, ST(CALL_TO_COMPLETE, BY_CLERK, 1, 5), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(RECORD_COMPLETION, BY_REQUESTER, 1, 6), ST(TRANSFER, BY_CLERK, 2, 12)}},
    {RU_, 300, {ST(WITHDRAW, BY_REQUESTER, 1, 10)}},
    {RU_, 100, {ST(ASSIGN, BY_MANAGER, 0, 3)}},
    {RU_, 200, {ASSIGN, ST(OFFER, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(OFFER_WINDOW_EXPIRED, BY_CLERK, 17, 28)}},
};
#define NPLANS (sizeof plans / sizeof plans[0])

static int pick_plan(uint64_t *s, unsigned kind)
{
	int total = 0;
	for (size_t i = 0; i < NPLANS; i++)
		if (plans[i].kinds & kind)
			total += plans[i].weight;
	int r = (int)rnd(s, (uint32_t)total);
	for (size_t i = 0; i < NPLANS; i++)
		if (plans[i].kinds & kind) {
			if (r < plans[i].weight)
				return (int)i;
			r -= plans[i].weight;
		}
	return 0;
}

/* ---- The model in memory ------------------------------------------------------ */

enum { CH_WEB, CH_API, CH_EMAIL, CH_POST, CH_EPUAP, CH_PHONE, CH_IN_PERSON, CH_COUNT };
static const char *const channel_ids[CH_COUNT] = {"web", "api", "email", "post",
                                                  "epuap", "phone", "in_person"};

struct suser {
	long long id;
	char email[64];
	char name[64];
	const char *position;
	const char *role;
	int unit; /* -1: the whole body */
};

struct sunit {
	long long id;
	const char *symbol;
	const char *name;
	int manager;            /* user index */
	int clerk_first, nclerks;
};

struct sorg {
	long long id;
	char slug[16];
	char host[40];
	char name[96];
	const char *place;
	int nunits;
	struct sunit units[MAX_UNITS];
	int nusers;
	struct suser *users;
	int admin, secretary;
	law_policy_t policy;
	/* The event chain as it is written. */
	unsigned char chain[32];
	long long last_event;
	/* Case numbers: last number per unit, kind and year. */
	int counters[MAX_UNITS][2][MAX_YEARS];
};

struct scase {
	int64_t received_at; /* Unix seconds */
	uint64_t seed;
	uint16_t org;
	uint8_t unit, kind, channel, plan;
	uint32_t seq;
	/* After the simulation. */
	uint8_t outcome;  /* the closing state the register shows, or 0 */
	uint8_t basis;    /* legal_bases index + 1, or 0 */
	uint16_t assignee; /* user index, or NO_USER */
	int32_t closed_on; /* days, or NO_DAY */
	int64_t last_event_us;
};

/* One event, compact; its JSON is written when events are copied. */
enum { EV_ISSUE = 200, EV_PUBLISH = 201 };
struct sevent {
	int64_t at_us;
	uint32_t case_idx;
	uint8_t action; /* law_action_t, or EV_* */
	uint8_t from, to; /* law_state_t, 0xff for none */
	uint8_t actor;    /* 0 requester, 1 clerk, 2 manager, 3 admin */
	uint16_t user;    /* user index, or NO_USER */
	uint8_t doc;      /* law_document_t, the seq for EV_ISSUE, the minor version for EV_PUBLISH */
	uint8_t ord;      /* order within the case */
	int32_t date;     /* the step's legal date (days); extend: new due date in aux */
	int32_t aux;
};

struct spub {
	int64_t at_us, v2_us; /* 1.0, and 1.1 (0: none) */
	uint32_t case_idx;
	long long doc_id;     /* the closing document, or 0 */
	long long id, v1_id, v2_id;
};

struct model {
	int norgs;
	struct sorg *orgs;
	size_t ncases;
	struct scase *cases;
	size_t nevents, cap_events;
	struct sevent *events;
	size_t npubs, cap_pubs;
	struct spub *pubs;
	int year_min;
	int32_t today;
	int64_t now;
	long long first_org, first_unit, first_user, first_request, first_term, first_doc,
	    first_delivery, first_event, first_pub, first_version;
	long long nterms, ndocs, ndeliveries, nversions;
	char password_hash[AUTH_HASH_LEN];
	unsigned char *pdf;
	size_t pdf_len;
	unsigned char pdf_sha[32];
	char pdf_hex[65];
	long long refused_steps;
	long long refused_by_action[LAW_ACT_COUNT];
	bool has_aot; /* requests.answered_on_time exists (kept by a trigger on terms) */
};

/* ---- Progress on standard error --------------------------------------------------- */

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	bool tty;
	double t0, last;
	const char *phase;
	long long done, total;       /* rows, all phases */
	long long pdone, ptotal;     /* rows, this phase */
};

static void fmt_secs(double s, char *out, size_t n)
{
	if (s < 0 || s > 360000)
		snprintf(out, n, "--:--");
	else if (s >= 3600)
		snprintf(out, n, "%d:%02d:%02d", (int)s / 3600, (int)s / 60 % 60, (int)s % 60);
	else
		snprintf(out, n, "%d:%02d", (int)s / 60, (int)s % 60);
}

static void progress_show(struct progress *p, bool force)
{
	double t = mono();
	if (!force && t - p->last < (p->tty ? 0.2 : 10.0))
		return;
	p->last = t;
	double el = t - p->t0;
	double rate = el > 0 ? (double)p->done / el : 0;
	double pct = p->ptotal ? 100.0 * (double)p->pdone / (double)p->ptotal : 100.0;
	double total_pct = p->total ? 100.0 * (double)p->done / (double)p->total : 100.0;
	char eta[16], elapsed[16];
	fmt_secs(rate > 0 ? (double)(p->total - p->done) / rate : -1, eta, sizeof eta);
	fmt_secs(el, elapsed, sizeof elapsed);
	if (p->tty) {
		char bar[31];
		int fill = (int)(total_pct * 30 / 100);
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		fprintf(stderr, "\r\033[K[%s] %5.1f%%  %-28s %5.1f%%  %8.0f rows/s  elapsed %s  left %s",
		        bar, total_pct, p->phase, pct, rate, elapsed, eta);
	} else {
		fprintf(stderr, "seed: %5.1f%% (%s %.1f%%), %lld rows, %.0f rows/s, elapsed %s, left %s\n",
		        total_pct, p->phase, pct, p->done, rate, elapsed, eta);
	}
	fflush(stderr);
}

static void progress_phase(struct progress *p, const char *phase, long long rows)
{
	p->phase = phase;
	p->pdone = 0;
	p->ptotal = rows;
	progress_show(p, true);
}

static void progress_end(struct progress *p)
{
	progress_show(p, true);
	if (p->tty)
		fputc('\n', stderr);
}

/* ---- COPY text output: to the server, or to a temporary file ---------------------- */

struct sink {
	PGconn *c;
	FILE *f;
	char *buf;
	size_t len, cap;
	int col;
	long long rows;
	bool failed;
	struct progress *prog;
};

static void sk_flush(struct sink *s)
{
	if (!s->len || s->failed)
		return;
	if (s->c) {
		if (PQputCopyData(s->c, s->buf, (int)s->len) != 1) {
			fprintf(stderr, "\njawnosc seed: COPY: %s", PQerrorMessage(s->c));
			s->failed = true;
		}
	} else if (fwrite(s->buf, 1, s->len, s->f) != s->len) {
		fprintf(stderr, "\njawnosc seed: temporary file: %s\n", strerror(errno));
		s->failed = true;
	}
	s->len = 0;
}

static void sk_init(struct sink *s, PGconn *c, FILE *f, struct progress *prog)
{
	memset(s, 0, sizeof *s);
	s->c = c;
	s->f = f;
	s->cap = 1 << 20;
	s->buf = xmalloc(s->cap + 65536);
	s->prog = prog;
}

static inline void sk_need(struct sink *s, size_t n)
{
	if (s->len + n > s->cap) {
		sk_flush(s);
		if (n > s->cap) {
			s->cap = n;
			s->buf = xrealloc(s->buf, s->cap + 65536);
		}
	}
}

static inline void sk_raw(struct sink *s, const char *p, size_t n)
{
	sk_need(s, n);
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static inline void sk_sep(struct sink *s)
{
	if (s->col++)
		sk_raw(s, "\t", 1);
}

/* A text value, escaped for COPY's text format; NULL writes \N. */
static void col_s(struct sink *s, const char *v)
{
	sk_sep(s);
	if (!v) {
		sk_raw(s, "\\N", 2);
		return;
	}
	size_t n = strlen(v);
	sk_need(s, 2 * n);
	char *o = s->buf + s->len;
	for (const char *p = v; *p; p++) {
		switch (*p) {
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		default: *o++ = *p;
		}
	}
	s->len = (size_t)(o - s->buf);
}

static void col_fmt(struct sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void col_fmt(struct sink *s, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	col_s(s, tmp);
}

static void col_i(struct sink *s, long long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%lld", v);
	sk_sep(s);
	sk_raw(s, tmp, (size_t)n);
}

static void col_id(struct sink *s, long long v)
{
	if (v)
		col_i(s, v);
	else
		col_s(s, NULL);
}

static void col_b(struct sink *s, bool v)
{
	sk_sep(s);
	sk_raw(s, v ? "t" : "f", 1);
}

static void fmt_day(int32_t days, char out[LAW_DATE_STRLEN])
{
	law_date_format(law_date_from_days(days), out);
}

static void col_day(struct sink *s, int32_t days)
{
	if (days == NO_DAY) {
		col_s(s, NULL);
		return;
	}
	char d[LAW_DATE_STRLEN];
	fmt_day(days, d);
	sk_sep(s);
	sk_raw(s, d, 10);
}

/* "YYYY-MM-DD HH:MM:SS.uuuuuu" in UTC; `iso` gives the event_payload() form
 * "YYYY-MM-DDTHH:MM:SS.uuuuuuZ". */
static int fmt_us(int64_t us, bool iso, char *out)
{
	int64_t secs = us / 1000000, frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	law_date_t d = law_date_from_days((int32_t)days);
	return snprintf(out, 40, "%04d-%02d-%02d%c%02d:%02d:%02d.%06d%s", d.y, d.m, d.d, iso ? 'T' : ' ',
	                (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)frac, iso ? "Z" : "+00");
}

static void col_ts(struct sink *s, int64_t us)
{
	char t[40];
	int n = fmt_us(us, false, t);
	sk_sep(s);
	sk_raw(s, t, (size_t)n);
}

static void col_bytea(struct sink *s, const unsigned char *b, size_t n)
{
	sk_sep(s);
	sk_need(s, 3 + 2 * n);
	static const char hex[] = "0123456789abcdef";
	char *o = s->buf + s->len;
	*o++ = '\\';
	*o++ = '\\';
	*o++ = 'x';
	for (size_t i = 0; i < n; i++) {
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	s->len = (size_t)(o - s->buf);
}

static void row_end(struct sink *s)
{
	sk_raw(s, "\n", 1);
	s->col = 0;
	s->rows++;
	if (s->prog) {
		s->prog->done++;
		s->prog->pdone++;
		if ((s->rows & 4095) == 0)
			progress_show(s->prog, false);
	}
}

/* ---- JSON as jsonb prints it ------------------------------------------------------ */

struct jbuf {
	char b[8192];
	size_t n;
};

static void jb_raw(struct jbuf *j, const char *s, size_t n)
{
	if (j->n + n >= sizeof j->b)
		n = sizeof j->b - 1 - j->n;
	memcpy(j->b + j->n, s, n);
	j->n += n;
	j->b[j->n] = '\0';
}

static void jb_str(struct jbuf *j, const char *s)
{
	jb_raw(j, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char e[8];
		switch (*p) {
		case '"': jb_raw(j, "\\\"", 2); break;
		case '\\': jb_raw(j, "\\\\", 2); break;
		case '\b': jb_raw(j, "\\b", 2); break;
		case '\f': jb_raw(j, "\\f", 2); break;
		case '\n': jb_raw(j, "\\n", 2); break;
		case '\r': jb_raw(j, "\\r", 2); break;
		case '\t': jb_raw(j, "\\t", 2); break;
		default:
			if (*p < 0x20) {
				snprintf(e, sizeof e, "\\u%04x", *p);
				jb_raw(j, e, 6);
			} else {
				jb_raw(j, (const char *)p, 1);
			}
		}
	}
	jb_raw(j, "\"", 1);
}

struct jpair {
	const char *key;
	const char *str; /* a string value, or */
	long long num;   /* a number when str is NULL */
};

/* jsonb keeps an object's keys shorter first, then in byte order. */
static int jpair_cmp(const void *a, const void *b)
{
	const struct jpair *x = a, *y = b;
	size_t lx = strlen(x->key), ly = strlen(y->key);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* The object's text exactly as jsonb::text gives it: {"k": "v", "n": 1}. */
static void jb_object(struct jbuf *j, struct jpair *p, int n)
{
	qsort(p, (size_t)n, sizeof *p, jpair_cmp);
	j->n = 0;
	j->b[0] = '\0';
	jb_raw(j, "{", 1);
	for (int i = 0; i < n; i++) {
		if (i)
			jb_raw(j, ", ", 2);
		jb_str(j, p[i].key);
		jb_raw(j, ": ", 2);
		if (p[i].str) {
			jb_str(j, p[i].str);
		} else {
			char t[24];
			int k = snprintf(t, sizeof t, "%lld", p[i].num);
			jb_raw(j, t, (size_t)k);
		}
	}
	jb_raw(j, "}", 1);
}

/* ---- Small helpers ------------------------------------------------------------------ */

static bool run(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "\njawnosc seed: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

/* One long statement (an index build, a check, VACUUM) while the progress
 * line keeps counting the time. */
static bool run_ticking(PGconn *c, const char *sql, struct progress *p)
{
	if (!PQsendQuery(c, sql)) {
		fprintf(stderr, "\njawnosc seed: %s: %s", sql, PQerrorMessage(c));
		return false;
	}
	while (PQisBusy(c)) {
		int fd = PQsocket(c);
		fd_set rs;
		FD_ZERO(&rs);
		FD_SET(fd, &rs);
		struct timeval tv = {0, 200000};
		if (select(fd + 1, &rs, NULL, NULL, &tv) < 0 && errno != EINTR)
			break;
		if (!PQconsumeInput(c))
			break;
		progress_show(p, false);
	}
	bool ok = true;
	PGresult *r;
	while ((r = PQgetResult(c))) {
		ExecStatusType st = PQresultStatus(r);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			fprintf(stderr, "\njawnosc seed: %.200s: %s", sql, PQresultErrorMessage(r));
			ok = false;
		}
		PQclear(r);
	}
	return ok;
}

static long long query_ll(PGconn *c, const char *sql, bool *ok)
{
	PGresult *r = PQexec(c, sql);
	long long v = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		v = atoll(PQgetvalue(r, 0, 0));
	} else {
		fprintf(stderr, "\njawnosc seed: %s: %s", sql, PQresultErrorMessage(r));
		*ok = false;
	}
	PQclear(r);
	return v;
}

/* COPY ... WITH (FREEZE) into the big tables when they were emptied in
 * this transaction: rows written frozen and all-visible, as after VACUUM. */
static bool copy_freeze = false;

static bool copy_begin_big(PGconn *c, const char *sql, bool big)
{
	char buf[1024];
	if (big && copy_freeze) {
		snprintf(buf, sizeof buf, "%s WITH (FREEZE)", sql);
		sql = buf;
	}
	PGresult *r = PQexec(c, sql);
	bool ok = PQresultStatus(r) == PGRES_COPY_IN;
	if (!ok)
		fprintf(stderr, "\njawnosc seed: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

static bool copy_begin(PGconn *c, const char *sql)
{
	return copy_begin_big(c, sql, false);
}

static bool copy_end(struct sink *s, const char *what)
{
	sk_flush(s);
	if (PQputCopyEnd(s->c, s->failed ? "seed failed" : NULL) != 1) {
		fprintf(stderr, "\njawnosc seed: COPY %s: %s", what, PQerrorMessage(s->c));
		return false;
	}
	bool ok = !s->failed;
	PGresult *r;
	while ((r = PQgetResult(s->c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "\njawnosc seed: COPY %s: %s", what, PQresultErrorMessage(r));
			ok = false;
		}
		PQclear(r);
	}
	return ok;
}

/* Sends a temporary file written earlier through COPY. */
static bool copy_file(PGconn *c, const char *sql, FILE *f, long long rows, struct progress *p,
                      const char *phase)
{
	progress_phase(p, phase, rows);
	if (!copy_begin_big(c, sql, true))
		return false;
	rewind(f);
	static char buf[1 << 20];
	size_t n;
	long long sent_rows = 0;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (PQputCopyData(c, buf, (int)n) != 1) {
			fprintf(stderr, "\njawnosc seed: COPY: %s", PQerrorMessage(c));
			return false;
		}
		for (size_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				sent_rows++;
		long long delta = sent_rows - p->pdone;
		p->pdone += delta;
		p->done += delta;
		progress_show(p, false);
	}
	struct sink s = {.c = c};
	return copy_end(&s, phase);
}

static int64_t warsaw_us(int32_t day, int secs_of_day)
{
	int64_t local = (int64_t)day * 86400 + secs_of_day;
	int off = law_warsaw_offset(local - 3600);
	return (local - off) * 1000000;
}

static int32_t day_of(law_date_t d)
{
	return law_date_to_days(d);
}

/* A tiny valid PDF, the same for every issued document. */
static void make_pdf(struct model *m)
{
	static const char *objs[] = {
	    "<< /Type /Catalog /Pages 2 0 R >>",
	    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
	    "/Resources << /Font << /F1 5 0 R >> >> >>",
	    NULL, /* the content stream */
	    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	};
	const char *content = "BT /F1 12 Tf 72 760 Td (Jawnosc: pismo w sprawie - dane testowe) Tj ET";
	char *out = xmalloc(4096);
	size_t n = 0;
	long offs[6];
	n += (size_t)sprintf(out + n, "%%PDF-1.4\n");
	for (int i = 0; i < 5; i++) {
		offs[i + 1] = (long)n;
		if (objs[i])
			n += (size_t)sprintf(out + n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
		else
			n += (size_t)sprintf(out + n, "%d 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n",
			                     i + 1, strlen(content), content);
	}
	long xref = (long)n;
	n += (size_t)sprintf(out + n, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i <= 5; i++)
		n += (size_t)sprintf(out + n, "%010ld 00000 n \n", offs[i]);
	n += (size_t)sprintf(out + n, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", xref);
	m->pdf = (unsigned char *)out;
	m->pdf_len = n;
	crypto_hash_sha256(m->pdf_sha, m->pdf, n);
	sodium_bin2hex(m->pdf_hex, sizeof m->pdf_hex, m->pdf_sha, 32);
}

/* ---- Bodies, units and staff ----------------------------------------------------------- */

static void person_name(uint64_t *s, char *out, size_t n)
{
	int i = (int)rnd(s, sizeof surnames / sizeof surnames[0]);
	if (rnd(s, 2))
		snprintf(out, n, "%s %s", PICK(s, first_f), surnames[i].f);
	else
		snprintf(out, n, "%s %s", PICK(s, first_m), surnames[i].m);
}

static void build_orgs(struct model *m, uint64_t seed)
{
	uint64_t s = seed ^ 0x6f7267ULL;
	m->orgs = xcalloc((size_t)m->norgs, sizeof *m->orgs);
	long long uid = m->first_user, unid = m->first_unit;
	for (int i = 0; i < m->norgs; i++) {
		struct sorg *o = &m->orgs[i];
		o->id = m->first_org + i;
		snprintf(o->slug, sizeof o->slug, "org-%04d", i + 1);
		snprintf(o->host, sizeof o->host, "%s.example", o->slug);
		o->place = places[i % (sizeof places / sizeof places[0])];
		snprintf(o->name, sizeof o->name, "%s %s", PICK(&s, org_types), o->place);
		o->policy = law_policy_default();
		o->nunits = rrange(&s, 3, 6);
		/* OR receives online requests; the others are drawn from the list. */
		int order[MAX_UNITS];
		for (int k = 0; k < MAX_UNITS; k++)
			order[k] = k;
		for (int k = MAX_UNITS - 1; k > 1; k--) {
			int j = 1 + (int)rnd(&s, (uint32_t)k);
			int t = order[k];
			order[k] = order[j];
			order[j] = t;
		}
		int nusers = 2;
		int clerks[MAX_UNITS];
		for (int k = 0; k < o->nunits; k++) {
			clerks[k] = k == 0 ? rrange(&s, 2, 4) : rrange(&s, 1, 3);
			nusers += 1 + clerks[k];
		}
		o->users = xcalloc((size_t)nusers, sizeof *o->users);
		o->nusers = 0;
#define ADD_USER(mail_fmt, pos, rl, un, ...)                                                        \
	do {                                                                                       \
		struct suser *nu_ = &o->users[o->nusers];                                            \
		nu_->id = uid++;                                                                     \
		snprintf(nu_->email, sizeof nu_->email, mail_fmt, __VA_ARGS__);                        \
		person_name(&s, nu_->name, sizeof nu_->name);                                          \
		nu_->position = pos;                                                                 \
		nu_->role = rl;                                                                      \
		nu_->unit = un;                                                                      \
		o->nusers++;                                                                       \
	} while (0)
		o->admin = o->nusers;
		ADD_USER("admin@%s", "Redaktor BIP", "admin", -1, o->host);
		o->secretary = o->nusers;
		ADD_USER("sekretarz@%s", "Sekretarz", "manager", -1, o->host);
		for (int k = 0; k < o->nunits; k++) {
			struct sunit *u = &o->units[k];
			u->id = unid++;
			u->symbol = unit_kinds[order[k]].symbol;
			u->name = unit_kinds[order[k]].name;
			u->manager = o->nusers;
			ADD_USER("kierownik-%s@%s", "Naczelnik wydziału", "manager", k, u->symbol, o->host);
			u->clerk_first = o->nusers;
			u->nclerks = clerks[k];
			for (int c = 0; c < clerks[k]; c++)
				ADD_USER("urzednik%d-%s@%s", c % 2 ? "Inspektor" : "Podinspektor", "clerk", k,
				         c + 1, u->symbol, o->host);
		}
		for (int k = 0; k < o->nusers; k++)
			for (char *p = o->users[k].email; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
#undef ADD_USER
	}
}

static bool copy_orgs(PGconn *c, struct model *m, struct progress *p)
{
	struct sink s;
	bool ok = copy_begin(c, "COPY organisations (id, slug, name, address, place, email, phone, bip_url, "
	                        "hosts, web_unit_id, letterhead, signer_name, signer_position) FROM STDIN");
	sk_init(&s, c, NULL, p);
	for (int i = 0; ok && i < m->norgs; i++) {
		struct sorg *o = &m->orgs[i];
		col_i(&s, o->id);
		col_s(&s, o->slug);
		col_s(&s, o->name);
		col_fmt(&s, "ul. %s %d, 00-%03d %s", streets[i % 10], 1 + i % 40, i % 1000, o->place);
		col_s(&s, o->place);
		col_fmt(&s, "sekretariat@%s", o->host);
		col_fmt(&s, "+48 22 %03d %02d %02d", 100 + i % 900, i % 100, (i * 7) % 100);
		col_fmt(&s, "https://%s/bip", o->host);
		col_fmt(&s, "{%s}", o->host);
		col_i(&s, o->units[0].id);
		col_fmt(&s, "%s\nul. %s %d", o->name, streets[i % 10], 1 + i % 40);
		col_s(&s, o->users[o->secretary].name);
		col_s(&s, "Sekretarz");
		row_end(&s);
	}
	ok = ok && copy_end(&s, "organisations");
	ok = ok && copy_begin(c, "COPY units (id, org_id, symbol, name) FROM STDIN");
	s.c = c;
	for (int i = 0; ok && i < m->norgs; i++)
		for (int k = 0; k < m->orgs[i].nunits; k++) {
			col_i(&s, m->orgs[i].units[k].id);
			col_i(&s, m->orgs[i].id);
			col_s(&s, m->orgs[i].units[k].symbol);
			col_s(&s, m->orgs[i].units[k].name);
			row_end(&s);
		}
	ok = ok && copy_end(&s, "units");
	ok = ok && copy_begin(c, "COPY users (id, org_id, unit_id, email, name, position, role, "
	                         "password_hash) FROM STDIN");
	for (int i = 0; ok && i < m->norgs; i++) {
		struct sorg *o = &m->orgs[i];
		for (int k = 0; k < o->nusers; k++) {
			struct suser *u = &o->users[k];
			col_i(&s, u->id);
			col_i(&s, o->id);
			col_id(&s, u->unit >= 0 ? o->units[u->unit].id : 0);
			col_s(&s, u->email);
			col_s(&s, u->name);
			col_s(&s, u->position);
			col_s(&s, u->role);
			col_s(&s, m->password_hash);
			row_end(&s);
		}
	}
	ok = ok && copy_end(&s, "users");
	free(s.buf);
	/* Statistics before the rows that refer to these are checked. */
	return ok && run(c, "ANALYZE organisations, units, users");
}

/* ---- Cases: who, when, through which channel --------------------------------------------- */

static int cmp_case(const void *a, const void *b)
{
	const struct scase *x = a, *y = b;
	if (x->received_at != y->received_at)
		return x->received_at < y->received_at ? -1 : 1;
	return x->seed < y->seed ? -1 : x->seed > y->seed;
}

static void build_cases(struct model *m, uint64_t seed, int months)
{
	uint64_t s = seed ^ 0x63617365ULL;
	/* Bodies differ in size: weights log-uniform over about 1:10. */
	double *w = xmalloc(sizeof *w * (size_t)m->norgs), sum = 0;
	for (int i = 0; i < m->norgs; i++)
		sum += (w[i] = exp(runit(&s) * 2.3 - 1.15));
	m->cases = xcalloc(m->ncases, sizeof *m->cases);
	size_t k = 0;
	int64_t span = (int64_t)months * 30 * 86400;
	int64_t start = m->now - span;
	double cum = 0;
	for (int i = 0; i < m->norgs; i++) {
		/* Shares rounded cumulatively: the counts add up to N exactly. */
		cum += w[i];
		size_t upto = i == m->norgs - 1 ? m->ncases : (size_t)llround((double)m->ncases * cum / sum);
		size_t n = upto > k ? upto - k : 0;
		struct sorg *o = &m->orgs[i];
		for (size_t j = 0; j < n; j++, k++) {
			struct scase *c = &m->cases[k];
			c->seed = sm64(&s);
			uint64_t r = c->seed;
			c->org = (uint16_t)i;
			c->kind = rnd(&r, 100) < 8 ? 1 : 0;
			uint32_t ch = rnd(&r, 1000);
			c->channel = ch < 440   ? CH_WEB
			             : ch < 470 ? CH_API
			             : ch < 720 ? CH_EMAIL
			             : ch < 820 ? CH_POST
			             : ch < 960 ? CH_EPUAP
			             : ch < 980 ? CH_PHONE
			                        : CH_IN_PERSON;
			c->unit = (c->channel == CH_WEB || c->channel == CH_API || rnd(&r, 100) < 40)
			              ? 0
			              : (uint8_t)rnd(&r, (uint32_t)o->nunits);
			/* More requests lately than two years ago. */
			int64_t t = start + (int64_t)((double)span * pow(runit(&r), 0.8));
			if (c->channel == CH_POST || c->channel == CH_IN_PERSON || c->channel == CH_PHONE) {
				/* Office hours on a working day. */
				law_date_t d;
				law_warsaw_date(t, &d);
				law_next_working_day(d, &d);
				t = warsaw_us(day_of(d), 8 * 3600 + (int)rnd(&r, 7 * 3600)) / 1000000;
			}
			if (t > m->now - 60)
				t = m->now - 60 - (int64_t)rnd(&r, 3600);
			c->received_at = t;
			c->assignee = NO_USER;
			c->closed_on = NO_DAY;
		}
	}
	free(w);
	qsort(m->cases, m->ncases, sizeof *m->cases, cmp_case);
	/* Case numbers follow the dates in each unit, class and year. */
	for (size_t i = 0; i < m->ncases; i++) {
		struct scase *c = &m->cases[i];
		law_date_t d;
		law_warsaw_date(c->received_at, &d);
		int y = d.y - m->year_min;
		if (y < 0)
			y = 0;
		if (y >= MAX_YEARS)
			y = MAX_YEARS - 1;
		c->seq = (uint32_t)++m->orgs[c->org].counters[c->unit][c->kind][y];
	}
}

static void case_number(const struct model *m, const struct scase *c, char *out, size_t n)
{
	const struct sorg *o = &m->orgs[c->org];
	law_date_t d;
	law_warsaw_date(c->received_at, &d);
	snprintf(out, n, "%s.%s.%u.%d", o->units[c->unit].symbol, c->kind ? "1432" : "1431", c->seq, d.y);
}

static void subject_of(const struct scase *c, char *out, size_t n)
{
	uint64_t r = c->seed ^ 0x5375626aULL;
	law_date_t d;
	law_warsaw_date(c->received_at, &d);
	int year = d.y - (int)rnd(&r, 3);
	const char *t = PICK(&r, topics), *sc = PICK(&r, scopes);
	if (c->kind)
		snprintf(out, n, "Dane do ponownego wykorzystania: %s%s (%d)", t, sc, year);
	else if (rnd(&r, 3))
		snprintf(out, n, "%s%s w %d r.", t, sc, year);
	else
		snprintf(out, n, "%s%s za lata %d-%d", t, sc, year - 2, year);
}

/* ---- Events ----------------------------------------------------------------------------- */

static struct sevent *add_event(struct model *m)
{
	if (m->nevents == m->cap_events) {
		m->cap_events = m->cap_events ? m->cap_events * 2 : 1 << 20;
		m->events = xrealloc(m->events, m->cap_events * sizeof *m->events);
	}
	struct sevent *e = &m->events[m->nevents++];
	memset(e, 0, sizeof *e);
	e->from = e->to = 0xff;
	e->user = NO_USER;
	return e;
}

static int cmp_event(const void *a, const void *b)
{
	const struct sevent *x = a, *y = b;
	if (x->at_us != y->at_us)
		return x->at_us < y->at_us ? -1 : 1;
	if (x->case_idx != y->case_idx)
		return x->case_idx < y->case_idx ? -1 : 1;
	return (int)x->ord - (int)y->ord;
}

/* ---- Simulating one case through the law core ---------------------------------------------- */

struct term_row {
	law_term_kind_t kind;
	int32_t start, unshifted, due, closed_on;
	int64_t at_us;
	char state; /* o open, m met, x missed, p passed, c cancelled */
	bool at_risk;
	int nsteps;
	char steps[LAW_STEPS_MAX][LAW_STEP_MAX];
};

struct doc_row {
	long long id;
	int seq;
	law_document_t type;
	int64_t at_us;
	int32_t date;
	bool issued;
	uint16_t author;
};

struct sim {
	struct term_row terms[MAX_CASE_TERMS];
	int nterms;
	struct doc_row docs[16];
	int ndocs;
	law_state_t state;
	int32_t closed_on;
	int steps;
	int64_t last_us;
};

static law_outcome_t outcome;

static void apply_outcome(struct sim *x, const law_outcome_t *oc, int32_t date, int64_t at_us)
{
	for (int i = 0; i < oc->neffects; i++) {
		const law_term_effect_t *e = &oc->effects[i];
		if (e->op == LAW_TERM_START) {
			if (x->nterms == MAX_CASE_TERMS)
				continue;
			struct term_row *t = &x->terms[x->nterms++];
			t->kind = e->term;
			t->start = day_of(e->calc.from);
			t->unshifted = day_of(e->calc.unshifted);
			t->due = day_of(e->calc.due);
			t->closed_on = NO_DAY;
			t->at_us = at_us;
			t->state = 'o';
			t->at_risk = false;
			t->nsteps = e->calc.nsteps;
			for (int k = 0; k < e->calc.nsteps; k++)
				memcpy(t->steps[k], e->calc.steps[k], LAW_STEP_MAX);
		} else {
			char st = e->op == LAW_TERM_STOP     ? (e->met ? 'm' : 'x')
			          : e->op == LAW_TERM_EXPIRE ? 'p'
			                                     : 'c';
			for (int k = 0; k < x->nterms; k++) {
				struct term_row *t = &x->terms[k];
				if (t->kind == e->term && t->state == 'o') {
					t->state = st;
					t->closed_on = date;
					t->at_risk = e->at_risk;
				}
			}
		}
	}
	if (oc->state != LAW_STATE_SAME)
		x->state = oc->state;
	if (oc->closes)
		x->closed_on = date;
	else if (oc->reopens)
		x->closed_on = NO_DAY;
}

static void law_case_of(const struct sim *x, const struct sorg *o, const struct scase *c,
                        law_date_t received, law_case_t *lc)
{
	memset(lc, 0, sizeof *lc);
	lc->kind = c->kind ? LAW_KIND_REUSE : LAW_KIND_PUBLIC_INFORMATION;
	lc->state = x->state;
	lc->received = received;
	lc->policy = o->policy;
	for (int k = 0; k < x->nterms && lc->nterms < LAW_OPEN_TERMS_MAX; k++)
		if (x->terms[k].state == 'o') {
			lc->terms[lc->nterms].kind = x->terms[k].kind;
			lc->terms[lc->nterms].start = law_date_from_days(x->terms[k].start);
			lc->terms[lc->nterms].due = law_date_from_days(x->terms[k].due);
			lc->nterms++;
		}
}

struct outputs {
	struct sink req, requester, terms, docs, deliveries;
	FILE *tokens;
	size_t token_every;
};

static const char *term_state_id(char s)
{
	switch (s) {
	case 'o': return "open";
	case 'm': return "met";
	case 'x': return "missed";
	case 'p': return "passed";
	default: return "cancelled";
	}
}

static bool closing_state(law_state_t s)
{
	return law_states[s].closed && s != LAW_STATE_CLOSED_FINAL;
}

static bool publishable(law_state_t s)
{
	switch (s) {
	case LAW_STATE_PROVIDED:
	case LAW_STATE_PARTLY_REFUSED:
	case LAW_STATE_REFUSED:
	case LAW_STATE_DISCONTINUED:
	case LAW_STATE_CONDITIONS_DECIDED:
	case LAW_STATE_NOT_PUBLIC_INFORMATION:
	case LAW_STATE_NOT_HELD:
	case LAW_STATE_PUBLISHED_ELSEWHERE:
	case LAW_STATE_OTHER_STATUTE: return true;
	default: return false;
	}
}

static void write_document(struct model *m, struct outputs *out, const struct scase *c,
                           long long request_id, const struct doc_row *d, const char *cn)
{
	const struct sorg *o = &m->orgs[c->org];
	struct sink *s = &out->docs;
	char date[LAW_DATE_STRLEN];
	fmt_day(d->date, date);
	const char *title = law_documents[d->type].title;
	col_i(s, d->id);
	col_i(s, o->id);
	col_i(s, request_id);
	col_i(s, d->seq);
	col_s(s, law_documents[d->type].id);
	col_s(s, title);
	col_s(s, d->issued ? "issued" : "draft");
	col_fmt(s, "%s, dnia %s\n\nZnak sprawy: %s\n\n# %s\n\nW odpowiedzi na wniosek z dnia ... "
	           "uprzejmie informuję, że sprawa została rozpatrzona.\n",
	        o->place, date, cn, title);
	if (d->issued) {
		col_fmt(s, "<p>%s, dnia %s</p><p>Znak sprawy: %s</p><h1>%s</h1><p>W odpowiedzi na wniosek "
		           "uprzejmie informuję, że sprawa została rozpatrzona.</p>",
		        o->place, date, cn, title);
		col_bytea(s, m->pdf, m->pdf_len);
		col_bytea(s, m->pdf_sha, 32);
		col_id(s, d->author != NO_USER ? o->users[d->author].id : 0);
		col_ts(s, d->at_us + 1800 * 1000000LL);
	} else {
		for (int i = 0; i < 5; i++)
			col_s(s, NULL);
	}
	col_ts(s, d->at_us);
	struct jpair jp[1] = {{"date", date, 0}};
	struct jbuf jb;
	jb_object(&jb, jp, 1);
	col_s(s, jb.b);
	static const char *const deliveries[] = {"email", "post", "tracking_page"};
	col_s(s, d->issued ? deliveries[c->seed % 3] : NULL);
	row_end(s);
}

/* Takes case i through its plan up to today; writes its request, requester,
 * terms, documents and deliveries and records its events and publication. */
static void simulate(struct model *m, struct outputs *out, size_t i)
{
	struct scase *c = &m->cases[i];
	struct sorg *o = &m->orgs[c->org];
	struct sunit *un = &o->units[c->unit];
	uint64_t r = c->seed ^ 0x73696dULL;
	long long request_id = m->first_request + (long long)i;
	static struct sim x;
	memset(&x, 0, sizeof x);
	x.state = LAW_STATE_NONE;
	x.closed_on = NO_DAY;
	law_date_t received;
	law_warsaw_date(c->received_at, &received);
	int32_t rday = day_of(received);
	c->plan = (uint8_t)pick_plan(&r, c->kind ? LAW_KIND_REUSE : LAW_KIND_PUBLIC_INFORMATION);
	bool citizen = c->channel == CH_WEB || c->channel == CH_API;
	uint16_t registrar = (uint16_t)(un->clerk_first + (int)rnd(&r, (uint32_t)un->nclerks));
	uint16_t clerk = (uint16_t)(un->clerk_first + (int)rnd(&r, (uint32_t)un->nclerks));
	char cn[LAW_CASENUM_STRLEN + 8];
	case_number(m, c, cn, sizeof cn);
	uint8_t ord = 0;

	/* Registration. */
	law_case_t lc;
	law_case_of(&x, o, c, received, &lc);
	law_action_input_t in = {.action = LAW_ACT_REGISTER,
	                         .role = citizen ? LAW_ROLE_REQUESTER : LAW_ROLE_CLERK,
	                         .date = received};
	int64_t at = c->received_at * 1000000 + (int64_t)rnd(&r, 1000000);
	if (!law_decide(&lc, &in, &outcome)) {
		m->refused_steps++;
		return;
	}
	apply_outcome(&x, &outcome, rday, at);
	struct sevent *e = add_event(m);
	*e = (struct sevent){at, (uint32_t)i, LAW_ACT_REGISTER, 0xff, (uint8_t)x.state,
	                     citizen ? 0 : 1, citizen ? NO_USER : registrar, 0, ord++, rday, 0};
	x.last_us = at;

	/* The plan's steps, as long as they are dated today or earlier. */
	int32_t date = rday;
	uint8_t closing_basis = 0;
	law_state_t outcome_state = LAW_STATE_NONE;
	long long closing_doc = 0;
	for (int k = 0; k < 8 && plans[c->plan].s[k].act; k++) {
		const struct pstep *ps = &plans[c->plan].s[k];
		date += rrange(&r, ps->dmin, ps->dmax);
		if (date > m->today)
			break;
		int32_t sdate = date;
		law_date_t d = law_date_from_days(sdate);
		law_case_of(&x, o, c, received, &lc);
		memset(&in, 0, sizeof in);
		in.action = ps->act;
		in.role = ps->who == BY_REQUESTER ? LAW_ROLE_REQUESTER : LAW_ROLE_CLERK;
		in.date = d;
		in.sent = d;
		if (ps->act == LAW_ACT_EXTEND) {
			law_date_t nd = law_date_add_days(law_date_add_months(received, 1), rrange(&r, 0, 20));
			law_date_t cap = law_date_add_months(received, 2);
			in.new_due = law_date_cmp(nd, cap) > 0 ? cap : nd;
		}
		/* A window that ends later than planned (days off at its end):
		 * its expiry is recorded a week later. */
		bool allowed = law_decide(&lc, &in, &outcome);
		if (!allowed && (ps->act == LAW_ACT_REMEDY_WINDOW_EXPIRED || ps->act == LAW_ACT_LEAVE_UNPROCESSED ||
		                 ps->act == LAW_ACT_RELEASE_AFTER_FEE || ps->act == LAW_ACT_OFFER_WINDOW_EXPIRED) &&
		    date + 7 <= m->today) {
			date += 7;
			sdate = date;
			d = law_date_from_days(sdate);
			in.date = in.sent = d;
			allowed = law_decide(&lc, &in, &outcome);
		}
		if (!allowed) {
			m->refused_steps++;
			m->refused_by_action[ps->act]++;
			break;
		}
		/* Office hours, after whatever happened before. */
		at = warsaw_us(sdate, 8 * 3600 + (int)rnd(&r, 8 * 3600)) + (int64_t)rnd(&r, 1000000);
		if (at <= x.last_us)
			at = x.last_us + (int64_t)rrange(&r, 60, 1800) * 1000000;
		law_state_t before = x.state;
		apply_outcome(&x, &outcome, sdate, at);
		x.steps++;
		uint16_t actor_user = NO_USER;
		uint8_t actor = 0;
		if (ps->who == BY_MANAGER) {
			actor = 2;
			actor_user = (uint16_t)un->manager;
		} else if (ps->who == BY_CLERK) {
			actor = 1;
			actor_user = c->assignee != NO_USER ? c->assignee : clerk;
		}
		if (ps->act == LAW_ACT_ASSIGN)
			c->assignee = clerk;
		e = add_event(m);
		*e = (struct sevent){at, (uint32_t)i, (uint8_t)ps->act, (uint8_t)before, (uint8_t)x.state,
		                     actor, actor_user, (uint8_t)outcome.document, ord++, sdate, 0};
		if (ps->act == LAW_ACT_EXTEND)
			e->aux = day_of(in.new_due);
		if (ps->act == LAW_ACT_REFUSE || ps->act == LAW_ACT_PROVIDE_PARTLY ||
		    ps->act == LAW_ACT_DISCONTINUE || ps->act == LAW_ACT_DECIDE_CONDITIONS) {
			closing_basis = (uint8_t)(1 + rnd(&r, sizeof legal_bases / sizeof legal_bases[0]));
			e->aux = closing_basis;
		}
		if (closing_state(x.state))
			outcome_state = x.state;
		x.last_us = at;
		if (ps->act == LAW_ACT_RECORD_DELIVERY) {
			/* The letter just delivered: the last one issued. */
			for (int q = x.ndocs - 1; q >= 0; q--)
				if (x.docs[q].issued) {
					struct sink *s = &out->deliveries;
					col_i(s, m->first_delivery + m->ndeliveries++);
					col_i(s, o->id);
					col_i(s, x.docs[q].id);
					col_day(s, sdate);
					col_id(s, o->users[actor_user != NO_USER ? actor_user : clerk].id);
					col_ts(s, at);
					row_end(s);
					break;
				}
		}
		if (outcome.document != LAW_DOC_NONE && x.ndocs < 16) {
			struct doc_row *dr = &x.docs[x.ndocs++];
			dr->id = m->first_doc + m->ndocs++;
			dr->seq = x.ndocs;
			dr->type = outcome.document;
			dr->at_us = at;
			dr->date = sdate;
			dr->author = actor_user != NO_USER ? actor_user : clerk;
			dr->issued = true;
			if (closing_state(x.state))
				closing_doc = dr->id;
		}
	}
	/* The last letter of a case still open may be a draft. */
	if (x.ndocs && x.closed_on == NO_DAY && rnd(&r, 100) < 25 &&
	    x.docs[x.ndocs - 1].date >= m->today - 3)
		x.docs[x.ndocs - 1].issued = false;
	for (int q = 0; q < x.ndocs; q++) {
		struct doc_row *dr = &x.docs[q];
		write_document(m, out, c, request_id, dr, cn);
		if (!dr->issued)
			continue;
		int64_t iat = dr->at_us + 1800 * 1000000LL;
		e = add_event(m);
		*e = (struct sevent){iat, (uint32_t)i, EV_ISSUE, 0xff, 0xff, 1, dr->author,
		                     (uint8_t)dr->seq, ord++, dr->date, (int32_t)dr->type};
		if (iat > x.last_us)
			x.last_us = iat;
	}
	c->closed_on = x.closed_on;
	c->outcome = (uint8_t)outcome_state;
	c->basis = closing_basis;

	/* The register: a share of the closed cases, a few days after closing. */
	if (x.closed_on != NO_DAY && publishable(outcome_state) && rnd(&r, 100) < 55) {
		int32_t pday = x.closed_on + rrange(&r, 1, 10);
		if (pday <= m->today) {
			if (m->npubs == m->cap_pubs) {
				m->cap_pubs = m->cap_pubs ? m->cap_pubs * 2 : 1 << 18;
				m->pubs = xrealloc(m->pubs, m->cap_pubs * sizeof *m->pubs);
			}
			struct spub *p = &m->pubs[m->npubs++];
			memset(p, 0, sizeof *p);
			p->case_idx = (uint32_t)i;
			p->doc_id = closing_doc;
			p->at_us = warsaw_us(pday, 9 * 3600 + (int)rnd(&r, 7 * 3600));
			if (p->at_us <= x.last_us)
				p->at_us = x.last_us + 600 * 1000000LL;
			e = add_event(m);
			*e = (struct sevent){p->at_us, (uint32_t)i, EV_PUBLISH, 0xff, 0xff, 3,
			                     (uint16_t)o->admin, 0, ord++, pday, 0};
			int32_t v2 = pday + rrange(&r, 3, 60);
			if (rnd(&r, 100) < 5 && v2 <= m->today) {
				p->v2_us = warsaw_us(v2, 9 * 3600 + (int)rnd(&r, 7 * 3600));
				e = add_event(m);
				*e = (struct sevent){p->v2_us, (uint32_t)i, EV_PUBLISH, 0xff, 0xff, 3,
				                     (uint16_t)o->admin, 1, ord++, v2, 0};
			}
			int64_t last = p->v2_us ? p->v2_us : p->at_us;
			if (last > x.last_us)
				x.last_us = last;
		}
	}
	c->last_event_us = x.last_us;

	/* The request: due date of the body's nearest open term, as the
	 * trigger keeps it. */
	int32_t due = NO_DAY;
	for (int k = 0; k < x.nterms; k++)
		if (x.terms[k].state == 'o' && law_terms[x.terms[k].kind].side == LAW_SIDE_BODY &&
		    (due == NO_DAY || x.terms[k].due < due))
			due = x.terms[k].due;
	char subject[300];
	subject_of(c, subject, sizeof subject);
	char token[TOKEN_LEN + 1];
	unsigned char hash[32];
	token_random(token);
	token_hash(token, hash);
	if (out->tokens && i % out->token_every == 0)
		fprintf(out->tokens, "%s %s %s\n", o->host, token, law_states[x.state].id);
	struct sink *s = &out->req;
	col_i(s, request_id);
	col_i(s, o->id);
	col_i(s, un->id);
	col_s(s, cn);
	col_s(s, c->kind ? "1432" : "1431");
	col_i(s, c->seq);
	col_i(s, received.y);
	col_s(s, c->kind ? "reuse" : "public_information");
	col_s(s, channel_ids[c->channel]);
	col_ts(s, c->received_at * 1000000);
	col_day(s, rday);
	col_s(s, subject);
	col_fmt(s, "Na podstawie art. 2 ust. 1 ustawy z dnia 6 września 2001 r. o dostępie do informacji "
	           "publicznej wnoszę o udostępnienie informacji: %s.\n\nProszę o przesłanie odpowiedzi "
	           "w formie elektronicznej.",
	        subject);
	col_s(s, c->kind ? "" : PICK(&r, forms));
	uint32_t dl = rnd(&r, 100);
	const char *delivery = c->channel == CH_POST ? "post" : dl < 75 ? "email" : dl < 90 ? "tracking_page" : "post";
	col_s(s, delivery);
	col_s(s, c->kind ? "Analiza i publikacja w serwisie z danymi otwartymi." : NULL);
	col_s(s, c->kind ? "plik CSV" : NULL);
	col_s(s, c->kind ? "pobranie ze strony lub e-mail" : NULL);
	col_s(s, law_states[x.state].id);
	col_day(s, x.closed_on);
	col_id(s, c->assignee != NO_USER ? o->users[c->assignee].id : 0);
	col_bytea(s, hash, 32);
	col_i(s, 1 + x.steps);
	col_ts(s, c->received_at * 1000000 + 1000);
	col_ts(s, x.last_us);
	col_day(s, due);
	if (m->has_aot) {
		/* What terms_note_answer keeps: the answer term a step ended
		 * last; met true, missed false, otherwise null. */
		int best = -1;
		for (int k = 0; k < x.nterms; k++) {
			law_term_kind_t tk = x.terms[k].kind;
			if (x.terms[k].state != 'o' &&
			    (tk == LAW_TERM_ANSWER || tk == LAW_TERM_ANSWER_EXTENDED ||
			     tk == LAW_TERM_REUSE_ANSWER || tk == LAW_TERM_REUSE_ANSWER_EXTENDED) &&
			    (best < 0 || x.terms[k].closed_on >= x.terms[best].closed_on))
				best = k;
		}
		if (best >= 0 && (x.terms[best].state == 'm' || x.terms[best].state == 'x'))
			col_b(s, x.terms[best].state == 'm');
		else
			col_s(s, NULL);
	}
	row_end(s);

	/* The requester: a person (sometimes anonymous) or an organisation. */
	char name[96] = "", email[96] = "", addr[160] = "";
	uint32_t who = rnd(&r, 100);
	if (who < 20)
		snprintf(name, sizeof name, "%s", PICK(&r, organisations_req));
	else if (who < 88 || c->kind)
		person_name(&r, name, sizeof name);
	if (strcmp(delivery, "email") == 0 || rnd(&r, 2))
		snprintf(email, sizeof email, "wnioskodawca%zu@example.pl", i + 1);
	if (strcmp(delivery, "post") == 0 || c->kind)
		snprintf(addr, sizeof addr, "ul. %s %d/%d, %02d-%03d %s", PICK(&r, streets), rrange(&r, 1, 120),
		         rrange(&r, 1, 40), rrange(&r, 0, 99), rrange(&r, 0, 999), PICK(&r, places));
	s = &out->requester;
	col_i(s, request_id);
	col_i(s, o->id);
	col_s(s, name);
	col_s(s, email);
	col_s(s, addr);
	col_s(s, rnd(&r, 10) ? "" : "+48 600 100 200");
	if (citizen)
		col_fmt(s, "%d.%d.%d.%d", 80 + (int)rnd(&r, 120), (int)rnd(&r, 256), (int)rnd(&r, 256),
		        1 + (int)rnd(&r, 254));
	else
		col_s(s, NULL);
	col_ts(s, c->received_at * 1000000 + 1000);
	row_end(s);

	/* The terms with how each was computed. */
	s = &out->terms;
	for (int k = 0; k < x.nterms; k++) {
		const struct term_row *t = &x.terms[k];
		const law_term_info_t *ti = &law_terms[t->kind];
		static struct jbuf jb;
		jb.n = 0;
		jb_raw(&jb, "[", 1);
		for (int q = 0; q < t->nsteps; q++) {
			if (q)
				jb_raw(&jb, ",", 1);
			jb_str(&jb, t->steps[q]);
		}
		jb_raw(&jb, "]", 1);
		col_i(s, m->first_term + m->nterms++);
		col_i(s, o->id);
		col_i(s, request_id);
		col_s(s, ti->id);
		col_s(s, ti->label);
		col_s(s, ti->basis);
		col_s(s, ti->side == LAW_SIDE_REQUESTER ? "requester" : "body");
		col_day(s, t->start);
		col_day(s, t->unshifted);
		col_day(s, t->due);
		col_s(s, term_state_id(t->state));
		col_b(s, t->at_risk);
		col_s(s, jb.b);
		col_day(s, t->closed_on);
		col_ts(s, t->at_us);
		row_end(s);
	}
}

/* ---- Writing the events with their hash chain --------------------------------------------- */

static const char *actor_ids[] = {"requester", "clerk", "manager", "admin"};

static bool copy_events(PGconn *c, struct model *m, struct progress *p)
{
	progress_phase(p, "sorting events", 0);
	qsort(m->events, m->nevents, sizeof *m->events, cmp_event);
	progress_phase(p, "events", (long long)m->nevents);
	if (!copy_begin_big(c, "COPY events (id, org_id, request_id, at, actor, actor_user_id, action, "
	                   "from_state, to_state, data, prev_hash, hash) FROM STDIN", true))
		return false;
	struct sink s;
	sk_init(&s, c, NULL, p);
	static char payload[16384];
	for (size_t k = 0; k < m->nevents; k++) {
		const struct sevent *e = &m->events[k];
		const struct scase *cs = &m->cases[e->case_idx];
		struct sorg *o = &m->orgs[cs->org];
		long long id = m->first_event + (long long)k;
		long long request_id = m->first_request + e->case_idx;
		char date[LAW_DATE_STRLEN], aux[LAW_DATE_STRLEN], cn[LAW_CASENUM_STRLEN + 8], ver[8];
		fmt_day(e->date, date);
		struct jpair jp[6];
		int n = 0;
		const char *action;
		if (e->action == EV_ISSUE) {
			action = "issue_document";
			static const char *const deliveries[] = {"email", "post", "tracking_page"};
			jp[n++] = (struct jpair){"seq", NULL, e->doc};
			jp[n++] = (struct jpair){"sha256", m->pdf_hex, 0};
			jp[n++] = (struct jpair){"document", law_documents[e->aux].id, 0};
			jp[n++] = (struct jpair){"delivery", deliveries[cs->seed % 3], 0};
		} else if (e->action == EV_PUBLISH) {
			action = "publish";
			snprintf(ver, sizeof ver, "1.%d", e->doc);
			jp[n++] = (struct jpair){"version", ver, 0};
		} else if (e->action == LAW_ACT_REGISTER) {
			action = "register";
			case_number(m, cs, cn, sizeof cn);
			jp[n++] = (struct jpair){"channel", channel_ids[cs->channel], 0};
			jp[n++] = (struct jpair){"case_number", cn, 0};
		} else {
			action = law_actions[e->action].id;
			jp[n++] = (struct jpair){"date", date, 0};
			if (e->action == LAW_ACT_ASSIGN && cs->assignee != NO_USER)
				jp[n++] = (struct jpair){"assignee", o->users[cs->assignee].name, 0};
			if (e->action == LAW_ACT_EXTEND) {
				fmt_day(e->aux, aux);
				jp[n++] = (struct jpair){"new_due", aux, 0};
			}
			if (e->aux && (e->action == LAW_ACT_REFUSE || e->action == LAW_ACT_PROVIDE_PARTLY ||
			               e->action == LAW_ACT_DISCONTINUE || e->action == LAW_ACT_DECIDE_CONDITIONS))
				jp[n++] = (struct jpair){"legal_basis", legal_bases[e->aux - 1], 0};
			if (e->doc)
				jp[n++] = (struct jpair){"document", law_documents[e->doc].id, 0};
		}
		struct jbuf jb;
		jb_object(&jb, jp, n);
		char at_iso[40];
		fmt_us(e->at_us, true, at_iso);
		const char *from = e->from != 0xff ? law_states[e->from].id : "";
		const char *to = e->to != 0xff ? law_states[e->to].id : "";
		char user[24] = "";
		if (e->user != NO_USER)
			snprintf(user, sizeof user, "%lld", o->users[e->user].id);
		/* event_payload(): concat_ws('|', ...) of the columns, NULLs as ''. */
		int len = snprintf(payload, sizeof payload, "%lld|%lld|%lld|%s|%s|%s|%s|%s|%s|%s", id, o->id,
		                   request_id, at_iso, actor_ids[e->actor], user, action, from, to, jb.b);
		unsigned char hash[32];
		crypto_hash_sha256_state st;
		crypto_hash_sha256_init(&st);
		if (o->last_event)
			crypto_hash_sha256_update(&st, o->chain, 32);
		crypto_hash_sha256_update(&st, (const unsigned char *)payload, (unsigned long long)len);
		crypto_hash_sha256_final(&st, hash);
		col_i(&s, id);
		col_i(&s, o->id);
		col_i(&s, request_id);
		col_ts(&s, e->at_us);
		col_s(&s, actor_ids[e->actor]);
		col_s(&s, *user ? user : NULL);
		col_s(&s, action);
		col_s(&s, *from ? from : NULL);
		col_s(&s, *to ? to : NULL);
		col_s(&s, jb.b);
		col_bytea(&s, o->chain, o->last_event ? 32 : 0);
		col_bytea(&s, hash, 32);
		row_end(&s);
		memcpy(o->chain, hash, 32);
		o->last_event = id;
	}
	bool ok = copy_end(&s, "events");
	ok = ok && copy_begin(c, "COPY event_chain (org_id, last_hash, last_id) FROM STDIN");
	for (int i = 0; ok && i < m->norgs; i++) {
		struct sorg *o = &m->orgs[i];
		if (!o->last_event)
			continue;
		col_i(&s, o->id);
		col_bytea(&s, o->chain, 32);
		col_i(&s, o->last_event);
		row_end(&s);
	}
	ok = ok && copy_end(&s, "event_chain");
	free(s.buf);
	return ok;
}

/* ---- The register ----------------------------------------------------------------------- */

/* What a version 1.1 adds to the answer. */
#define SECOND_VERSION "Uzupełniono o zestawienie przekazane wnioskodawcy."

static int cmp_pub(const void *a, const void *b)
{
	const struct spub *x = a, *y = b;
	if (x->at_us != y->at_us)
		return x->at_us < y->at_us ? -1 : 1;
	return x->case_idx < y->case_idx ? -1 : x->case_idx > y->case_idx;
}

struct vref {
	int64_t at_us;
	uint32_t pub;
	uint8_t minor;
};

static int cmp_vref(const void *a, const void *b)
{
	const struct vref *x = a, *y = b;
	if (x->at_us != y->at_us)
		return x->at_us < y->at_us ? -1 : 1;
	return x->pub < y->pub ? -1 : x->pub > y->pub;
}

static bool copy_register(PGconn *c, struct model *m, struct progress *p)
{
	qsort(m->pubs, m->npubs, sizeof *m->pubs, cmp_pub);
	size_t nv = 0;
	struct vref *vs = xmalloc(sizeof *vs * (m->npubs * 2 + 1));
	for (size_t k = 0; k < m->npubs; k++) {
		m->pubs[k].id = m->first_pub + (long long)k;
		vs[nv++] = (struct vref){m->pubs[k].at_us, (uint32_t)k, 0};
		if (m->pubs[k].v2_us)
			vs[nv++] = (struct vref){m->pubs[k].v2_us, (uint32_t)k, 1};
	}
	qsort(vs, nv, sizeof *vs, cmp_vref);
	for (size_t k = 0; k < nv; k++) {
		struct spub *pb = &m->pubs[vs[k].pub];
		if (vs[k].minor)
			pb->v2_id = m->first_version + (long long)k;
		else
			pb->v1_id = m->first_version + (long long)k;
	}
	m->nversions = (long long)nv;

	progress_phase(p, "publications", (long long)m->npubs);
	struct sink s;
	sk_init(&s, c, NULL, p);
	bool ok = copy_begin_big(c, "COPY publications (id, org_id, request_id, case_number, kind, unit_id, "
	                        "received_on, published_by, first_published_at, version_id, version, "
	                        "version_published_at, public_subject, answer, outcome, legal_basis, "
	                        "changed_at) FROM STDIN", true);
	for (size_t k = 0; ok && k < m->npubs; k++) {
		const struct spub *pb = &m->pubs[k];
		const struct scase *cs = &m->cases[pb->case_idx];
		const struct sorg *o = &m->orgs[cs->org];
		char cn[LAW_CASENUM_STRLEN + 8], subject[300];
		case_number(m, cs, cn, sizeof cn);
		subject_of(cs, subject, sizeof subject);
		law_date_t rec;
		law_warsaw_date(cs->received_at, &rec);
		col_i(&s, pb->id);
		col_i(&s, o->id);
		col_i(&s, m->first_request + pb->case_idx);
		col_s(&s, cn);
		col_s(&s, cs->kind ? "reuse" : "public_information");
		col_i(&s, o->units[cs->unit].id);
		col_day(&s, day_of(rec));
		col_i(&s, o->users[o->admin].id);
		col_ts(&s, pb->at_us);
		col_i(&s, pb->v2_id ? pb->v2_id : pb->v1_id);
		col_s(&s, pb->v2_id ? "1.1" : "1.0");
		col_ts(&s, pb->v2_us ? pb->v2_us : pb->at_us);
		col_s(&s, subject);
		if (pb->v2_id)
			col_fmt(&s, "%s " SECOND_VERSION, default_answer((law_state_t)cs->outcome));
		else
			col_s(&s, default_answer((law_state_t)cs->outcome));
		col_s(&s, law_states[cs->outcome].id);
		col_s(&s, cs->basis ? legal_bases[cs->basis - 1] : "");
		col_ts(&s, cs->last_event_us);
		row_end(&s);
	}
	ok = ok && copy_end(&s, "publications");
	progress_phase(p, "publication versions", (long long)nv);
	ok = ok && copy_begin_big(c, "COPY publication_versions (id, publication_id, org_id, major, minor, title, "
	                         "public_subject, answer, outcome, legal_basis, document_ids, produced_by, "
	                         "responsible, produced_on, entered_by, entered_by_name, published_at) FROM STDIN", true);
	for (size_t k = 0; ok && k < nv; k++) {
		const struct spub *pb = &m->pubs[vs[k].pub];
		const struct scase *cs = &m->cases[pb->case_idx];
		const struct sorg *o = &m->orgs[cs->org];
		const struct sunit *un = &o->units[cs->unit];
		char cn[LAW_CASENUM_STRLEN + 8], subject[300];
		case_number(m, cs, cn, sizeof cn);
		subject_of(cs, subject, sizeof subject);
		col_i(&s, m->first_version + (long long)k);
		col_i(&s, pb->id);
		col_i(&s, o->id);
		col_i(&s, 1);
		col_i(&s, vs[k].minor);
		col_fmt(&s, "Sprawa %s: %s", cn, subject);
		col_s(&s, subject);
		if (vs[k].minor)
			col_fmt(&s, "%s " SECOND_VERSION,
			        default_answer((law_state_t)cs->outcome));
		else
			col_s(&s, default_answer((law_state_t)cs->outcome));
		col_s(&s, law_states[cs->outcome].id);
		col_s(&s, cs->basis ? legal_bases[cs->basis - 1] : "");
		if (pb->doc_id)
			col_fmt(&s, "{%lld}", pb->doc_id);
		else
			col_s(&s, "{}");
		if (cs->assignee != NO_USER)
			col_fmt(&s, "%s, %s", o->users[cs->assignee].name, un->name);
		else
			col_s(&s, un->name);
		col_s(&s, un->name);
		col_day(&s, cs->closed_on);
		col_i(&s, o->users[o->admin].id);
		col_s(&s, o->users[o->admin].name);
		col_ts(&s, vs[k].at_us);
		row_end(&s);
	}
	ok = ok && copy_end(&s, "publication_versions");
	free(s.buf);
	free(vs);
	return ok;
}

/* ---- Loading a table fast, and safely ---------------------------------------------------- */

/* Per big table: its secondary indexes are dropped before the COPY and
 * built again after it (a sort is much faster than a million insertions,
 * a GIN index especially); its foreign-key checks are switched off when we
 * are a superuser and every foreign key of the loaded tables is checked
 * at the end with one anti-join each, before the commit. All of it is in
 * the transaction: a failure restores the schema as it was. */
#define MAX_SAVED 32
struct table_state {
	const char *table;
	int nidx;
	char *idx_def[MAX_SAVED];
	int nri;
	char *ri_name[MAX_SAVED];
};

static bool table_prepare(PGconn *c, bool superuser, struct table_state *t, const char *table)
{
	memset(t, 0, sizeof *t);
	t->table = table;
	const char *p[1] = {table};
	PGresult *r = PQexecParams(c,
	                           "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
	                           "FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT EXISTS "
	                           "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1",
	                           1, NULL, p, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	for (int i = 0; ok && i < PQntuples(r) && t->nidx < MAX_SAVED; i++) {
		char sql[512];
		snprintf(sql, sizeof sql, "DROP INDEX %s", PQgetvalue(r, i, 0));
		t->idx_def[t->nidx++] = strdup(PQgetvalue(r, i, 1));
		ok = run(c, sql);
	}
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "\njawnosc seed: indexes of %s: %s", table, PQresultErrorMessage(r));
	PQclear(r);
	/* Unique constraints no foreign key depends on: dropped and added
	 * again (the index is built by a sort, and checks the rows). */
	r = PQexecParams(c,
	                 "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
	                 "WHERE k.conrelid = $1::regclass AND k.contype = 'u' AND NOT EXISTS "
	                 "(SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid) "
	                 "ORDER BY 1",
	                 1, NULL, p, NULL, NULL, 0);
	ok = ok && PQresultStatus(r) == PGRES_TUPLES_OK;
	for (int i = 0; ok && i < PQntuples(r) && t->nidx < MAX_SAVED; i++) {
		char sql[1024];
		snprintf(sql, sizeof sql, "ALTER TABLE %s ADD CONSTRAINT %s %s", table, PQgetvalue(r, i, 0),
		         PQgetvalue(r, i, 1));
		t->idx_def[t->nidx++] = strdup(sql);
		snprintf(sql, sizeof sql, "ALTER TABLE %s DROP CONSTRAINT %s", table, PQgetvalue(r, i, 0));
		ok = run(c, sql);
	}
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "\njawnosc seed: constraints of %s: %s", table, PQresultErrorMessage(r));
	PQclear(r);
	if (!ok || !superuser)
		return ok;
	r = PQexecParams(c,
	                 "SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND tgisinternal "
	                 "AND tgenabled <> 'D' AND tgfoid = 'pg_catalog.\"RI_FKey_check_ins\"'::regproc",
	                 1, NULL, p, NULL, NULL, 0);
	ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	for (int i = 0; ok && i < PQntuples(r) && t->nri < MAX_SAVED; i++) {
		char sql[512];
		t->ri_name[t->nri++] = strdup(PQgetvalue(r, i, 0));
		snprintf(sql, sizeof sql, "ALTER TABLE %s DISABLE TRIGGER \"%s\"", table, PQgetvalue(r, i, 0));
		ok = run(c, sql);
	}
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "\njawnosc seed: triggers of %s: %s", table, PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

/* The indexes again; then, when foreign keys are checked row by row,
 * statistics for the plans of those checks (a freshly loaded table looks
 * empty to them: a scan per row). */
static bool analyze_each = false;

static bool table_indexes(PGconn *c, struct table_state *t, struct progress *p)
{
	char phase[64], sql[128];
	snprintf(phase, sizeof phase, "%s: indexes", t->table);
	progress_phase(p, phase, t->nidx);
	bool ok = true;
	for (int i = 0; ok && i < t->nidx; i++) {
		ok = run_ticking(c, t->idx_def[i], p);
		p->pdone++;
		progress_show(p, false);
	}
	snprintf(sql, sizeof sql, "ANALYZE %s", t->table);
	return ok && (!analyze_each || run(c, sql));
}

static bool table_enable(PGconn *c, struct table_state *t)
{
	bool ok = true;
	for (int i = 0; ok && i < t->nri; i++) {
		char sql[512];
		snprintf(sql, sizeof sql, "ALTER TABLE %s ENABLE TRIGGER \"%s\"", t->table, t->ri_name[i]);
		ok = run(c, sql);
	}
	return ok;
}

static void table_free(struct table_state *t)
{
	for (int i = 0; i < t->nidx; i++)
		free(t->idx_def[i]);
	for (int i = 0; i < t->nri; i++)
		free(t->ri_name[i]);
	t->nidx = t->nri = 0;
}

/* Every foreign key of the loaded tables, checked in bulk: one anti-join
 * each; a row without its parent aborts the transaction. */
static const char *check_foreign_keys_sql =
    "DO $$\n"
    "DECLARE r record; n bigint;\n"
    "BEGIN\n"
    "  FOR r IN SELECT k.conname, k.conrelid::regclass AS child, k.confrelid::regclass AS parent,\n"
    "      (SELECT string_agg(format('c.%I IS NOT NULL', a.attname), ' AND ')\n"
    "         FROM unnest(k.conkey) AS u(n) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n) AS present,\n"
    "      (SELECT string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND ')\n"
    "         FROM unnest(k.conkey, k.confkey) AS u(ck, pk)\n"
    "         JOIN pg_attribute ca ON ca.attrelid = k.conrelid AND ca.attnum = u.ck\n"
    "         JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = u.pk) AS joined\n"
    "    FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = ANY ('{@TABLES@}'::regclass[])\n"
    "  LOOP\n"
    "    EXECUTE format('SELECT count(*) FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)',\n"
    "                   r.child, r.present, r.parent, r.joined) INTO n;\n"
    "    IF n > 0 THEN\n"
    "      RAISE EXCEPTION 'seed: % rows of % break the foreign key %', n, r.child, r.conname;\n"
    "    END IF;\n"
    "  END LOOP;\n"
    "END $$";

/* When the big tables and every table that refers to them are empty,
 * TRUNCATE them in this transaction, so that COPY may write frozen rows
 * (COPY FREEZE): the database is then as VACUUM would leave it, without
 * a pass over the whole of it. Statement triggers that refuse TRUNCATE
 * (the append-only event log) are switched off for that one statement. */
static bool empty_truncate(PGconn *c, bool *ok)
{
	PGresult *r = PQexec(c,
	                     "WITH RECURSIVE t(rel) AS ("
	                     " SELECT unnest('{requests,requesters,terms,documents,deliveries,events,"
	                     "publications,publication_versions}'::regclass[])"
	                     " UNION SELECT k.conrelid FROM pg_constraint k JOIN t ON k.confrelid = t.rel"
	                     " WHERE k.contype = 'f')"
	                     " SELECT rel::text FROM t");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "\njawnosc seed: %s", PQresultErrorMessage(r));
		PQclear(r);
		*ok = false;
		return false;
	}
	char list[2048] = "";
	size_t n = 0;
	bool empty = true;
	for (int i = 0; *ok && empty && i < PQntuples(r); i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 1) x", PQgetvalue(r, i, 0));
		empty = query_ll(c, sql, ok) == 0;
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", PQgetvalue(r, i, 0));
	}
	PQclear(r);
	if (!*ok || !empty || n >= sizeof list - 1)
		return false;
	/* User triggers fired by TRUNCATE (tgtype bit 5) on those tables. */
	char sql[4096];
	snprintf(sql, sizeof sql,
	         "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
	         "AND tgenabled <> 'D' AND (tgtype & 32) <> 0 AND tgrelid = ANY ('{%s}'::regclass[])",
	         list);
	r = PQexec(c, sql);
	*ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	for (int i = 0; *ok && i < PQntuples(r); i++) {
		snprintf(sql, sizeof sql, "ALTER TABLE %s DISABLE TRIGGER %s", PQgetvalue(r, i, 0),
		         PQgetvalue(r, i, 1));
		*ok = run(c, sql);
	}
	snprintf(sql, sizeof sql, "TRUNCATE %s", list);
	*ok = *ok && run(c, sql);
	for (int i = 0; *ok && i < PQntuples(r); i++) {
		snprintf(sql, sizeof sql, "ALTER TABLE %s ENABLE TRIGGER %s", PQgetvalue(r, i, 0),
		         PQgetvalue(r, i, 1));
		*ok = run(c, sql);
	}
	PQclear(r);
	return *ok;
}

/* ---- The command ----------------------------------------------------------------------- */

static void usage(FILE *out)
{
	fputs("Usage: jawnosc seed --cases N --orgs M [--months K] [--seed S] [--tokens FILE]\n\n"
	      "Loads N requests in M public bodies for benchmarks, in one transaction with COPY:\n"
	      "bodies org-0001 ... (Host header \"org-0001.example\"), each with units and staff\n"
	      "(admin@, sekretarz@ (manager of the whole body), kierownik-<unit>@ and\n"
	      "urzednik<n>-<unit>@<host>, password " SCALE_PASSWORD "), requests received over the\n"
	      "last K months (default 24) taken through the law core along realistic plans, with\n"
	      "their terms, events (hash chain intact), issued letters, deliveries and a share\n"
	      "published in the register. Then VACUUM ANALYZE. Shows a progress bar on a terminal.\n"
	      "Nothing else may use the database meanwhile (its tables are locked). The rows that\n"
	      "refer to requests wait in temporary files in /tmp (about 3 GB for a million).\n\n"
	      "  --tokens FILE   write \"HOST TOKEN STATE\" lines for about 20,000 cases (tracking pages)\n"
	      "  --seed S        random seed (default 1): the same seed on the same day gives the\n"
	      "                  same bodies and cases (tracking tokens are random)\n"
	      "Refuses a database where org-0001 exists.\n",
	      out);
}

static bool parse_count(const char *s, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s ? s : "", &end, 10);
	if (errno || !s || !*s || *end || v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

/* Reserves `n` identifiers of a table's sequence; returns the first. */
static long long reserve(PGconn *c, const char *table, long long n, bool *ok)
{
	char sql[256];
	long long extra = n > 0 ? n - 1 : 0;
	snprintf(sql, sizeof sql,
	         "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
	         "nextval(pg_get_serial_sequence('%s', 'id')) + %lld) - %lld",
	         table, table, extra, extra);
	return query_ll(c, sql, ok);
}

/* The triggers whose work the seed does itself (see the top of the file). */
static const struct {
	const char *table, *trigger;
} own_triggers[] = {
    {"terms", "terms_refresh_due"},
    {"terms", "terms_note_answer"},
    {"events", "events_chain"},
    {"events", "events_touch_publication"},
    /* The change notifications (migrations/0009): one for everything at
     * the end instead. */
    {"organisations", "organisations_notify_ins"},
    {"units", "units_notify_ins"},
    {"users", "users_notify_ins"},
    {"requests", "requests_notify_ins"},
    {"requesters", "requesters_notify_ins"},
    {"terms", "terms_notify_ins"},
    {"events", "events_notify_ins"},
    {"documents", "documents_notify_ins"},
    {"attachments", "attachments_notify_ins"},
    {"deliveries", "deliveries_notify_ins"},
    {"publications", "publications_notify_ins"},
    {"publication_versions", "publication_versions_notify_ins"},
};
#define NOWN (sizeof own_triggers / sizeof own_triggers[0])

static bool own_trigger_exists(PGconn *c, int i, bool *ok)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM pg_trigger WHERE tgrelid = '%s'::regclass AND tgname = '%s'",
	         own_triggers[i].table, own_triggers[i].trigger);
	return query_ll(c, sql, ok) > 0;
}

enum { T_REQUESTS, T_REQUESTERS, T_TERMS, T_DOCUMENTS, T_DELIVERIES, T_EVENTS, T_PUBLICATIONS,
       T_VERSIONS, T_COUNT };
static const char *const big_tables[T_COUNT] = {"requests",   "requesters", "terms",
                                                "documents",  "deliveries", "events",
                                                "publications", "publication_versions"};

int cmd_seed_scale(int argc, char **argv)
{
	long long ncases = 0, norgs = 0, months = 24, seed = 1;
	const char *tokens_path = NULL;
	if (cli_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	/* Options come in pairs: --name value. */
	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool ok = true;
		if (!strcmp(argv[i], "--cases"))
			ok = parse_count(v, 50000000, &ncases);
		else if (!strcmp(argv[i], "--orgs"))
			ok = parse_count(v, 9999, &norgs);
		else if (!strcmp(argv[i], "--months"))
			ok = parse_count(v, 120, &months);
		else if (!strcmp(argv[i], "--seed"))
			ok = parse_count(v, LLONG_MAX, &seed);
		else if (!strcmp(argv[i], "--tokens"))
			ok = (tokens_path = v) != NULL;
		else
			ok = false;
		if (!ok) {
			fprintf(stderr, "jawnosc seed: bad or missing value: %s %s\n\n", argv[i], v ? v : "");
			usage(stderr);
			return 2;
		}
	}
	if (!ncases || !norgs) {
		usage(stderr);
		return 2;
	}
	char err[512];
	if (!config_load(err, sizeof err)) {
		fprintf(stderr, "jawnosc seed: %s\n", err);
		return 1;
	}
	if (sodium_init() < 0 || !cfg.database_url[0]) {
		fprintf(stderr, "jawnosc seed: DATABASE_URL is not set\n");
		return 1;
	}
	PGconn *c = db_connect(cfg.database_url, err, sizeof err);
	if (!c) {
		fprintf(stderr, "jawnosc seed: cannot connect to the database: %s\n", err);
		return 1;
	}
	struct model *m = xcalloc(1, sizeof *m);
	struct progress prog = {.tty = isatty(2) == 1, .t0 = mono(), .total = ncases * 11};
	struct outputs out = {0};
	struct table_state ts[T_COUNT];
	memset(ts, 0, sizeof ts);
	int rc = 1;
	bool ok = true, superuser = false, own_on[NOWN] = {false};
	FILE *tmp_requesters = tmpfile(), *tmp_terms = tmpfile(), *tmp_docs = tmpfile(),
	     *tmp_deliveries = tmpfile();
	if (!tmp_requesters || !tmp_terms || !tmp_docs || !tmp_deliveries) {
		fprintf(stderr, "jawnosc seed: cannot create temporary files: %s\n", strerror(errno));
		goto out;
	}
	if (tokens_path && !(out.tokens = fopen(tokens_path, "w"))) {
		fprintf(stderr, "jawnosc seed: %s: %s\n", tokens_path, strerror(errno));
		goto out;
	}

	m->norgs = (int)norgs;
	m->ncases = (size_t)ncases;
	m->now = clock_now();
	law_date_t today;
	law_warsaw_date(m->now, &today);
	m->today = day_of(today);
	law_date_t first;
	law_warsaw_date(m->now - months * 30 * 86400, &first);
	m->year_min = first.y;
	make_pdf(m);
	if (!auth_password_hash(SCALE_PASSWORD, m->password_hash)) {
		fprintf(stderr, "jawnosc seed: out of memory hashing the password\n");
		goto out;
	}

	/* One transaction, the tables locked against other writers. */
	ok = run(c, "BEGIN") && run(c, "SET LOCAL synchronous_commit = off") &&
	     run(c, "SET LOCAL work_mem = '256MB'") && run(c, "SET LOCAL maintenance_work_mem = '512MB'") &&
	     run(c, "LOCK TABLE organisations, units, users, requests, requesters, terms, events, "
	            "event_chain, documents, deliveries, case_counters, publications, publication_versions "
	            "IN SHARE ROW EXCLUSIVE MODE");
	if (!ok)
		goto out;
	if (query_ll(c, "SELECT count(*) FROM organisations WHERE slug = 'org-0001'", &ok) && ok) {
		fprintf(stderr, "jawnosc seed: this database already has scale data (org-0001): use a fresh one\n");
		goto out;
	}
	superuser = query_ll(c, "SELECT rolsuper::int FROM pg_roles WHERE rolname = current_user", &ok) == 1;
	m->has_aot = query_ll(c, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'requests'::regclass "
	                         "AND attname = 'answered_on_time' AND NOT attisdropped", &ok) > 0;
	for (size_t i = 0; ok && i < NOWN; i++) {
		own_on[i] = own_trigger_exists(c, (int)i, &ok);
		if (own_on[i]) {
			char sql[256];
			snprintf(sql, sizeof sql, "ALTER TABLE %s DISABLE TRIGGER %s", own_triggers[i].table,
			         own_triggers[i].trigger);
			ok = run(c, sql);
		}
	}
	if (!ok)
		goto out;
	analyze_each = !superuser;
	if (!superuser)
		fprintf(stderr, "jawnosc seed: not a superuser: foreign keys are checked row by row (slower)\n");

	if (!(copy_freeze = empty_truncate(c, &ok)) && ok)
		fprintf(stderr, "jawnosc seed: the database has requests already: the new rows are not "
		                "frozen (VACUUM takes longer)\n");
	if (!ok)
		goto out;

	/* Bodies, units, staff: identifiers first, so that rows can refer to them. */
	uint64_t seedv = (uint64_t)seed * 0x2545F4914F6CDD1DULL;
	m->first_org = reserve(c, "organisations", norgs, &ok);
	m->first_unit = reserve(c, "units", norgs * MAX_UNITS, &ok);
	m->first_user = reserve(c, "users", norgs * 64, &ok);
	if (!ok)
		goto out;
	build_orgs(m, seedv);
	progress_phase(&prog, "bodies and staff", norgs);
	if (!copy_orgs(c, m, &prog))
		goto out;
	build_cases(m, seedv, (int)months);
	m->first_request = reserve(c, "requests", ncases, &ok);
	/* Reserved for real when their counts are known (setval at the end). */
	m->first_term = reserve(c, "terms", 0, &ok);
	m->first_doc = reserve(c, "documents", 0, &ok);
	m->first_delivery = reserve(c, "deliveries", 0, &ok);
	for (int t = 0; ok && t < T_COUNT; t++)
		ok = table_prepare(c, superuser, &ts[t], big_tables[t]);
	if (!ok)
		goto out;

	/* The requests go to the server while the cases are simulated; the
	 * rows that refer to them wait in temporary files. */
	long long done_before = prog.done;
	prog.total = done_before + ncases * 11; /* an estimate until the simulation ends */
	progress_phase(&prog, "requests (simulating)", ncases);
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "COPY requests (id, org_id, unit_id, case_number, case_class, case_seq, case_year, "
	         "kind, channel, received_at, received_on, subject, body, form, delivery, "
	         "reuse_purpose, reuse_format, reuse_manner, state, closed_on, assignee_id, "
	         "tracking_hash, version, created_at, updated_at, due_on%s) FROM STDIN",
	         m->has_aot ? ", answered_on_time" : "");
	if (!copy_begin_big(c, sql, true))
		goto out;
	sk_init(&out.req, c, NULL, &prog);
	sk_init(&out.requester, NULL, tmp_requesters, NULL);
	sk_init(&out.terms, NULL, tmp_terms, NULL);
	sk_init(&out.docs, NULL, tmp_docs, NULL);
	sk_init(&out.deliveries, NULL, tmp_deliveries, NULL);
	out.token_every = m->ncases > 20000 ? m->ncases / 20000 : 1;
	for (size_t i = 0; i < m->ncases && !out.req.failed; i++) {
		simulate(m, &out, i);
		/* The estimate of what is left follows what the cases produced. */
		if ((i & 65535) == 65535) {
			double per_case = (double)(out.requester.rows + out.terms.rows + out.docs.rows +
			                           out.deliveries.rows + (long long)m->nevents +
			                           (long long)m->npubs * 2) /
			                  (double)(i + 1);
			prog.total = done_before + (long long)((double)m->ncases * (per_case + 1));
		}
	}
	if (!copy_end(&out.req, "requests") || !table_indexes(c, &ts[T_REQUESTS], &prog))
		goto out;
	sk_flush(&out.requester);
	sk_flush(&out.terms);
	sk_flush(&out.docs);
	sk_flush(&out.deliveries);
	if (out.requester.failed || out.terms.failed || out.docs.failed || out.deliveries.failed ||
	    fflush(tmp_requesters) || fflush(tmp_terms) || fflush(tmp_docs) || fflush(tmp_deliveries))
		goto out;
	prog.total = prog.done + out.requester.rows + out.terms.rows + out.docs.rows + out.deliveries.rows +
	             (long long)m->nevents + (long long)m->npubs * 2;
	m->first_event = reserve(c, "events", (long long)m->nevents, &ok);
	m->first_pub = reserve(c, "publications", (long long)m->npubs, &ok);
	m->first_version = reserve(c, "publication_versions", (long long)m->npubs * 2, &ok);
	if (!ok)
		goto out;
	if (!copy_file(c, "COPY requesters (request_id, org_id, name, email, postal_address, phone, ip, "
	                  "created_at) FROM STDIN",
	               tmp_requesters, out.requester.rows, &prog, "requesters") ||
	    !table_indexes(c, &ts[T_REQUESTERS], &prog) ||
	    !copy_file(c, "COPY terms (id, org_id, request_id, kind, label, basis, side, start_on, "
	                  "unshifted_on, due_on, state, at_risk, steps, closed_on, created_at) FROM STDIN",
	               tmp_terms, out.terms.rows, &prog, "terms") ||
	    !table_indexes(c, &ts[T_TERMS], &prog) ||
	    !copy_file(c, "COPY documents (id, org_id, request_id, seq, type, title, status, markdown, "
	                  "html, pdf, sha256, author_id, issued_at, created_at, inputs, delivery) FROM STDIN",
	               tmp_docs, out.docs.rows, &prog, "documents") ||
	    !table_indexes(c, &ts[T_DOCUMENTS], &prog) ||
	    !copy_file(c, "COPY deliveries (id, org_id, document_id, delivered_on, recorded_by, recorded_at) "
	                  "FROM STDIN",
	               tmp_deliveries, out.deliveries.rows, &prog, "deliveries") ||
	    !table_indexes(c, &ts[T_DELIVERIES], &prog))
		goto out;
	/* The deferred foreign key from publications to their current version
	 * is checked now: CREATE INDEX refuses a table with checks pending. */
	if (!copy_events(c, m, &prog) || !table_indexes(c, &ts[T_EVENTS], &prog) ||
	    !copy_register(c, m, &prog) || !run(c, "SET CONSTRAINTS ALL IMMEDIATE") ||
	    !table_indexes(c, &ts[T_PUBLICATIONS], &prog) ||
	    !table_indexes(c, &ts[T_VERSIONS], &prog))
		goto out;

	/* Counters at the last number used; sequences past the last id. */
	progress_phase(&prog, "counters and sequences", 0);
	struct sink s;
	sk_init(&s, c, NULL, NULL);
	ok = copy_begin(c, "COPY case_counters (unit_id, class, year, last) FROM STDIN");
	for (int i = 0; ok && i < m->norgs; i++)
		for (int u = 0; u < m->orgs[i].nunits; u++)
			for (int k = 0; k < 2; k++)
				for (int y = 0; y < MAX_YEARS; y++)
					if (m->orgs[i].counters[u][k][y]) {
						col_i(&s, m->orgs[i].units[u].id);
						col_s(&s, k ? "1432" : "1431");
						col_i(&s, m->year_min + y);
						col_i(&s, m->orgs[i].counters[u][k][y]);
						row_end(&s);
					}
	ok = ok && copy_end(&s, "case_counters");
	free(s.buf);
	const struct sorg *lo = &m->orgs[m->norgs - 1];
	const struct {
		const char *table;
		long long last;
	} ends[] = {
	    {"terms", m->first_term + m->nterms - 1},
	    {"documents", m->first_doc + m->ndocs - 1},
	    {"deliveries", m->first_delivery + m->ndeliveries - 1},
	    {"users", lo->users[lo->nusers - 1].id},
	    {"units", lo->units[lo->nunits - 1].id},
	    {"publication_versions", m->first_version + m->nversions - 1},
	};
	for (size_t k = 0; ok && k < sizeof ends / sizeof ends[0]; k++) {
		snprintf(sql, sizeof sql,
		         "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
		         "greatest(%lld, (SELECT coalesce(max(id), 1) FROM %s)))",
		         ends[k].table, ends[k].last, ends[k].table);
		ok = run(c, sql);
	}
	if (!ok)
		goto out;
	if (superuser) {
		progress_phase(&prog, "checking foreign keys", 0);
		char list[512] = "", *q = list;
		for (int t = 0; t < T_COUNT; t++)
			q += snprintf(q, sizeof list - (size_t)(q - list), "%s%s", t ? "," : "", big_tables[t]);
		static char dosql[4096];
		const char *mark = strstr(check_foreign_keys_sql, "@TABLES@");
		snprintf(dosql, sizeof dosql, "%.*s%s%s", (int)(mark - check_foreign_keys_sql),
		         check_foreign_keys_sql, list, mark + strlen("@TABLES@"));
		ok = run_ticking(c, dosql, &prog);
		for (int t = 0; ok && t < T_COUNT; t++)
			ok = table_enable(c, &ts[t]);
	}
	for (size_t i = 0; ok && i < NOWN; i++)
		if (own_on[i]) {
			snprintf(sql, sizeof sql, "ALTER TABLE %s ENABLE TRIGGER %s", own_triggers[i].table,
			         own_triggers[i].trigger);
			ok = run(c, sql);
		}
	/* Servers running on this database forget every page they keep. */
	if (ok)
		ok = run(c, "SELECT pg_notify('jawnosc_changes', 'all')");
	progress_phase(&prog, "commit", 0);
	if (!ok || !run(c, "COMMIT"))
		goto out;
	progress_phase(&prog, "vacuum and analyze", 0);
	if (!run_ticking(c, "VACUUM (ANALYZE) organisations, units, users, requests, requesters, terms, events, "
	                    "event_chain, documents, deliveries, case_counters, publications, publication_versions",
	                 &prog))
		goto out;
	progress_end(&prog);
	printf("seed: %zu requests in %d bodies in %.0f s: %lld terms, %zu events, %lld documents, "
	       "%lld deliveries, %zu publications (%lld versions)\n",
	       m->ncases, m->norgs, mono() - prog.t0, m->nterms, m->nevents, m->ndocs, m->ndeliveries,
	       m->npubs, m->nversions);
	if (m->refused_steps) {
		printf("seed: %lld planned steps were refused by the law core (those cases stop there):",
		       m->refused_steps);
		for (int a = 0; a < LAW_ACT_COUNT; a++)
			if (m->refused_by_action[a])
				printf(" %s %lld", law_actions[a].id, m->refused_by_action[a]);
		putchar('\n');
	}
	printf("seed: sign in as sekretarz@org-0001.example (manager), urzednik1-or@org-0001.example "
	       "(clerk), admin@org-0001.example; password %s\n",
	       SCALE_PASSWORD);
	rc = 0;
out:
	if (rc != 0) {
		if (prog.tty)
			fputc('\n', stderr);
		PQclear(PQexec(c, "ROLLBACK"));
		fprintf(stderr, "jawnosc seed: failed; nothing was written\n");
	}
	if (out.tokens && fclose(out.tokens) != 0 && rc == 0) {
		fprintf(stderr, "jawnosc seed: %s: %s\n", tokens_path, strerror(errno));
		rc = 1;
	}
	FILE *tmps[] = {tmp_requesters, tmp_terms, tmp_docs, tmp_deliveries};
	for (size_t i = 0; i < sizeof tmps / sizeof tmps[0]; i++)
		if (tmps[i])
			fclose(tmps[i]);
	for (int t = 0; t < T_COUNT; t++)
		table_free(&ts[t]);
	free(out.req.buf);
	free(out.requester.buf);
	free(out.terms.buf);
	free(out.docs.buf);
	free(out.deliveries.buf);
	if (m->orgs)
		for (int i = 0; i < m->norgs; i++)
			free(m->orgs[i].users);
	free(m->orgs);
	free(m->cases);
	free(m->events);
	free(m->pubs);
	free(m->pdf);
	free(m);
	PQfinish(c);
	return rc;
}
