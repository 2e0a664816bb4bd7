/* SPDX-License-Identifier: EUPL-1.2 */
/* Text of inbound mail as UTF-8 that is safe to store and show: charset
 * conversion with a best effort for a wrong or missing declaration, and
 * cleaning (no invalid sequence, no NUL, no control character but line
 * feed and tab). Whatever comes in, what comes out is valid UTF-8.
 *
 * Polish offices and citizens send UTF-8, ISO-8859-2 and Windows-1250;
 * when a declaration is missing or wrong the bytes are read as UTF-8 when
 * they are valid UTF-8, else as whichever of the two Polish charsets
 * explains the Polish letters in them better. */
#ifndef JAWNOSC_MAIL_TEXT_H
#define JAWNOSC_MAIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/strbuf.h"

/* "windows-1250" or "iso-8859-2": the Polish charset that explains the
 * 8-bit bytes of s[0..n) better (bytes 0x80-0x9F and the letters ą ś ź Ą
 * Ś Ź, which the two place differently). Static strings. */
const char *mail_guess_charset(const unsigned char *s, size_t n);

/* s[0..n) in `charset` (the declared one; NULL or "" when none) as
 * cleaned UTF-8 (mail_clean()) in `a`, its length in *len (may be NULL).
 * A declaration that is unknown or that the bytes break is overruled as
 * said above; so is a single-byte one when the bytes are valid UTF-8 with
 * multi-byte sequences (a client that declared one charset and sent
 * another). */
char *mail_to_utf8(arena_t *a, const char *charset, const unsigned char *s, size_t n,
                   size_t *len);

/* s[0..n) (meant as UTF-8) cleaned into `a`: each invalid byte becomes
 * U+FFFD, CR LF and a lone CR become LF, a leading byte-order mark, NUL,
 * the other C0 controls but LF and tab, DEL and the C1 controls are
 * dropped. With `one_line` LF and tab become spaces, runs of spaces one,
 * the ends are trimmed and the bidirectional overrides are dropped (a
 * header field's value, a file name). */
/* Appends code point `cp` (at most U+10FFFF, not a surrogate: the caller
 * checks) to `sb` in UTF-8. */
void mail_put_cp(strbuf_t *sb, unsigned cp);

char *mail_clean(arena_t *a, const char *s, size_t n, bool one_line, size_t *len);

/* Shortens UTF-8 text `s` in place to at most `max` bytes without cutting
 * a sequence; true when it was longer. */
bool mail_truncate(char *s, size_t max);

#endif
