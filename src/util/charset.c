#include "util/charset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/utf8.h"

/* The detector's verdict must lead the other Chinese candidate by this
 * much, and reach MIN_CONFIDENCE, when both read the bytes cleanly. */
#define MIN_CONFIDENCE 50
#define MIN_MARGIN 20

/* Where a conversion stopped: the first byte that did not convert. */
typedef struct stop {
	size_t byte;
	unsigned line, col;
	unsigned char value;
	int pua;                 /* stopped at a private-use character */
} stop;

static int is_private_use(uint32_t c)
{
	return (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000;
}

/* Append one code point, counting lines and columns as the input's. */
static int put(folio_buf *out, uint32_t c, stop *at)
{
	if (c == '\n') {
		at->line++;
		at->col = 1;
	} else {
		at->col++;
	}
	return folio_buf_put_utf8(out, c);
}

/* Convert data with ICU's converter `charset`, stopping at the first
 * invalid or incomplete sequence (and, when !pua_ok, at the first
 * private-use character: a legacy page never means one, a wrong guess
 * often lands there). Returns 0 when all converted, 1 when it stopped
 * (*at says where), or a negative code. */
static int convert(folio_buf *out, stop *at, const char *charset,
	const char *data, size_t len, int pua_ok, folio_error *err)
{
	UErrorCode st = U_ZERO_ERROR;
	UConverter *cnv = ucnv_open(charset, &st);
	const char *src = data, *end = data + len;
	UChar buf[4096];
	uint32_t high = 0;
	int rc = 0;

	memset(at, 0, sizeof(*at));
	at->line = 1;
	at->col = 1;
	folio_buf_reset(out);
	if (cnv == NULL || U_FAILURE(st)) {
		if (cnv != NULL)
			ucnv_close(cnv);
		return folio_error_set(err, FOLIO_EUSAGE, "--encoding: "
			"expected an encoding ICU knows (GB18030, GBK, Big5, "
			"UTF-16LE ...), found '%s'", charset);
	}
	ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL,
		&st);
	for (;;) {
		UChar *t = buf, *u;
		int done;

		st = U_ZERO_ERROR;
		ucnv_toUnicode(cnv, &t, buf + sizeof(buf) / sizeof(buf[0]),
			&src, end, NULL, 1, &st);
		for (u = buf; u < t; u++) {
			uint32_t c = *u;
			if (c >= 0xD800 && c <= 0xDBFF) {
				high = c;
				continue;
			}
			if (c >= 0xDC00 && c <= 0xDFFF && high) {
				c = 0x10000 + ((high - 0xD800) << 10) +
					(c - 0xDC00);
			}
			high = 0;
			if (!pua_ok && is_private_use(c)) {
				at->pua = 1;
				at->byte = (size_t)(src - data);
				rc = 1;
				goto done;
			}
			if (put(out, c, at) < 0) {
				rc = folio_error_set(err, FOLIO_ELIMIT,
					"the converted text exceeds %zu bytes",
					out->limit);
				goto done;
			}
		}
		if (st == U_BUFFER_OVERFLOW_ERROR)
			continue;
		done = 1;
		if (U_FAILURE(st)) {
			char bad[32];
			int8_t n = sizeof(bad);
			UErrorCode st2 = U_ZERO_ERROR;
			ucnv_getInvalidChars(cnv, bad, &n, &st2);
			if (U_FAILURE(st2) || n < 0)
				n = 0;
			at->byte = (size_t)(src - data) - (size_t)n;
			at->value = at->byte < len ?
				(unsigned char)data[at->byte] : 0;
			rc = 1;
		}
		if (done)
			break;
	}
done:
	ucnv_close(cnv);
	return rc;
}

/* Share of valid multi-byte sequences among all non-ASCII ones: a page
 * in UTF-8 with a stray byte still has mostly valid sequences, a page in
 * GB18030 or Big5 has next to none. */
static int nearly_utf8(const char *s, size_t n)
{
	size_t i = 0, good = 0, bad = 0, len;
	uint32_t c;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		len = folio_utf8_decode(s + i, n - i, &c);
		if (len == 0) {
			bad++;
			i++;
		} else {
			good++;
			i += len;
		}
	}
	return good > 0 && good >= 4 * bad;
}

static int invalid_utf8(const char *name, const char *s, size_t n,
	folio_error *err)
{
	size_t bad = folio_utf8_check(s, n);
	unsigned line, col;

	folio_utf8_position(s, bad, &line, &col);
	return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: invalid UTF-8 "
		"at byte %zu (0x%02X); expected UTF-8 text (or add --encoding "
		"NAME for a page in another encoding)", name, line, col, bad,
		(unsigned char)s[bad < n ? bad : 0]);
}

/* NUL bytes in text that is not UTF-8: UTF-16 without a byte order mark
 * puts them on one side of each pair (ASCII characters), a binary file
 * everywhere. */
