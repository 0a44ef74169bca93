# Every external dependency of the project, found once, as imported targets.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED COMPONENTS json CONFIG)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(tl-expected REQUIRED)
find_package(CLI11 REQUIRED)
find_package(date REQUIRED)  # Howard Hinnant's date/tz (libhowardhinnant-date-dev): IANA zones
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3>=3.40)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq>=15)  # libpq-dev: the PostgreSQL backend
find_package(tomlplusplus REQUIRED)
pkg_check_modules(OPUSFILE REQUIRED IMPORTED_TARGET opusfile>=0.12)  # libopusfile-dev
pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET opus>=1.3)  # libopus-dev: live RTP decoding
# pocketsphinx 0.8+5prealpha (libpocketsphinx-dev, libsphinxbase-dev). Debian's pocketsphinx.pc
# lists /usr/include/sphinxbase, which does not exist (the headers are under the multiarch
# include dir), and CMake rejects an imported target with a missing include dir; so the
# target is made from the dirs that exist, linking only the two libraries we use (not
# sphinxad, the audio-device library).
pkg_check_modules(POCKETSPHINX REQUIRED pocketsphinx sphinxbase)
set(_vitrina_ps_includes "")
foreach(dir IN LISTS POCKETSPHINX_INCLUDE_DIRS)
  if(IS_DIRECTORY "${dir}")
    list(APPEND _vitrina_ps_includes "${dir}")
  endif()
endforeach()
find_library(POCKETSPHINX_LIBRARY pocketsphinx REQUIRED HINTS ${POCKETSPHINX_LIBRARY_DIRS})
find_library(SPHINXBASE_LIBRARY sphinxbase REQUIRED HINTS ${POCKETSPHINX_LIBRARY_DIRS})
add_library(PocketSphinx::pocketsphinx INTERFACE IMPORTED)
set_target_properties(PocketSphinx::pocketsphinx PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_vitrina_ps_includes}"
  INTERFACE_LINK_LIBRARIES "${POCKETSPHINX_LIBRARY};${SPHINXBASE_LIBRARY}")
# Snowball stemmers (libstemmer-dev): no pkg-config file, so an imported target by hand.
find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIBRARY stemmer REQUIRED)
add_library(Stemmer::stemmer INTERFACE IMPORTED)
set_target_properties(Stemmer::stemmer PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${STEMMER_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${STEMMER_LIBRARY}")
if(VITRINA_TESTS)
  find_package(GTest REQUIRED)
endif()
if(VITRINA_BENCH)
  find_package(benchmark REQUIRED)
endif()
