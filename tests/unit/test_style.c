/* Unit tests for src/style/style_read.c: the shipped styles read with
 * the GB/T 9704 numbers; bad styles fail with file:line:col messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "style/style.h"
#include "style/style_read.h"
#include "util/paths.h"
#include "util/xml.h"

#define MM (72.0 / 25.4)

static char tmpdir[] = "/tmp/folio-style-XXXXXX";
static int variant_line;  /* line of the last substitution */

static int setup(void **state)
{
	(void)state;
	folio_xml_init();
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void shipped_gbt9704(void **state)
{
	folio_error err = {0};
	folio_style *s;
	char path[4096];

	(void)state;
	assert_int_equal(folio_data_path(path, sizeof(path),
		"styles/gbt9704.xml", &err), 0);
	if (folio_style_read(&s, path, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(s->name, "gbt9704");
	assert_true(fabs(s->page_width - 210 * MM) < 1e-6);
	assert_true(fabs(s->page_height - 297 * MM) < 1e-6);
	assert_true(fabs(s->margin_top - 37 * MM) < 1e-6);
	assert_true(fabs(s->margin_left - 28 * MM) < 1e-6);
	assert_true(fabs(s->block_width - 156 * MM) < 1e-6);
	assert_true(fabs(s->block_height - 225 * MM) < 1e-6);
	assert_int_equal(s->lines, 22);
	assert_int_equal(s->chars, 28);
	assert_true(fabs(s->roles[FOLIO_ROLE_BODY].size - 16) < 1e-9);
	assert_true(fabs(s->roles[FOLIO_ROLE_TITLE].size - 22) < 1e-9);
	assert_true(fabs(s->roles[FOLIO_ROLE_PAGE_NUMBER].size - 14) < 1e-9);
	assert_string_equal(s->roles[FOLIO_ROLE_BODY].families[0], "仿宋");
	assert_string_equal(s->roles[FOLIO_ROLE_TITLE].families[0], "小标宋");
	assert_string_equal(s->roles[FOLIO_ROLE_H1].families[0], "黑体");
	assert_string_equal(s->roles[FOLIO_ROLE_H2].families[0], "楷体");
	assert_string_equal(s->heading_format[0], "{cn}、");
	assert_string_equal(s->heading_format[3], "（{n}）");
	assert_string_equal(s->page_number_format, "— {n} —");
	assert_true(fabs(s->page_number_below - 7 * MM) < 1e-6);
	assert_true(s->red_header && s->imprint && s->page_number);
	assert_true(s->roles[FOLIO_ROLE_HEADER].color.r > 0.8 &&
		s->roles[FOLIO_ROLE_HEADER].color.g < 0.1);
	/* First body baseline: 7.26 mm under the block top. */
	assert_true(fabs(folio_style_band_baseline(s, 0, 16) / MM - 7.258) <
		0.01);
	folio_style_free(s);
	assert_int_equal(folio_data_path(path, sizeof(path),
		"styles/book.xml", &err), 0);
	if (folio_style_read(&s, path, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(fabs(s->page_width - 148 * MM) < 1e-6);
	assert_false(s->red_header);
	assert_false(s->imprint);
	folio_style_free(s);
}

/* gbt9704.xml with one substitution, written to the temp folder. */
static const char *variant(const char *from, const char *to)
{
	static char out[4200];
	folio_error err = {0};
	char path[4096], *text, *hit;
	FILE *f;
	long n;

	assert_int_equal(folio_data_path(path, sizeof(path),
		"styles/gbt9704.xml", &err), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)n + strlen(to) + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	hit = strstr(text, from);
	assert_non_null(hit);
	variant_line = 1;
	for (char *c = text; c < hit; c++)
		variant_line += *c == '\n';
	memmove(hit + strlen(to), hit + strlen(from),
		strlen(hit + strlen(from)) + 1);
	memcpy(hit, to, strlen(to));
	snprintf(out, sizeof(out), "%s/bad.xml", tmpdir);
	f = fopen(out, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(text);
	return out;
}

static void expect_error(const char *path, int code, const char *msg)
{
	folio_error err = {0};
	folio_style *s = (folio_style *)1;

	assert_int_equal(folio_style_read(&s, path, &err), code);
	assert_null(s);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("expected '%s' in '%s'", msg, err.msg);
	assert_non_null(strstr(err.msg, path));
}

static void bad_styles(void **state)
{
	const char *p;
	char want[256];

	(void)state;
	p = variant("top=\"37mm\"", "top=\"-5mm\"");
	snprintf(want, sizeof(want), "bad.xml:%d:3: <text-block>: expected "
		"top as a non-negative length, found '-5mm'", variant_line);
	expect_error(p, FOLIO_EINPUT, want);
	expect_error(variant("width=\"156mm\"", "width=\"200mm\""),
		FOLIO_EINPUT, "expected the text block to fit the page width");
	expect_error(variant("lines=\"22\"", "lines=\"40\""), FOLIO_EINPUT,
		"of at least the 22.0pt title size, found a grid that cannot "
		"fit it");
	expect_error(variant("chars=\"28\"", "chars=\"60\""), FOLIO_EINPUT,
		"expected a character pitch");
	expect_error(variant("lines=\"22\"", "lines=\"0\""), FOLIO_EINPUT,
		"expected at least one line");
	expect_error(variant("size=\"16pt\"", "size=\"16px\""), FOLIO_EINPUT,
		"bad.xml:");
	expect_error(variant("format=\"— {n} —\"", "format=\"— N —\""),
		FOLIO_EINPUT, "expected a format holding {n}");
	expect_error("/nonexistent/style.xml", FOLIO_EIO, "style.xml");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_gbt9704),
		cmocka_unit_test(bad_styles),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
