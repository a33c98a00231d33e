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
# with the linker script platform/unikernel.ld. The pattern rule at the end runs it.

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

# Unikernel images: any $(BUILD)/<path>.uk.elf is linked by this pattern rule from the
# prerequisites a fragment gives it (its objects) and, for a rump kernel, the components in
# its target-specific UK_RUMP (a list of bake link --rump short names, see bake --help). UK_LINK_FLAGS
# adds bake options (--no-rump-glue for a program that calls rump_init itself). bake writes
# every input it used to $@.d, so a changed rump library relinks. A pattern rule (not a
# macro) because fragments are included in alphabetical order and apps/ or bench/ come
# before this file:
#   $(BUILD)/apps/foo/foo.uk.elf: $(BUILD)/apps/foo/foo.o
#   $(BUILD)/apps/foo/foo.uk.elf: UK_RUMP := vfs fs_tmpfs net net_net net_netinet net_config
$(BUILD)/%.uk.elf: $(PLATFORM_CRT) $(RUMPUSER_LIB) $(PLATFORM_LIB) $(RUNTIME_LIB) $(LIBSEL4_LIB) \
		$(PLATFORM_LDS) $(BUILD)/tools/bake $(if $(RUMP_SYSROOT),$(RUMPGLUE_LIB))
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)RUMP_SYSROOT=$(RUMP_SYSROOT) $(BUILD)/tools/bake link $(if $(filter 1,$(V)),-v) \
		--ld $(LD) --build $(BUILD) --deps $@.d -o $@ $(addprefix --rump ,$(UK_RUMP)) \
		$(UK_LINK_FLAGS) $(filter-out $(PLATFORM_CRT),$(filter %.o,$^))
