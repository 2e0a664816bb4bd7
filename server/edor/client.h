/* SPDX-License-Identifier: EUPL-1.2 */
/* e-Doręczenia, the transport half of the client (docs/edoreczenia.md):
 * HTTPS with libcurl, the body's client certificate in TLS
 * (JAWNOSC_EDORECZENIA_CERT/_KEY, trusted authorities _CA), and an OAuth2
 * access token obtained with client_credentials and a signed JWT client
 * assertion (RFC 7523: RS256 with the same key, iss = sub =
 * "<_ADDRESS>.SYSTEM.<_SYSTEM_NAME>", aud = _TOKEN_URL, a random jti, 2
 * minutes of life). The token is kept for all threads until shortly before
 * it expires (a fifth of its life, at most a minute) and fetched again
 * after a 401. What the calls send and how the answers are read is
 * edor/proto.h; nothing here touches the database.
 *
 * Technical times (token expiry, the assertion's iat/exp) are the real
 * clock, never the frozen clock of tests (core/clock.h): the service
 * checks them against its own. */
#ifndef JAWNOSC_EDOR_CLIENT_H
#define JAWNOSC_EDOR_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "edor/proto.h"

/* What became of a call. The dispatch job maps each to a state. */
enum edor_result {
	EDOR_OK,
	EDOR_UNAVAILABLE, /* not done: no connection, TLS refused, 503, 429, 408, token
	                     refused for now; try again later */
	EDOR_UNKNOWN,     /* may have been done: the connection broke after the request
	                     went out, a timeout, 500/502/504, an answer we cannot read */
	EDOR_REFUSED,     /* the service refused the request for good (another 4xx): `err`
	                     holds its reason */
	EDOR_STOPPED,     /* the server stops (jobs_stopping()): abandoned */
	EDOR_OFF,         /* JAWNOSC_EDORECZENIA_URL is not set */
};
const char *edor_result_name(enum edor_result r);

/* Checks the settings when JAWNOSC_EDORECZENIA_URL is set (every other
 * setting present, https:// URLs, the address's form, the key an RSA key
 * matching the certificate, the files readable) and readies libcurl.
 * True and nothing done when the URL is empty. False with `err` naming
 * the setting otherwise. Once, before the job runner starts. */
bool edor_setup(char *err, size_t errlen);
void edor_cleanup(void);
/* Whether the deployment's own settings (the environment) are on. */
bool edor_enabled(void);

/* One body's settings (an organisation's row in org_edoreczenia,
 * docs/edoreczenia.md "Several bodies in one deployment"). */
struct edor_settings {
	const char *url, *token_url, *search_url; /* "" or NULL: the deployment's */
	const char *address, *system_name, *key, *cert;
};
/* Empty URLs replaced by the deployment's. */
void edor_settings_defaults(struct edor_settings *s);
/* The checks edor_setup() makes of the environment, for `s` (URLs
 * already defaulted): false with `err` naming what is wrong. */
bool edor_settings_check(const struct edor_settings *s, char *err, size_t errlen);
/* The settings this thread's calls below use until the next edor_use():
 * `s` (checked, its key loaded once and kept with its token, keyed by
 * all its values), or NULL for the deployment's. False with `err` when
 * `s` is wrong: the thread then uses the deployment's. */
bool edor_use(const struct edor_settings *s, char *err, size_t errlen);
/* Whether the settings in use have a search engine (edor_lookup() asks). */
bool edor_lookup_enabled(void);
/* The sender's address (AE:PL-…) of the settings in use. */
const char *edor_address(void);

/* Obtains a fresh access token (the credentials work). */
enum edor_result edor_check(char *err, size_t errlen);

/* POST /{ade}/messages with `json` (edor_message_json()); the task id of
 * the 202 answer. */
enum edor_result edor_send(const char *json, char task_id[EDOR_ID_MAX + 1], char *err,
                           size_t errlen);
/* GET /{ade}/messages/tasks/{id}/status. */
enum edor_result edor_task_status(const char *task_id, enum edor_task_state *st, char *err,
                                  size_t errlen);
/* GET /{ade}/messages/tasks/{id}. */
enum edor_result edor_task_result(const char *task_id, struct edor_task_result *out, char *err,
                                  size_t errlen);
/* GET /{ade}/messages?format=metadata&subject=<reference>: whether a
 * message carrying our reference was sent already (reconciliation after
 * a crash between sending and recording). */
enum edor_result edor_find_sent(const char *reference, char message_id[EDOR_ID_MAX + 1],
                                bool *found, char *err, size_t errlen);
/* GET /{ade}/messages/{id}/evidences: up to `max` into `out`, their number
 * in *n, how many the answer listed in *total. */
enum edor_result edor_evidences(const char *message_id, struct edor_evidence *out, int max,
                                int *n, int *total, char *err, size_t errlen);
/* GET /{ade}/evidences/{purde|puh}/{id}: the evidence file (XML or PDF, at
 * most EDOR_EVIDENCE_MAX bytes) in the arena, with its content type
 * (the answer's, or guessed from its first bytes when it says
 * application/octet-stream). */
enum edor_result edor_evidence_file(arena_t *a, bool hybrid, const char *evidence_id,
                                    unsigned char **data, size_t *len, const char **content_type,
                                    char *err, size_t errlen);
/* The search engine (JAWNOSC_EDORECZENIA_SEARCH_URL, contract in
 * docs/edoreczenia.md): the active address of the person or body with
 * `identifier` (PESEL, NIP, REGON or KRS; may be ""), `name` and, when not
 * NULL or "", the postal address `address_line` (what tells two persons of
 * one name apart). At most 10 seconds: a clerk's page waits for it. `err`
 * never holds the query (the person's data). EDOR_OFF when no search URL
 * is set. */
enum edor_result edor_lookup(const char *identifier, const char *name, const char *address_line,
                             char address[EDOR_ADDRESS_LEN + 1], bool *found, char *err,
                             size_t errlen);

/* --- the inbox (docs/inbound.md "IMAP and the e-Doręczenia inbox") --- */

/* GET /{ade}/messages?label=INBOX&format=metadata, sorted by submissionDate
 * ascending, from `since` (Unix seconds; 0: from the start) on, `offset`
 * messages skipped: up to `max` (at most EDOR_INBOX_PAGE) in `out`, their
 * number in *n, how many the answer listed in *listed (fewer than asked:
 * the last page). */
enum edor_result edor_inbox(int64_t since, int offset, struct edor_listed *out, int max, int *n,
                            int *listed, char *err, size_t errlen);
/* GET /{ade}/messages/{id}?format=fullExtended, and for an attachment the
 * answer gave without its content, GET …/messages/{id}/attachments/{aid}.
 * Everything in the arena. A 202 (the service still prepares the message)
 * is EDOR_UNAVAILABLE: asked again later. Reading a message in full marks
 * it opened at the service (the API has no other way to mark it). */
enum edor_result edor_received(arena_t *a, const char *message_id, struct edor_received *out,
                               char *err, size_t errlen);

#endif
