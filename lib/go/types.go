// SPDX-License-Identifier: LGPL-2.1-or-later

package cima

/*
#include "cima_go.h"
*/
import "C"

import (
	"fmt"
	"strings"
)

// TCG_ALG is a hash algorithm, numbered as TPM_ALG_ID (TCG Algorithm
// Registry), as in the original SDK.
type TCG_ALG int32

const (
	TPM_ALG_ERROR   TCG_ALG = 0x0
	TPM_ALG_RSA     TCG_ALG = 0x1
	TPM_ALG_SHA1    TCG_ALG = 0x4
	TPM_ALG_SHA256  TCG_ALG = 0xB
	TPM_ALG_SHA384  TCG_ALG = 0xC
	TPM_ALG_SHA512  TCG_ALG = 0xD
	TPM_ALG_SM3_256 TCG_ALG = 0x12
	TPM_ALG_ECDSA   TCG_ALG = 0x18
)

// TPM_ALG_HASH_DIGEST_SIZE_TABLE gives the digest size of each hash.
var TPM_ALG_HASH_DIGEST_SIZE_TABLE = map[TCG_ALG]int{
	TPM_ALG_SHA1:    20,
	TPM_ALG_SHA256:  32,
	TPM_ALG_SHA384:  48,
	TPM_ALG_SHA512:  64,
	TPM_ALG_SM3_256: 32,
}

// String is the SDK's name ("TPM_ALG_SHA384").
func (a TCG_ALG) String() string {
	switch a {
	case TPM_ALG_ERROR:
		return "TPM_ALG_ERROR"
	case TPM_ALG_RSA:
		return "TPM_ALG_RSA"
	case TPM_ALG_ECDSA:
		return "TPM_ALG_ECDSA"
	}
	if n := a.Name(); n != "" {
		return "TPM_ALG_" + strings.ToUpper(n)
	}
	return fmt.Sprintf("TPM_ALG_%#x", uint32(a))
}

// Name is libcima's lower-case name ("sha384"), or "" when unknown.
func (a TCG_ALG) Name() string {
	if a <= 0 || a > 0xffff {
		return ""
	}
	p := C.cima_alg_name(C.uint16_t(a))
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// DigestSize is the digest size in bytes, 0 when unknown.
func (a TCG_ALG) DigestSize() int {
	if a <= 0 || a > 0xffff {
		return 0
	}
	return int(C.cima_alg_digest_size(C.uint16_t(a)))
}

// AlgFromName parses "sha384", "SHA384", "12" or "0xc" (libcima's rule).
func AlgFromName(name string) (TCG_ALG, error) {
	cs := cstr(name)
	defer freeStr(cs)
	defer lock()()
	rc := int(C.cima_alg_from_name(cs))
	if rc < 0 {
		return TPM_ALG_ERROR, libErr("AlgFromName("+name+")", rc)
	}
	return TCG_ALG(rc), nil
}

// TcgEventFormat names an event layout, as in the original SDK.
type TcgEventFormat string

const (
	TCG_PCCLIENT_FORMAT  TcgEventFormat = "tcg_pcclient"
	TCG_CANONICAL_FORMAT TcgEventFormat = "tcg_canonical"
)

// TcgEventType is a TCG event type (PC Client PFP spec).
type TcgEventType uint32

const (
	EV_PREBOOT_CERT                  TcgEventType = 0x0
	EV_POST_CODE                     TcgEventType = 0x1
	EV_NO_ACTION                     TcgEventType = 0x3
	EV_SEPARATOR                     TcgEventType = 0x4
	EV_ACTION                        TcgEventType = 0x5
	EV_EVENT_TAG                     TcgEventType = 0x6
	EV_S_CRTM_CONTENTS               TcgEventType = 0x7
	EV_S_CRTM_VERSION                TcgEventType = 0x8
	EV_CPU_MICROCODE                 TcgEventType = 0x9
	EV_PLATFORM_CONFIG_FLAGS         TcgEventType = 0xa
	EV_TABLE_OF_DEVICES              TcgEventType = 0xb
	EV_COMPACT_HASH                  TcgEventType = 0xc
	EV_IPL                           TcgEventType = 0xd
	EV_IPL_PARTITION_DATA            TcgEventType = 0xe
	EV_NONHOST_CODE                  TcgEventType = 0xf
	EV_NONHOST_CONFIG                TcgEventType = 0x10
	EV_NONHOST_INFO                  TcgEventType = 0x11
	EV_OMIT_BOOT_DEVICE_EVENTS       TcgEventType = 0x12
	IMA_MEASUREMENT_EVENT            TcgEventType = 0x14 // the SDK's type for IMA entries
	EV_EFI_EVENT_BASE                TcgEventType = 0x80000000
	EV_EFI_VARIABLE_DRIVER_CONFIG    TcgEventType = 0x80000001
	EV_EFI_VARIABLE_BOOT             TcgEventType = 0x80000002
	EV_EFI_BOOT_SERVICES_APPLICATION TcgEventType = 0x80000003
	EV_EFI_BOOT_SERVICES_DRIVER      TcgEventType = 0x80000004
	EV_EFI_RUNTIME_SERVICES_DRIVER   TcgEventType = 0x80000005
	EV_EFI_GPT_EVENT                 TcgEventType = 0x80000006
	EV_EFI_ACTION                    TcgEventType = 0x80000007
	EV_EFI_PLATFORM_FIRMWARE_BLOB    TcgEventType = 0x80000008
	EV_EFI_HANDOFF_TABLES            TcgEventType = 0x80000009
	EV_EFI_HCRTM_EVENT               TcgEventType = 0x80000010
	EV_EFI_VARIABLE_AUTHORITY        TcgEventType = 0x800000e0
)

// String is the TCG name as libcima knows it ("EV_EFI_ACTION").
func (t TcgEventType) String() string {
	if t == IMA_MEASUREMENT_EVENT {
		return "IMA_MEASUREMENT_EVENT"
	}
	return C.GoString(C.cima_event_type_name(C.uint32_t(t)))
}

// TcgDigest is one digest of an event, or one register value.
type TcgDigest struct {
	AlgID TCG_ALG
	Hash  []byte
}

// FormatedTcgEvent is the original SDK's event interface (its spelling).
type FormatedTcgEvent interface {
	Dump()
	GetFormatType() TcgEventFormat
	GetImrIndex() uint32
	GetEventType() TcgEventType
	GetDigests() []TcgDigest
}

// QuoteDumpFormat selects Report.Dump's layout, as in the original SDK.
type QuoteDumpFormat string

const (
	QuoteDumpFormatRaw   QuoteDumpFormat = "raw"
	QuoteDumpFormatHuman QuoteDumpFormat = "human"
)

// IMRGroup is the register values a report carries.
type IMRGroup struct {
	MaxIndex int
	Group    []TcgDigest
}
