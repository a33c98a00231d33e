# bench/rsc: remote system calls (bench/rsc/README.md): a system call's round trip to a
# server's rump kernel against the program's own, and echo throughput through a netserver
# against an echo server owning the NIC. Needs RUMP_SYSROOT; `make bench-rsc` prints the
# figures (numbers, no asserts).
RSC_BENCH_BUILD := $(BUILD)/bench/rsc
RSCBENCH_LOCAL_ELF := $(RSC_BENCH_BUILD)/rscbench-local.uk.elf
RSCBENCH_REMOTE_ELF := $(RSC_BENCH_BUILD)/rscbench-remote.uk.elf
TCPBLAST := $(RSC_BENCH_BUILD)/tcpblast
$(RSC_BENCH_BUILD)/%.o: CFLAGS_FOR = $(RUMPGLUE_CFLAGS)
$(RSCBENCH_LOCAL_ELF): $(RSC_BENCH_BUILD)/rscbench.o
$(RSCBENCH_LOCAL_ELF): UK_RUMP := vfs
$(RSCBENCH_REMOTE_ELF): $(RSC_BENCH_BUILD)/rscbench.o $(RUMPCLIENT_LIB)
$(RSCBENCH_REMOTE_ELF): UK_LINK_FLAGS := --rump-client

# apps/echo metered (meter.c): echo's own object with its accept and close calls (the names
# the rump headers give rump_sys_accept and rump_sys_close) renamed to the meter's, linked
# like apps/echo both ways, under the same names in a directory of their own.
RSC_METERED := $(RSC_BENCH_BUILD)/metered
ECHO_METERED_ELF := $(RSC_METERED)/echo.uk.elf
ECHO_CLIENT_METERED_ELF := $(RSC_METERED)/echo-client.uk.elf
$(RSC_BENCH_BUILD)/echo-metered.o: $(BUILD)/apps/echo/echo.o
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY) --redefine-sym rump___sysimpl_accept=meter_accept \
		--redefine-sym rump___sysimpl_close=meter_close $< $@
RSC_METERED_OBJS := $(RSC_BENCH_BUILD)/echo-metered.o $(RSC_BENCH_BUILD)/meter.o
$(ECHO_METERED_ELF): $(RSC_METERED_OBJS)
$(ECHO_METERED_ELF): UK_RUMP := $(ECHO_RUMP)
$(ECHO_CLIENT_METERED_ELF): $(RSC_METERED_OBJS) $(RUMPCLIENT_LIB)
$(ECHO_CLIENT_METERED_ELF): UK_LINK_FLAGS := --rump-client

$(TCPBLAST): bench/rsc/tcpblast.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -o $@ $<

.PHONY: bench-rsc
ifneq ($(RUMP_SYSROOT),)
ALL_TARGETS += $(RSCBENCH_LOCAL_ELF) $(RSCBENCH_REMOTE_ELF) $(TCPBLAST) $(ECHO_METERED_ELF) \
	$(ECHO_CLIENT_METERED_ELF)
RSC_SYSTEMS := rsc-local rsc-remote
ECHO_SYSTEMS := echo-local echo-remote echo-local-4k echo-remote-4k
# The meter needs the kernel's accounting calls: with our kernel the metered echo, with
# another the plain one.
RSC_ECHO_IMAGES = $(if $(filter $(KERNEL_IMAGE),$(KERNEL)),$(RSC_METERED),$(BUILD)/apps/echo)
bench-rsc: $(RSCBENCH_LOCAL_ELF) $(RSCBENCH_REMOTE_ELF) $(TCPBLAST) $(NETSERVER_ELF) \
		$(ECHO_ELF) $(ECHO_CLIENT_ELF) $(ECHO_METERED_ELF) $(ECHO_CLIENT_METERED_ELF) \
		$(IMAGE_DEPS)
	$(Q)$(foreach s,$(RSC_SYSTEMS),$(call image_bake,bench/rsc/$(s).system,$(RSC_BENCH_BUILD) \
		$(BUILD)/apps/netserver) &&) true
	$(Q)$(foreach s,$(ECHO_SYSTEMS),$(call image_bake,bench/rsc/$(s).system,$(RSC_ECHO_IMAGES) \
		$(BUILD)/apps/netserver) &&) true
	$(Q)QEMU_RUN=$(QEMU_RUN) bench/rsc/bench-rsc $(RSC_BENCH_BUILD) $(TCPBLAST) \
		$(foreach s,$(RSC_SYSTEMS) $(ECHO_SYSTEMS),$(call image_dir,bench/rsc/$(s).system))
else
bench-rsc:
	@echo "$@: SKIPPED: RUMP_SYSROOT is not set (README.md, NetBSD)"
endif
BENCH_TARGETS += bench-rsc
