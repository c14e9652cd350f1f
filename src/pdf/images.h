/*
 * images.h - the layout's images into a libharu document (private to
 * src/pdf/).
 *
 * Each image file is read and embedded once per PDF, however often it
 * is drawn: PNG decoded by png_decode.c into 8-bit gray or RGB samples
 * (a transparent PNG gets a soft mask), JPEG passed through as a DCT
 * stream. The file is checked
 * again here (it is read after layout, which only had its header): its
 * format must still be the one the reader found.
 */
#ifndef FOLIO_PDF_IMAGES_H
#define FOLIO_PDF_IMAGES_H

#include <hpdf.h>

#include "layout/page.h"
#include "util/error.h"

typedef struct pdf_images pdf_images;

/* Draw im on page, loading its file into pdf on first use (*cache holds
 * the loaded ones; NULL at first). libharu errors are left to the
 * caller's check; read errors (FOLIO_EIO, FOLIO_ELIMIT, FOLIO_EINPUT
 * naming the figure's src) come back here. */
int pdf_image_draw(pdf_images **cache, HPDF_Doc pdf, HPDF_Page page,
	const folio_image *im, folio_error *err);
void pdf_images_free(pdf_images *cache);

#endif
