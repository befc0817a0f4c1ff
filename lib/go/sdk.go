// SPDX-License-Identifier: LGPL-2.1-or-later

package cima

/*
#include <stdlib.h>
#include "cima_go.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// SDK is the original SDK's entry point: the zero value detects the
// platform (TDX, then SNP, then TPM; $CIMA_PLATFORM and $CIMA_TPM_TCTI
// apply), as `cima.SDK{}` did.
type SDK struct {
	Platform string // "", "auto", "tpm", "tdx" or "snp"
	TPMTCTI  string // TCTI for the TPM, e.g. "swtpm:port=2321"; "" = default
	NoTSM    bool   // do not use configfs-tsm
}

// popts allocates a cima_platform_opts in C memory (it may be pointed to
// from another C struct); free it with the returned function.
func (s SDK) popts(op string) (*C.struct_cima_platform_opts, func(), error) {
	var plat C.int
	if s.Platform != "" {
		cs := cstr(s.Platform)
		unlock := lock()
		plat = C.cima_platform_from_name(cs)
		var err error
		if plat < 0 {
			err = libErr(op, int(plat))
		}
		unlock()
		freeStr(cs)
		if err != nil {
			return nil, nil, err
		}
	}
	o := (*C.struct_cima_platform_opts)(C.calloc(1, C.sizeof_struct_cima_platform_opts))
	o.sz = C.sizeof_struct_cima_platform_opts
	o.platform = plat
	o.no_tsm = C.bool(s.NoTSM)
	if s.TPMTCTI != "" {
		o.tpm_tcti = cstr(s.TPMTCTI)
	}
	return o, func() {
		if o.tpm_tcti != nil {
			freeStr(o.tpm_tcti)
		}
		C.free(unsafe.Pointer(o))
	}, nil
}

func (s SDK) intCall(op string, f func(*C.struct_cima_platform_opts) C.int) (int, error) {
	o, free, err := s.popts(op)
	if err != nil {
		return -1, err
	}
	defer free()
	defer lock()()
	rc := f(o)
	if rc < 0 {
		return -1, libErr(op, int(rc))
	}
	return int(rc), nil
}

// GetDefaultAlgorithm: TDX/SNP sha384; TPM sha256 if active, else its first bank.
func (s SDK) GetDefaultAlgorithm() (TCG_ALG, error) {
	n, err := s.intCall("GetDefaultAlgorithm", func(o *C.struct_cima_platform_opts) C.int {
		return C.cima_get_default_algorithm(o)
	})
	if err != nil {
		return TPM_ALG_ERROR, err
	}
	return TCG_ALG(n), nil
}

// GetMeasurementCount: TDX 4 (RTMR0-3), SNP 1, TPM 24.
func (s SDK) GetMeasurementCount() (int, error) {
	return s.intCall("GetMeasurementCount", func(o *C.struct_cima_platform_opts) C.int {
		return C.cima_get_measurement_count(o)
	})
}

// GetAlgorithms lists the platform's banks (TPM: its active PCR banks).
func (s SDK) GetAlgorithms() ([]TCG_ALG, error) {
	var algs [16]C.uint16_t
	n, err := s.intCall("GetAlgorithms", func(o *C.struct_cima_platform_opts) C.int {
		return C.cima_get_algorithms(&algs[0], C.size_t(len(algs)), o)
	})
	if err != nil {
		return nil, err
	}
	out := []TCG_ALG{}
	for i := 0; i < n && i < len(algs); i++ {
		out = append(out, TCG_ALG(algs[i]))
	}
	return out, nil
}

// GetCCMeasurement reads register index in bank alg (TPM_ALG_ERROR / 0:
// the default algorithm).
func (s SDK) GetCCMeasurement(index int, alg TCG_ALG) (TcgDigest, error) {
	if alg < 0 || alg > 0xffff {
		return TcgDigest{}, argErr("GetCCMeasurement", "algorithm %#x out of range", int32(alg))
	}
	if alg == 0 {
		d, err := s.GetDefaultAlgorithm()
		if err != nil {
			return TcgDigest{}, err
		}
		alg = d
	}
	var buf [C.CIMA_MAX_DIGEST_SIZE]C.uint8_t
	n, err := s.intCall("GetCCMeasurement", func(o *C.struct_cima_platform_opts) C.int {
		return C.cima_get_cc_measurement(C.int(index), C.uint16_t(alg), &buf[0], o)
	})
	if err != nil {
		return TcgDigest{}, err
	}
	return TcgDigest{AlgID: alg, Hash: C.GoBytes(unsafe.Pointer(&buf[0]), C.int(n))}, nil
}

// GetCCEventLog returns every live log's events (firmware or CCEL, IMA,
// cima), optionally from params[0] = start and params[1] = count, as the
// original SDK takes them.
func (s SDK) GetCCEventLog(params ...int32) ([]FormatedTcgEvent, error) {
	const op = "GetCCEventLog"
	if len(params) > 2 {
		return nil, argErr(op, "at most two parameters (start, count), got %d", len(params))
	}
	var start, count int32
	if len(params) > 0 {
		start = params[0]
	}
	if len(params) > 1 {
		count = params[1]
	}
	if start < 0 || count < 0 {
		return nil, argErr(op, "start %d and count %d must not be negative", start, count)
	}
	defer lock()()
	h, cerr := C.cima_get_cc_eventlog(C.uint32_t(start), C.uint32_t(count))
	l, err := wrapLog(op, h, cerr)
	if err != nil {
		return nil, err
	}
	return l.Events(), nil
}

// ReplayCCEventLog has the original SDK's signature: the replayed values,
// index -> bank -> value (nil when the replay fails; ReplayEvents gives the
// error).  A whole log as returned is replayed by libcima; other lists by
// this package (see ReplayEvents).
func (s SDK) ReplayCCEventLog(events []FormatedTcgEvent) map[int]map[TCG_ALG][]byte {
	m, err := ReplayEvents(events, nil)
	if err != nil {
		return nil
	}
	return m
}

// ReportOptions of GetCCReportWith.
type ReportOptions struct {
	PCRAlg           TCG_ALG // TPM: bank to quote (0: default)
	PCRMask          uint32  // TPM: PCRs to quote (0: all 24)
	TransientAK      bool    // TPM: never use the persistent AK
	EvidenceSnapshot bool    // fold the cima snapshot into the report data
}

// GetCCReport asks the platform for a report binding SHA-512(nonce ||
// userData).  As in the original SDK, nonce and userData are base64
// strings ("" = none); they are decoded strictly.  extraArgs is accepted
// only empty: there are no extra arguments.
func (s SDK) GetCCReport(nonce, userData string, extraArgs map[string]any) (Report, error) {
	if len(extraArgs) > 0 {
		return nil, argErr("GetCCReport", "extraArgs: none are supported (got %d)", len(extraArgs))
	}
	n, err := DecodeBase64("nonce", nonce)
	if err != nil {
		return nil, err
	}
	d, err := DecodeBase64("userData", userData)
	if err != nil {
		return nil, err
	}
	r, err := s.GetCCReportWith(n, d, nil)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// GetCCReportWith takes the raw nonce and user data bytes and options.
func (s SDK) GetCCReportWith(nonce, userData []byte, opts *ReportOptions) (*CCReport, error) {
	const op = "GetCCReport"
	po, free, err := s.popts(op)
	if err != nil {
		return nil, err
	}
	defer free()
	o := (*C.struct_cima_report_opts)(C.calloc(1, C.sizeof_struct_cima_report_opts))
	defer C.free(unsafe.Pointer(o))
	o.sz = C.sizeof_struct_cima_report_opts
	o.platform = po
	if opts != nil {
		if opts.PCRAlg < 0 || opts.PCRAlg > 0xffff {
			return nil, argErr(op, "PCRAlg %#x out of range", int32(opts.PCRAlg))
		}
		o.pcr_alg = C.uint16_t(opts.PCRAlg)
		o.pcr_mask = C.uint32_t(opts.PCRMask)
		o.transient_ak = C.bool(opts.TransientAK)
		o.evidence_snapshot = C.bool(opts.EvidenceSnapshot)
	}
	cn, cd := C.CBytes(nonce), C.CBytes(userData)
	defer C.free(cn)
	defer C.free(cd)
	defer lock()()
	h, cerr := C.cima_get_cc_report(cn, C.size_t(len(nonce)), cd, C.size_t(len(userData)), o)
	if h == nil {
		return nil, libErr(op, errnoOf(cerr))
	}
	defer C.cima_report_free(h)
	r := &CCReport{
		Kind:       int(C.cima_report_kind(h)),
		Nonce:      append([]byte{}, nonce...),
		UserData:   append([]byte{}, userData...),
		ReportData: C.GoBytes(unsafe.Pointer(C.cima_report_report_data(h)), C.CIMA_REPORT_DATA_SIZE),
	}
	r.KindName = C.GoString(C.cima_report_kind_name(C.int(r.Kind)))
	if p := C.cima_report_source(h); p != nil {
		r.Source = C.GoString(p)
	}
	var l C.size_t
	r.Blob = bytesAt(C.cima_report_blob(h, &l), l)
	if p := C.cima_report_aux(h, &l); p != nil {
		r.Aux = bytesAt(p, l)
	}
	var rc C.int
	if p := C.cima_go_report_dump(h, 0, &rc); p != nil {
		r.text = C.GoString(p)
		C.free(unsafe.Pointer(p))
	}
	if p := C.cima_go_report_dump(h, 1, &rc); p != nil {
		r.json = C.GoString(p)
		C.free(unsafe.Pointer(p))
	}
	if r.Kind == ReportTPMQuote {
		r.Signature = bytesAt(C.cima_report_tpm_signature(h, &l), l)
		r.AKPublic = bytesAt(C.cima_report_tpm_ak_public(h, &l), l)
		var alg C.uint16_t
		var mask C.uint32_t
		r.PCRValues = bytesAt(C.cima_report_tpm_pcr_values(h, &l, &alg, &mask), l)
		r.PCRAlg, r.PCRMask = TCG_ALG(alg), uint32(mask)
		if p := C.cima_report_tpm_ak_pem(h); p != nil {
			r.AKPEM = C.GoString(p)
			C.free(unsafe.Pointer(p))
		}
		size := r.PCRAlg.DigestSize()
		r.imrs.MaxIndex = 23
		off := 0
		for i := 0; i < 24 && size > 0; i++ {
			if r.PCRMask&(1<<uint(i)) != 0 && off+size <= len(r.PCRValues) {
				r.imrs.Group = append(r.imrs.Group, TcgDigest{r.PCRAlg, r.PCRValues[off : off+size]})
				off += size
			}
		}
	} else if p, err := ParseEvidence(r.Blob); err == nil {
		r.imrs, r.MRTD = p.imrs, p.MRTD
	}
	runtime.KeepAlive(r)
	return r, nil
}

// DumpCCReport parses captured evidence (InitFromBytes) and prints it.
func (s SDK) DumpCCReport(reportBytes []byte) error {
	r, err := ParseEvidence(reportBytes)
	if err != nil {
		return err
	}
	r.Dump(QuoteDumpFormatHuman)
	return nil
}
