/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * CIMA securityfs ABI shared by cima.ko and libcima.  Version 1.
 *
 * Everything lives under /sys/kernel/security/cima/ (CIMA_FS_ROOT).  The
 * complete description, file by file, is Documentation/ABI/securityfs-cima.rst;
 * this comment is the summary.
 *
 * Binary logs (binary_runtime_measurements, and each container view) use the
 * TCG PC Client crypto-agile event log format, little-endian:
 *
 *   1. One TCG_PCR_EVENT (SHA-1 layout) record: pcrIndex 0, eventType
 *      EV_NO_ACTION, 20 zero bytes, eventSize, then a TCG_EfiSpecIDEvent
 *      ("Spec ID Event03", platformClass 0, version 2.0 errata 0, uintnSize 2)
 *      listing every active bank {algId, digestSize}, vendorInfoSize 0.
 *   2. One TCG_PCR_EVENT2 record per cima event:
 *        u32 pcrIndex      register number in the log (see below)
 *        u32 eventType     CIMA_EVENT_TYPE
 *        u32 digestCount   number of active banks
 *        { u16 algId; u8 digest[size]; } x digestCount, in Spec ID order
 *        u32 eventSize
 *        u8  event[eventSize]   the event data (text, see below)
 *
 * pcrIndex is the PCR number for the tpm and sim backends; for tdx it is the
 * CC measurement-register index (RTMR n is n + 1), as in the CCEL log.
 *
 * Every digest is H_bank(event data), so a record with data can be checked
 * on its own; the register is extended with exactly those digests, in log
 * order.  A bank whose algorithm the kernel cannot compute (tpm only) gets
 * the strongest computable digest, truncated or zero-padded to its size.  In
 * a container's view the data of other containers' events (and of host
 * events) is replaced by CIMA_REDACTED_DATA and the digests are kept, so the
 * view still replays to the platform register.
 *
 * Event data is one line of printable ASCII without a trailing newline:
 *
 *   cima/1 <kind> <key>=<value> ...
 *
 *   start:     cima/1 start id=<cid> cg=<cgid> path=<cgroup path>
 *   stop:      cima/1 stop id=<cid> cg=<cgid>
 *   exec:      cima/1 exec id=<cid> cg=<cgid> file=<alg>:<hex> path=<path>
 *   mmap:      cima/1 mmap id=<cid> cg=<cgid> file=<alg>:<hex> path=<path>
 *   runtime:   cima/1 runtime id=<cid> src=runtime|self name=<n> value=<v>
 *   policy:    cima/1 policy exec=on|off mmap=on|off fail=open|closed
 *                           defaults=on|off [prefix=<path>]...
 *   violation: cima/1 violation id=<cid>|- what=<what> err=<errno>
 *                              [path=<path>] [count=<n>] [action=kill]
 *
 * Keys appear in exactly this order.  <cid> is the container id (the name of
 * its directory under containers/), <cgid> the cgroup v2 id in decimal (the
 * cgroup directory's inode number), <alg> the kernel hash name of the
 * strongest active bank (e.g. sha384), <hex> lower-case.  <what> is one of
 * start, stop, exec, mmap, runtime, lost (events that could not be built;
 * count= says how many) and limit (the container reached its event cap;
 * later events of it are not logged).  action=kill: the task the event was
 * about was killed before it could run past it (policy "fail closed").
 * An exec event is written for the program an execve runs and for a #!
 * script it goes through; an mmap event for a file mapped executable by a
 * task of the container (mmap or mprotect with PROT_EXEC), other than the
 * program its exec already measured.  Each (kind, path, content) is logged
 * once per container.  Values never contain spaces: '\\', ' ',
 * '=' and bytes outside 0x21..0x7e are written as "\\xHH" (lower-case hex).
 */
#ifndef _UAPI_CIMA_H
#define _UAPI_CIMA_H

#define CIMA_ABI_VERSION		1

#define CIMA_FS_ROOT			"/sys/kernel/security/cima"

/* Files in CIMA_FS_ROOT. */
#define CIMA_FILE_BINARY_LOG		"binary_runtime_measurements"
#define CIMA_FILE_ASCII_LOG		"ascii_runtime_measurements"
#define CIMA_FILE_COUNT			"runtime_measurements_count"
#define CIMA_FILE_VIOLATIONS		"violations"
#define CIMA_FILE_REGISTER		"register"
#define CIMA_FILE_POLICY		"policy"
#define CIMA_FILE_SNAPSHOT		"snapshot"
#define CIMA_DIR_CONTAINERS		"containers"
#define CIMA_DIR_SELF			"self"

/* Files in CIMA_FS_ROOT/containers/<id>/ and CIMA_FS_ROOT/self/. */
#define CIMA_CFILE_BINARY_LOG		"binary_runtime_measurements"
#define CIMA_CFILE_ASCII_LOG		"ascii_runtime_measurements"
#define CIMA_CFILE_REGISTER		"register"
#define CIMA_CFILE_CGROUP		"cgroup"
#define CIMA_CFILE_EVENT		"event"

/* TCG event type of every cima record (EV_ACTION: the data is ASCII text). */
#define CIMA_EVENT_TYPE			0x00000005u

#define CIMA_DATA_TAG			"cima/1"
#define CIMA_REDACTED_DATA		"cima/1 redacted"
#define CIMA_KIND_START			"start"
#define CIMA_KIND_STOP			"stop"
#define CIMA_KIND_EXEC			"exec"
#define CIMA_KIND_RUNTIME		"runtime"
#define CIMA_KIND_VIOLATION		"violation"
#define CIMA_KIND_MMAP			"mmap"
#define CIMA_KIND_POLICY		"policy"

/* Values of the src= key of runtime events. */
#define CIMA_SRC_RUNTIME		"runtime"
#define CIMA_SRC_SELF			"self"

/* Values of the what= key of violation events (besides the kinds). */
#define CIMA_WHAT_LOST			"lost"
#define CIMA_WHAT_LIMIT			"limit"

/* Value of the action= key of violation events: the task was killed. */
#define CIMA_ACTION_KILL		"kill"

/* Longest event data the kernel writes or accepts, in bytes. */
#define CIMA_EVENT_DATA_MAX		4096
/* Longest runtime event write ("<name> <value>[\n]"), in bytes. */
#define CIMA_RUNTIME_EVENT_MAX		1024
/* Runtime event name: [A-Za-z0-9][A-Za-z0-9._-]*, at most this long. */
#define CIMA_RUNTIME_NAME_MAX		64
/* Container id: at most this long ([A-Za-z0-9][A-Za-z0-9._-]*). */
#define CIMA_ID_MAX			64
/* Longest write to the policy file, in bytes. */
#define CIMA_POLICY_WRITE_MAX		4096
/* At most this many "prefix" rules at a time; each path at most 255 bytes. */
#define CIMA_POLICY_PREFIX_MAX		16
#define CIMA_POLICY_PATH_MAX		255

/*
 * register:  "backend <name>\nindex <n>\n" then "<alg> <hex>\n" per active
 *            bank in Spec ID order (tpm, tdx: read from the hardware).
 * snapshot:  one read returns, taken under the log lock,
 *            "version 1\ncount <n>\n<alg> <hex>\n..."  (one line per active
 *            bank: the platform register's value when the log had <n>
 *            events).
 * containers/<id>/register:  "<alg> <hex>\n" per active bank: the virtual
 *            register, all zero at start, extended like the platform one
 *            with the digests of that container's own events only.
 * containers/<id>/cgroup:    "path <path>\nid <cgid>\n".
 */
#define CIMA_SNAPSHOT_VERSION		1

#endif /* _UAPI_CIMA_H */
