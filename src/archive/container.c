/* container.c - build, sign and write the archival ZIP (see archive.h). */
#include "archive/archive.h"
#include "util/epoch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "archive/asic.h"
#include "archive/crypto.h"
#include "archive/record.h"
#include "archive/signature.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/paths.h"
#include "util/xml.h"
#include "util/zip.h"
#include "util/zip_write.h"


/* One file of the archive other than mimetype and META-INF/. Its bytes
 * are in a file streamed at zip close: the source's own (path), or, for
 * what we generate, a stretch of the spool file (spooled); in memory
 * (data) only when they are empty or no spool could be made. */
typedef struct entry {
	char *name;
	const char *media_type;
	const char *path;       /* streamed from here (borrowed), or NULL */
	char *data;             /* in memory, or NULL */
	size_t len;
	uint64_t spool_off;
	int spooled;
	uint64_t size;
	unsigned char sha256[FOLIO_SHA256_LEN];
} entry;

/* Generated entries (record.xml, catalogue, BagIt files) go to one
 * temporary spool file beside the archive as soon as they are hashed:
 * at 70,000 records, holding them in memory until the zip is written
 * costs over 100 MB. */
typedef struct package {
	entry *entries;
	size_t n, cap;
	folio_outfile spool;
	uint64_t spool_len;
	/* The catalogue, written as the records come (its own temporary
	 * file: record.xml files go to the spool meanwhile). */
	folio_outfile cat_file;
	folio_catalogue *cat;
	const folio_archive_batch *batch;
	folio_error *err;
} package;

int folio_archive_now(int64_t *out, folio_error *err)
{
	int rc = folio_source_date_epoch(out, err);

	if (rc == 0 && *out < 0)
		*out = (int64_t)time(NULL);
	return rc;
}

const char *folio_retention_code(const char *retention)
{
	if (retention == NULL)
		return NULL;
	if (strcmp(retention, "永久") == 0)
		return "Y";
	if (strcmp(retention, "定期30年") == 0)
		return "D30";
	if (strcmp(retention, "定期10年") == 0)
		return "D10";
	return NULL;
}

int folio_archive_code(char *out, const char *fonds_code, const char *year,
	const char *retention, unsigned number, folio_error *err)
{
	const char *code = folio_retention_code(retention);
	int n;

	if (code == NULL)
		return folio_error_set(err, FOLIO_EINPUT,
			"保管期限: expected 永久, 定期30年 or 定期10年, "
			"found %s", retention ? retention : "nothing");
	if (number == 0 || number > 999999)
		return folio_error_set(err, FOLIO_ELIMIT,
			"件号: expected 1 to 999999, found %u", number);
	n = snprintf(out, FOLIO_ARCHIVE_CODE_MAX, "%s-%s-%s-%04u",
		fonds_code, year, code, number);
	if (n < 0 || n >= FOLIO_ARCHIVE_CODE_MAX)
		return folio_error_set(err, FOLIO_ELIMIT,
			"档号 longer than %d bytes", FOLIO_ARCHIVE_CODE_MAX - 1);
	return 0;
}

static entry *add_entry(package *p, const char *name)
{
	entry *e;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;
		e = realloc(p->entries, cap * sizeof(*e));
		if (e == NULL)
			return NULL;
		p->entries = e;
		p->cap = cap;
	}
	e = &p->entries[p->n];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	if (e->name == NULL)
		return NULL;
	e->media_type = folio_media_type(name);
	p->n++;
	return e;
}

/* Take ownership of buf's bytes as a new in-memory entry. */
static int add_mem(package *p, const char *name, folio_buf *buf,
	entry **out)
{
	entry *e = add_entry(p, name);
	int rc;

	if (e == NULL)
		return folio_error_set(p->err, FOLIO_ENOMEM, "out of memory");
	e->data = buf->data ? buf->data : strdup("");
	e->len = buf->len;
	e->size = buf->len;
	buf->data = NULL;
	buf->len = buf->cap = 0;
	if (e->data == NULL)
		return folio_error_set(p->err, FOLIO_ENOMEM, "out of memory");
	if ((rc = folio_sha256(e->sha256, e->data, e->len, p->err)) < 0)
		return rc;
	if (p->spool.fp != NULL && e->len > 0) {
		if (fwrite(e->data, 1, e->len, p->spool.fp) != e->len)
			return folio_error_set(p->err, FOLIO_EIO,
				"%s: cannot write: %m", p->spool.temp_path);
		e->spool_off = p->spool_len;
		e->spooled = 1;
		p->spool_len += e->len;
		free(e->data);
		e->data = NULL;
	}
	if (out)
		*out = e;
	return 0;
}

