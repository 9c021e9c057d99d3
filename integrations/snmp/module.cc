#include "integrations/snmp/module.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "core/relabel/relabel.h"
#include "re2/re2.h"
#include "integrations/common/text.h"

namespace outpost::integrations::snmp {
namespace {

// The types collector.go renders (pduToSamples' switch, and the string
// types the generator emits: generator/tree.go metricType).
constexpr std::array<std::string_view, 16> kMetricTypes = {
    "counter",       "gauge",           "Float",           "Double",
    "DateAndTime",   "EnumAsInfo",      "EnumAsStateSet",  "Bits",
    "OctetString",   "DisplayString",   "PhysAddress48",   "InetAddressIPv4",
    "InetAddressIPv6", "InetAddress",   "InetAddressMissingSize", "LldpPortId"};
// The index types indexOidsAsString knows (anything else panics there).
constexpr std::array<std::string_view, 13> kIndexTypes = {
    "Integer32",       "Integer",         "gauge",         "counter",
    "PhysAddress48",   "OctetString",     "DisplayString", "InetAddressIPv4",
    "InetAddressIPv6", "EnumAsInfo",      "InetAddress",   "InetAddressMissingSize",
    "LldpPortId"};

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// A required dotted OID (metric and lookup OIDs are matched as written, so
// no leading dot).
void ReadOid(config::MapReader& m, std::string_view key, std::string* out, bool required) {
  m.String(key, out);
  if (out->empty()) {
    if (required) m.Error(key, "missing OID");
    return;
  }
  Oid oid;
  if (!ParseOid(*out, &oid)) m.ValueError(key, Cat("invalid OID \"", *out, "\""));
}

void ReadOidList(config::MapReader& m, std::string_view key, std::vector<std::string>* out) {
  m.StringList(key, out);
  for (const std::string& s : *out) {
    Oid oid;
    if (!ParseOid(s, &oid, /*leading_dot=*/true)) m.ValueError(key, Cat("invalid OID \"", s, "\""));
  }
}

// Go's map[int]string: integer keys.
void ReadEnumValues(config::MapReader& m, std::string_view key, std::map<int64_t, std::string>* out) {
  std::map<std::string, std::string> raw;
  m.StringMap(key, &raw);
  for (const auto& [k, v] : raw) {
    int64_t n = 0;
    if (!ParseInt(Trim(k), &n)) {
      m.ValueError(key, Cat("enum value key \"", k, "\" is not an integer"));
      continue;
    }
    (*out)[n] = v;
  }
}

Index ParseIndex(config::MapReader& m) {
  Index ix;
  m.String("labelname", &ix.labelname);
  m.String("type", &ix.type);
  m.Int("fixed_size", &ix.fixed_size);
  m.Bool("implied", &ix.implied);
  ReadEnumValues(m, "enum_values", &ix.enum_values);
  if (!relabel::IsValidLabelName(ix.labelname))
    m.Error("labelname", Cat("invalid label name \"", ix.labelname, "\""));
  if (!OneOf(kIndexTypes, ix.type)) m.Error("type", Cat("unknown index type \"", ix.type, "\""));
  if (ix.fixed_size < 0) m.ValueError("fixed_size", "must not be negative");
  m.Finish();
  return ix;
}

Lookup ParseLookup(config::MapReader& m) {
  Lookup l;
  m.StringList("labels", &l.labels);
  m.String("labelname", &l.labelname);
  ReadOid(m, "oid", &l.oid, /*required=*/!l.labels.empty());
  m.String("type", &l.type);
  if (!relabel::IsValidLabelName(l.labelname))
    m.Error("labelname", Cat("invalid label name \"", l.labelname, "\""));
  if (!l.type.empty() && !OneOf(kMetricTypes, l.type) && !OneOf(kIndexTypes, l.type))
    m.Error("type", Cat("unknown type \"", l.type, "\""));
  m.Finish();
  return l;
}

void ReadRegexExtracts(config::MapReader& m, std::map<std::string, std::vector<RegexExtract>>* out) {
  if (!m.Has("regex_extracts")) return;
  config::MapReader extracts = m.Map("regex_extracts");
  for (const std::string& name : extracts.Keys()) {
    std::vector<RegexExtract>& list = (*out)[name];
    for (config::MapReader& item : extracts.MapList(name)) {
      RegexExtract re;
      item.String("value", &re.value);
      item.Regex("regex", &re.regex);
      item.Finish();
      list.push_back(std::move(re));
    }
  }
  extracts.Finish();
}

Metric ParseMetric(config::MapReader& m) {
  Metric mt;
  m.String("name", &mt.name);
  ReadOid(m, "oid", &mt.oid, /*required=*/true);
  m.String("type", &mt.type);
  m.String("help", &mt.help);
  for (config::MapReader& ix : m.MapList("indexes")) mt.indexes.push_back(ParseIndex(ix));
  for (config::MapReader& l : m.MapList("lookups")) mt.lookups.push_back(ParseLookup(l));
  ReadRegexExtracts(m, &mt.regex_extracts);
  ReadEnumValues(m, "enum_values", &mt.enum_values);
  m.Double("offset", &mt.offset);
  m.Double("scale", &mt.scale);
  if (!IsValidMetricName(mt.name)) m.Error("name", Cat("invalid metric name \"", mt.name, "\""));
  if (!OneOf(kMetricTypes, mt.type)) m.Error("type", Cat("unknown metric type \"", mt.type, "\""));
  m.Finish();
  return mt;
}

DynamicFilter ParseFilter(config::MapReader& m) {
  DynamicFilter f;
  ReadOid(m, "oid", &f.oid, /*required=*/true);
  ReadOidList(m, "targets", &f.targets);
  m.StringList("values", &f.values);
  for (const std::string& v : f.values) {
    RE2 re(v, RE2::Quiet);
    if (!re.ok()) m.ValueError("values", Cat("invalid regex \"", v, "\": ", re.error()));
  }
  m.Finish();
  return f;
}

void EmitEnumValues(const std::map<int64_t, std::string>& values, YAML::Emitter& out) {
  if (values.empty()) return;
  out << YAML::Key << "enum_values" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : values) out << YAML::Key << k << YAML::Value << v;
  out << YAML::EndMap;
}

}  // namespace

