/* SPDX-License-Identifier: EUPL-1.2 */
/* The privacy crawl (issue 17, "Done when"; docs/privacy.md, "The privacy
 * crawl"): cases whose requesters have distinctive names, e-mails, phones
 * and addresses, and whose letters also name a third person by PESEL and
 * phone, are refused with a decision that names them all, the decision is
 * issued and published in the register with its public copy (one case in
 * two versions). Then the whole public side is crawled as anyone would:
 * the register and every page of it, each item and each version, the Atom
 * feed, the CSV and JSON exports, the sitemap index and its parts, the
 * statistics, the procedure page, and every address any of them points
 * to, documents included: a PDF is read as text with pdftotext and its raw
 * bytes are searched too. None of the distinctive data may appear, in any
 * case form of the names, ignoring case and diacritics, with the phone's
 * digits however separated. Each case also publishes a PDF attachment a
 * clerk added that names the requester (every one of her data) and a
 * witness by PESEL, as its public copy made on the redaction page with the
 * suggested terms as they are: crawled the same way, by the links that
 * point to it. Every HTML page of the crawl also links the accessibility
 * declaration in its footer, and the declaration is reached by that link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <cmocka.h>

#include "integration/cases_util.h"

#define NOW "2026-11-06T09:00:00Z"

/* The requesters, and what else their letters say. */
static const struct person {
	const char *name, *email, *phone, *address;
	/* How the clerk's reasons name them: another case of the name. */
	const char *declined;
} people[] = {
    {"Zenobia Pióro-Kwiatkowska", "zenobia.pioro@skrytka.example", "+48 602 318 947",
     "ul. Szczygłowicka 17/3, 31-455 Kraków", "Pani Zenobii Pióro-Kwiatkowskiej"},
    {"Bożysław Chrząszczewski", "b.chrzaszczewski@poczta.example", "513 772 901",
     "os. Kalafiorowe 8 m. 12, 61-245 Poznań", "Pana Bożysława Chrząszczewskiego"},
    {"Eulalia Ćwierćwiejska", "eulalia.cw@skrzynka.example", "(22) 617 45 83",
     "al. Pstrągowa 204, 02-520 Warszawa", "Pani Eulalii Ćwierćwiejskiej"},
};
#define NPEOPLE (sizeof people / sizeof people[0])

/* What must never be public, folded (lower case, no diacritics, one blank
 * between words): stems of every name (so every case form), e-mails and
 * their local parts, streets, postcodes. Digits (phones, PESEL) are
 * looked for in the text's digits alone. */
static const char *const folded_never[] = {
    "zenobi", "pioro", "kwiatkowsk", "zenobia.pioro", "skrytka.example", "szczyglowick",
    "31-455", "bozysl", "chrzaszczewsk", "b.chrzaszczewski", "poczta.example", "kalafiorow",
    "61-245", "eulali", "cwiercwiejsk", "eulalia.cw", "skrzynka.example", "pstragow", "02-520",
    "sasiad.prywatny"};
static const char *const digits_never[] = {"602318947", "513772901", "226174583", "44051401359",
                                           "72031508477", "605914227"};

static struct u_staff clerk;
static char numbers[NPEOPLE][64];

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" NOW, "JAWNOSC_FILING_RATE=100000",
	                            "JAWNOSC_SEARCH_RATE=100000", NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	return 0;
}

/* ---- Folding ------------------------------------------------------------------ */

/* `s` (`n` bytes) in lower case without Polish diacritics, blanks made one
 * space (malloc'd); NUL bytes are blanks. */
