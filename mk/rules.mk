# Rules every fragment may use (the Makefile reads this file before any fragment).
#
# Target objects land in $(BUILD)/<source path>.o. Which flags a source gets depends on
# where it lives: CFLAGS_FOR defaults to user-level flags and each module overrides it for
# its own directory with a pattern-specific assignment.

CFLAGS_FOR = $(USER_CFLAGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_FOR) -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(CFLAGS_FOR) -D__ASSEMBLY__ -c $< -o $@

# Host objects (tools/bake, the root task's shared code built for the host, host unit
# tests) land in $(HOST_BUILD)/<source path>.o, compiled as ordinary hosted C. They see the
# ABI headers and the unikernel contract; a fragment adds its own with a pattern-specific
# HOST_INCLUDES += ....
HOST_BUILD := $(BUILD)/host
HOST_INCLUDES := -Iroottask/include -Iroottask/shared -Ilibsel4/include

$(HOST_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(HOST_INCLUDES) -c $< -o $@

# $(call user_program,OUTPUT.elf,OBJECTS...): a static user-level ELF linked with the runtime.
define user_program
$(1): $(2) $(RUNTIME_LIB) $(LIBSEL4_LIB)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$(Q)$(LD) $(USER_LDFLAGS) -o $$@ $$(filter %.o,$$^) --start-group $(RUNTIME_LIB) $(LIBSEL4_LIB) --end-group
endef

# $(call root_task,OUTPUT.elf,OBJECTS...): a root task (runtime's root start-up code first).
root_task = $(call user_program,$(1),$(RUNTIME_ROOT_CRT) $(2))

# A prerequisite that is never up to date: its target's recipe always runs (and decides
# itself whether the target changes, as a call of another build system does).
.PHONY: FORCE
FORCE:
