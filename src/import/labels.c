/* The 政务公开 metadata table: "label：value" pairs, one or several to a
 * line ("索 引 号：000014349/2024-00123    主题分类：城乡建设"), with or
 * without bullets and 【】, full- or half-width colons, or a table copied
 * cell by cell (label on one line, value on the next).
 *
 * Labels have a strength: a STRONG label (索引号, 发文字号, 成文日期 ...)
 * never starts a line of prose, so it marks metadata anywhere; PAGE
 * labels (来源, 日期, 标题 ...) only in a table next to strong ones, near
 * the title or at the foot of the page; HEADER labels (地址, 联络人,
 * 受文者 ...) only above the body, where a Taiwan letter puts them;
 * IMPRINT labels (抄送, 正本, 副本) at the foot. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

/* A metadata line is short; a long line is prose whatever it starts
 * with. */
#define META_MAX_CHARS 300
#define MAX_PAIRS 16

enum lab_field {
	LF_INDEX, LF_SUBJECT, LF_CATEGORY, LF_ISSUER, LF_PUBLISHER, LF_DOCNUM,
	LF_DATE_WRITTEN, LF_DATE_PUBLISHED, LF_SOURCE, LF_URL, LF_TITLE,
	LF_KEYWORDS, LF_SECURITY, LF_RECIPIENTS, LF_CC, LF_PRINTED_BY,
	LF_CHROME, LF_NONE
};

enum { LS_STRONG = 1, LS_PAGE = 2, LS_HEADER = 4, LS_IMPRINT = 8 };

typedef struct label {
	const char *text;
	unsigned char field;
	unsigned char strength;
} label;

