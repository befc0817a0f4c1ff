#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run QEMU with its serial console on a pipe and answer firmware screens.

  serial-drive.py LOG STEPS -- qemu-system-x86_64 ... -serial stdio ...

STEPS is a JSON list of [PATTERN, KEYS]: once the console output since the
last answer (ANSI escapes removed) matches the regular expression PATTERN,
KEYS are typed; "|" in KEYS splits them into pieces sent half a second
apart (an escape sequence such as the down arrow "\\u001b[B" stays whole).
Everything QEMU prints goes to LOG.  Exit status: 0 when QEMU ended after
every step was answered, 1 when it ended before, 124 after
$DRIVE_TIMEOUT seconds (default 300; QEMU is killed).
"""
import json
import os
import re
import select
import subprocess
import sys
import time


def main(argv):
    if len(argv) < 5 or "--" not in argv:
        sys.stderr.write("usage: serial-drive.py LOG STEPS -- QEMU ARGS...\n")
        return 2
    log, steps = argv[1], json.loads(argv[2])
    cmd = argv[argv.index("--") + 1:]
    esc = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
    deadline = time.time() + float(os.environ.get("DRIVE_TIMEOUT", "300"))
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    seen, step = b"", 0
    with open(log, "wb") as out:
        while True:
            if time.time() > deadline:
                p.kill()
                p.wait()
                print("serial-drive: timeout waiting for %r"
                      % (steps[step][0] if step < len(steps) else "QEMU to end"))
                return 124
            ready, _, _ = select.select([p.stdout], [], [], 0.5)
            if ready:
                data = os.read(p.stdout.fileno(), 65536)
                if not data:
                    break
                out.write(data)
                out.flush()
                seen += data
            if step < len(steps) and re.search(steps[step][0].encode(), esc.sub(b"", seen)):
                time.sleep(1)
                for piece in steps[step][1].split("|"):
                    p.stdin.write(piece.encode())
                    p.stdin.flush()
                    time.sleep(0.5)
                print("serial-drive: answered %r" % steps[step][0], flush=True)
                seen = b""
                step += 1
    p.wait()
    if step < len(steps):
        print("serial-drive: QEMU ended (status %d) before %r" % (p.returncode, steps[step][0]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
