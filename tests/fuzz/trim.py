#!/usr/bin/env python3
"""Choose what a fuzz corpus keeps, from a libFuzzer merge control file.

usage: trim.py CONTROL BUDGET_BYTES

libFuzzer's -merge=1 -use_counters=0 -merge_control_file=CONTROL runs
the files already in the output folder (the seeds) first, then every
candidate, smallest first, and writes for each the coverage edges it was
the first to reach ("COV i e1 e2 ..."). This prints the candidates to
keep, one path per line: those that reached a new edge, in that order,
while their total size stays within BUDGET_BYTES. The corpus stays a few
hundred KB; what it drops reached edges the kept files and seeds reach
too, or few enough to leave to the next fuzzing run.
"""
import sys


def main():
    control, budget = sys.argv[1], int(sys.argv[2])
    lines = open(control, encoding="utf-8", errors="replace").read() \
        .splitlines()
    n, first = int(lines[0]), int(lines[1])
    paths = lines[2:2 + n]
    size, new = {}, {}
    for line in lines[2 + n:]:
        parts = line.split()
        if parts[0] == "STARTED":
            size[int(parts[1])] = int(parts[2])
        elif parts[0] == "COV":
            new[int(parts[1])] = len(parts) - 2
    used = 0
    for i in sorted(size, key=lambda k: (size[k], k)):
        if i < first or new.get(i, 0) == 0:
            continue
        if used + size[i] > budget:
            continue
        used += size[i]
        print(paths[i])


if __name__ == "__main__":
    main()
