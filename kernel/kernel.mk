# The microkernel: a freestanding image linked for the upper half, converted to a 32-bit
# ELF because QEMU's multiboot loader only accepts those.
KERNEL_ELF := $(BUILD)/kernel/kernel.elf
KERNEL_IMAGE := $(BUILD)/kernel/kernel32.elf
KERNEL_SRCS := $(sort $(wildcard kernel/arch/*.S kernel/arch/*.c kernel/boot/*.c kernel/src/*.c \
	kernel/object/*.c kernel/lib/*.c))
KERNEL_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(KERNEL_SRCS)))
KERNEL_CFLAGS := $(COMMON_CFLAGS) -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 \
	-mno-avx -Ikernel/include -Ilibsel4/include $(if $(filter 1,$(KERNEL_VERBOSE)),-DCONFIG_PRINT_USER_ERRORS)

$(BUILD)/kernel/%.o: CFLAGS_FOR = $(KERNEL_CFLAGS)

$(KERNEL_ELF): $(KERNEL_OBJS) kernel/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -z max-page-size=0x1000 -z noexecstack -T kernel/linker.ld -o $@ $(KERNEL_OBJS)

$(KERNEL_IMAGE): $(KERNEL_ELF)
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O elf32-i386 $< $@

ALL_TARGETS += $(KERNEL_IMAGE)
.PHONY: kernel
kernel: $(KERNEL_IMAGE)