/* Everything spooled so far readable by others (libzip). */
static int spool_flush(package *p)
{
	if (p->spool.fp != NULL && fflush(p->spool.fp) != 0)
		return folio_error_set(p->err, FOLIO_EIO, "%s: cannot write: "
			"%m", p->spool.temp_path);
	return 0;
}

static int add_file(package *p, const char *name, const char *path,
	entry **out)
{
	entry *e = add_entry(p, name);
	int rc;

	if (e == NULL)
		return folio_error_set(p->err, FOLIO_ENOMEM, "out of memory");
	e->path = path;
	if ((rc = folio_sha256_file(e->sha256, &e->size, path, p->err)) < 0)
		return rc;
	if (out)
		*out = e;
	return 0;
}

static void package_free(package *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->entries[i].name);
		free(p->entries[i].data);
	}
	free(p->entries);
	folio_catalogue_free(p->cat);
	folio_outfile_abort(&p->cat_file);
	folio_outfile_abort(&p->spool);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The record's metadata, copied (the caller's record may point into
 * buffers that do not outlive the call). */
static int copy_record(folio_record *r, const folio_archive_record *in,
	folio_error *err)
{
	r->number = in->number;
	snprintf(r->code, sizeof(r->code), "%s", in->code);
	r->title = dup_or_null(in->title);
	r->issuer = dup_or_null(in->issuer);
	r->doc_number = dup_or_null(in->doc_number);
	r->security = dup_or_null(in->security);
	r->retention = dup_or_null(in->retention);
	r->category = dup_or_null(in->category);
	r->keywords = in->keywords && in->keywords[0] ?
		strdup(in->keywords) : NULL;
	r->pages = in->pages;
	r->date8 = malloc(9);
	if (r->title == NULL || r->issuer == NULL || r->date8 == NULL ||
	    r->security == NULL || r->retention == NULL ||
	    (in->doc_number && r->doc_number == NULL) ||
	    (in->category && r->category == NULL) ||
	    (in->keywords && in->keywords[0] && r->keywords == NULL))
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	/* YYYY-MM-DD -> YYYYMMDD, as DA/T 46 writes dates. */
	snprintf(r->date8, 9, "%.4s%.2s%.2s", in->date, in->date + 5,
		in->date + 8);
	return 0;
}

/* Add one file of the record folder, noting it in the record. */
static int record_file(package *p, folio_record *r, const char *file_name,
	const char *path, entry **out)
{
	char name[FOLIO_ZIP_MAX_NAME];
	folio_record_file *f;
	entry *e = NULL;
	int rc;

	if (r->n_files >= FOLIO_RECORD_MAX_FILES)
		return folio_error_set(p->err, FOLIO_ELIMIT,
			"%s: too many files", r->code);
	snprintf(name, sizeof(name), "data/records/%s/%s", r->code,
		file_name);
	if ((rc = add_file(p, name, path, &e)) < 0)
		return rc;
	f = &r->files[r->n_files++];
	snprintf(f->name, sizeof(f->name), "%s", file_name);
	f->media_type = e->media_type;
	f->size = e->size;
	memcpy(f->sha256, e->sha256, FOLIO_SHA256_LEN);
	if (out)
		*out = e;
	return 0;
}

/* The figures' image files, <档号>.figN.png|jpg in the record folder,
 * described in r->images (freed by the caller after record.xml). */
