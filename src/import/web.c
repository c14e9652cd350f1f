/* A pasted web page's own furniture: site chrome (widgets, breadcrumbs,
 * footers) anywhere on the page, and SEO spam lines, which are only
 * looked for above the title (head.c asks). */
#include <stdlib.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

/* Chrome lines are short; a long line is text whatever it contains. */
#define CHROME_MAX_CHARS 200
#define SPAM_MAX_BIGRAMS 256

/* Skip list bullets and brackets before a widget label. */
static size_t skip_bullets(const uint32_t *v, size_t n)
{
	size_t i = 0;

	while (i < n && (imp_is_inline_space(v[i]) || v[i] == 0x2022 ||
	    v[i] == 0x00B7 || v[i] == 0x25CF || v[i] == 0x25AA ||
	    v[i] == 0x25A0 || v[i] == '*' || v[i] == '-'))
		i++;
	return i;
}

/* Does v hold one of the phrases anywhere? One pass over v, comparing
 * each character with the phrases' first characters. */
static int contains_any(const uint32_t *v, size_t n,
	const char *const *phrases)
{
	uint32_t first[16];
	size_t j, k, count;

	for (count = 0; phrases[count] && count < 16; count++)
		imp_decode(&first[count], 1, phrases[count]);
	for (j = 0; j < n; j++)
		for (k = 0; k < count; k++)
			if (v[j] == first[k] && imp_match(v, n, j, phrases[k]))
				return 1;
	return 0;
}

static int contains(const uint32_t *v, size_t n, const char *lit)
{
	const char *one[2];

	one[0] = lit;
	one[1] = NULL;
	return contains_any(v, n, one);
}

/* A line made only of page links and toggles, maybe in 【】 [] or
 * separated by | /. */
static int only_links(const uint32_t *v, size_t n, size_t i)
{
	static const char *const links[] = {"打印本页", "打印此页", "关闭窗口",
		"关闭本页", "返回顶部", "保存本页", "收藏本页", "加入收藏",
		"返回首页", "我要纠错", "打印", "关闭", "收藏", "顶部", "返回",
		"纠错", "分享", "大", "中", "小", "默认", "护眼", "视力保护色",
		"无障碍", "长者模式", "简体", "繁体", "繁體", "簡體", "列印",
		"關閉", "回頂端", "字号", "字体", "字體", "T", NULL};
	size_t j, k;
	int any = 0;

	while (i < n) {
		if (imp_is_inline_space(v[i]) || v[i] == 0x3010 ||
		    v[i] == 0x3011 || v[i] == '[' || v[i] == ']' ||
		    v[i] == '|' || v[i] == '/' || v[i] == 0xFF5C ||
		    imp_is_colon(v[i])) {
			i++;
			continue;
		}
		for (j = 0, k = 0; links[j]; j++)
			if ((k = imp_match(v, n, i, links[j])) != 0)
				break;
		if (links[j] == NULL)
			return 0;
		i += k;
		any = 1;
	}
	return any;
}

int imp_is_chrome(const uint32_t *v, size_t n)
{
	/* Labels of page widgets that carry no text when scraped. */
	static const char *const empty_labels[] = {"附件", "视频", "图片",
		"音频", "相关附件", "相关文件", "相关链接", "分享到", "附件下载",
		"下载附件", "扫一扫", "分享至", NULL};
	/* Phrases no document text holds: footers, QR widgets. */
	static const char *const anywhere[] = {"扫一扫在手机打开",
		"手机扫一扫", "微信扫一扫", "版权所有", "ICP备", "公网安备",
		"网站标识码", "網站標識碼", "版權所有", "Copyright",
		"COPYRIGHT", NULL};
	/* Labels whose whole line is navigation. */
	static const char *const nav[] = {"当前位置", "您现在的位置",
		"您的位置", "所在位置", "現在位置", "上一篇", "下一篇",
		"上一条", "下一条", "上一篇文章", "下一篇文章", "浏览次数",
		"阅读次数", "访问量", "访问次数", "点击数", "阅读量",
		"瀏覽次數", "分享到", "分享至", "分享", "字号", "字体", NULL};
	size_t i = skip_bullets(v, n), k, j;

	if (i >= n || n > CHROME_MAX_CHARS)
		return 0;
	if (contains_any(v, n, anywhere))
		return 1;
	if (v[i] == 0x3010 || v[i] == '[')
		i++;
	for (j = 0; nav[j]; j++) {
		k = imp_match_spaced(v, n, i, nav[j]);
		if (k && i + k < n && (imp_is_colon(v[i + k]) ||
		    v[i + k] == 0x3011 || v[i + k] == ']'))
			return 1;
		if (k && i + k == n)
			return 1;
	}
	/* A bare breadcrumb or menu: 首页 > 政务公开 > 通知公告, 首页 |
	 * 政务公开 | 互动交流. */
	if (imp_match(v, n, i, "首页") || imp_match(v, n, i, "首頁"))
		for (j = i; j < n; j++)
			if (v[j] == '>' || v[j] == 0xFF1E || v[j] == 0x00BB ||
			    v[j] == 0x203A || v[j] == 0x3009 || v[j] == '|' ||
			    v[j] == 0xFF5C)
				return 1;
	/* 主办/承办 footer lines. */
	if ((imp_match(v, n, i, "主办") || imp_match(v, n, i, "主辦")) &&
	    (contains(v, n, "承办") || contains(v, n, "承辦") ||
	    contains(v, n, "网站") || contains(v, n, "電話")))
		return 1;
	i = skip_bullets(v, n);
	for (j = 0; empty_labels[j]; j++) {
		k = imp_match(v, n, i, empty_labels[j]);
		if (k && ((i + k == n) || (i + k + 1 == n &&
		    imp_is_colon(v[i + k]))))
			return 1;
	}
	return only_links(v, n, i);
}

