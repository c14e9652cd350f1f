/*
 * cff.h - just enough of a CFF table (Adobe TN 5176) to embed it in a
 * PDF: whether it is CID-keyed and, if so, the CID of every glyph (src/font
 * only).
 *
 * The table comes from hb-subset, but it is parsed as untrusted bytes all
 * the same: every offset and count is checked against the table's length,
 * and a table that does not parse is an error, never a guess.
 */
#ifndef FOLIO_FONT_CFF_H
#define FOLIO_FONT_CFF_H

#include <stddef.h>
#include <stdint.h>

/* Read the CFF table cff[0..len). On success (0) *cid_keyed says whether
 * the Top DICT has a ROS operator, *n_glyphs is the CharStrings count and,
 * when CID-keyed, *out is a malloc'd array of n_glyphs CIDs indexed by
 * glyph id (NULL for a name-keyed font: its CIDs are glyph ids). Returns
 * -1 for a malformed table or out of memory (*out NULL). */
int folio_cff_read_cids(uint16_t **out, size_t *n_glyphs, int *cid_keyed,
	const unsigned char *cff, size_t len);

#endif
