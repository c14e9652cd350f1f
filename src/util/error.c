#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int folio_error_set(folio_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	/* Keep the first message: it was written where the fault was seen,
	 * and outer layers that report "failed" would only blur it. */
	if (err->code != 0 && err->msg[0] != '\0')
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void folio_error_clear(folio_error *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

const char *folio_error_name(int code)
{
	switch (code) {
	case FOLIO_OK: return "ok";
	case FOLIO_ENOMEM: return "nomem";
	case FOLIO_EINPUT: return "input";
	case FOLIO_ELIMIT: return "limit";
	case FOLIO_EIO: return "io";
	case FOLIO_EUSAGE: return "usage";
	case FOLIO_EFONT: return "font";
	case FOLIO_ELIB: return "library";
	case FOLIO_EVERIFY: return "verify";
	default: return "unknown";
	}
}
