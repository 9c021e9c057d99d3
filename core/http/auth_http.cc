#include "core/http/auth_http.h"

#include <curl/curl.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/base/absl_compat.h"
#include "core/http/curl_options.h"

namespace outpost::http {
namespace {

constexpr size_t kMaxBody = 1 << 20;

struct Sink {
  std::string body;
  std::string content_type;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  const size_t len = size * n;
  if (s->body.size() < kMaxBody) s->body.append(data, std::min(len, kMaxBody - s->body.size()));
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  const size_t len = size * n;
  const std::string_view line(data, len);
  constexpr std::string_view kName = "content-type:";
  if (line.size() > kName.size() &&
      absl::EqualsIgnoreCase(ToAbsl(line.substr(0, kName.size())), ToAbsl(kName))) {
    s->content_type = ToStd(absl::StripAsciiWhitespace(ToAbsl(line.substr(kName.size()))));
  }
  return len;
}

}  // namespace

bool SplitHttpUrl(std::string_view url, UrlParts* out) {
  const size_t s = url.find("://");
  if (s == std::string_view::npos) return false;
  out->scheme = absl::AsciiStrToLower(ToAbsl(url.substr(0, s)));
  if (out->scheme != "http" && out->scheme != "https") return false;
  std::string_view rest = url.substr(s + 3);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.empty()) return false;
  std::string host(authority);
  // The port, if any: after "]:" for [v6], else after the only ':'.
  const size_t close = host.find(']');
  const size_t colon = host.rfind(':');
  if (colon != std::string::npos && (close == std::string::npos || colon == close + 1)) {
    const std::string_view port = std::string_view(host).substr(colon + 1);
    if (port == (out->scheme == "https" ? "443" : "80")) host.resize(colon);
  }
  out->host = absl::AsciiStrToLower(host);
  const size_t q = rest.find('?');
  out->path = std::string(rest.substr(0, q));
  out->query = q == std::string_view::npos ? "" : std::string(rest.substr(q + 1));
  return true;
}

std::string FormEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == ' ') {
      out.push_back('+');
    } else if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::AsciiStrToUpper(absl::StrCat(absl::Hex(c, absl::kZeroPad2))));
    }
  }
  return out;
}

std::string FormEncode(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [k, v] : values) {
    absl::StrAppend(&out, out.empty() ? "" : "&", FormEscape(k), "=", FormEscape(v));
  }
  return out;
}

std::string Snippet(std::string_view body) {
  std::string s(body.substr(0, 256));
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return s;
}

absl::StatusOr<PostResponse> HttpPost(const std::string& url, const HeaderList& headers,
                                      std::string_view body, const PostOptions& options) {
  CurlGlobalInit();
  CURL* c = curl_easy_init();
  if (c == nullptr) return absl::InternalError("curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) {
    list = curl_slist_append(list, absl::StrCat(k, ": ", v).c_str());
  }
  list = curl_slist_append(list, "Expect:");
  Sink sink;
  char errbuf[CURL_ERROR_SIZE];
  errbuf[0] = 0;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options.timeout)));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  ApplyTls(c, options.tls, options.proxy_url);
  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(errbuf[0] ? std::string(errbuf) : curl_easy_strerror(rc));
  }
  PostResponse r;
  r.status = static_cast<int>(status);
  r.body = std::move(sink.body);
  r.content_type = std::move(sink.content_type);
  return r;
}

}  // namespace outpost::http
