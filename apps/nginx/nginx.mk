# apps/nginx: NGINX 1.22 from Debian's source package, unmodified, built with Rumprun's
# toolchain and baked into a unikernel that serves a static tree (apps/nginx/README.md). Only
# with RUMPRUN_SYSROOT; the source is fetched at build time, never kept in the tree.
#
#   nginx                 the unikernel, build/apps/nginx/nginx.uk.elf (fetches the source)
#   run-nginx             boots it; host port NGINX_PORT (8080) reaches its port 80
#   test-nginx            the host checks bodies, a 404 and 10 000 requests (ab)
#   test-nginx-configure  runs configure's test programs as unikernels, checks the answers
NGINX_BUILD := $(BUILD)/apps/nginx
NGINX_SRC := $(NGINX_BUILD)/src
NGINX_OBJS := $(NGINX_BUILD)/objs
NGINX := $(NGINX_OBJS)/nginx
NGINX_PORT ?= 8080
NGINX_SYSTEM := apps/nginx/nginx.system
.PHONY: nginx run-nginx test-nginx test-nginx-configure

# The source: `apt-get source nginx` from Debian 12 (bookworm and its point-release updates:
# the main archive, which every mirror carries) with a sources list of its own under build/
# (the host's apt configuration is neither needed nor changed).
NGINX_APT := $(NGINX_BUILD)/apt
NGINX_DEBIAN := http://deb.debian.org/debian
NGINX_APT_OPTS = -o Dir::Etc::SourceList=$(abspath $(NGINX_APT))/sources.list \
	-o Dir::Etc::SourceParts=/nonexistent -o Dir::State=$(abspath $(NGINX_APT))/state \
	-o Dir::Cache=$(abspath $(NGINX_APT))/cache -o Dir::State::status=/dev/null \
	-o APT::Sandbox::User=root -qq
NGINX_KEYRING := /usr/share/keyrings/debian-archive-keyring.gpg

# configure for Rumprun's userland (README.md, "configure"): configure-cc stands in for
# running test programs; no PCRE in the userland, so no rewrite module and no regular
# expressions; paths nginx writes are in /tmp (tmpfs), its error log is stderr. Rumprun's
# driver preprocesses apart from compiling (-no-integrated-cpp), which drops the "fall
# through" comments gcc's -Wimplicit-fallthrough (part of nginx's -W -Werror) looks for.
# --crossbuild=NetBSD, not NetBSD:7.99:amd64: configure takes the name as the system's, and
# only the bare name turns on what it does for NetBSD (kevent's udata is an integer there);
# the machine, which a cross build leaves unset, comes from NGX_MACHINE.
NGINX_CONFIGURE_FLAGS := --with-cc=$(abspath apps/nginx/configure-cc) \
	--crossbuild=NetBSD --builddir=$(abspath $(NGINX_OBJS)) \
	--with-cc-opt='-O2 -Wno-implicit-fallthrough' --with-ld-opt=-Wl,-z,noexecstack \
	--prefix=/nginx --conf-path=/nginx/conf/nginx.conf --error-log-path=stderr \
	--pid-path=/tmp/nginx.pid --lock-path=/tmp/nginx.lock --http-log-path=/tmp/access.log \
	--http-client-body-temp-path=/tmp/client_body --http-proxy-temp-path=/tmp/proxy \
	--http-fastcgi-temp-path=/tmp/fastcgi --http-uwsgi-temp-path=/tmp/uwsgi \
	--http-scgi-temp-path=/tmp/scgi --without-http_rewrite_module --without-pcre
NGINX_CONFIGURE_ENV = NGX_MACHINE=amd64 RUMPRUN_CC=$(RUMPRUN_CC) \
	NGINX_CONFIGURE_ANSWERS=$(abspath apps/nginx/configure-answers)

