/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/secret.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static unsigned char key[crypto_auth_hmacsha256_KEYBYTES];

void secret_set(const unsigned char *k, size_t len)
{
	/* Whatever its length, reduce the secret to one key. */
	crypto_hash_sha256(key, k, len);
}

bool secret_load(PGconn *c, char *err, size_t errlen)
{
	const char *p[1] = {"hmac"};
	PGresult *r = PQexecParams(c, "SELECT value FROM app_secrets WHERE name = $1", 1, NULL, p,
	                           NULL, NULL, 1 /* binary */);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok)
		secret_set((const unsigned char *)PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
	else
		snprintf(err, errlen, "cannot read the application secret: %s", PQerrorMessage(c));
	PQclear(r);
	return ok;
}

static void hmac(const char *purpose, const char *msg, unsigned char out[32])
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, sizeof key);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)purpose, strlen(purpose));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)":", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&st, out);
}

void secret_hmac_hex(const char *purpose, const char *msg, char *out)
{
	unsigned char h[32];
	hmac(purpose, msg, h);
	sodium_bin2hex(out, HMAC_HEX_LEN + 1, h, sizeof h);
}

bool secret_hmac_verify(const char *purpose, const char *msg, const char *hex)
{
	if (!hex || strlen(hex) != HMAC_HEX_LEN || !msg)
		return false;
	char want[HMAC_HEX_LEN + 1];
	secret_hmac_hex(purpose, msg, want);
	return sodium_memcmp(want, hex, HMAC_HEX_LEN) == 0;
}

static void encode(const unsigned char *bin, char *out)
{
	sodium_bin2base64(out, TOKEN_LEN + 1, bin, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_random(char *out)
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	encode(b, out);
}

_Static_assert(TOKEN_BOX_LEN == crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + TOKEN_LEN,
               "a box is a nonce and a sealed token");
_Static_assert(crypto_secretbox_KEYBYTES == 32, "an HMAC-SHA256 is a secretbox key");

void token_seal(const char *token, const char *context, unsigned char out[TOKEN_BOX_LEN])
{
	unsigned char k[crypto_secretbox_KEYBYTES];
	hmac("idempotency", context, k);
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, (const unsigned char *)token, TOKEN_LEN,
	                      out, k);
	sodium_memzero(k, sizeof k);
}

bool token_open(const unsigned char *box, size_t len, const char *context, char *out)
{
	if (len != TOKEN_BOX_LEN)
		return false;
	unsigned char k[crypto_secretbox_KEYBYTES];
	hmac("idempotency", context, k);
	bool ok = crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
	                                     len - crypto_secretbox_NONCEBYTES, box, k) == 0;
	sodium_memzero(k, sizeof k);
	out[ok ? TOKEN_LEN : 0] = '\0';
	return ok && token_well_formed(out);
}

void token_hash(const char *token, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

bool token_well_formed(const char *token)
{
	if (!token || strlen(token) != TOKEN_LEN)
		return false;
	for (const char *p = token; *p; p++) {
		char ch = *p;
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '-' || ch == '_'))
			return false;
	}
	return true;
}
