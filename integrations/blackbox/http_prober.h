// The http prober (blackbox_exporter prober/http.go) over libcurl: one
// easy handle per probe, each redirect followed by hand (new connection,
// phases summed over all round trips as upstream's trace), the first
// request pinned to the resolved IP (CURLOPT_RESOLVE) so Host and SNI stay
// the target's name. Gauges: probe_http_*, probe_failed_due_to_regex,
// chooseProtocol's three, and the TLS gauges when the last response came
// over TLS.
#ifndef OUTPOST_INTEGRATIONS_BLACKBOX_HTTP_PROBER_H_
#define OUTPOST_INTEGRATIONS_BLACKBOX_HTTP_PROBER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "integrations/blackbox/http_settings.h"
#include "integrations/blackbox/prober.h"

namespace outpost::integrations::blackbox {

const Prober& HttpProber();

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Upstream's matchRegularExpressionsOnHeaders: false (and why in *reason)
// when a fail_if_header_matches regexp matches a value of its header, a
// fail_if_header_not_matches one matches none, or a required header is
// missing. Names compare case-insensitively.
bool HeadersPass(const HttpSettings& s, const HeaderList& headers, std::string* reason);

// Upstream's matchRegularExpressions on the body.
bool BodyPasses(const HttpSettings& s, std::string_view body, std::string* reason);

// The response's Content-Length as Go's http.Response.ContentLength: 0
// for 1xx/204/304 (and a non-HEAD request), -1 when chunked or absent.
double GoContentLength(int status, bool head_request, const HeaderList& headers);

}  // namespace outpost::integrations::blackbox

#endif  // OUTPOST_INTEGRATIONS_BLACKBOX_HTTP_PROBER_H_
