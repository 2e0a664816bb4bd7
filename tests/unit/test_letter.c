/* SPDX-License-Identifier: EUPL-1.2 */
/* Letters: every template renders for the sample case of each kind and
 * remedy policy; variables are escaped for Markdown (hostile values print
 * literally in HTML and PDF); missing variables and template errors are
 * reported with file and line; Polish dates; the HTML frame and the PDF. */
/* cmocka.h needs these headers first, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <cmark.h>
#include <dlfcn.h>
#include <fontconfig/fontconfig.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "law/lifecycle.h"
#include "render/letter.h"
#include "render/letter_public.h"

#define TEMPLATES "templates/letters"

static const char *const kinds[] = {"public_information", "reuse"};
static const char *const remedies[] = {"appeal", "reconsideration", "court_complaint"};

static const char HOSTILE[] = "**<script>alert(1)</script>** [x](javascript:alert(1)) # h";

/* ---- helpers --------------------------------------------------------- */

static letter_set_t *load_templates(void)
{
	char err[512] = "";
	letter_set_t *s = NULL;
	bool ok = letter_load(&s, TEMPLATES, err, sizeof err);
	if (!ok)
		print_error("letter_load: %s\n", err);
	assert_true(ok);
	return s;
}

static int setup(void **state)
{
	*state = load_templates();
	return 0;
}

static int teardown(void **state)
{
	letter_free(*state);
	return 0;
}

/* Sets a string at a dotted path of existing objects. */
static void set_str(json_t *vars, const char *path, const char *value)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *obj = vars;
	char *dot, *p = buf;
	while ((dot = strchr(p, '.'))) {
		*dot = '\0';
		obj = json_object_get(obj, p);
		assert_non_null(obj);
		p = dot + 1;
	}
	json_object_set_new(obj, p, json_string(value));
}

static void del(json_t *vars, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	char *dot = strchr(buf, '.');
	if (dot) {
		*dot = '\0';
		json_object_del(json_object_get(vars, buf), dot + 1);
	} else {
		json_object_del(vars, buf);
	}
}

/* Markdown of `type` for `vars`; asserts success. Caller frees. */
static char *markdown(const letter_set_t *s, const char *type, json_t *vars)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[512] = "";
	bool ok = letter_markdown(s, type, vars, &sb, err, sizeof err);
	if (!ok)
		print_error("%s: %s\n", type, err);
	assert_true(ok);
	return sb.data ? sb.data : strdup("");
}

static char *html(const char *md, json_t *vars)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[512] = "";
	bool ok = letter_html(md, vars, &sb, err, sizeof err);
	if (!ok)
		print_error("letter_html: %s\n", err);
	assert_true(ok);
	return sb.data;
}

static strbuf_t pdf(const char *md, json_t *vars)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[512] = "";
	bool ok = letter_pdf(md, vars, &sb, err, sizeof err);
	if (!ok)
		print_error("letter_pdf: %s\n", err);
	assert_true(ok);
	assert_true(sb.len > 1000);
	assert_memory_equal(sb.data, "%PDF-", 5);
	return sb;
}

/* The text of a PDF as pdftotext sees it, with every run of whitespace
 * made one space (so line breaks do not matter). Caller frees. */
static char *pdf_text(const strbuf_t *p)
{
	char path[] = "/tmp/test_letter_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p->data, p->len), (ssize_t)p->len);
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	strbuf_t out;
	sb_init(&out, NULL);
	int c, last = ' ';
	while ((c = fgetc(f)) != EOF) {
		bool space = c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
		if (space && last == ' ')
			continue;
		sb_putc(&out, space ? ' ' : (char)c);
		last = space ? ' ' : c;
	}
	assert_int_equal(pclose(f), 0);
	unlink(path);
	return out.data ? out.data : strdup("");
}

/* Line of the first occurrence of `needle` in templates/letters/`file`. */
static int template_line(const char *file, const char *needle)
{
	char path[256];
	snprintf(path, sizeof path, TEMPLATES "/%s", file);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[4096];
	int n = 0, found = 0;
	while (!found && fgets(line, sizeof line, f)) {
		n++;
		if (strstr(line, needle))
			found = n;
	}
	fclose(f);
	return found;
}

/* ---- types ----------------------------------------------------------- */

static void test_every_lifecycle_document_has_a_letter_type_and_template(void **state)
{
	for (int d = 0; d < LAW_DOC_COUNT; d++) {
		const char *id = law_documents[d].id;
		if (!id)
			continue;
		const letter_type_t *t = letter_type(id);
		if (!t)
			print_error("no letter type for document %s\n", id);
		assert_non_null(t);
		assert_true(letter_has(*state, id));
		assert_int_equal(t->decision, law_documents[d].decision);
	}
	assert_non_null(letter_title("acknowledgement"));
	assert_string_equal(letter_title("extension_notice"),
			    "Zawiadomienie o przedłużeniu terminu");
	assert_null(letter_title("no_such_letter"));
	assert_false(letter_has(*state, "no_such_letter"));
}

/* ---- every template, every kind, every remedy ------------------------- */

static void test_every_type_renders_for_both_kinds_and_remedies(void **state)
{
	for (size_t t = 0; t < letter_type_count; t++) {
		const char *type = letter_types[t].id;
		for (int k = 0; k < 2; k++) {
			for (int r = 0; r < 3; r++) {
				json_t *vars = letter_sample_vars_for(type, kinds[k], remedies[r]);
				assert_non_null(vars);
				const char *number = json_string_value(
				    json_object_get(json_object_get(vars, "case"), "number"));
				char *md = markdown(*state, type, vars);
				assert_null(strstr(md, "{{"));
				char *h = html(md, vars);
				assert_null(strstr(h, "{{"));
				assert_non_null(strstr(h, number));
				assert_non_null(strstr(h, "<p class=\"letter-date\">Warszawa, "));
				/* UDIP art. 17 ust. 1: no KPA remedy, the court's instead. */
				if (r == 2 && letter_types[t].decision && strcmp(type, "reconsideration_decision")) {
					assert_non_null(strstr(h, "art. 17 ust. 1"));
					assert_null(strstr(h, "przysługuje odwołanie do"));
				}
				free(h);
				free(md);
				json_decref(vars);
			}
		}
	}
}

static void test_every_type_renders_to_pdf_with_case_number_and_diacritics(void **state)
{
	static const char *const letters[] = {"ą", "ć", "ę", "ł", "ń", "ó", "ś", "ź", "ż"};
	for (size_t t = 0; t < letter_type_count; t++) {
		const char *type = letter_types[t].id;
		for (int k = 0; k < 2; k++) {
			json_t *vars = letter_sample_vars_for(type, kinds[k], NULL);
			const char *number = json_string_value(
			    json_object_get(json_object_get(vars, "case"), "number"));
			char *md = markdown(*state, type, vars);
			strbuf_t p = pdf(md, vars);
			assert_non_null(memmem(p.data, p.len, "%%EOF", 5));
			char *text = pdf_text(&p);
			if (!strstr(text, number))
				print_error("%s/%s: no case number in %s\n", type, kinds[k], text);
			assert_non_null(strstr(text, number));
			for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
				assert_non_null(strstr(text, letters[i]));
			assert_non_null(strstr(text, "Strona 1 z"));
			free(text);
			sb_free(&p);
			free(md);
			json_decref(vars);
		}
	}
}

/* Issue 20 item 4: the remedy bodies in the genitive, the subject as a
 * quoted title, the signature before the closing part; the old phrases gone
 * from every letter of every kind and remedy. */
static void test_old_wrong_phrases_are_gone_from_every_letter(void **state)
{
	static const char *const gone[] = {
	    "do sądu administracyjnego –", "do organu odwoławczego –", "w sprawie: ",
	    "zgodnie z ustawy", "Brak zawiadomienia o przyjęciu oferty",
	    "w sprawie wniosku o udostępnienie", "w sprawie wniosku o ponowne"};
	for (size_t t = 0; t < letter_type_count; t++) {
		for (int k = 0; k < 2; k++) {
			for (int r = 0; r < 2; r++) {
				const char *type = letter_types[t].id;
				json_t *vars = letter_sample_vars_for(type, kinds[k], remedies[r]);
				char *md = markdown(*state, type, vars);
				char *h = html(md, vars);
				for (size_t g = 0; g < sizeof gone / sizeof gone[0]; g++) {
					if (strstr(h, gone[g]))
						print_error("%s/%s/%s: \"%s\"\n", type, kinds[k],
							    remedies[r], gone[g]);
					assert_null(strstr(h, gone[g]));
				}
				assert_null(strstr(md, "{{"));
				/* The signature stands before „Otrzymują” and the
				 * enclosures. */
				const char *sign = strstr(h, "class=\"letter-sign\"");
				const char *to = strstr(h, "Otrzymują:");
				const char *enc = strstr(h, "Załączniki:");
				assert_non_null(sign);
				assert_true(!to || to > sign);
				assert_true(!enc || enc > sign);
				if (letter_types[t].decision && strstr(md, "{{") == NULL) {
					bool appeal = r == 0 && strstr(h, "przysługuje odwołanie");
					if (appeal)
						assert_non_null(strstr(
						    h, "odwołanie do Samorządowego Kolegium "
						       "Odwoławczego w Warszawie, wnoszone"));
				}
				if (strstr(h, "skargę"))
					assert_null(strstr(h, "skargę do sądu administracyjnego"));
				free(h);
				free(md);
				json_decref(vars);
			}
		}
	}
	json_t *vars = letter_sample_vars(NULL, "reconsideration");
	char *md = markdown(*state, "refusal_decision", vars);
	assert_non_null(strstr(md, "skargę na decyzję do Wojewódzkiego Sądu Administracyjnego w "
				   "Warszawie za pośrednictwem"));
	assert_non_null(strstr(md, "w sprawie „umowy na dostawę łóżek polowych"));
	/* In the PDF too, the signer comes before „Otrzymują”. */
	strbuf_t p = pdf(md, vars);
	char *text = pdf_text(&p);
	const char *signer = strstr(text, "Agnieszka Glapiak");
	assert_non_null(signer);
	assert_non_null(strstr(signer, "Otrzymują"));
	free(text);
	sb_free(&p);
	free(md);
	json_decref(vars);
}

