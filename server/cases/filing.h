/* SPDX-License-Identifier: EUPL-1.2 */
/* Filing a request: validation of what the citizen (form or API) or a clerk
 * sends, and the one transaction that creates the case — case number, terms
 * from the law core, first event, acknowledgement in the outbox. */
#ifndef JAWNOSC_CASES_FILING_H
#define JAWNOSC_CASES_FILING_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/context.h"
#include "cases/org.h"
#include "core/arena.h"
#include "core/jobs.h"

#define FILING_MAX_ATTACHMENTS 3

struct filing_attachment {
	const char *filename;
	const char *content_type;
	const char *data;
	size_t len;
};

struct filing_input {
	const char *kind;     /* "public_information" | "reuse" */
	const char *subject;
	const char *content;
	const char *form;     /* requested form of the information, optional */
	const char *delivery; /* "email" | "post" | "tracking_page" */
	const char *name;
	const char *email;
	const char *postal_address;
	const char *phone;
	/* The requester's address for electronic delivery, optional
	 * (AE:PL-NNNNN-NNNNN-XXXXX-NN; law/dispatch.h): decisions go there. */
	const char *ade_address;
	const char *purpose; /* re-use (UOD art. 39 ust. 3) */
	const char *format;
	const char *manner;
	/* Re-use for standing and direct access in real time to the body's IT
	 * system (UOD art. 39 ust. 2): "1", "true", "on" or "tak" (the forms'
	 * checkbox, the API's boolean); empty or absent otherwise. After
	 * filing_validate(): "1" or "". */
	const char *standing;
	const char *channel;     /* "web", "api", ... */
	long long actor_user_id; /* the clerk who registers it (0: the requester online) */
	/* The first event's actor (events.actor); NULL: "requester" online
	 * ("web", "api"), else "clerk". An integration's registration is the
	 * integration's (cases/integrations.h). */
	const char *actor;
	/* A guard against filing twice (the IETF httpapi Idempotency-Key
	 * draft): the client's key for this filing, or NULL. The caller names
	 * its kind ("api:" and the Idempotency-Key, "form:" and the form's
	 * one-time id). A key belongs to the client's address (`ip`) and to
	 * the request it came with, for FILING_KEY_TTL seconds. */
	const char *idempotency_key;
	/* The request's body as received, which the key is bound to (the
	 * API); NULL: the filing's fields after validation (a form, whose
	 * multipart boundary changes from one send to the next). */
	const char *request_body;
	size_t request_body_len;
	const char *ip;
	int64_t received_at; /* Unix seconds */
	int nattachments;
	struct filing_attachment attachments[FILING_MAX_ATTACHMENTS];
	size_t max_attachment;
	const char *base_url; /* the site's address, for the tracking link in the
	                         acknowledgement (NULL or "": a relative link) */
	/* The caller's own work in the filing's transaction, once the case's
	 * rows are written (a message of the incoming queue becoming the
	 * case's: cases/inbox.c); NULL: none. Anything but DB_OK rolls the
	 * filing back; DB_CONFLICT is the caller's refusal (filing_create()
	 * answers OUT_CONFLICT, code "filing_then_refused", and the caller
	 * says why), anything else a failure. */
	enum db_status (*then)(PGconn *c, long long request_id, void *arg);
	void *then_arg;
	/* Set by clerk_register_received(): the key (idempotency_key) came
	 * with the same body before, and the case is the one filed then. */
	bool replayed;
};

#define FILING_MAX_ERRORS 20

struct filing_errors {
	int n;
	struct {
		const char *field;   /* the form field / JSON member */
		const char *message; /* Polish, for the user */
	} e[FILING_MAX_ERRORS];
};

/* Checks every field; true when there is nothing to report. Pure: no I/O.
 * Strings are trimmed copies in the arena (the input is updated). */
bool filing_validate(arena_t *a, struct filing_input *in, struct filing_errors *errs);
/* The name and postal address an anonymous requester gives later (issue 20
 * item 12: a decision names the party, KPA art. 107 §1 pkt 3), by the
 * filing's rules for "name" and "postal_address", both required; the
 * strings become trimmed copies in the arena. */
bool filing_identity_validate(arena_t *a, const char **name, const char **address,
                              struct filing_errors *errs);
/* The message for `field`, or NULL. */
const char *filing_error_for(const struct filing_errors *errs, const char *field);
/* OUT_OK when errs holds nothing, else OUT_INVALID with its fields in p. */
enum outcome filing_problem(const struct filing_errors *errs, struct problem *p);

/* A filing over the address's limit may try again after this many seconds
 * (the limit counts in windows of an hour). */
#define FILING_RATE_WINDOW 3600

/* How long a key is kept: a day, as the IETF draft suggests. */
#define FILING_KEY_TTL (24 * 3600)

struct filing_receipt {
	bool duplicate; /* the same key and request filed before: this is that case */
	long long request_id;
	const char *case_number;
	const char *token;
	const char *kind;
	const char *state;
	const char *received_on;
	const char *due_on;
	json_t *due_steps; /* owned by the caller: json_decref */
};

/* Checks `in` (filing_validate(): OUT_INVALID with the form's field names)
 * and creates the case for ctx->org in one transaction (retried on
 * serialization failures); the organisation is told changed at commit.
 * The tracking token is random. A filing online (channel "web" or "api")
 * with an address counts against JAWNOSC_FILING_RATE per hour:
 * OUT_RATE_LIMITED past it (try again after FILING_RATE_WINDOW).
 * With an idempotency key, looked up for this client (`ip`) only:
 * - new to the client (or older than FILING_KEY_TTL): the case is filed
 *   and the key kept with it;
 * - used by the client with the same request: that case and its token
 *   (out->duplicate), even when the address is over its limit (it files
 *   nothing and takes no slot);
 * - used by the client with another request: OUT_INVALID, code
 *   "idempotency_key_reused", no field;
 * - the client's other request with the key still being filed:
 *   OUT_CONFLICT, code "idempotency_key_in_use".
 * Another client's use of the same key changes nothing in the answer.
 * OUT_UNAVAILABLE when the database cannot be reached, OUT_ERROR for a bug
 * or a misconfigured organisation (logged); out->due_steps is set only on
 * OUT_OK. */
enum outcome filing_create(const struct svc_ctx *ctx, struct filing_input *in,
                           struct filing_receipt *out, struct problem *p);

/* The job "idempotency-keys": forgets keys older than FILING_KEY_TTL. */
enum job_result filing_keys_job(void);

#endif
