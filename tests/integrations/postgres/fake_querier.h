// Canned query results for the postgres mapping and collector tests: SQL
// text (exact, else a part of it) → a result or an error.
#ifndef OUTPOST_TESTS_INTEGRATIONS_POSTGRES_FAKE_QUERIER_H_
#define OUTPOST_TESTS_INTEGRATIONS_POSTGRES_FAKE_QUERIER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "integrations/postgres/values.h"

namespace outpost::integrations::postgres {

// Answers a query with the error registered with Fail(), else the result
// registered with Set(), for its exact text or else the first registered
// part of it; else `ERROR:  relation does not exist`. Records every query
// run.
class FakeQuerier final : public Querier {
 public:
  // Registering the same text again replaces its answer.
  void Set(std::string sql_or_part, ResultSet rs) {
    Put(results_, std::move(sql_or_part), std::move(rs));
  }
  void Fail(std::string sql_or_part, std::string message) {
    Put(errors_, std::move(sql_or_part), std::move(message));
  }

  absl::Status Query(std::string_view sql, ResultSet* out) override {
    queries_.emplace_back(sql);
    if (const std::string* m = Find(errors_, sql)) return absl::UnknownError(*m);
    if (const ResultSet* rs = Find(results_, sql)) {
      *out = *rs;
      return absl::OkStatus();
    }
    return absl::NotFoundError("ERROR:  relation does not exist");
  }
  const std::vector<std::string>& queries() const { return queries_; }

 private:
  template <typename T>
  static void Put(std::vector<std::pair<std::string, T>>& v, std::string key, T value) {
    for (auto& [k, old] : v) {
      if (k == key) {
        old = std::move(value);
        return;
      }
    }
    v.emplace_back(std::move(key), std::move(value));
  }
  template <typename T>
  static const T* Find(const std::vector<std::pair<std::string, T>>& v, std::string_view sql) {
    for (const auto& [key, value] : v) {
      if (key == sql) return &value;
    }
    for (const auto& [key, value] : v) {
      if (sql.find(key) != std::string_view::npos) return &value;
    }
    return nullptr;
  }

  std::vector<std::pair<std::string, ResultSet>> results_;
  std::vector<std::pair<std::string, std::string>> errors_;
  std::vector<std::string> queries_;
};

}  // namespace outpost::integrations::postgres

#endif  // OUTPOST_TESTS_INTEGRATIONS_POSTGRES_FAKE_QUERIER_H_
