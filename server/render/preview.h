/* SPDX-License-Identifier: EUPL-1.2 */
/* Previews of attachments for the clerk (cases/attachment_files.h): an
 * image rendered here, never the file itself shown inline. A PDF's page is
 * drawn by poppler (render/redact.h); a PNG is decoded by cairo and drawn
 * again; a JPEG is decoded by poppler's own DCT decoder, wrapped in a
 * one-page PDF made here (so no image library is added). Whatever the
 * input, the answer is a new PNG of our making, at most PREVIEW_MAX_SIDE
 * pixels on its longer side, with no metadata of the original.
 *
 * The input is hostile: its size is checked before anything is decoded
 * (bytes, and the pixels an image declares), and a file that cannot be
 * read is refused with a reason, never a crash. Thread-safe; no database. */
#ifndef JAWNOSC_RENDER_PREVIEW_H
#define JAWNOSC_RENDER_PREVIEW_H

#include <stdbool.h>
#include <stddef.h>

#define PREVIEW_MAX_BYTES (32u * 1024 * 1024) /* a larger file gets no preview */
#define PREVIEW_MAX_PIXELS 40000000L          /* pixels an image may declare */
#define PREVIEW_MAX_SIDE 1600                 /* pixels of the preview's longer side */
#define PREVIEW_DPI 100                       /* a PDF page */

/* How many images the preview of data[0..len) has: a PDF's pages, 1 for a
 * PNG or JPEG; 0 with the reason (Polish, for the clerk) in `err` when
 * there is no preview (another kind of file, too large, unreadable). */
int preview_count(const unsigned char *data, size_t len, char *err, size_t errlen);

/* Image `n` (1-based) of the preview as a PNG, malloc'd into *png,
 * *pnglen; false with the reason in `err`. */
bool preview_png(const unsigned char *data, size_t len, int n, unsigned char **png,
                 size_t *pnglen, char *err, size_t errlen);

/* The one-page PDF that shows the JPEG data[0..len) scaled to fit
 * PREVIEW_MAX_SIDE points, malloc'd; false with `err` when the JPEG's
 * header cannot be read or it declares too many pixels. For tests. */
bool preview_jpeg_pdf(const unsigned char *data, size_t len, unsigned char **pdf,
                      size_t *pdflen, char *err, size_t errlen);

#endif
