/* SPDX-License-Identifier: EUPL-1.2 */
/* The personal-data detector (law/personal.h; docs/privacy.md). */
#include "law/personal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[LAW_PII_KIND_COUNT] = {
    "name", "email", "phone", "pesel", "nip", "regon",
    "idcard", "passport", "account", "address", "postcode"};

const char *law_personal_kind_name(law_personal_kind_t kind)
{
	return (unsigned)kind < LAW_PII_KIND_COUNT ? kind_names[kind] : NULL;
}

static const char *const kind_labels[LAW_PII_KIND_COUNT] = {
    "imię i nazwisko",       "adres e-mail",     "numer telefonu",
    "numer PESEL",           "numer NIP",        "numer REGON",
    "numer dowodu osobistego", "numer paszportu", "numer rachunku bankowego",
    "adres",                 "kod pocztowy z miejscowością"};

const char *law_personal_kind_label(law_personal_kind_t kind)
{
	return (unsigned)kind < LAW_PII_KIND_COUNT ? kind_labels[kind] : NULL;
}

/* ---- Checksums ------------------------------------------------------------------ */

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[n] == '\0';
}

static int weighted(const char *s, const int *w, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += (s[i] - '0') * w[i];
	return sum;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* PESEL: weights 1 3 7 9 1 3 7 9 1 3, the check digit makes the sum end
 * in 0. The month carries the century: +80 for 1800s, +0, +20, +40, +60. */
bool law_pesel_valid(const char *s, bool need_date)
{
	static const int w[10] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
	static const int century[5] = {1900, 2000, 2100, 2200, 1800};
	if (!s || !all_digits(s, 11))
		return false;
	if ((10 - weighted(s, w, 10) % 10) % 10 != s[10] - '0')
		return false;
	if (!need_date)
		return true;
	int yy = (s[0] - '0') * 10 + (s[1] - '0'), mm = (s[2] - '0') * 10 + (s[3] - '0'),
	    dd = (s[4] - '0') * 10 + (s[5] - '0');
	int m = mm % 20, y = century[mm / 20] + yy;
	return m >= 1 && m <= 12 && dd >= 1 && dd <= days_in_month(y, m);
}

/* NIP: weights 6 5 7 2 3 4 5 6 7, sum mod 11 is the last digit (10 never). */
bool law_nip_valid(const char *s)
{
	static const int w[9] = {6, 5, 7, 2, 3, 4, 5, 6, 7};
	if (!s || !all_digits(s, 10))
		return false;
	int c = weighted(s, w, 9) % 11;
	return c != 10 && c == s[9] - '0';
}

/* REGON: 9 digits with weights 8 9 2 3 4 5 6 7, or 14 with
 * 2 4 8 5 0 9 7 3 6 1 2 4 8; sum mod 11, 10 counts as 0. */
bool law_regon_valid(const char *s)
{
	static const int w9[8] = {8, 9, 2, 3, 4, 5, 6, 7};
	static const int w14[13] = {2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8};
	if (!s)
		return false;
	size_t n = strlen(s);
	if ((n != 9 && n != 14) || !all_digits(s, n))
		return false;
	int c = (n == 9 ? weighted(s, w9, 8) : weighted(s, w14, 13)) % 11 % 10;
	return c == s[n - 1] - '0';
}

static int alnum_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return -1;
}

/* `nletters` capitals then digits, weights `w`, sum divisible by 10 (the
 * check digit stands at the place whose weight is 9). */
static bool series_valid(const char *s, int nletters, const int *w)
{
	if (!s || strlen(s) != 9)
		return false;
	int sum = 0;
	for (int i = 0; i < 9; i++) {
		int v = alnum_value(s[i]);
		if (v < 0 || (i < nletters) != (v >= 10))
			return false;
		sum += v * w[i];
	}
	return sum % 10 == 0;
}

/* ID card (dowód osobisty): ABC, then the check digit, then five digits. */
bool law_idcard_valid(const char *s)
{
	static const int w[9] = {7, 3, 1, 9, 7, 3, 1, 7, 3};
	return series_valid(s, 3, w);
}

/* Passport: AB, then the check digit, then six digits. */
bool law_passport_valid(const char *s)
{
	static const int w[9] = {7, 3, 9, 1, 7, 3, 1, 7, 3};
	return series_valid(s, 2, w);
}

/* NRB / IBAN PL: the 24 digits after the check digits, then "PL" as 2521,
 * then the check digits, read as one number, mod 97 is 1. */
bool law_account_valid(const char *s)
{
	if (!s)
		return false;
	if (s[0] == 'P' && s[1] == 'L')
		s += 2;
	if (!all_digits(s, 26))
		return false;
	char r[31];
	memcpy(r, s + 2, 24);
	memcpy(r + 24, "2521", 4);
	memcpy(r + 28, s, 2);
	unsigned m = 0;
	for (int i = 0; i < 30; i++)
		m = (m * 10 + (unsigned)(r[i] - '0')) % 97;
	return m == 1;
}

/* ---- Findings ------------------------------------------------------------------ */

typedef struct flist {
	law_personal_finding_t *v;
	size_t n, cap;
	bool oom;
} flist_t;

static void add(flist_t *l, size_t start, size_t end, law_personal_kind_t kind)
{
	if (l->oom || end <= start)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		law_personal_finding_t *v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			l->oom = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (law_personal_finding_t){start, end, kind};
}

/* ---- Characters ------------------------------------------------------------------ */

