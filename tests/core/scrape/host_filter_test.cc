#include "core/scrape/host_filter.h"

#include <gtest/gtest.h>

namespace outpost::scrape {
namespace {

Labels Target(std::string address, std::initializer_list<Label> more = {}) {
  Labels l(more);
  l.Set("__address__", address);
  return l;
}

TEST(HostFilterTest, KeepsTargetsOnThisHost) {
  HostFilter f{true, "node-a", {}};
  EXPECT_TRUE(f.Keep(Target("node-a:9100")));
  EXPECT_TRUE(f.Keep(Target("node-a")));
  EXPECT_TRUE(f.Keep(Target("localhost:9100")));
  EXPECT_TRUE(f.Keep(Target("127.0.0.1:9100")));
  EXPECT_FALSE(f.Keep(Target("node-b:9100")));
  EXPECT_FALSE(f.Keep(Target("10.0.0.7:9100")));
  // Service discovery's host labels count too.
  EXPECT_TRUE(f.Keep(Target("10.0.0.7:9100", {{"__meta_kubernetes_pod_node_name", "node-a"}})));
  EXPECT_TRUE(f.Keep(Target("10.0.0.7:9100", {{"__meta_consul_node", "node-a"}})));
  EXPECT_FALSE(f.Keep(Target("10.0.0.7:9100", {{"__meta_consul_node", "node-b"}})));
  EXPECT_TRUE(f.Keep(Target("10.0.0.7:9100", {{"__host__", "node-a:1"}})));
  // No address: passed on (the scrape manager reports it), as upstream.
  EXPECT_TRUE(f.Keep(Labels{}));
  // Disabled: everything.
  EXPECT_TRUE((HostFilter{false, "node-a", {}}).Keep(Target("node-b:9100")));
}

TEST(HostFilterTest, RelabelRulesComputeTheHost) {
  relabel::Config r;
  r.source_labels = {"__meta_hostname"};
  r.target_label = "__host__";
  ASSERT_TRUE(relabel::Compile(r).ok());
  HostFilter f{true, "node-a", {r}};
  EXPECT_TRUE(f.Keep(Target("10.0.0.7:9100", {{"__meta_hostname", "node-a"}})));
  EXPECT_FALSE(f.Keep(Target("10.0.0.7:9100", {{"__meta_hostname", "node-b"}})));
}

}  // namespace
}  // namespace outpost::scrape
