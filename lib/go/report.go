// SPDX-License-Identifier: LGPL-2.1-or-later

package cima

/*
#include <stdlib.h>
#include <stdio.h>
#include "cima_go.h"
*/
import "C"

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unsafe"
)

// Report kinds (enum cima_report_kind).
const (
	ReportTPMQuote    = 1
	ReportTDXQuote    = 2
	ReportTDXTDReport = 3 // UNSIGNED: a MAC only
	ReportSNP         = 4
)

// CCReport is a report (quote) with every byte copied out of the library.
// It implements the original SDK's Report interface (InitFromBytes,
// IMRGroup, Dump).
type CCReport struct {
	Kind       int
	KindName   string // "tpm-quote", "tdx-quote", "tdx-tdreport (unsigned)", "snp-report"
	Source     string // "tpm:...", "configfs-tsm:tdx_guest", "ioctl", ...
	ReportData []byte // the 64 bytes bound: SHA-512(nonce || user data)
	Blob       []byte // evidence: quote / TDREPORT / SNP report; TPM: TPMS_ATTEST
	Aux        []byte // configfs-tsm auxblob, if any
	Nonce      []byte // decoded inputs given to GetCCReport
	UserData   []byte
	MRTD       []byte // TDX: the TD's build-time measurement (not an IMR)

	// TPM quotes
	Signature []byte  // TPMT_SIGNATURE
	AKPublic  []byte  // TPM2B_PUBLIC of the AK
	AKPEM     string  // AK public key, PEM
	PCRAlg    TCG_ALG // quoted bank
	PCRMask   uint32  // quoted PCRs
	PCRValues []byte  // values in selection order (tpm2_pcrread -o layout)

	text, json string
	imrs       IMRGroup
}

// Report is the original SDK's report interface.
type Report interface {
	InitFromBytes([]byte) error
	IMRGroup() IMRGroup
	Dump(QuoteDumpFormat)
}

var _ Report = (*CCReport)(nil)

// DumpText is libcima's readable dump of the report and its parsed fields.
func (r *CCReport) DumpText() string { return r.text }

// JSON is libcima's JSON object of the report ("version": 1).
func (r *CCReport) JSON() string { return r.json }

// IMRGroup gives the register values the report carries: the quoted PCRs
// (TPM), RTMR0-3 as IMR 0-3 (TDX), MEASUREMENT (SNP).
func (r *CCReport) IMRGroup() IMRGroup { return r.imrs }

// Dump prints the report: QuoteDumpFormatRaw as hex lines of the evidence,
// otherwise libcima's readable dump.
func (r *CCReport) Dump(f QuoteDumpFormat) {
	if f == QuoteDumpFormatRaw {
		fmt.Print(hex.Dump(r.Blob))
		return
	}
	fmt.Print(r.text)
}

// InitFromBytes parses captured evidence (no platform needed): a TDX quote
// (v4/v5), a TDREPORT (1024 bytes) or an SNP report.
func (r *CCReport) InitFromBytes(b []byte) error {
	p, err := ParseEvidence(b)
	if err != nil {
		return err
	}
	*r = *p
	return nil
}

// Verify checks a TPM quote with the library (software, no TPM I/O): the
// signature under the AK, extraData = ReportData, the PCR digest over
// PCRValues.  Other kinds give EOPNOTSUPP.
func (r *CCReport) Verify() error {
	if r.Kind != ReportTPMQuote {
		return argErrno("Verify", 95, "only TPM quotes are verified by the library (this is %s)", r.KindName)
	}
	return VerifyTPMQuote(r.Blob, r.Signature, r.AKPublic, r.ReportData, r.PCRValues)
}

func argErrno(op string, errno int, format string, a ...interface{}) error {
	e := argErr(op, format, a...).(*Error)
	e.Errno = errnoT(errno)
	return e
}

// VerifyTPMQuote is cima_tpm_quote_verify over captured bytes: a marshalled
// TPMS_ATTEST, TPMT_SIGNATURE and TPM2B_PUBLIC, the expected qualifying
// data (nil: not checked, no_qualifying_data) and PCR values (nil: not
// checked).
func VerifyTPMQuote(attest, signature, akPublic, qualifyingData, pcrValues []byte) error {
	c := (*C.struct_cima_tpm_quote_check)(C.calloc(1, C.sizeof_struct_cima_tpm_quote_check))
	defer C.free(unsafe.Pointer(c))
	c.sz = C.sizeof_struct_cima_tpm_quote_check
	var bufs []unsafe.Pointer
	defer func() {
		for _, p := range bufs {
			C.free(p)
		}
	}()
	put := func(b []byte) (*C.uint8_t, C.size_t) {
		if b == nil {
			return nil, 0
		}
		p := C.CBytes(b)
		bufs = append(bufs, p)
		return (*C.uint8_t)(p), C.size_t(len(b))
	}
	c.attest, c.attest_len = put(attest)
	c.signature, c.signature_len = put(signature)
	c.ak_public, c.ak_public_len = put(akPublic)
	c.qualifying_data, c.qualifying_data_len = put(qualifyingData)
	c.pcr_values, c.pcr_values_len = put(pcrValues)
	c.no_qualifying_data = C.bool(qualifyingData == nil)
	defer lock()()
	if rc := C.cima_tpm_quote_verify(c); rc < 0 {
		return libErr("VerifyTPMQuote", int(rc))
	}
	return nil
}

