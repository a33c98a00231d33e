# roottask/: the root task that starts unikernel processes from a system description
# (roottask/README.md). It is built as one relocatable object, roottask.o, which
# tools/bake links with a system archive into a bootable roottask.elf (make image).
ROOTTASK_OBJ := $(BUILD)/roottask/roottask.o
ROOTTASK_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard roottask/src/*.c roottask/shared/*.c))

$(BUILD)/roottask/%.o: CFLAGS_FOR = $(USER_CFLAGS) -Iroottask/include -Iroottask/shared

$(ROOTTASK_OBJ): $(RUNTIME_ROOT_CRT) $(ROOTTASK_OBJS) $(RUNTIME_LIB) $(LIBSEL4_LIB)
	@echo "  LD -r   $@"
	$(Q)$(LD) -r -z noexecstack -o $@ $(RUNTIME_ROOT_CRT) $(ROOTTASK_OBJS) \
		--start-group $(RUNTIME_LIB) $(LIBSEL4_LIB) --end-group

# The same root task linked without an archive: proves it links on its own (it reports
# that it has no system to run).
ROOTTASK_BARE := $(BUILD)/roottask/roottask-bare.elf
$(eval $(call root_task,$(ROOTTASK_BARE),$(ROOTTASK_OBJS)))

ALL_TARGETS += $(ROOTTASK_OBJ) $(ROOTTASK_BARE)

# The shared code (roottask/shared: description parser, ELF checker, CPIO reader) is also
# built for the host, for tools/bake and the host unit tests (mk/rules.mk's host rule).
ROOTTASK_SHARED_HOST_OBJS := $(patsubst %.c,$(HOST_BUILD)/%.o,$(wildcard roottask/shared/*.c))
