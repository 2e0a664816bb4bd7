/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/static.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mime.h"

#define STATIC_MAX_FILES 512
#define STATIC_MAX_SIZE (4 * 1024 * 1024)

struct static_file {
	char *rel;    /* path relative to the static directory */
	char *data;
	size_t len;
	char etag[24]; /* "\"" + 16 hex + "\"" */
	char *url;
	const char *type;
};

static struct static_file files[STATIC_MAX_FILES];
static size_t nfiles;

static const char *type_of(const char *name)
{
	const char *type = mime_type(strrchr(name, '.'));
	return type ? type : "application/octet-stream";
}

static bool load_file(const char *path, const char *rel, char *err, size_t errlen)
{
	if (nfiles == STATIC_MAX_FILES) {
		snprintf(err, errlen, "more than %d static files", STATIC_MAX_FILES);
		return false;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot read %s", path);
		return false;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size > STATIC_MAX_SIZE) {
		fclose(f);
		snprintf(err, errlen, "%s is larger than 4 MiB", path);
		return false;
	}
	struct static_file *sf = &files[nfiles];
	sf->len = (size_t)st.st_size;
	sf->data = xmalloc(sf->len + 1);
	if (fread(sf->data, 1, sf->len, f) != sf->len) {
		fclose(f);
		free(sf->data);
		snprintf(err, errlen, "cannot read %s", path);
		return false;
	}
	fclose(f);
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (unsigned char *)sf->data, sf->len);
	char hex[17];
	sodium_bin2hex(hex, sizeof hex, h, 8);
	snprintf(sf->etag, sizeof sf->etag, "\"%s\"", hex);
	sf->rel = xstrdup(rel);
	size_t ulen = strlen(rel) + 32;
	sf->url = xmalloc(ulen);
	snprintf(sf->url, ulen, "/static/%s?v=%.8s", rel, hex);
	sf->type = type_of(rel);
	nfiles++;
	return true;
}

static bool load_dir(const char *dir, const char *prefix, int depth, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "cannot open static directory %s", dir);
		return false;
	}
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096], rel[1024];
		int pl = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		int rl = snprintf(rel, sizeof rel, "%s%s", prefix, e->d_name);
		if (pl < 0 || (size_t)pl >= sizeof path || rl < 0 || (size_t)rl >= sizeof rel)
			continue; /* names that long are not ours */
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 8) {
			char sub[1100];
			int sl = snprintf(sub, sizeof sub, "%s/", rel);
			if (sl > 0 && (size_t)sl < sizeof sub)
				ok = load_dir(path, sub, depth + 1, err, errlen);
		} else if (S_ISREG(st.st_mode)) {
			ok = load_file(path, rel, err, errlen);
		}
	}
	closedir(d);
	return ok;
}

bool static_load(const char *dir, char *err, size_t errlen)
{
	return load_dir(dir, "", 0, err, errlen);
}

void static_free(void)
{
	for (size_t i = 0; i < nfiles; i++) {
		free(files[i].rel);
		free(files[i].data);
		free(files[i].url);
	}
	nfiles = 0;
}

static const struct static_file *find(const char *rel)
{
	for (size_t i = 0; rel && i < nfiles; i++)
		if (strcmp(files[i].rel, rel) == 0)
			return &files[i];
	return NULL;
}

const char *static_url(const char *rel_path)
{
	const struct static_file *sf = find(rel_path);
	return sf ? sf->url : rel_path;
}

void static_handler(http_req_t *req)
{
	static_serve(req, http_param(req, "path"));
}

void static_serve(http_req_t *req, const char *rel)
{
	const struct static_file *sf = find(rel);
	if (!sf) {
		http_respond_error(req, 404, NULL);
		return;
	}
	http_add_header(req, "Cache-Control", "public, max-age=86400");
	if (http_not_modified(req, sf->etag))
		return;
	http_respond(req, 200, sf->type, sf->data, sf->len);
}
