// SPDX-License-Identifier: LGPL-2.1-or-later

// Package cima is the Go binding of libcima, in the shape of the
// confidential-computing evidence SDK (GetCCReport, GetCCMeasurement,
// GetCCEventLog, ReplayCCEventLog, GetDefaultAlgorithm,
// GetMeasurementCount), plus parsing, replay and verification of captured
// logs from bytes.  Nothing returned by this package points into C memory:
// every value is copied into Go memory before the call returns, and every C
// handle is freed by this package (see Documentation/go.md).
package cima

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -lcima
#include <stdlib.h>
#include <cima/cima.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// Error is a failed libcima call: the operation, the errno the library
// returned, and the library's own message (cima_strerror_last()), which
// names the file, byte offset, register or field at fault.
type Error struct {
	Op    string        // the binding's call, e.g. "ParseEventLog(firmware)"
	Errno syscall.Errno // positive errno (ENOENT, EBADMSG, ...)
	Msg   string        // the library's message; empty when it gave none
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" {
		msg = e.Errno.Error()
	}
	if e.Op == "" {
		return msg
	}
	return e.Op + ": " + msg
}

// Unwrap gives the errno, so errors.Is(err, syscall.EBADMSG) works.
func (e *Error) Unwrap() error { return e.Errno }

// libErr builds an Error from a negative errno (or errno) and the
// library's last message.  The caller must hold the OS thread
// (runtime.LockOSThread) since the libcima call: the message is per thread.
func libErr(op string, rc int) error {
	if rc < 0 {
		rc = -rc
	}
	if rc == 0 {
		rc = int(syscall.EIO)
	}
	return &Error{Op: op, Errno: syscall.Errno(rc), Msg: C.GoString(C.cima_strerror_last())}
}

// argErr is an error found by the binding before anything reached libcima.
func argErr(op, format string, a ...interface{}) error {
	return &Error{Op: op, Errno: syscall.EINVAL, Msg: fmt.Sprintf(format, a...)}
}

// errnoOf turns the errno cgo captured for a pointer-returning call.
func errnoOf(err error) int {
	var en syscall.Errno
	if errors.As(err, &en) {
		return int(en)
	}
	return int(syscall.EIO)
}

// bytesAt copies len bytes from C memory into a new Go slice.
func bytesAt(p *C.uint8_t, n C.size_t) []byte {
	if p == nil || n == 0 {
		return []byte{}
	}
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// cbuf gives a C pointer to b for the duration of one call (cgo pins it).
func cbuf(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

// Live C handles held by this package (event logs waiting for their
// finalizer).  Tests check it returns to zero: nothing leaks.
var liveHandles int64

// LiveHandles is the number of libcima handles this package still holds.
func LiveHandles() int64 { return atomic.LoadInt64(&liveHandles) }

// Version is the libcima version string.
func Version() string { return C.GoString(C.cima_version()) }

// lock pins the goroutine to its OS thread so that a libcima call and the
// cima_strerror_last() that explains it run on the same thread.
func lock() func() {
	runtime.LockOSThread()
	return runtime.UnlockOSThread
}

func errnoT(n int) syscall.Errno { return syscall.Errno(n) }
