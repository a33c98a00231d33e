# tests/netbsd: rump kernels as servers of other unikernels (tests/README.md), with the
# variables of netbsd.mk (read before this):
#
#   test-netbsd-netserver     three echo clients (apps/echo linked --rump-client) sharing
#                             one apps/netserver, answering the host at once
#   test-netbsd-fsserver      two clients write files through one apps/fsserver; the host
#                             finds them on the disk (debugfs) and e2fsck finds it clean
#   test-netbsd-client-crash  eight clients crash 1000 times in all, each time holding a
#                             socket, a file and a blocked call in one netserver; it cleans up
#                             after each (the next start binds the same port), ends with the
#                             processes and open files it began with, its memory does not
#                             grow, and an echo client it serves meanwhile answers the host
#   test-netbsd-server-crash  a file server crashes; its two clients' calls fail with
#                             ECONNRESET, the root task restarts it, they connect again and
#                             find what they fsync'd before the crash (the host too)
NETBSD_SERVER_TESTS := test-netbsd-netserver test-netbsd-fsserver test-netbsd-client-crash \
	test-netbsd-server-crash
.PHONY: $(NETBSD_SERVER_TESTS)

FSCLIENT_ELF := $(NETBSD_BUILD)/fsclient.uk.elf
CRASHCLIENT_ELF := $(NETBSD_BUILD)/crashclient.uk.elf
RECONNECT_ELF := $(NETBSD_BUILD)/reconnect.uk.elf
NETBSD_CLIENTS := $(FSCLIENT_ELF) $(CRASHCLIENT_ELF) $(RECONNECT_ELF)
$(NETBSD_CLIENTS): $(NETBSD_BUILD)/%.uk.elf: $(NETBSD_BUILD)/%.o $(NETBSD_BUILD)/nbcheck.o \
	$(RUMPCLIENT_LIB)
$(NETBSD_CLIENTS): UK_LINK_FLAGS := --rump-client

ifneq ($(RUMP_SYSROOT),)
ALL_TARGETS += $(NETBSD_CLIENTS)
NETBSD_TESTS += $(NETBSD_SERVER_TESTS)
test-netbsd: $(NETBSD_SERVER_TESTS)

# $(call netbsd_disk,IMAGE): an empty 8 MiB ext2 file system for a file server.
netbsd_disk = rm -f $(1) && mke2fs -q -F -t ext2 $(1) 8M
NB_E2FS = for p in mke2fs debugfs e2fsck; do command -v $$p >/dev/null || \
	{ echo "$@: needs $$p (Debian package e2fsprogs)"; exit 1; }; done
# $(call netbsd_lines,NAME,K,SIZE): what fsclient NAME wrote to file K (fsclient.c's fill).
netbsd_lines = for j in $$(seq 0 $$(($(3) / 16))); do printf '%s file %u line %05u\n' $(1) $(2) $$j; \
	done | head -c $(3)
netbsd_blk = -drive file=$(1),if=none,id=d0,format=raw -device virtio-blk-pci,drive=d0

test-netbsd-netserver: NB_SYSTEM := apps/netserver/echo-three.system
test-netbsd-netserver: NB_IMAGES := $(BUILD)/apps/netserver $(BUILD)/apps/echo
test-netbsd-netserver: NB_CHECKS := -p 5 -p 5 -p 5 -e 'netserver: netserver: serving 3 clients' \
	-e 'echo1: echo: served 5' -e 'echo2: echo: served 5' -e 'echo3: echo: served 5' \
	-e 'netserver: every client is gone: 3 sessions, 3 ended, 0 live' \
	-e 'system: 4 unikernels, 4 exited 0'
test-netbsd-netserver: NB_QEMU := -netdev user,id=n0,hostfwd=tcp:127.0.0.1:@PORT1@-:7001,$\
	hostfwd=tcp:127.0.0.1:@PORT2@-:7002,hostfwd=tcp:127.0.0.1:@PORT3@-:7003 \
	-device virtio-net-pci,netdev=n0
test-netbsd-netserver: $(NETSERVER_ELF) $(ECHO_CLIENT_ELF) $(NETBSD_IMAGE_DEPS)
	$(Q)$(NETBSD_RUN)

NETBSD_FS_DISK := $(NETBSD_BUILD)/fsserver.img
test-netbsd-fsserver: export PATH := $(PATH):/sbin:/usr/sbin
test-netbsd-fsserver: NB_SYSTEM := tests/netbsd/fsserver-two.system
test-netbsd-fsserver: NB_IMAGES := $(BUILD)/apps/fsserver $(NETBSD_BUILD)
test-netbsd-fsserver: NB_CHECKS := -e 'fsserver: /dev/ld0d \(ext2fs\) mounted on /data' \
	-e 'c1: [0-9]+ passed, 0 failed' -e 'c2: [0-9]+ passed, 0 failed' \
	-e 'every client is gone: 2 sessions, 2 ended, 0 live' \
	-e 'fsserver: unmounting done' -e 'system: 3 unikernels, 3 exited 0'
