# Sanitizer runtime options for glyphstream's suites (sourced by scripts/ci-sanitizers.sh and
# scripts/ci-fuzz.sh; source it yourself to run a sanitizer build's tests by hand).
# Suppressions cover third-party libraries only; see docs/RELIABILITY.md.
gs_sanitizers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# intercept_tls_get_addr=0: the sanitizer runtime of GCC 12 (GCC up to 13, LLVM up to 16) takes
# a dynamic TLS block 16 bytes past a 4 KiB boundary for a pre-2.25 glibc block with a header,
# reads a garbage range from it, and LeakSanitizer's tracer then dies at exit ("Tracer caught
# signal 11", "DTLS 12 at 0x1053-0x1800002155"): it depends on where malloc happens to put Mesa's
# TLS blocks, so unrelated changes turned it on and off (google/sanitizers#1322). Without the
# interceptor LeakSanitizer does not scan the dynamic TLS of dlopen()ed libraries (Mesa);
# glyphstream is linked into every test, so its thread_local state is static TLS, still scanned.
# Keep in step with the asan test preset in CMakePresets.json, which sets its own options.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:intercept_tls_get_addr=0:${GS_EXTRA_ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=${gs_sanitizers_dir}/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=${gs_sanitizers_dir}/ubsan.supp"
export TSAN_OPTIONS="halt_on_error=0:detect_deadlocks=0:suppressions=${gs_sanitizers_dir}/tsan.supp:print_suppressions=0"
unset gs_sanitizers_dir
