// A string that never prints: config dumps, logs and errors show "<secret>".
#ifndef OUTPOST_CORE_CONFIG_SECRET_H_
#define OUTPOST_CORE_CONFIG_SECRET_H_

#include <string>
#include <string_view>

namespace outpost::config {

inline constexpr std::string_view kSecretMask = "<secret>";

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string v) : value_(std::move(v)) {}
  // The real value: only for the code that uses it (auth headers, DSNs).
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  // What may be shown: "<secret>" when set, "" when empty.
  std::string_view masked() const { return value_.empty() ? std::string_view{} : kSecretMask; }
  friend bool operator==(const Secret&, const Secret&) = default;

 private:
  std::string value_;
};

}  // namespace outpost::config

#endif  // OUTPOST_CORE_CONFIG_SECRET_H_
