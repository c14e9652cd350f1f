/* extract.c - records out of a verified archive (see tools.h): verify,
 * list and read through one open file; write every file to a temporary
 * name under a directory descriptor, and rename them all into place only
 * once everything was written. */
#include "archive/tools.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/zip.h"

typedef struct extractor {
	const char *zip_path;
	char fd_path[64];           /* /proc/self/fd/N of the open archive */
	const char *dir;
	const folio_extract_options *opts;
	folio_error *err;
	folio_archive_listing list;
	unsigned char *chosen;      /* per listed record */
	unsigned char *made_dir;    /* per listed record: folder made here */
	struct made_sub {           /* subfolders of record folders made
	                               here, in the order made */
		size_t record;
		char *path;         /* relative to the record folder */
	} *made_sub;
	size_t n_made_sub;
	folio_zip_reader *zr;
	int dfd;
	int made_top;               /* dir was made by this call */
	size_t committed;           /* files renamed into place so far */
	folio_extract_stats *stats;
} extractor;

/* Messages about the archive name the path the user gave, not the
 * descriptor it was read through. */
static void own_path(extractor *x)
{
	char msg[FOLIO_ERROR_MSG_MAX];
	size_t n = strlen(x->fd_path);
	char *at = strstr(x->err->msg, x->fd_path);

	if (at == NULL || n == 0)
		return;
	snprintf(msg, sizeof(msg), "%.*s%s%s", (int)(at - x->err->msg),
		x->err->msg, x->zip_path, at + n);
	snprintf(x->err->msg, sizeof(x->err->msg), "%s", msg);
}

static int sys_fail(extractor *x, const char *what, const char *name)
{
	int e = errno;

	return folio_error_set(x->err, FOLIO_EIO, "%s/%s: cannot %s (%s)",
		x->dir, name, what, strerror(e));
}

/* A 档号 as a folder name: what record.rng allows (ASCII letters,
 * digits, '-'), checked again because it names a path. */
static int safe_code(const char *c)
{
	size_t i;

	if (c[0] == '\0' || c[0] == '-')
		return 0;
	for (i = 0; c[i]; i++)
		if (!((c[i] >= 'A' && c[i] <= 'Z') || (c[i] >= 'a' &&
		    c[i] <= 'z') || (c[i] >= '0' && c[i] <= '9') ||
		    c[i] == '-'))
			return 0;
	return 1;
}

static int find_code(const folio_archive_listing *l, const char *code)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->records[mid].code, code);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int choose(extractor *x)
{
	const folio_extract_options *o = x->opts;
	size_t i;

	x->chosen = calloc(x->list.n ? x->list.n : 1, 1);
	x->made_dir = calloc(x->list.n ? x->list.n : 1, 1);
	if (x->chosen == NULL || x->made_dir == NULL)
		return folio_error_set(x->err, FOLIO_ENOMEM, "out of memory");
	if (o->n_codes == 0) {
		memset(x->chosen, 1, x->list.n);
		return 0;
	}
	for (i = 0; i < o->n_codes; i++) {
		int k = find_code(&x->list, o->codes[i]);
		if (k < 0)
			return folio_error_set(x->err, FOLIO_EUSAGE, "%s holds "
				"no record %s", x->zip_path, o->codes[i]);
		x->chosen[k] = 1;
	}
	return 0;
}

/* The record folders' files, one (file index, name) at a time:
 * the files record.xml lists, then record.xml itself. *target is the
 * name it takes in the record's folder: the source's for an image. */
static int file_of(const folio_listed_record *r, size_t j,
	const char **name, const char **target, size_t *entry,
	uint64_t *size)
{
	if (j < r->n_files) {
		*name = r->files[j].name;
		*target = r->files[j].src ? r->files[j].src : *name;
		*entry = r->files[j].entry;
		*size = r->files[j].size;
		return 1;
	}
	if (j == r->n_files) {
		*name = *target = "record.xml";
		*entry = r->record_entry;
		*size = r->record_size;
		return 1;
	}
	return 0;
}

#define TEMP_NAME_MAX (FOLIO_ZIP_MAX_NAME + 32)

static void temp_name(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, ".%s.tmp.%ld", name, (long)getpid());
}

/* The folder target (a path inside the record folder rfd) goes into,
 * and its last name in *leaf: rfd itself for a plain name, else the
 * subfolders walked, never through a symlink, and with create made
 * when missing (each remembered, to be removed if the call fails).
 * The caller closes a descriptor other than rfd. */
