/* fuzz_style.c - a print style (styles/NAME.xml), read and checked. */
#include "fuzz.h"
#include "style/style_read.h"
#include "util/xml.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	folio_xml_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	folio_error err = {0};
	folio_style *style = NULL;

	if (folio_style_read(&style, fuzz_memfile(data, size), &err) == 0)
		folio_style_free(style);
	return 0;
}
