/* SPDX-License-Identifier: EUPL-1.2 */
/* e-Doręczenia, the pure half of the client (docs/edoreczenia.md): what
 * the User Agent API 3.0.8 (../shared/specs/edoreczenia/uaapi_3.0.8.1.yaml)
 * is sent and what comes back, with no I/O, so that the parsers can be
 * fuzzed (tests/fuzz/fuzz_edor.c). edor/client.c does the transport.
 *
 * Every answer of the service is hostile: parsed with jansson from at most
 * EDOR_JSON_MAX bytes, duplicate keys refused, each text bounded and valid
 * UTF-8 without control characters, each identifier that goes back into a
 * URL path restricted to [A-Za-z0-9._:-] (never "." or ".."). A parser
 * fails with a reason in `err` (English, for the log and the dispatch's
 * last error) and leaves nothing half-filled that the caller could use.
 * Knows nothing of cases or the database (layer: law, core and libraries). */
#ifndef JAWNOSC_EDOR_PROTO_H
#define JAWNOSC_EDOR_PROTO_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define EDOR_JSON_MAX (1024 * 1024)           /* a JSON answer larger is refused */
#define EDOR_EVIDENCE_MAX (10 * 1024 * 1024)  /* one evidence file */
#define EDOR_ID_MAX 128                       /* message, task, evidence ids */
#define EDOR_TOKEN_MAX 4096                   /* an access token */
#define EDOR_TEXT_MAX 1000                    /* a reason or an error description */
#define EDOR_TYPE_MAX 16                      /* an evidence type: "BP.WX" */
#define EDOR_ADDRESS_LEN 26                   /* "AE:PL-NNNNN-NNNNN-XXXXX-NN" */
#define EDOR_EVIDENCES_MAX 64                 /* evidences of one message we look at */

/* The form of an electronic delivery address: AE:PL-NNNNN-NNNNN-XXXXX-NN
 * (law_ade_address_valid(), as migration 0024 checks). */
bool edor_address_valid(const char *s);

/* An identifier the service gave that we may put into a URL path. */
bool edor_id_valid(const char *s);

/* RFC 3339 date-time ("2026-03-02T10:15:00Z", "…00.123+01:00") to Unix
 * seconds. False for anything else (a date alone, no zone, out of
 * 1970..9999). */
bool edor_parse_time(const char *s, int64_t *out);

/* --- answers ----------------------------------------------------------- */

/* The token endpoint's answer (RFC 6749 §5.1): access_token (1 to
 * EDOR_TOKEN_MAX characters from the RFC 6750 b64token set), token_type
 * "Bearer" (any case), expires_in 1..86400 (default 300 when absent). */
struct edor_token {
	char access_token[EDOR_TOKEN_MAX + 1];
	long expires_in;
};
bool edor_parse_token(const char *body, size_t len, struct edor_token *out, char *err,
                      size_t errlen);

/* POST /{ade}/messages, 202: MessageInfo's messageTaskId. */
bool edor_parse_message_info(const char *body, size_t len, char task_id[EDOR_ID_MAX + 1],
                             char *err, size_t errlen);

/* GET …/messages/tasks/{id}/status: MessageTaskStatus. */
enum edor_task_state { EDOR_TASK_PENDING, EDOR_TASK_FINISHED };
bool edor_parse_task_status(const char *body, size_t len, enum edor_task_state *out, char *err,
                            size_t errlen);

/* GET …/messages/tasks/{id}: an array of MessageOperationResponseWrapperStatus,
 * one per addressee; we send to one, so the first entry counts. Either a
 * messageId (accepted) or error/error_description (refused). */
struct edor_task_result {
	bool refused;
	char message_id[EDOR_ID_MAX + 1];
	char reason[EDOR_TEXT_MAX + 1]; /* when refused: "error: description" */
};
bool edor_parse_task_result(const char *body, size_t len, struct edor_task_result *out,
                            char *err, size_t errlen);

/* What an evidence means for a dispatch (COI technical design 5.27; the
 * API's enum spells each type with and without the dot). */
