/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcima: read, replay and verify container integrity measurements.
 *
 * Include this header; link with `pkg-config --libs cima`.
 */
#ifndef CIMA_CIMA_H
#define CIMA_CIMA_H

#include <cima/common.h>
#include <cima/eventlog.h>
#include <cima/report.h>
#include <cima/verify.h>
#include <cima/evidence.h>

#endif /* CIMA_CIMA_H */
