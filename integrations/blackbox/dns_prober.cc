#include "integrations/blackbox/dns_prober.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <random>
#include <utility>

#include "core/base/absl_compat.h"
#include "integrations/blackbox/dns_exchange.h"
#include "integrations/blackbox/dns_message.h"
#include "integrations/blackbox/source_address.h"
#include "integrations/common/text.h"

namespace outpost::integrations::blackbox {
namespace {

const MetricFamily kDuration{"probe_dns_duration_seconds", MetricType::kGauge,
                             "Duration of DNS request by phase", ""};
const MetricFamily kAnswerRrs{"probe_dns_answer_rrs", MetricType::kGauge,
                              "Returns number of entries in the answer resource record list", ""};
const MetricFamily kAuthorityRrs{
    "probe_dns_authority_rrs", MetricType::kGauge,
    "Returns number of entries in the authority resource record list", ""};
const MetricFamily kAdditionalRrs{
    "probe_dns_additional_rrs", MetricType::kGauge,
    "Returns number of entries in the additional resource record list", ""};
const MetricFamily kQuerySucceeded{"probe_dns_query_succeeded", MetricType::kGauge,
                                   "Displays whether or not the query was executed successfully",
                                   ""};
const MetricFamily kSerial{"probe_dns_serial", MetricType::kGauge,
                           "Returns the serial number of the zone", ""};

using Regex = DnsRrValidator::Regex;

void ReadRegexes(config::MapReader& m, std::string_view key, std::vector<Regex>* out) {
  std::vector<std::string> texts;
  m.StringList(key, &texts);
  for (std::string& t : texts) {
    auto re = std::make_shared<const RE2>(t, RE2::Quiet);
    if (!re->ok()) {
      // Upstream fails each probe on it (regexp.MatchString's error).
      m.Warn(key, Cat("invalid regexp ", t, ": ", re->error(), "; every probe will fail"));
      re = nullptr;
    }
    out->push_back(Regex{std::move(t), std::move(re)});
  }
}

void ReadValidator(config::MapReader& parent, std::string_view key, DnsRrValidator* v) {
  if (!parent.Has(key)) return;
  config::MapReader m = parent.Map(key);
  ReadRegexes(m, "fail_if_matches_regexp", &v->fail_if_matches_regexp);
  ReadRegexes(m, "fail_if_all_match_regexp", &v->fail_if_all_match_regexp);
  ReadRegexes(m, "fail_if_not_matches_regexp", &v->fail_if_not_matches_regexp);
  ReadRegexes(m, "fail_if_none_matches_regexp", &v->fail_if_none_matches_regexp);
  m.Finish();
}

// config.go DNSProbe.UnmarshalYAML. Upstream only runs it when the module
// has a `dns:` block, so a module without one (or with a null one) keeps
// the defaults and queries "." unvalidated.
std::unique_ptr<ProberSettings> Parse(config::MapReader& m) {
  auto s = std::make_unique<DnsSettings>();
  m.String("preferred_ip_protocol", &s->preferred_ip_protocol);
  m.Bool("ip_protocol_fallback", &s->ip_protocol_fallback);
  m.Bool("dns_over_tls", &s->dns_over_tls);
  if (m.Has("tls_config")) {
    config::MapReader t = m.Map("tls_config");
    TlsOptions tls;
    ReadTlsOptions(t, &tls);
    s->tls_config = std::move(tls);
  }
  m.String("source_ip_address", &s->source_ip_address);
  m.String("transport_protocol", &s->transport_protocol);
  m.String("query_class", &s->query_class);
  m.String("query_name", &s->query_name);
  m.String("query_type", &s->query_type);
  m.Bool("recursion_desired", &s->recursion_desired);
  if (m.Has("valid_rcodes")) {
    std::vector<std::string> codes;
    m.StringList("valid_rcodes", &codes);
    s->valid_rcodes = std::move(codes);
  }
  ReadValidator(m, "validate_answer_rrs", &s->validate_answer_rrs);
  ReadValidator(m, "validate_authority_rrs", &s->validate_authority_rrs);
  ReadValidator(m, "validate_additional_rrs", &s->validate_additional_rrs);
  if (m.node().IsNull()) return s;
  if (s->query_name.empty()) m.Error("", "query name must be set for DNS module");
  if (!s->query_class.empty() && !dns::ClassByName(s->query_class))
    m.ValueError("query_class", Cat("query class '", s->query_class, "' is not valid"));
  if (!s->query_type.empty() && !dns::TypeByName(s->query_type))
    m.ValueError("query_type", Cat("query type '", s->query_type, "' is not valid"));
  return s;
}

void DumpRegexes(YAML::Emitter& out, std::string_view key, const std::vector<Regex>& v) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const Regex& r : v) out << r.text;
  out << YAML::EndSeq;
}

