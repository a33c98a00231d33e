# tools/: host programs. bake builds unikernel ELFs and bootable system images (tools/README.md).
#
# Host objects land in $(BUILD)/host/<source path>.o, compiled as ordinary hosted C; any
# directory's host program or host test can use this rule.
HOST_BUILD := $(BUILD)/host
HOST_INCLUDES := -Iroottask/include -Ilibsel4/include

$(HOST_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(HOST_INCLUDES) -c $< -o $@

# Code shared with the root task: the system description parser, ELF checker, CPIO reader.
ROOTTASK_SHARED_HOST_OBJS := $(addprefix $(HOST_BUILD)/roottask/shared/,sysdesc.o elfcheck.o cpio.o)

BAKE := $(BUILD)/tools/bake
BAKE_OBJS := $(patsubst %.c,$(HOST_BUILD)/%.o,$(wildcard tools/bake/*.c)) \
	$(HOST_BUILD)/roottask/shared/sysdesc.o $(HOST_BUILD)/roottask/shared/elfcheck.o

$(BAKE): $(BAKE_OBJS)
	@mkdir -p $(@D)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) -o $@ $^

ALL_TARGETS += $(BAKE)

# make image SYSTEM=path/to/NAME.system -> build/image/NAME/{kernel32.elf,roottask.elf}
# IMAGES=dir (or several) adds directories to search for the unikernel ELFs it names.
SYSTEM ?=
IMAGES ?=
IMAGE_NAME = $(basename $(notdir $(SYSTEM)))
IMAGE_DIR = $(BUILD)/image/$(IMAGE_NAME)

.PHONY: image run-image
image: $(BAKE) $(ROOTTASK_OBJ)
	@test -n "$(SYSTEM)" || { echo "make image: set SYSTEM=path/to/description"; exit 2; }
	$(Q)$(BAKE) image -o $(IMAGE_DIR) --roottask $(ROOTTASK_OBJ) --kernel $(KERNEL) \
		$(addprefix --images ,$(IMAGES)) $(SYSTEM)
	@echo "  IMAGE   $(IMAGE_DIR)/kernel32.elf $(IMAGE_DIR)/roottask.elf"

# Boots the image `make image` makes for the same SYSTEM (QEMU_ARGS: extra QEMU options).
run-image: image
	$(QEMU_RUN) -t $(or $(TIMEOUT),60) $(IMAGE_DIR)/kernel32.elf $(IMAGE_DIR)/roottask.elf \
		$(QEMU_ARGS)
