# Each layer is a static library. ARCHITECTURE.md fixes which layer may use
# which; ds_layer() records the allowed dependencies and builds a link check:
# a tiny program that links the *whole* archive with only those dependencies,
# so a call into a layer it may not use fails the build with an undefined
# reference instead of slipping through a lazily-linked static archive.
function(ds_layer name)
  cmake_parse_arguments(L "" "" "SOURCES;DEPS;INCLUDE" ${ARGN})
  add_library(${name} STATIC ${L_SOURCES})
  target_include_directories(${name} PUBLIC ${L_INCLUDE})
  target_link_libraries(${name} PUBLIC ${L_DEPS})
  set(check_src ${CMAKE_BINARY_DIR}/layercheck/${name}.c)
  if(NOT EXISTS ${check_src})
    file(WRITE ${check_src} "int main(void) { return 0; }\n")
  endif()
  add_executable(layercheck_${name} ${check_src})
  target_link_libraries(layercheck_${name} PRIVATE
    "$<LINK_LIBRARY:WHOLE_ARCHIVE,${name}>" ${L_DEPS})
endfunction()

# Turns a file into a C array `const unsigned char <symbol>[]` plus
# `const size_t <symbol>_size` (the size excludes the NUL terminator added
# so text can be used as a string).
function(ds_embed_file input output symbol)
  add_custom_command(OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
    COMMENT "Embedding ${input}")
endfunction()
