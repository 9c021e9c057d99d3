#include "core/base/labels.h"

#include <algorithm>

#include "absl/hash/hash.h"

namespace outpost {
namespace {

template <typename Vec>
auto LowerBound(Vec& v, std::string_view name) {
  return std::lower_bound(v.begin(), v.end(), name,
                          [](const Label& l, std::string_view n) { return std::string_view(l.name) < n; });
}

}  // namespace

Labels::Labels(std::initializer_list<Label> labels) {
  labels_.reserve(labels.size());
  for (const Label& l : labels) Set(l.name, l.value);
}

Labels Labels::FromUnsorted(std::vector<Label> labels) {
  Labels out;
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  out.labels_.reserve(labels.size());
  for (Label& l : labels) {
    if (!out.labels_.empty() && out.labels_.back().name == l.name) out.labels_.pop_back();
    if (!l.value.empty()) out.labels_.push_back(std::move(l));
  }
  return out;
}

std::string_view Labels::Get(std::string_view name) const {
  auto it = LowerBound(labels_, name);
  if (it != labels_.end() && it->name == name) return it->value;
  return {};
}

bool Labels::Has(std::string_view name) const {
  auto it = LowerBound(labels_, name);
  return it != labels_.end() && it->name == name;
}

void Labels::Set(std::string_view name, std::string_view value) {
  auto it = LowerBound(labels_, name);
  const bool found = it != labels_.end() && it->name == name;
  if (value.empty()) {
    if (found) labels_.erase(it);
    return;
  }
  if (found) {
    it->value.assign(value);
  } else {
    // Label sets are built once per series and then kept for its life
    // (pipeline, WAL series table): grow small sets one slot at a time so
    // no doubling slack (64 bytes a slot) stays with every series.
    // Copied first: `name` and `value` may point into labels_, which the
    // reserve below can move.
    Label l{std::string(name), std::string(value)};
    if (labels_.size() == labels_.capacity() && labels_.size() < 16) {
      const size_t at = static_cast<size_t>(it - labels_.begin());
      labels_.reserve(labels_.size() + 1);
      it = labels_.begin() + static_cast<std::ptrdiff_t>(at);
    }
    labels_.insert(it, std::move(l));
  }
}

void Labels::Del(std::string_view name) { Set(name, {}); }

void Labels::AssignFrom(const Labels& o) {
  // The slots of names `o` has move to the front (still sorted); the rest go.
  size_t kept = 0;
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (!o.Has(labels_[i].name)) continue;
    if (kept != i) std::swap(labels_[kept], labels_[i]);
    ++kept;
  }
  labels_.resize(kept);
  for (const Label& l : o.labels_) Set(l.name, l.value);
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Labels::ToString() const {
  std::string out = "{";
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (i) out += ", ";
    out += labels_[i].name;
    out += "=\"";
    out += EscapeLabelValue(labels_[i].value);
    out += '"';
  }
  out += '}';
  return out;
}

uint64_t Labels::Hash() const {
  size_t h = 0;
  for (const Label& l : labels_) h = absl::HashOf(h, l.name, l.value);
  return h;
}

bool operator<(const Labels& a, const Labels& b) {
  return std::lexicographical_compare(
      a.labels_.begin(), a.labels_.end(), b.labels_.begin(), b.labels_.end(),
      [](const Label& x, const Label& y) {
        return x.name != y.name ? x.name < y.name : x.value < y.value;
      });
}

}  // namespace outpost
