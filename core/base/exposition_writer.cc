#include "core/base/exposition_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <tuple>

namespace outpost {
namespace {

// Where a sample sits among the parts of one histogram/summary series.
int PartRank(std::string_view family, std::string_view name) {
  if (name == family) return 0;  // plain sample, or a summary quantile
  if (name.size() > family.size() && name.substr(0, family.size()) == family) {
    const std::string_view suffix = name.substr(family.size());
    if (suffix == "_bucket") return 0;
    if (suffix == "_sum") return 1;
    if (suffix == "_count") return 2;
  }
  return 3;
}

// The numeric `le`/`quantile` bound; samples without one sort first.
double Bound(const Labels& labels) {
  std::string_view v = labels.Get("le");
  if (v.empty()) v = labels.Get("quantile");
  if (v.empty()) return -HUGE_VAL;
  std::string s(v);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end == s.c_str()) return -HUGE_VAL;
  return std::isnan(d) ? HUGE_VAL : d;  // keep the order strict-weak
}

struct SortKey {
  Labels series;  // labels without le / quantile
  int rank;
  double bound;
  const ExpositionSample* sample;
};

bool KeyLess(const SortKey& a, const SortKey& b) {
  if (a.series != b.series) return a.series < b.series;
  if (a.rank != b.rank) return a.rank < b.rank;
  if (a.bound != b.bound) return a.bound < b.bound;  // never NaN (see Bound)
  if (a.sample->name != b.sample->name) return a.sample->name < b.sample->name;
  return a.sample->labels < b.sample->labels;
}

void WriteSample(std::string_view family, const ExpositionSample& s, std::string& out) {
  out += s.name.empty() ? family : std::string_view(s.name);
  if (!s.labels.empty()) {
    out += '{';
    bool first = true;
    for (const Label& l : s.labels) {
      if (!first) out += ',';
      first = false;
      out += l.name;
      out += "=\"";
      out += EscapeLabelValue(l.value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  AppendExpositionValue(s.value, out);
  if (s.timestamp_ms) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), *s.timestamp_ms);
    out += ' ';
    out.append(buf, end);
  }
  out += '\n';
}

}  // namespace

std::string_view ExpositionTypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram:
    case MetricType::kGaugeHistogram: return "histogram";
    case MetricType::kSummary: return "summary";
    case MetricType::kInfo:
    case MetricType::kStateset: return "gauge";
    case MetricType::kUnknown: break;
  }
  return "untyped";
}

void AppendExpositionValue(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    out.append(buf, end);
  }
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string WriteExposition(std::span<const ExpositionFamily> families) {
  std::vector<const ExpositionFamily*> order;
  order.reserve(families.size());
  for (const ExpositionFamily& f : families) order.push_back(&f);
  std::stable_sort(order.begin(), order.end(),
                   [](const ExpositionFamily* a, const ExpositionFamily* b) {
                     return a->meta.name < b->meta.name;
                   });

  std::string out;
  std::vector<SortKey> keys;
  for (const ExpositionFamily* f : order) {
    const std::string& name = f->meta.name;
    if (!f->meta.help.empty()) {
      out += "# HELP ";
      out += name;
      out += ' ';
      out += EscapeHelp(f->meta.help);
      out += '\n';
    }
    out += "# TYPE ";
    out += name;
    out += ' ';
    out += ExpositionTypeName(f->meta.type);
    out += '\n';

    keys.clear();
    keys.reserve(f->samples.size());
    for (const ExpositionSample& s : f->samples) {
      Labels series = s.labels;
      series.Del("le");
      series.Del("quantile");
      const std::string_view sample_name = s.name.empty() ? std::string_view(name) : s.name;
      keys.push_back(SortKey{std::move(series), PartRank(name, sample_name),
                             Bound(s.labels), &s});
    }
    std::stable_sort(keys.begin(), keys.end(), KeyLess);
    for (const SortKey& k : keys) WriteSample(name, *k.sample, out);
  }
  return out;
}

}  // namespace outpost
