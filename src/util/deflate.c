/*
 * deflate.c - the libdeflate adapter (see deflate.h).
 */
#include "util/deflate.h"

#include <stdlib.h>

#include <libdeflate.h>

int folio_deflate(folio_buf *out, const void *data, size_t len, int level,
	folio_error *err)
{
	struct libdeflate_compressor *c;
	unsigned char *z = NULL;
	size_t bound, n;
	int rc = 0;

	if (level < 1 || level > 12)
		return folio_error_set(err, FOLIO_EUSAGE,
			"deflate level %d is outside 1..12", level);
	c = libdeflate_alloc_compressor(level);
	if (c == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	bound = libdeflate_zlib_compress_bound(c, len);
	z = malloc(bound);
	if (z == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	n = libdeflate_zlib_compress(c, data, len, z, bound);
	if (n == 0) {
		/* Cannot happen with the bound's room; refuse rather than
		 * write an empty stream. */
		rc = folio_error_set(err, FOLIO_ELIB,
			"libdeflate could not compress %zu bytes", len);
		goto done;
	}
	if ((rc = folio_buf_append(out, z, n)) < 0)
		rc = folio_error_set(err, rc, "compressed stream of %zu bytes "
			"does not fit its buffer", n);
done:
	free(z);
	libdeflate_free_compressor(c);
	return rc;
}
