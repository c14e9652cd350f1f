#!/bin/sh
# folio import on the real seed page ($CORPUS/seed-policy-interpretation.txt,
# text copied from a city government's 政务公开 page): the source it writes
# is schema-valid, has the real title, date and heading tree, carries no
# site chrome or SEO spam, no ASCII , : ( ) left in Chinese text, and keeps
# every other Han character of the page body in order. Then `folio check
# --json` on it, the page in UTF-16 and GB18030, and the refusals: bad
# bytes, empty pages, unknown --meta.
. "$TOP/tests/e2e/lib.sh"

SEED="$CORPUS/seed-policy-interpretation.txt"
RNG="$TOP/schemas/document.rng"
OUT="$T/seed.xml"

if ! have_seed; then
	skip "import of the seed page" "$SEED is missing (the shared corpus \
sits beside the tree, not in it)"
	exit 0
fi

"$FOLIO" import "$SEED" --meta issuer=营口市商务局 -o "$OUT" \
	>"$T/import.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$OUT" ]; then ok "import seed exits 0"; else
	not_ok "import seed exits 0" "rc=$rc $(head -c 400 "$T/import.out")"
	exit 0
fi

check "seed source is schema-valid" xmllint --noout --relaxng "$RNG" "$OUT"

# One python run answers every question about the XML; it prints
# "ok - ..." / "not ok - ..." lines itself.
python3 - "$SEED" "$OUT" <<'EOF'
import re, sys, xml.etree.ElementTree as ET

seed_path, xml_path = sys.argv[1], sys.argv[2]
ns = '{urn:folio:document:1}'
root = ET.parse(xml_path).getroot()
meta, body = root.find(ns + 'meta'), root.find(ns + 'body')
HAN = re.compile('[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]')

def report(name, good, why=''):
    print(('ok - %s' % name) if good else ('not ok - %s: %s' % (name, why)))

def text(el, tag):
    e = el.find(ns + tag)
    return None if e is None else e.text

title = text(meta, 'title')
want = '关于推进全市经济开发区高质量发展的实施方案【政策解读】'
report('title is the real one', title == want, repr(title))
report('date 2020-04-27', text(meta, 'date') == '2020-04-27',
       repr(text(meta, 'date')))
report('issuer from --meta', text(meta, 'issuer') == '营口市商务局',
       repr(text(meta, 'issuer')))
report('category 政策解读 from the title',
       text(meta, 'category') == '政策解读', repr(text(meta, 'category')))

top = [s for s in body if s.tag == ns + 'section']
names = [text(s, 'heading') for s in top]
report('4 level-1 headings',
       names == ['出台背景和依据', '总体要求', '主要任务方面', '保障措施'],
       repr(names))
tasks = [s for s in top if text(s, 'heading') == '主要任务方面']
subs = [] if not tasks else \
    [text(s, 'heading') for s in tasks[0] if s.tag == ns + 'section']
report('5 level-2 headings under 主要任务方面',
       subs == ['在深化体制机制改革方面', '提升产业集聚和发展水平',
                '加快转型升级和创新发展', '强化人才支撑',
                '建设市场化、法治化、国际化营商环境'], repr(subs))
others = [s for s in top if s not in tasks
          and s.find(ns + 'section') is not None]
report('no level-2 heading elsewhere', not others,
       repr([text(s, 'heading') for s in others]))

# Page lines: spam first line, chrome widgets, the body between the date
# line and the trailing chrome (the first bulleted widget).
lines = open(seed_path, encoding='utf-8').read().split('\n')
date_at = next(i for i, l in enumerate(lines) if l.startswith('发布时间'))
tail_at = next(i for i, l in enumerate(lines)
               if i > date_at and l.lstrip().startswith('•'))
chrome = re.compile(r'^\s*(【字号|分享\s*[:：]|当前位置|•|扫一扫)')
body_lines = [l for l in lines[date_at + 1:tail_at] if not chrome.match(l)]
dropped = [l.strip() for l in lines
           if l.strip() and (chrome.match(l) or l is lines[0])]

all_text = '\n'.join(t for t in body.itertext())
report('no chrome or spam line in the body',
       not [d for d in dropped if d in all_text]
       and 'bet356' not in ET.tostring(root, encoding='unicode'),
       repr([d for d in dropped if d in all_text][:3]))
