#!/usr/bin/env python3
"""Craft hostile variants of a genuine ZIP archive, byte by byte.

usage: zipcraft.py IN.zip OUT.zip OP [ARG...]
       zipcraft.py --list

Python's zipfile always writes a self-consistent archive, so it cannot
make the archives an attacker would: two end records, local headers that
disagree with the central directory, bytes no entry covers. This script
reads the raw structure of IN.zip itself (end record, central directory,
local headers, the compressed bytes as they are) and writes it out again
with one change. OP "identity" must give back IN.zip byte for byte: the
proof that the reader and writer here are faithful. `--list` prints the
operations, one per line.

Only what folio writes needs reading: one disk, no ZIP64 records (the
archives of the tests are small), no data descriptors.
"""
import struct
import sys
import unicodedata
import zlib


class Entry:
    """One entry: the central record's fields, the local header's (equal
    unless an operation changes them), the raw data and what follows."""

    def __init__(self):
        self.offset_override = None
        self.central_only = False   # no local header of its own
        self.descriptor = b""
        self.after = b""        # bytes written after the entry's data


def u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def read(path):
    raw = open(path, "rb").read()
    end = len(raw) - 22
    if u32(raw, end) != 0x06054B50:
        sys.exit("zipcraft: expected an end record at the end")
    count, cd_size, cd_off = u16(raw, end + 10), u32(raw, end + 12), \
        u32(raw, end + 16)
    entries, at = [], cd_off
    for _ in range(count):
        e = Entry()
        (sig, e.made_by, e.need, e.flags, e.method, e.time, e.date, e.crc,
         e.csize, e.usize, nlen, xlen, clen, e.disk, e.iattr, e.eattr,
         off) = struct.unpack_from("<IHHHHHHIIIHHHHHII", raw, at)
        e.name = raw[at + 46:at + 46 + nlen]
        e.cextra = raw[at + 46 + nlen:at + 46 + nlen + xlen]
        e.comment = raw[at + 46 + nlen + xlen:at + 46 + nlen + xlen + clen]
        at += 46 + nlen + xlen + clen
        (sig, e.lneed, e.lflags, e.lmethod, e.ltime, e.ldate, e.lcrc,
         e.lcsize, e.lusize, lnlen, lxlen) = struct.unpack_from(
            "<IHHHHHIIIHH", raw, off)
        e.lname = raw[off + 30:off + 30 + lnlen]
        e.lextra = raw[off + 30 + lnlen:off + 30 + lnlen + lxlen]
        start = off + 30 + lnlen + lxlen
        e.data = raw[start:start + e.csize]
        entries.append(e)
    return entries


def write(path, entries, prepend=b"", trailer=b"", comment=b"",
          count_delta=0, cd_size_delta=0, drop_central=(), extra_central=b"",
          shift_offsets=True, zip64_count_delta=None):
    out = bytearray(prepend)
    offsets = []
    for e in entries:
        offsets.append(len(out) if shift_offsets else len(out) - len(prepend))
        if e.central_only:
            continue
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, e.lneed, e.lflags,
                           e.lmethod, e.ltime, e.ldate, e.lcrc, e.lcsize,
                           e.lusize, len(e.lname), len(e.lextra))
        out += e.lname + e.lextra + e.data + e.descriptor + e.after
    cd_off = len(out)
    for i, e in enumerate(entries):
        if i in drop_central:
            continue
        off = e.offset_override if e.offset_override is not None \
            else offsets[i]
        out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, e.made_by,
                           e.need, e.flags, e.method, e.time, e.date,
                           e.crc, e.csize, e.usize, len(e.name),
                           len(e.cextra), len(e.comment), e.disk, e.iattr,
                           e.eattr, off)
        out += e.name + e.cextra + e.comment
    out += extra_central
    cd_size = len(out) - cd_off
    n = len(entries) - len(drop_central) + count_delta
    if zip64_count_delta is not None:
        # ZIP64 end record and locator; the classic record marks its
        # values as all ones.
        z64 = len(out)
        n64 = n + zip64_count_delta
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x33F, 45, 0, 0,
                           n64, n64, cd_size, cd_off)
        out += struct.pack("<IIQI", 0x07064B50, 0, z64, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF,
                           0xFFFFFFFF, 0xFFFFFFFF, len(comment))
        out += comment + trailer
        open(path, "wb").write(bytes(out))
        return bytes(out)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n,
                       cd_size + cd_size_delta,
                       cd_off - (0 if shift_offsets else len(prepend)),
                       len(comment))
    out += comment + trailer
    open(path, "wb").write(bytes(out))
    return bytes(out)


