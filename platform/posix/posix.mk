# platform/posix: the runtime for POSIX programs built against NetBSD's libc with Rumprun's
# toolchain (README.md in this directory). Compiled against NetBSD's headers, so only when
# RUMPRUN_SYSROOT names the userland Rumprun's build installs (its `rumprun` directory).
#
#   $(POSIX_LIB)       the POSIX layer (libposix.a)
#   $(POSIX_PLATFORM)  the platform as one object: crt0, platform, hypercalls, the client of
#                      remote system calls, runtime and libsel4, with only _start, pf_*,
#                      rumpuser_*, rumpcomp_*, rsc_sys_*, rumpclient_* and the malloc family
#                      (which NetBSD's libc, as Rumprun builds it, lacks) global, so that
#                      no other name of our C library meets NetBSD's
# bake link puts them together with the program, the rump kernel and libc (tools/bake).

POSIX_LIB := $(BUILD)/platform/posix/libposix.a
POSIX_PLATFORM := $(BUILD)/platform/posix/platform.o
RUMPRUN_TARGET := $(RUMPRUN_SYSROOT)/rumprun-x86_64

# What Rumprun's compiler driver gives NetBSD code (app-tools' specs), with our warnings.
POSIX_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -nostdinc -isystem $(RUMPRUN_TARGET)/include \
	-D__NetBSD__ -Ulinux -U__linux -U__linux__ -U__gnu_linux__ -D__RUMPRUN__ \
	-mno-red-zone -mstackrealign -fno-stack-protector -fno-pic -fno-pie \
	-fno-omit-frame-pointer -MMD -MP -Iplatform/include -Iroottask/include -Ilibsel4/include \
	-Iplatform/rumpclient
$(BUILD)/platform/posix/%.o: private CFLAGS_FOR = $(POSIX_CFLAGS)

