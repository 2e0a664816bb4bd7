/* SPDX-License-Identifier: EUPL-1.2 */
/* The inbound mail parser (server/mail/): every message of the corpus
 * tests/mail/corpus/ against its line in EXPECT (run from the
 * repository's root, as tests/run.sh does), what every result promises
 * (valid UTF-8, no control character, clean file names), a 20 MB
 * attachment made at run time, the limits, and the text helpers. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "mail/classify.h"
#include "mail/html.h"
#include "mail/parse.h"
#include "mail/text.h"

#define CORPUS "tests/mail/corpus/"

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	unsigned char *b = malloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		fail_msg("cannot read %s", path);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Valid UTF-8 without NUL and without control characters but those
 * allowed (LF and tab in a text, none in a header value). */
static bool clean(const char *s, bool text)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(text && (c == '\n' || c == '\t'))) || c == 0x7F)
			return false;
	}
	return true;
}

/* What every parse promises, whatever the input. */
static int check_promises(const char *name, const struct mail *m)
{
	int bad = 0;
#define PROMISE(cond)                                                                  \
	do {                                                                               \
		if (!(cond)) {                                                                 \
			print_error("%s: broken promise: %s\n", name, #cond);                      \
			bad++;                                                                     \
		}                                                                              \
	} while (0)
	PROMISE(clean(m->from_address, false) && strlen(m->from_address) <= 998);
	PROMISE(clean(m->from_name, false) && strlen(m->from_name) <= 998);
	PROMISE(clean(m->subject, false) && strlen(m->subject) <= 998);
	PROMISE(clean(m->message_id, false));
	PROMISE(clean(m->in_reply_to, false));
	PROMISE(clean(m->text, true));
	PROMISE(m->nrefs <= 100);
	for (size_t i = 0; i < m->nrefs; i++)
		PROMISE(clean(m->refs[i], false) && m->refs[i][0]);
	PROMISE(!m->bounce_of || clean(m->bounce_of, false));
	PROMISE(!m->bounce_recipient || clean(m->bounce_recipient, false));
	PROMISE((m->kind == MAIL_UNREADABLE) == (m->parse_error != NULL));
	PROMISE(!m->note || clean(m->note, false));
	for (size_t i = 0; i < m->nparts; i++) {
		const struct mail_part *p = &m->parts[i];
		PROMISE(p->filename[0] && strlen(p->filename) <= 255 && clean(p->filename, false));
		PROMISE(!strchr(p->filename, '/') && !strchr(p->filename, '\\'));
		PROMISE(strcmp(p->filename, ".") && strcmp(p->filename, ".."));
		PROMISE(strchr(p->content_type, '/') && strlen(p->content_type) <= 255 &&
		        clean(p->content_type, false));
		PROMISE(p->data != NULL);
		PROMISE(p->readable == (p->note[0] == '\0'));
	}
#undef PROMISE
	return bad;
}

/* "\n" -> line feed: the manifest's notation. */
static char *unescape(const char *s)
{
	char *o = malloc(strlen(s) + 1), *p = o;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*p++ = '\n';
			s++;
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	return o;
}

static bool has_file(const struct mail *m, const char *name)
{
	for (size_t i = 0; i < m->nparts; i++)
		if (!strcmp(m->parts[i].filename, name))
			return true;
	return false;
}

/* One key=value check of the manifest; the number of failures. */
static int check_extra(const char *file, const struct mail *m, const char *key, const char *v)
{
	int bad = 0;
	char *u = unescape(v);
	size_t inl = 0, unread = 0;
	for (size_t i = 0; i < m->nparts; i++) {
		inl += m->parts[i].inline_image;
		unread += !m->parts[i].readable;
	}
#define EXPECT(cond)                                                                        \
	do {                                                                                    \
		if (!(cond)) {                                                                      \
			print_error("%s: %s=%s does not hold\n", file, key, v);                         \
			bad++;                                                                          \
		}                                                                                   \
	} while (0)
	if (!strcmp(key, "name"))
		EXPECT(!strcmp(m->from_name, u));
	else if (!strcmp(key, "irt"))
		EXPECT(!strcmp(m->in_reply_to, u));
	else if (!strcmp(key, "refs"))
		EXPECT(m->nrefs == (size_t)atoi(u));
	else if (!strcmp(key, "lastref"))
		EXPECT(m->nrefs > 0 && !strcmp(m->refs[m->nrefs - 1], u));
	else if (!strncmp(key, "file", 4))
		EXPECT(has_file(m, u));
	else if (!strcmp(key, "size1"))
		EXPECT(m->nparts > 0 && m->parts[0].size == (size_t)atol(u));
	else if (!strcmp(key, "inline"))
		EXPECT(inl == (size_t)atoi(u));
	else if (!strcmp(key, "unreadable"))
		EXPECT(unread == (size_t)atoi(u));
	else if (!strcmp(key, "bounce_of"))
		EXPECT(m->bounce_of && !strcmp(m->bounce_of, u));
	else if (!strcmp(key, "bounce_rcpt"))
		EXPECT(m->bounce_recipient && !strcmp(m->bounce_recipient, u));
	else if (!strncmp(key, "text", 4))
		EXPECT(strstr(m->text, u) != NULL);
	else if (!strncmp(key, "absent", 6))
		EXPECT(strstr(m->text, u) == NULL);
	else if (!strcmp(key, "error"))
		EXPECT(m->parse_error && strstr(m->parse_error, u));
	else if (!strcmp(key, "note"))
		EXPECT(m->note && strstr(m->note, u));
	else
		EXPECT(!"a known key");
#undef EXPECT
	free(u);
	return bad;
}

static int check_line(char *line)
{
	char *f[32] = {0};
	int n = 0;
	for (char *s = line; n < 32;) {
		f[n++] = s;
		char *tab = strchr(s, '\t');
		if (!tab)
			break;
		*tab = '\0';
		s = tab + 1;
	}
	if (n < 6) {
		print_error("EXPECT: a line with %d fields: %s\n", n, line);
		return 1;
	}
	char path[512];
	snprintf(path, sizeof path, CORPUS "%s", f[0]);
	size_t len;
	unsigned char *raw = read_file(path, &len);
	arena_t *a = arena_new(4096);
	struct mail m;
	mail_parse(a, raw, len, NULL, &m);
	int bad = check_promises(f[0], &m);
	if (strcmp(mail_kind_name(m.kind), f[1]))
		print_error("%s: kind %s, expected %s\n", f[0], mail_kind_name(m.kind), f[1]), bad++;
	if (strcmp(m.from_address, f[2]))
		print_error("%s: from \"%s\", expected \"%s\"\n", f[0], m.from_address, f[2]), bad++;
	if (m.nparts != (size_t)atoi(f[3]))
		print_error("%s: %zu parts, expected %s\n", f[0], m.nparts, f[3]), bad++;
	if (strcmp(m.subject, f[4]))
		print_error("%s: subject \"%s\", expected \"%s\"\n", f[0], m.subject, f[4]), bad++;
	char *want = unescape(f[5]);
	if (!strcmp(want, "-") ? m.text[0] != '\0' : strstr(m.text, want) == NULL)
		print_error("%s: text \"%s\" lacks \"%s\"\n", f[0], m.text, want), bad++;
	free(want);
	for (int k = 6; k < n; k++) {
		char *kv = f[k], *eq = strchr(kv, '=');
		if (!eq) {
			print_error("%s: bad check \"%s\"\n", f[0], kv);
			bad++;
			continue;
		}
		*eq = '\0';
		bad += check_extra(f[0], &m, kv, eq + 1);
	}
	arena_free(a);
	free(raw);
	return bad;
}

static void test_every_corpus_message_reads_as_expected(void **state)
{
	FILE *f = fopen(CORPUS "EXPECT", "r");
	assert_non_null(f);
	char line[8192];
	int messages = 0, bad = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		messages++;
		bad += check_line(line);
	}
	fclose(f);
	/* The issue asks for at least 40 messages shaped like real ones. */
	assert_true(messages >= 40);
	/* And none of them goes unchecked: a line for every .eml there. */
	DIR *d = opendir(CORPUS);
	assert_non_null(d);
	int files = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		files += l > 4 && !strcmp(e->d_name + l - 4, ".eml");
	}
	closedir(d);
	assert_int_equal(messages, files);
	assert_int_equal(bad, 0);
}

