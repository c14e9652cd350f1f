#include "util/error.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int folio_error_set(folio_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return code;
	/* Keep the first message: it was written where the fault was seen,
	 * and outer layers that report "failed" would only blur it. */
	if (err->code != 0 && err->msg[0] != '\0')
		return code;
	err->code = code;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* A long message is cut at a byte count; drop a character cut in
	 * half so the message stays valid UTF-8 (it ends up in JSON). */
	if (n >= (int)sizeof(err->msg)) {
		size_t len = strlen(err->msg);
		err->msg[len - folio_utf8_incomplete_tail(err->msg, len)] = '\0';
	}
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