int imp_chrome(importer *im)
{
	size_t i;

	for (i = 0; i < im->n; i++)
		if (im->p[i].role == R_BODY && imp_is_chrome(im->p[i].v,
		    im->p[i].n))
			im->p[i].role = R_CHROME;
	return 0;
}

/* ---- SEO spam ---------------------------------------------------------- */

/* Structure of a keyword-stuffed page title: chunks joined by _ or |,
 * or a Latin brand token glued to Han text ("abc123手机版"). Ordinary
 * prose has neither; the signal is only used together with the line
 * being unrelated to the rest of the page. */
static int spam_shape(const uint32_t *v, size_t n)
{
	size_t i, chunks = 0, seps = 0;
	int han_in_chunk = 0;

	for (i = 0; i <= n; i++) {
		if (i == n || v[i] == '_' || v[i] == '|' || v[i] == 0xFF3F ||
		    v[i] == 0xFF5C) {
			if (han_in_chunk)
				chunks++;
			if (i < n)
				seps++;
			han_in_chunk = 0;
		} else if (folio_is_han(v[i])) {
			han_in_chunk = 1;
		}
	}
	if (seps >= 1 && chunks >= 2)
		return 1;
	for (i = 0; i < n; i++) {
		size_t a = i, letters = 0, digits = 0;
		while (i < n && imp_is_alnum(v[i])) {
			if (v[i] >= '0' && v[i] <= '9')
				digits++;
			else
				letters++;
			i++;
		}
		if (letters && digits && ((a > 0 && folio_is_han(v[a - 1])) ||
		    (i < n && folio_is_han(v[i]))))
			return 1;
	}
	return 0;
}

static int bigram_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Fraction (in percent) of the line's distinct Han bigrams that occur
 * anywhere else on the page; -1 if the line has too few. One pass over
 * the page per call: head.c calls it for a bounded number of lines. */
static int bigram_overlap(const importer *im, size_t cand)
{
	uint64_t grams[SPAM_MAX_BIGRAMS];
	unsigned char seen[SPAM_MAX_BIGRAMS];
	const imp_para *c = &im->p[cand];
	size_t ng = 0, i, j, shared = 0;

	for (i = 1; i < c->n && ng < SPAM_MAX_BIGRAMS; i++)
		if (folio_is_han(c->v[i - 1]) && folio_is_han(c->v[i]))
			grams[ng++] = (uint64_t)c->v[i - 1] << 32 | c->v[i];
	qsort(grams, ng, sizeof(grams[0]), bigram_cmp);
	for (i = j = 0; i < ng; i++)
		if (j == 0 || grams[j - 1] != grams[i])
			grams[j++] = grams[i];
	ng = j;
	if (ng < 3)
		return -1;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < im->n; i++) {
		const imp_para *l = &im->p[i];
		if (i == cand || l->role != R_BODY)
			continue;
		for (j = 1; j < l->n; j++) {
			uint64_t g, *hit;
			if (!folio_is_han(l->v[j - 1]) || !folio_is_han(l->v[j]))
				continue;
			g = (uint64_t)l->v[j - 1] << 32 | l->v[j];
			hit = bsearch(&g, grams, ng, sizeof(grams[0]),
				bigram_cmp);
			if (hit != NULL)
				seen[hit - grams] = 1;
		}
	}
	for (i = 0; i < ng; i++)
		shared += seen[i];
	return (int)(shared * 100 / ng);
}

int imp_is_spam(importer *im, size_t i)
{
	const imp_para *p = &im->p[i];
	int overlap;

	if (!im->web || p->n > CHROME_MAX_CHARS || !spam_shape(p->v, p->n))
		return 0;
	overlap = bigram_overlap(im, i);
	/* A real title shares most of its word pairs with the body;
	 * stuffed keywords share next to none. */
	return overlap >= 0 && overlap <= 25;
}
