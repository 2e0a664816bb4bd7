/* SPDX-License-Identifier: EUPL-1.2 */
/* Attachments both ways (issue 19 §3; docs/letters.md, "Attachments both
 * ways").
 *
 * In: a clerk opens every attachment of a case (the requester's uploads,
 * files that came by e-mail, the clerk's own): its page with the details and
 * a preview rendered on the server (render/preview.h), and the file itself
 * as a download. Only the staff who see the case (cases/scope.h): anything
 * else is OUT_NOT_FOUND.
 *
 * Out: a clerk attaches files to a draft letter (attachments.document_id):
 * checked by their content (core/sniff.h) and their size (each file and all
 * of one letter together, the limits the caller passes), listed in the
 * letter under "Załączniki:" (render/attachlist.h) and sent with it on every
 * channel (the outbox, e-Doręczenia, the tracking page). Once the letter is
 * issued its attachments never change (migration 0031: a trigger refuses
 * it). The register never publishes one: a PDF reaches it only as a public
 * copy (cases/attachments.h), anything else never.
 *
 * Results live in ctx->arena. */
#ifndef JAWNOSC_CASES_ATTACHMENT_FILES_H
#define JAWNOSC_CASES_ATTACHMENT_FILES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/context.h"
#include "core/outcome.h"
#include "db/db.h"
#include "render/attachlist.h"

#define ATTACH_OUT_MAX_FILES 20 /* attachments of one letter at most */

/* A file to download. */
struct attach_file {
	const char *filename;
	const char *content_type; /* a type of core/sniff.h's table, else application/octet-stream */
	const char *data;
	size_t len;
};

/* Attachment `id` of case `request_id` for a staff member (ctx->who). */
/* Where a case's file came from (attachments.source), in Polish: "od
 * wnioskodawcy (formularz)", "z wiadomości e-mail", "dodany przez
 * urzędnika". */
const char *attach_source_label(const char *source);

enum outcome attach_file_get(const struct svc_ctx *ctx, long long request_id, long long id,
                             struct attach_file *out, struct problem *p);

/* The attachment's page: {"id_case", "case_number", "attachment": {id,
 * filename, size, size_text, source_label, type_label, sha256, document_seq,
 * created_at}, "pages": [{n, src, alt}], "npages", "more_pages" (beyond the
 * first ATTACH_PREVIEW_PAGES), "no_preview": the reason there is none}. The
 * caller decrefs. */
#define ATTACH_PREVIEW_PAGES 30
enum outcome attach_file_view(const struct svc_ctx *ctx, long long request_id, long long id,
                              json_t **out, struct problem *p);

/* Image `n` (1-based) of the attachment's preview, a PNG in the arena.
 * OUT_NOT_FOUND for no such attachment or image, OUT_INVALID (the reason)
 * when it has no preview. */
enum outcome attach_file_preview(const struct svc_ctx *ctx, long long request_id, long long id,
                                 int n, const char **png, size_t *len, struct problem *p);

/* ---- Attachments of an outgoing letter ---- */

struct attach_upload {
	const char *filename; /* as the browser sent it (a path is cut to its last part) */
	const char *data;
	size_t len;
};

struct attach_limits {
	size_t file_max;  /* bytes of one file */
	size_t total_max; /* bytes of all the files of one letter */
};

/* Attaches `n` files to draft `seq` of case `request_id` and stores the
 * letter's Markdown (`markdown` when given and valid, else the stored one)
 * with its list of enclosures made anew, in one transaction. OUT_INVALID at
 * "zalacznik" (no file, a file refused by content, name or size, over the
 * total or the number of files; nothing is stored then) or at "markdown";
 * OUT_CONFLICT when the letter is issued; OUT_NOT_FOUND. */
enum outcome attach_to_letter(const struct svc_ctx *ctx, long long request_id, int seq,
                              const struct attach_upload *files, size_t n,
                              const char *markdown, const struct attach_limits *lim,
                              struct problem *p);

/* Takes attachment `id` off draft `seq` (and deletes it), storing the
 * Markdown as attach_to_letter() does. OUT_CONFLICT when the letter is
 * issued or a public copy was made of the file; OUT_NOT_FOUND. */
enum outcome attach_from_letter(const struct svc_ctx *ctx, long long request_id, int seq,
                                long long id, const char *markdown, struct problem *p);

/* Inside a service's transaction: the attachments of document
 * `document_id`, oldest first, as list items (in `a`) and as JSON (*json,
 * may be NULL: [{id, filename, size, size_text, type_label}]), their total
 * size in *total (may be NULL). */
enum db_status attach_letter_items(PGconn *c, arena_t *a, long long document_id,
                                   struct attachlist_item **items, size_t *n, json_t **json,
                                   long long *total);

/* Inside a service's transaction: the attachments of document `from` copied
 * to the draft `to` (a correction carries its original's enclosures). */
enum db_status attach_letter_copy(PGconn *c, long long from, long long to);

/* An attachment of issued document `seq` of the case behind tracking
 * `token`, addressed to the requester, for the requester. OUT_NOT_FOUND
 * otherwise (a draft's, another case's, an erased file). */
enum outcome attach_for_requester(const struct svc_ctx *ctx, const char *token, int seq,
                                  long long id, struct attach_file *out, struct problem *p);

#endif
