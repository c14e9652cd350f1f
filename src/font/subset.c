/*
 * subset.c - true font subsets with hb-subset, for PDF and EPUB embedding.
 *
 * libharu's own embedding keeps every table of a 5-17 MB CJK font and only
 * blanks unused outlines; a HarfBuzz subset with renumbered glyphs and
 * only the tables libharu reads is several times smaller and faster to
 * write. Layout tables (GSUB, GPOS, GDEF, mort, ...), vertical metrics and
 * embedded bitmaps are dropped: folio sets text horizontally, glyph by
 * glyph, from the cmap.
 */
#include "font/font.h"
#include "font/face_impl.h"

#include <hb-subset.h>

#define MAX_SUBSET_CPS ((size_t)1 << 20)
#define MAX_TABLES 256

/* What libharu needs to embed a TrueType font ('post' and 'name'
 * included: it refuses a font without them). cvt/fpgm/prep are allowed
 * but HB_SUBSET_FLAGS_NO_HINTING removes them with the glyph programs;
 * give_hinting_placeholders puts tiny ones back (see there). */
static const hb_tag_t kept_tables[] = {
	HB_TAG('c', 'm', 'a', 'p'), HB_TAG('g', 'l', 'y', 'f'),
	HB_TAG('l', 'o', 'c', 'a'), HB_TAG('h', 'e', 'a', 'd'),
	HB_TAG('h', 'h', 'e', 'a'), HB_TAG('h', 'm', 't', 'x'),
	HB_TAG('m', 'a', 'x', 'p'), HB_TAG('p', 'o', 's', 't'),
	HB_TAG('n', 'a', 'm', 'e'), HB_TAG('O', 'S', '/', '2'),
	HB_TAG('c', 'v', 't', ' '), HB_TAG('f', 'p', 'g', 'm'),
	HB_TAG('p', 'r', 'e', 'p')
};

static int is_kept(hb_tag_t tag)
{
	size_t i;
	for (i = 0; i < sizeof(kept_tables) / sizeof(*kept_tables); i++)
		if (kept_tables[i] == tag)
			return 1;
	return 0;
}

/* Drop by listing every table of the source that is not kept, rather
 * than trusting hb-subset's defaults, which keep GSUB/GPOS/vmtx... */
static void drop_other_tables(hb_set_t *drop, hb_face_t *face)
{
	hb_tag_t tags[32];
	unsigned offset = 0, count;

	do {
		unsigned i;
		count = sizeof(tags) / sizeof(*tags);
		hb_face_get_table_tags(face, offset, &count, tags);
		for (i = 0; i < count; i++)
			if (!is_kept(tags[i]))
				hb_set_add(drop, tags[i]);
		offset += count;
	} while (count == sizeof(tags) / sizeof(*tags) && offset < MAX_TABLES);
}

/* libharu 2.3.0 copies the 13 tables it knows into a memory stream and
 * gives each one it does not find an empty stand-in placed at the
 * stream's current end; it then seeks to every table to checksum it. When
 * that end falls exactly on a 4096-byte block boundary of its stream the
 * seek finds no block and the save fails with HPDF_INVALID_OBJECT (seen
 * on about 1 document in 500). A subset without hinting lacks cvt, fpgm
 * and prep, so it carries three such stand-ins. Rebuilding the face with
 * one-instruction programs (SVTCA[y], which touches no stack and, with no
 * glyph programs left, affects nothing) and a one-entry cvt means libharu
 * never sees an empty table. */
static hb_face_t *give_hinting_placeholders(hb_face_t *sub)
{
	static const char one_instruction[] = {0x00};
	static const char one_cvt_entry[] = {0x00, 0x00};
	static const hb_tag_t hinting[] = {HB_TAG('c', 'v', 't', ' '),
		HB_TAG('f', 'p', 'g', 'm'), HB_TAG('p', 'r', 'e', 'p')};
	hb_face_t *builder = hb_face_builder_create();
	hb_tag_t tags[32];
	unsigned offset = 0, count, i;

	if (builder == NULL)
		return NULL;
	do {
		count = sizeof(tags) / sizeof(*tags);
		hb_face_get_table_tags(sub, offset, &count, tags);
		for (i = 0; i < count; i++) {
			hb_blob_t *t = hb_face_reference_table(sub, tags[i]);
			int ok = hb_face_builder_add_table(builder, tags[i], t);
			hb_blob_destroy(t);
			if (!ok)
				goto fail;
		}
		offset += count;
	} while (count == sizeof(tags) / sizeof(*tags) && offset < MAX_TABLES);
	for (i = 0; i < sizeof(hinting) / sizeof(*hinting); i++) {
		hb_blob_t *t = hb_face_reference_table(sub, hinting[i]);
		unsigned len = hb_blob_get_length(t);
		hb_blob_destroy(t);
		if (len > 0)
			continue;
		t = i == 0 ?
			hb_blob_create(one_cvt_entry, sizeof(one_cvt_entry),
				HB_MEMORY_MODE_READONLY, NULL, NULL) :
			hb_blob_create(one_instruction, sizeof(one_instruction),
				HB_MEMORY_MODE_READONLY, NULL, NULL);
		if (!hb_face_builder_add_table(builder, hinting[i], t)) {
			hb_blob_destroy(t);
			goto fail;
		}
		hb_blob_destroy(t);
	}
	return builder;
fail:
	hb_face_destroy(builder);
	return NULL;
}

int folio_face_subset(folio_buf *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	hb_subset_input_t *input = NULL;
	hb_face_t *sub = NULL, *parsed = NULL, *full = NULL;
	hb_blob_t *blob = NULL;
	const char *data;
	unsigned len = 0;
	size_t i;
	int rc = 0;

	if (n > MAX_SUBSET_CPS) {
		rc = folio_error_set(err, FOLIO_ELIMIT,
			"%s: subset of %zu characters, over the %zu limit",
			face->path, n, MAX_SUBSET_CPS);
		goto done;
	}
	input = hb_subset_input_create_or_fail();
	if (input == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		hb_set_add(hb_subset_input_unicode_set(input), cps[i]);
	drop_other_tables(hb_subset_input_set(input,
		HB_SUBSET_SETS_DROP_TABLE_TAG), face->hb);
	hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);
	if (!hb_set_allocation_successful(hb_subset_input_unicode_set(input))) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	sub = hb_subset_or_fail(face->hb, input);
	if (sub == NULL) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz could not subset the font", face->path);
		goto done;
	}
	/* Read the tables back from the serialised subset: the face
	 * hb-subset returns is a builder, which cannot list its tables. */
	blob = hb_face_reference_blob(sub);
	parsed = hb_face_create(blob, 0);
	hb_blob_destroy(blob);
	blob = NULL;
	full = give_hinting_placeholders(parsed);
	if (full == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	blob = hb_face_reference_blob(full);
	data = hb_blob_get_data(blob, &len);
	if (data == NULL || len == 0) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz produced an empty subset", face->path);
		goto done;
	}
	rc = folio_buf_append(out, data, len);
	if (rc < 0)
		rc = folio_error_set(err, rc, "%s: font subset of %u bytes "
			"does not fit the output buffer", face->path, len);
done:
	hb_blob_destroy(blob);
	hb_face_destroy(full);
	hb_face_destroy(parsed);
	hb_face_destroy(sub);
	hb_subset_input_destroy(input);
	return rc;
}