static const label labels[] = {
	{"索引号", LF_INDEX, LS_STRONG}, {"索引號", LF_INDEX, LS_STRONG},
	{"主题分类", LF_SUBJECT, LS_STRONG}, {"主題分類", LF_SUBJECT, LS_STRONG},
	{"信息分类", LF_SUBJECT, LS_STRONG}, {"資訊分類", LF_SUBJECT, LS_STRONG},
	{"分类", LF_SUBJECT, LS_PAGE}, {"分類", LF_SUBJECT, LS_PAGE},
	{"体裁分类", LF_CATEGORY, LS_STRONG}, {"體裁分類", LF_CATEGORY, LS_STRONG},
	{"公文种类", LF_CATEGORY, LS_STRONG}, {"公文種類", LF_CATEGORY, LS_STRONG},
	{"文种", LF_CATEGORY, LS_STRONG}, {"文種", LF_CATEGORY, LS_STRONG},
	{"文件类型", LF_CATEGORY, LS_PAGE}, {"文件類型", LF_CATEGORY, LS_PAGE},
	{"发文机关", LF_ISSUER, LS_STRONG}, {"發文機關", LF_ISSUER, LS_STRONG},
	{"发文单位", LF_ISSUER, LS_STRONG}, {"發文單位", LF_ISSUER, LS_STRONG},
	{"制发机关", LF_ISSUER, LS_STRONG}, {"製發機關", LF_ISSUER, LS_STRONG},
	{"成文机关", LF_ISSUER, LS_STRONG},
	{"发布机构", LF_PUBLISHER, LS_STRONG},
	{"發布機構", LF_PUBLISHER, LS_STRONG},
	{"發佈機構", LF_PUBLISHER, LS_STRONG},
	{"发布单位", LF_PUBLISHER, LS_STRONG},
	{"發布單位", LF_PUBLISHER, LS_STRONG},
	{"发布部门", LF_PUBLISHER, LS_STRONG},
	{"公开主体", LF_PUBLISHER, LS_STRONG},
	{"发文字号", LF_DOCNUM, LS_STRONG}, {"發文字號", LF_DOCNUM, LS_STRONG},
	{"发文号", LF_DOCNUM, LS_STRONG}, {"文号", LF_DOCNUM, LS_PAGE},
	{"文號", LF_DOCNUM, LS_PAGE}, {"文件编号", LF_DOCNUM, LS_PAGE},
	{"文件編號", LF_DOCNUM, LS_PAGE},
	{"成文日期", LF_DATE_WRITTEN, LS_STRONG},
	{"成文时间", LF_DATE_WRITTEN, LS_STRONG},
	{"成文時間", LF_DATE_WRITTEN, LS_STRONG},
	{"签发日期", LF_DATE_WRITTEN, LS_STRONG},
	{"簽發日期", LF_DATE_WRITTEN, LS_STRONG},
	{"发文日期", LF_DATE_WRITTEN, LS_STRONG},
	{"發文日期", LF_DATE_WRITTEN, LS_STRONG},
	{"发布日期", LF_DATE_PUBLISHED, LS_STRONG},
	{"發布日期", LF_DATE_PUBLISHED, LS_STRONG},
	{"發佈日期", LF_DATE_PUBLISHED, LS_STRONG},
	{"发布时间", LF_DATE_PUBLISHED, LS_STRONG},
	{"發布時間", LF_DATE_PUBLISHED, LS_STRONG},
	{"發佈時間", LF_DATE_PUBLISHED, LS_STRONG},
	{"公开日期", LF_DATE_PUBLISHED, LS_STRONG},
	{"公開日期", LF_DATE_PUBLISHED, LS_STRONG},
	{"公布日期", LF_DATE_PUBLISHED, LS_STRONG},
	{"公佈日期", LF_DATE_PUBLISHED, LS_STRONG},
	{"生成日期", LF_DATE_PUBLISHED, LS_STRONG},
	{"修正日期", LF_DATE_PUBLISHED, LS_STRONG},
	{"更新时间", LF_DATE_PUBLISHED, LS_PAGE},
	{"更新日期", LF_DATE_PUBLISHED, LS_PAGE},
	{"日期", LF_DATE_PUBLISHED, LS_PAGE},
	{"时间", LF_DATE_PUBLISHED, LS_PAGE},
	{"時間", LF_DATE_PUBLISHED, LS_PAGE},
	{"实施日期", LF_NONE, LS_STRONG}, {"實施日期", LF_NONE, LS_STRONG},
	{"施行日期", LF_NONE, LS_STRONG}, {"生效日期", LF_NONE, LS_STRONG},
	{"有效性", LF_NONE, LS_STRONG}, {"时效性", LF_NONE, LS_STRONG},
	{"時效性", LF_NONE, LS_STRONG}, {"效力状态", LF_NONE, LS_STRONG},
	{"效力狀態", LF_NONE, LS_STRONG}, {"生效状态", LF_NONE, LS_STRONG},
	{"生效狀態", LF_NONE, LS_STRONG}, {"废止日期", LF_NONE, LS_STRONG},
	{"廢止日期", LF_NONE, LS_STRONG}, {"失效日期", LF_NONE, LS_STRONG},
	{"有效期", LF_NONE, LS_STRONG}, {"公开方式", LF_NONE, LS_STRONG},
	{"公開方式", LF_NONE, LS_STRONG}, {"公开范围", LF_NONE, LS_STRONG},
	{"公開範圍", LF_NONE, LS_STRONG}, {"公开形式", LF_NONE, LS_STRONG},
	{"公开时限", LF_NONE, LS_STRONG}, {"组配分类", LF_NONE, LS_STRONG},
	{"服务对象", LF_NONE, LS_STRONG}, {"法規類別", LF_NONE, LS_STRONG},
	{"法规类别", LF_NONE, LS_STRONG},
	{"来源", LF_SOURCE, LS_PAGE}, {"來源", LF_SOURCE, LS_PAGE},
	{"信息来源", LF_SOURCE, LS_PAGE}, {"資料來源", LF_SOURCE, LS_PAGE},
	{"文章来源", LF_SOURCE, LS_PAGE}, {"稿件来源", LF_SOURCE, LS_PAGE},
	{"出处", LF_SOURCE, LS_PAGE},
	{"原文链接", LF_URL, LS_PAGE}, {"原文鏈接", LF_URL, LS_PAGE},
	{"本文链接", LF_URL, LS_PAGE}, {"网址", LF_URL, LS_PAGE},
	{"網址", LF_URL, LS_PAGE}, {"链接", LF_URL, LS_PAGE},
	{"鏈接", LF_URL, LS_PAGE},
	{"文件名称", LF_TITLE, LS_STRONG}, {"文件名稱", LF_TITLE, LS_STRONG},
	{"法规名称", LF_TITLE, LS_STRONG}, {"法規名稱", LF_TITLE, LS_STRONG},
	{"标题", LF_TITLE, LS_PAGE}, {"標題", LF_TITLE, LS_PAGE},
	{"名称", LF_TITLE, LS_PAGE}, {"名稱", LF_TITLE, LS_PAGE},
	{"题名", LF_TITLE, LS_PAGE},
	{"主题词", LF_KEYWORDS, LS_PAGE | LS_IMPRINT},
	{"主題詞", LF_KEYWORDS, LS_PAGE | LS_IMPRINT},
	{"关键词", LF_KEYWORDS, LS_PAGE}, {"關鍵詞", LF_KEYWORDS, LS_PAGE},
	{"关键字", LF_KEYWORDS, LS_PAGE}, {"關鍵字", LF_KEYWORDS, LS_PAGE},
	{"浏览次数", LF_CHROME, LS_STRONG}, {"瀏覽次數", LF_CHROME, LS_STRONG},
	{"访问次数", LF_CHROME, LS_STRONG}, {"阅读次数", LF_CHROME, LS_STRONG},
	{"点击数", LF_CHROME, LS_STRONG}, {"点击量", LF_CHROME, LS_STRONG},
	{"阅读量", LF_CHROME, LS_STRONG}, {"字号", LF_CHROME, LS_PAGE},
	{"字体", LF_CHROME, LS_PAGE}, {"字體", LF_CHROME, LS_PAGE},
	{"责任编辑", LF_NONE, LS_STRONG}, {"責任編輯", LF_NONE, LS_STRONG},
	{"作者", LF_NONE, LS_PAGE}, {"编辑", LF_NONE, LS_PAGE},
	{"編輯", LF_NONE, LS_PAGE}, {"审核", LF_NONE, LS_PAGE},
	{"校对", LF_NONE, LS_PAGE}, {"撰稿", LF_NONE, LS_PAGE},
	{"摄影", LF_NONE, LS_PAGE},
	{"密级", LF_SECURITY, LS_HEADER}, {"密級", LF_SECURITY, LS_HEADER},
	{"紧急程度", LF_NONE, LS_HEADER}, {"緊急程度", LF_NONE, LS_HEADER},
	{"速别", LF_NONE, LS_HEADER}, {"速別", LF_NONE, LS_HEADER},
	{"密等及解密條件或保密期限", LF_NONE, LS_HEADER},
	{"密等", LF_NONE, LS_HEADER},
	{"檔號", LF_NONE, LS_HEADER}, {"档号", LF_NONE, LS_HEADER},
	{"保存年限", LF_NONE, LS_HEADER}, {"地址", LF_NONE, LS_HEADER},
	{"聯絡人", LF_NONE, LS_HEADER}, {"联络人", LF_NONE, LS_HEADER},
	{"承辦人", LF_NONE, LS_HEADER}, {"聯絡電話", LF_NONE, LS_HEADER},
	{"電話", LF_NONE, LS_HEADER}, {"傳真", LF_NONE, LS_HEADER},
	{"電子信箱", LF_NONE, LS_HEADER}, {"電子郵件", LF_NONE, LS_HEADER},
	{"受文者", LF_RECIPIENTS, LS_HEADER},
	{"主送", LF_RECIPIENTS, LS_HEADER},
	{"主送机关", LF_RECIPIENTS, LS_HEADER},
	{"抄送", LF_CC, LS_IMPRINT}, {"分送", LF_CC, LS_IMPRINT},
	{"正本", LF_RECIPIENTS, LS_IMPRINT}, {"副本", LF_CC, LS_IMPRINT},
	{"印发机关", LF_PRINTED_BY, LS_IMPRINT},
};

