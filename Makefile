# CIMA: top-level build.
#
#   make                 kernel module (KVER, default 6.1), libcima, tools
#   make KVER=6.12       the module for Debian's 6.12 cloud kernel
#   make deps            install build and test dependencies with apt
#   make check           host tests + VM selftests on both kernels
#   make check-debug     module selftests + stress on a KASAN/lockdep 6.12
#   make demo            boot the test VM and show CIMA at work
#   make install         library, headers, tools, man pages, completion
#                        (DESTDIR, PREFIX, LIBDIR, ... honoured; no module)
#   make install-module  cima.ko for KVER into /lib/modules/<release>/extra
#                        (or make install INSTALL_MODULE=1)
#   make install-dkms    module sources + dkms.conf into /usr/src/cima-<version>
#   make install-python  the Python binding (lib/python)
#   make deb             Debian packages into $(O)/deb (dpkg-buildpackage)
#   make fuzz / bench    parsers' fuzzers, benchmarks
#
# Everything built goes to build/ (O=...).

KVER		?= 6.1
KVERS		:= 6.1 6.12
O		?= $(CURDIR)/build
PREFIX		?= /usr/local
export O PREFIX
VERSION		:= 0.1.0

# Install locations (GNU names); CPPFLAGS, CFLAGS and LDFLAGS from the
# environment or the command line reach every compile and link.
BINDIR		?= $(PREFIX)/bin
LIBDIR		?= $(PREFIX)/lib
INCLUDEDIR	?= $(PREFIX)/include
LIBEXECDIR	?= $(PREFIX)/libexec/cima
DATADIR		?= $(PREFIX)/share
MANDIR		?= $(DATADIR)/man
BASHCOMPDIR	?= $(DATADIR)/bash-completion/completions

# Debian release of the newest installed cloud kernel for a major.minor.
krelease	= $(notdir $(lastword $(sort $(wildcard /lib/modules/$(1).*cloud-amd64))))
KREL		:= $(call krelease,$(KVER))

