# apps/iperf: iperf 2.1.8 from Debian's source package, unmodified, built with Rumprun's
# toolchain (autotools, C and C++) and baked into a unikernel running `iperf -s`
# (apps/iperf/README.md). Needs RUMPRUN_SYSROOT with libc++ (iperf 2 is partly C++), and
# the network the first time: tools/debian-source fetches the package into
# $(IPERF_SOURCE) (nothing of it is in the repository). bench/net builds the same source
# for its Linux guest.
#
#   run-iperf    boots it: host port IPERF_PORT (5001) reaches iperf -s; try iperf -c
#   test-iperf   the host's iperf client, one stream and -P 4, against the unikernel
#                (apps/iperf/test-iperf); KERNEL= runs it on another kernel
IPERF_BUILD := $(BUILD)/apps/iperf
IPERF_SOURCE := $(IPERF_BUILD)/source
IPERF_TREE := $(IPERF_SOURCE)/iperf
IPERF := $(IPERF_BUILD)/iperf
IPERF_SHIMS := $(IPERF_BUILD)/shims.o
IPERF_SYSTEM := apps/iperf/iperf.system
# A Debian version to fetch (e.g. 2.1.8+dfsg-1); empty: the newest apt offers.
IPERF_DEB_VERSION ?=
IPERF_PORT ?= 5001
.PHONY: run-iperf test-iperf iperf-source

# The source as Debian builds it: unpacked with Debian's patches, then autoreconf (what
# dh_autoreconf does in Debian's build: the +dfsg tarball drops files its shipped
# Makefile.in still names, and a patch of Debian's takes them out of Makefile.am).
iperf-source $(IPERF_TREE)/.unpacked:
	$(Q)rm -f $(IPERF_TREE)/.unpacked
	$(Q)command -v autoreconf >/dev/null || { echo "iperf: needs autoreconf (Debian: autoconf," \
		"automake), as Debian's own build of iperf does"; exit 1; }
	$(Q)tools/debian-source $(IPERF_SOURCE) iperf $(IPERF_DEB_VERSION)
	@echo "  AUTORECONF $(IPERF_TREE)"
	$(Q)cd $(IPERF_TREE) && autoreconf -fi >autoreconf.log 2>&1 || \
		{ cat autoreconf.log; echo "iperf: autoreconf failed"; exit 1; }
	$(Q)touch $(IPERF_TREE)/.unpacked

# $(call iperf_build,BUILD DIRECTORY,CONFIGURE ARGUMENTS VARIABLE,PREREQUISITES): src/iperf
# built out of the source tree in its own directory by iperf's configure and make;
# configured again when the arguments or the tree change.
define iperf_build
$(1)/src/iperf: $(IPERF_TREE)/.unpacked $(3) FORCE
	@mkdir -p $(1)
	$$(Q)echo '$$($(2))' >$(1)/configure.want
	$$(Q)if ! cmp -s $(1)/configure.want $(1)/configure.args || \
		[ $(1)/config.status -ot $(IPERF_TREE)/.unpacked ]; then \
		echo "  CONFIGURE $(1)"; rm -f $(1)/configure.args; \
		(cd $(1) && $(abspath $(IPERF_TREE))/configure $$($(2))) >$(1)/configure.log 2>&1 || \
		{ tail -n 20 $(1)/configure.log; echo "iperf: configure failed" \
		"(log: $(1)/configure.log)"; exit 1; }; mv $(1)/configure.want $(1)/configure.args; fi
	@echo "  MAKE    $(1)"
	+$$(Q)$$(MAKE) --no-print-directory -C $(1) >$(1)/make.log 2>&1 || { tail -n 30 \
		$(1)/make.log; echo "iperf: make failed (log: $(1)/make.log)"; exit 1; }
endef

ifneq ($(RUMPRUN_SYSROOT),)
ifeq ($(RUMPRUN_HAS_CXX),yes)
$(IPERF_SHIMS): apps/iperf/shims.c
	@mkdir -p $(@D)
	@echo "  RRCC    $@"
	$(Q)$(RUMPRUN_CC) $(POSIX_PROGRAM_CFLAGS) -c -o $@ $<

