/*
 * font_objects.c - Type0 fonts over TrueType and CFF subsets, through
 * libharu's object layer (see font_objects.h).
 *
 * Every object is added to the document's cross-reference table as it is
 * made, so libharu frees it with the document whatever fails later.
 */
#include "pdf/font_objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_objects.h>

#include "pdf/streams.h"
#include "util/buf.h"
#include "util/deflate.h"
#include "util/utf8.h"

#define N_CODES 0x10000u
#define ENTRIES_PER_BLOCK 100   /* a CMap's begin...end block holds <= 100 */

typedef struct font_build {
	HPDF_Doc pdf;
	const folio_font_program *prog;
	const uint32_t *cps;
	int compress;
	HPDF_STATUS ret;     /* sum of libharu return codes: 0 = all ok */
} font_build;

/* Widths of the code points drawn, indexed by code point (1/1000 em):
 * what libharu adds to its text position after each show. */
static HPDF_TextWidth text_width(HPDF_Font font, const HPDF_BYTE *text,
	HPDF_UINT len)
{
	const HPDF_INT16 *widths = ((HPDF_FontAttr)font->attr)->widths;
	HPDF_TextWidth tw = {0, 0, 0, 0};
	size_t off = 0;

	while (off < len) {
		uint32_t cp;
		size_t k = folio_utf8_decode((const char *)text + off,
			len - off, &cp);

		if (k == 0)
			k = 1, cp = 0;
		off += k;
		tw.numchars++;
		if (cp < N_CODES && widths[cp] > 0)
			tw.width += (HPDF_UINT)(unsigned short)widths[cp];
		if (cp == ' ')
			tw.numspace++;
	}
	tw.numwords = tw.numspace + 1;
	return tw;
}

static void free_font(HPDF_Dict obj)
{
	HPDF_FontAttr attr = obj->attr;

	if (attr == NULL)
		return;
	if (attr->widths)
		HPDF_FreeMem(obj->mmgr, attr->widths);
	HPDF_FreeMem(obj->mmgr, attr);
}

/* Append "<XXXX>" then `after` (a CMap's code): printf cost about
 * 3,000 instructions a line, and a CMap has a line per code point. */
static int put_code(folio_buf *b, uint32_t code, char after)
{
	static const char hex[] = "0123456789ABCDEF";
	char s[7] = {'<', hex[code >> 12 & 15], hex[code >> 8 & 15],
		hex[code >> 4 & 15], hex[code & 15], '>', after};

	return folio_buf_append(b, s, sizeof(s));
}

/* Append the decimal CID then a newline. */
static int put_cid(folio_buf *b, unsigned cid)
{
	char s[12];
	size_t i = sizeof(s);

	s[--i] = '\n';
	do {
		s[--i] = (char)('0' + cid % 10);
		cid /= 10;
	} while (cid != 0);
	return folio_buf_append(b, s + i, sizeof(s) - i);
}

static HPDF_Dict new_stream(font_build *b)
{
	return HPDF_DictStream_New(b->pdf->mmgr, b->pdf->xref);
}

/* The stream's data, deflated here at `level` when the document is
 * compressed: libharu would deflate it again at zlib's default level,
 * the step that cost most after subsetting (see util/deflate.h). */
static HPDF_STATUS stream_put(font_build *b, HPDF_Dict d,
	const folio_buf *data, int level)
{
	if (!b->compress)
		return HPDF_Stream_Write(d->stream,
			(const HPDF_BYTE *)data->data, (HPDF_UINT)data->len);
	return folio_pdf_put_deflated(d, data->data, data->len, level);
}

static HPDF_Dict system_info(font_build *b)
{
	HPDF_MMgr m = b->pdf->mmgr;
	HPDF_Dict d = HPDF_Dict_New(m);

	if (d == NULL)
		return NULL;
	b->ret |= HPDF_Dict_Add(d, "Registry", HPDF_String_New(m, "Adobe",
		NULL));
	b->ret |= HPDF_Dict_Add(d, "Ordering", HPDF_String_New(m, "Identity",
		NULL));
	b->ret |= HPDF_Dict_AddNumber(d, "Supplement", 0);
	return d;
}

/* The Encoding: code point -> CID, runs of consecutive code points with
 * consecutive CIDs as cidrange, the others as cidchar. */
