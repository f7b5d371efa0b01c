# avala_ffi_host_env(TEST): the environment a test needs when a program that
# was not built by us (node, python3, a Go binary) loads this build's
# libavala through its FFI:
#  * AVALA_LIBRARY: the library to load (the bindings and examples honour it);
#  * in a sanitizer build (the asan preset), the ASan runtime must be the first
#    library loaded, so it is preloaded, with libstdc++ (ASan's __cxa_throw
#    interceptor needs it present at start-up, and CPython does not link it);
#    leak checking is off there because the host runtimes (V8, CPython, Go)
#    keep memory until exit by design. The C++ suites keep leak checking on.
# AVALA_TEST_PRELOAD carries the runtime for scripts that build first and must
# not preload it into their compilers (examples/go/run.sh).
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*address")
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libasan.so
                  OUTPUT_VARIABLE asan OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libstdc++.so.6
                  OUTPUT_VARIABLE stdcxx OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(AVALA_ASAN_RUNTIME "${asan}:${stdcxx}")
endif()

function(avala_ffi_host_env test)
  set(env "AVALA_LIBRARY=$<TARGET_FILE:avala>")
  if(AVALA_ASAN_RUNTIME)
    list(APPEND env "AVALA_TEST_PRELOAD=${AVALA_ASAN_RUNTIME}" "ASAN_OPTIONS=detect_leaks=0")
  endif()
  set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT ${env})
endfunction()