typedef struct text {
	const unsigned char *t;
	size_t len;
} text_t;

static int at(const text_t *x, size_t i)
{
	return i < x->len ? x->t[i] : -1;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_ascii_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The bytes of the letter at i (1, or 2 for Latin letters with diacritics
 * U+00C0..U+017F), or 0. */
static size_t letter_at(const text_t *x, size_t i)
{
	int c = at(x, i), d = at(x, i + 1);
	if (is_ascii_alpha(c))
		return 1;
	if (c >= 0xC3 && c <= 0xC5 && d >= 0x80 && d <= 0xBF)
		return 2;
	return 0;
}

static bool letter_before(const text_t *x, size_t i)
{
	if (i == 0)
		return false;
	if (is_ascii_alpha(x->t[i - 1]))
		return true;
	return i >= 2 && x->t[i - 1] >= 0x80 && x->t[i - 1] <= 0xBF && x->t[i - 2] >= 0xC3 &&
	       x->t[i - 2] <= 0xC5;
}

static bool alnum_before(const text_t *x, size_t i)
{
	return letter_before(x, i) || (i > 0 && is_digit(x->t[i - 1]));
}

static bool alnum_at(const text_t *x, size_t i)
{
	return letter_at(x, i) || is_digit(at(x, i));
}

/* The letter at p (n bytes) in lower case without diacritics: "Ż" is 'z';
 * a letter outside ASCII and Polish is '~'. */
static char fold2(int c, int d)
{
	static const struct {
		unsigned char c, d;
		char f;
	} map[] = {{0xC4, 0x84, 'a'}, {0xC4, 0x85, 'a'}, {0xC4, 0x86, 'c'}, {0xC4, 0x87, 'c'},
	           {0xC4, 0x98, 'e'}, {0xC4, 0x99, 'e'}, {0xC5, 0x81, 'l'}, {0xC5, 0x82, 'l'},
	           {0xC5, 0x83, 'n'}, {0xC5, 0x84, 'n'}, {0xC3, 0x93, 'o'}, {0xC3, 0xB3, 'o'},
	           {0xC5, 0x9A, 's'}, {0xC5, 0x9B, 's'}, {0xC5, 0xB9, 'z'}, {0xC5, 0xBA, 'z'},
	           {0xC5, 0xBB, 'z'}, {0xC5, 0xBC, 'z'}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].c == c && map[i].d == d)
			return map[i].f;
	return '~';
}

static char fold_at(const text_t *x, size_t i, size_t n)
{
	int c = x->t[i];
	if (n == 1)
		return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	return fold2(c, x->t[i + 1]);
}

static bool upper_at(const text_t *x, size_t i)
{
	int c = at(x, i), d = at(x, i + 1);
	if (c >= 'A' && c <= 'Z')
		return true;
	if (c == 0xC3)
		return d >= 0x80 && d <= 0x9E && d != 0x97;
	/* Ą Ć Ę Ł Ń Ś Ź Ż */
	return (c == 0xC4 && (d == 0x84 || d == 0x86 || d == 0x98)) ||
	       (c == 0xC5 && (d == 0x81 || d == 0x83 || d == 0x9A || d == 0xB9 || d == 0xBB));
}

/* Whether the folded word at i is `w` (ASCII lower case) and ends there. */
static size_t word_is(const text_t *x, size_t i, const char *w)
{
	size_t j = i;
	for (; *w; w++) {
		size_t n = letter_at(x, j);
		if (*w == '.' || *w == ' ') {
			if (at(x, j) != *w)
				return 0;
			j++;
			continue;
		}
		if (!n || fold_at(x, j, n) != *w)
			return 0;
		j += n;
	}
	return letter_at(x, j) ? 0 : j;
}

static size_t skip_blanks(const text_t *x, size_t i)
{
	while (at(x, i) == ' ' || at(x, i) == '\t' || (at(x, i) == 0xC2 && at(x, i + 1) == 0xA0))
		i += at(x, i) == 0xC2 ? 2 : 1;
	return i;
}

/* ---- E-mail addresses ------------------------------------------------------------ */

/* c is one of `set` (never the NUL nor the end of the text). */
static bool in_set(int c, const char *set)
{
	return c > 0 && strchr(set, c) != NULL;
}

static bool local_char(int c)
{
	return is_ascii_alpha(c) || is_digit(c) || in_set(c, "._%+-");
}

static bool domain_char(int c)
{
	return is_ascii_alpha(c) || is_digit(c) || c == '-' || c == '.';
}

static void find_emails(const text_t *x, flist_t *l)
{
	for (size_t k = 0; k < x->len; k++) {
		if (x->t[k] != '@')
			continue;
		size_t s = k;
		while (s > 0 && local_char(x->t[s - 1]))
			s--;
		while (s < k && x->t[s] == '.')
			s++;
		size_t e = k + 1;
		while (domain_char(at(x, e)))
			e++;
		while (e > k + 1 && (x->t[e - 1] == '.' || x->t[e - 1] == '-'))
			e--;
		if (s == k || e == k + 1)
			continue;
		size_t dot = 0, tld = 0;
		for (size_t i = k + 1; i < e; i++)
			if (x->t[i] == '.')
				dot = i;
		for (size_t i = dot + 1; dot && i < e; i++)
			tld += is_ascii_alpha(x->t[i]) ? 1 : 100;
		if (!dot || dot == k + 1 || tld < 2 || tld > 24)
			continue;
		add(l, s, e, LAW_PII_EMAIL);
		k = e - 1;
	}
}

