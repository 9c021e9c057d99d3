#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "core/template/go_template.h"
#include "stage_test_util.h"
#include "yaml-cpp/yaml.h"

namespace outpost::logs::stages {
namespace {

using testing::BuildPipeline;
using testing::Collect;
using testing::MakeEntry;

// --- the engine -------------------------------------------------------

class MapFields final : public tmpl::GoTemplate::Fields {
 public:
  explicit MapFields(std::map<std::string, std::string> m) : m_(std::move(m)) {}
  bool Get(std::string_view name, std::string_view* value) const override {
    auto it = m_.find(std::string(name));
    if (it == m_.end()) return false;
    *value = it->second;
    return true;
  }

 private:
  std::map<std::string, std::string> m_;
};

const std::map<std::string, std::string> kData = {
    {"Value", "Some Silly Value"},   {"level", "warn"}, {"app", "loki"}, {"empty", ""}, {"n", "10"},
    {"sp", "  \t x y \u00a0\u3000"},
};

// Runs `tmpl` over kData: the output, or "ERROR: ..." when Parse or
// Execute fails.
std::string Render(const std::string& tmpl,
                   const std::map<std::string, std::string>& data = kData) {
  std::string error;
  auto t = tmpl::GoTemplate::Parse(tmpl, &error);
  if (t == nullptr) return "PARSE: " + error;
  std::string out;
  if (!t->Execute(MapFields(data), &out, &error)) return "EXEC: " + error;
  return out;
}

// A field that is a Go map[string]string (process_exporter's .Matches).
class WithMap final : public tmpl::GoTemplate::Fields {
 public:
  bool Get(std::string_view name, std::string_view* value) const override {
    if (name == "M") *value = "map[a:1]";
    else if (name == "s") *value = "str";
    else return false;
    return true;
  }
  Lookup GetKey(std::string_view name, std::string_view key,
                std::string_view* value) const override {
    if (name != "M") return Lookup::kNotMap;
    if (key != "a") return Lookup::kMissing;
    *value = "1";
    return Lookup::kFound;
  }
};

TEST(GoTemplate, MapFields) {
  auto run = [](const std::string& text) {
    std::string error, out;
    auto t = tmpl::GoTemplate::Parse(text, &error);
    if (t == nullptr) return "PARSE: " + error;
    if (!t->Execute(WithMap(), &out, &error)) return "EXEC: " + error;
    return out;
  };
  EXPECT_EQ(run("{{.M.a}}|{{.M.b}}|{{.M}}|{{.M.b.c}}"), "1|<no value>|map[a:1]|<no value>");
  EXPECT_EQ(run("{{if .M.b}}y{{else}}n{{end}} {{.M.a | ToUpper}}"), "n 1");
  EXPECT_EQ(run("{{.M.a.c}}"), "EXEC: can't evaluate field c in type string");
  // Fields that are not maps keep the string behaviour.
  EXPECT_EQ(run("{{.s.x}}"), "EXEC: can't evaluate field x in type string");
}

TEST(GoTemplate, TextFieldsAndTrimMarkers) {
  EXPECT_EQ(Render("plain"), "plain");
  EXPECT_EQ(Render(""), "");
  EXPECT_EQ(Render("{{ .level }} for {{.app}}"), "warn for loki");
  EXPECT_EQ(Render("{{ .missing }}|{{ .missing.x }}"), "<no value>|<no value>");
  EXPECT_EQ(Render("a  {{- .app -}}  \n b"), "alokib");
  EXPECT_EQ(Render("a {{- /* comment */ -}} b"), "ab");
  EXPECT_EQ(Render("a{{/* x */}}b"), "ab");
  EXPECT_EQ(Render("{{ .level\n| ToUpper }}"), "WARN");  // newlines inside actions (Go >= 1.16)
  EXPECT_EQ(Render("{{ .app | }}"), "loki");             // Go accepts a trailing pipe
  EXPECT_EQ(Render("{{-3}}"), "-3");                     // not a trim marker
}

TEST(GoTemplate, LiteralsAndPrinting) {
  EXPECT_EQ(Render(R"({{ "a\tb\x41\u00e9\101" }})"), "a\tbA\u00e9A");
  EXPECT_EQ(Render("{{ `raw\\n\r` }}"), "raw\\n");
  EXPECT_EQ(Render("{{ 1000000 }} {{ 0x1F }} {{ 1_000 }} {{ 'a' }} {{ -7 }}"),
            "1000000 31 1000 97 -7");
  // float64 as fmt's %v: %f form for exponents in [-4, 21), else %e.
  EXPECT_EQ(Render("{{ 1e21 }} {{ 1e20 }} {{ 1.5 }} {{ 1.0 }} {{ 0.0001 }} {{ 0.00001 }}"),
            "1e+21 100000000000000000000 1.5 1 0.0001 1e-05");
  EXPECT_EQ(Render("{{ true }} {{ false }}"), "true false");
  EXPECT_EQ(Render("{{ (ToUpper .app) }}"), "LOKI");
}

TEST(GoTemplate, IfElseAndLogic) {
  EXPECT_EQ(Render("{{ if .level }}y{{ else }}n{{ end }}"), "y");
  EXPECT_EQ(Render("{{ if .empty }}y{{ else }}n{{ end }}"), "n");
  EXPECT_EQ(Render("{{ if .missing }}y{{ else }}n{{ end }}"), "n");
  EXPECT_EQ(Render("{{ if 0 }}y{{ else if 0.0 }}f{{ else if false }}b{{ else }}z{{ end }}"), "z");
  EXPECT_EQ(
      Render("{{ if eq .level \"err\" }}1{{ else if eq .level \"warn\" }}2{{ else }}3{{ end }}"),
      "2");
  EXPECT_EQ(Render("{{ eq .level \"a\" \"b\" \"warn\" }} {{ ne .app \"loki\" }}"), "true false");
  EXPECT_EQ(Render("{{ eq .missing .missing2 }} {{ eq .missing \"x\" }} {{ eq .x nil }}"),
            "true false true");
  EXPECT_EQ(Render("{{ lt \"a\" \"b\" }} {{ le 2 2 }} {{ gt 1.5 2.5 }} {{ ge .level .app }}"),
            "true true false true");
  // and/or return an argument and short-circuit.
  EXPECT_EQ(
      Render("{{ and .level .app }}|{{ and .empty .app }}|{{ or .empty .app }}|{{ or 0 \"\" }}"),
      "loki||loki|");
  EXPECT_EQ(Render("{{ or .app (ToUpper .missing) }}"), "loki");
  EXPECT_EQ(Render("{{ not .empty }} {{ not 1 }}"), "true false");
  EXPECT_EQ(Render("{{ .app | eq \"loki\" }}"), "true");
}

TEST(GoTemplate, StringFunctions) {
  EXPECT_EQ(Render("{{ Replace .Value \" \" \"_\" -1 | ToLower }}"), "some_silly_value");
  EXPECT_EQ(Render("{{ Replace \"aaaa\" \"a\" \"b\" 2 }}"), "bbaa");
  EXPECT_EQ(Render("{{ Replace \"h\u00e9\" \"\" \"-\" -1 }}"), "-h-\u00e9-");
  EXPECT_EQ(Render("{{ Replace \"abc\" \"b\" \"x\" 1.0 }}"), "axc");  // 1.0 is an int to Go
  EXPECT_EQ(Render("{{ Trim \"!!WOO!!\" \"!\" }} {{ TrimLeft \"xxa\" \"x\" }} {{ TrimRight \"axx\" "
                   "\"x\" }}"),
            "WOO a a");
  EXPECT_EQ(Render("{{ Trim \"\u00e9a\u00e9\" \"\u00e9\" }}"), "a");
  EXPECT_EQ(Render("{{ TrimPrefix \"--x\" \"--\" }} {{ TrimSuffix \"x.log\" \".log\" }}"), "x x");
  EXPECT_EQ(Render("[{{ TrimSpace .sp }}]"), "[x y]");
  EXPECT_EQ(Render("{{ ToUpper \"h\u00e9\" }}"), "H\u00c9");
}

TEST(GoTemplate, RegexFunctions) {
  EXPECT_EQ(Render("{{ regexReplaceAll \"(Silly)\" .Value \"${1}foo\" }}"), "Some Sillyfoo Value");
  EXPECT_EQ(Render("{{ regexReplaceAll \"(?P<w>S\\\\w+)\" .Value \"<$w>\" }}"),
            "<Some> <Silly> Value");
  EXPECT_EQ(Render("{{ regexReplaceAll \"a*\" \"baaac\" \"X\" }}"),
            "XbXcX");  // Go's empty-match rule
  EXPECT_EQ(Render("{{ regexReplaceAll \"(a)\" \"a\" \"$1x|$$|${1}x\" }}"), "|$|ax");
  EXPECT_EQ(Render("{{ regexReplaceAllLiteral \"( |Of)\" \"Lots Of Spaces\" \"$1\" }}"),
            "Lots$1$1$1Spaces");
  // A regex that is not a literal is compiled per call.
  EXPECT_EQ(Render("{{ regexReplaceAll .pat \"abc\" \"_\" }}", {{"pat", "b"}}), "a_c");
  // A regex that does not compile fails the execution (Go's MustCompile panics).
  EXPECT_NE(Render("{{ regexReplaceAll \"\\\\K\" .Value \"x\" }}").find("EXEC:"),
            std::string::npos);
}

TEST(GoTemplate, Hashes) {
  // Upstream template_test.go: Hash/Sha2Hash(.Value, "salt").
  const std::map<std::string, std::string> pii = {{"Value", "this is PII data"}};
  EXPECT_EQ(Render("{{ Sha2Hash .Value \"salt\" }}", pii),
            "5526fd6f8ad457279cf8ff06453c6cb61bf479fa826e3b099caa6c846f9376f2");
  EXPECT_EQ(Render("{{ Hash .Value \"salt\" }}", pii),
            "0807ea24e992127128b38e4930f7155013786a4999c73a25910318a793847658");
}

TEST(GoTemplate, ExecutionErrors) {
  for (const char* t : {"{{ ToUpper .missing }}", "{{ eq 1 \"a\" }}", "{{ lt .missing \"a\" }}",
                        "{{ lt true false }}", "{{ .app.x }}", "{{ ToUpper (eq 1 1) }}",
                        "{{ Replace .app \"a\" \"b\" .n }}"}) {
    EXPECT_EQ(Render(t).rfind("EXEC: ", 0), 0u) << t << " -> " << Render(t);
  }
}

TEST(GoTemplate, RejectedAtParseByName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{{ range .x }}{{ end }}", "{{range}} is not supported"},
      {"{{ with .x }}{{ end }}", "{{with}} is not supported"},
      {"{{ define \"x\" }}{{ end }}", "{{define}} is not supported"},
      {"{{ template \"x\" }}", "{{template}} is not supported"},
      {"{{ block \"x\" . }}{{ end }}", "{{block}} is not supported"},
      {"{{ break }}", "{{break}} is not supported"},
      {"{{ $x := .app }}", "variables ($) are not supported"},
      {"{{ printf \"%s\" .app }}", "function \"printf\" is not supported"},
      {"{{ .date | substr 0 2 }}", "function \"substr\" is not supported"},
      {"{{ . }}", "`.` (the whole data map) is not supported"},
      {"{{ ToUpper }}", "wrong number of args for ToUpper: want 1 got 0"},
      {"{{ eq .x }}", "wrong number of args for eq: want at least 2 got 1"},
      {"{{ ToUpper 1 }}", "expected string; found 1"},
      {"{{ Replace .a \"x\" \"y\" \"1\" }}", "expected integer; found \"1\""},
      {"{{ nil }}", "nil is not a command"},
      {"{{ .app 1 }}", ".app is not a method but has arguments"},
      {"{{ .app | \"x\" }}", "non executable command in pipeline stage 2"},
      {"{{ .app", "unclosed action"},
      {"{{ \"abc }}", "unterminated quoted string"},
      {"{{/* x */ .a }}", "comment ends before closing delimiter"},
      {"{{ if .a }}x", "unexpected EOF"},
      {"x{{ end }}", "unexpected {{end}}"},
      {"{{ (ToUpper .a }}", "unclosed left paren"},
      {"{{ 1+2i }}", "complex numbers are not supported"},
      {"{{ 99999999999999999999 }}", "integer overflow"},
      {"{{ 18446744073709551615 }}", "18446744073709551615 overflows int"},
      {"a\n  {{ foo }}", "line 2 col 6: function \"foo\""},
  };
  for (const auto& [tmpl, want] : cases) {
    const std::string got = Render(tmpl);
    EXPECT_EQ(got.rfind("PARSE: ", 0), 0u) << tmpl << " -> " << got;
    EXPECT_NE(got.find(want), std::string::npos) << tmpl << " -> " << got;
  }
}

// Random templates from Go template tokens and random bytes: each is either
// rejected by Parse or runs; never a crash, hang or sanitizer report.
TEST(GoTemplate, RandomTemplatesFailCleanly) {
  static const std::vector<std::string> kPieces = {
      "{{",       "}}",       "{{-",     " -}}",   " ",         "if",
      "else",     "end",      "range",   ".Value", ".x",        ".x.y",
      ".",        "|",        "(",       ")",      "\"s\"",     "\"\\x4",
      "`r`",      "1",        "-1",      "1.5e3",  "0x",        "'a'",
      "true",     "nil",      "eq",      "and",    "or",        "not",
      "lt",       "ToUpper",  "Replace", "Trim",   "TrimSpace", "regexReplaceAll",
      "\"(a*)\"", "\"${1}\"", "Hash",    "$x",     ":=",        "/*",
      "*/",       "\n",       "x",       "printf", "\xff",      "\xc3\xa9"};
  std::mt19937 rng(18);
  const std::map<std::string, std::string> data = {{"Value", "aaa b"}, {"x", "1"}};
  int parsed = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string tmpl;
    const int n = static_cast<int>(rng() % 16);
    for (int i = 0; i < n; ++i) {
      if (rng() % 8 == 0) {
        tmpl.push_back(static_cast<char>(rng() % 256));
      } else {
        tmpl += kPieces[rng() % kPieces.size()];
      }
    }
    std::string error, out;
    auto t = tmpl::GoTemplate::Parse(tmpl, &error);
    if (t == nullptr) {
      EXPECT_FALSE(error.empty()) << tmpl;
      continue;
    }
    ++parsed;
    t->Execute(MapFields(data), &out, &error);
  }
  EXPECT_GT(parsed, 100);  // the generator also makes valid templates
  // Deep nesting is refused, not a stack overflow.
  std::string deep = "{{ ";
  for (int i = 0; i < 5000; ++i) deep += "(";
  EXPECT_EQ(Render(deep + "1 }}").rfind("PARSE: ", 0), 0u);
  std::string ifs;
  for (int i = 0; i < 5000; ++i) ifs += "{{ if 1 }}";
  EXPECT_EQ(Render(ifs).rfind("PARSE: ", 0), 0u);
}

