/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels cima.ko builds for (Debian 6.1 and 6.12),
 * probed by feature: Kbuild greps the target kernel's headers and defines
 * CIMA_HAVE_* for what is there.
 */
#ifndef CIMA_COMPAT_H
#define CIMA_COMPAT_H

#include <linux/security.h>

#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#endif

/* securityfs_recursive_remove(): 6.7+.  Older kernels: remove one by one. */
#ifndef CIMA_HAVE_SECURITYFS_RECURSIVE_REMOVE
#define CIMA_REMOVE_FILES_ONE_BY_ONE 1
#endif

/* Inode operations take the mount's idmap: 6.3+ (a user namespace before). */
#ifdef CIMA_HAVE_MNT_IDMAP
#define cima_idmap_t struct mnt_idmap
#else
#define cima_idmap_t struct user_namespace
#endif

/*
 * Running as an Intel TDX guest.  X86_FEATURE_TDX_GUEST exists in both
 * kernels; with CONFIG_INTEL_TDX_GUEST off (Debian 6.1) it is in the
 * disabled mask and this is constant false.
 */
static inline bool cima_is_tdx_guest(void)
{
#if defined(CONFIG_X86_64) && defined(X86_FEATURE_TDX_GUEST)
	return cpu_feature_enabled(X86_FEATURE_TDX_GUEST);
#else
	return false;
#endif
}

#endif /* CIMA_COMPAT_H */
