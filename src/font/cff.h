/*
 * cff.h - just enough of CFF tables (Adobe TN 5176) to embed them in a
 * PDF (src/font only): whether a table is CID-keyed and the CID of every
 * glyph; and CID-keyed subsets written from a face's table and glyph
 * charstrings flattened by hb-subset.
 *
 * Tables are parsed as untrusted bytes all the same: every offset and
 * count is checked against the table's length, and a table that does not
 * parse is an error, never a guess.
 */
#ifndef FOLIO_FONT_CFF_H
#define FOLIO_FONT_CFF_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Read the CFF table cff[0..len). On success (0) *cid_keyed says whether
 * the Top DICT has a ROS operator, *n_glyphs is the CharStrings count and,
 * when CID-keyed, *out is a malloc'd array of n_glyphs CIDs indexed by
 * glyph id (NULL for a name-keyed font: its CIDs are glyph ids). Returns
 * -1 for a malformed table or out of memory (*out NULL). */
int folio_cff_read_cids(uint16_t **out, size_t *n_glyphs, int *cid_keyed,
	const unsigned char *cff, size_t len);

/* A CID-keyed CFF table read once for building subsets from flattened
 * charstrings. folio_cff_source_new keeps what it needs
 * (not the table) and returns -1 for a table it does not take: malformed, name-keyed (no
 * ROS), synthetic, ROS strings that are standard strings, more than 256
 * Font DICTs, or out of memory. */
typedef struct folio_cff_source folio_cff_source;

int folio_cff_source_new(folio_cff_source **out, const unsigned char *cff,
	size_t len);
void folio_cff_source_free(folio_cff_source *src);
size_t folio_cff_source_glyphs(const folio_cff_source *src);
/* The CID of glyph gid (0 past the end). */
unsigned folio_cff_source_cid(const folio_cff_source *src, unsigned gid);

/* Charstring gid of the CFF table cff[0..len) (a subset hb-subset
 * made): a pointer into cff; -1 when the table or the glyph is not
 * there. */
int folio_cff_charstring(const unsigned char **out, size_t *out_len,
	const unsigned char *cff, size_t len, unsigned gid);

/* Append to out a CID-keyed CFF table holding glyphs gids[0..n) of src
 * (ascending, gids[0] == 0 for .notdef), glyph i drawn by the
 * charstring cs[i] (cs_len[i] bytes, flattened: no subroutine calls),
 * with src's CIDs, names and Font and Private DICTs (Subrs left out).
 * Glyph ids are renumbered 0..n-1; CIDs stay. The bytes depend only on
 * src and the arguments. -1 for bad arguments or out of memory (out's
 * limit). */
int folio_cff_build(folio_buf *out, const folio_cff_source *src,
	const unsigned *gids, const unsigned char *const *cs,
	const size_t *cs_len, size_t n);

#endif
