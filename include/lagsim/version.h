/*
 * lagsim/version.h - the library's version, on its own so that any layer
 * (the report writes it into JSON) can use it without the umbrella header.
 */
#ifndef LAGSIM_VERSION_H
#define LAGSIM_VERSION_H

#define LAGSIM_VERSION_MAJOR 0
#define LAGSIM_VERSION_MINOR 1
#define LAGSIM_VERSION_PATCH 0
#define LAGSIM_VERSION_STRING "0.1.0"

#endif /* LAGSIM_VERSION_H */
