# Tests of bake's command line (tools/tests/bake-test). The guests are the root task's
# (roottask/tests/roottask-tests.mk); with the platform built, its link is checked too
# (apps/hello).
.PHONY: test-bake
test-bake: $(BAKE) $(ROOTTASK_OBJ) $(GUESTS) $(KERNEL) $(PLATFORM_CRT) $(PLATFORM_LIB) \
		$(RUMPUSER_LIB) $(BUILD)/apps/hello/hello.o
	$(Q)BAKE=$(BAKE) BUILD=$(BUILD) ROOTTASK_OBJ=$(ROOTTASK_OBJ) KERNEL=$(KERNEL) \
		GUEST_BUILD=$(GUEST_BUILD) CC=$(HOSTCC) tools/tests/bake-test
TEST_TARGETS += test-bake
