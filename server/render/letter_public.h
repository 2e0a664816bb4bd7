/* SPDX-License-Identifier: EUPL-1.2 */
/* The public copy of an issued letter: the same letter without the
 * requester's personal data, for the register (LAW.md §7, UDIP art. 5
 * ust. 2). An issued letter is addressed to the requester and names them
 * (the addressee block, "Strona: ...", the "Otrzymują" list, an appeal
 * forwarded "od strony ..."); the register publishes only this copy, never
 * the issued PDF.
 *
 * What is removed:
 *   - the addressee block: requester.name becomes LETTER_REDACTED, the
 *     postal and e-mail address are left out (an appeal body or a court
 *     stays the addressee of the letters written to them);
 *   - the "Otrzymują:" paragraph and the list after it;
 *   - in the body's text (also code and link targets), ignoring case and
 *     Polish diacritics: the e-mail, the phone (its last nine digits, however
 *     separated), the parts of the postal address that hold a number (the
 *     street, the postcode with the town), the full name, any word that
 *     begins with the stem of the surname ("Kowalsk" finds "Kowalskiego"),
 *     and a first name standing just before a removed surname;
 *   - raw HTML (never shown by the letter anyway).
 * Then the copy is read again, text and frame: if anything of the
 * requester's data is still found there, there is no public copy at all
 * (be conservative: a letter that cannot be cleaned is not published).
 *
 * Pure functions: no I/O. Thread-safe. */
#ifndef JAWNOSC_RENDER_LETTER_PUBLIC_H
#define JAWNOSC_RENDER_LETTER_PUBLIC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* What stands in the public copy where personal data was: the
 * requester's, and anyone else's that the detector found. */
#define LETTER_REDACTED "[dane osobowe wnioskodawcy usunięte]"
#define LETTER_ANONYMISED "[dane zanonimizowane]"

/* The requester's data, as stored (any may be NULL or ""). */
typedef struct letter_personal {
	const char *name, *email, *address, *phone;
} letter_personal_t;

/* The public copy's Markdown body from the issued `markdown`, into `out`
 * (CommonMark, as cmark writes it). Besides the requester's data above,
 * the personal-data detector (law/personal.h) runs on every text: the
 * requester's name in any case form ("Pani Zenobio") becomes
 * LETTER_REDACTED, and an e-mail, phone, PESEL, ID card or passport
 * number, bank account, street address or postcode of anyone becomes
 * LETTER_ANONYMISED, unless the letter's `vars` (may be NULL) say it of
 * the body itself (org.*, addressee.*, signer.*, fee.account: its
 * address, phone, account, its appeal body's address). False, with the
 * reason in `err` (English, "the surname is still in the text"), when
 * personal data is left after the redaction: then there must be no public
 * copy. */
bool letter_public_markdown(const char *markdown, const letter_personal_t *who, json_t *vars,
                            strbuf_t *out, char *err, size_t errlen);

/* The variables for the public copy's frame: a deep copy of `vars` with
 * the requester's name replaced by LETTER_REDACTED and the postal and
 * e-mail address emptied. NULL (and `err`) when a frame variable of the
 * copy (letter_vars[].frame) still holds personal data of `who`. New
 * reference. */
json_t *letter_public_vars(json_t *vars, const letter_personal_t *who, char *err, size_t errlen);

/* What of `who` the plain `text` holds ("e-mail", "phone", "address",
 * "name", "surname"), or NULL: the check both functions above apply. */
const char *letter_personal_in(const char *text, const letter_personal_t *who);

/* The end of the phone number `digits` written at `p` in `t` ("600 700 800",
 * "600-700-800": blanks, tabs, dots, hyphens, slashes and parentheses may
 * stand between the digits), or NULL when it does not start there (also
 * when a digit stands just before or after it). */
const char *letter_phone_at(const char *t, const char *p, const char *digits);

#endif
