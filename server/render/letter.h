/* SPDX-License-Identifier: EUPL-1.2 */
/* Letters and decisions: Markdown templates, variable substitution with
 * Markdown escaping, and the finished letter as HTML (render/letter_html.c)
 * or PDF (render/pdf.c).
 *
 * Templates live in templates/letters/, one file per letter type, named by
 * the law's document ids ("extension_notice.md", "acknowledgement.md"). A
 * type may have a variant for re-use requests, "<type>.reuse.md", chosen
 * when the variable case.kind is "reuse". Files
 * starting with '_' are fragments the engine inserts for computed variables
 * (_remedy_appeal.md, _remedy_reconsideration.md).
 *
 * Template grammar (nothing else; partials do not exist):
 *   {{name}} {{a.b}}   a variable: [a-z0-9_] parts joined by dots, which must
 *                      be a known variable (letter_vars[]); unknown names,
 *                      stray or unclosed "{{" fail at load with FILE:LINE
 *   {{! comment}}      nothing; may span lines; lines holding only a comment
 *                      go entirely
 *   {{#flag}} ... {{/flag}}   the lines between, only when the flag
 *   {{^flag}} ... {{/flag}}   (a LETTER_VAR_FLAG variable) is true, or false;
 *                      each tag stands alone on its line, which goes; nested
 *                      up to 4 deep; the variables of a section not taken
 *                      are neither looked up nor required
 * List variables (LETTER_VAR_LIST) and {{remedy_instruction}} produce whole
 * blocks and must stand alone on their line.
 *
 * Values are escaped for CommonMark before substitution, so no value can
 * open markup: every character that starts inline markup is backslash-escaped
 * (\ ` * _ [ ] < > ! & ~ { } | #), and at the start of each of the value's
 * lines any ASCII punctuation and a "1." / "1)" list marker are escaped too;
 * leading blanks, control characters and bidirectional overrides are
 * dropped, invalid UTF-8 becomes U+FFFD. Newlines become hard line breaks
 * ("\" + newline); in block values (LETTER_VAR_BLOCK) a blank line starts a
 * new paragraph. The Markdown is then rendered with CMARK_OPT_DEFAULT (raw
 * HTML is dropped, javascript: links are removed), so the escaping and the
 * renderer each suffice alone.
 *
 * Dates (LETTER_VAR_DATE) are given as "YYYY-MM-DD" and printed in Polish:
 * "26 listopada 2026 r.".
 *
 * Ownership and threads: a letter_set_t is built once by letter_load() and
 * read-only afterwards; any number of threads may render from it at once.
 * Every function appends to a caller's strbuf_t and fills `err` (up to
 * `errlen` bytes, always NUL-terminated when errlen > 0, English) on
 * failure; on failure `out` may hold a partial result the caller discards. */
#ifndef JAWNOSC_RENDER_LETTER_H
#define JAWNOSC_RENDER_LETTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"
#include "law/lifecycle.h"

/* ---- Types ------------------------------------------------------------ */

/* A letter type is a row of the law's table of documents (law_documents[]
 * in server/law/lifecycle.c): its id names the template, and the title,
 * whether it is a decision (remedy instruction etc.), the kinds of request
 * it serves and its addressee come from there. The frame's addressee block
 * comes from the variables addressee.name / addressee.address when set,
 * else from the requester; for the appeal body and the court the caller
 * sets addressee.* (letter_sample_vars_for() shows how). */
typedef law_document_info_t letter_type_t;

/* Every row of law_documents[] but LAW_DOC_NONE: the documents the
 * lifecycle produces, then the acknowledgement of receipt. */
extern const letter_type_t *const letter_types;
extern const size_t letter_type_count;

/* The row of `type`, or NULL. */
const letter_type_t *letter_type(const char *type);
/* Polish title of `type`, or NULL for an unknown type. */
const char *letter_title(const char *type);

/* ---- Variables -------------------------------------------------------- */

typedef enum letter_var_type {
	LETTER_VAR_TEXT,   /* a string (or a number); newlines become line breaks */
	LETTER_VAR_BLOCK,  /* a string; blank lines separate paragraphs */
	LETTER_VAR_LIST,   /* an array of strings, or a string with one item per line */
	LETTER_VAR_DATE,   /* "YYYY-MM-DD", printed "26 listopada 2026 r." */
	LETTER_VAR_NUMBER, /* an integer (or a string of digits) */
	LETTER_VAR_FLAG,   /* true or false; only for {{#flag}} sections */
} letter_var_type_t;

typedef enum letter_var_source {
	LETTER_SRC_CASE,     /* from the database: case, requester, organisation */
	LETTER_SRC_INPUT,    /* the clerk's input to the action */
	LETTER_SRC_CONSTANT, /* set by the engine (statute citations) */
	LETTER_SRC_COMPUTED, /* computed by the engine from other variables */
} letter_var_source_t;

typedef struct letter_var {
	const char *name; /* "requester.name" */
	letter_var_type_t type;
	letter_var_source_t source;
	/* Used by the letter's frame (letterhead, addressee, signature) rather
	 * than templates; `optional` ones may be absent. */
	bool frame, optional;
	const char *meaning;	   /* English, for docs/letters.md */
	const char *example;	   /* the sample case's value; LIST items on lines */
	const char *example_reuse; /* for a re-use sample, if different; else NULL */
	const char *value;	   /* LETTER_SRC_CONSTANT: the value (trusted text) */
	/* Polish, for the clerk (issue 21 item 3): the name of the gap a
	 * draft marks where the variable has no value („Uzasadnienie
	 * prawne”), and what to write there; every variable of the case or an
	 * action has a label, unique among them (render/letter_gaps.h). */
	const char *label;
	const char *hint; /* or NULL */
} letter_var_t;

