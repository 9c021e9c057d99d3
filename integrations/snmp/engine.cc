#include "integrations/snmp/engine.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/relabel/expand.h"
#include "integrations/common/text.h"
#include "integrations/snmp/values.h"
#include "re2/re2.h"

namespace outpost::integrations::snmp {
namespace engine_internal {

using values::RenderType;

// What pduToSamples does with a metric, by its type.
enum class Kind : uint8_t { kNumber, kDateAndTime, kEnumAsInfo, kEnumAsStateSet, kBits, kString };

struct IndexSpec {
  int slot;
  RenderType type;
  int64_t fixed_size;
  bool implied;
  values::EnumMap enums;
};

struct LookupSpec {
  int slot;
  bool drop;                     // no labels: delete the label
  std::vector<int> label_slots;  // -1: a label never set
  Oid oid;
  std::optional<Oid> prev_oid;  // combined types: the subtype's object
  RenderType type;
};

struct Extract {
  std::unique_ptr<RE2> re;  // ^(?:regex)$
  std::string value;
};

struct ExtractFamily {
  MetricFamily family;
  std::vector<Extract> extracts;
};

// One configured metric, compiled. Built in place in Compiled::metrics and
// never moved: the families' addresses and the label name views are stable.
struct MetricSpec {
  std::string name;
  Kind kind = Kind::kString;
  RenderType string_type = RenderType::kOctetString;
  std::optional<Oid> prev_oid;  // combined string types
  std::vector<IndexSpec> indexes;
  std::vector<LookupSpec> lookups;
  int slots = 0;
  std::vector<int> present;  // the slots that are labels at the end, in order
  std::vector<std::string> label_names;
  bool name_is_label = false;
  std::vector<std::string_view> names;       // label_names
  std::vector<std::string_view> names_self;  // label_names + name
  MetricFamily family;
  std::vector<ExtractFamily> extracts;
  values::EnumMap enums;
  double offset = 0;
  double scale = 0;
};

// The metric tree (collector.go buildMetricTree), children sorted by
// component.
struct Node {
  std::vector<std::pair<uint32_t, int32_t>> children;
  int32_t metric = -1;
};

struct Compiled {
  EngineOptions options;
  std::vector<MetricSpec> metrics;
  std::vector<Node> trie;
  int max_slots = 0;
  size_t families = 0;
};

}  // namespace engine_internal

namespace {

using engine_internal::Compiled;
using engine_internal::Kind;
using engine_internal::MetricSpec;
using values::RenderType;

absl::string_view Key(std::span<const uint32_t> oid) {
  return absl::string_view(reinterpret_cast<const char*>(oid.data()), oid.size() * sizeof(uint32_t));
}

// getPrevOid: the same OID with the last component one lower (none when it
// is 0: "-1" matches no PDU).
std::optional<Oid> PrevOid(const Oid& oid) {
  if (oid.empty() || oid.back() == 0) return std::nullopt;
  Oid prev = oid;
  --prev.back();
  return prev;
}

absl::Status Invalid(const Metric& m, std::string_view what) {
  return absl::InvalidArgumentError(Cat("metric ", m.name, ": ", what));
}

absl::Status CompileMetric(const Metric& m, MetricSpec& s) {
  s.name = m.name;
  MetricType type = MetricType::kGauge;
  std::string name = m.name, help = m.help;
  if (m.type == "counter") {
    s.kind = Kind::kNumber;
    type = MetricType::kCounter;
  } else if (m.type == "gauge" || m.type == "Float" || m.type == "Double") {
    s.kind = Kind::kNumber;
  } else if (m.type == "DateAndTime") {
    s.kind = Kind::kDateAndTime;
  } else if (m.type == "EnumAsInfo") {
    s.kind = Kind::kEnumAsInfo;
    name += "_info";
    help += " (EnumAsInfo)";
  } else if (m.type == "EnumAsStateSet") {
    s.kind = Kind::kEnumAsStateSet;
    help += " (EnumAsStateSet)";
  } else if (m.type == "Bits") {
    s.kind = Kind::kBits;
    help += " (Bits)";
  } else {
    // Any other type is some form of string (pduToSamples' default case).
    s.kind = Kind::kString;
    s.string_type = values::RenderTypeFromName(m.type);
  }
  s.family = MetricFamily{std::move(name), type, std::move(help), ""};

  Oid oid;
  if (!ParseOid(m.oid, &oid)) return Invalid(m, Cat("invalid OID \"", m.oid, "\""));
  if (s.kind == Kind::kString && values::IsCombined(s.string_type)) s.prev_oid = PrevOid(oid);

  // Label slots: one per label name, in order of first use; which of them
  // are labels at the end is fixed by the configuration.
  std::map<std::string, int, std::less<>> slot_of;
  std::vector<bool> present;
  auto slot = [&](const std::string& label) {
    auto [it, added] = slot_of.emplace(label, static_cast<int>(present.size()));
    if (added) {
      present.push_back(false);
      s.label_names.push_back(label);
    }
    return it->second;
  };
  for (const Index& ix : m.indexes) {
    RenderType t = values::RenderTypeFromName(ix.type);
    if (t == RenderType::kUnsupported || ix.type.empty() || ix.type == "Bits")
      return Invalid(m, Cat("unknown index type \"", ix.type, "\""));
    int sl = slot(ix.labelname);
    present[sl] = true;
    s.indexes.push_back({sl, t, ix.fixed_size, ix.implied, ix.enum_values});
  }
  for (const Lookup& l : m.lookups) {
    engine_internal::LookupSpec ls;
    ls.drop = l.labels.empty();
    for (const std::string& label : l.labels) ls.label_slots.push_back(slot(label));
    ls.slot = slot(l.labelname);
    present[ls.slot] = !ls.drop;
    ls.type = values::RenderTypeFromName(l.type);
    if (!ls.drop) {
      if (!ParseOid(l.oid, &ls.oid)) return Invalid(m, Cat("invalid lookup OID \"", l.oid, "\""));
      if (values::IsCombined(ls.type)) ls.prev_oid = PrevOid(ls.oid);
    }
    s.lookups.push_back(std::move(ls));
  }
  s.slots = static_cast<int>(present.size());
  std::vector<std::string> names;
  for (int i = 0; i < s.slots; ++i) {
    if (!present[i]) continue;
    s.present.push_back(i);
    names.push_back(s.label_names[i]);
    if (s.label_names[i] == m.name) s.name_is_label = true;
  }
  s.label_names = std::move(names);
  for (const std::string& n : s.label_names) s.names.push_back(n);
  s.names_self = s.names;
  s.names_self.push_back(s.name);

  s.extracts.resize(m.regex_extracts.size());
  size_t e = 0;
  for (const auto& [suffix, list] : m.regex_extracts) {
    engine_internal::ExtractFamily& ef = s.extracts[e++];
    ef.family = MetricFamily{m.name + suffix, MetricType::kGauge, m.help + " (regex extracted)", ""};
    for (const RegexExtract& re : list) {
      auto compiled = std::make_unique<RE2>(Cat("^(?:", re.regex, ")$"), RE2::Quiet);
      if (!compiled->ok()) return Invalid(m, Cat("invalid regex \"", re.regex, "\": ", compiled->error()));
      ef.extracts.push_back({std::move(compiled), re.value});
    }
  }
  s.enums = m.enum_values;
  s.offset = m.offset;
  s.scale = m.scale;
  return absl::OkStatus();
}

void AddToTree(Compiled& c, std::span<const uint32_t> oid, int32_t metric) {
  int32_t node = 0;
  for (uint32_t o : oid) {
    auto& ch = c.trie[node].children;
    auto it = std::lower_bound(ch.begin(), ch.end(), std::make_pair(o, INT32_MIN));
    if (it == ch.end() || it->first != o) {
      int32_t next = static_cast<int32_t>(c.trie.size());
      ch.insert(it, {o, next});
      c.trie.emplace_back();  // invalidates `ch`
      node = next;
    } else {
      node = it->second;
    }
  }
  c.trie[node].metric = metric;  // a later metric with the same OID wins
}

// One collection's working state; buffers keep their capacity across PDUs.
class Run {
 public:
  Run(const Compiled& c, const std::vector<Pdu>& pdus, SeriesCache& out)
      : c_(c), out_(out), values_(c.max_slots), oids_(c.max_slots) {
    by_oid_.reserve(pdus.size());
    for (const Pdu& p : pdus) by_oid_[Key(p.oid)] = &p;
    seen_.reserve(pdus.size());
  }

