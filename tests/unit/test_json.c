/* Unit tests for src/util/json.c: the streaming JSON reader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/json.h"

/* Every token of s as "kind:text" joined by spaces into out; returns the
 * reader's result. */
static int tokens(char *out, size_t n, const char *s, folio_error *err)
{
	static const char *const names[] = {"end", "{", "}", "[", "]", "key",
		"str", "num", "true", "false", "null"};
	folio_json *j = NULL;
	folio_json_kind k;
	size_t used = 0;
	int rc;

	out[0] = '\0';
	if ((rc = folio_json_open_memory(&j, s, strlen(s), "t.json", err)) < 0)
		return rc;
	do {
		if ((rc = folio_json_next(j, &k, err)) < 0)
			break;
		used += (size_t)snprintf(out + used, n - used, "%s%s%s%s",
			used ? " " : "", names[k],
			folio_json_text(j, NULL)[0] ? ":" : "",
			folio_json_text(j, NULL));
	} while (k != FOLIO_JSON_END && used < n);
	folio_json_free(j);
	return rc;
}

/* folio_json_next_key: each member's name, 0 at '}', a located error
 * for what cannot start a member. */
static void walks_members(void **state)
{
	folio_json *j = NULL;
	folio_json_kind k;
	folio_error err = {0};
	const char *s = "{\"a\": 1, \"b\": [2]}";

	(void)state;
	assert_int_equal(folio_json_open_memory(&j, s, strlen(s), "t.json",
		&err), 0);
	assert_int_equal(folio_json_expect(j, FOLIO_JSON_OBJECT, &err), 0);
	assert_int_equal(folio_json_next_key(j, &err), 1);
	assert_string_equal(folio_json_text(j, NULL), "a");
	assert_int_equal(folio_json_next(j, &k, &err), 0);
	assert_int_equal(folio_json_skip(j, k, &err), 0);
	assert_int_equal(folio_json_next_key(j, &err), 1);
	assert_string_equal(folio_json_text(j, NULL), "b");
	assert_int_equal(folio_json_next(j, &k, &err), 0);
	assert_int_equal(folio_json_skip(j, k, &err), 0);
	assert_int_equal(folio_json_next_key(j, &err), 0);
	folio_json_free(j);

	s = "[1]";
	assert_int_equal(folio_json_open_memory(&j, s, strlen(s), "t.json",
		&err), 0);
	assert_true(folio_json_next_key(j, &err) < 0);
	assert_non_null(strstr(err.msg, "t.json:1:1: expected a member name"));
	folio_json_free(j);
}

static void reads_every_kind(void **state)
{
	char out[512];
	folio_error err = {0};

	(void)state;
	assert_int_equal(tokens(out, sizeof(out),
		" {\"a\": [1, -0.5e+3, true, false, null],\n \"b\": {}, "
		"\"c\": [], \"d\": \"公文\"} ", &err), 0);
	assert_string_equal(out, "{ key:a [ num:1 num:-0.5e+3 true false null "
		"] key:b { } key:c [ ] key:d str:公文 } end");
}

static void decodes_escapes(void **state)
{
	char out[256];
	folio_error err = {0};

	(void)state;
	assert_int_equal(tokens(out, sizeof(out),
		"[\"q\\\"b\\\\s\\/n\\n\\u6587\\ud83d\\ude00\"]", &err), 0);
	assert_string_equal(out, "[ str:q\"b\\s/n\n文\xF0\x9F\x98\x80 ] end");
}

