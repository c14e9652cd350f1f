#!/bin/sh
# Print quality judged from the PDF alone (tests/e2e/print_judge.py):
# line gaps, flush edges, numbers with their counters, titles broken at
# words, page-number dashes 7 mm below the block; on the seed page, every
# example and the print stress document. Then the faces the standard
# asks for, and MuPDF and poppler rendering without a warning.
. "$(dirname "$0")/lib.sh"

WORDS="高质量,普通,办公室,实施,年度,经济技术开发区,开发区,人民政府,档案,\
安全,检查,通知,意见,方案,管理办法,政策解读,电子文件,大数据,数字档案室,档案室"

judge() {
	"$FOLIO" pdf "$2" -o "$T/$1.pdf" || return 1
	python3 "$TOP/tests/e2e/print_judge.py" "$T/$1.pdf" --title-words "$WORDS"
}

if ! have_seed; then
	skip "judge seed" "no $CORPUS beside the tree"
elif "$FOLIO" import "$CORPUS/seed-policy-interpretation.txt" \
	--meta issuer=营口市商务局 -o "$T/seed.xml" >/dev/null 2>&1; then
	check "judge seed" judge seed "$T/seed.xml"
else
	not_ok "seed: import" "see import.sh"
fi
for src in "$TOP"/examples/*.xml "$TOP"/tests/cases/stress/print-stress.xml \
    "$TOP"/tests/cases/print/*.xml; do
	case "$(basename "$src")" in batch.xml) continue ;; esac
	check "judge $(basename "$src" .xml)" judge "$(basename "$src" .xml)" \
		"$src"
done

# The faces, from the glyphs' fonts as MuPDF reads them: body text in a
# FangSong, the title (22 pt) in no sans face. On the seed page, or on
# the notice example when the corpus is not beside the tree.
faces() {
	mutool draw -q -F stext -o "$T/$1.stext" "$T/$1.pdf" 1 2>/dev/null
	python3 - "$T/$1.stext" <<'PY'
import sys, xml.etree.ElementTree as ET
sizes = {}
for f in ET.parse(sys.argv[1]).getroot().iter("font"):
    n = sum(1 for _ in f.iter("char"))
    key = (f.get("name"), round(float(f.get("size"))))
    sizes[key] = sizes.get(key, 0) + n
body = max((k for k in sizes if k[1] == 16), key=lambda k: sizes[k])
title = [k[0] for k in sizes if k[1] == 22]
print("body", body[0], "title", title)
ok = "Fang" in body[0] and title and not any(
    w in t for t in title for w in ("Hei", "Sans", "hei", "sans"))
sys.exit(0 if ok else 1)
PY
}
if have_seed; then face_doc=seed; else face_doc=notice; fi
check "$face_doc: body in a FangSong, title not in a sans" faces "$face_doc"

render_clean() {
	for f in "$T"/*.pdf; do
		pdftoppm -r 40 -png "$f" "$T/r" 2>&1
		mutool draw -q -r 40 -o "$T/m%d.png" "$f" 2>&1 |
			grep -v 'ICC support is not available'
	done >"$T/render.out"
	cat "$T/render.out"
	[ ! -s "$T/render.out" ]
}
check "poppler and MuPDF render every PDF without a warning" render_clean
