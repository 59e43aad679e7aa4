# src/bounce/: offline render and the WAV/BWF writers. ARCHITECTURE.md lets
# bounce use engine and qc; the writers need only dsp (dither), base and
# libsndfile. Include from src/CMakeLists.txt, after ds_interchange:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/bounce/CMakeLists.fragment.cmake)
# and add ds_bounce to ds_cli's DEPS (the tests link ds_cli).
file(GLOB BOUNCE_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.c)
ds_layer(ds_bounce SOURCES ${BOUNCE_SOURCES}
  DEPS ds_dsp ds_base PkgConfig::SNDFILE)