spam_han = ''.join(HAN.findall(lines[0]))
report('spam line not taken as the title',
       spam_han not in ''.join(HAN.findall(title or '')), repr(title))

bad = re.findall('(?:[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef][,:;()?!])'
                 '|(?:[,:;()?!][\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])',
                 all_text)
report('no ASCII , : ; ( ) next to Han', not bad, repr(bad[:5]))
report('文号 stray space removed',
       '营委办发〔2017〕63号' in all_text and '〕 63' not in all_text,
       'citation not normalised')

# Han characters in order: the page body versus the source with the
# heading numbers the style will generate.
def cn(n):
    d = '零一二三四五六七八九'
    if n < 10: return d[n]
    if n < 20: return '十' + (d[n % 10] if n % 10 else '')
    return d[n // 10] + '十' + (d[n % 10] if n % 10 else '')

def flat(el, level, out):
    k = 0
    for child in el:
        if child.tag == ns + 'section':
            k += 1
            num = [cn(k) + '、', '（' + cn(k) + '）', '%d.' % k,
                   '（%d）' % k][min(level, 4) - 1]
            out.append(num + (text(child, 'heading') or ''))
            flat(child, level + 1, out)
        elif child.tag in (ns + 'p', ns + 'item'):
            out.append(child.text or '')
        elif child.tag in (ns + 'list', ns + 'article'):
            flat(child, level, out)
    return out

want_han = ''.join(HAN.findall('\n'.join(body_lines)))
got_han = ''.join(HAN.findall('\n'.join(flat(body, 1, []))))
first = next((i for i, (a, b) in enumerate(zip(want_han, got_han))
              if a != b), min(len(want_han), len(got_han)))
report('every body Han character kept, in order (%d)' % len(want_han),
       want_han == got_han and len(want_han) > 1500,
       'first difference at %d: page %r, source %r' % (
           first, want_han[first:first + 10], got_han[first:first + 10]))
EOF

# Same input, same bytes.
"$FOLIO" import "$SEED" --meta issuer=营口市商务局 -o "$T/again.xml" \
	>/dev/null 2>&1
check "import is deterministic" cmp "$OUT" "$T/again.xml"

# What folio check reports about the imported source.
if "$FOLIO" check --json "$OUT" >"$T/check.json" 2>"$T/check.err"; then
	python3 - "$T/check.json" "$OUT" <<'EOF'
import json, sys, xml.etree.ElementTree as ET
ns = '{urn:folio:document:1}'
j = json.loads(open(sys.argv[1], encoding='utf-8').readline())
body = ET.parse(sys.argv[2]).getroot().find(ns + 'body')
def report(name, good, why=''):
    print(('ok - %s' % name) if good else ('not ok - %s: %s' % (name, why)))
report('check: title, date, issuer',
       j.get('title') == '关于推进全市经济开发区高质量发展的实施方案【政策解读】'
       and j.get('date') == '2020-04-27' and j.get('issuer') == '营口市商务局'
       and j.get('doc_number') is None, repr({k: j.get(k) for k in
       ('title', 'date', 'issuer', 'doc_number')}))
h = j.get('headings', [])
l1 = [(x['number'], x['text']) for x in h if x['level'] == 1]
l2 = [x['number'] for x in h if x['level'] == 2]
report('check: headings and their numbers',
       l1 == [('一、', '出台背景和依据'), ('二、', '总体要求'),
              ('三、', '主要任务方面'), ('四、', '保障措施')]
       and l2 == ['（一）', '（二）', '（三）', '（四）', '（五）'],
       repr(h[:3]))
paras = list(body.iter(ns + 'p'))
chars = sum(len(''.join((e.text or '').split()))
            for e in list(body.iter(ns + 'p'))
            + list(body.iter(ns + 'heading')))
report('check: paragraphs and chars match the source',
       j.get('paragraphs') == len(paras) and j.get('chars') == chars,
       'json %r/%r, source %d/%d' % (j.get('paragraphs'), j.get('chars'),
                                     len(paras), chars))
report('check: uncovered is a list', isinstance(j.get('uncovered'), list),
       repr(j.get('uncovered')))
EOF
else
	not_ok "check --json on the imported source" \
		"$(head -c 400 "$T/check.err")"
fi

# Refusals: invalid input exits 1 and writes nothing.
printf '标题\n发布时间:2020-01-01\n正文\303(错\n' >"$T/bad.txt"
"$FOLIO" import "$T/bad.txt" --meta issuer=某局 -o "$T/bad.xml" \
	>"$T/bad.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && [ ! -e "$T/bad.xml" ] &&
    grep -q "bad.txt:3:3: invalid UTF-8 at byte" "$T/bad.out"; then
	ok "invalid UTF-8: exit 1, located, nothing written"
else
	not_ok "invalid UTF-8: exit 1, located, nothing written" \
		"rc=$rc $(head -c 300 "$T/bad.out")"
fi

printf ' \n\n' >"$T/blank.txt"
"$FOLIO" import "$T/blank.txt" --meta issuer=某局 -o "$T/blank.xml" \
	>"$T/blank.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && [ ! -e "$T/blank.xml" ] &&
    grep -q "blank.txt:1:1: expected the text of a document" "$T/blank.out"
then
	ok "blank page: exit 1, nothing written"
else
	not_ok "blank page: exit 1, nothing written" \
		"rc=$rc $(head -c 300 "$T/blank.out")"
fi

# The same page saved as UTF-16 (with a byte order mark) and as GB18030:
# read, named on stderr, and imported to the same source byte for byte
# (but for the id, which comes from the file name).
python3 - "$SEED" "$T" <<'EOF'
import sys
text = open(sys.argv[1], encoding='utf-8').read()
open(sys.argv[2] + '/utf16.txt', 'wb').write(b'\xff\xfe' +
                                             text.encode('utf-16-le'))
open(sys.argv[2] + '/gb.txt', 'wb').write(text.encode('gb18030'))
EOF
for enc in utf16:UTF-16LE gb:GB18030; do
	f=${enc%%:*}
	"$FOLIO" import "$T/$f.txt" --meta issuer=营口市商务局 \
		--meta id=seed-policy-interpretation -o "$T/$f.xml" \
		>"$T/$f.out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && cmp -s "$OUT" "$T/$f.xml" &&
	    grep -q "read as ${enc#*:}" "$T/$f.out"; then
		ok "seed in ${enc#*:}: same source, encoding named"
	else
		not_ok "seed in ${enc#*:}: same source, encoding named" \
			"rc=$rc $(head -c 300 "$T/$f.out")"
	fi
done

"$FOLIO" import "$SEED" -o "$T/noissuer.xml" >"$T/noissuer.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && [ ! -e "$T/noissuer.xml" ] &&
    grep -q -- "--meta issuer=" "$T/noissuer.out"; then
	ok "missing issuer: exit 1 and says how to give it"
else
	not_ok "missing issuer: exit 1 and says how to give it" \
		"rc=$rc $(head -c 300 "$T/noissuer.out")"
fi

"$FOLIO" import "$SEED" --meta colour=red --meta issuer=某局 \
	-o "$T/usage.xml" >"$T/usage.out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$T/usage.xml" ] &&
    grep -q "unknown key 'colour'" "$T/usage.out"; then
	ok "unknown --meta key: exit 2"
