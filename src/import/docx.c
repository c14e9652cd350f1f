/* The Word (.docx) reader: the package, its relationships and media,
 * and the run through the shared recognisers (see docx_impl.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "import/docx_impl.h"
#include "util/file.h"
#include "util/utf8.h"
#include "util/xml.h"
#include "util/xml_tree.h"

#define SOFFICE "soffice --headless --convert-to docx"

int docx_fail(docx *d, const folio_xml_node *node, int code,
	const char *fmt, ...)
{
	char text[FOLIO_ERROR_MSG_MAX], file[FOLIO_ERROR_MSG_MAX];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	if (node == NULL) {
		vsnprintf(text, sizeof(text), fmt, ap);
		rc = folio_error_set(d->im->err, code, "%s: %s", d->path,
			text);
	} else {
		/* As long as a message: a longer name is cut there anyway. */
		if (snprintf(file, sizeof(file), "%s:%s", d->path, d->part) <
		    0)
			file[0] = '\0';
		rc = folio_xml_verror(d->im->err, code, file, node, 0, fmt,
			ap);
	}
	va_end(ap);
	return rc;
}

int docx_skip_add(docx *d, const folio_xml_node *node, const char *text,
	const char *reason, const char *detail)
{
	docx_skip *s;

	if (d->n_skips == d->cap_skips) {
		size_t cap = d->cap_skips ? 2 * d->cap_skips : 16;
		docx_skip *x;
		if (cap > DOCX_MAX_SKIPPED)
			return docx_fail(d, node, FOLIO_ELIMIT, "expected at "
				"most %d skipped items, found more",
				DOCX_MAX_SKIPPED);
		x = realloc(d->skips, cap * sizeof(*x));
		if (x == NULL)
			return folio_error_set(d->im->err, FOLIO_ENOMEM,
				"%s: out of memory", d->path);
		d->skips = x;
		d->cap_skips = cap;
	}
	s = &d->skips[d->n_skips];
	s->line = node ? folio_xml_line(node) : 1;
	s->col = node ? folio_xml_col(node) : 1;
	s->reason = reason;
	s->text = strdup(text ? text : "");
	s->detail = detail ? strdup(detail) : NULL;
	if (s->text == NULL || (detail && s->detail == NULL)) {
		free((char *)(uintptr_t)s->text);
		free((char *)(uintptr_t)s->detail);
		return folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
	}
	d->n_skips++;
	return 0;
}

/* 1 when read, 0 when absent and not required. */
int docx_read_part(folio_buf *out, docx *d, const char *name, size_t limit,
	int required)
{
	long i = folio_package_find(d->pkg, name);
	int rc;

	if (i < 0) {
		if (!required)
			return 0;
		return folio_error_set(d->im->err, FOLIO_EINPUT, "%s: expected "
			"a Word document part %s, found none (not a .docx?)",
			d->path, name);
	}
	out->limit = limit + 1;
	rc = folio_package_read(out, d->pkg, (size_t)i, limit, d->im->err);
	return rc < 0 ? rc : 1;
}

int docx_parse(void **out, docx *d, const char *name, const folio_buf *b)
{
	folio_xml_limits lim = {0};
	char label[1024];

	lim.max_bytes = DOCX_MAX_DOCUMENT;
	lim.max_depth = DOCX_XML_DEPTH;
	int rc;

	snprintf(label, sizeof(label), "%s:%s", d->path, name);
	snprintf(d->part, sizeof(d->part), "%.1000s", name);
	rc = folio_xml_parse_memory(out, b->data ? b->data : "", b->len,
		label, &lim, d->im->err);
	if (rc == 0) {
		const char *ns = folio_xml_ns(folio_xml_root(*out));
		d->w = ns != NULL && strcmp(ns, DOCX_W_STRICT) == 0 ?
			DOCX_W_STRICT : DOCX_W_TRANSITIONAL;
	}
	return rc;
}

/* ---- relationships ----------------------------------------------------- */

/* A relationship target relative to the folder of `from`, normalised:
 * "media/image1.png" from word/document.xml is word/media/image1.png,
 * "../media/x.png" climbs, "/word/x" is from the package root. */
