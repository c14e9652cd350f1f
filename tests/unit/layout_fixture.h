/*
 * layout_fixture.h - the set-up the layout unit tests share: the
 * installed fonts and the gbt9704 style, loaded once per test binary
 * (cmocka group setup/teardown). Include after cmocka.h and the
 * font, style, util/paths.h and util/xml.h headers.
 */
#ifndef FOLIO_TESTS_LAYOUT_FIXTURE_H
#define FOLIO_TESTS_LAYOUT_FIXTURE_H

static folio_fontset *fs;
static folio_style *gbt;

static int setup(void **state)
{
	folio_error err = {0};
	char path[4096];

	(void)state;
	folio_xml_init();
	if (folio_fontset_load(&fs, NULL, &err) < 0 ||
	    folio_data_path(path, sizeof(path), "styles/gbt9704.xml",
		&err) < 0 ||
	    folio_style_read(&gbt, path, &err) < 0) {
		print_error("setup: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	folio_style_free(gbt);
	folio_fontset_free(fs);
	return 0;
}


#endif
