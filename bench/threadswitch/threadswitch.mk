# bench/threadswitch: costs of a platform thread switch and of the kernel-thread
# alternatives (see threadswitch.c); `make bench` prints them.
THREADSWITCH_ELF := $(BUILD)/bench/threadswitch/threadswitch.uk.elf
$(BUILD)/bench/threadswitch/%.o: CFLAGS_FOR = $(PLATFORM_CFLAGS)
$(THREADSWITCH_ELF): $(BUILD)/bench/threadswitch/threadswitch.o
ALL_TARGETS += $(THREADSWITCH_ELF)

.PHONY: bench-threadswitch
THREADSWITCH_SYSTEM := bench/threadswitch/threadswitch.system
bench-threadswitch: $(THREADSWITCH_ELF) $(IMAGE_DEPS)
	$(Q)$(call image_bake,$(THREADSWITCH_SYSTEM),$(BUILD)/bench/threadswitch)
	$(Q)$(call image_boot,$(THREADSWITCH_SYSTEM),120)
BENCH_TARGETS += bench-threadswitch
