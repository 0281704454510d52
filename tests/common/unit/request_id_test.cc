#include "common/server/request_id.h"

#include <map>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace crm::common {
namespace {

using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

bool IsLowerHex(const std::string& text) {
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(RequestIdTest, AcceptsPrintableAsciiUpTo128Characters) {
  EXPECT_TRUE(IsValidRequestId("a"));
  EXPECT_TRUE(IsValidRequestId("req-42 from batch/7 (retry #2)"));
  EXPECT_TRUE(IsValidRequestId(std::string(128, 'x')));
  EXPECT_TRUE(IsValidRequestId("~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"));
}

TEST(RequestIdTest, RejectsEmptyTooLongAndNonPrintable) {
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId(std::string(129, 'x')));
  EXPECT_FALSE(IsValidRequestId("line\nbreak"));
  EXPECT_FALSE(IsValidRequestId("tab\there"));
  EXPECT_FALSE(IsValidRequestId(std::string("nul\0byte", 8)));
  EXPECT_FALSE(IsValidRequestId("caf\xc3\xa9"));  // UTF-8, not ASCII
  EXPECT_FALSE(IsValidRequestId("del\x7f"));
}

TEST(RequestIdTest, GeneratesDistinct128BitHexIds) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = GenerateRequestId();
    EXPECT_EQ(id.size(), 32u) << id;
    EXPECT_TRUE(IsLowerHex(id)) << id;
    EXPECT_TRUE(IsValidRequestId(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RequestIdTest, UsesAValidSuppliedId) {
  std::string key = "x-request-id";
  std::string value = "client-chosen-17";
  Metadata metadata = {{grpc::string_ref(key), grpc::string_ref(value)}};
  EXPECT_EQ(SuppliedRequestId(metadata), "client-chosen-17");
  EXPECT_EQ(RequestIdFor(metadata), "client-chosen-17");
}

TEST(RequestIdTest, ReplacesAnInvalidSuppliedId) {
  std::string key = "x-request-id";
  std::string value(200, 'a');
  Metadata metadata = {{grpc::string_ref(key), grpc::string_ref(value)}};
  EXPECT_EQ(SuppliedRequestId(metadata), "");
  std::string id = RequestIdFor(metadata);
  EXPECT_EQ(id.size(), 32u);
  EXPECT_TRUE(IsLowerHex(id));
}

TEST(RequestIdTest, GeneratesOneWhenNoneIsSupplied) {
  std::string key = "other";
  std::string value = "x";
  Metadata metadata = {{grpc::string_ref(key), grpc::string_ref(value)}};
  EXPECT_EQ(SuppliedRequestId(metadata), "");
  std::string first = RequestIdFor(metadata);
  std::string second = RequestIdFor(metadata);
  EXPECT_EQ(first.size(), 32u);
  EXPECT_NE(first, second);
}

}  // namespace
}  // namespace crm::common