static void check_genitive(const char *nom, const char *want)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	bool ok = letter_genitive(nom, &sb);
	if (want) {
		assert_true(ok);
		assert_string_equal(sb.data, want);
	} else {
		assert_false(ok);
		assert_int_equal(sb.len, 0);
	}
	sb_free(&sb);
}

static void test_bodies_are_named_in_the_genitive(void **state)
{
	check_genitive("Wojewódzki Sąd Administracyjny w Warszawie",
		       "Wojewódzkiego Sądu Administracyjnego w Warszawie");
	check_genitive("Samorządowe Kolegium Odwoławcze w Krakowie",
		       "Samorządowego Kolegium Odwoławczego w Krakowie");
	check_genitive("Wojewoda Mazowiecki", "Wojewody Mazowieckiego");
	check_genitive("Mazowiecki Wojewódzki Inspektor Nadzoru Budowlanego",
	               "Mazowieckiego Wojewódzkiego Inspektora Nadzoru Budowlanego");
	check_genitive("Minister Cyfryzacji", "Ministra Cyfryzacji");
	check_genitive("Ministerstwo Cyfryzacji", NULL); /* not "Ministra…stwo" */
	check_genitive("Rada Gminy", NULL);
	check_genitive(NULL, NULL);
}

/* ---- missing and malformed variables ---------------------------------- */

static void test_missing_variable_is_an_error_naming_it_and_the_line(void **state)
{
	json_t *vars = letter_sample_vars("public_information", "appeal");
	del(vars, "requester.name");
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[256] = "", want[256];
	assert_false(letter_markdown(*state, "refusal_decision", vars, &sb, err, sizeof err));
	snprintf(want, sizeof want, "missing variable \"requester.name\" in refusal_decision.md:%d",
		 template_line("refusal_decision.md", "{{requester.name}}"));
	assert_string_equal(err, want);
	sb_free(&sb);
	json_decref(vars);
}

static void test_missing_variable_of_a_fragment_names_the_fragment(void **state)
{
	json_t *vars = letter_sample_vars("public_information", "appeal");
	del(vars, "org.appeal_body_gen");
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[256] = "";
	assert_false(letter_markdown(*state, "refusal_decision", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "missing variable \"org.appeal_body_gen\" in _remedy_appeal.md:"));
	sb_free(&sb);
	json_decref(vars);
}

static void test_missing_remedy_and_bad_kind_are_errors(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[256] = "";
	del(vars, "remedy");
	assert_false(letter_markdown(*state, "refusal_decision", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "missing variable \"remedy\""));
	set_str(vars, "remedy", "complaint");
	assert_false(letter_markdown(*state, "refusal_decision", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "\"appeal\", \"reconsideration\" or \"court_complaint\""));
	set_str(vars, "case.kind", "other");
	assert_false(letter_markdown(*state, "acknowledgement", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "case.kind"));
	assert_false(letter_markdown(*state, "no_such_letter", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "unknown letter type"));
	sb_free(&sb);
	json_decref(vars);
}

static void test_variable_of_wrong_type_is_an_error(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[256] = "";
	set_str(vars, "new_due", "2026-13-01");
	assert_false(letter_markdown(*state, "extension_notice", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "date YYYY-MM-DD expected for variable \"new_due\" in "
				    "extension_notice.md:"));
	json_object_set_new(vars, "attachments", json_object());
	assert_false(letter_markdown(*state, "information_release", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "\"attachments\""));
	json_object_set_new(vars, "window_days", json_string("seven"));
	assert_false(letter_markdown(*state, "clarification_call", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "\"window_days\""));
	json_object_set_new(json_object_get(vars, "case"), "subject", json_true());
	assert_false(letter_markdown(*state, "acknowledgement", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "text expected for variable \"case.subject\""));
	sb_free(&sb);
	json_decref(vars);
}

static void test_missing_frame_variable_is_an_error_naming_it(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	char *md = markdown(*state, "fee_notice", vars);
	del(vars, "signer.name");
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[256] = "";
	assert_false(letter_html(md, vars, &sb, err, sizeof err));
	assert_string_equal(err, "missing variable \"signer.name\" (letter frame)");
	assert_false(letter_pdf(md, vars, &sb, err, sizeof err));
	assert_string_equal(err, "missing variable \"signer.name\" (letter frame)");
	set_str(vars, "signer.name", "Agnieszka Glapiak");
	set_str(vars, "letter.date", "26.11.2026");
	assert_false(letter_html(md, vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "letter.date"));
	sb_free(&sb);
	free(md);
	json_decref(vars);
}

/* ---- escaping -------------------------------------------------------- */

/* The escaped value rendered by cmark is one paragraph holding exactly the
 * value's text (HTML-escaped), whatever markup it tries. */
static void check_escape_round_trip(const char *value, const char *want_html)
{
	strbuf_t md;
	sb_init(&md, NULL);
	letter_md_escape(&md, value, strlen(value), false);
	char *h = cmark_markdown_to_html(md.data ? md.data : "", md.len, CMARK_OPT_DEFAULT);
	if (strcmp(h, want_html) != 0)
		print_error("value [%s] -> md [%s] -> html [%s]\n", value, md.data, h);
	assert_string_equal(h, want_html);
	free(h);
	sb_free(&md);
}

static void test_escaped_values_never_open_markup(void **state)
{
	check_escape_round_trip("# h", "<p># h</p>\n");
	check_escape_round_trip("## h ##", "<p>## h ##</p>\n");
	check_escape_round_trip("> q", "<p>&gt; q</p>\n");
	check_escape_round_trip("- item", "<p>- item</p>\n");
	check_escape_round_trip("+ item", "<p>+ item</p>\n");
	check_escape_round_trip("* item", "<p>* item</p>\n");
	check_escape_round_trip("1. item", "<p>1. item</p>\n");
	check_escape_round_trip("2026) item", "<p>2026) item</p>\n");
	check_escape_round_trip("---", "<p>---</p>\n");
	check_escape_round_trip("***", "<p>***</p>\n");
	check_escape_round_trip("```c", "<p>```c</p>\n");
	check_escape_round_trip("~~~", "<p>~~~</p>\n");
	check_escape_round_trip("    indented code", "<p>indented code</p>\n");
	check_escape_round_trip("<div>x</div>", "<p>&lt;div&gt;x&lt;/div&gt;</p>\n");
	check_escape_round_trip("<!-- c -->", "<p>&lt;!-- c --&gt;</p>\n");
	check_escape_round_trip("<https://x.example>", "<p>&lt;https://x.example&gt;</p>\n");
	check_escape_round_trip("[a]: https://x.example", "<p>[a]: https://x.example</p>\n");
	check_escape_round_trip("![i](https://x.example/i.png)",
				"<p>![i](https://x.example/i.png)</p>\n");
	check_escape_round_trip("*a* _b_ **c** `d` ~~e~~", "<p>*a* _b_ **c** `d` ~~e~~</p>\n");
	check_escape_round_trip("&amp; &#60; &lt;", "<p>&amp;amp; &amp;#60; &amp;lt;</p>\n");
	check_escape_round_trip("a\\", "<p>a\\</p>\n");
	check_escape_round_trip("{{case.number}}", "<p>{{case.number}}</p>\n");
	check_escape_round_trip("| a | b |", "<p>| a | b |</p>\n");
	check_escape_round_trip("ul. Przykładowa 1, 00-001 Warszawa",
				"<p>ul. Przykładowa 1, 00-001 Warszawa</p>\n");
	check_escape_round_trip("zażółć gęślą jaźń – „cytat”",
				"<p>zażółć gęślą jaźń – „cytat”</p>\n");
	/* Line starts after a newline are line starts too. */
	check_escape_round_trip("a\n# h\n===\n- x", "<p>a<br />\n# h<br />\n===<br />\n- x</p>\n");
	/* Controls and bidirectional overrides are dropped, bad UTF-8 replaced. */
	check_escape_round_trip("a\x01\x7f\xe2\x80\xae"
				"b\xff",
				"<p>ab\xef\xbf\xbd</p>\n");
}

static void test_hostile_subject_prints_literally_in_html(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	set_str(vars, "case.subject", HOSTILE);
	char *md = markdown(*state, "acknowledgement", vars);
	char *h = html(md, vars);
	assert_non_null(strstr(h, "**&lt;script&gt;alert(1)&lt;/script&gt;** "
				  "[x](javascript:alert(1)) # h"));
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<a "));
	assert_null(strstr(h, "href"));
	assert_null(strstr(h, "<h1"));
	assert_null(strstr(h, "<h2"));
	assert_null(strstr(h, "<em>"));
	free(h);
	free(md);
	json_decref(vars);
}

static void test_hostile_subject_prints_literally_in_pdf(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	set_str(vars, "case.subject", HOSTILE);
	char *md = markdown(*state, "acknowledgement", vars);
	strbuf_t p = pdf(md, vars);
	char *text = pdf_text(&p);
	if (!strstr(text, HOSTILE))
		print_error("PDF text: %s\n", text);
	assert_non_null(strstr(text, HOSTILE));
	free(text);
	sb_free(&p);
	free(md);
	json_decref(vars);
}

