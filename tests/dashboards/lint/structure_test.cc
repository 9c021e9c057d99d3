// Offline lint of the bundled dashboards: the rules of
// grafana/dashboard-linter (lint/rule_*.go; the binary is not available
// here) plus our minimum bar (shared reference dashboards.md): JSON model,
// variables, layout, panels, targets and the provisioning file.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/dashboards/dashboard_util.h"
#include "yaml-cpp/yaml.h"

namespace outpost::dashboards {
namespace {

// The units we accept: a subset of Grafana's valid unit ids as listed in
// grafana/dashboard-linter:lint/rule_panel_units.go (from
// grafana/grafana:packages/grafana-data/src/valueFormats/categories.ts).
const std::set<std::string>& ValidUnits() {
  static const auto* s = new std::set<std::string>{
      "none", "short", "percent", "percentunit", "bytes", "decbytes", "bits", "Bps", "bps",
      "binBps", "s", "ms", "µs", "ns", "dtdurations", "ops", "qps", "reqps", "rps", "wps", "iops",
      "cps", "pps", "opm", "hertz", "celsius", "dateTimeAsIso", "dateTimeFromNow"};
  return *s;
}

// Metrics every instance of the integration always has, for variables.
const std::set<std::string>& AlwaysPresent() {
  static const auto* s = new std::set<std::string>{"node_uname_info", "mysql_up", "redis_up",
                                                   "pg_up", "apache_up", "memcached_up",
                                                   "namedprocess_scrape_errors", "agent_build_info",
                                                   "probe_success", "up"};
  return *s;
}

class DashboardTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dash_ = LoadJson(GetParam());
    ASSERT_FALSE(dash_.is_discarded()) << GetParam() << " is not valid JSON";
    ASSERT_TRUE(dash_.is_object());
  }
  Json dash_;
};

TEST_P(DashboardTest, JsonModel) {
  const std::string uid = Str(dash_, "uid");
  EXPECT_GE(uid.size(), 8u);
  EXPECT_LE(uid.size(), 40u);
  ASSERT_TRUE(dash_.contains("id"));
  EXPECT_TRUE(dash_["id"].is_null());
  EXPECT_FALSE(Str(dash_, "title").empty());
  ASSERT_TRUE(dash_["schemaVersion"].is_number_integer());
  EXPECT_GE(dash_["schemaVersion"].get<int>(), 36);
  EXPECT_EQ(dash_["schemaVersion"].get<int>(), 39);
  ASSERT_TRUE(dash_["tags"].is_array());
  EXPECT_FALSE(dash_["tags"].empty());
  EXPECT_EQ(dash_["editable"], false) << "uneditable-dashboard rule";
  EXPECT_EQ(dash_["graphTooltip"], 1);
  EXPECT_EQ(dash_["time"]["from"], "now-1h");
  EXPECT_EQ(dash_["refresh"], "30s");
}

TEST_P(DashboardTest, Variables) {
  std::map<std::string, const Json*> vars;
  ASSERT_TRUE(dash_["templating"]["list"].is_array());
  for (const Json& v : dash_["templating"]["list"]) vars[Str(v, "name")] = &v;
  ASSERT_TRUE(vars.count("datasource"));
  EXPECT_EQ(Str(*vars["datasource"], "type"), "datasource");
  EXPECT_EQ(Str(*vars["datasource"], "query"), "prometheus");
  for (const char* name : {"job", "instance"}) {
    ASSERT_TRUE(vars.count(name)) << name;
    const Json& v = *vars[name];
    EXPECT_EQ(Str(v, "type"), "query") << name;
    EXPECT_EQ(v["datasource"], Json({{"type", "prometheus"}, {"uid", "${datasource}"}})) << name;
    EXPECT_EQ(v["refresh"], 2) << name << ": template-on-time-change-reload-rule";
    EXPECT_EQ(v["multi"], true) << name;
    EXPECT_EQ(v["includeAll"], true) << name;
    EXPECT_EQ(v["allValue"], ".+") << name;
    std::string sel, label;
    ASSERT_TRUE(ParseLabelValues(Str(v, "query"), &sel, &label)) << Str(v, "query");
    EXPECT_EQ(label, name);
    const std::set<std::string> metrics = MetricNames(sel);
    ASSERT_EQ(metrics.size(), 1u) << sel;
    EXPECT_EQ(AlwaysPresent().count(*metrics.begin()), 1u) << sel;
    if (std::string(name) == "instance") {
      EXPECT_NE(sel.find("job=~\"$job\""), std::string::npos) << "instance follows job: " << sel;
    }
  }
  // $job before $instance (the instance query uses $job).
  EXPECT_EQ(Str(dash_["templating"]["list"][1], "name"), "job");
  EXPECT_EQ(Str(dash_["templating"]["list"][2], "name"), "instance");
}