  absl::Status Pdus(const std::vector<Pdu>& pdus) {
    for (const Pdu& pdu : pdus) {
      if (by_oid_.find(Key(pdu.oid))->second != &pdu) continue;  // a later PDU has this OID
      // The first metric on the OID's path (collector.go collect).
      int32_t node = 0;
      for (size_t i = 0; i < pdu.oid.size(); ++i) {
        const auto& ch = c_.trie[node].children;
        auto it = std::lower_bound(ch.begin(), ch.end(), std::make_pair(pdu.oid[i], INT32_MIN));
        if (it == ch.end() || it->first != pdu.oid[i]) break;
        node = it->second;
        if (int32_t m = c_.trie[node].metric; m >= 0) {
          absl::Status st = Samples(c_.metrics[m], pdu, std::span<const uint32_t>(pdu.oid).subspan(i + 1));
          if (!st.ok()) return st;
          break;
        }
      }
    }
    return absl::OkStatus();
  }

 private:
  // The PDU at base + the oids of the labels in `slots`; nullptr when any
  // is missing or cannot be an OID component.
  const Pdu* Find(const Oid& base, std::span<const int> slots) {
    key_.assign(base.begin(), base.end());
    for (int s : slots) {
      if (s < 0 || oids_[s].empty()) return nullptr;
      for (int64_t v : oids_[s]) {
        if (v < 0 || v > UINT32_MAX) return nullptr;
        key_.push_back(static_cast<uint32_t>(v));
      }
    }
    auto it = by_oid_.find(Key(key_));
    return it == by_oid_.end() ? nullptr : it->second;
  }

