#include "integrations/common/series_cache.h"

namespace outpost::integrations {

void SeriesCache::Begin(Appender& app) {
  last_used_ = used_;
  used_ = 0;
  if (&app != last_app_ || size() > 2 * last_used_ + 1024) {
    // A different Appender (handles are its own), or many series gone since
    // (devices removed): start over.
    refs_.clear();
    rows_.clear();
    last_app_ = &app;
  }
  app_ = &app;
}

void SeriesCache::StartKey(const MetricFamily& family) {
  key_.clear();
  const MetricFamily* p = &family;
  key_.append(reinterpret_cast<const char*>(&p), sizeof(p));
}

SeriesRef SeriesCache::Lookup(const MetricFamily& family, const std::vector<Label>& labels) {
  ++used_;
  auto it = refs_.find(key_);
  if (it != refs_.end()) return it->second;
  SeriesRef ref = app_->Series(family, Labels::FromUnsorted(labels));
  refs_.emplace(key_, ref);
  return ref;
}

// `each(f)` calls f(name, value) for every label of the series. The key is
// the family and the values (names are fixed per family); the label set is
// only built on a miss.
template <typename EachLabel>
SeriesRef SeriesCache::GetWith(const MetricFamily& family, EachLabel each) {
  StartKey(family);
  each([this](std::string_view, std::string_view value) {
    key_.append(value);
    key_.push_back('\xff');
  });
  ++used_;
  auto it = refs_.find(key_);
  if (it != refs_.end()) return it->second;
  --used_;
  scratch_.clear();
  each([this](std::string_view name, std::string_view value) {
    scratch_.push_back(Label{std::string(name), std::string(value)});
  });
  return Lookup(family, scratch_);
}

SeriesRef SeriesCache::Get(const MetricFamily& family, LabelPairs labels) {
  return GetWith(family, [&](auto&& f) {
    for (const auto& [name, value] : labels) f(name, value);
  });
}

SeriesRef SeriesCache::Get(const MetricFamily& family, const std::vector<std::string_view>& names,
                           const std::vector<std::string_view>& values) {
  return GetWith(family, [&](auto&& f) {
    for (size_t i = 0; i < names.size() && i < values.size(); ++i) f(names[i], values[i]);
  });
}

std::span<const SeriesRef> SeriesCache::GetRow(std::span<const MetricFamily> families,
                                               const std::vector<std::string_view>& names,
                                               const std::vector<std::string_view>& values) {
  if (families.empty()) return {};
  StartKey(families.front());
  for (std::string_view v : values) {
    key_.append(v);
    key_.push_back('\xff');
  }
  ++used_;
  auto it = rows_.find(key_);
  if (it != rows_.end() && it->second.size() == families.size()) return it->second;
  std::vector<SeriesRef> refs;
  refs.reserve(families.size());
  for (const MetricFamily& f : families) {
    scratch_.clear();
    for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
      scratch_.push_back(Label{std::string(names[i]), std::string(values[i])});
    }
    refs.push_back(app_->Series(f, Labels::FromUnsorted(scratch_)));
  }
  return rows_.insert_or_assign(key_, std::move(refs)).first->second;
}

SeriesRef SeriesCache::Get(const MetricFamily& family, const Labels& labels,
                           std::string_view suffix) {
  StartKey(family);
  key_.append(suffix);
  key_.push_back('\xfe');
  for (const Label& l : labels) {
    key_.append(l.name);
    key_.push_back('\xfe');
    key_.append(l.value);
    key_.push_back('\xff');
  }
  ++used_;
  auto it = refs_.find(key_);
  if (it != refs_.end()) return it->second;
  SeriesRef ref = app_->Series(family, labels, suffix);
  refs_.emplace(key_, ref);
  return ref;
}

}  // namespace outpost::integrations
