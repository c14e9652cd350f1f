/* zip.c - the ZIP writer: the libzip adapter (see zip.h). */
#include "util/zip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/file.h"

/* Unix regular file, rw-r--r--: the high 16 bits of the external
 * attributes hold st_mode when the "made by" system is Unix. */
#define REGULAR_0644 ((zip_uint32_t)0100644 << 16)

struct folio_zip {
	zip_t *za;
	folio_outfile out;
	uint16_t dos_time, dos_date;
	size_t count;
};

static int lib_error(folio_error *err, const char *path, const char *entry,
	zip_error_t *ze)
{
	const char *msg = ze ? zip_error_strerror(ze) : "unknown error";

	if (entry != NULL)
		return folio_error_set(err, FOLIO_ELIB, "%s: %s: zip: %s",
			path, entry, msg);
	return folio_error_set(err, FOLIO_ELIB, "%s: zip: %s", path, msg);
}

void folio_zip_dostime(uint16_t *out_time, uint16_t *out_date, int64_t t)
{
	struct tm tm;
	time_t tt;

	/* 1980-01-01T00:00:00Z, the first DOS time. */
	if (t < 315532800)
		t = 315532800;
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 > 2107) {
		*out_time = (uint16_t)((23u << 11) | (59u << 5) | 29u);
		*out_date = (uint16_t)((127u << 9) | (12u << 5) | 31u);
		return;
	}
	*out_time = (uint16_t)(((unsigned)tm.tm_hour << 11) |
		((unsigned)tm.tm_min << 5) | ((unsigned)tm.tm_sec / 2));
	*out_date = (uint16_t)(((unsigned)(tm.tm_year - 80) << 9) |
		((unsigned)(tm.tm_mon + 1) << 5) | (unsigned)tm.tm_mday);
}

int folio_zip_create(folio_zip **out, const char *path, int64_t mtime,
	folio_error *err)
{
	folio_zip *z;
	int rc, zerr = 0;

	*out = NULL;
	z = calloc(1, sizeof(*z));
	if (z == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	rc = folio_outfile_reserve(&z->out, path, err);
	if (rc < 0) {
		free(z);
		return rc;
	}
	/* libzip writes its own temporary file next to ours and renames it
	 * over ours at zip_close; we then rename ours into place. */
	z->za = zip_open(z->out.temp_path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (z->za == NULL) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		rc = lib_error(err, path, NULL, &ze);
		zip_error_fini(&ze);
		folio_outfile_abort(&z->out);
		free(z);
		return rc;
	}
	folio_zip_dostime(&z->dos_time, &z->dos_date, mtime);
	*out = z;
	return 0;
}

static int check_name(folio_zip *z, const char *name, folio_error *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > FOLIO_ZIP_MAX_NAME)
		return folio_error_set(err, FOLIO_EUSAGE,
			"%s: entry name of %zu bytes (expected 1 to %u)",
			z->out.final_path, n, FOLIO_ZIP_MAX_NAME);
	if (z->count >= FOLIO_ZIP_MAX_ENTRIES)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: more than %u entries", z->out.final_path,
			FOLIO_ZIP_MAX_ENTRIES);
	return 0;
}

/* Give a freshly added entry its fixed attributes. */
static int settle_entry(folio_zip *z, zip_int64_t idx, const char *name,
	folio_zip_method method, folio_error *err)
{
	zip_uint64_t i = (zip_uint64_t)idx;
	zip_int32_t cm;

	if (method == FOLIO_ZIP_AUTO)
		method = z->count == 0 ? FOLIO_ZIP_STORE : FOLIO_ZIP_DEFLATE;
	cm = method == FOLIO_ZIP_STORE ? ZIP_CM_STORE : ZIP_CM_DEFLATE;
	if (zip_set_file_compression(z->za, i, cm,
		method == FOLIO_ZIP_STORE ? 0 : 9) < 0 ||
	    zip_file_set_dostime(z->za, i, z->dos_time, z->dos_date, 0) < 0 ||
	    zip_file_set_external_attributes(z->za, i, 0, ZIP_OPSYS_UNIX,
		REGULAR_0644) < 0 ||
	    zip_file_extra_field_delete(z->za, i, ZIP_EXTRA_FIELD_ALL,
		ZIP_FL_CENTRAL | ZIP_FL_LOCAL) < 0)
		return lib_error(err, z->out.final_path, name,
			zip_get_error(z->za));
	z->count++;
	return 0;
}

static int add_source(folio_zip *z, const char *name, zip_source_t *src,
	folio_zip_method method, folio_error *err)
{
	zip_int64_t idx;

	idx = zip_file_add(z->za, name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		int rc = lib_error(err, z->out.final_path, name,
			zip_get_error(z->za));
		zip_source_free(src);
		return rc;
	}
	return settle_entry(z, idx, name, method, err);
}

int folio_zip_add_mem(folio_zip *z, const char *name, const void *data,
	size_t len, folio_zip_method method, folio_error *err)
{
	zip_source_t *src;
	void *copy;
	int rc;

	if ((rc = check_name(z, name, err)) < 0)
		return rc;
	/* libzip reads the data only at zip_close: keep our own copy so the
	 * caller may reuse its buffer; libzip frees it (freep = 1). */
	if (len == 0) {
		/* libzip keeps no pointer to an empty buffer, so it would
		 * never free a copy of one (found by fuzz_docx). */
		src = zip_source_buffer(z->za, NULL, 0, 0);
		if (src == NULL)
			return lib_error(err, z->out.final_path, name,
				zip_get_error(z->za));
		return add_source(z, name, src, method, err);
	}
	copy = malloc(len);
	if (copy == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	memcpy(copy, data, len);
	src = zip_source_buffer(z->za, copy, len, 1);
	if (src == NULL) {
		free(copy);
		return lib_error(err, z->out.final_path, name,
			zip_get_error(z->za));
	}
	return add_source(z, name, src, method, err);
}

int folio_zip_add_file(folio_zip *z, const char *name, const char *path,
	folio_zip_method method, folio_error *err)
{
	zip_source_t *src;
	int rc;

	if ((rc = check_name(z, name, err)) < 0)
		return rc;
	/* -1: to the end of the file (ZIP_LENGTH_TO_END in newer libzip). */
	src = zip_source_file(z->za, path, 0, -1);
	if (src == NULL)
		return lib_error(err, path, name, zip_get_error(z->za));
	return add_source(z, name, src, method, err);
}

int folio_zip_close(folio_zip *z, folio_error *err)
{
	int rc = 0;

	if (z == NULL)
		return folio_error_set(err, FOLIO_EUSAGE, "no archive");
	if (z->count == 0) {
		/* libzip deletes an empty archive instead of writing it. */
		rc = folio_error_set(err, FOLIO_EUSAGE,
			"%s: an archive needs at least one entry",
			z->out.final_path);
		folio_zip_free(z);
		return rc;
	}
	if (zip_close(z->za) < 0) {
		rc = lib_error(err, z->out.final_path, NULL,
			zip_get_error(z->za));
		zip_discard(z->za);
		z->za = NULL;
		folio_zip_free(z);
		return rc;
	}
	z->za = NULL;
	rc = folio_outfile_commit(&z->out, err);
	folio_zip_free(z);
	return rc;
}

void folio_zip_free(folio_zip *z)
{
	if (z == NULL)
		return;
	if (z->za != NULL)
		zip_discard(z->za);
	folio_outfile_abort(&z->out);
	free(z);
}
