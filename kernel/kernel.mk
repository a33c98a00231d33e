# The microkernel: a freestanding image linked for the upper half, converted to a 32-bit
# ELF because QEMU's multiboot loader only accepts those. Two builds of the same sources
# (kernel/README.md, "Configurations"):
#   $(KERNEL_IMAGE)       debug: the debug system calls and kernel messages; the test suites
#                         boot it (KERNEL_VERBOSE=1 also prints why each invocation is refused)
#   $(KERNEL_PROD_IMAGE)  production: without them; what `make run` and `make image` boot
KERNEL_ELF := $(BUILD)/kernel/kernel.elf
KERNEL_IMAGE := $(BUILD)/kernel/kernel32.elf
KERNEL_PROD_ELF := $(BUILD)/kernel-prod/kernel.elf
KERNEL_PROD_IMAGE := $(BUILD)/kernel-prod/kernel32.elf
KERNEL_SRCS := $(sort $(wildcard kernel/arch/*.S kernel/arch/*.c kernel/boot/*.c kernel/src/*.c \
	kernel/object/*.c kernel/lib/*.c))
KERNEL_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(KERNEL_SRCS)))
KERNEL_PROD_OBJS := $(patsubst %,$(BUILD)/kernel-prod/%.o,$(basename $(KERNEL_SRCS)))
KERNEL_CFLAGS := $(COMMON_CFLAGS) -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 \
	-mno-avx -Ikernel/include -Ilibsel4/include
KERNEL_LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack -T kernel/linker.ld

$(BUILD)/kernel/%.o: CFLAGS_FOR = $(KERNEL_CFLAGS) \
	$(if $(filter 1,$(KERNEL_VERBOSE)),-DCONFIG_PRINT_USER_ERRORS)
# Only errors.c reads it: rebuilt whenever KERNEL_VERBOSE changes.
$(BUILD)/kernel/verbose.stamp: kernel-verbose-always
	@mkdir -p $(@D)
	@echo '$(KERNEL_VERBOSE)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/kernel/src/errors.o: $(BUILD)/kernel/verbose.stamp
.PHONY: kernel-verbose-always

# The production objects: the same sources with CONFIG_PRODUCTION.
$(BUILD)/kernel-prod/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $< (production)"
	$(Q)$(CC) $(KERNEL_CFLAGS) -DCONFIG_PRODUCTION -c $< -o $@
$(BUILD)/kernel-prod/%.o: %.S
	@mkdir -p $(@D)
	@echo "  AS      $< (production)"
	$(Q)$(CC) $(KERNEL_CFLAGS) -DCONFIG_PRODUCTION -D__ASSEMBLY__ -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) kernel/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

$(KERNEL_PROD_ELF): $(KERNEL_PROD_OBJS) kernel/linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_PROD_OBJS)

$(BUILD)/kernel/kernel32.elf $(BUILD)/kernel-prod/kernel32.elf: %/kernel32.elf: %/kernel.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) -O elf32-i386 $< $@

ALL_TARGETS += $(KERNEL_IMAGE) $(KERNEL_PROD_IMAGE)
.PHONY: kernel
kernel: $(KERNEL_IMAGE) $(KERNEL_PROD_IMAGE)
