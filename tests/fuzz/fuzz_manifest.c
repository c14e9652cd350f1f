/* fuzz_manifest.c - a batch manifest, read in a folder holding a few
 * sources (so plain names and globs expand), with a symbolic link out
 * of the folder and one that stays inside. */
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
	folio_batch_manifest_read(&m, manifest, &err);
	folio_batch_manifest_free(m);
	return 0;
}
