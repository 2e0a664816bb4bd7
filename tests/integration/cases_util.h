/* Helpers shared by the case tests: demo data, JSON answers, clerk steps
 * taken through the services (the clerk panel comes later). */
#ifndef JAWNOSC_TESTS_CASES_UTIL_H
#define JAWNOSC_TESTS_CASES_UTIL_H

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cases/action.h"
#include "core/arena.h"
#include "integration/harness.h"
#include "law/warsaw.h"

static inline void u_seed_demo(void)
{
	char *out = NULL;
	const char *args[] = {"seed", "--demo", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "seed: %s\n", out);
	assert_int_equal(rc, 0);
	free(out);
}

static inline json_t *u_json(const struct hresp *r)
{
	json_error_t e;
	json_t *j = json_loadb(r->body, r->len, 0, &e);
	if (!j)
		fprintf(stderr, "not JSON (%s): %.300s\n", e.text, r->body);
	assert_non_null(j);
	return j;
}

static inline const char *u_str(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static inline void u_post_json(const char *path, const char *body, struct hresp *r)
{
	const char *hdr[] = {"Content-Type: application/json", NULL};
	h_request("POST", path, hdr, body, strlen(body), r);
}

/* Files a request through the API; returns its tracking token (malloc'd). */
static inline char *u_file(const char *kind, char *case_number_out)
{
	char body[1024];
	if (!strcmp(kind, "reuse"))
		snprintf(body, sizeof body,
		         "{\"kind\":\"reuse\",\"subject\":\"Dane do ponownego wykorzystania\","
		         "\"content\":\"Proszę o zbiór danych w formacie CSV.\",\"delivery\":\"email\","
		         "\"purpose\":\"analiza\",\"format\":\"CSV\",\"manner\":\"e-mail\","
		         "\"requester\":{\"name\":\"Jan Test\",\"email\":\"jan@example.pl\","
		         "\"postal_address\":\"ul. Testowa 1, 00-001 Warszawa\"}}");
	else
		snprintf(body, sizeof body,
		         "{\"kind\":\"public_information\",\"subject\":\"Wydatki na promocję\","
		         "\"content\":\"Proszę o zestawienie wydatków na promocję.\",\"delivery\":\"email\","
		         "\"requester\":{\"email\":\"jan@example.pl\"}}");
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	if (r.status != 201)
		fprintf(stderr, "filing: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	char *token = strdup(u_str(j, "tracking_token"));
	if (case_number_out)
		strcpy(case_number_out, u_str(j, "case_number"));
	json_decref(j);
	h_free(&r);
	return token;
}

struct u_step {
	const char *case_number;
	law_action_t action;
	bool allowed;
	law_error_t refusal;
};

static inline enum db_status u_step_tx(PGconn *c, void *vctx)
{
	struct u_step *s = vctx;
	const char *p[1] = {s->case_number};
	PGresult *r = PQexecParams(c, "SELECT id FROM requests WHERE case_number = $1", 1, NULL, p,
	                           NULL, NULL, 0);
	long long id = PQntuples(r) ? atoll(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	arena_t *a = arena_new(4096);
	struct case_ref f;
	bool found = false;
	enum db_status st = case_lock(c, a, id, 0, &f, &found);
	if (st == DB_OK && found) {
		law_date_t today;
		law_warsaw_date((int64_t)time(NULL), &today);
		law_action_input_t in = {.action = s->action, .role = LAW_ROLE_CLERK, .date = today,
		                         .sent = today};
		law_outcome_t *oc = arena_alloc(a, sizeof *oc);
		st = case_act_locked(c, a, &f, &in, "clerk", 0, NULL, oc, &s->allowed);
		s->refusal = oc->refusal;
	}
	arena_free(a);
	return st;
}

/* A clerk's step on the case, today; the test fails if it is refused. */
static inline void u_clerk(const char *case_number, law_action_t action)
{
	PGconn *c = h_db();
	struct u_step s = {case_number, action, false, {0}};
	assert_int_equal(db_transaction(c, u_step_tx, &s), DB_OK);
	if (!s.allowed)
		fprintf(stderr, "%s refused: %s\n", law_actions[action].id, s.refusal.message);
	assert_true(s.allowed);
	PQfinish(c);
}

static inline long u_count(const char *sql)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	long n = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	PQfinish(c);
	return n;
}

#endif
