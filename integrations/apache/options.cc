#include "integrations/apache/options.h"

#include "core/config/url.h"
#include "integrations/common/text.h"

namespace outpost::integrations::apache {

Options ParseOptions(config::MapReader& m) {
  Options o;
  m.String("scrape_uri", &o.scrape_uri);
  if (!config::IsAbsoluteHttpUrl(o.scrape_uri)) {
    m.ValueError("scrape_uri", "scrape_uri is invalid: want an absolute http:// or https:// URL");
  } else if (std::string problem = config::UrlSyntaxProblem(o.scrape_uri); !problem.empty()) {
    m.ValueError("scrape_uri", Cat("scrape_uri is invalid: ", problem));
  }
  m.String("host_override", &o.host_override);
  m.Bool("insecure", &o.insecure);
  return o;
}

void DumpOptions(const Options& o, YAML::Emitter& out) {
  out << YAML::Key << "scrape_uri" << YAML::Value << config::MaskUrlPassword(o.scrape_uri);
  out << YAML::Key << "host_override" << YAML::Value << o.host_override;
  out << YAML::Key << "insecure" << YAML::Value << o.insecure;
}

std::string UriHost(std::string_view uri) {
  const size_t sep = uri.find("://");
  if (sep == std::string_view::npos) return "";
  std::string_view authority = uri.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);
  return std::string(authority);
}

}  // namespace outpost::integrations::apache
