# tests/posix: the POSIX test suite (tests/posix/README.md), an ordinary NetBSD program built
# with Rumprun's toolchain, run as a unikernel with a NIC, a disk and a baked tree, talked to
# by the host; beside it pstatus, the ways a program ends. Needs RUMPRUN_SYSROOT (else it
# says it skipped); KERNEL= runs it on another kernel (upstream seL4).
#
#   test-posix   the suite and the ends; then the host checks the disk (debugfs, e2fsck)
POSIX_TEST_BUILD := $(BUILD)/tests/posix
POSIX_TEST := $(POSIX_TEST_BUILD)/ptest
POSIX_STATUS := $(POSIX_TEST_BUILD)/pstatus
POSIX_TEST_DISK := $(POSIX_TEST_BUILD)/disk.img
.PHONY: test-posix

# What the console must show: the suite's count, and each end as posix.system describes it.
POSIX_TEST_CHECKS := -e '^posix: [0-9]+ passed, 0 failed' -e 'posix exited with status 0' \
	-e '^preturn: pstatus: atexit handlers ran in the order 3 2 1' \
	-e 'preturn exited with status 3' \
	-e 'pthreadexit exited with status 5' \
	-e '^pabort: posix: terminated by signal 6 \(SIGABRT' -e 'pabort exited with status 134' \
	-e '^psigpipe: posix: terminated by signal 13 \(SIGPIPE' \
	-e 'psigpipe exited with status 141' \
	-e '^psigkill: posix: terminated by signal 9 \(SIGKILL' -e 'psigkill exited with status 137' \
	-e '^system: 6 unikernels, 1 exited 0, 5 failed \(preturn: exit 3, pthreadexit: exit 5, pabort: exit 134, psigpipe: exit 141, psigkill: exit 137\)'

# QEMU's user network: host port @PORT1@ (TCP and UDP) to the suite's echo server, and
# every connection to 10.0.2.100:7777 handed to a `cat` on the host (t_nic.c).
POSIX_TEST_TCP := hostfwd=tcp:127.0.0.1:@PORT1@-:7
POSIX_TEST_UDP := hostfwd=udp:127.0.0.1:@PORT1@-:7
POSIX_TEST_CAT := guestfwd=tcp:10.0.2.100:7777-cmd:cat
POSIX_TEST_NET := -netdev user,id=n0,$(POSIX_TEST_TCP),$(POSIX_TEST_UDP),$(POSIX_TEST_CAT) \
	-device virtio-net-pci,netdev=n0

