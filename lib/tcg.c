// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TCG PC Client event logs: crypto-agile (TCG_PCR_EVENT2 after a Spec ID
 * header) and legacy SHA-1 (TCG 1.2, TCG_PCR_EVENT only).  Used for the
 * firmware log, the TDX CCEL log area and the cima module's logs.
 *
 * Every length is checked against the bytes left before it is used; an
 * error names the byte offset of the field that does not fit.
 */
#include <errno.h>
#include <string.h>

#include "eventlog_internal.h"

#define SPEC_ID_SIG		"Spec ID Event03"	/* with its NUL: 16 bytes */
#define STARTUP_LOCALITY_SIG	"StartupLocality"	/* with its NUL: 16 bytes */
#define TCG_PCR_EVENT_HDR	32	/* pcr, type, sha1[20], size */

struct spec_alg {
	uint16_t alg;
	uint16_t size;
};

static const char *src_name(int source)
{
	const char *n = cima_source_name(source);

	return n ? n : "log";
}

static int parse_spec_id(struct cima_eventlog *log, const uint8_t *d, size_t dlen,
			 size_t doff, int source, struct spec_alg *algs,
			 size_t *nalgs)
{
	uint32_t n;
	size_t p;
	uint8_t vsize;

	if (dlen < 28)
		return cima__err(-EBADMSG, "%s: offset %zu: Spec ID event is %zu bytes, needs at least 28",
				 src_name(source), doff, dlen);
	n = cima__le32(d + 24);
	if (n == 0 || n > CIMA_MAX_BANKS)
		return cima__err(-EBADMSG, "%s: offset %zu: Spec ID lists %u algorithms (1..%d supported)",
				 src_name(source), doff + 24, n, CIMA_MAX_BANKS);
	if (28 + 4 * (size_t)n + 1 > dlen)
		return cima__err(-EBADMSG, "%s: offset %zu: Spec ID algorithm table (%u entries) overruns the %zu-byte event",
				 src_name(source), doff + 28, n, dlen);
	p = 28;
	for (uint32_t i = 0; i < n; i++, p += 4) {
		uint16_t alg = cima__le16(d + p), size = cima__le16(d + p + 2);
		size_t known = cima_alg_digest_size(alg);

		if (size == 0 || size > CIMA_MAX_DIGEST_SIZE)
			return cima__err(-EBADMSG, "%s: offset %zu: algorithm 0x%04x has digest size %u (1..%d allowed)",
					 src_name(source), doff + p + 2, alg, size,
					 CIMA_MAX_DIGEST_SIZE);
		if (known && known != size)
			return cima__err(-EBADMSG, "%s: offset %zu: %s digest size %u, must be %zu",
					 src_name(source), doff + p + 2,
					 cima_alg_name(alg), size, known);
		for (uint32_t j = 0; j < i; j++)
			if (algs[j].alg == alg)
				return cima__err(-EBADMSG, "%s: offset %zu: algorithm 0x%04x listed twice",
						 src_name(source), doff + p, alg);
		algs[i].alg = alg;
		algs[i].size = size;
	}
	vsize = d[p];
	if (p + 1 + vsize > dlen)
		return cima__err(-EBADMSG, "%s: offset %zu: Spec ID vendor info (%u bytes) overruns the event",
				 src_name(source), doff + p, vsize);
	*nalgs = n;
	for (uint32_t i = 0; i < n; i++) {
		int ret = cima__eventlog_add_bank(log, algs[i].alg);

		if (ret)
			return ret;
	}
	return 0;
}

