/* document.xml -> paragraphs: runs, breaks, fields (result kept),
 * tracked changes (accepted text only), drawings, footnote marks; the
 * footnotes and comments parts. See docx_impl.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/docx_impl.h"
#include "util/utf8.h"
#include "util/xml.h"
#include "util/xml_tree.h"

#define MAX_TEXTBOXES 16
#define REPORT_TEXT_MAX 200     /* bytes of skipped text in the report */

/* Hints and pending text boxes of the Word paragraph being read. */
typedef struct para_ctx {
	unsigned char align, outline, item;
	int caption;
	const folio_xml_node *boxes[MAX_TEXTBOXES];
	int n_boxes;
	const folio_xml_node *node;
} para_ctx;

static int walk(docx *d, para_ctx *pc, const folio_xml_node *n, int depth);
static int alternate(docx *d, para_ctx *pc, const folio_xml_node *n, int depth);

static int oom(docx *d)
{
	return folio_error_set(d->im->err, FOLIO_ELIMIT, "%s:%s: a paragraph "
		"exceeds %zu bytes or the document the memory limit", d->path,
		d->part, FOLIO_MAX_TEXT_BYTES);
}

/* Elements outside WordprocessingML (DrawingML, VML, markup
 * compatibility) are matched by local name in any namespace. */
#define ANY_NS NULL
#define FIND_DEPTH (DOCX_XML_DEPTH + 1)

/* Text of an element (w:t, w:instrText), or NULL with the message set. */
static char *text_of(docx *d, const folio_xml_node *n)
{
	char *t = folio_xml_text(n);

	if (t == NULL)
		folio_error_set(d->im->err, FOLIO_ENOMEM, "%s: out of memory",
			d->path);
	return t;
}

int docx_plain_text(folio_buf *out, docx *d, const folio_xml_node *n,
	int depth)
{
	const folio_xml_node *c;
	char *t;
	int rc;

	if (depth > DOCX_XML_DEPTH)
		return 0;
	for (c = folio_xml_child(n, NULL, NULL); c != NULL;
	    c = folio_xml_next(c, NULL, NULL)) {
		/* a:t (DrawingML) too: text in shapes. */
		if (folio_xml_is(c, d->w, "delText") ||
		    folio_xml_is(c, ANY_NS, "t")) {
			if ((t = text_of(d, c)) == NULL)
				return FOLIO_ENOMEM;
			rc = folio_buf_puts(out, t);
			free(t);
			if (rc < 0)
				return oom(d);
		} else if (folio_xml_is(c, d->w, "tab") ||
		    folio_xml_is(c, d->w, "br")) {
			if (folio_buf_putc(out, ' ') < 0)
				return oom(d);
		} else if (folio_xml_is(c, d->w, "instrText")) {
			continue;
		} else {
			if (folio_xml_is(c, d->w, "p") && out->len > 0 &&
			    folio_buf_putc(out, ' ') < 0)
				return oom(d);
			if ((rc = docx_plain_text(out, d, c, depth + 1)) < 0)
				return rc;
		}
	}
	return 0;
}

