/* SPDX-License-Identifier: EUPL-1.2 */
/* Moved to core/utf8.h, where cases/ can use it; kept for the old includes. */
#include "core/utf8.h"
