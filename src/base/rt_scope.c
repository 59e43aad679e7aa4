#include "base/rt_scope.h"

/* Initialised to zero: lives in the program's static TLS block, so reading
 * or writing it never allocates (safe inside a malloc interposer, too). */
_Thread_local volatile unsigned rt_scope_depth;
