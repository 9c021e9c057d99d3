// `integrations.<name>` as a list of blocks (IntegrationSpec::allows_list),
// with a registry of two specs: one that allows lists and node_exporter,
// which does not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/dump.h"
#include "core/config/loader.h"
#include "integrations/node/node.h"

namespace outpost::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct ServerOptions : IntegrationOptions {
  std::string address;
};

// A server integration shaped like mysqld_exporter or redis_exporter: one
// key, the address, which is also its instance label.
class ServerSpec final : public IntegrationSpec {
 public:
  std::string_view name() const override { return "server_exporter"; }
  bool allows_list() const override { return true; }
  std::shared_ptr<const IntegrationOptions> Parse(MapReader& m) const override {
    auto o = std::make_shared<ServerOptions>();
    m.String("address", &o->address);
    if (o->address.empty()) m.Error("address", "required");
    return o;
  }
  void Dump(const IntegrationOptions& opts, YAML::Emitter& out) const override {
    out << YAML::Key << "address" << YAML::Value
        << static_cast<const ServerOptions&>(opts).address;
  }
  std::string InstanceKey(const IntegrationOptions& opts, const HostInfo&) const override {
    return static_cast<const ServerOptions&>(opts).address;
  }
  absl::StatusOr<std::unique_ptr<Integration>> Create(const IntegrationConfig&,
                                                      const HostInfo&) const override {
    return absl::UnimplementedError("not used by the loader");
  }
};

class TwoSpecs final : public IntegrationRegistry {
 public:
  const IntegrationSpec* Find(std::string_view name) const override {
    if (name == server_.name()) return &server_;
    if (name == integrations::node::Spec().name()) return &integrations::node::Spec();
    return nullptr;
  }
  std::vector<std::string_view> Names() const override {
    return {server_.name(), integrations::node::Spec().name()};
  }

 private:
  ServerSpec server_;
};

LoadResult LoadText(const std::string& text) {
  static const TwoSpecs registry;
  LoadOptions o;
  o.path = "agent.yaml";
  o.text = text;
  o.registry = &registry;
  return LoadFull(o);
}

std::string Addresses(const Config& c) {
  std::string s;
  for (const IntegrationConfig& ic : c.integrations.integrations) {
    s += ic.name + (ic.in_list ? "[]" : "") + "=" +
         (ic.name == "server_exporter" ? static_cast<const ServerOptions&>(*ic.options).address
                                       : "-") +
         ";";
  }
  return s;
}

TEST(ListBlocksTest, EachBlockIsAnIntegration) {
  LoadResult r = LoadText(
      "integrations:\n"
      "  node_exporter:\n    enabled: true\n"
      "  server_exporter:\n"
      "    - address: a:1\n      scrape_interval: 30s\n"
      "    - address: b:2\n      enabled: true\n");
  ASSERT_THAT(r.errors.errors, IsEmpty());
  EXPECT_EQ(Addresses(*r.config), "node_exporter=-;server_exporter[]=a:1;server_exporter[]=b:2;");
  EXPECT_EQ(r.config->integrations.integrations[1].common.scrape_interval, absl::Seconds(30));
  EXPECT_EQ(r.config->integrations.integrations[2].common.scrape_interval, absl::Minutes(1));
}

TEST(ListBlocksTest, DumpWritesAListAndRoundTrips) {
  LoadResult r = LoadText(
      "integrations:\n"
      "  server_exporter:\n    - address: a:1\n    - address: b:2\n"
      "  node_exporter:\n    enabled: true\n");
  ASSERT_THAT(r.errors.errors, IsEmpty());
  const std::string dump = Dump(*r.config, TwoSpecs());
  EXPECT_THAT(dump, HasSubstr("  server_exporter:\n    - enabled: false\n"));
  EXPECT_THAT(dump, HasSubstr("      address: b:2\n  node_exporter:\n    enabled: true\n"));
  LoadResult again = LoadText(dump);
  ASSERT_THAT(again.errors.errors, IsEmpty()) << dump;
  EXPECT_EQ(Addresses(*again.config), Addresses(*r.config));
  EXPECT_EQ(Dump(*again.config, TwoSpecs()), dump);
}

TEST(ListBlocksTest, ErrorsNameTheBlock) {
  LoadResult r = LoadText(
      "integrations:\n"
      "  server_exporter:\n"
      "    - address: a:1\n"
      "    - bogus: 1\n");
  EXPECT_THAT(r.errors.errors,
              ElementsAre("agent.yaml:4:7: integrations.server_exporter[1].address: required",
                          "agent.yaml:4:7: integrations.server_exporter[1].bogus: unknown key"));
}

TEST(ListBlocksTest, InstancesMustDiffer) {
  LoadResult r = LoadText(
      "integrations:\n"
      "  server_exporter:\n"
      "    - address: a:1\n      enabled: true\n"
      "    - address: b:2\n      enabled: true\n"
      "    - address: a:1\n      enabled: true\n"
      "    - address: a:1\n      enabled: true\n      instance: other\n"
      "    - address: a:1\n");
  EXPECT_THAT(r.errors.errors,
              ElementsAre("agent.yaml:7:7: integrations.server_exporter[2]: instance \"a:1\" is "
                          "also the instance of server_exporter[0]; set a distinct `instance` in "
                          "one of them"));
}

TEST(ListBlocksTest, OnlyListCapableIntegrations) {
  LoadResult r = LoadText("integrations:\n  node_exporter:\n    - enabled: true\n");
  EXPECT_THAT(r.errors.errors,
              ElementsAre("agent.yaml:2:3: integrations.node_exporter: must be a mapping: only "
                          "one block of this integration is allowed"));
}

}  // namespace
}  // namespace outpost::config