#define N_LABELS (sizeof(labels) / sizeof(labels[0]))

static const char *const field_key[] = {"index-number", "subject",
	"category", "issuer", "issuer", "doc-number", "date", "date",
	"issuer", "url", "title", "keywords", "security", "recipients", "cc",
	"printed-by", NULL, NULL};

static unsigned allowed(int ctx)
{
	switch (ctx) {
	case LC_TABLE: return LS_STRONG | LS_PAGE;
	case LC_HEADER: return LS_STRONG | LS_PAGE | LS_HEADER;
	case LC_TAIL: return LS_STRONG | LS_PAGE | LS_IMPRINT;
	default: return LS_STRONG;
	}
}

typedef struct pair {
	const label *lab;
	size_t start;        /* where the label starts */
	size_t value, end;   /* value span */
} pair;

/* A label at v[i] followed by its separator: the longest one. *after is
 * where its value starts. Separators: a colon (blanks before it
 * allowed), 】 or ] after 【label or [label, the end of the line (the
 * value is on the next one) and, in a table (`cells`), a tab, or any
 * blank after a strong label. */
/* The labels' first characters, decoded once for every thread: each
 * boundary of each line is compared with all the labels. */
static uint32_t label_first[N_LABELS];
static pthread_once_t label_once = PTHREAD_ONCE_INIT;

