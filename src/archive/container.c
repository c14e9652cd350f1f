/* container.c - build, sign and write the archival ZIP (see archive.h). */
#include "archive/archive.h"
#include "util/epoch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive/asic.h"
#include "archive/container_impl.h"
#include "archive/crypto.h"
#include "archive/record.h"
#include "archive/signature.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/paths.h"
#include "util/xml.h"
#include "util/xml_writer.h"
#include "util/zip.h"
#include "util/zip_write.h"


/* The files outside the records' folders: the catalogue, the schemas,
 * the BagIt files and META-INF/manifest.xml (a handful, held). */
#define FIXED_MAX 16
#define FIXED_NAME_MAX 64
/* data/records/<档号>/<档号>.fig9999.jpeg, and room. */
#define RECORD_NAME_MAX (16 + FOLIO_ARCHIVE_CODE_MAX + \
	FOLIO_RECORD_FILE_NAME_MAX)

typedef struct fixed_file {
	arch_file f;
	char name[FIXED_NAME_MAX];
} fixed_file;

/* One file of the record being added. */
typedef struct record_entry {
	arch_file f;
	char name[RECORD_NAME_MAX];
} record_entry;

/* The archive being made. Every file is hashed when it is added;
 * what the later passes need of it (name, where its bytes are, size,
 * digest) goes to disk with its record (container_impl.h), so memory
 * does not grow with the number of records. What folio generates
 * (record.xml, the BagIt files, manifest.xml, the signature) is written
 * to one spool file beside the archive and read from there. */
