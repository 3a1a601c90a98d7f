#include <windows.h>
/* Wine 8 lacks bcryptprimitives.dll (Rust's std asks it for random bytes): a stand-in
   that asks advapi32's RtlGenRandom instead. For running the Windows build under Wine. */
BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n; len -= n;
    }
    return TRUE;
}
