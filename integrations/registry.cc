#include "integrations/registry.h"

#include <algorithm>
#include <array>

#include "integrations/agent/agent.h"
#include "integrations/apache/apache.h"
#include "integrations/blackbox/blackbox.h"
#include "integrations/memcached/memcached.h"
#include "integrations/mysqld/mysqld.h"
#include "integrations/node/node.h"
#include "integrations/postgres/postgres.h"
#include "integrations/process/process.h"
#include "integrations/redis/redis.h"
#include "integrations/snmp/snmp.h"

namespace outpost::integrations {
namespace {

class BuiltinRegistry final : public config::IntegrationRegistry {
 public:
  const config::IntegrationSpec* Find(std::string_view name) const override {
    for (const config::IntegrationSpec* s : specs_) {
      if (s->name() == name) return s;
    }
    return nullptr;
  }
  std::vector<std::string_view> Names() const override {
    std::vector<std::string_view> out;
    for (const config::IntegrationSpec* s : specs_) out.push_back(s->name());
    return out;
  }

 private:
  // One row per integration; add new ones here.
  std::array<const config::IntegrationSpec*, 10> specs_ = {
      &agent::Spec(),
      &apache::Spec(),
      &blackbox::Spec(),
      &memcached::Spec(),
      &mysqld::Spec(),
      &node::Spec(),
      &postgres::Spec(),
      &process::Spec(),
      &redis::Spec(),
      &snmp::Spec(),
  };
};

}  // namespace

const config::IntegrationRegistry& Builtin() {
  static const BuiltinRegistry registry;
  return registry;
}

}  // namespace outpost::integrations