static void test_hostile_frame_values_are_escaped(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	set_str(vars, "org.name", "<script>alert(1)</script>");
	set_str(vars, "requester.name", "\"><img src=x onerror=alert(1)>");
	set_str(vars, "signer.position", "<a href=\"javascript:alert(1)\">x</a>");
	char *h = html("tekst", vars);
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<img"));
	assert_null(strstr(h, "<a "));
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	free(h);
	json_decref(vars);
}

static void test_newlines_in_values_become_line_breaks_or_paragraphs(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	/* A text value: every line break is a hard break, blank lines go. */
	set_str(vars, "case.subject", "pierwsza linia\r\n\r\n# druga linia  \n  - trzecia");
	/* A block value: a blank line starts a paragraph. */
	set_str(vars, "reasons", "Akapit pierwszy,\nwiersz drugi.\n\n\n1. Akapit drugi.");
	char *md = markdown(*state, "extension_notice", vars);
	assert_non_null(strstr(md, "pierwsza linia\\\n\\# druga linia\\\n\\- trzecia"));
	assert_non_null(strstr(md, "Akapit pierwszy,\\\nwiersz drugi.\n\n1\\. Akapit drugi."));
	char *h = html(md, vars);
	assert_non_null(strstr(h, "pierwsza linia<br />\n# druga linia<br />\n- trzecia"));
	assert_non_null(strstr(h, "<p>Akapit pierwszy,<br />\nwiersz drugi.</p>\n"
				  "<p>1. Akapit drugi.</p>"));
	assert_null(strstr(h, "<ol"));
	free(h);
	free(md);
	json_decref(vars);
}

static void test_list_variables_accept_arrays_and_lines(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	json_t *arr = json_array();
	json_array_append_new(arr, json_string("# pierwszy"));
	json_array_append_new(arr, json_string("   "));
	json_array_append_new(arr, json_integer(2));
	json_object_set_new(vars, "attachments", arr);
	char *md = markdown(*state, "information_release", vars);
	assert_non_null(strstr(md, "\n1. \\# pierwszy\n2. 2\n"));
	free(md);
	set_str(vars, "attachments", "jeden\n\ndwa");
	md = markdown(*state, "information_release", vars);
	assert_non_null(strstr(md, "\n1. jeden\n2. dwa\n"));
	free(md);
	json_object_set_new(vars, "attachments", json_array());
	md = markdown(*state, "information_release", vars);
	assert_null(strstr(md, "1. "));
	free(md);
	json_decref(vars);
}

/* ---- dates ------------------------------------------------------------- */

static void check_date(const char *iso, const char *want)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	bool ok = letter_date_pl(iso, &sb);
	if (want) {
		assert_true(ok);
		assert_string_equal(sb.data, want);
	} else {
		assert_false(ok);
	}
	sb_free(&sb);
}

static void test_dates_are_written_in_polish_with_the_genitive_month(void **state)
{
	check_date("2026-11-26", "26 listopada 2026 r.");
	check_date("2026-01-05", "5 stycznia 2026 r.");
	check_date("2026-02-28", "28 lutego 2026 r.");
	check_date("2024-02-29", "29 lutego 2024 r.");
	check_date("2026-03-01", "1 marca 2026 r.");
	check_date("2026-04-30", "30 kwietnia 2026 r.");
	check_date("2026-05-03", "3 maja 2026 r.");
	check_date("2026-06-15", "15 czerwca 2026 r.");
	check_date("2026-07-31", "31 lipca 2026 r.");
	check_date("2026-08-15", "15 sierpnia 2026 r.");
	check_date("2026-09-06", "6 września 2026 r.");
	check_date("2026-10-29", "29 października 2026 r.");
	check_date("2026-12-24", "24 grudnia 2026 r.");
	check_date("2026-02-29", NULL);
	check_date("2026-04-31", NULL);
	check_date("2026-13-01", NULL);
	check_date("2026-1-05", NULL);
	check_date("2026-11-26 ", NULL);
	check_date("26.11.2026", NULL);
	check_date("", NULL);
	check_date(NULL, NULL);
}

static void test_letter_has_place_and_date_line(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	char *h = html("tekst", vars);
	assert_non_null(strstr(h, "<p class=\"letter-date\">Warszawa, 26 listopada 2026 r.</p>"));
	assert_non_null(strstr(h, "Znak sprawy: <span>COMON.1431.15.2026</span>"));
	assert_non_null(
	    strstr(h, "<p class=\"to-address\">ul. Przykładowa 1<br>\n00-001 Warszawa"));
	assert_non_null(strstr(h, "<p class=\"sign-name\">Agnieszka Glapiak</p>"));
	assert_non_null(strstr(h, "Dyrektor Centrum Operacyjnego MON"));
	assert_non_null(strstr(h, "<style>"));
	free(h);
	json_decref(vars);
}

/* ---- the law in the templates ----------------------------------------- */

static void test_decisions_carry_the_kpa_elements(void **state)
{
	for (size_t t = 0; t < letter_type_count; t++) {
		if (!letter_types[t].decision)
			continue;
		for (int k = 0; k < 2; k++) {
			json_t *vars = letter_sample_vars_for(letter_types[t].id, kinds[k], NULL);
			char *md = markdown(*state, letter_types[t].id, vars);
			static const char *const parts[] = {
			    "# DECYZJA",
			    "**Organ:** Minister Obrony Narodowej",
			    "**Strona:** Jan Kowalski",
			    "Na podstawie art.",
			    "**orzekam:**",
			    "## Uzasadnienie",
			    "## Pouczenie",
			    "Kodeks postępowania administracyjnego"};
			for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
				if (!strstr(md, parts[i]))
					print_error("%s: no \"%s\"\n", letter_types[t].id,
						    parts[i]);
				assert_non_null(strstr(md, parts[i]));
			}
			char *h = html(md, vars);
			assert_non_null(strstr(h, "Agnieszka Glapiak"));
			assert_non_null(strstr(h, "Dyrektor Centrum Operacyjnego MON"));
			assert_non_null(strstr(h, "letter-date"));
			free(h);
			free(md);
			json_decref(vars);
		}
	}
}

static void test_refusal_names_the_persons_of_article_16(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	char *md = markdown(*state, "refusal_decision", vars);
	assert_non_null(strstr(md, "art. 16 ust. 2 pkt 2"));
	assert_non_null(strstr(md, "\n1. Jan Nowak – główny specjalista"));
	assert_non_null(strstr(md, "\n2. Anna Wiśniewska – prezes zarządu"));
	assert_non_null(strstr(md, "Przedsiębiorstwo Produkcyjne „Polar”"));
	free(md);
	json_decref(vars);
}

/* Issue 20 item 12: the call for the name and address before a decision
 * renders as HTML and as a valid PDF, cites its articles, leaves no tag. */
static void test_identity_call_renders_and_cites_kpa_107(void **state)
{
	json_t *vars = letter_sample_vars_for("identity_call", "public_information", "appeal");
	char *md = markdown(*state, "identity_call", vars);
	assert_null(strstr(md, "{{"));
	assert_non_null(strstr(md, "art. 107 § 1 pkt 3"));
	assert_non_null(strstr(md, "art. 64 § 2 w związku z art. 63 § 2"));
	assert_non_null(strstr(md, "7 dni od dnia doręczenia"));
	char *h = html(md, vars);
	assert_null(strstr(h, "{{"));
	assert_non_null(strstr(h, "Wezwanie do podania imienia i nazwiska oraz adresu"));
	strbuf_t p = pdf(md, vars);
	assert_true(p.len > 4 && memcmp(p.data, "%PDF", 4) == 0);
	assert_non_null(memmem(p.data, p.len, "%%EOF", 5));
	char *text = pdf_text(&p);
	assert_null(strstr(text, "{{"));
	assert_non_null(strstr(text, "imienia i nazwiska"));
	assert_non_null(strstr(text, "postępowania administracyjnego"));
	free(text);
	sb_free(&p);
	free(h);
	free(md);
	json_decref(vars);
	/* And the letter when the 7 days passed: not a decision, it cites the
	 * call's date and leaves the request unprocessed only as far as a
	 * decision would be needed. */
	vars = letter_sample_vars_for("identity_unprocessed_letter", "public_information", "appeal");
	md = markdown(*state, "identity_unprocessed_letter", vars);
	assert_null(strstr(md, "{{"));
	assert_non_null(strstr(md, "16 listopada 2026"));
	assert_non_null(strstr(md, "w zakresie, w którym jego załatwienie wymagałoby wydania decyzji"));
	assert_null(strstr(md, "Pouczenie"));
	p = pdf(md, vars);
	assert_true(p.len > 4 && memcmp(p.data, "%PDF", 4) == 0);
	text = pdf_text(&p);
	assert_non_null(strstr(text, "bez rozpoznania"));
	free(text);
	sb_free(&p);
	free(md);
	json_decref(vars);
}

/* UDIP art. 16 ust. 2 pkt 2 names them only for privacy and business
 * secrets: on another basis the section and its variables are absent. */
static void test_refusal_on_another_basis_has_no_persons_section(void **state)
{
	static const char *const types[] = {"refusal_decision", "partial_refusal_decision"};
	for (size_t i = 0; i < 2; i++) {
		json_t *vars = letter_sample_vars(NULL, NULL);
		json_object_set_new(json_object_get(vars, "refusal"), "names_parties", json_false());
		json_object_del(vars, "persons");
		json_object_del(vars, "protected_parties");
		char *md = markdown(*state, types[i], vars);
		assert_null(strstr(md, "art. 16 ust. 2 pkt 2"));
		assert_null(strstr(md, "Jan Nowak"));
		assert_null(strstr(md, "ze względu na ochronę dóbr"));
		assert_non_null(strstr(md, "\n\nMając powyższe na uwadze"));
		assert_null(strstr(md, "\n\n\n"));
		free(md);
		json_decref(vars);
	}
}

