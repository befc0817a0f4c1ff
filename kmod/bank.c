// SPDX-License-Identifier: GPL-2.0
/*
 * The bank table, its only writer: cima_banks_init() turns what the
 * backend's probe described into the table (hash transforms, offsets in a
 * log entry, the strongest bank); afterwards it is read-only until exit.
 * Also the TPM algorithm id <-> kernel hash name table.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/tpm.h>
#include <crypto/hash.h>

#include "bank.h"

struct cima_bank cima_bank[CIMA_MAX_BANKS];
unsigned int cima_nbanks;
unsigned int cima_strongest;
unsigned int cima_digests_size;

static const struct {
	u16 alg_id;
	const char *name;
} cima_algs[] = {
	{ TPM_ALG_SHA1, "sha1" },
	{ TPM_ALG_SHA256, "sha256" },
	{ TPM_ALG_SHA384, "sha384" },
	{ TPM_ALG_SHA512, "sha512" },
	{ TPM_ALG_SM3_256, "sm3" },
};

u16 cima_alg_id_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cima_algs); i++)
		if (!strcmp(cima_algs[i].name, name))
			return cima_algs[i].alg_id;
	return TPM_ALG_ERROR;
}

const char *cima_alg_name_by_id(u16 alg_id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cima_algs); i++)
		if (cima_algs[i].alg_id == alg_id)
			return cima_algs[i].name;
	return NULL;
}

int cima_hash_buf(unsigned int bank, const void *data, size_t len, u8 *out)
{
	struct crypto_shash *tfm = cima_bank[bank].tfm;

	if (!tfm)
		return -ENOPKG;
	return crypto_shash_tfm_digest(tfm, data, len, out);
}

/*
 * A bank the kernel cannot hash is allowed only for a hardware register
 * (which has it whether we like it or not): its digest is the strongest
 * one, cut or zero-padded.
 */
int cima_banks_init(const struct cima_bank_desc *desc, unsigned int n,
		    bool hardware)
{
	unsigned int i, off = 0;
	int best = -1;

	if (!n || n > CIMA_MAX_BANKS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct cima_bank *b = &cima_bank[i];
		struct crypto_shash *tfm;

		b->alg_id = desc[i].alg_id;
		b->size = desc[i].size;
		b->name = desc[i].name;
		b->tfm = NULL;
		if (b->name) {
			tfm = crypto_alloc_shash(b->name, 0, 0);
			if (!IS_ERR(tfm)) {
				if (!b->size)
					b->size = crypto_shash_digestsize(tfm);
				if (crypto_shash_digestsize(tfm) == b->size &&
				    b->size <= CIMA_MAX_DIGEST)
					b->tfm = tfm;
				else
					crypto_free_shash(tfm);
			}
		}
		if (!b->tfm) {
			if (!hardware || !b->size || b->size > CIMA_MAX_DIGEST) {
				pr_err("no hash for bank %s\n",
				       b->name ? b->name : "?");
				goto err;
			}
			pr_warn("bank 0x%04x: no kernel hash, logging the strongest digest\n",
				b->alg_id);
		} else if (best < 0 || b->size > cima_bank[best].size) {
			best = i;
		}
		b->off = off;
		off += b->size;
	}
	if (best < 0) {
		pr_err("no usable hash bank\n");
		goto err;
	}
	cima_nbanks = n;
	cima_strongest = best;
	cima_digests_size = off;
	return 0;
err:
	cima_nbanks = n;
	cima_banks_exit();
	return -ENOPKG;
}

void cima_banks_exit(void)
{
	unsigned int i;

	for (i = 0; i < cima_nbanks; i++) {
		if (cima_bank[i].tfm)
			crypto_free_shash(cima_bank[i].tfm);
		cima_bank[i].tfm = NULL;
	}
	cima_nbanks = 0;
}
