/* Facts about the whole page the recognisers depend on: does it count
 * years from the Republic (民國), is it written in traditional
 * characters. */
#include <stdlib.h>
#include <string.h>

#include "import/import_impl.h"
#include "util/utf8.h"

/* Frequent characters that differ between the scripts: the n-th
 * traditional character is the n-th simplified one's other form. */
static const char trad[] =
	"國會發號為這與來說時實對開關學點體經務區機議從當應條節項長門們個"
	"後間現問題動進過還產業東車書線話員單團將專華廣傳營構權總辦處歲費"
	"資質際證請則貿運認調報場灣達計劃規導組織統類須領級歷園圖萬億廳衛"
	"醫藥鄉鎮縣設護職責義據屬頒佈";
static const char simp[] =
	"国会发号为这与来说时实对开关学点体经务区机议从当应条节项长门们个"
	"后间现问题动进过还产业东车书线话员单团将专华广传营构权总办处岁费"
	"资质际证请则贸运认调报场湾达计划规导组织统类须领级历园图万亿厅卫"
	"医药乡镇县设护职责义据属颁布";

#define SET_MAX 128

static int cmp_cp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int in_set(const uint32_t *set, size_t n, uint32_t c)
{
	return bsearch(&c, set, n, sizeof(*set), cmp_cp) != NULL;
}

/* Only the first Han characters of a page are looked at: enough to tell
 * the script, and the cost stays bounded on a huge page. */
#define SCRIPT_SAMPLE 65536

int imp_page_facts(importer *im)
{
	uint32_t tset[SET_MAX], sset[SET_MAX];
	size_t nt = imp_decode(tset, SET_MAX, trad);
	size_t ns = imp_decode(sset, SET_MAX, simp);
	size_t i, j, seen = 0, t = 0, s = 0;

	qsort(tset, nt, sizeof(*tset), cmp_cp);
	qsort(sset, ns, sizeof(*sset), cmp_cp);
	for (i = 0; i < im->n; i++) {
		const imp_para *p = &im->p[i];
		if (p->role != R_BODY)
			continue;
		for (j = 0; j < p->n; j++) {
			if (j + 1 < p->n && p->v[j + 1] == 0x570B &&
			    p->v[j] == 0x6C11)
				im->roc = 1;       /* 民國 */
			if (j + 1 < p->n && p->v[j + 1] == 0x56FD &&
			    p->v[j] == 0x6C11 && j >= 2 &&
			    p->v[j - 1] == 0x534E && p->v[j - 2] == 0x4E2D)
				im->roc = 1;       /* 中华民国 */
			if (seen >= SCRIPT_SAMPLE || !folio_is_han(p->v[j]))
				continue;
			seen++;
			if (in_set(tset, nt, p->v[j]))
				t++;
			else if (in_set(sset, ns, p->v[j]))
				s++;
		}
	}
	im->traditional = t >= 3 && t > 2 * s;
	return 0;
}
