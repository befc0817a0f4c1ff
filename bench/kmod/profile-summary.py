#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Folded stacks of bench/kmod/profile-inner.sh, and their summary.

  profile-summary.py --fold FILE STATE   perf script output (comm,ip,sym)
                                          -> "F STATE N comm;root;...;leaf"
  profile-summary.py FILE PAIRS          F lines of states "<name>.<round>"
                                          -> µs of CPU a pair, per part

Idle samples (the idle loop's halt) are dropped.  A cpu-clock sample
cannot land where interrupts are off: the cgroup tracepoints call their
probes so, and a probe's samples show at the release of that lock in
cgroup_mkdir / cgroup_rmdir ("probe section").
"""
import collections
import sys

HZ = 2000  # perf record -F


def fold(lines, state):
    stacks = collections.Counter()
    comm, frames = None, None

    def flush():
        if frames and not any('safe_halt' in f for f in frames[:3]):
            stacks[comm + ';' + ';'.join(reversed(frames))] += 1

    for line in lines:
        if not line.strip():
            flush()
            frames = None
        elif not line[0].isspace():
            flush()
            comm, frames = line.split()[0], []
        elif frames is not None:
            parts = line.split()
            if len(parts) >= 2:
                frames.append(parts[1].split('+0x')[0])
    flush()
    for stack, n in stacks.items():
        print('F', state, n, stack)


def section(frames, where):
    return (frames[-1] == '_raw_spin_unlock_irqrestore' and
            len(frames) > 1 and frames[-2] == where)


PARTS = [
    ('cima.ko in all (its functions and probe sections)',
     lambda f: any(x.startswith('cima_') for x in f) or
     section(f, 'cgroup_mkdir') or section(f, 'cgroup_rmdir')),
    ('mkdir probe section', lambda f: section(f, 'cgroup_mkdir')),
    ('rmdir probe section', lambda f: section(f, 'cgroup_rmdir')),
    ('start, in the task work',
     lambda f: 'task_work_run' in f and 'cima_work_do' in f and
     'cima_measure_file' not in f),
    ('stops, on the workqueue', lambda f: 'cima_stops_fn' in f),
    ('file measurements (the bench\'s one busybox exec after the loop)',
     lambda f: 'cima_measure_file' in f),
    ('of these, hashing',
     lambda f: 'crypto_shash_tfm_digest' in f and
     any(x.startswith('cima_') for x in f)),
    ('of these, the records\' kmalloc',
     lambda f: 'cima_entry_build' in f and '__kmalloc_noprof' in f),
]


def summary(path, pairs):
    total = collections.Counter()
    part = collections.defaultdict(collections.Counter)
    rounds = collections.defaultdict(set)
    for line in open(path):
        if not line.startswith('F '):
            continue
        _, state, n, stack = line.rstrip('\n').split(' ', 3)
        name, rnd = state.rsplit('.', 1)
        rounds[name].add(rnd)
        frames = stack.split(';')[1:]
        total[name] += int(n)
        for label, match in PARTS:
            if match(frames):
                part[name][label] += int(n)
    names = sorted(total, key=lambda s: (s != 'none', s))
    if not names:
        sys.exit('profile-summary: no folded stacks in ' + path)

    def us(name, n):
        return '%.1f' % (n * 1e6 / HZ / pairs / len(rounds[name]))

    print('| µs of CPU a pair (both vCPUs, perf included) | ' +
          ' | '.join(names) + ' |')
    print('| --- |' + ' ---: |' * len(names))
    print('| all busy samples | ' +
          ' | '.join(us(s, total[s]) for s in names) + ' |')
    for label, _ in PARTS:
        print('| %s | ' % label +
              ' | '.join(us(s, part[s][label]) for s in names) + ' |')


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == '--fold':
        src = sys.stdin if sys.argv[2] == '-' else open(sys.argv[2])
        fold(src, sys.argv[3])
    elif len(sys.argv) == 3:
        summary(sys.argv[1], int(sys.argv[2]))
    else:
        sys.exit(__doc__)
