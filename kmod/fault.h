/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for the module's own failure paths, on kernels with
 * CONFIG_FAULT_INJECTION_DEBUG_FS (make check-debug's; Debian's kernels
 * have none, and there every check is a constant false).  The knobs are
 * in <debugfs>/cima/, with the kernel's fault-injection attributes
 * (probability, times, ...; Documentation/fault-injection):
 *   fail_extend       a hardware extend fails before the chip sees it
 *   fail_extend_lost  an extend the chip carried out reports an error
 *   fail_track        a new container cgroup cannot be tracked (as when
 *                     even the allocation reserve is gone)
 */
#ifndef CIMA_FAULT_H
#define CIMA_FAULT_H

#include <linux/types.h>

enum cima_fault { CIMA_FAIL_EXTEND, CIMA_FAIL_EXTEND_LOST, CIMA_FAIL_TRACK };

#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
void cima_fault_init(void);
void cima_fault_exit(void);
/* Any context. */
bool cima_should_fail(enum cima_fault f);
#else
static inline void cima_fault_init(void) { }
static inline void cima_fault_exit(void) { }
static inline bool cima_should_fail(enum cima_fault f) { return false; }
#endif

#endif /* CIMA_FAULT_H */
