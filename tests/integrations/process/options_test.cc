#include "integrations/process/options.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integrations/process/test_util.h"

namespace outpost::integrations::process::testing {
namespace {

using ::testing::HasSubstr;

TEST(ProcessOptions, DefaultsAreGrafanaAgents) {
  auto p = ParseYaml("{}");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  EXPECT_TRUE(p.o().process_names.empty());
  EXPECT_EQ(p.o().procfs_path, "/proc");
  EXPECT_TRUE(p.o().track_children);
  EXPECT_TRUE(p.o().track_threads);
  EXPECT_TRUE(p.o().gather_smaps);
  EXPECT_FALSE(p.o().recheck_on_scrape);
}

TEST(ProcessOptions, Rules) {
  auto p = ParseYaml(R"(
process_names:
  - name: "{{.Comm}}"
    cmdline: [".+"]
  - comm: [a, b]
    exe: [/usr/bin/c]
track_threads: false
)");
  ASSERT_TRUE(p.errors.ok()) << p.AllErrors();
  ASSERT_EQ(p.o().process_names.size(), 2u);
  EXPECT_TRUE(p.o().process_names[0].has_cmdline);
  EXPECT_FALSE(p.o().process_names[0].has_comm);
  EXPECT_EQ(p.o().process_names[1].comm, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(p.o().track_threads);
  YAML::Emitter out;
  out << YAML::BeginMap;
  Spec().Dump(*p.opts, out);
  out << YAML::EndMap;
  EXPECT_THAT(std::string(out.c_str()), HasSubstr("track_threads: false"));
  EXPECT_THAT(std::string(out.c_str()), HasSubstr("comm: [a, b]"));
}

TEST(ProcessOptions, ErrorsNameFileLineAndKey) {
  auto p = ParseYaml(R"(process_names:
  - name: x
  - comm: [a]
    cmdline: ["(unclosed"]
  - comm: [a]
    name: "{{range .Comm}}"
  - comm: [a]
    colour: blue
bogus: 1
)");
  const std::string all = p.AllErrors();
  EXPECT_THAT(all, HasSubstr("agent.yaml:2:5: integrations.process_exporter.process_names[0]: no matchers provided"));
  EXPECT_THAT(all, HasSubstr("agent.yaml:4:14: integrations.process_exporter.process_names[1].cmdline: bad cmdline regex"));
  EXPECT_THAT(all, HasSubstr("agent.yaml:6:11: integrations.process_exporter.process_names[2].name: bad name template"));
  EXPECT_THAT(all, HasSubstr("agent.yaml:8:5: integrations.process_exporter.process_names[3].colour: unknown key"));
  EXPECT_THAT(all, HasSubstr("agent.yaml:9:1: integrations.process_exporter.bogus: unknown key"));
}

TEST(ProcessOptions, MissingProcfsIsACreateError) {
  auto p = ParseYaml("procfs_path: /nonexistent/proc\n");
  ASSERT_TRUE(p.errors.ok());
  auto i = NewProcessIntegration(p.o());
  ASSERT_FALSE(i.ok());
  EXPECT_THAT(std::string(i.status().message()), HasSubstr("/nonexistent/proc"));
}

TEST(ProcessOptions, InstanceIsTheAgentKey) {
  auto p = ParseYaml("{}");
  config::HostInfo host;
  host.agent_key = "h:12345";
  EXPECT_EQ(Spec().InstanceKey(*p.opts, host), "h:12345");
}

}  // namespace
}  // namespace outpost::integrations::process::testing
