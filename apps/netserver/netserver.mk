# apps/netserver: a NIC and TCP/IP for other unikernels (apps/netserver/README.md). Built
# only when RUMP_SYSROOT names a rump kernel sysroot.
NETSERVER_ELF := $(BUILD)/apps/netserver/netserver.uk.elf
$(BUILD)/apps/netserver/%.o: CFLAGS_FOR = $(RUMPGLUE_CFLAGS)
$(NETSERVER_ELF): $(BUILD)/apps/netserver/netserver.o
# TCP/IP, the virtio and e1000 NIC drivers, the DHCP client, and NetBSD's remote system
# call server (kern_sysproxy).
$(NETSERVER_ELF): UK_RUMP := kern_sysproxy net net_net net_netinet net_config dev_bpf pci \
	pci_virtio virtio_if_vioif pci_if_wm dev_miiphy

# `make run-echo-three`: three echo clients behind one netserver (echo-three.system), host
# ports 5556..5558 forwarded to their ports 7001..7003.
ECHO_THREE_FWD ?= hostfwd=tcp:127.0.0.1:5556-:7001,hostfwd=tcp:127.0.0.1:5557-:7002,$\
	hostfwd=tcp:127.0.0.1:5558-:7003
ECHO_THREE_QEMU = -nic none -netdev user,id=n0,$(ECHO_THREE_FWD) -device virtio-net-pci,netdev=n0
.PHONY: run-echo-three
ifneq ($(RUMP_SYSROOT),)
ALL_TARGETS += $(NETSERVER_ELF)
run-echo-three: $(NETSERVER_ELF) $(ECHO_CLIENT_ELF) $(IMAGE_DEPS)
	$(Q)$(call image_bake,apps/netserver/echo-three.system,$(BUILD)/apps/netserver \
		$(BUILD)/apps/echo)
	$(Q)$(call image_boot,apps/netserver/echo-three.system,600,$(ECHO_THREE_QEMU))
else
run-echo-three:
	@echo "$@: needs RUMP_SYSROOT, a NetBSD rump kernel sysroot (README.md, NetBSD)"; exit 2
endif
