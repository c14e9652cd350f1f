/*
 * pdf.c - the libharu adapter: layout pages in, PDF file out.
 *
 * libharu reports errors through a callback and then refuses every later
 * call on the same document (it is "poisoned" until HPDF_ResetError).
 * The callback below only records the first error; the writer checks
 * the record after each step and stops there, so the message names the
 * step that failed rather than a later consequence.
 */
#include "pdf/pdf.h"
#include "util/clock.h"
#include "util/epoch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <hpdf.h>
#include <hpdf_doc.h>

#include "font/font.h"
#include "pdf/font_objects.h"
#include "pdf/streams.h"
#include "pdf/images.h"
#include "util/buf.h"
#include "util/deflate.h"
#include "util/file.h"
#include "util/qr.h"
#include "util/utf8.h"

/* libharu's UTF-8 encoding maps code points to 16-bit CIDs. */
#define BMP_SIZE 0x10000u
/* 9999-12-31T23:59:59Z, the last date a PDF date string can hold. */

/* One face of the layout: the code points drawn with it (the layout's
 * list) and, for checking runs, the same as a bitmap. */
typedef struct face_use {
	const folio_face *face;
	const uint32_t *cps;   /* sorted, distinct (layout's memory) */
	size_t n_cps;
	unsigned char *drawn;  /* BMP bitmap of cps */
	HPDF_Font font;
} face_use;

typedef struct haru_state {
	HPDF_STATUS error_no;
	HPDF_STATUS detail_no;
} haru_state;

typedef struct writer {
	const folio_layout *layout;
	const folio_doc *doc;
	folio_pdf_options opts;
	folio_error *err;
	face_use faces[FOLIO_PDF_MAX_FACES];
	size_t n_faces;
	HPDF_Doc pdf;
	HPDF_Page *pages;
	haru_state haru;
	size_t font_bytes;
	long long subset_ns;   /* HarfBuzz time inside embed_face */
	unsigned char *boxed;  /* BMP bitmap of the layout's substitutions */
	folio_qr *qr;          /* opts.qr_url's symbol, or NULL */
	pdf_images *images;    /* image files embedded so far */
} writer;

int folio_pdf_options_init(folio_pdf_options *out, folio_error *err)
{
	int64_t epoch;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = folio_source_date_epoch(&epoch, err);
	if (rc == 0 && epoch >= 0) {
		out->has_epoch = 1;
		out->epoch = epoch;
	}
	return rc;
}

static void haru_error_handler(HPDF_STATUS error_no, HPDF_STATUS detail_no,
	void *user_data)
{
	haru_state *st = user_data;

	/* Later errors are consequences of the first (poisoned document). */
	if (st != NULL && st->error_no == HPDF_OK) {
		st->error_no = error_no;
		st->detail_no = detail_no;
	}
}

/* One libharu handle per thread, kept from one document to the next:
 * its UTF-8 encoder (tables of 65,536 entries, cleared byte by byte)
 * costs 1.4 M instructions to build, 4 % of a batch, and HPDF_FreeDoc
 * keeps it while freeing the document's objects. A document that fails
 * frees the handle; a thread's handle is freed when the thread ends. */
static pthread_key_t haru_key;
static pthread_once_t haru_once = PTHREAD_ONCE_INIT;
static int haru_key_ok;
static _Thread_local HPDF_Doc thread_haru;

static void haru_key_free(void *p)
{
	HPDF_Free(p);
}

static void haru_key_make(void)
{
	haru_key_ok = pthread_key_create(&haru_key, haru_key_free) == 0;
}

/* A handle with a new, empty document whose errors go to st. */
static HPDF_Doc haru_take(haru_state *st)
{
	HPDF_Doc pdf = thread_haru;

	thread_haru = NULL;
	if (pdf == NULL) {
		pdf = HPDF_New(haru_error_handler, st);
		if (pdf != NULL)
			HPDF_UseUTFEncodings(pdf);
		return pdf;
	}
	(void)pthread_setspecific(haru_key, NULL);
	pdf->error.user_data = st;
	if (HPDF_NewDoc(pdf) != HPDF_OK) {
		HPDF_Free(pdf);
		return NULL;
	}
	return pdf;
}

