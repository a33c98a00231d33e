# The smallest root task, used to check that a kernel boots user space at all.
BOOT_HELLO := $(BUILD)/tests/boot/hello.elf
$(eval $(call root_task,$(BOOT_HELLO),$(BUILD)/tests/boot/hello.o))
