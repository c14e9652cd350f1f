/*
 * subset.c - true font subsets with hb-subset, for PDF and EPUB embedding.
 *
 * A CJK font is 5-17 MB; a subset with renumbered glyphs and only the
 * tables an embedding reads is a few kilobytes per hundred characters.
 * Layout tables (GSUB, GPOS, GDEF, mort, ...), vertical metrics and
 * embedded bitmaps are dropped: folio sets text horizontally, glyph by
 * glyph, from the cmap. TrueType and CFF faces go through the same
 * subsetter; only the outline tables kept differ.
 */
#include "font/font.h"
#include "font/face_impl.h"
#include "font/cff.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>

#define MAX_SUBSET_CPS ((size_t)1 << 20)
/* Sets this small are kept per face and given again when they recur:
 * the page-number face's digits repeat in nearly every document of a
 * batch (190 of 200), and each subset of a CJK face costs the plan's
 * fixed part whatever its size. */
#define CACHE_MAX_CPS 16
#define CACHE_MAX_ENTRIES 64
#define MAX_TABLES 256

static const hb_tag_t common_tables[] = {
	HB_TAG('c', 'm', 'a', 'p'), HB_TAG('h', 'e', 'a', 'd'),
	HB_TAG('h', 'h', 'e', 'a'), HB_TAG('h', 'm', 't', 'x'),
	HB_TAG('m', 'a', 'x', 'p'), HB_TAG('p', 'o', 's', 't'),
	HB_TAG('n', 'a', 'm', 'e'), HB_TAG('O', 'S', '/', '2')
};

/* What a subset is for: a whole OpenType file (EPUB, and TrueType in a
 * PDF), or the bare CFF table a PDF embeds as FontFile3. */
typedef enum subset_kind {
	SUBSET_FILE,
	SUBSET_CFF_TABLE
} subset_kind;

static int is_kept(hb_tag_t tag, folio_outlines outlines, subset_kind kind)
{
	size_t i;

	/* The PDF reads nothing but the charstrings, charset and FDSelect:
	 * the other tables were 5-10 % of each subset's instructions. */
	if (kind == SUBSET_CFF_TABLE)
		return tag == HB_TAG('C', 'F', 'F', ' ');
	for (i = 0; i < sizeof(common_tables) / sizeof(*common_tables); i++)
		if (common_tables[i] == tag)
			return 1;
	if (outlines == FOLIO_OUTLINES_CFF)
		return tag == HB_TAG('C', 'F', 'F', ' ');
	return tag == HB_TAG('g', 'l', 'y', 'f') ||
		tag == HB_TAG('l', 'o', 'c', 'a');
}

/* Drop by listing every table of the source that is not kept, rather
 * than trusting hb-subset's defaults, which keep GSUB/GPOS/vmtx... */
static void drop_other_tables(hb_set_t *drop, const folio_face *face,
	subset_kind kind)
{
	hb_tag_t tags[32];
	unsigned offset = 0, count;

	do {
		unsigned i;
		count = sizeof(tags) / sizeof(*tags);
		hb_face_get_table_tags(face->hb, offset, &count, tags);
		for (i = 0; i < count; i++)
			if (!is_kept(tags[i], face->outlines, kind))
				hb_set_add(drop, tags[i]);
		offset += count;
	} while (count == sizeof(tags) / sizeof(*tags) && offset < MAX_TABLES);
}

/* The subsetter's input for cps[0..n) of face. */
static int subset_input(hb_subset_input_t **out, const folio_face *face,
	const uint32_t *cps, size_t n, subset_kind kind, folio_error *err)
{
	hb_subset_input_t *input;
	size_t i;

	*out = NULL;
	if (n > MAX_SUBSET_CPS)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: subset of %zu characters, over the %zu limit",
			face->path, n, MAX_SUBSET_CPS);
	input = hb_subset_input_create_or_fail();
	if (input == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		hb_set_add(hb_subset_input_unicode_set(input), cps[i]);
	drop_other_tables(hb_subset_input_set(input,
		HB_SUBSET_SETS_DROP_TABLE_TAG), face, kind);
	/* Without hints HarfBuzz flattens CFF charstrings anyway (the
	 * output is byte for byte the same); saying so skips its closure
	 * over the font's subroutines: FandolFang's subset for the seed
	 * went from 35 to 17-25 ms and from ~230 to ~100 page faults. */
	hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING |
		(face->outlines == FOLIO_OUTLINES_CFF ?
		HB_SUBSET_FLAGS_DESUBROUTINIZE : 0));
	if (!hb_set_allocation_successful(hb_subset_input_unicode_set(input))) {
		hb_subset_input_destroy(input);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	*out = input;
	return 0;
}

