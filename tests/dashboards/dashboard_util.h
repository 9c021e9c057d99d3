// Helpers shared by the dashboard tests (lint and live): find and load the
// bundled dashboards, walk their panels (including those inside collapsed
// rows) and variables, and a small PromQL tokenizer that finds metric
// names, selectors and range durations in an expression.
//
// The tokenizer is not a PromQL parser: it knows just enough of the
// grammar (prometheus/prometheus:promql/parser/lex.go) to tell a metric
// name from a function, keyword, label name or duration. Errors are
// reported as values (Tokens::error), nothing throws. Header-only, no
// state; thread-compatible.
#ifndef OUTPOST_TESTS_DASHBOARDS_DASHBOARD_UTIL_H_
#define OUTPOST_TESTS_DASHBOARDS_DASHBOARD_UTIL_H_

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace outpost::dashboards {

using Json = nlohmann::json;

inline std::string SourceDir() { return OUTPOST_SOURCE_DIR; }
inline std::string DashboardsDir() { return SourceDir() + "/dashboards"; }

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every dashboard JSON file under dashboards/ (one folder per integration),
// sorted.
inline std::vector<std::string> DashboardFiles() {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(DashboardsDir(), ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".json") out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Files in dashboards/<sub> with extension `ext` (".yaml"), sorted.
inline std::vector<std::string> FilesIn(const std::string& sub, const std::string& ext) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(DashboardsDir() + "/" + sub, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ext) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Parses a file; a discarded value (is_discarded()) when it is not JSON.
inline Json LoadJson(const std::string& path) {
  return Json::parse(ReadText(path), nullptr, /*allow_exceptions=*/false);
}

inline std::string Str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A panel and where it sits. `row` is the enclosing collapsed row (its
// children are stored inside it), or null for top-level panels.
struct PanelRef {
  const Json* panel;
  const Json* row;
};

inline std::vector<PanelRef> AllPanels(const Json& dash) {
  std::vector<PanelRef> out;
  auto it = dash.find("panels");
  if (it == dash.end() || !it->is_array()) return out;
  for (const Json& p : *it) {
    out.push_back({&p, nullptr});
    auto kids = p.find("panels");
    if (kids != p.end() && kids->is_array()) {
      for (const Json& c : *kids) out.push_back({&c, &p});
    }
  }
  return out;
}

struct TargetRef {
  std::string panel_title;
  const Json* target;
  std::string expr;
};

// Targets of every non-row panel.
inline std::vector<TargetRef> AllTargets(const Json& dash) {
  std::vector<TargetRef> out;
  for (const PanelRef& p : AllPanels(dash)) {
    auto ts = p.panel->find("targets");
    if (ts == p.panel->end() || !ts->is_array()) continue;
    for (const Json& t : *ts) out.push_back({Str(*p.panel, "title"), &t, Str(t, "expr")});
  }
  return out;
}

// The query variables of a dashboard.
inline std::vector<const Json*> QueryVariables(const Json& dash) {
  std::vector<const Json*> out;
  if (!dash.contains("templating") || !dash["templating"].contains("list")) return out;
  for (const Json& v : dash["templating"]["list"]) {
    if (Str(v, "type") == "query") out.push_back(&v);
  }
  return out;
}

// label_values(<selector>, <label>) split into its parts; false when the
// query has another shape.
inline bool ParseLabelValues(const std::string& q, std::string* selector, std::string* label) {
  const std::string head = "label_values(";
  if (q.rfind(head, 0) != 0 || q.back() != ')') return false;
  const std::string inner = q.substr(head.size(), q.size() - head.size() - 1);
  const size_t comma = inner.rfind(',');
  if (comma == std::string::npos) return false;
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" "));
    s.erase(s.find_last_not_of(" ") + 1);
    return s;
  };
  *selector = trim(inner.substr(0, comma));
  *label = trim(inner.substr(comma + 1));
  return !selector->empty() && !label->empty();
}

// Replaces every occurrence of `from` in `s`.
inline std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// ---- PromQL tokenizer ----------------------------------------------------

// A vector selector found in an expression.
struct Selector {
  std::string metric;    // "" for {__name__=...}-only selectors
  std::string matchers;  // the text between { and }, "" when absent
  // The innermost function call the selector is an argument of ("" at top
  // level or inside plain parentheses / aggregations).
  std::string enclosing_function;
};

struct ExprInfo {
  std::vector<Selector> selectors;
  std::vector<std::string> ranges;  // text inside [...] (ranges, subqueries)
  std::string error;                // non-empty: the expression did not tokenize
};

inline bool IsPromqlFunction(const std::string& s) {
  // prometheus/prometheus:promql/parser/functions.go (2.42) and the
  // aggregation operators of lex.go.
  static const std::set<std::string> kFunctions = {
      "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh",
      "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh",
      "count_over_time", "days_in_month", "day_of_month", "day_of_week", "day_of_year", "deg",
      "delta", "deriv", "exp", "floor", "histogram_quantile", "holt_winters", "hour", "idelta",
      "increase", "irate", "label_replace", "label_join", "last_over_time", "ln", "log10",
      "log2", "max_over_time", "min_over_time", "minute", "month", "pi", "predict_linear",
      "present_over_time", "quantile_over_time", "rad", "rate", "resets", "round", "scalar",
      "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "stddev_over_time", "stdvar_over_time",
      "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year",
      // aggregations
      "sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk", "bottomk",
      "count_values", "quantile"};
  return kFunctions.count(s) > 0;
}

inline bool IsPromqlKeyword(const std::string& s) {
  static const std::set<std::string> kKeywords = {
      "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
      "unless", "offset", "atan2", "inf", "nan", "Inf", "NaN"};
  return kKeywords.count(s) > 0;
}

