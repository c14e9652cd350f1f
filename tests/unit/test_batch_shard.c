/* Unit tests for src/batch/shard: --shard values, K and N from each
 * scheduler's environment, and slices that cover a batch exactly once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/shard.h"

/* An environment as "NAME=value" strings, NULL-terminated. */
static const char *lookup(void *ctx, const char *name)
{
	const char *const *e = ctx;
	size_t n = strlen(name);

	for (; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* Parse spec in env; 0 and K/N in out, or the error's message. */
static int parse(folio_shard *out, const char *spec, const char **env,
	char *msg)
{
	folio_error err = {0};
	int rc = folio_shard_parse(out, spec, lookup, env, &err);

	strcpy(msg, err.msg);
	return rc;
}

static void explicit_values(void **state)
{
	static const char *none[] = {NULL};
	static const char *const bad[] = {"", "3", "0/4", "5/4", "1/0", "a/b",
		"1/4x", "-1/4", "1/200000", "auto/0", "auto/x", "autox"};
	folio_shard s;
	char msg[FOLIO_ERROR_MSG_MAX];
	size_t i;

	(void)state;
	assert_int_equal(parse(&s, "3/4", none, msg), 0);
	assert_int_equal(s.index, 3);
	assert_int_equal(s.count, 4);
	assert_int_equal(parse(&s, "1/1", none, msg), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&s, bad[i], none, msg), FOLIO_EUSAGE);
		if (strstr(msg, "--shard") == NULL)
			fail_msg("'%s': %s", bad[i], msg);
	}
	assert_int_equal(parse(&s, "5/4", none, msg), FOLIO_EUSAGE);
	assert_non_null(strstr(msg, "expected K from 1 to 4, found 5"));
}

static void slurm_array(void **state)
{
	static const char *zero_based[] = {"SLURM_ARRAY_TASK_ID=2",
		"SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_MAX=3",
		"SLURM_ARRAY_TASK_STEP=1", "SLURM_ARRAY_TASK_COUNT=4", NULL};
	static const char *stepped[] = {"SLURM_ARRAY_TASK_ID=7",
		"SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_MAX=9",
		"SLURM_ARRAY_TASK_STEP=2", "SLURM_ARRAY_TASK_COUNT=5", NULL};
	static const char *list[] = {"SLURM_ARRAY_TASK_ID=2",
		"SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_MAX=9",
		"SLURM_ARRAY_TASK_STEP=1", "SLURM_ARRAY_TASK_COUNT=3", NULL};
	static const char *no_count[] = {"SLURM_ARRAY_TASK_ID=1",
		"SLURM_ARRAY_TASK_MIN=0", NULL};
	folio_shard s;
	char msg[FOLIO_ERROR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(&s, "auto", zero_based, msg), 0);
	assert_int_equal(s.index, 3);
	assert_int_equal(s.count, 4);
	assert_non_null(strstr(s.origin, "SLURM_ARRAY_TASK_ID=2"));
	assert_int_equal(parse(&s, "auto/4", zero_based, msg), 0);
	assert_int_equal(parse(&s, "auto/8", zero_based, msg), FOLIO_EUSAGE);
	assert_non_null(strstr(msg, "SLURM_ARRAY_TASK_COUNT=4"));
	/* --array=1-9:2 -> 1 3 5 7 9: task 7 is the fourth of five. */
	assert_int_equal(parse(&s, "auto", stepped, msg), 0);
	assert_int_equal(s.index, 4);
	assert_int_equal(s.count, 5);
	/* --array=1,2,9: no single step numbers them. */
	assert_int_equal(parse(&s, "auto", list, msg), FOLIO_EUSAGE);
	assert_non_null(strstr(msg, "not one evenly stepped range"));
	assert_int_equal(parse(&s, "auto", no_count, msg), FOLIO_EUSAGE);
	assert_non_null(strstr(msg, "SLURM_ARRAY_TASK_COUNT"));
}

