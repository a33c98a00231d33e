# apps/fsserver: a virtio disk and ext2/FFS for other unikernels (apps/fsserver/README.md).
# Built only when RUMP_SYSROOT names a rump kernel sysroot.
FSSERVER_ELF := $(BUILD)/apps/fsserver/fsserver.uk.elf
$(BUILD)/apps/fsserver/%.o: CFLAGS_FOR = $(RUMPGLUE_CFLAGS)
$(FSSERVER_ELF): $(BUILD)/apps/fsserver/fsserver.o
# ext2 and FFS, the virtio disk driver, and NetBSD's remote system call server.
$(FSSERVER_ELF): UK_RUMP := kern_sysproxy fs_ext2fs fs_ffs dev_disk pci pci_virtio virtio_ld
ifneq ($(RUMP_SYSROOT),)
ALL_TARGETS += $(FSSERVER_ELF)
endif