static char *fold(const char *s, size_t n)
{
	static const struct {
		const char *from;
		char to;
	} pl[] = {{"ą", 'a'}, {"ć", 'c'}, {"ę", 'e'}, {"ł", 'l'}, {"ń", 'n'}, {"ó", 'o'},
	          {"ś", 's'}, {"ź", 'z'}, {"ż", 'z'}, {"Ą", 'a'}, {"Ć", 'c'}, {"Ę", 'e'},
	          {"Ł", 'l'}, {"Ń", 'n'}, {"Ó", 'o'}, {"Ś", 's'}, {"Ź", 'z'}, {"Ż", 'z'}};
	char *out = malloc(n + 1), *o = out;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k;
		for (k = 0; c >= 0x80 && k < sizeof pl / sizeof pl[0]; k++)
			if (i + 1 < n && !memcmp(s + i, pl[k].from, 2))
				break;
		if (c >= 0x80 && k < sizeof pl / sizeof pl[0]) {
			*o++ = pl[k].to;
			i += 2;
			continue;
		}
		bool blank = c == 0 || c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
		if (blank && o > out && o[-1] == ' ') {
			i++;
			continue;
		}
		*o++ = blank ? ' ' : (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		i++;
	}
	*o = '\0';
	return out;
}

static char *digits_of(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			*o++ = s[i];
	*o = '\0';
	return out;
}

/* The distinctive data in `n` bytes of `what`: the first found, or NULL. */
static const char *leak_in(const char *s, size_t n)
{
	char *f = fold(s, n), *d = digits_of(s, n);
	const char *found = NULL;
	for (size_t i = 0; !found && i < sizeof folded_never / sizeof folded_never[0]; i++)
		if (strstr(f, folded_never[i]))
			found = folded_never[i];
	for (size_t i = 0; !found && i < sizeof digits_never / sizeof digits_never[0]; i++)
		if (strstr(d, digits_never[i]))
			found = digits_never[i];
	free(f);
	free(d);
	return found;
}

/* ---- Seeding ------------------------------------------------------------------ */

/* Files the request of people[k % NPEOPLE] into `number` and refuses it
 * with reasons that name the requester and a third person; its id. */
static long long file_refuse(size_t k, char number[64])
{
	const struct person *p = &people[k % NPEOPLE];
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"kind\":\"public_information\",\"subject\":\"Opinie dendrologiczne nr %zu\","
	         "\"content\":\"Proszę o opinie.\",\"delivery\":\"post\",\"requester\":{\"name\":"
	         "\"%s\",\"email\":\"%s\",\"phone\":\"%s\",\"postal_address\":\"%s\"}}",
	         k + 1, p->name, p->email, p->phone, p->address);
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	const char *cn = u_str(j, "case_number");
	assert_non_null(cn);
	snprintf(number, 64, "%s", cn ? cn : "");
	json_decref(j);
	h_free(&r);
	long long id = u_request_id(number);
	char text[1024];
	snprintf(text, sizeof text,
	         "Wniosek %s (%s, tel. %s, zam. %s) dotyczy opinii o drzewach. Opinię sporządził "
	         "sąsiad wnioskodawcy, PESEL 72031508477, tel. 605 914 227, e-mail "
	         "sasiad.prywatny@poczta.example; jego dane chroni art. 5 ust. 2 ustawy. Dowód "
	         "osobisty biegłego wskazano w aktach. Świadek: PESEL 44051401359.",
	         p->declined, p->email, p->phone, p->address);
	char *et = u_enc(text);
	size_t n = strlen(et) + 256;
	char *fields = malloc(n);
	snprintf(fields, n,
	         "action=refuse&version=1&legal_basis=privacy&text=%s&persons=Jan+Nowak%%2C+"
	         "inspektor",
	         et);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	u_staff_post(&clerk, path, fields, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(fields);
	free(et);
	return id;
}

/* The case's refusal issued; its document number. */
static int issue(long long id)
{
	char path[128];
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision'",
	         id);
	int seq = (int)u_count(sql);
	assert_true(seq >= 1);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d", id, seq);
	u_issue_letter(&clerk, path);
	/* The issued letter names them; its public copy exists. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM document_public_copies c JOIN documents d ON d.id = "
	         "c.document_id WHERE d.request_id = %lld AND d.seq = %d",
	         id, seq);
	assert_int_equal(u_count(sql), 1);
	return seq;
}

/* Publishes through the clerk's page (preview, then publish) with the
 * document `seq` (0: none), the public copy `copy` of an attachment (0:
 * none) and `subject`. */