void DumpValidator(YAML::Emitter& out, std::string_view key, const DnsRrValidator& v) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
  DumpRegexes(out, "fail_if_matches_regexp", v.fail_if_matches_regexp);
  DumpRegexes(out, "fail_if_all_match_regexp", v.fail_if_all_match_regexp);
  DumpRegexes(out, "fail_if_not_matches_regexp", v.fail_if_not_matches_regexp);
  DumpRegexes(out, "fail_if_none_matches_regexp", v.fail_if_none_matches_regexp);
  out << YAML::EndMap;
}

// Whether `re` matches `text` (false with *error set when it never compiled).
bool Matches(const Regex& re, const std::string& text, std::string* error) {
  if (re.re == nullptr) {
    *error = Cat("error matching regexp ", re.text);
    return false;
  }
  return RE2::PartialMatch(text, *re.re);
}

// prober/dns.go validRRs.
bool ValidRrs(const std::vector<std::string>& rrs, const DnsRrValidator& v, std::string* why) {
  if (rrs.empty() && !v.fail_if_not_matches_regexp.empty()) {
    *why = "fail_if_not_matches_regexp specified but no RRs returned";
    return false;
  }
  if (rrs.empty() && !v.fail_if_none_matches_regexp.empty()) {
    *why = "fail_if_none_matches_regexp specified but no RRs returned";
    return false;
  }
  bool any_match = false, all_match = true;
  std::string err;
  for (const std::string& rr : rrs) {
    for (const Regex& re : v.fail_if_matches_regexp) {
      const bool m = Matches(re, rr, &err);
      if (!err.empty()) return *why = err, false;
      if (m) return *why = Cat("at least one RR matched regexp ", re.text, ": ", rr), false;
    }
    for (const Regex& re : v.fail_if_all_match_regexp) {
      const bool m = Matches(re, rr, &err);
      if (!err.empty()) return *why = err, false;
      if (!m) all_match = false;
    }
    for (const Regex& re : v.fail_if_not_matches_regexp) {
      const bool m = Matches(re, rr, &err);
      if (!err.empty()) return *why = err, false;
      if (!m) return *why = Cat("at least one RR did not match regexp ", re.text, ": ", rr), false;
    }
    for (const Regex& re : v.fail_if_none_matches_regexp) {
      const bool m = Matches(re, rr, &err);
      if (!err.empty()) return *why = err, false;
      if (m) any_match = true;
    }
  }
  if (!v.fail_if_all_match_regexp.empty() && !all_match) {
    *why = "not all RRs matched regexp";
    return false;
  }
  if (!v.fail_if_none_matches_regexp.empty() && !any_match) {
    *why = "none of the RRs matched any regexp";
    return false;
  }
  return true;
}

// prober/dns.go validRcode.
bool ValidRcode(int rcode, const std::optional<std::vector<std::string>>& valid, std::string* why) {
  std::vector<int> codes;
  if (!valid.has_value()) {
    codes.push_back(0);
  } else {
    for (const std::string& name : *valid) {
      std::optional<int> rc = dns::RcodeByName(name);
      if (!rc) return *why = Cat("invalid rcode ", name), false;
      codes.push_back(*rc);
    }
  }
  for (int rc : codes) {
    if (rc == rcode) return true;
  }
  *why = Cat("rcode ", rcode, " is not one of the valid rcodes");
  return false;
}

// A port as Go's dialer reads it: a number, a service name, or "" for 0.
bool ParsePort(const std::string& s, bool tcp, int* port) {
  uint64_t p = 0;
  if (s.empty()) return *port = 0, true;
  if (ParseUint(s, &p)) return p <= 65535 && (*port = static_cast<int>(p), true);
  servent ent{}, *res = nullptr;
  char buf[1024];
  if (getservbyname_r(s.c_str(), tcp ? "tcp" : "udp", &ent, buf, sizeof(buf), &res) != 0 ||
      res == nullptr)
    return false;
  *port = ntohs(static_cast<uint16_t>(res->s_port));
  return true;
}