extern const letter_var_t letter_vars[];
extern const size_t letter_var_count;

/* ---- Loading ---------------------------------------------------------- */

typedef struct letter_set letter_set_t;

/* Loads and compiles every template of `dir` (templates/letters). Fails on a
 * syntax error ("refusal_decision.md:12: unclosed {{"), an unknown variable,
 * invalid UTF-8, a file for an unknown type, or a type or fragment without
 * its file. *out is NULL on failure. Free with letter_free(). */
bool letter_load(letter_set_t **out, const char *dir, char *err, size_t errlen);
void letter_free(letter_set_t *s);
bool letter_has(const letter_set_t *s, const char *type);

/* The variables the templates of `type` use (its .reuse variant and, for
 * {{remedy_instruction}}, both remedy fragments and "remedy" included), in
 * the order of letter_vars[]: up to `max` into out; returns how many there
 * are (0 for an unknown type). Not the frame's: see letter_vars[].frame. */
size_t letter_type_vars(const letter_set_t *s, const char *type, const letter_var_t **out,
			size_t max);

/* ---- Rendering -------------------------------------------------------- */

/* The letter's Markdown body: the template of `type` (its .reuse variant when
 * case.kind is "reuse") with `vars` (a jansson object, borrowed) substituted.
 * Fails for an unknown type or a variable that is missing or of the wrong
 * type: `missing variable "requester.name" in refusal_decision.md:12`. */
bool letter_markdown(const letter_set_t *s, const char *type, json_t *vars, strbuf_t *out,
		     char *err, size_t errlen);

/* The whole letter as one HTML document: letterhead, place and date, case
 * number, addressee, the body from `markdown` (possibly edited by a clerk),
 * signature; print CSS for A4 inline in a <style> element. Frame variables:
 * see letter_vars[] (frame = true); a missing required one is an error. */
bool letter_html(const char *markdown, json_t *vars, strbuf_t *out, char *err, size_t errlen);

typedef struct letter_html_opts {
	/* Link this stylesheet (e.g. a URL serving letter_css) instead of the
	 * inline <style>, for pages under a CSP that forbids inline styles. */
	const char *css_href;
	/* Only the <article> element, to embed in a page (no <html>, no CSS). */
	bool fragment;
} letter_html_opts_t;

bool letter_html_ex(const char *markdown, json_t *vars, const letter_html_opts_t *opts,
		    strbuf_t *out, char *err, size_t errlen);

/* The stylesheet of letter_html (screen and print, A4). */
extern const char letter_css[];

/* The same letter as PDF bytes (A4, embedded DejaVu fonts, "Strona N z M"). */
bool letter_pdf(const char *markdown, json_t *vars, strbuf_t *out, char *err, size_t errlen);

/* At process exit, after the last letter_pdf(): releases the font caches
 * (Pango, cairo, fontconfig) so that LeakSanitizer and valgrind report a
 * clean exit. Not while any thread may still render. */
void letter_shutdown(void);

/* ---- Helpers ---------------------------------------------------------- */

/* Appends `s` (`n` bytes) escaped for CommonMark as described above; `block`
 * keeps paragraphs (LETTER_VAR_BLOCK), otherwise every line break is a hard
 * line break and blank lines are dropped. */
void letter_md_escape(strbuf_t *out, const char *s, size_t n, bool block);

/* "2026-11-26" -> "26 listopada 2026 r."; false for anything that is not a
 * real date YYYY-MM-DD (years 1000-9999). */
bool letter_date_pl(const char *iso, strbuf_t *out);

/* The built-in sample case (Ministerstwo Obrony Narodowej, Jan Kowalski,
 * COMON.1431.15.2026): every variable any template uses. kind is
 * "public_information" (or NULL) or "reuse"; remedy "appeal",
 * "reconsideration" (NULL: reconsideration, right for a minister) or
 * "court_complaint" (then org.public_authority is false: a body that is not
 * an organ of public authority). NULL for other values. New reference, the
 * caller json_decref()s it. */
json_t *letter_sample_vars(const char *kind, const char *remedy);
/* The same for `type`: addressed as the type requires (addressee.* set to
 * the appeal body or the court), letter.title set to its title, and the
 * few values that must differ for the letter to read well (the dates of a
 * decision challenged on appeal, the reasons of a refusal vs a
 * discontinuance). */
json_t *letter_sample_vars_for(const char *type, const char *kind, const char *remedy);

/* The remedy of `remedy` ("appeal", else reconsideration) in the genitive,
 * as {{pleading}} names it: "odwołania", "wniosku o ponowne rozpatrzenie
 * sprawy". */
const char *letter_pleading(const char *remedy);

/* Appends the genitive of a body's name given in the nominative
 * ("Wojewódzki Sąd Administracyjny w Warszawie" -> "Wojewódzkiego Sądu
 * Administracyjnego w Warszawie"), for "do ..." in the remedy instructions.
 * Knows the usual appeal bodies and courts by their first words; false (out
 * untouched) for any other name, which the clerk then writes. */
bool letter_genitive(const char *nominative, strbuf_t *out);

/* Appends the citation of statute `act` ("kpa", "udip", "uod", "ppsa":
 * the variables {{kpa}} etc.) in the genitive with the Dz. U. position
 * `dz_u` ("Dz. U. z 2024 r. poz. 572"); false for another act. A letter's
 * variables may carry them (cases/letters.c, from the table `citations`);
 * without them the engine prints the compiled-in position. */
bool letter_citation(const char *act, const char *dz_u, strbuf_t *out);

/* docs/letters.md: the types (with the action inputs each uses, when `s`
 * is not NULL) and the variables as Markdown tables. */
void letter_docs_markdown(const letter_set_t *s, strbuf_t *out);

#endif
