/*
 * import.h - pages of real documents -> the document model.
 *
 * Real documents arrive as text pasted from government web pages (and,
 * later, as Word files). The importer recovers the model from them and
 * writes nothing itself: the caller writes the XML source a clerk
 * reviews. What it recognises (see README "Importing a page"):
 *   - the page: site chrome, SEO spam above the title, the 政务公开
 *     metadata table (索引号, 主题分类, 发布机构, 发文字号, 成文日期,
 *     发布日期, 有效性, 来源 ... in a row or one per line, simplified or
 *     traditional), repeated titles, page numbers;
 *   - the 公文's parts: 版头, 份号/密级/紧急程度, 文号, title, 主送,
 *     body, 附件说明, 落款 (issuer + 成文日期), 附注, attachment bodies,
 *     版记 (抄送, 印发);
 *   - the body: heading levels 一、 （一） 1. （1）, 第一部分, 第一章 /
 *     第一节 / 第一条 (and 條 / 節), markdown-like markers, bullets;
 *   - dates in every common form, 民國 years where the page says 民國;
 *   - the encoding (UTF-8, UTF-16/32 with a byte order mark, GB18030,
 *     Big5), through util/charset.h.
 *
 * Nothing is dropped silently: every input line that does not become
 * body text is listed in the report (folio_import_report), with what
 * happened to it and why. Body lines keep every character in order,
 * except ASCII punctuation between Chinese made full width, typed
 * heading numbers (the style generates them; a typed number that differs
 * from the generated one is reported) and markdown markers.
 *
 * Ownership: on success *out is a new document owned by the caller
 * (folio_doc_free); on failure *out is NULL. The report, when given,
 * is filled on success and on failure alike (as far as the import got);
 * the caller frees it with folio_import_report_free.
 * Errors: FOLIO_EINPUT with "name:line:col: expected ..., found ..." for
 * bad text (undecidable encoding, invalid bytes, control bytes, empty
 * page, no title, no body, impossible date, no date, no issuer);
 * FOLIO_EUSAGE for an unknown or malformed --meta override or encoding;
 * FOLIO_ELIMIT past FOLIO_MAX_SOURCE_BYTES or FOLIO_MAX_TEXT_BYTES for
 * one paragraph; FOLIO_EIO/FOLIO_ENOMEM.
 * Work and memory are linear in the input. Thread-safe: no global state.
 */
#ifndef FOLIO_IMPORT_IMPORT_H
#define FOLIO_IMPORT_IMPORT_H

#include <stddef.h>

#include "model/doc.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/error.h"

/* One --meta KEY=VALUE. Keys: title subtitle issuer doc-number date
 * category subject index-number security retention keywords recipients
 * cc printed-by printed-date url note id. List keys (keywords, recipients,
 * cc) split the value on , ， and 、. Overrides win over what the
 * importer found. */
typedef struct folio_meta_override {
	const char *key;
	const char *value;
} folio_meta_override;

typedef struct folio_import_options {
	const folio_meta_override *meta;
	size_t n_meta;
	const char *encoding;     /* NULL: detect (util/charset.h) */
} folio_import_options;

typedef enum folio_import_action {
	FOLIO_IMPORT_DROPPED,     /* not in the source at all */
	FOLIO_IMPORT_MOVED,       /* became metadata, 落款, 附件说明 ... */
	FOLIO_IMPORT_RENUMBERED,  /* body text whose typed number differs
	                           * from the one the style generates */
	FOLIO_IMPORT_SKIPPED      /* Word content not taken: a comment,
	                           * deleted text, a field's code, an
	                           * external link (never fetched) ... */
} folio_import_action;

/* One input line that did not become body text as typed. */
typedef struct folio_import_entry {
	unsigned line, col;
	const char *text;         /* the line as read (UTF-8, trimmed) */
	folio_import_action action;
	const char *reason;       /* "site chrome", "SEO spam", "title" ... */
	const char *detail;       /* e.g. "索引号 -> index-number", or NULL */
	const char *typed;        /* RENUMBERED: the number typed ... */
	const char *generated;    /* ... and the one generated instead */
} folio_import_entry;

typedef struct folio_import_report {
	folio_charset encoding;   /* what the text was read as */
	size_t lines;             /* lines in the input */
	folio_import_entry *entries;  /* in line order */
	size_t n_entries, cap_entries;
	size_t dropped, moved, renumbered;
	size_t punctuation_lines; /* body lines with ASCII marks made full width */
	size_t marker_lines;      /* lines whose markdown/bullet marker went */
	size_t joined_lines;      /* lines of a hard-wrapped page joined to
	                           * the line above into one paragraph */
	void *pool;               /* texts of the entries (private) */
	size_t skipped;           /* SKIPPED entries */
} folio_import_report;

