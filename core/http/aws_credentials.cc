#include "core/http/aws_credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/base/absl_compat.h"
#include "core/base/log.h"
#include "core/http/auth_http.h"

namespace outpost::http {
namespace {

std::string ProcessEnv(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());
  return v ? v : "";
}

// The text between <tag> and </tag> after `from`; nullopt when absent.
std::optional<std::string_view> XmlElement(std::string_view xml, std::string_view tag,
                                           size_t from = 0) {
  const std::string open = absl::StrCat("<", ToAbsl(tag), ">");
  const std::string close = absl::StrCat("</", ToAbsl(tag), ">");
  const size_t b = xml.find(open, from);
  if (b == std::string_view::npos) return std::nullopt;
  const size_t start = b + open.size();
  const size_t e = xml.find(close, start);
  if (e == std::string_view::npos) return std::nullopt;
  return xml.substr(start, e - start);
}

// The five predefined XML entities (an STS token is base64: '+', '/', '=').
std::string XmlUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static constexpr std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool done = false;
      for (const auto& [name, c] : kEntities) {
        if (s.substr(i, name.size()) == name) {
          out.push_back(c);
          i += name.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string ReadFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

absl::StatusOr<AwsCredentials> ParseSharedCredentials(std::string_view text,
                                                      std::string_view profile) {
  bool in_profile = false, found = false;
  AwsCredentials c;
  for (absl::string_view line : absl::StrSplit(ToAbsl(text), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      const absl::string_view name = absl::StripAsciiWhitespace(line.substr(1, line.size() - 2));
      in_profile = name == ToAbsl(profile);
      found = found || in_profile;
      continue;
    }
    if (!in_profile) continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    const std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, eq)));
    const std::string value(absl::StripAsciiWhitespace(line.substr(eq + 1)));
    if (key == "aws_access_key_id") c.access_key_id = value;
    if (key == "aws_secret_access_key") c.secret_access_key = value;
    if (key == "aws_session_token") c.session_token = value;
  }
  if (!found) return absl::NotFoundError(absl::StrCat("profile \"", ToAbsl(profile), "\" not found"));
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return absl::NotFoundError(absl::StrCat("profile \"", ToAbsl(profile),
                                            "\" has no aws_access_key_id/aws_secret_access_key"));
  }
  return c;
}

absl::StatusOr<AwsCredentials> ParseAssumeRoleResponse(std::string_view xml) {
  if (XmlElement(xml, "ErrorResponse") || XmlElement(xml, "Error")) {
    const std::string code(XmlElement(xml, "Code").value_or("unknown"));
    const std::string message(XmlElement(xml, "Message").value_or(""));
    return absl::PermissionDeniedError(
        absl::StrCat("sts AssumeRole: ", Snippet(code), ": ", Snippet(XmlUnescape(message))));
  }
  const auto creds = XmlElement(xml, "Credentials");
  if (!creds) return absl::InvalidArgumentError("sts AssumeRole: no <Credentials> in the response");
  AwsCredentials c;
  c.access_key_id = XmlUnescape(XmlElement(*creds, "AccessKeyId").value_or(""));
  c.secret_access_key = XmlUnescape(XmlElement(*creds, "SecretAccessKey").value_or(""));
  c.session_token = XmlUnescape(XmlElement(*creds, "SessionToken").value_or(""));
  const std::string exp(absl::StripAsciiWhitespace(ToAbsl(XmlElement(*creds, "Expiration").value_or(""))));
  if (c.access_key_id.empty() || c.secret_access_key.empty() || c.session_token.empty()) {
    return absl::InvalidArgumentError("sts AssumeRole: incomplete <Credentials> in the response");
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, exp, &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sts AssumeRole: bad Expiration \"", Snippet(exp), "\""));
  }
  c.expiry = t;
  return c;
}