static int open_parent(extractor *x, int rfd, size_t k, const char *target,
	int create, const char **leaf)
{
	const char *p = target, *slash;
	char part[FOLIO_ZIP_MAX_NAME];
	int fd = rfd, next;

	while ((slash = strchr(p, '/')) != NULL) {
		snprintf(part, sizeof(part), "%.*s", (int)(slash - p), p);
		if (create && mkdirat(fd, part, 0755) == 0) {
			struct made_sub *m = realloc(x->made_sub,
				(x->n_made_sub + 1) * sizeof(*m));
			if (m != NULL)
				x->made_sub = m;
			if (m == NULL || (m[x->n_made_sub].path = strndup(
				target, (size_t)(slash - target))) == NULL) {
				if (fd != rfd)
					close(fd);
				return folio_error_set(x->err, FOLIO_ENOMEM,
					"out of memory");
			}
			m[x->n_made_sub++].record = k;
		} else if (create && errno != EEXIST) {
			if (fd != rfd)
				close(fd);
			return sys_fail(x, "make the folder", target);
		}
		next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
		if (fd != rfd)
			close(fd);
		if (next < 0)
			return errno == ENOTDIR || errno == ELOOP ?
				folio_error_set(x->err, FOLIO_EIO, "%s/%s/%.*s: "
				"exists and is not a folder", x->dir,
				x->list.records[k].code,
				(int)(slash - target), target) :
				sys_fail(x, "open the folder", target);
		fd = next;
		p = slash + 1;
	}
	*leaf = p;
	return fd;
}

/* Two files of record r that would take one name (an image whose src
 * is record.xml, the source's name or another image's) cannot both be
 * restored: refused before anything is written. */
static int distinct_targets(extractor *x, const folio_listed_record *r)
{
	const char *name, *target, *other_name, *other;
	size_t j, i, entry;
	uint64_t size;

	for (j = 0; file_of(r, j, &name, &target, &entry, &size); j++) {
		if (target != name && !folio_archive_src_valid(target))
			return folio_error_set(x->err, FOLIO_EVERIFY, "%s: %s: "
				"%s: the source's name '%.200s' refused",
				x->zip_path, r->code, name, target);
		for (i = 0; i < j && file_of(r, i, &other_name, &other,
			&entry, &size); i++)
			if (strcmp(target, other) == 0)
				return folio_error_set(x->err, FOLIO_EVERIFY,
					"%s: %s: %s and %s would both be "
					"extracted as '%.200s'", x->zip_path,
					r->code, other_name, name, target);
	}
	return 0;
}

