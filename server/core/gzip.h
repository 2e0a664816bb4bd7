/* SPDX-License-Identifier: EUPL-1.2 */
/* Texts kept compressed and sent as they are kept (gzip, RFC 1952) to a
 * client that takes gzip, decompressed for the others (web/pcache.c).
 *
 * A kept text may have a gap: a few bytes that change with every sending
 * (a page's visit count). The text is compressed in two parts, the head
 * before the gap and the tail after it, into one raw deflate stream (RFC
 * 1951) cut at the gap: the head ends with a sync flush (byte-aligned,
 * not final), the gap goes in as a stored block when the text is sent, the
 * tail follows to the end of the stream. The tail is compressed with the
 * head as its history, as if the gap held `gap` bytes that match nothing
 * (a byte the tail does not have), so it loses nothing to the cut (a split
 * into two streams made a register item a seventh larger); only a fill of
 * exactly that many bytes may go into the gap then (gzip_fits()), since the
 * tail's distances reach back over it. The CRC-32 of what is sent is
 * combined from the parts' and the fill's (crc32_combine()): nothing is
 * compressed or checksummed again at sending but the fill.
 *
 * The layout around a public page's title is the same on every page: it
 * is compressed once (gzip_share()) and spliced into each text that has
 * it (gzip_pack_spliced()), the text's own parts compressed with it as
 * their history, so a kept page holds its own bytes alone.
 *
 * Each thread keeps one compressor and one decompressor (their state is a
 * few hundred kilobytes: allocating it per call faulted its pages in at
 * every call), freed when the thread ends. Nothing else is kept; every
 * function is thread-safe. */
#ifndef JAWNOSC_CORE_GZIP_H
#define JAWNOSC_CORE_GZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* The longest gap. */
#define GZIP_GAP_MAX 64

/* A part that many texts share (the layout around a public page's title):
 * compressed once, on its own and ending on a byte boundary, and spliced
 * into each text that has it, so that a kept text holds only what is its
 * own. Made by gzip_share() and never freed. */
struct gzip_part {
	const char *plain;
	size_t len;
	const unsigned char *z;
	size_t z_len;
	uint32_t crc;
	uint64_t hash;
};
/* At most this many shared parts are made in a process. */
#define GZIP_SHARED_MAX 32

/* The shared part of the `len` bytes of `text`: made the first time, the
 * same one for the same bytes after (thread-safe). NULL when
 * GZIP_SHARED_MAX are made already, the text is too long (GZIP_SHARED_LEN)
 * or memory is short: the texts that have it are then kept whole. */
#define GZIP_SHARED_LEN 4096
const struct gzip_part *gzip_share(const char *text, size_t len);

/* Where shared parts are in the head of a text being packed: `first` at
 * its very start, `second` `at` bytes into it (after the text's own
 * "lead": a page's title); either NULL. */
struct gzip_splice {
	const struct gzip_part *first, *second;
	size_t at;
};

/* A compressed text: `z` holds the text's own compressed bytes: the lead
 * between its shared parts (`lead_z`: none without a second part), the
 * rest of the head, then the tail. */
struct gzip_text {
	const unsigned char *z;
	const struct gzip_part *first, *second; /* spliced in (NULL: none) */
	size_t lead_z, head_z, tail_z; /* compressed lengths of its own */
	size_t head_len, tail_len;     /* plain lengths, shared parts included */
	uint32_t head_crc, tail_crc;
	bool has_gap;  /* false: the head is the whole text, tail empty */
	bool any_fill; /* the tail was compressed without history: any fill fits */
	unsigned gap;  /* the fill's length the tail was compressed for */
};

/* Compresses `head` alone (gap < 0), or `head`, a gap of `gap` bytes
 * (at most GZIP_GAP_MAX) and `tail`; the compressed bytes in `a`. False
 * when zlib fails (out of memory) or the gap is too long. */
bool gzip_pack(arena_t *a, const char *head, size_t head_len, int gap, const char *tail,
             size_t tail_len, struct gzip_text *out);
/* The same with the shared parts of `sp` spliced in where the head has
 * them (a part whose bytes are not there is left out: the head keeps
 * them as its own). Each of the text's own parts is compressed with
 * everything before it as its history, the shared parts included, so it
 * loses nothing to the splicing. */
bool gzip_pack_spliced(arena_t *a, const struct gzip_splice *sp, const char *head,
                       size_t head_len, int gap, const char *tail, size_t tail_len,
                       struct gzip_text *out);

/* Whether `fill_len` bytes may go into the gap of `t` (always true
 * without a gap, where no fill goes). */
bool gzip_fits(const struct gzip_text *t, size_t fill_len);
/* The plain length with a fill of `fill_len` bytes. */
size_t gzip_plain_len(const struct gzip_text *t, size_t fill_len);

/* The gzip member of `t` with `fill` (gzip_fits()) in its gap, in `a`;
 * its length in *len. */
const unsigned char *gzip_member(arena_t *a, const struct gzip_text *t, const char *fill,
                               size_t fill_len, size_t *len);

/* The plain text of `t` with `fill` (of any length up to GZIP_GAP_MAX) in
 * its gap, in `a` (NUL-terminated), its length in *len; NULL when the
 * compressed bytes do not decompress to the lengths and checksum kept
 * (they were damaged). */
char *gzip_plain(arena_t *a, const struct gzip_text *t, const char *fill, size_t fill_len,
               size_t *len);

/* Decompresses the gzip member `gz` into `len` bytes of `out`: true when
 * it holds exactly that many and its CRC-32 and length check (tests). */
bool gzip_inflate(const unsigned char *gz, size_t gz_len, char *out, size_t len);

#endif