def find(entries, suffix):
    for e in entries:
        if e.name.decode("utf-8", "replace").endswith(suffix):
            return e
    sys.exit("zipcraft: no entry ending in " + suffix)


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def set_data(e, data, method=None):
    """New content for an entry, local and central fields kept equal."""
    if method is not None:
        e.method = e.lmethod = method
    e.data = deflate(data) if e.method == 8 else data
    e.crc = e.lcrc = zlib.crc32(data)
    e.csize = e.lcsize = len(e.data)
    e.usize = e.lusize = len(data)


def clone(e, name):
    c = Entry()
    c.__dict__.update(e.__dict__)
    c.name = c.lname = name
    c.descriptor, c.after, c.offset_override = b"", b"", None
    c.central_only = False
    return c


def local_entry(name, data):
    """The bytes of a complete stored local entry (header and data)."""
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 10, 0, 0, 0, 0x21,
                       zlib.crc32(data), len(data), len(data), len(name),
                       0) + name + data


FORGED = b"<!-- forged -->\n"


def second_end_record(entries, args):
    """The archive's own directory, then in its comment a forged entry,
    a second central directory naming the forged bytes as the first
    source, and a second end record: unzip and Python read the last end
    record, libzip read the first."""
    victim = find(entries, args[0])
    raw = write("/dev/null", entries)
    cd_off = u32(raw, len(raw) - 6)
    body = raw[:-22]
    comment = bytearray()
    forged_off = len(body) + 22 + len(comment)
    comment += local_entry(victim.name, FORGED)
    cd2 = bytearray()
    at = 0
    for e in entries:
        off = at
        at += 30 + len(e.lname) + len(e.lextra) + len(e.data)
        crc, size, use = e.crc, e.csize, off
        if e is victim:
            crc, size, use = zlib.crc32(FORGED), len(FORGED), forged_off
        cd2 += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, e.made_by,
                           e.need, e.flags, 0 if e is victim else e.method,
                           e.time, e.date, crc, size,
                           len(FORGED) if e is victim else e.usize,
                           len(e.name), 0, 0, 0, 0, e.eattr, use) + e.name
    cd2_off = forged_off + len(comment)
    comment += cd2
    comment += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries),
                           len(entries), len(cd2), cd2_off, 0)
    return dict(comment=bytes(comment), _raw_cd_off=cd_off)


def hidden_between(entries, args):
    """A complete local entry between two real ones, in no directory:
    streaming readers list it."""
    find(entries, args[0]).after = local_entry(b"data/hidden.sh",
                                               b"#!/bin/sh\necho owned\n")
    return {}


def local_name(entries, args):
    e = find(entries, args[0])
    e.lname = args[1].encode()
    return {}


def local_field(entries, args):
    e = find(entries, args[0])
    field, value = args[1], int(args[2], 0)
    setattr(e, field, getattr(e, field) ^ value if field in
            ("lcrc",) else value)
    return {}


def mode(entries, args):
    e = find(entries, args[0])
    e.eattr = (int(args[1], 8) << 16) | (e.eattr & 0xFFFF)
    return {}


def dos_attr(entries, args):
    e = find(entries, args[0])
    e.eattr |= int(args[1], 0)
    return {}


def zip64_extra(entries, args):
    """A ZIP64 field of arbitrary bytes on an entry whose header marks
    nothing: readers that believe it disagree with those that do not."""
    e = find(entries, args[0])
    field = struct.pack("<HHQ", 1, 8, 0x4141414141414141)
    if args[1] == "central":
        e.cextra += field
    else:
        e.lextra += field
    return {}


def unicode_path(entries, args):
    e = find(entries, args[0])
    alias = b"data/alias.txt"
    body = b"\x01" + struct.pack("<I", zlib.crc32(e.name)) + alias
    e.cextra += struct.pack("<HH", 0x7075, len(body)) + body
    return {}


def edit(entries, args):
    e = find(entries, args[0])
    old = content(e)
    new = old.replace(args[1].encode(), args[2].encode(), 1)
    if new == old:
        sys.exit("zipcraft: pattern not found")
    set_data(e, new)
    return {}


def content(e):
    return zlib.decompress(e.data, -15) if e.method == 8 else e.data


def pad(entries, args):
    """N MiB of blanks before the entry's last end tag: well-formed,
    tiny compressed, huge inflated."""
    e = find(entries, args[0])
    old = content(e)
    at = old.rindex(b"</")
    set_data(e, old[:at] + b" " * (int(args[1]) << 20) + old[at:])
    return {}