static HPDF_Dict encoding_cmap(font_build *b, const char *name)
{
	const folio_font_program *p = b->prog;
	folio_buf t = {0}, body = {0};
	size_t i, j, n_range = 0, n_char = 0;
	HPDF_Dict d = new_stream(b);
	int rc = 0, pass;

	if (d == NULL)
		return NULL;
	for (pass = 0; pass < 2; pass++) {
		size_t in_block = 0, left = pass == 0 ? 0 :
			n_range;
		for (i = 0; i < p->n; i = j) {
			for (j = i + 1; j < p->n && b->cps[j] == b->cps[j - 1] + 1
			     && p->cids[j] == p->cids[j - 1] + 1 &&
			     (b->cps[j] & 0xFF) != 0; j++)
				;
			if (j - i < 2)
				continue;
			if (pass == 0) {
				n_range++;
				continue;
			}
			if (in_block == 0)
				rc |= folio_buf_printf(&body,
					"%zu begincidrange\n", left <
					ENTRIES_PER_BLOCK ? left :
					ENTRIES_PER_BLOCK);
			rc |= put_code(&body, b->cps[i], ' ');
			rc |= put_code(&body, b->cps[j - 1], ' ');
			rc |= put_cid(&body, p->cids[i]);
			left--;
			if (++in_block == ENTRIES_PER_BLOCK || left == 0) {
				rc |= folio_buf_puts(&body, "endcidrange\n");
				in_block = 0;
			}
		}
	}
	for (pass = 0; pass < 2; pass++) {
		size_t in_block = 0, left = pass == 0 ? 0 : n_char;
		for (i = 0; i < p->n; i = j) {
			for (j = i + 1; j < p->n && b->cps[j] == b->cps[j - 1] + 1
			     && p->cids[j] == p->cids[j - 1] + 1 &&
			     (b->cps[j] & 0xFF) != 0; j++)
				;
			if (j - i >= 2)
				continue;
			if (pass == 0) {
				n_char++;
				continue;
			}
			if (in_block == 0)
				rc |= folio_buf_printf(&body,
					"%zu begincidchar\n", left <
					ENTRIES_PER_BLOCK ? left :
					ENTRIES_PER_BLOCK);
			rc |= put_code(&body, b->cps[i], ' ');
			rc |= put_cid(&body, p->cids[i]);
			left--;
			if (++in_block == ENTRIES_PER_BLOCK || left == 0) {
				rc |= folio_buf_puts(&body, "endcidchar\n");
				in_block = 0;
			}
		}
	}
	rc |= folio_buf_printf(&t,
		"%%!PS-Adobe-3.0 Resource-CMap\n"
		"/CIDInit /ProcSet findresource begin\n"
		"12 dict begin\nbegincmap\n"
		"/CIDSystemInfo 3 dict dup begin\n"
		"/Registry (Adobe) def\n/Ordering (Identity) def\n"
		"/Supplement 0 def\nend def\n"
		"/CMapName /%s def\n/CMapType 1 def\n"
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
		name);
	rc |= folio_buf_append(&t, body.data ? body.data : "", body.len);
	rc |= folio_buf_puts(&t, "endcmap\nCMapName currentdict /CMap "
		"defineresource pop\nend\nend\n");
	if (rc != 0) {
		b->ret |= HPDF_FAILD_TO_ALLOC_MEM;
	} else {
		b->ret |= HPDF_Dict_AddName(d, "Type", "CMap");
		b->ret |= HPDF_Dict_AddName(d, "CMapName", name);
		b->ret |= HPDF_Dict_Add(d, "CIDSystemInfo", system_info(b));
		b->ret |= HPDF_Dict_AddNumber(d, "WMode", 0);
		b->ret |= stream_put(b, d, &t, FOLIO_DEFLATE_TEXT);
	}
	folio_buf_free(&t);
	folio_buf_free(&body);
	return d;
}

/* Code -> Unicode is the identity over the code points drawn; a bfrange
 * may only vary the last byte. */
