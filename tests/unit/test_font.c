/* Unit tests for src/font/: the shipped role map, chains, coverage,
 * metrics, subsets (re-read by HarfBuzz and by libharu), fsType refusal
 * and bad font maps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hb.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <hpdf.h>

#include "font/cff.h"
#include "font/font.h"
#include "util/paths.h"
#include "util/xml.h"

#define SONG_FILE "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
#define HEI_FILE "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define CHAIN_MAX 16

static folio_fontset *shipped;

/* "关于推进" + the ten digits. */
static const uint32_t seed_cps[] = {
	0x5173, 0x4E8E, 0x63A8, 0x8FDB,
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'
};
#define N_SEED (sizeof(seed_cps) / sizeof(*seed_cps))

static int load_shipped(void **state)
{
	folio_error err = {0};

	(void)state;
	folio_xml_init();
	if (folio_fontset_load(&shipped, NULL, &err) != 0) {
		fprintf(stderr, "loading fonts/fonts.xml: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int free_shipped(void **state)
{
	(void)state;
	folio_fontset_free(shipped);
	shipped = NULL;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int site_fangsong_present(void)
{
	static const char *const names[] = {
		"FangSong_GB2312.ttf", "FangSong.ttf", "simfang.ttf"
	};
	char path[512];
	folio_error err = {0};
	size_t i;

	if (folio_data_path(path, sizeof(path), "fonts/fonts.xml", &err) != 0)
		return 0;
	*strrchr(path, '/') = '\0';
	for (i = 0; i < 3; i++) {
		char p[600];
		snprintf(p, sizeof(p), "%s/%s", path, names[i]);
		if (access(p, R_OK) == 0)
			return 1;
	}
	return 0;
}

static void body_chain(const folio_face **chain, size_t *n)
{
	const char *fams[] = { "仿宋" };
	folio_error err = {0};

	assert_int_equal(folio_fontset_chain(chain, CHAIN_MAX, n, shipped,
		fams, 1, &err), 0);
}

static void chains_resolve_with_fallback(void **state)
{
	const folio_face *chain[CHAIN_MAX];
	const char *hei_song[] = { "黑体", "仿宋", "后备" };
	const char *unknown[] = { "仿宋", "行楷" };
	folio_error err = {0};
	size_t n, i, j;

	(void)state;
	body_chain(chain, &n);
	assert_true(n >= 2);
	if (!site_fangsong_present()) {
		/* No licensed FangSong here: the free Fandol Fang (CFF),
		 * then AR PL SungtiL GB, a Song, for what it lacks. */
		assert_true(ends_with(folio_face_path(chain[0]),
			"FandolFang-Regular.otf"));
		assert_string_equal(folio_face_name(chain[0]),
			"FandolFang-Regular");
		assert_int_equal(folio_face_outlines(chain[0]),
			FOLIO_OUTLINES_CFF);
		assert_true(ends_with(folio_face_path(chain[1]),
			"gbsn00lp.ttf"));
		assert_int_equal(folio_face_outlines(chain[1]),
			FOLIO_OUTLINES_TRUETYPE);
	}
	/* The fallback family ends the chain without being asked for. */
	assert_true(ends_with(folio_face_path(chain[n - 1]),
		"LXGWWenKai-Regular.ttf"));

	assert_int_equal(folio_fontset_chain(chain, CHAIN_MAX, &n, shipped,
		hei_song, 3, &err), 0);
	assert_true(ends_with(folio_face_path(chain[0]),
		"FandolHei-Regular.otf"));
	assert_true(ends_with(folio_face_path(chain[1]),
		"NotoSansCJK-Regular.ttc"));
	assert_int_equal(folio_face_index(chain[1]), 2);
	assert_string_equal(folio_face_name(chain[1]),
		"NotoSansCJKsc-Regular");
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_ptr_not_equal(chain[i], chain[j]);

	assert_int_equal(folio_fontset_chain(chain, CHAIN_MAX, &n, shipped,
		unknown, 2, &err), FOLIO_EFONT);
	assert_non_null(strstr(err.msg, "行楷"));
	assert_int_equal(n, 0);

	folio_error_clear(&err);
	assert_int_equal(folio_fontset_chain(chain, 1, &n, shipped,
		hei_song, 3, &err), FOLIO_ELIMIT);
}

static void coverage_and_pick(void **state)
{
	const folio_face *chain[CHAIN_MAX];
	const folio_face *f;
	size_t n;

	(void)state;
	assert_true(folio_fontset_covers(shipped, 0x4E00));
	assert_true(folio_fontset_covers(shipped, 0x2014));
	assert_false(folio_fontset_covers(shipped, 0x1F600));
	assert_false(folio_fontset_covers(shipped, 0xF0000));

	body_chain(chain, &n);
	/* Seed text, digits and the page-number dash all in the body chain. */
	for (size_t i = 0; i < N_SEED; i++)
		assert_non_null(folio_font_pick(chain, n, seed_cps[i]));
	assert_non_null(folio_font_pick(chain, n, 0x2014));
	assert_non_null(folio_font_pick(chain, n, 0x3001));
	/* U+3400 (Ext. A) is outside GB2312: the fallback family's Noto
	 * Serif CJK SC has it. */
	f = folio_font_pick(chain, n, 0x3400);
	assert_non_null(f);
	assert_true(ends_with(folio_face_path(f), "NotoSerifCJK-Regular.ttc"));
	assert_false(folio_face_has_glyph(chain[0], 0x3400));
	assert_null(folio_font_pick(chain, n, 0x1F600));
}

static void metrics_in_em(void **state)
{
	const folio_face *chain[CHAIN_MAX];
	size_t n;
	double adv;

	(void)state;
	body_chain(chain, &n);
	adv = folio_face_advance(folio_font_pick(chain, n, 0x5173), 0x5173);
	assert_true(adv > 0.99 && adv < 1.01);
	adv = folio_face_advance(folio_font_pick(chain, n, 0x3400), 0x3400);
	assert_true(adv > 0.99 && adv < 1.01);
	assert_true(folio_face_advance(chain[0], 0x1F600) == 0.0);
	if (!site_fangsong_present()) {
		adv = folio_face_advance(chain[0], '1');
		assert_true(adv > 0.49 && adv < 0.51);
	}
	assert_true(folio_face_ascender(chain[0]) > 0.5);
	assert_true(folio_face_ascender(chain[0]) < 1.5);
	assert_true(folio_face_descender(chain[0]) < 0.0);
	assert_true(folio_face_descender(chain[0]) > -0.5);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long file_size(const char *path)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL)
		return -1;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fclose(fp);
	return n;
}

static int table_allowed(hb_tag_t t)
{
	return t == HB_TAG('c', 'm', 'a', 'p')
		|| t == HB_TAG('g', 'l', 'y', 'f')
		|| t == HB_TAG('l', 'o', 'c', 'a')
		|| t == HB_TAG('h', 'e', 'a', 'd')
		|| t == HB_TAG('h', 'h', 'e', 'a')
		|| t == HB_TAG('h', 'm', 't', 'x')
		|| t == HB_TAG('m', 'a', 'x', 'p')
		|| t == HB_TAG('p', 'o', 's', 't')
		|| t == HB_TAG('n', 'a', 'm', 'e')
		|| t == HB_TAG('O', 'S', '/', '2')
		|| t == HB_TAG('C', 'F', 'F', ' ')
		|| t == HB_TAG('c', 'v', 't', ' ')
		|| t == HB_TAG('f', 'p', 'g', 'm')
		|| t == HB_TAG('p', 'r', 'e', 'p');
}

/* Write buf to a fresh temporary file; the caller unlinks it. */
static void write_temp(char *path, size_t pathsz, const folio_buf *b)
{
	FILE *fp;
	int fd;

	snprintf(path, pathsz, "/tmp/folio-subset-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(b->data, 1, b->len, fp), b->len);
	assert_int_equal(fclose(fp), 0);
}

static void libharu_loads(const char *path)
{
	HPDF_Doc pdf = HPDF_New(NULL, NULL);
	HPDF_Page page;
	HPDF_Font font;
	const char *name;

	assert_non_null(pdf);
	assert_int_equal(HPDF_UseUTFEncodings(pdf), HPDF_OK);
	name = HPDF_LoadTTFontFromFile(pdf, path, HPDF_TRUE);
	assert_non_null(name);
	font = HPDF_GetFont(pdf, name, "UTF-8");
	assert_non_null(font);
	page = HPDF_AddPage(pdf);
	assert_non_null(page);
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, font, 16);
	HPDF_Page_TextOut(page, 72, 720, "关于推进2024");
	HPDF_Page_EndText(page);
	assert_int_equal(HPDF_SaveToStream(pdf), HPDF_OK);
	assert_true(HPDF_GetStreamSize(pdf) > 1000);
	assert_int_equal(HPDF_GetError(pdf), HPDF_OK);
	HPDF_Free(pdf);
}

/* Subset face to the seed, then check it the way a PDF viewer would. */
static void check_subset(const folio_face *face, const char *label)
{
	folio_buf out = {0}, again = {0};
	folio_error err = {0};
	hb_blob_t *blob;
	hb_face_t *sub;
	hb_set_t *uni;
	hb_tag_t tags[64];
	unsigned ntags = 64, i;
	char name[128], tmp[64];
	unsigned name_len = sizeof(name);
	long src_size = file_size(folio_face_path(face));
	double t0, t1;

	t0 = now_ms();
	assert_int_equal(folio_face_subset(&out, face, seed_cps, N_SEED,
		&err), 0);
	t1 = now_ms();
	printf("# subset %s (%s): source %ld bytes, subset %zu bytes "
		"(%zu chars), %.1f ms\n", label, folio_face_name(face),
		src_size, out.len, N_SEED, t1 - t0);
	assert_true(out.len > 0);
	assert_true((long)out.len * 20 < src_size);

	/* Same input, same bytes: EPUBs and archives must be reproducible. */
	assert_int_equal(folio_face_subset(&again, face, seed_cps, N_SEED,
		&err), 0);
	assert_int_equal(again.len, out.len);
	assert_memory_equal(again.data, out.data, out.len);
	folio_buf_free(&again);

	blob = hb_blob_create(out.data, (unsigned)out.len,
		HB_MEMORY_MODE_READONLY, NULL, NULL);
	assert_int_equal(hb_face_count(blob), 1);
	sub = hb_face_create(blob, 0);
	assert_int_equal(hb_face_get_glyph_count(sub), N_SEED + 1);
	uni = hb_set_create();
	hb_face_collect_unicodes(sub, uni);
	assert_int_equal(hb_set_get_population(uni), N_SEED);
	for (i = 0; i < N_SEED; i++)
		assert_true(hb_set_has(uni, seed_cps[i]));
	hb_set_destroy(uni);

	hb_face_get_table_tags(sub, 0, &ntags, tags);
	assert_true(ntags >= 9);
	/* The outlines of the face's own kind, and only those. */
	{
		hb_blob_t *g = hb_face_reference_table(sub,
			folio_face_outlines(face) == FOLIO_OUTLINES_CFF ?
			HB_TAG('C', 'F', 'F', ' ') : HB_TAG('g', 'l', 'y', 'f'));
		assert_true(hb_blob_get_length(g) > 0);
		hb_blob_destroy(g);
	}
	for (i = 0; i < ntags; i++) {
		char t[5];
		hb_tag_to_string(tags[i], t);
		t[4] = '\0';
		if (!table_allowed(tags[i]))
			fail_msg("subset of %s kept table '%s'", label, t);
	}
	/* Dropped tables really are gone, not just unlisted. */
	{
		hb_blob_t *g = hb_face_reference_table(sub,
			HB_TAG('G', 'S', 'U', 'B'));
		assert_int_equal(hb_blob_get_length(g), 0);
		hb_blob_destroy(g);
		g = hb_face_reference_table(sub, HB_TAG('v', 'm', 't', 'x'));
		assert_int_equal(hb_blob_get_length(g), 0);
		hb_blob_destroy(g);
		g = hb_face_reference_table(sub, HB_TAG('p', 'o', 's', 't'));
		assert_true(hb_blob_get_length(g) >= 32);
		hb_blob_destroy(g);
	}
	assert_true(hb_ot_name_get_utf8(sub, HB_OT_NAME_ID_POSTSCRIPT_NAME,
		HB_LANGUAGE_INVALID, &name_len, name) > 0);
	assert_string_equal(name, folio_face_name(face));
	hb_face_destroy(sub);
	hb_blob_destroy(blob);

	if (folio_face_outlines(face) == FOLIO_OUTLINES_TRUETYPE) {
		write_temp(tmp, sizeof(tmp), &out);
		libharu_loads(tmp);
		unlink(tmp);
	}
	(void)tmp;
	folio_buf_free(&out);
}

static void subsets_are_small_and_valid(void **state)
{
	const folio_face *chain[CHAIN_MAX];
	const char *hei[] = { "黑体" };
	const char *kai[] = { "楷体" };
	folio_error err = {0};
	size_t n;

	(void)state;
	body_chain(chain, &n);
	check_subset(chain[0], "仿宋");
	/* Zen Hei is a .ttc with GSUB/GPOS/GDEF and vertical metrics. */
	assert_int_equal(folio_fontset_chain(chain, CHAIN_MAX, &n, shipped,
		hei, 1, &err), 0);
	check_subset(chain[0], "黑体");
	assert_int_equal(folio_fontset_chain(chain, CHAIN_MAX, &n, shipped,
		kai, 1, &err), 0);
	check_subset(chain[0], "楷体");
}

/* The CID each code point is drawn with, read independently: from the
 * original font's cmap and CFF charset (CID-keyed), or its glyph id in
 * the subset (TrueType, name-keyed CFF). */
static void check_program(const char *path, const uint32_t *cps, size_t n,
	int want_cff, int want_cid_keyed)
{
	folio_fontset *fs = NULL;
	const folio_face *chain[CHAIN_MAX];
	const char *fam[] = { "t" };
	folio_font_program prog;
	folio_error err = {0};
	char xml[512], map[64];
	FILE *fp;
	size_t nc, i, j;

	snprintf(map, sizeof(map), "/tmp/folio-test-program.%d.xml",
		(int)getpid());
	snprintf(xml, sizeof(xml), "<fonts xmlns=\"urn:folio:fonts:1\">"
		"<family name=\"t\"><file>%s</file></family></fonts>\n", path);
	fp = fopen(map, "w");
	assert_non_null(fp);
	fputs(xml, fp);
	fclose(fp);
	assert_int_equal(folio_fontset_load(&fs, map, &err), 0);
	unlink(map);
	assert_int_equal(folio_fontset_chain(chain, CHAIN_MAX, &nc, fs, fam, 1,
		&err), 0);
	assert_int_equal(folio_face_pdf_program(&prog, chain[0], cps, n, &err),
		0);
	assert_int_equal(prog.outlines, want_cff ? FOLIO_OUTLINES_CFF :
		FOLIO_OUTLINES_TRUETYPE);
	assert_int_equal(prog.cid_keyed, want_cid_keyed);
	assert_int_equal(prog.n, n);
	/* A bare CFF table starts with its header (major version 1); a
	 * TrueType file with its sfnt version. */
	assert_true(prog.program.len > 100);
	if (want_cff)
		assert_int_equal((unsigned char)prog.program.data[0], 1);
	else
		assert_memory_equal(prog.program.data, "\0\1\0\0", 4);
	if (want_cid_keyed) {
		hb_blob_t *file = hb_blob_create_from_file(path);
		hb_face_t *face = hb_face_create(file, 0);
		hb_font_t *font = hb_font_create(face);
		hb_blob_t *cff = hb_face_reference_table(face,
			HB_TAG('C', 'F', 'F', ' '));
		unsigned len = 0;
		const char *d = hb_blob_get_data(cff, &len);
		uint16_t *cid_of = NULL;
		size_t ng = 0;
		int keyed = 0;

		assert_int_equal(folio_cff_read_cids(&cid_of, &ng, &keyed,
			(const unsigned char *)d, len), 0);
		assert_true(keyed);
		for (i = 0; i < n; i++) {
			hb_codepoint_t g = 0;
			assert_true(hb_font_get_nominal_glyph(font, cps[i], &g));
			assert_true(g < ng);
			assert_int_equal(prog.cids[i], cid_of[g]);
		}
		free(cid_of);
		hb_blob_destroy(cff);
		hb_font_destroy(font);
		hb_face_destroy(face);
		hb_blob_destroy(file);
	}
	for (i = 0; i < n; i++) {
		assert_true(prog.cids[i] > 0);
		assert_int_equal(prog.widths[i], (int)(1000 *
			folio_face_advance(chain[0], cps[i]) + 0.5));
		for (j = 0; j < i; j++)
			assert_int_not_equal(prog.cids[i], prog.cids[j]);
	}
	/* Not in the face: .notdef, one em (as layout boxes it). */
	folio_font_program_free(&prog);
	{
		uint32_t pua = 0xE000;
		assert_int_equal(folio_face_pdf_program(&prog, chain[0], &pua,
			1, &err), 0);
		assert_int_equal(prog.cids[0], 0);
		assert_int_equal(prog.widths[0], 1000);
	}
	folio_font_program_free(&prog);
	folio_font_program_free(&prog);  /* zeroed: a no-op */
	folio_fontset_free(fs);
}

static void pdf_programs_draw_with_the_right_cids(void **state)
{
	static const uint32_t braille[] = { 0x2801, 0x2803, 0x283F };

	(void)state;
	check_program("/usr/local/share/fonts/folio/FandolFang-Regular.otf",
		seed_cps, N_SEED, 1, 1);
	check_program("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
		seed_cps, 4, 1, 1);
	check_program("/usr/local/share/fonts/folio/FandolBraille-Regular.otf",
		braille, 3, 1, 0);
	check_program(SONG_FILE, seed_cps, N_SEED, 0, 0);
}

/* Malformed CFF tables are refused, never read past their end. */
static void cff_reader_refuses_bad_tables(void **state)
{
	static const unsigned char hdr_only[] = { 1, 0, 4, 1 };
	static const unsigned char bad_index[] = { 1, 0, 4, 1, 0, 1, 4,
		0, 0, 0, 1, 0xFF, 0xFF, 0xFF };
	uint16_t *cids = (uint16_t *)1;
	size_t n = 7;
	int keyed = 7;

	(void)state;
	assert_int_equal(folio_cff_read_cids(&cids, &n, &keyed, hdr_only,
		sizeof(hdr_only)), -1);
	assert_null(cids);
	assert_int_equal(folio_cff_read_cids(&cids, &n, &keyed, bad_index,
		sizeof(bad_index)), -1);
	assert_int_equal(folio_cff_read_cids(&cids, &n, &keyed, bad_index, 0),
		-1);
}

/* A fontset of one file (FandolFang unless told). */
static folio_fontset *one_face_set(const char *path, const folio_face **face)
{
	folio_fontset *fs = NULL;
	const folio_face *chain[CHAIN_MAX];
	const char *fam[] = { "t" };
	folio_error err = {0};
	char map[64];
	size_t nc;
	FILE *fp;

	snprintf(map, sizeof(map), "/tmp/folio-test-one.%d.xml", (int)getpid());
	fp = fopen(map, "w");
	assert_non_null(fp);
	fprintf(fp, "<fonts xmlns=\"urn:folio:fonts:1\"><family name=\"t\">"
		"<file>%s</file></family></fonts>\n", path);
	fclose(fp);
	assert_int_equal(folio_fontset_load(&fs, map, &err), 0);
	unlink(map);
	assert_int_equal(folio_fontset_chain(chain, CHAIN_MAX, &nc, fs, fam, 1,
		&err), 0);
	*face = chain[0];
	return fs;
}

#define FANG_FILE "/usr/local/share/fonts/folio/FandolFang-Regular.otf"

/* hb-subset's own CFF table for cps (no hints, subroutines inlined):
 * the charstrings folio's assembled subsets must carry unchanged. */
static hb_blob_t *hb_cff_subset(const char *path, const uint32_t *cps,
	size_t n)
{
	hb_blob_t *file = hb_blob_create_from_file(path), *cff;
	hb_face_t *face = hb_face_create(file, 0), *sub;
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	size_t i;

	for (i = 0; i < n; i++)
		hb_set_add(hb_subset_input_unicode_set(in), cps[i]);
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING |
		HB_SUBSET_FLAGS_DESUBROUTINIZE);
	sub = hb_subset_or_fail(face, in);
	assert_non_null(sub);
	cff = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
	hb_face_destroy(sub);
	hb_subset_input_destroy(in);
	hb_face_destroy(face);
	hb_blob_destroy(file);
	return cff;
}

/* CID-keyed CFF subsets are assembled from charstrings flattened once
 * per face: the table reads back with the CIDs the program says, holds
 * hb-subset's charstrings glyph for glyph, and the same set gives the
 * same bytes before and after other sets filled the cache. */
static void cff_subsets_from_cached_glyphs(void **state)
{
	static const uint32_t more[] = { 0x6587, 0x4EF6, 0x529E, 0x516C,
		0x5BA4, 0x7B2C, 0x4E00, 0x6761 };
	const folio_face *face, *face2;
	folio_fontset *fs = one_face_set(FANG_FILE, &face), *fs2;
	folio_font_program p1, p2, p3;
	folio_error err = {0};
	uint32_t all[N_SEED + 8];
	uint16_t *cid_of = NULL;
	size_t ng = 0, i, g, n_all = 0;
	int keyed = 0;
	hb_blob_t *ref;
	const char *rd;
	unsigned rlen = 0;

	(void)state;
	/* First of all a set the face draws nothing of: .notdef alone. */
	{
		uint32_t pua = 0xE000;
		assert_int_equal(folio_face_pdf_program(&p1, face, &pua, 1,
			&err), 0);
		assert_int_equal(p1.cids[0], 0);
		assert_int_equal(folio_cff_read_cids(&cid_of, &ng, &keyed,
			(const unsigned char *)p1.program.data,
			p1.program.len), 0);
		assert_int_equal(ng, 1);
		free(cid_of);
		cid_of = NULL;
		folio_font_program_free(&p1);
	}
	assert_int_equal(folio_face_pdf_program(&p1, face, seed_cps, N_SEED,
		&err), 0);
	for (i = 0; i < N_SEED; i++)
		all[n_all++] = seed_cps[i];
	for (i = 0; i < 8; i++)
		all[n_all++] = more[i];
	assert_int_equal(folio_face_pdf_program(&p2, face, all, n_all, &err),
		0);
	folio_font_program_free(&p2);
	/* Again, now from the cache. */
	assert_int_equal(folio_face_pdf_program(&p2, face, seed_cps, N_SEED,
		&err), 0);
	assert_int_equal(p2.program.len, p1.program.len);
	assert_memory_equal(p2.program.data, p1.program.data,
		p1.program.len);
	/* A fresh face that saw the bigger set first. */
	fs2 = one_face_set(FANG_FILE, &face2);
	assert_int_equal(folio_face_pdf_program(&p3, face2, all, n_all, &err),
		0);
	folio_font_program_free(&p3);
	assert_int_equal(folio_face_pdf_program(&p3, face2, seed_cps, N_SEED,
		&err), 0);
	assert_int_equal(p3.program.len, p1.program.len);
	assert_memory_equal(p3.program.data, p1.program.data,
		p1.program.len);

	/* Read back: CID-keyed, one glyph per distinct character and
	 * .notdef, each program CID present. */
	assert_int_equal(folio_cff_read_cids(&cid_of, &ng, &keyed,
		(const unsigned char *)p1.program.data, p1.program.len), 0);
	assert_true(keyed);
	ref = hb_cff_subset(FANG_FILE, seed_cps, N_SEED);
	rd = hb_blob_get_data(ref, &rlen);
	{
		uint16_t *ref_cid = NULL;
		size_t rng = 0;
		int rk = 0;
		assert_int_equal(folio_cff_read_cids(&ref_cid, &rng, &rk,
			(const unsigned char *)rd, rlen), 0);
		assert_int_equal(ng, rng);
		for (g = 0; g < ng; g++) {
			const unsigned char *a, *b;
			size_t al, bl;
			assert_int_equal(cid_of[g], ref_cid[g]);
			assert_int_equal(folio_cff_charstring(&a, &al,
				(const unsigned char *)p1.program.data,
				p1.program.len, (unsigned)g), 0);
			assert_int_equal(folio_cff_charstring(&b, &bl,
				(const unsigned char *)rd, rlen, (unsigned)g),
				0);
			assert_int_equal(al, bl);
			assert_memory_equal(a, b, al);
		}
		free(ref_cid);
	}
	for (i = 0; i < N_SEED; i++) {
		int found = 0;
		for (g = 1; g < ng; g++)
			found |= cid_of[g] == p1.cids[i];
		assert_true(found);
	}
	hb_blob_destroy(ref);
	free(cid_of);
	folio_font_program_free(&p1);
	folio_font_program_free(&p2);
	folio_font_program_free(&p3);
	folio_fontset_free(fs);
	folio_fontset_free(fs2);
}

/* Tables the subset builder does not take are refused, not guessed:
 * malformed ones, and name-keyed CFF (FandolBraille: no ROS). */
static void cff_builder_refuses_other_tables(void **state)
{
	static const unsigned char hdr_only[] = { 1, 0, 4, 1 };
	static const unsigned char bad_index[] = { 1, 0, 4, 1, 0, 1, 4,
		0, 0, 0, 1, 0xFF, 0xFF, 0xFF };
	folio_cff_source *src = (folio_cff_source *)1;
	hb_blob_t *file = hb_blob_create_from_file(
		"/usr/local/share/fonts/folio/FandolBraille-Regular.otf");
	hb_face_t *face = hb_face_create(file, 0);
	hb_blob_t *cff = hb_face_reference_table(face,
		HB_TAG('C', 'F', 'F', ' '));
	unsigned len = 0;
	const char *d = hb_blob_get_data(cff, &len);

	(void)state;
	assert_int_equal(folio_cff_source_new(&src, hdr_only,
		sizeof(hdr_only)), -1);
	assert_null(src);
	assert_int_equal(folio_cff_source_new(&src, bad_index,
		sizeof(bad_index)), -1);
	assert_true(len > 100);
	assert_int_equal(folio_cff_source_new(&src,
		(const unsigned char *)d, len), -1);
	/* Every cut of a real CID-keyed table is refused or read within
	 * its bytes (ASan watches the sanitize build). */
	{
		hb_blob_t *ff = hb_blob_create_from_file(FANG_FILE);
		hb_face_t *fface = hb_face_create(ff, 0);
		hb_blob_t *fc = hb_face_reference_table(fface,
			HB_TAG('C', 'F', 'F', ' '));
		unsigned flen = 0, cut;
		const unsigned char *fd =
			(const unsigned char *)hb_blob_get_data(fc, &flen);
		assert_int_equal(folio_cff_source_new(&src, fd, flen), 0);
		assert_true(folio_cff_source_glyphs(src) > 1000);
		folio_cff_source_free(src);
		for (cut = 0; cut < 4096; cut += 7) {
			unsigned char *copy = malloc(cut ? cut : 1);
			memcpy(copy, fd, cut);
			if (folio_cff_source_new(&src, copy, cut) == 0)
				folio_cff_source_free(src);
			free(copy);
		}
		hb_blob_destroy(fc);
		hb_face_destroy(fface);
		hb_blob_destroy(ff);
	}
	hb_blob_destroy(cff);
	hb_face_destroy(face);
	hb_blob_destroy(file);
}

struct subset_job {
	const folio_face *face;
	folio_buf out;
	int rc;
};

static void *subset_worker(void *arg)
{
	struct subset_job *job = arg;
	folio_error err = {0};
	job->rc = folio_face_subset(&job->out, job->face, seed_cps, N_SEED,
		&err);
	return NULL;
}

/* Batch workers share one fontset: concurrent subsets of one face must
 * all succeed and agree. */
static void subsets_from_threads_agree(void **state)
{
	const folio_face *chain[CHAIN_MAX];
	struct subset_job jobs[4];
	pthread_t tid[4];
	size_t n, i;

	(void)state;
	body_chain(chain, &n);
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 4; i++) {
		jobs[i].face = chain[0];
		assert_int_equal(pthread_create(&tid[i], NULL, subset_worker,
			&jobs[i]), 0);
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_join(tid[i], NULL), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(jobs[i].rc, 0);
		assert_int_equal(jobs[i].out.len, jobs[0].out.len);
		assert_memory_equal(jobs[i].out.data, jobs[0].out.data,
			jobs[0].out.len);
	}
	for (i = 0; i < 4; i++)
		folio_buf_free(&jobs[i].out);
}

static void describe_lists_faces(void **state)
{
	folio_buf b = {0};
	folio_error err = {0};

	(void)state;
	assert_int_equal(folio_fontset_describe(&b, shipped, &err), 0);
	assert_non_null(b.data);
	assert_non_null(strstr(b.data, "gbsn00lp.ttf#0 "));
	assert_non_null(strstr(b.data, "wqy-zenhei.ttc#0 "));
	/* The family mapping is part of it: fonts.xml edits invalidate. */
	assert_non_null(strstr(b.data, "family 黑体: "));
	assert_non_null(strstr(b.data, "\nfallback 后备\n"));
	folio_buf_free(&b);
}

/* A temporary folder holding a fonts.xml (and fonts) of a test's own. */
struct tmpmap {
	char dir[64];
	char xml[128];
	char font[128];
};

static void tmpmap_write(struct tmpmap *t, const char *xml_text)
{
	FILE *fp;

	snprintf(t->dir, sizeof(t->dir), "/tmp/folio-fonts-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->xml, sizeof(t->xml), "%s/fonts.xml", t->dir);
	t->font[0] = '\0';
	fp = fopen(t->xml, "wb");
	assert_non_null(fp);
	fputs(xml_text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void tmpmap_remove(struct tmpmap *t)
{
	unlink(t->xml);
	if (t->font[0])
		unlink(t->font);
	rmdir(t->dir);
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16
		| (uint32_t)p[2] << 8 | p[3];
}

/* Copy the Song font beside the map with OS/2 fsType set to fs_type:
 * find 'OS/2' in the table directory, patch bytes 8-9, nothing else
 * (HarfBuzz does not verify checksums). */
static void write_patched_font(struct tmpmap *t, unsigned fs_type)
{
	char *data;
	size_t len, i, ntables;
	long size = file_size(SONG_FILE);
	FILE *fp = fopen(SONG_FILE, "rb");
	int patched = 0;

	assert_non_null(fp);
	if (size <= 12 || size > 64L * 1024 * 1024) {
		fclose(fp);
		fail_msg("%s: unexpected size %ld", SONG_FILE, size);
		return;
	}
	len = (size_t)size;
	data = malloc(len);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, len, fp), len);
	fclose(fp);
	ntables = (size_t)((unsigned char)data[4] << 8
		| (unsigned char)data[5]);
	for (i = 0; i < ntables && 12 + 16 * (i + 1) <= len; i++) {
		const unsigned char *rec = (unsigned char *)data + 12 + 16 * i;
		if (memcmp(rec, "OS/2", 4) == 0) {
			size_t off = rd32(rec + 8);
			assert_true(off + 10 <= len);
			data[off + 8] = (char)(fs_type >> 8);
			data[off + 9] = (char)(fs_type & 0xFF);
			patched = 1;
		}
	}
	assert_true(patched);
	snprintf(t->font, sizeof(t->font), "%s/restricted-song.ttf", t->dir);
	fp = fopen(t->font, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(data);
}

static void fstype_forbidding_embedding_is_refused(void **state)
{
	static const unsigned bad[] = { 0x0002, 0x0200, 0x0100 };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		struct tmpmap t;
		folio_fontset *fs = NULL;
		folio_error err = {0};
		char hex[16];

		tmpmap_write(&t, "<fonts xmlns=\"urn:folio:fonts:1\">\n"
			"<family name=\"仿宋\"><file>restricted-song.ttf</file>"
			"</family>\n</fonts>\n");
		write_patched_font(&t, bad[i]);
		assert_int_equal(folio_fontset_load(&fs, t.xml, &err),
			FOLIO_EFONT);
		assert_null(fs);
		assert_non_null(strstr(err.msg, "restricted-song.ttf"));
		snprintf(hex, sizeof(hex), "0x%04x", bad[i]);
		assert_non_null(strstr(err.msg, hex));
		tmpmap_remove(&t);
	}
	/* Control: the same copy with fsType 0x0004 (print & preview, as
	 * shipped) loads, so the refusal above is about fsType alone. */
	{
		struct tmpmap t;
		folio_fontset *fs = NULL;
		folio_error err = {0};

		tmpmap_write(&t, "<fonts xmlns=\"urn:folio:fonts:1\">\n"
			"<family name=\"仿宋\"><file>restricted-song.ttf</file>"
			"</family>\n</fonts>\n");
		write_patched_font(&t, 0x0004);
		assert_int_equal(folio_fontset_load(&fs, t.xml, &err), 0);
		folio_fontset_free(fs);
		tmpmap_remove(&t);
	}
}

static void family_without_files_fails_when_asked(void **state)
{
	struct tmpmap t;
	folio_fontset *fs = NULL;
	folio_error err = {0};
	const folio_face *chain[CHAIN_MAX];
	const char *song[] = { "宋体" };
	const char *fang[] = { "仿宋" };
	size_t n;

	(void)state;
	tmpmap_write(&t, "<fonts xmlns=\"urn:folio:fonts:1\">\n"
		"<family name=\"仿宋\">\n"
		"  <file>no-such-font-1.ttf</file>\n"
		"  <file>no-such-font-2.ttc#1</file>\n"
		"</family>\n"
		"<family name=\"宋体\"><file>" SONG_FILE "</file></family>\n"
		"</fonts>\n");
	assert_int_equal(folio_fontset_load(&fs, t.xml, &err), 0);
	assert_int_equal(folio_fontset_chain(chain, CHAIN_MAX, &n, fs, song,
		1, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(folio_fontset_chain(chain, CHAIN_MAX, &n, fs, fang,
		1, &err), FOLIO_EFONT);
	assert_non_null(strstr(err.msg, "仿宋"));
	assert_non_null(strstr(err.msg, "no-such-font-1.ttf"));
	assert_non_null(strstr(err.msg, "no-such-font-2.ttc#1"));
	assert_non_null(strstr(err.msg, t.xml));
	folio_fontset_free(fs);
	tmpmap_remove(&t);
}

/* "path:LINE:COL: ..." with both numbers present. */
static void assert_located(const char *msg, const char *path, int line)
{
	char prefix[256];

	snprintf(prefix, sizeof(prefix), "%s:%d:", path, line);
	if (strncmp(msg, prefix, strlen(prefix)) != 0)
		fail_msg("expected \"%s<col>:\" in \"%s\"", prefix, msg);
	msg += strlen(prefix);
	if (*msg < '0' || *msg > '9')
		fail_msg("expected a column after \"%s\"", prefix);
}

static void bad_maps_are_located(void **state)
{
	static const struct {
		const char *xml;
		int line;
		int code;
	} cases[] = {
		/* not well-formed: </family> missing */
		{ "<fonts xmlns=\"urn:folio:fonts:1\">\n<family name=\"a\">\n"
		  "<file>x.ttf</file>\n</fonts>\n", 4, FOLIO_EINPUT },
		/* schema: bad face index */
		{ "<fonts xmlns=\"urn:folio:fonts:1\">\n<family name=\"a\">\n"
		  "<file>x.ttc#one</file></family>\n</fonts>\n", 3,
		  FOLIO_EINPUT },
		/* schema: unknown element */
		{ "<fonts xmlns=\"urn:folio:fonts:1\">\n\n<font name=\"a\"/>\n"
		  "</fonts>\n", 3, FOLIO_EINPUT },
		/* fallback names no family */
		{ "<fonts xmlns=\"urn:folio:fonts:1\" fallback=\"b\">\n"
		  "<family name=\"a\"><file>x.ttf</file></family>\n"
		  "</fonts>\n", 1, FOLIO_EINPUT },
		/* the same family twice */
		{ "<fonts xmlns=\"urn:folio:fonts:1\">\n"
		  "<family name=\"a\"><file>x.ttf</file></family>\n"
		  "<family name=\"a\"><file>y.ttf</file></family>\n"
		  "</fonts>\n", 3, FOLIO_EINPUT },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct tmpmap t;
		folio_fontset *fs = NULL;
		folio_error err = {0};

		tmpmap_write(&t, cases[i].xml);
		assert_int_equal(folio_fontset_load(&fs, t.xml, &err),
			cases[i].code);
		assert_null(fs);
		assert_located(err.msg, t.xml, cases[i].line);
		tmpmap_remove(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chains_resolve_with_fallback),
		cmocka_unit_test(coverage_and_pick),
		cmocka_unit_test(metrics_in_em),
		cmocka_unit_test(subsets_are_small_and_valid),
		cmocka_unit_test(subsets_from_threads_agree),
		cmocka_unit_test(pdf_programs_draw_with_the_right_cids),
		cmocka_unit_test(cff_reader_refuses_bad_tables),
		cmocka_unit_test(cff_subsets_from_cached_glyphs),
		cmocka_unit_test(cff_builder_refuses_other_tables),
		cmocka_unit_test(describe_lists_faces),
		cmocka_unit_test(fstype_forbidding_embedding_is_refused),
		cmocka_unit_test(family_without_files_fails_when_asked),
		cmocka_unit_test(bad_maps_are_located),
	};
	return cmocka_run_group_tests(tests, load_shipped, free_shipped);
}
