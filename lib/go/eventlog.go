// SPDX-License-Identifier: LGPL-2.1-or-later

package cima

/*
#include <stdlib.h>
#include "cima_go.h"
*/
import "C"

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"os"
	"runtime"
	"sort"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// Sources of events (enum cima_source).
const (
	SourceAll      = "all"
	SourceFirmware = "firmware"
	SourceCCEL     = "ccel"
	SourceIMA      = "ima"
	SourceCIMA     = "cima"
)

func cstr(s string) *C.char { return C.CString(s) }
func freeStr(p *C.char)     { C.free(unsafe.Pointer(p)) }

// logRef owns one struct cima_eventlog.  Events keep it alive (Dump, Check
// and whole-log replay go through the library); it is freed by Close or,
// failing that, by its finalizer once nothing refers to it.
type logRef struct {
	h *C.struct_cima_eventlog
	n int
}

func newLogRef(h *C.struct_cima_eventlog) *logRef {
	r := &logRef{h: h, n: int(C.cima_eventlog_count(h))}
	atomic.AddInt64(&liveHandles, 1)
	runtime.SetFinalizer(r, (*logRef).free)
	return r
}

func (r *logRef) free() {
	if r.h != nil {
		C.cima_eventlog_free(r.h)
		r.h = nil
		atomic.AddInt64(&liveHandles, -1)
	}
	runtime.SetFinalizer(r, nil)
}

// TcgImrEvent is one event, with the original SDK's fields first and
// libcima's extra facts after them.  All of it is Go memory.
type TcgImrEvent struct {
	ImrIndex   uint32         // register replayed into: PCR, or RTMR number (IMRNone: MRTD record)
	EventType  TcgEventType   // TCG type; IMA entries: IMA_MEASUREMENT_EVENT
	Digests    []TcgDigest    // as recorded (IMA: the one template digest)
	EventSize  uint32         // len(Event)
	Event      []byte         // event data (IMA: the template data as hashed)
	FormatType TcgEventFormat // TCG_PCCLIENT_FORMAT

	Source       string // "firmware", "ccel", "ima", "cima"
	Number       int    // position in the whole log
	Offset       int    // byte offset in its source
	LogIndex     uint32 // register number as written in the log
	RawType      uint32 // type as libcima reports it (IMA: 0)
	Measured     bool   // extended into a register (false for EV_NO_ACTION)
	TemplateName string // IMA template ("ima-ng"), else ""
	Violation    bool   // IMA violation (extends 0xff..ff)

	log *logRef
	pos int
}

var _ FormatedTcgEvent = (*TcgImrEvent)(nil)

func (e *TcgImrEvent) GetFormatType() TcgEventFormat { return e.FormatType }
func (e *TcgImrEvent) GetImrIndex() uint32           { return e.ImrIndex }
func (e *TcgImrEvent) GetEventType() TcgEventType    { return e.EventType }
func (e *TcgImrEvent) GetDigests() []TcgDigest       { return e.Digests }

// Digest is the recorded digest for alg, or nil.
func (e *TcgImrEvent) Digest(alg TCG_ALG) []byte {
	for _, d := range e.Digests {
		if d.AlgID == alg {
			return d.Hash
		}
	}
	return nil
}

// DumpText is libcima's SDK layout of the event (number, index, type,
// digests, hex + ASCII data).
func (e *TcgImrEvent) DumpText() (string, error) {
	if err := e.log.check("Dump"); err != nil {
		return "", err
	}
	defer lock()()
	var rc C.int
	p := C.cima_go_event_dump(C.cima_eventlog_event(e.log.h, C.size_t(e.pos)), &rc)
	runtime.KeepAlive(e.log)
	if p == nil {
		return "", libErr("Dump", int(rc))
	}
	defer C.free(unsafe.Pointer(p))
	if rc < 0 {
		return "", libErr("Dump", int(rc))
	}
	return C.GoString(p), nil
}

// Dump prints DumpText on stdout (the original SDK's Dump()).
func (e *TcgImrEvent) Dump() {
	s, err := e.DumpText()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Print(s)
}

// Check recomputes the digests the format defines from the event data
// (cima_event_check); an *Error with EBADMSG names the event otherwise.
func (e *TcgImrEvent) Check() error {
	if err := e.log.check("Check"); err != nil {
		return err
	}
	defer lock()()
	rc := C.cima_event_check(C.cima_eventlog_event(e.log.h, C.size_t(e.pos)))
	runtime.KeepAlive(e.log)
	if rc < 0 {
		return libErr(fmt.Sprintf("Check(event %d)", e.Number), int(rc))
	}
	return nil
}

