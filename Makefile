# Top-level build. Each layer contributes a fragment (<dir>/*.mk) that defines its
# outputs and appends to the lists below; this file only ties them together.
#
#   make run      build everything and boot the demo system in QEMU
#   make test     run every test (host unit tests and in-QEMU suites)
#   make bench    run the benchmarks
#   make debug    boot the demo halted, with GDB attached
#   make fuzz N=  run the randomized kernel invocation test for longer
#
# KERNEL=path/to/kernel32.elf runs the user-level suites on another kernel (for example
# upstream seL4 built in the pinned configuration).

.DEFAULT_GOAL := all
include mk/toolchain.mk

ALL_TARGETS :=
TEST_TARGETS :=
BENCH_TARGETS :=

# The kernel user-level suites boot on. Ours by default (its debug build); any pinned-config
# seL4 kernel works.
KERNEL ?= $(BUILD)/kernel/kernel32.elf
# The kernel `make image`, `make run` and `make run-echo` put into bootable images: our
# production build (no debug system calls, kernel/README.md), or KERNEL when it is given.
IMAGE_KERNEL ?= $(if $(filter command% environment%,$(origin KERNEL)),$(KERNEL),$(BUILD)/kernel-prod/kernel32.elf)
QEMU_RUN := tools/qemu-run

include mk/rules.mk
# Every layer's fragment: <dir>/*.mk and <dir>/<sub>/*.mk (mk/ holds the shared rules).
# libsel4 and runtime come first: other fragments name their libraries in prerequisite
# lists, which make expands as it reads them.
BASE_FRAGMENTS := libsel4/libsel4.mk runtime/runtime.mk
include $(BASE_FRAGMENTS)
include $(sort $(filter-out mk/% $(BASE_FRAGMENTS),$(wildcard */*.mk */*/*.mk)))

.PHONY: all test bench run debug clean format format-check test-build-clang
all: $(ALL_TARGETS)

# Anything that boots needs the kernel it boots.
run image: $(IMAGE_KERNEL)

# The demo system, halted under GDB with kernel and root-task symbols (tools/qemu-debug):
# on the debug kernel, whose symbols it loads.
debug: $(RUN_DEPS) $(KERNEL) $(KERNEL_ELF)
	$(Q)$(MAKE) --no-print-directory image SYSTEM=$(RUN_SYSTEM) IMAGES="$(RUN_IMAGES)" \
		IMAGE_KERNEL=$(KERNEL)
	tools/qemu-debug $(BUILD)/image/$(basename $(notdir $(RUN_SYSTEM)))/kernel32.elf \
		$(BUILD)/image/$(basename $(notdir $(RUN_SYSTEM)))/roottask.elf $(KERNEL_ELF)

# Every part must build warning-free with clang too (into its own build directory).
test-build-clang:
	$(Q)$(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)/clang all
	@echo "test-build-clang: everything builds with clang"

TEST_TARGETS += format-check test-build-clang

test: $(TEST_TARGETS)
	@echo "make test: all test targets passed ($(TEST_TARGETS))"

bench: $(BENCH_TARGETS)

clean:
	rm -rf $(BUILD)

C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(C_SOURCES)
format-check:
	@clang-format --dry-run --Werror $(C_SOURCES) && echo "clang-format: clean"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
