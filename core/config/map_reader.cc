#include "core/config/map_reader.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/config/duration.h"
#include "re2/re2.h"
#include "core/config/str_util.h"

namespace outpost::config {

using internal::Cat;
using internal::Sv;
namespace {

std::string Format(const Errors* errors, const YAML::Mark& mark, std::string_view path,
                   std::string_view message) {
  const std::string where = Where(*errors, mark, path);
  if (where.empty()) return std::string(message);
  return Cat(where, path.empty() ? " " : ": ", message);
}

std::string_view KindName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Null:
      return "null";
    default:
      return "a scalar";
  }
}

// A plain (unquoted) scalar: only those resolve to bools and numbers in YAML.
bool IsPlain(const YAML::Node& n) { return n.Tag() == "?" || n.Tag().empty(); }

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 64;  // keep messages on one short line
  std::string body(s.substr(0, kMax));
  for (char& c : body) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return Cat("\"", body, s.size() > kMax ? "...\"" : "\"");
}

bool ParseYamlBool(std::string_view s, bool* out) {
  // Go yaml.v2 resolve.go (YAML 1.1 booleans).
  static constexpr std::string_view kTrue[] = {"y", "Y", "yes", "Yes", "YES", "true",
                                               "True", "TRUE", "on", "On", "ON"};
  static constexpr std::string_view kFalse[] = {"n", "N", "no", "No", "NO", "false",
                                                "False", "FALSE", "off", "Off", "OFF"};
  for (std::string_view t : kTrue) {
    if (s == t) return *out = true, true;
  }
  for (std::string_view f : kFalse) {
    if (s == f) return *out = false, true;
  }
  return false;
}

bool ParseYamlInt(std::string_view s, int64_t* out) {
  std::string clean;
  for (char c : s) {
    if (c != '_') clean.push_back(c);  // yaml.v2 allows 1_000
  }
  std::string_view v = clean;
  bool neg = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  if (v.empty()) return false;
  uint64_t u = 0;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    if (!absl::SimpleHexAtoi(Sv(v.substr(2)), &u)) return false;
  } else {
    for (char c : v) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
    if (!absl::SimpleAtoi(Sv(v), &u)) return false;
  }
  if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (neg ? 1 : 0)) return false;
  *out = neg ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
  return true;
}

}  // namespace

std::string Where(const Errors& errors, const YAML::Mark& mark, std::string_view path) {
  std::string out;
  if (!errors.file.empty()) out += Cat(errors.file, ":");
  if (mark.line >= 0) out += Cat(mark.line + 1, ":", mark.column + 1, ":");
  if (!path.empty()) out += Cat(out.empty() ? "" : " ", path);
  return out;
}

void AddError(Errors* errors, const YAML::Mark& mark, std::string_view path,
              std::string_view message) {
  errors->errors.push_back(Format(errors, mark, path, message));
}

void AddWarning(Errors* errors, const YAML::Mark& mark, std::string_view path,
                std::string_view message) {
  errors->warnings.push_back(Format(errors, mark, path, message));
}

MapReader::MapReader(const YAML::Node& node, std::string path, Errors* errors)
    : node_(node), path_(std::move(path)), errors_(errors) {
  if (!node_.IsDefined() || node_.IsNull()) return;
  if (!node_.IsMap()) {
    AddError(errors_, node_.Mark(), path_, Cat("expected a map, got ", KindName(node_)));
    return;
  }
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    // Copies: yaml-cpp's iterator yields a temporary pair.
    const YAML::Node k = it->first;
    const YAML::Node v = it->second;
    if (!k.IsScalar()) {
      AddError(errors_, k.Mark(), path_, "map keys must be strings");
      continue;
    }
    std::string key = k.Scalar();
    if (Find(key) != nullptr) {
      AddError(errors_, k.Mark(), KeyPath(key), "duplicate key");
      continue;
    }
    entries_.push_back(Entry{std::move(key), k, v});
  }
}

std::string MapReader::KeyPath(std::string_view key) const {
  if (key.empty()) return path_;
  return path_.empty() ? std::string(key) : Cat(path_, ".", key);
}

const MapReader::Entry* MapReader::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

bool MapReader::Has(std::string_view key) const { return Find(key) != nullptr; }

