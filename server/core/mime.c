/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/mime.h"

#include <stddef.h>
#include <strings.h>

static const struct {
	const char *ext, *type;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".xml", "application/xml"},
    {".xsl", "text/xsl; charset=utf-8"},
    {".json", "application/json"},
    {".pdf", "application/pdf"},
    {".odt", "application/vnd.oasis.opendocument.text"},
    {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
};

const char *mime_type(const char *ext)
{
	for (size_t i = 0; ext && i < sizeof types / sizeof types[0]; i++)
		if (strcasecmp(ext, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}
