// SPDX-License-Identifier: LGPL-2.1-or-later
/* Per-event checks (an event's digests against its data) and event type names. */
#include <errno.h>
#include <string.h>

#include <uapi/cima.h>

#include "eventlog_internal.h"

/*
 * Firmware event types whose digest the PC Client spec defines as the hash
 * of the event data itself, so the data can be checked against it.
 */
static bool firmware_digest_is_data_hash(uint32_t type)
{
	switch (type) {
	case 0x4:		/* EV_SEPARATOR */
	case 0x5:		/* EV_ACTION */
	case 0x80000007:	/* EV_EFI_ACTION */
	case 0x80000001:	/* EV_EFI_VARIABLE_DRIVER_CONFIG */
		return true;
	}
	return false;
}

/*
 * cima records: a bank the kernel could not compute carries another bank's
 * hash of the data, truncated or zero-padded (include/uapi/cima.h).
 */
static bool other_bank_digest(const struct cima_event *ev, size_t i)
{
	uint8_t md[CIMA_MAX_DIGEST_SIZE], want[CIMA_MAX_DIGEST_SIZE];
	size_t size = ev->dlen[i];

	for (size_t j = 0; j < ev->ndig; j++) {
		int n;

		if (j == i || !cima__md(ev->alg[j]))
			continue;
		n = cima__hash(ev->alg[j], ev->data, ev->data_len, md);
		if (n < 0)
			continue;
		memset(want, 0, sizeof(want));
		memcpy(want, md, (size_t)n < size ? (size_t)n : size);
		if (!memcmp(want, ev->dig[i], size))
			return true;
	}
	return false;
}

int cima_event_check(const struct cima_event *ev)
{
	uint8_t md[CIMA_MAX_DIGEST_SIZE];
	int ret;

	if (ev->source == CIMA_SOURCE_IMA) {
		if (ev->flags & EVF_VIOLATION)
			return 0;
		ret = cima__ima_template_hash(ev, ev->alg[0], md);
		if (ret < 0)
			return ret;
		if (memcmp(md, ev->dig[0], ev->dlen[0]))
			return cima__err(-EBADMSG, "event %zu (ima, index %u, offset %zu): template digest does not match the template data",
					 ev->number, ev->index, ev->offset);
		return 0;
	}
	if (!(ev->flags & EVF_MEASURED))
		return 0;
	if (ev->source == CIMA_SOURCE_FIRMWARE || ev->source == CIMA_SOURCE_CCEL) {
		if (!firmware_digest_is_data_hash(ev->type))
			return 0;
	} else if (ev->data_len == strlen(CIMA_REDACTED_DATA) &&
		   !memcmp(ev->data, CIMA_REDACTED_DATA, ev->data_len)) {
		return 0;
	}
	for (size_t i = 0; i < ev->ndig; i++) {
		if (!cima__md(ev->alg[i]))
			continue;
		ret = cima__hash(ev->alg[i], ev->data, ev->data_len, md);
		if (ret < 0)
			return ret;
		if (memcmp(md, ev->dig[i], (size_t)ret) &&
		    (ev->source != CIMA_SOURCE_CIMA || !other_bank_digest(ev, i)))
			return cima__err(-EBADMSG, "event %zu (%s, index %u, offset %zu): %s digest does not match the event data",
					 ev->number, cima_source_name(ev->source),
					 ev->index, ev->offset, cima_alg_name(ev->alg[i]));
	}
	return 0;
}

/* --- TCG event type names (TCG PC Client PFP spec, section 10.4.1) --- */

static const struct {
	uint32_t type;
	const char *name;
} type_names[] = {
	{ 0x0, "EV_PREBOOT_CERT" }, { 0x1, "EV_POST_CODE" }, { 0x2, "EV_UNUSED" },
	{ 0x3, "EV_NO_ACTION" }, { 0x4, "EV_SEPARATOR" }, { 0x5, "EV_ACTION" },
	{ 0x6, "EV_EVENT_TAG" }, { 0x7, "EV_S_CRTM_CONTENTS" },
	{ 0x8, "EV_S_CRTM_VERSION" }, { 0x9, "EV_CPU_MICROCODE" },
	{ 0xa, "EV_PLATFORM_CONFIG_FLAGS" }, { 0xb, "EV_TABLE_OF_DEVICES" },
	{ 0xc, "EV_COMPACT_HASH" }, { 0xd, "EV_IPL" }, { 0xe, "EV_IPL_PARTITION_DATA" },
	{ 0xf, "EV_NONHOST_CODE" }, { 0x10, "EV_NONHOST_CONFIG" },
	{ 0x11, "EV_NONHOST_INFO" }, { 0x12, "EV_OMIT_BOOT_DEVICE_EVENTS" },
	{ 0x13, "EV_POST_CODE2" },
	{ 0x80000001, "EV_EFI_VARIABLE_DRIVER_CONFIG" },
	{ 0x80000002, "EV_EFI_VARIABLE_BOOT" },
	{ 0x80000003, "EV_EFI_BOOT_SERVICES_APPLICATION" },
	{ 0x80000004, "EV_EFI_BOOT_SERVICES_DRIVER" },
	{ 0x80000005, "EV_EFI_RUNTIME_SERVICES_DRIVER" },
	{ 0x80000006, "EV_EFI_GPT_EVENT" }, { 0x80000007, "EV_EFI_ACTION" },
	{ 0x80000008, "EV_EFI_PLATFORM_FIRMWARE_BLOB" },
	{ 0x80000009, "EV_EFI_HANDOFF_TABLES" },
	{ 0x8000000a, "EV_EFI_PLATFORM_FIRMWARE_BLOB2" },
	{ 0x8000000b, "EV_EFI_HANDOFF_TABLES2" },
	{ 0x8000000c, "EV_EFI_VARIABLE_BOOT2" }, { 0x8000000d, "EV_EFI_GPT_EVENT2" },
	{ 0x80000010, "EV_EFI_HCRTM_EVENT" },
	{ 0x800000e0, "EV_EFI_VARIABLE_AUTHORITY" },
	{ 0x800000e1, "EV_EFI_SPDM_FIRMWARE_BLOB" },
	{ 0x800000e2, "EV_EFI_SPDM_FIRMWARE_CONFIG" },
	{ 0x800000e3, "EV_EFI_SPDM_DEVICE_POLICY" },
	{ 0x800000e4, "EV_EFI_SPDM_DEVICE_AUTHORITY" },
};

const char *cima_event_type_name(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "UNKNOWN";
}
