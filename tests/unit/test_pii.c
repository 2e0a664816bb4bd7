/* SPDX-License-Identifier: EUPL-1.2 */
/* The personal-data detector (server/law/personal.c): the checksums, the
 * declension of names, and the corpus tests/unit/pii_corpus.txt with its
 * precision and recall per kind (run from the repository's root, as
 * tests/run.sh does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "law/personal.h"

#define CORPUS "tests/unit/pii_corpus.txt"
/* What the corpus reaches (docs/privacy.md prints the figures); below
 * either, the detector got worse. */
#define MIN_PRECISION 0.94
#define MIN_RECALL 0.95

/* ---- Checksums: numbers computed by hand from each algorithm ---------------- */

static void test_pesel_checksum_and_date(void **state)
{
	/* 8 0 0 5 1 4 0 1 2 3 weighted 1 3 7 9 1 3 7 9 1 3: 8+0+0+45+1+12+0+9+2+9
	 * = 86, check (10 - 6) % 10 = 4. */
	assert_true(law_pesel_valid("80051401234", true));
	assert_false(law_pesel_valid("80051401235", true));
	assert_false(law_pesel_valid("80051401235", false));
	/* 2003-02-28: month 22 (2000s); 1899-03-15: month 83 (1800s). */
	assert_true(law_pesel_valid("03222808919", true));
	assert_true(law_pesel_valid("99831522225", true));
	/* Month 13: the checksum holds, the date does not. */
	assert_false(law_pesel_valid("80131401235", true));
	assert_true(law_pesel_valid("80131401235", false));
	/* 30 February 1981 with a right check digit. */
	assert_false(law_pesel_valid("81023004569", true));
	/* 29 February: 2004 was a leap year (month 22), 1900 was not. */
	assert_true(law_pesel_valid("04222900007", true));
	assert_false(law_pesel_valid("00022900003", true));
	assert_false(law_pesel_valid("8005140123", true));
	assert_false(law_pesel_valid("8005140123x", true));
	assert_false(law_pesel_valid("800514012345", true));
	assert_false(law_pesel_valid(NULL, true));
}

static void test_nip_checksum(void **state)
{
	/* 5 2 5 0 0 0 1 2 3 weighted 6 5 7 2 3 4 5 6 7: 30+10+35+0+0+0+5+12+21
	 * = 113, mod 11 = 3. */
	assert_true(law_nip_valid("5250001233"));
	assert_false(law_nip_valid("5250001234"));
	assert_true(law_nip_valid("7792012346"));
	/* 1234567890: the sum is 230, mod 11 = 10, which no NIP may give. */
	assert_false(law_nip_valid("1234567890"));
	assert_false(law_nip_valid("525000123"));
	assert_false(law_nip_valid("525-000-12-33"));
}

static void test_regon_checksums(void **state)
{
	/* 0 1 2 3 4 5 6 7 weighted 8 9 2 3 4 5 6 7: 0+9+4+9+16+25+36+49 = 148,
	 * mod 11 = 5. */
	assert_true(law_regon_valid("012345675"));
	assert_false(law_regon_valid("012345676"));
	/* 6 0 0 8 0 0 7 0: 48+0+0+24+0+0+42+0 = 114, mod 11 = 4. */
	assert_true(law_regon_valid("600800704"));
	/* A sum whose remainder is 10 gives the check digit 0. */
	assert_true(law_regon_valid("362514780"));
	assert_true(law_regon_valid("12345678901235"));
	assert_false(law_regon_valid("12345678901234"));
	assert_false(law_regon_valid("1234567890"));
}

