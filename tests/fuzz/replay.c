/* replay.c - run a fuzz target over files without libFuzzer: every
 * argument is a file or a folder of files (one level), each fed once to
 * LLVMFuzzerTestOneInput. Built with the sanitizer variant for `make
 * test`; prints how many inputs ran and exits 0 unless a target aborts
 * (the sanitizers do that on any memory error, leak or undefined
 * behaviour). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		if (fp)
			fclose(fp);
		return -1;
	}
	rewind(fp);
	data = malloc((size_t)n + 1);
	if (data == NULL || fread(data, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		free(data);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(data, (size_t)n);
	free(data);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	size_t runs = 0;
	int i, failed = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue;  /* no past crashes: no folder */
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *de;
			char **names = NULL;
			size_t n = 0, k;
			while (d && (de = readdir(d)) != NULL) {
				char *p;
				if (de->d_name[0] == '.' ||
				    strcmp(de->d_name, "README") == 0)
					continue;
				p = malloc(strlen(argv[i]) + strlen(de->d_name) +
					2);
				names = realloc(names, (n + 1) * sizeof(*names));
				if (p == NULL || names == NULL)
					return 2;
				sprintf(p, "%s/%s", argv[i], de->d_name);
				names[n++] = p;
			}
			if (d)
				closedir(d);
			/* Same order every run. */
			if (n > 1)
				qsort(names, n, sizeof(*names), by_name);
			for (k = 0; k < n; k++) {
				failed |= run_file(names[k]) < 0;
				runs++;
				free(names[k]);
			}
			free(names);
		} else {
			failed |= run_file(argv[i]) < 0;
			runs++;
		}
	}
	printf("%zu inputs replayed\n", runs);
	return failed;
}
