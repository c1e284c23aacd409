#include "app/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/log.hpp"

namespace heron::app {
namespace {

namespace stdfs = std::filesystem;

Error errno_error(const std::string& what) {
  return make_error(what + ": " + std::strerror(errno));
}

Result<void> change_owner(const stdfs::path& path, uid_t uid, gid_t gid) {
  if (::lchown(path.c_str(), uid, gid) != 0) return errno_error("chown " + path.string());
  return {};
}

// Gives `dir`, and everything in it not already theirs, to the identity's user and group, so
// that what the store and the queue created while we were root stays writable after the drop.
Result<void> own_tree(const stdfs::path& dir, const Identity& id) {
  std::error_code ec;
  int64_t changed = 0;
  auto claim = [&](const stdfs::path& path) -> Result<void> {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return errno_error("stat " + path.string());
    if (st.st_uid == id.uid && st.st_gid == id.gid) return {};
    ++changed;
    return change_owner(path, id.uid, id.gid);
  };
  if (auto r = claim(dir); !r) return r;
  for (auto it = stdfs::recursive_directory_iterator(dir, ec);
       !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (auto r = claim(it->path()); !r) return r;
  }
  if (ec) return make_error("walking " + dir.string() + ": " + ec.message());
  if (changed > 0) {
    log::info("server.data_dir.owned",
              {{"user", id.user}, {"path", dir.string()}, {"changed", changed}});
  }
  return {};
}

}  // namespace

Result<Identity> lookup_identity(const std::string& user, const std::string& group) {
  std::vector<char> buffer(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (::getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 || !found) {
    return make_error("no such user: " + user);
  }
  Identity id{user, pw.pw_uid, pw.pw_gid};
  if (!group.empty()) {
    ::group gr{};
    ::group* g = nullptr;
    if (::getgrnam_r(group.c_str(), &gr, buffer.data(), buffer.size(), &g) != 0 || !g) {
      return make_error("no such group: " + group);
    }
    id.gid = gr.gr_gid;
  }
  return id;
}

Result<void> drop_privileges(const Identity& id) {
  // Order matters: groups and gid while still root, the uid last.
  const gid_t groups[] = {id.gid};
  if (::setgroups(1, groups) != 0) return errno_error("setgroups");
  if (::setresgid(id.gid, id.gid, id.gid) != 0) return errno_error("setgid");
  if (::setresuid(id.uid, id.uid, id.uid) != 0) return errno_error("setuid");
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (::getresuid(&ruid, &euid, &suid) != 0 || ::getresgid(&rgid, &egid, &sgid) != 0) {
    return errno_error("getresuid");
  }
  if (ruid != id.uid || euid != id.uid || suid != id.uid || rgid != id.gid || egid != id.gid ||
      sgid != id.gid) {
    return make_error("user and group ids did not change as asked");
  }
  if (id.uid != 0 && ::setuid(0) == 0) return make_error("root could be regained after setuid");
  return {};
}

Result<void> leave_root(const config::Config& config) {
  if (::geteuid() != 0) return {};
  if (config.server.user.empty()) {
    if (config.server.run_as_root) {
      log::warn("server.privileges.root", {{"reason", "[server] run_as_root = true"}});
      return {};
    }
    return make_error(
        "refusing to run as root: set [server] user (e.g. \"heron\"), or run_as_root = true");
  }
  auto id = lookup_identity(config.server.user, config.server.group);
  if (!id) return id.error();
  if (auto r = own_tree(config.data_dir, *id); !r) return r;
  if (auto r = drop_privileges(*id); !r) return r;
  log::info("server.privileges.dropped", {{"user", id->user},
                                          {"uid", static_cast<int64_t>(id->uid)},
                                          {"gid", static_cast<int64_t>(id->gid)}});
  return {};
}

Result<void> hand_over(const config::Config& config, const stdfs::path& config_file) {
  if (::geteuid() != 0 || config.server.user.empty()) return {};
  auto id = lookup_identity(config.server.user, config.server.group);
  if (!id) {
    log::warn("quickstart.user_missing", {{"user", config.server.user}});
    return {};  // the package creates the user; serve refuses to start until it exists
  }
  if (auto r = own_tree(config.data_dir, *id); !r) return r;
  // SIGHUP re-reads these after the drop: the certificate is public, the key and the config
  // (which may hold a relay password) are for root and the group only.
  if (!config.tls.cert_file.empty() && ::chmod(config.tls.cert_file.c_str(), 0644) != 0) {
    return errno_error("chmod " + config.tls.cert_file.string());
  }
  for (const auto& path : {config.tls.key_file, config_file}) {
    if (path.empty()) continue;
    if (auto r = change_owner(path, 0, id->gid); !r) return r;
    if (::chmod(path.c_str(), 0640) != 0) return errno_error("chmod " + path.string());
  }
  return {};
}

}  // namespace heron::app
