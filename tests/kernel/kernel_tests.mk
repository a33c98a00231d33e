# The kernel test suite: a root task that checks the seL4 ABI (tests/kernel/README in
# tests/README.md). It must pass unchanged on upstream seL4 in the pinned configuration:
#
#   make test-kernel                                        on our kernel
#   make test-kernel KERNEL=/path/to/upstream/kernel32.elf  on upstream
#   make test-kernel TESTS='cnode_*,ipc_call*'              only the tests matching these globs
#
# The run passes only if QEMU reports success and the log's last line is
# "N passed, 0 failed" (optionally followed by ", N skipped").

KTEST_BUILD := $(BUILD)/tests/kernel
KTEST_ELF := $(KTEST_BUILD)/kernel-tests.elf
KTEST_LOG := $(KTEST_BUILD)/test-kernel.log
# Link order is run order: one file per area (a file not present yet is skipped).
KTEST_ORDER := main.c framework.c support.c jump.S \
	test_untyped.c test_cnode.c test_cspace.c test_tcb.c test_ipc.c test_notification.c \
	test_sched.c test_debug.c test_vspace.c test_frame.c test_fault.c test_ioport.c test_irq.c
KTEST_SOURCES := $(foreach f,$(KTEST_ORDER),$(if $(wildcard tests/kernel/$(f)),$(f)))
KTEST_OBJS := $(addprefix $(KTEST_BUILD)/,$(addsuffix .o,$(basename $(KTEST_SOURCES))))
# 3 GiB of RAM so that upstream hands out a 1 GiB untyped (for huge-page tests).
KTEST_QEMU_ARGS ?= -m 3G
KTEST_TIMEOUT ?= 180
TESTS ?=

$(KTEST_BUILD)/%.o: CFLAGS_FOR = $(USER_CFLAGS) -I$(KTEST_BUILD)

# The test filter is compiled in; the header only changes when TESTS does.
$(KTEST_BUILD)/ktest_filter.h: ktest-filter-always
	@mkdir -p $(@D)
	@printf '#define KTEST_FILTER "%s"\n' '$(TESTS)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(KTEST_BUILD)/main.o: $(KTEST_BUILD)/ktest_filter.h

$(eval $(call root_task,$(KTEST_ELF),$(KTEST_OBJS)))

.PHONY: test-kernel ktest-filter-always
# Our kernel is built first when it is the one selected.
test-kernel: $(KTEST_ELF) $(filter $(BUILD)/%,$(KERNEL))
	@echo "  QEMU    $(KTEST_ELF) on $(KERNEL)"
	$(Q)log=$$(mktemp); \
	$(QEMU_RUN) -t $(KTEST_TIMEOUT) -l $$log $(KERNEL) $(KTEST_ELF) $(KTEST_QEMU_ARGS); \
	status=$$?; \
	last=$$(tr -d '\r' < $$log | grep -av '^[[:space:]]*$$' | tail -n 1); \
	cp $$log $(KTEST_LOG); rm -f $$log; \
	if [ $$status -ne 0 ] || ! echo "$$last" | grep -Eq '^[0-9]+ passed, 0 failed(, [0-9]+ skipped)?$$'; then \
		echo "test-kernel: FAILED (qemu-run status $$status, last line: $$last)"; exit 1; \
	fi; \
	echo "test-kernel: $$last"

TEST_TARGETS += test-kernel
ALL_TARGETS += $(KTEST_ELF)