/* ---- Issue 20 item 9: KPA steps ----------------------------------------- */

static void set_flag(json_t *vars, const char *path, bool on)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	char *dot = strchr(buf, '.');
	assert_non_null(dot);
	*dot = '\0';
	json_object_set_new(json_object_get(vars, buf), dot + 1, json_boolean(on));
}

/* KPA art. 134, 58, 59 §2, 127a §2: the forwarding letter says the appeal
 * came late (and passes on the request to restore the term) or after a
 * waiver; an appeal in time reads as before. Both kinds, PDF too. */
static void test_appeal_forwarding_states_lateness_and_the_request_to_restore(void **state)
{
	for (int k = 0; k < 2; k++) {
		json_t *vars = letter_sample_vars_for("appeal_forwarding", kinds[k], "appeal");
		char *md = markdown(*state, "appeal_forwarding", vars);
		assert_null(strstr(md, "po upływie terminu"));
		assert_null(strstr(md, "przywrócenie terminu"));
		assert_null(strstr(md, "zrzekła się"));
		free(md);

		set_flag(vars, "appeal.late", true);
		md = markdown(*state, "appeal_forwarding", vars);
		assert_non_null(strstr(md, "Odwołanie wniesiono po upływie terminu do jego wniesienia, "
					   "który upłynął w dniu 12 listopada 2026 r.;"));
		assert_non_null(strstr(md, "art. 134 ww. ustawy"));
		assert_null(strstr(md, "przywrócenie terminu"));
		free(md);

		set_flag(vars, "appeal.restore_request", true);
		md = markdown(*state, "appeal_forwarding", vars);
		assert_non_null(strstr(md, "prośbę o przywrócenie terminu do jego wniesienia (art. 58 "
					   "§ 1 i 2 ww. ustawy)"));
		assert_non_null(strstr(md, "organ odwoławczy (art. 59 § 2 ww. ustawy)"));
		assert_null(strstr(md, "{{"));
		assert_null(strstr(md, "\n\n\n"));
		strbuf_t p = pdf(md, vars);
		char *text = pdf_text(&p);
		assert_non_null(strstr(text, "przywrócenie terminu"));
		assert_non_null(strstr(text, "COMON.143"));
		free(text);
		sb_free(&p);
		free(md);

		set_flag(vars, "appeal.late", false);
		set_flag(vars, "appeal.restore_request", false);
		set_flag(vars, "appeal.waived", true);
		md = markdown(*state, "appeal_forwarding", vars);
		assert_non_null(strstr(md, "strona zrzekła się prawa do jego wniesienia oświadczeniem, "
					   "które wpłynęło do organu w dniu 5 listopada 2026 r."));
		assert_non_null(strstr(md, "art. 127a § 2"));
		assert_non_null(strstr(md, "niedopuszczalność stwierdza organ odwoławczy"));
		free(md);
		json_decref(vars);
	}
}

/* KPA art. 132 §1 and §3: the new decision cancels the one appealed,
 * releases the information in the same letter and instructs the appeal
 * again; the re-use variant transfers under UOD art. 41. */
static void test_appeal_granted_decision_cancels_releases_and_instructs_the_appeal(void **state)
{
	for (int k = 0; k < 2; k++) {
		json_t *vars = letter_sample_vars_for("appeal_granted_decision", kinds[k], "appeal");
		char *md = markdown(*state, "appeal_granted_decision", vars);
		assert_non_null(strstr(md, "Na podstawie art. 132 § 1 ustawy z dnia 14 czerwca 1960 r. "
					   "– Kodeks postępowania administracyjnego"));
		assert_non_null(strstr(md, "odwołania strony z dnia 9 listopada 2026 r. od decyzji z "
					   "dnia 29 października 2026 r."));
		assert_non_null(strstr(md, "**orzekam:**\n\nuchylić w całości zaskarżoną decyzję."));
		assert_non_null(strstr(md, "jedyną stroną postępowania"));
		assert_non_null(strstr(md, k ? "art. 41 ust. 1 ustawy o otwartych danych"
					     : "art. 10 ust. 1 i art. 14 ust. 1 ustawy o dostępie"));
		assert_non_null(strstr(md, k ? "przekazuję informację do ponownego wykorzystywania"
					     : "udostępniam żądaną informację"));
		assert_non_null(strstr(md, "umowę nr 17/DI/2026"));
		assert_non_null(strstr(md, "przysługuje odwołanie do Samorządowego Kolegium "
					   "Odwoławczego w Warszawie"));
		assert_non_null(strstr(md, "Przed upływem terminu do wniesienia odwołania strona może "
					   "zrzec się"));
		assert_null(strstr(md, "W trakcie biegu terminu"));
		assert_null(strstr(md, "r.."));
		char *h = html(md, vars);
		const char *sign = strstr(h, "class=\"letter-sign\"");
		assert_non_null(sign);
		assert_true(strstr(h, "Załączniki:") > sign);
		free(h);
		free(md);
		json_decref(vars);
	}
}

/* KPA art. 37 §4: the forwarding letter to the higher body with the
 * organ's position; §3 pkt 2, §5-6: the organ's own postanowienie where
 * there is no higher body. */
static void test_ponaglenie_letters_forward_or_decide(void **state)
{
	json_t *vars = letter_sample_vars_for("ponaglenie_forwarding", NULL, "appeal");
	char *md = markdown(*state, "ponaglenie_forwarding", vars);
	assert_non_null(strstr(md, "**Dotyczy:** ponaglenia z dnia 1 grudnia 2026 r."));
	assert_non_null(strstr(md, "Na podstawie art. 37 § 4 ustawy z dnia 14 czerwca 1960 r."));
	assert_non_null(strstr(md, "które wpłynęło do organu w dniu 2 grudnia 2026 r."));
	assert_non_null(strstr(md, "wraz z niezbędnymi odpisami akt sprawy"));
	assert_non_null(strstr(md, "Ustosunkowując się do ponaglenia"));
	assert_non_null(strstr(md, "Opóźnienie wynikło"));
	char *h = html(md, vars);
	/* Addressed to the appeal body, not the requester. */
	const char *to = strstr(h, "letter-to");
	assert_non_null(to);
	assert_non_null(strstr(to, "Samorządowe Kolegium Odwoławcze w Warszawie"));
	free(h);
	free(md);
	json_decref(vars);

	vars = letter_sample_vars_for("ponaglenie_order", NULL, "reconsideration");
	md = markdown(*state, "ponaglenie_order", vars);
	assert_non_null(strstr(md, "# POSTANOWIENIE"));
	assert_non_null(strstr(md, "art. 37 § 6 w związku z art. 37 § 3 pkt 2"));
	assert_non_null(strstr(md, "**postanawiam:**"));
	assert_non_null(strstr(md, "stwierdzić, że organ dopuścił się bezczynności"));
	assert_non_null(strstr(md, "nie służy zażalenie"));
	assert_non_null(strstr(md, "art. 53 § 2b"));
	assert_non_null(strstr(md, "do Wojewódzkiego Sądu Administracyjnego w Warszawie"));
	strbuf_t p = pdf(md, vars);
	char *text = pdf_text(&p);
	assert_non_null(strstr(text, "POSTANOWIENIE"));
	assert_non_null(strstr(text, "Agnieszka Glapiak"));
	free(text);
	sb_free(&p);
	free(md);
	json_decref(vars);
}

static void test_remedy_instruction_follows_the_organisation_policy(void **state)
{
	json_t *vars = letter_sample_vars(NULL, "appeal");
	char *md = markdown(*state, "refusal_decision", vars);
	assert_non_null(strstr(md, "przysługuje odwołanie do Samorządowego Kolegium Odwoławczego "
				   "w Warszawie, wnoszone za pośrednictwem"));
	assert_non_null(strstr(md, "art. 127 § 1 i 2 oraz art. 129 § 1 i 2"));
	assert_null(strstr(md, "ponowne rozpatrzenie"));
	free(md);
	set_str(vars, "remedy", "reconsideration");
	md = markdown(*state, "refusal_decision", vars);
	assert_non_null(strstr(md, "nie przysługuje odwołanie"));
	assert_non_null(strstr(md, "z wnioskiem o ponowne rozpatrzenie sprawy w terminie 14 dni"));
	assert_non_null(strstr(md, "art. 127 § 3"));
	assert_non_null(strstr(md, "art. 52 § 3"));
	assert_non_null(strstr(md, "do Wojewódzkiego Sądu Administracyjnego w Warszawie"));
	free(md);
	json_decref(vars);
}

static void test_reuse_cases_get_the_reuse_variant(void **state)
{
	json_t *pi = letter_sample_vars("public_information", NULL);
	json_t *ru = letter_sample_vars("reuse", NULL);
	char *a = markdown(*state, "extension_notice", pi);
	char *b = markdown(*state, "extension_notice", ru);
	assert_non_null(strstr(a, "art. 13 ust. 2"));
	assert_null(strstr(a, "art. 40 ust. 2"));
	assert_non_null(strstr(b, "art. 40 ust. 2"));
	assert_non_null(strstr(b, "(Dz. U. z 2023 r. poz. 1524)"));
	free(a);
	free(b);
	json_decref(pi);
	json_decref(ru);
}

/* Issue 20 item 11: the answer to a re-use complaint cites the UOD, not
 * UDIP art. 21 (the PPSA's 15 days come to re-use through UOD art. 41). */
