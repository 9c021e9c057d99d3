// The module engine: turns the PDUs of one walk of a module into that
// module's metrics, as snmp_exporter v0.26's collector does
// (collector/collector.go: the metric tree, pduToSamples, indexesToLabels,
// pduValueAsString, enum and regex_extracts handling).
//
// An Engine is built once per module (Create compiles the metric tree,
// lookups, regexes and metric families) and is immutable afterwards:
// Collect is const and may run for several targets at once, each with its
// own SeriesCache. The MetricFamily objects live in the Engine, so it must
// outlive every Appender that has seen its series.
//
// PDU values are read as gosnmp decodes them:
//   kInteger -> integer; kCounter32/kGauge32/kTimeTicks/kCounter64 ->
//   counter; kOctetString -> bytes; kIpAddress -> bytes (4, or 16, or 0);
//   kObjectIdentifier -> oid_value; kOpaque -> bytes, the Opaque's content
//   octets: an opaque float (9f 78 04 + 4 bytes) or double (9f 79 08 + 8
//   bytes) is a number, anything else stays bytes; kNull, kNoSuchObject,
//   kNoSuchInstance, kEndOfMibView -> no value.
#ifndef OUTPOST_INTEGRATIONS_SNMP_ENGINE_H_
#define OUTPOST_INTEGRATIONS_SNMP_ENGINE_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "integrations/common/series_cache.h"
#include "integrations/snmp/module.h"
#include "integrations/snmp/pdu.h"

namespace outpost::integrations::snmp {

struct EngineOptions {
  // snmp_exporter's --snmp.wrap-large-counters (default on): Counter64
  // values wrap at 2^53 so that the float keeps every increment.
  bool wrap_counters = true;
};

namespace engine_internal {
struct Compiled;
}

class Engine {
 public:
  // Compiles `module` (copied: the Engine does not refer to it later).
  // Fails on a bad metric or lookup OID, an unknown index type or a bad
  // regex (what ParseModule rejects, for modules built by hand); a metric
  // type it does not know is a string type, as upstream.
  static absl::StatusOr<std::unique_ptr<Engine>> Create(const Module& module,
                                                        EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Adds the module's series for `pdus` (the get and walk results, any
  // order; of PDUs with the same OID the last one counts) to `out`, which
  // the caller has Begin()-ed. A non-OK status is what makes upstream's
  // scrape fail with snmp_error (a label value that is not UTF-8, the same
  // series twice, a malformed index upstream would panic on); the caller
  // then reports the target down for this round. Samples added before the
  // error stay in the Appender (the caller discards the round).
  absl::Status Collect(const std::vector<Pdu>& pdus, SeriesCache& out) const;

  // The number of metric families the module can produce (for tests).
  size_t family_count() const;

 private:
  explicit Engine(std::unique_ptr<engine_internal::Compiled> compiled);
  std::unique_ptr<engine_internal::Compiled> c_;
};

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_ENGINE_H_
