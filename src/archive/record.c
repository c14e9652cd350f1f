#include "archive/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "util/xml.h"

#include "archive/asic.h"

#define X(s) ((const xmlChar *)(s))
/* The catalogue of 70,000 records is tens of MB: above the source cap. */
#define MAX_METADATA_BYTES ((size_t)512 * 1024 * 1024)

void folio_record_clear(folio_record *r)
{
	free(r->title);
	free(r->issuer);
	free(r->doc_number);
	free(r->date8);
	free(r->security);
	free(r->retention);
	free(r->category);
	free(r->keywords);
	memset(r, 0, sizeof(*r));
}

const char *folio_media_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".xml") == 0)
		return "application/xml";
	if (strcmp(dot, ".rng") == 0)
		return "application/xml";
	if (strcmp(dot, ".txt") == 0)
		return "text/plain";
	if (strcmp(dot, ".pdf") == 0)
		return "application/pdf";
	if (strcmp(dot, ".epub") == 0)
		return "application/epub+zip";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	if (strcmp(dot, ".jpg") == 0)
		return "image/jpeg";
	return "application/octet-stream";
}

/* A writer into an xmlBuffer; every call's result is checked once at
 * the end through `failed` to keep the element lists readable. */
typedef struct writer {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	int failed;
} writer;

static int writer_open(writer *wr)
{
	memset(wr, 0, sizeof(*wr));
	wr->buf = xmlBufferCreate();
	if (wr->buf == NULL)
		return -1;
	wr->w = xmlNewTextWriterMemory(wr->buf, 0);
	if (wr->w == NULL) {
		xmlBufferFree(wr->buf);
		return -1;
	}
	if (xmlTextWriterSetIndent(wr->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(wr->w, X("  ")) < 0 ||
	    xmlTextWriterStartDocument(wr->w, "1.0", "UTF-8", NULL) < 0)
		wr->failed = 1;
	return 0;
}

static void el(writer *wr, const char *name, const char *text)
{
	if (text == NULL)
		return;
	if (xmlTextWriterWriteElement(wr->w, X(name), X(text))
		< 0)
		wr->failed = 1;
}

static void start(writer *wr, const char *name)
{
	if (xmlTextWriterStartElement(wr->w, X(name)) < 0)
		wr->failed = 1;
}

static void attr(writer *wr, const char *name, const char *value)
{
	if (xmlTextWriterWriteAttribute(wr->w, X(name), X(value))
		< 0)
		wr->failed = 1;
}

static void finish(writer *wr)
{
	if (xmlTextWriterEndElement(wr->w) < 0)
		wr->failed = 1;
}

/* Close the writer, copy the text to out, and validate it. */
static int writer_close(writer *wr, folio_buf *out, const char *schema,
	const char *name, folio_error *err)
{
	folio_xml_limits limits = {MAX_METADATA_BYTES, 0};
	void *doc = NULL;
	int rc = 0;

	if (xmlTextWriterEndDocument(wr->w) < 0)
		wr->failed = 1;
	xmlFreeTextWriter(wr->w);
	wr->w = NULL;
	if (wr->failed) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: libxml2 could not write the metadata", name);
		goto done;
	}
	if (folio_buf_append(out, xmlBufferContent(wr->buf),
		(size_t)xmlBufferLength(wr->buf)) < 0) {
		rc = folio_error_set(err, FOLIO_ELIMIT,
			"%s: metadata exceeds the buffer limit", name);
		goto done;
	}
	/* One copy is enough while the text is parsed back. */
	xmlBufferFree(wr->buf);
	wr->buf = NULL;
	if (schema == NULL)
		goto done;
	/* Validate what was written, as a reader would see it. */
	if ((rc = folio_xml_parse_memory(&doc, out->data, out->len, name,
		&limits, err)) < 0)
		goto done;
	rc = folio_xml_validate(doc, schema, name, err);
done:
	folio_xml_free(doc);
	if (wr->buf != NULL)
		xmlBufferFree(wr->buf);
	return rc;
}

