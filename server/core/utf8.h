/* SPDX-License-Identifier: EUPL-1.2 */
/* Strict UTF-8 validation (RFC 3629 §4), shared by the router, the form
 * parsers, the services (cases/filing.c checks text attachments) and anything
 * else that must refuse malformed text before it reaches the database, the
 * logs or a template. */
#ifndef JAWNOSC_CORE_UTF8_H
#define JAWNOSC_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence at the end.
 * U+0000 is well-formed UTF-8, so a NUL byte passes: callers that store C
 * strings must refuse NUL themselves. s may be NULL only when n is 0. */
bool utf8_valid(const char *s, size_t n);

/* Decodes one UTF-8 sequence at s[0..n): returns its length (1..4) and the
 * code point in *cp, or 0 for an invalid or truncated sequence (then *cp is
 * U+FFFD and one byte should be skipped). Rejects overlongs, surrogates,
 * > U+10FFFF, as utf8_valid() does. */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

#endif
