#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "another kind of file";
}

int folio_file_open_regular(int *out_fd, const char *path, folio_error *err)
{
	struct stat st;
	int fd, flags;

	*out_fd = -1;
	/* O_NONBLOCK: opening a FIFO for reading otherwise waits for a
	 * writer, forever if none comes. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot open: %s",
			path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		int rc = folio_error_set(err, FOLIO_EIO, "%s: cannot stat: "
			"%s", path, strerror(errno));
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return folio_error_set(err, FOLIO_EIO,
			"%s: expected a regular file, found %s", path,
			file_kind(st.st_mode));
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		int rc = folio_error_set(err, FOLIO_EIO, "%s: cannot read: %s",
			path, strerror(errno));
		close(fd);
		return rc;
	}
	*out_fd = fd;
	return 0;
}

int folio_file_fopen_regular(FILE **out, const char *path, folio_error *err)
{
	int fd, rc;

	*out = NULL;
	if ((rc = folio_file_open_regular(&fd, path, err)) < 0)
		return rc;
	*out = fdopen(fd, "rb");
	if (*out == NULL) {
		close(fd);
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			path);
	}
	return 0;
}

int folio_file_read(char **out, size_t *out_len, const char *path,
	size_t limit, folio_error *err)
{
	FILE *fp;
	struct stat st;
	char *data = NULL;
	size_t n;
	int rc = 0;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((rc = folio_file_fopen_regular(&fp, path, err)) < 0)
		return rc;
	if (fstat(fileno(fp), &st) != 0) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: cannot stat: %s",
			path, strerror(errno));
		goto done;
	}
	if ((unsigned long long)st.st_size > limit) {
		rc = folio_error_set(err, FOLIO_ELIMIT,
			"%s:1:1: size limit exceeded: expected at most %zu "
			"bytes, found %lld bytes", path, limit,
			(long long)st.st_size);
		goto done;
	}
	data = malloc((size_t)st.st_size + 1);
	if (data == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			path);
		goto done;
	}
	n = fread(data, 1, (size_t)st.st_size, fp);
	if (n != (size_t)st.st_size || ferror(fp)) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: read error", path);
		goto done;
	}
	data[n] = '\0';
	*out = data;
	if (out_len)
		*out_len = n;
	data = NULL;
done:
	free(data);
	fclose(fp);
	return rc;
}

static int make_temp_name(folio_outfile *f, const char *path,
	folio_error *err)
{
	size_t n = strlen(path);

	memset(f, 0, sizeof(*f));
	f->final_path = strdup(path);
	f->temp_path = malloc(n + 16);
	if (f->final_path == NULL || f->temp_path == NULL) {
		folio_outfile_abort(f);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	/* Hidden sibling with a random suffix, filled in by mkstemp. */
	memcpy(f->temp_path, path, n);
	memcpy(f->temp_path + n, ".tmp.XXXXXX", 12);
	return 0;
}

static int open_temp(folio_outfile *f, folio_error *err)
{
	int fd = mkstemp(f->temp_path);

	if (fd < 0) {
		int rc = folio_error_set(err, FOLIO_EIO,
			"cannot create a temporary file for %s: %s",
			f->final_path, strerror(errno));
		folio_outfile_abort(f);
		return rc;
	}
	/* mkstemp makes 0600; outputs are ordinary shared files. */
	(void)fchmod(fd, 0644);
	return fd;
}

int folio_outfile_open(folio_outfile *f, const char *path, folio_error *err)
{
	int fd, rc;

	rc = make_temp_name(f, path, err);
	if (rc < 0)
		return rc;
	fd = open_temp(f, err);
	if (fd < 0)
		return fd;
	f->fp = fdopen(fd, "wb");
	if (f->fp == NULL) {
		close(fd);
		folio_outfile_abort(f);
		return folio_error_set(err, FOLIO_EIO, "%s: fdopen failed",
			path);
	}
	return 0;
}

int folio_outfile_reserve(folio_outfile *f, const char *path,
	folio_error *err)
{
	int fd, rc;

	rc = make_temp_name(f, path, err);
	if (rc < 0)
		return rc;
	fd = open_temp(f, err);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* The group this thread's commits go to (folio_commit_group_use). */
static _Thread_local folio_commit_group *thread_group;

void folio_commit_group_use(folio_commit_group *g)
{
	thread_group = g;
}

/* Hand f's closed temporary file to g (f is emptied). */
static int group_add(folio_commit_group *g, folio_outfile *f,
	folio_error *err)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 4;
		folio_commit_entry *v = realloc(g->v, cap * sizeof(*v));
		if (v == NULL) {
			folio_outfile_abort(f);
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		}
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n].temp_path = f->temp_path;
	g->v[g->n].final_path = f->final_path;
	g->n++;
	f->temp_path = f->final_path = NULL;
	return 0;
}

const char *folio_commit_group_temp(const folio_commit_group *g,
	const char *final_path)
{
	size_t i;

	for (i = 0; g != NULL && i < g->n; i++)
		if (strcmp(g->v[i].final_path, final_path) == 0)
			return g->v[i].temp_path;
	return NULL;
}

int folio_file_syncfs(int fd, const char *what, folio_error *err)
{
	if (syncfs(fd) != 0)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot sync the "
			"file system: %s", what, strerror(errno));
	return 0;
}

