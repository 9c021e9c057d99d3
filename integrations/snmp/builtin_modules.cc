// The built-in modules, written from the public MIBs:
//  - if_mib: RFC 2863 IF-MIB's ifTable and ifXTable (plus SNMPv2-MIB
//    sysUpTime), with the same metric set, names, types, index and lookups
//    as the if_mib module snmp_exporter's generator makes from
//    generator.yml (ifIndex index; ifAlias, ifDescr and ifName lookups;
//    ifType as EnumAsInfo; counters and gauges by SMI type).
//  - system: RFC 3418 SNMPv2-MIB's system group, scalars and sysORTable.
// HELP is the first sentence of each object's DESCRIPTION clause followed
// by " - <oid>", the generator's rule (generator/tree.go); ifType's names
// are the IANAifType-MIB enumeration (iana_if_type.cc).
#include "integrations/snmp/builtin_modules.h"

#include <span>

#include "integrations/common/text.h"
#include "integrations/snmp/iana_if_type.h"
#include "yaml-cpp/yaml.h"

namespace outpost::integrations::snmp {
namespace {

using Enum = std::map<int64_t, std::string>;

// IF-MIB's INTEGER enumerations (RFC 2863) and SNMPv2-TC's TruthValue.
const Enum kAdminStatus = {{1, "up"}, {2, "down"}, {3, "testing"}};
const Enum kOperStatus = {{1, "up"},      {2, "down"},       {3, "testing"},       {4, "unknown"},
                          {5, "dormant"}, {6, "notPresent"}, {7, "lowerLayerDown"}};
const Enum kTrapEnable = {{1, "enabled"}, {2, "disabled"}};
const Enum kTruthValue = {{1, "true"}, {2, "false"}};

struct Object {
  const char* name;
  const char* oid;
  const char* type;
  bool per_interface;  // an ifTable/ifXTable column
  const Enum* enums;
  const char* description;  // first sentence of DESCRIPTION
};

std::string Help(const Object& o) { return Cat(o.description, " - ", o.oid); }

Module IfMib() {
  const Enum& if_type = IanaIfTypeNames();
  const Object objects[] = {
    {"sysUpTime", "1.3.6.1.2.1.1.3", "gauge", false, nullptr,
     "The time (in hundredths of a second) since the network management portion of the system was last re-initialized."},
    {"ifNumber", "1.3.6.1.2.1.2.1", "gauge", false, nullptr,
     "The number of network interfaces (regardless of their current state) present on this system."},
    {"ifIndex", "1.3.6.1.2.1.2.2.1.1", "gauge", true, nullptr,
     "A unique value, greater than zero, for each interface"},
    {"ifType", "1.3.6.1.2.1.2.2.1.3", "EnumAsInfo", true, &if_type,
     "The type of interface"},
    {"ifMtu", "1.3.6.1.2.1.2.2.1.4", "gauge", true, nullptr,
     "The size of the largest packet which can be sent/received on the interface, specified in octets"},
    {"ifSpeed", "1.3.6.1.2.1.2.2.1.5", "gauge", true, nullptr,
     "An estimate of the interface's current bandwidth in bits per second"},
    {"ifPhysAddress", "1.3.6.1.2.1.2.2.1.6", "PhysAddress48", true, nullptr,
     "The interface's address at its protocol sub-layer"},
    {"ifAdminStatus", "1.3.6.1.2.1.2.2.1.7", "gauge", true, &kAdminStatus,
     "The desired state of the interface"},
    {"ifOperStatus", "1.3.6.1.2.1.2.2.1.8", "gauge", true, &kOperStatus,
     "The current operational state of the interface"},
    {"ifLastChange", "1.3.6.1.2.1.2.2.1.9", "gauge", true, nullptr,
     "The value of sysUpTime at the time the interface entered its current operational state"},
    {"ifInOctets", "1.3.6.1.2.1.2.2.1.10", "counter", true, nullptr,
     "The total number of octets received on the interface, including framing characters"},
    {"ifInUcastPkts", "1.3.6.1.2.1.2.2.1.11", "counter", true, nullptr,
     "The number of packets, delivered by this sub-layer to a higher (sub-)layer, which were not addressed to a multicast or broadcast address at this sub-layer"},
    {"ifInNUcastPkts", "1.3.6.1.2.1.2.2.1.12", "counter", true, nullptr,
     "The number of packets, delivered by this sub-layer to a higher (sub-)layer, which were addressed to a multicast or broadcast address at this sub-layer"},
    {"ifInDiscards", "1.3.6.1.2.1.2.2.1.13", "counter", true, nullptr,
     "The number of inbound packets which were chosen to be discarded even though no errors had been detected to prevent their being deliverable to a higher-layer protocol"},
    {"ifInErrors", "1.3.6.1.2.1.2.2.1.14", "counter", true, nullptr,
     "For packet-oriented interfaces, the number of inbound packets that contained errors preventing them from being deliverable to a higher-layer protocol"},
    {"ifInUnknownProtos", "1.3.6.1.2.1.2.2.1.15", "counter", true, nullptr,
     "For packet-oriented interfaces, the number of packets received via the interface which were discarded because of an unknown or unsupported protocol"},
    {"ifOutOctets", "1.3.6.1.2.1.2.2.1.16", "counter", true, nullptr,
     "The total number of octets transmitted out of the interface, including framing characters"},
    {"ifOutUcastPkts", "1.3.6.1.2.1.2.2.1.17", "counter", true, nullptr,
     "The total number of packets that higher-level protocols requested be transmitted, and which were not addressed to a multicast or broadcast address at this sub-layer, including those that were discarded or not sent"},
    {"ifOutNUcastPkts", "1.3.6.1.2.1.2.2.1.18", "counter", true, nullptr,
     "The total number of packets that higher-level protocols requested be transmitted, and which were addressed to a multicast or broadcast address at this sub-layer, including those that were discarded or not sent"},
    {"ifOutDiscards", "1.3.6.1.2.1.2.2.1.19", "counter", true, nullptr,
     "The number of outbound packets which were chosen to be discarded even though no errors had been detected to prevent their being transmitted"},
    {"ifOutErrors", "1.3.6.1.2.1.2.2.1.20", "counter", true, nullptr,
     "For packet-oriented interfaces, the number of outbound packets that could not be transmitted because of errors"},
    {"ifOutQLen", "1.3.6.1.2.1.2.2.1.21", "gauge", true, nullptr,
     "The length of the output packet queue (in packets)."},
    {"ifSpecific", "1.3.6.1.2.1.2.2.1.22", "OctetString", true, nullptr,
     "A reference to MIB definitions specific to the particular media being used to realize the interface"},
    {"ifInMulticastPkts", "1.3.6.1.2.1.31.1.1.1.2", "counter", true, nullptr,
     "The number of packets, delivered by this sub-layer to a higher (sub-)layer, which were addressed to a multicast address at this sub-layer"},
    {"ifInBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.3", "counter", true, nullptr,
     "The number of packets, delivered by this sub-layer to a higher (sub-)layer, which were addressed to a broadcast address at this sub-layer"},
    {"ifOutMulticastPkts", "1.3.6.1.2.1.31.1.1.1.4", "counter", true, nullptr,
     "The total number of packets that higher-level protocols requested be transmitted, and which were addressed to a multicast address at this sub-layer, including those that were discarded or not sent"},
    {"ifOutBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.5", "counter", true, nullptr,
     "The total number of packets that higher-level protocols requested be transmitted, and which were addressed to a broadcast address at this sub-layer, including those that were discarded or not sent"},
    {"ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6", "counter", true, nullptr,
     "The total number of octets received on the interface, including framing characters"},
    {"ifHCInUcastPkts", "1.3.6.1.2.1.31.1.1.1.7", "counter", true, nullptr,
     "The number of packets, delivered by this sub-layer to a higher (sub-)layer, which were not addressed to a multicast or broadcast address at this sub-layer"},
    {"ifHCInMulticastPkts", "1.3.6.1.2.1.31.1.1.1.8", "counter", true, nullptr,
     "The number of packets, delivered by this sub-layer to a higher (sub-)layer, which were addressed to a multicast address at this sub-layer"},
    {"ifHCInBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.9", "counter", true, nullptr,
     "The number of packets, delivered by this sub-layer to a higher (sub-)layer, which were addressed to a broadcast address at this sub-layer"},
    {"ifHCOutOctets", "1.3.6.1.2.1.31.1.1.1.10", "counter", true, nullptr,
     "The total number of octets transmitted out of the interface, including framing characters"},
    {"ifHCOutUcastPkts", "1.3.6.1.2.1.31.1.1.1.11", "counter", true, nullptr,
     "The total number of packets that higher-level protocols requested be transmitted, and which were not addressed to a multicast or broadcast address at this sub-layer, including those that were discarded or not sent"},
    {"ifHCOutMulticastPkts", "1.3.6.1.2.1.31.1.1.1.12", "counter", true, nullptr,
     "The total number of packets that higher-level protocols requested be transmitted, and which were addressed to a multicast address at this sub-layer, including those that were discarded or not sent"},
    {"ifHCOutBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.13", "counter", true, nullptr,
     "The total number of packets that higher-level protocols requested be transmitted, and which were addressed to a broadcast address at this sub-layer, including those that were discarded or not sent"},
    {"ifLinkUpDownTrapEnable", "1.3.6.1.2.1.31.1.1.1.14", "gauge", true, &kTrapEnable,
     "Indicates whether linkUp/linkDown traps should be generated for this interface"},
    {"ifHighSpeed", "1.3.6.1.2.1.31.1.1.1.15", "gauge", true, nullptr,
     "An estimate of the interface's current bandwidth in units of 1,000,000 bits per second"},
    {"ifPromiscuousMode", "1.3.6.1.2.1.31.1.1.1.16", "gauge", true, &kTruthValue,
     "This object has a value of false(2) if this interface only accepts packets/frames that are addressed to this station"},
    {"ifConnectorPresent", "1.3.6.1.2.1.31.1.1.1.17", "gauge", true, &kTruthValue,
     "This object has the value 'true(1)' if the interface sublayer has a physical connector and the value 'false(2)' otherwise."},
    {"ifCounterDiscontinuityTime", "1.3.6.1.2.1.31.1.1.1.19", "gauge", true, nullptr,
     "The value of sysUpTime on the most recent occasion at which any one or more of this interface's counters suffered a discontinuity"},
  };
  Module m;
  m.walk = {"1.3.6.1.2.1.2", "1.3.6.1.2.1.31.1.1"};
  m.get = {"1.3.6.1.2.1.1.3.0"};
  for (const Object& o : objects) {
    Metric mt;
    mt.name = o.name;
    mt.oid = o.oid;
    mt.type = o.type;
    mt.help = Help(o);
    if (o.enums != nullptr) mt.enum_values = *o.enums;
    if (o.per_interface) {
      mt.indexes.push_back(Index{"ifIndex", "gauge", 0, false, {}});
      // The interface's names, in the generator's (sorted) order.
      mt.lookups.push_back(Lookup{{"ifIndex"}, "ifAlias", "1.3.6.1.2.1.31.1.1.1.18", "DisplayString"});
      mt.lookups.push_back(Lookup{{"ifIndex"}, "ifDescr", "1.3.6.1.2.1.2.2.1.2", "DisplayString"});
      mt.lookups.push_back(Lookup{{"ifIndex"}, "ifName", "1.3.6.1.2.1.31.1.1.1.1", "DisplayString"});
    }
    m.metrics.push_back(std::move(mt));
  }
  return m;
}

Module System() {
  // OBJECT IDENTIFIER values are OctetString to the generator; they render
  // as dotted OIDs.
  const Object objects[] = {
    {"sysDescr", "1.3.6.1.2.1.1.1", "DisplayString", false, nullptr,
     "A textual description of the entity"},
    {"sysObjectID", "1.3.6.1.2.1.1.2", "OctetString", false, nullptr,
     "The vendor's authoritative identification of the network management subsystem contained in the entity"},
    {"sysUpTime", "1.3.6.1.2.1.1.3", "gauge", false, nullptr,
     "The time (in hundredths of a second) since the network management portion of the system was last re-initialized."},
    {"sysContact", "1.3.6.1.2.1.1.4", "DisplayString", false, nullptr,
     "The textual identification of the contact person for this managed node, together with information on how to contact this person"},
    {"sysName", "1.3.6.1.2.1.1.5", "DisplayString", false, nullptr,
     "An administratively-assigned name for this managed node"},
    {"sysLocation", "1.3.6.1.2.1.1.6", "DisplayString", false, nullptr,
     "The physical location of this node (e.g., 'telephone closet, 3rd floor')"},
    {"sysServices", "1.3.6.1.2.1.1.7", "gauge", false, nullptr,
     "A value which indicates the set of services that this entity may potentially offer"},
    {"sysORLastChange", "1.3.6.1.2.1.1.8", "gauge", false, nullptr,
     "The value of sysUpTime at the time of the most recent change in state or value of any instance of sysORID."},
    {"sysORID", "1.3.6.1.2.1.1.9.1.2", "OctetString", true, nullptr,
     "An authoritative identification of a capabilities statement with respect to various MIB modules supported by the local SNMP application acting as a command responder."},
    {"sysORDescr", "1.3.6.1.2.1.1.9.1.3", "DisplayString", true, nullptr,
     "A textual description of the capabilities identified by the corresponding instance of sysORID."},
    {"sysORUpTime", "1.3.6.1.2.1.1.9.1.4", "gauge", true, nullptr,
     "The value of sysUpTime at the time this conceptual row was last instantiated."},
  };
  Module m;
  m.walk = {"1.3.6.1.2.1.1"};
  for (const Object& o : objects) {
    Metric mt;
    mt.name = o.name;
    mt.oid = o.oid;
    mt.type = o.type;
    mt.help = Help(o);
    if (o.per_interface) mt.indexes.push_back(Index{"sysORIndex", "gauge", 0, false, {}});  // a sysORTable row
    m.metrics.push_back(std::move(mt));
  }
  return m;
}

}  // namespace

const std::map<std::string, Module>& BuiltinModules() {
  static const auto* modules = new std::map<std::string, Module>{{"if_mib", IfMib()}, {"system", System()}};
  return *modules;
}

std::string BuiltinModulesYaml() {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "modules" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, module] : BuiltinModules()) {
    out << YAML::Key << name << YAML::Value << YAML::BeginMap;
    DumpModule(module, out);
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace outpost::integrations::snmp