struct Box {
  int x, y, w, h;
  std::string title;
};

bool Overlap(const Box& a, const Box& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// Panels of one layout level must not overlap.
void ExpectNoOverlap(const std::vector<Box>& boxes, const std::string& where) {
  for (size_t i = 0; i < boxes.size(); ++i) {
    for (size_t j = i + 1; j < boxes.size(); ++j) {
      EXPECT_FALSE(Overlap(boxes[i], boxes[j]))
          << where << ": \"" << boxes[i].title << "\" overlaps \"" << boxes[j].title << "\"";
    }
  }
}

TEST_P(DashboardTest, Layout) {
  // Top level: rows and open-row panels. A collapsed row keeps its
  // children in row.panels with the y they get when expanded (right under
  // the row), so they are checked among themselves, below their row.
  std::vector<Box> top;
  std::set<int> ids;
  bool first_row_open = false;
  int rows = 0, collapsed_rows = 0;
  for (const PanelRef& p : AllPanels(dash_)) {
    const Json& g = (*p.panel)["gridPos"];
    ASSERT_TRUE(g.is_object()) << Str(*p.panel, "title");
    Box b{g.value("x", -1), g.value("y", -1), g.value("w", 0), g.value("h", 0),
          Str(*p.panel, "title")};
    EXPECT_GE(b.x, 0) << b.title;
    EXPECT_GE(b.y, 0) << b.title;
    EXPECT_GT(b.w, 0) << b.title;
    EXPECT_GT(b.h, 0) << b.title;
    EXPECT_LE(b.x + b.w, 24) << b.title << " is wider than the 24-column grid";
    ASSERT_TRUE((*p.panel)["id"].is_number_integer()) << b.title;
    EXPECT_TRUE(ids.insert((*p.panel)["id"].get<int>()).second) << "duplicate panel id: " << b.title;
    if (p.row == nullptr) {
      top.push_back(b);
      if (Str(*p.panel, "type") == "row") {
        if (rows++ == 0) first_row_open = !(*p.panel).value("collapsed", false);
        if ((*p.panel).value("collapsed", false)) ++collapsed_rows;
        if (!(*p.panel).value("collapsed", false)) {
          EXPECT_TRUE((*p.panel)["panels"].empty()) << "an open row keeps no children: " << b.title;
        }
      }
    } else {
      EXPECT_TRUE((*p.row).value("collapsed", false)) << b.title;
      EXPECT_GT(b.y, (*p.row)["gridPos"].value("y", 0)) << b.title << " is above its row";
    }
  }
  ExpectNoOverlap(top, "top level");
  for (const Json& r : dash_["panels"]) {
    if (!r.value("collapsed", false)) continue;
    std::vector<Box> kids;
    for (const Json& c : r["panels"]) {
      const Json& g = c["gridPos"];
      kids.push_back({g.value("x", 0), g.value("y", 0), g.value("w", 0), g.value("h", 0),
                      Str(c, "title")});
    }
    EXPECT_FALSE(kids.empty()) << "empty row " << Str(r, "title");
    ExpectNoOverlap(kids, "row " + Str(r, "title"));
  }
  EXPECT_TRUE(first_row_open) << "the top row (health stats) is open";
  EXPECT_GE(collapsed_rows, 1) << "detail rows are collapsed";
}

TEST_P(DashboardTest, Panels) {
  const Json ds = {{"type", "prometheus"}, {"uid", "${datasource}"}};
  int panels = 0;
  for (const PanelRef& p : AllPanels(dash_)) {
    const Json& panel = *p.panel;
    const std::string type = Str(panel, "type");
    const std::string title = Str(panel, "title");
    EXPECT_FALSE(title.empty()) << "panel-title-description-rule";
    if (type == "row") continue;
    ++panels;
    EXPECT_TRUE(type == "timeseries" || type == "stat" || type == "gauge" || type == "table")
        << title << ": " << type << " (graph/singlestat are legacy)";
    EXPECT_FALSE(Str(panel, "description").empty()) << title << ": panel-title-description-rule";
    EXPECT_EQ(panel["datasource"], ds) << title << ": panel-datasource-rule";
    const Json& d = panel["fieldConfig"]["defaults"];
    const std::string unit = Str(d, "unit");
    EXPECT_EQ(ValidUnits().count(unit), 1u) << title << ": panel-units-rule, unit \"" << unit << "\"";
    if (type == "gauge") {
      EXPECT_TRUE(d.contains("min") && d.contains("max")) << title;
      ASSERT_TRUE(d["thresholds"]["steps"].is_array()) << title;
      EXPECT_GE(d["thresholds"]["steps"].size(), 3u) << title << ": 80/90 thresholds";
    }
    if (type == "stat" || type == "gauge") {
      EXPECT_EQ(panel["options"]["reduceOptions"]["calcs"], Json({"lastNotNull"})) << title;
    }
    ASSERT_TRUE(panel["targets"].is_array()) << title;
    EXPECT_FALSE(panel["targets"].empty()) << title << ": panel-no-targets-rule";
  }
  EXPECT_GE(panels, 12);
}

TEST_P(DashboardTest, Targets) {
  const Json ds = {{"type", "prometheus"}, {"uid", "${datasource}"}};
  for (const TargetRef& t : AllTargets(dash_)) {
    const Json& target = *t.target;
    const std::string where = t.panel_title + ": " + t.expr;
    EXPECT_EQ(target["datasource"], ds) << where;
    EXPECT_FALSE(Str(target, "refId").empty()) << where;
    const bool instant_table = target.value("instant", false) && Str(target, "format") == "table";
    if (!instant_table) {
      EXPECT_FALSE(Str(target, "legendFormat").empty()) << where;
    }
    ASSERT_FALSE(t.expr.empty()) << t.panel_title;
    ExprInfo info = AnalyzeExpr(t.expr);
    ASSERT_EQ(info.error, "") << where;
    EXPECT_FALSE(info.selectors.empty()) << where;
    for (const Selector& s : info.selectors) {
      EXPECT_NE(s.matchers.find("job=~\"$job\""), std::string::npos)
          << where << ": target-job-rule on " << s.metric;
      EXPECT_NE(s.matchers.find("instance=~\"$instance\""), std::string::npos)
          << where << ": target-instance-rule on " << s.metric;
      const bool counter = s.metric.size() > 6 && s.metric.substr(s.metric.size() - 6) == "_total";
      const bool in_rate = s.enclosing_function == "rate" || s.enclosing_function == "irate" ||
                           s.enclosing_function == "increase";
      // apache_exporter types the uptime as a counter (apache_uptime_seconds_total);
      // the apache-http-mixin shows its value, as the other dashboards show uptime.
      const bool uptime = s.metric == "apache_uptime_seconds_total";
      if (counter && !uptime) {
        EXPECT_TRUE(in_rate) << where << ": target-counter-agg-rule on " << s.metric;
      }
      const bool bucket = s.metric.size() > 7 && s.metric.substr(s.metric.size() - 7) == "_bucket";
      if (bucket) {
        EXPECT_TRUE(in_rate) << where << ": histogram buckets are counters";
      }
    }
    for (const std::string& r : info.ranges) {
      EXPECT_EQ(r, "$__rate_interval") << where << ": target-rate-interval-rule";
    }
    // Every rate/irate/increase has a range (so the check above covers it).
    for (const char* fn : {"rate(", "increase("}) {
      size_t calls = 0;
      for (size_t pos = 0; (pos = t.expr.find(fn, pos)) != std::string::npos; ++pos) ++calls;
      EXPECT_LE(calls, info.ranges.size()) << where;
    }
  }
}

std::vector<std::string> Files() { return DashboardFiles(); }

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = std::filesystem::path(info.param).stem();
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Bundled, DashboardTest, ::testing::ValuesIn(Files()), TestName);