// --- the stage ----------------------------------------------------------

std::string StageYaml(const std::string& source, const std::string& tmpl) {
  YAML::Emitter y;
  y << YAML::BeginSeq << YAML::BeginMap << YAML::Key << "template" << YAML::Value << YAML::BeginMap
    << YAML::Key << "source" << YAML::Value << source << YAML::Key << "template" << YAML::Value
    << tmpl << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  return y.c_str();
}

using Map = std::map<std::string, std::string>;
constexpr const char* kNull = "\x01null";  // a null extracted value

Map ExtractedOf(const Entry& e) {
  Map m;
  for (size_t i = 0; i < e.extracted.size(); ++i) {
    const Value& v = e.extracted.value(i);
    m[std::string(e.extracted.key(i))] = v.kind == Value::Kind::kNull ? kNull : v.text;
  }
  return m;
}

Map RunStage(const std::string& yaml, const Map& extracted, const std::string& line = "line") {
  config::Errors errors;
  auto p = BuildPipeline(yaml, &errors);
  EXPECT_NE(p, nullptr) << (errors.errors.empty() ? "" : errors.errors.front());
  if (p == nullptr) return {};
  Entry e = MakeEntry(line, {});
  for (const auto& [k, v] : extracted) {
    if (v == kNull) {
      e.extracted.Put(k).kind = Value::Kind::kNull;
    } else {
      e.extracted.SetString(k, v);
    }
  }
  Collect c;
  p->Process(e, c);
  EXPECT_EQ(c.out.size(), 1u);
  return c.out.empty() ? Map{} : ExtractedOf(c.out[0]);
}

