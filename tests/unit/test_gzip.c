/* SPDX-License-Identifier: EUPL-1.2 */
/* Texts kept compressed (server/core/gzip.c): a gzip member that any
 * gzip reader decompresses to the text, with the visit count spliced into
 * its gap as it is sent, and the plain text for a client that takes no
 * gzip, whatever the count's length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "core/arena.h"
#include "core/gzip.h"

static arena_t *a;

static int setup(void **state)
{
	(void)state;
	a = arena_new(1 << 16);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

/* A page much like a register item's: repeated markup, the count in the
 * footer, markup after it that repeats what came before. */
static char *page(size_t *head_len, const char **tail)
{
	static char buf[16384];
	size_t n = 0;
	n += (size_t)snprintf(buf + n, sizeof buf - n, "<!DOCTYPE html>\n<html lang=\"pl\"><body>");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
		                      "<tr><td data-label=\"Wersja\">1.%d</td><td data-label=\"Kto\">"
		                      "Łukasz Pawłowski</td></tr>\n",
		                      i);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "<dt>Liczba odwiedzin</dt><dd>");
	*head_len = n;
	*tail = buf + n + 1; /* after a NUL that separates them */
	snprintf(buf + n + 1, sizeof buf - n - 1,
	         "</dd></dl><table><tr><td data-label=\"Wersja\">1.0</td><td data-label=\"Kto\">"
	         "Łukasz Pawłowski</td></tr></table></body></html>\n");
	return buf;
}

/* What zlib's own gzip reader makes of `gz` (not gzip_inflate()). */
static char *gunzip(const unsigned char *gz, size_t len, size_t *out_len)
{
	z_stream s = {0};
	assert_int_equal(inflateInit2(&s, 16 + MAX_WBITS), Z_OK);
	size_t cap = 1 << 20;
	char *out = malloc(cap);
	s.next_in = (Bytef *)gz;
	s.avail_in = (uInt)len;
	s.next_out = (Bytef *)out;
	s.avail_out = (uInt)cap;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.avail_in, 0);
	*out_len = cap - s.avail_out;
	inflateEnd(&s);
	out[*out_len] = '\0';
	return out;
}

static char *joined(const char *head, size_t head_len, const char *fill, const char *tail)
{
	size_t n = head_len + strlen(fill) + strlen(tail);
	char *s = malloc(n + 1);
	memcpy(s, head, head_len);
	strcpy(s + head_len, fill);
	strcat(s, tail);
	return s;
}

static void test_a_text_without_gap_is_one_gzip_member(void **state)
{
	(void)state;
	const char *text = "<p>Rejestr wniosków — Jawność</p>\n<p>Rejestr wniosków — Jawność</p>\n";
	struct gzip_text t;
	assert_true(gzip_pack(a, text, strlen(text), -1, NULL, 0, &t));
	assert_false(t.has_gap);
	size_t len, plen;
	const unsigned char *gz = gzip_member(a, &t, NULL, 0, &len);
	assert_int_equal(gz[0], 0x1f);
	assert_int_equal(gz[1], 0x8b);
	char *out = gunzip(gz, len, &plen);
	assert_string_equal(out, text);
	free(out);
	const char *plain = gzip_plain(a, &t, NULL, 0, &plen);
	assert_non_null(plain);
	assert_int_equal(plen, strlen(text));
	assert_string_equal(plain, text);
}

static void test_the_count_goes_into_the_gap_and_the_tail_keeps_its_history(void **state)
{
	(void)state;
	size_t head_len;
	const char *tail;
	const char *head = page(&head_len, &tail);
	struct gzip_text t;
	assert_true(gzip_pack(a, head, head_len, 2, tail, strlen(tail), &t));
	assert_true(t.has_gap);
	assert_false(t.any_fill);
	/* The tail, compressed after the head, is a fraction of its length:
	 * it refers back over the gap to what the head said. */
	assert_true(t.tail_z < strlen(tail) / 2);
	assert_true(gzip_fits(&t, 2));
	assert_false(gzip_fits(&t, 3));
	const char *counts[] = {"10", "42", "99"};
	for (size_t i = 0; i < 3; i++) {
		size_t len, plen;
		const unsigned char *gz = gzip_member(a, &t, counts[i], 2, &len);
		char *want = joined(head, head_len, counts[i], tail);
		char *out = gunzip(gz, len, &plen);
		assert_string_equal(out, want);
		char *mine = malloc(plen + 1);
		assert_true(gzip_inflate(gz, len, mine, plen));
		assert_memory_equal(mine, want, plen);
		free(mine);
		free(out);
		free(want);
	}
}

