#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-layers.sh: the module's layering (Documentation/architecture.rst),
# checked on the objects of a build, so that no loop and no upward call can
# come back unnoticed.  Run by `make check` after its build.
#
# 1. The pure VT-d model (kvm-vtd/spec/) includes no KVM, tracing or
#    module-private header: only <linux/...> basics, the UAPI header and
#    its own headers (its KUnit suites also <kunit/...> and the sources
#    they test).  Each source has its own KUnit suite file, which compiles in
#    that source and no other; what they share is kunit/fixture.[ch].
# 2. Every call from one object to a function or variable another object
#    defines goes down the layers below, never up or sideways.
set -uo pipefail
cd "$(dirname "$0")/.."

# Lowest first; files on one line are one layer and must not call each other.
LAYERS=(
	"spec/walk spec/inval spec/caps spec/desc spec/intremap"
	"spec/context spec/cache spec/regfile"
	"spec/xlate spec/rfstate"
	"unit"
	"hdev"
	"shadow nested hpasid"
	"host"
	"attach qi"
	"events"
	"mmio state translate msi stats"
	"main"
)
bad=0

# 1. What the pure model includes.
while IFS=: read -r file line text; do
	inc=${text#*#include }
	case "$inc" in
	'<linux/kvm_vtd.h>') ;;
	'<linux/kvm'*|'<linux/tracepoint'*|'<trace/'*|'<kvm/'*|'<asm/kvm'*)
		echo "$file:$line: the pure model includes $inc"; bad=1 ;;
	'<linux/'*|'<asm/byteorder.h>') ;;
	'<kunit/'*)
		case "$file" in */kunit/*) ;; *) echo "$file:$line: $inc outside KUnit"; bad=1 ;; esac ;;
	'"../'*'.c"'|'"../'*'.h"')
		case "$file" in
		*/kunit/*) [ -e "kvm-vtd/spec/${inc:4:-1}" ] ||
			{ echo "$file:$line: $inc is not a file of the pure model"; bad=1; } ;;
		*) echo "$file:$line: $inc leaves the pure model"; bad=1 ;;
		esac ;;
	'"'*'"')
		[ -e "$(dirname "$file")/${inc:1:-1}" ] ||
			{ echo "$file:$line: $inc is not a file of the pure model"; bad=1; } ;;
	*) echo "$file:$line: $inc: not allowed in the pure model"; bad=1 ;;
	esac
done < <(grep -Hn '^#include' kvm-vtd/spec/*.[ch] kvm-vtd/spec/kunit/*.[ch])

# 1b. One KUnit suite per source: spec/X.c is compiled into exactly one
#     suite, kunit/X_kunit.c, and a suite compiles in no other source.
for src in kvm-vtd/spec/*.c; do
	name=$(basename "$src" .c)
	users=$(grep -l "^#include \"\.\./$name\.c\"" kvm-vtd/spec/kunit/*.c | xargs -r -n1 basename)
	[ "$users" = "${name}_kunit.c" ] ||
		{ echo "$src: compiled into [${users//$'\n'/ }], not exactly ${name}_kunit.c"; bad=1; }
done
for t in kvm-vtd/spec/kunit/*_kunit.c; do
	n=$(grep -c '^#include "\.\./.*\.c"' "$t")
	[ "$n" -le 1 ] || { echo "$t: compiles in $n sources, one at most"; bad=1; }
done

# 2. Who calls whom, from the symbol tables.
declare -A layer owner
for i in "${!LAYERS[@]}"; do
	for f in ${LAYERS[$i]}; do
		layer[$f]=$i
		[ -e "kvm-vtd/$f.o" ] || { echo "kvm-vtd/$f.o: not built (run make first)"; exit 1; }
	done
done
for o in kvm-vtd/*.o kvm-vtd/spec/*.o; do
	f=${o#kvm-vtd/}
	f=${f%.o}
	[ -n "${layer[$f]:-}" ] || { echo "$o: not in a layer of scripts/check-layers.sh"; bad=1; continue; }
	while read -r sym; do
		owner[$sym]=$f
	done < <(nm --defined-only "$o" | awk '$2 ~ /^[TDBR]$/ {print $3}')
done
for f in "${!layer[@]}"; do
	while read -r sym; do
		g=${owner[$sym]:-}
		[ -n "$g" ] || continue
		if [ "${layer[$g]}" -ge "${layer[$f]}" ]; then
			echo "kvm-vtd/$f.c calls $sym of kvm-vtd/$g.c: not a lower layer"
			bad=1
		fi
	done < <(nm --undefined-only "kvm-vtd/$f.o" | awk '{print $2}')
done
[ $bad = 0 ] && echo "check-layers: ${#layer[@]} files in ${#LAYERS[@]} layers, no upward or sideways call"
exit $bad
