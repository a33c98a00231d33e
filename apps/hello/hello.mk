# apps/hello: the demo unikernel, and `make run`, which boots it as the default system.
HELLO_ELF := $(BUILD)/apps/hello/hello.uk.elf
$(BUILD)/apps/%.o: CFLAGS_FOR = $(PLATFORM_CFLAGS)
$(HELLO_ELF): $(BUILD)/apps/hello/hello.o
ALL_TARGETS += $(HELLO_ELF)

# What `make run` (and `make debug`) boots: the default system, or `make run
# SYSTEM=path/to/file.system` (IMAGES=dir adds directories where its unikernel ELFs are found).
RUN_SYSTEM := $(or $(SYSTEM),apps/hello/hello.system)
RUN_IMAGES := $(BUILD)/apps/hello $(IMAGES)
RUN_DEPS += $(HELLO_ELF)

run: $(RUN_DEPS) $(USER_IMAGE_DEPS)
	$(Q)$(call image_bake,$(RUN_SYSTEM),$(RUN_IMAGES),$(IMAGE_KERNEL))
	$(call image_boot,$(RUN_SYSTEM),$(or $(TIMEOUT),60),$(QEMU_ARGS))
