/* container_entries.c - the archive's files sorted on disk (see
 * container_impl.h), through util/extsort and util/varlist. */
#include "archive/container_impl.h"

#include <stdlib.h>
#include <string.h>

#include "util/bytes.h"
#include "util/extsort.h"
#include "util/varlist.h"

/*
 * A file is one record:
 *   name NUL, u32 group (big-endian), u16 key length,
 *   u64 off, u64 size, sha256[32], path (not NUL-ended)
 * Bytewise order is name order (names are distinct but for two records
 * in one folder, told apart by their group); every name starts with
 * its group's key, a folder no other key begins, so a folder's files
 * are next to each other. Integers after the group in host order: the
 * files live only as long as the process.
 */
#define FILE_FIXED (4u + 2u + 8u + 8u + FOLIO_SHA256_LEN)

struct entry_sort {
	char *beside;
	size_t budget;          /* the sort's (0: its default) */
	folio_extsort *sort;    /* while adding */
	folio_varlist *sorted;  /* after finishing: the files in order */
	uint64_t count;
	uint32_t groups;
};

int entry_sort_new(entry_sort **out, const char *zip_path, folio_error *err)
{
	entry_sort *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s == NULL || (s->beside = strdup(zip_path)) == NULL) {
		free(s);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

void entry_sort_set_run_bytes(entry_sort *s, size_t bytes)
{
	if (s->sort == NULL)
		s->budget = bytes;
}

uint64_t entry_sort_count(const entry_sort *s)
{
	return s->count;
}

int entry_sort_add(entry_sort *s, const char *key, const arch_file *files,
	size_t n, folio_error *err)
{
	unsigned char rec[FOLIO_EXTSORT_MAX];
	size_t klen = strlen(key), i;
	int rc;

	if (s->sort == NULL &&
	    (rc = folio_extsort_new(&s->sort, s->beside, s->budget,
		err)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const arch_file *f = &files[i];
		size_t nl = strlen(f->name) + 1, pl = strlen(f->path);
		unsigned char *p = rec + nl;
		uint16_t kl = (uint16_t)klen;
		if (nl + FILE_FIXED + pl > sizeof(rec) || klen >= nl ||
		    strncmp(f->name, key, klen) != 0)
			return folio_error_set(err, FOLIO_ELIMIT, "%s: a file "
				"name and path of %zu bytes (at most %zu), or "
				"a name outside the record's folder: %s", key,
				nl + pl, sizeof(rec) - FILE_FIXED, f->name);
		memcpy(rec, f->name, nl);
		folio_put_be32(p, s->groups);
		memcpy(p + 4, &kl, 2);
		memcpy(p + 6, &f->off, 8);
		memcpy(p + 14, &f->size, 8);
		memcpy(p + 22, f->sha256, FOLIO_SHA256_LEN);
		memcpy(p + FILE_FIXED, f->path, pl);
		if ((rc = folio_extsort_add(s->sort, rec, nl + FILE_FIXED + pl,
			err)) < 0)
			return rc;
	}
	s->groups++;
	s->count += n;
	return 0;
}

/* The sorted files into a list the passes read from its start, each
 * folder checked to come from one record. */
int entry_sort_finish(entry_sort *s, folio_error *err)
{
	char last[FOLIO_EXTSORT_MAX];
	const unsigned char *last_group = NULL;
	unsigned char group[4];
	const void *rec;
	size_t len;
	int rc;

	if (s->sort == NULL &&
	    (rc = folio_extsort_new(&s->sort, s->beside, s->budget,
		err)) < 0)
		return rc;
	if ((rc = folio_extsort_finish(s->sort, err)) < 0 ||
	    (rc = folio_varlist_new(&s->sorted, s->beside, 0, err)) < 0)
		return rc;
	last[0] = '\0';
	while ((rc = folio_extsort_next(s->sort, &rec, &len, err)) == 1) {
		const unsigned char *p = rec;
		const char *name = rec;
		size_t nl = strlen(name) + 1;
		uint16_t kl;
		memcpy(&kl, p + nl + 4, 2);
		if (last_group != NULL && strncmp(last, name, kl) == 0 &&
		    last[kl] == '\0' && memcmp(group, p + nl, 4) != 0)
			return folio_error_set(err, FOLIO_EUSAGE, "two records "
				"would both be archived in %s (the same 档号)",
				last);
		memcpy(last, name, kl);
		last[kl] = '\0';
		memcpy(group, p + nl, 4);
		last_group = group;
		if ((rc = folio_varlist_add(s->sorted, rec, len, err)) < 0)
			return rc;
	}
	if (rc == 0) {
		folio_extsort_free(s->sort);
		s->sort = NULL;
	}
	return rc;
}

void entry_sort_free(entry_sort *s)
{
	if (s == NULL)
		return;
	folio_extsort_free(s->sort);
	folio_varlist_free(s->sorted);
	free(s->beside);
	free(s);
}

/* ---- reading the sorted files ---------------------------------------- */

struct entry_walk {
	entry_sort *s;
	uint64_t next;          /* the next file's place */
	arch_file file;
	unsigned char rec[FOLIO_EXTSORT_MAX + 1];
};

int entry_walk_open(entry_walk **out, entry_sort *s, folio_error *err)
{
	entry_walk *w;

	*out = NULL;
	if (s->sorted == NULL || s->sort != NULL)
		return folio_error_set(err, FOLIO_EUSAGE, "the archive's "
			"files were not sorted");
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	w->s = s;
	*out = w;
	return 0;
}

int entry_walk_next(entry_walk *w, const arch_file **out, folio_error *err)
{
	const unsigned char *p;
	size_t len, nl;
	int rc;

	*out = NULL;
	if (w->next == folio_varlist_count(w->s->sorted))
		return 0;
	if ((rc = folio_varlist_get(w->s->sorted, w->next++, w->rec,
		sizeof(w->rec) - 1, &len, err)) < 0)
		return rc;
	w->rec[len] = '\0';
	nl = strlen((const char *)w->rec) + 1;
	p = w->rec + nl;
	memcpy(&w->file.off, p + 6, 8);
	memcpy(&w->file.size, p + 14, 8);
	memcpy(w->file.sha256, p + 22, FOLIO_SHA256_LEN);
	w->file.name = (const char *)w->rec;
	w->file.path = (const char *)p + FILE_FIXED;
	*out = &w->file;
	return 0;
}

void entry_walk_free(entry_walk *w)
{
	free(w);
}