const MapReader::Entry* MapReader::Lookup(std::string_view key) {
  const Entry* e = Find(key);
  if (e != nullptr) consumed_.emplace(key);
  return e;
}

const MapReader::Entry* MapReader::Scalar(std::string_view key, std::string_view what) {
  const Entry* e = Lookup(key);
  if (e == nullptr || e->value.IsNull()) return nullptr;
  if (!e->value.IsScalar()) {
    AddError(errors_, e->value.Mark(), KeyPath(key),
             Cat("expected ", what, ", got ", KindName(e->value)));
    return nullptr;
  }
  return e;
}

void MapReader::Bool(std::string_view key, bool* out) {
  const Entry* e = Scalar(key, "a boolean");
  if (e == nullptr) return;
  if (!IsPlain(e->value) || !ParseYamlBool(e->value.Scalar(), out)) {
    ValueError(key, Cat("expected a boolean (true or false), got ",
                                 Quote(e->value.Scalar())));
  }
}

void MapReader::Int(std::string_view key, int* out) {
  const Entry* e = Scalar(key, "an integer");
  if (e == nullptr) return;
  int64_t v = 0;
  if (!IsPlain(e->value) || !ParseYamlInt(e->value.Scalar(), &v)) {
    ValueError(key, Cat("expected an integer, got ", Quote(e->value.Scalar())));
  } else if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    ValueError(key, Cat("integer out of range: ", e->value.Scalar()));
  } else {
    *out = static_cast<int>(v);
  }
}

void MapReader::Uint64(std::string_view key, uint64_t* out) {
  const Entry* e = Scalar(key, "an integer");
  if (e == nullptr) return;
  uint64_t v = 0;
  if (!IsPlain(e->value) || !absl::SimpleAtoi(e->value.Scalar(), &v) ||
      e->value.Scalar().find('-') != std::string::npos) {
    ValueError(key,
               Cat("expected a non-negative integer, got ", Quote(e->value.Scalar())));
  } else {
    *out = v;
  }
}

void MapReader::Double(std::string_view key, double* out) {
  const Entry* e = Scalar(key, "a number");
  if (e == nullptr) return;
  const std::string& s = e->value.Scalar();
  double v = 0;
  std::string lower = absl::AsciiStrToLower(s);
  if (IsPlain(e->value) && (lower == ".inf" || lower == "+.inf")) {
    v = std::numeric_limits<double>::infinity();
  } else if (IsPlain(e->value) && lower == "-.inf") {
    v = -std::numeric_limits<double>::infinity();
  } else if (IsPlain(e->value) && lower == ".nan") {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (!IsPlain(e->value) || lower.find_first_of("xn") != std::string::npos ||
             !absl::SimpleAtod(s, &v)) {
    ValueError(key, Cat("expected a number, got ", Quote(s)));
    return;
  }
  *out = v;
}

void MapReader::String(std::string_view key, std::string* out) {
  const Entry* e = Scalar(key, "a string");
  if (e != nullptr) *out = e->value.Scalar();
}

void MapReader::Secret(std::string_view key, config::Secret* out) {
  const Entry* e = Scalar(key, "a string");
  if (e != nullptr) *out = config::Secret(e->value.Scalar());
}

void MapReader::Duration(std::string_view key, absl::Duration* out, bool allow_zero) {
  const Entry* e = Scalar(key, "a duration");
  if (e == nullptr) return;
  const std::string& s = e->value.Scalar();
  absl::StatusOr<absl::Duration> d = ParseDuration(s);
  if (!d.ok()) {
    ValueError(key, Cat("invalid duration ", Quote(s)));
  } else if (!allow_zero && *d <= absl::ZeroDuration()) {
    ValueError(key, "duration must be greater than 0");
  } else {
    *out = *d;
  }
}

void MapReader::Bytes(std::string_view key, uint64_t* out) {
  const Entry* e = Scalar(key, "a byte size");
  if (e == nullptr) return;
  const std::string& s = e->value.Scalar();
  size_t i = 0;
  while (i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) ++i;
  std::string_view unit = std::string_view(s).substr(i);
  // alecthomas/units ParseBase2Bytes: KB and KiB both mean 1024.
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"", 1},
      {"B", 1},
      {"KB", uint64_t{1} << 10},
      {"KiB", uint64_t{1} << 10},
      {"MB", uint64_t{1} << 20},
      {"MiB", uint64_t{1} << 20},
      {"GB", uint64_t{1} << 30},
      {"GiB", uint64_t{1} << 30},
      {"TB", uint64_t{1} << 40},
      {"TiB", uint64_t{1} << 40},
      {"PB", uint64_t{1} << 50},
      {"PiB", uint64_t{1} << 50},
  };
  uint64_t n = 0;
  if (i > 0 && absl::SimpleAtoi(Sv(std::string_view(s).substr(0, i)), &n)) {
    for (const auto& [name, mult] : kUnits) {
      if (unit == name) {
        if (n > std::numeric_limits<uint64_t>::max() / mult) break;
        *out = n * mult;
        return;
      }
    }
  }
  ValueError(key, Cat("invalid byte size ", Quote(s)));
}

