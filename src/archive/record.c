#include "archive/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xml.h"
#include "util/xml_writer.h"

#include "archive/asic.h"

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

/* Validate what was written, streamed as a reader would see it. */
static int validate(const folio_buf *b, const char *schema,
	const char *name, folio_error *err)
{
	folio_xml_limits limits = {MAX_METADATA_BYTES, 0};

	return folio_xml_validate_memory(b->data, b->len, name, schema,
		&limits, err);
}

int folio_record_xml(folio_buf *out, const folio_record *r,
	const char *fonds_code, const char *year, const char *name,
	folio_error *err)
{
	char number[16], size[32], hex[2 * FOLIO_SHA256_LEN + 1];
	char pages[16];
	folio_xmlw *w;
	size_t i, start = out->len;
	int rc;

	if ((rc = folio_xmlw_new_buf(&w, out, name, "  ", err)) < 0)
		return rc;
	snprintf(number, sizeof(number), "%04u", r->number);
	snprintf(pages, sizeof(pages), "%u", r->pages);
	folio_xmlw_start_ns(w, NULL, "文件", FOLIO_RECORD_NS);
	folio_xmlw_attr(w, "version", "1");
	folio_xmlw_element(w, "题名", r->title);
	folio_xmlw_element(w, "责任者", r->issuer);
	folio_xmlw_element(w, "文件编号", r->doc_number);
	folio_xmlw_element(w, "日期", r->date8);
	folio_xmlw_element(w, "密级", r->security);
	folio_xmlw_element(w, "保管期限", r->retention);
	folio_xmlw_element(w, "全宗号", fonds_code);
	folio_xmlw_element(w, "年度", year);
	folio_xmlw_element(w, "档号", r->code);
	folio_xmlw_element(w, "件号", number);
	folio_xmlw_element(w, "文种", r->category);
	folio_xmlw_element(w, "主题词", r->keywords);
	if (r->pages > 0)
		folio_xmlw_element(w, "页数", pages);
	for (i = 0; i < r->n_files + r->n_images; i++) {
		const folio_record_file *f = i < r->n_files ? &r->files[i] :
			&r->images[i - r->n_files];
		snprintf(size, sizeof(size), "%llu",
			(unsigned long long)f->size);
		folio_sha256_hex(hex, f->sha256);
		folio_xmlw_start(w, "计算机文件");
		folio_xmlw_element(w, "计算机文件名", f->name);
		folio_xmlw_element(w, "格式信息", f->media_type);
		folio_xmlw_element(w, "计算机文件大小", size);
		folio_xmlw_element(w, "SHA-256", hex);
		/* Which <figure src> of the source this file is. */
		folio_xmlw_element(w, "源文件引用", f->src);
		folio_xmlw_end(w);
	}
	folio_xmlw_end(w);
	rc = folio_xmlw_close(w);
	folio_xmlw_free(w);
	if (rc == 0) {
		folio_buf doc = *out;
		doc.data += start;
		doc.len -= start;
		rc = validate(&doc, "record", name, err);
	}
	return rc;
}

struct folio_catalogue {
	folio_xmlw *w;
	size_t seq;
};

int folio_catalogue_begin(folio_catalogue **out, FILE *fp,
	const folio_archive_batch *m, folio_error *err)
{
	folio_catalogue *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (c == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if ((rc = folio_xmlw_new_file(&c->w, fp, "data/catalogue.xml", "  ",
		err)) < 0) {
		free(c);
		return rc;
	}
	folio_xmlw_start_ns(c->w, NULL, "文件目录", FOLIO_CATALOGUE_NS);
	folio_xmlw_attr(c->w, "version", "1");
	folio_xmlw_element(c->w, "全宗号", m->fonds_code);
	folio_xmlw_element(c->w, "全宗名称", m->fonds_name);
	folio_xmlw_element(c->w, "年度", m->year);
	folio_xmlw_element(c->w, "批次号", m->batch_id);
	*out = c;
	return folio_xmlw_status(c->w);
}

int folio_catalogue_add(folio_catalogue *c, const folio_record *r)
{
	char seq[24];
	size_t j;

	snprintf(seq, sizeof(seq), "%zu", ++c->seq);
	folio_xmlw_start(c->w, "条目");
	folio_xmlw_element(c->w, "顺序号", seq);
	folio_xmlw_element(c->w, "档号", r->code);
	folio_xmlw_element(c->w, "责任者", r->issuer);
	folio_xmlw_element(c->w, "题名", r->title);
	folio_xmlw_element(c->w, "日期", r->date8);
	folio_xmlw_element(c->w, "密级", r->security);
	folio_xmlw_element(c->w, "保管期限", r->retention);
	for (j = 0; j < r->n_files; j++)
		folio_xmlw_element(c->w, "计算机文件名", r->files[j].name);
	folio_xmlw_end(c->w);
	return folio_xmlw_status(c->w);
}

int folio_catalogue_end(uint64_t *out_len, folio_catalogue *c)
{
	int rc;

	folio_xmlw_end(c->w);
	rc = folio_xmlw_close(c->w);
	*out_len = folio_xmlw_bytes(c->w);
	return rc;
}

void folio_catalogue_free(folio_catalogue *c)
{
	if (c == NULL)
		return;
	folio_xmlw_free(c->w);
	free(c);
}

