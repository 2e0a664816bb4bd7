/* SPDX-License-Identifier: EUPL-1.2 */
/* The case package (akta sprawy w postaci elektronicznej, docs/export.md)
 * as its reader sees it: `jawnosc audit verify --package FILE.zip` checks a
 * package from the package alone, without the database: the event log's
 * hash chain (each event's SHA-256 over the text the database hashed, and
 * the links between events of the case that follow each other in the
 * organisation's chain) and every listed document's SHA-256 and size
 * against the file in the archive.
 *
 * The archive is hostile input: it may come back from a court, an archive
 * or anyone. Names that are not plain relative UTF-8 paths ("../x", "/x",
 * "a\\b", control characters), duplicates, encrypted entries, more than
 * PACKAGE_MAX_ENTRIES entries, an entry declared or found larger than its
 * limit, files the list names but the archive lacks, and JSON or XML that
 * does not read give PACKAGE_UNREADABLE with the reason; nothing is ever
 * written to disk. Pure apart from reading the file named; thread-safe. */
#ifndef JAWNOSC_CASES_PACKAGE_H
#define JAWNOSC_CASES_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>

/* The package's format, in the case file's `format` attribute and the
 * event log's "format" member. */
#define PACKAGE_FORMAT "jawnosc-akta/1"
#define PACKAGE_EVENTS_FORMAT "jawnosc-zdarzenia/1"
/* The namespace of the case file (sprawy/<name>.xml). */
#define PACKAGE_NS "urn:jawnosc:akta:1"

/* Limits of what the reader takes. */
#define PACKAGE_MAX_ENTRIES 20000
#define PACKAGE_MAX_ENTRY (1024ull * 1024 * 1024)        /* one document: 1 GiB */
#define PACKAGE_MAX_TOTAL (16ull * 1024 * 1024 * 1024)   /* all entries together */
#define PACKAGE_MAX_TEXT (64u * 1024 * 1024)             /* the case file, the event log */
#define PACKAGE_MAX_EVENTS 1000000

enum package_result {
	PACKAGE_OK,         /* everything verifies */
	PACKAGE_FAILED,     /* read, but an event or a document does not match */
	PACKAGE_UNREADABLE, /* not a package this reader takes (the reason says why) */
};

struct package_report {
	char case_number[64];
	int documents;      /* listed with a file, each verified */
	int erased;         /* listed without a file (its content erased: docs/privacy.md) */
	int events;
	int links_inside;   /* events whose predecessor in the chain is in the package */
	int links_outside;  /* events whose predecessor is another case's (not in the package) */
	int problems;       /* mismatches found (PACKAGE_FAILED) */
	/* The first problem or the reason the package cannot be read (English,
	 * names the entry or the event). */
	char why[512];
	/* Up to 20 problems, one a line (PACKAGE_FAILED). */
	char detail[4096];
};

/* Verifies the package in `data` (`len` bytes). */
enum package_result package_verify_buffer(const void *data, size_t len, struct package_report *r);
/* The same for the file at `path` (PACKAGE_UNREADABLE when it cannot be
 * opened). */
enum package_result package_verify_file(const char *path, struct package_report *r);

/* The payload an event's hash covers, as the database's event_payload()
 * (migration 0002) writes it: its fields joined by '|', NULL as "". */
struct package_event {
	long long id, org_id, request_id, actor_user_id; /* 0: NULL (request, user) */
	const char *at, *actor, *action, *from_state, *to_state; /* NULL: "" */
	const char *data; /* jsonb's text, exactly as PostgreSQL prints it */
};
/* SHA-256(prev || payload) into out[32]; `prev` is `prev_len` bytes (0 for
 * the first event of an organisation). */
void package_event_hash(const struct package_event *e, const unsigned char *prev, size_t prev_len,
                        unsigned char out[32]);

/* Whether `name` is an entry name the reader takes: 1-1024 bytes of UTF-8,
 * relative, '/'-separated, without empty, "." or ".." segments, backslashes
 * or control characters (a trailing '/' marks a directory). */
bool package_name_safe(const char *name);

#endif
