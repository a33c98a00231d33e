# tools/: host programs. bake builds unikernel ELFs and bootable system images (tools/README.md).
# Host objects use the $(HOST_BUILD) rule of roottask/roottask.mk.
BAKE := $(BUILD)/tools/bake
BAKE_OBJS := $(patsubst %.c,$(HOST_BUILD)/%.o,$(wildcard tools/bake/*.c)) \
	$(ROOTTASK_SHARED_HOST_OBJS)

$(BAKE): $(BAKE_OBJS)
	@mkdir -p $(@D)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) -o $@ $^

ALL_TARGETS += $(BAKE)

# For fragments read before this one, which cannot name $(BAKE) in a prerequisite list.
.PHONY: tools-bake
tools-bake: $(BAKE)

# make image SYSTEM=path/to/NAME.system -> build/image/NAME/{kernel32.elf,roottask.elf}
# with $(IMAGE_KERNEL) (the production kernel unless KERNEL= is given; see the Makefile).
# IMAGES=dir (or several) adds directories to search for the unikernel ELFs it names.
SYSTEM ?=
IMAGES ?=
IMAGE_NAME = $(basename $(notdir $(SYSTEM)))
IMAGE_DIR = $(BUILD)/image/$(IMAGE_NAME)

.PHONY: image run-image
image: $(BAKE) $(ROOTTASK_OBJ)
	@test -n "$(SYSTEM)" || { echo "make image: set SYSTEM=path/to/description"; exit 2; }
	$(Q)$(BAKE) image -o $(IMAGE_DIR) --roottask $(ROOTTASK_OBJ) --kernel $(IMAGE_KERNEL) \
		$(addprefix --images ,$(IMAGES)) $(SYSTEM)
	@echo "  IMAGE   $(IMAGE_DIR)/kernel32.elf $(IMAGE_DIR)/roottask.elf"

# Boots the image `make image` makes for the same SYSTEM (QEMU_ARGS: extra QEMU options).
run-image: image
	$(QEMU_RUN) -t $(or $(TIMEOUT),60) $(IMAGE_DIR)/kernel32.elf $(IMAGE_DIR)/roottask.elf \
		$(QEMU_ARGS)

# Tests of bake's command line (tools/tests/bake-test); the guests are the root task's.
.PHONY: test-bake
# With the platform built, its link is checked too (apps/hello).
test-bake: $(BAKE) $(ROOTTASK_OBJ) $(GUESTS) $(KERNEL) $(PLATFORM_CRT) $(PLATFORM_LIB) \
		$(RUMPUSER_LIB) $(if $(PLATFORM_LIB),$(BUILD)/apps/hello/hello.o)
	$(Q)BAKE=$(BAKE) BUILD=$(BUILD) ROOTTASK_OBJ=$(ROOTTASK_OBJ) KERNEL=$(KERNEL) \
		GUEST_BUILD=$(GUEST_BUILD) CC=$(HOSTCC) tools/tests/bake-test
TEST_TARGETS += test-bake
