# Tests of the root task and tools/bake (roottask/tests/README.md):
#   host unit tests of the shared parser, ELF checker and CPIO reader, and of bake;
#   QEMU tests that boot systems of test guests and check the console log and exit status.
#
#   make test-roottask                                    everything
#   make test-roottask KERNEL=/work/oracle/kernel32.elf   on upstream seL4

RT_TEST_BUILD := $(BUILD)/roottask/tests
GUEST_BUILD := $(RT_TEST_BUILD)/guests
GUEST_RT_OBJS := $(GUEST_BUILD)/guest_start.o $(GUEST_BUILD)/guest.o
GUESTS := $(patsubst roottask/tests/guests/%.c,$(GUEST_BUILD)/%.elf,\
	$(filter-out roottask/tests/guests/guest.c,$(wildcard roottask/tests/guests/*.c)))

# Guests are linked by bake itself, without the platform.
$(GUEST_BUILD)/%.elf: $(GUEST_BUILD)/%.o $(GUEST_RT_OBJS) $(RUNTIME_LIB) $(LIBSEL4_LIB) $(BAKE)
	@echo "  BAKE    $@"
	$(Q)$(BAKE) link --no-platform --linker-script runtime/user.ld --build $(BUILD) -o $@ \
		$(GUEST_RT_OBJS) $<

.SECONDARY: $(GUEST_RT_OBJS) $(GUESTS:.elf=.o)
ALL_TARGETS += $(GUESTS)