/* The document is done with: keep the handle for this thread's next
 * one when all went well, else free it. */
static void haru_give(HPDF_Doc pdf, int ok)
{
	if (pdf == NULL)
		return;
	pthread_once(&haru_once, haru_key_make);
	if (!ok || !haru_key_ok || thread_haru != NULL) {
		HPDF_Free(pdf);
		return;
	}
	HPDF_FreeDoc(pdf);
	pdf->error.user_data = NULL;
	if (pthread_setspecific(haru_key, pdf) != 0) {
		HPDF_Free(pdf);
		return;
	}
	thread_haru = pdf;
}

static const char *haru_error_name(HPDF_STATUS e)
{
	switch (e) {
	case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
	case HPDF_FILE_IO_ERROR: return "file I/O error";
	case HPDF_FILE_OPEN_ERROR: return "cannot open file";
	case HPDF_FONT_EXISTS: return "font already loaded";
	case HPDF_INVALID_DATE_TIME: return "invalid date";
	case HPDF_INVALID_DOCUMENT: return "invalid document";
	case HPDF_INVALID_FONT_NAME: return "invalid font name";
	case HPDF_INVALID_OBJECT: return "invalid object";
	case HPDF_INVALID_PARAMETER: return "invalid parameter";
	case HPDF_PAGE_INVALID_SIZE: return "invalid page size";
	case HPDF_PAGE_INVALID_FONT_SIZE: return "invalid font size";
	case HPDF_PAGE_OUT_OF_RANGE: return "value out of range";
	case HPDF_REAL_OUT_OF_RANGE: return "number out of range";
	case HPDF_STRING_OUT_OF_RANGE: return "string too long";
	case HPDF_TTF_CANNOT_EMBEDDING_FONT:
		return "font licence (OS/2 fsType) forbids embedding";
	case HPDF_TTF_INVALID_CMAP: return "unsupported cmap table";
	case HPDF_TTF_INVALID_FOMAT: return "not a TrueType font";
	case HPDF_TTF_MISSING_TABLE: return "font lacks a required table";
	case HPDF_UNSUPPORTED_FONT_TYPE: return "unsupported font type";
	case HPDF_ZLIB_ERROR: return "zlib error";
	default: return "error";
	}
}

/* 0 if libharu has recorded no error (and `ok` holds), else FOLIO_ELIB
 * with libharu's code, detail and the step that failed. */
static int haru_check(writer *w, int ok, const char *step)
{
	if (w->haru.error_no == HPDF_OK && ok)
		return 0;
	if (w->haru.error_no == HPDF_OK)
		return folio_error_set(w->err, FOLIO_ELIB,
			"libharu failed while %s (no error code reported)",
			step);
	return folio_error_set(w->err, FOLIO_ELIB,
		"libharu error 0x%04X (%s, detail %u) while %s",
		(unsigned)w->haru.error_no, haru_error_name(w->haru.error_no),
		(unsigned)w->haru.detail_no, step);
}

static face_use *face_use_of(writer *w, const folio_face *face)
{
	size_t i;

	for (i = 0; i < w->n_faces; i++)
		if (w->faces[i].face == face)
			return &w->faces[i];
	return NULL;
}

/* The faces and code points to subset are the layout's (it noted every
 * character it placed, page and heading numbers included). */
