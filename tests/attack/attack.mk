# tests/attack: the attack suite (tests/README.md). Hostile unikernels beside a heartbeat
# victim, one system per case (tests/attack/cases); each case checks that the victim's
# heartbeat stayed within its bound, that the attack was refused and that the system (the
# kernel and the root task) lived to print its summary. Cases run one after another (the
# victims measure time), on the production kernel: the configuration users boot.
#
#   make test-attack                                              on our production kernel
#   make test-attack KERNEL_PROD=/path/to/upstream/kernel32-prod.elf   on upstream's
#   make test-attack ATTACK_CASES='hog*'                          only some cases
ATTACK_BUILD := $(BUILD)/tests/attack
ATTACK_PROGRAMS := victim snoop guesser prober debugger hog forger glutton crasher bigtls
ATTACK_ELFS := $(patsubst %,$(ATTACK_BUILD)/%.uk.elf,$(ATTACK_PROGRAMS))
ATTACK_COMMON := $(ATTACK_BUILD)/probe.o $(ATTACK_BUILD)/probe_stubs.o
$(ATTACK_BUILD)/%.o: CFLAGS_FOR = $(PLATFORM_CFLAGS)
$(foreach p,$(ATTACK_PROGRAMS),$(eval $(ATTACK_BUILD)/$(p).uk.elf: $(ATTACK_BUILD)/$(p).o \
	$(ATTACK_COMMON)))
.SECONDARY: $(ATTACK_COMMON) $(ATTACK_ELFS:.uk.elf=.o)
ALL_TARGETS += $(ATTACK_ELFS)

ATTACK_CASES ?= *
# The production kernel (kernel/README.md, "Configurations"; tests/kernel's KERNEL_PROD).
ATTACK_KERNEL = $(KERNEL_PROD)

.PHONY: test-attack
test-attack: $(ATTACK_ELFS) $(BAKE) $(ROOTTASK_OBJ) $(filter $(BUILD)/%,$(ATTACK_KERNEL)) \
		roottask/tests/system-test
	$(Q)BAKE=$(BAKE) ROOTTASK_OBJ=$(ROOTTASK_OBJ) KERNEL=$(ATTACK_KERNEL) \
		IMAGES=$(ATTACK_BUILD) OUT=$(ATTACK_BUILD)/cases/$(notdir $(patsubst %/,%,$(dir $(ATTACK_KERNEL)))) \
		QEMU_RUN=$(QEMU_RUN) SYSTEM_TEST=roottask/tests/system-test \
		tests/attack/run $(sort $(wildcard tests/attack/cases/$(ATTACK_CASES).system))
TEST_TARGETS += test-attack
