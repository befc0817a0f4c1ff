/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CIMA_EVENTLOG_H
#define CIMA_EVENTLOG_H

#include <cima/common.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* CIMA_EVENTLOG_H */