static int resolve(char *out, size_t outsz, const char *from,
	const char *target)
{
	char tmp[1024];
	char *seg[64], *save = NULL, *s;
	size_t n = 0, i, w = 0;
	const char *slash = strrchr(from, '/');

	if (target[0] == '/')
		snprintf(tmp, sizeof(tmp), "%s", target + 1);
	else
		snprintf(tmp, sizeof(tmp), "%.*s%s", slash ? (int)(slash -
			from + 1) : 0, from, target);
	for (s = strtok_r(tmp, "/", &save); s; s = strtok_r(NULL, "/",
	    &save)) {
		if (strcmp(s, ".") == 0)
			continue;
		if (strcmp(s, "..") == 0) {
			if (n == 0)
				return -1;
			n--;
			continue;
		}
		if (n == 64)
			return -1;
		seg[n++] = s;
	}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		int k = snprintf(out + w, outsz - w, "%s%s", i ? "/" : "",
			seg[i]);
		if (k < 0 || (size_t)k >= outsz - w)
			return -1;
		w += (size_t)k;
	}
	return n ? 0 : -1;
}

static int read_rels(docx *d)
{
	char name[1100], v[1024], mode[32], type[256], from[1024];
	const char *slash;
	folio_buf b = {0};
	void *xml = NULL;
	const folio_xml_node *root, *r;
	size_t count = 0;
	int rc;

	/* Targets are relative to the main part, not to the .rels file. */
	snprintf(from, sizeof(from), "%s", d->part);
	slash = strrchr(from, '/');
	snprintf(name, sizeof(name), "%.*s_rels/%s.rels", slash ?
		(int)(slash - from + 1) : 0, from, slash ? slash + 1 : from);
	if ((rc = docx_read_part(&b, d, name, DOCX_MAX_PART, 0)) <= 0)
		goto done;
	if ((rc = docx_parse(&xml, d, name, &b)) < 0)
		goto done;
	root = folio_xml_root(xml);
	for (r = folio_xml_child(root, NULL, NULL); r;
	    r = folio_xml_next(r, NULL, NULL))
		count++;
	if (count > DOCX_MAX_RELS) {
		rc = docx_fail(d, root, FOLIO_ELIMIT, "expected at most %d "
			"relationships, found %zu", DOCX_MAX_RELS, count);
		goto done;
	}
	d->rels = calloc(count ? count : 1, sizeof(*d->rels));
	if (d->rels == NULL) {
		rc = folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
		goto done;
	}
	for (r = folio_xml_child(root, NULL, "Relationship"); r;
	    r = folio_xml_next(r, NULL, "Relationship")) {
		docx_rel *rel;
		char target[1024];
		rel = &d->rels[d->n_rels];
		folio_xml_attr_get(v, sizeof(v), r, "Id");
		rel->id = strdup(v);
		folio_xml_attr_get(mode, sizeof(mode), r, "TargetMode");
		folio_xml_attr_get(type, sizeof(type), r, "Type");
		folio_xml_attr_get(v, sizeof(v), r, "Target");
		rel->external = strcasecmp(mode, "External") == 0;
		rel->image = strlen(type) >= 6 &&
			strcmp(type + strlen(type) - 6, "/image") == 0;
		rel->header_footer = strlen(type) >= 7 &&
			(strcmp(type + strlen(type) - 7, "/header") == 0 ||
			strcmp(type + strlen(type) - 7, "/footer") == 0);
		if (rel->external || resolve(target, sizeof(target), from,
		    v) < 0)
			snprintf(target, sizeof(target), "%s", v);
		rel->target = strdup(target);
		if (rel->id == NULL || rel->target == NULL) {
			free(rel->id);
			free(rel->target);
			rc = folio_error_set(d->im->err, FOLIO_ENOMEM,
				"%s: out of memory", d->path);
			goto done;
		}
		d->n_rels++;
		/* Never fetched; said once, with where it pointed. */
		if (rel->external && (rc = docx_skip_add(d, r, v,
		    "external relationship (not fetched)", type)) < 0)
			goto done;
	}
	rc = 0;
done:
	snprintf(d->part, sizeof(d->part), "%.1000s", name);
	folio_xml_free(xml);
	folio_buf_free(&b);
	return rc;
}