/* The subset through a plan, whose glyph maps say which glyph draws
 * each code point (the caller destroys both, also on failure). */
static int run_plan(hb_subset_plan_t **plan, hb_face_t **sub,
	const folio_face *face, hb_subset_input_t *input, folio_error *err)
{
	*plan = hb_subset_plan_create_or_fail(face->hb, input);
	*sub = *plan ? hb_subset_plan_execute_or_fail(*plan) : NULL;
	if (*sub == NULL)
		return folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz could not subset the font", face->path);
	return 0;
}

/* The subset as a face of its own (the caller destroys it). */
static int make_subset(hb_face_t **out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	hb_subset_input_t *input = NULL;
	hb_face_t *sub = NULL;
	hb_blob_t *blob;
	int rc;

	*out = NULL;
	if ((rc = subset_input(&input, face, cps, n, SUBSET_FILE, err)) < 0)
		goto done;
	sub = hb_subset_or_fail(face->hb, input);
	if (sub == NULL) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz could not subset the font", face->path);
		goto done;
	}
	/* Parse the serialised subset back: the face hb-subset returns is a
	 * builder, whose tables cannot be listed or looked up by cmap. */
	blob = hb_face_reference_blob(sub);
	*out = hb_face_create(blob, 0);
	hb_blob_destroy(blob);
	if (hb_face_get_glyph_count(*out) == 0) {
		hb_face_destroy(*out);
		*out = NULL;
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz produced an empty subset", face->path);
	}
done:
	hb_face_destroy(sub);
	hb_subset_input_destroy(input);
	return rc;
}

int folio_face_subset(folio_buf *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	hb_face_t *sub;
	hb_blob_t *blob;
	const char *data;
	unsigned len = 0;
	int rc;

	if ((rc = make_subset(&sub, face, cps, n, err)) < 0)
		return rc;
	blob = hb_face_reference_blob(sub);
	data = hb_blob_get_data(blob, &len);
	rc = folio_buf_append(out, data, len);
	if (rc < 0)
		rc = folio_error_set(err, rc, "%s: font subset of %u bytes "
			"does not fit the output buffer", face->path, len);
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	return rc;
}