/* The report keeps a skipped text's start, cut at a character. */
static void clip(char *out, size_t outsz, const char *s, size_t n)
{
	size_t len = n < outsz - 1 ? n : outsz - 1;

	while (len > 0 && len < n && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	memcpy(out, s, len);
	out[len] = '\0';
}

static int skip(docx *d, const folio_xml_node *n, const char *reason,
	const char *detail)
{
	folio_buf t = {0};
	char text[REPORT_TEXT_MAX + 4];
	int rc;

	t.limit = FOLIO_MAX_TEXT_BYTES;
	rc = docx_plain_text(&t, d, n, 0);
	if (rc == 0) {
		clip(text, sizeof(text), t.data ? t.data : "", t.len);
		rc = docx_skip_add(d, n, text, reason, detail);
	}
	folio_buf_free(&t);
	return rc;
}

int docx_para_new(docx *d, const folio_xml_node *node)
{
	folio_buf_reset(&d->cur);
	d->cur_line = folio_xml_line(node);
	d->cur_col = folio_xml_col(node);
	return 0;
}

static int push_para(docx *d, docx_para **out)
{
	docx_para *q;

	*out = NULL;
	if (d->n_paras == d->cap_paras) {
		size_t cap = d->cap_paras ? 2 * d->cap_paras : 256;
		docx_para *x;
		if (d->n_paras >= DOCX_MAX_PARAS)
			return folio_error_set(d->im->err, FOLIO_ELIMIT,
				"%s:%s: expected at most %zu paragraphs, found "
				"more", d->path, d->part, DOCX_MAX_PARAS);
		x = realloc(d->paras, cap * sizeof(*x));
		if (x == NULL)
			return folio_error_set(d->im->err, FOLIO_ENOMEM,
				"%s: out of memory", d->path);
		d->paras = x;
		d->cap_paras = cap;
	}
	q = &d->paras[d->n_paras++];
	memset(q, 0, sizeof(*q));
	q->line = d->cur_line;
	q->col = d->cur_col;
	*out = q;
	return 0;
}

/* Ends the current piece of text as one paragraph (an empty one is a
 * blank line for the recognisers). */
static int end_piece(docx *d, const para_ctx *pc)
{
	docx_para *q;
	int rc;

	if ((rc = push_para(d, &q)) < 0)
		return rc;
	q->text_at = d->text.len;
	q->text_n = d->cur.len;
	q->align = pc->align;
	q->outline = pc->outline;
	q->item = pc->item;
	q->caption = pc->caption;
	if (d->cur.len > 0 && folio_buf_append(&d->text, d->cur.data,
	    d->cur.len) < 0)
		return oom(d);
	folio_buf_reset(&d->cur);
	return 0;
}

int docx_para_end(docx *d)
{
	para_ctx pc;

	memset(&pc, 0, sizeof(pc));
	return end_piece(d, &pc);
}

int docx_object(docx *d, folio_block *b, const folio_xml_node *node)
{
	docx_para *q;
	int rc;

	if ((rc = push_para(d, &q)) < 0)
		return rc;
	q->line = folio_xml_line(node);
	q->col = folio_xml_col(node);
	q->text_at = d->text.len;
	q->object = b;
	b->line = q->line;
	b->col = q->col;
	return 0;
}

/* Text as Word shows it: no-break spaces are spaces to the recognisers
 * (a 落款 pushed right with them), tabs one space. */
static int put_text(docx *d, const char *s)
{
	size_t n = strlen(s), off = 0, len;
	uint32_t c;

	while (off < n) {
		len = folio_utf8_decode(s + off, n - off, &c);
		if (len == 0) {
			len = 1;
			c = 0xFFFD;
		}
		if (c == 0x00A0 || c == 0x202F || c == 0x2007 || c == '\t')
			c = ' ';
		if (folio_buf_put_utf8(&d->cur, c) < 0)
			return oom(d);
		off += len;
	}
	return 0;
}

/* ---- drawings ---------------------------------------------------------- */

/* An image the document shows from outside the file: folio never
 * fetches, and a record without the picture would be incomplete. */
static int linked(docx *d, const folio_xml_node *n, const docx_rel *rel)
{
	return docx_fail(d, n, FOLIO_EINPUT, "expected images embedded in "
		"the file, found one linked to '%.300s' (TargetMode=External; "
		"never fetched): in Word, embed the picture (File > Info > "
		"Edit Links to Files > Save picture in document), save and "
		"import again", rel->target);
}

static int figure(docx *d, para_ctx *pc, const folio_xml_node *n)
{
	const folio_xml_node *blip = folio_xml_find(n, ANY_NS, "blip",
		FIND_DEPTH);
	const folio_xml_node *ext = folio_xml_find(n, ANY_NS, "extent",
		FIND_DEPTH);
	const folio_xml_node *pr = folio_xml_find(n, ANY_NS, "docPr",
		FIND_DEPTH);
	const folio_xml_node *box = folio_xml_find(n, ANY_NS, "txbxContent",
		FIND_DEPTH);
	const docx_rel *rel;
	folio_figure *f;
	folio_block *b;
	char id[128], alt[2048], cx[32];
	const char *src;
	int rc;

	if (box != NULL && blip == NULL) {
		if (pc->n_boxes < MAX_TEXTBOXES) {
			pc->boxes[pc->n_boxes++] = box;
			return 0;
		}
		return skip(d, box, "text box", "more than 16 in a paragraph");
	}
	if (blip == NULL)
		return skip(d, n, "drawing without an image (a shape or "
			"chart)", NULL);
	if (!folio_xml_attr_get(id, sizeof(id), blip, "embed"))
		folio_xml_attr_get(id, sizeof(id), blip, "link");
	rel = docx_rel_find(d, id);
	if (rel == NULL)
		return docx_skip_add(d, blip, id, "image with no relationship",
			NULL);
	if (rel->external)
		return linked(d, blip, rel);
	f = folio_doc_figure(d->im->doc);
	b = folio_doc_block(d->im->doc, FOLIO_BLOCK_FIGURE);
	if (f == NULL || b == NULL)
		return oom(d);
	b->figure = f;
	if ((rc = docx_add_image(&src, d, rel, blip, f)) < 0 || src == NULL)
		return rc;
	f->src = src;
	/* EMU: 36000 per mm, so 360 per 1/100 mm. */
	if (ext != NULL && folio_xml_attr_get(cx, sizeof(cx), ext, "cx")) {
		long long v = atoll(cx) / 360;
		if (v > 0 && v < 1000000)
			f->width_mm100 = (unsigned)v;
	}
	if (pr != NULL && (folio_xml_attr_get(alt, sizeof(alt), pr,
	    "descr") || folio_xml_attr_get(alt, sizeof(alt), pr, "title")) &&
	    alt[0] != '\0' && (rc = folio_doc_text(&f->alt, d->im->doc, alt,
	    strlen(alt), d->im->err)) < 0)
		return rc;
	if (f->alt != NULL && f->alt[0] == '\0')
		f->alt = NULL;
	/* The text before the image is a paragraph of its own. */
	if (d->cur.len > 0 && (rc = end_piece(d, pc)) < 0)
		return rc;
	return docx_object(d, b, n);
}

/* VML (Word 2003 pictures, old text boxes). */
static int vml(docx *d, para_ctx *pc, const folio_xml_node *n)
{
	const folio_xml_node *img = folio_xml_find(n, ANY_NS, "imagedata",
		FIND_DEPTH);
	const folio_xml_node *box = folio_xml_find(n, ANY_NS, "txbxContent",
		FIND_DEPTH);
	const docx_rel *rel;
	folio_figure *f;
	folio_block *b;
	char id[128];
	const char *src;
	int rc;

	if (img == NULL) {
		if (box != NULL && pc->n_boxes < MAX_TEXTBOXES) {
			pc->boxes[pc->n_boxes++] = box;
			return 0;
		}
		return skip(d, n, "drawing without an image (a shape)", NULL);
	}
	folio_xml_attr_get(id, sizeof(id), img, "id");
	rel = docx_rel_find(d, id);
	if (rel == NULL)
		return docx_skip_add(d, img, id, "image with no relationship",
			NULL);
	if (rel->external)
		return linked(d, img, rel);
	f = folio_doc_figure(d->im->doc);
	b = folio_doc_block(d->im->doc, FOLIO_BLOCK_FIGURE);
	if (f == NULL || b == NULL)
		return oom(d);
	b->figure = f;
	if ((rc = docx_add_image(&src, d, rel, img, f)) < 0 || src == NULL)
		return rc;
	f->src = src;
	if (d->cur.len > 0 && (rc = end_piece(d, pc)) < 0)
		return rc;
	return docx_object(d, b, n);
}

/* ---- runs and the elements around them -------------------------------- */

static int field_char(docx *d, const folio_xml_node *c)
{
	char type[32];

	folio_xml_attr_get(type, sizeof(type), c, "fldCharType");
	if (strcmp(type, "begin") == 0) {
		if (d->field_depth++ == 0)
			folio_buf_reset(&d->instr);
		d->field_code = 1;
	} else if (strcmp(type, "separate") == 0) {
		d->field_code = 0;
	} else if (strcmp(type, "end") == 0 && d->field_depth > 0) {
		d->field_code = 0;
		if (--d->field_depth == 0 && d->instr.len > 0)
			return docx_skip_add(d, c, d->instr.data,
				"field code (its shown result kept)", NULL);
	}
	return 0;
}

static int footnote_mark(docx *d, const folio_xml_node *c)
{
	int id = docx_val_int(c, "id", -1), *x;
	char mark[32];

	x = realloc(d->notes_used, (d->n_notes_used + 1) * sizeof(*x));
	if (x == NULL)
		return folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
	d->notes_used = x;
	x[d->n_notes_used++] = id;
	snprintf(mark, sizeof(mark), "[%zu]", d->n_notes_used);
	return put_text(d, mark);
}

static int run(docx *d, para_ctx *pc, const folio_xml_node *r)
{
	const folio_xml_node *c;
	char v[32], *t;
	int rc = 0;

	for (c = folio_xml_child(r, NULL, NULL); c != NULL && rc == 0;
	    c = folio_xml_next(c, NULL, NULL)) {
		if (folio_xml_is(c, d->w, "fldChar")) {
			rc = field_char(d, c);
		} else if (folio_xml_is(c, d->w, "instrText")) {
			if ((t = text_of(d, c)) == NULL)
				return FOLIO_ENOMEM;
			/* Instructions past the buffer's 4 KiB are cut:
			 * they only name the field in the report. */
			if (d->field_depth <= 1)
				(void)folio_buf_puts(&d->instr, t);
			free(t);
		} else if (d->field_code) {
			continue;       /* a field's code, not its result */
		} else if (folio_xml_is(c, d->w, "t")) {
			if ((t = text_of(d, c)) == NULL)
				return FOLIO_ENOMEM;
			rc = put_text(d, t);
			free(t);
		} else if (folio_xml_is(c, d->w, "tab") ||
		    folio_xml_is(c, d->w, "ptab")) {
			rc = put_text(d, " ");
		} else if (folio_xml_is(c, d->w, "br") ||
		    folio_xml_is(c, d->w, "cr")) {
			folio_xml_attr_get(v, sizeof(v), c, "type");
			/* A page or column break ends nothing in the text. */
			if (strcmp(v, "page") != 0 && strcmp(v, "column") != 0)
				rc = end_piece(d, pc);
		} else if (folio_xml_is(c, d->w, "noBreakHyphen")) {
			rc = put_text(d, "-");
		} else if (folio_xml_is(c, d->w, "sym")) {
			folio_xml_attr_get(v, sizeof(v), c, "char");
			rc = docx_skip_add(d, c, v, "symbol-font character",
				NULL);
		} else if (folio_xml_is(c, d->w, "footnoteReference")) {
			rc = footnote_mark(d, c);
		} else if (folio_xml_is(c, d->w, "endnoteReference")) {
			rc = docx_skip_add(d, c, "", "endnote", NULL);
		} else if (folio_xml_is(c, d->w, "drawing")) {
			rc = figure(d, pc, c);
		} else if (folio_xml_is(c, d->w, "pict")) {
			rc = vml(d, pc, c);
		} else if (folio_xml_is(c, d->w, "ruby")) {
			/* The base text is the text; the reading above it
			 * (w:rt) is a gloss. */
			const folio_xml_node *base = folio_xml_child(c, d->w,
				"rubyBase");
			if (base != NULL)
				rc = walk(d, pc, base, 1);
			if (rc == 0 && folio_xml_child(c, d->w, "rt") != NULL)
				rc = skip(d, folio_xml_child(c, d->w, "rt"),
					"ruby reading (phonetic guide)", NULL);
		} else if (folio_xml_is(c, d->w, "object")) {
			rc = skip(d, c, "embedded object (OLE)", NULL);
		} else if (folio_xml_is(c, ANY_NS, "AlternateContent")) {
			rc = alternate(d, pc, c, 1);
		}
	}
	return rc;
}

/* mc:AlternateContent: one of the choices, the first (Word writes the
 * current format there, the fallback for older readers after it). */
static int alternate(docx *d, para_ctx *pc, const folio_xml_node *n, int depth)
{
	const folio_xml_node *ch;

	for (ch = folio_xml_child(n, NULL, NULL); ch != NULL;
	    ch = folio_xml_next(ch, NULL, NULL))
		if (folio_xml_is(ch, ANY_NS, "Choice") ||
		    folio_xml_is(ch, ANY_NS, "Fallback"))
			return walk(d, pc, ch, depth + 1);
	return 0;
}

static int walk(docx *d, para_ctx *pc, const folio_xml_node *n, int depth)
{
	const folio_xml_node *c;
	int rc = 0;

	if (depth > DOCX_XML_DEPTH)
		return docx_fail(d, n, FOLIO_ELIMIT, "expected elements "
			"nested at most %d deep", DOCX_XML_DEPTH);
	for (c = folio_xml_child(n, NULL, NULL); c != NULL && rc == 0;
	    c = folio_xml_next(c, NULL, NULL)) {
		if (folio_xml_is(c, d->w, "r")) {
			rc = run(d, pc, c);
		} else if (folio_xml_is(c, d->w, "del") ||
		    folio_xml_is(c, d->w, "moveFrom")) {
			rc = skip(d, c, "deleted text (tracked change)", NULL);
		} else if (folio_xml_is(c, d->w, "ins") ||
		    folio_xml_is(c, d->w, "moveTo") ||
		    folio_xml_is(c, d->w, "hyperlink") ||
		    folio_xml_is(c, d->w, "smartTag") ||
		    folio_xml_is(c, d->w, "customXml") ||
		    folio_xml_is(c, d->w, "bdo") ||
		    folio_xml_is(c, d->w, "dir")) {
			rc = walk(d, pc, c, depth + 1);
		} else if (folio_xml_is(c, d->w, "sdt")) {
			const folio_xml_node *sc = folio_xml_child(c, d->w,
				"sdtContent");
			if (sc != NULL)
				rc = walk(d, pc, sc, depth + 1);
		} else if (folio_xml_is(c, d->w, "fldSimple")) {
			char instr[512];
			folio_xml_attr_get(instr, sizeof(instr), c, "instr");
			rc = docx_skip_add(d, c, instr,
				"field code (its shown result kept)", NULL);
			if (rc == 0)
				rc = walk(d, pc, c, depth + 1);
		} else if (folio_xml_is(c, ANY_NS, "AlternateContent")) {
			rc = alternate(d, pc, c, depth);
		} else if (folio_xml_is(c, ANY_NS, "drawing")) {
			rc = figure(d, pc, c);
		} else if (folio_xml_is(c, ANY_NS, "pict")) {
			rc = vml(d, pc, c);
		} else if (folio_xml_is(c, ANY_NS, "oMath") ||
		    folio_xml_is(c, ANY_NS, "oMathPara")) {
			rc = skip(d, c, "equation", NULL);
		}
	}
	return rc;
}

static void style_hints(docx *d, para_ctx *pc, const folio_xml_node *ppr,
	int *num_id, int *ilvl)
{
	const docx_style *st = NULL;
	const folio_xml_node *c, *np;
	char v[128];

	if ((c = folio_xml_child(ppr, d->w, "pStyle")) != NULL) {
		folio_xml_attr_get(v, sizeof(v), c, "val");
		st = docx_style_find(d, v);
	}
	if (st != NULL) {
		pc->outline = (unsigned char)st->outline;
		pc->caption = st->caption;
		*num_id = st->num_id;
		*ilvl = st->ilvl;
	}
	if ((c = folio_xml_child(ppr, d->w, "outlineLvl")) != NULL) {
		int lv = docx_val_int(c, "val", 9);
		pc->outline = (unsigned char)(lv >= 0 && lv < 9 ? lv + 1 : 0);
	}
	if ((np = folio_xml_child(ppr, d->w, "numPr")) != NULL) {
		int id = docx_val_int(folio_xml_child(np, d->w, "numId"),
			"val", -1);
		int lv = docx_val_int(folio_xml_child(np, d->w, "ilvl"),
			"val", -1);
		if (id >= 0)
			*num_id = id;
		if (lv >= 0)
			*ilvl = lv;
	}
	if (*num_id > 0 && *ilvl < 0)
		*ilvl = 0;
	if ((c = folio_xml_child(ppr, d->w, "jc")) != NULL) {
		folio_xml_attr_get(v, sizeof(v), c, "val");
		pc->align = strcmp(v, "center") == 0 ? IMP_ALIGN_CENTER :
			strcmp(v, "right") == 0 || strcmp(v, "end") == 0 ?
			IMP_ALIGN_RIGHT : strcmp(v, "left") == 0 ||
			strcmp(v, "start") == 0 ? IMP_ALIGN_LEFT :
			IMP_ALIGN_NONE;
	}
}

int docx_read_paragraph(docx *d, const folio_xml_node *p, int in_cell)
{
	const folio_xml_node *ppr = folio_xml_child(p, d->w, "pPr"), *c;
	para_ctx pc;
	folio_buf num = {0};
	int num_id = -1, ilvl = -1, bullet = 0, suffix = 2, rc, i;

	(void)in_cell;
	memset(&pc, 0, sizeof(pc));
	pc.node = p;
	docx_para_new(d, p);
	/* A field's code never runs past its paragraph in Word's files; a
	 * broken one (no separate, no end) must not swallow what follows. */
	d->field_code = 0;
	if (ppr != NULL)
		style_hints(d, &pc, ppr, &num_id, &ilvl);
	num.limit = 256;
	if (num_id > 0) {
		if ((rc = docx_number_text(&num, d, num_id, ilvl, &bullet,
		    &suffix)) < 0)
			goto done;
		if (bullet)
			pc.item = IMP_ITEM_BULLET;
		else if (num.len > 0 && ((rc = put_text(d, num.data)) < 0 ||
		    (suffix != 2 && (rc = put_text(d, " ")) < 0)))
			goto done;
	}
	if ((rc = walk(d, &pc, p, 0)) < 0)
		goto done;
	/* Fields left open at the paragraph's end continue in Word; here
	 * their result is the text read so far. */
	if ((rc = end_piece(d, &pc)) < 0)
		goto done;
	/* Text boxes follow their anchor paragraph. */
	for (i = 0; i < pc.n_boxes && rc == 0; i++)
		for (c = folio_xml_child(pc.boxes[i], NULL, NULL);
		    c != NULL && rc == 0; c = folio_xml_next(c, NULL, NULL))
			if (folio_xml_is(c, d->w, "p"))
				rc = docx_read_paragraph(d, c, in_cell);
			else if (folio_xml_is(c, d->w, "tbl"))
				rc = skip(d, c, "table in a text box", NULL);
done:
	folio_buf_free(&num);
	return rc;
}

/* Captions (a Caption / 题注 / Image Caption style) next to a figure
 * become its caption; other paragraphs stay text. */
static void attach_captions(docx *d)
{
	size_t i, j;

	for (i = 0; i < d->n_paras; i++) {
		folio_figure *f = d->paras[i].object &&
			d->paras[i].object->kind == FOLIO_BLOCK_FIGURE ?
			d->paras[i].object->figure : NULL;
		docx_para *cap = NULL;
		if (f == NULL)
			continue;
		for (j = i + 1; j < d->n_paras && !d->paras[j].object &&
		    d->paras[j].text_n == 0; j++)
			;
		if (j < d->n_paras && d->paras[j].caption &&
		    !d->paras[j].object)
			cap = &d->paras[j];
		if (cap == NULL && i > 0 && d->paras[i - 1].caption &&
		    !d->paras[i - 1].object && d->paras[i - 1].text_n > 0)
			cap = &d->paras[i - 1];
		if (cap == NULL || cap->text_n == 0)
			continue;
		if (folio_doc_text(&f->caption, d->im->doc,
		    d->text.data + cap->text_at, cap->text_n, NULL) < 0 ||
		    f->caption[0] == '\0') {
			f->caption = NULL;
			continue;
		}
		cap->text_n = 0;        /* now the figure's */
		cap->caption = 0;
	}
}

int docx_read_body(docx *d, const folio_xml_node *body)
{
	const folio_xml_node *c;
	int rc = 0;

	for (c = folio_xml_child(body, NULL, NULL); c != NULL && rc == 0;
	    c = folio_xml_next(c, NULL, NULL)) {
		if (folio_xml_is(c, d->w, "p"))
			rc = docx_read_paragraph(d, c, 0);
		else if (folio_xml_is(c, d->w, "tbl"))
			rc = docx_read_table(d, c);
		else if (folio_xml_is(c, d->w, "sdt") ||
		    folio_xml_is(c, d->w, "customXml")) {
			const folio_xml_node *sc = folio_xml_is(c, d->w,
				"sdt") ? folio_xml_child(c, d->w, "sdtContent") :
				c;
			if (sc != NULL)
				rc = docx_read_body(d, sc);
		} else if (folio_xml_is(c, d->w, "del") ||
		    folio_xml_is(c, d->w, "moveFrom"))
			rc = skip(d, c, "deleted text (tracked change)", NULL);
		else if (folio_xml_is(c, d->w, "ins") ||
		    folio_xml_is(c, d->w, "moveTo"))
			rc = docx_read_body(d, c);
		else if (folio_xml_is(c, ANY_NS, "AlternateContent"))
			rc = skip(d, c, "alternate content", NULL);
	}
	if (rc == 0)
		attach_captions(d);
	return rc;
}

/* ---- footnotes and comments -------------------------------------------- */

int docx_read_footnotes(docx *d)
{
	folio_buf b = {0}, t = {0};
	void *xml = NULL;
	const folio_xml_node *root, *n;
	char type[32];
	size_t count = 0;
	int rc;

	if ((rc = docx_read_part(&b, d, "word/footnotes.xml", DOCX_MAX_PART,
	    0)) <= 0)
		goto done;
	if ((rc = docx_parse(&xml, d, "word/footnotes.xml", &b)) < 0)
		goto done;
	root = folio_xml_root(xml);
	for (n = folio_xml_child(root, d->w, "footnote"); n;
	    n = folio_xml_next(n, d->w, "footnote"))
		count++;
	d->footnotes = calloc(count ? count : 1, sizeof(*d->footnotes));
	d->footnote_ids = calloc(count ? count : 1, sizeof(*d->footnote_ids));
	if (d->footnotes == NULL || d->footnote_ids == NULL) {
		rc = folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
		goto done;
	}
	t.limit = FOLIO_MAX_TEXT_BYTES;
	for (n = folio_xml_child(root, d->w, "footnote"); n;
	    n = folio_xml_next(n, d->w, "footnote")) {
		folio_xml_attr_get(type, sizeof(type), n, "type");
		if (type[0] != '\0' && strcmp(type, "normal") != 0)
			continue;       /* separators */
		folio_buf_reset(&t);
		if ((rc = docx_plain_text(&t, d, n, 0)) < 0)
			goto done;
		d->footnote_ids[d->n_footnotes] = docx_val_int(n, "id", -1);
		d->footnotes[d->n_footnotes] = strdup(t.data ? t.data : "");
		if (d->footnotes[d->n_footnotes] == NULL) {
			rc = folio_error_set(d->im->err, FOLIO_ENOMEM,
				"%s: out of memory", d->path);
			goto done;
		}
		d->n_footnotes++;
	}
	rc = 0;
done:
	folio_buf_free(&t);
	folio_xml_free(xml);
	folio_buf_free(&b);
	return rc;
}

int docx_read_comments(docx *d)
{
	folio_buf b = {0};
	void *xml = NULL;
	const folio_xml_node *n;
	char author[128], detail[256];
	int rc;

	if ((rc = docx_read_part(&b, d, "word/comments.xml", DOCX_MAX_PART,
	    0)) <= 0)
		goto done;
	if ((rc = docx_parse(&xml, d, "word/comments.xml", &b)) < 0)
		goto done;
	for (n = folio_xml_child(folio_xml_root(xml), d->w, "comment");
	    n && rc == 0; n = folio_xml_next(n, d->w, "comment")) {
		folio_xml_attr_get(author, sizeof(author), n, "author");
		snprintf(detail, sizeof(detail), "word/comments.xml%s%s",
			author[0] ? ", by " : "", author);
		rc = skip(d, n, "comment", detail);
	}
done:
	folio_xml_free(xml);
	folio_buf_free(&b);
	return rc;
}