void MapReader::StringList(std::string_view key, std::vector<std::string>* out) {
  const Entry* e = Lookup(key);
  if (e == nullptr || e->value.IsNull()) return;
  if (!e->value.IsSequence()) {
    AddError(errors_, e->value.Mark(), KeyPath(key),
             Cat("expected a list of strings, got ", KindName(e->value)));
    return;
  }
  std::vector<std::string> items;
  for (size_t i = 0; i < e->value.size(); ++i) {
    const YAML::Node item = e->value[i];
    if (item.IsNull()) {
      items.emplace_back();
    } else if (item.IsScalar()) {
      items.push_back(item.Scalar());
    } else {
      AddError(errors_, item.Mark(), Cat(KeyPath(key), "[", i, "]"),
               Cat("expected a string, got ", KindName(item)));
      return;
    }
  }
  *out = std::move(items);
}

void MapReader::StringMap(std::string_view key, std::map<std::string, std::string>* out) {
  ReadStringMap(key, /*label_names=*/false, out);
}

void MapReader::LabelMap(std::string_view key, std::map<std::string, std::string>* out) {
  ReadStringMap(key, /*label_names=*/true, out);
}

void MapReader::ReadStringMap(std::string_view key, bool label_names,
                              std::map<std::string, std::string>* out) {
  const Entry* e = Lookup(key);
  if (e == nullptr || e->value.IsNull()) return;
  MapReader sub(e->value, KeyPath(key), errors_);
  if (!e->value.IsMap()) return;  // reported by sub
  std::map<std::string, std::string> result;
  for (const Entry& item : sub.entries_) {
    if (label_names && !relabel::IsValidLabelName(item.key)) {
      // prometheus/common model.LabelSet UnmarshalYAML.
      AddError(errors_, item.key_node.Mark(), sub.KeyPath(item.key),
               Cat(Quote(item.key), " is not a valid label name"));
    }
    if (item.value.IsNull()) {
      result[item.key] = "";
    } else if (item.value.IsScalar()) {
      result[item.key] = item.value.Scalar();
    } else {
      AddError(errors_, item.value.Mark(), sub.KeyPath(item.key),
               Cat("expected a string, got ", KindName(item.value)));
    }
  }
  *out = std::move(result);
}

void MapReader::Regex(std::string_view key, std::string* out) {
  const Entry* e = Scalar(key, "a regular expression");
  if (e == nullptr) return;
  const std::string& s = e->value.Scalar();
  RE2 re(s, RE2::Quiet);
  if (!re.ok()) {
    ValueError(key, Cat("invalid regex ", Quote(s), ": ", re.error()));
    return;
  }
  *out = s;
}

void MapReader::RelabelConfigs(std::string_view key, std::vector<relabel::Config>* out) {
  if (!Has(key)) return;
  const bool list_ok = Find(key)->value.IsNull() || Find(key)->value.IsSequence();
  std::vector<relabel::Config> result;
  for (MapReader& item : MapList(key)) {
    relabel::Config c;
    item.StringList("source_labels", &c.source_labels);
    item.String("separator", &c.separator);
    item.String("regex", &c.regex);
    item.Uint64("modulus", &c.modulus);
    item.String("target_label", &c.target_label);
    item.String("replacement", &c.replacement);
    std::string action;
    item.String("action", &action);
    item.Finish();
    bool action_ok = true;
    if (!action.empty()) {
      if (std::optional<relabel::Action> a = relabel::ParseAction(action)) {
        c.action = *a;
      } else {
        item.ValueError("action", Cat("unknown relabel action ", Quote(action)));
        action_ok = false;
      }
    }
    if (action_ok) {
      if (absl::Status st = relabel::Compile(c); !st.ok()) {
        AddError(errors_, item.node().Mark(), item.path(), std::string(st.message()));
      }
    }
    result.push_back(std::move(c));
  }
  if (list_ok) *out = std::move(result);
}

