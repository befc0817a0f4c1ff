// SPDX-License-Identifier: LGPL-2.1-or-later

package cima

/*
#include <stdlib.h>
#include "cima_go.h"
*/
import "C"

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// Evidence is an evidence bundle (include/cima/evidence.h): the signed
// report, nonce and data, the cima snapshot and every log, as one JSON
// document (Documentation/ABI/evidence-v1.md).  The library's copy is freed
// by Close or, failing that, by a finalizer.
type Evidence struct {
	h *C.struct_cima_evidence
}

func newEvidence(h *C.struct_cima_evidence) *Evidence {
	e := &Evidence{h: h}
	atomic.AddInt64(&liveHandles, 1)
	runtime.SetFinalizer(e, (*Evidence).Close)
	return e
}

// Close frees the bundle; later calls on it fail with "evidence closed".
func (e *Evidence) Close() {
	if e != nil && e.h != nil {
		C.cima_evidence_free(e.h)
		e.h = nil
		atomic.AddInt64(&liveHandles, -1)
		runtime.SetFinalizer(e, nil)
	}
}

func (e *Evidence) check(op string) error {
	if e == nil || e.h == nil {
		return argErr(op, "evidence closed")
	}
	return nil
}

// LoadEvidence parses a bundle strictly (no platform; nothing verified
// yet): -EBADMSG names the field at fault.
func LoadEvidence(b []byte) (*Evidence, error) {
	defer lock()()
	h, cerr := C.cima_evidence_load(cbuf(b), C.size_t(len(b)))
	if h == nil {
		return nil, libErr("LoadEvidence", errnoOf(cerr))
	}
	return newEvidence(h), nil
}

// BuildEvidence takes a report binding nonce and data and the cima
// snapshot, then reads every live log (on the attested machine).
func (s SDK) BuildEvidence(nonce, data []byte, container string) (*Evidence, error) {
	const op = "BuildEvidence"
	po, free, err := s.popts(op)
	if err != nil {
		return nil, err
	}
	defer free()
	ro := (*C.struct_cima_report_opts)(C.calloc(1, C.sizeof_struct_cima_report_opts))
	defer C.free(unsafe.Pointer(ro))
	ro.sz = C.sizeof_struct_cima_report_opts
	ro.platform = po
	o := (*C.struct_cima_evidence_opts)(C.calloc(1, C.sizeof_struct_cima_evidence_opts))
	defer C.free(unsafe.Pointer(o))
	o.sz = C.sizeof_struct_cima_evidence_opts
	o.report = ro
	if container != "" {
		o.container = cstr(container)
		defer freeStr(o.container)
	}
	cn, cd := C.CBytes(nonce), C.CBytes(data)
	defer C.free(cn)
	defer C.free(cd)
	defer lock()()
	h, cerr := C.cima_evidence_build(cn, C.size_t(len(nonce)), cd, C.size_t(len(data)), o)
	if h == nil {
		return nil, libErr(op, errnoOf(cerr))
	}
	return newEvidence(h), nil
}

// JSON is the bundle as the library writes it.
func (e *Evidence) JSON() ([]byte, error) {
	if err := e.check("Evidence.JSON"); err != nil {
		return nil, err
	}
	defer lock()()
	var rc C.int
	var n C.size_t
	p := C.cima_go_evidence_save(e.h, &rc, &n)
	runtime.KeepAlive(e)
	if p != nil {
		defer C.free(unsafe.Pointer(p))
	}
	if p == nil || rc < 0 {
		return nil, libErr("Evidence.JSON", int(rc))
	}
	return C.GoBytes(unsafe.Pointer(p), C.int(n)), nil
}