/* A 20 MB attachment (made here, not committed): kept whole, bytes
 * intact, within the default limits. */
static void test_20_mb_attachment_is_kept_whole(void **state)
{
	const size_t size = 20u * 1024 * 1024;
	unsigned char *data = malloc(size);
	uint32_t x = 2090;
	for (size_t i = 0; i < size; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (unsigned char)(x >> 16);
	}
	strbuf_t sb;
	sb_init(&sb, NULL);
	sb_puts(&sb, "From: Anna Nowak <anna.nowak@example.com>\r\nTo: urzad@urzad.example.org\r\n"
	             "Subject: Skany dokumentacji\r\nMessage-ID: <big@example.com>\r\n"
	             "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"big\"\r\n\r\n"
	             "--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSkany w załączniku.\r\n"
	             "--big\r\nContent-Type: application/zip; name=\"skany.zip\"\r\n"
	             "Content-Disposition: attachment; filename=\"skany.zip\"\r\n"
	             "Content-Transfer-Encoding: base64\r\n\r\n");
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0, col = 0; i < size; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < size ? (uint32_t)data[i + 1] << 8 : 0) |
		             (i + 2 < size ? data[i + 2] : 0);
		char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < size ? b64[v >> 6 & 63] : '=',
		             i + 2 < size ? b64[v & 63] : '='};
		sb_append(&sb, q, 4);
		if ((col += 4) == 76) {
			sb_puts(&sb, "\r\n");
			col = 0;
		}
	}
	sb_puts(&sb, "\r\n--big--\r\n");
	arena_t *a = arena_new(4096);
	struct mail m;
	mail_parse(a, (const unsigned char *)sb.data, sb.len, NULL, &m);
	assert_string_equal(mail_kind_name(m.kind), "message");
	assert_null(m.note);
	assert_int_equal(m.nparts, 1);
	assert_string_equal(m.parts[0].filename, "skany.zip");
	assert_int_equal(m.parts[0].size, size);
	assert_memory_equal(m.parts[0].data, data, size);
	assert_string_equal(m.text, "Skany w załączniku.");
	arena_free(a);
	sb_free(&sb);
	free(data);
}