int folio_record_xml(folio_buf *out, const folio_record *r,
	const char *fonds_code, const char *year, const char *name,
	folio_error *err)
{
	char number[16], size[32], hex[2 * FOLIO_SHA256_LEN + 1];
	char pages[16];
	writer wr;
	size_t i;

	if (writer_open(&wr) < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	snprintf(number, sizeof(number), "%04u", r->number);
	snprintf(pages, sizeof(pages), "%u", r->pages);
	if (xmlTextWriterStartElementNS(wr.w, NULL, X("文件"),
		X(FOLIO_RECORD_NS)) < 0)
		wr.failed = 1;
	attr(&wr, "version", "1");
	el(&wr, "题名", r->title);
	el(&wr, "责任者", r->issuer);
	el(&wr, "文件编号", r->doc_number);
	el(&wr, "日期", r->date8);
	el(&wr, "密级", r->security);
	el(&wr, "保管期限", r->retention);
	el(&wr, "全宗号", fonds_code);
	el(&wr, "年度", year);
	el(&wr, "档号", r->code);
	el(&wr, "件号", number);
	el(&wr, "文种", r->category);
	el(&wr, "主题词", r->keywords);
	if (r->pages > 0)
		el(&wr, "页数", pages);
	for (i = 0; i < r->n_files + r->n_images; i++) {
		const folio_record_file *f = i < r->n_files ? &r->files[i] :
			&r->images[i - r->n_files];
		snprintf(size, sizeof(size), "%llu",
			(unsigned long long)f->size);
		folio_sha256_hex(hex, f->sha256);
		start(&wr, "计算机文件");
		el(&wr, "计算机文件名", f->name);
		el(&wr, "格式信息", f->media_type);
		el(&wr, "计算机文件大小", size);
		el(&wr, "SHA-256", hex);
		finish(&wr);
	}
	finish(&wr);
	return writer_close(&wr, out, "record", name, err);
}

int folio_catalogue_xml(folio_buf *out, const folio_archive_batch *m,
	const folio_record *records, size_t n, folio_error *err)
{
	char seq[24];
	writer wr;
	size_t i, j;

	if (writer_open(&wr) < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if (xmlTextWriterStartElementNS(wr.w, NULL, X("文件目录"),
		X(FOLIO_CATALOGUE_NS)) < 0)
		wr.failed = 1;
	attr(&wr, "version", "1");
	el(&wr, "全宗号", m->fonds_code);
	el(&wr, "全宗名称", m->fonds_name);
	el(&wr, "年度", m->year);
	el(&wr, "批次号", m->batch_id);
	for (i = 0; i < n && !wr.failed; i++) {
		const folio_record *r = &records[i];
		snprintf(seq, sizeof(seq), "%zu", i + 1);
		start(&wr, "条目");
		el(&wr, "顺序号", seq);
		el(&wr, "档号", r->code);
		el(&wr, "责任者", r->issuer);
		el(&wr, "题名", r->title);
		el(&wr, "日期", r->date8);
		el(&wr, "密级", r->security);
		el(&wr, "保管期限", r->retention);
		for (j = 0; j < r->n_files; j++)
			el(&wr, "计算机文件名", r->files[j].name);
		finish(&wr);
	}
	finish(&wr);
	return writer_close(&wr, out, "catalogue", "data/catalogue.xml", err);
}

int folio_odf_manifest_xml(folio_buf *out, const char *const *names,
	const char *const *media_types, size_t n, folio_error *err)
{
	writer wr;
	size_t i;

	if (writer_open(&wr) < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if (xmlTextWriterStartElementNS(wr.w, X("manifest"),
		X("manifest"), X(NS_ODF)) < 0 ||
	    xmlTextWriterWriteAttributeNS(wr.w, X("manifest"),
		X("version"), NULL, X("1.2")) < 0)
		wr.failed = 1;
	for (i = 0; i <= n && !wr.failed; i++) {
		if (xmlTextWriterStartElementNS(wr.w, X("manifest"),
			X("file-entry"), NULL) < 0 ||
		    xmlTextWriterWriteAttributeNS(wr.w, X("manifest"),
			X("full-path"), NULL,
			X(i == 0 ? "/" : names[i - 1])) < 0 ||
		    xmlTextWriterWriteAttributeNS(wr.w, X("manifest"),
			X("media-type"), NULL, X(i == 0 ?
			FOLIO_ASIC_MIMETYPE : media_types[i - 1])) < 0 ||
		    xmlTextWriterEndElement(wr.w) < 0)
			wr.failed = 1;
	}
	finish(&wr);
	return writer_close(&wr, out, NULL, "META-INF/manifest.xml", err);
}