uint16_t QueryId() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  return static_cast<uint16_t>(rng());
}

// The gauges upstream registers before it can fail, emitted once at the end.
struct DnsGauges {
  double resolve = 0, connect = 0, request = 0;
  double answer = 0, authority = 0, additional = 0, succeeded = 0;
  std::optional<double> serial;  // registered for an SOA query that got a reply

  bool Emit(SeriesCache& out, bool success) const {
    out.Add(kDuration, {{"phase", "resolve"}}, resolve);
    out.Add(kDuration, {{"phase", "connect"}}, connect);
    out.Add(kDuration, {{"phase", "request"}}, request);
    out.Add(kAnswerRrs, answer);
    out.Add(kAuthorityRrs, authority);
    out.Add(kAdditionalRrs, additional);
    out.Add(kQuerySucceeded, succeeded);
    if (serial.has_value()) out.Add(kSerial, *serial);
    return success;
  }
};

bool Run(const ProberSettings& base, Probe& probe) {
  const auto& s = static_cast<const DnsSettings&>(base);
  DnsGauges g;
  // Parse checked both names (or left them empty: no dns block).
  const uint16_t qc =
      s.query_class.empty() ? dns::kClassIn : dns::ClassByName(s.query_class).value_or(0);
  const uint16_t qt =
      s.query_type.empty() ? dns::kTypeAny : dns::TypeByName(s.query_type).value_or(0);
  const std::string transport = s.transport_protocol.empty() ? "udp" : s.transport_protocol;
  if (transport != "udp" && transport != "tcp") {
    probe.reason = Cat("Configuration error: Expected transport protocol udp or tcp: ", transport);
    return g.Emit(probe.out, false);
  }
  std::string host, port_text;
  if (!SplitHostPort(probe.target, &host, &port_text)) {
    host = std::string(probe.target);
    port_text = s.dns_over_tls ? "853" : "53";
  }
  const absl::Time resolve_start = absl::Now();
  absl::StatusOr<IpAddress> ip = ChooseProtocol(host, s.preferred_ip_protocol,
                                                s.ip_protocol_fallback, probe.deadline, probe.out);
  if (!ip.ok()) {
    probe.reason = Cat("error resolving address: ", ip.status().message());
    return g.Emit(probe.out, false);
  }
  g.resolve = absl::ToDoubleSeconds(absl::Now() - resolve_start);

  dns::ExchangeRequest req;
  req.server = *ip;
  req.tcp = transport == "tcp";
  req.deadline = probe.deadline;
  if (s.dns_over_tls) {
    if (!req.tcp) {
      probe.reason = "Configuration error: Expected transport protocol tcp for DoT";
      return g.Emit(probe.out, false);
    }
    TlsOptions opts = s.tls_config.value_or(TlsOptions{});
    absl::StatusOr<TlsSettings> tls = ToTlsSettings(opts);
    // Upstream's default server name is the target's host.
    if (tls.ok() && tls->server_name.empty()) tls->server_name = host;
    absl::StatusOr<std::shared_ptr<TlsContext>> ctx =
        tls.ok() ? TlsContext::Create(*tls)
                 : absl::StatusOr<std::shared_ptr<TlsContext>>(tls.status());
    if (!ctx.ok()) {
      probe.reason = Cat("failed to create TLS configuration: ", ctx.status().message());
      return g.Emit(probe.out, false);
    }
    req.tls = *ctx;
  }
  std::optional<IpAddress> source;
  if (!s.source_ip_address.empty()) {
    absl::StatusOr<IpAddress> src = ParseSourceIp(s.source_ip_address);
    if (!src.ok()) {
      probe.reason = ToStd(src.status().message());
      return g.Emit(probe.out, false);
    }
    if (req.tls != nullptr) {
      probe.reason = "source_ip_address with dns_over_tls is not supported yet";
      return g.Emit(probe.out, false);
    }
    source = *src;
    req.source = &*source;
  }
  req.id = QueryId();
  absl::StatusOr<std::string> query =
      dns::BuildQuery(req.id, s.query_name, qt, qc, s.recursion_desired);
  if (!ParsePort(port_text, req.tcp, &req.port)) query = absl::InvalidArgumentError(
      Cat("dial ", transport, ": unknown port ", port_text));
  const absl::Time request_start = absl::Now();
  dns::ExchangeResult res;
  if (query.ok()) {
    req.query = *std::move(query);
    res = dns::Exchange(req);
  } else {
    res.reply = query.status();
  }
  g.connect = absl::ToDoubleSeconds(absl::Now() - request_start - res.rtt);
  g.request = absl::ToDoubleSeconds(res.rtt);
  if (!res.reply.ok()) {
    probe.reason = Cat("error while sending a DNS query: ", res.reply.status().message());
    return g.Emit(probe.out, false);
  }
  const dns::Reply& r = *res.reply;
  g.answer = static_cast<double>(r.answer.size());
  g.authority = static_cast<double>(r.authority.size());
  g.additional = static_cast<double>(r.additional.size());
  g.succeeded = 1;
  if (qt == dns::kTypeSoa) g.serial = r.soa_serial.has_value() ? *r.soa_serial : 0.0;
  if (!ValidRcode(r.rcode, s.valid_rcodes, &probe.reason)) return g.Emit(probe.out, false);
  const std::pair<const std::vector<std::string>*, const DnsRrValidator*> sections[] = {
      {&r.answer, &s.validate_answer_rrs},
      {&r.authority, &s.validate_authority_rrs},
      {&r.additional, &s.validate_additional_rrs}};
  constexpr std::string_view kNames[] = {"Answer", "Authority", "Additional"};
  for (int i = 0; i < 3; ++i) {
    std::string why;
    if (!ValidRrs(*sections[i].first, *sections[i].second, &why)) {
      probe.reason = Cat(kNames[i], " RRs validation failed: ", why);
      return g.Emit(probe.out, false);
    }
  }
  return g.Emit(probe.out, true);
}

}  // namespace