  // collector.go indexesToLabels.
  absl::Status IndexesToLabels(const MetricSpec& s, std::span<const uint32_t> index) {
    in_.assign(index.begin(), index.end());
    for (int i = 0; i < s.slots; ++i) {
      values_[i].clear();
      oids_[i].clear();
    }
    std::span<const int64_t> rest = in_;
    for (const auto& ix : s.indexes) {
      oids_[ix.slot].clear();
      if (!values::DecodeIndex(rest, ix.type, ix.fixed_size, ix.implied, &ix.enums,
                               &values_[ix.slot], &oids_[ix.slot], &rest))
        return absl::InvalidArgumentError(Cat("metric ", s.name, ": malformed index"));
    }
    for (const auto& l : s.lookups) {
      if (l.drop) continue;
      const Pdu* found = Find(l.oid, l.label_slots);
      if (found == nullptr) {
        values_[l.slot].clear();
        continue;
      }
      RenderType t = l.type;
      if (l.prev_oid.has_value()) {
        if (const Pdu* prev = Find(*l.prev_oid, l.label_slots); prev != nullptr) {
          auto sub = values::CombinedSubtype(t, values::GoInt(values::Number(*prev, c_.options.wrap_counters)));
          if (sub.has_value()) t = *sub;
        }
      }
      if (!values::AsString(*found, t, &values_[l.slot], &scratch_))
        return absl::InvalidArgumentError(Cat("metric ", s.name, ": cannot render a lookup value"));
      oids_[l.slot].assign(1, values::Int64(*found));
    }
    views_.clear();
    for (int sl : s.present) views_.push_back(values_[sl]);
    return absl::OkStatus();
  }

