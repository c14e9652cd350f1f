/* inspect.c - the records of a signed archive, as folio ls shows them
 * (see tools.h): the strict container reading, then every record.xml
 * streamed and validated, checked against the entries of its folder. */
#include "archive/tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/paths.h"
#include "util/xml.h"
#include "util/zip.h"

#define RECORDS_DIR "data/records/"
#define RECORDS_DIR_LEN 13

typedef struct lister {
	const char *path;
	folio_zip_reader *zr;
	folio_archive_listing *out;
	folio_error *err;
	size_t n;
	const char **names;      /* by entry index, owned by the reader */
	uint64_t *sizes;
	size_t *by_name;         /* entry indexes sorted by name */
	size_t cap;
} lister;

/* A lower-level message, kept, with the archive named in front; the
 * code becomes FOLIO_EVERIFY for what the archive's bytes say (bad XML,
 * an invalid record, a CRC), and stays for memory, limits and I/O. */
static int restate(lister *l, int rc)
{
	char msg[FOLIO_ERROR_MSG_MAX];

	if (rc == FOLIO_ENOMEM)
		return rc;
	if (rc != FOLIO_ELIMIT && rc != FOLIO_EIO)
		rc = FOLIO_EVERIFY;
	if (strncmp(l->err->msg, l->path, strlen(l->path)) == 0) {
		l->err->code = rc;   /* the zip reader named the archive */
		return rc;
	}
	snprintf(msg, sizeof(msg), "%s", l->err->msg);
	folio_error_clear(l->err);
	return folio_error_set(l->err, rc, "%s: %s", l->path, msg);
}

static int by_name_cmp(const void *a, const void *b, void *ctx)
{
	const char *const *names = ctx;

	return strcmp(names[*(const size_t *)a], names[*(const size_t *)b]);
}

static long lookup(const lister *l, const char *name)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->names[l->by_name[mid]], name);
		if (c == 0)
			return (long)l->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int open_container(lister *l)
{
	folio_zip_fault fault;
	size_t i;
	int rc;

	rc = folio_zip_open_read(&l->zr, l->path, &fault, l->err);
	if (rc == FOLIO_EINPUT) {
		/* The reader's message names the archive, entry and rule. */
		l->err->code = fault.not_zip ? FOLIO_EIO : FOLIO_EVERIFY;
		return l->err->code;
	}
	if (rc < 0)
		return rc;
	l->n = folio_zip_count(l->zr);
	l->names = calloc(l->n ? l->n : 1, sizeof(*l->names));
	l->sizes = calloc(l->n ? l->n : 1, sizeof(*l->sizes));
	l->by_name = calloc(l->n ? l->n : 1, sizeof(*l->by_name));
	if (l->names == NULL || l->sizes == NULL || l->by_name == NULL)
		return folio_error_set(l->err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < l->n; i++) {
		folio_zip_entry ze;
		if ((rc = folio_zip_stat(&ze, l->zr, i, l->err)) < 0)
			return rc;
		l->names[i] = ze.name;
		l->sizes[i] = ze.size;
		l->by_name[i] = i;
	}
	qsort_r(l->by_name, l->n, sizeof(*l->by_name), by_name_cmp,
		l->names);
	return 0;
}

/* "data/records/<档号>/record.xml" with nothing more in the middle:
 * the length of "data/records/<档号>/", or 0. */
static size_t record_folder(const char *name)
{
	const char *slash;

	if (strncmp(name, RECORDS_DIR, RECORDS_DIR_LEN) != 0)
		return 0;
	slash = strchr(name + RECORDS_DIR_LEN, '/');
	if (slash == NULL || slash == name + RECORDS_DIR_LEN ||
	    strcmp(slash + 1, "record.xml") != 0)
		return 0;
	return (size_t)(slash + 1 - name);
}

static int pull_entry(void *ctx, char *buf, size_t len, size_t *out_n,
	folio_error *err)
{
	return folio_zip_stream_read(out_n, ctx, buf, len, err);
}

