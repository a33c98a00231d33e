/*
 * libsel4: everything a user-level program needs to speak the seL4 x86_64 ABI.
 */
#pragma once

#include <sel4/constants.h>
#include <sel4/types.h>
#include <sel4/syscalls.h>
#include <sel4/invocations.h>
#include <sel4/bootinfo.h>
