#include "common/api/resource_name.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "common/api/utf8.h"

namespace crm::common {
namespace {

using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();

TEST(ParseResourceIdTest, ParsesCanonicalNames) {
  EXPECT_EQ(ParseResourceId("customer.name", "customers/42", "customers").value(), 42);
  EXPECT_EQ(ParseResourceId("customer.name", "customers/1", "customers").value(), 1);
  EXPECT_EQ(ParseResourceId("name", "suppliers/9223372036854775807", "suppliers").value(), kMaxId);
}

TEST(ParseResourceIdTest, ErrorNamesTheFieldTheValueAndTheExpectedPattern) {
  const absl::StatusOr<int64_t> id = ParseResourceId("customer.name", "orders/7", "customers");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(id.status().message(),
            R"(customer.name: "orders/7" is not a valid customers name (expected customers/{id}))");
}

TEST(ParseResourceIdTest, RejectsEveryNonCanonicalName) {
  for (const std::string& name : {
           ""s,
           "customers"s,
           "customers/"s,
           "/customers/1"s,
           "customers//1"s,
           "customers/0"s,
           "customers/00"s,
           "customers/01"s,
           "customers/-1"s,
           "customers/+1"s,
           "customers/ 1"s,
           "customers/1 "s,
           " customers/1"s,
           "customers/1\n"s,
           "customers/1\0"s,
           "customers/1.0"s,
           "customers/1e3"s,
           "customers/0x10"s,
           "customers/abc"s,
           "customers/9223372036854775808"s,  // INT64_MAX + 1
           "customers/18446744073709551616"s,
           "customers/99999999999999999999999999999"s,
           "customers/1/x"s,
           "customers/1/"s,
           "customers/1/interactions/2"s,
           "customer/1"s,
           "Customers/1"s,
           "CUSTOMERS/1"s,
           "suppliers/1"s,
           "customers\\1"s,
           "customers%2F1"s,
           "customers/\xEF\xBC\x94\xEF\xBC\x92"s,  // fullwidth digits ４２
           "customers/\xE0\xA5\xA7"s,              // Devanagari digit one
           "customers/1\xFF"s,
           "customers/\xC0\xB1"s,  // overlong '1'
           "customers/1'; DROP TABLE customers; --"s,
       }) {
    const absl::StatusOr<int64_t> id = ParseResourceId("customer.name", name, "customers");
    ASSERT_FALSE(id.ok()) << testing::PrintToString(name) << " parsed as " << *id;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(id.status().message()), StartsWith("customer.name: \""));
    EXPECT_THAT(std::string(id.status().message()),
                HasSubstr("is not a valid customers name (expected customers/{id})"));
  }
}

TEST(ParseResourceIdTest, HostileValuesAreQuotedSafelyAndBriefly) {
  const std::string hostile = "customers/\n\"}{\xFF" + std::string(10000, 'x');
  const absl::Status status = ParseResourceId("customer.name", hostile, "customers").status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message().find('\n'), absl::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8(std::string(status.message())), std::nullopt);
  EXPECT_LT(status.message().size(), 250u);
  EXPECT_THAT(std::string(status.message()), HasSubstr(R"("customers/\n\"}{\xFFxxx)"));
}

TEST(ParseNestedResourceNameTest, ParsesEveryId) {
  EXPECT_THAT(ParseNestedResourceName("interaction.name", "customers/1/interactions/7",
                                      {"customers", "interactions"})
                  .value(),
              ElementsAre(1, 7));
  EXPECT_THAT(
      ParseNestedResourceName("n", "a/9223372036854775807/b/2/c/3", {"a", "b", "c"}).value(),
      ElementsAre(kMaxId, 2, 3));
  EXPECT_THAT(ParseNestedResourceName("n", "customers/5", {"customers"}).value(), ElementsAre(5));
}

TEST(ParseNestedResourceNameTest, RejectsWrongShapes) {
  for (const std::string& name : {
           "customers/1"s,
           "interactions/7"s,
           "customers/1/interactions"s,
           "customers/1/interactions/"s,
           "customers/1/notes/7"s,
           "customers/0/interactions/7"s,
           "customers/1/interactions/0"s,
           "customers/1/interactions/07"s,
           "customers/x/interactions/7"s,
           "customers/1/interactions/7/x"s,
           "customers/1/interactions/7/"s,
           "interactions/7/customers/1"s,
           "customers/1//interactions/7"s,
       }) {
    const auto ids =
        ParseNestedResourceName("interaction.name", name, {"customers", "interactions"});
    ASSERT_FALSE(ids.ok()) << name;
    EXPECT_EQ(ids.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ids.status().message(), "interaction.name: \"" + name +
                                          "\" is not a valid interactions name (expected "
                                          "customers/{id}/interactions/{id})");
  }
}

TEST(ParseNestedResourceNameTest, NoCollectionsMatchesNothing) {
  EXPECT_EQ(ParseNestedResourceName("name", "", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNestedResourceName("name", "customers/1", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FormatResourceNameTest, FormatsAndRoundTrips) {
  EXPECT_EQ(FormatResourceName("customers", 42), "customers/42");
  EXPECT_EQ(FormatResourceName("suppliers", kMaxId), "suppliers/9223372036854775807");
  for (int64_t id : {int64_t{1}, int64_t{10}, int64_t{123456789}, kMaxId}) {
    EXPECT_EQ(ParseResourceId("name", FormatResourceName("partners", id), "partners").value(), id);
  }
}

TEST(FormatResourceNameTest, FormatsNestedNamesThatParseBack) {
  const std::string name = FormatNestedResourceName({{"customers", 1}, {"interactions", 7}});
  EXPECT_EQ(name, "customers/1/interactions/7");
  EXPECT_THAT(ParseNestedResourceName("name", name, {"customers", "interactions"}).value(),
              ElementsAre(1, 7));
  EXPECT_EQ(FormatNestedResourceName({{"workflows", 3}}), "workflows/3");
}

}  // namespace
}  // namespace crm::common
