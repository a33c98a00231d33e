# tests/rumpboot: boots a real NetBSD rump kernel on the platform (see rumpboot.c). The rump
# kernel is built outside this repository; RUMP_SYSROOT names its sysroot (the directory
# with lib/librump.a). Without it the test says so and is skipped.
RUMPBOOT_ELF := $(BUILD)/tests/rumpboot/rumpboot.uk.elf
RUMPBOOT_LIBS := rump rumpvfs rumpnet rumpnet_net rumpnet_netinet rumpnet_config rumpdev \
	rumpdev_pci rumpdev_miiphy rumpdev_pci_if_wm rumpdev_pci_virtio rumpdev_virtio_if_vioif
$(BUILD)/tests/rumpboot/%.o: CFLAGS_FOR = $(PLATFORM_CFLAGS)

.PHONY: test-rumpboot
ifneq ($(RUMP_SYSROOT),)
RUMPBOOT_ARCHIVES := $(patsubst %,$(RUMP_SYSROOT)/lib/lib%.a,$(RUMPBOOT_LIBS))
$(RUMPBOOT_ELF): $(BUILD)/tests/rumpboot/rumpboot.o $(RUMPBOOT_ARCHIVES)
$(RUMPBOOT_ELF): UK_WHOLE_ARCHIVES := $(RUMPBOOT_ARCHIVES)
test-rumpboot: $(RUMPBOOT_ELF)
	$(Q)$(MAKE) --no-print-directory run-image SYSTEM=tests/rumpboot/rumpboot.system \
		IMAGES=$(BUILD)/tests/rumpboot TIMEOUT=120 \
		QEMU_ARGS="-nic none -netdev user,id=n0 -device e1000,netdev=n0 \
		-netdev user,id=n1,net=10.0.3.0/24 -device virtio-net-pci,netdev=n1"
else
test-rumpboot:
	@echo "test-rumpboot: skipped: RUMP_SYSROOT is not set (a rump kernel sysroot, e.g." \
		"RUMP_SYSROOT=/work/rump/sysroot)"
endif
TEST_TARGETS += test-rumpboot
