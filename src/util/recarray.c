/* recarray.c - fixed-size records in memory or in pages of a file
 * (see recarray.h). */
#include "util/recarray.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/file.h"

#define NO_PAGE UINT64_MAX

typedef struct rpage {
	uint64_t no;               /* which page of the file, NO_PAGE none */
	int dirty;
	unsigned char *bytes;      /* a->page */
} rpage;

struct folio_recarray {
	size_t size;               /* bytes a record */
	uint64_t n;
	size_t page;               /* bytes a page */
	size_t per_page;           /* records a page (none cross one) */
	unsigned char *mem;        /* all records, when they fit */
	int fd;                    /* else the file, and its pages here */
	char *beside;
	rpage *pages;
	size_t n_pages;
	pthread_mutex_t lock;
};

/* All n records in memory, zeroed. */
static int in_memory(folio_recarray **out, folio_recarray *a,
	folio_error *err)
{
	if ((a->mem = calloc(a->n ? (size_t)a->n : 1, a->size)) == NULL) {
		folio_recarray_free(a);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	*out = a;
	return 0;
}

int folio_recarray_new(folio_recarray **out, const char *beside,
	size_t size, uint64_t n, size_t budget, size_t page, folio_error *err)
{
	folio_recarray *a;
	size_t i;
	int rc;

	*out = NULL;
	if (page == 0)
		page = FOLIO_RECARRAY_PAGE;
	if (page < FOLIO_RECARRAY_MIN_PAGE)
		page = FOLIO_RECARRAY_MIN_PAGE;
	if (size == 0 || size > page)
		return folio_error_set(err, FOLIO_EUSAGE, "records of %zu "
			"bytes (expected 1 to %zu)", size, page);
	if (n > (uint64_t)INT64_MAX / size)
		return folio_error_set(err, FOLIO_ELIMIT, "%llu records of "
			"%zu bytes", (unsigned long long)n, size);
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	a->size = size;
	a->n = n;
	a->page = page;
	a->per_page = page / size;
	a->fd = -1;
	if (pthread_mutex_init(&a->lock, NULL) != 0) {
		free(a);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	if (budget == 0)
		budget = FOLIO_RECARRAY_BUDGET;
	if (n * size <= budget)
		return in_memory(out, a, err);
	a->n_pages = budget / page;
	if (a->n_pages < 2)
		a->n_pages = 2;
	if ((a->beside = strdup(beside)) == NULL ||
	    (a->pages = calloc(a->n_pages, sizeof(*a->pages))) == NULL) {
		folio_recarray_free(a);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	for (i = 0; i < a->n_pages; i++)
		a->pages[i].no = NO_PAGE;
	/* A file of n zeroed records: ftruncate leaves it sparse. */
	if ((rc = folio_file_temp_beside(&a->fd, beside, "records", err)) < 0) {
		if (rc != FOLIO_EIO) {
			folio_recarray_free(a);
			return rc;
		}
		/* No file can be made beside it (a tree the caller may only
		 * read): the records stay in memory, all of them. */
		folio_error_clear(err);
		free(a->pages);
		a->pages = NULL;
		a->n_pages = 0;
		return in_memory(out, a, err);
	}
	if (ftruncate(a->fd, (off_t)(((n + a->per_page - 1) / a->per_page) *
		page)) != 0) {
		rc = folio_error_set(err, FOLIO_EIO, "cannot size a temporary "
			"file beside %s: %s", beside, strerror(errno));
		folio_recarray_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

uint64_t folio_recarray_count(const folio_recarray *a)
{
	return a ? a->n : 0;
}

int folio_recarray_on_disk(const folio_recarray *a)
{
	return a != NULL && a->fd >= 0;
}

/* The page of the file holding record i, in memory (the lock held). */
static int page_of(folio_recarray *a, uint64_t i, unsigned char **out,
	int write, folio_error *err)
{
	uint64_t no = i / a->per_page;
	rpage *p = &a->pages[no % a->n_pages];

	if (p->no != no) {
		if (p->bytes == NULL &&
		    (p->bytes = malloc(a->page)) == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		errno = 0;
		if (p->dirty && folio_pwrite_all(a->fd, p->bytes, a->page,
			p->no * a->page) < 0)
			return folio_error_set(err, FOLIO_EIO, "cannot write "
				"a temporary file beside %s: %s", a->beside,
				errno ? strerror(errno) : "no space");
		p->no = NO_PAGE;
		p->dirty = 0;
		errno = 0;
		if (folio_pread_all(a->fd, p->bytes, a->page, no * a->page)
			< 0)
			return folio_error_set(err, FOLIO_EIO, "cannot read "
				"back a temporary file beside %s: %s",
				a->beside, errno ? strerror(errno) :
				"it ends too soon");
		p->no = no;
	}
	if (write)
		p->dirty = 1;
	*out = p->bytes + (size_t)(i % a->per_page) * a->size;
	return 0;
}

static int access_rec(folio_recarray *a, uint64_t i, void *rec, int write,
	folio_error *err)
{
	unsigned char *at = NULL;
	int rc;

	if (i >= a->n)
		return folio_error_set(err, FOLIO_EUSAGE, "record %llu of %llu",
			(unsigned long long)i + 1, (unsigned long long)a->n);
	if (a->mem != NULL) {
		at = a->mem + (size_t)i * a->size;
		if (write)
			memcpy(at, rec, a->size);
		else
			memcpy(rec, at, a->size);
		return 0;
	}
	pthread_mutex_lock(&a->lock);
	if ((rc = page_of(a, i, &at, write, err)) == 0) {
		if (write)
			memcpy(at, rec, a->size);
		else
			memcpy(rec, at, a->size);
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

int folio_recarray_get(folio_recarray *a, uint64_t i, void *rec,
	folio_error *err)
{
	return access_rec(a, i, rec, 0, err);
}

int folio_recarray_put(folio_recarray *a, uint64_t i, const void *rec,
	folio_error *err)
{
	return access_rec(a, i, (void *)(uintptr_t)rec, 1, err);
}

void folio_recarray_free(folio_recarray *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; a->pages != NULL && i < a->n_pages; i++)
		free(a->pages[i].bytes);
	free(a->pages);
	free(a->mem);
	free(a->beside);
	if (a->fd >= 0)
		close(a->fd);
	pthread_mutex_destroy(&a->lock);
	free(a);
}
