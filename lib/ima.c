// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IMA binary_runtime_measurements (security/integrity/ima/ima_fs.c):
 *
 *   u32 pcr; u8 template_digest[20]; u32 name_len; char name[name_len];
 *   (the per-bank lists of kernels >= 6.10, binary_runtime_measurements_<alg>,
 *   carry that bank's template digest size instead of 20)
 *   then for every template but 'ima':  u32 data_len; u8 data[data_len]
 *        (data = fields, each u32 len + bytes)
 *   and for 'ima':  u8 digest[20]; u32 len; char filename[len]
 *
 * A violation has an all-zero template digest; the kernel extends 0xff..ff.
 * Per bank the kernel (>= 5.8) extends H_bank(template data); for 'ima' the
 * hash input is digest || filename zero-padded to 256 bytes.
 */
#include <errno.h>
#include <string.h>

#include "eventlog_internal.h"

/* No sane IMA record is larger; refuse before trusting a length. */
#define IMA_TEMPLATE_DATA_MAX	(16u << 20)

int cima__ima_parse(struct cima_eventlog *log, const uint8_t *buf, size_t len,
		    uint16_t alg)
{
	size_t off = 0, dsize = cima_alg_digest_size(alg), hdr = 4 + dsize + 4;
	uint8_t zero[CIMA_MAX_DIGEST_SIZE] = { 0 };

	if (!dsize)
		return cima__err(-EINVAL, "ima: unknown template digest algorithm 0x%04x", alg);

	if (len == 0)
		return cima__err(-ENODATA, "ima: empty log");
	while (off < len) {
		struct cima_event *ev;
		size_t p = off;
		uint32_t nlen, dlen;

		if (len - p < hdr)
			return cima__err(-EBADMSG, "ima: offset %zu: truncated record header (%zu of %zu bytes)",
					 off, len - p, hdr);
		nlen = cima__le32(buf + p + hdr - 4);
		if (nlen == 0 || nlen > IMA_TEMPLATE_NAME_MAX)
			return cima__err(-EBADMSG, "ima: offset %zu: template name length %u (1..%d allowed)",
					 p + hdr - 4, nlen, IMA_TEMPLATE_NAME_MAX);
		if (len - p - hdr < nlen)
			return cima__err(-EBADMSG, "ima: offset %zu: template name (%u bytes) overruns the log",
					 p + hdr, nlen);
		ev = cima__eventlog_add(log);
		if (!ev)
			return -ENOMEM;
		ev->source = CIMA_SOURCE_IMA;
		ev->offset = off;
		ev->log_index = ev->index = cima__le32(buf + p);
		ev->ndig = 1;
		ev->alg[0] = alg;
		ev->dig[0] = buf + p + 4;
		ev->dlen[0] = (uint8_t)dsize;
		ev->flags = EVF_MEASURED;
		if (!memcmp(ev->dig[0], zero, dsize))
			ev->flags |= EVF_VIOLATION;
		if (memchr(buf + p + hdr, '\0', nlen))
			return cima__err(-EBADMSG, "ima: offset %zu: NUL byte in template name",
					 p + hdr);
		ev->tmpl = cima__eventlog_intern(log, buf + p + hdr, nlen);
		if (!ev->tmpl)
			return cima__err(-ENOMEM, "out of memory");
		p += hdr + nlen;
		if (!strcmp(ev->tmpl, "ima")) {
			if (len - p < IMA_DIGEST_SIZE + 4)
				return cima__err(-EBADMSG, "ima: offset %zu: truncated 'ima' template data",
						 p);
			dlen = cima__le32(buf + p + IMA_DIGEST_SIZE);
			if (dlen > IMA_EVENT_NAME_LEN_MAX)
				return cima__err(-EBADMSG, "ima: offset %zu: file name length %u (at most %d)",
						 p + IMA_DIGEST_SIZE, dlen, IMA_EVENT_NAME_LEN_MAX);
			if (len - p - IMA_DIGEST_SIZE - 4 < dlen)
				return cima__err(-EBADMSG, "ima: offset %zu: file name (%u bytes) overruns the log",
						 p + IMA_DIGEST_SIZE + 4, dlen);
			ev->flags |= EVF_IMA_LEGACY;
			ev->data = buf + p;
			ev->data_len = IMA_DIGEST_SIZE + 4 + dlen;
			off = p + ev->data_len;
			continue;
		}
		if (len - p < 4)
			return cima__err(-EBADMSG, "ima: offset %zu: truncated template data length",
					 p);
		dlen = cima__le32(buf + p);
		if (dlen > IMA_TEMPLATE_DATA_MAX || dlen > len - p - 4)
			return cima__err(-EBADMSG, "ima: offset %zu: template data length %u overruns the %zu bytes left",
					 p, dlen, len - p - 4);
		p += 4;
		/* The data is a sequence of (u32 len, bytes) fields: check it. */
		for (size_t q = 0; q < dlen;) {
			uint32_t flen;

			if (dlen - q < 4)
				return cima__err(-EBADMSG, "ima: offset %zu: truncated template field length",
						 p + q);
			flen = cima__le32(buf + p + q);
			if (flen > dlen - q - 4)
				return cima__err(-EBADMSG, "ima: offset %zu: template field length %u overruns the template data",
						 p + q, flen);
			q += 4 + flen;
		}
		ev->data = buf + p;
		ev->data_len = dlen;
		off = p + dlen;
	}
	return 0;
}

/*
 * The template digest size of an IMA list whose algorithm nobody told us
 * (a per-bank list of kernels >= 6.10 carries that bank's digest size; a
 * file may have any name): the first of sha1, sha256, sha384, sha512 with
 * which the whole list parses.  sha1 when none does (its parse error is
 * then the one reported).  A 32-byte list is taken as sha256 (sm3_256 has
 * the same size: give ima_alg for it).
 */
uint16_t cima__ima_detect_alg(const uint8_t *buf, size_t len)
{
	static const uint16_t algs[] = { CIMA_ALG_SHA1, CIMA_ALG_SHA256,
					 CIMA_ALG_SHA384, CIMA_ALG_SHA512 };

	for (size_t i = 0; i < ARRAY_SIZE(algs); i++) {
		struct cima_eventlog *log = cima__eventlog_new();
		int ret;

		if (!log)
			break;
		ret = cima__ima_parse(log, buf, len, algs[i]);
		cima_eventlog_free(log);
		if (!ret)
			return algs[i];
	}
	return CIMA_ALG_SHA1;
}

int cima__ima_template_hash(const struct cima_event *ev, uint16_t alg, uint8_t *out)
{
	if (ev->flags & EVF_IMA_LEGACY) {
		uint8_t in[IMA_DIGEST_SIZE + IMA_EVENT_NAME_LEN_MAX + 1];
		uint32_t nlen = ev->data_len - IMA_DIGEST_SIZE - 4;

		memset(in, 0, sizeof(in));
		memcpy(in, ev->data, IMA_DIGEST_SIZE);
		memcpy(in + IMA_DIGEST_SIZE, ev->data + IMA_DIGEST_SIZE + 4, nlen);
		return cima__hash(alg, in, sizeof(in), out);
	}
	return cima__hash(alg, ev->data, ev->data_len, out);
}
