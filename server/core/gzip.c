/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/gzip.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* RFC 1952 §2.3: ID1 ID2, CM deflate, no flags, no time, no extra flags,
 * OS unknown. */
static const unsigned char member_header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
#define GZIP_TRAILER 8
/* A stored block's header, byte-aligned after a sync flush (RFC 1951
 * §3.2.4): BFINAL 0 and BTYPE 00 padded to a byte, LEN and NLEN. */
#define STORED_HEADER 5
/* Deflate's window (raw: negative bits). */
#define WBITS 15

/* ---- Each thread's compressor and decompressor ------------------------------ */

struct zs {
	z_stream d, i;
	bool d_ok, i_ok;
};

static pthread_key_t zs_key;
static pthread_once_t zs_once = PTHREAD_ONCE_INIT;

static void zs_free(void *p)
{
	struct zs *z = p;
	if (z->d_ok)
		deflateEnd(&z->d);
	if (z->i_ok)
		inflateEnd(&z->i);
	free(z);
}

static void zs_key_make(void)
{
	pthread_key_create(&zs_key, zs_free);
}

static struct zs *zs_get(void)
{
	pthread_once(&zs_once, zs_key_make);
	struct zs *z = pthread_getspecific(zs_key);
	if (!z && (z = calloc(1, sizeof *z)) && pthread_setspecific(zs_key, z) != 0) {
		free(z);
		z = NULL;
	}
	return z;
}

/* The thread's compressor, reset; NULL when out of memory. */
static z_stream *deflater(void)
{
	struct zs *z = zs_get();
	if (!z)
		return NULL;
	if (!z->d_ok)
		z->d_ok = deflateInit2(&z->d, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -WBITS, 8,
		                       Z_DEFAULT_STRATEGY) == Z_OK;
	else if (deflateReset(&z->d) != Z_OK)
		return NULL;
	return z->d_ok ? &z->d : NULL;
}

/* The thread's decompressor for a gzip member, reset. */
static z_stream *inflater(void)
{
	struct zs *z = zs_get();
	if (!z)
		return NULL;
	if (!z->i_ok)
		z->i_ok = inflateInit2(&z->i, 16 + WBITS) == Z_OK;
	else if (inflateReset(&z->i) != Z_OK)
		return NULL;
	return z->i_ok ? &z->i : NULL;
}

/* ---- Packing ------------------------------------------------------------------ */

/* Compresses `len` bytes of `in` with `s` to `out` (room for `cap`),
 * ending with `flush`; the compressed length in *n. */
static bool squeeze(z_stream *s, const char *in, size_t len, unsigned char *out, size_t cap,
                    int flush, size_t *n)
{
	s->next_in = (Bytef *)in;
	s->avail_in = (uInt)len;
	s->next_out = out;
	s->avail_out = (uInt)cap;
	int rc = deflate(s, flush);
	*n = cap - s->avail_out;
	/* A sync flush that filled the room may have more to give. */
	return s->avail_in == 0 &&
	       (flush == Z_FINISH ? rc == Z_STREAM_END : rc == Z_OK && s->avail_out > 0);
}

/* A byte value `s` does not have, or -1 when it has every one. */
static int absent_byte(const char *s, size_t len)
{
	bool seen[256] = {false};
	for (size_t i = 0; i < len; i++)
		seen[(unsigned char)s[i]] = true;
	for (int b = 0; b < 256; b++)
		if (!seen[b])
			return b;
	return -1;
}

/* ---- Shared parts ------------------------------------------------------------ */

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct gzip_part *shared[GZIP_SHARED_MAX];
static int nshared;

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* `text` compressed on its own, ending on a byte boundary (not final). */
static struct gzip_part *part_make(const char *text, size_t len, uint64_t hash)
{
	z_stream *s = deflater();
	if (!s)
		return NULL;
	size_t cap = deflateBound(s, (uLong)len) + 16;
	struct gzip_part *pt = malloc(sizeof *pt + len + cap);
	if (!pt)
		return NULL;
	char *plain = (char *)(pt + 1);
	unsigned char *z = (unsigned char *)plain + len;
	memcpy(plain, text, len);
	if (!squeeze(s, text, len, z, cap, Z_SYNC_FLUSH, &pt->z_len)) {
		free(pt);
		return NULL;
	}
	pt->plain = plain;
	pt->len = len;
	pt->z = z;
	pt->crc = (uint32_t)crc32(0, (const Bytef *)text, (uInt)len);
	pt->hash = hash;
	return pt;
}

