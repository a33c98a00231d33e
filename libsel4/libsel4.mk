# libsel4: ABI headers (also read by the kernel) and the per-thread IPC buffer pointer.
LIBSEL4_LIB := $(BUILD)/libsel4/libsel4.a
LIBSEL4_OBJS := $(BUILD)/libsel4/src/ipc_buffer.o

$(LIBSEL4_LIB): $(LIBSEL4_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^
