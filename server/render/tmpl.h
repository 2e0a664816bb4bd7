/* SPDX-License-Identifier: EUPL-1.2 */
/* HTML templates: a Mustache subset rendered over jansson values.
 *
 * Tags:
 *   {{name}} {{a.b.c}} {{.}}   value, HTML-escaped (& < > " ')
 *   {{{name}}}                 same; raw only for values made by tmpl_safe()
 *   {{#name}}...{{/name}}      section: once per array element (pushed on the
 *                              context stack), once for an object (pushed),
 *                              once for true / "non-empty" / non-zero (context
 *                              unchanged); nothing for false, null, missing,
 *                              [], "" and 0
 *   {{^name}}...{{/name}}      inverted section: renders when the section would not
 *   {{! comment}}              nothing
 *   {{> name}}                 the template registered as `name`, same context
 * Names are looked up from the innermost context outwards; for a dotted name
 * only the first part walks the stack, the rest is looked up inside it.
 * Integers (and integral reals) render as integers, other reals with %g,
 * true/false/null/arrays/objects as nothing.
 * Whitespace: when a section, inverted, close, comment or partial tag is alone
 * on its line (blanks around it allowed), the blanks and the line break go
 * too, so block tags leave no empty lines (a partial's content is inserted
 * as is, not re-indented). All other text, and every value, is kept as is.
 * Template sources must be UTF-8; names are [A-Za-z0-9_-] parts joined by
 * dots (partial names may also contain '/'), so a typo fails at load time.
 *
 * A set is compiled once at start-up and read-only afterwards: any number of
 * threads may render from it at once without locks. Building it (tmpl_add,
 * tmpl_load_dir) is not thread-safe.
 *
 * Errors go to `err` (up to `errlen` bytes, always NUL-terminated; err may be
 * NULL) as "FILE:LINE: message" in English, e.g.
 *   pages/home.html:12: section "items" opened on line 7 is closed by "item"
 * FILE is the name given to tmpl_add, or the path relative to the directory
 * for tmpl_load_dir. */
#ifndef JAWNOSC_RENDER_TMPL_H
#define JAWNOSC_RENDER_TMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Limits: sections nested in one template (a compile error beyond it) and
 * partials nested at render time (a render error beyond it). */
#define TMPL_MAX_DEPTH 32

typedef struct tmpl_set tmpl_set_t;

/* Empty set. Never NULL (aborts on out of memory). Free with tmpl_set_free(). */
tmpl_set_t *tmpl_set_new(void);
/* Releases the set and every compiled template. NULL is a no-op. */
void tmpl_set_free(tmpl_set_t *set);

/* Compiles `source` (`len` bytes, need not be NUL-terminated; copied) and
 * registers it under exactly `name`, which is also the FILE in errors and
 * what {{> name}} refers to. Returns false and fills err on a syntax error,
 * invalid UTF-8 or a name already registered; the set is then unchanged. */
bool tmpl_add(tmpl_set_t *set, const char *name, const char *source, size_t len, char *err,
	      size_t errlen);

/* Loads every *.html file under `dir` recursively (entries starting with '.'
 * are skipped); dir/pages/case.html is registered as "pages/case" (path
 * relative to dir, extension dropped) and named "pages/case.html" in errors.
 * Stops at the first error; templates loaded before it stay in the set.
 * Does not check partials: call tmpl_check() once everything is loaded. */
bool tmpl_load_dir(tmpl_set_t *set, const char *dir, char *err, size_t errlen);

/* Checks that every partial referenced exists (call after loading everything).
 * Reports the first missing one as "FILE:LINE: unknown partial "x"". */
bool tmpl_check(const tmpl_set_t *set, char *err, size_t errlen);

bool tmpl_has(const tmpl_set_t *set, const char *name);

/* Renders template `name` with `ctx` (borrowed; may be NULL) appending to
 * `out`. False only if the template (or a partial) does not exist or
 * partials nest deeper than TMPL_MAX_DEPTH (err says which); `out` then holds
 * whatever was rendered before the failure. */
bool tmpl_render(const tmpl_set_t *set, const char *name, json_t *ctx, strbuf_t *out, char *err,
		 size_t errlen);

/* What a layout shows where it names "content" (tmpl_render_layout()):
 * appends it to `out`; false (with err filled) to stop the rendering. */
typedef bool (*tmpl_content_fn)(strbuf_t *out, void *arg, char *err, size_t errlen);

/* Renders `layout` with `ctx` into `out`; where the layout names "content"
 * as a value ({{content}} or {{{content}}}), `content` appends it there, in
 * place: the page is written once, into `out`, never copied. ctx (borrowed)
 * is not modified: "content" lives in an extra innermost context, so it
 * shadows any "content" of ctx (a section's element may still have its
 * own). As a section, "content" is always true. Nothing is left in `out`
 * when anything fails (err says what). */
bool tmpl_render_layout(const tmpl_set_t *set, const char *layout, json_t *ctx,
			tmpl_content_fn content, void *arg, strbuf_t *out, char *err,
			size_t errlen);

/* tmpl_render_layout() whose content is template `name` rendered with
 * `ctx`, as tmpl_render() would render it alone. Nothing is appended to
 * `out` when either template fails or does not exist. */
bool tmpl_render_page(const tmpl_set_t *set, const char *layout, const char *name, json_t *ctx,
		      strbuf_t *out, char *err, size_t errlen);

/* Marks trusted HTML: a new object (reference owned by the caller, as from
 * json_object()) {"$html": html} that renders unescaped with {{x}} and
 * {{{x}}}. The object also carries a second, hidden key containing a NUL
 * byte, which parsed JSON can never contain, so data (request bodies, jsonb
 * columns) cannot forge the mark with its own "$html" key. json_copy() and
 * json_deep_copy() of the object itself drop that key, and the copy renders
 * as nothing (never raw). `html` is not validated as UTF-8; NULL means "".
 * tmpl_safe_n takes exactly `n` bytes. */
json_t *tmpl_safe(const char *html);
json_t *tmpl_safe_n(const char *html, size_t n);

#endif
