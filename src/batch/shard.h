/*
 * shard.h - which slice of a batch one run builds.
 *
 * A batch of n sources split into N shards: shard K (1-based) builds the
 * documents whose 0-based manifest position i has i mod N = K - 1
 * (round robin, so long and short documents spread evenly whatever the
 * manifest's order). Every shard writes into the same output tree
 * (disjoint file names: 档号 are unique) and leaves its report in
 * shards/K-of-N.json; the merge step archives from those reports.
 *
 * `--shard` takes "K/N", or "auto" / "auto/N" to take K (and N) from the
 * scheduler that started the process:
 *   Slurm array job   SLURM_ARRAY_TASK_ID, _MIN, _STEP (default 1) and
 *                     _COUNT (and _MAX, checked): K = (ID - MIN) / STEP
 *                     + 1, N = COUNT. The array must be one evenly
 *                     stepped range (--array=0-7 or 1-15:2, not 1,4,9).
 *   Kubernetes        JOB_COMPLETION_INDEX (0-based) of an Indexed Job:
 *                     K = index + 1; N is not in the environment, so it
 *                     is given as auto/N (the Job's completions).
 *   GNU parallel      PARALLEL_SEQ (1-based, set on --sshlogin hosts
 *                     too): K = seq; N given as auto/N.
 * With auto/N under Slurm, N must equal SLURM_ARRAY_TASK_COUNT. When
 * none or more than one of the three is set, auto is refused: the
 * message names what was found, and --shard K/N always works.
 *
 * Errors are FOLIO_EUSAGE with a message naming the variable and value.
 */
#ifndef FOLIO_BATCH_SHARD_H
#define FOLIO_BATCH_SHARD_H

#include <stddef.h>

#include "util/error.h"

#define FOLIO_SHARD_MAX 100000u

typedef struct folio_shard {
	unsigned index;      /* 1-based */
	unsigned count;      /* 0: the whole batch */
	char origin[192];    /* where K and N came from, for the log */
} folio_shard;

/* Environment lookup: getenv, or a table in tests. */
typedef const char *(*folio_env_fn)(void *ctx, const char *name);

/* Parse the value of --shard (see above). */
int folio_shard_parse(folio_shard *out, const char *spec, folio_env_fn env,
	void *env_ctx, folio_error *err);

/* Whether document i (0-based) is in the slice. */
int folio_shard_has(const folio_shard *s, size_t i);
/* Documents of n in the slice. */
size_t folio_shard_size(const folio_shard *s, size_t n);
/* Position of the j-th document (0-based) of the slice in the batch. */
size_t folio_shard_at(const folio_shard *s, size_t j);

/* "K-of-N" into out (32 bytes). */
void folio_shard_name(char *out, size_t n, unsigned index, unsigned count);
/* K and N of a file name "K-of-N<suffix>", or -1 when it is not one. */
int folio_shard_parse_name(unsigned *index, unsigned *count,
	const char *name, const char *suffix);

#endif
