// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * base64 is no part of libcima's ABI: the tool builds the library's one
 * implementation into itself (lib/b64.c, which depends on nothing else).
 */
#include "../../lib/b64.c"