POSIX_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard platform/posix/*.c))
# Every platform object but the C runtime's program (the POSIX layer is the program runtime),
# and the client of remote system calls (remote sockets: remote*.c, bake link
# --remote-sockets).
POSIX_PLATFORM_OBJS := $(PLATFORM_CRT) $(filter-out %/program.o,$(PLATFORM_OBJS)) \
	$(RUMPUSER_OBJS) $(RSC_CLIENT_OBJS)

ifneq ($(RUMPRUN_SYSROOT),)
ifeq ($(wildcard $(RUMPRUN_TARGET)/include/rump/rump.h $(RUMPRUN_TARGET)/lib/libc.a),)
$(error RUMPRUN_SYSROOT=$(RUMPRUN_SYSROOT) is not Rumprun's installed userland: \
	$(RUMPRUN_TARGET)/include/rump/rump.h and $(RUMPRUN_TARGET)/lib/libc.a are missing)
endif

$(POSIX_LIB): $(POSIX_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(POSIX_PLATFORM): $(POSIX_PLATFORM_OBJS) $(RUNTIME_LIB) $(LIBSEL4_LIB)
	@echo "  LD -r   $@"
	$(Q)$(LD) -r -o $@.all $(POSIX_PLATFORM_OBJS) --start-group $(RUNTIME_LIB) $(LIBSEL4_LIB) \
		--end-group
	$(Q)$(OBJCOPY) -w --keep-global-symbol=_start --keep-global-symbol='pf_*' \
		--keep-global-symbol='rumpuser_*' --keep-global-symbol='rumpcomp_*' \
		--keep-global-symbol='__wrap_rumpns_bus_space_*' \
		--keep-global-symbol=__wrap_rumpns_cpu_in_cksum \
		--keep-global-symbol='rsc_sys_*' --keep-global-symbol='rumpclient_*' \
		$(addprefix --keep-global-symbol=,malloc free calloc realloc posix_memalign) $@.all $@
	$(Q)rm -f $@.all

# Rumprun's librumpdev_pci.a carries Rumprun's own PCI hypercalls (rumppci.o, rumpdma.o,
# for its bmk platform); the platform has its own rumpcomp_pci_*, so bake links this copy
# without them (it looks here before the sysroot).
POSIX_PCI_LIB := $(BUILD)/platform/posix/librumpdev_pci.a
$(POSIX_PCI_LIB): $(RUMPRUN_TARGET)/lib/rumprun-hw/librumpdev_pci.a
	@echo "  AR      $@ (without Rumprun's PCI hypercalls)"
	$(Q)cp $< $@ && $(AR) d $@ rumppci.o rumpdma.o
	$(Q)! nm --defined-only $@ | grep -q ' T rumpcomp_pci_' || \
		{ echo "$@: still defines rumpcomp_pci_* hypercalls"; rm -f $@; exit 1; }

ALL_TARGETS += $(POSIX_LIB) $(POSIX_PLATFORM) $(POSIX_PCI_LIB)
endif

# POSIX programs of this tree (apps, tests) are built the way any Rumprun user builds one:
# compiled and linked by Rumprun's compiler driver into a program (a relocatable object
# that carries Rumprun's build recipe), which bake links into a unikernel.
RUMPRUN_CC := $(RUMPRUN_SYSROOT)/bin/x86_64-rumprun-netbsd-gcc
RUMPRUN_CXX := $(RUMPRUN_SYSROOT)/bin/x86_64-rumprun-netbsd-g++
# C++ needs the userland built with a C++ compiler (platform/posix/README.md): libc++.
RUMPRUN_HAS_CXX := $(if $(wildcard $(RUMPRUN_TARGET)/lib/libc++.a),yes)
# The driver's link step adds an object without a .note.GNU-stack section (its recipe), so
# ld would mark the program as needing an executable stack, which no unikernel has.
POSIX_PROGRAM_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wl,-z,noexecstack
# gcc 12 misreads libc++'s (2016) red-black tree as out-of-bounds accesses once inlined.
POSIX_PROGRAM_CXXFLAGS := -std=c++14 -O2 -g -Wall -Wextra -Werror -Wno-array-bounds \
	-Wl,-z,noexecstack

# $(call posix_unikernel,PROGRAM[,BAKE LINK OPTIONS]): PROGRAM.uk.elf, the unikernel bake
# makes of PROGRAM (a program Rumprun's compiler driver linked, by any build system).
define posix_unikernel
$(1).uk.elf: $(1) $$(POSIX_LIB) $$(POSIX_PLATFORM) $$(POSIX_PCI_LIB) $$(PLATFORM_LDS) $$(BAKE)
	@echo "  BAKE    $$@"
	$$(Q)RUMPRUN_SYSROOT=$$(RUMPRUN_SYSROOT) $$(BAKE) link --ld $$(LD) --build $$(BUILD) \
		--deps $$@.d -o $$@ $(2) $(1)
endef

# $(call posix_program,OUT,SOURCES[,CFLAGS[,BAKE LINK OPTIONS]]): OUT, the program built
# from SOURCES with Rumprun's toolchain, and OUT.uk.elf, the unikernel bake makes of it.
define posix_program
$(1): $(2)
	@mkdir -p $$(@D)
	@echo "  RRCC    $$@"
	$$(Q)$$(RUMPRUN_CC) $$(POSIX_PROGRAM_CFLAGS) $(3) -o $$@ $(2)
$(call posix_unikernel,$(1),$(4))
endef

# $(call posix_cxx_program,OUT,SOURCES[,CXXFLAGS[,BAKE LINK OPTIONS]]): the same for C++.
define posix_cxx_program
$(1): $(2)
	@mkdir -p $$(@D)
	@echo "  RRCXX   $$@"
	$$(Q)$$(RUMPRUN_CXX) $$(POSIX_PROGRAM_CXXFLAGS) $(3) -o $$@ $(2)
$(call posix_unikernel,$(1),$(4))
endef
