#!/usr/bin/env python3
"""Writes the Word files the DOCX tests read, from XML typed here (no
binary fixture in the tree). Every text is our own invented 公文.

    docx_make.py OUTDIR

writes OUTDIR/word.docx (hand-made WordprocessingML with auto-numbering,
tracked changes, a field, a comment, a footnote, a merged-cell table, an
image, an external link, a 版记 layout table), OUTDIR/chart.png, the bad
inputs (truncated.docx, bomb.docx, doctype.docx, encrypted.docx, old.doc,
old.wps, text.odt, external.docx) and OUTDIR/source.md / source.html for
pandoc and LibreOffice.
"""
import base64
import os
import struct
import sys
import zipfile
import zlib

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = ('xmlns:w="%s" xmlns:r="%s" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
      % (W, R))
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def png(w, h):
    """An RGB PNG with a few bars, made with zlib."""
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            bar = (x * 5 // w) % 5
            on = y > h - (bar + 1) * h // 6
            row += bytes((40, 90, 160) if on else (250, 250, 250))
        rows.append(bytes(row))

    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d +
                struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"".join(rows))) +
            chunk(b"IEND", b""))


def p(text, style=None, jc=None, num=None):
    ppr = ""
    if style:
        ppr += '<w:pStyle w:val="%s"/>' % style
    if num:
        ppr += ('<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/>'
                '</w:numPr>' % num)
    if jc:
        ppr += '<w:jc w:val="%s"/>' % jc
    return ('<w:p>%s<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
            % ("<w:pPr>%s</w:pPr>" % ppr if ppr else "", text))


def run(text):
    return '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % text


def cell(text, span=1, vmerge=None, width=2000):
    pr = '<w:tcW w:w="%d" w:type="dxa"/>' % width
    if span > 1:
        pr += '<w:gridSpan w:val="%d"/>' % span
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += '<w:vMerge/>'
    return '<w:tc><w:tcPr>%s</w:tcPr>%s</w:tc>' % (pr, p(text) if text
                                                    else "<w:p/>")


def row(cells, header=False):
    pr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return "<w:tr>%s%s</w:tr>" % (pr, "".join(cells))


DRAWING = (
    '<w:r><w:drawing><wp:inline><wp:extent cx="3600000" cy="1800000"/>'
    '<wp:docPr id="1" name="图片 1" descr="核查流程示意图"/>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
    'drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="1" '
    'name="chart.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
    '<a:blip r:embed="rId10"/></pic:blipFill><pic:spPr/></pic:pic>'
    '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')

BODY = "".join([
    p("某某市人民政府办公室文件", jc="center"),
    p("某政办发〔2026〕12号", jc="center"),
    p("关于开展二〇二六年度统计数据质量核查工作的通知", style="Title",
      jc="center"),
    p("各区人民政府，市政府各部门："),
    p("为进一步提高统计数据质量，经市政府同意，现就有关事项通知如下。"),
    p("工作目标", style="Heading1", num=(0, 1)),
    '<w:p>' + run("通过核查，全面掌握各类统计数据的真实性和准确性") +
    '<w:r><w:footnoteReference w:id="1"/></w:r>' + run("。") + '</w:p>',
    p("核查范围", num=(1, 1)),
    '<w:p>' + run("核查对象为") +
    '<w:ins w:id="1" w:author="张三"><w:r><w:t>全市</w:t></w:r></w:ins>' +
    '<w:del w:id="2" w:author="张三"><w:r><w:delText>部分</w:delText>'
    '</w:r></w:del>' + run("规模以上企业，名单见") +
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> HYPERLINK "http://example.invalid/list" </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run("统计网站") +
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>' +
    '<w:commentRangeStart w:id="0"/>' + run("公布的目录") +
    '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/>'
    '</w:r>' + run("。") + '</w:p>',
    p("工作要求", style="Heading1", num=(0, 1)),
    '<w:p>' + run("各单位要按下表分工落实责任。第一行") +
    '<w:r><w:br/></w:r>' + run("第二行") + '</w:p>',
    '<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
    '<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="4000"/>'
    '<w:gridCol w:w="3000"/></w:tblGrid>' +
    row([cell("项目"), cell("责任单位"), cell("完成时限")], header=True) +
    row([cell("数据采集", vmerge="restart"), cell("市统计局"),
         cell("三月底前")]) +
    row([cell("", vmerge="continue"), cell("各区统计部门"),
         cell("四月底前")]) +
    row([cell("核查汇总"), cell("市统计局会同市财政局", span=2,
                              width=7000)]) +
    '</w:tbl>',
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr>' + DRAWING + '</w:p>',
    p("图1 核查流程", style="Caption", jc="center"),
    p("附件：核查工作联系表"),
    p("某某市人民政府办公室", jc="right"),
    p("2026年3月2日", jc="right"),
    p("（此件公开发布）"),
    '<w:tbl><w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid>' +
    row([cell("抄送：市委办公室，市人大常委会办公室。", width=9000)]) +
    row([cell("某某市人民政府办公室　　2026年3月2日印发", width=9000)]) +
    '</w:tbl>',
    '<w:sectPr/>',
])