typedef struct package {
	entry_sort *sort;
	fixed_file fixed[FIXED_MAX];
	size_t n_fixed;
	record_entry *cur;      /* the record being added */
	size_t n_cur, cap_cur;
	uint64_t payload_bytes, payload_count;
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

/* Everything spooled so far readable through the spool's path. */
static int spool_flush(package *p)
{
	if (fflush(p->spool.fp) != 0)
		return folio_error_set(p->err, FOLIO_EIO, "%s: cannot write: "
			"%m", p->spool.temp_path);
	return 0;
}

/* The SHA-256 of spool bytes [off, off + len), written by others
 * (libxml2, fprintf) and read back. */
static int hash_spool(unsigned char out[FOLIO_SHA256_LEN], package *p,
	uint64_t off, uint64_t len)
{
	folio_sha256_ctx *sha = NULL;
	unsigned char buf[65536];
	uint64_t done = 0;
	int rc;

	if ((rc = spool_flush(p)) < 0 ||
	    (rc = folio_sha256_begin(&sha, p->err)) < 0)
		return rc;
	while (done < len) {
		size_t want = len - done < sizeof(buf) ?
			(size_t)(len - done) : sizeof(buf);
		ssize_t got = pread(fileno(p->spool.fp), buf, want,
			(off_t)(off + done));
		if (got <= 0) {
			rc = folio_error_set(p->err, FOLIO_EIO, "%s: cannot "
				"read back: %s", p->spool.temp_path,
				got < 0 ? strerror(errno) : "cut short");
			goto done;
		}
		if ((rc = folio_sha256_update(sha, buf, (size_t)got, p->err))
			< 0)
			goto done;
		done += (uint64_t)got;
	}
	rc = folio_sha256_end(out, sha, p->err);
	sha = NULL;
done:
	folio_sha256_free(sha);
	return rc;
}

static fixed_file *add_fixed(package *p, const char *name)
{
	fixed_file *x;

	if (p->n_fixed == FIXED_MAX || strlen(name) >= FIXED_NAME_MAX)
		return NULL;
	x = &p->fixed[p->n_fixed++];
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->f.name = x->name;
	return x;
}

/* A generated file outside the records: spool bytes [off, off + len),
 * hashed from there. */
static int add_fixed_spooled(package *p, const char *name, uint64_t off,
	uint64_t len)
{
	fixed_file *x = add_fixed(p, name);

	if (x == NULL)
		return folio_error_set(p->err, FOLIO_ELIMIT, "%s: one file too "
			"many outside the records", name);
	x->f.path = p->spool.temp_path;
	x->f.off = off;
	x->f.size = len;
	if (strncmp(name, "data/", 5) == 0) {
		p->payload_bytes += len;
		p->payload_count++;
	}
	return hash_spool(x->f.sha256, p, off, len);
}

/* buf's bytes to the spool, as such a file; buf is freed. */
static int add_fixed_buf(package *p, const char *name, folio_buf *buf)
{
	uint64_t off = p->spool_len;
	size_t len = buf->len;
	int rc = 0;

	if (len > 0 && fwrite(buf->data, 1, len, p->spool.fp) != len)
		rc = folio_error_set(p->err, FOLIO_EIO, "%s: cannot write: %m",
			p->spool.temp_path);
	folio_buf_free(buf);
	if (rc < 0)
		return rc;
	p->spool_len += len;
	return add_fixed_spooled(p, name, off, len);
}

static int fixed_by_name(const void *a, const void *b)
{
	return strcmp(((const fixed_file *)a)->name,
		((const fixed_file *)b)->name);
}

static void sort_fixed(package *p)
{
	size_t i;

	qsort(p->fixed, p->n_fixed, sizeof(*p->fixed), fixed_by_name);
	for (i = 0; i < p->n_fixed; i++)
		p->fixed[i].f.name = p->fixed[i].name;
}

/* A new file of the record being added. */
static record_entry *add_cur(package *p, const char *code,
	const char *file_name)
{
	record_entry *e;
	int n;

	if (p->n_cur == p->cap_cur) {
		size_t cap = p->cap_cur ? 2 * p->cap_cur : 8;
		e = realloc(p->cur, cap * sizeof(*e));
		if (e == NULL)
			return NULL;
		p->cur = e;
		p->cap_cur = cap;
	}
	e = &p->cur[p->n_cur];
	memset(e, 0, sizeof(*e));
	n = snprintf(e->name, sizeof(e->name), "data/records/%s/%s", code,
		file_name);
	if (n < 0 || (size_t)n >= sizeof(e->name))
		return NULL;
	e->f.name = e->name;
	p->n_cur++;
	return e;
}

static int add_file(package *p, const char *code, const char *file_name,
	const char *path, record_entry **out)
{
	record_entry *e = add_cur(p, code, file_name);
	int rc;

	if (e == NULL)
		return folio_error_set(p->err, FOLIO_ENOMEM, "%s: %s: out of "
			"memory or name too long", code, file_name);
	e->f.path = path;
	if ((rc = folio_sha256_file(e->f.sha256, &e->f.size, path, p->err))
		< 0)
		return rc;
	if (out)
		*out = e;
	return 0;
}

/* The record's generated record.xml, hashed and spooled; buf freed. */
static int add_record_xml(package *p, const char *code, folio_buf *buf)
{
	record_entry *e = add_cur(p, code, "record.xml");
	int rc = 0;

	if (e == NULL)
		rc = folio_error_set(p->err, FOLIO_ENOMEM, "out of memory");
	else if ((rc = folio_sha256(e->f.sha256, buf->data ? buf->data : "",
		buf->len, p->err)) == 0 && buf->len > 0 &&
	    fwrite(buf->data, 1, buf->len, p->spool.fp) != buf->len)
		rc = folio_error_set(p->err, FOLIO_EIO, "%s: cannot write: %m",
			p->spool.temp_path);
	if (rc == 0) {
		e->f.path = p->spool.temp_path;
		e->f.off = p->spool_len;
		e->f.size = buf->len;
		p->spool_len += buf->len;
	}
	folio_buf_free(buf);
	return rc;
}

/* The record's files, hashed, go to disk as one group. */
static int record_done(package *p, const char *code)
{
	char key[RECORD_NAME_MAX];
	size_t i;

	snprintf(key, sizeof(key), "data/records/%s/", code);
	for (i = 0; i < p->n_cur; i++) {
		p->payload_bytes += p->cur[i].f.size;
		p->payload_count++;
	}
	{
		arch_file *files = malloc((p->n_cur ? p->n_cur : 1) *
			sizeof(*files));
		int rc;
		if (files == NULL)
			return folio_error_set(p->err, FOLIO_ENOMEM,
				"out of memory");
		/* (p->cur may have moved since the names were set.) */
		for (i = 0; i < p->n_cur; i++) {
			files[i] = p->cur[i].f;
			files[i].name = p->cur[i].name;
		}
		rc = entry_sort_add(p->sort, key, files, p->n_cur, p->err);
		free(files);
		p->n_cur = 0;
		return rc;
	}
}

static void package_free(package *p)
{
	entry_sort_free(p->sort);
	free(p->cur);
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
	const char *path, record_entry **out)
{
	folio_record_file *f;
	record_entry *e = NULL;
	int rc;

	if (r->n_files >= FOLIO_RECORD_MAX_FILES)
		return folio_error_set(p->err, FOLIO_ELIMIT,
			"%s: too many files", r->code);
	if ((rc = add_file(p, r->code, file_name, path, &e)) < 0)
		return rc;
	f = &r->files[r->n_files++];
	snprintf(f->name, sizeof(f->name), "%s", file_name);
	f->media_type = folio_media_type(e->name);
	f->size = e->f.size;
	memcpy(f->sha256, e->f.sha256, FOLIO_SHA256_LEN);
	if (out)
		*out = e;
	return 0;
}

/* The figures' image files, <档号>.figN.png|jpg in the record folder,
 * described in r->images (freed by the caller after record.xml). */
static int record_images(package *p, folio_record *r,
	const folio_archive_record *in)
{
	folio_record_file *files;
	record_entry *e;
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
		if ((rc = add_file(p, r->code, f->name, im->path, &e)) < 0)
			return rc;
		if (im->sha256 != NULL &&
		    memcmp(im->sha256, e->f.sha256, FOLIO_SHA256_LEN) != 0)
			return folio_error_set(p->err, FOLIO_EINPUT, "%s: record "
				"%s: the image changed since its outputs were "
				"made; build it again", im->path, r->code);
		f->src = im->src;
		f->media_type = folio_media_type(e->name);
		f->size = e->f.size;
		memcpy(f->sha256, e->f.sha256, FOLIO_SHA256_LEN);
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
	record_entry *e = NULL;
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
	    memcmp(in->source_sha256, e->f.sha256, FOLIO_SHA256_LEN) != 0) {
		folio_sha256_hex(have, e->f.sha256);
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
	if (rc < 0 || (rc = add_record_xml(p, r->code, &xml)) < 0) {
		folio_buf_free(&xml);
		return rc;
	}
	if ((rc = record_done(p, r->code)) < 0)
		return rc;
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
	fixed_file *x;
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
	if ((x = add_fixed(p, "data/catalogue.xml")) == NULL) {
		rc = folio_error_set(p->err, FOLIO_ELIMIT, "data/catalogue.xml:"
			" one file too many outside the records");
		goto done;
	}
	x->f.path = p->cat_file.temp_path;
	x->f.size = len;
	p->payload_bytes += len;
	p->payload_count++;
	rc = folio_sha256_end(x->f.sha256, b.sha, p->err);
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
	return add_fixed_buf(p, name, &b);
}

/* Every file of the archive so far in name order: the records' files
 * from the sorted spool (container_impl.h) merged with the fixed ones. */
typedef struct pass {
	package *p;
	entry_walk *w;
	const arch_file *rec;   /* the walk's next file, NULL at its end */
	int advance;            /* rec was handed out: read the next first */
	size_t at;              /* next fixed file */
} pass;

static int pass_begin(pass *ps, package *p)
{
	int rc;

	memset(ps, 0, sizeof(*ps));
	ps->p = p;
	sort_fixed(p);
	if ((rc = entry_walk_open(&ps->w, p->sort, p->err)) < 0)
		return rc;
	return entry_walk_next(ps->w, &ps->rec, p->err);
}

/* *out the next file, NULL at the end. */
static int pass_next(pass *ps, const arch_file **out)
{
	const arch_file *f;
	int rc;

	*out = NULL;
	if (ps->advance) {
		ps->advance = 0;
		if ((rc = entry_walk_next(ps->w, &ps->rec, ps->p->err)) < 0)
			return rc;
	}
	f = ps->at < ps->p->n_fixed ? &ps->p->fixed[ps->at].f : NULL;
	if (ps->rec != NULL && (f == NULL ||
	    strcmp(ps->rec->name, f->name) < 0)) {
		*out = ps->rec;
		ps->advance = 1;
	} else if (f != NULL) {
		*out = f;
		ps->at++;
	}
	return 0;
}

static void pass_end(pass *ps)
{
	entry_walk_free(ps->w);
	ps->w = NULL;
}

/* Files of the archive so far (the signature and mimetype aside). */
static uint64_t file_count(const package *p)
{
	return entry_sort_count(p->sort) + p->n_fixed;
}

/* manifest-sha256.txt: one line per payload file, written to the
 * spool as the pass goes. */
static int bag_manifest(package *p)
{
	char hex[2 * FOLIO_SHA256_LEN + 1];
	uint64_t off = p->spool_len, len = 0;
	const arch_file *f;
	pass ps;
	int rc, n;

	if ((rc = pass_begin(&ps, p)) < 0)
		goto done;
	while ((rc = pass_next(&ps, &f)) == 0 && f != NULL) {
		folio_sha256_hex(hex, f->sha256);
		if ((n = fprintf(p->spool.fp, "%s  %s\n", hex, f->name)) < 0) {
			rc = folio_error_set(p->err, FOLIO_EIO, "%s: cannot "
				"write: %m", p->spool.temp_path);
			goto done;
		}
		len += (uint64_t)n;
	}
	if (rc < 0)
		goto done;
	p->spool_len += len;
	rc = add_fixed_spooled(p, "manifest-sha256.txt", off, len);
done:
	pass_end(&ps);
	return rc;
}

/* BagIt tag files over the payload (data/) files present so far. */
static int add_bag(package *p, const folio_archive_batch *m, int64_t t,
	const char *extra,
	folio_archive_stats *st)
{
	folio_buf b = {0};
	char hex[2 * FOLIO_SHA256_LEN + 1], date[16];
	uint64_t bytes = p->payload_bytes, count = p->payload_count;
	time_t tt = (time_t)t;
	struct tm tm;
	size_t i;
	int rc;

	st->payload_bytes = bytes;
	if ((rc = bag_manifest(p)) < 0)
		return rc;
	if (folio_buf_puts(&b, "BagIt-Version: 1.0\n"
		"Tag-File-Character-Encoding: UTF-8\n") < 0)
		goto nomem;
	if ((rc = add_fixed_buf(p, "bagit.txt", &b)) < 0)
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
	if ((rc = add_fixed_buf(p, "bag-info.txt", &b)) < 0)
		return rc;
	/* The tag files are all outside data/, so all fixed. */
	sort_fixed(p);
	for (i = 0; i < p->n_fixed; i++) {
		if (strncmp(p->fixed[i].name, "data/", 5) == 0)
			continue;
		folio_sha256_hex(hex, p->fixed[i].f.sha256);
		if (folio_buf_printf(&b, "%s  %s\n", hex, p->fixed[i].name)
			< 0)
			goto nomem;
	}
	return add_fixed_buf(p, "tagmanifest-sha256.txt", &b);
nomem:
	folio_buf_free(&b);
	return folio_error_set(p->err, FOLIO_ENOMEM, "out of memory");
}

/* META-INF/manifest.xml (ODF): the package's root, then every file
 * so far with its media type, streamed to the spool (built in memory,
 * the document would hold 50 MB at 400,000 files). */
static int odf_manifest(package *p)
{
	uint64_t off = p->spool_len, len;
	const arch_file *f = NULL;
	folio_xmlw *w = NULL;
	pass ps;
	int rc;

	memset(&ps, 0, sizeof(ps));
	if ((rc = folio_xmlw_new_file(&w, p->spool.fp, MANIFEST_ENTRY, "  ",
		p->err)) < 0 ||
	    (rc = pass_begin(&ps, p)) < 0)
		goto done;
	folio_xmlw_start_ns(w, "manifest", "manifest", NS_ODF);
	folio_xmlw_attr_ns(w, "manifest", "version", NULL, "1.2");
	folio_xmlw_start_ns(w, "manifest", "file-entry", NULL);
	folio_xmlw_attr_ns(w, "manifest", "full-path", NULL, "/");
	folio_xmlw_attr_ns(w, "manifest", "media-type", NULL,
		FOLIO_ASIC_MIMETYPE);
	folio_xmlw_end(w);
	while (folio_xmlw_status(w) == 0 &&
	    (rc = pass_next(&ps, &f)) == 0 && f != NULL) {
		folio_xmlw_start_ns(w, "manifest", "file-entry", NULL);
		folio_xmlw_attr_ns(w, "manifest", "full-path", NULL, f->name);
		folio_xmlw_attr_ns(w, "manifest", "media-type", NULL,
			folio_media_type(f->name));
		folio_xmlw_end(w);
	}
	if (rc < 0)
		goto done;
	folio_xmlw_end(w);
	if ((rc = folio_xmlw_close(w)) < 0)
		goto done;
	len = folio_xmlw_bytes(w);
	p->spool_len += len;
	rc = add_fixed_spooled(p, MANIFEST_ENTRY, off, len);
done:
	pass_end(&ps);
	folio_xmlw_free(w);
	return rc;
}

/* The signature's files, one pass in order (folio_signature_write asks
 * for them once each, i = 0, 1, ...). */
typedef struct sig_files {
	pass ps;
	int rc;
} sig_files;

static const char *signed_file(void *ctx, size_t i,
	const unsigned char **out_sha256)
{
	static const unsigned char none[FOLIO_SHA256_LEN];
	sig_files *s = ctx;
	const arch_file *f = NULL;

	(void)i;
	*out_sha256 = none;
	if (s->rc == 0 && (s->rc = pass_next(&s->ps, &f)) == 0 && f == NULL)
		s->rc = folio_error_set(s->ps.p->err, FOLIO_EIO, "the "
			"archive's files ended before the signature's");
	if (s->rc < 0 || f == NULL)
		return "";
	*out_sha256 = f->sha256;
	return f->name;
}

/* The signature, streamed to the end of the spool: one Reference per
 * file, from the digests taken when each was added (see
 * archive/signature.h). */
static int sign(uint64_t *out_off, uint64_t *out_len, package *p,
	const folio_archive_options *opts, folio_key_kind kind,
	const folio_cert *cert)
{
	folio_signature_input in;
	sig_files s;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = pass_begin(&s.ps, p)) < 0)
		goto done;
	in.file = signed_file;
	in.ctx = &s;
	in.n = (size_t)file_count(p);
	in.key_path = opts->key_path;
	in.kind = kind;
	in.cert = cert;
	in.time = opts->time;
	*out_off = p->spool_len;
	rc = folio_signature_write(out_len, p->spool.fp, &in, p->err);
	if (s.rc < 0)
		rc = s.rc;
	if (rc < 0)
		goto done;
	p->spool_len += *out_len;
	rc = spool_flush(p);
