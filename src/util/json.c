/* json.c - the streaming JSON reader (see json.h). */
#include "util/json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

#define WINDOW 65536
#define NUMBER_MAX 64

/* What the grammar allows next. */
typedef enum need {
	NEED_VALUE,
	NEED_VALUE_OR_ARRAY_END,   /* just after '[' */
	NEED_KEY_OR_OBJECT_END,    /* just after '{' */
	NEED_KEY,                  /* after ',' in an object */
	NEED_COLON,
	NEED_COMMA_OR_END,         /* after a value inside a container */
	NEED_NOTHING               /* after the top-level value */
} need;

struct folio_json {
	FILE *fp;                  /* NULL: reading memory */
	int owns_fp;
	char *window;              /* owned for a file */
	const char *data;          /* the window in use */
	size_t pos, len;
	size_t consumed, max_bytes;
	char *name;
	unsigned line, col;        /* of the next byte */
	unsigned tok_line, tok_col;
	size_t tok_at;             /* consumed bytes before the last token */
	folio_json_kind last;
	char *text;
	size_t text_len, text_cap;
	char stack[FOLIO_JSON_MAX_DEPTH];
	size_t depth;
	need need;
	int done;                  /* END was handed out */
};

const char *folio_json_kind_name(folio_json_kind k)
{
	switch (k) {
	case FOLIO_JSON_END: return "end of input";
	case FOLIO_JSON_OBJECT: return "'{'";
	case FOLIO_JSON_OBJECT_END: return "'}'";
	case FOLIO_JSON_ARRAY: return "'['";
	case FOLIO_JSON_ARRAY_END: return "']'";
	case FOLIO_JSON_KEY: return "a member name";
	case FOLIO_JSON_STRING: return "a string";
	case FOLIO_JSON_NUMBER: return "a number";
	case FOLIO_JSON_TRUE: return "true";
	case FOLIO_JSON_FALSE: return "false";
	default: return "null";
	}
}

static folio_json *reader_new(const char *name)
{
	folio_json *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->name = strdup(name);
	j->text_cap = 256;
	j->text = malloc(j->text_cap);
	if (j->name == NULL || j->text == NULL) {
		free(j->name);
		free(j->text);
		free(j);
		return NULL;
	}
	j->text[0] = '\0';
	j->line = j->col = 1;
	j->need = NEED_VALUE;
	return j;
}