const struct gzip_part *gzip_share(const char *text, size_t len)
{
	if (!len || len > GZIP_SHARED_LEN)
		return NULL;
	uint64_t h = hash_bytes(text, len);
	const struct gzip_part *found = NULL;
	pthread_mutex_lock(&shared_lock);
	for (int i = 0; i < nshared && !found; i++)
		if (shared[i]->hash == h && shared[i]->len == len && !memcmp(shared[i]->plain, text, len))
			found = shared[i];
	if (!found && nshared < GZIP_SHARED_MAX) {
		struct gzip_part *pt = part_make(text, len, h);
		if (pt)
			found = shared[nshared++] = pt;
	}
	pthread_mutex_unlock(&shared_lock);
	return found;
}

/* True when `p` is the `len`-byte text at `at` in `head`. */
static bool part_at(const struct gzip_part *p, const char *head, size_t head_len, size_t at)
{
	return p && at <= head_len && p->len <= head_len - at && !memcmp(head + at, p->plain, p->len);
}

bool gzip_pack(arena_t *a, const char *head, size_t head_len, int gap, const char *tail,
             size_t tail_len, struct gzip_text *out)
{
	return gzip_pack_spliced(a, NULL, head, head_len, gap, tail, tail_len, out);
}

/* Compresses a part of the text that is its own (none when empty and not
 * the last), as `squeeze()`; *n 0 for none. */
static bool own(z_stream *s, const char *in, size_t len, unsigned char *out, size_t cap, int flush,
                size_t *n)
{
	*n = 0;
	if (!len && flush != Z_FINISH)
		return true;
	return squeeze(s, in, len, out, cap, flush, n);
}

bool gzip_pack_spliced(arena_t *a, const struct gzip_splice *sp, const char *head,
                       size_t head_len, int gap, const char *tail, size_t tail_len,
                       struct gzip_text *out)
{
	memset(out, 0, sizeof *out);
	if (gap > GZIP_GAP_MAX || head_len > UINT32_MAX || tail_len > UINT32_MAX)
		return false;
	if (gap < 0)
		tail_len = 0;
	/* The shared parts the head really has. */
	const struct gzip_part *first = sp && part_at(sp->first, head, head_len, 0) ? sp->first : NULL;
	size_t f = first ? first->len : 0;
	const struct gzip_part *second =
	    sp && sp->at >= f && part_at(sp->second, head, head_len, sp->at) ? sp->second : NULL;
	size_t at = second ? sp->at : f, rest = at + (second ? second->len : 0);
	z_stream *s = deflater();
	if (!s)
		return false;
	/* deflateBound() plus the sync flushes' empty stored blocks. */
	size_t hcap = deflateBound(s, (uLong)head_len) + 32;
	size_t tcap = gap < 0 ? 0 : deflateBound(s, (uLong)tail_len) + 16;
	unsigned char *z = arena_alloc(a, hcap + tcap);
	/* One raw deflate stream over the whole text; what is not the text's
	 * own (the shared parts, the gap) goes into its history only
	 * (deflateSetDictionary() of a raw stream appends to the history
	 * after a flush), so each own part refers back to everything before
	 * it, as the decompressor will have it. */
	if (first && deflateSetDictionary(s, (const Bytef *)head, (uInt)f) != Z_OK)
		return false;
	if (second) {
		if (!own(s, head + f, at - f, z, hcap, Z_SYNC_FLUSH, &out->lead_z) ||
		    deflateSetDictionary(s, (const Bytef *)head + at, (uInt)second->len) != Z_OK)
			return false;
	}
	if (!own(s, head + rest, head_len - rest, z + out->lead_z, hcap - out->lead_z,
	         gap < 0 ? Z_FINISH : Z_SYNC_FLUSH, &out->head_z))
		return false;
	out->z = z;
	out->first = first;
	out->second = second;
	out->head_len = head_len;
	out->head_crc = (uint32_t)crc32(0, (const Bytef *)head, (uInt)head_len);
	if (gap < 0)
		return true;
	out->has_gap = true;
	out->gap = (unsigned)gap;
	out->tail_len = tail_len;
	out->tail_crc = (uint32_t)crc32(0, (const Bytef *)tail, (uInt)tail_len);
	/* The gap in the tail's history as bytes the tail does not have, so
	 * that no match runs into it. Without such a byte (every value is in
	 * the tail) the tail is compressed on its own: then it refers to
	 * nothing before it, and a fill of any length fits. */
	int filler = absent_byte(tail, tail_len);
	out->any_fill = filler < 0;
	if (filler >= 0 && gap > 0) {
		unsigned char fill[GZIP_GAP_MAX];
		memset(fill, filler, (size_t)gap);
		if (deflateSetDictionary(s, fill, (uInt)gap) != Z_OK)
			return false;
	} else if (filler < 0 && deflateReset(s) != Z_OK) {
		return false;
	}
	size_t used = out->lead_z + out->head_z;
	return squeeze(s, tail, tail_len, z + used, hcap + tcap - used, Z_FINISH, &out->tail_z);
}