TEST(DashboardSetTest, OneFolderPerIntegrationAndUniqueUids) {
  const std::vector<std::string> files = DashboardFiles();
  std::set<std::string> folders, uids;
  for (const std::string& f : files) {
    const std::filesystem::path rel = std::filesystem::relative(f, DashboardsDir());
    ASSERT_EQ(std::distance(rel.begin(), rel.end()), 2) << rel << ": dashboards/<integration>/<file>.json";
    folders.insert(rel.begin()->string());
    Json d = LoadJson(f);
    ASSERT_FALSE(d.is_discarded()) << f;
    EXPECT_TRUE(uids.insert(Str(d, "uid")).second) << "uid reused: " << f;
  }
  EXPECT_EQ(folders, (std::set<std::string>{"apache", "blackbox", "memcached", "mysql", "node",
                                           "outpost", "postgres", "process", "redis", "snmp"}));
}

TEST(DashboardSetTest, ProvisioningFile) {
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(DashboardsDir() + "/provisioning/outpost.yaml");
  } catch (const YAML::Exception& e) {
    FAIL() << e.what();
  }
  EXPECT_EQ(doc["apiVersion"].as<int>(0), 1);
  ASSERT_TRUE(doc["providers"].IsSequence());
  ASSERT_EQ(doc["providers"].size(), 1u);
  const YAML::Node p = doc["providers"][0];
  EXPECT_EQ(p["type"].as<std::string>(""), "file");
  EXPECT_EQ(p["folder"].as<std::string>(""), "") << "empty with foldersFromFilesStructure";
  EXPECT_TRUE(p["options"]["foldersFromFilesStructure"].as<bool>(false));
  EXPECT_EQ(p["options"]["path"].as<std::string>(""), "/usr/local/share/outpost/dashboards");
}