DOCUMENT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document %s><w:body>%s</w:body></w:document>' % (NS, BODY))

STYLES = ('<?xml version="1.0" encoding="UTF-8"?>'
          '<w:styles xmlns:w="%s">'
          '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="HeadingBase"><w:name w:val="heading 1"/>'
          '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
          '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="My Heading"/>'
          '<w:basedOn w:val="HeadingBase"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/></w:style>'
          '</w:styles>' % W)

NUMBERING = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<w:numbering xmlns:w="%s">'
             '<w:abstractNum w:abstractNumId="7">'
             '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
             '<w:lvlText w:val="%%1、"/><w:suff w:val="nothing"/></w:lvl>'
             '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
             '<w:lvlText w:val="（%%2）"/><w:suff w:val="nothing"/></w:lvl>'
             '</w:abstractNum>'
             '<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>'
             '</w:numbering>' % W)

FOOTNOTES = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<w:footnotes xmlns:w="%s">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:t>统计数据以年报为准。</w:t></w:r></w:p></w:footnote>'
             '</w:footnotes>' % W)

COMMENTS = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<w:comments xmlns:w="%s"><w:comment w:id="0" w:author="李四">'
            '<w:p><w:r><w:t>请核对目录名称。</w:t></w:r></w:p></w:comment>'
            '</w:comments>' % W)

RELS_DOC = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%s/styles" Target="styles.xml"/>'
            '<Relationship Id="rId2" Type="%s/numbering" Target="numbering.xml"/>'
            '<Relationship Id="rId3" Type="%s/footnotes" Target="footnotes.xml"/>'
            '<Relationship Id="rId4" Type="%s/comments" Target="comments.xml"/>'
            '<Relationship Id="rId10" Type="%s/image" Target="media/image1.png"/>'
            '<Relationship Id="rId11" Type="%s/header" Target="header1.xml"/>'
            '%%s</Relationships>' % (REL, REL, REL, REL, REL, REL))

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>'
          '<w:hdr xmlns:w="%s"><w:p><w:r><w:t>内部资料 注意保存</w:t></w:r>'
          '</w:p></w:hdr>' % W)

RELS_ROOT = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="%s/officeDocument" Target="word/document.xml"/>'
             '</Relationships>' % REL)

TYPES = ('<?xml version="1.0" encoding="UTF-8"?>'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Default Extension="png" ContentType="image/png"/>'
         '<Override PartName="/word/document.xml" ContentType="application/'
         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
         '</Types>')


