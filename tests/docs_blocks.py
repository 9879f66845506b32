#!/usr/bin/env python3
"""docs_blocks.py - the shown commands of the documentation, for tests/docs_test.sh.

  docs_blocks.py extract OUTDIR FILE.md...   one directory per `console` block:
      where (FILE:LINE), flags (slow, skip REASON, status=N), and per command K
      cmd.K (its text) and want.K (the output shown); prints the block count.
      A `$ ` line outside a `console` block, or a bad marker, is an error (exit 1).
  docs_blocks.py compare BLOCKDIR            compares got.K (what the command
      printed) and rc.K with want.K and the expected status; prints what differs
      and exits 1 if anything does.
  docs_blocks.py refresh BLOCKDIR...         writes what the commands printed
      now (got.K) into the documents in place of what they show, keeping each
      `...` where it stands: the shown lines between two `...` are replaced by
      the lines now printed where they fit best (make docs-update). Read the
      diff before committing it.

The convention is documented in docs/README.md ("Shown commands and their
output"): `...` on a line of its own stands for any number of lines, and the
wall-clock figures of lagsim's speed line, and the run time of its estimate
line, are not compared.
"""
import os
import re
import subprocess
import sys

MARKER = re.compile(r'^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$')
SPEED = re.compile(r'^(lagsim: \d+ simulated events in )[0-9.]+ s \(\d+ events/s, '
                   r'[0-9.]+ simulated s per wall s\)$')
# The estimate line's run time depends on the machine's cores: not compared.
ESTIMATE = re.compile(r'^(lagsim: estimate: .*, run time about )[0-9.]+ (s|min|h)$')


def complete(cmd):
    """True when sh can parse cmd as it stands (no open quote, \\ or |)."""
    if cmd.rstrip().endswith(('\\', '|', '&&', '||')):
        return False
    r = subprocess.run(['sh', '-n', '-c', cmd], capture_output=True)
    return r.returncode == 0


def parse_flags(text, where):
    flags = {'slow': False, 'skip': None, 'status': 0}
    m = re.match(r'skip\s+(.+)$', text)
    if m:
        flags['skip'] = m.group(1)
        return flags
    if text == 'skip':
        raise ValueError('%s: docs-test: skip needs a reason' % where)
    for word in text.split():
        if word == 'slow':
            flags['slow'] = True
        elif re.fullmatch(r'status=\d+', word):
            flags['status'] = int(word.split('=')[1])
        else:
            raise ValueError('%s: unknown docs-test marker %r' % (where, word))
    return flags


def blocks(path):
    """Yields (line, flags, [(cmd, [output lines])]) for each console block."""
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = re.match(r'^(\s*)```(\S*)\s*$', line)
        if not fence:
            if MARKER.match(line) and not (i + 1 < len(lines) and
                                           lines[i + 1].lstrip().startswith('```console')):
                raise ValueError('%s:%d: docs-test marker not followed by a console block'
                                 % (path, i + 1))
            i += 1
            continue
        indent, tag = fence.group(1), fence.group(2)
        start = i
        i += 1
        body = []
        while i < len(lines) and lines[i].strip() != '```':
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        where = '%s:%d' % (path, start + 1)
        if tag != 'console':
            for k, b in enumerate(body):
                if b.startswith('$ '):
                    raise ValueError('%s:%d: a shown command outside a console block'
                                     % (path, start + 2 + k))
            continue
        m = MARKER.match(lines[start - 1]) if start > 0 else None
        flags = parse_flags(m.group(1), where) if m else parse_flags('', where)
        cmds = []
        k = 0
        while k < len(body):
            if not body[k].startswith('$ '):
                raise ValueError('%s: console block does not start with a $ line' % where)
            cmd = body[k][2:]
            k += 1
            while not complete(cmd) and k < len(body):
                cmd += '\n' + body[k]
                k += 1
            out = []
            while k < len(body) and not body[k].startswith('$ '):
                out.append(body[k])
                k += 1
            cmds.append((cmd, out))
        if not cmds:
            raise ValueError('%s: empty console block' % where)
        yield start + 1, flags, cmds


def extract(outdir, files):
    n = 0
    for path in files:
        for line, flags, cmds in blocks(path):
            n += 1
            d = os.path.join(outdir, '%03d' % n)
            os.makedirs(d)
            with open(os.path.join(d, 'where'), 'w') as f:
                f.write('%s:%d\n' % (path, line))
            with open(os.path.join(d, 'flags'), 'w') as f:
                f.write('slow=%d\nstatus=%d\nskip=%s\n' % (flags['slow'], flags['status'],
                                                          flags['skip'] or ''))
            for k, (cmd, out) in enumerate(cmds, 1):
                with open(os.path.join(d, 'cmd.%d' % k), 'w') as f:
                    f.write(cmd + '\n')
                with open(os.path.join(d, 'want.%d' % k), 'w') as f:
                    f.write(''.join(o + '\n' for o in out))
    print(n)


def normalise(lines):
    return [ESTIMATE.sub(r'\1T', SPEED.sub(r'\1W s (X events/s, Y simulated s per wall s)', l))
            for l in lines]