int folio_json_open(folio_json **out, const char *path, size_t max_bytes,
	folio_error *err)
{
	folio_json *j;

	*out = NULL;
	j = reader_new(path);
	if (j == NULL || (j->window = malloc(WINDOW)) == NULL) {
		folio_json_free(j);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	j->fp = fopen(path, "rb");
	if (j->fp == NULL) {
		int e = errno;
		folio_json_free(j);
		return folio_error_set(err, FOLIO_EIO, "%s: cannot open: %s",
			path, strerror(e));
	}
	j->owns_fp = 1;
	j->data = j->window;
	j->max_bytes = max_bytes;
	*out = j;
	return 0;
}

int folio_json_open_stream(folio_json **out, FILE *fp, const char *name,
	size_t max_bytes, folio_error *err)
{
	folio_json *j;

	*out = NULL;
	j = reader_new(name);
	if (j == NULL || (j->window = malloc(WINDOW)) == NULL) {
		folio_json_free(j);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	j->fp = fp;
	j->data = j->window;
	j->max_bytes = max_bytes;
	*out = j;
	return 0;
}

int folio_json_open_memory(folio_json **out, const char *data, size_t len,
	const char *name, folio_error *err)
{
	folio_json *j = reader_new(name);

	*out = NULL;
	if (j == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	j->data = data;
	j->len = len;
	j->max_bytes = len;
	*out = j;
	return 0;
}

void folio_json_free(folio_json *j)
{
	if (j == NULL)
		return;
	if (j->fp != NULL && j->owns_fp)
		fclose(j->fp);
	free(j->window);
	free(j->name);
	free(j->text);
	free(j);
}

/* The next byte without taking it; -1 at the end (-2 on a read error). */
static int peek(folio_json *j)
{
	if (j->pos == j->len) {
		if (j->fp == NULL)
			return -1;
		j->len = fread(j->window, 1, WINDOW, j->fp);
		j->pos = 0;
		if (j->len == 0)
			return ferror(j->fp) ? -2 : -1;
	}
	return (unsigned char)j->data[j->pos];
}

static void take(folio_json *j)
{
	unsigned char c = (unsigned char)j->data[j->pos++];

	j->consumed++;
	if (c == '\n') {
		j->line++;
		j->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		j->col++;
	}
}

/* "'x'" for printable ASCII, else a name. */
static void describe(char *out, size_t n, int c)
{
	if (c == -1)
		snprintf(out, n, "end of input");
	else if (c == -2)
		snprintf(out, n, "a read error");
	else if (c >= 0x20 && c < 0x7F)
		snprintf(out, n, "'%c'", c);
	else
		snprintf(out, n, "byte 0x%02X", (unsigned)c);
}

static int fail_here(folio_json *j, int code, const char *expected, int c,
	folio_error *err)
{
	char found[32];

	if (c == -2)
		return folio_error_set(err, FOLIO_EIO, "%s: read error",
			j->name);
	describe(found, sizeof(found), c);
	return folio_error_set(err, code, "%s:%u:%u: expected %s, found %s",
		j->name, j->line, j->col, expected, found);
}

static int too_big(const folio_json *j, folio_error *err)
{
	return folio_error_set(err, FOLIO_ELIMIT, "%s:%u:%u: size limit "
		"exceeded: expected at most %zu bytes", j->name, j->line,
		j->col, j->max_bytes);
}

/* Take one byte into the token text. */
static int text_put(folio_json *j, const char *s, size_t n,
	folio_error *err)
{
	if (j->text_len + n + 1 > j->text_cap) {
		size_t cap = j->text_cap;
		char *t;
		if (j->text_len + n > FOLIO_JSON_MAX_STRING)
			return folio_error_set(err, FOLIO_ELIMIT, "%s:%u:%u: "
				"string longer than %zu bytes", j->name,
				j->tok_line, j->tok_col, FOLIO_JSON_MAX_STRING);
		while (cap < j->text_len + n + 1)
			cap *= 2;
		t = realloc(j->text, cap);
		if (t == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		j->text = t;
		j->text_cap = cap;
	}
	memcpy(j->text + j->text_len, s, n);
	j->text_len += n;
	j->text[j->text_len] = '\0';
	return 0;
}

static int hex4(folio_json *j, uint32_t *out, folio_error *err)
{
	uint32_t v = 0;
	int k, c;

	for (k = 0; k < 4; k++) {
		c = peek(j);
		if (c >= '0' && c <= '9')
			v = v * 16 + (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (uint32_t)(c - 'A' + 10);
		else
			return fail_here(j, FOLIO_EINPUT, "4 hex digits after "
				"\\u", c, err);
		take(j);
	}
	*out = v;
	return 0;
}

static int escape(folio_json *j, folio_error *err)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p;
	uint32_t cp, lo;
	char u[4];
	int c = peek(j), rc;

	if (c > 0 && (p = strchr(from, c)) != NULL) {
		take(j);
		return text_put(j, &to[p - from], 1, err);
	}
	if (c != 'u')
		return fail_here(j, FOLIO_EINPUT, "an escape (\\\" \\\\ \\/ "
			"\\b \\f \\n \\r \\t \\uXXXX)", c, err);
	take(j);
	if ((rc = hex4(j, &cp, err)) < 0)
		return rc;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		/* A high surrogate needs its low half right after it. */
		if (peek(j) != '\\')
			return fail_here(j, FOLIO_EINPUT, "the low surrogate "
				"after a high one", peek(j), err);
		take(j);
		if (peek(j) != 'u')
			return fail_here(j, FOLIO_EINPUT, "the low surrogate "
				"after a high one", peek(j), err);
		take(j);
		if ((rc = hex4(j, &lo, err)) < 0)
			return rc;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: "
				"expected a low surrogate, found \\u%04X",
				j->name, j->line, j->col, (unsigned)lo);
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
		return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: expected "
			"a character, found a lone low surrogate \\u%04X",
			j->name, j->line, j->col, (unsigned)cp);
	} else if (cp == 0) {
		return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: expected "
			"a character, found \\u0000 (not allowed in folio "
			"strings)", j->name, j->line, j->col);
	}
	return text_put(j, u, folio_utf8_encode(u, cp), err);
}

