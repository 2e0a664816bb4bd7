/* Issuing letters and decisions. The step that needs a letter leaves a
 * draft document (type and the step's inputs); here the draft gets its
 * Markdown from the template, the clerk may edit it, and issuing renders
 * HTML and PDF, stores them with the SHA-256 of the PDF, the author and the
 * time, makes the document immutable, and queues delivery. A correction is
 * a new draft that supersedes the issued document. */
#ifndef JAWNOSC_CASES_LETTERS_H
#define JAWNOSC_CASES_LETTERS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/clerk.h"
#include "core/arena.h"
#include "render/letter.h"

enum letters_result {
	LETTERS_OK,
	LETTERS_NOT_FOUND,
	LETTERS_INVALID,   /* message in err (Polish) */
	LETTERS_ISSUED,    /* already issued: it cannot change */
	LETTERS_UNAVAILABLE,
	LETTERS_ERROR,
};

/* The mark left where the template needs something no step recorded; a
 * letter still holding one cannot be issued. */
#define LETTERS_TODO "[DO UZUPEŁNIENIA:"

/* The document as JSON: type, title, status, markdown (generated now for a
 * draft that has none), the preview as an HTML fragment, issue data. */
enum letters_result letters_view(PGconn *c, arena_t *a, const struct clerk *who,
                                 const letter_set_t *ls, long long request_id, int seq,
                                 int64_t now, json_t **out, char *err, size_t errlen);
/* Stores the clerk's edited Markdown of a draft. */
enum letters_result letters_save(PGconn *c, arena_t *a, const struct clerk *who,
                                 long long request_id, int seq, const char *markdown, char *err,
                                 size_t errlen);
/* Issues a draft (with `markdown` if given, else its stored one). */
enum letters_result letters_issue(PGconn *c, arena_t *a, const struct clerk *who,
                                  const letter_set_t *ls, long long request_id, int seq,
                                  const char *markdown, int64_t now, char *err, size_t errlen);
/* A new draft superseding issued document `seq`; its number in *new_seq. */
enum letters_result letters_correct(PGconn *c, arena_t *a, const struct clerk *who,
                                    long long request_id, int seq, int *new_seq, char *err,
                                    size_t errlen);
/* Records the date an issued document was delivered. */
enum letters_result letters_delivered(PGconn *c, arena_t *a, const struct clerk *who,
                                      long long request_id, int seq, const char *date,
                                      int64_t now, char *err, size_t errlen);
/* The PDF of an issued document of the clerk's organisation. */
enum letters_result letters_pdf(PGconn *c, arena_t *a, const struct clerk *who,
                                long long request_id, int seq, const char **pdf, size_t *len);
/* The register of outgoing letters: issued documents of the organisation,
 * newest first, between `from` and `to` (YYYY-MM-DD, may be NULL), of
 * `type` (NULL: all). {"items": [...]} */
enum letters_result letters_outgoing(PGconn *c, arena_t *a, const struct clerk *who,
                                     const char *from, const char *to, const char *type,
                                     json_t **out);

#endif
