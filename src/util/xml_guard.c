/* xml_guard.c - the byte checks made before libxml2 parses (see
 * xml_impl.h). One pass, constant state, any split of the input. */
#include "util/xml_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
	S_TEXT,
	S_LT,        /* after '<' */
	S_TAG,       /* inside a start tag */
	S_QUOTE,     /* inside an attribute value */
	S_END_TAG,   /* inside "</...>" */
	S_BANG,      /* after "<!", deciding what follows */
	S_COMMENT,   /* until "-->" */
	S_CDATA,     /* until "]]>" */
	S_PI         /* until "?>" */
};

void xml_guard_init(xml_guard *g, unsigned max_attrs)
{
	memset(g, 0, sizeof(*g));
	g->max_attrs = max_attrs;
	g->line = 1;
	g->col = 1;
}

static int refuse(xml_guard *g, int code, unsigned line, unsigned col,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int refuse(xml_guard *g, int code, unsigned line, unsigned col,
	const char *fmt, ...)
{
	va_list ap;

	if (g->failed)
		return g->failed;
	va_start(ap, fmt);
	vsnprintf(g->what, sizeof(g->what), fmt, ap);
	va_end(ap);
	g->failed = code;
	g->fail_line = line;
	g->fail_col = col;
	return code;
}

/* Strict UTF-8 (Unicode table 3-7), one byte at a time. */
static int utf8_byte(xml_guard *g, unsigned char c)
{
	if (g->need > 0) {
		if (c < g->lo || c > g->hi)
			return -1;
		g->need--;
		g->lo = 0x80;
		g->hi = 0xBF;
		return 0;
	}
	if (c < 0x80)
		return 0;
	g->lo = 0x80;
	g->hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		g->need = 1;
	} else if (c >= 0xE0 && c <= 0xEF) {
		g->need = 2;
		if (c == 0xE0)
			g->lo = 0xA0;
		else if (c == 0xED)
			g->hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		g->need = 3;
		if (c == 0xF0)
			g->lo = 0x90;
		else if (c == 0xF4)
			g->hi = 0x8F;
	} else {
		return -1;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The markup lexer: one byte. Quoted values, comments, CDATA sections
 * and processing instructions are skipped whole, so only '=' between an
 * attribute name and its value is counted. */
static int markup_byte(xml_guard *g, char c)
{
	switch (g->state) {
	case S_TEXT:
		if (c == '<') {
			g->state = S_LT;
			g->tag_line = g->line;
			g->tag_col = g->col;
		}
		return 0;
	case S_LT:
		if (c == '!') {
			g->state = S_BANG;
			g->bang_len = 0;
		} else if (c == '?') {
			g->state = S_PI;
			g->run = 0;
		} else if (c == '/') {
			g->state = S_END_TAG;
		} else {
			g->state = S_TAG;
			g->attrs = 0;
			g->tag_len = 0;
			g->tag[g->tag_len++] = c;
			g->run = 1;  /* still reading the element name */
		}
		return 0;
	case S_TAG:
		if (g->run) {
			if (is_blank(c) || c == '/' || c == '>' || c == '=')
				g->run = 0;
			else if (g->tag_len + 1 < sizeof(g->tag))
				g->tag[g->tag_len++] = c;
		}
		if (c == '"' || c == '\'') {
			g->state = S_QUOTE;
			g->quote = c;
		} else if (c == '>') {
			g->state = S_TEXT;
		} else if (c == '=' && ++g->attrs > g->max_attrs) {
			g->tag[g->tag_len] = '\0';
			return refuse(g, FOLIO_ELIMIT, g->tag_line, g->tag_col,
				"<%s>: attribute limit exceeded: expected at "
				"most %u attributes on one element, found more",
				g->tag, g->max_attrs);
		}
		return 0;
	case S_QUOTE:
		if (c == g->quote)
			g->state = S_TAG;
		return 0;
	case S_END_TAG:
		if (c == '>')
			g->state = S_TEXT;
		return 0;
	case S_BANG:
		g->bang[g->bang_len++] = c;
		if (g->bang_len == 2 && memcmp(g->bang, "--", 2) == 0) {
			g->state = S_COMMENT;
			g->run = 0;
		} else if (g->bang_len == 7 &&
		    memcmp(g->bang, "[CDATA[", 7) == 0) {
			g->state = S_CDATA;
			g->run = 0;
		} else if (memcmp(g->bang, "[CDATA[", g->bang_len) != 0 &&
		    memcmp(g->bang, "--", g->bang_len < 2 ? g->bang_len : 2)
			!= 0) {
			return refuse(g, FOLIO_EINPUT, g->tag_line, g->tag_col,
				"expected no DTD or declarations (DOCTYPE is "
				"not allowed in folio XML), found <!%.*s",
				(int)g->bang_len, g->bang);
		}
		return 0;
	case S_COMMENT:
		if (c == '>' && g->run >= 2)
			g->state = S_TEXT;
		g->run = c == '-' ? g->run + 1 : 0;
		return 0;
	case S_CDATA:
		if (c == '>' && g->run >= 2)
			g->state = S_TEXT;
		g->run = c == ']' ? g->run + 1 : 0;
		return 0;
	case S_PI:
		if (c == '>' && g->run)
			g->state = S_TEXT;
		g->run = c == '?';
		return 0;
	}
	return 0;
}

int xml_guard_feed(xml_guard *g, const char *p, size_t n)
{
	size_t i;

	if (g->failed)
		return g->failed;
	for (i = 0; i < n; i++, g->off++) {
		unsigned char c = (unsigned char)p[i];
		if (utf8_byte(g, c) < 0)
			return refuse(g, FOLIO_EINPUT, g->line, g->col,
				"invalid UTF-8 at byte %llu (expected UTF-8 "
				"text, found byte 0x%02X)",
				(unsigned long long)g->off, c);
		if (c == 0)
			return refuse(g, FOLIO_EINPUT, g->line, g->col,
				"expected an XML character, found a NUL byte "
				"(byte %llu)", (unsigned long long)g->off);
		if (markup_byte(g, (char)c) < 0)
			return g->failed;
		if (c == '\n') {
			g->line++;
			g->col = 1;
		} else if ((c & 0xC0) != 0x80) {
			g->col++;
		}
	}
	return 0;
}

int xml_guard_end(xml_guard *g)
{
	if (g->failed)
		return g->failed;
	if (g->need > 0)
		return refuse(g, FOLIO_EINPUT, g->line, g->col,
			"invalid UTF-8 at byte %llu (expected UTF-8 text, "
			"found the end of the input inside a character)",
			(unsigned long long)g->off);
	return 0;
}
