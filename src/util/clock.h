/*
 * clock.h - monotonic time for the per-stage timings in reports.
 */
#ifndef FOLIO_UTIL_CLOCK_H
#define FOLIO_UTIL_CLOCK_H

#include <time.h>

/* Nanoseconds on CLOCK_MONOTONIC (unaffected by clock changes). */
static inline long long folio_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif
