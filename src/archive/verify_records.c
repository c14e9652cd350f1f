/* verify_records.c - the records and the catalogue (see verify_impl.h):
 * every record.xml valid against record.rng, its 档号 its folder's
 * name, every file of the folder described with the size and SHA-256
 * it has; the catalogue valid against catalogue.rng, one entry per
 * record with the same summary fields, naming files that exist. Both
 * are streamed and validated as they stream. */
#include "archive/verify_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/record.h"

#define CATALOGUE "data/catalogue.xml"
#define FIELD_KEY 16             /* bytes of SHA-256 kept per field */
/* A record.xml holds one document's metadata. It is streamed: the
 * cap bounds time, memory holds one text at a time. */
#define MAX_RECORD_XML FOLIO_ARCHIVE_MAX_METADATA

static const char *const summary_fields[5] = {"责任者", "题名", "日期",
	"密级", "保管期限"};

/* What the catalogue is compared with, per record: the summary fields
 * as digests (their text would cost ten times the memory at 70,000
 * records; a digest cannot be forged to match the way a short hash
 * could). */
typedef struct record_info {
	uint32_t entry;          /* index of the record.xml entry */
	uint8_t present;         /* bit i: summary_fields[i] seen */
	unsigned char field[5][FIELD_KEY];
} record_info;

static int field_index(const char *name)
{
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(name, summary_fields[i]) == 0)
			return i;
	return -1;
}

static int field_key(verifier *v, unsigned char out[FIELD_KEY],
	const folio_buf *text)
{
	unsigned char d[FOLIO_SHA256_LEN];
	int rc = folio_sha256(d, text->data ? text->data : "", text->len,
		v->err);

	memcpy(out, d, FIELD_KEY);
	return rc;
}

static const ventry *hashed(verifier *v, const char *name)
{
	long i = verify_lookup(v, name);

	return i >= 0 && v->e[i].hashed ? &v->e[i] : NULL;
}

/* The 档号 of a record.xml entry: the folder name between
 * "data/records/" and "/record.xml". */
static void code_of(char *out, size_t outsz, const char *rec_name)
{
	size_t n = strlen(rec_name) - 13 - strlen("/record.xml");

	snprintf(out, outsz, "%.*s", (int)n, rec_name + 13);
}

typedef struct file_desc {
	folio_buf name, size, sha;
} file_desc;

static int check_file(verifier *v, const char *rec_name,
	const char *folder, file_desc *f)
{
	char path[2 * FOLIO_ZIP_MAX_NAME + 2], hex[2 * FOLIO_SHA256_LEN + 1];
	char sz[32];
	const char *name = f->name.data ? f->name.data : "";
	const ventry *e;

	snprintf(path, sizeof(path), "%s%s", folder, name);
	e = hashed(v, path);
	if (e == NULL || strcmp(name, "record.xml") == 0)
		return verify_fail(v, rec_name, "metadata", "lists %s, which "
			"is not a file of the record", name);
	folio_sha256_hex(hex, e->sha256);
	snprintf(sz, sizeof(sz), "%llu", (unsigned long long)e->size);
	if (strcmp(sz, f->size.data ? f->size.data : "") != 0 ||
	    strcmp(hex, f->sha.data ? f->sha.data : "") != 0)
		return verify_fail(v, path, "metadata", "size or SHA-256 "
			"differs from %s", rec_name);
	return 0;
}

