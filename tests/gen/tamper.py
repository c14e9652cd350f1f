#!/usr/bin/env python3
"""Tamper with a genuine archive through Python's zipfile (which always
writes a self-consistent container: for byte-level attacks on the
container itself see zipcraft.py).

usage: tamper.py IN.zip OUT.zip OP [ARG...]
OP: flip NAME | sub NAME REGEX REPL | b64flip NAME REGEX | add NAME TEXT |
    remove NAME | rename NAME NEW | replace NAME FILE | cert NAME PEM |
    cert-and-digest NAME PEM | move-mimetype | mimetype-content |
    compress-mimetype | extra-mimetype | dup NAME | nul NAME |
    extra NAME UT|up
Used by tests/e2e/archive.sh and tests/e2e/archive_tools.sh.
"""
import re, struct, sys, zipfile, zlib
src, dst, op = sys.argv[1], sys.argv[2], sys.argv[3]
args = sys.argv[4:]
zin = zipfile.ZipFile(src)
items = [(i, zin.read(i.filename)) for i in zin.infolist()]
def find(name):
    for k, (i, d) in enumerate(items):
        if i.filename == name:
            return k
    sys.exit("no entry " + name)
def info(name, like=None):
    zi = zipfile.ZipInfo(name, (2020, 4, 27, 0, 0, 0))
    zi.compress_type = like.compress_type if like else zipfile.ZIP_DEFLATED
    zi.external_attr = 0o100644 << 16
    return zi
if op == "flip":
    k = find(args[0]); i, d = items[k]
    at = len(d) // 2
    items[k] = (i, d[:at] + bytes([d[at] ^ 1]) + d[at + 1:])
elif op == "sub":
    k = find(args[0]); i, d = items[k]
    d2 = re.sub(args[1].encode(), args[2].encode(), d, count=1, flags=re.S)
    if d2 == d:
        sys.exit("pattern did not match")
    items[k] = (i, d2)
elif op == "b64flip":
    # change the first base64 character after the regex args[1]
    k = find(args[0]); i, d = items[k]
    m = re.search(args[1].encode(), d, flags=re.S)
    if not m:
        sys.exit("pattern did not match")
    at = m.end()
    c = b"B" if d[at:at + 1] == b"A" else b"A"
    items[k] = (i, d[:at] + c + d[at + 1:])
elif op == "add":
    items.append((info(args[0]), args[1].encode()))
elif op == "remove":
    del items[find(args[0])]
elif op == "rename":
    k = find(args[0]); i, d = items[k]
    items[k] = (info(args[1], i), d)
elif op == "replace":
    k = find(args[0]); i, d = items[k]
    items[k] = (i, open(args[1], "rb").read())
elif op == "cert":
    k = find(args[0]); i, d = items[k]
    pem = open(args[1]).read()
    b64 = "".join(l for l in pem.splitlines() if "-----" not in l)
    d2 = re.sub(rb"(<ds:X509Certificate>)[^<]*", b"\\g<1>" + b64.encode(),
                d, count=1)
    items[k] = (i, d2)
elif op == "cert-and-digest":
    # another certificate and its matching SigningCertificateV2 digest
    import base64, hashlib
    k = find(args[0]); i, d = items[k]
    pem = open(args[1]).read()
    b64 = "".join(l for l in pem.splitlines() if "-----" not in l)
    dig = base64.b64encode(hashlib.sha256(base64.b64decode(b64)).digest())
    d = re.sub(rb"(<ds:X509Certificate>)[^<]*", b"\\g<1>" + b64.encode(),
               d, count=1)
    d = re.sub(rb"(<xades:CertDigest>.*?<ds:DigestValue>)[^<]*",
               b"\\g<1>" + dig, d, count=1, flags=re.S)
    items[k] = (i, d)
elif op == "move-mimetype":
    items.insert(1, items.pop(0))
elif op == "mimetype-content":
    items[0] = (items[0][0], b"application/epub+zip")
elif op == "compress-mimetype":
    items[0][0].compress_type = zipfile.ZIP_DEFLATED
elif op == "extra-mimetype":
    items[0][0].extra = b"UT\x05\x00\x01\x00\x00\x00\x00"
elif op == "dup":
    k = find(args[0]); i, d = items[k]
    items.append((info(args[0], i), d))
elif op == "nul":
    # zipfile cuts names at a NUL: add the entry with '@' in its place
    # and patch the name bytes (local and central) after writing.
    items.append((info(args[0]), b"hidden"))
elif op == "extra":
    # an extra field (args[1]: "UT" time stamp or "up" Info-ZIP Unicode
    # path, which makes unzip extract under another name) on an entry
    k = find(args[0]); i, d = items[k]
    if args[1] == "up":
        alias = b"data/alias.txt"
        body = b"\x01" + struct.pack("<I", zlib.crc32(i.filename.encode()))
        field = b"up" + struct.pack("<H", len(body) + len(alias)) + body + alias
    else:
        field = b"UT\x05\x00\x01\x00\x00\x00\x00"
    i.extra = field
else:
    sys.exit("unknown op " + op)
with zipfile.ZipFile(dst, "w") as z:
    for i, d in items:
        z.writestr(i, d, compress_type=i.compress_type)
if op == "nul":
    raw = open(dst, "rb").read()
    name = args[0].encode()
    if raw.count(name) != 2:
        sys.exit("name not found twice")
    open(dst, "wb").write(raw.replace(name, name.replace(b"@", b"\0")))
