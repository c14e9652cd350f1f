/*
 * streams.c - deflating streams for libharu (see streams.h).
 */
#include "pdf/streams.h"

#include <hpdf_objects.h>
#include <hpdf_pages.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/deflate.h"

/* A stream's deflated bytes, handed to libharu as a reader. A memory
 * stream would copy every byte twice with libharu's byte-at-a-time
 * HPDF_MemCpy (in when written, out when saved): 5 % of a batch's
 * instructions, most of it the font programs. */
typedef struct held_bytes {
	folio_buf z;
	size_t pos;
} held_bytes;

static HPDF_STATUS held_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *size)
{
	held_bytes *h = s->attr;
	size_t left = h->z.len - h->pos, n = *size < left ? *size : left;

	if (n)
		memcpy(ptr, h->z.data + h->pos, n);
	h->pos += n;
	*size = (HPDF_UINT)n;
	/* As libharu's file reader: EOF is a return, not an error. */
	return h->pos == h->z.len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS held_seek(HPDF_Stream s, HPDF_INT pos,
	HPDF_WhenceMode mode)
{
	held_bytes *h = s->attr;
	long long to = mode == HPDF_SEEK_CUR ? (long long)h->pos + pos :
		mode == HPDF_SEEK_END ? (long long)h->z.len - pos : pos;

	if (to < 0 || to > (long long)h->z.len)
		return HPDF_SetError(s->error, HPDF_STREAM_EOF, 0);
	h->pos = (size_t)to;
	return HPDF_OK;
}

static HPDF_INT32 held_tell(HPDF_Stream s)
{
	return (HPDF_INT32)((held_bytes *)s->attr)->pos;
}

static HPDF_UINT32 held_size(HPDF_Stream s)
{
	return (HPDF_UINT32)((held_bytes *)s->attr)->z.len;
}

static void held_free(HPDF_Stream s)
{
	held_bytes *h = s->attr;

	if (h != NULL) {
		folio_buf_free(&h->z);
		free(h);
	}
	s->attr = NULL;
}

static HPDF_STATUS write_flate_filter(HPDF_Dict d, HPDF_Stream out)
{
	(void)d;
	return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

HPDF_STATUS folio_pdf_put_deflated(HPDF_Dict d, const void *data, size_t len,
	int level)
{
	held_bytes *h;
	HPDF_Stream reader;
	int rc;

	if (d->write_fn != NULL || d->stream == NULL ||
	    HPDF_Stream_Size(d->stream) != 0)
		return HPDF_INVALID_OBJECT;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return HPDF_FAILD_TO_ALLOC_MEM;
	rc = folio_deflate(&h->z, data, len, level, NULL);
	if (rc < 0 || h->z.len > 0x7FFFFFFF) {
		folio_buf_free(&h->z);
		free(h);
		return rc == FOLIO_ENOMEM || rc == FOLIO_ELIMIT || rc == 0 ?
			HPDF_FAILD_TO_ALLOC_MEM : HPDF_ZLIB_ERROR;
	}
	reader = HPDF_CallbackReader_New(d->mmgr, held_read, held_seek,
		held_tell, held_size, h);
	if (reader == NULL) {
		folio_buf_free(&h->z);
		free(h);
		return HPDF_FAILD_TO_ALLOC_MEM;
	}
	reader->free_fn = held_free;
	/* The empty memory stream goes; the dictionary owns the reader
	 * (freed with the document). */
	HPDF_Stream_Free(d->stream);
	d->stream = reader;
	d->filter = HPDF_STREAM_FILTER_NONE;
	d->write_fn = write_flate_filter;
	return HPDF_OK;
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