static void test_a_count_of_another_length_is_sent_plain_and_right(void **state)
{
	(void)state;
	size_t head_len;
	const char *tail;
	const char *head = page(&head_len, &tail);
	struct gzip_text t;
	assert_true(gzip_pack(a, head, head_len, 1, tail, strlen(tail), &t));
	const char *counts[] = {"7", "10", "12345678901234567890", ""};
	for (size_t i = 0; i < 4; i++) {
		size_t plen;
		const char *plain = gzip_plain(a, &t, counts[i], strlen(counts[i]), &plen);
		char *want = joined(head, head_len, counts[i], tail);
		assert_non_null(plain);
		assert_int_equal(plen, strlen(want));
		assert_string_equal(plain, want);
		assert_int_equal(plen, gzip_plain_len(&t, strlen(counts[i])));
		free(want);
	}
}

static void test_a_tail_with_every_byte_takes_a_fill_of_any_length(void **state)
{
	(void)state;
	char tail[600];
	for (int i = 0; i < 256; i++) {
		tail[2 * i] = (char)(i ? i : 1);
		tail[2 * i + 1] = 'x';
	}
	tail[0] = '\0'; /* byte 0 at the start, then 1..255 */
	const char *head = "<dd>";
	struct gzip_text t;
	assert_true(gzip_pack(a, head, 4, 3, tail, 512, &t));
	assert_true(t.any_fill);
	assert_true(gzip_fits(&t, 1));
	assert_true(gzip_fits(&t, 7));
	size_t len, plen;
	const unsigned char *gz = gzip_member(a, &t, "1234567", 7, &len);
	char *out = gunzip(gz, len, &plen);
	assert_int_equal(plen, 4 + 7 + 512);
	assert_memory_equal(out, "<dd>1234567", 11);
	assert_memory_equal(out + 11, tail, 512);
	free(out);
}

static void test_damaged_bytes_are_found_not_sent(void **state)
{
	(void)state;
	size_t head_len;
	const char *tail;
	const char *head = page(&head_len, &tail);
	struct gzip_text t;
	assert_true(gzip_pack(a, head, head_len, 1, tail, strlen(tail), &t));
	unsigned char *z = arena_alloc(a, t.head_z + t.tail_z);
	memcpy(z, t.z, t.head_z + t.tail_z);
	z[t.head_z / 2] ^= 0x55;
	t.z = z;
	size_t plen;
	assert_null(gzip_plain(a, &t, "5", 1, &plen));
	assert_false(gzip_pack(a, head, head_len, GZIP_GAP_MAX + 1, tail, strlen(tail), &t));
}

/* A page in the layout's shape: the same text up to the title and from
 * its end to the end of the header on every page, then the page's own,
 * the count in the footer. */
static const char layout_top[] =
    "<!DOCTYPE html>\n<html lang=\"pl\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
static const char layout_header[] =
    "</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n</head>\n<body>\n"
    "<header class=\"site-header\"><nav><ul><li><a href=\"/\">Strona główna</a></li>"
    "<li><a href=\"/wniosek\">Złóż wniosek</a></li><li><a href=\"/rejestr\">Rejestr "
    "wniosków</a></li><li><a href=\"/jak-uzyskac-informacje\">Jak uzyskać informację</a>"
    "</li></ul></nav></header>";

static size_t item_page(char *buf, size_t cap, int item, size_t *title_at, size_t *head_len,
                        const char **tail)
{
	size_t n = (size_t)snprintf(buf, cap, "%s", layout_top);
	*title_at = n;
	n += (size_t)snprintf(buf + n, cap - n, "Sprawa OR.1431.%d.2026 — Rejestr — Jawność", item);
	size_t at = n;
	n += (size_t)snprintf(buf + n, cap - n, "%s<main>", layout_header);
	for (int i = 0; i <= item % 5; i++)
		n += (size_t)snprintf(buf + n, cap - n,
		                      "<tr><td data-label=\"Wersja\">1.%d</td><td>Wniosek %d o "
		                      "koszty remontu drogi</td></tr>\n",
		                      i, item);
	n += (size_t)snprintf(buf + n, cap - n, "<dt>Liczba odwiedzin</dt><dd>");
	*head_len = n;
	*tail = buf + n + 1;
	snprintf(buf + n + 1, cap - n - 1,
	         "</dd></dl><p>Jawność — system obsługi wniosków o udostępnienie informacji "
	         "publicznej.</p><a href=\"/rejestr\">Rejestr wniosków</a></body></html>\n");
	return at;
}