/* Over the total of decoded attachments: the parts beyond are left out
 * with a note, the rest and the text are kept. */
static void test_decoded_limit_leaves_a_note(void **state)
{
	size_t len;
	unsigned char *raw = read_file(CORPUS "35-office-letter-attachments.eml", &len);
	struct mail_limits lim = mail_limits_default;
	lim.decoded = 200; /* the spreadsheet (119 bytes) fits, the PDF (125) does not */
	arena_t *a = arena_new(4096);
	struct mail m;
	mail_parse(a, raw, len, &lim, &m);
	assert_int_equal(m.nparts, 1);
	assert_string_equal(m.parts[0].filename, "zestawienie wydatków.xlsx");
	assert_non_null(m.note);
	assert_non_null(strstr(m.note, "pominięto"));
	assert_non_null(strstr(m.text, "przesyłamy żądane dokumenty"));
	assert_string_equal(mail_kind_name(m.kind), "message");
	arena_free(a);
	free(raw);
}

static void test_text_limit_cuts_on_a_character(void **state)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	sb_puts(&sb, "From: a@example.com\r\nSubject: dlugi\r\nContent-Type: text/plain; "
	             "charset=utf-8\r\n\r\n");
	for (int i = 0; i < 1000; i++)
		sb_puts(&sb, "żółć ");
	struct mail_limits lim = mail_limits_default;
	lim.text = 101; /* inside a two-byte letter */
	arena_t *a = arena_new(4096);
	struct mail m;
	mail_parse(a, (const unsigned char *)sb.data, sb.len, &lim, &m);
	assert_true(strlen(m.text) <= 101);
	assert_true(utf8_valid(m.text, strlen(m.text)));
	assert_non_null(m.note);
	arena_free(a);
	sb_free(&sb);
}