bool ParseOid(std::string_view text, Oid* out, bool leading_dot) {
  if (leading_dot && !text.empty() && text.front() == '.') text.remove_prefix(1);
  if (text.empty()) return false;
  Oid oid;
  while (true) {
    size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    uint32_t v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || p != part.data() + part.size()) return false;
    oid.push_back(v);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  *out = std::move(oid);
  return true;
}

std::string OidToString(const Oid& oid) {
  std::string s;
  for (size_t i = 0; i < oid.size(); ++i) {
    if (i > 0) s.push_back('.');
    s += std::to_string(oid[i]);
  }
  return s;
}

Module ParseModule(config::MapReader& m) {
  Module mod;
  ReadOidList(m, "walk", &mod.walk);
  ReadOidList(m, "get", &mod.get);
  for (config::MapReader& mt : m.MapList("metrics")) mod.metrics.push_back(ParseMetric(mt));
  for (config::MapReader& f : m.MapList("filters")) mod.filters.push_back(ParseFilter(f));
  return mod;
}

void DumpModule(const Module& module, YAML::Emitter& out) {
  if (!module.walk.empty()) out << YAML::Key << "walk" << YAML::Value << module.walk;
  if (!module.get.empty()) out << YAML::Key << "get" << YAML::Value << module.get;
  out << YAML::Key << "metrics" << YAML::Value << YAML::BeginSeq;
  for (const Metric& mt : module.metrics) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << mt.name;
    out << YAML::Key << "oid" << YAML::Value << mt.oid;
    out << YAML::Key << "type" << YAML::Value << mt.type;
    out << YAML::Key << "help" << YAML::Value << mt.help;
    if (!mt.indexes.empty()) {
      out << YAML::Key << "indexes" << YAML::Value << YAML::BeginSeq;
      for (const Index& ix : mt.indexes) {
        out << YAML::BeginMap;
        out << YAML::Key << "labelname" << YAML::Value << ix.labelname;
        out << YAML::Key << "type" << YAML::Value << ix.type;
        if (ix.fixed_size != 0) out << YAML::Key << "fixed_size" << YAML::Value << ix.fixed_size;
        if (ix.implied) out << YAML::Key << "implied" << YAML::Value << true;
        EmitEnumValues(ix.enum_values, out);
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!mt.lookups.empty()) {
      out << YAML::Key << "lookups" << YAML::Value << YAML::BeginSeq;
      for (const Lookup& l : mt.lookups) {
        out << YAML::BeginMap;
        out << YAML::Key << "labels" << YAML::Value << YAML::Flow << l.labels;
        out << YAML::Key << "labelname" << YAML::Value << l.labelname;
        if (!l.oid.empty()) out << YAML::Key << "oid" << YAML::Value << l.oid;
        if (!l.type.empty()) out << YAML::Key << "type" << YAML::Value << l.type;
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    }
    if (!mt.regex_extracts.empty()) {
      out << YAML::Key << "regex_extracts" << YAML::Value << YAML::BeginMap;
      for (const auto& [name, list] : mt.regex_extracts) {
        out << YAML::Key << name << YAML::Value << YAML::BeginSeq;
        for (const RegexExtract& re : list) {
          out << YAML::BeginMap << YAML::Key << "value" << YAML::Value << re.value;
          out << YAML::Key << "regex" << YAML::Value << re.regex << YAML::EndMap;
        }
        out << YAML::EndSeq;
      }
      out << YAML::EndMap;
    }
    EmitEnumValues(mt.enum_values, out);
    if (mt.offset != 0) out << YAML::Key << "offset" << YAML::Value << mt.offset;
    if (mt.scale != 0) out << YAML::Key << "scale" << YAML::Value << mt.scale;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (!module.filters.empty()) {
    out << YAML::Key << "filters" << YAML::Value << YAML::BeginSeq;
    for (const DynamicFilter& f : module.filters) {
      out << YAML::BeginMap << YAML::Key << "oid" << YAML::Value << f.oid;
      if (!f.targets.empty()) out << YAML::Key << "targets" << YAML::Value << f.targets;
      if (!f.values.empty()) out << YAML::Key << "values" << YAML::Value << f.values;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
}

}  // namespace outpost::integrations::snmp