func copyEvents(ref *logRef) []FormatedTcgEvent {
	out := make([]FormatedTcgEvent, ref.n)
	for i := 0; i < ref.n; i++ {
		ev := C.cima_eventlog_event(ref.h, C.size_t(i))
		e := &TcgImrEvent{
			ImrIndex:   uint32(C.cima_event_index(ev)),
			RawType:    uint32(C.cima_event_type(ev)),
			FormatType: TCG_PCCLIENT_FORMAT,
			Number:     int(C.cima_event_number(ev)),
			Offset:     int(C.cima_event_offset(ev)),
			LogIndex:   uint32(C.cima_event_log_index(ev)),
			Measured:   bool(C.cima_event_is_measured(ev)),
			Violation:  bool(C.cima_event_is_violation(ev)),
			log:        ref,
			pos:        i,
		}
		e.EventType = TcgEventType(e.RawType)
		if s := C.cima_source_name(C.cima_event_source(ev)); s != nil {
			e.Source = C.GoString(s)
		}
		if t := C.cima_event_ima_template(ev); t != nil {
			e.TemplateName = C.GoString(t)
			e.EventType = IMA_MEASUREMENT_EVENT
		}
		nd := int(C.cima_event_digest_count(ev))
		e.Digests = make([]TcgDigest, 0, nd)
		for k := 0; k < nd; k++ {
			var alg C.uint16_t
			var n C.size_t
			p := C.cima_event_digest(ev, C.size_t(k), &alg, &n)
			e.Digests = append(e.Digests, TcgDigest{AlgID: TCG_ALG(alg), Hash: bytesAt(p, n)})
		}
		var dl C.size_t
		e.Event = bytesAt(C.cima_event_data(ev, &dl), dl)
		e.EventSize = uint32(len(e.Event))
		out[i] = e
	}
	runtime.KeepAlive(ref)
	return out
}

// EventLog is a parsed log: one or more sources in boot order.  Close frees
// the library's copy; events taken from it stay valid (they keep what they
// need alive).
type EventLog struct {
	ref    *logRef
	events []FormatedTcgEvent
}

func sourceNum(op, source string) (C.int, error) {
	cs := cstr(source)
	defer freeStr(cs)
	defer lock()()
	rc := C.cima_source_from_name(cs)
	if rc < 0 {
		return 0, libErr(op, int(rc))
	}
	return rc, nil
}

func wrapLog(op string, h *C.struct_cima_eventlog, err error) (*EventLog, error) {
	if h == nil {
		return nil, libErr(op, errnoOf(err))
	}
	ref := newLogRef(h)
	return &EventLog{ref: ref, events: copyEvents(ref)}, nil
}

// ParseEventLog parses a captured log (bytes of binary_bios_measurements,
// the CCEL area, IMA's binary_runtime_measurements or cima's) from memory;
// no live platform is used.  source is "firmware", "ccel", "ima" or "cima".
func ParseEventLog(data []byte, source string) (*EventLog, error) {
	op := "ParseEventLog(" + source + ")"
	src, err := sourceNum(op, source)
	if err != nil {
		return nil, err
	}
	if src == C.CIMA_SOURCE_ALL {
		return nil, argErr(op, "parse one source at a time, not %q", source)
	}
	defer lock()()
	h, cerr := C.cima_eventlog_parse(cbuf(data), C.size_t(len(data)), src)
	return wrapLog(op, h, cerr)
}

// OpenEventLog reads a log file (path "" = the live file of source; source
// "all" reads every live source).
func OpenEventLog(path, source string) (*EventLog, error) {
	op := "OpenEventLog(" + source + ")"
	src, err := sourceNum(op, source)
	if err != nil {
		return nil, err
	}
	var o C.struct_cima_eventlog_opts
	o.sz = C.size_t(unsafe.Sizeof(o))
	o.source = src
	if path != "" {
		o.path = cstr(path)
		defer freeStr(o.path)
		op = "OpenEventLog(" + source + ", " + path + ")"
	}
	defer lock()()
	h, cerr := C.cima_eventlog_open(&o)
	return wrapLog(op, h, cerr)
}

// Events of the log, in order.
func (l *EventLog) Events() []FormatedTcgEvent { return l.events }

