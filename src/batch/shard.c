/* shard.c - slices of a batch and where K/N come from (see shard.h). */
#include "batch/shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal number in [min, max]: no sign, no space, no suffix. */
static int number(unsigned long *out, const char *s, unsigned long min,
	unsigned long max)
{
	char *end;

	if (s == NULL || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out >= min && *out <= max ?
		0 : -1;
}

static int bad_var(folio_error *err, const char *name, const char *value,
	const char *expected)
{
	return folio_error_set(err, FOLIO_EUSAGE, "--shard auto: %s: expected "
		"%s, found %s%s%s", name, expected, value ? "'" : "",
		value ? value : "it unset", value ? "'" : "");
}

static int from_slurm(folio_shard *s, unsigned long given, folio_env_fn env,
	void *ctx, folio_error *err)
{
	const char *id_s = env(ctx, "SLURM_ARRAY_TASK_ID");
	const char *min_s = env(ctx, "SLURM_ARRAY_TASK_MIN");
	const char *max_s = env(ctx, "SLURM_ARRAY_TASK_MAX");
	const char *step_s = env(ctx, "SLURM_ARRAY_TASK_STEP");
	const char *count_s = env(ctx, "SLURM_ARRAY_TASK_COUNT");
	unsigned long id, min, max, step = 1, count;

	if (number(&id, id_s, 0, 100000000) < 0)
		return bad_var(err, "SLURM_ARRAY_TASK_ID", id_s,
			"an array index");
	if (number(&count, count_s, 1, FOLIO_SHARD_MAX) < 0)
		return bad_var(err, "SLURM_ARRAY_TASK_COUNT", count_s,
			"the number of tasks in the array (Slurm 18.08 or "
			"later sets it)");
	if (number(&min, min_s, 0, id) < 0)
		return bad_var(err, "SLURM_ARRAY_TASK_MIN", min_s,
			"the array's lowest index, at most the task's");
	if (step_s != NULL && number(&step, step_s, 1, 100000000) < 0)
		return bad_var(err, "SLURM_ARRAY_TASK_STEP", step_s,
			"the array's step");
	if ((id - min) % step != 0 || (id - min) / step >= count)
		return folio_error_set(err, FOLIO_EUSAGE, "--shard auto: "
			"SLURM_ARRAY_TASK_ID=%lu is not on the range %lu, "
			"%lu + %lu, ... of %lu tasks; submit the array as "
			"--array=0-%lu", id, min, min, step, count, count - 1);
	/* A list such as --array=1,4,9 has no single step: its indices
	 * cannot be numbered 1..N from the environment alone. */
	if (max_s != NULL && (number(&max, max_s, min, 1000000000) < 0 ||
	    max != min + (count - 1) * step))
		return folio_error_set(err, FOLIO_EUSAGE, "--shard auto: the "
			"Slurm array is not one evenly stepped range "
			"(SLURM_ARRAY_TASK_MIN=%lu, _MAX=%s, _STEP=%lu, "
			"_COUNT=%lu); submit it as --array=0-%lu", min,
			max_s, step, count, count - 1);
	if (given != 0 && given != count)
		return folio_error_set(err, FOLIO_EUSAGE, "--shard auto/%lu: "
			"expected the array's task count, found "
			"SLURM_ARRAY_TASK_COUNT=%lu", given, count);
	s->index = (unsigned)((id - min) / step + 1);
	s->count = (unsigned)count;
	snprintf(s->origin, sizeof(s->origin), "SLURM_ARRAY_TASK_ID=%lu, "
		"SLURM_ARRAY_TASK_MIN=%lu, SLURM_ARRAY_TASK_STEP=%lu, "
		"SLURM_ARRAY_TASK_COUNT=%lu", id, min, step, count);
	return 0;
}

/* JOB_COMPLETION_INDEX (0-based) or PARALLEL_SEQ (1-based), with N
 * given on the command line. */
static int from_index(folio_shard *s, unsigned long given, const char *name,
	const char *value, unsigned long base, folio_error *err)
{
	unsigned long v;

	if (number(&v, value, base, FOLIO_SHARD_MAX) < 0)
		return bad_var(err, name, value, base ? "a number from 1" :
			"a number from 0");
	if (given == 0)
		return folio_error_set(err, FOLIO_EUSAGE, "--shard auto: %s=%s"
			" gives the shard but not how many there are: expected "
			"--shard auto/N (N = %s), found auto", name, value,
			base ? "the number of jobs given to parallel" :
			"the Job's completions");
	if (v - base >= given)
		return folio_error_set(err, FOLIO_EUSAGE, "--shard auto/%lu: "
			"%s=%s is shard %lu, expected at most %lu", given, name,
			value, v - base + 1, given);
	s->index = (unsigned)(v - base + 1);
	s->count = (unsigned)given;
	snprintf(s->origin, sizeof(s->origin), "%s=%s, --shard auto/%lu", name,
		value, given);
	return 0;
}

static int from_env(folio_shard *s, unsigned long given, folio_env_fn env,
	void *ctx, folio_error *err)
{
	static const char *const vars[] = {"SLURM_ARRAY_TASK_ID",
		"JOB_COMPLETION_INDEX", "PARALLEL_SEQ"};
	char found[128] = "";
	size_t i, n = 0, which = 0;

	for (i = 0; i < 3; i++)
		if (env(ctx, vars[i]) != NULL) {
			size_t len = strlen(found);
			snprintf(found + len, sizeof(found) - len, "%s%s",
				n ? " and " : "", vars[i]);
			which = i;
			n++;
		}
	if (n == 0)
		return folio_error_set(err, FOLIO_EUSAGE, "--shard auto: "
			"expected SLURM_ARRAY_TASK_ID (a Slurm array job), "
			"JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or "
			"PARALLEL_SEQ (GNU parallel) in the environment, found "
			"none of them; give --shard K/N");
	if (n > 1)
		return folio_error_set(err, FOLIO_EUSAGE, "--shard auto: "
			"expected one scheduler's variable, found %s; give "
			"--shard K/N", found);
	if (which == 0)
		return from_slurm(s, given, env, ctx, err);
	return from_index(s, given, vars[which], env(ctx, vars[which]),
		which == 1 ? 0 : 1, err);
}

int folio_shard_parse(folio_shard *out, const char *spec, folio_env_fn env,
	void *env_ctx, folio_error *err)
{
	const char *slash = strchr(spec, '/');
	unsigned long k = 0, n = 0;
	char head[16];

	memset(out, 0, sizeof(*out));
	if (slash != NULL && number(&n, slash + 1, 1, FOLIO_SHARD_MAX) < 0)
		goto bad;
	snprintf(head, sizeof(head), "%.*s", slash ? (int)(slash - spec) :
		(int)strlen(spec), spec);
	if (strcmp(head, "auto") == 0)
		return from_env(out, n, env, env_ctx, err);
	if (slash == NULL || number(&k, head, 1, FOLIO_SHARD_MAX) < 0)
		goto bad;
	if (k > n)
		return folio_error_set(err, FOLIO_EUSAGE, "--shard %s: "
			"expected K from 1 to %lu, found %lu", spec, n, k);
	out->index = (unsigned)k;
	out->count = (unsigned)n;
	snprintf(out->origin, sizeof(out->origin), "--shard %lu/%lu", k, n);
	return 0;
bad:
	return folio_error_set(err, FOLIO_EUSAGE, "--shard: expected K/N (1 <= "
		"K <= N <= %u), auto or auto/N, found '%s'", FOLIO_SHARD_MAX,
		spec);
}

int folio_shard_has(const folio_shard *s, size_t i)
{
	return s->count == 0 || i % s->count == s->index - 1;
}

size_t folio_shard_size(const folio_shard *s, size_t n)
{
	if (s->count == 0)
		return n;
	return n / s->count + (n % s->count >= s->index ? 1 : 0);
}

size_t folio_shard_at(const folio_shard *s, size_t j)
{
	if (s->count == 0)
		return j;
	return j * s->count + (s->index - 1);
}

void folio_shard_name(char *out, size_t n, unsigned index, unsigned count)
{
	snprintf(out, n, "%u-of-%u", index, count);
}

int folio_shard_parse_name(unsigned *index, unsigned *count,
	const char *name, const char *suffix)
{
	unsigned long k, n;
	size_t len = strlen(name), sl = strlen(suffix);
	char buf[40], *of;

	if (len <= sl || len - sl >= sizeof(buf) ||
	    strcmp(name + len - sl, suffix) != 0)
		return -1;
	memcpy(buf, name, len - sl);
	buf[len - sl] = '\0';
	of = strstr(buf, "-of-");
	if (of == NULL)
		return -1;
	*of = '\0';
	if (number(&k, buf, 1, FOLIO_SHARD_MAX) < 0 ||
	    number(&n, of + 4, k, FOLIO_SHARD_MAX) < 0)
		return -1;
	*index = (unsigned)k;
	*count = (unsigned)n;
	return 0;
}
