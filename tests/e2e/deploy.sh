#!/bin/sh
# deploy/slurm.sbatch and deploy/k8s-indexed-job.yaml: checked for what
# they pass to folio (an array range and --shard auto; an Indexed Job
# whose completions equal the N of --shard auto/N; the same
# SOURCE_DATE_EPOCH and output volume for the shards and the merge), then
# driven as the schedulers would: each shard gets the environment its
# scheduler documents (SLURM_ARRAY_TASK_ID/_MIN/_MAX/_STEP/_COUNT;
# JOB_COMPLETION_INDEX) and goes through `--shard auto`, the merge runs
# after, and every output and the archive equal a one-machine build.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
GEN="$TOP/tests/gen/gen_batch.py"
ID=J099-2025-T001
if [ "${FOLIO_VARIANT:-release}" = sanitize ]; then N=8; else N=20; fi
export FOLIO

python3 "$GEN" "$T/b" "$N" --seed 41 >/dev/null ||
	{ not_ok generator failed; exit 1; }
"$FOLIO" keygen -o "$T/b/keys" >/dev/null 2>&1
B="$T/b/batch.xml"
check "one-machine reference build" "$FOLIO" build "$B" -o "$T/ref" -q

# same REF DIR: DIR's PDFs, EPUBs and archive equal REF's.
same() {
	[ -f "$2/$ID/$ID.zip" ] || { echo "no archive in $2"; return 1; }
	(cd "$1/$ID" && for f in pdf/* epub/* "$ID.zip"; do
		cmp -s "$f" "$2/$ID/$f" || { echo "differs: $f"; exit 1; }
	done)
}

# --- Slurm ----------------------------------------------------------------
S="$TOP/deploy/slurm.sbatch"
slurm_file() {
	grep -q -- '--array="0-$((shards - 1))"' "$S" &&
	grep -q -- '--dependency="afterok:$array"' "$S" &&
	grep -q 'export SOURCE_DATE_EPOCH' "$S" &&
	# The shard is whatever Slurm says: no K/N on the command line.
	grep -q -- '--quiet --shard auto$' "$S" &&
	grep -q -- '-o "$out" --merge$' "$S"
}
check "slurm.sbatch: array 0..N-1, --shard auto, afterok merge, one epoch" \
	slurm_file

# A stand-in for sbatch: runs the job now, here, giving array tasks the
# variables Slurm documents for them (sbatch(1), OUTPUT ENVIRONMENT
# VARIABLES), all tasks at once; a job depending on afterok:ID runs only
# when every task of ID ended with status 0.
mkdir -p "$T/bin" "$T/slurm"
cat >"$T/bin/sbatch" <<'EOF'
#!/bin/sh
state=$FAKE_SLURM
array= dep=
while [ $# -gt 0 ]; do
	case $1 in
	--array=*) array=${1#--array=} ;;
	--dependency=*) dep=${1#--dependency=} ;;
	--*) ;;
	*) break ;;
	esac
	shift
done
script=$1; shift
jid=$(($(cat "$state/next" 2>/dev/null || echo 500) + 1))
echo "$jid" >"$state/next"
if [ -n "$dep" ]; then
	want=${dep#afterok:}
	[ "$dep" != "$want" ] && [ "$(cat "$state/$want.status")" = 0 ] ||
		{ echo "$jid;cluster"; exit 0; }
fi
if [ -n "$array" ]; then
	range=${array%%%*} step=1
	case $range in *:*) step=${range#*:} range=${range%:*} ;; esac
	min=${range%-*} max=${range#*-}
	count=$(((max - min) / step + 1))
	pids= i=$min
	while [ "$i" -le "$max" ]; do
		env SLURM_JOB_ID=$((jid + 1 + i)) SLURM_ARRAY_JOB_ID=$jid \
			SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=$min \
			SLURM_ARRAY_TASK_MAX=$max SLURM_ARRAY_TASK_STEP=$step \
			SLURM_ARRAY_TASK_COUNT=$count SLURM_CPUS_PER_TASK=1 \
			sh "$script" "$@" >"$state/$jid-$i.out" 2>&1 &
		pids="$pids $!"
		i=$((i + step))
	done
	status=0
	for p in $pids; do wait "$p" || status=1; done
else
	env SLURM_JOB_ID=$jid sh "$script" "$@" >"$state/$jid.out" 2>&1
	status=$?
fi
echo "$status" >"$state/$jid.status"
echo "$jid;cluster"
EOF
chmod +x "$T/bin/sbatch"
PATH="$T/bin:$PATH" FAKE_SLURM="$T/slurm" sh "$S" submit "$B" "$T/sl" 4 \
	>"$T/sl.out" 2>&1
rc=$?
shards=$(ls "$T/sl/$ID/shards" 2>/dev/null | grep -c -- '-of-4\.json$')
if [ "$rc" -eq 0 ] && [ "$shards" -eq 4 ] && grep -q "array 0-3" "$T/sl.out" &&
   [ "$(cat "$T/slurm/501.status")" = 0 ] &&
   [ "$(cat "$T/slurm/502.status")" = 0 ]; then
	ok "Slurm: 4 array tasks built their shards, the afterok job merged"
else not_ok "Slurm recipe" "exit $rc, $shards reports: $(cat "$T/sl.out" \
	"$T"/slurm/*.out 2>/dev/null | tail -5)"; fi
check "Slurm: outputs and archive equal the one-machine build" same \
	"$T/ref" "$T/sl"
# A task of an array that is not one range (--array=0,2,5) gets no shard.
list_refused() {
	env SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 \
		SLURM_ARRAY_TASK_MAX=5 SLURM_ARRAY_TASK_STEP=1 \
		SLURM_ARRAY_TASK_COUNT=3 "$FOLIO" build "$B" -o "$T/x" \
		--shard auto 2>&1 | grep -q "not one evenly stepped range"
}
check "Slurm: an array that is not one range is refused" list_refused

# --- Kubernetes -----------------------------------------------------------
# k8s.py YAML BATCHDIR OUT: check the two Jobs, then run them as the Job
# controller would (the Indexed Job's pods at once, each with its
# JOB_COMPLETION_INDEX; the merge Job's pod after), with the volumes'
# mount paths on BATCHDIR and OUT. Prints the Jobs' SOURCE_DATE_EPOCH.
cat >"$T/k8s.py" <<'EOF'
import os, re, subprocess, sys, yaml
path, batch_dir, out_dir = sys.argv[1:4]
folio = os.environ["FOLIO"]
jobs = [d for d in yaml.safe_load_all(open(path)) if d]
def fail(msg):
    sys.exit("k8s: " + msg)
if [j["kind"] for j in jobs] != ["Job", "Job"]:
    fail("expected two Jobs")
shards, merge = jobs
spec = shards["spec"]
if spec.get("completionMode") != "Indexed":
    fail("the shards Job is not an Indexed Job")
n = spec["completions"]
def container(job):
    cs = job["spec"]["template"]["spec"]["containers"]
    if len(cs) != 1:
        fail("expected one container")
    return cs[0]
def env(c):
    return {e["name"]: e["value"] for e in c.get("env", [])}
def mounts(job):
    vols = {v["name"]: v["persistentVolumeClaim"]["claimName"]
            for v in job["spec"]["template"]["spec"]["volumes"]}
    return {m["mountPath"]: vols[m["name"]]
            for m in container(job)["volumeMounts"]}
sc, mc = container(shards), container(merge)
args = sc["command"] + sc["args"]
if "--shard" not in args or args[args.index("--shard") + 1] != "auto/%d" % n:
    fail("--shard auto/N must carry N = completions (%d): %r" % (n, args))
if "SOURCE_DATE_EPOCH" not in env(sc) or env(sc) != env(mc):
    fail("both Jobs must pass the same SOURCE_DATE_EPOCH: %r %r"
         % (env(sc), env(mc)))
if mounts(shards) != mounts(merge):
    fail("the Jobs must mount the same volumes: %r %r"
         % (mounts(shards), mounts(merge)))
script = " ".join(mc["command"] + mc["args"])
if "--merge" not in script or "-of-%d.json" % n not in script:
    fail("the second Job must wait for the %d reports and merge" % n)
# What a kubelet would mount: /batch -> batch_dir, /out -> out_dir.
places = {"/batch": batch_dir, "/out": out_dir}
if set(mounts(shards)) != set(places):
    fail("expected mounts /batch and /out: %r" % mounts(shards))
def here(text):
    for m, p in places.items():
        text = re.sub(r"(?<![\w/.])%s(?=/|\s|$)" % re.escape(m), p, text)
    return text
def pod_env(c, extra):
    e = dict(os.environ)
    for k in ("PARALLEL_SEQ", "SLURM_ARRAY_TASK_ID"):
        e.pop(k, None)
    e.update(env(c))
    e.update(extra)
    return e
shard_cmd = [folio if w == "folio" else here(w)
             for w in sc["command"] + sc["args"]]
merge_cmd = mc["command"] + [here(a).replace("exec folio ",
                                              "exec %s " % folio)
                             for a in mc["args"]]
# Nothing may reach the real /out or /batch of this machine.
for w in shard_cmd + merge_cmd:
    if re.search(r"(^|\s)/(out|batch)(/|\s|$)", w):
        fail("unmapped path in %r" % w)
pods = [subprocess.Popen(shard_cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=pod_env(sc,
                         {"JOB_COMPLETION_INDEX": str(i)}))
        for i in range(n)]
for i, p in enumerate(pods):
    err = p.communicate()[1]
    if p.returncode != 0:
        fail("pod %d exited %d: %s" % (i, p.returncode, err.decode()))
m = subprocess.run(merge_cmd, env=pod_env(mc, {}), timeout=120,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if m.returncode != 0:
    fail("merge exited %d: %s" % (m.returncode, m.stderr.decode()))
print(env(sc)["SOURCE_DATE_EPOCH"])
EOF
epoch=$(python3 "$T/k8s.py" "$TOP/deploy/k8s-indexed-job.yaml" "$T/b" \
	"$T/k8s" 2>"$T/k8s.err")
rc=$?
if [ "$rc" -eq 0 ] && [ -n "$epoch" ]; then
	ok "Kubernetes: Indexed Job pods (JOB_COMPLETION_INDEX 0..N-1, --shard auto/N) built, the merge Job merged"
else not_ok "Kubernetes recipe" "exit $rc: $(tail -5 "$T/k8s.err")"; fi
SOURCE_DATE_EPOCH=$epoch "$FOLIO" build "$B" -o "$T/ref2" -q >/dev/null 2>&1
check "Kubernetes: outputs and archive equal the one-machine build" same \
	"$T/ref2" "$T/k8s"