static void test_empty_input_is_unreadable(void **state)
{
	arena_t *a = arena_new(4096);
	struct mail m;
	mail_parse(a, (const unsigned char *)"", 0, NULL, &m);
	assert_int_equal(m.kind, MAIL_UNREADABLE);
	assert_non_null(m.parse_error);
	assert_string_equal(m.text, "");
	arena_free(a);
}

/* ---- Charsets -------------------------------------------------------------- */

static void test_charset_guess_tells_the_polish_charsets_apart(void **state)
{
	/* "ąśź" in Windows-1250 and in ISO-8859-2. */
	assert_string_equal(mail_guess_charset((const unsigned char *)"\xb9\x9c\x9f", 3),
	                    "windows-1250");
	assert_string_equal(mail_guess_charset((const unsigned char *)"\xb1\xb6\xbc", 3),
	                    "iso-8859-2");
	/* Only letters both place alike (ł ó ż), and a „quote” of Windows. */
	assert_string_equal(mail_guess_charset((const unsigned char *)"\xb3\xf3\xbf \x84x\x94", 7),
	                    "windows-1250");
}

static void test_to_utf8_overrules_a_wrong_declaration(void **state)
{
	arena_t *a = arena_new(4096);
	/* Declared Latin-2, sent UTF-8. */
	assert_string_equal(mail_to_utf8(a, "iso-8859-2", (const unsigned char *)"żółw", 7, NULL),
	                    "żółw");
	/* Declared UTF-8, sent Windows-1250. */
	assert_string_equal(mail_to_utf8(a, "utf-8", (const unsigned char *)"\x9c\x77iat", 5, NULL),
	                    "świat");
	/* Unknown charset, Latin-2 bytes. */
	assert_string_equal(mail_to_utf8(a, "x-bogus", (const unsigned char *)"\xb1\xb6", 2, NULL),
	                    "ąś");
	/* Mostly UTF-8 with one broken byte: U+FFFD for it, the rest kept. */
	assert_string_equal(mail_to_utf8(a, NULL, (const unsigned char *)"ąę\xffłó", 9, NULL),
	                    "ąę\xef\xbf\xbdłó");
	/* NUL, controls, CR LF. */
	assert_string_equal(mail_to_utf8(a, "utf-8", (const unsigned char *)"a\0b\x01\r\nc\rd", 9,
	                                 NULL),
	                    "ab\nc\nd");
	/* A header value on one line, direction overrides gone. */
	assert_string_equal(mail_clean(a, " a\tb\n\xe2\x80\xae" "c  ", 10, true, NULL), "a b c");
	arena_free(a);
}

static void test_truncate_keeps_sequences_whole(void **state)
{
	char s[] = "ąąą";
	assert_true(mail_truncate(s, 3));
	assert_string_equal(s, "ą");
	char t[] = "abc";
	assert_false(mail_truncate(t, 3));
}

/* ---- HTML ------------------------------------------------------------------- */

