# platform: the unikernel platform (platform/src), the rumpuser(3) hypercalls and the
# rumpcomp_pci_* calls (platform/rumpuser), and the recipe that links a unikernel.
#
# A unikernel is linked by `bake link` (tools/bake/link.c: the one place the recipe lives;
# platform/README.md describes it) from, in this order:
#   $(PLATFORM_CRT)  the entry point (_start)
#   the application's objects
#   rump kernel libraries, if any, inside --whole-archive (their components register
#     through link sets, so nothing references them by name), with the NetBSD glue
#     $(RUMPGLUE_LIB) (platform/rumpglue)
#   $(RUMPUSER_LIB) $(PLATFORM_LIB) $(RUNTIME_LIB) $(LIBSEL4_LIB) in one --start-group
# with the linker script platform/unikernel.ld. tools/tools.mk has the pattern rule that
# runs it for any $(BUILD)/<path>.uk.elf.

PLATFORM_CFLAGS := $(USER_CFLAGS) -Iplatform/include -Iplatform/include/libc -Iroottask/include
RUMPUSER_CFLAGS := $(PLATFORM_CFLAGS) -Iplatform/rumpuser
$(BUILD)/platform/%.o: private CFLAGS_FOR = $(PLATFORM_CFLAGS)
$(BUILD)/platform/rumpuser/%.o: private CFLAGS_FOR = $(RUMPUSER_CFLAGS)

PLATFORM_LDS := platform/unikernel.ld
PLATFORM_CRT := $(BUILD)/platform/src/crt0.o
PLATFORM_LIB := $(BUILD)/platform/libplatform.a
PLATFORM_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard platform/src/*.c)) \
	$(BUILD)/platform/src/switch.o
RUMPUSER_LIB := $(BUILD)/platform/librumpuser.a
RUMPUSER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard platform/rumpuser/*.c))
# Built by platform/rumpglue/rumpglue.mk, only when RUMP_SYSROOT is set.
RUMPGLUE_LIB := $(BUILD)/platform/librumpglue.a

$(PLATFORM_LIB): $(PLATFORM_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(RUMPUSER_LIB): $(RUMPUSER_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

ALL_TARGETS += $(PLATFORM_CRT) $(PLATFORM_LIB) $(RUMPUSER_LIB)