static void publish(const char *number, int seq, long long copy, const char *subject)
{
	long long id = u_request_id(number);
	char path[96];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	const char *answer = "Odmówiono udostępnienia opinii ze względu na prywatność osób "
	                     "fizycznych (decyzja w załączeniu).";
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *page = strdup(r.body);
	h_free(&r);
	for (int round = 0; round < 2; round++) {
		char extra[64] = "";
		size_t k = 0;
		if (seq)
			k += (size_t)snprintf(extra, sizeof extra, "&doc=%d", seq);
		if (copy)
			snprintf(extra + k, sizeof extra - k, "&att=%lld", copy);
		const char *action = round ? "publish" : "preview";
		char *fields = u_publication_fields(page, action, subject, answer, extra);
		u_staff_post(&clerk, path, fields, &r);
		free(fields);
		long want = round ? 303 : 200;
		if (r.status != want)
			fprintf(stderr, "%s: %ld %.800s\n", round ? "publish" : "preview", r.status,
			        r.body ? strstr(r.body, "<main") : "");
		assert_int_equal(r.status, want);
		free(page);
		page = strdup(r.body ? r.body : "");
		h_free(&r);
	}
	free(page);
}

/* ---- An attachment that names them -------------------------------------------- */

struct pdfbuf {
	unsigned char *p;
	size_t n, cap;
};

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdfbuf *b = closure;
	if (b->n + len > b->cap)
		b->p = realloc(b->p, b->cap = (b->n + len) * 2);
	memcpy(b->p + b->n, data, len);
	b->n += len;
	return CAIRO_STATUS_SUCCESS;
}

/* A letter from people[k] with all her data and a witness's PESEL on page
 * 1, and on page 2 the case number (public: the crawl knows by it that it
 * read this PDF), added by the clerk; its public copy made with the
 * redaction page's suggestions. Returns the copy's id. */
static long long attach_and_redact(size_t k, const char *number)
{
	const struct person *p = &people[k];
	const char *lines[] = {"Pismo wnioskodawcy", p->name, p->address, p->phone, p->email,
	                       p->declined, "Świadek: PESEL 44051401359",
	                       "Treść: prośba o opinie dendrologiczne."};
	struct pdfbuf b = {0};
	cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(pdf_write, &b, 595, 842);
	cairo_t *cr = cairo_create(sf);
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 12);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		cairo_move_to(cr, 72, 100 + 24 * (double)i);
		cairo_show_text(cr, lines[i]);
	}
	/* Page 2 has nothing to hide: it keeps its text, the case number. */
	cairo_show_page(cr);
	cairo_move_to(cr, 72, 100);
	cairo_show_text(cr, "Załącznik do sprawy");
	cairo_move_to(cr, 72, 124);
	cairo_show_text(cr, number);
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	cairo_surface_destroy(sf);
	long long id = u_request_id(number);
	struct hresp r;
	u_upload(&clerk, id, "pismo.pdf", b.p, b.n, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(b.p);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT max(id) FROM attachments WHERE request_id = %lld", id);
	return u_public_copy(&clerk, id, u_count(sql));
}

/* ---- Crawling ------------------------------------------------------------------ */

struct crawl {
	char **paths;
	size_t n, cap;
};

static bool crawl_has(const struct crawl *cr, const char *p)
{
	for (size_t i = 0; i < cr->n; i++)
		if (!strcmp(cr->paths[i], p))
			return true;
	return false;
}

/* A path of the public side (not the panel, the tracking pages, the filing
 * form, the API or static files), once. */