static void test_id_card_and_passport_check_digits(void **state)
{
	/* A B A 3 0 0 0 0 0 = 10 11 10 3 0..., weighted 7 3 1 9 7 3 1 7 3:
	 * 70+33+10+27 = 140, divisible by 10. */
	assert_true(law_idcard_valid("ABA300000"));
	assert_false(law_idcard_valid("ABA300001"));
	assert_false(law_idcard_valid("ABA400000"));
	assert_true(law_idcard_valid("CKM512345"));
	assert_false(law_idcard_valid("AB1300000"));
	assert_false(law_idcard_valid("aba300000"));
	/* E A 9 1 2 3 4 5 6 = 14 10 9 1..., weighted 7 3 9 1 7 3 1 7 3:
	 * 98+30+81+1+14+9+4+35+18 = 290. */
	assert_true(law_passport_valid("EA9123456"));
	assert_false(law_passport_valid("EA8123456"));
	assert_true(law_passport_valid("AB4000111"));
	assert_false(law_passport_valid("AB4000112"));
	assert_false(law_passport_valid("EAB123456"));
}

static void test_account_mod_97(void **state)
{
	assert_true(law_account_valid("57102010260000150201234567"));
	assert_true(law_account_valid("PL57102010260000150201234567"));
	assert_false(law_account_valid("57102010260000150201234568"));
	assert_false(law_account_valid("75102010260000150201234567"));
	assert_true(law_account_valid("27114020040000300201355387"));
	assert_false(law_account_valid("DE27114020040000300201355387"));
	assert_false(law_account_valid("2711402004000030020135538"));
}

/* ---- Finding, one sentence at a time ------------------------------------------ */

static const char *only(const char *text, const law_person_t *who, law_personal_kind_t *kind)
{
	static char buf[256];
	law_personal_finding_t f[4];
	long n = law_personal_find(text, strlen(text), who, who ? 1 : 0, f, 4);
	if (n != 1)
		return n == 0 ? "(none)" : "(several)";
	snprintf(buf, sizeof buf, "%.*s", (int)(f[0].end - f[0].start), text + f[0].start);
	*kind = f[0].kind;
	return buf;
}

static void expect_name(const char *name, const char *text, const char *want)
{
	law_person_t who = {.name = name};
	law_personal_kind_t k = LAW_PII_KIND_COUNT;
	assert_string_equal(only(text, &who, &k), want);
	assert_int_equal(k, LAW_PII_NAME);
}

static void test_names_decline(void **state)
{
	static const struct {
		const char *name, *form;
	} forms[] = {
	    {"Zenobia Kowalska", "Zenobii"},          {"Zenobia Kowalska", "Zenobię"},
	    {"Zenobia Kowalska", "Zenobią"},          {"Zenobia Kowalska", "Kowalskiej"},
	    {"Zenobia Kowalska", "Kowalską"},         {"Jan Kowalski", "Kowalskiego"},
	    {"Jan Kowalski", "Kowalskiemu"},          {"Jan Kowalski", "Kowalskim"},
	    {"Jan Kowalski", "Jana"},                 {"Jan Nowak", "Nowaka"},
	    {"Jan Nowak", "Nowakowi"},                {"Jan Nowak", "Nowakiem"},
	    {"Krzysztof Wójcik", "Krzysztofa"},       {"Krzysztof Wójcik", "Wójcika"},
	    {"Krzysztof Wójcik", "WÓJCIKIEM"},        {"Krzysztof Wójcik", "Wojcikowi"},
	    {"Z. Pióro-Kwiatkowska", "Pióro-Kwiatkowskiej"},
	    {"Z. Pióro-Kwiatkowska", "Pióro-Kwiatkowską"},
	    {"Paweł Mazur", "Pawła"},                 {"Paweł Mazur", "Mazurze"},
	    {"Marek Kaczmarek", "Marka"},             {"Marek Kaczmarek", "Kaczmarkiem"},
	    {"Tomasz Wróbel", "Wróbla"},              {"Małgorzata Duda", "Małgorzacie"},
	    {"Małgorzata Duda", "Dudzie"},            {"Agnieszka Zawadzka", "Agnieszce"},
	    {"Jerzy Zawadzki", "Zawadzcy"},           {"Michał Kuroń", "Kuroniowi"},
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		char text[128];
		snprintf(text, sizeof text, "Pismo dotyczy: %s, zgodnie z wnioskiem.", forms[i].form);
		expect_name(forms[i].name, text, forms[i].form);
	}
}

