/*
 * pool.h - run N independent jobs on a fixed number of worker threads.
 *
 * Workers take the next job index from a shared counter, so memory stays
 * bounded by the number of workers, not the number of jobs: a job builds
 * one document, writes its outputs and frees everything before the worker
 * takes the next. Jobs must not share mutable state except through the
 * `done` callback, which the pool serialises (it holds a mutex while
 * calling it), so progress and reports need no locking of their own.
 *
 * Jobs of a few microseconds are claimed several at a time (the pool
 * measures them): a worker runs up to FOLIO_POOL_MAX_BATCH consecutive
 * jobs, then calls `done` for each, in order, before its next claim.
 * What a job leaves for its `done` therefore lives in a per-worker slot
 * i % FOLIO_POOL_MAX_BATCH, never in one slot per worker.
 *
 * `stop` (may be NULL) is polled between jobs; when it reads non-zero no
 * new job starts (used for SIGINT).
 */
#ifndef FOLIO_BATCH_POOL_H
#define FOLIO_BATCH_POOL_H

#include <signal.h>
#include <stddef.h>

#include "util/error.h"

#define FOLIO_POOL_MAX_BATCH 32

typedef struct folio_pool_job {
	/* Run job i on worker `worker` (0-based); return 0 or FOLIO_E*. */
	int (*run)(void *ctx, size_t i, int worker);
	/* Called after job i, serialised, with run's result, on the thread
	 * that ran it (so what run left for `worker` in slot
	 * i % FOLIO_POOL_MAX_BATCH is there to take). */
	void (*done)(void *ctx, size_t i, int worker, int rc);
	void *ctx;
	size_t n_jobs;
	int n_workers;                /* <= 0: number of online CPUs */
	volatile sig_atomic_t *stop;
} folio_pool_job;

/* Returns 0 when every job ran (whatever their results), FOLIO_ELIB if
 * threads could not be started, or FOLIO_EUSAGE if stopped early. */
int folio_pool_run(const folio_pool_job *job, folio_error *err);

/* Workers to use for "-j 0": online CPUs, at least 1. */
int folio_pool_default_workers(void);

#endif