test-netbsd-fsserver: NB_QEMU := $(call netbsd_blk,$(NETBSD_FS_DISK))
test-netbsd-fsserver: $(FSSERVER_ELF) $(FSCLIENT_ELF) $(NETBSD_IMAGE_DEPS)
	$(Q)$(NB_E2FS)
	$(Q)$(call netbsd_disk,$(NETBSD_FS_DISK))
	$(Q)$(NETBSD_RUN)
	$(Q)for c in c1 c2; do for k in 1 2 3; do \
		want=$$($(call netbsd_lines,$$c,$$k,40000) | md5sum); \
		got=$$(debugfs -R "cat /$$c/file-$$k" $(NETBSD_FS_DISK) 2>/dev/null | md5sum); \
		[ "$$want" = "$$got" ] || { echo "$@: /$$c/file-$$k on the disk is not what $$c wrote"; \
			exit 1; }; done; done
	$(Q)e2fsck -fn $(NETBSD_FS_DISK) >/dev/null 2>&1 || \
		{ echo "$@: e2fsck finds the file system damaged"; exit 1; }
	@echo "$@: the host found the 6 files both clients wrote; e2fsck: clean"

test-netbsd-client-crash: NB_SYSTEM := tests/netbsd/client-crash.system
test-netbsd-client-crash: NB_IMAGES := $(BUILD)/apps/netserver $(BUILD)/apps/echo $(NETBSD_BUILD)
test-netbsd-client-crash: NB_CHECKS := -t 900 -p 5 \
	-e 'crash1: crashclient: run 126, the last: 125 starts before it died in a crash' \
	-e 'crash8: crashclient: run 126, the last: 125 starts before it died in a crash' \
	-e 'roottask: restarting crash[1-8] in [0-9]+ ms \(restart 125 of 125; .*quick' \
	-e 'echo: served 5' -e 'netserver: after 1000 sessions: ' \
	-e 'netserver: every client is gone: 1135 sessions, 1135 ended, 0 live' \
	-e 'system: 10 unikernels, 10 exited 0'
test-netbsd-client-crash: NB_QEMU := $(call netbsd_nic,1,virtio-net-pci)
test-netbsd-client-crash: $(NETSERVER_ELF) $(ECHO_CLIENT_ELF) $(CRASHCLIENT_ELF) \
		$(NETBSD_IMAGE_DEPS)
	$(Q)$(NETBSD_RUN)
	$(Q)log=$(NETBSD_BUILD)/client-crash.log; \
	! grep -a 'crashclient: .*FAIL' $$log || { echo "$@: a start failed"; exit 1; }; \
	crashes=$$(grep -ac '^roottask: crash[1-8]: vm fault' $$log); \
	lasts=$$(grep -aEc '^crash[1-8]: [0-9]+ passed, 0 failed' $$log); \
	echo "$@: $$crashes crashes, $$lasts clients finished their last start"; \
	[ "$$crashes" = 1000 ] && [ "$$lasts" = 8 ] || { echo "$@: expected 1000 and 8"; exit 1; }
	$(Q)tests/netbsd/server-leaks $(NETBSD_BUILD)/client-crash.log 'netserver: netserver' 256 16

NETBSD_CRASH_DISK := $(NETBSD_BUILD)/crashserver.img
test-netbsd-server-crash: export PATH := $(PATH):/sbin:/usr/sbin
test-netbsd-server-crash: NB_SYSTEM := tests/netbsd/server-crash.system
test-netbsd-server-crash: NB_IMAGES := $(BUILD)/apps/fsserver $(NETBSD_BUILD)
test-netbsd-server-crash: NB_CHECKS := -e 'fsserver: /tmp/crash-server exists: crashing' \
	-e 'roottask: restarting fsserver \(restart 1 of 1\)' \
	-e 'fsserver: /dev/ld0d \(ext2fs\) mounted on /data read-only: it was not cleanly' \
	-e 'trigger: [0-9]+ passed, 0 failed' -e 'keeper: [0-9]+ passed, 0 failed' \
	-e 'system: 3 unikernels, 3 exited 0'
test-netbsd-server-crash: NB_QEMU := $(call netbsd_blk,$(NETBSD_CRASH_DISK))
test-netbsd-server-crash: $(FSSERVER_ELF) $(RECONNECT_ELF) $(NETBSD_IMAGE_DEPS)
	$(Q)$(NB_E2FS)
	$(Q)$(call netbsd_disk,$(NETBSD_CRASH_DISK))
	$(Q)$(NETBSD_RUN)
	$(Q)for f in trigger-before keeper-before; do \
		debugfs -R "cat /$$f" $(NETBSD_CRASH_DISK) 2>/dev/null | grep -q "^$${f%-*} wrote" || \
		{ echo "$@: /$$f is not on the disk"; exit 1; }; done
	@echo "$@: the host found what both clients fsync'd before the crash"
else
$(NETBSD_SERVER_TESTS):
	@echo "$@: SKIPPED: RUMP_SYSROOT is not set (it names a NetBSD rump kernel sysroot, e.g." \
		"RUMP_SYSROOT=/path/to/rump/sysroot; README.md, NetBSD)"
endif
