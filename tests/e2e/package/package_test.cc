// End-to-end tests of the Debian package (packaging/package.cmake): each
// test packages this build directory with cpack into a temp dir (as the
// `package` target does; nothing is rebuilt). The package has lintian no
// errors, the expected files, conffiles and Depends (dpkg-shlibdeps, no
// -dev package); it installs, upgrades (a bumped version), is removed and
// purged with `dpkg --root` in a throwaway root whose maintainer scripts
// run with DPKG_ROOT (the user is made and deleted in that root's
// /etc/passwd, never this host's); the installed binary starts, and
// `install.sh --package` writes a config it accepts for every bundled
// stack.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/cli/process.h"
#include "tests/e2e/install/install_runner.h"

namespace outpost::testing::install {
namespace {

// dpkg wants ldconfig and start-stop-daemon on PATH.
const Env kPath = {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}};
constexpr auto kSlow = std::chrono::seconds(240);  // cpack, lintian on a loaded machine

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

RunResult Exec(const std::vector<std::string>& argv, const TempDir& tmp) {
  return RunProgram(argv, kPath, tmp.path(), "", kSlow);
}

std::string Arch(const TempDir& tmp) { return Trim(Exec({"/usr/bin/dpkg", "--print-architecture"}, tmp).out); }

// The package of this build dir (version: the configured one, or
// `version`), written into tmp/<dir>; its path, or "" after a failure.
std::string BuildPackage(const TempDir& tmp, const std::string& dir, const std::string& version = "") {
  std::vector<std::string> argv = {CPACK_COMMAND, "--config", std::string(OUTPOST_BUILD_DIR) + "/CPackConfig.cmake",
                                   "-G", "DEB", "-B", tmp / dir};
  if (!version.empty()) {
    argv.push_back("-D");
    argv.push_back("CPACK_DEBIAN_PACKAGE_VERSION=" + version);
  }
  RunResult r = Exec(argv, tmp);
  const std::string deb =
      tmp / dir + "/outpost_" + (version.empty() ? OUTPOST_VERSION : version) + "_" + Arch(tmp) + ".deb";
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(deb)) << deb << "\n" << r.out << r.err;
  return r.code == 0 && fs::exists(deb) ? deb : "";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The regular files under `root`, as "./relative/path".
std::set<std::string> FilesUnder(const std::string& root) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out.insert("./" + fs::relative(e.path(), root).string());
  }
  return out;
}

std::string Field(const std::string& deb, const std::string& field, const TempDir& tmp) {
  return Trim(Exec({"/usr/bin/dpkg-deb", "-f", deb, field}, tmp).out);
}

