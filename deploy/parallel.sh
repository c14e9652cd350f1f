#!/bin/sh
# deploy/parallel.sh - one folio batch as SHARDS processes run by GNU
# parallel, on this machine or over ssh on several, then the merge.
#
#   deploy/parallel.sh BATCH.xml OUT SHARDS [PARALLEL OPTIONS...]
#
#   deploy/parallel.sh batch.xml out 4
#   deploy/parallel.sh /srv/batch/batch.xml /srv/out 16 \
#       --sshlogin 4/node1,4/node2,4/node3,4/node4
#
# Each job is `folio build BATCH.xml -o OUT --shard auto/SHARDS`: parallel
# numbers its jobs 1..SHARDS in PARALLEL_SEQ (on --sshlogin hosts too) and
# folio takes that as the shard. The options after SHARDS go to parallel
# as they are (-j, --sshlogin, --retries, --joblog ...); by default all
# shards run at once on this machine.
#
# Over ssh, every host must see BATCH.xml, its sources and OUT at the same
# paths (a shared file system whose locks work across hosts: NFSv4,
# CephFS, Lustre mounted with -o flock), and have folio with the same
# fonts installed (FOLIO names the binary on every host). SOURCE_DATE_EPOCH
# and FOLIO_DATADIR, when set here, are passed to the jobs (--env): every
# shard and the merge must agree on SOURCE_DATE_EPOCH for the archive to
# be byte-identical to a one-machine build.
#
# FOLIO_WORKERS sets each shard's threads (-j, default 1: the shards are
# the parallelism); FOLIO_MERGE_ARGS adds options to the merge
# (--allow-partial, --key K --cert C). The merge runs here once every job
# has ended, and
# refuses, naming them, shards that did not finish; run those again
# (folio build BATCH.xml -o OUT --shard K/SHARDS) and merge again
# (folio build BATCH.xml -o OUT --merge).
#
# Exit status: the merge's (0 archive written, 1 documents failed, 2 a
# shard missing or other trouble); 2 as well when parallel itself fails.
set -eu

if [ $# -lt 3 ]; then
	echo "usage: $0 BATCH.xml OUT SHARDS [PARALLEL OPTIONS...]" >&2
	exit 2
fi
batch=$1
out=$2
shards=$3
shift 3
case $shards in
''|*[!0-9]*|0) echo "$0: SHARDS: expected a number from 1, found '$shards'" >&2
	exit 2 ;;
esac
folio=${FOLIO:-folio}
workers=${FOLIO_WORKERS:-1}

# Variables the jobs need, handed to remote hosts (a new ssh session
# starts with an empty environment).
set -- --jobs "$shards" "$@"
for v in SOURCE_DATE_EPOCH FOLIO_DATADIR; do
	if eval "[ -n \"\${$v+set}\" ]"; then
		set -- --env "$v" "$@"
	fi
done

# -N0: one job per number of `seq`, which is not passed to the command;
# -q: folio's arguments reach it as they are, whatever the paths hold.
status=0
parallel --will-cite --halt never -N0 -q "$@" \
	"$folio" build "$batch" -o "$out" -j "$workers" --quiet \
	--shard "auto/$shards" ::: $(seq "$shards") || status=$?
if [ "$status" -gt 100 ]; then
	echo "$0: parallel failed (exit $status)" >&2
	exit 2
fi
if [ "$status" -gt 0 ]; then
	echo "$0: $status of $shards shards exited non-zero; merging what" \
		"finished" >&2
fi
# shellcheck disable=SC2086 # FOLIO_MERGE_ARGS is a list of options
exec "$folio" build "$batch" -o "$out" --merge ${FOLIO_MERGE_ARGS:-}