static void label_init(void)
{
	size_t j;

	for (j = 0; j < N_LABELS; j++)
		imp_decode(&label_first[j], 1, labels[j].text);
}

static const label *label_at(const uint32_t *v, size_t n, size_t i,
	int bracketed, int cells, size_t *after)
{
	const label *best = NULL;
	size_t j, k, best_k = 0, end;
	int tab = 0;

	pthread_once(&label_once, label_init);
	for (j = 0; j < N_LABELS; j++) {
		if (label_first[j] != v[i])
			continue;
		k = imp_match_spaced(v, n, i, labels[j].text);
		if (k <= best_k)
			continue;
		best = &labels[j];
		best_k = k;
	}
	if (best == NULL)
		return NULL;
	end = i + best_k;
	for (k = end; k < n && imp_is_inline_space(v[k]); k++)
		tab |= v[k] == '\t';
	if (bracketed && k < n && (v[k] == 0x3011 || v[k] == ']')) {
		k++;
		if (k < n && imp_is_colon(v[k]))
			k++;
		*after = k;
		return best;
	}
	if (k < n && imp_is_colon(v[k])) {
		*after = k + 1;
		return best;
	}
	if (k == n || (cells && k > end && (tab ||
	    (best->strength & LS_STRONG)))) {
		*after = k;
		return best;
	}
	return NULL;
}

/* Labels start a line or follow a blank, a bar or a closing bracket. */
static int boundary(const uint32_t *v, size_t i)
{
	uint32_t c;

	if (i == 0)
		return 1;
	c = v[i - 1];
	return imp_is_inline_space(c) || c == '|' || c == 0xFF5C ||
		c == 0x3011 || c == ']' || c == 0x3010 || c == '[' ||
		c == 0xFF1B || c == ';';
}

