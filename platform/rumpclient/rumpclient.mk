# platform/rumpclient: the client library of remote system calls (platform/rumpclient/
# README.md), carried over a channel to a server.
#   $(RSC_CLIENT_OBJS)  the connection and the rsc_sys_* calls, compiled against the
#                       platform's headers only: always built; the POSIX platform object
#                       includes them (bake link --remote-sockets, platform/posix)
#   $(RUMPCLIENT_LIB)   those and rump_sys.c (the rump_sys_* names, compiled against the
#                       rump kernel's public headers), so only when RUMP_SYSROOT names a rump
#                       kernel sysroot; bake link --rump-client links it
RUMPCLIENT_CFLAGS := $(RUMPGLUE_CFLAGS) -Iplatform/rumpclient
RUMPCLIENT_LIB := $(BUILD)/platform/librumpclient.a
RSC_CLIENT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out %/rump_sys.c,\
	$(wildcard platform/rumpclient/*.c)))
$(BUILD)/platform/rumpclient/rump_sys.o: CFLAGS_FOR = $(RUMPCLIENT_CFLAGS)
ALL_TARGETS += $(RSC_CLIENT_OBJS)

ifneq ($(RUMP_SYSROOT),)
$(RUMPCLIENT_LIB): $(RSC_CLIENT_OBJS) $(BUILD)/platform/rumpclient/rump_sys.o
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^
ALL_TARGETS += $(RUMPCLIENT_LIB)
endif