// Upstream template_test.go TestTemplateStage_Process: source, template,
// extracted before -> after.
TEST(TemplateStage, UpstreamProcessTable) {
  struct Case {
    const char* name;
    const char* source;
    const char* tmpl;
    Map in, want;
  };
  const std::string spaces = "Some Silly Value With Lots Of Spaces";
  const std::vector<Case> cases = {
      {"simple",
       "some",
       "{{ .Value }} appended",
       {{"some", "value"}},
       {{"some", "value appended"}}},
      {"add missing",
       "missing",
       "newval",
       {{"notmissing", "value"}},
       {{"notmissing", "value"}, {"missing", "newval"}}},
      {"multiple keys",
       "message",
       "{{.Value}} in module {{.module}}",
       {{"level", "warn"}, {"app", "loki"}, {"message", "warn for app loki"}, {"module", "test"}},
       {{"level", "warn"},
        {"app", "loki"},
        {"message", "warn for app loki in module test"},
        {"module", "test"}}},
      {"missing source",
       "missing",
       "{{ .level }} for app {{ .app | ToUpper }}",
       {{"level", "warn"}, {"app", "loki"}},
       {{"level", "warn"}, {"app", "loki"}, {"missing", "warn for app LOKI"}}},
      {"missing key",
       "message",
       "{{.Value}} in module {{.module}}",
       {{"level", "warn"}, {"app", "loki"}, {"message", "warn for app loki"}},
       {{"level", "warn"}, {"app", "loki"}, {"message", "warn for app loki in module <no value>"}}},
      {"nil value",
       "level",
       "{{ Replace .Value \"Warning\" \"warn\" 1 }}",
       {{"level", "Warning"}, {"testval", kNull}},
       {{"level", "warn"}, {"testval", kNull}}},
      {"ToLower",
       "testval",
       "{{ .Value | ToLower }}",
       {{"testval", "Value"}},
       {{"testval", "value"}}},
      {"ToLowerParams",
       "testval",
       "{{ ToLower .Value }}",
       {{"testval", "Value"}},
       {{"testval", "value"}}},
      {"ToLowerEmptyValue", "testval", "{{ .Value | ToLower }}", {}, {}},
      {"ReplaceAllToLower",
       "testval",
       "{{ Replace .Value \" \" \"_\" -1 | ToLower }}",
       {{"testval", spaces}},
       {{"testval", "some_silly_value_with_lots_of_spaces"}}},
      {"regexReplaceAll",
       "testval",
       "{{ regexReplaceAll \"(Silly)\" .Value \"${1}foo\"  }}",
       {{"testval", spaces}},
       {{"testval", "Some Sillyfoo Value With Lots Of Spaces"}}},
      {"regexReplaceAllerr",
       "testval",
       "{{ regexReplaceAll \"\\\\K\" .Value \"${1}foo\"  }}",
       {{"testval", spaces}},
       {{"testval", spaces}}},
      {"regexReplaceAllLiteral",
       "testval",
       "{{ regexReplaceAll \"( |Of)\" .Value \"_\"  }}",
       {{"testval", spaces}},
       {{"testval", "Some_Silly_Value_With_Lots___Spaces"}}},
      {"Trim",
       "testval",
       "{{ Trim .Value \"!\" }}",
       {{"testval", "!!!!!WOOOOO!!!!!"}},
       {{"testval", "WOOOOO"}}},
      {"Remove label empty value", "testval", "", {{"testval", "WOOOOO"}}, {}},
      {"Don't add label with empty value", "testval", "", {}, {}},
      {"Sha2Hash",
       "testval",
       "{{ Sha2Hash .Value \"salt\" }}",
       {{"testval", "this is PII data"}},
       {{"testval", "5526fd6f8ad457279cf8ff06453c6cb61bf479fa826e3b099caa6c846f9376f2"}}},
      {"Hash",
       "testval",
       "{{ Hash .Value \"salt\" }}",
       {{"testval", "this is PII data"}},
       {{"testval", "0807ea24e992127128b38e4930f7155013786a4999c73a25910318a793847658"}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(RunStage(StageYaml(c.source, c.tmpl), c.in), c.want) << c.name;
  }
}

// Upstream TestPipeline_Template (its json stage replaced by the values it
// extracts) and the template.md examples: extracted before -> after.
TEST(TemplateStage, UpstreamPipelineAndDocExamples) {
  config::Errors errors;
  auto p = BuildPipeline(R"(
- template:
    source: app
    template: '{{ .Value | ToUpper }} doki'
- template:
    source: level
    template: '{{ if eq .Value "WARN" }}{{ Replace .Value "WARN" "OK" -1 }}{{ else }}{{ .Value }}{{ end }}'
- template:
    source: nonexistent
    template: "TEST"
- labels:
    app: ''
    level: ''
    type: nonexistent
)",
                         &errors);
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Entry e = MakeEntry("{...}", {});
  e.extracted.SetString("app", "loki");
  e.extracted.SetString("level", "WARN");
  Collect c;
  p->Process(e, c);
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].labels, (Labels{{"app", "LOKI doki"}, {"level", "OK"}, {"type", "TEST"}}));

  EXPECT_EQ(RunStage(StageYaml("new_key", "hello world!"), {}), (Map{{"new_key", "hello world!"}}));
  EXPECT_EQ(RunStage(StageYaml("app", "{{ .Value }}_some_suffix"), {{"app", "loki"}}),
            (Map{{"app", "loki_some_suffix"}}));
  EXPECT_EQ(RunStage(StageYaml("app", "{{ ToLower .Value }}"), {{"app", "LOKI"}}),
            (Map{{"app", "loki"}}));
  EXPECT_EQ(RunStage(StageYaml("output_msg", "{{ .level }} for app {{ ToUpper .app }}"),
                     {{"app", "loki"}, {"level", "warn"}}),
            (Map{{"app", "loki"}, {"level", "warn"}, {"output_msg", "warn for app LOKI"}}));
  EXPECT_EQ(
      RunStage(StageYaml("app", "{{ .level }} for app {{ ToUpper .Value }} in module {{.module}}"),
               {{"app", "loki"}, {"level", "warn"}, {"module", "test"}}),
      (Map{{"app", "warn for app LOKI in module test"}, {"level", "warn"}, {"module", "test"}}));
  EXPECT_EQ(RunStage(StageYaml("app", "{{ Replace .Value \"loki\" \"blokey\" 1 }}"),
                     {{"app", "loki loki"}}),
            (Map{{"app", "blokey loki"}}));
  EXPECT_EQ(RunStage(StageYaml("message", "{{.app }}: {{ .Entry }}"), {{"app", "api"}}, "GET /"),
            (Map{{"app", "api"}, {"message", "api: GET /"}}));
  EXPECT_EQ(RunStage(StageYaml("out", "{{ .app | ToUpper }}"), {{"app", "loki"}}),
            (Map{{"app", "loki"}, {"out", "LOKI"}}));
  EXPECT_EQ(RunStage(StageYaml("output", "{{ Replace .Value \"loki\" \"Loki\" 2 }}"),
                     {{"output", "loki loki loki"}}),
            (Map{{"output", "Loki Loki loki"}}));
  EXPECT_EQ(RunStage(StageYaml("output", "{{ Trim .Value \",. \" }}"), {{"output", ", x. "}}),
            (Map{{"output", "x"}}));
  EXPECT_EQ(RunStage(StageYaml("output", "{{ TrimPrefix .Value \"--\" }}"), {{"output", "--x"}}),
            (Map{{"output", "x"}}));
  EXPECT_EQ(RunStage(StageYaml("output", "{{ regexReplaceAll \"(a*)bc\" .Value \"${1}a\" }}"),
                     {{"output", "aabc-bc"}}),
            (Map{{"output", "aaa-a"}}));
  EXPECT_EQ(
      RunStage(StageYaml("output", "{{ regexReplaceAllLiteral \"(ts=)\" .Value \"timestamp=\" }}"),
               {{"output", "ts=1 x"}}),
      (Map{{"output", "timestamp=1 x"}}));

  // The doc's multi-line example needs sprig's substr and add: refused by name.
  errors = {};
  EXPECT_EQ(BuildPipeline(StageYaml("time", "{{ .date_local | substr 6 10 }}"), &errors), nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_NE(errors.errors[0].find("function \"substr\" is not supported"), std::string::npos)
      << errors.errors[0];
}

