/* ASCII , : ; ( ) ? ! typed in Chinese text -> full width. Numbers
 * (3,000 10:30), Latin words, URLs and e-mail addresses are left
 * alone. */
#include <stdlib.h>
#include <string.h>

#include "import/import_impl.h"

static uint32_t full_width(uint32_t c)
{
	switch (c) {
	case ',': return 0xFF0C;
	case ':': return 0xFF1A;
	case ';': return 0xFF1B;
	case '(': return 0xFF08;
	case ')': return 0xFF09;
	case '?': return 0xFF1F;
	case '!': return 0xFF01;
	default: return c;
	}
}

/* URLs and e-mail addresses are ASCII runs holding "://", "www." or '@';
 * nothing inside them is touched. Parentheses end a run, so a URL in
 * Chinese brackets still gets its brackets converted. */
static void mark_protected(const uint32_t *v, size_t n, unsigned char *prot)
{
	size_t i = 0, a, k;
	int url;

	while (i < n) {
		if (!(v[i] > 0x20 && v[i] < 0x7F) || v[i] == '(' ||
		    v[i] == ')') {
			i++;
			continue;
		}
		a = i;
		url = 0;
		while (i < n && v[i] > 0x20 && v[i] < 0x7F && v[i] != '(' &&
		    v[i] != ')') {
			if (v[i] == '@' || imp_match(v, n, i, "://") ||
			    imp_match(v, n, i, "www.") ||
			    imp_match(v, n, i, "WWW."))
				url = 1;
			i++;
		}
		/* Sentence punctuation around an address is not part of it. */
		k = i;
		while (k > a && strchr(".,;:!?", (int)v[k - 1]) != NULL)
			k--;
		while (a < k && strchr(".,;:!?", (int)v[a]) != NULL)
			a++;
		if (url)
			while (k-- > a)
				prot[k] = 1;
	}
}

/* Convert ASCII , : ; ( ) ? ! used in Chinese text to full width, in
 * place. Brackets go by pairs: a pair whose content has Chinese, or that
 * stands between Chinese (or the line's ends) on both sides, is Chinese.
 * Other marks follow the character before them (a comma belongs to the
 * text it ends), or the one after when nothing Latin precedes. Numbers
 * (3,000 10:30), Latin words and URLs are left alone. */
/* An open bracket waiting for its pair: where it is, how many Chinese
 * characters the text held up to it, and whether a pair inside it has
 * already been made full width (a full-width bracket is Chinese too). */
typedef struct open_bracket {
	size_t at, cjk;
	int inner;
} open_bracket;

int imp_fix_punctuation(importer *im, imp_para *p, int *changed)
{
	uint32_t *v = p->v;
	size_t n = p->n, i, top = 0, seen = 0;
	unsigned char *prot = calloc(n + 1, 1);
	open_bracket *open = malloc((n + 1) * sizeof(*open));
	unsigned char *paired = calloc(n + 1, 1);
	int rc = 0;

	if (prot == NULL || open == NULL || paired == NULL) {
		rc = folio_error_set(im->err, FOLIO_ENOMEM, "%s: out of memory",
			im->name);
		goto done;
	}
	mark_protected(v, n, prot);
	/* Whether a pair's content has Chinese comes from running counts,
	 * not from rescanning the content at each ')': nested brackets
	 * made that quadratic (160k of them took 18 s). */
	for (i = 0; i < n; i++) {
		size_t before = seen;

		/* v[i] as read: this loop changes brackets only at or
		 * before the ')' being looked at */
		seen += (size_t)imp_is_cjk(v[i]);
		if (prot[i])
			continue;
		if (v[i] == '(') {
			open[top].at = i;
			open[top].cjk = seen;
			open[top].inner = 0;
			top++;
		} else if (v[i] == ')' && top > 0) {
			open_bracket b = open[--top];
			size_t a = b.at;
			int chinese = before > b.cjk || b.inner, made = 0;
			int left = a == 0 || imp_is_cjk(v[a - 1]);
			int right = i + 1 == n || imp_is_cjk(v[i + 1]);

			paired[a] = paired[i] = 1;
			if (chinese || (left && right && i > a + 1)) {
				v[a] = full_width('(');
				v[i] = full_width(')');
				made = 1;
				*changed = 1;
			}
			if (top > 0 && (made || b.inner))
				open[top - 1].inner = 1;
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t c = v[i], prev = i ? v[i - 1] : 0;
		uint32_t next = i + 1 < n ? v[i + 1] : 0;

		if (prot[i] || full_width(c) == c)
			continue;
		if (c == '(' || c == ')') {
			if (paired[i])
				continue;
			/* A stray bracket: Chinese if it touches Chinese and
			 * no Latin. */
			if ((imp_is_cjk(prev) || imp_is_cjk(next)) &&
			    !imp_is_alnum(prev) && !imp_is_alnum(next)) {
				v[i] = full_width(c);
				*changed = 1;
			}
			continue;
		}
		if (imp_is_cjk(prev) || (imp_is_cjk(next) &&
		    !imp_is_alnum(prev))) {
			v[i] = full_width(c);
			*changed = 1;
		}
	}
done:
	free(prot);
	free(open);
	free(paired);
	return rc;
}