const docx_rel *docx_rel_find(const docx *d, const char *id)
{
	size_t i;

	for (i = 0; id && i < d->n_rels; i++)
		if (strcmp(d->rels[i].id, id) == 0)
			return &d->rels[i];
	return NULL;
}

/* The main document part, from the package relationships (word/ is
 * only the usual place). */
static int find_main(docx *d)
{
	folio_buf b = {0};
	void *xml = NULL;
	const folio_xml_node *r;
	char type[256], target[512];
	int rc;

	snprintf(d->part, sizeof(d->part), "word/document.xml");
	if ((rc = docx_read_part(&b, d, "_rels/.rels", DOCX_MAX_PART, 0)) <= 0)
		goto done;
	if ((rc = docx_parse(&xml, d, "_rels/.rels", &b)) < 0)
		goto done;
	for (r = folio_xml_child(folio_xml_root(xml), NULL, NULL); r;
	    r = folio_xml_next(r, NULL, NULL)) {
		folio_xml_attr_get(type, sizeof(type), r, "Type");
		if (strlen(type) < 15 || strcmp(type + strlen(type) - 15,
		    "/officeDocument") != 0)
			continue;
		folio_xml_attr_get(target, sizeof(target), r, "Target");
		if (resolve(d->part, sizeof(d->part), "", target) < 0)
			snprintf(d->part, sizeof(d->part),
				"word/document.xml");
		break;
	}
	rc = 0;
done:
	folio_xml_free(xml);
	folio_buf_free(&b);
	return rc;
}

/* ---- media ------------------------------------------------------------- */

int docx_add_image(const char **out_src, docx *d, const docx_rel *rel,
	const folio_xml_node *node, folio_figure *f)
{
	folio_buf b = {0};
	char name[FOLIO_MAX_FIGURE_PATH + 1], what[1100];
	docx_image *img;
	size_t k;
	long i;
	int rc;

	*out_src = NULL;
	/* A picture shown twice (a logo) is one file. */
	for (k = 0; k < d->n_images; k++)
		if (strcmp(d->images[k].part, rel->target) == 0) {
			f->format = d->images[k].format;
			f->px_width = d->images[k].px_width;
			f->px_height = d->images[k].px_height;
			*out_src = d->images[k].name;
			return 0;
		}
	if (d->n_images >= DOCX_MAX_IMAGES)
		return docx_fail(d, node, FOLIO_ELIMIT, "expected at most %d "
			"images, found more", DOCX_MAX_IMAGES);
	i = folio_package_find(d->pkg, rel->target);
	if (i < 0)
		return docx_skip_add(d, node, rel->target,
			"image missing from the package", NULL);
	b.limit = FOLIO_MAX_IMAGE_BYTES + 1;
	rc = folio_package_read(&b, d->pkg, (size_t)i, FOLIO_MAX_IMAGE_BYTES,
		d->im->err);
	if (rc < 0)
		goto done;
	snprintf(what, sizeof(what), "%s:%s", d->path, rel->target);
	rc = folio_image_probe(&f->format, &f->px_width, &f->px_height,
		(const unsigned char *)b.data, b.len, what, d->im->err);
	if (rc == FOLIO_EINPUT) {
		/* EMF, GIF ...: the text goes on, the image is reported. */
		folio_error_clear(d->im->err);
		rc = docx_skip_add(d, node, rel->target,
			"image not in PNG or JPEG", NULL);
		goto done;
	}
	if (rc < 0)
		goto done;
	snprintf(name, sizeof(name), "%s/image%zu.%s", d->media_dir,
		d->n_images + 1, f->format == FOLIO_IMAGE_PNG ? "png" : "jpg");
	img = &d->images[d->n_images];
	img->name = strdup(name);
	if (img->name == NULL) {
		rc = folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
		goto done;
	}
	img->data = (unsigned char *)b.data;
	img->len = b.len;
	img->part = rel->target;    /* rels live as long as the reader */
	img->format = f->format;
	img->px_width = f->px_width;
	img->px_height = f->px_height;
	b.data = NULL;
	d->n_images++;
	*out_src = img->name;
	rc = 0;
done:
	folio_buf_free(&b);
	return rc;
}

