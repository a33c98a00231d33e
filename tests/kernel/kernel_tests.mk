# The kernel test suite: a root task that checks the seL4 ABI (tests/kernel/README in
# tests/README.md). It must pass unchanged on upstream seL4 in the pinned configuration:
#
#   make test-kernel                                   on our kernel (debug build)
#   make test-kernel KERNEL=/path/to/upstream/kernel32.elf  on upstream
#   make test-kernel TESTS='cnode_*,ipc_call*'         only the tests matching these globs
#   make test-kernel-prod                              the same suite built for a production
#                                                      kernel (no debug calls; KERNEL_PROD=...)
#
# A run passes only if QEMU reports success and the log's last line is
# "N passed, 0 failed" (optionally followed by ", N skipped").

KTEST_BUILD := $(BUILD)/tests/kernel
KTEST_ELF := $(KTEST_BUILD)/kernel-tests.elf
KTEST_PROD_BUILD := $(BUILD)/tests/kernel-prod
KTEST_PROD_ELF := $(KTEST_PROD_BUILD)/kernel-tests.elf
# Link order is run order: one file per area (a file not present yet is skipped).
KTEST_ORDER := main.c framework.c support.c jump.S \
	test_untyped.c test_cnode.c test_cspace.c test_tcb.c test_ipc.c test_notification.c \
	test_sched.c test_domain.c test_debug.c test_vspace.c test_frame.c test_fault.c \
	test_entry.c test_ioport.c test_irq.c
KTEST_SOURCES := $(foreach f,$(KTEST_ORDER),$(if $(wildcard tests/kernel/$(f)),$(f)))
KTEST_OBJS := $(addprefix $(KTEST_BUILD)/,$(addsuffix .o,$(basename $(KTEST_SOURCES))))
KTEST_PROD_OBJS := $(addprefix $(KTEST_PROD_BUILD)/,$(addsuffix .o,$(basename $(KTEST_SOURCES))))
# 3 GiB of RAM so that upstream hands out a 1 GiB untyped (for huge-page tests).
KTEST_QEMU_ARGS ?= -m 3G
KTEST_TIMEOUT ?= 180
TESTS ?=
KERNEL_PROD ?= $(KERNEL_PROD_IMAGE)

$(KTEST_BUILD)/%.o: CFLAGS_FOR = $(USER_CFLAGS) -I$(KTEST_BUILD)

# The production build of the suite: the same sources with KTEST_PRODUCTION.
$(KTEST_PROD_BUILD)/%.o: tests/kernel/%.c
	@mkdir -p $(@D)
	@echo "  CC      $< (production)"
	$(Q)$(CC) $(USER_CFLAGS) -I$(KTEST_BUILD) -DKTEST_PRODUCTION -c $< -o $@
$(KTEST_PROD_BUILD)/%.o: tests/kernel/%.S
	@mkdir -p $(@D)
	@echo "  AS      $< (production)"
	$(Q)$(CC) $(USER_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# The test filter is compiled in; the header only changes when TESTS does.
$(KTEST_BUILD)/ktest_filter.h: ktest-filter-always
	@mkdir -p $(@D)
	@printf '#define KTEST_FILTER "%s"\n' '$(TESTS)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(KTEST_BUILD)/main.o $(KTEST_PROD_BUILD)/main.o: $(KTEST_BUILD)/ktest_filter.h

$(eval $(call root_task,$(KTEST_ELF),$(KTEST_OBJS)))
$(eval $(call root_task,$(KTEST_PROD_ELF),$(KTEST_PROD_OBJS)))

# $(call ktest_run,TARGET,SUITE.elf,KERNEL,LOG): boots the suite, checks the closing line.
define ktest_run
	@echo "  QEMU    $(2) on $(3)"
	$(Q)log=$$(mktemp); \
	$(QEMU_RUN) -t $(KTEST_TIMEOUT) -l $$log $(3) $(2) $(KTEST_QEMU_ARGS); \
	status=$$?; \
	last=$$(tr -d '\r' < $$log | grep -av '^[[:space:]]*$$' | tail -n 1); \
	cp $$log $(4); rm -f $$log; \
	if [ $$status -ne 0 ] || ! echo "$$last" | grep -Eq '^[0-9]+ passed, 0 failed(, [0-9]+ skipped)?$$'; then \
		echo "$(1): FAILED (qemu-run status $$status, last line: $$last)"; exit 1; \
	fi; \
	echo "$(1): $$last"
endef

.PHONY: test-kernel test-kernel-prod ktest-filter-always
# Our kernel is built first when it is the one selected.
test-kernel: $(KTEST_ELF) $(filter $(BUILD)/%,$(KERNEL))
	$(call ktest_run,test-kernel,$(KTEST_ELF),$(KERNEL),$(KTEST_BUILD)/test-kernel.log)
test-kernel-prod: $(KTEST_PROD_ELF) $(filter $(BUILD)/%,$(KERNEL_PROD))
	$(call ktest_run,test-kernel-prod,$(KTEST_PROD_ELF),$(KERNEL_PROD),$(KTEST_PROD_BUILD)/test-kernel.log)

TEST_TARGETS += test-kernel test-kernel-prod
ALL_TARGETS += $(KTEST_ELF) $(KTEST_PROD_ELF)
