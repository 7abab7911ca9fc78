# Installation and packaging: the programs, their manuals and shell completions (component
# runtime), and the folio_common library with its headers, CMake package (find_package(Folio)
# -> Folio::common) and pkg-config file (component development). CPack makes a .deb of each.
include(CMakePackageConfigHelpers)

set(FOLIO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Folio)

# The library, its headers and the targets it links (the readers' small libraries).
set_target_properties(folio_common PROPERTIES EXPORT_NAME common)
install(TARGETS folio_common folio_dep_gumbo folio_dep_xxhash folio_dep_yaml folio_dep_lz4
  EXPORT FolioTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY common/include/folio DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT development FILES_MATCHING PATTERN "*.hpp")
install(EXPORT FolioTargets NAMESPACE Folio:: DESTINATION ${FOLIO_CMAKE_DIR}
  COMPONENT development)

# What FolioConfig.cmake must find again: the shared libraries the build used in place of
# static archives (FOLIO_STATIC_DEPS off, or no .a installed).
set(FOLIO_CONFIG_DEPENDENCIES "")
foreach(dep gumbo xxhash yaml lz4)
  get_target_property(_links folio_dep_${dep} INTERFACE_LINK_LIBRARIES)
  if(_links STREQUAL "PkgConfig::GUMBO")
    string(APPEND FOLIO_CONFIG_DEPENDENCIES "pkg_check_modules(GUMBO REQUIRED IMPORTED_TARGET gumbo)\n")
  elseif(_links STREQUAL "PkgConfig::XXHASH")
    string(APPEND FOLIO_CONFIG_DEPENDENCIES "pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)\n")
  elseif(_links STREQUAL "PkgConfig::LZ4")
    string(APPEND FOLIO_CONFIG_DEPENDENCIES "pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)\n")
  elseif(_links STREQUAL "yaml-cpp")
    string(APPEND FOLIO_CONFIG_DEPENDENCIES "find_dependency(yaml-cpp)\n")
  endif()
endforeach()
get_filename_component(FOLIO_STEMMER_NAMES "${STEMMER_LIBRARY}" NAME)
string(APPEND FOLIO_STEMMER_NAMES " stemmer")
configure_package_config_file(cmake/FolioConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/FolioConfig.cmake INSTALL_DESTINATION ${FOLIO_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/FolioConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/FolioConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/FolioConfigVersion.cmake
  DESTINATION ${FOLIO_CMAKE_DIR} COMPONENT development)

# pkg-config: the prefix is found relative to the .pc file, so `cmake --install --prefix`
# anywhere gives a working file.
file(RELATIVE_PATH FOLIO_PC_RELATIVE_PREFIX
  "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(cmake/folio.pc.in ${CMAKE_CURRENT_BINARY_DIR}/folio.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/folio.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT development)

# Manuals, compressed as Debian wants them.
find_program(GZIP gzip REQUIRED)
set(_man_pages "")
foreach(page indexer.1 searcher.1)
  add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/man/${page}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
    COMMAND ${GZIP} -9nc ${CMAKE_CURRENT_SOURCE_DIR}/man/${page} > ${CMAKE_CURRENT_BINARY_DIR}/man/${page}.gz
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/man/${page}
    COMMENT "Compressing man/${page}")
  list(APPEND _man_pages ${CMAKE_CURRENT_BINARY_DIR}/man/${page}.gz)
endforeach()
add_custom_target(folio_man ALL DEPENDS ${_man_pages})
install(FILES ${_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)

# Shell completions, where each shell looks for a package's own.
install(FILES completions/indexer.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME indexer COMPONENT runtime)
install(FILES completions/searcher.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME searcher COMPONENT runtime)
install(FILES completions/_indexer completions/_searcher
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT runtime)
install(FILES completions/indexer.fish completions/searcher.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT runtime)

# Debian packages: folio (the programs) and folio-dev (the library).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME folio)
set(CPACK_PACKAGE_VENDOR Folio)
set(CPACK_PACKAGE_CONTACT "Folio <dev@folio.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")  # both packages' summary line
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime development)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME folio)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "The programs: indexer reads article files (plain text, Markdown, HTML, JSON Lines) into a Xapian
database; searcher finds them with phrases, boolean operators, fields and date ranges,
ranked with BM25, as text with highlighted passages or as JSON.")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME folio-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
  "libxapian-dev (>= 1.4), libstemmer-dev, libgumbo-dev, libyaml-cpp-dev, libxxhash-dev, liblz4-dev, pkg-config")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION "The C++ library: the static library folio_common on which Folio's indexer and searcher are built, with its
headers, a CMake package (find_package(Folio), target Folio::common) and a pkg-config file.")
# python3-folio: the Python module (python/), where it is built.
if(TARGET folio_python)
  list(APPEND CPACK_COMPONENTS_ALL python)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-folio)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "${FOLIO_PYTHON_DEPENDS}")
  set(CPACK_DEBIAN_PYTHON_DESCRIPTION "The Python module folio: Folio's indexing and search (query language, ranking, passages with
highlights, facets, incremental indexing) from Python, through the same C++ library as the
programs, without a process per query.")
endif()
include(CPack)
