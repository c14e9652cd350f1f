#!/usr/bin/env python3
"""The option tables in src/cli/*.c against every command's --help and
the generated man page: each table option must appear in both, and
nothing else may (besides -h/--help and -V/--version, which every
command has).

usage: cli_options.py TOP FOLIO MAN_TEXT
  MAN_TEXT: the man page rendered as plain text (groff -Tascii).
Prints one "ok - ..." / "not ok - ..." line per command and source.

The tables are read from the C source, not from the binary, so a table
the parser uses but --help or the man page leaves out is caught."""
import glob
import os
import re
import subprocess
import sys

top, folio, man_text = sys.argv[1:4]
COMMON = {("help", "h", None), ("version", "V", None)}


def tables():
    """{command: {(long, short, value)}} from the C source."""
    out = {}
    meta = None
    with open(os.path.join(top, "src/cli/cli.h"), encoding="utf-8") as f:
        m = re.search(r'#define CLI_OPT_META \{"([a-z0-9-]+)", (0|\'.\'), '
                      r'"([^"]*)"', f.read())
        meta = (m.group(1), None if m.group(2) == "0" else m.group(2)[1],
                m.group(3))
    for path in sorted(glob.glob(os.path.join(top, "src/cli/*.c"))):
        src = open(path, encoding="utf-8").read()
        arrays = {}
        for m in re.finditer(r'static const cli_opt (\w+)\[\] = \{(.*?)\n\};',
                             src, re.S):
            opts = set()
            for e in re.finditer(r'\{"([a-z0-9-]+)", (0|\'.\'), '
                                 r'(NULL|"[^"]*")', m.group(2)):
                opts.add((e.group(1),
                          None if e.group(2) == "0" else e.group(2)[1],
                          None if e.group(3) == "NULL" else e.group(3)[1:-1]))
            if "CLI_OPT_META" in m.group(2):
                opts.add(meta)
            arrays[m.group(1)] = opts
        for m in re.finditer(r'const cli_command cli_cmd_\w+ = \{\s*'
                             r'"([a-z]+)",.*?,\s*(\w+_opts), "?\w*"?\s*\};',
                             src, re.S):
            out[m.group(1)] = arrays[m.group(2)] | COMMON
    return out


LINE = re.compile(r'^\s+(?:-(\w), )?--([a-z0-9-]+)(?:=(\S+?))?(?:\.\.\.)?'
                  r'(?:\s|$)')


def parse_lines(lines):
    found = set()
    for line in lines:
        m = LINE.match(line)
        if m:
            found.add((m.group(2), m.group(1), m.group(3)))
    return found


def help_options(cmd):
    text = subprocess.run([folio, cmd, "--help"], capture_output=True,
                          text=True, check=True).stdout
    body = text.split("\noptions:\n", 1)[1]
    return parse_lines(body.splitlines())


def man_options():
    """{command: options} from the rendered page's COMMANDS section:
    each "folio NAME" subsection's "Options:" list."""
    out = {}
    cmd = None
    in_opts = False
    for line in open(man_text, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r'^   folio ([a-z]+)$', line)
        if m:
            cmd, in_opts = m.group(1), False
            out[cmd] = set()
            continue
        if re.match(r'^[A-Z]', line):
            cmd = None
            continue
        if cmd and line.strip() == "Options:":
            in_opts = True
            continue
        if cmd and in_opts:
            out[cmd] |= parse_lines([line])
    return out


failed = 0
t = tables()
man = man_options()
if len(t) < 8:
    print("not ok - option tables: found only %d commands in src/cli" %
          len(t))
    sys.exit(1)
for cmd in sorted(t):
    want = t[cmd]
    for where, got in (("--help", help_options(cmd)),
                       ("man page", man.get(cmd, set()))):
        if got == want:
            print("ok - %s: %s lists exactly the %d options of its table"
                  % (cmd, where, len(want)))
        else:
            failed += 1
            print("not ok - %s: %s differs from the table: missing %s, "
                  "extra %s" % (cmd, where, sorted(want - got, key=str),
                                sorted(got - want, key=str)))
extra = set(man) - set(t)
if extra:
    print("not ok - man page documents commands without a table: %s" %
          sorted(extra))
sys.exit(1 if failed or extra else 0)