static int s16(const unsigned char *p)
{
	return (int16_t)(uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/* Font units to 1/1000 em, rounded. */
static int thousandths(double v, unsigned upem)
{
	return (int)lround(v * 1000.0 / upem);
}

/* FontDescriptor values from head (bbox), hhea (ascent, descent), OS/2
 * (cap height) and post (italic angle, fixed pitch) of the original
 * face: the subset's tables are copies. */
static void descriptor_metrics(folio_font_program *p, const folio_face *f)
{
	hb_blob_t *b;
	const unsigned char *d;
	unsigned len = 0;

	b = hb_face_reference_table(f->hb, HB_TAG('h', 'e', 'a', 'd'));
	d = (const unsigned char *)hb_blob_get_data(b, &len);
	if (len >= 44) {
		p->bbox[0] = thousandths(s16(d + 36), f->upem);
		p->bbox[1] = thousandths(s16(d + 38), f->upem);
		p->bbox[2] = thousandths(s16(d + 40), f->upem);
		p->bbox[3] = thousandths(s16(d + 42), f->upem);
	}
	hb_blob_destroy(b);
	p->ascent = (int)lround(f->ascender * 1000);
	p->descent = (int)lround(f->descender * 1000);
	p->cap_height = p->ascent;
	b = hb_face_reference_table(f->hb, HB_TAG('O', 'S', '/', '2'));
	d = (const unsigned char *)hb_blob_get_data(b, &len);
	if (len >= 90 && (d[0] << 8 | d[1]) >= 2 && s16(d + 88) > 0)
		p->cap_height = thousandths(s16(d + 88), f->upem);
	hb_blob_destroy(b);
	b = hb_face_reference_table(f->hb, HB_TAG('p', 'o', 's', 't'));
	d = (const unsigned char *)hb_blob_get_data(b, &len);
	if (len >= 16) {
		int32_t fixed = (int32_t)((uint32_t)d[4] << 24 |
			(uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7]);
		p->italic_angle = fixed / 65536.0;
		p->fixed_pitch = (d[12] | d[13] | d[14] | d[15]) != 0;
	}
	hb_blob_destroy(b);
}

/* The widths of cps[0..n) and the descriptor's values. */
static void program_metrics(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n)
{
	size_t i;

	/* A character the face lacks draws .notdef one em wide, as layout
	 * placed it (missing-glyph mode "box"). */
	for (i = 0; i < n; i++)
		out->widths[i] = folio_face_has_glyph(face, cps[i]) ?
			(int)lround(folio_face_advance(face, cps[i]) * 1000.0) :
			1000;
	descriptor_metrics(out, face);
}

/* The new glyph id of cp in the plan's subset, 0 (.notdef) if the face
 * lacks it. */
static hb_codepoint_t new_glyph(const hb_subset_plan_t *plan, uint32_t cp)
{
	hb_codepoint_t old = hb_map_get(
		hb_subset_plan_unicode_to_old_glyph_mapping(plan), cp), g;

	if (old == HB_MAP_VALUE_INVALID)
		return 0;
	g = hb_map_get(hb_subset_plan_old_to_new_glyph_mapping(plan), old);
	return g == HB_MAP_VALUE_INVALID ? 0 : g;
}

typedef struct cached_program {
	uint32_t cps[CACHE_MAX_CPS];
	size_t n;
	folio_font_program prog;
} cached_program;

/* Flattened charstrings kept per CID-keyed CFF face, for the life of
 * the process (a batch worker pool shares them): at most this many bytes
 * over all faces. Past it glyphs are still flattened, per document, and
 * only not kept; the subset's bytes are the same either way. */
#define GLYPH_CACHE_MAX_BYTES ((size_t)64 * 1024 * 1024)
static atomic_size_t glyph_cache_bytes;

struct subset_cache {
	pthread_mutex_t lock;
	cached_program entries[CACHE_MAX_ENTRIES];
	size_t n;
	/* CFF faces (cff.c): 0 not looked at yet, 1 src ready, -1
	 * not taken (name-keyed ...: hb-subset makes the whole subset). */
	int cff_state;
	folio_cff_source *src;
	uint32_t *cs_off;      /* per glyph id: offset in cs */
	uint32_t *cs_len;      /* per glyph id: 0 until flattened */
	folio_buf cs;
};

struct subset_cache *folio_subset_cache_new(void)
{
	struct subset_cache *c = calloc(1, sizeof(*c));

	if (c != NULL && pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		c = NULL;
	}
	return c;
}

void folio_subset_cache_free(struct subset_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		folio_font_program_free(&c->entries[i].prog);
	if (c->cs.cap)
		atomic_fetch_sub(&glyph_cache_bytes, c->cs.cap);
	folio_cff_source_free(c->src);
	free(c->cs_off);
	free(c->cs_len);
	folio_buf_free(&c->cs);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* A deep copy of src into out (zeroed first). */
static int program_copy(folio_font_program *out, const folio_font_program *src)
{
	size_t n = src->n ? src->n : 1;

	*out = *src;
	memset(&out->program, 0, sizeof(out->program));
	out->program.limit = src->program.limit;
	out->cids = malloc(n * sizeof(*out->cids));
	out->widths = malloc(n * sizeof(*out->widths));
	if (out->cids == NULL || out->widths == NULL ||
	    folio_buf_append(&out->program, src->program.data,
		src->program.len) < 0) {
		folio_font_program_free(out);
		return FOLIO_ENOMEM;
	}
	memcpy(out->cids, src->cids, src->n * sizeof(*out->cids));
	memcpy(out->widths, src->widths, src->n * sizeof(*out->widths));
	return 0;
}

/* 1 and a copy in out when the face made this set before; 0 if not;
 * FOLIO_ENOMEM. */
static int cache_take(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n)
{
	struct subset_cache *c = face->subsets;
	size_t i;
	int rc = 0;

	if (c == NULL || n > CACHE_MAX_CPS)
		return 0;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->n && rc == 0; i++)
		if (c->entries[i].n == n && memcmp(c->entries[i].cps, cps,
			n * sizeof(*cps)) == 0)
			rc = program_copy(out, &c->entries[i].prog) < 0 ?
				FOLIO_ENOMEM : 1;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* Keep a copy of prog for cps when there is room (best effort: a full
 * cache or no memory only means the next one is made again). */
static void cache_keep(const folio_face *face, const uint32_t *cps,
	size_t n, const folio_font_program *prog)
{
	struct subset_cache *c = face->subsets;
	size_t i;

	if (c == NULL || n > CACHE_MAX_CPS)
		return;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->n; i++)
		if (c->entries[i].n == n && memcmp(c->entries[i].cps, cps,
			n * sizeof(*cps)) == 0)
			break;  /* another worker made it meanwhile */
	if (i == c->n && c->n < CACHE_MAX_ENTRIES &&
	    program_copy(&c->entries[c->n].prog, prog) == 0) {
		if (n)
			memcpy(c->entries[c->n].cps, cps, n * sizeof(*cps));
		c->entries[c->n].n = n;
		c->n++;
	}
	pthread_mutex_unlock(&c->lock);
}

static int make_pdf_program(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err);
static int make_cff_program(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err);

int folio_face_pdf_program(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (n > MAX_SUBSET_CPS)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: subset of %zu characters, over the %zu limit",
			face->path, n, MAX_SUBSET_CPS);
	rc = cache_take(out, face, cps, n);
	if (rc == 1)
		return 0;
	if (rc < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	rc = face->outlines == FOLIO_OUTLINES_CFF ?
		make_cff_program(out, face, cps, n, err) : 1;
	if (rc == 1)
		rc = make_pdf_program(out, face, cps, n, err);
	if (rc == 0)
		cache_keep(face, cps, n, out);
	return rc;
}

static int make_pdf_program(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	int cff = face->outlines == FOLIO_OUTLINES_CFF;
	hb_subset_input_t *input = NULL;
	hb_subset_plan_t *plan = NULL;
	hb_face_t *sub = NULL;
	hb_blob_t *blob = NULL;
	uint16_t *cid_of = NULL;
	size_t n_glyphs = 0, i;
	const char *data;
	unsigned len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->outlines = face->outlines;
	if ((rc = subset_input(&input, face, cps, n, cff ? SUBSET_CFF_TABLE :
		SUBSET_FILE, err)) < 0)
		goto done;
	/* Through a plan, whose glyph maps say which glyph draws each code
	 * point: no need to parse the subset back and look in its cmap. */
	if ((rc = run_plan(&plan, &sub, face, input, err)) < 0)
		goto done;
	out->cids = calloc(n ? n : 1, sizeof(*out->cids));
	out->widths = calloc(n ? n : 1, sizeof(*out->widths));
	if (out->cids == NULL || out->widths == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	out->n = n;
	/* The builder face hb-subset returns gives a table by its tag, and
	 * the whole file serialised as its blob. */
	blob = cff ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' ')) :
		hb_face_reference_blob(sub);
	data = hb_blob_get_data(blob, &len);
	if (data == NULL || len == 0) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz produced an empty subset", face->path);
		goto done;
	}
	if (cff && folio_cff_read_cids(&cid_of, &n_glyphs, &out->cid_keyed,
		(const unsigned char *)data, len) < 0) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: the CFF table of its subset cannot be read "
			"back (%u bytes)", face->path, len);
		goto done;
	}
	if ((rc = folio_buf_append(&out->program, data, len)) < 0) {
		rc = folio_error_set(err, rc, "%s: font subset of %u bytes "
			"does not fit the output buffer", face->path, len);
		goto done;
	}
	for (i = 0; i < n; i++) {
		hb_codepoint_t g = new_glyph(plan, cps[i]);

		if (cid_of != NULL)
			out->cids[i] = g < n_glyphs ? cid_of[g] : 0;
		else
			out->cids[i] = (uint16_t)g;
	}
	program_metrics(out, face, cps, n);