static void test_court_answer_for_reuse_cites_the_uod(void **state)
{
	json_t *pi = letter_sample_vars_for("court_answer", "public_information", NULL);
	json_t *ru = letter_sample_vars_for("court_answer", "reuse", NULL);
	char *a = markdown(*state, "court_answer", pi);
	char *b = markdown(*state, "court_answer", ru);
	assert_non_null(strstr(a, "art. 21 pkt 1"));
	assert_non_null(strstr(a, "o udostępnienie informacji publicznej"));
	assert_null(strstr(b, "art. 21 pkt 1"));
	assert_non_null(strstr(b, "w związku z art. 41 ustawy"));
	assert_non_null(strstr(b, "o ponowne wykorzystywanie informacji sektora publicznego"));
	assert_non_null(strstr(b, "art. 54 § 2"));
	strbuf_t p = pdf(b, ru);
	assert_true(p.len > 1000 && !memcmp(p.data, "%PDF-", 5));
	sb_free(&p);
	free(a);
	free(b);
	json_decref(pi);
	json_decref(ru);
}

/* Issue 20 item 10: every instruction about a court complaint says the fee
 * for a complaint against a decision (200 zł; 100 zł is for inaction, which
 * no letter instructs about). */
static void test_court_complaint_instructions_name_the_decision_fee(void **state)
{
	static const struct {
		const char *type, *kind, *remedy;
	} cases[] = {
	    {"refusal_decision", "public_information", "reconsideration"},
	    {"refusal_decision", "public_information", "court_complaint"},
	    {"reuse_refusal_decision", "reuse", "reconsideration"},
	    {"reconsideration_decision", "public_information", NULL},
	    {"reconsideration_decision", "reuse", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *vars = letter_sample_vars_for(cases[i].type, cases[i].kind, cases[i].remedy);
		char *md = markdown(*state, cases[i].type, vars);
		/* A body that is not an organ of public authority issues a
		 * rozstrzygnięcie (UDIP art. 17 ust. 1). */
		const char *fee = cases[i].remedy && !strcmp(cases[i].remedy, "court_complaint")
		                      ? "Od skargi na rozstrzygnięcie pobiera się wpis stały w wysokości 200 zł"
		                      : "Od skargi na decyzję pobiera się wpis stały w wysokości 200 zł";
		if (!strstr(md, fee))
			fail_msg("%s (%s, %s) lacks the fee: %s", cases[i].type, cases[i].kind,
				 cases[i].remedy ? cases[i].remedy : "-", md);
		assert_non_null(strstr(md, "pobierania wpisu w postępowaniu przed sądami administracyjnymi"));
		assert_null(strstr(md, "100 zł"));
		free(md);
		json_decref(vars);
	}
	json_t *vars = letter_sample_vars_for("refusal_decision", "public_information", "appeal");
	char *md = markdown(*state, "refusal_decision", vars);
	assert_null(strstr(md, "wpis stały")); /* the appeal comes first: no court yet */
	free(md);
	json_decref(vars);
}

/* UDIP art. 16 ust. 1 and art. 17 ust. 1: the refusal, partial refusal and
 * discontinuance of a body that is not an organ of public authority are
 * rozstrzygnięcia without the KPA: headed so, the body named „Podmiot”,
 * art. 16 ust. 1 with art. 17 ust. 1 as the basis and no KPA article, and
 * never called a decision, in the body, the remedy instruction, the title
 * and the PDF. An organ of public authority keeps its decision. */
static void test_body_without_public_authority_issues_a_rozstrzygniecie(void **state)
{
	static const struct {
		const char *type, *kpa_basis;
	} types[] = {{"refusal_decision", "art. 104 § 1 ustawy z dnia 14 czerwca 1960 r."},
	             {"partial_refusal_decision", "art. 104 § 1 ustawy z dnia 14 czerwca 1960 r."},
	             {"discontinuance_decision", "art. 105 § 1 ustawy z dnia 14 czerwca 1960 r."}};
	for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
		for (int authority = 0; authority < 2; authority++) {
			const char *type = types[t].type;
			json_t *vars = letter_sample_vars_for(type, "public_information",
			                                      authority ? "appeal" : "court_complaint");
			/* The sample's reasons are an organ's (the clerk writes them). */
			if (!authority)
				set_str(vars, "legal_grounds",
				        "Zgodnie z art. 14 ust. 2 ustawy o dostępie do informacji "
				        "publicznej postępowanie o udostępnienie informacji umarza się.");
			char *md = markdown(*state, type, vars);
			char *h = html(md, vars);
			strbuf_t p = pdf(md, vars);
			assert_non_null(memmem(p.data, p.len, "%%EOF", 5));
			char *text = pdf_text(&p);
			assert_non_null(strstr(text, "Strona 1 z"));
			assert_non_null(strstr(text, "COMON.1431.15.2026"));
			if (authority) {
				assert_non_null(strstr(md, "# DECYZJA\n"));
				assert_non_null(strstr(md, "**Organ:** Minister Obrony Narodowej"));
				assert_non_null(strstr(md, types[t].kpa_basis));
				assert_null(strstr(md, "ROZSTRZYGNIĘCIE"));
				assert_null(strstr(md, "Podmiot:"));
				assert_non_null(strstr(h, "<title>Decyzja o "));
				assert_non_null(strstr(text, "DECYZJA"));
			} else {
				static const char *const never[] = {"decyzj", "Decyzj", "DECYZJ", "KPA",
				                                    "Organ:", "art. 104", "art. 105",
				                                    "Kodeks postępowania administracyjnego ("};
				for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
					if (strstr(md, never[i]) || strstr(h, never[i]) || strstr(text, never[i]))
						fail_msg("%s of a body that is no organ says „%s”: %s", type,
						         never[i], md);
				}
				assert_non_null(strstr(md, "# ROZSTRZYGNIĘCIE\n"));
				assert_non_null(strstr(md, "**Podmiot:** Minister Obrony Narodowej"));
				assert_non_null(strstr(md, "Na podstawie art. 16 ust. 1 i art. 17 ust. 1 "
				                           "ustawy z dnia 6 września 2001 r. o dostępie do "
				                           "informacji publicznej"));
				/* The remedy says the KPA does not apply, and to which court. */
				assert_non_null(strstr(md, "nie stosuje się przepisów Kodeksu postępowania "
				                           "administracyjnego (art. 17 ust. 1"));
				assert_non_null(strstr(h, "<title>Rozstrzygnięcie o "));
				assert_non_null(strstr(text, "ROZSTRZYGNIĘCIE"));
				assert_non_null(strstr(text, "Podmiot:"));
			}
			free(text);
			sb_free(&p);
			free(h);
			free(md);
			json_decref(vars);
		}
	}
	/* The persons' section of a refusal for privacy names the act too. */
	json_t *vars = letter_sample_vars_for("refusal_decision", "public_information", "court_complaint");
	char *md = markdown(*state, "refusal_decision", vars);
	assert_non_null(strstr(md, "Rozstrzygnięcie o odmowie udostępnienia informacji wydano ze względu"));
	free(md);
	json_decref(vars);
	vars = letter_sample_vars_for("partial_refusal_decision", "public_information", "court_complaint");
	md = markdown(*state, "partial_refusal_decision", vars);
	assert_non_null(strstr(md, "udostępniona wraz z niniejszym rozstrzygnięciem"));
	free(md);
	json_decref(vars);
}

/* Issue 20 item 11: the offer made on a request for standing access
 * (UOD art. 39 ust. 2) allows no objection (art. 42 ust. 1 pkt 1): the
 * letter says so and gives no objection instruction; the acceptance within
 * 14 days (ust. 2). Every other offer keeps art. 41 ust. 2 and 3. Both as
 * PDF with Polish letters. */
static void check_variant(const letter_set_t *set, const char *type, bool standing, const char *const *want,
			  const char *const *never)
{
	json_t *vars = letter_sample_vars_for(type, "reuse", NULL);
	json_object_set_new(json_object_get(vars, "case"), "reuse_standing", json_boolean(standing));
	char *md = markdown(set, type, vars);
	for (; *want; want++) {
		if (!strstr(md, *want))
			print_error("%s (standing %d): no \"%s\" in\n%s\n", type, standing, *want, md);
		assert_non_null(strstr(md, *want));
	}
	for (; *never; never++) {
		if (strstr(md, *never))
			print_error("%s (standing %d): \"%s\" in\n%s\n", type, standing, *never, md);
		assert_null(strstr(md, *never));
	}
	assert_null(strstr(md, "{{"));
	assert_null(strstr(md, "\n\n\n"));
	strbuf_t p = pdf(md, vars);
	assert_non_null(memmem(p.data, p.len, "%%EOF", 5));
	char *text = pdf_text(&p);
	if (!strstr(text, "wykorzystywani"))
		print_error("%s (standing %d): PDF text: %s\n", type, standing, text);
	assert_non_null(strstr(text, "wykorzystywani"));
	assert_non_null(strstr(text, "ą"));
	assert_non_null(strstr(text, "ż"));
	free(text);
	sb_free(&p);
	free(md);
	json_decref(vars);
}

static void test_standing_access_offer_has_no_objection_instruction(void **state)
{
	const char *const standing[] = {"art. 42 ust. 1 pkt 1", "nie przysługuje sprzeciw",
					"art. 42 ust. 2", "zawiadamia o jej przyjęciu",
					"w sposób stały i bezpośredni w czasie rzeczywistym",
					"dostępność informacji", "równoznaczne z wycofaniem wniosku", NULL};
	const char *const standing_never[] = {"złożyć sprzeciw", "art. 41 ust. 3",
					      "ani sprzeciwu", NULL};
	check_variant(*state, "reuse_offer", true, standing, standing_never);
	const char *const other[] = {"art. 41 ust. 1", "złożyć sprzeciw", "art. 41 ust. 3", NULL};
	const char *const other_never[] = {"art. 42", "nie przysługuje sprzeciw", NULL};
	check_variant(*state, "reuse_offer", false, other, other_never);
}