/* ---- input kinds ------------------------------------------------------- */

folio_input_kind folio_input_kind_of(const char *head, size_t n)
{
	static const unsigned char ole[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1,
		0xB1, 0x1A, 0xE1};

	if (n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
		return FOLIO_INPUT_ZIP;
	/* An empty archive starts with its end record. */
	if (n >= 4 && memcmp(head, "PK\x05\x06", 4) == 0)
		return FOLIO_INPUT_ZIP;
	if (n >= 8 && memcmp(head, ole, 8) == 0)
		return FOLIO_INPUT_OLE;
	return FOLIO_INPUT_TEXT;
}

/* Office encrypts a .docx into an OLE2 file with an EncryptionInfo and
 * an EncryptedPackage stream (MS-OFFCRYPTO); the directory holds their
 * names in UTF-16LE. */
static int ole_encrypted(const char *data, size_t n)
{
	static const char name[] = "E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0";
	size_t k = sizeof(name) - 1, i;

	for (i = 0; i + k <= n; i++)
		if (data[i] == 'E' && memcmp(data + i, name, k) == 0)
			return 1;
	return 0;
}

static int refuse_ole(const char *path, folio_error *err)
{
	char *data = NULL;
	size_t n = 0, cap;
	FILE *fp = NULL;
	struct stat st;
	int rc, enc;

	/* The directory is looked for in the first 64 MiB only: a larger
	 * file is still an OLE2 file, and told so. */
	if ((rc = folio_file_fopen_regular(&fp, path, err)) < 0)
		return rc;
	cap = fstat(fileno(fp), &st) == 0 && st.st_size >= 0 &&
		(uint64_t)st.st_size < DOCX_MAX_DOCUMENT ?
		(size_t)st.st_size : DOCX_MAX_DOCUMENT;
	data = malloc(cap ? cap : 1);
	if (data == NULL) {
		fclose(fp);
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			path);
	}
	n = fread(data, 1, cap, fp);
	fclose(fp);
	enc = ole_encrypted(data, n);
	free(data);
	if (enc)
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected an "
			"unprotected Word document, found a password-protected "
			"(encrypted) one: open it in Word or WPS, remove the "
			"password (File > Info > Protect Document), save as "
			".docx and import that", path);
	return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected a .docx "
		"(Office Open XML) file, found an OLE2 compound file (Word "
		"97-2003 .doc or WPS .wps): convert it first with LibreOffice: "
		SOFFICE " '%s'", path, path);
}

/* An OpenDocument or other ZIP: say what it is and what to do. */
static int refuse_zip(docx *d)
{
	folio_buf b = {0};
	int rc = docx_read_part(&b, d, "mimetype", 256, 0);
	int odf = rc > 0 && b.data && strncmp(b.data,
		"application/vnd.oasis.opendocument", 34) == 0;

	folio_buf_free(&b);
	if (rc < 0)
		return rc;
	folio_error_clear(d->im->err);
	if (odf)
		return folio_error_set(d->im->err, FOLIO_EINPUT, "%s:1:1: "
			"expected a .docx file, found an OpenDocument file "
			"(.odt): convert it first with LibreOffice: " SOFFICE
			" '%s'", d->path, d->path);
	return folio_error_set(d->im->err, FOLIO_EINPUT, "%s:1:1: expected a "
		".docx file, found a ZIP archive without a Word document "
		"(no %s)", d->path, d->part);
}

/* ---- the run ----------------------------------------------------------- */

