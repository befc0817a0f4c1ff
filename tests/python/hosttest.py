# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the host tests of the Python binding share (imported, not run):
where the tree and the shared test data are, the binding put first on
sys.path, the TAP bookkeeping, and the reader of tpm2_pcrread's values
captured with each VM log (tests/data/vm-*/pcrs.txt)."""
import os
import sys

top = os.environ.get("CIMA_TOP") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(top, "lib", "python"))
testdata = os.environ.get("CIMA_TESTDATA") or os.path.join(top, "..", "shared", "testdata")

# TPM2_ALG_* ids of the banks pcrs.txt names.
ALG = {"sha1": 4, "sha256": 11, "sha384": 12, "sha512": 13}

results = []


def check(name, fn):
    """Run fn(); an exception is a failed check, reported with its message."""
    try:
        fn()
        results.append((True, name, None))
    except Exception as e:  # report and go on
        results.append((False, name, "%s: %s" % (type(e).__name__, e)))


def bail(what, err):
    """Nothing can be tested (the binding does not import): one failure."""
    print("1..1\nnot ok 1 - %s\n# %s" % (what, err))
    sys.exit(1)


def skip_all(why):
    print("1..1\nok 1 # SKIP %s" % why)
    sys.exit(0)


def done():
    """Print the plan and every result as TAP; exit 1 if any failed."""
    print("1..%d" % len(results))
    for i, (good, name, why) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", i, name))
        if why:
            print("# " + why)
    sys.exit(0 if all(r[0] for r in results) else 1)


def read_pcrs(path):
    """{pcr: {alg id: value}} from lines "INDEX BANK HEX" (pcrs.txt)."""
    pcrs = {}
    for line in open(path):
        f = line.split()
        if len(f) == 3 and f[1] in ALG:
            pcrs.setdefault(int(f[0]), {})[ALG[f[1]]] = bytes.fromhex(f[2])
    return pcrs
