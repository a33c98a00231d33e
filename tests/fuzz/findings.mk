# tests/fuzz/findings: minimal reproducers of kernel bugs the fuzzer found, run by the kernel
# test suite's framework in a binary of their own (a hang there must not stop the suite).
#
#   make test-fuzz-findings [KERNEL=...]
#
# Passes only if QEMU reports success and the last line is "N passed, 0 failed".

FINDINGS_BUILD := $(BUILD)/tests/fuzz/findings
FINDINGS_ELF := $(FINDINGS_BUILD)/findings.elf
FINDINGS_TIMEOUT ?= 60
# The suite's framework runs them (findings.c's main runs every test in this binary).
FINDINGS_OBJS := $(BUILD)/tests/fuzz/findings/findings.o \
	$(addprefix $(BUILD)/tests/kernel/,framework.o support.o jump.o)

$(eval $(call root_task,$(FINDINGS_ELF),$(FINDINGS_OBJS)))
ALL_TARGETS += $(FINDINGS_ELF)

.PHONY: test-fuzz-findings
test-fuzz-findings: $(FINDINGS_ELF) $(filter $(BUILD)/%,$(KERNEL))
	@echo "  QEMU    $(FINDINGS_ELF) on $(KERNEL)"
	$(Q)log=$(FINDINGS_BUILD)/test-fuzz-findings.log; \
	$(QEMU_RUN) -t $(FINDINGS_TIMEOUT) -l $$log $(KERNEL) $(FINDINGS_ELF) >/dev/null; \
	status=$$?; \
	tr -d '\r' < $$log | grep -a '^TEST '; \
	last=$$(tr -d '\r' < $$log | grep -av '^[[:space:]]*$$' | tail -n 1); \
	if [ $$status -ne 0 ] || ! echo "$$last" | grep -Eq '^[0-9]+ passed, 0 failed(, [0-9]+ skipped)?$$'; then \
		echo "test-fuzz-findings: FAILED (qemu-run status $$status, last line: $$last)"; exit 1; \
	fi; \
	echo "test-fuzz-findings: $$last"
TEST_TARGETS += test-fuzz-findings
