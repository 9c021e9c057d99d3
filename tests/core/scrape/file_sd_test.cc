#include "core/scrape/file_sd.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace outpost::scrape {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FileSdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/outpost-filesd-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    // Write then rename, as tools do, so a read never sees half a file.
    std::ofstream(dir_ + "/." + name) << content;
    std::filesystem::rename(dir_ + "/." + name, dir_ + "/" + name);
  }
  std::vector<std::string> Addresses(const FileSd& sd) {
    std::vector<std::string> out;
    for (const Labels& l : sd.Targets()) {
      out.push_back(std::string(l.Get("__address__")) + " " + std::string(l.Get("env")) + " " +
                    std::filesystem::path(std::string(l.Get("__meta_filepath"))).filename().string());
    }
    return out;
  }
  std::string dir_;
};

TEST_F(FileSdTest, JsonAndYamlGlobsAndChanges) {
  Write("a.json", R"([{"targets": ["h1:9100", "h2:9100"], "labels": {"env": "prod"}}])");
  Write("b.yml", "- targets: [h3:80]\n  labels: {env: dev}\n");
  config::FileSdConfig c;
  c.files = {dir_ + "/*.json", dir_ + "/*.yml"};
  FileSd sd(c);
  std::vector<std::string> errors;
  EXPECT_TRUE(sd.Refresh(false, &errors));
  EXPECT_TRUE(errors.empty());
  EXPECT_THAT(Addresses(sd), ElementsAre("h1:9100 prod a.json", "h2:9100 prod a.json",
                                         "h3:80 dev b.yml"));
  EXPECT_FALSE(sd.Refresh(false, &errors));  // nothing changed
  Write("a.json", R"([{"targets": ["h1:9100"], "labels": {"env": "prod"}}])");
  EXPECT_TRUE(sd.Refresh(true, &errors));
  EXPECT_THAT(Addresses(sd), ElementsAre("h1:9100 prod a.json", "h3:80 dev b.yml"));
  // A file turning bad keeps its last good content and is reported.
  Write("a.json", "[{\"targets\": [\"h1:9100\"]");
  EXPECT_FALSE(sd.Refresh(true, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("a.json"));
  EXPECT_THAT(Addresses(sd), ElementsAre("h1:9100 prod a.json", "h3:80 dev b.yml"));
  // A removed file takes its targets along.
  std::filesystem::remove(dir_ + "/b.yml");
  errors.clear();
  EXPECT_TRUE(sd.Refresh(false, &errors));
  EXPECT_THAT(Addresses(sd), ElementsAre("h1:9100 prod a.json"));
}

TEST_F(FileSdTest, MalformedContent) {
  EXPECT_THAT(ParseTargetGroups("f.json", "{}").status().message(),
              HasSubstr("expected a list of target groups"));
  EXPECT_THAT(ParseTargetGroups("f.json", "[{\"targets\": \"h\"}]").status().message(),
              HasSubstr("targets must be a list"));
  EXPECT_THAT(ParseTargetGroups("f.yml", "- targets: [a]\n  lables: {}\n").status().message(),
              HasSubstr("unknown key \"lables\""));
  EXPECT_THAT(ParseTargetGroups("f.yml", "- targets: [http://a/]\n").status().message(),
              HasSubstr("is not a valid hostname"));
  EXPECT_TRUE(ParseTargetGroups("f.yml", "").ok());
}

}  // namespace
}  // namespace outpost::scrape
