/* SPDX-License-Identifier: EUPL-1.2 */
/* The case package for an administrative court or an archive (issue 23
 * §2, docs/export.md), over the real server, CLI and database, with a
 * frozen clock. A case gets a request (filed through the API), a refusal
 * decision issued through the panel and signed (tests/sign_fixture.sh), a
 * clerk's PDF, an e-mail with an attachment (stored as the parse job
 * leaves it, then attached to the case through /panel/poczta) and a
 * delivery evidence (written as the e-Doręczenia job leaves it: the
 * service is not reachable offline). Exported by `jawnosc export case` and
 * by the case page's button: both ZIPs hold the request, the signed
 * decision as signed, the attachments, the .eml and the evidence; every
 * metadata file (metadane/) validates against NDAP's Metadane-1.7.xsd with xmllint
 * offline (a local catalog maps the imported schema to a stand-in of our
 * own, tests/ndap/); `jawnosc audit verify --package` passes, and fails
 * for a copy with one event changed and for one with one document changed,
 * and says it cannot read hostile archives. The yearly export writes one
 * package per closed case and the spis spraw as CSV and PDF. Without the
 * NDAP schema (../shared/specs/ndap/Metadane-1.7.xsd, or JAWNOSC_NDAP_XSD)
 * the validation says loudly that it is skipped. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/zip.h"
#include "integration/cases_util.h"
#include "unit/zip_read.h"

#define NOW "2025-03-03T10:00:00Z"

static struct u_staff clerk, other;
static char dir[128], trust_env[200], mail_env[200];
static char number[64], open_number[64], token[64];
static long long case_id, doc_id;
static long seq;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *path_in(const char *name)
{
	static char buf[8][512];
	static int k;
	char *b = buf[k++ % 8];
	snprintf(b, 512, "%s/%s", dir, name);
	return b;
}

static void spill(const char *name, const void *data, size_t len)
{
	char *p = path_in(name);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	sh("mkdir -p '%s'", p);
	*slash = '/';
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static char *slurp(const char *name, size_t *len)
{
	FILE *f = fopen(path_in(name), "rb");
	if (!f)
		fprintf(stderr, "cannot open %s\n", path_in(name));
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void sha_hex(const void *data, size_t len, char hex[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, 65, h, 32);
}

/* `jawnosc` with args; its output in *out (malloc'd, may be NULL). */
static int cli(char **out, const char *const *args)
{
	char *o = NULL;
	int rc = h_cli(&o, args);
	if (out)
		*out = o;
	else
		free(o);
	return rc;
}

/* ---- the case ------------------------------------------------------------------- */

