#!/usr/bin/env python3
"""Checks `folio import` results against their input pages.

    import_check.py LIST

LIST has one case a line, fields separated by tabs:
    import NAME PAGE REPORT.json SOURCE.xml STDERR
    pdf    NAME TEXT.html SOURCE.xml
(one Python start for the whole corpus: starting it costs more than the
checks). Prints "ok - ..." / "not ok - ..." lines (TAP-like):
  - the report lists each line at most once, with the line's exact text;
  - no silent drop: the Han characters of the page equal, in order, those
    of the source's body text (headings with the numbers the style will
    generate, paragraphs, list items, articles, attachment bodies) plus
    those of the lines the report lists; a heading whose typed number the
    report says was renumbered counts with the generated number.
  - stderr names the encoding when it was not plain UTF-8 and sums up
    the dropped lines;
  - pdf: the closing block of the PDF is right-aligned (GB/T 9704 7.3.5):
    its longest line (署名 or 成文日期) ends within six characters of the
    text block's right edge and the 成文日期 is centred right of the
    block's centre, not set as an indented paragraph.
The page is decoded with the encoding the report names, split into lines
as folio does (\\n, \\r\\n, \\r) and NFC-normalised, as the model is.
"""
import json
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET

NS = '{urn:folio:document:1}'
HAN = re.compile('[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff'
                 '\U00020000-\U0003134f]')
# folio_is_space: ASCII blanks, NBSP, U+2000-U+200B, U+202F, U+205F,
# U+3000, U+FEFF
SPACES = ' \t\r\n\x0b\x0c\xa0\u3000\u202f\u205f\ufeff' + \
    ''.join(chr(c) for c in range(0x2000, 0x200c))
CODECS = {'UTF-8': 'utf-8', 'GB18030': 'gb18030', 'Big5': 'cp950',
          'Big5-HKSCS': 'big5hkscs', 'UTF-16LE': 'utf-16-le',
          'UTF-16BE': 'utf-16-be', 'UTF-32LE': 'utf-32-le',
          'UTF-32BE': 'utf-32-be', 'GBK': 'gbk'}
DIGITS = '零一二三四五六七八九'


def report(name, good, why=''):
    print(('ok - %s' % name) if good else ('not ok - %s: %s' % (name, why)))


