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
# Every fragment, lowest layer first (README.md, Layout): a fragment may use what the ones
# before it define, because make expands the variables of a prerequisite list as it reads
# it. Tests come last; they may use every layer. A new fragment is added here (make stops
# and names a fragment that is missing from this list).
FRAGMENTS := \
	libsel4/libsel4.mk \
	runtime/runtime.mk \
	kernel/kernel.mk \
	roottask/roottask.mk \
	platform/platform.mk \
	platform/rumpglue/rumpglue.mk \
	platform/rumpclient/rumpclient.mk \
	platform/posix/posix.mk \
	tools/tools.mk \
	apps/hello/hello.mk \
	apps/echo/echo.mk \
	apps/netserver/netserver.mk \
	apps/fsserver/fsserver.mk \
	apps/hello-posix/hello-posix.mk \
	apps/nginx/nginx.mk \
	apps/redis/redis.mk \
	apps/iperf/iperf.mk \
	bench/bench.mk \
	bench/threadswitch/threadswitch.mk \
	bench/net/net.mk \
	bench/apps/apps.mk \
	bench/rsc/rsc.mk \
	tests/boot/boot.mk \
	tests/host/host_tests.mk \
	tests/kernel/kernel_tests.mk \
	tests/fuzz/fuzz.mk \
	tests/fuzz/findings.mk \
	tests/rumpuser/rumpuser.mk \
	tests/netbsd/netbsd.mk \
	tests/netbsd/netbsd-servers.mk \
	tests/posix/posix-tests.mk \
	roottask/tests/roottask-tests.mk \
	tests/attack/attack.mk \
	tools/tests/bake-tests.mk
include $(FRAGMENTS)
UNLISTED_FRAGMENTS := $(filter-out mk/% build/% $(BUILD)/% $(FRAGMENTS),$(wildcard */*.mk */*/*.mk */*/*/*.mk))
ifneq ($(UNLISTED_FRAGMENTS),)
$(error $(UNLISTED_FRAGMENTS): not in the Makefile's FRAGMENTS list (add it in layer order))
endif

.PHONY: all test bench run debug clean format format-check test-build-clang
all: $(ALL_TARGETS)

# The demo system (RUN_SYSTEM, apps/hello/hello.mk), halted under GDB with kernel and
# root-task symbols (tools/qemu-debug), on the debug kernel whose symbols it loads.
debug: $(RUN_DEPS) $(IMAGE_DEPS) $(KERNEL_ELF)
	$(Q)$(call image_bake,$(RUN_SYSTEM),$(RUN_IMAGES))
	tools/qemu-debug $(call image_dir,$(RUN_SYSTEM))/kernel32.elf \
		$(call image_dir,$(RUN_SYSTEM))/roottask.elf $(KERNEL_ELF)

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

# Dependency files of our objects (files only: unpacked packages under $(BUILD) may hold
# directories named *.d); third-party source trees fetched into $(BUILD)/apps/*/source
# (apps/redis) have their own, which are not ours to read.
-include $(shell find $(BUILD) -path '$(BUILD)/apps/*/source' -prune -o -name '*.d' -type f \
	-print 2>/dev/null)