static int nul_bytes(const char *name, const char *s, size_t n,
	folio_error *err)
{
	size_t i, even = 0, odd = 0;

	for (i = 0; i < n; i++)
		if (s[i] == '\0') {
			if (i % 2)
				odd++;
			else
				even++;
		}
	if (even + odd == 0)
		return 0;
	if ((odd >= 2 && odd >= 8 * even) || (even >= 2 && even >= 8 * odd))
		return folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected "
			"UTF-8 text, found what looks like UTF-16%s without a "
			"byte order mark; add --encoding UTF-16%s", name,
			odd > even ? "LE" : "BE", odd > even ? "LE" : "BE");
	return invalid_utf8(name, s, n, err);
}

static int bom(const unsigned char *s, size_t n, const char **charset,
	size_t *skip)
{
	if (n >= 4 && s[0] == 0xFF && s[1] == 0xFE && !s[2] && !s[3]) {
		*charset = "UTF-32LE";
		*skip = 4;
	} else if (n >= 4 && !s[0] && !s[1] && s[2] == 0xFE && s[3] == 0xFF) {
		*charset = "UTF-32BE";
		*skip = 4;
	} else if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
		*charset = "UTF-8";
		*skip = 3;
	} else if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
		*charset = "UTF-16LE";
		*skip = 2;
	} else if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
		*charset = "UTF-16BE";
		*skip = 2;
	} else {
		return 0;
	}
	return 1;
}

static int stopped(const char *name, const char *charset, const stop *at,
	folio_error *err)
{
	if (at->pua)
		return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: expected "
			"%s text, found a byte sequence that maps to a "
			"private-use character at byte %zu", name, at->line,
			at->col, charset, at->byte);
	return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: expected %s "
		"text, found byte 0x%02X at byte %zu that is not %s", name,
		at->line, at->col, charset, at->value, at->byte, charset);
}

/* Confidence the detector gives `charset`, 0 if it did not name it. */
static int confidence_of(const UCharsetMatch **m, int32_t k,
	const char *charset)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t i;

	for (i = 0; i < k; i++) {
		const char *nm = ucsdet_getName(m[i], &st);
		if (U_SUCCESS(st) && nm && strcmp(nm, charset) == 0)
			return ucsdet_getConfidence(m[i], &st);
	}
	return 0;
}

typedef struct candidate {
	const char *name;     /* what we report */
	int confidence;
	int clean;
	folio_buf text;
} candidate;

static int detect(folio_buf *out, folio_charset *cs, const char *data,
	size_t len, const char *name, folio_error *err)
{
	UErrorCode st = U_ZERO_ERROR;
	UCharsetDetector *det = ucsdet_open(&st);
	const UCharsetMatch **m;
	candidate c[2];
	const char *best_other = NULL;
	int32_t k = 0, i;
	int other = 0, rc = 0, pick = -1, n_clean;
	stop at;

	memset(c, 0, sizeof(c));
	if (det == NULL || U_FAILURE(st))
		return folio_error_set(err, FOLIO_ELIB, "ICU: cannot open the "
			"charset detector: %s", u_errorName(st));
	ucsdet_setText(det, data, (int32_t)len, &st);
	m = U_SUCCESS(st) ? ucsdet_detectAll(det, &k, &st) : NULL;
	if (U_FAILURE(st) || m == NULL) {
		rc = folio_error_set(err, FOLIO_ELIB, "ICU: charset detection "
			"failed: %s", u_errorName(st));
		goto done;
	}
	c[0].name = "GB18030";
	c[1].name = "Big5";
	for (i = 0; i < 2; i++) {
		c[i].text.limit = out->limit;
		c[i].confidence = confidence_of(m, k, c[i].name);
		rc = convert(&c[i].text, &at, c[i].name, data, len, 0, err);
		/* Hong Kong pages use HKSCS characters plain Big5 lacks. */
		if (rc == 1 && i == 1) {
			rc = convert(&c[i].text, &at, "Big5-HKSCS", data, len,
				0, err);
			if (rc == 0)
				c[i].name = "Big5-HKSCS";
		}
		if (rc < 0)
			goto done;
		c[i].clean = rc == 0;
		rc = 0;
	}
	/* A strong verdict for an encoding outside our set (Shift_JIS,
	 * EUC-KR ...) makes any Chinese reading doubtful. */
	for (i = 0; i < k; i++) {
		const char *nm = ucsdet_getName(m[i], &st);
		int conf = ucsdet_getConfidence(m[i], &st);
		if (U_FAILURE(st) || nm == NULL || strcmp(nm, "GB18030") == 0 ||
		    strcmp(nm, "Big5") == 0 || strncmp(nm, "UTF-", 4) == 0)
			continue;
		if (conf > other) {
			other = conf;
			best_other = nm;
		}
	}
	n_clean = c[0].clean + c[1].clean;
	if (n_clean == 1) {
		pick = c[0].clean ? 0 : 1;
		if (other >= MIN_CONFIDENCE && other > c[pick].confidence)
			pick = -1;
	} else if (n_clean == 2) {
		int hi = c[1].confidence > c[0].confidence ? 1 : 0;
		if (c[hi].confidence >= MIN_CONFIDENCE &&
		    c[hi].confidence - c[1 - hi].confidence >= MIN_MARGIN &&
		    c[hi].confidence >= other)
			pick = hi;
	}
	if (pick >= 0) {
		folio_buf tmp = *out;
		*out = c[pick].text;
		c[pick].text = tmp;
		snprintf(cs->name, sizeof(cs->name), "%s", c[pick].name);
		cs->how = FOLIO_CHARSET_DETECTED;
		cs->confidence = c[pick].confidence;
		goto done;
	}
	if (n_clean == 0) {
		size_t bad = folio_utf8_check(data, len);
		unsigned line, col;
		folio_utf8_position(data, bad, &line, &col);
		rc = folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: expected "
			"text in UTF-8, GB18030 or Big5, found byte 0x%02X at "
			"byte %zu that none of them reads%s%s%s; add --encoding "
			"NAME if you know the page's encoding", name, line, col,
			(unsigned char)data[bad < len ? bad : 0], bad,
			best_other ? " (the detector suggests " : "",
			best_other ? best_other : "", best_other ? ")" : "");
	} else if (n_clean == 1) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s:1:1: cannot tell "
			"the encoding of the text: it reads as %s (detector "
			"confidence %d%%) but the detector prefers %s (%d%%); "
			"add --encoding NAME", name, c[c[0].clean ? 0 : 1].name,
			c[c[0].clean ? 0 : 1].confidence, best_other, other);
	} else {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s:1:1: cannot tell "
			"the encoding of the text: it is not UTF-8 and reads as "
			"%s (detector confidence %d%%) and as %s (%d%%); add "
			"--encoding %s or --encoding %s", name, c[0].name,
			c[0].confidence, c[1].name, c[1].confidence, c[0].name,
			c[1].name);
	}
