/* SPDX-License-Identifier: EUPL-1.2 */
/* What the case package (cases/export.h, docs/export.md) says of its
 * documents, as text: the NDAP metadata of each document (metadane/NNN-name.xml,
 * schema Metadane-1.7.xsd of the Naczelna Dyrekcja Archiwów Państwowych,
 * namespace http://www.mswia.gov.pl/standardy/ndap, root <dokument>), the
 * case file (sprawy/<name>.xml, our own format, cases/package.h), and the
 * file names. Pure: no I/O; everything in the caller's arena. */
#ifndef JAWNOSC_CASES_EXPORT_META_H
#define JAWNOSC_CASES_EXPORT_META_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

/* A case number (or any text) as a file name: ASCII letters, digits and
 * '-' kept, anything else (dots, slashes, spaces, non-ASCII) becomes '_',
 * at most 80 bytes; "sprawa" when nothing is left. "OR.1431.7.2026" ->
 * "OR_1431_7_2026". */
const char *export_safe_name(arena_t *a, const char *s);

/* A file name for inside the package: the same rule, but the last '.'
 * and up to 8 letters and digits after it are kept as the extension
 * ("Wniosek łąka.PDF" -> "Wniosek___ka.PDF"). */
const char *export_safe_file(arena_t *a, const char *s);

/* A party of a document as NDAP's <podmiot> names it: a person (NDAP
 * needs a surname: the last word of the name) or an institution with,
 * optionally, its unit and the employee who acted. */
struct export_party {
	bool person;
	const char *name;     /* the institution's, or the person's whole name */
	const char *unit;     /* institution: its unit's name, or NULL */
	const char *employee; /* institution: the employee's whole name, or NULL */
	const char *position; /* the employee's position, or NULL */
};

/* One document of the package. */
struct export_item {
	const char *kind;   /* "wniosek", "pismo", "zalacznik", "poczta", "dowod": the identifier's word */
	long long key;      /* its row's id, for the identifier */
	const char *title;
	const char *name;   /* the file's name before its number: "decyzja.pdf" */
	const char *data;   /* the file; NULL when its content was erased (docs/privacy.md) */
	size_t len;
	char sha256[65];    /* hex, of `data` (or as recorded, when erased) */
	const char *content_type; /* "application/pdf", "message/rfc822", ... */
	const char *spec;   /* NDAP <format><specyfikacja>: "PDF, podpisany (PAdES)", or NULL */
	const char *date_kind; /* NDAP <data><typ>: "otrzymany", "stworzony", "wysłany", "uzyskany" */
	const char *at;     /* xs:dateTime, UTC: "2026-03-03T10:00:00Z" */
	const char *rodzaj; /* NDAP <typ><rodzaj>: "decyzja", "pismo", ..., or NULL */
	struct export_party author;
	const char *signer; /* a signed document: who signed it (NDAP funkcja "podpisał"), or NULL */
	bool has_recipient;
	struct export_party recipient;
	/* A relation to another document of the package (NDAP <relacja>):
	 * its kind and key, and the NDAP word ("jest częścią", ...). */
	const char *rel_kind, *rel_word;
	long long rel_key;
	/* Set by export_number(). */
	int no;
	const char *file, *meta, *id;
};

/* What the package says of the case. */
struct export_case {
	const char *org_slug, *org_name;
	const char *case_number, *subject;
	const char *kind, *kind_label;       /* "public_information", "wniosek o udostępnienie ..." */
	const char *unit_symbol, *unit_name;
	const char *jrwa_class, *category;   /* "1431", "BE5" */
	const char *channel, *channel_label;
	const char *received_on, *closed_on; /* YYYY-MM-DD; closed_on NULL while open */
	const char *state, *state_label;
	const char *exported_at;             /* xs:dateTime, UTC */
	long long request_id;
	/* Filled by export_case_xml()'s caller: the event log. */
	const char *events_file, *events_sha256;
	int events;
};

/* Numbers the items 1..n in their order and names their files:
 * "dokumenty/003-decyzja.pdf", "metadane/003-decyzja.xml", and the
 * identifier "<org>:<kind>:<key>" ("mon:pismo:17"). */
void export_number(arena_t *a, const struct export_case *c, struct export_item *items, size_t n);

/* The NDAP metadata of item `it` (valid against Metadane-1.7.xsd). */
const char *export_ndap_xml(arena_t *a, const struct export_case *c, const struct export_item *it,
                            const struct export_item *items, size_t n, size_t *len);

/* The case file: the case's facts and its documents in order with their
 * files, sizes and SHA-256 (cases/package.h reads it back). */
const char *export_case_xml(arena_t *a, const struct export_case *c, const struct export_item *items,
                            size_t n, size_t *len);

#endif