static int keep_text(lister *l, char **to, const folio_buf *text,
	const char *entry, const char *field)
{
	if (*to != NULL)
		return 0;    /* the schema allows each field once */
	if (text->len > FOLIO_LISTED_TEXT_MAX)
		return folio_error_set(l->err, FOLIO_ELIMIT, "%s: %s: %s is "
			"%zu bytes, folio lists at most %d", l->path, entry,
			field, text->len, FOLIO_LISTED_TEXT_MAX);
	*to = strdup(text->data ? text->data : "");
	if (*to == NULL)
		return folio_error_set(l->err, FOLIO_ENOMEM, "out of memory");
	return 0;
}

/* record.rng says the same; checked again because extraction makes a
 * path of it. */
int folio_archive_src_valid(const char *s)
{
	return folio_relative_path_valid(s, 200);
}

/* A file record.xml lists: a plain name (record.rng allows ASCII
 * letters, digits, '.', '_', '-', not starting with '.'), an entry of
 * the folder with the size the record gives, and for an image the
 * source's name for it. */
static int add_file(lister *l, folio_listed_record *r, const char *entry,
	size_t folder_len, const folio_buf *name, const folio_buf *size,
	const folio_buf *src)
{
	char path[FOLIO_ZIP_MAX_NAME + FOLIO_RECORD_FILE_NAME_MAX + 1];
	const char *nm = name->data ? name->data : "";
	folio_listed_file *f;
	char *end;
	unsigned long long sz;
	long k;

	if (r->n_files == FOLIO_LISTED_MAX_FILES)
		return folio_error_set(l->err, FOLIO_ELIMIT, "%s: %s: more "
			"than %d files", l->path, entry, FOLIO_LISTED_MAX_FILES);
	if (nm[0] == '\0' || nm[0] == '.' || strchr(nm, '/') != NULL ||
	    strlen(nm) >= FOLIO_RECORD_FILE_NAME_MAX ||
	    strcmp(nm, "record.xml") == 0)
		return folio_error_set(l->err, FOLIO_EVERIFY, "%s: %s: lists "
			"a file named '%s', expected a plain file name of the "
			"record", l->path, entry, nm);
	if (src->len > 0 && !folio_archive_src_valid(src->data))
		return folio_error_set(l->err, FOLIO_EVERIFY, "%s: %s: says "
			"%s is the source's '%.200s', expected a relative path "
			"of plain names", l->path, entry, nm, src->data);
	snprintf(path, sizeof(path), "%.*s%s", (int)folder_len, entry, nm);
	k = lookup(l, path);
	sz = size->data ? strtoull(size->data, &end, 10) : 0;
	if (k < 0)
		return folio_error_set(l->err, FOLIO_EVERIFY, "%s: %s: lists "
			"%s, which is not in the archive", l->path, entry, nm);
	if (size->data == NULL || *end != '\0' || l->sizes[k] != sz)
		return folio_error_set(l->err, FOLIO_EVERIFY, "%s: %s: says "
			"%s is %s bytes, the archive holds %llu", l->path, entry,
			nm, size->data ? size->data : "(none)",
			(unsigned long long)l->sizes[k]);
	if (r->n_files == r->cap_files) {
		size_t cap = r->cap_files ? 2 * r->cap_files : 4;
		f = realloc(r->files, cap * sizeof(*f));
		if (f == NULL)
			return folio_error_set(l->err, FOLIO_ENOMEM,
				"out of memory");
		r->files = f;
		r->cap_files = cap;
	}
	f = &r->files[r->n_files];
	memset(f, 0, sizeof(*f));
	if (src->len > 0 && (f->src = strdup(src->data)) == NULL)
		return folio_error_set(l->err, FOLIO_ENOMEM, "out of memory");
	r->n_files++;
	snprintf(f->name, sizeof(f->name), "%s", nm);
	f->size = l->sizes[k];
	f->entry = (size_t)k;
	r->bytes += f->size;
	return 0;
}

static void date_of(char out[11], const folio_buf *text)
{
	const char *d = text->data ? text->data : "";

	/* record.rng: 8 digits YYYYMMDD. */
	snprintf(out, 11, "%.4s-%.2s-%.2s", d, d + (strlen(d) >= 4 ? 4 : 0),
		d + (strlen(d) >= 6 ? 6 : 0));
}

