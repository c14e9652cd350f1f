/*
 * test_pdf.c - the PDF writer on hand-built layouts with real faces.
 *
 * Outputs are checked with the same tools a print shop would use
 * (pdffonts, pdftotext, pdfinfo, qpdf), so a regression in subsetting,
 * Unicode maps, bookmarks or document information shows up here without
 * the layout engine.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "font/font.h"
#include "model/doc.h"
#include "pdf/pdf.h"
#include "util/buf.h"
#include "util/utf8.h"

static folio_fontset *fs;
static const folio_face *song;  /* 仿宋 role (a Song face here) */
static const folio_face *hei;   /* 黑体 role */
static char dir[64];

static const folio_face *first_face(const char *family)
{
	const folio_face *chain[8];
	const char *fam[1];
	size_t n = 0;
	folio_error err = {0};

	fam[0] = family;
	if (folio_fontset_chain(chain, 8, &n, fs, fam, 1, &err) < 0 ||
		n == 0) {
		fprintf(stderr, "no face for %s: %s\n", family, err.msg);
		return NULL;
	}
	return chain[0];
}

static int group_setup(void **state)
{
	folio_error err = {0};

	(void)state;
	if (folio_fontset_load(&fs, NULL, &err) < 0) {
		fprintf(stderr, "fontset: %s\n", err.msg);
		return -1;
	}
	song = first_face("仿宋");
	hei = first_face("黑体");
	if (song == NULL || hei == NULL)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/folio-test-pdf.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	folio_fontset_free(fs);
	if (getenv("FOLIO_TEST_KEEP")) {
		fprintf(stderr, "outputs kept in %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Output of a shell command into b (NUL-terminated). */
static int run(folio_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int run(folio_buf *b, const char *fmt, ...)
{
	char cmd[1024], chunk[4096];
	va_list ap;
	FILE *p;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	folio_buf_reset(b);
	folio_buf_puts(b, "");
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		folio_buf_append(b, chunk, n);
	return pclose(p);
}

/* Number of entries in dir (to prove nothing, not even a temporary
 * file, is left behind after a failure). */
static int entries_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Hand-built two-page layout: title in Hei, justified body in Song, a
 * run with explicit positions, page numbers, a red rule, bookmarks. */
typedef struct sample {
	folio_run runs1[4], runs2[3];
	folio_rule rules1[1];
	folio_page pages[2];
	folio_outline_entry outline[4];
	double pos[6];
	folio_layout layout;
	folio_doc *doc;
} sample;

static void set_run(folio_run *r, const folio_face *face, double size,
	double x, double y, const char *text, folio_run_kind kind)
{
	memset(r, 0, sizeof(*r));
	r->face = face;
	r->size = size;
	r->x = x;
	r->y = y;
	r->text = text;
	r->n_chars = folio_utf8_count(text);
	r->kind = kind;
	r->line_index = -1;
}

static void usage_from_runs(folio_layout *l);

static void sample_build(sample *s)
{
	folio_error err = {0};
	int i;

	memset(s, 0, sizeof(*s));
	set_run(&s->runs1[0], hei, 22, 120, 700, "关于印发《开发区》的通知",
		FOLIO_RUN_TITLE);
	s->runs1[0].color = (folio_rgb){0, 0, 0};
	set_run(&s->runs1[1], song, 16, 79.4, 640,
		"为进一步推动经济开发区改革创新发展，现将有关事项通知如下：",
		FOLIO_RUN_BODY);
	s->runs1[1].char_spacing = 0.25;
	s->runs1[1].line_index = 0;
	set_run(&s->runs1[2], song, 16, 79.4, 610, "“开放”）。",
		FOLIO_RUN_BODY);
	/* “开放” at full width, then ）。 compressed to half width. */
	for (i = 0; i < 5; i++)
		s->pos[i] = 79.4 + 16.0 * i;
	s->pos[5] = s->pos[4] + 8.0;
	s->runs1[2].positions = s->pos;
	set_run(&s->runs1[3], song, 14, 480, 60, "— 1 —",
		FOLIO_RUN_PAGE_NUMBER);
	s->rules1[0] = (folio_rule){79.4, 560, 521.6, 560, 1.0,
		{0.9, 0, 0}};
	s->pages[0] = (folio_page){595.28, 841.89, s->runs1, 4,
		s->rules1, 1, 1, {FOLIO_SOURCE_NONE, NULL, NULL, 0, 0}, 0, 0, 0, NULL, 0};

	set_run(&s->runs2[0], hei, 16, 79.4, 760, "一、总体要求",
		FOLIO_RUN_HEADING);
	set_run(&s->runs2[1], song, 16, 79.4, 730,
		"坚持以人民为中心，深化“放管服”改革。",
		FOLIO_RUN_BODY);
	set_run(&s->runs2[2], song, 14, 100, 60, "— 2 —",
		FOLIO_RUN_PAGE_NUMBER);
	s->pages[1] = (folio_page){595.28, 841.89, s->runs2, 3, NULL, 0,
		2, {FOLIO_SOURCE_NONE, NULL, NULL, 0, 0}, 0, 0, 0, NULL, 0};

	s->outline[0] = (folio_outline_entry){1, "一、总体要求", 1, 776};
	s->outline[1] = (folio_outline_entry){2, "（一）指导思想", 1, 700};
	s->outline[2] = (folio_outline_entry){4, "（1）跳级条目", 1, 650};
	s->outline[3] = (folio_outline_entry){1, "二、主要任务", 1, 600};
	memset(&s->layout, 0, sizeof(s->layout));
	s->layout.pages = s->pages;
	s->layout.n_pages = 2;
	s->layout.outline = s->outline;
	s->layout.n_outline = 4;
	usage_from_runs(&s->layout);

	assert_int_equal(folio_doc_new(&s->doc, "sample.xml", &err), 0);
	s->doc->meta.title = "关于印发《开发区》的通知";
	s->doc->meta.issuer = "营口市商务局";
	s->doc->meta.category = "政策解读";
	s->doc->meta.date = "2020-04-27";
	assert_int_equal(folio_strlist_push(&s->doc->meta.keywords, s->doc,
		"开发区", &err), 0);
	assert_int_equal(folio_strlist_push(&s->doc->meta.keywords, s->doc,
		"改革", &err), 0);
}

static void sample_free(sample *s)
{
	folio_doc_free(s->doc);
}

/* What layout would list: per face, the sorted distinct code points its
 * runs draw (the writer subsets exactly these). */
static folio_face_usage usage[8];
static uint32_t usage_cps[8][512];

static void usage_from_runs(folio_layout *l)
{
	size_t pi, ri, u, n_usage = 0;

	memset(usage, 0, sizeof(usage));
	for (pi = 0; pi < l->n_pages; pi++)
		for (ri = 0; ri < l->pages[pi].n_runs; ri++) {
			const folio_run *r = &l->pages[pi].runs[ri];
			const char *t = r->text;
			size_t len = strlen(t), off = 0;

			for (u = 0; u < n_usage && usage[u].face != r->face; u++)
				;
			if (u == n_usage) {
				assert_true(n_usage < 8);
				usage[n_usage].face = r->face;
				usage[n_usage++].cps = usage_cps[u];
			}
			while (off < len) {
				uint32_t cp, *c = usage_cps[u];
				size_t k = folio_utf8_decode(t + off, len - off,
					&cp), n = usage[u].n_cps, j;

				off += k ? k : 1;
				for (j = 0; j < n && c[j] < cp; j++)
					;
				if (j < n && c[j] == cp)
					continue;
				assert_true(n < 512);
				memmove(c + j + 1, c + j, (n - j) * sizeof(*c));
				c[j] = cp;
				usage[u].n_cps++;
			}
		}
	l->faces = usage;
	l->n_faces = n_usage;
}

static void write_sample(sample *s, const char *name, folio_pdf_stats *st)
{
	folio_pdf_options opts;
	folio_error err = {0};
	char path[128];

	memset(&opts, 0, sizeof(opts));
	opts.has_epoch = 1;
	opts.epoch = 1587945600; /* 2020-04-27 00:00:00 UTC */
	opts.stats = st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	usage_from_runs(&s->layout);
	if (folio_pdf_write(path, &s->layout, s->doc, &opts, &err) < 0)
		fail_msg("folio_pdf_write: %s", err.msg);
}

/* Every font embedded as a subset with a Unicode map, exactly the two
 * faces used, and the file far smaller than the font files. */
static void test_fonts_are_embedded_subsets(void **state)
{
	folio_pdf_stats st;
	folio_buf out = {0};
	struct stat sb;
	sample s;
	char *line;
	int fonts = 0, cff = 0;

	(void)state;
	sample_build(&s);
	memset(&st, 0, sizeof(st));
	write_sample(&s, "fonts.pdf", &st);
	assert_int_equal(run(&out, "pdffonts '%s/fonts.pdf' 2>&1", dir), 0);
	line = strtok(out.data, "\n");
	for (; line != NULL; line = strtok(NULL, "\n")) {
		if (strncmp(line, "name", 4) == 0 || line[0] == '-')
			continue;
		fonts++;
		/* name: six capitals and '+' mark a subset */
		assert_true(strlen(line) > 7 && line[6] == '+');
		/* TrueType faces as CIDFontType2, CFF ones as
		 * CIDFontType0 with a CIDFontType0C program */
		if (strstr(line, "CID Type 0C") != NULL)
			cff++;
		else
			assert_non_null(strstr(line, "CID TrueType"));
		assert_non_null(strstr(line, "yes yes yes"));
	}
	assert_int_equal(cff,
		(folio_face_outlines(song) == FOLIO_OUTLINES_CFF) +
		(folio_face_outlines(hei) == FOLIO_OUTLINES_CFF));
	assert_int_equal(fonts, 2);
	assert_int_equal(st.n_fonts, 2);
	assert_int_equal(stat(folio_face_path(song), &sb), 0);
	/* The Song file is megabytes; a true subset of ~40 glyphs is not. */
	assert_true(st.font_bytes < 60000);
	assert_true(st.bytes < 60000);
	assert_true((size_t)sb.st_size > 10 * st.bytes);
	folio_buf_free(&out);
	sample_free(&s);
}

/* Text extracts exactly (order, punctuation, positioned run). */
static void test_text_extracts(void **state)
{
	folio_buf out = {0};
	sample s;

	(void)state;
	sample_build(&s);
	write_sample(&s, "text.pdf", NULL);
	assert_int_equal(run(&out, "pdftotext '%s/text.pdf' - 2>&1 | "
		"tr -d ' \\n\\f'", dir), 0);
	assert_string_equal(out.data,
		"关于印发《开发区》的通知"
		"为进一步推动经济开发区改革创新发展，现将有关事项通知如下："
		"“开放”）。—1—"
		"一、总体要求坚持以人民为中心，深化“放管服”改革。—2—");
	assert_int_equal(run(&out, "qpdf --check '%s/text.pdf' >/dev/null "
		"2>&1", dir), 0);
	folio_buf_free(&out);
	sample_free(&s);
}

/* Document information in Chinese, dates from the epoch. */
static void test_document_info(void **state)
{
	folio_buf out = {0};
	sample s;

	(void)state;
	sample_build(&s);
	write_sample(&s, "info.pdf", NULL);
	assert_int_equal(run(&out, "TZ=UTC pdfinfo -isodates '%s/info.pdf'",
		dir), 0);
	assert_non_null(strstr(out.data, "Title:           "
		"关于印发《开发区》的通知\n"));
	assert_non_null(strstr(out.data, "Author:          营口市商务局\n"));
	assert_non_null(strstr(out.data, "Subject:         政策解读\n"));
	assert_non_null(strstr(out.data, "Keywords:        开发区; 改革\n"));
	assert_non_null(strstr(out.data, "Creator:         folio\n"));
	assert_non_null(strstr(out.data, "CreationDate:    "
		"2020-04-27T00:00:00Z"));
	assert_non_null(strstr(out.data, "ModDate:         "
		"2020-04-27T00:00:00Z"));
	assert_non_null(strstr(out.data, "Pages:           2\n"));
	folio_buf_free(&out);
	sample_free(&s);
}

/* Bookmarks in Chinese, nested by level; a skipped level hangs under the
 * nearest shallower entry. */
static void test_outline(void **state)
{
	folio_buf out = {0};
	sample s;

	(void)state;
	sample_build(&s);
	write_sample(&s, "outline.pdf", NULL);
	/* One line per bookmark: depth, title. */
	assert_int_equal(run(&out, "qpdf --json --json-key=outlines "
		"'%s/outline.pdf' | python3 -c '"
		"import json,sys\n"
		"def walk(os, d):\n"
		"  for o in os:\n"
		"    print(d, o[\"title\"], o[\"destpageposfrom1\"])\n"
		"    walk(o[\"kids\"], d + 1)\n"
		"walk(json.load(sys.stdin)[\"outlines\"], 1)'", dir), 0);
	assert_string_equal(out.data,
		"1 一、总体要求 2\n"
		"2 （一）指导思想 2\n"
		"3 （1）跳级条目 2\n"
		"1 二、主要任务 2\n");
	folio_buf_free(&out);
	sample_free(&s);
}

/* Same input, same bytes, even when the wall clock moves on. */
static void test_reproducible(void **state)
{
	folio_buf out = {0};
	sample s;

	(void)state;
	sample_build(&s);
	write_sample(&s, "a.pdf", NULL);
	sleep(1);
	write_sample(&s, "b.pdf", NULL);
	assert_int_equal(run(&out, "cmp '%s/a.pdf' '%s/b.pdf'", dir, dir), 0);
	folio_buf_free(&out);
	sample_free(&s);
}

/* A character the face lacks is an error naming it, not a blank. */
static void test_missing_glyph(void **state)
{
	folio_error err = {0};
	char path[128];
	sample s;
	int before = entries_in_dir();

	(void)state;
	sample_build(&s);
	s.runs2[1].text = "私用区\xee\x80\x80字符";   /* U+E000 */
	s.runs2[1].n_chars = folio_utf8_count(s.runs2[1].text);
	usage_from_runs(&s.layout);
	snprintf(path, sizeof(path), "%s/missing.pdf", dir);
	assert_int_equal(folio_pdf_write(path, &s.layout, s.doc, NULL, &err),
		FOLIO_EFONT);
	assert_non_null(strstr(err.msg, "U+E000"));
	assert_non_null(strstr(err.msg, "page 2"));
	assert_int_equal(entries_in_dir(), before);

	folio_error_clear(&err);
	s.runs2[1].text = "超出\xf0\xa0\x80\x80平面";   /* U+20000 */
	s.runs2[1].n_chars = folio_utf8_count(s.runs2[1].text);
	usage_from_runs(&s.layout);
	assert_int_equal(folio_pdf_write(path, &s.layout, s.doc, NULL, &err),
		FOLIO_EFONT);
	assert_non_null(strstr(err.msg, "U+20000"));
	assert_int_equal(entries_in_dir(), before);
	sample_free(&s);
}

/* Box mode: a reported substitution is drawn (as .notdef), keeps its
 * code point in the text, and a face used only for boxes still embeds. */
static void test_reported_substitution(void **state)
{
	folio_substitution sub = {0xE000, 3, 7, "仿宋"};
	folio_buf out = {0};
	folio_run box;
	sample s;

	(void)state;
	sample_build(&s);
	s.layout.substitutions = &sub;
	s.layout.n_substitutions = 1;
	s.runs2[1].text = "私用区\xee\x80\x80字符";
	s.runs2[1].n_chars = folio_utf8_count(s.runs2[1].text);
	/* a third face drawing nothing but the box */
	set_run(&box, first_face("楷体"), 16, 300, 500, "\xee\x80\x80",
		FOLIO_RUN_BODY);
	s.runs1[3] = box;
	write_sample(&s, "box.pdf", NULL);
	assert_int_equal(run(&out, "pdffonts '%s/box.pdf' 2>&1 | "
		"grep -c 'yes yes yes'", dir), 0);
	assert_string_equal(out.data, "3\n");
	assert_int_equal(run(&out, "pdftotext '%s/box.pdf' - 2>&1 | "
		"grep -c '私用区\xee\x80\x80字符'", dir), 0);
	assert_string_equal(out.data, "1\n");
	folio_buf_free(&out);
	sample_free(&s);
}

/* Every kind of outline a face can have, in one file: CID-keyed CFF
 * (Fandol Fang), name-keyed CFF (Fandol Braille, whose CIDs are glyph
 * ids) and TrueType (AR PL SungtiL). Poppler and MuPDF draw them without
 * a warning, and the text extracts exactly. */
static void test_cff_and_truetype_faces(void **state)
{
	folio_fontset *mix = NULL;
	const folio_face *chain[8];
	const char *fam[1];
	folio_error err = {0};
	folio_buf out = {0};
	char map[128];
	size_t n;
	sample s;
	FILE *fp;
	const folio_face *fang, *braille, *sung;

	(void)state;
	snprintf(map, sizeof(map), "%s/mix.xml", dir);
	fp = fopen(map, "w");
	assert_non_null(fp);
	fputs("<fonts xmlns=\"urn:folio:fonts:1\">\n"
		"<family name=\"f\"><file>FandolFang-Regular.otf</file>"
		"</family>\n<family name=\"b\"><file>"
		"FandolBraille-Regular.otf</file></family>\n"
		"<family name=\"s\"><file>gbsn00lp.ttf</file></family>\n"
		"</fonts>\n", fp);
	fclose(fp);
	assert_int_equal(folio_fontset_load(&mix, map, &err), 0);
	unlink(map);
	fam[0] = "f";
	assert_int_equal(folio_fontset_chain(chain, 8, &n, mix, fam, 1, &err),
		0);
	fang = chain[0];
	fam[0] = "b";
	assert_int_equal(folio_fontset_chain(chain, 8, &n, mix, fam, 1, &err),
		0);
	braille = chain[0];
	fam[0] = "s";
	assert_int_equal(folio_fontset_chain(chain, 8, &n, mix, fam, 1, &err),
		0);
	sung = chain[0];
	sample_build(&s);
	s.runs1[0].face = fang;
	s.runs1[1].face = fang;
	s.runs1[2].face = sung;
	set_run(&s.runs1[3], braille, 14, 480, 60, "\xe2\xa0\x81\xe2\xa0"
		"\x83\xe2\xa0\xbf", FOLIO_RUN_PAGE_NUMBER);
	s.runs2[0].face = sung;
	s.runs2[1].face = fang;
	s.runs2[2].face = fang;
	write_sample(&s, "mix.pdf", NULL);
	assert_int_equal(run(&out, "pdffonts '%s/mix.pdf' 2>&1 | sed -n "
		"'3,$s/^[A-Z]\\{6\\}+\\([^ ]*\\)  *\\(CID [^ ]*[ 0-9C]*\\)  *"
		"Custom  *\\(yes yes yes\\) .*/\\1 \\2 \\3/p' | tr -s ' ' | sort", dir),
		0);
	assert_string_equal(out.data,
		"BousungEG-Light-GB CID TrueType yes yes yes\n"
		"FandolBraille-Regular CID Type 0C yes yes yes\n"
		"FandolFang-Regular CID Type 0C yes yes yes\n");
	assert_int_equal(run(&out, "pdftotext -q '%s/mix.pdf' - | tr -d "
		"' \\n\\f'", dir), 0);
	assert_string_equal(out.data, "关于印发《开发区》的通知"
		"为进一步推动经济开发区改革创新发展，现将有关事项通知如下："
		"“开放”）。\xe2\xa0\x81\xe2\xa0\x83\xe2\xa0\xbf"
		"一、总体要求坚持以人民为中心，深化“放管服”改革。—2—");
	/* Any warning of either renderer (ICC aside: a property of this
	 * MuPDF build, printed for every file) fails the test. */
	assert_int_equal(run(&out, "pdftoppm -r 30 -png '%s/mix.pdf' "
		"'%s/mixr' 2>&1; mutool draw -q -r 30 -o '%s/mixm%%d.png' "
		"'%s/mix.pdf' 2>&1 | grep -v 'ICC support'", dir, dir, dir,
		dir), 256);
	assert_string_equal(out.data, "");
	assert_int_equal(run(&out, "qpdf --check '%s/mix.pdf' >/dev/null "
		"2>&1", dir), 0);
	folio_buf_free(&out);
	sample_free(&s);
	folio_fontset_free(mix);
}

/* libharu errors become FOLIO_ELIB with libharu's code; the poisoned
 * document is freed and no file (not even a temporary) remains. */
static void test_libharu_errors(void **state)
{
	folio_error err = {0};
	char path[128];
	sample s;
	int before = entries_in_dir();

	(void)state;
	sample_build(&s);
	snprintf(path, sizeof(path), "%s/haru.pdf", dir);

	s.runs1[1].size = 0;   /* font size 0: HPDF_PAGE_INVALID_FONT_SIZE */
	assert_int_equal(folio_pdf_write(path, &s.layout, s.doc, NULL, &err),
		FOLIO_ELIB);
	assert_non_null(strstr(err.msg, "0x1050"));
	assert_non_null(strstr(err.msg, "page 1"));
	assert_int_equal(entries_in_dir(), before);
	s.runs1[1].size = 16;

	folio_error_clear(&err);
	s.pages[1].width = 1;  /* below libharu's minimum page size */
	assert_int_equal(folio_pdf_write(path, &s.layout, s.doc, NULL, &err),
		FOLIO_ELIB);
	assert_non_null(strstr(err.msg, "libharu error 0x"));
	assert_non_null(strstr(err.msg, "page 2"));
	assert_int_equal(entries_in_dir(), before);
	s.pages[1].width = 595.28;

	folio_error_clear(&err);
	s.rules1[0].color.r = 2; /* colour outside 0..1 */
	assert_int_equal(folio_pdf_write(path, &s.layout, s.doc, NULL, &err),
		FOLIO_ELIB);
	assert_int_equal(entries_in_dir(), before);
	sample_free(&s);
}

static void test_bad_arguments(void **state)
{
	folio_layout empty;
	folio_error err = {0};
	char path[128];
	sample s;

	(void)state;
	memset(&empty, 0, sizeof(empty));
	snprintf(path, sizeof(path), "%s/empty.pdf", dir);
	assert_int_equal(folio_pdf_write(path, &empty, NULL, NULL, &err),
		FOLIO_EUSAGE);
	folio_error_clear(&err);

	sample_build(&s);
	/* An output folder that does not exist: I/O error, no crash. */
	assert_int_equal(folio_pdf_write("/nonexistent/dir/x.pdf",
		&s.layout, s.doc, NULL, &err), FOLIO_EIO);
	folio_error_clear(&err);

	s.outline[1].page = 7;  /* bookmark to a page that is not there */
	assert_int_equal(folio_pdf_write(path, &s.layout, s.doc, NULL, &err),
		FOLIO_EUSAGE);
	assert_int_equal(access(path, F_OK), -1);
	folio_error_clear(&err);
	s.outline[1].page = 1;

	s.runs1[2].n_chars = 4; /* positions disagree with the text */
	assert_int_equal(folio_pdf_write(path, &s.layout, s.doc, NULL, &err),
		FOLIO_EUSAGE);
	s.runs1[2].n_chars = 6;
	folio_error_clear(&err);

	/* A character the layout did not list for its face: the subset
	 * would lack it, so the writer refuses rather than draw a blank. */
	s.runs2[1].text = "坚持以人民为中心，鑫。";
	s.runs2[1].n_chars = folio_utf8_count(s.runs2[1].text);
	assert_int_equal(folio_pdf_write(path, &s.layout, s.doc, NULL, &err),
		FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "U+946B"));
	assert_int_equal(access(path, F_OK), -1);
	sample_free(&s);
}

static void test_options_from_environment(void **state)
{
	folio_pdf_options o;
	folio_error err = {0};

	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1587945600", 1);
	assert_int_equal(folio_pdf_options_init(&o, &err), 0);
	assert_int_equal(o.has_epoch, 1);
	assert_true(o.epoch == 1587945600LL);
	setenv("SOURCE_DATE_EPOCH", "12x", 1);
	assert_int_equal(folio_pdf_options_init(&o, &err), FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "12x"));
	unsetenv("SOURCE_DATE_EPOCH");
	folio_error_clear(&err);
	assert_int_equal(folio_pdf_options_init(&o, &err), 0);
	assert_int_equal(o.has_epoch, 0);
}

/* Occurrences of needle in hay[0..len). */
static size_t count_in(const char *hay, size_t len, const char *needle)
{
	size_t n = 0, k = strlen(needle), i;

	for (i = 0; i + k <= len; i++)
		if (memcmp(hay + i, needle, k) == 0)
			n++;
	return n;
}

/* The writer deflates every stream itself (libharu's own compression is
 * off): each stream says /FlateDecode once, and each decodes (qpdf
 * inflates them all for --check and for --qdf, whose text pdftotext
 * reads the same as the compressed file's). */
static void test_every_stream_deflated(void **state)
{
	folio_buf out = {0}, a = {0}, b = {0};
	char path[160];
	FILE *f;
	char *bytes;
	long len;
	sample s;

	(void)state;
	sample_build(&s);
	write_sample(&s, "deflated.pdf", NULL);
	snprintf(path, sizeof(path), "%s/deflated.pdf", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	bytes = malloc((size_t)len);
	assert_non_null(bytes);
	assert_int_equal(fread(bytes, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	/* pages, two fonts (Encoding, ToUnicode, program each) */
	assert_true(count_in(bytes, (size_t)len, "endstream") >= 7);
	assert_int_equal(count_in(bytes, (size_t)len, "endstream"),
		count_in(bytes, (size_t)len, "/FlateDecode"));
	free(bytes);
	assert_int_equal(run(&out, "qpdf --check '%s' 2>&1", path), 0);
	assert_non_null(strstr(out.data, "No syntax or stream encoding "
		"errors"));
	assert_int_equal(run(&out, "qpdf --qdf --object-streams=disable "
		"'%s' '%s/inflated.pdf' 2>&1", path, dir), 0);
	assert_int_equal(run(&a, "pdftotext '%s' -", path), 0);
	assert_int_equal(run(&b, "pdftotext '%s/inflated.pdf' -", dir), 0);
	assert_true(a.len > 0);
	assert_string_equal(a.data, b.data);
	folio_buf_free(&out);
	folio_buf_free(&a);
	folio_buf_free(&b);
	sample_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fonts_are_embedded_subsets),
		cmocka_unit_test(test_text_extracts),
		cmocka_unit_test(test_document_info),
		cmocka_unit_test(test_outline),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_missing_glyph),
		cmocka_unit_test(test_reported_substitution),
		cmocka_unit_test(test_cff_and_truetype_faces),
		cmocka_unit_test(test_libharu_errors),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_options_from_environment),
		cmocka_unit_test(test_every_stream_deflated),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
