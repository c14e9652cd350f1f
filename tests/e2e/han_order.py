#!/usr/bin/env python3
"""Every Han character of an imported source reaches the outputs in order.

    han_order.py LIST

LIST has one case a line, fields separated by tabs:
    NAME SOURCE.xml PDF.txt EPUB
where PDF.txt is `pdftotext` output of the source's PDF and EPUB the
source's book. For each case (one Python start for the whole corpus):
  - pdf: the Han characters of every text the print layout draws, in the
    order it draws them (title, subtitle, 主送, body: headings, paragraphs,
    lists, articles; 附件说明 with the attachments' titles; 落款; 附注;
    each attachment with a body: its title and blocks; 版记: 抄送 and
    印发机关), are a subsequence of the Han characters of the PDF's text,
    and the 文号 appears in it; an attachment without a body is listed
    and has no page (no page holds only 附件 and its title);
  - epub: the same sequence (the 版记 after the attachments, at the end
    of the book as in print) is a subsequence of the spine's Han characters.
Generated text (heading numbers, 附件, dates written out) may stand
between: a subsequence, not equality. Metadata no page shows (索引号,
主题分类, 文种, 主题词, url) is not part of the sequence. Together with
import_check.py (Han characters in = body + reported lines) this makes
the invariant hold from the page to the PDF.
"""
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

NS = '{urn:folio:document:1}'
HAN = re.compile('[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff'
                 '\U00020000-\U0003134f]')


def han(s):
    return ''.join(HAN.findall(s or ''))


def text(e):
    return ''.join(e.itertext()) if e is not None else ''


def blocks(parent):
    out = []
    for e in parent:
        tag = e.tag[len(NS):]
        if tag in ('p', 'item', 'heading'):
            out.append(text(e))
        elif tag in ('section', 'list', 'article'):
            out.extend(blocks(e))
    return out


def has_body(att):
    return any(c.tag != NS + 'title' for c in att)


def sequences(path):
    root = ET.parse(path).getroot()
    meta = root.find(NS + 'meta')
    m = lambda k: text(meta.find(NS + k))
    head = [m('title'), m('subtitle')]
    rec = meta.find(NS + 'recipients')
    head += [text(r) for r in rec] if rec is not None else []
    body = blocks(root.find(NS + 'body'))
    atts = root.findall(NS + 'attachment')
    listed = [text(a.find(NS + 'title')) for a in atts]
    closing = root.find(NS + 'closing')
    tail = []
    if closing is not None:
        iss = closing.find(NS + 'issuer')
        tail.append(text(iss) if iss is not None else m('issuer'))
    note = root.find(NS + 'note')
    tail.append(text(note))
    pages = []
    for a in atts:
        if has_body(a):
            pages += [text(a.find(NS + 'title'))] + blocks(a)
    cc = meta.find(NS + 'cc')
    imprint = [text(r) for r in cc] if cc is not None else []
    imprint.append(m('printed-by'))
    pdf = head + body + listed + tail + pages + imprint
    epub = head + body + listed + tail + pages + imprint
    bodiless = [text(a.find(NS + 'title')) for a in atts
                if not has_body(a)]
    return han(''.join(pdf)), han(''.join(epub)), m('doc-number'), bodiless


def subsequence(want, got):
    """Index in want of the first character not found in order, or -1."""
    k = 0
    for i, c in enumerate(want):
        k = got.find(c, k)
        if k < 0:
            return i
        k += 1
    return -1


def spine(path):
    with zipfile.ZipFile(path) as z:
        opf = z.read('EPUB/package.opf').decode('utf-8')
        ids = re.findall(r'<itemref idref="([^"]+)"', opf)
        hrefs = dict(re.findall(r'<item id="([^"]+)" href="([^"]+)"', opf))
        return ''.join(re.sub(r'<[^>]*>', '',
                              z.read('EPUB/' + hrefs[i]).decode('utf-8'))
                       for i in ids)


def report(name, good, why=''):
    print(('ok - %s' % name) if good else ('not ok - %s: %s' % (name, why)))


def main():
    for row in open(sys.argv[1], encoding='utf-8'):
        name, src, pdftxt, epub = row.rstrip('\n').split('\t')
        want_pdf, want_epub, docnum, bodiless = sequences(src)
        got = open(pdftxt, encoding='utf-8').read()
        got_han = han(got)
        i = subsequence(want_pdf, got_han)
        why = ''
        if i >= 0:
            why = 'source Han character %d %r (…%s…) not in the PDF ' \
                'in order' % (i, want_pdf[i], want_pdf[max(0, i - 8):i + 8])
        elif han(docnum) and han(docnum) not in got_han:
            why = '文号 %r not in the PDF' % docnum
        else:
            # no page of its own: no page holds only 附件N and the title
            for t in bodiless:
                for k, page in enumerate(got.split('\f')):
                    if han(page) and han(page) == han('附件' + t):
                        why = 'page %d is an empty page for bodiless ' \
                            'attachment %r' % (k + 1, t)
        report('%s: every Han character in the PDF, in order (%d)'
               % (name, len(want_pdf)), not why, why)
        sp = han(spine(epub))
        i = subsequence(want_epub, sp)
        report('%s: every Han character in the EPUB spine, in order'
               % name, i < 0, i >= 0 and 'character %d %r (…%s…)' % (
                   i, want_epub[i], want_epub[max(0, i - 8):i + 8]))


main()
