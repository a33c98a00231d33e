# Host-side unit tests of the kernel's pure logic (tests/host/kernel_logic_test.c): the
# kernel's own cspace.c, cdt.c, cap.c and errors.c compiled for the host, with stubs for
# what they call outside themselves.
HOST_KLOGIC := $(BUILD)/host/tests/host/kernel_logic_test
HOST_KLOGIC_OBJS := $(addprefix $(BUILD)/host/,tests/host/kernel_logic_test.o \
	tests/host/kernel_stubs.o kernel/src/cspace.o kernel/src/cdt.o kernel/object/cap.o \
	kernel/src/errors.o)

$(BUILD)/host/kernel/%.o $(BUILD)/host/tests/host/%.o: HOST_INCLUDES += -Ikernel/include -Itests/host \
	-Itests/common

$(HOST_KLOGIC): $(HOST_KLOGIC_OBJS)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) -o $@ $^

.PHONY: test-host-kernel
test-host-kernel: $(HOST_KLOGIC)
	$(Q)$(HOST_KLOGIC)

TEST_TARGETS += test-host-kernel
