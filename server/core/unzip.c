/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/unzip.h"

#include <string.h>
#include <zlib.h>

#include "core/zip.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define LOCAL_HEADER 30u
#define CENTRAL_HEADER 46u
#define END_RECORD 22u
#define FLAG_ENCRYPTED 0x0001u
#define FLAG_STRONG 0x0040u
#define FLAG_MASKED 0x2000u /* the central directory is encrypted */

static uint32_t rd16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
	return rd16(p) | rd16(p + 2) << 16;
}

/* The end record: the last signature whose comment reaches exactly to the
 * end of the buffer (a comment may itself hold the signature's bytes). */
static const unsigned char *end_record(const unsigned char *b, size_t len)
{
	if (len < END_RECORD)
		return NULL;
	size_t lowest = len - END_RECORD > 65535 ? len - END_RECORD - 65535 : 0;
	for (size_t at = len - END_RECORD + 1; at-- > lowest;)
		if (rd32(b + at) == SIG_END && at + END_RECORD + rd16(b + at + 20) == len)
			return b + at;
	return NULL;
}

#define REFUSE(msg)                                                                                \
	do {                                                                                       \
		*why = (msg);                                                                      \
		return false;                                                                      \
	} while (0)

/* One directory entry at *pos (moved past it) into `e`; `limit` is where
 * the directory ends, `data_end` where entries' data must end. */
static bool central_entry(const unsigned char *b, size_t *pos, size_t limit, size_t data_end,
                          arena_t *a, struct unzip_entry *e, const char **why)
{
	size_t at = *pos;
	if (limit - at < CENTRAL_HEADER || rd32(b + at) != SIG_CENTRAL)
		REFUSE("a central directory entry is damaged");
	const unsigned char *h = b + at;
	uint32_t flags = rd16(h + 8), nlen = rd16(h + 28), xlen = rd16(h + 30), clen = rd16(h + 32);
	if (limit - at - CENTRAL_HEADER < (size_t)nlen + xlen + clen)
		REFUSE("a central directory entry runs past the directory");
	if (flags & (FLAG_ENCRYPTED | FLAG_STRONG | FLAG_MASKED))
		REFUSE("an entry is encrypted");
	e->method = (uint16_t)rd16(h + 10);
	if (e->method != 0 && e->method != 8)
		REFUSE("an entry uses a compression method other than stored or deflated");
	e->crc = rd32(h + 16);
	e->csize = rd32(h + 20);
	e->size = rd32(h + 24);
	uint32_t disk = rd16(h + 34), offset = rd32(h + 42);
	if (e->csize == 0xFFFFFFFFu || e->size == 0xFFFFFFFFu || offset == 0xFFFFFFFFu || disk)
		REFUSE("ZIP64 or multi-disk archives are not read");
	if (e->method == 0 && e->csize != e->size)
		REFUSE("a stored entry's sizes differ");
	const char *name = (const char *)h + CENTRAL_HEADER;
	size_t check = nlen && name[nlen - 1] == '/' ? nlen - 1 : nlen;
	e->dir = check != nlen;
	const char *bad = check ? zip_name_problem(name, check) : "empty name";
	if (bad)
		REFUSE("an entry's name is refused (absolute, \"..\", backslash, control "
		       "character, not UTF-8 or too long)");
	if (e->dir && e->size)
		REFUSE("a directory entry holds data");
	e->name = arena_strndup(a, name, nlen);
	/* The local header: its name must be the same; its sizes may be in a
	 * data descriptor after the data (flag bit 3), so the directory's
	 * sizes count. */
	if (offset > data_end || data_end - offset < LOCAL_HEADER || rd32(b + offset) != SIG_LOCAL)
		REFUSE("an entry's local header is missing");
	const unsigned char *l = b + offset;
	uint32_t lnlen = rd16(l + 26), lxlen = rd16(l + 28);
	if (lnlen != nlen || memcmp(l + LOCAL_HEADER, name, nlen) != 0 ||
	    (rd16(l + 6) & (FLAG_ENCRYPTED | FLAG_STRONG)) || rd16(l + 8) != e->method)
		REFUSE("an entry's local header does not match the directory");
	size_t start = (size_t)offset + LOCAL_HEADER + lnlen + lxlen;
	if (start > data_end || data_end - start < e->csize)
		REFUSE("an entry's data run past the archive");
	e->data = b + start;
	*pos = at + CENTRAL_HEADER + nlen + xlen + clen;
	return true;
}