/* ---- Sending ---------------------------------------------------------------- */

bool gzip_fits(const struct gzip_text *t, size_t fill_len)
{
	return !t->has_gap || (fill_len <= GZIP_GAP_MAX && (t->any_fill || fill_len == t->gap));
}

size_t gzip_plain_len(const struct gzip_text *t, size_t fill_len)
{
	return t->head_len + (t->has_gap ? fill_len + t->tail_len : 0);
}

static unsigned char *put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		*p++ = (unsigned char)(v >> (8 * i));
	return p;
}

const unsigned char *gzip_member(arena_t *a, const struct gzip_text *t, const char *fill,
                               size_t fill_len, size_t *len)
{
	if (!t->has_gap)
		fill_len = 0;
	size_t shared_z = (t->first ? t->first->z_len : 0) + (t->second ? t->second->z_len : 0);
	size_t n = sizeof member_header + shared_z + t->lead_z + t->head_z +
	           (t->has_gap ? STORED_HEADER + fill_len : 0) + t->tail_z + GZIP_TRAILER;
	unsigned char *out = arena_alloc(a, n), *p = out;
	memcpy(p, member_header, sizeof member_header);
	p += sizeof member_header;
	if (t->first) {
		memcpy(p, t->first->z, t->first->z_len);
		p += t->first->z_len;
	}
	memcpy(p, t->z, t->lead_z);
	p += t->lead_z;
	if (t->second) {
		memcpy(p, t->second->z, t->second->z_len);
		p += t->second->z_len;
	}
	memcpy(p, t->z + t->lead_z, t->head_z);
	p += t->head_z;
	uLong crc = t->head_crc;
	if (t->has_gap) {
		*p++ = 0;
		*p++ = (unsigned char)(fill_len & 0xff);
		*p++ = (unsigned char)(fill_len >> 8);
		*p++ = (unsigned char)(~fill_len & 0xff);
		*p++ = (unsigned char)((~fill_len >> 8) & 0xff);
		memcpy(p, fill, fill_len);
		p += fill_len;
		memcpy(p, t->z + t->lead_z + t->head_z, t->tail_z);
		p += t->tail_z;
		crc = crc32_combine(crc, crc32(0, (const Bytef *)fill, (uInt)fill_len),
		                    (z_off_t)fill_len);
		crc = crc32_combine(crc, t->tail_crc, (z_off_t)t->tail_len);
	}
	p = put_le32(p, (uint32_t)crc);
	put_le32(p, (uint32_t)gzip_plain_len(t, fill_len)); /* ISIZE: the length mod 2^32 */
	*len = n;
	return out;
}

bool gzip_inflate(const unsigned char *gz, size_t gz_len, char *out, size_t len)
{
	z_stream *s = inflater();
	if (!s || gz_len > UINT32_MAX || len > UINT32_MAX)
		return false;
	s->next_in = (Bytef *)gz;
	s->avail_in = (uInt)gz_len;
	s->next_out = (Bytef *)out;
	s->avail_out = (uInt)len;
	/* Z_STREAM_END only once the trailer's CRC-32 and length checked. */
	return inflate(s, Z_FINISH) == Z_STREAM_END && s->avail_out == 0 && s->avail_in == 0;
}

char *gzip_plain(arena_t *a, const struct gzip_text *t, const char *fill, size_t fill_len,
               size_t *len)
{
	if (!t->has_gap)
		fill_len = 0;
	if (fill_len > GZIP_GAP_MAX)
		return NULL;
	/* A fill of another length than the tail was compressed for goes in
	 * after: the text is decompressed with as many spaces. */
	bool fits = gzip_fits(t, fill_len);
	char spaces[GZIP_GAP_MAX];
	size_t via_len = fits ? fill_len : t->gap;
	const char *via = fits ? fill : memset(spaces, ' ', via_len);
	size_t zlen, plen = gzip_plain_len(t, via_len);
	const unsigned char *gz = gzip_member(a, t, via, via_len, &zlen);
	char *plain = arena_alloc(a, plen + 1);
	if (!gzip_inflate(gz, zlen, plain, plen))
		return NULL;
	plain[plen] = '\0';
	*len = plen;
	if (fits)
		return plain;
	char *out = arena_alloc(a, gzip_plain_len(t, fill_len) + 1);
	memcpy(out, plain, t->head_len);
	memcpy(out + t->head_len, fill, fill_len);
	memcpy(out + t->head_len + fill_len, plain + t->head_len + via_len, t->tail_len);
	*len = gzip_plain_len(t, fill_len);
	out[*len] = '\0';
	return out;
}
