# tests/fuzz: the randomized kernel invocation test (see tests/fuzz/README.md).
#
#   make test-fuzz                      FUZZ_TEST_N invocations, fixed seed (part of make test)
#   make fuzz N=1000000 SEED=0x1234     a longer run (SEED defaults to the time)
#   make fuzz ... TRACE_FROM=K          also print every invocation from number K on
#   make fuzz ... ICOUNT=1              deterministic run (-icount), to reproduce a finding
#   make fuzz ... WORLD_LIFE=K          rebuild the fuzz world every K invocations (20000)
#   ... KERNEL=/path/to/upstream/kernel32.elf  on upstream (use a small N: it logs every error)
#
# A run passes if QEMU reports success, the log has no kernel panic, and its last line is
# "fuzz: N invocations, 0 kernel faults".

FUZZ_BUILD := $(BUILD)/tests/fuzz
FUZZ_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(wildcard tests/fuzz/*.c tests/fuzz/*.S)))
FUZZ_TEST_N ?= 100000
FUZZ_TEST_SEED ?= 0x5eed
FUZZ_TEST_TIMEOUT ?= 180
N ?= 1000000
SEED ?= $(shell date +%s)
TRACE_FROM ?= 0
WORLD_LIFE ?= 20000
ICOUNT ?= 0

# Sanity checks after fuzzing: tests of the kernel test suite (main.c names which), run by
# the suite's own framework.
FUZZ_KTEST_OBJS := $(addprefix $(BUILD)/tests/kernel/,framework.o support.o jump.o \
	test_untyped.o test_ipc.o test_notification.o test_frame.o test_vspace.o test_tcb.o)

# One configuration object per ELF: the numbers are compiled in (a root task has no
# command line). $(1) = test or run, then N, seed, first traced invocation, world life.
define fuzz_variant
$(FUZZ_BUILD)/$(1)/config.c: fuzz-config-always
	@mkdir -p $$(@D)
	@printf '#include <stdint.h>\nconst uint64_t fuzz_cfg_invocations = %s;\nconst uint64_t fuzz_cfg_seed = %s;\nconst uint64_t fuzz_cfg_trace_from = %s;\nconst uint64_t fuzz_cfg_world_life = %s;\n' '$(2)' '$(3)' '$(4)' '$(5)' > $$@.tmp
	@cmp -s $$@.tmp $$@ && rm -f $$@.tmp || mv $$@.tmp $$@
$(FUZZ_BUILD)/$(1)/config.o: $(FUZZ_BUILD)/$(1)/config.c
	$(Q)$$(CC) $$(USER_CFLAGS) -c $$< -o $$@
$(call root_task,$(FUZZ_BUILD)/$(1)/fuzz.elf,$(FUZZ_OBJS) $(FUZZ_KTEST_OBJS) \
	$(FUZZ_BUILD)/$(1)/config.o)
endef
$(eval $(call fuzz_variant,test,$(FUZZ_TEST_N),$(FUZZ_TEST_SEED),0,20000))
$(eval $(call fuzz_variant,run,$(N),$(SEED),$(TRACE_FROM),$(WORLD_LIFE)))

comma := ,
FUZZ_QEMU_ARGS := $(if $(filter 1,$(ICOUNT)),-icount shift=0$(comma)sleep=off)

.PHONY: test-fuzz fuzz fuzz-config-always
test-fuzz: $(FUZZ_BUILD)/test/fuzz.elf $(filter $(BUILD)/%,$(KERNEL))
	$(Q)QEMU_RUN=$(QEMU_RUN) tests/fuzz/fuzz-run -t $(FUZZ_TEST_TIMEOUT) \
		-l $(FUZZ_BUILD)/test-fuzz.log $(KERNEL) $(FUZZ_BUILD)/test/fuzz.elf $(FUZZ_QEMU_ARGS)
fuzz: $(FUZZ_BUILD)/run/fuzz.elf $(filter $(BUILD)/%,$(KERNEL))
	$(Q)QEMU_RUN=$(QEMU_RUN) tests/fuzz/fuzz-run -t $$(( $(N) / 500 + 300 )) \
		-l $(FUZZ_BUILD)/fuzz.log $(KERNEL) $(FUZZ_BUILD)/run/fuzz.elf $(FUZZ_QEMU_ARGS)

TEST_TARGETS += test-fuzz
ALL_TARGETS += $(FUZZ_BUILD)/test/fuzz.elf