/* ---- Numbers ------------------------------------------------------------------ */

#define RUN_MAX 32

typedef struct run {
	size_t start, end; /* bytes, the prefix ("+48", "PL", "(") included */
	int nd, ngroups;
	bool plus48, pl, too_long;
	char d[RUN_MAX + 1];
	int group1; /* digits in the first group */
} run_t;

/* A separator between two digit groups at i: its length, or 0. */
static size_t separator(const text_t *x, size_t i, bool paren)
{
	size_t n = 0;
	if (paren && at(x, i) == ')')
		n = 1;
	if (at(x, i + n) == ' ' || at(x, i + n) == '-')
		n++;
	else if (at(x, i + n) == 0xC2 && at(x, i + n + 1) == 0xA0)
		n += 2;
	return n && is_digit(at(x, i + n)) ? n : 0;
}

/* The digits starting at i (after the prefix, if any). */
static size_t read_run(const text_t *x, size_t i, run_t *r, bool paren)
{
	r->nd = 0;
	r->ngroups = 1;
	r->group1 = 0;
	r->too_long = false;
	for (;;) {
		while (is_digit(at(x, i))) {
			if (r->nd < RUN_MAX)
				r->d[r->nd++] = (char)x->t[i];
			else
				r->too_long = true;
			if (r->ngroups == 1)
				r->group1++;
			i++;
		}
		size_t sep = separator(x, i, paren && r->ngroups == 1);
		if (!sep)
			break;
		i += sep;
		r->ngroups++;
	}
	r->d[r->nd] = '\0';
	return i;
}