/* Issue 20 item 11: re-use not possible in the manner or form asked for:
 * the offer variant of UOD art. 41 ust. 1 pkt 4 with art. 10 ust. 4 (14
 * days to accept or object, ust. 2), or for standing access the
 * information of art. 42 ust. 1 pkt 2, which asks for nothing more. */
static void test_reuse_form_notice_cites_article_41_or_42(void **state)
{
	const char *const other[] = {"art. 41 ust. 1 pkt 4 w związku z art. 10 ust. 4",
				     "nie mogą zostać przekazane w sposób lub w formie wskazanych we "
				     "wniosku",
				     "art. 41 ust. 2", "złożyć sprzeciw", "w terminie 14 dni",
				     "sposób lub forma, w jakich informacje mogą zostać przekazane", NULL};
	const char *const other_never[] = {"art. 42", NULL};
	check_variant(*state, "reuse_form_notice", false, other, other_never);
	const char *const standing[] = {"art. 42 ust. 1 pkt 2", "art. 39 ust. 2",
					"ze względu na format", "Przyczyny:", NULL};
	const char *const standing_never[] = {"sprzeciw", "art. 41 ust. 1 pkt 4", "w terminie 14 dni", NULL};
	check_variant(*state, "reuse_form_notice", true, standing, standing_never);
}

static void test_comments_leave_no_trace(void **state)
{
	for (size_t t = 0; t < letter_type_count; t++) {
		json_t *vars = letter_sample_vars_for(letter_types[t].id, "reuse", NULL);
		char *md = markdown(*state, letter_types[t].id, vars);
		assert_null(strstr(md, "{{"));
		assert_true(md[0] != '\n' && md[0] != ' ');
		free(md);
		json_decref(vars);
	}
}

/* ---- template errors at load time ------------------------------------- */

static char tmpdir[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* A copy of the real templates in a fresh directory. */
static void copy_templates(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_letter_tpl_XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	char cmd[256];
	snprintf(cmd, sizeof cmd, "cp " TEMPLATES "/*.md %s/", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static void remove_templates(void)
{
	nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_template(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void check_load_error(const char *file, const char *text, const char *want)
{
	copy_templates();
	if (text)
		write_template(file, text);
	else {
		char path[128];
		snprintf(path, sizeof path, "%s/%s", tmpdir, file);
		unlink(path);
	}
	letter_set_t *s = (letter_set_t *)1;
	char err[256] = "";
	assert_false(letter_load(&s, tmpdir, err, sizeof err));
	assert_null(s);
	if (!strstr(err, want))
		print_error("got \"%s\", want \"%s\"\n", err, want);
	assert_non_null(strstr(err, want));
	remove_templates();
}

static void test_template_errors_are_reported_at_load_with_file_and_line(void **state)
{
	check_load_error("fee_notice.md", "Linia\n\nTrzecia {{case.subject\n",
			 "fee_notice.md:3: unclosed {{");
	check_load_error("fee_notice.md", "Linia {{case.subject}} i {{case.subjekt}}\n",
			 "fee_notice.md:1: unknown variable \"case.subjekt\"");
	check_load_error("fee_notice.md", "a\n{{ case.subject }}\n", "fee_notice.md:2: bad tag");
	check_load_error("fee_notice.md", "a\n{{#case}}x{{/case}}\n",
			 "fee_notice.md:2: a section tag must stand alone");
	check_load_error("fee_notice.md", "{{! open comment\n\n", "fee_notice.md:1: unclosed {{");
	check_load_error("fee_notice.md", "Załączniki: {{attachments}}\n",
			 "fee_notice.md:1: variable \"attachments\" must stand alone on its line");
	check_load_error("fee_notice.md", "ok\nzły bajt \xff\n", "fee_notice.md:2: invalid UTF-8");
	check_load_error("_remedy_appeal.md", "{{remedy_instruction}}\n",
			 "_remedy_appeal.md:1: \"remedy_instruction\" cannot be used inside a "
			 "fragment");
	check_load_error("extention_notice.md", "x\n", "unknown letter type \"extention_notice\"");
	check_load_error("court_answer.md", NULL, "court_answer.md: missing template");
	check_load_error("_remedy_reconsideration.md", NULL, "missing fragment");
	letter_set_t *s = (letter_set_t *)1;
	char err[256];
	assert_false(letter_load(&s, "/nonexistent/letters", err, sizeof err));
	assert_null(s);
}

static void test_flag_sections_take_their_lines_or_none(void **state)
{
	copy_templates();
	write_template("published_letter.md",
		       "A\n{{#refusal.names_parties}}\nB {{case.subject}}\n{{/refusal.names_parties}}\n"
		       "{{^refusal.names_parties}}\nC\n{{/refusal.names_parties}}\nD\n");
	letter_set_t *s = NULL;
	char err[256] = "";
	assert_true(letter_load(&s, tmpdir, err, sizeof err));
	remove_templates();
	json_t *vars = letter_sample_vars(NULL, NULL);
	char *md = markdown(s, "published_letter", vars);
	assert_string_equal(md, "A\nB umowy na dostawę łóżek polowych związanych z organizacją "
				"ćwiczeń w 2026 r., źródła i wysokość środków na ich "
				"finansowanie\nD\n");
	free(md);
	json_object_set_new(json_object_get(vars, "refusal"), "names_parties", json_false());
	json_object_del(json_object_get(vars, "case"), "subject"); /* not looked up */
	md = markdown(s, "published_letter", vars);
	assert_string_equal(md, "A\nC\nD\n");
	free(md);
	/* A flag that is not true or false is an error. */
	json_object_set_new(json_object_get(vars, "refusal"), "names_parties", json_string("tak"));
	strbuf_t sb;
	sb_init(&sb, NULL);
	assert_false(letter_markdown(s, "published_letter", vars, &sb, err, sizeof err));
	assert_non_null(strstr(err, "refusal.names_parties"));
	sb_free(&sb);
	json_decref(vars);
	letter_free(s);
}

static void test_section_errors_are_reported_at_load(void **state)
{
	check_load_error("fee_notice.md", "A\n{{#refusal.names_parties}}\nB\n",
			 "fee_notice.md:2: section \"refusal.names_parties\" is never closed");
	check_load_error("fee_notice.md", "A\n{{/refusal.names_parties}}\n",
			 "fee_notice.md:2: \"{{/refusal.names_parties}}\" closes no open section");
	check_load_error("fee_notice.md", "{{#case.subject}}\nB\n{{/case.subject}}\n",
			 "fee_notice.md:1: \"case.subject\" is not a flag");
	check_load_error("fee_notice.md", "A {{#refusal.names_parties}}\n{{/refusal.names_parties}}\n",
			 "fee_notice.md:1: a section tag must stand alone");
	check_load_error("fee_notice.md", "A {{refusal.names_parties}}\n",
			 "fee_notice.md:1: flag \"refusal.names_parties\" only opens a section");
	check_load_error("fee_notice.md", "{{#refusal.nope}}\n{{/refusal.nope}}\n",
			 "fee_notice.md:1: unknown variable");
}

static void test_multiline_comments_and_their_lines_are_removed(void **state)
{
	copy_templates();
	write_template("fee_notice.md",
		       "{{! komentarz\n    na dwa wiersze }}\nTekst {{! w wierszu }}i "
		       "dalej.\n  {{! sam }}\nKoniec {{case.number}}\n");
	letter_set_t *s = NULL;
	char err[256] = "";
	assert_true(letter_load(&s, tmpdir, err, sizeof err));
	json_t *vars = letter_sample_vars(NULL, NULL);
	char *md = markdown(s, "fee_notice", vars);
	assert_string_equal(md, "Tekst i dalej.\nKoniec COMON.1431.15.2026\n");
	free(md);
	json_decref(vars);
	letter_free(s);
	remove_templates();
}

/* ---- HTML options, PDF ------------------------------------------------ */

static void test_html_can_link_the_css_or_be_a_fragment(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[128];
	letter_html_opts_t linked = {.css_href = "/static/letter.css?v=\"1\""};
	assert_true(letter_html_ex("tekst", vars, &linked, &sb, err, sizeof err));
	assert_non_null(strstr(
	    sb.data, "<link rel=\"stylesheet\" href=\"/static/letter.css?v=&quot;1&quot;\">"));
	assert_null(strstr(sb.data, "<style>"));
	sb_reset(&sb);
	letter_html_opts_t fragment = {.fragment = true};
	assert_true(letter_html_ex("tekst", vars, &fragment, &sb, err, sizeof err));
	assert_memory_equal(sb.data, "<article class=\"letter\">", 24);
	assert_null(strstr(sb.data, "<html"));
	assert_non_null(strstr(letter_css, "@page"));
	sb_free(&sb);
	json_decref(vars);
}

static void test_clerk_markdown_renders_raw_html_safely(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	char *h = html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b>b</b>\n", vars);
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<b>"));
	assert_null(strstr(h, "javascript:"));
	free(h);
	json_decref(vars);
}

static void test_pdf_is_reproducible_and_has_metadata(void **state)
{
	json_t *vars = letter_sample_vars_for("refusal_decision", NULL, NULL);
	char *md = markdown(*state, "refusal_decision", vars);
	strbuf_t a = pdf(md, vars), b = pdf(md, vars);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* cairo 1.16 writes the date without the "D:" prefix. */
	assert_non_null(memmem(a.data, a.len, "20261126000000", 14));
	sb_free(&a);
	sb_free(&b);
	free(md);
	json_decref(vars);
}

static void test_long_letter_breaks_pages_and_numbers_them(void **state)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	strbuf_t md;
	sb_init(&md, NULL);
	sb_puts(&md, "# Tytuł\n\n");
	for (int i = 1; i <= 120; i++)
		sb_printf(&md,
			  "Akapit %d: zażółć gęślą jaźń, tekst tekst tekst tekst tekst tekst "
			  "tekst tekst tekst tekst tekst tekst.\n\n",
			  i);
	sb_puts(&md,
		"- punkt\n  - zagnieżdżony\n    1. numerowany\n\n> cytat\n>> w cytacie\n\n"
		"```\nkod\n```\n\n---\n\n*kursywa* **pogrubienie** `kod` [link](https://x.example)"
		" ![obrazek](https://x.example/i.png)\n\n-\n");
	strbuf_t p = pdf(md.data, vars);
	char *text = pdf_text(&p);
	assert_non_null(strstr(text, "Strona 1 z "));
	assert_non_null(strstr(text, "Strona 3 z "));
	assert_non_null(strstr(text, "Akapit 120"));
	assert_non_null(strstr(text, "link (https://x.example)"));
	assert_non_null(strstr(text, "[obraz: obrazek]"));
	assert_non_null(strstr(text, "zagnieżdżony"));
	free(text);
	sb_free(&p);
	sb_free(&md);
	json_decref(vars);
}

static void *render_in_thread(void *arg)
{
	const letter_set_t *s = arg;
	for (int i = 0; i < 3; i++) {
		json_t *vars = letter_sample_vars_for("partial_refusal_decision",
						      "public_information", "appeal");
		strbuf_t md, out;
		sb_init(&md, NULL);
		sb_init(&out, NULL);
		char err[256];
		bool ok =
		    letter_markdown(s, "partial_refusal_decision", vars, &md, err, sizeof err) &&
		    letter_pdf(md.data, vars, &out, err, sizeof err) && out.len > 1000;
		sb_free(&md);
		sb_free(&out);
		json_decref(vars);
		if (!ok)
			return (void *)1;
	}
	return NULL;
}

static void test_threads_render_pdfs_concurrently(void **state)
{
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, render_in_thread, *state), 0);
	for (int i = 0; i < 4; i++) {
		void *rc;
		assert_int_equal(pthread_join(th[i], &rc), 0);
		assert_null(rc);
	}
}

/* Pango's fontconfig thread sorts the fonts for each new pattern; here it
 * can be made slow, so that its sorts outlast the rendering. */
static atomic_bool slow_font_sorts;

FcFontSet *FcFontSetSort(FcConfig *config, FcFontSet **sets, int nsets, FcPattern *p,
			 FcBool trim, FcCharSet **csp, FcResult *result)
{
	FcFontSet *(*sort)(FcConfig *, FcFontSet **, int, FcPattern *, FcBool, FcCharSet **,
			   FcResult *) = (FcFontSet * (*)(FcConfig *, FcFontSet **, int, FcPattern *,
						       FcBool, FcCharSet **, FcResult *))
	    dlsym(RTLD_NEXT, "FcFontSetSort");
	if (atomic_load(&slow_font_sorts))
		usleep(300 * 1000);
	return sort(config, sets, nsets, p, trim, csp, result);
}

static void *render_one(void *arg)
{
	json_t *vars = letter_sample_vars_for("acknowledgement", "public_information", NULL);
	strbuf_t md, out;
	sb_init(&md, NULL);
	sb_init(&out, NULL);
	char err[256];
	bool ok = letter_markdown(arg, "acknowledgement", vars, &md, err, sizeof err) &&
		  letter_pdf(md.data, vars, &out, err, sizeof err) && out.len > 1000;
	sb_free(&md);
	sb_free(&out);
	json_decref(vars);
	return ok ? NULL : (void *)1;
}

/* A thread's font map outlives the thread while Pango's fontconfig thread
 * still sorts for it, and its fonts hold cairo's: letter_shutdown() waits
 * for it rather than reset cairo under it (which aborted, "live_entries ==
 * 0"). Last: it shuts the renderer down. */
static void test_shutdown_waits_for_the_font_maps_still_in_use(void **state)
{
	atomic_store(&slow_font_sorts, true);
	pthread_t th;
	void *rc;
	assert_int_equal(pthread_create(&th, NULL, render_one, *state), 0);
	assert_int_equal(pthread_join(th, &rc), 0);
	assert_null(rc);
	letter_shutdown();
	atomic_store(&slow_font_sorts, false);
}

static void test_sample_rejects_unknown_kind_and_remedy(void **state)
{
	assert_null(letter_sample_vars("other", NULL));
	assert_null(letter_sample_vars(NULL, "complaint"));
	assert_null(letter_sample_vars_for("no_such_letter", NULL, NULL));
	json_t *v = letter_sample_vars_for("court_answer", NULL, NULL);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(v, "addressee"), "name")),
	    "Wojewódzki Sąd Administracyjny w Warszawie");
	json_decref(v);
}

