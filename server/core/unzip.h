/* SPDX-License-Identifier: EUPL-1.2 */
/* Reading a ZIP archive held in memory (PKWARE APPNOTE.TXT 6.3), the
 * counterpart of core/zip.h: what that writer and the common tools
 * (Info-ZIP, libzip, 7-Zip, Windows) write without ZIP64 or encryption.
 * For the case package's verifier (cases/package.h).
 *
 * Why not libzip: it exports `zip_t` and `zip_add`, the names of
 * core/zip.h's writer, so one program cannot use both; and the reader
 * needs only this much, strictly checked, under our own fuzzer
 * (tests/fuzz/fuzz_package.c).
 *
 * The archive is hostile input. unzip_open() refuses, with the reason in
 * English: no end record, a directory outside the buffer or not where the
 * end record says, a multi-disk or ZIP64 archive, more entries than asked,
 * an encrypted entry, a method other than stored or deflated, a name
 * core/zip.h's zip_name_problem() refuses (a trailing '/' of a directory
 * aside), a name twice, a local header that does not match its directory
 * entry, data outside the buffer. unzip_read() inflates at most the size
 * the directory declares and checks that size and the CRC-32. */
#ifndef JAWNOSC_CORE_UNZIP_H
#define JAWNOSC_CORE_UNZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct unzip_entry {
	const char *name; /* NUL-terminated copy in the arena */
	bool dir;         /* the name ends with '/' (and the entry is empty) */
	uint16_t method;  /* 0 stored, 8 deflated */
	uint32_t crc;
	uint64_t csize, size; /* compressed, and as the directory declares it */
	const unsigned char *data; /* its compressed bytes, in the caller's buffer */
};

typedef struct unzip {
	struct unzip_entry *e;
	size_t n;
} unzip_t;

/* Reads the directory of `len` bytes at `buf` (which must outlive `u`),
 * with at most `max_entries` entries. False with *why when the archive is
 * refused. The entries live in `a`. */
bool unzip_open(unzip_t *u, arena_t *a, const void *buf, size_t len, size_t max_entries,
                const char **why);

/* The entry named `name`, or NULL. */
const struct unzip_entry *unzip_find(const unzip_t *u, const char *name);

/* Gives the data of entry `e` to `sink` in pieces, in order; false with
 * *why when the entry is declared larger than `max` bytes, the data are
 * corrupt, longer or shorter than declared, their CRC-32 differs, or the
 * sink says stop (returns false: *why is then "stopped"). */
typedef bool (*unzip_sink_fn)(void *ctx, const unsigned char *p, size_t n);
bool unzip_read(const struct unzip_entry *e, uint64_t max, unzip_sink_fn sink, void *ctx,
                const char **why);

/* The whole entry, NUL-terminated, in `a` (its length in *len). */
bool unzip_read_all(const struct unzip_entry *e, arena_t *a, uint64_t max, char **out, size_t *len,
                    const char **why);

#endif