int folio_commit_group_publish(folio_commit_group *g, int sync_fd,
	folio_error *err)
{
	size_t i;
	int rc = 0;

	if (sync_fd >= 0 && g->n > 0)
		rc = folio_file_syncfs(sync_fd, g->v[0].final_path, err);
	for (i = 0; i < g->n; i++) {
		folio_commit_entry *e = &g->v[i];
		if (rc == 0 && rename(e->temp_path, e->final_path) != 0)
			rc = folio_error_set(err, FOLIO_EIO,
				"%s: rename failed: %s", e->final_path,
				strerror(errno));
		else if (rc < 0)
			(void)unlink(e->temp_path);
		free(e->temp_path);
		free(e->final_path);
	}
	g->n = 0;
	return rc;
}

void folio_commit_group_abort(folio_commit_group *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		(void)unlink(g->v[i].temp_path);
		free(g->v[i].temp_path);
		free(g->v[i].final_path);
	}
	g->n = 0;
}

void folio_commit_group_free(folio_commit_group *g)
{
	if (g == NULL)
		return;
	folio_commit_group_abort(g);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

int folio_outfile_commit(folio_outfile *f, folio_error *err)
{
	folio_commit_group *g = thread_group;
	int rc = 0;

	if (f->temp_path == NULL)
		return folio_error_set(err, FOLIO_EUSAGE,
			"output file was not opened");
	if (f->fp != NULL) {
		/* In a group the sync comes later, once for all. */
		if (fflush(f->fp) != 0 ||
		    (g == NULL && fsync(fileno(f->fp)) != 0))
			rc = folio_error_set(err, FOLIO_EIO,
				"%s: write failed: %s", f->final_path,
				strerror(errno));
		if (fclose(f->fp) != 0 && rc == 0)
			rc = folio_error_set(err, FOLIO_EIO,
				"%s: close failed: %s", f->final_path,
				strerror(errno));
		f->fp = NULL;
	} else if (g == NULL) {
		/* Written by a library through its own handle: sync it. */
		int fd = open(f->temp_path, O_RDONLY);
		if (fd >= 0) {
			(void)fsync(fd);
			close(fd);
		}
	}
	if (rc == 0 && g != NULL)
		return group_add(g, f, err);
	if (rc == 0 && rename(f->temp_path, f->final_path) != 0)
		rc = folio_error_set(err, FOLIO_EIO, "%s: rename failed: %s",
			f->final_path, strerror(errno));
	if (rc < 0) {
		folio_outfile_abort(f);
		return rc;
	}
	free(f->temp_path);
	free(f->final_path);
	f->temp_path = f->final_path = NULL;
	return 0;
}

void folio_outfile_abort(folio_outfile *f)
{
	if (f == NULL)
		return;
	if (f->fp != NULL)
		fclose(f->fp);
	if (f->temp_path != NULL)
		(void)unlink(f->temp_path);
	free(f->temp_path);
	free(f->final_path);
	memset(f, 0, sizeof(*f));
}

int folio_file_write_atomic(const char *path, const void *data, size_t len,
	folio_error *err)
{
	folio_outfile f;
	int rc = folio_outfile_open(&f, path, err);

	if (rc < 0)
		return rc;
	if (len && fwrite(data, 1, len, f.fp) != len) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: write failed: %s",
			path, strerror(errno));
		folio_outfile_abort(&f);
		return rc;
	}
	return folio_outfile_commit(&f, err);
}

int folio_mkdirs(const char *path, folio_error *err)
{
	char *p, *s;
	int rc = 0;

	if (path[0] == '\0')
		return folio_error_set(err, FOLIO_EUSAGE,
			"expected a folder name, found an empty one");
	p = strdup(path);
	if (p == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				rc = folio_error_set(err, FOLIO_EIO,
					"%s: cannot create folder: %s", p,
					strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return rc;
}

/* pread or pwrite until all n bytes moved (folio_pread_all). */
static int transfer_all(int fd, char *p, size_t n, uint64_t off, int write)
{
	while (n > 0) {
		ssize_t k;
		if (off > (uint64_t)INT64_MAX - n) {
			errno = EOVERFLOW;
			return -1;
		}
		k = write ? pwrite(fd, p, n, (off_t)off) :
			pread(fd, p, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = 0;
			return -1;
		}
		p += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return 0;
}

int folio_pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	return transfer_all(fd, buf, n, off, 0);
}

int folio_pwrite_all(int fd, const void *buf, size_t n, uint64_t off)
{
	/* (written from, never to: the cast only shares the loop) */
	return transfer_all(fd, (char *)(uintptr_t)buf, n, off, 1);
}

int folio_file_temp_beside(int *out_fd, const char *beside, const char *tag,
	folio_error *err)
{
	const char *slash = strrchr(beside, '/');
	size_t dir = slash == NULL ? 0 : (size_t)(slash - beside);
	size_t n = dir + strlen(tag) + sizeof("./..tmp.XXXXXX");
	char *path = malloc(n);

	*out_fd = -1;
	if (path == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if (slash == NULL)
		snprintf(path, n, "./.%s.tmp.XXXXXX", tag);
	else
		snprintf(path, n, "%.*s/.%s.tmp.XXXXXX", (int)dir, beside,
			tag);
	if ((*out_fd = mkstemp(path)) < 0) {
		int rc = folio_error_set(err, FOLIO_EIO, "%s: cannot create "
			"a temporary file: %s", path, strerror(errno));
		free(path);
		return rc;
	}
	(void)unlink(path);
	free(path);
	return 0;
}
