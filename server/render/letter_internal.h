/* SPDX-License-Identifier: EUPL-1.2 */
/* Shared between render/letter*.c only; not part of the contract. */
#ifndef JAWNOSC_RENDER_LETTER_INTERNAL_H
#define JAWNOSC_RENDER_LETTER_INTERNAL_H

#include <stdarg.h>

#include "render/letter.h"

/* The row of letter_vars[] named exactly `name` (`len` bytes), or NULL. */
const letter_var_t *letter_var_find(const char *name, size_t len);

/* The value at dotted `path` inside `vars` ("org.name" is vars.org.name), or
 * NULL when any part is missing or not an object. Borrowed. */
json_t *letter_lookup(json_t *vars, const char *path);

/* Appends `s` (`n` bytes) as clean UTF-8 text for the frame: invalid
 * sequences become U+FFFD, control characters and bidirectional overrides
 * are dropped, CR LF and CR become LF. */
void letter_clean_text(strbuf_t *out, const char *s, size_t n);

/* Writes an error into err (NUL-terminated when errlen > 0); returns false. */
bool letter_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Characters dropped from values: C0/C1 controls other than TAB, LF, CR,
 * DEL, and the bidirectional embeddings, overrides and isolates (which can
 * make a letter display something other than its text). */
bool letter_cp_dropped(unsigned cp);

#endif
