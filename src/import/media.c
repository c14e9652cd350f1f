/* Writing a Word file's images beside the source that names them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/import.h"
#include "util/file.h"

/* dirname(out_path)/src into buf; 0 when it fits. */
static int beside(char *buf, size_t bufsz, const char *out_path,
	const char *src)
{
	const char *slash = strrchr(out_path, '/');
	int n = snprintf(buf, bufsz, "%.*s%s", slash ? (int)(slash -
		out_path + 1) : 0, out_path, src);

	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

void folio_import_media_remove(const folio_import_media *m,
	const char *out_path)
{
	char path[4096];
	size_t i;

	for (i = 0; m != NULL && i < m->n; i++)
		if (beside(path, sizeof(path), out_path, m->images[i].src) == 0)
			unlink(path);
}

int folio_import_media_write(const folio_import_media *m,
	const char *out_path, folio_error *err)
{
	char path[4096], *slash;
	size_t i;
	int rc = 0;

	for (i = 0; m != NULL && i < m->n && rc == 0; i++) {
		if (beside(path, sizeof(path), out_path, m->images[i].src) < 0) {
			rc = folio_error_set(err, FOLIO_EUSAGE, "%s: output "
				"path too long", out_path);
			break;
		}
		slash = strrchr(path, '/');
		if (slash != NULL) {
			*slash = '\0';
			rc = folio_mkdirs(path, err);
			*slash = '/';
			if (rc < 0)
				break;
		}
		rc = folio_file_write_atomic(path, m->images[i].data,
			m->images[i].len, err);
	}
	/* All or nothing: a source naming a missing image is worse. */
	if (rc < 0)
		folio_import_media_remove(m, out_path);
	return rc;
}