/* The keyword nearest before i, within 32 bytes: "pesel", "nip", ... */
static const char *keyword_before(const text_t *x, size_t i)
{
	static const char *const words[] = {"pesel", "nip", "regon", "krs", "tel", "fax",
	                                    "kom", "telefon", "sygn", "nr rej"};
	char w[40];
	size_t from = i > 32 ? i - 32 : 0, n = 0;
	for (size_t k = from; k < i; k++) {
		int c = x->t[k];
		w[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	w[n] = '\0';
	const char *best = NULL;
	size_t best_at = 0;
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
		const char *p = w, *q, *last = NULL;
		while ((q = strstr(p, words[k]))) {
			last = q;
			p = q + 1;
		}
		if (last && (!best || (size_t)(last - w) >= best_at)) {
			best = words[k];
			best_at = (size_t)(last - w);
		}
	}
	return best;
}

/* A currency or unit after the number: then it is an amount. */
static bool amount_after(const text_t *x, size_t i)
{
	if ((at(x, i) == ',' || at(x, i) == '.') && is_digit(at(x, i + 1)))
		return true;
	i = skip_blanks(x, i);
	return word_is(x, i, "zl") || word_is(x, i, "zlotych") || word_is(x, i, "pln") ||
	       word_is(x, i, "eur") || word_is(x, i, "gr") || word_is(x, i, "zlote") ||
	       word_is(x, i, "zloty");
}

static bool kw(const char *k, const char *w)
{
	return k && strcmp(k, w) == 0;
}

/* What the whole run is, or LAW_PII_KIND_COUNT for nothing. */
static law_personal_kind_t classify(const run_t *r, const char *k)
{
	if (r->too_long || kw(k, "krs") || kw(k, "sygn") || kw(k, "nr rej"))
		return LAW_PII_KIND_COUNT;
	bool phone_kw = kw(k, "tel") || kw(k, "telefon") || kw(k, "fax") || kw(k, "kom");
	if (r->pl)
		return r->nd == 26 && law_account_valid(r->d) ? LAW_PII_ACCOUNT : LAW_PII_KIND_COUNT;
	if (r->plus48)
		return r->nd == 9 ? LAW_PII_PHONE : LAW_PII_KIND_COUNT;
	switch (r->nd) {
	case 26:
		return law_account_valid(r->d) ? LAW_PII_ACCOUNT : LAW_PII_KIND_COUNT;
	case 14:
		return law_regon_valid(r->d) ? LAW_PII_REGON : LAW_PII_KIND_COUNT;
	case 13:
		return memcmp(r->d, "0048", 4) == 0 && r->group1 == 4 && r->d[4] != '0'
		           ? LAW_PII_PHONE
		           : LAW_PII_KIND_COUNT;
	case 11:
		if (law_pesel_valid(r->d, !kw(k, "pesel")))
			return LAW_PII_PESEL;
		return r->group1 == 2 && r->d[0] == '4' && r->d[1] == '8' && r->d[2] != '0'
		           ? LAW_PII_PHONE
		           : LAW_PII_KIND_COUNT;
	case 10:
		return law_nip_valid(r->d) ? LAW_PII_NIP : LAW_PII_KIND_COUNT;
	case 9:
		if (kw(k, "regon"))
			return law_regon_valid(r->d) ? LAW_PII_REGON : LAW_PII_KIND_COUNT;
		if (!phone_kw && r->ngroups == 1 && law_regon_valid(r->d))
			return LAW_PII_REGON;
		return r->d[0] != '0' ? LAW_PII_PHONE : LAW_PII_KIND_COUNT;
	default:
		return LAW_PII_KIND_COUNT;
	}
}

static void find_numbers(const text_t *x, flist_t *l)
{
	size_t i = 0;
	while (i < x->len) {
		run_t r = {.start = i};
		size_t j = i;
		int c = x->t[i];
		bool paren = false;
		if (c == '+' && at(x, i + 1) == '4' && at(x, i + 2) == '8') {
			r.plus48 = true;
			j = skip_blanks(x, i + 3);
		} else if (c == '(' && at(x, i + 1) == '+' && at(x, i + 2) == '4' &&
		           at(x, i + 3) == '8' && at(x, i + 4) == ')') {
			r.plus48 = true;
			j = skip_blanks(x, i + 5);
		} else if (c == 'P' && at(x, i + 1) == 'L' &&
		           (is_digit(at(x, i + 2)) || (at(x, i + 2) == ' ' && is_digit(at(x, i + 3))))) {
			r.pl = true;
			j = at(x, i + 2) == ' ' ? i + 3 : i + 2;
		} else if (c == '(' && is_digit(at(x, i + 1))) {
			paren = true;
			j = i + 1;
		}
		if (!is_digit(at(x, j)) || alnum_before(x, i) ||
		    (i >= 2 && in_set(x->t[i - 1], ".,/") && alnum_at(x, i - 2))) {
			i++;
			continue;
		}
		r.end = read_run(x, j, &r, paren);
		if (paren && r.ngroups == 1)
			r.nd = 0; /* "(12" without its closing ") " and more */
		if (!alnum_at(x, r.end) && !amount_after(x, r.end) &&
		    !(in_set(at(x, r.end), "./") && alnum_at(x, r.end + 1))) {
			law_personal_kind_t kind = classify(&r, keyword_before(x, i));
			if (kind != LAW_PII_KIND_COUNT)
				add(l, r.start, r.end, kind);
		}
		i = r.end > i ? r.end : i + 1;
	}
}

/* ID cards (ABC123456, "ABC 123456") and passports (AB1234567). */
static void find_documents(const text_t *x, flist_t *l)
{
	for (size_t i = 0; i < x->len; i++) {
		if (!(x->t[i] >= 'A' && x->t[i] <= 'Z') || alnum_before(x, i))
			continue;
		size_t n = 0;
		while (n < 4 && at(x, i + n) >= 'A' && at(x, i + n) <= 'Z')
			n++;
		if (n != 2 && n != 3)
			continue;
		size_t j = i + n;
		if (at(x, j) == ' ')
			j++;
		size_t want = n == 3 ? 6 : 7, k = 0;
		char s[10];
		memcpy(s, x->t + i, n);
		while (k < want && is_digit(at(x, j + k))) {
			s[n + k] = (char)x->t[j + k];
			k++;
		}
		if (k != want || alnum_at(x, j + k))
			continue;
		s[9] = '\0';
		if (n == 3 ? law_idcard_valid(s) : law_passport_valid(s))
			add(l, i, j + k, n == 3 ? LAW_PII_IDCARD : LAW_PII_PASSPORT);
	}
}

/* ---- Addresses ------------------------------------------------------------------ */

/* The words that begin a street address (folded). */
static const char *const street_words[] = {
    "ul.", "ulica", "ulicy", "ulice", "al.", "aleja", "alei", "aleje", "os.",
    "osiedle", "osiedlu", "osiedla", "pl.", "plac", "placu", "rondo", "ronda", "skwer"};

/* A house number at i: "12", "12a", "12/4", "12A/4b", then " m. 7",
 * " m 7", " lok. 7", " lok 7" (or with a comma first). Its end, or 0. */
static size_t house_number(const text_t *x, size_t i)
{
	size_t j = i;
	while (j - i < 4 && is_digit(at(x, j)))
		j++;
	if (j == i || is_digit(at(x, j)))
		return 0;
	if (is_ascii_alpha(at(x, j)) && !alnum_at(x, j + 1))
		j++;
	if (at(x, j) == '/' && is_digit(at(x, j + 1))) {
		j++;
		while (is_digit(at(x, j)))
			j++;
		if (is_ascii_alpha(at(x, j)) && !alnum_at(x, j + 1))
			j++;
	}
	if (alnum_at(x, j))
		return 0;
	static const char *const flat[] = {" m. ", " m.", " m ", " lok. ", " lok ",
	                                   ", m. ", ", lok. ", " lok."};
	for (size_t f = 0; f < sizeof flat / sizeof flat[0]; f++) {
		size_t n = strlen(flat[f]);
		if (j + n < x->len && memcmp(x->t + j, flat[f], n) == 0 && is_digit(at(x, j + n))) {
			size_t k = j + n;
			while (is_digit(at(x, k)))
				k++;
			if (!alnum_at(x, k))
				return k;
		}
	}
	return j;
}

/* A word of a street's name at i ("Lipowa", "II", "gen.", "Bielsko-Białej"):
 * its end, or 0. */
static size_t street_name_word(const text_t *x, size_t i)
{
	bool cap = upper_at(x, i);
	size_t j = i, n;
	while ((n = letter_at(x, j)) || (at(x, j) == '-' && letter_at(x, j + 1) && j > i))
		j += n ? n : 1;
	if (j == i)
		return 0;
	if (cap)
		return j;
	/* A lower-case abbreviation: "gen.", "ks.", "św.", "marsz." */
	return at(x, j) == '.' && j - i <= 7 ? j + 1 : 0;
}

static size_t street_at(const text_t *x, size_t i)
{
	size_t j = 0;
	for (size_t w = 0; w < sizeof street_words / sizeof street_words[0] && !j; w++)
		j = word_is(x, i, street_words[w]);
	if (!j)
		return 0;
	j = skip_blanks(x, j);
	size_t words = 0;
	/* "3 Maja", "11 Listopada", "29 Listopada" */
	if (is_digit(at(x, j))) {
		size_t k = j;
		while (is_digit(at(x, k)))
			k++;
		size_t w = at(x, k) == ' ' ? street_name_word(x, k + 1) : 0;
		if (k - j > 2 || !w || !upper_at(x, k + 1))
			return 0;
		j = w;
		words++;
	}
	for (;;) {
		size_t s = skip_blanks(x, j);
		if (s == j && words)
			return 0;
		if (is_digit(at(x, s)))
			return words ? house_number(x, s) : 0;
		size_t e = street_name_word(x, s);
		if (!e || ++words > 6)
			return 0;
		j = e;
	}
}

/* "00-950 Warszawa", "43-300 Bielsko-Biała", "65-001 Zielona Góra". */
static size_t postcode_at(const text_t *x, size_t i)
{
	if (i > 0 && (x->t[i - 1] == '-' || x->t[i - 1] == '/' || x->t[i - 1] == '.'))
		return 0;
	for (int k = 0; k < 6; k++)
		if (k == 2 ? at(x, i + k) != '-' : !is_digit(at(x, i + k)))
			return 0;
	size_t j = i + 6;
	if (alnum_at(x, j) || (at(x, j) == '-' && is_digit(at(x, j + 1))))
		return 0;
	for (int w = 0; w < 2; w++) {
		if (at(x, j) != ' ' || !upper_at(x, j + 1))
			break;
		size_t e = street_name_word(x, j + 1);
		if (!e || x->t[e - 1] == '.')
			break;
		j = e;
	}
	return j;
}

static void find_addresses(const text_t *x, flist_t *l)
{
	for (size_t i = 0; i < x->len; i++) {
		if (alnum_before(x, i))
			continue;
		size_t e;
		if (letter_at(x, i) && !(i > 0 && in_set(x->t[i - 1], "./@-_")) &&
		    (e = street_at(x, i))) {
			add(l, i, e, LAW_PII_ADDRESS);
			i = e - 1;
		} else if (is_digit(x->t[i]) && (e = postcode_at(x, i))) {
			add(l, i, e, LAW_PII_POSTCODE);
			i = e - 1;
		}
	}
}

/* ---- Names ------------------------------------------------------------------ */

/* How a Polish name declines: the nominative's ending and what replaces it
 * in the other cases (genitive, dative, accusative, instrumental, locative,
 * vocative, and the plural "państwo Kowalscy"). The first row whose ending
 * the name has is used; the nominative itself always matches. Adjectival
 * and nominal feminine forms are both listed for "-a", since the table
 * cannot tell "Kowalska" (Kowalskiej) from "Zaręba" (Zaręby). Fleeting "e"
 * (Marek → Marka, Paweł → Pawła, Wróbel → Wróbla) gives both stems. */
static const struct {
	const char *end, *forms;
} declension[] = {
    /* adjectival masculine */
    {"dzki", "dzkiego dzkiemu dzkim dzkich dzkimi dzcy"},
    {"ski", "skiego skiemu skim skich skimi scy"},
    {"cki", "ckiego ckiemu ckim ckich ckimi ccy"},
    {"ki", "kiego kiemu kim kich kimi"},
    {"gi", "giego giemu gim gich gimi"},
    {"i", "iego iemu im ich imi"},
    {"y", "ego emu ym ych ymi"},
    /* feminine and masculine in -a */
    {"ska", "skiej ską sko ski sce skę"},
    {"cka", "ckiej cką cko"},
    {"dzka", "dzkiej dzką"},
    {"owa", "owej ową owo owy owie owę"},
    {"ia", "ii ię ią io"},
    {"ja", "ji i ję ją jo"},
    {"ka", "ki ce kę ką ko kiej"},
    {"ga", "gi dze gę gą go giej"},
    {"sta", "sty ście stę stą sto"},
    {"ta", "ty cie tę tą to tej"},
    {"da", "dy dzie dę dą do dej"},
    {"ra", "ry rze rę rą ro rej"},
    {"ła", "ły le łę łą ło łej"},
    {"la", "li lę lą lo lu"},
    {"cha", "chy sze chę chą cho"},
    {"cza", "czy czę czą czo"},
    {"sza", "szy szę szą szo"},
    {"rza", "rzy rzę rzą rzo"},
    {"ża", "ży żę żą żo"},
    {"ca", "cy cę cą co"},
    {"a", "y ie ę ą o ej"},
    /* masculine in -o (Fredro, Kościuszko; feminine: indeclinable) */
    {"ko", "ki ce kę ką ka kowi kiem"},
    {"ro", "ry rze rę rą ra rowi rem"},
    {"o", "y ie ę ą a owi em"},
    /* masculine consonant stems, fleeting e first */
    {"ek", "ka kowi kiem ku kowie ków eka ekowi ekiem eku"},
    {"eł", "ła łowi łem le ła eła ełowi ełem ele"},
    {"el", "la lowi lem lu ela elowi elem elu"},
    {"ec", "ca cowi cem cu eca ecowi ecem ecu"},
    {"k", "ka kowi kiem ku kowie ków"},
    {"g", "ga gowi giem gu gowie"},
    {"ch", "cha chowi chem chu chowie"},
    {"st", "sta stowi stem ście"},
    {"r", "ra rowi rem rze rowie rów"},
    {"ł", "ła łowi łem le łowie"},
    {"t", "ta towi tem cie towie"},
    {"d", "da dowi dem dzie dowie"},
    {"sz", "sza szowi szem szu szowie"},
    {"cz", "cza czowi czem czu czowie"},
    {"rz", "rza rzowi rzem rzu rzowie"},
    {"ż", "ża żowi żem żu"},
    {"c", "ca cowi cem cu"},
    {"j", "ja jowi jem ju"},
    {"l", "la lowi lem lu"},
    {"ń", "nia niowi niem niu"},
    {"ć", "cia ciowi ciem ciu"},
    {"ś", "sia siowi siem siu"},
    {"ź", "zia ziowi ziem ziu"},
    {"b", "ba bowi bem bie bowie"},
    {"f", "fa fowi fem fie fowie"},
    {"m", "ma mowi mem mie mowie"},
    {"n", "na nowi nem nie nowie nów"},
    {"p", "pa powi pem pie powie"},
    {"s", "sa sowi sem sie sowie"},
    {"w", "wa wowi wem wie wowie"},
    {"z", "za zowi zem zie zowie"},
};

#define FORM_MAX 48
#define FORMS_MAX 16
#define PARTS_MAX 3
#define TOKENS_MAX 6

typedef struct part {
	int nforms;
	char form[FORMS_MAX][FORM_MAX];
} part_t;

typedef struct token {
	int nparts;
	bool surname;
	part_t part[PARTS_MAX];
} token_t;

#define STREET_MAX 96

typedef struct pname {
	int ntokens;
	token_t tok[TOKENS_MAX];
	char street[STREET_MAX]; /* "lipowa 12/4", folded; "" for none */
} pname_t;

/* Lower case of Polish capitals and of ASCII, in place. */
static void lower(char *s)
{
	unsigned char *p = (unsigned char *)s;
	for (; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p += 32;
		else if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97)
			p[1] += 0x20, p++;
		else if ((p[0] == 0xC4 && (p[1] == 0x84 || p[1] == 0x86 || p[1] == 0x98)) ||
		         (p[0] == 0xC5 && (p[1] == 0x81 || p[1] == 0x83 || p[1] == 0x9A ||
		                           p[1] == 0xB9 || p[1] == 0xBB)))
			p[1] += 1, p++;
	}
}