bool unzip_open(unzip_t *u, arena_t *a, const void *buf, size_t len, size_t max_entries,
                const char **why)
{
	memset(u, 0, sizeof *u);
	const unsigned char *b = buf;
	const unsigned char *end = b ? end_record(b, len) : NULL;
	if (!end)
		REFUSE("not a ZIP archive (no end of central directory record)");
	uint32_t disk = rd16(end + 4), cd_disk = rd16(end + 6), here = rd16(end + 8),
	         total = rd16(end + 10), cd_size = rd32(end + 12), cd_off = rd32(end + 16);
	if (disk || cd_disk || here != total)
		REFUSE("multi-disk archives are not read");
	if (total == 0xFFFFu || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu)
		REFUSE("ZIP64 archives are not read");
	size_t end_at = (size_t)(end - b);
	if (cd_off > end_at || end_at - cd_off != cd_size)
		REFUSE("the central directory is not where the end record says");
	if (total > max_entries)
		REFUSE("the archive has too many entries");
	u->e = arena_calloc(a, total ? total : 1, sizeof *u->e);
	size_t pos = cd_off;
	for (uint32_t i = 0; i < total; i++) {
		if (!central_entry(b, &pos, end_at, cd_off, a, &u->e[i], why))
			return false;
		for (uint32_t k = 0; k < i; k++)
			if (!strcmp(u->e[k].name, u->e[i].name))
				REFUSE("two entries have the same name");
		u->n = i + 1;
	}
	if (pos != end_at)
		REFUSE("the central directory holds more than its entries");
	return true;
}

const struct unzip_entry *unzip_find(const unzip_t *u, const char *name)
{
	for (size_t i = 0; i < u->n; i++)
		if (!strcmp(u->e[i].name, name))
			return &u->e[i];
	return NULL;
}

bool unzip_read(const struct unzip_entry *e, uint64_t max, unzip_sink_fn sink, void *ctx,
                const char **why)
{
	if (e->size > max)
		REFUSE("an entry is larger than this reader takes");
	uLong crc = crc32(0L, Z_NULL, 0);
	if (e->method == 0) {
		for (uint64_t off = 0; off < e->size;) {
			size_t k = e->size - off > (1u << 20) ? (1u << 20) : (size_t)(e->size - off);
			crc = crc32(crc, e->data + off, (uInt)k);
			if (!sink(ctx, e->data + off, k))
				REFUSE("stopped");
			off += k;
		}
	} else {
		z_stream zs;
		memset(&zs, 0, sizeof zs);
		if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
			REFUSE("zlib cannot start");
		unsigned char out[65536];
		uint64_t in_left = e->csize, produced = 0;
		const unsigned char *in = e->data;
		int rc = Z_OK;
		const char *bad = NULL;
		while (rc != Z_STREAM_END && !bad) {
			if (zs.avail_in == 0 && in_left) {
				uInt k = in_left > (1u << 20) ? (1u << 20) : (uInt)in_left;
				zs.next_in = (unsigned char *)in;
				zs.avail_in = k;
				in += k;
				in_left -= k;
			}
			zs.next_out = out;
			zs.avail_out = sizeof out;
			rc = inflate(&zs, Z_NO_FLUSH);
			size_t got = sizeof out - zs.avail_out;
			if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && got))
				bad = "an entry's compressed data are corrupt";
			else if (got > e->size - produced)
				bad = "an entry is longer than its declared size";
			else if (got) {
				produced += got;
				crc = crc32(crc, out, (uInt)got);
				if (!sink(ctx, out, got))
					bad = "stopped";
			} else if (rc != Z_STREAM_END && zs.avail_in == 0 && !in_left)
				bad = "an entry's compressed data end too soon";
		}
		inflateEnd(&zs);
		if (bad)
			REFUSE(bad);
		if (produced != e->size)
			REFUSE("an entry is shorter than its declared size");
	}
	if ((uint32_t)crc != e->crc)
		REFUSE("an entry's CRC-32 does not match its data");
	return true;
}

struct into_buf {
	char *p;
	size_t len, cap;
};

static bool into_buf(void *ctx, const unsigned char *p, size_t n)
{
	struct into_buf *b = ctx;
	if (n > b->cap - b->len)
		return false;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return true;
}

bool unzip_read_all(const struct unzip_entry *e, arena_t *a, uint64_t max, char **out, size_t *len,
                    const char **why)
{
	*out = NULL;
	*len = 0;
	if (e->size > max)
		REFUSE("an entry is larger than this reader takes");
	struct into_buf b = {arena_alloc(a, (size_t)e->size + 1), 0, (size_t)e->size};
	if (!unzip_read(e, max, into_buf, &b, why))
		return false;
	b.p[b.len] = '\0';
	*out = b.p;
	*len = b.len;
	return true;
}
