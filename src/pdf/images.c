/* images.c - images into the PDF (see images.h). */
#include "pdf/images.h"

#include <stdlib.h>
#include <string.h>

#include "model/doc.h"
#include "pdf/png_decode.h"
#include "util/file.h"

#define MAX_IMAGES 4096  /* distinct files in one PDF */

typedef struct loaded {
	const char *path;       /* the model's (lives with the document) */
	HPDF_Image image;
} loaded;

struct pdf_images {
	loaded *items;
	size_t n;
};

static int load(HPDF_Image *out, HPDF_Doc pdf, const folio_figure *f,
	folio_error *err)
{
	folio_image_format format;
	pdf_raster r;
	unsigned w, h;
	char *data = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = folio_file_read(&data, &len, f->path, FOLIO_MAX_IMAGE_BYTES,
		err)) < 0)
		return rc;
	if ((rc = folio_image_probe(&format, &w, &h,
		(const unsigned char *)data, len, f->src, err)) < 0)
		goto done;
	if (format != f->format) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s: expected a %s "
			"image (as read with the source), found a %s one: the "
			"file changed", f->src, f->format == FOLIO_IMAGE_PNG ?
			"PNG" : "JPEG", format == FOLIO_IMAGE_PNG ? "PNG" :
			"JPEG");
		goto done;
	}
	/* libharu copies what it needs into the document's streams. */
	if (format == FOLIO_IMAGE_JPEG) {
		*out = HPDF_LoadJpegImageFromMem(pdf, (const HPDF_BYTE *)data,
			(HPDF_UINT)len);
		goto done;
	}
	if ((rc = pdf_png_decode(&r, (const unsigned char *)data, len, f->src,
		err)) < 0)
		goto done;
	*out = HPDF_LoadRawImageFromMem(pdf, r.color, r.width, r.height,
		r.channels == 3 ? HPDF_CS_DEVICE_RGB : HPDF_CS_DEVICE_GRAY, 8);
	if (*out != NULL && r.alpha != NULL) {
		HPDF_Image mask = HPDF_LoadRawImageFromMem(pdf, r.alpha,
			r.width, r.height, HPDF_CS_DEVICE_GRAY, 8);
		if (mask == NULL || HPDF_Image_AddSMask(*out, mask) != HPDF_OK)
			*out = NULL;
	}
	pdf_raster_free(&r);
done:
	free(data);
	return rc;
}

int pdf_image_draw(pdf_images **cache, HPDF_Doc pdf, HPDF_Page page,
	const folio_image *im, folio_error *err)
{
	pdf_images *c = *cache;
	const folio_figure *f = im->figure;
	HPDF_Image image = NULL;
	size_t i;
	int rc;

	if (f == NULL || f->path == NULL)
		return folio_error_set(err, FOLIO_EUSAGE,
			"an image of the layout names no file");
	if (c == NULL && (c = *cache = calloc(1, sizeof(*c))) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < c->n && image == NULL; i++)
		if (strcmp(c->items[i].path, f->path) == 0)
			image = c->items[i].image;
	if (image == NULL) {
		loaded *more;
		if (c->n == MAX_IMAGES)
			return folio_error_set(err, FOLIO_ELIMIT, "%s: more "
				"than %d image files in one PDF", f->src,
				MAX_IMAGES);
		if ((rc = load(&image, pdf, f, err)) < 0)
			return rc;
		if (image == NULL)
			return 0;  /* libharu's error: the caller reports it */
		more = realloc(c->items, (c->n + 1) * sizeof(*more));
		if (more == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		c->items = more;
		c->items[c->n].path = f->path;
		c->items[c->n++].image = image;
	}
	HPDF_Page_DrawImage(page, image, (HPDF_REAL)im->x, (HPDF_REAL)im->y,
		(HPDF_REAL)im->width, (HPDF_REAL)im->height);
	return 0;
}

void pdf_images_free(pdf_images *cache)
{
	if (cache == NULL)
		return;
	free(cache->items);
	free(cache);
}