static void free_docx(docx *d)
{
	size_t i;

	for (i = 0; i < d->n_rels; i++) {
		free(d->rels[i].id);
		free(d->rels[i].target);
	}
	free(d->rels);
	for (i = 0; i < d->n_styles; i++) {
		free(d->styles[i].id);
		free(d->styles[i].based_on);
	}
	free(d->styles);
	free(d->abstracts);
	free(d->nums);
	folio_buf_free(&d->text);
	folio_buf_free(&d->cur);
	folio_buf_free(&d->instr);
	free(d->paras);
	for (i = 0; i < d->n_skips; i++) {
		free((char *)(uintptr_t)d->skips[i].text);
		free((char *)(uintptr_t)d->skips[i].detail);
	}
	free(d->skips);
	for (i = 0; i < d->n_images; i++) {
		free(d->images[i].name);
		free(d->images[i].data);
	}
	free(d->images);
	for (i = 0; i < d->n_footnotes; i++)
		free(d->footnotes[i]);
	free(d->footnotes);
	free(d->footnote_ids);
	free(d->notes_used);
	folio_package_free(d->pkg);
}

/* Paragraphs -> the importer's page: UTF-8 and code points. */
static int make_page(docx *d)
{
	importer *im = d->im;
	size_t i, cp = 0, off, len;
	uint32_t c;

	if (d->n_paras == 0)
		return folio_error_set(im->err, FOLIO_EINPUT, "%s:%s:1:1: "
			"expected the text of a document, found an empty "
			"document", d->path, d->part);
	im->text = d->text.data;
	im->len = d->text.len;
	d->text.data = NULL;
	d->text.len = d->text.cap = 0;
	im->p = calloc(d->n_paras, sizeof(*im->p));
	im->cps = malloc((im->len + 1) * sizeof(*im->cps));
	if (im->p == NULL || im->cps == NULL)
		return folio_error_set(im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
	for (i = 0; i < d->n_paras; i++) {
		const docx_para *q = &d->paras[i];
		imp_para *p = &im->p[i];
		p->src = im->text ? im->text + q->text_at : "";
		p->src_n = q->text_n;
		p->line = q->line;
		p->col = p->vcol = q->col;
		p->align = q->align;
		p->outline = q->outline;
		p->item = q->item;
		p->object = q->object;
		p->v = im->cps + cp;
		for (off = 0; off < q->text_n; off += len) {
			len = folio_utf8_decode(p->src + off, q->text_n - off,
				&c);
			if (len == 0)
				len = 1;
			im->cps[cp++] = c;
		}
		p->n = (size_t)(im->cps + cp - p->v);
		p->role = p->n ? R_BODY : R_BLANK;
	}
	im->n = d->n_paras;
	if (im->report != NULL)
		im->report->lines = im->n;
	for (i = 0; i < im->n; i++)
		if (im->p[i].n > 0)
			return 0;
	return folio_error_set(im->err, FOLIO_EINPUT, "%s:%s:1:1: expected "
		"the text of a document, found %s", d->path, d->part,
		d->n_images ? "only images" : "no text");
}

/* Page headers and footers are not part of the text (a 公文's 版头 is in
 * the body); what they say goes in the report. */
static int report_headers(docx *d)
{
	folio_buf b = {0}, t = {0};
	void *xml = NULL;
	size_t i, k;
	int rc = 0;

	t.limit = FOLIO_MAX_TEXT_BYTES;
	for (i = 0; i < d->n_rels && rc == 0; i++) {
		const docx_rel *r = &d->rels[i];
		if (r->external || !r->header_footer)
			continue;
		folio_buf_free(&b);
		folio_buf_reset(&t);
		folio_xml_free(xml);
		xml = NULL;
		if ((rc = docx_read_part(&b, d, r->target, DOCX_MAX_PART,
		    0)) <= 0 ||
		    (rc = docx_parse(&xml, d, r->target, &b)) < 0 ||
		    (rc = docx_plain_text(&t, d, folio_xml_root(xml), 0)) < 0)
			continue;
		for (k = 0; k < t.len && t.data[k] == ' '; k++)
			;
		if (k < t.len)
			rc = docx_skip_add(d, NULL, t.data + k,
				"page header or footer (not part of the text)",
				r->target);
	}
	folio_xml_free(xml);
	folio_buf_free(&b);
	folio_buf_free(&t);
	return rc < 0 ? rc : 0;
}

static int read_document(docx *d)
{
	folio_buf b = {0};
	void *xml = NULL;
	const folio_xml_node *root, *body;
	char main_part[1024];
	int rc;

	if ((rc = find_main(d)) < 0)
		goto done;
	snprintf(main_part, sizeof(main_part), "%s", d->part);
	if (folio_package_find(d->pkg, main_part) < 0) {
		rc = refuse_zip(d);
		goto done;
	}
	if ((rc = read_rels(d)) < 0 ||
	    (rc = report_headers(d)) < 0 ||
	    (rc = docx_read_styles(d)) < 0 ||
	    (rc = docx_read_numbering(d)) < 0 ||
	    (rc = docx_read_footnotes(d)) < 0 ||
	    (rc = docx_read_comments(d)) < 0)
		goto done;
	if ((rc = docx_read_part(&b, d, main_part, DOCX_MAX_DOCUMENT, 1)) < 0)
		goto done;
	if ((rc = docx_parse(&xml, d, main_part, &b)) < 0)
		goto done;
	root = folio_xml_root(xml);
	body = folio_xml_is(root, d->w, "document") ?
		folio_xml_child(root, d->w, "body") : NULL;
	if (body == NULL) {
		rc = docx_fail(d, root, FOLIO_EINPUT, "expected "
			"<w:document><w:body>, found <%s>", root ?
			folio_xml_name(root) : "nothing");
		goto done;
	}
	rc = docx_read_body(d, body);
done:
	folio_xml_free(xml);
	folio_buf_free(&b);
	return rc;
}

/* Footnotes referenced in the text follow the main text as paragraphs
 * "注1：..." (the model has no footnotes; the reference mark [1] stays
 * in the text where Word put it). */
static int add_notes(docx *d)
{
	folio_doc *doc = d->im->doc;
	folio_block **tail = &doc->body, *b;
	folio_buf t = {0};
	size_t i, k;
	int rc = 0;

	while (*tail)
		tail = &(*tail)->next;
	t.limit = FOLIO_MAX_TEXT_BYTES;
	for (i = 0; i < d->n_notes_used && rc == 0; i++) {
		for (k = 0; k < d->n_footnotes; k++)
			if (d->footnote_ids[k] == d->notes_used[i])
				break;
		if (k == d->n_footnotes || d->footnotes[k][0] == '\0')
			continue;
		folio_buf_reset(&t);
		folio_buf_printf(&t, "注[%zu]：%s", i + 1, d->footnotes[k]);
		b = folio_doc_block(doc, FOLIO_BLOCK_PARA);
		if (b == NULL)
			rc = folio_error_set(d->im->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				d->path);
		else
			rc = folio_doc_text(&b->text, doc, t.data, t.len,
				d->im->err);
		if (rc == 0) {
			*tail = b;
			tail = &b->next;
		}
	}
	folio_buf_free(&t);
	return rc;
}

static int fill_media(docx *d, folio_import_media *media)
{
	size_t i;

	if (media == NULL || d->n_images == 0)
		return 0;
	media->images = calloc(d->n_images, sizeof(*media->images));
	if (media->images == NULL)
		return folio_error_set(d->im->err, FOLIO_ENOMEM,
			"%s: out of memory", d->path);
	/* Ownership moves to media (freed by folio_import_media_free). */
	media->priv = d->images;
	for (i = 0; i < d->n_images; i++) {
		media->images[i].src = d->images[i].name;
		media->images[i].data = d->images[i].data;
		media->images[i].len = d->images[i].len;
	}
	media->n = d->n_images;
	d->images = NULL;
	d->n_images = 0;
	return 0;
}

void folio_import_media_free(folio_import_media *m)
{
	docx_image *img;
	size_t i;

	if (m == NULL)
		return;
	img = m->priv;
	for (i = 0; img && i < m->n; i++) {
		free(img[i].name);
		free(img[i].data);
	}
	free(img);
	free(m->images);
	memset(m, 0, sizeof(*m));
}

int folio_docx_import(folio_doc **out, folio_import_media *media,
	const char *path, const char *media_dir,
	const folio_import_options *opts,
	folio_import_report *report, folio_error *err)
{
	char head[8];
	importer im;
	docx d;
	size_t i, n = 0;
	FILE *fp = NULL;
	int rc, rc2;

	*out = NULL;
	if (media != NULL)
		memset(media, 0, sizeof(*media));
	if ((rc = folio_file_fopen_regular(&fp, path, err)) < 0)
		return rc;
	n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	if (folio_input_kind_of(head, n) == FOLIO_INPUT_OLE)
		return refuse_ole(path, err);
	if (folio_input_kind_of(head, n) != FOLIO_INPUT_ZIP)
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected a "
			".docx file (a ZIP package), found %s", path,
			n ? "other bytes" : "an empty file");

	memset(&im, 0, sizeof(im));
	memset(&d, 0, sizeof(d));
	im.name = path;
	im.opts = opts;
	im.report = report;
	im.err = err;
	im.paragraphs = 1;
	im.links_first = im.links_last = IMP_NONE;
	im.out.limit = FOLIO_MAX_TEXT_BYTES + 8;
	d.im = &im;
	d.path = path;
	d.media_dir = media_dir ? media_dir : "media";
	d.text.limit = DOCX_MAX_DOCUMENT;
	d.cur.limit = FOLIO_MAX_TEXT_BYTES + 1;
	d.instr.limit = 4096;
	if (!folio_figure_src_valid(d.media_dir))
		return folio_error_set(err, FOLIO_EUSAGE, "media folder '%s': "
			"expected letters, digits, '.', '_', '-' and '/'",
			d.media_dir);
	d.images = calloc(DOCX_MAX_IMAGES, sizeof(*d.images));
	if (d.images == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			path);
	if ((rc = folio_package_open(&d.pkg, path, err)) < 0)
		goto out;
	if ((rc = folio_doc_new(&im.doc, path, err)) < 0)
		goto out;
	if ((rc = read_document(&d)) < 0 ||
	    (rc = make_page(&d)) < 0 ||
	    (rc = imp_recognise(&im)) < 0 ||
	    (rc = add_notes(&d)) < 0)
		goto done;
done:
	rc2 = imp_report_fill(&im);
	for (i = 0; i < d.n_skips && rc2 == 0; i++)
		rc2 = imp_report_skipped(&im, d.skips[i].line, d.skips[i].col,
			d.skips[i].text, d.skips[i].reason,
			d.skips[i].detail);
	if (rc == 0)
		rc = rc2;
	if (rc == 0)
		rc = fill_media(&d, media);
out:
	free(im.p);
	free(im.cps);
	free(im.text);
	folio_buf_free(&im.out);
	free_docx(&d);
	if (rc < 0) {
		folio_doc_free(im.doc);
		folio_import_media_free(media);
		return rc;
	}
	*out = im.doc;
	return 0;
}

int folio_import_file(folio_doc **out, folio_import_media *media,
	const char *path, const char *media_dir,
	const folio_import_options *opts,
	folio_import_report *report, folio_error *err)
{
	char head[8];
	size_t n;
	FILE *fp = NULL;
	int rc;

	*out = NULL;
	if (media != NULL)
		memset(media, 0, sizeof(*media));
	if ((rc = folio_file_fopen_regular(&fp, path, err)) < 0)
		return rc;
	n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	if (folio_input_kind_of(head, n) != FOLIO_INPUT_TEXT)
		return folio_docx_import(out, media, path, media_dir, opts,
			report, err);
	return folio_text_import(out, path, opts, report, err);
}

void folio_import_media_dir(char *out, size_t outsz, const char *out_path)
{
	const char *base = strrchr(out_path, '/'), *dot;
	uint32_t h = 2166136261u;
	size_t n, i;

	base = base ? base + 1 : out_path;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	snprintf(out, outsz, "%.*s-media", (int)n, base);
	if (n > 0 && n < 64 && folio_figure_src_valid(out))
		return;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)base[i]) * 16777619u;
	snprintf(out, outsz, "media-%08x", (unsigned)h);
}