# Rumprun's toolchain as a cross compiler for x86_64-rumprun-netbsd: configure runs no test
# programs. The shims go into iperf's own link (LIBS); a non-executable stack, as for every
# POSIX program (posix.mk).
IPERF_RUMPRUN_CONFIGURE = --host=x86_64-rumprun-netbsd CC=$(RUMPRUN_CC) CXX=$(RUMPRUN_CXX) \
	AR=$(RUMPRUN_SYSROOT)/bin/x86_64-rumprun-netbsd-ar \
	RANLIB=$(RUMPRUN_SYSROOT)/bin/x86_64-rumprun-netbsd-ranlib \
	LIBS=$(abspath $(IPERF_SHIMS)) LDFLAGS=-Wl,-z,noexecstack
$(eval $(call iperf_build,$(IPERF_BUILD)/rumprun,IPERF_RUMPRUN_CONFIGURE,$(IPERF_SHIMS)))

# The copy changes only when iperf does, so that the unikernel is baked again only then.
$(IPERF): $(IPERF_BUILD)/rumprun/src/iperf
	$(Q)cmp -s $< $@ || cp $< $@

$(eval $(call posix_unikernel,$(IPERF)))

iperf_boot_files = $(call image_dir,$(1))/kernel32.elf $(call image_dir,$(1))/roottask.elf

run-iperf: $(IPERF).uk.elf $(USER_IMAGE_DEPS) $(HOSTFWD_BACKLOG_SO)
	$(Q)$(call image_bake,$(IPERF_SYSTEM),$(IPERF_BUILD),$(IMAGE_KERNEL))
	@echo "run-iperf: host port $(IPERF_PORT) -> iperf -s; try iperf -c 127.0.0.1 -p $(IPERF_PORT)"
	$(QEMU_RUN) -t $(or $(TIMEOUT),3600) -p $(HOSTFWD_BACKLOG_SO) \
		$(call iperf_boot_files,$(IPERF_SYSTEM)) -nic none \
		-netdev user,id=n0,hostfwd=tcp:127.0.0.1:$(IPERF_PORT)-:5001 \
		-device virtio-net-pci,netdev=n0

# The test's description: the same with iperf -s ending by itself after IPERF_TEST_SECONDS
# (-t) and reporting exact byte counts (-f B), which test-iperf reads from the console.
IPERF_TEST_SYSTEM := $(IPERF_BUILD)/test/iperf-test.system
IPERF_TEST_SECONDS := 30
test-iperf: $(IPERF).uk.elf $(IMAGE_DEPS) $(HOSTFWD_BACKLOG_SO) apps/iperf/test-iperf
	$(Q)command -v iperf >/dev/null || { echo "$@: needs the host's iperf 2 client (Debian:" \
		"iperf)"; exit 1; }
	@mkdir -p $(dir $(IPERF_TEST_SYSTEM))
	$(Q)sed 's/^argv .*/argv   = iperf -s -t $(IPERF_TEST_SECONDS) -f B/' $(IPERF_SYSTEM) \
		>$(IPERF_TEST_SYSTEM)
	$(Q)$(call image_bake,$(IPERF_TEST_SYSTEM),$(IPERF_BUILD))
	$(Q)apps/iperf/test-iperf -l $(IPERF_BUILD)/test-logs -p $(HOSTFWD_BACKLOG_SO) \
		-s $(IPERF_TEST_SECONDS) $(call iperf_boot_files,$(IPERF_TEST_SYSTEM))
	@echo "$@: passed on $(KERNEL) (Debian's iperf $$(cat $(IPERF_SOURCE)/VERSION 2>/dev/null))"
else
run-iperf:
	@echo "$@: needs libc++ in RUMPRUN_SYSROOT (iperf 2 is partly C++; platform/posix/README.md," \
		"C++)"; exit 2
test-iperf:
	@echo "$@: SKIPPED: RUMPRUN_SYSROOT has no libc++ (iperf 2 is partly C++;" \
		"platform/posix/README.md, C++)"
endif
else
run-iperf:
	@echo "$@: needs RUMPRUN_SYSROOT, the userland Rumprun's build installs (README.md, POSIX" \
		"programs)"; exit 2
test-iperf:
	@echo "$@: SKIPPED: RUMPRUN_SYSROOT is not set (it names the NetBSD userland Rumprun's" \
		"build installs, e.g. RUMPRUN_SYSROOT=/path/to/rumprun; apps/iperf/README.md)"
endif
TEST_TARGETS += test-iperf