ifneq ($(RUMPRUN_SYSROOT),)
$(NGINX_SRC)/configure:
	@echo "  APT     nginx (Debian 12 source package) -> $(NGINX_SRC)"
	$(Q)for p in apt-get dpkg-source; do command -v $$p >/dev/null || { echo "nginx: needs" \
		"$$p (Debian: apt, dpkg-dev)"; exit 1; }; done; test -f $(NGINX_KEYRING) || \
		{ echo "nginx: needs $(NGINX_KEYRING) (package debian-archive-keyring)"; exit 1; }
	$(Q)rm -rf $(NGINX_APT) $(NGINX_SRC) && mkdir -p $(NGINX_APT)/state/lists/partial \
		$(NGINX_APT)/cache/archives/partial $(NGINX_APT)/dl
	$(Q)for s in bookworm bookworm-updates; do echo "deb-src [signed-by=$(NGINX_KEYRING)]" \
		"$(NGINX_DEBIAN) $$s main"; done >$(NGINX_APT)/sources.list
	$(Q)apt-get $(NGINX_APT_OPTS) update
	$(Q)cd $(NGINX_APT)/dl && apt-get $(NGINX_APT_OPTS) source nginx >../source.log 2>&1 || \
		{ cat ../source.log; exit 1; }
	$(Q)set -- $(NGINX_APT)/dl/nginx-1.22.*/configure; test -f "$$1" || { echo "nginx:" \
		"Debian's source package is not NGINX 1.22:" $(NGINX_APT)/dl/*.dsc; exit 1; }; \
		mv "$${1%/configure}" $(NGINX_SRC)

$(NGINX_OBJS)/Makefile: $(NGINX_SRC)/configure apps/nginx/configure-cc \
		apps/nginx/configure-answers apps/nginx/nginx.mk
	@echo "  CONFIG  nginx ($(NGINX_OBJS)/configure.log)"
	$(Q)rm -rf $(NGINX_OBJS) $(NGINX_BUILD)/autotests && \
		mkdir -p $(NGINX_OBJS) $(NGINX_BUILD)/autotests
	$(Q)cd $(NGINX_SRC) && $(NGINX_CONFIGURE_ENV) \
		NGINX_CONFIGURE_KEEP=$(abspath $(NGINX_BUILD))/autotests ./configure \
		$(NGINX_CONFIGURE_FLAGS) >$(abspath $(NGINX_OBJS))/configure.log 2>&1 || \
		{ cat $(abspath $(NGINX_OBJS))/configure.log; rm -f $@; exit 1; }
	$(Q)! test -f $(NGINX_OBJS)/configure-cc.unanswered || { echo "nginx: configure ran" \
		"checks apps/nginx/configure-answers has no answer for:"; \
		cat $(NGINX_OBJS)/configure-cc.unanswered; rm -f $@; exit 1; }

# nginx's own Makefile, with Rumprun's compiler driver as its compiler and linker.
$(NGINX): $(NGINX_OBJS)/Makefile
	@echo "  MAKE    nginx ($(NGINX_OBJS)/make.log)"
	$(Q)$(MAKE) -C $(NGINX_SRC) -f $(abspath $(NGINX_OBJS))/Makefile CC=$(RUMPRUN_CC) \
		>$(NGINX_OBJS)/make.log 2>&1 || { tail -n 30 $(NGINX_OBJS)/make.log; exit 1; }
$(eval $(call posix_unikernel,$(NGINX)))
nginx: $(NGINX).uk.elf

# configure's test programs (kept by configure-cc), run on the target by configure-check,
# which prints what they do as answer lines; they must be configure-answers' lines.
NGINX_CHECK := $(NGINX_BUILD)/configure-check
$(NGINX_CHECK)/checks.c: $(NGINX_OBJS)/Makefile apps/nginx/configure-check-table
	$(Q)apps/nginx/configure-check-table apps/nginx/configure-answers \
		$(NGINX_BUILD)/autotests $(NGINX_CHECK)
$(NGINX_CHECK)/configure-check: apps/nginx/configure-check.c apps/nginx/configure-check.h \
		$(NGINX_CHECK)/checks.c
	@echo "  RRCC    $@"
	$(Q)$(RUMPRUN_CC) $(POSIX_PROGRAM_CFLAGS) -Iapps/nginx -o $@ apps/nginx/configure-check.c \
		$(NGINX_CHECK)/checks.c $(NGINX_CHECK)/check-*.o
$(eval $(call posix_unikernel,$(NGINX_CHECK)/configure-check))

test-nginx-configure: $(NGINX_CHECK)/configure-check.uk.elf $(IMAGE_DEPS)
	$(Q)$(call image_bake,apps/nginx/configure-check.system,$(NGINX_CHECK))
	$(Q)$(QEMU_RUN) -t 120 -l $(NGINX_CHECK)/log \
		$(call image_dir,apps/nginx/configure-check.system)/kernel32.elf \
		$(call image_dir,apps/nginx/configure-check.system)/roottask.elf >/dev/null || \
		{ cat $(NGINX_CHECK)/log; exit 1; }
	$(Q)sed -n 's/\r$$//; s/^.*\(answer: \)/\1/p' $(NGINX_CHECK)/log | \
		diff -u $(NGINX_CHECK)/expected - || { echo "$@: the target does not give" \
		"configure-answers' answers (diff above: -, the file; +, the target)"; exit 1; }
	@echo "$@: passed on $(KERNEL): $$(wc -l <$(NGINX_CHECK)/expected) test programs of" \
		"configure do on the target what apps/nginx/configure-answers says"
endif

# The trees bake packs: the configuration (nginx.conf and the source's mime.types) and the
# site (apps/nginx/html, and two files of random bytes made here, 64 KiB and 1 MiB, so that
# the test sees bodies larger than a socket buffer).
NGINX_TREES := $(NGINX_BUILD)/trees.stamp
NGINX_HTML := $(NGINX_BUILD)/html
$(NGINX_TREES): apps/nginx/nginx.conf $(shell find apps/nginx/html -type f) \
		$(NGINX_SRC)/configure
	$(Q)rm -rf $(NGINX_BUILD)/conf $(NGINX_HTML) && mkdir -p $(NGINX_BUILD)/conf
	$(Q)cp apps/nginx/nginx.conf $(NGINX_SRC)/conf/mime.types $(NGINX_BUILD)/conf/
	$(Q)cp -R apps/nginx/html $(NGINX_HTML) && mkdir -p $(NGINX_HTML)/data && \
		head -c 65536 /dev/urandom >$(NGINX_HTML)/data/64k.bin && \
		head -c 1048576 /dev/urandom >$(NGINX_HTML)/data/1m.bin
	$(Q)touch $@

nginx_image = $(call image_bake,$(NGINX_SYSTEM),$(NGINX_OBJS) $(NGINX_BUILD))
# QEMU's user network with host port $(1) forwarded to the guest's port 80.
nginx_nic = -nic none -netdev user,id=n0,hostfwd=tcp:127.0.0.1:$(1)-:80 \
	-device virtio-net-pci,netdev=n0

ifneq ($(RUMPRUN_SYSROOT),)
run-nginx: $(NGINX).uk.elf $(NGINX_TREES) $(IMAGE_DEPS)
	$(Q)$(nginx_image)
	@echo "run-nginx: http://127.0.0.1:$(NGINX_PORT)/ (QEMU ends after $(or $(TIMEOUT),600) s," \
		"or Ctrl-C)"
	$(Q)$(call image_boot,$(NGINX_SYSTEM),$(or $(TIMEOUT),600),$(call nginx_nic,$(NGINX_PORT)))

test-nginx: $(NGINX).uk.elf $(NGINX_TREES) $(IMAGE_DEPS)
	$(Q)$(nginx_image)
	$(Q)apps/nginx/test-nginx -t 600 -l $(NGINX_BUILD)/test-nginx.log \
		$(call image_dir,$(NGINX_SYSTEM))/kernel32.elf \
		$(call image_dir,$(NGINX_SYSTEM))/roottask.elf $(NGINX_HTML)
	@echo "$@: passed on $(KERNEL)"
else
nginx run-nginx:
	@echo "$@: needs RUMPRUN_SYSROOT, the userland Rumprun's build installs (README.md, POSIX" \
		"programs)"; exit 2
test-nginx test-nginx-configure:
	@echo "$@: SKIPPED: RUMPRUN_SYSROOT is not set (it names the NetBSD userland Rumprun's" \
		"build installs, e.g. RUMPRUN_SYSROOT=/path/to/rumprun; README.md, POSIX programs)"
endif
TEST_TARGETS += test-nginx test-nginx-configure
