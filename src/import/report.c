/* The import report: every input line that is not body text as typed,
 * with what happened to it and why; as JSON and as one summary line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/arena.h"

/* Reasons per role, for people and for the JSON report. */
static const char *const reasons[R_COUNT] = {
	[R_CHROME] = "site chrome",
	[R_SPAM] = "SEO spam",
	[R_ABOVE_TITLE] = "page header above the title",
	[R_REPEATED_TITLE] = "repeated title",
	[R_PAGE_NUMBER] = "page number",
	[R_RULE] = "rule line",
	[R_RELATED] = "related links",
	[R_TOC] = "table of contents",
	[R_UNKEPT] = "page metadata without a field",
	[R_TITLE] = "title",
	[R_SUBTITLE] = "subtitle",
	[R_META] = "page metadata",
	[R_DATE] = "date",
	[R_DOCNUM] = "文号",
	[R_MASTHEAD] = "版头 (发文机关标志)",
	[R_SECURITY] = "份号, 密级 or 紧急程度",
	[R_RECIPIENTS] = "主送",
	[R_ATT_LIST] = "附件说明",
	[R_ATT_HEAD] = "attachment heading",
	[R_CLOSING] = "落款",
	[R_NOTE] = "附注",
	[R_IMPRINT] = "版记",
};

static folio_arena *pool(folio_import_report *r)
{
	if (r->pool == NULL)
		r->pool = folio_arena_new(0);
	return r->pool;
}

static char *keep(folio_import_report *r, const char *s, size_t n)
{
	folio_arena *a = pool(r);

	return a ? folio_arena_strndup(a, s, n) : NULL;
}

int imp_detail(importer *im, imp_para *p, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (im->report == NULL)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (buf[0] == '\0')
		return 0;
	p->detail = keep(im->report, buf, strlen(buf));
	if (p->detail == NULL)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", im->name);
	return 0;
}

int imp_report_renumbered(importer *im, imp_para *q,
	const char *typed, const char *generated)
{
	if (im->report == NULL)
		return 0;
	q->typed = keep(im->report, typed, strlen(typed));
	q->generated = keep(im->report, generated, strlen(generated));
	if (q->typed == NULL || q->generated == NULL)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", im->name);
	return 0;
}

static int push(folio_import_report *r, const folio_import_entry *e)
{
	if (r->n_entries == r->cap_entries) {
		size_t cap = r->cap_entries ? 2 * r->cap_entries : 64;
		folio_import_entry *x = realloc(r->entries, cap * sizeof(*x));
		if (x == NULL)
			return FOLIO_ENOMEM;
		r->entries = x;
		r->cap_entries = cap;
	}
	r->entries[r->n_entries++] = *e;
	return 0;
}

int imp_report_fill(importer *im)
{
	folio_import_report *r = im->report;
	size_t i;

	if (r == NULL)
		return 0;
	for (i = 0; i < im->n; i++) {
		const imp_para *p = &im->p[i];
		folio_import_entry e;

		if (p->role == R_BLANK || (p->role == R_BODY &&
		    p->typed == NULL))
			continue;
		memset(&e, 0, sizeof(e));
		e.line = p->line;
		e.col = p->col;
		e.text = keep(r, p->src, p->src_n);
		e.detail = p->detail;
		if (p->role == R_BODY) {
			e.action = FOLIO_IMPORT_RENUMBERED;
			e.reason = "typed number differs from the generated one";
			e.typed = p->typed;
			e.generated = p->generated;
			r->renumbered++;
		} else {
			e.action = p->role < R_FIRST_MOVED ?
				FOLIO_IMPORT_DROPPED : FOLIO_IMPORT_MOVED;
			e.reason = reasons[p->role];
			if (e.action == FOLIO_IMPORT_DROPPED)
				r->dropped++;
			else
				r->moved++;
		}
		if (e.text == NULL || push(r, &e) < 0)
			return folio_error_set(im->err, FOLIO_ENOMEM,
				"%s: out of memory", im->name);
	}
	return 0;
}

int imp_report_skipped(importer *im, unsigned line, unsigned col,
	const char *text, const char *reason, const char *detail)
{
	folio_import_report *r = im->report;
	folio_import_entry e;

	if (r == NULL)
		return 0;
	memset(&e, 0, sizeof(e));
	e.line = line;
	e.col = col;
	e.action = FOLIO_IMPORT_SKIPPED;
	e.text = keep(r, text ? text : "", text ? strlen(text) : 0);
	e.reason = reason;
	e.detail = detail ? keep(r, detail, strlen(detail)) : NULL;
	if (e.text == NULL || (detail && e.detail == NULL) || push(r, &e) < 0)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", im->name);
	r->skipped++;
	return 0;
}

static const char *action_name(folio_import_action a)
{
	switch (a) {
	case FOLIO_IMPORT_DROPPED: return "dropped";
	case FOLIO_IMPORT_MOVED: return "moved";
	case FOLIO_IMPORT_SKIPPED: return "skipped";
	default: return "renumbered";
	}
}

/* "2 comments, 1 deleted text": reasons of the skipped entries, counted
 * in the order they first appear (reasons are static strings). */