done:
	folio_buf_free(&c[0].text);
	folio_buf_free(&c[1].text);
	ucsdet_close(det);
	return rc;
}

int folio_charset_decode(char **out, size_t *out_len, folio_charset *cs,
	const char *data, size_t len, const char *given, const char *name,
	folio_error *err)
{
	folio_buf b = {0};
	const char *charset = NULL;
	size_t skip = 0;
	stop at;
	int rc;

	*out = NULL;
	*out_len = 0;
	memset(cs, 0, sizeof(*cs));
	cs->confidence = 100;
	/* Conversion can grow text (GB18030 two bytes -> UTF-8 three). */
	b.limit = FOLIO_MAX_SOURCE_BYTES * 2;
	if (len > FOLIO_MAX_SOURCE_BYTES)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: text is %zu "
			"bytes, the size limit is %zu bytes", name, len,
			FOLIO_MAX_SOURCE_BYTES);
	if (given != NULL) {
		snprintf(cs->name, sizeof(cs->name), "%s", given);
		cs->how = FOLIO_CHARSET_GIVEN;
		/* A byte order mark of the named encoding is not text. */
		if (bom((const unsigned char *)data, len, &charset, &skip) &&
		    strncasecmp(given, charset, strlen(charset)) != 0)
			skip = 0;
		rc = convert(&b, &at, given, data + skip, len - skip, 1, err);
		if (rc == 1)
			rc = stopped(name, given, &at, err);
	} else if (bom((const unsigned char *)data, len, &charset, &skip)) {
		snprintf(cs->name, sizeof(cs->name), "%s", charset);
		cs->how = skip == 3 ? FOLIO_CHARSET_PLAIN : FOLIO_CHARSET_BOM;
		if (skip == 3 && folio_utf8_check(data + 3, len - 3) != len - 3)
			rc = invalid_utf8(name, data, len, err);
		else
			rc = convert(&b, &at, charset, data + skip, len - skip,
				1, err);
		if (rc == 1)
			rc = stopped(name, charset, &at, err);
	} else if (folio_utf8_check(data, len) == len) {
		snprintf(cs->name, sizeof(cs->name), "UTF-8");
		rc = folio_buf_append(&b, data, len);
		if (rc == 0 && b.data == NULL)
			rc = folio_buf_puts(&b, "");
		if (rc < 0)
			rc = folio_error_set(err, rc, "%s: out of memory", name);
	} else if (nearly_utf8(data, len)) {
		rc = invalid_utf8(name, data, len, err);
	} else if ((rc = nul_bytes(name, data, len, err)) == 0) {
		rc = detect(&b, cs, data, len, name, err);
	}
	if (rc < 0) {
		folio_buf_free(&b);
		return rc;
	}
	if (b.data == NULL && folio_buf_puts(&b, "") < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory",
			name);
	*out = b.data;
	*out_len = b.len;
	return 0;
}
