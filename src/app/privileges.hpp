#pragma once
// Running as an unprivileged user (docs/admin.md, "Privileges"). Started as root, `heron
// serve` binds its ports, opens its store and reads its certificates, then gives up root for
// good: supplementary groups set to the one group, then setgid, then setuid, and each checked
// (afterwards setuid(0) must fail). A root process with no [server] user refuses to serve
// unless [server] run_as_root = true says it may.
// `heron quickstart` run as root hands the data directory to that user (hand_over()) and makes
// the private keys readable only by root and the user's group.
// Thread: the main thread, before any other thread starts. Failure: Result errors; serve exits.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "config/config.hpp"

namespace heron::app {

struct Identity {
  std::string user;
  uid_t uid = 0;
  gid_t gid = 0;
};

// The uid of `user` and the gid of `group` (the user's primary group when group is empty).
Result<Identity> lookup_identity(const std::string& user, const std::string& group);

// setgroups({gid}), setgid, setuid, then checks that all real, effective and saved ids are the
// new ones and that root cannot be regained.
Result<void> drop_privileges(const Identity& identity);

// Called by serve once everything privileged is done. Not root: nothing to do. Root with a
// [server] user: give it data_dir and what is in it (files made while root), then drop to it. Root
// without: an error unless run_as_root.
Result<void> leave_root(const config::Config& config);

// As root with a [server] user that exists: data_dir (recursively) becomes the user's; the
// TLS key and the config file become root:group, mode 0640. Otherwise nothing.
Result<void> hand_over(const config::Config& config, const std::filesystem::path& config_file);

}  // namespace heron::app