static void issue_refusal(void)
{
	char *t = u_file("public_information", number);
	snprintf(token, sizeof token, "%s", t);
	free(t);
	case_id = u_request_id(number);
	u_clerk_step(&clerk, case_id,
	             "action=refuse&version=1&legal_basis=privacy&text=Dane+os%C3%B3b+prywatnych."
	             "&persons=Jan+Nowak");
	char sql[256], path[160];
	snprintf(sql, sizeof sql,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision'", case_id);
	seq = u_count(sql);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", case_id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	char *enc = u_filled_and_encoded(md);
	size_t bl = strlen(enc) + 48;
	char *form = malloc(bl);
	snprintf(form, bl, "potwierdzenie=tak&markdown=%s", enc);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/wystaw", case_id, seq);
	u_staff_post(&clerk, path, form, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(form);
	free(enc);
	free(md);
	snprintf(sql, sizeof sql, "SELECT id FROM documents WHERE request_id = %lld AND seq = %ld AND status = 'issued'",
	         case_id, seq);
	doc_id = u_count(sql);
	assert_true(doc_id > 0);
}

/* The decision downloaded, signed by the fixture's signer and uploaded. */
static void sign_decision(void)
{
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/do-podpisu", case_id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	spill("decision.pdf", r.body, r.len);
	h_free(&r);
	assert_int_equal(sh("tests/sign_fixture.sh sign %s signer %s %s", dir, path_in("decision.pdf"),
	                    path_in("decision-signed.pdf")),
	                 0);
	size_t len;
	char *data = slurp("decision-signed.pdf", &len);
	size_t cap = len + 4096;
	char *body = malloc(cap);
	int n = snprintf(body, cap,
	                 "--QqQ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
	                 "--QqQ\r\nContent-Disposition: form-data; name=\"signed_pdf\"; "
	                 "filename=\"decyzja.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
	                 clerk.csrf);
	memcpy(body + n, data, len);
	n += (int)len;
	n += snprintf(body + n, cap - (size_t)n, "\r\n--QqQ--\r\n");
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld/podpis", case_id, seq);
	const char *hdr[] = {"Content-Type: multipart/form-data; boundary=QqQ", clerk.cookie, NULL};
	h_request("POST", path, hdr, body, (size_t)n, &r);
	if (r.status != 303)
		fprintf(stderr, "signed upload: %ld %.500s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(body);
	free(data);
}

/* An e-mail with an attachment, stored as the parse job leaves it, then
 * attached to the case through the incoming queue. */
static void attach_mail(void)
{
	static const char raw[] =
	    "From: Jan Skarzacy <jan@example.pl>\r\nTo: bip@mon.example\r\n"
	    "Subject: Uzupelnienie wniosku\r\nMessage-ID: <export-1@example.pl>\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\nPrzesyłam pełnomocnictwo.\r\n";
	const char *p[] = {raw, NOW};
	PGconn *c = h_db();
	PGresult *r = PQexecParams(
	    c,
	    "WITH m AS (INSERT INTO inbound_messages (org_id, source, raw, sha256, message_id, envelope_from, "
	    "envelope_to, received_at, received_on, parsed_at, kind, from_address, from_name, subject, "
	    "body_text, routed_at) SELECT o.id, 'mailin', convert_to($1, 'UTF8'), "
	    "sha256(convert_to($1, 'UTF8')), 'export-1@example.pl', 'jan@example.pl', o.email, "
	    "$2::timestamptz, ($2::timestamptz AT TIME ZONE 'Europe/Warsaw')::date, $2::timestamptz, "
	    "'message', 'jan@example.pl', 'Jan Skarżący', 'Uzupełnienie wniosku', 'Przesyłam "
	    "pełnomocnictwo.', $2::timestamptz FROM organisations o WHERE o.slug = 'mon' RETURNING id) "
	    "INSERT INTO inbound_parts (message_id, seq, filename, content_type, size, sha256, data) "
	    "SELECT m.id, 1, 'pełnomocnictwo.pdf', 'application/pdf', 17, "
	    "sha256('%PDF-1.4 pelnom.'::bytea), '%PDF-1.4 pelnom.'::bytea FROM m RETURNING message_id",
	    2, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "mail: %s", PQerrorMessage(c));
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	long long mid = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	char path[96], fields[160];
	snprintf(path, sizeof path, "/panel/poczta/%lld/dolacz", mid);
	snprintf(fields, sizeof fields, "version=1&case_number=%s", number);
	struct hresp rr;
	u_staff_post(&clerk, path, fields, &rr);
	if (rr.status != 303)
		fprintf(stderr, "attach: %ld %.400s\n", rr.status, rr.body);
	assert_int_equal(rr.status, 303);
	h_free(&rr);
}

/* The evidence of the decision's delivery, as the e-Doręczenia job keeps
 * it (cases/edoreczenia.c), on a dispatch of the decision. */
static void add_evidence(void)
{
	char sql[1024];
	if (!u_countf("SELECT count(*) FROM dispatches WHERE document_id = %lld", doc_id))
		snprintf(sql, sizeof sql,
		         "INSERT INTO dispatches (org_id, request_id, document_id, channel, state) "
		         "SELECT org_id, request_id, id, 'edoreczenia', 'sent' FROM documents WHERE id = %lld",
		         doc_id),
		    h_sql(sql);
	snprintf(sql, sizeof sql,
	         "INSERT INTO dispatch_evidences (org_id, dispatch_id, type, external_id, occurred_at, "
	         "content_type, body, sha256) SELECT x.org_id, x.id, 'E.1', 'ev-1', '2025-03-04T08:00:00Z', "
	         "'application/xml', convert_to('<dowod typ=\"E.1\">doręczono</dowod>', 'UTF8'), "
	         "sha256(convert_to('<dowod typ=\"E.1\">doręczono</dowod>', 'UTF8')) FROM dispatches x "
	         "WHERE x.document_id = %lld ORDER BY x.id LIMIT 1",
	         doc_id);
	h_sql(sql);
}

static void test_a_case_with_every_kind_of_document(void **state)
{
	issue_refusal();
	sign_decision();
	/* Posted as a registered letter: the refusal takes effect, the case
	 * closes (issue 21 item 1). */
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", case_id, seq);
	char *page = u_page(&clerk, path);
	assert_true(u_letter_form(&clerk, page, "/nadanie", "number=RR123456789PL&"));
	free(page);
	assert_int_equal(u_countf("SELECT count(*) FROM requests WHERE id = %lld AND closed_on IS NOT NULL",
	                          case_id),
	                 1);
	/* The clerk's PDF: the decision as issued will do. */
	size_t len;
	char *pdf = slurp("decision.pdf", &len);
	struct hresp r;
	u_upload(&clerk, case_id, "skan pisma strony.pdf", pdf, len, &r);
	assert_true(r.status == 303 || r.status == 200);
	h_free(&r);
	free(pdf);
	attach_mail();
	add_evidence();
	assert_int_equal(u_countf("SELECT count(*) FROM document_signatures WHERE document_id = %lld", doc_id), 1);
	assert_int_equal(u_countf("SELECT count(*) FROM attachments WHERE request_id = %lld", case_id), 2);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_messages WHERE request_id = %lld", case_id), 1);
	/* A second case, left open. */
	free(u_file("public_information", open_number));
}

/* ---- the package ---------------------------------------------------------------- */

/* Unpacks `zip` (a file in dir) into dir/`into` with the test's own reader. */
static struct zr_archive unpack(const char *zip, const char *into)
{
	size_t len;
	char *b = slurp(zip, &len);
	struct zr_archive z;
	const char *why = NULL;
	if (!zr_read(b, len, &z, &why))
		fprintf(stderr, "%s: %s\n", zip, why);
	assert_true(why == NULL);
	free(b);
	for (size_t i = 0; i < z.n; i++) {
		char name[1200];
		snprintf(name, sizeof name, "%s/%s", into, z.e[i].name);
		spill(name, z.e[i].data, z.e[i].len);
	}
	return z;
}

/* The entry whose name starts with `prefix` and holds `part` (NULL: any). */
static const struct zr_entry *entry(const struct zr_archive *z, const char *prefix, const char *part)
{
	for (size_t i = 0; i < z->n; i++)
		if (!strncmp(z->e[i].name, prefix, strlen(prefix)) && (!part || strstr(z->e[i].name, part)))
			return &z->e[i];
	return NULL;
}

/* What both packages must hold. */
static void holds_the_case(const struct zr_archive *z)
{
	const struct zr_entry *req = entry(z, "dokumenty/001-wniosek", ".pdf");
	assert_non_null(req);
	assert_int_equal(memcmp(req->data, "%PDF-", 5), 0);
	/* The decision as signed, byte for byte. */
	const struct zr_entry *dec = entry(z, "dokumenty/", "refusal_decision.pdf");
	assert_non_null(dec);
	size_t slen;
	char *signed_pdf = slurp("decision-signed.pdf", &slen);
	assert_int_equal(dec->len, slen);
	assert_int_equal(memcmp(dec->data, signed_pdf, slen), 0);
	free(signed_pdf);
	assert_non_null(entry(z, "dokumenty/", "skan_pisma_strony.pdf"));
	const struct zr_entry *eml = entry(z, "dokumenty/", "wiadomosc.eml");
	assert_non_null(eml);
	assert_non_null(strstr((const char *)eml->data, "Message-ID: <export-1@example.pl>"));
	assert_non_null(entry(z, "dokumenty/", "pe_nomocnictwo.pdf"));
	const struct zr_entry *ev = entry(z, "dokumenty/", "dowod-E_1.xml");
	assert_non_null(ev);
	assert_non_null(strstr((const char *)ev->data, "doręczono"));
	/* One metadata file per document; the case file; the event log. */
	size_t docs = 0, metas = 0;
	for (size_t i = 0; i < z->n; i++) {
		docs += !strncmp(z->e[i].name, "dokumenty/", 10);
		metas += !strncmp(z->e[i].name, "metadane/", 9);
	}
	assert_true(docs >= 6);
	assert_int_equal(docs, metas);
	char safe[64];
	snprintf(safe, sizeof safe, "%s", number);
	for (char *c = safe; *c; c++)
		if (*c == '.')
			*c = '_';
	char name[128];
	snprintf(name, sizeof name, "sprawy/%s.xml", safe);
	const struct zr_entry *cf = zr_find(z, name);
	assert_non_null(cf);
	assert_non_null(strstr((const char *)cf->data, "<klasa jrwa=\"1431\" kategoria=\"BE5\"/>"));
	snprintf(name, sizeof name, "zdarzenia/%s.json", safe);
	const struct zr_entry *log = zr_find(z, name);
	assert_non_null(log);
	assert_non_null(strstr((const char *)log->data, "\"action\": \"case_export\""));
	/* The decision's metadata: a decision, signed, of the case's group. */
	const struct zr_entry *m = entry(z, "metadane/", "refusal_decision.xml");
	assert_non_null(m);
	const char *x = (const char *)m->data;
	assert_non_null(strstr(x, "<ndap:rodzaj>decyzja</ndap:rodzaj>"));
	assert_non_null(strstr(x, "<ndap:funkcja>podpisał</ndap:funkcja>"));
	assert_non_null(strstr(x, "<ndap:kategoria>BE5</ndap:kategoria>"));
	assert_non_null(strstr(x, "<ndap:jezyk kod=\"pol\">"));
	char kod[96];
	snprintf(kod, sizeof kod, "<ndap:kod>%s</ndap:kod>", number);
	assert_non_null(strstr(x, kod));
}

static void test_the_cli_exports_the_package(void **state)
{
	char *out = NULL;
	const char *args[] = {"export", "case", number, "--out", path_in("cli.zip"), NULL};
	int rc = cli(&out, args);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "events"));
	free(out);
	/* Never over a file. */
	assert_int_equal(cli(NULL, args), 1);
	/* An unknown case, a missing --out. */
	const char *none[] = {"export", "case", "NIE.1431.1.2025", "--out", path_in("none.zip"), NULL};
	assert_int_equal(cli(NULL, none), 1);
	const char *bad[] = {"export", "case", number, NULL};
	assert_int_equal(cli(NULL, bad), 2);
	struct zr_archive z = unpack("cli.zip", "cli");
	holds_the_case(&z);
	zr_free(&z);
	/* Recorded as the system's. */
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'case_export' AND actor = 'system' AND data->>'via' = 'cli'",
	                          case_id),
	                 1);
}

