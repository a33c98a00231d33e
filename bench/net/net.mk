# bench/net: the network benchmark (bench/README.md, "bench/net"): our kernel, upstream seL4
# (BENCH_UPSTREAM=) and a Linux guest from Debian's packages serve the same echo server,
# netserve, on the same QEMU command line shape; the host measures throughput, CPU and
# latency. Numbers, never asserts; not part of `make test` nor of `make bench` (it takes
# minutes and needs RUMP_SYSROOT).
#
#   make bench-net          the full run: table, plot (build/bench/net/); with RUMPRUN_SYSROOT
#                           also iperf (BENCH_NET_ARGS="--parts iperf": iperf alone)
#   make bench-net-smoke    one rate, one run per system, virtio only: every figure comes
#   make bench-net-profile  a sampling profile of our system during a stream (NIC=e1000)
#
# BENCH_NET_ARGS adds options of bench/net/bench-net (e.g. --runs 10 --rates 2,8,max).
BENCH_NET := $(BUILD)/bench/net
NETSERVE_ELF := $(BENCH_NET)/netserve.uk.elf
$(BENCH_NET)/%.o: CFLAGS_FOR = $(RUMPGLUE_CFLAGS)
$(NETSERVE_ELF): $(BENCH_NET)/netserve.o $(BENCH_NET)/netserve-rump.o bench/net/net.mk
$(NETSERVE_ELF): UK_RUMP := net net_net net_netinet net_config pci pci_virtio virtio_if_vioif pci_if_wm \
	dev_miiphy

# The same server for the Linux guest, an ordinary static Linux program.
NETSERVE_LINUX := $(BENCH_NET)/linux/netserve
$(NETSERVE_LINUX): bench/net/netserve.c bench/net/netserve-sockets.c bench/net/netserve-linux.c \
		bench/net/netserve.h
	@mkdir -p $(@D)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -static -o $@ $(filter %.c,$^)
ALL_TARGETS += $(NETSERVE_LINUX)

# iperf as a traffic generator (apps/iperf; bench/README.md, "bench/net"): Debian's iperf
# with netserve linked in beside it (netserve-posix.c: the CPU accounting and the way out),
# and the same iperf source built -static for the Linux guest, where netserve runs as a
# second program. Only with RUMPRUN_SYSROOT and its libc++; otherwise bench-net says so.
BENCH_IPERF := $(BENCH_NET)/iperf
BENCH_IPERF_LINUX := $(BENCH_NET)/linux-iperf
ifneq ($(RUMPRUN_SYSROOT)$(RUMPRUN_HAS_CXX),$(RUMPRUN_SYSROOT)yes)
BENCH_IPERF_DEPS :=
BENCH_IPERF_ARGS :=
BENCH_IPERF_GUEST = echo "bench-net: no RUMPRUN_SYSROOT with libc++: the iperf part is left out"
else
BENCH_IPERF_OBJS := $(addprefix $(BENCH_IPERF)/,netserve.o netserve-sockets.o netserve-posix.o)
$(BENCH_IPERF)/%.o: bench/net/%.c bench/net/netserve.h
	@mkdir -p $(@D)
	@echo "  RRCC    $@"
	$(Q)$(RUMPRUN_CC) $(POSIX_PROGRAM_CFLAGS) -c -o $@ $<
$(BENCH_IPERF)/iperf: $(IPERF)
	$(Q)cp $< $@
$(eval $(call posix_unikernel,$(BENCH_IPERF)/iperf,$(BENCH_IPERF_OBJS)))
$(BENCH_IPERF)/iperf.uk.elf: $(BENCH_IPERF_OBJS)

# The Linux guest's iperf: Debian's own compilers, as Debian builds it, but static.
IPERF_LINUX_CONFIGURE = CC=gcc CXX=g++ LDFLAGS=-static
$(eval $(call iperf_build,$(BENCH_IPERF_LINUX)/build,IPERF_LINUX_CONFIGURE,))
$(BENCH_IPERF_LINUX)/extra/iperf: $(BENCH_IPERF_LINUX)/build/src/iperf bench/net/linux-iperf-app
	@mkdir -p $(@D)/apps
	$(Q)cmp -s $< $@ || cp $< $@
	$(Q)cmp -s bench/net/linux-iperf-app $(@D)/apps/iperf || cp bench/net/linux-iperf-app \
		$(@D)/apps/iperf
