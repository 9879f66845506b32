#!/usr/bin/env python3
"""run_mutants.py - the planted-bug suite (make mutants).

Each row of tests/mutants/mutants.tsv is a small, plausible modelling bug:
an exact piece of source text and what to put in its place. For each one,
in a scratch copy of the tree (build/mutants/, never the working tree),
the bug is planted, the tree rebuilt incrementally and `make check` run
with LAGSIM_FAIL_FAST set (stop at the first failing test). A mutant is
caught when make check fails, and survives when it passes.

Before anything runs, every row is checked against the working tree: its
original text must occur exactly once in its file, or the suite stops
with the rows that drifted (fix the table, not the search).

Table format: tab-separated id, file, original, replacement, description;
'#' starts a comment line; in the two text fields the 4 characters <NL>
stand for a newline.

Environment: MUTANT_JOBS (default 2) mutants at once, each in its own
copy; MUTANTS=ID,ID,... runs those only; MUTANT_TIMEOUT (default 300)
seconds per test program; MUTANT_NO_BASE_CHECK=1 skips make check on the
unmodified copy (when it has just passed on this tree).
Exit status: 0 all caught, 1 a mutant survived or failed to build, 2 the
table does not match the tree.
"""
import os
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TABLE = os.path.join(ROOT, "tests", "mutants", "mutants.tsv")
WORK = os.path.join(ROOT, "build", "mutants")


def read_table(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 5:
                sys.exit(f"{path}:{lineno}: expected 5 tab-separated fields, found {len(fields)}")
            mid, file, orig, repl, desc = fields
            rows.append({"id": mid, "file": file, "orig": orig.replace("<NL>", "\n"),
                         "repl": repl.replace("<NL>", "\n"), "desc": desc, "line": lineno})
    ids = [r["id"] for r in rows]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        sys.exit(f"{path}: duplicate ids: {', '.join(dup)}")
    return rows


def verify(rows, tree):
    """Every original text occurs exactly once in its file."""
    bad = []
    for r in rows:
        p = os.path.join(tree, r["file"])
        try:
            with open(p, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            bad.append(f"{TABLE}:{r['line']}: {r['id']}: {r['file']}: {e.strerror}")
            continue
        n = text.count(r["orig"])
        if n != 1:
            bad.append(f"{TABLE}:{r['line']}: {r['id']}: the original text occurs {n} times "
                       f"in {r['file']} (must be exactly once): {r['orig']!r}")
        elif r["orig"] == r["repl"]:
            bad.append(f"{TABLE}:{r['line']}: {r['id']}: the replacement is the original")
    return bad


def copy_tree(dst):
    """The working tree's files (tracked and untracked, not ignored) into dst."""
    files = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"],
                           cwd=ROOT, check=True, capture_output=True).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        rel = f.decode()
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src):
            continue  # deleted in the working tree
        out = os.path.join(dst, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copy2(src, out)


def sh(cmd, cwd, env=None, timeout=None):
    e = dict(os.environ)
    e.pop("CI", None)  # a skip is not a catch: CI's skip rule stays out of it
    e.pop("MAKEFLAGS", None)
    e.pop("MFLAGS", None)
    if env:
        e.update(env)
    try:
        p = subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired as x:
        out = (x.stdout or b"") + (x.stderr or b"")
        return 124, out.decode(errors="replace") if isinstance(out, bytes) else out


# The order make check runs its tests in for a planted bug: the unit tests
# of single mechanisms that take seconds, then the golden outputs, then the
# rest. Only the order changes (a bug is caught when any test fails).
FIRST = ("test_des test_backoff test_rate_limiter test_stats test_histogram test_sdk_presets "
         "test_pipeline_edges test_retry_dynamics golden_test")


def check_env(timeout):
    """make check's environment: stop at the first failing test, and run
    the golden outputs first (they catch most model bugs soonest)."""
    return {"LAGSIM_FAIL_FAST": "1", "LAGSIM_TEST_TIMEOUT": str(timeout),
            "LAGSIM_FIRST": FIRST}


def run_one(slot, r, timeout):
    path = os.path.join(slot, r["file"])
    with open(path, encoding="utf-8") as f:
        original = f.read()
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original.replace(r["orig"], r["repl"], 1))
        t0 = time.time()
        rc, out = sh(["make", "--no-print-directory", "tests-build"], slot)
        if rc != 0:
            return "BUILD-ERROR", "", time.time() - t0, out
        rc, out = sh(["make", "--no-print-directory", "check"], slot,
                     check_env(timeout))
        by = ""
        for line in out.splitlines():
            if line.startswith("failing:"):
                by = line.split(":", 1)[1].strip()
        return ("caught" if rc != 0 else "SURVIVED"), by, time.time() - t0, out
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)