static void test_shared_parts_are_spliced_and_every_page_decompresses_whole(void **state)
{
	(void)state;
	size_t top = strlen(layout_top), header = strlen(layout_header);
	const struct gzip_part *first = gzip_share(layout_top, top);
	const struct gzip_part *second = gzip_share(layout_header, header);
	assert_non_null(first);
	assert_non_null(second);
	/* The same bytes, the same part: made once. */
	char copy[sizeof layout_header];
	memcpy(copy, layout_header, sizeof copy);
	assert_ptr_equal(gzip_share(copy, header), second);
	assert_ptr_equal(gzip_share(layout_top, top), first);
	for (int item = 1; item <= 7; item++) {
		static char buf[16384];
		size_t title_at, head_len;
		const char *tail;
		size_t at = item_page(buf, sizeof buf, item, &title_at, &head_len, &tail);
		assert_int_equal(title_at, top);
		struct gzip_splice sp = {first, second, at};
		struct gzip_text t, whole;
		assert_true(gzip_pack_spliced(a, &sp, buf, head_len, 2, tail, strlen(tail), &t));
		assert_ptr_equal(t.first, first);
		assert_ptr_equal(t.second, second);
		assert_true(gzip_pack(a, buf, head_len, 2, tail, strlen(tail), &whole));
		/* The copy holds its own bytes only: the shared parts less. */
		assert_true(t.lead_z + t.head_z + t.tail_z + first->z_len / 2 <
		            whole.head_z + whole.tail_z);
		const char *counts[] = {"10", "57"};
		for (size_t i = 0; i < 2; i++) {
			size_t len, plen;
			const unsigned char *gz = gzip_member(a, &t, counts[i], 2, &len);
			char *want = joined(buf, head_len, counts[i], tail);
			char *out = gunzip(gz, len, &plen);
			assert_string_equal(out, want);
			free(out);
			/* The plain text for a client without gzip, a count of any
			 * length. */
			const char *plain = gzip_plain(a, &t, counts[i], 2, &plen);
			assert_non_null(plain);
			assert_string_equal(plain, want);
			free(want);
		}
		size_t plen;
		const char *longer = gzip_plain(a, &t, "1234", 4, &plen);
		char *want = joined(buf, head_len, "1234", tail);
		assert_non_null(longer);
		assert_string_equal(longer, want);
		free(want);
	}
}

static void test_a_shared_part_the_text_does_not_have_is_left_out(void **state)
{
	(void)state;
	const struct gzip_part *second = gzip_share(layout_header, strlen(layout_header));
	assert_non_null(second);
	static char buf[16384];
	size_t title_at, head_len;
	const char *tail;
	size_t at = item_page(buf, sizeof buf, 3, &title_at, &head_len, &tail);
	/* The second part named one byte off, and a first part the text does
	 * not start with: both left out, the text kept whole and right. */
	const struct gzip_part *other = gzip_share("<!DOCTYPE svg>", 14);
	struct gzip_splice sp = {other, second, at + 1};
	struct gzip_text t;
	assert_true(gzip_pack_spliced(a, &sp, buf, head_len, -1, NULL, 0, &t));
	assert_null(t.first);
	assert_null(t.second);
	size_t len, plen;
	const unsigned char *gz = gzip_member(a, &t, NULL, 0, &len);
	char *out = gunzip(gz, len, &plen);
	assert_int_equal(plen, head_len);
	assert_memory_equal(out, buf, head_len);
	free(out);
	/* Without a gap and without a lead (the second part at the first's
	 * end): spliced, whole. */
	const struct gzip_part *first = gzip_share(layout_top, strlen(layout_top));
	char page2[4096];
	int n = snprintf(page2, sizeof page2, "%s%s<main>Treść</main>", layout_top, layout_header);
	struct gzip_splice sp2 = {first, second, strlen(layout_top)};
	assert_true(gzip_pack_spliced(a, &sp2, page2, (size_t)n, -1, NULL, 0, &t));
	assert_non_null(t.first);
	assert_non_null(t.second);
	assert_int_equal(t.lead_z, 0);
	gz = gzip_member(a, &t, NULL, 0, &len);
	out = gunzip(gz, len, &plen);
	assert_string_equal(out, page2);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_text_without_gap_is_one_gzip_member),
	    cmocka_unit_test(test_the_count_goes_into_the_gap_and_the_tail_keeps_its_history),
	    cmocka_unit_test(test_a_count_of_another_length_is_sent_plain_and_right),
	    cmocka_unit_test(test_a_tail_with_every_byte_takes_a_fill_of_any_length),
	    cmocka_unit_test(test_damaged_bytes_are_found_not_sent),
	    cmocka_unit_test(test_shared_parts_are_spliced_and_every_page_decompresses_whole),
	    cmocka_unit_test(test_a_shared_part_the_text_does_not_have_is_left_out),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
