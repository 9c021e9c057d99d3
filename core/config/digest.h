// Hex digests for config names and the agent_config_hash metric (OpenSSL
// libcrypto). Pure, thread-safe.
#ifndef OUTPOST_CORE_CONFIG_DIGEST_H_
#define OUTPOST_CORE_CONFIG_DIGEST_H_

#include <string>
#include <string_view>

namespace outpost::config {

// Lower-case hex of MD5(data) / SHA-256(data).
std::string Md5Hex(std::string_view data);
std::string Sha256Hex(std::string_view data);

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_DIGEST_H_