# Ours is the production kernel here, as for bench-apps (KERNEL= on the command line picks it).
BENCH_IPERF_DEPS := $(BENCH_IPERF)/iperf.uk.elf $(BENCH_IPERF_LINUX)/extra/iperf \
	$(HOSTFWD_BACKLOG_SO) $(IMAGE_KERNEL)
BENCH_IPERF_ARGS := --iperf $(BENCH_IPERF) --iperf-linux $(BENCH_IPERF_LINUX) \
	--iperf-ours $(IMAGE_KERNEL) --preload $(HOSTFWD_BACKLOG_SO)
# The second Linux guest shares the first one's Debian packages.
BENCH_IPERF_GUEST = mkdir -p $(BENCH_IPERF_LINUX) && ln -sfn ../linux/debs \
	$(BENCH_IPERF_LINUX)/debs && bench/net/linux-guest $(BENCH_IPERF_LINUX) $(NETSERVE_LINUX) \
	$(BENCH_IPERF_LINUX)/extra
endif

BENCH_NET_RUN = bench/net/bench-net --out $(BENCH_NET) --qemu-run $(QEMU_RUN) --bake $(BAKE) \
	--roottask $(ROOTTASK_OBJ) --images $(BENCH_NET) --ours $(KERNEL) \
	$(if $(BENCH_UPSTREAM),--upstream $(BENCH_UPSTREAM)) --linux $(BENCH_NET)/linux \
	$(BENCH_IPERF_ARGS)
BENCH_NET_ARGS ?=

.PHONY: bench-net bench-net-smoke bench-net-profile
ifneq ($(RUMP_SYSROOT),)
ALL_TARGETS += $(NETSERVE_ELF)
# The Linux guest (kernel, initramfs) from Debian's packages, fetched into the build tree.
BENCH_NET_LINUX = bench/net/linux-guest $(BENCH_NET)/linux $(NETSERVE_LINUX)

bench-net: $(NETSERVE_ELF) $(NETSERVE_LINUX) $(IMAGE_DEPS) $(BENCH_IPERF_DEPS)
	$(Q)command -v gnuplot >/dev/null || { echo "bench-net: installing gnuplot-nox for the plot"; \
		apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -q --no-install-recommends gnuplot-nox \
		>/dev/null; } || echo "bench-net: could not install gnuplot-nox: no plot"; }
	$(Q)$(BENCH_NET_LINUX)
	$(Q)$(BENCH_IPERF_GUEST)
	$(Q)$(BENCH_NET_RUN) --memory-search $(BENCH_NET_ARGS)

# Where our system spends its time during a stream (bench/net/profile): NIC=virtio or e1000.
bench-net-profile: $(NETSERVE_ELF) $(IMAGE_DEPS) $(KERNEL_ELF)
	$(Q)bench/net/profile --qemu-run $(QEMU_RUN) --bake $(BAKE) --roottask $(ROOTTASK_OBJ) \
		--images $(BENCH_NET) --kernel $(KERNEL) --kernel-elf $(KERNEL_ELF) --nic $(or $(NIC),virtio)

bench-net-smoke: $(NETSERVE_ELF) $(NETSERVE_LINUX) $(IMAGE_DEPS) $(BENCH_IPERF_DEPS)
	$(Q)$(BENCH_NET_LINUX)
	$(Q)$(BENCH_IPERF_GUEST)
	$(Q)$(BENCH_NET_RUN) --out $(BENCH_NET)/smoke --smoke --runs 1 --nics virtio --rates 4 \
		--seconds 1 --rtt 20 --iperf-rates 16 --iperf-seconds 1 $(BENCH_NET_ARGS)
else
bench-net bench-net-smoke bench-net-profile:
	@echo "$@: SKIPPED: RUMP_SYSROOT is not set (it names a NetBSD rump kernel sysroot, e.g." \
		"RUMP_SYSROOT=/path/to/rump/sysroot; README.md, NetBSD)"
endif