inline bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
inline bool IsIdentChar(char c) {
  return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c));
}

// Finds the selectors and ranges of `expr`. Grafana variables ($job,
// $__rate_interval, ${x}) are kept as text; they only occur inside strings
// and ranges in well-formed dashboard queries.
inline ExprInfo AnalyzeExpr(const std::string& expr) {
  ExprInfo info;
  // One entry per open '(': the function name, or "" for grouping
  // parentheses and by(...)/on(...) label lists ("#labels").
  std::vector<std::string> parens;
  std::string prev_ident;  // the identifier just before, if the last token was one
  size_t i = 0;
  const size_t n = expr.size();
  auto skip_string = [&](size_t start) -> size_t {  // returns index after the closing quote
    const char q = expr[start];
    size_t j = start + 1;
    while (j < n && expr[j] != q) {
      if (expr[j] == '\\' && q != '`') ++j;
      ++j;
    }
    return j < n ? j + 1 : std::string::npos;
  };
  auto enclosing_function = [&]() -> std::string {
    return parens.empty() ? "" : parens.back();
  };
  while (i < n) {
    const char c = expr[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      size_t j = skip_string(i);
      if (j == std::string::npos) {
        info.error = "unterminated string";
        return info;
      }
      i = j;
      prev_ident.clear();
      continue;
    }
    if (c == '{') {
      // Matchers of a selector without a metric name.
      size_t j = i + 1;
      while (j < n && expr[j] != '}') {
        if (expr[j] == '"' || expr[j] == '\'' || expr[j] == '`') {
          j = skip_string(j);
          if (j == std::string::npos) break;
        } else {
          ++j;
        }
      }
      if (j == std::string::npos || j >= n) {
        info.error = "unterminated {";
        return info;
      }
      info.selectors.push_back({"", expr.substr(i + 1, j - i - 1), enclosing_function()});
      i = j + 1;
      prev_ident.clear();
      continue;
    }
    if (c == '[') {
      size_t j = expr.find(']', i);
      if (j == std::string::npos) {
        info.error = "unterminated [";
        return info;
      }
      info.ranges.push_back(expr.substr(i + 1, j - i - 1));
      i = j + 1;
      prev_ident.clear();
      continue;
    }
    if (c == '(') {
      if (prev_ident.empty()) {
        parens.push_back("");
      } else if (prev_ident == "#labels") {
        // A label list: skip to the closing parenthesis.
        size_t j = expr.find(')', i);
        if (j == std::string::npos) {
          info.error = "unterminated label list";
          return info;
        }
        i = j + 1;
        prev_ident.clear();
        continue;
      } else {
        parens.push_back(prev_ident);
      }
      ++i;
      prev_ident.clear();
      continue;
    }
    if (c == ')') {
      if (parens.empty()) {
        info.error = "unbalanced )";
        return info;
      }
      parens.pop_back();
      ++i;
      prev_ident.clear();
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(expr[i + 1])))) {
      // A number (1, 0.99, 1e3, 0x1f) or a duration (5m): digits, letters, dots.
      while (i < n && (std::isalnum(static_cast<unsigned char>(expr[i])) || expr[i] == '.')) ++i;
      prev_ident.clear();
      continue;
    }
    if (c == '$') {
      info.error = "Grafana variable outside a string or range";
      return info;
    }
    if (IsIdentStart(c)) {
      size_t j = i;
      while (j < n && IsIdentChar(expr[j])) ++j;
      const std::string ident = expr.substr(i, j - i);
      i = j;
      size_t k = i;
      while (k < n && std::isspace(static_cast<unsigned char>(expr[k]))) ++k;
      const char next = k < n ? expr[k] : '\0';
      if (ident == "by" || ident == "without" || ident == "on" || ident == "ignoring" ||
          ident == "group_left" || ident == "group_right") {
        // Followed by a label list (optional for group_left/right).
        prev_ident = next == '(' ? "#labels" : "";
        continue;
      }
      if (IsPromqlKeyword(ident)) {
        prev_ident.clear();
        continue;
      }
      if (IsPromqlFunction(ident) && (next == '(' || next == 'b' || next == 'w')) {
        // sum by (x) (...) / sum without (x) (...): the function applies to
        // the parenthesis after the label list; record it as grouping.
        prev_ident = next == '(' ? ident : "";
        continue;
      }
      // A metric name, with or without matchers.
      Selector sel{ident, "", enclosing_function()};
      if (next == '{') {
        size_t m = k + 1;
        while (m < n && expr[m] != '}') {
          if (expr[m] == '"' || expr[m] == '\'' || expr[m] == '`') {
            m = skip_string(m);
            if (m == std::string::npos) break;
          } else {
            ++m;
          }
        }
        if (m == std::string::npos || m >= n) {
          info.error = "unterminated {";
          return info;
        }
        sel.matchers = expr.substr(k + 1, m - k - 1);
        i = m + 1;
      }
      info.selectors.push_back(std::move(sel));
      prev_ident.clear();
      continue;
    }
    // Operators and commas.
    ++i;
    prev_ident.clear();
  }
  if (!parens.empty()) info.error = "unbalanced (";
  return info;
}

// The metric names an expression reads.
inline std::set<std::string> MetricNames(const std::string& expr) {
  std::set<std::string> out;
  for (const Selector& s : AnalyzeExpr(expr).selectors) {
    if (!s.metric.empty()) out.insert(s.metric);
  }
  return out;
}

}  // namespace outpost::dashboards

#endif  // OUTPOST_TESTS_DASHBOARDS_DASHBOARD_UTIL_H_