def attributes(entries, args):
    """N attributes on the root element."""
    e = find(entries, args[0])
    old = content(e)
    at = old.index(b"<", old.index(b"?>")) + 1
    while old[at:at + 1] not in (b" ", b">", b"/"):
        at += 1
    attrs = b"".join(b' a%d=""' % i for i in range(int(args[1])))
    set_data(e, old[:at] + attrs + old[at:])
    return {}


def truncate_directory(entries, args):
    """The last central record gone, the end record unchanged."""
    raw_len = 46 + len(entries[-1].name) + len(entries[-1].cextra)
    return dict(drop_central=(len(entries) - 1,), count_delta=1,
                cd_size_delta=raw_len)


def count_lie(entries, args):
    return dict(count_delta=int(args[0]))


def overlap(entries, args):
    """A second central record, under another name, for the local header
    of an existing entry."""
    e = find(entries, args[0])
    twin = clone(e, args[1].encode())
    twin.central_only = True
    twin.of = e
    entries.insert(entries.index(e) + 1, twin)
    return {}


def twins(entries, args):
    """A second entry whose name differs only in case from an existing
    one, with valid headers of its own."""
    e = find(entries, args[0])
    twin = clone(e, e.name.decode().upper().encode())
    if twin.name == e.name:
        sys.exit("zipcraft: the name has no upper-case twin")
    entries.insert(entries.index(e) + 1, twin)
    return {}


def stored(name, data, like):
    e = clone(like, name)
    e.flags = e.lflags = 0x800 if any(b > 127 for b in name) else 0
    set_data(e, data, method=0)
    return e


def nfc_pair(entries, args):
    """One name twice: composed (NFC) and decomposed, both valid."""
    like = entries[-1]
    nfc = unicodedata.normalize("NFC", args[0]).encode()
    nfd = unicodedata.normalize("NFD", args[0]).encode()
    if nfc == nfd:
        sys.exit("zipcraft: the name has no decomposed form")
    entries.append(stored(nfc, b"composed\n", like))
    entries.append(stored(nfd, b"decomposed\n", like))
    return {}


def descriptor(entries, args):
    """Flag bit 3 with a data descriptor whose CRC disagrees."""
    e = find(entries, args[0])
    e.flags |= 8
    e.lflags |= 8
    e.lcrc = e.lcsize = e.lusize = 0
    e.descriptor = struct.pack("<IIII", 0x08074B50, e.crc ^ 1, e.csize,
                               e.usize)
    return {}


def deflate_tail(entries, args):
    """Bytes after the end of the deflate stream, inside the entry."""
    e = find(entries, args[0])
    e.data += b"hidden"
    e.csize = e.lcsize = len(e.data)
    return {}


def no_utf8_flag(entries, args):
    e = stored(args[0].encode(), b"x\n", entries[-1])
    e.flags = e.lflags = 0
    entries.append(e)
    return {}


def flag(entries, args):
    e = find(entries, args[0])
    e.flags |= int(args[1], 0)
    e.lflags |= int(args[1], 0)
    return {}


OPS = {
    "identity": lambda entries, args: {},
    "second-end-record": second_end_record,
    "hidden-between": hidden_between,
    "local-name": local_name,
    "local-field": local_field,
    "mode": mode,
    "dos-attr": dos_attr,
    "zip64-extra": zip64_extra,
    "unicode-path": unicode_path,
    "edit": edit,
    "prepend": lambda entries, args: dict(prepend=b"MZ" + b"\0" * 62),
    "trailer": lambda entries, args: dict(trailer=b"appended"),
    "comment": lambda entries, args: dict(comment=b"folio? no"),
    "truncate-directory": truncate_directory,
    "count-lie": count_lie,
    "overlap": overlap,
    "case-twin": twins,
    "nfc-pair": nfc_pair,
    "descriptor": descriptor,
    "deflate-tail": deflate_tail,
    "no-utf8-flag": no_utf8_flag,
    "flag": flag,
    "pad": pad,
    "attributes": attributes,
    "zip64-end": lambda entries, args: dict(
        zip64_count_delta=int(args[0])),
}


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(sorted(OPS)))
        return
    src, dst, op, args = sys.argv[1], sys.argv[2], sys.argv[3], \
        sys.argv[4:]
    entries = read(src)
    kw = OPS[op](entries, args)
    kw.pop("_raw_cd_off", None)
    at = len(kw.get("prepend", b""))
    for e in entries:
        e.at = at
        if not e.central_only:
            at += 30 + len(e.lname) + len(e.lextra) + len(e.data) + \
                len(e.descriptor) + len(e.after)
    for e in entries:
        if e.central_only:
            e.offset_override = e.of.at
    write(dst, entries, **kw)


if __name__ == "__main__":
    main()