// Corpus file 15 (asus-merlin): Sha2Hash of a json field and a JSON line
// built with {{ if }}. The json stage's output is set directly.
TEST(TemplateStage, Corpus15Sha2HashAndIf) {
  config::Errors errors;
  auto p = BuildPipeline(R"(
- template:
    source: QH
    template: '{{ Sha2Hash .QH "adGuardSalt" }}' 
- template:
    source: log_rewritten
    template: '{ "Elapsed": "{{ .Elapsed }}", "QH": "{{ .QH }}", "QT": "{{ .QT }}", "Upstream": "{{ if .Upstream }}{{.Upstream}}{{end}}", "FilterListID": "{{ if .FilterListID }}{{.FilterListID}}{{end}}" }'
)",
                         &errors);
  ASSERT_NE(p, nullptr) << errors.errors.front();
  Entry e = MakeEntry("{...}", {});
  e.extracted.SetString("QH", "example.com");
  Value& elapsed = e.extracted.Put("Elapsed");
  elapsed.kind = Value::Kind::kNumber;
  elapsed.number = 1234567;
  elapsed.text = "1234567";
  e.extracted.SetString("QT", "A");
  e.extracted.SetString("Upstream", "");
  e.extracted.Put("FilterListID").kind = Value::Kind::kNull;
  Collect c;
  p->Process(e, c);
  ASSERT_EQ(c.out.size(), 1u);
  const Map m = ExtractedOf(c.out[0]);
  // sha256("example.com" + "adGuardSalt")
  const std::string qh = m.at("QH");
  EXPECT_EQ(qh.size(), 64u);
  EXPECT_EQ(m.at("log_rewritten"),
            "{ \"Elapsed\": \"1234567\", \"QH\": \"" + qh +
                "\", \"QT\": \"A\", \"Upstream\": \"\", \"FilterListID\": \"\" }");
  std::string expect_qh, error;
  auto t = tmpl::GoTemplate::Parse("{{ Sha2Hash \"example.com\" \"adGuardSalt\" }}", &error);
  ASSERT_NE(t, nullptr);
  ASSERT_TRUE(t->Execute(MapFields({}), &expect_qh));
  EXPECT_EQ(qh, expect_qh);
}