/* One record folder: record.xml valid, 档号 = folder, files match. */
static int check_record(verifier *v, size_t index, record_info *info)
{
	const char *rec_name = v->e[index].name;
	char folder[FOLIO_ZIP_MAX_NAME + 1], code[FOLIO_ZIP_MAX_NAME + 1];
	folio_buf text = {0};
	file_desc f = {{0}, {0}, {0}};
	folio_xml_item it;
	size_t files = 0, i, flen;
	int rc, in_file = 0, code_ok = 0;
	const char *d2 = "", *d3 = "";
	vxml x;

	flen = strlen(rec_name) - strlen("record.xml");
	snprintf(folder, sizeof(folder), "%.*s", (int)flen, rec_name);
	code_of(code, sizeof(code), rec_name);
	info->entry = (uint32_t)index;
	text.limit = f.name.limit = f.size.limit = f.sha.limit =
		MAX_RECORD_XML;
	if ((rc = verify_xml_open(v, &x, index, "record", MAX_RECORD_XML)) < 0)
		return rc;
	while ((rc = verify_xml_next(v, &x, &it)) == 1) {
		if (it.kind == FOLIO_XML_START) {
			folio_buf_reset(&text);
			if (it.depth == 2) {
				d2 = it.name;
				in_file = strcmp(d2, "计算机文件") == 0;
				if (in_file) {
					folio_buf_reset(&f.name);
					folio_buf_reset(&f.size);
					folio_buf_reset(&f.sha);
				}
			} else if (it.depth == 3) {
				d3 = it.name;
			}
			if (!it.empty)
				continue;
		}
		if (it.kind == FOLIO_XML_TEXT) {
			if (folio_buf_append(&text, it.text, it.text_len) < 0) {
				rc = verify_fail(v, rec_name, "limit", "a text "
					"longer than %zu bytes", MAX_RECORD_XML);
				break;
			}
			continue;
		}
		if (it.kind != FOLIO_XML_END && !(it.kind == FOLIO_XML_START &&
		    it.empty))
			continue;
		if (it.depth == 3 && in_file) {
			folio_buf *to = strcmp(d3, "计算机文件名") == 0 ?
				&f.name : strcmp(d3, "计算机文件大小") == 0 ?
				&f.size : strcmp(d3, "SHA-256") == 0 ? &f.sha :
				NULL;
			if (to != NULL && folio_buf_append(to, text.data ?
				text.data : "", text.len) < 0)
				rc = folio_error_set(v->err, FOLIO_ENOMEM,
					"out of memory");
		} else if (it.depth == 2 && in_file) {
			if ((rc = check_file(v, rec_name, folder, &f)) < 0)
				break;
			files++;
			in_file = 0;
		} else if (it.depth == 2 && strcmp(d2, "档号") == 0) {
			code_ok = text.data != NULL &&
				strcmp(text.data, code) == 0 &&
				strlen(code) < FOLIO_ARCHIVE_CODE_MAX;
			if (!code_ok) {
				rc = verify_fail(v, rec_name, "metadata", "档号 "
					"%s does not match its folder",
					text.data ? text.data : "(none)");
				break;
			}
		} else if (it.depth == 2 && field_index(d2) >= 0) {
			int fi = field_index(d2);
			info->present |= (uint8_t)(1u << fi);
			if ((rc = field_key(v, info->field[fi], &text)) < 0)
				break;
		}
		if (rc < 0)
			break;
	}
	verify_xml_close(&x);
	folio_buf_free(&text);
	folio_buf_free(&f.name);
	folio_buf_free(&f.size);
	folio_buf_free(&f.sha);
	if (rc < 0)
		return rc;
	if (!code_ok)
		return verify_fail(v, rec_name, "metadata", "档号 (none) does "
			"not match its folder");
	/* Every file of the folder is described: the folder's entries are
	 * contiguous in name order. */
	for (i = verify_lower_bound(v, folder); i < v->n; i++) {
		const char *n = v->e[v->by_name[i]].name;
		if (strncmp(n, folder, strlen(folder)) != 0)
			break;
		if (strcmp(n, rec_name) == 0)
			continue;
		if (files == 0)
			return verify_fail(v, n, "metadata", "not described "
				"by %s", rec_name);
		files--;
	}
	if (files != 0)
		return verify_fail(v, rec_name, "metadata", "describes a file "
			"twice");
	return 0;
}

static int cmp_code(const char *a, const char *b)
{
	char ca[FOLIO_ZIP_MAX_NAME + 1], cb[FOLIO_ZIP_MAX_NAME + 1];

	code_of(ca, sizeof(ca), a);
	code_of(cb, sizeof(cb), b);
	return strcmp(ca, cb);
}

static int by_code(const void *a, const void *b, void *ctx)
{
	const verifier *v = ctx;

	return cmp_code(v->e[((const record_info *)a)->entry].name,
		v->e[((const record_info *)b)->entry].name);
}

