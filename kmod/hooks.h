/* SPDX-License-Identifier: GPL-2.0 */
/* Tracepoints and kprobes: where events come from. */
#ifndef CIMA_HOOKS_H
#define CIMA_HOOKS_H

int cima_hooks_init(void);
void cima_hooks_exit(void);

#endif /* CIMA_HOOKS_H */