static void test_the_case_page_downloads_the_same_package(void **state)
{
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld", case_id);
	char *page = u_page(&clerk, path);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/akta.zip", case_id);
	u_has(page, path);
	free(page);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/zip");
	assert_non_null(strstr(h_header(&r, "Content-Disposition"), "attachment; filename=\"akta-"));
	spill("panel.zip", r.body, r.len);
	h_free(&r);
	struct zr_archive z = unpack("panel.zip", "panel");
	holds_the_case(&z);
	zr_free(&z);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'case_export' AND actor = 'clerk' AND data->>'via' = 'panel'",
	                          case_id),
	                 1);
	/* Another organisation's clerk: not found, and nothing recorded. */
	u_staff_get(&other, path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	assert_int_equal(u_countf("SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'case_export'", case_id),
	                 2);
}

static void test_every_metadata_file_validates_against_ndap(void **state)
{
	const char *x = getenv("JAWNOSC_NDAP_XSD");
	char xsd[512];
	snprintf(xsd, sizeof xsd, "%s", x && *x ? x : "../shared/specs/ndap/Metadane-1.7.xsd");
	if (access(xsd, R_OK) != 0) {
		fprintf(stderr,
		        "\n*** test_export: NDAP validation SKIPPED: the schema %s is absent.\n"
		        "*** Set JAWNOSC_NDAP_XSD to Metadane-1.7.xsd (../shared/specs/README.md).\n\n",
		        xsd);
		return;
	}
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof cwd));
	for (int k = 0; k < 2; k++) {
		const char *which = k ? "panel" : "cli";
		int rc = sh("XML_CATALOG_FILES=%s/tests/ndap/catalog.xml xmllint --nonet --noout --schema %s "
		            "%s/%s/metadane/*.xml > %s/xmllint-%s.log 2>&1",
		            cwd, xsd, dir, which, dir, which);
		if (rc)
			sh("cat %s/xmllint-%s.log >&2", dir, which);
		assert_int_equal(rc, 0);
		/* Each file said it validates, and nothing reached the network. */
		char log[64];
		snprintf(log, sizeof log, "xmllint-%s.log", which);
		size_t len;
		char *text = slurp(log, &len);
		assert_null(strstr(text, "http://"));
		int n = 0;
		for (const char *s = text; (s = strstr(s, " validates")); s++)
			n++;
		assert_true(n >= 6);
		free(text);
	}
}

