/*
 * fontset.c - the role map (fonts.xml), font file lookup and loading,
 * chains, coverage and metrics: the HarfBuzz adapter for reading fonts.
 */
#include "font/font.h"
#include "font/face_impl.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb-ot.h>

#include "util/paths.h"
#include "util/xml.h"
#include "util/xml_tree.h"

#define MAX_MAP_BYTES ((size_t)1024 * 1024)
#define MAX_FAMILIES 64
#define MAX_FILES_PER_FAMILY 16
#define MAX_FACES FOLIO_FONT_MAX_FACES
#define MAX_FONT_FILE_BYTES ((long long)256 * 1024 * 1024)
#define MAX_NAME_BYTES 256
/* A bmp[] entry: 0 until looked up, then CP_KNOWN, CP_HAS when the face
 * maps the code point, and its advance in font units in the low bits. */
#define CP_KNOWN 0x80000000u
#define CP_HAS 0x40000000u
#define CP_ADVANCE 0x3FFFFFFFu
#define BMP_CODES 0x10000u
#define MAX_TTC_INDEX 255
/* Bounds on the walk of the system font folders: a huge or looping
 * tree must not stall every run. */
#define MAX_SCAN_DEPTH 6
#define MAX_SCAN_FILES 20000

#define FS_RESTRICTED 0x0002u
#define FS_NO_SUBSETTING 0x0100u
#define FS_BITMAP_ONLY 0x0200u

typedef struct family {
	char *name;
	long line;               /* in fonts.xml, for messages */
	const folio_face *faces[MAX_FILES_PER_FAMILY];
	size_t n_faces;
	char *looked_for;        /* names of the files named, for messages */
} family;

struct folio_fontset {
	char *map_path;
	char *fallback;          /* family name, or NULL */
	family *families;
	size_t n_families;
	folio_face *faces[MAX_FACES];
	size_t n_faces;
	/* Font files found under the system folders, sorted, built on the
	 * first bare file name not found next to fonts.xml. */
	char **sys_files;
	size_t n_sys_files;
	int sys_scanned;
};

static const char *const system_font_dirs[] = {
	"/usr/share/fonts", "/usr/local/share/fonts",
	"~/.local/share/fonts", "~/.fonts"
};

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

static int has_font_extension(const char *name)
{
	size_t n = strlen(name);
	const char *ext;

	if (n < 4)
		return 0;
	ext = name + n - 4;
	return strcasecmp(ext, ".ttf") == 0 || strcasecmp(ext, ".ttc") == 0
		|| strcasecmp(ext, ".otf") == 0 || strcasecmp(ext, ".otc") == 0;
}

static int add_sys_file(folio_fontset *fs, size_t *cap, const char *path)
{
	char *copy;

	if (fs->n_sys_files == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		char **p = realloc(fs->sys_files, ncap * sizeof(*p));
		if (p == NULL)
			return FOLIO_ENOMEM;
		fs->sys_files = p;
		*cap = ncap;
	}
	copy = dup_str(path);
	if (copy == NULL)
		return FOLIO_ENOMEM;
	fs->sys_files[fs->n_sys_files++] = copy;
	return 0;
}

/* Symbolic links to folders are not followed (no loops); links to files
 * are, since font packages often install them. */