static void crawl_add(struct crawl *cr, const char *p, size_t len)
{
	char *raw = strndup(p, len), *u = u_unescape(raw);
	free(raw);
	bool skip = u[0] != '/' || u[1] == '/' || !strncmp(u, "/panel", 6) ||
	            !strncmp(u, "/static/", 8) || !strncmp(u, "/api/", 5) ||
	            !strncmp(u, "/sprawa/", 8) || !strncmp(u, "/wniosek", 8) || crawl_has(cr, u);
	if (skip) {
		free(u);
		return;
	}
	if (cr->n == cr->cap)
		cr->paths = realloc(cr->paths, (cr->cap = cr->cap ? cr->cap * 2 : 64) * sizeof *cr->paths);
	cr->paths[cr->n++] = u;
}

/* Every address in a page, a feed, an export or a sitemap: after `="`,
 * `"`, `>`, `,` or the server's own base URL, up to a delimiter. */
static void crawl_links(struct crawl *cr, const char *body, size_t len, const char *base)
{
	size_t bl = strlen(base);
	for (size_t i = 0; i + 1 < len; i++) {
		size_t start;
		if (i + bl < len && !memcmp(body + i, base, bl) && body[i + bl] == '/')
			start = i + bl;
		else if ((body[i] == '"' || body[i] == '>' || body[i] == ',' || body[i] == '\'') &&
		         body[i + 1] == '/')
			start = i + 1;
		else
			continue;
		size_t end = start;
		while (end < len && !strchr("\"'<> \n\r\t,", body[end]) && body[end])
			end++;
		crawl_add(cr, body + start, end - start);
		i = end - 1;
	}
}

/* The text of a PDF as pdftotext reads it (malloc'd). */
static char *pdf_text(const char *pdf, size_t len)
{
	char path[] = "/tmp/test_privacy_crawl_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pdf, len), (ssize_t)len);
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t cap = 1 << 16, n = 0;
	char *out = malloc(cap);
	int c;
	while ((c = fgetc(f)) != EOF) {
		if (n + 2 > cap)
			out = realloc(out, cap *= 2);
		out[n++] = (char)c;
	}
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	unlink(path);
	return out;
}

struct crawl_result {
	size_t fetched, pdfs;
	bool next_page; /* a second page of the register was read */
	bool saw[NPEOPLE];     /* the case number on some page */
	bool saw_pdf[NPEOPLE]; /* a document of the case read */
	bool saw_att[NPEOPLE]; /* the public copy of its attachment read */
	size_t html;           /* HTML pages read: each links the accessibility declaration */
	bool declaration;      /* the declaration read, reached by that link */
};

/* Every public page's footer links the accessibility declaration (the
 * digital accessibility act: a link on every page, e.g. in the footer). */
static bool footer_links_declaration(const char *body, size_t len)
{
	static const char footer[] = "<footer class=\"site-footer\">",
	                  link[] = "<a href=\"/deklaracja-dostepnosci\">Deklaracja dostępności</a>";
	const char *f = memmem(body, len, footer, strlen(footer));
	return f && memmem(f, len - (size_t)(f - body), link, strlen(link));
}