def docx(path, document=DOCUMENT, extra_rel="", image=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", TYPES)
        z.writestr("_rels/.rels", RELS_ROOT)
        z.writestr("word/document.xml", document)
        z.writestr("word/_rels/document.xml.rels", RELS_DOC % extra_rel)
        z.writestr("word/styles.xml", STYLES)
        z.writestr("word/numbering.xml", NUMBERING)
        z.writestr("word/footnotes.xml", FOOTNOTES)
        z.writestr("word/comments.xml", COMMENTS)
        z.writestr("word/header1.xml", HEADER)
        z.writestr("word/media/image1.png", image or png(200, 100))


def bomb(path):
    """word/document.xml of 1 GiB of spaces: about 1 MB on disk, written
    in pieces so neither side holds it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", TYPES)
        z.writestr("_rels/.rels", RELS_ROOT)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            piece = b" " * (1 << 20)
            for _ in range(1024):
                f.write(piece)


def ole(path, names):
    """An OLE2 compound file header and one directory sector naming the
    given streams (what the sniffers look at; not a complete file)."""
    head = bytearray(512)
    head[0:8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
    struct.pack_into("<HHHH", head, 24, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<I", head, 48, 1)     # first directory sector
    dirs = bytearray(512)
    for i, name in enumerate(names[:4]):
        u = name.encode("utf-16-le")
        dirs[i * 128:i * 128 + len(u)] = u
        struct.pack_into("<H", dirs, i * 128 + 64, len(u) + 2)
        dirs[i * 128 + 66] = 5 if i == 0 else 2
    with open(path, "wb") as f:
        f.write(bytes(head) + bytes(512) + bytes(dirs))


MARKDOWN = """---
title: 关于做好二〇二六年春季防汛准备工作的通知
lang: zh-CN
---

各区人民政府，市政府各部门：

为切实做好今年春季防汛准备工作，确保人民群众生命财产安全，现就有关事项通知如下。

# 一、提高思想认识

各单位要充分认识防汛工作的重要性和紧迫性。

# 二、落实工作措施

1. 全面排查河道堤防隐患。
2. 及时补充防汛物资储备。
3. 严格执行值班值守制度。

+--------------+--------------+
| 任务         | 责任单位     |
+==============+==============+
| 隐患排查     | 市水务局     |
+--------------+--------------+
| 物资储备     | 市应急管理局 |
+--------------+--------------+

![防汛指挥体系图](chart.png){width=80mm}

某某市防汛抗旱指挥部办公室

2026年3月10日
"""

HTML = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>通知</title></head>
<body>
<p align="center">关于加强二〇二六年城市道路养护管理的通知</p>
<p>各区人民政府，市政府各部门：</p>
<p>为进一步提升城市道路养护水平，保障市民出行安全，现就有关事项通知如下。</p>
<h1>一、明确养护责任</h1>
<p>各区要按照属地管理原则，落实道路养护主体责任。</p>
<h1>二、突出工作重点</h1>
<ol><li>及时修补破损路面。</li><li>定期清理排水设施。</li>
<li>规范设置交通标志。</li></ol>
<table border="1"><thead><tr><th>项目</th><th colspan="2">责任单位与时限</th></tr>
</thead><tbody>
<tr><td rowspan="2">路面修补</td><td>市城管局</td><td>四月底前</td></tr>
<tr><td>各区城管部门</td><td>五月底前</td></tr>
<tr><td>设施清理</td><td>市水务局</td><td>六月底前</td></tr>
</tbody></table>
<p><img src="%s" alt="道路养护进度示意图" width="300" height="150"></p>
<p>某某市城市管理局</p>
<p>2026年4月8日</p>
</body></html>
"""


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    image = png(200, 100)
    with open(os.path.join(out, "chart.png"), "wb") as f:
        f.write(image)
    docx(os.path.join(out, "word.docx"), image=image)
    # Inputs for pandoc (Markdown; HTML for merged cells, which its
    # Markdown cannot write) and LibreOffice (HTML, the image embedded as
    # a data: URI; linked.html names the file, which LibreOffice keeps
    # as an external relationship).
    with open(os.path.join(out, "pandoc.md"), "w") as f:
        f.write(MARKDOWN)
    uri = "data:image/png;base64," + base64.b64encode(image).decode()
    with open(os.path.join(out, "office.html"), "w") as f:
        f.write(HTML % uri)
    with open(os.path.join(out, "linked.html"), "w") as f:
        f.write(HTML % "chart.png")
    # External relationships: a hyperlink is reported, never fetched;
    # an image linked from outside the file is refused.
    link = ('<Relationship Id="rId21" Type="%s/hyperlink" '
            'Target="http://example.invalid/list" TargetMode="External"/>'
            % REL)
    docx(os.path.join(out, "hyperlink.docx"), extra_rel=link)
    docx(os.path.join(out, "external.docx"), extra_rel=link + (
        '<Relationship Id="rId20" Type="%s/image" '
        'Target="http://example.invalid/x.png" TargetMode="External"/>'
        % REL), document=DOCUMENT.replace('r:embed="rId10"',
                                          'r:link="rId20"'))
    with open(os.path.join(out, "word.docx"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "truncated.docx"), "wb") as f:
        f.write(data[:len(data) * 2 // 3])
    bomb(os.path.join(out, "bomb.docx"))
    docx(os.path.join(out, "doctype.docx"), document=DOCUMENT.replace(
        "<w:document", '<!DOCTYPE w:document [<!ENTITY x "y">]>\n'
        "<w:document", 1))
    ole(os.path.join(out, "encrypted.docx"), ["Root Entry",
        "EncryptionInfo", "EncryptedPackage"])
    ole(os.path.join(out, "old.doc"), ["Root Entry", "WordDocument",
        "1Table"])
    ole(os.path.join(out, "old.wps"), ["Root Entry", "Contents"])
    with zipfile.ZipFile(os.path.join(out, "text.odt"), "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")


if __name__ == "__main__":
    main()