static void test_name_lookalikes_are_not_names(void **state)
{
	law_person_t who = {.name = "Anna Nowak"};
	law_personal_kind_t k;
	assert_string_equal(only("Nowa instrukcja i nowe zasady, nowakowski styl.", &who, &k),
	                    "(none)");
	who.name = "Jan Kowalski";
	assert_string_equal(only("Rondo im. Jana Pawła II i Kowalskie tradycje.", &who, &k),
	                    "(none)");
	assert_string_equal(only("Pomnik Jana Kochanowskiego.", &who, &k), "(none)");
	expect_name("Jan Kowalski", "Pismo podpisał J. Kowalski osobiście.", "J. Kowalski");
	expect_name("Jan Kowalski", "Pan Jan prosi o odpowiedź.", "Jan");
}

static void test_known_street_without_prefix(void **state)
{
	law_person_t who = {.name = "Jan Kowalski", .address = "ul. Lipowa 12/4, 00-950 Warszawa"};
	law_personal_kind_t k = LAW_PII_KIND_COUNT;
	assert_string_equal(only("Mieszka przy LIPOWEJ 3, nie Lipowa 12/4.", &who, &k), "Lipowa 12/4");
	assert_int_equal(k, LAW_PII_ADDRESS);
	assert_string_equal(only("Lipowa 12/45 to inny lokal.", &who, &k), "(none)");
	who.address = "Wólka 15, 21-100 Lubartów";
	assert_string_equal(only("Dom we wsi wolka  15 ma nowy dach.", &who, &k), "wolka  15");
	who.address = "Warszawa";
	assert_string_equal(only("Urząd w Warszawa 5.", &who, &k), "(none)");
}

static void test_numbers_in_context(void **state)
{
	law_personal_kind_t k;
	assert_string_equal(only("tel. 600700800", NULL, &k), "600700800");
	assert_int_equal(k, LAW_PII_PHONE);
	assert_string_equal(only("REGON 600800704", NULL, &k), "600800704");
	assert_int_equal(k, LAW_PII_REGON);
	/* A solid 9 digits that passes the REGON check, without a keyword. */
	assert_string_equal(only("nr 600800704", NULL, &k), "600800704");
	assert_int_equal(k, LAW_PII_REGON);
	assert_string_equal(only("KRS 5250001233", NULL, &k), "(none)");
	assert_string_equal(only("NIP 5250001233", NULL, &k), "5250001233");
	assert_int_equal(k, LAW_PII_NIP);
	assert_string_equal(only("znak COMON.1431.28.2026", NULL, &k), "(none)");
	assert_string_equal(only("kwota 600 700 800 zł", NULL, &k), "(none)");
	assert_string_equal(only("kwota 600 700 800,00", NULL, &k), "(none)");
	assert_string_equal(only("PESEL 80131401235", NULL, &k), "80131401235");
	assert_string_equal(only("numer 80131401235", NULL, &k), "(none)");
}

static void test_out_buffer_too_small_counts_all(void **state)
{
	const char *t = "tel. 600 700 800, tel. 501 234 567, a@b.pl";
	law_personal_finding_t f[1];
	assert_int_equal(law_personal_find(t, strlen(t), NULL, 0, f, 1), 3);
	assert_int_equal(f[0].kind, LAW_PII_PHONE);
	assert_int_equal(law_personal_find(t, strlen(t), NULL, 0, NULL, 0), 3);
	assert_int_equal(law_personal_find(NULL, 0, NULL, 0, NULL, 0), 0);
	assert_null(law_personal_kind_name(LAW_PII_KIND_COUNT));
	assert_string_equal(law_personal_kind_name(LAW_PII_IDCARD), "idcard");
}

/* The organisation's own address and phone, and the requester's data, are
 * told from another's by law_personal_same(). */
