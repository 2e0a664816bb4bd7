/* SPDX-License-Identifier: EUPL-1.2 */
/* A small ZIP reader for the tests (server/core/zip.c writes; this reads
 * what any archive of the kind holds, independently of the writer's code):
 * the end record, the central directory, each local header, and the data
 * inflated (zlib) or stored, with its CRC-32 checked. Header-only, for
 * tests/unit/test_zip.c and tests/integration/test_iod.c. */
#ifndef JAWNOSC_TESTS_ZIP_READ_H
#define JAWNOSC_TESTS_ZIP_READ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct zr_entry {
	char name[1100];
	unsigned char *data; /* malloc'd, NUL-terminated past len */
	size_t len;
	unsigned method, flags;
};

struct zr_archive {
	struct zr_entry *e;
	size_t n;
};

static inline uint32_t zr16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t zr32(const unsigned char *p)
{
	return zr16(p) | zr16(p + 2) << 16;
}

static inline void zr_free(struct zr_archive *z)
{
	for (size_t i = 0; i < z->n; i++)
		free(z->e[i].data);
	free(z->e);
	z->e = NULL;
	z->n = 0;
}

/* Reads the archive; false (with *why) on anything out of place. */
static inline bool zr_read(const void *buf, size_t len, struct zr_archive *z, const char **why)
{
	const unsigned char *b = buf;
	memset(z, 0, sizeof *z);
#define ZR_FAIL(msg)                                                                               \
	do {                                                                                       \
		*why = msg;                                                                        \
		zr_free(z);                                                                        \
		return false;                                                                      \
	} while (0)
	if (len < 22)
		ZR_FAIL("shorter than an end record");
	const unsigned char *end = b + len - 22; /* no archive comment */
	if (zr32(end) != 0x06054b50)
		ZR_FAIL("no end record at the end");
	size_t count = zr16(end + 10), cd_size = zr32(end + 12), cd_off = zr32(end + 16);
	if (zr16(end + 8) != count || cd_off + cd_size != len - 22)
		ZR_FAIL("end record does not match");
	z->e = calloc(count ? count : 1, sizeof *z->e);
	const unsigned char *p = b + cd_off;
	for (size_t i = 0; i < count; i++) {
		if (p + 46 > end || zr32(p) != 0x02014b50)
			ZR_FAIL("bad central header");
		struct zr_entry *e = &z->e[z->n++];
		e->flags = zr16(p + 8);
		e->method = zr16(p + 10);
		uint32_t crc = zr32(p + 16), csize = zr32(p + 20), usize = zr32(p + 24);
		size_t nlen = zr16(p + 28), xlen = zr16(p + 30), clen = zr16(p + 32);
		size_t off = zr32(p + 42);
		if (nlen >= sizeof e->name || p + 46 + nlen > end)
			ZR_FAIL("bad name length");
		memcpy(e->name, p + 46, nlen);
		e->name[nlen] = '\0';
		const unsigned char *l = b + off;
		if (off + 30 > cd_off || zr32(l) != 0x04034b50)
			ZR_FAIL("bad local header");
		if (zr16(l + 8) != e->method || zr32(l + 14) != crc || zr32(l + 18) != csize ||
		    zr32(l + 22) != usize || zr16(l + 26) != nlen || memcmp(l + 30, e->name, nlen))
			ZR_FAIL("local header differs from the central one");
		const unsigned char *d = l + 30 + nlen + zr16(l + 28);
		if (d + csize > b + cd_off)
			ZR_FAIL("data past the directory");
		e->data = malloc(usize + 1);
		e->len = usize;
		if (e->method == 0) {
			if (csize != usize)
				ZR_FAIL("stored sizes differ");
			memcpy(e->data, d, usize);
		} else if (e->method == 8) {
			z_stream s = {0};
			if (inflateInit2(&s, -15) != Z_OK)
				ZR_FAIL("inflateInit2");
			s.next_in = (Bytef *)d;
			s.avail_in = csize;
			s.next_out = e->data;
			s.avail_out = usize;
			int rc = inflate(&s, Z_FINISH);
			size_t out = s.total_out;
			inflateEnd(&s);
			if (rc != Z_STREAM_END || out != usize)
				ZR_FAIL("inflate");
		} else {
			ZR_FAIL("unknown method");
		}
		e->data[usize] = '\0';
		if ((uint32_t)crc32(0, e->data, usize) != crc)
			ZR_FAIL("CRC-32 differs");
		p += 46 + nlen + xlen + clen;
	}
	if (p != end)
		ZR_FAIL("directory size differs");
#undef ZR_FAIL
	*why = NULL;
	return true;
}

/* The entry named `name`, or NULL. */
static inline const struct zr_entry *zr_find(const struct zr_archive *z, const char *name)
{
	for (size_t i = 0; i < z->n; i++)
		if (!strcmp(z->e[i].name, name))
			return &z->e[i];
	return NULL;
}

#endif