static void fold_form(part_t *pt, const char *s, size_t n)
{
	if (pt->nforms >= FORMS_MAX)
		return;
	text_t x = {(const unsigned char *)s, n};
	char *out = pt->form[pt->nforms];
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t k = letter_at(&x, i);
		if (!k || o + 1 >= FORM_MAX)
			return;
		out[o++] = fold_at(&x, i, k);
		i += k;
	}
	out[o] = '\0';
	pt->nforms++;
}

static void decline(part_t *pt, const char *nom)
{
	size_t n = strlen(nom);
	pt->nforms = 0;
	fold_form(pt, nom, n);
	for (size_t r = 0; r < sizeof declension / sizeof declension[0]; r++) {
		size_t e = strlen(declension[r].end);
		if (e >= n || memcmp(nom + n - e, declension[r].end, e) != 0)
			continue;
		const char *f = declension[r].forms;
		while (*f) {
			size_t fl = strcspn(f, " ");
			char buf[FORM_MAX * 2];
			if (n - e + fl < sizeof buf) {
				memcpy(buf, nom, n - e);
				memcpy(buf + n - e, f, fl);
				fold_form(pt, buf, n - e + fl);
			}
			f += fl;
			while (*f == ' ')
				f++;
		}
		return;
	}
}

/* The name's tokens ("Zenobia Pióro-Kwiatkowska": two, the second in two
 * parts); the last token is the surname. Initials and one-letter parts are
 * left out. */
