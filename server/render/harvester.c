/* SPDX-License-Identifier: EUPL-1.2 */
#include "render/harvester.h"

#include <string.h>

#include <openssl/evp.h>

#include "core/utf8.h"
#include "render/feed.h"

const char *const harvester_licences[HARVESTER_NLICENCES] = {
    "CC BY 4.0", "CC BY-SA 4.0", "CC BY-NC 4.0", "CC BY-NC-SA 4.0", "CC BY-ND 4.0", "CC BY-NC-ND 4.0",
};

bool harvester_licence_valid(const char *s)
{
	for (size_t i = 0; s && i < HARVESTER_NLICENCES; i++)
		if (!strcmp(s, harvester_licences[i]))
			return true;
	return false;
}

/* The format's limits, in characters (XML Schema counts code points). */
#define TITLE_MAX 300
#define DESCRIPTION_MAX 1000

/* `s` as character data, at most `max` characters: a longer text ends in
 * "…" after max - 1 of them. */
static void text_cut(strbuf_t *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	size_t chars = 0, cut = 0;
	while (p < end) {
		unsigned cp;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		p += n ? n : 1;
		if (++chars == max - 1)
			cut = (size_t)(p - (const unsigned char *)s);
	}
	if (chars <= max) {
		xml_escape(out, s);
		return;
	}
	char buf[4 * DESCRIPTION_MAX + 1];
	if (cut >= sizeof buf)
		cut = sizeof buf - 1;
	memcpy(buf, s, cut);
	buf[cut] = '\0';
	xml_escape(out, buf);
	sb_puts(out, "…");
}

static void element(strbuf_t *out, const char *indent, const char *name, const char *text)
{
	if (!text)
		return;
	sb_printf(out, "%s<%s>", indent, name);
	xml_escape(out, text);
	sb_printf(out, "</%s>\n", name);
}

static void text_el(strbuf_t *out, const char *indent, const char *name,
                    const struct harvester_text *t, size_t max)
{
	sb_printf(out, "%s<%s>\n%s  <polish>", indent, name, indent);
	text_cut(out, t->polish ? t->polish : "", max);
	sb_puts(out, "</polish>\n");
	if (t->english && *t->english) {
		sb_printf(out, "%s  <english>", indent);
		text_cut(out, t->english, max);
		sb_puts(out, "</english>\n");
	}
	sb_printf(out, "%s</%s>\n", indent, name);
}

static void resource(strbuf_t *out, const struct harvester_resource *r)
{
	const char *in = "        ";
	sb_puts(out, "      <resource status=\"published\">\n");
	element(out, in, "extIdent", r->ext_ident);
	element(out, in, "url", r->url);
	text_el(out, in, "title", &r->title, TITLE_MAX);
	text_el(out, in, "description", &r->description, DESCRIPTION_MAX);
	element(out, in, "availability", "remote");
	element(out, in, "lastUpdateDate", r->last_update);
	if (r->auto_data_date_start) {
		element(out, in, "isAutoDataDate", "true");
		element(out, in, "endlessDataDateUpdate", "true");
		element(out, in, "dataDateUpdatePeriod", "daily");
		element(out, in, "autoDataDateStart", r->auto_data_date_start);
	}
	sb_puts(out, "      </resource>\n");
}

static void dataset(strbuf_t *out, const struct harvester_dataset *d)
{
	const char *in = "    ";
	sb_puts(out, "  <dataset status=\"published\">\n");
	element(out, in, "extIdent", d->ext_ident);
	text_el(out, in, "title", &d->title, TITLE_MAX);
	text_el(out, in, "description", &d->description, DESCRIPTION_MAX);
	element(out, in, "url", d->url);
	element(out, in, "updateFrequency", d->update_frequency);
	sb_puts(out, "    <categories>\n");
	for (size_t i = 0; i < d->ncategories; i++)
		element(out, "      ", "category", d->categories[i]);
	sb_puts(out, "    </categories>\n    <conditions>\n");
	element(out, "      ", "source", "true");
	element(out, "      ", "modification", "true");
	element(out, "      ", "dbOrCopyrighted", d->db_conditions);
	element(out, "      ", "dbOrCopyrightedLicenseChosen", d->licence);
	sb_puts(out, "    </conditions>\n    <resources>\n");
	for (size_t i = 0; i < d->nresources; i++)
		resource(out, &d->resources[i]);
	sb_puts(out, "    </resources>\n    <tags>\n");
	for (size_t i = 0; i < d->ntags; i++) {
		sb_printf(out, "      <tag lang=\"%s\">", d->tags[i].lang);
		xml_escape(out, d->tags[i].text);
		sb_puts(out, "</tag>\n");
	}
	sb_puts(out, "    </tags>\n");
	element(out, in, "lastUpdateDate", d->last_update);
	sb_puts(out, "  </dataset>\n");
}

void harvester_write(strbuf_t *out, const struct harvester_dataset *sets, size_t n)
{
	sb_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	             "<datasets xmlns=\"" HARVESTER_NS "\">\n");
	for (size_t i = 0; i < n; i++)
		dataset(out, &sets[i]);
	sb_puts(out, "</datasets>\n");
}

bool harvester_md5_hex(const char *data, size_t len, char out[HARVESTER_MD5_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	out[0] = '\0';
	if (!EVP_Digest(data, len, md, &n, EVP_md5(), NULL) || n != 16)
		return false;
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[32] = '\0';
	return true;
}
