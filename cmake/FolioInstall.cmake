# SPDX-License-Identifier: GPL-2.0-or-later
# Installation and packaging: the programs, their manuals and shell completions (component
# runtime), and the folio_common library with its headers, CMake package (find_package(Folio)
# -> Folio::folio) and pkg-config file (component development). CPack makes a .deb of each.
include(CMakePackageConfigHelpers)

set(FOLIO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Folio)

# The library, exported as Folio::folio, and its headers (folio/version.hpp generated).
set_target_properties(folio_common PROPERTIES EXPORT_NAME folio)
install(TARGETS folio_common
  EXPORT FolioTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY common/include/folio DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT development FILES_MATCHING PATTERN "*.hpp")
install(FILES ${FOLIO_GENERATED_INCLUDE_DIR}/folio/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/folio COMPONENT development)
install(EXPORT FolioTargets NAMESPACE Folio:: DESTINATION ${FOLIO_CMAKE_DIR}
  COMPONENT development)

# What FolioConfig.cmake must find again: the shared libraries the build used in place of
# static archives (FOLIO_STATIC_DEPS off, or no .a installed).
set(FOLIO_CONFIG_DEPENDENCIES "")
foreach(dep GUMBO XXHASH YAML LZ4)
  set(_links ${FOLIO_DEP_${dep}})
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
# The document formats' libraries are always shared.
string(APPEND FOLIO_CONFIG_DEPENDENCIES "pkg_check_modules(POPPLER_CPP REQUIRED IMPORTED_TARGET poppler-cpp)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)\n")
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
foreach(page folio-indexer.1 folio-searcher.1)
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
foreach(program folio-indexer folio-searcher)
  install(FILES completions/${program}.bash
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ${program}
    COMPONENT runtime)
endforeach()
# zsh: site-functions under the prefix, where zsh looks for the prefix's own functions
# (/usr/local/share/zsh/site-functions is in Debian's $fpath; under ~/.local add
# ~/.local/share/zsh/site-functions to $fpath); Debian's packages (prefix /usr on Debian, as the
# .deb) use vendor-completions instead. Chosen when installing, as the prefix is known then.
install(CODE "
  set(_zsh_dir share/zsh/site-functions)
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\" AND EXISTS /etc/debian_version)
    set(_zsh_dir share/zsh/vendor-completions)
  endif()
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/\${_zsh_dir}\" TYPE FILE FILES
    \"${CMAKE_CURRENT_SOURCE_DIR}/completions/_folio-indexer\"
    \"${CMAKE_CURRENT_SOURCE_DIR}/completions/_folio-searcher\")" COMPONENT runtime)
install(FILES completions/folio-indexer.fish completions/folio-searcher.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT runtime)

# The documents the manuals point to, and Debian's copyright and changelog files, in each
# package's documentation folder (share/doc/folio, share/doc/folio-dev, share/doc/python3-folio).
set(FOLIO_DOC_DIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/folio)
install(FILES README.md docs/QUERY-SYNTAX.md docs/folio-search.schema.json
  DESTINATION ${FOLIO_DOC_DIR} COMPONENT runtime)
# The changelog's newest entry must be this version: a release that forgets it fails here.
file(STRINGS packaging/changelog _changelog_top LIMIT_COUNT 1)
if(NOT _changelog_top MATCHES "^folio \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/changelog: the newest entry is not version ${PROJECT_VERSION}: "
    "${_changelog_top}")
endif()
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/packaging
  COMMAND ${GZIP} -9nc ${CMAKE_CURRENT_SOURCE_DIR}/packaging/changelog
    > ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/packaging/changelog
  COMMENT "Compressing packaging/changelog")
add_custom_target(folio_changelog ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz)
set(_components runtime development)
if(TARGET folio_python)
  list(APPEND _components python)
endif()
foreach(component ${_components})
  set(_doc ${FOLIO_DOC_DIR})
  if(component STREQUAL "development")
    set(_doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/folio-dev)
  elseif(component STREQUAL "python")
    set(_doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/python3-folio)
  endif()
  install(FILES packaging/copyright ${CMAKE_CURRENT_BINARY_DIR}/packaging/changelog.gz
    DESTINATION ${_doc} COMPONENT ${component})
endforeach()

# Debian packages: folio (the programs) and folio-dev (the library). Extended descriptions are
# lines of at most 80 characters.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME folio)
set(CPACK_PACKAGE_VENDOR Folio)
set(CPACK_PACKAGE_CONTACT "Folio <dev@folio.invalid>")
# Both packages' synopsis (the Description's first line), before their own lines.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime development)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME folio)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "The programs: folio-indexer reads article files (plain text, Markdown, HTML,
JSON Lines, PDF, EPUB, DOCX, ODT) into a Xapian database; folio-searcher
finds them with phrases, boolean operators, fields and date ranges, ranked
with BM25, as text with highlighted passages or as JSON.")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME folio-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
  "libxapian-dev (>= 1.4), libstemmer-dev, libgumbo-dev, libyaml-cpp-dev, libxxhash-dev, liblz4-dev, libpoppler-cpp-dev, libzip-dev, libxml2-dev, pkg-config")
set(CPACK_DEBIAN_DEVELOPMENT_DESCRIPTION "The C++ library: the static library folio_common on which folio-indexer and
folio-searcher are built, with its headers, a CMake package
(find_package(Folio), target Folio::folio) and a pkg-config file.")
# python3-folio: the Python module (python/), where it is built.
if(TARGET folio_python)
  list(APPEND CPACK_COMPONENTS_ALL python)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-folio)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "${FOLIO_PYTHON_DEPENDS}")
  set(CPACK_DEBIAN_PYTHON_DESCRIPTION "The Python module folio: Folio's indexing and search (query language,
ranking, passages with highlights, facets, incremental indexing) from Python,
through the same C++ library as the programs, without a process per query.")
endif()
include(CPack)