def cn(n):
    """folio_cn_numeral for 1..99999."""
    units = ['', '十', '百', '千', '万']
    d = [(n // 10 ** i) % 10 for i in range(5)]
    top = max(i for i in range(5) if d[i])
    out, zero = '', False
    for i in range(top, -1, -1):
        if d[i] == 0:
            zero = True
            continue
        if zero:
            out += DIGITS[0]
            zero = False
        if not (i == 1 and d[i] == 1 and top == 1):
            out += DIGITS[d[i]]
        out += units[i]
    return out


def number(numbering, trad, kind, level, index):
    """folio_doc_number."""
    c = cn(index)
    if kind == 'article':
        s = '第%s条' % c
    elif numbering == 'chapters' and level <= 2:
        s = '第%s%s' % (c, '章' if level == 1 else '节')
    elif numbering == 'parts' and level == 1:
        s = '第%s部分' % c
    else:
        if numbering == 'chapters':
            level -= 2
        elif numbering == 'parts':
            level -= 1
        s = {1: c + '、', 2: '（%s）' % c, 3: '%d.' % index}.get(
            level, '（%d）' % index)
    if trad:
        s = s.replace('条', '條').replace('节', '節')
    return s


def flatten(el, numbering, trad, level, out, articles):
    k = 0
    for child in el:
        tag = child.tag[len(NS):]
        if tag == 'section':
            head = child.find(NS + 'heading').text or ''
            num = ''
            if child.get('numbered') != 'no':
                k += 1
                num = number(numbering, trad, 'section', level, k)
            out.append(num + head)
            flatten(child, numbering, trad, level + 1, out, articles)
        elif tag == 'article':
            articles[0] += 1
            out.append(number(numbering, trad, 'article', 0, articles[0]))
            for p in child:
                out.append(p.text or '')
        elif tag == 'list':
            for item in child:
                out.append(item.text or '')
        elif tag == 'p':
            out.append(child.text or '')
    return out


def lines_of(text):
    return re.split('\r\n|\n|\r', text)


def check_import(name, page, rep_path, xml_path, err_path):
    rep = json.load(open(rep_path, encoding='utf-8'))
    codec = CODECS.get(rep.get('encoding') or 'UTF-8', 'utf-8')
    raw = open(page, 'rb').read()
    text = raw.decode(codec)
    if text.startswith('\ufeff'):
        text = text[1:]
    lines = [unicodedata.normalize('NFC', l.strip(SPACES))
             for l in lines_of(text)]

    seen, bad = {}, []
    for e in rep['entries']:
        n = e['line']
        if n in seen:
            bad.append('line %d listed twice' % n)
        seen[n] = e
        if n < 1 or n > len(lines):
            bad.append('line %d out of range' % n)
        elif unicodedata.normalize('NFC', e['text']) != lines[n - 1]:
            bad.append('line %d: report %r, page %r' % (
                n, e['text'][:30], lines[n - 1][:30]))
        if e['action'] not in ('dropped', 'moved', 'renumbered') or \
                not e['reason']:
            bad.append('line %d: action %r reason %r' % (
                n, e['action'], e['reason']))
    report('%s: report lists lines as they are' % name, not bad,
           '; '.join(bad[:3]))

    root = ET.parse(xml_path).getroot()
    numbering = root.get('numbering') or 'gbt9704'
    trad = (root.get('{http://www.w3.org/XML/1998/namespace}lang') or
            '').startswith(('zh-Hant', 'zh-TW', 'zh-HK', 'zh-MO'))
    out = flatten(root.find(NS + 'body'), numbering, trad, 1, [], [0])
    for att in root.findall(NS + 'attachment'):
        out += flatten(att, numbering, trad, 1, [], [0])
    got = ''.join(HAN.findall(''.join(out)))

    want, dropped = [], []
    for i, l in enumerate(lines, 1):
        e = seen.get(i)
        if e is None:
            want.append(l)
        elif e['action'] == 'renumbered':
            # the typed number follows any markdown marker
            typed, gen = e['typed'] or '', e['generated'] or ''
            k = l.find(typed)
            want.append(l[:k] + gen + l[k + len(typed):] if k >= 0 else l)
        else:
            dropped.append(l)
    want = ''.join(HAN.findall(''.join(want)))
    first = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b),
                 min(len(want), len(got)))
    report('%s: Han in = Han out + reported lines (%d = %d + %d)' % (
        name, len(HAN.findall(''.join(lines))), len(got),
        len(HAN.findall(''.join(dropped)))),
        want == got,
        'first difference at %d: page %r, source %r' % (
            first, want[first:first + 12], got[first:first + 12]))

    err = open(err_path, encoding='utf-8').read()
    good = True
    if rep['encoding_from'] != 'UTF-8' and \
            'read as %s' % rep['encoding'] not in err:
        good = False
    if rep['dropped'] and 'dropped %d line' % rep['dropped'] not in err:
        good = False
    if not rep['dropped'] and 'dropped' in err:
        good = False
    report('%s: stderr names encoding and drops' % name, good, err[:300])


def check_pdf(name, html_path, xml_path):
    root = ET.parse(xml_path).getroot()
    closing, meta = root.find(NS + 'closing'), root.find(NS + 'meta')
    date = closing.find(NS + 'date')
    date = (date if date is not None else meta.find(NS + 'date')).text
    issuer = closing.find(NS + 'issuer')
    issuer = (issuer if issuer is not None else meta.find(NS + 'issuer')).text
    y, m, d = (int(x) for x in date.split('-'))
    dkey = '%d年%d月%d日' % (y, m, d)
    want = {dkey, re.sub(r'\s', '', issuer)}
    html = open(html_path, encoding='utf-8').read()
    # A4 text block after GB/T 9704: 28 mm from the left, 156 mm wide.
    mm = 72 / 25.4
    left, right = 28 * mm, (28 + 156) * mm
    found = {}
    for line in re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" '
                           r'xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>',
                           html, re.S):
        words = re.sub(r'\s', '', ''.join(
            re.findall(r'>([^<]*)</word>', line[2])))
        if words in want:
            found[words] = (float(line[0]), float(line[1]))
    if dkey not in found:
        report('%s: PDF closing date %s found' % (name, dkey), False,
               'not in the PDF text')
        return
    x1 = max(b for a, b in found.values())
    mid = sum(found[dkey]) / 2
    report('%s: PDF closing block right-aligned (ends %.0f pt, date '
           'centred at %.0f pt; text block %.0f-%.0f)' % (
               name, x1, mid, left, right),
           right - x1 < 6 * 156 * mm / 28 and mid > (left + right) / 2)


def main():
    for row in open(sys.argv[1], encoding='utf-8'):
        f = row.rstrip('\n').split('\t')
        try:
            if f[0] == 'import':
                check_import(*f[1:6])
            elif f[0] == 'pdf':
                check_pdf(*f[1:4])
        except Exception as e:  # one broken case must not hide the rest
            report('%s: checks ran' % f[1], False, repr(e))


if __name__ == '__main__':
    main()
