/* png_decode.c - the libpng adapter (see png_decode.h). */
#include "pdf/png_decode.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "model/doc.h"

typedef struct source {
	const unsigned char *data;
	size_t len, at;
	char message[200];      /* libpng's first complaint */
} source;

static void read_bytes(png_structp png, png_bytep out, png_size_t n)
{
	source *s = png_get_io_ptr(png);

	if (n > s->len - s->at)
		png_error(png, "file ends early");
	memcpy(out, s->data + s->at, n);
	s->at += n;
}

/* libpng reports through a callback that must not return: note the
 * text and jump back to the decoder. */
static void on_error(png_structp png, png_const_charp msg)
{
	source *s = png_get_error_ptr(png);

	if (s->message[0] == '\0')
		snprintf(s->message, sizeof(s->message), "%s", msg);
	png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;  /* a warning changes nothing drawn */
}

int pdf_png_decode(pdf_raster *out, const unsigned char *data, size_t len,
	const char *what, folio_error *err)
{
	source src;
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *volatile rows = NULL;
	png_bytep *volatile ptrs = NULL;
	/* volatile: read after a longjmp back into this function */
	volatile int rc = 0;
	size_t stride, i, n;
	unsigned w, h;
	int ch, color;

	memset(out, 0, sizeof(*out));
	memset(&src, 0, sizeof(src));
	src.data = data;
	src.len = len;
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, on_error,
		on_warning);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	if (setjmp(png_jmpbuf(png))) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s: expected a PNG "
			"image, libpng found: %s", what, src.message[0] ?
			src.message : "an error");
		goto done;
	}
	png_set_read_fn(png, &src, read_bytes);
	png_read_info(png, info);
	w = png_get_image_width(png, info);
	h = png_get_image_height(png, info);
	if (w == 0 || h == 0 || w > FOLIO_MAX_IMAGE_SIDE ||
	    h > FOLIO_MAX_IMAGE_SIDE ||
	    (uint64_t)w * h > FOLIO_MAX_IMAGE_PIXELS) {
		rc = folio_error_set(err, FOLIO_ELIMIT, "%s: %u x %u pixels "
			"(limit %d a side, %d in all)", what, w, h,
			FOLIO_MAX_IMAGE_SIDE, FOLIO_MAX_IMAGE_PIXELS);
		goto done;
	}
	png_set_strip_16(png);
	png_set_packing(png);
	png_set_expand(png);      /* palette -> RGB, gray < 8, tRNS -> alpha */
	(void)png_set_interlace_handling(png);
	png_read_update_info(png, info);
	ch = png_get_channels(png, info);
	color = png_get_color_type(png, info);
	stride = png_get_rowbytes(png, info);
	if (ch < 1 || ch > 4 || stride != (size_t)w * (size_t)ch) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s: a PNG layout "
			"folio cannot draw (%d channels)", what, ch);
		goto done;
	}
	rows = malloc(stride * h);
	ptrs = malloc(h * sizeof(*ptrs));
	if (rows == NULL || ptrs == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < h; i++)
		ptrs[i] = rows + i * stride;
	png_read_image(png, ptrs);
	n = (size_t)w * h;
	out->width = w;
	out->height = h;
	out->channels = (color & PNG_COLOR_MASK_COLOR) ? 3 : 1;
	if (!(color & PNG_COLOR_MASK_ALPHA)) {
		out->color = rows;
		rows = NULL;
		goto done;
	}
	out->color = malloc(n * (size_t)out->channels);
	out->alpha = malloc(n);
	if (out->color == NULL || out->alpha == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		memcpy(out->color + i * (size_t)out->channels,
			rows + i * (size_t)ch, (size_t)out->channels);
		out->alpha[i] = rows[i * (size_t)ch + (size_t)ch - 1];
	}
done:
	png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
	free(rows);
	free(ptrs);
	if (rc < 0)
		pdf_raster_free(out);
	return rc;
}

void pdf_raster_free(pdf_raster *r)
{
	free(r->color);
	free(r->alpha);
	memset(r, 0, sizeof(*r));
}
