// Strict reading of one YAML mapping, like Go's yaml.UnmarshalStrict.
//
// Every key read through a MapReader is marked as consumed; Finish() reports
// each key that was not as "unknown key". Every error names the file, line,
// column and the full key path, e.g.
//   agent.yaml:12:5: metrics.global.scrape_interval: invalid duration "5x"
// Errors accumulate in the shared Errors so that check-config can print all
// of them; readers never throw. Scalars follow Go's yaml.v2 (YAML 1.1):
// bools are plain true/false/yes/no/on/off/y/n in any of their usual cases
// (a quoted "true" is a string, not a bool); any scalar reads as a string;
// null reads as absent. Duplicate keys are an error, as in yaml.v2.
// Not thread-safe; a reader refers to `errors`, which must outlive it.
//
// Example (an integration's own keys):
//   void Parse(config::MapReader& m) {
//     m.String("rootfs_path", &opts.rootfs_path);
//     m.StringList("disable_collectors", &opts.disable);
//     m.Finish();   // usually called by the caller, see IntegrationSpec
//   }
#ifndef OUTPOST_CORE_CONFIG_MAP_READER_H_
#define OUTPOST_CORE_CONFIG_MAP_READER_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "core/config/secret.h"
#include "core/relabel/relabel.h"
#include "yaml-cpp/yaml.h"

namespace outpost::config {

// Collected errors and warnings of one load.
struct Errors {
  std::string file;                   // for messages
  std::vector<std::string> errors;    // one line each, already formatted
  std::vector<std::string> warnings;  // deprecations, ...
  bool ok() const { return errors.empty(); }
};

class MapReader {
 public:
  // `node` must be a map or null (null reads as an empty map); anything else
  // is reported as a type error. `path` is the key path of `node` ("" for the
  // document root).
  MapReader(const YAML::Node& node, std::string path, Errors* errors);

  bool Has(std::string_view key) const;

  // Each reader leaves *out unchanged when the key is absent or null, and
  // reports a type or value error when it is present but wrong.
  void Bool(std::string_view key, bool* out);
  void Int(std::string_view key, int* out);
  void Uint64(std::string_view key, uint64_t* out);
  void Double(std::string_view key, double* out);
  void String(std::string_view key, std::string* out);
  // Prometheus duration ("1m30s", "500ms", "1h"); must be > 0 unless
  // allow_zero.
  void Duration(std::string_view key, absl::Duration* out, bool allow_zero = false);
  // Byte size: a plain integer, or with a unit "512KB", "10GB", "1GiB"
  // (Prometheus units.Base2Bytes: KB=1024).
  void Bytes(std::string_view key, uint64_t* out);
  void Secret(std::string_view key, config::Secret* out);
  void StringList(std::string_view key, std::vector<std::string>* out);
  void StringMap(std::string_view key, std::map<std::string, std::string>* out);
  // A StringMap whose keys are label names ([a-zA-Z_][a-zA-Z0-9_]*, as
  // Prometheus' model.LabelSet): each bad name is an error at its key.
  void LabelMap(std::string_view key, std::map<std::string, std::string>* out);
  // A string that must compile with RE2 (not anchored here).
  void Regex(std::string_view key, std::string* out);
  void RelabelConfigs(std::string_view key, std::vector<relabel::Config>* out);

  // A sub-mapping, for nested blocks; mark it consumed.
  MapReader Map(std::string_view key);
  // The raw node (null when absent), marked consumed; for lists of maps.
  YAML::Node Raw(std::string_view key);

  // Rejects `key` by name when present with a non-null value:
  //   "<path>.<key>: not supported yet"
  // (a null value, e.g. a bare `sigv4:`, means "not set" and is accepted).
  void Unsupported(std::string_view key, std::string_view why = "not supported yet");
  // Handles a deprecated alias `old_key` of `new_key` (same type, same
  // destination). Returns true when `old_key` is present and `new_key` is
  // not: a deprecation warning "<path>.<old_key>: deprecated, use <new_key>
  // instead" has been added and the caller then reads `old_key` with the
  // usual reader into the same destination. Returns false when `old_key` is
  // absent, or when both are present (then "<path>.<old_key>: cannot be
  // used together with <new_key>" is an error and `old_key` is consumed).
  // Example:
  //   m.String("systemd_unit_include", &o.unit_include);
  //   if (m.Deprecated("systemd_unit_whitelist", "systemd_unit_include"))
  //     m.String("systemd_unit_whitelist", &o.unit_include);
  bool Deprecated(std::string_view old_key, std::string_view new_key);

  // The items of a list of mappings, one reader each, with paths
  // "<key>[i]"; the key is consumed. Absent or null: empty. A non-list, or
  // an item that is not a mapping, is reported as a type error (a null item
  // is reported as "empty item") and skipped.
  std::vector<MapReader> MapList(std::string_view key);

  // Every key of the mapping, in file order.
  std::vector<std::string> Keys() const;
  bool IsConsumed(std::string_view key) const;
  // Marks `key` as read without reading it.
  void Consume(std::string_view key);

  // Reports every key of the mapping that was not consumed as
  // "<path>.<key>: unknown key". Idempotent.
  void Finish();

  // Adds an error at `key`'s position (or the map's when absent), formatted
  // "FILE:LINE:COL: <path>.<key>: message"; an empty key names the map.
  void Error(std::string_view key, std::string_view message);
  void Warn(std::string_view key, std::string_view message);
  // Same at the position of `key`'s value (for value errors).
  void ValueError(std::string_view key, std::string_view message);

  const YAML::Node& node() const { return node_; }

  const std::string& path() const { return path_; }
  std::string KeyPath(std::string_view key) const;
  Errors* errors() const { return errors_; }

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  // The value of `key` (marked consumed), or null when absent.
  const Entry* Lookup(std::string_view key);
  const Entry* Find(std::string_view key) const;
  // The scalar text of a present, non-null value; reports a type error
  // naming `what` when the value is a list or a map.
  const Entry* Scalar(std::string_view key, std::string_view what);
  void ReadStringMap(std::string_view key, bool label_names,
                     std::map<std::string, std::string>* out);

  YAML::Node node_;
  std::string path_;
  Errors* errors_;
  std::vector<Entry> entries_;
  std::set<std::string, std::less<>> consumed_;
  bool finished_ = false;
};

// Formats one message as "FILE:LINE:COL: PATH: message" (1-based; the
// position is left out when `mark` is unknown, the path when empty) and
// appends it to errors->errors (AddError) or errors->warnings (AddWarning).
void AddError(Errors* errors, const YAML::Mark& mark, std::string_view path,
              std::string_view message);
void AddWarning(Errors* errors, const YAML::Mark& mark, std::string_view path,
                std::string_view message);
// The "FILE:LINE:COL: PATH" prefix of those messages, for a message built
// later (e.g. about a pipeline stage: logs_config.h PipelineStage::where).
std::string Where(const Errors& errors, const YAML::Mark& mark, std::string_view path);

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_MAP_READER_H_
