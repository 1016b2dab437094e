# Packaging: the AppStream metadata and CPack's Debian package.
# Included at the end of the top-level CMakeLists.txt. The binaries, the
# .desktop entry and the SVG icon are installed by app/ and ui/.
#   cd build && cpack -G DEB     ->  whittle_<version>_<arch>.deb
include(GNUInstallDirs)

if(WHITTLE_BUILD_GUI)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/io.github.whittle.Whittle.metainfo.xml
    DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
endif()

# appstreamcli (package appstream) checks the metadata when it is installed.
find_program(WHITTLE_APPSTREAMCLI appstreamcli)
if(WHITTLE_BUILD_TESTS AND WHITTLE_APPSTREAMCLI)
  add_test(NAME packaging_metainfo_valid
    COMMAND ${WHITTLE_APPSTREAMCLI} validate --no-net
            ${CMAKE_CURRENT_LIST_DIR}/io.github.whittle.Whittle.metainfo.xml)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME whittle)
set(CPACK_PACKAGE_VENDOR "The Whittle developers")
set(CPACK_PACKAGE_CONTACT "The Whittle developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "prune and quantize object detectors")
set(CPACK_PACKAGE_DESCRIPTION
  "Whittle makes object detectors smaller and faster with structured filter pruning, \
fine-tuning and 8-bit quantization, and shows side by side what was gained and lost \
(mAP, file size, MACs, time and energy per image). It is a Qt 6 workbench (whittle) \
and a command-line tool (whittle-cli) over one LibTorch core.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # whittle_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# Debian 12 runtime packages of what whittle and whittle-cli link (readelf -d
# NEEDED, dpkg -S), plus what they load at run time: Qt's platform plugins and
# an optimized BLAS for LibTorch.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libtorch1.13, libopencv-core406, libopencv-imgproc406, libopencv-imgcodecs406, \
libopencv-dnn406, libonnx1, libprotobuf32, libpugixml1v5, \
libopenblas0-pthread | libopenblas0")
if(WHITTLE_BUILD_GUI)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS
    ", libqt6core6, libqt6gui6, libqt6widgets6, libqt6printsupport6, libqt6svg6, \
qt6-qpa-plugins, libqcustomplot2.1-qt6")
endif()
# Where dpkg-shlibdeps (dpkg-dev) is installed it adds the linked libraries
# with their minimum versions as well.
find_program(WHITTLE_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(WHITTLE_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()

include(CPack)
