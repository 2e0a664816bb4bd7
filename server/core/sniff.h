/* SPDX-License-Identifier: EUPL-1.2 */
/* What a file is, by its content (magic bytes and, for the ZIP-based office
 * formats, the names in its central directory), never by its name alone:
 * the files a clerk attaches to an outgoing letter (cases/attachment_files.h)
 * and the choice of a preview (render/preview.h). One table of the kinds we
 * send out, with their media type, extension and Polish label.
 *
 * The input is hostile: every length is checked, nothing is decompressed,
 * nothing is allocated. Pure; fuzzed by tests/fuzz/fuzz_sniff.c. */
#ifndef JAWNOSC_CORE_SNIFF_H
#define JAWNOSC_CORE_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

enum sniff_kind {
	SNIFF_UNKNOWN = 0,
	SNIFF_PDF,
	SNIFF_PNG,
	SNIFF_JPEG,
	SNIFF_CSV,
	SNIFF_XLSX,
	SNIFF_ODS,
	SNIFF_DOCX,
	SNIFF_ODT,
	/* Recognised only to be refused with a clear reason. */
	SNIFF_EXECUTABLE,
	SNIFF_MARKUP, /* HTML, SVG, XML: active content in a browser */
	SNIFF_MACROS, /* an office file carrying a VBA project */
};

struct sniff_type {
	enum sniff_kind kind;
	const char *ext;   /* ".xlsx": the extension the name must end with */
	const char *ext2;  /* another accepted one (".jpeg"), or NULL */
	const char *mime;  /* "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" */
	const char *label; /* "arkusz XLSX" */
};

/* The row of `kind`, or NULL for SNIFF_UNKNOWN and the refused kinds. */
const struct sniff_type *sniff_type_of(enum sniff_kind kind);

/* The row whose media type is `mime` (parameters ignored), or NULL. */
const struct sniff_type *sniff_type_by_mime(const char *mime);

/* The kind of data[0..len) by its content alone. */
enum sniff_kind sniff(const void *data, size_t len);

/* Whether `filename` may be sent out as data[0..len): its content is one of
 * the table's kinds and its name ends with that kind's extension. The row
 * in *type; false with the reason in Polish (a static string, for the
 * clerk) in *why. */
bool sniff_outgoing(const char *filename, const void *data, size_t len,
                    const struct sniff_type **type, const char **why);

/* The extensions accepted, for the form: ".pdf,.png,.jpg,..." (static). */
const char *sniff_accept(void);

#endif
