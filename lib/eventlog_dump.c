// SPDX-License-Identifier: LGPL-2.1-or-later
/* Event list renderers: SDK-style text, JSON and TCG CEL-JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>


#include "eventlog_internal.h"

static const char *alg_label(uint16_t alg, char *buf, size_t n)
{
	const char *name = cima_alg_name(alg);

	if (name)
		return name;
	snprintf(buf, n, "0x%04x", alg);
	return buf;
}

static void hexdump(FILE *out, const uint8_t *p, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;

		fprintf(out, "    %08zx  ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i < n)
				fprintf(out, "%02x ", p[off + i]);
			else
				fputs("   ", out);
			if (i == 7)
				fputc(' ', out);
		}
		fputs(" |", out);
		for (size_t i = 0; i < n; i++) {
			uint8_t c = p[off + i];

			fputc(c >= 0x20 && c < 0x7f ? c : '.', out);
		}
		fputs("|\n", out);
	}
}

int cima_event_dump(const struct cima_event *ev, FILE *out)
{
	char hex[2 * CIMA_MAX_DIGEST_SIZE + 1], lbl[8];

	if (!ev || !out)
		return -EINVAL;
	fprintf(out, "=== Event %zu (%s, offset %zu) ===\n", ev->number,
		cima_source_name(ev->source), ev->offset);
	if (ev->index != ev->log_index)
		fprintf(out, "Index       : %u (log: %u)\n", ev->index, ev->log_index);
	else
		fprintf(out, "Index       : %u\n", ev->index);
	if (ev->source == CIMA_SOURCE_IMA)
		fprintf(out, "Template    : %s%s\n", ev->tmpl,
			ev->flags & EVF_VIOLATION ? " (violation)" : "");
	else
		fprintf(out, "Type        : 0x%x (%s)\n", ev->type,
			cima_event_type_name(ev->type));
	for (size_t i = 0; i < ev->ndig; i++) {
		cima__hex(ev->dig[i], ev->dlen[i], hex);
		fprintf(out, "Algorithm   : %s (0x%04x)\nDigest[%zu]   : %s\n",
			alg_label(ev->alg[i], lbl, sizeof(lbl)), ev->alg[i], i, hex);
	}
	fprintf(out, "Event data  : %u bytes\n", ev->data_len);
	hexdump(out, ev->data, ev->data_len);
	return ferror(out) ? -EIO : 0;
}

int cima_eventlog_dump(const struct cima_eventlog *log, FILE *out)
{
	int ret;

	if (!log || !out)
		return -EINVAL;
	for (size_t i = 0; i < log->n; i++) {
		ret = cima_event_dump(&log->ev[i], out);
		if (ret)
			return ret;
	}
	return ferror(out) ? -EIO : 0;
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_hex(FILE *out, const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		fputc(digits[p[i] >> 4], out);
		fputc(digits[p[i] & 15], out);
	}
	fputc('"', out);
}

static int json_b64(FILE *out, const uint8_t *p, size_t len)
{
	char *b = cima__b64_encode(p, len);

	if (!b)
		return -ENOMEM;
	fprintf(out, "\"%s\"", b);
	free(b);
	return 0;
}

static void json_digests(FILE *out, const struct cima_event *ev, const char *k_alg,
			 const char *k_dig)
{
	char lbl[8];

	fputc('[', out);
	for (size_t i = 0; i < ev->ndig; i++) {
		fprintf(out, "%s{\"%s\":\"%s\",\"%s\":", i ? "," : "", k_alg,
			alg_label(ev->alg[i], lbl, sizeof(lbl)), k_dig);
		json_hex(out, ev->dig[i], ev->dlen[i]);
		fputc('}', out);
	}
	fputc(']', out);
}

int cima_eventlog_dump_json(const struct cima_eventlog *log, FILE *out)
{
	if (!log || !out)
		return -EINVAL;
	fprintf(out, "{\"version\":1,\"count\":%zu,\"events\":[", log->n);
	for (size_t i = 0; i < log->n; i++) {
		const struct cima_event *ev = &log->ev[i];

		fprintf(out, "%s\n{\"number\":%zu,\"source\":\"%s\",\"offset\":%zu,"
			"\"index\":%u,\"log_index\":%u,\"type\":%u,\"type_name\":\"%s\","
			"\"measured\":%s,\"digests\":",
			i ? "," : "", ev->number, cima_source_name(ev->source),
			ev->offset, ev->index, ev->log_index, ev->type,
			ev->source == CIMA_SOURCE_IMA ? "IMA_TEMPLATE" :
			cima_event_type_name(ev->type),
			ev->flags & EVF_MEASURED ? "true" : "false");
		json_digests(out, ev, "alg", "digest");
		fputs(",\"data\":", out);
		json_hex(out, ev->data, ev->data_len);
		if (ev->source == CIMA_SOURCE_IMA) {
			fputs(",\"template\":", out);
			json_str(out, ev->tmpl);
			fprintf(out, ",\"violation\":%s",
				ev->flags & EVF_VIOLATION ? "true" : "false");
		}
		fputc('}', out);
	}
	fputs("\n]}\n", out);
	return ferror(out) ? -EIO : 0;
}

/*
 * TCG Canonical Event Log, JSON encoding: one object per record with
 * recnum, pcr (or nv_index-free "pcr" for CC MRs too), digests
 * [{hashAlg, digest}], content_type and content.  PC Client events:
 * content_type "pcclient_std", content {event_type, event_data (base64)};
 * IMA: "ima_template", content {template_name, template_data (base64)};
 * cima events are PC Client EV_ACTION records.
 */
int cima_eventlog_dump_cel_json(const struct cima_eventlog *log, FILE *out)
{
	if (!log || !out)
		return -EINVAL;
	fputc('[', out);
	for (size_t i = 0; i < log->n; i++) {
		const struct cima_event *ev = &log->ev[i];
		int ret;

		fprintf(out, "%s\n{\"recnum\":%zu,\"pcr\":%u,\"digests\":",
			i ? "," : "", ev->number, ev->index);
		json_digests(out, ev, "hashAlg", "digest");
		if (ev->source == CIMA_SOURCE_IMA) {
			fputs(",\"content_type\":\"ima_template\",\"content\":{\"template_name\":", out);
			json_str(out, ev->tmpl);
			fputs(",\"template_data\":", out);
		} else {
			fprintf(out, ",\"content_type\":\"pcclient_std\",\"content\":{\"event_type\":%u,\"event_data\":",
				ev->type);
		}
		ret = json_b64(out, ev->data, ev->data_len);
		if (ret)
			return cima__err(ret, "out of memory");
		fputs("}}", out);
	}
	fputs("\n]\n", out);
	return ferror(out) ? -EIO : 0;
}
