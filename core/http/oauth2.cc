#include "core/http/oauth2.h"

#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/base/absl_compat.h"
#include "core/http/auth_http.h"
#include "core/http/sigv4.h"

namespace outpost::http {
namespace {

// A strict little JSON reader: keeps the top-level members of an object
// whose values are strings or numbers (as text); other values are parsed
// and skipped. Nesting is bounded.
class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}

  bool TopLevelObject(std::map<std::string, std::string>* out) {
    Space();
    if (!Object(0, out)) return false;
    Space();
    return i_ == s_.size();
  }

 private:
  static constexpr int kMaxDepth = 32;

  void Space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool Eat(char c) {
    Space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool String(std::string* out) {
    Space();
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      switch (e) {
        case '"': case '\\': case '/': out->push_back(e); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          if (i_ + 4 > s_.size()) return false;
          uint32_t cp = 0;
          for (int k = 0; k < 4; ++k) {
            const char h = s_[i_++];
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= static_cast<uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= static_cast<uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= static_cast<uint32_t>(h - 'A' + 10);
            else return false;
          }
          // UTF-8 (surrogates are kept as their own code units: tokens are
          // ASCII in practice).
          if (cp < 0x80) {
            out->push_back(static_cast<char>(cp));
          } else if (cp < 0x800) {
            out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          }
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  bool Number(std::string* out) {
    Space();
    const size_t start = i_;
    while (i_ < s_.size() && (absl::ascii_isdigit(static_cast<unsigned char>(s_[i_])) ||
                              s_[i_] == '-' || s_[i_] == '+' || s_[i_] == '.' ||
                              s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
    }
    if (i_ == start) return false;
    *out = std::string(s_.substr(start, i_ - start));
    double d;
    return absl::SimpleAtod(*out, &d);
  }
  bool Literal(std::string_view word) {
    Space();
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  // A value; strings and numbers are stored in *text (kind 's'/'n').
  bool Value(int depth, std::string* text, char* kind) {
    Space();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    *kind = 0;
    if (c == '"') {
      *kind = 's';
      return String(text);
    }
    if (c == '{') return depth < kMaxDepth && Object(depth + 1, nullptr);
    if (c == '[') {
      if (depth >= kMaxDepth) return false;
      ++i_;
      if (Eat(']')) return true;
      do {
        std::string ignored;
        char k;
        if (!Value(depth + 1, &ignored, &k)) return false;
      } while (Eat(','));
      return Eat(']');
    }
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    *kind = 'n';
    return Number(text);
  }
  bool Object(int depth, std::map<std::string, std::string>* out) {
    if (!Eat('{')) return false;
    if (Eat('}')) return true;
    do {
      std::string key, text;
      char kind;
      if (!String(&key) || !Eat(':') || !Value(depth, &text, &kind)) return false;
      if (out != nullptr && kind != 0) (*out)[key] = text;
    } while (Eat(','));
    return Eat('}');
  }

  std::string_view s_;
  size_t i_ = 0;
};

std::string ReadSecretFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return std::string(ToStd(absl::StripAsciiWhitespace(s)));
}

}  // namespace

absl::StatusOr<OAuth2Token> ParseTokenResponse(std::string_view body,
                                               std::string_view content_type, absl::Time now) {
  std::map<std::string, std::string> fields;
  const std::string ct = absl::AsciiStrToLower(ToAbsl(content_type));
  if (absl::StartsWith(ct, "application/x-www-form-urlencoded") ||
      absl::StartsWith(ct, "text/plain")) {
    for (absl::string_view kv : absl::StrSplit(ToAbsl(body), '&', absl::SkipEmpty())) {
      const size_t eq = kv.find('=');
      if (eq == absl::string_view::npos) continue;
      std::string v(kv.substr(eq + 1));
      for (char& c : v) {
        if (c == '+') c = ' ';
      }
      fields[UriDecode(std::string(kv.substr(0, eq)))] = UriDecode(v);
    }
  } else if (!JsonReader(body).TopLevelObject(&fields)) {
    return absl::InvalidArgumentError("oauth2: cannot parse token response: not a JSON object");
  }
  OAuth2Token t;
  t.access_token = fields["access_token"];
  if (t.access_token.empty()) {
    return absl::InvalidArgumentError("oauth2: server response missing access_token");
  }
  // x/oauth2 Token.Type().
  const std::string type = fields["token_type"];
  if (type.empty() || absl::EqualsIgnoreCase(type, "bearer")) {
    t.token_type = "Bearer";
  } else if (absl::EqualsIgnoreCase(type, "mac")) {
    t.token_type = "MAC";
  } else if (absl::EqualsIgnoreCase(type, "basic")) {
    t.token_type = "Basic";
  } else {
    t.token_type = type;
  }
  if (const std::string& e = fields["expires_in"]; !e.empty()) {
    double secs = 0;
    if (!absl::SimpleAtod(e, &secs) || !(secs >= 0) || secs > 1e9) {
      return absl::InvalidArgumentError("oauth2: bad expires_in in token response");
    }
    if (secs > 0) t.expiry = now + absl::Seconds(static_cast<int64_t>(secs));
  }
  return t;
}

OAuth2TokenSource::OAuth2TokenSource(config::OAuth2Config config, OAuth2Options options)
    : config_(std::move(config)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = [] { return absl::Now(); };
}

int OAuth2TokenSource::fetches() const {
  absl::MutexLock l(&mu_);
  return fetches_;
}

absl::StatusOr<OAuth2Token> OAuth2TokenSource::Token() {
  absl::MutexLock l(&mu_);
  if (token_ && (!token_->expiry || *token_->expiry - options_.expiry_delta > options_.clock())) {
    return *token_;
  }
  auto t = Fetch();
  if (!t.ok()) return t.status();
  token_ = *t;
  return *t;
}

bool OAuth2TokenSource::Invalidate(std::string_view access_token) {
  absl::MutexLock l(&mu_);
  if (token_ && token_->access_token == access_token) token_.reset();
  return true;
}

absl::StatusOr<OAuth2Token> OAuth2TokenSource::Fetch() {
  std::string secret = config_.client_secret.reveal();
  if (!config_.client_secret_file.empty()) {
    bool ok = false;
    secret = ReadSecretFile(config_.client_secret_file, &ok);
    if (!ok) {
      return absl::FailedPreconditionError(absl::StrCat(
          "oauth2: cannot read client_secret_file \"", config_.client_secret_file, "\""));
    }
  }
  std::map<std::string, std::string> form = {{"grant_type", "client_credentials"}};
  if (!config_.scopes.empty()) form["scope"] = absl::StrJoin(config_.scopes, " ");
  for (const auto& [k, v] : config_.endpoint_params) form[k] = v;
  PostOptions po;
  po.tls = config_.tls_config;
  po.proxy_url = config_.proxy_url;
  po.timeout = options_.timeout;

  absl::Status last;
  for (int style : {1, 2}) {
    if (auth_style_ != 0 && style != auth_style_) continue;
    HeaderList headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    std::map<std::string, std::string> f = form;
    if (style == 1) {
      headers.emplace_back(
          "Authorization",
          absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat(
                                     FormEscape(config_.client_id), ":", FormEscape(secret)))));
    } else {
      f["client_id"] = config_.client_id;
      f["client_secret"] = secret;
    }
    ++fetches_;
    const absl::Time sent = options_.clock();
    auto resp = HttpPost(config_.token_url, headers, FormEncode(f), po);
    if (!resp.ok()) {
      return absl::UnavailableError(
          absl::StrCat("oauth2: cannot fetch token: ", resp.status().message()));
    }
    if (resp->status / 100 != 2) {
      last = absl::UnavailableError(absl::StrCat("oauth2: cannot fetch token: HTTP ",
                                                 resp->status, ": ", Snippet(resp->body)));
      continue;  // AutoDetect: try the other style
    }
    auto t = ParseTokenResponse(resp->body, resp->content_type, sent);
    if (!t.ok()) return t.status();
    auth_style_ = style;
    return t;
  }
  return last;
}

}  // namespace outpost::http
