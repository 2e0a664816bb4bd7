/* SPDX-License-Identifier: EUPL-1.2 */
/* Attachments both ways (issue 19 §3; docs/inbound.md, "Attachments both
 * ways") over real HTTP, a real PostgreSQL, a real SMTP server
 * (tests/smtp_sink.py) and the e-Doręczenia stand-in (tests/edor_standin.py,
 * when the User Agent API yaml is there).
 *
 * In: a clerk downloads a requester's attachment as an attachment with a
 * sandboxing CSP and nosniff, the RFC 6266 / 8187 name; a mail attachment
 * declared text/html is served as bytes; another organisation's clerk and a
 * clerk confined to another unit get 404; a PDF, a PNG and a JPEG are
 * previewed as PNG images of the server's making, an HTML file is not.
 *
 * Out: a clerk attaches a spreadsheet (an .xlsx built here) to the answer,
 * the letter lists it, issuing sends it by e-mail (its MIME part is the
 * file) and puts it on the tracking page (with the tracking link, not
 * without); an answer sent by e-Doręczenia carries its CSV; an .exe named
 * .pdf, a file over the limit and files over the letter's total are refused
 * with the letter's text kept; a body over the server's limit is 413, not
 * a 500; an issued letter's attachments cannot change; the requester's
 * timeline leaves out the clerk's drafting (files attached and taken off,
 * the clerk's own PDF), which the staff still see. */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/zip.h"
#include "db/db.h"
#include "integration/cases_util.h"

#define LOGS "build/test-logs/attachments_out"
#define OUR_ADE "AE:PL-12345-67890-ABCDE-12"
#define THEIR_ADE "AE:PL-55555-44444-XYZWV-01"
#define SYSTEM "jawnosc"
#define NOW "2026-03-02T09:00:00Z"
#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static struct u_staff clerk, stranger, other_unit;
static char number[64], token[128];
static long long case_id, req_png, req_pdf, req_jpeg, mail_html;

/* ---- small helpers ---------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *sql_value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sql_value(const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	PGconn *c = h_db();
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	char *v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	PQfinish(c);
	return v;
}

static long long sql_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long sql_int(const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	char *v = sql_value("%s", sql);
	long long x = v ? atoll(v) : -1;
	free(v);
	return x;
}

/* The error PostgreSQL gives `sql`, malloc'd; NULL when it succeeds. */
static char *sql_error(const char *sql)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	char *e = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? NULL
	                                                          : strdup(PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return e;
}

static void expect(const struct hresp *r, long status, const char *what)
{
	if (r->status != status)
		fprintf(stderr, "%s: %ld, expected %ld: %.800s\n", what, r->status, status,
		        r->body && strstr(r->body, "<main") ? strstr(r->body, "<main") : r->body);
	assert_int_equal(r->status, status);
}

static unsigned free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t sl = sizeof sa;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	size_t got = fread(b, 1, (size_t)n, f);
	b[got] = '\0';
	fclose(f);
	if (len)
		*len = got;
	return b;
}

/* A child whose standard output says "ready" once it listens. */
static pid_t start_ready(const char *log, char *const argv[])
{
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(pipefd[1], STDOUT_FILENO);
		if (logfd >= 0)
			dup2(logfd, STDERR_FILENO);
		close(pipefd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	char buf[64] = "";
	size_t n = 0;
	struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
	while (n < sizeof buf - 1 && !strstr(buf, "ready\n") && poll(&pfd, 1, 15000) > 0) {
		ssize_t r = read(pipefd[0], buf + n, sizeof buf - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
	close(pipefd[0]);
	if (!strstr(buf, "ready\n"))
		fail_msg("%s did not start: see %s", argv[1], log);
	return pid;
}

static void stop(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
	}
	*pid = 0;
}

/* ---- files made here --------------------------------------------------------------------- */

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static cairo_status_t buf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct buf *b = closure;
	if (b->n + len > b->cap) {
		b->cap = (b->n + len) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, data, len);
	b->n += len;
	return CAIRO_STATUS_SUCCESS;
}

static struct buf make_pdf(void)
{
	struct buf b = {0};
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(buf_write, &b, 595, 842);
	cairo_t *cr = cairo_create(s);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 14);
	cairo_move_to(cr, 72, 100);
	cairo_show_text(cr, "Skan wniosku");
	cairo_show_page(cr);
	cairo_move_to(cr, 72, 100);
	cairo_show_text(cr, "Strona druga");
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	return b;
}

/* A 2400 × 300 picture: its preview is scaled down to 1600 pixels. */
static struct buf make_png(void)
{
	struct buf b = {0};
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 2400, 300);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.2, 0.4, 0.8);
	cairo_paint(cr);
	cairo_destroy(cr);
	assert_int_equal(cairo_surface_write_to_png_stream(s, buf_write, &b), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	return b;
}

/* A JPEG from the PDF, by poppler-utils' pdftoppm (NULL data when absent). */
static struct buf make_jpeg(const struct buf *pdf)
{
	struct buf b = {0};
	FILE *f = fopen(LOGS "/scan.pdf", "wb");
	assert_non_null(f);
	fwrite(pdf->p, 1, pdf->n, f);
	fclose(f);
	if (system("pdftoppm -jpeg -r 30 -singlefile " LOGS "/scan.pdf " LOGS "/scan 2>/dev/null") == 0)
		b.p = (unsigned char *)read_whole(LOGS "/scan.jpg", &b.n);
	return b;
}

