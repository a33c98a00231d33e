# tests/netbsd: NetBSD rump kernels on the platform, end to end (tests/README.md). The rump
# kernel is built outside this repository: RUMP_SYSROOT names its sysroot (the directory
# with lib/librump.a). Without it every target here says it was skipped, and succeeds.
#
#   test-rumpboot      a rump kernel on the bare platform (no glue): boot, file system I/O,
#                      sleep, TCP resets from QEMU's gateway through wm and vioif
#   test-netbsd-glue   the glue: boot messages, tmpfs, TCP over lo0, ext2 on a virtio disk
#                      made here and checked by the host, main's status as exit status
#   test-netbsd-echo-vioif, -echo-wm, -echo-two
#                      apps/echo answering the host through QEMU's host forwarding: virtio
#                      NIC with DHCP, e1000 with a static address, both at once
#   test-netbsd-netserver, -fsserver, -client-crash, -server-crash
#                      rump kernels as servers (netbsd-servers.mk)
#   test-netbsd        all of them
NETBSD_BUILD := $(BUILD)/tests/netbsd
$(NETBSD_BUILD)/%.o: CFLAGS_FOR = $(RUMPCLIENT_CFLAGS)

RUMPBOOT_ELF := $(NETBSD_BUILD)/rumpboot.uk.elf
$(RUMPBOOT_ELF): $(NETBSD_BUILD)/rumpboot.o $(NETBSD_BUILD)/nbcheck.o
$(RUMPBOOT_ELF): UK_RUMP := net_net net_netinet net_config pci pci_if_wm dev_miiphy pci_virtio \
	virtio_if_vioif
$(RUMPBOOT_ELF): UK_LINK_FLAGS := --no-rump-glue

NBTEST_ELF := $(NETBSD_BUILD)/nbtest.uk.elf
$(NBTEST_ELF): $(NETBSD_BUILD)/nbtest.o $(NETBSD_BUILD)/nbcheck.o
# (fs_tmpfs comes with the glue.)
$(NBTEST_ELF): UK_RUMP := fs_ext2fs fs_ffs dev_disk pci pci_virtio virtio_ld net_net net_netinet

NETBSD_TESTS := test-rumpboot test-netbsd-glue test-netbsd-echo-vioif test-netbsd-echo-wm \
	test-netbsd-echo-two
.PHONY: test-netbsd $(NETBSD_TESTS)

ifneq ($(RUMP_SYSROOT),)
ALL_TARGETS += $(RUMPBOOT_ELF) $(NBTEST_ELF)

# NetBSD's own boot messages, which every verbose rump kernel prints.
NETBSD_BANNER := -e 'Copyright \(c\) 1996' -e 'NetBSD 7\.[0-9.]+ \(RUMP-ROAST\)' \
	-e 'total memory = [0-9]+ KB' -e 'cpu0 at thinair0: rump virtual cpu' \
	-e 'root file system type: rumpfs'
# The glue's boot (verbose) and halt: tmpfs on /tmp; NetBSD syncs and unmounts everything.
NETBSD_GLUE := -e 'rumpglue: tmpfs mounted on /tmp' -e 'unmounted tmpfs on /tmp' \
	-e 'rump kernel halting' -e 'syncing disks\.\.\. ([0-9]+ )?done' -e 'unmounting done'
# $(call netbsd_nic,N,DEVICE): a NIC on QEMU's user network nN, host port @PORTN@ (which
# run-system picks) forwarded to the guest's TCP port 7.
netbsd_nic = -netdev user,id=n$(1),hostfwd=tcp:127.0.0.1:@PORT$(1)@-:7 -device $(2),netdev=n$(1)

# Each test bakes its NB_SYSTEM (unikernels from NB_IMAGES) and boots it through
# tests/netbsd/run-system with the checks NB_CHECKS and the QEMU arguments NB_QEMU; the
# console log is kept in $(NETBSD_BUILD)/NAME.log.
NB_NAME = $(basename $(notdir $(NB_SYSTEM)))
NETBSD_RUN = $(call image_bake,$(NB_SYSTEM),$(NB_IMAGES)) && \
	tests/netbsd/run-system -t 120 -l $(NETBSD_BUILD)/$(NB_NAME).log $(NB_CHECKS) \
	$(call image_dir,$(NB_SYSTEM))/kernel32.elf $(call image_dir,$(NB_SYSTEM))/roottask.elf \
	-nic none $(NB_QEMU)
NETBSD_IMAGE_DEPS := $(IMAGE_DEPS)

test-rumpboot: NB_SYSTEM := tests/netbsd/rumpboot.system
test-rumpboot: NB_IMAGES := $(NETBSD_BUILD)
test-rumpboot: NB_CHECKS := $(NETBSD_BANNER) -e 'wm0 at pci0' -e 'vioif0 at virtio0' \
	-e '[0-9]+ passed, 0 failed'
test-rumpboot: NB_QEMU := -netdev user,id=n0 -device e1000,netdev=n0 \
	-netdev user,id=n1,net=10.0.3.0/24 -device virtio-net-pci,netdev=n1