done:
	free(cid_of);
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_plan_destroy(plan);
	hb_subset_input_destroy(input);
	if (rc < 0)
		folio_font_program_free(out);
	return rc;
}

void folio_font_program_free(folio_font_program *p)
{
	if (p == NULL)
		return;
	folio_buf_free(&p->program);
	free(p->cids);
	free(p->widths);
	memset(p, 0, sizeof(*p));
}

/* ---- CID-keyed CFF subsets from flattened charstrings ------------ */

/* The face's CFF source, read on first use; NULL when not taken. Called
 * with the cache locked. */
static folio_cff_source *cff_source(const folio_face *face)
{
	struct subset_cache *c = face->subsets;
	hb_blob_t *b;
	const char *data;
	unsigned len = 0;
	size_t n;

	if (c->cff_state != 0)
		return c->cff_state > 0 ? c->src : NULL;
	c->cff_state = -1;
	b = hb_face_reference_table(face->hb, HB_TAG('C', 'F', 'F', ' '));
	data = hb_blob_get_data(b, &len);
	if (data != NULL && len > 0 && folio_cff_source_new(&c->src,
		(const unsigned char *)data, len) == 0) {
		n = folio_cff_source_glyphs(c->src);
		c->cs_off = calloc(n, sizeof(*c->cs_off));
		c->cs_len = calloc(n, sizeof(*c->cs_len));
		c->cs.limit = UINT32_MAX;
		if (c->cs_off != NULL && c->cs_len != NULL) {
			c->cff_state = 1;
		} else {
			free(c->cs_off);
			free(c->cs_len);
			c->cs_off = c->cs_len = NULL;
			folio_cff_source_free(c->src);
			c->src = NULL;
		}
	}
	hb_blob_destroy(b);
	return c->cff_state > 0 ? c->src : NULL;
}