/* A real spreadsheet (Office Open XML, ECMA-376): two rows of data. */
static struct buf make_xlsx(arena_t *a)
{
	zip_t z;
	zip_init(&z, a, 1767225600);
	static const struct {
		const char *name, *text;
	} parts[] = {
	    {"[Content_Types].xml",
	     "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	     "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	     "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	     "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	     "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
	     "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
	     "</Types>"},
	    {"_rels/.rels",
	     "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	     "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
	     "</Relationships>"},
	    {"xl/workbook.xml",
	     "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	     "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	     "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	     "<sheets><sheet name=\"Wydatki\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
	    {"xl/_rels/workbook.xml.rels",
	     "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	     "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	     "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	     "</Relationships>"},
	    {"xl/worksheets/sheet1.xml",
	     "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	     "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
	     "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Umowa</t></is></c>"
	     "<c r=\"B1\" t=\"inlineStr\"><is><t>Kwota</t></is></c></row>"
	     "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>17/DI/2026</t></is></c><c r=\"B2\"><v>1245000</v></c></row>"
	     "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>29/DI/2026</t></is></c><c r=\"B3\"><v>312480</v></c></row>"
	     "</sheetData></worksheet>"},
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		assert_true(zip_add(&z, parts[i].name, parts[i].text, strlen(parts[i].text), NULL));
	const char *out;
	size_t len;
	assert_true(zip_finish(&z, &out, &len));
	struct buf b = {malloc(len), len, len};
	memcpy(b.p, out, len);
	return b;
}

static struct buf make_csv(size_t rows)
{
	struct buf b = {0};
	const char *head = "umowa;kwota;źródło\n";
	b.cap = strlen(head) + rows * 40 + 1;
	b.p = malloc(b.cap);
	b.n = (size_t)snprintf((char *)b.p, b.cap, "%s", head);
	for (size_t i = 0; i < rows; i++)
		b.n += (size_t)snprintf((char *)b.p + b.n, b.cap - b.n, "%zu/DI/2026;%zu,00;budżet\n",
		                        i + 1, 1000 + i);
	return b;
}

/* An attachment of the case as the filing form or the mail parser stores it. */
static long long insert_attachment(const char *filename, const char *type, const void *data,
                                   size_t len, const char *source)
{
	PGconn *c = h_db();
	char id[24], size[24];
	snprintf(id, sizeof id, "%lld", case_id);
	snprintf(size, sizeof size, "%zu", len);
	const char *p[6] = {id, filename, type, size, data, source};
	int lens[6] = {0, 0, 0, 0, (int)len, 0}, fmts[6] = {0, 0, 0, 0, 1, 0};
	PGresult *r = PQexecParams(c,
	                           "INSERT INTO attachments (org_id, request_id, filename, content_type, "
	                           "size, sha256, data, source) SELECT org_id, id, $2, $3, $4::int, "
	                           "sha256($5), $5, $6 FROM requests WHERE id = $1 RETURNING id",
	                           6, NULL, p, lens, fmts, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("insert: %s", PQerrorMessage(c));
	long long v = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

/* ---- multipart ------------------------------------------------------------------------------ */

struct part {
	const char *name, *filename, *type; /* filename NULL: a field */
	const void *data;
	size_t len;
};

static void post_multipart(const struct u_staff *s, const char *path, const struct part *parts,
                           size_t n, struct hresp *r)
{
	static const char *B = "jawnoscAttachBoundary42";
	struct buf b = {0};
	char head[512];
	int k = snprintf(head, sizeof head,
	                 "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", B,
	                 s->csrf);
	buf_write(&b, (const unsigned char *)head, (unsigned)k);
	for (size_t i = 0; i < n; i++) {
		if (parts[i].filename)
			k = snprintf(head, sizeof head,
			             "--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
			             "Content-Type: %s\r\n\r\n",
			             B, parts[i].name, parts[i].filename, parts[i].type);
		else
			k = snprintf(head, sizeof head,
			             "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n", B,
			             parts[i].name);
		buf_write(&b, (const unsigned char *)head, (unsigned)k);
		buf_write(&b, parts[i].data, (unsigned)parts[i].len);
		buf_write(&b, (const unsigned char *)"\r\n", 2);
	}
	k = snprintf(head, sizeof head, "--%s--\r\n", B);
	buf_write(&b, (const unsigned char *)head, (unsigned)k);
	char ct[128];
	snprintf(ct, sizeof ct, "Content-Type: multipart/form-data; boundary=%s", B);
	const char *hdr[] = {ct, s->cookie, NULL};
	h_request("POST", path, hdr, (const char *)b.p, b.n, r);
	free(b.p);
}

/* ---- the SMTP sink and the e-Doręczenia stand-in ----------------------------------------- */

static pid_t sink_pid, standin_pid;
static char smtp_env[64], env_url[128], env_token[128], env_search[128];
static char yaml[1024];
static bool have_yaml;
static unsigned ctl_port;

static void sink_start(void)
{
	unsigned port = free_port();
	char p[16];
	snprintf(p, sizeof p, "%u", port);
	assert_int_equal(system("rm -rf " LOGS "/sink && mkdir -p " LOGS "/sink"), 0);
	char *argv[] = {"/usr/bin/python3", "tests/smtp_sink.py", p, LOGS "/sink", NULL};
	sink_pid = start_ready(LOGS "/smtp_sink.log", argv);
	snprintf(smtp_env, sizeof smtp_env, "JAWNOSC_SMTP_URL=smtp://127.0.0.1:%u", port);
}

/* The raw message at the sink that holds `needle` (malloc'd), waiting up
 * to `seconds`. */
static char *sink_message(const char *needle, double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(100000)) {
		DIR *d = opendir(LOGS "/sink");
		assert_non_null(d);
		for (struct dirent *e; (e = readdir(d));) {
			size_t n = strlen(e->d_name);
			if (n < 5 || strcmp(e->d_name + n - 4, ".eml"))
				continue;
			char path[512];
			snprintf(path, sizeof path, LOGS "/sink/%s", e->d_name);
			char *raw = read_whole(path, NULL);
			if (raw && strstr(raw, needle)) {
				closedir(d);
				return raw;
			}
			free(raw);
		}
		closedir(d);
	}
	return NULL;
}

static int run(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "failed (%d): %s\n", rc, cmd);
	return rc;
}

static void standin_start(void)
{
	assert_int_equal(
	    run("cd " LOGS " && "
	        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
	        "-subj '/CN=Jawnosc test CA' -days 2 2>/dev/null && "
	        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
	        "-subj '/CN=127.0.0.1' 2>/dev/null && "
	        "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
	        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
	        "-out server.pem -days 2 -extfile san.ext 2>/dev/null && "
	        "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr "
	        "-subj '/CN=" OUR_ADE ".SYSTEM." SYSTEM "' 2>/dev/null && "
	        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
	        "-out client.pem -days 2 2>/dev/null && chmod 600 client.key && "
	        "rm -f violations.log && touch violations.log"),
	    0);
	unsigned api = free_port();
	ctl_port = free_port();
	char port[16], ctl[16];
	snprintf(port, sizeof port, "%u", api);
	snprintf(ctl, sizeof ctl, "%u", ctl_port);
	char *argv[] = {"/usr/bin/python3", "tests/edor_standin.py", "--port", port,
	                "--control-port", ctl, "--cert", LOGS "/server.pem", "--key",
	                LOGS "/server.key", "--ca", LOGS "/ca.pem", "--client-cert",
	                LOGS "/client.pem", "--address", OUR_ADE, "--system-name", SYSTEM,
	                "--yaml", yaml, "--violations", LOGS "/violations.log", NULL};
	standin_pid = start_ready(LOGS "/standin.log", argv);
	const char *hdr[] = {"Content-Type: application/json", NULL};
	struct hresp r;
	const char *now = "{\"now\": \"" NOW "\"}";
	h_request_port(ctl_port, "POST", "/control", hdr, now, strlen(now), &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	snprintf(env_url, sizeof env_url, "JAWNOSC_EDORECZENIA_URL=https://127.0.0.1:%u/api/v1", api);
	snprintf(env_token, sizeof env_token,
	         "JAWNOSC_EDORECZENIA_TOKEN_URL=https://127.0.0.1:%u/token", api);
	snprintf(env_search, sizeof env_search,
	         "JAWNOSC_EDORECZENIA_SEARCH_URL=https://127.0.0.1:%u/bae/addresses", api);
}

/* ---- the case ----------------------------------------------------------------------------------- */

/* Files a request through the API: its number, token and id. */
static long long file_request(const char *extra, char *num, char *tok)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"kind\":\"public_information\",\"subject\":\"Umowy na łóżka polowe\","
	         "\"content\":\"Proszę o zestawienie umów.\",\"delivery\":\"%s\","
	         "\"requester\":{\"name\":\"Jan Kowalski\",\"email\":\"jan.kowalski@example.org\","
	         "\"postal_address\":\"ul. Lipowa 12, 00-950 Warszawa\"%s}}",
	         extra ? "post" : "email", extra ? extra : "");
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	expect(&r, 201, "filing");
	json_t *j = u_json(&r);
	snprintf(num, 64, "%s", u_str(j, "case_number"));
	if (tok)
		snprintf(tok, 128, "%s", u_str(j, "tracking_token"));
	json_decref(j);
	h_free(&r);
	u_clerk(num, LAW_ACT_ASSIGN);
	u_clerk(num, LAW_ACT_PROVIDE);
	return u_request_id(num);
}

static int answer_seq(long long id)
{
	return (int)sql_int("SELECT max(seq) FROM documents WHERE request_id = %lld AND "
	                    "type = 'information_release'",
	                    id);
}

static char *letter_page(long long id, int seq, long status)
{
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d", id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	expect(&r, status, path);
	char *page = strdup(r.body);
	h_free(&r);
	return page;
}

/* Attaches `n` files to the answer with `markdown` as the typed text. */
static void attach(long long id, int seq, const char *markdown, const struct part *files,
                   size_t n, struct hresp *r)
{
	struct part parts[8];
	parts[0] = (struct part){"markdown", NULL, NULL, markdown, strlen(markdown)};
	for (size_t i = 0; i < n; i++)
		parts[i + 1] = files[i];
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d/zalaczniki", id, seq);
	post_multipart(&clerk, path, parts, n + 1, r);
}

static void issue(long long id, int seq, const char *channel)
{
	char *page = letter_page(id, seq, 200);
	char *md = u_markdown_of(page);
	free(page);
	char *enc = u_filled_and_encoded(md);
	size_t n = strlen(enc) + 64;
	char *form = malloc(n), path[128];
	snprintf(form, n, "potwierdzenie=tak&channel=%s&markdown=%s", channel, enc);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d/wystaw", id, seq);
	struct hresp r;
	u_staff_post(&clerk, path, form, &r);
	expect(&r, 303, "issuing");
	h_free(&r);
	free(form);
	free(enc);
	free(md);
}

/* ---- setup -------------------------------------------------------------------------------------- */

static struct buf pdf, png, jpeg, xlsx;
static arena_t *arena;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(system("mkdir -p " LOGS), 0);
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	const char *y = getenv("JAWNOSC_UAAPI_YAML");
	snprintf(yaml, sizeof yaml, "%s",
	         y && *y ? y : "../shared/specs/edoreczenia/uaapi_3.0.8.1.yaml");
	have_yaml = access(yaml, R_OK) == 0;
	if (!have_yaml)
		fprintf(stderr, "\n*** test_attachments_out: the e-Doręczenia test is SKIPPED: %s is "
		                "absent (set JAWNOSC_UAAPI_YAML).\n\n",
		        yaml);
	sink_start();
	if (have_yaml)
		standin_start();
	const char *env[] = {"JAWNOSC_FILING_RATE=100000",
	                     "JAWNOSC_FAKE_NOW=" NOW,
	                     smtp_env,
	                     "JAWNOSC_MAIL_POLL_MS=100",
	                     "JAWNOSC_MAIL_RETRY_BASE=1",
	                     "JAWNOSC_MAX_BODY=1M",
	                     "JAWNOSC_LETTER_ATTACHMENT_MAX=64K",
	                     "JAWNOSC_LETTER_ATTACHMENTS_TOTAL=150K",
	                     have_yaml ? env_url : NULL,
	                     env_token,
	                     env_search,
	                     "JAWNOSC_EDORECZENIA_ADDRESS=" OUR_ADE,
	                     "JAWNOSC_EDORECZENIA_SYSTEM_NAME=" SYSTEM,
	                     "JAWNOSC_EDORECZENIA_KEY=" LOGS "/client.key",
	                     "JAWNOSC_EDORECZENIA_CERT=" LOGS "/client.pem",
	                     "JAWNOSC_EDORECZENIA_CA=" LOGS "/ca.pem",
	                     "JAWNOSC_EDORECZENIA_POLL_MS=100",
	                     "JAWNOSC_EDORECZENIA_RETRY_BASE=1",
	                     "JAWNOSC_EDORECZENIA_CHECK_SECONDS=1",
	                     NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	h_sql("INSERT INTO organisations (slug, name) VALUES ('inny', 'Inny Urząd');"
	      "INSERT INTO users (org_id, email, name, role, password_hash) SELECT o.id, "
	      "'obcy@inny.example', 'Obcy', 'clerk', u.password_hash FROM organisations o, users u "
	      "WHERE o.slug = 'inny' AND u.email = 'urzednik@mon.example';"
	      "INSERT INTO units (org_id, symbol, name) SELECT id, 'ZZA', 'Inna komórka' "
	      "FROM organisations WHERE slug = 'mon';"
	      "INSERT INTO users (org_id, unit_id, email, name, role, password_hash) SELECT o.id, "
	      "b.id, 'komorka@mon.example', 'Z innej komórki', 'clerk', u.password_hash "
	      "FROM organisations o JOIN units b ON b.org_id = o.id AND b.symbol = 'ZZA', users u "
	      "WHERE o.slug = 'mon' AND u.email = 'urzednik@mon.example'");
	u_login("obcy%40inny.example", "jawnosc-demo", &stranger);
	u_login("komorka%40mon.example", "jawnosc-demo", &other_unit);
	arena = arena_new(65536);
	pdf = make_pdf();
	png = make_png();
	jpeg = make_jpeg(&pdf);
	xlsx = make_xlsx(arena);
	case_id = file_request(NULL, number, token);
	req_png = insert_attachment("skan – Łódź \"1\".png", "image/png", png.p, png.n, "requester");
	req_pdf = insert_attachment("wniosek.pdf", "application/pdf", pdf.p, pdf.n, "requester");
	if (jpeg.p)
		req_jpeg = insert_attachment("zdjecie.jpg", "image/jpeg", jpeg.p, jpeg.n, "mail");
	static const char html[] = "<html><body><script>alert(1)</script></body></html>";
	mail_html = insert_attachment("strona.html", "text/html", html, sizeof html - 1, "mail");
	return 0;
}

static int teardown(void **state)
{
	int rc = h_stop_server(state);
	stop(&sink_pid);
	stop(&standin_pid);
	free(pdf.p);
	free(png.p);
	free(jpeg.p);
	free(xlsx.p);
	arena_free(arena);
	return rc;
}

/* ---- in --------------------------------------------------------------------------------------------- */

static void test_a_clerk_downloads_a_requesters_attachment_safely(void **state)
{
	(void)state;
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/plik", case_id, req_png);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, path);
	assert_int_equal(r.len, png.n);
	assert_memory_equal(r.body, png.p, png.n);
	assert_string_equal(h_header(&r, "Content-Type"), "image/png");
	/* RFC 6266: an attachment; a plain fallback, the UTF-8 name by RFC 8187. */
	assert_string_equal(h_header(&r, "Content-Disposition"),
	                    "attachment; filename=\"skan_____d___1_.png\"; "
	                    "filename*=UTF-8''skan%20%E2%80%93%20%C5%81%C3%B3d%C5%BA%20%221%22.png");
	assert_string_equal(h_header(&r, "X-Content-Type-Options"), "nosniff");
	assert_string_equal(h_header(&r, "Content-Security-Policy"), "sandbox; default-src 'none'");
	assert_non_null(strstr(h_header(&r, "Cache-Control"), "no-store"));
	h_free(&r);
	/* A file a message declared as HTML is bytes to the browser. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/plik", case_id, mail_html);
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, path);
	assert_string_equal(h_header(&r, "Content-Type"), "application/octet-stream");
	assert_string_equal(h_header(&r, "Content-Security-Policy"), "sandbox; default-src 'none'");
	h_free(&r);
	/* The case page links every attachment to its page. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld", case_id);
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, path);
	char link[128];
	snprintf(link, sizeof link, "href=\"/panel/sprawy/%lld/zalaczniki/%lld\"", case_id, mail_html);
	assert_non_null(strstr(r.body, link));
	h_free(&r);
}

static void test_another_organisation_or_unit_gets_404(void **state)
{
	(void)state;
	static const char *const tails[] = {"", "/plik", "/podglad/1"};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		char path[160];
		snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld%s", case_id, req_pdf,
		         tails[i]);
		struct hresp r;
		u_staff_get(&stranger, path, &r);
		expect(&r, 404, path);
		assert_null(memmem(r.body, r.len, "%PDF", 4));
		h_free(&r);
		/* Confined to its unit, a clerk of another unit does not see the case. */
		h_sql("UPDATE organisations SET staff_unit_only = true WHERE slug = 'mon'");
		u_staff_get(&other_unit, path, &r);
		h_sql("UPDATE organisations SET staff_unit_only = false WHERE slug = 'mon'");
		expect(&r, 404, path);
		assert_null(memmem(r.body, r.len, "%PDF", 4));
		h_free(&r);
		/* The same clerk sees it when the organisation does not confine. */
		u_staff_get(&other_unit, path, &r);
		expect(&r, 200, path);
		h_free(&r);
	}
}

static unsigned be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* Preview image `n` of `aid`: a PNG of the server's making, its size. */
static void preview(long long aid, int n, unsigned *w, unsigned *h)
{
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/podglad/%d", case_id, aid, n);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, path);
	assert_string_equal(h_header(&r, "Content-Type"), "image/png");
	assert_string_equal(h_header(&r, "X-Content-Type-Options"), "nosniff");
	assert_true(r.len > 33);
	assert_memory_equal(r.body, "\x89PNG\r\n\x1a\n", 8);
	*w = be32((const unsigned char *)r.body + 16);
	*h = be32((const unsigned char *)r.body + 20);
	h_free(&r);
}

static void test_pdf_png_and_jpeg_are_previewed_as_png_images(void **state)
{
	(void)state;
	unsigned w, h;
	preview(req_pdf, 1, &w, &h);
	/* A4 at 100 dpi. */
	assert_int_equal(w, 827);
	assert_int_equal(h, 1170);
	preview(req_pdf, 2, &w, &h);
	preview(req_png, 1, &w, &h);
	assert_int_equal(w, 1600); /* 2400 × 300 scaled down */
	assert_int_equal(h, 200);
	if (jpeg.p) {
		preview(req_jpeg, 1, &w, &h);
		assert_true(w > 100 && h > 100);
	} else {
		fprintf(stderr, "pdftoppm absent: the JPEG preview is not tested\n");
	}
	/* The page shows the images, never the file. */
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld", case_id, req_pdf);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, path);
	char img[160];
	snprintf(img, sizeof img, "<img src=\"/panel/sprawy/%lld/zalaczniki/%lld/podglad/2\"", case_id,
	         req_pdf);
	assert_non_null(strstr(r.body, img));
	assert_null(strstr(r.body, "<iframe"));
	assert_null(strstr(r.body, "<embed"));
	assert_null(strstr(r.body, "<object"));
	h_free(&r);
	/* An HTML file has no preview: said on its page, no image, no 500. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld", case_id, mail_html);
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, path);
	assert_non_null(strstr(r.body, "Podgląd niedostępny"));
	assert_null(strstr(r.body, "<script>alert"));
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/podglad/1", case_id, mail_html);
	u_staff_get(&clerk, path, &r);
	expect(&r, 422, path);
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki/%lld/podglad/3", case_id, req_pdf);
	u_staff_get(&clerk, path, &r);
	expect(&r, 404, path);
	h_free(&r);
}

/* ---- out: refusals keep the letter -------------------------------------------------------------- */

#define TYPED "Tekst wpisany przez urzędnika, którego nie wolno zgubić."

static void assert_refused_and_kept(const struct hresp *r, const char *message)
{
	expect(r, 422, "attaching");
	if (!strstr(r->body, message))
		fprintf(stderr, "no \"%s\" in %.2000s\n", message, strstr(r->body, "<main"));
	assert_non_null(strstr(r->body, message));
	char *md = u_markdown_of(r->body);
	assert_non_null(strstr(md, TYPED));
	free(md);
}

static void test_bad_or_too_large_files_are_refused_with_the_letter_kept(void **state)
{
	(void)state;
	char num[64];
	long long id = file_request(NULL, num, NULL);
	int seq = answer_seq(id);
	char *page = letter_page(id, seq, 200);
	/* The limits are on the form before anything is sent. */
	assert_non_null(strstr(page, "Każdy plik najwyżej 64,0 kB, wszystkie pliki pisma razem "
	                             "najwyżej 150 kB"));
	assert_non_null(strstr(page, "accept=\".pdf,.png,.jpg,.jpeg,.csv,.xlsx,.ods,.docx,.odt\""));
	char *md0 = u_markdown_of(page);
	free(page);
	size_t n = strlen(md0) + sizeof TYPED + 4;
	char *md = malloc(n);
	snprintf(md, n, "%s\n\n" TYPED, md0);
	free(md0);
	struct hresp r;
	/* A program named .pdf. */
	static const unsigned char exe[] = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xffThis "
	                                   "program cannot be run in DOS mode.";
	struct part f = {"zalacznik", "odpowiedz.pdf", "application/pdf", exe, sizeof exe - 1};
	attach(id, seq, md, &f, 1, &r);
	assert_refused_and_kept(&r, "plik wykonywalny");
	h_free(&r);
	/* HTML named .csv. */
	static const char html[] = "<!DOCTYPE html><html><script>x()</script></html>";
	f = (struct part){"zalacznik", "dane.csv", "text/csv", html, sizeof html - 1};
	attach(id, seq, md, &f, 1, &r);
	assert_refused_and_kept(&r, "HTML, SVG albo XML");
	h_free(&r);
	/* A spreadsheet named .ods. */
	f = (struct part){"zalacznik", "dane.ods", "application/octet-stream", xlsx.p, xlsx.n};
	attach(id, seq, md, &f, 1, &r);
	assert_refused_and_kept(&r, "nie odpowiada rozszerzeniu");
	h_free(&r);
	/* Over the limit of one file. */
	struct buf big = make_csv(2500);
	assert_true(big.n > 64 * 1024);
	f = (struct part){"zalacznik", "duze.csv", "text/csv", big.p, big.n};
	attach(id, seq, md, &f, 1, &r);
	assert_refused_and_kept(&r, "jeden załącznik może mieć najwyżej 64,0 kB");
	h_free(&r);
	free(big.p);
	assert_int_equal(sql_int("SELECT count(*) FROM attachments a JOIN documents d ON d.id = "
	                         "a.document_id WHERE d.request_id = %lld",
	                         id),
	                 0);
	/* Over the letter's total: two files fit, the third does not. */
	struct buf part = make_csv(1900);
	assert_true(part.n > 50 * 1024 && part.n < 64 * 1024);
	f = (struct part){"zalacznik", "czesc.csv", "text/csv", part.p, part.n};
	for (int i = 0; i < 2; i++) {
		attach(id, seq, md, &f, 1, &r);
		expect(&r, 303, "attaching a part");
		h_free(&r);
	}
	attach(id, seq, md, &f, 1, &r);
	assert_refused_and_kept(&r, "mogą mieć razem najwyżej 150 kB");
	h_free(&r);
	free(part.p);
	assert_int_equal(sql_int("SELECT count(*) FROM attachments a JOIN documents d ON d.id = "
	                         "a.document_id WHERE d.request_id = %lld",
	                         id),
	                 2);
	/* A body over what the server reads: 413 with a Polish message, never a 500. */
	size_t huge_n = 1100 * 1024;
	char *huge = malloc(huge_n);
	memset(huge, 'a', huge_n);
	f = (struct part){"zalacznik", "ogromny.csv", "text/csv", huge, huge_n};
	attach(id, seq, md, &f, 1, &r);
	expect(&r, 413, "a body over JAWNOSC_MAX_BODY");
	assert_non_null(strstr(r.body, "za duża"));
	h_free(&r);
	free(huge);
	free(md);
}

/* The base64 body of the MIME part whose headers hold `name`, decoded. */
static unsigned char *mime_file(const char *raw, const char *name, size_t *len)
{
	const char *at = strstr(raw, name);
	assert_non_null(at);
	const char *body = strstr(at, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	const char *end = strstr(body, "\r\n--");
	assert_non_null(end);
	size_t cap = (size_t)(end - body);
	unsigned char *out = malloc(cap + 1);
	assert_int_equal(sodium_base642bin(out, cap, body, (size_t)(end - body), "\r\n", len, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	return out;
}

static long long answer_att_id;
static int answer_seq_no;

static void test_a_spreadsheet_goes_with_the_answer_by_mail_and_on_the_tracking_page(void **state)
{
	(void)state;
	int seq = answer_seq_no = answer_seq(case_id);
	char *page = letter_page(case_id, seq, 200);
	char *md0 = u_markdown_of(page);
	free(page);
	/* The draft asks for its enclosures, by their Polish name. */
	assert_non_null(strstr(md0, "[DO UZUPEŁNIENIA: Załączniki]"));
	size_t n = strlen(md0) + sizeof TYPED + 4;
	char *md = malloc(n);
	snprintf(md, n, TYPED "\n\n%s", md0);
	free(md0);
	struct part f = {"zalacznik", "wydatki-2026.xlsx", "application/octet-stream",
	                 xlsx.p, xlsx.n};
	struct hresp r;
	attach(case_id, seq, md, &f, 1, &r);
	expect(&r, 303, "attaching the spreadsheet");
	h_free(&r);
	free(md);
	answer_att_id = sql_int("SELECT a.id FROM attachments a JOIN documents d ON d.id = "
	                        "a.document_id WHERE d.request_id = %lld AND d.seq = %d",
	                        case_id, seq);
	assert_true(answer_att_id > 0);
	char *name = sql_value("SELECT filename || ' ' || content_type FROM attachments WHERE id = %lld",
	                       answer_att_id);
	assert_string_equal(name, "wydatki-2026.xlsx " XLSX_MIME);
	free(name);
	/* The letter lists it in place of the mark, and the typed text stayed. */
	page = letter_page(case_id, seq, 200);
	char *listed = u_markdown_of(page);
	assert_non_null(strstr(listed, TYPED));
	assert_null(strstr(listed, "[DO UZUPEŁNIENIA: Załączniki]"));
	if (!strstr(listed, "**Załączniki:**\n\n1. wydatki-2026.xlsx (arkusz XLSX, 1,"))
		fprintf(stderr, "the letter: %s\n", listed);
	assert_non_null(strstr(listed, "**Załączniki:**\n\n1. wydatki-2026.xlsx (arkusz XLSX, 1,"));
	assert_non_null(strstr(page, ">wydatki-2026.xlsx</a> (arkusz XLSX,"));
	free(listed);
	free(page);
	issue(case_id, seq, "email");
	/* Issued: it lists the file in its text. */
	char *issued = sql_value("SELECT markdown FROM documents WHERE request_id = %lld AND seq = %d",
	                         case_id, seq);
	assert_non_null(strstr(issued, "1. wydatki-2026.xlsx (arkusz XLSX"));
	free(issued);
	/* By e-mail: the letter's PDF and the spreadsheet, byte for byte. */
	char *raw = sink_message("name=\"wydatki-2026.xlsx\"", 20);
	assert_non_null(raw);
	assert_non_null(strstr(raw, "Content-Type: application/pdf;"));
	assert_non_null(strstr(raw, "Content-Type: " XLSX_MIME "; name=\"wydatki-2026.xlsx\""));
	assert_non_null(strstr(raw, "Content-Disposition: attachment; filename=\"wydatki-2026.xlsx\""));
	size_t len = 0;
	unsigned char *got = mime_file(raw, "filename=\"wydatki-2026.xlsx\"", &len);
	assert_int_equal(len, xlsx.n);
	assert_memory_equal(got, xlsx.p, xlsx.n);
	free(got);
	free(raw);
	/* On the tracking page, with the tracking link. */
	char path[256];
	snprintf(path, sizeof path, "/sprawa/%s", token);
	h_get(path, &r);
	expect(&r, 200, "tracking page");
	char link[256];
	snprintf(link, sizeof link, "/sprawa/%s/pismo/%d/zalacznik/%lld", token, seq, answer_att_id);
	assert_non_null(strstr(r.body, link));
	assert_non_null(strstr(r.body, ">wydatki-2026.xlsx</a>"));
	h_free(&r);
	h_get(link, &r);
	expect(&r, 200, link);
	assert_int_equal(r.len, xlsx.n);
	assert_memory_equal(r.body, xlsx.p, xlsx.n);
	assert_string_equal(h_header(&r, "Content-Type"), XLSX_MIME);
	assert_string_equal(h_header(&r, "Content-Disposition"),
	                    "attachment; filename=\"wydatki-2026.xlsx\"");
	assert_string_equal(h_header(&r, "Content-Security-Policy"), "sandbox; default-src 'none'");
	h_free(&r);
	/* Not without the link: another token, or the clerk's id under no token. */
	char other[256];
	snprintf(other, sizeof other, "/sprawa/%s/pismo/%d/zalacznik/%lld",
	         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", seq, answer_att_id);
	h_get(other, &r);
	expect(&r, 404, other);
	h_free(&r);
	/* Nor a requester's own upload through the letter's route. */
	snprintf(other, sizeof other, "/sprawa/%s/pismo/%d/zalacznik/%lld", token, seq, req_pdf);
	h_get(other, &r);
	expect(&r, 404, other);
	h_free(&r);
	/* The register never serves it. */
	snprintf(other, sizeof other, "/rejestr/%s/zalacznik/%lld", number, answer_att_id);
	h_get(other, &r);
	expect(&r, 404, other);
	h_free(&r);
}

static void test_an_issued_letters_attachments_cannot_change(void **state)
{
	(void)state;
	assert_true(answer_att_id > 0);
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE attachments SET filename = 'inna.xlsx' WHERE id = %lld",
	         answer_att_id);
	char *e = sql_error(sql);
	assert_non_null(e);
	assert_non_null(strstr(e, "issued document"));
	free(e);
	snprintf(sql, sizeof sql, "UPDATE attachments SET data = 'x'::bytea WHERE id = %lld",
	         answer_att_id);
	assert_non_null(e = sql_error(sql));
	free(e);
	snprintf(sql, sizeof sql, "DELETE FROM attachments WHERE id = %lld", answer_att_id);
	assert_non_null(e = sql_error(sql));
	free(e);
	snprintf(sql, sizeof sql,
	         "INSERT INTO attachments (org_id, request_id, document_id, filename, content_type, "
	         "size, sha256, data, source) SELECT org_id, request_id, document_id, 'dodatek.csv', "
	         "'text/csv', 1, sha256('x'), 'x', 'clerk' FROM attachments WHERE id = %lld",
	         answer_att_id);
	assert_non_null(e = sql_error(sql));
	assert_non_null(strstr(e, "is issued"));
	free(e);
	/* Nor through the page. */
	struct hresp r;
	struct buf csv = make_csv(3);
	struct part f = {"zalacznik", "dodatek.csv", "text/csv", csv.p, csv.n};
	attach(case_id, answer_seq_no, TYPED, &f, 1, &r);
	expect(&r, 409, "attaching to an issued letter");
	h_free(&r);
	free(csv.p);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d/zalaczniki/%lld/usun", case_id,
	         answer_seq_no, answer_att_id);
	u_staff_post(&clerk, path, "markdown=x", &r);
	expect(&r, 409, "taking off an issued letter's attachment");
	h_free(&r);
	assert_int_equal(sql_int("SELECT count(*) FROM attachments WHERE id = %lld AND "
	                         "filename = 'wydatki-2026.xlsx' AND size = %zu",
	                         answer_att_id, xlsx.n),
	                 1);
}

/* The erasure of the requester's data (docs/privacy.md) empties an issued
 * letter's attachment too, and keeps its SHA-256: the proof of what was
 * sent. */
static void test_erasure_empties_an_issued_letters_attachment_and_keeps_its_digest(void **state)
{
	(void)state;
	assert_true(answer_att_id > 0);
	struct u_staff iod;
	u_login("iod%40mon.example", "jawnosc-demo", &iod);
	char body[512];
	snprintf(body, sizeof body,
	         "q=jan.kowalski%%40example.org&sprawa=%lld&reason=%s&force=1", case_id,
	         "%C5%BB%C4%85danie+usuni%C4%99cia");
	struct hresp r;
	u_staff_post(&iod, "/panel/iod/usuniecie", body, &r);
	if (r.status != 200 && r.status != 303)
		fprintf(stderr, "erasure: %ld %.1500s\n", r.status,
		        r.body && strstr(r.body, "<main") ? strstr(r.body, "<main") : r.body);
	assert_true(r.status == 200 || r.status == 303);
	h_free(&r);
	unsigned char h[32];
	char hex[65];
	crypto_hash_sha256(h, xlsx.p, xlsx.n);
	sodium_bin2hex(hex, sizeof hex, h, 32);
	char *row = sql_value("SELECT filename || ' ' || size || ' ' || length(data) || ' ' || "
	                      "encode(sha256, 'hex') FROM attachments WHERE id = %lld",
	                      answer_att_id);
	char want[160];
	snprintf(want, sizeof want, "usuniety-zalacznik 0 0 %s", hex);
	assert_string_equal(row, want);
	free(row);
	/* Nothing is left to download. */
	char link[256];
	snprintf(link, sizeof link, "/sprawa/%s/pismo/%d/zalacznik/%lld", token, answer_seq_no,
	         answer_att_id);
	h_get(link, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
}

/* The requester's timeline (the tracking page and the API) shows what was
 * issued to them, not the clerk's drafting: attaching a file to the draft,
 * taking one off, adding a PDF of the clerk's own. The staff still see
 * each of these steps. What the requester sees is named in Polish
 * („wystawienie pisma”, not "issue_document"). */
static void test_the_requesters_timeline_leaves_out_the_clerks_drafting(void **state)
{
	(void)state;
	char num[64], tok[128];
	long long id = file_request(NULL, num, tok);
	int seq = answer_seq(id);
	char *page = letter_page(id, seq, 200);
	char *md = u_markdown_of(page);
	free(page);
	struct buf csv = make_csv(5);
	struct part f = {"zalacznik", "robocza.csv", "text/csv", csv.p, csv.n};
	struct hresp r;
	attach(id, seq, md, &f, 1, &r);
	expect(&r, 303, "attaching a working file");
	h_free(&r);
	long long draft_att = sql_int("SELECT a.id FROM attachments a JOIN documents d ON d.id = "
	                              "a.document_id WHERE d.request_id = %lld AND d.seq = %d",
	                              id, seq);
	char path[256];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d/zalaczniki/%lld/usun", id, seq,
	         draft_att);
	char *enc = u_filled_and_encoded(md);
	size_t n = strlen(enc) + 16;
	char *form = malloc(n);
	snprintf(form, n, "markdown=%s", enc);
	u_staff_post(&clerk, path, form, &r);
	expect(&r, 303, "taking the working file off");
	h_free(&r);
	free(form);
	free(enc);
	f.filename = "umowy.csv";
	attach(id, seq, md, &f, 1, &r);
	expect(&r, 303, "attaching the answer's file");
	h_free(&r);
	free(md);
	free(csv.p);
	struct part own = {"plik", "notatka-urzedu.pdf", "application/pdf", pdf.p, pdf.n};
	snprintf(path, sizeof path, "/panel/sprawy/%lld/zalaczniki", id);
	post_multipart(&clerk, path, &own, 1, &r);
	expect(&r, 303, "the clerk's own PDF");
	h_free(&r);
	issue(id, seq, "email");
	assert_int_equal(sql_int("SELECT count(*) FROM events WHERE request_id = %lld AND action IN "
	                         "('document_attach', 'document_detach', 'attachment_add')",
	                         id),
	                 4);

	static const char *drafting[] = {"załączenie pliku do pisma",
	                                 "usunięcie załącznika z projektu pisma",
	                                 "dodanie pliku PDF do sprawy", "document_attach",
	                                 "document_detach", "attachment_add"};
	/* The tracking page: the letter and its file, none of the drafting. */
	snprintf(path, sizeof path, "/sprawa/%s", tok);
	h_get(path, &r);
	expect(&r, 200, "tracking page");
	assert_non_null(strstr(r.body, ">umowy.csv</a>"));
	assert_null(strstr(r.body, "robocza.csv"));
	assert_null(strstr(r.body, "notatka-urzedu.pdf"));
	assert_non_null(strstr(r.body, " — wystawienie pisma"));
	assert_null(strstr(r.body, " — issue_document"));
	for (size_t i = 0; i < sizeof drafting / sizeof *drafting; i++) {
		if (strstr(r.body, drafting[i]))
			fprintf(stderr, "the requester's timeline shows \"%s\"\n", drafting[i]);
		assert_null(strstr(r.body, drafting[i]));
	}
	h_free(&r);
	/* The API's view of the same case. */
	snprintf(path, sizeof path, "/api/v1/requests/%s", tok);
	h_get(path, &r);
	expect(&r, 200, "the API's case");
	json_t *view = u_json(&r);
	h_free(&r);
	json_t *events = json_object_get(view, "events"), *e;
	size_t i;
	assert_true(json_array_size(events) > 0);
	bool issued = false;
	json_array_foreach(events, i, e)
	{
		const char *action = json_string_value(json_object_get(e, "action"));
		const char *label = json_string_value(json_object_get(e, "label"));
		for (size_t k = 0; k < sizeof drafting / sizeof *drafting; k++)
			assert_string_not_equal(action, drafting[k]);
		/* Every step it sees is named in Polish, not by its id. */
		if (!strcmp(action, label))
			fprintf(stderr, "the requester's timeline names \"%s\" by its id\n", action);
		assert_string_not_equal(action, label);
		issued = issued || !strcmp(label, "wystawienie pisma");
	}
	assert_true(issued);
	json_decref(view);
	/* The staff see every step. */
	snprintf(path, sizeof path, "/panel/sprawy/%lld", id);
	u_staff_get(&clerk, path, &r);
	expect(&r, 200, "the case in the panel");
	for (size_t k = 0; k < 3; k++)
		assert_non_null(strstr(r.body, drafting[k]));
	h_free(&r);
}

static void test_an_answer_by_edoreczenia_carries_its_attachment(void **state)
{
	(void)state;
	if (!have_yaml)
		skip();
	char num[64];
	long long id = file_request(",\"ade_address\":\"" THEIR_ADE "\"", num, NULL);
	int seq = answer_seq(id);
	char *page = letter_page(id, seq, 200);
	char *md = u_markdown_of(page);
	free(page);
	struct buf csv = make_csv(10);
	struct part f = {"zalacznik", "umowy.csv", "text/csv", csv.p, csv.n};
	struct hresp r;
	attach(id, seq, md, &f, 1, &r);
	expect(&r, 303, "attaching the CSV");
	h_free(&r);
	free(md);
	issue(id, seq, "edoreczenia");
	json_t *found = NULL;
	for (double end = now_s() + 20; now_s() < end && !found; usleep(200000)) {
		h_request_port(ctl_port, "GET", "/messages", NULL, NULL, 0, &r);
		assert_int_equal(r.status, 200);
		json_t *all = u_json(&r);
		h_free(&r);
		size_t i;
		json_t *m;
		json_array_foreach(all, i, m)
		{
			const char *s = json_string_value(json_object_get(m, "subject"));
			if (s && strstr(s, num))
				found = json_incref(m);
		}
		json_decref(all);
	}
	if (!found)
		fprintf(stderr, "dispatch: %s\n",
		        sql_value("SELECT state || ' ' || last_error FROM dispatches WHERE request_id = "
		                  "%lld",
		                  id));
	assert_non_null(found);
	json_t *files = json_object_get(found, "attachmentFiles");
	assert_int_equal(json_array_size(files), 2);
	json_t *second = json_array_get(files, 1);
	assert_string_equal(json_string_value(json_object_get(second, "filename")), "umowy.csv");
	assert_string_equal(json_string_value(json_object_get(second, "contentType")), "text/csv");
	assert_int_equal(json_integer_value(json_object_get(second, "size")), (json_int_t)csv.n);
	json_decref(found);
	free(csv.p);
	/* The stand-in checked every size and SHA3-256 hash against the bytes. */
	size_t vlen = 0;
	char *v = read_whole(LOGS "/violations.log", &vlen);
	if (vlen)
		fprintf(stderr, "violations: %s\n", v);
	assert_int_equal(vlen, 0);
	free(v);
}

int main(void)
{
	h_setup_db("attachments_out");
	u_seed_demo();
	db_set_url(getenv("DATABASE_URL"));
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_clerk_downloads_a_requesters_attachment_safely),
	    cmocka_unit_test(test_another_organisation_or_unit_gets_404),
	    cmocka_unit_test(test_pdf_png_and_jpeg_are_previewed_as_png_images),
	    cmocka_unit_test(test_bad_or_too_large_files_are_refused_with_the_letter_kept),
	    cmocka_unit_test(test_a_spreadsheet_goes_with_the_answer_by_mail_and_on_the_tracking_page),
	    cmocka_unit_test(test_an_issued_letters_attachments_cannot_change),
	    cmocka_unit_test(test_erasure_empties_an_issued_letters_attachment_and_keeps_its_digest),
	    cmocka_unit_test(test_the_requesters_timeline_leaves_out_the_clerks_drafting),
	    cmocka_unit_test(test_an_answer_by_edoreczenia_carries_its_attachment),
	};
	int failed = cmocka_run_group_tests_name("attachments_out", tests, setup, teardown);
	h_teardown();
	return failed;
}
