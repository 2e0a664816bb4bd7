/* SPDX-License-Identifier: EUPL-1.2 */
/* The pure half of the e-Doręczenia client (server/edor/proto.c): the
 * message as the User Agent API defines it (hash SHA3-256 in base64, both
 * shapes of addressee), the client assertion (RS256, verified here with
 * the public key), postal addresses for the hybrid service, RFC 3339
 * times, evidence types, and answers that must be refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "edor/proto.h"

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);
	if (!j)
		fail_msg("not JSON: %s", e.text);
	return j;
}

static const char *str(json_t *o, const char *path)
{
	/* "a.b.0.c": members and array indexes */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *k = strtok(buf, "."); k && o; k = strtok(NULL, "."))
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
	return json_is_string(o) ? json_string_value(o) : NULL;
}

static void test_electronic_message_has_the_schema_fields_and_a_sha3_hash(void **state)
{
	arena_t *a = arena_new(0);
	static const unsigned char pdf[] = "%PDF-1.7 decyzja";
	struct edor_attachment att = {"pismo.pdf", "application/pdf", pdf, sizeof pdf - 1, "F-1"};
	struct edor_message m = {.from_address = "AE:PL-12345-67890-ABCDE-12",
	                         .from_name = "Urząd",
	                         .to_address = "AE:PL-55555-44444-XYZWV-01",
	                         .subject = "Decyzja (wysyłka JAW-7-abcdef12)",
	                         .case_id = "OR.1431.7.2026",
	                         .reference = "JAW-7-abcdef12",
	                         .text = "W załączeniu decyzja.",
	                         .att = &att,
	                         .natt = 1};
	char err[128];
	char *s = edor_message_json(a, &m, err, sizeof err);
	assert_non_null(s);
	json_t *j = parse(s);
	assert_string_equal(str(j, "messageMetadata.shippingService"), "electronic");
	assert_string_equal(str(j, "messageMetadata.to.0.eDeliveryAddress"), "AE:PL-55555-44444-XYZWV-01");
	assert_string_equal(str(j, "messageMetadata.from.eDeliveryAddress"), "AE:PL-12345-67890-ABCDE-12");
	assert_string_equal(str(j, "messageMetadata.additionalData.jawnoscReference"), "JAW-7-abcdef12");
	assert_null(json_object_get(json_object_get(j, "messageMetadata"), "hybridShipment"));
	unsigned char md[32];
	unsigned int n = 0;
	EVP_Digest(pdf, sizeof pdf - 1, md, &n, EVP_sha3_256(), NULL);
	assert_string_equal(str(j, "attachments.0.file.fileMetadata.hash"), edor_base64(a, md, n));
	assert_string_equal(str(j, "attachments.0.file.fileMetadata.alg"), "SHA-3");
	assert_string_equal(str(j, "attachments.0.file.file"), edor_base64(a, pdf, sizeof pdf - 1));
	json_t *fm = json_object_get(
	    json_object_get(json_array_get(json_object_get(j, "attachments"), 0), "file"),
	    "fileMetadata");
	assert_int_equal(json_integer_value(json_object_get(fm, "size")), sizeof pdf - 1);
	assert_string_equal(str(fm, "fileId"), "F-1");
	json_decref(j);
	arena_free(a);
}

static void test_hybrid_message_carries_both_postal_addresses(void **state)
{
	arena_t *a = arena_new(0);
	struct edor_postal to, from;
	assert_true(edor_postal_parse("ul. Ogrodowa 12 m. 4, 31-155 Kraków", &to));
	assert_true(edor_postal_parse("Al. Niepodległości 218, 00-911 Warszawa", &from));
	struct edor_message m = {.hybrid = true,
	                         .from_address = "AE:PL-12345-67890-ABCDE-12",
	                         .from_name = "Ministerstwo z bardzo długą nazwą, dłuższą niż trzydzieści znaków",
	                         .from_postal = &from,
	                         .to_name = "Maria Anna Papierowa",
	                         .to_postal = &to,
	                         .subject = "s", .case_id = "c", .reference = "r", .text = "t"};
	char err[128];
	json_t *j = parse(edor_message_json(a, &m, err, sizeof err));
	assert_string_equal(str(j, "messageMetadata.shippingService"), "hybrid");
	assert_string_equal(str(j, "messageMetadata.to.0.address.postalCode"), "31-155");
	assert_string_equal(str(j, "messageMetadata.to.0.address.houseNumber"), "4");
	assert_string_equal(str(j, "messageMetadata.to.0.contributor.firstName"), "Maria Anna");
	assert_string_equal(str(j, "messageMetadata.to.0.contributor.lastName"), "Papierowa");
	assert_string_equal(str(j, "messageMetadata.from.address.street"), "Al. Niepodległości");
	assert_string_equal(str(j, "messageMetadata.hybridShipment.procedingType"), "administrative");
	/* 30 characters on the envelope (Polish letters count once). */
	assert_string_equal(str(j, "messageMetadata.hybridShipment.sendersInformation"),
	                    "Ministerstwo z bardzo długą na");
	json_decref(j);
	arena_free(a);
}