else
	not_ok "unknown --meta key: exit 2" \
		"rc=$rc $(head -c 300 "$T/usage.out")"
fi

# --meta fills fields the page lacks; the result is still schema-valid.
"$FOLIO" import "$SEED" --meta issuer=营口市商务局 \
	--meta doc-number='营商发〔2020〕5号' --meta keywords='开发区,高质量发展' \
	--meta retention=永久 --meta security=公开 --meta id=yk-2020-05 \
	-o "$T/meta.xml" >"$T/meta.out" 2>&1 &&
python3 - "$T/meta.xml" >"$T/meta.check" 2>&1 <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = '{urn:folio:document:1}'
r = ET.parse(sys.argv[1]).getroot()
m = r.find(ns + 'meta')
assert r.get('id') == 'yk-2020-05', r.get('id')
assert m.find(ns + 'doc-number').text == '营商发〔2020〕5号'
assert [k.text for k in m.iter(ns + 'keyword')] == ['开发区', '高质量发展']
assert m.find(ns + 'retention').text == '永久'
EOF
if [ $? -eq 0 ] && xmllint --noout --relaxng "$RNG" "$T/meta.xml" \
    >/dev/null 2>&1; then
	ok "--meta fields land in a valid source"
else
	not_ok "--meta fields land in a valid source" \
		"$(cat "$T/meta.out" "$T/meta.check" 2>/dev/null | head -c 300)"
fi
