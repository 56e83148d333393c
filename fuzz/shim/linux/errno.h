/* SPDX-License-Identifier: GPL-2.0 */
/* Not the shim: glibc's <errno.h> includes this one for the E* values. */
#include <asm/errno.h>
