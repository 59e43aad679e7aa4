# -DDUBSTAGE_RTSAN=ON: clang's RealtimeSanitizer (-fsanitize=realtime).
# Everything is compiled and linked with it, and DUBSTAGE_RTSAN=1 makes
# rt_scope_enter()/rt_scope_exit() (src/base/rt_scope.h) mark the JACK
# process callback as a real-time context, so any blocking call made inside
# it (malloc, locks, I/O, sleep) is reported. Only the `rtsan` CTest label
# is meant to run in such a build:
#   CC=clang-22 cmake -S . -B build-rtsan -DDUBSTAGE_RTSAN=ON
#   cmake --build build-rtsan --target dubstage
#   ctest --test-dir build-rtsan -L rtsan
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "DUBSTAGE_RTSAN=ON needs clang (RealtimeSanitizer is a clang "
    "feature), but the C compiler is ${CMAKE_C_COMPILER_ID} (${CMAKE_C_COMPILER}). "
    "Configure a fresh build directory with CC=clang-22 (Debian 12: apt-get install "
    "clang-22 libclang-rt-22-dev, from bookworm-security).")
endif()
if(DUBSTAGE_SANITIZE)
  message(FATAL_ERROR "DUBSTAGE_RTSAN and DUBSTAGE_SANITIZE cannot be combined: "
    "RealtimeSanitizer does not run alongside AddressSanitizer. Use two build directories.")
endif()

include(CheckCSourceCompiles)
set(CMAKE_REQUIRED_FLAGS -fsanitize=realtime)
set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=realtime)
check_c_source_compiles([[
void __rtsan_realtime_enter(void);
void __rtsan_realtime_exit(void);
int main(void) { __rtsan_realtime_enter(); __rtsan_realtime_exit(); return 0; }
]] DUBSTAGE_HAVE_RTSAN)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(NOT DUBSTAGE_HAVE_RTSAN)
  message(FATAL_ERROR "${CMAKE_C_COMPILER} (clang ${CMAKE_C_COMPILER_VERSION}) cannot "
    "build and link with -fsanitize=realtime: it needs clang >= 20 and its runtime "
    "(Debian 12: apt-get install clang-22 libclang-rt-22-dev, from bookworm-security). "
    "See CMakeFiles/CMakeConfigureLog.yaml for the compiler's message.")
endif()

add_compile_options(-fsanitize=realtime -fno-omit-frame-pointer)
add_link_options(-fsanitize=realtime)
add_compile_definitions(DUBSTAGE_RTSAN=1)
