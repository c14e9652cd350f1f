#!/usr/bin/env python3
"""Write N generated 公文 sources and a batch manifest, deterministic from
a seed, for the batch tests and `make bench`.

usage: gen_batch.py OUTDIR N [--seed S] [--key PATH --cert PATH]
                    [--batch-id ID] [--small]

Each document is an invented notice, plan or interpretation of the
fictional city 江临市: 1 to 12 pages of body text (--small: about one
page, for the no-op rebuild measurement), headings of all four levels
(一、 （一） 1. （1）), ordered and unordered lists, 文号 on most, 附件 on
about half, 抄送/印发 on some, and Latin runs mixed into the Chinese
(5G, PM2.5, ISO 9001, GDP, APP, Wi-Fi). All text is composed here from
phrase lists of this file; nothing is copied from real documents.

The manifest OUTDIR/batch.xml names the sources with a glob (doc-*.xml),
the repository's styles by absolute path, and the signer key and
certificate (default keys/signer.key and keys/signer.crt, relative to
OUTDIR). Same seed and N give the same bytes.
"""
import argparse
import os
import random
from xml.sax.saxutils import escape

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

CITY = "江临市"
ISSUERS = [
    ("江临市人民政府办公室", "江政办发"),
    ("江临市人民政府", "江政发"),
    ("江临市发展和改革委员会", "江发改"),
    ("江临市生态环境局", "江环发"),
    ("江临市工业和信息化局", "江工信发"),
    ("江临市档案局", "江档发"),
    ("江临市农业农村局", "江农发"),
    ("江临市数据资源管理局", "江数据发"),
]
TOPICS = [
    ("档案数字化", ["档案", "数字化", "电子档案"]),
    ("安全生产", ["安全生产", "隐患排查", "应急管理"]),
    ("营商环境", ["营商环境", "政务服务", "一网通办"]),
    ("生态环境保护", ["生态环境", "大气污染", "PM2.5"]),
    ("5G网络建设", ["5G", "信息基础设施", "数字经济"]),
    ("乡村振兴", ["乡村振兴", "农业农村", "人居环境"]),
    ("数字政府", ["数字政府", "数据共享", "APP"]),
    ("质量强市", ["质量管理", "ISO 9001", "标准化"]),
]
KINDS = [
    ("通知", "关于开展{t}专项工作的通知"),
    ("实施意见", "关于加快推进{t}的实施意见"),
    ("政策解读", "《关于{t}的若干措施》政策解读"),
    ("工作方案", "{y}年{t}工作方案"),
    ("管理办法", "{t}管理办法（试行）"),
]
SUBJECTS = ["各区人民政府", "市政府各部门", "各有关单位", "各街道办事处",
            "市属国有企业", "各乡镇人民政府", "江临经济技术开发区管委会"]
VERBS = ["加快推进", "深入实施", "全面落实", "切实加强", "持续优化",
         "统筹推进", "稳步开展", "不断完善", "着力提升", "认真做好"]
OBJECTS = ["工作机制", "责任体系", "监督检查", "基础设施建设",
           "信息共享平台", "考核评价办法", "人才队伍建设", "资金保障",
           "宣传培训", "风险防控", "标准规范体系", "服务能力"]
GOALS = ["确保各项任务按期完成", "形成可复制可推广的经验",
         "切实提高群众满意度", "推动工作取得实效",
         "为全市高质量发展提供有力支撑", "做到底数清、情况明",
         "防止出现工作断档", "保障数据安全和个人信息安全"]
NUMBERS = ["到{y}年底，完成率达到{p}%以上", "全年新增{n}个示范项目",
           "覆盖率提高{p}个百分点", "累计投入资金{n}万元",
           "建成5G基站{n}个", "PM2.5平均浓度下降{p}%",
           "GDP增速保持在{p}%左右", "通过ISO 9001认证的企业达到{n}家",
           "政务服务APP注册用户突破{n}万", "公共场所Wi-Fi覆盖{n}处"]
HEADS = ["总体要求", "主要任务", "保障措施", "工作安排", "职责分工",
         "组织实施", "监督考核", "适用范围", "基本原则", "工作目标",
         "重点领域", "支持政策", "申报程序", "资金管理", "附则"]
SUBHEADS = ["加强组织领导", "明确责任分工", "强化资金保障",
            "完善工作机制", "注重宣传引导", "严格督查考核",
            "推进试点示范", "加强队伍建设", "健全制度规范",
            "做好数据对接", "落实安全责任", "优化服务流程"]
ATTACH = ["工作任务分解表", "联系人名单", "申报材料清单",
          "情况统计表", "检查内容清单", "名词解释"]


def sentence(rng, topic, year):
    kw = rng.choice(topic[1])
    s = "%s%s%s，%s" % (rng.choice(VERBS), kw, rng.choice(OBJECTS),
                        rng.choice(GOALS))
    if rng.random() < 0.45:
        s += "，" + rng.choice(NUMBERS).format(
            y=year + rng.randint(0, 3), p=rng.randint(3, 95),
            n=rng.randint(2, 900))
    if rng.random() < 0.15:
        s += "（详见“%s”专栏）" % rng.choice(topic[1])
    return s + "。"


def paragraph(rng, topic, year):
    return "".join(sentence(rng, topic, year)
                   for _ in range(rng.randint(2, 6)))


