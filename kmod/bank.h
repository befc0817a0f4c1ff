/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hash banks: one per algorithm of the platform register.  bank.c owns
 * the table: it is written once at init, from what the backend's probe
 * described, and is read-only afterwards.
 */
#ifndef CIMA_BANK_H
#define CIMA_BANK_H

#include <linux/types.h>

#define CIMA_MAX_BANKS		8
#define CIMA_MAX_DIGEST		64

struct crypto_shash;

/* What a backend's probe says of one bank. */
struct cima_bank_desc {
	u16 alg_id;			/* TPM_ALG_* */
	u16 size;			/* digest size; 0: the hash's own */
	const char *name;		/* kernel hash name, NULL if unknown */
};

struct cima_bank {
	u16 alg_id;
	u16 size;			/* digest size in bytes */
	u16 off;			/* offset of this bank's digest in an entry */
	const char *name;
	struct crypto_shash *tfm;	/* NULL: copy of the strongest digest */
};

extern struct cima_bank cima_bank[CIMA_MAX_BANKS];
extern unsigned int cima_nbanks;
extern unsigned int cima_strongest;	/* index of the largest hashable bank */
extern unsigned int cima_digests_size;	/* sum of all bank sizes */

typedef u8 cima_regs_t[CIMA_MAX_BANKS][CIMA_MAX_DIGEST];

int cima_banks_init(const struct cima_bank_desc *desc, unsigned int n,
		    bool hardware);
void cima_banks_exit(void);
int cima_hash_buf(unsigned int bank, const void *data, size_t len, u8 *out);
u16 cima_alg_id_by_name(const char *name);
const char *cima_alg_name_by_id(u16 alg_id);

#endif /* CIMA_BANK_H */