static void test_same_datum_ignores_form_but_not_content(void **state)
{
	const char *addr = "ul. Lipowa 12/4, 00-950 Warszawa";
#define SAME(k, f, r) law_personal_same(k, f, strlen(f), r)
	assert_true(SAME(LAW_PII_ADDRESS, "Lipowa 12/4", addr));
	assert_true(SAME(LAW_PII_ADDRESS, "UL. LIPOWA 12/4", addr));
	assert_true(SAME(LAW_PII_POSTCODE, "00-950 Warszawa", addr));
	assert_false(SAME(LAW_PII_ADDRESS, "ul. Lipowa 12", addr));
	assert_false(SAME(LAW_PII_ADDRESS, "ul. Lipowa 2/4", addr));
	assert_false(SAME(LAW_PII_ADDRESS, "ul. Klonowa 12/4", addr));
	assert_true(SAME(LAW_PII_ADDRESS, "ul. Żółta 3", "ul. Zolta 3, 00-001 Łódź"));
	assert_true(SAME(LAW_PII_PHONE, "(+48) 600-700-800", "600 700 800"));
	assert_false(SAME(LAW_PII_PHONE, "600 700 801", "600 700 800"));
	assert_true(SAME(LAW_PII_EMAIL, "Jan.Kowalski@Example.pl", "jan.kowalski@example.pl"));
	assert_false(SAME(LAW_PII_EMAIL, "an.kowalski@example.pl", "jan.kowalski@example.pl"));
	assert_true(SAME(LAW_PII_PESEL, "44051401359", "PESEL 44051401359"));
	assert_false(SAME(LAW_PII_PESEL, "44051401359", ""));
	assert_true(SAME(LAW_PII_NAME, "Zenobia Pióro-Kwiatkowska", "ZENOBIA PIORO-KWIATKOWSKA"));
	assert_false(SAME(LAW_PII_NAME, "Zenobia Pióro", "zenobia pioro-kwiatkowska"));
#undef SAME
	assert_string_equal(law_personal_kind_label(LAW_PII_PESEL), "numer PESEL");
	assert_null(law_personal_kind_label(LAW_PII_KIND_COUNT));
}

/* ---- The corpus ------------------------------------------------------------------ */

#define PERSONS_MAX 4
#define MARKS_MAX 16

struct tally {
	int tp[LAW_PII_KIND_COUNT], fp[LAW_PII_KIND_COUNT], fn[LAW_PII_KIND_COUNT];
};

static int kind_of(const char *s, size_t n)
{
	for (int k = 0; k < LAW_PII_KIND_COUNT; k++) {
		const char *name = law_personal_kind_name((law_personal_kind_t)k);
		if (strlen(name) == n && memcmp(name, s, n) == 0)
			return k;
	}
	return -1;
}

/* The sentence without its marks into `text`, the marks into `want`. */
static int unmark(const char *line, char *text, size_t cap, law_personal_finding_t *want)
{
	int n = 0;
	size_t o = 0;
	for (const char *p = line; *p;) {
		if (strncmp(p, "[[", 2) == 0) {
			const char *colon = strchr(p, ':'), *close = strstr(p, "]]");
			assert_non_null(colon);
			assert_non_null(close);
			int k = kind_of(p + 2, (size_t)(colon - p - 2));
			if (k < 0)
				fail_msg("unknown kind in: %s", line);
			assert_true(n < MARKS_MAX);
			want[n].kind = (law_personal_kind_t)k;
			want[n].start = o;
			size_t len = (size_t)(close - colon - 1);
			assert_true(o + len < cap);
			memcpy(text + o, colon + 1, len);
			o += len;
			want[n++].end = o;
			p = close + 2;
			continue;
		}
		assert_true(o + 1 < cap);
		text[o++] = *p++;
	}
	text[o] = '\0';
	return n;
}

/* "Name | postal address; Name": the known persons. */
static void set_persons(char *spec, char names[PERSONS_MAX][2][128], law_person_t *who,
                        size_t *n)
{
	*n = 0;
	for (char *tok = strtok(spec, ";"); tok && *n < PERSONS_MAX; tok = strtok(NULL, ";")) {
		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		char *bar = strchr(tok, '|');
		if (bar)
			*bar = '\0';
		snprintf(names[*n][0], 128, "%s", tok);
		snprintf(names[*n][1], 128, "%s", bar ? bar + 1 : "");
		who[*n] = (law_person_t){.name = names[*n][0], .address = names[*n][1]};
		(*n)++;
	}
}

