/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * CIMA securityfs ABI shared by cima.ko and libcima.
 *
 * Everything lives under /sys/kernel/security/cima/ (CIMA_FS_ROOT).
 *
 * Binary logs (binary_runtime_measurements, and each container view) use the
 * TCG PC Client crypto-agile event log format, little-endian:
 *
 *   1. One TCG_PCR_EVENT (SHA-1 layout) record: pcrIndex 0, eventType
 *      EV_NO_ACTION, 20 zero bytes, eventSize, then a TCG_EfiSpecIDEvent
 *      ("Spec ID Event03") listing every active bank {algId, digestSize}.
 *   2. One TCG_PCR_EVENT2 record per cima event:
 *        u32 pcrIndex      register index (module parameter "index")
 *        u32 eventType     CIMA_EVENT_TYPE
 *        u32 digestCount   number of active banks
 *        { u16 algId; u8 digest[size]; } x digestCount, in Spec ID order
 *        u32 eventSize
 *        u8  event[eventSize]   the event data (text, see below)
 *
 * Every digest is H_bank(event data), so a record with data can be checked
 * on its own; the register is extended with exactly those digests, in log
 * order.  In a container's view the data of other containers' events is
 * replaced by CIMA_REDACTED_DATA and the digests are kept, so the view still
 * replays to the platform register.
 *
 * Event data is one line of printable ASCII without a trailing newline:
 *
 *   cima/1 <kind> <key>=<value> ...
 *
 * <kind> is one of the CIMA_KIND_* strings.  Keys used by the kernel:
 *   id=<container id>   cg=<cgroup id>   path=<escaped path>
 *   file=<alg>:<hex>    name=<event name> value=<event value>
 *   src=runtime|self    (runtime events: written by root from the host, or
 *                        declared by the container about itself)
 * Values never contain spaces: '\\', ' ', '=' and bytes outside 0x21..0x7e
 * are written as "\\xHH".  The exact grammar is in
 * Documentation/ABI/securityfs-cima.rst.
 */
#ifndef _UAPI_CIMA_H
#define _UAPI_CIMA_H

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

/* Longest event data the kernel writes or accepts, in bytes. */
#define CIMA_EVENT_DATA_MAX		4096
/* Longest runtime event write ("<name> <value>"), in bytes. */
#define CIMA_RUNTIME_EVENT_MAX		1024

/*
 * snapshot: one read returns, taken under the log lock,
 *   "version 1\ncount <n>\n<alg> <hex>\n..."   (one line per active bank,
 * the platform register's value at the moment the log had <n> events).
 */
#define CIMA_SNAPSHOT_VERSION		1

#endif /* _UAPI_CIMA_H */