/* One UTF-8 character whose lead byte c is next. */
static int utf8_char(folio_json *j, int c, folio_error *err)
{
	char s[4];
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1, k;
	uint32_t cp;
	unsigned line = j->line, col = j->col;

	for (k = 0; k < n; k++) {
		int b = peek(j);
		if (b < 0 || (k > 0 && (b & 0xC0) != 0x80))
			break;
		s[k] = (char)b;
		take(j);
	}
	if (k < n || folio_utf8_decode(s, n, &cp) != n)
		return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: expected "
			"UTF-8 text, found an invalid byte sequence",
			j->name, line, col);
	return text_put(j, s, n, err);
}

/* Length of a valid UTF-8 sequence at p (at most n bytes there), or 0
 * when it is invalid or cut by the end: folio_utf8_decode's rules,
 * without building the code point. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
			return 0;
		return 3;
	}
	if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
	    (p[3] & 0xC0) != 0x80 || (c == 0xF0 && p[1] < 0x90) ||
	    (c == 0xF4 && p[1] >= 0x90))
		return 0;
	return 4;
}

/* The run of bytes at the window's position that a string takes as
 * they are: no quote, backslash or control character, valid UTF-8, not
 * cut by the window's end. Counts its characters into *chars. Whatever
 * stops it is left to the careful path, which names a bad byte. */
static size_t plain_run(const folio_json *j, unsigned *chars)
{
	const unsigned char *p = (const unsigned char *)j->data + j->pos;
	const unsigned char *end = (const unsigned char *)j->data + j->len;
	const unsigned char *q = p;
	unsigned n = 0;

	while (q < end) {
		if (*q < 0x80) {
			if (*q < 0x20 || *q == '"' || *q == '\\')
				break;
			q++;
		} else {
			size_t len = utf8_len(q, (size_t)(end - q));
			if (len == 0)
				break;
			q += len;
		}
		n++;
	}
	*chars = n;
	return (size_t)(q - p);
}

static int string(folio_json *j, folio_error *err)
{
	unsigned chars;
	size_t run;
	int c, rc;

	take(j); /* the opening quote */
	j->text_len = 0;
	j->text[0] = '\0';
	for (;;) {
		/* Most of a string is plain text: copy it in one go. A run
		 * that is not valid UTF-8 goes the slow way, which names the
		 * byte. */
		if (peek(j) >= 0 && (run = plain_run(j, &chars)) > 1) {
			if ((rc = text_put(j, j->data + j->pos, run, err)) < 0)
				return rc;
			j->pos += run;
			j->consumed += run;
			j->col += chars;
			if (j->max_bytes && j->consumed > j->max_bytes)
				return too_big(j, err);
			continue;
		}
		c = peek(j);
		if (c < 0)
			return fail_here(j, FOLIO_EINPUT, "'\"' closing the "
				"string", c, err);
		if (c == '"') {
			take(j);
			return 0;
		}
		if (c == '\\') {
			take(j);
			rc = escape(j, err);
		} else if (c < 0x20) {
			return fail_here(j, FOLIO_EINPUT, "a character or an "
				"escape (control characters must be escaped)",
				c, err);
		} else if (c >= 0x80) {
			rc = utf8_char(j, c, err);
		} else {
			char ch = (char)c;
			take(j);
			rc = text_put(j, &ch, 1, err);
		}
		if (rc < 0)
			return rc;
		if (j->max_bytes && j->consumed > j->max_bytes)
			return too_big(j, err);
	}
}

static int digits(folio_json *j, char *num, size_t *n, folio_error *err)
{
	int c = peek(j), any = 0;

	while (c >= '0' && c <= '9') {
		if (*n + 1 >= NUMBER_MAX)
			return folio_error_set(err, FOLIO_ELIMIT, "%s:%u:%u: "
				"number longer than %d characters", j->name,
				j->tok_line, j->tok_col, NUMBER_MAX - 1);
		num[(*n)++] = (char)c;
		take(j);
		c = peek(j);
		any = 1;
	}
	if (!any)
		return fail_here(j, FOLIO_EINPUT, "a digit", c, err);
	return 0;
}