static int by_gid(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* The flattened charstrings of glyphs gids[miss[k]], k < n_miss, from
 * one hb-subset of those glyphs, appended to local at off/len[miss[k]].
 * The subsetter is given the code points drawn by those glyphs (cp_at,
 * parallel to gids; .notdef it keeps anyway): given glyph ids, its plan
 * walks the whole cmap for their code points, 7 M instructions a call
 * for a CJK face. */
static int flatten(folio_buf *local, size_t *off, size_t *len,
	const folio_face *face, const unsigned *gids, const uint32_t *cp_at,
	const size_t *miss, size_t n_miss, folio_error *err)
{
	hb_subset_input_t *input;
	hb_subset_plan_t *plan = NULL;
	hb_face_t *sub = NULL;
	hb_blob_t *blob = NULL;
	const hb_map_t *old_to_new;
	const char *data;
	unsigned blen = 0;
	size_t k;
	int rc = 0;

	input = hb_subset_input_create_or_fail();
	if (input == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (k = 0; k < n_miss; k++)
		if (gids[miss[k]] != 0)
			hb_set_add(hb_subset_input_unicode_set(input),
				cp_at[miss[k]]);
	drop_other_tables(hb_subset_input_set(input,
		HB_SUBSET_SETS_DROP_TABLE_TAG), face, SUBSET_CFF_TABLE);
	hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING |
		HB_SUBSET_FLAGS_DESUBROUTINIZE);
	if (!hb_set_allocation_successful(hb_subset_input_unicode_set(input))) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = run_plan(&plan, &sub, face, input, err)) < 0)
		goto done;
	blob = hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
	data = hb_blob_get_data(blob, &blen);
	old_to_new = hb_subset_plan_old_to_new_glyph_mapping(plan);
	for (k = 0; k < n_miss && rc == 0; k++) {
		const unsigned char *cs;
		size_t cs_len;
		hb_codepoint_t g = hb_map_get(old_to_new, gids[miss[k]]);

		if (g == HB_MAP_VALUE_INVALID || data == NULL ||
		    folio_cff_charstring(&cs, &cs_len,
			(const unsigned char *)data, blen, g) < 0) {
			rc = folio_error_set(err, FOLIO_ELIB, "%s: glyph %u "
				"is missing from HarfBuzz's subset", face->path,
				gids[miss[k]]);
			break;
		}
		off[miss[k]] = local->len;
		len[miss[k]] = cs_len;
		if (folio_buf_append(local, cs, cs_len) < 0)
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
	}
done:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_plan_destroy(plan);
	hb_subset_input_destroy(input);
	return rc;
}

/* Keep the charstrings just flattened while the cap allows (called with
 * the cache locked). */
static void keep_charstrings(struct subset_cache *c, const folio_buf *local,
	const size_t *off, const size_t *len, const unsigned *gids,
	const size_t *miss, size_t n_miss)
{
	size_t k;

	for (k = 0; k < n_miss; k++) {
		unsigned g = gids[miss[k]];
		size_t cap0 = c->cs.cap, l = len[miss[k]];

		if (c->cs_len[g] != 0)
			continue;   /* another worker kept it meanwhile */
		if (c->cs.len + l > c->cs.cap && atomic_load(&glyph_cache_bytes)
			+ 2 * (c->cs.len + l) > GLYPH_CACHE_MAX_BYTES)
			return;
		if (folio_buf_append(&c->cs, local->data + off[miss[k]], l) < 0)
			return;
		atomic_fetch_add(&glyph_cache_bytes, c->cs.cap - cap0);
		c->cs_off[g] = (uint32_t)(c->cs.len - l);
		c->cs_len[g] = (uint32_t)l;
	}
}

