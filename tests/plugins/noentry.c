/* noentry: exports no ServiceMain, so its service fails with
 * ERROR_PROC_NOT_FOUND (127). */
#include <svchost/svchost.h>

SVCHOST_EXPORT VOID WINAPI NotServiceMain(DWORD argc, LPSTR *argv)
{
}
