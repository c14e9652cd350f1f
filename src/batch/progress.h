/*
 * progress.h - the one-line progress bar of a batch run, as text.
 *
 * Pure formatting: the CLI decides whether stderr is a terminal, honours
 * --quiet and NO_COLOR, and prints. Times are in seconds.
 */
#ifndef FOLIO_BATCH_PROGRESS_H
#define FOLIO_BATCH_PROGRESS_H

#include <stddef.h>

typedef struct folio_progress {
	size_t done;
	size_t total;
	size_t failed;
	size_t skipped;     /* up to date, not rebuilt */
	double elapsed;
	int color;          /* 1: ANSI colour for the failure count */
} folio_progress;

/* Render into out (always NUL-terminated) fitting `columns` cells:
 * "[#####.....]  12/50  3.4 docs/s  ETA 0:11  1 failed". */
void folio_progress_format(char *out, size_t outsz, const folio_progress *p,
	int columns);

#endif
