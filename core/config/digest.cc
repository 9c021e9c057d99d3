#include "core/config/digest.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "absl/strings/escaping.h"

namespace outpost::config {
namespace {

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // EVP_Digest only fails on allocation failure or a bad algorithm; neither
  // can be recovered from here.
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) std::abort();
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(out), static_cast<size_t>(len)));
}

}  // namespace

std::string Md5Hex(std::string_view data) { return Digest(EVP_md5(), data); }
std::string Sha256Hex(std::string_view data) { return Digest(EVP_sha256(), data); }

}  // namespace outpost::config
