/* Book assembly: parts in container order, the optional font subset, and
 * the ZIP. The package, nav and NCX are reserved early (so the container
 * order stays fixed) and written last, when everything they list exists. */
#include "epub/epub_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "font/font.h"
#include "util/file.h"
#include "util/paths.h"
#include "util/zip.h"

#define UNICODE_BITMAP_BYTES (0x110000 / 8)

int epub_part_add(epub_part **out, folio_epub_book *b, const char *name,
	const char *id, const char *media_type, folio_error *err)
{
	epub_part *p;

	*out = NULL;
	if (b->n_parts >= FOLIO_EPUB_MAX_PARTS)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: a book of more than %u parts",
			b->doc->source_path, FOLIO_EPUB_MAX_PARTS);
	if (b->n_parts == b->cap_parts) {
		size_t cap = b->cap_parts ? b->cap_parts * 2 : 16;
		epub_part *np = realloc(b->parts, cap * sizeof(*np));
		if (np == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		b->parts = np;
		b->cap_parts = cap;
	}
	p = &b->parts[b->n_parts++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->id, sizeof(p->id), "%s", id ? id : "");
	p->media_type = media_type;
	p->data.limit = EPUB_MAX_PART;
	*out = p;
	return 0;
}

int epub_toc_add(folio_epub_book *b, int depth, const char *label,
	const char *href, folio_error *err)
{
	epub_toc *t;
	int prev = b->n_toc ? b->toc[b->n_toc - 1].depth : 0;

	if (b->n_toc == b->cap_toc) {
		size_t cap = b->cap_toc ? b->cap_toc * 2 : 32;
		epub_toc *nt = realloc(b->toc, cap * sizeof(*nt));
		if (nt == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		b->toc = nt;
		b->cap_toc = cap;
	}
	t = &b->toc[b->n_toc];
	/* Nav lists nest one level at a time: a level-3 heading straight
	 * under a level-1 one hangs one below it. */
	t->depth = depth < 1 ? 1 : depth > prev + 1 ? prev + 1 : depth;
	t->label = strdup(label);
	if (t->label == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	snprintf(t->href, sizeof(t->href), "%s", href);
	b->n_toc++;
	return 0;
}

int64_t folio_epub_date_epoch(const char *date)
{
	int64_t y, m, d, era, yoe, doy, doe;

	if (date == NULL || !folio_date_valid(date))
		return -1;
	y = atoi(date);
	m = atoi(date + 5);
	d = atoi(date + 8);
	/* Days from civil (H. Hinnant): no timegm, no TZ involved. */
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400;
}

static int set_modified(folio_epub_book *b, const folio_epub_options *o,
	folio_error *err)
{
	struct tm tm;
	time_t t;

	b->mtime = o && o->modified >= 0 ? o->modified :
		folio_epub_date_epoch(b->doc->meta.date);
	if (b->mtime < 0)
		return folio_error_set(err, FOLIO_EINPUT,
			"%s:1:1: expected a date YYYY-MM-DD, found '%s'",
			b->doc->source_path, b->doc->meta.date ?
			b->doc->meta.date : "");
	/* dcterms:modified wants four-digit years. */
	if (b->mtime > INT64_C(253402300799))
		return folio_error_set(err, FOLIO_EUSAGE,
			"modification time %lld is after the year 9999",
			(long long)b->mtime);
	t = (time_t)b->mtime;
	if (gmtime_r(&t, &tm) == NULL)
		return folio_error_set(err, FOLIO_EUSAGE,
			"modification time %lld out of range",
			(long long)b->mtime);
	strftime(b->modified, sizeof(b->modified), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

static int load_css(epub_part *p, const folio_epub_options *o,
	folio_error *err)
{
	char path[4096], *data = NULL;
	size_t len = 0;
	int rc;

	if (o && o->css_path) {
		snprintf(path, sizeof(path), "%s", o->css_path);
	} else if ((rc = folio_data_path(path, sizeof(path),
		"styles/epub.css", err)) < 0) {
		return rc;
	}
	rc = folio_file_read(&data, &len, path, FOLIO_EPUB_MAX_CSS, err);
	if (rc < 0)
		return rc;
	if (folio_buf_append(&p->data, data, len) < 0)
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	free(data);
	return rc;
}

static unsigned used_bit(const uint8_t *used, uint32_t cp)
{
	return ((unsigned)used[cp >> 3] >> (cp & 7)) & 1u;
}

/* The subset and its @font-face, from the characters the XML writer
 * marked in b->used. */
static int embed_font(folio_epub_book *b, epub_part *css, epub_part *ttf,
	const folio_fontset *fs, folio_error *err)
{
	static const char *const body_family[] = {"仿宋"};
	static const char *const hant_family[] = {"仿宋-Hant"};
	const char *file = EPUB_FONT, *format = "truetype";
	const folio_face *faces[8];
	uint32_t *cps = NULL, cp;
	size_t n_faces = 0, n = 0;
	folio_error ignored = {0};
	int rc = -1;

	/* A traditional-Chinese book embeds the map's face for traditional
	 * characters when it names one (as print does): a subset of the
	 * simplified 仿宋 would leave most characters to the reader's own
	 * font, mixing faces within a line. */
	if (folio_doc_traditional(b->doc))
		rc = folio_fontset_chain(faces, 8, &n_faces, fs, hant_family,
			1, &ignored);
	if (rc < 0)
		rc = folio_fontset_chain(faces, 8, &n_faces, fs, body_family,
			1, err);
	if (rc < 0)
		return rc;
	if (n_faces == 0)
		return folio_error_set(err, FOLIO_EFONT,
			"no font file for the body family 仿宋");
	for (cp = 0; cp < 0x110000; cp++)
		n += used_bit(b->used, cp);
	cps = malloc((n ? n : 1) * sizeof(*cps));
	if (cps == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	n = 0;
	for (cp = 0; cp < 0x110000; cp++)
		if (used_bit(b->used, cp))
			cps[n++] = cp;
	rc = folio_face_subset(&ttf->data, faces[0], cps, n, err);
	free(cps);
	if (rc < 0)
		return rc;
	/* A CFF-flavoured face (FandolFang) gives an OpenType subset: name
	 * and declare it as one. */
	if (ttf->data.len >= 4 && memcmp(ttf->data.data, "OTTO", 4) == 0) {
		snprintf(ttf->name, sizeof(ttf->name), EPUB_DIR "%s",
			EPUB_FONT_OTF);
		ttf->media_type = "font/otf";
		file = EPUB_FONT_OTF;
		format = "opentype";
	}
	/* The stylesheet's body chain starts with "folio-body": the subset
	 * comes first, and the chain covers anything it lacks. */
	if (folio_buf_printf(&css->data,
		"@font-face {\n"
		"\tfont-family: \"folio-body\";\n"
		"\tsrc: url(\"%s\") format(\"%s\");\n"
		"}\n", file, format) < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	b->has_font = 1;
	return 0;
}

/* The certifier's report is a link readers follow: a web address. */
static int check_a11y_options(const folio_epub_options *o, folio_error *err)
{
	const char *r = o ? o->a11y_report : NULL;

	if (r != NULL && strncmp(r, "https://", 8) != 0 &&
	    strncmp(r, "http://", 7) != 0)
		return folio_error_set(err, FOLIO_EUSAGE,
			"accessibility report: expected an http(s) URL, "
			"found '%s'", r);
	return 0;
}

int folio_epub_build(folio_epub_book **out, const folio_doc *doc,
	const folio_epub_options *opts, folio_error *err)
{
	folio_epub_book *b;
	epub_part *p;
	size_t css_font = 0, ttf = 0;
	int rc;

	*out = NULL;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	b->doc = doc;
	b->opts = opts;
	if ((rc = check_a11y_options(opts, err)) < 0 ||
	    (rc = folio_doc_validate(doc, err)) < 0 ||
	    (rc = folio_epub_uuid(b->uuid, sizeof(b->uuid), &doc->meta,
		err)) < 0 ||
	    (rc = set_modified(b, opts, err)) < 0 ||
	    (rc = epub_pages_init(b, err)) < 0)
		goto done;
	if (opts && opts->embed_fonts) {
		b->used = calloc(1, UNICODE_BITMAP_BYTES);
		if (b->used == NULL) {
			rc = folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
			goto done;
		}
	}
	/* Container order: mimetype first (stored), then the package
	 * files, the styles, the font, the content in reading order. */
	if ((rc = epub_part_add(&p, b, "mimetype", NULL, NULL, err)) < 0 ||
	    (rc = folio_buf_puts(&p->data, "application/epub+zip")) < 0 ||
	    (rc = epub_part_add(&p, b, "META-INF/container.xml", NULL, NULL,
		err)) < 0 ||
	    (rc = epub_part_add(&p, b, EPUB_DIR EPUB_OPF, NULL, NULL,
		err)) < 0 ||
	    (rc = epub_part_add(&p, b, EPUB_DIR EPUB_NAV, "nav",
		"application/xhtml+xml", err)) < 0)
		goto done;
	p->properties = "nav";
	if ((rc = epub_part_add(&p, b, EPUB_DIR EPUB_NCX, "ncx",
		"application/x-dtbncx+xml", err)) < 0 ||
	    (rc = epub_part_add(&p, b, EPUB_DIR EPUB_CSS, "css", "text/css",
		err)) < 0 ||
	    (rc = load_css(p, opts, err)) < 0)
		goto done;
	if (b->used != NULL) {
		if ((rc = epub_part_add(&p, b, EPUB_DIR EPUB_FONT_CSS,
			"fontcss", "text/css", err)) < 0)
			goto done;
		css_font = b->n_parts - 1;
		if ((rc = epub_part_add(&p, b, EPUB_DIR EPUB_FONT, "font",
			"font/ttf", err)) < 0)
			goto done;
		ttf = b->n_parts - 1;
	}
	/* The font before the package: the subset's flavour names its
	 * manifest item. */
	if ((rc = epub_write_container(b, err)) < 0 ||
	    (rc = epub_write_content(b, err)) < 0 ||
	    (rc = epub_write_nav(b, err)) < 0 ||
	    (rc = epub_write_ncx(b, err)) < 0)
		goto done;
	if (b->used != NULL && (rc = embed_font(b, &b->parts[css_font],
		&b->parts[ttf], opts->embed_fonts, err)) < 0)
		goto done;
	if ((rc = epub_write_package(b, err)) < 0)
		goto done;
done:
	free(b->used);
	b->used = NULL;
	/* Image paths point into the document, which the book outlives. */
	free(b->images);
	b->images = NULL;
	b->n_images = b->cap_images = 0;
	b->doc = NULL;
	b->opts = NULL;
	if (rc < 0) {
		/* folio_buf returns its own codes without a message. */
		if (err && err->code == 0)
			folio_error_set(err, rc, "%s: cannot build the EPUB",
				doc->source_path);
		folio_epub_book_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int folio_epub_save(const folio_epub_book *book, const char *path,
	folio_error *err)
{
	folio_zip *z;
	size_t i;
	int rc;

	rc = folio_zip_create(&z, path, book->mtime, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < book->n_parts; i++) {
		const epub_part *p = &book->parts[i];
		rc = folio_zip_add_mem(z, p->name, p->data.data ? p->data.data :
			"", p->data.len, FOLIO_ZIP_AUTO, err);
		if (rc < 0) {
			folio_zip_free(z);
			return rc;
		}
	}
	return folio_zip_close(z, err);
}

void folio_epub_book_free(folio_epub_book *book)
{
	size_t i;

	if (book == NULL)
		return;
	for (i = 0; i < book->n_parts; i++)
		folio_buf_free(&book->parts[i].data);
	for (i = 0; i < book->n_toc; i++)
		free(book->toc[i].label);
	free(book->parts);
	free(book->toc);
	free(book->images);
	free(book->pages);
	free(book->page_keys);
	free(book->used);
	free(book);
}

int folio_epub_write(const char *path, const folio_doc *doc,
	const folio_epub_options *opts, folio_error *err)
{
	folio_epub_book *b;
	int rc = folio_epub_build(&b, doc, opts, err);

	if (rc < 0)
		return rc;
	rc = folio_epub_save(b, path, err);
	folio_epub_book_free(b);
	return rc;
}

size_t folio_epub_part_count(const folio_epub_book *book)
{
	return book->n_parts;
}

const char *folio_epub_part(const folio_epub_book *book, size_t i,
	const char **out_data, size_t *out_len)
{
	if (i >= book->n_parts)
		return NULL;
	if (out_data)
		*out_data = book->parts[i].data.data ?
			book->parts[i].data.data : "";
	if (out_len)
		*out_len = book->parts[i].data.len;
	return book->parts[i].name;
}

const char *folio_epub_find(const folio_epub_book *book, const char *name,
	size_t *out_len)
{
	const char *data;
	size_t i;

	for (i = 0; i < book->n_parts; i++)
		if (strcmp(book->parts[i].name, name) == 0) {
			folio_epub_part(book, i, &data, out_len);
			return data;
		}
	return NULL;
}
