/* SPDX-License-Identifier: EUPL-1.2 */
/* The XML the dane.gov.pl harvester imports from a provider, format 1.10
 * (namespace urn:otwarte-dane:harvester:1.10, every element in it as the
 * default namespace; ../shared/specs/dane.gov.pl/xml_import_otwarte_dane_1_10.xsd).
 * The harvester fetches the file (a URL ending in .xml, served as
 * application/xml) and its sibling .md5, which must hold the MD5 of the
 * bytes in hex and nothing but white space after it; a dataset missing
 * from the file is deleted at the next harvest, so the file is always
 * complete. Pure functions appending to a strbuf_t; input strings are
 * UTF-8. */
#ifndef JAWNOSC_RENDER_HARVESTER_H
#define JAWNOSC_RENDER_HARVESTER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

#define HARVESTER_NS "urn:otwarte-dane:harvester:1.10"

/* The licences the format allows for information that is a work or a
 * database (its element dbOrCopyrightedLicenseChosen), as it spells them;
 * the first is the default. */
#define HARVESTER_NLICENCES 6
extern const char *const harvester_licences[HARVESTER_NLICENCES];
#define HARVESTER_LICENCE_DEFAULT "CC BY 4.0"
bool harvester_licence_valid(const char *s);

/* A text in Polish and, when not NULL, in English. Longer texts than the
 * format takes (titles 300 characters, descriptions 1000) are cut at a
 * character with "…". */
struct harvester_text {
	const char *polish, *english;
};

struct harvester_tag {
	const char *lang; /* "pl" or "en" */
	const char *text;
};

/* One resource (a file or an API of the dataset), published. The data of
 * a remote resource stays where `url` points and dane.gov.pl links to it;
 * its "data as of" day moves on every day by itself from
 * `auto_data_date_start` ("YYYY-MM-DD") on, for as long as the feed lists
 * it. */
struct harvester_resource {
	const char *ext_ident; /* the provider's id: 1-36 characters, stable */
	const char *url;       /* https:// */
	struct harvester_text title, description;
	const char *auto_data_date_start;
	const char *last_update; /* RFC 3339 ("2026-01-05T10:00:00Z"); NULL: none */
};

/* One dataset, published. */
struct harvester_dataset {
	const char *ext_ident; /* 1-36 characters, stable */
	struct harvester_text title, description;
	const char *url;              /* its page; NULL: none */
	const char *update_frequency; /* "daily", "weekly", "monthly", ... */
	const char *const *categories; /* "GOVE", ...: at least one */
	size_t ncategories;
	/* The conditions of re-use: the recipient names the source and says
	 * when it modified the information; `licence` (one of
	 * harvester_licences[]) with `db_conditions` saying why it applies. */
	const char *licence, *db_conditions;
	const struct harvester_resource *resources; /* at least one */
	size_t nresources;
	const struct harvester_tag *tags; /* at least one */
	size_t ntags;
	const char *last_update; /* RFC 3339; NULL: none */
};

/* The whole file: the XML declaration and <datasets> with `n` datasets
 * (at least one). */
void harvester_write(strbuf_t *out, const struct harvester_dataset *sets, size_t n);

/* The MD5 of `len` bytes in lower-case hex, as the .md5 file holds it.
 * False when the digest cannot be computed. */
#define HARVESTER_MD5_HEX 33
bool harvester_md5_hex(const char *data, size_t len, char out[HARVESTER_MD5_HEX]);

#endif