static int kept_field(const char *name)
{
	static const char *const kept[] = {"题名", "责任者", "文件编号",
		"日期", "密级", "保管期限", "档号"};
	size_t i;

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (strcmp(name, kept[i]) == 0)
			return 1;
	return 0;
}

/* One record.xml, streamed and validated, into r. */
static int read_record(lister *l, size_t index, size_t folder_len,
	folio_listed_record *r)
{
	const char *entry = l->names[index];
	folio_xml_limits limits = {FOLIO_ARCHIVE_MAX_METADATA, 0};
	folio_zip_stream *s = NULL;
	folio_xml_reader *xr = NULL;
	folio_buf text = {0}, fname = {0}, fsize = {0}, fsrc = {0};
	folio_xml_item it;
	char d2[32] = "", d3[32] = "";
	int rc, code_seen = 0, want = 0;

	text.limit = fname.limit = fsize.limit = fsrc.limit =
		FOLIO_LISTED_TEXT_MAX + 1;
	r->record_entry = index;
	r->record_size = l->sizes[index];
	if (l->sizes[index] > FOLIO_ARCHIVE_MAX_METADATA)
		return folio_error_set(l->err, FOLIO_ELIMIT, "%s: %s: %llu "
			"bytes, expected at most %zu", l->path, entry,
			(unsigned long long)l->sizes[index],
			FOLIO_ARCHIVE_MAX_METADATA);
	if ((rc = folio_zip_stream_open(&s, l->zr, index,
		FOLIO_ARCHIVE_MAX_METADATA, l->err)) < 0 ||
	    (rc = folio_xml_reader_open(&xr, pull_entry, s, entry, "record",
		&limits, l->err)) < 0) {
		rc = restate(l, rc);
		goto done;
	}
	while ((rc = folio_xml_reader_next(&it, xr, l->err)) == 1) {
		if (it.kind == FOLIO_XML_TEXT) {
			if (!want)
				continue;
			if (folio_buf_append(&text, it.text, it.text_len) < 0) {
				rc = folio_error_set(l->err, FOLIO_ELIMIT, "%s: "
					"%s:%u:%u: a text longer than %d bytes",
					l->path, entry, it.line, it.col,
					FOLIO_LISTED_TEXT_MAX);
				goto done;
			}
			continue;
		}
		if (it.kind == FOLIO_XML_START) {
			folio_buf_reset(&text);
			if (it.depth == 2)
				snprintf(d2, sizeof(d2), "%s", it.name);
			else if (it.depth == 3)
				snprintf(d3, sizeof(d3), "%s", it.name);
			/* Only the texts listed are kept (and capped). */
			want = it.depth == 2 ? kept_field(d2) : it.depth == 3 &&
				(strcmp(d3, "计算机文件名") == 0 ||
				strcmp(d3, "计算机文件大小") == 0 ||
				strcmp(d3, "源文件引用") == 0);
			if (it.depth == 2 && strcmp(d2, "计算机文件") == 0) {
				folio_buf_reset(&fname);
				folio_buf_reset(&fsize);
				folio_buf_reset(&fsrc);
			}
			if (!it.empty)
				continue;
		} else if (it.kind != FOLIO_XML_END) {
			continue;
		}
		if (it.depth == 3) {
			folio_buf *to = strcmp(d3, "计算机文件名") == 0 ? &fname :
				strcmp(d3, "计算机文件大小") == 0 ? &fsize :
				strcmp(d3, "源文件引用") == 0 ? &fsrc : NULL;
			if (to != NULL && folio_buf_append(to, text.data ?
				text.data : "", text.len) < 0) {
				rc = folio_error_set(l->err, FOLIO_ELIMIT, "%s: %s: "
					"a file name or size too long", l->path,
					entry);
				goto done;
			}
			continue;
		}
		if (it.depth != 2)
			continue;
		if (strcmp(d2, "计算机文件") == 0)
			rc = add_file(l, r, entry, folder_len, &fname, &fsize,
				&fsrc);
		else if (strcmp(d2, "档号") == 0) {
			const char *c = text.data ? text.data : "";
			code_seen = 1;
			if (strlen(c) != folder_len - RECORDS_DIR_LEN - 1 ||
			    strncmp(c, entry + RECORDS_DIR_LEN,
				folder_len - RECORDS_DIR_LEN - 1) != 0 ||
			    strlen(c) >= sizeof(r->code))
				rc = folio_error_set(l->err, FOLIO_EVERIFY, "%s: "
					"%s: 档号 %s does not match its folder",
					l->path, entry, c);
			else
				snprintf(r->code, sizeof(r->code), "%s", c);
		} else if (strcmp(d2, "题名") == 0)
			rc = keep_text(l, &r->title, &text, entry, d2);
		else if (strcmp(d2, "责任者") == 0)
			rc = keep_text(l, &r->issuer, &text, entry, d2);
		else if (strcmp(d2, "文件编号") == 0)
			rc = keep_text(l, &r->doc_number, &text, entry, d2);
		else if (strcmp(d2, "密级") == 0)
			rc = keep_text(l, &r->security, &text, entry, d2);
		else if (strcmp(d2, "保管期限") == 0)
			rc = keep_text(l, &r->retention, &text, entry, d2);
		else if (strcmp(d2, "日期") == 0)
			date_of(r->date, &text);
		if (rc < 0)
			goto done;
	}
	if (rc < 0) {
		rc = restate(l, rc);
		goto done;
	}
	if (!code_seen)   /* the schema requires it: never reached */
		rc = folio_error_set(l->err, FOLIO_EVERIFY, "%s: %s: no 档号",
			l->path, entry);
done:
	folio_xml_reader_free(xr);
	folio_zip_stream_close(s);
	folio_buf_free(&text);
	folio_buf_free(&fname);
	folio_buf_free(&fsize);
	folio_buf_free(&fsrc);
	return rc;
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const folio_listed_record *)a)->code,
		((const folio_listed_record *)b)->code);
}

