#ifndef GANTRY_CLIBPQ_SHIM_H
#define GANTRY_CLIBPQ_SHIM_H
// libpq 15 (Debian 12: libpq-dev), found through pkg-config `libpq`.
// Debian installs libpq-fe.h under /usr/include/postgresql, which pkg-config adds as -I.
#include <libpq-fe.h>
#include <sys/socket.h>
#endif
