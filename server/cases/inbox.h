/* SPDX-License-Identifier: EUPL-1.2 */
/* The incoming queue (/panel/poczta, issue 19 §2, docs/inbound.md "The
 * incoming queue"): the messages that reached the organisation's mailbox
 * (inbound_messages) and that neither the matcher nor anyone else has
 * handled yet, and what a clerk does with one: registers it as a new
 * request, attaches it to a case, or marks it as not a request. Nothing
 * is deleted: a handled message keeps its row with who handled it, when
 * and how, and stays listed under its status.
 *
 * Who sees what: the mailbox is the organisation's, so every clerk,
 * manager and administrator of the organisation sees its new messages,
 * whatever their unit. A message attached to a case (registered as it,
 * attached, a reply) belongs to that case from then on: staff confined to
 * their unit (cases/scope.h) see it only when they see the case. Another
 * organisation's message, or one not seen, is OUT_NOT_FOUND.
 *
 * Every entry point takes the context of a signed-in staff member
 * (ctx->who), gets the thread's connection itself and returns an outcome;
 * the problem says what is wrong for anything but OUT_OK:
 *   OUT_NOT_FOUND   no such message that ctx->who sees;
 *   OUT_INVALID     an input is wrong (field "case_number", "reason",
 *                   "note", "version", or the registration form's);
 *   OUT_STALE       someone handled the message first (code
 *                   "inbox_handled", the message says who, when and how)
 *                   or changed it (code "stale_version");
 *   OUT_CONFLICT    the message has not been read by the parser yet
 *                   (code "inbox_unparsed"): try again in a moment;
 *   OUT_UNAVAILABLE, OUT_ERROR. */
#ifndef JAWNOSC_CASES_INBOX_H
#define JAWNOSC_CASES_INBOX_H

#include <jansson.h>
#include <stddef.h>

#include "cases/context.h"
#include "cases/filing.h"

/* Messages on one page of the list. */
#define INBOX_PAGE 50

/* The statuses a message can have (migration 0030), with their labels:
 * "new" (the queue itself) and those of a handled message. */
struct inbox_status {
	const char *id;    /* inbound_messages.status */
	const char *param; /* its value of ?stan= on /panel/poczta */
	const char *label; /* Polish, plural, for the filter */
	const char *one;   /* Polish, of one message */
};
extern const struct inbox_status inbox_statuses[];
/* The status of `param` (?stan=), NULL when none. */
const struct inbox_status *inbox_status_of_param(const char *param);

struct inbox_filter {
	const char *status;   /* an inbox_statuses id; NULL: "new" */
	/* Keyset: the page after the message received at `after_at`
	 * (Unix microseconds, as "next" gave it) with id `after_id`. */
	const char *after_at; /* NULL: the first page */
	long long after_id;
};

/* A page of the organisation's messages of one status: "new" oldest first
 * (the order of their terms), the handled ones newest first:
 *   {"items": [{id, from_name, from_address, subject, received_at
 *     ("YYYY-MM-DD HH:MM", Warsaw), received_on, attachments (count, not
 *     inline), kind, kind_label, unparsed, status, status_label, case_id,
 *     case_number}], "counts": {<status id>: n, ...}, "oldest_new": date
 *     or absent, "next": {"at", "id"} when there is a next page}. */
enum outcome inbox_list(const struct svc_ctx *ctx, const struct inbox_filter *f, json_t **out,
                        struct problem *p);

/* One message: what the list has, plus body_text, envelope_from,
 * message_id, parse_error, source, version, raw (the raw message is still
 * kept), parts [{seq, filename, content_type, size, inline, readable,
 * note, data (bytes kept)}], handled_by, handled_at, handled_note, and
 * "open" (true while it is new and parsed: the actions apply). */
enum outcome inbox_message(const struct svc_ctx *ctx, long long id, json_t **out,
                           struct problem *p);

/* The bytes of a part of a message (its file) or of the raw message. */
struct inbox_file {
	const char *filename;     /* as the message named it (UTF-8), never empty */
	const char *content_type; /* as the message declared it */
	const char *data;
	size_t len;
};
/* Part `seq` of message `id`: OUT_NOT_FOUND also when its bytes are no
 * longer kept. */
enum outcome inbox_part(const struct svc_ctx *ctx, long long id, int seq, struct inbox_file *out,
                        struct problem *p);
/* The raw message as received (RFC 5322, "message/rfc822"). */
enum outcome inbox_raw(const struct svc_ctx *ctx, long long id, struct inbox_file *out,
                       struct problem *p);

/* The registration form's first values for message `id`: the kind guessed
 * from the subject and the text ("ponowne wykorzystywanie" and its forms:
 * re-use, else public information), the requester from the sender
 * (name, e-mail, delivery by e-mail), the subject and the text (cut at
 * the form's 20,000 characters; *cut says so). Strings in ctx->arena. The
 * message as inbox_message() gives it in *message. */
enum outcome inbox_prefill(const struct svc_ctx *ctx, long long id, struct filing_input *in,
                           bool *cut, json_t **message, struct problem *p);

/* Registers message `id` as a new request: `in` as the clerk's
 * registration form sent it (validated as clerk_register() does), its
 * channel (e-mail, or ePUAP / e-Doręczenia for that inbox) and its date
 * of receipt (the message's arrival: UDIP terms count from it) taken from
 * the message, whatever was posted. The case is created and the message
 * attached to it (status "registered", its attachments the case's) in one
 * transaction: either both or neither. `version` is the message's as the
 * form was drawn ("" or NULL: no check). The new case's id in *request_id. */
enum outcome inbox_register(const struct svc_ctx *ctx, long long id, const char *version,
                            struct filing_input *in, const char *base_url, long long *request_id,
                            struct problem *p);

/* Attaches message `id` to the case numbered `case_number` (of the
 * organisation, seen by ctx->who): status "attached", its attachments the
 * case's, a "mail_received" event on the case. The case's id in
 * *request_id. */
enum outcome inbox_attach(const struct svc_ctx *ctx, long long id, const char *version,
                          const char *case_number, long long *request_id, struct problem *p);

/* The reasons a message is not a request (the form's choice). */
struct inbox_reason {
	const char *id, *label;
};
extern const struct inbox_reason inbox_reasons[];

/* Marks message `id` as not a request: `reason` one of inbox_reasons,
 * `note` (required for "other", at most 1,000 characters) kept in
 * handled_note with the reason, and an event "mail_not_request" in the
 * organisation's audit trail (no case). */
enum outcome inbox_dismiss(const struct svc_ctx *ctx, long long id, const char *version,
                           const char *reason, const char *note, struct problem *p);

/* The figures for the dashboard of ctx->who: {"count": new messages,
 * "oldest": received_on of the oldest, or absent}. Read fresh each time:
 * mail is stored by other processes (`jawnosc mailin`), which tell no
 * page cache. */
enum outcome inbox_counts(const struct svc_ctx *ctx, json_t **out, struct problem *p);

#endif