// Close frees the library's copy of the log now rather than when the log
// and its events become unreachable (finalizer).  The events' Go fields stay
// valid; their Dump and Check, and replays through libcima, then fail with
// "event log closed".  Close must not run concurrently with those calls.
func (l *EventLog) Close() {
	if l != nil && l.ref != nil {
		l.ref.free()
	}
}

func (l *EventLog) handle(op string) (*logRef, error) {
	if l == nil || l.ref == nil || l.ref.h == nil {
		return nil, argErr(op, "event log closed")
	}
	return l.ref, nil
}

func (r *logRef) check(op string) error {
	if r == nil || r.h == nil {
		return argErr(op, "event log closed")
	}
	return nil
}

// Banks the log's headers declare.
func (l *EventLog) Banks() ([]TCG_ALG, error) {
	ref, err := l.handle("Banks")
	if err != nil {
		return nil, err
	}
	var algs [C.CIMA_MAX_BANKS]C.uint16_t
	defer lock()()
	n := int(C.cima_eventlog_banks(ref.h, &algs[0], C.CIMA_MAX_BANKS))
	runtime.KeepAlive(ref)
	if n < 0 {
		return nil, libErr("Banks", n)
	}
	out := make([]TCG_ALG, 0, n)
	for i := 0; i < n && i < len(algs); i++ {
		out = append(out, TCG_ALG(algs[i]))
	}
	return out, nil
}

// IsCC tells whether the log is a CC log (a CCEL source: indexes are RTMRs).
func (l *EventLog) IsCC() bool {
	if l == nil || l.ref == nil || l.ref.h == nil {
		return false
	}
	v := bool(C.cima_eventlog_is_cc(l.ref.h))
	runtime.KeepAlive(l.ref)
	return v
}

// ReplayOptions select banks and modes of a libcima replay.
type ReplayOptions struct {
	Banks         []TCG_ALG // nil: the banks the log declares
	Container     string    // only this container's own cima events
	IMASha1Padded bool      // IMA extends zero-padded SHA-1 in other banks
}

func replayToMap(op string, r *C.struct_cima_replay) (map[int]map[TCG_ALG][]byte, error) {
	defer C.cima_replay_free(r)
	out := map[int]map[TCG_ALG][]byte{}
	n := int(C.cima_replay_count(r))
	for i := 0; i < n; i++ {
		var idx C.uint32_t
		var alg C.uint16_t
		var v *C.uint8_t
		var l C.size_t
		if rc := C.cima_replay_entry(r, C.size_t(i), &idx, &alg, &v, &l); rc < 0 {
			return nil, libErr(op, int(rc))
		}
		m := out[int(idx)]
		if m == nil {
			m = map[TCG_ALG][]byte{}
			out[int(idx)] = m
		}
		m[TCG_ALG(alg)] = bytesAt(v, l)
	}
	return out, nil
}

// Replay extends every measured event into its register in every bank
// (libcima's replay: StartupLocality, IMA banks, cima records).
func (l *EventLog) Replay(opts *ReplayOptions) (map[int]map[TCG_ALG][]byte, error) {
	ref, err := l.handle("Replay")
	if err != nil {
		return nil, err
	}
	return replayRef(ref, opts)
}

func replayRef(ref *logRef, opts *ReplayOptions) (map[int]map[TCG_ALG][]byte, error) {
	const op = "Replay"
	var o C.struct_cima_replay_opts
	o.sz = C.size_t(unsafe.Sizeof(o))
	var banks []C.uint16_t
	if opts != nil {
		for _, b := range opts.Banks {
			if b <= 0 || b > 0xffff {
				return nil, argErr(op, "bank %#x out of range", int32(b))
			}
			banks = append(banks, C.uint16_t(b))
		}
		if len(banks) > 0 {
			p := (*C.uint16_t)(C.malloc(C.size_t(len(banks)) * 2))
			defer C.free(unsafe.Pointer(p))
			copy(unsafe.Slice(p, len(banks)), banks)
			o.banks = p
			o.nbanks = C.size_t(len(banks))
		}
		if opts.Container != "" {
			o.container = cstr(opts.Container)
			defer freeStr(o.container)
		}
		o.ima_sha1_padded = C.bool(opts.IMASha1Padded)
	}
	defer lock()()
	r, cerr := C.cima_replay_eventlog(ref.h, &o)
	runtime.KeepAlive(ref)
	if r == nil {
		return nil, libErr(op, errnoOf(cerr))
	}
	return replayToMap(op, r)
}

