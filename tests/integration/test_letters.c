/* SPDX-License-Identifier: EUPL-1.2 */
/* Issuing letters and decisions through the panel: the draft a step
 * leaves, its preview and Markdown, the marks that block issuing until the
 * clerk fills them, the issued document (HTML, PDF, SHA-256, author, time)
 * that never changes, corrections, delivery dates that start the
 * requester's terms, a decision that no e-mail carries (the requester gave
 * only an e-mail address: it is handed over in person), the tracking page,
 * and the register of outgoing letters with its CSV. E-mail with the PDF
 * for what starts no term: test_dispatch. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"

static struct u_staff clerk;
static char mail_dir[128];

static int setup(void **state)
{
	(void)state;
	snprintf(mail_dir, sizeof mail_dir, "build/test-mail-letters-%d", (int)getpid());
	static char dir_env[200];
	snprintf(dir_env, sizeof dir_env, "JAWNOSC_MAIL_DIR=%s", mail_dir);
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_MAIL_POLL_MS=100", NULL, NULL};
	env[2] = dir_env;
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	return 0;
}

static char token[64], number[64];
static long long req_id;

static void test_refusal_decision_is_drafted_checked_and_issued(void **state)
{
	char *t = u_file("public_information", number);
	snprintf(token, sizeof token, "%s", t);
	free(t);
	req_id = u_request_id(number);
	char path[128], body[512];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", req_id);
	snprintf(body, sizeof body, "action=refuse&version=1&legal_basis=privacy&text=Dane+dotycz%%C4%%85+os%%C3%%B3b+prywatnych."
	                            "&persons=Jan+Nowak%%2C+dyrektor");
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision' AND status = 'draft'", req_id);
	long seq = u_count(sql);
	assert_true(seq >= 1);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", req_id, seq);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "DECYZJA"));
	assert_non_null(strstr(r.body, number));
	assert_non_null(strstr(r.body, "Dane dotyczą osób prywatnych."));
	assert_non_null(strstr(r.body, "Jan Nowak, dyrektor"));
	/* Missing parts are marked, and such a letter is not issued. */
	char *md = u_markdown_of(r.body);
	h_free(&r);
	assert_non_null(strstr(md, "[DO UZUPEŁNIENIA:"));
	char issue[160];
	snprintf(issue, sizeof issue, "/panel/sprawy/%lld/pisma/%ld/wystaw", req_id, seq);
	u_staff_post(&clerk, issue, "markdown=", &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Uzupełnij je przed wystawieniem"));
	h_free(&r);
	/* The clerk fills them in and issues. */
	char *enc = u_filled_and_encoded(md);
	size_t bl = strlen(enc) + 48;
	char *form = malloc(bl);
	snprintf(form, bl, "potwierdzenie=tak&markdown=%s", enc);
	u_staff_post(&clerk, issue, form, &r);
	if (r.status != 303)
		fprintf(stderr, "issue: %ld %.400s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(form);
	free(enc);
	free(md);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM documents WHERE request_id = %lld AND seq = %ld AND status = 'issued' "
	         "AND substr(pdf, 1, 5) = '%%PDF-'::bytea AND sha256 = sha256(pdf) AND author_id IS NOT NULL "
	         "AND issued_at IS NOT NULL AND html LIKE '%%%s%%' AND markdown NOT LIKE '%%DO UZUPEŁNIENIA%%'",
	         req_id, seq, number);
	assert_int_equal(u_count(sql), 1);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = 'issue_document'", req_id);
	assert_int_equal(u_count(sql), 1);
}

static void test_issued_document_never_changes(void **state)
{
	PGconn *c = h_db();
	char sql[512];
	snprintf(sql, sizeof sql, "UPDATE documents SET markdown = 'x' WHERE request_id = %lld AND status = 'issued'", req_id);
	PGresult *r = PQexec(c, sql);
	assert_int_not_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	assert_non_null(strstr(PQresultErrorMessage(r), "cannot be changed"));
	PQclear(r);
	snprintf(sql, sizeof sql, "DELETE FROM documents WHERE request_id = %lld AND status = 'issued'", req_id);
	r = PQexec(c, sql);
	assert_int_not_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
	snprintf(sql, sizeof sql, "SELECT seq FROM documents WHERE request_id = %lld AND status = 'issued'", req_id);
	long seq = u_count(sql);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/zapisz", req_id, seq);
	struct hresp h;
	u_staff_post(&clerk, path, "markdown=Nowa+tre%C5%9B%C4%87", &h);
	assert_int_equal(h.status, 409);
	assert_non_null(strstr(h.body, "Nowa treść")); /* typed text kept */
	h_free(&h);
	/* A correction is a new draft pointing at the old one. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/korekta", req_id, seq);
	u_staff_post(&clerk, path, "x=1", &h);
	assert_int_equal(h.status, 303);
	h_free(&h);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM documents n JOIN documents o ON o.id = n.supersedes_id "
	         "WHERE n.request_id = %lld AND n.status = 'draft' AND n.seq = o.seq + 1 AND o.seq = %ld",
	         req_id, seq);
	assert_int_equal(u_count(sql), 1);
}

static bool eml_with_pdf_for(const char *case_number)
{
	DIR *d = opendir(mail_dir);
	if (!d)
		return false;
	struct dirent *e;
	bool found = false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", mail_dir, e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		static char buf[1 << 20];
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
		found = strstr(buf, "application/pdf") && strstr(buf, "Content-Disposition: attachment");
		(void)case_number;
	}
	closedir(d);
	return found;
}

static void test_requester_sees_it_and_no_email_carries_the_decision(void **state)
{
	char path[128];
	snprintf(path, sizeof path, "/sprawa/%s", token);
	struct hresp r;
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Decyzja o odmowie") ? r.body : strstr(r.body, "decyzj"));
	assert_non_null(strstr(r.body, "/pismo/"));
	h_free(&r);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM outbox o JOIN documents d ON d.id = o.attachment_document_id "
	         "WHERE o.request_id = %lld AND d.status = 'issued'", req_id);
	assert_int_equal(u_count(sql), 0);
	/* A decision never goes by e-mail: to her postal address, by a
	 * registered letter with a return receipt (KPA art. 39), as she gave
	 * no e-Doręczenia address (issue 20 item 12: a decision needs a named
	 * party with an address, so u_file gives both). */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM dispatches WHERE request_id = %lld AND "
	         "channel = 'registered_letter' AND state = 'queued'", req_id);
	assert_int_equal(u_count(sql), 1);
	usleep(300000);
	assert_false(eml_with_pdf_for(number));
}

