# SPDX-License-Identifier: GPL-2.0
# Result accounting for run-tests.sh: TAP (kselftest) and KTAP (KUnit)
# parsers and the pass/fail/skip counters.  Sourced, not executed.

pass=0 fail=0 skip=0
result() { # STATUS NAME [DETAIL]
	case $1 in
	ok) pass=$((pass + 1)); echo "PASS $2" ;;
	skip) skip=$((skip + 1)); echo "SKIP $2${3:+ ($3)}" ;;
	*) fail=$((fail + 1)); echo "FAIL $2${3:+: $3}" ;;
	esac
}

# TAP: count top-level "ok"/"not ok" lines; check the plan; check the exit.
tap() { # FILE SUITE [RCFILE]
	local file=$1 suite=$2 rcfile=${3:-} plan=0 seen=0 failed=0 line name
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		1..*) plan=${line#1..} ;;
		"ok "*"# SKIP"*)
			seen=$((seen + 1)); name=${line#ok * }
			result skip "$suite: ${name%% # SKIP*}" "${name#* # SKIP }" ;;
		"ok "*)
			seen=$((seen + 1)); name=${line#ok * }
			result ok "$suite: $name" ;;
		"not ok "*)
			seen=$((seen + 1)); failed=1; name=${line#not ok * }
			result fail "$suite: $name" ;;
		esac
	done < "$file"
	if [ "$seen" -lt "$plan" ]; then
		result fail "$suite" "reported $seen of $plan planned cases"
		failed=1
	fi
	if [ -n "$rcfile" ]; then
		local rc
		rc=$(cat "$rcfile" 2>/dev/null || echo missing)
		if [ "$rc" = 124 ]; then
			result fail "$suite" "timed out"
		elif [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ $failed -eq 0 ]; then
			result fail "$suite" "exited $rc without reporting a failed case"
		fi
	fi
	if [ "$failed" -ne 0 ] || [ "${rc:-0}" != 0 ]; then
		sed 's/^/    | /' "$file" | grep -v '^    | ok ' | tail -n 40
	fi
}

# KTAP from KUnit: each suite is a top-level line whose cases are indented
# one level; count the cases, and a suite that failed without a failed case
# (it crashed, or its init failed) once more.
ktap() { # FILE
	local file=$1 plan=0 seen=0 line name suite_failed=0 case_failed=0
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		"    1.."*) plan=$((plan + ${line#    1..})) ;;
		"    ok "*"# SKIP"*)
			seen=$((seen + 1)); name=${line#    ok * }
			result skip "kunit: ${name%% # SKIP*}" "${name#* # SKIP }" ;;
		"    ok "*)
			seen=$((seen + 1)); result ok "kunit: ${line#    ok * }" ;;
		"    not ok "*)
			seen=$((seen + 1)); case_failed=1
			result fail "kunit: ${line#    not ok * }" ;;
		"not ok "*) suite_failed=1; name=${line#not ok * } ;;
		esac
	done < "$file"
	[ "$seen" -ge "$plan" ] || result fail kunit "reported $seen of $plan planned cases"
	[ $suite_failed -eq 0 ] || [ $case_failed -eq 1 ] ||
		result fail "kunit: $name" "suite failed"
	if [ $suite_failed -ne 0 ] || [ $case_failed -ne 0 ] || [ "$seen" -lt "$plan" ]; then
		grep -v '^ *ok ' "$file" | tail -n 40 | sed 's/^/    | /'
	fi
}

