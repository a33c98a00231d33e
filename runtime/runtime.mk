# runtime: root-task start-up, TLS, printf and string functions for user-level programs.
RUNTIME_LIB := $(BUILD)/runtime/runtime.a
RUNTIME_ROOT_CRT := $(BUILD)/runtime/src/crt0_root.o $(BUILD)/runtime/src/start_root.o
RUNTIME_OBJS := $(addprefix $(BUILD)/runtime/src/,tls.o printf.o string.o alloc.o vspace.o ioport.o \
	thread.o console_uart.o)

$(RUNTIME_LIB): $(RUNTIME_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^
