# platform: the unikernel platform (platform/src), the rumpuser(3) hypercalls and the
# rumpcomp_pci_* calls (platform/rumpuser), and the recipe that links a unikernel.
#
# A unikernel is linked from, in this order:
#   $(PLATFORM_CRT)  the entry point (_start)
#   the application's objects
#   rump kernel libraries, if any, inside --whole-archive (their components register
#     through link sets, so nothing references them by name)
#   $(RUMPUSER_LIB) $(PLATFORM_LIB) $(RUNTIME_LIB) $(LIBSEL4_LIB) in one --start-group
# with $(UNIKERNEL_LDFLAGS) (linker script platform/unikernel.ld). The pattern rule at the
# end does exactly that; platform/README.md describes it for other tools.

PLATFORM_CFLAGS := $(USER_CFLAGS) -Iplatform/include -Iplatform/include/libc -Iroottask/include
RUMPUSER_CFLAGS := $(PLATFORM_CFLAGS) -Iplatform/rumpuser
$(BUILD)/platform/%.o: CFLAGS_FOR = $(PLATFORM_CFLAGS)
$(BUILD)/platform/rumpuser/%.o: CFLAGS_FOR = $(RUMPUSER_CFLAGS)

PLATFORM_LDS := platform/unikernel.ld
PLATFORM_CRT := $(BUILD)/platform/src/crt0.o
PLATFORM_LIB := $(BUILD)/platform/libplatform.a
PLATFORM_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard platform/src/*.c)) \
	$(BUILD)/platform/src/switch.o
RUMPUSER_LIB := $(BUILD)/platform/librumpuser.a
RUMPUSER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard platform/rumpuser/*.c))
UNIKERNEL_LDFLAGS := -static -nostdlib -z max-page-size=0x1000 -z noexecstack \
	-T $(PLATFORM_LDS) --build-id=none

$(PLATFORM_LIB): $(PLATFORM_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(RUMPUSER_LIB): $(RUMPUSER_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

ALL_TARGETS += $(PLATFORM_CRT) $(PLATFORM_LIB) $(RUMPUSER_LIB)

# Unikernel images: any $(BUILD)/<path>.uk.elf is linked by this pattern rule from the
# prerequisites a fragment gives it (its objects) and, for rump kernels, the archives in
# its target-specific UK_WHOLE_ARCHIVES. A pattern rule (not a macro) because fragments
# are included in alphabetical order and apps/ or bench/ come before this file:
#   $(BUILD)/apps/foo/foo.uk.elf: $(BUILD)/apps/foo/foo.o
#   $(BUILD)/apps/foo/foo.uk.elf: UK_WHOLE_ARCHIVES := $(RUMP_SYSROOT)/lib/librump.a ...
$(BUILD)/%.uk.elf: $(PLATFORM_CRT) $(RUMPUSER_LIB) $(PLATFORM_LIB) $(RUNTIME_LIB) $(LIBSEL4_LIB) \
		$(PLATFORM_LDS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(LD) $(UNIKERNEL_LDFLAGS) -o $@ $(PLATFORM_CRT) $(filter-out $(PLATFORM_CRT),$(filter %.o,$^)) \
		$(if $(UK_WHOLE_ARCHIVES),--whole-archive $(UK_WHOLE_ARCHIVES) --no-whole-archive) \
		--start-group $(RUMPUSER_LIB) $(PLATFORM_LIB) $(RUNTIME_LIB) $(LIBSEL4_LIB) --end-group