enum edor_evidence_kind {
	EDOR_EV_OTHER,
	EDOR_EV_ACCEPTED,  /* A.1: sending accepted; the message is available */
	EDOR_EV_REJECTED,  /* A.2: sending rejected, with a reason */
	EDOR_EV_SENT,      /* BP.WX / BP.WP: proof of sending (dowód wysłania) */
	EDOR_EV_RECEIVED,  /* E.1, BP.OX / BP.OP: receipt (dowód otrzymania) */
	EDOR_EV_NOT_DELIVERED, /* E.2: handover failed */
	EDOR_EV_HYBRID_DELIVERED, /* H.EPO: the operator's return receipt (paper) */
};
enum edor_evidence_kind edor_evidence_kind_of(const char *type);

/* One Evidence of EvidenceWrapper. event_at: eventDate, else createDate;
 * 0 when neither parses (the evidence is kept, its date unknown). */
struct edor_evidence {
	char id[EDOR_ID_MAX + 1];
	char type[EDOR_TYPE_MAX + 1];
	int64_t event_at;
	char reason[EDOR_TEXT_MAX + 1]; /* reasonId and reasonDetails, "; "-joined */
};
/* GET …/messages/{id}/evidences. Fills up to `max` entries (more are
 * ignored, logged by the caller from *total), in the service's order;
 * entries without a valid evidenceId or a known type are skipped. The
 * count, or -1 with `err` when the answer is not an EvidenceWrapper. */
int edor_parse_evidences(const char *body, size_t len, struct edor_evidence *out, int max,
                         int *total, char *err, size_t errlen);

/* GET /{ade}/messages?subject=…&format=metadata (MessagesWrapper): the id
 * of the first message whose subject contains `reference`. 1 found, 0 not
 * there, -1 not a MessagesWrapper. */
int edor_parse_find_message(const char *body, size_t len, const char *reference,
                            char message_id[EDOR_ID_MAX + 1], char *err, size_t errlen);

/* The search engine's stand-in contract (docs/edoreczenia.md "BAE
 * lookup"): {"addresses": [{"eDeliveryAddress": "AE:PL-…", "status":
 * "active"|"inactive", ...}]}. The first active, well-formed address into
 * `out` (*found), or none. False when the answer has another shape. */
bool edor_parse_lookup(const char *body, size_t len, char out[EDOR_ADDRESS_LEN + 1],
                       bool *found, char *err, size_t errlen);

/* An ErrorResponse (array of ErrorInfo) as one line of text for the
 * clerk and the log: "error: error_description" of the first entry, or
 * the first 200 bytes of the body made printable when it is not one. */
void edor_parse_error(const char *body, size_t len, char out[EDOR_TEXT_MAX + 1]);

/* --- requests ---------------------------------------------------------- */

/* A Polish postal address in the API's Address (street, buildingNumber,
 * houseNumber, postalCode, city, country "PL"), read from one line of free
 * text such as "ul. Stała 1/2, 00-001 Warszawa" (the requester's form
 * field, organisations.address). */
struct edor_postal {
	char street[201], building[21], flat[21], postal_code[7], city[101];
};
/* False when the text holds no postcode NN-NNN followed by a city, or no
 * street part before it. */
bool edor_postal_parse(const char *text, struct edor_postal *out);

struct edor_attachment {
	const char *filename; /* "decyzja.pdf" */
	const char *content_type;
	const unsigned char *data;
	size_t len;
	const char *file_id; /* FileMetadata.fileId: unique per file */
};

/* One message to one addressee: electronic (to `to_address`) or hybrid
 * (printed and posted to `to_postal`, the sender's `from_postal` on the
 * envelope; registered, with a return receipt, administrative procedure). */
struct edor_message {
	bool hybrid;
	const char *from_address;              /* our AE:PL-… */
	const char *from_name;                 /* the body's name */
	const struct edor_postal *from_postal; /* hybrid */
	const char *to_address;                /* electronic */
	const char *to_name;                   /* hybrid: the addressee's name */
	const struct edor_postal *to_postal;   /* hybrid */
	const char *subject;                   /* carries `reference` (reconciliation) */
	const char *case_id;                   /* the case number */
	const char *reference;                 /* our idempotent client reference */
	const char *text;                      /* textBody, at most 5000 characters */
	const struct edor_attachment *att;
	size_t natt;
};
/* The body of POST /{ade}/messages (schema Message): messageMetadata,
 * textBody and attachments, each attachment's content in base64 with its
 * size and its SHA3-256 hash (alg "SHA-3", hash in base64) as FileMetadata
 * defines them. NULL with `err` when a hash cannot be computed. */