static int verify(const char *zip, char **out)
{
	const char *args[] = {"audit", "verify", "--package", path_in(zip), NULL};
	return cli(out, args);
}

static void test_audit_verify_passes_on_the_package_alone(void **state)
{
	char *out = NULL;
	int rc = verify("cli.zip", &out);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "intact"));
	free(out);
	assert_int_equal(verify("panel.zip", &out), 0);
	free(out);
}

/* A copy of package `from` as `to`, with entry `name` replaced by `data`
 * (NULL: left out). */
static void copy_with(const char *from, const char *to, const char *name, const void *data, size_t len)
{
	size_t zl;
	char *b = slurp(from, &zl);
	struct zr_archive z;
	const char *why;
	assert_true(zr_read(b, zl, &z, &why));
	free(b);
	arena_t *a = arena_new(1 << 16);
	zip_t w;
	zip_init(&w, a, 1741000000);
	for (size_t i = 0; i < z.n; i++) {
		bool it = !strcmp(z.e[i].name, name);
		if (it && !data)
			continue;
		assert_true(zip_add(&w, z.e[i].name, it ? data : z.e[i].data, it ? len : z.e[i].len, &why));
	}
	const char *out;
	size_t olen;
	assert_true(zip_finish(&w, &out, &olen));
	spill(to, out, olen);
	arena_free(a);
	zr_free(&z);
}

