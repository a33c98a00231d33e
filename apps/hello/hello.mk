# apps/hello: the demo unikernel, and `make run`, which boots it as the default system.
HELLO_ELF := $(BUILD)/apps/hello/hello.uk.elf
$(BUILD)/apps/%.o: CFLAGS_FOR = $(PLATFORM_CFLAGS)
$(HELLO_ELF): $(BUILD)/apps/hello/hello.o
ALL_TARGETS += $(HELLO_ELF)

# What `make run` boots: the default system, or `make run SYSTEM=path/to/file.system`
# (IMAGES=dir adds directories where its unikernel ELFs are found).
RUN_SYSTEM := $(or $(SYSTEM),apps/hello/hello.system)
RUN_IMAGES := $(BUILD)/apps/hello $(IMAGES)
RUN_DEPS += $(HELLO_ELF)

# tools/tools.mk's run-image bakes the description with the root task and boots it; it is
# called through make because its fragment is read after this one.
run: $(RUN_DEPS)
	$(Q)$(MAKE) --no-print-directory run-image SYSTEM=$(RUN_SYSTEM) IMAGES="$(RUN_IMAGES)"
