# CIMA: top-level build.
#
#   make                 kernel module (KVER, default 6.1), libcima, tools
#   make KVER=6.12       the module for Debian's 6.12 cloud kernel
#   make deps            install build and test dependencies with apt
#   make check           host tests + VM selftests on both kernels
#   make demo            boot the test VM and show CIMA at work
#   make install         DESTDIR/PREFIX honoured
#   make fuzz / bench    parsers' fuzzers, benchmarks
#
# Everything built goes to build/ (O=...).

KVER		?= 6.1
KVERS		:= 6.1 6.12
O		?= $(CURDIR)/build
PREFIX		?= /usr/local
export O PREFIX

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

# Test-only FAKE kernel interfaces (selftests/fakes), one tree per kernel
# like the module: build/fakes/<release>/fake_*.ko.
FAKES_SRCS	:= $(wildcard selftests/fakes/*.c) selftests/fakes/Kbuild

fakes: $(O)/fakes/$(KREL)/fake_tdx_guest.ko

fakes-all:
	@for v in $(KVERS); do $(MAKE) --no-print-directory fakes KVER=$$v || exit; done

$(O)/fakes/%/fake_tdx_guest.ko: $(FAKES_SRCS)
	@test -n "$*" -a -d /lib/modules/$*/build || \
		{ echo "cima: no kernel headers for KVER=$(KVER); run 'make deps'" >&2; exit 1; }
	mkdir -p $(@D)
	cd $(@D) && for f in $(addprefix $(CURDIR)/,$(FAKES_SRCS)); do ln -sf $$f .; done
	$(MAKE) -C /lib/modules/$*/build M=$(abspath $(@D)) modules

lib:
	$(MAKE) -C lib

tools: lib
	$(MAKE) -C tools
	$(MAKE) -C tools/oci-hook

deps:
	@mk/deps.sh

check: deps
	@mk/check.sh

demo: deps
	@mk/demo.sh

fuzz: lib
	$(MAKE) -C tests fuzz

bench: deps all
	@bench/run.sh

install: all
	$(MAKE) -C lib install
	$(MAKE) -C tools install
	$(MAKE) -C tools/oci-hook install
	install -d $(DESTDIR)/lib/modules/$(KREL)/extra
	install -m 0644 $(O)/kmod/$(KREL)/cima.ko $(DESTDIR)/lib/modules/$(KREL)/extra/

clean:
	rm -rf $(O)

.PHONY: all module modules fakes fakes-all lib tools deps check demo fuzz bench install clean
