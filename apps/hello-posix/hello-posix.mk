# apps/hello-posix: hello world as an ordinary POSIX program on NetBSD's libc, built with
# Rumprun's toolchain (only when RUMPRUN_SYSROOT is set). `make run-hello-posix` boots it.
HELLO_POSIX := $(BUILD)/apps/hello-posix/hello
.PHONY: run-hello-posix
ifneq ($(RUMPRUN_SYSROOT),)
$(eval $(call posix_program,$(HELLO_POSIX),apps/hello-posix/hello.c))
ALL_TARGETS += $(HELLO_POSIX).uk.elf
run-hello-posix: $(HELLO_POSIX).uk.elf $(IMAGE_DEPS)
	$(Q)$(call image_bake,apps/hello-posix/hello.system,$(BUILD)/apps/hello-posix)
	$(Q)$(call image_boot,apps/hello-posix/hello.system,60)
else
run-hello-posix:
	@echo "$@: needs RUMPRUN_SYSROOT, the userland Rumprun's build installs (README.md, POSIX" \
		"programs)"; exit 2
endif