static void crawl_all(struct crawl_result *res)
{
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%u", h_port());
	struct crawl cr = {0};
	static const char *const start[] = {"/",           "/rejestr",           "/rejestr.atom",
	                                    "/rejestr.csv", "/rejestr.json",      "/sitemap.xml",
	                                    "/rejestr/statystyki", "/jak-uzyskac-informacje"};
	for (size_t i = 0; i < sizeof start / sizeof start[0]; i++)
		crawl_add(&cr, start[i], strlen(start[i]));
	/* Every version of every item, listed or not. */
	PGconn *db = h_db();
	PGresult *q = PQexec(db, "SELECT '/rejestr/' || p.case_number || '/wersja/' || v.version "
	                         "FROM publication_versions v JOIN publications p ON p.id = "
	                         "v.publication_id");
	for (int i = 0; i < PQntuples(q); i++)
		crawl_add(&cr, PQgetvalue(q, i, 0), strlen(PQgetvalue(q, i, 0)));
	PQclear(q);
	PQfinish(db);
	memset(res, 0, sizeof *res);
	for (size_t i = 0; i < cr.n && res->fetched < 5000; i++) {
		struct hresp r;
		h_get(cr.paths[i], &r);
		res->fetched++;
		if (getenv("CRAWL_DEBUG"))
			fprintf(stderr, "  %ld %s\n", r.status, cr.paths[i]);
		if (r.status == 200 && !strncmp(cr.paths[i], "/rejestr?", 9) &&
		    strstr(cr.paths[i], "po_id="))
			res->next_page = true;
		if (r.status != 200) {
			h_free(&r);
			continue;
		}
		const char *type = h_header(&r, "Content-Type");
		bool pdf = type && !strncmp(type, "application/pdf", 15);
		if (type && !strncmp(type, "text/html", 9)) {
			res->html++;
			if (!footer_links_declaration(r.body, r.len))
				fail_msg("%s has no link to the accessibility declaration in its footer",
				         cr.paths[i]);
			if (!strcmp(cr.paths[i], "/deklaracja-dostepnosci"))
				res->declaration = true;
		}
		/* The raw bytes first (a PDF's too), then a PDF's text. */
		const char *leak = leak_in(r.body, r.len);
		if (leak)
			fail_msg("%s shows \"%s\"", cr.paths[i], leak);
		for (size_t k = 0; k < NPEOPLE; k++)
			if (memmem(r.body, r.len, numbers[k], strlen(numbers[k])))
				res->saw[k] = true;
		if (pdf) {
			res->pdfs++;
			char *text = pdf_text(r.body, r.len);
			if ((leak = leak_in(text, strlen(text))))
				fail_msg("the text of %s shows \"%s\": %s", cr.paths[i], leak, text);
			bool att = strstr(cr.paths[i], "/zalacznik/") != NULL;
			for (size_t k = 0; k < NPEOPLE; k++)
				if (strstr(text, numbers[k]))
					*(att ? &res->saw_att[k] : &res->saw_pdf[k]) = true;
			free(text);
		} else {
			crawl_links(&cr, r.body, r.len, base);
		}
		h_free(&r);
	}
	for (size_t i = 0; i < cr.n; i++)
		free(cr.paths[i]);
	free(cr.paths);
}

/* ---- Tests ---------------------------------------------------------------------- */

static void test_cases_are_published_with_their_letters(void **state)
{
	for (size_t k = 0; k < NPEOPLE; k++) {
		int seq = issue(file_refuse(k, numbers[k]));
		long long copy = attach_and_redact(k, numbers[k]);
		publish(numbers[k], seq, copy, "Opinie dendrologiczne");
		if (k == 0) /* a second version */
			publish(numbers[k], seq, copy, "Opinie dendrologiczne dotyczące drzew w parku");
	}
	/* More of them, without their letters, so that the register has more
	 * than one page (REGISTER_PAGE rows each). */
	for (size_t k = 0; k < 40; k++) {
		char number[64];
		file_refuse(k, number);
		publish(number, 0, 0, "Opinie dendrologiczne (kolejne)");
	}
	assert_true(u_count("SELECT count(*) FROM publications") > 50);
}

/* A letter's public copy says who made it and what it lost (counts, not
 * text), and the publication page shows it page by page as images only
 * the case's staff can fetch. */