static int number(folio_json *j, folio_error *err)
{
	char num[NUMBER_MAX];
	size_t n = 0;
	int c = peek(j), rc;

	if (c == '-') {
		num[n++] = '-';
		take(j);
		c = peek(j);
	}
	if (c == '0') {
		num[n++] = '0';
		take(j);
	} else if ((rc = digits(j, num, &n, err)) < 0) {
		return rc;
	}
	if (peek(j) == '.') {
		num[n++] = '.';
		take(j);
		if ((rc = digits(j, num, &n, err)) < 0)
			return rc;
	}
	c = peek(j);
	if (c == 'e' || c == 'E') {
		num[n++] = (char)c;
		take(j);
		c = peek(j);
		if (c == '+' || c == '-') {
			num[n++] = (char)c;
			take(j);
		}
		if ((rc = digits(j, num, &n, err)) < 0)
			return rc;
	}
	j->text_len = 0;
	return text_put(j, num, n, err);
}

static int literal(folio_json *j, folio_json_kind *out, folio_error *err)
{
	char word[8];
	size_t n = 0;
	int c = peek(j);

	while (c >= 'a' && c <= 'z' && n < sizeof(word) - 1) {
		word[n++] = (char)c;
		take(j);
		c = peek(j);
	}
	word[n] = '\0';
	if (strcmp(word, "true") == 0)
		*out = FOLIO_JSON_TRUE;
	else if (strcmp(word, "false") == 0)
		*out = FOLIO_JSON_FALSE;
	else if (strcmp(word, "null") == 0)
		*out = FOLIO_JSON_NULL;
	else
		return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: expected "
			"a value, found '%s'", j->name, j->tok_line,
			j->tok_col, word);
	return 0;
}

static void after_value(folio_json *j)
{
	j->need = j->depth == 0 ? NEED_NOTHING : NEED_COMMA_OR_END;
}

static int push(folio_json *j, char open, folio_error *err)
{
	if (j->depth == FOLIO_JSON_MAX_DEPTH)
		return folio_error_set(err, FOLIO_ELIMIT, "%s:%u:%u: nesting "
			"deeper than %d", j->name, j->tok_line, j->tok_col,
			FOLIO_JSON_MAX_DEPTH);
	j->stack[j->depth++] = open;
	return 0;
}

static int value(folio_json *j, int c, folio_json_kind *out,
	folio_error *err)
{
	int rc;

	if (c == '{' || c == '[') {
		if ((rc = push(j, (char)c, err)) < 0)
			return rc;
		take(j);
		*out = c == '{' ? FOLIO_JSON_OBJECT : FOLIO_JSON_ARRAY;
		j->need = c == '{' ? NEED_KEY_OR_OBJECT_END :
			NEED_VALUE_OR_ARRAY_END;
		return 0;
	}
	if (c == '"') {
		rc = string(j, err);
		*out = FOLIO_JSON_STRING;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		rc = number(j, err);
		*out = FOLIO_JSON_NUMBER;
	} else if (c >= 'a' && c <= 'z') {
		rc = literal(j, out, err);
	} else {
		return fail_here(j, FOLIO_EINPUT, "a value", c, err);
	}
	if (rc == 0)
		after_value(j);
	return rc;
}

/* '}' or ']' closing the innermost container, if c is that. */
static int close_container(folio_json *j, int c, folio_json_kind *out)
{
	char open = j->depth ? j->stack[j->depth - 1] : 0;

	if (!((c == '}' && open == '{') || (c == ']' && open == '[')))
		return 0;
	take(j);
	j->depth--;
	*out = c == '}' ? FOLIO_JSON_OBJECT_END : FOLIO_JSON_ARRAY_END;
	after_value(j);
	return 1;
}

static int next_token(folio_json *j, folio_json_kind *out, folio_error *err)
{
	int c;

	for (;;) {
		while ((c = peek(j)) == ' ' || c == '\t' || c == '\n' ||
			c == '\r')
			take(j);
		if (j->max_bytes && j->consumed > j->max_bytes)
			return too_big(j, err);
		j->tok_line = j->line;
		j->tok_col = j->col;
		j->tok_at = j->consumed;
		switch (j->need) {
		case NEED_NOTHING:
			if (c != -1)
				return fail_here(j, FOLIO_EINPUT, "end of "
					"input after the value", c, err);
			*out = FOLIO_JSON_END;
			j->done = 1;
			return 0;
		case NEED_COLON:
			if (c != ':')
				return fail_here(j, FOLIO_EINPUT, "':' after "
					"the member name", c, err);
			take(j);
			j->need = NEED_VALUE;
			continue;
		case NEED_COMMA_OR_END:
			if (close_container(j, c, out))
				return 0;
			if (c != ',')
				return fail_here(j, FOLIO_EINPUT,
					j->stack[j->depth - 1] == '{' ?
					"',' or '}'" : "',' or ']'", c, err);
			take(j);
			j->need = j->stack[j->depth - 1] == '{' ? NEED_KEY :
				NEED_VALUE;
			continue;
		case NEED_KEY_OR_OBJECT_END:
			if (close_container(j, c, out))
				return 0;
			/* fall through */
		case NEED_KEY:
			if (c != '"')
				return fail_here(j, FOLIO_EINPUT, "a member "
					"name in double quotes", c, err);
			*out = FOLIO_JSON_KEY;
			j->need = NEED_COLON;
			return string(j, err);
		case NEED_VALUE_OR_ARRAY_END:
			if (close_container(j, c, out))
				return 0;
			/* fall through */
		default:
			return value(j, c, out, err);
		}
	}
}

