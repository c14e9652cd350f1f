#include "util/epoch.h"

#include <stdlib.h>

int folio_source_date_epoch(int64_t *out, folio_error *err)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	const char *p;
	int64_t v = 0;

	*out = -1;
	if (s == NULL || s[0] == '\0')
		return 0;
	/* Digits only: strtoll would take signs, blanks and overflow. */
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > FOLIO_EPOCH_MAX / 10 ||
		    v * 10 + (*p - '0') > FOLIO_EPOCH_MAX)
			return folio_error_set(err, FOLIO_EUSAGE,
				"SOURCE_DATE_EPOCH: expected seconds since 1970 "
				"(0 to %lld), found '%.40s'", FOLIO_EPOCH_MAX,
				s);
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return 0;
}
