/* SPDX-License-Identifier: EUPL-1.2 */
/* Errors of the law module: a stable machine code for programs and a message
 * in Polish for users (pages show it as it is). Nothing here allocates: the
 * message lives inside the struct, the code is a static string. */
#ifndef JAWNOSC_LAW_ERROR_H
#define JAWNOSC_LAW_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define LAW_MESSAGE_MAX 512

typedef struct law_error {
	const char *code;	       /* snake_case, static; NULL while no error */
	char message[LAW_MESSAGE_MAX]; /* Polish, UTF-8, NUL-terminated */
} law_error_t;

/* Fills `err` (which may be NULL) and returns false, so that a failing
 * function can end with `return law_fail(err, "code", "...", ...);`.
 * A message longer than the buffer is cut at a character boundary. */
bool law_fail(law_error_t *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* vsnprintf into `buf` that, when the text does not fit, cuts it at a UTF-8
 * character boundary instead of in the middle of a character. Returns false
 * if the text was cut. */
bool law_vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* Clears `err` (NULL is a no-op). */
void law_error_clear(law_error_t *err);

#endif
