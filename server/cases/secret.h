/* The database's HMAC secret (table app_secrets), loaded once at start-up,
 * and the tokens derived from it: CSRF tokens for forms and tracking tokens
 * for the citizen's private link. Tracking tokens are stored only as their
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
/* The tracking token of a form submission: derived from its one-time id, so
 * that a second submit of the same form finds the same case and link. */
void token_for_submission(const char *submission_id, char *out);
/* SHA-256 of a token, as stored. */
void token_hash(const char *token, unsigned char out[32]);
/* A token has exactly TOKEN_LEN base64url characters. */
bool token_well_formed(const char *token);

#endif