/* What kind of input a file is, by its first bytes (not its name). */
typedef enum folio_input_kind {
	FOLIO_INPUT_TEXT,         /* anything else: a page of text */
	FOLIO_INPUT_ZIP,          /* a ZIP package: .docx (or .odt ...) */
	FOLIO_INPUT_OLE           /* an OLE2 compound file: .doc, .wps,
	                           * or a password-protected .docx */
} folio_input_kind;

folio_input_kind folio_input_kind_of(const char *head, size_t n);

/* Images a Word file carried, to be written beside the source as the
 * figures name them (src relative to the source's folder). */
typedef struct folio_import_image {
	const char *src;
	const unsigned char *data;
	size_t len;
} folio_import_image;

typedef struct folio_import_media {
	folio_import_image *images;
	size_t n;
	void *priv;
} folio_import_media;

void folio_import_media_free(folio_import_media *m);

/* Write every image beside out_path (the source that names them),
 * creating its folder, each file atomically; on failure none is left. */
int folio_import_media_write(const folio_import_media *m,
	const char *out_path, folio_error *err);
/* Remove the images written for out_path (its source failed). */
void folio_import_media_remove(const folio_import_media *m,
	const char *out_path);

/* Import a Word (.docx) file: the package is read with bounded libzip
 * (util/zip_package.h), every XML part with the safe parser (no DTD, no
 * network), and the paragraphs go through the same recognisers as a
 * page of text. media receives the images its figures name, each
 * named "<media_dir>/imageN.png|jpg" (media_dir: a folder relative to
 * the source to be written, valid as a figure src; NULL: "media"). A file
 * that is an OLE2 compound file (.doc, .wps, an encrypted .docx) or an
 * OpenDocument text is refused with what to do instead. Errors as for
 * folio_text_import, messages "FILE:PART:line:col: ..." where a part's
 * position is known. */
int folio_docx_import(folio_doc **out, folio_import_media *media,
	const char *path, const char *media_dir,
	const folio_import_options *opts,
	folio_import_report *report, folio_error *err);

/* Any importable file: by its first bytes a Word file goes to
 * folio_docx_import (media may then be filled), anything else to
 * folio_text_import. */
int folio_import_file(folio_doc **out, folio_import_media *media,
	const char *path, const char *media_dir,
	const folio_import_options *opts,
	folio_import_report *report, folio_error *err);

/* The media_dir for a source written to out_path: "<base>-media" when
 * the base name is usable in a figure src, else "media-<hash>". */
void folio_import_media_dir(char *out, size_t outsz, const char *out_path);

/* Import the text file at path (read with a FOLIO_MAX_SOURCE_BYTES cap).
 * opts and report may be NULL. Calls folio_doc_validate last. */
int folio_text_import(folio_doc **out, const char *path,
	const folio_import_options *opts, folio_import_report *report,
	folio_error *err);

/* Same, from memory; `name` stands for the file in messages and for the
 * default document id. */
int folio_text_import_memory(folio_doc **out, const char *name,
	const char *text, size_t len, const folio_import_options *opts,
	folio_import_report *report, folio_error *err);

/* The report as JSON (one object, see README), appended to out:
 * {"source", "encoding", "encoding_from", "confidence", "lines",
 *  "dropped", "moved", "renumbered", "punctuation_lines",
 *  "marker_lines", "joined_lines", "entries": [{"line", "col", "text",
 *  "action",
 *  "reason", "detail", "typed", "generated"}]}. */
int folio_import_report_json(folio_buf *out, const folio_import_report *r,
	const char *source);

/* One line for a person, appended to out (no newline), e.g.
 * "dropped 3 lines: 2 site chrome, 1 SEO spam; 6 lines became metadata".
 * Empty when nothing was dropped, moved or renumbered. */
int folio_import_report_summary(folio_buf *out,
	const folio_import_report *r);

/* Frees what the report holds (not r itself); NULL is a no-op. */
void folio_import_report_free(folio_import_report *r);

/* The --meta overrides of opts applied to a document read some other
 * way (an XML source), with the same keys, checks and messages, then
 * folio_doc_validate. name is the source's name for messages. */
int folio_import_apply_meta(folio_doc *doc, const char *name,
	const folio_import_options *opts, folio_error *err);

#endif
