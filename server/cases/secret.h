/* SPDX-License-Identifier: EUPL-1.2 */
/* The database's HMAC secret (table app_secrets), loaded once at start-up,
 * and what is derived from it: CSRF tokens for forms, and the keys that
 * seal a tracking token for a repeated filing. Tracking tokens are random
 * (never derived from anything a client sends) and stored only as their
 * SHA-256. */
#ifndef JAWNOSC_CASES_SECRET_H
#define JAWNOSC_CASES_SECRET_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#define TOKEN_LEN 43 /* 32 random bytes, base64url without padding */
#define HMAC_HEX_LEN 64

bool secret_load(PGconn *c, char *err, size_t errlen);
/* For tests that need no database. */
void secret_set(const unsigned char *key, size_t len);

/* hex(HMAC-SHA256(secret, purpose ":" msg)) into out[HMAC_HEX_LEN + 1]. */
void secret_hmac_hex(const char *purpose, const char *msg, char *out);
/* Constant-time check of a hex HMAC from a form. */
bool secret_hmac_verify(const char *purpose, const char *msg, const char *hex);

/* A new random token (base64url) into out[TOKEN_LEN + 1]. */
void token_random(char *out);
/* A keyed filing's tracking token, kept sealed so that a repeat of the
 * same request can be answered with it (cases/filing.c, migration 0014):
 * crypto_secretbox (XSalsa20-Poly1305) under a key derived from the secret
 * and `context`, which holds what a repeat must present (the client, the
 * raw key, the body's hash), so the database alone does not give it back.
 * A box is TOKEN_BOX_LEN bytes: a random nonce, then the sealed token. */
#define TOKEN_BOX_LEN (24 + 16 + TOKEN_LEN)
void token_seal(const char *token, const char *context, unsigned char out[TOKEN_BOX_LEN]);
/* The token of a box sealed for `context` into out[TOKEN_LEN + 1]; false
 * when it does not open (another context, a damaged box). */
bool token_open(const unsigned char *box, size_t len, const char *context, char *out);
/* SHA-256 of a token, as stored. */
void token_hash(const char *token, unsigned char out[32]);
/* A token has exactly TOKEN_LEN base64url characters. */
bool token_well_formed(const char *token);

#endif
