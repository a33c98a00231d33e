# apps/echo: a TCP echo server on a NetBSD rump kernel (apps/echo/README.md). Built only when
# RUMP_SYSROOT names a rump kernel sysroot. `make run-echo` boots it with a virtio NIC,
# `make run-echo-wm` with an e1000; host port ECHO_PORT (5555) reaches its port 7.
ECHO_ELF := $(BUILD)/apps/echo/echo.uk.elf
$(BUILD)/apps/echo/%.o: CFLAGS_FOR = $(RUMPGLUE_CFLAGS)
$(ECHO_ELF): $(BUILD)/apps/echo/echo.o
# The components: TCP/IP, the two NIC drivers the descriptions use and the DHCP client
# (ECHO_RUMP: bench/rsc links the same program again).
ECHO_RUMP := net net_net net_netinet net_config dev_bpf pci pci_virtio virtio_if_vioif \
	pci_if_wm dev_miiphy
$(ECHO_ELF): UK_RUMP := $(ECHO_RUMP)

# The same program as a client of a netserver (apps/netserver): no rump kernel of its own,
# its rump_sys_* calls go over a channel (platform/rumpclient).
ECHO_CLIENT_ELF := $(BUILD)/apps/echo/echo-client.uk.elf
$(ECHO_CLIENT_ELF): $(BUILD)/apps/echo/echo.o $(RUMPCLIENT_LIB)
$(ECHO_CLIENT_ELF): UK_LINK_FLAGS := --rump-client

ECHO_PORT ?= 5555
.PHONY: run-echo run-echo-wm
ifneq ($(RUMP_SYSROOT),)
ALL_TARGETS += $(ECHO_ELF) $(ECHO_CLIENT_ELF)
# $(call echo_run,SYSTEM,QEMU NIC MODEL): bakes apps/echo/SYSTEM and boots it with one NIC
# on QEMU's user network, host port ECHO_PORT forwarded to its port 7.
echo_nic = -nic none -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$(ECHO_PORT)-:7 -device $(1),netdev=n0
echo_run = $(call image_bake,apps/echo/$(1),$(BUILD)/apps/echo,$(IMAGE_KERNEL)) && \
	$(call image_boot,apps/echo/$(1),600,$(call echo_nic,$(2)))
run-echo: $(ECHO_ELF) $(USER_IMAGE_DEPS)
	$(Q)$(call echo_run,echo.system,virtio-net-pci)
run-echo-wm: $(ECHO_ELF) $(USER_IMAGE_DEPS)
	$(Q)$(call echo_run,echo-wm.system,e1000)
else
run-echo run-echo-wm:
	@echo "$@: needs RUMP_SYSROOT, a NetBSD rump kernel sysroot (README.md, NetBSD)"; exit 2
endif