static void skipped_summary(folio_buf *out, const folio_import_report *r)
{
	const char *reason[8];
	size_t count[8], kinds = 0, other = 0, i, k;

	for (i = 0; i < r->n_entries; i++) {
		const folio_import_entry *e = &r->entries[i];
		if (e->action != FOLIO_IMPORT_SKIPPED)
			continue;
		for (k = 0; k < kinds && strcmp(reason[k], e->reason); k++)
			;
		if (k == kinds && kinds < 8) {
			reason[kinds] = e->reason;
			count[kinds++] = 0;
		}
		if (k < kinds)
			count[k]++;
		else
			other++;
	}
	for (k = 0; k < kinds; k++)
		folio_buf_printf(out, "%s%zu %s", k ? ", " : "", count[k],
			reason[k]);
	if (other)
		folio_buf_printf(out, ", %zu other", other);
}

static const char *how_name(folio_charset_how h)
{
	switch (h) {
	case FOLIO_CHARSET_BOM: return "byte order mark";
	case FOLIO_CHARSET_DETECTED: return "detected";
	case FOLIO_CHARSET_GIVEN: return "--encoding";
	default: return "UTF-8";
	}
}

static void json_string(folio_buf *b, const char *key, const char *s)
{
	folio_buf_printf(b, ",\"%s\":", key);
	if (s == NULL) {
		folio_buf_puts(b, "null");
		return;
	}
	folio_buf_putc(b, '"');
	folio_buf_put_json(b, s);
	folio_buf_putc(b, '"');
}

int folio_import_report_json(folio_buf *out, const folio_import_report *r,
	const char *source)
{
	size_t i;

	folio_buf_puts(out, "{\"source\":\"");
	folio_buf_put_json(out, source ? source : "-");
	folio_buf_putc(out, '"');
	json_string(out, "encoding", r->encoding.name[0] ? r->encoding.name :
		NULL);
	json_string(out, "encoding_from", how_name(r->encoding.how));
	folio_buf_printf(out, ",\"confidence\":%d,\"lines\":%zu,"
		"\"dropped\":%zu,\"moved\":%zu,\"renumbered\":%zu,"
		"\"punctuation_lines\":%zu,\"marker_lines\":%zu,"
		"\"joined_lines\":%zu,\"skipped\":%zu,\"entries\":[",
		r->encoding.confidence, r->lines, r->dropped, r->moved,
		r->renumbered, r->punctuation_lines, r->marker_lines,
		r->joined_lines, r->skipped);
	for (i = 0; i < r->n_entries; i++) {
		const folio_import_entry *e = &r->entries[i];
		folio_buf_printf(out, "%s\n {\"line\":%u,\"col\":%u",
			i ? "," : "", e->line, e->col);
		json_string(out, "text", e->text);
		json_string(out, "action", action_name(e->action));
		json_string(out, "reason", e->reason);
		json_string(out, "detail", e->detail);
		json_string(out, "typed", e->typed);
		json_string(out, "generated", e->generated);
		folio_buf_putc(out, '}');
	}
	return folio_buf_puts(out, "]}\n");
}

int folio_import_report_summary(folio_buf *out,
	const folio_import_report *r)
{
	size_t count[R_COUNT], i;
	const char *sep = "";
	int first = 1;

	if (r->dropped) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < r->n_entries; i++) {
			const folio_import_entry *e = &r->entries[i];
			size_t k;
			if (e->action != FOLIO_IMPORT_DROPPED)
				continue;
			for (k = 0; k < R_COUNT; k++)
				if (reasons[k] == e->reason)
					count[k]++;
		}
		folio_buf_printf(out, "dropped %zu line%s: ", r->dropped,
			r->dropped == 1 ? "" : "s");
		for (i = 0; i < R_FIRST_MOVED; i++)
			if (count[i]) {
				folio_buf_printf(out, "%s%zu %s", first ? "" :
					", ", count[i], reasons[i]);
				first = 0;
			}
		sep = "; ";
	}
	if (r->moved) {
		folio_buf_printf(out, "%s%zu line%s became title, metadata, "
			"落款 or 版记", sep, r->moved, r->moved == 1 ? "" : "s");
		sep = "; ";
	}
	if (r->renumbered) {
		folio_buf_printf(out, "%s%zu typed number%s differ%s from the "
			"generated one%s", sep, r->renumbered,
			r->renumbered == 1 ? "" : "s",
			r->renumbered == 1 ? "s" : "",
			r->renumbered == 1 ? "" : "s");
		sep = "; ";
	}
	if (r->joined_lines) {
		folio_buf_printf(out, "%s%zu wrapped line%s joined to the line "
			"above", sep, r->joined_lines,
			r->joined_lines == 1 ? "" : "s");
		sep = "; ";
	}
	if (r->skipped) {
		folio_buf_printf(out, "%sskipped %zu: ", sep, r->skipped);
		skipped_summary(out, r);
	}
	return out->data == NULL ? folio_buf_puts(out, "") : 0;
}

void folio_import_report_free(folio_import_report *r)
{
	if (r == NULL)
		return;
	free(r->entries);
	folio_arena_free(r->pool);
	r->entries = NULL;
	r->n_entries = r->cap_entries = 0;
	r->pool = NULL;
}
