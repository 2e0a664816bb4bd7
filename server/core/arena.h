/* SPDX-License-Identifier: EUPL-1.2 */
/* Per-request (or per-job) memory arena.
 *
 * Everything a request allocates comes from its arena and is released in one
 * go by arena_free(). Allocation never returns NULL: running out of memory
 * aborts the process (as Redis' zmalloc does), because no caller could do
 * anything better and checking every allocation would hide real logic. */
#ifndef JAWNOSC_CORE_ARENA_H
#define JAWNOSC_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena_t;

/* A new arena whose first block holds at least `first_block` bytes. */
arena_t *arena_new(size_t first_block);
/* Releases the arena and everything allocated from it. NULL is a no-op. */
void arena_free(arena_t *a);

/* `n` bytes aligned to 16; the memory is uninitialised. */
void *arena_alloc(arena_t *a, size_t n);
/* `n` zeroed bytes. */
void *arena_calloc(arena_t *a, size_t count, size_t size);
/* NUL-terminated copies; NULL input gives NULL. */
char *arena_strdup(arena_t *a, const char *s);
char *arena_strndup(arena_t *a, const char *s, size_t n);
/* printf into arena memory. */
char *arena_printf(arena_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena_t *a, const char *fmt, va_list ap);

/* Bytes handed out so far (for tests and metrics). */
size_t arena_used(const arena_t *a);

/* Aborts with a message: the only way out of an allocation failure. */
_Noreturn void oom(void);
/* malloc/realloc/strdup that abort on failure, for long-lived objects. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
