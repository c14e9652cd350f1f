#include "model/source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "model/xml_read.h"

#define HEAD_BYTES 4096

static int ends_with_xml(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && strcasecmp(path + n - 4, ".xml") == 0;
}

folio_source_kind folio_source_kind_of(const char *path, const char *head,
	size_t n)
{
	const unsigned char *s = (const unsigned char *)head;
	size_t i = 0;

	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\n'))
		i++;
	if (i < n && s[i] == '<')
		return FOLIO_SOURCE_XML;
	return path != NULL && ends_with_xml(path) ? FOLIO_SOURCE_XML :
		FOLIO_SOURCE_TEXT;
}

/* Neither reader accepts UTF-16 or UTF-32; saying so up front beats an
 * "invalid UTF-8" or "no title" message about a file saved wrongly. */
static int check_wide(const char *path, const unsigned char *s, size_t n,
	folio_error *err)
{
	size_t i = 0;

	if (n >= 4 && ((s[0] == 0xFF && s[1] == 0xFE && !s[2] && !s[3]) ||
	    (!s[0] && !s[1] && s[2] == 0xFE && s[3] == 0xFF)))
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected "
			"UTF-8, found UTF-32 (byte order mark)", path);
	if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) ||
	    (s[0] == 0xFE && s[1] == 0xFF)))
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected "
			"UTF-8, found UTF-16 (%s byte order mark)", path,
			s[0] == 0xFF ? "little-endian" : "big-endian");
	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3;
	/* UTF-8 text never starts with a NUL beside a non-NUL byte. */
	if (n - i >= 2 && ((s[i] == 0) != (s[i + 1] == 0)))
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected "
			"UTF-8, found UTF-16 (%s, %s)", path,
			s[i] == 0 ? "big-endian" : "little-endian",
			i ? "behind a UTF-8 byte order mark" :
			"no byte order mark");
	return 0;
}

int folio_source_read(folio_doc **out, const char *path,
	const folio_source_options *opts, folio_error *err)
{
	unsigned char head[HEAD_BYTES];
	struct stat st;
	FILE *fp;
	size_t n;
	int rc;

	*out = NULL;
	fp = fopen(path, "rb");
	if (fp == NULL)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot open: %s",
			path, strerror(errno));
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: expected a regular "
			"file, found %s", path, S_ISDIR(st.st_mode) ?
			"a directory" : "another kind of file");
		fclose(fp);
		return rc;
	}
	/* Size first, from stat: a 100 MB paste fails without reading. */
	if ((unsigned long long)st.st_size > FOLIO_MAX_SOURCE_BYTES) {
		fclose(fp);
		return folio_error_set(err, FOLIO_ELIMIT, "%s:1:1: size "
			"limit exceeded: expected at most %zu bytes, found "
			"%lld bytes", path, FOLIO_MAX_SOURCE_BYTES,
			(long long)st.st_size);
	}
	n = fread(head, 1, sizeof(head), fp);
	rc = ferror(fp);
	fclose(fp);
	if (rc)
		return folio_error_set(err, FOLIO_EIO, "%s: read error", path);
	if (n == 0)
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected a "
			"folio source (XML or text), found an empty file",
			path);
	if ((rc = check_wide(path, head, n, err)) < 0)
		return rc;
	if (folio_source_kind_of(path, (const char *)head, n) ==
	    FOLIO_SOURCE_XML)
		return folio_xml_read(out, path, err);
	return folio_text_import(out, path, opts ? opts->import : NULL, err);
}
