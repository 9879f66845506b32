/*
 * status.c - English names of the library's status codes.
 *
 * Central idea: one switch over enum lagsim_status, the single list of
 * codes; the library returns codes and the program prints these names.
 */
#include "lagsim/des.h"

const char *lagsim_strerror(int status)
{
    switch (status) {
    case LAGSIM_OK: return "success";
    case LAGSIM_ENOMEM: return "out of memory";
    case LAGSIM_EINVAL: return "invalid input";
    case LAGSIM_EIO: return "input/output error";
    case LAGSIM_ELIMIT: return "a configured limit was reached";
    case LAGSIM_EINTR: return "interrupted";
    case LAGSIM_ECONSERVE: return "conservation of events failed";
    }
    return "unknown error";
}