absl::StatusOr<std::unique_ptr<AwsCredentialsProvider>> AwsCredentialsProvider::Create(
    const config::Sigv4Config& config, AwsCredentialsOptions options) {
  if (!options.clock) options.clock = [] { return absl::Now(); };
  if (!options.getenv) options.getenv = &ProcessEnv;
  auto env = options.getenv;
  std::unique_ptr<AwsCredentialsProvider> p(new AwsCredentialsProvider());
  p->region_ = config.region;
  if (p->region_.empty()) p->region_ = env("AWS_REGION");
  if (p->region_.empty()) p->region_ = env("AWS_DEFAULT_REGION");
  if (p->region_.empty()) {
    return absl::InvalidArgumentError(
        "sigv4: region not configured in sigv4 or in default credentials chain "
        "(set sigv4.region, AWS_REGION or AWS_DEFAULT_REGION)");
  }

  std::string file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (file.empty() && !env("HOME").empty()) file = env("HOME") + "/.aws/credentials";
  auto from_file = [&](const std::string& profile) -> absl::StatusOr<AwsCredentials> {
    bool ok = false;
    const std::string text = file.empty() ? "" : ReadFile(file, &ok);
    if (!ok) return absl::NotFoundError(absl::StrCat("cannot read \"", file, "\""));
    auto c = ParseSharedCredentials(text, profile);
    if (!c.ok()) {
      return absl::NotFoundError(absl::StrCat(file, ": ", c.status().message()));
    }
    return c;
  };

  AwsCredentials& src = p->source_;
  if (!config.access_key.empty()) {
    src.access_key_id = config.access_key;
    src.secret_access_key = config.secret_key.reveal();
  } else if (!config.profile.empty()) {
    auto c = from_file(config.profile);
    if (!c.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("sigv4: ", c.status().message()));
    }
    src = *c;
  } else {
    std::string id = env("AWS_ACCESS_KEY_ID");
    if (id.empty()) id = env("AWS_ACCESS_KEY");
    std::string secret = env("AWS_SECRET_ACCESS_KEY");
    if (secret.empty()) secret = env("AWS_SECRET_KEY");
    if (!id.empty() && !secret.empty()) {
      src.access_key_id = id;
      src.secret_access_key = secret;
      src.session_token = env("AWS_SESSION_TOKEN");
    } else {
      std::string profile = env("AWS_PROFILE");
      if (profile.empty()) profile = "default";
      auto c = from_file(profile);
      if (!c.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "sigv4: no AWS credentials: set sigv4.access_key/secret_key or "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a shared credentials file (",
            c.status().message(), ")"));
      }
      src = *c;
    }
  }
  p->role_arn_ = config.role_arn;
  p->sts_url_ = env("AWS_ENDPOINT_URL_STS");
  if (p->sts_url_.empty()) p->sts_url_ = env("AWS_ENDPOINT_URL");
  if (p->sts_url_.empty()) p->sts_url_ = absl::StrCat("https://sts.", p->region_, ".amazonaws.com/");
  p->options_ = std::move(options);
  return p;
}

absl::StatusOr<AwsCredentials> AwsCredentialsProvider::Get() {
  if (role_arn_.empty()) return source_;
  absl::MutexLock l(&mu_);
  const absl::Time now = options_.clock();
  if (assumed_ && (!assumed_->expiry || *assumed_->expiry - options_.expiry_window > now)) {
    return *assumed_;
  }
  auto c = AssumeRole(source_);
  if (!c.ok()) {
    // Keep using still-valid credentials when a renewal fails.
    if (assumed_ && assumed_->expiry && *assumed_->expiry > now) return *assumed_;
    return c.status();
  }
  assumed_ = *c;
  return *c;
}

// AssumeRole over the Query API (AWS STS API reference, AssumeRole).
absl::StatusOr<AwsCredentials> AwsCredentialsProvider::AssumeRole(const AwsCredentials& source) {
  UrlParts url;
  if (!SplitHttpUrl(sts_url_, &url)) {
    return absl::InvalidArgumentError(absl::StrCat("sigv4: bad STS endpoint \"", sts_url_, "\""));
  }
  const absl::Time now = options_.clock();
  const std::string body = FormEncode({{"Action", "AssumeRole"},
                                       {"DurationSeconds", "900"},
                                       {"RoleArn", role_arn_},
                                       {"RoleSessionName", absl::StrCat(absl::ToUnixNanos(now))},
                                       {"Version", "2011-06-15"}});
  SigV4Request req;
  req.method = "POST";
  req.host = url.host;
  req.path = url.path;
  req.query = url.query;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.payload = body;
  SigV4Signature sig = SignV4(req, source, region_, "sts", now);
  HeaderList headers = req.headers;
  headers.emplace_back("Host", url.host);
  headers.insert(headers.end(), sig.headers.begin(), sig.headers.end());
  PostOptions po;
  po.timeout = options_.sts_timeout;
  auto resp = HttpPost(sts_url_, headers, body, po);
  if (!resp.ok()) {
    return absl::UnavailableError(absl::StrCat("sts AssumeRole: ", resp.status().message()));
  }
  auto c = ParseAssumeRoleResponse(resp->body);
  if (!c.ok()) {
    return absl::Status(c.status().code(),
                        absl::StrCat(c.status().message(), " (HTTP ", resp->status, ")"));
  }
  if (resp->status / 100 != 2) {
    return absl::UnavailableError(absl::StrCat("sts AssumeRole: HTTP ", resp->status));
  }
  log::Info("sigv4: assumed role", {{"role_arn", role_arn_},
                                    {"expires", absl::FormatTime(*c->expiry)}});
  return c;
}

}  // namespace outpost::http