  absl::Status Emit(const MetricFamily& f, const std::vector<std::string_view>& names, double v) {
    for (std::string_view s : views_) {
      if (!values::IsValidUtf8(s))
        return absl::InvalidArgumentError(Cat("metric ", f.name, ": a label value is not valid UTF-8"));
    }
    SeriesRef ref = out_.Get(f, names, views_);
    if (!seen_.insert(ref).second)
      return absl::InvalidArgumentError(
          Cat("collected metric ", f.name, " was collected before with the same name and label values"));
    out_.Add(ref, v);
    return absl::OkStatus();
  }

  double Scaled(const MetricSpec& s, double v) const {
    if (s.scale != 0) v *= s.scale;
    return v + s.offset;
  }

  // The label value of an enum (EnumAsInfo, EnumAsStateSet): its name, or
  // the number.
  std::string_view State(const MetricSpec& s, int64_t v) {
    auto it = s.enums.find(v);
    if (it != s.enums.end()) return it->second;
    str_ = std::to_string(v);
    return str_;
  }

  absl::Status DuplicateLabel(const MetricSpec& s) {
    return absl::InvalidArgumentError(Cat("metric ", s.name, ": duplicate label name ", s.name));
  }

  // collector.go pduToSamples.
  absl::Status Samples(const MetricSpec& s, const Pdu& pdu, std::span<const uint32_t> index) {
    if (absl::Status st = IndexesToLabels(s, index); !st.ok()) return st;
    double value = values::Number(pdu, c_.options.wrap_counters);
    switch (s.kind) {
      case Kind::kNumber:
        return Emit(s.family, s.names, Scaled(s, value));
      case Kind::kDateAndTime: {
        const std::string* b = values::Bytes(pdu);
        double t = 0;
        if (b == nullptr || !values::ParseDateAndTime(*b, &t)) return absl::OkStatus();  // logged upstream
        return Emit(s.family, s.names, Scaled(s, t));
      }
      case Kind::kEnumAsInfo: {
        if (s.name_is_label) return DuplicateLabel(s);
        views_.push_back(State(s, values::GoInt(value)));
        return Emit(s.family, s.names_self, 1);
      }
      case Kind::kEnumAsStateSet: {
        if (s.name_is_label) return DuplicateLabel(s);
        int64_t v = values::GoInt(value);
        views_.push_back(State(s, v));
        if (absl::Status st = Emit(s.family, s.names_self, 1); !st.ok()) return st;
        for (const auto& [k, state] : s.enums) {
          if (k == v) continue;
          views_.back() = state;
          if (absl::Status st = Emit(s.family, s.names_self, 0); !st.ok()) return st;
        }
        return absl::OkStatus();
      }
      case Kind::kBits: {
        const std::string* b = values::Bytes(pdu);
        if (b == nullptr)
          return absl::InvalidArgumentError(Cat("metric ", s.name, ": BITS type was not a BISTRING on the wire."));
        if (s.name_is_label) return DuplicateLabel(s);
        views_.push_back({});
        for (const auto& [k, state] : s.enums) {
          if (k < 0) return absl::InvalidArgumentError(Cat("metric ", s.name, ": negative bit ", k));
          double bit = 0;
          if (static_cast<uint64_t>(k) < b->size() * 8 &&
              (static_cast<uint8_t>((*b)[k / 8]) & (128 >> (k % 8))) != 0)
            bit = 1;
          views_.back() = state;
          if (absl::Status st = Emit(s.family, s.names_self, bit); !st.ok()) return st;
        }
        return absl::OkStatus();
      }
      case Kind::kString:
        return StringSamples(s, pdu, index);
    }
    return absl::OkStatus();
  }