static void compile_name(const char *name, pname_t *pn)
{
	pn->ntokens = 0;
	if (!name)
		return;
	text_t x = {(const unsigned char *)name, strlen(name)};
	size_t i = 0;
	while (i < x.len && pn->ntokens < TOKENS_MAX) {
		if (!letter_at(&x, i)) {
			i++;
			continue;
		}
		token_t *tk = &pn->tok[pn->ntokens];
		tk->nparts = 0;
		for (;;) {
			size_t s = i, letters = 0, k;
			while ((k = letter_at(&x, i))) {
				i += k;
				letters++;
			}
			if (letters >= 2 && i - s < FORM_MAX && tk->nparts < PARTS_MAX) {
				char buf[FORM_MAX];
				memcpy(buf, name + s, i - s);
				buf[i - s] = '\0';
				lower(buf);
				decline(&tk->part[tk->nparts++], buf);
			} else if (letters >= 2) {
				tk->nparts = 0;
			}
			if (at(&x, i) != '-' || !letter_at(&x, i + 1))
				break;
			i++;
		}
		if (tk->nparts > 0)
			pn->ntokens++;
	}
	for (int t = 0; t < pn->ntokens; t++)
		pn->tok[t].surname = t == pn->ntokens - 1;
}

static size_t match_part(const text_t *x, size_t i, const part_t *pt)
{
	char w[FORM_MAX];
	size_t o = 0, k;
	while ((k = letter_at(x, i))) {
		if (o + 1 >= FORM_MAX)
			return 0;
		w[o++] = fold_at(x, i, k);
		i += k;
	}
	w[o] = '\0';
	for (int f = 0; f < pt->nforms; f++)
		if (strcmp(w, pt->form[f]) == 0)
			return i;
	return 0;
}

