/* zip_package.c - office packages through libzip, bounded (see
 * zip_package.h). */
#include "util/zip_package.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>

#include "util/file.h"

struct folio_package {
	zip_t *za;
	const char *path;
	size_t count;
	uint64_t total;         /* bytes inflated so far */
};

int folio_package_open(folio_package **out, const char *path,
	folio_error *err)
{
	folio_package *p;
	zip_error_t ze;
	zip_source_t *src;
	zip_int64_t n;
	FILE *fp;
	int fd = -1, rc;

	*out = NULL;
	if ((rc = folio_file_open_regular(&fd, path, err)) < 0)
		return rc;
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		close(fd);
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			path);
	}
	p->path = path;
	zip_error_init(&ze);
	fp = fdopen(fd, "rb");
	if (fp == NULL) {
		close(fd);
		rc = folio_error_set(err, FOLIO_EIO, "%s: cannot read", path);
		goto done;
	}
	/* The source owns fp once created (zip_source_free closes it). */
	src = zip_source_filep_create(fp, 0, -1, &ze);
	if (src == NULL) {
		fclose(fp);
		rc = folio_error_set(err, FOLIO_EIO, "%s: cannot read: %s",
			path, zip_error_strerror(&ze));
		goto done;
	}
	p->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (p->za == NULL) {
		zip_source_free(src);
		rc = folio_error_set(err, FOLIO_EINPUT, "%s: expected a ZIP "
			"package (DOCX), found %s", path,
			zip_error_code_zip(&ze) == ZIP_ER_NOZIP ? "no ZIP "
			"directory (a truncated or damaged file?)" :
			zip_error_strerror(&ze));
		goto done;
	}
	n = zip_get_num_entries(p->za, 0);
	if (n < 0 || n > FOLIO_PACKAGE_MAX_ENTRIES) {
		rc = folio_error_set(err, FOLIO_ELIMIT, "%s: package limit "
			"exceeded: expected at most %d entries, found %lld",
			path, FOLIO_PACKAGE_MAX_ENTRIES, (long long)n);
		goto done;
	}
	p->count = (size_t)n;
	*out = p;
	p = NULL;
	rc = 0;
done:
	zip_error_fini(&ze);
	folio_package_free(p);
	return rc;
}

size_t folio_package_count(const folio_package *p)
{
	return p->count;
}

const char *folio_package_name(const folio_package *p, size_t i)
{
	return i < p->count ? zip_get_name(p->za, (zip_uint64_t)i, 0) : NULL;
}

long folio_package_find(const folio_package *p, const char *name)
{
	zip_int64_t i = zip_name_locate(p->za, name, ZIP_FL_NOCASE);

	return i < 0 ? -1 : (long)i;
}

uint64_t folio_package_size(const folio_package *p, size_t i)
{
	zip_stat_t st;

	if (zip_stat_index(p->za, (zip_uint64_t)i, 0, &st) < 0 ||
	    !(st.valid & ZIP_STAT_SIZE))
		return 0;
	return st.size;
}

int folio_package_read(folio_buf *out, folio_package *p, size_t i,
	size_t limit, folio_error *err)
{
	char chunk[65536];
	const char *name = folio_package_name(p, i);
	zip_stat_t st;
	zip_file_t *f = NULL;
	zip_int64_t got;
	uint64_t done = 0;
	int rc = 0;

	if (name == NULL || zip_stat_index(p->za, (zip_uint64_t)i, 0,
	    &st) < 0)
		return folio_error_set(err, FOLIO_EINPUT, "%s: entry %zu "
			"cannot be read", p->path, i);
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE)
		return folio_error_set(err, FOLIO_EINPUT, "%s: %s: expected "
			"an unencrypted part, found an encrypted one", p->path,
			name);
	if (st.size > limit)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: %s: part limit "
			"exceeded: expected at most %zu bytes, found %llu "
			"bytes", p->path, name, limit,
			(unsigned long long)st.size);
	if (st.size > FOLIO_PACKAGE_RATIO_FLOOR &&
	    st.size / (st.comp_size ? st.comp_size : 1) >
	    FOLIO_PACKAGE_MAX_RATIO)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: %s: compression "
			"ratio limit exceeded: %llu bytes from %llu (at most "
			"%d:1; a zip bomb?)", p->path, name,
			(unsigned long long)st.size,
			(unsigned long long)st.comp_size,
			FOLIO_PACKAGE_MAX_RATIO);
	if (p->total + st.size > FOLIO_PACKAGE_MAX_TOTAL)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: package limit "
			"exceeded: more than %llu bytes in its parts", p->path,
			(unsigned long long)FOLIO_PACKAGE_MAX_TOTAL);
	f = zip_fopen_index(p->za, (zip_uint64_t)i, 0);
	if (f == NULL)
		return folio_error_set(err, FOLIO_EINPUT, "%s: %s: cannot be "
			"read: %s", p->path, name,
			zip_error_strerror(zip_get_error(p->za)));
	/* The stated size bounds nothing by itself: count what comes out. */
	while ((got = zip_fread(f, chunk, sizeof(chunk))) > 0) {
		done += (uint64_t)got;
		if (done > limit || done > st.size) {
			rc = folio_error_set(err, FOLIO_ELIMIT, "%s: %s: part "
				"limit exceeded: inflates past %llu bytes",
				p->path, name, (unsigned long long)(done <
				limit ? st.size : limit));
			goto done;
		}
		if (folio_buf_append(out, chunk, (size_t)got) < 0) {
			rc = folio_error_set(err, FOLIO_ELIMIT, "%s: %s: "
				"exceeds the memory limit", p->path, name);
			goto done;
		}
	}
	if (got < 0 || done != st.size) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s: %s: expected %llu "
			"bytes, found %s", p->path, name,
			(unsigned long long)st.size, got < 0 ?
			zip_error_strerror(zip_file_get_error(f)) :
			"fewer (a damaged part)");
		goto done;
	}
	p->total += done;
	if (out->data == NULL)
		rc = folio_buf_puts(out, "");
done:
	zip_fclose(f);
	return rc;
}

void folio_package_free(folio_package *p)
{
	if (p == NULL)
		return;
	if (p->za != NULL)
		zip_discard(p->za);
	free(p);
}