def match(want, got):
    """want may hold '...' lines, each standing for any number of lines."""
    # Dynamic programming over (i, j): want[:i] matches got[:j].
    memo = {}

    def m(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(want):
            r = j == len(got)
        elif want[i] == '...':
            r = m(i + 1, j) or (j < len(got) and m(i, j + 1))
        else:
            r = j < len(got) and want[i] == got[j] and m(i + 1, j + 1)
        memo[(i, j)] = r
        return r

    sys.setrecursionlimit(100000)
    return m(0, 0)


def first_difference(want, got):
    """The first shown line that is not where it should be, for the log."""
    j = 0
    for i, w in enumerate(want):
        if w == '...':
            if i + 1 < len(want):
                nxt = want[i + 1]
                while j < len(got) and got[j] != nxt:
                    j += 1
            continue
        if j >= len(got):
            return 'shown line %d %r: the output ended' % (i + 1, w)
        if got[j] != w:
            return 'shown line %d:\n#   shown: %r\n#   now:   %r' % (i + 1, w, got[j])
        j += 1
    return 'the output goes on: %r' % (got[j] if j < len(got) else '')


def compare(d):
    last_status = int(re.search(r'status=(\d+)', open(os.path.join(d, 'flags')).read()).group(1))
    n = 1
    while os.path.exists(os.path.join(d, 'cmd.%d' % (n + 1))):
        n += 1
    bad = 0
    k = 1
    while k <= n:
        status = last_status if k == n else 0
        cmd = open(os.path.join(d, 'cmd.%d' % k)).read().strip()
        want = normalise(open(os.path.join(d, 'want.%d' % k), encoding='utf-8').read()
                         .split('\n')[:-1])
        gotp = os.path.join(d, 'got.%d' % k)
        got = normalise(open(gotp, encoding='utf-8', errors='replace').read().split('\n'))
        if got and got[-1] == '':
            got.pop()
        rcp = os.path.join(d, 'rc.%d' % k)
        rc = int(open(rcp).read().strip()) if os.path.exists(rcp) else -1
        if rc != status:
            print('# $ %s\n#   exit status %d, expected %d' % (cmd, rc, status))
            bad = 1
        if not match(want, got):
            print('# $ %s\n#   %s' % (cmd, first_difference(want, got)))
            bad = 1
        k += 1
    return bad


def refreshed(want, got):
    """want's lines with got's in their place; each '...' kept."""
    if '...' not in want:
        return list(got)
    segs = [[]]
    for w in want:
        if w == '...':
            segs.append([])
        else:
            segs[-1].append(w)
    out = []
    j = 0
    for n, seg in enumerate(segs):
        if n > 0:
            out.append('...')
        if not seg:
            continue
        if n == 0:
            at = 0
        elif n == len(segs) - 1:
            at = max(j, len(got) - len(seg))
        else:
            # Where the segment fits best after the previous one: most
            # lines equal, then the earliest.
            best, at = -1, j
            for start in range(j, max(j, len(got) - len(seg)) + 1):
                score = sum(1 for k, w in enumerate(seg)
                            if start + k < len(got) and got[start + k] == w)
                if score > best:
                    best, at = score, start
        part = got[at:at + len(seg)]
        out.extend(part)
        j = at + len(part)
    return out


def refresh(dirs):
    edits = {}
    for d in dirs:
        path, line = open(os.path.join(d, 'where')).read().strip().rsplit(':', 1)
        new = []
        k = 1
        while os.path.exists(os.path.join(d, 'cmd.%d' % k)):
            want = open(os.path.join(d, 'want.%d' % k), encoding='utf-8').read().split('\n')[:-1]
            got = open(os.path.join(d, 'got.%d' % k), encoding='utf-8',
                       errors='replace').read().split('\n')
            if got and got[-1] == '':
                got.pop()
            new.append(refreshed(want, got))
            k += 1
        edits.setdefault(path, []).append((int(line), new))
    for path, items in edits.items():
        lines = open(path, encoding='utf-8').read().split('\n')
        for line, new in sorted(items, reverse=True):
            found = [c for ln, _, c in blocks(path) if ln == line]
            if not found:
                raise ValueError('%s:%d: no console block there now' % (path, line))
            cmds = found[0]
            indent = re.match(r'^(\s*)', lines[line - 1]).group(1)
            end = line
            while lines[end].strip() != '```':
                end += 1
            body = []
            for (cmd, _), out in zip(cmds, new):
                body.extend(indent + l if l else l for l in ('$ ' + cmd).split('\n'))
                body.extend(indent + l if l else l for l in out)
            lines[line:end] = body
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
        print('refreshed %d block(s) of %s' % (len(items), path))


def main():
    try:
        if sys.argv[1] == 'extract':
            extract(sys.argv[2], sys.argv[3:])
            return 0
        if sys.argv[1] == 'compare':
            return compare(sys.argv[2])
        if sys.argv[1] == 'refresh':
            refresh(sys.argv[2:])
            return 0
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