TEST(PackageTest, FilesConffilesDependsAndLintian) {
  TempDir tmp;
  const std::string deb = BuildPackage(tmp, "pkg");
  ASSERT_FALSE(deb.empty());
  EXPECT_EQ(Field(deb, "Package", tmp), "outpost");
  EXPECT_EQ(Field(deb, "Version", tmp), OUTPOST_VERSION);
  EXPECT_EQ(Field(deb, "Architecture", tmp), Arch(tmp));

  // Depends: dpkg-shlibdeps' runtime libraries (and passwd for useradd),
  // the libraries outpost opens when first needed (core/base/lazy_library.h),
  // never a -dev package.
  const std::string depends = Field(deb, "Depends", tmp);
  for (const char* lib : {"libc6 (", "libstdc++6 (", "libyaml-cpp", "libcurl4 (", "libmariadb3 (",
                          "libhiredis", "libsnappy1v5 (", "passwd", "libpq5", "libsnmp40", "libldns3",
                          "libc-ares2", "libsystemd0"}) {
    EXPECT_NE(depends.find(lib), std::string::npos) << lib << " not in " << depends;
  }
  std::istringstream parts(depends);
  for (std::string dep; std::getline(parts, dep, ',');) {
    const std::string name = dep.substr(dep.find_first_not_of(' '), dep.find(" (") - dep.find_first_not_of(' '));
    EXPECT_FALSE(name.size() > 4 && name.compare(name.size() - 4, 4, "-dev") == 0) << depends;
  }

  RunResult conffiles = Exec({"/usr/bin/dpkg-deb", "-I", deb, "conffiles"}, tmp);
  EXPECT_EQ(conffiles.out, "/etc/outpost/agent.yaml\n/etc/default/outpost\n") << conffiles.err;

  // The file list: the binary, unit, conffiles, docs and man page, and
  // under /usr/share/outpost exactly what install.sh installs in its
  // share dir (its mapping is tested in tests/e2e/install).
  const std::string root = tmp / "x";
  ASSERT_EQ(Exec({"/usr/bin/dpkg-deb", "-x", deb, root}, tmp).code, 0);
  Fixture f;
  ASSERT_EQ(f.Run({}).code, 0);
  std::set<std::string> want = {"./usr/bin/outpost", "./etc/outpost/agent.yaml", "./etc/default/outpost",
                                "./lib/systemd/system/outpost.service", "./usr/share/doc/outpost/copyright",
                                "./usr/share/doc/outpost/changelog.gz", "./usr/share/man/man1/outpost.1.gz"};
  for (const std::string& s : FilesUnder(f.prefix + "/share/outpost")) want.insert("./usr/share/outpost" + s.substr(1));
  EXPECT_GE(want.size(), 15u);
  EXPECT_EQ(FilesUnder(root), want);
  std::set<std::string> listed;
  for (const std::string& l : Lines(Exec({"/usr/bin/dpkg-deb", "-c", deb}, tmp).out)) {
    if (l[0] != 'd') listed.insert(l.substr(l.rfind(' ') + 1));
    EXPECT_NE(l.find(" root/root "), std::string::npos) << l;
  }
  EXPECT_EQ(listed, want);
  EXPECT_EQ(FileMode(root + "/usr/bin/outpost"), 0755);
  // The unit and env file name the package's paths.
  const std::string unit = ReadAll(root + "/lib/systemd/system/outpost.service");
  EXPECT_NE(unit.find("\nExecStart=/usr/bin/outpost -config.file=${CONFIG_FILE} $CUSTOM_ARGS\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("\nEnvironmentFile=-/etc/default/outpost\n"), std::string::npos) << unit;
  EXPECT_NE(unit.find("\nUser=outpost\n"), std::string::npos) << unit;
  EXPECT_EQ(unit.find("Capabilit"), std::string::npos) << unit;  // a stack's drop-in adds it
  EXPECT_NE(ReadAll(root + "/etc/default/outpost").find("CONFIG_FILE=\"/etc/outpost/agent.yaml\""), std::string::npos);
  EXPECT_NE(ReadAll(root + "/usr/share/outpost/provisioning/outpost.yaml").find("/usr/share/outpost/dashboards"),
            std::string::npos);
  RunResult help = RunProgram({root + "/usr/bin/outpost", "-help"}, {}, tmp.path());
  EXPECT_NE(help.out.find("check-config"), std::string::npos) << help.out << help.err;

  // lintian: no error (warnings are printed; none is suppressed).
  RunResult lint = Exec({"/usr/bin/lintian", "--fail-on", "error", deb}, tmp);
  std::printf("lintian:\n%s%s", lint.out.c_str(), lint.err.c_str());
  EXPECT_EQ(lint.code, 0) << lint.out << lint.err;
  for (const std::string& l : Lines(lint.out)) EXPECT_NE(l.rfind("E: ", 0), 0u) << l;
}

// A throwaway root for `dpkg --root`: an empty dpkg database and an
// /etc/passwd, group and shadow holding root only.
std::string MakeRoot(const TempDir& tmp) {
  const std::string root = tmp / "root";
  fs::create_directories(root + "/var/lib/dpkg/info");
  fs::create_directories(root + "/var/lib/dpkg/updates");
  fs::create_directories(root + "/etc");
  WriteFile(root + "/var/lib/dpkg/status", "");
  WriteFile(root + "/var/lib/dpkg/available", "");
  WriteFile(root + "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  WriteFile(root + "/etc/group", "root:x:0:\n");
  WriteFile(root + "/etc/shadow", "root:*:19000:0:99999:7:::\n");
  WriteFile(root + "/etc/gshadow", "root:*::\n");
  chmod((root + "/etc/shadow").c_str(), 0640);
  chmod((root + "/etc/gshadow").c_str(), 0640);
  return root;
}

RunResult Dpkg(const std::string& root, std::vector<std::string> args, const TempDir& tmp) {
  std::vector<std::string> argv = {"/usr/bin/dpkg", "--root=" + root, "--force-script-chrootless",
                                   "--force-depends"};
  argv.insert(argv.end(), args.begin(), args.end());
  return Exec(argv, tmp);
}

std::string Status(const std::string& root, const TempDir& tmp) {
  return Trim(Exec({"/usr/bin/dpkg-query", "--admindir=" + root + "/var/lib/dpkg", "-W", "-f=${Version} ${Status}",
                   "outpost"},
                  tmp)
                  .out);
}

std::string PasswdLine(const std::string& file) {
  for (const std::string& l : Lines(ReadAll(file))) {
    if (l.rfind("outpost:", 0) == 0) return l;
  }
  return "";
}

TEST(PackageTest, InstallUpgradeRemovePurgeInAThrowawayRoot) {
  TempDir tmp;
  const std::string v1 = OUTPOST_VERSION, v2 = v1 + "+upgrade1";
  const std::string deb1 = BuildPackage(tmp, "v1"), deb2 = BuildPackage(tmp, "v2", v2);
  ASSERT_FALSE(deb1.empty() || deb2.empty());
  ASSERT_EQ(Exec({"/usr/bin/dpkg", "--compare-versions", v2, "gt", v1}, tmp).code, 0);
  const std::string host_passwd = ReadAll("/etc/passwd"), host_group = ReadAll("/etc/group");
  const std::string root = MakeRoot(tmp);

  // install
  RunResult r = Dpkg(root, {"-i", deb1}, tmp);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Status(root, tmp), v1 + " install ok installed");
  const std::string user = PasswdLine(root + "/etc/passwd");
  EXPECT_NE(user.find(":outpost metrics agent:/var/lib/outpost:/usr/sbin/nologin"), std::string::npos) << user;
  EXPECT_FALSE(PasswdLine(root + "/etc/group").empty());
  struct stat data {}, cfg {};
  ASSERT_EQ(stat((root + "/var/lib/outpost").c_str(), &data), 0);
  ASSERT_EQ(stat((root + "/etc/outpost/agent.yaml").c_str(), &cfg), 0);
  EXPECT_EQ(data.st_mode & 07777, 0750u);
  EXPECT_EQ(std::to_string(data.st_uid), user.substr(10, user.find(':', 10) - 10)) << user;
  EXPECT_EQ(cfg.st_mode & 07777, 0640u);
  EXPECT_EQ(cfg.st_gid, data.st_gid);
  EXPECT_TRUE(fs::is_directory(root + "/var/log/outpost"));

  // The installed binary: its version is the package's, it accepts the
  // shipped config and starts with it (the WAL under the throwaway root).
  const std::string bin = root + "/usr/bin/outpost";
  EXPECT_NE(RunProgram({bin, "-version"}, {}, tmp.path()).out.find(v1), std::string::npos);
  RunResult check = RunProgram({bin, "check-config", root + "/etc/outpost/agent.yaml"}, {}, tmp.path());
  EXPECT_EQ(check.code, 0) << check.err;
  std::string shipped = ReadAll(root + "/etc/outpost/agent.yaml");
  shipped.replace(shipped.find("/var/lib/outpost"), 16, root + "/var/lib/outpost");
  WriteFile(tmp / "run.yaml", shipped);
  {
    SpawnOptions o;
    o.out = tmp / "agent.out";
    o.err = tmp / "agent.err";
    o.stdin_null = true;
    SpawnedProcess agent({bin, "-config.file=" + tmp / "run.yaml", "-server.http.address=127.0.0.1:0"}, o);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (PortFromLog(ReadAll(o.err)) == 0 && std::chrono::steady_clock::now() < end && !agent.Wait(std::chrono::milliseconds(100))) {
    }
    EXPECT_NE(PortFromLog(ReadAll(o.err)), 0) << ReadAll(o.err);
    agent.Signal(SIGTERM);
    EXPECT_EQ(agent.Wait(std::chrono::seconds(120)), 0) << ReadAll(o.err);
  }
  EXPECT_TRUE(fs::is_directory(root + "/var/lib/outpost/data-agent"));

  // upgrade: the hand-edited conffile, the data and the user are kept.
  const std::string edited = ReadAll(root + "/etc/outpost/agent.yaml") + "# hand edit\n";
  WriteFile(root + "/etc/outpost/agent.yaml", edited);
  WriteFile(root + "/etc/outpost/remote-write-password", "s3cret");
  r = Dpkg(root, {"-i", deb2}, tmp);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Status(root, tmp), v2 + " install ok installed");
  EXPECT_EQ(ReadAll(root + "/etc/outpost/agent.yaml"), edited);
  EXPECT_FALSE(fs::exists(root + "/etc/outpost/agent.yaml.dpkg-new"));
  EXPECT_FALSE(fs::exists(root + "/etc/outpost/agent.yaml.dpkg-dist"));
  EXPECT_EQ(PasswdLine(root + "/etc/passwd"), user);
  EXPECT_TRUE(fs::is_directory(root + "/var/lib/outpost/data-agent"));

  // remove: the binary goes; config, data and user stay.
  r = Dpkg(root, {"-r", "outpost"}, tmp);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Status(root, tmp), v2 + " deinstall ok config-files");
  EXPECT_FALSE(fs::exists(bin));
  EXPECT_FALSE(fs::exists(root + "/usr/share/outpost"));
  EXPECT_EQ(ReadAll(root + "/etc/outpost/agent.yaml"), edited);
  EXPECT_TRUE(fs::exists(root + "/etc/default/outpost"));
  EXPECT_TRUE(fs::is_directory(root + "/var/lib/outpost/data-agent"));
  EXPECT_EQ(PasswdLine(root + "/etc/passwd"), user);

  // purge: config, data, log, user and group go.
  r = Dpkg(root, {"-P", "outpost"}, tmp);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Status(root, tmp), "");
  for (const char* gone : {"/etc/outpost", "/etc/default/outpost", "/var/lib/outpost", "/var/log/outpost"}) {
    EXPECT_FALSE(fs::exists(root + gone)) << gone;
  }
  EXPECT_EQ(PasswdLine(root + "/etc/passwd"), "");
  EXPECT_EQ(PasswdLine(root + "/etc/group"), "");
  EXPECT_EQ(PasswdLine(root + "/etc/shadow"), "");
  // This host's users were never touched.
  EXPECT_EQ(ReadAll("/etc/passwd"), host_passwd);
  EXPECT_EQ(ReadAll("/etc/group"), host_group);
}

