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

$(TCPBLAST): bench/rsc/tcpblast.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -o $@ $<

.PHONY: bench-rsc
ifneq ($(RUMP_SYSROOT),)
ALL_TARGETS += $(RSCBENCH_LOCAL_ELF) $(RSCBENCH_REMOTE_ELF) $(TCPBLAST)
RSC_SYSTEMS := rsc-local rsc-remote echo-local echo-remote
bench-rsc: $(RSCBENCH_LOCAL_ELF) $(RSCBENCH_REMOTE_ELF) $(TCPBLAST) $(NETSERVER_ELF) \
		$(ECHO_ELF) $(ECHO_CLIENT_ELF) $(IMAGE_DEPS)
	$(Q)$(foreach s,$(RSC_SYSTEMS),$(call image_bake,bench/rsc/$(s).system,$(RSC_BENCH_BUILD) \
		$(BUILD)/apps/netserver $(BUILD)/apps/echo) &&) true
	$(Q)QEMU_RUN=$(QEMU_RUN) bench/rsc/bench-rsc $(RSC_BENCH_BUILD) $(TCPBLAST) \
		$(foreach s,$(RSC_SYSTEMS),$(call image_dir,bench/rsc/$(s).system))
else
bench-rsc:
	@echo "$@: SKIPPED: RUMP_SYSROOT is not set (README.md, NetBSD)"
endif
BENCH_TARGETS += bench-rsc
