/* fuzz_source.c - a source, as either reader takes it (XML when it
 * starts with '<', else pasted text through the importer), and, when it
 * reads, its layout in the GB/T 9704 style with every installed font
 * (missing glyphs drawn as boxes, so layout runs on any text). */
#include <stdlib.h>

#include "fuzz.h"
#include "font/font.h"
#include "layout/layout.h"
#include "model/doc.h"
#include "style/style_read.h"
#include "import/import.h"
#include "model/xml_read.h"
#include "util/paths.h"
#include "util/xml.h"

static folio_style *style;
static folio_fontset *fonts;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	folio_error err = {0};
	char path[4096];

	(void)argc;
	(void)argv;
	folio_xml_init();
	if (folio_data_path(path, sizeof(path), "styles/gbt9704.xml",
		&err) < 0 || folio_style_read(&style, path, &err) < 0 ||
	    folio_fontset_load(&fonts, NULL, &err) < 0)
		abort();  /* set FOLIO_DATADIR to the tree's top */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	folio_layout_options opts = {FOLIO_MISSING_GLYPH_BOX};
	folio_error err = {0};
	folio_layout lay;
	folio_doc *doc = NULL;
	const char *text = (const char *)data;
	size_t i = 0;
	int rc;

	while (i < size && (text[i] == ' ' || text[i] == '\n'))
		i++;
	if (i < size && text[i] == '<')
		rc = folio_xml_read_memory(&doc, text, size, "fuzz.xml", &err);
	else
		rc = folio_text_import_memory(&doc, "fuzz.txt", text, size,
			NULL, NULL, &err);
	if (rc == 0)
		folio_layout_document(&lay, doc, style, fonts, opts, &err);
	folio_doc_free(doc);
	return 0;
}
