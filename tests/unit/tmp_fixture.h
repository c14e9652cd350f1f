/*
 * tmp_fixture.h - a scratch folder for one unit-test binary: `tmp`, made
 * by the cmocka group setup and removed with all it holds by the group
 * teardown (a failure to remove it fails the run). Define
 * TMP_FIXTURE_NAME (a word for the folder's name) and include after
 * cmocka.h:
 *
 *     return cmocka_run_group_tests(tests, tmp_setup, tmp_teardown);
 */
#ifndef FOLIO_TESTS_TMP_FIXTURE_H
#define FOLIO_TESTS_TMP_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static char tmp[256];

static int tmp_setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/folio-test-%s-XXXXXX",
		TMP_FIXTURE_NAME);
	return mkdtemp(tmp) != NULL ? 0 : -1;
}

static int tmp_remove_one(const char *path, const struct stat *sb, int flag,
	struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int tmp_teardown(void **state)
{
	(void)state;
	/* Depth first, links themselves rather than what they lead to. */
	return nftw(tmp, tmp_remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ?
		0 : -1;
}

#endif
