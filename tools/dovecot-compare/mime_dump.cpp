// Prints Heron's FETCH answer for one message file in the shape Dovecot prints it:
//   * 1 FETCH (BODYSTRUCTURE ... BODY ... ENVELOPE ...)
// Used by compare.sh; built against build/debug's heron_core. Not part of the product.
#include <fstream>
#include <iostream>
#include <sstream>

#include "mime/structure.hpp"
#include "proto/imap/message_render.hpp"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::ifstream f(argv[1], std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string m = ss.str();
  const heron::mime::Structure s = heron::mime::parse_structure(m);
  namespace imap = heron::proto::imap;
  std::cout << "* 1 FETCH (BODYSTRUCTURE " << imap::body_structure(m, s, true) << " BODY "
            << imap::body_structure(m, s, false) << " ENVELOPE " << imap::envelope(m, s) << ")\r\n";
  return 0;
}