class Doc:
    def __init__(self, rng, topic, year):
        self.rng, self.topic, self.year = rng, topic, year
        self.lines = []
        self.chars = 0

    def p(self, ind):
        t = paragraph(self.rng, self.topic, self.year)
        self.chars += len(t)
        self.lines.append("%s<p>%s</p>" % (ind, escape(t)))

    def lst(self, ind):
        kind = self.rng.choice(["ordered", "unordered"])
        self.lines.append('%s<list type="%s">' % (ind, kind))
        for _ in range(self.rng.randint(2, 4)):
            t = sentence(self.rng, self.topic, self.year)
            self.chars += len(t)
            self.lines.append("%s  <item>%s</item>" % (ind, escape(t)))
        self.lines.append("%s</list>" % ind)

    def section(self, level, ind, budget, heads):
        rng = self.rng
        self.lines.append("%s<section>" % ind)
        self.lines.append("%s  <heading>%s</heading>" %
                          (ind, escape(rng.choice(heads))))
        self.chars += 10
        stop = self.chars + budget
        self.p(ind + "  ")
        while self.chars < stop:
            r = rng.random()
            if level < 4 and r < 0.55:
                self.section(level + 1, ind + "  ",
                             max(60, budget // 3), SUBHEADS)
            elif r < 0.7:
                self.lst(ind + "  ")
            else:
                self.p(ind + "  ")
        self.lines.append("%s</section>" % ind)


def document(rng, i, seed, small):
    year = 2025
    issuer, prefix = rng.choice(ISSUERS)
    topic = rng.choice(TOPICS)
    category, pattern = rng.choice(KINDS)
    title = CITY + pattern.format(t=topic[0], y=year)
    if not title.startswith(issuer) and rng.random() < 0.6:
        title = issuer + pattern.format(t=topic[0], y=year)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    date = "%d-%02d-%02d" % (year, month, day)
    pages = 1 if small else rng.randint(1, 12)
    budget = max(40, pages * 310 - 260)
    d = Doc(rng, topic, year)
    meta = ["    <title>%s</title>" % escape(title),
            "    <issuer>%s</issuer>" % issuer]
    if rng.random() < 0.85:
        meta.append("    <doc-number>%s〔%d〕%d号</doc-number>"
                    % (prefix, year, rng.randint(1, 180)))
    meta.append("    <date>%s</date>" % date)
    meta.append("    <category>%s</category>" % category)
    meta.append("    <security>%s</security>"
                % rng.choice(["公开", "公开", "内部"]))
    if rng.random() < 0.8:
        meta.append("    <retention>%s</retention>"
                    % rng.choice(["永久", "定期30年", "定期10年"]))
    meta.append("    <keywords>%s</keywords>" % "".join(
        "<keyword>%s</keyword>" % escape(k) for k in topic[1]))
    meta.append("    <recipients>%s</recipients>" % "".join(
        "<recipient>%s</recipient>" % s
        for s in rng.sample(SUBJECTS, rng.randint(1, 3))))
    if rng.random() < 0.4:
        meta.append("    <cc><recipient>市委办公室</recipient>"
                    "<recipient>市档案馆</recipient></cc>")
        meta.append("    <printed-by>%s</printed-by>" % issuer)
        meta.append("    <printed-date>%s</printed-date>" % date)
    d.p("    ")
    heads = rng.sample(HEADS, len(HEADS))
    k = 0
    while d.chars < budget:
        d.section(1, "    ", max(150, budget // 4),
                  [heads[k % len(heads)]])
        k += 1
    body = d.lines
    d.lines = []
    n_att = 0 if small or pages > 10 else rng.choice([0, 0, 1, 2])
    for a in range(n_att):
        d.lines.append("  <attachment>")
        d.lines.append("    <title>%s%s</title>"
                       % (topic[0], rng.choice(ATTACH)))
        d.p("    ")
        d.section(2, "    ", 200, SUBHEADS)
        d.lst("    ")
        d.lines.append("  </attachment>")
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           "<!-- generated by tests/gen/gen_batch.py, seed %d -->" % seed,
           '<document xmlns="urn:folio:document:1" id="gen-%d-%04d">'
           % (seed, i + 1),
           "  <meta>"] + meta + ["  </meta>", "  <body>"] + body + [
           "  </body>",
           "  <closing>",
           "    <issuer>%s</issuer>" % issuer,
           "    <date>%s</date>" % date,
           "  </closing>"] + d.lines + ["</document>", ""]
    return "\n".join(out)


def manifest(batch_id, key, cert):
    styles = os.path.join(TOP, "styles")
    return """<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by tests/gen/gen_batch.py -->
<batch xmlns="urn:folio:batch:1">
  <fonds>
    <code>J099</code>
    <name>江临市测试全宗</name>
  </fonds>
  <year>2025</year>
  <batch-id>%s</batch-id>
  <description>生成的测试批次</description>
  <defaults>
    <retention>定期30年</retention>
    <security>公开</security>
  </defaults>
  <style>
    <pdf>%s</pdf>
    <epub-css>%s</epub-css>
  </style>
  <signer>
    <key>%s</key>
    <certificate>%s</certificate>
  </signer>
  <sources>
    <source>doc-*.xml</source>
  </sources>
</batch>
""" % (escape(batch_id), escape(os.path.join(styles, "gbt9704.xml")),
       escape(os.path.join(styles, "epub.css")), escape(key), escape(cert))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--key", default="keys/signer.key")
    ap.add_argument("--cert", default="keys/signer.crt")
    ap.add_argument("--batch-id", default="J099-2025-T001")
    ap.add_argument("--small", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    width = max(4, len(str(a.n)))
    for i in range(a.n):
        rng = random.Random(a.seed * 1000003 + i)
        path = os.path.join(a.outdir, "doc-%0*d.xml" % (width, i + 1))
        with open(path, "w", encoding="utf-8") as f:
            f.write(document(rng, i, a.seed, a.small))
    with open(os.path.join(a.outdir, "batch.xml"), "w",
              encoding="utf-8") as f:
        f.write(manifest(a.batch_id, a.key, a.cert))


if __name__ == "__main__":
    main()
