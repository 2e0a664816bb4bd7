/* SPDX-License-Identifier: EUPL-1.2 */
/* Fuzzes the template compiler and renderer. The input is a template source,
 * optionally followed by a NUL byte and the source of a second template;
 * they are registered as "fuzz" and "part" (so either can include the other
 * or itself) and rendered over a fixed context full of HTML-looking data.
 *
 * Besides crashes and leaks it checks that data is always escaped: when the
 * input itself holds no '<', "<script" must never reach the output, although
 * the context has it in strings and in a forged {"$html": ...} object. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Nested sections over arrays multiply work (3 elements, 20 levels deep is
 * 3^20 renders); such templates say nothing new about parsing, so inputs
 * with many section or partial tags are skipped to keep runs fast. */
#define MAX_INPUT 4096
#define MAX_BLOCK_TAGS 10

static const char CONTEXT[] =
    "{\"title\": \"Jawność <script>alert(1)</script>\", \"n\": 42, \"r\": 2.5,"
    " \"big\": 1e300, \"zero\": 0, \"t\": true, \"f\": false, \"nul\": null,"
    " \"empty\": \"\", \"none\": [], \"quote\": \"'\\\"&<>\","
    " \"items\": [{\"name\": \"<script>x</script>\", \"id\": 1, \"tags\": [\"x\", \"y&z\"]},"
    "             {\"name\": \"b'\\\"\", \"id\": 2, \"tags\": []}, \"<script>\"],"
    " \"org\": {\"name\": \"Urząd\", \"addr\": {\"city\": \"Łódź\", \"zip\": \"90-001\"}},"
    " \"kids\": [{\"name\": \"k1\", \"kids\": [{\"name\": \"k11\", \"kids\": []}]},"
    "            {\"name\": \"k2\", \"kids\": []}],"
    " \"html\": {\"$html\": \"<script>forged</script>\"}}";

static size_t count_block_tags(const uint8_t *data, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i + 2 < size; i++)
		if (data[i] == '{' && data[i + 1] == '{' &&
		    (data[i + 2] == '#' || data[i + 2] == '^' || data[i + 2] == '>'))
			n++;
	return n;
}

static void check_escaped(const uint8_t *data, size_t size, const strbuf_t *out)
{
	if (memchr(data, '<', size) || !out->data)
		return;
	if (memmem(out->data, out->len, "<script", 7))
		abort();
}

static void render_all(const tmpl_set_t *set, json_t *ctx, const uint8_t *data, size_t size)
{
	char err[128];
	strbuf_t out;
	sb_init(&out, NULL);
	tmpl_render(set, "fuzz", ctx, &out, err, sizeof err);
	check_escaped(data, size, &out);
	sb_reset(&out);
	tmpl_render_page(set, "part", "fuzz", ctx, &out, err, sizeof err);
	check_escaped(data, size, &out);
	sb_reset(&out);
	tmpl_render_page(set, "fuzz", "part", NULL, &out, err, sizeof err);
	check_escaped(data, size, &out);
	sb_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT || count_block_tags(data, size) > MAX_BLOCK_TAGS)
		return 0;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t first = nul ? (size_t)(nul - data) : size;
	char err[64];
	tmpl_set_t *set = tmpl_set_new();
	if (!tmpl_add(set, "fuzz", (const char *)data, first, err, sizeof err)) {
		if (strnlen(err, sizeof err) == sizeof err)
			abort(); /* the error must be NUL-terminated */
		goto out;
	}
	if (nul)
		tmpl_add(set, "part", (const char *)nul + 1, size - first - 1, err, sizeof err);
	tmpl_check(set, err, sizeof err);
	json_t *ctx = json_loads(CONTEXT, 0, NULL);
	if (!ctx)
		abort();
	json_object_set_new(ctx, "safe", tmpl_safe("<i>ok</i>"));
	render_all(set, ctx, data, size);
	json_decref(ctx);
out:
	tmpl_set_free(set);
	return 0;
}
