// SPDX-License-Identifier: GPL-2.0
/*
 * tpm backend: one PCR of the default TPM 2.0 chip, extended in every
 * allocated bank (tpm_pcr_extend wants exactly one digest per allocated
 * bank, in the chip's order) and read back with tpm_pcr_read.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/tpm.h>
#include <crypto/hash_info.h>

#include "backend.h"
#include "bank.h"

/*
 * PCR 15: on a Debian UEFI boot the firmware extends PCRs 0-7, shim and
 * GRUB 4, 7, 8, 9 and 14, the EFI stub 9, IMA 10 and systemd-stub/pcrphase
 * 11-13 (systemd-pcrextend only on UKI/systemd-boot setups, which use 15
 * for its machine-id/fs measurements - not the case on a GRUB boot).  PCR
 * 16 and 23 are resettable debug/application PCRs; 15 is the highest static
 * PCR nobody on this boot path touches.  See Documentation/admin-guide.md.
 */
#define CIMA_TPM_DEFAULT_PCR	15

static struct tpm_chip *cima_chip;
static u32 cima_pcr;

static int cima_tpm_probe(int *index, struct cima_bank_desc *banks,
			  unsigned int *n)
{
	struct tpm_chip *chip;
	unsigned int i;

	chip = tpm_default_chip();
	if (!chip)
		return -ENODEV;
	if (!tpm_is_tpm2(chip) || !chip->nr_allocated_banks ||
	    chip->nr_allocated_banks > CIMA_MAX_BANKS) {
		put_device(&chip->dev);
		return -ENODEV;
	}
	if (*index < 0)
		*index = CIMA_TPM_DEFAULT_PCR;
	if (*index >= TPM2_PLATFORM_PCR) {
		put_device(&chip->dev);
		return -EINVAL;
	}
	for (i = 0; i < chip->nr_allocated_banks; i++) {
		const struct tpm_bank_info *b = &chip->allocated_banks[i];

		banks[i].alg_id = b->alg_id;
		banks[i].size = b->digest_size;
		banks[i].name = b->crypto_id < HASH_ALGO__LAST ?
				hash_algo_name[b->crypto_id] : NULL;
	}
	*n = chip->nr_allocated_banks;
	cima_chip = chip;
	cima_pcr = *index;
	return 0;
}

static int cima_tpm_extend(const cima_regs_t digests)
{
	struct tpm_digest *d;
	unsigned int i;
	int ret;

	d = kcalloc(cima_nbanks, sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	for (i = 0; i < cima_nbanks; i++) {
		d[i].alg_id = cima_bank[i].alg_id;
		memcpy(d[i].digest, digests[i], cima_bank[i].size);
	}
	ret = tpm_pcr_extend(cima_chip, cima_pcr, d);
	kfree(d);
	return ret > 0 ? -EIO : ret;
}

static int cima_tpm_read(cima_regs_t out)
{
	struct tpm_digest d;
	unsigned int i;
	int ret;

	for (i = 0; i < cima_nbanks; i++) {
		memset(&d, 0, sizeof(d));
		d.alg_id = cima_bank[i].alg_id;
		ret = tpm_pcr_read(cima_chip, cima_pcr, &d);
		if (ret)
			return ret > 0 ? -EIO : ret;
		memcpy(out[i], d.digest, cima_bank[i].size);
	}
	return 0;
}

static void cima_tpm_release(void)
{
	if (cima_chip)
		put_device(&cima_chip->dev);
	cima_chip = NULL;
}

static u32 cima_tpm_log_index(u32 index)
{
	return index;
}

const struct cima_backend_ops cima_backend_tpm = {
	.name = "tpm",
	.hardware = true,
	.probe = cima_tpm_probe,
	.extend = cima_tpm_extend,
	.read = cima_tpm_read,
	.release = cima_tpm_release,
	.log_index = cima_tpm_log_index,
};
