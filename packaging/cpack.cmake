# The Debian package (`make package`, or `cpack -G DEB` in a configured build directory):
# heron_<version>_<arch>.deb with the binary, /etc/heron/heron.toml as a conffile, the systemd
# unit and the docs; the maintainer scripts in packaging/debian/ create the heron user, the
# data directory and a placeholder certificate, and enable the service (docs/admin.md,
# "Install").

# cpack (and `cmake --install`) install what is built, without building every target first:
# `make package` builds the release tree before, and the package test runs after ctest built
# it. Otherwise cpack in a tree where only `heron` was built would compile the tests too.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "heron")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "Heron")
set(CPACK_PACKAGE_CONTACT "Heron maintainers <heron@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "all-in-one mail server: SMTP, submission, IMAP, POP3")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "mail")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the extended part.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "Heron is one program for every server role of Internet mail: SMTP for\n\
incoming mail (MX), submission with AUTH (587, 465), an outbound queue with\n\
retries and bounces, SPF, DKIM and DMARC, and IMAP4rev2 and POP3 access to\n\
the mailboxes. One TOML configuration (/etc/heron/heron.toml), one data\n\
directory (/var/lib/heron), one command line.")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/heron")
# Library dependencies come from dpkg-shlibdeps (dpkg-dev). The rest is what the maintainer
# scripts call (adduser, openssl) and the data files the default configuration reads: the
# DNSSEC root key (dns-root-data) and the Public Suffix List for DMARC (publicsuffix).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, openssl, dns-root-data, publicsuffix")
# No Provides/Conflicts: mail-transport-agent: Debian's MTAs conflict with that virtual
# package, so it would make Heron uninstallable next to Postfix (which the tests run). Two
# servers on port 25 is the admin's to sort out; docs/admin.md says so.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/conffiles"
  "${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/postinst"
  "${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/prerm"
  "${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/postrm")
# Maintainer scripts 0755, conffiles 0644, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
