// One snmp.yml module as snmp_exporter v0.26 reads it (config/config.go
// Module, Metric, Index, Lookup, RegexpExtract, DynamicFilter): the OIDs to
// walk and get, and how the returned PDUs become metrics.
//
// ParseModule reads only the module's own keys (walk, get, metrics,
// filters); the walk parameters (max_repetitions, retries, timeout, ...) and
// the old format's auth keys live in the same mapping and are read by the
// caller, which then calls Finish() on the reader.
#ifndef OUTPOST_INTEGRATIONS_SNMP_MODULE_H_
#define OUTPOST_INTEGRATIONS_SNMP_MODULE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/map_reader.h"
#include "integrations/snmp/pdu.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::snmp {

// An index of a table row: how the OID components after the metric's OID
// become a label.
struct Index {
  std::string labelname;
  // Integer, Integer32, gauge, counter, PhysAddress48, OctetString,
  // DisplayString, InetAddressIPv4, InetAddressIPv6, EnumAsInfo, InetAddress,
  // InetAddressMissingSize, LldpPortId.
  std::string type;
  int fixed_size = 0;  // bytes of a fixed-size string index (0: length-prefixed)
  bool implied = false;  // IMPLIED string index: the rest of the OID
  std::map<int64_t, std::string> enum_values;  // for EnumAsInfo
};

// A label whose value is read from another OID with the same index (a
// chain when `labels` names an earlier lookup's label). No `labels`: the
// label `labelname` is removed (the generator's drop_source_indexes).
struct Lookup {
  std::vector<std::string> labels;
  std::string labelname;
  std::string oid;   // dotted, as written ("1.3.6.1.2.1.2.2.1.2")
  std::string type;  // how the value is rendered; a metric or index type
};

struct RegexExtract {
  std::string value = "$1";  // Go regexp template: $1, ${1}, $name, $$
  std::string regex;         // as written; it must match the whole value
};

struct Metric {
  std::string name;
  std::string oid;  // dotted, as written
  // counter, gauge, Float, Double, DateAndTime, EnumAsInfo, EnumAsStateSet,
  // Bits, OctetString, DisplayString, PhysAddress48, InetAddressIPv4,
  // InetAddressIPv6, InetAddress, InetAddressMissingSize, LldpPortId.
  std::string type;
  std::string help;
  std::vector<Index> indexes;
  std::vector<Lookup> lookups;
  // Metric name suffix -> extracts tried in order (the first that matches
  // and gives a number wins).
  std::map<std::string, std::vector<RegexExtract>> regex_extracts;
  std::map<int64_t, std::string> enum_values;
  double offset = 0;
  double scale = 0;  // 0: not scaled
};

// v0.26 `filters`: walk `oid` first, keep the indexes whose value matches
// one of `values` (regexes), then get only those indexes of `targets`.
struct DynamicFilter {
  std::string oid;
  std::vector<std::string> targets;
  std::vector<std::string> values;
};

struct Module {
  std::vector<std::string> walk;  // OIDs as given (a leading '.' allowed)
  std::vector<std::string> get;
  std::vector<Metric> metrics;
  std::vector<DynamicFilter> filters;
};

// Reads the module keys of `m` (walk, get, metrics, filters), reporting
// each bad value (unknown type, bad OID, bad regex, bad label name) at its
// key through m's errors. Does not call m.Finish().
Module ParseModule(config::MapReader& m);

// Writes the module's keys (the same ones) into the open map of `out`, in
// snmp.yml's layout.
void DumpModule(const Module& module, YAML::Emitter& out);

// Parses a dotted numeric OID ("1.3.6.1", ".1.3.6.1" when leading_dot);
// false on anything else (empty, "1..2", a component above 2^32-1).
bool ParseOid(std::string_view text, Oid* out, bool leading_dot = false);
// "1.3.6.1"
std::string OidToString(const Oid& oid);

}  // namespace outpost::integrations::snmp

#endif  // OUTPOST_INTEGRATIONS_SNMP_MODULE_H_