static size_t find_pairs(pair *out, const uint32_t *v, size_t n,
	size_t from, int tabs_ok)
{
	size_t i, k = 0, after;

	for (i = from; i < n && k < MAX_PAIRS; i++) {
		int br = i > 0 && (v[i - 1] == 0x3010 || v[i - 1] == '[');
		const label *l;
		if (!boundary(v, i) || !folio_is_han(v[i]))
			continue;
		l = label_at(v, n, i, br, tabs_ok, &after);
		if (l == NULL)
			continue;
		out[k].lab = l;
		out[k].start = br ? i - 1 : i;
		out[k].value = after;
		k++;
		i = after > i ? after - 1 : i;
	}
	for (i = 0; i < k; i++) {
		size_t a = out[i].value, b = i + 1 < k ? out[i + 1].start : n;
		while (a < b && (imp_is_inline_space(v[a]) || v[a] == '|'))
			a++;
		while (b > a && (imp_is_inline_space(v[b - 1]) ||
		    v[b - 1] == '|' || v[b - 1] == 0x3010 || v[b - 1] == '['))
			b--;
		/* a widget after the last value: 【大 中 小】【打印】 */
		while (b > a && (v[b - 1] == 0x3011 || v[b - 1] == ']')) {
			size_t o = b - 1;
			while (o > a && v[o] != 0x3010 && v[o] != '[')
				o--;
			if (o == a || !imp_is_chrome(v + o, b - o))
				break;
			b = o;
			while (b > a && imp_is_inline_space(v[b - 1]))
				b--;
		}
		out[i].value = a;
		out[i].end = b;
	}
	return k;
}

static int is_url(const uint32_t *v, size_t n)
{
	size_t i;

	if (n < 4)
		return 0;
	if (!imp_match(v, n, 0, "http://") && !imp_match(v, n, 0, "https://")
	    && !imp_match(v, n, 0, "www.") && !imp_match(v, n, 0, "WWW."))
		return 0;
	for (i = 0; i < n; i++)
		if (v[i] <= 0x20 || v[i] >= 0x7F)
			return 0;
	return 1;
}

/* "无", "—", "/": a cell left empty on purpose. */
static int empty_value(const uint32_t *v, size_t n)
{
	return n == 0 || (n == 1 && (v[0] == 0x65E0 || v[0] == 0x7121 ||
		v[0] == '-' || v[0] == 0x2014 || v[0] == '/' ||
		v[0] == 0xFF0F)) || (n == 2 && imp_match(v, n, 0, "暂无"));
}

static int take(importer *im, imp_para *p, const pair *pr, folio_buf *why,
	int *kept)
{
	const uint32_t *v = p->v + pr->value;
	size_t n = pr->end - pr->value, s, e;
	int f = pr->lab->field;
	const char *key = field_key[f];
	char date[16];

	if (why->len)
		folio_buf_puts(why, "; ");
	folio_buf_puts(why, pr->lab->text);
	if (f == LF_CHROME) {
		folio_buf_puts(why, ": page widget");
		return 0;
	}
	if (f == LF_NONE) {
		folio_buf_puts(why, ": no field");
		return 0;
	}
	if (empty_value(v, n)) {
		folio_buf_puts(why, ": empty");
		return 0;
	}
	switch (f) {
	case LF_DATE_WRITTEN:
	case LF_DATE_PUBLISHED:
		if (!imp_find_date(date, im, v, n, 0, &s, &e)) {
			folio_buf_puts(why, ": no date in it");
			return 0;
		}
		if (!folio_date_valid(date))
			return imp_date_error(im, p, pr->value + s, date);
		imp_offer_date(im, F_DATE, f == LF_DATE_WRITTEN ? 1 : 4, date,
			p);
		break;
	case LF_SOURCE:
		if (is_url(v, n)) {
			imp_offer_value(im, F_URL, 2, v, n, p);
			key = "url";
		} else if (imp_is_org(v, n)) {
			imp_offer_value(im, F_ISSUER, 6, v, n, p);
		} else {
			folio_buf_puts(why, ": neither an address nor an "
				"organisation");
			return 0;
		}
		break;
	case LF_URL:
		if (!is_url(v, n)) {
			folio_buf_puts(why, ": not an address");
			return 0;
		}
		imp_offer_value(im, F_URL, 1, v, n, p);
		break;
	case LF_SECURITY: {
		size_t k;
		const char *w = imp_security_word(v, n, &k);
		if (w == NULL) {
			folio_buf_puts(why, ": not a 密级");
			return 0;
		}
		imp_offer_fixed(im, F_SECURITY, 1, w, p);
		break;
	}
	default: {
		static const int to_field[] = {F_INDEX, F_SUBJECT, F_CATEGORY,
			F_ISSUER, F_ISSUER, F_DOCNUM, F_DATE, F_DATE, F_ISSUER,
			F_URL, F_TITLE, F_KEYWORDS, F_SECURITY, F_RECIPIENTS,
			F_CC, F_PRINTED_BY};
		static const int prio[] = {1, 1, 1, 1, 4, 2, 1, 4, 6, 1, 2, 1,
			1, 2, 1, 2};
		imp_offer_value(im, to_field[f], prio[f], v, n, p);
	}
	}
	folio_buf_printf(why, " -> %s", key);
	*kept = 1;
	return 0;
}

