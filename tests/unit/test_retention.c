/* Unit tests for src/archive/retention.c: civil dates as day counts
 * (against values worked out by hand and against the C library's own
 * timegm over four centuries), 保管期限 as years, and the review's
 * boundaries. The archive tools on real archives are judged by
 * tests/e2e/archive_tools.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "archive/tools.h"

static folio_date day(int y, int m, int d)
{
	folio_date r = {y, m, d};
	return r;
}

static void test_parse(void **state)
{
	folio_error err = {0};
	folio_date d;

	(void)state;
	assert_int_equal(folio_date_parse(&d, "2024-02-29", &err), 0);
	assert_int_equal(d.year, 2024);
	assert_int_equal(d.month, 2);
	assert_int_equal(d.day, 29);
	assert_int_equal(folio_date_parse(&d, "20141231", &err), 0);
	assert_int_equal(d.year * 10000 + d.month * 100 + d.day, 20141231);
	/* Not a day of the calendar, or not the shape. */
	{
		static const char *const bad[] = {"2023-02-29", "1900-02-29",
			"2024-13-01", "2024-00-10", "2024-04-31", "2024-1-01",
			"2024/01/01", "", "0999-01-01", "2024-01-01x",
			"２０２４-01-01", "2024-01-0a"};
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			folio_error_clear(&err);
			assert_int_equal(folio_date_parse(&d, bad[i], &err),
				FOLIO_EUSAGE);
			assert_non_null(strstr(err.msg, "YYYY-MM-DD"));
		}
	}
	assert_int_equal(folio_date_parse(&d, "2000-02-29", &err), 0);
}

static void test_days(void **state)
{
	struct tm tm;
	int64_t t;

	(void)state;
	assert_int_equal(folio_date_days(day(1970, 1, 1)), 0);
	assert_int_equal(folio_date_days(day(1969, 12, 31)), -1);
	assert_int_equal(folio_date_days(day(2000, 3, 1)) -
		folio_date_days(day(2000, 2, 28)), 2);
	assert_int_equal(folio_date_days(day(2100, 3, 1)) -
		folio_date_days(day(2100, 2, 28)), 1);
	assert_int_equal(folio_date_days(day(2025, 1, 1)) -
		folio_date_days(day(2024, 12, 31)), 1);
	/* Every day from 1900 to 2300 against timegm, both ways. */
	for (t = -2208988800LL; t < 10413792000LL; t += 86400) {
		time_t tt = (time_t)t;
		folio_date d;
		gmtime_r(&tt, &tm);
		d = folio_date_of_time(t + 43200);   /* any second of the day */
		assert_int_equal(d.year, tm.tm_year + 1900);
		assert_int_equal(d.month, tm.tm_mon + 1);
		assert_int_equal(d.day, tm.tm_mday);
		assert_int_equal(folio_date_days(d) * 86400, t);
	}
	/* The last second of a day is still that day. */
	assert_int_equal(folio_date_of_time(1735689599).day, 31);
	assert_int_equal(folio_date_of_time(1735689600).day, 1);
}

static void test_add_years(void **state)
{
	folio_date d;

	(void)state;
	d = folio_date_add_years(day(2024, 2, 29), 1);
	assert_int_equal(d.year * 10000 + d.month * 100 + d.day, 20250301);
	d = folio_date_add_years(day(2024, 2, 29), 4);
	assert_int_equal(d.year * 10000 + d.month * 100 + d.day, 20280229);
	d = folio_date_add_years(day(2024, 12, 31), 1);
	assert_int_equal(d.year * 10000 + d.month * 100 + d.day, 20251231);
}

static void test_years(void **state)
{
	folio_error err = {0};
	int y = -1;

	(void)state;
	assert_int_equal(folio_retention_years(&y, "永久", &err), 0);
	assert_int_equal(y, 0);
	assert_int_equal(folio_retention_years(&y, "定期10年", &err), 0);
	assert_int_equal(y, 10);
	assert_int_equal(folio_retention_years(&y, "定期30年", &err), 0);
	assert_int_equal(y, 30);
	assert_int_equal(folio_retention_years(&y, "定期5年", &err), 0);
	assert_int_equal(y, 5);
	assert_int_equal(folio_retention_years(&y, "定期100年", &err), 0);
	assert_int_equal(y, 100);
	{
		static const char *const bad[] = {"定期年", "定期0年", "定期010年",
			"定期1000年", "长期", "定期十年", "定期10", "10年", ""};
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			folio_error_clear(&err);
			assert_int_equal(folio_retention_years(&y, bad[i], &err),
				FOLIO_EINPUT);
			assert_non_null(strstr(err.msg, "定期N年"));
		}
	}
}

