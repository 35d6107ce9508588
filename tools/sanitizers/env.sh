# Sanitizer runtime options for glyphstream's suites (sourced by scripts/ci-sanitizers.sh and
# scripts/ci-fuzz.sh; source it yourself to run a sanitizer build's tests by hand).
# Suppressions cover third-party libraries only; see docs/RELIABILITY.md.
gs_sanitizers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:${GS_EXTRA_ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=${gs_sanitizers_dir}/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=${gs_sanitizers_dir}/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:suppressions=${gs_sanitizers_dir}/tsan.supp:print_suppressions=0"
unset gs_sanitizers_dir