/* The value of a label standing alone is the next line, when that line
 * is no label itself. */
static size_t value_line(importer *im, size_t i, const label *lab)
{
	size_t j = i + 1, after;
	imp_para *q;

	while (j < im->n && im->p[j].role == R_BLANK)
		j++;
	if (j >= im->n || j > i + 2)
		return IMP_NONE;
	q = &im->p[j];
	/* a value is short and no sentence */
	if (q->role != R_BODY || q->n > 80 || q->outline ||
	    imp_is_sentence_end(q->v[q->n - 1]))
		return IMP_NONE;
	if (folio_is_han(q->v[0]) && label_at(q->v, q->n, 0, 0, 1, &after))
		return IMP_NONE;
	/* a document's title is the value of 标题 only (檔號： left empty
	 * above "某處　函") */
	if (lab->field != LF_TITLE && imp_title_kind(q->v, q->n))
		return IMP_NONE;
	return j;
}

int imp_meta_line(importer *im, size_t i, int ctx)
{
	imp_para *p = &im->p[i];
	pair pr[MAX_PAIRS];
	folio_buf why = {0};
	size_t from = 0, k, np, s, e, vl = IMP_NONE;
	char date[16];
	int kept = 0, rc = 0, lead_date = 0;

	/* a markdown heading is a heading, whatever its words */
	if (p->role != R_BODY || p->n > META_MAX_CHARS || p->n < 2 ||
	    p->outline)
		return 0;
	while (from < p->n && (p->v[from] == 0x3010 || p->v[from] == '[' ||
	    imp_is_inline_space(p->v[from])))
		from++;
	np = find_pairs(pr, p->v, p->n, from, ctx != LC_ANY);
	/* A table row copied without colons (索 引 号 ⇥ 2024-001 ⇥ 主题分类
	 * ⇥ 城乡建设) is a row only with two strong labels in it. */
	if (np == 0 && ctx == LC_ANY) {
		np = find_pairs(pr, p->v, p->n, from, 1);
		if (np < 2 || !(pr[0].lab->strength & LS_STRONG) ||
		    !(pr[1].lab->strength & LS_STRONG))
			return 0;
	}
	if (np == 0)
		return 0;
	if (!(pr[0].lab->strength & allowed(ctx)))
		return 0;
	/* A weak date label (日期, 时间) without a date is prose: 时间：
	 * 10:30 in a meeting notice. */
	if (!(pr[0].lab->strength & LS_STRONG) &&
	    pr[0].lab->field == LF_DATE_PUBLISHED &&
	    !imp_find_date(date, im, p->v, pr[0].end, pr[0].value, &s, &e))
		return 0;
	/* Text before the first label: nothing, or a date (and time). */
	if (pr[0].start > from) {
		if (!imp_find_date(date, im, p->v, pr[0].start, from, &s, &e) ||
		    s != from || ctx == LC_ANY)
			return 0;
		lead_date = 1;
	}
	/* A label alone takes the next line as its value. */
	if (np == 1 && pr[0].value == p->n && pr[0].lab->field != LF_CHROME &&
	    (vl = value_line(im, i, pr[0].lab)) != IMP_NONE) {
		imp_para *q = &im->p[vl];
		pair vp = pr[0];
		vp.value = 0;
		vp.end = q->n;
		q->role = R_META;
		if ((rc = take(im, q, &vp, &why, &kept)) < 0)
			goto done;
		q->role = kept ? R_META : R_UNKEPT;
		rc = imp_detail(im, q, "value of %s", pr[0].lab->text);
		folio_buf_reset(&why);
		folio_buf_printf(&why, "%s, value on line %u", pr[0].lab->text,
			q->line);
		p->role = kept ? R_META : R_UNKEPT;
		goto detail;
	}
	if (lead_date) {
		if (!folio_date_valid(date)) {
			rc = imp_date_error(im, p, from, date);
			goto done;
		}
		imp_offer_date(im, F_DATE, 5, date, p);
		folio_buf_puts(&why, "date -> date");
		kept = 1;
	}
	for (k = 0; k < np && rc == 0; k++)
		rc = take(im, p, &pr[k], &why, &kept);
	if (rc < 0)
		goto done;
	p->role = kept ? (pr[0].lab->strength == LS_IMPRINT ||
		(ctx == LC_TAIL && (pr[0].lab->strength & LS_IMPRINT)) ?
		R_IMPRINT : R_META) : R_UNKEPT;
	for (k = 0; k < np && !kept; k++)
		if (pr[k].lab->field != LF_CHROME)
			break;
	if (!kept && k == np)
		p->role = R_CHROME;
detail:
	rc = imp_detail(im, p, "%s", why.data ? why.data : "");
done:
	folio_buf_free(&why);
	return rc < 0 ? rc : 1;
}

