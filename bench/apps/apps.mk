# bench/apps: the application benchmark (bench/README.md, "bench/apps"): Redis and NGINX from
# Debian's sources on our kernel, upstream seL4 (BENCH_UPSTREAM=), Rumprun's own hw platform
# (the same programs baked by rumprun-bake) and Debian's redis-server and nginx on a Linux
# guest, interleaved, loaded from the host by redis-benchmark and ab. Numbers, never
# asserts; not part of `make test` nor of `make bench` (it takes about half an hour).
#
#   make bench-apps        the full run: build/bench/apps/table.md (also printed)
#   make bench-apps-smoke  one run, small loads: every figure comes
#
# Ours boots $(IMAGE_KERNEL) (the production kernel unless KERNEL= is given); give upstream
# seL4's production build as BENCH_UPSTREAM. BENCH_APPS_ARGS adds options of
# bench/apps/bench-apps (e.g. --runs 5 --redis-requests 100000 --apps nginx).
BENCH_APPS := $(BUILD)/bench/apps
BENCH_APPS_RUMPRUN := $(BENCH_APPS)/rumprun
BENCH_APPS_LINUX := $(BENCH_APPS)/linux
BENCH_APPS_ARGS ?=
.PHONY: bench-apps bench-apps-smoke

ifneq ($(RUMPRUN_SYSROOT),)
# Rumprun's own hw platform: the program files our build makes, baked by Rumprun's tool for
# its virtio configuration (Rumprun's link, into build/ only).
RUMPRUN_BAKE := $(RUMPRUN_SYSROOT)/bin/rumprun-bake
$(BENCH_APPS_RUMPRUN)/nginx.bin: $(NGINX)
$(BENCH_APPS_RUMPRUN)/redis.bin: $(REDIS_SERVER)
$(BENCH_APPS_RUMPRUN)/%.bin:
	@mkdir -p $(@D)
	@echo "  RRBAKE  $@ (rumprun-bake hw_virtio)"
	$(Q)RUMPRUN_WARNING_STFU=please $(RUMPRUN_BAKE) hw_virtio $@ $< >$@.log 2>&1 || \
		{ cat $@.log; rm -f $@; exit 1; }

# The Linux guest: bench/net's, with Debian's nginx and redis-server in the versions of the
# sources built above.
BENCH_APPS_LINUX_GUEST = bench/apps/linux-apps $(BENCH_APPS_LINUX) $(NETSERVE_LINUX) \
	"$$(sed -n 's/^Version: //p' $(NGINX_BUILD)/apt/dl/nginx_*.dsc)" \
	"$$(cat $(REDIS_SOURCE)/VERSION)" $(NGINX_BUILD)/conf $(NGINX_HTML)

BENCH_APPS_RUN = bench/apps/bench-apps --qemu-run $(QEMU_RUN) --preload $(HOSTFWD_BACKLOG_SO) \
	--bake $(BAKE) --roottask $(ROOTTASK_OBJ) --ours $(IMAGE_KERNEL) \
	$(if $(BENCH_UPSTREAM),--upstream $(BENCH_UPSTREAM)) --rumprun $(BENCH_APPS_RUMPRUN) \
	--linux $(BENCH_APPS_LINUX) --images redis=$(REDIS_BUILD) \
	--images nginx=$(NGINX_OBJS),$(NGINX_BUILD)
BENCH_APPS_DEPS = $(NGINX).uk.elf $(REDIS_SERVER).uk.elf $(NGINX_TREES) $(USER_IMAGE_DEPS) \
	$(HOSTFWD_BACKLOG_SO) $(NETSERVE_LINUX) $(BENCH_APPS_RUMPRUN)/nginx.bin \
	$(BENCH_APPS_RUMPRUN)/redis.bin

bench-apps bench-apps-smoke: export PATH := $(PATH):/sbin:/usr/sbin
bench-apps bench-apps-smoke: $(BENCH_APPS_DEPS)
	$(Q)for p in redis-benchmark ab; do command -v $$p >/dev/null || { echo "$@: needs $$p" \
		"(Debian: redis-tools, apache2-utils)"; exit 1; }; done
	$(Q)$(BENCH_APPS_LINUX_GUEST)
	$(Q)$(BENCH_APPS_RUN) $(if $(filter %-smoke,$@),--out $(BENCH_APPS)/smoke --smoke --runs 1 \
		--redis-requests 2000 --nginx-requests 500,--out $(BENCH_APPS)) $(BENCH_APPS_ARGS)
else
bench-apps bench-apps-smoke:
	@echo "$@: SKIPPED: RUMPRUN_SYSROOT is not set (it names the NetBSD userland Rumprun's" \
		"build installs, e.g. RUMPRUN_SYSROOT=/path/to/rumprun; README.md, POSIX programs)"
endif
