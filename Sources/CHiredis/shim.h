#ifndef GANTRY_CHIREDIS_SHIM_H
#define GANTRY_CHIREDIS_SHIM_H
// hiredis 0.14 (Debian 12: libhiredis-dev), found through pkg-config `hiredis`.
#include <hiredis/hiredis.h>
#include <sys/socket.h>
#include <sys/time.h>
#endif
