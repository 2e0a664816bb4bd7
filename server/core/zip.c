/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/zip.h"

#include <string.h>
#include <time.h>
#include <zlib.h>

#include "core/utf8.h"

#define LOCAL_HEADER 30u   /* bytes before the name */
#define CENTRAL_HEADER 46u /* the same in the central directory */
#define END_RECORD 22u
#define VERSION_NEEDED 20u           /* 2.0: deflate, folders */
#define VERSION_MADE_BY (0x0300u | 20u) /* Unix, so the external attributes are a mode */
#define FLAG_UTF8 0x0800u
#define METHOD_STORED 0u
#define METHOD_DEFLATED 8u
#define MODE_FILE (0100644u << 16)

struct zip_entry {
	const char *name;
	size_t name_len;
	const unsigned char *data; /* as stored: compressed or not */
	size_t stored_len, len;
	uint32_t crc;
	uint16_t method;
	uint32_t offset; /* of its local header */
	struct zip_entry *next;
};

void zip_init(zip_t *z, arena_t *a, int64_t mtime)
{
	memset(z, 0, sizeof *z);
	z->arena = a;
	time_t t = mtime < 315532800 ? 315532800 : (time_t)mtime; /* 1980-01-01 */
	struct tm tm;
	gmtime_r(&t, &tm);
	if (tm.tm_year + 1900 > 2107) /* the format's last year */
		tm = (struct tm){.tm_year = 2107 - 1900, .tm_mon = 11, .tm_mday = 31, .tm_hour = 23,
		                 .tm_min = 59, .tm_sec = 58};
	z->dos_time = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	z->dos_date = (uint16_t)((tm.tm_year + 1900 - 1980) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}

const char *zip_name_problem(const char *name, size_t n)
{
	if (!n)
		return "empty name";
	if (n > ZIP_NAME_MAX)
		return "name too long";
	if (!utf8_valid(name, n))
		return "name not UTF-8";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f || name[i] == '\\')
			return "control character or backslash in the name";
	if (name[0] == '/')
		return "absolute name";
	for (const char *s = name; s <= name + n;) {
		const char *e = memchr(s, '/', (size_t)(name + n - s));
		size_t k = e ? (size_t)(e - s) : (size_t)(name + n - s);
		if (!k || (k == 1 && s[0] == '.') || (k == 2 && s[0] == '.' && s[1] == '.'))
			return "empty, \".\" or \"..\" segment in the name";
		if (!e)
			break;
		s = e + 1;
	}
	return NULL;
}

/* The reason a name cannot be an entry's, or NULL: zip_name_problem(),
 * or the name is taken. */
static const char *bad_name(const zip_t *z, const char *name, size_t n)
{
	const char *why = zip_name_problem(name, n);
	if (why)
		return why;
	for (const struct zip_entry *e = z->first; e; e = e->next)
		if (e->name_len == n && !memcmp(e->name, name, n))
			return "name already in the archive";
	return NULL;
}

/* Raw deflate of data into the arena; false when it would not be smaller
 * (or zlib fails: then storing is the answer too). */
static bool deflated(arena_t *a, const void *data, size_t len, const unsigned char **out,
                     size_t *out_len, bool *failed)
{
	*failed = false;
	if (len < 64 || len > ZIP_MAX_BYTES)
		return false;
	z_stream s = {0};
	if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		*failed = true;
		return false;
	}
	uLong bound = deflateBound(&s, (uLong)len);
	unsigned char *buf = arena_alloc(a, bound);
	s.next_in = (Bytef *)data;
	s.avail_in = (uInt)len;
	s.next_out = buf;
	s.avail_out = (uInt)bound;
	int rc = deflate(&s, Z_FINISH);
	size_t n = s.total_out;
	deflateEnd(&s);
	if (rc != Z_STREAM_END) {
		*failed = true;
		return false;
	}
	if (n >= len)
		return false;
	*out = buf;
	*out_len = n;
	return true;
}