char *edor_message_json(arena_t *a, const struct edor_message *m, char *err, size_t errlen);

/* The client assertion of RFC 7523 for client_credentials: a JWT signed
 * RS256 with `key`, iss = sub = `client_id` ("<ADE>.SYSTEM.<name>"), aud =
 * the token URL, jti `jti`, iat `now`, exp `now` + `lifetime`. NULL with
 * `err` when the key cannot sign. */
char *edor_jwt_assertion(arena_t *a, EVP_PKEY *key, const char *client_id, const char *aud,
                         const char *jti, int64_t now, long lifetime, char *err, size_t errlen);

/* Base64 (RFC 4648 §4) of `len` bytes, in the arena. */
char *edor_base64(arena_t *a, const unsigned char *data, size_t len);

/* --- the inbox: messages received in the body's box -------------------- */

/* A received message with its attachments in base64, as JSON. */
#define EDOR_MESSAGE_MAX (60 * 1024 * 1024)
#define EDOR_INBOX_PAGE 50        /* messages one listing asks for */
#define EDOR_ATTACHMENTS_MAX 100  /* attachments of one message we keep */

/* One message of the inbox's listing (GET /{ade}/messages?label=INBOX&
 * format=metadata): its id and its submission date (A.1; 0 when absent
 * or unreadable). */
struct edor_listed {
	char id[EDOR_ID_MAX + 1];
	int64_t submitted;
};
/* Fills up to `max` entries with a valid messageId, in the answer's order;
 * *listed is how many messages the answer held (usable or not). The count,
 * or -1 with `err` when the answer is not a MessagesWrapper. */
int edor_parse_inbox(const char *body, size_t len, struct edor_listed *out, int max,
                     int *listed, char *err, size_t errlen);

/* One attachment of a received message. */
struct edor_received_att {
	char id[EDOR_ID_MAX + 1];   /* attachmentId; "" when none */
	const char *filename;       /* valid UTF-8 without control characters or / \, 1..255
	                               bytes ("zalacznik-N" when the service gave none) */
	const char *content_type;   /* type/subtype of token characters, else
	                               application/octet-stream */
	const char *description;    /* "" when none */
	const unsigned char *data;  /* NULL: the content was not in the answer */
	size_t len;
	bool hash_checked, hash_ok; /* SHA-3 (SHA3-256, base64) of fileMetadata, when given */
};
/* A message received, as GET /{ade}/messages/{id}?format=fullExtended
 * gives it (the first Message of the array). Every text is valid UTF-8
 * without control characters (the text keeps its line breaks and tabs),
 * bounded; everything in the arena. */
struct edor_received {
	char id[EDOR_ID_MAX + 1];
	char from_address[EDOR_ADDRESS_LEN + 1]; /* AE:PL-… when the sender's is of that form */
	const char *from_name;  /* a person's first and last name, or a company's */
	const char *subject;
	const char *case_id;
	const char *text;       /* textBody */
	int64_t at;             /* submissionDate, else timestamp, else eventDate; 0 unknown */
	struct edor_received_att *att;
	size_t natt;            /* at most EDOR_ATTACHMENTS_MAX */
};
/* False with `err` when the answer is not an array holding a Message with
 * a valid messageId, or an attachment's content is not base64. */
bool edor_parse_received(arena_t *a, const char *body, size_t len, struct edor_received *out,
                         char *err, size_t errlen);
/* GET /{ade}/messages/{id}/attachments/{aid} (schema Attachment): the
 * content of `att`, checked against its size and hash as above. */
bool edor_parse_attachment(arena_t *a, const char *body, size_t len,
                           struct edor_received_att *att, char *err, size_t errlen);

#endif
