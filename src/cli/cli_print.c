/* What a print layout needs from the command line: the print style
 * (given, or the shipped default) and the fonts. folio pdf and folio
 * epub (whose page list follows the PDF) load them alike, so both lay
 * a document out the same way. */
#include "cli/cli.h"
#include "font/font.h"
#include "style/style_read.h"
#include "util/paths.h"

int cli_print_inputs(folio_style **style, folio_fontset **fonts,
	const char *style_path, folio_error *err)
{
	char default_style[4096];
	int rc = 0;

	*style = NULL;
	*fonts = NULL;
	if (style_path == NULL) {
		rc = folio_data_path(default_style, sizeof(default_style),
			"styles/gbt9704.xml", err);
		style_path = default_style;
	}
	if (rc == 0)
		rc = folio_style_read(style, style_path, err);
	if (rc == 0)
		rc = folio_fontset_load(fonts, NULL, err);
	return rc;
}
