/* container.c - build, sign and write the archival ZIP (see archive.h). */
#include "archive/archive.h"
#include "util/epoch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "archive/asic.h"
#include "archive/crypto.h"
#include "archive/record.h"
#include "archive/xmlsig.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/paths.h"
#include "util/xml.h"
#include "util/zip.h"

#define X(s) ((const xmlChar *)(s))
#define SIG_ID "S0"

/* One file of the archive other than mimetype and META-INF/. Its bytes
 * are in a file streamed at zip close: the source's own (path), or, for
 * what we generate, a stretch of the spool file (spooled); in memory
 * (data) only when they are empty or no spool could be made. */
typedef struct entry {
	char *name;
	const char *media_type;
	char *path;             /* streamed from here, or NULL */
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

/* Everything spooled so far readable by others (xmlsec, libzip). */
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

	if (e == NULL || (e->path = strdup(path)) == NULL)
		return folio_error_set(p->err, FOLIO_ENOMEM, "out of memory");
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
		free(p->entries[i].path);
		free(p->entries[i].data);
	}
	free(p->entries);
	folio_outfile_abort(&p->spool);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The record's metadata, copied (the records are kept until the
 * catalogue is written). */
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
	return 0;
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

/* The signature template: every entry by reference, then the signed
 * properties; xmlsec fills the digests, the value and the certificate. */
static int signature_template(folio_buf *out, const package *p,
	folio_key_kind kind, const folio_cert *cert, int64_t t,
	folio_error *err)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	unsigned char cert_digest[FOLIO_SHA256_LEN];
	char uri[3 * FOLIO_ZIP_MAX_NAME + 1], when[32];
	folio_buf b64 = {0};
	const unsigned char *der;
	size_t der_len, i;
	time_t tt = (time_t)t;
	struct tm tm;
	int bad = 0, rc = 0;

	if (w == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	der = folio_cert_der(cert, &der_len);
	if ((rc = folio_sha256(cert_digest, der, der_len, err)) < 0)
		goto done;
	if (folio_base64_append(&b64, cert_digest, sizeof(cert_digest)) < 0) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	gmtime_r(&tt, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

#define S(prefix, name) bad |= xmlTextWriterStartElementNS(w, X(prefix), \
	X(name), NULL) < 0
#define A(name, value) bad |= xmlTextWriterWriteAttribute(w, X(name), \
	X(value)) < 0
#define E() bad |= xmlTextWriterEndElement(w) < 0
#define T(prefix, name, text) bad |= xmlTextWriterWriteElementNS(w, \
	X(prefix), X(name), NULL, X(text)) < 0
	/* Indented for the person who opens it in 2040; the white space is
	 * covered by the signature like everything else. */
	bad |= xmlTextWriterSetIndent(w, 1) < 0;
	bad |= xmlTextWriterSetIndentString(w, X(" ")) < 0;
	bad |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	bad |= xmlTextWriterStartElementNS(w, X("asic"),
		X("XAdESSignatures"), X(NS_ASIC)) < 0;
	bad |= xmlTextWriterWriteAttributeNS(w, X("xmlns"), X("ds"), NULL,
		X(NS_DS)) < 0;
	bad |= xmlTextWriterWriteAttributeNS(w, X("xmlns"), X("xades"), NULL,
		X(NS_XADES)) < 0;
	S("ds", "Signature");
	A("Id", SIG_ID);
	S("ds", "SignedInfo");
	S("ds", "CanonicalizationMethod");
	A("Algorithm", ALG_EXC_C14N);
	E();
	S("ds", "SignatureMethod");
	A("Algorithm", kind == FOLIO_KEY_EC ? ALG_ECDSA_SHA256 :
		ALG_RSA_SHA256);
	E();
	for (i = 0; i < p->n && !bad; i++) {
		if (folio_uri_encode(uri, sizeof(uri), p->entries[i].name)
			< 0) {
			rc = folio_error_set(err, FOLIO_ELIMIT,
				"%s: name too long for a URI",
				p->entries[i].name);
			goto done;
		}
		S("ds", "Reference");
		A("URI", uri);
		S("ds", "DigestMethod");
		A("Algorithm", ALG_SHA256);
		E();
		T("ds", "DigestValue", "");
		E();
	}
	S("ds", "Reference");
	A("Type", TYPE_SIGNED_PROPS);
	A("URI", "#" SIG_ID "-SignedProperties");
	S("ds", "Transforms");
	S("ds", "Transform");
	A("Algorithm", ALG_EXC_C14N);
	E();
	E();
	S("ds", "DigestMethod");
	A("Algorithm", ALG_SHA256);
	E();
	T("ds", "DigestValue", "");
	E();
	E(); /* SignedInfo */
	S("ds", "SignatureValue");
	A("Id", SIG_ID "-SignatureValue");
	E();
	S("ds", "KeyInfo");
	S("ds", "X509Data");
	T("ds", "X509Certificate", "");
	E();
	E();
	S("ds", "Object");
	S("xades", "QualifyingProperties");
	A("Target", "#" SIG_ID);
	S("xades", "SignedProperties");
	A("Id", SIG_ID "-SignedProperties");
	S("xades", "SignedSignatureProperties");
	T("xades", "SigningTime", when);
	S("xades", "SigningCertificateV2");
	S("xades", "Cert");
	S("xades", "CertDigest");
	S("ds", "DigestMethod");
	A("Algorithm", ALG_SHA256);
	E();
	T("ds", "DigestValue", b64.data);
	E();
	E();
	E();
	E(); /* SignedSignatureProperties */
	E(); /* SignedProperties */
	E(); /* QualifyingProperties */
	E(); /* Object */
	E(); /* Signature */
	E(); /* XAdESSignatures */
	bad |= xmlTextWriterEndDocument(w) < 0;
