/* Inline text of the content documents, marked up for readers that
 * cannot see it:
 *   - a run of Latin words (HarmonyOS, Authorization, ISO 9001:2015, a
 *     URL) gets lang="en", so a Chinese voice hands it to an English one
 *     (WCAG 2.1 SC 3.1.2, language of parts);
 *   - a run of two or more ideographic spaces is a form's blank
 *     (填表人：　　　　): wrapped in class="blank", which the stylesheet
 *     keeps at its full width, never hanging past the line end.
 * Everything else is written as it is. Digits alone are not marked: a
 * Chinese voice reads 2024 as well as an English one. */
#include "epub/epub_impl.h"

#include <string.h>

#include "util/utf8.h"

#define IDEOGRAPHIC_SPACE 0x3000u

static int latin_letter(uint32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
		(cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

static int word_char(uint32_t cp)
{
	return latin_letter(cp) || (cp >= '0' && cp <= '9');
}

/* Characters that hold a Latin run together when a word character
 * follows: the insides of version numbers, standard numbers, URLs and
 * e-mail addresses, and one space between words. */
static int joiner(uint32_t cp)
{
	return cp > 0 && cp < 0x80 &&
		strchr(" .-'/&+:_@%#?=~", (int)cp) != NULL;
}

static uint32_t peek(const char *s, size_t n, size_t i, size_t *len)
{
	uint32_t cp = 0;

	*len = i < n ? folio_utf8_decode(s + i, n - i, &cp) : 0;
	if (*len == 0) {
		*len = 1;  /* xw_text refuses the bad byte with its position */
		return 0xFFFD;
	}
	return cp;
}

/* End (exclusive) of the Latin run starting at i and its letter count:
 * word characters, and runs of joiners ("://", " ") standing between
 * word characters; two spaces in a row end the run. */
static size_t latin_run(const char *s, size_t n, size_t i, int *letters)
{
	size_t end = i, len;
	uint32_t cp, prev;

	*letters = 0;
	while (i < n) {
		cp = peek(s, n, i, &len);
		if (word_char(cp)) {
			*letters += latin_letter(cp);
			i += len;
			end = i;
			continue;
		}
		prev = 0;
		while (i < n && joiner(cp) && !(cp == ' ' && prev == ' ')) {
			i += len;
			prev = cp;
			cp = i < n ? peek(s, n, i, &len) : 0;
		}
		if (i >= n || !word_char(cp))
			break;
	}
	return end;
}

static size_t blank_run(const char *s, size_t n, size_t i)
{
	size_t len;

	while (i < n && peek(s, n, i, &len) == IDEOGRAPHIC_SPACE)
		i += len;
	return i;
}

/* text[from, to), with the markers that fall before `to`. */
static void put(epub_xml *x, const char *text, size_t from, size_t to,
	const epub_marks *m, size_t *next)
{
	while (m != NULL && *next < m->n && m->at[*next] < to) {
		size_t at = m->at[*next] > from ? m->at[*next] : from;
		xw_text_n(x, text + from, at - from);
		m->emit(m->arg, (*next)++);
		from = at;
	}
	xw_text_n(x, text + from, to - from);
}

void epub_inline(epub_xml *x, const char *text)
{
	epub_inline_marked(x, text, NULL);
}

void epub_inline_marked(epub_xml *x, const char *text, const epub_marks *m)
{
	size_t n = strlen(text), i = 0, plain = 0, end, len, next = 0;
	int letters;
	uint32_t cp;

	while (i < n) {
		cp = peek(text, n, i, &len);
		end = i;
		if (word_char(cp)) {
			end = latin_run(text, n, i, &letters);
			if (letters < 2) {
				i = end;
				continue;
			}
		} else if (cp == IDEOGRAPHIC_SPACE) {
			end = blank_run(text, n, i);
			if (end - i < 2 * len)
				end = i;
		}
		if (end == i) {
			i += len;
			continue;
		}
		put(x, text, plain, i, m, &next);
		xw_start(x, "span");
		if (cp == IDEOGRAPHIC_SPACE) {
			xw_attr(x, "class", "blank");
		} else {
			xw_attr(x, "lang", "en");
			xw_attr(x, "xml:lang", "en");
		}
		put(x, text, i, end, m, &next);
		xw_end(x);
		i = plain = end;
	}
	put(x, text, plain, n, m, &next);
	while (m != NULL && next < m->n)
		m->emit(m->arg, next++);
}

void epub_inline_leaf(epub_xml *x, const char *element, const char *cls,
	const char *text)
{
	xw_start(x, element);
	if (cls != NULL)
		xw_attr(x, "class", cls);
	epub_inline(x, text);
	xw_end(x);
}
