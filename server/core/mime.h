/* SPDX-License-Identifier: EUPL-1.2 */
/* The media type of a file by its extension: one table for the files the
 * server serves (http/static.c) and the attachments it takes
 * (cases/filing.c), so a type is written once. */
#ifndef JAWNOSC_CORE_MIME_H
#define JAWNOSC_CORE_MIME_H

/* The media type of `ext` (".pdf", case ignored), or NULL when the table
 * does not know it. Static strings. */
const char *mime_type(const char *ext);

#endif
