// Cell scanning helpers (Go database/sql convertAssign semantics) and small
// SQL helpers shared by the optional mysqld collectors.
#include <cstdint>
#include <limits>

#include "integrations/mysqld/collectors.h"

namespace outpost::integrations::mysqld {
namespace {

absl::Status ScanError(const ResultSet& rs, size_t row, size_t col, std::string_view type) {
  return absl::InvalidArgumentError(Cat("column ", rs.columns()[col], ": cannot scan \"",
                                        rs.Get(row, col).value_or("NULL"), "\" into ", type));
}

}  // namespace

absl::Status ScanUint32(const ResultSet& rs, size_t row, size_t col, double* out) {
  uint64_t v = 0;
  const ResultSet::Cell c = rs.Get(row, col);
  if (!c.has_value() || !ParseUint(*c, &v) || v > std::numeric_limits<uint32_t>::max()) {
    return ScanError(rs, row, col, "uint32");
  }
  *out = static_cast<double>(v);
  return absl::OkStatus();
}

absl::Status ScanInt(const ResultSet& rs, size_t row, size_t col, double* out) {
  const ResultSet::Cell c = rs.Get(row, col);
  if (!c.has_value()) return ScanError(rs, row, col, "int");
  std::string_view s = *c;
  // Go's ParseInt takes one leading sign, '+' included.
  if (!s.empty() && s[0] == '+' && (s.size() == 1 || s[1] != '-')) s.remove_prefix(1);
  int64_t v = 0;
  if (!ParseInt(s, &v)) return ScanError(rs, row, col, "int");
  *out = static_cast<double>(v);
  return absl::OkStatus();
}

absl::Status ScanString(const ResultSet& rs, size_t row, size_t col, std::string_view* out) {
  const ResultSet::Cell c = rs.Get(row, col);
  if (!c.has_value()) {
    return absl::InvalidArgumentError(
        Cat("column ", rs.columns()[col], ": converting NULL to string is unsupported"));
  }
  *out = *c;
  return absl::OkStatus();
}

std::string SqlQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "''";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\0') {
      out += "\\0";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

bool UserstatEnabled(Querier& q, ResultSet* rs) {
  if (!q.Query("SHOW GLOBAL VARIABLES WHERE Variable_Name='userstat' OR "
               "Variable_Name='userstat_running'",
               rs)
           .ok() ||
      rs->num_rows() == 0 || rs->num_columns() != 2 || !rs->Get(0, 0).has_value() ||
      !rs->Get(0, 1).has_value()) {
    return false;
  }
  return rs->Text(0, 1) != "OFF";
}

}  // namespace outpost::integrations::mysqld
