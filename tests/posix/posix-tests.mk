# tests/posix: the POSIX test suite (tests/posix/README.md), an ordinary NetBSD program built
# with Rumprun's toolchain, run as a unikernel with a NIC, a disk and a baked tree, talked to
# by the host. Needs RUMPRUN_SYSROOT (else it says it skipped); KERNEL= runs it on another
# kernel (upstream seL4).
#
#   test-posix   the suite; then the host checks the disk (debugfs, e2fsck)
POSIX_TEST_BUILD := $(BUILD)/tests/posix
POSIX_TEST := $(POSIX_TEST_BUILD)/ptest
POSIX_TEST_DISK := $(POSIX_TEST_BUILD)/disk.img
.PHONY: test-posix

ifneq ($(RUMPRUN_SYSROOT),)
$(eval $(call posix_program,$(POSIX_TEST),$(sort $(wildcard tests/posix/*.c)),-Itests/posix))
ALL_TARGETS += $(POSIX_TEST).uk.elf

test-posix: export PATH := $(PATH):/sbin:/usr/sbin
test-posix: $(POSIX_TEST).uk.elf $(IMAGE_DEPS)
	$(Q)for p in mke2fs debugfs e2fsck; do command -v $$p >/dev/null || \
		{ echo "$@: needs $$p (Debian package e2fsprogs)"; exit 1; }; done
	$(Q)rm -rf $(POSIX_TEST_DISK) $(POSIX_TEST_BUILD)/disk && mkdir -p $(POSIX_TEST_BUILD)/disk && \
		printf 'made by the host\n' >$(POSIX_TEST_BUILD)/disk/from-host.txt && \
		mke2fs -q -F -t ext2 -d $(POSIX_TEST_BUILD)/disk $(POSIX_TEST_DISK) 8M
	$(Q)$(call image_bake,tests/posix/posix.system,$(POSIX_TEST_BUILD))
	$(Q)tests/netbsd/run-system -t 300 -l $(POSIX_TEST_BUILD)/test-posix.log -p 3 \
		-e '^(posix: )?[0-9]+ passed, 0 failed' -e 'posix exited with status 0' \
		$(call image_dir,tests/posix/posix.system)/kernel32.elf \
		$(call image_dir,tests/posix/posix.system)/roottask.elf -nic none \
		-netdev user,id=n0,hostfwd=tcp:127.0.0.1:@PORT1@-:7 -device virtio-net-pci,netdev=n0 \
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
