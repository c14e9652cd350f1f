/*
 * streams.c - deflating streams for libharu (see streams.h).
 */
#include "pdf/streams.h"

#include <hpdf_objects.h>
#include <hpdf_pages.h>

#include "util/buf.h"
#include "util/deflate.h"

static HPDF_STATUS write_flate_filter(HPDF_Dict d, HPDF_Stream out)
{
	(void)d;
	return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

HPDF_STATUS folio_pdf_put_deflated(HPDF_Dict d, const void *data, size_t len,
	int level)
{
	folio_buf z = {0};
	HPDF_STATUS ret;
	int rc;

	if (d->write_fn != NULL)
		return HPDF_INVALID_OBJECT;
	rc = folio_deflate(&z, data, len, level, NULL);
	if (rc < 0) {
		folio_buf_free(&z);
		return rc == FOLIO_ENOMEM || rc == FOLIO_ELIMIT ?
			HPDF_FAILD_TO_ALLOC_MEM : HPDF_ZLIB_ERROR;
	}
	d->filter = HPDF_STREAM_FILTER_NONE;
	d->write_fn = write_flate_filter;
	ret = HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)z.data,
		(HPDF_UINT)z.len);
	folio_buf_free(&z);
	return ret;
}

HPDF_STATUS folio_pdf_deflate_contents(HPDF_Page page, int level)
{
	HPDF_PageAttr attr = page->attr;
	HPDF_Dict contents = attr->contents;
	HPDF_Stream s = contents->stream;
	HPDF_UINT i, n = HPDF_MemStream_GetBufCount(s);
	folio_buf raw = {0};
	HPDF_STATUS ret = HPDF_OK;

	/* libharu keeps a page's operators in a list of buffers. */
	for (i = 0; i < n && ret == HPDF_OK; i++) {
		HPDF_UINT len = 0;
		HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(s, i, &len);

		if (p == NULL || folio_buf_append(&raw, p, len) < 0)
			ret = HPDF_FAILD_TO_ALLOC_MEM;
	}
	if (ret == HPDF_OK) {
		HPDF_MemStream_FreeData(s);
		ret = folio_pdf_put_deflated(contents, raw.data ? raw.data : "",
			raw.len, level);
	}
	folio_buf_free(&raw);
	return ret;
}