// Platform of the bundle ("tpm", "tdx", "snp").
func (e *Evidence) Platform() string {
	if e.check("") != nil {
		return ""
	}
	p := C.cima_platform_name(C.cima_evidence_platform(e.h))
	runtime.KeepAlive(e)
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// Log is the bundle's log of one source, parsed but NOT verified (use it
// after Verify passed).
func (e *Evidence) Log(source string) (*EventLog, error) {
	op := "Evidence.Log(" + source + ")"
	if err := e.check(op); err != nil {
		return nil, err
	}
	src, err := sourceNum(op, source)
	if err != nil {
		return nil, err
	}
	defer lock()()
	h, cerr := C.cima_evidence_log(e.h, src)
	runtime.KeepAlive(e)
	return wrapLog(op, h, cerr)
}

// EvidenceVerifyOptions: the verifier's expectations.
type EvidenceVerifyOptions struct {
	Nonce         []byte // the verifier's nonce (required unless NoNonce)
	NoNonce       bool   // accept the bundle's nonce (freshness skipped)
	Data          []byte // expected user data (nil: the bundle's)
	AKPEMPath     string // TPM: pinned AK public key
	RootCAPath    string // AK chain root / TDX root / SNP ARK
	Container     string // check this container's view
	ReferencePath string // reference values file
	AtTime        int64  // certificate validity time (0: now)
}

// EvidenceCheck is one check's outcome.
type EvidenceCheck struct {
	Name   string // "signature", "freshness", "report-data", ...
	Status string // "pass", "fail", "skipped", "not run"
	Note   string
}

// EvidenceResult lists every check; Failed is the first that failed ("").
type EvidenceResult struct {
	Failed    string
	Checks    []EvidenceCheck
	Uncovered []string
	JSON      string
}

var estatus = map[C.int]string{0: "not run", 1: "pass", 2: "fail", 3: "skipped"}

// Verify checks the bundle offline in the library's named steps.  It
// returns the result and nil when all passed; the result and an *Error
// (EKEYREJECTED, the library's message) when a check failed; nil and an
// *Error when the request is bad (EINVAL: no nonce) or a file unreadable.
func (e *Evidence) Verify(opts *EvidenceVerifyOptions) (*EvidenceResult, error) {
	const op = "Evidence.Verify"
	if err := e.check(op); err != nil {
		return nil, err
	}
	o := (*C.struct_cima_evidence_verify_opts)(C.calloc(1, C.sizeof_struct_cima_evidence_verify_opts))
	defer C.free(unsafe.Pointer(o))
	o.sz = C.sizeof_struct_cima_evidence_verify_opts
	var cleanup []unsafe.Pointer
	defer func() {
		for _, p := range cleanup {
			C.free(p)
		}
	}()
	str := func(s string) *C.char {
		if s == "" {
			return nil
		}
		p := cstr(s)
		cleanup = append(cleanup, unsafe.Pointer(p))
		return p
	}
	if opts != nil {
		if opts.Nonce != nil {
			p := C.CBytes(opts.Nonce)
			cleanup = append(cleanup, p)
			o.nonce, o.nonce_len = (*C.uint8_t)(p), C.size_t(len(opts.Nonce))
		}
		if opts.Data != nil {
			p := C.CBytes(opts.Data)
			cleanup = append(cleanup, p)
			o.data, o.data_len = (*C.uint8_t)(p), C.size_t(len(opts.Data))
		}
		o.no_nonce = C.bool(opts.NoNonce)
		o.ak_pem_path = str(opts.AKPEMPath)
		o.root_ca_path = str(opts.RootCAPath)
		o.container = str(opts.Container)
		o.reference_path = str(opts.ReferencePath)
		o.at_time = C.time_t(opts.AtTime)
	}
	defer lock()()
	var res *C.struct_cima_evidence_result
	rc := C.cima_evidence_verify(e.h, o, &res)
	runtime.KeepAlive(e)
	var verr error
	if rc < 0 {
		verr = libErr(op, int(rc))
	}
	if res == nil {
		return nil, verr
	}
	defer C.cima_evidence_result_free(res)
	out := &EvidenceResult{}
	if f := C.cima_evidence_result_failed(res); f >= 0 {
		out.Failed = C.GoString(C.cima_evidence_check_name(f))
	}
	for i := C.int(0); i < C.CIMA_ECHECK_COUNT; i++ {
		var note *C.char
		st := C.cima_evidence_result_check(res, i, &note)
		out.Checks = append(out.Checks, EvidenceCheck{
			Name: C.GoString(C.cima_evidence_check_name(i)), Status: estatus[st], Note: C.GoString(note),
		})
	}
	for i := 0; i < int(C.cima_evidence_result_uncovered_count(res)); i++ {
		out.Uncovered = append(out.Uncovered, C.GoString(C.cima_evidence_result_uncovered(res, C.size_t(i))))
	}
	var jrc C.int
	if p := C.cima_go_evidence_result_json(res, &jrc); p != nil {
		out.JSON = C.GoString(p)
		C.free(unsafe.Pointer(p))
	}
	return out, verr
}