static void test_html_drops_active_content_and_decodes_entities(void **state)
{
	arena_t *a = arena_new(4096);
	static const char html[] =
	    "<p>Ala &amp; kot</p><script>alert(1)</script><STYLE>x{}</STYLE>"
	    "<p onclick=\"a>b\">za&#322;&#x105;cznik &lt;b&gt; &#0; &#xD800; &#99999999;</p>"
	    "<a href=\"javascript:alert(1)\">link</a> <a href='https://example.org/?a=1&amp;b=2'>tu</a>"
	    "<head><title>t</title></head>tekst po head<style>nigdy nie zamknięty";
	const char *t = mail_html_text(a, html, strlen(html), 10000, NULL);
	assert_string_equal(t, "Ala & kot\n\nzałącznik <b> \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\n\n"
	                       "link tu (https://example.org/?a=1&b=2)tekst po head");
	/* A head never closed is not the whole message. */
	t = mail_html_text(a, "<html><head><meta x><body>Treść", 34, 10000, NULL);
	assert_string_equal(t, "Treść");
	/* Character references to controls are no way in for them. */
	t = mail_html_text(a, "a&#3;b&#x7f;c&#13;d&#9;e", 24, 10000, NULL);
	assert_string_equal(t, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c d e");
	t = mail_html_text(a, "a<br><br><br><br>b", 18, 10000, NULL);
	assert_string_equal(t, "a\n\nb");
	arena_free(a);
}

static void test_html_meta_charset(void **state)
{
	char cs[32];
	static const char h[] = "<html><head><meta charset=\"Windows-1250\"></head>";
	mail_html_charset((const unsigned char *)h, strlen(h), cs, sizeof cs);
	assert_string_equal(cs, "windows-1250");
	static const char g[] = "<p>charset=utf-8 is text, not a meta</p>";
	mail_html_charset((const unsigned char *)g, strlen(g), cs, sizeof cs);
	assert_string_equal(cs, "");
}

/* ---- Classification --------------------------------------------------------- */

static void test_auto_reply_rules(void **state)
{
	assert_true(mail_auto_header("Auto-Submitted", "auto-replied"));
	assert_true(mail_auto_header("auto-submitted", " auto-generated (vacation)"));
	assert_false(mail_auto_header("Auto-Submitted", "no"));
	assert_false(mail_auto_header("Auto-Submitted", "No "));
	assert_true(mail_auto_header("Precedence", "bulk"));
	assert_false(mail_auto_header("Precedence", "list"));
	assert_true(mail_auto_subject("AUTOMATYCZNA ODPOWIEDŹ: Wniosek"));
	assert_true(mail_auto_subject("Out of Office: Wniosek"));
	assert_true(mail_auto_subject("Auto: wniosek"));
	assert_false(mail_auto_subject("Re: Automatyczna odpowiedź: Wniosek"));
	assert_false(mail_auto_subject("Wniosek o informację: praca poza biurem"));
	assert_true(mail_system_sender("MAILER-DAEMON@example.org"));
	assert_false(mail_system_sender("daemon@example.org"));
}

static void test_dsn_reads_the_first_failed_recipient(void **state)
{
	arena_t *a = arena_new(4096);
	static const char dsn[] = "Reporting-MTA: dns; mx\r\n\r\n"
	                          "Final-Recipient: rfc822; ok@example.org\r\nAction: delivered\r\n\r\n"
	                          "Original-Recipient: rfc822;<zly@example.org>\r\nStatus: 5.1.1\r\n";
	const char *r;
	assert_true(mail_dsn_failed(a, dsn, strlen(dsn), &r));
	assert_string_equal(r, "zly@example.org");
	static const char delay[] = "Final-Recipient: rfc822; x@example.org\nAction: delayed\n"
	                            "Status: 4.4.1\n";
	assert_false(mail_dsn_failed(a, delay, strlen(delay), &r));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_corpus_message_reads_as_expected),
	    cmocka_unit_test(test_20_mb_attachment_is_kept_whole),
	    cmocka_unit_test(test_decoded_limit_leaves_a_note),
	    cmocka_unit_test(test_text_limit_cuts_on_a_character),
	    cmocka_unit_test(test_empty_input_is_unreadable),
	    cmocka_unit_test(test_charset_guess_tells_the_polish_charsets_apart),
	    cmocka_unit_test(test_to_utf8_overrules_a_wrong_declaration),
	    cmocka_unit_test(test_truncate_keeps_sequences_whole),
	    cmocka_unit_test(test_html_drops_active_content_and_decodes_entities),
	    cmocka_unit_test(test_html_meta_charset),
	    cmocka_unit_test(test_auto_reply_rules),
	    cmocka_unit_test(test_dsn_reads_the_first_failed_recipient),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