static void test_letter_copies_record_who_and_what_and_show_page_by_page(void **state)
{
	long long id = u_request_id(numbers[0]);
	static const char *const checks[] = {
	    "u.email = 'urzednik@mon.example'",
	    "(c.removed->>'addressee')::boolean",
	    "c.removed ? 'requester_data'",
	    "(c.removed->>'third_party_data')::int >= 1",
	    "c.pages >= 1",
	    "c.removed::text NOT ILIKE '%zenobi%'",
	};
	char sql[512];
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM document_public_copies c JOIN documents d ON d.id = "
		         "c.document_id LEFT JOIN users u ON u.id = c.made_by WHERE d.request_id = %lld "
		         "AND %s",
		         id, checks[i]);
		if (u_count(sql) != 1)
			fail_msg("the letter's public copy fails: %s", checks[i]);
	}
	snprintf(sql, sizeof sql,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision'",
	         id);
	int seq = (int)u_count(sql);
	char path[128], img[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", id);
	snprintf(img, sizeof img, "/panel/sprawy/%lld/pisma/%d/kopia/strony/1", id, seq);
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Pisma: kopie publiczne strona po stronie"));
	assert_non_null(strstr(r.body, img));
	h_free(&r);
	u_staff_get(&clerk, img, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.len > 8 && memcmp(r.body, "\x89PNG", 4) == 0);
	h_free(&r);
	/* No such page; and nobody outside the panel. */
	snprintf(img, sizeof img, "/panel/sprawy/%lld/pisma/%d/kopia/strony/99", id, seq);
	u_staff_get(&clerk, img, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	snprintf(img, sizeof img, "/panel/sprawy/%lld/pisma/%d/kopia/strony/1", id, seq);
	h_get(img, &r);
	assert_true(r.status == 303 || r.status == 401);
	h_free(&r);
}

static void test_crawl_of_the_public_side_finds_none_of_their_data(void **state)
{
	struct crawl_result res;
	crawl_all(&res);
	fprintf(stderr,
	        "privacy crawl: %zu public addresses fetched, %zu documents read, none shows "
	        "the requesters or the third persons\n",
	        res.fetched, res.pdfs);
	assert_true(res.fetched >= 30);
	assert_true(res.pdfs >= 2 * NPEOPLE);
	assert_true(res.next_page);
	fprintf(stderr, "privacy crawl: %zu HTML pages, each links the accessibility declaration\n",
	        res.html);
	assert_true(res.html >= 20);
	assert_true(res.declaration);
	for (size_t k = 0; k < NPEOPLE; k++) {
		if (!res.saw[k] || !res.saw_pdf[k] || !res.saw_att[k])
			fail_msg("the crawl did not reach case %s (page %d, document %d, attachment %d)",
			         numbers[k], res.saw[k], res.saw_pdf[k], res.saw_att[k]);
	}
}

/* The crawl is not blind: the folding finds every case form ignoring
 * diacritics, and digits however separated. */
static void test_the_crawls_matcher_finds_forms_and_separated_digits(void **state)
{
	static const char *const leaks[] = {"ZENOBII", "Pióro-Kwiatkowskiej",
	                                    "chrząszczewskiemu", "Ćwierćwiejską",
	                                    "tel. 602-318-947", "(22) 617 45 83",
	                                    "ul. Szczygłowickiej", "ZENOBIA.PIORO@SKRYTKA.EXAMPLE",
	                                    "7203 1508 477"};
	for (size_t i = 0; i < sizeof leaks / sizeof leaks[0]; i++)
		if (!leak_in(leaks[i], strlen(leaks[i])))
			fail_msg("the matcher misses \"%s\"", leaks[i]);
	const char *clean = "Odmówiono udostępnienia opinii, sprawa COMON.1431.3.2026 z 6.11.2026.";
	assert_null(leak_in(clean, strlen(clean)));
}

int main(void)
{
	h_setup_db("privacy_crawl");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_crawls_matcher_finds_forms_and_separated_digits),
	    cmocka_unit_test(test_cases_are_published_with_their_letters),
	    cmocka_unit_test(test_letter_copies_record_who_and_what_and_show_page_by_page),
	    cmocka_unit_test(test_crawl_of_the_public_side_finds_none_of_their_data),
	};
	int failed = cmocka_run_group_tests_name("privacy_crawl", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
