// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SEV-SNP ATTESTATION_REPORT parser (SEV-SNP firmware ABI, 1184 bytes,
 * little-endian).  The signature is ECDSA P-384 with R and S stored as
 * 72-byte little-endian integers; the dump prints them big-endian.
 */
#include <errno.h>

#include <cima/report.h>
#include "report_internal.h"

int cima_snp_report_parse(const void *buf, size_t len, struct cima_snp_report *s)
{
	const uint8_t *p = buf;

	if (!buf || !s)
		return cima__err(-EINVAL, "snp report: NULL argument");
	memset(s, 0, sizeof(*s));
	if (len < CIMA_SNP_REPORT_SIZE)
		return cima__err(-EBADMSG, "snp report: %zu bytes, must be %d", len,
				 CIMA_SNP_REPORT_SIZE);
	s->version = cima__le32(p);
	if (s->version < 2)
		return cima__err(-EPROTONOSUPPORT, "snp report: version %u (2 or later expected)",
				 s->version);
	s->guest_svn = cima__le32(p + 0x4);
	s->policy = cima__le64(p + 0x8);
	memcpy(s->family_id, p + 0x10, 16);
	memcpy(s->image_id, p + 0x20, 16);
	s->vmpl = cima__le32(p + 0x30);
	s->signature_algo = cima__le32(p + 0x34);
	s->current_tcb = cima__le64(p + 0x38);
	s->platform_info = cima__le64(p + 0x40);
	s->signer_info = cima__le32(p + 0x48);
	memcpy(s->report_data, p + 0x50, 64);
	memcpy(s->measurement, p + 0x90, 48);
	memcpy(s->host_data, p + 0xC0, 32);
	memcpy(s->id_key_digest, p + 0xE0, 48);
	memcpy(s->author_key_digest, p + 0x110, 48);
	memcpy(s->report_id, p + 0x140, 32);
	memcpy(s->report_id_ma, p + 0x160, 32);
	s->reported_tcb = cima__le64(p + 0x180);
	if (s->version >= 3) {
		s->cpuid_fam_id = p[0x188];
		s->cpuid_mod_id = p[0x189];
		s->cpuid_step = p[0x18A];
	}
	memcpy(s->chip_id, p + 0x1A0, 64);
	s->committed_tcb = cima__le64(p + 0x1E0);
	s->current_build = p[0x1E8];
	s->current_minor = p[0x1E9];
	s->current_major = p[0x1EA];
	s->committed_build = p[0x1EC];
	s->committed_minor = p[0x1ED];
	s->committed_major = p[0x1EE];
	s->launch_tcb = cima__le64(p + 0x1F0);
	memcpy(s->signature_r, p + 0x2A0, 72);
	memcpy(s->signature_s, p + 0x2E8, 72);
	return 0;
}

static void dump_be(FILE *out, const char *label, const uint8_t *le, size_t n)
{
	uint8_t be[72];

	for (size_t i = 0; i < n; i++)
		be[i] = le[n - 1 - i];
	cima__dump_hex(out, label, be, n);
}

/* TCB_VERSION: boot loader [7:0], TEE [15:8], SNP [55:48], microcode [63:56]. */
static void dump_tcb(FILE *out, const char *label, uint64_t tcb)
{
	fprintf(out, "  %-16s 0x%016llx (bl %u tee %u snp %u ucode %u)\n", label,
		(unsigned long long)tcb, (unsigned)(tcb & 0xff),
		(unsigned)((tcb >> 8) & 0xff), (unsigned)((tcb >> 48) & 0xff),
		(unsigned)(tcb >> 56));
}

int cima_snp_report_dump(const struct cima_snp_report *s, FILE *out)
{
	if (!s || !out)
		return -EINVAL;
	fprintf(out, "SEV-SNP attestation report\n");
	fprintf(out, "  %-16s %u\n", "version", s->version);
	fprintf(out, "  %-16s %u\n", "guest_svn", s->guest_svn);
	fprintf(out, "  %-16s 0x%llx (abi %u.%u%s%s%s)\n", "policy",
		(unsigned long long)s->policy,
		(unsigned)((s->policy >> 8) & 0xff), (unsigned)(s->policy & 0xff),
		s->policy & (1u << 16) ? " smt" : "",
		s->policy & (1u << 18) ? " migrate_ma" : "",
		s->policy & (1u << 19) ? " debug" : "");
	cima__dump_hex(out, "family_id", s->family_id, 16);
	cima__dump_hex(out, "image_id", s->image_id, 16);
	fprintf(out, "  %-16s %u\n", "vmpl", s->vmpl);
	fprintf(out, "  %-16s %u\n", "signature_algo", s->signature_algo);
	dump_tcb(out, "current_tcb", s->current_tcb);
	fprintf(out, "  %-16s 0x%llx\n", "platform_info",
		(unsigned long long)s->platform_info);
	fprintf(out, "  %-16s 0x%x\n", "signer_info", s->signer_info);
	cima__dump_hex(out, "report_data", s->report_data, 64);
	cima__dump_hex(out, "measurement", s->measurement, 48);
	cima__dump_hex(out, "host_data", s->host_data, 32);
	cima__dump_hex(out, "id_key_digest", s->id_key_digest, 48);
	cima__dump_hex(out, "author_key_dig", s->author_key_digest, 48);
	cima__dump_hex(out, "report_id", s->report_id, 32);
	cima__dump_hex(out, "report_id_ma", s->report_id_ma, 32);
	dump_tcb(out, "reported_tcb", s->reported_tcb);
	if (s->version >= 3)
		fprintf(out, "  %-16s %02x/%02x/%02x\n", "cpuid_fms",
			s->cpuid_fam_id, s->cpuid_mod_id, s->cpuid_step);
	cima__dump_hex(out, "chip_id", s->chip_id, 64);
	dump_tcb(out, "committed_tcb", s->committed_tcb);
	fprintf(out, "  %-16s %u.%u.%u\n", "current_fw", s->current_major,
		s->current_minor, s->current_build);
	fprintf(out, "  %-16s %u.%u.%u\n", "committed_fw", s->committed_major,
		s->committed_minor, s->committed_build);
	dump_tcb(out, "launch_tcb", s->launch_tcb);
	dump_be(out, "signature_r", s->signature_r, 48);
	dump_be(out, "signature_s", s->signature_s, 48);
	return ferror(out) ? -EIO : 0;
}