ifneq ($(RUMPRUN_SYSROOT),)
# -fno-toplevel-reorder: the tests of a file run in the order written.
$(eval $(call posix_program,$(POSIX_TEST),$(sort $(wildcard tests/posix/*.c)),\
	-Itests/posix -fno-toplevel-reorder))
$(eval $(call posix_program,$(POSIX_STATUS),tests/posix/status/pstatus.c))
ALL_TARGETS += $(POSIX_TEST).uk.elf $(POSIX_STATUS).uk.elf

test-posix: export PATH := $(PATH):/sbin:/usr/sbin
test-posix: $(POSIX_TEST).uk.elf $(POSIX_STATUS).uk.elf $(IMAGE_DEPS)
	$(Q)for p in mke2fs debugfs e2fsck; do command -v $$p >/dev/null || \
		{ echo "$@: needs $$p (Debian package e2fsprogs)"; exit 1; }; done
	$(Q)rm -rf $(POSIX_TEST_DISK) $(POSIX_TEST_BUILD)/disk && mkdir -p $(POSIX_TEST_BUILD)/disk && \
		printf 'made by the host\n' >$(POSIX_TEST_BUILD)/disk/from-host.txt && \
		mke2fs -q -F -t ext2 -d $(POSIX_TEST_BUILD)/disk $(POSIX_TEST_DISK) 16M
	$(Q)$(call image_bake,tests/posix/posix.system,$(POSIX_TEST_BUILD))
	$(Q)tests/netbsd/run-system -t 300 -l $(POSIX_TEST_BUILD)/test-posix.log -s 1 -p 3 -u 3 \
		$(POSIX_TEST_CHECKS) \
		$(call image_dir,tests/posix/posix.system)/kernel32.elf \
		$(call image_dir,tests/posix/posix.system)/roottask.elf -nic none $(POSIX_TEST_NET) \
		-drive file=$(POSIX_TEST_DISK),if=none,id=d0,format=raw -device virtio-blk-pci,drive=d0
	$(Q)debugfs -R 'cat /from-guest.txt' $(POSIX_TEST_DISK) 2>/dev/null | \
		grep -q 'written by the POSIX test suite' || \
		{ echo "$@: /from-guest.txt is not on the disk"; exit 1; }
	$(Q)e2fsck -fn $(POSIX_TEST_DISK) >/dev/null 2>&1 || \
		{ echo "$@: e2fsck finds the disk damaged"; exit 1; }
	@echo "$@: passed on $(KERNEL); the host found /from-guest.txt, e2fsck: clean"
else
test-posix:
	@echo "$@: SKIPPED: RUMPRUN_SYSROOT is not set (it names the NetBSD userland Rumprun's" \
		"build installs, e.g. RUMPRUN_SYSROOT=/path/to/rumprun; README.md, POSIX programs)"
endif
TEST_TARGETS += test-posix

# test-posix-cxx: C++ (libc++, libunwind) in tests/posix/cxx, when the userland has it.
POSIX_CXX_TEST := $(POSIX_TEST_BUILD)/pcxx
.PHONY: test-posix-cxx
ifeq ($(RUMPRUN_HAS_CXX),yes)
$(eval $(call posix_cxx_program,$(POSIX_CXX_TEST),tests/posix/cxx/pcxx.cc))
ALL_TARGETS += $(POSIX_CXX_TEST).uk.elf
test-posix-cxx: $(POSIX_CXX_TEST).uk.elf $(IMAGE_DEPS)
	$(Q)$(call image_bake,tests/posix/cxx/cxx.system,$(POSIX_TEST_BUILD))
	$(Q)tests/netbsd/run-system -t 120 -l $(POSIX_TEST_BUILD)/test-posix-cxx.log \
		-e '^pcxx: [0-9]+ passed, 0 failed' -e '^pcxx: iostream works' \
		-e '^pcxx: static destructor ran' -e 'pcxx exited with status 0' \
		$(call image_dir,tests/posix/cxx/cxx.system)/kernel32.elf \
		$(call image_dir,tests/posix/cxx/cxx.system)/roottask.elf
	@echo "$@: passed on $(KERNEL)"
else
test-posix-cxx:
	@echo "$@: SKIPPED: $(if $(RUMPRUN_SYSROOT),the userland in RUMPRUN_SYSROOT has no libc++" \
		"(build it with a C++ compiler; platform/posix/README.md),RUMPRUN_SYSROOT is not set)"
endif
TEST_TARGETS += test-posix-cxx

# test-posix-remote: a POSIX program whose internet sockets are a netserver's (bake link
# --remote-sockets; tests/posix/remote): the suite's own framework (main.c, support.c) with
# the remote tests, beside apps/netserver; the host's echo rounds reach it through the
# netserver's NIC. Then remote-crash.system: the netserver crashes under it and restarts. Needs both sysroots: RUMPRUN_SYSROOT for the program, RUMP_SYSROOT for
# the netserver.
POSIX_REMOTE_TEST := $(POSIX_TEST_BUILD)/premote
POSIX_REMOTE_NET := -netdev user,id=n0,hostfwd=tcp:127.0.0.1:@PORT1@-:7001 \
	-device virtio-net-pci,netdev=n0
.PHONY: test-posix-remote
ifneq ($(and $(RUMPRUN_SYSROOT),$(RUMP_SYSROOT)),)
$(eval $(call posix_program,$(POSIX_REMOTE_TEST),tests/posix/main.c tests/posix/support.c \
	$(sort $(wildcard tests/posix/remote/*.c)),-Itests/posix -fno-toplevel-reorder,\
	--remote-sockets))
ALL_TARGETS += $(POSIX_REMOTE_TEST).uk.elf
test-posix-remote: $(POSIX_REMOTE_TEST).uk.elf $(NETSERVER_ELF) $(IMAGE_DEPS)
	$(Q)$(call image_bake,tests/posix/remote/remote.system,$(POSIX_TEST_BUILD) \
		$(BUILD)/apps/netserver)
	$(Q)tests/netbsd/run-system -t 300 -l $(POSIX_TEST_BUILD)/test-posix-remote.log -p 4 \
		-e '^premote: [0-9]+ passed, 0 failed' -e 'premote exited with status 0' \
		-e 'premote: +served 4 connections from the host' \
		-e 'netserver: every client is gone: 1 sessions, 1 ended, 0 live' \
		-e 'system: 2 unikernels, 2 exited 0' \
		$(call image_dir,tests/posix/remote/remote.system)/kernel32.elf \
		$(call image_dir,tests/posix/remote/remote.system)/roottask.elf -nic none \
		$(POSIX_REMOTE_NET)
	$(Q)$(call image_bake,tests/posix/remote/remote-crash.system,$(POSIX_TEST_BUILD) \
		$(BUILD)/apps/netserver)
	$(Q)tests/netbsd/run-system -t 300 -l $(POSIX_TEST_BUILD)/test-posix-remote-crash.log \
		-e 'netserver: /tmp/crash-netserver exists: crashing' \
		-e 'roottask: restarting netserver \(restart 1 of 1\)' \
		-e 'premote: +connected again' -e '^premote: [0-9]+ passed, 0 failed' \
		-e 'system: 2 unikernels, 2 exited 0' \
		$(call image_dir,tests/posix/remote/remote-crash.system)/kernel32.elf \
		$(call image_dir,tests/posix/remote/remote-crash.system)/roottask.elf
	@echo "$@: passed on $(KERNEL) (the host's rounds, and a netserver crash under the client)"
else
test-posix-remote:
	@echo "$@: SKIPPED: needs both RUMPRUN_SYSROOT (the POSIX program) and RUMP_SYSROOT (the" \
		"netserver), e.g. RUMPRUN_SYSROOT=/path/to/rumprun RUMP_SYSROOT=/path/to/rump/sysroot"
endif
TEST_TARGETS += test-posix-remote