static void test_docs_list_every_type_and_variable(void **state)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	letter_docs_markdown(*state, &sb);
	for (size_t t = 0; t < letter_type_count; t++) {
		char want[96];
		snprintf(want, sizeof want, "| `%s` |", letter_types[t].id);
		assert_non_null(strstr(sb.data, want));
	}
	for (size_t v = 0; v < letter_var_count; v++) {
		char want[96];
		snprintf(want, sizeof want, "| `%s` |", letter_vars[v].name);
		assert_non_null(strstr(sb.data, want));
	}
	assert_non_null(strstr(sb.data,
			       "| `refusal_decision` | Decyzja o odmowie udostępnienia "
			       "informacji publicznej | yes | public information | requester "
			       "| `refusal.scope`, `refusal.basis`, `refusal.names_parties`, "
			       "`facts`, `legal_grounds`, "
			       "`persons`, `protected_parties` |"));
	sb_free(&sb);
}

static void test_type_vars_include_the_remedy_fragments(void **state)
{
	const letter_var_t *vars[128];
	size_t n = letter_type_vars(*state, "refusal_decision", vars, 128);
	bool remedy = false, appeal_body = false, court = false, subject = false;
	for (size_t i = 0; i < n; i++) {
		remedy = remedy || strcmp(vars[i]->name, "remedy") == 0;
		appeal_body = appeal_body || strcmp(vars[i]->name, "org.appeal_body_gen") == 0;
		court = court || strcmp(vars[i]->name, "org.court_gen") == 0;
		subject = subject || strcmp(vars[i]->name, "case.subject") == 0;
	}
	assert_true(remedy && appeal_body && court && subject);
	assert_int_equal(letter_type_vars(*state, "no_such_letter", vars, 128), 0);
	/* Every variable a template uses has a sample value (or is the engine's). */
	for (size_t t = 0; t < letter_type_count; t++) {
		n = letter_type_vars(*state, letter_types[t].id, vars, 128);
		for (size_t i = 0; i < n; i++)
			assert_true(vars[i]->example || vars[i]->source == LETTER_SRC_CONSTANT ||
				    vars[i]->source == LETTER_SRC_COMPUTED);
	}
}


/* ---- the public copy (render/letter_public.c) ------------------------ */


static bool letters_to_requester(const char *type)
{
	const letter_type_t *t = letter_type(type);
	return t && t->addressee == LAW_TO_REQUESTER;
}

static const letter_personal_t sample_requester = {"Jan Kowalski", "jan.kowalski@example.pl",
                                                   "ul. Przykładowa 1, 00-001 Warszawa", ""};

/* The public copy's Markdown; asserts success. Caller frees. */
static char *public_md(const char *md, const letter_personal_t *who, json_t *vars)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[256] = "";
	bool ok = letter_public_markdown(md, who, vars, &sb, err, sizeof err);
	if (!ok)
		print_error("letter_public_markdown: %s\n", err);
	assert_true(ok);
	return sb.data ? sb.data : strdup("");
}

static void test_public_copy_of_every_letter_shows_no_requester_data(void **state)
{
	for (size_t i = 0; i < letter_type_count; i++) {
		const char *type = letter_types[i].id;
		json_t *vars = letter_sample_vars_for(type, "public_information", "appeal");
		char *md = markdown(*state, type, vars);
		char *pmd = public_md(md, &sample_requester, vars);
		char err[256] = "";
		json_t *pvars = letter_public_vars(vars, &sample_requester, err, sizeof err);
		if (!pvars)
			print_error("%s: %s\n", type, err);
		assert_non_null(pvars);
		strbuf_t p = pdf(pmd, pvars);
		char *text = pdf_text(&p);
		/* (The appeal body sits at "ul. Przykładowa 10".) */
		static const char *const never[] = {"Kowalsk", "jan.kowalski", "Przykładowa 1 ",
		                                    "Przykładowa 1,", "00-001", "Otrzymują"};
		for (size_t k = 0; k < sizeof never / sizeof never[0]; k++)
			if (strstr(text, never[k]))
				fail_msg("%s: the public copy shows \"%s\"", type, never[k]);
		assert_non_null(strstr(text, "COMON.1431.15.2026"));
		/* The addressee block of a letter to the requester says what went. */
		if (letters_to_requester(type))
			assert_non_null(strstr(text, "[dane osobowe wnioskodawcy usunięte]"));
		/* An official's name in their public role stays (LAW.md §7). */
		if (!strcmp(type, "refusal_decision"))
			assert_non_null(strstr(text, "Jan Nowak"));
		free(text);
		sb_free(&p);
		json_decref(pvars);
		free(pmd);
		free(md);
		json_decref(vars);
	}
}