static int take_faces(writer *w)
{
	const folio_layout *l = w->layout;
	size_t i, k;

	if (l->n_faces > FOLIO_PDF_MAX_FACES)
		return folio_error_set(w->err, FOLIO_ELIMIT,
			"layout uses %zu fonts (limit %d)", l->n_faces,
			FOLIO_PDF_MAX_FACES);
	for (i = 0; i < l->n_faces; i++) {
		face_use *fu = &w->faces[w->n_faces++];

		fu->face = l->faces[i].face;
		fu->cps = l->faces[i].cps;
		fu->n_cps = l->faces[i].n_cps;
		fu->drawn = calloc(BMP_SIZE / 8, 1);
		if (fu->face == NULL || fu->drawn == NULL)
			return folio_error_set(w->err, fu->face ? FOLIO_ENOMEM :
				FOLIO_EUSAGE, fu->face ? "out of memory" :
				"layout lists a font usage without a font");
		for (k = 0; k < fu->n_cps; k++) {
			uint32_t cp = fu->cps[k];
			if (cp >= BMP_SIZE)
				return folio_error_set(w->err, FOLIO_EFONT,
					"U+%04X is outside the Basic "
					"Multilingual Plane; the PDF writer "
					"(libharu) cannot draw it", (unsigned)cp);
			if (k > 0 && cp <= fu->cps[k - 1])
				return folio_error_set(w->err, FOLIO_EUSAGE,
					"layout's code points for font %s are "
					"not sorted (U+%04X)",
					folio_face_name(fu->face), (unsigned)cp);
			fu->drawn[cp >> 3] = (unsigned char)(fu->drawn[cp >> 3] |
				(1u << (cp & 7)));
		}
	}
	return 0;
}

/* Whether layout drew cp as a visible box on purpose (missing-glyph
 * mode "box") and reported it. A bitmap built on first use: a scan of
 * the list per character was quadratic on a document of boxes. Only
 * BMP code points are asked about (the writer refuses the others). */
static int substituted(writer *w, uint32_t cp)
{
	const folio_layout *l = w->layout;
	size_t i;

	if (l->n_substitutions == 0 || cp >= BMP_SIZE)
		return 0;
	if (w->boxed == NULL) {
		w->boxed = calloc(BMP_SIZE / 8, 1);
		if (w->boxed == NULL)
			return -1;
		for (i = 0; i < l->n_substitutions; i++) {
			uint32_t c = l->substitutions[i].cp;

			if (c < BMP_SIZE)
				w->boxed[c >> 3] = (unsigned char)
					(w->boxed[c >> 3] | (1u << (c & 7)));
		}
	}
	return (w->boxed[cp >> 3] >> (cp & 7)) & 1;
}

/* Walks every run once and checks its text: valid UTF-8, in the BMP,
 * drawn with a glyph (or a reported box), and among the code points the
 * layout listed for its face, which are what the subset holds. */
