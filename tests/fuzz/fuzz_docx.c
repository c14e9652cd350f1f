/* fuzz_docx.c - the Word reader on any word/document.xml: the input is
 * packed with fixed styles and numbering parts (auto-numbers, a heading
 * style) into a .docx and imported. The package layer is libzip's; what
 * is fuzzed here is the walk over WordprocessingML: runs, fields,
 * tracked changes, tables and their merges, drawings, numbering. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "import/import.h"
#include "model/doc.h"
#include "util/xml.h"
#include "util/zip.h"

#define W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/" \
	"2006/main\""

static const char styles[] = "<w:styles " W "><w:style w:styleId=\"H1\">"
	"<w:name w:val=\"heading 1\"/><w:pPr><w:numPr><w:numId w:val=\"1\"/>"
	"</w:numPr></w:pPr></w:style></w:styles>";
static const char numbering[] = "<w:numbering " W "><w:abstractNum "
	"w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:numFmt "
	"w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/></w:lvl>"
	"<w:lvl w:ilvl=\"1\"><w:numFmt w:val=\"decimal\"/><w:lvlText "
	"w:val=\"%1.%2\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\">"
	"<w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";
static char dir[64], path[128];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	folio_xml_init();
	snprintf(dir, sizeof(dir), "/tmp/folio-fuzz-docx-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/in.docx", dir);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	folio_error err = {0};
	folio_import_report rep = {0};
	folio_import_media media;
	folio_doc *doc = NULL;
	folio_zip *z = NULL;

	if (folio_zip_create(&z, path, 1600000000, &err) < 0 ||
	    folio_zip_add_mem(z, "word/document.xml", data, size,
	    FOLIO_ZIP_DEFLATE, &err) < 0 ||
	    folio_zip_add_mem(z, "word/styles.xml", styles, strlen(styles),
	    FOLIO_ZIP_DEFLATE, &err) < 0 ||
	    folio_zip_add_mem(z, "word/numbering.xml", numbering,
	    strlen(numbering), FOLIO_ZIP_DEFLATE, &err) < 0 ||
	    folio_zip_close(z, &err) < 0)
		abort();
	folio_docx_import(&doc, &media, path, "m", NULL, &rep, &err);
	folio_import_media_free(&media);
	folio_import_report_free(&rep);
	folio_doc_free(doc);
	return 0;
}