static size_t match_token(const text_t *x, size_t i, const token_t *tk)
{
	for (int p = 0; p < tk->nparts; p++) {
		if (p > 0) {
			if (at(x, i) != '-')
				return 0;
			i++;
		}
		if (!(i = match_part(x, i, &tk->part[p])))
			return 0;
	}
	return is_digit(at(x, i)) || (at(x, i) == '-' && letter_at(x, i + 1)) ? 0 : i;
}

typedef struct nmatch {
	size_t start, end, person;
	bool surname;
} nmatch_t;

/* Whether an abbreviation that names a patron or a saint stands just
 * before i ("św. Pawła", "im. Jana", "ks. Piotra"). */
static bool patron_before(const text_t *x, size_t i)
{
	static const char *const abbr[] = {"sw.", "im.", "ks.", "bl.", "bp.", "abp."};
	while (i > 0 && (x->t[i - 1] == ' ' || x->t[i - 1] == '\t'))
		i--;
	for (size_t a = 0; a < sizeof abbr / sizeof abbr[0]; a++) {
		size_t n = strlen(abbr[a]) + 1; /* "ś" is two bytes */
		for (size_t b = n - 1; b <= n; b++)
			if (i >= b && word_is(x, i - b, abbr[a]) == i && !alnum_before(x, i - b))
				return true;
	}
	return false;
}

/* An initial just before i ("J. Kowalski"): where it starts, or i. */
static size_t initial_before(const text_t *x, size_t i)
{
	size_t j = i;
	while (j > 0 && x->t[j - 1] == ' ')
		j--;
	if (j == i || j < 2 || x->t[j - 1] != '.')
		return i;
	size_t k = j - 1, n = 0;
	if (k >= 1 && letter_at(x, k - 1) == 1)
		n = 1;
	else if (k >= 2 && letter_at(x, k - 2) == 2)
		n = 2;
	if (!n || !upper_at(x, k - n) || alnum_before(x, k - n))
		return i;
	return k - n;
}

/* A run of matched words of one person, blanks between them, is one
 * finding, with an initial before it. Without the surname it counts only
 * when no other capitalised word follows ("Jana Pawła II" is not Jan
 * Kowalski) and no patron's abbreviation stands before it. */
static void group_names(const text_t *x, const nmatch_t *m, size_t n, flist_t *l)
{
	for (size_t g = 0; g < n;) {
		size_t h = g;
		bool surname = m[g].surname;
		while (h + 1 < n && m[h + 1].person == m[g].person &&
		       skip_blanks(x, m[h].end) == m[h + 1].start && m[h + 1].start - m[h].end <= 3)
			surname |= m[++h].surname;
		size_t next = skip_blanks(x, m[h].end);
		if (surname)
			add(l, initial_before(x, m[g].start), m[h].end, LAW_PII_NAME);
		else if ((next == m[h].end || !upper_at(x, next)) && !patron_before(x, m[g].start))
			add(l, m[g].start, m[h].end, LAW_PII_NAME);
		g = h + 1;
	}
}

static void find_names(const text_t *x, const pname_t *pn, size_t np, flist_t *l)
{
	nmatch_t *m = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < x->len; i++) {
		if (!letter_at(x, i) || alnum_before(x, i))
			continue;
		nmatch_t best = {0, 0, 0, false};
		for (size_t p = 0; p < np; p++)
			for (int t = 0; t < pn[p].ntokens; t++) {
				size_t e = match_token(x, i, &pn[p].tok[t]);
				if (e > best.end)
					best = (nmatch_t){i, e, p, pn[p].tok[t].surname};
			}
		if (!best.end)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			nmatch_t *v = realloc(m, nc * sizeof *v);
			if (!v) {
				l->oom = true;
				break;
			}
			m = v;
			cap = nc;
		}
		m[n++] = best;
		i = best.end - 1;
	}
	if (!l->oom)
		group_names(x, m, n, l);
	free(m);
}

/* ---- The known person's street ------------------------------------------------ */

/* The street and number of a known postal address without its prefix
 * ("ul. Lipowa 12/4, 00-950 Warszawa" gives "lipowa 12/4"), folded, with
 * one blank between words: so that "Lipowa 12/4" is found without "ul.". */
static void compile_street(const char *address, pname_t *pn)
{
	pn->street[0] = '\0';
	if (!address)
		return;
	text_t x = {(const unsigned char *)address, strlen(address)};
	size_t start = 0, end = 0;
	for (size_t i = 0; i < x.len && !end; i++)
		if (letter_at(&x, i) && !alnum_before(&x, i) && (end = street_at(&x, i))) {
			start = i;
			while (start < end && x.t[start] != ' ' && x.t[start] != '.')
				start++;
			start = skip_blanks(&x, start + (at(&x, start) == '.'));
		}
	/* No street: a village and number ("Wólka 15, 21-100 Lubartów"). */
	if (!end && letter_at(&x, (start = skip_blanks(&x, 0)))) {
		end = strcspn(address, ",");
		while (end > 0 && (x.t[end - 1] == ' ' || x.t[end - 1] == '\t'))
			end--;
		if (end <= start || !is_digit(x.t[end - 1]))
			end = 0;
	}
	size_t o = 0;
	for (size_t i = start; i < end && o + 2 < STREET_MAX;) {
		size_t n = letter_at(&x, i);
		if (n) {
			pn->street[o++] = fold_at(&x, i, n);
			i += n;
		} else if (skip_blanks(&x, i) > i) {
			pn->street[o++] = ' ';
			i = skip_blanks(&x, i);
		} else {
			pn->street[o++] = (char)x.t[i++];
		}
	}
	pn->street[o] = '\0';
	if (o >= STREET_MAX - 2)
		pn->street[0] = '\0';
}

