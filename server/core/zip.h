/* SPDX-License-Identifier: EUPL-1.2 */
/* A ZIP archive written in memory (PKWARE APPNOTE.TXT 6.3: local headers,
 * the central directory, its end record; no ZIP64, no encryption, no
 * comment). Each file is deflated (zlib, raw deflate) when that makes it
 * smaller and stored otherwise; its CRC-32 is zlib's. Names are UTF-8 and
 * say so (general purpose flag bit 11), so "zalaczniki/Wniosek — łąka.pdf"
 * opens as written. Every entry has the same modification time, the
 * archive's, in UTC (the format has no time zone).
 *
 * Used for the data protection officer's access export (cases/iod.h) and
 * the case package (cases/export.h); core/unzip.h reads such archives.
 *
 * Memory: everything lives in the arena given to zip_init(); the archive
 * itself is one allocation, made by zip_finish() once its size is known. */
#ifndef JAWNOSC_CORE_ZIP_H
#define JAWNOSC_CORE_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* Without ZIP64 an archive counts its entries in 16 bits and its offsets
 * and sizes in 32. */
#define ZIP_MAX_ENTRIES 65535u
#define ZIP_MAX_BYTES 0xFFFFFFFFu
/* Longest name of an entry, in bytes. */
#define ZIP_NAME_MAX 1024

struct zip_entry;

typedef struct zip {
	arena_t *arena;
	struct zip_entry *first, *last;
	size_t count;
	uint64_t size;          /* bytes of the archive so far, headers included */
	uint16_t dos_time, dos_date;
} zip_t;

/* An empty archive whose entries are dated `mtime` (Unix seconds; before
 * 1980, the format's epoch, it is 1980-01-01). */
void zip_init(zip_t *z, arena_t *a, int64_t mtime);

/* Why `n` bytes of `name` cannot name an entry, or NULL when they can: a
 * reader unpacks an entry where its name says, so no empty or over-long
 * name, nothing but UTF-8, no control character or backslash, no leading
 * '/', no empty, "." or ".." segment. The writer and core/unzip.h's reader
 * apply the same rule. */
const char *zip_name_problem(const char *name, size_t n);

/* Adds the file `name` with `len` bytes of `data` (copied, compressed
 * when that helps). False, with *why (may be NULL) saying why in English,
 * when the name is empty, too long, not valid UTF-8, holds a control
 * character or a backslash, starts with '/', has an empty, "." or ".."
 * segment, or is already in the archive; when the archive would pass
 * ZIP_MAX_ENTRIES or ZIP_MAX_BYTES; or when zlib fails. The archive is
 * unchanged then. */
bool zip_add(zip_t *z, const char *name, const void *data, size_t len, const char **why);

/* The archive: local headers and data in the order added, the central
 * directory, its end record. *out in the arena, *len its size. False when
 * the directory would pass ZIP_MAX_BYTES. */
bool zip_finish(zip_t *z, const char **out, size_t *len);

#endif