// install.sh --package (into a --prefix throwaway root) writes each bundled
// stack's config over the package's default and the installed binary
// accepts it; a second stack merges into it; bad packages are refused.
TEST(PackageTest, InstallShFromThePackageForEveryStack) {
  TempDir tmp;
  const std::string deb = BuildPackage(tmp, "pkg");
  ASSERT_FALSE(deb.empty());
  std::vector<std::string> stacks;
  for (const auto& e : fs::directory_iterator(std::string(OUTPOST_SOURCE_DIR "/configs/stacks"))) {
    const std::string name = e.path().stem().string();
    if (e.path().extension() == ".yaml" && name[0] != '_') stacks.push_back(name);
  }
  std::sort(stacks.begin(), stacks.end());
  ASSERT_GE(stacks.size(), 4u);
  for (const std::string& stack : stacks) {
    const std::string prefix = tmp / ("p-" + stack);
    std::vector<std::string> args = {"--package", deb, "--prefix", prefix, "--no-start", "--stack", stack,
                                     "--remote-write-url", kUrl, "--mysql-dsn", "exporter:pw@tcp(127.0.0.1:3306)/",
                                     "--postgres-dsn", "postgresql://outpost:pw@127.0.0.1:5432/postgres",
                                     "--http-address", "127.0.0.1:9"};
    // The blackbox stack probes the URLs it is given.
    if (stack == "blackbox") args.insert(args.end(), {"--probe", "http://127.0.0.1:8080/health"});
    RunResult r = Install(args, kPath, tmp.path());
    ASSERT_EQ(r.code, 0) << stack << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("wrote " + prefix + "/etc/outpost/agent.yaml"), std::string::npos) << r.out;
    const std::string cfg = prefix + "/etc/outpost/agent.yaml";
    EXPECT_NE(ReadAll(cfg).find(kUrl), std::string::npos) << ReadAll(cfg);
    RunResult check = RunProgram({prefix + "/usr/bin/outpost", "check-config", cfg}, {}, tmp.path());
    EXPECT_EQ(check.code, 0) << stack << ": " << check.err;
    // The package's env file was as shipped: rewritten for this install.
    const std::string envf = ReadAll(prefix + "/etc/default/outpost");
    EXPECT_NE(envf.find("CONFIG_FILE=\"" + cfg + "\""), std::string::npos) << envf;
    EXPECT_NE(envf.find("-server.http.address=127.0.0.1:9\""), std::string::npos) << envf;
    EXPECT_EQ(Status(prefix, tmp), std::string(OUTPOST_VERSION) + " install ok installed");
    EXPECT_EQ(fs::exists(prefix + "/etc/systemd/system/outpost.service.d/capabilities.conf"),
              stack == "node" || stack == "lamp" || stack == "process")
        << stack;
  }
  // Again with another stack: the written config is kept and merged into.
  const std::string prefix = tmp / "p-node";
  RunResult r = Install({"--package", deb, "--prefix", prefix, "--no-start", "--stack", "redis"}, kPath, tmp.path());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("merged stacks redis"), std::string::npos) << r.out;
  EXPECT_EQ(RunProgram({prefix + "/usr/bin/outpost", "check-config", prefix + "/etc/outpost/agent.yaml"}, {}, tmp.path()).code, 0);

  // Bad input: one line, exit 2, nothing installed.
  WriteFile(tmp / "not.deb", "x");
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"--package", tmp / "not.deb"}, "is not an outpost Debian package"},
      {{"--package", tmp / "missing.deb"}, "cannot read the package"},
      {{"--package", deb, "--binary", OUTPOST_BINARY}, "give --package or --binary, not both"},
  };
  for (const auto& [args, message] : bad) {
    std::vector<std::string> a = {"--prefix", tmp / "bad", "--no-start"};
    a.insert(a.end(), args.begin(), args.end());
    r = Install(a, kPath, tmp.path());
    EXPECT_EQ(r.code, 2) << message << r.out << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "bad"));
  }
}

}  // namespace
}  // namespace outpost::testing::install