static const struct zr_entry *cli_entry(struct zr_archive *z, const char *prefix, const char *part)
{
	size_t len;
	char *b = slurp("cli.zip", &len);
	const char *why;
	assert_true(zr_read(b, len, z, &why));
	free(b);
	const struct zr_entry *e = entry(z, prefix, part);
	assert_non_null(e);
	return e;
}

static void test_a_changed_event_fails_verification(void **state)
{
	struct zr_archive z;
	const struct zr_entry *log = cli_entry(&z, "zdarzenia/", NULL);
	json_t *j = json_loadb((const char *)log->data, log->len, 0, NULL);
	assert_non_null(j);
	json_t *ev = json_array_get(json_object_get(j, "events"), 0);
	json_object_set_new(ev, "to_state", json_string("provided"));
	char *text = json_dumps(j, JSON_INDENT(1) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	json_decref(j);
	/* The case file's hash of the log made to match, so that only the
	 * event's own hash can tell. */
	char old[65], new[65];
	sha_hex(log->data, log->len, old);
	sha_hex(text, strlen(text), new);
	const struct zr_entry *cf = entry(&z, "sprawy/", NULL);
	char *xml = strdup((const char *)cf->data);
	char *at = strstr(xml, old);
	assert_non_null(at);
	memcpy(at, new, 64);
	char log_name[1100], cf_name[1100];
	snprintf(log_name, sizeof log_name, "%s", log->name);
	snprintf(cf_name, sizeof cf_name, "%s", cf->name);
	copy_with("cli.zip", "event-1.zip", log_name, text, strlen(text));
	copy_with("event-1.zip", "event.zip", cf_name, xml, strlen(xml));
	free(text);
	free(xml);
	zr_free(&z);
	char *out = NULL;
	assert_int_equal(verify("event.zip", &out), 1);
	assert_non_null(strstr(out, "does not match its hash"));
	assert_non_null(strstr(out, "FAILED"));
	free(out);
	/* Without fixing the case file, the log's own hash tells as well. */
	assert_int_equal(verify("event-1.zip", &out), 1);
	assert_non_null(strstr(out, "SHA-256 of the event log"));
	free(out);
}

static void test_a_changed_document_fails_verification(void **state)
{
	struct zr_archive z;
	const struct zr_entry *d = cli_entry(&z, "dokumenty/001-wniosek", NULL);
	unsigned char *copy = malloc(d->len);
	memcpy(copy, d->data, d->len);
	copy[d->len / 2] ^= 0x20;
	char name[1100];
	snprintf(name, sizeof name, "%s", d->name);
	copy_with("cli.zip", "document.zip", name, copy, d->len);
	free(copy);
	char *out = NULL;
	assert_int_equal(verify("document.zip", &out), 1);
	assert_non_null(strstr(out, "does not match the list"));
	free(out);
	/* A listed document missing from the archive. */
	copy_with("cli.zip", "missing.zip", name, NULL, 0);
	assert_int_equal(verify("missing.zip", &out), 1);
	assert_non_null(strstr(out, "is not in the package"));
	free(out);
	zr_free(&z);
}

static void test_hostile_archives_are_refused_with_a_reason(void **state)
{
	char *out = NULL;
	/* Not a ZIP at all. */
	spill("junk.zip", "PK\x03\x04 nonsense", 14);
	assert_int_equal(verify("junk.zip", &out), 3);
	assert_non_null(strstr(out, "not a ZIP archive"));
	free(out);
	/* A name that climbs out: "xx/../" written as "xx/yy/" and patched. */
	arena_t *a = arena_new(4096);
	zip_t w;
	zip_init(&w, a, 1741000000);
	const char *why;
	assert_true(zip_add(&w, "sprawy/yy/evil.xml", "<x/>", 4, &why));
	const char *zb;
	size_t zl;
	assert_true(zip_finish(&w, &zb, &zl));
	char *patched = malloc(zl);
	memcpy(patched, zb, zl);
	for (size_t i = 0; i + 2 < zl; i++)
		if (!memcmp(patched + i, "yy/", 3))
			memcpy(patched + i, "../", 3);
	spill("climb.zip", patched, zl);
	free(patched);
	arena_free(a);
	assert_int_equal(verify("climb.zip", &out), 3);
	assert_non_null(strstr(out, "name is refused"));
	free(out);
	/* An event log that is not JSON (its hash made to match). */
	struct zr_archive z;
	const struct zr_entry *log = cli_entry(&z, "zdarzenia/", NULL);
	char old[65], new[65];
	sha_hex(log->data, log->len, old);
	sha_hex("{\"events\": [", 12, new);
	char log_name[1100];
	snprintf(log_name, sizeof log_name, "%s", log->name);
	const struct zr_entry *cf = entry(&z, "sprawy/", NULL);
	char *xml = strdup((const char *)cf->data);
	memcpy(strstr(xml, old), new, 64);
	char cf_name[1100];
	snprintf(cf_name, sizeof cf_name, "%s", cf->name);
	zr_free(&z);
	copy_with("cli.zip", "badjson-1.zip", log_name, "{\"events\": [", 12);
	copy_with("badjson-1.zip", "badjson.zip", cf_name, xml, strlen(xml));
	free(xml);
	assert_int_equal(verify("badjson.zip", &out), 3);
	assert_non_null(strstr(out, "not JSON"));
	free(out);
	/* No such file. */
	assert_int_equal(verify("no-such.zip", &out), 3);
	free(out);
}

/* ---- the year ---------------------------------------------------------------------- */

static void test_a_year_gives_one_package_per_closed_case_and_the_spis(void **state)
{
	long closed = u_countf("SELECT count(*) FROM requests r JOIN organisations o ON o.id = r.org_id "
	                       "WHERE o.slug = 'mon' AND r.case_year = 2025 AND r.closed_on IS NOT NULL");
	long open = u_countf("SELECT count(*) FROM requests r JOIN organisations o ON o.id = r.org_id "
	                     "WHERE o.slug = 'mon' AND r.case_year = 2025 AND r.closed_on IS NULL");
	assert_true(closed >= 1);
	assert_true(open >= 1);
	char *out = NULL;
	const char *args[] = {"export", "year", "2025", "--org", "mon", "--out", path_in("rok"), NULL};
	int rc = cli(&out, args);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	char expect[128];
	snprintf(expect, sizeof expect, "%ld closed cases exported, %ld still open", closed, open);
	assert_non_null(strstr(out, expect));
	free(out);
	DIR *d = opendir(path_in("rok"));
	assert_non_null(d);
	long zips = 0;
	bool pdf = false, csv = false;
	for (struct dirent *e; (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		zips += n > 4 && !strcmp(e->d_name + n - 4, ".zip");
		pdf = pdf || !strcmp(e->d_name, "spis-spraw-1431-2025.pdf");
		csv = csv || !strcmp(e->d_name, "spis-spraw-1431-2025.csv");
	}
	closedir(d);
	assert_int_equal(zips, closed);
	assert_true(pdf && csv);
	size_t len;
	char *text = slurp("rok/spis-spraw-1431-2025.csv", &len);
	assert_int_equal(strncmp(text, "Lp.,Znak sprawy,Sprawa (krótka treść)", 37), 0);
	assert_non_null(strstr(text, number));
	assert_null(strstr(text, open_number));
	free(text);
	text = slurp("rok/spis-spraw-1431-2025.pdf", &len);
	assert_int_equal(memcmp(text, "%PDF-", 5), 0);
	free(text);
	/* Each package verifies. */
	char safe[64], name[128];
	snprintf(safe, sizeof safe, "%s", number);
	for (char *c = safe; *c; c++)
		*c = *c == '.' ? '_' : *c;
	snprintf(name, sizeof name, "rok/%s.zip", safe);
	assert_int_equal(verify(name, &out), 0);
	free(out);
	/* Again into the same directory: nothing is overwritten. */
	assert_int_equal(cli(NULL, args), 1);
}

static void test_the_archival_category_is_the_body_s_setting(void **state)
{
	const char *set[] = {"export", "category", "--org", "mon", "1431", "A", NULL};
	assert_int_equal(cli(NULL, set), 0);
	const char *bad[] = {"export", "category", "--org", "mon", "1431", "Z9", NULL};
	assert_int_equal(cli(NULL, bad), 1);
	char *out = NULL;
	const char *list[] = {"export", "category", "--org", "mon", NULL};
	assert_int_equal(cli(&out, list), 0);
	assert_non_null(strstr(out, "mon\t1431\tA\n"));
	assert_non_null(strstr(out, "mon\t1432\tBE5\t(default)"));
	free(out);
	const char *args[] = {"export", "case", number, "--out", path_in("cat.zip"), NULL};
	assert_int_equal(cli(NULL, args), 0);
	struct zr_archive z = unpack("cat.zip", "cat");
	const struct zr_entry *m = entry(&z, "metadane/", "refusal_decision.xml");
	assert_non_null(m);
	assert_non_null(strstr((const char *)m->data, "<ndap:kategoria>A</ndap:kategoria>"));
	zr_free(&z);
	const char *drop[] = {"export", "category", "--org", "mon", "1431", "-", NULL};
	assert_int_equal(cli(NULL, drop), 0);
}

/* The answer to a complaint to the administrative court (here on the
 * open case's inaction) lists the package among its enclosures (PPSA art.
 * 54 §2: the files go with it). */
static void test_the_court_answer_lists_the_package(void **state)
{
	long long open_id = u_request_id(open_number);
	u_clerk_step(&clerk, open_id, "action=court_complaint&date=2025-03-03&text=Bezczynno%C5%9B%C4%87.");
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", open_id);
	struct hresp r;
	u_staff_post(&clerk, path, "action=answer_court_complaint&text=Decyzja+jest+zgodna+z+prawem.", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	long s = u_countf("SELECT seq FROM documents WHERE request_id = %lld AND type = 'court_answer'", open_id);
	assert_true(s > 0);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", open_id, s);
	char *page = u_page(&clerk, path);
	char *md = u_markdown_of(page);
	assert_non_null(strstr(md, "akta sprawy w postaci elektronicznej – paczka ZIP"));
	assert_non_null(strstr(md, "skarga wraz z odpisem"));
	free(md);
	free(page);
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "%s/build/test-export-%d", getenv("PWD") ? getenv("PWD") : ".", (int)getpid());
	if (sh("rm -rf %s && mkdir -p %s/mail && tests/sign_fixture.sh setup %s", dir, dir, dir) != 0)
		return -1;
	snprintf(trust_env, sizeof trust_env, "JAWNOSC_SIGNATURE_TRUST=%s/trust.pem", dir);
	snprintf(mail_env, sizeof mail_env, "JAWNOSC_MAIL_DIR=%s/mail", dir);
	const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_MAIL_POLL_MS=600000",
	                     "JAWNOSC_FAKE_NOW=" NOW, trust_env, mail_env, NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	h_sql("INSERT INTO organisations (slug, name) VALUES ('inny', 'Inny Urząd');"
	      "INSERT INTO units (org_id, symbol, name) SELECT id, 'OR', 'Referat' FROM organisations "
	      "WHERE slug = 'inny';"
	      "INSERT INTO users (org_id, unit_id, email, name, role, password_hash) "
	      "SELECT o.id, un.id, 'urzednik@inny.example', 'Urzędnik Inny', 'clerk', u.password_hash "
	      "FROM organisations o JOIN units un ON un.org_id = o.id, users u "
	      "WHERE o.slug = 'inny' AND u.email = 'urzednik@mon.example'");
	u_login("urzednik%40inny.example", "jawnosc-demo", &other);
	return 0;
}

static int teardown(void **state)
{
	h_stop_server(state);
	sh("rm -rf %s", dir);
	return 0;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	h_setup_db("export");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_case_with_every_kind_of_document),
	    cmocka_unit_test(test_the_cli_exports_the_package),
	    cmocka_unit_test(test_the_case_page_downloads_the_same_package),
	    cmocka_unit_test(test_every_metadata_file_validates_against_ndap),
	    cmocka_unit_test(test_audit_verify_passes_on_the_package_alone),
	    cmocka_unit_test(test_a_changed_event_fails_verification),
	    cmocka_unit_test(test_a_changed_document_fails_verification),
	    cmocka_unit_test(test_hostile_archives_are_refused_with_a_reason),
	    cmocka_unit_test(test_a_year_gives_one_package_per_closed_case_and_the_spis),
	    cmocka_unit_test(test_the_archival_category_is_the_body_s_setting),
	    cmocka_unit_test(test_the_court_answer_lists_the_package),
	};
	int failed = cmocka_run_group_tests_name("export", tests, setup, teardown);
	h_teardown();
	return failed;
}
