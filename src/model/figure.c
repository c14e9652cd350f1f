/* figure.c - figure nodes: where the image file is and what it holds. */
#include "model/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/bytes.h"
#include "util/digest.h"
#include "util/file.h"
#include "util/paths.h"

folio_figure *folio_doc_figure(folio_doc *doc)
{
	folio_figure *f = folio_arena_alloc(doc->arena, sizeof(*f));

	if (f != NULL)
		memset(f, 0, sizeof(*f));
	return f;
}

static int bad(folio_error *err, const char *what, const char *found)
{
	return folio_error_set(err, FOLIO_EINPUT, "%s: expected a PNG or "
		"JPEG image, found %s", what, found);
}

/* PNG: signature, IHDR first (ISO/IEC 15948 5.6), a legal bit depth for
 * the colour type, IEND last: a file cut short fails here rather than
 * half-drawn in a PDF. */
static int probe_png(unsigned *w, unsigned *h, const unsigned char *d,
	size_t n, const char *what, folio_error *err)
{
	static const unsigned char iend[] = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
		0xAE, 0x42, 0x60, 0x82};
	unsigned depth, type;

	if (n < 8 + 25 + 12 || folio_get_be32(d + 8) != 13 ||
	    memcmp(d + 12, "IHDR", 4) != 0)
		return bad(err, what, "a PNG file without its IHDR header");
	*w = folio_get_be32(d + 16);
	*h = folio_get_be32(d + 20);
	depth = d[24];
	type = d[25];
	if (!((type == 0 && (depth == 1 || depth == 2 || depth == 4 ||
	    depth == 8 || depth == 16)) ||
	    (type == 3 && (depth == 1 || depth == 2 || depth == 4 ||
	    depth == 8)) ||
	    ((type == 2 || type == 4 || type == 6) &&
	    (depth == 8 || depth == 16))))
		return bad(err, what, "a PNG file with an invalid colour type "
			"or bit depth");
	if (memcmp(d + n - sizeof(iend), iend, sizeof(iend)) != 0)
		return bad(err, what, "a PNG file cut short (no IEND chunk "
			"at its end)");
	return 0;
}

/* JPEG: walk the marker segments (ITU T.81 B.1) to the first frame
 * header SOFn; its height and width are the pixel size. */
static int probe_jpeg(unsigned *w, unsigned *h, const unsigned char *d,
	size_t n, const char *what, folio_error *err)
{
	size_t off = 2, len;
	unsigned m;

	while (off + 4 <= n) {
		if (d[off] != 0xFF)
			return bad(err, what, "a JPEG file with a broken "
				"marker sequence");
		m = d[off + 1];
		if (m == 0xFF) {        /* fill byte */
			off++;
			continue;
		}
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
			off += 2;
			continue;
		}
		if (m == 0xD9 || m == 0xDA)
			break;
		len = (size_t)d[off + 2] << 8 | d[off + 3];
		if (len < 2 || off + 2 + len > n)
			break;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 &&
		    m != 0xCC) {
			if (len < 8)
				break;
			if (m != 0xC0 && m != 0xC1 && m != 0xC2)
				return bad(err, what, "a JPEG file in a coding "
					"PDF viewers do not read (lossless, "
					"hierarchical or arithmetic)");
			*h = (unsigned)d[off + 5] << 8 | d[off + 6];
			*w = (unsigned)d[off + 7] << 8 | d[off + 8];
			if (d[off + 9] != 1 && d[off + 9] != 3 &&
			    d[off + 9] != 4)
				return bad(err, what, "a JPEG file with an "
					"unusual number of colour components");
			/* The scan data must follow the header. */
			for (off += 2 + len; off + 1 < n; off++)
				if (d[off] == 0xFF && d[off + 1] == 0xDA)
					return 0;
			break;
		}
		off += 2 + len;
	}
	return bad(err, what, "a JPEG file cut short (no frame header or "
		"scan)");
}