static void test_delivery_date_starts_the_remedy_term(void **state)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT min(seq) FROM documents WHERE request_id = %lld AND status = 'issued'", req_id);
	long seq = u_count(sql);
	char path[160];
	/* A dispatched document records its delivery on its dispatch. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/doreczenie", req_id, seq);
	struct hresp r;
	u_staff_post(&clerk, path, "delivered_on=2020-01-01", &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	snprintf(sql, sizeof sql, "SELECT id FROM dispatches WHERE request_id = %lld", req_id);
	long did = u_count(sql);
	law_date_t t;
	law_warsaw_date((int64_t)time(NULL), &t);
	char d[LAW_DATE_STRLEN], body[64];
	law_date_format(t, d);
	/* Posted today, its return receipt dated today. */
	char posted[200];
	snprintf(posted, sizeof posted, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld/nadanie", req_id, seq,
	         did);
	snprintf(body, sizeof body, "number=RR123456785PL&date=%s", d);
	u_staff_post(&clerk, posted, body, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wysylka/%ld/odbior", req_id, seq, did);
	u_staff_post(&clerk, path, "date=2999-01-01", &r);
	assert_int_equal(r.status, 422);
	h_free(&r);
	snprintf(body, sizeof body, "date=%s", d);
	u_staff_post(&clerk, path, body, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM terms WHERE request_id = %lld AND kind = 'appeal_window' AND state = 'open'",
	         req_id);
	assert_int_equal(u_count(sql), 1);
}

static void test_outgoing_register_and_csv(void **state)
{
	struct hresp r;
	u_staff_get(&clerk, "/panel/pisma", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, number));
	h_free(&r);
	u_staff_get(&clerk, "/panel/pisma.csv?rodzaj=refusal_decision", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "text/csv"));
	assert_memory_equal(r.body, "znak_sprawy,nr_pisma,", 21);
	assert_non_null(strstr(r.body, "\r\n"));
	assert_non_null(strstr(r.body, number));
	h_free(&r);
	u_staff_get(&clerk, "/panel/pisma?od=bad&do=2999-99-99&rodzaj=%3Cx%3E", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/1/pdf", req_id);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	h_free(&r);
}

/* UDIP art. 16 ust. 2 pkt 2: only a refusal for privacy or a business
 * secret names the persons who took a position and the protected parties;
 * a refusal on another basis has no such section and no mark to fill. */
static void test_refusal_on_another_basis_names_no_persons(void **state)
{
	char num[64];
	free(u_file("public_information", num));
	long long id = u_request_id(num);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	struct hresp r;
	u_staff_post(&clerk, path,
	             "action=refuse&version=1&legal_basis=classified&text=Informacja+niejawna."
	             "&persons=Jan+Nowak%2C+dyrektor",
	             &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision' "
	         "AND status = 'draft'", id);
	long seq = u_count(sql);
	assert_true(seq >= 1);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", id, seq);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	assert_non_null(strstr(md, "Informacja niejawna."));
	assert_null(strstr(md, "art. 16 ust. 2 pkt 2"));
	assert_null(strstr(md, "zajęły następujące osoby"));
	assert_null(strstr(md, "persons]"));
	assert_null(strstr(md, "protected_parties]"));
	assert_null(strstr(md, "Jan Nowak"));
	assert_null(strstr(md, "{{"));
	free(md);
	/* What the form sent for the persons is not kept either. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = 'refuse' "
	         "AND data ? 'persons'", id);
	assert_int_equal(u_count(sql), 0);
}

int main(void)
{
	h_setup_db("letters");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refusal_decision_is_drafted_checked_and_issued),
	    cmocka_unit_test(test_issued_document_never_changes),
	    cmocka_unit_test(test_requester_sees_it_and_no_email_carries_the_decision),
	    cmocka_unit_test(test_delivery_date_starts_the_remedy_term),
	    cmocka_unit_test(test_outgoing_register_and_csv),
	    cmocka_unit_test(test_refusal_on_another_basis_names_no_persons),
	};
	int failed = cmocka_run_group_tests_name("letters", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