TEST(TemplateStage, ValueAndEntryKeys) {
  // .Value is the source; .Entry the line, even over an extracted "Entry".
  EXPECT_EQ(RunStage(StageYaml("s", "{{ .Value }}/{{ .Entry }}"),
                     {{"s", "src"}, {"Value", "v"}, {"Entry", "e"}}, "the line"),
            (Map{{"s", "src/the line"}, {"Value", "v"}, {"Entry", "e"}}));
  // A null source is no value.
  EXPECT_EQ(RunStage(StageYaml("s", "{{ .Value }}"), {{"s", kNull}}), (Map{{"s", "<no value>"}}));
}

TEST(TemplateStage, ConfigErrors) {
  config::Errors errors;
  EXPECT_EQ(BuildPipeline("- template:\n    template: x\n", &errors), nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_NE(errors.errors[0].find("pipeline_stages[0].template.source: template source value is "
                                  "required"),
            std::string::npos)
      << errors.errors[0];
  errors = {};
  EXPECT_EQ(BuildPipeline("- template:\n", &errors), nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_NE(errors.errors[0].find("template source value is required"), std::string::npos);
  errors = {};
  EXPECT_EQ(BuildPipeline("- template:\n    source: a\n    template: '{{ range .x }}{{ end }}'\n",
                          &errors),
            nullptr);
  ASSERT_FALSE(errors.errors.empty());
  EXPECT_EQ(errors.errors[0],
            "test.yml:3:15: pipeline_stages[0].template.template: line 1 col 4: {{range}} is not "
            "supported");
  // Unknown keys in the body are ignored, as mapstructure does.
  errors = {};
  EXPECT_NE(BuildPipeline("- template:\n    source: a\n    other: 1\n", &errors), nullptr);
}

}  // namespace
}  // namespace outpost::logs::stages