// VerifyOptions: compare with Expected (nil: the live registers).
type VerifyOptions struct {
	Expected     map[int]map[TCG_ALG][]byte
	TPMSysfs     string // live TPM PCRs from here (default /sys/class/tpm/tpm0)
	NoEventCheck bool   // skip the per-event digest check
}

// Mismatch is one register whose replay differs from the expected value.
type Mismatch struct {
	Index    int
	AlgID    TCG_ALG
	Replayed []byte
	Expected []byte
}

// VerifyResult lists what Verify compared.
type VerifyResult struct {
	Compared, Unavailable int
	Mismatches            []Mismatch
	BadEvents             []string  // libcima's description of each inconsistent event
	SHA1Strength          []TCG_ALG // banks whose IMA values matched only as zero-padded SHA-1
	Text                  string    // cima_verify_dump: one line per value compared
}

// Verify replays the log and compares every (index, bank) value with the
// expected (or live) one and checks every event's digests.  It returns the
// result and nil when all agree; the result and an *Error (EBADMSG, the
// library's message naming the first difference) when something differs;
// nil and an *Error (ENODATA: nothing to compare, or other) otherwise.
func (l *EventLog) Verify(opts *VerifyOptions) (*VerifyResult, error) {
	const op = "Verify"
	ref, err := l.handle(op)
	if err != nil {
		return nil, err
	}
	var o C.struct_cima_verify_opts
	o.sz = C.size_t(unsafe.Sizeof(o))
	if opts != nil {
		if opts.Expected != nil {
			exp, err := newCReplay(op, opts.Expected)
			if err != nil {
				return nil, err
			}
			defer C.cima_replay_free(exp)
			o.expected = exp
		}
		if opts.TPMSysfs != "" {
			o.tpm_sysfs = cstr(opts.TPMSysfs)
			defer freeStr(o.tpm_sysfs)
		}
		o.no_event_check = C.bool(opts.NoEventCheck)
	}
	defer lock()()
	var res *C.struct_cima_verify_result
	rc := C.cima_verify_eventlog(ref.h, &o, &res)
	runtime.KeepAlive(ref)
	var verr error
	if rc < 0 {
		verr = libErr(op, int(rc))
	}
	if res == nil {
		return nil, verr
	}
	defer C.cima_verify_result_free(res)
	out := &VerifyResult{
		Compared:    int(C.cima_verify_compared(res)),
		Unavailable: int(C.cima_verify_unavailable(res)),
	}
	for i := 0; i < int(C.cima_verify_mismatches(res)); i++ {
		var idx C.uint32_t
		var alg C.uint16_t
		var a, b *C.uint8_t
		var n C.size_t
		if C.cima_verify_mismatch(res, C.size_t(i), &idx, &alg, &a, &b, &n) == 0 {
			out.Mismatches = append(out.Mismatches, Mismatch{int(idx), TCG_ALG(alg), bytesAt(a, n), bytesAt(b, n)})
		}
	}
	for i := 0; i < int(C.cima_verify_bad_events(res)); i++ {
		out.BadEvents = append(out.BadEvents, C.GoString(C.cima_verify_bad_event(res, C.size_t(i))))
	}
	var weak [C.CIMA_MAX_BANKS]C.uint16_t
	if n := int(C.cima_verify_sha1_strength(res, &weak[0], C.CIMA_MAX_BANKS)); n > 0 {
		for i := 0; i < n && i < len(weak); i++ {
			out.SHA1Strength = append(out.SHA1Strength, TCG_ALG(weak[i]))
		}
	}
	var drc C.int
	if p := C.cima_go_verify_dump(res, &drc); p != nil {
		out.Text = C.GoString(p)
		C.free(unsafe.Pointer(p))
	}
	return out, verr
}

// newCReplay builds a cima_replay of given values (caller frees).
func newCReplay(op string, vals map[int]map[TCG_ALG][]byte) (*C.struct_cima_replay, error) {
	defer lock()()
	r, cerr := C.cima_replay_new()
	if r == nil {
		return nil, libErr(op, errnoOf(cerr))
	}
	for idx, banks := range vals {
		for alg, v := range banks {
			if idx < 0 || alg <= 0 || alg > 0xffff {
				C.cima_replay_free(r)
				return nil, argErr(op, "expected value %d/%#x out of range", idx, int32(alg))
			}
			rc := C.cima_replay_set(r, C.uint32_t(idx), C.uint16_t(alg), (*C.uint8_t)(cbuf(v)), C.size_t(len(v)))
			if rc < 0 {
				C.cima_replay_free(r)
				return nil, libErr(op, int(rc))
			}
		}
	}
	return r, nil
}

