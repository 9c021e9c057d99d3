// A SQL query result as the SQL collectors (mysqld, postgres) see it:
// column names and rows of nullable text cells. All cells live in one
// buffer that is reused between queries, so a steady-state collection does
// not allocate per cell.
//
// Filled by an integration's SQL layer (mysqld/sql.h, postgres/connection.h)
// or by tests (Make), read by the pure mapping code of each collector. Not
// thread-safe.
#ifndef OUTPOST_INTEGRATIONS_COMMON_RESULT_SET_H_
#define OUTPOST_INTEGRATIONS_COMMON_RESULT_SET_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outpost::integrations {

class ResultSet {
 public:
  using Cell = std::optional<std::string_view>;

  // Starts a new result with `n` columns (names set with SetColumn).
  void Reset(size_t n) {
    columns_.resize(n);
    types_.assign(n, 0);
    cells_.clear();
    data_.clear();
  }
  void SetColumn(size_t i, std::string_view name) { columns_[i].assign(name); }
  // The server's type of column i (PostgreSQL: the type OID, PQftype); 0
  // when unknown (mysqld, canned results without types).
  void SetColumnType(size_t i, uint32_t type) { types_[i] = type; }
  uint32_t column_type(size_t i) const { return types_[i]; }
  // Appends one cell of the current row (rows are filled left to right).
  void AddCell(Cell v) {
    if (!v.has_value()) {
      cells_.push_back({0, 0, true});
      return;
    }
    cells_.push_back({static_cast<uint32_t>(data_.size()), static_cast<uint32_t>(v->size()), false});
    data_.append(*v);
  }

  size_t num_columns() const { return columns_.size(); }
  size_t num_rows() const { return columns_.empty() ? 0 : cells_.size() / columns_.size(); }
  const std::vector<std::string>& columns() const { return columns_; }
  // The index of the column named exactly `name`, or -1.
  int ColumnIndex(std::string_view name) const {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  // The cell at (row, col); nullopt for SQL NULL. Views are valid until the
  // next Reset/AddCell.
  Cell Get(size_t row, size_t col) const {
    const Slot& s = cells_[row * columns_.size() + col];
    if (s.null) return std::nullopt;
    return std::string_view(data_).substr(s.offset, s.size);
  }
  // Same, with NULL as "" (what Go's sql.RawBytes / string scans give).
  std::string_view Text(size_t row, size_t col) const { return Get(row, col).value_or(""); }

  // A canned result for tests: Make({"a", "b"}, {{"1", std::nullopt}}).
  static ResultSet Make(std::initializer_list<std::string_view> columns,
                        std::initializer_list<std::initializer_list<Cell>> rows) {
    ResultSet rs;
    rs.Reset(columns.size());
    size_t i = 0;
    for (std::string_view c : columns) rs.SetColumn(i++, c);
    for (const auto& row : rows) {
      for (const Cell& c : row) rs.AddCell(c);
    }
    return rs;
  }

 private:
  struct Slot {
    uint32_t offset, size;
    bool null;
  };
  std::vector<std::string> columns_;
  std::vector<uint32_t> types_;
  std::vector<Slot> cells_;
  std::string data_;
};

}  // namespace outpost::integrations

#endif  // OUTPOST_INTEGRATIONS_COMMON_RESULT_SET_H_