// The tokenizer itself, on the shapes the dashboards use.
TEST(PromqlTokenizerTest, FindsMetricsNotFunctionsOrLabels) {
  ExprInfo i = AnalyzeExpr(
      "sum by (instance, cmd) (rate(redis_commands_total{job=~\"$job\"}[$__rate_interval])) / "
      "ignoring(url) group_left count without (cpu) (node_load1 offset 5m) > bool 0");
  ASSERT_EQ(i.error, "");
  ASSERT_EQ(i.selectors.size(), 2u);
  EXPECT_EQ(i.selectors[0].metric, "redis_commands_total");
  EXPECT_EQ(i.selectors[0].enclosing_function, "rate");
  EXPECT_EQ(i.selectors[0].matchers, "job=~\"$job\"");
  EXPECT_EQ(i.selectors[1].metric, "node_load1");
  EXPECT_EQ(i.selectors[1].enclosing_function, "");
  EXPECT_EQ(i.ranges, std::vector<std::string>{"$__rate_interval"});
  EXPECT_EQ(MetricNames("histogram_quantile(0.99, sum(rate(a_bucket{x=\"}\"}[5m])) by (le))"),
            std::set<std::string>{"a_bucket"});
  EXPECT_EQ(MetricNames("time() - process_start_time_seconds"),
            std::set<std::string>{"process_start_time_seconds"});
  // A counter aggregated without rate() is seen as such.
  EXPECT_EQ(AnalyzeExpr("sum(x_total{a=\"b\"})").selectors.at(0).enclosing_function, "sum");
  EXPECT_NE(AnalyzeExpr("rate(x[5m]").error, "");
  EXPECT_NE(AnalyzeExpr("x{a=\"b}").error, "");
}

}  // namespace
}  // namespace outpost::dashboards