static int check_runs(writer *w)
{
	const folio_layout *l = w->layout;
	size_t total = 0, pi, ri;

	for (pi = 0; pi < l->n_pages; pi++) {
		const folio_page *pg = &l->pages[pi];
		for (ri = 0; ri < pg->n_runs; ri++) {
			const folio_run *run = &pg->runs[ri];
			face_use *fu;
			size_t len, off = 0, n = 0;

			if (run->text == NULL || run->face == NULL)
				return folio_error_set(w->err, FOLIO_EUSAGE,
					"page %zu, run %zu: no text or no "
					"font", pi + 1, ri + 1);
			len = strlen(run->text);
			if (len == 0)
				continue;
			fu = face_use_of(w, run->face);
			if (fu == NULL)
				return folio_error_set(w->err, FOLIO_EUSAGE,
					"page %zu: a run in font %s, which "
					"the layout's font list lacks", pi + 1,
					folio_face_name(run->face));
			while (off < len) {
				uint32_t cp;
				size_t k = folio_utf8_decode(run->text + off,
					len - off, &cp);
				int drawn;

				if (k == 0)
					return folio_error_set(w->err,
						FOLIO_EUSAGE, "page %zu: run "
						"text is not valid UTF-8 at "
						"byte %zu", pi + 1, off);
				if (cp >= BMP_SIZE)
					return folio_error_set(w->err,
						FOLIO_EFONT, "page %zu: U+%04X "
						"is outside the Basic "
						"Multilingual Plane; the PDF "
						"writer (libharu) cannot draw "
						"it", pi + 1, (unsigned)cp);
				drawn = folio_face_has_glyph(run->face, cp);
				if (!drawn && (drawn = substituted(w, cp)) < 0)
					return folio_error_set(w->err,
						FOLIO_ENOMEM, "out of memory");
				if (!drawn)
					return folio_error_set(w->err,
						FOLIO_EFONT, "page %zu: U+%04X "
						"(%.*s) has no glyph in font "
						"%s; it would print blank",
						pi + 1, (unsigned)cp, (int)k,
						run->text + off,
						folio_face_name(run->face));
				if (!(fu->drawn[cp >> 3] & (1u << (cp & 7))))
					return folio_error_set(w->err,
						FOLIO_EUSAGE, "page %zu: U+%04X "
						"is drawn in font %s but not in "
						"the layout's list for it", pi + 1,
						(unsigned)cp,
						folio_face_name(run->face));
				off += k;
				n++;
			}
			if (n > FOLIO_PDF_MAX_RUN_CHARS)
				return folio_error_set(w->err, FOLIO_ELIMIT,
					"page %zu: a run of %zu characters "
					"(limit %d)", pi + 1, n,
					FOLIO_PDF_MAX_RUN_CHARS);
			if (run->positions != NULL && n != run->n_chars)
				return folio_error_set(w->err, FOLIO_EUSAGE,
					"page %zu: run has %zu characters "
					"but %zu positions", pi + 1, n,
					run->n_chars);
			total += n;
			if (total > FOLIO_PDF_MAX_CHARS)
				return folio_error_set(w->err, FOLIO_ELIMIT,
					"layout holds more than %zu "
					"characters", FOLIO_PDF_MAX_CHARS);
		}
	}
	return 0;
}

/* The subset prefix of a font's name: six capitals from a hash of its
 * face and code points (PDF 32000 9.6.4), distinct within the file. */