/* Where the folded `street` written at i ends, or 0. */
static size_t street_is(const text_t *x, size_t i, const char *street)
{
	for (const char *c = street; *c; c++) {
		size_t n = letter_at(x, i);
		if (*c == ' ') {
			size_t j = skip_blanks(x, i);
			if (j == i)
				return 0;
			i = j;
		} else if (n) {
			if (fold_at(x, i, n) != *c)
				return 0;
			i += n;
		} else if (at(x, i) == (unsigned char)*c) {
			i++;
		} else {
			return 0;
		}
	}
	return alnum_at(x, i) ? 0 : i;
}

static void find_streets(const text_t *x, const pname_t *pn, size_t np, flist_t *l)
{
	for (size_t p = 0; p < np; p++) {
		if (!pn[p].street[0])
			continue;
		for (size_t i = 0; i < x->len; i++) {
			size_t e;
			if (letter_at(x, i) && !alnum_before(x, i) && (e = street_is(x, i, pn[p].street))) {
				add(l, i, e, LAW_PII_ADDRESS);
				i = e - 1;
			}
		}
	}
}

/* ---- All together ------------------------------------------------------------- */

static int by_start(const void *a, const void *b)
{
	const law_personal_finding_t *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

long law_personal_find(const char *text, size_t len, const law_person_t *persons,
                       size_t npersons, law_personal_finding_t *out, size_t cap)
{
	text_t x = {(const unsigned char *)(text ? text : ""), text ? len : 0};
	flist_t l = {0};
	pname_t *pn = NULL;
	if (npersons > 0) {
		pn = malloc(npersons * sizeof *pn);
		if (!pn)
			return -1;
		for (size_t p = 0; p < npersons; p++) {
			compile_name(persons[p].name, &pn[p]);
			compile_street(persons[p].address, &pn[p]);
		}
	}
	find_emails(&x, &l);
	find_addresses(&x, &l);
	find_documents(&x, &l);
	find_numbers(&x, &l);
	if (npersons > 0) {
		find_names(&x, pn, npersons, &l);
		find_streets(&x, pn, npersons, &l);
	}
	free(pn);
	if (l.oom) {
		free(l.v);
		return -1;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, by_start);
	size_t kept = 0, end = 0;
	for (size_t k = 0; k < l.n; k++) {
		if (kept > 0 && l.v[k].start < end)
			continue;
		if (kept < cap && out)
			out[kept] = l.v[k];
		kept++;
		end = l.v[k].end;
	}
	free(l.v);
	return (long)kept;
}

/* ---- The same datum ------------------------------------------------------------ */

/* `s` (`n` bytes) reduced for comparison into `out` (`cap` bytes, at most
 * 2n + 3 needed), malloc'd: for a phone only its digits; for other numbers
 * digits and upper-case letters; for the rest words of folded letters and
 * digits with one blank between them and a blank at each end ('/' and '-'
 * kept inside a word, as in "12/4" and "00-950"). */
static char *reduce(law_personal_kind_t kind, const char *s, size_t n)
{
	text_t x = {(const unsigned char *)s, n};
	char *out = malloc(2 * n + 3);
	if (!out)
		return NULL;
	size_t o = 0;
	bool words = kind == LAW_PII_NAME || kind == LAW_PII_ADDRESS || kind == LAW_PII_POSTCODE ||
	             kind == LAW_PII_EMAIL;
	if (words)
		out[o++] = ' ';
	for (size_t i = 0; i < n;) {
		size_t l = letter_at(&x, i);
		int c = x.t[i];
		if (kind == LAW_PII_PHONE) {
			if (is_digit(c))
				out[o++] = (char)c;
			i++;
		} else if (!words) {
			if (is_digit(c) || is_ascii_alpha(c))
				out[o++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
			i += l ? l : 1;
		} else if (l || is_digit(c) ||
		           (kind == LAW_PII_EMAIL && (c == '@' || c == '.' || c == '_' || c == '+')) ||
		           ((c == '/' || c == '-') && alnum_before(&x, i) && alnum_at(&x, i + 1))) {
			out[o++] = l ? fold_at(&x, i, l) : (char)c;
			i += l ? l : 1;
		} else {
			if (o > 0 && out[o - 1] != ' ')
				out[o++] = ' ';
			i++;
		}
	}
	if (words && out[o - 1] != ' ')
		out[o++] = ' ';
	out[o] = '\0';
	return out;
}

bool law_personal_same(law_personal_kind_t kind, const char *found, size_t len, const char *ref)
{
	if (!found || !ref || !*ref || (unsigned)kind >= LAW_PII_KIND_COUNT)
		return false;
	char *f = reduce(kind, found, len), *r = reduce(kind, ref, strlen(ref));
	bool same = false;
	if (f && r) {
		size_t fl = strlen(f);
		if (kind == LAW_PII_PHONE) {
			/* The last nine digits: "+48 600 700 800" is "600700800". */
			const char *tail = fl > 9 ? f + fl - 9 : f;
			same = strlen(tail) >= 7 && strstr(r, tail) != NULL;
		} else {
			/* Words: the blanks at both ends make it whole words. */
			same = fl > 2 && strstr(r, f) != NULL;
		}
	}
	free(f);
	free(r);
	return same;
}
