/*
 * png_decode.h - PNG files to 8-bit rasters, through libpng (private to
 * src/pdf/; the only file that calls libpng).
 *
 * libharu 2.3.0's own PNG loader refuses interlaced files and draws
 * 16-bit ones garbled (half the rows, doubled). Every PNG is therefore
 * decoded here, whatever its type: 16-bit samples cut to 8, palettes and
 * low bit depths expanded, transparency (alpha channel or tRNS) split
 * into its own plane for a soft mask. The writer hands libharu plain
 * DeviceGray or DeviceRGB samples.
 */
#ifndef FOLIO_PDF_PNG_DECODE_H
#define FOLIO_PDF_PNG_DECODE_H

#include <stddef.h>

#include "util/error.h"

typedef struct pdf_raster {
	unsigned width, height;
	int channels;           /* 1 gray or 3 RGB */
	unsigned char *color;   /* width * height * channels */
	unsigned char *alpha;   /* width * height, or NULL when opaque */
} pdf_raster;

/* Decode data (len bytes); `what` names the file in messages.
 * FOLIO_EINPUT when libpng refuses the bytes, FOLIO_ELIMIT past
 * FOLIO_MAX_IMAGE_PIXELS, FOLIO_ENOMEM. */
int pdf_png_decode(pdf_raster *out, const unsigned char *data, size_t len,
	const char *what, folio_error *err);
void pdf_raster_free(pdf_raster *r);

#endif
