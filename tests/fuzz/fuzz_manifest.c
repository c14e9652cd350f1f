/* fuzz_manifest.c - a batch manifest, read in a folder holding a few
 * sources (so plain names and patterns expand, one and two folders
 * down), with a symbolic link out of the folder and one that stays
 * inside; every source of a list read is then fetched back. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "batch/manifest.h"
#include "util/xml.h"

static char dir[64], manifest[128];

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[256];

	(void)argc;
	(void)argv;
	folio_xml_init();
	snprintf(dir, sizeof(dir), "/tmp/folio-fuzz-manifest-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	put("a.xml", "<x/>");
	put("b.xml", "<x/>");
	put("sub/c.txt", "x");
	put("sub/d.xml", "<x/>");
	snprintf(path, sizeof(path), "%s/sub/deeper", dir);
	mkdir(path, 0755);
	put("sub/deeper/e.xml", "<x/>");
	snprintf(path, sizeof(path), "%s/out.xml", dir);
	if (symlink("/etc/hostname", path) != 0 ||
	    (snprintf(path, sizeof(path), "%s/in.xml", dir),
	     symlink("a.xml", path)) != 0)
		abort();
	snprintf(manifest, sizeof(manifest), "%s/batch.xml", dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	folio_batch_manifest *m = NULL;
	folio_error err = {0};
	FILE *fp = fopen(manifest, "wb");

	if (fp == NULL || fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	if (folio_batch_manifest_read(&m, manifest, &err) == 0) {
		folio_batch_source src;
		size_t i;
		/* Every source comes back, a path that names a file. */
		for (i = 0; i < m->n_sources; i++)
			if (folio_batch_source_get(m, i, &src, &err) < 0 ||
			    access(src.path, F_OK) != 0)
				abort();
	}
	folio_batch_manifest_free(m);
	return 0;
}