int folio_image_probe(folio_image_format *out_format, unsigned *out_w,
	unsigned *out_h, const unsigned char *data, size_t len,
	const char *what, folio_error *err)
{
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n',
		0x1A, '\n'};
	unsigned w = 0, h = 0;
	int rc;

	*out_format = 0;
	*out_w = *out_h = 0;
	if (len > FOLIO_MAX_IMAGE_BYTES)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: image limit "
			"exceeded: expected at most %zu bytes, found %zu",
			what, FOLIO_MAX_IMAGE_BYTES, len);
	if (len >= 8 && memcmp(data, png, 8) == 0) {
		*out_format = FOLIO_IMAGE_PNG;
		rc = probe_png(&w, &h, data, len, what, err);
	} else if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 &&
	    data[2] == 0xFF) {
		*out_format = FOLIO_IMAGE_JPEG;
		rc = probe_jpeg(&w, &h, data, len, what, err);
	} else if (len >= 4 && (memcmp(data, "GIF8", 4) == 0)) {
		rc = bad(err, what, "a GIF file (convert it to PNG)");
	} else if (len >= 2 && memcmp(data, "BM", 2) == 0) {
		rc = bad(err, what, "a BMP file (convert it to PNG)");
	} else if (len >= 4 && (memcmp(data, "II*", 4) == 0 ||
	    memcmp(data, "MM\0*", 4) == 0)) {
		rc = bad(err, what, "a TIFF file (convert it to PNG)");
	} else if (len >= 4 && (memcmp(data, "\xD7\xCD\xC6\x9A", 4) == 0 ||
	    memcmp(data, "\x01\0\0\0", 4) == 0)) {
		rc = bad(err, what, "a Windows metafile (WMF/EMF; convert it "
			"to PNG)");
	} else {
		rc = bad(err, what, len ? "other bytes" : "an empty file");
	}
	if (rc < 0) {
		*out_format = 0;
		return rc;
	}
	if (w == 0 || h == 0 || w > FOLIO_MAX_IMAGE_SIDE ||
	    h > FOLIO_MAX_IMAGE_SIDE ||
	    (uint64_t)w * h > FOLIO_MAX_IMAGE_PIXELS) {
		*out_format = 0;
		return folio_error_set(err, w && h ? FOLIO_ELIMIT :
			FOLIO_EINPUT, "%s: image limit exceeded: expected 1 to "
			"%d pixels a side and at most %d pixels, found %ux%u",
			what, FOLIO_MAX_IMAGE_SIDE, FOLIO_MAX_IMAGE_PIXELS, w, h);
	}
	*out_w = w;
	*out_h = h;
	return 0;
}

int folio_figure_src_valid(const char *s)
{
	return folio_relative_path_valid(s, FOLIO_MAX_FIGURE_PATH);
}

int folio_figure_load(folio_doc *doc, folio_figure *f, unsigned line,
	unsigned col, folio_error *err)
{
	folio_error inner = {0};
	const char *slash = strrchr(doc->source_path, '/');
	size_t dir = slash ? (size_t)(slash - doc->source_path) + 1 : 0;
	size_t n, len = 0;
	char *path, *data = NULL;
	int rc;

	line = line ? line : 1;
	col = col ? col : 1;
	if (!folio_figure_src_valid(f->src))
		return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: <figure>: "
			"expected src as a relative path of letters, digits, "
			"'.', '_', '-' and '/' (no '..'), found '%.*s'",
			doc->source_path, line, col, FOLIO_MAX_FIGURE_PATH,
			f->src ? f->src : "");
	n = strlen(f->src);
	path = folio_arena_alloc(doc->arena, dir + n + 1);
	if (path == NULL)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: document "
			"exceeds the memory limit", doc->source_path);
	memcpy(path, doc->source_path, dir);
	memcpy(path + dir, f->src, n + 1);
	f->path = path;
	rc = folio_file_read(&data, &len, path, FOLIO_MAX_IMAGE_BYTES, &inner);
	if (rc == 0)
		rc = folio_image_probe(&f->format, &f->px_width,
			&f->px_height, (const unsigned char *)data, len, path,
			&inner);
	if (rc == 0)
		rc = folio_sha256(f->sha256, data, len, &inner);
	free(data);
	if (rc < 0)
		return folio_error_set(err, rc, "%s:%u:%u: <figure>: %s",
			doc->source_path, line, col, inner.msg);
	return 0;
}