test-rumpboot: $(RUMPBOOT_ELF) $(NETBSD_IMAGE_DEPS)
	$(Q)$(NETBSD_RUN)

# The disk: an ext2 file system made by Debian's mke2fs with the file the guest must read;
# afterwards debugfs must find what the guest wrote and e2fsck a cleanly unmounted file
# system. (e2fsprogs lives in /sbin, which an ordinary user's PATH may lack.)
NETBSD_DISK := $(NETBSD_BUILD)/ext2.img
test-netbsd-glue: export PATH := $(PATH):/sbin:/usr/sbin
test-netbsd-glue: NB_SYSTEM := tests/netbsd/nbtest.system
test-netbsd-glue: NB_IMAGES := $(NETBSD_BUILD)
test-netbsd-glue: NB_CHECKS := -s 1 $(NETBSD_BANNER) $(NETBSD_GLUE) -e 'ld0 at virtio0' \
	-e 'nbtest: [0-9]+ passed, 0 failed' -e 'nbstatus: [0-9]+ passed, 0 failed' \
	-e 'nbtest exited with status 0' -e 'nbstatus exited with status 3' \
	-e 'unmounted /dev/ld0d on /mnt type ext2fs'
test-netbsd-glue: NB_QEMU := -drive file=$(NETBSD_DISK),if=none,id=d0,format=raw \
	-device virtio-blk-pci,drive=d0
test-netbsd-glue: $(NBTEST_ELF) $(NETBSD_IMAGE_DEPS)
	$(Q)for p in mke2fs debugfs e2fsck; do command -v $$p >/dev/null || \
		{ echo "$@: needs $$p (Debian package e2fsprogs)"; exit 1; }; done
	$(Q)rm -rf $(NETBSD_DISK) $(NETBSD_BUILD)/ext2 && mkdir -p $(NETBSD_BUILD)/ext2 && \
		printf 'hello from the host' >$(NETBSD_BUILD)/ext2/host.txt && \
		mke2fs -q -F -t ext2 -d $(NETBSD_BUILD)/ext2 $(NETBSD_DISK) 4M
	$(Q)$(NETBSD_RUN)
	$(Q)debugfs -R 'cat /guest.txt' $(NETBSD_DISK) 2>/dev/null | \
		grep -q "written by NetBSD's ext2fs" || { echo "$@: /guest.txt not on the disk"; exit 1; }
	$(Q)debugfs -R 'cat /atexit.txt' $(NETBSD_DISK) 2>/dev/null | \
		grep -q "left for the halt" || { echo "$@: /atexit.txt not on the disk"; exit 1; }
	$(Q)e2fsck -fn $(NETBSD_DISK) >/dev/null 2>&1 || \
		{ echo "$@: e2fsck finds the file system damaged"; exit 1; }
	@echo "$@: the host found /guest.txt and /atexit.txt; e2fsck: clean"

NETBSD_ECHO_TESTS := test-netbsd-echo-vioif test-netbsd-echo-wm test-netbsd-echo-two
$(NETBSD_ECHO_TESTS): NB_IMAGES := $(BUILD)/apps/echo
test-netbsd-echo-vioif: NB_SYSTEM := apps/echo/echo.system
test-netbsd-echo-vioif: NB_CHECKS := -p 5 $(NETBSD_BANNER) $(NETBSD_GLUE) \
	-e 'vioif0 at virtio0' -e 'dhcp: vioif0: adding IP address' -e 'echo: served 5 connections'
test-netbsd-echo-vioif: NB_QEMU := $(call netbsd_nic,1,virtio-net-pci)
test-netbsd-echo-wm: NB_SYSTEM := apps/echo/echo-wm.system
test-netbsd-echo-wm: NB_CHECKS := -p 5 $(NETBSD_BANNER) $(NETBSD_GLUE) -e 'wm0 at pci0' \
	-e 'rumpglue: wm0: 10.0.2.15/24' -e 'echo: served 5 connections'
test-netbsd-echo-wm: NB_QEMU := $(call netbsd_nic,1,e1000)
test-netbsd-echo-two: NB_SYSTEM := apps/echo/echo-two.system
test-netbsd-echo-two: NB_CHECKS := -p 5 -p 5 -e 'echo-vioif: echo: served 5' \
	-e 'echo-wm: echo: served 5' -e 'system: 2 unikernels, 2 exited 0'
test-netbsd-echo-two: NB_QEMU := $(call netbsd_nic,1,virtio-net-pci) $(call netbsd_nic,2,e1000)
$(NETBSD_ECHO_TESTS): $(ECHO_ELF) $(NETBSD_IMAGE_DEPS)
	$(Q)$(NETBSD_RUN)

test-netbsd: $(NETBSD_TESTS)
	@echo "test-netbsd: all NetBSD tests passed on $(KERNEL) ($(NETBSD_TESTS))"
else
test-netbsd $(NETBSD_TESTS):
	@echo "$@: SKIPPED: RUMP_SYSROOT is not set (it names a NetBSD rump kernel sysroot, e.g." \
		"RUMP_SYSROOT=/path/to/rump/sysroot; README.md, NetBSD)"
endif
TEST_TARGETS += test-netbsd
