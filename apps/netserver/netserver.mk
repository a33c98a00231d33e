# apps/netserver: a NIC and TCP/IP for other unikernels (apps/netserver/README.md). Built
# only when RUMP_SYSROOT names a rump kernel sysroot.
NETSERVER_ELF := $(BUILD)/apps/netserver/netserver.uk.elf
$(BUILD)/apps/netserver/%.o: CFLAGS_FOR = $(RUMPGLUE_CFLAGS)
$(NETSERVER_ELF): $(BUILD)/apps/netserver/netserver.o
# TCP/IP, the virtio and e1000 NIC drivers, the DHCP client, and NetBSD's remote system
# call server (kern_sysproxy).
$(NETSERVER_ELF): UK_RUMP := kern_sysproxy net net_net net_netinet net_config dev_bpf pci \
	pci_virtio virtio_if_vioif pci_if_wm dev_miiphy
ifneq ($(RUMP_SYSROOT),)
ALL_TARGETS += $(NETSERVER_ELF)
endif