/* First record: TCG_PCR_EVENT layout in both formats. */
static int add_legacy_record(struct cima_eventlog *log, const uint8_t *buf,
			     size_t len, size_t off, int source, size_t *next)
{
	struct cima_event *ev;
	uint32_t esize;

	if (len - off < TCG_PCR_EVENT_HDR)
		return cima__err(-EBADMSG, "%s: offset %zu: truncated record header (%zu of %d bytes)",
				 src_name(source), off, len - off, TCG_PCR_EVENT_HDR);
	esize = cima__le32(buf + off + 28);
	if (esize > len - off - TCG_PCR_EVENT_HDR)
		return cima__err(-EBADMSG, "%s: offset %zu: event size %u (0x%x) overruns the %zu bytes left",
				 src_name(source), off + 28, esize, esize,
				 len - off - TCG_PCR_EVENT_HDR);
	ev = cima__eventlog_add(log);
	if (!ev)
		return -ENOMEM;
	ev->source = (uint8_t)source;
	ev->offset = off;
	ev->log_index = ev->index = cima__le32(buf + off);
	ev->type = cima__le32(buf + off + 4);
	ev->ndig = 1;
	ev->alg[0] = CIMA_ALG_SHA1;
	ev->dig[0] = buf + off + 8;
	ev->dlen[0] = 20;
	ev->data = buf + off + TCG_PCR_EVENT_HDR;
	ev->data_len = esize;
	if (ev->type != EV_NO_ACTION)
		ev->flags |= EVF_MEASURED;
	*next = off + TCG_PCR_EVENT_HDR + esize;
	return 0;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void note_locality(struct cima_eventlog *log, const struct cima_event *ev)
{
	if (ev->type == EV_NO_ACTION && ev->log_index == 0 && ev->data_len >= 17 &&
	    !memcmp(ev->data, STARTUP_LOCALITY_SIG, 16))
		log->locality = ev->data[16];
}

int cima__tcg_parse(struct cima_eventlog *log, const uint8_t *buf, size_t len,
		    int source)
{
	struct spec_alg algs[CIMA_MAX_BANKS];
	size_t nalgs = 0, off = 0, next;
	const struct cima_event *first;
	int ret;

	if (len == 0)
		return cima__err(-ENODATA, "%s: empty log", src_name(source));
	ret = add_legacy_record(log, buf, len, 0, source, &next);
	if (ret)
		return ret;
	first = &log->ev[log->n - 1];
	if (!(first->type == EV_NO_ACTION && first->data_len >= 16 &&
	      !memcmp(first->data, SPEC_ID_SIG, 16))) {
		/* Legacy SHA-1 log: every record is a TCG_PCR_EVENT. */
		if (source != CIMA_SOURCE_FIRMWARE)
			return cima__err(-EBADMSG, "%s: offset 0: no Spec ID Event03 header (only firmware logs may use the legacy SHA-1 format)",
					 src_name(source));
		ret = cima__eventlog_add_bank(log, CIMA_ALG_SHA1);
		for (off = next; !ret && off < len; off = next)
			ret = add_legacy_record(log, buf, len, off, source, &next);
		return ret;
	}
	/* TDVF writes the CCEL Spec ID event with MR index 1; accept that. */
	if (first->log_index != 0 && source != CIMA_SOURCE_CCEL)
		return cima__err(-EBADMSG, "%s: offset 0: Spec ID event in register %u, must be 0",
				 src_name(source), first->log_index);
	ret = parse_spec_id(log, first->data, first->data_len, TCG_PCR_EVENT_HDR,
			    source, algs, &nalgs);
	if (ret)
		return ret;

	for (off = next; off < len; off = next) {
		struct cima_event *ev;
		size_t p = off, left = len - off;
		uint32_t count, esize;

		/*
		 * The CCEL log area is padded to its minimum length (0xff in
		 * TDVF; accept zeros too).  Padding: a whole remainder of one
		 * byte value that cannot start a record (register 0xffffffff,
		 * or register 0 and type 0 for zeros).
		 */
		if (source == CIMA_SOURCE_CCEL &&
		    ((left >= 8 && all_bytes(buf + off, 8, 0x00)) ||
		     all_bytes(buf + off, left < 8 ? left : 8, 0xff))) {
			if (all_bytes(buf + off, left, buf[off]))
				return 0;
			return cima__err(-EBADMSG, "%s: offset %zu: padding after the last event is not uniform",
					 src_name(source), off);
		}
		if (left < 12)
			return cima__err(-EBADMSG, "%s: offset %zu: truncated record header (%zu of 12 bytes)",
					 src_name(source), off, left);
		count = cima__le32(buf + off + 8);
		if (count == 0 || count > nalgs)
			return cima__err(-EBADMSG, "%s: offset %zu: record has %u digests, the Spec ID header declares %zu banks",
					 src_name(source), off + 8, count, nalgs);
		ev = cima__eventlog_add(log);
		if (!ev)
			return -ENOMEM;
		ev->source = (uint8_t)source;
		ev->offset = off;
		ev->log_index = ev->index = cima__le32(buf + off);
		ev->type = cima__le32(buf + off + 4);
		/* CCEL: CC MR index n + 1 is RTMR n, the IMR index (MRTD: none). */
		if (source == CIMA_SOURCE_CCEL)
			ev->index = ev->log_index ? ev->log_index - 1 : CIMA_IMR_NONE;
		p = off + 12;
		for (uint32_t i = 0; i < count; i++) {
			uint16_t alg;
			size_t size = 0;

			if (len - p < 2)
				return cima__err(-EBADMSG, "%s: offset %zu: truncated digest algorithm",
						 src_name(source), p);
			alg = cima__le16(buf + p);
			for (size_t j = 0; j < nalgs; j++)
				if (algs[j].alg == alg)
					size = algs[j].size;
			if (!size)
				return cima__err(-EBADMSG, "%s: offset %zu: digest algorithm 0x%04x is not declared in the Spec ID header",
						 src_name(source), p, alg);
			for (uint32_t j = 0; j < i; j++)
				if (ev->alg[j] == alg)
					return cima__err(-EBADMSG, "%s: offset %zu: second 0x%04x digest in one record",
							 src_name(source), p, alg);
			p += 2;
			if (len - p < size)
				return cima__err(-EBADMSG, "%s: offset %zu: truncated %zu-byte digest (%zu bytes left)",
						 src_name(source), p, size, len - p);
			ev->alg[i] = alg;
			ev->dig[i] = buf + p;
			ev->dlen[i] = (uint8_t)size;
			p += size;
		}
		ev->ndig = (uint8_t)count;
		if (len - p < 4)
			return cima__err(-EBADMSG, "%s: offset %zu: truncated event size",
					 src_name(source), p);
		esize = cima__le32(buf + p);
		p += 4;
		if (esize > len - p)
			return cima__err(-EBADMSG, "%s: offset %zu: event size %u (0x%x) overruns the %zu bytes left",
					 src_name(source), p - 4, esize, esize, len - p);
		ev->data = buf + p;
		ev->data_len = esize;
		/* MRTD (CC MR 0) is built by the TDX module, never extended. */
		if (ev->type != EV_NO_ACTION && ev->index != CIMA_IMR_NONE)
			ev->flags |= EVF_MEASURED;
		else if (source == CIMA_SOURCE_FIRMWARE)
			note_locality(log, ev);
		next = p + esize;
	}
	return 0;
}
