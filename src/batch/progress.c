#include "batch/progress.h"

#include <stdio.h>
#include <string.h>

static void clock_text(char *out, size_t n, double s)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
			t % 60);
	else
		snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

void folio_progress_format(char *out, size_t outsz, const folio_progress *p,
	int columns)
{
	char tail[160], eta[32], fail[48] = "";
	double rate = p->elapsed > 0 ? (double)p->done / p->elapsed : 0;
	int bar, filled, i;
	size_t len;

	if (p->done < p->total && rate > 0)
		clock_text(eta, sizeof(eta),
			(double)(p->total - p->done) / rate);
	else
		snprintf(eta, sizeof(eta), "--:--");
	if (p->failed)
		snprintf(fail, sizeof(fail), p->color ?
			"  \033[31m%zu failed\033[0m" : "  %zu failed",
			p->failed);
	snprintf(tail, sizeof(tail), " %zu/%zu  %.1f docs/s  ETA %s%s",
		p->done, p->total, rate, eta, fail);

	/* The bar takes what the numbers leave, between 10 and 40 cells. */
	bar = columns - (int)strlen(tail) - 3;
	if (bar > 40)
		bar = 40;
	if (bar < 10)
		bar = 10;
	filled = p->total ? (int)((double)bar * (double)p->done /
		(double)p->total) : bar;
	len = 0;
	if (outsz < (size_t)bar + 3 + sizeof(tail)) {
		snprintf(out, outsz, "%s", tail);
		return;
	}
	out[len++] = '[';
	for (i = 0; i < bar; i++)
		out[len++] = i < filled ? '#' : '.';
	out[len++] = ']';
	snprintf(out + len, outsz - len, "%s", tail);
}
