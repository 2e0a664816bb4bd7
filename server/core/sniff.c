/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/sniff.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

static const struct sniff_type types[] = {
    {SNIFF_PDF, ".pdf", NULL, "application/pdf", "PDF"},
    {SNIFF_PNG, ".png", NULL, "image/png", "obraz PNG"},
    {SNIFF_JPEG, ".jpg", ".jpeg", "image/jpeg", "obraz JPEG"},
    {SNIFF_CSV, ".csv", NULL, "text/csv", "plik CSV"},
    {SNIFF_XLSX, ".xlsx", NULL, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "arkusz XLSX"},
    {SNIFF_ODS, ".ods", NULL, "application/vnd.oasis.opendocument.spreadsheet", "arkusz ODS"},
    {SNIFF_DOCX, ".docx", NULL,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "dokument DOCX"},
    {SNIFF_ODT, ".odt", NULL, "application/vnd.oasis.opendocument.text", "dokument ODT"},
};
#define NTYPES (sizeof types / sizeof types[0])

const struct sniff_type *sniff_type_of(enum sniff_kind kind)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (types[i].kind == kind)
			return &types[i];
	return NULL;
}

const struct sniff_type *sniff_type_by_mime(const char *mime)
{
	if (!mime)
		return NULL;
	size_t n = strcspn(mime, "; \t");
	for (size_t i = 0; i < NTYPES; i++)
		if (strlen(types[i].mime) == n && !strncasecmp(types[i].mime, mime, n))
			return &types[i];
	return NULL;
}

const char *sniff_accept(void)
{
	return ".pdf,.png,.jpg,.jpeg,.csv,.xlsx,.ods,.docx,.odt";
}

/* ---- ZIP (PKWARE APPNOTE 6.3: the end record and the central directory) ---- */

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define ZIP_EOCD 22u          /* the end record without its comment */
#define ZIP_CENTRAL 46u       /* a central directory header without its name */
#define ZIP_LOCAL 30u         /* a local file header without its name */
#define ZIP_MAX_SCANNED 20000 /* entries looked at; an office file has far fewer */

struct zip_names {
	bool content_types, workbook, document, macros;
};

static bool name_is(const unsigned char *n, size_t len, const char *want)
{
	return len == strlen(want) && !memcmp(n, want, len);
}

static bool name_ends(const unsigned char *n, size_t len, const char *suffix)
{
	size_t k = strlen(suffix);
	return len >= k && !strncasecmp((const char *)n + len - k, suffix, k);
}

/* Walks the central directory; false when there is none to be read. */
static bool zip_scan(const unsigned char *d, size_t len, struct zip_names *z)
{
	memset(z, 0, sizeof *z);
	if (len < ZIP_EOCD)
		return false;
	/* The end record is in the last 22 + 65535 bytes (its comment). */
	size_t low = len > ZIP_EOCD + 65535 ? len - ZIP_EOCD - 65535 : 0;
	size_t eocd = SIZE_MAX;
	for (size_t i = len - ZIP_EOCD + 1; i-- > low;)
		if (le32(d + i) == 0x06054b50u) {
			eocd = i;
			break;
		}
	if (eocd == SIZE_MAX)
		return false;
	uint32_t cd_size = le32(d + eocd + 12), cd_off = le32(d + eocd + 16);
	if (cd_off > eocd || cd_size > eocd - cd_off)
		return false;
	size_t p = cd_off, end = (size_t)cd_off + cd_size;
	for (int n = 0; p + ZIP_CENTRAL <= end && n < ZIP_MAX_SCANNED; n++) {
		if (le32(d + p) != 0x02014b50u)
			return false;
		size_t nl = le16(d + p + 28), el = le16(d + p + 30), cl = le16(d + p + 32);
		if (nl > end - p - ZIP_CENTRAL)
			return false;
		const unsigned char *name = d + p + ZIP_CENTRAL;
		z->content_types |= name_is(name, nl, "[Content_Types].xml");
		z->workbook |= name_is(name, nl, "xl/workbook.xml");
		z->document |= name_is(name, nl, "word/document.xml");
		z->macros |= name_ends(name, nl, "vbaProject.bin") || name_ends(name, nl, ".bas") ||
		             (nl > 6 && !memcmp(name, "Basic/", 6)) ||
		             (nl > 8 && !memcmp(name, "Scripts/", 8));
		if (el + cl > end - p - ZIP_CENTRAL - nl)
			return false;
		p += ZIP_CENTRAL + nl + el + cl;
	}
	return true;
}

/* An OpenDocument file starts with its media type, stored uncompressed as
 * the entry "mimetype" (OpenDocument 1.3 part 2 §3.3). */
static bool odf_mimetype(const unsigned char *d, size_t len, const char *mime)
{
	if (len < ZIP_LOCAL + 8 || le32(d) != 0x04034b50u || le16(d + 8) != 0)
		return false;
	size_t nl = le16(d + 26), el = le16(d + 28), k = strlen(mime);
	if (nl != 8 || memcmp(d + ZIP_LOCAL, "mimetype", 8) != 0)
		return false;
	size_t at = ZIP_LOCAL + nl + el;
	return le32(d + 18) == k && at <= len && len - at >= k && !memcmp(d + at, mime, k);
}

static enum sniff_kind sniff_zip(const unsigned char *d, size_t len)
{
	struct zip_names z;
	if (!zip_scan(d, len, &z))
		return SNIFF_UNKNOWN;
	if (z.macros)
		return SNIFF_MACROS;
	if (odf_mimetype(d, len, "application/vnd.oasis.opendocument.spreadsheet"))
		return SNIFF_ODS;
	if (odf_mimetype(d, len, "application/vnd.oasis.opendocument.text"))
		return SNIFF_ODT;
	if (z.content_types && z.workbook)
		return SNIFF_XLSX;
	if (z.content_types && z.document)
		return SNIFF_DOCX;
	return SNIFF_UNKNOWN;
}

/* ---- Text ---------------------------------------------------------------------- */

/* After a BOM and white space, markup opens with '<': HTML, SVG and XML
 * alike are refused, whatever follows. */
static bool looks_like_markup(const unsigned char *d, size_t len)
{
	size_t i = len >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	return i < len && d[i] == '<';
}

/* CSV: UTF-8 text (RFC 4180 with UTF-8, as spreadsheets export it), no NUL
 * nor other control characters but tab and line ends. */
static bool plain_text(const unsigned char *d, size_t len)
{
	if (!utf8_valid((const char *)d, len))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\r' && d[i] != '\n') || d[i] == 0x7f)
			return false;
	return true;
}

enum sniff_kind sniff(const void *data, size_t len)
{
	const unsigned char *d = data;
	if (!d || !len)
		return SNIFF_UNKNOWN;
	if (len >= 5 && !memcmp(d, "%PDF-", 5))
		return SNIFF_PDF;
	if (len >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return SNIFF_PNG;
	if (len >= 3 && !memcmp(d, "\xff\xd8\xff", 3))
		return SNIFF_JPEG;
	/* Windows PE ("MZ"), ELF, Mach-O (both byte orders, fat), a script. */
	if ((len >= 2 && !memcmp(d, "MZ", 2)) || (len >= 4 && !memcmp(d, "\x7f" "ELF", 4)) ||
	    (len >= 4 && (le32(d) == 0xfeedfaceu || le32(d) == 0xfeedfacfu ||
	                  le32(d) == 0xcefaedfeu || le32(d) == 0xcffaedfeu ||
	                  le32(d) == 0xbebafecau)) ||
	    (len >= 2 && !memcmp(d, "#!", 2)))
		return SNIFF_EXECUTABLE;
	if (len >= 4 && le32(d) == 0x04034b50u)
		return sniff_zip(d, len);
	if (looks_like_markup(d, len))
		return SNIFF_MARKUP;
	if (plain_text(d, len))
		return SNIFF_CSV;
	return SNIFF_UNKNOWN;
}

static bool ends_with(const char *name, const char *ext)
{
	size_t n = strlen(name), k = ext ? strlen(ext) : 0;
	return ext && n > k && !strcasecmp(name + n - k, ext);
}

bool sniff_outgoing(const char *filename, const void *data, size_t len,
                    const struct sniff_type **type, const char **why)
{
	*type = NULL;
	*why = NULL;
	if (!filename || !*filename) {
		*why = "Plik nie ma nazwy.";
		return false;
	}
	if (!len) {
		*why = "Plik jest pusty.";
		return false;
	}
	enum sniff_kind k = sniff(data, len);
	switch (k) {
	case SNIFF_EXECUTABLE:
		*why = "To jest program albo skrypt (plik wykonywalny), nie dokument: takich plików "
		       "nie można załączać.";
		return false;
	case SNIFF_MARKUP:
		*why = "Plik zawiera HTML, SVG albo XML, które przeglądarka mogłaby wykonać: takich "
		       "plików nie można załączać. Zapisz dokument jako PDF.";
		return false;
	case SNIFF_MACROS:
		*why = "Plik zawiera makra: takich plików nie można załączać. Zapisz go bez makr "
		       "(np. jako .xlsx, .ods albo PDF).";
		return false;
	default:
		break;
	}
	const struct sniff_type *t = sniff_type_of(k);
	if (!t) {
		*why = "Można załączyć tylko pliki PDF, PNG, JPEG, CSV (UTF-8), XLSX, ODS, DOCX i ODT; "
		       "zawartość tego pliku nie jest żadnym z nich.";
		return false;
	}
	if (!ends_with(filename, t->ext) && !ends_with(filename, t->ext2)) {
		*why = "Zawartość pliku nie odpowiada rozszerzeniu jego nazwy: sprawdź, czy to ten "
		       "plik, i nadaj mu właściwe rozszerzenie.";
		return false;
	}
	*type = t;
	return true;
}