static HPDF_Dict to_unicode(font_build *b)
{
	const uint32_t *cps = b->cps;
	size_t n = b->prog->n, i, j, n_ranges = 0, in_block = 0;
	folio_buf t = {0};
	HPDF_Dict d = new_stream(b);
	int rc = 0, pass;

	if (d == NULL)
		return NULL;
	rc |= folio_buf_puts(&t, "/CIDInit /ProcSet findresource begin\n"
		"12 dict begin\nbegincmap\n"
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
		"/Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n"
		"/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
		"endcodespacerange\n");
	for (pass = 0; pass < 2; pass++) {
		size_t left = n_ranges;
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && cps[j] == cps[j - 1] + 1 &&
			     (cps[j] & 0xFF) != 0; j++)
				;
			if (pass == 0) {
				n_ranges++;
				continue;
			}
			if (in_block == 0)
				rc |= folio_buf_printf(&t, "%zu beginbfrange\n",
					left < ENTRIES_PER_BLOCK ? left :
					ENTRIES_PER_BLOCK);
			rc |= put_code(&t, cps[i], ' ');
			rc |= put_code(&t, cps[j - 1], ' ');
			rc |= put_code(&t, cps[i], '\n');
			left--;
			if (++in_block == ENTRIES_PER_BLOCK || left == 0) {
				rc |= folio_buf_puts(&t, "endbfrange\n");
				in_block = 0;
			}
		}
	}
	rc |= folio_buf_puts(&t, "endcmap\nCMapName currentdict /CMap "
		"defineresource pop\nend\nend\n");
	if (rc != 0)
		b->ret |= HPDF_FAILD_TO_ALLOC_MEM;
	else
		b->ret |= stream_put(b, d, &t, FOLIO_DEFLATE_TEXT);
	folio_buf_free(&t);
	return d;
}

