/* SPDX-License-Identifier: EUPL-1.2 */
/* Static files (CSS, images) loaded into memory once at start-up and served
 * with an ETag (SHA-256 of the content) and Cache-Control. */
#ifndef JAWNOSC_HTTP_STATIC_H
#define JAWNOSC_HTTP_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* Loads every regular file under `dir` (recursively, at most 4 MiB each and
 * 512 files); false with `err` filled if the directory cannot be read. */
bool static_load(const char *dir, char *err, size_t errlen);
void static_free(void);
/* Answers with the static file `rel` (404 when unknown). */
void static_serve(http_req_t *req, const char *rel);
/* Route handler for GET /static/{*path}. */
void static_handler(http_req_t *req);
/* The ETag-bearing URL of a static file ("/static/style.css?v=1a2b3c4d"),
 * for cache busting in templates; the plain path when unknown. */
const char *static_url(const char *rel_path);

#endif