done:
	pass_end(&s.ps);
	return rc;
}

/* Entries in name order after mimetype, the signature in its place
 * (after META-INF/manifest.xml), each written as it is added
 * (util/zip_write.h: libzip would hold every entry until it closes). */
static int write_zip(package *p, const char *zip_path, uint64_t sig_off,
	uint64_t sig_len, int64_t t, folio_error *err)
{
	char last[FOLIO_ZIP_MAX_NAME + 1] = "";
	const arch_file *f = NULL;
	folio_zipw *z = NULL;
	int rc, sig_done = 0;
	pass ps;

	memset(&ps, 0, sizeof(ps));
	if ((rc = folio_zipw_create(&z, zip_path, t, err)) < 0 ||
	    (rc = folio_zipw_add_mem(z, "mimetype", FOLIO_ASIC_MIMETYPE,
		strlen(FOLIO_ASIC_MIMETYPE), FOLIO_ZIP_STORE, err)) < 0 ||
	    (rc = pass_begin(&ps, p)) < 0)
		goto fail;
	for (;;) {
		const char *type;
		if ((rc = pass_next(&ps, &f)) < 0)
			goto fail;
		if (!sig_done && (f == NULL ||
		    strcmp(f->name, SIGNATURE_ENTRY) > 0)) {
			if ((rc = folio_zipw_add_file(z, SIGNATURE_ENTRY,
				p->spool.temp_path, sig_off, sig_len, NULL,
				FOLIO_ZIP_DEFLATE, err)) < 0)
				goto fail;
			sig_done = 1;
		}
		if (f == NULL)
			break;
		/* Names strictly ascending: none twice. */
		if (strcmp(last, f->name) >= 0) {
			rc = folio_error_set(err, FOLIO_EUSAGE, "%s: %s twice "
				"in the archive", zip_path, f->name);
			goto fail;
		}
		snprintf(last, sizeof(last), "%s", f->name);
		/* PDFs and EPUBs are compressed already. Every file is
		 * hashed again as it is read: one that changed since it was
		 * hashed and signed fails the archive. */
		type = folio_media_type(f->name);
		if ((rc = folio_zipw_add_file(z, f->name, f->path, f->off,
			f->size, f->sha256,
			strcmp(type, "application/pdf") == 0 ||
			strcmp(type, "application/epub+zip") == 0 ?
			FOLIO_ZIP_STORE : FOLIO_ZIP_DEFLATE, err)) < 0)
			goto fail;
	}
	pass_end(&ps);
	return folio_zipw_close(z, err);
fail:
	pass_end(&ps);
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

/* The archive being written, between folio_archive_begin and _end. */
struct folio_archive_writer {
	package p;
	folio_cert *cert;
	folio_key_kind kind;
	const folio_archive_batch *batch;
	const folio_archive_options *opts;
	char *zip_path;
	unsigned last_number;      /* 件号 of the record added last */
	folio_archive_stats st;
	int rc;                    /* the first failure: the rest refused */
};

void folio_archive_abort(folio_archive_writer *w)
{
	if (w == NULL)
		return;
	folio_cert_free(w->cert);
	package_free(&w->p);
	free(w->zip_path);
	free(w);
}

int folio_archive_begin(folio_archive_writer **out,
	const folio_archive_batch *batch, const char *zip_path,
	const folio_archive_options *opts, folio_error *err)
{
	folio_archive_writer *w = calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	if (w == NULL || (w->zip_path = strdup(zip_path)) == NULL) {
		free(w);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	w->batch = batch;
	w->opts = opts;
	w->p.batch = batch;
	w->p.err = err;
	/* Check the signer before hours of work. */
	if ((rc = folio_cert_load(&w->cert, opts->cert_path, err)) < 0 ||
	    (rc = folio_key_check(&w->kind, opts->key_path, w->cert,
		err)) < 0 ||
	    (rc = signing_time_in_validity(w->cert, opts->cert_path,
		opts->time, err)) < 0 ||
	    (rc = folio_outfile_open(&w->p.spool, zip_path, err)) < 0 ||
	    (rc = folio_outfile_open(&w->p.cat_file, zip_path, err)) < 0 ||
	    (rc = entry_sort_new(&w->p.sort, zip_path, err)) < 0 ||
	    (rc = folio_catalogue_begin(&w->p.cat, w->p.cat_file.fp, batch,
		err)) < 0) {
		folio_archive_abort(w);
		return rc;
	}
	*out = w;
	return 0;
}

int folio_archive_add(folio_archive_writer *w,
	const folio_archive_record *in, folio_error *err)
{
	folio_record record;
	int rc;

	if (w->rc < 0)
		return folio_error_set(err, FOLIO_EUSAGE, "the archive "
			"already failed: nothing more can be added");
	w->p.err = err;
	if (w->st.records >= FOLIO_ARCHIVE_MAX_RECORDS)
		rc = folio_error_set(err, FOLIO_ELIMIT, "expected at most %u "
			"records to archive, found more",
			FOLIO_ARCHIVE_MAX_RECORDS);
	else
		rc = check_record(in, w->last_number, err);
	/* Each record is written (its files hashed, record.xml, its
	 * catalogue row) and forgotten: what the archive needs of its
	 * files goes to disk. */
	memset(&record, 0, sizeof(record));
	if (rc == 0)
		rc = add_record(&w->p, &record, in, &w->st);
	folio_record_clear(&record);
	if (rc < 0)
		return w->rc = rc;
	w->last_number = in->number;
	w->st.records++;
	return 0;
}

int folio_archive_end(folio_archive_stats *out, folio_archive_writer *w,
	folio_error *err)
{
	package *p = &w->p;
	uint64_t sig_off = 0, sig_len = 0;
	int rc = w->rc;

	memset(out, 0, sizeof(*out));
	p->err = err;
	if (rc < 0)
		rc = folio_error_set(err, FOLIO_EUSAGE, "the archive failed "
			"while records were added: not written");
	else if (w->st.records == 0)
		rc = folio_error_set(err, FOLIO_EUSAGE, "expected 1 to %u "
			"records to archive, found none",
			FOLIO_ARCHIVE_MAX_RECORDS);
	if (rc < 0)
		goto done;
	/* manifest.xml is signed like every other file (ASiC-E leaves it
	 * unsigned, so an edit of it went unnoticed): it joins the
	 * package, spooled, after the BagIt files (it is not one of the
	 * bag's tag files) and before the signature is made. Signing it,
	 * rather than having verify regenerate it and compare bytes,
	 * keeps old archives verifiable whatever a later libxml2 writes. */
	if ((rc = entry_sort_finish(p->sort, err)) < 0 ||
	    (rc = add_catalogue(p)) < 0 ||
	    (rc = add_schema(p, "record")) < 0 ||
	    (rc = add_schema(p, "catalogue")) < 0 ||
	    (rc = add_bag(p, w->batch, w->opts->time,
		w->opts->bag_info_extra, &w->st)) < 0 ||
	    (rc = odf_manifest(p)) < 0 ||
	    (rc = spool_flush(p)) < 0 ||
	    (rc = sign(&sig_off, &sig_len, p, w->opts, w->kind, w->cert))
		< 0 ||
	    (rc = write_zip(p, w->zip_path, sig_off, sig_len, w->opts->time,
		err)) < 0)
		goto done;
	w->st.entries = (size_t)file_count(p) + 2;
	*out = w->st;
done:
	folio_archive_abort(w);
	return rc;
}

int folio_archive_write(folio_archive_stats *out,
	const folio_archive_batch *batch, const folio_archive_record *in,
	size_t n, const char *zip_path, const folio_archive_options *opts,
	folio_error *err)
{
	folio_archive_writer *w = NULL;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n > FOLIO_ARCHIVE_MAX_RECORDS)
		return folio_error_set(err, n ? FOLIO_ELIMIT : FOLIO_EUSAGE,
			"expected 1 to %u records to archive, found %zu",
			FOLIO_ARCHIVE_MAX_RECORDS, n);
	/* A record the caller got wrong is refused before any work. */
	for (i = 0; i < n; i++)
		if ((rc = check_record(&in[i], i ? in[i - 1].number : 0,
			err)) < 0)
			return rc;
	if ((rc = folio_archive_begin(&w, batch, zip_path, opts, err)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = folio_archive_add(w, &in[i], err)) < 0) {
			folio_archive_abort(w);
			return rc;
		}
	return folio_archive_end(out, w, err);
}
