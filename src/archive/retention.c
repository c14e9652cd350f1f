/* retention.c - the disposal review's arithmetic (see tools.h): civil
 * dates as day counts, 保管期限 as a number of years, the last day a
 * record is kept and where a given day stands against it. */
#include "archive/tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int digits(const char *p, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

int folio_date_parse(folio_date *out, const char *text, folio_error *err)
{
	size_t len = strlen(text);
	folio_date d = {0, 0, 0};
	int bad;

	if (len == 10 && text[4] == '-' && text[7] == '-')
		bad = digits(text, 4, &d.year) < 0 ||
			digits(text + 5, 2, &d.month) < 0 ||
			digits(text + 8, 2, &d.day) < 0;
	else if (len == 8)
		bad = digits(text, 4, &d.year) < 0 ||
			digits(text + 4, 2, &d.month) < 0 ||
			digits(text + 6, 2, &d.day) < 0;
	else
		bad = 1;
	if (bad || d.year < 1000 || d.month < 1 || d.month > 12 ||
	    d.day < 1 || d.day > month_days(d.year, d.month))
		return folio_error_set(err, FOLIO_EUSAGE, "expected a date "
			"YYYY-MM-DD (a real day, years 1000 to 9999), found "
			"'%.40s'", text);
	*out = d;
	return 0;
}

/* Days from 1970-01-01 of a proleptic Gregorian date: whole 400-year
 * eras from 0000-03-01 (years begin in March, so the leap day ends
 * each year), then the day of the era. */
int64_t folio_date_days(folio_date d)
{
	int64_t y = d.year - (d.month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 +
		d.day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

folio_date folio_date_of_time(int64_t t)
{
	int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	folio_date d;

	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

folio_date folio_date_add_years(folio_date d, int years)
{
	folio_date r = {d.year + years, d.month, d.day};

	if (r.month == 2 && r.day == 29 && !leap(r.year)) {
		r.month = 3;
		r.day = 1;
	}
	return r;
}

int folio_retention_years(int *out, const char *retention,
	folio_error *err)
{
	static const char prefix[] = "定期", suffix[] = "年";
	size_t len = strlen(retention), pl = strlen(prefix);
	size_t sl = strlen(suffix), n;
	int years;

	if (strcmp(retention, "永久") == 0) {
		*out = 0;
		return 0;
	}
	/* 定期N年: N of 1 to 3 ASCII digits, no leading zero. */
	if (len > pl + sl && strncmp(retention, prefix, pl) == 0 &&
	    strcmp(retention + len - sl, suffix) == 0) {
		n = len - pl - sl;
		if (n <= 3 && retention[pl] != '0' &&
		    digits(retention + pl, n, &years) == 0) {
			*out = years;
			return 0;
		}
	}
	return folio_error_set(err, FOLIO_EINPUT, "保管期限: expected 永久 "
		"or 定期N年, found '%.60s'", retention);
}

int folio_retention_assess(folio_retention_review *out, const char *date,
	const char *retention, folio_date as_of, folio_error *err)
{
	folio_date made, last;
	int years, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = folio_retention_years(&years, retention, err)) < 0)
		return rc;
	if (folio_date_parse(&made, date, err) < 0) {
		/* Bad data in the record, not a bad argument. */
		err->code = FOLIO_EINPUT;
		return FOLIO_EINPUT;
	}
	if (years == 0) {
		out->permanent = 1;
		out->status = FOLIO_RETENTION_KEPT;
		return 0;
	}
	/* Counted from 1 January after the year made: N whole years end
	 * on 31 December of year made + N. */
	last.year = made.year + years;
	last.month = 12;
	last.day = 31;
	out->last_day = last;
	if (folio_date_days(as_of) > folio_date_days(last))
		out->status = FOLIO_RETENTION_ENDED;
	else if (folio_date_days(last) <
	    folio_date_days(folio_date_add_years(as_of, 1)))
		out->status = FOLIO_RETENTION_ENDING;
	else
		out->status = FOLIO_RETENTION_KEPT;
	return 0;
}

int folio_retention_review_lists(folio_retention_report *out,
	const folio_archive_listing *lists, size_t n_lists, folio_date as_of,
	folio_error *err)
{
	size_t total = 0, k, i;
	int rc;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < n_lists; k++)
		total += lists[k].n;
	out->items = calloc(total ? total : 1, sizeof(*out->items));
	if (out->items == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (k = 0; k < n_lists; k++)
		for (i = 0; i < lists[k].n; i++) {
			folio_retention_item *it = &out->items[out->n];
			const folio_listed_record *r = &lists[k].records[i];
			it->list = k;
			it->record = r;
			if ((rc = folio_retention_assess(&it->review, r->date,
				r->retention ? r->retention : "", as_of,
				err)) < 0) {
				char msg[FOLIO_ERROR_MSG_MAX];
				snprintf(msg, sizeof(msg), "%s", err->msg);
				folio_error_clear(err);
				return folio_error_set(err, rc, "record %s: %s",
					r->code, msg);
			}
			out->count[it->review.status]++;
			out->n++;
		}
	return 0;
}

void folio_retention_report_free(folio_retention_report *r)
{
	if (r == NULL)
		return;
	free(r->items);
	r->items = NULL;
	r->n = 0;
}
