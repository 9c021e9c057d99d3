// ExpandTemplate(): Go's Regexp.Expand rules ($1, ${1}, $name, $$, longest
// names, malformed references kept literally).
#include "core/relabel/expand.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "re2/re2.h"

namespace outpost::relabel {
namespace {

// Matches `text` fully against `pattern` and expands `tmpl`.
std::string Expand(const std::string& pattern, const std::string& text,
                   std::string_view tmpl) {
  re2::RE2 re(pattern);
  EXPECT_TRUE(re.ok()) << re.error();
  const int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(n);
  EXPECT_TRUE(re.Match(text, 0, text.size(), re2::RE2::ANCHOR_BOTH, pieces.data(), n));
  std::vector<std::string_view> groups;
  for (const auto& p : pieces) {
    groups.push_back(p.data() ? std::string_view(p.data(), p.size()) : std::string_view());
  }
  std::string out = "prefix:";
  ExpandTemplate(re, tmpl, groups, out);
  return out.substr(7);
}

TEST(ExpandTemplate, NumberedReferences) {
  EXPECT_EQ(Expand("(a)(b)", "ab", "$2$1"), "ba");
  EXPECT_EQ(Expand("(a)(b)", "ab", "${2}-${1}"), "b-a");
  EXPECT_EQ(Expand("(a)(b)", "ab", "$0"), "ab");
  EXPECT_EQ(Expand("(a)(b)", "ab", "no refs"), "no refs");
  EXPECT_EQ(Expand("(a)(b)", "ab", ""), "");
}

TEST(ExpandTemplate, LongestNameRule) {
  // $1x is ${1x}: a name that does not exist, so empty.
  EXPECT_EQ(Expand("(a)", "a", "$1x"), "");
  EXPECT_EQ(Expand("(a)", "a", "${1}x"), "ax");
  EXPECT_EQ(Expand("(a)", "a", "$1_"), "");
  EXPECT_EQ(Expand("(a)", "a", "$1-"), "a-");
}

TEST(ExpandTemplate, MissingAndUnmatchedGroupsAreEmpty) {
  EXPECT_EQ(Expand("(a)", "a", "[$5]"), "[]");
  EXPECT_EQ(Expand("(a)|(b)", "a", "[$2]"), "[]");
  EXPECT_EQ(Expand("(a)", "a", "[$nope]"), "[]");
  EXPECT_EQ(Expand("(a)", "a", "[${999999999999}]"), "[]");
}

TEST(ExpandTemplate, LeadingZeroIsAName) {
  EXPECT_EQ(Expand("(a)", "a", "[$01]"), "[]");
  EXPECT_EQ(Expand("(a)", "a", "[$00]"), "[]");
}

TEST(ExpandTemplate, NamedGroups) {
  EXPECT_EQ(Expand("(?P<host>[^:]+):(?P<port>\\d+)", "h:80", "$port@${host}"), "80@h");
  EXPECT_EQ(Expand("(?P<host>[^:]+):(?P<port>\\d+)", "h:80", "$host_x"), "");
}

TEST(ExpandTemplate, DollarEscapeAndMalformed) {
  EXPECT_EQ(Expand("(a)", "a", "$$1"), "$1");
  EXPECT_EQ(Expand("(a)", "a", "$$$1"), "$a");
  EXPECT_EQ(Expand("(a)", "a", "$"), "$");
  EXPECT_EQ(Expand("(a)", "a", "x$-y"), "x$-y");
  EXPECT_EQ(Expand("(a)", "a", "${"), "${");
  EXPECT_EQ(Expand("(a)", "a", "${}"), "${}");
  EXPECT_EQ(Expand("(a)", "a", "${1"), "${1");
  EXPECT_EQ(Expand("(a)", "a", "${1}${"), "a${");
}

TEST(ExpandTemplate, UnicodeLettersBelongToNames) {
  // Go's unicode.IsLetter: "é" continues the name, so $1é is ${1é} -> "".
  EXPECT_EQ(Expand("(a)", "a", "$1é"), "");
  EXPECT_EQ(Expand("(a)", "a", "${1}é"), "aé");
  // A non-letter such as "€" ends the name.
  EXPECT_EQ(Expand("(a)", "a", "$1€"), "a€");
  // Invalid UTF-8 ends the name and is copied.
  EXPECT_EQ(Expand("(a)", "a", "$1\xff"), "a\xff");
}

TEST(ExpandTemplate, AppendsToOutput) {
  re2::RE2 re("(x)");
  std::vector<std::string_view> groups = {"x", "x"};
  std::string out = "keep-";
  ExpandTemplate(re, "$1", groups, out);
  EXPECT_EQ(out, "keep-x");
}

}  // namespace
}  // namespace outpost::relabel
