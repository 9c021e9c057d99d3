#include "core/scrape/dns_sd.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"

namespace outpost::scrape {
namespace {

std::string JoinHostPort(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

int QueryType(const std::string& type) {
  if (type == "A") return ns_t_a;
  if (type == "AAAA") return ns_t_aaaa;
  return ns_t_srv;
}

}  // namespace

absl::StatusOr<std::vector<Labels>> ParseDnsAnswer(const unsigned char* buf, int len,
                                                   const std::string& name, int port) {
  ns_msg msg;
  if (ns_initparse(buf, len, &msg) != 0) {
    return absl::DataLossError(absl::StrCat("malformed DNS answer for \"", name, "\""));
  }
  std::vector<Labels> out;
  const int n = ns_msg_count(msg, ns_s_an);
  for (int i = 0; i < n; ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) != 0) {
      return absl::DataLossError(absl::StrCat("malformed DNS record for \"", name, "\""));
    }
    const unsigned char* rd = ns_rr_rdata(rr);
    const int rdlen = ns_rr_rdlen(rr);
    Labels l;
    char text[NS_MAXDNAME];
    switch (ns_rr_type(rr)) {
      case ns_t_srv: {
        if (rdlen < 7) continue;
        const int srv_port = (rd[4] << 8) | rd[5];
        if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 6, text, sizeof(text)) < 0) {
          return absl::DataLossError(absl::StrCat("malformed SRV record for \"", name, "\""));
        }
        std::string target = text;  // dn_expand gives no final dot
        l.Set("__address__", JoinHostPort(target, srv_port));
        l.Set("__meta_dns_srv_record_target", target + ".");
        l.Set("__meta_dns_srv_record_port", std::to_string(srv_port));
        break;
      }
      case ns_t_a:
        if (rdlen != 4 || inet_ntop(AF_INET, rd, text, sizeof(text)) == nullptr) continue;
        l.Set("__address__", JoinHostPort(text, port));
        break;
      case ns_t_aaaa:
        if (rdlen != 16 || inet_ntop(AF_INET6, rd, text, sizeof(text)) == nullptr) continue;
        l.Set("__address__", JoinHostPort(text, port));
        break;
      case ns_t_cname:
        continue;  // comes with A/AAAA answers for aliases
      default:
        log::Warn("Invalid record", {{"name", name}, {"type", std::to_string(ns_rr_type(rr))}});
        continue;
    }
    l.Set("__meta_dns_name", name);
    out.push_back(std::move(l));
  }
  return out;
}

DnsSd::DnsSd(config::DnsSdConfig cfg, ScrapeMetrics* metrics, std::string nameserver)
    : cfg_(std::move(cfg)), metrics_(metrics), nameserver_(std::move(nameserver)) {}

DnsSd::~DnsSd() = default;

absl::StatusOr<std::vector<Labels>> DnsSd::Lookup(const std::string& name) {
  struct __res_state state {};
  if (res_ninit(&state) != 0) return absl::UnavailableError("could not load resolv.conf");
  if (!nameserver_.empty()) {
    const size_t colon = nameserver_.rfind(':');
    int ns_port = 53;
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    if (colon == std::string::npos ||
        inet_pton(AF_INET, nameserver_.substr(0, colon).c_str(), &sa.sin_addr) != 1 ||
        !absl::SimpleAtoi(ToAbsl(std::string_view(nameserver_).substr(colon + 1)), &ns_port)) {
      res_nclose(&state);
      return absl::InvalidArgumentError(absl::StrCat("bad nameserver ", nameserver_));
    }
    sa.sin_port = htons(static_cast<uint16_t>(ns_port));
    state.nscount = 1;
    state.nsaddr_list[0] = sa;
  }
  std::vector<unsigned char> buf(65536);
  const int len = res_nsearch(&state, name.c_str(), ns_c_in, QueryType(cfg_.type), buf.data(),
                              static_cast<int>(buf.size()));
  const int herr = state.res_h_errno;
  res_nclose(&state);
  if (metrics_ != nullptr) metrics_->sd_dns_lookups.Increment();
  if (len < 0) {
    // "That name does not exist" and "no record of that type" are answers
    // (no targets); anything else is a failure (upstream's
    // lookupWithSearchPath outcomes 2 and 3).
    if (herr == HOST_NOT_FOUND || herr == NO_DATA) return std::vector<Labels>{};
    if (metrics_ != nullptr) metrics_->sd_dns_lookup_failures.Increment();
    return absl::UnavailableError(absl::StrCat("could not resolve \"", name, "\": ",
                                               hstrerror(herr)));
  }
  absl::StatusOr<std::vector<Labels>> got =
      ParseDnsAnswer(buf.data(), std::min<int>(len, static_cast<int>(buf.size())), name, cfg_.port);
  if (!got.ok() && metrics_ != nullptr) metrics_->sd_dns_lookup_failures.Increment();
  return got;
}

absl::StatusOr<std::vector<Labels>> DnsSd::Fetch() {
  std::vector<Labels> out;
  absl::Status first_error;
  for (const std::string& name : cfg_.names) {
    absl::StatusOr<std::vector<Labels>> got = Lookup(name);
    if (got.ok()) {
      last_[name] = *std::move(got);
    } else {
      log::Error("Error refreshing DNS targets", {{"err", got.status().ToString()}});
      if (first_error.ok()) first_error = got.status();
    }
    auto it = last_.find(name);
    if (it != last_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  if (!first_error.ok() && last_.empty()) return first_error;
  return out;
}

}  // namespace outpost::scrape