int folio_json_next(folio_json *j, folio_json_kind *out, folio_error *err)
{
	int rc;

	if (j->done) {
		*out = FOLIO_JSON_END;
		return 0;
	}
	j->text_len = 0;
	j->text[0] = '\0';
	rc = next_token(j, out, err);
	j->last = rc == 0 ? *out : FOLIO_JSON_END;
	return rc;
}

const char *folio_json_text(const folio_json *j, size_t *len)
{
	if (len != NULL)
		*len = j->text_len;
	return j->text;
}

int folio_json_skip(folio_json *j, folio_json_kind first, folio_error *err)
{
	folio_json_kind k;
	size_t depth;
	int rc;

	if (first != FOLIO_JSON_OBJECT && first != FOLIO_JSON_ARRAY)
		return 0;
	for (depth = 1; depth > 0;) {
		if ((rc = folio_json_next(j, &k, err)) < 0)
			return rc;
		if (k == FOLIO_JSON_OBJECT || k == FOLIO_JSON_ARRAY)
			depth++;
		else if (k == FOLIO_JSON_OBJECT_END ||
			k == FOLIO_JSON_ARRAY_END)
			depth--;
	}
	return 0;
}

int folio_json_raw_value(folio_json *j, const char **out, size_t *len,
	folio_json_kind *first, folio_error *err)
{
	size_t start;
	int rc;

	if (j->fp != NULL)
		return folio_error_set(err, FOLIO_EUSAGE, "%s: raw values are "
			"read from memory only", j->name);
	if ((rc = folio_json_next(j, first, err)) < 0)
		return rc;
	start = j->tok_at;
	if ((rc = folio_json_skip(j, *first, err)) < 0)
		return rc;
	/* In memory, consumed bytes are offsets into the data. */
	*out = j->data + start;
	*len = j->consumed - start;
	return 0;
}

int folio_json_fail(const folio_json *j, const char *what, folio_error *err)
{
	char found[80];

	if (j->last == FOLIO_JSON_STRING || j->last == FOLIO_JSON_KEY) {
		/* Quote a short prefix, cut on a character boundary. */
		size_t n = j->text_len > 40 ? 40 : j->text_len;
		n -= folio_utf8_incomplete_tail(j->text, n);
		snprintf(found, sizeof(found), "\"%.*s%s\"", (int)n, j->text,
			n < j->text_len ? "..." : "");
	} else if (j->last == FOLIO_JSON_NUMBER) {
		snprintf(found, sizeof(found), "%s", j->text);
	} else {
		snprintf(found, sizeof(found), "%s",
			folio_json_kind_name(j->last));
	}
	return folio_error_set(err, FOLIO_EINPUT, "%s:%u:%u: expected %s, "
		"found %s", j->name, j->tok_line, j->tok_col, what, found);
}

int folio_json_expect(folio_json *j, folio_json_kind want, folio_error *err)
{
	folio_json_kind k;
	int rc = folio_json_next(j, &k, err);

	if (rc < 0)
		return rc;
	if (k != want)
		return folio_json_fail(j, folio_json_kind_name(want), err);
	return 0;
}

int folio_json_next_key(folio_json *j, folio_error *err)
{
	folio_json_kind k;
	int rc = folio_json_next(j, &k, err);

	if (rc < 0)
		return rc;
	if (k == FOLIO_JSON_OBJECT_END)
		return 0;
	if (k != FOLIO_JSON_KEY)
		return folio_json_fail(j, "a member name or '}'", err);
	return 1;
}
