# bench/threadswitch: costs of a platform thread switch and of the kernel-thread
# alternatives (see threadswitch.c); `make bench` prints them.
THREADSWITCH_ELF := $(BUILD)/bench/threadswitch/threadswitch.uk.elf
$(BUILD)/bench/threadswitch/%.o: CFLAGS_FOR = $(PLATFORM_CFLAGS)
$(THREADSWITCH_ELF): $(BUILD)/bench/threadswitch/threadswitch.o
ALL_TARGETS += $(THREADSWITCH_ELF)

.PHONY: bench-threadswitch
bench-threadswitch: $(THREADSWITCH_ELF)
	$(Q)$(MAKE) --no-print-directory run-image SYSTEM=bench/threadswitch/threadswitch.system \
		IMAGES=$(BUILD)/bench/threadswitch TIMEOUT=120
BENCH_TARGETS += bench-threadswitch
