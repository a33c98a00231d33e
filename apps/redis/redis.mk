# apps/redis: Redis 7 from Debian's source package, unmodified, built with Rumprun's
# toolchain against NetBSD's libc and baked into a unikernel (apps/redis/README.md). Needs
# RUMPRUN_SYSROOT, and the network the first time: tools/debian-source fetches the
# package into $(REDIS_BUILD)/source (nothing of it is in the repository).
#
#   run-redis    boots it: host port REDIS_PORT (6379) reaches its port 6379; its data
#                directory is the ext2 disk REDIS_DISK, made on first use and kept
#   test-redis   redis-benchmark from the host, SAVE, a second boot that loads dump.rdb
#                (apps/redis/test-redis); KERNEL= runs it on another kernel
REDIS_BUILD := $(BUILD)/apps/redis
REDIS_SOURCE := $(REDIS_BUILD)/source
REDIS_TREE := $(REDIS_SOURCE)/redis
REDIS_SERVER := $(REDIS_BUILD)/redis-server
REDIS_SHIMS := $(REDIS_BUILD)/shims.o
REDIS_SYSTEM := apps/redis/redis.system
# A Debian version to fetch (e.g. 5:7.0.15-1~deb12u10); empty: the newest apt offers.
REDIS_DEB_VERSION ?=
REDIS_PORT ?= 6379
REDIS_DISK ?= $(REDIS_BUILD)/data.img
.PHONY: run-redis test-redis redis-source

# Redis' own Makefile, with Rumprun's tools. It picks its platform from `uname`, which is
# the build host's: uname_S=NetBSD selects the NetBSD branch (-lpthread, no -ldl, -lrt or
# -rdynamic) here and in deps/ (Lua). MALLOC=libc: the allocator NetBSD's malloc API names,
# which the POSIX layer provides (no jemalloc, whose configure does not cross-build here).
# No TLS and no systemd (neither library exists for the target). REDIS_LDFLAGS, which only
# Redis' own links use: the shims, and a non-executable stack (Rumprun's driver adds an
# object without a .note.GNU-stack section). The git ceiling keeps mkreleasehdr.sh from
# taking this repository's commit for Redis'.
REDIS_MAKE_FLAGS = CC=$(RUMPRUN_CC) AR=$(RUMPRUN_SYSROOT)/bin/x86_64-rumprun-netbsd-ar \
	RANLIB=$(RUMPRUN_SYSROOT)/bin/x86_64-rumprun-netbsd-ranlib uname_S=NetBSD uname_M=x86_64 \
	MALLOC=libc BUILD_TLS=no USE_SYSTEMD=no \
	REDIS_LDFLAGS="-Wl,-z,noexecstack $(abspath $(REDIS_SHIMS))"

ifneq ($(RUMPRUN_SYSROOT),)
redis-source $(REDIS_TREE)/.unpacked:
	$(Q)rm -f $(REDIS_TREE)/.unpacked
	$(Q)tools/debian-source $(REDIS_SOURCE) redis $(REDIS_DEB_VERSION)
	$(Q)touch $(REDIS_TREE)/.unpacked

$(REDIS_SHIMS): apps/redis/shims.c
	@mkdir -p $(@D)
	@echo "  RRCC    $@"
	$(Q)$(RUMPRUN_CC) $(POSIX_PROGRAM_CFLAGS) -c -o $@ $<

# Redis' make decides what to rebuild; the copy changes only when redis-server does, so
# that the unikernel is baked again only then.
$(REDIS_SERVER): $(REDIS_TREE)/.unpacked $(REDIS_SHIMS) FORCE
	@echo "  MAKE    $(REDIS_TREE)/src redis-server"
	$(Q)if [ $(REDIS_SHIMS) -nt $(REDIS_TREE)/src/redis-server ]; then \
		rm -f $(REDIS_TREE)/src/redis-server; fi
	+$(Q)GIT_CEILING_DIRECTORIES=$(abspath $(REDIS_SOURCE)) $(MAKE) --no-print-directory \
		-C $(REDIS_TREE)/src $(REDIS_MAKE_FLAGS) redis-server >$(REDIS_BUILD)/make.log 2>&1 || \
		{ tail -n 30 $(REDIS_BUILD)/make.log; echo "$@: Redis' make failed" \
		"(log: $(REDIS_BUILD)/make.log)"; exit 1; }
	$(Q)cmp -s $(REDIS_TREE)/src/redis-server $@ || cp $(REDIS_TREE)/src/redis-server $@

$(eval $(call posix_unikernel,$(REDIS_SERVER)))

# The system image (run-redis: the production kernel; test-redis: the kernel under test);
# the disk is the caller's.
redis_image = $(call image_bake,$(REDIS_SYSTEM),$(REDIS_BUILD),$(1))
redis_boot_files = $(call image_dir,$(REDIS_SYSTEM))/kernel32.elf \
	$(call image_dir,$(REDIS_SYSTEM))/roottask.elf

run-redis: export PATH := $(PATH):/sbin:/usr/sbin
run-redis: $(REDIS_SERVER).uk.elf $(USER_IMAGE_DEPS) $(HOSTFWD_BACKLOG_SO)
	$(Q)$(call redis_image,$(IMAGE_KERNEL))
	$(Q)[ -f $(REDIS_DISK) ] || { mke2fs -q -t ext2 $(REDIS_DISK) 64M && \
		echo "  MKE2FS  $(REDIS_DISK) (Redis' /data)"; }
	@echo "run-redis: host port $(REDIS_PORT) -> Redis; try redis-cli -p $(REDIS_PORT) ping," \
		"redis-cli -p $(REDIS_PORT) shutdown ends it"
	$(QEMU_RUN) -t $(or $(TIMEOUT),3600) -p $(HOSTFWD_BACKLOG_SO) $(redis_boot_files) \
		-nic none -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$(REDIS_PORT)-:6379 \
		-device virtio-net-pci,netdev=n0 \
		-drive file=$(REDIS_DISK),if=none,id=d0,format=raw -device virtio-blk-pci,drive=d0

test-redis: export PATH := $(PATH):/sbin:/usr/sbin
test-redis: $(REDIS_SERVER).uk.elf $(IMAGE_DEPS) $(HOSTFWD_BACKLOG_SO)
	$(Q)$(call redis_image,$(KERNEL))
	$(Q)rm -f $(REDIS_BUILD)/test-disk.img && mke2fs -q -t ext2 $(REDIS_BUILD)/test-disk.img 64M
	$(Q)apps/redis/test-redis -l $(REDIS_BUILD)/test-logs -p $(HOSTFWD_BACKLOG_SO) \
		$(redis_boot_files) $(REDIS_BUILD)/test-disk.img
	@echo "$@: passed on $(KERNEL) (Debian's redis $$(cat $(REDIS_SOURCE)/VERSION 2>/dev/null))"
else
run-redis redis-source:
	@echo "$@: needs RUMPRUN_SYSROOT, the userland Rumprun's build installs (README.md, POSIX" \
		"programs)"; exit 2
test-redis:
	@echo "$@: SKIPPED: RUMPRUN_SYSROOT is not set (it names the NetBSD userland Rumprun's" \
		"build installs, e.g. RUMPRUN_SYSROOT=/path/to/rumprun; apps/redis/README.md)"
endif
TEST_TARGETS += test-redis