  absl::Status StringSamples(const MetricSpec& s, const Pdu& pdu, std::span<const uint32_t> index) {
    RenderType t = s.string_type;
    if (values::IsCombined(t)) {
      // The subtype is in the previous column of the same row.
      t = RenderType::kOctetString;
      if (s.prev_oid.has_value() && !index.empty()) {
        key_.assign(s.prev_oid->begin(), s.prev_oid->end());
        key_.insert(key_.end(), index.begin(), index.end());
        if (auto it = by_oid_.find(Key(key_)); it != by_oid_.end()) {
          auto sub = values::CombinedSubtype(s.string_type,
                                             values::GoInt(values::Number(*it->second, c_.options.wrap_counters)));
          if (sub.has_value()) t = *sub;
        }
      }
    }
    if (!s.extracts.empty() || !s.name_is_label) {
      if (!values::AsString(pdu, t, &str_, &scratch_))
        return absl::InvalidArgumentError(Cat("metric ", s.name, ": cannot render the value as its type"));
    }
    if (!s.extracts.empty()) return Extracts(s);
    if (s.name_is_label) return Emit(s.family, s.names, Scaled(s, 1));
    views_.push_back(str_);
    return Emit(s.family, s.names_self, Scaled(s, 1));
  }

  // collector.go applyRegexExtracts: per suffix, the first regex that
  // matches and expands to a float.
  absl::Status Extracts(const MetricSpec& s) {
    const re2::StringPiece text(str_.data(), str_.size());
    for (const auto& ef : s.extracts) {
      for (const auto& ex : ef.extracts) {
        const int n = ex.re->NumberOfCapturingGroups() + 1;
        pieces_.resize(n);
        if (!ex.re->Match(text, 0, text.size(), RE2::UNANCHORED, pieces_.data(), n)) continue;
        groups_.clear();
        for (const auto& p : pieces_)
          groups_.push_back(p.data() == nullptr ? std::string_view() : std::string_view(p.data(), p.size()));
        expanded_.clear();
        relabel::ExpandTemplate(*ex.re, ex.value, groups_, expanded_);
        double v = 0;
        if (!ParseGoFloat(expanded_, &v)) continue;
        if (absl::Status st = Emit(ef.family, s.names, v); !st.ok()) return st;
        break;
      }
    }
    return absl::OkStatus();
  }

  const Compiled& c_;
  SeriesCache& out_;
  absl::flat_hash_map<absl::string_view, const Pdu*> by_oid_;
  absl::flat_hash_set<SeriesRef> seen_;
  std::vector<std::string> values_;        // per label slot
  std::vector<std::vector<int64_t>> oids_;  // per label slot: its OID components
  std::vector<int64_t> in_;
  Oid key_;
  std::vector<std::string_view> views_;
  std::string str_;
  std::string expanded_;
  std::vector<re2::StringPiece> pieces_;
  std::vector<std::string_view> groups_;
  values::Scratch scratch_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(const Module& module, EngineOptions options) {
  auto c = std::make_unique<Compiled>();
  c->options = options;
  c->metrics.resize(module.metrics.size());
  c->trie.emplace_back();
  for (size_t i = 0; i < module.metrics.size(); ++i) {
    const Metric& m = module.metrics[i];
    MetricSpec& s = c->metrics[i];
    if (absl::Status st = CompileMetric(m, s); !st.ok()) return st;
    Oid oid;
    ParseOid(m.oid, &oid);
    AddToTree(*c, oid, static_cast<int32_t>(i));
    c->max_slots = std::max(c->max_slots, s.slots);
    c->families += 1 + s.extracts.size();
  }
  return std::unique_ptr<Engine>(new Engine(std::move(c)));
}

Engine::Engine(std::unique_ptr<engine_internal::Compiled> compiled) : c_(std::move(compiled)) {}
Engine::~Engine() = default;

absl::Status Engine::Collect(const std::vector<Pdu>& pdus, SeriesCache& out) const {
  Run run(*c_, pdus, out);
  return run.Pdus(pdus);
}

size_t Engine::family_count() const { return c_->families; }

}  // namespace outpost::integrations::snmp
