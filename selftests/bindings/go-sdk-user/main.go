// SPDX-License-Identifier: LGPL-2.1-or-later

// A program written as a user of the evidence SDK would write it, over
// lib/go (package cima).  selftests/bindings/test_bindings.sh runs it in the
// test VM and compares what it prints with the cima tool:
//
//	go-sdk-user info                  default algorithm and register count
//	go-sdk-user measure ALG           "<index> <alg> <hex>" for every register
//	go-sdk-user measure1 INDEX ALG    one register (errors: the library's text)
//	go-sdk-user report NONCE DATA DIR quote of base64 NONCE and DATA into DIR
//	go-sdk-user replay                replay of every live log, "<index> <alg> <hex>"
package main

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"cima"
)

func die(err error) {
	fmt.Fprintln(os.Stderr, "go-sdk-user:", err)
	os.Exit(1)
}

func main() {
	sdk := cima.SDK{}
	if len(os.Args) < 2 {
		die(fmt.Errorf("usage: go-sdk-user info|measure|measure1|report|replay"))
	}
	switch os.Args[1] {
	case "info":
		alg, err := sdk.GetDefaultAlgorithm()
		if err != nil {
			die(err)
		}
		count, err := sdk.GetMeasurementCount()
		if err != nil {
			die(err)
		}
		fmt.Println(alg.Name(), count)
	case "measure", "measure1":
		name := os.Args[2]
		first, last := 0, -1
		if os.Args[1] == "measure1" {
			i, _ := strconv.Atoi(os.Args[2])
			first, last, name = i, i, os.Args[3]
		}
		alg, err := cima.AlgFromName(name)
		if err != nil {
			die(err)
		}
		if last < 0 {
			count, err := sdk.GetMeasurementCount()
			if err != nil {
				die(err)
			}
			last = count - 1
		}
		for i := first; i <= last; i++ {
			m, err := sdk.GetCCMeasurement(i, alg)
			if err != nil {
				die(err)
			}
			fmt.Printf("%d %s %x\n", i, m.AlgID.Name(), m.Hash)
		}
	case "report":
		report, err := sdk.GetCCReport(os.Args[2], os.Args[3], nil)
		if err != nil {
			die(err)
		}
		r := report.(*cima.CCReport)
		dir := os.Args[4]
		files := map[string][]byte{
			"qualification": r.ReportData,
			"message":       r.Blob,
			"signature":     r.Signature,
			"akpub":         r.AKPublic,
			"pcrs.values":   r.PCRValues,
			"ak.pem":        []byte(r.AKPEM),
		}
		for n, b := range files {
			if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
				die(err)
			}
		}
		if err := r.Verify(); err != nil {
			die(err)
		}
		fmt.Printf("%s %s %d\n", r.KindName, r.PCRAlg.Name(), len(r.IMRGroup().Group))
	case "replay":
		events, err := sdk.GetCCEventLog()
		if err != nil {
			die(err)
		}
		replay := sdk.ReplayCCEventLog(events)
		if replay == nil {
			die(fmt.Errorf("replay failed"))
		}
		for _, idx := range cima.SortedIndexes(replay) {
			algs := []int{}
			for a := range replay[idx] {
				algs = append(algs, int(a))
			}
			sort.Ints(algs)
			for _, a := range algs {
				fmt.Printf("%d %s %s\n", idx, cima.TCG_ALG(a).Name(), hex.EncodeToString(replay[idx][cima.TCG_ALG(a)]))
			}
		}
	default:
		die(fmt.Errorf("unknown command %q", os.Args[1]))
	}
}