static void indexed_job_and_parallel(void **state)
{
	static const char *k8s[] = {"JOB_COMPLETION_INDEX=0", NULL};
	static const char *k8s_last[] = {"JOB_COMPLETION_INDEX=3", NULL};
	static const char *par[] = {"PARALLEL_SEQ=2", NULL};
	static const char *par0[] = {"PARALLEL_SEQ=0", NULL};
	static const char *both[] = {"PARALLEL_SEQ=2",
		"JOB_COMPLETION_INDEX=1", NULL};
	static const char *none[] = {"HOME=/root", NULL};
	folio_shard s;
	char msg[FOLIO_ERROR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(&s, "auto/4", k8s, msg), 0);
	assert_int_equal(s.index, 1);
	assert_int_equal(s.count, 4);
	assert_int_equal(parse(&s, "auto/4", k8s_last, msg), 0);
	assert_int_equal(s.index, 4);
	assert_int_equal(parse(&s, "auto/3", k8s_last, msg), FOLIO_EUSAGE);
	assert_non_null(strstr(msg, "is shard 4, expected at most 3"));
	/* The count is not in a pod's environment: it must be given. */
	assert_int_equal(parse(&s, "auto", k8s, msg), FOLIO_EUSAGE);
	assert_non_null(strstr(msg, "--shard auto/N (N = the Job's "
		"completions)"));
	assert_int_equal(parse(&s, "auto/4", par, msg), 0);
	assert_int_equal(s.index, 2);
	assert_int_equal(parse(&s, "auto", par, msg), FOLIO_EUSAGE);
	assert_non_null(strstr(msg, "PARALLEL_SEQ=2"));
	assert_int_equal(parse(&s, "auto/4", par0, msg), FOLIO_EUSAGE);
	assert_int_equal(parse(&s, "auto/4", both, msg), FOLIO_EUSAGE);
	assert_non_null(strstr(msg, "JOB_COMPLETION_INDEX and PARALLEL_SEQ"));
	assert_int_equal(parse(&s, "auto/4", none, msg), FOLIO_EUSAGE);
	assert_non_null(strstr(msg, "found none of them; give --shard K/N"));
}

/* Every document of batches of several sizes is in exactly one shard,
 * and folio_shard_at walks each slice in order. */
static void slices_cover_the_batch_once(void **state)
{
	static const size_t sizes[] = {0, 1, 3, 4, 5, 17, 100};
	static const unsigned counts[] = {1, 2, 3, 4, 7, 16};
	size_t a, b, i, j;

	(void)state;
	for (a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++)
		for (b = 0; b < sizeof(counts) / sizeof(counts[0]); b++) {
			size_t n = sizes[a], total = 0;
			unsigned k;
			for (k = 1; k <= counts[b]; k++) {
				folio_shard s = {k, counts[b], ""};
				size_t size = folio_shard_size(&s, n), seen = 0;
				for (i = 0; i < n; i++)
					seen += (size_t)folio_shard_has(&s, i);
				assert_int_equal(seen, size);
				for (j = 0; j < size; j++) {
					i = folio_shard_at(&s, j);
					assert_true(i < n);
					assert_true(folio_shard_has(&s, i));
				}
				total += size;
			}
			assert_int_equal(total, n);
		}
}

static void file_names(void **state)
{
	char name[32];
	unsigned k, n;

	(void)state;
	folio_shard_name(name, sizeof(name), 3, 12);
	assert_string_equal(name, "3-of-12");
	assert_int_equal(folio_shard_parse_name(&k, &n, "3-of-12.json",
		".json"), 0);
	assert_int_equal(k, 3);
	assert_int_equal(n, 12);
	assert_int_equal(folio_shard_parse_name(&k, &n, "3-of-12.cache",
		".json"), -1);
	assert_int_equal(folio_shard_parse_name(&k, &n, "13-of-12.json",
		".json"), -1);
	assert_int_equal(folio_shard_parse_name(&k, &n, "x-of-2.json",
		".json"), -1);
	assert_int_equal(folio_shard_parse_name(&k, &n, ".json", ".json"),
		-1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(explicit_values),
		cmocka_unit_test(slurm_array),
		cmocka_unit_test(indexed_job_and_parallel),
		cmocka_unit_test(slices_cover_the_batch_once),
		cmocka_unit_test(file_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
