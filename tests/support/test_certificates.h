// Throwaway TLS material for the real-server tests, made by the openssl
// CLI in a directory: a CA (ca.crt/ca.key), a server certificate signed by
// it (server.crt/server.key, SAN IP:127.0.0.1 and DNS:localhost) and an
// unrelated second CA (other-ca.crt). openssl's output goes to
// <dir>/openssl.log.
#ifndef OUTPOST_TESTS_SUPPORT_TEST_CERTIFICATES_H_
#define OUTPOST_TESTS_SUPPORT_TEST_CERTIFICATES_H_

#include <cstdio>
#include <cstdlib>
#include <string>

namespace outpost::testing {

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// False with *error set when openssl fails or is missing.
inline bool MakeTestCertificates(const std::string& dir, std::string* error) {
  auto openssl = [&](const std::string& args) {
    const std::string cmd = "cd " + ShellQuote(dir) + " && openssl " + args + " >>openssl.log 2>&1";
    if (std::system(cmd.c_str()) == 0) return true;
    *error =
        "openssl " + args + " failed (is the openssl CLI installed?); see " + dir + "/openssl.log";
    return false;
  };
  const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  FILE* f = std::fopen((dir + "/san.cnf").c_str(), "w");
  if (f == nullptr) {
    *error = "cannot write san.cnf";
    return false;
  }
  std::fputs("subjectAltName=IP:127.0.0.1,DNS:localhost\n", f);
  std::fclose(f);
  return openssl("req -x509" + key +
                 " -keyout ca.key -out ca.crt -days 2 -subj /CN=outpost-test-ca") &&
         openssl("req -x509" + key +
                 " -keyout other-ca.key -out other-ca.crt -days 2 -subj /CN=other-ca") &&
         openssl("req" + key + " -keyout server.key -out server.csr -subj /CN=localhost") &&
         openssl(
             "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial"
             " -out server.crt -days 2 -extfile san.cnf");
}

}  // namespace outpost::testing

#endif  // OUTPOST_TESTS_SUPPORT_TEST_CERTIFICATES_H_
