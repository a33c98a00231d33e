# bench/: kernel micro-benchmarks (IPC round trips, notification wake-up, null syscall).
#
#   make bench                                    on $(KERNEL), plain TCG and -icount
#   make bench BENCH_UPSTREAM=/path/to/upstream/kernel32.elf   also on upstream, side by side
#
# Benchmarks never fail on speed; they fail only if a figure could not be produced.
BENCH_BUILD := $(BUILD)/bench
BENCH_ELF := $(BENCH_BUILD)/bench.elf
BENCH_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard bench/*.c))
# Deterministic instruction counting: the guest's TSC then advances 1 tick per instruction
# (see bench/README.md for the choice of options).
BENCH_ICOUNT ?= shift=0,sleep=off
BENCH_TIMEOUT ?= 120
BENCH_UPSTREAM ?=

$(eval $(call root_task,$(BENCH_ELF),$(BENCH_OBJS)))
ALL_TARGETS += $(BENCH_ELF)

.PHONY: bench-kernel test-bench
bench-kernel: $(BENCH_ELF) $(filter $(BUILD)/%,$(KERNEL))
	$(Q)QEMU_RUN=$(QEMU_RUN) BENCH_TIMEOUT=$(BENCH_TIMEOUT) bench/bench-run \
		-o $(BENCH_BUILD) -i '$(BENCH_ICOUNT)' $(BENCH_ELF) $(KERNEL) $(BENCH_UPSTREAM)
BENCH_TARGETS += bench-kernel

# Smoke test: one plain run; passes if every figure was produced (the numbers are not judged).
test-bench: $(BENCH_ELF) $(filter $(BUILD)/%,$(KERNEL))
	$(Q)QEMU_RUN=$(QEMU_RUN) BENCH_TIMEOUT=60 bench/bench-run -o $(BENCH_BUILD) -s \
		$(BENCH_ELF) $(KERNEL)
TEST_TARGETS += test-bench
