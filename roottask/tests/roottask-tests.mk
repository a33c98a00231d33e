# Tests of the root task and tools/bake (roottask/tests/README.md):
#   host unit tests of the shared parser, ELF checker and CPIO reader, and of bake;
#   QEMU tests that boot systems of test guests and check the console log and exit status.
#
#   make test-roottask                                          everything
#   make test-roottask KERNEL=/path/to/upstream/kernel32.elf    on upstream seL4

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

# One QEMU test per system description in roottask/tests/systems (its comments say what
# to check; see roottask/tests/system-test). They are independent, so make -j runs them
# side by side.
RT_SYSTEMS := $(wildcard roottask/tests/systems/*.system)
RT_SYSTEM_RESULTS := $(patsubst roottask/tests/systems/%.system,$(RT_TEST_BUILD)/systems/%.passed,\
	$(RT_SYSTEMS))

$(RT_TEST_BUILD)/systems/%.passed: roottask/tests/systems/%.system roottask/tests/system-test \
		$(ROOTTASK_OBJ) $(GUESTS) $(KERNEL) $(BAKE) roottask-test-always
	@rm -f $@
	$(Q)BAKE=$(BAKE) ROOTTASK_OBJ=$(ROOTTASK_OBJ) KERNEL=$(KERNEL) IMAGES=$(GUEST_BUILD) \
		OUT=$(RT_TEST_BUILD)/systems QEMU_RUN=$(QEMU_RUN) roottask/tests/system-test $< && touch $@

.PHONY: test-roottask test-roottask-systems test-roottask-host roottask-test-always
test-roottask-systems: $(RT_SYSTEM_RESULTS)
	@echo "test-roottask: $(words $(RT_SYSTEM_RESULTS)) system tests passed"

# Host unit tests: the parser, the ELF checker (also on every test guest) and the CPIO
# reader against bake's writer. Each is built straight from its sources with
# AddressSanitizer and UBSan, which watch the random-damage rounds.
RT_HOST_BIN := $(RT_TEST_BUILD)/host
RT_HOST_TESTS := $(addprefix $(RT_HOST_BIN)/,test_sysdesc test_elfcheck test_cpio)
RT_HOST_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all

$(RT_HOST_BIN)/test_sysdesc: roottask/shared/sysdesc.c roottask/shared/sysdesc_keys.c \
	roottask/shared/sysdesc_runtime_keys.c roottask/shared/sysdesc_channel_keys.c
$(RT_HOST_BIN)/test_elfcheck: roottask/shared/elfcheck.c
$(RT_HOST_BIN)/test_cpio: roottask/shared/cpio.c roottask/shared/elfcheck.c tools/bake/util.c \
	tools/bake/cpio_write.c
$(RT_HOST_BIN)/test_%: roottask/tests/host/test_%.c tests/common/host_check.h \
		$(wildcard roottask/shared/*.h)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) $(RT_HOST_SANITIZE) $(HOST_INCLUDES) -Itests/common \
		-o $@ $(filter %.c,$^)

# The examples in README.md's "System description reference" and "Rump kernels as servers"
# must parse too.
test-roottask-host: $(RT_HOST_TESTS) $(GUESTS)
	$(Q)sed -n '/^## System description reference/,/^## /{/^```$$/,/^```$$/p}' README.md | \
		grep -v '^```' > $(RT_HOST_BIN)/readme-example.system
	$(Q)sed -n '/^## Rump kernels as servers/,/^## /{/^```$$/,/^```$$/p}' README.md | \
		grep -v '^```' > $(RT_HOST_BIN)/readme-servers.system
	$(Q)$(RT_HOST_BIN)/test_sysdesc $(RT_HOST_BIN)/readme-example.system \
		$(RT_HOST_BIN)/readme-servers.system
	$(Q)$(RT_HOST_BIN)/test_elfcheck $(GUESTS)
	$(Q)$(RT_HOST_BIN)/test_cpio

test-roottask: test-roottask-host test-roottask-systems
TEST_TARGETS += test-roottask
