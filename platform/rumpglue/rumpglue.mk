# platform/rumpglue: the NetBSD glue (boots the rump kernel before main, halts it at exit,
# mounts tmpfs, configures the network). It is compiled against the rump kernel's own
# headers, so only when RUMP_SYSROOT names a rump kernel sysroot; bake link --rump links it.
RUMPGLUE_CFLAGS := $(PLATFORM_CFLAGS) -Iplatform/rumpglue -isystem $(RUMP_SYSROOT)/include
$(BUILD)/platform/rumpglue/%.o: private CFLAGS_FOR = $(RUMPGLUE_CFLAGS) -Iplatform/rumpuser
RUMPGLUE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard platform/rumpglue/*.c))

ifneq ($(RUMP_SYSROOT),)
ifeq ($(wildcard $(RUMP_SYSROOT)/include/rump/rump.h),)
$(error RUMP_SYSROOT=$(RUMP_SYSROOT) is not a rump kernel sysroot: \
	$(RUMP_SYSROOT)/include/rump/rump.h is missing)
endif
$(RUMPGLUE_LIB): $(RUMPGLUE_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^
ALL_TARGETS += $(RUMPGLUE_LIB)
endif
