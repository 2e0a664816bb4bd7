/* CSV as RFC 4180 has it: records end with CRLF, fields are separated by
 * commas, and a field holding a comma, a double quote, CR or LF is put in
 * double quotes with its own quotes doubled. Text is written as given
 * (UTF-8, no byte-order mark). Pure: appends to the caller's strbuf. */
#ifndef JAWNOSC_RENDER_CSV_H
#define JAWNOSC_RENDER_CSV_H

#include "core/strbuf.h"

/* One record of `n` fields; a NULL field is empty. */
void csv_row(strbuf_t *out, const char *const *fields, int n);

#endif