static int list_records(lister *l)
{
	folio_archive_listing *out = l->out;
	size_t i, folder;
	int rc;

	for (i = 0; i < l->n; i++) {
		if ((folder = record_folder(l->names[i])) == 0)
			continue;
		if (out->n == FOLIO_ARCHIVE_MAX_RECORDS)
			return folio_error_set(l->err, FOLIO_ELIMIT, "%s: more "
				"than %u records", l->path,
				FOLIO_ARCHIVE_MAX_RECORDS);
		if (out->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 64;
			folio_listed_record *r = realloc(out->records,
				cap * sizeof(*r));
			if (r == NULL)
				return folio_error_set(l->err, FOLIO_ENOMEM,
					"out of memory");
			out->records = r;
			l->cap = cap;
		}
		memset(&out->records[out->n], 0, sizeof(out->records[0]));
		rc = read_record(l, i, folder, &out->records[out->n]);
		out->n++;   /* freed with the listing either way */
		if (rc < 0)
			return rc;
	}
	qsort(out->records, out->n, sizeof(*out->records), by_code);
	return 0;
}

int folio_archive_list(folio_archive_listing *out, const char *zip_path,
	const folio_list_options *opts, folio_error *err)
{
	lister l;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&l, 0, sizeof(l));
	l.path = zip_path;
	l.out = out;
	l.err = err;
	if (opts != NULL && opts->verify) {
		folio_verify_options vo;

		memset(&vo, 0, sizeof(vo));
		vo.trust_path = opts->trust_path;
		if ((rc = folio_archive_verify(&out->report, zip_path, &vo,
			err)) < 0)
			goto done;
		out->verified = 1;
	}
	if ((rc = open_container(&l)) < 0 || (rc = list_records(&l)) < 0)
		goto done;
done:
	free(l.names);
	free(l.sizes);
	free(l.by_name);
	folio_zip_reader_free(l.zr);
	return rc;
}

void folio_archive_listing_free(folio_archive_listing *l)
{
	size_t i, j;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		folio_listed_record *r = &l->records[i];
		free(r->title);
		free(r->issuer);
		free(r->security);
		free(r->retention);
		free(r->doc_number);
		for (j = 0; j < r->n_files; j++)
			free(r->files[j].src);
		free(r->files);
	}
	free(l->records);
	l->records = NULL;
	l->n = 0;
}