static folio_retention_status status(const char *date, const char *ret,
	folio_date as_of)
{
	folio_retention_review rv;
	folio_error err = {0};

	assert_int_equal(folio_retention_assess(&rv, date, ret, as_of, &err),
		0);
	return rv.status;
}

/* The boundaries of tools.h: a 定期10年 record of 2014 (any day of
 * it) is kept through 2024-12-31 and has ended on 2025-01-01. */
static void test_assess(void **state)
{
	folio_retention_review rv;
	folio_error err = {0};

	(void)state;
	assert_int_equal(folio_retention_assess(&rv, "20140101", "定期10年",
		day(2024, 12, 31), &err), 0);
	assert_int_equal(rv.permanent, 0);
	assert_int_equal(rv.last_day.year * 10000 + rv.last_day.month * 100 +
		rv.last_day.day, 20241231);
	assert_int_equal(status("20141231", "定期10年", day(2024, 12, 31)),
		FOLIO_RETENTION_ENDING);
	assert_int_equal(status("2014-06-01", "定期10年", day(2025, 1, 1)),
		FOLIO_RETENTION_ENDED);
	assert_int_equal(status("2014-06-01", "定期10年", day(2024, 1, 1)),
		FOLIO_RETENTION_ENDING);
	assert_int_equal(status("2014-06-01", "定期10年", day(2023, 12, 31)),
		FOLIO_RETENTION_KEPT);
	assert_int_equal(status("2014-06-01", "定期10年", day(2040, 1, 1)),
		FOLIO_RETENTION_ENDED);
	assert_int_equal(status("1994-03-18", "定期30年", day(2024, 12, 31)),
		FOLIO_RETENTION_ENDING);
	assert_int_equal(status("1994-03-18", "定期30年", day(2025, 1, 1)),
		FOLIO_RETENTION_ENDED);
	assert_int_equal(status("1000-01-01", "永久", day(9999, 12, 31)),
		FOLIO_RETENTION_KEPT);
	assert_int_equal(folio_retention_assess(&rv, "1000-01-01", "永久",
		day(9999, 12, 31), &err), 0);
	assert_int_equal(rv.permanent, 1);
	/* A bad date or term in a record is bad input. */
	assert_int_equal(folio_retention_assess(&rv, "20140231", "定期10年",
		day(2024, 1, 1), &err), FOLIO_EINPUT);
	folio_error_clear(&err);
	assert_int_equal(folio_retention_assess(&rv, "20140201", "长期",
		day(2024, 1, 1), &err), FOLIO_EINPUT);
}

/* The review of several listings: every record once, in order, the
 * counts adding up; a record the review cannot read is named. */
static void test_review_lists(void **state)
{
	folio_listed_record a[2], b[1];
	folio_archive_listing lists[2];
	folio_retention_report rep;
	folio_error err = {0};

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(lists, 0, sizeof(lists));
	strcpy(a[0].code, "J012-2014-D10-0001");
	strcpy(a[0].date, "2014-06-01");
	a[0].retention = (char *)"定期10年";
	strcpy(a[1].code, "J012-2014-Y-0002");
	strcpy(a[1].date, "2014-06-02");
	a[1].retention = (char *)"永久";
	strcpy(b[0].code, "J012-1995-D30-0001");
	strcpy(b[0].date, "1995-01-01");
	b[0].retention = (char *)"定期30年";
	lists[0].records = a;
	lists[0].n = 2;
	lists[1].records = b;
	lists[1].n = 1;
	assert_int_equal(folio_retention_review_lists(&rep, lists, 2,
		day(2025, 1, 1), &err), 0);
	assert_int_equal(rep.n, 3);
	assert_ptr_equal(rep.items[2].record, &b[0]);
	assert_int_equal(rep.items[2].list, 1);
	assert_int_equal(rep.items[0].review.status, FOLIO_RETENTION_ENDED);
	assert_int_equal(rep.items[1].review.status, FOLIO_RETENTION_KEPT);
	assert_int_equal(rep.items[2].review.status, FOLIO_RETENTION_ENDING);
	assert_int_equal(rep.count[FOLIO_RETENTION_ENDED], 1);
	assert_int_equal(rep.count[FOLIO_RETENTION_ENDING], 1);
	assert_int_equal(rep.count[FOLIO_RETENTION_KEPT], 1);
	folio_retention_report_free(&rep);
	b[0].retention = (char *)"定期";
	assert_int_equal(folio_retention_review_lists(&rep, lists, 2,
		day(2025, 1, 1), &err), FOLIO_EINPUT);
	assert_non_null(strstr(err.msg, "record J012-1995-D30-0001: "));
	folio_retention_report_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_add_years),
		cmocka_unit_test(test_years),
		cmocka_unit_test(test_assess),
		cmocka_unit_test(test_review_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