#undef S
#undef A
#undef E
#undef T
	xmlFreeTextWriter(w);
	w = NULL;
	if (bad) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"libxml2 could not write the signature template");
		goto done;
	}
	if (folio_buf_append(out, xmlBufferContent(buf),
		(size_t)xmlBufferLength(buf)) < 0)
		rc = folio_error_set(err, FOLIO_ELIMIT,
			"signature template exceeds the buffer limit");
done:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	folio_buf_free(&b64);
	return rc;
}

/* Reading side of the IO that xmlsec gets while signing. */
typedef struct sign_handle {
	const entry *e;
	FILE *fp;
	uint64_t left;          /* bytes of the entry left in fp */
	size_t pos;
} sign_handle;

static void *sign_open(void *ctx, const char *name)
{
	const package *p = ctx;
	entry key;
	const entry *e;
	sign_handle *h;

	key.name = (char *)(uintptr_t)name;
	e = bsearch(&key, p->entries, p->n, sizeof(*p->entries), by_name);
	if (e == NULL || (h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->e = e;
	h->left = UINT64_MAX;
	if (e->path != NULL && (h->fp = fopen(e->path, "rb")) == NULL) {
		free(h);
		return NULL;
	}
	if (e->spooled) {
		h->fp = fopen(p->spool.temp_path, "rb");
		h->left = e->len;
		if (h->fp == NULL || fseeko(h->fp, (off_t)e->spool_off,
			SEEK_SET) != 0) {
			if (h->fp != NULL)
				fclose(h->fp);
			free(h);
			return NULL;
		}
	}
	return h;
}

static int sign_read(void *vh, char *buf, int len)
{
	sign_handle *h = vh;
	size_t n;

	if (len <= 0)
		return 0;
	if (h->fp != NULL) {
		n = (size_t)len;
		if (n > h->left)
			n = (size_t)h->left;
		n = fread(buf, 1, n, h->fp);
		h->left -= n;
		return ferror(h->fp) ? -1 : (int)n;
	}
	n = h->e->len - h->pos;
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(buf, h->e->data + h->pos, n);
	h->pos += n;
	return (int)n;
}

static void sign_close(void *vh)
{
	sign_handle *h = vh;

	if (h->fp != NULL)
		fclose(h->fp);
	free(h);
}

/* The digests xmlsec computed must be the ones we computed: otherwise a
 * file changed between hashing and signing. */
static int compare_digests(xmlDocPtr doc, const package *p,
	folio_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n, si = NULL, c;
	folio_buf b64 = {0};
	size_t i = 0;
	int rc = 0;

	for (n = root ? root->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			for (si = n->children; si && !(si->type ==
				XML_ELEMENT_NODE && xmlStrEqual(si->name,
				X("SignedInfo"))); si = si->next)
				;
	for (n = si ? si->children : NULL; n && i < p->n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    !xmlStrEqual(n->name, X("Reference")))
			continue;
		for (c = n->children; c && !(c->type == XML_ELEMENT_NODE &&
			xmlStrEqual(c->name, X("DigestValue"))); c = c->next)
			;
		folio_buf_reset(&b64);
		if (folio_base64_append(&b64, p->entries[i].sha256,
			FOLIO_SHA256_LEN) < 0) {
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
			break;
		}
		{
			xmlChar *v = c ? xmlNodeGetContent(c) : NULL;
			int same = v && strcmp((const char *)v, b64.data) == 0;
			xmlFree(v);
			if (!same) {
				rc = folio_error_set(err, FOLIO_EIO,
					"%s: changed while being archived "
					"(its digest differs between two "
					"reads)", p->entries[i].path ?
					p->entries[i].path :
					p->entries[i].name);
				break;
			}
		}
		i++;
	}
	if (rc == 0 && i != p->n)
		rc = folio_error_set(err, FOLIO_ELIB,
			"signature has %zu references, expected %zu", i, p->n);
	folio_buf_free(&b64);
	return rc;
}

static int sign(folio_buf *out, package *p, const char *key_path,
	const char *cert_path, folio_key_kind kind, const folio_cert *cert,
	int64_t t, folio_error *err)
{
	folio_xml_limits limits = {(size_t)1024 * 1024 * 1024, 0};
	folio_sig_io io = {p, sign_open, sign_read, sign_close};
	folio_buf tpl = {0};
	xmlChar *mem = NULL;
	void *doc = NULL;
	int size = 0, rc;

	tpl.limit = (size_t)1024 * 1024 * 1024;
	if ((rc = signature_template(&tpl, p, kind, cert, t, err)) < 0 ||
	    (rc = folio_xml_parse_memory(&doc, tpl.data, tpl.len,
		SIGNATURE_ENTRY, &limits, err)) < 0)
		goto done;
	/* At scale the tree and xmlsec's state are the peak: hold nothing
	 * else of the signature while they live. */
	folio_buf_free(&tpl);
	if ((rc = folio_xmlsig_sign(doc, key_path, cert_path, &io, err)) < 0 ||
	    (rc = compare_digests(doc, p, err)) < 0)
		goto done;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	folio_xml_free(doc);
	doc = NULL;
	if (mem == NULL || size <= 0) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"libxml2 could not write the signature");
		goto done;
	}
	out->limit = tpl.limit;
	if (folio_buf_append(out, mem, (size_t)size) < 0)
		rc = folio_error_set(err, FOLIO_ELIMIT,
			"signature exceeds the buffer limit");
done:
	xmlFree(mem);
	folio_xml_free(doc);
	folio_buf_free(&tpl);
	return rc;
}