void DnsSettings::Dump(YAML::Emitter& out) const {
  out << YAML::Key << "preferred_ip_protocol" << YAML::Value << preferred_ip_protocol;
  out << YAML::Key << "ip_protocol_fallback" << YAML::Value << ip_protocol_fallback;
  out << YAML::Key << "dns_over_tls" << YAML::Value << dns_over_tls;
  if (tls_config.has_value()) {
    out << YAML::Key << "tls_config" << YAML::Value;
    DumpTlsOptions(*tls_config, out);
  }
  out << YAML::Key << "source_ip_address" << YAML::Value << source_ip_address;
  out << YAML::Key << "transport_protocol" << YAML::Value << transport_protocol;
  out << YAML::Key << "query_class" << YAML::Value << query_class;
  out << YAML::Key << "query_name" << YAML::Value << query_name;
  out << YAML::Key << "query_type" << YAML::Value << query_type;
  out << YAML::Key << "recursion_desired" << YAML::Value << recursion_desired;
  if (valid_rcodes.has_value()) {
    out << YAML::Key << "valid_rcodes" << YAML::Value << YAML::BeginSeq;
    for (const std::string& c : *valid_rcodes) out << c;
    out << YAML::EndSeq;
  }
  DumpValidator(out, "validate_answer_rrs", validate_answer_rrs);
  DumpValidator(out, "validate_authority_rrs", validate_authority_rrs);
  DumpValidator(out, "validate_additional_rrs", validate_additional_rrs);
}

bool SplitHostPort(std::string_view hp, std::string* host, std::string* port) {
  const size_t i = hp.rfind(':');
  if (i == std::string_view::npos) return false;
  size_t j = 0, k = 0;
  std::string_view h;
  if (!hp.empty() && hp[0] == '[') {
    const size_t end = hp.find(']');
    if (end == std::string_view::npos || end + 1 != i) return false;
    h = hp.substr(1, end - 1);
    j = 1;
    k = end + 1;
  } else {
    h = hp.substr(0, i);
    if (h.find(':') != std::string_view::npos) return false;
  }
  if (hp.substr(j).find('[') != std::string_view::npos) return false;
  if (hp.substr(k).find(']') != std::string_view::npos) return false;
  *host = std::string(h);
  *port = std::string(hp.substr(i + 1));
  return true;
}

const Prober& DnsProber() {
  static const Prober p{"dns", &Parse, &Run};
  return p;
}

}  // namespace outpost::integrations::blackbox
