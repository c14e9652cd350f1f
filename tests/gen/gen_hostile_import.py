#!/usr/bin/env python3
"""Writes hostile pages for `folio import`, each under the 16 MiB cap.

    gen_hostile_import.py OUTDIR

Each page repeats one shape a recogniser looks at, so that a pass that
is not linear in the input would show (BENCHMARKS.md, "Hostile input"):

    prose      250,000 lines of ordinary prose
    gb18030    the same in GB18030 (charset detection and conversion)
    big5       traditional prose in Big5
    labels     300,000 metadata lines with two labels each
    attach     200,000 attachment labels with a title and a line of text
    articles   500,000 第1条 articles (each one reported as renumbered)
    notes      600,000 附注 lines
    dates      500,000 date lines in Chinese numerals
    chrome     300,000 widget lines
    longline   one 1 MB paragraph
    brackets   160,000 nested brackets
    cc         one 抄送 line of 200,000 names
    blank      990,000 empty lines
"""
import os
import sys

HEAD = '关于测试的通知\n发布时间：2020-01-01\n'
HEAD_T = '關於測試的通知\n發布時間：2020-01-01\n'


def pages():
    prose = '为加强城市管理，现就有关事项通知如下。\n'
    yield 'prose', HEAD + prose * 250000, 'utf-8'
    yield 'gb18030', HEAD + prose * 250000, 'gb18030'
    yield 'big5', HEAD_T + '為加強城市管理，現就有關事項通知如下。\n' * 250000, \
        'big5'
    yield 'labels', HEAD + '索引号：2024-001　主题分类：综合\n' * 300000, 'utf-8'
    yield 'attach', HEAD + '附件1\n某某工作表\n正文内容。\n' * 200000, 'utf-8'
    yield 'articles', HEAD + '第1条　正文内容。\n' * 500000, 'utf-8'
    yield 'notes', HEAD + '（此件公开发布）\n' * 600000, 'utf-8'
    yield 'dates', HEAD + '二〇二四年一月一日\n' * 500000, 'utf-8'
    yield 'chrome', HEAD + '【字号：大 中 小】【打印】【关闭】\n' * 300000, 'utf-8'
    yield 'longline', HEAD + '为加强管理，' * 170000 + '\n', 'utf-8'
    yield 'brackets', HEAD + '(' * 160000 + '中' + ')' * 160000 + '\n', \
        'utf-8'
    yield 'cc', HEAD + '正文。\n抄送：' + '某某局，' * 200000 + \
        '\n某某市人民政府办公室　　2024年1月1日印发\n', 'utf-8'
    yield 'blank', HEAD + '\n' * 990000, 'utf-8'


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, text, enc in pages():
        data = text.encode(enc)
        assert len(data) < 16 * 1024 * 1024, name
        with open(os.path.join(out, name + '.txt'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
