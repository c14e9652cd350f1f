/* Names the recognisers need to tell apart from prose: organisations
 * (发文机关, 主送 and 抄送 entries), signatures (职务 + 姓名 under a
 * 批示 or a decree) and the kinds of documents titles end with. */
#include <pthread.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

#define ORG_MAX_CHARS 48

/* What organisation names end with, simplified and traditional. */
static const char *const org_suffix[] = {
	"政府", "委员会", "委員會", "办公室", "辦公室", "办公厅", "辦公廳",
	"委", "厅", "廳", "局", "部", "院", "署", "会", "會", "所", "中心",
	"处", "處", "科", "站", "队", "隊", "室", "司", "组", "組", "社",
	"馆", "館", "校", "大学", "大學", "法院", "检察院", "檢察院",
	"公司", "集团", "集團", "银行", "銀行", "协会", "協會", "联合会",
	"聯合會", "管委会", "管委會", "办", "辦", "党委", "黨委", "党组",
	"黨組", "办事处", "辦事處", "常委会", "常委會", "人民代表大会",
	"人民代表大會", "府", "团", "團", "军区", "軍區", "支队", "支隊",
	"总队", "總隊", "学院", "學院", "医院", "醫院", "图书馆", "圖書館",
	"研究院", "研究所", "基金会", "基金會", "联盟", "聯盟", "小组", "小組",
	"指挥部", "指揮部", "工作组", "工作組", "机构", "機構", "单位", "單位",
	"特別行政區", "特别行政区", NULL};

/* Offices whose holder signs (行政長官 賀一誠, 市长 张某某). */
static const char *const role_words[] = {
	"行政長官", "行政长官", "院長", "院长", "部長", "部长", "市長", "市长",
	"局長", "局长", "署長", "署长", "司長", "司长", "主席", "主任",
	"省長", "省长", "區長", "区长", "縣長", "县长", "鎮長", "镇长",
	"秘書長", "秘书长", "主任委員", "主任委员", "廳長", "厅长",
	"總統", "总统", "總理", "总理", "校長", "校长", "書記", "书记",
	"處長", "处长", "科長", "科长", "主任委員", "首長", "首长",
	"署長", "館長", "馆长", "所長", "所长", NULL};

static int ends_with_any(const uint32_t *v, size_t n,
	const char *const *set)
{
	size_t j;

	for (j = 0; set[j]; j++)
		if (imp_ends_with(v, n, set[j]))
			return 1;
	return 0;
}

/* The last characters of the organisation words, decoded once for every
 * thread: most lines are rejected by their last character alone. */
#define MAX_SUFFIXES 160
static uint32_t suffix_last[MAX_SUFFIXES];
static size_t n_suffix_last;
static pthread_once_t suffix_once = PTHREAD_ONCE_INIT;

static void suffix_init(void)
{
	uint32_t w[16];
	size_t j, k;

	for (j = 0; org_suffix[j] && n_suffix_last < MAX_SUFFIXES; j++) {
		k = imp_decode(w, 16, org_suffix[j]);
		if (k > 0)
			suffix_last[n_suffix_last++] = w[k - 1];
	}
}

static int may_end_org(uint32_t c)
{
	size_t j;

	pthread_once(&suffix_once, suffix_init);
	for (j = 0; j < n_suffix_last; j++)
		if (suffix_last[j] == c)
			return 1;
	return 0;
}

/* One organisation or several joined by blanks or 、: Han characters
 * (and brackets, digits, middle dots) only, no sentence marks, each part
 * ending with an organisation word. */
int imp_is_org(const uint32_t *v, size_t n)
{
	size_t i = 0, a, b;
	int parts = 0;

	if (n == 0 || n > ORG_MAX_CHARS)
		return 0;
	while (i < n) {
		i = imp_skip_spaces(v, n, i);
		if (i >= n)
			break;
		a = i;
		while (i < n && !imp_is_inline_space(v[i]) && v[i] != 0x3001)
			i++;
		b = i;
		if (i < n && v[i] == 0x3001)
			i++;
		{
			size_t k;
			for (k = a; k < b; k++)
				if (!folio_is_han(v[k]) && v[k] != 0xFF08 &&
				    v[k] != 0xFF09 && v[k] != '(' &&
				    v[k] != ')' && !imp_is_digit(v[k]) &&
				    v[k] != 0x00B7)
					return 0;
		}
		if (b - a < 2 || !may_end_org(v[b - 1]) ||
		    !ends_with_any(v + a, b - a, org_suffix))
			return 0;
		parts++;
	}
	return parts > 0;
}

/* 职务 then a personal name of 2-4 characters: 行政長官　賀一誠,
 * 市长 张某某, 院長 ○○○ (a name withheld as circles). */