static void refuses_with_position(void **state)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"{\"a\": 1,}", "t.json:1:9: expected a member name"},
		{"[1 2]", "t.json:1:4: expected ',' or ']', found '2'"},
		{"{\"a\" 1}", "t.json:1:6: expected ':' after the member name"},
		{"[01]", "t.json:1:3: expected ',' or ']', found '1'"},
		{"[tru]", "t.json:1:2: expected a value, found 'tru'"},
		{"{}\n{}", "t.json:2:1: expected end of input after the value"},
		{"[\"a\nb\"]", "t.json:1:4: expected a character or an escape"},
		{"[\"\\ud800x\"]", "expected the low surrogate"},
		{"[\"\\udc00\"]", "a lone low surrogate"},
		{"[\"\\u0000\"]", "found \\u0000"},
		{"[\"\xff\"]", "t.json:1:3: expected UTF-8 text"},
		/* overlong, surrogate, past U+10FFFF, cut short: after a
		 * plain run, so the fast path must stop at them too */
		{"[\"ab\xe0\x80\x80\"]", "t.json:1:5: expected UTF-8 text"},
		{"[\"ab\xed\xa0\x80\"]", "t.json:1:5: expected UTF-8 text"},
		{"[\"ab\xf4\x90\x80\x80\"]", "t.json:1:5: expected UTF-8"},
		{"[\"ab\xc0\xaf\"]", "t.json:1:5: expected UTF-8 text"},
		{"[\"ab\xe6\x96\"]", "t.json:1:5: expected UTF-8 text"},
		{"[\"abc", "expected '\"' closing the string, found end of "
			"input"},
		{"", "t.json:1:1: expected a value, found end of input"},
		{"[1.]", "expected a digit, found ']'"},
	};
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		folio_error err = {0};
		assert_int_equal(tokens(out, sizeof(out), cases[i].json, &err),
			FOLIO_EINPUT);
		if (strstr(err.msg, cases[i].want) == NULL)
			fail_msg("%s: got '%s'", cases[i].json, err.msg);
	}
}

static void limits_depth_and_size(void **state)
{
	char deep[2 * FOLIO_JSON_MAX_DEPTH + 8], out[1024];
	folio_error err = {0};
	size_t i;

	(void)state;
	for (i = 0; i <= FOLIO_JSON_MAX_DEPTH; i++)
		deep[i] = '[';
	deep[i] = '\0';
	assert_int_equal(tokens(out, sizeof(out), deep, &err), FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "nesting deeper than"));
}

/* A file read through the window: a string crossing refills, the value
 * API (expect, skip, fail) and the byte cap. */
static void reads_files_through_the_window(void **state)
{
	char path[] = "/tmp/folio-test-json-XXXXXX";
	folio_json *j = NULL;
	folio_json_kind k;
	folio_error err = {0};
	size_t len, i;
	FILE *fp;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("{\"skip\": {\"x\": [1, {\"y\": null}]}, \"long\": \"", fp);
	for (i = 0; i < 100000; i++)
		fputs("档", fp);
	fputs("\", \"n\": 7}", fp);
	fclose(fp);

	assert_int_equal(folio_json_open(&j, path, 1 << 20, &err), 0);
	assert_int_equal(folio_json_expect(j, FOLIO_JSON_OBJECT, &err), 0);
	assert_int_equal(folio_json_expect(j, FOLIO_JSON_KEY, &err), 0);
	assert_int_equal(folio_json_next(j, &k, &err), 0);
	assert_int_equal(folio_json_skip(j, k, &err), 0);
	assert_int_equal(folio_json_expect(j, FOLIO_JSON_KEY, &err), 0);
	assert_string_equal(folio_json_text(j, NULL), "long");
	assert_int_equal(folio_json_expect(j, FOLIO_JSON_STRING, &err), 0);
	folio_json_text(j, &len);
	assert_int_equal(len, 300000);
	assert_int_equal(folio_json_expect(j, FOLIO_JSON_KEY, &err), 0);
	assert_int_equal(folio_json_expect(j, FOLIO_JSON_STRING, &err),
		FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "expected a string, found 7"));
	assert_non_null(strstr(err.msg, ":1:"));
	folio_json_free(j);

	folio_error_clear(&err);
	assert_int_equal(folio_json_open(&j, path, 1000, &err), 0);
	assert_int_equal(folio_json_next(j, &k, &err), 0);
	do {
		if (folio_json_next(j, &k, &err) < 0)
			break;
	} while (k != FOLIO_JSON_END);
	assert_int_equal(err.code, FOLIO_ELIMIT);
	assert_non_null(strstr(err.msg, "at most 1000 bytes"));
	folio_json_free(j);
	folio_json_free(NULL);
	unlink(path);

	folio_error_clear(&err);
	assert_int_equal(folio_json_open(&j, "/nonexistent/x.json", 10, &err),
		FOLIO_EIO);
	assert_null(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_every_kind),
		cmocka_unit_test(walks_members),
		cmocka_unit_test(decodes_escapes),
		cmocka_unit_test(refuses_with_position),
		cmocka_unit_test(limits_depth_and_size),
		cmocka_unit_test(reads_files_through_the_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