/* 1 when the face is not a CID-keyed CFF this writer takes (the caller
 * goes through hb-subset for the whole subset), else as
 * folio_face_pdf_program. */
static int make_cff_program(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	struct subset_cache *c = face->subsets;
	folio_cff_source *src;
	folio_buf local = {0};
	unsigned *gids = NULL, *glyph = NULL;
	uint32_t *cp_at = NULL;
	const unsigned char **cs = NULL;
	size_t *off = NULL, *len = NULL, *miss = NULL, n_gids = 0, n_miss = 0;
	size_t i;
	int rc = 0;

	if (c == NULL)
		return 1;
	pthread_mutex_lock(&c->lock);
	src = cff_source(face);
	pthread_mutex_unlock(&c->lock);
	if (src == NULL)
		return 1;
	memset(out, 0, sizeof(*out));
	out->outlines = face->outlines;
	out->cid_keyed = 1;
	gids = malloc((n + 1) * sizeof(*gids));
	glyph = malloc((n ? n : 1) * sizeof(*glyph));
	off = malloc((n + 1) * sizeof(*off));
	len = malloc((n + 1) * sizeof(*len));
	miss = malloc((n + 1) * sizeof(*miss));
	cp_at = calloc(n + 1, sizeof(*cp_at));
	cs = malloc((n + 1) * sizeof(*cs));
	out->cids = calloc(n ? n : 1, sizeof(*out->cids));
	out->widths = calloc(n ? n : 1, sizeof(*out->widths));
	local.limit = UINT32_MAX;
	if (gids == NULL || glyph == NULL || off == NULL || len == NULL ||
	    miss == NULL || cp_at == NULL || cs == NULL || out->cids == NULL ||
	    out->widths == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	/* The glyphs: .notdef, then each code point's, ascending. */
	gids[n_gids++] = 0;
	for (i = 0; i < n; i++) {
		hb_codepoint_t g = 0;
		if (!hb_font_get_nominal_glyph(face->font, cps[i], &g) ||
		    g >= folio_cff_source_glyphs(src))
			g = 0;
		glyph[i] = g;
		if (g != 0)
			gids[n_gids++] = g;
	}
	qsort(gids, n_gids, sizeof(*gids), by_gid);
	{
		size_t w = 1;
		for (i = 1; i < n_gids; i++)
			if (gids[i] != gids[w - 1])
				gids[w++] = gids[i];
		n_gids = w;
	}
	for (i = 0; i < n; i++) {
		unsigned *at = bsearch(&glyph[i], gids, n_gids, sizeof(*gids),
			by_gid);
		if (at != NULL)
			cp_at[at - gids] = cps[i];
	}
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < n_gids && rc == 0; i++) {
		unsigned g = gids[i];
		if (c->cs_len[g] == 0) {
			miss[n_miss++] = i;
			continue;
		}
		off[i] = local.len;
		len[i] = c->cs_len[g];
		if (folio_buf_append(&local, c->cs.data + c->cs_off[g],
			len[i]) < 0)
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
	}
	pthread_mutex_unlock(&c->lock);
	if (rc < 0)
		goto done;
	if (n_miss > 0) {
		if ((rc = flatten(&local, off, len, face, gids, cp_at, miss,
			n_miss, err)) < 0)
			goto done;
		pthread_mutex_lock(&c->lock);
		keep_charstrings(c, &local, off, len, gids, miss, n_miss);
		pthread_mutex_unlock(&c->lock);
	}
	for (i = 0; i < n_gids; i++)
		cs[i] = (const unsigned char *)local.data + off[i];
	if (folio_cff_build(&out->program, src, gids, cs, len, n_gids) < 0) {
		rc = folio_error_set(err, FOLIO_ELIMIT, "%s: CFF subset of %zu "
			"glyphs does not fit the output buffer", face->path,
			n_gids);
		goto done;
	}
	out->n = n;
	for (i = 0; i < n; i++)
		out->cids[i] = (uint16_t)folio_cff_source_cid(src, glyph[i]);
	program_metrics(out, face, cps, n);
done:
	free(gids);
	free(glyph);
	free(off);
	free(len);
	free(miss);
	free(cp_at);
	free(cs);
	folio_buf_free(&local);
	if (rc < 0)
		folio_font_program_free(out);
	return rc;
}
