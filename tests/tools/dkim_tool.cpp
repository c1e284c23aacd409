// heron_dkim_tool: a test-only driver of the DKIM library, so that independent DKIM
// implementations (dkimpy, OpenDKIM) can check Heron's signatures and Heron theirs
// (tests/integration/test_dkim_interop.py). Not installed; not a product interface.
//
//   heron_dkim_tool sign KEYFILE DOMAIN SELECTOR rsa-sha256|ed25519-sha256 < msg
//       prints the DKIM-Signature field then the message (CRLF line ends)
//   heron_dkim_tool verify DNSFILE < msg
//       one line per signature: the Authentication-Results resinfo ("dkim=pass header.d=...")
//       DNSFILE: "name TXT-value" lines; any other name is NXDOMAIN
//   heron_dkim_tool keygen rsa|ed25519 PEMFILE
//       writes the private key to PEMFILE and prints the TXT record value
// Exit status: 0 on success (whatever the verification results), 2 on usage or input errors.

#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

#include "mailauth/dkim/canon.hpp"
#include "mailauth/dkim/keys.hpp"
#include "mailauth/dkim/sign.hpp"
#include "mailauth/dkim/verify.hpp"

namespace dkim = heron::mailauth::dkim;

namespace {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

std::string read_stdin() {
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

int usage() {
  std::cerr << "usage: heron_dkim_tool sign KEYFILE DOMAIN SELECTOR ALGO < msg\n"
               "       heron_dkim_tool verify DNSFILE < msg\n"
               "       heron_dkim_tool keygen rsa|ed25519 PEMFILE\n";
  return 2;
}

int sign(int argc, char** argv) {
  if (argc != 6) return usage();
  dkim::SigningKey key;
  if (!read_file(argv[2], key.private_key)) {
    std::cerr << "cannot read " << argv[2] << "\n";
    return 2;
  }
  key.domain = argv[3];
  key.selector = argv[4];
  const auto algorithm = dkim::parse_algorithm(argv[5]);
  if (!algorithm) return usage();
  key.algorithm = *algorithm;
  const std::string message = dkim::to_crlf(read_stdin());
  auto fields = dkim::sign(message, {key}, static_cast<int64_t>(std::time(nullptr)));
  if (!fields) {
    std::cerr << "sign: " << fields.error().message << "\n";
    return 2;
  }
  for (const std::string& field : *fields) std::cout << field;
  std::cout << message;
  return 0;
}

int verify(int argc, char** argv) {
  if (argc != 3) return usage();
  std::string text;
  if (!read_file(argv[2], text)) {
    std::cerr << "cannot read " << argv[2] << "\n";
    return 2;
  }
  std::map<std::string, std::string> zone;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t space = line.find(' ');
    if (space != std::string::npos) zone.emplace(line.substr(0, space), line.substr(space + 1));
  }
  auto lookup = [&zone](const std::string& name) {
    heron::dns::Answer<std::string> answer;
    const auto it = zone.find(name);
    answer.status = it == zone.end() ? heron::dns::Status::nxdomain : heron::dns::Status::ok;
    if (it != zone.end()) answer.records.push_back(it->second);
    return answer;
  };
  const std::string message = dkim::to_crlf(read_stdin());
  for (const auto& result :
       dkim::verify_with(message, lookup, static_cast<int64_t>(std::time(nullptr)))) {
    std::cout << result.auth_results() << "\n";
  }
  return 0;
}

int keygen(int argc, char** argv) {
  if (argc != 4) return usage();
  const std::string type = argv[2];
  if (type != "rsa" && type != "ed25519") return usage();
  auto key = dkim::generate_key(type == "rsa" ? dkim::KeyType::rsa : dkim::KeyType::ed25519);
  if (!key) {
    std::cerr << "keygen: " << key.error().message << "\n";
    return 2;
  }
  std::ofstream out(argv[3], std::ios::binary);
  out << key->private_pem;
  if (!out) return 2;
  std::cout << key->txt_record << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string command = argv[1];
  if (command == "sign") return sign(argc, argv);
  if (command == "verify") return verify(argc, argv);
  if (command == "keygen") return keygen(argc, argv);
  return usage();
}