int imp_is_signature(const uint32_t *v, size_t n)
{
	size_t i = 0, j, k = 0, name;

	if (n == 0 || n > 32)
		return 0;
	/* a blank stands between office and name */
	for (j = 0; j < n && !imp_is_inline_space(v[j]); j++)
		;
	if (j == n)
		return 0;
	/* An organisation may stand before the office: 江临市市长 张某某. */
	for (j = 0; role_words[j]; j++) {
		size_t at;
		for (at = 0; at + 1 < n && at < 20; at++)
			if ((k = imp_match(v, n, at, role_words[j])) != 0)
				break;
		if (k) {
			i = at + k;
			break;
		}
	}
	if (role_words[j] == NULL)
		return 0;
	for (j = 0; j < i; j++)
		if (!folio_is_han(v[j]) && !imp_is_inline_space(v[j]))
			return 0;
	if (i >= n || !imp_is_inline_space(v[i]))
		return 0;
	i = imp_skip_spaces(v, n, i);
	for (name = 0; i < n; i++, name++)
		if (!(folio_is_han(v[i]) || v[i] == 0x25CB || v[i] == 0x3007 ||
		    v[i] == 0x00B7 || v[i] == 0x2022 || v[i] == 0xFF2F ||
		    v[i] == 'O' || imp_is_inline_space(v[i])))
			return 0;
	return name >= 2 && name <= 12;
}

/* The kind of document a title's last words name (longest match), or
 * NULL. A trailing bracketed remark (（试行） (征求意见稿)) is skipped. */
const char *imp_title_kind(const uint32_t *v, size_t n)
{
	static const char *const kinds[] = {"实施意见", "指导意见",
		"实施方案", "实施细则", "工作方案", "工作要点", "意见", "方案",
		"细则", "办法", "规定", "条例", "通知", "通报", "通告", "公告",
		"公报", "决定", "决议", "命令", "批复", "报告", "请示", "纪要",
		"规划", "计划", "要点", "规则", "章程", "指南", "纲要", "函",
		"批示", "法律", "行政法规", "规章", "答记者问", "讲话", "令",
		"倡议书", "公开信", "一封信", "公示", "须知", "指引", "总结", "白皮书",
		"倡議書", "公開信", "須知", "總結", "白皮書", "批覆", "公告",
		"實施意見", "指導意見", "實施方案", "實施細則", "意見", "細則",
		"辦法", "規定", "條例", "通報", "公報", "決定", "決議", "批覆",
		"報告", "請示", "紀要", "規劃", "計劃", "規則", "綱要",
		"行政法規", "規章", "解读", "解讀", NULL};
	size_t j, k, best = 0, m = n;
	const char *found = NULL;

	if (n > 3 && (v[n - 1] == 0xFF09 || v[n - 1] == ')')) {
		size_t q = n - 1;
		while (q > 0 && v[q] != 0xFF08 && v[q] != '(')
			q--;
		if (q > 0)
			m = q;
	}
	for (j = 0; kinds[j]; j++) {
		k = folio_utf8_count(kinds[j]);
		if (k > best && imp_ends_with(v, m, kinds[j])) {
			best = k;
			found = kinds[j];
		}
	}
	return found;
}

/* A 密级 word at the start of v (traditional forms folded to the
 * schema's values); *len is its length. */
const char *imp_security_word(const uint32_t *v, size_t n, size_t *len)
{
	static const char *const words[][2] = {{"绝密", "绝密"},
		{"絕密", "绝密"}, {"机密", "机密"}, {"機密", "机密"},
		{"秘密", "秘密"}, {"内部", "内部"}, {"內部", "内部"},
		{"公开", "公开"}, {"公開", "公开"}};
	size_t j;

	for (j = 0; j < sizeof(words) / sizeof(words[0]); j++)
		if ((*len = imp_match(v, n, 0, words[j][0])) != 0)
			return words[j][1];
	return NULL;
}

/* One addressee of a 主送 or 抄送 list: an organisation, a class of them
 * (各区人民政府, 各有关单位), people (同志, 代表). */
int imp_is_recipient(const uint32_t *v, size_t n)
{
	static const char *const ends[] = {"单位", "單位", "部门", "部門",
		"机关", "機關", "机构", "機構", "同志", "企业", "企業", "学校",
		"學校", "医院", "醫院", "街道", "乡镇", "鄉鎮", "社区", "社區",
		"有关方面", "有關方面", "委员", "委員", "代表", "各部", "处室",
		"科室", "直属机构", "直屬機構", NULL};
	size_t j;

	if (n < 2 || n > 60)
		return 0;
	for (j = 0; j < n; j++)
		if (v[j] == 0x3002 || v[j] == 0xFF1F || v[j] == 0xFF01)
			return 0;
	if (v[0] == 0x5404)  /* 各 */
		return 1;
	for (j = 0; ends[j]; j++)
		if (imp_ends_with(v, n, ends[j]))
			return 1;
	return imp_is_org(v, n);
}