/* Entries in name order after mimetype, the signature in its place
 * (after META-INF/manifest.xml). Our in-memory copies are dropped as
 * soon as libzip holds its own (folio_zip_add_mem copies), so the peak
 * holds one copy, not two. */
static int write_zip(package *p, const char *zip_path, folio_buf *sig,
	int64_t t, folio_error *err)
{
	folio_zip *z = NULL;
	size_t i;
	int rc, sig_done = 0;

	if ((rc = folio_zip_create(&z, zip_path, t, err)) < 0)
		return rc;
	if ((rc = folio_zip_add_mem(z, "mimetype", FOLIO_ASIC_MIMETYPE,
		strlen(FOLIO_ASIC_MIMETYPE), FOLIO_ZIP_STORE, err)) < 0)
		goto fail;
	for (i = 0; i <= p->n; i++) {
		entry *e = i < p->n ? &p->entries[i] : NULL;
		folio_zip_method method;
		if (!sig_done && (e == NULL ||
		    strcmp(e->name, SIGNATURE_ENTRY) > 0)) {
			if ((rc = folio_zip_add_mem(z, SIGNATURE_ENTRY,
				sig->data, sig->len, FOLIO_ZIP_DEFLATE, err)) < 0)
				goto fail;
			folio_buf_free(sig);
			sig_done = 1;
		}
		if (e == NULL)
			break;
		/* PDFs and EPUBs are compressed already. */
		method = strcmp(e->media_type, "application/pdf") == 0 ||
			strcmp(e->media_type, "application/epub+zip") == 0 ?
			FOLIO_ZIP_STORE : FOLIO_ZIP_DEFLATE;
		if (e->path)
			rc = folio_zip_add_file(z, e->name, e->path, method,
				err);
		else if (e->spooled)
			rc = folio_zip_add_file_part(z, e->name,
				p->spool.temp_path, e->spool_off, e->len,
				method, err);
		else
			rc = folio_zip_add_mem(z, e->name, e->data, e->len,
				method, err);
		if (rc < 0)
			goto fail;
		free(e->data);
		e->data = NULL;
	}
	return folio_zip_close(z, err);
fail:
	folio_zip_free(z);
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
	folio_record *records = NULL;
	folio_cert *cert = NULL;
	folio_key_kind kind;
	folio_buf cat = {0}, odf = {0}, sig = {0};
	const char **names = NULL, **types = NULL;
	package p;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
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
	    (rc = folio_outfile_open(&p.spool, zip_path, err)) < 0)
		goto done;
	records = calloc(n, sizeof(*records));
	if (records == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		if ((rc = add_record(&p, &records[i], &in[i], out)) < 0)
			goto done;
	out->records = n;
	cat.limit = (size_t)1024 * 1024 * 1024;
	if ((rc = folio_catalogue_xml(&cat, batch, records, n, err)) < 0)
		goto done;
	/* The records were kept for the catalogue only. */
	for (i = 0; i < n; i++)
		folio_record_clear(&records[i]);
	free(records);
	records = NULL;
	if ((rc = add_mem(&p, "data/catalogue.xml", &cat, NULL)) < 0 ||
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
	qsort(p.entries, p.n, sizeof(*p.entries), by_name);
	if ((rc = spool_flush(&p)) < 0 ||
	    (rc = sign(&sig, &p, opts->key_path, opts->cert_path, kind, cert,
		opts->time, err)) < 0 ||
	    (rc = write_zip(&p, zip_path, &sig, opts->time, err)) < 0)
		goto done;
	out->entries = p.n + 2;
done:
	if (records != NULL)
		for (i = 0; i < n; i++)
			folio_record_clear(&records[i]);
	free(records);
	free(names);
	free(types);
	folio_buf_free(&cat);
	folio_buf_free(&odf);
	folio_buf_free(&sig);
	folio_cert_free(cert);
	package_free(&p);
	return rc;
}
