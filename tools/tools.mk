# tools/: host programs. bake builds unikernel ELFs and bootable system images (tools/README.md).
# Host objects use the $(HOST_BUILD) rule of mk/rules.mk.
BAKE := $(BUILD)/tools/bake
BAKE_OBJS := $(patsubst %.c,$(HOST_BUILD)/%.o,$(wildcard tools/bake/*.c)) \
	$(ROOTTASK_SHARED_HOST_OBJS)

$(BAKE): $(BAKE_OBJS)
	@mkdir -p $(@D)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) -o $@ $^

ALL_TARGETS += $(BAKE)

# Just bake.
.PHONY: tools-bake
tools-bake: $(BAKE)

# Preloaded into QEMU (`qemu-run -p`) by tests that open many host connections at once
# through QEMU's host forwarding: raises that listening socket's backlog from libslirp's 1
# (tools/hostfwd/backlog.c says why).
HOSTFWD_BACKLOG_SO := $(BUILD)/tools/hostfwd-backlog.so
$(HOSTFWD_BACKLOG_SO): tools/hostfwd/backlog.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -fPIC -shared -o $@ $< -ldl

ALL_TARGETS += $(HOSTFWD_BACKLOG_SO)

# Unikernel images: any $(BUILD)/<path>.uk.elf is linked by `bake link` (the platform's
# recipe, platform/platform.mk) from the prerequisites a fragment gives it (its objects)
# and, for a rump kernel, the components in its target-specific UK_RUMP (a list of bake
# link --rump short names, see bake --help). UK_LINK_FLAGS adds bake options
# (--no-rump-glue for a program that calls rump_init itself). bake writes every input it
# used to $@.d, so a changed rump library relinks. A fragment says:
#   $(BUILD)/apps/foo/foo.uk.elf: $(BUILD)/apps/foo/foo.o
#   $(BUILD)/apps/foo/foo.uk.elf: UK_RUMP := vfs fs_tmpfs net net_net net_netinet net_config
$(BUILD)/%.uk.elf: $(PLATFORM_CRT) $(RUMPUSER_LIB) $(PLATFORM_LIB) $(RUNTIME_LIB) $(LIBSEL4_LIB) \
		$(PLATFORM_LDS) $(BAKE) $(if $(RUMP_SYSROOT),$(RUMPGLUE_LIB))
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)RUMP_SYSROOT=$(RUMP_SYSROOT) $(BAKE) link $(if $(filter 1,$(V)),-v) \
		--ld $(LD) --build $(BUILD) --deps $@.d -o $@ $(addprefix --rump ,$(UK_RUMP)) \
		$(UK_LINK_FLAGS) $(filter-out $(PLATFORM_CRT),$(filter %.o,$^))

# System images. A fragment that boots a system bakes it with the root task and boots it
# in its own recipe (no recursive make, so make -j never builds one file twice at once),
# with $(IMAGE_DEPS) and the unikernel ELFs among its prerequisites:
#   $(call image_bake,SYSTEM,IMAGE DIRECTORIES)  SYSTEM -> $(call image_dir,SYSTEM)/
#                                                {kernel32.elf,roottask.elf} for $(KERNEL)
#   $(call image_boot,SYSTEM,TIMEOUT,QEMU ARGS)  boots what image_bake made
# Images for users rather than tests (make run, run-echo, image) take $(IMAGE_KERNEL), the
# production kernel (see the Makefile): a third argument of image_bake, with
# $(USER_IMAGE_DEPS) among the prerequisites.
IMAGE_DEPS := $(BAKE) $(ROOTTASK_OBJ) $(KERNEL)
USER_IMAGE_DEPS := $(BAKE) $(ROOTTASK_OBJ) $(IMAGE_KERNEL)
image_dir = $(BUILD)/image/$(basename $(notdir $(1)))
image_bake = $(BAKE) image -o $(call image_dir,$(1)) --roottask $(ROOTTASK_OBJ) \
	--kernel $(or $(3),$(KERNEL)) $(addprefix --images ,$(2)) $(1) && \
	echo "  IMAGE   $(call image_dir,$(1))/kernel32.elf $(call image_dir,$(1))/roottask.elf"
image_boot = $(QEMU_RUN) -t $(2) $(call image_dir,$(1))/kernel32.elf \
	$(call image_dir,$(1))/roottask.elf $(3)

# make image SYSTEM=path/to/NAME.system -> build/image/NAME/{kernel32.elf,roottask.elf}
# with $(IMAGE_KERNEL). IMAGES=dir (or several) adds directories to search for the
# unikernel ELFs it names.
# make run-image (same variables, QEMU_ARGS: extra QEMU options, TIMEOUT) also boots it.
SYSTEM ?=
IMAGES ?=

.PHONY: image run-image
image: $(USER_IMAGE_DEPS)
	@test -n "$(SYSTEM)" || { echo "make image: set SYSTEM=path/to/description"; exit 2; }
	$(Q)$(call image_bake,$(SYSTEM),$(IMAGES),$(IMAGE_KERNEL))
run-image: image
	$(call image_boot,$(SYSTEM),$(or $(TIMEOUT),60),$(QEMU_ARGS))