static void test_assertion_is_rs256_with_the_claims_and_verifies(void **state)
{
	arena_t *a = arena_new(0);
	EVP_PKEY *key = EVP_RSA_gen(2048);
	assert_non_null(key);
	char err[128];
	char *jwt = edor_jwt_assertion(a, key, "AE:PL-12345-67890-ABCDE-12.SYSTEM.jawnosc",
	                               "https://example.test/token", "jti-1", 1767607200, 120, err,
	                               sizeof err);
	assert_non_null(jwt);
	char *dot1 = strchr(jwt, '.'), *dot2 = strrchr(jwt, '.');
	assert_true(dot1 && dot2 && dot1 != dot2);
	unsigned char claims[512], sig[512];
	size_t clen = 0, slen = 0;
	assert_int_equal(sodium_base642bin(claims, sizeof claims, dot1 + 1, (size_t)(dot2 - dot1 - 1),
	                                   NULL, &clen, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	                 0);
	claims[clen] = '\0';
	json_t *c = parse((const char *)claims);
	assert_string_equal(str(c, "iss"), "AE:PL-12345-67890-ABCDE-12.SYSTEM.jawnosc");
	assert_string_equal(str(c, "sub"), "AE:PL-12345-67890-ABCDE-12.SYSTEM.jawnosc");
	assert_string_equal(str(c, "aud"), "https://example.test/token");
	assert_string_equal(str(c, "jti"), "jti-1");
	assert_int_equal(json_integer_value(json_object_get(c, "exp")), 1767607200 + 120);
	json_decref(c);
	assert_int_equal(sodium_base642bin(sig, sizeof sig, dot2 + 1, strlen(dot2 + 1), NULL, &slen,
	                                   NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	                 0);
	EVP_MD_CTX *v = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(v, NULL, EVP_sha256(), NULL, key), 1);
	assert_int_equal(EVP_DigestVerify(v, sig, slen, (const unsigned char *)jwt,
	                                  (size_t)(dot2 - jwt)),
	                 1);
	/* A changed claim no longer verifies. */
	jwt[dot1 - jwt + 3] ^= 1;
	assert_int_not_equal(EVP_DigestVerify(v, sig, slen, (const unsigned char *)jwt,
	                                      (size_t)(dot2 - jwt)),
	                     1);
	EVP_MD_CTX_free(v);
	EVP_PKEY_free(key);
	arena_free(a);
}

static void test_postal_addresses(void **state)
{
	struct edor_postal p;
	assert_true(edor_postal_parse("ul. Lipowa 5/3, 00-950 Warszawa", &p));
	assert_string_equal(p.street, "ul. Lipowa");
	assert_string_equal(p.building, "5");
	assert_string_equal(p.flat, "3");
	assert_string_equal(p.postal_code, "00-950");
	assert_string_equal(p.city, "Warszawa");
	assert_true(edor_postal_parse("Jan Nowak\nKozia Wólka 12\n21-300 Radzyń Podlaski", &p));
	assert_string_equal(p.street, "Kozia Wólka");
	assert_string_equal(p.building, "12");
	assert_string_equal(p.city, "Radzyń Podlaski");
	assert_true(edor_postal_parse("ul. 3 Maja 7, 35-030 Rzeszów", &p));
	assert_string_equal(p.street, "ul. 3 Maja");
	assert_string_equal(p.building, "7");
	assert_false(edor_postal_parse("ul. Lipowa 5, Warszawa", &p));
	assert_false(edor_postal_parse("00-950 Warszawa", &p));
	assert_false(edor_postal_parse("ul. Lipowa 5, 00-950", &p));
	assert_false(edor_postal_parse("", &p));
}

static void test_times(void **state)
{
	int64_t t;
	assert_true(edor_parse_time("2026-03-04T23:30:00Z", &t));
	assert_int_equal(t, 1772667000);
	assert_true(edor_parse_time("2026-03-05T00:30:00.5+01:00", &t));
	assert_int_equal(t, 1772667000);
	assert_true(edor_parse_time("2024-02-29T00:00:00Z", &t));
	assert_false(edor_parse_time("2026-02-29T00:00:00Z", &t));
	assert_false(edor_parse_time("2026-03-04", &t));
	assert_false(edor_parse_time("2026-03-04T23:30:00", &t));
	assert_false(edor_parse_time("2026-03-04 23:30:00Z", &t));
	assert_false(edor_parse_time("1969-12-31T23:59:59Z", &t));
}

static void test_evidence_types_with_and_without_dots(void **state)
{
	assert_int_equal(edor_evidence_kind_of("A.1"), EDOR_EV_ACCEPTED);
	assert_int_equal(edor_evidence_kind_of("A1"), EDOR_EV_ACCEPTED);
	assert_int_equal(edor_evidence_kind_of("A.2"), EDOR_EV_REJECTED);
	assert_int_equal(edor_evidence_kind_of("BPOX"), EDOR_EV_RECEIVED);
	assert_int_equal(edor_evidence_kind_of("E.1"), EDOR_EV_RECEIVED);
	assert_int_equal(edor_evidence_kind_of("E.2"), EDOR_EV_NOT_DELIVERED);
	assert_int_equal(edor_evidence_kind_of("H.EPO"), EDOR_EV_HYBRID_DELIVERED);
	assert_int_equal(edor_evidence_kind_of("H.PN"), EDOR_EV_OTHER);
}

static void test_hostile_answers_are_refused(void **state)
{
	char id[EDOR_ID_MAX + 1], err[256];
	static const char *const bad_ids[] = {"{\"messageTaskId\":\"../x\"}",
	                                      "{\"messageTaskId\":\"..\"}",
	                                      "{\"messageTaskId\":\"a?b\"}", "{\"messageTaskId\":7}"};
	for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++)
		assert_false(edor_parse_message_info(bad_ids[i], strlen(bad_ids[i]), id, err, sizeof err));
	const char *good = "{\"messageTaskId\":\"a.b:c-1\"}";
	assert_true(edor_parse_message_info(good, strlen(good), id, err, sizeof err));
	assert_string_equal(id, "a.b:c-1");
	struct edor_token t;
	const char *inj = "{\"access_token\":\"a\\r\\nX: 1\"}";
	assert_false(edor_parse_token(inj, strlen(inj), &t, err, sizeof err));
	const char *dup = "{\"access_token\":\"a\",\"access_token\":\"b\"}";
	assert_false(edor_parse_token(dup, strlen(dup), &t, err, sizeof err));
	struct edor_evidence ev[2];
	int total;
	const char *evs = "{\"evidences\":[{\"evidenceId\":\"e/1\",\"messageId\":\"m\",\"type\":\"E.1\"},"
	                  "{\"evidenceId\":\"e2\",\"messageId\":\"m\",\"type\":\"Z.9\"},"
	                  "{\"evidenceId\":\"e3\",\"messageId\":\"m\",\"type\":\"E.1\","
	                  "\"eventDate\":\"yesterday\",\"reasonDetails\":[\"a\\u0007b\"]}]}";
	assert_int_equal(edor_parse_evidences(evs, strlen(evs), ev, 2, &total, err, sizeof err), 1);
	assert_int_equal(total, 3);
	assert_string_equal(ev[0].id, "e3");
	assert_int_equal(ev[0].event_at, 0);
	assert_string_equal(ev[0].reason, "a b");
	char big[EDOR_JSON_MAX + 2];
	memset(big, ' ', sizeof big);
	assert_int_equal(edor_parse_evidences(big, sizeof big, ev, 2, &total, err, sizeof err), -1);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_electronic_message_has_the_schema_fields_and_a_sha3_hash),
	    cmocka_unit_test(test_hybrid_message_carries_both_postal_addresses),
	    cmocka_unit_test(test_assertion_is_rs256_with_the_claims_and_verifies),
	    cmocka_unit_test(test_postal_addresses),
	    cmocka_unit_test(test_times),
	    cmocka_unit_test(test_evidence_types_with_and_without_dots),
	    cmocka_unit_test(test_hostile_answers_are_refused),
	};
	return cmocka_run_group_tests_name("edor_proto", tests, NULL, NULL);
}
