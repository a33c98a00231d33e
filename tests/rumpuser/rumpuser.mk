# tests/rumpuser: conformance suite of the rumpuser(3) and rumpcomp_pci hypercalls, linked
# like a rump kernel (its objects stand in for librump) and booted by `make test`.
RUMPUSER_SUITE := $(BUILD)/tests/rumpuser/conformance.uk.elf
RUMPUSER_SUITE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/rumpuser/*.c))
$(BUILD)/tests/rumpuser/%.o: CFLAGS_FOR = $(RUMPUSER_CFLAGS)
$(RUMPUSER_SUITE): $(RUMPUSER_SUITE_OBJS)
ALL_TARGETS += $(RUMPUSER_SUITE)

# Boots the suite on $(KERNEL) with a virtio-net and an e1000 NIC; the suite's exit status
# becomes QEMU's (through the root task), so a failed hypercall test fails `make test`.
.PHONY: test-rumpuser
RUMPUSER_SYSTEM := tests/rumpuser/conformance.system
test-rumpuser: $(RUMPUSER_SUITE) $(IMAGE_DEPS)
	$(Q)$(call image_bake,$(RUMPUSER_SYSTEM),$(BUILD)/tests/rumpuser)
	$(Q)$(call image_boot,$(RUMPUSER_SYSTEM),300,-nic none -device virtio-net-pci -device e1000)
TEST_TARGETS += test-rumpuser