static int record_images(package *p, folio_record *r,
	const folio_archive_record *in)
{
	char name[FOLIO_ZIP_MAX_NAME];
	folio_record_file *files;
	entry *e;
	size_t i;
	int n, rc;

	if (in->n_images == 0)
		return 0;
	if (in->n_images > FOLIO_RECORD_MAX_IMAGES)
		return folio_error_set(p->err, FOLIO_ELIMIT, "%s: record %s: "
			"%zu images (limit %d)", in->source_path, r->code,
			in->n_images, FOLIO_RECORD_MAX_IMAGES);
	if ((files = calloc(in->n_images, sizeof(*files))) == NULL)
		return folio_error_set(p->err, FOLIO_ENOMEM, "out of memory");
	r->images = files;
	for (i = 0; i < in->n_images; i++) {
		const folio_archive_file *im = &in->images[i];
		folio_record_file *f = &files[r->n_images];
		if (im->path == NULL || im->ext == NULL ||
		    (strcmp(im->ext, "png") != 0 && strcmp(im->ext, "jpg") != 0))
			return folio_error_set(p->err, FOLIO_EUSAGE, "record "
				"%s: image %zu: expected a path and the "
				"extension png or jpg", r->code, i + 1);
		n = snprintf(f->name, sizeof(f->name), "%s.fig%zu.%s", r->code,
			i + 1, im->ext);
		if (n < 0 || (size_t)n >= sizeof(f->name))
			return folio_error_set(p->err, FOLIO_ELIMIT, "record "
				"%s: 档号 too long to name its images",
				r->code);
		snprintf(name, sizeof(name), "data/records/%s/%s", r->code,
			f->name);
		if ((rc = add_file(p, name, im->path, &e)) < 0)
			return rc;
		f->media_type = e->media_type;
		f->size = e->size;
		memcpy(f->sha256, e->sha256, FOLIO_SHA256_LEN);
		r->n_images++;
	}
	return 0;
}

/* A record the caller got wrong would make an archive verify rejects
 * (or one that silently says less): refuse it before any work. */
static int check_record(const folio_archive_record *in, unsigned previous,
	folio_error *err)
{
	const char *what = in->code == NULL || in->code[0] == '\0' ? "档号" :
		in->title == NULL ? "题名" : in->issuer == NULL ? "责任者" :
		in->date == NULL || strlen(in->date) != 10 ? "日期" :
		in->security == NULL ? "密级" : in->retention == NULL ?
		"保管期限" : in->source_path == NULL ? "source" : NULL;

	if (what != NULL)
		return folio_error_set(err, FOLIO_EUSAGE, "record %u (%s): "
			"expected its %s, found none", in->number,
			in->code ? in->code : "?", what);
	if (strlen(in->code) >= FOLIO_ARCHIVE_CODE_MAX ||
	    strchr(in->code, '/') != NULL)
		return folio_error_set(err, FOLIO_EUSAGE, "record %u: expected "
			"an ASCII 档号, found '%s'", in->number, in->code);
	if (in->number <= previous)
		return folio_error_set(err, FOLIO_EUSAGE, "record %s: expected "
			"件号 above %u (records in 件号 order), found %u",
			in->code, previous, in->number);
	return 0;
}

