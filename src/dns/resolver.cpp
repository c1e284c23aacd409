// Status names for logs, metrics and `heron dns lookup`.

#include "dns/resolver.hpp"

namespace heron::dns {

std::string_view status_name(Status status) {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::nxdomain:
      return "nxdomain";
    case Status::nodata:
      return "nodata";
    case Status::temp_fail:
      return "temp_fail";
    case Status::perm_fail:
      return "perm_fail";
  }
  return "unknown";
}

}  // namespace heron::dns
