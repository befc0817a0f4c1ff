#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deploy/kubernetes/ checked offline (no cluster here; what this covers and
# what it does not: Documentation/kubernetes.md):
#  - Debian's kubectl (kubernetes-client) decodes every manifest
#    (`kubectl annotate --local --dry-run=client -o yaml`, which needs no
#    API server; `kubectl apply --dry-run=client` does: it asks the server
#    which kinds exist even for a dry run) and builds the kustomization
#    (`kubectl kustomize`);
#  - deploy/kubernetes/schema-check.py checks every object against the
#    API's OpenAPI schema as Debian's python3-kubernetes carries it: kind,
#    every field and its type, required fields;
#  - the image paths the DaemonSet and cima-node-setup.sh use are the ones
#    the Containerfile fills;
#  - broken copies fail: a YAML syntax error (kubectl), a misspelled field,
#    a wrong type, a kind the group does not serve, a missing required
#    field (schema), a kustomization naming a missing file (kubectl).
# kubernetes-client and python3-kubernetes are installed here when missing
# (as root, as mk/deps.sh does).  Where another package already owns
# /usr/bin/kubectl (Google's "kubectl" package conflicts with Debian's),
# Debian's kubectl is unpacked from its .deb into $O/kubernetes-client/.
top=${CIMA_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
O=${O:-$top/build}
dir=$top/deploy/kubernetes
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

manifests=$(for f in "$dir"/*.yaml; do
	case $f in */kustomization.yaml) ;; *) basename "$f" ;; esac
done)
nm=$(echo "$manifests" | wc -l)
echo "1..$((2 * nm + 9))"

