/* Unit tests for src/util/charset.c: which encoding a page is read in,
 * and the refusals that name a position or the --encoding to give. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/charset.h"
#include "util/error.h"

/* "关于停电的通知\n明日全天停电。\n江临市供电公司\n2024年5月6日\n" */
static const char gbk_page[] =
	"\xb9\xd8\xd3\xda\xcd\xa3\xb5\xe7\xb5\xc4\xcd\xa8\xd6\xaa\n"
	"\xc3\xf7\xc8\xd5\xc8\xab\xcc\xec\xcd\xa3\xb5\xe7\xa1\xa3\n"
	"\xbd\xad\xc1\xd9\xca\xd0\xb9\xa9\xb5\xe7\xb9\xab\xcb\xbe\n"
	"2024\xc4\xea" "5\xd4\xc2" "6\xc8\xd5\n";
static const char gbk_page_utf8[] =
	"关于停电的通知\n明日全天停电。\n江临市供电公司\n2024年5月6日\n";

static int decode(char **out, folio_charset *cs, const char *data,
	size_t len, const char *given, folio_error *err)
{
	size_t n;

	memset(err, 0, sizeof(*err));
	return folio_charset_decode(out, &n, cs, data, len, given, "p.txt",
		err);
}

static void plain_utf8_and_boms(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *name;
		folio_charset_how how;
	} cases[] = {
		{"\xe6\xad\xa3\xe6\x96\x87\n", 7, "UTF-8", FOLIO_CHARSET_PLAIN},
		{"\xef\xbb\xbf\xe6\xad\xa3\xe6\x96\x87\n", 10, "UTF-8",
		 FOLIO_CHARSET_PLAIN},
		{"\xff\xfe\x63\x6b\x87\x65\n\x00", 8, "UTF-16LE",
		 FOLIO_CHARSET_BOM},
		{"\xfe\xff\x6b\x63\x65\x87\x00\n", 8, "UTF-16BE",
		 FOLIO_CHARSET_BOM},
		{"\xff\xfe\x00\x00\x63\x6b\x00\x00\x87\x65\x00\x00\n\x00\x00\x00",
		 16, "UTF-32LE", FOLIO_CHARSET_BOM},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		folio_charset cs;
		folio_error err;
		char *out = NULL;
		assert_int_equal(decode(&out, &cs, cases[i].bytes, cases[i].len,
			NULL, &err), 0);
		assert_string_equal(out, "正文\n");
		assert_string_equal(cs.name, cases[i].name);
		assert_int_equal(cs.how, cases[i].how);
		free(out);
	}
}

static void gbk_and_big5_are_detected(void **state)
{
	/* 澳門特別行政區公報 一、本批示自公佈翌日起生效。 in Big5 */
	/* 澳門特別行政區公報 一、本批示自公佈翌日起生效。 行政長官岑○○ in Big5 */
	static const char big5[] =
		"\xbf\x44\xaa\xf9\xaf\x53\xa7\x4f\xa6\xe6\xac\x46\xb0\xcf\xa4"
		"\xbd\xb3\xf8\x0a\xa4\x40\xa1\x42\xa5\xbb\xa7\xe5\xa5\xdc\xa6"
		"\xdb\xa4\xbd\xa7\x47\xb2\xdd\xa4\xe9\xb0\x5f\xa5\xcd\xae\xc4"
		"\xa1\x43\x0a\xa6\xe6\xac\x46\xaa\xf8\xa9\x78\xa7\xc2\xa1\xb3"
		"\xa1\xb3\x0a";
	folio_charset cs;
	folio_error err;
	char *out = NULL;

	(void)state;
	assert_int_equal(decode(&out, &cs, gbk_page, sizeof(gbk_page) - 1,
		NULL, &err), 0);
	assert_string_equal(out, gbk_page_utf8);
	assert_string_equal(cs.name, "GB18030");
	assert_int_equal(cs.how, FOLIO_CHARSET_DETECTED);
	free(out);
	assert_int_equal(decode(&out, &cs, big5, sizeof(big5) - 1, NULL,
		&err), 0);
	assert_string_equal(cs.name, "Big5");
	assert_non_null(strstr(out, "澳門特別行政區公報\n一、本批示"));
	free(out);
}

/* Four characters read as GB18030 and as Big5 alike: no guess. */
static void undecidable_names_both(void **state)
{
	static const char tiny[] = "\xcd\xa8\xd6\xaa\n\xd5\xfd\xce\xc4\n";
	folio_charset cs;
	folio_error err;
	char *out = NULL;

	(void)state;
	assert_int_equal(decode(&out, &cs, tiny, sizeof(tiny) - 1, NULL,
		&err), FOLIO_EINPUT);
	assert_null(out);
	assert_non_null(strstr(err.msg, "p.txt:1:1: cannot tell the encoding"));
	assert_non_null(strstr(err.msg, "--encoding GB18030 or --encoding "
		"Big5"));
	/* ... and --encoding settles it */
	assert_int_equal(decode(&out, &cs, tiny, sizeof(tiny) - 1, "GBK",
		&err), 0);
	assert_string_equal(out, "通知\n正文\n");
	assert_int_equal(cs.how, FOLIO_CHARSET_GIVEN);
	free(out);
}

static void refusals_say_where(void **state)
{
	/* UTF-8 with one stray byte on line 2: broken UTF-8, not GBK */
	static const char stray[] = "标题一行\n正文\xff内容\n再来一行正文\n";
	/* UTF-16LE without a byte order mark */
	static const char wide[] = "\x63\x6b\x87\x65\n\x00\x63\x6b\n\x00";
	/* a given encoding the bytes do not follow: line 2, column 3 */
	static const char bad_gbk[] = "ab\ncd\x81\x20\n";
	folio_charset cs;
	folio_error err;
	char *out = NULL;

	(void)state;
	assert_int_equal(decode(&out, &cs, stray, sizeof(stray) - 1, NULL,
		&err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "p.txt:2:3: invalid UTF-8 at byte 19"));
	assert_int_equal(decode(&out, &cs, wide, sizeof(wide) - 1, NULL,
		&err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "UTF-16LE without a byte order "
		"mark; add --encoding UTF-16LE"));
	assert_int_equal(decode(&out, &cs, bad_gbk, sizeof(bad_gbk) - 1,
		"GBK", &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "p.txt:2:3: expected GBK text, found "
		"byte 0x81 at byte 5"));
	assert_int_equal(decode(&out, &cs, gbk_page, sizeof(gbk_page) - 1,
		"NO-SUCH-CODEPAGE", &err), FOLIO_EUSAGE);
	assert_non_null(strstr(err.msg, "NO-SUCH-CODEPAGE"));
	/* a lone surrogate in UTF-16 */
	assert_int_equal(decode(&out, &cs, "\xff\xfe\x00\xd8\x41\x00", 6,
		NULL, &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "expected UTF-16LE text"));
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_utf8_and_boms),
		cmocka_unit_test(gbk_and_big5_are_detected),
		cmocka_unit_test(undecidable_names_both),
		cmocka_unit_test(refusals_say_where),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
