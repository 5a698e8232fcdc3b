/* notloadable: needs a symbol nothing defines, so dlopen(RTLD_NOW) fails
 * and its service stops with ERROR_MOD_NOT_FOUND (126). */
#include <svchost/svchost.h>

extern int svchost_test_symbol_that_does_not_exist(void);

SVCHOST_EXPORT VOID WINAPI ServiceMain(DWORD argc, LPSTR *argv)
{
    svchost_test_symbol_that_does_not_exist();
}
