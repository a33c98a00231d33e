# Small root tasks that check a kernel boots user space at all (hello) and that the
# runtime's formatting, string and TLS code works (runtime_check), on any KERNEL.
BOOT_HELLO := $(BUILD)/tests/boot/hello.elf
BOOT_RUNTIME_CHECK := $(BUILD)/tests/boot/runtime_check.elf
$(eval $(call root_task,$(BOOT_HELLO),$(BUILD)/tests/boot/hello.o))
$(eval $(call root_task,$(BOOT_RUNTIME_CHECK),$(BUILD)/tests/boot/runtime_check.o))
ALL_TARGETS += $(BOOT_HELLO) $(BOOT_RUNTIME_CHECK)

.PHONY: test-boot
test-boot: $(BOOT_HELLO) $(BOOT_RUNTIME_CHECK) $(KERNEL)
	$(Q)$(QEMU_RUN) -t 60 $(KERNEL) $(BOOT_HELLO) | grep -a "hello from the root task"
	$(Q)$(QEMU_RUN) -t 60 $(KERNEL) $(BOOT_RUNTIME_CHECK) | grep -a "runtime_check: ok"
	@echo "test-boot: hello and runtime checks passed"

TEST_TARGETS += test-boot
