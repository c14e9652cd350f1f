# Sourced by tests/fuzz/run.sh and tests/run.sh. fuzz_seeds TARGET
# prints the inputs of the tree that seed a fuzz target, besides its own
# corpus in tests/fuzz/corpus/TARGET (files and folders, relative to the
# top): the examples, the bad-input and stress cases, the styles.
fuzz_seeds() {
	case $1 in
	source)
		ls examples/*.xml | grep -v batch.xml
		echo tests/cases/bad tests/cases/pdf tests/cases/stress ;;
	style) ls styles/*.xml ;;
	manifest) echo examples/batch.xml ;;
	*) ;;
	esac
}