KMOD_SRCS	:= $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild
HDRS		:= $(wildcard include/uapi/*.h)

all: module lib tools

module: $(O)/kmod/$(KREL)/cima.ko

modules:
	@for v in $(KVERS); do $(MAKE) --no-print-directory module KVER=$$v || exit; done

# One build tree per kernel release so 6.1 and 6.12 objects never mix.
$(O)/kmod/%/cima.ko: $(KMOD_SRCS) $(HDRS)
	@test -n "$*" -a -d /lib/modules/$*/build || \
		{ echo "cima: no kernel headers for KVER=$(KVER); run 'make deps'" >&2; exit 1; }
	mkdir -p $(@D)
	cd $(@D) && for f in $(addprefix $(CURDIR)/,$(KMOD_SRCS)) $(CURDIR)/kmod/Makefile; do \
		ln -sf $$f .; done
	$(MAKE) -C $(@D) KDIR=/lib/modules/$*/build CIMA_TOP=$(CURDIR) module

# Test-only out-of-tree modules, one tree per kernel like the module
# (<dir>/<release>/): links to their sources ($^), then kbuild.
define extmod_build
	@test -n "$*" -a -d /lib/modules/$*/build || \
		{ echo "cima: no kernel headers for KVER=$(KVER); run 'make deps'" >&2; exit 1; }
	mkdir -p $(@D)
	cd $(@D) && for f in $(addprefix $(CURDIR)/,$^); do ln -sf $$f .; done
	$(MAKE) -C /lib/modules/$*/build M=$(abspath $(@D)) modules
endef

# FAKE kernel interfaces (selftests/fakes): build/fakes/<release>/fake_*.ko.
FAKES_SRCS	:= $(wildcard selftests/fakes/*.c) selftests/fakes/Kbuild

fakes: $(O)/fakes/$(KREL)/fake_tdx_guest.ko

fakes-all:
	@for v in $(KVERS); do $(MAKE) --no-print-directory fakes KVER=$$v || exit; done

$(O)/fakes/%/fake_tdx_guest.ko: $(FAKES_SRCS)
	$(extmod_build)

# The benchmark's floor module (bench/kmod/floor): empty probes on cima.ko's
# hooks, for bench/kmod/run.sh.
FLOOR_SRCS	:= bench/kmod/floor/cima_floor.c bench/kmod/floor/Kbuild

bench-floor: $(O)/bench/kmod/floor/$(KREL)/cima_floor.ko

$(O)/bench/kmod/floor/%/cima_floor.ko: $(FLOOR_SRCS)
	$(extmod_build)

lib:
	$(MAKE) -C lib

tools: lib
	$(MAKE) -C tools
	$(MAKE) -C tools/oci-hook
	$(MAKE) -C tools/cima-reportd

deps:
	@mk/deps.sh

check: deps
	@mk/check.sh

# Debug kernel (KASAN, lockdep, kmemleak, failslab) built once from
# linux-source-6.12, then the module's selftests, a stress run, failslab and
# a kmemleak scan on it: long (the first build takes an hour or more).
check-debug: deps
	@mk/check-debug.sh

demo: deps
	@mk/demo.sh

fuzz: lib
	$(MAKE) -C tests fuzz

bench: deps all
	@bench/run.sh

# Userspace only: the module is neither built nor installed unless asked
# (install-module, INSTALL_MODULE=1, or DKMS through install-dkms).
MANPAGES	:= Documentation/man/cima.1 Documentation/man/cima-oci-hook.1 \
		   Documentation/man/libcima.3

install: lib tools
	$(MAKE) -C lib install LIBDIR=$(LIBDIR) INCLUDEDIR=$(INCLUDEDIR)
	$(MAKE) -C tools install BINDIR=$(BINDIR)
	$(MAKE) -C tools/oci-hook install LIBEXECDIR=$(LIBEXECDIR)
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 $(filter %.1,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(filter %.3,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man3/
	install -m 0644 contrib/bash-completion/cima $(DESTDIR)$(BASHCOMPDIR)/cima
ifeq ($(INSTALL_MODULE),1)
	$(MAKE) --no-print-directory install-module
endif

install-module: module
	install -d $(DESTDIR)/lib/modules/$(KREL)/extra
	install -m 0644 $(O)/kmod/$(KREL)/cima.ko $(DESTDIR)/lib/modules/$(KREL)/extra/
	$(if $(DESTDIR),,depmod -a $(KREL))

install-dkms:
	$(MAKE) -C kmod dkms VERSION=$(VERSION) CIMA_TOP=$(CURDIR)

install-python:
	$(MAKE) -C lib/python install LIBDIR=$(LIBDIR)

# Debian packages (debian/) built from a copy of the tree in $(O)/deb, so
# dpkg-buildpackage writes its .deb, .changes and logs there and not
# beside the tree.  mk/deps.sh deb installs the packaging tools.  Then
# lintian (no errors or warnings), and the packages unpacked into a
# scratch root are used from there (debian/check-installed.sh).
DEB_DIR		:= $(O)/deb
deb:
	@mk/deps.sh deb
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/cima-$(VERSION)
	tar -C $(CURDIR) --exclude=.git --exclude=./build --exclude='./$(patsubst $(CURDIR)/%,%,$(O))' \
		-cf - . | tar -C $(DEB_DIR)/cima-$(VERSION) -xf -
	cd $(DEB_DIR)/cima-$(VERSION) && env -u O -u PREFIX -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		dpkg-buildpackage -us -uc
	lintian --fail-on error,warning $(DEB_DIR)/*.changes
	debian/check-installed.sh $(DEB_DIR)
	@ls -1 $(DEB_DIR)/*.deb

clean:
	rm -rf $(O)

.PHONY: all module modules fakes fakes-all bench-floor lib tools deps check check-debug demo fuzz bench install \
	install-module install-dkms install-python deb clean