static void subset_tag(char tag[7], const writer *w, const face_use *fu)
{
	uint64_t h = 1469598103934665603ull;
	const char *name = folio_face_name(fu->face);
	size_t i;

	for (i = 0; name[i]; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
	for (i = 0; i < fu->n_cps; i++)
		h = (h ^ fu->cps[i]) * 1099511628211ull;
	h += (uint64_t)(fu - w->faces);
	for (i = 0; i < 6; i++, h /= 26)
		tag[i] = (char)('A' + h % 26);
	tag[6] = '\0';
}

/* Subset one face to the code points the layout drew with it and build
 * its PDF font objects. */
static int embed_face(writer *w, face_use *fu)
{
	folio_font_program prog;
	char tag[7], step[256];
	long long t0;
	size_t i;
	int rc;

	t0 = folio_now_ns();
	rc = folio_face_pdf_program(&prog, fu->face, fu->cps, fu->n_cps,
		w->err);
	w->subset_ns += folio_now_ns() - t0;
	if (rc < 0)
		return rc;
	w->font_bytes += prog.program.len;
	subset_tag(tag, w, fu);
	/* Two faces, one name and one tag would be one font to a reader. */
	for (i = 0; w->faces + i < fu; i++)
		if (strcmp(folio_face_name(w->faces[i].face),
		    folio_face_name(fu->face)) == 0)
			tag[5] = (char)('A' + (tag[5] - 'A' + 1 + (int)i) % 26);
	fu->font = folio_pdf_font_new(w->pdf, &prog, fu->cps,
		folio_face_name(fu->face), tag, !w->opts.uncompressed);
	snprintf(step, sizeof(step), "embedding the subset of font %s (%s)",
		folio_face_name(fu->face), folio_face_path(fu->face));
	rc = haru_check(w, fu->font != NULL, step);
	folio_font_program_free(&prog);
	return rc;
}

static HPDF_Font font_of(writer *w, const folio_face *face)
{
	size_t i;

	for (i = 0; i < w->n_faces; i++)
		if (w->faces[i].face == face)
			return w->faces[i].font;
	return NULL;
}

static int same_rgb(folio_rgb a, folio_rgb b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b;
}

static void draw_rules(HPDF_Page page, const folio_page *pg)
{
	size_t i;

	for (i = 0; i < pg->n_rules; i++) {
		const folio_rule *r = &pg->rules[i];
		HPDF_Page_SetRGBStroke(page, (HPDF_REAL)r->color.r,
			(HPDF_REAL)r->color.g, (HPDF_REAL)r->color.b);
		HPDF_Page_SetLineWidth(page, (HPDF_REAL)r->width);
		HPDF_Page_MoveTo(page, (HPDF_REAL)r->x0, (HPDF_REAL)r->y0);
		HPDF_Page_LineTo(page, (HPDF_REAL)r->x1, (HPDF_REAL)r->y1);
		HPDF_Page_Stroke(page);
	}
}

/* Draws runs in one text object; font, colour and spacing operators are
 * only emitted when they change, which keeps content streams small. */
static void draw_runs(writer *w, HPDF_Page page, const folio_page *pg)
{
	HPDF_Font cur_font = NULL;
	double cur_size = 0, cur_space = 0;
	folio_rgb cur_color = {0, 0, 0};
	size_t i;

	HPDF_Page_BeginText(page);
	for (i = 0; i < pg->n_runs; i++) {
		const folio_run *run = &pg->runs[i];
		HPDF_Font font;
		double space;
		int each;

		if (run->text[0] == '\0')
			continue;
		font = font_of(w, run->face);
		if (font != cur_font || run->size != cur_size) {
			HPDF_Page_SetFontAndSize(page, font,
				(HPDF_REAL)run->size);
			cur_font = font;
			cur_size = run->size;
		}
		if (!same_rgb(run->color, cur_color)) {
			HPDF_Page_SetRGBFill(page, (HPDF_REAL)run->color.r,
				(HPDF_REAL)run->color.g,
				(HPDF_REAL)run->color.b);
			cur_color = run->color;
		}
		/* libharu refuses character spacing outside -30..300 pt
		 * (a short line justified across a wide measure can need
		 * more): such a run is placed character by character. */
		each = run->positions != NULL ||
			run->char_spacing < HPDF_MIN_CHARSPACE ||
			run->char_spacing > HPDF_MAX_CHARSPACE;
		space = each ? 0.0 : run->char_spacing;
		if (space != cur_space) {
			HPDF_Page_SetCharSpace(page, (HPDF_REAL)space);
			cur_space = space;
		}
		if (!each) {
			HPDF_Page_TextOut(page, (HPDF_REAL)run->x,
				(HPDF_REAL)run->y, run->text);
		} else {
			/* One character per show, at the position layout
			 * gave or at the uniform spacing it asked for. */
			const char *s = run->text;
			size_t len = strlen(s), off = 0, k = 0;
			double x = run->x;
			while (off < len && k < run->n_chars) {
				char ch[5];
				uint32_t cp;
				size_t n = folio_utf8_decode(s + off,
					len - off, &cp);
				memcpy(ch, s + off, n);
				ch[n] = '\0';
				if (run->positions != NULL)
					x = run->positions[k];
				HPDF_Page_TextOut(page, (HPDF_REAL)x,
					(HPDF_REAL)run->y, ch);
				x += folio_face_advance(run->face, cp) *
					run->size + run->char_spacing;
				off += n;
				k++;
			}
		}
		if (w->haru.error_no != HPDF_OK)
			break;
	}
	HPDF_Page_EndText(page);
}

/* The QR code in the page's square: each row's runs of dark modules
 * as one rectangle, all filled at once (the union is the symbol). */
static int draw_qr(writer *w, HPDF_Page page, const folio_page *pg)
{
	const folio_qr *qr = w->qr;
	double m = pg->qr_size / (qr->size + 2 * FOLIO_QR_QUIET);
	double x0 = pg->qr_x + FOLIO_QR_QUIET * m;
	double top = pg->qr_y + pg->qr_size - FOLIO_QR_QUIET * m;
	int x, y;

	if (m < FOLIO_PDF_QR_MIN_MODULE)
		return folio_error_set(w->err, FOLIO_EUSAGE, "QR code: %d "
			"modules a side leave %.2fmm a module in the style's "
			"%.1fmm square (at least %.2fmm needed): a shorter URL "
			"or a larger <qr size>", qr->size, m * 25.4 / 72,
			pg->qr_size * 25.4 / 72, FOLIO_PDF_QR_MIN_MODULE *
			25.4 / 72);
	HPDF_Page_SetRGBFill(page, 0, 0, 0);
	for (y = 0; y < qr->size; y++)
		for (x = 0; x < qr->size; x++) {
			int run = 0;
			while (x + run < qr->size &&
			    qr->dark[y * qr->size + x + run])
				run++;
			if (run == 0)
				continue;
			HPDF_Page_Rectangle(page, (HPDF_REAL)(x0 + x * m),
				(HPDF_REAL)(top - (y + 1) * m),
				(HPDF_REAL)(run * m), (HPDF_REAL)m);
			x += run;
		}
	HPDF_Page_Fill(page);
	return 0;
}

/* Images first: rules and text may be drawn over them, never under. */
static int draw_images(writer *w, HPDF_Page page, const folio_page *pg)
{
	char step[320];
	size_t i;
	int rc;

	for (i = 0; i < pg->n_images; i++) {
		const folio_image *im = &pg->images[i];
		if ((rc = pdf_image_draw(&w->images, w->pdf, page, im,
			w->err)) < 0)
			return rc;
		snprintf(step, sizeof(step), "embedding the image %s",
			im->figure->src ? im->figure->src : "?");
		if ((rc = haru_check(w, 1, step)) < 0)
			return rc;
	}
	return 0;
}

static int draw_pages(writer *w)
{
	const folio_layout *l = w->layout;
	size_t pi;

	w->pages = calloc(l->n_pages, sizeof(*w->pages));
	if (w->pages == NULL)
		return folio_error_set(w->err, FOLIO_ENOMEM, "out of memory");
	for (pi = 0; pi < l->n_pages; pi++) {
		const folio_page *pg = &l->pages[pi];
		HPDF_Page page = HPDF_AddPage(w->pdf);
		char step[64];
		int rc;

		if (page != NULL) {
			HPDF_Page_SetWidth(page, (HPDF_REAL)pg->width);
			HPDF_Page_SetHeight(page, (HPDF_REAL)pg->height);
			if (pg->n_images && (rc = draw_images(w, page, pg)) < 0)
				return rc;
			if (pg->n_rules)
				draw_rules(page, pg);
			if (pg->n_runs)
				draw_runs(w, page, pg);
			if (pg->qr_size > 0 && w->qr != NULL &&
			    (rc = draw_qr(w, page, pg)) < 0)
				return rc;
		}
		snprintf(step, sizeof(step), "drawing page %zu", pi + 1);
		rc = haru_check(w, page != NULL, step);
		if (rc < 0)
			return rc;
		if (!w->opts.uncompressed) {
			HPDF_STATUS st = folio_pdf_deflate_contents(page,
				FOLIO_DEFLATE_TEXT);

			if (st != HPDF_OK)
				return folio_error_set(w->err,
					st == HPDF_FAILD_TO_ALLOC_MEM ?
					FOLIO_ENOMEM : FOLIO_ELIB,
					"compressing page %zu: %s", pi + 1,
					haru_error_name(st));
		}
		w->pages[pi] = page;
	}
	return 0;
}

static int write_outline(writer *w)
{
	const folio_layout *l = w->layout;
	HPDF_Outline parent[FOLIO_MAX_HEADING_LEVEL + 1] = {0};
	HPDF_Encoder enc;
	size_t i;

	if (l->n_outline == 0)
		return 0;
	/* Open with the bookmarks shown: they are the table of contents. */
	HPDF_SetPageMode(w->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
	enc = HPDF_GetEncoder(w->pdf, "UTF-8");
	if (haru_check(w, enc != NULL, "getting the UTF-8 encoder") < 0)
		return FOLIO_ELIB;
	for (i = 0; i < l->n_outline; i++) {
		const folio_outline_entry *e = &l->outline[i];
		HPDF_Outline up = NULL, o;
		HPDF_Destination dst;
		int level = e->level, k;

		if (e->title == NULL || e->page >= l->n_pages)
			return folio_error_set(w->err, FOLIO_EUSAGE,
				"outline entry %zu: no title or page %zu of "
				"%zu", i + 1, e->page + 1, l->n_pages);
		if (level < 1)
			level = 1;
		if (level > FOLIO_MAX_HEADING_LEVEL)
			level = FOLIO_MAX_HEADING_LEVEL;
		/* A skipped level hangs under the nearest shallower one. */
		for (k = level - 1; k >= 1 && up == NULL; k--)
			up = parent[k];
		o = HPDF_CreateOutline(w->pdf, up, e->title, enc);
		dst = o ? HPDF_Page_CreateDestination(w->pages[e->page])
			: NULL;
		if (dst != NULL) {
			/* libharu refuses XYZ's "keep the zoom" (0);
			 * fitting the width at the heading suits reading. */
			HPDF_Destination_SetFitH(dst, (HPDF_REAL)e->y);
			HPDF_Outline_SetDestination(o, dst);
			HPDF_Outline_SetOpened(o, HPDF_TRUE);
		}
		if (haru_check(w, dst != NULL, "adding a bookmark") < 0)
			return FOLIO_ELIB;
		parent[level] = o;
		for (k = level + 1; k <= FOLIO_MAX_HEADING_LEVEL; k++)
			parent[k] = NULL;
	}
	return 0;
}

/* The date as libharu wants it, from the epoch or from YYYY-MM-DD. */
static int info_date(HPDF_Date *out, const writer *w)
{
	memset(out, 0, sizeof(*out));
	out->ind = 'Z';
	if (w->opts.has_epoch) {
		struct tm tm;
		time_t t = (time_t)w->opts.epoch;
		if (gmtime_r(&t, &tm) == NULL)
			return 0;
		out->year = tm.tm_year + 1900;
		out->month = tm.tm_mon + 1;
		out->day = tm.tm_mday;
		out->hour = tm.tm_hour;
		out->minutes = tm.tm_min;
		out->seconds = tm.tm_sec;
		return 1;
	}
	if (w->doc && w->doc->meta.date && sscanf(w->doc->meta.date,
		"%4d-%2d-%2d", &out->year, &out->month, &out->day) == 3)
		return 1;
	return 0;
}

static int write_info(writer *w)
{
	const folio_meta *m = w->doc ? &w->doc->meta : NULL;
	folio_buf kw = {0};
	HPDF_Date date;
	int rc = 0;

	HPDF_SetCurrentEncoder(w->pdf, "UTF-8");
	HPDF_SetInfoAttr(w->pdf, HPDF_INFO_CREATOR, "folio");
	if (m != NULL) {
		const char *subject = m->category ? m->category : m->subtitle;
		size_t i;

		if (m->title)
			HPDF_SetInfoAttr(w->pdf, HPDF_INFO_TITLE, m->title);
		if (m->issuer)
			HPDF_SetInfoAttr(w->pdf, HPDF_INFO_AUTHOR, m->issuer);
		if (subject)
			HPDF_SetInfoAttr(w->pdf, HPDF_INFO_SUBJECT, subject);
		for (i = 0; i < m->keywords.count; i++) {
			if ((i && folio_buf_puts(&kw, "; ") < 0) ||
				folio_buf_puts(&kw, m->keywords.items[i]) < 0) {
				rc = folio_error_set(w->err, FOLIO_ELIMIT,
					"keywords too long");
				goto done;
			}
		}
		if (kw.len)
			HPDF_SetInfoAttr(w->pdf, HPDF_INFO_KEYWORDS, kw.data);
	}
	if (info_date(&date, w)) {
		HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_CREATION_DATE, date);
		HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_MOD_DATE, date);
	}
	rc = haru_check(w, 1, "writing the document information");
done:
	folio_buf_free(&kw);
	return rc;
}