// wholeLog returns the log the events are, in order and complete, or nil.
func wholeLog(events []FormatedTcgEvent) *logRef {
	if len(events) == 0 {
		return nil
	}
	var ref *logRef
	for i, fe := range events {
		e, ok := fe.(*TcgImrEvent)
		if !ok || e.log == nil || e.pos != i || (ref != nil && e.log != ref) {
			return nil
		}
		ref = e.log
	}
	if ref.n != len(events) || ref.h == nil {
		return nil
	}
	return ref
}

func newHash(alg TCG_ALG) hash.Hash {
	switch alg {
	case TPM_ALG_SHA1:
		return sha1.New()
	case TPM_ALG_SHA256:
		return sha256.New()
	case TPM_ALG_SHA384:
		return sha512.New384()
	case TPM_ALG_SHA512:
		return sha512.New()
	}
	return nil
}

var startupLocality = []byte("StartupLocality\x00")

// IMRNone is the ImrIndex of a record no register replays (a CCEL MRTD
// record; CIMA_IMR_NONE).
const IMRNone = ^uint32(0)

// ReplayEvents replays a list of events.  A list that is exactly one log as
// returned by this package is replayed by libcima; any other list (a slice,
// a filter, events of several logs) is replayed here: every measured event
// extends each recorded digest, R = H(R || digest), from zero (PCR 0 from
// a StartupLocality event in the list).
func ReplayEvents(events []FormatedTcgEvent, opts *ReplayOptions) (map[int]map[TCG_ALG][]byte, error) {
	if ref := wholeLog(events); ref != nil {
		return replayRef(ref, opts)
	}
	if opts != nil && (opts.Container != "" || opts.IMASha1Padded || len(opts.Banks) > 0) {
		return nil, argErr("ReplayEvents", "options need a whole log as returned by this package")
	}
	out := map[int]map[TCG_ALG][]byte{}
	for i, fe := range events {
		if fe == nil {
			return nil, argErr("ReplayEvents", "event %d is nil", i)
		}
		e, _ := fe.(*TcgImrEvent)
		if fe.GetEventType() == EV_NO_ACTION {
			if e != nil && fe.GetImrIndex() == 0 && len(e.Event) >= 17 && bytes.HasPrefix(e.Event, startupLocality) {
				loc := e.Event[16]
				for alg := range TPM_ALG_HASH_DIGEST_SIZE_TABLE {
					if newHash(alg) == nil {
						continue
					}
					v := make([]byte, TPM_ALG_HASH_DIGEST_SIZE_TABLE[alg])
					v[len(v)-1] = loc
					if out[0] == nil {
						out[0] = map[TCG_ALG][]byte{}
					}
					out[0][alg] = v
				}
			}
			continue
		}
		if (e != nil && !e.Measured) || fe.GetImrIndex() == IMRNone {
			continue
		}
		idx := int(fe.GetImrIndex())
		if out[idx] == nil {
			out[idx] = map[TCG_ALG][]byte{}
		}
		for _, d := range fe.GetDigests() {
			h := newHash(d.AlgID)
			if h == nil {
				return nil, &Error{Op: "ReplayEvents", Errno: syscall.EOPNOTSUPP,
					Msg: fmt.Sprintf("event %d: cannot replay algorithm %v", i, d.AlgID)}
			}
			ext := d.Hash
			if e != nil && e.Violation {
				ext = bytes.Repeat([]byte{0xff}, h.Size())
			}
			cur, ok := out[idx][d.AlgID]
			if !ok {
				cur = make([]byte, h.Size())
			}
			h.Write(cur)
			h.Write(ext)
			out[idx][d.AlgID] = h.Sum(nil)
		}
	}
	// A StartupLocality seeds banks PCR 0 never extends: drop those.
	if m := out[0]; m != nil {
		used := map[TCG_ALG]bool{}
		for _, fe := range events {
			if fe.GetImrIndex() == 0 && fe.GetEventType() != EV_NO_ACTION {
				for _, d := range fe.GetDigests() {
					used[d.AlgID] = true
				}
			}
		}
		for alg := range m {
			if !used[alg] {
				delete(m, alg)
			}
		}
		if len(m) == 0 {
			delete(out, 0)
		}
	}
	return out, nil
}

// SortedIndexes lists a replay's register indexes in order.
func SortedIndexes(m map[int]map[TCG_ALG][]byte) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