static int add_record(package *p, folio_record *r,
	const folio_archive_record *in, folio_archive_stats *st)
{
	static const char *const kinds[] = {"pdf", "epub"};
	folio_buf xml = {0};
	char file_name[FOLIO_RECORD_FILE_NAME_MAX];
	char name[FOLIO_ZIP_MAX_NAME], have[2 * FOLIO_SHA256_LEN + 1];
	char want[2 * FOLIO_SHA256_LEN + 1];
	const char *dot = strrchr(in->source_path, '.');
	const char *outputs[2];
	entry *e = NULL;
	size_t k;
	int rc;

	if ((rc = copy_record(r, in, p->err)) < 0)
		return rc;
	/* The source keeps only its kind in the name: titles stay in the
	 * metadata, paths stay ASCII. */
	snprintf(file_name, sizeof(file_name), "%s.%s", r->code,
		dot && strcmp(dot, ".xml") == 0 ? "xml" : "txt");
	if ((rc = record_file(p, r, file_name, in->source_path, &e)) < 0)
		return rc;
	if (in->source_sha256 != NULL &&
	    memcmp(in->source_sha256, e->sha256, FOLIO_SHA256_LEN) != 0) {
		folio_sha256_hex(have, e->sha256);
		folio_sha256_hex(want, in->source_sha256);
		return folio_error_set(p->err, FOLIO_EINPUT, "%s: record %s: "
			"the source changed since its outputs were made "
			"(SHA-256 %.12s..., built from %.12s...); build it "
			"again", in->source_path, r->code, have, want);
	}
	outputs[0] = in->pdf_path;
	outputs[1] = in->epub_path;
	for (k = 0; k < 2; k++) {
		struct stat sb;
		if (outputs[k] == NULL)
			continue;
		/* Named but absent: an archive silently missing it would
		 * pass verify (nothing says it should be there). */
		if (stat(outputs[k], &sb) != 0 || !S_ISREG(sb.st_mode))
			return folio_error_set(p->err, FOLIO_EINPUT,
				"%s: record %s: expected its %s at %s, found "
				"none (build the batch again, or archive the "
				"sources alone)", in->source_path, r->code,
				kinds[k], outputs[k]);
		snprintf(file_name, sizeof(file_name), "%s.%s", r->code,
			kinds[k]);
		if ((rc = record_file(p, r, file_name, outputs[k], NULL)) < 0)
			return rc;
		if (k == 0)
			st->pdfs++;
		else
			st->epubs++;
	}
	snprintf(name, sizeof(name), "data/records/%s/record.xml", r->code);
	if ((rc = record_images(p, r, in)) == 0)
		rc = folio_record_xml(&xml, r, p->batch->fonds_code,
			p->batch->year, name, p->err);
	/* The images' descriptions were needed for record.xml only. */
	free(r->images);
	r->images = NULL;
	r->n_images = 0;
	if (rc < 0 || (rc = add_mem(p, name, &xml, NULL)) < 0) {
		folio_buf_free(&xml);
		return rc;
	}
	return folio_catalogue_add(p->cat, r);
}

/* Reading back a stretch of a file we wrote, hashing it on the way. */
typedef struct readback {
	FILE *fp;
	folio_sha256_ctx *sha;
	uint64_t size;
	const char *path;
} readback;

static int pull_readback(void *ctx, char *buf, size_t len, size_t *out_n,
	folio_error *err)
{
	readback *b = ctx;
	size_t n = fread(buf, 1, len, b->fp);

	*out_n = n;
	if (n == 0 && ferror(b->fp))
		return folio_error_set(err, FOLIO_EIO, "%s: cannot read: %m",
			b->path);
	b->size += n;
	return n > 0 ? folio_sha256_update(b->sha, buf, n, err) : 0;
}

/* End the catalogue, check it against its schema by streaming it back
 * (a tree of 100,000 records would cost hundreds of MB) and add it as
 * an entry read from its file, hashed in the same pass. */
