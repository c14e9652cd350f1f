#include "import/source.h"

#include <stdlib.h>
#include <string.h>

#include "model/xml_read.h"
#include "util/file.h"

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

/* The XML reader accepts UTF-8 only; saying so up front beats an
 * "invalid UTF-8" message about a file saved wrongly. */
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

int folio_source_read_memory(folio_doc **out, const char *name,
	const char *data, size_t n, const folio_source_options *opts,
	folio_error *err)
{
	const folio_import_options *import = opts ? opts->import : NULL;
	int rc;

	*out = NULL;
	if (n > FOLIO_MAX_SOURCE_BYTES)
		return folio_error_set(err, FOLIO_ELIMIT, "%s:1:1: size limit "
			"exceeded: expected at most %zu bytes, found more",
			name, (size_t)FOLIO_MAX_SOURCE_BYTES);
	if (n == 0)
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected a "
			"folio source (XML or text), found an empty file",
			name);
	if (folio_input_kind_of(data, n) == FOLIO_INPUT_ZIP)
		/* A Word file read as text would be a page of noise. */
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected a "
			"folio source (XML or text), found a ZIP file (.docx?): "
			"import it first: folio import '%s' -o SOURCE.xml", name,
			name);
	if (folio_input_kind_of(data, n) == FOLIO_INPUT_OLE)
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected a "
			"folio source (XML or text), found an OLE2 file (Word "
			"97-2003 .doc or WPS .wps): convert it with soffice "
			"--headless --convert-to docx '%s', then folio import "
			"the .docx", name, name);
	if (folio_source_kind_of(name, data, n < HEAD_BYTES ? n :
	    HEAD_BYTES) == FOLIO_SOURCE_TEXT)
		return folio_text_import_memory(out, name, data, n, import,
			opts ? opts->report : NULL, err);
	if ((rc = check_wide(name, (const unsigned char *)data,
	    n < HEAD_BYTES ? n : HEAD_BYTES, err)) < 0 ||
	    (rc = folio_xml_read_memory(out, data, n, name, err)) < 0)
		return rc;
	/* --meta means the same for every kind of source. */
	if (import != NULL && import->n_meta > 0 &&
	    (rc = folio_import_apply_meta(*out, name, import, err)) < 0) {
		folio_doc_free(*out);
		*out = NULL;
	}
	return rc;
}

int folio_source_read(folio_doc **out, const char *path,
	const folio_source_options *opts, folio_error *err)
{
	char *data = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	/* Read once (size checked from stat first: a 100 MB paste fails
	 * without reading), sniff, and parse those same bytes. */
	rc = folio_file_read(&data, &n, path, FOLIO_MAX_SOURCE_BYTES, err);
	if (rc < 0)
		return rc;
	rc = folio_source_read_memory(out, path, data, n, opts, err);
	free(data);
	return rc;
}