MapReader MapReader::Map(std::string_view key) {
  const Entry* e = Lookup(key);
  return MapReader(e != nullptr ? e->value : YAML::Node(YAML::NodeType::Null), KeyPath(key),
                   errors_);
}

YAML::Node MapReader::Raw(std::string_view key) {
  const Entry* e = Lookup(key);
  return e != nullptr ? e->value : YAML::Node(YAML::NodeType::Null);
}

std::vector<MapReader> MapReader::MapList(std::string_view key) {
  std::vector<MapReader> out;
  const Entry* e = Lookup(key);
  if (e == nullptr || e->value.IsNull()) return out;
  if (!e->value.IsSequence()) {
    AddError(errors_, e->value.Mark(), KeyPath(key),
             Cat("expected a list, got ", KindName(e->value)));
    return out;
  }
  for (size_t i = 0; i < e->value.size(); ++i) {
    const YAML::Node item = e->value[i];
    std::string path = Cat(KeyPath(key), "[", i, "]");
    if (item.IsNull()) {
      AddError(errors_, item.Mark().line >= 0 ? item.Mark() : e->value.Mark(), path,
               "empty item");
      continue;
    }
    if (!item.IsMap()) {
      AddError(errors_, item.Mark(), path, Cat("expected a map, got ", KindName(item)));
      continue;
    }
    out.emplace_back(item, std::move(path), errors_);
  }
  return out;
}

void MapReader::Unsupported(std::string_view key, std::string_view why) {
  const Entry* e = Lookup(key);
  if (e != nullptr && !e->value.IsNull()) AddError(errors_, e->key_node.Mark(), KeyPath(key), why);
}

bool MapReader::Deprecated(std::string_view old_key, std::string_view new_key) {
  const Entry* e = Find(old_key);
  if (e == nullptr) return false;
  if (Has(new_key)) {
    consumed_.emplace(old_key);
    AddError(errors_, e->key_node.Mark(), KeyPath(old_key),
             Cat("cannot be used together with ", new_key));
    return false;
  }
  AddWarning(errors_, e->key_node.Mark(), KeyPath(old_key),
             Cat("deprecated, use ", new_key, " instead"));
  return true;
}

std::vector<std::string> MapReader::Keys() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) out.push_back(e.key);
  return out;
}

bool MapReader::IsConsumed(std::string_view key) const { return consumed_.contains(key); }

void MapReader::Consume(std::string_view key) { consumed_.emplace(key); }

void MapReader::Finish() {
  if (finished_) return;
  finished_ = true;
  for (const Entry& e : entries_) {
    if (!consumed_.contains(e.key)) {
      AddError(errors_, e.key_node.Mark(), KeyPath(e.key), "unknown key");
    }
  }
}

void MapReader::Error(std::string_view key, std::string_view message) {
  const Entry* e = key.empty() ? nullptr : Find(key);
  AddError(errors_, e != nullptr ? e->key_node.Mark() : node_.Mark(), KeyPath(key), message);
}

void MapReader::Warn(std::string_view key, std::string_view message) {
  const Entry* e = key.empty() ? nullptr : Find(key);
  AddWarning(errors_, e != nullptr ? e->key_node.Mark() : node_.Mark(), KeyPath(key), message);
}

void MapReader::ValueError(std::string_view key, std::string_view message) {
  const Entry* e = key.empty() ? nullptr : Find(key);
  YAML::Mark mark = node_.Mark();
  if (e != nullptr) mark = e->value.Mark().line >= 0 ? e->value.Mark() : e->key_node.Mark();
  AddError(errors_, mark, KeyPath(key), message);
}

}  // namespace outpost::config