def main():
    rows = read_table(TABLE)
    want = [m for m in os.environ.get("MUTANTS", "").replace(",", " ").split() if m]
    if want:
        unknown = [m for m in want if m not in {r["id"] for r in rows}]
        if unknown:
            sys.exit(f"mutants: unknown ids: {', '.join(unknown)}")
        rows = [r for r in rows if r["id"] in want]
    bad = verify(rows, ROOT)
    if bad:
        print("\n".join(bad), file=sys.stderr)
        print(f"mutants: {len(bad)} row(s) of {TABLE} do not match the source; fix the table",
              file=sys.stderr)
        return 2
    jobs = max(1, int(os.environ.get("MUTANT_JOBS", "2")))
    timeout = int(os.environ.get("MUTANT_TIMEOUT", "300"))

    # One scratch copy, built once; then one copy of it (with its build
    # directory, so rebuilds are incremental) per job.
    shutil.rmtree(WORK, ignore_errors=True)
    base = os.path.join(WORK, "base")
    copy_tree(base)
    print(f"mutants: {len(rows)} planted bugs, {jobs} at a time, scratch copies in {WORK}",
          flush=True)
    rc, out = sh(["make", "--no-print-directory", f"-j{jobs}", "tests-build"], base)
    if rc != 0:
        print(out, file=sys.stderr)
        print("mutants: the unmodified scratch copy does not build", file=sys.stderr)
        return 1
    t0 = time.time()
    if os.environ.get("MUTANT_NO_BASE_CHECK"):
        rc, out = 0, ""  # the caller has just run make check on this tree
    else:
        rc, out = sh(["make", "--no-print-directory", "check"], base, check_env(timeout))
    if rc != 0:
        print("\n".join(out.splitlines()[-30:]), file=sys.stderr)
        print("mutants: make check fails without any planted bug; fix that first",
              file=sys.stderr)
        return 1
    if not os.environ.get("MUTANT_NO_BASE_CHECK"):
        print(f"mutants: make check passes on the unmodified copy ({time.time() - t0:.0f} s)",
              flush=True)
    slots = []
    for j in range(jobs):
        s = os.path.join(WORK, f"slot{j + 1}")
        shutil.copytree(base, s, symlinks=True)
        slots.append(s)

    results = {}
    lock = threading.Lock()
    queue = list(rows)
    logdir = os.path.join(WORK, "logs")
    os.makedirs(logdir, exist_ok=True)

    def worker(slot):
        while True:
            with lock:
                if not queue:
                    return
                r = queue.pop(0)
            status, by, secs, out = run_one(slot, r, timeout)
            with open(os.path.join(logdir, r["id"] + ".log"), "w", encoding="utf-8") as f:
                f.write(out)
            with lock:
                results[r["id"]] = (status, by, secs)
                shown = f" by {by}" if by else ""
                print(f"{status:<11} {r['id']:<5} {secs:6.1f} s  {r['file']}: {r['desc']}{shown}",
                      flush=True)

    threads = [threading.Thread(target=worker, args=(s,)) for s in slots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    caught = [r for r in rows if results[r["id"]][0] == "caught"]
    survived = [r for r in rows if results[r["id"]][0] == "SURVIVED"]
    broken = [r for r in rows if results[r["id"]][0] == "BUILD-ERROR"]
    print()
    for r in survived:
        print(f"survived: {r['id']} {r['file']}: {r['desc']}")
    for r in broken:
        print(f"does not build: {r['id']} {r['file']} (log {logdir}/{r['id']}.log)")
    n = len(rows) - len(broken)
    score = 100.0 * len(caught) / n if n else 0.0
    print(f"mutants: {len(caught)} caught, {len(survived)} survived, {len(broken)} did not build;"
          f" score {len(caught)}/{n} = {score:.1f}% (logs in {logdir})")
    return 0 if not survived and not broken else 1


if __name__ == "__main__":
    sys.exit(main())