static int is_table_line(const importer *im, size_t j)
{
	return j != IMP_NONE && (im->p[j].role == R_META ||
		im->p[j].role == R_UNKEPT);
}

static int next_to_table(importer *im, size_t i)
{
	if (im->p[i].role != R_BODY)
		return 0;
	if (!is_table_line(im, imp_prev_nonblank(im, i)) &&
	    !is_table_line(im, imp_next_nonblank(im, i)))
		return 0;
	return imp_meta_line(im, i, LC_TABLE);
}

int imp_metadata(importer *im)
{
	size_t i;
	int rc;

	for (i = 0; i < im->n; i++)
		if ((rc = imp_meta_line(im, i, LC_ANY)) < 0)
			return rc;
	/* Page labels count next to a table line: one sweep down, one up
	 * (a line can only join through a neighbour, so two sweeps grow
	 * every table to its full size, in linear time). */
	for (i = 0; i < im->n; i++)
		if ((rc = next_to_table(im, i)) < 0)
			return rc;
	for (i = im->n; i-- > 0;)
		if ((rc = next_to_table(im, i)) < 0)
			return rc;
	return 0;
}

/* Does the line start with a label of any kind and its separator? (A
 * metadata line is never a title, whatever the context.) */
int imp_label_line(const imp_para *p)
{
	size_t i = 0, after;
	int br = 0;

	while (i < p->n && imp_is_inline_space(p->v[i]))
		i++;
	if (i < p->n && (p->v[i] == 0x3010 || p->v[i] == '[')) {
		br = 1;
		i++;
	}
	if (i >= p->n || !folio_is_han(p->v[i]) ||
	    label_at(p->v, p->n, i, br, 0, &after) == NULL)
		return 0;
	/* a bare word that happens to be a label is no label line */
	return after < p->n || imp_is_colon(p->v[p->n - 1]) ||
		p->v[p->n - 1] == 0x3011 || p->v[p->n - 1] == ']';
}