static record_info *find_record(verifier *v, record_info *infos, size_t n,
	const char *code)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		char c[FOLIO_ZIP_MAX_NAME + 1];
		int cmp;
		code_of(c, sizeof(c), v->e[infos[mid].entry].name);
		cmp = strcmp(c, code);
		if (cmp == 0)
			return &infos[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int check_catalogue(verifier *v, record_info *infos, size_t n)
{
	char code[FOLIO_ARCHIVE_CODE_MAX] = "";
	unsigned char key[FIELD_KEY];
	folio_buf text = {0};
	folio_xml_item it;
	record_info *ri = NULL;
	size_t seq = 0;
	const char *d3 = "";
	long k = verify_lookup(v, CATALOGUE);
	int rc, f;
	vxml x;

	if (k < 0)
		return verify_fail(v, CATALOGUE, "complete", "missing from the "
			"archive");
	text.limit = MAX_RECORD_XML;
	if ((rc = verify_xml_open(v, &x, (size_t)k, "catalogue",
		FOLIO_ARCHIVE_MAX_INDEX)) < 0)
		return rc;
	while ((rc = verify_xml_next(v, &x, &it)) == 1) {
		if (it.kind == FOLIO_XML_START) {
			folio_buf_reset(&text);
			if (it.depth == 2 && strcmp(it.name, "条目") == 0) {
				seq++;
				ri = NULL;
			}
			if (it.depth == 3)
				d3 = it.name;
			if (!it.empty)
				continue;
		}
		if (it.kind == FOLIO_XML_TEXT) {
			if (folio_buf_append(&text, it.text, it.text_len) < 0) {
				rc = verify_fail(v, CATALOGUE, "limit", "a text "
					"longer than %zu bytes", MAX_RECORD_XML);
				break;
			}
			continue;
		}
		if (it.depth != 3 || seq == 0 ||
		    (it.kind != FOLIO_XML_END && !it.empty))
			continue;
		if (strcmp(d3, "档号") == 0) {
			snprintf(code, sizeof(code), "%s",
				text.data ? text.data : "");
			ri = find_record(v, infos, n, code);
			if (ri == NULL) {
				rc = verify_fail(v, CATALOGUE, "metadata", "entry "
					"%zu: no record folder for %s", seq,
					code);
				break;
			}
		} else if ((f = field_index(d3)) >= 0 && ri != NULL) {
			if ((rc = field_key(v, key, &text)) < 0)
				break;
			if (!(ri->present & (1u << f)) ||
			    memcmp(key, ri->field[f], FIELD_KEY) != 0) {
				rc = verify_fail(v, CATALOGUE, "metadata", "entry "
					"%zu: %s differs from the record.xml "
					"of %s", seq, summary_fields[f], code);
				break;
			}
		} else if (strcmp(d3, "计算机文件名") == 0 && ri != NULL) {
			char path[FOLIO_ZIP_MAX_NAME + 256];
			snprintf(path, sizeof(path), "data/records/%s/%s", code,
				text.data ? text.data : "");
			if (hashed(v, path) == NULL) {
				rc = verify_fail(v, CATALOGUE, "metadata", "entry "
					"%zu names %s, which is not in the "
					"archive", seq, path);
				break;
			}
		}
	}
	verify_xml_close(&x);
	folio_buf_free(&text);
	if (rc == 0 && seq != n)
		rc = verify_fail(v, CATALOGUE, "metadata", "lists %zu records, "
			"the archive holds %zu", seq, n);
	return rc;
}

/* 9. Records and catalogue. */
int verify_records(verifier *v)
{
	record_info *infos = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	for (i = 1; i < v->n && rc == 0; i++) {
		const char *name = v->e[i].name, *slash;
		if (strncmp(name, "data/records/", 13) != 0)
			continue;
		slash = strchr(name + 13, '/');
		if (slash == NULL || slash == name + 13 ||
		    strchr(slash + 1, '/') != NULL) {
			rc = verify_fail(v, name, "metadata", "expected "
				"data/records/<档号>/<file>");
			break;
		}
		if (strcmp(slash + 1, "record.xml") != 0) {
			char rec[FOLIO_ZIP_MAX_NAME + 16];
			snprintf(rec, sizeof(rec), "%.*srecord.xml",
				(int)(slash + 1 - name), name);
			if (verify_lookup(v, rec) < 0)
				rc = verify_fail(v, name, "metadata", "its "
					"folder has no record.xml");
			continue;
		}
		if (n == cap) {
			record_info *ri;
			cap = cap ? 2 * cap : 64;
			ri = realloc(infos, cap * sizeof(*ri));
			if (ri == NULL) {
				rc = folio_error_set(v->err, FOLIO_ENOMEM,
					"out of memory");
				break;
			}
			infos = ri;
		}
		memset(&infos[n], 0, sizeof(infos[n]));
		rc = check_record(v, i, &infos[n]);
		n++;
	}
	if (rc == 0) {
		qsort_r(infos, n, sizeof(*infos), by_code, v);
		rc = check_catalogue(v, infos, n);
	}
	v->rep->records = n;
	free(infos);
	return rc;
}
