// uname: node_uname_info from uname(2) (node_exporter
// collector/uname_linux.go). Like upstream it describes the running kernel,
// whatever procfs_path says.
#include <sys/utsname.h>

#include <cerrno>
#include <cstring>

#include "integrations/node/collectors.h"

namespace outpost::integrations::node {
namespace {

class UnameCollector final : public Collector {
 public:
  UnameCollector() {
    info_ = {"node_uname_info", MetricType::kGauge,
             "Labeled system information as provided by the uname system call.", ""};
  }

 protected:
  absl::Status Update() override {
    struct utsname u;
    if (::uname(&u) != 0) return absl::UnavailableError(Cat("uname: ", std::strerror(errno)));
    series_.Add(info_,
                {{"domainname", u.domainname},
                 {"machine", u.machine},
                 {"nodename", u.nodename},
                 {"release", u.release},
                 {"sysname", u.sysname},
                 {"version", u.version}},
                1);
    return absl::OkStatus();
  }

 private:
  MetricFamily info_;
};

}  // namespace

CollectorOr NewUnameCollector(const Options&, const Paths&) {
  return std::make_unique<UnameCollector>();
}

}  // namespace outpost::integrations::node
