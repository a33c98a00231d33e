# platform/rumpclient: the client library of remote system calls (platform/rumpclient/
# README.md): rump_sys_* for a unikernel without a rump kernel, carried over a channel to
# a server. It is compiled against the rump kernel's public headers (prototypes, types),
# so only when RUMP_SYSROOT names a rump kernel sysroot; bake link --rump-client links it.
RUMPCLIENT_CFLAGS := $(RUMPGLUE_CFLAGS) -Iplatform/rumpclient
RUMPCLIENT_LIB := $(BUILD)/platform/librumpclient.a
RUMPCLIENT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard platform/rumpclient/*.c))
$(BUILD)/platform/rumpclient/%.o: CFLAGS_FOR = $(RUMPCLIENT_CFLAGS)

ifneq ($(RUMP_SYSROOT),)
$(RUMPCLIENT_LIB): $(RUMPCLIENT_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^
ALL_TARGETS += $(RUMPCLIENT_LIB)
endif