// tdxIMRs: IMR n = RTMR n, as the original SDK numbers them (MRTD is the
// report's MRTD field, not an IMR).
func tdxIMRs(b *C.struct_cima_tdx_td_info) IMRGroup {
	g := IMRGroup{MaxIndex: 3}
	for i := 0; i < 4; i++ {
		g.Group = append(g.Group, TcgDigest{TPM_ALG_SHA384, C.GoBytes(unsafe.Pointer(&b.rtmr[i][0]), 48)})
	}
	return g
}

// ParseEvidence parses captured evidence bytes: a TDX quote, a TDREPORT or
// an SNP attestation report (tried in that order).  The error of the last
// parser tried carries the library's message.
func ParseEvidence(b []byte) (*CCReport, error) {
	if len(b) == 0 {
		return nil, argErr("ParseEvidence", "empty evidence")
	}
	cb := C.CBytes(b)
	defer C.free(cb)
	n := C.size_t(len(b))
	defer lock()()
	r := &CCReport{Blob: append([]byte(nil), b...)}
	var q C.struct_cima_tdx_quote
	if C.cima_tdx_quote_parse(cb, n, &q) == 0 {
		r.Kind, r.imrs = ReportTDXQuote, tdxIMRs(&q.body)
		r.MRTD = C.GoBytes(unsafe.Pointer(&q.body.mr_td[0]), 48)
		r.ReportData = C.GoBytes(unsafe.Pointer(&q.body.report_data[0]), 64)
		r.Blob = r.Blob[:int(q.total_len)]
		r.text = dumpParsed(func(f *C.FILE) C.int { return C.cima_tdx_quote_dump(&q, f) })
	} else if len(b) == C.CIMA_TDX_TDREPORT_SIZE {
		var t C.struct_cima_tdx_tdreport
		if rc := C.cima_tdx_tdreport_parse(cb, n, &t); rc < 0 {
			return nil, libErr("ParseEvidence(tdreport)", int(rc))
		}
		r.Kind, r.imrs = ReportTDXTDReport, tdxIMRs(&t.body)
		r.MRTD = C.GoBytes(unsafe.Pointer(&t.body.mr_td[0]), 48)
		r.ReportData = C.GoBytes(unsafe.Pointer(&t.body.report_data[0]), 64)
		r.text = dumpParsed(func(f *C.FILE) C.int { return C.cima_tdx_tdreport_dump(&t, f) })
	} else {
		var s C.struct_cima_snp_report
		if rc := C.cima_snp_report_parse(cb, n, &s); rc < 0 {
			return nil, libErr("ParseEvidence (neither a TDX quote nor an SNP report)", int(rc))
		}
		r.Kind = ReportSNP
		r.imrs = IMRGroup{MaxIndex: 0, Group: []TcgDigest{{TPM_ALG_SHA384, C.GoBytes(unsafe.Pointer(&s.measurement[0]), 48)}}}
		r.ReportData = C.GoBytes(unsafe.Pointer(&s.report_data[0]), 64)
		r.text = dumpParsed(func(f *C.FILE) C.int { return C.cima_snp_report_dump(&s, f) })
	}
	r.KindName = C.GoString(C.cima_report_kind_name(C.int(r.Kind)))
	return r, nil
}

// dumpParsed runs a parser's _dump into a string through a memstream.
func dumpParsed(fn func(*C.FILE) C.int) string {
	var buf *C.char
	var size C.size_t
	f := C.open_memstream(&buf, &size)
	if f == nil {
		return ""
	}
	fn(f)
	C.fclose(f)
	defer C.free(unsafe.Pointer(buf))
	return C.GoStringN(buf, C.int(size))
}

// DecodeBase64 decodes an SDK nonce or user-data string strictly (RFC 4648
// standard alphabet, padding required, no whitespace); "" is no input.
func DecodeBase64(what, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return nil, argErr("GetCCReport", "%s: base64: whitespace is not allowed", what)
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, argErr("GetCCReport", "%s: base64: %v", what, err)
	}
	return b, nil
}