static int cmp_cid_width(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

/* W: [c [w1 w2 ...] ...] over the CIDs drawn, sorted, consecutive CIDs
 * sharing one sub-array. */
static HPDF_Array widths_array(font_build *b)
{
	const folio_font_program *p = b->prog;
	HPDF_MMgr m = b->pdf->mmgr;
	HPDF_Array w = HPDF_Array_New(m), sub = NULL;
	uint32_t (*pairs)[2];
	size_t i, k = 0;

	if (w == NULL)
		return NULL;
	pairs = malloc((p->n ? p->n : 1) * sizeof(*pairs));
	if (pairs == NULL) {
		b->ret |= HPDF_FAILD_TO_ALLOC_MEM;
		return w;
	}
	for (i = 0; i < p->n; i++) {
		pairs[k][0] = p->cids[i];
		pairs[k][1] = (uint32_t)p->widths[i];
		k++;
	}
	qsort(pairs, k, sizeof(*pairs), cmp_cid_width);
	for (i = 0; i < k; i++) {
		if (i > 0 && pairs[i][0] == pairs[i - 1][0])
			continue;  /* two code points, one glyph */
		if (sub == NULL || pairs[i][0] != pairs[i - 1][0] + 1) {
			sub = HPDF_Array_New(m);
			b->ret |= HPDF_Array_AddNumber(w, (HPDF_INT32)pairs[i][0]);
			b->ret |= HPDF_Array_Add(w, sub);
			if (sub == NULL)
				break;
		}
		b->ret |= HPDF_Array_AddNumber(sub, (HPDF_INT32)pairs[i][1]);
	}
	free(pairs);
	return w;
}

static HPDF_Dict descriptor(font_build *b, const char *base_font)
{
	const folio_font_program *p = b->prog;
	HPDF_MMgr m = b->pdf->mmgr;
	HPDF_Dict d = HPDF_Dict_New(m), file;
	HPDF_Box box;
	int cff = p->outlines == FOLIO_OUTLINES_CFF;

	if (d == NULL)
		return NULL;
	b->ret |= HPDF_Xref_Add(b->pdf->xref, d);
	box.left = (HPDF_REAL)p->bbox[0];
	box.bottom = (HPDF_REAL)p->bbox[1];
	box.right = (HPDF_REAL)p->bbox[2];
	box.top = (HPDF_REAL)p->bbox[3];
	b->ret |= HPDF_Dict_AddName(d, "Type", "FontDescriptor");
	b->ret |= HPDF_Dict_AddName(d, "FontName", base_font);
	/* Symbolic: the glyphs are reached through CIDs, not a standard
	 * Latin character set. */
	b->ret |= HPDF_Dict_AddNumber(d, "Flags", p->fixed_pitch ? 5 : 4);
	b->ret |= HPDF_Dict_Add(d, "FontBBox", HPDF_Box_Array_New(m, box));
	b->ret |= HPDF_Dict_AddReal(d, "ItalicAngle",
		(HPDF_REAL)p->italic_angle);
	b->ret |= HPDF_Dict_AddNumber(d, "Ascent", p->ascent);
	b->ret |= HPDF_Dict_AddNumber(d, "Descent", p->descent);
	b->ret |= HPDF_Dict_AddNumber(d, "CapHeight", p->cap_height);
	/* No font states its stem width; 80 is the usual stand-in. */
	b->ret |= HPDF_Dict_AddNumber(d, "StemV", 80);
	file = new_stream(b);
	if (file == NULL)
		return NULL;
	if (cff) {
		b->ret |= HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
		b->ret |= HPDF_Dict_Add(d, "FontFile3", file);
	} else {
		b->ret |= HPDF_Dict_AddNumber(file, "Length1",
			(HPDF_INT32)p->program.len);
		b->ret |= HPDF_Dict_Add(d, "FontFile2", file);
	}
	b->ret |= stream_put(b, file, &p->program, FOLIO_DEFLATE_FONT);
	return d;
}

HPDF_Font folio_pdf_font_new(HPDF_Doc pdf, const folio_font_program *prog,
	const uint32_t *cps, const char *ps_name, const char *tag,
	int compress)
{
	font_build b = {pdf, prog, cps, compress, HPDF_OK};
	HPDF_MMgr m = pdf->mmgr;
	HPDF_Dict font, cid;
	HPDF_Array desc;
	HPDF_FontAttr attr;
	char base_font[160], cmap_name[32];
	size_t i;

	snprintf(base_font, sizeof(base_font), "%s+%.127s", tag, ps_name);
	snprintf(cmap_name, sizeof(cmap_name), "Folio-%s-UCS2", tag);
	font = HPDF_Dict_New(m);
	if (font == NULL)
		return NULL;
	if (HPDF_Xref_Add(pdf->xref, font) != HPDF_OK)
		return NULL;
	attr = HPDF_GetMem(m, sizeof(*attr));
	if (attr == NULL)
		return NULL;
	memset(attr, 0, sizeof(*attr));
	font->header.obj_class |= HPDF_OSUBCLASS_FONT;
	font->attr = attr;
	font->free_fn = free_font;
	attr->type = HPDF_FONT_TYPE0_TT;  /* hex strings of 2-byte codes */
	attr->writing_mode = HPDF_WMODE_HORIZONTAL;
	attr->text_width_fn = text_width;
	attr->encoder = HPDF_GetEncoder(pdf, "UTF-8");
	attr->xref = pdf->xref;
	attr->widths = HPDF_GetMem(m, N_CODES * sizeof(HPDF_INT16));
	if (attr->encoder == NULL || attr->widths == NULL)
		return NULL;
	memset(attr->widths, 0, N_CODES * sizeof(HPDF_INT16));
	for (i = 0; i < prog->n; i++)
		if (cps[i] < N_CODES)
			attr->widths[cps[i]] = (HPDF_INT16)(prog->widths[i] >
				32767 ? 32767 : prog->widths[i] < 0 ? 0 :
				prog->widths[i]);

	cid = HPDF_Dict_New(m);
	desc = HPDF_Array_New(m);
	if (cid == NULL || desc == NULL)
		return NULL;
	b.ret |= HPDF_Xref_Add(pdf->xref, cid);
	b.ret |= HPDF_Dict_AddName(cid, "Type", "Font");
	b.ret |= HPDF_Dict_AddName(cid, "Subtype",
		prog->outlines == FOLIO_OUTLINES_CFF ? "CIDFontType0" :
		"CIDFontType2");
	b.ret |= HPDF_Dict_AddName(cid, "BaseFont", base_font);
	b.ret |= HPDF_Dict_Add(cid, "CIDSystemInfo", system_info(&b));
	b.ret |= HPDF_Dict_Add(cid, "FontDescriptor", descriptor(&b,
		base_font));
	b.ret |= HPDF_Dict_AddNumber(cid, "DW", 1000);
	b.ret |= HPDF_Dict_Add(cid, "W", widths_array(&b));
	if (prog->outlines == FOLIO_OUTLINES_TRUETYPE)
		b.ret |= HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
	attr->descendant_font = cid;

	b.ret |= HPDF_Dict_AddName(font, "Type", "Font");
	b.ret |= HPDF_Dict_AddName(font, "Subtype", "Type0");
	b.ret |= HPDF_Dict_AddName(font, "BaseFont", base_font);
	b.ret |= HPDF_Dict_Add(font, "Encoding", encoding_cmap(&b, cmap_name));
	b.ret |= HPDF_Dict_Add(font, "DescendantFonts", desc);
	b.ret |= HPDF_Array_Add(desc, cid);
	b.ret |= HPDF_Dict_Add(font, "ToUnicode", to_unicode(&b));
	return b.ret == HPDF_OK ? font : NULL;
}