static int save(writer *w, const char *path, size_t *out_bytes)
{
	folio_outfile of;
	struct stat st;
	int rc;

	rc = folio_outfile_reserve(&of, path, w->err);
	if (rc < 0)
		return rc;
	HPDF_SaveToFile(w->pdf, of.temp_path);
	rc = haru_check(w, 1, "saving the PDF");
	if (rc == 0 && stat(of.temp_path, &st) == 0)
		*out_bytes = (size_t)st.st_size;
	if (rc == 0)
		rc = folio_outfile_commit(&of, w->err);
	else
		folio_outfile_abort(&of);
	return rc;
}

int folio_pdf_write(const char *path, const folio_layout *layout,
	const folio_doc *doc, const folio_pdf_options *opts,
	folio_error *err)
{
	writer w;
	long long t0, t2;
	size_t i, bytes = 0;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	if (path == NULL || layout == NULL)
		return folio_error_set(err, FOLIO_EUSAGE,
			"folio_pdf_write: no path or no layout");
	if (layout->n_pages == 0)
		return folio_error_set(err, FOLIO_EUSAGE,
			"%s: the layout has no pages", path);
	if (layout->n_pages > FOLIO_PDF_MAX_PAGES)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: %zu pages (limit %d)", path, layout->n_pages,
			FOLIO_PDF_MAX_PAGES);
	w.layout = layout;
	w.doc = doc;
	w.err = err;
	if (opts)
		w.opts = *opts;

	t0 = folio_now_ns();
	if ((rc = take_faces(&w)) < 0 || (rc = check_runs(&w)) < 0 ||
	    (w.opts.qr_url != NULL && (rc = folio_qr_encode(&w.qr,
		w.opts.qr_url, err)) < 0))
		goto done;
	w.pdf = haru_take(&w.haru);
	if (w.pdf == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM,
			"libharu could not start a document (out of memory)");
		goto done;
	}
	/* Every stream is deflated by the writer itself (pdf/streams.h). */
	HPDF_SetCompressionMode(w.pdf, HPDF_COMP_NONE);
	rc = haru_check(&w, 1, "setting up the document");
	if (rc < 0)
		goto done;
	for (i = 0; i < w.n_faces; i++) {
		rc = embed_face(&w, &w.faces[i]);
		if (rc < 0)
			goto done;
	}
	rc = draw_pages(&w);
	if (rc == 0)
		rc = write_outline(&w);
	if (rc == 0)
		rc = write_info(&w);
	if (rc < 0)
		goto done;
	t2 = folio_now_ns();
	rc = save(&w, path, &bytes);
	if (rc == 0 && w.opts.stats) {
		folio_pdf_stats *s = w.opts.stats;
		/* Subsetting is timed inside; the rest of the font step
		 * (libharu parsing the subset) counts as building. */
		s->subset_ns = w.subset_ns;
		s->build_ns = t2 - t0 - w.subset_ns;
		s->save_ns = folio_now_ns() - t2;
		s->bytes = bytes;
		s->font_bytes = w.font_bytes;
		s->n_fonts = w.n_faces;
	}
done:
	haru_give(w.pdf, rc == 0);
	for (i = 0; i < w.n_faces; i++)
		free(w.faces[i].drawn);
	free(w.boxed);
	free(w.pages);
	folio_qr_free(w.qr);
	pdf_images_free(w.images);
	return rc;
}