bool zip_add(zip_t *z, const char *name, const void *data, size_t len, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	size_t n = name ? strlen(name) : 0;
	if ((*why = bad_name(z, name ? name : "", n)))
		return false;
	if (z->count >= ZIP_MAX_ENTRIES) {
		*why = "too many entries";
		return false;
	}
	if (len > ZIP_MAX_BYTES) {
		*why = "file too large";
		return false;
	}
	struct zip_entry *e = arena_calloc(z->arena, 1, sizeof *e);
	e->name = arena_strndup(z->arena, name, n);
	e->name_len = n;
	e->len = len;
	e->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)len);
	bool failed;
	if (deflated(z->arena, data, len, &e->data, &e->stored_len, &failed)) {
		e->method = METHOD_DEFLATED;
	} else if (failed) {
		*why = "zlib failed";
		return false;
	} else {
		unsigned char *copy = arena_alloc(z->arena, len ? len : 1);
		if (len)
			memcpy(copy, data, len);
		e->data = copy;
		e->stored_len = len;
		e->method = METHOD_STORED;
	}
	/* Its local header and data, and what it adds to the directory, must
	 * leave the directory's offset and size within 32 bits. */
	uint64_t after = z->size + LOCAL_HEADER + n + e->stored_len;
	uint64_t directory = CENTRAL_HEADER + n;
	for (const struct zip_entry *o = z->first; o; o = o->next)
		directory += CENTRAL_HEADER + o->name_len;
	if (after + directory + END_RECORD > ZIP_MAX_BYTES) {
		*why = "archive too large";
		return false;
	}
	e->offset = (uint32_t)z->size;
	z->size = after;
	if (z->last)
		z->last->next = e;
	else
		z->first = e;
	z->last = e;
	z->count++;
	return true;
}

static unsigned char *put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8 & 0xff);
	return p + 2;
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	p = put16(p, v & 0xffff);
	return put16(p, v >> 16);
}

/* What the local and the central header share, from "version needed" to
 * the name's length. */
static unsigned char *common(unsigned char *p, const zip_t *z, const struct zip_entry *e)
{
	p = put16(p, VERSION_NEEDED);
	p = put16(p, FLAG_UTF8);
	p = put16(p, e->method);
	p = put16(p, z->dos_time);
	p = put16(p, z->dos_date);
	p = put32(p, e->crc);
	p = put32(p, (uint32_t)e->stored_len);
	p = put32(p, (uint32_t)e->len);
	return put16(p, (uint32_t)e->name_len);
}

bool zip_finish(zip_t *z, const char **out, size_t *len)
{
	uint64_t directory = 0;
	for (const struct zip_entry *e = z->first; e; e = e->next)
		directory += CENTRAL_HEADER + e->name_len;
	uint64_t total = z->size + directory + END_RECORD;
	if (total > ZIP_MAX_BYTES) /* zip_add() keeps it within; never here */
		return false;
	unsigned char *buf = arena_alloc(z->arena, (size_t)total), *p = buf;
	for (const struct zip_entry *e = z->first; e; e = e->next) {
		p = put32(p, 0x04034b50);
		p = common(p, z, e);
		p = put16(p, 0); /* no extra field */
		memcpy(p, e->name, e->name_len);
		p += e->name_len;
		if (e->stored_len)
			memcpy(p, e->data, e->stored_len);
		p += e->stored_len;
	}
	for (const struct zip_entry *e = z->first; e; e = e->next) {
		p = put32(p, 0x02014b50);
		p = put16(p, VERSION_MADE_BY);
		p = common(p, z, e);
		p = put16(p, 0); /* extra field */
		p = put16(p, 0); /* comment */
		p = put16(p, 0); /* disk */
		p = put16(p, 0); /* internal attributes */
		p = put32(p, MODE_FILE);
		p = put32(p, e->offset);
		memcpy(p, e->name, e->name_len);
		p += e->name_len;
	}
	p = put32(p, 0x06054b50);
	p = put16(p, 0); /* this disk */
	p = put16(p, 0); /* the directory's disk */
	p = put16(p, (uint32_t)z->count);
	p = put16(p, (uint32_t)z->count);
	p = put32(p, (uint32_t)directory);
	p = put32(p, (uint32_t)z->size);
	p = put16(p, 0); /* comment */
	*out = (const char *)buf;
	*len = (size_t)(p - buf);
	return *len == total;
}
