# apps/hello: the demo unikernel booted by `make run` (linked by platform/platform.mk).
HELLO_ELF := $(BUILD)/apps/hello/hello.uk.elf
$(BUILD)/apps/%.o: CFLAGS_FOR = $(PLATFORM_CFLAGS)
$(HELLO_ELF): $(BUILD)/apps/hello/hello.o
ALL_TARGETS += $(HELLO_ELF)