static void score(const char *text, const law_personal_finding_t *want, int nwant,
                  const law_personal_finding_t *got, long ngot, struct tally *t, int lineno)
{
	bool matched[MARKS_MAX] = {false};
	for (long g = 0; g < ngot; g++) {
		bool hit = false;
		for (int w = 0; w < nwant && !hit; w++)
			if (!matched[w] && want[w].kind == got[g].kind && want[w].start == got[g].start &&
			    want[w].end == got[g].end)
				hit = matched[w] = true;
		if (hit) {
			t->tp[got[g].kind]++;
		} else {
			t->fp[got[g].kind]++;
			printf("  line %d: extra %s \"%.*s\"\n", lineno,
			       law_personal_kind_name(got[g].kind), (int)(got[g].end - got[g].start),
			       text + got[g].start);
		}
	}
	for (int w = 0; w < nwant; w++)
		if (!matched[w]) {
			t->fn[want[w].kind]++;
			printf("  line %d: missed %s \"%.*s\"\n", lineno,
			       law_personal_kind_name(want[w].kind), (int)(want[w].end - want[w].start),
			       text + want[w].start);
		}
}

static double ratio(int a, int b)
{
	return b ? (double)a / b : 1.0;
}

static void test_corpus_precision_and_recall(void **state)
{
	FILE *f = fopen(CORPUS, "r");
	assert_non_null(f);
	char line[2048], text[2048], names[PERSONS_MAX][2][128];
	law_person_t who[PERSONS_MAX];
	size_t nwho = 0;
	struct tally t = {0};
	int lineno = 0, sentences = 0, with_data = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (strncmp(line, "@person", 7) == 0) {
			set_persons(line + 7, names, who, &nwho);
			continue;
		}
		law_personal_finding_t want[MARKS_MAX], got[MARKS_MAX];
		int nwant = unmark(line, text, sizeof text, want);
		long ngot = law_personal_find(text, strlen(text), who, nwho, got, MARKS_MAX);
		assert_true(ngot >= 0 && ngot <= MARKS_MAX);
		score(text, want, nwant, got, ngot, &t, lineno);
		sentences++;
		with_data += nwant > 0;
	}
	fclose(f);
	int tp = 0, fp = 0, fn = 0;
	printf("  %d sentences, %d with personal data\n", sentences, with_data);
	printf("  %-9s %5s %5s %5s %9s %7s\n", "kind", "tp", "fp", "fn", "precision", "recall");
	for (int k = 0; k < LAW_PII_KIND_COUNT; k++) {
		printf("  %-9s %5d %5d %5d %9.3f %7.3f\n", law_personal_kind_name((law_personal_kind_t)k),
		       t.tp[k], t.fp[k], t.fn[k], ratio(t.tp[k], t.tp[k] + t.fp[k]),
		       ratio(t.tp[k], t.tp[k] + t.fn[k]));
		tp += t.tp[k];
		fp += t.fp[k];
		fn += t.fn[k];
	}
	double precision = ratio(tp, tp + fp), recall = ratio(tp, tp + fn);
	printf("  %-9s %5d %5d %5d %9.3f %7.3f\n", "overall", tp, fp, fn, precision, recall);
	assert_true(sentences >= 200);
	assert_true(precision >= MIN_PRECISION);
	assert_true(recall >= MIN_RECALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pesel_checksum_and_date),
	    cmocka_unit_test(test_nip_checksum),
	    cmocka_unit_test(test_regon_checksums),
	    cmocka_unit_test(test_id_card_and_passport_check_digits),
	    cmocka_unit_test(test_account_mod_97),
	    cmocka_unit_test(test_names_decline),
	    cmocka_unit_test(test_name_lookalikes_are_not_names),
	    cmocka_unit_test(test_known_street_without_prefix),
	    cmocka_unit_test(test_numbers_in_context),
	    cmocka_unit_test(test_out_buffer_too_small_counts_all),
	    cmocka_unit_test(test_same_datum_ignores_form_but_not_content),
	    cmocka_unit_test(test_corpus_precision_and_recall),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