static int open_record_dir(extractor *x, size_t k, int create)
{
	const char *code = x->list.records[k].code;
	int fd;

	if (create) {
		if (mkdirat(x->dfd, code, 0755) == 0)
			x->made_dir[k] = 1;
		else if (errno != EEXIST)
			return sys_fail(x, "make the folder", code);
	}
	/* An existing name must be a real folder, never a link to one. */
	fd = openat(x->dfd, code, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR || errno == ELOOP ? folio_error_set(
			x->err, FOLIO_EIO, "%s/%s: exists and is not a folder",
			x->dir, code) : sys_fail(x, "open the folder", code);
	return fd;
}

typedef struct sink_ctx {
	int fd;
	extractor *x;
	const char *name;
} sink_ctx;

static int write_piece(void *ctx, const void *p, size_t n)
{
	sink_ctx *s = ctx;
	const char *b = p;

	while (n > 0) {
		ssize_t w = write(s->fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return sys_fail(s->x, "write", s->name);
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Entry `entry` of the archive into a new temporary file in rfd: the
 * reader checks the size, the deflate stream and the CRC as it goes. */
static int write_temp(extractor *x, int rfd, const char *code,
	const char *name, const char *target, size_t entry, uint64_t size)
{
	char tmp[TEMP_NAME_MAX], shown[FOLIO_ZIP_MAX_NAME + 80];
	struct stat st;
	sink_ctx s;
	int rc;

	snprintf(shown, sizeof(shown), "%s/%s", code, target);
	if (fstatat(rfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!x->opts->force)
			return folio_error_set(x->err, FOLIO_EIO, "%s/%s: "
				"already exists (--force replaces it)", x->dir,
				shown);
		if (S_ISDIR(st.st_mode))
			return folio_error_set(x->err, FOLIO_EIO, "%s/%s: "
				"exists and is a folder", x->dir, shown);
	} else if (errno != ENOENT) {
		return sys_fail(x, "look at", shown);
	}
	temp_name(tmp, sizeof(tmp), name);
	s.fd = openat(rfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		O_CLOEXEC, 0644);
	s.x = x;
	s.name = shown;
	if (s.fd < 0)
		return sys_fail(x, "create a temporary file for", shown);
	if (fchmod(s.fd, 0644) < 0) {
		rc = sys_fail(x, "set the mode of", shown);
		goto done;
	}
	rc = folio_zip_read_cb(x->zr, entry, size, write_piece, &s, x->err);
done:
	if (close(s.fd) < 0 && rc == 0)
		rc = sys_fail(x, "close", shown);
	if (rc < 0)
		unlinkat(rfd, tmp, 0);
	return rc;
}

/* Remove what this call left behind: temporaries (every one it may
 * have made), then the folders it made, if empty, deepest first. */
static void clean_up(extractor *x)
{
	folio_error *err = x->err, quiet = {0};
	char tmp[TEMP_NAME_MAX];
	const char *name, *target, *leaf;
	size_t k, j, entry, i;
	uint64_t size;

	if (x->dfd < 0 || x->chosen == NULL)
		return;
	/* Messages would hide the failure being cleaned up after. */
	x->err = &quiet;
	for (k = 0; k < x->list.n; k++) {
		int rfd, pfd;
		if (!x->chosen[k])
			continue;
		rfd = openat(x->dfd, x->list.records[k].code, O_RDONLY |
			O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (rfd < 0)
			continue;
		for (j = 0; file_of(&x->list.records[k], j, &name, &target,
			&entry, &size); j++) {
			if ((pfd = open_parent(x, rfd, k, target, 0, &leaf)) < 0)
				continue;
			temp_name(tmp, sizeof(tmp), leaf);
			unlinkat(pfd, tmp, 0);
			if (pfd != rfd)
				close(pfd);
		}
		for (i = x->n_made_sub; i-- > 0;)
			if (x->made_sub[i].record == k)
				unlinkat(rfd, x->made_sub[i].path, AT_REMOVEDIR);
		close(rfd);
		if (x->made_dir[k])
			unlinkat(x->dfd, x->list.records[k].code, AT_REMOVEDIR);
	}
	x->err = err;
}

static int write_all(extractor *x)
{
	const char *name, *target, *leaf;
	size_t k, j, entry;
	uint64_t size;
	int rc = 0;

	for (k = 0; k < x->list.n && rc == 0; k++) {
		const folio_listed_record *r = &x->list.records[k];
		int rfd, pfd;
		if (!x->chosen[k])
			continue;
		if (!safe_code(r->code))
			return folio_error_set(x->err, FOLIO_EVERIFY, "%s: 档号 "
				"'%s' cannot name a folder", x->zip_path,
				r->code);
		if ((rc = distinct_targets(x, r)) < 0)
			return rc;
		if ((rfd = open_record_dir(x, k, 1)) < 0)
			return rfd;
		for (j = 0; rc == 0 && file_of(r, j, &name, &target, &entry,
			&size); j++) {
			if (name[0] == '.' || strchr(name, '/') != NULL) {
				rc = folio_error_set(x->err, FOLIO_EVERIFY,
					"%s: %s: file name '%s' refused",
					x->zip_path, r->code, name);
				break;
			}
			if ((pfd = open_parent(x, rfd, k, target, 1, &leaf)) <
				0) {
				rc = pfd;
				break;
			}
			rc = write_temp(x, pfd, r->code, leaf, target, entry,
				size);
			if (pfd != rfd)
				close(pfd);
		}
		close(rfd);
	}
	return rc;
}

/* Every temporary into place. Without force a name that appeared since
 * it was checked is not replaced (RENAME_NOREPLACE), and the files this
 * call already placed are taken back out. */
static int commit(extractor *x)
{
	char tmp[TEMP_NAME_MAX];
	const char *name, *target, *leaf;
	size_t k, j, entry;
	uint64_t size;
	int rc = 0;

	for (k = 0; k < x->list.n && rc == 0; k++) {
		const folio_listed_record *r = &x->list.records[k];
		int rfd, pfd;
		if (!x->chosen[k])
			continue;
		if ((rfd = open_record_dir(x, k, 0)) < 0)
			return rfd;
		for (j = 0; rc == 0 && file_of(r, j, &name, &target, &entry,
			&size); j++) {
			if ((pfd = open_parent(x, rfd, k, target, 0, &leaf)) <
				0) {
				rc = pfd;
				break;
			}
			temp_name(tmp, sizeof(tmp), leaf);
			if (renameat2(pfd, tmp, pfd, leaf, x->opts->force ? 0 :
				RENAME_NOREPLACE) < 0)
				rc = sys_fail(x, "rename into place", target);
			if (pfd != rfd)
				close(pfd);
			if (rc < 0)
				break;
			x->committed++;
			x->stats->files++;
			x->stats->bytes += size;
		}
		close(rfd);
		x->stats->records++;
	}
	return rc;
}

/* After a failed commit without force: every file placed was new. */
static void uncommit(extractor *x)
{
	folio_error *err = x->err, quiet = {0};
	const char *name, *target, *leaf;
	size_t k, j, entry, left = x->committed;
	uint64_t size;

	/* Messages would hide the failure being cleaned up after. */
	x->err = &quiet;
	for (k = 0; k < x->list.n && left > 0; k++) {
		int rfd, pfd;
		if (!x->chosen[k])
			continue;
		rfd = openat(x->dfd, x->list.records[k].code, O_RDONLY |
			O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (rfd < 0)
			continue;
		for (j = 0; left > 0 && file_of(&x->list.records[k], j, &name,
			&target, &entry, &size); j++, left--) {
			if ((pfd = open_parent(x, rfd, k, target, 0, &leaf)) < 0)
				continue;
			unlinkat(pfd, leaf, 0);
			if (pfd != rfd)
				close(pfd);
		}
		close(rfd);
	}
	x->err = err;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
		a->st_size == b->st_size &&
		a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
		a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
		a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
		a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static int open_dir(extractor *x)
{
	x->dfd = open(x->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x->dfd < 0 && errno == ENOENT) {
		if (mkdir(x->dir, 0755) < 0)
			return folio_error_set(x->err, FOLIO_EIO, "%s: cannot "
				"make the folder (%s)", x->dir, strerror(errno));
		x->made_top = 1;
		x->dfd = open(x->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	}
	if (x->dfd < 0)
		return folio_error_set(x->err, FOLIO_EIO, "%s: expected a "
			"folder (%s)", x->dir, strerror(errno));
	return 0;
}

int folio_archive_extract(folio_extract_stats *out, const char *zip_path,
	const char *dir, const folio_extract_options *opts, folio_error *err)
{
	folio_list_options lo = {1, NULL};
	struct stat before, after;
	extractor x;
	int fd = -1, rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.zip_path = zip_path;
	x.dir = dir;
	x.opts = opts;
	x.err = err;
	x.dfd = -1;
	x.stats = out;
	lo.trust_path = opts->trust_path;
	if ((rc = folio_file_open_regular(&fd, zip_path, err)) < 0)
		goto done;
	if (fstat(fd, &before) < 0) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: cannot stat (%s)",
			zip_path, strerror(errno));
		goto done;
	}
	snprintf(x.fd_path, sizeof(x.fd_path), "/proc/self/fd/%d", fd);
	/* Verify, list and read the one file opened: nothing can swap
	 * another in between. */
	rc = folio_archive_list(&x.list, x.fd_path, &lo, err);
	out->report = x.list.report;
	if (rc < 0 || (rc = choose(&x)) < 0 ||
	    (rc = folio_zip_open_read(&x.zr, x.fd_path, NULL, err)) < 0) {
		own_path(&x);
		goto done;
	}
	if ((rc = open_dir(&x)) < 0)
		goto done;
	if ((rc = write_all(&x)) < 0) {
		own_path(&x);
		goto done;
	}
	if (fstat(fd, &after) < 0 || !same_file(&before, &after)) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: changed while it "
			"was being extracted; nothing written", zip_path);
		goto done;
	}
	/* One syncfs for all the files (an fsync each costs ~40 ms here,
	 * hours at 400,000 files) before any is renamed, one for the
	 * renames after. */
	if (syncfs(x.dfd) < 0) {
		rc = sys_fail(&x, "flush", ".");
		goto done;
	}
	if ((rc = commit(&x)) < 0 && !opts->force)
		uncommit(&x);
	if (rc == 0 && syncfs(x.dfd) < 0)
		rc = sys_fail(&x, "flush", ".");
done:
	if (rc < 0) {
		clean_up(&x);
		if (x.made_top)
			rmdir(dir);
		out->records = out->files = 0;
		out->bytes = 0;
	}
	if (x.dfd >= 0)
		close(x.dfd);
	if (fd >= 0)
		close(fd);
	folio_zip_reader_free(x.zr);
	folio_archive_listing_free(&x.list);
	free(x.chosen);
	free(x.made_dir);
	for (; x.n_made_sub > 0; x.n_made_sub--)
		free(x.made_sub[x.n_made_sub - 1].path);
	free(x.made_sub);
	return rc;
}
