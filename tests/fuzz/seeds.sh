# Sourced by tests/fuzz/run.sh and tests/run.sh. fuzz_seeds TARGET
# prints the inputs of the tree that seed a fuzz target, besides its
# corpus in tests/fuzz/corpus/TARGET (what fuzzing found, trimmed): the
# hand-made seeds in tests/fuzz/seeds/TARGET (a genuine one-record
# archive, a signature), the examples, the bad-input and stress cases,
# the styles; for docx, the hand-made document.xml files in
# tests/fuzz/seeds/docx. Files and folders, relative to the top.
fuzz_seeds() {
	[ -d "tests/fuzz/seeds/$1" ] && echo "tests/fuzz/seeds/$1"
	case $1 in
	source)
		ls examples/*.xml | grep -v batch.xml
		echo tests/cases/bad tests/cases/pdf tests/cases/stress ;;
	style) ls styles/*.xml ;;
	manifest) echo examples/batch.xml ;;
	*) ;;
	esac
}