installed() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }
apt_install() {
	[ "$(id -u)" = 0 ] || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" > "$tmp/apt.log" 2>&1 ||
		{ apt-get update -q > /dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" > "$tmp/apt.log" 2>&1; }
}

# Debian's kubectl.
kubectl=
if installed kubernetes-client; then
	kubectl=/usr/bin/kubectl
elif [ -x "$O/kubernetes-client/usr/bin/kubectl" ]; then
	kubectl=$O/kubernetes-client/usr/bin/kubectl
elif ! dpkg -S /usr/bin/kubectl > /dev/null 2>&1 && apt_install kubernetes-client; then
	kubectl=/usr/bin/kubectl
elif (cd "$tmp" && apt-get download -q kubernetes-client > "$tmp/dl.log" 2>&1) &&
     dpkg-deb -x "$tmp"/kubernetes-client_*.deb "$O/kubernetes-client"; then
	kubectl=$O/kubernetes-client/usr/bin/kubectl
fi
kver=$([ -n "$kubectl" ] && "$kubectl" version --client 2>/dev/null | sed -n 's/.*GitVersion:"\([^"]*\)".*/\1/p')
[ -n "$kver" ] || kubectl=
installed python3-kubernetes || apt_install python3-kubernetes python3-yaml
schema=$dir/schema-check.py
/usr/bin/python3 -c 'import kubernetes, yaml' 2> /dev/null || schema=
echo "# kubectl: ${kubectl:-none} ${kver}; python3-kubernetes: $(dpkg-query -W -f='${Version}' python3-kubernetes 2>/dev/null)"

# kubectl decodes FILE (every document, offline).
kdecode() { "$kubectl" annotate --local --dry-run=client -o yaml -f "$1" cima.test/checked=yes; }

for m in $manifests; do
	if [ -z "$kubectl" ]; then
		skip "kubectl decodes $m" "Debian's kubernetes-client could not be installed"
	elif kdecode "$dir/$m" > "$tmp/out" 2>&1 && grep -q 'cima.test/checked: "yes"' "$tmp/out"; then
		ok "kubectl decodes $m"
	else
		nok "kubectl decodes $m" "$(head -n 5 "$tmp/out")"
	fi
	if [ -z "$schema" ]; then
		skip "schema check of $m" "python3-kubernetes could not be installed"
	elif "$schema" "$dir/$m" > "$tmp/out" 2>&1; then
		ok "schema check of $m: $(cut -d' ' -f2 "$tmp/out" | tr '\n' ' ')"
	else
		nok "schema check of $m" "$(head -n 10 "$tmp/out")"
	fi
done

# kustomize (inside kubectl) builds the node agent: four objects.
if [ -z "$kubectl" ]; then
	skip "kubectl kustomize deploy/kubernetes" "no kubectl"
elif "$kubectl" kustomize "$dir" > "$tmp/k.yaml" 2> "$tmp/k.err" &&
     [ "$(grep -c '^kind:' "$tmp/k.yaml")" = 4 ] && "$schema" "$tmp/k.yaml" > "$tmp/out" 2>&1; then
	ok "kubectl kustomize deploy/kubernetes: $(grep '^kind:' "$tmp/k.yaml" | cut -d' ' -f2 | tr '\n' ' ')"
else
	nok "kubectl kustomize deploy/kubernetes" "$(cat "$tmp/k.err" "$tmp/out" 2>/dev/null | head -n 5)"
fi

# The image's paths: what the DaemonSet runs and the setup script reads
# is what the Containerfile puts there.
paths_agree() {
	local p miss=
	for p in /opt/cima/cima-node-setup.sh /opt/cima/debs /opt/cima/modules \
		 /opt/cima/sbin/cima-reportd /opt/cima/systemd/ /opt/cima/libexec/cima-runc; do
		grep -q " $p\$" "$dir/Containerfile" || miss="$miss $p"
	done
	grep -q '"/opt/cima/cima-node-setup.sh"' "$dir/daemonset.yaml" || miss="$miss (daemonset command)"
	# shellcheck disable=SC2016  # the script's own text, not expanded here
	for p in '$img/sbin/cima-reportd' '$img/systemd/' '$img/libexec/cima-runc' '$img/modules/' '"$img"/debs/'; do
		grep -qF "$p" "$dir/cima-node-setup.sh" || miss="$miss (setup: $p)"
	done
	[ -f "$top/contrib/containerd/cima-runc" ] || miss="$miss contrib/containerd/cima-runc"
	[ -z "$miss" ] || { echo "missing:$miss"; return 1; }
}
if paths_agree > "$tmp/out" 2>&1 && sh -n "$dir/cima-node-setup.sh"; then
	ok "Containerfile, DaemonSet and cima-node-setup.sh agree on the image's paths"
else
	nok "Containerfile, DaemonSet and cima-node-setup.sh agree on the image's paths" "$(cat "$tmp/out")"
fi

# Broken copies must fail.  bad NAME TOOL SED-EXPR [FILE]: the edit must
# change FILE (daemonset.yaml) and TOOL must then reject it.
bad() {
	local what=$1 tool=$2 expr=$3 f=${4:-daemonset.yaml}
	mkdir -p "$tmp/bad"
	sed "$expr" "$dir/$f" > "$tmp/bad/$f"
	if cmp -s "$dir/$f" "$tmp/bad/$f"; then
		nok "$what: rejected" "the edit '$expr' did not change $f"
		return
	fi
	local rc=0
	case $tool in
	kubectl)
		[ -n "$kubectl" ] || { skip "$what: rejected by kubectl" "no kubectl"; return; }
		kdecode "$tmp/bad/$f" > "$tmp/out" 2>&1 || rc=$? ;;
	schema)
		[ -n "$schema" ] || { skip "$what: rejected by the schema check" "no python3-kubernetes"; return; }
		"$schema" "$tmp/bad/$f" > "$tmp/out" 2>&1 || rc=$? ;;
	esac
	if [ $rc = 0 ]; then
		nok "$what: rejected by $tool" "accepted: $(head -n 3 "$tmp/out")"
	else
		ok "$what: rejected by $tool: $(grep -v '^#' "$tmp/out" | head -n 1 | cut -c1-150)"
	fi
	rm -rf "$tmp/bad"
}
bad "YAML syntax error (an unclosed list)" kubectl 's/^  selector:$/  selector: [/'
bad "misspelled field (hostPid)" schema 's/hostPID: true/hostPid: true/'
bad "wrong type (privileged: \"yes\")" schema 's/privileged: true/privileged: "yes"/'
bad "a kind apps/v1 does not serve (Daemonset)" schema 's/^kind: DaemonSet$/kind: Daemonset/'
bad "a missing required field (containers[].name)" schema 's/^      - name: node$/      - tty: false/'
bad "a Pod field in the wrong place (volumes under a container)" schema 's/^    volumeMounts:$/    volumes:/' example-pod.yaml
# A kustomization naming a file that is not there.
if [ -z "$kubectl" ]; then
	skip "kustomization with a missing resource: rejected" "no kubectl"
else
	mkdir -p "$tmp/kz"
	cp "$dir"/*.yaml "$tmp/kz/" && rm "$tmp/kz/configmap.yaml"
	if "$kubectl" kustomize "$tmp/kz" > "$tmp/out" 2>&1; then
		nok "kustomization with a missing resource: rejected by kubectl" "accepted"
	else
		ok "kustomization with a missing resource: rejected by kubectl: $(head -n 1 "$tmp/out" | cut -c1-150)"
	fi
fi
[ "$n" = $((2 * nm + 9)) ] || nok "plan: ran $n tests"
exit $failed
