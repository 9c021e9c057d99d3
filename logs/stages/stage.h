// Promtail's pipeline stages (loki clients/pkg/logentry/stages/; reference/
// logs.md §3): the entry they work on, the interface each stage implements
// and the context a stage is built with. One file per stage under
// logs/stages/; pipeline.h runs them.
//
// An entry carries its labels, the `extracted` map (Promtail's
// map[string]interface{}: starts as a copy of the labels), its timestamp,
// its line and its structured metadata. Every buffer in an Entry is reused
// from line to line (the reader keeps one Entry and assigns into it), so a
// stage that only assigns strings allocates nothing per line once warm.
//
// Thread-compatible: one pipeline (and so each stage) is used by one reader
// thread; a stage's metrics may be read by any thread.
#ifndef OUTPOST_LOGS_STAGES_STAGE_H_
#define OUTPOST_LOGS_STAGES_STAGE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "core/base/labels.h"
#include "core/config/logs_config.h"
#include "core/config/map_reader.h"
#include "logs/entry_source.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace outpost::logs::stages {

// A value of the extracted map. Promtail keeps interface{} values: strings
// from regex/logfmt/template, float64/bool/nil from json. `text` is always
// what Promtail's getString gives (stages/util.go): a number formatted as
// strconv.FormatFloat(v, 'f', -1, 64), a bool as "true"/"false", a JSON
// object or array re-marshalled; "" for null (getString fails on nil: a
// stage that needs a string skips a null value).
struct Value {
  enum class Kind : uint8_t { kString, kNumber, kBool, kNull };
  Kind kind = Kind::kString;
  std::string text;
  double number = 0;  // kNumber: the value; kBool: 1 or 0
};

// The extracted map: insertion-ordered slots reused across entries (Clear
// keeps every slot's string capacity). Lookups are linear: pipelines hold
// a few dozen keys at most.
class Extracted {
 public:
  const Value* Find(std::string_view key) const;
  // The value for `key`, added (kind kString, empty) when absent.
  Value& Put(std::string_view key);
  void SetString(std::string_view key, std::string_view text);
  void Erase(std::string_view key);
  void Clear() { size_ = 0; }
  size_t size() const { return size_; }
  std::string_view key(size_t i) const { return slots_[i].key; }
  const Value& value(size_t i) const { return slots_[i].value; }
  Extracted& operator=(const Extracted& o);
  Extracted() = default;
  Extracted(const Extracted& o) { *this = o; }

 private:
  struct Slot {
    std::string key;
    Value value;
  };
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

// Promtail's reserved label that sets an entry's tenant (client/client.go
// ReservedLabelTenantID); removed before sending, it overrides the client's
// tenant_id.
inline constexpr std::string_view kTenantLabel = "__tenant_id__";

struct Entry {
  Labels labels;
  Extracted extracted;
  int64_t ts_ns = 0;
  std::string line;
  Labels structured_metadata;
  EntrySource src;
  // When the reader read it (the default timestamp, and the clock of
  // drop.older_than, limit and multiline).
  absl::Time read_at;
};

// Where a stage's output goes: the rest of the pipeline after the stage,
// then the pipeline's sink.
class Output {
 public:
  virtual ~Output() = default;
  // Runs `e` on from the stage after the one emitting; `e` may be changed.
  virtual void Emit(Entry& e) = 0;
  // `e` (from its origin) ends here: the reader may count its bytes as
  // done. Stages that drop call this through their Result instead.
  virtual void Dropped(const Entry& e) = 0;
};

class Stage {
 public:
  virtual ~Stage() = default;
  enum class Result {
    kContinue,  // `e` goes on to the next stage
    kDrop,      // `e` is dropped here (the stage counted it as upstream)
    kTaken,     // the stage keeps `e`'s content and emits it later via `out`
  };
  // Processes one entry.
  virtual Result Process(Entry& e, Output& out) = 0;
  // Stages that hold entries: emit what is due at `now` (multiline's
  // max_wait_time), and the earliest time something will be due
  // (InfiniteFuture: nothing held).
  virtual void Tick(absl::Time /*now*/, Output& /*out*/) {}
  virtual absl::Time NextDeadline() const { return absl::InfiniteFuture(); }
  // Forget what is held from `source`: it is read again from an earlier
  // offset (a rewind) or was truncated. Held entries are discarded, not
  // emitted (they come again).
  virtual void Forget(uint64_t /*source*/) {}
  // Emit everything held (the reader stops, or the source ended).
  virtual void Flush(Output& /*out*/) {}
};

// What a stage is built with.
struct StageContext {
  std::string logs_config;  // the instance's name (metrics' logs_config label)
  std::string job_name;
  // For stages with metrics (metrics, match/drop/limit counters). May be
  // null when only checking a config (no metrics are registered then).
  prometheus::Registry* registry = nullptr;
  // logentry_dropped_lines_total{reason} for this instance; null when
  // checking. Call at build time, keep the counter.
  std::function<prometheus::Counter&(const std::string& reason)> dropped_lines;
};

// The reader for a stage body: keys are read with MapReader's typed readers,
// errors are "FILE:LINE:COL: <path>.<stage>.<key>: message" in `errors`. A
// stage never calls Finish(): Promtail decodes bodies with mapstructure,
// which ignores unknown keys (reference/logs.md §1). A null body (`- docker:`)
// reads as an empty map.
config::MapReader BodyReader(const config::PipelineStage& spec, config::Errors* errors);
// For a stage whose body is itself a map of names (labels, static_labels):
// a reader over {<stage name>: body} at the stage's path, so that e.g.
// LabelMap(spec.name, &m) reads the body with the usual messages.
config::MapReader OuterReader(const config::PipelineStage& spec, config::Errors* errors);
// Adds "FILE:LINE:COL: <path>.<stage>[.<key>]: message" at `node` (or the
// stage's position when the node has none).
void StageError(const config::PipelineStage& spec, const YAML::Node& node, std::string_view key,
                std::string_view message, config::Errors* errors);

// Compiles the body's `expression` (regex, replace) as Go's regexp would
// accept it; null with Promtail's error text when missing or invalid.
std::unique_ptr<re2::RE2> CompileStageRegex(const config::PipelineStage& spec,
                                            config::MapReader& r, config::Errors* errors);

// Each stage's factory: null (with errors added) when the body is invalid.
using StageFactory = std::unique_ptr<Stage> (*)(const config::PipelineStage& spec,
                                                 const StageContext& ctx,
                                                 config::Errors* errors);

}  // namespace outpost::logs::stages

#endif  // OUTPOST_LOGS_STAGES_STAGE_H_
