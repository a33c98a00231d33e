# Compilers and flags shared by every part of the build.
#
# gcc 12 is the default compiler; `make CC=clang` builds everything with clang instead.
# Target code (kernel and user level) is freestanding: only the compiler's own headers
# (stddef.h, stdint.h, stdarg.h) are visible, never the host's libc headers.

ifeq ($(origin CC),default)
CC := gcc
endif
HOSTCC ?= $(CC)
LD := ld
OBJCOPY := objcopy
AR := ar
QEMU ?= qemu-system-x86_64

BUILD ?= build
V ?= 0
ifeq ($(V),0)
Q := @
else
Q :=
endif

COMPILER_INCLUDE := $(shell $(CC) -print-file-name=include)
WARNINGS := -Wall -Wextra -Werror
ifeq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n 1)),clang)
COMPILER_IS_CLANG := 1
endif

COMMON_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -nostdinc -isystem $(COMPILER_INCLUDE) \
	-fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -fno-common -MMD -MP

# User-level programs: linked at 0x400000 like ordinary static executables.
USER_CFLAGS := $(COMMON_CFLAGS) -Ilibsel4/include -Iruntime/include
USER_LDFLAGS := -static -nostdlib -z max-page-size=0x1000 -z noexecstack -T runtime/user.ld \
	--build-id=none

# Host programs (tools, host-side unit tests): ordinary hosted C.
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -MMD -MP
