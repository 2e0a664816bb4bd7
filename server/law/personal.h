/* SPDX-License-Identifier: EUPL-1.2 */
/* The personal-data detector: where a Polish text holds personal data
 * (RODO art. 4 pkt 1; UDIP art. 5 ust. 2 limits access for a person's
 * privacy), for the register and the letters' public copies to check
 * before anything is published. docs/privacy.md, "The personal-data
 * detector", describes what it finds, how well (the corpus figures) and
 * what it misses.
 *
 * It finds, anywhere in the text:
 *   - e-mail addresses; Polish phone numbers (nine digits, +48 / 0048 /
 *     (+48) optional, blanks, hyphens and "(22)" between the groups);
 *   - PESEL (checksum and a real birth date; with the word "PESEL" just
 *     before it the checksum alone is enough: a mistyped date is still
 *     someone's number), NIP (checksum), REGON (9 or 14 digits, checksum),
 *     the number of an ID card (ABC123456) and of a passport (AB1234567),
 *     each with its check digit, and bank accounts (26 digits, "PL"
 *     optional, blanks allowed, ISO 13616 mod 97);
 *   - street addresses with a house number ("ul. Lipowa 12/4",
 *     "al. Jana Pawła II 5", "os. Tysiąclecia 3 m. 7") and postcodes with
 *     the town ("00-950 Warszawa");
 * and, for each known person of the case, their name in any Polish case
 * form (a suffix table, law/personal.c), ignoring case and diacritics:
 * the surname anywhere, a first name with the surname or alone (but not
 * when another capitalised word follows it: "Jana Pawła" is not Jan); and
 * the street and number of their postal address also without "ul."
 * ("Lipowa 12/4").
 *
 * Pure function: no I/O, no global state; thread-safe. It allocates
 * working memory with malloc and frees it before returning. */
#ifndef JAWNOSC_LAW_PERSONAL_H
#define JAWNOSC_LAW_PERSONAL_H

#include <stdbool.h>
#include <stddef.h>

typedef enum law_personal_kind {
	LAW_PII_NAME,
	LAW_PII_EMAIL,
	LAW_PII_PHONE,
	LAW_PII_PESEL,
	LAW_PII_NIP,
	LAW_PII_REGON,
	LAW_PII_IDCARD,
	LAW_PII_PASSPORT,
	LAW_PII_ACCOUNT,
	LAW_PII_ADDRESS,
	LAW_PII_POSTCODE,
	LAW_PII_KIND_COUNT
} law_personal_kind_t;

/* A known person of the case (as render/letter_public.h's
 * letter_personal_t; any field may be NULL or ""). Only the name and the
 * address's street are used beyond the generic rules: e-mails, phones and
 * prefixed addresses are found whoever they belong to. */
typedef struct law_person {
	const char *name, *email, *phone, *address;
} law_person_t;

/* One finding: bytes [start, end) of the text. */
typedef struct law_personal_finding {
	size_t start, end;
	law_personal_kind_t kind;
} law_personal_finding_t;

/* The kind's name in the corpus and in messages: "name", "email", "phone",
 * "pesel", "nip", "regon", "idcard", "passport", "account", "address",
 * "postcode"; NULL for a value out of range. */
const char *law_personal_kind_name(law_personal_kind_t kind);

/* The kind in Polish, for a clerk's message: "imię i nazwisko", "adres
 * e-mail", "numer telefonu", "numer PESEL", ...; NULL out of range. */
const char *law_personal_kind_label(law_personal_kind_t kind);

/* Whether the finding `found` (`len` bytes of a text, of `kind`) is the
 * same datum as one held in `ref` (a stored e-mail, phone, postal address,
 * or any text): e-mails ignoring case; phones by their last nine digits;
 * numbers (PESEL, NIP, REGON, ID card, passport, account) by their digits
 * and letters; names and addresses as whole words ignoring case,
 * diacritics, punctuation and blanks ("Lipowa 12/4" is in "ul. Lipowa
 * 12/4, 00-950 Warszawa"). For telling the organisation's own address or
 * phone from a third party's, and the requester's data from others'. */
bool law_personal_same(law_personal_kind_t kind, const char *found, size_t len, const char *ref);

/* The findings in `text` (`len` bytes, UTF-8; invalid bytes are only
 * skipped over) for the `npersons` known persons (may be 0), sorted by
 * start, never overlapping, into `out` (up to `cap` of them). Returns how
 * many there are (more than `cap` when `out` was too small), or -1 when
 * working memory could not be allocated (then nothing is known: treat the
 * text as holding personal data). */
long law_personal_find(const char *text, size_t len, const law_person_t *persons,
                       size_t npersons, law_personal_finding_t *out, size_t cap);

/* The checksums, on digits (and letters) without separators; each false
 * for a wrong length or a character out of place. */
bool law_pesel_valid(const char *s, bool need_date); /* 11 digits */
bool law_nip_valid(const char *s);                   /* 10 digits */
bool law_regon_valid(const char *s);                 /* 9 or 14 digits */
bool law_idcard_valid(const char *s);                /* ABC123456 */
bool law_passport_valid(const char *s);              /* AB1234567 */
bool law_account_valid(const char *s); /* 26 digits, or PL and 26 digits */

#endif
