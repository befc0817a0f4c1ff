// SPDX-License-Identifier: LGPL-2.1-or-later

// Host tests of the Go binding: captured logs (tests/data/vm-*, and the
// published logs under $CIMA_TESTDATA) replay to values that came from
// elsewhere (tpm2_pcrread in the same boot, the publishing projects'
// expected.json); bad input gives *Error values carrying libcima's text.
package cima

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func top(t *testing.T) string {
	if d := os.Getenv("CIMA_TOP"); d != "" {
		return d
	}
	d, _ := filepath.Abs("../..")
	return d
}

func testdata(t *testing.T) string {
	if d := os.Getenv("CIMA_TESTDATA"); d != "" {
		return d
	}
	return filepath.Join(top(t), "..", "shared", "testdata")
}

func read(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type values = map[int]map[TCG_ALG][]byte

var algByName = map[string]TCG_ALG{"sha1": TPM_ALG_SHA1, "sha256": TPM_ALG_SHA256,
	"sha384": TPM_ALG_SHA384, "sha512": TPM_ALG_SHA512}

func set(v values, idx int, alg TCG_ALG, hexv string) error {
	b, err := hex.DecodeString(hexv)
	if err != nil {
		return err
	}
	if v[idx] == nil {
		v[idx] = map[TCG_ALG][]byte{}
	}
	v[idx][alg] = b
	return nil
}

// pcrs.txt: "<index> <alg> <hex>" lines from tpm2_pcrread (pcrread2txt.sh).
func readPcrs(t *testing.T, p string) values {
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := values{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		w := strings.Fields(s.Text())
		if len(w) != 3 {
			continue
		}
		idx, err1 := strconv.Atoi(w[0])
		alg, ok := algByName[w[1]]
		if err1 != nil || !ok {
			continue
		}
		if err := set(v, idx, alg, w[2]); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// compare: every replayed value must equal the expected one; at least need
// values compared.  Values missing from want are allowed only in skip.
func compare(t *testing.T, what string, got, want values, need int) {
	t.Helper()
	n := 0
	for idx, banks := range got {
		for alg, v := range banks {
			w, ok := want[idx][alg]
			if !ok {
				t.Errorf("%s: %d/%v replayed but not expected", what, idx, alg)
				continue
			}
			if !bytes.Equal(v, w) {
				t.Errorf("%s: %d/%v: replay %x, expected %x", what, idx, alg, v, w)
			}
			n++
		}
	}
	if n < need {
		t.Errorf("%s: only %d values compared (want >= %d)", what, n, need)
	}
}

func vmDirs(t *testing.T) []string {
	d, _ := filepath.Glob(filepath.Join(top(t), "tests", "data", "vm-*"))
	if len(d) == 0 {
		t.Fatal("no tests/data/vm-*")
	}
	return d
}

func TestVMLogsReplayToTPM(t *testing.T) {
	sdk := SDK{}
	for _, d := range vmDirs(t) {
		pcrs := readPcrs(t, filepath.Join(d, "pcrs.txt"))
		for _, c := range []struct {
			src  string
			need int
		}{{"firmware", 8}, {"cima", 2}} {
			what := filepath.Base(d) + " " + c.src
			l, err := ParseEventLog(read(t, filepath.Join(d, c.src+".bin")), c.src)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			ev := l.Events()
			// The SDK call: a whole log goes through libcima.
			compare(t, what+" (ReplayCCEventLog)", sdk.ReplayCCEventLog(ev), pcrs, c.need)
			// Without the header event, the list is replayed by the binding.
			if ev[0].GetEventType() != EV_NO_ACTION {
				t.Fatalf("%s: first event %v", what, ev[0].GetEventType())
			}
			part, err := ReplayEvents(ev[1:], nil)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, what+" (Go replay of a slice)", part, pcrs, c.need)
			half, _ := ReplayEvents(ev[:len(ev)/2], nil)
			same := true
			for idx, b := range half {
				for alg, v := range b {
					same = same && bytes.Equal(v, part[idx][alg])
				}
			}
			if same {
				t.Errorf("%s: half the log replays to the same values", what)
			}
			// Verify against the TPM's values, then against a changed one.
			res, err := l.Verify(&VerifyOptions{Expected: pcrs})
			if err != nil || res.Compared < c.need || len(res.Mismatches) != 0 {
				t.Errorf("%s: Verify: %v %+v", what, err, res)
			}
			bad := values{}
			for idx, b := range pcrs {
				bad[idx] = map[TCG_ALG][]byte{}
				for alg, v := range b {
					bad[idx][alg] = append([]byte{}, v...)
				}
			}
			idx := int(ev[len(ev)-1].GetImrIndex())
			bad[idx][TPM_ALG_SHA256][0] ^= 1
			res, err = l.Verify(&VerifyOptions{Expected: bad})
			var ce *Error
			if !errors.As(err, &ce) || !errors.Is(err, syscall.EBADMSG) || res == nil || len(res.Mismatches) == 0 ||
				!strings.Contains(ce.Msg, strconv.Itoa(idx)) {
				t.Errorf("%s: Verify with a changed PCR %d: err %v res %+v", what, idx, err, res)
			}
			l.Close()
		}
	}
}

func TestCimaEventsAndDump(t *testing.T) {
	for _, d := range vmDirs(t) {
		l, err := ParseEventLog(read(t, filepath.Join(d, "cima.bin")), "cima")
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, fe := range l.Events()[1:] {
			e := fe.(*TcgImrEvent)
			if !bytes.HasPrefix(e.Event, []byte("cima/1 ")) || e.EventType != EV_ACTION ||
				e.Source != "cima" || int(e.EventSize) != len(e.Event) {
				t.Errorf("%s: event %d: %+v", d, e.Number, e)
			}
			kinds[strings.Fields(string(e.Event))[1]] = true
			if err := e.Check(); err != nil {
				t.Errorf("%s: event %d: %v", d, e.Number, err)
			}
		}
		if !kinds["start"] || !kinds["exec"] {
			t.Errorf("%s: kinds %v", d, kinds)
		}
		e := l.Events()[1].(*TcgImrEvent)
		txt, err := e.DumpText()
		if err != nil || !strings.Contains(txt, "EV_ACTION") || !strings.Contains(strings.ReplaceAll(txt, "\n", ""), "cima/1") {
			t.Errorf("%s: dump %q %v", d, txt, err)
		}
		l.Close()
		if _, err := e.DumpText(); err == nil || !strings.Contains(err.Error(), "closed") {
			t.Errorf("dump after Close: %v", err)
		}
	}
}

type expected struct {
	Expected struct {
		Pcrs  map[string]map[string]string `json:"pcrs"`
		Rtmrs map[string]map[string]string `json:"rtmrs"`
		Pcr10 map[string]string            `json:"pcr10"`
	} `json:"expected"`
	Parse struct {
		RecordsTotal int `json:"records_total"`
	} `json:"parse"`
}

func TestPublishedLogs(t *testing.T) {
	td := testdata(t)
	cases := []struct{ file, source string }{
		{"go-tpm-tools/glinux-alex.bin", "firmware"},
		{"tpm2-tools/event-gce-ubuntu-2104-log.bin", "firmware"},
		{"tpm2-tools/event-sd-boot-fedora37.bin", "firmware"},
		{"tpm2-tools/event-uefi-sha1-log.bin", "firmware"},
		{"go-eventlog/cos-113-intel-tdx.bin", "ccel"},
		{"ibmtss/sha1.log", "ima"},
		{"ibmtss/imatest.log", "ima"},
	}
	for _, c := range cases {
		var x expected
		if err := json.Unmarshal(read(t, filepath.Join(td, c.file+".expected.json")), &x); err != nil {
			t.Fatal(err)
		}
		want := values{}
		for alg, m := range x.Expected.Pcrs {
			for i, v := range m {
				n, _ := strconv.Atoi(i)
				set(want, n, algByName[alg], v)
			}
		}
		for alg, m := range x.Expected.Rtmrs {
			for i, v := range m {
				n, _ := strconv.Atoi(strings.TrimPrefix(i, "RTMR"))
				set(want, n, algByName[alg], v) // IMR n = RTMR n
			}
		}
		for alg, v := range x.Expected.Pcr10 {
			set(want, 10, algByName[alg], v)
		}
		l, err := ParseEventLog(read(t, filepath.Join(td, c.file)), c.source)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if x.Parse.RecordsTotal > 0 && len(l.Events()) != x.Parse.RecordsTotal {
			t.Errorf("%s: %d events, expected %d", c.file, len(l.Events()), x.Parse.RecordsTotal)
		}
		got, err := l.Replay(nil)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		// Compare every expected value (the replay may have more registers).
		n := 0
		for idx, b := range want {
			for alg, w := range b {
				g, ok := got[idx][alg]
				if !ok && bytes.Equal(w, make([]byte, len(w))) {
					g = w // never extended: still zero
				}
				if !bytes.Equal(g, w) {
					t.Errorf("%s: %d/%v: replay %x, expected %x", c.file, idx, alg, got[idx][alg], w)
				}
				n++
			}
		}
		if n < 3 {
			t.Errorf("%s: only %d expected values", c.file, n)
		}
		if c.source == "ccel" && !l.IsCC() {
			t.Errorf("%s: not a CC log", c.file)
		}
	}
}

func TestTDXQuoteMatchesCCELReplay(t *testing.T) {
	td := testdata(t)
	q, err := ParseEvidence(read(t, filepath.Join(td, "go-tdx-guest/cos-113-tdx-quote.dat")))
	if err != nil {
		t.Fatal(err)
	}
	if q.Kind != ReportTDXQuote || len(q.Blob) != 4935 || !strings.Contains(strings.ToLower(q.DumpText()), "rtmr") {
		t.Errorf("quote: kind %d len %d", q.Kind, len(q.Blob))
	}
	l, err := ParseEventLog(read(t, filepath.Join(td, "go-eventlog/cos-113-intel-tdx.bin")), "ccel")
	if err != nil {
		t.Fatal(err)
	}
	rep := SDK{}.ReplayCCEventLog(l.Events())
	g := q.IMRGroup().Group
	if len(g) != 4 || len(q.MRTD) != 48 || !strings.HasPrefix(hex.EncodeToString(q.MRTD), "dae67181") {
		t.Fatalf("IMR group %d, MRTD %x", len(g), q.MRTD)
	}
	for i := 0; i < 4; i++ {
		v, ok := rep[i][TPM_ALG_SHA384]
		if !ok {
			v = make([]byte, 48) // never extended
		}
		if !bytes.Equal(v, g[i].Hash) {
			t.Errorf("RTMR%d: replay %x quote %x", i, rep[i][TPM_ALG_SHA384], g[i].Hash)
		}
	}
	var r CCReport
	if err := r.InitFromBytes(read(t, filepath.Join(td, "go-sev-guest/attestation.bin"))); err != nil {
		t.Fatal(err)
	}
	m, _ := hex.DecodeString("b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01")
	if r.Kind != ReportSNP || !bytes.Equal(r.IMRGroup().Group[0].Hash, m) {
		t.Errorf("SNP measurement %x", r.IMRGroup().Group)
	}
}

func wantErr(t *testing.T, what string, err error, errno syscall.Errno, parts ...string) {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Errorf("%s: want *cima.Error, got %T %v", what, err, err)
		return
	}
	if errno != 0 && !errors.Is(err, errno) {
		t.Errorf("%s: errno %v, want %v (%v)", what, ce.Errno, errno, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %q lacks %q", what, err.Error(), p)
		}
	}
}

func TestErrorsCarryLibraryText(t *testing.T) {
	td := testdata(t)
	_, err := ParseEventLog(read(t, filepath.Join(td, "keylime/binary_bios_measurements-bogus")), "firmware")
	// libcima's message: "firmware: offset N: event size ... overruns ..."
	wantErr(t, "bogus log", err, syscall.EBADMSG, "ParseEventLog(firmware)", "offset", "overruns")
	fw := read(t, filepath.Join(vmDirs(t)[0], "firmware.bin"))
	_, err = ParseEventLog(fw[:100], "firmware")
	wantErr(t, "truncated log", err, syscall.EBADMSG, "offset")
	_, err = ParseEventLog(fw, "nope")
	wantErr(t, "unknown source", err, syscall.EINVAL, "nope")
	_, err = ParseEventLog(fw, "all")
	wantErr(t, "source all", err, syscall.EINVAL)
	_, err = OpenEventLog("/nonexistent/log", "ima")
	wantErr(t, "missing file", err, syscall.ENOENT, "/nonexistent/log")
	_, err = AlgFromName("md5")
	wantErr(t, "unknown algorithm", err, syscall.EINVAL, "md5")
	_, err = ParseEvidence([]byte("not a quote"))
	wantErr(t, "bad evidence", err, 0, "ParseEvidence")
	sdk := SDK{}
	_, err = sdk.GetCCReport("not base64!", "", nil)
	wantErr(t, "bad nonce", err, syscall.EINVAL, "nonce", "base64")
	_, err = sdk.GetCCReport("", "YWJj\n", nil)
	wantErr(t, "whitespace", err, syscall.EINVAL, "userData", "whitespace")
	_, err = sdk.GetCCReport("", "", map[string]any{"x": 1})
	wantErr(t, "extraArgs", err, syscall.EINVAL, "extraArgs")
	_, err = sdk.GetCCEventLog(1, 2, 3)
	wantErr(t, "three params", err, syscall.EINVAL, "at most two")
	_, err = (&SDK{Platform: "vax"}).GetMeasurementCount()
	wantErr(t, "unknown platform", err, syscall.EINVAL)
	// Oversize nonce: libcima's E2BIG, whatever the platform.
	_, err = sdk.GetCCReportWith(make([]byte, 5000), nil, nil)
	wantErr(t, "oversize nonce", err, syscall.E2BIG)
	// An unknown bank in a replay.
	l, _ := ParseEventLog(fw, "firmware")
	_, err = l.Replay(&ReplayOptions{Banks: []TCG_ALG{0x99}})
	wantErr(t, "unknown bank", err, 0, "Replay")
	err = VerifyTPMQuote([]byte{1, 2, 3}, []byte{1}, []byte{1}, nil, nil)
	wantErr(t, "garbage quote", err, syscall.EBADMSG, "VerifyTPMQuote")
}

// No C handle outlives its Go values, with many goroutines at once (run
// under -race).
func TestConcurrentNoLeak(t *testing.T) {
	runtime.GC()
	base := LiveHandles()
	fw := read(t, filepath.Join(vmDirs(t)[0], "firmware.bin"))
	want, err := ParseEventLog(fw, "firmware")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := want.Replay(nil)
	want.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				l, err := ParseEventLog(fw, "firmware")
				if err != nil {
					errs <- err
					return
				}
				got := SDK{}.ReplayCCEventLog(l.Events())
				if !bytes.Equal(got[7][TPM_ALG_SHA256], ref[7][TPM_ALG_SHA256]) {
					errs <- errors.New("concurrent replay differs")
				}
				if _, err := ParseEventLog(fw[:64], "firmware"); err == nil ||
					!strings.Contains(err.Error(), "offset") {
					errs <- errors.New("concurrent error lost its message: " + err.Error())
				}
				if i%2 == 0 {
					l.Close()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for LiveHandles() > base && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	// Handles of earlier tests may be finalized meanwhile: fewer than at
	// the start is not a leak, more is.
	if n := LiveHandles(); n > base {
		t.Errorf("%d libcima handles still held after GC", n-base)
	}
}

func TestEvidenceBundle(t *testing.T) {
	d := filepath.Join(top(t), "tests", "data", "evidence", "vm-6.12")
	raw := read(t, filepath.Join(d, "bundle.json"))
	nonce, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(read(t, filepath.Join(d, "nonce")))))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := LoadEvidence(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	if ev.Platform() != "tpm" {
		t.Errorf("platform %q", ev.Platform())
	}
	ak := filepath.Join(d, "ak.pem")
	res, err := ev.Verify(&EvidenceVerifyOptions{Nonce: nonce, AKPEMPath: ak})
	if err != nil || res.Failed != "" || len(res.Checks) != 9 || res.Checks[0].Status != "pass" {
		t.Fatalf("verify: %v %+v", err, res)
	}
	// Another nonce: the freshness check fails, with the library's text.
	bad := append([]byte{}, nonce...)
	bad[0] ^= 1
	res, err = ev.Verify(&EvidenceVerifyOptions{Nonce: bad, AKPEMPath: ak})
	wantErr(t, "stale nonce", err, syscall.EKEYREJECTED, "Evidence.Verify")
	if res == nil || res.Failed != "freshness" {
		t.Errorf("stale nonce: %+v", res)
	}
	_, err = ev.Verify(&EvidenceVerifyOptions{})
	wantErr(t, "no nonce", err, syscall.EINVAL)
	// The bundle's logs, once verified, replay like any log.
	fw, err := ev.Log("firmware")
	if err != nil || len(fw.Events()) < 10 {
		t.Fatalf("firmware log: %v", err)
	}
	// Round trip, and a tampered copy.
	js, err := ev.JSON()
	if err != nil {
		t.Fatal(err)
	}
	ev2, err := LoadEvidence(js)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev2.Verify(&EvidenceVerifyOptions{Nonce: nonce, AKPEMPath: ak}); err != nil {
		t.Errorf("reloaded bundle: %v", err)
	}
	ev2.Close()
	_, err = LoadEvidence(bytes.Replace(raw, []byte(`"platform"`), []byte(`"platfrom"`), 1))
	wantErr(t, "unknown key", err, syscall.EBADMSG, "LoadEvidence")
	_, err = LoadEvidence([]byte("{"))
	wantErr(t, "not JSON", err, syscall.EBADMSG)
}