static int scan_dir(folio_fontset *fs, size_t *cap, const char *dir,
	int depth)
{
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX];
	int rc = 0;

	if (depth > MAX_SCAN_DEPTH)
		return 0;
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int n;

		if (de->d_name[0] == '.')
			continue;
		if (fs->n_sys_files >= MAX_SCAN_FILES)
			break;
		n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = scan_dir(fs, cap, path, depth + 1);
		} else if (has_font_extension(de->d_name)) {
			rc = add_sys_file(fs, cap, path);
		}
		if (rc < 0)
			break;
	}
	closedir(d);
	return rc;
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int scan_system_fonts(folio_fontset *fs, folio_error *err)
{
	size_t cap = 0, i;
	const char *home = getenv("HOME");

	fs->sys_scanned = 1;
	for (i = 0; i < sizeof(system_font_dirs) / sizeof(*system_font_dirs);
		i++) {
		const char *dir = system_font_dirs[i];
		char buf[PATH_MAX];
		int rc;

		if (dir[0] == '~') {
			int n;
			if (home == NULL || home[0] == '\0')
				continue;
			n = snprintf(buf, sizeof(buf), "%s%s", home, dir + 1);
			if (n < 0 || (size_t)n >= sizeof(buf))
				continue;
			dir = buf;
		}
		rc = scan_dir(fs, &cap, dir, 0);
		if (rc < 0)
			return folio_error_set(err, rc,
				"out of memory listing system fonts");
	}
	/* Sorted, so that two files of the same name resolve the same way
	 * on every run whatever order readdir gives. */
	if (fs->n_sys_files > 1)
		qsort(fs->sys_files, fs->n_sys_files, sizeof(*fs->sys_files),
			compare_paths);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Resolve a file entry (no "#index") to an existing path in out, or
 * out[0] = '\0' when it does not exist anywhere. */
static int resolve_file(char *out, size_t outsz, folio_fontset *fs,
	const char *map_dir, const char *name, folio_error *err)
{
	size_t i;
	int n;

	out[0] = '\0';
	if (name[0] == '/') {
		n = snprintf(out, outsz, "%s", name);
	} else {
		n = snprintf(out, outsz, "%s/%s", map_dir, name);
	}
	if (n < 0 || (size_t)n >= outsz)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: font path too long: %.64s...", fs->map_path, name);
	if (access(out, R_OK) == 0)
		return 0;
	out[0] = '\0';
	if (strchr(name, '/') != NULL)
		return 0;
	if (!fs->sys_scanned) {
		int rc = scan_system_fonts(fs, err);
		if (rc < 0)
			return rc;
	}
	for (i = 0; i < fs->n_sys_files; i++) {
		if (strcmp(base_name(fs->sys_files[i]), name) == 0) {
			n = snprintf(out, outsz, "%s", fs->sys_files[i]);
			if (n < 0 || (size_t)n >= outsz)
				out[0] = '\0';
			return 0;
		}
	}
	return 0;
}

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static int face_has_table(hb_face_t *face, hb_tag_t tag)
{
	hb_blob_t *b = hb_face_reference_table(face, tag);
	int has = hb_blob_get_length(b) > 0;
	hb_blob_destroy(b);
	return has;
}

/* What the PDF writer needs of a face, checked at load so the message
 * names the file and not a PDF that failed half-way: TrueType (glyf) or
 * CFF outlines, and an embedding licence that allows subsets. */
static int check_embeddable(hb_face_t *face, const char *label,
	folio_outlines *outlines, folio_error *err)
{
	static const hb_tag_t required[] = {
		HB_TAG('c', 'm', 'a', 'p'), HB_TAG('h', 'e', 'a', 'd'),
		HB_TAG('h', 'h', 'e', 'a'), HB_TAG('h', 'm', 't', 'x'),
		HB_TAG('m', 'a', 'x', 'p'), HB_TAG('O', 'S', '/', '2')
	};
	hb_blob_t *os2;
	unsigned len = 0;
	const unsigned char *data;
	uint16_t fs_type;
	size_t i;

	if (face_has_table(face, HB_TAG('C', 'F', 'F', ' ')))
		*outlines = FOLIO_OUTLINES_CFF;
	else if (face_has_table(face, HB_TAG('g', 'l', 'y', 'f')) &&
	    face_has_table(face, HB_TAG('l', 'o', 'c', 'a')))
		*outlines = FOLIO_OUTLINES_TRUETYPE;
	else
		return folio_error_set(err, FOLIO_EFONT,
			"%s: expected TrueType (glyf) or CFF outlines, found %s",
			label, face_has_table(face, HB_TAG('C', 'F', 'F', '2')) ?
			"CFF2 (a variable font; use a static instance)" :
			"neither");
	for (i = 0; i < sizeof(required) / sizeof(*required); i++) {
		if (!face_has_table(face, required[i])) {
			char tag[5];
			hb_tag_to_string(required[i], tag);
			tag[4] = '\0';
			return folio_error_set(err, FOLIO_EFONT,
				"%s: expected a '%s' table, found none",
				label, tag);
		}
	}
	os2 = hb_face_reference_table(face, HB_TAG('O', 'S', '/', '2'));
	data = (const unsigned char *)hb_blob_get_data(os2, &len);
	fs_type = len >= 10 ? be16(data + 8) : 0;
	hb_blob_destroy(os2);
	if ((fs_type & 0x000Fu) == FS_RESTRICTED)
		return folio_error_set(err, FOLIO_EFONT,
			"%s: font licence forbids embedding (OS/2 fsType "
			"0x%04x, restricted licence); remove it from fonts.xml "
			"or use a font that allows embedding", label, fs_type);
	if (fs_type & FS_NO_SUBSETTING)
		return folio_error_set(err, FOLIO_EFONT,
			"%s: font licence forbids subsetting (OS/2 fsType "
			"0x%04x); remove it from fonts.xml", label, fs_type);
	if (fs_type & FS_BITMAP_ONLY)
		return folio_error_set(err, FOLIO_EFONT,
			"%s: font licence allows bitmap embedding only (OS/2 "
			"fsType 0x%04x); remove it from fonts.xml", label,
			fs_type);
	return 0;
}

static void face_free(folio_face *f)
{
	if (f == NULL)
		return;
	hb_font_destroy(f->font);
	hb_face_destroy(f->hb);
	free(f->bmp);
	folio_subset_cache_free(f->subsets);
	free(f->path);
	free(f->ps_name);
	free(f);
}

static int face_load(folio_face **out, const char *path, unsigned index,
	folio_error *err)
{
	folio_face *f = NULL;
	hb_blob_t *blob = NULL;
	hb_font_extents_t ext;
	char label[PATH_MAX + 16];
	char name[MAX_NAME_BYTES];
	unsigned name_len = sizeof(name);
	struct stat st;
	int rc = 0;

	*out = NULL;
	if (index)
		snprintf(label, sizeof(label), "%s#%u", path, index);
	else
		snprintf(label, sizeof(label), "%s", path);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = folio_error_set(err, FOLIO_EIO,
			"%s: cannot read font file", label);
		goto done;
	}
	if ((long long)st.st_size > MAX_FONT_FILE_BYTES) {
		rc = folio_error_set(err, FOLIO_ELIMIT,
			"%s: font file is %lld bytes, over the %lld limit",
			label, (long long)st.st_size, MAX_FONT_FILE_BYTES);
		goto done;
	}
	blob = hb_blob_create_from_file_or_fail(path);
	if (blob == NULL) {
		rc = folio_error_set(err, FOLIO_EIO,
			"%s: cannot read font file", label);
		goto done;
	}
	if (hb_face_count(blob) == 0) {
		rc = folio_error_set(err, FOLIO_EFONT,
			"%s: expected a TrueType font, found something else",
			label);
		goto done;
	}
	if (index >= hb_face_count(blob)) {
		rc = folio_error_set(err, FOLIO_EFONT,
			"%s: expected a face index below %u, found %u", label,
			hb_face_count(blob), index);
		goto done;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	f->hb = hb_face_create(blob, index);
	/* Address space only: pages are touched as code points are. */
	f->bmp = calloc(BMP_CODES, sizeof(*f->bmp));
	f->subsets = folio_subset_cache_new();
	if (f->bmp == NULL || f->subsets == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	f->index = index;
	f->upem = hb_face_get_upem(f->hb);
	f->file_size = (long long)st.st_size;
	f->file_mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL
		+ (long long)st.st_mtim.tv_nsec;
	rc = check_embeddable(f->hb, label, &f->outlines, err);
	if (rc < 0)
		goto done;
	if (f->upem == 0 || hb_face_get_glyph_count(f->hb) == 0) {
		rc = folio_error_set(err, FOLIO_EFONT,
			"%s: expected glyphs and units per em, found none",
			label);
		goto done;
	}
	hb_face_make_immutable(f->hb);
	f->font = hb_font_create(f->hb);
	hb_font_make_immutable(f->font);
	if (hb_ot_name_get_utf8(f->hb, HB_OT_NAME_ID_POSTSCRIPT_NAME,
		HB_LANGUAGE_INVALID, &name_len, name) == 0 || name[0] == '\0') {
		/* No name ID 6: the PDF writer still needs a key that is
		 * unique per face and stable. */
		snprintf(name, sizeof(name), "folio-%.200s-%u", base_name(path),
			index);
	}
	f->ps_name = dup_str(name);
	f->path = dup_str(path);
	if (f->ps_name == NULL || f->path == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	memset(&ext, 0, sizeof(ext));
	hb_font_get_h_extents(f->font, &ext);
	f->ascender = (double)ext.ascender / f->upem;
	f->descender = (double)ext.descender / f->upem;
	*out = f;
	f = NULL;
done:
	face_free(f);
	hb_blob_destroy(blob);
	return rc;
}

/* Split "file.ttc#N" into the file name (in out) and N. */
static int parse_file_entry(char *out, size_t outsz, unsigned *index,
	const char *entry, const char *map_path, long line, folio_error *err)
{
	const char *hash = strrchr(entry, '#');
	size_t n = hash ? (size_t)(hash - entry) : strlen(entry);

	*index = 0;
	if (n == 0 || n >= outsz)
		return folio_error_set(err, FOLIO_EINPUT,
			"%s:%ld:1: expected a font file name, found \"%.64s\"",
			map_path, line, entry);
	memcpy(out, entry, n);
	out[n] = '\0';
	if (hash != NULL) {
		const char *p = hash + 1;
		unsigned long v = 0;
		if (*p == '\0')
			goto bad_index;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				goto bad_index;
			v = v * 10 + (unsigned long)(*p - '0');
			if (v > MAX_TTC_INDEX)
				goto bad_index;
		}
		*index = (unsigned)v;
	}
	return 0;
bad_index:
	return folio_error_set(err, FOLIO_EINPUT,
		"%s:%ld:1: expected a face index 0..%d after '#', found \"%s\"",
		map_path, line, MAX_TTC_INDEX, hash + 1);
}

static int find_loaded(const folio_fontset *fs, const char *path,
	unsigned index)
{
	size_t i;
	for (i = 0; i < fs->n_faces; i++)
		if (fs->faces[i]->index == index
			&& strcmp(fs->faces[i]->path, path) == 0)
			return (int)i;
	return -1;
}

static int append_looked_for(family *fam, const char *entry)
{
	size_t old = fam->looked_for ? strlen(fam->looked_for) : 0;
	size_t add = strlen(entry);
	char *p = realloc(fam->looked_for, old + add + 3);

	if (p == NULL)
		return FOLIO_ENOMEM;
	if (old) {
		memcpy(p + old, ", ", 2);
		old += 2;
	}
	memcpy(p + old, entry, add + 1);
	fam->looked_for = p;
	return 0;
}

static int load_file_entry(folio_fontset *fs, family *fam,
	const char *map_dir, const folio_xml_node *node, folio_error *err)
{
	long line = (long)folio_xml_line(node);
	char *entry = folio_xml_text_trimmed(node);
	char file[PATH_MAX], path[PATH_MAX];
	unsigned index;
	folio_face *face = NULL;
	int rc, at;

	if (entry == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	rc = parse_file_entry(file, sizeof(file), &index, entry, fs->map_path,
		line, err);
	if (rc == 0 && append_looked_for(fam, entry) < 0)
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	free(entry);
	if (rc < 0)
		return rc;
	if (fam->n_faces >= MAX_FILES_PER_FAMILY)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s:%ld:1: family \"%s\" names more than %d files",
			fs->map_path, line, fam->name, MAX_FILES_PER_FAMILY);
	rc = resolve_file(path, sizeof(path), fs, map_dir, file, err);
	if (rc < 0)
		return rc;
	if (path[0] == '\0')
		return 0; /* optional site font, absent here */
	at = find_loaded(fs, path, index);
	if (at < 0) {
		if (fs->n_faces >= MAX_FACES)
			return folio_error_set(err, FOLIO_ELIMIT,
				"%s:%ld:1: more than %d distinct font faces",
				fs->map_path, line, MAX_FACES);
		rc = face_load(&face, path, index, err);
		if (rc < 0)
			return rc;
		fs->faces[fs->n_faces] = face;
		at = (int)fs->n_faces++;
	}
	fam->faces[fam->n_faces++] = fs->faces[at];
	return 0;
}

static family *find_family(const folio_fontset *fs, const char *name)
{
	size_t i;
	for (i = 0; i < fs->n_families; i++)
		if (strcmp(fs->families[i].name, name) == 0)
			return &fs->families[i];
	return NULL;
}

static int read_map(folio_fontset *fs, void *doc, const char *map_dir,
	folio_error *err)
{
	const folio_xml_node *root = folio_xml_root(doc);
	const folio_xml_node *n, *f;
	char *fallback;
	size_t count = 0;
	int rc, nomem;

	if (root == NULL || !folio_xml_is(root, NULL, "fonts"))
		return folio_error_set(err, FOLIO_EINPUT,
			"%s:1:1: expected <fonts>, found %s", fs->map_path,
			root ? folio_xml_name(root) : "nothing");
	for (n = folio_xml_child(root, NULL, "family"); n != NULL;
		n = folio_xml_next(n, NULL, "family"))
		count++;
	if (count > MAX_FAMILIES)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: more than %d font families", fs->map_path,
			MAX_FAMILIES);
	fs->families = calloc(count ? count : 1, sizeof(*fs->families));
	if (fs->families == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (n = folio_xml_child(root, NULL, "family"); n != NULL;
		n = folio_xml_next(n, NULL, "family")) {
		family *fam;
		char *name = folio_xml_attr_copy(n, "name", &nomem);

		if (nomem)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		if (name == NULL || name[0] == '\0'
			|| strlen(name) >= MAX_NAME_BYTES) {
			free(name);
			return folio_error_set(err, FOLIO_EINPUT,
				"%s:%u:1: expected a family name of 1 to %d "
				"bytes", fs->map_path, folio_xml_line(n),
				MAX_NAME_BYTES - 1);
		}
		if (find_family(fs, name) != NULL) {
			rc = folio_error_set(err, FOLIO_EINPUT,
				"%s:%u:1: expected a new family name, found "
				"\"%s\" a second time", fs->map_path,
				folio_xml_line(n), name);
			free(name);
			return rc;
		}
		fam = &fs->families[fs->n_families++];
		fam->name = name;
		fam->line = (long)folio_xml_line(n);
		for (f = folio_xml_child(n, NULL, "file"); f != NULL;
			f = folio_xml_next(f, NULL, "file")) {
			rc = load_file_entry(fs, fam, map_dir, f, err);
			if (rc < 0)
				return rc;
		}
	}
	fallback = folio_xml_attr_copy(root, "fallback", &nomem);
	if (nomem)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if (fallback != NULL) {
		int known = find_family(fs, fallback) != NULL;
		if (!known) {
			rc = folio_error_set(err, FOLIO_EINPUT,
				"%s:%u:1: expected the fallback to name a "
				"family of this file, found \"%s\"", fs->map_path,
				folio_xml_line(root), fallback);
			free(fallback);
			return rc;
		}
		fs->fallback = fallback;
	}
	return 0;
}

int folio_fontset_load(folio_fontset **out, const char *fonts_xml,
	folio_error *err)
{
	folio_fontset *fs = NULL;
	void *doc = NULL;
	char found[PATH_MAX];
	char map_dir[PATH_MAX];
	folio_xml_limits limits = { MAX_MAP_BYTES, 16 };
	char *slash;
	int rc;

	*out = NULL;
	if (fonts_xml == NULL) {
		rc = folio_data_path(found, sizeof(found), "fonts/fonts.xml",
			err);
		if (rc < 0)
			return rc;
		fonts_xml = found;
	}
	if (strlen(fonts_xml) >= sizeof(map_dir))
		return folio_error_set(err, FOLIO_ELIMIT, "font map path too "
			"long");
	fs = calloc(1, sizeof(*fs));
	if (fs == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	fs->map_path = dup_str(fonts_xml);
	if (fs->map_path == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	/* The site's fonts/ folder is the one holding its fonts.xml. */
	snprintf(map_dir, sizeof(map_dir), "%s", fonts_xml);
	slash = strrchr(map_dir, '/');
	if (slash == NULL)
		snprintf(map_dir, sizeof(map_dir), ".");
	else if (slash == map_dir)
		map_dir[1] = '\0';
	else
		*slash = '\0';
	folio_xml_init();
	rc = folio_xml_parse_file(&doc, fonts_xml, &limits, err);
	if (rc < 0)
		goto done;
	rc = folio_xml_validate(doc, "fonts", fonts_xml, err);
	if (rc < 0)
		goto done;
	rc = read_map(fs, doc, map_dir, err);
done:
	folio_xml_free(doc);
	if (rc < 0) {
		folio_fontset_free(fs);
		return rc;
	}
	*out = fs;
	return 0;
}

void folio_fontset_free(folio_fontset *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n_faces; i++)
		face_free(fs->faces[i]);
	for (i = 0; i < fs->n_families; i++) {
		free(fs->families[i].name);
		free(fs->families[i].looked_for);
	}
	for (i = 0; i < fs->n_sys_files; i++)
		free(fs->sys_files[i]);
	free(fs->sys_files);
	free(fs->families);
	free(fs->fallback);
	free(fs->map_path);
	free(fs);
}

static int chain_add(const folio_face **out, size_t max, size_t *n,
	const family *fam, folio_error *err)
{
	size_t i, j;

	for (i = 0; i < fam->n_faces; i++) {
		int seen = 0;
		for (j = 0; j < *n; j++)
			if (out[j] == fam->faces[i])
				seen = 1;
		if (seen)
			continue;
		if (*n >= max)
			return folio_error_set(err, FOLIO_ELIMIT,
				"font chain longer than %zu faces", max);
		out[(*n)++] = fam->faces[i];
	}
	return 0;
}

int folio_fontset_chain(const folio_face **out, size_t max, size_t *out_n,
	const folio_fontset *fs, const char *const *families, size_t n_families,
	folio_error *err)
{
	size_t i, n = 0;
	int rc;

	*out_n = 0;
	for (i = 0; i < n_families; i++) {
		const family *fam = find_family(fs, families[i]);
		if (fam == NULL)
			return folio_error_set(err, FOLIO_EFONT,
				"font family \"%s\" is not in %s", families[i],
				fs->map_path);
		if (fam->n_faces == 0)
			return folio_error_set(err, FOLIO_EFONT,
				"%s:%ld:1: font family \"%s\" has no usable "
				"file: looked for %s next to fonts.xml and in "
				"the system font folders", fs->map_path,
				fam->line, fam->name,
				fam->looked_for ? fam->looked_for : "nothing");
		rc = chain_add(out, max, &n, fam, err);
		if (rc < 0)
			return rc;
	}
	if (fs->fallback != NULL) {
		rc = chain_add(out, max, &n, find_family(fs, fs->fallback),
			err);
		if (rc < 0)
			return rc;
	}
	*out_n = n;
	return 0;
}

/* cp's entry, from the cache when the face has one and cp is in the
 * BMP; an advance that does not fit is looked up each time. */
static uint32_t cp_info(const folio_face *face, uint32_t cp)
{
	hb_codepoint_t g;
	hb_position_t adv;
	uint32_t v;

	if (face->bmp != NULL && cp < BMP_CODES) {
		v = atomic_load_explicit(&face->bmp[cp], memory_order_relaxed);
		if (v != 0)
			return v;
	}
	if (!hb_font_get_nominal_glyph(face->font, cp, &g))
		v = CP_KNOWN;
	else {
		adv = hb_font_get_glyph_h_advance(face->font, g);
		if (adv < 0 || (uint32_t)adv > CP_ADVANCE)
			return CP_HAS;  /* not cached: see folio_face_advance */
		v = CP_KNOWN | CP_HAS | (uint32_t)adv;
	}
	if (face->bmp != NULL && cp < BMP_CODES)
		atomic_store_explicit(&face->bmp[cp], v, memory_order_relaxed);
	return v;
}

int folio_face_has_glyph(const folio_face *face, uint32_t cp)
{
	return (cp_info(face, cp) & CP_HAS) != 0;
}

const folio_face *folio_font_pick(const folio_face *const *chain, size_t n,
	uint32_t cp)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (folio_face_has_glyph(chain[i], cp))
			return chain[i];
	return NULL;
}

int folio_fontset_covers(const folio_fontset *fs, uint32_t cp)
{
	size_t i;
	for (i = 0; i < fs->n_faces; i++)
		if (folio_face_has_glyph(fs->faces[i], cp))
			return 1;
	return 0;
}

double folio_face_advance(const folio_face *face, uint32_t cp)
{
	uint32_t v = cp_info(face, cp);
	hb_codepoint_t g;

	if (!(v & CP_HAS))
		return 0.0;
	if (v & CP_KNOWN)
		return (double)(v & CP_ADVANCE) / face->upem;
	if (!hb_font_get_nominal_glyph(face->font, cp, &g))
		return 0.0;
	return (double)hb_font_get_glyph_h_advance(face->font, g) / face->upem;
}

int folio_face_ink(const folio_face *face, uint32_t cp, double *top,
	double *bottom)
{
	hb_codepoint_t g;
	hb_glyph_extents_t e;

	*top = *bottom = 0;
	if (!hb_font_get_nominal_glyph(face->font, cp, &g) ||
	    !hb_font_get_glyph_extents(face->font, g, &e) || e.height == 0)
		return 0;
	*top = (double)e.y_bearing / face->upem;
	*bottom = (double)(e.y_bearing + e.height) / face->upem;
	return 1;
}

double folio_face_ascender(const folio_face *face)
{
	return face->ascender;
}

double folio_face_descender(const folio_face *face)
{
	return face->descender;
}

const char *folio_face_name(const folio_face *face)
{
	return face->ps_name;
}

const char *folio_face_path(const folio_face *face)
{
	return face->path;
}

unsigned folio_face_index(const folio_face *face)
{
	return face->index;
}

folio_outlines folio_face_outlines(const folio_face *face)
{
	return face->outlines;
}

int folio_fontset_describe(folio_buf *out, const folio_fontset *fs,
	folio_error *err)
{
	size_t i;

	int rc = 0;

	for (i = 0; rc == 0 && i < fs->n_faces; i++) {
		const folio_face *f = fs->faces[i];
		rc = folio_buf_printf(out, "%s#%u %lld %lld %s\n", f->path,
			f->index, f->file_size, f->file_mtime_ns, f->ps_name);
	}
	/* Which family draws with which faces decides the output as much as
	 * the files do: moving a file between families changes the PDFs. */
	for (i = 0; rc == 0 && i < fs->n_families; i++) {
		const family *fam = &fs->families[i];
		size_t k;
		rc = folio_buf_printf(out, "family %s:", fam->name);
		for (k = 0; rc == 0 && k < fam->n_faces; k++)
			rc = folio_buf_printf(out, " %s#%u",
				fam->faces[k]->path, fam->faces[k]->index);
		if (rc == 0)
			rc = folio_buf_putc(out, '\n');
	}
	if (rc == 0)
		rc = folio_buf_printf(out, "fallback %s\n",
			fs->fallback ? fs->fallback : "-");
	if (rc < 0)
		return folio_error_set(err, rc, "font description too large");
	return 0;
}
