#include "common/api/etag.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>

namespace crm::common {
namespace {

using namespace std::string_literals;
using ::testing::StartsWith;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(EtagTest, RoundTripsEveryVersion) {
  for (int64_t version : {int64_t{0}, int64_t{1}, int64_t{31}, int64_t{32}, int64_t{1000},
                          int64_t{1} << 40, kMax, int64_t{-1}, kMin}) {
    EXPECT_EQ(ParseEtag("etag", FormatEtag(version)).value(), version) << FormatEtag(version);
  }
}

TEST(EtagTest, IsAShortPrintableDeterministicString) {
  EXPECT_EQ(FormatEtag(1), "1");
  EXPECT_EQ(FormatEtag(32), "10");
  EXPECT_EQ(FormatEtag(1000), "z8");
  EXPECT_EQ(FormatEtag(-1), "fzzzzzzzzzzzz");
  std::set<std::string> etags;
  for (int64_t version = 0; version < 5000; ++version) {
    const std::string etag = FormatEtag(version);
    EXPECT_EQ(etag, FormatEtag(version));
    EXPECT_EQ(etag.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz"), std::string::npos);
    etags.insert(etag);
  }
  EXPECT_EQ(etags.size(), 5000u) << "distinct versions give distinct etags";
  EXPECT_LE(FormatEtag(kMin).size(), 13u);
}

TEST(EtagTest, MalformedEtagsAreInvalidArgumentNamingTheField) {
  for (const std::string& etag : {
           ""s,
           "00"s,  // leading zero: not canonical
           "01"s,
           "A"s,  // uppercase
           "Z8"s,
           "i"s,
           "l"s,
           "o"s,
           "u"s,  // not in the alphabet
           "\"1\""s,
           "W/\"1\""s,
           " 1"s,
           "1 "s,
           "-1"s,
           "+1"s,
           "1.0"s,
           "g000000000000"s,  // 65 bits
           "zzzzzzzzzzzzz"s,
           "10000000000000"s,  // 14 digits
           "1\0"s,
           "\xFF"s,
           "'; DROP TABLE customers; --"s,
           std::string(10000, '1'),
       }) {
    const absl::StatusOr<int64_t> version = ParseEtag("customer.etag", etag);
    ASSERT_FALSE(version.ok()) << testing::PrintToString(etag) << " parsed as " << *version;
    EXPECT_EQ(version.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(version.status().message()), StartsWith("customer.etag: \""));
    EXPECT_LT(version.status().message().size(), 250u);
  }
  EXPECT_EQ(ParseEtag("customer.etag", "W/1").status().message(),
            R"(customer.etag: "W/1" is not an etag returned by this service; use the etag from )"
            R"(your last read)");
}

TEST(CheckEtagTest, EmptyEtagIsUnconditional) {
  EXPECT_TRUE(CheckEtag("", 7, "customers/42").ok());
}

TEST(CheckEtagTest, CurrentEtagPasses) {
  EXPECT_TRUE(CheckEtag(FormatEtag(7), 7, "customers/42").ok());
  EXPECT_TRUE(CheckEtag(FormatEtag(kMax), kMax, "customers/42").ok());
}

TEST(CheckEtagTest, StaleEtagIsAbortedWithARetryHint) {
  const absl::Status status = CheckEtag(FormatEtag(6), 7, "customers/42");
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(status.message(),
            R"(etag "6" is stale for customers/42: it was modified since you read it; re-read )"
            R"(and retry)");
  EXPECT_EQ(CheckEtag(FormatEtag(8), 7, "customers/42").code(), absl::StatusCode::kAborted)
      << "an etag from the future is not current either";
}

TEST(CheckEtagTest, MalformedEtagIsInvalidArgument) {
  const absl::Status status = CheckEtag("W/\"7\"", 7, "customers/42");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith("etag: "));
  EXPECT_THAT(std::string(CheckEtag("xx!", 7, "customers/42", "customer.etag").message()),
              StartsWith("customer.etag: \"xx!\""));
}

}  // namespace
}  // namespace crm::common