static void test_public_copy_finds_declined_names_escaped_mail_and_phones(void **state)
{
	(void)state;
	letter_personal_t who = {"Bożydar Wścibski-Nieznany", "b_wscibski@przyklad.example",
	                         "ul. Ukryta 77/5\n61-234 Poznań", "+48 512 345 678"};
	const char *md = "Pismo do Pana Bożydara Wścibskiego-Nieznanego, "
	                 "e-mail b\\_wscibski@PRZYKLAD.example, tel. 512-345-678, "
	                 "zamieszkałego: ul. Ukryta 77/5, 61-234 Poznań. "
	                 "Nazwisko: WSCIBSKI.\n\n`b_wscibski@przyklad.example`\n\n"
	                 "[odpowiedź](mailto:b_wscibski@przyklad.example)\n\n"
	                 "**Otrzymują:**\n\n1. Strona – Bożydar Wścibski-Nieznany\n2. a/a\n\n"
	                 "Sprawa COMON.1431.15.2026, sąd w Poznaniu, ul. Ukryta 77/50.\n";
	char *pmd = public_md(md, &who, NULL);
	static const char *const never[] = {"Bożydar", "cibsk", "Nieznan", "przyklad", "512",
	                                    "345",     "Ukryta 77/5,", "61-234",  "Otrzymują", "a/a"};
	for (size_t k = 0; k < sizeof never / sizeof never[0]; k++)
		if (strstr(pmd, never[k]))
			fail_msg("the public copy shows \"%s\": %s", never[k], pmd);
	assert_non_null(strstr(pmd, "dane osobowe wnioskodawcy usunięte"));
	assert_non_null(strstr(pmd, "COMON.1431.15.2026"));
	/* The town alone names no one; another house of the street is not the
	 * requester's, but still someone's address (the detector's). */
	assert_non_null(strstr(pmd, "w Poznaniu"));
	assert_null(strstr(pmd, "ul. Ukryta 77/50"));
	assert_non_null(strstr(pmd, "dane zanonimizowane"));
	free(pmd);
}

/* The detector on the public copy: a third person's PESEL, e-mail, phone,
 * account and address are anonymised, the requester's first name alone
 * too; the body's own address, phone and account (its letter's variables)
 * and a company's NIP stay. */
static void test_public_copy_anonymises_what_the_detector_finds(void **state)
{
	(void)state;
	letter_personal_t who = {"Zenobia Pióro-Kwiatkowska", "", "", ""};
	json_t *vars = letter_sample_vars_for("information_release", "public_information", "appeal");
	set_str(vars, "org.address", "Al. Niepodległości 218, 00-911 Warszawa");
	set_str(vars, "org.phone", "+48 261 871 205");
	const char *md =
	    "Szanowna Pani Zenobio, w załączeniu opinia sąsiada (PESEL 44051401359, "
	    "e-mail sasiad.prywatny@poczta.example, tel. 601 222 333, zam. ul. Brzozowa 9/3, "
	    "31-222 Kraków, rachunek PL61 1090 1014 0000 0712 1981 2874). Wykonawca: NIP "
	    "525-000-12-33.\n\nOdwołanie można złożyć w siedzibie: Al. Niepodległości 218, "
	    "00-911 Warszawa, tel. 261 871 205.\n";
	char *pmd = public_md(md, &who, vars);
	static const char *const never[] = {"Zenobio", "44051401359", "sasiad", "601 222 333",
	                                    "Brzozowa", "31-222",     "1090 1014"};
	for (size_t k = 0; k < sizeof never / sizeof never[0]; k++)
		if (strstr(pmd, never[k]))
			fail_msg("the public copy shows \"%s\": %s", never[k], pmd);
	/* (CommonMark escapes the brackets.) */
	assert_non_null(strstr(pmd, "Szanowna Pani \\[dane osobowe wnioskodawcy usunięte\\]"));
	assert_non_null(
	    strstr(pmd, "(PESEL \\[dane zanonimizowane\\], e-mail \\[dane zanonimizowane\\]"));
	assert_non_null(strstr(pmd, "525-000-12-33"));
	assert_non_null(strstr(pmd, "Al. Niepodległości 218, 00-911 Warszawa, tel. 261 871 205"));
	free(pmd);
	json_decref(vars);
}

static void test_letter_that_cannot_be_cleaned_has_no_public_copy(void **state)
{
	(void)state;
	/* A surname split by emphasis is no word of the text's nodes, but it
	 * is in the letter as read: then there is no copy at all. */
	const char *md = "Pismo do Pana Kowal**ski**.\n";
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[256] = "";
	assert_false(letter_public_markdown(md, &sample_requester, NULL, &sb, err, sizeof err));
	assert_non_null(strstr(err, "surname"));
	sb_free(&sb);
	/* The frame too: a signer sharing the requester's surname. */
	json_t *vars = letter_sample_vars_for("refusal_decision", "public_information", "appeal");
	set_str(vars, "signer.name", "Anna Kowalska");
	assert_null(letter_public_vars(vars, &sample_requester, err, sizeof err));
	assert_non_null(strstr(err, "signer.name"));
	json_decref(vars);
}

static int teardown_all(void **state)
{
	letter_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_lifecycle_document_has_a_letter_type_and_template),
	    cmocka_unit_test(test_every_type_renders_for_both_kinds_and_remedies),
	    cmocka_unit_test(test_every_type_renders_to_pdf_with_case_number_and_diacritics),
	    cmocka_unit_test(test_old_wrong_phrases_are_gone_from_every_letter),
	    cmocka_unit_test(test_bodies_are_named_in_the_genitive),
	    cmocka_unit_test(test_missing_variable_is_an_error_naming_it_and_the_line),
	    cmocka_unit_test(test_missing_variable_of_a_fragment_names_the_fragment),
	    cmocka_unit_test(test_missing_remedy_and_bad_kind_are_errors),
	    cmocka_unit_test(test_variable_of_wrong_type_is_an_error),
	    cmocka_unit_test(test_missing_frame_variable_is_an_error_naming_it),
	    cmocka_unit_test(test_escaped_values_never_open_markup),
	    cmocka_unit_test(test_hostile_subject_prints_literally_in_html),
	    cmocka_unit_test(test_hostile_subject_prints_literally_in_pdf),
	    cmocka_unit_test(test_hostile_frame_values_are_escaped),
	    cmocka_unit_test(test_newlines_in_values_become_line_breaks_or_paragraphs),
	    cmocka_unit_test(test_list_variables_accept_arrays_and_lines),
	    cmocka_unit_test(test_dates_are_written_in_polish_with_the_genitive_month),
	    cmocka_unit_test(test_letter_has_place_and_date_line),
	    cmocka_unit_test(test_decisions_carry_the_kpa_elements),
	    cmocka_unit_test(test_refusal_names_the_persons_of_article_16),
	    cmocka_unit_test(test_identity_call_renders_and_cites_kpa_107),
	    cmocka_unit_test(test_refusal_on_another_basis_has_no_persons_section),
	    cmocka_unit_test(test_appeal_forwarding_states_lateness_and_the_request_to_restore),
	    cmocka_unit_test(test_appeal_granted_decision_cancels_releases_and_instructs_the_appeal),
	    cmocka_unit_test(test_ponaglenie_letters_forward_or_decide),
	    cmocka_unit_test(test_flag_sections_take_their_lines_or_none),
	    cmocka_unit_test(test_section_errors_are_reported_at_load),
	    cmocka_unit_test(test_remedy_instruction_follows_the_organisation_policy),
	    cmocka_unit_test(test_reuse_cases_get_the_reuse_variant),
	    cmocka_unit_test(test_court_answer_for_reuse_cites_the_uod),
	    cmocka_unit_test(test_court_complaint_instructions_name_the_decision_fee),
	    cmocka_unit_test(test_body_without_public_authority_issues_a_rozstrzygniecie),
	    cmocka_unit_test(test_standing_access_offer_has_no_objection_instruction),
	    cmocka_unit_test(test_reuse_form_notice_cites_article_41_or_42),
	    cmocka_unit_test(test_comments_leave_no_trace),
	    cmocka_unit_test(test_template_errors_are_reported_at_load_with_file_and_line),
	    cmocka_unit_test(test_multiline_comments_and_their_lines_are_removed),
	    cmocka_unit_test(test_html_can_link_the_css_or_be_a_fragment),
	    cmocka_unit_test(test_clerk_markdown_renders_raw_html_safely),
	    cmocka_unit_test(test_pdf_is_reproducible_and_has_metadata),
	    cmocka_unit_test(test_long_letter_breaks_pages_and_numbers_them),
	    cmocka_unit_test(test_threads_render_pdfs_concurrently),
	    cmocka_unit_test(test_sample_rejects_unknown_kind_and_remedy),
	    cmocka_unit_test(test_docs_list_every_type_and_variable),
	    cmocka_unit_test(test_type_vars_include_the_remedy_fragments),
	    cmocka_unit_test(test_public_copy_of_every_letter_shows_no_requester_data),
	    cmocka_unit_test(test_public_copy_finds_declined_names_escaped_mail_and_phones),
	    cmocka_unit_test(test_public_copy_anonymises_what_the_detector_finds),
	    cmocka_unit_test(test_letter_that_cannot_be_cleaned_has_no_public_copy),
	    cmocka_unit_test(test_shutdown_waits_for_the_font_maps_still_in_use),
	};
	return cmocka_run_group_tests(tests, setup, teardown) | teardown_all(NULL);
}
