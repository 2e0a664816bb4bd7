/* SPDX-License-Identifier: EUPL-1.2 */
/* CSV as RFC 4180 has it: records end with CRLF, fields are separated by
 * commas, and a field holding a comma, a double quote, CR or LF is put in
 * double quotes with its own quotes doubled. Text is written as given
 * (UTF-8, no byte-order mark), except that a spreadsheet must not read a
 * cell as a formula (OWASP, "CSV Injection"): a field that starts with
 * '=', '+', '-', '@', a tab or CR gets a single quote in front and is put
 * in double quotes ("=1+1" becomes "'=1+1"), unless the whole field is a
 * plain number ("-3", "+2.5", "-1.5e-07"), which a spreadsheet reads as
 * that number and nothing else. The JSON exports carry the exact text.
 * Pure: appends to the caller's strbuf. */
#ifndef JAWNOSC_RENDER_CSV_H
#define JAWNOSC_RENDER_CSV_H

#include "core/strbuf.h"

/* One record of `n` fields; a NULL field is empty. */
void csv_row(strbuf_t *out, const char *const *fields, int n);

#endif