static int add_catalogue(package *p)
{
	folio_xml_limits limits = {0, 0};
	readback b = {NULL, NULL, 0, p->cat_file.temp_path};
	uint64_t len = 0;
	entry *e;
	int rc;

	if ((rc = folio_catalogue_end(&len, p->cat)) < 0)
		return rc;
	folio_catalogue_free(p->cat);
	p->cat = NULL;
	if (fflush(p->cat_file.fp) != 0)
		return folio_error_set(p->err, FOLIO_EIO, "%s: cannot write: "
			"%m", p->cat_file.temp_path);
	/* The catalogue of 999,999 records stays well under this. */
	limits.max_bytes = (size_t)2 * 1024 * 1024 * 1024;
	if ((b.fp = fopen(p->cat_file.temp_path, "rb")) == NULL)
		return folio_error_set(p->err, FOLIO_EIO, "%s: cannot read: %m",
			p->cat_file.temp_path);
	if ((rc = folio_sha256_begin(&b.sha, p->err)) < 0 ||
	    (rc = folio_xml_validate_stream(pull_readback, &b,
		"data/catalogue.xml", "catalogue", &limits, p->err)) < 0)
		goto done;
	if (b.size != len) {
		rc = folio_error_set(p->err, FOLIO_EIO, "%s: read %llu bytes "
			"of %llu", p->cat_file.temp_path,
			(unsigned long long)b.size, (unsigned long long)len);
		goto done;
	}
	e = add_entry(p, "data/catalogue.xml");
	if (e == NULL) {
		rc = folio_error_set(p->err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	e->path = p->cat_file.temp_path;
	e->size = len;
	rc = folio_sha256_end(e->sha256, b.sha, p->err);
	b.sha = NULL;
done:
	folio_sha256_free(b.sha);
	fclose(b.fp);
	return rc;
}

static int add_schema(package *p, const char *schema)
{
	char rel[64], path[4096], name[128];
	folio_buf b = {0};
	char *data = NULL;
	size_t len = 0;
	int rc;

	snprintf(rel, sizeof(rel), "schemas/%s.rng", schema);
	snprintf(name, sizeof(name), "data/schemas/%s.rng", schema);
	if ((rc = folio_data_path(path, sizeof(path), rel, p->err)) < 0 ||
	    (rc = folio_file_read(&data, &len, path, 1024 * 1024, p->err))
		< 0)
		return rc;
	b.data = data;
	b.len = b.cap = len;
	rc = add_mem(p, name, &b, NULL);
	free(b.data);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static int add_text(package *p, const char *name, folio_buf *b)
{
	int rc = add_mem(p, name, b, NULL);
	folio_buf_free(b);
	return rc;
}

/* BagIt tag files over the payload (data/) entries present so far. */
static int add_bag(package *p, const folio_archive_batch *m, int64_t t,
	const char *extra,
	folio_archive_stats *st)
{
	folio_buf b = {0};
	char hex[2 * FOLIO_SHA256_LEN + 1], date[16];
	uint64_t bytes = 0, count = 0;
	time_t tt = (time_t)t;
	struct tm tm;
	size_t i;
	int rc;

	qsort(p->entries, p->n, sizeof(*p->entries), by_name);
	for (i = 0; i < p->n; i++) {
		folio_sha256_hex(hex, p->entries[i].sha256);
		if (folio_buf_printf(&b, "%s  %s\n", hex, p->entries[i].name)
			< 0)
			goto nomem;
		bytes += p->entries[i].size;
		count++;
	}
	st->payload_bytes = bytes;
	if ((rc = add_text(p, "manifest-sha256.txt", &b)) < 0)
		return rc;
	if (folio_buf_puts(&b, "BagIt-Version: 1.0\n"
		"Tag-File-Character-Encoding: UTF-8\n") < 0)
		goto nomem;
	if ((rc = add_text(p, "bagit.txt", &b)) < 0)
		return rc;
	gmtime_r(&tt, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	if (folio_buf_printf(&b, "Source-Organization: %s\n"
		"Bagging-Date: %s\n"
		"External-Identifier: %s\n"
		"Internal-Sender-Identifier: %s-%s\n",
		m->fonds_name, date, m->batch_id, m->fonds_code, m->year) < 0 ||
	    (m->description && folio_buf_printf(&b,
		"External-Description: %s\n", m->description) < 0) ||
	    folio_buf_printf(&b, "Bag-Count: 1 of 1\n"
		"Payload-Oxum: %llu.%llu\n"
		"Bag-Software-Agent: folio %s\n",
		(unsigned long long)bytes, (unsigned long long)count,
		FOLIO_VERSION) < 0 ||
	    (extra != NULL && folio_buf_puts(&b, extra) < 0))
		goto nomem;
	if ((rc = add_text(p, "bag-info.txt", &b)) < 0)
		return rc;
	qsort(p->entries, p->n, sizeof(*p->entries), by_name);
	for (i = 0; i < p->n; i++) {
		if (strncmp(p->entries[i].name, "data/", 5) == 0)
			continue;
		folio_sha256_hex(hex, p->entries[i].sha256);
		if (folio_buf_printf(&b, "%s  %s\n", hex, p->entries[i].name)
			< 0)
			goto nomem;
	}
	if ((rc = add_text(p, "tagmanifest-sha256.txt", &b)) < 0)
		return rc;
	qsort(p->entries, p->n, sizeof(*p->entries), by_name);
	return 0;
nomem:
	folio_buf_free(&b);
	return folio_error_set(p->err, FOLIO_ENOMEM, "out of memory");
}

static const char *signed_file(void *ctx, size_t i,
	const unsigned char **out_sha256)
{
	const package *p = ctx;

	*out_sha256 = p->entries[i].sha256;
	return p->entries[i].name;
}

/* The signature, streamed to the end of the spool: one Reference per
 * entry, from the digests taken when each entry was added (see
 * archive/signature.h). */
static int sign(uint64_t *out_off, uint64_t *out_len, package *p,
	const folio_archive_options *opts, folio_key_kind kind,
	const folio_cert *cert)
{
	folio_signature_input in;
	int rc;

	in.file = signed_file;
	in.ctx = p;
	in.n = p->n;
	in.key_path = opts->key_path;
	in.kind = kind;
	in.cert = cert;
	in.time = opts->time;
	*out_off = p->spool_len;
	if ((rc = folio_signature_write(out_len, p->spool.fp, &in, p->err))
		< 0)
		return rc;
	p->spool_len += *out_len;
	return spool_flush(p);
}

/* Entries in name order after mimetype, the signature in its place
 * (after META-INF/manifest.xml), each written as it is added
 * (util/zip_write.h: libzip would hold every entry until it closes). */
static int write_zip(package *p, const char *zip_path, uint64_t sig_off,
	uint64_t sig_len, int64_t t, folio_error *err)
{
	folio_zipw *z = NULL;
	size_t i;
	int rc, sig_done = 0;

	if ((rc = folio_zipw_create(&z, zip_path, t, err)) < 0)
		return rc;
	if ((rc = folio_zipw_add_mem(z, "mimetype", FOLIO_ASIC_MIMETYPE,
		strlen(FOLIO_ASIC_MIMETYPE), FOLIO_ZIP_STORE, err)) < 0)
		goto fail;
	for (i = 0; i <= p->n; i++) {
		entry *e = i < p->n ? &p->entries[i] : NULL;
		folio_zip_method method;
		if (!sig_done && (e == NULL ||
		    strcmp(e->name, SIGNATURE_ENTRY) > 0)) {
			if ((rc = folio_zipw_add_file(z, SIGNATURE_ENTRY,
				p->spool.temp_path, sig_off, sig_len, NULL,
				FOLIO_ZIP_DEFLATE, err)) < 0)
				goto fail;
			sig_done = 1;
		}
		if (e == NULL)
			break;
		/* PDFs and EPUBs are compressed already. */
		method = strcmp(e->media_type, "application/pdf") == 0 ||
			strcmp(e->media_type, "application/epub+zip") == 0 ?
			FOLIO_ZIP_STORE : FOLIO_ZIP_DEFLATE;
		/* Hashed again as they are read: a file that changed since
		 * it was hashed and signed fails the archive. */
		if (e->path)
			rc = folio_zipw_add_file(z, e->name, e->path, 0,
				e->size, e->sha256, method, err);
		else if (e->spooled)
			rc = folio_zipw_add_file(z, e->name,
				p->spool.temp_path, e->spool_off, e->len,
				e->sha256, method, err);
		else
			rc = folio_zipw_add_mem(z, e->name, e->data, e->len,
				method, err);
		if (rc < 0)
			goto fail;
		free(e->data);
		e->data = NULL;
	}
	return folio_zipw_close(z, err);
fail:
	folio_zipw_free(z);
	return rc;
}

/* verify rejects a SigningTime outside the certificate's validity, so
 * signing with one would write an archive that can never verify: say so
 * now (usually SOURCE_DATE_EPOCH older than a key made without it). */
static int signing_time_in_validity(const folio_cert *cert,
	const char *cert_path, int64_t t, folio_error *err)
{
	int64_t not_before, not_after;
	int rc = folio_cert_validity(&not_before, &not_after, cert, err);

	if (rc < 0)
		return rc;
	if (t < not_before || t > not_after)
		return folio_error_set(err, FOLIO_EUSAGE,
			"%s: expected a signing time (%lld, from "
			"SOURCE_DATE_EPOCH or the clock) inside the "
			"certificate's validity %lld..%lld, found it outside; "
			"make the key with the same SOURCE_DATE_EPOCH",
			cert_path, (long long)t, (long long)not_before,
			(long long)not_after);
	return 0;
}

int folio_archive_write(folio_archive_stats *out,
	const folio_archive_batch *batch, const folio_archive_record *in,
	size_t n, const char *zip_path, const folio_archive_options *opts,
	folio_error *err)
{
	folio_record record;
	folio_cert *cert = NULL;
	folio_key_kind kind;
	folio_buf odf = {0};
	const char **names = NULL, **types = NULL;
	uint64_t sig_off = 0, sig_len = 0;
	package p;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	memset(&record, 0, sizeof(record));
	p.err = err;
	p.batch = batch;
	if (n == 0 || n > FOLIO_ARCHIVE_MAX_RECORDS)
		return folio_error_set(err, n ? FOLIO_ELIMIT : FOLIO_EUSAGE,
			"expected 1 to %u records to archive, found %zu",
			FOLIO_ARCHIVE_MAX_RECORDS, n);
	for (i = 0; i < n; i++)
		if ((rc = check_record(&in[i], i ? in[i - 1].number : 0,
			err)) < 0)
			return rc;
	/* Check the signer before hours of work. */
	if ((rc = folio_cert_load(&cert, opts->cert_path, err)) < 0 ||
	    (rc = folio_key_check(&kind, opts->key_path, cert, err)) < 0 ||
	    (rc = signing_time_in_validity(cert, opts->cert_path, opts->time,
		err)) < 0 ||
	    (rc = folio_outfile_open(&p.spool, zip_path, err)) < 0 ||
	    (rc = folio_outfile_open(&p.cat_file, zip_path, err)) < 0 ||
	    (rc = folio_catalogue_begin(&p.cat, p.cat_file.fp, batch, err))
		< 0)
		goto done;
	/* Every entry's place at once: doubling would hold two arrays (at
	 * 400,000 entries, 38 MB and 50 MB) while it copies. */
	p.cap = 16;
	for (i = 0; i < n; i++)
		p.cap += 2u + (in[i].pdf_path != NULL ? 1u : 0u) +
			(in[i].epub_path != NULL ? 1u : 0u);
	if ((p.entries = malloc(p.cap * sizeof(*p.entries))) == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	/* Each record is written (record.xml, its catalogue row) and
	 * forgotten: only the entries' names and digests stay. */
	for (i = 0; i < n; i++) {
		rc = add_record(&p, &record, &in[i], out);
		folio_record_clear(&record);
		if (rc < 0)
			goto done;
	}
	out->records = n;
	if ((rc = add_catalogue(&p)) < 0 ||
	    (rc = add_schema(&p, "record")) < 0 ||
	    (rc = add_schema(&p, "catalogue")) < 0 ||
	    (rc = add_bag(&p, batch, opts->time, opts->bag_info_extra, out))
		< 0)
		goto done;
	names = calloc(p.n, sizeof(*names));
	types = calloc(p.n, sizeof(*types));
	if (names == NULL || types == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < p.n; i++) {
		names[i] = p.entries[i].name;
		types[i] = p.entries[i].media_type;
	}
	odf.limit = (size_t)1024 * 1024 * 1024;
	/* manifest.xml is signed like every other file (ASiC-E leaves it
	 * unsigned, so an edit of it went unnoticed): it joins the
	 * package, spooled, after the BagIt files (it is not one of the
	 * bag's tag files) and before the signature is made. Signing it,
	 * rather than having verify regenerate it and compare bytes,
	 * keeps old archives verifiable whatever a later libxml2 writes. */
	if ((rc = folio_odf_manifest_xml(&odf, names, types, p.n, err)) < 0 ||
	    (rc = add_text(&p, MANIFEST_ENTRY, &odf)) < 0)
		goto done;
	free(names);
	free(types);
	names = types = NULL;
	qsort(p.entries, p.n, sizeof(*p.entries), by_name);
	if ((rc = spool_flush(&p)) < 0 ||
	    (rc = sign(&sig_off, &sig_len, &p, opts, kind, cert)) < 0 ||
	    (rc = write_zip(&p, zip_path, sig_off, sig_len, opts->time, err))
		< 0)
		goto done;
	out->entries = p.n + 2;
done:
	folio_record_clear(&record);
	free(names);
	free(types);
	folio_buf_free(&odf);
	folio_cert_free(cert);
	package_free(&p);
	return rc;
}
